"""Formats analysts receive (issue #11 item 7): .xlsx, .csv/.tsv and fixed-width text.

Every input here is written by hand for these tests (a GP practice's plan, a trust board's
tracker, a council's printed tracker, prose, a letter), none cut from the seed plans; the
expected records were written before the readers.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from actionplans.conversion import convert_file
from ingest import read_document
from ingest.detect import detect_format
from ingest.xlsx import date_text

# --------------------------------------------------------------------------- helpers


def table_texts(document) -> list[list[list[str | None]]]:
    return [[[None if cell is None else cell.text for cell in row] for row in table.rows] for table in document.tables]


def records(path: Path, *names: str) -> list[tuple[str, ...]]:
    result = convert_file(path)
    assert result.record.status in ("success", "partial"), result.record.error
    return [tuple(getattr(action, name) for name in names) for action in result.actions]


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Action plan", merges: tuple[str, ...] = (),
               formats: dict[str, str] | None = None, bold: tuple[str, ...] = ()) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for cell in worksheet.iter_rows():
        for item in cell:
            if isinstance(item.value, str) and item.value[:1] in "=+-@":
                item.data_type = "s"  # typed text, as Excel stores "=Ref" typed with a quote prefix
    for reference, number_format in (formats or {}).items():
        worksheet[reference].number_format = number_format
    for reference in bold:
        worksheet[reference].font = Font(bold=True)
    for merge in merges:
        worksheet.merge_cells(merge)
    workbook.save(path)
    return path


def set_cached_formula(path: Path, cell: str, formula: str, cached: str | None) -> None:
    """Give a cell a formula with (or without) the value Excel would have saved."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index(f'<c r="{cell}"')
    end = sheet.index("</c>", start) + len("</c>")
    value = f"<v>{cached}</v>" if cached is not None else ""
    sheet = sheet[:start] + f'<c r="{cell}" t="str"><f>{formula}</f>{value}</c>' + sheet[end:]
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


GP_PLAN = [
    ["Ashgrove Surgery: CQC inspection action plan"],
    [],
    ["Ref", "Action", "Lead", "Target date", "Status"],
    ["1", "Complete a fire risk assessment for the branch surgery.", "Sarah Collins", "31/03/2024", "Completed"],
    ["2", "Introduce a log of uncollected prescriptions, checked weekly.", "Practice Manager", "June 2024", "In progress"],
    ["3", "Audit patient group directions for the nursing team.", "Dr Joanna Pryce", "September 2024", "Not started"],
]


# --------------------------------------------------------------------------- xlsx

def test_xlsx_is_detected_by_content_not_refused_as_a_zip(tmp_path):
    path = write_xlsx(tmp_path / "plan.xlsx", GP_PLAN)
    data = path.read_bytes()
    assert detect_format(data, ".xlsx") == "xlsx"
    assert detect_format(data, "") == "xlsx"  # no extension: the zip's members say Excel
    assert read_document(path).format == "xlsx"


def test_xlsx_plan_gives_its_actions(tmp_path):
    path = write_xlsx(tmp_path / "gp-plan.xlsx", GP_PLAN)
    assert records(path, "ref", "lead_people", "due_date", "status") == [
        ("1", ("Sarah Collins",), "2024-03-31", "completed"),
        ("2", (), "2024-06", "in_progress"),
        ("3", ("Joanna Pryce",), "2024-09", "not_started"),
    ]


def test_xlsx_single_sheet_title_row_is_the_documents_title(tmp_path):
    document = read_document(write_xlsx(tmp_path / "plan.xlsx", GP_PLAN, sheet="Improvement actions"))
    assert [block.text for block in document.text_blocks] == ["Ashgrove Surgery: CQC inspection action plan"]
    assert ("sheets", "Improvement actions") in document.metadata
    assert table_texts(document)[0][0] == ["Ref", "Action", "Lead", "Target date", "Status"]
    assert convert_file(tmp_path / "plan.xlsx").record.title == "Ashgrove Surgery: CQC inspection action plan"


def test_xlsx_default_sheet_name_is_not_a_title(tmp_path):
    document = read_document(write_xlsx(tmp_path / "plan.xlsx", GP_PLAN[2:], sheet="Sheet1"))
    assert not document.text_blocks


def test_xlsx_each_sheet_with_text_is_a_table_and_empty_sheets_are_skipped(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Open actions"
    for row in GP_PLAN[2:4]:
        workbook.active.append(row)
    workbook.create_sheet("Blank")
    closed = workbook.create_sheet("Closed actions")
    for row in [GP_PLAN[2], GP_PLAN[4]]:
        closed.append(row)
    path = tmp_path / "tracker.xlsx"
    workbook.save(path)
    document = read_document(path)
    assert [block.text for block in document.text_blocks] == ["Open actions", "Closed actions"]
    assert [table.index for table in document.tables] == [1, 2]
    assert [table.rows[1][0].text for table in document.tables] == ["1", "2"]


def test_xlsx_merged_cells_hold_the_value_top_left_and_cover_with_none(tmp_path):
    rows = [
        ["Ref", "Area", "Action", "Lead", "Due"],
        ["1.1", "Safer recruitment", "Check every file for two references.", "HR lead", "May 2024"],
        [None, None, "Re-check DBS renewals.", "HR lead", "July 2024"],
        ["Leadership", None, None, None, None],
    ]
    path = write_xlsx(tmp_path / "merged.xlsx", rows, merges=("A2:A3", "B2:B3", "A4:E4"))
    grid = table_texts(read_document(path))[0]
    assert grid[1][:2] == ["1.1", "Safer recruitment"]
    assert grid[2][:2] == [None, None]
    assert grid[3] == ["Leadership", None, None, None, None]


def test_xlsx_dates_are_written_at_the_precision_their_format_prints(tmp_path):
    rows = [
        ["Ref", "Action", "Lead", "Due date"],
        ["1", "Publish the revised complaints leaflet.", "Practice Manager", dt.datetime(2024, 3, 31)],
        ["2", "Train reception staff in care navigation.", "Practice Manager", dt.datetime(2024, 9, 1)],
        ["3", "Review the business continuity plan.", "Practice Manager", dt.datetime(2025, 1, 1)],
    ]
    path = write_xlsx(tmp_path / "dates.xlsx", rows, formats={"D2": "dd/mm/yyyy", "D3": "mmm-yy", "D4": "yyyy"})
    grid = table_texts(read_document(path))[0]
    assert [row[3] for row in grid[1:]] == ["2024-03-31", "September 2024", "2025"]
    assert [due for (due,) in records(path, "due_date")] == ["2024-03-31", "2024-09", "2025"]


@pytest.mark.parametrize("number_format, expected", [
    ("dd/mm/yyyy", "2024-09-30"), ("d-mmm-yy", "2024-09-30"), ("mmm-yy", "September 2024"),
    ("mmmm yyyy", "September 2024"), ("yyyy", "2024"), ("General", "2024-09-30"),
    ("[$-809]dd mmmm yyyy;@", "2024-09-30"), ('mmm "to date"', "September 2024"),
])
def test_date_text_follows_the_number_format(number_format, expected):
    assert date_text(dt.datetime(2024, 9, 30), number_format) == expected


def test_xlsx_numbers_print_without_float_noise(tmp_path):
    rows = [["Ref", "Action", "Lead", "Done"], [3.0, "Audit consent forms.", "Nurse lead", 0.86], [1.5, "Recall.", "GP", 2]]
    grid = table_texts(read_document(write_xlsx(tmp_path / "n.xlsx", rows, formats={"D2": "0%"})))[0]
    assert [row[0] for row in grid[1:]] == ["3", "1.5"]
    assert [row[3] for row in grid[1:]] == ["86%", "2"]


def test_xlsx_text_beginning_with_formula_characters_stays_text(tmp_path):
    rows = [
        ["Ref", "Action", "Lead", "Due"],
        ["1", "=Ensure every referral is acknowledged", "@ServiceDesk", "June 2024"],
        ["2", "+ Add the safeguarding lead to the rota", "-", "July 2024"],
    ]
    grid = table_texts(read_document(write_xlsx(tmp_path / "text.xlsx", rows)))[0]
    assert grid[1][1:3] == ["=Ensure every referral is acknowledged", "@ServiceDesk"]
    assert grid[2][1] == "+ Add the safeguarding lead to the rota"
    actions = [action for (action,) in records(tmp_path / "text.xlsx", "action")]
    assert actions[0] == "=Ensure every referral is acknowledged"


def test_xlsx_formula_reads_its_cached_value(tmp_path):
    rows = [["Ref", "Action", "Lead", "Due"], ["1", "Refresh the infection control audit.", "placeholder", "March 2024"]]
    path = write_xlsx(tmp_path / "formula.xlsx", rows)
    set_cached_formula(path, "C2", "Leads!B7", "Amira Okafor")
    assert table_texts(read_document(path))[0][1][2] == "Amira Okafor"
    assert read_document(path).issues == ()


def test_xlsx_formula_without_a_saved_value_is_an_issue_not_lost(tmp_path):
    rows = [["Ref", "Action", "Lead", "Due"], ["1", "Refresh the infection control audit.", "placeholder", "March 2024"]]
    path = write_xlsx(tmp_path / "uncomputed.xlsx", rows)
    set_cached_formula(path, "C2", "VLOOKUP(A2,Leads!A:B,2,FALSE)", None)
    document = read_document(path)
    assert table_texts(document)[0][1][2] == ""
    [issue] = document.issues
    assert issue.code == "uncomputed-formula"
    assert issue.value == "=VLOOKUP(A2,Leads!A:B,2,FALSE)"
    assert "Action plan!C2" in issue.message
    result = convert_file(path)
    assert "uncomputed-formula" in {issue.code for issue in result.issues}


def _ole(streams: dict[str, bytes]) -> bytes:
    from tests.fixtures.make_docx_html_fixtures import compound_file

    return compound_file(streams)


def test_password_protected_xlsx_fails_with_one_line_reason(tmp_path):
    path = tmp_path / "board-tracker.xlsx"
    path.write_bytes(_ole({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 60, "EncryptedPackage": b"\x01" * 4096}))
    result = convert_file(path)
    assert result.record.status == "failed"
    assert result.record.error.startswith("password-protected Excel workbook")
    assert "\n" not in result.record.error


def test_old_xls_says_how_to_convert(tmp_path):
    path = tmp_path / "tracker.xls"
    path.write_bytes(_ole({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\0" * 4088}))
    result = convert_file(path)
    assert result.record.status == "failed"
    assert "save it as .xlsx" in result.record.error and "--convert-to xlsx" in result.record.error


@pytest.mark.parametrize("name, damage, reason", [
    ("truncated.xlsx", lambda data: data[: len(data) // 2], "not a valid .xlsx"),
    ("garbage-workbook.xlsx", None, "damaged Excel workbook"),
    ("no-workbook.xlsx", "no-workbook", "not an Excel workbook"),
])
def test_corrupt_xlsx_fails_with_one_line_reason(tmp_path, name, damage, reason):
    path = write_xlsx(tmp_path / name, GP_PLAN)
    if damage is None or damage == "no-workbook":
        with zipfile.ZipFile(path) as archive:
            members = {item: archive.read(item) for item in archive.namelist()}
        if damage is None:
            members["xl/workbook.xml"] = b"<workbook><sheets><sheet name='x' sheetId='1'"
        else:
            members = {item: data for item, data in members.items() if item != "xl/workbook.xml"}
            members["xl/workbook.xml.bak"] = b"<x/>"
        with zipfile.ZipFile(path, "w") as archive:
            for item, data in members.items():
                archive.writestr(item, data)
    else:
        path.write_bytes(damage(path.read_bytes()))
    result = convert_file(path)
    assert result.record.status == "failed"
    assert reason in result.record.error
    assert "\n" not in result.record.error


def test_xlsx_stray_value_far_down_the_sheet_costs_nothing(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "stray.xlsx", GP_PLAN[2:], sheet="Sheet1")
    workbook = load_workbook(path)
    workbook.active["XFD1048576"] = "checked by KH"
    workbook.save(path)
    document = read_document(path)
    assert [table.n_columns for table in document.tables] == [5]
    assert [block.text for block in document.text_blocks] == ["checked by KH"]


def test_empty_workbook_is_skipped(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    result = convert_file(path)
    assert result.record.status == "skipped"


# --------------------------------------------------------------------------- csv / tsv

BOARD_CSV = (
    '"Trust Board action log, meeting of 4 July 2024",,,,\n'
    ',,,,\n'
    'Ref,Action,Lead,Due date,Status\n'
    '1,"Bring the winter plan to the September board, with\nstaffing and bed numbers.",Siobhan Walsh,30/09/2024,Open\n'
    '2,"Report on ambulance handover delays, by site.",Chief Operating Officer,31/10/2024,Completed\n'
)


def test_csv_plan_gives_its_actions(tmp_path):
    path = tmp_path / "board-actions.csv"
    path.write_text(BOARD_CSV, encoding="utf-8")
    assert records(path, "ref", "lead_people", "due_date", "status") == [
        ("1", ("Siobhan Walsh",), "2024-09-30", ""),
        ("2", (), "2024-10-31", "completed"),
    ]


def test_csv_quoted_multi_line_cell_keeps_its_lines_and_title_is_text(tmp_path):
    path = tmp_path / "board-actions.csv"
    path.write_text(BOARD_CSV, encoding="utf-8")
    document = read_document(path)
    assert document.format == "csv"
    assert [block.text for block in document.text_blocks] == ["Trust Board action log, meeting of 4 July 2024"]
    cell = document.tables[0].rows[1][1]
    assert [line.text for line in cell.lines] == [
        "Bring the winter plan to the September board, with", "staffing and bed numbers."]


def test_unquoted_title_with_commas_above_the_table_stays_one_line_of_text(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(BOARD_CSV.replace('"Trust Board action log, meeting of 4 July 2024",,,,\n,,,,\n',
                                      "Trust Board action log, meeting of 4 July 2024\n\n"), encoding="utf-8")
    document = read_document(path)
    assert [block.text for block in document.text_blocks] == ["Trust Board action log, meeting of 4 July 2024"]
    assert table_texts(document)[0][0] == ["Ref", "Action", "Lead", "Due date", "Status"]


def test_header_narrower_than_its_rows_stays_the_header(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("Ref,Action,Lead,Due date\n1,Audit files,Sarah Collins,May 2024,see minutes\n"
                    "2,Report,Sarah Collins,June 2024,\n", encoding="utf-8")
    assert table_texts(read_document(path))[0][0] == ["Ref", "Action", "Lead", "Due date", ""]


def test_excel_separator_hint_line_sets_the_delimiter(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("sep=;\nRef;Action;Lead;Due\n1;Audit, then report;Director;May 2024\n", encoding="utf-8")
    document = read_document(path)
    assert table_texts(document) == [[["Ref", "Action", "Lead", "Due"], ["1", "Audit, then report", "Director", "May 2024"]]]
    assert not document.text_blocks


def test_xlsb_says_how_to_convert(tmp_path):
    path = tmp_path / "tracker.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    result = convert_file(path)
    assert result.record.status == "failed" and "save it as .xlsx" in result.record.error


def test_semicolon_csv_with_commas_in_the_prose_is_split_on_semicolons(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "Ref;Action;Lead;Timescale\n"
        "1;Review, update and publish the threshold document;Head of Service;April 2024\n"
        "2;Agree, with health partners, a joint audit tool;Designated Nurse;May 2024\n"
        "3;Train, coach and observe all duty workers;Team Manager;June 2024\n",
        encoding="utf-8",
    )
    grid = table_texts(read_document(path))[0]
    assert grid[0] == ["Ref", "Action", "Lead", "Timescale"]
    assert grid[2][1] == "Agree, with health partners, a joint audit tool"


def test_windows_1252_csv_is_decoded(tmp_path):
    path = tmp_path / "plan.csv"
    text = "Ref,Action,Lead,Due\n1,Fund the £40k post – recruit by spring,Director,March 2025\n2,Report,Director,June 2025\n"
    path.write_bytes(text.encode("cp1252"))
    document = read_document(path)
    assert table_texts(document)[0][1][1] == "Fund the £40k post – recruit by spring"
    assert [issue.code for issue in document.issues] == ["decoded-encoding"]


def test_tsv_with_quoted_cells(tmp_path):
    path = tmp_path / "plan.tsv"
    path.write_text('Ref\tAction\tLead\tDue\n1\t"Two\nlines"\tDirector\tMay 2024\n', encoding="utf-8")
    document = read_document(path)
    assert document.format == "tsv"
    assert [line.text for line in document.tables[0].rows[1][1].lines] == ["Two", "lines"]


def test_excel_unicode_text_with_quoted_line_breaks_keeps_its_rows(tmp_path):
    """Excel's "Save as Unicode Text": UTF-16, TAB-separated, cells with line breaks quoted."""
    path = tmp_path / "tracker.txt"
    text = ('Ref\tAction\tLead\tDue date\r\n'
            '1\t"Agree the audit tool\nwith the designated nurse"\tSarah Collins\t30/06/2024\r\n'
            '2\tRun the first audit\tSarah Collins\t31/07/2024\r\n')
    path.write_bytes(text.encode("utf-16"))
    document = read_document(path)
    assert document.format == "tsv"
    grid = table_texts(document)[0]
    assert [row[0] for row in grid] == ["Ref", "1", "2"]
    assert grid[1][1] == "Agree the audit tool\nwith the designated nurse"


def test_csv_content_under_another_name_is_detected(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text(BOARD_CSV.split("\n", 2)[2], encoding="utf-8")
    assert read_document(path).format == "csv"


@pytest.mark.parametrize("text", [
    # prose with commas: lines do not agree on a count of them
    "The inspection found that, in most cases, children were seen promptly.\n"
    "However, managers did not always record their decisions, and supervision was irregular.\n"
    "We accept the findings in full, and this plan sets out how we will respond.\n"
    "Progress will be reported to the board, quarterly.\n",
    # an address block and a letter
    "Children's Services, Civic Centre, Dock Road\n"
    "Dear Ms Okonjo,\n"
    "Thank you for your letter of 3 May, which the board discussed on 12 May.\n"
    "Yours sincerely,\n",
])
def test_prose_with_commas_is_not_csv(tmp_path, text):
    path = tmp_path / "letter.txt"
    path.write_text(text, encoding="utf-8")
    assert detect_format(path.read_bytes(), ".txt") == "text"
    assert convert_file(path).record.status == "skipped"


# --------------------------------------------------------------------------- fixed-width

PRINTED_TRACKER = """\
North Vale Council - Children's Services Improvement Tracker
Compiled 4 July 2024


Ref    Action                                 Lead                  Due date     Status
-----  -------------------------------------  --------------------  -----------  -----------
1.1    Audit every strategy discussion for    Karen Holt            30/09/2024   In progress
       police attendance and record the
       outcome on the child's file.
1.2    Recruit two conference chairs.         Head of Safeguarding  31/10/2024   Not started
1.3    Publish the revised threshold          Liam O'Brien          March 2025   Completed
       guidance to partners and schools.
"""


def test_fixed_width_tracker_is_read_as_a_table(tmp_path):
    path = tmp_path / "tracker.txt"
    path.write_text(PRINTED_TRACKER, encoding="utf-8")
    document = read_document(path)
    assert document.format == "fixed-width"
    assert [block.text for block in document.text_blocks] == [
        "North Vale Council - Children's Services Improvement Tracker", "Compiled 4 July 2024"]
    grid = table_texts(document)[0]
    assert grid[0] == ["Ref", "Action", "Lead", "Due date", "Status"]
    assert grid[1] == ["1.1", "Audit every strategy discussion for police attendance and record the outcome on "
                       "the child's file.", "Karen Holt", "30/09/2024", "In progress"]
    assert grid[2][0] == "1.2" and grid[3][1] == "Publish the revised threshold guidance to partners and schools."


def test_fixed_width_tracker_gives_its_actions(tmp_path):
    path = tmp_path / "tracker.txt"
    path.write_text(PRINTED_TRACKER, encoding="utf-8")
    assert records(path, "ref", "lead_people", "due_date", "status") == [
        ("1.1", ("Karen Holt",), "2024-09-30", "in_progress"),
        ("1.2", (), "2024-10-31", "not_started"),
        ("1.3", ("Liam O'Brien",), "2025-03", "completed"),
    ]


BLANK_SEPARATED = """\
Priority                      What we will do                        Owner          By when
Early help: families get      Set up a single front door for         Early Help     April 2025
help before problems          early help requests, staffed by        Manager
escalate                      health, police and schools.

Placements: children live     Open two new in-house children's       Head of        September
close to home                 homes in the borough.                  Placements     2025

Workforce                     Reduce agency social workers to        HR Business    March 2026
                              under 15% of the workforce.            Partner
"""


def test_blank_separated_rows_with_a_wrapping_first_column(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(BLANK_SEPARATED, encoding="utf-8")
    grid = table_texts(read_document(path))[0]
    assert len(grid) == 4
    assert grid[1] == ["Early help: families get help before problems escalate",
                       "Set up a single front door for early help requests, staffed by health, police and schools.",
                       "Early Help Manager", "April 2025"]
    assert grid[2][3] == "September 2025"
    assert grid[3][1] == "Reduce agency social workers to under 15% of the workforce."


def test_right_aligned_column_and_list_lines_in_a_cell(tmp_path):
    path = tmp_path / "tracker.txt"
    path.write_text(
        "No.  Recommendation                    Actions                              Target\n"
        "  1  Strengthen management oversight   a) weekly case supervision           06/2024\n"
        "                                       b) monthly audit of ten files\n"
        " 12  Improve return interviews         Offer every child an interview       12/2024\n"
        "                                       within 72 hours.\n",
        encoding="utf-8",
    )
    grid = table_texts(read_document(path))[0]
    assert [row[0] for row in grid] == ["No.", "1", "12"]
    assert grid[1][2] == "a) weekly case supervision\nb) monthly audit of ten files"
    assert grid[2][2] == "Offer every child an interview within 72 hours."


NARROWER_PIECE = """\
Ref    Action                            Lead              Due          Evidence
-----  --------------------------------  ----------------  -----------  ------------------------
2.1    Agree the audit tool with team    Quality Lead      May 2025     Tool signed off
       managers.

2.2    Audit ten cases a month against   Head of Service   July 2025    Audit reports to the


Links to OR 4   the new practice standard and report           quality board
                the findings to the board.

2.3 IN 6        Publish the findings to all staff.             Staff survey shows the
                                                               findings are known

2.4             Repeat the audit after six months.             Second audit report
"""
"""A table broken after 2.2 whose next piece was printed with only the columns it fills
(ref, action, evidence), at positions of its own: it continues the table, first column to
first and last to last, as a narrower table piece does in every other format."""


@pytest.mark.parametrize("rows", [4, 3])
def test_narrower_piece_after_a_break_continues_the_table(tmp_path, rows):
    """With three rows in the piece, or two (too few to be a table on its own)."""
    text = NARROWER_PIECE if rows == 4 else NARROWER_PIECE.split("\n\n2.4")[0] + "\n"
    path = tmp_path / "tracker.txt"
    path.write_text(text, encoding="utf-8")
    assert records(path, "ref", "action", "measures") == [
        ("2.1", "Agree the audit tool with team managers.", "Tool signed off"),
        ("2.2", "Audit ten cases a month against the new practice standard and report the findings to the board.",
         "Audit reports to the quality board"),
        ("2.3", "Publish the findings to all staff.", "Staff survey shows the findings are known"),
        ("2.4", "Repeat the audit after six months.", "Second audit report"),
    ][:rows]


PROSE = """\
1. Introduction

The Local Safeguarding Children Board commissioned this review after the inspection in
March. The review looked at how agencies worked together, how decisions were recorded,
and whether the voice of the child was heard. It did not look at individual practitioners.
Most of the evidence came from case files, interviews and a survey of 240 staff.  The board
accepted every recommendation at its meeting in May.  Progress will be reported quarterly.

2. What we found

Practitioners described a service under pressure. Caseloads were high in two teams, and
supervision was not always regular. Where it happened it was reflective and well recorded.
"""

LIST = """\
Our priorities for 2024-25

  1.  Children are seen and heard
  2.  Plans are clear and reviewed on time
  3.  Leaders know their services well
  4.  Partners share information quickly
  10. The workforce is stable
"""

LETTER = """\
Children's Services                              Tel: 01632 960 123
Civic Centre                                     Email: director@example.gov.uk
Dock Road                                        Our ref: DCS/2024/117
North Vale  NV1 2AB                              Date: 4 July 2024

Dear Ms Okonjo-Iweala,

Re: Inspection of local authority children's services

Thank you for your letter of 12 June.  The board discussed the findings at its meeting
on 1 July and agreed the attached plan.  We will write again in October with an update
on progress against each recommendation.

Yours sincerely,

Amira Rahman
Director of Children's Services
"""


def justified(text: str, width: int = 64) -> str:
    """Prose set fully justified, as a word processor prints it: extra spaces between words."""
    import textwrap

    out = []
    for paragraph in text.split("\n\n"):
        lines = textwrap.wrap(" ".join(paragraph.split()), width)
        for number, line in enumerate(lines):
            words = line.split()
            if number == len(lines) - 1 or len(words) == 1:
                out.append(line)
                continue
            gaps, extra = len(words) - 1, width - len(line)
            out.append("".join(word + " " * (1 + extra // gaps + (index < extra % gaps)) for index, word in enumerate(words[:-1])) + words[-1])
        out.append("")
    return "\n".join(out)


CONTENTS = """\
Contents

Foreword by the Chair                                          3
Summary of the inspection findings                             5
Our improvement priorities                                     9
How we will know we have succeeded                            14
Governance and reporting                                      17
"""


@pytest.mark.parametrize("name, text", [
    ("prose.txt", PROSE), ("justified.txt", justified(PROSE)), ("list.txt", LIST), ("letter.txt", LETTER),
    ("contents.txt", CONTENTS),
])
def test_narrative_is_never_turned_into_a_table(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert detect_format(path.read_bytes(), ".txt") == "text"
    result = convert_file(path)
    assert result.record.status == "skipped"
    assert result.record.error.startswith("no tables found")


def test_tab_separated_export_still_goes_to_the_text_reader(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text("Ref\tAction\tLead\tDue\n1\tDo it\tDirector\tMay 2024\n", encoding="utf-8")
    assert read_document(path).format == "text"


# --------------------------------------------------------------------------- nothing lost

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ingest.fixedwidth import is_rule, text_to_blocks  # noqa: E402
from ingest.model import TextBlock  # noqa: E402

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789.,()&'/", min_size=1, max_size=12)
PRINTED_CELL = st.lists(WORDS, min_size=0, max_size=12).map(" ".join)


def block_words(blocks) -> list[str]:
    words = []
    for block in blocks:
        if isinstance(block, TextBlock):
            words += block.text.split()
        else:
            words += [word for row in block.rows for cell in row if cell is not None for word in cell.text.split()]
    return sorted(words)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(PRINTED_CELL, min_size=3, max_size=6), min_size=1, max_size=8),
       widths=st.lists(st.integers(min_value=12, max_value=30), min_size=6, max_size=6),
       blank_between=st.booleans())
def test_fixed_width_reading_loses_no_word(rows, widths, blank_between):
    """Whatever the layout, every word printed comes back in a table cell or a text block."""
    import textwrap

    printed = []
    for row in rows:
        wrapped = [textwrap.wrap(cell, widths[i], break_long_words=False) for i, cell in enumerate(row)]
        for number in range(max(1, *(len(cell) for cell in wrapped))):
            printed.append("   ".join((cell[number] if number < len(cell) else "").ljust(widths[i])
                                      for i, cell in enumerate(wrapped)).rstrip())
        if blank_between:
            printed.append("")
    text = "\n".join(printed)
    assert block_words(text_to_blocks(text)) == sorted(text.split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), max_size=400))
def test_fixed_width_reading_never_crashes_and_keeps_every_word_of_any_text(text):
    blocks = text_to_blocks(text)
    bullets = set("•●○▪■◦‣∙·")
    printed = [line for line in text.splitlines() if not is_rule(line)]  # ruling lines are layout
    expected = sorted(word for line in printed for word in line.split() if word not in bullets)
    assert [word for word in block_words(blocks) if word not in bullets] == expected


def test_xlsx_with_external_entities_is_refused_not_resolved(tmp_path):
    path = write_xlsx(tmp_path / "xxe.xlsx", GP_PLAN)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    declaration_end = sheet.index("?>") + 2 if sheet.startswith("<?xml") else 0
    members["xl/worksheets/sheet1.xml"] = (
        sheet[:declaration_end] + '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
        + sheet[declaration_end:].replace("Complete a fire risk", "&secret; Complete a fire risk", 1)
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = convert_file(path)
    assert result.record.status == "failed"
    assert result.record.error == "refused: xl/worksheets/sheet1.xml declares a DTD (external entities are not allowed in .xlsx)"


def test_this_tools_own_output_is_not_read_back_as_plans(tmp_path):
    """A folder holding an earlier run's dataset (CSV, JSON Lines, XLSX) yields no actions from it."""
    from actionplans.export import DEFAULT_FORMATS, write_dataset
    from actionplans.pipeline import convert_to_frames

    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "gp-plan.csv").write_text(BOARD_CSV, encoding="utf-8")
    (plans / "tracker.txt").write_text(PRINTED_TRACKER, encoding="utf-8")
    (plans / "tracker-copy.txt").write_text(PRINTED_TRACKER.replace("North Vale", "South Vale"), encoding="utf-8")
    frames = convert_to_frames(plans)
    write_dataset(frames, plans / "out", [*DEFAULT_FORMATS, "xlsx"])
    (plans / "out" / "run.json").write_text('{\n  "inputs": ["plans"],\n  "counts": {"a": 1, "b": 2, "c": 3}\n}\n')
    again = convert_to_frames(plans)
    documents = again["documents"].set_index("document")
    assert len(again["actions"]) == len(frames["actions"]) == 8
    outputs = [name for name in documents.index if "plan" not in name and "tracker" not in name]
    assert len(outputs) >= 11  # actions, documents, issues, glossary, people as CSV and JSONL; dataset.xlsx
    assert all(documents.loc[name, "status"] == "skipped" for name in outputs)
    assert documents.loc[next(n for n in outputs if n.endswith("actions.csv")), "error"].startswith("an actionplans output")


@pytest.mark.parametrize("text", [
    "".join(f'{{"document": "plan.txt", "code": "invalid-date", "row": {row}, "message": "no such day"}}\n'
            for row in range(6)),
    '{\n  "inputs": ["plans"],\n  "counts": {"success": 4, "failed": 1, "skipped": 0},\n  "version": "0.1.0"\n}\n',
])
def test_json_is_not_taken_for_csv(tmp_path, text):
    path = tmp_path / "issues.jsonl"
    path.write_text(text, encoding="utf-8")
    assert detect_format(path.read_bytes(), ".jsonl") == "text"


def test_xlsx_title_rows_above_a_summary_table_are_the_plans_narrative(tmp_path):
    """Title lines typed in column A straight above a sheet's first table (here a summary
    sheet's key-value rows, which no header makes a plan table) give the plan's date, as a
    document's title lines do; the summary rows stay a table."""
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    for row in (["SEND improvement plan"], ["Version 4, 3 March 2025"], ["Overall RAG", "Amber"]):
        summary.append(row)
    plan = workbook.create_sheet("Priority 1")
    for row in (["Ref", "Action", "Lead", "Due"], ["P1.1", "Publish the graduated approach toolkit", "SENCO lead", "June"]):
        plan.append(row)
    path = tmp_path / "send.xlsx"
    workbook.save(path)
    result = convert_file(path)
    assert (result.record.plan_date, result.record.plan_date_source) == ("2025-03-03", "Version 4, 3 March 2025")
    assert [(a.ref, a.due_date) for a in result.actions] == [("P1.1", "2025-06")]
    assert table_texts(read_document(path))[0] == [["Overall RAG", "Amber"]]
