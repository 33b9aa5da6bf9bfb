"""The standard inventory table (Kamu Hizmet Envanteri Tablosu): its columns and a raw row.

Every reader (seed PDF text, CSV, XLSX) produces `RawRecord`s: the text of each cell exactly as
the source has it, with the source lines it came from. Interpretation happens later, in records.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # our name, used in code, CSV headers and the tidy tables
    header: str  # the official Turkish column heading
    label_en: str


# The order is the order of the official table. `number` (Sıra No) comes first; the four
# "görevli birim" cells are one heading in the official table with four sub-columns.
COLUMNS: tuple[Column, ...] = (
    Column("number", "Sıra No", "Row number"),
    Column("institution_code", "Kurum Kodu", "Institution code (DETSİS)"),
    Column("sdp_codes", "Standart Dosya Planı Kodu", "Standard File Plan code(s)"),
    Column("name", "Hizmetin Adı", "Service name"),
    Column("description", "Hizmetin Tanımı", "Service description"),
    Column("legal_basis", "Hizmetin Dayanağı Mevzuatın Adı ve Madde Numarası", "Legal basis"),
    Column("beneficiaries", "Hizmetten Yararlananlar", "Beneficiaries"),
    Column(
        "unit_central", "Görevli Birim: Merkezî İdare", "Competent unit: central administration"
    ),
    Column("unit_provincial", "Görevli Birim: Taşra Birimleri", "Competent unit: provincial units"),
    Column("unit_local", "Görevli Birim: Mahallî İdare", "Competent unit: local administration"),
    Column("unit_other", "Görevli Birim: Diğer (özel sektör vb.)", "Competent unit: other"),
    Column("documents", "Başvuruda İstenen Belgeler", "Documents required"),
    Column("application", "İlk Başvuru Makamı", "Where to apply first"),
    Column("paraf", "Paraf Listesi", "Approval (paraf) list"),
    Column("internal", "Kurumun Varsa Yapması Gereken İç Yazışmalar", "Internal correspondence"),
    Column("external", "Kurumun Varsa Yapması Gereken Dış Yazışmalar", "External correspondence"),
    Column(
        "legal_time", "Mevzuatta Belirtilen Hizmetin Tamamlanma Süresi", "Legal completion time"
    ),
    Column("average_time", "Hizmetin Ortalama Tamamlanma Süresi", "Average completion time"),
    Column("annual_count", "Yıllık İşlem Sayısı", "Annual number of transactions"),
    Column("electronic", "Hizmetin Elektronik Olarak Sunulup Sunulmadığı", "Electronic delivery"),
)

COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)
CELL_KEYS: tuple[str, ...] = COLUMN_KEYS[1:]  # everything but the row number


@dataclass(frozen=True, slots=True)
class LineGuess:
    """A line break of a PDF cell that may be the page's wrap or one the steward typed, with
    nothing to tell which: the reader joined the two lines into one item."""

    before: str  # the item up to the break
    after: str  # the line after it


@dataclass(frozen=True, slots=True)
class Cell:
    """The text of one cell as the source has it; `None` when the cell is physically absent."""

    text: str | None
    lines: tuple[int, ...] = ()  # source lines (or the row, for CSV/XLSX) holding this text
    # The text as it was broken into lines in the source, where that matters: an unnumbered
    # list (one document a line) can only be split by its lines.
    parts: tuple[str, ...] = ()
    # True when the line breaks of `parts` may come from wrapping the text on a page (a PDF),
    # so a new line is not by itself a new item; False for a spreadsheet's own line breaks.
    wrapped: bool = False
    # The line breaks read as wraps without evidence (a PDF table's cell): each may be a new item.
    guessed: tuple[LineGuess, ...] = ()


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One row of the table, uninterpreted."""

    number: int
    cells: dict[str, Cell]
    file: str  # the source file, relative to the project when possible
    first_line: int
    last_line: int
    furniture: tuple[int, ...] = field(default=())  # page-furniture lines inside the range

    def text(self, key: str) -> str | None:
        return self.cells[key].text
