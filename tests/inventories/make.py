"""Write the corpus inventories from their hand-written sources (src/NAME.yaml).

Each source gives an inventory as its institution publishes it: title rows, a header layout, data
rows (cells by column key), footer rows, and the file format (and, for CSV, encoding and
separator). This script lays them out as the real file: CSV, XLSX, XLS, ODS, DOCX or PDF. The
output is deterministic (fixed timestamps inside the archives and the PDF), so running it again
gives the same bytes; tests/test_inventory_corpus.py checks that.

    python tests/inventories/make.py            # rewrite every file beside this script
    python tests/inventories/make.py --out DIR  # write them somewhere else

The writers (xlwt, odfpy, python-docx, fpdf2) are in the project's `corpus` extra.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"

# The data columns in the order of the official table (the regulation's Kamu Hizmet Envanteri
# Tablosu); the four unit_* columns sit under one spanning heading.
KEYS = (
    "number",
    "institution_code",
    "sdp_codes",
    "name",
    "description",
    "legal_basis",
    "beneficiaries",
    "unit_central",
    "unit_provincial",
    "unit_local",
    "unit_other",
    "documents",
    "application",
    "paraf",
    "internal",
    "external",
    "legal_time",
    "average_time",
    "annual_count",
    "electronic",
)
WIDTH = len(KEYS)
UNITS = slice(7, 11)  # the four sub-columns of "Hizmeti Sunmakla Görevli/Yetkili ..."

# The headings as the regulation's table prints them (two rows).
OFFICIAL = (
    "Sıra No",
    "Kurum Kodu",
    "Standart Dosya Planı Kodu",
    "Hizmetin Adı",
    "Hizmetin Tanımı",
    "Hizmetin Dayanağı Mevzuatın Adı ve Madde Numarası",
    "Hizmetten Yararlananlar",
    "Hizmeti Sunmakla Görevli/Yetkili Kurumların/Birimlerin Adı",
    "",
    "",
    "",
    "Hizmeti Almak İçin Başvuruda İstenen Belgeler",
    "Hizmetin İlk Başvuru Makamı",
    "Paraf Listesi",
    "Kurumun Varsa Yapması Gereken İç Yazışmalar",
    "Kurumun Varsa Yapması Gereken Dış Yazışmalar",
    "Mevzuatta Belirtilen Hizmetin Tamamlanma Süresi",
    "Hizmetin Ortalama Tamamlanma Süresi",
    "Yıllık İşlem Sayısı",
    "Hizmetin Elektronik Olarak Sunulup Sunulmadığı",
)
OFFICIAL_SUB = ("Merkezi İdare", "Taşra Birimleri", "Mahalli İdare", "Diğer (Özel Sektör vb.)")

# The project's own one-row headings (docs/input.md), as a CSV written by envanter has them.
STANDARD = (
    "Sıra No",
    "Kurum Kodu",
    "Standart Dosya Planı Kodu",
    "Hizmetin Adı",
    "Hizmetin Tanımı",
    "Hizmetin Dayanağı Mevzuatın Adı ve Madde Numarası",
    "Hizmetten Yararlananlar",
    "Görevli Birim: Merkezî İdare",
    "Görevli Birim: Taşra Birimleri",
    "Görevli Birim: Mahallî İdare",
    "Görevli Birim: Diğer (özel sektör vb.)",
    "Başvuruda İstenen Belgeler",
    "İlk Başvuru Makamı",
    "Paraf Listesi",
    "Kurumun Varsa Yapması Gereken İç Yazışmalar",
    "Kurumun Varsa Yapması Gereken Dış Yazışmalar",
    "Mevzuatta Belirtilen Hizmetin Tamamlanma Süresi",
    "Hizmetin Ortalama Tamamlanma Süresi",
    "Yıllık İşlem Sayısı",
    "Hizmetin Elektronik Olarak Sunulup Sunulmadığı",
)

# Inside archives and the PDF: one fixed moment, so that the files do not change on every run.
FIXED = dt.datetime(2025, 1, 15, 9, 0, 0, tzinfo=dt.UTC)
ZIP_TIME = (2025, 1, 15, 9, 0, 0)


def tr_upper(text: str) -> str:
    """Upper case the Turkish way (i → İ, ı → I)."""
    return text.replace("i", "İ").replace("ı", "I").upper()


@dataclass(frozen=True)
class Merge:
    """A merged block of cells, rows and columns counted from 0, inclusive."""

    top: int
    left: int
    bottom: int
    right: int


@dataclass(frozen=True)
class Layout:
    """An inventory laid out as a grid of cells ("" for an empty cell), as the file shows it."""

    name: str
    source: dict[str, Any]
    titles: list[list[str]]
    header: list[list[str]]
    data: list[list[str | int]]
    footer: list[list[str]]
    header_merges: list[Merge]  # counted from the first header row

    @property
    def fmt(self) -> str:
        return str(self.source["format"])


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise SystemExit(f"{path.name}: expected a mapping")
    return data


def _pad(row: Sequence[Any]) -> list[Any]:
    return ["" if c is None else c for c in row] + [""] * (WIDTH - len(row))


def _header(kind: str) -> tuple[list[list[str]], list[Merge]]:
    if kind == "official-two-row":
        top = list(OFFICIAL)
        sub = [""] * WIDTH
        sub[UNITS] = OFFICIAL_SUB
        merges = [Merge(0, c, 1, c) for c in range(WIDTH) if not UNITS.start <= c < UNITS.stop]
        merges.append(Merge(0, UNITS.start, 0, UNITS.stop - 1))
        return [top, sub], sorted(merges, key=lambda m: m.left)
    if kind == "flattened-upper":
        row = [tr_upper(h) for h in OFFICIAL]
        row[UNITS] = [f"GÖREVLİ BİRİM - {tr_upper(h)}" for h in OFFICIAL_SUB]
        return [row], []
    if kind == "standard":
        return [list(STANDARD)], []
    raise SystemExit(f"unknown header layout {kind!r}")


def layout(path: Path) -> Layout:
    """Lay out one source: every data row gets every column (its own cells over the defaults)."""
    source = load(path)
    defaults = source.get("defaults") or {}
    data: list[list[str | int]] = []
    for row in source["rows"]:
        cells = {**defaults, **row}
        if unknown := set(cells) - set(KEYS):
            raise SystemExit(f"{path.name}: row {row.get('number')}: unknown keys {unknown}")
        if missing := [k for k in KEYS if k not in cells]:
            raise SystemExit(f"{path.name}: row {row.get('number')}: missing {missing}")
        data.append([cells[k] if k == "number" else str(cells[k]) for k in KEYS])
    header, merges = _header(str(source["header"]))
    return Layout(
        name=str(source["file"]),
        source=source,
        titles=[_pad(r) for r in source.get("title_rows") or []],
        header=header,
        data=data,
        footer=[_pad(r) for r in source.get("footer_rows") or []],
        header_merges=merges,
    )


def grid(lay: Layout) -> tuple[list[list[Any]], list[Merge]]:
    """The whole sheet as rows, with the merges (titles across the table, the header's own) in
    sheet coordinates. One empty row separates the table from the footer, as offices leave it."""
    rows: list[list[Any]] = [*lay.titles, *lay.header, *lay.data]
    merges = [Merge(i, 0, i, WIDTH - 1) for i in range(len(lay.titles))]
    offset = len(lay.titles)
    merges += [Merge(m.top + offset, m.left, m.bottom + offset, m.right) for m in lay.header_merges]
    if lay.footer:
        rows.append([""] * WIDTH)
        rows += lay.footer
    return rows, merges


# --- writers -------------------------------------------------------------------------------------


def write_csv(lay: Layout, out: Path) -> None:
    # Excel pads every row to the width of the used range and ends lines with CRLF; a line break
    # inside a cell stays a bare LF inside the quotes.
    rows, _ = grid(lay)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=lay.source["delimiter"], lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    out.write_bytes(buffer.getvalue().encode(lay.source["encoding"]))


def write_xlsx(lay: Layout, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows, merges = grid(lay)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = lay.source.get("sheet", "Sayfa1")
    wrap = Alignment(wrap_text=True, vertical="top")
    first_data = len(lay.titles) + len(lay.header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value == "":
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            cell.alignment = wrap
            if r <= first_data:
                cell.font = Font(bold=True)
    for m in merges:
        sheet.merge_cells(
            start_row=m.top + 1,
            start_column=m.left + 1,
            end_row=m.bottom + 1,
            end_column=m.right + 1,
        )
    book.properties.creator = lay.source["institution"]
    book.properties.created = FIXED.replace(tzinfo=None)
    book.properties.modified = FIXED.replace(tzinfo=None)
    book.save(out)
    # openpyxl stamps the time of saving as "modified"; put the fixed one back.
    stamp = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    _fix_zip(
        out, {"docProps/core.xml": lambda xml: stamp.sub(rb"\g<1>2025-01-15T09:00:00Z\g<2>", xml)}
    )


def write_xls(lay: Layout, out: Path) -> None:
    import xlwt  # type: ignore[import-untyped]

    rows, merges = grid(lay)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(lay.source.get("sheet", "Sayfa1"))
    style = xlwt.easyxf("alignment: wrap on, vert top")
    merged = {
        (r, c)
        for m in merges
        for r in range(m.top, m.bottom + 1)
        for c in range(m.left, m.right + 1)
    }
    for m in merges:
        sheet.write_merge(m.top, m.bottom, m.left, m.right, rows[m.top][m.left], style)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value != "" and (r, c) not in merged:
                sheet.write(r, c, value, style)
    book.save(str(out))


def write_ods(lay: Layout, out: Path) -> None:
    from odf.element import Element  # type: ignore[import-untyped]
    from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
    from odf.table import CoveredTableCell, Table, TableCell, TableRow  # type: ignore[import-untyped]
    from odf.text import P  # type: ignore[import-untyped]

    # odfpy declares on every document each namespace any document of the process used: start
    # from none, as in a fresh process, so that the file is the same whatever was written before.
    Element.namespaces.clear()
    rows, merges = grid(lay)
    starts = {(m.top, m.left): m for m in merges}
    covered = {
        (r, c)
        for m in merges
        for r in range(m.top, m.bottom + 1)
        for c in range(m.left, m.right + 1)
        if (r, c) != (m.top, m.left)
    }
    doc = OpenDocumentSpreadsheet()
    table = Table(name=lay.source.get("sheet", "Sayfa1"))
    for r, row in enumerate(rows):
        tr = TableRow()
        for c, value in enumerate(row):
            if (r, c) in covered:
                tr.addElement(CoveredTableCell())
                continue
            attrs: dict[str, Any] = {}
            if m := starts.get((r, c)):
                attrs["numbercolumnsspanned"] = m.right - m.left + 1
                attrs["numberrowsspanned"] = m.bottom - m.top + 1
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value, **attrs)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string", **attrs) if value else TableCell(**attrs)
                for line in value.split("\n") if value else []:
                    cell.addElement(P(text=line))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(out))
    _fix_zip(out)


def write_docx(lay: Layout, out: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(42.0), Cm(29.7)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.0))
    for title in lay.titles:
        document.add_paragraph(title[0]).runs[0].bold = True
    body = [*lay.header, *[[str(c) for c in row] for row in lay.data]]
    table = document.add_table(rows=len(body), cols=WIDTH)
    table.style = "Table Grid"
    for r, row in enumerate(body):
        for c, value in enumerate(row):
            if value == "":
                continue
            cell = table.cell(r, c)
            # One paragraph a line, as Word keeps a cell typed with Enter.
            lines = value.split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(7)
                    run.bold = r < len(lay.header)
    for m in lay.header_merges:
        table.cell(m.top, m.left).merge(table.cell(m.bottom, m.right))
    for row in lay.footer:
        document.add_paragraph("    ".join(c for c in row if c))
    props = document.core_properties
    props.author = lay.source["institution"]
    props.last_modified_by = lay.source["institution"]
    props.created = FIXED.replace(tzinfo=None)
    props.modified = FIXED.replace(tzinfo=None)
    props.revision = 1
    document.save(str(out))
    _fix_zip(out)


# Fonts with Turkish letters, tried in order (DejaVu ships with Debian's fonts-dejavu-core).
FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)


def write_pdf(lay: Layout, out: Path) -> None:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    font = next((f for f in FONTS if f.exists()), None)
    if font is None:
        raise SystemExit("no DejaVuSans.ttf found: install fonts-dejavu-core")
    pdf = FPDF(orientation="L", unit="mm", format="A3")
    pdf.set_creation_date(FIXED)
    pdf.set_producer("Microsoft Word 2016")
    pdf.set_creator("Microsoft Word 2016")
    pdf.set_author(lay.source["institution"])
    pdf.add_font("DejaVu", "", str(font))
    pdf.add_font("DejaVu", "B", str(font))
    pdf.set_auto_page_break(True, margin=10)
    pdf.set_margins(8, 10, 8)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 11)
    for title in lay.titles:
        pdf.cell(0, 8, title[0], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 5.5)
    # Widths in mm, the text columns wider: cells wrap over several lines, as in the real PDFs.
    widths = (7, 12, 13, 22, 30, 34, 19, 18, 18, 16, 14, 30, 18, 18, 16, 18, 16, 16, 18, 24)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        num_heading_rows=len(lay.header),
        headings_style=bold,
        line_height=2.6,
        text_align="LEFT",
        first_row_as_headings=True,
    ) as table:
        if len(lay.header) == 2:
            top = table.row()
            for c, heading in enumerate(lay.header[0]):
                if c == UNITS.start:
                    top.cell(heading, colspan=4)
                elif not UNITS.start < c < UNITS.stop:
                    top.cell(heading, rowspan=2)
            sub = table.row()
            for heading in lay.header[1][UNITS]:
                sub.cell(heading)
        else:
            top = table.row()
            for heading in lay.header[0]:
                top.cell(heading)
        for data in lay.data:
            row = table.row()
            for value in data:
                row.cell(str(value))
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 8)
    for footer in lay.footer:
        pdf.cell(0, 5, "    ".join(c for c in footer if c), new_x="LMARGIN", new_y="NEXT")
    pdf.file_id = lambda: ""  # type: ignore[method-assign]  # no random document ID
    pdf.output(str(out))


def _fix_zip(path: Path, rewrite: dict[str, Callable[[bytes], bytes]] | None = None) -> None:
    """Rewrite an archive with every entry at one fixed time, keeping order and compression;
    `rewrite` changes the named entries' contents on the way."""
    rewrite = rewrite or {}
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    entries = [(i, rewrite[i.filename](d) if i.filename in rewrite else d) for i, d in entries]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o600 << 16
            z.writestr(fixed, data)


WRITERS = {
    "csv": write_csv,
    "xlsx": write_xlsx,
    "xls": write_xls,
    "ods": write_ods,
    "docx": write_docx,
    "pdf": write_pdf,
}


def make(source: Path, out_dir: Path) -> Path:
    lay = layout(source)
    if Path(lay.name).suffix != f".{lay.fmt}":
        raise SystemExit(f"{source.name}: file {lay.name} does not end in .{lay.fmt}")
    target = out_dir / lay.name
    WRITERS[lay.fmt](lay, target)
    return target


def sources() -> list[Path]:
    return sorted(SOURCES.glob("*.yaml"))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=HERE, help="where to write (default: here)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for source in sources():
        print(make(source, args.out))


if __name__ == "__main__":
    main()
