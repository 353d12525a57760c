"""Stitching pages as they are read (:class:`ingest.pdf_stitch.Stitcher`, issue #12).

The reader stitches each page as it comes, so a long plan's page contents are not all held
to the end. Page furniture (running headers, titles repeated over each table piece) is told
by repeats, so a page is judged before the whole file is seen: the stitcher reads a few
pages ahead, notes every judgement that may still change, and says when one that decided
whether a table went on proves wrong, so that the file is stitched again whole. These tests
build page contents by hand (a ruled action table of two columns, continued over pages),
compare the stitcher with the whole-file :func:`stitch_pages`, and draw a PDF whose early
judgement is wrong to see the reader fall back to the whole-file result.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.model import Cell, Line, Table, TextBlock
from ingest.pdf import pages_to_document, read_pdf, read_pdf_pages
from ingest.pdf_stitch import PageContent, PageTable, Stitcher, stitch_pages

WIDTH, HEIGHT = 595.0, 842.0
EDGES = (40.0, 200.0, 520.0)


def _text(page: int, text: str, top: float) -> TextBlock:
    return TextBlock(lines=(Line(text),), page=page, bbox=(40.0, top, 400.0, top + 12.0))


def _table(page: int, refs: tuple[str, ...], top: float = 150.0, edges: tuple[float, ...] = EDGES) -> PageTable:
    rows = tuple(
        (
            Cell(lines=(Line(ref),), page=page, bbox=(edges[0], top + 20 * i, edges[1], top + 20 * (i + 1))),
            Cell(lines=(Line(f"Review the {ref} pathway."),), page=page, bbox=(edges[1], top, edges[2], top + 20)),
        )
        for i, ref in enumerate(refs)
    )
    return PageTable(page=page, rows=rows, bbox=(edges[0], top, edges[-1], 800.0), column_edges=edges)


def _page(number: int, *blocks: PageTable | TextBlock) -> PageContent:
    return PageContent(page=number, width=WIDTH, height=HEIGHT, blocks=blocks)


def _stitch(pages: list[PageContent], lookahead: int = 3) -> tuple | None:
    stitcher = Stitcher(lookahead=lookahead)
    for page in pages:
        stitcher.add(page)
    return stitcher.finish()


def test_a_table_under_a_running_header_is_stitched_as_read() -> None:
    pages = [
        _page(n, _text(n, "Northshire Council improvement plan", 30.0), _table(n, (f"{n}.1", f"{n}.2")))
        for n in range(1, 7)
    ]
    stitched = _stitch(pages)
    assert stitched == stitch_pages(pages)
    blocks, notes = stitched
    tables = [block for block in blocks if isinstance(block, Table)]
    assert len(tables) == 1 and len(tables[0].rows) == 12
    assert notes[0].pages == (1, 2, 3, 4, 5, 6)
    assert all(block.furniture for block in blocks if isinstance(block, TextBlock))


def _section_heading_pages() -> list[PageContent]:
    """A heading over the table on pages 2, 5 and 8 (each time right before a table piece,
    never elsewhere: the whole file's rule makes it a repeated title); page 1's table has
    the same columns as page 2's, so whether it goes on over the heading depends on it."""
    pages = []
    for n in range(1, 9):
        blocks: list[PageTable | TextBlock] = []
        if n in (2, 5, 8):
            blocks.append(_text(n, "Quality of practice", 120.0))
        edges = EDGES if n <= 2 else (40.0 + n, 260.0, 520.0 + n)  # later tables stand apart
        blocks.append(_table(n, (f"{n}.1",), edges=edges))
        pages.append(_page(n, *blocks))
    return pages


def test_a_judgement_that_decided_a_join_and_proves_wrong_is_reported() -> None:
    pages = _section_heading_pages()
    whole_blocks, whole_notes = stitch_pages(pages)
    assert whole_notes and whole_notes[0].pages == (1, 2), "the whole file's keys join pages 1 and 2"
    assert _stitch(pages, lookahead=3) is None  # judged on page 2 from one sighting: not yet a title
    assert _stitch(pages, lookahead=7) == (whole_blocks, whole_notes)  # seen all three times first


def test_a_judgement_that_only_set_a_flag_is_put_right_at_the_end() -> None:
    """A title line seen once so far, with no table it could let go on: only its flag
    depended on the verdict, and the flag ends as the whole file says."""
    pages = [
        _page(n, _text(n, "Priority actions", 120.0), _table(n, (f"{n}.1",), edges=(40.0 + 9 * n, 300.0, 500.0)))
        for n in (1, 2, 3)
    ]
    stitched = _stitch(pages, lookahead=0)
    assert stitched is not None
    assert stitched == stitch_pages(pages)
    flags = [block.furniture for block in stitched[0] if isinstance(block, TextBlock)]
    assert flags == [True, True, True]


def test_text_that_is_no_furniture_ends_the_table_as_read() -> None:
    long = "The service will report progress on these actions to the board every quarter, with evidence."
    pages = [
        _page(1, _table(1, ("1.1", "1.2"))),
        _page(2, _text(2, long, 120.0), _table(2, ("2.1",))),
        _page(3, _table(3, ("3.1",))),
    ]
    stitched = _stitch(pages, lookahead=0)
    assert stitched == stitch_pages(pages)
    _, notes = stitched
    assert [note.pages for note in notes] == [(2, 3)]


def write_heading_plan(path: Path) -> None:
    """The drawn form of :func:`_section_heading_pages`: a ruled two-column table on each of
    eight pages, a heading over it on pages 2, 5 and 8, the first two tables alike."""
    sheet = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for n in range(1, 9):
        top = HEIGHT - 200  # the heading below the top margin: a title, not a running header
        if n in (2, 5, 8):
            sheet.setFont("Helvetica-Bold", 11)
            sheet.drawString(40, top + 14, "Quality of practice")
        widths = (160.0, 320.0) if n <= 2 else (220.0 - 10 * n, 260.0 + 10 * n)
        rows = 28 if n == 1 else 3  # page 1's table fills the page to its foot
        if n == 1:
            top = HEIGHT - 40
        for row in range(rows):
            x = 40.0
            for column, width in enumerate(widths):
                sheet.rect(x, top - 26, width, 26)
                sheet.setFont("Helvetica", 9)
                text = f"{n}.{row + 1}" if column == 0 else f"Audit the referral records of team {n}{row}."
                sheet.drawString(x + 4, top - 16, text)
                x += width
            top -= 26
        sheet.showPage()
    sheet.save()


def test_the_reader_falls_back_to_the_whole_file_when_a_judgement_was_wrong(tmp_path: Path) -> None:
    path = tmp_path / "heading_plan.pdf"
    write_heading_plan(path)
    pages = list(read_pdf_pages(path))
    assert _stitch(pages) is None, "the drawn plan makes the early judgement wrong"
    whole = pages_to_document(path.name, pages, len(pages))
    document = read_pdf(path)
    assert (document.blocks, document.metadata) == (whole.blocks, whole.metadata)
    assert document.metadata and "pages 1-2" in document.metadata[0][1]


COLUMNS = 30


def _wide_table(page: int, top: float, shift: float) -> PageTable:
    """A table of ``COLUMNS`` columns, one row, with every stitching measure filled in (each
    a fresh float, as the reader makes them)."""
    edges = tuple(40.0 + shift + 17.0 * c + page * 1e-9 for c in range(COLUMNS + 1))
    row = tuple(
        Cell(lines=(Line(f"p{page}c{c}"),), page=page, bbox=(edges[c], top, edges[c + 1], top + 20))
        for c in range(COLUMNS)
    )
    return PageTable(
        page=page,
        rows=(row,),
        bbox=(edges[0], top, edges[-1], top + 20),
        column_edges=edges,
        tail_room=tuple((3.0 + c + page * 1e-9, 4.5 + page * 1e-9) for c in range(COLUMNS)),
        tail_depth=tuple(0.5 + c + page * 1e-9 for c in range(COLUMNS)),
    )


def _wide_pages(count: int) -> Iterator[PageContent]:
    """Pages made as asked for (nothing holds them but the stitcher): each a table that goes
    on from the page before, a heading, and a table of other columns that does not."""
    for n in range(1, count + 1):
        yield _page(
            n,
            _wide_table(n, 60.0, 0.0),
            _text(n, "The partnership's response to each recommendation follows in full below.", 300.0),
            _wide_table(n, 400.0, 3.0 + n % 2),
        )


def _stitcher_working_memory(count: int) -> int:
    """Peak traced memory while stitching ``count`` pages, less what the result keeps."""
    gc.collect()
    tracemalloc.start()
    try:
        stitcher = Stitcher()
        for page in _wide_pages(count):
            stitcher.add(page)
        result = stitcher.finish()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result is not None and len([b for b in result[0] if isinstance(b, Table)]) == count + 1
    return peak - after


def test_stitching_as_read_holds_no_page_it_is_done_with() -> None:
    """Each page here carries several kB of stitching measures (column edges, the room and
    depth left in the last row of 30 columns); a stitcher that kept every page's measures to
    the end (as reading every page before stitching did) grows by them a page. The result
    itself grows (its cells), so what is compared is the peak less the result."""
    short, long = _stitcher_working_memory(40), _stitcher_working_memory(160)
    growth = (long - short) / 120
    assert growth <= 400, f"{growth:.0f} bytes a page held while stitching"
