"""The PDF reader's settings (:class:`PdfSettings`), apart from the reader so that what only
builds or checks settings (the CLI's options, ``conversion.Settings``, the cache key) does not
import pdfplumber: ``actionplans --help`` and a batch of Word files never load it.
:mod:`ingest.pdf` re-exports :class:`PdfSettings` under the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from ingest.pdf_unruled import UnruledSettings
from ingest.settings import check_field_types, check_range

DEFAULT_MIN_TURNED_SHARE = 0.5
"""Share of a page's visible glyphs that must run one way along y to turn the page: a
sideways page number or a rotated header cell on an upright page is not enough."""

DEFAULT_SNAP_TOLERANCE = 3.0
DEFAULT_JOIN_TOLERANCE = 3.0
DEFAULT_INTERSECTION_TOLERANCE = 3.0
DEFAULT_EDGE_MIN_LENGTH = 3.0
DEFAULT_MIN_SLIVER_WIDTH = 7.0
DEFAULT_MIN_SLIVER_HEIGHT = 4.0
DEFAULT_MIN_FILLED_SHARE = 0.2
DEFAULT_SPACE_RATIO = 0.2
DEFAULT_STITCH_TOLERANCE = 4.0
DEFAULT_TEXT_STITCH_TOLERANCE = 15.0
DEFAULT_MIN_RULE_LENGTH = 30.0
DEFAULT_MAX_CHART_STROKES = 5
DEFAULT_MAX_UNCOVERED_SHARE = 0.05
DEFAULT_MAX_SEGMENTS = 20_000
"""Drawn lines, boxes and curves on one page beyond which ruled-table finding is skipped: a
dense 50 x 50 grid table draws a few thousand; a million-segment page is a drawing or a bomb."""


@dataclass(frozen=True)
class PdfSettings:
    """How the PDF reader finds tables. Distances are PDF points; ratios are of the font size.

    - ``snap_tolerance``, ``join_tolerance``, ``intersection_tolerance``, ``edge_min_length``:
      pdfplumber's lines-strategy settings for ruled tables.
    - ``min_sliver_width`` / ``min_sliver_height``: empty columns / rows thinner than this
      (inset shading, double rules) are merged into their neighbour.
    - ``min_filled_share``: share of a ruled grid's cells that must hold text (charts fail).
    - ``space_ratio``: a gap wider than this x font size between glyphs is a space.
    - ``min_rule_length``: shortest horizontal line that bounds or divides an unruled table.
    - ``max_chart_strokes``: a "table" holding more slanted lines or curves than this is a
      chart or diagram.
    - ``max_uncovered_share``: a ruled grid with more of the text inside its box than this
      outside its cells is boxes drawn round prose, not a table.
    - ``find_unruled``: also look for tables by text alignment (``unruled`` tunes it).
    - ``stitch_pages``: join tables continued across page breaks; ``stitch_tolerance`` is
      how far column edges may move between pages (``text_stitch_tolerance`` for unruled).
    - ``password``: tried to open an encrypted file (the empty password by default).
    - ``min_turned_share``: a page whose glyphs run up or down the page, more than this
      share of them, is read turned a quarter (a table printed sideways).
    """

    snap_tolerance: float = DEFAULT_SNAP_TOLERANCE
    join_tolerance: float = DEFAULT_JOIN_TOLERANCE
    intersection_tolerance: float = DEFAULT_INTERSECTION_TOLERANCE
    edge_min_length: float = DEFAULT_EDGE_MIN_LENGTH
    min_sliver_width: float = DEFAULT_MIN_SLIVER_WIDTH
    min_sliver_height: float = DEFAULT_MIN_SLIVER_HEIGHT
    min_filled_share: float = DEFAULT_MIN_FILLED_SHARE
    space_ratio: float = DEFAULT_SPACE_RATIO
    min_rule_length: float = DEFAULT_MIN_RULE_LENGTH
    max_chart_strokes: int = DEFAULT_MAX_CHART_STROKES
    max_uncovered_share: float = DEFAULT_MAX_UNCOVERED_SHARE
    max_segments: int = DEFAULT_MAX_SEGMENTS
    find_unruled: bool = True
    unruled: UnruledSettings = field(default_factory=UnruledSettings)
    stitch_pages: bool = True
    stitch_tolerance: float = DEFAULT_STITCH_TOLERANCE
    text_stitch_tolerance: float = DEFAULT_TEXT_STITCH_TOLERANCE
    password: str = ""
    min_turned_share: float = DEFAULT_MIN_TURNED_SHARE

    def __post_init__(self) -> None:
        check_field_types(self)
        for item in fields(self):
            if isinstance(getattr(self, item.name), (int, float)) and not isinstance(getattr(self, item.name), bool):
                check_range(self, item.name)
        for name in ("min_filled_share", "max_uncovered_share", "min_turned_share"):
            check_range(self, name, 0.0, 1.0)
        if not 0 < self.space_ratio < 2:
            raise ValueError(f"PdfSettings.space_ratio must be between 0 and 2, not {self.space_ratio!r}")

    def table_settings(self) -> dict:
        """pdfplumber ``table_settings`` for the ruled-table pass."""
        return {
            "vertical_strategy": "lines",
            "horizontal_strategy": "lines",
            "snap_tolerance": self.snap_tolerance,
            "join_tolerance": self.join_tolerance,
            "intersection_tolerance": self.intersection_tolerance,
            "edge_min_length": self.edge_min_length,
        }
