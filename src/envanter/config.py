"""Build settings: one registry that drives the CLI options, their defaults and docs/cli.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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
        "Licence of the published data (a URI); shown in the catalog on every download; "
        "defaults to licence in the source's metadata file, else CC BY 4.0.",
    ),
    Setting(
        "reference_year",
        None,
        "Year the annual counts are for; defaults to the source's metadata file; "
        "when neither gives it, the counts are published without a year (a warning).",
    ),
)


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
