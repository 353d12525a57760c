"""Header rows of a table piece: where they are, and the column map they give.

A header row names at least two schema fields (:func:`find_header`), may be split over two
rows ("Date for" / "completion"), or may use labels the thesaurus does not know, recognised
by the content below them (:func:`find_content_header`). :func:`header_to_map` combines each
label's match with its column's content; :func:`is_repeated_header` and :func:`same_table`
tell a header printed again (every page, every row) from a new table's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract.columns import FieldChoice, choose_field, column_evidence, is_date_like, is_rating, is_ref_like
from extract.context import leading_ref
from extract.headers import HeaderSettings, map_header, normalise_header
from extract.settings import DEFAULT_WALK_SETTINGS, WalkSettings
from extract.walk_model import ColumnMap, row_texts
from ingest.model import Cell

Rows = Sequence[Sequence[Cell | None]]


def _is_header_row(texts: list[str], settings: HeaderSettings, walk: WalkSettings) -> bool:
    filled = [text for text in texts if text]
    if len(filled) < 2:
        return False
    mapped = sum(1 for text in filled if is_label(text, walk) and map_header(text, settings).field)
    return mapped >= 2 and mapped / len(filled) >= walk.min_header_share


def is_label(text: str, walk: WalkSettings = DEFAULT_WALK_SETTINGS) -> bool:
    """Short enough to be a column label; a longer cell in a header row is a garbled data row."""
    return len(text.split()) <= walk.max_label_words


def find_header(
    rows: Rows, settings: HeaderSettings, walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> tuple[int, int] | None:
    """(first, last) row index of the header in the first rows of a table piece, or None.

    A header split over two rows ("Date for" / "completion") spans two indexes.
    """
    for index, row in enumerate(rows[: walk.header_search_rows]):
        texts = row_texts(row)
        if not _is_header_row(texts, settings, walk):
            continue
        if index + 1 < len(rows) and (
            _is_split_header_tail(texts, row_texts(rows[index + 1]), settings, walk)
            or group_labels(texts, row_texts(rows[index + 1]), walk) is not None
        ):
            return index, index + 1
        return index, index
    return None


TYPED_FIELDS = ("ref", "lead", "timescale", "start", "original_due", "status", "rag")


def find_content_header(
    rows: Rows, settings: HeaderSettings, walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> tuple[int, int] | None:
    """A header row whose labels the thesaurus does not know ("# | Topic | Planned work |
    Who's on it | Finish | Flag"), recognised by what sits below it: a row of short labels
    that are not themselves data (no dates, ratings or refs), over columns whose cells the
    content typing maps to at least two typed fields and an action. Only tried for a table
    piece that would otherwise be set aside, so a continued table never gets a new header."""
    for index, row in enumerate(rows[: walk.header_search_rows]):
        texts = row_texts(row)
        filled = [text for text in texts if text]
        if not walk.min_content_header_columns <= len(filled) <= walk.max_content_header_columns or index + 1 >= len(
            rows
        ):
            continue
        if any(
            len(text.split()) > walk.max_content_label_words
            or is_date_like(text)
            or is_rating(text)
            or is_ref_like(text)
            for text in filled
        ):
            continue
        column_map = header_to_map(rows, (index, index), rows[index + 1 :], settings, walk)
        typed = [name for name in column_map.fields if name in TYPED_FIELDS]
        by_content = [
            choice
            for choice in column_map.choices
            if choice is not None and choice.field and choice.decided_by == "content"
        ]
        if "action" in column_map.fields and len(typed) >= walk.min_content_typed_columns and by_content:
            return index, index
    return None


def _is_split_header_tail(head: list[str], tail: list[str], settings: HeaderSettings, walk: WalkSettings) -> bool:
    pairs = [(h, t) for h, t in zip(head, tail) if t]
    if not pairs or any(not h or len(t.split()) > walk.max_split_header_tail_words or leading_ref(t) for h, t in pairs):
        return False
    return all(map_header(f"{h} {t}", settings).score >= 99 or t[:1].islower() or t[:1] == "(" for h, t in pairs)


def group_labels(
    head: Sequence[str], tail: Sequence[str], walk: WalkSettings = DEFAULT_WALK_SETTINGS
) -> list[str] | None:
    """Labels of a header whose first row has group headings spanning sub-columns named in
    the second ("Target date" over "Original | Revised"): each sub-column's label joined to
    its group's, "Target date / Revised", so the sub-column keeps what the group says. None
    unless every label of the second row sits under a group heading that spans two or more
    sub-columns (its cell, then empty or merged cells), and is short and not data."""
    labels = list(head)
    group = ""
    subs = 0
    widest = 0
    for column, sub in enumerate(tail):
        own = head[column] if column < len(head) else ""
        if own:
            group, subs = own, 0
        if not sub:
            if own:
                group = own if column + 1 < len(head) and not head[column + 1] else ""
            continue
        if not group or len(sub.split()) > walk.max_sub_label_words or leading_ref(sub) or is_date_like(sub):
            return None
        subs += 1
        widest = max(widest, subs)
        labels[column] = f"{group} / {sub}"
    return labels if widest >= 2 else None


def header_to_map(
    rows: Rows,
    span: tuple[int, int],
    data_rows: Rows,
    settings: HeaderSettings,
    walk: WalkSettings = DEFAULT_WALK_SETTINGS,
) -> ColumnMap:
    """Build the column map from header row(s) and the cells below them.

    Each column's field combines its header match with its content evidence
    (:func:`extract.columns.choose_field`); then second date columns are told apart
    (:func:`route_date_columns`) and, where no column names the action, the first prose
    column the header left unknown carries it.
    """
    first, last = span
    width = max(len(row) for row in rows)
    labels = []
    for column in range(width):
        parts = [
            row_texts(rows[index])[column] if column < len(rows[index]) else "" for index in range(first, last + 1)
        ]
        labels.append(" ".join(part for part in parts if part).strip())
    grouped = group_labels(row_texts(rows[first]), row_texts(rows[last]), walk) if last == first + 1 else None
    labels = grouped + labels[len(grouped) :] if grouped is not None else labels
    choices = []
    for column, label in enumerate(labels):
        header = map_header(label, settings) if label and is_label(label, walk) else None
        values = [row_texts(row)[column] for row in data_rows if column < len(row)]
        choices.append(choose_field(header, column_evidence(values)))
    fields = route_date_columns([choice.field for choice in choices], labels)
    prose_column = _prose_fallback(fields, choices, data_rows, walk.prose_action_share)
    if prose_column is not None:
        fields[prose_column] = "action"
        old = choices[prose_column]
        choices[prose_column] = FieldChoice(
            "action", old.header_score, "prose", _prose_share(data_rows, prose_column), "content"
        )
    return ColumnMap(tuple(fields), tuple(labels), tuple(choices))


_REVISED_LABEL = re.compile(
    r"\b(?:new|revised|amended|updated|rescheduled|re-?profiled|re-?set|latest|current)\b", re.I
)
_START_LABEL = re.compile(r"\bstart", re.I)


def route_date_columns(fields: Sequence[str | None], labels: Sequence[str]) -> list[str | None]:
    """Where a table has several timescale columns, tell them apart by their labels: a
    "Start date" column is the ``start``; a "New date" / "Revised deadline" column is the due
    date and the other date column the ``original_due`` it replaced."""
    out = list(fields)
    dated = [index for index, name in enumerate(out) if name == "timescale"]
    if len(dated) < 2:
        return out
    starts = [index for index in dated if _START_LABEL.search(labels[index])]
    revised = [index for index in dated if _REVISED_LABEL.search(labels[index]) and index not in starts]
    ends = [index for index in dated if index not in starts]
    if starts and ends:
        for index in starts:
            out[index] = "start"
    if revised and len(revised) < len(ends):
        for index in ends:
            if index not in revised:
                out[index] = "original_due"
    return out


def _prose_share(data_rows: Rows, column: int) -> float:
    return column_evidence([row_texts(row)[column] for row in data_rows if column < len(row)]).prose


def _prose_fallback(
    fields: Sequence[str | None], choices: Sequence[FieldChoice], data_rows: Rows, min_share: float
) -> int | None:
    """No column names the action (nor an outcome or finding that could carry it): the first
    column neither header nor content typed whose cells are mostly prose is the action (a
    tracker's "Planned work", "Description of task"). Returns its index, or None."""
    if any(name in fields for name in ("action", "outcome", "finding")):
        return None
    for column, (name, choice) in enumerate(zip(fields, choices)):
        if name is None and choice.decided_by == "none" and _prose_share(data_rows, column) >= min_share:
            return column
    return None


def _label_keys(column_map: ColumnMap) -> set[str]:
    return {normalise_header(label) for label in column_map.labels if label}


def header_parts(column_map: ColumnMap) -> set[str]:
    """Labels plus their word prefixes and suffixes, to spot split or repeated header rows."""
    parts: set[str] = set()
    for label in column_map.labels:
        words = normalise_header(label).split()
        for cut in range(1, len(words) + 1):
            parts.add(" ".join(words[:cut]))
            parts.add(" ".join(words[cut - 1 :]))
    return parts


def is_repeated_header(texts: Sequence[str], column_map: ColumnMap, walk: WalkSettings = DEFAULT_WALK_SETTINGS) -> bool:
    """A row repeating (parts of) the header, wherever its cells sit."""
    filled = [normalise_header(text) for text in texts if text.strip()]
    if not filled:
        return False
    parts = header_parts(column_map)
    hits = sum(1 for text in filled if text in parts)
    return hits >= max(1, round(len(filled) * walk.repeated_header_share))


def same_table(a: ColumnMap, b: ColumnMap, walk: WalkSettings = DEFAULT_WALK_SETTINGS) -> bool:
    """Two header rows of one logical table: most labels shared, or the same fields in order."""
    keys_a, keys_b = _label_keys(a), _label_keys(b)
    if not keys_a or not keys_b:
        return False
    return len(keys_a & keys_b) / len(keys_a | keys_b) >= walk.same_table_overlap or [f for f in a.fields if f] == [
        f for f in b.fields if f
    ]
