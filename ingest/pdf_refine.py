"""Ruled grids corrected by their text, where the rules say less than the text does.

Two common shortcuts of table printing leave a ruled grid coarser than the table:

- body rows drawn without their vertical rules (only the header row has them): each body
  row comes out as one cell spanning the table, its values separated by white space exactly
  where the header's column boundaries are. :func:`split_spanning_cells` cuts such a cell at
  every column boundary that runs through a clear gap in all of its lines.
- several data rows inside one ruled box (a statistics table ruled only round its body):
  each cell then holds a column of short values, one per line, at the same heights across
  the row. :func:`split_stacked_rows` cuts such a row into one row per line.

Neither fires on ordinary prose cells: a sentence never leaves a column-sized gap at a
boundary, and wrapped text is not a stack of short, mostly numeric values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.model import BBox
from ingest.pdf_grid import CellGrid, Slot, boxes_to_grid
from ingest.pdf_text import TextLine, cluster_by_span, starts_new_row

LinesByCell = dict[Slot, list[TextLine]]
_VALUE = re.compile(r"^[-–+]?[\d.,:;%()/\s€$£*-]*\d[\d.,:;%()/\s€$£*-]*$|^[-–:.*/n]$|^n/?a$", re.IGNORECASE)


def split_spanning_cells(
    grid: CellGrid, lines_by_cell: LinesByCell, min_gap: float = 4.0
) -> tuple[CellGrid, LinesByCell]:
    """Cut cells spanning several columns where every line of text leaves a gap of at
    least ``min_gap`` (or 0.6 x font size) around a column boundary, and text lies on both
    sides of it."""
    xs = sorted({box[0] for _, _, box in grid.cells()} | {box[2] for _, _, box in grid.cells()})
    pieces: dict[BBox, list[TextLine]] = {}
    changed = False
    for r, c, box in grid.cells():
        lines = lines_by_cell.get((r, c), [])
        inner = [x for x in xs if box[0] < x < box[2]]
        cuts = [x for x in inner if _clear_at(lines, x, min_gap)] if lines and inner else []
        parts = _cut_box(box, cuts)
        if len(parts) > 1 and not _text_on_several(lines, parts):
            parts = [box]
        if len(parts) > 1:
            changed = True
        for part in parts:
            pieces[part] = _lines_within(lines, part) if len(parts) > 1 else lines
    if not changed:
        return grid, lines_by_cell
    return _regrid(pieces, grid.strategy, grid)


def _clear_at(lines: Sequence[TextLine], x: float, min_gap: float) -> bool:
    for line in lines:
        half = max(min_gap, 0.6 * line.size) / 2
        if any(word.x0 < x + half and word.x1 > x - half for word in line.words):
            return False
    return True


def _cut_box(box: BBox, cuts: Sequence[float]) -> list[BBox]:
    edges = [box[0], *cuts, box[2]]
    return [(a, box[1], b, box[3]) for a, b in zip(edges, edges[1:])]


def _text_on_several(lines: Sequence[TextLine], parts: Sequence[BBox]) -> bool:
    holding = {
        i
        for line in lines
        for word in line.words
        for i, part in enumerate(parts)
        if part[0] <= (word.x0 + word.x1) / 2 < part[2]
    }
    return len(holding) >= 2


def _lines_within(lines: Sequence[TextLine], part: BBox) -> list[TextLine]:
    out = []
    for line in lines:
        words = tuple(word for word in line.words if part[0] <= (word.x0 + word.x1) / 2 < part[2])
        if words:
            out.append(TextLine(words))
    return out


def split_stacked_rows(grid: CellGrid, lines_by_cell: LinesByCell, min_lines: int = 2) -> tuple[CellGrid, LinesByCell]:
    """Cut a ruled row whose cells hold stacks of short values, one per line at common
    heights (several data rows in one ruled box), into one row per line."""
    pieces: dict[BBox, list[TextLine]] = {}
    changed = False
    for r, row in enumerate(grid.rows):
        cells = [(c, box) for c, box in enumerate(row) if box is not None]
        bands = _stacked_bands(row, [lines_by_cell.get((r, c), []) for c, _ in cells], min_lines)
        for c, box in cells:
            lines = lines_by_cell.get((r, c), [])
            if bands is None:
                pieces[box] = lines
                continue
            changed = True
            cuts = [box[1]] + [(upper[1] + lower[0]) / 2 for upper, lower in zip(bands, bands[1:])] + [box[3]]
            for top, bottom in zip(cuts, cuts[1:]):
                part = (box[0], top, box[2], bottom)
                pieces[part] = [line for line in lines if top <= (line.top + line.bottom) / 2 < bottom]
    if not changed:
        return grid, lines_by_cell
    return _regrid(pieces, grid.strategy, grid)


def _stacked_bands(
    row: Sequence[BBox | None], cell_lines: Sequence[list[TextLine]], min_lines: int
) -> list[tuple[float, float]] | None:
    """The line bands of a row that is a stack of values, or None."""
    boxes = [box for box in row if box is not None]
    if len(boxes) < 2 or len({(box[1], box[3]) for box in boxes}) != 1:
        return None  # a row with vertically spanning cells is left alone
    if sum(1 for lines in cell_lines if len(lines) >= min_lines) < 2:
        return None
    all_lines = [line for lines in cell_lines for line in lines]
    bands = cluster_by_span([{"top": line.top, "bottom": line.bottom} for line in all_lines], start="top", end="bottom")
    spans = sorted((min(item["top"] for item in band), max(item["bottom"] for item in band)) for band in bands)
    if len(spans) < min_lines:
        return None
    for lines in cell_lines:
        if len({_band_of(line, spans) for line in lines}) != len(lines):
            return None  # two lines of one cell in one band: not a stack
    filled_cells = [lines for lines in cell_lines if lines]
    if any(
        sum(1 for lines in filled_cells if any(_band_of(line, spans) == i for line in lines)) < 2
        for i in range(len(spans))
    ):
        return None  # every row of the stack has at least two values
    values = [line for lines in filled_cells[1:] for line in lines]
    if not values or any(len(line.words) > 3 for line in values):
        return None
    numeric = sum(1 for line in values if _VALUE.match(line.text))
    return spans if numeric * 2 >= len(values) else None


def _band_of(line: TextLine, spans: Sequence[tuple[float, float]]) -> int:
    middle = (line.top + line.bottom) / 2
    return min(range(len(spans)), key=lambda i: abs((spans[i][0] + spans[i][1]) / 2 - middle))


def _regrid(pieces: dict[BBox, list[TextLine]], strategy: str, original: CellGrid) -> tuple[CellGrid, LinesByCell]:
    grid = boxes_to_grid(pieces, strategy=strategy)
    if grid is None:
        return original, {}
    by_slot = {(r, c): pieces.get(box, []) for r, c, box in grid.cells()}
    return grid, by_slot


def merge_partly_ruled(ruled: CellGrid, text: CellGrid, tolerance: float = 2.0) -> CellGrid | None:
    """One grid for a table ruled only in part (the values boxed, the row labels or a last
    column outside the rules), from the ruled grid and a text-aligned grid that overlaps it.

    The text grid's rows must line up with the ruled rows (at least two of them); its column
    boundaries outside the ruled part add columns, its rows above or below add rows. Returns
    None when the two do not line up."""
    r_x0, r_top, r_x1, r_bottom = ruled.bbox
    ruled_ys = sorted({box[1] for _, _, box in ruled.cells()} | {box[3] for _, _, box in ruled.cells()})
    text_rows = sorted({(box[1], box[3]) for _, _, box in text.cells()})
    inside = [
        (top, bottom) for top, bottom in text_rows if r_top - tolerance <= (top + bottom) / 2 <= r_bottom + tolerance
    ]
    aligned = sum(1 for top, bottom in inside if _within_one_row((top + bottom) / 2, ruled_ys))
    if aligned < 2 or aligned < 0.6 * len(inside):
        return None
    text_xs = sorted({box[0] for _, _, box in text.cells()} | {box[2] for _, _, box in text.cells()})
    outside_xs = [x for x in text_xs if x < r_x0 - tolerance or x > r_x1 + tolerance]
    if not outside_xs:
        return None
    xs = sorted(set(ruled.column_edges()) | set(outside_xs))
    outside_ys = [
        y for top, bottom in text_rows for y in (top, bottom) if y < r_top - tolerance or y > r_bottom + tolerance
    ]
    ys = sorted(set(ruled_ys) | set(outside_ys))
    boxes = [(a, top, b, bottom) for top, bottom in zip(ys, ys[1:]) for a, b in zip(xs, xs[1:])]
    return boxes_to_grid(boxes, strategy="lines")


def _within_one_row(y: float, ys: Sequence[float]) -> bool:
    return any(top <= y <= bottom for top, bottom in zip(ys, ys[1:]))


def split_text_rows(grid: CellGrid, lines_by_cell: LinesByCell) -> tuple[CellGrid, LinesByCell]:
    """Cut a ruled row holding several lines of text per cell, on common baselines, into
    one row per line that starts a row (:func:`ingest.pdf_text.starts_new_row`): body rows
    drawn without rules under a ruled frame or header. Wrapped lines stay with their row.
    Only where that row is the one tall row below the first: a table that rules between
    other rows of paragraphs rules every row, and each ruled row is then one row."""
    tall = [
        r
        for r in range(1, grid.n_rows)
        if _is_tall(grid.rows[r], [lines_by_cell.get((r, c), []) for c in range(len(grid.rows[r]))])
    ]
    if len(tall) != 1:
        return grid, lines_by_cell  # rules drawn between other rows: each ruled row is one row
    pieces: dict[BBox, list[TextLine]] = {}
    changed = False
    for r, row in enumerate(grid.rows):
        cells = [(c, box) for c, box in enumerate(row) if box is not None]
        if r not in tall:
            for c, box in cells:
                pieces[box] = lines_by_cell.get((r, c), [])
            continue
        cuts = _text_row_cuts(cells, {c: lines_by_cell.get((r, c), []) for c, _ in cells})
        for c, box in cells:
            lines = lines_by_cell.get((r, c), [])
            if not cuts:
                pieces[box] = lines
                continue
            changed = True
            edges = [box[1], *cuts, box[3]]
            for top, bottom in zip(edges, edges[1:]):
                pieces[(box[0], top, box[2], bottom)] = [
                    line for line in lines if top <= (line.top + line.bottom) / 2 < bottom
                ]
    if not changed:
        return grid, lines_by_cell
    return _regrid(pieces, grid.strategy, grid)


MIN_NEW_ROW_SHARE = 0.5
"""Share of a tall ruled row's lines (after its first) that must start a row for it to be
cut: a body of rows starts one on most lines, a row of paragraphs on few."""


def _is_tall(row: Sequence[BBox | None], cell_lines: Sequence[list[TextLine]]) -> bool:
    """A row with two or more cells of several lines."""
    return sum(1 for box, lines in zip(row, cell_lines) if box is not None and len(lines) >= 2) >= 2


def _text_row_cuts(cells: Sequence[tuple[int, BBox]], lines: dict[int, list[TextLine]]) -> list[float]:
    """Where to cut one ruled row into rows (y positions), or [] to leave it whole."""
    boxes = [box for _, box in cells]
    if len(boxes) < 2 or len({(box[1], box[3]) for box in boxes}) != 1:
        return []
    if sum(1 for c, _ in cells if len(lines[c]) >= 2) < 2:
        return []
    everything = [line for c, _ in cells for line in lines[c]]
    bands = cluster_by_span(
        [{"top": line.top, "bottom": line.bottom} for line in everything], start="top", end="bottom"
    )
    spans = sorted((min(item["top"] for item in band), max(item["bottom"] for item in band)) for band in bands)
    if len(spans) < 2:
        return []
    by_band: list[dict[int, TextLine]] = [{} for _ in spans]
    for c, _ in cells:
        for line in lines[c]:
            band = _band_of(line, spans)
            if c in by_band[band]:
                return []  # two lines of one cell on one baseline: not a row grid
            by_band[band][c] = line
    limits = {c: _inner_right(box, lines[c]) for c, box in cells if lines[c]}
    cuts = []
    for i in range(1, len(spans)):
        if starts_new_row(by_band[i - 1], by_band[i], limits):
            cuts.append((spans[i - 1][1] + spans[i][0]) / 2)
    if len(cuts) < MIN_NEW_ROW_SHARE * (len(spans) - 1):
        return []  # paragraphs that mostly wrap, with a new one now and then: one row
    return cuts


def _inner_right(box: BBox, lines: Sequence[TextLine]) -> float:
    """Where wrapped text in the cell breaks: its right edge less the padding on the left."""
    if not lines:
        return box[2]
    padding = min(max(min(line.x0 for line in lines) - box[0], 0.0), 8.0)
    return max(box[2] - padding, max(line.x1 for line in lines))


MIN_GUTTER_SUPPORT = 3
"""Lines with text on both sides of a gutter inside a ruled column before it splits it."""
MAX_CROSSING_SHARE = 0.15
"""Share of a ruled column's lines that may run across a gutter (group headings) and
still let it split the column."""


def split_ruled_columns(grid: CellGrid, lines_by_cell: LinesByCell) -> tuple[CellGrid, LinesByCell]:
    """Cut ruled columns that hold several columns of text: rules drawn only between
    column groups (Total | Male | Female, each over three sub-columns) leave the
    sub-columns to white space. A gutter that at least ``MIN_GUTTER_SUPPORT`` lines have
    text on both sides of, and few lines cross, splits every cell of the column whose
    text allows; cells whose text runs across it (the group heading) span the parts."""
    from ingest.pdf_unruled import UnruledSettings, column_gutters

    settings = UnruledSettings()
    cuts_by_column: dict[tuple[float, float], list[float]] = {}
    for x0, x1 in _column_spans(grid):
        lines = [
            line for r, c, box in grid.cells() if (box[0], box[2]) == (x0, x1) for line in lines_by_cell.get((r, c), [])
        ]
        cuts = column_gutters(lines, settings, MIN_GUTTER_SUPPORT, MAX_CROSSING_SHARE)
        if cuts:
            cuts_by_column[(x0, x1)] = cuts
    if not cuts_by_column:
        return grid, lines_by_cell
    pieces: dict[BBox, list[TextLine]] = {}
    for r, c, box in grid.cells():
        lines = lines_by_cell.get((r, c), [])
        cuts = [x for x in cuts_by_column.get((box[0], box[2]), []) if _clear_at(lines, x, 0.0)]
        parts = _cut_box(box, cuts)
        for part in parts:
            pieces[part] = _lines_within(lines, part) if len(parts) > 1 else lines
    return _regrid(pieces, grid.strategy, grid)


def _column_spans(grid: CellGrid) -> list[tuple[float, float]]:
    """The (x0, x1) of every single grid column."""
    xs = sorted({box[0] for _, _, box in grid.cells()} | {box[2] for _, _, box in grid.cells()})
    return list(zip(xs, xs[1:]))
