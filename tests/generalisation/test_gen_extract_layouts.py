"""Layouts the variant matrix found fragile (issue #11 item 9), written by hand for this issue.

Each test is the general rule behind one failing variant cell, on a plan written here (none
cut from a seed): a recommendation cell listing a parent and its numbered criteria, header
names of another wording printed inside data cells, a header whose second row is blank
(the table body starts in the next piece), dates typed "31.03.24" under a loosely matched
header, and header wordings trackers use. Expected records were written before the code.
"""

from __future__ import annotations

import pytest
from written_plans import convert, tsv

from extract.headers import map_header

# --------------------------------------------------------------------------- area from numbered criteria

NUMBERED_RECOMMENDATIONS = tsv(
    ("Recommendation", "Action", "Lead", "Timescale"),
    ("<p><b>3.0 Families get help early.</b></p><p><b>3.1 Referrals are screened within one working day.</b></p>",
     "Set up a daily screening meeting", "Front Door Manager", "May 2025"),
    ("<p><b>3.2 Families are told the outcome of a referral.</b></p><p><b>3.3 Letters are written in plain English.</b></p>",
     "Send an outcome letter for every referral", "Business Support Lead", "June 2025"),
    ("4. Staff are supervised monthly.", "Audit supervision records each quarter", "Head of Service", "July 2025"),
)


def test_area_is_the_rows_own_numbered_recommendation(tmp_path):
    """A recommendation cell listing a parent ("3.0 ...") and its numbered items names the row
    by the item whose number is the row's ref (GUIDE: the first numbered criterion only),
    whatever the column is called."""
    actions = convert(tmp_path, NUMBERED_RECOMMENDATIONS)
    assert [(a.ref, a.area) for a in actions] == [
        ("3.1", "Referrals are screened within one working day."),
        ("3.2", "Families are told the outcome of a referral."),
        ("4", "Staff are supervised monthly."),
    ]


def test_an_area_heading_over_numbered_points_stays_the_area(tmp_path):
    """Numbered points under an unnumbered heading in the area cell: the heading is the area."""
    text = tsv(
        ("Area for improvement", "Action", "Lead", "Timescale"),
        ("<p>Quality of assessments</p><p>1. Timeliness</p><p>2. Analysis of risk</p>",
         "Introduce an assessment quality audit", "Head of Service", "May 2025"),
    )
    assert [a.area for a in convert(tmp_path, text)] == ["Quality of assessments 1. Timeliness 2. Analysis of risk"]


# --------------------------------------------------------------------------- header words inside cells

LABELS_IN_CELLS = tsv(
    ("Recommendation", "Actions to be taken", "Responsible officer", "By when", "Progress update"),
    ("Area for improvement 2.1 Plans are reviewed on time", "Actions 2.1 Book every review six weeks ahead",
     "Lead Amara Okafor", "Date for completion April 2025", "Progress at March: on track"),
    ("2.2 Children attend their reviews", "2.2 Offer each child a choice of venue", "Sarah Patel", "June 2025", ""),
)


def test_other_names_for_a_columns_field_printed_in_its_cells_are_removed(tmp_path):
    """Labels of an earlier layout printed at the start of data cells ("Actions 2.1 ...",
    "Lead Amara Okafor") are header text, not data, when they name the column's own field,
    even where this table's header words the column differently."""
    actions = convert(tmp_path, LABELS_IN_CELLS)
    assert [(a.ref, a.area, a.action, a.lead_people, a.due_date) for a in actions] == [
        ("2.1", "Plans are reviewed on time", "Book every review six weeks ahead", ("Amara Okafor",), "2025-04"),
        ("2.2", "Children attend their reviews", "Offer each child a choice of venue", ("Sarah Patel",), "2025-06"),
    ]


def test_a_cell_that_only_starts_like_a_header_keeps_its_words(tmp_path):
    text = tsv(
        ("Ref", "Action", "Lead", "Timescale"),
        ("1", "Actions from the audit are shared with all teams", "Quality Lead", "May 2025"),
    )
    assert [a.action for a in convert(tmp_path, text)] == ["Actions from the audit are shared with all teams"]


# --------------------------------------------------------------------------- blank second header row

BLANK_HEADER_TAIL = tsv(
    ("Area for improvement", "Action", "Lead", "Date for completion"),
    ("", "", "", ""),
    "",
    ("5.1 Strategy meetings are held on time", "5.1 Hold strategy meetings within two days", "Jo Harris", "March 2025"),
    ("-", "Supplemented by: weekly checks", "Sam Okoro", "From April"),
    ("Agency", "Audit by the partnership", "Sam Okoro", "2025"),
    "",
    ("Area for improvement", "Action", "Lead", "Date for completion"),
    ("5.2 Minutes are shared", "5.2 Send minutes within five days", "Jo Harris", "May 2025"),
)


def test_rows_keyed_by_refs_after_a_blank_header_row_stay_one_record(tmp_path):
    """The body of a table whose header stands alone (its second row blank) starts in the next
    piece: whether rows are keyed by refs is read there, so rows without a ref of their own
    continue the row above."""
    actions = convert(tmp_path, BLANK_HEADER_TAIL)
    assert [a.ref for a in actions] == ["5.1", "5.2"]
    assert actions[0].lead_people == ("Jo Harris", "Sam Okoro")


# --------------------------------------------------------------------------- dates under a loose header

def test_day_month_year_dates_under_a_loose_header_stay_dates(tmp_path):
    """"31.03.25" looks like an outline ref too; under a header that names dates the content
    does not overrule it, since the dates fill the column as fully as the refs would."""
    text = tsv(
        ("No", "Planned action", "Target completion", "Owner"),
        ("1.1", "Publish the new supervision policy", "31.03.25", "Head of Service"),
        ("1.2", "Train all team managers on the policy", "30.06.25", "Workforce Lead"),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.due_date) for a in actions] == [("1.1", "2025-03-31"), ("1.2", "2025-06-30")]


@pytest.mark.parametrize(("header", "field"), [
    ("Target completion", "timescale"), ("Expected completion", "timescale"), ("Completion", "timescale"),
    ("Position at last review", "progress"), ("Latest position", "progress"),
    ("Action by", "lead"), ("Actioned by", "lead"), ("Action by whom", "lead"),
])
def test_tracker_header_wordings(header, field):
    assert map_header(header).field == field


def test_content_does_not_overrule_a_loose_header_it_supports_as_well():
    """Dates "31.03.25" fill the column as fully as ref shapes do: a loosely matched date
    header keeps the column, content only overrules a header its cells do not bear out."""
    from extract.columns import choose_field, column_evidence
    from extract.headers import HeaderMatch

    dates = column_evidence(["31.03.25", "30.06.25", "01.09.25"])
    assert choose_field(HeaderMatch("timescale", 88.0, "Finish by"), dates).field == "timescale"
    names = column_evidence(["Jo Harris", "Head of Service", "Sam Okoro"])
    assert choose_field(HeaderMatch("timescale", 88.0, "Finish by"), names).field == "lead"


def test_the_longest_label_printed_in_a_cell_is_removed(tmp_path):
    """"Area for improvement 3.4 ..." under a header "Area for development": the whole label
    goes, not just the words it shares with this table's header ("Area for")."""
    text = tsv(
        ("Area for development", "Planned action", "Action owner", "Target completion"),
        ("Area for improvement 3.4 Reviews are timely", "Planned action 3.4 Book reviews early", "Owner Amara Okafor", "Date for completion May 2025"),
    )
    actions = convert(tmp_path, text)
    assert [(a.ref, a.area, a.action) for a in actions] == [("3.4", "Reviews are timely", "Book reviews early")]


# --------------------------------------------------------------------------- spanning group headers

GROUPED_DATES = (
    ("Ref", "Action", "Lead", "Target date", "", "Status"),
    ("", "", "", "Original", "Revised", ""),
    ("1", "Publish the new escalation policy", "Head of Quality", "31/03/2025", "30/06/2025", "In progress"),
    ("2", "Audit the use of the policy", "Clinical Audit Lead", "30/09/2025", "", "Not started"),
)
"""A group heading ("Target date") printed over its sub-columns ("Original | Revised")."""
GROUPED_EXPECTED = [("1", "2025-06-30", "2025-03-31"), ("2", "2025-09-30", "")]


def _due_dates(actions):
    return [(a.ref, a.due_date, a.original_due_date) for a in actions]


def test_group_header_over_sub_columns_in_a_text_export(tmp_path):
    """The sub-column names join their group's ("Target date / Revised"), so the revised date
    is the due date and the first date the original one."""
    assert _due_dates(convert(tmp_path, tsv(*GROUPED_DATES))) == GROUPED_EXPECTED


def test_group_header_over_sub_columns_in_html(tmp_path):
    header = ("<tr><th rowspan='2'>Ref</th><th rowspan='2'>Action</th><th rowspan='2'>Lead</th>"
              "<th colspan='2'>Target date</th><th rowspan='2'>Status</th></tr>"
              "<tr><th>Original</th><th>Revised</th></tr>")
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in GROUPED_DATES[2:])
    html = f"<html><body><h1>Quality improvement plan</h1><table>{header}{body}</table></body></html>"
    assert _due_dates(convert(tmp_path, html, name="plan.html")) == GROUPED_EXPECTED


def test_group_header_over_sub_columns_in_xlsx(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in GROUPED_DATES:
        sheet.append(list(row))
    for merge in ("A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2"):
        sheet.merge_cells(merge)
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    from actionplans.conversion import convert_file

    result = convert_file(path)
    assert _due_dates(result.actions) == GROUPED_EXPECTED


@pytest.mark.parametrize(("cell", "kept"), [
    ("Who: Grace Okoye", "Grace Okoye"), ("Action owner: Head of Estates", "Head of Estates"),
    ("Jane Smith: interim lead", "Jane Smith: interim lead"), ("Note: to be confirmed", "Note: to be confirmed"),
])
def test_a_lead_cell_opening_with_its_own_label_keeps_the_value(cell, kept):
    from extract.records import strip_cell_labels
    from extract.tables import Column, DataRow
    from ingest.model import Line

    row = DataRow("plan", 1, 1, None, (Column("lead", "Owner", (Line(cell),)),))
    assert strip_cell_labels(row).columns[0].text == kept
