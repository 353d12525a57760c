"""Reader for text exports: one table row per line, cells separated by TABs.

Consecutive lines that contain a TAB form a table; a blank line or a line without a TAB ends
it. Lines without a TAB are narrative text blocks (titles, glossary lines, leads lists).
Cells may carry HTML, parsed by :func:`ingest.htmltext.html_to_lines`.
"""

from __future__ import annotations

from pathlib import Path

from ingest.decode import decode_bytes
from ingest.htmltext import html_to_lines
from ingest.model import Block, Cell, Document, Issue, Table, TextBlock, UnreadableFile


def read_text_export(path: Path, data: bytes | None = None, sha256: str = "") -> Document:
    """Read a TAB-separated text export into a :class:`Document`."""
    raw = path.read_bytes() if data is None else data
    text, encoding = decode_bytes(raw)
    issues: tuple[Issue, ...] = ()
    if encoding not in ("utf-8", "ascii", "utf-8-sig"):
        issues = (Issue.from_reader("decoded-encoding", f"file is not UTF-8; decoded as {encoding}"),)
    blocks = lines_to_blocks(split_rows(text))
    if not any(isinstance(block, Table) for block in blocks):
        raise UnreadableFile("no tables found (no TAB-separated rows)", status="skipped")
    return Document(name=path.name, format="text", blocks=blocks, sha256=sha256, issues=issues)


def split_rows(text: str) -> list[str]:
    r"""The file's rows: split on ``\n`` and ``\r\n`` only.

    Not ``str.splitlines()``, which also splits on vertical tab, form feed, ``\x1c``-``\x1e``,
    NEL and U+2028/U+2029: characters that turn up inside cells and would cut a row in two.
    A file with no ``\n`` at all (old Mac exports) is split on ``\r``.

    >>> split_rows("a\tb\x0bc\r\nd\te\n")
    ['a\tb\x0bc', 'd\te']
    """
    separator = "\n" if "\n" in text else "\r"
    rows = text.split(separator)
    if rows and rows[-1] == "":
        rows.pop()
    return [row[:-1] if separator == "\n" and row.endswith("\r") else row for row in rows]


def lines_to_blocks(lines: list[str]) -> tuple[Block, ...]:
    """Group raw lines into tables (runs of TAB lines) and text blocks (other lines)."""
    blocks: list[Block] = []
    run: list[str] = []
    table_index = 0

    def close_run() -> None:
        nonlocal table_index, run
        if run:
            table_index += 1
            blocks.append(_rows_to_table(run, table_index))
            run = []

    for line in lines:
        if "\t" in line and line.strip():
            run.append(line)
            continue
        close_run()
        parsed = html_to_lines(line)
        if parsed:
            blocks.append(TextBlock(lines=parsed))
    close_run()
    return tuple(blocks)


def _rows_to_table(lines: list[str], index: int) -> Table:
    rows = tuple(tuple(Cell(lines=html_to_lines(cell)) for cell in line.split("\t")) for line in lines)
    width = max(len(row) for row in rows)
    padded = tuple(row + tuple(Cell() for _ in range(width - len(row))) for row in rows)
    return Table(index=index, rows=_trim_empty_columns(padded))


def _trim_empty_columns(rows: tuple[tuple[Cell, ...], ...]) -> tuple[tuple[Cell, ...], ...]:
    """Drop trailing columns that are empty in every row (exports pad rows with TABs)."""
    width = max(len(row) for row in rows)
    while width > 1 and all(row[width - 1] is None or row[width - 1].is_empty for row in rows):
        width -= 1
    return tuple(row[:width] for row in rows)
