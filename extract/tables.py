"""Reader tables to stitched data rows with their context.

The readers hand over tables as they saw them: a plan's one logical table arrives in many
pieces (one per page, or one per row in some exports), with header rows repeated, split over
two rows, shifted by a column or leaked into cells, and rows cut in two by page breaks. This
module walks a document's blocks in order and turns them into :class:`DataRow` objects, one
per source row that starts an action row, carrying its section / area / lead context:

- :func:`find_header` finds the header row (and merges a header split over two rows);
- consecutive pieces with the same header, or none, continue the same logical table;
- heading rows (one cell) become section / area / lead context, never data;
- rows that only continue the previous row after a page break are stitched to it;
- repeated and leaked headers are dropped from the data and reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from extract.columns import FieldChoice, choose_field, column_evidence, is_date_like, is_rating, is_ref_like
from extract.context import (
    HeadingKind,
    classify_heading,
    is_links_only,
    join_split_cells,
    leading_ref,
    row_key_ref,
    section_title,
)
from extract.headers import HeaderSettings, leading_synonym, map_header, normalise_header
from extract.items import split_enumerated
from extract.model import Issue
from ingest.model import BBox, Cell, Document, Line, Table, TextBlock

HEADER_SEARCH_ROWS = 6
"""How many leading rows of a table piece may hold its header."""
MIN_HEADER_SHARE = 0.6
"""Share of a row's non-empty cells that must name a known column for it to be a header."""
MAX_HEADING_WORDS = 40
"""A narrative line longer than this is not taken as a section title."""


@dataclass(frozen=True)
class ColumnMap:
    """The schema field and header label of each column of a logical table."""

    fields: tuple[str | None, ...]
    labels: tuple[str, ...]
    choices: tuple[FieldChoice | None, ...] = ()  # the evidence behind each field, for inspect

    @property
    def width(self) -> int:
        return len(self.fields)

    def field_of(self, column: int) -> str | None:
        return self.fields[column] if column < len(self.fields) else None

    def label_of(self, column: int) -> str:
        return self.labels[column] if column < len(self.labels) else f"column {column + 1}"


@dataclass(frozen=True)
class Column:
    """One non-empty column of a stitched row."""

    field: str | None
    label: str
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class DataRow:
    """One action row, stitched across page breaks, with the context in force above it."""

    document: str
    table: int
    row: int
    page: int | None
    columns: tuple[Column, ...]
    section: str = ""
    area_heading: str = ""
    section_lead: str = ""
    issues: tuple[tuple[str, str], ...] = ()
    bbox: BBox | None = None  # the row's box on its first page (paged formats), for the review page

    def texts(self, name: str) -> list[str]:
        return [column.text for column in self.columns if column.field == name and column.text.strip()]

    def lines(self, name: str) -> list[Line]:
        return [line for column in self.columns if column.field == name for line in column.lines]


@dataclass(frozen=True)
class TableWalk:
    """What :func:`document_to_rows` found."""

    rows: tuple[DataRow, ...]
    issues: tuple[Issue, ...]
    side_tables: tuple[tuple[tuple[str, ...], ...], ...]  # tables with no action header (contents, people lists)
    narrative: tuple[str, ...]  # text blocks and heading texts, in order
    logical_tables: int


# --------------------------------------------------------------------------- headers

def cell_text(cell: Cell | None) -> str:
    return "" if cell is None else " ".join(line.text for line in cell.lines).strip()


def row_texts(row: Sequence[Cell | None]) -> list[str]:
    return [cell_text(cell) for cell in row]


def _is_header_row(texts: list[str], settings: HeaderSettings) -> bool:
    filled = [text for text in texts if text]
    if len(filled) < 2:
        return False
    mapped = sum(1 for text in filled if len(text.split()) <= 12 and map_header(text, settings).field)
    return mapped >= 2 and mapped / len(filled) >= MIN_HEADER_SHARE


def find_header(rows: Sequence[Sequence[Cell | None]], settings: HeaderSettings) -> tuple[int, int] | None:
    """(first, last) row index of the header in the first rows of a table piece, or None.

    A header split over two rows ("Date for" / "completion") spans two indexes.
    """
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = row_texts(row)
        if not _is_header_row(texts, settings):
            continue
        if index + 1 < len(rows) and (_is_split_header_tail(texts, row_texts(rows[index + 1]), settings)
                                      or group_labels(texts, row_texts(rows[index + 1])) is not None):
            return index, index + 1
        return index, index
    return None


MIN_CONTENT_HEADER_COLUMNS = 3
"""A header found by content alone must label at least this many columns."""
MAX_CONTENT_HEADER_COLUMNS = 9
"""Action plans and trackers print a handful of columns; a wider table of unknown labels is
a register or listing (contracts, licences), not a plan, and is left aside."""
MAX_LABEL_WORDS = 6
"""A column label is short; a longer cell is data."""
MIN_CONTENT_TYPED_COLUMNS = 2
"""Typed columns (ref, lead, dates, status, rating) such a header needs besides the action,
at least one of them recognised by its content."""
TYPED_FIELDS = ("ref", "lead", "timescale", "start", "original_due", "status", "rag")


def find_content_header(rows: Sequence[Sequence[Cell | None]], settings: HeaderSettings) -> tuple[int, int] | None:
    """A header row whose labels the thesaurus does not know ("# | Topic | Planned work |
    Who's on it | Finish | Flag"), recognised by what sits below it: a row of short labels
    that are not themselves data (no dates, ratings or refs), over columns whose cells the
    content typing maps to at least two typed fields and an action. Only tried for a table
    piece that would otherwise be set aside, so a continued table never gets a new header."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = row_texts(row)
        filled = [text for text in texts if text]
        if not MIN_CONTENT_HEADER_COLUMNS <= len(filled) <= MAX_CONTENT_HEADER_COLUMNS or index + 1 >= len(rows):
            continue
        if any(len(text.split()) > MAX_LABEL_WORDS or is_date_like(text) or is_rating(text) or is_ref_like(text) for text in filled):
            continue
        column_map = header_to_map(rows, (index, index), rows[index + 1:], settings)
        typed = [name for name in column_map.fields if name in TYPED_FIELDS]
        by_content = [choice for choice in column_map.choices if choice is not None and choice.field and choice.decided_by == "content"]
        if "action" in column_map.fields and len(typed) >= MIN_CONTENT_TYPED_COLUMNS and by_content:
            return index, index
    return None


def _is_split_header_tail(head: list[str], tail: list[str], settings: HeaderSettings) -> bool:
    pairs = [(h, t) for h, t in zip(head, tail) if t]
    if not pairs or any(not h or len(t.split()) > 4 or leading_ref(t) for h, t in pairs):
        return False
    return all(map_header(f"{h} {t}", settings).score >= 99 or t[:1].islower() or t[:1] == "(" for h, t in pairs)


MAX_SUB_LABEL_WORDS = 4
"""A sub-column label under a group heading ("Original", "Revised date") is short."""


def group_labels(head: Sequence[str], tail: Sequence[str]) -> list[str] | None:
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
        if not group or len(sub.split()) > MAX_SUB_LABEL_WORDS or leading_ref(sub) or is_date_like(sub):
            return None
        subs += 1
        widest = max(widest, subs)
        labels[column] = f"{group} / {sub}"
    return labels if widest >= 2 else None


def header_to_map(rows: Sequence[Sequence[Cell | None]], span: tuple[int, int], data_rows: Sequence[Sequence[Cell | None]], settings: HeaderSettings) -> ColumnMap:
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
        parts = [row_texts(rows[index])[column] if column < len(rows[index]) else "" for index in range(first, last + 1)]
        labels.append(" ".join(part for part in parts if part).strip())
    grouped = group_labels(row_texts(rows[first]), row_texts(rows[last])) if last == first + 1 else None
    labels = grouped + labels[len(grouped):] if grouped is not None else labels
    choices = []
    for column, label in enumerate(labels):
        header = map_header(label, settings) if label and len(label.split()) <= 12 else None
        values = [row_texts(row)[column] for row in data_rows if column < len(row)]
        choices.append(choose_field(header, column_evidence(values)))
    fields = route_date_columns([choice.field for choice in choices], labels)
    prose_column = _prose_fallback(fields, choices, data_rows)
    if prose_column is not None:
        fields[prose_column] = "action"
        old = choices[prose_column]
        choices[prose_column] = FieldChoice("action", old.header_score, "prose", _prose_share(data_rows, prose_column), "content")
    return ColumnMap(tuple(fields), tuple(labels), tuple(choices))


_REVISED_LABEL = re.compile(r"\b(?:new|revised|amended|updated|rescheduled|re-?profiled|re-?set|latest|current)\b", re.I)
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


PROSE_ACTION_SHARE = 0.6
"""Share of prose cells that makes an untyped column the action where no header names one."""


def _prose_share(data_rows: Sequence[Sequence[Cell | None]], column: int) -> float:
    return column_evidence([row_texts(row)[column] for row in data_rows if column < len(row)]).prose


def _prose_fallback(fields: Sequence[str | None], choices: Sequence[FieldChoice], data_rows: Sequence[Sequence[Cell | None]]) -> int | None:
    """No column names the action (nor an outcome or finding that could carry it): the first
    column neither header nor content typed whose cells are mostly prose is the action (a
    tracker's "Planned work", "Description of task"). Returns its index, or None."""
    if any(name in fields for name in ("action", "outcome", "finding")):
        return None
    for column, (name, choice) in enumerate(zip(fields, choices)):
        if name is None and choice.decided_by == "none" and _prose_share(data_rows, column) >= PROSE_ACTION_SHARE:
            return column
    return None


def _label_keys(column_map: ColumnMap) -> set[str]:
    return {normalise_header(label) for label in column_map.labels if label}


def _header_parts(column_map: ColumnMap) -> set[str]:
    """Labels plus their word prefixes and suffixes, to spot split or repeated header rows."""
    parts: set[str] = set()
    for label in column_map.labels:
        words = normalise_header(label).split()
        for cut in range(1, len(words) + 1):
            parts.add(" ".join(words[:cut]))
            parts.add(" ".join(words[cut - 1:]))
    return parts


def is_repeated_header(texts: list[str], column_map: ColumnMap) -> bool:
    """A row repeating (parts of) the header, wherever its cells sit."""
    filled = [normalise_header(text) for text in texts if text.strip()]
    if not filled:
        return False
    parts = _header_parts(column_map)
    hits = sum(1 for text in filled if text in parts)
    return hits >= max(1, round(len(filled) * 0.6))


def same_table(a: ColumnMap, b: ColumnMap) -> bool:
    keys_a, keys_b = _label_keys(a), _label_keys(b)
    if not keys_a or not keys_b:
        return False
    return len(keys_a & keys_b) / len(keys_a | keys_b) >= 0.5 or [f for f in a.fields if f] == [f for f in b.fields if f]


# --------------------------------------------------------------------------- walking

@dataclass
class _Draft:
    """A data row being stitched (internal, mutable until frozen into a DataRow)."""

    table: int
    row: int
    page: int | None
    cells: dict[tuple[str | None, str], list[Line]]
    section: str
    area_heading: str
    section_lead: str
    issues: list[tuple[str, str]] = field(default_factory=list)
    bbox: BBox | None = None

    def add_cells(self, row: Sequence[Cell | None]) -> None:
        """Grow the row's box by the reader cells on the row's first page."""
        self.bbox = union_bbox([self.bbox, *(cell.bbox for cell in row if cell is not None and cell.page == self.page)])

    def append(self, key: tuple[str | None, str], lines: tuple[Line, ...]) -> None:
        """Add a cell's lines; a continuation's first line completes the last line (page break)."""
        if not lines:
            return
        existing = self.cells.setdefault(key, [])
        if existing and not lines[0].bullet:
            glued = Line(f"{existing[-1].text} {lines[0].text}".strip(), existing[-1].bold and lines[0].bold, existing[-1].bullet)
            existing[-1] = glued
            existing.extend(lines[1:])
        else:
            existing.extend(lines)

    def freeze(self, document: str) -> DataRow:
        columns = tuple(
            Column(name, label, tuple(lines))
            for (name, label), lines in self.cells.items() if any(line.text.strip() for line in lines)
        )
        return DataRow(document, self.table, self.row, self.page, columns, self.section, self.area_heading,
                       self.section_lead, tuple(self.issues), self.bbox)


@dataclass
class _Walker:
    """Walks a document's blocks in order, keeping the context in force (internal state)."""

    document: str
    settings: HeaderSettings
    rows: list[DataRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    side_tables: list[tuple[tuple[str, ...], ...]] = field(default_factory=list)
    narrative: list[str] = field(default_factory=list)
    column_map: ColumnMap | None = None
    base_map: ColumnMap | None = None  # the map of the table's first header, for shifted repeats
    ref_keyed: bool = False
    table_index: int = 0
    row_index: int = 0
    draft: _Draft | None = None
    section: str = ""
    area_heading: str = ""
    section_lead: str = ""
    last_heading: HeadingKind | Literal[""] = ""  # which context the last heading row set, for continuations
    reported_columns: set[tuple[int, str]] = field(default_factory=set)
    pending_section: str = ""  # heading-like text just before the next table
    first_cell_above: Cell | None = None  # for first-column cells merged downwards (None below)

    # -- output helpers
    def issue(self, code: str, message: str, value: str = "", page: int | None = None, row: int | None = None, column: str = "") -> None:
        self.issues.append(Issue(self.document, code, message, value, page, self.table_index or None, row, column))

    def flush(self) -> None:
        if self.draft is not None:
            self.rows.append(self.draft.freeze(self.document))
            self.draft = None

    # -- context
    def text_block(self, block: TextBlock) -> None:
        """Narrative between tables. Only a heading-like line right before a table becomes
        the section of the rows below; document titles, dated status lines and notes do not."""
        text = " ".join(block.text.split())
        if not text:
            return
        self.narrative.append(text)
        heading = classify_heading(text)
        if heading.kind == "lead":
            self.section_lead = heading.text
        elif heading.kind == "continuation" and self.pending_section:
            # A title wrapped onto a second line that a reader gave as its own block.
            self.pending_section = f"{self.pending_section} {text}"
        elif heading.kind == "area":
            self.area_heading = heading.text
        elif heading.kind == "section" and _heading_like(text):
            self.pending_section = section_title(text)
        else:
            self.pending_section = ""

    def heading_row(self, text: str, page: int | None) -> None:
        self.flush()
        self.narrative.append(text)
        heading = classify_heading(text)
        if heading.kind == "continuation" and self.last_heading:
            self._continue_heading(text)
            return
        if heading.kind == "lead":
            self.section_lead = heading.text
        elif heading.kind == "area":
            self.area_heading = heading.text
        elif heading.kind == "section":
            self.section = section_title(text)
            self.area_heading = ""
            self.section_lead = ""
        else:
            self.issue("unused-text", "heading or note row kept as context only", text, page)
        self.last_heading = heading.kind

    def _continue_heading(self, text: str) -> None:
        if self.last_heading == "area":
            self.area_heading = f"{self.area_heading} {text}"
        elif self.last_heading == "section":
            self.section = f"{self.section} {text}"
        elif self.last_heading == "lead":
            self.section_lead = f"{self.section_lead} {text}"
        else:
            self.issue("unused-text", "heading or note row kept as context only", text)

    # -- tables
    def table(self, table: Table) -> None:
        if self.pending_section:
            self.section, self.area_heading, self.pending_section = self.pending_section, "", ""
        rows = [tuple(row) for row in table.rows]
        if not rows:
            return
        span = find_header(rows, self.settings)
        if span is None and not self._continues_table(table):
            span = find_content_header(rows, self.settings)
        garbled: list[str] = []
        if span:
            rows, garbled = _take_long_cells(rows, span)
        body_start = span[1] + 1 if span else 0
        body = rows[body_start:]
        own_map = header_to_map(rows, span, body, self.settings) if span else None
        if own_map is not None and span is not None:
            for row in rows[: span[0]]:
                self._pre_header_row(row)
            if self.column_map is not None and same_table(self.column_map, own_map):
                own_map = self._better_map(own_map, body)
            else:
                self._start_table(own_map, body)
            self.column_map = own_map if own_map is not None else self.column_map
        elif self.column_map is not None and self._continues_table(table):
            if table.n_columns != self.column_map.width:
                self.issue("column-count-mismatch", f"table piece has {table.n_columns} columns, the table {self.column_map.width}; last column aligned to last", page=table.page)
        else:
            self.flush()
            self.side_tables.append(tuple(tuple(row_texts(row)) for row in rows))
            return
        column_map = self._fit_map(self.column_map, table.n_columns)
        if self.row_index == 0 and not self.ref_keyed and body:  # a header piece with no body of its own
            self.ref_keyed = "ref" in column_map.fields or _mostly_refs(body, column_map)
        if garbled:
            self._garbled_draft(garbled, table.page, column_map)
        for row in body:
            self._body_row(row, column_map)

    def _continues_table(self, table: Table) -> bool:
        """A piece without a header of its own continues the table in progress when its
        width fits (a reader may lose an empty column) or the reader says it continues."""
        return self.column_map is not None and (abs(table.n_columns - self.column_map.width) <= 1 or table.continued)

    def _start_table(self, column_map: ColumnMap, body: Sequence[Sequence[Cell | None]]) -> None:
        self.flush()
        self.table_index += 1
        self.row_index = 0
        self.column_map = column_map
        self.base_map = column_map
        self.first_cell_above = None
        self.ref_keyed = "ref" in column_map.fields or _mostly_refs(body, column_map)
        for column, (name, label) in enumerate(zip(column_map.fields, column_map.labels)):
            if name is None and any(column < len(row) and cell_text(row[column]) for row in body):
                self._report_unmapped(column, label)

    def _report_unmapped(self, column: int, label: str) -> None:
        key = (self.table_index, label or str(column))
        if key not in self.reported_columns:
            self.reported_columns.add(key)
            self.issue("unmapped-column", f"column {column + 1} ({label or 'no header'}) matches no schema field; its text is kept in 'other'", label, column=label or str(column + 1))

    def _better_map(self, own: ColumnMap, body: Sequence[Sequence[Cell | None]]) -> ColumnMap | None:
        """A repeated header may sit shifted; trust it only if the data rows agree with it."""
        base = self.base_map or self.column_map
        assert base is not None
        if own.fields == base.fields:
            return own
        if _map_fit(own, body) > _map_fit(base, body):
            self.issue("shifted-header", "repeated header row sits in other columns; its positions used for this piece", " | ".join(label for label in own.labels if label))
            return own
        return base

    def _fit_map(self, column_map: ColumnMap | None, width: int) -> ColumnMap:
        assert column_map is not None
        if width >= column_map.width or width < 2:
            return column_map
        # A narrower piece usually lost an empty middle column: keep the last column last.
        fields = column_map.fields[: width - 1] + (column_map.fields[-1],)
        labels = column_map.labels[: width - 1] + (column_map.labels[-1],)
        return ColumnMap(fields, labels)

    def _pre_header_row(self, row: Sequence[Cell | None]) -> None:
        texts = [text for text in row_texts(row) if text]
        if texts:
            self.heading_row(" ".join(texts), _row_page(row))

    def _body_row(self, row: Sequence[Cell | None], column_map: ColumnMap) -> None:
        spanned_first = bool(row) and row[0] is None
        row = self._fill_merged_first_cell(row)
        spanned_first = spanned_first and bool(row) and row[0] is not None
        texts = row_texts(row)
        filled = [index for index, text in enumerate(texts) if text]
        page = _row_page(row)
        if not filled:
            return
        if is_repeated_header(texts, column_map):
            leftovers = [texts[i] for i in filled if normalise_header(texts[i]) not in _header_parts(column_map) and len(texts[i].split()) > 12]
            if leftovers:
                self.issue("garbled-row", "header row mixed with other text; the text is kept as a row", " ".join(leftovers), page)
                self._garbled_draft(leftovers, page, column_map)
            return
        if filled == [0] and not is_links_only(texts[0]) and not (self.ref_keyed and leading_ref(texts[0], multi_level_only=True) and classify_heading(texts[0]).kind != "area"):
            if not (classify_heading(texts[0]).kind == "continuation" and not self.last_heading and self.draft is not None):
                self.heading_row(texts[0], page)
                return
        joined, glued = join_split_cells([texts[i] for i in filled])
        if glued and filled[0] == 0 and len(joined.split()) <= 25 and not leading_ref(joined, multi_level_only=True):
            self.issue("split-heading", f"heading text spread over several cells re-joined as {joined!r}", " | ".join(texts[i] for i in filled), page)
            self.heading_row(joined, page)
            return
        self.last_heading = ""
        self.first_cell_above = row[0] if row and row[0] is not None else None
        cells, leaks = _strip_leaked_labels(row, column_map, self.settings)
        cell_texts = [" ".join(line.text for line in lines) for lines in cells]
        if self._starts_row(cell_texts, column_map):
            # Under a first cell merged down, the other key cells (area, finding) may be
            # merged down too: spanned (None), not empty.
            # In a table keyed by a ref column, an empty area / finding cell beside a new ref
            # is merged down from the row above (exports print merged cells once).
            spanned = {index for index, cell in enumerate(row) if cell is None}
            if spanned_first:
                carried = spanned
            elif "ref" in column_map.fields:
                carried = {index for index, name in enumerate(column_map.fields) if name in AREA_KEY_FIELDS and (index >= len(cell_texts) or not cell_texts[index].strip())}
            else:
                carried = set()
            inherited = merged_down_cells(self.draft, carried, column_map) if carried and self.draft is not None else {}
            self._new_draft(page, column_map)
            assert self.draft is not None
            self.draft.cells.update(inherited)
        elif self.draft is not None and is_merged_down_row(cell_texts, column_map):
            empty = {index for index in range(column_map.width) if index >= len(cell_texts) or not cell_texts[index].strip()}
            inherited = merged_down_cells(self.draft, empty, column_map)
            self._new_draft(page, column_map)
            assert self.draft is not None
            self.draft.cells.update(inherited)
        elif self.draft is None:
            self._new_draft(page, column_map)
            self.draft_issue("orphan-continuation", "row looks like a continuation but nothing precedes it")
        assert self.draft is not None
        if leaks:
            self.draft_issue("header-in-cell", "header text printed inside data cells was removed: " + "; ".join(leaks))
        self.draft.add_cells(row)
        for index, lines in enumerate(cells):
            self.draft.append((column_map.field_of(index), column_map.label_of(index)), lines)

    def _garbled_draft(self, texts: list[str], page: int | None, column_map: ColumnMap) -> None:
        """Text found mixed into a header row: keep it as a row of its own, flagged."""
        self.issue("garbled-row", "text mixed into a header row is kept as a row of its own", " ".join(texts), page)
        self._new_draft(page, column_map)
        assert self.draft is not None
        base = self.base_map or column_map
        self.draft.append((base.field_of(0), base.label_of(0)), (Line(" ".join(texts)),))
        self.draft.issues.append(("garbled-row", "row text was mixed with a header row"))

    def _fill_merged_first_cell(self, row: Sequence[Cell | None]) -> Sequence[Cell | None]:
        """A first-column cell merged down over several rows (Word vMerge, HTML rowspan) is
        ``None`` below its origin: those rows are new rows under the same heading cell, not
        page-break continuations. (Spans in other columns cannot be told from horizontal
        ones in the model, so only the first column is filled.)"""
        if not row or row[0] is not None or self.first_cell_above is None:
            return row
        if not any(cell is not None and not cell.is_empty for cell in row[1:]):
            return row
        return (self.first_cell_above,) + tuple(row[1:])

    def draft_issue(self, code: str, message: str) -> None:
        if self.draft is not None:
            self.draft.issues.append((code, message))

    def _new_draft(self, page: int | None, column_map: ColumnMap) -> None:
        self.flush()
        self.row_index += 1
        self.draft = _Draft(self.table_index, self.row_index, page, {}, self.section,
                            self.area_heading, self.section_lead)

    def _starts_row(self, texts: list[str], column_map: ColumnMap) -> bool:
        key_column = column_map.fields.index("ref") if "ref" in column_map.fields else 0
        key = texts[key_column] if key_column < len(texts) else ""
        if is_links_only(key):
            return self.draft is None
        if self.ref_keyed:
            if column_map.field_of(key_column) == "ref":
                return bool(row_key_ref(key) or is_short_key(key)) or self.draft is None
            return bool(leading_ref(key)) or self.draft is None
        return bool(texts[0]) or self.draft is None


MAX_KEY_WORDS = 4
"""A ref-column cell this short that follows no ref pattern ("Action 3", "New") still keys a row."""


def is_short_key(text: str) -> bool:
    """Text in a ref column that is not a continuation: short and not starting lower-case.
    Continuation rows leave the ref column empty; a ref the patterns miss must not glue its
    row to the one above."""
    text = text.strip()
    return bool(text) and len(text.split()) <= MAX_KEY_WORDS and not text[:1].islower()


MERGED_DOWN_FIELDS = ("ref", "area", "finding")
"""Key cells a Word or HTML table merges down over the rows that share them."""
FIRST_MARKERS = ("1", "a", "i", "1a")
"""Markers that start a list: a row whose list starts again is an action row of its own."""
AREA_KEY_FIELDS = ("area", "finding")
"""Key cells a row with its own ref may still share with the row above."""
OWN_VALUE_FIELDS = ("lead", "timescale", "start", "original_due", "status", "rag")
"""Cells that show a row is an action of its own: a page-break continuation rarely fills them."""


def is_merged_down_row(texts: Sequence[str], column_map: ColumnMap) -> bool:
    """A row whose key cell is empty because it is merged down from the row above, but
    which is an action of its own: its action cell starts a new item (an enumeration
    marker, or a capital letter or digit, not a lower-case word that completes the text
    above) and it has its own lead, date, status or rating, or its own enumerated items."""
    def text_of(name: str) -> str:
        return " ".join(texts[i] for i, field_name in enumerate(column_map.fields) if field_name == name and i < len(texts) and texts[i].strip())

    key_column = column_map.fields.index("ref") if "ref" in column_map.fields else 0
    if key_column < len(texts) and texts[key_column].strip():
        return False
    action = text_of("action").strip()
    if not action:
        return False
    enumeration = split_enumerated(action)
    if enumeration is not None and not enumeration.prefix and len(enumeration.items) >= 2 and enumeration.items[0].marker in FIRST_MARKERS:
        return True  # a list of its own; one that goes on from the row above ("3. ... 4. ...") may be a page-break tail
    starts_new = action[:1].isupper() or action[:1].isdigit() or (enumeration is not None and not enumeration.prefix)
    return starts_new and any(text_of(name).strip() for name in OWN_VALUE_FIELDS)


def merged_down_cells(draft: _Draft, columns: set[int], column_map: ColumnMap) -> dict[tuple[str | None, str], list[Line]]:
    """The key cells (ref, area, finding) of the row above, in the given columns (those this
    row leaves empty or spanned)."""
    keys = {(column_map.field_of(i), column_map.label_of(i)) for i in columns if i < column_map.width}
    return {key: list(lines) for key, lines in draft.cells.items() if key[0] in MERGED_DOWN_FIELDS and key in keys}


def _take_long_cells(rows: list[tuple[Cell | None, ...]], span: tuple[int, int]) -> tuple[list[tuple[Cell | None, ...]], list[str]]:
    """Header rows sometimes carry a garbled data row's text; split it out of the labels."""
    taken: list[str] = []
    out = list(rows)
    for index in range(span[0], span[1] + 1):
        cleaned: list[Cell | None] = []
        for cell in rows[index]:
            text = cell_text(cell)
            if len(text.split()) > 12:
                taken.append(text)
                cleaned.append(Cell(page=cell.page if cell else None))
            else:
                cleaned.append(cell)
        out[index] = tuple(cleaned)
    return out, taken


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def union_bbox(boxes: Sequence[BBox | None]) -> BBox | None:
    """The smallest box holding every given box (None when there is none)."""
    known = [box for box in boxes if box is not None]
    if not known:
        return None
    return (min(b[0] for b in known), min(b[1] for b in known), max(b[2] for b in known), max(b[3] for b in known))


def _heading_like(text: str) -> bool:
    """Short, undated, not a list and not a note: "Second review of progress – 26th June
    2012" or "Areas ... themed 1. Practice ... 2. Service ..." are not section headings."""
    return len(text.split()) <= MAX_HEADING_WORDS and not _YEAR.search(text) and split_enumerated(text) is None


def _row_page(row: Sequence[Cell | None]) -> int | None:
    pages = [cell.page for cell in row if cell is not None and cell.page is not None]
    return min(pages) if pages else None


def _mostly_refs(body: Sequence[Sequence[Cell | None]], column_map: ColumnMap) -> bool:
    """Rows are keyed by a reference in their first cell: the first data row has one (a
    continuation never comes first), or most rows do."""
    firsts = [cell_text(row[0]) for row in body if row and cell_text(row[0]) and sum(1 for c in row if cell_text(c)) > 1]
    if not firsts:
        return False
    return bool(leading_ref(firsts[0], multi_level_only=True)) or sum(1 for text in firsts if leading_ref(text)) / len(firsts) >= 0.5


def _map_fit(column_map: ColumnMap, body: Sequence[Sequence[Cell | None]]) -> int:
    """How well a column map fits rows: long text where text belongs, refs where refs belong."""
    score = 0
    for row in body:
        texts = row_texts(row)
        for column, name in enumerate(column_map.fields):
            text = texts[column] if column < len(texts) else ""
            if not text:
                continue
            words = len(text.split())
            if name == "ref":
                score += 1 if leading_ref(text) and words <= 8 else -1
            elif name in ("action", "finding", "outcome"):
                score += 1 if words >= 4 else -1
    return score


def _strip_leaked_labels(row: Sequence[Cell | None], column_map: ColumnMap, settings: HeaderSettings = HeaderSettings()) -> tuple[list[tuple[Line, ...]], list[str]]:
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
        stripped = _strip_label(lines, label, column_map.field_of(index) if index < column_map.width else None, settings)
        if stripped is not lines:
            leaks.append(label)
        out.append(stripped)
    multi_word = [label for label in leaks if len(label.split()) > 1]
    if len(leaks) < 2 or not multi_word:
        return [cell.lines if cell is not None else () for cell in row], []
    return out, leaks


def _strip_label(lines: tuple[Line, ...], label: str, field: str | None = None, settings: HeaderSettings = HeaderSettings()) -> tuple[Line, ...]:
    if not lines or not label:
        return lines
    text = lines[0].text
    for candidate in sorted((label, _first_row_part(label), leading_synonym(text, field, settings)), key=len, reverse=True):  # the longest label printed
        if candidate and normalise_header(text).startswith(normalise_header(candidate)) and normalise_header(text[: len(candidate)]) == normalise_header(candidate):
            rest = text[len(candidate):].strip()
            return ((Line(rest, lines[0].bold, lines[0].bullet),) if rest else ()) + lines[1:]
    return lines


def _first_row_part(label: str) -> str:
    words = label.split()
    return " ".join(words[:2]) if len(words) > 2 else ""


def document_to_rows(document: Document, settings: HeaderSettings = HeaderSettings()) -> TableWalk:
    """Walk a document's blocks in reading order into stitched data rows."""
    walker = _Walker(document.name, settings)
    for block in document.blocks:
        if isinstance(block, TextBlock) and block.furniture:
            walker.narrative.append(" ".join(block.text.split()))  # text, but no context
        elif isinstance(block, TextBlock):
            walker.flush()
            walker.text_block(block)
        else:
            walker.table(block)
    walker.flush()
    return TableWalk(tuple(walker.rows), tuple(walker.issues), tuple(walker.side_tables), tuple(walker.narrative), walker.table_index)
