"""write_database: the dataset in a SQL database, replaced one document at a time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from actionplans.pipeline import convert
from actionplans.export import TABLE_COLUMNS
from actionplans.export import database
from actionplans.export.database import write_database
from actionplans.export.tables import INTEGER_COLUMNS
from actionplans.export.writers import SQLITE_NAME, write_sqlite
from conftest import RAW



@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return convert([RAW]).frames


@pytest.fixture()
def db(tmp_path) -> Path:
    return tmp_path / "plans.sqlite"


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def rows(path: Path, table: str, with_id: bool = False) -> list[tuple]:
    columns = (["id"] if with_id else []) + list(TABLE_COLUMNS[table])
    quoted = ", ".join(f'"{column}"' for column in columns)
    order = "id" if table != "documents" else "rowid"
    with sqlite3.connect(path) as connection:
        return connection.execute(f'SELECT {quoted} FROM "{table}" ORDER BY {order}').fetchall()


def frame_tuples(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if value is pd.NA else (value.item() if hasattr(value, "item") else value) for value in record)
            for record in frame.itertuples(index=False, name=None)]


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
    written = write_database(frames, url(db))
    assert written == {name: len(frame) for name, frame in frames.items()}
    for table, frame in frames.items():
        assert rows(db, table) == frame_tuples(frame)


def test_columns_are_typed_and_indexed(frames, db):
    write_database(frames, url(db))
    inspector = sa.inspect(sa.create_engine(url(db)))
    for table in TABLE_COLUMNS:
        types = {column["name"]: type(column["type"]) for column in inspector.get_columns(table)}
        for column in TABLE_COLUMNS[table]:
            assert types[column] is (sa.INTEGER if column in INTEGER_COLUMNS else sa.TEXT), (table, column)
        indexed = {tuple(index["column_names"]) for index in inspector.get_indexes(table)}
        if table == "documents":
            assert inspector.get_pk_constraint(table)["constrained_columns"] == ["document"]
        else:
            assert ("document",) in indexed
            assert inspector.get_pk_constraint(table)["constrained_columns"] == ["id"]
    assert ("due_date",) in {tuple(index["column_names"]) for index in inspector.get_indexes("actions")}


@pytest.mark.parametrize("how", ["only-that-document", "whole-dataset-naming-it"])
def test_rewriting_one_document_replaces_its_rows_only(frames, db, how):
    write_database(frames, url(db))
    target = "001_9d4ebbcf78c32af3.txt"
    before = {table: rows(db, table, with_id=table != "documents") for table in TABLE_COLUMNS}
    new = changed(frames, target)
    if how == "only-that-document":
        written = write_database(one_document(new, target), url(db))
    else:
        written = write_database(new, url(db), documents=[target])
    assert written == {name: int((frame["document"] == target).sum()) for name, frame in new.items()}
    for table in TABLE_COLUMNS:
        after = rows(db, table, with_id=table != "documents")
        skip = 0 if table == "documents" else 1  # the id column
        offset = skip + TABLE_COLUMNS[table].index("document")
        others_before = [row for row in before[table] if row[offset] != target]
        others_after = [row for row in after if row[offset] != target]
        assert others_after == others_before, table  # same rows, same ids: never deleted and re-inserted
        assert [row[skip:] for row in after if row[offset] == target] \
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
    before = {table: rows(db, table, with_id=True) if table != "documents" else rows(db, table) for table in TABLE_COLUMNS}
    real = database.frame_rows

    def fail_on_issues(frame, documents):
        if list(frame.columns) == list(TABLE_COLUMNS["issues"]):
            raise RuntimeError("connection lost")
        return real(frame, documents)

    monkeypatch.setattr(database, "frame_rows", fail_on_issues)  # actions and documents already replaced
    with pytest.raises(RuntimeError, match="connection lost"):
        write_database(changed(frames, "003_2a6c1f8cccd38286.txt"), url(db))
    after = {table: rows(db, table, with_id=True) if table != "documents" else rows(db, table) for table in TABLE_COLUMNS}
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
    got = _query(path, "SELECT lead_source FROM actions WHERE document = ? ORDER BY id", target)
    assert got == [(value,) for value in frames["actions"].loc[frames["actions"]["document"] == target, "lead_source"]]
    assert _query(path, "SELECT count(*) FROM actions") == [(len(frames["actions"]),)]
    assert _query(path, "SELECT count(*) FROM actions WHERE lead_source IS NULL") \
        == [(int((frames["actions"]["document"] != target).sum()),)]
