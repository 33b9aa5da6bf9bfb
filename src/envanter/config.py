"""Build settings: one registry that drives the CLI options, their defaults and docs/cli.md."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

DEFAULT_SOURCE = Path("data/source/ibb-sosyal-hizmetler-2025.txt")
DEFAULT_CORRECTIONS = Path("data/reference/corrections.yaml")
DEFAULT_OUT = Path("dist")
# A placeholder under the reserved .example domain: a publisher sets its own with --base-uri.
DEFAULT_BASE_URI = "https://envanter.example/"
# The licence of the publication: a setting, because it is the publisher's to choose.
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "source",
        DEFAULT_SOURCE,
        "The inventory table: CSV, XLSX, XLS, ODS, DOCX, a PDF of a ruled table, or the "
        "seed's PDF text (.txt).",
    ),
    Setting("out", DEFAULT_OUT, "Output directory; replaced as a whole when the build succeeds."),
    Setting(
        "corrections",
        DEFAULT_CORRECTIONS,
        "Curated corrections of the source text, each with its reason (of the first --source).",
    ),
    Setting(
        "base_uri",
        DEFAULT_BASE_URI,
        "Base of every URI the build mints (things under id/, vocabulary under def/).",
    ),
    Setting(
        "license",
        DEFAULT_LICENSE,
        "Licence of the published data (a URI); shown in the catalog on every download.",
    ),
    Setting(
        "reference_year",
        None,
        "Year the annual counts are for; defaults to the source's metadata file; "
        "when neither gives it, the counts are published without a year (a warning).",
    ),
)


@dataclass(frozen=True)
class SourceMetadata:
    """What we know about the source document, from `<source>.meta.yaml` beside it."""

    title: str | None = None
    publisher: str | None = None
    publisher_en: str | None = None
    publisher_key: str | None = None  # the publisher's key in data/reference/organisations.yaml
    unit: str | None = None
    unit_en: str | None = None
    reference_year: int | None = None
    form_code: str | None = None
    issued: str | None = None  # the inventory edition's date, YYYY-MM-DD, when known
    received_as: str | None = None
    # The inventory's URI scope (docs/uri-policy.md): "" keeps its URIs unscoped, as the seed's
    # were first published; None derives it from the publisher.
    uri_scope: str | None = None


def metadata_path(source: Path) -> Path:
    return source.with_name(source.stem + ".meta.yaml")


def load_source_metadata(source: Path) -> SourceMetadata:
    path = metadata_path(source)
    if not path.exists():
        return SourceMetadata()
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            raise ConfigError(
                f"{path}: the source metadata is over {MAX_METADATA_BYTES // 1000} KB; "
                "it holds a few lines (see docs/sources.md)"
            )
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=NoAliasLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: cannot read the source metadata: {e}") from e
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected 'key: value' lines, found {type(data).__name__}")
    known = set(SourceMetadata.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(unknown)}; "
            f"expected some of {', '.join(sorted(known))}"
        )
    year = data.get("reference_year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise ConfigError(f"{path}: reference_year must be a year like 2025, not {year!r}")
    issued = data.get("issued")
    if isinstance(issued, datetime.date):  # 'issued: 2025-03-01', as the docs show: YAML's date
        data["issued"] = issued.isoformat()[:10]
    elif issued is not None and not (
        isinstance(issued, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", issued)
    ):
        raise ConfigError(f"{path}: issued must be a date like 2025-03-01, not {issued!r}")
    for key, value in data.items():
        if key not in ("reference_year", "issued") and value is not None:
            if not isinstance(value, str):
                raise ConfigError(f"{path}: {key} must be text, not {value!r:.100}")
            data[key] = CONTROL.sub("", value)
    return SourceMetadata(**data)


MAX_METADATA_BYTES = 64_000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


# Characters an IRI may not hold raw (RFC 3987), and the apostrophe, which it may but which no
# base URI or licence needs: with one of them an option could break out of an attribute, a
# Turtle IRI or a server directive, so it is refused rather than escaped.
NOT_IN_IRI = re.compile(r"[\s<>\"'{}|\\^`\x00-\x1f\x7f]")


def check_http_iri(option: str, value: str, example: str) -> str:
    """`value` if it is an absolute http(s) IRI; else a ConfigError naming the option."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or NOT_IN_IRI.search(value)
        or len(value) > 2000
    ):
        raise ConfigError(
            f"{option} must be an absolute http(s) IRI like '{example}', without spaces, quotes "
            f"or angle brackets; not {value[:200]!r}"
        )
    return value


def check_base_uri(base: str) -> str:
    """An absolute http(s) URI ending in '/', so that minted URIs are its children."""
    from urllib.parse import urlsplit

    check_http_iri("--base-uri", base, "https://data.example.org/")
    parts = urlsplit(base)
    if parts.query or parts.fragment:
        raise ConfigError(
            f"--base-uri must be an absolute http(s) URI like "
            f"'https://data.example.org/', not {base!r}"
        )
    return base if base.endswith("/") else base + "/"


def check_license(license: str) -> str:
    """The licence is published as a link: an http(s) IRI, never `javascript:` or `data:`."""
    return check_http_iri("--license", license, "https://creativecommons.org/licenses/by/4.0/")
