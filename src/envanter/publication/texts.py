"""The site's texts about the institution, from the inventory's metadata: the home page's intro,
the footer's source and the place a service is for. Nothing of any one institution is written
in the templates; without metadata, the texts name none."""

from __future__ import annotations

from ..metadata import InventoryMetadata
from ..turkish import genitive


def institution_texts(
    strings: dict[str, dict[str, str]], metadata: InventoryMetadata
) -> dict[str, dict[str, str]]:
    """The interface strings with `intro` and `footer` said of the metadata's institution (from
    `intro_of` and `footer_of`), when it names one."""
    out = dict(strings)
    publisher, department = metadata.publisher, metadata.department
    owners = [o for o in (publisher, department) if o is not None]
    if owners:
        whose_tr = genitive(" ".join(o.name for o in owners))
        names_en = [o.name_en or o.name for o in owners]
        whose_en = f"{names_en[0]}'s {names_en[1]}" if len(names_en) == 2 else names_en[0]
        intro = strings["intro_of"]
        out["intro"] = {
            "tr": intro["tr"].replace("{whose}", whose_tr),
            "en": intro["en"].replace("{whose}", whose_en),
        }
    if publisher is not None:
        footer = strings["footer_of"]
        out["footer"] = {
            "tr": footer["tr"].replace("{publisher}", publisher.name),
            "en": footer["en"].replace("{publisher}", publisher.name_en or publisher.name),
        }
    return out


def area_served(metadata: InventoryMetadata) -> dict[str, object] | None:
    """The place as schema.org's areaServed; none when the metadata gives no place."""
    if metadata.place is None:
        return None
    area: dict[str, object] = {"@type": "AdministrativeArea", "name": metadata.place.name}
    if metadata.place.iri:
        area["sameAs"] = metadata.place.iri
    return area
