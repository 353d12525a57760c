"""Ingest: files to :class:`ingest.model.Document` (tables and text blocks, with provenance).

One reader per format behind one entry point, :func:`read_document`. The format is detected
from the file's content (magic bytes, zip members, markup), the extension only breaking ties.
"""

from ingest.detect import detect_format, read_document
from ingest.model import Cell, Document, Issue, Line, Table, TextBlock, UnreadableFile

__all__ = [
    "Cell",
    "Document",
    "Line",
    "Issue",
    "Table",
    "TextBlock",
    "UnreadableFile",
    "detect_format",
    "read_document",
]
