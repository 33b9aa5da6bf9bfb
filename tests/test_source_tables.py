"""The CSV and XLSX readers and writers (envanter.read.source)."""

from __future__ import annotations

import csv
import random
from itertools import pairwise
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envanter.errors import ConfigError, InputError
from envanter.read.formats import read_inventory
from envanter.read.inventory import CELL_KEYS, COLUMNS, Cell, RawRecord
from envanter.read.source import (
    read_csv,
    read_source,
    read_xlsx,
    write_csv,
    write_template,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "source" / "ibb-sosyal-hizmetler-2025.txt"
TEMPLATES = ROOT / "data" / "templates"
HEADERS = [c.header for c in COLUMNS]


def texts(record: RawRecord) -> dict[str, str | None]:
    return {k: c.text for k, c in record.cells.items()}


def row(number: str, **cells: str) -> list[str]:
    """A full data row: the given cells, '_' in the others."""
    return [number, *(cells.get(k, "_") for k in CELL_KEYS)]


def write_rows(path: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return path


def error_text(path: Path, name: str) -> str:
    with pytest.raises(InputError) as excinfo:
        read_source(path, name)
    return str(excinfo.value)


@pytest.fixture(scope="module")
def seed() -> list[RawRecord]:
    return read_source(SEED, "seed.txt")


# --- round trips ---------------------------------------------------------------------------------


def test_seed_round_trips_through_csv(tmp_path: Path, seed: list[RawRecord]) -> None:
    path = tmp_path / "seed.csv"
    write_csv(seed, path)
    back = read_source(path, "seed.csv")

    assert [r.number for r in back] == [r.number for r in seed]
    for original, copy in zip(seed, back, strict=True):
        assert texts(copy) == texts(original)
        assert copy.file == "seed.csv"
    # Provenance: each record on its own physical line(s) of the CSV, header on line 1.
    physical = path.read_text(encoding="utf-8-sig").split("\n")
    assert physical[0] == ",".join(HEADERS)
    assert back[0].first_line == 2
    assert back[-1].last_line == len(physical) - 1  # the file ends with a newline
    for before, after in pairwise(back):
        assert after.first_line == before.last_line + 1
    for record in back:
        assert physical[record.first_line - 1].startswith(f"{record.number},")
        for cell in record.cells.values():
            if cell.text is None:
                assert cell.lines == ()
            elif record.first_line == record.last_line:
                assert cell.lines == (record.first_line,)
            else:
                assert cell.lines
                assert all(record.first_line <= n <= record.last_line for n in cell.lines)


def test_seed_round_trips_through_xlsx(tmp_path: Path, seed: list[RawRecord]) -> None:
    path = tmp_path / "seed.xlsx"
    write_xlsx(seed, path)
    back = read_source(path, "seed.xlsx")

    assert [r.number for r in back] == [r.number for r in seed]
    for k, (original, copy) in enumerate(zip(seed, back, strict=True)):
        assert texts(copy) == texts(original)
        spreadsheet_row = k + 2  # the header is row 1
        assert (copy.file, copy.first_line, copy.last_line) == (
            "seed.xlsx",
            spreadsheet_row,
            spreadsheet_row,
        )
        for cell in copy.cells.values():
            assert cell.lines == (() if cell.text is None else (spreadsheet_row,))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Envanter"]
    assert [c.value for c in workbook["Envanter"][1]] == HEADERS


def test_lines_of_a_cell_and_formula_like_text_survive_a_round_trip(tmp_path: Path) -> None:
    documents = Cell("Dilekçe Kimlik fotokopisi", (3, 4), ("Dilekçe", "Kimlik fotokopisi"))
    formula_like = Cell("=SUM(A1:A2)", (3,))  # text, not a formula
    cells = {k: Cell("_", (3,)) for k in CELL_KEYS} | {"documents": documents, "name": formula_like}
    record = RawRecord(1, cells, "x.txt", 3, 4)
    write_csv([record], tmp_path / "a.csv")
    write_xlsx([record], tmp_path / "a.xlsx")

    (from_csv,) = read_csv(tmp_path / "a.csv", "a.csv")
    assert from_csv.cells["documents"] == Cell(documents.text, (2, 3), documents.parts)
    assert (from_csv.first_line, from_csv.last_line) == (2, 3)
    (from_xlsx,) = read_xlsx(tmp_path / "a.xlsx", "a.xlsx")
    assert from_xlsx.cells["documents"] == Cell(documents.text, (2,), documents.parts)
    assert from_csv.text("name") == from_xlsx.text("name") == "=SUM(A1:A2)"


# --- reading CSV ---------------------------------------------------------------------------------


def test_semicolon_csv_with_turkish_headers_and_bom(tmp_path: Path) -> None:
    cells = {
        "institution_code": "93186084",
        "sdp_codes": "815 120.05",
        "name": "Evde  Bakım Hizmeti ",
        "description": "Yaşlılara, engellilere evde bakım.",  # a comma must not split the cell
        "legal_time": "(-)",
        "unit_other": "-",
        "unit_local": "Sosyal Hizmetler Şube Müdürlüğü",
        "documents": "1- Dilekçe 2- Kimlik",
        "annual_count": "1.234 kişi",
        "electronic": "",
    }
    path = write_rows(
        tmp_path / "tr.csv",
        [HEADERS, row("1", **cells), row("2", name="İkinci")],
        delimiter=";",
        bom=True,
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    first, second = read_source(path, "tr.csv")

    assert (first.number, first.file, first.first_line, first.last_line) == (1, "tr.csv", 2, 2)
    assert first.cells["name"] == Cell("Evde Bakım Hizmeti", (2,))
    assert first.cells["description"].text == "Yaşlılara, engellilere evde bakım."
    assert first.cells["unit_central"] == Cell("_", (2,))
    assert first.cells["unit_other"].text == "-"
    assert first.cells["legal_time"].text == "(-)"
    assert first.cells["annual_count"].text == "1.234 kişi"
    assert first.cells["electronic"] == Cell(None)
    assert (second.number, second.first_line, second.text("name")) == (2, 3, "İkinci")


def test_headers_match_by_key_or_heading_in_any_case_and_order(tmp_path: Path) -> None:
    headers = [c.key if k % 2 else c.header.upper() for k, c in enumerate(COLUMNS)]
    headers = [*reversed(headers)]  # "SIRA NO", "İLK BAŞVURU MAKAMI", "paraf" …
    values = list(reversed(row("1", name="Ad", paraf="Şef")))
    (record,) = read_csv(write_rows(tmp_path / "any.csv", [headers, values]), "any.csv")
    assert (record.number, record.text("name"), record.text("paraf")) == (1, "Ad", "Şef")


def test_quoted_multiline_cells_get_their_physical_lines(tmp_path: Path) -> None:
    header = ",".join(HEADERS)
    rest = ",".join(["_"] * (len(CELL_KEYS) - 3))
    path = tmp_path / "multi.csv"
    path.write_text(
        f"{header}\n"
        f'1,93186084,"815\n120.05","Sosyal Destek\r\n\r\nİstanbulkart",{rest}\n'  # lines 2–5
        "\n"  # line 6: blank
        f",,,,{rest.replace('_', '')}\n"  # line 7: fully empty row
        f'2,93186084,815,"Tek satır",{rest}\n',  # line 8
        encoding="utf-8",
        newline="",
    )

    first, second = read_csv(path, "multi.csv")

    assert (first.first_line, first.last_line) == (2, 5)
    assert first.cells["institution_code"] == Cell("93186084", (2,))
    assert first.cells["sdp_codes"] == Cell("815 120.05", (2, 3), ("815", "120.05"))
    assert first.cells["name"] == Cell(
        "Sosyal Destek İstanbulkart", (3, 5), ("Sosyal Destek", "İstanbulkart")
    )
    assert first.cells["description"] == Cell("_", (5,))
    assert (second.number, second.first_line, second.last_line) == (2, 8, 8)
    assert second.cells["name"] == Cell("Tek satır", (8,))


def test_rows_out_of_order_are_fine_and_come_back_by_number(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "o.csv", [HEADERS, row("2"), row("3"), row("1")])
    records = read_csv(path, "o.csv")
    assert [(r.number, r.first_line) for r in records] == [(1, 4), (2, 2), (3, 3)]


# --- reading XLSX --------------------------------------------------------------------------------


def test_xlsx_values_and_the_envanter_sheet(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notlar"
    workbook.active.append(["this sheet is not the table"])
    sheet = workbook.create_sheet("Envanter")
    sheet.append(HEADERS)
    values: list[object] = list(row("1"))
    values[0] = 1.0  # a number typed into Excel
    values[1] = 93186084
    values[3] = "  Evde\nBakım  "
    values[-2] = 258.933
    values[-1] = None
    sheet.append(values)
    sheet.append([None] * len(HEADERS))  # an empty row, skipped
    sheet.append(row("2", name=""))
    path = tmp_path / "v.xlsx"
    workbook.save(path)

    first, second = read_xlsx(path, "v.xlsx")

    assert (first.number, first.first_line, first.last_line) == (1, 2, 2)
    assert first.cells["institution_code"] == Cell("93186084", (2,))
    assert first.cells["name"] == Cell("Evde Bakım", (2,), ("Evde", "Bakım"))
    assert first.cells["annual_count"] == Cell("258.933", (2,))
    assert first.cells["electronic"] == Cell(None)
    assert (second.number, second.first_line) == (2, 4)
    assert second.cells["name"] == Cell(None)


# --- errors, each reported in full ---------------------------------------------------------------


def test_missing_and_unknown_columns_are_warnings(tmp_path: Path) -> None:
    """A table without some standard column, or with one of its own, is still a table."""
    headers = [h for h in HEADERS if h not in {"Paraf Listesi", "Kurum Kodu"}] + ["Açıklama"]
    path = write_rows(tmp_path / "t.csv", [headers, ["1", *["_"] * (len(headers) - 1)]])
    reading = read_inventory(path, "t.csv")
    assert [str(w) for w in reading.warnings] == [
        "t.csv:1: column 19 'Açıklama' is not one of the standard columns; ignored",
        "t.csv:1: institution_code: no column 'Kurum Kodu' in the header; "
        "its cells are taken as empty",
        "t.csv:1: paraf: no column 'Paraf Listesi' in the header; its cells are taken as empty",
    ]
    (record,) = reading.records
    assert record.cells["paraf"] == Cell(None)
    assert record.cells["name"].text == "_"


def test_without_the_name_column_there_is_no_header(tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "Hizmetin Adı"]
    path = write_rows(tmp_path / "t.csv", [headers, ["1", *["_"] * (len(headers) - 1)]])
    assert error_text(path, "t.csv") == (
        "1 problem in the input:\n"
        "  t.csv: no header row found in the first 2 rows: expected a row naming the standard "
        "columns ('Sıra No', 'Hizmetin Adı', …, see data/templates/); looked at row 1: "
        "'Sıra No | Kurum Kodu | Standart Dosya Planı Kodu | Hizmetin…'; "
        "row 2: '1 | _ | _ | _ | _ | _ | _ | _ | _ | _ | _ | _ | _ | _ | _ |…'"
    )


def test_a_duplicated_column(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "t.csv", [[*HEADERS, "name"], [*row("1"), "_"]])
    assert error_text(path, "t.csv") == (
        "1 problem in the input:\n"
        "  t.csv:1: name: column 'Hizmetin Adı' (name) appears 2 times, in column 4 and "
        "column 21; expected it once"
    )


def test_a_non_integer_and_a_duplicate_row_number(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "t.csv", [HEADERS, row("1"), row("2a"), row("1"), row("2")])
    assert error_text(path, "t.csv") == (
        "2 problems in the input:\n"
        "  t.csv:3: number: expected an integer row number, found '2a'\n"
        "  t.csv:4: number: row number 1 appears twice (also on line 2)"
    )


def test_an_empty_row_number(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "t.csv", [HEADERS, row("1"), row(" ")])
    assert error_text(path, "t.csv") == (
        "1 problem in the input:\n"
        "  t.csv:3: number: expected an integer row number, found an empty cell"
    )


def test_a_gap_in_the_numbering(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "t.csv", [HEADERS, row("1"), row("2"), row("4")])
    assert error_text(path, "t.csv") == (
        "1 problem in the input:\n  t.csv: number: row number 3 is missing"
    )


def test_a_long_gap_is_one_problem(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "t.csv", [HEADERS, row("1"), row("200")])
    assert error_text(path, "t.csv") == (
        "1 problem in the input:\n  t.csv: number: row numbers 2 to 199 are missing"
    )


def test_an_unsupported_suffix(tmp_path: Path) -> None:
    (tmp_path / "t.doc").write_text("Sıra No", encoding="utf-8")
    assert error_text(tmp_path / "t.doc", "t.doc") == (
        "1 problem in the input:\n"
        "  t.doc: unsupported file type '.doc'; expected .csv, .tsv, .xlsx, .xls, .ods, .docx, "
        ".pdf or .txt (the seed's PDF text)"
    )


def test_a_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(random.Random(0).randbytes(2000))
    assert error_text(path, "t.xlsx") == (
        "1 problem in the input:\n"
        "  t.xlsx: cannot read the file: not a valid .xlsx file (File is not a zip file)"
    )


def test_a_windows_1254_csv_with_semicolons(tmp_path: Path) -> None:
    """Turkish Excel's "CSV (noktalı virgülle ayrılmış)": Windows-1254, `;`, named in the log."""
    path = tmp_path / "t.csv"
    text = "Sıra No;Hizmetin Adı;Hizmetten Yararlananlar\n1;Çocuk Şenliği;Öğrenciler\n"
    path.write_bytes(text.encode("cp1254"))
    reading = read_inventory(path, "t.csv")
    (record,) = reading.records
    assert record.cells["name"].text == "Çocuk Şenliği"
    assert record.cells["beneficiaries"].text == "Öğrenciler"
    assert reading.notes[:2] == ["format: CSV", "encoding: Windows-1254, semicolon-separated"]


def test_malformed_and_empty_csv(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(HEADERS) + '\n1,"unterminated\n', encoding="utf-8")
    assert error_text(bad, "bad.csv") == (
        "1 problem in the input:\n"
        "  bad.csv:2: cannot read the file: not valid CSV: a quoted cell in the row starting on "
        "this line is never closed"
    )
    stray = tmp_path / "stray.csv"
    stray.write_text(",".join(HEADERS) + '\n1,"a"b\n', encoding="utf-8")
    assert error_text(stray, "stray.csv") == (
        "1 problem in the input:\n"
        "  stray.csv:2: cannot read the file: not valid CSV (',' expected after '\"')"
    )
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert error_text(empty, "empty.csv") == (
        "1 problem in the input:\n"
        "  empty.csv: the file is empty; expected a header row naming the columns"
    )


def test_display_name_defaults_to_the_path(tmp_path: Path) -> None:
    path = tmp_path / "missing.csv"
    assert error_text(path, str(path)) == (
        f"1 problem in the input:\n  {path}: cannot read the file: No such file or directory"
    )
    with pytest.raises(InputError) as excinfo:
        read_source(path)
    assert excinfo.value.problems[0].file == str(path)


# --- templates -----------------------------------------------------------------------------------


def test_shipped_templates_have_the_standard_headers_and_no_rows() -> None:
    csv_template = TEMPLATES / "kamu-hizmet-envanteri.csv"
    xlsx_template = TEMPLATES / "kamu-hizmet-envanteri.xlsx"
    assert (TEMPLATES / "README.md").is_file()

    with csv_template.open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f)) == [HEADERS]
    workbook = openpyxl.load_workbook(xlsx_template)
    assert workbook.sheetnames == ["Envanter", "Sütunlar"]
    assert [[c.value for c in r] for r in workbook["Envanter"].iter_rows()] == [HEADERS]
    legend = [[c.value for c in r] for r in workbook["Sütunlar"].iter_rows()]
    assert legend[1:] == [[c.key, c.header, c.label_en] for c in COLUMNS]

    for template in (csv_template, xlsx_template):
        assert error_text(template, "t") == (
            "1 problem in the input:\n  t: the table has a header but no services; "
            "expected one row per service under it"
        )


def test_write_template_matches_the_shipped_ones(tmp_path: Path) -> None:
    write_template(tmp_path / "t.csv")
    shipped = TEMPLATES / "kamu-hizmet-envanteri.csv"
    assert (tmp_path / "t.csv").read_bytes() == shipped.read_bytes()
    write_template(tmp_path / "t.xlsx")
    assert "header but no services" in error_text(tmp_path / "t.xlsx", "t.xlsx")
    with pytest.raises(ConfigError, match=r"unsupported template type '\.ods'"):
        write_template(tmp_path / "t.ods")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=" \tabcİı\u00a0\u2028", max_size=6),
            st.sampled_from(["\n", "\r\n"]),
        ),
        max_size=5,
    ),
    st.text(alphabet=" \tabcİı\u00a0", max_size=6),
    st.booleans(),
)
def test_a_cells_text_parts_and_lines_follow_its_line_breaks(
    lines: list[tuple[str, str]], last: str, per_line: bool
) -> None:
    """A cell's text is its whitespace collapsed; a cell over several lines keeps each non-blank
    line as a part, and (in CSV) the numbers of the lines holding text."""
    from envanter.read.source import make_cell

    value = "".join(text + end for text, end in lines) + last
    segments = [text for text, _ in lines] + [last]
    cell = make_cell(value, 10, per_line)
    words = value.split()
    if not words:
        assert cell == Cell(None)
        return
    non_blank = [(k, " ".join(s.split())) for k, s in enumerate(segments) if s.split()]
    assert cell.text == " ".join(words)
    assert cell.parts == (tuple(p for _, p in non_blank) if len(non_blank) > 1 else ())
    assert cell.lines == (tuple(10 + k for k, _ in non_blank) if per_line else (10,))
