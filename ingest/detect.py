"""Format detection by content and dispatch to the reader for that format.

Containers are told apart by what they hold (a zip with ``word/document.xml`` is Word, with
``xl/workbook.xml`` Excel; an OLE file with a ``WordDocument`` stream is an old .doc, with a
``Workbook`` stream an old .xls). Text is told apart by its layout, in this order: HTML
markup, TAB-separated rows (the text-export reader; the CSV reader when quoted cells hold
line breaks, as Excel's "Unicode Text" writes them), delimited rows (``.csv``/``.tsv`` by
name, or content whose rows agree on a field count), columns aligned with spaces
(fixed-width), else the text reader, which says "no tables found".
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.model import Document, UnreadableFile
from ingest.settings import PackageLimits

if TYPE_CHECKING:  # the PDF reader (and pdfplumber) is imported only when a PDF is read
    from ingest.pdf_settings import PdfSettings

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # stream name in an encrypted OOXML file
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))  # BIFF8 / BIFF5 .xls
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_DELIMITED_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv"}
_OPENDOCUMENT = b"application/vnd.oasis.opendocument"
JSON_LINES_SHARE = 0.9
"""Share of lines opening with "{" or "[" that makes a file JSON Lines."""
DETECT_SAMPLE_BYTES = 1024 * 1024
"""How much of a text file format detection decodes and looks at."""


def detect_format(data: bytes, suffix: str = "") -> str:
    """Name the format of a file from its bytes.

    One of pdf, docx, doc, xlsx, xls, xlsb, opendocument, unknown-zip, html, csv, tsv, fixed-width
    or text.
    """
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        # Word saves a password-protected .docx as an OLE container holding the encrypted
        # package; the Word reader explains that better than "old .doc" would.
        if _ENCRYPTED_PACKAGE in data:
            return "xlsx" if suffix in _EXCEL_SUFFIXES or suffix == ".xls" else "docx"
        if suffix in (".docx", ".docm"):
            return "docx"
        if _WORD_STREAM not in data and any(stream in data for stream in _EXCEL_STREAMS):
            return "xls"
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "docx" if suffix == ".docx" else "xlsx" if suffix in _EXCEL_SUFFIXES else "unknown-zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if data[30:100].find(_OPENDOCUMENT) >= 0:
            return "opendocument"
        return "xlsx" if suffix in _EXCEL_SUFFIXES else "unknown-zip"  # the reader says what is missing
    lowered = head.lower()
    if b"\t" not in head and (b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in lowered):
        return "html"
    if suffix in (".htm", ".html") and b"<" in lowered:
        return "html"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if suffix in _EXCEL_SUFFIXES:
        return "xlsx"
    return detect_text_layout(data, suffix)


def detect_text_layout(data: bytes, suffix: str = "") -> str:
    """csv, tsv, fixed-width or text for a file of text (see the module docstring)."""
    if suffix in _DELIMITED_SUFFIXES:
        return _DELIMITED_SUFFIXES[suffix]
    from ingest.decode import decode_bytes
    from ingest.delimited import has_quoted_line_breaks, looks_delimited
    from ingest.fixedwidth import has_fixed_width_table

    sample = data[:DETECT_SAMPLE_BYTES]
    if len(data) > DETECT_SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n")]  # whole lines: never cut a character in two
    try:
        text, _ = decode_bytes(sample)
    except (UnreadableFile, UnicodeDecodeError):
        return "text"  # the text reader gives the reason
    lines = text.splitlines()
    if any("\t" in line and line.strip() for line in lines):
        # Excel's "Unicode Text" is TAB-separated but quotes cells that hold line breaks
        return "tsv" if has_quoted_line_breaks(text) else "text"
    if looks_like_json(lines):
        return "text"  # JSON (this tool's own .jsonl output among it) holds no plan table
    if looks_delimited(text):
        return "csv"
    if has_fixed_width_table(text):
        return "fixed-width"
    return "text"


def looks_like_json(lines: list[str]) -> bool:
    """JSON or JSON Lines: its lines open with a brace or bracket. Its commas agree from line
    to line, so without this check it would pass for CSV."""
    non_blank = [line.strip() for line in lines if line.strip()]
    if not non_blank or non_blank[0][0] not in "{[":
        return False
    if sum(line[0] in "{[" for line in non_blank) >= JSON_LINES_SHARE * len(non_blank):
        return True
    try:
        json.loads("\n".join(non_blank))  # one JSON document, pretty-printed
    except ValueError:
        return False
    return True


def read_document(
    path: Path | str, pdf_settings: PdfSettings | None = None, package_limits: PackageLimits = PackageLimits()
) -> Document:
    """Read any supported file. Raises :class:`UnreadableFile` with a one-line reason.

    ``pdf_settings`` tune the PDF reader (its defaults when None); ``package_limits`` bound
    how far a Word or Excel file may expand. Whatever the format, control characters are
    removed from the text read (with issue rows: :func:`ingest.clean.remove_control_characters`)."""
    from ingest.clean import remove_control_characters

    return remove_control_characters(_read_any(Path(path), pdf_settings, package_limits))


def _read_any(
    path: Path, pdf_settings: PdfSettings | None = None, package_limits: PackageLimits = PackageLimits()
) -> Document:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot open file: {error.strerror or error}") from error
    sha256 = hashlib.sha256(data).hexdigest()
    fmt = detect_format(data, path.suffix.lower())
    if fmt == "pdf":
        from ingest.pdf import PdfSettings, read_pdf

        return read_pdf(path, sha256=sha256, settings=pdf_settings or PdfSettings())
    if fmt == "docx":
        from ingest.docx import read_docx

        return read_docx(path, sha256=sha256, limits=package_limits)
    if fmt == "html":
        from ingest.html import read_html

        return read_html(path, data=data, sha256=sha256)
    if fmt == "xlsx":
        from ingest.xlsx import read_xlsx

        return read_xlsx(path, data=data, sha256=sha256, limits=package_limits)
    if fmt in ("csv", "tsv"):
        from ingest.delimited import read_delimited

        return read_delimited(path, data=data, sha256=sha256, delimiter="\t" if fmt == "tsv" else None)
    if fmt == "fixed-width":
        from ingest.fixedwidth import read_fixed_width

        return read_fixed_width(path, data=data, sha256=sha256)
    if fmt == "xls":
        from ingest.xlsx import XLS_REASON

        raise UnreadableFile(XLS_REASON)
    if fmt == "xlsb":
        raise UnreadableFile("Excel binary workbook (.xlsb) is not supported: save it as .xlsx (Excel: File > Save As)")
    if fmt == "opendocument":
        raise UnreadableFile("OpenDocument file (.ods/.odt) is not supported: save it as .xlsx or .docx")
    if fmt == "doc":
        raise UnreadableFile(
            "old binary Word .doc is not supported: save it as .docx (Word: File > Save As; "
            "or `libreoffice --headless --convert-to docx FILE.doc`)"
        )
    if fmt == "unknown-zip":
        raise UnreadableFile("zip archive that is not a Word document")
    from ingest.text import read_text_export

    return read_text_export(path, data=data, sha256=sha256)
