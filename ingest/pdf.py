"""Reader for PDF files: tables (ruled or unruled) and text blocks, every cell traced to its page.

One page at a time, released as soon as it is read so memory stays flat on long documents::

    chars, edges -> ruled grids (pdfplumber lines strategy) -> text-aligned grids (the rest)
                 -> chars by cell -> lines -> paragraphs -> cells; other lines -> text blocks
    pages -> tables continued across page breaks stitched into one

Bad files raise :class:`UnreadableFile` with a one-line reason ("encrypted (password
required)", "no text layer (OCR not supported)", "corrupt PDF: ..."); no pdfminer exception
escapes. A PDF without tables is read fine: its Document simply has no Table blocks.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pdfplumber
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFObjRef, PDFStream
from pdfplumber.page import Page

from ingest.model import BBox, Block, Cell, Document, Issue, Row, TextBlock, UnreadableFile
from ingest.pdf_grid import CellGrid, Slot, assign_chars_to_cells
from ingest.pdf_refine import (
    merge_partly_ruled,
    split_ruled_columns,
    split_spanning_cells,
    split_stacked_rows,
    split_text_rows,
)
from ingest.pdf_rotate import TurnedPage, page_turn
from ingest.pdf_ruled import (
    find_ruled_grids,
    is_data_table,
    is_text_highlight,
    open_sides,
    page_closures,
    page_column_frames,
)
from ingest.pdf_settings import PdfSettings
from ingest.pdf_side_by_side import find_bands, reading_order, split_by_columns
from ingest.pdf_stitch import (
    PageContent,
    PageTable,
    Stitcher,
    StitchNote,
    keep_for_stitching,
    mid_row_as_text,
    parts_to_table,
    stitch_pages,
)
from ingest.pdf_text import (
    Char,
    TextLine,
    chars_to_text_lines,
    group_paragraphs,
    is_visible,
    text_lines_to_paragraphs,
    typical_pitch,
)
from ingest.pdf_unruled import Rule, lines_to_aligned_runs, run_to_grid, split_side_by_side


def read_pdf(path: Path, sha256: str = "", settings: PdfSettings = PdfSettings()) -> Document:
    """Read a PDF into a :class:`Document`: tables and text blocks in reading order, tables
    continued across pages stitched into one, every cell with its 1-based page and box.

    Pages are stitched as they are read (:class:`Stitcher`), so what the reader holds does not
    grow with the page count; in the rare file where a running header or repeated title was
    judged before its repeats showed, the file is stitched again whole (read twice)."""
    path = Path(path)
    if settings.stitch_pages:
        document = _read_stitching(path, sha256, settings)
        if document is not None:
            return document
    pages, issues, page_count = read_page_contents(path, settings)
    return pages_to_document(path.name, pages, page_count, sha256=sha256, issues=issues, settings=settings)


def _read_stitching(path: Path, sha256: str, settings: PdfSettings) -> Document | None:
    """The Document stitched page by page as read; None when the stitcher's early judgement
    of page furniture differs from the whole file's (the caller reads it again whole)."""
    issues: list[Issue] = []
    stitcher = Stitcher(settings.stitch_tolerance, settings.text_stitch_tolerance)
    any_blocks = False
    with open_pdf(path, settings) as pdf:
        page_count = _page_count(pdf)
        for content in _read_pages(pdf, settings, issues):
            any_blocks = any_blocks or bool(content.blocks)
            stitcher.add(content)
    _raise_if_no_text(any_blocks, issues)
    stitched = stitcher.finish()
    if stitched is None:
        return None
    blocks, notes = stitched
    return _document(path.name, blocks, notes, page_count, sha256, issues)


def read_page_contents(path: Path, settings: PdfSettings = PdfSettings()) -> tuple[list[PageContent], list[Issue], int]:
    """Every page's content (before stitching), the issues noticed, and the page count.
    Raises :class:`UnreadableFile` for a file that cannot be read at all."""
    pages: list[PageContent] = []
    issues: list[Issue] = []
    with open_pdf(Path(path), settings) as pdf:
        page_count = _page_count(pdf)
        pages.extend(map(keep_for_stitching, _read_pages(pdf, settings, issues)))
    _raise_if_no_text(any(page.blocks for page in pages), issues)
    return pages, issues, page_count


def _raise_if_no_text(any_blocks: bool, issues: Sequence[Issue]) -> None:
    if not any_blocks:
        if any(issue.code == "no-text-layer" for issue in issues):
            raise UnreadableFile("no text layer (OCR not supported)")
        raise UnreadableFile("no text on any page", status="skipped")  # blank pages, no images either


def pages_to_document(
    name: str,
    pages: Sequence[PageContent],
    page_count: int,
    sha256: str = "",
    issues: Sequence[Issue] = (),
    settings: PdfSettings = PdfSettings(),
) -> Document:
    """Stitch page contents into a :class:`Document`."""
    if settings.stitch_pages:
        blocks, notes = stitch_pages(pages, settings.stitch_tolerance, settings.text_stitch_tolerance)
    else:
        blocks, notes = _unstitched(pages)
    return _document(name, blocks, notes, page_count, sha256, issues)


def _document(
    name: str,
    blocks: Sequence[Block],
    notes: Sequence[StitchNote],
    page_count: int,
    sha256: str,
    issues: Sequence[Issue],
) -> Document:
    return Document(
        name=name,
        format="pdf",
        blocks=tuple(blocks),
        pages=page_count,
        sha256=sha256,
        issues=tuple(issues),
        metadata=stitch_metadata(notes),
    )


def read_pdf_pages(path: Path, settings: PdfSettings = PdfSettings()) -> Iterator[PageContent]:
    """What the reader finds on each page, before stitching (for inspection and scoring:
    a table continued over pages comes out once per page). Raises :class:`UnreadableFile`."""
    for content, _ in read_pdf_page_views(path, settings):
        yield content


def read_pdf_page_views(
    path: Path, settings: PdfSettings = PdfSettings()
) -> Iterator[tuple[PageContent, Callable[[BBox], BBox]]]:
    """:func:`read_pdf_pages` with, for each page, the map from the coordinates of its
    content to those of the page as printed (not the identity for a page read turned).
    Like :func:`read_pdf`, raises "no text layer" (at the end) when no page has text."""
    issues: list[Issue] = []
    any_text = False
    with open_pdf(Path(path), settings) as pdf:
        _page_count(pdf)
        for content, unturn in _read_pages(pdf, settings, issues, with_views=True):
            any_text = any_text or bool(content.blocks)
            yield content, unturn
    if not any_text:
        raise UnreadableFile("no text layer (OCR not supported)")


@contextmanager
def open_pdf(path: Path, settings: PdfSettings = PdfSettings()) -> Iterator[pdfplumber.PDF]:
    """Open a PDF with pdfplumber, turning every failure into :class:`UnreadableFile`."""
    _check_header(path)
    try:
        pdf = pdfplumber.open(path, password=settings.password)
    except OSError as error:
        raise UnreadableFile(f"cannot open file: {error.strerror or error}") from error
    except Exception as error:  # pdfminer raises many types; none may escape
        _raise_if_out_of_memory(error)
        raise UnreadableFile(reason_for(error, path)) from error
    try:
        yield pdf
    finally:
        close_pdf(pdf)


def close_pdf(pdf: pdfplumber.PDF) -> None:
    """Close the file without ``pdf.close()``, which first builds pdfplumber's list of every
    page (``pdf.pages``) only to close each one: the pages were read, and let go, one at a
    time by :func:`iter_pages`."""
    try:
        pdf.flush_cache()
        if not pdf.stream_is_external:
            pdf.stream.close()
    except Exception:  # closing a half-parsed file must not hide the real error
        pass


def iter_pages(pdf: pdfplumber.PDF) -> Iterator[Page]:
    """The file's pages in order, made one at a time and kept by nobody.

    ``pdf.pages`` would build a :class:`pdfplumber.page.Page` for every page up front and keep
    them all (with pdfminer's page dictionaries) until the file is closed: memory that grows
    with the page count. Each page here is made as the one before it is done with, with the
    same page number and document offset (``initial_doctop``) pdfplumber would give it. Once
    read, its page dictionary is dropped from pdfminer's object cache as well (it is fetched
    from the file again if anything asks)."""
    document = pdf.doc
    doctop = 0.0
    for number, page_obj in enumerate(PDFPage.create_pages(document), start=1):
        page = Page(pdf, page_obj, page_number=number, initial_doctop=doctop)
        doctop += float(page.height)
        yield page
        _break_cycles(page)
        cache = getattr(document, "_cached_objs", None)  # pdfminer's private cache
        if isinstance(cache, dict) and isinstance(page_obj.pageid, int):
            cache.pop(page_obj.pageid, None)


def _break_cycles(page: Page) -> None:
    """Let a read page be freed as soon as it is dropped. A pdfplumber Page refers to itself
    (``root_page``, and its per-page ``lru_cache`` of ``get_textmap`` holds the bound method),
    so only a full garbage collection would free it. In a process that holds many objects (a
    batch, a test session) full collections are rare and every read page, with its parsed
    objects, would stay until one came: memory growing with the page count."""
    for name in ("get_textmap", "root_page"):
        vars(page).pop(name, None)


def _check_header(path: Path) -> None:
    """An empty file, or one without the ``%PDF-`` header, fails before pdfminer sees it."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(1024)
    except OSError as error:
        raise UnreadableFile(f"cannot open file: {error.strerror or error}") from error
    if not head.strip():
        raise UnreadableFile("empty file", status="skipped")
    if b"%PDF-" not in head:
        raise UnreadableFile("corrupt PDF: no %PDF header (not a PDF file)")


def reason_for(error: BaseException, path: Path | None = None) -> str:
    """A one-line reason for an exception raised while opening or reading a PDF."""
    chain = _exception_chain(error)
    names = " ".join(type(item).__name__ for item in chain)
    if "Password" in names or "Encryption" in names:
        return "encrypted (password required)"
    detail = ""
    for item in reversed(chain):
        text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(item)).split())
        if text and not text.startswith("<"):
            detail = text
            break
    detail = detail or type(chain[-1]).__name__
    if path is not None and not _has_eof_marker(path):
        return f"corrupt PDF: truncated (no end-of-file marker; {detail[:80]})"
    return f"corrupt PDF: {detail[:120]}"


def _raise_if_out_of_memory(error: BaseException) -> None:
    """Running out of memory is the process's limit, not a corrupt file: let it through as
    ``MemoryError`` (zlib reports a refused allocation as ``zlib.error``)."""
    for item in _exception_chain(error):
        if isinstance(item, MemoryError) or (isinstance(item, zlib.error) and "allocate" in str(item)):
            raise MemoryError(str(item)) from error


def _exception_chain(error: BaseException) -> list[BaseException]:
    """The error and what it wraps: pdfplumber wraps pdfminer's exception as its argument."""
    chain = [error]
    while len(chain) < 10:
        last = chain[-1]
        wrapped = last.__cause__ or (last.args[0] if last.args and isinstance(last.args[0], BaseException) else None)
        if wrapped is None or wrapped in chain:
            break
        chain.append(wrapped)
    return chain


def _has_eof_marker(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - 2048))
            return b"%%EOF" in handle.read()
    except OSError:
        return False


def _page_count(pdf: pdfplumber.PDF) -> int:
    """How many pages the file has, counted by walking its page tree (no page is kept)."""
    try:
        count = sum(1 for _ in PDFPage.create_pages(pdf.doc))
    except Exception as error:
        raise UnreadableFile(reason_for(error, pdf.path)) from error
    if count == 0:
        raise UnreadableFile("corrupt PDF: no pages")
    return count


def _read_pages(pdf: pdfplumber.PDF, settings: PdfSettings, issues: list[Issue], with_views: bool = False) -> Iterator:
    """Each page's content (with ``with_views``: and its map back to the printed page)."""
    failures = 0
    first_failure = ""
    total = 0
    for page in iter_pages(pdf):
        total += 1
        try:
            view = reading_page(page, settings)
            content = page_to_content(view, settings, issues)
            unturn = view.unturn if isinstance(view, TurnedPage) else _same_box
        except Exception as error:  # one bad page is an issue, not a failed document
            _raise_if_out_of_memory(error)
            failures += 1
            reason = reason_for(error)
            first_failure = first_failure or reason
            issues.append(
                Issue.from_reader("unreadable-page", f"page {page.page_number}: {reason}", page=page.page_number)
            )
            content = None
        finally:
            page.close()  # release the page's parsed objects now: memory stays flat
            release_content_streams(page)
        if content is not None:
            yield (content, unturn) if with_views else content
    if failures == total:
        path = pdf.path
        if first_failure.startswith("encrypted"):
            raise UnreadableFile(first_failure)
        if path is not None and not _has_eof_marker(path):
            raise UnreadableFile(
                f"corrupt PDF: truncated (no end-of-file marker; {first_failure.removeprefix('corrupt PDF: ')[:80]})"
            )
        raise UnreadableFile(
            first_failure if first_failure.startswith("corrupt PDF") else f"corrupt PDF: {first_failure}"
        )
    if pdf.path is not None and not _has_eof_marker(pdf.path):
        issues.append(Issue.from_reader("truncated-pdf", "the file has no end-of-file marker: it may be cut short"))


def release_content_streams(page: Page) -> None:
    """Let go of a read page's decoded content streams, which pdfminer would otherwise keep
    to the end of the document: in its object cache (by object number) and in the page's
    ``contents`` list (pdfplumber keeps every page). They are the one part of a page that
    ``page.close()`` leaves behind, and they grow with the page count (about 20 kB a page on
    a text-heavy plan, 20 MB over 1,000 pages). Each stream is replaced by a reference to its
    object, so reading the page again fetches it from the file again; a stream without an
    object number (one pdfminer could not fetch again) is kept."""
    page_obj = page.page_obj
    document = page_obj.doc
    cache = getattr(document, "_cached_objs", None)  # pdfminer's private cache: absent, nothing to drop
    released: list[object] = []
    for item in page_obj.contents:
        number = getattr(item, "objid", None)
        if not isinstance(number, int) or number <= 0:
            released.append(item)
            continue
        stream = cache.pop(number, None) if isinstance(cache, dict) else None
        for held in (item, stream):
            if isinstance(held, PDFStream):
                _drop_stream_data(held)
        released.append(item if isinstance(item, PDFObjRef) else PDFObjRef(document, number))
    page_obj.contents = released


def _drop_stream_data(stream: PDFStream) -> None:
    """Empty a content stream nobody will read again. pdfminer's content parser for the page
    still holds it, and the parser refers to itself (it keeps bound methods of its own), so
    it is freed only at a full garbage collection, rare in a process holding many objects;
    emptied, what waits for that collection is a few hundred bytes, not the page's decoded
    content (tens of kB). Reading the page again fetches the stream from the file anew."""
    stream.data = None
    stream.rawdata = None


def _same_box(box: BBox) -> BBox:
    return box


Found = list[tuple[CellGrid, dict[Slot, list[TextLine]]]]
"""Tables found on a page so far: each grid with the visual lines of its cells."""


def reading_page(page: Page, settings: PdfSettings = PdfSettings()) -> Page:
    """The page in reading orientation: turned a quarter (:class:`ingest.pdf_rotate.TurnedPage`)
    when most of its text runs up or down the page, else the page itself."""
    direction = page_turn(page.chars, settings.min_turned_share)
    return page if direction is None else TurnedPage(page, direction)


def page_to_content(page: Page, settings: PdfSettings, issues: list[Issue] | None = None) -> PageContent:
    """Everything one page holds: tables and text blocks, in reading order. Ruled tables
    first; then tables by text alignment among the lines left over; the rest is text. A page
    printed sideways is read turned (coordinates are then those of the turned page)."""
    if not isinstance(page, TurnedPage):
        page = reading_page(page, settings)
    number = page.page_number
    chars = [char for char in page.chars if is_visible(char)]
    if not chars:
        if page.images and issues is not None:
            issues.append(
                Issue.from_reader(
                    "no-text-layer", f"page {number} is an image without text (OCR not supported)", page=number
                )
            )
        return PageContent(page=number, width=float(page.width), height=float(page.height), blocks=())
    segments_read = not too_many_segments(page, settings.max_segments)
    if not segments_read:
        if issues is not None:
            issues.append(
                Issue.from_reader(
                    "too-many-lines",
                    f"page {number} draws over {settings.max_segments:,} lines and "
                    "boxes; tables found by text alignment only",
                    page=number,
                )
            )
        strokes, found, closures = [], [], []
    else:
        chars += disc_bullet_chars(page.curves, chars)
        strokes = chart_strokes(page)
        closures = page_closures(page, settings.table_settings())
        found = find_ruled_tables(page, chars, strokes, settings, closures)
    taken = [grid.bbox for grid, _ in found]
    mid_rows = _mid_row_frames(page, chars, taken, settings) if segments_read else []
    free = [char for char in chars if not _inside_any(char, [*taken, *(grid.bbox for grid, _ in mid_rows)])]
    lines = chars_to_text_lines(free, settings.space_ratio)
    if settings.find_unruled and lines:
        find_unruled_tables(page, lines, chars, free, strokes, found, taken, settings)
        lines = [line for line in lines if not _line_inside_any(line, taken)]
    pitch = typical_pitch([*(cell for _, by_cell in found for cell in by_cell.values()), lines])
    tables = [grid_to_page_table(grid, lines_by_cell, number, pitch) for grid, lines_by_cell in found]
    if closures:
        tables = [_with_open_sides(table, closures, settings.snap_tolerance) for table in tables]
    tables += [
        replace(grid_to_page_table(grid, lines_by_cell, number, pitch), open_top=True, open_bottom=True, mid_row=True)
        for grid, lines_by_cell in mid_rows
    ]
    bands = find_bands(lines, [table.bbox for table in tables])
    texts = [block for group in split_by_columns(lines, bands) for block in lines_to_text_blocks(group, number, pitch)]
    blocks: list[PageTable | TextBlock] = reading_order([*tables, *texts], bands)
    return PageContent(page=number, width=float(page.width), height=float(page.height), blocks=tuple(blocks))


def _mid_row_frames(page: Page, chars: Sequence[Char], taken: list[BBox], settings: PdfSettings) -> Found:
    """Frames of bare column rules open at both ends (:func:`ingest.pdf_ruled.open_column_frames`)
    clear of the tables found (``taken``), each read as one row of cells."""
    frames: Found = []
    for top, bottom, *xs in page_column_frames(page, settings.table_settings()):
        box = (xs[0], top, xs[-1], bottom)
        if any(_overlaps(box, other) for other in taken):
            continue
        grid = CellGrid(bbox=box, rows=(tuple((a, top, b, bottom) for a, b in zip(xs, xs[1:])),), strategy="lines")
        lines_by_cell, _ = read_grid(grid, chars, settings)
        if any(lines_by_cell.values()):
            frames.append((grid, lines_by_cell))
    return frames


def too_many_segments(page: Page, limit: int) -> bool:
    """More drawn segments than any table needs: finding ruled tables among them would take
    gigabytes (every segment becomes edges, every crossing a point), so the page is read
    without them. Counted from the parsed objects, before any edge is made."""
    objects = page.objects
    return sum(len(objects.get(kind, ())) for kind in ("line", "rect", "curve")) > limit


def _with_open_sides(table: PageTable, closures: Sequence[dict], tolerance: float) -> PageTable:
    if table.strategy != "lines":
        return table
    open_top, open_bottom = open_sides(table.bbox, closures, tolerance)
    return replace(table, open_top=open_top, open_bottom=open_bottom) if open_top or open_bottom else table


def find_ruled_tables(
    page: Page,
    chars: Sequence[Char],
    strokes: Sequence[BBox],
    settings: PdfSettings,
    closures: Sequence[dict] | None = None,
) -> Found:
    """pdfplumber's ruled grids that hold tables: not charts, not boxes round lines of prose
    (text left between the boxes, or one ragged box per line), refined by their text."""
    found: Found = []
    grids = find_ruled_grids(
        page, chars, settings.table_settings(), settings.min_sliver_width, settings.min_sliver_height, closures
    )
    for grid in grids:
        if looks_like_chart(grid.bbox, strokes, settings.max_chart_strokes):
            continue
        lines_by_cell, uncovered = read_grid(grid, chars, settings)
        if uncovered > settings.max_uncovered_share or is_text_highlight(grid, lines_by_cell):
            continue
        grid, lines_by_cell = split_spanning_cells(grid, lines_by_cell)
        grid, lines_by_cell = split_stacked_rows(grid, lines_by_cell)
        grid, lines_by_cell = split_text_rows(grid, lines_by_cell)
        grid, lines_by_cell = split_ruled_columns(grid, lines_by_cell)
        if is_data_table(grid, lines_by_cell, settings.min_filled_share):
            found.append((grid, lines_by_cell))
    return found


def find_unruled_tables(
    page: Page,
    lines: Sequence[TextLine],
    chars: Sequence[Char],
    free: Sequence[Char],
    strokes: Sequence[BBox],
    found: Found,
    taken: list[BBox],
    settings: PdfSettings,
) -> None:
    """Add the tables found by text alignment among the lines outside ruled tables to
    ``found`` (and their boxes to ``taken``); one that overlaps a ruled table may complete
    it (a table ruled only in part)."""
    rules = horizontal_rules(page, settings.min_rule_length)
    runs = lines_to_aligned_runs([line for line in lines if _upright(line)], settings.unruled)
    for run in (part for whole in runs for part in split_side_by_side(whole, rules, settings.unruled)):
        grid = run_to_grid(run, rules, settings.unruled)
        if grid is None or looks_like_chart(grid.bbox, strokes, settings.max_chart_strokes):
            continue
        overlapping = [i for i, box in enumerate(taken) if _overlaps(grid.bbox, box)]
        if not overlapping:
            lines_by_cell, _ = read_grid(grid, free, settings)
            if _is_text_table(grid, lines_by_cell):
                found.append((grid, lines_by_cell))
                taken.append(grid.bbox)
        elif len(overlapping) == 1 and found[overlapping[0]][0].strategy == "lines":
            _extend_partly_ruled(found, taken, overlapping[0], grid, chars, settings)


def _extend_partly_ruled(
    found: Found,
    taken: list[BBox],
    index: int,
    text_grid: CellGrid,
    chars: Sequence[Char],
    settings: PdfSettings,
) -> None:
    """Replace a ruled grid by its merge with an overlapping text-aligned grid (see
    :func:`ingest.pdf_refine.merge_partly_ruled`), read again from all the page's chars."""
    merged = merge_partly_ruled(found[index][0], text_grid)
    if merged is None:
        return
    lines_by_cell, _ = read_grid(merged, chars, settings)
    merged, lines_by_cell = split_stacked_rows(merged, lines_by_cell)
    found[index] = (merged, lines_by_cell)
    taken[index] = merged.bbox


def _upright(line: TextLine) -> bool:
    return line.bottom - line.top <= 2.5 * line.size


def read_grid(grid: CellGrid, chars: Sequence[Char], settings: PdfSettings) -> tuple[dict[Slot, list[TextLine]], float]:
    """The visual lines of each cell of a grid, and the share of the text inside the grid's
    box that no cell holds."""
    assigned = assign_chars_to_cells(grid, chars, settings.space_ratio)
    lines = {
        slot: chars_to_text_lines(cell_chars, settings.space_ratio) for slot, cell_chars in assigned.by_cell.items()
    }
    return lines, assigned.uncovered_share


def grid_to_page_table(
    grid: CellGrid, lines_by_cell: dict[Slot, list[TextLine]], page: int, pitch: float | None = None
) -> PageTable:
    """Cells from each cell's lines (joined into paragraphs), with page and box; for the last
    row, how much room each cell's last line left (to tell, when the row goes on over the
    page, whether its paragraph does)."""
    rows: list[Row] = []
    for r, grid_row in enumerate(grid.rows):
        row: list[Cell | None] = []
        for c, box in enumerate(grid_row):
            if box is None:
                row.append(None)
                continue
            cell_lines = lines_by_cell.get((r, c), [])
            right_limit = _inner_right(box, cell_lines)
            row.append(
                Cell(lines=text_lines_to_paragraphs(cell_lines, right_limit, pitch), page=page, bbox=_rounded(box))
            )
        rows.append(tuple(row))
    last = len(grid.rows) - 1
    tail_room = tuple(
        None
        if box is None
        else _room_left(lines_by_cell.get((last, c), []), _inner_right(box, lines_by_cell.get((last, c), [])))
        for c, box in enumerate(grid.rows[last])
    )
    tail_depth = tuple(
        None if box is None else _depth_left(lines_by_cell.get((last, c), []), box[3])
        for c, box in enumerate(grid.rows[last])
    )
    return PageTable(
        page=page,
        rows=tuple(rows),
        bbox=_rounded(grid.bbox),
        column_edges=grid.column_edges(),
        strategy=grid.strategy,
        tail_room=tail_room,
        tail_depth=tail_depth,
    )


def _depth_left(lines: Sequence[TextLine], bottom: float) -> float | None:
    """Empty height under the cell's last line, in its font sizes (see PageTable.tail_depth)."""
    if not lines:
        return None
    last = max(lines, key=lambda line: line.bottom)
    return max(bottom - last.bottom, 0.0) / max(last.size, 1.0)


def _room_left(lines: Sequence[TextLine], right_limit: float) -> tuple[float, float] | None:
    """(points left at the end of the cell's last line, mean glyph width on it)."""
    if not lines:
        return None
    last = max(lines, key=lambda line: line.top)
    letters = max(sum(len(word.text) for word in last.words), 1)
    return (right_limit - last.x1, (last.x1 - last.x0) / (letters + len(last.words) - 1))


def _is_text_table(grid: CellGrid, lines_by_cell: dict) -> bool:
    columns = {c for (_, c), lines in lines_by_cell.items() if lines}
    rows = {r for (r, _), lines in lines_by_cell.items() if lines}
    return len(columns) >= 2 and len(rows) >= 2


def _inner_right(box: BBox, lines: Sequence[TextLine]) -> float:
    """Where wrapped text in the cell breaks: its right edge less the padding on the left."""
    if not lines:
        return box[2]
    padding = min(max(min(line.x0 for line in lines) - box[0], 0.0), 8.0)
    return max(box[2] - padding, max(line.x1 for line in lines))


def _rounded(box: BBox) -> BBox:
    """The box to a hundredth of a point, each coordinate one object shared by every box
    at the same place: the cells of a column share their left and right edges, those of a
    row their top and bottom. A long plan's Document is mostly cell boxes, and without
    sharing a quarter of it is float objects that repeat the same few dozen values a page."""
    return (_coordinate(box[0]), _coordinate(box[1]), _coordinate(box[2]), _coordinate(box[3]))


def _coordinate(value: float) -> float:
    return _shared(round(value, 2) + 0.0)  # + 0.0: a float, and never -0.0


@lru_cache(maxsize=1024)
def _shared(value: float) -> float:
    """The first float seen with this value (a flyweight: floats are immutable)."""
    return value


def _inside_any(char: Char, boxes: Sequence[BBox]) -> bool:
    """Is the char's centre in one of the boxes (sideways, by up to its own width: a glyph
    sticking out of a table's edge is read with the table)?"""
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    reach = max(char["x1"] - char["x0"], 0.6 * (char.get("size") or 0.0))
    return any(x0 - reach <= x <= x1 + reach and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _line_inside_any(line: TextLine, boxes: Sequence[BBox]) -> bool:
    x = (line.x0 + line.x1) / 2
    y = (line.top + line.bottom) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def chart_strokes(page: Page) -> list[BBox]:
    """Boxes of the page's slanted lines and curves: plot lines, arrows and shapes of charts
    and diagrams, which tables (ruled square) do not have."""
    out = []
    for line in page.lines:
        if abs(line["x1"] - line["x0"]) > 1 and abs(line["bottom"] - line["top"]) > 1:
            out.append((line["x0"], line["top"], line["x1"], line["bottom"]))
    for curve in page.curves:
        if _is_square_path(curve):
            continue  # a rule or a box drawn as a path, as tables are
        if _is_mark(curve):
            continue  # a list bullet drawn as a disc (Chromium prints <ul> markers so)
        out.append((curve["x0"], curve["top"], curve["x1"], curve["bottom"]))
    return out


MAX_MARK_SIZE = 6.0
"""A curve no larger than this (points, both ways) is a mark the size of a glyph: a bullet
disc or a tick, not a chart's plot line or a diagram's shape."""


def _is_mark(curve: dict) -> bool:
    return curve["x1"] - curve["x0"] <= MAX_MARK_SIZE and curve["bottom"] - curve["top"] <= MAX_MARK_SIZE


MAX_BULLET_GAP = 3.0
"""Widest gap, in font sizes, between a bullet disc and the text it starts."""


def disc_bullet_chars(curves: Sequence[dict], chars: Sequence[Char]) -> list[Char]:
    """Bullet discs drawn as small filled curves (Chromium prints ``<ul>`` markers so), as
    "•" chars on the line of the text they start, so that the item reads as a bullet just
    as a typed bullet glyph does."""
    out: list[Char] = []
    for curve in curves:
        if not curve.get("fill") or not _is_mark(curve):
            continue
        middle = (curve["top"] + curve["bottom"]) / 2
        beside = [
            char
            for char in chars
            if char["top"] <= middle <= char["bottom"]
            and 0 <= char["x0"] - curve["x1"] <= MAX_BULLET_GAP * (char.get("size") or 1.0)
        ]
        if beside:
            neighbour = min(beside, key=lambda char: char["x0"])
            out.append(
                {
                    **neighbour,
                    "text": "\u2022",
                    "x0": curve["x0"],
                    "x1": curve["x1"],
                    "width": curve["x1"] - curve["x0"],
                }
            )
    return out


def _is_square_path(curve: dict) -> bool:
    x0, top, x1, bottom = curve["x0"], curve["top"], curve["x1"], curve["bottom"]
    if x1 - x0 <= 2 or bottom - top <= 2:
        return True
    points = curve.get("pts") or []
    return bool(points) and all(
        min(abs(x - x0), abs(x - x1)) < 1 and min(abs(y - top), abs(y - bottom)) < 1 for x, y in points
    )


def looks_like_chart(bbox: BBox, strokes: Sequence[BBox], limit: int) -> bool:
    """More than ``limit`` slanted lines or curves reaching into the box: a chart or diagram whose
    gridlines and labels look like a table (a rounded table border has four corner curves)."""
    x0, top, x1, bottom = bbox
    touching = sum(1 for a, b, c, d in strokes if a < x1 and c > x0 and b < bottom and d > top)
    return touching > limit


def horizontal_rules(page: Page, min_length: float) -> list[Rule]:
    """Horizontal lines and thin rectangles at least ``min_length`` long: (x0, y, x1)."""
    rules = []
    for edge in page.edges:
        if edge.get("orientation") == "h" and edge["x1"] - edge["x0"] >= min_length:
            rules.append((float(edge["x0"]), float(edge["top"]), float(edge["x1"])))
    return rules


def lines_to_text_blocks(lines: Sequence[TextLine], page: int, pitch: float | None = None) -> list[TextBlock]:
    """Narrative text, one block per paragraph as the text reader gives it: lines are first
    grouped where they follow closely one below the other (same size and weight, overlapping
    horizontally), then each group is cut into paragraphs."""
    groups: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda item: (item.top, item.x0)):
        if groups and _continues_block(groups[-1], line):
            groups[-1].append(line)
        else:
            groups.append([line])
    blocks = []
    for group in groups:
        for paragraph, members in group_paragraphs(group, pitch=pitch):
            bbox = (
                min(line.x0 for line in members),
                min(line.top for line in members),
                max(line.x1 for line in members),
                max(line.bottom for line in members),
            )
            blocks.append(TextBlock(lines=(paragraph,), page=page, bbox=_rounded(bbox)))
    return blocks


def _continues_block(group: Sequence[TextLine], line: TextLine) -> bool:
    last = group[-1]
    gap = line.top - last.bottom
    if gap > 0.8 * max(last.size, line.size) or gap < -0.5 * line.size:
        return False
    overlap = min(last.x1, line.x1) - max(last.x0, line.x0)
    sizes = sorted((last.size, line.size))
    # a heading (another size, or bold above plain) is a block of its own
    return overlap > 0 and sizes[1] <= 1.1 * max(sizes[0], 1.0) and last.bold == line.bold


def _unstitched(pages: Sequence[PageContent]) -> tuple[tuple, tuple[StitchNote, ...]]:
    """Document blocks with every page's tables kept apart (``stitch_pages=False``)."""
    blocks: list[Block] = []
    number = 0
    for page in pages:
        for block in page.blocks:
            if isinstance(block, PageTable) and block.mid_row:
                blocks.extend(mid_row_as_text(block))
            elif isinstance(block, PageTable):
                number += 1
                blocks.append(parts_to_table([block], number)[0])
            else:
                blocks.append(block)
    return tuple(blocks), ()


def stitch_metadata(notes: Sequence[StitchNote]) -> tuple[tuple[str, str], ...]:
    """Document metadata saying which tables were stitched across pages."""
    if not notes:
        return ()
    described = "; ".join(
        f"table {note.table}: pages {note.pages[0]}-{note.pages[-1]}"
        + (f", {note.rejoined_rows} split row(s) re-joined" if note.rejoined_rows else "")
        for note in notes
    )
    return (("pdf_stitched_tables", described),)
