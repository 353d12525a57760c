"""The PDF reader on real layouts: the seed plans printed to PDF, one fixture per hazard,
and the real corpus PDFs (ICDAR 2013 EU, Ofsted reports), which must all read without raising.

Fixtures are made by tests/fixtures/make_pdf_fixtures.py (committed with their output).
"""

from __future__ import annotations

import re
import sys
from itertools import zip_longest
from pathlib import Path

import pytest

from ingest import read_document
from ingest.model import Document, Table
from ingest.pdf import PdfSettings, read_pdf, read_pdf_pages
from ingest.pdf_stitch import PageTable
from ingest.text import read_text_export
from conftest import CORPUS, SHARED_SEEDS, need_shared
from conftest import FIXTURES as TEST_FIXTURES

FIXTURES = TEST_FIXTURES / "pdf"
SEEDS = SHARED_SEEDS
SEED_STEMS = sorted(path.stem for path in SEEDS.glob("*.txt")) if SEEDS.exists() else []


def normalise(text: str | None) -> str:
    """Whitespace collapsed; a hyphen at a line break may or may not have had a space after
    it in the source ("on- going" vs "on-going"), which a PDF cannot tell."""
    return re.sub(r"-\s+", "-", " ".join((text or "").split()))


def row_texts(row) -> tuple[str, ...]:
    texts = [normalise(cell.text) if cell is not None else "" for cell in row]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


def all_rows(document: Document) -> list[tuple[str, ...]]:
    return [row_texts(row) for table in document.tables for row in table.rows]


def joined(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    texts = [" ".join(part for part in pair if part) for pair in zip_longest(first, second, fillvalue="")]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


def is_continuation(row: tuple[str, ...]) -> bool:
    """A row of the text export that itself continues the row above after a page break of
    the original (empty or lower-case first cell): the PDF reader may rightly re-join it."""
    return bool(row) and (not row[0] or row[0][:1].islower())


def unmatched_rows(actual: list[tuple[str, ...]], expected: list[tuple[str, ...]], headers: set[tuple[str, ...]]) -> list[str]:
    """Walk the PDF rows against the text-export rows in order; repeated header rows may be
    extra. Returns descriptions of the first mismatch and of any expected rows never seen."""
    i = 0
    for number, row in enumerate(actual):
        if i < len(expected) and row == expected[i]:
            i += 1
        elif i + 1 < len(expected) and is_continuation(expected[i + 1]) and row == joined(expected[i], expected[i + 1]):
            i += 2
        elif row in headers:
            continue
        else:
            want = expected[i] if i < len(expected) else "(nothing)"
            return [f"PDF row {number} {row!r}\n  expected row {i} {want!r}"]
    return [f"expected row {k} never read: {expected[k]!r}" for k in range(i, len(expected))]


@pytest.fixture(scope="module")
def seed_documents() -> dict[str, tuple[Document, Document]]:
    out = {}
    for stem in SEED_STEMS:
        pdf = read_pdf(FIXTURES / f"seed_{stem}.pdf")
        out[stem] = (read_text_export(SEEDS / f"{stem}.txt"), pdf)
    return out


@pytest.mark.parametrize("stem", SEED_STEMS)
def test_seed_pdf_rows_equal_text_export_rows(stem, seed_documents):
    """Every data row of the seed's text export comes back from its PDF print, in order,
    with the same cell texts: tables stitched across pages, split rows re-joined."""
    text, pdf = seed_documents[stem]
    headers = {row_texts(table.rows[0]) for table in text.tables}
    problems = unmatched_rows(all_rows(pdf), all_rows(text), headers)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("stem", SEED_STEMS)
def test_seed_pdf_cells_have_pages_and_boxes(stem, seed_documents):
    _, pdf = seed_documents[stem]
    assert pdf.pages and pdf.pages > 1
    assert pdf.format == "pdf" and pdf.name == f"seed_{stem}.pdf"
    for table in pdf.tables:
        assert table.page is not None and table.bbox is not None
        for row in table.rows:
            for cell in row:
                if cell is not None:
                    assert 1 <= cell.page <= pdf.pages
                    x0, top, x1, bottom = cell.bbox
                    assert x0 < x1 and top < bottom
    for block in pdf.text_blocks:
        assert block.page is not None and block.bbox is not None


def test_table_continued_over_pages_is_one_table_with_rows_on_each_page(seed_documents):
    """Seed 000 prints its first table over two pages: one Table, cells on both pages."""
    _, pdf = seed_documents["000_b6eaf09ee790a9e5"]
    first = pdf.tables[0]
    pages = {cell.page for row in first.rows for cell in row if cell is not None}
    assert pages == {1, 2}
    assert len(pdf.tables) == 2
    assert dict(pdf.metadata).get("pdf_stitched_tables", "").startswith("table 1: pages 1-2")


def test_split_row_is_rejoined_and_keeps_its_first_page(seed_documents):
    """The row cut by the page break in seed 000 ("... finalised 28th July 2014" carried over
    to page 2, its other cells empty there) is one row, starting on page 1."""
    _, pdf = seed_documents["000_b6eaf09ee790a9e5"]
    row = next(row for row in pdf.tables[0].rows if "finalised 28th July 2014" in normalise(row[3].text))
    assert row[0].text.startswith("hild Protection nit : Allegations")
    assert {cell.page for cell in row} == {1}
    assert normalise(row[3].text).endswith("have been reviewed and finalised 28th July 2014.")


def test_bold_heading_cells_and_bullets_are_kept(seed_documents):
    _, pdf = seed_documents["001_9d4ebbcf78c32af3"]
    heading = pdf.tables[0].rows[1][0]
    assert heading.lines[0].bold and heading.lines[0].text.startswith("1.0 Children are listened to")
    _, pdf = seed_documents["003_2a6c1f8cccd38286"]
    bullets = [line for table in pdf.tables for row in table.rows for cell in row if cell for line in cell.lines if line.bullet]
    assert len(bullets) > 100
    assert not any(line.text.startswith(("•", "(cid")) for line in bullets)


def test_paragraphs_are_lines_not_visual_lines(seed_documents):
    """A wrapped paragraph comes back as one Line; separate paragraphs as separate Lines."""
    text, pdf = seed_documents["001_9d4ebbcf78c32af3"]
    measures = pdf.tables[0].rows[1][4]
    assert [normalise(line.text) for line in measures.lines] == [normalise(line.text) for line in text.tables[0].rows[1][4].lines]


@pytest.mark.parametrize("stem", [stem for stem in SEED_STEMS if not stem.startswith("000")])
def test_seed_pdf_cells_keep_the_export_paragraphs(stem, seed_documents):
    """Cell by cell, the PDF gives the paragraphs (with bold and bullets) the export has:
    wrapped lines joined, paragraph spacing and short lines ending a paragraph, a paragraph
    cut by a page break joined again. (Seed 000 runs numbered items together in one
    paragraph; a marker after a sentence end may start a new Line there.)"""
    text, pdf = seed_documents[stem]
    expected = {}
    for table in text.tables:
        for row in table.rows:
            for cell in row:
                if cell is not None and not cell.is_empty:
                    expected.setdefault(normalise(cell.text), [(normalise(line.text), line.bold, line.bullet) for line in cell.lines])
    differences = []
    for table in pdf.tables:
        for row in table.rows:
            for cell in row:
                if cell is None or cell.is_empty or normalise(cell.text) not in expected:
                    continue
                got = [(normalise(line.text), line.bold, line.bullet) for line in cell.lines]
                if got != expected[normalise(cell.text)]:
                    differences.append((got, expected[normalise(cell.text)]))
    assert not differences, differences[:3]


def test_page_numbers_are_not_text_blocks(seed_documents):
    _, pdf = seed_documents["003_2a6c1f8cccd38286"]
    assert not any(re.fullmatch(r"Page \d+", block.text) for block in pdf.text_blocks)


def test_text_blocks_keep_reading_order_between_tables(seed_documents):
    _, pdf = seed_documents["003_2a6c1f8cccd38286"]
    first_table = next(i for i, block in enumerate(pdf.blocks) if isinstance(block, Table))
    before = " ".join(block.text for block in pdf.blocks[:first_table])
    assert before.split() == "Peterborough City Council Safeguarding Improvement Plan December 2011 Contents".split()
    assert pdf.blocks[first_table].rows[0][0].text == "Commitment of Improvement Board Members"
    assert any(block.text == "Governance Arrangements" for block in pdf.text_blocks)


# --------------------------------------------------------------------------- hazards


def cell_texts(table: Table) -> list[list[str]]:
    return [[normalise(cell.text) if cell else "" for cell in row] for row in table.rows]


def test_unruled_table_found_by_text_alignment():
    document = read_pdf(FIXTURES / "unruled_table.pdf")
    assert len(document.tables) == 1
    rows = cell_texts(document.tables[0])
    assert rows[0] == ["Ref", "Action", "Lead", "Timescale"]
    assert rows[1][0] == "1.1" and rows[1][1].startswith("Review the quality of strategy discussions")
    assert rows[1][1].endswith("on the child's file.")
    assert rows[3] == ["1.3", "Audit a sample of case files every month and report the findings to the improvement board.", "Principal Social Worker", "Monthly from April 2014"]
    assert len(rows) == 4
    texts = [block.text for block in document.text_blocks]
    assert texts[0] == "Improvement plan: help and protection"
    assert texts[-1].startswith("Progress against these actions")


def test_clipped_first_letters_stay_with_their_words():
    """Glyphs that start left of the cell edge are read with their cell: not "nild Protection nit"."""
    document = read_pdf(FIXTURES / "clipped_first_column.pdf")
    rows = cell_texts(document.tables[0])
    assert rows[0] == ["Area", "Action", "Lead"]
    assert rows[1][0] == "Child Protection Unit: Initial Child Protection Case Conferences"
    assert rows[1][1].startswith("Take actions to increase")
    assert rows[1][2] == "Frank Hand, Service Manager"
    assert rows[2][0] == "Social Work: Delay in Initial Child Protection Case conferences"


def test_table_after_narrative_keeps_text_before_and_after():
    document = read_pdf(FIXTURES / "table_after_narrative.pdf")
    kinds = [type(block).__name__ for block in document.blocks]
    assert kinds == ["TextBlock", "TextBlock", "TextBlock", "Table", "TextBlock"]
    title, narrative, leads, table, note = document.blocks
    assert title.text == "Safeguarding Improvement Plan"
    assert narrative.text.startswith("This plan sets out") and narrative.text.endswith("meets in June.")
    assert leads.text == "Leads: Jane Held (Independent Chair); Malcolm Newsam (Director)."
    assert cell_texts(table)[0] == ["Ref", "Action", "Lead", "Timescale"]
    assert len(table.rows) == 4 and table.rows[0][0].bold
    assert note.text == "Signed off by the Strategic Director."
    assert narrative.bbox[3] < table.bbox[1] < table.bbox[3] < note.bbox[1]


def test_rotated_header_cell_reads_along_its_direction():
    document = read_pdf(FIXTURES / "rotated_header.pdf")
    rows = cell_texts(document.tables[0])
    assert rows[0] == ["Ref", "Action", "Lead", "RAG status"]
    assert rows[1] == ["1.1", "Review strategy discussions.", "Service Manager", "G"]


def test_table_continued_without_header_and_split_row():
    document = read_pdf(FIXTURES / "split_row_no_header_repeat.pdf")
    assert len(document.tables) == 1
    table = document.tables[0]
    rows = cell_texts(table)
    assert len(rows) == 1 + 29
    long_row = next(row for row in table.rows if row[0] is not None and row[0].text == "2.28")
    assert normalise(long_row[1].text).endswith("and to practitioners across the partnership.")
    assert long_row[2].text == "Chair of the quality sub-group"
    assert long_row[0].page == 1
    assert table.rows[-1][0].page == 2
    running = "Partnership improvement plan - version 3, March 2014"
    assert [block.text for block in document.text_blocks] == [running, running]  # page numbers dropped


STATS = [
    ["Country", "Fund A", "Fund B", "Total"],
    ["Bulgaria", "2.3", "3.2", "5.5"],
    ["Cyprus", "0.21", "0", "0.21"],
    ["Estonia", "1.1", "1.8", "3.0"],
    ["Latvia", "1.5", "2.4", "3.9"],
]


@pytest.mark.parametrize("name", ["header_only_vertical_rules.pdf", "stacked_rows_in_one_box.pdf", "partly_ruled_table.pdf"])
def test_grids_coarser_than_their_table_are_refined_by_text(name):
    """Rules that say less than the text: body rows without vertical rules, data rows
    stacked in one ruled box, labels and a last column outside the ruled values."""
    document = read_pdf(FIXTURES / name)
    assert len(document.tables) == 1
    assert cell_texts(document.tables[0]) == STATS


def test_chart_gridlines_are_not_a_table():
    document = read_pdf(FIXTURES / "chart_gridlines.pdf")
    assert document.tables == ()
    assert any(block.text.startswith("Figure 3") for block in document.text_blocks)


def test_no_tables_is_read_with_text_only():
    document = read_pdf(FIXTURES / "no_tables.pdf")
    assert document.tables == ()
    assert document.text_blocks[0].text == "Covering letter"
    assert document.pages == 1


def test_read_document_dispatches_pdf():
    document = read_document(FIXTURES / "table_after_narrative.pdf")
    assert document.format == "pdf" and len(document.sha256) == 64


def test_read_pdf_pages_gives_one_table_per_page():
    pages = list(read_pdf_pages(FIXTURES / "split_row_no_header_repeat.pdf"))
    per_page = [[block for block in page.blocks if isinstance(block, PageTable)] for page in pages]
    assert [len(tables) for tables in per_page] == [1, 1]


def test_unstitched_setting_keeps_page_parts_apart():
    document = read_pdf(FIXTURES / "split_row_no_header_repeat.pdf", settings=PdfSettings(stitch_pages=False))
    assert [table.page for table in document.tables] == [1, 2]


def test_tables_jsonl_has_one_record_per_table_per_page(tmp_path):
    """The ICDAR scoring format: a table stitched over two pages is written once per page."""
    import json

    from actionplans.inspect import write_tables_jsonl

    out = tmp_path / "tables.jsonl"
    count = write_tables_jsonl([FIXTURES / "split_row_no_header_repeat.pdf", FIXTURES / "encrypted.pdf"], out)
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if not line.startswith("#")]
    assert count == 2 and [record["page"] for record in records] == [1, 2]
    assert records[0]["document"] == "split_row_no_header_repeat"
    assert records[0]["rows"][0] == ["Ref", "Action", "Lead"]
    x0, top, x1, bottom = records[0]["bbox"]
    assert x0 < x1 and top < bottom
    assert "# encrypted: encrypted (password required)" in lines


def test_describe_and_draw_show_what_the_reader_saw(tmp_path):
    from actionplans.inspect import describe_pdf, draw_tables

    text = describe_pdf(FIXTURES / "split_row_no_header_repeat.pdf")
    assert "table 1 (pages 1-2): 30 rows x 3 columns" in text
    assert "1 split row(s) re-joined" in text
    images = draw_tables(FIXTURES / "table_after_narrative.pdf", tmp_path)
    assert [image.name for image in images] == ["table_after_narrative_p001.png"]
    assert images[0].stat().st_size > 1000


def test_settings_are_validated():
    with pytest.raises(ValueError, match="snap_tolerance"):
        PdfSettings(snap_tolerance=-1.0)
    assert PdfSettings().table_settings()["vertical_strategy"] == "lines"


# --------------------------------------------------------------------------- real corpus


def corpus_pdfs() -> list[Path]:
    return sorted(CORPUS.glob("*/*.pdf")) if CORPUS.exists() else []


@pytest.mark.parametrize("path", corpus_pdfs(), ids=lambda path: path.name)
def test_corpus_pdf_reads_without_raising(path):
    document = read_pdf(path)
    assert document.pages and document.blocks
    for table in document.tables:
        assert all(cell.page for row in table.rows for cell in row if cell is not None)


def test_ofsted_priority_action_table_is_found():
    """The two-column "Responsible body | Areas for priority action" table with bulleted cells."""
    document = read_pdf(need_shared(CORPUS / "ofsted-reports" / "01_ofsted_area_send_bexley_2024-02-23.pdf"))
    table = next(t for t in document.tables if t.rows[0][0] is not None and t.rows[0][0].text == "Responsible body")
    header = [normalise(cell.text) for cell in table.rows[0] if cell is not None]
    assert header == ["Responsible body", "Areas for priority action"]
    bullets = [line for row in table.rows for cell in row if cell for line in cell.lines if line.bullet]
    assert len(bullets) >= 5


def test_ofsted_boxes_round_lines_of_prose_are_not_tables():
    """Bexley's report outlines paragraphs and runs of text: pages 2 to 5 hold no table."""
    document = read_pdf(need_shared(CORPUS / "ofsted-reports" / "01_ofsted_area_send_bexley_2024-02-23.pdf"))
    assert not [table.page for table in document.tables if 2 <= table.page <= 5]
    assert [table.page for table in document.tables] == [1, 6, 6, 7, 7]
