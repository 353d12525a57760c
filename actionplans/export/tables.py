"""Normalised documents to the dataset's tables (pandas DataFrames), with fixed columns."""

from __future__ import annotations

from dataclasses import asdict
from types import MappingProxyType
from typing import Iterable, Mapping

import pandas as pd

from extract.glossary import GlossaryEntry, PersonEntry
from extract.model import Issue
from ingest.issues import ISSUE_TYPES
from normalise.model import Action, DocumentRecord, NormalisedDocument

ISSUE_COLUMNS = ("document", "action_id", "page", "table", "row", "column", "severity", "code", "message", "value")
GLOSSARY_COLUMNS = ("document", "abbreviation", "expansion")
PEOPLE_COLUMNS = ("document", "name", "job_title")
TABLE_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "actions": Action.columns(),
    "documents": DocumentRecord.columns(),
    "issues": ISSUE_COLUMNS,
    "glossary": GLOSSARY_COLUMNS,
    "people": PEOPLE_COLUMNS,
})
INTEGER_COLUMNS = frozenset({"page", "table", "row", "pages", "tables", "actions"})
DATE_COLUMNS = ("start_date", "due_date", "review_date")

COLUMN_HELP: Mapping[str, str] = MappingProxyType({
    "action_id": "stable id of the action: same file content and place, same id on every run",
    "severity": "info, warning or error (error issues make a document partial)",
    "document": "the source file's name",
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
    "status": "completed, in_progress, not_started, ongoing, or empty",
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
    "plan_date": "the plan's own date (or year) as printed, used to read short dates",
    "column": "the source column the issue concerns",
    "code": "stable issue slug (invalid-date, unaligned-items, ...)",
    "message": "what is wrong, in words",
    "value": "the source text concerned",
    "abbreviation": "abbreviation as printed",
    "expansion": "what the document says it stands for",
    "name": "person's name as printed",
    "job_title": "job title the document gives, if any",
})


def _frame(rows: Iterable[Mapping[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(columns))
    for column in frame.columns:
        if column in INTEGER_COLUMNS:
            frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
        else:
            frame[column] = frame[column].astype("string").fillna("")
    return frame


def documents_to_frames(documents: Iterable[NormalisedDocument]) -> dict[str, pd.DataFrame]:
    """The five dataset tables for a batch of documents, in input order."""
    documents = list(documents)
    actions = [asdict(action) for document in documents for action in document.actions]
    records = [asdict(document.record) for document in documents]
    issues = [_issue_row(issue) for document in documents for issue in document.issues]
    glossary = [_glossary_row(document.record.document, entry) for document in documents for entry in document.glossary]
    people = [_person_row(document.record.document, entry) for document in documents for entry in document.people]
    return {
        "actions": _frame(actions, TABLE_COLUMNS["actions"]),
        "documents": _frame(records, TABLE_COLUMNS["documents"]),
        "issues": _frame(issues, ISSUE_COLUMNS),
        "glossary": _frame(glossary, GLOSSARY_COLUMNS),
        "people": _frame(people, PEOPLE_COLUMNS),
    }


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Issue rows that belong to no document's results (an overrides file's problems)."""
    return _frame([_issue_row(issue) for issue in issues], ISSUE_COLUMNS)


def _issue_row(issue: Issue) -> dict[str, object]:
    issue_type = ISSUE_TYPES.get(issue.code)
    return {"document": issue.document, "action_id": issue.action_id, "page": issue.page, "table": issue.table,
            "row": issue.row, "column": issue.column, "severity": issue_type.severity if issue_type else "warning",
            "code": issue.code, "message": issue.message, "value": issue.value}


def _glossary_row(document: str, entry: GlossaryEntry) -> dict[str, object]:
    return {"document": document, "abbreviation": entry.abbreviation, "expansion": entry.expansion}


def _person_row(document: str, entry: PersonEntry) -> dict[str, object]:
    return {"document": document, "name": entry.name, "job_title": entry.job_title}
