"""`envanter serve`: the built publication over HTTP, with the minted URIs dereferenced and a
read-only SPARQL 1.1 endpoint.

- A thing's URI (`/id/…`, `/def/…`) answers 303 See Other to its document in the format the
  client asks for (HTML, Turtle, JSON-LD, N-Triples), in English when the client prefers it.
- Every file of the publication is served as it is, with its media type; nothing outside the
  folder ever is: only files found under it when the server starts can be served at all.
- `/sparql` answers the SPARQL 1.1 Protocol (GET, POST form, POST query) with a time limit and a
  row limit; updates are refused.

The folder is read once at startup (the file index, the store): restart after a new build.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Final
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import ConfigError
from .sparql import (
    AskResult,
    QueryError,
    QueryInfo,
    QueryRunner,
    QueryTimeout,
    Result,
    UpdateRefused,
    adapt_query,
    dataset_base,
    dataset_prefixes,
    example_queries,
    formats_for,
    load_store,
    refuse_update,
    write_result,
)

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
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/vnd.microsoft.icon",
    ".txt": "text/plain; charset=utf-8",
    ".rq": "application/sparql-query",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}
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
# The ontology's URI: its HTML is the vocabulary's documentation page, its Turtle the whole
# ontology with its concept schemes (the other formats are its per-resource documents).
ONTOLOGY: Final = "/def/envanter"
ONTOLOGY_DOCUMENTS: Final = {"html": "/def/index.html", "ttl": "/def/envanter.ttl"}
VARY: Final = "Accept, Accept-Language"
MAX_BODY: Final = 1024 * 1024  # a POSTed query larger than this is refused (413)
CHUNK: Final = 64 * 1024


def media_type(name: str) -> str:
    if name == "csv-metadata.json" or name.endswith("-metadata.json"):
        return CSVW_METADATA
    dot = name.rfind(".")
    return (
        MEDIA_TYPES.get(name[dot:].lower(), "application/octet-stream")
        if dot >= 0
        else ("application/octet-stream")
    )


# ---------------------------------------------------------------------------------------------
# Content negotiation


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media: str) -> int:
        """How specifically this range names `media`: 2 exactly, 1 as type/*, 0 as */*, -1 not."""
        kind, _, sub = media.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def quality(params: Iterable[str]) -> float:
    for p in params:
        name, _, value = p.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 1.0  # a garbled weight: take the type at face value
            return min(max(q, 0.0), 1.0)
    return 1.0


@lru_cache(maxsize=1024)
def parse_accept(header: str) -> tuple[MediaRange, ...]:
    """An Accept header's media ranges (cached: clients send the same few headers again and
    again)."""
    ranges = []
    for position, item in enumerate(header.split(",")):
        media, *params = item.split(";")
        kind, slash, sub = media.strip().lower().partition("/")
        if not slash or not kind or not sub:
            continue  # not a media range; ignore it rather than fail the request
        ranges.append(MediaRange(kind, sub, quality(params), position))
    return tuple(ranges)


def negotiate(accept: str | None, offers: Sequence[Sequence[str]]) -> int | None:
    """The index of the offer the client prefers, or None when it accepts none of them.

    Each offer is a list of media types. An offer's weight is the q of the most specific range
    that names one of its types (RFC 9110 §12.5.1); ties go to the more specific range, then to
    the range the client listed first, then to the earlier offer (the server's preference).
    No Accept header, or an empty one, accepts anything: the first offer.
    """
    if not accept or not accept.strip():
        return 0 if offers else None
    ranges = parse_accept(accept)
    if not ranges:
        return 0 if offers else None
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for index, types in enumerate(offers):
        for media in types:
            matches = [(r.specificity(media), r) for r in ranges]
            matches = [(s, r) for s, r in matches if s >= 0]
            if not matches:
                continue
            spec = max(s for s, _ in matches)
            # The most specific range decides the weight; among equals, the first listed.
            r = min((r for s, r in matches if s == spec), key=lambda r: r.position)
            if r.q <= 0:
                continue
            key = (r.q, spec, -r.position, -index)
            if best is None or key > best:
                best, chosen = key, index
    return chosen


@lru_cache(maxsize=1024)
def prefers_english(header: str | None) -> bool:
    """Whether Accept-Language weighs English above Turkish (a tie stays Turkish)."""
    if not header:
        return False
    weights: dict[str, tuple[int, float]] = {}  # language → (specificity, q) of the best range
    for item in header.split(","):
        tag, *params = item.split(";")
        tag = tag.strip().lower()
        q = quality(params)
        for language in ("en", "tr"):
            if tag == "*":
                spec = 0
            elif tag == language or tag.startswith(language + "-"):
                spec = 2 if tag == language else 1
            else:
                continue
            if spec >= weights.get(language, (-1, 0.0))[0]:
                weights[language] = (spec, q)
    return weights.get("en", (0, 0.0))[1] > weights.get("tr", (0, 0.0))[1]


# ---------------------------------------------------------------------------------------------
# The publication on disk


@dataclass(frozen=True)
class FileEntry:
    path: Path  # resolved, inside the root
    media_type: str
    size: int
    mtime: float
    etag: str
    last_modified: str


@dataclass
class Site:
    """Every file of the publication and every thing it describes, indexed once."""

    root: Path
    prefix: str = "/"  # the path of the base URI: the publication is served under it
    files: dict[str, FileEntry] = field(default_factory=dict)  # "/doc/id/x.ttl" → file
    things: dict[str, dict[str, str]] = field(default_factory=dict)  # "/id/x" → format → doc

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
                    media_type(name),
                    st.st_size,
                    st.st_mtime,
                    f'"{st.st_size:x}-{st.st_mtime_ns:x}"',
                    formatdate(st.st_mtime, usegmt=True),
                )
        site.index_things()
        return site

    def index_things(self) -> None:
        """`doc/id/x.ttl` describes the thing `/id/x`; `en/doc/id/x.html` is its English page."""
        for url in self.files:
            for lead, english in (("/doc/", False), ("/en/doc/", True)):
                if not url.startswith(lead):
                    continue
                rest = url[len(lead) - 1 :]  # "/id/x.ttl"
                if not rest.startswith(THING_ROOTS):
                    continue
                for fmt in DOCUMENT_FORMATS:
                    if rest.endswith("." + fmt) and (fmt == "html" or not english):
                        thing = rest[: -len(fmt) - 1]
                        key = "html@en" if english else fmt
                        self.things.setdefault(thing, {})[key] = url
        if ONTOLOGY in self.things or any(d in self.files for d in ONTOLOGY_DOCUMENTS.values()):
            documents = self.things.setdefault(ONTOLOGY, {})
            for fmt, url in ONTOLOGY_DOCUMENTS.items():
                if url in self.files:
                    documents[fmt] = url
            documents.pop("html@en", None)  # the vocabulary page is bilingual

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


# ---------------------------------------------------------------------------------------------
# The server


@dataclass
class App:
    """What every request needs: the site, the query runner, the query page."""

    site: Site
    runner: QueryRunner
    prefixes: dict[str, str]
    page: bytes  # the query page, rendered once
    access_log: bool = False


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections open between requests (every response has a Content-Length).
    protocol_version = "HTTP/1.1"
    server_version = "envanter"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection is closed after this many seconds
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds
    # the second back until the client's delayed ACK, some 40 ms per keep-alive request.
    disable_nagle_algorithm = True
    server: EnvanterServer

    # -- plumbing ------------------------------------------------------------------------------

    @property
    def app(self) -> App:
        return self.server.app

    def log_message(self, format: str, *args: object) -> None:
        if self.app.access_log:
            super().log_message(format, *args)

    def send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def fail(self, status: int, message: str, headers: Sequence[tuple[str, str]] = ()) -> None:
        phrase = HTTPStatus(status).phrase
        self.send(
            status, f"{status} {phrase}: {message}\n".encode(), "text/plain; charset=utf-8", headers
        )

    def discard_body(self) -> None:
        """A body we do not read would be taken for the next request: close instead."""
        if self.headers.get("Content-Length", "0").strip() not in ("", "0") or self.headers.get(
            "Transfer-Encoding"
        ):
            self.close_connection = True

    def target(self) -> tuple[str, str] | None:
        """The request's path (percent-decoded) and query string, or None after answering a
        path that cannot name a file of the publication."""
        raw = self.path
        if not raw.startswith("/"):
            raw = urlsplit(raw).path or "/"  # absolute-form: http://host/path
        raw, _, query = raw.partition("?")
        raw = raw.partition("#")[0]
        try:
            path = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            self.fail(400, "the path is not UTF-8")
            return None
        if "\x00" in path:
            self.fail(400, "the path contains a NUL byte")
            return None
        # Only indexed files are ever served, so these could not escape the root anyway; they
        # are refused outright so that no lookup ever sees them.
        segments = path.split("/")
        if "\\" in path or any(s in (".", "..") for s in segments) or "//" in path:
            self.fail(404, "no such file")
            return None
        return path, query

    # -- methods -------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self.discard_body()
        target = self.target()
        if target is None:
            return
        path, query = target
        prefix = self.app.site.prefix
        if not path.startswith(prefix):
            if path + "/" == prefix:
                self.send(301, headers=[("Location", prefix)])
            else:
                self.fail(404, f"this server publishes {prefix}")
            return
        path = "/" + path[len(prefix) :]
        if path == "/sparql":
            self.sparql_get(query)
            return
        site = self.app.site
        entry = site.files.get(path)
        if entry is None and path.endswith("/"):
            entry = site.files.get(path + "index.html")
        if entry is not None:
            self.send_file(entry)
            return
        if path + "/index.html" in site.files:
            self.send(301, headers=[("Location", prefix + path[1:] + "/")])
            return
        if path.startswith(THING_ROOTS):
            answer = dereference(
                site, path, self.headers.get("Accept"), self.headers.get("Accept-Language")
            )
            if answer.status == 303:
                assert answer.location is not None
                self.send(303, headers=[("Location", answer.location), ("Vary", VARY)])
            else:
                self.fail(answer.status, answer.message, [("Vary", VARY)])
            return
        self.fail(404, f"no file {path} in this publication")

    def do_POST(self) -> None:
        target = self.target()
        if target is None:
            self.close_connection = True
            return
        path, query = target
        if path != self.app.site.prefix + "sparql":
            self.close_connection = True
            self.fail(405, "only the SPARQL endpoint takes POST", [("Allow", "GET, HEAD")])
            return
        self.sparql_post(query)

    def do_OPTIONS(self) -> None:
        self.discard_body()
        target = self.target()
        if target is None:
            return
        if target[0] == self.app.site.prefix + "sparql":
            self.send(204, headers=[*CORS, ("Allow", "GET, HEAD, POST, OPTIONS")])
        else:
            self.send(204, headers=[("Allow", "GET, HEAD, OPTIONS")])

    def not_allowed(self) -> None:
        self.close_connection = True
        self.fail(
            405,
            f"{self.command} is not supported: this server is read-only",
            [("Allow", "GET, HEAD, POST, OPTIONS")],
        )

    do_PUT = do_DELETE = do_PATCH = not_allowed

    # -- files ---------------------------------------------------------------------------------

    def send_file(self, entry: FileEntry) -> None:
        headers = [("ETag", entry.etag), ("Last-Modified", entry.last_modified)]
        if self.not_modified(entry):
            self.send_response(304)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            return
        try:
            fd = self.app.site.open(entry)
        except OSError:
            self.fail(404, "the file is gone (the publication changed: restart the server)")
            return
        with os.fdopen(fd, "rb") as f:
            self.send_response(200)
            self.send_header("Content-Type", entry.media_type)
            self.send_header("Content-Length", str(entry.size))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            if entry.size <= CHUNK:
                self.wfile.write(f.read(entry.size))
            else:
                self.connection.sendfile(f, 0, entry.size)

    def not_modified(self, entry: FileEntry) -> bool:
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return tags.strip() == "*" or entry.etag in [t.strip() for t in tags.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(entry.mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    # -- SPARQL --------------------------------------------------------------------------------

    def sparql_get(self, query_string: str) -> None:
        params = self.form(query_string)
        if params is None:
            return
        if "update" in params:
            self.sparql_fail(403, str(refuse_update()))
            return
        if "query" not in params:
            wants_page = negotiate(self.headers.get("Accept"), [("text/html",)]) is not None
            if wants_page and self.command in ("GET", "HEAD"):
                self.send(200, self.app.page, "text/html; charset=utf-8", CORS)
            else:
                self.sparql_fail(400, "no query: send one as ?query=… (SPARQL 1.1 Protocol)")
            return
        self.sparql(params)

    def sparql_post(self, query_string: str) -> None:
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            self.close_connection = True
            self.sparql_fail(411, "a POSTed query needs a Content-Length")
            return
        try:
            length = int(length_header)
        except ValueError:
            self.close_connection = True
            self.sparql_fail(400, f"Content-Length is not a number: {length_header!r}")
            return
        if length > MAX_BODY or length < 0:
            self.close_connection = True  # the body is not read: the connection cannot go on
            self.sparql_fail(
                413, f"the request body is {length} bytes; at most {MAX_BODY} are taken"
            )
            return
        body = self.rfile.read(length)
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        url_params = self.form(query_string)
        if url_params is None:
            return
        if kind == "application/sparql-update" or "update" in url_params:
            self.sparql_fail(403, str(refuse_update()))
            return
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self.sparql_fail(400, "the request body is not UTF-8")
            return
        if kind == "application/x-www-form-urlencoded":
            params = self.form(text)
            if params is None:
                return
            if "update" in params:
                self.sparql_fail(403, str(refuse_update()))
                return
            if "query" in url_params:
                self.sparql_fail(400, "send the query in the body or in the URL, not both")
                return
            params.update({k: v for k, v in url_params.items() if k not in params})
        elif kind == "application/sparql-query":
            params = {**url_params, "query": [text]}
        else:
            self.sparql_fail(
                415,
                f"a POSTed query is application/x-www-form-urlencoded or "
                f"application/sparql-query, not {kind or 'without a Content-Type'}",
            )
            return
        if "query" not in params:
            self.sparql_fail(400, "no query: send one as query=… (SPARQL 1.1 Protocol)")
            return
        self.sparql(params)

    def form(self, text: str) -> dict[str, list[str]] | None:
        try:
            return parse_qs(text, keep_blank_values=True, max_num_fields=100, errors="strict")
        except (ValueError, UnicodeDecodeError) as e:
            self.sparql_fail(400, f"the parameters cannot be read: {e}")
            return None

    def sparql(self, params: dict[str, list[str]]) -> None:
        if len(params["query"]) != 1:
            self.sparql_fail(400, f"one query at a time, not {len(params['query'])}")
            return
        try:
            result = self.app.runner.run(
                params["query"][0],
                params.get("default-graph-uri", []),
                params.get("named-graph-uri", []),
            )
        except UpdateRefused as e:
            self.sparql_fail(403, str(e))
            return
        except QueryTimeout as e:
            self.sparql_fail(503, str(e), [("Retry-After", "10")])
            return
        except QueryError as e:
            self.sparql_fail(400, str(e))
            return
        formats = formats_for(result)
        # format= (or output=, as Fuseki names it) overrides Accept; empty means "negotiate".
        asked = [a for a in params.get("format", params.get("output", [])) if a]
        if asked:
            names = [f.name for f in formats]
            if asked[0] not in names:
                self.sparql_fail(
                    400, f"format={asked[0]}: this answer can be had as {', '.join(names)}"
                )
                return
            fmt = formats[names.index(asked[0])]
        else:
            chosen = negotiate(self.headers.get("Accept"), [f.accepts for f in formats])
            if chosen is None:
                offered = ", ".join(f.accepts[0] for f in formats)
                self.sparql_fail(406, f"this answer can be had as {offered}")
                return
            fmt = formats[chosen]
        body = write_result(result, fmt.name, self.app.prefixes)
        headers = [*CORS, ("Vary", "Accept")]
        if truncated(result):
            headers.append(("X-Envanter-Truncated", "true"))
            headers.append(("X-Envanter-Limit", str(self.app.runner.limit)))
        self.send(200, body, fmt.media_type, headers)

    def sparql_fail(
        self, status: int, message: str, headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.fail(status, message, [*CORS, *headers])


CORS: Final = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Headers", "Accept, Content-Type"),
    ("Access-Control-Expose-Headers", "X-Envanter-Truncated, X-Envanter-Limit"),
)


def truncated(result: Result) -> bool:
    return not isinstance(result, AskResult) and result.truncated


class EnvanterServer(ThreadingHTTPServer):
    daemon_threads = True  # a connection left open does not keep the server from stopping
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: App, bind: bool = True) -> None:
        self.app = app
        # --host ::1 and the like: an IPv6 socket (HTTPServer's default is IPv4 only).
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler, bind_and_activate=bind)


# ---------------------------------------------------------------------------------------------
# Setting it up


def render_query_page(
    site_folder: Path,
    queries: list[QueryInfo],
    endpoint: str,
    triples: int,
    runner: QueryRunner,
    base: str,
) -> bytes:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

    env = Environment(
        loader=FileSystemLoader(site_folder),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    try:
        template = env.get_template("query.html.j2")
    except TemplateNotFound as e:
        raise ConfigError(
            f"no query page template at {site_folder / 'query.html.j2'} "
            "(run from the project folder, or pass --site DIR)"
        ) from e
    return template.render(
        queries=queries,
        endpoint=endpoint,
        triples=triples,
        limit=runner.limit,
        timeout=runner.timeout,
        base=base,
    ).encode("utf-8")


def make_server(
    dist: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float | None = 10.0,
    limit: int | None = 10_000,
    queries: Path = Path("queries"),
    site_folder: Path = Path("site"),
    access_log: bool = False,
) -> EnvanterServer:
    """Read the publication (files, store, example queries) and bind the server; it serves
    when `serve_forever()` is called."""
    if timeout is not None and timeout <= 0:
        raise ConfigError(f"--timeout must be a positive number of seconds, not {timeout}")
    if limit is not None and limit <= 0:
        raise ConfigError(f"--limit must be a positive number of rows, not {limit}")
    base = dataset_base(dist)
    prefix = urlsplit(base).path or "/"
    site = Site.scan(dist, prefix)
    store = load_store(dist)
    runner = QueryRunner(store, timeout, limit, max_running=max(2, os.cpu_count() or 1))
    examples = [
        replace(q, text=adapt_query(q.text, base))
        for q in (example_queries(queries) if queries.is_dir() else [])
    ]
    page = render_query_page(site_folder, examples, prefix + "sparql", len(store), runner, base)
    app = App(site, runner, dataset_prefixes(dist), page, access_log)
    try:
        return EnvanterServer((host, port), app)
    except OSError as e:
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e


def serve(
    server: EnvanterServer, workers: int = 1, ready: Callable[[], None] = lambda: None
) -> None:
    """Serve until Ctrl-C (or SIGTERM). With `workers` > 1, as many processes share the one
    listening socket: each has its own copy of the store and its own threads, so the requests
    are spread over the cores instead of queueing behind one interpreter's lock."""
    children: list[int] = []
    parent = os.getpid()

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # (inherited by the workers)
    # Ctrl-C may come as soon as a worker answers, before this process serves: the whole start
    # is inside the try, so any moment of it stops cleanly.
    try:
        # Fork before any thread exists (the query threads start with the first query).
        for _ in range(workers - 1):
            pid = os.fork()
            if pid == 0:
                try:
                    server.serve_forever()
                except KeyboardInterrupt:
                    pass
                finally:
                    os._exit(0)
            children.append(pid)
        ready()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if os.getpid() == parent:  # (never in a worker: it leaves by os._exit above)
            server.server_close()
            for pid in children:
                try:
                    os.kill(pid, signal.SIGTERM)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass


def in_thread(server: EnvanterServer) -> threading.Thread:
    """Run a server in a background thread (tests, the benchmark); stop it with shutdown()."""
    thread = threading.Thread(target=server.serve_forever, name="envanter-serve", daemon=True)
    thread.start()
    return thread


def address(server: EnvanterServer) -> str:
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else host
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


__all__ = [
    "EnvanterServer",
    "Site",
    "address",
    "dereference",
    "in_thread",
    "make_server",
    "negotiate",
    "prefers_english",
    "serve",
]
