"""The PDF reader's working memory grows little with the page count, and the Document it
returns is compact (issue #12).

A long plan's ``Document`` must grow with the plan (its tables, cells and boxes are the
output), but what the reader holds while it reads (pdfplumber pages, pdfminer's parsed and
decoded objects, each page's stitching geometry) must be released page by page, or be kept
small. The guard reads generated plans of ``SHORT`` and ``LONG`` pages (a ruled action table
continued on every page, made with reportlab here, not cut from any seed) under
``tracemalloc`` and compares the *working* memory of the two reads: the peak minus what the
returned Document keeps. It also bounds what the Document keeps a page, and checks that
dropping the geometry no page break touches (drawn pages of three tables; committed prints
with many tables a page) stitches the same Document. Nothing is timed.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from ingest.model import Document, Table
from ingest.pdf import pages_to_document, read_pdf, read_pdf_pages
from ingest.pdf_stitch import PageContent, PageTable, keep_for_stitching

SHORT = 10
LONG = 40
# Bytes a page may add to the working memory of a read made with the cyclic garbage collector
# off (see :func:`read_traced`). Measured on these plans: 11.7 kB a page with the reader of
# round 17, which kept pdfplumber's list of every Page (and pdfminer's page dictionaries) to
# the end of the file, and whose read pages, and the content streams their content parsers
# held, were freed only by a full collection (each refers to itself); 3.9 kB once pages are
# made one at a time, their cycles broken and their streams emptied; 2.6 kB now that pages
# are stitched as they are read (a page here has one table and little geometry: the
# stitcher's own guard is in tests/test_pdf_stitcher.py). What is left: with the collector
# off, the shells of pdfminer's content parsers (1.3 kB, freed by any full collection), and
# pdfminer's cross-reference offsets (the file's own index, 0.2 kB). The bound sits above.
ALLOWED_GROWTH_PER_PAGE = 6_000
# Bytes the returned Document may keep per page of the generated plan (see
# :func:`test_the_document_costs_a_bounded_size_a_page`).
ALLOWED_DOCUMENT_PER_PAGE = 19_000
FIXTURES = Path(__file__).parent / "fixtures"

ROWS_PER_PAGE = 10
COLUMNS = ("Ref", "Action", "Lead", "Timescale", "Status")
WIDTHS = (50.0, 330.0, 140.0, 110.0, 110.0)
VERBS = ("Review", "Publish", "Train staff on", "Audit", "Agree", "Monitor")
TOPICS = ("the referral pathway", "supervision records", "the escalation policy", "case file quality")
LEADS = ("Head of Service", "Practice Lead", "Quality Manager", "Team Manager")


def write_plan(path: Path, pages: int) -> None:
    """A plan whose one ruled table runs over ``pages`` pages, header repeated on each."""
    width, height = landscape(A4)
    sheet = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    number = 0
    for page in range(pages):
        sheet.setFont("Helvetica-Bold", 12)
        sheet.drawString(40, height - 40, "Improvement action plan")
        top = height - 60
        for row in range(ROWS_PER_PAGE + 1):
            if row == 0:
                values = COLUMNS
                sheet.setFont("Helvetica-Bold", 8)
            else:
                number += 1
                values = (
                    f"{number}.",
                    f"{VERBS[number % len(VERBS)]} {TOPICS[number % len(TOPICS)]} in area {number}",
                    LEADS[(number + page) % len(LEADS)],
                    f"{1 + number % 28} March 2025",
                    "On track" if number % 3 else "Complete",
                )
                sheet.setFont("Helvetica", 8)
            x = 40.0
            for value, column in zip(values, WIDTHS):
                sheet.rect(x, top - 36, column, 36)
                sheet.drawString(x + 3, top - 12, value)
                x += column
            top -= 36
        sheet.showPage()
    sheet.save()


def read_traced(path: Path) -> tuple[Document, int, int]:
    """(document, working bytes, retained bytes) of one read: the peak of traced memory
    during the read less what is still allocated once it returns (the Document).

    The read runs with the cyclic garbage collector off, so what only a collection would
    free (objects that refer to themselves) counts. That is the worst case, and the usual one
    in a process holding many objects (a batch, a test session), where full collections are
    rare; it also makes the figure independent of what the process did before."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        document = read_pdf(path)
        gc.collect()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        if was_enabled:
            gc.enable()
    return document, peak - after, after - before


@pytest.fixture(scope="module")
def reads(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Document, int, int]]:
    folder = tmp_path_factory.mktemp("memory")
    warm_up = folder / "warm_up.pdf"
    write_plan(warm_up, 2)
    read_pdf(warm_up)  # lazy imports and first-use caches are not the reader's working memory
    out = {}
    for pages in (SHORT, LONG):
        path = folder / f"plan_{pages}.pdf"
        write_plan(path, pages)
        out[pages] = read_traced(path)
    return out


def test_the_generated_plans_are_read_whole(reads: dict[int, tuple[Document, int, int]]) -> None:
    for pages, (document, _, _) in reads.items():
        tables = [block for block in document.blocks if isinstance(block, Table)]
        assert document.pages == pages
        assert len(tables) == 1, "the table continued over every page is stitched into one"
        refs = [row[0].text for row in tables[0].rows if row[0].text.rstrip(".").isdigit()]
        assert refs == [f"{number}." for number in range(1, pages * ROWS_PER_PAGE + 1)]


def test_working_memory_does_not_grow_with_the_page_count(reads: dict[int, tuple[Document, int, int]]) -> None:
    short_working = reads[SHORT][1]
    long_working = reads[LONG][1]
    growth = long_working - short_working
    assert growth <= ALLOWED_GROWTH_PER_PAGE * (LONG - SHORT), (
        f"working memory {short_working / 1024:.0f} kB at {SHORT} pages, {long_working / 1024:.0f} kB at "
        f"{LONG} pages: {growth / (LONG - SHORT):.0f} bytes a page kept while reading"
    )


def test_the_result_grows_with_the_plan(reads: dict[int, tuple[Document, int, int]]) -> None:
    """The retained size is the Document's own: it grows with the rows it holds."""
    assert reads[LONG][2] > reads[SHORT][2] * (LONG / SHORT) * 0.5


def test_the_document_shares_its_cell_coordinates(reads: dict[int, tuple[Document, int, int]]) -> None:
    """A long plan's Document is mostly cell boxes: cells in one column share their edge
    objects (one float per place, not one per cell), so the Document holds few floats."""
    document = reads[LONG][0]
    table = next(block for block in document.blocks if isinstance(block, Table))
    lefts = {id(row[0].bbox[0]) for row in table.rows if row[0] is not None}
    rights = {id(row[0].bbox[2]) for row in table.rows if row[0] is not None}
    assert len(lefts) == 1 and len(rights) == 1  # 400 rows over 40 pages, one left edge and one right
    tops = {id(cell.bbox[1]) for cell in table.rows[5] if cell is not None}
    assert len(tops) == 1, "the cells of a row share their top"


def test_the_document_costs_a_bounded_size_a_page(reads: dict[int, tuple[Document, int, int]]) -> None:
    """What the Document keeps per page of the generated plan (10 rows of 5 short cells):
    22.5 kB a page when each cell had its own four floats, 17.4 kB with shared coordinates."""
    kept = reads[LONG][2] - reads[SHORT][2]
    assert kept / (LONG - SHORT) <= ALLOWED_DOCUMENT_PER_PAGE


def write_three_tables(path: Path, pages: int) -> None:
    """Pages of three ruled tables each, one above the other with text between: only the
    last can go on over the page, only the first can continue the page before."""
    width, height = A4
    sheet = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(pages):
        top = height - 50
        for table in range(3):
            sheet.setFont("Helvetica-Bold", 10)
            sheet.drawString(40, top, f"Priority {page * 3 + table + 1}: outcomes for children")
            top -= 10
            for row in range(4):
                x = 40.0
                for column, column_width in enumerate((60.0, 300.0, 150.0)):
                    sheet.rect(x, top - 20, column_width, 20)
                    sheet.setFont("Helvetica", 8)
                    label = ("Ref", "Action", "Lead")[column] if row == 0 else f"{table}.{row} cell {column}"
                    sheet.drawString(x + 3, top - 13, label)
                    x += column_width
                top -= 20
            top -= 40
        sheet.showPage()
    sheet.save()


def test_only_the_geometry_a_page_break_touches_is_held(tmp_path: Path) -> None:
    path = tmp_path / "three_tables.pdf"
    write_three_tables(path, 3)
    pages = list(read_pdf_pages(path))
    assert [sum(isinstance(block, PageTable) for block in page.blocks) for page in pages] == [3, 3, 3]
    for page in pages:
        first, middle, last = (keep_for_stitching(page).blocks[i] for i in _table_indexes(page))
        assert first.column_edges and not first.tail_room and not first.tail_depth
        assert not middle.column_edges and not middle.tail_room and not middle.tail_depth
        assert last.column_edges and len(last.tail_room) == 3 and len(last.tail_depth) == 3
        assert [part.rows for part in (first, middle, last)] == [
            page.blocks[i].rows
            for i in _table_indexes(page)  # type: ignore[union-attr]
        ]


def _table_indexes(page: PageContent) -> list[int]:
    return [index for index, block in enumerate(page.blocks) if isinstance(block, PageTable)]


STITCHED_PRINTS = (
    "pdf/seed_002_93871fd4ab8d0ecd.pdf",  # ten pages of three or more tables
    "independent/chromium/002_93871fd4ab8d0ecd_portrait_norepeat.pdf",
    "independent/libreoffice/001_9d4ebbcf78c32af3_landscape_norepeat.pdf",
)


@pytest.mark.parametrize("name", STITCHED_PRINTS)
def test_holding_less_stitches_the_same(name: str) -> None:
    """Dropping the geometry no page break touches, or stitching each page as it is read,
    changes nothing stitched: the same Document as from every page kept whole (checked over
    all 146 committed and corpus PDFs when written; these prints have many tables a page)."""
    path = FIXTURES / name
    pages = list(read_pdf_pages(path))
    assert any(len(_table_indexes(page)) >= 3 for page in pages)
    whole = pages_to_document(path.name, pages, len(pages))
    kept = pages_to_document(path.name, [keep_for_stitching(page) for page in pages], len(pages))
    assert kept == whole
    read = read_pdf(path)  # stitched page by page as read
    assert (read.blocks, read.metadata) == (whole.blocks, whole.metadata)
    assert any(len({cell.page for row in table.rows for cell in row if cell}) > 1 for table in whole.tables)
