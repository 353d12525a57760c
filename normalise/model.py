"""The normalised records: one :class:`Action` per row of the ``actions`` table of
``shared/schema.md``, and the document's other tables, all frozen."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from extract.glossary import GlossaryEntry, PersonEntry
from ingest.issues import IssueCode
from ingest.model import Issue
from normalise.status import Rag, Status


@dataclass(frozen=True)
class Action:
    """One action, as the schema's ``actions`` table has it (plus ``other`` and ``lead_source``).

    List fields are tuples here and joined with "; " only at export
    (:data:`actionplans.export.tables.LIST_FIELDS`), so no stage splits a joined string back."""

    action_id: str
    document: str
    page: int | None
    table: int
    row: int
    section: str
    area: str
    ref: str
    links: tuple[str, ...]
    finding: str
    action: str
    outcome: str
    measures: str
    lead: str
    lead_people: tuple[str, ...]
    lead_roles: tuple[str, ...]
    timescale: str
    start_date: str
    due_date: str
    original_due_date: str
    status: Status | Literal[""]  # "" when the plan states none
    status_text: str
    rag: Rag | Literal[""]
    progress: str
    review_date: str
    issues: tuple[IssueCode, ...]  # issue codes, first appearance order
    other: str = ""
    lead_source: str = ""
    overridden: tuple[str, ...] = ()  # fields an analyst's correction set (actionplans.overrides)

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class DocumentRecord:
    """One row of the ``documents`` table."""

    document: str
    format: str
    pages: int | None
    tables: int
    actions: int
    status: str
    error: str
    sha256: str
    title: str
    plan_date: str
    source_path: str = ""  # the path as given or found; set by the batch (actionplans.pipeline)
    plan_date_source: str = ""  # the text plan_date was read from ("Compiled on 4 July 2012")

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class ActionSource:
    """Where an action was printed, for checking it by eye: the source row's box on its page
    (paged formats) and the row's cells as (field or "", header label, text). Not a dataset table: the
    review page reads it (``sources.jsonl``)."""

    action_id: str
    page: int | None
    bbox: tuple[float, float, float, float] | None
    cells: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class NormalisedDocument:
    """Everything the pipeline knows about one input file, ready to export."""

    record: DocumentRecord
    actions: tuple[Action, ...] = ()
    issues: tuple[Issue, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    people: tuple[PersonEntry, ...] = ()
    sources: tuple[ActionSource, ...] = ()  # one per action, same order
