"""The dataset in a SQL database (any SQLAlchemy URL), updated document by document.

Unlike the file writers, which replace a whole dataset folder, :func:`write_database` keeps
one long-lived database current: a batch replaces the rows of the documents it converted and
leaves every other document's rows alone, so a team can point many runs at one PostgreSQL
database (or a local SQLite file) and query the union.

>>> write_database(frames, "sqlite:///plans.sqlite")                    # doctest: +SKIP
{'actions': 194, 'documents': 5, 'issues': 66, 'glossary': 29, 'people': 23}
"""

from __future__ import annotations

from typing import Iterable, Iterator, Mapping, Sequence

import pandas as pd
import sqlalchemy as sa

from actionplans.export.tables import INTEGER_COLUMNS, TABLE_COLUMNS

DELETE_CHUNK = 500
"""Documents per ``DELETE ... WHERE document IN (...)``: well under SQLite's bound-variable limit."""


def write_database(
    frames: Mapping[str, pd.DataFrame],
    url: str,
    documents: Sequence[str] | None = None,
) -> dict[str, int]:
    """Write the dataset tables to the database at ``url``; returns rows written per table.

    Tables (and their indexes) are created when missing; a column the frames have and an
    existing table lacks is added, since the schema grows by adding columns. Then, in one
    transaction, the rows of ``documents`` are deleted from every table and the frames' rows
    for those documents inserted. ``documents`` defaults to every document in ``frames``;
    pass the re-converted ones to write only those out of frames that hold a whole dataset.
    A document listed but absent from ``frames`` (a deleted plan) just loses its rows.
    """
    if isinstance(documents, str):
        raise TypeError("documents must be a sequence of document names, not one string")
    chosen = list(dict.fromkeys(documents if documents is not None else frames_documents(frames)))
    _check_unique_documents(frames)
    metadata = frames_to_metadata(frames)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            metadata.create_all(connection, checkfirst=True)
            _add_missing_columns(connection, metadata)
            for table in metadata.tables.values():  # tables made by an older version may lack one
                for index in table.indexes:
                    index.create(connection, checkfirst=True)
            written = {}
            for name, table in metadata.tables.items():
                _delete_documents(connection, table, chosen)
                rows = list(frame_rows(frames[name], set(chosen)))
                if rows:
                    connection.execute(table.insert(), rows)
                written[name] = len(rows)
    finally:
        engine.dispose()
    return written


def frames_documents(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """Every document named in any table, in first-appearance order."""
    names: dict[str, None] = {}
    for frame in frames.values():
        if "document" in frame.columns:
            names.update(dict.fromkeys(str(value) for value in frame["document"]))
    return list(names)


def _check_unique_documents(frames: Mapping[str, pd.DataFrame]) -> None:
    # Two inputs with one file name (a/plan.pdf, b/plan.pdf) would mix their rows here.
    if "documents" in frames:
        names = frames["documents"]["document"]
        repeated = sorted(set(names[names.duplicated()]))
        if repeated:
            raise ValueError(f"document names repeated in the documents table: {', '.join(repeated)}")


def frames_to_metadata(frames: Mapping[str, pd.DataFrame]) -> sa.MetaData:
    """Table definitions for the frames: integers for counts and positions, text otherwise.

    ``documents`` is keyed by ``document``; the other tables get a surrogate ``id`` key (their
    rows have no natural key: two actions may share document, table, row and ref) and an index
    on ``document``, which is what the per-document delete and most queries filter on.
    """
    metadata = sa.MetaData()
    for name, frame in frames.items():
        if "document" not in frame.columns:
            raise ValueError(f"table {name!r} has no 'document' column; cannot replace its rows per document")
        columns = [_column(name, column) for column in _ordered_columns(name, frame)]
        if name != "documents":
            columns.insert(0, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True))
        table = sa.Table(name, metadata, *columns)
        if name != "documents":  # its primary key already indexes document
            sa.Index(f"ix_{name}_document", table.c.document)
        if name == "actions" and "due_date" in table.c:
            sa.Index("ix_actions_due_date", table.c.due_date)
    return metadata


def _ordered_columns(name: str, frame: pd.DataFrame) -> list[str]:
    # Schema order first, so a database created from a partial frame still reads like the schema.
    known = [column for column in TABLE_COLUMNS.get(name, ()) if column in frame.columns]
    return known + [column for column in frame.columns if column not in known]


def _column(table: str, column: str) -> sa.Column:
    kind = sa.Integer if column in INTEGER_COLUMNS else sa.Text
    if table == "documents" and column == "document":
        return sa.Column(column, kind, primary_key=True)
    return sa.Column(column, kind, nullable=True)


def _add_missing_columns(connection: sa.Connection, metadata: sa.MetaData) -> None:
    inspector = sa.inspect(connection)
    preparer = connection.dialect.identifier_preparer
    for table in metadata.tables.values():
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                kind = column.type.compile(dialect=connection.dialect)
                connection.execute(sa.text(
                    f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {preparer.format_column(column)} {kind}"))


def _delete_documents(connection: sa.Connection, table: sa.Table, documents: Sequence[str]) -> None:
    for start in range(0, len(documents), DELETE_CHUNK):
        chunk = documents[start:start + DELETE_CHUNK]
        connection.execute(table.delete().where(table.c.document.in_(chunk)))


def frame_rows(frame: pd.DataFrame, documents: set[str]) -> Iterator[dict[str, object]]:
    """The frame's rows for ``documents`` as plain Python values (``pd.NA`` -> ``None``)."""
    columns = list(frame.columns)
    for record in frame.itertuples(index=False, name=None):
        row = dict(zip(columns, _plain(record)))
        if row["document"] in documents:
            yield row


def _plain(values: Iterable[object]) -> Iterator[object]:
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            yield None
        elif hasattr(value, "item"):
            yield value.item()  # numpy scalars
        else:
            yield value
