"""Columns typed by header wording and by what their cells hold (issue #11, items 1 and 2).

Every input here is written by hand for this issue in the layouts other organisations use
(GP practice plans, inspectorate response plans, trust trackers); none is cut from a seed.
Expected records were written before the code that passes them.
"""

from __future__ import annotations

import re

import pytest
from written_plans import convert, raw_actions, tsv

from actionplans.conversion import convert_file
from actionplans.inspect import describe_extraction
from extract.headers import map_header

# --------------------------------------------------------------------------- header thesaurus

@pytest.mark.parametrize(("header", "field"), [
    # leads: a specific word beats a prefix ("Action owner" is a lead, not the action)
    ("Action owner", "lead"), ("Owner", "lead"), ("Accountable lead", "lead"), ("Named lead", "lead"),
    ("Accountable (lead)", "lead"), ("Champion", "lead"), ("Assigned to", "lead"),
    ("Those involved with dates for completion where appropriate", "lead"),
    ("Responsible officer", "lead"), ("By whom", "lead"), ("Who", "lead"), ("Lead director", "lead"),
    # timescales
    ("When", "timescale"), ("By when", "timescale"), ("Target date", "timescale"), ("Deadline", "timescale"),
    ("Due", "timescale"), ("Due date", "timescale"), ("Completion date", "timescale"),
    ("Start date", "timescale"), ("Milestones", "timescale"), ("Key milestones", "timescale"),
    ("New date", "timescale"), ("Revised date", "timescale"), ("Revised deadline", "timescale"),
    # ratings and status
    ("R/A/G", "rag"), ("BRAG", "rag"), ("B/R/A/G", "rag"), ("RAG status", "rag"), ("RAG rating", "rag"),
    ("Status", "status"), ("Open/Closed", "status"), ("Open / Close", "status"), ("Actions completed", "progress"),
    # progress
    ("Progress update", "progress"), ("Current position", "progress"), ("Comments", "progress"),
    ("Update", "progress"), ("Progress against action", "progress"), ("Commentary", "progress"),
    # refs
    ("Relevant item", "ref"), ("Minute ref", "ref"), ("Minute reference", "ref"), ("Item no", "ref"),
    ("Action number", "ref"), ("Ref.", "ref"), ("Action No.", "ref"),
    # findings / areas
    ("Recommendation", "finding"), ("Area for improvement", "finding"), ("Finding", "finding"),
    ("Priority", "finding"), ("Issue", "finding"), ("Key finding", "finding"), ("Area for development", "finding"),
    # measures
    ("Success measure", "measures"), ("Evidence", "measures"), ("How will we know", "measures"),
    # an impact the plan intends is its outcome; evidence of impact measures it
    ("Intended impact", "outcome"), ("Expected impact", "outcome"), ("Evidence of impact", "measures"),
    ("How will we know we have made a difference?", "measures"), ("Measures of success", "measures"),
    # actions
    ("What we found", "finding"), ("You said", "finding"), ("We did", "progress"), ("Done?", "status"),
    ("Date due", "timescale"), ("Lead(s)", "lead"), ("Officer(s) responsible", "lead"),
    ("Comments/Progress", "progress"), ("Progress / evidence", "progress"), ("Action/Activity", "action"),
    ("Lead/Officer", "lead"), ("Status (Open/Closed)", "status"), ("Minute no", "ref"),
    ("Action to be taken", "action"), ("Expected completion date", "timescale"), ("Overall RAG", "rag"),
    ("Action", "action"), ("Action description", "action"), ("Agreed action", "action"),
    ("Actions to be taken", "action"), ("What we will do", "action"),
])
def test_thesaurus_maps_real_plan_headers(header, field):
    assert map_header(header).field == field


@pytest.mark.parametrize("header", ["2019-2021 Outcomes", "2024/25 Outcomes", "Outcomes 2023-2026"])
def test_years_in_a_header_do_not_hide_its_field(header):
    assert map_header(header).field == "outcome"


@pytest.mark.parametrize("text", ["Jim Gould", "Agency", "Page 3", "See above", "Amber"])
def test_data_cells_still_are_not_headers(text):
    assert map_header(text).field is None


# --------------------------------------------------------------------------- whole plans

GP_PLAN = tsv(
    "Riverside Surgery – patient survey action plan",
    ("Issue", "What we will do", "Action owner", "Target date", "Progress update", "R/A/G"),
    ("Patients find it hard to get through by phone at 8am", "Install a queuing telephone system with call-back",
     "Dr Amara Okafor", "Sep-24", "Contract signed with the supplier", "A"),
    ("Infection control audit is overdue", "Complete the annual infection control audit",
     "Practice Manager", "31/10/2024", "Audit booked", "G"),
)


def test_gp_plan_headers_route_every_field(tmp_path):
    actions = convert(tmp_path, GP_PLAN)
    assert [(a.action, a.lead, a.timescale, a.progress, a.rag) for a in actions] == [
        ("Install a queuing telephone system with call-back", "Dr Amara Okafor", "Sep-24",
         "Contract signed with the supplier", "amber"),
        ("Complete the annual infection control audit", "Practice Manager", "31/10/2024", "Audit booked", "green"),
    ]
    # An "Issue" column is the heading each action answers: it is the record's area.
    assert [a.area for a in actions] == [
        "Patients find it hard to get through by phone at 8am", "Infection control audit is overdue",
    ]


UNKNOWN_HEADERS = tsv(
    ("#", "Topic", "Planned work", "Who's on it", "Finish", "Flag"),
    ("1", "Recording", "Audit ten case files each month and feed back to the teams", "Jo Bloggs", "March 2025", "Amber"),
    ("2", "Supervision", "Introduce a supervision template for all first-line managers", "Head of Service", "Q4 24/25", "Green"),
    ("3", "Training", "Run two workshops on chronologies for front-line staff", "Priya Shah", "Apr-25 to Mar-26", "Red"),
)


def test_content_decides_where_the_header_is_unknown(tmp_path):
    actions = convert(tmp_path, UNKNOWN_HEADERS)
    assert [(a.ref, a.action, a.lead, a.timescale, a.rag) for a in actions] == [
        ("1", "Audit ten case files each month and feed back to the teams", "Jo Bloggs", "March 2025", "amber"),
        ("2", "Introduce a supervision template for all first-line managers", "Head of Service", "Q4 24/25", "green"),
        ("3", "Run two workshops on chronologies for front-line staff", "Priya Shah", "Apr-25 to Mar-26", "red"),
    ]


def test_inspect_shows_each_column_choice_and_its_evidence(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(UNKNOWN_HEADERS, encoding="utf-8")
    text = describe_extraction(path)
    assert re.search(r"Finish -> timescale \(header 0\.\d\d / content dates 1\.0\)", text), text
    assert re.search(r"Flag -> rag \(header 0\.\d\d / content rag 1\.0\)", text), text
    assert "# -> ref (header 0.00 / content refs 1.0)" in text
    path.write_text(GP_PLAN, encoding="utf-8")
    assert "Action owner -> lead (header 0.96 / content people 1.0)" in describe_extraction(path)


def test_clear_header_wins_over_content(tmp_path):
    # A "Comments" column that happens to hold dates stays progress: the header is clear.
    text = tsv(
        ("Ref", "Action", "Lead", "Deadline", "Comments"),
        ("1", "Refresh the escalation policy", "Head of Quality", "June 2024", "March 2024"),
        ("2", "Audit the use of the policy", "Head of Quality", "Dec 2024", "April 2024"),
    )
    actions = convert(tmp_path, text)
    assert [(a.timescale, a.progress) for a in actions] == [("June 2024", "March 2024"), ("Dec 2024", "April 2024")]


def test_status_header_over_rag_letters_is_a_rating(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Deadline", "Status"),
        ("1", "Refresh the escalation policy", "Head of Quality", "June 2024", "G"),
        ("2", "Audit the use of the policy", "Head of Quality", "Dec 2024", "R"),
    )
    actions = convert(tmp_path, text)
    assert [a.rag for a in actions] == ["green", "red"]


def test_revised_date_column_is_the_due_date_and_the_first_date_is_kept(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Date", "New date"),
        ("1", "Publish the revised escalation policy", "Head of Quality", "Oct 2024", "January 2025"),
        ("2", "Train all ward managers on the policy", "Head of Quality", "Dec 2024", ""),
    )
    actions = convert(tmp_path, text)
    assert [(a.timescale, a.due_date) for a in actions] == [("January 2025", "2025-01"), ("Dec 2024", "2024-12")]
    raws = raw_actions(tmp_path, text)
    assert [(r.timescale, r.original_due) for r in raws] == [("January 2025", "Oct 2024"), ("Dec 2024", "")]


def test_start_and_end_columns_give_one_range(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Start date", "Completion date"),
        ("1", "Run the audit programme", "Head of Quality", "April 2024", "March 2025"),
        ("2", "Report the audit findings", "Head of Quality", "", "June 2025"),
        ("3", "Keep the audit going", "Head of Quality", "July 2025", ""),
    )
    actions = convert(tmp_path, text)
    assert [(a.start_date, a.due_date) for a in actions] == [("2024-04", "2025-03"), ("", "2025-06"), ("2025-07", "")]


INSPECTORATE_PLAN = tsv(
    ("Recommendation", "Action", "Those involved with dates for completion where appropriate", "R/A/G"),
    ("Improve the quality of risk of harm assessments (High priority) See paragraphs 2.3 and 2.4",
     "Deliver risk of harm training to all case managers", "Siobhan Murphy, Head of Operations", "R"),
    ("", "Audit twenty cases a quarter against the new standard", "Quality Lead", "A"),
    ("Strengthen management oversight", "Introduce a monthly oversight checklist for managers", "Deputy Director", "G"),
)


def test_recommendation_column_gives_area_and_leads_are_not_lost(tmp_path):
    actions = convert(tmp_path, INSPECTORATE_PLAN)
    assert [(a.area, a.action, a.lead, a.rag) for a in actions] == [
        ("Improve the quality of risk of harm assessments", "Deliver risk of harm training to all case managers",
         "Siobhan Murphy, Head of Operations", "red"),
        ("Improve the quality of risk of harm assessments", "Audit twenty cases a quarter against the new standard",
         "Quality Lead", "amber"),
        ("Strengthen management oversight", "Introduce a monthly oversight checklist for managers", "Deputy Director", "green"),
    ]
    assert actions[0].finding.startswith("Improve the quality of risk of harm assessments (High priority)")


def test_area_column_after_the_action_still_gives_area(tmp_path):
    text = tsv(
        ("Ref", "Action", "Area for improvement", "Lead", "Timescale"),
        ("1.1", "Review every open case over six months old", "3. Timeliness of assessments (Within 3 months)", "Service Manager", "June 2024"),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.area) for a in actions] == [("1.1", "Timeliness of assessments")]


def test_bare_start_and_end_columns_are_typed_by_their_dates(tmp_path):
    text = tsv(
        ("Priority", "Action", "Lead", "Start", "End", "Success criteria", "R/A/G"),
        ("Leadership and management", "Appoint a permanent head of service", "Director of Children's Services",
         "April 2024", "June 2024", "Post filled", "G"),
        ("Quality of practice", "Run a monthly practice week", "Principal Social Worker",
         "May 2024", "March 2025", "Audits graded good or better", "A"),
    )
    actions = convert(tmp_path, text)
    assert [(a.area, a.lead, a.start_date, a.due_date, a.measures, a.rag) for a in actions] == [
        ("Leadership and management", "Director of Children's Services", "2024-04", "2024-06", "Post filled", "green"),
        ("Quality of practice", "Principal Social Worker", "2024-05", "2025-03", "Audits graded good or better", "amber"),
    ]


def test_you_said_we_did_plan(tmp_path):
    text = tsv(
        "Patient participation group – you said, we did (March 2024)",
        ("You said", "We will", "Who", "When", "We did"),
        ("Waiting room is too warm", "Fit blinds to the south windows", "Practice Manager", "May 2024", "Blinds ordered"),
    )
    actions = convert(tmp_path, text)
    assert [(a.area, a.action, a.lead, a.timescale, a.progress) for a in actions] == [
        ("Waiting room is too warm", "Fit blinds to the south windows", "Practice Manager", "May 2024", "Blinds ordered"),
    ]


def test_header_with_several_unknown_labels_is_found_by_its_content(tmp_path):
    text = tsv(
        ("Ref", "Workstream", "Deliverable", "Sponsor", "Go-live", "Status", "Dependencies"),
        ("D1", "Digital", "Launch the online referral form for partner agencies", "Jo Bloggs", "Sep-24", "Complete", "IT capacity"),
        ("D2", "Digital", "Move case recording to the new system for all teams", "Priya Shah", "Q4 24/25", "In progress", "Contract award"),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.area, a.action, a.lead, a.timescale) for a in actions] == [
        ("D1", "Digital", "Launch the online referral form for partner agencies", "Jo Bloggs", "Sep-24"),
        ("D2", "Digital", "Move case recording to the new system for all teams", "Priya Shah", "Q4 24/25"),
    ]


def test_wide_register_of_unknown_labels_is_not_taken_for_a_plan(tmp_path):
    # A contracts register: dates, names and prose, but eleven columns of unknown labels.
    header = ("S. No.", "Supplier", "Contract", "Method", "Signed", "Value", "Currency", "Region", "Category", "Office address", "Phone")
    rows = [
        (str(n), f"{name} Ltd", "Supply of road maintenance vehicles for the northern depots", "Open tender",
         "12 March 2016", "1,200,000", "GBP", "North", "Works", "Unit 4, Riverside Park, Leeds LS1", "0113 000000")
        for n, name in ((1, "Hargreaves"), (2, "Okafor"), (3, "Patel"))
    ]
    path = tmp_path / "register.txt"
    path.write_text(tsv(header, *rows), encoding="utf-8")
    result = convert_file(path)
    assert result.record.status == "skipped" and not result.actions


def test_lead_column_that_promises_dates_is_the_timescale_too(tmp_path):
    text = tsv(
        ("Recommendation", "Action", "Those involved with dates for completion where appropriate"),
        ("Improve risk assessments", "Deliver risk of harm training", "Siobhan Murphy, Head of Operations – by end of June 2023"),
    )
    actions = convert(tmp_path, text)
    assert [(a.lead, a.timescale, a.due_date) for a in actions] == [
        ("Siobhan Murphy, Head of Operations – by end of June 2023", "Siobhan Murphy, Head of Operations – by end of June 2023", "2023-06"),
    ]


def test_one_start_date_applies_to_every_listed_due_date(tmp_path):
    """A single start beside a finish cell listing one date per bullet item: each item gets
    the start and its own finish (GUIDE: a single value applies to every item)."""
    html = ("<table><tr><th>No.</th><th>Action</th><th>Lead</th><th>Start</th><th>Finish</th></tr>"
            "<tr><td>PS2</td><td><ul><li>Review the falls audit tool</li><li>Re-audit every ward</li></ul></td>"
            "<td>Falls Lead</td><td>May-24</td><td><ul><li>Jun-24</li><li>Dec-24</li></ul></td></tr></table>")
    actions = convert(tmp_path, f"<html><body>{html}</body></html>", name="plan.html")
    assert [(a.action, a.start_date, a.due_date) for a in actions] == [
        ("Review the falls audit tool", "2024-05", "2024-06"), ("Re-audit every ward", "2024-05", "2024-12"),
    ]
