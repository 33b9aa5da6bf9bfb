"""Release diff: which services were added, removed or changed between two builds, and how.

Two builds (their dist/ folders) or two dumps (.nt or .ttl) are compared as sets of triples.
A triple belongs to a service when its subject is the service or one of its sub-resources
(`…/hizmet/{slug}#paraf-3` and the like); everything else is reported as other resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import ConfigError
from ..rdf.vocab import DCT, PUBLIC_SERVICE, RDF_TYPE

DCT_TITLE = DCT + "title"
FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}


def load(path: Path) -> set[ox.Triple]:
    """A build folder (its data/dataset.nt) or a dump file."""
    if path.is_dir():
        path = path / "data" / "dataset.nt"
    if not path.exists():
        raise ConfigError(f"{path}: not found; give a build folder or a .nt/.ttl dump")
    fmt = FORMATS.get(path.suffix)
    if fmt is None:
        raise ConfigError(f"{path}: cannot compare {path.suffix} files; use .nt or .ttl")
    try:
        return {q.triple for q in ox.parse(path=str(path), format=fmt)}
    except (SyntaxError, ValueError, OSError) as e:
        raise ConfigError(f"{path}: cannot read it as RDF: {e}") from e


@dataclass
class ServiceChange:
    iri: str
    title: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # The properties whose values changed, for people: `dct:title`, `env:rowNumber` …
    properties: set[str] = field(default_factory=set)

    @property
    def changed_properties(self) -> list[str]:
        return sorted(self.properties)


@dataclass
class Diff:
    added: list[ServiceChange]
    removed: list[ServiceChange]
    changed: list[ServiceChange]
    other_added: list[str]
    other_removed: list[str]
    services_before: int
    services_after: int

    @property
    def empty(self) -> bool:
        return not (
            self.added or self.removed or self.changed or self.other_added or self.other_removed
        )


def services_in(triples: set[ox.Triple]) -> dict[str, str]:
    """Service IRI → its Turkish title."""
    iris = {
        t.subject.value
        for t in triples
        if t.predicate == RDF_TYPE
        and isinstance(t.object, ox.NamedNode)
        and t.object.value == PUBLIC_SERVICE
        and isinstance(t.subject, ox.NamedNode)
    }
    titles = {
        t.subject.value: t.object.value
        for t in triples
        if t.predicate.value == DCT_TITLE
        and isinstance(t.object, ox.Literal)
        and t.object.language == "tr"
        and isinstance(t.subject, ox.NamedNode)
    }
    return {iri: titles.get(iri, iri) for iri in iris}


def owner(subject: str, services: dict[str, str]) -> str | None:
    """The service a subject belongs to: itself, or the service whose URI its fragment URI
    extends (`…/hizmet/x#paraf-1` belongs to `…/hizmet/x`)."""
    service = subject.partition("#")[0]
    return service if service in services else None


# A service's source excerpt says where its row sits in the source: every line added above it
# moves it, so its triples (lines, label, page anchor) are no change of the service.
EXCERPT = "#kaynak"
EDITION_ROOTS = ("id/veri-seti/", "id/kaynak/")


def keys_under(triples: set[ox.Triple], root: str) -> set[str]:
    """The IRIs `…/{root}{key}` (no fragment) that are subjects of the triples."""
    return {
        t.subject.value
        for t in triples
        if isinstance(t.subject, ox.NamedNode)
        and root in t.subject.value
        and "#" not in t.subject.value
        and "/" not in t.subject.value.rpartition(root)[2]
    }


def renamed_edition(old: set[ox.Triple], new: set[ox.Triple]) -> set[ox.Triple]:
    """`old` with its dataset and source document named as in `new` when each side has one of
    each: their IRIs come from the source's file name, which may change between editions
    without any service changing."""
    renames: dict[str, str] = {}
    for root in EDITION_ROOTS:
        before, after = keys_under(old, root), keys_under(new, root)
        if len(before) == 1 and len(after) == 1 and before != after:
            renames[before.pop()] = after.pop()
    if not renames:
        return old

    def named(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> ox.NamedNode:
        assert isinstance(term, ox.NamedNode)
        head, hash_, fragment = term.value.partition("#")
        return ox.NamedNode(renames[head] + hash_ + fragment) if head in renames else term

    out: set[ox.Triple] = set()
    for t in old:
        subject = named(t.subject) if isinstance(t.subject, ox.NamedNode) else t.subject
        obj = named(t.object) if isinstance(t.object, ox.NamedNode) else t.object
        out.add(ox.Triple(subject, t.predicate, obj))
    return out


# The namespaces a service's properties come from, as the pages name them.
SHORT_NAMES = {
    "http://purl.org/dc/terms/": "dct:",
    "http://data.europa.eu/m8g/": "cv:",
    "http://purl.org/vocab/cpsv#": "cpsv:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://xmlns.com/foaf/0.1/": "foaf:",
}


def short_name(iri: str) -> str:
    """A property as people read it: a known prefix, else ours (`env:`), else the IRI."""
    for namespace, prefix in SHORT_NAMES.items():
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    head, _, name = iri.rpartition("#")
    if head.endswith("/def/envanter"):  # the ontology, under the publication's own base
        return "env:" + name
    return iri


def diff(old: set[ox.Triple], new: set[ox.Triple]) -> Diff:
    old = renamed_edition(old, new)
    before, after = services_in(old), services_in(new)
    everyone = {**before, **after}
    changes = {iri: ServiceChange(iri, title) for iri, title in everyone.items()}
    other_added: list[str] = []
    other_removed: list[str] = []
    for triples, sign in ((new - old, "+"), (old - new, "-")):
        for t in sorted(triples, key=str):
            subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else ""
            iri = owner(subject, everyone)
            if iri is not None and subject == iri + EXCERPT:
                continue
            line = f"{t} ."
            if iri is None:
                (other_added if sign == "+" else other_removed).append(line)
            else:
                (changes[iri].added if sign == "+" else changes[iri].removed).append(line)
                changes[iri].properties.add(short_name(t.predicate.value))
    added = [changes[i] for i in sorted(set(after) - set(before))]
    removed = [changes[i] for i in sorted(set(before) - set(after))]
    changed = [
        changes[i]
        for i in sorted(set(before) & set(after))
        if changes[i].added or changes[i].removed
    ]
    return Diff(added, removed, changed, other_added, other_removed, len(before), len(after))


def report(d: Diff, triples: bool = True) -> str:
    """The diff as text, for a terminal or a changelog."""
    lines = [
        f"services: {d.services_before} → {d.services_after} ({len(d.added)} added, "
        f"{len(d.removed)} removed, {len(d.changed)} changed)"
    ]
    for sign, group in (("+", d.added), ("-", d.removed), ("~", d.changed)):
        for c in group:
            lines.append(
                f"{sign} {c.title} <{c.iri}>: {len(c.added)} triple(s) added, "
                f"{len(c.removed)} removed"
            )
            if triples and sign == "~":
                lines += [f"    + {t}" for t in c.added] + [f"    - {t}" for t in c.removed]
    lines.append(
        f"other resources: {len(d.other_added)} triple(s) added, {len(d.other_removed)} removed"
    )
    if triples:
        lines += [f"    + {t}" for t in d.other_added] + [f"    - {t}" for t in d.other_removed]
    return "\n".join(lines) + "\n"


def write_changes_page(
    d: Diff, templates: Path, path: Path, frame: Mapping[str, object] | None = None
) -> Path:
    """A bilingual changelog page for the release (Jinja2, escaped)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined
    )
    html = env.get_template("changes.html.j2").render(
        before=d.services_before,
        after=d.services_after,
        added=d.added,
        removed=d.removed,
        changed=d.changed,
        other_added=d.other_added,
        other_removed=d.other_removed,
        # (the frame of the site's pages (SiteWriter.frame); without one, a bare page)
        layout="base.html.j2" if frame else "bare.html.j2",
        **(frame or {}),
    )
    path.write_text(html, encoding="utf-8")
    return path
