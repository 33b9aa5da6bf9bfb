"""Build settings: one registry that drives the CLI options, their defaults and docs/cli.md."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
        "Curated corrections of the source text, each with its reason.",
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
        "Year the annual counts are for; defaults to the source's metadata file.",
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


def metadata_path(source: Path) -> Path:
    return source.with_name(source.stem + ".meta.yaml")


def load_source_metadata(source: Path) -> SourceMetadata:
    path = metadata_path(source)
    if not path.exists():
        return SourceMetadata()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: cannot read the source metadata: {e}") from e
    known = set(SourceMetadata.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(unknown)}; "
            f"expected some of {', '.join(sorted(known))}"
        )
    year = data.get("reference_year")
    if year is not None and not isinstance(year, int):
        raise ConfigError(f"{path}: reference_year must be a year like 2025, not {year!r}")
    return SourceMetadata(**data)


def check_base_uri(base: str) -> str:
    """An absolute http(s) URI ending in '/', so that minted URIs are its children."""
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"--base-uri must be an absolute http(s) URI like "
            f"'https://data.example.org/', not {base!r}"
        )
    return base if base.endswith("/") else base + "/"
