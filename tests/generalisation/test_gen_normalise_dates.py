"""Date forms other organisations print, plan dates and revised deadlines (issue #11, item 4).

Hand-written inputs (not cut from a seed); expected values by gold/GUIDE.md, written before
the code that passes them.
"""

from __future__ import annotations

import pytest

from extract.entries import split_timescale_entries
from normalise.plandate import document_date_context, find_plan_date
from normalise.timescale import DateContext, parse_timescale

TRACKER = DateContext(plan_year=2012, plan_date="2012-07-04", own_date=True)
PLAN_2024 = DateContext(plan_year=2024, plan_date="2024-05")


@pytest.mark.parametrize(
    ("text", "context", "start", "due", "original", "codes"),
    [
        # month-year forms
        ("Sep-24", DateContext(), None, "2024-09", None, ()),
        ("Sep-2024", DateContext(), None, "2024-09", None, ()),
        ("sep-24", PLAN_2024, None, "2024-09", None, ()),
        ("Sept-25", DateContext(2024), None, "2025-09", None, ()),
        ("Apr-25 to Mar-26", DateContext(2024), "2025-04", "2026-03", None, ()),
        ("Apr-25 - Mar-26", DateContext(2024), "2025-04", "2026-03", None, ()),
        ("14-Nov-24", DateContext(2024), None, "2024-11-14", None, ()),
        # UK financial quarters and years
        ("Q4 24/25", DateContext(2024), None, "2025-03", None, ()),
        ("Q1 2025/26", DateContext(2024), None, "2025-06", None, ()),
        ("Q3 23/24", DateContext(2023), None, "2023-12", None, ()),
        ("end of Q2 2024/25", DateContext(2024), None, "2024-09", None, ()),
        ("By end Q2 24/25", DateContext(2024), None, "2024-09", None, ()),
        ("Q2 2024", DateContext(2024), None, "2024-06", None, ()),
        ("FY 2024/25", DateContext(2024), None, "2025-03", None, ()),
        ("FY24/25", DateContext(2024), None, "2025-03", None, ()),
        ("2025-26", DateContext(2024), None, "2026-03", None, ()),
        # revised deadlines
        ("January 2025 (revised from Oct 2024)", DateContext(2024), None, "2025-01", "2024-10", ()),
        ("Revised to 31/03/2025 (originally 31/12/2024)", DateContext(2024), None, "2025-03-31", "2024-12-31", ()),
        ("Dec 2024 - extended to Feb 2025", DateContext(2024), None, "2025-02", "2024-12", ()),
        ("June 2025 (was March 2025)", DateContext(2024), None, "2025-06", "2025-03", ()),
        # year-less dates anchored to the plan's own date, with an inferred-year issue
        ("June", TRACKER, None, "2012-06", None, ("inferred-year",)),
        ("30 Sept", TRACKER, None, "2012-09-30", None, ("inferred-year",)),
        ("End of March", TRACKER, None, "2013-03", None, ("inferred-year",)),
        ("December", TRACKER, None, "2012-12", None, ("inferred-year",)),
        ("1st February", DateContext(plan_year=2023, plan_date="2023-11-20", own_date=True), None, "2024-02-01", None, ("inferred-year",)),
        # no plan date to anchor to: no year is invented
        ("June", DateContext(), None, None, None, ("ambiguous-date",)),
        ("June", DateContext(plan_year=2012), None, None, None, ("ambiguous-date",)),
        ("June", DateContext(plan_year=2012, plan_date="2012-07-04"), None, None, None, ("ambiguous-date",)),
    ],
)
def test_date_forms(text, context, start, due, original, codes):
    timescale = parse_timescale(text, context)
    assert (timescale.start, timescale.due, timescale.original_due) == (start, due, original)
    assert timescale.issue_codes == codes


@pytest.mark.parametrize(
    ("texts", "date", "source"),
    [
        (["Quality Improvement Action Tracker", "Compiled on 4 July 2012 by the Governance Team"],
         "2012-07-04", "Compiled on 4 July 2012 by the Governance Team"),
        (["Practice Action Plan", "Version 3.1 - 12/02/2024"], "2024-02-12", "Version 3.1 - 12/02/2024"),
        (["Board action log", "Updated: 3rd March 2023"], "2023-03-03", "Updated: 3rd March 2023"),
        (["Trust Board meeting held on 26 September 2019", "Action log"], "2019-09-26",
         "Trust Board meeting held on 26 September 2019"),
        (["Response to the inspection", "Published November 2018"], "2018-11", "Published November 2018"),
        (["Action plan", "Date of meeting: 14.05.21"], "2021-05-14", "Date of meeting: 14.05.21"),
        (["Improvement plan", "Last updated 01/10/2022", "Date of inspection: 3 May 2022"], "2022-10-01",
         "Last updated 01/10/2022"),
        (["Action Plan", "Date: 12/03/2023"], "2023-03-12", "Date: 12/03/2023"),
        (["Plan", "Approved by the Board on 4 April 2019"], "2019-04-04", "Approved by the Board on 4 April 2019"),
        (["Improvement Plan", "Progress update as at 31st December 2019"], "2019-12-31",
         "Progress update as at 31st December 2019"),
        (["Board of Directors Action Log \u2013 26 September 2019"], "2019-09-26",
         "Board of Directors Action Log \u2013 26 September 2019"),
        (["Quality and Safety Committee tracker, July 2021"], "2021-07", "Quality and Safety Committee tracker, July 2021"),
        (["Board actions to be completed by 4 April 2019"], None, None),
        # an inspection date or a month heading is not the plan's own date
        (["Inspection date: 18-21 June 2019", "Action plan"], None, None),
        (["Action plan", "June 2019", "Actions due"], None, None),
        (["Actions to be completed by March 2020"], None, None),
        (["Actions agreed at the meeting to be completed by 4 April 2019"], None, None),
        (["Care Quality Commission visit 3 May 2022", "Action plan"], None, None),
        (["Date of next review: 1 April 2020"], None, None),
    ],
)
def test_plan_date_from_the_plan_itself(texts, date, source):
    found = find_plan_date(texts)
    if date is None:
        assert found is None
    else:
        assert (found.date.iso(), found.source) == (date, source)


def test_plan_date_anchors_the_reading():
    context, _ = document_date_context(["Action tracker", "Compiled on 4 July 2012"], ["June", "Sept 12"])
    assert context == DateContext(plan_year=2012, plan_date="2012-07-04", own_date=True)


def test_cover_date_anchors_but_an_inspection_date_does_not():
    cover, printed = document_date_context(["Practice action plan", "July 2012"], ["Practice action plan", "July 2012", "June"])
    assert cover == DateContext(plan_year=2012, plan_date="2012-07", own_date=True)
    assert (printed.date.iso(), printed.source) == ("2012-07", "July 2012")
    inspected, printed = document_date_context(["Inspection date: 18 June 2012"], ["Inspection date: 18 June 2012", "June"])
    assert not inspected.own_date and printed is None
    assert parse_timescale("June", inspected).issue_codes == ("ambiguous-date",)


@pytest.mark.parametrize(
    ("cell", "entries"),
    [
        ("January 2025 (revised from Oct 2024)", ["January 2025 (revised from Oct 2024)"]),
        ("Dec 2024 - extended to Feb 2025", ["Dec 2024 - extended to Feb 2025"]),
        ("June 2025 (was March 2025) Sep-25", ["June 2025 (was March 2025)", "Sep-25"]),
        ("Q4 24/25 Q1 25/26", ["Q4 24/25", "Q1 25/26"]),
        ("Sep-24 Dec-24", ["Sep-24", "Dec-24"]),
        ("Apr-25 to Mar-26", ["Apr-25 to Mar-26"]),
    ],
)
def test_new_forms_split_as_one_entry_per_item(cell, entries):
    assert split_timescale_entries(cell) == entries
