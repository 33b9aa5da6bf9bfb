"""Setting `envanter serve` up and running it: the publication indexed, the query workers
started, and the WSGI app run by waitress with explicit bounds on connections and requests.

waitress reads requests in one event loop, so a slow or idle client costs a socket, not a
thread: headers past `max_request_header_size` or a connection idle for `idle` seconds are
dropped, at most `connections` are open at once. It also refuses the ambiguous framings a
proxy could be fooled by (two Content-Lengths, Transfer-Encoding with Content-Length).
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from waitress.server import create_server

from ..errors import ConfigError
from ..sparql import QueryInfo, adapt_query, dataset_base, example_queries
from .app import App
from .endpoint import MAX_BODY, Endpoint
from .files import Site
from .workers import Pool


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds a query may run
    rows: int | None = 10_000  # rows (or triples) an answer holds at most
    workers: int = 2  # queries running at once, each in a process of its own
    queue: int = 32  # queries waiting for a worker at most; beyond them, 503
    memory: int = 2048  # MB of address space a query worker may use
    connections: int = 1000  # open connections at most
    idle: int = 30  # seconds before an idle connection is closed
    static_threads: int = 8  # threads for files and dereferencing, beside the queries'

    def check(self) -> None:
        for name in ("timeout", "workers", "memory", "connections", "idle"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"--{name} must be positive, not {getattr(self, name)}")
        if self.rows is not None and self.rows <= 0:
            raise ConfigError(f"--limit must be a positive number of rows, not {self.rows}")
        if self.queue < 0:
            raise ConfigError(f"--queue cannot be negative ({self.queue})")


@dataclass
class Server:
    wsgi: Any  # waitress's server (untyped)
    pool: Pool
    site: Site
    base: str

    @property
    def url(self) -> str:
        host, port = self.wsgi.effective_host, self.wsgi.effective_port
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def close(self) -> None:
        self.wsgi.close()
        self.pool.close()


def render_query_page(
    site_folder: Path,
    queries: list[QueryInfo],
    endpoint: str,
    triples: int,
    limits: Limits,
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
    page = template.render(
        queries=queries,
        endpoint=endpoint,
        triples=triples,
        limit=limits.rows,
        timeout=limits.timeout,
        base=base,
    )
    return page.encode("utf-8")


def make_server(
    dist: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: Limits = Limits(),
    queries: Path = Path("queries"),
    site_folder: Path = Path("site"),
) -> Server:
    """Index the publication, start the query workers and bind the server; it serves when
    `serve()` is called."""
    limits.check()
    base = dataset_base(dist)
    prefix = urlsplit(base).path or "/"
    site = Site.scan(dist, prefix)
    examples = [
        replace(q, text=adapt_query(q.text, base))
        for q in (example_queries(queries) if queries.is_dir() else [])
    ]
    pool = Pool(
        dist,
        limits.workers,
        limits.timeout,
        limits.rows,
        limits.memory << 20,
        limits.queue,
        queries if queries.is_dir() else None,
    )
    try:
        page = render_query_page(
            site_folder, examples, prefix + "sparql", pool.triples, limits, base
        )
        app = App(site, Endpoint(pool, limits.rows, page))
        wsgi = create_server(
            app,
            host=host,
            port=port,
            ident="envanter",
            # Queries wait for a worker on a thread: enough threads that files never wait.
            threads=limits.workers + limits.queue + limits.static_threads,
            connection_limit=limits.connections,
            channel_timeout=limits.idle,
            cleanup_interval=max(1, min(10, limits.idle // 2)),
            max_request_header_size=64 * 1024,
            max_request_body_size=MAX_BODY,
            asyncore_use_poll=True,  # select() cannot watch more than 1,024 sockets
            expose_tracebacks=False,
        )
    except OSError as e:
        pool.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    except BaseException:
        pool.close()
        raise
    return Server(wsgi, pool, site, base)


def serve(server: Server) -> None:
    """Serve until SIGINT or SIGTERM, then stop the workers. Both signals are taken whatever
    this process inherited (a shell may start it with SIGINT ignored)."""

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.wsgi.run()  # (waitress ends its loop on KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
