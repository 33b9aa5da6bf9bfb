"""The WSGI application of `envanter serve`: the publication's files (with conditional GET),
a thing's URI dereferenced by content negotiation, and the SPARQL endpoint.

Files and dereferencing are answered by the server's own threads from an index built at
startup; only /sparql hands work to the query workers, so no query can hold them up.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from .endpoint import Endpoint, plain
from .files import VARY, WELL_KNOWN_VOID, FileEntry, Site, dereference, is_thing

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

METHODS = "GET, HEAD, POST, OPTIONS"


@dataclass
class App:
    site: Site
    endpoint: Endpoint

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = self.respond(request)
        # Everything published is open data: any web page may read it (documents, the JSON-LD
        # context, the 303s of dereferencing).
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        path = request.path
        if "\x00" in path:
            return plain(400, "the path contains a NUL byte")
        # Only indexed files are ever served, so these could not escape the root anyway; they
        # are refused outright so that no lookup ever sees them.
        if "\\" in path or "//" in path or any(s in (".", "..") for s in path.split("/")):
            return plain(404, "no such file")
        prefix = self.site.prefix
        if not path.startswith(prefix):
            if path + "/" == prefix:
                return Response(status=301, headers=[("Location", prefix)])
            return plain(404, f"this server publishes {prefix}")
        path = "/" + path[len(prefix) :]
        if path == "/sparql":
            return self.endpoint(request)
        if request.method == "OPTIONS":
            return Response(status=204, headers=[("Allow", "GET, HEAD, OPTIONS")])
        if request.method not in ("GET", "HEAD"):
            allow = [("Allow", METHODS)]
            return plain(405, f"{request.method} is not supported: this server is read-only", allow)
        entry = self.site.files.get(path)
        if path in self.site.gone:
            return self.gone(entry, f"{path} is gone: an earlier edition published it")
        if entry is None and path.endswith("/"):
            entry = self.site.files.get(path + "index.html")
        if entry is not None:
            return self.file(request, entry)
        if path + "/index.html" in self.site.files:
            return Response(status=301, headers=[("Location", prefix + path[1:] + "/")])
        if path == WELL_KNOWN_VOID[0] and prefix == "/":
            return Response(status=303, headers=[("Location", WELL_KNOWN_VOID[1])])
        if is_thing(path):
            answer = dereference(
                self.site,
                path,
                request.headers.get("Accept"),
                request.headers.get("Accept-Language"),
            )
            if answer.status == 303:
                assert answer.location is not None
                return Response(status=303, headers=[("Location", answer.location), ("Vary", VARY)])
            return plain(answer.status, answer.message, [("Vary", VARY)])
        return self.not_found(request, f"no file {path} in this publication")

    def not_found(self, request: Request, message: str) -> Response:
        """The site's designed 404 page, as a static host answers a missing path; plain text
        when the publication has none."""
        entry = self.site.files.get("/404.html")
        if entry is None:
            return plain(404, message)
        try:
            with os.fdopen(self.site.open(entry), "rb") as f:
                body = f.read()
        except OSError:
            return plain(404, message)
        return Response(body, status=404, headers=[("Content-Type", entry.media_type)])

    def gone(self, entry: FileEntry | None, message: str) -> Response:
        """410 Gone, with the tombstone when there is one (its page or RDF document)."""
        if entry is None:
            return plain(410, message)
        try:
            with os.fdopen(self.site.open(entry), "rb") as f:
                body = f.read()
        except OSError:
            return plain(410, message)
        return Response(body, status=410, headers=[("Content-Type", entry.media_type)])

    def file(self, request: Request, entry: FileEntry) -> Response:
        try:
            fd = self.site.open(entry)
        except OSError:
            return plain(404, "the file is gone (the publication changed: restart the server)")
        response = send_file(
            os.fdopen(fd, "rb"),
            request.environ,
            mimetype=entry.media_type,
            conditional=True,
            etag=entry.etag,
            last_modified=entry.mtime,
            max_age=None,
        )
        response.headers["Content-Type"] = entry.media_type  # (as indexed: charset included)
        return response
