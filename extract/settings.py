"""The table walk's thresholds, in one validated settings object.

Every number the walk (:mod:`extract.tables`, :mod:`extract.pieces`, :mod:`extract.rows`)
compares text against is a field here, so the pipeline can set it and put it in its cache
key. The defaults are the values the walk has always used.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ingest.settings import check_field_types, check_range


@dataclass(frozen=True)
class WalkSettings:
    """Thresholds of the table walk: header rows, headings, row keys and table stitching."""

    lost_columns: int = 1
    """A headerless piece this many columns narrower or wider than the open table still
    continues it (a reader may drop or add an empty column at a page break)."""
    header_search_rows: int = 6
    """How many leading rows of a table piece may hold its header."""
    min_header_share: float = 0.6
    """Share of a row's non-empty cells that must name a known column for it to be a header."""
    max_label_words: int = 12
    """A header cell longer than this many words is data (a garbled row), not a label."""
    max_split_header_tail_words: int = 4
    """The second row of a header split over two rows ("Date for" / "completion") is this short."""
    max_sub_label_words: int = 4
    """A sub-column label under a group heading ("Target date" over "Original | Revised") is this short."""
    min_content_header_columns: int = 3
    """A header found by content alone must label at least this many columns."""
    max_content_header_columns: int = 9
    """Plans print a handful of columns; a wider table of unknown labels is a register, not a plan."""
    max_content_label_words: int = 6
    """A label of a header found by content is this short; a longer cell is data."""
    min_content_typed_columns: int = 2
    """Typed columns (ref, lead, dates, status, rating) a header found by content needs."""
    prose_action_share: float = 0.6
    """Share of prose cells that makes an untyped column the action where no header names one."""
    repeated_header_share: float = 0.6
    """Share of a row's cells that must repeat header labels for it to be a repeated header."""
    same_table_overlap: float = 0.5
    """Label overlap (Jaccard) above which a piece's header repeats the table's header."""
    mostly_refs_share: float = 0.5
    """Share of first cells starting with a ref that makes a table keyed by refs."""
    max_ref_cell_words: int = 8
    """A ref cell is this short when judging which of two header positions fits the rows."""
    min_prose_cell_words: int = 4
    """An action, finding or outcome cell is at least this long when judging header positions."""
    max_heading_words: int = 40
    """A narrative line longer than this is not taken as a section title."""
    max_split_heading_words: int = 25
    """A heading spread over several cells ("Service management -" | "- within ...") is this short."""
    max_key_words: int = 4
    """A ref-column cell this short that follows no ref pattern ("Action 3", "New") still keys a row."""

    def __post_init__(self) -> None:
        check_field_types(self)
        for item in fields(self):
            if isinstance(item.default, float):  # a share
                check_range(self, item.name, 0.0, 1.0)
            else:  # a count
                check_range(self, item.name, 0 if item.name == "lost_columns" else 1)
        if self.min_content_header_columns > self.max_content_header_columns:
            raise ValueError("WalkSettings.min_content_header_columns must not exceed max_content_header_columns")


DEFAULT_WALK_SETTINGS = WalkSettings()
