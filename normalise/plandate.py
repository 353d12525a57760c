"""The plan's own date: the date a plan says it was written, compiled, updated or published.

A plan prints its own date in a label line near its title or at its foot: "Compiled on 4 July
2012", "Version 3.1 - 12/02/2024", "Updated: 3rd March 2023", "Trust Board meeting held on 26
September 2019", "Published November 2018". That date goes to ``documents.plan_date`` with the
line it was read from in ``plan_date_source``, and anchors the plan's short dates ("June",
"Within 3 months").

Not the plan's own date: an inspection date (the plan answers the inspection, later), a
deadline ("by March 2020"), a next-review date, and a month standing alone as a heading.
Without a labelled date, :func:`printed_plan_date` falls back to a date printed as the title
or under it ("Safeguarding Improvement Plan" / "December 2011", "Plan 2016-18") unless that
text is about the inspection; and reading falls back to :meth:`DateContext.from_texts`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from normalise.status import plain_text
from normalise.timescale import TITLE_TEXTS, DateContext, PartialDate, _title_dates, scan_dates

LABEL_TEXT_CHARACTERS = 160
"""A label line ("Updated: 3 March 2023 by the governance team") is at most this long; longer
texts are prose, whose dates are events the plan reports, not its own date."""
FOOTER_TEXTS = 3
"""Besides the leading :data:`~normalise.timescale.TITLE_TEXTS`, this many closing texts are
searched: trackers often print "Last updated ..." at their foot."""

_OWN_DATE_CUE = re.compile(
    r"^\s*date\b|\b(?:compiled|(?:last\s+)?updated|update\s+(?:on|as\s+at)|version|v\d+(?:\.\d+)*|dated|published|publication"
    r"|date\s+(?:agreed|approved|signed\s+off)|board|committee|action\s+log|tracker|minutes|agenda"
    r"|issued|issue\s+date|as\s+at|as\s+of|meeting|approved|date\s+of\s+(?:plan|meeting|publication|issue|update|report"
    r"|this\s+(?:plan|report|version|document))|(?:plan|document|report)\s+date)\b",
    re.I,
)
# A deadline cue right before the date: "to be completed by 4 April 2019" (but not "approved by
# the Board on 4 April 2019", where "by" names who approved it).
_DEADLINE_BEFORE = re.compile(r"\b(?:by|before|until|till|deadline|due|target|end\s+of|complet\w*)\s*:?\s*$", re.I)
# Dates that are about something else than the plan's writing.
_OTHER_EVENT = re.compile(
    r"\b(?:inspect(?:ion|ed|ors?)?|visit(?:ed)?|next\s+review|review\s+date|to\s+be\s+reviewed)\b", re.I
)


@dataclass(frozen=True)
class PlanDate:
    """The plan's date and the text it was read from."""

    date: PartialDate
    source: str


def _labelled_date(text: str) -> PartialDate | None:
    """The first date in ``text`` that a plan-date cue introduces, with no deadline cue between."""
    if len(text) > LABEL_TEXT_CHARACTERS or _OTHER_EVENT.search(text):
        return None
    for span in scan_dates(text, None):
        if span.point is None or span.point.month is None or span.issue:
            continue
        before = text[: span.begin]
        cues = list(_OWN_DATE_CUE.finditer(before))
        cue = cues[-1] if cues else None
        if cue is not None and not _DEADLINE_BEFORE.search(before[cue.end() :]):
            return span.point
    return None


def _label_candidates(texts: Sequence[str]) -> list[str]:
    cleaned = [plain_text(text) for text in texts if text and text.strip()]
    leading = cleaned[:TITLE_TEXTS]
    return leading + [text for text in cleaned[-FOOTER_TEXTS:] if text not in leading]


def find_plan_date(texts: Sequence[str]) -> PlanDate | None:
    """The date a plan's label line gives as its own, or None.

    ``texts`` are the plan's narrative texts (title lines, notes) in reading order; table cells
    are not searched, as a progress note's "updated 3 May" is an event, not the plan's date.

    >>> find_plan_date(["Action tracker", "Compiled on 4 July 2012"]).date.iso()
    '2012-07-04'
    >>> find_plan_date(["Inspection date: 18 June 2019"]) is None
    True
    """
    for text in _label_candidates(texts):
        date = _labelled_date(text)
        if date is not None:
            return PlanDate(date, text)
    return None


def printed_plan_date(texts: Sequence[str]) -> PlanDate | None:
    """The plan date for ``documents``: a labelled date, else a date printed as or under the title.

    A title or cover date ("December 2011" under the title, "Plan 2016-18") counts unless its
    text is about an inspection or visit; the earliest month-precise one wins, else the year.
    """
    labelled = find_plan_date(texts)
    if labelled is not None:
        return labelled
    found: list[PlanDate] = []
    for text in [plain_text(text) for text in texts if text and text.strip()][:TITLE_TEXTS]:
        if len(text) > 300 or _OTHER_EVENT.search(text):
            continue
        found.extend(PlanDate(date, text) for date in _title_dates(text))
    dated = [plan for plan in found if plan.date.month]
    if dated:
        return min(dated, key=lambda plan: plan.date.first_day())
    return min(found, key=lambda plan: plan.date.year) if found else None


def document_date_context(narrative: Sequence[str], texts: Sequence[str]) -> tuple[DateContext, PlanDate | None]:
    """What a document's dates are read against, and the plan date ``documents`` reports.

    A labelled plan date known to the month anchors the reading; otherwise the reading context
    comes from all the document's texts as before (:meth:`DateContext.from_texts`), and is the
    plan's own date (anchoring year-less dates) only when it is the cover date printed under
    the title ("December 2011"), not an inspection date.
    """
    printed = printed_plan_date(narrative)
    labelled = find_plan_date(narrative)
    if labelled is not None and labelled.date.month:
        return DateContext(plan_year=labelled.date.year, plan_date=labelled.date.iso(), own_date=True), printed
    context = DateContext.from_texts(texts)
    if printed is not None and printed.date.month and printed.date.iso() == context.plan_date:
        context = replace(context, own_date=True)
    return context, printed
