"""Tables printed side by side: the lines over them cut at the gutter, the page read column by column.

Two tables set side by side each carry their own caption ("Fostering service: actions" over
the left one, "Adoption service: actions" over the right). The captions share a baseline, so
the text reader makes one line of them; and a page read top to bottom puts both captions
before both tables, so the left table would be headed by both captions and the right one by
none. Here the page's own geometry decides: tables that share most of their height with a
white gutter between them form a *band*; a line near the band with words on both sides of a
gutter middle and none across it is cut there, and the blocks of the band are read column by
column (caption, table, note of the left column, then the right column), as a reader reads
the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ingest.pdf_text import TextLine

BBox = tuple[float, float, float, float]

MIN_SHARED_HEIGHT = 0.5
"""Share of the shorter table's height that two tables must share to be side by side."""
CAPTION_REACH = 3.0
"""Line heights above the top (or below the foot) of a band within which a line belongs to
it: a caption over one of its tables, a note under it."""
DEFAULT_LINE_HEIGHT = 12.0
"""Line pitch, in points, of a page with no paragraph to measure it from (10-point text)."""


def side_by_side_bands(boxes: Sequence[BBox]) -> list[list[BBox]]:
    """Groups of two or more table boxes set side by side (left to right): each shares at
    least ``MIN_SHARED_HEIGHT`` of the shorter one's height with its neighbour and none
    overlaps another horizontally."""
    bands: list[list[BBox]] = []
    for box in sorted(boxes, key=lambda item: item[0]):
        band = next((band for band in bands if _beside(band[-1], box)), None)
        if band is not None:
            band.append(box)
        else:
            bands.append([box])
    return [band for band in bands if len(band) >= 2]


def _beside(left: BBox, right: BBox) -> bool:
    if right[0] < left[2]:
        return False
    shared = min(left[3], right[3]) - max(left[1], right[1])
    shorter = min(left[3] - left[1], right[3] - right[1])
    return shorter > 0 and shared >= MIN_SHARED_HEIGHT * shorter


def _splits(band: Sequence[BBox]) -> list[float]:
    """Middles of the gutters between the band's tables, left to right."""
    return [(left[2] + right[0]) / 2 for left, right in zip(band, band[1:])]


@dataclass(frozen=True)
class Band:
    """Tables side by side (left to right) and the stretch of page that is theirs: from the
    first caption line cut at one of their gutters (else their top) to ``CAPTION_REACH`` line
    heights below their foot."""

    tables: tuple[BBox, ...]
    top: float
    bottom: float

    @property
    def splits(self) -> list[float]:
        """Middles of the gutters between the band's tables, left to right."""
        return [(left[2] + right[0]) / 2 for left, right in zip(self.tables, self.tables[1:])]

    def holds(self, x0: float, top: float, x1: float) -> bool:
        """Does a block starting at ``top``, from ``x0`` to ``x1``, lie in one of the band's columns?"""
        return self.top - 0.5 <= top <= self.bottom and not any(x0 < split < x1 for split in self.splits)

    def column(self, x0: float) -> int:
        return sum(1 for split in self.splits if x0 >= split)


def find_bands(lines: Sequence[TextLine], boxes: Sequence[BBox]) -> list[Band]:
    """The page's bands of side-by-side tables (``boxes``: the page's tables), each stretched
    up to the highest line within ``CAPTION_REACH`` line heights above it that has words on
    both sides of a gutter and none across (the captions; a title above them stays the page's)."""
    size = max((line.size for line in lines), default=DEFAULT_LINE_HEIGHT)
    bands = []
    for tables in side_by_side_bands(boxes):
        top = min(box[1] for box in tables)
        bottom = max(box[3] for box in tables)
        splits = [(left[2] + right[0]) / 2 for left, right in zip(tables, tables[1:])]
        captions = [
            line.top
            for line in lines
            if top - CAPTION_REACH * line.size <= line.bottom <= top + 0.5 * line.size
            and any(len(_cut(line, split)) == 2 for split in splits)
        ]
        bands.append(Band(tuple(tables), min([top, *captions]), bottom + CAPTION_REACH * size))
    return bands


def split_by_columns(lines: Sequence[TextLine], bands: Sequence[Band]) -> list[list[TextLine]]:
    """The page's text lines in groups to be cut into paragraphs apart: the lines outside
    every band of side-by-side tables, then each band's lines column by column, every line
    cut at the gutters it has words on both sides of and none across (one caption per
    table). Without bands, one group of all the lines."""
    if not bands:
        return [list(lines)]
    outside: list[TextLine] = []
    columns: dict[tuple[int, int], list[TextLine]] = {}
    for line in lines:
        number = next((n for n, band in enumerate(bands) if band.top - 0.5 <= line.top <= band.bottom), None)
        if number is None:
            outside.append(line)
            continue
        band = bands[number]
        pieces = [line]
        for split in band.splits:
            pieces = [part for piece in pieces for part in _cut(piece, split)]
        for piece in pieces:
            columns.setdefault((number, band.column(piece.x0)), []).append(piece)
    return [outside, *(columns[key] for key in sorted(columns))]


def _cut(line: TextLine, x: float) -> list[TextLine]:
    """The line in two at ``x`` when it has words on both sides and none across, else whole."""
    left = tuple(word for word in line.words if word.x1 <= x)
    right = tuple(word for word in line.words if word.x0 >= x)
    if not left or not right or len(left) + len(right) != len(line.words):
        return [line]
    return [TextLine(left), TextLine(right)]


class _Boxed(Protocol):
    @property
    def bbox(self) -> BBox | None: ...


Block = TypeVar("Block", bound=_Boxed)


def reading_order(blocks: Sequence[Block], bands: Sequence[Band]) -> list[Block]:
    """The page's blocks top to bottom, except that each band of side-by-side tables (see
    :func:`find_bands`) is read column by column: each column's blocks (its caption, table,
    a note below) before the next column's, the band where its first block is. A block that
    crosses a gutter is read where its top is."""
    placed: dict[int, tuple[int, int]] = {}  # block index -> (band, column)
    starts: dict[int, float] = {}
    for index, block in enumerate(blocks):
        if block.bbox is None:
            continue
        x0, top, x1, _ = block.bbox
        number = next((n for n, band in enumerate(bands) if band.holds(x0, top, x1)), None)
        if number is not None:
            placed[index] = (number, bands[number].column(x0))
            starts[number] = min(starts.get(number, top), top)

    def key(index: int) -> tuple[float, int, float, float]:
        box = blocks[index].bbox
        if box is None:
            return (0.0, 0, 0.0, 0.0)
        if index in placed:
            band, column = placed[index]
            return (starts[band], column, box[1], box[0])
        return (box[1], 0, box[1], box[0])

    return [blocks[index] for index in sorted(range(len(blocks)), key=key)]
