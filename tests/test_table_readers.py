"""The table readers: the header found wherever it is, and every format institutions publish in.

Each file is made here with the writer an office would use (openpyxl, xlwt, odfpy, python-docx,
fpdf2); what is expected is written by hand.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from envanter.errors import InputError
from envanter.read.formats import Reading, read_inventory
from envanter.read.headings import column_of
from envanter.read.inventory import COLUMNS

OFFICIAL = [c.header for c in COLUMNS]
# The official layout: the spanning heading over the four unit sub-headings.
GROUP = "Hizmeti Sunmakla Görevli/Yetkili Kurumların/Birimlerin Adı"
TOP = [
    "Sıra No",
    "Kurum Kodu",
    "Standart Dosya Planı Kodu",
    "Hizmetin Adı",
    "Hizmetin Tanımı",
    "Hizmetin Dayanağı Mevzuatın Adı ve Madde Numarası",
    "Hizmetten Yararlananlar",
    GROUP,
    "",
    "",
    "",
    "Başvuruda İstenen Belgeler",
    "İlk Başvuru Makamı",
    "Paraf Listesi",
    "Kurumun Varsa Yapması Gereken İç Yazışmalar",
    "Kurumun Varsa Yapması Gereken Dış Yazışmalar",
    "Mevzuatta Belirtilen Hizmetin Tamamlanma Süresi",
    "Hizmetin Ortalama Tamamlanma Süresi",
    "Yıllık İşlem Sayısı",
    "Hizmetin Elektronik Olarak Sunulup Sunulmadığı",
]
SUB = [""] * 7 + ["Merkezi İdare", "Taşra Birimleri", "Mahalli İdare", "Diğer (Özel Sektör vb.)"]
SUB += [""] * 9
TITLES = [["T.C. ÇANKAYA BELEDİYESİ"], ["Emlak ve İstimlak Müdürlüğü Kamu Hizmet Envanteri"]]
FOOTERS = [["Güncelleme Tarihi: 01.03.2025"], ["Hazırlayan", "", "", "Onaylayan"]]


def service(n: int, name: str, **cells: str) -> list[str]:
    keys = [c.key for c in COLUMNS]
    row = ["" for _ in keys]
    row[0] = str(n)
    row[keys.index("name")] = name
    for key, text in cells.items():
        row[keys.index(key)] = text
    return row


SERVICES = [
    service(1, "Emlak Vergisi Beyanı", unit_local="Emlak Servisi", documents="Tapu\nKimlik"),
    service(2, "Rayiç Bedel Belgesi", unit_local="Emlak Servisi", electronic="Evet"),
]
OFFICIAL_LAYOUT = [*TITLES, [], TOP, SUB, *SERVICES, [], *FOOTERS]


def names(reading: Reading) -> list[tuple[int, str | None]]:
    return [(r.number, r.cells["name"].text) for r in reading.records]


def check_official(reading: Reading) -> None:
    """What every format must find in the official layout made above."""
    assert names(reading) == [(1, "Emlak Vergisi Beyanı"), (2, "Rayiç Bedel Belgesi")]
    first = reading.records[0]
    assert first.cells["unit_local"].text == "Emlak Servisi"
    assert first.cells["documents"].parts == ("Tapu", "Kimlik")
    assert reading.records[1].cells["electronic"].text == "Evet"
    assert "title: T.C. ÇANKAYA BELEDİYESİ" in reading.notes
    assert "title: Emlak ve İstimlak Müdürlüğü Kamu Hizmet Envanteri" in reading.notes
    assert "footer: Güncelleme Tarihi: 01.03.2025" in reading.notes
    assert "footer: Hazırlayan Onaylayan" in reading.notes
    assert reading.warnings == []


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([v or None for v in row])
    workbook.save(path)
    return path


# --- headings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Mahalli İdare", "unit_local"),
        ("Mahallî İdare", "unit_local"),
        ("MAHALLİ İDARE", "unit_local"),
        ("Merkezi İdare", "unit_central"),
        ("Merkezî  İdare", "unit_central"),
        ("Görevli Birim - Merkezi İdare", "unit_central"),
        ("Görevli Birim: Taşra Birimleri", "unit_provincial"),
        (f"{GROUP} - Diğer (Özel Sektör vb.)", "unit_other"),
        ("HİZMETİN\nADI", "name"),
        ("SIRA NO", "number"),
        ("S.No", "number"),
        ("YILLIK İŞLEM SAYISI", "annual_count"),
        ("Hizmetin Dayanağı Mevzuatın Adı ve Madde No", "legal_basis"),
        ("HİZMETİN ELEKTRONİK OLARAK SUNULUP SUNULMADIĞI", "electronic"),
        ("Kurumun Varsa Yapması Gereken İç Yazışmalar", "internal"),
        ("Mevzuatta Belirtilen Hizmetin Tamamlanma Süresi", "legal_time"),
        ("Hizmetin Ortalama Tamamlanma Süresi", "average_time"),
        ("HİZMETİ ALMAK İÇİN BAŞVURUDA İSTENEN BELGELER", "documents"),
        ("Hizmetin İlk Başvuru Makamı", "application"),
    ],
)
def test_a_heading_in_its_real_spellings(heading: str, key: str) -> None:
    column = column_of(heading)
    assert column is not None and column.key == key


@pytest.mark.parametrize("heading", ["Açıklama", "Renk", "Taşra", GROUP, ""])
def test_what_names_no_column(heading: str) -> None:
    assert column_of(heading) is None


# --- finding the table ---------------------------------------------------------------------------


def test_the_official_layout_in_xlsx(tmp_path: Path) -> None:
    reading = read_inventory(write_xlsx(tmp_path / "e.xlsx", OFFICIAL_LAYOUT), "e.xlsx")
    check_official(reading)
    assert reading.notes[:3] == [
        "format: XLSX workbook",
        "sheet: 'Sheet'",
        "header: rows 4-5",
    ]
    assert reading.records[0].first_line == 6


def test_title_and_footer_rows_are_kept_for_the_metadata(tmp_path: Path) -> None:
    titles = [["T.C. KEÇİÖREN BELEDİYESİ"], ["", "Zabıta Müdürlüğü", "Hizmet Envanteri"]]
    footer = [["Düzenleme tarihi: 12.03.2024"]]
    rows = [*titles, OFFICIAL, *SERVICES, [], *footer]
    reading = read_inventory(write_xlsx(tmp_path / "t.xlsx", rows), "t.xlsx")
    assert reading.title_rows == (
        "T.C. KEÇİÖREN BELEDİYESİ",
        "Zabıta Müdürlüğü Hizmet Envanteri",
    )
    assert reading.footer_rows == ("Düzenleme tarihi: 12.03.2024",)
    assert "title: Zabıta Müdürlüğü Hizmet Envanteri" in reading.notes
    assert "footer: Düzenleme tarihi: 12.03.2024" in reading.notes
    # A table with nothing around it has no hints.
    bare = read_inventory(write_xlsx(tmp_path / "b.xlsx", [OFFICIAL, *SERVICES]), "b.xlsx")
    assert (bare.title_rows, bare.footer_rows) == ((), ())


def test_a_flattened_one_row_header_in_upper_case(tmp_path: Path) -> None:
    header = [
        h.upper().replace("i", "İ") if not s else f"Görevli Birim - {s}"
        for h, s in zip(TOP, SUB, strict=True)
    ]
    rows = [header, *SERVICES]
    reading = read_inventory(write_xlsx(tmp_path / "f.xlsx", rows), "f.xlsx")
    assert names(reading) == [(1, "Emlak Vergisi Beyanı"), (2, "Rayiç Bedel Belgesi")]
    assert reading.records[0].cells["unit_local"].text == "Emlak Servisi"
    assert "header: row 1" in reading.notes


def test_a_row_of_column_numbers_under_the_header(tmp_path: Path) -> None:
    numbering = [str(k) for k in range(1, len(OFFICIAL) + 1)]
    reading = read_inventory(
        write_xlsx(tmp_path / "n.xlsx", [OFFICIAL, numbering, *SERVICES]), "n.xlsx"
    )
    assert names(reading) == [(1, "Emlak Vergisi Beyanı"), (2, "Rayiç Bedel Belgesi")]


def test_a_note_row_inside_the_table_is_a_warning(tmp_path: Path) -> None:
    rows = [OFFICIAL, SERVICES[0], ["", "", "", "", "A) EMLAK HİZMETLERİ"], SERVICES[1]]
    reading = read_inventory(write_xlsx(tmp_path / "w.xlsx", rows), "w.xlsx")
    assert names(reading) == [(1, "Emlak Vergisi Beyanı"), (2, "Rayiç Bedel Belgesi")]
    assert [str(w) for w in reading.warnings] == [
        "w.xlsx:3: 'A) EMLAK HİZMETLERİ' names no service; kept as a note, not read as a service"
    ]


def test_no_header_is_one_message_showing_the_rows_looked_at(tmp_path: Path) -> None:
    rows = [["Belediye Hizmetleri"], ["No", "Ad", "Açıklama"], ["1", "Nikah", "Evlendirme"]]
    path = write_xlsx(tmp_path / "x.xlsx", rows)
    with pytest.raises(InputError) as caught:
        read_inventory(path, "x.xlsx")
    assert str(caught.value) == (
        "1 problem in the input:\n"
        "  x.xlsx: no header row found in the first 3 rows: expected a row naming the standard "
        "columns ('Sıra No', 'Hizmetin Adı', …, see data/templates/); looked at "
        "row 1: 'Belediye Hizmetleri'; row 2: 'No | Ad | Açıklama'; row 3: '1 | Nikah | Evlendirme'"
    )


def test_every_problem_of_the_rows_at_once(tmp_path: Path) -> None:
    rows = [
        OFFICIAL,
        service(1, "A"),
        service(1, "B"),
        ["2000000000", "", "", "C"],
        ["9" * 5000, "", "", "D"],
    ]
    with pytest.raises(InputError) as caught:
        read_inventory(write_xlsx(tmp_path / "r.xlsx", rows), "r.xlsx")
    assert [str(p) for p in caught.value.problems] == [
        "r.xlsx:3: number: row number 1 appears twice (also on line 2)",
        "r.xlsx:4: number: row number '2000000000' is too large; expected at most 1,000,000",
        "r.xlsx:5: number: row number '" + "9" * 59 + "…' is too large; expected at most 1,000,000",
    ]


# --- CSV -----------------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[list[str]], encoding: str, delimiter: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


@pytest.mark.parametrize(
    ("encoding", "delimiter", "note"),
    [
        ("utf-8", ",", "encoding: UTF-8, comma-separated"),
        ("utf-8-sig", ";", "encoding: UTF-8 with BOM, semicolon-separated"),
        ("cp1254", ";", "encoding: Windows-1254, semicolon-separated"),
        ("cp1254", "\t", "encoding: Windows-1254, tab-separated"),
        ("utf-16", "\t", "encoding: UTF-16, tab-separated"),
    ],
)
def test_csv_in_the_encodings_and_delimiters_offices_use(
    tmp_path: Path, encoding: str, delimiter: str, note: str
) -> None:
    path = write_csv(tmp_path / "e.csv", OFFICIAL_LAYOUT, encoding, delimiter)
    reading = read_inventory(path, "e.csv")
    check_official(reading)
    assert reading.notes[:3] == ["format: CSV", note, "header: rows 4-5"]


def test_iso_8859_9_when_windows_1254_cannot_decode(tmp_path: Path) -> None:
    # 0x81 is unassigned in Windows-1254; ISO-8859-9 has a (control) character there.
    path = tmp_path / "i.csv"
    text = (
        "Sıra No;Hizmetin Adı;Hizmetten Yararlananlar;Yıllık İşlem Sayısı\n1;Ağaç Dikimi;Halk;3\n"
    )
    path.write_bytes(text.encode("iso-8859-9") + b"2;Su\x81;Halk;4\n")
    reading = read_inventory(path, "i.csv")
    assert "encoding: ISO-8859-9, semicolon-separated" in reading.notes
    assert names(reading) == [(1, "Ağaç Dikimi"), (2, "Su\x81")]


# --- spreadsheets --------------------------------------------------------------------------------


def test_xls(tmp_path: Path) -> None:
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Envanter")
    for r, row in enumerate(OFFICIAL_LAYOUT):
        for c, value in enumerate(row):
            if value:
                sheet.write(r, c, int(value) if value.isdigit() else value)
    workbook.save(str(tmp_path / "e.xls"))
    reading = read_inventory(tmp_path / "e.xls", "e.xls")
    check_official(reading)
    assert reading.notes[:2] == ["format: XLS workbook", "sheet: 'Envanter'"]


def test_ods(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Envanter")
    for row in OFFICIAL_LAYOUT:
        table_row = TableRow()
        for value in row:
            cell = TableCell(valuetype="string") if value else TableCell()
            for line in value.split("\n") if value else []:
                cell.addElement(P(text=line))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.save(str(tmp_path / "e.ods"))
    reading = read_inventory(tmp_path / "e.ods", "e.ods")
    check_official(reading)
    assert reading.notes[0] == "format: ODS spreadsheet"


def test_a_sheet_is_chosen_by_its_header(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Açıklamalar"])
    data = workbook.create_sheet("Hizmetler")
    for row in OFFICIAL_LAYOUT:
        data.append([v or None for v in row])
    workbook.save(tmp_path / "s.xlsx")
    reading = read_inventory(tmp_path / "s.xlsx", "s.xlsx")
    check_official(reading)
    assert "sheet: 'Hizmetler'" in reading.notes


def test_a_file_is_read_as_what_it_is_whatever_its_suffix(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "e.xls", OFFICIAL_LAYOUT)  # an XLSX saved under the old suffix
    reading = read_inventory(tmp_path / "e.xls", "e.xls")
    check_official(reading)
    assert reading.notes[0] == "format: XLSX workbook"


# --- DOCX ----------------------------------------------------------------------------------------


def test_docx(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    for (title,) in TITLES:
        document.add_paragraph(title)
    table = document.add_table(rows=0, cols=len(OFFICIAL))
    for row in [TOP, SUB, *SERVICES]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            lines = value.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    table.rows[0].cells[7].merge(table.rows[0].cells[10])  # the spanning heading
    document.add_paragraph("Güncelleme Tarihi: 01.03.2025")
    document.add_paragraph("Hazırlayan Onaylayan")
    document.save(str(tmp_path / "e.docx"))
    reading = read_inventory(tmp_path / "e.docx", "e.docx")
    check_official(reading)
    assert reading.notes[:3] == ["format: DOCX document", "tables: 1", "header: rows 1-2"]


# --- PDF -----------------------------------------------------------------------------------------

FONTS = "/usr/share/fonts/truetype/dejavu"  # Debian's fonts-dejavu-core (scripts/setup.sh)
PDF_COLUMNS = ["Sıra No", "Hizmetin Adı", "Başvuruda İstenen Belgeler", "Hizmetten Yararlananlar"]


def write_pdf(path: Path, rows: list[list[str]], titles: list[str], footers: list[str]) -> Path:
    from fpdf import FPDF

    pdf = FPDF(orientation="L")
    pdf.add_page()
    pdf.add_font("DejaVu", fname=f"{FONTS}/DejaVuSans.ttf")
    pdf.add_font("DejaVu", style="B", fname=f"{FONTS}/DejaVuSans-Bold.ttf")
    pdf.set_font("DejaVu", size=9)
    for title in titles:
        pdf.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(12, 50, 50, 40), text_align="LEFT") as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(value)
    for footer in footers:
        pdf.cell(text=footer, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_pdf_table_wrapped_text_is_one_line_typed_breaks_are_kept(tmp_path: Path) -> None:
    long_name = "Yapı Ruhsatı ve Yapı Kullanma İzin Belgesi Verilmesi Hizmeti Başvurusu"
    rows = [
        PDF_COLUMNS,
        ["1", long_name, "Dilekçe\nTapu Senedi\nKimlik Kartının Fotokopisi", "Vatandaşlar"],
        ["2", "Numarataj", "- Dilekçe\n- Tapu", "Vatandaşlar"],
    ]
    titles = ["T.C. KEÇİÖREN BELEDİYESİ", "İmar ve Şehircilik Müdürlüğü"]
    path = write_pdf(tmp_path / "e.pdf", rows, titles, ["Güncelleme Tarihi: 01.03.2025"])
    reading = read_inventory(path, "e.pdf")
    assert names(reading) == [(1, long_name), (2, "Numarataj")]
    first, second = reading.records
    assert first.cells["documents"].parts == (
        "Dilekçe",
        "Tapu Senedi",
        "Kimlik Kartının Fotokopisi",
    )
    assert second.cells["documents"].parts == ("- Dilekçe", "- Tapu")
    assert first.cells["beneficiaries"].text == "Vatandaşlar"
    assert "title: T.C. KEÇİÖREN BELEDİYESİ" in reading.notes
    assert "footer: Güncelleme Tarihi: 01.03.2025" in reading.notes
    assert reading.title_rows == ("T.C. KEÇİÖREN BELEDİYESİ", "İmar ve Şehircilik Müdürlüğü")
    assert reading.footer_rows == ("Güncelleme Tarihi: 01.03.2025",)
    assert reading.notes[:2] == ["format: PDF", "pages: 1"]


def test_a_pdf_without_a_table(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.cell(text="Kamu Hizmet Envanteri")
    pdf.output(str(tmp_path / "t.pdf"))
    with pytest.raises(InputError) as caught:
        read_inventory(tmp_path / "t.pdf", "t.pdf")
    assert str(caught.value) == (
        "1 problem in the input:\n"
        "  t.pdf: no ruled table on the 1 page(s) of the PDF has a header row naming the "
        "standard columns ('Sıra No', 'Hizmetin Adı', …); found 'Kamu Hizmet Envanteri'"
    )


def test_a_pdf_table_over_several_pages_with_its_header_repeated(tmp_path: Path) -> None:
    rows = [PDF_COLUMNS] + [[str(n), f"Hizmet {n}", "Dilekçe", "Vatandaşlar"] for n in range(1, 61)]
    reading = read_inventory(write_pdf(tmp_path / "p.pdf", rows, [], []), "p.pdf")
    assert names(reading) == [(n, f"Hizmet {n}") for n in range(1, 61)]
    assert reading.notes[:2] == ["format: PDF", "pages: 3"]
    # (The only warnings: the standard columns this table does not have.)
    assert all(w.message.startswith("no column") for w in reading.warnings)


def test_broken_files_are_refused_with_a_message(tmp_path: Path) -> None:
    import zipfile

    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\n garbage")
    with zipfile.ZipFile(tmp_path / "bad.docx", "w") as docx:
        docx.writestr("word/document.xml", "<not xml")
    (tmp_path / "bad.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    for name, start in (
        ("bad.pdf", "cannot read the file: not a valid PDF ("),
        ("bad.docx", "cannot read the file: not a valid .docx document ("),
        ("bad.xls", "cannot read the file: not a valid .xls workbook"),
    ):
        with pytest.raises(InputError) as caught:
            read_inventory(tmp_path / name, name)
        (problem,) = caught.value.problems
        assert (problem.file, problem.line) == (name, None)
        assert problem.message.startswith(start), problem.message


# --- PDF: a line break typed or the page's wrap ---------------------------------------------------


def write_paraf_pdf(path: Path, parafs: list[str]) -> Path:
    """A table whose paraf column is a little narrower than 'Şube Müdürü Vali' in this font, and
    wider than 'Şube Müdürü' and 'Vali Yardımcısı': DejaVu Sans 9 pt, 26.5 mm with 1 mm padding."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L")
    pdf.add_page()
    pdf.add_font("DejaVu", fname=f"{FONTS}/DejaVuSans.ttf")
    pdf.add_font("DejaVu", style="B", fname=f"{FONTS}/DejaVuSans-Bold.ttf")
    pdf.set_font("DejaVu", size=9)
    assert pdf.get_string_width("Şube Müdürü") < 24.5 < pdf.get_string_width("Şube Müdürü Vali")
    header = ["Sıra No", "Kurum Kodu", "Standart Dosya Planı Kodu", "Hizmetin Adı"]
    header += ["Hizmetin Tanımı", "Hizmetin Dayanağı Mevzuatın Adı ve Madde Numarası"]
    header += ["Paraf Listesi"]
    rows = [
        [str(n), "64270913", "604.01", f"Hizmet {n}", "Bir hizmet.", "5442 Sayılı Kanun", paraf]
        for n, paraf in enumerate(parafs, 1)
    ]
    widths = (14, 24, 24, 30, 30, 50, 26.5)
    with pdf.table(col_widths=widths, width=sum(widths), text_align="LEFT", padding=1) as table:
        for row in [header, *rows]:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.output(str(path))
    return path


def test_a_pdf_line_break_is_told_from_a_wrap_on_evidence_and_a_guess_is_a_warning(
    tmp_path: Path,
) -> None:
    from envanter.read.records import build_records

    parafs = [
        "Memur\nŞube Müdürü",  # 'Memur' leaves room for 'Şube': the break was typed
        "İl Yazı İşleri Müdürlüğü",  # one role, wrapped before 'Müdürlüğü'
        "Şube Müdürü\nVali Yardımcısı",  # 'Vali' would not have fitted: typed or wrapped?
        "1- Şube Müdürü\n2- Vali Yardımcısı",  # numbered: each number starts a role
    ]
    path = write_paraf_pdf(tmp_path / "p.pdf", parafs)
    reading = read_inventory(path, "p.pdf")
    # The page: the role wrapped over two lines, as the third cell is.
    assert reading.records[1].cells["paraf"].text == "İl Yazı İşleri Müdürlüğü"
    services = build_records(reading.records, [], "", None)
    assert [s.paraf for s in services] == [
        ("Memur", "Şube Müdürü"),
        ("İl Yazı İşleri Müdürlüğü",),
        ("Şube Müdürü Vali Yardımcısı",),
        ("Şube Müdürü", "Vali Yardımcısı"),
    ]
    warnings = [str(w) for s in services for w in s.warnings]
    assert warnings == [
        "p.pdf:4: paraf: service 3: 'Şube Müdürü' and 'Vali Yardımcısı' were read as one item, "
        "'Şube Müdürü Vali Yardımcısı': the first line fills the cell, so the line break may be "
        "the page's wrap or one typed between two items; if they are two items, number them "
        "('1- …', '2- …') in the source"
    ]
    (guessed,) = services[2].guessed_breaks
    assert guessed[0] == "paraf"
    assert (guessed[1].before, guessed[1].after) == ("Şube Müdürü", "Vali Yardımcısı")
