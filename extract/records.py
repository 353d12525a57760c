"""Stitched data rows to raw action records (one per action, per gold/GUIDE.md).

``row_to_actions`` decides the row's reference, area and action text, splits enumerated
actions into one record each, and aligns the timescale, lead, status and RAG cells item by
item (:mod:`extract.items`). When an unmarked action cell can only be split by lining it up
with an enumerated timescale or lead cell, it is; when counts do not line up, every item gets
the whole cell and an ``unaligned-items`` issue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

from extract.context import leading_ref, split_ref_cell, strip_leading_ref
from extract.entries import split_timescale_entries
from extract.headers import map_header
from extract.items import (
    Alignment,
    Item,
    align_column,
    extend_last_item,
    items_from_sentences,
    split_enumerated,
)
from extract.model import Provenance, RawAction
from extract.tables import Column, DataRow, is_short_key
from ingest.issues import IssueCode
from ingest.model import Issue, Line

ALIGNED_FIELDS = ("timescale", "lead", "status", "rag")
_PARENT_CRITERION = re.compile(r"^(\d+)\.0$")
_CRITERION_LABEL = re.compile(r"judged|criteri|good if|outstanding if", re.I)
_STATUS_LINE = re.compile(r"(?:^|(?<=[.;!?])\s+)status\s*(?::|\s[–—-])\s*(?P<text>\S[^\n]*?)\s*$", re.I)
STATUS_LINE_FIELDS = ("action", "progress", "measures", "outcome")
"""Cells in which a "Status: ..." line is the plan's status wording, not part of the text."""
_BRACKETED_PRIORITY = re.compile(
    r"\((?:[^()]*\b(?:immediate(?:ly)?|urgent|priority|within|months?|weeks?|days?|short|medium|long)\b[^()]*)\)",
    re.I,
)
AREA_FIELDS = ("area", "finding")
_LEADING_RATING = re.compile(r"^\s*(?:red|amber|green|blue)\b", re.I)


def format_lines(lines: Sequence[Line]) -> str:
    """Lines of a cell to one string: paragraphs joined by spaces, list items by "; ".

    A bullet item after an introductory line that ends with ":" continues that line.
    """
    out = ""
    previous: Line | None = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if previous is None:
            out = text
        elif line.bullet and not out.rstrip().endswith(":"):
            out = f"{out.rstrip().rstrip(';')}; {text}"
        else:
            out = f"{out} {text}"
        previous = line
    return out.strip()


def _plain(lines: Sequence[Line]) -> str:
    return " ".join(line.text.strip() for line in lines if line.text.strip())


def row_reference(row: DataRow) -> tuple[str, tuple[str, ...], str]:
    """(ref, links, criterion text) of a row.

    A ref column wins. Otherwise the first numbered line of the first text column (a
    "Likely to be judged good if" criterion, or "1.1 Ensure that ..."), skipping an "N.0"
    parent heading that is followed by its own "N.1" criterion.
    """
    ref_lines = row.lines("ref")
    if ref_lines:
        ref, links, leftover = split_ref_cell(_plain(ref_lines))
        if not ref and is_short_key(leftover):
            ref = leftover  # a ref column's own wording ("Action 3"), as printed
        return ref, links, ""
    first = next((column for column in row.columns if column.field in ("finding", "area", "action", "outcome")), None)
    if first is None or first.field == "action":
        return "", (), ""
    numbered = numbered_lines(first.lines)
    if not numbered:
        return "", (), ""
    ref, text = numbered[_first_criterion(numbered)]
    # Only a criterion column ("Likely to be judged 'Good' if") names the row's area; an
    # "Area for improvement" text is the finding the action answers (schema, GUIDE).
    criterion = strip_leading_ref(text, ref) if _CRITERION_LABEL.search(first.label) else ""
    return ref, (), criterion


def numbered_lines(lines: Sequence[Line]) -> list[tuple[str, str]]:
    """(ref, text) of each line of a cell that starts with a number: "3.1 Referrals are ..."."""
    return [(leading_ref(line.text), line.text) for line in lines if leading_ref(line.text)]


def _first_criterion(numbered: Sequence[tuple[str, str]]) -> int:
    """Which numbered line names the row: the first, unless it is an "N.0" parent heading
    followed by its own "N.1" item."""
    parent = _PARENT_CRITERION.match(numbered[0][0])
    if parent and len(numbered) > 1 and numbered[1][0].startswith(parent.group(1) + "."):
        return 1
    return 0


def _action_source(row: DataRow) -> tuple[str, list[Line]]:
    for name in ("action", "outcome", "finding"):
        lines = row.lines(name)
        if any(line.text.strip() for line in lines):
            return name, lines
    return "", []


# How a row's action cell became items: its own numbering (extended by sentences to match an
# aligned column), another column's numbering laid over its paragraphs or sentences, its
# paragraphs or bullets matched one to one with the lead or timescale lines, or whole.
SplitStrategy = Literal[
    "enumerated",
    "enumerated+sentences",
    "aligned-paragraphs",
    "aligned-sentences",
    "paragraphs",
    "bullets",
    "single",
    "empty",
]
# splits that another column's entries decided, reported as ``split-by-alignment``
ALIGNED_SPLITS: frozenset[SplitStrategy] = frozenset(
    {"aligned-sentences", "aligned-paragraphs", "enumerated+sentences"}
)


def _split_items(action_lines: list[Line], row: DataRow) -> tuple[list[Item], SplitStrategy]:
    """The action items of a row and how they were found."""
    text = "\n".join(line.text for line in action_lines)
    enumeration = split_enumerated(text)
    if enumeration and (len(enumeration.items) >= 2 or not enumeration.prefix):
        items = list(enumeration.items)
        if enumeration.prefix:
            items[0] = Item(items[0].marker, f"{enumeration.prefix} {items[0].text}".strip(), items[0].inferred)
        for name in ALIGNED_FIELDS:
            other = split_enumerated("\n".join(row.texts(name)))
            if other and len(other.items) > len(items):
                extended = extend_last_item(items, len(other.items), enumeration.style)
                if extended:
                    return list(extended), "enumerated+sentences"
        return items, "enumerated"
    paragraphs = [line for line in action_lines if line.text.strip()]
    for name in ALIGNED_FIELDS:
        other = split_enumerated("\n".join(row.texts(name)))
        if other and len(other.items) >= 2:
            markers = [item.marker for item in other.items]
            if len(paragraphs) == len(markers):
                return [Item(m, line.text, inferred=True) for m, line in zip(markers, paragraphs)], "aligned-paragraphs"
            by_sentence = items_from_sentences(_plain(action_lines), markers)
            if by_sentence:
                return list(by_sentence), "aligned-sentences"
    plain_paragraphs = [line for line in paragraphs if not line.bullet]
    if len(paragraphs) >= 2 and len(plain_paragraphs) == len(paragraphs):
        for name in ("lead", "timescale"):
            other_lines = [line for line in row.lines(name) if line.text.strip()]
            if len(other_lines) == len(paragraphs):
                return [Item(None, line.text) for line in paragraphs], "paragraphs"
    bullets = _bullet_items(action_lines)
    if len(bullets) >= 2:
        for name in ("lead", "timescale"):
            other_lines = [line for line in row.lines(name) if line.text.strip()]
            entries = split_timescale_entries(_plain(other_lines)) if name == "timescale" else []
            if len(other_lines) == len(bullets) or len(entries) == len(bullets):
                return [Item(None, text) for text in bullets], "bullets"
    return [Item(None, format_lines(action_lines))], "single"


def _bullet_items(lines: Sequence[Line]) -> list[str]:
    items: list[str] = []
    for line in lines:
        if line.bullet or not items:
            items.append(line.text.strip())
        else:
            items[-1] = f"{items[-1]} {line.text.strip()}"
    return [item for item in items if item]


def _sub_ref(row_ref: str, marker: str | None) -> str:
    if marker and row_ref:
        return f"{row_ref}/{marker}"
    return marker or row_ref


def _other_text(row: DataRow) -> str:
    parts = [
        f"{column.label or 'unlabelled'}: {format_lines(column.lines)}"
        for column in row.columns
        if column.field is None
    ]
    return " | ".join(parts)


def _source_cells(row: DataRow) -> tuple[tuple[str, str, str], ...]:
    """The row's cells as printed, (field or "", header label, text), for showing an action beside its source."""
    return tuple((column.field or "", column.label or "unlabelled", column.text) for column in row.columns)


def _field_text(row: DataRow, name: str) -> str:
    return " | ".join(
        format_lines(column.lines) for column in row.columns if column.field == name and column.text.strip()
    )


def move_status_lines(row: DataRow) -> DataRow:
    """ "Status: in progress" written on its own line, or as the last sentence, of an action
    or progress cell is the plan's status wording: it moves to a status column of its own
    (after any status column the table has) and leaves the cell it was written in."""
    moved: list[Line] = []
    columns: list[Column] = []
    for column in row.columns:
        if column.field not in STATUS_LINE_FIELDS:
            columns.append(column)
            continue
        kept: list[Line] = []
        for line in column.lines:
            match = _STATUS_LINE.search(line.text)
            if not match:
                kept.append(line)
                continue
            moved.append(Line(line.text[match.start() :].strip()))  # kept whole, label and all: status_text
            rest = line.text[: match.start()].strip()
            if rest:
                kept.append(Line(rest, line.bold, line.bullet))
        columns.append(
            Column(column.field, column.label, tuple(kept))
            if len(kept) != len(column.lines) or kept != list(column.lines)
            else column
        )
    if not moved:
        return row
    columns.append(Column("status", "Status (written in another cell)", tuple(moved)))
    return replace(row, columns=tuple(column for column in columns if column.text.strip()))


def merge_start_column(row: DataRow) -> DataRow:
    """A "Start date" column beside a due-date column: one timescale "start – due" (a range
    gives the start and the due date), or "From start" when only the start is printed."""
    starts = [column for column in row.columns if column.field == "start"]
    if not starts:
        return row
    start_lines = [line for column in starts for line in column.lines if line.text.strip()]
    start = _plain(start_lines)
    dues = [column for column in row.columns if column.field == "timescale"]
    due_lines = [line for column in dues for line in column.lines if line.text.strip()]
    due = _plain(due_lines)
    label = " / ".join(column.label for column in starts + dues)
    if len(start_lines) == 1 and len(due_lines) > 1:
        # one start, a due date per listed item: the start applies to every item
        lines = tuple(Line(f"{start} – {line.text.strip()}", line.bold, line.bullet) for line in due_lines)
    else:
        lines = (Line(f"{start} – {due}" if due else f"From {start}"),)
    merged = Column("timescale", label, lines)
    columns = [column for column in row.columns if column.field not in ("start", "timescale")]
    return replace(row, columns=tuple(columns) + (merged,))


def apply_revised_date(row: DataRow) -> DataRow:
    """Where a "New date" / "Revised" column is empty for this row, the first date column is
    still the due date: nothing was revised."""
    if row.texts("timescale") or not row.texts("original_due"):
        return row
    columns = tuple(
        Column("timescale", column.label, column.lines) if column.field == "original_due" else column
        for column in row.columns
    )
    return replace(row, columns=columns)


_DATE_WORDS_LABEL = re.compile(r"\b(?:dates?|when|timescales?|deadlines?)\b", re.I)


def timescale_from_lead_column(row: DataRow) -> DataRow:
    """A lead column whose header also promises dates ("Those involved with dates for
    completion where appropriate", "Lead / date") is the timescale too, where the table has
    no date column of its own: its cells print both ("Siobhan Murphy – by end of June 2023")."""
    if row.texts("timescale") or any(column.field == "start" for column in row.columns):
        return row
    dated = [column for column in row.columns if column.field == "lead" and _DATE_WORDS_LABEL.search(column.label)]
    if not dated:
        return row
    return replace(
        row, columns=row.columns + tuple(Column("timescale", column.label, column.lines) for column in dated)
    )


def area_from_columns(row: DataRow) -> str:
    """The row's area from the table's first area-style column ("Area of Practice", "Area
    for improvement", "Recommendation", "Issue"), wherever it stands: its text without the
    leading number and up to a bracketed priority such as "(Immediate)" (GUIDE). A criterion
    column ("Likely to be judged 'Good' if") is read by :func:`row_reference` instead."""
    column = next((column for column in row.columns if column.field in AREA_FIELDS and column.text.strip()), None)
    if column is None or _CRITERION_LABEL.search(column.label):
        return ""
    numbered = numbered_lines(column.lines)
    # A cell listing several numbered recommendations or criteria (a parent "3.0" and its
    # "3.1", "3.2") is named by the row's own item, as a criterion column is (GUIDE).
    lines = [line for line in column.lines if line.text.strip()]
    listed = len(numbered) >= 2 and bool(leading_ref(lines[0].text))  # numbered from its first line
    text = numbered[_first_criterion(numbered)][1] if listed else format_lines(column.lines)
    ref = leading_ref(text)
    if ref:
        text = strip_leading_ref(text, ref)
    priority = _BRACKETED_PRIORITY.search(text)
    if priority and text[: priority.start()].strip():
        text = text[: priority.start()]
    return text.strip().rstrip(",;:-–").strip()


_CELL_LABEL = re.compile(r"^\s*(?P<label>[^:\n]{1,40}?)\s*:\s*(?=\S)")
LABELLED_FIELDS = ("lead", "timescale")
"""Cells whose value a plan may open with its own label ("Who: Grace Okoye", "Due: May")."""


def strip_cell_labels(row: DataRow) -> DataRow:
    """A lead or timescale cell that opens with a name for its own field and a colon ("Who:
    Grace Okoye", "By when: June 2025") holds the value after it: the label is the column's
    header printed again, not a lead or a date."""
    columns = []
    for column in row.columns:
        first = column.lines[0] if column.field in LABELLED_FIELDS and column.lines else None
        match = _CELL_LABEL.match(first.text) if first is not None else None
        label = map_header(match.group("label")) if match is not None else None
        if first is None or match is None or label is None or not label.clear or label.field != column.field:
            columns.append(column)
            continue
        lines = (Line(first.text[match.end() :], first.bold, first.bullet),) + column.lines[1:]
        columns.append(Column(column.field, column.label, lines))
    return replace(row, columns=tuple(columns))


def row_to_actions(row: DataRow) -> list[RawAction]:
    """One stitched row to its action records."""
    row = timescale_from_lead_column(merge_start_column(apply_revised_date(move_status_lines(strip_cell_labels(row)))))
    ref, links, criterion = row_reference(row)
    source, action_lines = _action_source(row)
    issues: list[tuple[IssueCode, str]] = list(row.issues)
    if not source:
        issues.append(("empty-action", "row has no action text"))
    if ref and action_lines:
        first = action_lines[0]
        action_lines = [Line(strip_leading_ref(first.text, ref), first.bold, first.bullet)] + action_lines[1:]
    how: SplitStrategy
    items, how = _split_items(action_lines, row) if action_lines else ([Item(None, "")], "empty")
    if how in ALIGNED_SPLITS:
        issues.append(
            (
                "split-by-alignment",
                f"action cell split into {len(items)} items to match the timescale or lead entries ({how})",
            )
        )
    aligned: dict[str, Alignment] = {}
    for name in ALIGNED_FIELDS:
        lines = row.lines(name)
        text = "\n".join(line.text for line in lines if line.text.strip())
        if not text:
            continue
        alignment = align_column(text, [_plain([line]) for line in lines], items, dated=name == "timescale")
        aligned[name] = alignment
        if not alignment.aligned and len(items) > 1:
            issues.append(
                (
                    "unaligned-items",
                    f"{name} cell does not list one entry per action item; whole cell kept on every item",
                )
            )
    area = area_from_columns(row) or criterion or row.area_heading or row.section
    shared: dict[str, Any] = dict(
        links=links,
        section=row.section,
        area=area,
        finding=_field_text(row, "finding"),
        outcome=_field_text(row, "outcome") if source != "outcome" else "",
        measures=_field_text(row, "measures"),
        progress=_field_text(row, "progress"),
        review_date=_field_text(row, "review_date"),
        other=_other_text(row),
        original_due=_field_text(row, "original_due"),
        section_lead=row.section_lead,
    )
    if source == "finding":
        shared["finding"] = ""
    actions = []
    for index, item in enumerate(items):
        texts = {name: _aligned_text(aligned.get(name), index, row, name) for name in ALIGNED_FIELDS}
        if not texts["rag"] and _LEADING_RATING.match(texts["status"]):
            texts["rag"] = texts["status"]  # "Green - on track": one cell gives rating and status
        status_prefix = aligned["status"].prefix if "status" in aligned and aligned["status"].aligned else ""
        if status_prefix:  # "Overall on track: (1) done (2) started": the shared words stay with each item
            texts["status"] = f"{status_prefix} {texts['status']}".strip()
        item_issues = list(issues)
        if item.inferred and item.marker:
            item_issues.append(
                ("inferred-marker", f"item marker '{item.marker}' not printed; inferred from its position")
            )
        actions.append(
            RawAction(
                provenance=Provenance(row.document, row.table, row.row, row.page, row.bbox, _source_cells(row)),
                ref=_sub_ref(ref, item.marker) if how != "paragraphs" else ref,
                action=item.text,
                lead=texts["lead"],
                timescale=texts["timescale"],
                status=texts["status"],
                rag=texts["rag"],
                timescale_prefix=aligned["timescale"].prefix if "timescale" in aligned else "",
                issues=tuple(
                    Issue(row.document, code, message, page=row.page, table=row.table, row=row.row)
                    for code, message in dict.fromkeys(item_issues)
                ),
                **shared,
            )
        )
    return actions


def _aligned_text(alignment: Alignment | None, index: int, row: DataRow, name: str) -> str:
    if alignment is None:
        return ""
    whole = "\n".join(line.text.strip() for line in row.lines(name) if line.text.strip())
    if len(alignment.texts) == 1:
        return alignment.texts[0] if alignment.aligned else whole
    if not alignment.aligned:
        return whole
    return alignment.texts[index] if index < len(alignment.texts) else ""
