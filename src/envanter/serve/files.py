"""The publication on disk: every file it holds, indexed once, and the things its documents
describe, with where a thing's URI sends a client (303 to a document, 406 or 404)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Final

from ..errors import ConfigError
from ..read.formats import received_charset
from .negotiation import negotiate, prefers_english

# Media types of the files a publication holds, by suffix (RDF syntaxes by their IANA names).
MEDIA_TYPES: Final = {
    ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".xml": "application/xml",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/vnd.microsoft.icon",
    ".txt": "text/plain; charset=utf-8",
    ".rq": "application/sparql-query",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}
# The folder of the source documents as received (publication/sourcedoc.py).
RECEIVED: Final = "/kaynak/"
# CSV on the Web metadata is JSON, with a media type of its own.
CSVW_METADATA: Final = "application/csvm+json"

# The formats a thing's documents come in, in the server's order of preference, with the media
# types a client may ask for each by.
DOCUMENT_FORMATS: Final = {
    "html": ("text/html", "application/xhtml+xml"),
    "ttl": ("text/turtle", "application/x-turtle"),
    "jsonld": ("application/ld+json", "application/json"),
    "nt": ("application/n-triples",),
}
THING_ROOTS: Final = ("/id/", "/def/")
# Things outside those roots: the catalog (its documents are doc/katalog.*).
THINGS_APART: Final = ("/katalog",)
# RFC 5785's address of a dataset's VoID description: the catalog, which carries it.
WELL_KNOWN_VOID: Final = ("/.well-known/void", "/catalog.ttl")
# Things whose documents are pages of their own rather than doc/…: the ontology's HTML is the
# vocabulary's page and its Turtle the whole ontology with its concept schemes; the shapes' HTML
# is their bilingual page (their other formats, and the ontology's, are doc/… as usual).
DOCUMENTS_APART: Final = {
    "/def/envanter": {"html": "/def/index.html", "ttl": "/def/envanter.ttl"},
    "/def/sekiller": {"html": "/def/sekiller.html"},
}
# The catalog, its distributions and the earlier editions' datasets are described for people by
# the page about the dataset, which lists every download with its size and checksum.
ABOUT_PAGE: Final = {"html": "/hakkinda.html", "html@en": "/en/hakkinda.html"}
DESCRIBED_BY_ABOUT: Final = ("/katalog", "/id/dagitim/", "/id/surum/")
VARY: Final = "Accept, Accept-Language"


# The tombstones' register (publication/tombstones.py:REGISTER), read here without that
# module's RDF libraries.
TOMBSTONES: Final = "tombstones.json"


def gone_of(root: Path) -> frozenset[str]:
    """The paths ("/doc/id/x.ttl") an earlier edition published and this one answers 410."""
    path = root / TOMBSTONES
    if not path.is_file():
        return frozenset()
    try:
        register = json.loads(path.read_text(encoding="utf-8"))
        return frozenset("/" + rel for t in register["gone"] for rel in t["files"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"{path}: cannot read the tombstones: {e}") from e


def is_thing(path: str) -> bool:
    """Whether a path (under the publication's prefix) names a thing rather than a file."""
    return path.startswith(THING_ROOTS) or path in THINGS_APART


def media_type(name: str) -> str:
    if name == "csv-metadata.json" or name.endswith("-metadata.json"):
        return CSVW_METADATA
    dot = name.rfind(".")
    return (
        MEDIA_TYPES.get(name[dot:].lower(), "application/octet-stream")
        if dot >= 0
        else ("application/octet-stream")
    )


def received_type(path: Path, name: str) -> str:
    """A source document as received (kaynak/<file>): a text with the charset its reader read
    it in (Windows-1254 from Turkish Excel, say), not the UTF-8 of what the build writes."""
    media = media_type(name)
    charset = received_charset(path)
    if charset is None or not media.startswith("text/"):
        return media
    return f"{media.split(';')[0]}; charset={charset}"


# ---------------------------------------------------------------------------------------------
# The publication on disk


@dataclass(frozen=True)
class FileEntry:
    path: Path  # resolved, inside the root
    media_type: str
    size: int
    mtime: float
    etag: str  # unquoted
    last_modified: str


@dataclass
class Site:
    """Every file of the publication and every thing it describes, indexed once."""

    root: Path
    prefix: str = "/"  # the path of the base URI: the publication is served under it
    files: dict[str, FileEntry] = field(default_factory=dict)  # "/doc/id/x.ttl" → file
    things: dict[str, dict[str, str]] = field(default_factory=dict)  # "/id/x" → format → doc
    # The tombstones' files (publication/tombstones.py): answered 410 Gone, with their content.
    gone: frozenset[str] = frozenset()

    @classmethod
    def scan(cls, root: Path, prefix: str = "/") -> Site:
        root = root.resolve()
        if not root.is_dir():
            raise ConfigError(f"no publication at {root}: build it first or pass --dist DIR")
        site = cls(root, prefix)
        for folder, dirs, names in os.walk(root, followlinks=False):
            # Dot-files (.htaccess, a build's staging folder) are not part of the publication.
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                if name.startswith("."):
                    continue
                path = Path(folder, name)
                real = path.resolve()
                # A symlink may point anywhere: only what really lies under the root is served.
                if not real.is_relative_to(root) or not real.is_file():
                    continue
                url = "/" + path.relative_to(root).as_posix()
                st = real.stat()
                site.files[url] = FileEntry(
                    real,
                    received_type(real, name)
                    if url.count("/") == 2 and url.startswith(RECEIVED)
                    else media_type(name),
                    st.st_size,
                    st.st_mtime,
                    f"{st.st_size:x}-{st.st_mtime_ns:x}",
                    formatdate(st.st_mtime, usegmt=True),
                )
        site.index_things()
        site.gone = gone_of(root)
        return site

    def index_things(self) -> None:
        """`doc/id/x.ttl` describes the thing `/id/x`; `en/doc/id/x.html` is its English page."""
        for url in self.files:
            for lead, english in (("/doc/", False), ("/en/doc/", True)):
                if not url.startswith(lead):
                    continue
                rest = url[len(lead) - 1 :]  # "/id/x.ttl"
                if not is_thing(rest.rsplit(".", 1)[0]):
                    continue
                for fmt in DOCUMENT_FORMATS:
                    if rest.endswith("." + fmt) and (fmt == "html" or not english):
                        thing = rest[: -len(fmt) - 1]
                        key = "html@en" if english else fmt
                        self.things.setdefault(thing, {})[key] = url
        for thing, pages in DOCUMENTS_APART.items():
            if thing in self.things or any(url in self.files for url in pages.values()):
                documents = self.things.setdefault(thing, {})
                documents.update((f, url) for f, url in pages.items() if url in self.files)
                documents.pop("html@en", None)  # these pages are bilingual
        for thing, documents in self.things.items():
            if thing.startswith(DESCRIBED_BY_ABOUT):
                documents.update((f, url) for f, url in ABOUT_PAGE.items() if url in self.files)

    def open(self, entry: FileEntry) -> int:
        """Open a file for reading, checking once more that it is still under the root (the
        folder may have changed since it was indexed)."""
        real = entry.path.resolve()
        if not real.is_relative_to(self.root):
            raise FileNotFoundError(entry.path)
        return os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))


@dataclass(frozen=True)
class Negotiated:
    status: int
    location: str | None = None
    message: str = ""


def dereference(site: Site, thing: str, accept: str | None, language: str | None) -> Negotiated:
    """Where a thing's URI sends the client: 303 to a document, 406, or 404."""
    documents = site.things.get(thing)
    if not documents:
        return Negotiated(404, message=f"{thing} is not a thing of this dataset")
    formats = list(DOCUMENT_FORMATS)
    chosen = negotiate(accept, [DOCUMENT_FORMATS[f] for f in formats])
    if chosen is None:
        offered = ", ".join(t for f in formats for t in DOCUMENT_FORMATS[f][:1])
        return Negotiated(
            406, message=f"{thing} is described as {offered}; the request accepts none of them"
        )
    fmt = formats[chosen]
    candidates = [fmt]
    if fmt == "html" and prefers_english(language):
        candidates = ["html@en", "html"]  # no English page yet: the Turkish one
    for key in candidates:
        if key in documents:
            return Negotiated(303, site.prefix + documents[key][1:])
    return Negotiated(404, message=f"{thing} has no {fmt} document in this publication")
