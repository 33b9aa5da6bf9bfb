"""The media types of the files a publication holds, by suffix: one list for the catalog, the
server and the web servers' configurations (RDF syntaxes by their IANA names)."""

from __future__ import annotations

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json": "application/json",
    "csv": "text/csv",
    "xml": "application/xml",
    "css": "text/css",
    "js": "text/javascript",
    "wasm": "application/wasm",
    "svg": "image/svg+xml",
    "png": "image/png",
    "ico": "image/vnd.microsoft.icon",
    "txt": "text/plain",
    "rq": "application/sparql-query",
    "woff2": "font/woff2",
    "webmanifest": "application/manifest+json",
}
# CSV on the Web metadata is JSON (csv-metadata.json) with a media type of its own.
CSVW_METADATA = "application/csvm+json"
