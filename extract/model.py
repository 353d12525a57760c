"""Records the extract stage hands to normalise: raw actions, issues and context, all frozen.

A :class:`RawAction` holds text exactly as the source prints it for one action (after
header mapping, row stitching and sub-item splitting), with its provenance. Nothing here is
parsed into dates, statuses or people yet: that is normalise's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

# The one issue record from ingest to export is defined in ingest (the first stage). It is
# re-exported here only so that modules still importing it from extract (extract/tables.py,
# being restructured on another branch) keep working; new code imports it from ingest.model.
from ingest.model import Issue

__all__ = ["FIELDS", "Extraction", "Issue", "Provenance", "RawAction"]

if TYPE_CHECKING:  # only for annotations; keeps this module importable on its own
    from extract.glossary import GlossaryEntry, PersonEntry

# The schema fields a table column can map to. "ignore" drops a column on purpose
# (user config only); anything unmapped is kept in ``other`` and reported.
FIELDS = (
    "ref",
    "area",
    "finding",
    "action",
    "outcome",
    "measures",
    "lead",
    "timescale",
    "status",
    "rag",
    "progress",
    "review_date",
    "start",
    "original_due",
)
# "start" and "original_due" come from a second date column beside the due date: a "Start
# date" column, or the first deadline where a "New date" / "Revised date" column replaces it.


@dataclass(frozen=True)
class Provenance:
    """Where an action was printed. ``bbox`` is the source row's box on ``page`` (paged
    formats) and ``cells`` the row's (field, header label, text) as printed: the review page
    shows an action beside them."""

    document: str
    table: int
    row: int
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    cells: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class RawAction:
    """One action as printed. Text fields are cleaned of markup, not interpreted."""

    provenance: Provenance
    ref: str = ""
    links: tuple[str, ...] = ()
    section: str = ""
    area: str = ""
    finding: str = ""
    action: str = ""
    outcome: str = ""
    measures: str = ""
    lead: str = ""
    section_lead: str = ""
    timescale: str = ""
    timescale_prefix: str = ""
    original_due: str = ""  # the first deadline, where a "New date"/"Revised" column gives the due date
    status: str = ""
    rag: str = ""
    progress: str = ""
    review_date: str = ""
    other: str = ""
    issues: tuple[Issue, ...] = ()  # raised while extracting, placed at this action's row


@dataclass(frozen=True)
class Extraction:
    """Everything extract found in one document."""

    document: str
    actions: tuple[RawAction, ...]
    issues: tuple[Issue, ...]
    glossary: tuple[GlossaryEntry, ...]
    people: tuple[PersonEntry, ...]
    context_texts: tuple[str, ...]  # titles and narrative text, for date context and vocabulary
    tables: int = 0
