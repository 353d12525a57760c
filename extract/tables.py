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
from dataclasses import dataclass, field
from typing import Sequence

from extract.context import (
    classify_heading, is_links_only, join_split_cells, leading_ref, section_title,
)
from extract.headers import HeaderSettings, map_header, normalise_header
from extract.items import split_enumerated
from extract.model import Issue
from ingest.model import Cell, Document, Line, Table, TextBlock

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
    first_column_field: str | None = None
    issues: tuple[tuple[str, str], ...] = ()

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
        if index + 1 < len(rows) and _is_split_header_tail(texts, row_texts(rows[index + 1]), settings):
            return index, index + 1
        return index, index
    return None


def _is_split_header_tail(head: list[str], tail: list[str], settings: HeaderSettings) -> bool:
    pairs = [(h, t) for h, t in zip(head, tail) if t]
    if not pairs or any(not h or len(t.split()) > 4 or leading_ref(t) for h, t in pairs):
        return False
    return all(map_header(f"{h} {t}", settings).score >= 99 or t[:1].islower() or t[:1] == "(" for h, t in pairs)


def header_to_map(rows: Sequence[Sequence[Cell | None]], span: tuple[int, int], data_rows: Sequence[Sequence[Cell | None]], settings: HeaderSettings) -> ColumnMap:
    """Build the column map from header row(s); unlabelled columns are recognised by content."""
    first, last = span
    width = max(len(row) for row in rows)
    labels = []
    for column in range(width):
        parts = [row_texts(rows[index])[column] if column < len(rows[index]) else "" for index in range(first, last + 1)]
        labels.append(" ".join(part for part in parts if part).strip())
    fields: list[str | None] = []
    for column, label in enumerate(labels):
        name = map_header(label, settings).field if label and len(label.split()) <= 12 else None
        if name == "ignore":
            name = None
        if not label:
            name = _field_by_content([row_texts(row)[column] for row in data_rows if column < len(row)])
        fields.append(name)
    return ColumnMap(tuple(fields), tuple(labels))


def _field_by_content(values: list[str]) -> str | None:
    filled = [value for value in values if value]
    if filled and sum(1 for value in filled if leading_ref(value) and len(value.split()) <= 6) / len(filled) >= 0.6:
        return "ref"
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
        first_field = next(iter(self.cells))[0] if self.cells else None
        return DataRow(document, self.table, self.row, self.page, columns, self.section, self.area_heading,
                       self.section_lead, first_field, tuple(self.issues))


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
    last_heading: str = ""  # which context the last heading row set, for continuations
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
        garbled: list[str] = []
        if span:
            rows, garbled = _take_long_cells(rows, span)
        body_start = span[1] + 1 if span else 0
        body = rows[body_start:]
        own_map = header_to_map(rows, span, body, self.settings) if span else None
        if own_map is not None:
            for row in rows[: span[0]]:
                self._pre_header_row(row)
            if self.column_map is not None and same_table(self.column_map, own_map):
                own_map = self._better_map(own_map, body)
            else:
                self._start_table(own_map, body)
            self.column_map = own_map if own_map is not None else self.column_map
        elif self.column_map is not None and (abs(table.n_columns - self.column_map.width) <= 1 or table.continued):
            if table.n_columns != self.column_map.width:
                self.issue("column-count-mismatch", f"table piece has {table.n_columns} columns, the table {self.column_map.width}; last column aligned to last", page=table.page)
        else:
            self.flush()
            self.side_tables.append(tuple(tuple(row_texts(row)) for row in rows))
            return
        column_map = self._fit_map(self.column_map, table.n_columns)
        if garbled:
            self._garbled_draft(garbled, table.page, column_map)
        for row in body:
            self._body_row(row, column_map)

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
            self.issue("shifted-header", "repeated header row sits in other columns; its positions used for this piece", " | ".join(l for l in own.labels if l))
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
        row = self._fill_merged_first_cell(row)
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
        cells, leaks = _strip_leaked_labels(row, column_map)
        if self._starts_row([" ".join(line.text for line in lines) for lines in cells], column_map):
            self._new_draft(page, column_map)
        elif self.draft is None:
            self._new_draft(page, column_map)
            self.draft_issue("orphan-continuation", "row looks like a continuation but nothing precedes it")
        assert self.draft is not None
        if leaks:
            self.draft_issue("header-in-cell", "header text printed inside data cells was removed: " + "; ".join(leaks))
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
            return bool(leading_ref(key)) or self.draft is None
        return bool(texts[0]) or self.draft is None


def _take_long_cells(rows: list[tuple[Cell | None, ...]], span: tuple[int, int]) -> tuple[list[tuple[Cell | None, ...]], list[str]]:
    """Header rows sometimes carry a garbled data row's text; split it out of the labels."""
    taken: list[str] = []
    out = list(rows)
    for index in range(span[0], span[1] + 1):
        cleaned = []
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


def _strip_leaked_labels(row: Sequence[Cell | None], column_map: ColumnMap) -> tuple[list[tuple[Line, ...]], list[str]]:
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
        stripped = _strip_label(lines, label)
        if stripped is not lines:
            leaks.append(label)
        out.append(stripped)
    multi_word = [label for label in leaks if len(label.split()) > 1]
    if len(leaks) < 2 or not multi_word:
        return [cell.lines if cell is not None else () for cell in row], []
    return out, leaks


def _strip_label(lines: tuple[Line, ...], label: str) -> tuple[Line, ...]:
    if not lines or not label:
        return lines
    text = lines[0].text
    for candidate in (label, _first_row_part(label)):
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
