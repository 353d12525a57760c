"""Tables printed side by side (issue #12 item 7).

The engines' prints of the hand-written plan ``hazards/side_by_side_services.txt`` are read
page by page here (their actions are compared with the text export's in
``test_pdf_renderings.py``); the rules the reader needed are pinned on pages drawn in the
tests: captions that share a baseline cut at the gutter, and the page read column by column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.model import TextBlock
from ingest.pdf import read_pdf, read_pdf_pages
from ingest.pdf_side_by_side import Band, find_bands, reading_order, side_by_side_bands, split_by_columns
from ingest.pdf_stitch import PageTable
from ingest.pdf_text import TextLine, Word

HAZARDS = Path(__file__).resolve().parent / "fixtures" / "independent" / "hazards"
RULED = sorted(HAZARDS.glob("*/side_by_side_services_landscape_norepeat.pdf"))

LEFT = [
    ["Ref", "Action", "Lead", "Due", "Status"],
    ["F1", "Recruit twelve new foster carers for teenagers", "Kim Okafor", "June 2025", "On track"],
    ["F2", "Offer every carer a support visit within a month of approval", "Lena Marsh", "March 2025", "Completed"],
    ["F3", "Publish a clear allowance policy and pay rates", "Omar Shah", "April 2025", "Not started"],
    ["F4", "Train supervising social workers in life story work", "Kim Okafor", "September 2025", "On track"],
    ["F5", "Review placement stability for every child each quarter", "Paul Reid", "Quarterly", "Delayed"],
]
RIGHT = [
    ["Ref", "Action", "Lead", "Due", "Status"],
    ["A1", "Start early permanence planning at the first review", "Rita Gomes", "May 2025", "On track"],
    ["A2", "Match children waiting over six months with a named family finder", "Sean Tully", "July 2025", "Not started"],
    ["A3", "Set up an adoption support hub with the regional agency", "Rita Gomes", "October 2025", "On track"],
    ["A4", "Hold letterbox contact reviews every year", "Tara Vince", "December 2025", "Completed"],
]


def _texts(table: PageTable) -> list[list[str]]:
    return [[" ".join((cell.text if cell else "").split()) for cell in row] for row in table.rows]


def _flow(blocks) -> list[str]:
    """The page's blocks in reading order: a table as its first cell, text as its text."""
    return [_texts(block)[1][0] if isinstance(block, PageTable) else block.text for block in blocks]


@pytest.fixture(scope="module")
def first_pages() -> dict[str, list]:
    return {path.parent.name: list(next(read_pdf_pages(path)).blocks) for path in RULED}


def test_there_is_a_ruled_side_by_side_print_from_every_engine():
    assert sorted(path.parent.name for path in RULED) == ["chromium", "libreoffice", "reportlab"]


@pytest.mark.parametrize("engine", ["chromium", "libreoffice", "reportlab"])
def test_each_engines_print_gives_two_tables_with_their_own_cells(engine, first_pages):
    tables = [block for block in first_pages[engine] if isinstance(block, PageTable)]
    assert [_texts(table) for table in tables] == [LEFT, RIGHT]
    assert tables[0].bbox[2] < tables[1].bbox[0]  # side by side: the left one ends before the right one starts


@pytest.mark.parametrize("engine", ["chromium", "libreoffice", "reportlab"])
def test_each_table_is_read_after_its_own_caption(engine, first_pages):
    flow = [text for text in _flow(first_pages[engine]) if "Page 1" not in text and ".html" not in text]  # furniture
    start = next(index for index, text in enumerate(flow) if text.startswith("Fostering service"))
    assert flow[start:] == ["Fostering service: actions", "F1", "Adoption service: actions", "A1"]


# --------------------------------------------------------------------------- drawn in the test


def _ruled_table(pdf, x0: float, top: float, widths: list[float], rows: list[list[str]], pitch: float = 18.0) -> None:
    xs = [x0]
    for width in widths:
        xs.append(xs[-1] + width)
    bottom = top - pitch * len(rows)
    for index in range(len(rows) + 1):
        pdf.line(xs[0], top - pitch * index, xs[-1], top - pitch * index)
    for x in xs:
        pdf.line(x, top, x, bottom)
    for index, row in enumerate(rows):
        for x, text in zip(xs, row):
            pdf.drawString(x + 3, top - pitch * index - 12, text)


def _two_tables_pdf(path: Path, gap: float = 30.0) -> None:
    """A title over two ruled tables (a key beside an action table), each under a caption on
    the same baseline as the other's; a note under the left table, a line across the page
    below both."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=(700, 400))
    pdf.setFont("Helvetica", 9)
    pdf.drawString(40, 370, "Youth justice improvement plan 2025")
    pdf.drawString(40, 340, "Actions")
    right = 40 + 380 + gap
    pdf.drawString(right, 340, "Key to ratings")
    _ruled_table(pdf, 40, 332, [40, 220, 120], [["No.", "Action", "Owner"], ["1", "Publish the panel guide", "Sam Roe"],
                                               ["2", "Audit out-of-court disposals", "Ivy Chan"],
                                               ["3", "Train the panel volunteers", "Sam Roe"]])
    _ruled_table(pdf, right, 332, [60, 140], [["Rating", "Meaning"], ["Green", "On track"], ["Amber", "At risk"]])
    pdf.drawString(40, 240, "Reviewed by the management board every quarter.")
    pdf.drawString(40, 215, "Ratings are agreed with the partnership; the plan is published on the council's website each month.")
    pdf.save()


def test_captions_on_one_baseline_are_cut_at_the_gutter_and_read_with_their_tables(tmp_path):
    path = tmp_path / "two_tables.pdf"
    _two_tables_pdf(path)
    blocks = next(read_pdf_pages(path)).blocks
    assert _flow(blocks) == ["Youth justice improvement plan 2025", "Actions", "1",
                             "Reviewed by the management board every quarter.", "Key to ratings", "Green",
                             "Ratings are agreed with the partnership; the plan is published on the council's website each month."]
    # the whole document: the action table keeps the caption over it, not both captions
    document = read_pdf(path)
    texts = [block.text for block in document.blocks if isinstance(block, TextBlock)]
    assert "Actions" in texts and "Key to ratings" in texts


def test_tables_one_above_the_other_keep_the_page_order(tmp_path):
    """No band without tables side by side: a wide line over one table is not cut."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "stacked.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(700, 400))
    pdf.setFont("Helvetica", 9)
    pdf.drawString(40, 370, "Actions")
    pdf.drawString(450, 370, "Updated monthly")
    _ruled_table(pdf, 40, 360, [40, 220, 120], [["No.", "Action", "Owner"], ["1", "Publish the panel guide", "Sam Roe"]])
    pdf.drawString(40, 300, "Key")
    _ruled_table(pdf, 40, 290, [60, 140], [["Rating", "Meaning"], ["Green", "On track"]])
    pdf.save()
    blocks = next(read_pdf_pages(path)).blocks
    flow = _flow(blocks)
    assert flow.index("1") < flow.index("Key") < flow.index("Green")
    assert any("Actions" in text and "Updated monthly" in text for text in flow)  # one line, not cut


def _word(text: str, x0: float, top: float) -> Word:
    return Word(text=text, x0=x0, top=top, x1=x0 + 6.0 * len(text), bottom=top + 10.0, bold=False, size=10.0)


def test_bands_need_tables_that_share_their_height():
    left, right, lower = (40.0, 100.0, 300.0, 200.0), (330.0, 110.0, 560.0, 180.0), (40.0, 400.0, 300.0, 500.0)
    assert side_by_side_bands([left, right, lower]) == [[left, right]]
    assert side_by_side_bands([left, lower]) == []
    overlapping = (250.0, 100.0, 500.0, 200.0)  # overlaps the left one across: not side by side
    assert side_by_side_bands([left, overlapping]) == []
    barely = (330.0, 190.0, 560.0, 290.0)  # shares a tenth of its height
    assert side_by_side_bands([left, barely]) == []


def test_a_line_is_cut_only_where_no_word_crosses_the_gutter():
    left, right = (40.0, 100.0, 300.0, 200.0), (330.0, 100.0, 560.0, 200.0)
    caption = TextLine((_word("Actions", 40, 80), _word("Key", 330, 80)))
    across = TextLine((_word("A", 40, 60), _word("heading-across-the-gutter", 200, 60)))
    title = TextLine((_word("Plan", 40, 20),))
    bands = find_bands([caption, across, title], [left, right])
    # the band reaches up to the caption (cut), not to the line across the gutter, and
    # CAPTION_REACH line heights below the tables
    assert bands == [Band((left, right), 80.0, 200.0 + 30.0)]
    groups = split_by_columns([caption, title], find_bands([caption, title], [left, right]))
    assert [[line.text for line in group] for group in groups] == [["Plan"], ["Actions"], ["Key"]]


def test_reading_order_reads_a_band_column_by_column():
    band = Band(((40.0, 100.0, 300.0, 200.0), (330.0, 100.0, 560.0, 200.0)), 80.0, 230.0)
    blocks = [
        TextBlock(lines=(), bbox=(40.0, 20.0, 100.0, 30.0)),  # title
        TextBlock(lines=(), bbox=(40.0, 80.0, 100.0, 90.0)),  # left caption
        TextBlock(lines=(), bbox=(330.0, 80.0, 400.0, 90.0)),  # right caption
        TextBlock(lines=(), bbox=(40.0, 100.0, 300.0, 200.0)),  # left table
        TextBlock(lines=(), bbox=(330.0, 100.0, 560.0, 200.0)),  # right table
        TextBlock(lines=(), bbox=(40.0, 300.0, 560.0, 310.0)),  # a line across the page below
    ]
    ordered = reading_order(blocks, [band])
    assert [blocks.index(block) for block in ordered] == [0, 1, 3, 2, 4, 5]


# --------------------------------------------------------------------------- no rules: the gutter alone


def _unruled_pdf(path: Path, tables: list[tuple[float, list[float], list[list[list[str]]]]], row_gap: float = 6.0,
                 pitch: float = 10.0) -> None:
    """Tables with no rules at all, drawn from the same top: each is (left edge, column
    widths, rows), a row a list of cells, a cell a list of its lines. Rows are stacked by
    their tallest cell, then ``row_gap``, as a layout engine sets them."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=(842, 595))
    pdf.setFont("Helvetica", 8)
    for x0, widths, rows in tables:
        xs = [x0]
        for width in widths[:-1]:
            xs.append(xs[-1] + width)
        y = 540.0
        for row in rows:
            for x, lines in zip(xs, row):
                for index, text in enumerate(lines):
                    pdf.drawString(x, y - pitch * index, text)
            y -= pitch * max(len(lines) for lines in row) + row_gap
    pdf.save()


def _tables(path: Path) -> list[list[list[str]]]:
    return [[[" ".join((cell.text if cell else "").split()) for cell in row] for row in table.rows]
            for table in read_pdf(path).tables]


WIDTHS = [30.0, 120.0, 80.0, 60.0]
ACTIONS = [
    [["No."], ["Action"], ["Lead"], ["Due"]],
    [["1"], ["Recruit twelve new", "foster carers"], ["Kim Okafor"], ["June 2025"]],
    [["2"], ["Offer every carer a", "support visit within", "a month"], ["Lena Marsh"], ["March 2025"]],
    [["3"], ["Publish the policy"], ["Omar Shah"], ["April 2025"]],
    [["4"], ["Train supervising", "social workers"], ["Kim Okafor"], ["Sept 2025"]],
]
OTHERS = [
    [["No."], ["Action"], ["Lead"], ["Due"]],
    [["1"], ["Start early", "permanence planning", "at the first review"], ["Rita Gomes"], ["May 2025"]],
    [["2"], ["Match children with", "a family finder"], ["Sean Tully"], ["July 2025"]],
    [["3"], ["Set up a hub"], ["Rita Gomes"], ["Oct 2025"]],
    [["4"], ["Hold letterbox", "reviews yearly"], ["Tara Vince"], ["Dec 2025"]],
]


def _joined(rows: list[list[list[str]]]) -> list[list[str]]:
    return [[" ".join(lines) for lines in row] for row in rows]


def test_unruled_tables_side_by_side_whose_rows_are_out_of_step_are_two_tables(tmp_path):
    """Same length, no rules: but each side starts rows in the middle of the other's rows."""
    path = tmp_path / "out_of_step.pdf"
    _unruled_pdf(path, [(40.0, WIDTHS, ACTIONS), (440.0, WIDTHS, OTHERS)])
    assert _tables(path) == [_joined(ACTIONS), _joined(OTHERS)]


def test_one_unruled_table_with_a_wide_gap_and_cells_wrapped_on_both_sides_stays_whole(tmp_path):
    """A wide white gap between two columns of one table, cells wrapping to different
    depths on both sides of it: every row still starts on both sides at once."""
    rows = [
        [["No."], ["Action"], ["Lead officer"], ["Due"]],
        [["1"], ["Recruit twelve new", "foster carers"], ["Head of", "Fostering", "Service"], ["June 2025"]],
        [["2"], ["Offer every carer a", "support visit within", "a month"], ["Team Manager"], ["March 2025"]],
        [["3"], ["Publish the policy"], ["Head of", "Finance"], ["April 2025"]],
        [["4"], ["Train supervising", "social workers"], ["Principal", "Social Worker"], ["Sept 2025"]],
    ]
    path = tmp_path / "wide_gap.pdf"
    _unruled_pdf(path, [(40.0, [30.0, 120.0, 260.0, 80.0], rows)])
    assert _tables(path) == [_joined(rows)]


def test_the_longer_of_two_unruled_tables_in_step_keeps_its_last_rows(tmp_path):
    """Rows of the same height on both sides (one run of lines), until the right table
    ends: the left one's last row, set apart by the row gap, is part of the left table."""
    left = [[["No."], ["Action"], ["Lead"], ["Due"]]] + [
        [[str(n)], [f"Action number {n}", "wrapped once"], ["Kim Okafor"], ["June 2025"]] for n in range(1, 6)
    ]
    right = [[["No."], ["Action"], ["Lead"], ["Due"]]] + [
        [[str(n)], [f"Adoption action {n}", "wrapped once"], ["Rita Gomes"], ["May 2025"]] for n in range(1, 5)
    ]
    path = tmp_path / "in_step.pdf"
    _unruled_pdf(path, [(40.0, WIDTHS, left), (440.0, WIDTHS, right)], row_gap=14.0)
    assert _tables(path) == [_joined(left), _joined(right)]


def test_a_spaced_unruled_tables_last_row_with_empty_cells_on_the_right_stays_in_it(tmp_path):
    """One table, rows spaced apart; its last row has nothing in its right-hand columns (a
    narrower run of lines of its own): still its row, and the table is not cut in two."""
    rows = [[["No."], ["Action"], ["Lead"], ["Due"]]] + [
        [[str(n)], [f"Action number {n}", "wrapped once"], ["Kim Okafor"], ["June 2025"]] for n in range(1, 5)
    ] + [[["5"], ["Action number 5", "wrapped once"], [], []]]
    path = tmp_path / "last_row.pdf"
    _unruled_pdf(path, [(40.0, [30.0, 120.0, 200.0, 60.0], rows)], row_gap=14.0)
    assert _tables(path) == [_joined(rows)]
