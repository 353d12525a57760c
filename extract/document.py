"""One document to an :class:`Extraction`: action records, issues, glossary and people."""

from __future__ import annotations

from dataclasses import replace

from extract.glossary import (
    GlossaryEntry,
    PersonEntry,
    lines_to_glossary,
    lines_to_people,
    rows_to_glossary,
    text_to_inline_glossary,
)
from extract.headers import HeaderSettings
from extract.model import Extraction
from extract.records import row_to_actions
from extract.settings import DEFAULT_WALK_SETTINGS, WalkSettings
from extract.tables import TableWalk, document_to_rows
from ingest.model import Document, Issue


def extract_document(
    document: Document,
    settings: HeaderSettings = HeaderSettings(),
    *,
    walk_settings: WalkSettings = DEFAULT_WALK_SETTINGS,
) -> Extraction:
    """Turn a read document into raw action records.

    A timescale cell listing several dated entries ("Sept 13 Sept 13 Sept 13 – Jan 14") is
    split into them (:mod:`extract.entries`) to align them with enumerated actions.
    ``walk_settings`` holds the table walk's thresholds (header search, label and heading
    lengths).
    """
    walk = document_to_rows(document, settings, walk_settings)
    actions = [action for row in walk.rows for action in row_to_actions(row)]
    issues = list(document_issues(document)) + list(walk.issues)
    glossary, people, side_issues = side_tables_to_context(walk, document.name)
    issues.extend(side_issues)
    return Extraction(
        document=document.name,
        actions=tuple(actions),
        issues=tuple(issues),
        glossary=tuple(glossary),
        people=tuple(people),
        context_texts=walk.narrative,
        tables=walk.logical_tables,
    )


def document_issues(document: Document) -> list[Issue]:
    """The reader's issues, with the document they concern named."""
    return [replace(issue, document=document.name) for issue in document.issues]


def side_tables_to_context(walk: TableWalk, name: str) -> tuple[list[GlossaryEntry], list[PersonEntry], list[Issue]]:
    """Glossary and people from narrative lines and from tables with no action header.

    A side table that yields neither (a contents page, say) is reported as an issue, its text
    kept in the issue's value, so that no source cell is lost.
    """
    glossary = list(lines_to_glossary(list(walk.narrative)))
    people = list(lines_to_people(list(walk.narrative)))
    issues: list[Issue] = []
    for table in walk.side_tables:
        lines = ["\t".join(cell for cell in row if cell) for row in table]
        table_people = lines_to_people(lines)
        table_glossary = rows_to_glossary(table)
        people.extend(table_people)
        glossary.extend(table_glossary)
        used = len(table_people) + len(table_glossary)
        if used < sum(1 for row in table if any(row)):
            text = " | ".join(" ; ".join(cell for cell in row if cell) for row in table if any(row))
            issues.append(
                Issue(
                    name,
                    "non-action-table",
                    f"table with no action columns ({len(table)} rows, {used} read as people or glossary)",
                    text,
                )
            )
    for text in walk.narrative:
        glossary.extend(text_to_inline_glossary(text))
    return _dedupe_glossary(glossary), _dedupe_people(people), issues


def _dedupe_glossary(entries: list[GlossaryEntry]) -> list[GlossaryEntry]:
    seen: dict[str, GlossaryEntry] = {}
    for entry in entries:
        seen.setdefault(entry.abbreviation, entry)
    return list(seen.values())


def _dedupe_people(entries: list[PersonEntry]) -> list[PersonEntry]:
    seen: dict[str, PersonEntry] = {}
    for entry in entries:
        if entry.name not in seen or (entry.job_title and not seen[entry.name].job_title):
            seen[entry.name] = entry
    return list(seen.values())
