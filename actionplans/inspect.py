"""See what the readers saw: per-page table descriptions, cells drawn on page images, and
every table as JSON Lines (the ICDAR 2013 scoring format of ``shared/eval/icdar_eval.py``).

Plain functions; the ``actionplans inspect`` command is a thin wrapper over them.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from actionplans.conversion import Settings, extract_with
from ingest.model import BBox, Cell, Document, Table, TextBlock, UnreadableFile
from ingest.pdf import PdfSettings, pages_to_document, read_page_contents, read_pdf_page_views
from ingest.pdf_stitch import PageTable

_PREVIEW = 40


def describe(path: Path | str) -> str:
    """What the reader saw in any supported file (PDFs get the per-page view of
    :func:`describe_pdf`)."""
    path = Path(path)
    if path.suffix.lower() == ".pdf" or _starts_like_pdf(path):
        return describe_pdf(path)
    from ingest import read_document

    try:
        document = read_document(path)
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


def draw_tables(path: Path | str, out_dir: Path | str, resolution: int = 72, settings: PdfSettings = PdfSettings()) -> list[Path]:
    """One PNG per page with the detected table cells drawn (pdfplumber's page images):
    ruled tables in red, unruled (text-aligned) tables in blue, text blocks in grey.
    Returns the files written, ``<stem>_p<page>.png`` in ``out_dir``."""
    import pdfplumber

    path, out_dir = Path(path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {page.page: (page, unturn) for page, unturn in read_pdf_page_views(path, settings)}
    written = []
    with pdfplumber.open(path, password=settings.password) as pdf:
        for page in pdf.pages:
            content, unturn = contents.get(page.page_number, (None, None))
            image = page.to_image(resolution=resolution)
            if content is not None:
                for block in content.blocks:
                    if isinstance(block, PageTable):
                        colour = (220, 30, 30) if block.strategy == "lines" else (30, 60, 220)
                        boxes = [unturn(cell.bbox) for row in block.rows for cell in row if cell is not None and cell.bbox]
                        image.draw_rects(boxes, stroke=colour, fill=colour + (30,), stroke_width=1)
                    elif block.bbox:
                        image.draw_rect(unturn(block.bbox), stroke=(120, 120, 120), fill=(120, 120, 120, 20), stroke_width=1)
            target = out_dir / f"{path.stem}_p{page.page_number:03d}.png"
            image.save(target)
            written.append(target)
            page.close()
    return written


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

    for table in read_document(path).tables:
        rows = [[None if cell is None else cell.text for cell in row] for row in table.rows]
        yield {"document": path.stem, "page": table.page, "bbox": list(table.bbox) if table.bbox else None, "rows": rows}


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
    from extract.tables import document_to_rows, find_header, header_to_map
    from ingest import read_document

    try:
        document = read_document(path)
    except UnreadableFile as error:
        return f"  extract: nothing to extract ({error.reason})"
    lines = ["  extract:"]
    shown = ""
    repeats = []
    for table in document.tables:
        rows = [tuple(row) for row in table.rows]
        span = find_header(rows, settings.headers)
        if not span:
            continue
        column_map = header_to_map(rows, span, rows[span[1] + 1:], settings.headers)
        mapped = ", ".join(f"{label or '(no header)'} -> {name or 'unmapped'}" for label, name in zip(column_map.labels, column_map.fields))
        if mapped == shown:
            repeats.append(str(table.index))
            continue
        shown = mapped
        lines.append(f"    reader table {table.index} (page {table.page or '-'}): header rows {span[0] + 1}-{span[1] + 1}: {mapped}")
    if repeats:
        lines.append(f"    the same header repeated in reader tables {', '.join(repeats)} (dropped from the data)")
    walk = document_to_rows(document, settings.headers)
    extraction = extract_with(document, settings)
    per_table = Counter(row.table for row in walk.rows)
    for table, count in sorted(per_table.items()):
        actions = sum(1 for action in extraction.actions if action.provenance.table == table)
        lines.append(f"    logical table {table}: {count} stitched rows -> {actions} actions")
    codes = Counter(issue.code for issue in extraction.issues) + Counter(code for action in extraction.actions for code, _ in action.issues)
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
