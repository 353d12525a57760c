"""The dataset in a SQL database (any SQLAlchemy URL), updated document by document.

Unlike the file writers, which replace a whole dataset folder, :func:`write_database` keeps
one long-lived database current: a run replaces the rows of the documents it converted and
leaves every other document's rows alone, so a team can point many runs at one PostgreSQL
database (or a local SQLite file) and query the union.

What keeps it correct:

- one transaction per run, taken under a lock (``pg_advisory_xact_lock`` in PostgreSQL,
  ``BEGIN IMMEDIATE`` in SQLite), so concurrent runs queue instead of interleaving;
- keys that do not move: ``documents.document``, ``actions.action_id`` (derived from the
  file's content and the action's place), ``action_leads (action_id, position)`` and
  ``(document, seq)`` for the other tables, so a duplicated row is a key violation, never
  a silent double;
- a document that failed this run keeps the rows stored for it by an earlier run;
- a document whose bytes (SHA-256) match a stored document no longer among the inputs is
  that file renamed: the old rows are replaced, not doubled;
- ``prune`` removes the rows of stored documents that are no longer among the inputs.

>>> write_database(frames, "sqlite:///plans.sqlite").written                # doctest: +SKIP
{'actions': 194, 'documents': 5, 'issues': 100, 'action_leads': 389, 'glossary': 29, 'people': 23}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from actionplans.export.tables import DAY_DATE_COLUMNS, INTEGER_COLUMNS, TABLE_COLUMNS

DELETE_CHUNK = 500
"""Documents per ``DELETE ... WHERE document IN (...)``: well under SQLite's bound-variable limit."""

ADVISORY_LOCK_ID = 0x61637469_6F6E706C  # "actionpl": one lock for every actionplans writer of a PostgreSQL database
SQLITE_BUSY_SECONDS = 300.0
"""How long a SQLite writer waits for another run's write lock before giving up."""

POSTGRES_EXTRA = "pip install -e '.[postgres]'"

TABLE_KEYS: Mapping[str, tuple[str, ...]] = {
    "documents": ("document",),
    "actions": ("action_id",),
    "action_leads": ("action_id", "position"),
}
"""Primary keys; a table not listed is keyed by ``(document, seq)``."""
SEQ_COLUMN = "seq"
"""1-based order of a row within its document, for tables with no natural key."""


class DatabaseError(Exception):
    """The database cannot be used: a bad URL, a missing driver, no connection. One line,
    never the password."""


@dataclass(frozen=True)
class DatabaseReport:
    """What a write did, for the run's summary."""

    written: dict[str, int]  # rows inserted per table
    kept: tuple[str, ...] = ()  # failed this run: the rows an earlier run stored are kept
    renamed: tuple[tuple[str, str], ...] = ()  # (stored name, new name): same bytes, replaced
    pruned: tuple[str, ...] = ()  # no longer among the inputs: removed

    def lines(self) -> list[str]:
        lines = [
            f"database: {self.written.get('actions', 0)} actions of {self.written.get('documents', 0)} documents written"
        ]
        if self.kept:
            lines.append(f"  kept the stored rows of {len(self.kept)} failed documents: {', '.join(self.kept)}")
        if self.renamed:
            lines.append(
                f"  replaced {len(self.renamed)} renamed documents: "
                + ", ".join(f"{old} -> {new}" for old, new in self.renamed)
            )
        if self.pruned:
            lines.append(f"  pruned {len(self.pruned)} documents no longer among the inputs: {', '.join(self.pruned)}")
        return lines


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def check_database(url: str, connect: bool = True) -> sa.URL:
    """Check a database URL before any conversion: that it parses, that its driver is
    installed (naming the extra to install when not) and, with ``connect``, that it connects."""
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise DatabaseError(
            "not a database URL (expected e.g. sqlite:///plans.sqlite or postgresql://user@host/plans)"
        ) from None
    try:
        parsed.get_dialect().import_dbapi()
    except sa.exc.NoSuchModuleError:
        raise DatabaseError(f"no SQL dialect named {parsed.drivername!r}") from None
    except ImportError as error:
        hint = f"; install it with: {POSTGRES_EXTRA}" if parsed.get_backend_name() == "postgresql" else ""
        raise DatabaseError(
            f"the {parsed.get_backend_name()} driver is not installed ({error.name or error}){hint}"
        ) from None
    if connect:
        engine = _engine(parsed)
        try:
            with engine.connect():
                pass
        except sa.exc.SQLAlchemyError as error:
            raise DatabaseError(
                f"cannot connect to {parsed.render_as_string(hide_password=True)}: {_one_line(error)}"
            ) from None
        finally:
            engine.dispose()
    return parsed


def _one_line(error: BaseException) -> str:
    detail = getattr(error, "orig", None) or error
    return " ".join(str(detail).split())[:200]


def _engine(url: sa.URL) -> sa.Engine:
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url)
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    # pysqlite's own transaction handling starts transactions late and never as writers;
    # SQLAlchemy's documented recipe: take it over and BEGIN IMMEDIATE (the write lock) at once.
    @sa.event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def write_database(
    frames: Mapping[str, pd.DataFrame],
    url: str,
    documents: Sequence[str] | None = None,
    prune: bool = False,
) -> DatabaseReport:
    """Write the dataset tables to the database at ``url`` in one locked transaction.

    Tables (and indexes) are created when missing; a column the frames have and an existing
    table lacks is added. Then the rows of ``documents`` (default: every document in
    ``frames``) are replaced by the frames' rows for them, except that a document whose row
    says ``failed`` keeps what an earlier run stored. A document listed but absent from
    ``frames`` (a deleted plan) just loses its rows. See the module docstring for renames
    and ``prune``.
    """
    if isinstance(documents, str):
        raise TypeError("documents must be a sequence of document names, not one string")
    inputs = frames_documents(frames)
    chosen = list(dict.fromkeys(documents if documents is not None else inputs))
    _check_unique_documents(frames)
    metadata = frames_to_metadata(frames)
    engine = _engine(check_database(url, connect=False))
    try:
        with engine.begin() as connection:
            _lock(connection)
            metadata.create_all(connection, checkfirst=True)
            _add_missing_columns(connection, metadata)
            for table in metadata.tables.values():  # tables made by an older version may lack one
                for index in table.indexes:
                    index.create(connection, checkfirst=True)
            return _replace_documents(connection, metadata, frames, chosen, set(inputs), prune)
    finally:
        engine.dispose()


def _lock(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_ID})


def _replace_documents(
    connection: sa.Connection,
    metadata: sa.MetaData,
    frames: Mapping[str, pd.DataFrame],
    chosen: list[str],
    inputs: set[str],
    prune: bool,
) -> DatabaseReport:
    stored = _stored_documents(connection, metadata.tables["documents"]) if "documents" in metadata.tables else {}
    statuses = _column_by_document(frames, "status")
    hashes = _column_by_document(frames, "sha256")
    kept = [name for name in chosen if statuses.get(name) == "failed" and name in stored]
    writing = [name for name in chosen if name not in kept]
    renamed = [
        (old, name)
        for name in writing
        if hashes.get(name) and statuses.get(name) != "failed"
        for old, old_hash in stored.items()
        if old_hash == hashes[name] and old not in inputs
    ]
    replaced = {old for old, _ in renamed}
    pruned = sorted(name for name in stored if prune and name not in inputs and name not in replaced)
    removing = list(dict.fromkeys([*writing, *replaced, *pruned]))
    written = {}
    for name, table in metadata.tables.items():
        _delete_documents(connection, table, removing)
        rows = list(frame_rows(frames[name], set(writing), with_seq=SEQ_COLUMN in table.c))
        if rows:
            connection.execute(table.insert(), rows)
        written[name] = len(rows)
    return DatabaseReport(written, tuple(kept), tuple(renamed), tuple(pruned))


def _stored_documents(connection: sa.Connection, table: sa.Table) -> dict[str, str]:
    if "sha256" not in table.c:
        return {}
    return {row[0]: row[1] or "" for row in connection.execute(sa.select(table.c.document, table.c.sha256))}


def _column_by_document(frames: Mapping[str, pd.DataFrame], column: str) -> dict[str, str]:
    frame = frames.get("documents")
    if frame is None or column not in frame.columns:
        return {}
    return {str(name): "" if pd.isna(value) else str(value) for name, value in zip(frame["document"], frame[column])}


def frames_documents(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """Every document named in any table, in first-appearance order."""
    names: dict[str, None] = {}
    for frame in frames.values():
        if "document" in frame.columns:
            names.update(dict.fromkeys(str(value) for value in frame["document"]))
    return list(names)


def _check_unique_documents(frames: Mapping[str, pd.DataFrame]) -> None:
    # Two rows for one document would mix two files' rows under one name.
    if "documents" in frames:
        names = frames["documents"]["document"]
        repeated = sorted(set(names[names.duplicated()]))
        if repeated:
            raise ValueError(f"document names repeated in the documents table: {', '.join(repeated)}")


def frames_to_metadata(frames: Mapping[str, pd.DataFrame]) -> sa.MetaData:
    """Table definitions for the frames: integers for counts and positions, DATE for the
    real-date columns, text otherwise; the keys of :data:`TABLE_KEYS`, else
    ``(document, seq)``; an index on ``document`` (what the per-document delete and most
    queries filter on), on ``actions.due_by`` and on ``documents.sha256`` (renames)."""
    metadata = sa.MetaData()
    for name, frame in frames.items():
        if "document" not in frame.columns:
            raise ValueError(f"table {name!r} has no 'document' column; cannot replace its rows per document")
        names = _ordered_columns(name, frame)
        key = TABLE_KEYS.get(name, ("document", SEQ_COLUMN))
        columns = [_column(column, primary=column in key) for column in names]
        if SEQ_COLUMN in key:
            columns.append(sa.Column(SEQ_COLUMN, sa.Integer, primary_key=True, autoincrement=False))
        table = sa.Table(name, metadata, *columns)
        if name != "documents":  # its primary key is the document
            sa.Index(f"ix_{name}_document", table.c.document)
        for column in ("due_by", "due_date") if name == "actions" else ("sha256",) if name == "documents" else ():
            if column in table.c:
                sa.Index(f"ix_{name}_{column}", table.c[column])
    return metadata


def _ordered_columns(name: str, frame: pd.DataFrame) -> list[str]:
    # Schema order first, so a database created from a partial frame still reads like the schema.
    known = [column for column in TABLE_COLUMNS.get(name, ()) if column in frame.columns]
    return known + [column for column in frame.columns if column not in known]


def _column(column: str, primary: bool) -> sa.Column:
    kind = sa.Integer if column in INTEGER_COLUMNS else sa.Date if column in DAY_DATE_COLUMNS else sa.Text
    if primary:
        return sa.Column(column, kind, primary_key=True, autoincrement=False)
    return sa.Column(column, kind, nullable=True)


def _add_missing_columns(connection: sa.Connection, metadata: sa.MetaData) -> None:
    inspector = sa.inspect(connection)
    preparer = connection.dialect.identifier_preparer
    for table in metadata.tables.values():
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                kind = column.type.compile(dialect=connection.dialect)
                connection.execute(
                    sa.text(
                        f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {preparer.format_column(column)} {kind}"
                    )
                )


def _delete_documents(connection: sa.Connection, table: sa.Table, documents: Sequence[str]) -> None:
    for start in range(0, len(documents), DELETE_CHUNK):
        chunk = documents[start : start + DELETE_CHUNK]
        connection.execute(table.delete().where(table.c.document.in_(chunk)))


def frame_rows(frame: pd.DataFrame, documents: set[str], with_seq: bool = False) -> Iterator[dict[str, object]]:
    """The frame's rows for ``documents`` as plain Python values (``pd.NA`` -> ``None``,
    timestamps -> dates), numbered 1, 2, ... within each document when ``with_seq``."""
    columns = list(frame.columns)
    seq: dict[object, int] = {}
    for record in frame.itertuples(index=False, name=None):
        row = dict(zip(columns, _plain(record)))
        if row["document"] in documents:
            if with_seq:
                seq[row["document"]] = seq.get(row["document"], 0) + 1
                row[SEQ_COLUMN] = seq[row["document"]]
            yield row


def _plain(values: Iterable[object]) -> Iterator[object]:
    for value in values:
        if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
            yield None
        elif isinstance(value, dt.datetime):
            yield value.date()  # the real-date columns (pandas holds dates as Timestamps)
        elif hasattr(value, "item"):
            yield value.item()  # numpy scalars
        else:
            yield value
