"""Linking: give every thing in the records one stable key, shared by every service that names it.

A law is keyed by its number, a unit by the name the inventory gives it, a document, channel or
role by a pinned slug (data/ids/). Curated reference data (data/reference/) adds what the source
does not say: English labels, the official page of a law, the hierarchy of units, Wikidata links.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..rdf.iris import slugify
from .channels import Channel
from .laws import LegalReference
from .records import Service, first_competent_unit
from .reference import Reference, load_yaml, place_iri, same_name, scoped

MEVZUAT_LAW_PAGE = (
    "https://www.mevzuat.gov.tr/mevzuat?MevzuatNo={number}&MevzuatTur=1&MevzuatTertip=5"
)
PIN_KINDS = ("services", "documents", "channels", "roles")


@dataclass
class Pins:
    """Pinned slugs, per kind: the text a thing is named by → its slug (data/ids/<kind>.yaml)."""

    by_kind: dict[str, dict[str, str]]
    minted: dict[str, dict[str, str]] = field(default_factory=dict)  # new ones, this build
    _indexes: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)
    _taken: dict[str, set[str]] = field(default_factory=dict, repr=False, compare=False)

    def slug(self, kind: str, text: str) -> str:
        """The pinned slug of a thing; names that differ only in case or spacing are one thing."""
        pinned = self.by_kind.setdefault(kind, {})
        if text in pinned:
            return pinned[text]
        index = self._index(kind)
        key = same_name(text)
        if key in index:
            return index[key]
        taken = self._taken.get(kind)
        if taken is None:  # (not setdefault: its default would be built on every call)
            taken = self._taken[kind] = set(pinned.values())
        base = slugify(text)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        pinned[text] = slug
        index[key] = slug
        taken.add(slug)
        self.minted.setdefault(kind, {})[text] = slug
        return slug

    def _index(self, kind: str) -> dict[str, str]:
        """same_name(text) → slug, built once per kind (first pin wins, as in the file)."""
        if kind not in self._indexes:
            index: dict[str, str] = {}
            for text, slug in self.by_kind.get(kind, {}).items():
                index.setdefault(same_name(text), slug)
            self._indexes[kind] = index
        return self._indexes[kind]


def load_pins(folder: Path) -> Pins:
    by_kind: dict[str, dict[str, str]] = {}
    for kind in PIN_KINDS:
        path = folder / f"{kind}.yaml"
        data = load_yaml(path.read_text(encoding="utf-8")) if path.exists() else None
        by_kind[kind] = {str(k): str(v) for k, v in (data or {}).items()}
    return Pins(by_kind)


def write_pins(pins: Pins, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for kind in PIN_KINDS:
        header = (
            f"# Pinned URI slugs for {kind}: the text the inventory names it by → its slug.\n"
            "# Once published, a slug never changes; a renamed thing gets an extra line\n"
            "# with its new name and the same slug (see docs/uri-policy.md).\n"
        )
        body = yaml.safe_dump(
            pins.by_kind.get(kind, {}), allow_unicode=True, sort_keys=False, width=200
        )
        (folder / f"{kind}.yaml").write_text(header + body, encoding="utf-8")


@dataclass(frozen=True)
class Entity:
    key: str
    label_tr: str
    label_en: str | None


@dataclass(frozen=True)
class Law:
    key: str  # "kanun-5393" or "yonetmelik-<slug>"
    kind: str
    number: str | None
    title_tr: str
    title_en: str | None
    page: str | None


# mevzuat.gov.tr's type of each numbered kind: laws 1, decree-laws (KHK) 4, presidential
# decrees (CBK) 19; its page of a numbered act follows one pattern with the type.
MEVZUAT_TYPES = {"kanun": 1, "khk": 4, "cbk": 19}
NUMBERED_KIND_TITLES = {
    "kanun": "{number} sayılı Kanun",
    "khk": "{number} sayılı Kanun Hükmünde Kararname",
    "cbk": "{number} sayılı Cumhurbaşkanlığı Kararnamesi",
}


def link_law(ref: LegalReference, reference: Reference) -> Law:
    if ref.number:
        # A number names a law (or a KHK, a CBK) whether or not laws.yaml knows it: one that is
        # not there is linked by its number and type, titled as cited (check_links warns).
        kind = ref.kind if ref.kind in MEVZUAT_TYPES else "kanun"
        curated = reference.laws.get(ref.number, {}) if kind == "kanun" else {}
        title = str(
            curated.get("title")
            or ref.title
            or NUMBERED_KIND_TITLES[kind].format(number=ref.number)
        )
        return Law(
            f"{kind}-{ref.number}",
            kind,
            ref.number,
            title,
            reference.en("law_titles", title) or reference.en("law_titles", ref.title),
            MEVZUAT_LAW_PAGE.replace("MevzuatTur=1", f"MevzuatTur={MEVZUAT_TYPES[kind]}").format(
                number=ref.number
            ),
        )
    folded = ref.title.casefold()
    if ref.kind == "kanun":
        # 'Belediye Kanunu', cited without its number: the curated law of that title, if any.
        for number, law in reference.laws.items():
            if str(law.get("title", "")).casefold() == folded:
                return link_law(replace(ref, number=number), reference)
    for regulation in reference.regulations:
        if folded in (t.casefold() for t in regulation.get("cited_as", [])):
            title = str(regulation["title"])
            en = reference.en("law_titles", title) or reference.en("law_titles", ref.title)
            return Law(
                f"yonetmelik-{regulation['key']}", ref.kind, None, title, en, regulation.get("page")
            )
    # A law whose number is not cited is no numbered law: it is kept as cited, of type 'diger'
    # (check_links warns), rather than a law without the number a law must have.
    kind = "diger" if ref.kind in MEVZUAT_TYPES else ref.kind
    return Law(
        f"{kind}-{slugify(ref.title)}",
        kind,
        None,
        ref.title,
        reference.en("law_titles", ref.title),
        None,
    )


def unit_key(name: str, reference: Reference, scope: str = "") -> str:
    """A curated unit keeps its key, and so does a curated institution named as a unit (a
    ministry in the Merkezi İdare column); any other is the inventory's own (the Kurum Kodu
    names the institution, so it cannot tell two of its units apart)."""
    curated = curated_unit(name, reference)
    return str(curated["key"]) if curated else scoped(scope, slugify(name))


def curated_unit(name: str, reference: Reference) -> dict[str, Any] | None:
    """The unit of that name in the inventory's metadata (its units, its department or its
    publisher, named as a unit), else the curated institution."""
    org = reference.organisations
    for unit in [*org.get("units", []), org.get("department") or {}, org.get("publisher") or {}]:
        if unit and (name == unit["name"] or name in unit.get("names", [])):
            return dict(unit)
    for inst in reference.organisations.get("institutions", []):
        if inst.get("public") and (name == inst["name"] or name in inst.get("names", [])):
            return dict(inst)
    return None


def institution_key(name: str, reference: Reference, scope: str = "") -> str:
    """A curated institution is one thing; one only named ('İlçe Emniyet Müdürlükleri') is the
    inventory's own, since another city's bears the same name."""
    for inst in reference.organisations.get("institutions", []):
        if name == inst["name"] or name in inst.get("names", []):
            return str(inst["key"])
    return scoped(scope, slugify(name))


def document_key(name: str, reference: Reference, pins: Pins, scope: str) -> str:
    """A national document (reference data's documents.yaml) is one thing; any other is the
    inventory's own."""
    national = reference.national_documents.get(same_name(name))
    return national or scoped(scope, pins.slug("documents", name))


def organisation_named(role: str, reference: Reference) -> str | None:
    """The organisation a paraf role names, or whose head it names ('… Başkanı' of '… Başkanlığı').

    Most paraf roles are posts within the service's unit; a few are another body (the
    department, a ministry), which then is the participant.
    """
    org = reference.organisations
    candidates = [
        org.get("publisher") or {},
        org.get("department") or {},
        *org.get("units", []),
        *org.get("institutions", []),
    ]
    wanted = same_name(role)
    for o in candidates:
        for name in [o.get("name", ""), *o.get("names", [])]:
            head = name.replace("Başkanlığı", "Başkanı").replace("Müdürlüğü", "Müdürü")
            if wanted in (same_name(name), same_name(head)):
                return str(o["key"])
    return None


def channel_text(c: Channel) -> str:
    """What a channel is pinned by: its kind and number or address, else its label."""
    return f"{c.kind} {c.phone or c.url or c.label}"


def beneficiary_groups(items: tuple[str, ...], reference: Reference) -> list[str]:
    keys: list[str] = []
    for item in items:
        for key in reference.group_items.get(item, []):
            if key not in keys:
                keys.append(key)
    return keys


def check_links(services: list[Service], reference: Reference, file: str) -> list[Problem]:
    """What curated data does not cover yet (a beneficiary text with no group): warnings, since
    the service is still published, only without its audience concept."""
    problems = []
    for s in services:
        for ref in s.legal_basis:
            if (
                not ref.number
                and ref.kind in MEVZUAT_TYPES
                and not any(
                    str(law.get("title", "")).casefold() == ref.title.casefold()
                    for law in reference.laws.values()
                )
            ):
                problems.append(
                    Problem(
                        s.source_file,
                        s.first_line,
                        "legal_basis",
                        f"service {s.number}: {ref.cited_as!r} names a law without its number; "
                        "it is published as cited, of type 'diger' (write the number, e.g. "
                        "'5393 sayılı Belediye Kanunu')",
                    )
                )
            if ref.number and ref.kind in ("kanun", "diger") and ref.number not in reference.laws:
                cell = s.cells.get("legal_basis")
                line = cell.lines[0] if cell and cell.lines else s.first_line
                problems.append(
                    Problem(
                        s.source_file,
                        line,
                        "legal_basis",
                        f"service {s.number}: law {ref.number} is not in laws.yaml; it is "
                        f"published by its number, titled as cited ({ref.cited_as!r}); add "
                        "its official title to laws.yaml",
                    )
                )
        for item in s.beneficiaries:
            if item not in reference.group_items:
                problems.append(
                    Problem(
                        file,
                        None,
                        "beneficiaries",
                        f"service {s.number}: no beneficiary group for {item!r}; "
                        "add it to items in beneficiary-groups.yaml",
                    )
                )
    return problems


@dataclass
class Linked:
    """The records with every shared thing resolved to one keyed entity."""

    services: list[Service]
    slugs: dict[int, str]  # service number → pinned slug
    laws: dict[str, Law] = field(default_factory=dict)
    documents: dict[str, Entity] = field(default_factory=dict)
    channels: dict[str, tuple[Channel, str | None]] = field(default_factory=dict)  # key → (c, en)
    roles: dict[str, Entity] = field(default_factory=dict)
    organisations: dict[str, dict[str, object]] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    sdp_codes: list[str] = field(default_factory=list)
    law_keys: dict[int, list[str]] = field(default_factory=dict)  # per service, per reference
    document_keys: dict[int, list[str]] = field(default_factory=dict)
    channel_keys: dict[int, list[str]] = field(default_factory=dict)
    role_keys: dict[int, list[str]] = field(default_factory=dict)
    paraf_participants: dict[int, list[str | None]] = field(default_factory=dict)
    # Each competent unit's key and the görevli birim column (level) that names it.
    unit_keys: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    institutions: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # (key, column)
    audiences: dict[int, list[str]] = field(default_factory=dict)
    name_en: dict[int, str | None] = field(default_factory=dict)


def link(services: list[Service], reference: Reference, pins: Pins, scope: str = "") -> Linked:
    """Link one inventory's records; `scope` is its URI scope (docs/uri-policy.md), `pins` its
    own pinned slugs."""
    linked = Linked(
        services, {s.number: scoped(scope, pins.slug("services", s.name)) for s in services}
    )
    org = reference.organisations
    publisher, department = org.get("publisher"), org.get("department")
    if publisher:
        linked.organisations[publisher["key"]] = {
            **publisher,
            "spatial": place_iri(publisher.get("spatial")),
            "kind": "publisher",
            "public": True,
        }
    for parent in org.get("parents", []):
        linked.organisations.setdefault(
            parent["key"],
            {**parent, "kind": "institution", "public": True},
        )
    if department:
        linked.organisations[department["key"]] = {
            **department,
            "spatial": place_iri(department.get("spatial")),
            "kind": "department",
            "public": True,
        }
    # The publisher's own units are part of its department, or of the publisher when the
    # metadata names no department.
    top = department or publisher or {}
    named: dict[str, str | None] = {}  # paraf roles recur across services: each looked up once

    def participant(role: str) -> str | None:
        if role not in named:
            named[role] = organisation_named(role, reference)
        return named[role]

    for s in services:
        n = s.number
        linked.name_en[n] = reference.en("service_names", s.name)
        laws = [link_law(r, reference) for r in s.legal_basis]
        for law in laws:
            linked.laws.setdefault(law.key, law)
        linked.law_keys[n] = [law.key for law in laws]
        linked.document_keys[n] = []
        for d in s.documents:
            key = document_key(d.name, reference, pins, scope)
            linked.documents.setdefault(key, Entity(key, d.name, reference.en("documents", d.name)))
            linked.document_keys[n].append(key)
        linked.channel_keys[n] = []
        for c in s.channels:
            key = scoped(scope, pins.slug("channels", channel_text(c)))
            linked.channels.setdefault(key, (c, reference.en("channel_labels", c.label)))
            linked.channel_keys[n].append(key)
        # The 'electronic' column's addresses are online channels too.
        for url in s.electronic.urls:
            web = Channel("web_portal", url.split("//", 1)[-1].split("/", 1)[0], url=url)
            key = scoped(scope, pins.slug("channels", channel_text(web)))
            if not any(linked.channels[k][0].url == url for k in linked.channel_keys[n]):
                # A host name reads the same in both languages.
                linked.channels.setdefault(key, (web, web.label))
                linked.channel_keys[n].append(key)
        # Read from the unit cells on every call: once a service.
        units = s.competent_units
        competent = first_competent_unit(units)
        linked.role_keys[n] = []
        linked.paraf_participants[n] = [
            participant(role) or unit_key(competent, reference, scope) if competent else None
            for role in s.paraf
        ]
        for role in s.paraf:
            key = pins.slug("roles", role)
            linked.roles.setdefault(key, Entity(key, role, reference.en("paraf_roles", role)))
            linked.role_keys[n].append(key)
        linked.unit_keys[n] = []
        # The DETSİS code and the department are the publishing institution's: they are said only
        # of the units in the column the competent unit comes from, not of a ministry named in
        # another column.
        own = next((lv for lv, u in units if u == competent), None)
        for level, unit in units:
            key = unit_key(unit, reference, scope)
            if (key, level) not in linked.unit_keys[n]:
                linked.unit_keys[n].append((key, level))
            if key not in linked.organisations:
                curated = curated_unit(unit, reference)
                linked.organisations[key] = {
                    "key": key,
                    "name": unit,
                    "name_en": (curated or {}).get("name_en") or reference.en("units", unit),
                    "detsis": (curated or {}).get(
                        "detsis", s.institution_code if level == own else None
                    ),
                    "part_of": top.get("key") if level == own else None,
                    "kind": "unit",
                    "public": True,
                    # The place is known for the publisher's own units only; a unit of another
                    # column (a ministry, a provincial directorate) gets none unless curated.
                    "spatial": place_iri((curated or {}).get("spatial"))
                    or (place_iri(top.get("spatial")) if level == own else None),
                }
        linked.institutions[n] = []
        named_as: dict[str, str] = {}
        for name in s.external_organisations:
            key = institution_key(name, reference, scope)
            linked.institutions[n].append((key, "external"))
            named_as.setdefault(key, name)
        for inst in org.get("institutions", []):
            column = (inst.get("mentioned_in") or {}).get(n)
            if column:
                linked.institutions[n].append((str(inst["key"]), str(column)))
        for key, _ in linked.institutions[n]:
            curated = next((i for i in org.get("institutions", []) if i["key"] == key), None)
            name = curated["name"] if curated else named_as.get(key, key)
            linked.organisations.setdefault(
                key,
                {
                    "key": key,
                    "name": name,
                    "name_en": (curated or {}).get("name_en")
                    or reference.en("external_organisations", name),
                    "kind": "institution",
                    "public": bool((curated or {}).get("public")),
                    "spatial": place_iri((curated or {}).get("spatial")),
                },
            )
        for code in s.sdp_codes:
            if code not in linked.sdp_codes:
                linked.sdp_codes.append(code)
        linked.audiences[n] = beneficiary_groups(s.beneficiaries, reference)
    # The groups the services name, in the curated order: another inventory's are not this one's.
    used = {key for keys in linked.audiences.values() for key in keys}
    for group in reference.groups:
        if group["key"] in used:
            linked.groups[group["key"]] = group
    return linked
