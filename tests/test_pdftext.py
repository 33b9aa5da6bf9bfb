"""The seed reader against hand-transcribed cells, and the page-furniture and layout rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from envanter.read import pdflines, pdftext
from envanter.read.inventory import CELL_KEYS, RawRecord

from .conftest import SEED

GOLDEN = sorted((Path(__file__).parent / "golden" / "cells").glob("*.yaml"))


def test_all_54_golden_cell_files_are_collected() -> None:
    assert len(GOLDEN) == 54


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_cells_match_hand_transcription(path: Path, raw_records: list[RawRecord]) -> None:
    golden = yaml.safe_load(path.read_text(encoding="utf-8"))
    record = {r.number: r for r in raw_records}[golden["number"]]
    got = {k: record.cells[k].text for k in golden["cells"]}
    assert got == golden["cells"]
    assert (record.first_line, record.last_line) == (golden["first_line"], golden["last_line"])


def test_reads_54_rows_in_order(raw_records: list[RawRecord]) -> None:
    assert [r.number for r in raw_records] == list(range(1, 55))


def test_no_cell_text_is_lost(raw_records: list[RawRecord], seed_lines: list[str]) -> None:
    """Every non-furniture line of a row is in some cell, and the cells hold all of its text."""
    furniture = pdflines.find_furniture(seed_lines)
    for r in raw_records:
        attributed = {r.first_line} | {n for c in r.cells.values() for n in c.lines}
        content = [
            n
            for n in range(r.first_line, r.last_line + 1)
            if seed_lines[n - 1].strip() and n not in furniture
        ]
        assert set(content) <= attributed, f"row {r.number}: lines not in any cell"
        source = "".join(seed_lines[n - 1] for n in content)
        cells = str(r.number) + "".join(r.cells[k].text or "" for k in CELL_KEYS)
        assert "".join(cells.split()) == "".join(source.split()), f"row {r.number}"


def test_every_line_is_a_row_or_furniture(
    raw_records: list[RawRecord], seed_lines: list[str]
) -> None:
    furniture = pdflines.find_furniture(seed_lines)
    in_rows = {n for r in raw_records for n in range(r.first_line, r.last_line + 1)}
    stray = [
        n
        for n, t in enumerate(seed_lines, 1)
        if t.strip() and n not in furniture and n not in in_rows
    ]
    assert stray == []


def test_each_layout_hint_is_needed(seed_lines: list[str]) -> None:
    """A hint the rules make unnecessary is dead weight that could hide a later change."""
    furniture = pdflines.find_furniture(seed_lines)
    hints, problems = pdftext.load_hints(SEED.with_suffix(".layout.yaml"), seed_lines, "seed")
    assert problems == [] and len(hints) == 2
    rows, _ = pdflines.split_rows(seed_lines, furniture, "seed")

    def read(h: dict[int, pdftext.Hint]) -> list[RawRecord]:
        return [pdftext.RowReader(row, h, "seed").read() for row in rows]

    with_all = read(hints)
    for line in hints:
        assert read({k: v for k, v in hints.items() if k != line}) != with_all, line


# --- traps (DESIGN.md §3), one test each --------------------------------------------------------


def test_trap_repeated_page_headers_are_furniture(seed_lines: list[str]) -> None:
    furniture = pdflines.find_furniture(seed_lines)
    headers = [n for n, kind in furniture.items() if kind == "page header"]
    # Counted with grep: 52 lines hold one of the six header texts (nine page breaks).
    assert len(headers) == 52
    assert headers[:6] == [842, 844, 846, 847, 849, 851]


def test_trap_rotated_header_one_letter_per_line(seed_lines: list[str]) -> None:
    furniture = pdflines.find_furniture(seed_lines)
    rotated = sorted(n for n, kind in furniture.items() if kind == "rotated header")
    assert rotated[0] == 4823 and rotated[-1] == 5203
    letters = "".join(seed_lines[n - 1].strip() for n in rotated)
    assert letters.startswith("Merkezîİdare") and "PARAFLİSTESİ" in letters


def test_trap_link_annotations_at_page_ends(seed_lines: list[str]) -> None:
    furniture = pdflines.find_furniture(seed_lines)
    links = sorted(n for n, kind in furniture.items() if kind == "link annotation")
    assert links == [
        852,
        853,
        854,
        *range(1696, 1706),
        *range(2489, 2499),
        3173,
        3174,
        4410,
        4411,
        5795,
        5796,
    ]
    assert seed_lines[5795 - 1].startswith("mailto:isem@ibb.gov.tr%20")


def test_trap_form_code_is_furniture(seed_lines: list[str]) -> None:
    assert pdflines.find_furniture(seed_lines)[6496] == "form code"
    assert seed_lines[6496 - 1] == "48208025-FR-44/01"


def test_trap_urls_wrapped_mid_token(raw_records: list[RawRecord]) -> None:
    cells = {r.number: r.cells for r in raw_records}
    assert cells[20]["electronic"].text == (
        "https://sosyalhizmetler.ibb.gov.tr/sayfadetay.aspx?ID=1027"
    )
    assert "https://forms.ibb.gov.tr/kadinveailehizmetleri/dayanisma-standi-katilim-formu/" in (
        cells[28]["electronic"].text or ""
    )
    assert cells[31]["electronic"].text == (
        "https://www.ibb.istanbul/gundem/yayinlar/okul-oncesi-gelisim-dergisi-42/"
    )


def test_trap_sdp_code_glued_to_name(raw_records: list[RawRecord]) -> None:
    r = raw_records[10]
    assert (r.cells["sdp_codes"].text, r.cells["name"].text) == (
        "815",
        "Kadın Konukevinden Ayrılan Kadınlara Nakdi Destek",
    )


def test_trap_several_sdp_codes(raw_records: list[RawRecord]) -> None:
    assert raw_records[21].cells["sdp_codes"].text == "120.05 120.06"
    assert raw_records[27].cells["sdp_codes"].text == "120.05 639"


def test_trap_cells_sharing_one_line(raw_records: list[RawRecord]) -> None:
    r = raw_records[28]  # "- 11 ay 12.699 kapasite https://yuvamiz.ibb.istanbul/"
    assert [
        r.cells[k].text for k in ("legal_time", "average_time", "annual_count", "electronic")
    ] == ["-", "11 ay", "12.699 kapasite", "https://yuvamiz.ibb.istanbul/"]
    r = raw_records[17]  # "Kadın vatandaşlar _ _"
    assert r.cells["beneficiaries"].text == "Kadın vatandaşlar"
    assert r.cells["unit_central"].text == r.cells["unit_provincial"].text == "_"


def test_trap_unmarked_empty_unit_cells(raw_records: list[RawRecord]) -> None:
    r = raw_records[29]  # service 30: no "_" at all before the unit
    assert r.cells["unit_central"].text is None and r.cells["unit_provincial"].text is None
    assert r.cells["unit_local"].text == "Çocuk Hizmetleri Şube Müdürlüğü"


def test_split_line_separates_markers() -> None:
    pieces = pdflines.split_line(1, "_ 1. Kişisel Verilerin Korunması Metni (-)")
    assert [p.text for p in pieces] == ["_", "1. Kişisel Verilerin Korunması Metni", "(-)"]
    assert [p.text for p in pdflines.split_line(2, "(-) (-) (-)")] == ["(-)", "(-)", "(-)"]
    assert [p.text for p in pdflines.split_line(3, " 3.608 hizmet Sunulmuyor")] == [
        "3.608 hizmet",
        "Sunulmuyor",
    ]
