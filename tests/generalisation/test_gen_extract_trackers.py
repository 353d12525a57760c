"""Board action trackers and logs (issue #11, item 8): Ref / Source / Action / Lead / Due /
Status / Open-Closed. Inputs written by hand for this issue; none is cut from a seed."""

from __future__ import annotations

from written_plans import convert, raw_actions, tsv

BOARD_LOG = tsv(
    "Trust Board action log – compiled 4 July 2012",
    ("Ref", "Source", "Action", "Lead", "Due", "Status", "Open/Closed"),
    ("01.05", "Board 24 May 2012", "Circulate the infection control audit to all members", "Director of Nursing", "June", "Report circulated", "Closed"),
    ("01.06", "Board 24 May 2012", "Bring a paper on winter bed capacity to the next meeting", "Chief Operating Officer", "30 Sept", "Paper in draft", "Open"),
    ("02.01", "Audit Committee", "Review the register of interests and report exceptions", "Company Secretary", "Sep-24", "", "Open"),
)


def test_decimal_refs_in_a_ref_column_are_refs(tmp_path):
    actions = convert(tmp_path, BOARD_LOG)
    assert [(a.ref, a.action, a.lead, a.timescale) for a in actions] == [
        ("01.05", "Circulate the infection control audit to all members", "Director of Nursing", "June"),
        ("01.06", "Bring a paper on winter bed capacity to the next meeting", "Chief Operating Officer", "30 Sept"),
        ("02.01", "Review the register of interests and report exceptions", "Company Secretary", "Sep-24"),
    ]


def test_open_closed_column_is_status_and_status_words_are_kept(tmp_path):
    raws = raw_actions(tmp_path, BOARD_LOG)
    assert [r.status for r in raws] == ["Report circulated\nClosed", "Paper in draft\nOpen", "Open"]
    assert all("Source: " in r.other for r in raws)


MINUTE_REFS = tsv(
    ("Relevant item", "Action", "By whom", "By when", "Status"),
    ("BOD 62/17(l)", "Publish the updated freedom to speak up policy on the intranet", "Director of Workforce", "31 March 2018", "Complete"),
    ("BOD 63/17(c)", "Arrange a board development session on quality improvement", "Trust Secretary", "Q1 2018/19", "Open"),
    ("FPC 12/18", "Present a revised cost improvement programme", "Director of Finance", "Apr-18", "Open"),
)


def test_minute_refs_are_refs_and_each_row_is_its_own_record(tmp_path):
    actions = convert(tmp_path, MINUTE_REFS)
    assert [(a.ref, a.action, a.lead) for a in actions] == [
        ("BOD 62/17(l)", "Publish the updated freedom to speak up policy on the intranet", "Director of Workforce"),
        ("BOD 63/17(c)", "Arrange a board development session on quality improvement", "Trust Secretary"),
        ("FPC 12/18", "Present a revised cost improvement programme", "Director of Finance"),
    ]


def test_minute_refs_without_a_known_header_are_found_by_content(tmp_path):
    text = MINUTE_REFS.replace("Relevant item", "Raised at")
    actions = convert(tmp_path, text)
    assert [a.ref for a in actions] == ["BOD 62/17(l)", "BOD 63/17(c)", "FPC 12/18"]


def test_tracker_with_actions_completed_column(tmp_path):
    text = tsv(
        ("Action No.", "Agreed action", "Action owner", "Deadline", "Actions completed"),
        ("A1", "Set up a weekly bed meeting", "Deputy Chief Nurse", "Oct 2023", "Meetings running since 2 October"),
        ("A2", "Agree the discharge checklist", "Clinical Director", "Nov 2023", ""),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.action, a.lead, a.progress) for a in actions] == [
        ("A1", "Set up a weekly bed meeting", "Deputy Chief Nurse", "Meetings running since 2 October"),
        ("A2", "Agree the discharge checklist", "Clinical Director", ""),
    ]


def test_log_numbers_and_worded_refs_each_key_a_record(tmp_path):
    text = tsv(
        ("Ref", "Action", "Owner", "Due", "Status"),
        ("2023/014", "Update the lone working policy", "Head of Estates", "Jan 2024", "Open"),
        ("", "and brief all community teams on it", "", "", ""),
        ("Action 3", "Review the fire risk assessments", "Head of Estates", "Feb 2024", "Open"),
        ("New", "Replace the door entry system", "Head of Estates", "Mar 2024", "Open"),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.action) for a in actions] == [
        ("2023/014", "Update the lone working policy and brief all community teams on it"),
        ("Action 3", "Review the fire risk assessments"),
        ("New", "Replace the door entry system"),
    ]


def test_coded_refs_that_look_like_a_link_key_their_own_rows(tmp_path):
    """"EH1", "EH2" in a ref column are refs, one per row; a cross-reference cell needs its
    "Links to" label or several codes ("OR 2 IN 18")."""
    text = tsv(
        ("Ref", "Key action", "Accountable lead", "Deadline"),
        ("EH1", "Launch the early help hub", "Amara Okafor", "March 2025"),
        ("EH2", "Train 40 lead professionals", "Early Help Manager", "Sep-25"),
        ("EH3", "Publish the early help offer", "Early Help Manager", "June 2025"),
    )
    assert [(a.ref, a.action, a.due_date) for a in convert(tmp_path, text)] == [
        ("EH1", "Launch the early help hub", "2025-03"), ("EH2", "Train 40 lead professionals", "2025-09"),
        ("EH3", "Publish the early help offer", "2025-06"),
    ]
