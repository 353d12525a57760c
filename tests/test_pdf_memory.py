"""The PDF reader's working memory does not grow with the page count (issue #12).

A long plan's ``Document`` must grow with the plan (its tables, cells and boxes are the
output), but what the reader holds while it reads (pdfplumber pages, pdfminer's parsed and
decoded objects) must be released page by page. The guard reads generated plans of
``SHORT`` and ``LONG`` pages (a ruled action table continued on every page, made with
reportlab here, not cut from any seed) under ``tracemalloc`` and compares the *working*
memory of the two reads: the peak minus what the returned Document keeps. Nothing is timed.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from ingest.model import Document, Table
from ingest.pdf import read_pdf

SHORT = 10
LONG = 40
# Bytes a page may add to the working memory of a read made with the cyclic garbage collector
# off (see :func:`read_traced`). Measured on these plans: 11.7 kB a page with the reader of
# the last round, which kept pdfplumber's list of every Page (and pdfminer's page
# dictionaries) to the end of the file, and whose read pages, and the content streams their
# content parsers held, were freed only by a full collection (each refers to itself); 3.9 kB
# once pages are made one at a time, their cycles broken and their streams emptied. What is
# left is what stitching needs from every page until the last is read (each page table's
# column edges and the room left in its last row), pdfminer's cross-reference offsets (the
# file's) and the shells of the content parsers. The bound sits between.
ALLOWED_GROWTH_PER_PAGE = 6_000

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
