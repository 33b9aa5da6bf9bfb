"""The curated reference data (data/reference/): what the source does not say of the things
it names (English labels, the official page of a law, the hierarchy of units, Wikidata links),
with an inventory's own publisher, department and units added from its metadata; and the keys
every stage gives those things."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem
from ..metadata import WIKIDATA, InventoryMetadata, Organisation
from ..rdf.iris import slugify

# libyaml's safe loader where PyYAML has it: the pins and the English names grow with the
# inventory (100,000 services, 100,000 names), and the pure-Python loader takes seconds on them.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=SAFE_LOADER)


def same_name(text: str) -> str:
    """Turkish-aware case folding: 'Öğrenci Belgesi' and 'Öğrenci belgesi' name one document."""
    return " ".join(text.replace("I", "ı").replace("İ", "i").lower().split())


@dataclass
class Reference:
    """Curated reference data, as loaded."""

    laws: dict[str, dict[str, Any]]  # by number
    regulations: list[dict[str, Any]]
    organisations: dict[str, Any]
    english: dict[str, str]  # Turkish text → English (the inventory's translations)
    groups: list[dict[str, str]]
    group_items: dict[str, list[str]]
    # same_name(name) → key of each document that is one national thing (documents.yaml)
    national_documents: dict[str, str] = field(default_factory=dict)

    def en(self, group: str, text: str) -> str | None:
        """The English of a text; `group` says what kind of text it is, for the reader."""
        return self.english.get(text) if text else None


def flatten(data: dict[Any, Any]) -> list[tuple[Any, Any]]:
    """Translations as (Turkish, English) pairs, from a flat file or one grouped by kind."""
    pairs: list[tuple[Any, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            pairs += value.items()
        else:
            pairs.append((key, value))
    return pairs


def load_reference(folder: Path) -> Reference:
    def read(name: str) -> Any:
        path = folder / name
        try:
            return load_yaml(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise InputError([Problem(str(path), None, None, f"cannot read: {e}")]) from e

    laws = read("laws.yaml")
    groups = read("beneficiary-groups.yaml")
    documents = read("documents.yaml") if (folder / "documents.yaml").exists() else {}
    return Reference(
        laws={str(entry["number"]): entry for entry in laws.get("laws", [])},
        regulations=laws.get("regulations", []),
        organisations=read("organisations.yaml"),
        # A project's own reference folder may still hold translations (en.yaml, grouped as
        # they once were); an inventory's own are beside it (translations.py).
        english=(
            {str(k): v for k, v in flatten(read("en.yaml")) if isinstance(v, str) and v}
            if (folder / "en.yaml").exists()
            else {}
        ),
        groups=groups.get("groups", []),
        group_items=groups.get("items", {}),
        national_documents={
            same_name(str(name)): str(doc["key"])
            for doc in documents.get("national", [])
            for name in doc.get("names", [])
        },
    )


def scoped(scope: str, slug: str) -> str:
    """The key of an institution's own thing (a service, a unit, a channel, a document): its slug
    within the inventory's URI scope. The seed's scope is empty, so its keys are as first
    published; '--' is never in a slug, so no scoped key is another's unscoped one."""
    return f"{scope}--{slug}" if scope else slug


def with_metadata(reference: Reference, metadata: InventoryMetadata, scope: str = "") -> Reference:
    """The reference data with the inventory's own publisher, department and units, as its
    metadata file gives them (docs/metadata.md); what the file leaves out stays as curated.
    A department or unit without a key is the inventory's own, keyed within its URI `scope`
    (two municipalities' Fen İşleri Müdürlüğü are two units); the publisher is one institution."""
    orgs = dict(reference.organisations)
    place = metadata.place.iri if metadata.place else None
    publisher = metadata.publisher
    if publisher:
        # The bodies above the publisher are institutions of their own, unscoped as it is: two
        # inventories naming one ministry name one resource.
        up = publisher.ancestors()
        orgs["publisher"] = organisation_entry(publisher, place, key_of(up[0]) if up else None)
        orgs["parents"] = [
            organisation_entry(o, None, key_of(up[k + 1]) if k + 1 < len(up) else None)
            for k, o in enumerate(up)
        ]
    department = metadata.department
    if department:
        part_of = orgs["publisher"]["key"] if orgs.get("publisher") else None
        orgs["department"] = organisation_entry(department, place, part_of, scope)
    if metadata.units:
        orgs["units"] = [
            {
                "key": u.key or scoped(scope, slugify(u.name)),
                "name": u.name,
                "name_en": u.name_en,
                "detsis": u.detsis,
            }
            for u in metadata.units
        ]
    return replace(reference, organisations=orgs)


def key_of(o: Organisation, scope: str = "") -> str:
    """An organisation's key: its own, else the slug of its name within `scope`."""
    return o.key or scoped(scope, slugify(o.name))


def organisation_entry(
    o: Organisation, place: str | None, part_of: str | None, scope: str = ""
) -> dict[str, Any]:
    return {
        "key": key_of(o, scope),
        "name": o.name,
        "name_en": o.name_en,
        "names": list(o.names),
        "detsis": o.detsis,
        "wikidata": o.wikidata,
        "part_of": part_of,
        "spatial": place,
    }


def place_iri(spatial: object) -> str | None:
    """A curated place: a Wikidata item (Q…) or an IRI."""
    if not spatial:
        return None
    text = str(spatial)
    return WIKIDATA + text if text.startswith("Q") and text[1:].isdigit() else text
