"""Dataset writers: CSV, JSON Lines, XLSX, Parquet, SQLite, and an atomic output folder.

Every writer takes the table frames from :func:`export.tables.documents_to_frames` and a
folder. :func:`write_dataset` writes the chosen formats into a temporary folder beside the
target and swaps it into place at the end, so an interrupted or failed run never leaves a
half-written dataset.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Mapping

import pandas as pd

from actionplans.export.tables import COLUMN_HELP, DATE_COLUMNS, TABLE_COLUMNS
from ingest.issues import ISSUE_TYPES

FORMATS = ("csv", "jsonl", "xlsx", "parquet", "sqlite")
DEFAULT_FORMATS = ("csv", "jsonl", "xlsx")
XLSX_NAME = "dataset.xlsx"
SQLITE_NAME = "dataset.sqlite"
MAX_COLUMN_WIDTH = 60

Frames = Mapping[str, pd.DataFrame]


def write_csv(frames: Frames, folder: Path) -> list[Path]:
    paths = []
    for name, frame in frames.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8")
        paths.append(path)
    return paths


def write_jsonl(frames: Frames, folder: Path) -> list[Path]:
    paths = []
    for name, frame in frames.items():
        path = folder / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in frame.to_dict(orient="records"):
                out.write(json.dumps({key: _json_value(value) for key, value in record.items()}, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def _json_value(value: object) -> object:
    if value is pd.NA or value is None:
        return None
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def day_date(value: str) -> dt.date | None:
    """An ISO date at day precision as a date; partial dates ("2013-12") stay text."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def write_xlsx(frames: Frames, folder: Path) -> list[Path]:
    """One workbook, a sheet per table plus a README sheet describing every column and
    issue code.

    Header row frozen and bold, autofilter on, column widths fitted, dates as real Excel
    dates where the precision is a day and text otherwise. Written in openpyxl's streaming
    (write-only) mode: several times faster on large batches.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(sheet, values: list[str]) -> list:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value)
            cell.font = bold
            cells.append(cell)
        return cells

    readme = workbook.create_sheet("README")
    rows: list[list] = [[table, column, COLUMN_HELP.get(f"{column} (documents)" if table == "documents" and column == "status" else column, "")]
                        for table, columns in TABLE_COLUMNS.items() for column in columns]
    issue_rows = [[issue.code, issue.severity, issue.title] for issue in ISSUE_TYPES.values()]
    _set_widths(readme, [["table", "column", "meaning"], *rows, *issue_rows])
    readme.append(header(readme, ["table", "column", "meaning"]))
    for row in rows:
        readme.append(row)
    readme.append([])
    readme.append(header(readme, ["issue code", "severity", "meaning"]))
    for row in issue_rows:
        readme.append(row)
    notes = issue_notes(frames["issues"]) if "issues" in frames else {}
    for name, frame in frames.items():
        sheet = workbook.create_sheet(name)
        if name == "actions":
            frame = frame[actions_sheet_columns(frame.columns)]
        columns = list(frame.columns)
        date_columns = {index for index, column in enumerate(columns) if column in DATE_COLUMNS}
        records = [[_xlsx_value(value) for value in record] for record in frame.itertuples(index=False, name=None)]
        _set_widths(sheet, [columns, *records[:200]])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{len(records) + 1}"
        sheet.append(header(sheet, columns))
        for record in records:
            for index in date_columns:
                day = day_date(record[index]) if record[index] else None
                if day is not None:
                    cell = WriteOnlyCell(sheet, day)
                    cell.number_format = "yyyy-mm-dd"
                    record[index] = cell
            if name == "actions":
                record = review_cells(sheet, columns, record, notes)
            sheet.append(record)
    path = folder / XLSX_NAME
    workbook.save(path)
    return [path]


ACTIONS_READ_FIRST = ("ref", "area", "action", "lead", "due_date", "status", "rag")
"""What an analyst reads first on the actions sheet; provenance goes last."""
PROVENANCE_COLUMNS = ("action_id", "document", "page", "table", "row")
FLAGGED_FILL = "FFF4CE"  # pale amber: a cell an issue concerns
WRAP_LONGER_THAN = 40
"""Text cells longer than this many characters wrap (columns are at most MAX_COLUMN_WIDTH wide)."""


def actions_sheet_columns(columns: Iterable[str]) -> list[str]:
    """The actions sheet's column order: the read-first columns, the rest, then provenance.
    (The CSV and other formats keep the schema's order.)"""
    columns = list(columns)
    first = [column for column in ACTIONS_READ_FIRST if column in columns]
    last = [column for column in PROVENANCE_COLUMNS if column in columns]
    return first + [column for column in columns if column not in first and column not in last] + last


def issue_notes(issues: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """(action_id, column) -> "code: message" lines, for the comments on flagged cells. An
    issue that names no column of the actions sheet is noted on the action's ``issues`` cell."""
    notes: dict[tuple[str, str], list[str]] = {}
    action_columns = set(TABLE_COLUMNS["actions"])
    for action_id, column, code, message in issues[["action_id", "column", "code", "message"]].itertuples(index=False, name=None):
        if action_id:
            key = (action_id, column if column in action_columns else "issues")
            notes.setdefault(key, []).append(f"{code}: {message}")
    return notes


def review_cells(sheet, columns: list[str], record: list, notes: Mapping[tuple[str, str], list[str]]) -> list:
    """An actions row with long text wrapped and each flagged cell shaded, with a comment naming its issues."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, PatternFill

    action_id = record[columns.index("action_id")] if "action_id" in columns else None
    for index, column in enumerate(columns):
        value = record[index]
        note = notes.get((action_id, column)) if action_id else None
        long_text = isinstance(value, str) and len(value) > WRAP_LONGER_THAN  # date cells are Cells already
        if not note and not long_text:
            continue
        cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value)
        if long_text:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if note:
            # The fill also matters to openpyxl: write-only mode reuses an unstyled cell for the
            # next value, and a comment on it would be copied to the rest of the row.
            cell.fill = PatternFill("solid", start_color=FLAGGED_FILL)
            cell.comment = Comment("\n".join(dict.fromkeys(note)), "actionplans", width=320, height=120)
        record[index] = cell
    return record


def _xlsx_value(value: object) -> object:
    if value is pd.NA or value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return _excel_safe(value)


def _set_widths(sheet, rows: list[list]) -> None:
    """Column widths from the longest value in the first rows (before any row is written)."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in rows:
        for index, value in enumerate(row):
            if value is not None:
                widths[index] = max(widths.get(index, 8), len(str(value)) + 2)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(MAX_COLUMN_WIDTH, width)


def _excel_safe(value: object) -> object:
    # A leading "=" would make Excel evaluate source text as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "@") and len(value) > 1:
        return "'" + value
    return value


def write_parquet(frames: Frames, folder: Path) -> list[Path]:
    """Parquet with proper types: integers as int64, text as strings, and for each date
    column a ``<column>_day`` date32 column (set where the precision is a day) beside the ISO
    text column that keeps every precision."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = []
    for name, frame in frames.items():
        table = pa.Table.from_pandas(frame, preserve_index=False)
        for column in DATE_COLUMNS:
            if column in frame.columns:
                days = pa.array([day_date(value) for value in frame[column]], type=pa.date32())
                table = table.append_column(f"{column}_day", days)
        path = folder / f"{name}.parquet"
        pq.write_table(table, path)
        paths.append(path)
    return paths


SQLITE_KEYS: Mapping[str, tuple[str, ...]] = {
    "documents": ("document",),
    "actions": ("document", "table", "row", "ref", "action"),
}


def write_sqlite(frames: Frames, folder: Path) -> list[Path]:
    """One SQLite database, a table per dataset table, indexes on document and due date."""
    path = folder / SQLITE_NAME
    with sqlite3.connect(path) as connection:
        for name, frame in frames.items():
            columns = ", ".join(f'"{c}" {"INTEGER" if str(frame[c].dtype) == "Int64" else "TEXT"}' for c in frame.columns)
            id_column = '"id" INTEGER PRIMARY KEY, ' if name != "documents" else ""
            key = ', PRIMARY KEY ("document")' if name == "documents" else ""
            connection.execute(f'DROP TABLE IF EXISTS "{name}"')
            connection.execute(f'CREATE TABLE "{name}" ({id_column}{columns}{key})')
            placeholders = ", ".join("?" for _ in frame.columns)
            quoted = ", ".join(f'"{c}"' for c in frame.columns)
            rows = [tuple(None if v is pd.NA else (v.item() if hasattr(v, "item") else v) for v in record) for record in frame.itertuples(index=False, name=None)]
            connection.executemany(f'INSERT INTO "{name}" ({quoted}) VALUES ({placeholders})', rows)
            if "document" in frame.columns and name != "documents":
                connection.execute(f'CREATE INDEX "ix_{name}_document" ON "{name}" ("document")')
        connection.execute('CREATE INDEX "ix_actions_due_date" ON "actions" ("due_date")')
    return [path]


def dataset_files(formats: Iterable[str]) -> list[str]:
    """The file names a run in ``formats`` writes (besides run.json)."""
    names = []
    for name in formats:
        if name in ("csv", "jsonl", "parquet"):
            names += [f"{table}.{name}" for table in TABLE_COLUMNS]
        elif name == "xlsx":
            names.append(XLSX_NAME)
        elif name == "sqlite":
            names.append(SQLITE_NAME)
    return names


WRITERS: Mapping[str, Callable[[Frames, Path], list[Path]]] = {
    "csv": write_csv, "jsonl": write_jsonl, "xlsx": write_xlsx, "parquet": write_parquet, "sqlite": write_sqlite,
}


def write_dataset(frames: Frames, out: Path, formats: Iterable[str] = DEFAULT_FORMATS, extra_files: Mapping[str, str] | None = None) -> list[Path]:
    """Write every table in every format into ``out`` atomically.

    The new dataset is built in a temporary sibling folder (with any other files ``out``
    already holds copied across), then swapped in with two renames. An exception, or a kill,
    before the swap leaves ``out`` exactly as it was.
    """
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    backup = out.parent / f".{out.name}-old-{os.getpid()}"
    try:
        written = [path.name for name in formats for path in WRITERS[name](frames, staging)]
        for name, text in (extra_files or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
            written.append(name)
        if out.exists():
            for item in out.iterdir():  # keep what the folder had that this run does not replace
                if not (staging / item.name).exists():
                    os.rename(item, staging / item.name)  # same file system: no copy (the cache can be large)
            os.rename(out, backup)
        os.rename(staging, out)
        return [out / name for name in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)
