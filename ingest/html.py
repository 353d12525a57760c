"""Reader for plans published as web pages: every ``<table>`` on a grid, the text around it.

* **Tables**: ``rowspan``/``colspan`` are expanded with the HTML table model; the cell is read
  once at its top-left position and the positions it covers are ``None``. Positions no cell
  reaches are empty cells. Trailing empty rows and columns are dropped, as in the Word reader.
* **Cell contents** go through :func:`ingest.htmltext.html_to_lines` (paragraphs, ``<br>``,
  bold, ``<li>`` as bullet lines). Ordered lists are rendered first, their labels written
  into the text as if typed: decimal lists as "1. ", letter and roman lists as "a) ",
  "i) " (``type`` attribute, or CSS ``list-style-type``; ``start``, ``value`` and
  ``reversed`` honoured), which is how the plans type them.
* **Nested tables** in a data table are flattened into the cell's lines (``nested-table``
  issue). A table used for page layout (one column, or one row, holding other tables) is
  looked through: its nested tables become tables and its text becomes text blocks.
* **Text outside tables**: each heading, paragraph, list item or other leaf block is one
  :class:`TextBlock`, in document order (heading lines count as bold, as browsers show
  them); a ``<caption>`` is a text block before its table.
* **Encoding**: a byte-order mark, else UTF-8 when the bytes are valid UTF-8, else the
  declared charset (``<meta charset>``, XML declaration; "latin-1" read as windows-1252, as
  browsers do), else windows-1252 (the browsers' fallback for English pages), else
  :func:`ingest.decode.decode_bytes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EncodingDetector

from ingest.decode import decode_bytes
from ingest.docx import trim_empty_edges
from ingest.htmltext import html_to_lines
from ingest.model import Block, Cell, Document, Issue, Line, Row, Table, TextBlock, UnreadableFile

MAX_COLSPAN = 1000  # the HTML standard's limits
MAX_ROWSPAN = 65534
_SKIP = frozenset({"script", "style", "head", "template", "noscript", "iframe", "object", "svg", "math"})
_LEAF_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "dt", "dd", "address", "caption"})
_CONTAINERS = frozenset(
    {
        "html",
        "body",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "nav",
        "aside",
        "ul",
        "ol",
        "dl",
        "blockquote",
        "form",
        "center",
        "figure",
        "figcaption",
        "fieldset",
        "details",
        "summary",
        "hr",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SECTIONS = ("thead", "tbody", "tfoot")
_LATIN1_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"})
_CSS_LIST_TYPE = re.compile(r"list-style(?:-type)?\s*:\s*([a-z-]+)", re.I)
_CSS_TO_TYPE = {
    "decimal": "1",
    "lower-alpha": "a",
    "lower-latin": "a",
    "upper-alpha": "A",
    "upper-latin": "A",
    "lower-roman": "i",
    "upper-roman": "I",
    "none": "",
    "disc": "",
    "circle": "",
    "square": "",
}
_LEADING_INT = re.compile(r"^\s*(-?\d+)")


def read_html(path: Path, data: bytes | None = None, sha256: str = "") -> Document:
    """Read an HTML page into a :class:`Document`."""
    path = Path(path)
    raw = path.read_bytes() if data is None else data
    text, encoding = decode_html(raw)
    soup = BeautifulSoup(text, "lxml")
    render_ordered_lists(soup)
    issues: list[Issue] = []
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf-8-sig", "ascii"):
        issues.append(Issue.from_reader("decoded-encoding", f"page is not UTF-8; decoded as {encoding}"))
    blocks = number_tables(list(flow_to_blocks(soup.body or soup, issues)))
    if not any(isinstance(block, Table) for block in blocks):
        raise UnreadableFile("no tables found in the web page", status="skipped")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    return Document(
        name=path.name,
        format="html",
        blocks=blocks,
        sha256=sha256,
        issues=tuple(issues),
        metadata=(("title", title),) if title else (),
    )


def decode_html(raw: bytes) -> tuple[str, str]:
    """Bytes to text: BOM; valid UTF-8; the declared charset; windows-1252; the fallbacks.

    Bytes that are valid UTF-8 beyond ASCII are read as UTF-8 even when the page declares a
    single-byte charset: such declarations are stale template headers far more often than
    the text is a coincidence, and honouring them turns "–" into "â€“".
    """
    if raw.startswith(b"\xef\xbb\xbf") or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(raw)
    if b"\x00" not in raw:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    declared = EncodingDetector.find_declared_encoding(raw, is_html=True)
    if declared:
        encoding = declared.lower()
        # WHATWG: pages that say latin-1 or ascii are decoded as windows-1252.
        encoding = "cp1252" if encoding in _LATIN1_ALIASES else encoding
        try:
            return raw.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass
    # WHATWG's fallback for an undeclared page in an English locale; statistical guessing
    # (charset-normalizer) misreads short Windows pages as Baltic or Cyrillic code pages.
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return decode_bytes(raw)


# ---------------------------------------------------------------------------------------
# Ordered lists: labels into the text, as typed


def render_ordered_lists(soup: BeautifulSoup | Tag) -> None:
    """Write each ``<ol>`` item's label into its text and turn the list into plain blocks.

    ``<ol type="i"><li>Review</li></ol>`` becomes ``<div><div>i) Review</div></div>``, so the
    line reads exactly as a typed "i) Review" and is not mistaken for a bullet.
    """
    for ordered in soup.find_all("ol"):
        list_type = _list_type(ordered)
        items = [child for child in ordered.children if isinstance(child, Tag) and child.name == "li"]
        step = -1 if ordered.has_attr("reversed") else 1
        value = _int_attr(ordered.get("start"), len(items) if step < 0 else 1)
        for item in items:
            value = _int_attr(item.get("value"), value)
            label = list_label(value, _list_type(item, list_type))
            if label:
                item.insert(0, NavigableString(label))
            item.name = "div"
            value += step
        ordered.name = "div"


def _list_type(element: Tag, inherited: str = "1") -> str:
    declared = element.get("type")
    if isinstance(declared, str) and declared.strip():
        return declared.strip()
    style = element.get("style")
    match = _CSS_LIST_TYPE.search(style) if isinstance(style, str) else None
    if match and match.group(1).lower() in _CSS_TO_TYPE:
        return _CSS_TO_TYPE[match.group(1).lower()]
    return inherited


def _int_attr(value: object, default: int) -> int:
    match = _LEADING_INT.match(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else default


def list_label(value: int, list_type: str) -> str:
    """The typed form of an ordered-list label: ``list_label(3, "i")`` -> ``"iii) "``."""
    from ingest.docx_numbering import to_roman

    if list_type == "":
        return ""
    if list_type in ("i", "I") and value > 0:
        roman = to_roman(value)
        return (roman.upper() if list_type == "I" else roman) + ") "
    if list_type in ("a", "A") and value > 0:
        letters = _alphabetic(value)
        return (letters.upper() if list_type == "A" else letters) + ") "
    return f"{value}. "


def _alphabetic(value: int) -> str:
    """HTML's lower-alpha counter: a..z, aa, ab, ..."""
    out = ""
    while value > 0:
        value, remainder = divmod(value - 1, 26)
        out = chr(ord("a") + remainder) + out
    return out


# ---------------------------------------------------------------------------------------
# Document flow: tables and text blocks in order


def flow_to_blocks(node: Tag, issues: list[Issue]) -> Iterator[Block]:
    """Walk the page in order, yielding tables and one text block per leaf block element."""
    inline: list[str] = []

    def flush() -> Iterator[Block]:
        if inline:
            lines = html_to_lines("".join(inline))
            inline.clear()
            if lines:
                yield TextBlock(lines=lines)

    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ == "NavigableString" and child.strip():
                inline.append(escape(str(child), quote=False))  # re-parsed below as HTML
            continue
        if not isinstance(child, Tag) or child.name in _SKIP:
            continue
        if child.name == "table":
            yield from flush()
            yield from table_to_blocks(child, issues)
        elif child.find("table") is not None:
            yield from flush()
            yield from flow_to_blocks(child, issues)
        elif child.name in _LEAF_BLOCKS or (child.name in _CONTAINERS and not _has_block_child(child)):
            yield from flush()
            lines = html_to_lines(str(child))
            if child.name in _HEADINGS:  # browsers show headings bold; keep the hint
                lines = tuple(Line(line.text, bold=True, bullet=line.bullet) for line in lines)
            if lines:
                yield TextBlock(lines=lines)
        elif child.name in _CONTAINERS:
            yield from flush()
            yield from flow_to_blocks(child, issues)
        else:
            inline.append(str(child))
    yield from flush()


def _has_block_child(tag: Tag) -> bool:
    return any(
        isinstance(child, Tag) and (child.name in _LEAF_BLOCKS or child.name in _CONTAINERS) for child in tag.children
    )


def number_tables(blocks: list[Block]) -> tuple[Block, ...]:
    """Give tables their 1-based index in document order."""
    out: list[Block] = []
    index = 0
    for block in blocks:
        if isinstance(block, Table):
            index += 1
            block = Table(index=index, rows=block.rows)
        out.append(block)
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Tables


def table_row_groups(table: Tag) -> list[list[Tag]]:
    """The table's own rows (not a nested table's) by row group: thead, bodies, tfoot.

    Loose ``<tr>`` children form an implicit body. Row groups matter because a row span
    never reaches past its group (``rowspan="0"`` means "to the end of the group").
    """
    head: list[list[Tag]] = []
    body: list[list[Tag]] = []
    foot: list[list[Tag]] = []
    loose: list[Tag] | None = None
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            if loose is None:
                loose = []
                body.append(loose)
            loose.append(child)
        elif child.name in _SECTIONS:
            loose = None
            rows = [row for row in child.children if isinstance(row, Tag) and row.name == "tr"]
            {"thead": head, "tbody": body, "tfoot": foot}[child.name].append(rows)
    return [group for group in head + body + foot if group]


def table_rows(table: Tag) -> list[Tag]:
    return [row for group in table_row_groups(table) for row in group]


def row_cells(row: Tag) -> list[Tag]:
    return [cell for cell in row.children if isinstance(cell, Tag) and cell.name in ("td", "th")]


def is_layout_table(table: Tag) -> bool:
    """A table that only arranges the page: one column or one row, holding other tables."""
    rows = table_rows(table)
    cells = [cell for row in rows for cell in row_cells(row)]
    if not any(cell.find("table") is not None for cell in cells):
        return False
    return len(rows) == 1 or all(len(row_cells(row)) == 1 for row in rows)


def table_to_blocks(table: Tag, issues: list[Issue]) -> Iterator[Block]:
    """A data table (with its caption), or the contents of a layout table."""
    if is_layout_table(table):
        for row in table_rows(table):
            for cell in row_cells(row):
                yield from flow_to_blocks(cell, issues)
        return
    caption = table.find("caption", recursive=False)
    if caption is not None:
        lines = html_to_lines(str(caption))
        if lines:
            yield TextBlock(lines=lines)
    rows = trim_empty_edges(table_to_grid(table, issues))
    if rows:
        yield Table(index=0, rows=rows)


MAX_GRID_POSITIONS = 1_000_000
"""Grid positions a table may expand to (a 1,000-row, 1,000-column table); spans that would
go past it are ignored, so a 40 KB file cannot claim gigabytes."""


class _TooLarge(Exception):
    pass


def table_to_grid(table: Tag, issues: list[Issue]) -> tuple[Row, ...]:
    """Expand a table's rows onto a grid: spanned positions None, unreached ones empty.

    A column span is cut to the table's real width (the most cells any row has) and a row
    span to its row group; when spans would still expand the table past
    :data:`MAX_GRID_POSITIONS`, they are ignored. Either way a ``clamped-span`` issue says so.
    """
    groups = table_row_groups(table)
    real_width = max((len(row_cells(row)) for group in groups for row in group), default=0)
    clamped: list[str] = []
    try:
        rows = _expand(groups, real_width, issues, clamped, honour_spans=True)
    except _TooLarge:
        message = f"the table's merged cells would expand it past {MAX_GRID_POSITIONS:,} positions; spans ignored"
        issues.append(Issue.from_reader("clamped-span", message, value=clamped[0] if clamped else ""))
        return _expand(groups, real_width, issues, [], honour_spans=False)
    if clamped:
        issues.append(
            Issue.from_reader(
                "clamped-span",
                f"{len(clamped)} merged cells cut to the table's size (first: {clamped[0]})",
                value=clamped[0],
            )
        )
    return rows


def _expand(
    groups: list[list[Tag]], real_width: int, issues: list[Issue], clamped: list[str], honour_spans: bool
) -> tuple[Row, ...]:
    placed: dict[tuple[int, int], Cell | None] = {}
    width = 0
    row_index = 0
    for group in groups:
        group_end = row_index + len(group)
        for row in group:
            column = 0
            for cell in row_cells(row):
                while (row_index, column) in placed:
                    column += 1
                colspan, rowspan = _spans(cell, group_end - row_index, real_width, clamped) if honour_spans else (1, 1)
                for r in range(row_index, row_index + rowspan):
                    for c in range(column, column + colspan):
                        placed[(r, c)] = None
                if len(placed) > MAX_GRID_POSITIONS:
                    raise _TooLarge
                placed[(row_index, column)] = Cell(lines=cell_lines(cell, issues))
                column += colspan
                width = max(width, column)
            row_index += 1
    if row_index * width > MAX_GRID_POSITIONS:
        raise _TooLarge
    return tuple(tuple(placed.get((r, c), Cell()) for c in range(width)) for r in range(row_index))


def _spans(cell: Tag, rows_left: int, real_width: int, clamped: list[str]) -> tuple[int, int]:
    """(colspan, rowspan) of a cell, cut to the table: ``rowspan="0"`` spans to the end of the
    row group, as the HTML table model says."""
    asked_columns = _int_attr(cell.get("colspan"), 1)
    asked_rows = _int_attr(cell.get("rowspan"), 1)
    colspan = min(max(asked_columns, 1), MAX_COLSPAN, max(real_width, 1))
    rowspan = rows_left if asked_rows == 0 else min(max(asked_rows, 1), MAX_ROWSPAN)
    if colspan < asked_columns:
        clamped.append(f"colspan={asked_columns} in a table {real_width} cells wide")
    if rowspan > rows_left:
        clamped.append(f"rowspan={asked_rows} with {rows_left} rows left")
        rowspan = rows_left
    return colspan, rowspan


def cell_lines(cell: Tag, issues: list[Issue]):
    """A cell's lines; a nested table's text is flattened into them."""
    if cell.find("table") is not None:
        issues.append(Issue.from_reader("nested-table", "a table inside a table cell was flattened into its lines"))
    return html_to_lines(str(cell))
