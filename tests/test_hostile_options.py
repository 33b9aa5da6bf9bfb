"""Hostile options and cells: each ends in a clear error (exit 2) or in inert text, never an
internal error, and reading stays bounded in memory."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from envanter.cli import main
from envanter.rdf.csvw import inert
from envanter.read.inventory import Cell, RawRecord
from envanter.read.source import write_csv

from .conftest import ROOT


def one_service_csv(tmp_path: Path, record: RawRecord, **texts: str) -> Path:
    cells = dict(record.cells)
    for key, text in texts.items():
        cells[key] = Cell(text)
    path = tmp_path / "inventory.csv"
    write_csv([replace(record, cells=cells)], path)
    return path


def build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--license", "javascript:alert(1)"),
        ("--license", 'https://creativecommons.org/licenses/by/4.0/"><script>'),
        ("--license", "data:text/html,<b>x</b>"),
        ("--base-uri", 'https://data.example.org/"x'),
        ("--base-uri", "https://data.example.org/<x>/"),
        ("--base-uri", "javascript:alert(1)//"),
        ("--sparql-endpoint", "https://data.example.org/sparql'"),
    ],
)
def test_an_option_that_is_not_an_http_iri_is_refused(
    tmp_path: Path, option: str, value: str
) -> None:
    out = tmp_path / "dist"
    code, output = build("--out", str(out), option, value)
    assert code == 2, output
    assert f"error: {option} must be an absolute http(s) IRI like " in output
    assert "internal error" not in output
    assert not out.exists()


def test_the_issued_date_written_as_the_docs_show_is_read(
    tmp_path: Path, raw_records: list[RawRecord]
) -> None:
    path = one_service_csv(tmp_path, raw_records[0])
    path.with_name("inventory.meta.yaml").write_text(
        "reference_year: 2025\nissued: 2025-03-01\n", encoding="utf-8"
    )
    out = tmp_path / "dist"
    code, output = build("--source", str(path), "--out", str(out), "--quiet")
    assert code == 0, output
    assert 'dct:issued "2025-03-01"^^xsd:date' in (out / "catalog.ttl").read_text(encoding="utf-8")


def alias_bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join([*lines, f"title: *{previous}", "reference_year: 2025", ""])


def test_a_yaml_alias_bomb_in_the_metadata_is_refused_within_a_memory_bound(
    tmp_path: Path, raw_records: list[RawRecord]
) -> None:
    path = one_service_csv(tmp_path, raw_records[0])
    path.with_name("inventory.meta.yaml").write_text(alias_bomb(), encoding="utf-8")
    out = tmp_path / "dist"
    # In a child process with its address space capped at 1 GB: expanded, the bomb (9^10
    # strings) would need far more, so being under the cap is being refused before expanding.
    limit = 1 << 30
    script = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
        "from envanter.cli import main\n"
        "sys.exit(main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "build", "--source", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 2, result.stderr
    assert "aliases (*name) are not allowed here" in result.stderr
    assert not out.exists()


def test_a_quote_or_angle_bracket_in_an_address_is_kept_as_text_with_a_warning(
    tmp_path: Path, raw_records: list[RawRecord]
) -> None:
    hostile = 'https://ornek.gov.tr/"><script>alert(1)</script>'
    path = one_service_csv(
        tmp_path,
        raw_records[0],
        electronic=hostile,
        application=f"Başvuru {hostile} adresinden",
    )
    out = tmp_path / "dist"
    code, output = build("--source", str(path), "--out", str(out), "--reference-year", "2025")
    assert code == 0, output
    assert "not a valid address (IRI), so it is kept as text only" in output
    nt = (out / "data" / "dataset.nt").read_text(encoding="utf-8")
    assert '<https://ornek.gov.tr/"' not in nt  # never an IRI
    assert '"https://ornek.gov.tr/\\"><script>alert(1)</script>"@tr' in nt  # the text, kept


def test_formulas_never_reach_the_published_csv_live(
    tmp_path: Path, raw_records: list[RawRecord]
) -> None:
    path = one_service_csv(
        tmp_path,
        raw_records[0],
        description='=HYPERLINK("https://evil.example/","tıkla")',
        external="@SUM(1+1)*cmd|' /C calc'!A0",
    )
    out = tmp_path / "dist"
    code, output = build("--source", str(path), "--out", str(out), "--reference-year", "2025")
    assert code == 0, output
    with (out / "data" / "tables" / "services.csv").open(encoding="utf-8", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["description"] == '\'=HYPERLINK("https://evil.example/","tıkla")'
    assert row["external_text"] == "'@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("=1+1", "'=1+1"),
        ("+90 212 000 00 00", "'+90 212 000 00 00"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-", "-"),  # a steward's 'none'
        ("12", "12"),
        ("Dilekçe", "Dilekçe"),
    ],
)
def test_formula_like_text_gets_an_apostrophe(text: str, published: str) -> None:
    assert inert(text) == published


def test_control_characters_are_removed_with_a_warning(
    tmp_path: Path, raw_records: list[RawRecord]
) -> None:
    path = one_service_csv(tmp_path, raw_records[0], description="Nakdi\x00 destek\x07 verilir.")
    out = tmp_path / "dist"
    code, output = build("--source", str(path), "--out", str(out), "--reference-year", "2025")
    assert code == 0, output
    assert "description: service 1: control characters (such as NUL) removed from the cell" in (
        output
    )
    for published in [out / "data" / "dataset.nt", out / "data" / "tables" / "services.csv"]:
        text = published.read_text(encoding="utf-8")
        assert "\x00" not in text and "\x07" not in text
        assert "Nakdi destek verilir." in text
    page = next((out / "doc" / "id" / "hizmet").glob("*.html")).read_text(encoding="utf-8")
    assert "\x00" not in page
