"""Step one of the table walk: reader table pieces to logical tables.

A plan's one logical table arrives in pieces (one per page, or one per row in some exports),
its header repeated, shifted by a column, or missing. :func:`read_piece` decides, from the
piece and the table open before it, what the piece is (:data:`PieceKind`): a new table, the
open table again under a repeated header, a continuation without a header, or a side table
with no action columns; and which column map its rows are read with. It keeps no state: the
walk (:mod:`extract.tables`) holds the open table and applies the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from extract.context import leading_ref
from extract.header_rows import find_content_header, find_header, header_to_map, is_label, same_table
from extract.headers import HeaderSettings
from extract.settings import DEFAULT_WALK_SETTINGS, WalkSettings
from extract.walk_model import ColumnMap, cell_text, row_texts
from ingest.model import Cell, Row, Table

PieceKind = Literal["new-table", "same-table", "continuation", "side-table"]
"""What a reader table piece is to the logical table open before it."""


@dataclass(frozen=True)
class OpenTable:
    """The logical table the walk is in: the map its rows are read with, the map of its
    first header (for repeated headers that sit shifted), and whether refs key its rows."""

    column_map: ColumnMap
    base_map: ColumnMap
    ref_keyed: bool


@dataclass(frozen=True)
class Piece:
    """What :func:`read_piece` made of one reader table piece.

    ``column_map`` is the map of a new table, or the map chosen for a repeated header (its
    own when ``shifted``, else the table's first); None for a continuation or side table.
    ``garbled`` holds long text taken out of the header row (a data row the reader merged
    into it); ``pre_header`` the rows above the header (titles, read as heading rows).
    """

    kind: PieceKind
    pre_header: tuple[Row, ...] = ()
    body: tuple[Row, ...] = ()
    column_map: ColumnMap | None = None
    garbled: tuple[str, ...] = ()
    shifted: bool = False


def continues_table(table: Table, open_table: OpenTable | None, walk: WalkSettings = DEFAULT_WALK_SETTINGS) -> bool:
    """A piece without a header of its own continues the table in progress when its width
    fits (a reader may lose an empty column) or the reader says it continues."""
    if open_table is None:
        return False
    return abs(table.n_columns - open_table.column_map.width) <= walk.lost_columns or table.continued


def read_piece(
    table: Table, open_table: OpenTable | None, settings: HeaderSettings, walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> Piece | None:
    """Find a piece's header and say what the piece is to the open table; None when empty.

    >>> from ingest.model import Cell, Line
    >>> row = lambda *texts: tuple(Cell((Line(text),)) for text in texts)
    >>> piece = read_piece(Table(1, (row("Ref", "Action", "Lead"), row("1.1", "Do it", "Jo"))), None, HeaderSettings())
    >>> piece.kind, piece.column_map.fields
    ('new-table', ('ref', 'action', 'lead'))
    """
    rows = [tuple(row) for row in table.rows]
    if not rows:
        return None
    span = find_header(rows, settings, walk)
    if span is None and not continues_table(table, open_table, walk):
        span = find_content_header(rows, settings, walk)
    if span is None:
        if continues_table(table, open_table, walk):
            return Piece("continuation", body=tuple(rows))
        return Piece("side-table", body=tuple(rows))
    rows, garbled = take_long_cells(rows, span, walk)
    body = tuple(rows[span[1] + 1 :])
    own_map = header_to_map(rows, span, body, settings, walk)
    pre_header = tuple(rows[: span[0]])
    if open_table is not None and same_table(open_table.column_map, own_map, walk):
        chosen, shifted = repeated_header_map(own_map, open_table.base_map, body, walk)
        return Piece("same-table", pre_header, body, chosen, tuple(garbled), shifted)
    return Piece("new-table", pre_header, body, own_map, tuple(garbled))


def repeated_header_map(
    own: ColumnMap, base: ColumnMap, body: Sequence[Row], walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> tuple[ColumnMap, bool]:
    """A repeated header may sit shifted; trust it only if the data rows agree with it.
    Returns the map to read the piece with and whether it is the shifted one."""
    if own.fields == base.fields:
        return own, False
    if map_fit(own, body, walk) > map_fit(base, body, walk):
        return own, True
    return base, False


def map_fit(column_map: ColumnMap, body: Sequence[Row], walk: WalkSettings = DEFAULT_WALK_SETTINGS) -> int:
    """How well a column map fits rows: long text where text belongs, refs where refs belong."""
    score = 0
    for row in body:
        texts = row_texts(row)
        for column, name in enumerate(column_map.fields):
            text = texts[column] if column < len(texts) else ""
            if not text:
                continue
            words = len(text.split())
            if name == "ref":
                score += 1 if leading_ref(text) and words <= walk.max_ref_cell_words else -1
            elif name in ("action", "finding", "outcome"):
                score += 1 if words >= walk.min_prose_cell_words else -1
    return score


def take_long_cells(
    rows: list[Row], span: tuple[int, int], walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> tuple[list[Row], list[str]]:
    """Header rows sometimes carry a garbled data row's text; split it out of the labels."""
    taken: list[str] = []
    out = list(rows)
    for index in range(span[0], span[1] + 1):
        cleaned: list[Cell | None] = []
        for cell in rows[index]:
            text = cell_text(cell)
            if not is_label(text, walk):
                taken.append(text)
                cleaned.append(Cell(page=cell.page if cell else None))
            else:
                cleaned.append(cell)
        out[index] = tuple(cleaned)
    return out, taken


def fit_map(column_map: ColumnMap, width: int) -> ColumnMap:
    """The map for a piece of ``width`` columns. A narrower piece usually lost an empty
    middle column: keep the last column last."""
    if width >= column_map.width or width < 2:
        return column_map
    fields = column_map.fields[: width - 1] + (column_map.fields[-1],)
    labels = column_map.labels[: width - 1] + (column_map.labels[-1],)
    return ColumnMap(fields, labels)


def is_ref_keyed(column_map: ColumnMap, body: Sequence[Row], walk: WalkSettings = DEFAULT_WALK_SETTINGS) -> bool:
    """Rows are keyed by a reference: the table has a ref column, or its first cells hold
    refs (the first data row has one, since a continuation never comes first, or most do)."""
    if "ref" in column_map.fields:
        return True
    firsts = [
        cell_text(row[0]) for row in body if row and cell_text(row[0]) and sum(1 for c in row if cell_text(c)) > 1
    ]
    if not firsts:
        return False
    first_has_ref = bool(leading_ref(firsts[0], multi_level_only=True))
    return first_has_ref or sum(1 for text in firsts if leading_ref(text)) / len(firsts) >= walk.mostly_refs_share


def unmapped_columns(column_map: ColumnMap, body: Sequence[Row]) -> list[tuple[int, str]]:
    """(column, label) of each column with text that maps to no field, once per label."""
    seen: set[str] = set()
    out = []
    for column, (name, label) in enumerate(zip(column_map.fields, column_map.labels)):
        if name is None and any(column < len(row) and cell_text(row[column]) for row in body):
            key = label or str(column)
            if key not in seen:
                seen.add(key)
                out.append((column, label))
    return out
