"""Plans in the layouts real organisations publish (issue #11, item 9), written by hand.

Layouts read from published guidance and templates (searched for this issue, none copied):
an HMI Probation response plan (recommendation, agreed / partly agreed, action, action
owner, target date), a board's action register as CSV (action number, meeting date, minute
item, action, assigned to, target date, status), a council's Ofsted improvement plan as HTML
(priority, what we will do, lead officer(s), by when, RAG, progress update) and a GP
practice's action plan as XLSX (issue identified, action to be taken, who, when, done?).
The expected records (ref, area, action, lead_people, lead_roles, due_date, status, rag) were
written by gold/GUIDE.md before the code was run on them; none is cut from a seed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from written_plans import convert, tsv

from actionplans.conversion import convert_file
from ingest.text import read_text_export
from tests.fixtures.variants import VARIANTS, action_fields, compare_actions

FIELDS = ("ref", "area", "action", "lead_people", "lead_roles", "due_date", "status", "rag")


def records(actions) -> list[tuple]:
    return [tuple(getattr(action, name) for name in FIELDS) for action in actions]


# --------------------------------------------------------------------------- HMI Probation response plan

PROBATION_PLAN = tsv(
    "Action plan: response to the HM Inspectorate of Probation inspection of Northvale Probation Delivery Unit",
    "Published 14 November 2024",
    ("No.", "Recommendation", "Agreed / Partly agreed / Not agreed", "Action", "Action owner", "Target date"),
    ("1", "Improve the quality of risk of harm assessments", "Agreed",
     "a) Deliver refresher training to all probation officers b) Audit 20 cases each quarter",
     "Priya Raman, Head of Operations", "a) March 2025 b) June 2025"),
    ("2", "Strengthen management oversight of high-risk cases", "Partly agreed",
     "Introduce a monthly oversight checklist for senior probation officers", "SPO team", "Q4 24/25"),
)


def test_probation_response_plan(tmp_path):
    actions = convert(tmp_path, PROBATION_PLAN)
    # "Agreed" answers the recommendation: kept in other, never the action's status wording
    assert [(a.status_text, a.other) for a in actions][-1] == ("", "Agreed / Partly agreed / Not agreed: Partly agreed")
    assert records(actions) == [
        ("1/a", "Improve the quality of risk of harm assessments", "Deliver refresher training to all probation officers",
         ("Priya Raman",), ("Head of Operations",), "2025-03", "", ""),
        ("1/b", "Improve the quality of risk of harm assessments", "Audit 20 cases each quarter",
         ("Priya Raman",), ("Head of Operations",), "2025-06", "", ""),
        ("2", "Strengthen management oversight of high-risk cases",
         "Introduce a monthly oversight checklist for senior probation officers", (), ("SPO team",), "2025-03", "", ""),
    ]


# --------------------------------------------------------------------------- board action register (CSV)

BOARD_REGISTER = (
    '"Action No","Meeting date","Minute item","Action","Assigned to","Target date","Status"\n'
    '"A-014","12/03/2025","BOD 25/031","Circulate the revised risk appetite statement to all directors",'
    '"Company Secretary","30/04/2025","Closed"\n'
    '"A-015","12/03/2025","BOD 25/034","Bring the estates strategy back to the May board",'
    '"Tom Barker, Director of Estates","May 2025","Open"\n'
    '"A-016","09/04/2025","BOD 25/047","Report staff survey results by directorate","Who: Grace Okoye","30/06/2025","In progress"\n'
)


def test_board_action_register_csv(tmp_path):
    actions = convert(tmp_path, BOARD_REGISTER, name="register.csv")
    assert [(a.ref, a.action, a.lead_people, a.lead_roles, a.due_date, a.status, a.status_text) for a in actions] == [
        ("A-014", "Circulate the revised risk appetite statement to all directors", (), ("Company Secretary",),
         "2025-04-30", "completed", "Closed"),
        ("A-015", "Bring the estates strategy back to the May board", ("Tom Barker",), ("Director of Estates",),
         "2025-05", "", "Open"),
        ("A-016", "Report staff survey results by directorate", ("Grace Okoye",), (), "2025-06-30", "in_progress",
         "In progress"),
    ]


# --------------------------------------------------------------------------- Ofsted improvement plan (HTML)

OFSTED_HTML = """<html><body>
<h1>Children's Services Improvement Plan 2024-26</h1>
<p>Version 3, agreed at the Improvement Board on 18 July 2024</p>
<table>
<tr><th>Priority</th><th>What we will do</th><th>Lead officer(s)</th><th>By when</th><th>RAG</th><th>Progress update</th></tr>
<tr><td>1. Strengthen the front door</td><td>Recruit two more MASH social workers</td><td>Aisha Bello, Head of MASH</td>
<td>Sep-24</td><td>G</td><td>Both posts filled in August. Complete.</td></tr>
<tr><td>2. Improve the timeliness of assessments</td><td>Audit 30 assessments a month against the new standard</td>
<td>Service Manager, Assessment</td><td>Apr-25 to Mar-26</td><td>A</td><td>First audit reported to the June board</td></tr>
</table></body></html>"""


def test_ofsted_improvement_plan_html(tmp_path):
    assert records(convert(tmp_path, OFSTED_HTML, name="plan.html")) == [
        ("1", "Strengthen the front door", "Recruit two more MASH social workers", ("Aisha Bello",), ("Head of MASH",),
         "2024-09", "completed", "green"),
        ("2", "Improve the timeliness of assessments", "Audit 30 assessments a month against the new standard",
         # a comma after a job title ends it (the leads convention: "Service Manager, Safeguarding Unit")
         (), ("Service Manager", "Assessment"), "2026-03", "", "amber"),
    ]


# --------------------------------------------------------------------------- GP practice action plan (XLSX)

def write_gp_plan(path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "CQC action plan"
    sheet.append(["Riverside Surgery: action plan following the CQC inspection"])
    sheet.append([])
    sheet.append(["Issue identified", "Action to be taken", "Who", "When", "Done?"])
    sheet.append(["Fridge temperatures not recorded daily", "Nominate a daily checker and keep a log on each fridge",
                  "Practice Nurse", "Immediately", "Yes"])
    sheet.append(["Chaperone policy out of date", "Review and re-issue the chaperone policy", "Fatima Hussain",
                  dt.datetime(2025, 1, 31), "No"])
    sheet["D5"].number_format = "dd/mm/yyyy"
    workbook.save(path)
    return path


def test_gp_practice_plan_xlsx(tmp_path):
    result = convert_file(write_gp_plan(tmp_path / "gp.xlsx"))
    assert result.record.status in ("success", "partial"), result.record.error
    assert [(a.area, a.action, a.lead_people, a.lead_roles, a.due_date, a.status) for a in result.actions] == [
        ("Fridge temperatures not recorded daily", "Nominate a daily checker and keep a log on each fridge",
         (), ("Practice Nurse",), "", "completed"),
        ("Chaperone policy out of date", "Review and re-issue the chaperone policy", ("Fatima Hussain",), (),
         "2025-01-31", ""),
    ]


# --------------------------------------------------------------------------- CQC requirement plan

CQC_PLAN = tsv(
    "Warrenford Hospital: action plan in response to the CQC requirement notices",
    ("Regulation / Must do", "Action", "Lead", "Timescale", "Evidence of completion", "RAG"),
    ("Reg 12: The trust must ensure medicines are stored at safe temperatures",
     "1. Install fridge temperature data loggers 2. Weekly pharmacy audit of the logs",
     "1. Estates Manager 2. Lead Pharmacist", "1. End of Q2 2024/25 2. w/c 14 October 2024",
     "Logger installation certificate; audit reports", "Amber"),
    ("Reg 17: The trust must ensure audits identify and act on risks", "Refresh the ward audit programme",
     "Deputy Chief Nurse", "By 31st March 2025", "Audit programme approved at committee", "Red"),
    ("", "Report audit results to the Quality and Safety Committee", "Deputy Chief Nurse",
     "Quarterly from April 2025", "Committee minutes", "Green"),
)


def test_cqc_requirement_plan(tmp_path):
    """The regulation column names the area; its numbered actions split and align with the
    numbered leads and timescales; the last row leaves the regulation merged down."""
    assert [(a.ref, a.area, a.lead_roles, a.start_date, a.due_date, a.rag) for a in convert(tmp_path, CQC_PLAN)] == [
        ("1", "Reg 12: The trust must ensure medicines are stored at safe temperatures", ("Estates Manager",),
         "", "2024-09", "amber"),
        ("2", "Reg 12: The trust must ensure medicines are stored at safe temperatures", ("Lead Pharmacist",),
         "", "2024-10-14", "amber"),
        ("", "Reg 17: The trust must ensure audits identify and act on risks", ("Deputy Chief Nurse",),
         "", "2025-03-31", "red"),
        ("", "Reg 17: The trust must ensure audits identify and act on risks", ("Deputy Chief Nurse",),
         "2025-04", "", "green"),
    ]


# --------------------------------------------------------------------------- the same plans, other renderings

@pytest.mark.parametrize("variant", [variant.name for variant in VARIANTS])
@pytest.mark.parametrize("name, text", [("probation", PROBATION_PLAN), ("cqc", CQC_PLAN)])
def test_hand_written_plans_read_the_same_in_every_variant(tmp_path, name, text, variant):
    """The variant harness on plans that are not seeds: rendered as CSV, XLSX, fixed-width
    text, with headers swapped and columns reordered, each gives its text export's actions."""
    source = tmp_path / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    reference = action_fields(convert_file(source).actions)
    path = {v.name: v for v in VARIANTS}[variant].build(read_text_export(source), tmp_path, name)
    score = compare_actions(reference, action_fields(convert_file(path).actions))
    assert score.differences == ()
    assert score.matched == score.reference > 0


# --------------------------------------------------------------------------- leads under any lead header

@pytest.mark.parametrize("header", ["Responsible", "Who", "Owner", "Lead officer(s)", "By whom", "Action by",
                                    "Person responsible", "Accountable lead"])
def test_leads_are_found_under_every_lead_header(tmp_path, header):
    """Names, initials the plan's own names resolve, and job titles all give lead fields."""
    text = tsv(
        ("Ref", "Action", header, "Target date"),
        ("1", "Refresh the supervision policy", "Jo Harris", "March 2025"),
        ("2", "Audit supervision records", "JH", "June 2025"),
        ("3", "Report to the improvement board", "Head of Service", "July 2025"),
        ("4", "Train new managers", "Kwame Mensah and Jo Harris", "September 2025"),
    )
    assert [(a.lead_people, a.lead_roles) for a in convert(tmp_path, text)] == [
        (("Jo Harris",), ()), (("Jo Harris",), ()), ((), ("Head of Service",)), (("Kwame Mensah", "Jo Harris"), ()),
    ]
