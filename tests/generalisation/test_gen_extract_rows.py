"""Rows and items of plans from other organisations (issue #11, items 3 and 5).

Compound item markers ("(1a)", "1a)", "1.a", "a."), rows whose ref and area cells are merged
down from the row above but carry their own items, lead or dates, and "Status: ..." lines
written inside other cells. Inputs are written by hand for this issue; none is cut from a seed.
"""

from __future__ import annotations

import pytest
from written_plans import convert, raw_actions, tsv

from extract.items import split_enumerated

# --------------------------------------------------------------------------- compound markers

@pytest.mark.parametrize(("text", "markers", "items"), [
    ("(1a) Agree the audit tool (1b) Audit ten cases (1c) Report to the board",
     ("1a", "1b", "1c"), ("Agree the audit tool", "Audit ten cases", "Report to the board")),
    ("1a) Agree the audit tool 1b) Audit ten cases", ("1a", "1b"), ("Agree the audit tool", "Audit ten cases")),
    ("1.a Agree the audit tool 1.b Audit ten cases", ("1a", "1b"), ("Agree the audit tool", "Audit ten cases")),
    ("a. Agree the audit tool b. Audit ten cases c. Report back",
     ("a", "b", "c"), ("Agree the audit tool", "Audit ten cases", "Report back")),
    ("(2a) Recruit two chairs (2b) Train them (3a) Review the rota",
     ("2a", "2b", "3a"), ("Recruit two chairs", "Train them", "Review the rota")),
])
def test_compound_markers_split_like_the_others(text, markers, items):
    enumeration = split_enumerated(text)
    assert enumeration is not None
    assert enumeration.markers == markers
    assert tuple(item.text for item in enumeration.items) == items


@pytest.mark.parametrize("text", [
    "See section 4.a of the policy for the detail",
    "Meet the needs of group a. The plan covers it",
    "Version 1.2 adopted",
])
def test_prose_with_letters_and_numbers_is_not_enumerated(text):
    assert split_enumerated(text) is None


def test_compound_items_align_with_their_timescales(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Timescale"),
        ("4", "(1a) Agree the audit tool (1b) Audit ten cases", "Quality Lead", "(1a) May 2024 (1b) July 2024"),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.action, a.timescale) for a in actions] == [
        ("4/1a", "Agree the audit tool", "May 2024"), ("4/1b", "Audit ten cases", "July 2024"),
    ]


# --------------------------------------------------------------------------- merged-down rows

MERGED_DOWN = tsv(
    ("Ref", "Area for improvement", "Action", "Lead", "Timescale"),
    ("2", "Care plans are not reviewed on time", "a) Set up a review tracker b) Send weekly reminders", "Team Manager", "a) April 2024 b) May 2024"),
    ("", "", "c) Audit a sample of reviews", "Quality Lead", "June 2024"),
    ("", "", "Report the results to the governance group", "Head of Service", "September 2024"),
    ("3", "Supervision is not recorded", "Introduce a supervision recording template", "Head of Service", "March 2024"),
)


def test_merged_down_row_with_its_own_lead_and_date_is_a_new_record(tmp_path):
    actions = convert(tmp_path, MERGED_DOWN)
    assert [(a.ref, a.area, a.action, a.lead, a.timescale) for a in actions] == [
        ("2/a", "Care plans are not reviewed on time", "Set up a review tracker", "Team Manager", "April 2024"),
        ("2/b", "Care plans are not reviewed on time", "Send weekly reminders", "Team Manager", "May 2024"),
        ("2/c", "Care plans are not reviewed on time", "Audit a sample of reviews", "Quality Lead", "June 2024"),
        ("2", "Care plans are not reviewed on time", "Report the results to the governance group", "Head of Service", "September 2024"),
        ("3", "Supervision is not recorded", "Introduce a supervision recording template", "Head of Service", "March 2024"),
    ]


def test_page_break_continuation_still_joins_the_row_above(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Timescale"),
        ("1", "Review the thresholds document with partners and", "Head of Service", "June 2024"),
        ("", "publish it on the partnership website", "", ""),
        ("2", "Train the front door staff", "Team Manager", "July 2024"),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.action) for a in actions] == [
        ("1", "Review the thresholds document with partners and publish it on the partnership website"),
        ("2", "Train the front door staff"),
    ]


# --------------------------------------------------------------------------- status wording

def test_status_column_words_are_kept_whole(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Due", "Status"),
        ("1", "Refresh the escalation policy", "Head of Quality", "June 2024",
         "Draft written; awaiting sign-off at the July board"),
        ("2", "Audit the use of the policy", "Head of Quality", "Dec 2024", "Complete"),
    )
    raws = raw_actions(tmp_path, text)
    assert [r.status for r in raws] == ["Draft written; awaiting sign-off at the July board", "Complete"]


def test_status_lines_inside_other_cells_move_to_status(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Timescale", "Progress"),
        ("1", "<p>Refresh the escalation policy</p><p>Status: in progress</p>", "Head of Quality", "June 2024", "Draft written"),
        ("2", "Audit the use of the policy", "Head of Quality", "Dec 2024", "Ten cases audited. Status: Completed"),
        ("3", "Report the status of referrals to the board", "Head of Quality", "Dec 2024", ""),
    )
    raws = raw_actions(tmp_path, text)
    assert [(r.action, r.progress, r.status) for r in raws] == [
        ("Refresh the escalation policy", "Draft written", "Status: in progress"),  # schema: the line kept whole
        ("Audit the use of the policy", "Ten cases audited.", "Status: Completed"),
        ("Report the status of referrals to the board", "", ""),
    ]
    actions = convert(tmp_path, text)
    assert [a.status for a in actions] == ["in_progress", "completed", ""]


ROWSPAN_HTML = """<html><body><h1>Improvement plan</h1>
<table>
<tr><th>Ref</th><th>Recommendation</th><th>Action</th><th>Owner</th><th>Deadline</th><th>BRAG</th></tr>
<tr><td rowspan="2">R1</td><td rowspan="2">Improve the timeliness of strategy meetings</td>
<td>Set a 24-hour standard for strategy meetings</td><td>Head of Service</td><td>Sep-24</td><td>G</td></tr>
<tr><td>Audit compliance with the standard monthly</td><td>Quality Lead</td><td>Q4 24/25</td><td>A</td></tr>
<tr><td>R2</td><td>Strengthen supervision</td><td>Introduce a supervision template</td>
<td>Principal Social Worker</td><td>Apr-25 to Mar-26</td><td>R</td></tr>
</table></body></html>
"""


def test_html_rowspan_ref_and_recommendation_carry_down(tmp_path):
    actions = convert(tmp_path, ROWSPAN_HTML, name="plan.html")
    assert [(a.ref, a.area, a.action, a.lead, a.timescale, a.rag) for a in actions] == [
        ("R1", "Improve the timeliness of strategy meetings", "Set a 24-hour standard for strategy meetings",
         "Head of Service", "Sep-24", "green"),
        ("R1", "Improve the timeliness of strategy meetings", "Audit compliance with the standard monthly",
         "Quality Lead", "Q4 24/25", "amber"),
        ("R2", "Strengthen supervision", "Introduce a supervision template", "Principal Social Worker",
         "Apr-25 to Mar-26", "red"),
    ]


def test_status_words_before_enumerated_entries_stay_with_each_item(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Timescale", "Status"),
        ("5", "(1) Agree the audit tool (2) Audit ten cases", "Quality Lead", "June 2024",
         "Reported to board in May: (1) Completed (2) In progress"),
    )
    raws = raw_actions(tmp_path, text)
    assert [(r.ref, r.status) for r in raws] == [
        ("5/1", "Reported to board in May: Completed"), ("5/2", "Reported to board in May: In progress"),
    ]


def test_area_printed_once_beside_several_refs_carries_down(tmp_path):
    text = tsv(
        ("Area for improvement", "Ref", "Action", "Lead", "Timescale"),
        ("Return home interviews are not timely", "4.1", "Commission an independent return home service", "Head of Service", "May 2024"),
        ("", "4.2", "Report completion rates monthly to the board", "Performance Manager", "June 2024"),
        ("Care leavers lack suitable housing", "5.1", "Agree a joint housing protocol", "Housing Lead", "July 2024"),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.area) for a in actions] == [
        ("4.1", "Return home interviews are not timely"),
        ("4.2", "Return home interviews are not timely"),
        ("5.1", "Care leavers lack suitable housing"),
    ]


def test_status_cell_that_opens_with_a_rating_gives_the_rating_too(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Timescale", "Status"),
        ("1", "Refresh the escalation policy", "Head of Quality", "June 2024", "Green - on track"),
        ("2", "Audit the use of the policy", "Head of Quality", "Dec 2024", "Awaiting green light from the board"),
    )
    actions = convert(tmp_path, text)
    assert [a.rag for a in actions] == ["green", ""]
    assert [r.status for r in raw_actions(tmp_path, text)] == ["Green - on track", "Awaiting green light from the board"]


def test_list_going_on_after_a_page_break_stays_with_its_row(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Timescale"),
        ("6", "1. Recruit two chairs 2. Train the chairs", "Head of Service", "(1) June 2024 (2) July 2024 (3) Aug 2024 (4) Sept 2024"),
        ("", "3. Review the conference rota 4. Publish the rota", "", ""),
        ("7", "Publish the conference timetable", "Head of Service", "Sept 2024"),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.action, a.timescale) for a in actions] == [
        ("6/1", "Recruit two chairs", "June 2024"), ("6/2", "Train the chairs", "July 2024"),
        ("6/3", "Review the conference rota", "Aug 2024"), ("6/4", "Publish the rota", "Sept 2024"),
        ("7", "Publish the conference timetable", "Sept 2024"),
    ]
