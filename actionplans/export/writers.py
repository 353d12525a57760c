"""Dataset writers: CSV, JSON Lines, XLSX, Parquet, SQLite, and an atomic output folder.

Every writer takes the table frames from :func:`export.tables.documents_to_frames` and a
folder. :func:`write_dataset` writes the chosen formats into a hidden staging folder inside
the target and swaps only its own files into place at the end, so an interrupted or failed
run never leaves a half-written dataset and never touches a file it did not write.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from actionplans.export.tables import COLUMN_HELP, DATE_COLUMNS, DAY_DATE_COLUMNS, TABLE_COLUMNS
from ingest.issues import ISSUE_TYPES

FORMATS = ("csv", "jsonl", "xlsx", "parquet", "sqlite")
DEFAULT_FORMATS = ("csv", "jsonl", "xlsx")
XLSX_NAME = "dataset.xlsx"
SQLITE_NAME = "dataset.sqlite"
MAX_COLUMN_WIDTH = 60

Frames = Mapping[str, pd.DataFrame]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet opening a CSV reads a cell starting with one of these as a formula (OWASP
"CSV injection"): such cells get a leading apostrophe unless ``raw``."""


LONE_SIGNS = ("-", "+")


def write_csv(frames: Frames, folder: Path, raw: bool = False, bom: bool = False) -> list[Path]:
    """One CSV per table, UTF-8. Text that a spreadsheet would run as a formula is written
    with a leading ``'`` (shown as text, the apostrophe hidden); ``raw`` keeps text as is.
    With ``bom`` a byte-order mark comes first, so Excel opens the file with the right
    encoding on a double click (``--csv-excel``)."""
    paths = []
    for name, frame in frames.items():
        path = folder / f"{name}.csv"
        (frame if raw else formula_safe(frame)).to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8")
        paths.append(path)
    return paths


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells starting with a formula character begin with ``'``."""
    safe = frame.copy()
    for column in frame.columns:
        if str(frame[column].dtype) in ("string", "object"):
            values = frame[column]
            # A lone "-" or "+" (a plan's "none") is not a formula: left as printed.
            risky = (values.str.startswith(FORMULA_STARTS) & ~values.isin(LONE_SIGNS)).fillna(False).astype(bool)
            if risky.any():
                safe[column] = values.where(~risky, "'" + values)
    return safe


def write_jsonl(frames: Frames, folder: Path) -> list[Path]:
    paths = []
    for name, frame in frames.items():
        path = folder / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in frame.to_dict(orient="records"):
                out.write(
                    json.dumps({key: _json_value(value) for key, value in record.items()}, ensure_ascii=False) + "\n"
                )
        paths.append(path)
    return paths


def _json_value(value: object) -> object:
    if value is pd.NA or value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # a real-date column (pandas holds dates as Timestamps)
        return value.date().isoformat()
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def day_date(value: object) -> dt.date | None:
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
    rows: list[list] = [
        [table, column, COLUMN_HELP.get(f"{column} ({table})", COLUMN_HELP.get(column, ""))]
        for table, columns in TABLE_COLUMNS.items()
        for column in columns
    ]
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
        date_columns = {
            index for index, column in enumerate(columns) if column in DATE_COLUMNS or column in DAY_DATE_COLUMNS
        }
        records = [[_xlsx_value(value) for value in record] for record in frame.itertuples(index=False, name=None)]
        _set_widths(sheet, [columns, *records[:200]])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{len(records) + 1}"
        sheet.append(header(sheet, columns))
        for record in records:
            for index in date_columns:
                day = (
                    record[index]
                    if isinstance(record[index], dt.date)
                    else day_date(record[index])
                    if record[index]
                    else None
                )
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


XLSX_MAX_CELL = 32_767
"""Excel's limit on the characters in one cell; longer text is cut in the workbook (with a
``truncated-cell`` issue) and kept whole in CSV and JSON Lines."""


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
    for action_id, column, code, message in issues[["action_id", "column", "code", "message"]].itertuples(
        index=False, name=None
    ):
        if isinstance(action_id, str) and action_id:  # missing values are real nulls (pd.NA)
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
    action_id = action_id if isinstance(action_id, str) else None
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
    if value is pd.NA or value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):  # a real-date column
        return value.date()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str) and len(value) > XLSX_MAX_CELL:
        value = value[:XLSX_MAX_CELL]
    return _excel_safe(value)


def with_truncation_issues(frames: Frames) -> dict[str, pd.DataFrame]:
    """``frames`` with a ``truncated-cell`` issue row for each cell the workbook must cut.

    Added to the issues table of every format written in the run, so whichever file an
    analyst opens says which workbook cells are incomplete."""
    rows = []
    for table, frame in frames.items():
        for column in frame.columns:
            if str(frame[column].dtype) not in ("string", "object"):
                continue
            lengths = frame[column].str.len()
            for index in frame.index[(lengths > XLSX_MAX_CELL).fillna(False).astype(bool)]:
                record = frame.loc[index]
                rows.append(
                    {
                        "document": record.get("document", ""),
                        "action_id": record.get("action_id", "") if table == "actions" else "",
                        "page": record.get("page", pd.NA) if table == "actions" else pd.NA,
                        "table": record.get("table", pd.NA) if table == "actions" else pd.NA,
                        "row": record.get("row", pd.NA) if table == "actions" else pd.NA,
                        "column": column,
                        "severity": ISSUE_TYPES["truncated-cell"].severity,
                        "code": "truncated-cell",
                        "message": f"{table}.{column} holds {lengths[index]:,} characters; {XLSX_NAME} keeps the first {XLSX_MAX_CELL:,} (CSV and JSON Lines hold it all)",
                        "value": str(record[column])[:200],
                    }
                )
    if not rows:
        return dict(frames)
    issues = frames["issues"]
    added = pd.DataFrame(rows, columns=list(issues.columns)).astype(issues.dtypes.to_dict())
    return {**frames, "issues": pd.concat([issues, added], ignore_index=True)}


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
        for column in DAY_DATE_COLUMNS:
            if column in frame.columns:  # dates, not timestamps at midnight
                index = table.schema.get_field_index(column)
                table = table.set_column(index, column, table.column(column).cast(pa.date32()))
        for column in DATE_COLUMNS:
            if column in frame.columns:
                days = pa.array([day_date(value) for value in frame[column]], type=pa.date32())
                table = table.append_column(f"{column}_day", days)
        path = folder / f"{name}.parquet"
        pq.write_table(table, path)
        paths.append(path)
    return paths


def write_sqlite(frames: Frames, folder: Path) -> list[Path]:
    """One SQLite database with the same tables, keys, types and indexes as ``--db``
    (:mod:`actionplans.export.database`): integers, DATE columns, NULL for missing values."""
    from actionplans.export.database import sqlite_url, write_database

    path = folder / SQLITE_NAME
    write_database(frames, sqlite_url(path))
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
    "csv": write_csv,
    "jsonl": write_jsonl,
    "xlsx": write_xlsx,
    "parquet": write_parquet,
    "sqlite": write_sqlite,
}

STAGING_PREFIX = ".actionplans-staging-"
MANIFEST_NAME = ".actionplans-files.json"
"""The names of the files the last run wrote into OUT: the only files a later run replaces or removes."""
SUMMARY_NAME = "run.json"
LOCK_NAME = ".actionplans-lock"


class ForeignFile(OSError):
    """OUT holds a file under a dataset file's name that this tool did not write."""


@dataclass(frozen=True)
class WrittenDataset:
    """What :func:`write_dataset` did: the files written, and our earlier files it removed
    (formats not written this run)."""

    files: tuple[Path, ...]
    removed: tuple[str, ...] = ()


def write_dataset(
    frames: Frames,
    out: Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
    extra_files: Mapping[str, str] | None = None,
    csv_raw: bool = False,
    csv_bom: bool = False,
) -> WrittenDataset:
    """Write every table in every format into ``out``, touching only the dataset's own files.

    The files are written into a hidden staging folder inside ``out`` (same file system, so
    the swap is renames, never copies), then swapped in one by one under a lock, the files
    they replace kept aside until every rename has succeeded. A failure before or during the
    swap leaves ``out`` as it was; a kill leaves at most the staging folder, removed by the
    next run. Files this tool wrote before for formats not chosen now are removed (listed in
    the result), so ``out`` holds one consistent dataset. Nothing else in ``out`` is moved,
    changed or deleted, and ``out`` itself keeps its permissions: it may be a project folder.
    CSV cells that would run as formulas get a leading ``'`` unless ``csv_raw``; ``csv_bom``
    starts each CSV with a byte-order mark.
    """
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
    out = Path(out).absolute()
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    remove_leftover_staging(out)
    _check_replaceable(
        out, [*dataset_files(formats), *(extra_files or {})], previous_files(out)
    )  # before writing anything
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))
    try:
        if "xlsx" in formats and "issues" in frames:
            frames = with_truncation_issues(frames)
        csv_options = {key: True for key, on in (("raw", csv_raw), ("bom", csv_bom)) if on}
        writers: Mapping[str, Callable[[Frames, Path], list[Path]]] = (
            {**WRITERS, "csv": functools.partial(WRITERS["csv"], **csv_options)} if csv_options else WRITERS
        )
        written = [path.name for name in formats for path in writers[name](frames, staging)]
        for name, text in (extra_files or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
            written.append(name)
        with _locked(out):
            ours = previous_files(out)
            stale = stale_files(out, written)
            _check_replaceable(out, written, ours)
            _swap_in(out, staging, written, stale)
            _write_manifest(out, written)
        return WrittenDataset(tuple(out / name for name in written), tuple(stale))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            _remove_if_empty(out)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_leftover_staging(out: Path) -> list[str]:
    """Remove staging folders that killed runs left in ``out`` (their process is gone).

    A folder is ours by its name (``.actionplans-staging-<pid>-...``); one whose process is
    still running belongs to a concurrent run and is left alone.
    """
    removed = []
    for item in out.glob(f"{STAGING_PREFIX}*"):
        pid = item.name[len(STAGING_PREFIX) :].split("-", 1)[0]
        if item.is_dir() and not item.is_symlink() and pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(item, ignore_errors=True)
            removed.append(item.name)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def previous_files(out: Path) -> set[str]:
    """Names of the dataset files an earlier run wrote into ``out``.

    From the manifest; a dataset written before the manifest existed is recognised by its
    ``run.json`` (an actionplans summary naming its formats).
    """
    try:
        manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
        return {name for name in manifest.get("files", []) if isinstance(name, str) and _plain_name(name)}
    except (OSError, ValueError, AttributeError):
        pass
    try:
        summary = json.loads((out / SUMMARY_NAME).read_text(encoding="utf-8"))
        formats = [f for f in summary.get("formats", []) if f in WRITERS]
    except (OSError, ValueError, AttributeError, TypeError):
        return set()
    if not formats or "version" not in summary:
        return set()
    # Runs before the manifest kept the files of every format ever written: all are ours.
    return {*dataset_files(FORMATS), SUMMARY_NAME}


def stale_files(out: Path, keep: Iterable[str]) -> list[str]:
    """Our earlier files in ``out`` that a run writing ``keep`` removes (other formats)."""
    keep = set(keep)
    return sorted(name for name in previous_files(Path(out)) if name not in keep and (Path(out) / name).is_file())


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..")


def _check_replaceable(out: Path, written: list[str], ours: set[str]) -> None:
    """Refuse before touching anything when a target name is taken by something not ours."""
    for name in written:
        target = out / name
        if not os.path.lexists(target):
            continue
        if target.is_symlink() or not target.is_file():
            raise ForeignFile(f"{target} is not a regular file; move it or choose another --out")
        if name not in ours:
            raise ForeignFile(f"{target} was not written by actionplans; move it or choose another --out")


def _swap_in(out: Path, staging: Path, written: list[str], stale: list[str]) -> None:
    """Rename the new files into ``out``, the old ones kept aside until all renames worked."""
    aside = staging / ".previous"
    aside.mkdir()
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        for name in [*written, *stale]:
            if (out / name).is_file():
                os.rename(out / name, aside / name)
                moved_aside.append(name)
        for name in written:
            os.rename(staging / name, out / name)
            moved_in.append(name)
    except BaseException:
        for name in moved_in:
            os.rename(out / name, staging / name)
        for name in moved_aside:
            os.rename(aside / name, out / name)
        raise


def _write_manifest(out: Path, written: list[str]) -> None:
    temporary = out / f"{MANIFEST_NAME}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps({"files": sorted(written)}, indent=1), encoding="utf-8")
    os.replace(temporary, out / MANIFEST_NAME)


@contextmanager
def _locked(out: Path):
    """An exclusive lock on ``out`` for the swap, so two runs never interleave their files."""
    import fcntl

    with open(out / LOCK_NAME, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_if_empty(folder: Path) -> None:
    """Undo creating ``folder`` (a failed first write): only when it holds nothing but our lock."""
    if [item.name for item in folder.iterdir()] == [LOCK_NAME]:
        (folder / LOCK_NAME).unlink()
    try:
        folder.rmdir()  # only succeeds when empty: never removes anything else
    except OSError:
        pass
