"""What a tidy table is: its columns, its rows, its keys (tables.py and reference_tables.py fill
them; csvw.py writes them; graph.py maps them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .iris import slugify

TableRow = dict[str, object]


@dataclass(frozen=True)
class TableColumn:
    name: str
    datatype: str = "string"  # a CSVW / XSD datatype name
    required: bool = False
    description: str = ""


@dataclass
class Table:
    name: str
    description: str
    columns: tuple[TableColumn, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, table, column)
    rows: list[TableRow] = field(default_factory=list)


def c(
    name: str, datatype: str = "string", required: bool = False, description: str = ""
) -> TableColumn:
    return TableColumn(name, datatype, required, description)


SERVICE = c("service", required=True, description="the service's id (services.id)")
POSITION = c("position", "integer", True, "1-based order within the service's cell")
KEY = c("key", required=True, description="stable key, used in URIs and by the service_* tables")
TO_SERVICES = ("service", "services", "id")


def article_key(law: str, article: str) -> str:
    return f"{law}-madde-{slugify(article)}"
