"""Extract rules, each on a small fixture cut from a seed plan (lines of data/raw/*.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RAW

from extract import HeaderSettings, extract_document
from extract.context import classify_heading, join_split_cells, split_ref_cell
from extract.headers import map_header
from extract.items import split_enumerated
from extract.tables import document_to_rows
from ingest.model import Document
from ingest.text import lines_to_blocks

PLAN_000 = "000_b6eaf09ee790a9e5.txt"
PLAN_001 = "001_9d4ebbcf78c32af3.txt"
PLAN_002 = "002_93871fd4ab8d0ecd.txt"
PLAN_003 = "003_2a6c1f8cccd38286.txt"
PLAN_004 = "004_466c596bdae4b96c.txt"


def seed_lines(name: str, first: int, last: int) -> list[str]:
    """Lines first..last (1-based, inclusive) of a seed plan."""
    return (RAW / name).read_text(encoding="utf-8").splitlines()[first - 1:last]


def cut(name: str, *spans: tuple[int, int], settings: HeaderSettings = HeaderSettings()):
    lines = [line for first, last in spans for line in seed_lines(name, first, last)]
    document = Document(name=f"cut-{name}", format="text", blocks=lines_to_blocks(lines))
    return extract_document(document, settings)


# --------------------------------------------------------------------------- header mapping

@pytest.mark.parametrize(("header", "field"), [
    ("Lead", "lead"), ("Strategic Lead Officer", "lead"), ("Strategic Lead Office", "lead"),
    ("Delivery Lead", "lead"), ("Responsibility", "lead"), ("Senior Leads", "lead"),
    ("Timescale", "timescale"), ("Timescales", "timescale"), ("Timescale Completion", "timescale"),
    ("Date for completion", "timescale"), ("Targets and Timelines", "timescale"),
    ("Action Required", "action"), ("Actions", "action"), ("Progress points", "action"),
    ("Area of Practice", "area"), ("Area for improvement", "finding"),
    ("Services likely to be judged 'Good' if:", "finding"), ("Required Outcome", "outcome"),
    ("2016-2018 Outcomes", "outcome"), ("Measures of progress against plan Measure of Impact of actions", "measures"),
    ("Evidence / Evaluation of Impact", "measures"), ("Progress at (Inc RAG rating)", "progress"),
    ("RAG", "rag"), ("Date of next review", "review_date"), ("Reference", "ref"),
])
def test_seed_headers_map_to_schema_fields(header, field):
    assert map_header(header).field == field


@pytest.mark.parametrize("text", ["Agency", "Jim Gould", "Page 3", "Supplemented by:-", "Ann Garratt"])
def test_data_cells_are_not_headers(text):
    assert map_header(text).field is None


def test_user_synonyms_route_a_new_header(tmp_path):
    config = tmp_path / "headers.toml"
    config.write_text('[synonyms]\nlead = ["Go-to person"]\ntimescale = ["Finish line"]\n', encoding="utf-8")
    settings = HeaderSettings.from_file(config)
    assert map_header("Go-to person", settings).field == "lead"
    assert map_header("Finish line", settings).field == "timescale"
    assert map_header("Go-to person").field is None  # not in the defaults


def test_config_naming_an_unknown_field_is_refused(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[synonyms]\nowner = ["Who owns it"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown fields"):
        HeaderSettings.from_file(config)


# --------------------------------------------------------------------------- header rows

def test_header_split_over_two_rows_is_merged_and_not_an_action():
    # Plan 002: "Date for" / "completion" and "Progress at" / "(Inc RAG rating)".
    extraction = cut(PLAN_002, (13, 15))
    assert len(extraction.actions) == 1
    action = extraction.actions[0]
    assert action.ref == "1.1"
    assert action.timescale.startswith("April 2012")
    assert "GREEN" in action.progress
    assert "completion" not in action.action


def test_header_repeated_before_every_row_is_dropped():
    # Plan 001 repeats title and header before each criterion row.
    extraction = cut(PLAN_001, (3, 12))
    refs = [action.ref for action in extraction.actions]
    assert refs == ["1.1/i", "1.1/ii", "1.1/iii", "1.2", "1.2", "1.4/iv"]
    assert all("Action Required" not in action.action for action in extraction.actions)
    assert extraction.tables == 1  # one logical table, not three


def test_shifted_repeated_header_keeps_the_established_columns():
    # Plan 004's second header sits one column left; the data rows do not move with it.
    extraction = cut(PLAN_004, (140, 157))
    assert [action.ref for action in extraction.actions] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5"]
    assert extraction.actions[-2].lead == "L&D sub group"


def test_unlabelled_reference_column_is_recognised_by_content():
    extraction = cut(PLAN_004, (142, 144))
    assert [action.ref for action in extraction.actions] == ["1.1", "1.2"]
    assert extraction.actions[0].action.startswith("Through the scrutiny")


def test_unmapped_column_text_is_kept_and_reported():
    extraction = cut(PLAN_004, (142, 144))
    assert extraction.actions[0].other.count("*") == 3
    assert sum(1 for issue in extraction.issues if issue.code == "unmapped-column") == 3


def test_header_text_leaked_into_cells_is_removed():
    extraction = cut(PLAN_002, (50, 51))
    action = extraction.actions[0]
    assert action.ref == "1.12"
    assert action.timescale.startswith("April 2012")
    assert not action.review_date.startswith("Date of next review")
    assert "header-in-cell" in {issue.code for issue in action.issues}


# --------------------------------------------------------------------------- context rows

def test_pillar_outcome_and_accountable_lead_rows_are_context():
    extraction = cut(PLAN_003, (257, 268))
    first = extraction.actions[0]
    assert first.section.startswith("Pillar One")
    assert first.area == "Leaders and managers are clear about expectations and gaps in knowledge and good management practices are identified"
    assert first.section_lead == "Malcolm Newsam"
    assert first.lead == ""
    assert first.ref == "1.1.1" and first.links == ("OR 1",)


@pytest.mark.parametrize(("text", "kind"), [
    ("Pillar Two: Putting in place effective front-line practice", "section"),
    ("2.1 Outcome – Deliver a robust programme", "area"),
    ("6.2 Operational: Performance measures are in place", "area"),
    ("Accountable Leads: Ann Goldsmith", "lead"),
    ("Key Objectives: Appropriate decisions about the responses required", "note"),
    ("and actions which analyse risk", "continuation"),
])
def test_heading_rows_are_classified(text, kind):
    assert classify_heading(text).kind == kind


def test_heading_split_across_cells_is_rejoined():
    text, glued = join_split_cells(["2. Service management -", "- within Children's Service a", "nd across Service", "s"])
    assert glued
    assert text == "2. Service management - within Children's Service and across Services"


def test_section_heading_row_in_a_table_applies_below():
    extraction = cut(PLAN_002, (65, 68))
    assert extraction.actions[0].ref == "2.1"
    assert extraction.actions[0].section == "Service management - within Children's Service and across Services"


def test_table_without_header_continues_the_previous_table():
    # Plan 000: the BSCB plan table follows with no header row of its own.
    extraction = cut(PLAN_000, (1, 3), (10, 12))
    bscb = [action for action in extraction.actions if action.area == "Private Fostering"]
    assert len(bscb) == 4
    assert bscb[0].section == "Bradford Safeguarding Children Board Improvement Plan"
    assert bscb[0].lead.startswith("Kate Leahy")


@pytest.mark.parametrize(("cell", "expected"), [
    ("1.1.1 Links to OR 1", ("1.1.1", ("OR 1",))),
    ("2.1.1 Links to OR 2 OR 9 IN 8 IN18", ("2.1.1", ("OR 2", "OR 9", "IN 8", "IN 18"))),
    ("2.4.1 IN 9", ("2.4.1", ("IN 9",))),
    ("1.1.5", ("1.1.5", ())),
])
def test_ref_cells_give_ref_and_links(cell, expected):
    assert split_ref_cell(cell)[:2] == expected


# --------------------------------------------------------------------------- stitching

def test_row_continued_after_a_page_break_is_stitched():
    # Plan 003: "1.1.3 ... leaders, managers" / (page break) / "and staff to ensure ...".
    extraction = cut(PLAN_003, (260, 260), (264, 266))
    assert len(extraction.actions) == 1
    assert extraction.actions[0].action.endswith("expectations of leaders, managers and staff to ensure they are clear about what is required")
    assert extraction.actions[0].measures.endswith("Evaluation and review of the impact of the programme informed by staff feedback")


def test_continuation_rows_without_ref_join_their_row():
    # Plan 002 row 1.4 continues over three rows with no reference.
    extraction = cut(PLAN_002, (23, 27))
    assert len(extraction.actions) == 1
    action = extraction.actions[0]
    assert "Audit by LSCB" in action.action
    assert action.lead.split()[-2:] == ["Jim", "Gould"]
    assert action.timescale.endswith("September 2012")


def test_links_only_continuation_row_adds_links():
    extraction = cut(PLAN_003, (260, 260), (399, 401))
    assert extraction.actions[0].ref == "5.3.1"
    assert extraction.actions[0].links == ("OR 12", "IN 13")
    assert extraction.actions[0].action.endswith("areas for attention outlined by inspection findings and other information")


def test_narrower_piece_after_a_page_break_keeps_last_column_last():
    extraction = cut(PLAN_003, (260, 260), (417, 420))
    first = extraction.actions[0]
    assert first.ref == "6.3.1" and first.lead == ""
    assert "Children's Social Services Management Team" in first.measures


def test_garbled_row_is_kept_and_flagged():
    extraction = cut(PLAN_002, (53, 57))
    garbled = [action for action in extraction.actions if action.ref == "1.14"]
    assert len(garbled) == 1
    assert "garbled-row" in {issue.code for issue in garbled[0].issues}
    assert "Retherate advice" in garbled[0].finding or "Retherate advice" in garbled[0].action
    assert any(issue.code == "garbled-row" for issue in extraction.issues)


# --------------------------------------------------------------------------- enumerations

@pytest.mark.parametrize(("text", "markers"), [
    ("1. A dedicated Police Officer. 2. Strategy discussions. 3. Written guidance.", ["1", "2", "3"]),
    ("(1) Completed 26.3.14 (2) Completed 3.3.14 (3) Completed 3.3.14", ["1", "2", "3"]),
    ("i) Review of IRO.\nii) Guidance to be issued.\niii) Guidance to be developed", ["i", "ii", "iii"]),
    ("i) Development of MASH. ii) Establishment of OOH. iii) Review. iv). Establishment of EH Team.", ["i", "ii", "iii", "iv"]),
    ("1.Mandatory refresher training. 2. The Departments Supervision Policy is revised.", ["1", "2"]),
    ("Agency staff in place. 2. Recruit two additional minute takers.", ["1", "2"]),  # marker 1 lost
    ("i) Review.\nii) Workload policy.\nii) Case supervision policy", ["i", "ii", "ii"]),  # repeated marker
    ("iv) Review of systems", ["iv"]),
])
def test_enumerations_are_found(text, markers):
    assert list(split_enumerated(text).markers) == markers


@pytest.mark.parametrize("text", [
    "Selective Case File Audit. CP Coordinators to quality assure PLO process by 3rd CPCC(10 month point)",
    "Sept 13 Sept 13 Sept 13 – Jan 14. Sept 13",
    "Working Together 2010 SWCP Procedures BANES Quality Manual",
    "Completed 26.3.14",
])
def test_plain_cells_are_not_enumerations(text):
    assert split_enumerated(text) is None


def test_enumerated_action_aligns_with_enumerated_timescale():
    extraction = cut(PLAN_000, (2, 3))
    assert [(a.ref, a.timescale) for a in extraction.actions] == [
        ("1", "Completed 26.3.14"), ("2", "Completed 3.3.14"), ("3", "Completed 3.3.14")]


def test_lost_first_marker_and_trailing_sentence_split_by_alignment():
    # "Agency staff ... 2. Recruit ... 3. Complete .... Work with partners ..." with (1)-(4).
    extraction = cut(PLAN_000, (2, 2), (4, 4))
    actions = extraction.actions
    assert [a.ref for a in actions] == ["1", "2", "3", "4"]
    assert actions[3].action.startswith("Work with partners")
    assert actions[3].timescale == "Completed Nov 2014"
    assert "inferred-marker" in {issue.code for issue in actions[0].issues}


def test_unmarked_sentences_split_by_enumerated_timescale():
    extraction = cut(PLAN_000, (2, 2), (6, 6))
    assert [a.ref for a in extraction.actions] == ["1", "2", "3"]
    assert extraction.actions[2].timescale == "To be Completed September 2014"


def test_cell_level_prefix_is_kept_for_every_item():
    extraction = cut(PLAN_000, (2, 2), (12, 12))
    assert [a.timescale_prefix for a in extraction.actions] == ["Completed"] * 4
    assert extraction.actions[2].timescale == "To be completed April 2015"


def test_unmarked_paragraphs_split_when_lead_has_one_paragraph_each():
    extraction = cut(PLAN_001, (10, 11))
    assert [(a.ref, a.action, a.lead) for a in extraction.actions] == [
        ("1.2", "As above", "SGU SGS"), ("1.2", "Review of experience, skills and social work capacity.", "AD")]


def test_run_together_timescale_entries_align_with_items():
    extraction = cut(PLAN_001, (38, 39))
    assert [a.timescale for a in extraction.actions] == ["Sept 13", "Sept 13", "Sept 13 – Jan 14.", "Sept 13"]
    assert extraction.actions[3].lead == "EH, Early Years and Children's Centres."


def test_labels_starting_later_align_from_their_label():
    # Plan 001 4.1: timescales labelled ii), iii), iii) for actions i)-iv).
    extraction = cut(PLAN_001, (60, 61))
    assert [a.timescale for a in extraction.actions] == ["", "Aug 13.", "October and ongoing", "Jan 14"]


def test_counts_that_do_not_line_up_keep_the_whole_cell_and_flag():
    extraction = cut(PLAN_001, (60, 61))
    assert all(a.lead == "AD\nPP&P\nPP&P" for a in extraction.actions)
    assert all("unaligned-items" in {issue.code for issue in a.issues} for a in extraction.actions)


def test_marked_lead_item_keeps_its_unmarked_second_paragraph():
    extraction = cut(PLAN_001, (32, 34))
    lead = [a.lead for a in extraction.actions if a.ref == "2.5/i"]
    assert lead == ["Assistant Director.\nEH/Early years and Children's Centres."]


def test_bullets_stay_one_record_joined_with_semicolons():
    extraction = cut(PLAN_003, (260, 260), (302, 302))
    assert len(extraction.actions) == 1
    assert extraction.actions[0].action == (
        "Monitor and take action to secure appropriate caseload levels for all social workers by: "
        "Reviewing individual social work caseloads and complete work/transfer/close cases as required; "
        "Identify capacity needs and address as required")


def test_criterion_parent_heading_is_skipped_for_ref_and_area():
    extraction = cut(PLAN_001, (5, 6))
    assert extraction.actions[0].ref == "1.1/i"
    assert extraction.actions[0].area.startswith("Children are consistently seen")


# --------------------------------------------------------------------------- side tables

def test_glossary_section_and_leads_list_fill_their_tables():
    glossary = cut(PLAN_002, (13, 15), (119, 131)).glossary
    assert ("LSCB", "Local Safeguarding Children Board") in [(g.abbreviation, g.expansion) for g in glossary]
    people = cut(PLAN_003, (257, 262), (455, 472)).people
    assert ("Ann Goldsmith", "Interim Assistant Director for Children's Social Care") in [(p.name, p.job_title) for p in people]


def test_table_that_is_neither_actions_nor_people_is_reported_with_its_text():
    extraction = cut(PLAN_003, (10, 12), (257, 262))
    side = [issue for issue in extraction.issues if issue.code == "non-action-table"]
    assert side and "Commitment of Improvement Board Members" in side[0].value


def test_all_seed_rows_walk_without_losing_logical_tables():
    from ingest import read_document

    for name, tables in [(PLAN_000, 1), (PLAN_001, 1), (PLAN_002, 1), (PLAN_003, 1), (PLAN_004, 1)]:
        walk = document_to_rows(read_document(RAW / name))
        assert walk.logical_tables == tables, name


def test_first_column_merged_down_starts_new_rows_under_the_same_area():
    # Word vMerge / HTML rowspan: the covered first-column positions are None, not empty.
    from ingest import read_document

    fixtures = Path(__file__).resolve().parent / "fixtures"
    for path in (fixtures / "docx" / "vertical_merge.docx", fixtures / "html" / "rowspan_colspan.html"):
        actions = extract_document(read_document(path)).actions
        area_a = [a.action for a in actions if a.area == "Area A"]
        assert area_a[:2] == ["Action 1", "Action 2"], path.name


def test_lower_roman_markers_with_a_dot_enumerate_but_i_e_does_not():
    """Browsers and Word print lower-roman lists as "i." "ii."; "i.e." is no marker."""
    from extract.items import split_enumerated

    found = split_enumerated("i. Review the audit tool. ii. Train all team managers")
    assert found is not None and found.markers == ("i", "ii")
    assert [item.text for item in found.items] == ["Review the audit tool.", "Train all team managers"]
    assert split_enumerated("Consult partners, i.e. All schools and colleges") is None
