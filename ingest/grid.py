"""Grids of cell texts (spreadsheets, CSV, fixed-width text) to :class:`Table` and :class:`TextBlock`.

The spreadsheet-like readers all end with the same step: a list of rows of plain cell text
(``None`` where a merged cell covers the position) becomes tables and text blocks by the rules
the TAB-separated text reader already follows, so extract sees the same shapes whatever the
format:

* a row with no text in any cell ends a table (as a blank line does in a text export);
* a row that is a single field (a CSV line with no delimiter) is narrative text between
  tables, as a line without a TAB is in a text export; so is every row of a run (between
  blank rows) in which no row fills more than one cell: a title above a sheet's table;
* trailing columns empty in every row of a table are dropped (exports pad rows).

Cell text is plain: one :class:`Line` per line of the cell, spaces collapsed, a leading
bullet glyph ("•") marking a bullet line. Cells are only parsed as HTML when they carry
real HTML markup (``<p>``, ``<br>``, ``<li>``, ``<b>``...), which some web-system exports put
in CSV cells; "a < b > c" in a plain cell stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ingest.htmltext import clean_space, html_to_lines, split_inline_bullets
from ingest.model import Block, Cell, Line, Table, TextBlock

GridRow = Sequence[str | None]
"""One row of a grid: cell texts; ``None`` marks a position covered by a merged cell."""

_HTML_MARKUP = re.compile(
    r"<\s*/?\s*(p|br|li|ul|ol|b|strong|i|em|u|div|span|font|table|tr|td|th|h[1-6])\b[^<>]*>", re.I
)


DATASET_OUTPUT_REASON = "an actionplans output table (this tool's own dataset), not a plan"
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
MIN_OUTPUT_COLUMNS = 3


def is_dataset_output(header: Sequence[str | None]) -> bool:
    """True for the header of a table this tool writes (``actions.csv``, a ``dataset.xlsx``
    sheet): every cell a snake_case column name, one of them ``document``.

    Converting a folder that holds an earlier run's output must not read that output back as
    plans, now that CSV and Excel files are read. Plans do not name their columns like this.
    """
    names = [cell.strip() for cell in header if cell and cell.strip()]
    return len(names) >= MIN_OUTPUT_COLUMNS and "document" in names and all(_IDENTIFIER.match(name) for name in names)


def text_to_lines(text: str, bold: bool = False) -> tuple[Line, ...]:
    """Plain cell text to lines: one per non-blank line, spaces collapsed, bullets marked.

    >>> text_to_lines("1. Do this\\n\\n•  then that")
    (Line(text='1. Do this', bold=False, bullet=False), Line(text='then that', bold=False, bullet=True))
    """
    if not text or not text.strip():
        return ()
    if _HTML_MARKUP.search(text):
        lines = html_to_lines(text)
        return tuple(Line(line.text, bold=bold or line.bold, bullet=line.bullet) for line in lines)
    cleaned = (clean_space(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return split_inline_bullets(tuple(Line(line, bold=bold) for line in cleaned if line))


def is_blank_row(row: GridRow) -> bool:
    return not any(cell and cell.strip() for cell in row)


def grid_to_blocks(
    rows: Iterable[GridRow],
    first_index: int = 1,
    single_field_is_text: bool = False,
    bold: Sequence[Sequence[bool]] | None = None,
) -> tuple[Block, ...]:
    """Split a grid into tables (runs of non-blank rows) and text blocks.

    ``single_field_is_text``: a row of exactly one field is narrative text, not a table row
    (CSV lines without a delimiter). ``bold[r][c]`` marks bold cells (spreadsheets).
    Table indices start at ``first_index``.
    """
    blocks: list[Block] = []
    run: list[tuple[Cell | None, ...]] = []
    index = first_index

    def close_run() -> None:
        nonlocal index, run
        if run and all(_filled(row) <= 1 for row in run):
            blocks.extend(
                TextBlock(lines=cell.lines) for row in run for cell in row if cell is not None and not cell.is_empty
            )
        elif run:
            blocks.append(Table(index=index, rows=pad_and_trim(run)))
            index += 1
        run = []

    for number, row in enumerate(rows):
        if is_blank_row(row):
            close_run()
            continue
        if single_field_is_text and len(row) == 1:
            close_run()
            lines = text_to_lines(row[0] or "")
            if lines:
                blocks.append(TextBlock(lines=lines))
            continue
        flags = bold[number] if bold is not None else ()
        run.append(
            tuple(
                None if text is None else Cell(lines=text_to_lines(text, bold=column < len(flags) and flags[column]))
                for column, text in enumerate(row)
            )
        )
    close_run()
    return tuple(blocks)


def _is_blank(cell: Cell | None) -> bool:
    return cell is None or cell.is_empty


def _filled(row: Sequence[Cell | None]) -> int:
    return sum(1 for cell in row if not _is_blank(cell))


def pad_and_trim(rows: Sequence[tuple[Cell | None, ...]]) -> tuple[tuple[Cell | None, ...], ...]:
    """Pad rows to one width with empty cells, then drop columns empty in every row at the right."""
    width = max(len(row) for row in rows)
    padded = [row + tuple(Cell() for _ in range(width - len(row))) for row in rows]
    while width > 1 and all(_is_blank(row[width - 1]) for row in padded):
        width -= 1
    return tuple(row[:width] for row in padded)
