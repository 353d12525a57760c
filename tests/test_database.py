"""write_database: the dataset in a SQL database (SQLite here; PostgreSQL in
test_postgres.py), replaced one document at a time, under a lock, with keys that hold."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from actionplans.cli import main
from actionplans.export import TABLE_COLUMNS, database
from actionplans.export.database import write_database
from actionplans.export.tables import DAY_DATE_COLUMNS, INTEGER_COLUMNS
from actionplans.export.writers import SQLITE_NAME, write_sqlite
from actionplans.pipeline import convert
from conftest import RAW, ROOT



@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return convert([RAW]).frames


@pytest.fixture()
def db(tmp_path) -> Path:
    return tmp_path / "plans.sqlite"


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def rows(path: Path, table: str, with_id: bool = False) -> list[tuple]:
    """The table's schema columns in insertion order (with ``rowid`` first when asked)."""
    columns = (["rowid"] if with_id else []) + [f'"{column}"' for column in TABLE_COLUMNS[table]]
    with sqlite3.connect(path) as connection:
        return connection.execute(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY rowid').fetchall()


def plain(value: object) -> object:
    if value is pd.NA or value is pd.NaT or value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()  # SQLite keeps DATE values as ISO text
    return value.item() if hasattr(value, "item") else value


def frame_tuples(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(plain(value) for value in record) for record in frame.itertuples(index=False, name=None)]


def one_document(frames: dict[str, pd.DataFrame], document: str) -> dict[str, pd.DataFrame]:
    return {name: frame[frame["document"] == document].reset_index(drop=True) for name, frame in frames.items()}


def changed(frames: dict[str, pd.DataFrame], document: str) -> dict[str, pd.DataFrame]:
    """``document`` re-converted after an edit: one action fewer, the rest now completed."""
    result = {name: frame.copy() for name, frame in frames.items()}
    actions = result["actions"]
    mine = actions.index[actions["document"] == document]
    actions = actions.drop(mine[0])
    actions.loc[actions["document"] == document, "status"] = "completed"
    result["actions"] = actions.reset_index(drop=True)
    documents = result["documents"]
    documents.loc[documents["document"] == document, "actions"] = len(mine) - 1
    result["glossary"] = result["glossary"][result["glossary"]["document"] != document].reset_index(drop=True)
    return result


def test_write_creates_tables_and_round_trips_every_row(frames, db):
    written = write_database(frames, url(db)).written
    assert written == {name: len(frame) for name, frame in frames.items()}
    for table, frame in frames.items():
        assert rows(db, table) == frame_tuples(frame)


def test_columns_are_typed_and_indexed(frames, db):
    write_database(frames, url(db))
    inspector = sa.inspect(sa.create_engine(url(db)))
    for table in TABLE_COLUMNS:
        types = {column["name"]: type(column["type"]) for column in inspector.get_columns(table)}
        for column in TABLE_COLUMNS[table]:
            expected = sa.INTEGER if column in INTEGER_COLUMNS else sa.DATE if column in DAY_DATE_COLUMNS else sa.TEXT
            assert types[column] is expected, (table, column)
        indexed = {tuple(index["column_names"]) for index in inspector.get_indexes(table)}
        key = inspector.get_pk_constraint(table)["constrained_columns"]
        assert key == {"documents": ["document"], "actions": ["action_id"], "action_leads": ["action_id", "position"]}.get(table, ["document", "seq"])
        if table != "documents":
            assert ("document",) in indexed
    assert {("due_date",), ("due_by",)} <= {tuple(index["column_names"]) for index in inspector.get_indexes("actions")}


@pytest.mark.parametrize("how", ["only-that-document", "whole-dataset-naming-it"])
def test_rewriting_one_document_replaces_its_rows_only(frames, db, how):
    write_database(frames, url(db))
    target = "001_9d4ebbcf78c32af3.txt"
    before = {table: rows(db, table, with_id=True) for table in TABLE_COLUMNS}
    new = changed(frames, target)
    if how == "only-that-document":
        written = write_database(one_document(new, target), url(db)).written
    else:
        written = write_database(new, url(db), documents=[target]).written
    assert written == {name: int((frame["document"] == target).sum()) for name, frame in new.items()}
    for table in TABLE_COLUMNS:
        after = rows(db, table, with_id=True)
        offset = 1 + list(TABLE_COLUMNS[table]).index("document")
        others_before = [row for row in before[table] if row[offset] != target]
        others_after = [row for row in after if row[offset] != target]
        assert others_after == others_before, table  # same rows, same rowids: never deleted and re-inserted
        assert [row[1:] for row in after if row[offset] == target] \
            == frame_tuples(one_document(new, target)[table]), table
    statuses = {row[0] for row in _query(db, "SELECT DISTINCT status FROM actions WHERE document = ?", target)}
    assert statuses == {"completed"}


def _query(path: Path, sql: str, *parameters) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, parameters).fetchall()


def test_a_listed_document_missing_from_the_frames_loses_its_rows(frames, db):
    write_database(frames, url(db))
    gone = "000_b6eaf09ee790a9e5.txt"
    rest = {name: frame[frame["document"] != gone] for name, frame in frames.items()}
    write_database(rest, url(db), documents=[gone])
    for table in TABLE_COLUMNS:
        assert _query(db, f'SELECT count(*) FROM "{table}" WHERE document = ?', gone) == [(0,)]
    assert _query(db, "SELECT count(*) FROM actions") == [(len(rest["actions"]),)]


def test_a_failure_mid_write_rolls_back_everything(frames, db, monkeypatch):
    write_database(frames, url(db))
    before = {table: rows(db, table, with_id=True) for table in TABLE_COLUMNS}
    real = database.frame_rows

    def fail_on_issues(frame, documents, **options):
        if list(frame.columns) == list(TABLE_COLUMNS["issues"]):
            raise RuntimeError("connection lost")
        return real(frame, documents, **options)

    monkeypatch.setattr(database, "frame_rows", fail_on_issues)  # actions and documents already replaced
    with pytest.raises(RuntimeError, match="connection lost"):
        write_database(changed(frames, "003_2a6c1f8cccd38286.txt"), url(db))
    after = {table: rows(db, table, with_id=True) for table in TABLE_COLUMNS}
    assert after == before


def test_repeated_document_names_are_refused_before_writing(frames, db):
    documents = frames["documents"]
    doubled = {**frames, "documents": pd.concat([documents, documents.head(1)], ignore_index=True)}
    with pytest.raises(ValueError, match="000_b6eaf09ee790a9e5.txt"):
        write_database(doubled, url(db))
    assert not db.exists() or _query(db, "SELECT count(*) FROM sqlite_master") == [(0,)]


def test_one_string_is_not_taken_for_a_list_of_documents(frames, db):
    with pytest.raises(TypeError):
        write_database(frames, url(db), documents="000_b6eaf09ee790a9e5.txt")


def test_updates_a_database_from_an_older_schema_and_the_file_writer(frames, tmp_path):
    """A dataset.sqlite made by the file writer is a valid target, and a column the schema
    gained since the database was made (here lead_source) is added rather than failing."""
    old = {**frames, "actions": frames["actions"].drop(columns=["lead_source"])}
    write_sqlite(old, tmp_path)
    path = tmp_path / SQLITE_NAME
    target = "004_466c596bdae4b96c.txt"
    write_database(one_document(frames, target), url(path))
    got = _query(path, "SELECT lead_source FROM actions WHERE document = ? ORDER BY rowid", target)
    assert got == [(value,) for value in frames["actions"].loc[frames["actions"]["document"] == target, "lead_source"]]
    assert _query(path, "SELECT count(*) FROM actions") == [(len(frames["actions"]),)]
    assert _query(path, "SELECT count(*) FROM actions WHERE lead_source IS NULL") \
        == [(int((frames["actions"]["document"] != target).sum()),)]


# --------------------------------------------------------------------------- keys, failures, renames, prune

def failed(frames: dict[str, pd.DataFrame], document: str) -> dict[str, pd.DataFrame]:
    """``document`` failing this run: no rows but a ``failed`` documents row."""
    result = {name: frame[frame["document"] != document].reset_index(drop=True) for name, frame in frames.items()}
    row = frames["documents"][frames["documents"]["document"] == document].copy()
    row["status"], row["error"], row["actions"], row["tables"] = "failed", "cannot read: damaged file", 0, 0
    result["documents"] = pd.concat([result["documents"], row], ignore_index=True)
    return result


def renamed(frames: dict[str, pd.DataFrame], old: str, new: str) -> dict[str, pd.DataFrame]:
    result = {}
    for name, frame in frames.items():
        frame = frame.copy()
        frame["document"] = frame["document"].where(frame["document"] != old, new)
        result[name] = frame
    return result


KEYS = {"documents": "document", "actions": "action_id", "action_leads": "action_id, position"}


def keys(path: Path) -> dict[str, list[tuple]]:
    """Every table's key values, sorted."""
    return {table: _query(path, f'SELECT {KEYS.get(table, "document, seq")} FROM "{table}" ORDER BY {KEYS.get(table, "document, seq")}')
            for table in TABLE_COLUMNS}


def test_keys_do_not_move_and_rows_do_not_double_on_re_runs(frames, db):
    write_database(frames, url(db))
    first = keys(db)
    write_database(frames, url(db))
    assert keys(db) == first
    assert len(first["actions"]) == len(set(first["actions"])) == len(frames["actions"])
    assert [row[0] for row in first["actions"]] == sorted(frames["actions"]["action_id"])


def test_a_document_that_fails_keeps_the_rows_stored_before(frames, db):
    write_database(frames, url(db))
    target = "002_93871fd4ab8d0ecd.txt"
    before = {table: _query(db, f'SELECT * FROM "{table}" WHERE document = ? ORDER BY rowid', target) for table in TABLE_COLUMNS}
    report = write_database(failed(frames, target), url(db))
    assert report.kept == (target,)
    assert any(target in line and "kept" in line for line in report.lines())
    for table in TABLE_COLUMNS:
        assert _query(db, f'SELECT * FROM "{table}" WHERE document = ? ORDER BY rowid', target) == before[table], table
    assert _query(db, "SELECT count(*) FROM actions") == [(len(frames["actions"]),)]


def test_a_document_that_fails_with_nothing_stored_is_recorded(frames, db):
    target = "002_93871fd4ab8d0ecd.txt"
    report = write_database(failed(frames, target), url(db))
    assert report.kept == ()
    assert _query(db, "SELECT status, error FROM documents WHERE document = ?", target) == [("failed", "cannot read: damaged file")]


def test_a_renamed_file_replaces_its_old_rows(frames, db):
    write_database(frames, url(db))
    old, new = "003_2a6c1f8cccd38286.txt", "archive/2014 plan.txt"
    report = write_database(renamed(frames, old, new), url(db))
    assert report.renamed == ((old, new),)
    assert _query(db, "SELECT count(*) FROM actions WHERE document = ?", old) == [(0,)]
    assert _query(db, "SELECT count(*) FROM actions") == [(len(frames["actions"]),)]
    moved = _query(db, "SELECT action_id FROM actions WHERE document = ? ORDER BY rowid", new)
    assert [row[0] for row in moved] == list(frames["actions"].loc[frames["actions"]["document"] == old, "action_id"])


def test_prune_removes_documents_no_longer_among_the_inputs_and_only_with_prune(frames, db):
    write_database(frames, url(db))
    gone = "000_b6eaf09ee790a9e5.txt"
    rest = {name: frame[frame["document"] != gone].reset_index(drop=True) for name, frame in frames.items()}
    assert write_database(rest, url(db)).pruned == ()
    assert _query(db, "SELECT count(*) FROM documents WHERE document = ?", gone) == [(1,)]
    report = write_database(rest, url(db), prune=True)
    assert report.pruned == (gone,)
    assert any("pruned 1" in line and gone in line for line in report.lines())
    for table in TABLE_COLUMNS:
        assert _query(db, f'SELECT count(*) FROM "{table}" WHERE document = ?', gone) == [(0,)]
        assert _query(db, f'SELECT count(*) FROM "{table}"') == [(len(rest[table]),)]


def test_missing_values_are_null_and_due_by_is_a_date(frames, db):
    write_database(frames, url(db))
    blank = int(frames["actions"]["status"].isna().sum())
    assert blank and _query(db, "SELECT count(*) FROM actions WHERE status IS NULL") == [(blank,)]
    assert _query(db, "SELECT count(*) FROM actions WHERE status = '' OR due_by = ''") == [(0,)]
    month = _query(db, "SELECT due_date, due_by FROM actions WHERE length(due_date) = 7 LIMIT 1")[0]
    assert month[1] == (pd.Period(month[0]).end_time.date()).isoformat()


WRITER = """
import sys
import pandas as pd
from actionplans.export.database import write_database
frames = pd.read_pickle(sys.argv[1])
print(write_database(frames, sys.argv[2]).written["actions"])
"""


def test_two_concurrent_writers_queue_instead_of_doubling(frames, db, tmp_path):
    """Two processes write the whole dataset at once: each takes the write lock in turn."""
    pickled = tmp_path / "frames.pickle"
    pd.to_pickle(frames, pickled)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-c", WRITER, str(pickled), url(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert [int(out.strip()) for out, _ in outputs] == [len(frames["actions"])] * 2
    for table in TABLE_COLUMNS:
        assert _query(db, f'SELECT count(*) FROM "{table}"') == [(len(frames[table]),)], table


# --------------------------------------------------------------------------- the command line

def _plans(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes((RAW / name).read_bytes())
    return folder


def test_bad_url_is_a_usage_error_before_converting(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["convert", str(RAW), "--out", str(out), "--db", "not a url", "-j", "1"])
    assert result.exit_code == 2
    assert "--db" in result.output and "not a database URL" in result.output
    assert not out.exists()


def test_missing_driver_names_the_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as where the postgres extra is not installed
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["convert", str(RAW), "--out", str(out), "--db", "postgresql://me:secret@db.example/plans"])
    assert result.exit_code == 2
    assert "pip install -e '.[postgres]'" in result.output
    assert "secret" not in result.output and not out.exists()


def test_prune_without_a_database_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["convert", str(RAW), "--out", str(tmp_path / "out"), "--prune"])
    assert result.exit_code == 2 and "--prune" in result.output


def test_summary_prints_when_the_database_write_fails(tmp_path, monkeypatch):
    plans = _plans(tmp_path / "plans", "004_466c596bdae4b96c.txt")

    def refuse(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(database, "write_database", refuse)
    result = CliRunner().invoke(main, ["convert", str(plans), "--out", str(tmp_path / "out"), "-j", "1", "--db", url(tmp_path / "db.sqlite")])
    assert result.exit_code == 1
    assert "1 files (1 converted, 0 from cache): 1 success" in result.stdout
    assert "dataset written to" in result.stdout
    assert "cannot write the database" in result.stderr and "disk I/O error" in result.stderr


def test_cli_run_reports_renames_and_prunes(tmp_path):
    plans = _plans(tmp_path / "plans", "000_b6eaf09ee790a9e5.txt", "004_466c596bdae4b96c.txt")
    target = url(tmp_path / "db.sqlite")
    out = str(tmp_path / "out")
    runner = CliRunner()
    assert runner.invoke(main, ["convert", str(plans), "--out", out, "-j", "1", "--db", target]).exit_code == 0
    (plans / "004_466c596bdae4b96c.txt").rename(plans / "renamed.txt")
    (plans / "000_b6eaf09ee790a9e5.txt").unlink()
    result = runner.invoke(main, ["convert", str(plans), "--out", out, "-j", "1", "--db", target, "--prune"])
    assert result.exit_code == 0, result.output
    assert "replaced 1 renamed documents: 004_466c596bdae4b96c.txt -> renamed.txt" in result.output
    assert "pruned 1 documents no longer among the inputs: 000_b6eaf09ee790a9e5.txt" in result.output
    assert _query(tmp_path / "db.sqlite", "SELECT document FROM documents") == [("renamed.txt",)]


def test_frames_without_a_documents_table_still_write(frames, db):
    written = write_database({"glossary": frames["glossary"]}, url(db)).written
    assert written == {"glossary": len(frames["glossary"])}
