"""Tables broken by page breaks, put back together; printed page numbers dropped.

A table that ends a page and a table that starts the next one, with the same column
positions and nothing but page furniture (running headers, footers, page numbers) between
them, are one table: their rows are joined into one :class:`ingest.model.Table` whose cells
keep their own pages. A header row repeated at the top of the page is left in (extract
drops repeated header rows). A row split by the break (its continuation has an empty first
cell and text that completes the row above) is re-joined into one row.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from ingest.model import Block, Cell, Line, Row, Table, TextBlock
from ingest.pdf_text import ENUMERATION_START, ends_sentence, join_wrapped


@dataclass(frozen=True, slots=True)
class PageTable:
    """A table as found on one page, before stitching."""

    page: int
    rows: tuple[Row, ...]
    bbox: tuple[float, float, float, float]
    column_edges: tuple[float, ...]
    strategy: str = "lines"
    tail_room: tuple[tuple[float, float] | None, ...] = ()
    """Per position of the last row: (points left at the end of the cell's last visual line,
    mean glyph width), to judge whether a paragraph runs on over the page break."""
    open_top: bool = False
    open_bottom: bool = False
    """Ruled on every side but this one: the frame was left open where a page break cut it
    (so the row there goes on from, or onto, another page)."""
    tail_depth: tuple[float | None, ...] = ()
    """Per position of the last row: the empty height under the cell's last line, in font
    sizes (None for an empty cell). A layout engine fills a row fragment to the page foot
    before it breaks a cell, so a cell whose text stopped well above the foot is complete."""
    mid_row: bool = False
    """Only column rules, open at both ends, with no rule across them: the middle of a row
    cut by page breaks above and below. A table only where it continues a table left open
    at the foot of the page before; elsewhere (a page set in ruled text columns) its cells
    are read as text (:func:`mid_row_as_text`)."""


@dataclass(frozen=True, slots=True)
class PageContent:
    """What one page holds, in reading order."""

    page: int
    width: float
    height: float
    blocks: tuple[PageTable | TextBlock, ...]


@dataclass(frozen=True)
class StitchNote:
    """What the stitcher did to one table, for metadata and the inspect view."""

    table: int
    pages: tuple[int, ...]
    rejoined_rows: int


MAX_RUN_ON_DEPTH = 2.5
"""A cell whose text stops more than this many font sizes above the bottom of a table's last
row on a page did not run on over the break (the engine would have filled the room first)."""

MIN_TITLE_REPEATS = 3
"""A short line printed before this many tables is the plan's repeated title (see
:func:`repeated_title_keys`)."""
MAX_TITLE_LINES = 2
MAX_TITLE_WORDS = 15

MAX_REPEATED_HEADER_ROWS = 3
"""Most rows a table repeats at the top of each page (title row, headings, sub-headings)."""

_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d+(\s*(of|/)\s*\d+)?$|^-\s*\d+\s*-$", re.IGNORECASE)


def keep_for_stitching(page: PageContent) -> PageContent:
    """The page with only the geometry :func:`stitch_pages` can use, for a reader that holds
    every page until the last is read (furniture is told by repeats over the whole document).

    A page break touches two tables at most: the page's last table, which may go on over the
    page (its column edges, the room and depth left in its last row), and its first, which
    may continue the page before (its column edges). The measures of any other table are
    never read, and on a long plan they would be held to the end for nothing."""
    tables = [index for index, block in enumerate(page.blocks) if isinstance(block, PageTable)]
    if len(tables) < 2:
        return page
    first, last = tables[0], tables[-1]
    blocks = list(page.blocks)
    for index in tables:
        table = blocks[index]
        assert isinstance(table, PageTable)
        if index != last:
            table = replace(table, tail_room=(), tail_depth=())
        if index not in (first, last):
            table = replace(table, column_edges=())
        blocks[index] = table
    return replace(page, blocks=tuple(blocks))


def furniture_keys(pages: Sequence[PageContent]) -> set[str]:
    """Texts (digits masked) of short text blocks that repeat near the top or bottom of
    at least two pages: running headers and footers."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update(margin_keys(page))
    return {key for key, count in counts.items() if count >= 2}


def margin_keys(page: PageContent) -> set[str]:
    """The keys of the page's short text blocks near its top or bottom (each once)."""
    return {
        _key(block)
        for block in page.blocks
        if isinstance(block, TextBlock) and _in_margin(block, page) and len(block.lines) <= 3
    }


def _key(block: TextBlock) -> str:
    return _DIGITS.sub("#", " ".join(block.text.split()).lower())


def _in_margin(block: TextBlock, page: PageContent) -> bool:
    if block.bbox is None:
        return False
    return block.bbox[3] <= 0.15 * page.height or block.bbox[1] >= 0.85 * page.height


def is_page_number(block: TextBlock) -> bool:
    """A block holding only a printed page number: "7", "Page 7", "Page 7 of 20", "- 7 -"."""
    return bool(_PAGE_NUMBER.match(" ".join(block.text.split())))


def repeated_title_keys(pages: Sequence[PageContent]) -> set[str]:
    """Texts (digits masked) of short text blocks printed again and again, each time right
    before a table: the plan's title repeated over each of its table pieces, which names
    the document, not the section the rows below belong to."""
    counts: Counter[str] = Counter()
    spoiled: set[str] = set()
    for page in pages:
        for key, before_a_table in title_sightings(page):
            counts[key] += 1
            if not before_a_table:
                spoiled.add(key)
    return {key for key, count in counts.items() if count >= MIN_TITLE_REPEATS and key not in spoiled}


def title_sightings(page: PageContent) -> Iterator[tuple[str, bool]]:
    """(key, followed by a table?) of each title-sized text block on the page."""
    for block, following in zip(page.blocks, (*page.blocks[1:], None)):
        if isinstance(block, TextBlock) and _is_title_sized(block):
            yield _key(block), isinstance(following, PageTable)


def _is_title_sized(block: TextBlock) -> bool:
    return len(block.lines) <= MAX_TITLE_LINES and 0 < len(block.text.split()) <= MAX_TITLE_WORDS


def furniture_key(block: TextBlock, page: PageContent) -> str | None:
    """The key (text, digits masked) that says whether ``block`` is a running header, footer
    or repeated title; None when it cannot be one (neither in a margin nor title-sized)."""
    if not (_in_margin(block, page) or _is_title_sized(block)):
        return None
    return _key(block)


def columns_match(a: Sequence[float], b: Sequence[float], tolerance: float) -> bool:
    """Same column boundaries within ``tolerance`` points (outer edges and most inner ones)."""
    if len(a) < 2 or len(b) < 2:
        return False
    if abs(a[0] - b[0]) > tolerance or abs(a[-1] - b[-1]) > tolerance:
        return False
    inner_a, inner_b = a[1:-1], b[1:-1]
    if not inner_a and not inner_b:
        return True
    matched = sum(1 for x in inner_a if any(abs(x - y) <= tolerance for y in inner_b))
    return matched >= 0.7 * max(len(inner_a), len(inner_b))


def stitch_pages(
    pages: Sequence[PageContent], tolerance: float = 4.0, text_tolerance: float = 15.0
) -> tuple[tuple[Block, ...], tuple[StitchNote, ...]]:
    """Document blocks in reading order, tables continued across pages joined into one,
    page-number blocks left out (every cell and block keeps its page)."""
    stitcher = Stitcher(tolerance, text_tolerance, keys=furniture_keys(pages) | repeated_title_keys(pages))
    for page in pages:
        stitcher.add(page)
    stitched = stitcher.finish()
    assert stitched is not None  # keys known from the start: nothing to check against
    return stitched


LOOKAHEAD_PAGES = 3
"""Pages a :class:`Stitcher` reads ahead of the page it places, so that a running header, or a
title repeated over each table piece, has been seen repeating before it is judged."""


class Stitcher:
    """Stitches pages as they are read, so a long plan's page contents are not all held.

    With ``keys`` (the whole file's furniture keys, :func:`stitch_pages`) each page is placed
    as it comes. Without, furniture is judged from the repeats seen so far, holding
    :data:`LOOKAHEAD_PAGES` pages back. A judgement that may still change (the text has not
    yet repeated in two margins) is noted: where it only sets a block's ``furniture`` flag,
    :meth:`finish` sets the flag as the whole file's repeats say; where it decided whether an
    open table could go on, and the whole file says otherwise (a footer first repeated far
    down the file, a title line later printed away from a table), :meth:`finish` returns None
    and the caller stitches the whole file again with its keys. So the result never depends
    on the order of reading. What is held while reading: the pages waiting, the table still
    open (its last part's geometry), the blocks placed and the short texts' repeat counts."""

    def __init__(
        self,
        tolerance: float = 4.0,
        text_tolerance: float = 15.0,
        keys: set[str] | None = None,
        lookahead: int = LOOKAHEAD_PAGES,
    ) -> None:
        self._tolerance, self._text_tolerance = tolerance, text_tolerance
        self._fixed = keys is not None
        self._keys = keys or set()
        self._lookahead = 0 if self._fixed else lookahead
        self._margin_counts: Counter[str] = Counter()
        self._title_counts: Counter[str] = Counter()
        self._spoiled: set[str] = set()
        self._bets: set[tuple[str, bool]] = set()  # verdicts that decided whether a table went on
        self._candidate: PageTable | None = None  # the last table part placed, which a verdict may let go on
        self._pending: list[tuple[str, bool]] = []  # verdicts since, that matter if it could have gone on
        self._unsettled: list[tuple[int, str]] = []  # (index in the blocks placed, key) of flags that may change
        self._waiting: deque[PageContent] = deque()
        self._out: list[Block] = []
        self._notes: list[StitchNote] = []
        self._open: _TableBuilder | None = None
        self._tables = 0

    def add(self, page: PageContent) -> None:
        if not self._fixed:
            self._count(page)
        self._waiting.append(page)
        while len(self._waiting) > self._lookahead:
            self._place(self._waiting.popleft())

    def finish(self) -> tuple[tuple[Block, ...], tuple[StitchNote, ...]] | None:
        """The stitched blocks and notes; None when an early judgement proved wrong."""
        while self._waiting:
            self._place(self._waiting.popleft())
        self._close()
        if any(self._is_key(key) != verdict for key, verdict in self._bets):
            return None
        for index, key in self._unsettled:  # a flag only: set it as the whole file says
            block = self._out[index]
            if isinstance(block, TextBlock) and block.furniture != self._is_key(key):
                self._out[index] = replace(block, furniture=self._is_key(key))
        return tuple(self._out), tuple(self._notes)

    def _count(self, page: PageContent) -> None:
        self._margin_counts.update(margin_keys(page))
        for key, before_a_table in title_sightings(page):
            self._title_counts[key] += 1
            if not before_a_table:
                self._spoiled.add(key)

    def _is_key(self, key: str) -> bool:
        """Furniture by the repeats counted so far (:func:`furniture_keys` and
        :func:`repeated_title_keys` over the pages seen), or by the keys given."""
        if self._fixed:
            return key in self._keys
        return self._margin_counts[key] >= 2 or (
            self._title_counts[key] >= MIN_TITLE_REPEATS and key not in self._spoiled
        )

    def _is_furniture(self, block: TextBlock, page: PageContent) -> bool:
        """A running header/footer, a repeated title line or a bare page number, which may sit
        between two parts of a table without separating them."""
        if is_page_number(block):
            return True
        key = furniture_key(block, page)
        verdict = key is not None and self._is_key(key)
        if self._fixed:
            return verdict
        if key is not None and self._margin_counts[key] < 2:  # may change (a margin repeat is final)
            self._pending.append((key, verdict))
            self._unsettled.append((len(self._out), key))  # the block is placed next
        elif not verdict:  # text for certain: no table goes on over it
            self._candidate = None
            self._pending.clear()
        return verdict

    def _settle(self, block: PageTable, page: PageContent) -> None:
        """The verdicts given since the last table part decided something only if this part
        could have continued it (the next page's first table, same columns): keep those."""
        candidate = self._candidate
        if (
            candidate is not None
            and candidate.page == page.page - 1
            and _same_columns(candidate, block, self._tolerance, self._text_tolerance)
        ):
            self._bets.update(self._pending)
        self._pending.clear()
        self._candidate = block

    def _place(self, page: PageContent) -> None:
        substantive_seen = False
        for block in page.blocks:
            if isinstance(block, TextBlock):
                if is_page_number(block):
                    continue  # printed page numbers are not content: Cell.page keeps the page
                if self._is_furniture(block, page):
                    block = replace(block, furniture=True)
                else:
                    substantive_seen = True
                    self._close()
                self._out.append(block)
                continue
            if not self._fixed:
                self._settle(block, page)
            previous = self._open.last if self._open is not None else None
            continues = (
                previous is not None
                and not substantive_seen
                and previous.page == page.page - 1
                and _same_columns(previous, block, self._tolerance, self._text_tolerance)
            )
            if block.mid_row and not (continues and previous is not None and previous.open_bottom):
                self._close()
                self._out.extend(mid_row_as_text(block))
            elif continues and self._open is not None:
                self._open.add(block)
            else:
                self._close()
                self._tables += 1
                self._open = _TableBuilder(block, self._tables, position=len(self._out))
                self._out.append(_PLACEHOLDER)
            substantive_seen = True
        # a table continues only onto the very next page
        if self._open is not None and self._open.last.page != page.page:
            self._close()
        if self._candidate is not None and self._candidate.page != page.page:
            self._candidate = None
            self._pending.clear()

    def _close(self) -> None:
        """The open table can go on no more: put it in its place."""
        builder, self._open = self._open, None
        if builder is None:
            return
        self._out[builder.position] = builder.table()
        if len(builder.pages) > 1:
            self._notes.append(StitchNote(builder.number, tuple(builder.pages), builder.joins))


_PLACEHOLDER = TextBlock(lines=())
"""Stands for a table in the placed blocks until it can go on no more."""


def mid_row_as_text(table: PageTable) -> list[TextBlock]:
    """A :attr:`PageTable.mid_row` frame that continues no table: its cells' text, column
    by column (the reading order of a page set in ruled columns)."""
    cells = [cell for row in table.rows for cell in row if cell is not None and not cell.is_empty]
    return [TextBlock(lines=cell.lines, page=table.page, bbox=cell.bbox) for cell in cells]


def _same_columns(previous: PageTable, current: PageTable, tolerance: float, text_tolerance: float) -> bool:
    loose = "text" in (previous.strategy, current.strategy)
    return columns_match(previous.column_edges, current.column_edges, text_tolerance if loose else tolerance)


def parts_to_table(parts: Sequence[PageTable], index: int) -> tuple[Table, int]:
    """One Table from its page parts; returns it and the number of split rows re-joined."""
    builder = _TableBuilder(parts[0], index)
    for part in parts[1:]:
        builder.add(part)
    return builder.table(), builder.joins


class _TableBuilder:
    """A table joined part by part as its pages come.

    The rows a part repeats from the top of the table (a header block of one or more rows,
    such as a title row over the column headings) are kept for extract to drop, and the
    first row after them is the one that may finish the row cut at the foot of the page.
    Only the last part is held (its geometry says whether the next page goes on from it)."""

    def __init__(self, first: PageTable, number: int, position: int = 0) -> None:
        self.number, self.position = number, position
        self.page, self.bbox = first.page, first.bbox
        self.pages = [first.page]
        self.last = first
        self.rows: list[Row] = list(first.rows)
        self.head = [row_text(row) for row in self.rows[:MAX_REPEATED_HEADER_ROWS]]
        self.joins = 0
        self.tail_room, self.tail_depth = first.tail_room, first.tail_depth
        self.cut_open = first.open_bottom
        self.last_joined = False  # the open row was already re-joined over a page break
        self.open_row = (
            len(self.rows) - 1
        )  # the row a page break may have cut: the last, or the last before head copies

    def add(self, part: PageTable) -> None:
        rows, head, tail_depth = self.rows, self.head, self.tail_depth
        incoming = list(part.rows)
        start = repeated_head_length(incoming, head)
        cut_open = self.cut_open or (start == 0 and part.open_top)
        above = rows[self.open_row] if rows else None
        if (
            above is not None
            and len(incoming) > start
            and (
                cut_open
                or (
                    (
                        row_text(above) not in head[: max(start, 1)]  # not a heading alone at the foot
                        or _filled_to_the_foot(above, tail_depth)
                    )  # unless the break cut every cell of it
                    and is_split_row(above, incoming[start], tail_depth)
                )
                or _only_cut_columns_go_on(above, incoming[start], tail_depth, self.last_joined)
                or (self.open_row == 0 and _completes_a_lone_first_row(above, incoming[start]))
            )
        ):
            rows[self.open_row] = join_rows(above, incoming[start], self.tail_room)
            rest = incoming[start + 1 :]
            incoming = incoming[:start] + rest
            if not rest:  # the page held head copies and a piece of the open row only: it stays open
                self.tail_room, self.tail_depth = part.tail_room, part.tail_depth
            self.joins += 1
            self.last_joined = not rest
        else:
            rest = incoming
            self.last_joined = False
        rows.extend(incoming)
        if rest:
            self.tail_room, self.tail_depth = part.tail_room, part.tail_depth
            self.open_row = len(rows) - 1
        self.cut_open = part.open_bottom
        self.pages.append(part.page)
        self.last = part

    def table(self) -> Table:
        return Table(index=self.number, rows=tuple(self.rows), page=self.page, bbox=self.bbox, continued=False)


def repeated_head_length(rows: Sequence[Row], head: Sequence[tuple[str, ...]]) -> int:
    """How many leading ``rows`` repeat the table's first rows, in order."""
    count = 0
    while count < min(len(rows), len(head)) and row_text(rows[count]) == head[count]:
        count += 1
    return count


def row_text(row: Row) -> tuple[str, ...]:
    """The row's cell texts, whitespace-normalised (None stays None)."""
    return tuple(None if cell is None else " ".join(cell.text.split()) for cell in row)  # type: ignore[misc]


def is_split_row(above: Row, below: Row, tail_depth: Sequence[float | None] = ()) -> bool:
    """Is ``below`` the rest of ``above``, cut by a page break?

    Geometry first: every column that goes on below must have filled the fragment above to
    its foot (``tail_depth``, see :class:`PageTable`); one whose text stopped well short is
    complete, so text under it starts a new row.

    Evidence that a column runs on: its text below starts in lower case (a sentence carried
    over). When the first cell below is empty, one such column is enough; or, weaker, text
    above that stops mid-sentence in every column that goes on, with fewer cells filled below
    than above (the short cells, such as ref, lead and date, fitted before the break). When
    the first cell below has text (a long first cell broken too), two columns must run on.
    """
    first_below = next((cell for cell in below if cell is not None), None)
    first_above = next((cell for cell in above if cell is not None), None)
    if first_below is None or first_above is None:
        return False
    pairs = [
        (a, b) for a, b in zip(above, below) if a is not None and b is not None and not a.is_empty and not b.is_empty
    ]
    if not pairs:
        return False
    if any(
        _stopped_short(column, tail_depth)
        for column, (a, b) in enumerate(zip(above, below))
        if a is not None and b is not None and not a.is_empty and not b.is_empty
    ):
        return False
    lower = sum(1 for _, b in pairs if _starts_lower(b))
    if not first_below.is_empty:
        return lower >= 2 or (lower >= 1 and _starts_lower(first_below) and not _ends_sentence(first_above))
    if lower:
        return True
    filled_above = sum(1 for cell in above if cell is not None and not cell.is_empty)
    filled_below = sum(1 for cell in below if cell is not None and not cell.is_empty)
    return filled_below < filled_above and all(_runs_on(a, b) for a, b in pairs)


def _filled_to_the_foot(row: Row, tail_depth: Sequence[float | None]) -> bool:
    """Every cell with text ran down to the page foot (a row cut across all its cells, as a
    heading row alone at the foot is when the break falls inside its wrapped labels)."""
    depths = [
        tail_depth[c] if c < len(tail_depth) else None
        for c, cell in enumerate(row)
        if cell is not None and not cell.is_empty
    ]
    return bool(depths) and all(depth is not None and depth <= MAX_RUN_ON_DEPTH for depth in depths)


def _only_cut_columns_go_on(
    above: Row, below: Row, tail_depth: Sequence[float | None], already_cut: bool = False
) -> bool:
    """Text below only in columns whose text above ran down to the page foot, the row's
    other cells drawn but empty: a tall cell going on over the break while its neighbours,
    complete, left theirs blank. The row above must show it was cut there: another of its
    cells has text that stopped well short of the foot (so reaching the foot is no
    accident of padding), or it is itself a piece re-joined over the previous break
    (``already_cut``). A one-cell group row ("Accountable lead: ...") under a one-cell
    objectives row is a new row."""
    if len(below) < 2 or any(cell is None for cell in below):
        return False
    if not already_cut and not any(
        cell is not None and not cell.is_empty and _stopped_short(column, tail_depth)
        for column, cell in enumerate(above)
    ):
        return False
    going_on = [column for column, cell in enumerate(below) if not cell.is_empty]  # type: ignore[union-attr]
    if not going_on or len(going_on) == len(below):
        return False
    for column in going_on:
        cell = above[column] if column < len(above) else None
        depth = tail_depth[column] if column < len(tail_depth) else None
        if cell is None or cell.is_empty or depth is None or depth > MAX_RUN_ON_DEPTH:
            return False
    return True


def _completes_a_lone_first_row(above: Row, below: Row) -> bool:
    """The table's first row stood alone at the page foot with some cells empty, and the
    next page's first row fills exactly those cells and no other: one row cut across its
    cells (WeasyPrint prints part of a heading row at the foot and the rest over the page).
    Said of the first row only, where the table had no row to stand beside."""
    if len(above) != len(below) or any(cell is None for cell in above) or any(cell is None for cell in below):
        return False
    filled_above = [not cell.is_empty for cell in above]  # type: ignore[union-attr]
    filled_below = [not cell.is_empty for cell in below]  # type: ignore[union-attr]
    return any(filled_above) and any(filled_below) and all(a != b for a, b in zip(filled_above, filled_below))


def _stopped_short(column: int, tail_depth: Sequence[float | None]) -> bool:
    depth = tail_depth[column] if column < len(tail_depth) else None
    return depth is not None and depth > MAX_RUN_ON_DEPTH


def _starts_lower(cell: Cell) -> bool:
    """Starts with a lower-case word, not an item marker such as "i)" or "a)"."""
    if not cell.lines or cell.lines[0].bullet:
        return False
    text = cell.lines[0].text
    return text[:1].islower() and not ENUMERATION_START.match(text)


def _ends_sentence(cell: Cell) -> bool:
    return bool(cell.lines) and ends_sentence(cell.lines[-1].text)


def _runs_on(above: Cell, below: Cell) -> bool:
    """The text below may continue the text above: above stops mid-sentence and below does
    not start a new item."""
    last = above.lines[-1].text if above.lines else ""
    first = below.lines[0] if below.lines else None
    if first is None or not last:
        return False
    return not ends_sentence(last) and not first.bullet and not ENUMERATION_START.match(first.text)


def join_rows(above: Row, below: Row, tail_room: Sequence[tuple[float, float] | None] = ()) -> Row:
    """Cell by cell, the text of ``below`` appended to ``above`` (page and box of above)."""
    joined = []
    for c, (a, b) in enumerate(zip(above, below)):
        if a is None or b is None or b.is_empty:
            joined.append(a)
        elif a.is_empty:
            joined.append(Cell(lines=b.lines, page=a.page, bbox=a.bbox))
        else:
            room = tail_room[c] if c < len(tail_room) else None
            joined.append(Cell(lines=join_cell_lines(a.lines, b.lines, room), page=a.page, bbox=a.bbox))
    joined.extend(above[len(below) :])
    return tuple(joined)


def join_cell_lines(
    above: Sequence[Line], below: Sequence[Line], room: tuple[float, float] | None = None
) -> tuple[Line, ...]:
    """Lines of a cell continued on the next page: a paragraph cut by the break is one again.

    It was cut when the last line above was full (``room``: the next word would not have
    fitted in the space left), or, without that measure, when the text above stops
    mid-sentence; text below starting in lower case always continues. A bullet or item
    marker below starts a new paragraph.
    """
    if not above or not below:
        return tuple(above) + tuple(below)
    last, first = above[-1], below[0]
    if first.bullet or ENUMERATION_START.match(first.text):
        runs_on = False
    elif first.text[:1].islower():
        runs_on = True
    elif room is not None:
        space_left, glyph = room
        next_word = first.text.split()[0] if first.text.split() else ""
        runs_on = space_left < glyph * (len(next_word) + 2)  # a space and some slack
    else:
        runs_on = not ends_sentence(last.text)
    if runs_on:
        merged = Line(join_wrapped([last.text, first.text]), bold=last.bold and first.bold, bullet=last.bullet)
        return tuple(above[:-1]) + (merged,) + tuple(below[1:])
    return tuple(above) + tuple(below)
