"""`envanter query`, `envanter serve` and `envanter publish`: SPARQL and dereferencing
(sparql.py, serve/, publish.py; docs/serving.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ..resources import resource
from .common import main, run


@main.command("query")
@click.argument("queryfile", type=click.Path(path_type=Path), required=False)
@click.option("-e", "--expression", "expression", help="The query text, instead of a file.")
@click.option(
    "--dist",
    type=click.Path(path_type=Path),
    default=None,
    help="The publication to query (its data/dataset.nt).  [default: dist]",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    help="table: aligned text (N-Triples for CONSTRUCT/DESCRIBE); csv: SPARQL CSV results; "
    "json: SPARQL JSON results (JSON-LD for CONSTRUCT/DESCRIBE).  [default: table]",
)
@click.option("--endpoint", help="Send the query to this SPARQL endpoint instead (a URL).")
def query_command(
    queryfile: Path | None,
    expression: str | None,
    dist: Path | None,
    fmt: str,
    endpoint: str | None,
) -> None:
    """Run a SPARQL query on the built dataset (or a remote endpoint) and print the answer.

    Queries written for the default base https://envanter.example/ (queries/*.rq) are pointed at
    the base the dataset was built with."""
    from ..errors import ConfigError
    from ..serve.results import text_table, write_result
    from ..sparql import (
        AskResult,
        GraphResult,
        adapt_query,
        dataset_base,
        evaluate,
        load_store,
        query_endpoint,
    )

    def answer() -> str | bytes:
        if (queryfile is None) == (expression is None):
            raise ConfigError("give a query file or -e TEXT (exactly one)")
        if queryfile is not None:
            try:
                text = queryfile.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise ConfigError(f"cannot read the query file {queryfile}: {e}") from e
        else:
            assert expression is not None
            text = expression
        if endpoint is not None:
            # A remote dataset's base is unknown: point the query at one only when asked to.
            if dist is not None:
                text = adapt_query(text, dataset_base(dist))
            result = query_endpoint(endpoint, text)
            if getattr(result, "truncated", False):
                click.echo(
                    f"warning: {endpoint} cut the answer at its row limit: only the first "
                    "rows (or triples) are shown; page with LIMIT and OFFSET",
                    err=True,
                )
        else:
            folder = dist or Path("dist")
            store = load_store(folder)
            result = evaluate(store, adapt_query(text, dataset_base(folder)))
        if isinstance(result, AskResult):
            if fmt == "json":
                return write_result(result, "json")
            return "true" if result.value else "false"
        if isinstance(result, GraphResult):
            if fmt == "csv":
                raise ConfigError(
                    "a CONSTRUCT or DESCRIBE answer is a graph: print it with --format table "
                    "(N-Triples) or --format json (JSON-LD), not csv"
                )
            return write_result(result, "jsonld" if fmt == "json" else "ntriples")
        if fmt == "table":
            return text_table(result)
        return write_result(result, fmt)

    out = run(answer)
    if isinstance(out, bytes):
        out = out.decode("utf-8")
    click.echo(out, nl=not out.endswith("\n"))


@main.command("serve")
@click.option(
    "--dist",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    help="The publication to serve.  [default: dist]",
)
@click.option("--host", default="127.0.0.1", help="Address to listen on.  [default: 127.0.0.1]")
@click.option("--port", type=int, default=8000, help="Port to listen on.  [default: 8000]")
@click.option(
    "--timeout",
    type=float,
    default=10.0,
    help="Seconds a SPARQL query may run; then its worker is killed and the answer is 503.  "
    "[default: 10]",
)
@click.option(
    "--limit",
    type=int,
    default=10_000,
    help="Rows (or triples) a SPARQL answer may have; more are cut off and the answer has the "
    "header X-Envanter-Truncated: true.  [default: 10000]",
)
@click.option(
    "--workers",
    type=int,
    default=2,
    help="SPARQL queries running at once, each in a worker process of its own.  [default: 2]",
)
@click.option(
    "--queue",
    type=int,
    default=32,
    help="SPARQL queries that may wait for a worker; more are answered 503 with Retry-After.  "
    "[default: 32]",
)
@click.option(
    "--memory",
    type=int,
    default=2048,
    help="Megabytes of address space a query worker may use; a query needing more is stopped "
    "with 503.  [default: 2048]",
)
@click.option(
    "--connections",
    type=int,
    default=1000,
    help="Open connections at most (slow clients included).  [default: 1000]",
)
@click.option(
    "--queries",
    type=click.Path(path_type=Path),
    default=lambda: resource("queries"),
    help="Example queries listed on the query page.  [default: queries]",
)
@click.option(
    "--site",
    type=click.Path(path_type=Path),
    default=lambda: resource("site"),
    help="Folder of the page templates (query.html.j2).  [default: site]",
)
def serve_command(
    dist: Path,
    host: str,
    port: int,
    timeout: float,
    limit: int,
    workers: int,
    queue: int,
    memory: int,
    connections: int,
    queries: Path,
    site: Path,
) -> None:
    """Serve the publication over HTTP for previewing and small sites: files, the minted URIs
    (303 to their documents) and a read-only SPARQL endpoint at /sparql. Ctrl-C stops it.

    For production, put nginx and a triple store in front (docs/serving.md)."""
    from ..serve.server import Limits, make_server, serve

    limits = Limits(
        timeout=timeout,
        rows=limit,
        workers=workers,
        queue=queue,
        memory=memory,
        connections=connections,
    )
    server = run(lambda: make_server(dist, host, port, limits, queries, site))
    url = server.url
    prefix = server.site.prefix
    click.echo(
        f"serving {dist}/ at {url}{prefix[1:]} (SPARQL at {url}{prefix[1:]}sparql, "
        f"{len(server.site.things)} things); Ctrl-C stops",
        err=True,
    )
    if not server.base.startswith(url):
        click.echo(
            f"note: the dataset's URIs start with {server.base}, not {url}: they resolve to this "
            f"server only if built with --base-uri {url}",
            err=True,
        )
    serve(server)
    click.echo("stopped", err=True)


@main.command("publish")
@click.option("--store", "store_url", required=True, help="Graph Store Protocol URL (HTTP PUT).")
@click.option("--query", "query_url", required=True, help="SPARQL query endpoint URL.")
@click.option("--graph", default=None, help="Named graph to replace.  [default: the dataset's IRI]")
@click.option(
    "--dist",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    help="The publication whose data/dataset.nt is published.  [default: dist]",
)
@click.option(
    "--user",
    default=None,
    help="User name for HTTP basic authentication; the password is read from the "
    "ENVANTER_STORE_PASSWORD environment variable.",
)
@click.option(
    "--timeout",
    type=float,
    default=300.0,
    help="Seconds each request (the upload, the count) may take.  [default: 300]",
)
@click.option(
    "--wait-ready",
    "wait_ready",
    type=float,
    default=0.0,
    help="Seconds to wait for the store to answer before the upload (a store just started); "
    "0: do not wait.  [default: 0]",
)
def publish_command(
    store_url: str,
    query_url: str,
    graph: str | None,
    dist: Path,
    user: str | None,
    timeout: float,
    wait_ready: float,
) -> None:
    """Replace a named graph in a SPARQL triple store with the built dataset, then check that
    the store holds as many triples as the dump."""
    import os

    from ..publish import publish

    password = os.environ.get("ENVANTER_STORE_PASSWORD", "") if user else None
    result = run(
        lambda: publish(
            dist, store_url, query_url, graph, user, password, timeout=timeout, wait=wait_ready
        )
    )
    click.echo(
        f"published {result.triples} triples into <{result.graph}> at {store_url} "
        f"(the store counts {result.count})",
        err=True,
    )
