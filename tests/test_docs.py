"""The docs match the code: columns, README commands, CI entry point (CLI help: test_cli_help)."""

from __future__ import annotations

from pathlib import Path

from envanter.cli import main
from envanter.read.inventory import COLUMNS

from .conftest import ROOT


def test_every_column_is_documented() -> None:
    text = (ROOT / "docs" / "columns.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| `{column.key}` | {column.header} |" in text


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/build.sh" in readme and "bash scripts/test.sh" in readme
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make check" in (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")


def test_every_glossary_term_used_in_docs_exists() -> None:
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    for term in ("Paraf", "DETSİS", "Görevli birim", "Varsa / Zorunlu", "İç yazışma"):
        assert term in glossary


def test_every_command_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in main.commands:  # type: ignore[attr-defined]
        assert f"## `envanter {name}" in text, name


def test_every_shape_rule_is_documented() -> None:
    from rdflib import Graph, URIRef

    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    shapes = Graph()
    for path in (ROOT / "shapes").glob("*.ttl"):
        shapes.parse(path, publicID="https://envanter.example/def/")
    ids = {str(o) for o in shapes.objects(None, URIRef("http://purl.org/dc/terms/identifier"))}
    assert len(ids) == 31
    for rule in ids:
        assert f"| `{rule}` |" in text, rule


def test_the_site_doc_lists_the_filters_templates_have(tmp_path: Path) -> None:
    import re

    from jinja2.defaults import DEFAULT_FILTERS

    from envanter.check.report import Report
    from envanter.publication.site import SiteWriter
    from envanter.publication.sitedata import empty_site_data

    site = SiteWriter(
        empty_site_data("https://envanter.example/"),
        {},
        Report(),
        ROOT / "site",
        tmp_path,
        [],
        [],
        "https://creativecommons.org/licenses/by/4.0/",
    )
    ours = set(site.env.filters) - set(DEFAULT_FILTERS)
    text = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"\| `(?:iris?|value)\\\|(\w+)", text))
    assert documented == ours
