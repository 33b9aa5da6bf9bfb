"""What VoID says of the published graph (its triples, entities, classes and example
resources), counted as the graph is written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .graph import SubjectGroup, term_value
from .vocab import PUBLIC_SERVICE, RDF_TYPE


@dataclass
class GraphStats:
    """What VoID says of the graph, counted as it is written (in one pass, or batch by batch)."""

    uri_space: str  # {base}id/: the entities are the subjects minted there
    triples: int = 0
    entities: int = 0
    classes: set[str] = field(default_factory=set)
    services: list[str] = field(default_factory=list)  # (for three example resources)

    def add(self, triples: Iterable[ox.Triple]) -> None:
        """Count these triples (grouped by subject; no subject is in two calls)."""
        previous: object = None
        for t in triples:
            self.triples += 1
            if t.subject != previous:
                previous = t.subject
                if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(
                    self.uri_space
                ):
                    self.entities += 1
            if t.predicate == RDF_TYPE:
                self.classes.add(term_value(t.object))
                if isinstance(t.object, ox.NamedNode) and t.object.value == PUBLIC_SERVICE:
                    self.services.append(term_value(t.subject))
        self.services = sorted(self.services)[:3]  # only the first three are ever shown

    def add_groups(self, groups: Iterable[SubjectGroup]) -> None:
        """Count these subjects' triples, as `add` does, a subject at a time (its rdf:type
        triples come first: `subject_groups`)."""
        for key, triples in groups:
            self.triples += len(triples)
            if type(triples[0].subject) is ox.NamedNode and key.startswith(self.uri_space):
                self.entities += 1
            for t in triples:
                if t.predicate != RDF_TYPE:
                    break
                self.classes.add(term_value(t.object))
                if type(t.object) is ox.NamedNode and t.object.value == PUBLIC_SERVICE:
                    self.services.append(key)
        self.services = sorted(self.services)[:3]

    def merge(self, other: GraphStats) -> None:
        self.triples += other.triples
        self.entities += other.entities
        self.classes |= other.classes
        self.services = sorted(self.services + other.services)[:3]
