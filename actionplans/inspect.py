"""See what the readers saw: per-page table descriptions, cells drawn on page images, and
every table as JSON Lines (the ICDAR 2013 scoring format of ``shared/eval/icdar_eval.py``).

Plain functions; the ``actionplans inspect`` command is a thin wrapper over them.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from actionplans.conversion import Settings, extract_with, read_with
from ingest.model import BBox, Cell, Document, Table, TextBlock, UnreadableFile
from ingest.pdf import PdfSettings, iter_pages, open_pdf, pages_to_document, read_page_contents, read_pdf_page_views
from ingest.pdf_stitch import PageTable

_PREVIEW = 40


def describe(path: Path | str, settings: Settings = Settings()) -> str:
    """What the reader saw in any supported file (PDFs get the per-page view of
    :func:`describe_pdf`)."""
    path = Path(path)
    if path.suffix.lower() == ".pdf" or _starts_like_pdf(path):
        return describe_pdf(path, settings.pdf)
    try:
        document = read_with(path, settings)
    except UnreadableFile as error:
        return f"{path.name}: unreadable ({error.reason})"
    return "\n".join([f"{path.name}: {document.format}", *_describe_document(document)])


def describe_pdf(path: Path | str, settings: PdfSettings = PdfSettings()) -> str:
    """Per page: each table with its strategy (ruled "lines" or unruled "text"), bbox,
    row x column counts and first cells; the number of text blocks. Then the document as
    stitched (tables joined across pages, split rows re-joined) and its issues.

    >>> print(describe_pdf("tests/fixtures/pdf/split_row_no_header_repeat.pdf"))  # doctest: +SKIP
    split_row_no_header_repeat.pdf: 2 page(s)
      page 1: 1 table(s), 2 text block(s)
        table lines bbox=(36.0, 36.0, 736.0, 558.0) 29 rows x 3 columns: Ref | Action | Lead
      page 2: 1 table(s), 2 text block(s)
        table lines bbox=(36.0, 36.0, 736.0, 84.0) 2 rows x 3 columns:  | partners, train the auditors, and repor… |
      document:
        table 1 (pages 1-2): 30 rows x 3 columns
        pdf_stitched_tables: table 1: pages 1-2, 1 split row(s) re-joined
    """
    path = Path(path)
    try:
        pages, issues, page_count = read_page_contents(path, settings)
    except UnreadableFile as error:
        return f"{path.name}: unreadable ({error.reason})"
    out = [f"{path.name}: {page_count} page(s)"]
    for page in pages:
        tables = [block for block in page.blocks if isinstance(block, PageTable)]
        texts = [block for block in page.blocks if isinstance(block, TextBlock)]
        out.append(f"  page {page.page}: {len(tables)} table(s), {len(texts)} text block(s)")
        for table in tables:
            width = max((len(row) for row in table.rows), default=0)
            first = " | ".join(_preview(cell) for cell in table.rows[0]) if table.rows else ""
            out.append(
                f"    table {table.strategy} bbox={tuple(round(v, 1) for v in table.bbox)} "
                f"{len(table.rows)} rows x {width} columns: {first}"
            )
    document = pages_to_document(path.name, pages, page_count, issues=issues, settings=settings)
    out.append("  document:")
    out.extend("  " + line for line in _describe_document(document))
    return "\n".join(out)


def _describe_document(document: Document) -> list[str]:
    out = []
    for block in document.blocks:
        if isinstance(block, Table):
            pages = sorted({cell.page for row in block.rows for cell in row if cell is not None and cell.page})
            span = f"pages {pages[0]}-{pages[-1]}" if len(pages) > 1 else f"page {block.page}"
            out.append(f"  table {block.index} ({span}): {len(block.rows)} rows x {block.n_columns} columns")
    for key, value in document.metadata:
        out.append(f"  {key}: {value}")
    for issue in document.issues:
        where = f" (page {issue.page})" if issue.page else ""
        out.append(f"  issue {issue.code}{where}: {issue.message}")
    if not document.tables:
        out.append("  no tables")
    return out


def _preview(cell: Cell | None) -> str:
    if cell is None:
        return "·"
    text = " ".join(cell.text.split())
    return text if len(text) <= _PREVIEW else text[: _PREVIEW - 1] + "…"


def _starts_like_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"%PDF-" in handle.read(1024)
    except OSError:
        return False


@dataclass(frozen=True)
class Mark:
    """One thing to draw on a page: a box on the page as printed, what it is (``table``,
    ``header``, ``action``, ``cell``, ``text``) and a short label ("" for none)."""

    page: int
    box: BBox
    kind: str
    label: str = ""


_COLOURS = {
    "cell": (220, 30, 30),
    "text-cell": (30, 60, 220),
    "text": (120, 120, 120),
    "header": (230, 140, 0),
    "action": (0, 150, 60),
    "table": (120, 0, 160),
}


def page_marks(
    path: Path | str, settings: PdfSettings = PdfSettings(), extract_settings: Settings = Settings()
) -> list[Mark]:
    """What :func:`draw_tables` draws, as data: every cell the reader found (``cell`` for
    ruled tables, ``text-cell`` for text-aligned ones), text blocks, and from the extraction:
    each document table's number on its first piece of each page (``table``, "T3"), its
    header cells labelled with the field each column mapped to (``header``, "lead"), and the
    rows that became actions (``action``, "A12"). Raises :class:`UnreadableFile`."""
    path = Path(path)
    views = list(read_pdf_page_views(path, settings))
    unturns = {content.page: unturn for content, unturn in views}
    marks: list[Mark] = []
    for content, unturn in views:
        for block in content.blocks:
            if isinstance(block, PageTable):
                kind = "cell" if block.strategy == "lines" else "text-cell"
                marks.extend(
                    Mark(content.page, unturn(cell.bbox), kind)
                    for row in block.rows
                    for cell in row
                    if cell is not None and cell.bbox
                )
            elif block.bbox:
                marks.append(Mark(content.page, unturn(block.bbox), "text"))
    pages = [content for content, _ in views]
    document = pages_to_document(path.name, pages, len(pages), settings=settings)
    marks.extend(_extraction_marks(document, extract_settings, unturns))
    return marks


def _extraction_marks(document: Document, settings: Settings, unturns: dict) -> list[Mark]:
    """Table numbers, mapped header cells and action rows of a read document."""
    from extract.tables import find_header, header_to_map

    marks: list[Mark] = []
    action_keys = _action_keys(document, settings)
    for table in document.tables:
        rows = [tuple(row) for row in table.rows]
        labelled: set[int] = set()
        for row in rows:
            for cell in row:
                if cell is not None and cell.page and cell.bbox and cell.page not in labelled:
                    labelled.add(cell.page)
                    marks.append(Mark(cell.page, _unturned(cell, unturns), "table", f"T{table.index}"))
        span = find_header(rows, settings.headers, walk=settings.walk)
        if span:
            column_map = header_to_map(rows, span, rows[span[1] + 1 :], settings.headers, walk=settings.walk)
            for r in range(span[0], span[1] + 1):
                for c, cell in enumerate(rows[r]):
                    if cell is not None and cell.page and cell.bbox:
                        name = column_map.field_of(c) or "unmapped" if r == span[1] else ""
                        marks.append(Mark(cell.page, _unturned(cell, unturns), "header", name))
        first_data = span[1] + 1 if span else 0
        for row in rows[first_data:]:
            number = _action_number(row, action_keys)
            if number is None:
                continue
            boxes = [
                (cell.page, _unturned(cell, unturns)) for cell in row if cell is not None and cell.page and cell.bbox
            ]
            for page in sorted({page for page, _ in boxes}):
                on_page = [box for p, box in boxes if p == page]
                union = (
                    min(b[0] for b in on_page),
                    min(b[1] for b in on_page),
                    max(b[2] for b in on_page),
                    max(b[3] for b in on_page),
                )
                marks.append(Mark(page, union, "action", f"A{number}"))
    return marks


def _unturned(cell: Cell, unturns: dict) -> BBox:
    unturn = unturns.get(cell.page)
    assert cell.bbox is not None  # callers pass only cells with a box
    return unturn(cell.bbox) if unturn is not None else cell.bbox


def _squeezed(text: str) -> str:
    return "".join(text.split()).lower()


def _action_keys(document: Document, settings: Settings) -> list[tuple[int, str]]:
    """(action number, start of its action or ref text without spaces) for every action."""
    try:
        actions = extract_with(document, settings).actions
    except Exception:  # a drawing never fails on an extraction problem
        return []
    keys = []
    for number, action in enumerate(actions, start=1):
        text = _squeezed(action.action or action.ref)
        if text:
            keys.append((number, text[:40]))
    return keys


def _action_number(row: Sequence[Cell | None], keys: Sequence[tuple[int, str]]) -> int | None:
    """The first action whose text starts inside one of the row's cells."""
    cells = [_squeezed(cell.text) for cell in row if cell is not None and cell.text.strip()]
    for number, key in keys:
        if any(key in cell or (len(cell) >= 8 and key.startswith(cell)) for cell in cells):
            return number
    return None


def draw_tables(
    path: Path | str,
    out_dir: Path | str,
    resolution: int = 72,
    settings: PdfSettings = PdfSettings(),
    extract_settings: Settings = Settings(),
) -> list[Path]:
    """One PNG per page with what the reader saw (see :func:`page_marks`): ruled cells in red,
    text-aligned cells in blue, text blocks in grey, header cells in orange labelled with
    their field, action rows outlined in green ("A12"), table numbers in purple ("T3").
    Returns the files written, ``<stem>_p<page>.png`` in ``out_dir``; none for a file that
    cannot be read (:func:`describe` says why)."""
    path, out_dir = Path(path), Path(out_dir)
    try:
        marks = page_marks(path, settings, extract_settings)
    except UnreadableFile:
        return []
    by_page: dict[int, list[Mark]] = {}
    for mark in marks:
        by_page.setdefault(mark.page, []).append(mark)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with open_pdf(path, settings) as pdf:
        for page in iter_pages(pdf):
            try:
                image = _render(page, by_page.get(page.page_number, []), resolution)
            except Exception:  # a page that cannot be rendered is left out, the rest drawn
                continue
            finally:
                page.close()
            target = out_dir / f"{path.stem}_p{page.page_number:03d}.png"
            image.save(target)
            written.append(target)
    return written


def _render(page, marks: Sequence[Mark], resolution: int):
    """The page as an image with the marks drawn (PIL, boxes in page points)."""
    from PIL import ImageDraw

    page_image = page.to_image(resolution=resolution)  # the crop box, as a viewer shows it
    image = page_image.original.convert("RGB")
    scale = float(page_image.scale)
    x_origin, y_origin = float(page_image.bbox[0]), float(page_image.bbox[1])
    overlay = image.copy()
    draw = ImageDraw.Draw(overlay, "RGBA")
    order = ("text", "cell", "text-cell", "header", "action", "table")
    for kind in order:
        colour = _COLOURS[kind]
        for mark in marks:
            if mark.kind != kind:
                continue
            x0, top, x1, bottom = (
                (mark.box[0] - x_origin) * scale,
                (mark.box[1] - y_origin) * scale,
                (mark.box[2] - x_origin) * scale,
                (mark.box[3] - y_origin) * scale,
            )
            fill = colour + (40,) if kind in ("header", "text-cell", "cell", "text") else None
            width = 2 if kind in ("action", "table") else 1
            if kind != "table":
                draw.rectangle((x0, top, x1, bottom), outline=colour + (255,), fill=fill, width=width)
            if mark.label:
                corner = {"action": (x1, top), "table": (x0, max(top - 12, 0))}.get(kind, (x0 + 12, top))
                _label(draw, corner, mark.label, colour, right=kind == "action")
    return overlay


def _label(draw, at: tuple[float, float], text: str, colour: tuple[int, int, int], right: bool = False) -> None:
    """A small label with a white background at a box's top-left (or top-right) corner."""
    x, y = at
    left, top, right_edge, bottom = draw.textbbox((0, 0), text)
    width, height = right_edge - left, bottom - top
    if right:
        x -= width + 2
    draw.rectangle((x, y, x + width + 2, y + height + 2), fill=(255, 255, 255, 220), outline=colour + (255,))
    draw.text((x + 1, y), text, fill=colour + (255,))


def page_table_record(document: str, table: PageTable, unturn: Callable[[BBox], BBox] | None = None) -> dict:
    """One JSON Lines record: a table as found on one page, pdfplumber-style rows; its box
    on the page as printed (``unturn`` maps it back from a page read turned)."""
    bbox = unturn(table.bbox) if unturn is not None else table.bbox
    return {
        "document": document,
        "page": table.page,
        "bbox": [round(value, 2) for value in bbox],
        "rows": [[None if cell is None else cell.text for cell in row] for row in table.rows],
    }


def tables_of(path: Path, settings: PdfSettings = PdfSettings()) -> Iterator[dict]:
    """JSON Lines records of every table in a file: per page for PDFs (a table continued over
    pages gives one record per page), per table for other formats (page and bbox null)."""
    if path.suffix.lower() == ".pdf" or _starts_like_pdf(path):
        for page, unturn in read_pdf_page_views(path, settings):
            for block in page.blocks:
                if isinstance(block, PageTable):
                    yield page_table_record(path.stem, block, unturn)
        return
    from ingest import read_document

    for table in read_document(path, settings).tables:
        rows = [[None if cell is None else cell.text for cell in row] for row in table.rows]
        yield {
            "document": path.stem,
            "page": table.page,
            "bbox": list(table.bbox) if table.bbox else None,
            "rows": rows,
        }


def write_tables_jsonl(paths: Iterable[Path | str], out_path: Path | str, settings: PdfSettings = PdfSettings()) -> int:
    """Write every table the readers find in ``paths`` to ``out_path`` as JSON Lines:
    ``{"document": stem, "page": 1-based, "bbox": [x0, top, x1, bottom], "rows": [[text or
    null]]}``, one line per table per page. An unreadable file becomes a ``# stem: reason``
    comment line (the ICDAR scorer skips those). Returns the number of tables written."""
    count = 0
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as handle:
        for path in map(Path, paths):
            try:
                records = list(tables_of(path, settings))
            except UnreadableFile as error:
                handle.write(f"# {path.stem}: {error.reason}\n")
                continue
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    return count


def describe_extraction(path: Path, settings: Settings = Settings()) -> str:
    """What extract made of a file: logical tables with their header map, rows and actions
    per table, and the issues raised (by code, with the first few values)."""
    from extract.tables import document_to_rows, find_content_header, find_header, header_to_map

    try:
        document = read_with(path, settings)
    except UnreadableFile as error:
        return f"  extract: nothing to extract ({error.reason})"
    lines = ["  extract:"]
    shown = ""
    repeats = []
    for table in document.tables:
        rows = [tuple(row) for row in table.rows]
        span = find_header(rows, settings.headers, walk=settings.walk)
        found_by = ""
        if not span:
            span = find_content_header(rows, settings.headers, walk=settings.walk)
            found_by = " (found by content)"
        if not span:
            continue
        column_map = header_to_map(rows, span, rows[span[1] + 1 :], settings.headers, walk=settings.walk)
        mapped = "; ".join(
            f"{label or '(no header)'} -> {name or 'unmapped'}"
            for label, name in zip(column_map.labels, column_map.fields)
        )
        if mapped == shown:
            repeats.append(str(table.index))
            continue
        shown = mapped
        lines.append(
            f"    reader table {table.index} (page {table.page or '-'}): header rows {span[0] + 1}-{span[1] + 1}{found_by}:"
        )
        for label, name, choice in zip(column_map.labels, column_map.fields, column_map.choices):
            evidence = f" ({choice.describe()})" if choice is not None else ""
            lines.append(f"      {label or '(no header)'} -> {name or 'unmapped'}{evidence}")
    if repeats:
        lines.append(f"    the same header repeated in reader tables {', '.join(repeats)} (dropped from the data)")
    walk = document_to_rows(document, settings.headers, settings.walk)
    extraction = extract_with(document, settings)
    per_table = Counter(row.table for row in walk.rows)
    for table_index, count in sorted(per_table.items()):
        actions = sum(1 for action in extraction.actions if action.provenance.table == table_index)
        lines.append(f"    logical table {table_index}: {count} stitched rows -> {actions} actions")
    codes = Counter(issue.code for issue in extraction.issues) + Counter(
        issue.code for action in extraction.actions for issue in action.issues
    )
    for code, count in codes.most_common():
        examples = [issue.value[:60] for issue in extraction.issues if issue.code == code and issue.value][:2]
        lines.append(f"    issue {code}: {count}" + (f" (e.g. {'; '.join(examples)})" if examples else ""))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m actionplans.inspect FILE...``: print :func:`describe` for each file."""
    for name in argv if argv is not None else sys.argv[1:]:
        print(describe(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
