"""The metadata file read: every key checked, every problem of the file reported at once
(InputError, exit 2), YAML read without aliases and with a size bound."""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem
from .model import (
    CONTROL,
    DEFAULT_THEMES,
    LANGUAGES,
    MAX_DEPTH,
    MAX_METADATA_BYTES,
    THEMES,
    TODO,
    WIKIDATA,
    Contact,
    InventoryMetadata,
    Organisation,
    Place,
    Unit,
    metadata_path,
)


def load_metadata(source: Path) -> InventoryMetadata:
    """The metadata beside `source`, checked; none there gives empty metadata. Every problem of
    the file is reported at once (InputError, exit 2)."""
    path = metadata_path(source)
    if not path.exists():
        return InventoryMetadata(path=path)
    return read_metadata(path)


def read_metadata(path: Path) -> InventoryMetadata:
    name = str(path)
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            raise problem(
                name,
                None,
                f"the file is over {MAX_METADATA_BYTES // 1000} KB; it holds a few lines",
            )
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=NoAliasLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise problem(name, None, f"cannot read the metadata: {e}") from e
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise problem(name, None, f"expected 'key: value' lines, found {type(data).__name__}")
    reader = Reader(name)
    metadata = reader.metadata(data)
    if reader.problems:
        raise InputError(reader.problems)
    return replace(metadata, path=path)


def problem(file: str, key: str | None, message: str) -> InputError:
    return InputError([Problem(file, None, key, message)])


# The keys of the first, flat format (before docs/metadata.md): still read, as the nested ones.
FLAT_KEYS = ("publisher_en", "publisher_key", "unit", "unit_en")
KEYS = (
    "title",
    "publisher",
    "department",
    "place",
    "reference_year",
    "licence",
    "contact",
    "issued",
    "language",
    "themes",
    "units",
    "form_code",
    "received_as",
    "uri_scope",
)


class Reader:
    """Reads the file's mapping into InventoryMetadata, collecting every problem."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.todo: list[str] = []

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, None, key, message))

    def metadata(self, data: dict[Any, Any]) -> InventoryMetadata:
        unknown = sorted(str(k) for k in data if k not in KEYS and k not in FLAT_KEYS)
        if unknown:
            self.fail(
                ", ".join(unknown),
                f"unknown key(s); expected some of {', '.join(KEYS)} (docs/metadata.md)",
            )
        publisher = self.organisation("publisher", data.get("publisher"))
        department = self.organisation("department", data.get("department"))
        if isinstance(data.get("publisher"), str) or "publisher_key" in data:
            publisher = self.flat(publisher, "publisher", data)
        if "unit" in data or "unit_en" in data:
            department = self.flat(department, "unit", data)
        year = self.value("reference_year", data.get("reference_year"))
        if year is not None and (
            not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200
        ):
            self.fail("reference_year", f"expected a year like 2025, not {year!r:.100}")
            year = None
        language = self.text("language", data.get("language")) or "tr"
        if language not in LANGUAGES:
            self.fail("language", f"expected one of {', '.join(LANGUAGES)}, not {language!r}")
            language = "tr"
        return InventoryMetadata(
            title=self.text("title", data.get("title")),
            publisher=publisher,
            department=department,
            place=self.place(data.get("place")),
            reference_year=year,
            licence=self.iri("licence", data.get("licence")),
            contact=self.contact(data.get("contact")),
            issued=self.date("issued", data.get("issued")),
            language=language,
            themes=self.themes(data.get("themes")),
            units=self.units(data.get("units")),
            form_code=self.text("form_code", data.get("form_code")),
            received_as=self.text("received_as", data.get("received_as")),
            uri_scope=self.scope(data.get("uri_scope")),
            todo=tuple(self.todo),
        )

    def scope(self, value: Any) -> str | None:
        """A URI slug, or "" for no scope; '--' separates a scope from a slug, so not in one."""
        value = self.value("uri_scope", value)
        if value is None:
            return None
        if not isinstance(value, str) or not re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", value):
            self.fail(
                "uri_scope",
                "expected a URI slug like 'cankaya-belediyesi' (a-z, 0-9, single '-'), or \"\" "
                f"for none, not {value!r:.100}",
            )
            return None
        return value

    def value(self, key: str, value: Any) -> Any:
        """The value, or None when absent or TODO (remembered as still to fill in)."""
        if isinstance(value, str) and value.strip().upper().startswith(TODO):
            self.todo.append(key)
            return None
        return value

    def text(self, key: str, value: Any) -> str | None:
        value = self.value(key, value)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # a code written without quotes: 12345678
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"expected text, not {value!r:.100}")
            return None
        return " ".join(CONTROL.sub("", value).split())

    def iri(self, key: str, value: Any) -> str | None:
        from ..config import NOT_IN_IRI

        text = self.text(key, value)
        if text is None:
            return None
        if not re.match(r"https?://[^/\s]+", text) or NOT_IN_IRI.search(text) or len(text) > 2000:
            self.fail(
                key, f"expected an http(s) IRI like 'https://example.org/x', not {text!r:.100}"
            )
            return None
        return text

    def date(self, key: str, value: Any) -> str | None:
        value = self.value(key, value)
        if value is None:
            return None
        if isinstance(value, datetime.date):  # 'issued: 2025-03-01' is a YAML date
            return value.isoformat()[:10]
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return datetime.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.fail(key, f"expected a date like 2025-03-01, not {value!r:.100}")
        return None

    def mapping(self, key: str, value: Any, keys: tuple[str, ...]) -> dict[str, Any] | None:
        value = self.value(key, value)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(key, f"expected {', '.join(keys)} under it, not {value!r:.100}")
            return None
        unknown = sorted(str(k) for k in value if k not in keys)
        if unknown:
            self.fail(
                key, f"unknown key(s) {', '.join(unknown)}; expected some of {', '.join(keys)}"
            )
        return value

    def organisation(self, key: str, value: Any, depth: int = 0) -> Organisation | None:
        if isinstance(value, str):  # the flat format's 'publisher: NAME'
            name = self.text(key, value)
            return Organisation(name) if name else None
        keys: tuple[str, ...] = ("name", "name_en", "key", "detsis", "wikidata", "names")
        # A publisher names the body it is part of, and that body its own; a department is
        # its publisher's. (A dozen levels is more than any state's hierarchy has.)
        if key == "publisher" or (key.endswith(".part_of") and depth < MAX_DEPTH):
            keys += ("part_of",)
        data = self.mapping(key, value, keys)
        if data is None:
            return None
        name = self.text(f"{key}.name", data.get("name"))
        if name is None:
            if f"{key}.name" not in self.todo:
                self.fail(f"{key}.name", "expected the organisation's name")
            return None
        wikidata = self.text(f"{key}.wikidata", data.get("wikidata"))
        if wikidata is not None and not re.fullmatch(r"Q[1-9][0-9]*", wikidata):
            self.fail(
                f"{key}.wikidata", f"expected a Wikidata item like Q6085390, not {wikidata!r}"
            )
            wikidata = None
        slug = self.text(f"{key}.key", data.get("key"))
        if slug is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            self.fail(f"{key}.key", f"expected a URI slug like 'ibb' (a-z, 0-9, -), not {slug!r}")
            slug = None
        return Organisation(
            name,
            self.text(f"{key}.name_en", data.get("name_en")),
            slug,
            self.detsis(f"{key}.detsis", data.get("detsis")),
            wikidata,
            self.names(f"{key}.names", data.get("names")),
            self.organisation(f"{key}.part_of", data["part_of"], depth + 1)
            if data.get("part_of") is not None and "part_of" in keys
            else None,
        )

    def flat(self, found: Organisation | None, prefix: str, data: dict[Any, Any]) -> Organisation:
        """The flat format's publisher/publisher_en/publisher_key or unit/unit_en."""
        name = found.name if found else self.text(prefix, data.get(prefix)) or ""
        if not name:
            self.fail(prefix, f"{prefix}_en or {prefix}_key without {prefix}")
        return Organisation(
            name,
            self.text(f"{prefix}_en", data.get(f"{prefix}_en")),
            self.text(f"{prefix}_key", data.get(f"{prefix}_key")),
        )

    def detsis(self, key: str, value: Any) -> str | None:
        code = self.text(key, value)
        if code is not None and not re.fullmatch(r"[0-9]{8}", code):
            self.fail(key, f'expected an 8-digit DETSİS code like "93186084", not {code!r}')
            return None
        return code

    def names(self, key: str, value: Any) -> tuple[str, ...]:
        value = self.value(key, value)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(key, f"expected a list of names, not {value!r:.100}")
            return ()
        return tuple(n for v in value if (n := self.text(key, v)))

    def place(self, value: Any) -> Place | None:
        data = self.mapping("place", value, ("name", "name_en", "wikidata", "iri"))
        if data is None:
            return None
        name = self.text("place.name", data.get("name"))
        if name is None:
            if "place.name" not in self.todo:
                self.fail("place.name", "expected the place's name, e.g. Ankara")
            return None
        iri = self.iri("place.iri", data.get("iri"))
        wikidata = self.text("place.wikidata", data.get("wikidata"))
        if wikidata is not None:
            if not re.fullmatch(r"Q[1-9][0-9]*", wikidata):
                self.fail(
                    "place.wikidata", f"expected a Wikidata item like Q3640, not {wikidata!r}"
                )
            elif iri is not None:
                self.fail("place", "give wikidata or iri, not both")
            else:
                iri = WIKIDATA + wikidata
        return Place(name, self.text("place.name_en", data.get("name_en")), iri)

    def contact(self, value: Any) -> Contact | None:
        data = self.mapping("contact", value, ("email", "phone", "url"))
        if data is None:
            return None
        email = self.text("contact.email", data.get("email"))
        if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            self.fail("contact.email", f"expected an e-mail address, not {email!r}")
            email = None
        phone = self.text("contact.phone", data.get("phone"))
        if phone is not None and not re.fullmatch(r"\+?[0-9 ()-]{3,20}", phone):
            self.fail(
                "contact.phone", f"expected a telephone number like 0312 458 89 00, not {phone!r}"
            )
            phone = None
        url = self.iri("contact.url", data.get("url"))
        if email is None and phone is None and url is None:
            return None
        return Contact(email, phone, url)

    def themes(self, value: Any) -> tuple[str, ...]:
        value = self.value("themes", value)
        if value is None:
            return DEFAULT_THEMES
        if not isinstance(value, list) or not value:
            self.fail(
                "themes", f"expected a list of EU data themes like [GOVE, SOCI], not {value!r:.100}"
            )
            return DEFAULT_THEMES
        codes = [str(v) for v in value]
        wrong = [c for c in codes if c not in THEMES]
        if wrong:
            self.fail(
                "themes",
                f"unknown theme(s) {', '.join(wrong)}; expected some of {', '.join(THEMES)}",
            )
        return tuple(dict.fromkeys(c for c in codes if c in THEMES)) or DEFAULT_THEMES

    def units(self, value: Any) -> tuple[Unit, ...]:
        value = self.value("units", value)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail("units", f"expected a list of units, not {value!r:.100}")
            return ()
        out = []
        for k, item in enumerate(value, start=1):
            key = f"units[{k}]"
            data = self.mapping(key, item, ("name", "name_en", "key", "detsis"))
            if data is None:
                continue
            name = self.text(f"{key}.name", data.get("name"))
            if name is None:
                self.fail(f"{key}.name", "expected the unit's name")
                continue
            out.append(
                Unit(
                    name,
                    self.text(f"{key}.key", data.get("key")),
                    self.text(f"{key}.name_en", data.get("name_en")),
                    self.detsis(f"{key}.detsis", data.get("detsis")),
                )
            )
        return tuple(out)


class NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a file of a few keys needs none, and an alias bomb
    (aliases of aliases, a few hundred bytes that expand to gigabytes) is refused outright."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed here", event.start_mark
            )
        return super().compose_node(parent, index)
