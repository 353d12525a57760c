"""The catalogue of data-quality issue codes: every code any stage writes, in one place.

Like frictionless' error catalogue: each code is a stable slug with a title and a severity.
``error`` issues make a document ``partial``; ``warning`` issues flag a doubtful value (the
value is left empty or kept as printed); ``info`` issues record what the tool did so it can
be checked (a repaired word, a split by alignment). Analysts filter the ``issues`` table by
these codes, so renaming one is a breaking change. It lives in ``ingest`` (the first stage)
so that every later stage can import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

IssueCode = Literal[
    "unreadable-file",
    "skipped-file",
    "duplicate-file",
    "unreadable-page",
    "truncated-pdf",
    "no-text-layer",
    "decoded-encoding",
    "nested-table",
    "unread-content",
    "control-characters",
    "clamped-span",
    "clamped-numbering",
    "too-many-lines",
    "uncomputed-formula",
    "unmapped-column",
    "shifted-header",
    "column-count-mismatch",
    "header-in-cell",
    "garbled-row",
    "orphan-continuation",
    "split-heading",
    "unused-text",
    "non-action-table",
    "empty-action",
    "split-by-alignment",
    "inferred-marker",
    "unaligned-items",
    "invalid-date",
    "truncated-date",
    "range-reversed",
    "relative-date",
    "ambiguous-date",
    "unparsed-timescale",
    "inferred-year",
    "repaired-word",
    "truncated-cell",
    "overridden",
    "unknown-override-action",
    "invalid-override",
]
"""Every issue code any stage writes; the same codes as the catalogue below (a test checks).
An issue is created with one of these, so a typo in a code is a type error, not a new code."""


@dataclass(frozen=True)
class IssueType:
    code: IssueCode
    title: str
    severity: str  # "error", "warning" or "info"


_TYPES = (
    # files (ingest / pipeline)
    IssueType("unreadable-file", "The file could not be read at all; see documents.error", "error"),
    IssueType("skipped-file", "The file holds no plan tables (empty, no tables)", "info"),
    IssueType(
        "duplicate-file", "The file has the same bytes as another input; its actions are kept under that one", "info"
    ),
    IssueType("unreadable-page", "A page could not be read; the rest of the document was", "error"),
    IssueType("truncated-pdf", "The PDF has no end-of-file marker and may be cut short", "warning"),
    IssueType("no-text-layer", "A page is an image without text (OCR not supported)", "warning"),
    IssueType("decoded-encoding", "The file is not UTF-8; it was decoded with the encoding named", "info"),
    IssueType("nested-table", "A table inside a cell was flattened into the cell's lines", "warning"),
    IssueType("unread-content", "Embedded content (e.g. a pasted document) was not read", "warning"),
    IssueType(
        "control-characters",
        "Invisible control characters (ESC, form feed, line separators...) were removed from the text",
        "info",
    ),
    IssueType(
        "clamped-span", "A merged cell claimed more rows or columns than its table has; cut to the table", "warning"
    ),
    IssueType("clamped-numbering", "A list numbering start beyond any real list was reset", "warning"),
    IssueType(
        "too-many-lines",
        "A page holds more ruling line segments than any table; they were not used to find tables",
        "warning",
    ),
    IssueType(
        "uncomputed-formula", "A spreadsheet formula has no saved value; its text is the issue's value", "warning"
    ),
    # tables and rows (extract)
    IssueType("unmapped-column", "A column matches no schema field; its text is kept in actions.other", "warning"),
    IssueType("shifted-header", "A repeated header sits in other columns; its positions were used", "info"),
    IssueType("column-count-mismatch", "A table piece has a different number of columns from its table", "warning"),
    IssueType("header-in-cell", "Header text printed inside data cells was removed", "info"),
    IssueType("garbled-row", "Row text was mixed with a header row; kept as a row of its own", "error"),
    IssueType("orphan-continuation", "A continuation row had no row before it; kept as a row", "error"),
    IssueType("split-heading", "Heading text spread over several cells was re-joined", "info"),
    IssueType("unused-text", "A note or heading row that is not an action; kept here only", "info"),
    IssueType("non-action-table", "A table with no action columns (not people or glossary either)", "info"),
    IssueType("empty-action", "A row with no action text", "warning"),
    IssueType(
        "split-by-alignment", "An unmarked action cell was split to match enumerated timescales or leads", "info"
    ),
    IssueType("inferred-marker", "An item's number was not printed; inferred from its position", "info"),
    IssueType(
        "unaligned-items", "A timescale/lead cell does not list one entry per action item; whole cell kept", "warning"
    ),
    # values (normalise)
    IssueType("invalid-date", "A date printed is impossible (no such day); left empty", "warning"),
    IssueType("truncated-date", "A date printed is cut off; left empty", "warning"),
    IssueType("range-reversed", "A date range ends before it starts; kept as printed", "warning"),
    IssueType(
        "relative-date", "A deadline relative to the plan date (resolved only when the plan dates itself)", "warning"
    ),
    IssueType("ambiguous-date", "A date could be read more than one way", "warning"),
    IssueType("unparsed-timescale", "The timescale text was not understood; no date given", "warning"),
    IssueType("inferred-year", "A date printed without a year; its year was taken from the plan's own date", "info"),
    IssueType("repaired-word", "A word whose first letters were cut off was restored", "info"),
    # files written (export)
    IssueType(
        "truncated-cell",
        "Text longer than an Excel cell holds was cut in the workbook; CSV and JSON Lines keep it whole",
        "warning",
    ),
    # analysts' corrections (actionplans.overrides, convert --overrides)
    IssueType("overridden", "An analyst's correction set this field (or marked the row not an action)", "info"),
    IssueType(
        "unknown-override-action", "A correction names an action_id no document in the run has; not applied", "warning"
    ),
    IssueType("invalid-override", "A correction line has an unknown field or an invalid value; not applied", "warning"),
)

ISSUE_TYPES: Mapping[str, IssueType] = MappingProxyType({issue.code: issue for issue in _TYPES})
ERROR_CODES = frozenset(code for code, issue in ISSUE_TYPES.items() if issue.severity == "error")
