"""Reader tables to stitched data rows with their context: the table walk.

The readers hand over tables as they saw them: a plan's one logical table arrives in many
pieces (one per page, or one per row in some exports), with header rows repeated, split over
two rows, shifted by a column or leaked into cells, and rows cut in two by page breaks. The
walk goes through a document's blocks in order, as a fold over an immutable
:class:`WalkState`, in three steps each testable alone:

1. :func:`extract.pieces.read_piece`: a table piece to a logical table (a new one, the open
   one under a repeated header, a continuation, or a side table), with its column map;
2. :func:`extract.rows.row_kind` / :func:`extract.rows.row_start`: what each row is (blank,
   repeated header, heading, data) and whether a data row starts, shares or continues an
   action row;
3. :class:`extract.drafts.Draft`: the action row being stitched, carrying the
   :class:`extract.context.Context` (section, area, section lead) in force where it started.

Each step returns its new state and what it found (:class:`Found`: rows, issues, side
tables, narrative) as values; :func:`document_to_rows` gathers them into a
:class:`TableWalk`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import chain

from extract.context import (
    Context,
    fold_heading_row,
    fold_text_block,
    join_split_cells,
    start_pending_section,
)
from extract.drafts import Draft, merged_down_cells, row_cells
from extract.header_rows import (
    find_content_header,
    find_header,
    header_to_map,
)
from extract.headers import HeaderSettings
from extract.model import Issue
from extract.pieces import OpenTable, Piece, fit_map, is_ref_keyed, read_piece, unmapped_columns
from extract.rows import (
    carried_columns,
    fill_merged_first_cell,
    header_leftovers,
    is_short_key,
    row_kind,
    row_start,
    strip_leaked_labels,
)
from extract.settings import DEFAULT_WALK_SETTINGS, WalkSettings
from extract.walk_model import Column, ColumnMap, DataRow, TableWalk, row_page, row_texts
from ingest.issues import IssueCode
from ingest.model import Cell, Document, Line, Row, Table, TextBlock

__all__ = [
    # the walk
    "Found",
    "WalkState",
    "document_to_rows",
    # re-exported for the callers that import them from here (inspect, records)
    "Column",
    "ColumnMap",
    "DataRow",
    "TableWalk",
    "find_content_header",
    "find_header",
    "header_to_map",
    "is_short_key",
]


@dataclass(frozen=True)
class WalkState:
    """Where the walk is: the context in force, the logical table open, the action row
    being stitched, and the counters that number tables and rows."""

    document: str
    context: Context = Context()
    table: OpenTable | None = None
    tables: int = 0  # logical tables started so far; the open one's number
    rows: int = 0  # action rows started in the open table
    draft: Draft | None = None
    first_cell_above: Cell | None = None  # for first-column cells merged downwards (None below)

    def issue(self, code: IssueCode, message: str, value: str = "", page: int | None = None, column: str = "") -> Issue:
        return Issue(self.document, code, message, value, page, self.tables or None, None, column)


@dataclass(frozen=True)
class Found:
    """What a step of the walk found, in document order."""

    rows: tuple[DataRow, ...] = ()
    issues: tuple[Issue, ...] = ()
    side_tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    narrative: tuple[str, ...] = ()

    @staticmethod
    def join(parts: Iterable[Found]) -> Found:
        items = list(parts)
        return Found(
            tuple(chain.from_iterable(part.rows for part in items)),
            tuple(chain.from_iterable(part.issues for part in items)),
            tuple(chain.from_iterable(part.side_tables for part in items)),
            tuple(chain.from_iterable(part.narrative for part in items)),
        )


NOTHING = Found()
Step = tuple[WalkState, Found]


def flush(state: WalkState) -> Step:
    """Close the action row being stitched."""
    if state.draft is None:
        return state, NOTHING
    return replace(state, draft=None), Found(rows=(state.draft.freeze(state.document),))


def text_block(state: WalkState, text: str, walk: WalkSettings = DEFAULT_WALK_SETTINGS) -> Step:
    """Narrative between tables: closes the row above and may set the context below."""
    state, found = flush(state)
    text = " ".join(text.split())
    if not text:
        return state, found
    context = fold_text_block(state.context, text, walk.max_heading_words)
    return replace(state, context=context), Found.join([found, Found(narrative=(text,))])


def heading_row(state: WalkState, text: str, page: int | None) -> Step:
    """A heading row: closes the row above and sets the context below."""
    state, found = flush(state)
    context, use = fold_heading_row(state.context, text)
    issues: tuple[Issue, ...] = ()
    if use != "context":
        where = page if use == "unused" else None
        issues = (state.issue("unused-text", "heading or note row kept as context only", text, where),)
    return replace(state, context=context), Found.join([found, Found(issues=issues, narrative=(text,))])


def new_draft(state: WalkState, page: int | None) -> Step:
    """Close the row above and open a new action row under the context in force."""
    state, found = flush(state)
    draft = Draft(state.tables, state.rows + 1, page, state.context)
    return replace(state, rows=state.rows + 1, draft=draft), found


def table_piece(
    state: WalkState, table: Table, settings: HeaderSettings, walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> Step:
    """A reader table piece: its header read (step 1), then each of its rows."""
    state = replace(state, context=start_pending_section(state.context))
    piece = read_piece(table, state.table, settings, walk)
    if piece is None:
        return state, NOTHING
    parts: list[Found] = []
    for row in piece.pre_header:
        texts = [text for text in row_texts(row) if text]
        if texts:
            state, found = heading_row(state, " ".join(texts), row_page(row))
            parts.append(found)
    if piece.kind == "side-table":
        state, found = flush(state)
        parts += [found, Found(side_tables=(tuple(tuple(row_texts(row)) for row in piece.body),))]
        return state, Found.join(parts)
    state, found = _open_table(state, piece, table, walk)
    parts.append(found)
    assert state.table is not None
    column_map = fit_map(state.table.column_map, table.n_columns)
    if state.rows == 0 and not state.table.ref_keyed and piece.body:  # the table's header piece had no body of its own
        state = replace(state, table=replace(state.table, ref_keyed=is_ref_keyed(column_map, piece.body, walk)))
    if piece.garbled:
        state, found = garbled_row(state, list(piece.garbled), table.page, column_map)
        parts.append(found)
    for row in piece.body:
        state, found = table_row(state, row, column_map, walk, settings=settings)
        parts.append(found)
    return state, Found.join(parts)


def _open_table(state: WalkState, piece: Piece, table: Table, walk: WalkSettings) -> Step:
    """Start the piece's new table, or carry on the open one (reporting a shifted header or
    a piece of another width)."""
    if piece.kind == "new-table":
        assert piece.column_map is not None
        return start_table(state, piece.column_map, piece.body, walk)
    open_table = state.table
    assert open_table is not None
    if piece.kind == "same-table":
        assert piece.column_map is not None
        state = replace(state, table=replace(open_table, column_map=piece.column_map))
        if not piece.shifted:
            return state, NOTHING
        labels = " | ".join(label for label in piece.column_map.labels if label)
        return state, Found(
            issues=(
                state.issue(
                    "shifted-header",
                    "repeated header row sits in other columns; its positions used for this piece",
                    labels,
                ),
            )
        )
    width = open_table.column_map.width
    if table.n_columns == width:
        return state, NOTHING
    message = f"table piece has {table.n_columns} columns, the table {width}; last column aligned to last"
    return state, Found(issues=(state.issue("column-count-mismatch", message, page=table.page),))


def start_table(
    state: WalkState, column_map: ColumnMap, body: Sequence[Row], walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> Step:
    """A new logical table: number it, and report its columns that map to no field."""
    state, found = flush(state)
    open_table = OpenTable(column_map, column_map, is_ref_keyed(column_map, body, walk))
    state = replace(state, table=open_table, tables=state.tables + 1, rows=0, first_cell_above=None)
    issues = tuple(
        state.issue(
            "unmapped-column",
            f"column {column + 1} ({label or 'no header'}) matches no schema field; its text is kept in 'other'",
            label,
            column=label or str(column + 1),
        )
        for column, label in unmapped_columns(column_map, body)
    )
    return state, Found.join([found, Found(issues=issues)])


def garbled_row(state: WalkState, texts: list[str], page: int | None, column_map: ColumnMap) -> Step:
    """Text found mixed into a header row: keep it as a row of its own, flagged."""
    text = " ".join(texts)
    issue = state.issue("garbled-row", "text mixed into a header row is kept as a row of its own", text, page)
    state, found = new_draft(state, page)
    assert state.draft is not None
    base = state.table.base_map if state.table is not None else column_map
    draft = state.draft.append((base.field_of(0), base.label_of(0)), (Line(text),))
    draft = draft.with_issue("garbled-row", "row text was mixed with a header row")
    return replace(state, draft=draft), Found.join([Found(issues=(issue,)), found])


def table_row(
    state: WalkState,
    row: Row,
    column_map: ColumnMap,
    walk: WalkSettings = DEFAULT_WALK_SETTINGS,
    *,
    settings: HeaderSettings = HeaderSettings(),
) -> Step:
    """One row of a logical table, by its kind (step 2)."""
    assert state.table is not None
    spanned_first = bool(row) and row[0] is None
    row = tuple(fill_merged_first_cell(row, state.first_cell_above))
    spanned_first = spanned_first and bool(row) and row[0] is not None
    texts = row_texts(row)
    page = row_page(row)
    kind = row_kind(
        texts,
        column_map,
        ref_keyed=state.table.ref_keyed,
        last_heading=state.context.last_heading,
        has_draft=state.draft is not None,
        walk=walk,
    )
    if kind == "blank":
        return state, NOTHING
    if kind == "repeated-header":
        leftovers = header_leftovers(texts, column_map, walk)
        if not leftovers:
            return state, NOTHING
        issue = state.issue(
            "garbled-row", "header row mixed with other text; the text is kept as a row", " ".join(leftovers), page
        )
        state, found = garbled_row(state, leftovers, page, column_map)
        return state, Found.join([Found(issues=(issue,)), found])
    if kind == "heading":
        return heading_row(state, texts[0], page)
    if kind == "split-heading":
        filled = [text for text in texts if text]
        joined, _ = join_split_cells(filled)
        issue = state.issue(
            "split-heading", f"heading text spread over several cells re-joined as {joined!r}", " | ".join(filled), page
        )
        state, found = heading_row(state, joined, page)
        return state, Found.join([Found(issues=(issue,)), found])
    return data_row(state, row, spanned_first, column_map, walk, settings=settings)


def data_row(
    state: WalkState,
    row: Row,
    spanned_first: bool,
    column_map: ColumnMap,
    walk: WalkSettings = DEFAULT_WALK_SETTINGS,
    *,
    settings: HeaderSettings = HeaderSettings(),
) -> Step:
    """A data row: a new action row (with the key cells it shares with the row above), or
    more text for the row above (step 3). The busiest step, so it builds its new state once."""
    assert state.table is not None
    context = replace(state.context, last_heading="") if state.context.last_heading else state.context
    lines, leaks = strip_leaked_labels(row, column_map, settings)
    texts = [" ".join(line.text for line in cell) for cell in lines]
    start = row_start(texts, column_map, ref_keyed=state.table.ref_keyed, has_draft=state.draft is not None, walk=walk)
    draft, rows, found = state.draft, state.rows, NOTHING
    if start != "continuation" or draft is None:
        carried = carried_columns(row, start, spanned_first, texts, column_map)
        inherited = merged_down_cells(draft, carried, column_map) if carried and draft is not None else ()
        if draft is not None:
            found = Found(rows=(draft.freeze(state.document),))
        rows += 1
        draft = Draft(state.tables, rows, row_page(row), context, inherited)
    leak_issue: tuple[IssueCode, str] | None = (
        ("header-in-cell", "header text printed inside data cells was removed: " + "; ".join(leaks)) if leaks else None
    )
    draft = draft.with_row(row, row_cells(lines, column_map), leak_issue)
    first_cell_above = row[0] if row and row[0] is not None else None
    return WalkState(state.document, context, state.table, state.tables, rows, draft, first_cell_above), found


def document_to_rows(
    document: Document, settings: HeaderSettings = HeaderSettings(), walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> TableWalk:
    """Walk a document's blocks in reading order into stitched data rows."""
    state = WalkState(document.name)
    parts: list[Found] = []
    for block in document.blocks:
        if isinstance(block, TextBlock) and block.furniture:
            parts.append(Found(narrative=(" ".join(block.text.split()),)))  # text, but no context
            continue
        if isinstance(block, TextBlock):
            state, found = text_block(state, block.text, walk)
        else:
            state, found = table_piece(state, block, settings, walk)
        parts.append(found)
    state, found = flush(state)
    everything = Found.join([*parts, found])
    return TableWalk(everything.rows, everything.issues, everything.side_tables, everything.narrative, state.tables)
