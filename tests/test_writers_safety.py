"""The dataset owns only its files: writing never moves or deletes anything else in OUT.

Each case is built small inside the test, in an OUT that also holds a user's own files.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import stat
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from actionplans.cli import main
from actionplans.export import write_dataset
from actionplans.export import writers
from actionplans.export.tables import TABLE_COLUMNS, documents_to_frames
from actionplans.export.writers import MANIFEST_NAME, STAGING_PREFIX, XLSX_MAX_CELL, ForeignFile, dataset_files
from actionplans.pipeline import convert_file

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
GOOD_PLAN = RAW / "004_466c596bdae4b96c.txt"


@pytest.fixture(scope="module")
def frames():
    return documents_to_frames([convert_file(GOOD_PLAN)])


def _project(folder: Path) -> dict[str, bytes]:
    """A user's project folder: plans, notes, a subfolder they cannot write; returns its files."""
    (folder / "plans").mkdir(parents=True)
    (folder / "plans" / "plan.txt").write_bytes(GOOD_PLAN.read_bytes())
    (folder / "notes.md").write_text("my notes", encoding="utf-8")
    (folder / "locked").mkdir()
    (folder / "locked" / "keep.txt").write_text("do not lose me", encoding="utf-8")
    os.chmod(folder / "locked", 0o500)
    return _user_files(folder)


def _user_files(folder: Path) -> dict[str, bytes]:
    ours = set(dataset_files(writers.FORMATS)) | {"run.json", MANIFEST_NAME, writers.LOCK_NAME}
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name not in ours}


def _fail_in(monkeypatch, name: str) -> None:
    real = writers.WRITERS[name]

    def write_then_fail(frames, folder, **options):
        real(frames, folder, **options)
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(writers.WRITERS, name, write_then_fail)


def test_a_failed_write_into_a_project_folder_keeps_every_user_file(frames, tmp_path, monkeypatch):
    before = _project(tmp_path / "project")
    _fail_in(monkeypatch, "xlsx")
    with pytest.raises(OSError, match="No space left"):
        write_dataset(frames, tmp_path / "project", ["csv", "jsonl", "xlsx"])
    assert _user_files(tmp_path / "project") == before
    assert not list((tmp_path / "project").glob("*.csv"))
    assert not list((tmp_path / "project").glob(f"{STAGING_PREFIX}*"))


def test_a_successful_write_into_a_project_folder_adds_only_dataset_files(frames, tmp_path):
    before = _project(tmp_path / "project")
    written = write_dataset(frames, tmp_path / "project", ["csv", "xlsx"])
    assert _user_files(tmp_path / "project") == before
    assert sorted(path.name for path in written.files) == sorted(dataset_files(["csv", "xlsx"]))
    hidden = {path.name for path in (tmp_path / "project").iterdir() if path.name.startswith(".")}
    assert hidden == {MANIFEST_NAME, writers.LOCK_NAME}


def test_the_cli_failing_to_write_keeps_user_files_and_says_why(tmp_path, monkeypatch):
    project = tmp_path / "project"
    before = _project(project)
    _fail_in(monkeypatch, "jsonl")
    result = CliRunner().invoke(main, ["convert", str(GOOD_PLAN), "--out", str(project), "--jobs", "1", "--max-memory", "0", "--no-cache"])
    assert result.exit_code == 1
    assert "cannot write the dataset" in result.output and "No space left on device" in result.output
    assert _user_files(project) == before


def test_a_failure_leaves_the_previous_dataset_byte_identical(frames, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_dataset(frames, out, ["csv", "jsonl", "sqlite"], extra_files={"run.json": "{}"})
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    _fail_in(monkeypatch, "sqlite")
    with pytest.raises(OSError):
        write_dataset({name: frame.head(1) for name, frame in frames.items()}, out, ["csv", "jsonl", "sqlite"])
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == before


def test_a_rename_failing_midway_through_the_swap_restores_the_previous_files(frames, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_dataset(frames, out, ["csv"])
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    real_rename = os.rename
    calls = []

    def rename(source, target):
        calls.append(target)
        if Path(target).parent == out and Path(target).name == "issues.csv" and Path(source).parent.name != ".previous":
            raise OSError(5, "Input/output error")  # the new file cannot go in; the old one can go back
        return real_rename(source, target)

    monkeypatch.setattr(writers.os, "rename", rename)
    with pytest.raises(OSError, match="Input/output"):
        write_dataset({name: frame.head(1) for name, frame in frames.items()}, out, ["csv"])
    monkeypatch.undo()
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == before
    assert calls, "the swap was reached"


def test_a_staging_folder_left_by_a_killed_run_is_removed_next_run(frames, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = out / f"{STAGING_PREFIX}999999999-abc"  # no such process
    dead.mkdir()
    (dead / "actions.csv").write_text("half a dataset", encoding="utf-8")
    alive = out / f"{STAGING_PREFIX}{os.getppid()}-def"  # a concurrent run still writing
    alive.mkdir()
    write_dataset(frames, out, ["csv"])
    assert not dead.exists()
    assert alive.exists()


def test_the_output_folder_keeps_its_permissions(frames, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.chmod(out, 0o775)
    write_dataset(frames, out, ["csv"])
    write_dataset(frames, out, ["csv", "jsonl"])
    assert stat.S_IMODE(out.stat().st_mode) == 0o775


def test_files_of_formats_not_written_this_run_are_removed_and_listed(frames, tmp_path):
    out = tmp_path / "out"
    write_dataset(frames, out, ["csv", "parquet"], extra_files={"run.json": "{}"})
    (out / "mine.parquet").write_bytes(b"the user's own parquet file")
    written = write_dataset(frames, out, ["csv"], extra_files={"run.json": "{}"})
    assert sorted(written.removed) == sorted(dataset_files(["parquet"]))
    assert not any((out / name).exists() for name in dataset_files(["parquet"]))
    assert (out / "mine.parquet").read_bytes() == b"the user's own parquet file"


def test_the_cli_summary_lists_removed_files(tmp_path):
    out = tmp_path / "out"
    args = ["convert", str(GOOD_PLAN), "--out", str(out), "--jobs", "1", "--max-memory", "0"]
    assert CliRunner().invoke(main, [*args, "--format", "csv,jsonl"]).exit_code == 0
    result = CliRunner().invoke(main, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    removed = sorted(dataset_files(["jsonl"]))
    assert f"removed {len(TABLE_COLUMNS)} files of formats not written this run: {', '.join(removed)}" in result.output
    assert json.loads((out / "run.json").read_text())["removed"] == sorted(dataset_files(["jsonl"]))
    assert [path.name for path in out.glob("*.jsonl")] == ["sources.jsonl"]  # the review page's side file stays


def test_a_file_we_did_not_write_under_a_dataset_name_is_never_replaced(frames, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "people.csv").write_text("name,phone\nJane,0123\n", encoding="utf-8")
    with pytest.raises(ForeignFile, match="people.csv was not written by actionplans"):
        write_dataset(frames, out, ["csv"])
    assert (out / "people.csv").read_text(encoding="utf-8") == "name,phone\nJane,0123\n"
    assert sorted(path.name for path in out.iterdir()) == ["people.csv"]


def test_a_dataset_written_before_the_manifest_is_recognised_by_its_run_json(frames, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in dataset_files(["csv", "jsonl"]):
        (out / name).write_text("old", encoding="utf-8")
    (out / "run.json").write_text(json.dumps({"version": "0.1.0", "formats": ["csv"]}), encoding="utf-8")
    written = write_dataset(frames, out, ["csv"], extra_files={"run.json": "{}"})
    assert sorted(written.removed) == sorted(dataset_files(["jsonl"]))
    assert (out / "actions.csv").read_text(encoding="utf-8") != "old"


# --------------------------------------------------------------------------- spreadsheet safety

RISKY = ["=HYPERLINK(\"http://x\",\"click\")", "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)", "\tindented", "plain"]


@pytest.fixture(scope="module")
def risky_frames(frames):
    actions = frames["actions"].head(len(RISKY)).copy()
    actions["action"] = pd.array(RISKY, dtype="string")
    return {**frames, "actions": actions}


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(risky_frames, tmp_path):
    write_dataset(risky_frames, tmp_path / "out", ["csv"])
    with open(tmp_path / "out" / "actions.csv", newline="", encoding="utf-8") as handle:
        written = [row["action"] for row in csv.DictReader(handle)]
    assert written == ["'" + value for value in RISKY[:-1]] + ["plain"]


def test_a_cell_starting_with_a_carriage_return_gets_the_apostrophe_too():
    # (the dataset's tables never hold a CR: documents_to_frames shows it as an escape)
    safe = writers.formula_safe(pd.DataFrame({"text": pd.array(["\rreturn", "fine", "", "-", "="], dtype="string")}))
    assert safe["text"].tolist() == ["'\rreturn", "fine", "", "-", "'="]  # a lone dash is a plan's "none", no formula


def test_csv_raw_keeps_the_text_as_read(risky_frames, tmp_path):
    write_dataset(risky_frames, tmp_path / "out", ["csv"], csv_raw=True)
    with open(tmp_path / "out" / "actions.csv", newline="", encoding="utf-8") as handle:
        assert [row["action"] for row in csv.DictReader(handle)] == RISKY


def test_jsonl_parquet_and_sqlite_keep_the_text_raw(risky_frames, tmp_path):
    out = tmp_path / "out"
    write_dataset(risky_frames, out, ["jsonl", "parquet", "sqlite"])
    jsonl = [json.loads(line)["action"] for line in (out / "actions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert jsonl == RISKY
    assert pq.read_table(out / "actions.parquet").column("action").to_pylist() == RISKY
    with sqlite3.connect(out / writers.SQLITE_NAME) as connection:
        assert [row[0] for row in connection.execute('SELECT action FROM actions ORDER BY rowid')] == RISKY


def test_a_file_named_like_a_formula_is_text_in_every_csv(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "=HYPERLINK(1).txt").write_bytes(GOOD_PLAN.read_bytes())
    result = CliRunner().invoke(main, ["convert", str(plans), "--out", str(tmp_path / "out"), "--jobs", "1", "--max-memory", "0", "--format", "csv"])
    assert result.exit_code == 0, result.output
    for table in ("actions", "documents", "issues"):
        with open(tmp_path / "out" / f"{table}.csv", newline="", encoding="utf-8") as handle:
            documents = {row["document"] for row in csv.DictReader(handle)}
        assert documents == {"'=HYPERLINK(1).txt"}


def test_a_cell_longer_than_excel_allows_is_cut_in_the_workbook_with_an_issue(frames, tmp_path):
    long_text = "word " * 8000  # 40,000 characters
    actions = frames["actions"].copy()
    actions.loc[0, "progress"] = long_text
    out = tmp_path / "out"
    write_dataset({**frames, "actions": actions}, out, ["csv", "jsonl", "xlsx"])
    sheet = load_workbook(out / writers.XLSX_NAME, read_only=True)["actions"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    first = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert first[header.index("progress")] == long_text[:XLSX_MAX_CELL]
    assert pd.read_csv(out / "actions.csv", keep_default_na=False)["progress"][0] == long_text
    issues = pd.read_csv(out / "issues.csv", keep_default_na=False)
    cut = issues[issues["code"] == "truncated-cell"]
    assert len(cut) == 1
    assert cut.iloc[0]["column"] == "progress" and cut.iloc[0]["action_id"] == actions.loc[0, "action_id"]
    assert "40,000 characters" in cut.iloc[0]["message"]
    assert len(pd.read_json(out / "issues.jsonl", lines=True).query("code == 'truncated-cell'")) == 1


def test_two_writers_on_one_folder_keep_user_files_and_leave_one_whole_dataset(frames, tmp_path):
    import threading

    out = tmp_path / "out"
    before = _project(out)
    small = {name: frame.head(1) for name, frame in frames.items()}
    errors = []

    def write(chosen):
        try:
            write_dataset(chosen, out, ["csv", "jsonl", "sqlite"])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(chosen,)) for chosen in (frames, small, frames, small)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _user_files(out) == before
    lengths = {len(pd.read_csv(out / f"{name}.csv")) for name in ("actions",)} | {
        len((out / "actions.jsonl").read_text(encoding="utf-8").splitlines())}
    assert len(lengths) == 1  # csv and jsonl come from the same run
    assert not list(out.glob(f"{STAGING_PREFIX}*"))
