"""`envanter build` and the commands around it: diff, validate, template, init, translations
and pin."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import check_base_uri, check_http_iri, check_license
from ..errors import EXIT_VIOLATIONS
from ..messages import correction_lines, minted_lines, report_lines
from ..publication_file import read_publication
from ..run.pipeline import BuildOptions, build
from .common import HELP, main, run, shacl_engine_option


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
@shacl_engine_option
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
    from ..publication.diff import diff, load, report

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
@shacl_engine_option
@click.option("--lang", type=click.Choice(["en", "tr"]), default="en", help="Language of messages.")
def validate_command(
    file: Path, which: str, base_uri: str | None, show_all: bool, shacl_engine: str, lang: str
) -> None:
    """Validate the built dataset, or any RDF file, against envanter's SHACL shapes.

    Exits 1 when there are violations."""
    from ..check.validate import check_file

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
    from ..read.source import write_template

    run(lambda: write_template(path))
    click.echo(f"wrote {path}", err=True)


@main.command("init")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing metadata file with a new draft.")
def init_command(source: Path, force: bool) -> None:
    """Draft the inventory's metadata file (SOURCE.meta.yaml) from what the table says, for you
    to review: title rows, the Kurum Kodu, the dates under the table; unknowns are TODO."""
    from ..draft import write_draft
    from ..run.options import display_path

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
    from ..translations import write_missing

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

    from ..read.linking import write_pins

    with tempfile.TemporaryDirectory() as tmp:
        result = run(lambda: build(BuildOptions(out=Path(tmp) / "dist", ids=ids)))
    write_pins(result.pins, ids)
    n = sum(len(v) for v in result.pins.minted.values())
    click.echo(f"pinned {n} new slug{'s' if n != 1 else ''} in {ids}/", err=True)
