"""Check an inventory's hand-written expected facts (facts/NAME.facts.yaml) against its built graph.

A facts file says what the SOURCE MEANS, service by service (see README.md for its form): the
laws and articles cited, whether the service is offered online, the annual count and its unit,
the completion times, the documents asked for, the competent units. `check` compares them with
the graph a build published and returns every difference, each naming the file, the row and what
was expected and found.

How the graph says each thing is in one place, the `GraphView` class: its queries follow the
model (docs/model.md), and are the only part to change when the model does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

HERE = Path(__file__).resolve().parent
FACTS = HERE / "facts"
SOURCES = HERE / "src"
DEFAULT_BASE = "https://envanter.example/"

# The keys of a fact and the words its values may take.
FACT_KEYS = {
    "row",
    "name",
    "laws",
    "regulations",
    "online",
    "count",
    "legal_time",
    "average_time",
    "documents",
    "units",
}
ONLINE = {True: "true", False: "false", "unknown": "unknown", "partly": "partly"}
TIME_UNITS = ("iş günü", "gün", "saat", "dakika", "ay")
TIME_KINDS = ("same day", "instant")


class FactsError(Exception):
    """A facts file that is not well-formed; `problems` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- reading a facts file ------------------------------------------------------------------------


@dataclass(frozen=True)
class Time:
    """A completion time: a value or a range in a unit, or a kind ("same day", "instant")."""

    value: int | None = None
    low: int | None = None
    high: int | None = None
    unit: str | None = None
    kind: str | None = None

    def __str__(self) -> str:
        if self.kind:
            return self.kind
        amount = f"{self.low}-{self.high}" if self.value is None else str(self.value)
        return f"{amount} {self.unit}"


@dataclass(frozen=True)
class Count:
    value: int
    unit: str | None  # None: the facts do not say (the source printed no unit)


@dataclass(frozen=True)
class Fact:
    row: int
    name: str
    laws: dict[str, frozenset[str]]  # law number → articles (ranges expanded)
    regulations: tuple[str, ...]
    online: str  # one of ONLINE's values
    count: Count | None
    legal_time: Time | None
    average_time: Time | None
    documents: frozenset[str]  # folded titles; empty when the source says none are asked for
    units: frozenset[str]  # folded names


@dataclass(frozen=True)
class Facts:
    path: Path
    inventory: str
    services: int
    facts: tuple[Fact, ...] = field(default=())


def load(path: Path) -> Facts:
    """Read a facts file; every malformed entry is reported at once in a FactsError."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    if not isinstance(data, dict):
        raise FactsError([f"{path.name}: expected a mapping"])
    for key in ("inventory", "services", "facts"):
        if key not in data:
            problems.append(f"{path.name}: missing '{key}'")
    facts: list[Fact] = []
    for k, entry in enumerate(data.get("facts") or [], start=1):
        where = f"{path.name}: fact {k}"
        try:
            facts.append(_fact(entry, where, problems))
        except (KeyError, TypeError, ValueError) as e:
            problems.append(f"{where}: {e!r}")
    rows = [f.row for f in facts]
    if len(set(rows)) != len(rows):
        problems.append(f"{path.name}: a row appears twice: {sorted(rows)}")
    if problems:
        raise FactsError(problems)
    return Facts(path, str(data["inventory"]), int(data["services"]), tuple(facts))


def _fact(entry: dict[str, Any], where: str, problems: list[str]) -> Fact:
    if unknown := set(entry) - FACT_KEYS:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    if missing := FACT_KEYS - {"regulations"} - set(entry):
        problems.append(f"{where}: missing keys {sorted(missing)}")
    laws: dict[str, frozenset[str]] = {}
    for law in entry.get("laws") or []:
        number = str(law["law"])
        if not number.isdigit():
            problems.append(f"{where}: law {number!r} is not a number")
        if set(law) - {"law", "articles", "kind"}:
            problems.append(f"{where}: law {number}: unknown keys {sorted(law)}")
        laws[number] = frozenset(a for x in law.get("articles") or [] for a in articles(str(x)))
    online = entry.get("online")
    if online not in ONLINE:
        problems.append(f"{where}: online is {online!r}; expected true, false, unknown or partly")
    return Fact(
        row=int(entry["row"]),
        name=str(entry["name"]),
        laws=laws,
        regulations=tuple(str(r) for r in entry.get("regulations") or []),
        online=ONLINE.get(online, "?"),
        count=_count(entry.get("count"), where, problems),
        legal_time=_time(entry.get("legal_time"), f"{where}: legal_time", problems),
        average_time=_time(entry.get("average_time"), f"{where}: average_time", problems),
        documents=_names(entry.get("documents"), f"{where}: documents", problems),
        units=_names(entry.get("units"), f"{where}: units", problems),
    )


def _count(value: Any, where: str, problems: list[str]) -> Count | None:
    if value == "none":
        return None
    if not isinstance(value, dict) or not isinstance(value.get("value"), int):
        problems.append(f"{where}: count is {value!r}; expected none or {{value: N, unit: WORD}}")
        return None
    unit = value.get("unit")
    return Count(value["value"], None if unit is None else str(unit))


def _time(value: Any, where: str, problems: list[str]) -> Time | None:
    if value == "none":
        return None
    if not isinstance(value, dict):
        problems.append(
            f"{where}: {value!r}; expected none, {{kind: ...}} or {{value/min/max, unit}}"
        )
        return None
    if "kind" in value:
        if value["kind"] not in TIME_KINDS:
            problems.append(f"{where}: kind {value['kind']!r} is not one of {TIME_KINDS}")
        return Time(kind=str(value["kind"]))
    if value.get("unit") not in TIME_UNITS:
        problems.append(f"{where}: unit {value.get('unit')!r} is not one of {TIME_UNITS}")
    if "value" in value:
        return Time(value=int(value["value"]), unit=value.get("unit"))
    if "min" in value and "max" in value:
        return Time(low=int(value["min"]), high=int(value["max"]), unit=value.get("unit"))
    problems.append(f"{where}: {value!r} has neither a value nor min and max")
    return None


def _names(value: Any, where: str, problems: list[str]) -> frozenset[str]:
    if value == "none":
        return frozenset()
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: {value!r}; expected none or a list of names")
        return frozenset()
    return frozenset(fold(str(v)) for v in value)


def all_facts() -> list[Path]:
    return sorted(FACTS.glob("*.facts.yaml"))


# --- comparing words -----------------------------------------------------------------------------


def fold(text: str) -> str:
    """Compare names without case (the Turkish way), spacing or a final full stop."""
    text = unicodedata.normalize("NFC", text).replace("İ", "i").replace("I", "ı").lower()
    return " ".join(text.split()).rstrip(". ")


def articles(text: str) -> set[str]:
    """An article designation as a set of articles: '134-144' is every article from 134 to 144;
    anything else ('19', 'mükerrer 44', '5/A') is itself."""
    t = fold(text)
    if m := re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", t):
        low, high = int(m[1]), int(m[2])
        if low < high <= low + 500:
            return {str(n) for n in range(low, high + 1)}
    return {t}


def slug(text: str) -> str:
    """A Turkish word as the project's IRIs write it: 'iş günü' → 'is-gunu'."""
    ascii_text = fold(text).translate(str.maketrans("çğıöşü", "cgiosu"))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


# --- what the graph says: the representation, in one place ---------------------------------------

CV = "http://data.europa.eu/m8g/"
CPSV = "http://purl.org/vocab/cpsv#"
DCT = "http://purl.org/dc/terms/"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class FoundTime:
    role: str | None  # "legal", "average" or None (the graph does not say which column)
    time: Time | None  # None: a duration the checker could not read
    text: str


class GraphView:
    """Questions about one service, asked of the graph in SPARQL."""

    def __init__(self, store: ox.Store, base: str = DEFAULT_BASE) -> None:
        self.store = store
        self.env = f"{base}def/envanter#"
        self.prefixes = {
            "cv": CV,
            "cpsv": CPSV,
            "dct": DCT,
            "eli": ELI,
            "skos": SKOS,
            "foaf": FOAF,
            "rdf": RDF,
            "xsd": XSD,
            "env": self.env,
        }

    def rows(self, query: str, s: str | None = None) -> list[tuple[Any, ...]]:
        """The solutions of a SELECT, with ?s bound to the service `s` when given."""
        if s is not None:
            query = query.replace("WHERE {", f"WHERE {{ VALUES ?s {{ <{s}> }}", 1)
        result = self.store.query(query, prefixes=self.prefixes)
        assert isinstance(result, ox.QuerySolutions)
        return [tuple(solution[v] for v in result.variables) for solution in result]

    def services(self) -> dict[int, str]:
        """Every service by its row number (Sıra No)."""
        found = self.rows("SELECT ?s ?n WHERE { ?s a cpsv:PublicService ; env:rowNumber ?n }")
        return {int(n.value): s.value for s, n in found}

    def titles(self, s: str) -> set[str]:
        q = "SELECT ?t WHERE { ?s dct:title ?t FILTER(lang(?t) = 'tr') }"
        return {t.value for (t,) in self.rows(q, s=s)}

    def laws(self, s: str) -> dict[str, set[str]]:
        """Numbered legislation the service cites (laws, KHK, CBK), with the articles cited."""
        q = "SELECT ?n WHERE { ?s cv:hasLegalResource ?r . ?r eli:id_local ?n }"
        laws: dict[str, set[str]] = {n.value: set() for (n,) in self.rows(q, s=s)}
        q = """SELECT ?n ?a WHERE { ?s cv:hasLegalResource ?r . ?r eli:is_part_of ?l ; eli:number ?a .
                                   ?l eli:id_local ?n }"""
        for n, a in self.rows(q, s=s):
            laws.setdefault(n.value, set()).update(articles(a.value))
        return laws

    def legal_texts(self, s: str) -> set[str]:
        """Titles of the unnumbered legislation cited, and the legal-basis text kept verbatim."""
        q = """SELECT ?t WHERE { { ?s cv:hasLegalResource ?r . ?r dct:title|skos:prefLabel ?t }
                                 UNION { ?s env:legalBasisText ?t } }"""
        return {fold(t.value) for (t,) in self.rows(q, s=s)}

    def online(self, s: str) -> str:
        found = {o.value for (o,) in self.rows("SELECT ?o WHERE { ?s env:offeredOnline ?o }", s=s)}
        if len(found) != 1:
            return "unknown" if not found else f"both {sorted(found)}"
        return found.pop()

    def counts(self, s: str) -> list[tuple[int, set[str]]]:
        """Each annual figure with the ways the graph names its unit: the concept's slug and
        labels, or the unit's text kept when it is no concept (env:countUnitText)."""
        q = """SELECT ?v ?u ?label ?text WHERE { ?s env:annualVolume ?x . ?x rdf:value ?v .
                 OPTIONAL { ?x env:countUnit ?u . OPTIONAL { ?u skos:prefLabel ?label } }
                 OPTIONAL { ?x env:countUnitText ?text } }"""
        by_node: dict[int, set[str]] = {}
        for v, u, label, text in self.rows(q, s=s):
            names = by_node.setdefault(int(v.value), set())
            if u is not None:
                names.add(_local(u.value))
            for literal in (label, text):
                if literal is not None:
                    names.add(slug(literal.value))
        return list(by_node.items())

    def times(self, s: str) -> list[FoundTime]:
        """Completion times: env:Duration nodes (a value or min/max, a unit concept of the
        sure-birimi scheme, a kind of sure-turu), and exact xsd:duration values."""
        found: list[FoundTime] = []
        q = f"SELECT ?p ?d ?dp ?o WHERE {{ ?s ?p ?d . ?d a <{self.env}Duration> ; ?dp ?o }}"
        nodes: dict[tuple[str, str], dict[str, list[Any]]] = {}
        for p, d, dp, o in self.rows(q, s=s):
            nodes.setdefault((p.value, str(d)), {}).setdefault(_local(dp.value), []).append(o)
        for (p, _), props in nodes.items():
            found.append(FoundTime(_role(p), _duration_node(props), str(props)))
        q = "SELECT ?p ?o WHERE { ?s ?p ?o FILTER(datatype(?o) = xsd:duration) }"
        for p, o in self.rows(q, s=s):
            found.append(FoundTime(_role(p.value), _xsd_duration(o.value), o.value))
        return found

    def documents(self, s: str) -> set[str]:
        q = """SELECT ?t WHERE { ?s cpsv:hasInput ?d .
                 ?d dct:title|skos:prefLabel ?t FILTER(lang(?t) = 'tr') }"""
        return {fold(t.value) for (t,) in self.rows(q, s=s)}

    def units(self, s: str) -> set[str]:
        q = """SELECT ?u ?t WHERE { ?s cv:hasCompetentAuthority ?u .
                 OPTIONAL { ?u skos:prefLabel|foaf:name ?t FILTER(lang(?t) = 'tr') } }"""
        names: dict[str, str] = {}
        for u, t in self.rows(q, s=s):
            names[u.value] = fold(t.value) if t is not None else u.value
        return set(names.values())


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/"))[-1]


def _role(predicate: str) -> str | None:
    name = _local(predicate).lower()
    return "legal" if "legal" in name else "average" if "average" in name else None


def _duration_node(props: dict[str, list[Any]]) -> Time | None:
    """Read an env:Duration node by what its properties are called, so that the checker holds
    whichever of value/minValue/maxValue/unit/kind names the model settles on."""
    number: dict[str, int] = {}
    unit = kind = None
    for name, objects in props.items():
        for o in objects:
            if isinstance(o, ox.Literal) and re.fullmatch(r"\d+", o.value):
                key = (
                    "min" if "min" in name.lower() else "max" if "max" in name.lower() else "value"
                )
                number[key] = int(o.value)
            elif isinstance(o, ox.NamedNode) and "sure-birimi/" in o.value:
                unit = _local(o.value)
            elif isinstance(o, ox.NamedNode) and "sure-turu/" in o.value:
                kind = _local(o.value)
    if kind in (slug("aynı gün"), "same-day"):
        return Time(kind="same day")
    if kind in (slug("anında"), "instant"):
        return Time(kind="instant")
    units = {slug(u): u for u in TIME_UNITS}
    if unit not in units:
        return None
    if "value" in number:
        return Time(value=number["value"], unit=units[unit])
    if "min" in number and "max" in number:
        return Time(low=number["min"], high=number["max"], unit=units[unit])
    return None


def _xsd_duration(text: str) -> Time | None:
    """An exact xsd:duration in one unit: P7D, PT4H, PT30M, P6M (calendar units only: a count
    of working days cannot be one)."""
    for pattern, unit in ((r"P(\d+)D", "gün"), (r"PT(\d+)H", "saat"), (r"PT(\d+)M", "dakika")):
        if m := re.fullmatch(pattern, text):
            return Time(value=int(m[1]), unit=unit)
    if m := re.fullmatch(r"P(\d+)M", text):
        return Time(value=int(m[1]), unit="ay")
    return None


# --- the check -----------------------------------------------------------------------------------


def load_graph(out: Path) -> ox.Store:
    """The graph a build published into `out` (its N-Triples dump)."""
    store = ox.Store()
    store.bulk_load(path=str(out / "data" / "dataset.nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def check(facts: Facts, view: GraphView) -> list[str]:
    """Every way the graph differs from the expected facts; empty when they all hold."""
    name = facts.path.name
    services = view.services()
    failures: list[str] = []
    if len(services) != facts.services:
        failures.append(f"{name}: {len(services)} services in the graph, expected {facts.services}")
    for fact in facts.facts:
        where = f"{name}: row {fact.row} ({fact.name})"
        s = services.get(fact.row)
        if s is None:
            failures.append(f"{where}: no service with this row number")
            continue
        failures += [f"{where}: {f}" for f in check_service(fact, s, view)]
    return failures


def check_service(fact: Fact, s: str, view: GraphView) -> Iterable[str]:
    titles = view.titles(s)
    if fold(fact.name) not in {fold(t) for t in titles}:
        yield f"title: expected {fact.name!r}, found {sorted(titles)}"
    laws = view.laws(s)
    if set(laws) != set(fact.laws):
        yield f"laws: expected {sorted(fact.laws)}, found {sorted(laws)}"
    for number, expected in fact.laws.items():
        if number in laws and laws[number] != expected:
            yield f"law {number}: expected articles {_sorted(expected)}, found {_sorted(laws[number])}"
    texts = view.legal_texts(s)
    for regulation in fact.regulations:
        if not any(fold(regulation) in t for t in texts):
            yield f"regulation {regulation!r} neither linked nor kept as text"
    online = view.online(s)
    allowed = {"true", "unknown"} if fact.online == "partly" else {fact.online}
    if online not in allowed:
        yield f"offered online: expected {fact.online}, found {online}"
    yield from _check_count(fact.count, view.counts(s))
    times = view.times(s)
    for role, expected in (("legal", fact.legal_time), ("average", fact.average_time)):
        yield from _check_time(role, expected, times)
    documents = view.documents(s)
    if documents != fact.documents:
        yield f"documents: expected {sorted(fact.documents)}, found {sorted(documents)}"
    units = view.units(s)
    if units != fact.units:
        yield f"competent units: expected {sorted(fact.units)}, found {sorted(units)}"


def _check_count(expected: Count | None, found: list[tuple[int, set[str]]]) -> Iterable[str]:
    if expected is None:
        if found:
            yield f"annual count: expected none, found {found}"
        return
    matches = [units for value, units in found if value == expected.value]
    if not matches:
        yield f"annual count: expected {expected.value}, found {[v for v, _ in found]}"
    elif expected.unit is not None and not any(slug(expected.unit) in u for u in matches):
        yield f"annual count unit: expected {expected.unit!r}, found {matches}"


def _check_time(role: str, expected: Time | None, found: list[FoundTime]) -> Iterable[str]:
    # A duration the graph does not assign to a column counts for either column.
    mine = [f for f in found if f.role in (role, None)]
    if expected is None:
        if [f for f in found if f.role == role]:
            yield f"{role} time: expected none, found {[f.text for f in mine]}"
        return
    if expected not in [f.time for f in mine]:
        yield f"{role} time: expected {expected}, found {[f.text for f in mine]}"


def _sorted(articles: Iterable[str]) -> list[str]:
    return sorted(articles, key=lambda a: (len(a), a))
