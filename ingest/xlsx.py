"""Reader for Excel workbooks (``.xlsx``, ``.xlsm``) with openpyxl.

* **Sheets**: every sheet with text is read in workbook order. When several sheets hold
  tables, each sheet's name (unless it is Excel's default, "Sheet1") heads its blocks as a
  bold text block: trackers name sheets after what they hold ("Open actions", "Closed
  actions"). A single sheet's name is only kept in the metadata, so the plan's own title
  rows title the document and no sheet name is read as an area. Its rows then become
  tables by :func:`ingest.grid.grid_to_blocks` (a blank row ends a table).
* **Merged cells** are honoured as the model expects: the value sits at the top-left position
  and the positions the merge covers are ``None``. Rows and columns with no text at all are
  left out (a run of empty rows stays as one, which ends a table), so a stray value far
  down a sheet costs nothing. openpyxl only reports merges in its normal
  mode, which holds the whole workbook in memory; a workbook whose sheets expand beyond
  :data:`MAX_FULL_LOAD_MB` is read in read-only (streaming) mode instead, where a merge shows
  as its value followed by empty cells.
* **Values**: formulas are read as the values Excel last computed and saved
  (``data_only=True``); a formula with no saved value (a file written by a program that never
  computed it) is reported as ``uncomputed-formula`` with its text. Text that begins with
  ``=``, ``+``, ``-`` or ``@`` is text, never evaluated. Bold cells keep bold lines.
* **Dates**: a date cell is written at the precision its number format prints, in a form the
  timescale parser reads exactly: a day format (``dd/mm/yyyy``, ``d-mmm-yy``) as ISO
  ``2024-09-30``; a month format (``mmm-yy``, ``mmmm yyyy``) as ``September 2024``; a year
  format as ``2024``. So a cell printed "Sep-24" gives due date ``2024-09``, as its printed
  text would, not a day the plan never named. Numbers print without float noise
  (``3.0`` -> ``3``), percentages as printed (``0.86`` -> ``86%``).
* **This tool's own output** (a workbook with a sheet whose header is snake_case column
  names including ``document``, as in ``dataset.xlsx``) is skipped whole, so re-converting a folder that holds an earlier run's
  output does not read it back as plans.
* **Bad files**: a password-protected workbook (an OLE container holding an encrypted
  package), a damaged zip or workbook XML, a part declaring a DTD (external entities), or a
  zip bomb get a one-line reason.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

from ingest.docx import DEFAULT_LIMITS, OLE_MAGIC, check_expansion
from ingest.grid import DATASET_OUTPUT_REASON, grid_to_blocks, is_dataset_output
from ingest.model import Block, Document, Issue, Line, Table, TextBlock, UnreadableFile
from ingest.settings import PackageLimits

MAX_FULL_LOAD_MB = 20
"""Sheets expanding beyond this are streamed (read-only mode: merges not reported)."""
_MB = 1024 * 1024
MAX_MERGE_ROWS = 10_000
"""A merge is followed this many rows down at most (a whole-column merge is formatting)."""
_DEFAULT_SHEET_NAME = re.compile(r"^sheet\s*\d*$", re.I)
_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
_DTD_MARKERS = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
XLS_REASON = (
    "old binary Excel .xls is not supported: save it as .xlsx (Excel: File > Save As; "
    "or `libreoffice --headless --convert-to xlsx FILE.xls`)"
)


def read_xlsx(
    path: Path, data: bytes | None = None, sha256: str = "", limits: PackageLimits = DEFAULT_LIMITS
) -> Document:
    """Read an Excel workbook into a :class:`Document` (see the module docstring)."""
    path = Path(path)
    raw = path.read_bytes() if data is None else data
    sheet_bytes, has_formulas = check_workbook_package(raw, limits)
    full_load = sheet_bytes <= MAX_FULL_LOAD_MB * _MB
    workbook = _load(raw, read_only=not full_load, data_only=True)
    issues: list[Issue] = []
    sheets: list[tuple[str, tuple[Block, ...]]] = []
    tables = outputs = 0
    try:
        uncomputed = _uncomputed_formulas(raw) if has_formulas else {}
        for sheet in workbook.worksheets:
            grid, bold, filled = sheet_to_grid(sheet, merged=full_load)
            if grid and is_dataset_output(grid[0]):
                outputs += 1
                continue
            for (row, column), formula in uncomputed.get(sheet.title, {}).items():
                if (row, column) not in filled:
                    issues.append(
                        Issue.from_reader(
                            "uncomputed-formula",
                            f"{sheet.title}!{_cell_name(row, column)}: formula with no saved value (open and save the workbook in Excel)",
                            value=formula,
                        )
                    )
            sheet_blocks = title_rows_to_text(grid_to_blocks(grid, first_index=tables + 1, bold=bold))
            tables += sum(isinstance(block, Table) for block in sheet_blocks)
            if sheet_blocks:
                sheets.append((sheet.title, sheet_blocks))
    finally:
        if not full_load:
            workbook.close()
    if outputs:  # its other sheets (the README sheet) describe the dataset, not a plan
        raise UnreadableFile(DATASET_OUTPUT_REASON, status="skipped")
    if not tables:
        raise UnreadableFile("no tables found in the workbook (every sheet is empty)", status="skipped")
    blocks = sheets_to_blocks(sheets)
    title = (workbook.properties.title or "").strip() if workbook.properties else ""
    sheet_names = ("sheets", "; ".join(name for name, _ in sheets))
    metadata = (("title", title), sheet_names) if title else (sheet_names,)
    return Document(
        name=path.name, format="xlsx", blocks=blocks, sha256=sha256, issues=tuple(issues), metadata=metadata
    )


def title_rows_to_text(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A sheet's title lines typed straight above its first table, in the first column only
    ("SEND improvement plan", "Version 4, 3 March 2025"), are narrative like a document's
    title lines, not rows: so the plan's own date and title are found in them. Only the
    sheet's first table, and never its last row (a table of one row stays a table)."""
    first = next((index for index, block in enumerate(blocks) if isinstance(block, Table)), None)
    if first is None:
        return blocks
    table = blocks[first]
    assert isinstance(table, Table)
    lead = 0
    while lead < len(table.rows) - 1 and _title_row(table.rows[lead]):
        lead += 1
    if not lead:
        return blocks
    titles = tuple(TextBlock(lines=row[0].lines) for row in table.rows[:lead] if row[0] is not None)
    rest = replace(table, rows=table.rows[lead:])
    return blocks[:first] + titles + (rest,) + blocks[first + 1 :]


def _title_row(row) -> bool:
    return (
        bool(row)
        and row[0] is not None
        and not row[0].is_empty
        and all(cell is None or cell.is_empty for cell in row[1:])
    )


def sheets_to_blocks(sheets: list[tuple[str, tuple[Block, ...]]]) -> tuple[Block, ...]:
    """All sheets' blocks in order; each sheet's name heads its blocks when several sheets
    hold tables ("Open actions", "Closed actions" tell the tables apart). A single sheet's
    name stays out of the text: a text block above a table reads as its area, and the plan's
    own title rows, not "Action plan", should title the document."""
    with_tables = [name for name, blocks in sheets if any(isinstance(block, Table) for block in blocks)]
    blocks: list[Block] = []
    for name, sheet_blocks in sheets:
        name = name.strip()
        if len(with_tables) > 1 and name and not _DEFAULT_SHEET_NAME.match(name):
            blocks.append(TextBlock(lines=(Line(name, bold=True),)))
        blocks.extend(sheet_blocks)
    return tuple(blocks)


def check_workbook_package(data: bytes, limits: PackageLimits = DEFAULT_LIMITS) -> tuple[int, bool]:
    """Refuse encrypted, damaged and bomb-like packages; return (sheet XML bytes, has formulas)."""
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile(ole_workbook_reason(data))
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFile(
            "not a valid .xlsx (damaged zip archive)"
            if data.startswith(b"PK")
            else "not a valid .xlsx (not a zip archive)"
        ) from None
    with archive:
        members = archive.infolist()
        check_expansion(members, limits)
        if any(member.flag_bits & 0x1 for member in members):
            raise UnreadableFile("password-protected Excel workbook (encrypted zip)")
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names:
            raise UnreadableFile("not an Excel workbook (no xl/workbook.xml part)")
        sheets = [
            member
            for member in members
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
        ]
        has_formulas = False
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            try:
                content = archive.read(member)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
                raise UnreadableFile(
                    f"not a valid .xlsx (damaged zip member {member.filename}: {_one_line(error)})"
                ) from None
            if any(marker in content for marker in _DTD_MARKERS):
                raise UnreadableFile(
                    f"refused: {member.filename} declares a DTD (external entities are not allowed in .xlsx)"
                )
            if member in sheets and not has_formulas:
                has_formulas = bool(_FORMULA_ELEMENT.search(content))
        return sum(member.file_size for member in sheets), has_formulas


def ole_workbook_reason(data: bytes) -> str:
    """Why an OLE compound file cannot be read as .xlsx: encrypted OOXML or old binary .xls."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "password-protected Excel workbook: remove the password (File > Info > Protect Workbook) and save again"
    return XLS_REASON


def _load(data: bytes, read_only: bool, data_only: bool):
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions, data validation...
            return load_workbook(BytesIO(data), read_only=read_only, data_only=data_only, keep_links=False)
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl raises many types for a damaged part
        raise UnreadableFile(f"damaged Excel workbook ({type(error).__name__}: {_one_line(error)})") from None


def sheet_to_grid(sheet, merged: bool) -> tuple[list[list[str | None]], list[list[bool]], set[tuple[int, int]]]:
    """A worksheet's cells as rows of text (``None`` under a merge), their bold flags, and the
    (row, column) positions that hold text."""
    values: dict[tuple[int, int], tuple[str, bool]] = {}
    for row, column, cell in _cells(sheet):
        text = cell_text(cell.value, getattr(cell, "number_format", "General"))
        if text.strip():
            values[(row, column)] = (text, bool(cell.font and cell.font.b))
    covered: set[tuple[int, int]] = set()
    if merged:
        for merge in sheet.merged_cells.ranges:
            if (merge.min_row, merge.min_col) not in values:
                continue  # an empty merge covers nothing that matters
            covered.update(_covered_positions(merge))
    if not values:
        return [], [], set()
    # Only rows and columns that hold text: a stray value in XFD1048576 must not make a grid
    # of a million rows. A run of empty rows still ends a table, so it stays as one blank row.
    columns = sorted({column for _, column in values})
    grid: list[list[str | None]] = []
    bold: list[list[bool]] = []
    previous = None
    for row in sorted({row for row, _ in values}):
        if previous is not None and row > previous + 1:
            grid.append([""] * len(columns))
            bold.append([False] * len(columns))
        grid.append(
            [None if (row, column) in covered else values.get((row, column), ("", False))[0] for column in columns]
        )
        bold.append([values.get((row, column), ("", False))[1] for column in columns])
        previous = row
    return grid, bold, set(values)


def _covered_positions(merge) -> Iterator[tuple[int, int]]:
    """Positions a merge covers besides its top-left cell, bounded by the sheet's real size."""
    rows = range(merge.min_row, min(merge.max_row, merge.min_row + MAX_MERGE_ROWS) + 1)
    for row in rows:
        for column in range(merge.min_col, merge.max_col + 1):
            if (row, column) != (merge.min_row, merge.min_col):
                yield row, column


def _cells(sheet) -> Iterator[tuple[int, int, Any]]:
    if hasattr(sheet, "_cells"):  # normal mode: only the cells the file stores, not max_row x max_column
        for (row, column), cell in sheet._cells.items():
            if cell.value is not None:
                yield row, column, cell
        return
    sheet.reset_dimensions()  # read-only: the saved dimension may be wrong; read every row
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            if getattr(cell, "value", None) is not None:
                yield cell.row, cell.column, cell


def cell_text(value: Any, number_format: str = "General") -> str:
    """A cell value as the text the plan shows (see the module docstring for dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return date_text(value, number_format)
    if isinstance(value, dt.date):
        return date_text(dt.datetime(value.year, value.month, value.day), number_format)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        return number_text(value, number_format)
    return str(value)


def date_precision(number_format: str) -> str:
    """'day', 'month' or 'year': the finest date part a number format prints."""
    code = _QUOTED.sub("", (number_format or "").lower())
    if "d" in code:
        return "day"
    if "m" in code.replace("h:mm", "").replace("mm:ss", ""):
        return "month"
    if "y" in code:
        return "year"
    return "day"  # "General" or a time-only format on a date: say the whole date


def date_text(value: dt.datetime, number_format: str = "General") -> str:
    """A date cell at the precision its format prints: ``2024-09-30``, ``September 2024``, ``2024``."""
    precision = date_precision(number_format)
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{value:%B} {value.year}"
    text = value.date().isoformat()
    if (value.hour or value.minute) and "h" in (number_format or "").lower():
        text += f" {value:%H:%M}"
    return text


def number_text(value: int | float, number_format: str = "General") -> str:
    """A number without float noise; a percentage format prints as a percentage."""
    if "%" in _QUOTED.sub("", number_format or ""):
        return f"{value * 100:.10g}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def _uncomputed_formulas(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Formula cells by sheet: their formula text, to report those with no saved value."""
    workbook = _load(data, read_only=True, data_only=False)
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for sheet in workbook.worksheets:
            for row, column, cell in _cells(sheet):
                if getattr(cell, "data_type", "") == "f":
                    found.setdefault(sheet.title, {})[(row, column)] = str(cell.value)
    finally:
        workbook.close()
    return found


def _cell_name(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _one_line(error: BaseException | str, limit: int = 160) -> str:
    return " ".join(str(error).split())[:limit]
