"""The document model every reader produces: tables of cells and text blocks, with provenance.

Readers (text export, PDF, Word, HTML) differ in what they can see, but they all hand the
extract stage the same thing: a :class:`Document` whose ``blocks`` are :class:`Table` and
:class:`TextBlock` objects in reading order. Following pdfplumber, a position covered by a
spanning (merged) cell is ``None``; an empty cell is a :class:`Cell` with no text.

Line breaks, bullets and bold are kept per :class:`Line` because later stages use them as
hints (a bold first line is a heading; one paragraph per enumerated item aligns a cell).
Automatic list numbering (Word) is rendered into the line text exactly as if typed
("i) ...", "1. ..."); a bullet item keeps ``bullet=True`` and carries no marker in its text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.issues import IssueCode

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in PDF points, pdfplumber's coordinates (origin top-left)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line or paragraph of text inside a cell or text block."""

    text: str
    bold: bool = False
    bullet: bool = False


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell. ``page`` is 1-based (paged formats only)."""

    lines: tuple[Line, ...] = ()
    page: int | None = None
    bbox: BBox | None = None

    @property
    def text(self) -> str:
        """The cell text, one line per paragraph."""
        return "\n".join(line.text for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not any(line.text.strip() for line in self.lines)

    @property
    def bold(self) -> bool:
        """True when every non-empty line is bold."""
        texts = [line for line in self.lines if line.text.strip()]
        return bool(texts) and all(line.bold for line in texts)


Row = tuple[Cell | None, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table as the reader found it. ``index`` is 1-based within the document.

    ``page`` is the page the table starts on; rows keep their own pages through their cells.
    ``continued`` is True when the reader judged this table to continue the previous one
    (a table broken by a page break); extract may then stitch them.
    """

    index: int
    rows: tuple[Row, ...]
    page: int | None = None
    bbox: BBox | None = None
    continued: bool = False

    @property
    def n_columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Narrative text outside tables (titles, glossary lines, leads lists)."""

    lines: tuple[Line, ...]
    page: int | None = None
    bbox: BBox | None = None
    furniture: bool = False
    """Page furniture: a running header or footer, or a title line the document repeats
    between its tables. Kept as text, but it is no heading of what follows."""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


Block = Table | TextBlock


@dataclass(frozen=True)
class Issue:
    """A data-quality issue: one row of the schema's ``issues`` table, from any stage.

    The one issue record from ingest to export. A reader raises it with
    :meth:`from_reader` (it knows the page, not the document's name or the table); extract
    fills in the document, table, row and column it concerns, and normalise the action. The
    ``code`` is one of the catalogue's (:data:`ingest.issues.IssueCode`).
    """

    document: str
    code: IssueCode
    message: str
    value: str = ""
    page: int | None = None
    table: int | None = None
    row: int | None = None
    column: str = ""
    action_id: str = ""  # set in normalise when the issue concerns one action

    @classmethod
    def from_reader(cls, code: IssueCode, message: str, page: int | None = None, value: str = "") -> Issue:
        """An issue a reader noticed and could not fix; extract names the document."""
        return cls("", code, message, value, page)


@dataclass(frozen=True)
class Document:
    """One input file, read. ``name`` is the file name; ``pages`` is None for unpaged formats."""

    name: str
    format: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    sha256: str = ""
    issues: tuple[Issue, ...] = ()
    metadata: tuple[tuple[str, str], ...] = field(default=())

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(block for block in self.blocks if isinstance(block, Table))

    @property
    def text_blocks(self) -> tuple[TextBlock, ...]:
        return tuple(block for block in self.blocks if isinstance(block, TextBlock))


class UnreadableFile(Exception):
    """Raised by a reader when a file cannot be read at all. The message is one line,
    written for an analyst ("encrypted", "no text layer (OCR not supported)")."""

    def __init__(self, reason: str, status: str = "failed") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status  # "failed" or "skipped"
