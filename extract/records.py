"""Stitched data rows to raw action records (one per action, per gold/GUIDE.md).

``row_to_actions`` decides the row's reference, area and action text, splits enumerated
actions into one record each, and aligns the timescale, lead, status and RAG cells item by
item (:mod:`extract.items`). When an unmarked action cell can only be split by lining it up
with an enumerated timescale or lead cell, it is; when counts do not line up, every item gets
the whole cell and an ``unaligned-items`` issue.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from extract.context import leading_ref, split_ref_cell, strip_leading_ref
from extract.items import (
    Alignment, Item, align_column, extend_last_item, items_from_sentences, split_enumerated,
)
from extract.model import Provenance, RawAction
from extract.tables import DataRow
from ingest.model import Line

EntrySplitter = Callable[[str], list[str]]
ALIGNED_FIELDS = ("timescale", "lead", "status", "rag")
_PARENT_CRITERION = re.compile(r"^(\d+)\.0$")
_CRITERION_LABEL = re.compile(r"judged|criteri|good if|outstanding if", re.I)


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
        ref, links, _ = split_ref_cell(_plain(ref_lines))
        return ref, links, ""
    first = next((column for column in row.columns if column.field in ("finding", "area", "action", "outcome")), None)
    if first is None or first.field == "action":
        return "", (), ""
    numbered = [(leading_ref(line.text), line.text) for line in first.lines if leading_ref(line.text)]
    if not numbered:
        return "", (), ""
    choice = 0
    parent = _PARENT_CRITERION.match(numbered[0][0])
    if parent and len(numbered) > 1 and numbered[1][0].startswith(parent.group(1) + "."):
        choice = 1
    ref, text = numbered[choice]
    # Only a criterion column ("Likely to be judged 'Good' if") names the row's area; an
    # "Area for improvement" text is the finding the action answers (schema, GUIDE).
    criterion = strip_leading_ref(text, ref) if _CRITERION_LABEL.search(first.label) else ""
    return ref, (), criterion


def _action_source(row: DataRow) -> tuple[str, list[Line]]:
    for name in ("action", "outcome", "finding"):
        lines = row.lines(name)
        if any(line.text.strip() for line in lines):
            return name, lines
    return "", []


def _split_items(action_lines: list[Line], row: DataRow, split_entries: EntrySplitter | None) -> tuple[list[Item], str]:
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
            entries = split_entries(_plain(other_lines)) if split_entries and name == "timescale" else []
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
    parts = [f"{column.label or 'unlabelled'}: {format_lines(column.lines)}" for column in row.columns if column.field is None]
    return " | ".join(parts)


def _source_cells(row: DataRow) -> tuple[tuple[str, str, str], ...]:
    """The row's cells as printed, (field or "", header label, text), for showing an action beside its source."""
    return tuple((column.field or "", column.label or "unlabelled", column.text) for column in row.columns)


def _field_text(row: DataRow, name: str) -> str:
    return " | ".join(format_lines(column.lines) for column in row.columns if column.field == name and column.text.strip())


def row_to_actions(row: DataRow, split_entries: EntrySplitter | None = None) -> list[RawAction]:
    """One stitched row to its action records."""
    ref, links, criterion = row_reference(row)
    source, action_lines = _action_source(row)
    issues = list(row.issues)
    if not source:
        issues.append(("empty-action", "row has no action text"))
    if ref and action_lines:
        first = action_lines[0]
        action_lines = [Line(strip_leading_ref(first.text, ref), first.bold, first.bullet)] + action_lines[1:]
    items, how = _split_items(action_lines, row, split_entries) if action_lines else ([Item(None, "")], "empty")
    if how in ("aligned-sentences", "aligned-paragraphs", "enumerated+sentences"):
        issues.append(("split-by-alignment", f"action cell split into {len(items)} items to match the timescale or lead entries ({how})"))
    aligned: dict[str, Alignment] = {}
    for name in ALIGNED_FIELDS:
        lines = row.lines(name)
        text = "\n".join(line.text for line in lines if line.text.strip())
        if not text:
            continue
        alignment = align_column(text, [_plain([line]) for line in lines], items,
                                 split_entries if name == "timescale" else None)
        aligned[name] = alignment
        if not alignment.aligned and len(items) > 1:
            issues.append(("unaligned-items", f"{name} cell does not list one entry per action item; whole cell kept on every item"))
    area = _field_text(row, "area") or row.area_heading or criterion or row.section
    shared = dict(
        links=links, section=row.section, area=area, finding=_field_text(row, "finding"),
        outcome=_field_text(row, "outcome") if source != "outcome" else "",
        measures=_field_text(row, "measures"), progress=_field_text(row, "progress"),
        review_date=_field_text(row, "review_date"), other=_other_text(row),
        section_lead=row.section_lead,
    )
    if source == "finding":
        shared["finding"] = ""
    actions = []
    for index, item in enumerate(items):
        texts = {name: _aligned_text(aligned.get(name), index, row, name) for name in ALIGNED_FIELDS}
        item_issues = list(issues)
        if item.inferred and item.marker:
            item_issues.append(("inferred-marker", f"item marker '{item.marker}' not printed; inferred from its position"))
        actions.append(RawAction(
            provenance=Provenance(row.document, row.table, row.row, row.page, row.bbox, _source_cells(row)),
            ref=_sub_ref(ref, item.marker) if how != "paragraphs" else ref,
            action=item.text,
            lead=texts["lead"], timescale=texts["timescale"], status=texts["status"], rag=texts["rag"],
            timescale_prefix=aligned["timescale"].prefix if "timescale" in aligned else "",
            issues=tuple(dict.fromkeys(item_issues)),
            **shared,
        ))
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
