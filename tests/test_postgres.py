"""``--db`` against a real PostgreSQL server (a throwaway one: see postgres_server.py).

Skipped where Debian's ``postgresql`` or the ``postgres`` extra is missing, except under CI
(``.ci/run`` installs both), where that fails.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import postgres_server
import pytest
from click.testing import CliRunner
from test_identity import SQL_RECIPE, overdue_from_text

from actionplans.cli import main
from actionplans.export.database import ADVISORY_LOCK_ID
from conftest import RAW, ROOT

SEEDS = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="session")
def postgres():
    bin_folder = postgres_server.find_binaries()
    missing = None if bin_folder else "PostgreSQL server binaries (Debian package postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing = "the psycopg driver (pip install -e '.[postgres]')"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} not installed; .ci/run installs it")
        pytest.skip(f"{missing} not installed")
    server = postgres_server.start(bin_folder)
    yield server
    postgres_server.stop(server)


_numbers = itertools.count(1)


@pytest.fixture()
def database(postgres) -> str:
    """A fresh database on the shared server; its URL."""
    return postgres.create_database(f"test_{next(_numbers)}")


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    """One cache for every run here: each seed is converted once, whatever the test."""
    return tmp_path_factory.mktemp("pg-cache")


@pytest.fixture()
def plans(tmp_path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    for path in SEEDS:
        shutil.copy2(path, folder / path.name)
    return folder


def run(plans: Path, url: str, cache: Path, *options: str) -> tuple[int, str]:
    out = plans.parent / "out"
    result = CliRunner().invoke(main, ["convert", str(plans), "--out", str(out), "-j", "1", "--cache", str(cache),
                                       "--format", "csv", "--db", url, *options])
    return result.exit_code, result.output


def query(url: str, sql: str, *parameters) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as connection:
        return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]


def execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute(sql)


def table_rows(url: str) -> dict[str, list[tuple]]:
    tables = ["documents", "actions", "issues", "action_leads", "glossary", "people"]
    return {table: sorted(query(url, f'SELECT * FROM "{table}"'), key=repr) for table in tables}


def test_re_runs_are_idempotent_and_keys_do_not_move(plans, database, shared_cache):
    code, output = run(plans, database, shared_cache)
    assert code == 0, output
    first = table_rows(database)
    assert len(first["documents"]) == 5 and len(first["actions"]) > 150
    code, output = run(plans, database, shared_cache)
    assert code == 0 and "database: " in output
    assert table_rows(database) == first
    assert query(database, "SELECT count(*), count(DISTINCT action_id) FROM actions") == [(len(first["actions"]),) * 2]


def test_one_changed_file_changes_only_its_rows(plans, database, shared_cache):
    run(plans, database, shared_cache)
    before = table_rows(database)
    target = plans / "004_466c596bdae4b96c.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("PMAE sub group", "PMAE Sub-Group"), encoding="utf-8")
    code, output = run(plans, database, shared_cache)
    assert code == 0, output
    assert "1 converted, 4 from cache" in output
    after = table_rows(database)
    for table in before:
        column = 1 if table in ("actions", "action_leads") else 0
        others = [row for row in before[table] if row[column] != target.name]
        assert [row for row in after[table] if row[column] != target.name] == others, table
    leads = [lead for (lead,) in query(database, "SELECT lead FROM actions WHERE document = %s", target.name)]
    assert "PMAE Sub-Group" in leads and not any("PMAE sub group" in (lead or "") for lead in leads)


def test_a_renamed_file_replaces_its_rows(plans, database, shared_cache):
    run(plans, database, shared_cache)
    count = query(database, "SELECT count(*) FROM actions")
    (plans / "001_9d4ebbcf78c32af3.txt").rename(plans / "plan 2013.txt")
    code, output = run(plans, database, shared_cache)
    assert code == 0, output
    assert "replaced 1 renamed documents: 001_9d4ebbcf78c32af3.txt -> plan 2013.txt" in output
    assert query(database, "SELECT count(*) FROM actions") == count
    assert query(database, "SELECT count(*) FROM documents WHERE document = %s", "001_9d4ebbcf78c32af3.txt") == [(0,)]


def test_prune_removes_documents_no_longer_among_the_inputs(plans, database, shared_cache):
    run(plans, database, shared_cache)
    gone = "002_93871fd4ab8d0ecd.txt"
    (plans / gone).unlink()
    code, output = run(plans, database, shared_cache)
    assert code == 0 and query(database, "SELECT count(*) FROM documents") == [(5,)]  # kept without --prune
    code, output = run(plans, database, shared_cache, "--prune")
    assert code == 0, output
    assert f"pruned 1 documents no longer among the inputs: {gone}" in output
    for table in ("documents", "actions", "issues", "action_leads", "glossary", "people"):
        assert query(database, f'SELECT count(*) FROM "{table}" WHERE document = %s', gone) == [(0,)]


def test_names_with_quotes(plans, database, shared_cache):
    folder = plans / "council's \"final\" plans"
    folder.mkdir()
    name = "O'Brien; \"draft\" plan.txt"
    shutil.move(plans / "000_b6eaf09ee790a9e5.txt", folder / name)
    code, output = run(plans, database, shared_cache)
    assert code == 0, output
    document = f"council's \"final\" plans/{name}"
    assert query(database, "SELECT source_path FROM documents WHERE document = %s", document) == [(str(folder / name),)]
    assert query(database, "SELECT count(*) > 0 FROM actions WHERE document = %s", document) == [(True,)]


def test_columns_are_typed_and_missing_values_are_null(plans, database, shared_cache):
    run(plans, database, shared_cache)
    types = dict(query(database, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'actions'"))
    assert types["page"] == types["table"] == types["row"] == "integer"
    assert types["due_by"] == types["start_from"] == "date"
    assert types["due_date"] == types["status"] == "text"
    documents = dict(query(database, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'documents'"))
    assert documents["actions"] == documents["tables"] == "integer"
    assert query(database, "SELECT count(*) FROM actions WHERE status = '' OR lead = '' OR due_date = ''") == [(0,)]
    assert query(database, "SELECT count(*) > 0 FROM actions WHERE status IS NULL") == [(True,)]
    assert query(database, "SELECT due_by FROM actions WHERE due_date = '2014-03' LIMIT 1")[0][0].isoformat() == "2014-03-31"
    keys = query(database, """SELECT kcu.column_name FROM information_schema.table_constraints tc
                               JOIN information_schema.key_column_usage kcu USING (constraint_name, table_name)
                               WHERE tc.table_name = 'actions' AND tc.constraint_type = 'PRIMARY KEY'""")
    assert keys == [("action_id",)]


def test_sql_recipe_counts_what_the_due_date_text_says(plans, database, shared_cache):
    code, output = run(plans, database, shared_cache)
    assert code == 0, output
    rows = query(database, "SELECT due_date, status FROM actions")
    expected = overdue_from_text([due or "" for due, _ in rows], [status or "" for _, status in rows])
    assert expected > 10
    assert len(query(database, SQL_RECIPE)) == expected


def test_a_document_that_fails_keeps_its_stored_rows(tmp_path, database, shared_cache):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy2(ROOT / "tests" / "fixtures" / "docx" / "seed_001_9d4ebbcf78c32af3.docx", plans / "plan.docx")
    shutil.copy2(RAW / "004_466c596bdae4b96c.txt", plans / "other.txt")
    code, output = run(plans, database, shared_cache)
    assert code == 0, output
    stored = query(database, "SELECT * FROM actions WHERE document = 'plan.docx' ORDER BY action_id")
    assert stored
    (plans / "plan.docx").write_bytes(b"PK\x03\x04 damaged in transfer")
    code, output = run(plans, database, shared_cache)
    assert code == 1
    assert "failed: plan.docx" in output and "kept the stored rows of 1 failed documents: plan.docx" in output
    assert query(database, "SELECT * FROM actions WHERE document = 'plan.docx' ORDER BY action_id") == stored
    assert query(database, "SELECT status FROM documents WHERE document = 'plan.docx'") == [("success",)]


def test_concurrent_runs_queue_on_the_lock_and_write_each_row_once(plans, database, shared_cache, postgres):
    """Two runs start while the test holds the writers' lock: both wait, nothing is written;
    released, they write one after the other, and every row is there once."""
    import psycopg

    run(plans, database, shared_cache)  # fills the shared cache; the database is then emptied
    execute(database, "DROP TABLE documents, actions, issues, action_leads, glossary, people")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with psycopg.connect(database) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_ID,))
        runs = [subprocess.Popen([sys.executable, "-m", "actionplans.cli", "convert", str(plans), "--out", str(plans.parent / f"out{index}"),
                                  "-j", "1", "--cache", str(shared_cache), "--format", "csv", "--db", database],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for index in range(2)]
        while _lock_waiters(database) < 2:
            if any(process.poll() is not None for process in runs):
                pytest.fail(f"a run ended before reaching the lock: {[process.communicate() for process in runs]}")
            time.sleep(0.1)  # polling for the waiters; no outcome depends on timing
        assert query(database, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'actions'") == [(0,)]
        holder.rollback()  # releases the lock
    outputs = [process.communicate() for process in runs]
    assert [process.returncode for process in runs] == [0, 0], outputs
    counts = query(database, "SELECT count(*), count(DISTINCT action_id) FROM actions")
    assert counts[0][0] == counts[0][1] > 150
    assert query(database, "SELECT count(*) FROM documents") == [(5,)]


def _lock_waiters(url: str) -> int:
    return query(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")[0][0]
