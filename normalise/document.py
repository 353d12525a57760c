"""An :class:`extract.model.Extraction` to normalised actions and issue rows.

Per document: a date context (the plan's own year and date, :mod:`normalise.plandate`), a vocabulary for repairing
cut-off words, and lead knowledge (people and abbreviations the plan names) are built once,
then every raw action goes through the normalisers: text cleaning, heading repair, timescale
(start, due, status), progress status and RAG, review date, and lead parsing. Each doubtful
value becomes an issue row beside an empty field, never a guess.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extract.model import Extraction, RawAction
from ingest.issues import IssueCode
from ingest.model import Issue
from normalise.leads import LeadKnowledge, parse_lead
from normalise.model import Action, ActionSource, DocumentRecord, NormalisedDocument
from normalise.plandate import PlanDate, document_date_context
from normalise.repair import Vocabulary, looks_clipped, repair_text
from normalise.settings import LeadSettings
from normalise.status import (
    combine_status,
    find_rag,
    normalise_status,
    status_from_progress,
    status_of_line,
)
from normalise.text import clean_text
from normalise.timescale import DateContext, Timescale, parse_review_date, parse_timescale


@dataclass(frozen=True)
class DocumentContext:
    """What every action of one document is normalised against."""

    dates: DateContext
    vocabulary: Vocabulary
    leads: LeadKnowledge
    plan_date: PlanDate | None = None  # what documents.plan_date reports, with its source text
    lead_settings: LeadSettings = LeadSettings()  # what each reading of a name scores


def build_context(extraction: Extraction, lead_settings: LeadSettings = LeadSettings()) -> DocumentContext:
    texts = list(extraction.context_texts) + [text for action in extraction.actions for text in _action_texts(action)]
    lead_cells = [action.lead for action in extraction.actions if action.lead] + [
        action.section_lead for action in extraction.actions if action.section_lead
    ]
    dates, plan_date = document_date_context(list(extraction.context_texts), texts)
    return DocumentContext(
        dates=dates,
        vocabulary=Vocabulary.from_texts(texts),
        leads=LeadKnowledge.from_document(
            lead_cells,
            list(extraction.people),
            list(extraction.glossary),
            list(extraction.context_texts),
            lead_settings,
        ),
        plan_date=plan_date,
        lead_settings=lead_settings,
    )


def _action_texts(action: RawAction) -> Sequence[str]:
    return (
        action.section,
        action.area,
        action.finding,
        action.action,
        action.outcome,
        action.measures,
        action.lead,
        action.timescale,
        action.progress,
    )


def normalise_extraction(
    extraction: Extraction, record: DocumentRecord, lead_settings: LeadSettings = LeadSettings()
) -> NormalisedDocument:
    """Normalise every action of a document; returns the document with its issue rows."""
    context = build_context(extraction, lead_settings)
    actions: list[Action] = []
    sources: list[ActionSource] = []
    issues: list[Issue] = list(extraction.issues)
    items_in_row: dict[tuple[int, int], int] = {}
    for raw in extraction.actions:
        place = (raw.provenance.table, raw.provenance.row)
        items_in_row[place] = items_in_row.get(place, 0) + 1
        identity = action_identity(record.sha256 or record.document, *place, items_in_row[place])
        action, action_issues = normalise_action(raw, context, identity)
        actions.append(action)
        sources.append(ActionSource(identity, raw.provenance.page, raw.provenance.bbox, raw.provenance.cells))
        issues.extend(action_issues)
    issues = list(dict.fromkeys(issues))  # sub-items of one row share their row's issues: one row each
    title = next((text for text in extraction.context_texts if text.strip()), "")
    record = DocumentRecord(
        document=record.document,
        format=record.format,
        pages=record.pages,
        tables=extraction.tables,
        actions=len(actions),
        status=record.status,
        error=record.error,
        sha256=record.sha256,
        title=clean_text(title)[:300],
        plan_date=context.plan_date.date.iso() if context.plan_date else "",
        plan_date_source=clean_text(context.plan_date.source)[:300] if context.plan_date else "",
    )
    return NormalisedDocument(
        record, tuple(actions), tuple(issues), extraction.glossary, extraction.people, tuple(sources)
    )


def action_identity(document_sha256: str, table: int, row: int, item: int) -> str:
    """A stable id for an action: the same file content and place give the same id on every
    run and machine (``table``, ``row`` and the 1-based ``item`` within that row)."""
    return hashlib.sha256(f"{document_sha256}|{table}|{row}|{item}".encode()).hexdigest()[:16]


def normalise_action(raw: RawAction, context: DocumentContext, action_id: str = "") -> tuple[Action, list[Issue]]:
    """One raw action to its normalised record and issue rows."""
    where = raw.provenance
    issues: list[Issue] = []

    def issue(code: IssueCode, message: str, value: str = "", column: str = "") -> None:
        issues.append(
            Issue(where.document, code, message, value, where.page, where.table, where.row, column, action_id)
        )

    issues.extend(replace(raised, value=raw.ref, action_id=action_id) for raised in raw.issues)
    area = clean_text(raw.area)
    if area and looks_clipped(area, context.vocabulary):
        repaired, repairs = repair_text(area, context.vocabulary)
        for repair in repairs:
            issue("repaired-word", f"cut-off word restored: {repair.before!r} -> {repair.after!r}", area, "area")
        area = repaired
    timescale_text = clean_text(raw.timescale)
    timescale = parse_timescale(timescale_text, context.dates) if timescale_text else None
    timescale_status = timescale.status if timescale else None
    if timescale and timescale_status is None and raw.timescale_prefix:
        timescale_status = parse_timescale(clean_text(raw.timescale_prefix), context.dates).status
    if timescale:
        for code, message in timescale.issues:
            issue(code, message, timescale_text, "timescale")
    original_due = _original_due(raw, timescale, context)
    progress = clean_text(raw.progress)
    # A status column's words and any "Status: ..." line extract moved out of another cell,
    # as printed (extract.records.move_status_lines is the one grammar for such lines).
    status_text = clean_text(raw.status)
    status = combine_status(
        timescale_status,
        status_from_progress(progress) if progress else None,
        (normalise_status(status_text) or status_of_line(status_text)) if status_text else None,
    )
    rag = find_rag(clean_text(raw.rag)) if raw.rag else None
    rag = rag or (find_rag(progress) if progress else None)
    review = clean_text(raw.review_date)
    review_date = parse_review_date(review, context.dates) if review else None
    lead_text = clean_text(raw.lead)
    lead_source = "row" if lead_text else ("section" if raw.section_lead else "")
    # Paragraph breaks separate leads ("All sub groups" / "BSCB Board"): keep them for the parser.
    lead_lines = "\n".join(clean_text(line) for line in (raw.lead or raw.section_lead).splitlines() if line.strip())
    lead = parse_lead(lead_lines, context.leads, context.lead_settings) if lead_lines else None
    codes = tuple(dict.fromkeys(i.code for i in issues))
    action = Action(
        action_id=action_id,
        document=where.document,
        page=where.page,
        table=where.table,
        row=where.row,
        section=clean_text(raw.section),
        area=area,
        ref=raw.ref,
        links=tuple(raw.links),
        finding=clean_text(raw.finding),
        action=clean_text(raw.action),
        outcome=clean_text(raw.outcome),
        measures=clean_text(raw.measures),
        lead=lead_text,
        lead_people=tuple(lead.people) if lead else (),
        lead_roles=tuple(lead.roles) if lead else (),
        timescale=timescale_text,
        start_date=(timescale.start or "") if timescale else "",
        due_date=(timescale.due or "") if timescale else "",
        original_due_date=original_due,
        status=status or "",
        status_text=status_text,
        rag=rag or "",
        progress=progress,
        review_date=review_date or "",
        issues=codes,
        other=clean_text(raw.other),
        lead_source=lead_source,
    )
    return action, issues


def _original_due(raw: RawAction, timescale: Timescale | None, context: DocumentContext) -> str:
    """The first deadline of a revised one: from a revised-deadline column's original date, else
    from the timescale's own "(revised from Oct 2024)"."""
    if raw.original_due.strip():
        original = parse_timescale(clean_text(raw.original_due), context.dates)
        date = original.due or original.start
        if date:
            return date
    return (timescale.original_due or "") if timescale else ""
