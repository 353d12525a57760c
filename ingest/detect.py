"""Format detection by content and dispatch to the reader for that format."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from pathlib import Path

from ingest.model import Document, UnreadableFile

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # stream name in an encrypted OOXML file


def detect_format(data: bytes, suffix: str = "") -> str:
    """Name the format of a file from its bytes: pdf, docx, doc, html, text or unknown-zip."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        # Word saves a password-protected .docx as an OLE container holding the encrypted
        # package; the Word reader explains that better than "old .doc" would.
        if suffix in (".docx", ".docm") or (suffix in ("", ".doc") and _ENCRYPTED_PACKAGE in data):
            return "docx"
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "docx" if suffix == ".docx" else "unknown-zip"
        return "docx" if "word/document.xml" in names else "unknown-zip"
    lowered = head.lower()
    if b"\t" not in head and (b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in lowered):
        return "html"
    if suffix in (".htm", ".html") and b"<" in lowered:
        return "html"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    return "text"


def read_document(path: Path | str) -> Document:
    """Read any supported file. Raises :class:`UnreadableFile` with a one-line reason.

    Whatever the format, control characters are removed from the text read (with issue rows:
    :func:`ingest.clean.remove_control_characters`)."""
    from ingest.clean import remove_control_characters

    return remove_control_characters(_read_any(Path(path)))


def _read_any(path: Path) -> Document:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot open file: {error.strerror or error}") from error
    sha256 = hashlib.sha256(data).hexdigest()
    fmt = detect_format(data, path.suffix.lower())
    if fmt == "pdf":
        from ingest.pdf import read_pdf

        return read_pdf(path, sha256=sha256)
    if fmt == "docx":
        from ingest.docx import read_docx

        return read_docx(path, sha256=sha256)
    if fmt == "html":
        from ingest.html import read_html

        return read_html(path, data=data, sha256=sha256)
    if fmt == "doc":
        raise UnreadableFile(
            "old binary Word .doc is not supported: save it as .docx (Word: File > Save As; "
            "or `libreoffice --headless --convert-to docx FILE.doc`)"
        )
    if fmt == "unknown-zip":
        raise UnreadableFile("zip archive that is not a Word document")
    from ingest.text import read_text_export

    return read_text_export(path, data=data, sha256=sha256)
