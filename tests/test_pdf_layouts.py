"""Table layouts the PDF reader must handle on PDFs nobody made for it (issue #12, items 3-8).

Each test draws a small PDF inside the test with reportlab's canvas (nothing cut from the
corpus or the seeds), reads it page by page and compares the grid with the one drawn:
tables printed at 90 degrees, ruled frames over unruled bodies, spanning header groups,
rows with empty first cells, side-by-side tables.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from ingest.pdf import read_pdf_pages  # noqa: E402
from ingest.pdf_stitch import PageTable  # noqa: E402

FONT = "Helvetica"
SIZE = 9.0
PAD = 3.0


@dataclass(frozen=True)
class Layout:
    """Where and how a table is drawn: top-left corner (reportlab points, y up), column
    widths, row height, and which rules are drawn."""

    x: float
    y: float
    widths: tuple[float, ...]
    row_height: float = 14.0
    frame: bool = False  # outer box
    column_rules: bool = False  # vertical rules between columns, full height
    header_rule: bool = False  # a rule under the first ``header_rows`` rows
    row_rules: bool = False  # a rule under every row
    header_rows: int = 1


def draw_table(c: canvas.Canvas, rows: Sequence[Sequence[str]], layout: Layout) -> None:
    """Draw ``rows`` (cell texts; "" = empty) left-aligned in their columns."""
    c.setFont(FONT, SIZE)
    lefts = [layout.x]
    for width in layout.widths:
        lefts.append(lefts[-1] + width)
    height = layout.row_height * len(rows)
    for r, row in enumerate(rows):
        baseline = layout.y - (r + 1) * layout.row_height + 0.3 * layout.row_height
        for column, text in enumerate(row):
            if text:
                c.drawString(lefts[column] + PAD, baseline, text)
    bottom = layout.y - height
    if layout.frame:
        c.rect(layout.x, bottom, lefts[-1] - layout.x, height)
    if layout.column_rules:
        for x in lefts[1:-1]:
            c.line(x, layout.y, x, bottom)
    if layout.header_rule:
        y = layout.y - layout.header_rows * layout.row_height
        c.line(layout.x, y, lefts[-1], y)
    if layout.row_rules:
        for r in range(1, len(rows)):
            y = layout.y - r * layout.row_height
            c.line(layout.x, y, lefts[-1], y)


def page_tables(path: Path) -> list[list[PageTable]]:
    """The tables the reader finds on each page."""
    return [[block for block in page.blocks if isinstance(block, PageTable)] for page in read_pdf_pages(path)]


def grid(table: PageTable) -> list[list[str]]:
    """Cell texts, whitespace collapsed; a spanned position (None) reads as ""."""
    return [[" ".join(cell.text.split()) if cell is not None else "" for cell in row] for row in table.rows]


PEOPLE = [
    ["Name", "Team", "Start", "Grade", "Office"],
    ["Ann Blake", "Audit", "2014-01", "B", "Leeds"],
    ["Carl Dunn", "Housing", "2014-02", "C", "York"],
    ["Eve Frost", "Health", "2014-03", "A", "Hull"],
    ["Gil Hart", "Schools", "2014-04", "B", "Ripon"],
    ["Ivy Jones", "Roads", "2014-05", "C", "Selby"],
]
PEOPLE_WIDTHS = (80.0, 70.0, 60.0, 45.0, 60.0)


# --------------------------------------------------------------------------- rotation


def _rotated_pdf(path: Path, angle: int) -> Path:
    """A landscape table printed sideways on a portrait page: the canvas turned by
    ``angle`` degrees (90: text runs up the page; -90: down), as a landscape table is
    placed in a portrait report."""
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.saveState()
    if angle == 90:
        c.translate(width, 0)
    else:
        c.translate(0, height)
    c.rotate(angle)
    draw_table(c, PEOPLE, Layout(x=120, y=400, widths=PEOPLE_WIDTHS, frame=True, column_rules=True, row_rules=True))
    c.restoreState()
    c.save()
    return path


@pytest.mark.parametrize("angle", [90, -90])
def test_table_printed_sideways_is_read_in_reading_orientation(tmp_path, angle):
    tables = page_tables(_rotated_pdf(tmp_path / f"turned_{angle}.pdf", angle))
    assert len(tables[0]) == 1
    assert grid(tables[0][0]) == PEOPLE


@pytest.mark.parametrize("angle", [90, -90])
def test_unruled_table_printed_sideways_is_not_transposed(tmp_path, angle):
    path = tmp_path / f"turned_unruled_{angle}.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.translate(width, 0) if angle == 90 else c.translate(0, height)
    c.rotate(angle)
    draw_table(c, PEOPLE, Layout(x=120, y=400, widths=PEOPLE_WIDTHS))
    c.save()
    tables = page_tables(path)
    assert len(tables[0]) == 1
    assert grid(tables[0][0]) == PEOPLE


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_page_rotate_entry_is_read_as_displayed(tmp_path, rotation):
    """A page with ``/Rotate``: the viewer turns it; the table drawn upright on the
    unrotated page is read upright, not transposed."""
    path = tmp_path / f"page_rotate_{rotation}.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setPageRotation(rotation)
    draw_table(c, PEOPLE, Layout(x=60, y=700, widths=PEOPLE_WIDTHS, frame=True, column_rules=True, row_rules=True))
    c.save()
    tables = page_tables(path)
    assert len(tables[0]) == 1
    assert grid(tables[0][0]) == PEOPLE


def test_upright_page_with_a_sideways_page_number_is_not_turned(tmp_path):
    path = tmp_path / "upright.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    draw_table(c, PEOPLE, Layout(x=60, y=700, widths=PEOPLE_WIDTHS, frame=True, column_rules=True, row_rules=True))
    c.saveState()
    c.translate(580, 400)
    c.rotate(90)
    c.setFont(FONT, 8)
    c.drawString(0, 0, "Page 12 of 40")
    c.restoreState()
    c.save()
    assert grid(page_tables(path)[0][0]) == PEOPLE


# --------------------------------------------------------------------------- inspect


PLAN = [
    ["Ref", "Action", "Lead officer", "Timescale"],
    ["1.1", "Audit case files monthly", "Head of Service", "June 2015"],
    ["1.2", "Train all duty staff", "Principal Social Worker", "July 2015"],
    ["1.3", "Publish the threshold guide", "Board Manager", "May 2015"],
]


def _plan_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    draw_table(c, PLAN, Layout(x=50, y=760, widths=(40, 180, 130, 80), frame=True, column_rules=True, row_rules=True))
    c.save()
    return path


def test_draw_marks_tables_headers_fields_and_action_rows(tmp_path):
    from actionplans.inspect import draw_tables, page_marks

    path = _plan_pdf(tmp_path / "plan.pdf")
    marks = page_marks(path)
    assert [mark.label for mark in marks if mark.kind == "table"] == ["T1"]
    headers = {mark.label for mark in marks if mark.kind == "header"}
    assert {"ref", "action", "lead", "timescale"} <= headers
    actions = sorted((mark for mark in marks if mark.kind == "action"), key=lambda mark: mark.box[1])
    assert [mark.label for mark in actions] == ["A1", "A2", "A3"]
    header_bottom = max(mark.box[3] for mark in marks if mark.kind == "header")
    assert all(mark.box[1] >= header_bottom - 0.5 for mark in actions)
    assert [image.name for image in draw_tables(path, tmp_path / "drawn")] == ["plan_p001.png"]


def test_draw_boxes_of_a_sideways_table_lie_on_the_printed_page(tmp_path):
    from actionplans.inspect import page_marks

    marks = page_marks(_rotated_pdf(tmp_path / "turned.pdf", 90))
    cells = [mark.box for mark in marks if mark.kind == "cell"]
    width, height = A4
    assert cells and all(0 <= x0 < x1 <= width and 0 <= top < bottom <= height for x0, top, x1, bottom in cells)
    assert max(b[3] - b[1] for b in cells) > max(b[2] - b[0] for b in cells)  # columns run down the page


# --------------------------------------------------------------------------- bad input


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Bad files made here: an encrypted PDF, a truncated one, a scan, and not a PDF."""
    from reportlab.lib import pdfencrypt
    from reportlab.lib.utils import ImageReader
    from PIL import Image

    encrypted = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(encrypted), encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    c.drawString(72, 720, "Secret plan")
    c.save()
    whole = _plan_pdf(tmp_path / "whole.pdf").read_bytes()
    truncated = tmp_path / "cut.pdf"
    truncated.write_bytes(whole[: len(whole) // 3])
    scanned = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scanned), pagesize=A4)
    c.drawImage(ImageReader(Image.new("RGB", (40, 40), "white")), 72, 600, 200, 200)
    c.save()
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("Ref\tAction\n1\tDo it\n", encoding="utf-8")
    return {
        "encrypted": (encrypted, "encrypted (password required)"),
        "truncated": (truncated, "corrupt PDF: truncated"),
        "scanned": (scanned, "no text layer (OCR not supported)"),
        "not a PDF": (not_pdf, "corrupt PDF: no %PDF header"),
    }


def test_inspect_gives_convert_one_line_reasons_for_bad_files(tmp_path):
    """``inspect`` (with --draw and --tables-jsonl) says the same one-line reason as
    ``convert`` for each bad file, never a traceback."""
    from tests.conftest import run_cli_in_process

    cases = _bad_inputs(tmp_path)
    files = [str(path) for path, _ in cases.values()]
    converted = run_cli_in_process("convert", *files, "--out", str(tmp_path / "out"), "--jobs", "1", cwd=ROOT)
    inspected = run_cli_in_process("inspect", *files, "--draw", str(tmp_path / "drawn"), cwd=ROOT)
    jsonl = tmp_path / "tables.jsonl"
    scored = run_cli_in_process("inspect", "--tables-jsonl", str(jsonl), *files, cwd=ROOT)
    assert "Traceback" not in inspected.stderr + inspected.stdout + scored.stderr
    comments = jsonl.read_text(encoding="utf-8").splitlines()
    for name, (path, reason) in cases.items():
        in_convert = next(line for line in converted.stdout.splitlines() if f"{path.name}: " in line and "failed" in line)
        said = in_convert.split(f"{path.name}: ", 1)[1]
        assert said.startswith(reason), name
        assert f"{path.name}: unreadable ({said})" in inspected.stdout, name
        assert f"# {path.stem}: {said}" in comments, name
    assert not list((tmp_path / "drawn").glob("*.png")) if (tmp_path / "drawn").exists() else True


# --------------------------------------------------------------------------- side by side

STOCK = [
    ["Item", "Shelf", "Count"],
    ["Bolts", "A1", "120"],
    ["Nails", "A2", "340"],
    ["Screws", "B1", "95"],
    ["Washers", "B2", "410"],
    ["Hinges", "C1", "18"],
    ["Brackets", "C2", "64"],
]
ORDERS = [
    ["Order", "Supplier", "Due"],
    ["7101", "Fenwick", "March"],
    ["7102", "Gale", "April"],
    ["7103", "Hollis", "May"],
]


def test_side_by_side_unruled_tables_split_at_the_clear_gutter(tmp_path):
    """Two unruled tables printed side by side, the right one shorter: one table each."""
    path = tmp_path / "side_by_side.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    draw_table(c, STOCK, Layout(x=50, y=760, widths=(70, 50, 50)))
    draw_table(c, ORDERS, Layout(x=270, y=760, widths=(50, 70, 50)))
    c.save()
    tables = sorted(page_tables(path)[0], key=lambda table: table.bbox[0])
    assert [grid(table) for table in tables] == [STOCK, ORDERS]


def test_side_by_side_tables_with_their_own_rules_split(tmp_path):
    """Same number of rows on both sides, but each table's rules stop at the gutter."""
    path = tmp_path / "side_by_side_ruled_rows.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    draw_table(c, STOCK[:4], Layout(x=50, y=760, widths=(70, 50, 50), header_rule=True, row_rules=True))
    draw_table(c, ORDERS, Layout(x=270, y=760, widths=(50, 70, 50), header_rule=True, row_rules=True))
    c.save()
    tables = sorted(page_tables(path)[0], key=lambda table: table.bbox[0])
    assert [grid(table) for table in tables] == [STOCK[:4], ORDERS]


def test_wide_table_with_a_wide_gutter_is_not_split(tmp_path):
    """Every row has text on both sides of the wide gap and no rule stops there: one table."""
    rows = [[*left, *right] for left, right in zip(STOCK[:4], ORDERS)]
    path = tmp_path / "wide.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    draw_table(c, rows, Layout(x=50, y=760, widths=(70, 50, 100, 50, 70, 50)))
    c.save()
    tables = page_tables(path)[0]
    assert [grid(table) for table in tables] == [rows]


# --------------------------------------------------------------------------- unruled bodies


def test_ruled_frame_and_header_over_unruled_body_rows(tmp_path):
    """A frame, column rules and a rule under the header, but no rules between body rows:
    one row per text line, not one tall cell per column."""
    path = tmp_path / "framed_unruled_body.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    draw_table(c, PEOPLE, Layout(x=60, y=700, widths=PEOPLE_WIDTHS, frame=True, column_rules=True, header_rule=True))
    c.save()
    assert [grid(table) for table in page_tables(path)[0]] == [PEOPLE]


def test_unruled_body_keeps_wrapped_cells_with_their_row(tmp_path):
    """Body rows without rules where one column wraps: the wrapped line stays in its cell."""
    rows = [
        ["Ref", "Action", "Lead", "Due"],
        ["1", "Publish the new threshold", "Chair", "May"],
        ["", "guidance to all partners", "", ""],
        ["2", "Audit files", "Head of Service", "June"],
        ["3", "Train duty staff in the", "Principal", "July"],
        ["", "revised procedures", "", ""],
    ]
    expected = [
        ["Ref", "Action", "Lead", "Due"],
        ["1", "Publish the new threshold guidance to all partners", "Chair", "May"],
        ["2", "Audit files", "Head of Service", "June"],
        ["3", "Train duty staff in the revised procedures", "Principal", "July"],
    ]
    path = tmp_path / "framed_wrapped_body.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    draw_table(c, rows, Layout(x=60, y=700, widths=(30, 112, 80, 50), frame=True, column_rules=True, header_rule=True))
    c.save()
    assert [grid(table) for table in page_tables(path)[0]] == [expected]


# --------------------------------------------------------------------------- empty first cells

SCORES = [
    ["Area", "Term", "Pupils", "Score"],
    ["North", "Autumn", "120", "61"],
    ["", "Spring", "118", "64"],
    ["", "Summer", "121", "66"],
    ["South", "Autumn", "98", "58"],
    ["", "Spring", "101", "57"],
]


@pytest.mark.parametrize("ruled", [False, True], ids=["unruled", "framed"])
def test_row_with_empty_first_cell_is_a_new_row(tmp_path, ruled):
    """Rows whose first cell is empty but whose other cells start new values are rows of
    their own, not wrapped lines of the row above."""
    path = tmp_path / "empty_first_cells.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    draw_table(c, SCORES, Layout(x=60, y=700, widths=(60, 60, 50, 50), frame=ruled, column_rules=ruled, header_rule=ruled))
    c.save()
    assert [grid(table) for table in page_tables(path)[0]] == [SCORES]


# --------------------------------------------------------------------------- spanning header groups

GROUPED_BODY = [
    ["Leeds", "412", "398", "810", "2.1"],
    ["York", "205", "219", "424", "1.8"],
    ["Hull", "310", "301", "611", "2.4"],
    ["Ripon", "98", "91", "189", "1.2"],
]
GROUPED_WIDTHS = (70.0, 45.0, 45.0, 45.0, 45.0)


def _grouped_header_pdf(path: Path, ruled: bool) -> Path:
    """A header whose group name ("Pupils") is centred over the three columns it groups."""
    c = canvas.Canvas(str(path), pagesize=A4)
    x, y = 60.0, 700.0
    c.setFont(FONT, SIZE)
    group_left = x + GROUPED_WIDTHS[0]
    group_width = sum(GROUPED_WIDTHS[1:4])
    c.drawCentredString(group_left + group_width / 2, y - 14 + 4.2, "Pupils")
    c.drawString(x + PAD, y - 14 + 4.2, "Town")
    c.drawString(x + sum(GROUPED_WIDTHS[:4]) + PAD, y - 14 + 4.2, "Rate")
    if ruled:
        c.line(group_left, y - 14, group_left + group_width, y - 14)
    layout = Layout(x=x, y=y - 14, widths=GROUPED_WIDTHS, frame=False, header_rule=ruled)
    draw_table(c, [["", "Boys", "Girls", "Total", ""], *GROUPED_BODY], layout)
    c.save()
    return path


@pytest.mark.parametrize("ruled", [False, True], ids=["unruled", "rule-under-group"])
def test_spanning_group_header_keeps_the_lowest_header_row_columns(tmp_path, ruled):
    """Columns come from the lowest header row: the group name spans its columns instead
    of merging them into one."""
    tables = page_tables(_grouped_header_pdf(tmp_path / "grouped.pdf", ruled))[0]
    assert len(tables) == 1
    rows = grid(tables[0])
    assert len(rows[0]) == 5
    assert rows[-4:] == GROUPED_BODY
    assert rows[-5] == ["", "Boys", "Girls", "Total", ""]
    assert rows[0][0] == "Town" and rows[0][4] == "Rate" and "Pupils" in rows[0][1:4]


# --------------------------------------------------------------------------- columns inside ruled groups


def test_columns_inside_a_ruled_group_come_from_the_text_gutters(tmp_path):
    """Rules only between column groups (a frame round each group, none between its
    columns): the columns inside a group come from the gutters its text leaves."""
    rows = [["Town", "Boys", "Girls", "Total", "Rate"], *GROUPED_BODY]
    path = tmp_path / "ruled_groups.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    layout = Layout(x=60, y=700, widths=GROUPED_WIDTHS, header_rule=True)
    draw_table(c, rows, layout)
    top, bottom = layout.y, layout.y - layout.row_height * len(rows)
    lefts = [60.0, 130.0, 265.0, 310.0]  # frame round Town, the Boys-Girls-Total group, Rate
    c.rect(lefts[0], bottom, lefts[-1] - lefts[0], top - bottom)
    for x in lefts[1:-1]:
        c.line(x, top, x, bottom)
    c.save()
    assert [grid(table) for table in page_tables(path)[0]] == [rows]


# --------------------------------------------------------------------------- sections of one unruled table


def test_unruled_table_is_not_split_at_its_section_headings(tmp_path):
    """Sections of one unruled table, each under a heading after extra space, on the same
    columns: one table, the headings rows of their own."""
    path = tmp_path / "sections.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    widths = (90.0, 50.0, 50.0, 50.0)
    draw_table(c, [["Group", "Boys", "Girls", "Total"]], Layout(x=60, y=700, widths=widths))
    draw_table(c, [["By age"], ["Under 5", "12", "14", "26"], ["5 to 10", "31", "29", "60"], ["11 to 16", "44", "40", "84"]], Layout(x=60, y=676, widths=widths))
    draw_table(c, [["By area"], ["Urban", "61", "58", "119"], ["Rural", "26", "25", "51"], ["Coastal", "9", "11", "20"]], Layout(x=60, y=610, widths=widths))
    c.save()
    tables = page_tables(path)[0]
    assert len(tables) == 1
    rows = [[text for text in row] for row in grid(tables[0])]
    assert rows == [
        ["Group", "Boys", "Girls", "Total"],
        ["By age", "", "", ""],
        ["Under 5", "12", "14", "26"],
        ["5 to 10", "31", "29", "60"],
        ["11 to 16", "44", "40", "84"],
        ["By area", "", "", ""],
        ["Urban", "61", "58", "119"],
        ["Rural", "26", "25", "51"],
        ["Coastal", "9", "11", "20"],
    ]
