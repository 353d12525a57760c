"""Ruled tables: cell borders drawn as lines or thin rectangles, found by pdfplumber.

pdfplumber's lines strategy (``edges -> intersections -> cells -> tables``) finds the cells;
here its tables are tidied (empty sliver columns and rows left by inset shading or double
rules are merged away) and judged: a chart's grid or a box drawn round a paragraph is not a
table of data.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from pdfplumber.page import Page
from pdfplumber.table import TableFinder
from pdfplumber.utils import filter_edges

from ingest.pdf_grid import CellGrid, boxes_to_grid, tidy_boxes
from ingest.pdf_text import Char, TextLine


def page_closures(page: Page, table_settings: dict) -> list[dict]:
    """The page's :func:`frame_closures` under the ruled-table settings."""
    edges = filter_edges(page.edges, min_length=table_settings.get("edge_min_length", 3.0))
    text_tops = sorted({round(char["top"]) for char in page.chars if str(char.get("text", "")).strip()})
    return frame_closures(edges, table_settings.get("snap_tolerance", 3.0), text_tops)


def page_column_frames(page: Page, table_settings: dict) -> list[tuple[float, ...]]:
    """The page's :func:`open_column_frames` under the ruled-table settings."""
    edges = filter_edges(page.edges, min_length=table_settings.get("edge_min_length", 3.0))
    if not any(edge["orientation"] == "v" for edge in edges):
        return []
    text_tops = sorted({round(char["top"]) for char in page.chars if str(char.get("text", "")).strip()})
    return open_column_frames(edges, table_settings.get("snap_tolerance", 3.0), text_tops)


def find_ruled_grids(
    page: Page,
    chars: Sequence[Char],
    table_settings: dict,
    min_width: float,
    min_height: float,
    closures: Sequence[dict] | None = None,
) -> list[CellGrid]:
    """Cell grids of the ruled tables on a page, tidied, in pdfplumber's order. Frames left
    open by a page break are closed first (``closures``, see :func:`frame_closures`)."""
    if closures is None:
        closures = page_closures(page, table_settings)
    if closures:
        table_settings = {**table_settings, "explicit_horizontal_lines": list(closures)}
    finder = TableFinder(page, table_settings)
    grids = []
    for table in finder.tables:
        boxes = tidy_boxes(table.cells, _chars_near(chars, table.bbox), min_width, min_height)
        grid = boxes_to_grid(boxes, strategy="lines")
        if grid is not None:
            grids.append(grid)
    return grids


MIN_FRAME_RULES = 3
"""Vertical rules that must end together for their open end to be closed: a table of at
least two columns (a lone box's two sides are left alone)."""
MIN_RULED_SHARE = 0.9
"""Share of a frame's width a horizontal rule must cover to count as ruling across it."""
MAX_OPEN_RULED_SHARE = 0.1
"""An end of a frame ruled over more than this share of its width is no cut left open."""
MAX_FURNITURE_LINES = 3
"""Lines of text a page may print beyond a cut (below an open bottom, above an open top):
running headers and footers, page numbers, a title. More text there (notes under a table)
means the table ended on this page, not that a page break cut it."""


def frame_closures(edges: Sequence[dict], tolerance: float, text_tops: Sequence[float] = ()) -> list[dict]:
    """Horizontal edges that close ruled frames a page break left open.

    Layout engines that split a ruled table across pages often draw no rule where the page
    cuts it: the row fragment at the foot of a page has column rules running down to the
    break and no bottom rule (ReportLab's ``splitInRow``), the fragment at the top of the
    next page none above it. Column rules that end together, with no horizontal rule across
    them there, but a rule across them somewhere along their length or at their other end
    (so they belong to a ruled table, not to a page of text columns), are closed by a rule where they end.
    A page break leaves at most running headers or footers beyond the cut (``text_tops``, the
    page's text line tops): column rules that stop open above lines of notes are a table that
    ended there, left alone.
    """
    verticals = [edge for edge in edges if edge["orientation"] == "v"]
    horizontals = [edge for edge in edges if edge["orientation"] == "h"]
    closures = []
    for end, other in (("top", "bottom"), ("bottom", "top")):
        for group in _ends_together(verticals, end, tolerance):
            if len({round(edge["x0"]) for edge in group}) < MIN_FRAME_RULES:
                continue
            y = median(edge[end] for edge in group)
            if _text_lines_beyond(text_tops, y, end, tolerance) > MAX_FURNITURE_LINES:
                continue
            x0, x1 = min(edge["x0"] for edge in group), max(edge["x1"] for edge in group)
            if _ruled_across(horizontals, y - tolerance, y + tolerance, x0, x1, MAX_OPEN_RULED_SHARE):
                continue  # ruled there, even in part: boxes side by side, not a cut frame
            if end == "bottom":
                reach = (min(edge[other] for edge in group) - tolerance, y - tolerance)
            else:
                reach = (y + tolerance, max(edge[other] for edge in group) + tolerance)
            if not _ruled_across(horizontals, *reach, x0, x1, MIN_RULED_SHARE):
                continue
            closures.append(
                {
                    "object_type": "line",
                    "x0": x0,
                    "x1": x1,
                    "top": y,
                    "bottom": y,
                    "width": x1 - x0,
                    "height": 0.0,
                    "orientation": "h",
                }
            )
    return closures


def open_column_frames(
    edges: Sequence[dict], tolerance: float, text_tops: Sequence[float] = ()
) -> list[tuple[float, ...]]:
    """Column rules that run from top to bottom of a ruled frame with no horizontal rule
    anywhere along them, nor at either end: the middle of one table row so tall that page
    breaks cut it above and below (ReportLab's ``splitInRow`` draws no rule at a cut).

    Returned as (top, bottom, x of each rule), for the reader to read as one row that is
    open at both ends. Beyond the ends only page furniture may lie (``text_tops``). Such a
    frame is also what a page set in ruled text columns looks like, so it is a table only
    when it continues a table open at the foot of the page before (:mod:`ingest.pdf_stitch`).
    """
    verticals = [edge for edge in edges if edge["orientation"] == "v"]
    horizontals = [edge for edge in edges if edge["orientation"] == "h"]
    frames = []
    for group in _ends_together(verticals, "top", tolerance):
        for run in _ends_together(group, "bottom", tolerance):
            xs = sorted({round(edge["x0"], 2) for edge in run})
            if len(xs) < MIN_FRAME_RULES:
                continue
            top, bottom = median(edge["top"] for edge in run), median(edge["bottom"] for edge in run)
            x0, x1 = xs[0], xs[-1]
            if _ruled_across(horizontals, top - tolerance, bottom + tolerance, x0, x1, MAX_OPEN_RULED_SHARE):
                continue
            if (
                max(
                    _text_lines_beyond(text_tops, top, "top", tolerance),
                    _text_lines_beyond(text_tops, bottom, "bottom", tolerance),
                )
                > MAX_FURNITURE_LINES
            ):
                continue
            frames.append((top, bottom, *_distinct(xs, tolerance)))
    return frames


def _distinct(xs: Sequence[float], tolerance: float) -> list[float]:
    out: list[float] = []
    for x in xs:
        if not out or x - out[-1] > tolerance:
            out.append(x)
    return out


def _text_lines_beyond(text_tops: Sequence[float], y: float, end: str, tolerance: float) -> int:
    """How many lines of text (tops more than ``tolerance`` apart) lie beyond ``y``."""
    beyond = [top for top in text_tops if (top > y + tolerance if end == "bottom" else top < y - tolerance)]
    lines, last = 0, None
    for top in sorted(beyond):
        if last is None or top - last > tolerance:
            lines += 1
        last = top
    return lines


def open_sides(
    bbox: tuple[float, float, float, float], closures: Sequence[dict], tolerance: float
) -> tuple[bool, bool]:
    """Whether a table's top and bottom edges were closed by :func:`frame_closures`: drawn
    open, the mark of a table cut by a page break there."""
    x0, top, x1, bottom = bbox
    width = max(x1 - x0, 1.0)

    def closed_at(y: float) -> bool:
        return any(
            abs(c["top"] - y) <= tolerance and min(c["x1"], x1) - max(c["x0"], x0) >= MIN_RULED_SHARE * width
            for c in closures
        )

    return closed_at(top), closed_at(bottom)


def _ends_together(verticals: Sequence[dict], end: str, tolerance: float) -> list[list[dict]]:
    """Vertical edges grouped by where they end (``top`` or ``bottom``), within tolerance."""
    groups: list[list[dict]] = []
    for edge in sorted(verticals, key=lambda item: item[end]):
        if groups and edge[end] - groups[-1][-1][end] <= tolerance:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    return groups


def _ruled_across(horizontals: Sequence[dict], low: float, high: float, x0: float, x1: float, share: float) -> bool:
    """Is there one height between ``low`` and ``high`` where horizontal rules cover more
    than ``share`` of the span ``x0``..``x1``?"""
    by_height: dict[float, list[tuple[float, float]]] = {}
    for edge in horizontals:
        if low <= edge["top"] <= high and edge["x1"] > x0 and edge["x0"] < x1:
            by_height.setdefault(round(edge["top"]), []).append((max(edge["x0"], x0), min(edge["x1"], x1)))
    return any(_covered(spans) > share * (x1 - x0) for spans in by_height.values())


def _covered(spans: list[tuple[float, float]]) -> float:
    total, reach = 0.0, float("-inf")
    for start, stop in sorted(spans):
        start = max(start, reach)
        if stop > start:
            total += stop - start
            reach = stop
    return total


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


def is_text_highlight(
    grid: CellGrid, lines_by_cell: dict[tuple[int, int], list[TextLine]], tolerance: float = 2.0
) -> bool:
    """Boxes behind lines of prose (highlighting, a shaded quotation), not a table: one box
    of text per row, each as wide as its line, so the rows end at different places. (A
    table's rows share the outer borders; its header row alone may be shorter.)"""
    if grid.n_rows < 2:
        return False
    filled_per_row = [
        sum(1 for (r, _), lines in lines_by_cell.items() if r == row and lines) for row in range(grid.n_rows)
    ]
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
