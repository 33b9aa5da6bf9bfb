"""The SPARQL 1.1 Protocol at /sparql: a query by GET, by POST as a form or as the body; the
query page for a browser; updates refused. Queries run on the worker pool, never here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from .guard import UPDATE_REFUSED
from .negotiation import negotiate
from .workers import Pool, Unavailable

MAX_BODY: Final = 1024 * 1024  # a POSTed query larger than this is refused (413)
CORS: Final = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Headers", "Accept, Content-Type"),
    ("Access-Control-Expose-Headers", "X-Envanter-Truncated, X-Envanter-Limit"),
)


def plain(status: int, message: str, headers: Sequence[tuple[str, str]] = ()) -> Response:
    """An error as one line of text: `400 Bad Request: why`."""
    text = f"{status} {HTTPStatus(status).phrase}: {message}\n"
    return Response(text, status, list(headers), content_type="text/plain; charset=utf-8")


def refuse(status: int, message: str, headers: Sequence[tuple[str, str]] = ()) -> Response:
    return plain(status, message, [*CORS, *headers])


@dataclass
class Endpoint:
    pool: Pool
    limit: int | None
    page: bytes  # the query page, rendered once

    def __call__(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status=204, headers=[*CORS, ("Allow", "GET, HEAD, POST, OPTIONS")])
        if request.method == "POST":
            params = self.posted(request)
            if isinstance(params, Response):
                return params
        elif request.method in ("GET", "HEAD"):
            params = request.args
        else:
            return refuse(
                405, f"{request.method} is not supported", [("Allow", "GET, HEAD, POST, OPTIONS")]
            )
        if "update" in params:
            return refuse(400, UPDATE_REFUSED)
        queries = params.getlist("query")
        if not queries:
            wants_page = negotiate(request.headers.get("Accept"), [("text/html",)]) is not None
            if wants_page and request.method in ("GET", "HEAD"):
                return Response(self.page, 200, list(CORS), content_type="text/html; charset=utf-8")
            return refuse(400, "no query: send one as ?query=… (SPARQL 1.1 Protocol)")
        if len(queries) != 1:
            return refuse(400, f"one query at a time, not {len(queries)}")
        # format= (or output=, as Fuseki names it) overrides Accept; empty means "negotiate".
        asked = [a for a in params.getlist("format") or params.getlist("output") if a]
        job = {
            "query": queries[0],
            "default": params.getlist("default-graph-uri"),
            "named": params.getlist("named-graph-uri"),
            "accept": request.headers.get("Accept"),
            "format": asked[0] if asked else None,
        }
        try:
            reply = self.pool.run(job)
        except Unavailable as e:
            retry = [("Retry-After", str(e.retry_after))] if e.retry_after else []
            return refuse(e.status, str(e), retry)
        if reply.status != 200:
            return refuse(reply.status, str(reply.head.get("message", "")))
        headers = [*CORS, ("Vary", "Accept")]
        if reply.head.get("truncated"):
            headers += [("X-Envanter-Truncated", "true"), ("X-Envanter-Limit", str(self.limit))]
        return Response(reply.body, 200, headers, content_type=str(reply.head["type"]))

    def posted(self, request: Request) -> MultiDict[str, str] | Response:
        """The parameters of a POST: the URL's and the form's, or the body as the query."""
        length = request.content_length
        if length is None:
            return refuse(411, "a POSTed query needs a Content-Length")
        if length > MAX_BODY:
            return refuse(413, f"the request body is {length} bytes; at most {MAX_BODY} are taken")
        kind = request.mimetype
        url = request.args
        if kind == "application/sparql-update" or "update" in url:
            return refuse(400, UPDATE_REFUSED)
        if kind == "application/x-www-form-urlencoded":
            form = request.form
            if "query" in form and "query" in url:
                return refuse(400, "send the query in the body or in the URL, not both")
            merged: MultiDict[str, str] = MultiDict(url)
            for key in form:
                merged.setlist(key, form.getlist(key))
            return merged
        if kind == "application/sparql-query":
            try:
                text = request.get_data().decode("utf-8")
            except UnicodeDecodeError:
                return refuse(400, "the request body is not UTF-8")
            merged = MultiDict(url)
            merged.setlist("query", [text])
            return merged
        return refuse(
            415,
            "a POSTed query is application/x-www-form-urlencoded or application/sparql-query, "
            f"not {kind or 'without a Content-Type'}",
        )
