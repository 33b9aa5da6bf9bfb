"""Tombstones: what a URI of an earlier edition answers once its thing is gone (410 Gone).

A build with `--previous` compares the previous edition's output with its own: every thing that
had documents there (`doc/…`, `en/doc/…`) and has none here, and every page and file that is no
longer written, gets a tombstone at the same path. A thing's tombstone says what it was (its
type and name), when it went (this edition's number and date), why (a service withdrawn from the
inventory; an entity no service names any more) and its successor if the steward named one; its
Turtle, N-Triples and JSON-LD say the same in RDF. The register, `tombstones.json`, lists every
gone path: `envanter serve` and the generated nginx and Apache configurations answer them with
410 and the tombstone. Tombstones carry over: the previous edition's register is read, and a
thing gone in edition 2 is still a tombstone in edition 3 (unless it came back).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ..errors import ConfigError
from ..rdf import vocab
from .plainrdf import canonical, expanded_jsonld, sorted_ntriples
from .renames import FILE as RENAMES

REGISTER = "tombstones.json"  # (serve/files.py:TOMBSTONES reads it)
# ADMS's status vocabulary (used by DCAT-AP and CPSV-AP for an asset's status).
WITHDRAWN = "http://purl.org/adms/status/Withdrawn"
ADMS = Namespace("http://www.w3.org/ns/adms#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace(vocab.SKOS)
DCT = Namespace(vocab.DCT)
DOCUMENT_SUFFIXES = ("ttl", "nt", "jsonld")
# Folders whose files are not addressed by anyone's link: the earlier editions (kept whole),
# the search index (its fragments are named by their content) and the static assets.
NOT_ADDRESSED = ("surum/", "pagefind/", "static/")
# The names people read for the types of what we mint.
TYPE_NAMES = {
    vocab.PUBLIC_SERVICE: ("Kamu hizmeti", "Public service"),
    vocab.CV + "Evidence": ("Belge", "Document"),
    vocab.CV + "PublicOrganisation": ("Kurum", "Organisation"),
    vocab.CV + "Channel": ("Başvuru kanalı", "Channel"),
    vocab.CV + "ContactPoint": ("İletişim noktası", "Contact point"),
    vocab.ELI + "LegalResource": ("Mevzuat", "Legal resource"),
    vocab.ELI + "LegalResourceSubdivision": ("Mevzuat maddesi", "Article"),
    vocab.DCAT + "Dataset": ("Veri seti", "Dataset"),
    vocab.SKOS + "Concept": ("Kavram", "Concept"),
}
LABELS = (vocab.DCT + "title", vocab.SKOS + "prefLabel", vocab.RDFS + "label", vocab.FOAF + "name")
# Why a thing went, as the tombstone says it (Turkish, English).
REASONS = {
    "withdrawn": (
        "Hizmet kaynak envanterden çıkarıldı.",
        "The service was withdrawn from the source inventory.",
    ),
    # (an entity no service names any more, or what the inventory's metadata no longer names)
    "unused": (
        "Artık bu yayının verisinde yer almıyor.",
        "It is no longer part of this publication's data.",
    ),
    "page": (
        "Bu sayfa artık yayımlanmıyor.",
        "This page is no longer published.",
    ),
}


@dataclass(frozen=True)
class Tombstone:
    path: str  # the gone URI's path under the base: "id/hizmet/x", or a page's "hizmetler-2.html"
    iri: str
    reason: str  # a key of REASONS
    edition: int  # the first edition without it
    date: str  # that edition's date, YYYY-MM-DD
    types: tuple[str, ...] = ()
    label_tr: str = ""
    label_en: str = ""
    successor: str | None = None
    files: tuple[str, ...] = ()  # the gone files, relative to the site root

    def type_names(self, lang: str) -> list[str]:
        index = 0 if lang == "tr" else 1
        return [TYPE_NAMES[t][index] if t in TYPE_NAMES else t for t in self.types]

    def label(self, lang: str) -> str:
        return (self.label_en if lang == "en" else "") or self.label_tr or self.iri

    def why(self, lang: str) -> str:
        return REASONS[self.reason][0 if lang == "tr" else 1]


def documents_of(folder: Path) -> dict[str, list[str]]:
    """Every thing with documents in an output folder: its path (`id/hizmet/x`) → its files."""
    things: dict[str, list[str]] = {}
    for lead in ("doc", "en/doc"):
        root = folder / lead
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            rel = path.relative_to(root).as_posix()
            thing, dot, suffix = rel.rpartition(".")
            if dot and (suffix == "html" or (lead == "doc" and suffix in DOCUMENT_SUFFIXES)):
                things.setdefault(thing, []).append(f"{lead}/{rel}")
    return things


def other_files(folder: Path) -> set[str]:
    """The files of an output folder that are not a thing's documents, relative to it."""
    out: set[str] = set()
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if (
            path.is_file()
            and not any(part.startswith(".") for part in rel.split("/"))
            and not rel.startswith(("doc/", "en/doc/", *NOT_ADDRESSED))
        ):
            out.add(rel)
    return out


def read_register(folder: Path) -> list[Tombstone]:
    path = folder / REGISTER
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Tombstone(**{**t, "types": tuple(t["types"]), "files": tuple(t["files"])})
        for t in data["gone"]
    ]


def described(path: Path, iri: str) -> tuple[tuple[str, ...], str, str]:
    """A thing's types and Turkish and English names, from its Turtle document."""
    types: set[str] = set()
    labels: dict[str, str] = {}
    try:
        triples = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    except (SyntaxError, ValueError, OSError):
        return (), "", ""
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode) or t.subject.value != iri:
            continue
        if t.predicate == vocab.RDF_TYPE and isinstance(t.object, ox.NamedNode):
            types.add(t.object.value)
        elif t.predicate.value in LABELS and isinstance(t.object, ox.Literal):
            lang = t.object.language or "tr"
            rank = LABELS.index(t.predicate.value)
            key = f"{lang}:{rank}"
            labels.setdefault(key, t.object.value)

    def best(lang: str) -> str:
        ranked = sorted(k for k in labels if k.startswith(lang + ":"))
        return labels[ranked[0]] if ranked else ""

    return tuple(sorted(types)), best("tr"), best("en")


def find_gone(previous: Path, folder: Path, base: str, edition: int, date: str) -> list[Tombstone]:
    """The tombstones of the new edition in `folder`: the previous edition's that are still
    gone, and everything the previous edition published that this one does not."""
    now = documents_of(folder)
    current = other_files(folder)
    kept = [
        t
        for t in read_register(previous)
        if (t.path not in now if t.reason != "page" else t.path not in current)
    ]
    carried = {t.path for t in kept}
    gone: list[Tombstone] = list(kept)
    for thing, files in sorted(documents_of(previous).items()):
        if thing in now or thing in carried:
            continue
        iri = base + thing
        types, label_tr, label_en = described(previous / "doc" / f"{thing}.ttl", iri)
        reason = "withdrawn" if vocab.PUBLIC_SERVICE in types else "unused"
        gone.append(
            Tombstone(
                thing, iri, reason, edition, date, types, label_tr, label_en, None, tuple(files)
            )
        )
    for rel in sorted(other_files(previous) - current - carried):
        if rel in (REGISTER, RENAMES):
            continue
        gone.append(Tombstone(rel, base + rel, "page", edition, date, files=(rel,)))
    return sorted(gone, key=lambda t: t.path)


SUCCESSORS = "successors.yaml"  # in the pins' folder (data/ids/)


def with_successors(gone: list[Tombstone], ids: Path, base: str, folder: Path) -> list[Tombstone]:
    """The tombstones with the successors the steward named in `{ids}/successors.yaml` (a gone
    URI's path under the base → its successor's: `id/hizmet/old: id/hizmet/new`). A successor
    must be published in this edition, and only a gone URI can have one: anything else is an
    error, never a link that leads nowhere."""
    import yaml

    path = ids / SUCCESSORS
    if not path.is_file():
        return gone
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of gone paths to their successors")
    named = {str(k).strip("/"): str(v).strip("/") for k, v in data.items()}
    now = documents_of(folder)
    by_path = {t.path: t for t in gone}
    for old, new in named.items():
        if old not in by_path:
            raise ConfigError(f"{path}: {old} is not gone in this edition; it has no successor")
        if new not in now:
            raise ConfigError(f"{path}: {old}'s successor {new} is not published in this edition")
    return [replace(t, successor=base + named[t.path]) if t.path in named else t for t in gone]


def tombstone_graph(t: Tombstone) -> Graph:
    """What a thing's RDF documents say once it is gone: its type and name, its status
    (ADMS Withdrawn), when (prov:invalidatedAtTime) and why (skos:changeNote), and its
    successor (dct:isReplacedBy)."""
    graph = Graph()
    for prefix, namespace in (
        ("adms", ADMS),
        ("dct", DCT),
        ("prov", PROV),
        ("rdfs", RDFS),
        ("skos", SKOS),
    ):
        graph.bind(prefix, namespace)
    s = URIRef(t.iri)
    for type_ in t.types:
        graph.add((s, RDF.type, URIRef(type_)))
    if t.label_tr:
        graph.add((s, RDFS.label, Literal(t.label_tr, lang="tr")))
    if t.label_en:
        graph.add((s, RDFS.label, Literal(t.label_en, lang="en")))
    graph.add((s, ADMS.status, URIRef(WITHDRAWN)))
    graph.add((s, PROV.invalidatedAtTime, Literal(f"{t.date}T00:00:00Z", datatype=XSD.dateTime)))
    for index, lang in enumerate(("tr", "en")):
        edition = "Sürüm" if lang == "tr" else "Edition"
        note = f"{REASONS[t.reason][index]} {edition} {t.edition}, {t.date}."
        graph.add((s, SKOS.changeNote, Literal(note, lang=lang)))
    if t.successor:
        graph.add((s, DCT.isReplacedBy, URIRef(t.successor)))
    return graph


def rdf_text(graph: Graph, name: str) -> str:
    """The graph as the document `name` (.ttl, .nt or .jsonld) holds it, in a fixed order."""
    if name.endswith(".ttl"):
        return str(canonical(graph).serialize(format="turtle"))
    if name.endswith(".nt"):
        return sorted_ntriples(graph)
    return expanded_jsonld(graph)


Frame = Callable[[str, str], Mapping[str, object]]


def write_tombstones(
    gone: Iterable[Tombstone],
    previous: Path,
    folder: Path,
    templates: Path,
    frame: Frame | None = None,
) -> list[Path]:
    """Each tombstone's files into `folder` (a carried one's as the previous edition had them),
    and the register; the files written."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined
    )
    template = env.get_template("tombstone.html.j2")
    written: list[Path] = []
    stones = list(gone)
    carried = {t.path: t for t in read_register(previous)}
    for t in stones:
        for rel in t.files:
            target = folder / rel
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            kept = previous / rel
            if carried.get(t.path) == t and kept.is_file():
                target.write_bytes(kept.read_bytes())  # carried over as it was
            elif rel.endswith(".html"):
                lang = "en" if rel.startswith("en/") else "tr"
                context = dict(frame(rel, lang)) if frame else {"root": ""}
                context.setdefault("lang", lang)
                context["layout"] = "base.html.j2" if frame else "bare.html.j2"
                html = template.render(t=t, **context)
                target.write_text(html, encoding="utf-8")
            elif rel.endswith((".ttl", ".nt", ".jsonld")) and rel.startswith("doc/"):
                target.write_text(rdf_text(tombstone_graph(t), rel), encoding="utf-8")
            else:
                continue  # a gone file with nothing to say: a bare 410
            written.append(target)
    edition = max((t.edition for t in stones), default=0)
    register = folder / REGISTER
    register.write_text(
        json.dumps(
            {"edition": edition, "gone": [asdict(t) for t in stones]},
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    return [*written, register]


def gone_paths(folder: Path) -> list[str]:
    """Every gone file of an output folder, relative to it (from its register)."""
    return sorted({rel for t in read_register(folder) for rel in t.files})
