"""The records of the table walk: column maps, stitched data rows, and what a walk found.

Shared by the walk's steps (:mod:`extract.header_rows`, :mod:`extract.pieces`,
:mod:`extract.rows`, :mod:`extract.drafts`) and by :mod:`extract.records`, which turns a
:class:`DataRow` into raw actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extract.columns import FieldChoice
from extract.model import Issue
from ingest.issues import IssueCode
from ingest.model import BBox, Cell, Line


@dataclass(frozen=True)
class ColumnMap:
    """The schema field and header label of each column of a logical table."""

    fields: tuple[str | None, ...]
    labels: tuple[str, ...]
    choices: tuple[FieldChoice | None, ...] = ()  # the evidence behind each field, for inspect

    @property
    def width(self) -> int:
        return len(self.fields)

    def field_of(self, column: int) -> str | None:
        return self.fields[column] if column < len(self.fields) else None

    def label_of(self, column: int) -> str:
        return self.labels[column] if column < len(self.labels) else f"column {column + 1}"


@dataclass(frozen=True)
class Column:
    """One non-empty column of a stitched row."""

    field: str | None
    label: str
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class DataRow:
    """One action row, stitched across page breaks, with the context in force above it."""

    document: str
    table: int
    row: int
    page: int | None
    columns: tuple[Column, ...]
    section: str = ""
    area_heading: str = ""
    section_lead: str = ""
    issues: tuple[tuple[IssueCode, str], ...] = ()
    bbox: BBox | None = None  # the row's box on its first page (paged formats), for the review page

    def texts(self, name: str) -> list[str]:
        return [column.text for column in self.columns if column.field == name and column.text.strip()]

    def lines(self, name: str) -> list[Line]:
        return [line for column in self.columns if column.field == name for line in column.lines]


@dataclass(frozen=True)
class TableWalk:
    """What :func:`extract.tables.document_to_rows` found."""

    rows: tuple[DataRow, ...]
    issues: tuple[Issue, ...]
    side_tables: tuple[tuple[tuple[str, ...], ...], ...]  # tables with no action header (contents, people lists)
    narrative: tuple[str, ...]  # text blocks and heading texts, in order
    logical_tables: int


def cell_text(cell: Cell | None) -> str:
    """A reader cell's text on one line ("" for a spanned cell)."""
    return "" if cell is None else " ".join(line.text for line in cell.lines).strip()


def row_texts(row: Sequence[Cell | None]) -> list[str]:
    return [cell_text(cell) for cell in row]


def row_page(row: Sequence[Cell | None]) -> int | None:
    """The first page a row's cells sit on (paged formats), or None."""
    pages = [cell.page for cell in row if cell is not None and cell.page is not None]
    return min(pages) if pages else None


def union_bbox(boxes: Sequence[BBox | None]) -> BBox | None:
    """The smallest box holding every given box (None when there is none)."""
    known = [box for box in boxes if box is not None]
    if not known:
        return None
    return (min(b[0] for b in known), min(b[1] for b in known), max(b[2] for b in known), max(b[3] for b in known))
