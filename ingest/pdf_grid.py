"""Cell grids: where a table's cells are on one page, and which characters fall in each.

A :class:`CellGrid` is the geometry of one table on one page, before any text is read:
rows of cell boxes, ``None`` where a spanning cell covers the position (as in pdfplumber).
Ruled tables come from pdfplumber's lines strategy (:mod:`ingest.pdf_ruled`), unruled ones
from text alignment (:mod:`ingest.pdf_unruled`); both are read the same way here.

Characters are assigned to the cell their *word* mostly lies in (by char centres), so a
glyph that starts a little left of a cell edge stays with its word: an extractor that keeps
only chars wholly inside the cell turns "Child Protection Unit" into "nild Protection nit".
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ingest.model import BBox
from ingest.pdf_text import Char, cluster_by_span, is_visible

Slot = tuple[int, int]


@dataclass(frozen=True)
class CellGrid:
    """One table on one page: rows of cell boxes (``None`` = covered by a spanning cell)."""

    bbox: BBox
    rows: tuple[tuple[BBox | None, ...], ...]
    strategy: str = "lines"

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def cells(self) -> Iterator[tuple[int, int, BBox]]:
        """(row, column, box) of every real cell, row by row."""
        for r, row in enumerate(self.rows):
            for c, box in enumerate(row):
                if box is not None:
                    yield r, c, box

    def column_edges(self) -> tuple[float, ...]:
        """The x positions of the column boundaries, left to right."""
        return tuple(sorted({box[0] for _, _, box in self.cells()} | {self.bbox[2]}))


def boxes_to_grid(boxes: Iterable[BBox], strategy: str = "lines") -> CellGrid | None:
    """Arrange cell boxes into rows and columns by their edges; a box spanning several
    positions sits at its top-left one, the others are ``None``."""
    unique = sorted(set(boxes), key=lambda box: (box[1], box[0]))
    if not unique:
        return None
    xs = sorted({box[0] for box in unique} | {box[2] for box in unique})
    ys = sorted({box[1] for box in unique} | {box[3] for box in unique})
    x_index = {x: i for i, x in enumerate(xs)}
    y_index = {y: i for i, y in enumerate(ys)}
    grid: list[list[BBox | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    claimed: set[Slot] = set()
    for box in sorted(unique, key=lambda box: (box[2] - box[0]) * (box[3] - box[1])):
        slots = {
            (r, c) for r in range(y_index[box[1]], y_index[box[3]]) for c in range(x_index[box[0]], x_index[box[2]])
        }
        if not slots or slots & claimed:
            continue  # a box overlapping a smaller one is a background, not a cell
        claimed |= slots
        grid[y_index[box[1]]][x_index[box[0]]] = box
    # A grid row in which no cell starts (every position spanned from above) says nothing.
    rows = tuple(tuple(row) for row in grid if any(box is not None for box in row))
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return CellGrid(bbox=bbox, rows=rows, strategy=strategy)


def drop_slivers(
    values: Sequence[float],
    min_gap: float,
    has_text: Callable[[float, float], bool],
    usage: Counter,
) -> dict[float, float]:
    """Merge strips narrower than ``min_gap`` that hold no text into a neighbour.

    Cell shading drawn inset from the borders, and double rules, leave thin empty columns or
    rows between two nearly equal boundaries; the less used boundary of such a pair goes
    (never an outer one). Returns old coordinate -> kept coordinate.
    """
    kept = sorted(set(values))
    changed = True
    while changed and len(kept) > 2:
        changed = False
        for i in range(len(kept) - 1):
            low, high = kept[i], kept[i + 1]
            if high - low >= min_gap or has_text(low, high):
                continue
            if i == 0:
                drop = high
            elif i + 1 == len(kept) - 1:
                drop = low
            else:
                drop = low if usage[low] < usage[high] else high
            kept.remove(drop)
            changed = True
            break
    return {value: _nearest(kept, value) for value in values}


def _nearest(kept: Sequence[float], value: float) -> float:
    return min(kept, key=lambda candidate: abs(candidate - value))


def tidy_boxes(boxes: Sequence[BBox], chars: Sequence[Char], min_width: float, min_height: float) -> list[BBox]:
    """Remove empty sliver columns and rows from a table's cell boxes (see :func:`drop_slivers`)."""
    if not boxes:
        return []
    centres = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars if is_visible(c)]
    top = min(box[1] for box in boxes)
    bottom = max(box[3] for box in boxes)
    left = min(box[0] for box in boxes)
    right = max(box[2] for box in boxes)
    inside = [(x, y) for x, y in centres if left <= x <= right and top <= y <= bottom]

    def column_has_text(low: float, high: float) -> bool:
        return any(low <= x < high for x, _ in inside)

    def row_has_text(low: float, high: float) -> bool:
        return any(low <= y < high for _, y in inside)

    x_usage = Counter([box[0] for box in boxes] + [box[2] for box in boxes])
    y_usage = Counter([box[1] for box in boxes] + [box[3] for box in boxes])
    x_map = drop_slivers(list(x_usage), min_width, column_has_text, x_usage)
    y_map = drop_slivers(list(y_usage), min_height, row_has_text, y_usage)
    tidied = []
    for x0, y0, x1, y1 in boxes:
        box = (x_map[x0], y_map[y0], x_map[x1], y_map[y1])
        if box[2] > box[0] and box[3] > box[1]:
            tidied.append(box)
    return tidied


class SlotIndex:
    """Finds the cell of a grid that covers a point, by bisecting its boundaries."""

    def __init__(self, grid: CellGrid) -> None:
        boxes = list(grid.cells())
        self.xs = sorted({box[0] for _, _, box in boxes} | {box[2] for _, _, box in boxes})
        self.ys = sorted({box[1] for _, _, box in boxes} | {box[3] for _, _, box in boxes})
        self.owner: dict[Slot, Slot] = {}
        for r, c, (x0, top, x1, bottom) in boxes:
            for i in range(bisect_right(self.ys, top) - 1, bisect_right(self.ys, bottom - 1e-6)):
                for j in range(bisect_right(self.xs, x0) - 1, bisect_right(self.xs, x1 - 1e-6)):
                    self.owner.setdefault((i, j), (r, c))

    def find(self, x: float, y: float, reach: float = 0.0) -> Slot | None:
        """(row, column) of the cell containing the point, or None outside every cell. A
        point at most ``reach`` outside the grid's outer edge counts as just inside it."""
        if not self.xs:
            return None
        if reach:
            if self.xs[0] - reach <= x < self.xs[0]:
                x = self.xs[0]
            elif self.xs[-1] <= x <= self.xs[-1] + reach:
                x = self.xs[-1] - 1e-3
        if x < self.xs[0] or x >= self.xs[-1] or y < self.ys[0] or y >= self.ys[-1]:
            return None
        return self.owner.get((bisect_right(self.ys, y) - 1, bisect_right(self.xs, x) - 1))


class CellChars(NamedTuple):
    """The chars of a grid by cell, and how many chars inside the grid's box no cell holds."""

    by_cell: dict[Slot, list[Char]]
    inside: int
    uncovered: int

    @property
    def uncovered_share(self) -> float:
        """A table keeps all its text in cells; boxes drawn round parts of lines of prose
        leave much of it between them."""
        return self.uncovered / self.inside if self.inside else 0.0


def assign_chars_to_cells(grid: CellGrid, chars: Sequence[Char], space_ratio: float = 0.2) -> CellChars:
    """Chars of the table, by cell. Each char goes to the cell holding its centre, then each
    word (chars without a gap on one line) moves whole to the cell most of its chars are in."""
    index = SlotIndex(grid)
    owners: list[tuple[Char, Slot]] = []
    x0, top, x1, bottom = grid.bbox
    margin = 12.0  # wider than any glyph allowed to stick out of the side
    inside = uncovered = 0
    for char in chars:
        if char["x1"] < x0 - margin or char["x0"] > x1 + margin or char["bottom"] < top or char["top"] > bottom:
            continue
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        # a glyph sticking out of the table's side edge by less than its width still counts
        reach = max(char["x1"] - char["x0"], 0.6 * (char.get("size") or 0.0)) if char.get("upright", True) else 0.0
        slot = index.find(x, y, reach)
        if x0 <= x <= x1 and top <= y <= bottom:
            inside += 1
            uncovered += slot is None
        if slot is not None:
            owners.append((char, slot))
    by_cell: dict[Slot, list[Char]] = {}
    for word in _words_of(owners, space_ratio):
        counts = Counter(slot for _, slot in word)
        majority = counts.most_common(1)[0][0]
        for char, slot in word:
            by_cell.setdefault(majority if len(counts) > 1 else slot, []).append(char)
    return CellChars(by_cell, inside, uncovered)


def _words_of(owners: list[tuple[Char, Slot]], space_ratio: float) -> Iterator[list[tuple[Char, Slot]]]:
    """Group (char, slot) pairs into words: same visual line, no gap wider than a space.
    Rotated glyphs and spaces are passed through one by one."""
    slot_of = {id(char): slot for char, slot in owners}
    upright = [char for char, _ in owners if char.get("upright", True)]
    for line in cluster_by_span(upright, start="top", end="bottom"):
        line.sort(key=lambda char: char["x0"])
        word: list[tuple[Char, Slot]] = []
        for char in line:
            item = (char, slot_of[id(char)])
            if not is_visible(char):
                if word:
                    yield word
                    word = []
                yield [item]
                continue
            if word and char["x0"] - word[-1][0]["x1"] > space_ratio * max(char.get("size") or 1.0, 1.0):
                yield word
                word = []
            word.append(item)
        if word:
            yield word
    for char, slot in owners:
        if not char.get("upright", True):
            yield [(char, slot)]
