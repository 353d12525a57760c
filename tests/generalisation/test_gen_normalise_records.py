"""End to end: small hand-written TAB-separated plans through ``convert_file`` (issue #11).

The plans imitate a trust's action tracker and a GP practice's plan; they were written for
this issue, not cut from a seed, and the expected records were written before the code.
"""

from __future__ import annotations

import pytest

from actionplans.conversion import convert_file
from extract.model import Provenance, RawAction
from ingest.issues import ISSUE_TYPES
from normalise.document import DocumentContext, normalise_action
from normalise.leads import LeadKnowledge
from normalise.repair import Vocabulary
from normalise.timescale import DateContext


def tsv(*rows: tuple[str, ...] | str) -> str:
    """A text export: tuples are TAB-separated table rows, strings are narrative lines."""
    return "\n".join(row if isinstance(row, str) else "\t".join(row) for row in rows) + "\n"


TRACKER = tsv(
    "Quality Committee Action Tracker",
    "Compiled on 4 July 2012 by the Governance Team",
    ("Ref", "Action", "Lead", "Due date", "Status"),
    ("1", "Refresh the falls policy", "Mohammed Al-Hassan", "June", "Closed"),
    ("2", "Audit sepsis screening on all wards", "Siobhan Ní Bhriain, Head of Nursing", "30 Sept", "Open"),
    ("3", "Recruit two discharge coordinators. Status: in progress - one post filled", "Ngozi Okonjo-Iweala",
     "Sep-12", ""),
    ("4", "Weekly monitoring of hand hygiene", "Infection Control Team",
     "January 2013 (revised from Oct 2012)",
     "Weekly monitoring is in place; the pace needs to be increased to reach full compliance by March 2013"),
)


@pytest.fixture(scope="module")
def tracker(tmp_path_factory):
    path = tmp_path_factory.mktemp("tracker") / "tracker.txt"
    path.write_text(TRACKER, encoding="utf-8")
    result = convert_file(path)
    assert result.record.status in ("success", "partial"), result.record.error
    return result


def test_tracker_plan_date(tracker):
    assert tracker.record.plan_date == "2012-07-04"
    assert tracker.record.plan_date_source == "Compiled on 4 July 2012 by the Governance Team"


def _by_ref(result):
    return {action.ref: action for action in result.actions}


@pytest.mark.parametrize(
    ("ref", "due", "original", "status", "status_text", "people"),
    [
        ("1", "2012-06", "", "completed", "Closed", ("Mohammed Al-Hassan",)),
        ("2", "2012-09-30", "", "", "Open", ("Siobhan Ní Bhriain",)),
        ("3", "2012-09", "", "in_progress", "Status: in progress - one post filled", ("Ngozi Okonjo-Iweala",)),
        ("4", "2013-01", "2012-10", "in_progress",
         "Weekly monitoring is in place; the pace needs to be increased to reach full compliance by March 2013", ()),
    ],
)
def test_tracker_records(tracker, ref, due, original, status, status_text, people):
    action = _by_ref(tracker)[ref]
    assert (action.due_date, action.original_due_date, action.status, action.status_text, action.lead_people) == (
        due, original, status, status_text, people)


def test_status_line_moves_out_of_the_action(tracker):
    assert _by_ref(tracker)["3"].action == "Recruit two discharge coordinators."


def test_inferred_years_are_reported(tracker):
    inferred = [issue for issue in tracker.issues if issue.code == "inferred-year"]
    assert sorted(issue.value for issue in inferred) == ["30 Sept", "June"]
    assert ISSUE_TYPES["inferred-year"].severity == "info"


def test_plan_without_its_own_date(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(tsv(
        "Ofsted inspection of children's services. Inspection date: 18-21 June 2019",
        ("Ref", "Action", "Lead", "Timescale"),
        ("1", "Audit strategy discussions", "Head of Service", "Sept 2019"),
    ), encoding="utf-8")
    result = convert_file(path)
    assert (result.record.plan_date, result.record.plan_date_source) == ("", "")
    assert result.actions[0].due_date == "2019-09"


def test_original_due_column_from_extract():
    raw = RawAction(Provenance("plan.txt", 1, 1), ref="7", action="Close the backlog",
                    timescale="Mar-25", original_due="Dec-24")
    context = DocumentContext(DateContext(2024), Vocabulary.from_texts([]), LeadKnowledge())
    action, _ = normalise_action(raw, context)
    assert (action.due_date, action.original_due_date, action.start_date) == ("2025-03", "2024-12", "")


GP_PLAN = tsv(
    "Riverside Surgery CQC Action Plan",
    "Version 2 - updated 14/11/2023",
    "JS: Jane Sutherland",
    "RK: Ravi Kapoor",
    ("Ref", "Finding", "Action", "Lead", "Target date", "Progress"),
    ("1", "Fridge temperatures not recorded daily", "Introduce a daily fridge log", "JS", "Dec-23",
     "Log introduced; weekly checks in place. Status: complete"),
    ("2", "Safeguarding training out of date", "All clinicians to complete level 3 training", "RK, Aoife Mac Giolla",
     "Q4 23/24", "Training booked for February; not yet completed"),
    ("3", "Complaints not reviewed", "Quarterly complaints review at clinical meeting", "Practice Manager and Lead GP",
     "31 January", "On-going"),
)


@pytest.mark.parametrize(
    ("ref", "people", "roles", "due", "status", "status_text", "progress"),
    [
        ("1", ("Jane Sutherland",), (), "2023-12", "completed", "Status: complete", "Log introduced; weekly checks in place."),
        ("2", ("Ravi Kapoor", "Aoife Mac Giolla"), (), "2024-03", "not_started", "",
         "Training booked for February; not yet completed"),
        ("3", (), ("Practice Manager", "Lead GP"), "2024-01-31", "ongoing", "", "On-going"),
    ],
)
def test_gp_practice_plan(tmp_path, ref, people, roles, due, status, status_text, progress):
    path = tmp_path / "gp.txt"
    path.write_text(GP_PLAN, encoding="utf-8")
    result = convert_file(path)
    assert (result.record.plan_date, result.record.plan_date_source) == ("2023-11-14", "Version 2 - updated 14/11/2023")
    action = _by_ref(result)[ref]
    assert (action.lead_people, action.lead_roles, action.due_date, action.status, action.status_text, action.progress) == (
        people, roles, due, status, status_text, progress)
