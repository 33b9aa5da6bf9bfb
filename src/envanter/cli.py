"""Command line: `envanter build`, `envanter template`. Only this module prints or exits."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from . import __version__
from .config import SETTINGS
from .errors import EXIT_INTERNAL, EXIT_VIOLATIONS, EnvanterError
from .pipeline import BuildOptions, BuildResult, build
from .records import Service
from .validate import Report

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
    type=click.Path(path_type=Path),
    default=None,
    help=HELP["source"] + "  [default: data/source/ibb-sosyal-hizmetler-2025.txt]",
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
    help=HELP["license"] + "  [default: https://creativecommons.org/licenses/by/4.0/]",
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
    help="The previous release's output folder: write changes.html against it.",
)
@click.option(
    "--strict", is_flag=True, help="Fail on validation warnings too, not only violations."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
def build_command(
    source: Path | None,
    out: Path | None,
    corrections: Path | None,
    reference_year: int | None,
    base_uri: str | None,
    license_: str | None,
    sparql_endpoint: str | None,
    previous: Path | None,
    strict: bool,
    quiet: bool,
) -> None:
    """Read the inventory, check it, and write the publication to the output folder."""
    defaults = BuildOptions()
    options = BuildOptions(
        source=source or defaults.source,
        out=out or defaults.out,
        # The default corrections are the seed's: they do not apply to another source.
        corrections=corrections or (defaults.corrections if source is None else None),
        reference_year=reference_year,
        base_uri=base_uri or defaults.base_uri,
        previous=previous,
        license=license_ or defaults.license,
        sparql_endpoint=sparql_endpoint,
        strict=strict,
    )
    say = (lambda _m: None) if quiet else (lambda m: click.echo(m, err=True))
    result = run(lambda: build(options, progress=say))
    if not quiet:
        report_corrections(result.services)
        report_minted(result)
        click.echo(f"built {len(result.services)} services into {result.out}/", err=True)


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--summary", is_flag=True, help="Only the services, not the triples.")
def diff_command(old: Path, new: Path, summary: bool) -> None:
    """Compare two builds (output folders) or two dumps (.nt, .ttl): services added, removed
    and changed, with the triples that changed."""
    from .diff import diff, load, report

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
@click.option("--lang", type=click.Choice(["en", "tr"]), default="en", help="Language of messages.")
def validate_command(
    file: Path, which: str, base_uri: str | None, show_all: bool, lang: str
) -> None:
    """Validate the built dataset, or any RDF file, against envanter's SHACL shapes.

    Exits 1 when there are violations."""
    from .validate import check_file

    report = run(lambda: check_file(file, which, base_uri))
    click.echo(f"{file}: {report.summary()}")
    for line in report_lines(report, show_all, lang):
        click.echo(line)
    if report.violations:
        sys.exit(EXIT_VIOLATIONS)


def report_lines(report: Report, show_all: bool, lang: str) -> list[str]:
    """Violations one by one; warnings and notes counted per rule unless --all."""
    from .validate import format_finding

    lines = [format_finding(f, lang) for f in report.violations]
    others = [f for f in report.findings if f.severity != "violation"]
    if show_all:
        return lines + [format_finding(f, lang) for f in others]
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for f in others:
        counts[(f.severity, f.rule)] += 1
    lines += [
        f"  {severity} [{rule}]: {n} resource{'s' if n != 1 else ''}"
        for (severity, rule), n in counts.items()
    ]
    return lines


@main.command("template")
@click.argument("path", type=click.Path(path_type=Path))
def template_command(path: Path) -> None:
    """Write an empty inventory table (.csv or .xlsx) with the standard columns."""
    from .source import write_template

    run(lambda: write_template(path))
    click.echo(f"wrote {path}", err=True)


def report_minted(result: BuildResult) -> None:
    """New things get a slug minted from their name; pinning it keeps their URI forever."""
    minted = {k: v for k, v in result.pins.minted.items() if v}
    if minted:
        n = sum(len(v) for v in minted.values())
        click.echo(
            f"minted {n} new URI slug{'s' if n != 1 else ''} "
            f"({', '.join(f'{len(v)} {k}' for k, v in minted.items())}); "
            "run `envanter pin` to pin them in data/ids/",
            err=True,
        )


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

    from .linking import write_pins

    with tempfile.TemporaryDirectory() as tmp:
        result = run(lambda: build(BuildOptions(out=Path(tmp) / "dist", ids=ids)))
    write_pins(result.pins, ids)
    n = sum(len(v) for v in result.pins.minted.values())
    click.echo(f"pinned {n} new slug{'s' if n != 1 else ''} in {ids}/", err=True)


def report_corrections(services: list[Service]) -> None:
    """One line per correction: what was changed, where, and why."""
    where: dict[str, list[int]] = defaultdict(list)
    details = {}
    for s in services:
        for c in s.corrections:
            where[c.id].append(s.number)
            details[c.id] = c
    if not where:
        return
    click.echo(
        f"applied {len(where)} corrections of the source:",
        err=True,
    )
    for cid, numbers in where.items():
        c = details[cid]
        click.echo(
            f"  {cid}: service{'s' if len(numbers) > 1 else ''} {ranges(numbers)}, "
            f"{c.field}: {c.source!r} → {c.corrected!r}",
            err=True,
        )


def ranges(numbers: list[int]) -> str:
    """[35, 36, 37, 40] → '35–37, 40'."""
    out: list[str] = []
    numbers = sorted(numbers)
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


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
