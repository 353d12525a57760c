"""Reader for trackers printed as fixed-width text: columns aligned with runs of spaces.

Some systems (and "print to text" from a spreadsheet) give a plan as plain text whose columns
are padded with spaces, long cells wrapped onto further lines under their own column::

    Ref   Action                         Lead            Due
    ----  -----------------------------  --------------  ----------
    1.1   Audit every strategy           Susan Tinnion   March 2014
          discussion for police
          attendance.

The page's geometry is the evidence, not any vocabulary:

1. **Regions**: the text is cut into regions at runs of :data:`REGION_BREAK_BLANKS` blank
   lines (rows inside a table are often separated by one blank line).
2. **Gutters**: in a region, lines with at least two pieces of text separated by
   :data:`MIN_GAP` or more spaces vote; a gutter is a run of at least :data:`MIN_GAP`
   positions where (almost) none of them has a character. Prose never has such a run: its
   lines cover every position, and at most a few lines have a double space anywhere.
3. **Acceptance**: a region is a table only when at least :data:`MIN_ALIGNED_LINES` lines put
   text into at least :data:`MIN_COLUMNS` columns. Lists ("1.  Item") and letter heads have
   two columns at most; they stay text, so a narrative file is still "no tables found".
4. **Rows**: when blank or ruled (``----``) lines separate the body's lines, or the first
   column's text visibly runs on from line to line, each group of lines between separators
   is a row; otherwise the first column is a key: a line with text there starts a row and a
   line without continues it. Lines whose text runs across columns (titles, notes) are text
   blocks before or after the table and one-cell heading rows inside it. A piece of a table
   after a break, without its header, keeps the table's columns when its text fits them.
5. **Cells**: a cell's printed lines are joined back into paragraphs where the printer
   wrapped them (the next word would not have fitted in the column), and kept apart where
   the line was broken on purpose (it ends short, or a full line ends a sentence and the
   next starts a numbered or bulleted item).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.decode import decode_bytes
from ingest.grid import pad_and_trim, text_to_lines
from ingest.model import Block, Cell, Document, Issue, Table, TextBlock, UnreadableFile

MIN_GAP = 2
"""Spaces that separate two columns; one space separates words."""
MIN_COLUMNS = 3
"""An action plan has at least three columns (action, lead, date)."""
MIN_ALIGNED_LINES = 3
"""Lines that must fill MIN_COLUMNS or more columns for a region to be a table."""
MAX_CROSSING_SHARE = 0.1
"""Share of voting lines that may cross a gutter (a title or note line with a double space)."""
MIN_EDGE_LINES = 1
MIN_EDGE_SHARE = 0.5
"""A column edge: at least MIN_EDGE_LINES lines, and this share of the lines with text right
of a gutter, start (or end) that text at the same position."""
MIN_PIECE_ALIGNED_LINES = 2
"""Lines filling MIN_COLUMNS or more columns that make a region straight after a table a
narrower piece of it (two rows of a table cut by a page break)."""
REGION_BREAK_BLANKS = 2
"""Blank lines that end a region (one blank line separates rows)."""
TAB_SIZE = 8
_RULE = re.compile(r"^[\s\-=_+|:]*$")
_RULE_CHARS = re.compile(r"[-=_]{3,}")
_ITEM_START = re.compile(
    r"^(?:[•●○▪■◦‣∙·*–-]\s|\(?\d{1,3}(?:\.\d{1,3})*[.)]?\s|\(?[a-zA-Z][.)]\s|\(?[ivxIVX]{1,5}[.)]\s)"
)
_SENTENCE_END = re.compile(r"[.;:!?]$")
_GAP = re.compile(rf" {{{MIN_GAP},}}")


@dataclass(frozen=True)
class Layout:
    """Column spans ``(start, end)`` of a region and its gutters (runs no text may enter)."""

    columns: tuple[tuple[int, int], ...]
    gutters: tuple[tuple[int, int], ...]


def read_fixed_width(path: Path, data: bytes | None = None, sha256: str = "") -> Document:
    """Read fixed-width text into a :class:`Document`; "no tables found" for prose."""
    raw = Path(path).read_bytes() if data is None else data
    text, encoding = decode_bytes(raw)
    issues: tuple[Issue, ...] = ()
    if encoding not in ("utf-8", "ascii", "utf-8-sig"):
        issues = (Issue.from_reader("decoded-encoding", f"file is not UTF-8; decoded as {encoding}"),)
    blocks = text_to_blocks(text)
    if not any(isinstance(block, Table) for block in blocks):
        raise UnreadableFile("no tables found (no TAB-separated rows or aligned columns)", status="skipped")
    return Document(name=Path(path).name, format="fixed-width", blocks=blocks, sha256=sha256, issues=issues)


def has_fixed_width_table(text: str) -> bool:
    """True when some region of ``text`` is laid out as a table of aligned columns."""
    return any(region_layout(region) is not None for region in split_regions(_plain_lines(text)))


def text_to_blocks(text: str) -> tuple[Block, ...]:
    """Fixed-width text to tables (aligned regions) and text blocks (everything else)."""
    blocks: list[Block] = []
    previous: Layout | None = None
    for region in split_regions(_plain_lines(text)):
        layout = continued_layout(region, previous) or region_layout(region)
        if layout is None and blocks and isinstance(blocks[-1], Table):
            piece = region_layout(region, MIN_PIECE_ALIGNED_LINES)
            layout = piece if piece is not None and is_narrower_piece(piece, previous) else None
        if layout is None:
            blocks.extend(_text_blocks(region))
            continue
        pieces = region_to_blocks(region, layout, table_index=sum(isinstance(b, Table) for b in blocks) + 1)
        if (
            blocks
            and isinstance(blocks[-1], Table)
            and isinstance(pieces[0], Table)
            and is_narrower_piece(layout, previous)
        ):
            pieces[0] = replace(pieces[0], continued=True)
        blocks.extend(pieces)
        previous = layout
    return tuple(blocks)


def is_narrower_piece(layout: Layout, previous: Layout | None) -> bool:
    """A table region straight after a table (nothing but blank lines between), starting at
    the table's left edge with fewer columns: a piece of that table printed with only the
    columns it fills, at positions of its own (a report writer sizes each piece anew). The
    reader marks it ``continued``; extract lines it up first column to first, last to last,
    unless the piece has a header of its own."""
    return (
        previous is not None
        and layout is not previous
        and len(layout.columns) < len(previous.columns)
        and layout.columns[0][0] == previous.columns[0][0]
    )


def continued_layout(region: Sequence[str], previous: Layout | None) -> Layout | None:
    """The previous table's layout, when this region continues that table after a break.

    A table broken by a page or a blank gap keeps its column positions, but a piece without
    the header may leave some columns empty, so its own gutters merge them. The piece
    continues the table when none of its text runs across the table's columns, some line
    fills two or more of them, and any columns it shows of its own start where the table's do.
    """
    if previous is None:
        return None
    lines = [line for line in region if line.strip() and not is_rule(line)]
    if any(crosses(line, previous.columns) for line in lines):
        return None
    if not any(_filled_columns(line, previous.columns) >= 2 for line in lines):
        return None
    own = region_layout(region)
    table_starts = {start for start, _ in previous.columns}
    if own is not None and not {start for start, _ in own.columns} <= table_starts:
        return None
    return previous


def _plain_lines(text: str) -> list[str]:
    text = text.replace("\f", "\n\n")
    return [line.expandtabs(TAB_SIZE).rstrip() for line in text.splitlines()]


def split_regions(lines: Sequence[str]) -> list[list[str]]:
    """Cut lines into regions at runs of REGION_BREAK_BLANKS blank lines (blank lines kept inside)."""
    regions: list[list[str]] = []
    current: list[str] = []
    blanks = 0
    for line in lines:
        if not line.strip():
            blanks += 1
            current.append("")
            if blanks >= REGION_BREAK_BLANKS:
                _flush_region(regions, current)
                current = []
            continue
        blanks = 0
        current.append(line)
    _flush_region(regions, current)
    return regions


def _flush_region(regions: list[list[str]], lines: list[str]) -> None:
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    if lines:
        regions.append(lines)


def line_segments(line: str) -> list[tuple[int, int]]:
    """Spans of text separated by MIN_GAP or more spaces."""
    segments: list[tuple[int, int]] = []
    start = len(line) - len(line.lstrip(" "))
    for gap in _GAP.finditer(line, start):
        if gap.start() > start:
            segments.append((start, gap.start()))
        start = gap.end()
    if start < len(line.rstrip()):
        segments.append((start, len(line.rstrip())))
    return segments


def is_rule(line: str) -> bool:
    """A ruling line under a header or between rows: dashes, equals signs, underscores."""
    return bool(line.strip()) and bool(_RULE.match(line)) and bool(_RULE_CHARS.search(line))


def region_layout(region: Sequence[str], min_aligned: int = MIN_ALIGNED_LINES) -> Layout | None:
    """The region's columns, or None when it is not a table (see the module docstring);
    ``min_aligned`` lines must fill MIN_COLUMNS or more columns."""
    voters = [line for line in region if line and not is_rule(line) and len(line_segments(line)) >= 2]
    if len(voters) < min_aligned:
        return None
    # Strict first: no line may cross a gutter. Only if that finds no table may a few lines
    # (a title with a double space) cross; tolerating them always would let a chance run of
    # short first-column lines cut a wider column in two.
    for crossing_share in (0.0, MAX_CROSSING_SHARE):
        found = find_gutters(voters, crossing_share)
        bounds = [start for start, _ in found[1:]] + [max(len(line) for line in voters) + 1]
        gutters = tuple(gutter for gutter, bound in zip(found, bounds) if is_column_edge(voters, gutter, bound))
        if len(gutters) < MIN_COLUMNS - 1:
            continue
        columns = _columns_between(gutters, max(len(line) for line in region))
        filled = [
            line for line in voters if not crosses(line, columns) and _filled_columns(line, columns) >= MIN_COLUMNS
        ]
        if len(filled) >= min_aligned:
            return Layout(columns=columns, gutters=gutters)
    return None


def find_gutters(lines: Sequence[str], crossing_share: float = 0.0) -> tuple[tuple[int, int], ...]:
    """Runs of MIN_GAP+ positions that (almost) no line has text in, with text on both sides."""
    width = max(len(line) for line in lines)
    occupied = [0] * width
    for line in lines:
        for position, char in enumerate(line):
            if char != " ":
                occupied[position] += 1
    allowed = int(len(lines) * crossing_share)
    left_edge = min(len(line) - len(line.lstrip(" ")) for line in lines)
    gutters: list[tuple[int, int]] = []
    start = None
    for position in range(left_edge, width + 1):
        free = position < width and occupied[position] <= allowed
        if free and start is None:
            start = position
        elif not free and start is not None:
            if position < width and position - start >= MIN_GAP:
                gutters.append((start, position))
            start = None
    return tuple(gutters)


def is_column_edge(lines: Sequence[str], gutter: tuple[int, int], bound: int) -> bool:
    """True when the text right of the gutter is aligned like a column, not wrapped prose.

    The text of a column (up to ``bound``, the next gutter) starts at one position on most
    lines (left-aligned) or ends at one (right-aligned numbers and dates). A chance gap
    inside a column's wrapped text has words starting all over the place after it, so it is
    not a column edge.
    """
    starts: list[int] = []
    ends: list[int] = []
    for line in lines:
        segment = next(((start, end) for start, end in line_segments(line) if gutter[1] <= start < bound), None)
        if segment is not None:
            starts.append(segment[0])
            ends.append(segment[1])
    if not starts:
        return False
    for positions in (starts, ends):
        most = max(positions.count(position) for position in set(positions))
        if most >= MIN_EDGE_LINES and most / len(positions) >= MIN_EDGE_SHARE:
            return True
    return False


def _columns_between(gutters: Sequence[tuple[int, int]], width: int) -> tuple[tuple[int, int], ...]:
    """Column extents: each from the end of the gutter before it to the end of the next gutter.

    A column owns the gutter on its right: a wide line of its text (a heading in the first
    column) may run into the gutter without leaving the column.
    """
    starts = [0] + [end for _, end in gutters]
    ends = starts[1:] + [max(width, starts[-1] + 1)]
    return tuple(zip(starts, ends))


def crosses(line: str, columns: Sequence[tuple[int, int]]) -> bool:
    """True when a piece of the line's text runs from one column into the next (a title or
    note printed across the table)."""
    for start, end in line_segments(line):
        first = _column_at(start, columns)
        if first != _column_at(end - 1, columns):
            return True
    return False


def _column_at(position: int, columns: Sequence[tuple[int, int]]) -> int:
    for index, (_, end) in enumerate(columns):
        if position < end:
            return index
    return len(columns) - 1


def _filled_columns(line: str, columns: Sequence[tuple[int, int]]) -> int:
    return sum(1 for start, end in columns if line[start:end].strip())


def cut_line(line: str, columns: Sequence[tuple[int, int]]) -> list[str]:
    """A table line's text in each column (the last column takes the rest of the line)."""
    cells = [line[start:end].strip() for start, end in columns[:-1]]
    return cells + [line[columns[-1][0] :].strip()]


def region_to_blocks(region: Sequence[str], layout: Layout, table_index: int) -> list[Block]:
    """A table region to text blocks before it, the table, and text blocks after it."""
    kinds = [_line_kind(line, layout) for line in region]
    table_lines = [i for i, kind in enumerate(kinds) if kind == "row"]
    first, last = table_lines[0], table_lines[-1]
    widths = _column_widths([region[i] for i in table_lines], layout.columns)
    rows = _group_rows(region[first : last + 1], kinds[first : last + 1], layout, widths)
    table_rows = [_row_cells(row, layout, widths) for row in rows]
    return [
        *_text_blocks(region[:first]),
        Table(index=table_index, rows=pad_and_trim(table_rows)),
        *_text_blocks(region[last + 1 :]),
    ]


def _line_kind(line: str, layout: Layout) -> str:
    if not line.strip():
        return "blank"
    if is_rule(line):
        return "rule"
    return "span" if crosses(line, layout.columns) else "row"


def _group_rows(lines: Sequence[str], kinds: Sequence[str], layout: Layout, widths: Sequence[int]) -> list[list[str]]:
    """Lines to rows (see the module docstring).

    Groups are the runs of lines between blank, ruled and spanning lines. When blank lines
    (or rules other than the one under the header) separate the body's lines, or the first
    column visibly wraps (:func:`_first_column_wraps`), each group is a row: the printer
    marked the rows, and the first column may wrap like any other (a header printed straight
    above the first row is split off, :func:`_header_split`). Otherwise a line with text in
    the first column starts a row. A spanning line is a row of its own, marked with
    :data:`_SPAN` so that :func:`_row_cells` keeps its text whole in the first cell.
    """
    first_start, first_end = layout.columns[0]
    groups: list[list[str]] = []
    current: list[str] = []
    separators = 0
    for line, kind in zip(lines, kinds):
        if kind == "row":
            current.append(line)
            continue
        if current:
            groups.append(current)
            separators += kind in ("blank", "rule")
        current = []
        if kind == "span":
            groups.append([_SPAN + line.strip()])
    if current:
        groups.append(current)
    only_header_rule = separators == 1 and "blank" not in kinds  # "----" under the header
    if (separators and not only_header_rule) or _first_column_wraps(groups, layout.columns[0]):
        return _header_split(groups, layout, widths)
    rows: list[list[str]] = []
    for group in groups:
        for position, line in enumerate(group):
            if position == 0 or line[first_start:first_end].strip() or line.startswith(_SPAN):
                rows.append([line])
            else:
                rows[-1].append(line)
    return rows


def _header_split(groups: list[list[str]], layout: Layout, widths: Sequence[int]) -> list[list[str]]:
    """Split a header printed straight above the first row (no blank line between) off it.

    The header's cells are short: in most columns where it and the next line both have text,
    the next line's first word would have fitted after it, so nothing there was wrapped (a
    narrow date column may still look full).
    """
    if not groups or len(groups[0]) < 2 or groups[0][0].startswith(_SPAN):
        return groups
    head, after = (cut_line(line, layout.columns) for line in groups[0][:2])
    shared = [i for i in range(len(layout.columns)) if head[i] and after[i]]
    if len(shared) < MIN_COLUMNS - 1:
        return groups
    unwrapped = [i for i in shared if len(head[i]) + 1 + len(after[i].split(" ", 1)[0]) <= widths[i]]
    if len(unwrapped) * 2 <= len(shared):
        return groups
    return [groups[0][:1], groups[0][1:], *groups[1:]]


def _first_column_wraps(groups: Sequence[Sequence[str]], column: tuple[int, int]) -> bool:
    """True when the first column's text runs on from one line to the next (a line there
    starts in lower case under a line with text): it is no key that starts each row."""
    for group in groups:
        for above, line in zip(group, group[1:]):
            text = line[column[0] : column[1]].strip()
            if text and above[column[0] : column[1]].strip() and (text[0].islower() or text[0] in "&,;"):
                return True
    return False


_SPAN = "\x00span\x00"
"""Marks a spanning line in a row's line list (decoded text never holds NUL)."""


def _column_widths(lines: Sequence[str], columns: Sequence[tuple[int, int]]) -> list[int]:
    """How wide each column's printed text runs: the longest line of text in it."""
    widths = [0] * len(columns)
    for line in lines:
        for index, (start, end) in enumerate(columns):
            piece = (line[start:end] if index < len(columns) - 1 else line[start:]).rstrip()
            if piece.strip():
                widths[index] = max(widths[index], len(piece.lstrip()))
    return widths


def _row_cells(lines: Sequence[str], layout: Layout, widths: Sequence[int]) -> tuple[Cell, ...]:
    if len(lines) == 1 and lines[0].startswith(_SPAN):
        text = lines[0][len(_SPAN) :]
        return (Cell(lines=text_to_lines(text)),) + tuple(Cell() for _ in layout.columns[1:])
    pieces = [cut_line(line, layout.columns) for line in lines]
    cells = []
    for column in range(len(layout.columns)):
        paragraphs = reflow([piece[column] for piece in pieces], widths[column])
        cells.append(Cell(lines=tuple(line for paragraph in paragraphs for line in text_to_lines(paragraph))))
    return tuple(cells)


def reflow(printed: Sequence[str], width: int) -> list[str]:
    """Join lines the printer wrapped; keep breaks the author made.

    A line was wrapped when the next line's first word would not have fitted after it within
    the column's width; otherwise the author broke it (a list item, a new paragraph). A full
    line that ends a sentence, followed by a numbered or bulleted item, is a break too.

    >>> reflow(["Audit every strategy", "discussion.", "1. Next item"], 21)
    ['Audit every strategy discussion.', '1. Next item']
    """
    paragraphs: list[str] = []
    previous = ""
    for text in printed:
        if not text:
            if paragraphs and paragraphs[-1]:
                paragraphs.append("")
            previous = ""
            continue
        first_word = text.split(" ", 1)[0]
        wrapped = (
            bool(previous)
            and len(previous) + 1 + len(first_word) > width
            and not (_SENTENCE_END.search(previous) and _ITEM_START.match(text))
        )
        if wrapped and paragraphs:
            paragraphs[-1] = f"{paragraphs[-1]} {text}"
        else:
            paragraphs.append(text)
        previous = text
    return [paragraph for paragraph in paragraphs if paragraph]


def _text_blocks(lines: Sequence[str]) -> list[TextBlock]:
    """Narrative lines: one text block per line, as the TAB-separated text reader does."""
    blocks = (text_to_lines(line) for line in lines if line.strip())
    return [TextBlock(lines=parsed) for parsed in blocks if parsed]
