"""Pages printed sideways, turned so their text reads left to right before tables are found.

A landscape table placed on a portrait page (or a whole page whose content was drawn
rotated) gives chars whose text matrix runs up or down the page. Read as they lie, its
rows become columns: the table comes out transposed, or not at all. pdfminer already
applies a page's ``/Rotate`` entry, so what is left to see is the direction of the glyphs.

:func:`page_turn` decides from the chars alone: when most of the page's visible glyphs run
one way along the y axis, the page is turned a quarter (:class:`TurnedPage`) so that they
run left to right; every object (chars, rects, lines, curves, images) is mapped, so ruled
grids, rules and text are all found in reading orientation. :func:`unturn_box` maps a box
found on the turned page back to the page as printed (for drawing and for scoring).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pdfplumber.page import DerivedPage, Page

from ingest.model import BBox
from ingest.pdf_settings import DEFAULT_MIN_TURNED_SHARE

UP = "up"
"""Text running bottom to top (the page was turned clockwise to print it)."""
DOWN = "down"
"""Text running top to bottom."""
FLIPPED = "flipped"
"""Text upside down, running right to left (a page printed turned by half a turn)."""


def glyph_direction(char: dict) -> str | None:
    """UP or DOWN for a glyph whose baseline runs along the page's y axis, FLIPPED for one
    upside down, else None."""
    matrix = char.get("matrix") or (1, 0, 0, 1, 0, 0)
    a, b = matrix[0], matrix[1]
    if abs(b) <= abs(a):
        return FLIPPED if a < 0 else None
    return UP if b > 0 else DOWN


def page_turn(chars: Sequence[dict], min_share: float = DEFAULT_MIN_TURNED_SHARE) -> str | None:
    """UP, DOWN or FLIPPED when more than ``min_share`` of the visible chars run that way,
    else None."""
    visible = [char for char in chars if (char.get("text") or "").strip()]
    if not visible:
        return None
    counts = {UP: 0, DOWN: 0, FLIPPED: 0, None: 0}
    for char in visible:
        counts[glyph_direction(char)] += 1
    for direction in (UP, DOWN, FLIPPED):
        if counts[direction] > min_share * len(visible):
            return direction
    return None


def point_mapper(direction: str, width: float, height: float) -> Callable[[float, float], tuple[float, float]]:
    """(x, top) on the page -> (x, top) on the turned page. Text running down the page
    reads along ``top``, its lines stacked right to left; text running up reads along
    ``height - top``, its lines stacked left to right."""
    if direction == DOWN:
        return lambda x, top: (top, width - x)
    if direction == FLIPPED:
        return lambda x, top: (width - x, height - top)
    return lambda x, top: (height - top, x)


def turn_box(box: BBox, direction: str, width: float, height: float) -> BBox:
    """A box on the page as printed -> the same box on the turned page."""
    to_turned = point_mapper(direction, width, height)
    (ax, at), (bx, bt) = to_turned(box[0], box[1]), to_turned(box[2], box[3])
    return (min(ax, bx), min(at, bt), max(ax, bx), max(at, bt))


def unturn_box(box: BBox, direction: str | None, width: float, height: float) -> BBox:
    """A box on the turned page -> the same box on the page as printed (``width`` and
    ``height`` of the page as printed). ``direction`` None: the box is returned as is."""
    if direction is None:
        return box
    if direction == DOWN:
        points = [(width - t, x) for x, t in ((box[0], box[1]), (box[2], box[3]))]
    elif direction == FLIPPED:
        points = [(width - x, height - t) for x, t in ((box[0], box[1]), (box[2], box[3]))]
    else:
        points = [(t, height - x) for x, t in ((box[0], box[1]), (box[2], box[3]))]
    (ax, at), (bx, bt) = points
    return (min(ax, bx), min(at, bt), max(ax, bx), max(at, bt))


def _turn_vector(direction: str, vx: float, vy: float) -> tuple[float, float]:
    """A direction in PDF space (y up) on the page -> on the turned page."""
    if direction == FLIPPED:
        return (-vx, -vy)
    return (-vy, vx) if direction == DOWN else (vy, -vx)


def turn_object(obj: dict, direction: str, width: float, height: float, doctop_offset: float) -> dict:
    """One pdfplumber object (char, rect, line, curve, image) mapped onto the turned page."""
    out = dict(obj)
    x0, top, x1, bottom = turn_box((obj["x0"], obj["top"], obj["x1"], obj["bottom"]), direction, width, height)
    turned_height = height if direction == FLIPPED else width
    out.update(
        x0=x0,
        x1=x1,
        top=top,
        bottom=bottom,
        width=x1 - x0,
        height=bottom - top,
        y0=turned_height - bottom,
        y1=turned_height - top,
        doctop=doctop_offset + top,
    )
    if "pts" in obj:
        to_turned = point_mapper(direction, width, height)
        out["pts"] = [to_turned(x, t) for x, t in obj["pts"]]
        out.pop("path", None)
    matrix = obj.get("matrix")
    if matrix is not None and len(matrix) == 6:
        a, b = _turn_vector(direction, matrix[0], matrix[1])
        c, d = _turn_vector(direction, matrix[2], matrix[3])
        out["matrix"] = (a, b, c, d, *matrix[4:])
        if "upright" in obj:
            out["upright"] = a * d > 0 and b * c <= 0
    return out


class TurnedPage(DerivedPage):
    """A pdfplumber page turned a quarter so that text running ``direction`` reads left to
    right: ``width`` and ``height`` swap (a quarter turn) and every object is mapped. Works wherever a page
    does (pdfplumber's table finder included)."""

    def __init__(self, parent_page: Page, direction: str):
        self.direction = direction
        self.printed_width = float(parent_page.width)
        self.printed_height = float(parent_page.height)
        if direction == FLIPPED:
            self.bbox = (0, 0, self.printed_width, self.printed_height)
        else:
            self.bbox = (0, 0, self.printed_height, self.printed_width)
        super().__init__(parent_page)

    @property
    def objects(self) -> dict:
        if hasattr(self, "_objects"):
            return self._objects
        offset = float(self.initial_doctop)
        self._objects = {
            kind: [turn_object(obj, self.direction, self.printed_width, self.printed_height, offset) for obj in objs]
            for kind, objs in self.parent_page.objects.items()
        }
        return self._objects

    def unturn(self, box: BBox) -> BBox:
        """A box on this page -> on the page as printed."""
        return unturn_box(box, self.direction, self.printed_width, self.printed_height)
