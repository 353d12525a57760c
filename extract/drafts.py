"""Step three of the table walk: data rows, stitched, with their context.

A :class:`Draft` is an action row being put together from a table's rows: the row that
starts it, the rows that continue it after a page break, and the key cells it inherits from
the row above. It is immutable; each step returns a new draft, and :meth:`Draft.freeze`
turns it into the :class:`~extract.walk_model.DataRow` records take over.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from extract.context import Context
from extract.rows import MERGED_DOWN_FIELDS
from extract.walk_model import Column, ColumnMap, DataRow, union_bbox
from ingest.issues import IssueCode
from ingest.model import BBox, Cell, Line

CellKey = tuple[str | None, str]
"""A stitched cell's (field, header label)."""
Cells = tuple[tuple[CellKey, tuple[Line, ...]], ...]
"""A draft's cells in the order they were first filled."""


@dataclass(frozen=True)
class Draft:
    """An action row being stitched, with the context in force where it started."""

    table: int
    row: int
    page: int | None
    context: Context = Context()
    cells: Cells = ()
    issues: tuple[tuple[IssueCode, str], ...] = ()
    bbox: BBox | None = None

    def with_issue(self, code: IssueCode, message: str) -> Draft:
        return replace(self, issues=self.issues + ((code, message),))

    def with_row(
        self,
        row: Sequence[Cell | None],
        cells: Iterable[tuple[CellKey, tuple[Line, ...]]],
        issue: tuple[IssueCode, str] | None = None,
    ) -> Draft:
        """Add a table row: its cells (see :meth:`append`), its box (the reader cells on the
        draft's first page) and an issue about it, if any."""
        boxes = [self.bbox, *(cell.bbox for cell in row if cell is not None and cell.page == self.page)]
        issues = self.issues + (issue,) if issue is not None else self.issues
        return Draft(
            self.table, self.row, self.page, self.context, _appended(self.cells, cells), issues, union_bbox(boxes)
        )

    def append(self, key: CellKey, lines: tuple[Line, ...]) -> Draft:
        """Add a cell's lines; a continuation's first line completes the last line (page break).

        >>> draft = Draft(1, 1, 1).append(("action", "Action"), (Line("Audit the"),))
        >>> draft.append(("action", "Action"), (Line("cases"),)).cells[0][1]
        (Line(text='Audit the cases', bold=False, bullet=False),)
        """
        return replace(self, cells=_appended(self.cells, ((key, lines),)))

    def freeze(self, document: str) -> DataRow:
        columns = tuple(
            Column(name, label, lines)
            for (name, label), lines in self.cells
            if any(line.text.strip() for line in lines)
        )
        return DataRow(
            document,
            self.table,
            self.row,
            self.page,
            columns,
            self.context.section,
            self.context.area_heading,
            self.context.section_lead,
            self.issues,
            self.bbox,
        )


def row_cells(lines: Sequence[tuple[Line, ...]], column_map: ColumnMap) -> list[tuple[CellKey, tuple[Line, ...]]]:
    """A table row's cells (one tuple of lines per column) keyed by field and label."""
    return [
        ((column_map.field_of(index), column_map.label_of(index)), cell_lines) for index, cell_lines in enumerate(lines)
    ]


def _appended(cells: Cells, more: Iterable[tuple[CellKey, tuple[Line, ...]]]) -> Cells:
    merged = dict(cells)
    for key, lines in more:
        if lines:
            merged[key] = _glued(merged.get(key, ()), lines)
    return tuple(merged.items())


def _glued(existing: tuple[Line, ...], lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """A cell's lines after more lines: unless the first new line is a bullet, it completes
    the last line (the text ran on over a page break)."""
    if existing and not lines[0].bullet:
        last = existing[-1]
        glued = Line(f"{last.text} {lines[0].text}".strip(), last.bold and lines[0].bold, last.bullet)
        return existing[:-1] + (glued,) + tuple(lines[1:])
    return existing + tuple(lines)


def merged_down_cells(draft: Draft, columns: set[int], column_map: ColumnMap) -> Cells:
    """The key cells (ref, area, finding) of the row above, in the given columns (those a
    new row leaves empty or spanned)."""
    keys = {(column_map.field_of(i), column_map.label_of(i)) for i in columns if i < column_map.width}
    return tuple((key, lines) for key, lines in draft.cells if key[0] in MERGED_DOWN_FIELDS and key in keys)
