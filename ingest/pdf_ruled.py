"""Ruled tables: cell borders drawn as lines or thin rectangles, found by pdfplumber.

pdfplumber's lines strategy (``edges -> intersections -> cells -> tables``) finds the cells;
here its tables are tidied (empty sliver columns and rows left by inset shading or double
rules are merged away) and judged: a chart's grid or a box drawn round a paragraph is not a
table of data.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdfplumber.page import Page
from pdfplumber.table import TableFinder

from ingest.pdf_grid import CellGrid, boxes_to_grid, tidy_boxes
from ingest.pdf_text import Char, TextLine, is_visible


def find_ruled_grids(page: Page, chars: Sequence[Char], table_settings: dict, min_width: float, min_height: float) -> list[CellGrid]:
    """Cell grids of the ruled tables on a page, tidied, in pdfplumber's order."""
    finder = TableFinder(page, table_settings)
    grids = []
    for table in finder.tables:
        boxes = tidy_boxes(table.cells, _chars_near(chars, table.bbox), min_width, min_height)
        grid = boxes_to_grid(boxes, strategy="lines")
        if grid is not None:
            grids.append(grid)
    return grids


def _chars_near(chars: Sequence[Char], bbox: tuple[float, float, float, float]) -> list[Char]:
    x0, top, x1, bottom = bbox
    return [c for c in chars if c["x1"] >= x0 and c["x0"] <= x1 and c["bottom"] >= top and c["top"] <= bottom]


def is_data_table(grid: CellGrid, lines_by_cell: dict[tuple[int, int], list[TextLine]], min_filled: float) -> bool:
    """Judge a ruled grid by its text: enough of its cells hold text (a chart's gridlines
    hold almost none), and a one-column grid must look like a headed list of paragraphs (a
    heading row, then rows of several lines), not a box of shaded single lines."""
    filled = [slot for slot, lines in lines_by_cell.items() if lines]
    total = sum(1 for _ in grid.cells())
    if not filled or total == 0:
        return False
    columns_with_text = {c for _, c in filled}
    if grid.n_rows <= 2 and grid.n_columns >= 2:
        return True  # a table's first or last row, alone at a page break
    if len(filled) / total < min_filled:
        return False
    if grid.n_columns >= 2 and len(columns_with_text) >= 2:
        return True
    return _is_headed_box_list(grid, lines_by_cell)


def is_text_highlight(grid: CellGrid, lines_by_cell: dict[tuple[int, int], list[TextLine]], tolerance: float = 2.0) -> bool:
    """Boxes behind lines of prose (highlighting, a shaded quotation), not a table: one box
    of text per row, each as wide as its line, so the rows end at different places. (A
    table's rows share the outer borders; its header row alone may be shorter.)"""
    if grid.n_rows < 2:
        return False
    filled_per_row = [sum(1 for (r, _), lines in lines_by_cell.items() if r == row and lines) for row in range(grid.n_rows)]
    if any(count > 1 for count in filled_per_row):
        return False
    boxes = [box for _, _, box in grid.cells()]
    lefts, rights = [], []
    for row in grid.rows:
        starts = [box for box in row if box is not None]
        middle = (starts[0][1] + starts[0][3]) / 2
        covering = [box for box in boxes if box[1] <= middle <= box[3]]
        lefts.append(min(box[0] for box in covering))
        rights.append(max(box[2] for box in covering))
    return max(lefts) - min(lefts) > tolerance or max(rights) - min(rights) > tolerance


def _is_headed_box_list(grid: CellGrid, lines_by_cell: dict[tuple[int, int], list[TextLine]]) -> bool:
    if grid.n_rows < 2:
        return False
    first = [lines for (r, _), lines in lines_by_cell.items() if r == 0 and lines]
    if len(first) != 1 or len(first[0]) != 1 or not first[0][0].bold:
        return False
    return any(len(lines) >= 2 for (r, _), lines in lines_by_cell.items() if r > 0)


def visible_chars(chars: Sequence[Char]) -> list[Char]:
    """Chars with ink (no spaces, no control characters)."""
    return [char for char in chars if is_visible(char)]
