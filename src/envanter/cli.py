"""Command line: every `envanter` command. Only this module prints or exits (messages.py words it)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from . import __version__
from .check.shacl import DEFAULT_ENGINE, ENGINES
from .config import SETTINGS, check_base_uri, check_http_iri, check_license
from .errors import EXIT_INTERNAL, EXIT_VIOLATIONS, EnvanterError
from .messages import correction_lines, minted_lines, report_lines
from .publication_file import read_publication
from .resources import resource
from .run.pipeline import BuildOptions, BuildResult, build

T = TypeVar("T")
HELP = {s.name: s.help for s in SETTINGS}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="envanter")
def main() -> None:
    """Publish a Turkish public-service inventory (Kamu Hizmet Envanteri) as Linked Open Data.

    Exit codes: 0 success, 1 validation failed, 2 bad input or options, 3 internal error.
    """


@main.command("build")
@click.option(
    "--source",
    "sources",
    type=click.Path(path_type=Path),
    multiple=True,
    help=HELP["source"]
    + " Give it again for each inventory of a publication of many (one graph, site and catalog)."
    + "  [default: data/source/ibb-sosyal-hizmetler-2025.txt]",
)
@click.option(
    "--publication",
    type=click.Path(path_type=Path),
    default=None,
    help="A publication file (envanter.yaml): its base URI, the publisher of the whole and its "
    "inventories with their metadata, translations and pinned slugs. Instead of --source.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help=HELP["out"] + "  [default: dist]"
)
@click.option(
    "--corrections",
    type=click.Path(path_type=Path),
    default=None,
    help=HELP["corrections"]
    + "  [default: data/reference/corrections.yaml for the default source; none for another]",
)
@click.option("--reference-year", type=int, default=None, help=HELP["reference_year"])
@click.option(
    "--base-uri", default=None, help=HELP["base_uri"] + "  [default: https://envanter.example/]"
)
@click.option(
    "--license",
    "license_",
    default=None,
    help=HELP["license"],
)
@click.option(
    "--sparql-endpoint",
    default=None,
    help="URL of a SPARQL endpoint serving this dataset, announced in the catalog (VoID).",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path, exists=True),
    default=None,
    help="The previous release's output folder: write changes.html against it and keep its "
    "dumps under surum/.",
)
@click.option(
    "--strict", is_flag=True, help="Fail on validation warnings too, not only violations."
)
@click.option(
    "--shacl-engine",
    type=click.Choice(ENGINES),
    metavar="NAME",
    default=DEFAULT_ENGINE,
    show_default=True,
    help="SHACL engine: turbo (pySHACL's results, in Rust) or pyshacl (the reference, slower).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
def build_command(
    sources: tuple[Path, ...],
    publication: Path | None,
    out: Path | None,
    corrections: Path | None,
    reference_year: int | None,
    base_uri: str | None,
    license_: str | None,
    sparql_endpoint: str | None,
    previous: Path | None,
    strict: bool,
    shacl_engine: str,
    quiet: bool,
) -> None:
    """Read the inventory, check it, and write the publication to the output folder."""
    defaults = BuildOptions()
    plan = None
    if publication is not None:
        if sources:
            raise click.UsageError("give the inventories with --publication or --source, not both")
        plan = run(lambda: read_publication(publication))
        sources = tuple(entry.source for entry in plan.inventories)
    options = BuildOptions(
        source=sources[0] if sources else defaults.source,
        more_sources=sources[1:],
        out=out or defaults.out,
        # The default corrections are the seed's: they do not apply to another source.
        corrections=corrections or (defaults.corrections if not sources else None),
        reference_year=reference_year,
        base_uri=base_uri or (plan.base_uri if plan else None) or defaults.base_uri,
        ids=(plan.ids if plan else None) or defaults.ids,
        publication=plan,
        previous=previous,
        license=license_,
        sparql_endpoint=sparql_endpoint,
        strict=strict,
        shacl_engine=shacl_engine,
    )
    say = (lambda _m: None) if quiet else (lambda m: click.echo(m, err=True))
    run(lambda: check_options(options))  # before anything is read or written
    result = run(lambda: build(options, progress=say))
    if not quiet:
        for line in correction_lines(result.corrections) + minted_lines(result):
            click.echo(line, err=True)
        click.echo(f"built {result.services} services into {result.out}/", err=True)


def check_options(options: BuildOptions) -> None:
    """The options that end up in links and IRIs: http(s) IRIs only, or exit 2."""
    check_base_uri(options.base_uri)
    if options.license:
        check_license(options.license)
    if options.sparql_endpoint:
        check_http_iri(
            "--sparql-endpoint", options.sparql_endpoint, "https://data.example.org/sparql"
        )


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--summary", is_flag=True, help="Only the services, not the triples.")
def diff_command(old: Path, new: Path, summary: bool) -> None:
    """Compare two builds (output folders) or two dumps (.nt, .ttl): services added, removed
    and changed, with the triples that changed."""
    from .publication.diff import diff, load, report

    result = run(lambda: diff(load(old), load(new)))
    click.echo(report(result, triples=not summary), nl=False)


@main.command("validate")
@click.argument("file", type=click.Path(path_type=Path), default=Path("dist/data/dataset.nt"))
@click.option(
    "--shapes",
    "which",
    type=click.Choice(["auto", "profile", "dcat"]),
    default="auto",
    help="Which shapes: the inventory profile, the catalog's, or chosen by the file "
    "(a dcat:Catalog gets the catalog's).  [default: auto]",
)
@click.option(
    "--base-uri",
    default=None,
    help="The base URI the file was built with.  [default: https://envanter.example/]",
)
@click.option(
    "--all", "show_all", is_flag=True, help="List every warning and note, not only counts."
)
@click.option(
    "--shacl-engine",
    type=click.Choice(ENGINES),
    metavar="NAME",
    default=DEFAULT_ENGINE,
    show_default=True,
    help="SHACL engine: turbo (pySHACL's results, in Rust) or pyshacl (the reference, slower).",
)
@click.option("--lang", type=click.Choice(["en", "tr"]), default="en", help="Language of messages.")
def validate_command(
    file: Path, which: str, base_uri: str | None, show_all: bool, shacl_engine: str, lang: str
) -> None:
    """Validate the built dataset, or any RDF file, against envanter's SHACL shapes.

    Exits 1 when there are violations."""
    from .check.validate import check_file

    report = run(lambda: check_file(file, which, base_uri, engine=shacl_engine))
    click.echo(f"{file}: {report.summary()}")
    for line in report_lines(report, show_all, lang):
        click.echo(line)
    if report.violations:
        sys.exit(EXIT_VIOLATIONS)


@main.command("template")
@click.argument("path", type=click.Path(path_type=Path))
def template_command(path: Path) -> None:
    """Write an empty inventory table (.csv or .xlsx) with the standard columns."""
    from .read.source import write_template

    run(lambda: write_template(path))
    click.echo(f"wrote {path}", err=True)


@main.command("init")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing metadata file with a new draft.")
def init_command(source: Path, force: bool) -> None:
    """Draft the inventory's metadata file (SOURCE.meta.yaml) from what the table says, for you
    to review: title rows, the Kurum Kodu, the dates under the table; unknowns are TODO."""
    from .draft import write_draft
    from .run.options import display_path

    path, draft = run(lambda: write_draft(source, display_path(source), force))
    click.echo(
        f"wrote {path}: {draft.drafted} value{'s' if draft.drafted != 1 else ''} drafted from "
        f"the table, {draft.todo} TODO; review it (docs/metadata.md)",
        err=True,
    )


@main.command("translations")
@click.argument("source", type=click.Path(path_type=Path))
def translations_command(source: Path) -> None:
    """List the texts the publication shows without an English label in SOURCE.en.yaml, each
    with an empty English and the services using it, for you to fill in."""
    from .translations import write_missing

    path, n = run(lambda: write_missing(source))
    if n:
        click.echo(f"{n} text{'s' if n != 1 else ''} to translate, listed in {path}", err=True)
    else:
        click.echo(f"every text has its English label ({path})", err=True)


@main.command("pin")
@click.option(
    "--ids",
    type=click.Path(path_type=Path),
    default=Path("data/ids"),
    help="Folder of pinned slugs.  [default: data/ids]",
)
def pin_command(ids: Path) -> None:
    """Pin the URI slugs of everything the default build mints, so they never change."""
    import tempfile

    from .read.linking import write_pins

    with tempfile.TemporaryDirectory() as tmp:
        result = run(lambda: build(BuildOptions(out=Path(tmp) / "dist", ids=ids)))
    write_pins(result.pins, ids)
    n = sum(len(v) for v in result.pins.minted.values())
    click.echo(f"pinned {n} new slug{'s' if n != 1 else ''} in {ids}/", err=True)


def run(action: Callable[[], T]) -> T:
    """Run a library call; turn its errors into a message on stderr and the documented exit code."""
    try:
        return action()
    except EnvanterError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    except Exception as e:  # an internal error: say so, and where to look
        click.echo(f"internal error: {type(e).__name__}: {e}", err=True)
        sys.exit(EXIT_INTERNAL)


__all__ = ["BuildResult", "main"]


# ---------------------------------------------------------------------------------------------
# SPARQL and dereferencing: `envanter query`, `envanter serve`, `envanter publish`
# (src/envanter/sparql.py, serve.py, publish.py; docs/serving.md)


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
    from .errors import ConfigError
    from .serve.results import text_table, write_result
    from .sparql import (
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
    from .serve.server import Limits, make_server, serve

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

    from .publish import publish

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
