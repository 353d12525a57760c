"""Bad PDFs give :class:`UnreadableFile` with a one-line reason, never a pdfminer exception.

Committed fixtures (tests/fixtures/make_pdf_fixtures.py) cover the named cases; damaged
copies made here (cut at many points, bytes overwritten) check that nothing else escapes.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from ingest import read_document
from ingest.model import Document, UnreadableFile
from ingest.pdf import read_pdf
from conftest import FIXTURES as TEST_FIXTURES

FIXTURES = TEST_FIXTURES / "pdf"


def reason_of(path: Path) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_pdf(path)
    return caught.value


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("encrypted.pdf", "encrypted (password required)"),
        ("scanned_no_text.pdf", "no text layer (OCR not supported)"),
    ],
)
def test_named_bad_inputs_give_their_reason(name, reason):
    error = reason_of(FIXTURES / name)
    assert error.reason == reason
    assert error.status == "failed"


def test_truncated_pdf_is_corrupt_and_says_truncated():
    error = reason_of(FIXTURES / "truncated.pdf")
    assert error.reason.startswith("corrupt PDF: truncated")
    assert "\n" not in error.reason and len(error.reason) < 160


def test_empty_user_password_is_tried():
    document = read_pdf(FIXTURES / "encrypted_empty_user_password.pdf")
    assert document.text_blocks[0].text == "Improvement plan (copying restricted)"


def test_no_tables_is_not_an_error():
    document = read_pdf(FIXTURES / "no_tables.pdf")
    assert document.tables == () and document.text_blocks


def test_empty_file_is_skipped(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    error = reason_of(path)
    assert (error.reason, error.status) == ("empty file", "skipped")


def test_not_a_pdf(tmp_path):
    path = tmp_path / "page.pdf"
    path.write_bytes(b"<html><body>Sorry, the file you asked for has moved.</body></html>")
    assert reason_of(path).reason == "corrupt PDF: no %PDF header (not a PDF file)"


def test_header_then_garbage(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"this is not an object\n" * 20)
    assert reason_of(path).reason.startswith("corrupt PDF:")


def test_missing_file():
    with pytest.raises(UnreadableFile, match="cannot open file"):
        read_pdf(FIXTURES / "no-such-file.pdf")


def test_read_document_passes_the_reason_through():
    with pytest.raises(UnreadableFile, match=r"^encrypted \(password required\)$"):
        read_document(FIXTURES / "encrypted.pdf")


def test_a_scanned_page_among_text_pages_is_an_issue(tmp_path):
    """A plan with one page scanned: read, with a no-text-layer issue on that page."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = tmp_path / "mixed.pdf"
    pdf_canvas = canvas.Canvas(str(path), invariant=1)
    pdf_canvas.drawString(72, 700, "Page one has text.")
    pdf_canvas.showPage()
    pdf_canvas.drawImage(ImageReader(Image.new("L", (50, 50), 128)), 72, 600, width=50, height=50)
    pdf_canvas.showPage()
    pdf_canvas.save()
    document = read_pdf(path)
    assert document.pages == 2
    assert [(issue.code, issue.page) for issue in document.issues] == [("no-text-layer", 2)]


def _damaged_copies(data: bytes, count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    copies = [data[: int(len(data) * fraction)] for fraction in (0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97, 0.995)]
    for _ in range(count):
        damaged = bytearray(data)
        start = rng.randrange(len(damaged))
        for offset in range(rng.randint(1, 64)):
            if start + offset < len(damaged):
                damaged[start + offset] = rng.randrange(256)
        copies.append(bytes(damaged))
    return copies


@pytest.mark.parametrize("name", ["table_after_narrative.pdf", "seed_000_b6eaf09ee790a9e5.pdf"])
def test_damaged_pdfs_never_leak_pdfminer_errors(tmp_path, name):
    """Cut or scribbled-over files either read or raise UnreadableFile with one line."""
    for number, data in enumerate(_damaged_copies((FIXTURES / name).read_bytes(), count=15, seed=5)):
        path = tmp_path / f"damaged_{number}.pdf"
        path.write_bytes(data)
        try:
            document = read_pdf(path)
        except UnreadableFile as error:
            assert error.reason and "\n" not in error.reason
        else:
            assert isinstance(document, Document)
