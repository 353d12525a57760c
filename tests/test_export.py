"""Every output format round-trips the seed dataset, and a failed write leaves the old one."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from actionplans.pipeline import convert
from actionplans.export import FORMATS, TABLE_COLUMNS, write_dataset
from actionplans.export import writers
from actionplans.export.tables import DATE_COLUMNS, DAY_DATE_COLUMNS, INTEGER_COLUMNS
from actionplans.export.writers import SQLITE_NAME, XLSX_NAME, day_date
from conftest import RAW



@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return convert([RAW]).frames


@pytest.fixture(scope="module")
def dataset(frames, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "dataset"
    write_dataset(frames, out, FORMATS)
    return out


def plain_value(value: object) -> object:
    """A frame value as JSON-like Python: ``pd.NA``/``NaT`` -> ``None``, numpy -> int, a
    real date -> its ISO text."""
    if value is pd.NA or value is pd.NaT or value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value.item() if hasattr(value, "item") else value


def plain_rows(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{column: plain_value(value) for column, value in zip(frame.columns, record)}
            for record in frame.itertuples(index=False, name=None)]


def test_seed_dataset_exercises_every_kind_of_value(frames):
    """The round trips below only prove something if the data has empty integers and dates
    at both day and month precision."""
    actions = frames["actions"]
    assert actions["page"].isna().any() and actions["row"].notna().all()
    assert (actions["due_date"].str.len() == 10).any() and (actions["due_date"].str.len() == 7).any()
    assert all(len(frames[name]) for name in TABLE_COLUMNS)
    assert actions["status"].isna().any() and actions["due_by"].isna().any() and actions["due_by"].notna().any()


def test_every_format_writes_every_table(frames, dataset):
    names = {path.name for path in dataset.iterdir()}
    for table in TABLE_COLUMNS:
        assert {f"{table}.csv", f"{table}.jsonl", f"{table}.parquet"} <= names
    assert {XLSX_NAME, SQLITE_NAME} <= names


# --------------------------------------------------------------------------- CSV / JSON Lines

@pytest.mark.parametrize("table", list(TABLE_COLUMNS))
def test_csv_round_trips_with_integer_and_text_columns(frames, dataset, table):
    frame = frames[table]
    integers = [column for column in frame.columns if column in INTEGER_COLUMNS]
    dates = [column for column in frame.columns if column in DAY_DATE_COLUMNS]
    read = pd.read_csv(dataset / f"{table}.csv", keep_default_na=False, na_values=[""],
                       dtype={column: "Int64" if column in integers else "string" for column in frame.columns if column not in dates})
    for column in dates:
        read[column] = pd.to_datetime(read[column]).astype("datetime64[s]")
    pd.testing.assert_frame_equal(read, frame)


@pytest.mark.parametrize("table", list(TABLE_COLUMNS))
def test_jsonl_round_trips_with_json_integers_and_nulls(frames, dataset, table):
    lines = (dataset / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records == plain_rows(frames[table])
    for record in records:
        assert list(record) == list(TABLE_COLUMNS[table])
        for column, value in record.items():
            expected = (int, type(None)) if column in INTEGER_COLUMNS else (str, type(None))
            assert isinstance(value, expected) and not isinstance(value, bool), (column, value)


# --------------------------------------------------------------------------- XLSX

@pytest.fixture(scope="module")
def workbook(dataset):
    return load_workbook(dataset / XLSX_NAME)


def test_xlsx_has_a_readme_sheet_describing_every_column(workbook):
    assert workbook.sheetnames == ["README", *TABLE_COLUMNS]
    rows = list(workbook["README"].iter_rows(values_only=True))
    assert rows[0] == ("table", "column", "meaning")
    end = next((index for index, row in enumerate(rows) if not any(row)), len(rows))  # more follows a blank row
    described = {(table, column): meaning for table, column, meaning in rows[1:end]}
    expected = [(table, column) for table, columns in TABLE_COLUMNS.items() for column in columns]
    assert list(described) == expected
    assert [key for key, meaning in described.items() if not meaning] == []


def _sheet_frame(frames, table: str) -> pd.DataFrame:
    """The frame in its sheet's column order (the actions sheet puts read-first columns first)."""
    frame = frames[table]
    return frame[writers.actions_sheet_columns(frame.columns)] if table == "actions" else frame


@pytest.mark.parametrize("table", list(TABLE_COLUMNS))
def test_xlsx_sheet_has_frozen_header_and_filter(frames, workbook, table):
    sheet, frame = workbook[table], _sheet_frame(frames, table)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    assert [cell.value for cell in sheet[1]] == list(frame.columns)
    assert all(cell.font.bold for cell in sheet[1])


def _xlsx_expected(column: str, value: object) -> object:
    if value is None:
        return None
    if (column in DATE_COLUMNS or column in DAY_DATE_COLUMNS) and day_date(value):
        return dt.datetime.combine(day_date(value), dt.time())  # Excel cells hold datetimes
    if value == "":
        return None  # an empty string and an empty cell read back alike
    return value


@pytest.mark.parametrize("table", list(TABLE_COLUMNS))
def test_xlsx_round_trips_values_with_integers_and_day_dates(frames, workbook, table):
    sheet, frame = workbook[table], _sheet_frame(frames, table)
    read = [[cell.value if cell.value != "" else None for cell in row] for row in sheet.iter_rows(min_row=2)]
    expected = [[_xlsx_expected(column, value) for column, value in row.items()] for row in plain_rows(frame)]
    assert read == expected
    for row in sheet.iter_rows(min_row=2):
        for column, cell in zip(frame.columns, row):
            if column in INTEGER_COLUMNS and cell.value is not None:
                assert type(cell.value) is int and cell.data_type == "n"


def test_xlsx_due_dates_are_date_cells_only_at_day_precision(frames, workbook):
    sheet = workbook["actions"]
    column = list(_sheet_frame(frames, "actions").columns).index("due_date") + 1
    cells = [row[column - 1] for row in sheet.iter_rows(min_row=2)]
    printed = list(frames["actions"]["due_date"].fillna(""))
    day = [cell for cell, text in zip(cells, printed) if len(text) == 10]
    month = [cell for cell, text in zip(cells, printed) if len(text) == 7]
    assert day and all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in day)
    assert month and all(cell.data_type == "s" and not cell.is_date for cell in month)
    assert [cell.value for cell in month] == [text for text in printed if len(text) == 7]


def test_xlsx_text_that_looks_like_a_formula_stays_text(tmp_path):
    frame = pd.DataFrame({"document": ["a.txt"], "expansion": ["=HYPERLINK(\"http://x\")"], "abbreviation": ["X"]},
                         dtype="string")
    writers.write_xlsx({"glossary": frame}, tmp_path)
    cell = load_workbook(tmp_path / XLSX_NAME)["glossary"]["B2"]
    assert cell.data_type == "s" and cell.value.endswith('=HYPERLINK("http://x")')


# --------------------------------------------------------------------------- Parquet

@pytest.mark.parametrize("table", list(TABLE_COLUMNS))
def test_parquet_round_trips_with_int64_integers(frames, dataset, table):
    frame = frames[table]
    read = pd.read_parquet(dataset / f"{table}.parquet")
    day_columns = [f"{column}_day" for column in DATE_COLUMNS if column in frame.columns]
    assert list(read.columns) == list(frame.columns) + day_columns
    for column in DAY_DATE_COLUMNS:
        if column in read.columns:  # date32 reads back as datetime.date objects
            read[column] = pd.to_datetime(read[column]).astype("datetime64[s]")
    pd.testing.assert_frame_equal(read[list(frame.columns)], frame)
    schema = pq.read_schema(dataset / f"{table}.parquet")
    for column in frame.columns:
        if column in INTEGER_COLUMNS:
            assert schema.field(column).type == pa.int64(), column
        if column in DAY_DATE_COLUMNS:
            assert schema.field(column).type == pa.date32(), column


@pytest.mark.parametrize("column", DATE_COLUMNS)
def test_parquet_day_columns_hold_dates_where_precision_is_a_day(frames, dataset, column):
    printed = list(frames["actions"][column].fillna(""))
    table = pq.read_table(dataset / "actions.parquet")
    days = table.column(f"{column}_day").to_pylist()
    assert days == [day_date(text) for text in printed]
    assert table.schema.field(f"{column}_day").type == pa.date32()  # also where no value is known to the day


def test_parquet_day_column_is_a_date_even_when_no_date_is_known_to_the_day(frames, tmp_path):
    actions = frames["actions"].copy()
    actions["due_date"] = actions["due_date"].where(actions["due_date"].str.len() != 10, "2014-03")
    writers.write_parquet({"actions": actions}, tmp_path)
    assert pq.read_schema(tmp_path / "actions.parquet").field("due_date_day").type == pa.date32()


# --------------------------------------------------------------------------- SQLite

@pytest.fixture()
def sqlite(dataset):
    connection = sqlite3.connect(dataset / SQLITE_NAME)
    yield connection
    connection.close()


@pytest.mark.parametrize("table", list(TABLE_COLUMNS))
def test_sqlite_round_trips_with_integer_and_text_columns(frames, sqlite, table):
    frame = frames[table]
    declared = {row[1]: row[2] for row in sqlite.execute(f'PRAGMA table_info("{table}")')}
    for column in frame.columns:
        assert declared[column] == ("INTEGER" if column in INTEGER_COLUMNS else "DATE" if column in DAY_DATE_COLUMNS else "TEXT"), column
    quoted = ", ".join(f'"{column}"' for column in frame.columns)
    rows = sqlite.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid').fetchall()
    assert rows == [tuple(row.values()) for row in plain_rows(frame)]
    typed = ", ".join(f'typeof("{column}")' for column in frame.columns)
    for kinds in sqlite.execute(f'SELECT DISTINCT {typed} FROM "{table}"'):
        for column, kind in zip(frame.columns, kinds):
            assert kind in (("integer", "null") if column in INTEGER_COLUMNS else ("text", "null")), (column, kind)


def test_sqlite_has_document_and_due_date_indexes(sqlite):
    indexes = {(name, table) for name, table in sqlite.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")}
    for table in TABLE_COLUMNS:
        if table != "documents":
            assert (f"ix_{table}_document", table) in indexes
    assert ("ix_actions_due_date", "actions") in indexes
    keyed = [row[1] for row in sqlite.execute('PRAGMA table_info("documents")') if row[5]]
    assert keyed == ["document"]


# --------------------------------------------------------------------------- atomic output

def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("failing", ["csv", "xlsx", "sqlite"])
def test_a_writer_failing_midway_leaves_the_previous_dataset_byte_identical(frames, tmp_path, monkeypatch, failing):
    out = tmp_path / "out"
    write_dataset(frames, out, ["csv", "jsonl", "xlsx", "sqlite"], extra_files={"run.json": "{}"})
    (out / "notes.txt").write_text("an analyst's own file", encoding="utf-8")
    before = _snapshot(out)
    real = writers.WRITERS[failing]

    def write_then_fail(frames, folder):
        real(frames, folder)  # the files are there, half a dataset, when the run dies
        raise RuntimeError("disk full")

    monkeypatch.setitem(writers.WRITERS, failing, write_then_fail)
    changed = {name: frame.head(2) for name, frame in frames.items()}
    with pytest.raises(RuntimeError, match="disk full"):
        write_dataset(changed, out, ["csv", "jsonl", "xlsx", "sqlite"], extra_files={"run.json": '{"new": 1}'})
    assert _snapshot(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]  # no staging or backup folder left


def test_a_failed_first_write_leaves_no_folder(frames, tmp_path, monkeypatch):
    def fail(frames, folder):
        raise RuntimeError("boom")

    monkeypatch.setitem(writers.WRITERS, "jsonl", fail)
    with pytest.raises(RuntimeError):
        write_dataset(frames, tmp_path / "out", ["csv", "jsonl"])
    assert list(tmp_path.iterdir()) == []
