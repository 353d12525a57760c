"""Reader for Word .docx files: tables and the paragraphs between them, as Word shows them.

python-docx opens the package (relationships, content types, parts); the body is then read
straight from its lxml tree, because python-docx's high-level API repeats merged cells, drops
tracked insertions in places and knows nothing of list numbering. What this reader does:

* **Blocks in body order**: each table, and each non-empty paragraph outside tables as its own
  :class:`TextBlock` (the text reader makes one block per line; this matches it).
* **Lines**: one per paragraph (a manual line break starts a new line). A line is bold when
  every visible run is bold, counting bold from character and paragraph styles and from the
  table style's header-row formatting (``w:tblStylePr w:type="firstRow"``).
* **Automatic numbering** is rendered into the text as if typed ("i) Review ...",
  "(1) Completed ..."), see :mod:`ingest.docx_numbering`; bullet items get ``bullet=True``
  and no glyph.
* **Merged cells**: a cell is read once at its grid position; the positions it covers
  (``w:gridSpan`` to the right, ``w:vMerge`` continuation below) are ``None``. Grid positions
  with no cell at all (``w:gridBefore``/``w:gridAfter``, short rows) are empty cells.
* **Nested tables** are flattened into the enclosing cell: each nested cell's lines, row by
  row, as lines of the outer cell (the outer grid is what the plan's columns mean; a nested
  table is usually a list of sub-items). A ``nested-table`` issue records where.
* **Repeating header rows** (``w:tblHeader``) are stored once in the XML and kept once; later
  rows that merely repeat them (left by PDF-to-Word conversion) are dropped. The count of
  header rows per table is noted in ``Document.metadata`` as ``("table-N-header-rows", "k")``.
* **Tracked changes** are read as if accepted: inserted and moved-to text kept, deleted and
  moved-from text dropped, deleted rows dropped, paragraphs whose mark was deleted joined to
  the next. Comments, footnote marks, field codes, text boxes and hidden text are ignored.
* **Empty trailing rows and columns** are dropped; a table with no text at all is skipped.

Bad files raise :class:`UnreadableFile` with a one-line reason before any XML is parsed:
not a zip, an encrypted (password-protected) OLE container, an old binary .doc, a package
that would expand beyond :class:`PackageLimits`, or an XML part that declares a DTD (the way
XML external-entity attacks start; Word never writes one).
"""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from io import BytesIO
from pathlib import Path

from lxml import etree

from ingest.docx_numbering import (
    MC_NS,
    Marker,
    NumberingCounter,
    NumberingDefinitions,
    as_int,
    parse_numbering,
    unbounded_starts,
    w,
    w_val,
)
from ingest.htmltext import clean_space
from ingest.model import Block, Cell, Document, Issue, Line, Row, Table, TextBlock, UnreadableFile
from ingest.settings import PackageLimits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_WORD_BINARY_STREAM = "WordDocument".encode("utf-16-le")
_DTD_MARKERS = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
_STRICT_NAMESPACE = b"purl.oclc.org/ooxml/wordprocessingml/main"
_MB = 1024 * 1024
OLD_DOC_REASON = (
    "old binary Word .doc is not supported: save it as .docx (Word: File > Save As; "
    "or `libreoffice --headless --convert-to docx FILE.doc`)"
)

DEFAULT_LIMITS = PackageLimits()


def read_docx(path: Path, sha256: str = "", limits: PackageLimits = DEFAULT_LIMITS) -> Document:
    """Read a Word .docx into a :class:`Document` (see the module docstring for the rules)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot open file: {error.strerror or error}") from error
    check_package(data, limits)
    document_part = _open_package(data)
    styles = parse_styles(_related_root(document_part, "styles"))
    numbering_root = _related_root(document_part, "numbering")
    numbering = parse_numbering(numbering_root, styles.numbering_style_num_ids)
    walk = _Walk(styles, numbering)
    for start in unbounded_starts(numbering_root):
        walk.issues.append(
            Issue.from_reader(
                "clamped-numbering", f"a list numbered from {start:,} was numbered from 1", value=str(start)
            )
        )
    blocks = body_to_blocks(document_part.element.body, walk)
    if not any(isinstance(block, Table) for block in blocks):
        raise UnreadableFile("no tables found in the Word document", status="skipped")
    return Document(
        name=path.name,
        format="docx",
        blocks=blocks,
        sha256=sha256,
        issues=tuple(walk.issues),
        metadata=tuple(walk.metadata),
    )


# ---------------------------------------------------------------------------------------
# The container: refuse bad files before parsing anything


def check_package(data: bytes, limits: PackageLimits = DEFAULT_LIMITS) -> None:
    """Raise :class:`UnreadableFile` unless ``data`` is a zip that is safe to open as .docx."""
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile(ole_reason(data))
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        damaged = data.startswith(b"PK")
        raise UnreadableFile(
            "not a valid .docx (damaged zip archive)" if damaged else "not a valid .docx (not a zip archive)"
        ) from None
    with archive:
        members = archive.infolist()
        check_expansion(members, limits)
        if any(member.flag_bits & 0x1 for member in members):
            raise UnreadableFile("password-protected Word document (encrypted zip)")
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                _check_xml_member(member.filename, _read_member(archive, member))


def ole_reason(data: bytes) -> str:
    """Why an OLE compound file cannot be read as .docx: encrypted OOXML or old binary .doc."""
    if _ENCRYPTED_PACKAGE in data:
        return "password-protected Word document"
    if _WORD_BINARY_STREAM in data:
        return OLD_DOC_REASON
    return "password-protected Word document"


def check_expansion(members: Sequence[zipfile.ZipInfo], limits: PackageLimits) -> None:
    """Refuse a package whose declared sizes or compression ratios say zip bomb."""
    total = sum(member.file_size for member in members)
    if total > limits.max_expanded_mb * _MB:
        raise UnreadableFile(f"refused: expands to {math.ceil(total / _MB)} MB (limit {limits.max_expanded_mb} MB)")
    for member in members:
        if member.file_size <= limits.ratio_check_from_mb * _MB:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_ratio:
            raise UnreadableFile(
                f"refused: {member.filename} expands {ratio:.0f}:1 (limit {limits.max_ratio}:1), likely a zip bomb"
            )


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise UnreadableFile(f"not a valid .docx (damaged zip member {member.filename}: {error})") from None
    except RuntimeError as error:  # zipfile: "File ... is encrypted, password required"
        raise UnreadableFile("password-protected Word document (encrypted zip)") from error


def _check_xml_member(name: str, content: bytes) -> None:
    if any(marker in content for marker in _DTD_MARKERS):
        raise UnreadableFile(f"refused: {name} declares a DTD (external entities are not allowed in .docx)")
    if name == "word/document.xml" and _STRICT_NAMESPACE in content[:4096]:
        raise UnreadableFile("Strict Open XML .docx is not supported: save it as a standard Word document")


def _open_package(data: bytes):
    """The python-docx DocumentPart of the package, with its errors as one-line reasons."""
    import docx  # python-docx; imported here so importing this module stays cheap
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(BytesIO(data)).part
    except etree.XMLSyntaxError as error:
        raise UnreadableFile(f"damaged Word document (XML error: {_one_line(str(error))})") from None
    except PackageNotFoundError:
        raise UnreadableFile("not a Word document (no main document part)") from None
    except KeyError as error:
        raise UnreadableFile(f"not a Word document (missing part {error})") from None
    except ValueError as error:  # python-docx: "file '...' is not a Word file, content type is ..."
        raise UnreadableFile(f"not a Word document ({_one_line(str(error))})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise UnreadableFile(f"not a valid .docx (damaged zip archive: {error})") from None


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _related_root(document_part, kind: str) -> etree._Element | None:
    """Root element of the part related to the document as ``kind`` (styles, numbering)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    relationship_type = {"styles": RT.STYLES, "numbering": RT.NUMBERING}[kind]
    try:
        part = document_part.part_related_by(relationship_type)
    except KeyError:
        return None
    element = getattr(part, "element", None)
    if element is not None:
        return element
    from docx.oxml.parser import parse_xml

    try:
        return parse_xml(part.blob)
    except etree.XMLSyntaxError:
        return None


# ---------------------------------------------------------------------------------------
# Styles: bold and list numbering inherited from paragraph and character styles


@dataclass(frozen=True)
class StyleSheet:
    """What the reader needs from styles.xml, with ``w:basedOn`` chains already resolved."""

    bold: Mapping[str, bool] = field(default_factory=dict)  # styles that set bold on or off
    numbering: Mapping[str, tuple[str | None, int | None]] = field(default_factory=dict)
    default_paragraph_style: str = ""
    default_bold: bool = False
    first_row_bold: Mapping[str, bool] = field(default_factory=dict)  # table styles' header row

    @property
    def numbering_style_num_ids(self) -> dict[str, str]:
        return {style_id: num_id for style_id, (num_id, _) in self.numbering.items() if num_id}

    def paragraph_bold(self, style_id: str, table_bold: bool | None = None) -> bool:
        """Bold a paragraph's runs start from: its style's, else the table style's, else the default."""
        style_bold = self.bold.get(style_id or self.default_paragraph_style)
        if style_bold is not None:
            return style_bold
        return self.default_bold if table_bold is None else table_bold


def parse_styles(root: etree._Element | None) -> StyleSheet:
    """Read ``w:styles``: effective bold per style and ``w:numPr`` per paragraph style."""
    if root is None:
        return StyleSheet()
    raw: dict[str, etree._Element] = {}
    default_paragraph = ""
    for style in root.iterchildren(w("style")):
        style_id = style.get(w("styleId"), "")
        raw[style_id] = style
        if style.get(w("type")) == "paragraph" and _on(style.get(w("default"))):
            default_paragraph = style_id
    default_bold = _bold_of(root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}"))
    bold = {}
    numbering = {}
    first_row_bold = {}
    for style_id in raw:
        resolved_bold = _inherited(style_id, raw, lambda s: _bold_of(s.find(w("rPr"))))
        if resolved_bold is not None:
            bold[style_id] = resolved_bold
        resolved_num = _inherited(style_id, raw, _style_num_pr)
        if resolved_num is not None:
            numbering[style_id] = resolved_num
        if raw[style_id].get(w("type")) == "table":
            header_bold = _inherited(style_id, raw, _first_row_bold)
            if header_bold is not None:
                first_row_bold[style_id] = header_bold
    return StyleSheet(bold, numbering, default_paragraph, bool(default_bold), first_row_bold)


def _first_row_bold(style: etree._Element) -> bool | None:
    for conditional in style.iterchildren(w("tblStylePr")):
        if conditional.get(w("type")) == "firstRow":
            return _bold_of(conditional.find(w("rPr")))
    return None


def _inherited(style_id: str, raw: Mapping[str, etree._Element], read):
    """First value ``read`` finds along the ``w:basedOn`` chain of ``style_id``."""
    seen = set()
    while style_id in raw and style_id not in seen:
        seen.add(style_id)
        value = read(raw[style_id])
        if value is not None:
            return value
        style_id = w_val(raw[style_id].find(w("basedOn")), "") or ""
    return None


def _style_num_pr(style: etree._Element) -> tuple[str | None, int | None] | None:
    num_pr = style.find(f"{w('pPr')}/{w('numPr')}")
    if num_pr is None:
        return None
    num_id = w_val(num_pr.find(w("numId")))
    ilvl = w_val(num_pr.find(w("ilvl")))
    return num_id, None if ilvl is None else as_int(ilvl, 0)


def _on(value: str | None) -> bool:
    return value is not None and value not in ("0", "false", "off")


def _bold_of(r_pr: etree._Element | None) -> bool | None:
    """Bold set by a ``w:rPr`` (True/False), or None when it does not say."""
    if r_pr is None:
        return None
    b = r_pr.find(w("b"))
    if b is None:
        return None
    return w_val(b, "1") not in ("0", "false", "off")


# ---------------------------------------------------------------------------------------
# The body walk: one mutable context (numbering counts, issues) for the whole document


_WRAPPERS = frozenset({w("sdt"), w("sdtContent"), w("customXml"), w("smartTag")})
_INLINE_CONTAINERS = frozenset(
    {
        w("ins"),
        w("moveTo"),
        w("hyperlink"),
        w("smartTag"),
        w("customXml"),
        w("sdt"),
        w("sdtContent"),
        w("fldSimple"),
        w("dir"),
        w("bdo"),
    }
)
_P, _TBL, _TR, _TC, _R, _T = w("p"), w("tbl"), w("tr"), w("tc"), w("r"), w("t")
_TAB, _PTAB, _BR, _CR, _NO_BREAK_HYPHEN = w("tab"), w("ptab"), w("br"), w("cr"), w("noBreakHyphen")
_ALT_CHUNK = w("altChunk")
_ALTERNATE_CONTENT, _FALLBACK = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Fallback"
_LINE_BREAK = None  # a piece that ends the current line

Piece = tuple[str, bool] | None


@dataclass
class _Walk:
    """State carried through the body in document order."""

    styles: StyleSheet
    definitions: NumberingDefinitions
    counter: NumberingCounter = field(init=False)
    issues: list[Issue] = field(default_factory=list)
    metadata: list[tuple[str, str]] = field(default_factory=list)
    table_count: int = 0

    def __post_init__(self) -> None:
        self.counter = NumberingCounter(self.definitions)


def children(element: etree._Element, tags: frozenset[str]) -> Iterator[etree._Element]:
    """Child elements with a tag in ``tags``, looking through content controls and custom XML."""
    for child in element.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from children(child, tags)


def body_to_blocks(body: etree._Element, walk: _Walk) -> tuple[Block, ...]:
    """Tables and paragraph text blocks of ``w:body`` in order."""
    blocks: list[Block] = []
    paragraphs: list[etree._Element] = []

    def flush_paragraphs() -> None:
        for lines in paragraphs_to_lines(paragraphs, walk):
            blocks.append(TextBlock(lines=lines))
        paragraphs.clear()

    for element in children(body, frozenset({_P, _TBL, _ALT_CHUNK})):
        if element.tag == _P:
            paragraphs.append(element)
            continue
        if element.tag == _ALT_CHUNK:
            walk.issues.append(
                Issue.from_reader("unread-content", "an embedded document (w:altChunk, e.g. pasted HTML) was not read")
            )
            continue
        flush_paragraphs()
        table = table_to_block(element, walk)
        if table is not None:
            blocks.append(table)
    flush_paragraphs()
    return tuple(blocks)


def paragraphs_to_lines(
    paragraphs: Iterable[etree._Element], walk: _Walk, table_bold: bool | None = None
) -> list[tuple[Line, ...]]:
    """Lines of each non-empty paragraph (a paragraph whose mark was deleted joins the next).

    ``table_bold`` is the bold a table style's conditional formatting gives this cell, if any.
    """
    out: list[tuple[Line, ...]] = []
    carried: list[Piece] = []
    carried_marker: Marker | None = None
    for paragraph in paragraphs:
        p_pr = paragraph.find(w("pPr"))
        style_id = _paragraph_style(p_pr, walk.styles)
        base_bold = walk.styles.paragraph_bold(style_id, table_bold)
        pieces = carried + paragraph_pieces(paragraph, base_bold, walk.styles)
        if _mark_deleted(p_pr):
            carried, carried_marker = pieces, carried_marker or _marker(p_pr, style_id, walk)
            continue
        marker = carried_marker or _marker(p_pr, style_id, walk)
        carried, carried_marker = [], None
        lines = pieces_to_lines(pieces, marker)
        if lines:
            out.append(lines)
    if carried:
        lines = pieces_to_lines(carried, carried_marker)
        if lines:
            out.append(lines)
    return out


def _paragraph_style(p_pr: etree._Element | None, styles: StyleSheet) -> str:
    style_id = w_val(p_pr.find(w("pStyle"))) if p_pr is not None else None
    return style_id or styles.default_paragraph_style


def _mark_deleted(p_pr: etree._Element | None) -> bool:
    return p_pr is not None and p_pr.find(f"{w('rPr')}/{w('del')}") is not None


def _marker(p_pr: etree._Element | None, style_id: str, walk: _Walk) -> Marker | None:
    """Count this paragraph in its list (if any) and return the label it shows."""
    num = paragraph_numbering(p_pr, style_id, walk.styles, walk.definitions)
    if num is None:
        return None
    return walk.counter.next_marker(*num)


def paragraph_numbering(
    p_pr: etree._Element | None, style_id: str, styles: StyleSheet, definitions: NumberingDefinitions
) -> tuple[str, int] | None:
    """(numId, ilvl) of a paragraph, from its own ``w:numPr`` or its style's; None if not a list item."""
    num_id = ilvl = None
    num_pr = p_pr.find(w("numPr")) if p_pr is not None else None
    if num_pr is not None:
        num_id = w_val(num_pr.find(w("numId")))
        raw_ilvl = w_val(num_pr.find(w("ilvl")))
        ilvl = None if raw_ilvl is None else as_int(raw_ilvl, 0)
    if num_id is None or ilvl is None:
        style_num_id, style_ilvl = styles.numbering.get(style_id, (None, None))
        num_id = num_id if num_id is not None else style_num_id
        if ilvl is None:
            ilvl = style_ilvl
        if ilvl is None and num_id:
            ilvl = definitions.level_for_style(num_id, style_id)
    if not num_id or num_id == "0":
        return None
    return num_id, min(max(ilvl or 0, 0), 8)


def paragraph_pieces(paragraph: etree._Element, paragraph_bold: bool, styles: StyleSheet) -> list[Piece]:
    """The visible text of a paragraph as (text, bold) pieces and line breaks."""
    pieces: list[Piece] = []
    _collect_pieces(paragraph, paragraph_bold, styles, pieces)
    return pieces


def _collect_pieces(container: etree._Element, paragraph_bold: bool, styles: StyleSheet, out: list[Piece]) -> None:
    for child in container.iterchildren():
        if child.tag == _R:
            _run_pieces(child, paragraph_bold, styles, out)
        elif child.tag in _INLINE_CONTAINERS:
            _collect_pieces(child, paragraph_bold, styles, out)
        elif child.tag == _ALTERNATE_CONTENT:
            # Markup compatibility: the fallback is the plain-run version every reader knows.
            fallback = child.find(_FALLBACK)
            if fallback is not None:
                _collect_pieces(fallback, paragraph_bold, styles, out)
        # everything else (w:del, w:moveFrom, w:pPr, bookmarks, comment marks, math) is skipped


def _run_pieces(run: etree._Element, paragraph_bold: bool, styles: StyleSheet, out: list[Piece]) -> None:
    r_pr = run.find(w("rPr"))
    bold = paragraph_bold
    if r_pr is not None:
        vanish = r_pr.find(w("vanish"))
        if vanish is not None and _on(w_val(vanish, "1")):
            return  # hidden text
        direct = _bold_of(r_pr)
        character_style = w_val(r_pr.find(w("rStyle")))
        if direct is not None:
            bold = direct
        elif character_style is not None and character_style in styles.bold:
            bold = styles.bold[character_style]
    for child in run.iterchildren():
        tag = child.tag
        if tag == _T:
            if child.text:
                out.append((child.text, bold))
        elif tag == _TAB or tag == _PTAB:
            out.append((" ", bold))
        elif tag == _BR:
            kind = child.get(w("type"), "textWrapping")
            out.append(_LINE_BREAK if kind == "textWrapping" else (" ", bold))
        elif tag == _CR:
            out.append(_LINE_BREAK)
        elif tag == _NO_BREAK_HYPHEN:
            out.append(("-", bold))


def pieces_to_lines(pieces: Sequence[Piece], marker: Marker | None) -> tuple[Line, ...]:
    """Split pieces at line breaks into :class:`Line` objects; the list label starts the first."""
    segments: list[list[tuple[str, bool]]] = [[]]
    for piece in pieces:
        if piece is _LINE_BREAK:
            segments.append([])
        else:
            segments[-1].append(piece)
    lines: list[Line] = []
    for segment in segments:
        text = clean_space("".join(text for text, _ in segment))
        if not text:
            continue
        visible = [bold for text, bold in segment if text.strip()]
        line = Line(text, bold=all(visible))
        if not lines and marker is not None:
            line = Line(marker.text + text if marker.text else text, bold=line.bold, bullet=marker.bullet)
        lines.append(line)
    return tuple(lines)


# ---------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class _GridCell:
    """One ``w:tc`` placed on the grid: its first column, width in columns, and merge role."""

    column: int
    span: int
    element: etree._Element
    merged_down: bool = False  # has w:vMerge: starts (or, if nothing is open, begins) a merge
    continues_above: bool = False  # w:vMerge continuation: covered by the cell above


def table_to_block(tbl: etree._Element, walk: _Walk) -> Table | None:
    """A top-level ``w:tbl`` as a :class:`Table` (None when it holds no text at all)."""
    rows, header_rows = table_to_rows(tbl, walk, location=f"table {walk.table_count + 1}")
    rows = drop_repeated_headers(rows, header_rows)
    rows = trim_empty_edges(rows)
    if not rows:
        return None
    walk.table_count += 1
    if header_rows:
        walk.metadata.append((f"table-{walk.table_count}-header-rows", str(header_rows)))
    return Table(index=walk.table_count, rows=rows)


def table_to_rows(tbl: etree._Element, walk: _Walk, location: str) -> tuple[tuple[Row, ...], int]:
    """The rows of a table on its grid, and how many leading rows repeat as a header."""
    row_elements = [tr for tr in children(tbl, frozenset({_TR})) if not _row_deleted(tr)]
    real_width = max(
        [len(tbl.findall(f"{w('tblGrid')}/{w('gridCol')}"))]
        + [len(list(children(tr, frozenset({_TC})))) for tr in row_elements]
    )
    clamped: list[str] = []
    placed = [row_to_grid_cells(tr, real_width, clamped) for tr in row_elements]
    if clamped:
        walk.issues.append(
            Issue.from_reader(
                "clamped-span",
                f"{location}: {len(clamped)} cells reached past the table's "
                f"{real_width} columns and were cut to it ({clamped[0]})",
                value=clamped[0],
            )
        )
    header_rows = next((i for i, tr in enumerate(row_elements) if not _repeats_as_header(tr)), len(row_elements))
    header_bold = table_first_row_bold(tbl, walk.styles)
    grid_width = len(tbl.findall(f"{w('tblGrid')}/{w('gridCol')}"))
    width = max([grid_width] + [cell.column + cell.span for row in placed for cell in row])
    rows: list[Row] = []
    merge_open = [False] * width  # a vertical merge runs down this column
    for row_number, row in enumerate(placed, start=1):
        out: list[Cell | None] = [Cell()] * width
        still_open = [False] * width
        for cell in row:
            columns = slice(cell.column, cell.column + cell.span)
            if cell.continues_above and merge_open[cell.column]:
                out[columns] = [None] * cell.span
                still_open[columns] = [True] * cell.span
                continue
            table_bold = header_bold if row_number == 1 else None
            lines = cell_to_lines(cell.element, walk, f"{location} row {row_number}", table_bold)
            out[columns] = [Cell(lines=lines)] + [None] * (cell.span - 1)
            still_open[columns] = [cell.merged_down] * cell.span
        merge_open = still_open
        rows.append(tuple(out))
    return tuple(rows), header_rows


def row_to_grid_cells(
    tr: etree._Element, max_width: int | None = None, clamped: list[str] | None = None
) -> list[_GridCell]:
    """Place the cells of one ``w:tr`` on the table grid (``w:gridBefore`` and spans).

    With ``max_width`` (the table's real width: its grid, or its widest row's cell count),
    ``w:gridBefore`` and ``w:gridSpan`` are cut so the row fits: a 2 KB file claiming a
    hundred million columns must not allocate them. What was cut is noted in ``clamped``.
    """
    tr_pr = tr.find(w("trPr"))
    column = as_int(w_val(tr_pr.find(w("gridBefore"))), 0) if tr_pr is not None else 0
    cells = list(children(tr, frozenset({_TC})))
    if max_width is not None and column > max(0, max_width - len(cells)):
        if clamped is not None:
            clamped.append(f"gridBefore={column}")
        column = max(0, max_width - len(cells))
    placed: list[_GridCell] = []
    for index, tc in enumerate(cells):
        tc_pr = tc.find(w("tcPr"))
        if tc_pr is None:
            placed.append(_GridCell(column, 1, tc))
            column += 1
            continue
        span = max(1, min(as_int(w_val(tc_pr.find(w("gridSpan"))), 1), 1000))
        room = (
            None if max_width is None else max(1, max_width - column - (len(cells) - index - 1))
        )  # the cells after it fit too
        if room is not None and span > room:
            if clamped is not None:
                clamped.append(f"gridSpan={span} at column {column + 1}")
            span = room
        hmerge = tc_pr.find(w("hMerge"))  # legacy horizontal merge: widen the cell on the left
        if tc_pr.find(w("cellDel")) is not None:
            continue  # a tracked cell deletion, accepted: the cells to its right move left
        if hmerge is not None and w_val(hmerge, "continue") == "continue" and placed:
            placed[-1] = replace(placed[-1], span=placed[-1].span + span)
        else:
            vmerge = tc_pr.find(w("vMerge"))
            continues = vmerge is not None and w_val(vmerge, "continue") == "continue"
            placed.append(_GridCell(column, span, tc, merged_down=vmerge is not None, continues_above=continues))
        column += span
    return placed


def _repeats_as_header(tr: etree._Element) -> bool:
    flag = tr.find(f"{w('trPr')}/{w('tblHeader')}")
    return flag is not None and _on(w_val(flag, "1"))


def _row_deleted(tr: etree._Element) -> bool:
    return tr.find(f"{w('trPr')}/{w('del')}") is not None


def table_first_row_bold(tbl: etree._Element, styles: StyleSheet) -> bool | None:
    """Bold the table style gives the first row, when the table turns its header row on.

    Only the header row: Word styles also embolden the first column, but that is decoration,
    and extract reads a bold first line as a heading.
    """
    table_properties = tbl.find(w("tblPr"))
    if table_properties is None:
        return None
    style_id = w_val(table_properties.find(w("tblStyle")))
    if style_id not in styles.first_row_bold:
        return None
    look = table_properties.find(w("tblLook"))
    if look is None:
        return None
    first_row = look.get(w("firstRow"))
    if first_row is None:  # Word 2007 writes only the bit mask
        enabled = bool(int(look.get(w("val"), "0") or "0", 16) & 0x0020)
    else:
        enabled = _on(first_row)
    return styles.first_row_bold[style_id] if enabled and style_id is not None else None


def cell_to_lines(
    tc: etree._Element | None, walk: _Walk, location: str, table_bold: bool | None = None
) -> tuple[Line, ...]:
    """Lines of a cell: its paragraphs, with nested tables flattened in place."""
    if tc is None:
        return ()
    lines: list[Line] = []
    paragraphs: list[etree._Element] = []
    for child in children(tc, frozenset({_P, _TBL})):
        if child.tag == _P:
            paragraphs.append(child)
            continue
        for paragraph_lines in paragraphs_to_lines(paragraphs, walk, table_bold):
            lines.extend(paragraph_lines)
        paragraphs = []
        lines.extend(nested_table_lines(child, walk, location))
    for paragraph_lines in paragraphs_to_lines(paragraphs, walk, table_bold):
        lines.extend(paragraph_lines)
    return tuple(lines)


def nested_table_lines(tbl: etree._Element, walk: _Walk, location: str) -> list[Line]:
    """A table inside a cell, flattened: each nested cell's lines, row by row."""
    rows, _ = table_to_rows(tbl, walk, location + " nested table")
    lines = [line for row in trim_empty_edges(rows) for cell in row if cell is not None for line in cell.lines]
    if lines:
        walk.issues.append(
            Issue.from_reader("nested-table", f"{location}: a table inside the cell was flattened into its lines")
        )
    return lines


# ---------------------------------------------------------------------------------------
# Grid clean-up shared with the HTML reader


def _cell_text(cell: Cell | None) -> str:
    return "" if cell is None else " ".join(line.text for line in cell.lines).strip()


def trim_empty_edges(rows: Sequence[Row]) -> tuple[Row, ...]:
    """Drop trailing rows and columns that hold no text (spanned positions count as empty).

    A column is only dropped when no cell starting in it has text, so a span's origin stays.
    """
    rows = list(rows)
    while rows and all(_cell_text(cell) == "" for cell in rows[-1]):
        rows.pop()
    if not rows:
        return ()
    width = max(len(row) for row in rows)
    while width > 1 and all(len(row) < width or _cell_text(row[width - 1]) == "" for row in rows):
        width -= 1
    return tuple(tuple(row[:width]) + (Cell(),) * max(0, width - len(row)) for row in rows)


def drop_repeated_headers(rows: Sequence[Row], header_rows: int) -> tuple[Row, ...]:
    """Drop body rows that repeat the declared header rows word for word."""
    if not header_rows:
        return tuple(rows)
    header = [tuple(_cell_text(cell) for cell in row) for row in rows[:header_rows]]
    header_set = set(header)
    kept = list(rows[:header_rows])
    for row in rows[header_rows:]:
        texts = tuple(_cell_text(cell) for cell in row)
        if texts in header_set and any(texts):
            continue
        kept.append(row)
    return tuple(kept)
