"""Normalised documents to the dataset's tables (pandas DataFrames), with fixed columns.

Missing values are real nulls (``pd.NA`` in text and integer columns, ``NaT`` in date
columns), so ``isna()`` finds them and SQL and Parquet get NULL, never ``''``. ``due_by``
and ``start_from`` are real dates derived here from the ISO text of ``due_date`` and
``start_date`` (whatever precision those hold), for date filters and "overdue" queries.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from types import MappingProxyType

import pandas as pd

from extract.glossary import GlossaryEntry, PersonEntry
from ingest.issues import ISSUE_TYPES
from ingest.model import Issue
from normalise.model import Action, DocumentRecord, NormalisedDocument

DAY_DATE_COLUMNS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "due_by": ("due_date", "last"),  # the last day the due date allows: "2013-12" -> 2013-12-31
        "start_from": ("start_date", "first"),  # the first day the start date allows: "2012-06" -> 2012-06-01
    }
)
"""Real-date columns of ``actions``: name -> (the ISO text column it reads, which bound)."""
ACTION_COLUMNS = tuple(
    column
    for field in Action.columns()
    for column in ((field, "due_by", "start_from") if field == "due_date" else (field,))
)
DOCUMENT_COLUMNS = (
    "document",
    "source_path",
    *(c for c in DocumentRecord.columns() if c not in ("document", "source_path")),
)
ACTION_LEAD_COLUMNS = ("action_id", "document", "lead", "kind", "position")
ISSUE_COLUMNS = ("document", "action_id", "page", "table", "row", "column", "severity", "code", "message", "value")
GLOSSARY_COLUMNS = ("document", "abbreviation", "expansion")
PEOPLE_COLUMNS = ("document", "name", "job_title")
TABLE_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "actions": ACTION_COLUMNS,
        "documents": DOCUMENT_COLUMNS,
        "issues": ISSUE_COLUMNS,
        "action_leads": ACTION_LEAD_COLUMNS,
        "glossary": GLOSSARY_COLUMNS,
        "people": PEOPLE_COLUMNS,
    }
)
# Action fields that are tuples in the pipeline and "; "-joined text in every dataset file.
LIST_FIELDS = ("links", "lead_people", "lead_roles", "issues", "overridden")
LIST_SEPARATOR = "; "
INTEGER_COLUMNS = frozenset({"page", "table", "row", "pages", "tables", "actions", "position"})
DATE_COLUMNS = ("start_date", "due_date", "original_due_date", "review_date")

COLUMN_HELP: Mapping[str, str] = MappingProxyType(
    {
        "action_id": "stable id of the action: same file content and place, same id on every run",
        "severity": "info, warning or error (error issues make a document partial)",
        "document": "the source file's path relative to the input folder it was found in (the file name when given directly)",
        "source_path": "the file's path as given on the command line or found in a folder",
        "due_by": "real date: the last day due_date allows (2013-12 -> 2013-12-31)",
        "start_from": "real date: the first day start_date allows (2012-06 -> 2012-06-01)",
        "kind": "person or role",
        "lead (action_leads)": "one person's name or one role, team or board, as in lead_people / lead_roles",
        "position": "1-based order of the lead within its action (people first, then roles, as in lead_people and lead_roles)",
        "page": "1-based page where the source row starts (paged formats), else empty",
        "table": "1-based index of the source table within the document",
        "row": "1-based index of the source row within that table (header rows not counted)",
        "section": "enclosing section / pillar / table title, when the plan has one",
        "area": "the heading that groups the action, cut-off words restored",
        "ref": "the reference as printed; sub-items are <row ref>/<marker>",
        "links": "cross-references printed with the ref (OR 1; IN 18)",
        "finding": "the area for improvement / recommendation / criterion the action answers",
        "action": "the action text, without its enumeration marker",
        "outcome": "required / desired outcome",
        "measures": "measures of progress or impact, assurance measures, targets, evidence",
        "lead": "the lead text for this action as printed",
        "lead_people": "person names in lead, '; '-separated, first appearance order",
        "lead_roles": "roles, teams, boards and abbreviations in lead, '; '-separated",
        "timescale": "the timescale text for this action as printed",
        "start_date": "ISO date (partial allowed) the action starts, when stated",
        "due_date": "ISO date (partial allowed) the action is due or was completed",
        "original_due_date": "ISO date (partial allowed) of the first deadline, where the plan prints a revised one",
        "status": "completed, in_progress, not_started, ongoing, or empty",
        "status_text": "the status wording as printed (a status column, a 'Status: ...' line), kept whole",
        "rag": "red, amber, green, or empty",
        "progress": "progress commentary",
        "review_date": "ISO date of the next review, when stated",
        "issues": "codes of the data-quality issues raised on this action, '; '-separated",
        "other": "text of columns that match no schema field, as 'Header: text | ...'",
        "overridden": "fields an analyst's correction set (convert --overrides), '; '-separated",
        "lead_source": "'row' when the row names the lead, 'section' when it comes from a section's lead line",
        "format": "the detected input format (text, pdf, docx, html)",
        "pages": "number of pages (paged formats)",
        "tables": "number of action tables found",
        "actions": "number of action records",
        "status (documents)": "success, partial, failed or skipped",
        "error": "one-line reason when not success",
        "sha256": "SHA-256 of the file's bytes",
        "title": "the document's first title line",
        "plan_date": "the plan's own date (version, compiled, meeting or publication date, or a title date)",
        "plan_date_source": "the text plan_date was read from",
        "column": "the source column the issue concerns",
        "code": "stable issue slug (invalid-date, unaligned-items, ...)",
        "message": "what is wrong, in words",
        "value": "the source text concerned",
        "abbreviation": "abbreviation as printed",
        "expansion": "what the document says it stands for",
        "name": "person's name as printed",
        "job_title": "job title the document gives, if any",
    }
)


NAME_COLUMNS = frozenset({"document", "source_path"})
"""Columns holding a file name or path: single-line by definition, so line breaks and tabs
in them are shown as escapes too (a name with CR must not add a row to a CSV reader)."""

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_UNSAFE_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def visible_text(text: str, single_line: bool = True) -> str:
    r"""Text every writer and terminal accepts, with anything invisible shown as an escape.

    File names that are not valid UTF-8 reach Python as lone surrogates (``surrogateescape``):
    each becomes ``\xNN`` for the byte it stands for, as do control characters (ESC, CR, DEL,
    C1) and the Unicode line separators. ``single_line=False`` keeps line feeds and tabs.

    >>> visible_text("plan\udcff\x1b.txt")
    'plan\\xff\\x1b.txt'
    """
    pattern = _UNSAFE_IN_NAMES if single_line else _UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _frame(rows: Iterable[Mapping[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    rows = [
        {
            key: visible_text(value, key in NAME_COLUMNS) if isinstance(value, str) else value
            for key, value in row.items()
        }
        for row in rows
    ]
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in frame.columns:
        if column in INTEGER_COLUMNS:
            frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
        elif column in DAY_DATE_COLUMNS:
            frame[column] = pd.to_datetime(pd.Series(frame[column].tolist(), dtype="object"), errors="raise").astype(
                "datetime64[s]"
            )
        else:
            frame[column] = frame[column].astype("string").replace("", pd.NA)
    return frame


_ISO_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_bounds(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day an ISO date at any precision allows, or None.

    >>> date_bounds("2013-02")
    (datetime.date(2013, 2, 1), datetime.date(2013, 2, 28))
    """
    match = _ISO_PARTIAL.fullmatch(value or "")
    if not match:
        return None
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    try:
        if month_text and day_text:
            exact = dt.date(year, int(month_text), int(day_text))
            return exact, exact
        if month_text:
            month = int(month_text)
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:  # month 13, day 31 of a short month: not a date
        return None


def _action_row(action: Action) -> dict[str, object]:
    row = asdict(action)
    for column in LIST_FIELDS:
        row[column] = LIST_SEPARATOR.join(row[column])
    for column, (source, bound) in DAY_DATE_COLUMNS.items():
        bounds = date_bounds(row.get(source))
        row[column] = (bounds[0] if bound == "first" else bounds[1]) if bounds else None
    return row


def action_lead_rows(action: Action) -> list[dict[str, object]]:
    """The long form of an action's ``lead_people`` and ``lead_roles``: one row per lead."""
    leads = [(name, "person") for name in _kept(action.lead_people)] + [
        (name, "role") for name in _kept(action.lead_roles)
    ]
    return [
        {"action_id": action.action_id, "document": action.document, "lead": name, "kind": kind, "position": position}
        for position, (name, kind) in enumerate(leads, start=1)
    ]


def _kept(names: tuple[str, ...]) -> list[str]:
    """The non-blank names, stripped: a lead row is never empty."""
    return [name.strip() for name in names if name.strip()]


def documents_to_frames(documents: Iterable[NormalisedDocument]) -> dict[str, pd.DataFrame]:
    """The dataset tables for a batch of documents, in input order."""
    documents = list(documents)
    actions = [_action_row(action) for document in documents for action in document.actions]
    records = [asdict(document.record) for document in documents]
    issues = [_issue_row(issue) for document in documents for issue in document.issues]
    leads = [row for document in documents for action in document.actions for row in action_lead_rows(action)]
    glossary = [_glossary_row(document.record.document, entry) for document in documents for entry in document.glossary]
    people = [_person_row(document.record.document, entry) for document in documents for entry in document.people]
    return {
        "actions": _frame(actions, TABLE_COLUMNS["actions"]),
        "documents": _frame(records, TABLE_COLUMNS["documents"]),
        "issues": _frame(issues, ISSUE_COLUMNS),
        "action_leads": _frame(leads, ACTION_LEAD_COLUMNS),
        "glossary": _frame(glossary, GLOSSARY_COLUMNS),
        "people": _frame(people, PEOPLE_COLUMNS),
    }


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Issue rows that belong to no document's results (an overrides file's problems)."""
    return _frame([_issue_row(issue) for issue in issues], ISSUE_COLUMNS)


def _issue_row(issue: Issue) -> dict[str, object]:
    issue_type = ISSUE_TYPES.get(issue.code)
    return {
        "document": issue.document,
        "action_id": issue.action_id,
        "page": issue.page,
        "table": issue.table,
        "row": issue.row,
        "column": issue.column,
        "severity": issue_type.severity if issue_type else "warning",
        "code": issue.code,
        "message": issue.message,
        "value": issue.value,
    }


def _glossary_row(document: str, entry: GlossaryEntry) -> dict[str, object]:
    return {"document": document, "abbreviation": entry.abbreviation, "expansion": entry.expansion}


def _person_row(document: str, entry: PersonEntry) -> dict[str, object]:
    return {"document": document, "name": entry.name, "job_title": entry.job_title}
