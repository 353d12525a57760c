"""Step two of the table walk: what each row of a logical table is.

A row is blank, a repeated header, a heading (one cell, or one heading spread over several
cells), or data (:data:`RowKind`); a data row starts an action row of its own, shares the
key cells merged down from the row above, or continues the row above after a page break
(:data:`RowStart`). Both are decided from the row's cells, the column map and a few facts
about what came before, passed in: nothing here keeps state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from extract.context import HeadingKind, classify_heading, is_links_only, join_split_cells, leading_ref, row_key_ref
from extract.header_rows import header_parts, is_label, is_repeated_header
from extract.headers import HeaderSettings, leading_synonym, normalise_header
from extract.items import split_enumerated
from extract.settings import DEFAULT_WALK_SETTINGS, WalkSettings
from extract.walk_model import ColumnMap
from ingest.model import Cell, Line

RowKind = Literal["blank", "repeated-header", "heading", "split-heading", "data"]
"""What a row of a logical table is."""
RowStart = Literal["new", "merged-down", "continuation"]
"""How a data row relates to the row above: an action row of its own, one under key cells
merged down from the row above, or the row above continued after a page break."""

MERGED_DOWN_FIELDS = ("ref", "area", "finding")
"""Key cells a Word or HTML table merges down over the rows that share them."""
FIRST_MARKERS = ("1", "a", "i", "1a")
"""Markers that start a list: a row whose list starts again is an action row of its own."""
AREA_KEY_FIELDS = ("area", "finding")
"""Key cells a row with its own ref may still share with the row above."""
OWN_VALUE_FIELDS = ("lead", "timescale", "start", "original_due", "status", "rag")
"""Cells that show a row is an action of its own: a page-break continuation rarely fills them."""


def row_kind(
    texts: Sequence[str],
    column_map: ColumnMap,
    *,
    ref_keyed: bool,
    last_heading: HeadingKind | Literal[""],
    has_draft: bool,
    walk: WalkSettings = DEFAULT_WALK_SETTINGS,
) -> RowKind:
    """What a row is, from its cell texts and what came before it.

    ``last_heading`` is the kind of heading row just above ("" after data), ``has_draft``
    whether an action row is open above: a lower-case one-cell row continues a heading above
    it, else the action row above it.

    >>> columns = ColumnMap(("ref", "action"), ("Ref", "Action"))
    >>> row_kind(["Pillar Two: Practice", ""], columns, ref_keyed=True, last_heading="", has_draft=True)
    'heading'
    >>> row_kind(["2.1", "Audit cases"], columns, ref_keyed=True, last_heading="", has_draft=True)
    'data'
    """
    filled = [index for index, text in enumerate(texts) if text]
    if not filled:
        return "blank"
    if is_repeated_header(texts, column_map, walk):
        return "repeated-header"
    if filled == [0] and _is_heading_cell(
        texts[0], ref_keyed=ref_keyed, last_heading=last_heading, has_draft=has_draft
    ):
        return "heading"
    joined, glued = join_split_cells([texts[index] for index in filled])
    if (
        glued
        and filled[0] == 0
        and len(joined.split()) <= walk.max_split_heading_words
        and not leading_ref(joined, multi_level_only=True)
    ):
        return "split-heading"
    return "data"


def _is_heading_cell(text: str, *, ref_keyed: bool, last_heading: HeadingKind | Literal[""], has_draft: bool) -> bool:
    """A row with only its first cell filled is a heading, unless it holds links only, is a
    ref with its other cells empty (in a table keyed by refs), or a lower-case text with no
    heading above to continue but an action row to continue."""
    if is_links_only(text):
        return False
    kind = classify_heading(text).kind
    if ref_keyed and leading_ref(text, multi_level_only=True) and kind != "area":
        return False
    return not (kind == "continuation" and not last_heading and has_draft)


def header_leftovers(
    texts: Sequence[str], column_map: ColumnMap, walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> list[str]:
    """Texts of a repeated header row that are neither labels nor short: a data row's text
    the reader merged into the header, kept as a garbled row."""
    parts = header_parts(column_map)
    return [text for text in texts if text and normalise_header(text) not in parts and not is_label(text, walk)]


def row_start(
    texts: Sequence[str],
    column_map: ColumnMap,
    *,
    ref_keyed: bool,
    has_draft: bool,
    walk: WalkSettings = DEFAULT_WALK_SETTINGS,
) -> RowStart:
    """How a data row (its cell texts, leaked labels removed) relates to the row above.

    >>> columns = ColumnMap(("ref", "action", "lead"), ("Ref", "Action", "Lead"))
    >>> row_start(["", "and with the schools", ""], columns, ref_keyed=True, has_draft=True)
    'continuation'
    >>> row_start(["", "Audit ten cases", "Jo Marsh"], columns, ref_keyed=True, has_draft=True)
    'merged-down'
    """
    if not has_draft or _keys_new_row(texts, column_map, ref_keyed, walk):
        return "new"
    if is_merged_down_row(texts, column_map):
        return "merged-down"
    return "continuation"


def _keys_new_row(texts: Sequence[str], column_map: ColumnMap, ref_keyed: bool, walk: WalkSettings) -> bool:
    """The row's key cell starts a new row: a ref (in a ref-keyed table), else any text."""
    key_column = column_map.fields.index("ref") if "ref" in column_map.fields else 0
    key = texts[key_column] if key_column < len(texts) else ""
    if is_links_only(key):
        return False
    if ref_keyed:
        if column_map.field_of(key_column) == "ref":
            return bool(row_key_ref(key) or is_short_key(key, walk.max_key_words))
        return bool(leading_ref(key))
    return bool(texts[0])


def is_short_key(text: str, max_words: int = DEFAULT_WALK_SETTINGS.max_key_words) -> bool:
    """Text in a ref column that is not a continuation: short and not starting lower-case.
    Continuation rows leave the ref column empty; a ref the patterns miss must not glue its
    row to the one above."""
    text = text.strip()
    return bool(text) and len(text.split()) <= max_words and not text[:1].islower()


def is_merged_down_row(texts: Sequence[str], column_map: ColumnMap) -> bool:
    """A row whose key cell is empty because it is merged down from the row above, but
    which is an action of its own: its action cell starts a new item (an enumeration
    marker, or a capital letter or digit, not a lower-case word that completes the text
    above) and it has its own lead, date, status or rating, or its own enumerated items."""

    def text_of(name: str) -> str:
        return " ".join(
            texts[i]
            for i, field_name in enumerate(column_map.fields)
            if field_name == name and i < len(texts) and texts[i].strip()
        )

    key_column = column_map.fields.index("ref") if "ref" in column_map.fields else 0
    if key_column < len(texts) and texts[key_column].strip():
        return False
    action = text_of("action").strip()
    if not action:
        return False
    enumeration = split_enumerated(action)
    if (
        enumeration is not None
        and not enumeration.prefix
        and len(enumeration.items) >= 2
        and enumeration.items[0].marker in FIRST_MARKERS
    ):
        return True  # a list of its own; one that goes on from the row above ("3. ... 4. ...") may be a page-break tail
    starts_new = action[:1].isupper() or action[:1].isdigit() or (enumeration is not None and not enumeration.prefix)
    return starts_new and any(text_of(name).strip() for name in OWN_VALUE_FIELDS)


def carried_columns(
    row: Sequence[Cell | None], start: RowStart, spanned_first: bool, texts: Sequence[str], column_map: ColumnMap
) -> set[int]:
    """Columns whose key cells a new row takes from the row above.

    Under a first cell merged down, the other key cells (area, finding) may be merged down
    too: spanned (None), not empty. In a table keyed by a ref column, an empty area /
    finding cell beside a new ref is merged down from the row above (exports print merged
    cells once). A merged-down row takes every cell it leaves empty.
    """

    def empty(index: int) -> bool:
        return index >= len(texts) or not texts[index].strip()

    if start == "merged-down":
        return {index for index in range(column_map.width) if empty(index)}
    if start != "new":
        return set()
    if spanned_first:
        return {index for index, cell in enumerate(row) if cell is None}
    if "ref" in column_map.fields:
        return {index for index, name in enumerate(column_map.fields) if name in AREA_KEY_FIELDS and empty(index)}
    return set()


def fill_merged_first_cell(row: Sequence[Cell | None], first_cell_above: Cell | None) -> Sequence[Cell | None]:
    """A first-column cell merged down over several rows (Word vMerge, HTML rowspan) is
    ``None`` below its origin: those rows are new rows under the same heading cell, not
    page-break continuations. (Spans in other columns cannot be told from horizontal
    ones in the model, so only the first column is filled.)"""
    if not row or row[0] is not None or first_cell_above is None:
        return row
    if not any(cell is not None and not cell.is_empty for cell in row[1:]):
        return row
    return (first_cell_above,) + tuple(row[1:])


def strip_leaked_labels(
    row: Sequence[Cell | None], column_map: ColumnMap, settings: HeaderSettings = HeaderSettings()
) -> tuple[list[tuple[Line, ...]], list[str]]:
    """Remove header labels printed at the start of data cells ("Lead Liz Price").

    Only when the row shows several leaks, one of them a multi-word label: a single cell
    starting like its header ("Targets and measures are established") is just text.
    Returns the cells' lines and the labels removed.
    """
    out: list[tuple[Line, ...]] = []
    leaks = []
    for index, cell in enumerate(row):
        lines = cell.lines if cell is not None else ()
        label = column_map.label_of(index) if index < column_map.width else ""
        stripped = _strip_label(
            lines, label, column_map.field_of(index) if index < column_map.width else None, settings
        )
        if stripped is not lines:
            leaks.append(label)
        out.append(stripped)
    multi_word = [label for label in leaks if len(label.split()) > 1]
    if len(leaks) < 2 or not multi_word:
        return [cell.lines if cell is not None else () for cell in row], []
    return out, leaks


def _strip_label(
    lines: tuple[Line, ...], label: str, field: str | None = None, settings: HeaderSettings = HeaderSettings()
) -> tuple[Line, ...]:
    if not lines or not label:
        return lines
    text = lines[0].text
    for candidate in sorted(
        (label, _first_row_part(label), leading_synonym(text, field, settings)), key=len, reverse=True
    ):  # the longest label printed
        if (
            candidate
            and normalise_header(text).startswith(normalise_header(candidate))
            and normalise_header(text[: len(candidate)]) == normalise_header(candidate)
        ):
            rest = text[len(candidate) :].strip()
            return ((Line(rest, lines[0].bold, lines[0].bullet),) if rest else ()) + lines[1:]
    return lines


def _first_row_part(label: str) -> str:
    words = label.split()
    return " ".join(words[:2]) if len(words) > 2 else ""
