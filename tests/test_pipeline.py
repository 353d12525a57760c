"""The whole pipeline on the seed plans: golden datasets, nothing lost, bad input, CLI, API."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from actionplans.cli import main
from actionplans.evaluate import evaluate
from actionplans.pipeline import Settings, convert, convert_file, convert_to_frames
from actionplans.export import TABLE_COLUMNS, documents_to_frames
from extract.headers import HeaderSettings
from extract.tables import find_header
from ingest import read_document
from conftest import RAW, SEED_FILES, FIXTURES, GOLDEN, SHARED, converted_fixture

SEEDS = list(SEED_FILES)
UPDATE = os.environ.get("ACTIONPLANS_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def seed_results(seed_conversions):
    return seed_conversions


# --------------------------------------------------------------------------- golden files

def _golden_rows(result) -> dict[str, list[dict]]:
    frames = documents_to_frames([result])
    return {name: json.loads(frame.to_json(orient="records", date_format="iso", date_unit="s")) for name, frame in frames.items()}


@pytest.mark.parametrize("seed", [path.name for path in SEEDS])
def test_seed_dataset_matches_its_golden_file(seed, seed_results):
    """Any change in output is a visible diff. Regenerate on purpose with
    ACTIONPLANS_UPDATE_GOLDEN=1 pytest tests/test_pipeline.py, then review the diff."""
    got = _golden_rows(seed_results[seed])
    path = GOLDEN / f"{Path(seed).stem}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got["actions"] == expected["actions"]
    assert got == expected


def test_golden_switch_is_off_in_ci():
    if os.environ.get("CI"):
        assert not UPDATE, "ACTIONPLANS_UPDATE_GOLDEN must not be set in CI"
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(p.stem for p in SEEDS)


# --------------------------------------------------------------------------- nothing lost

_WORD = re.compile(r"[a-z]+|[0-9]+")  # "IN18" is printed as "IN 18" in links
_MARKER = re.compile(r"^(?:[ivx]+|[a-h]|\d)$")


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if not _MARKER.match(word)}


@pytest.mark.parametrize("seed", [path.name for path in SEEDS])
def test_every_non_empty_source_cell_reaches_the_output(seed, seed_results):
    """Each data cell's words are in an action field, a context field, the glossary/people
    tables or an issues row (header-row labels are the schema, not data)."""
    frames = documents_to_frames([seed_results[seed]])
    output = set()
    for name, frame in frames.items():
        for column in frame.columns:
            output |= _words(" ".join(map(str, frame[column].tolist())))
    document = read_document(RAW / seed)
    missing = []
    for table in document.tables:
        span = find_header([tuple(r) for r in table.rows], HeaderSettings())
        header_rows = set(range(span[0], span[1] + 1)) if span else set()
        for index, row in enumerate(table.rows):
            if index in header_rows:
                continue
            for cell in row:
                if cell is not None and not cell.is_empty and not _words(cell.text) <= output:
                    missing.append((index, cell.text[:80], sorted(_words(cell.text) - output)[:5]))
    assert not missing, missing[:5]


# --------------------------------------------------------------------------- against the gold

@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="shared/gold not beside the checkout")
def test_seed_plans_meet_the_gold_targets(tmp_path, seed_results):
    frames = documents_to_frames(seed_results.values())
    frames["actions"].to_csv(tmp_path / "actions.csv", index=False)
    result = evaluate(SHARED / "gold", [tmp_path / "actions.csv"])
    assert result["recall"] >= 0.97 and result["precision"] >= 0.95
    assert result["fields"]["ref"] >= 0.95
    for field in ("start", "due", "status", "rag", "lead_people", "area"):
        assert result["fields"][field] >= 0.97, (field, result["fields"])


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").is_file(), reason="shared/eval not beside the checkout")
def test_evaluate_agrees_with_the_yardstick(tmp_path, seed_results):
    frames = documents_to_frames(seed_results.values())
    frames["actions"].to_csv(tmp_path / "actions.csv", index=False)
    ours = evaluate(SHARED / "gold", [tmp_path / "actions.csv"])
    run = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(SHARED / "gold"), str(tmp_path / "actions.csv")],
                         capture_output=True, text=True, check=True)
    theirs = json.loads(run.stdout)
    for key in ("recall", "precision", "f1", "field_accuracy", "fields", "records"):
        assert ours[key] == theirs[key], key


# --------------------------------------------------------------------------- bad input

def _convert_one(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return convert_file(path).record


def test_empty_file_is_skipped_with_a_reason(tmp_path):
    record = _convert_one(tmp_path, "empty.txt", b"")
    assert (record.status, record.error) == ("skipped", "empty file")


def test_binary_file_fails_with_a_reason(tmp_path):
    record = _convert_one(tmp_path, "image.txt", bytes(range(256)) * 8)
    assert record.status == "failed" and "binary" in record.error


def test_text_without_tables_is_skipped(tmp_path):
    record = _convert_one(tmp_path, "letter.txt", b"Dear colleague,\n\nPlease find the plan attached.\n")
    assert record.status == "skipped" and "no tables" in record.error


def test_windows_encoded_export_is_read(tmp_path):
    text = (RAW / "000_b6eaf09ee790a9e5.txt").read_text(encoding="utf-8").replace("\u2013", "-")
    path = tmp_path / "plan-cp1252.txt"
    path.write_bytes((text + "\tCafé ‘quoted’\n").encode("cp1252"))
    result = convert_file(path)
    assert result.record.status == "success"
    assert len(result.actions) == 30
    assert any(issue.code == "decoded-encoding" for issue in result.issues)


def test_unreadable_folder_entry_fails_and_the_batch_goes_on(tmp_path):
    (tmp_path / "plan.txt").write_bytes((RAW / "004_466c596bdae4b96c.txt").read_bytes())
    (tmp_path / "gone.txt").symlink_to(tmp_path / "does-not-exist.txt")
    dataset = convert([tmp_path])
    records = {d.record.document: d.record for d in dataset.documents}
    assert records["gone.txt"].status == "failed" and records["gone.txt"].error.startswith("cannot open file")
    assert records["plan.txt"].status == "success" and records["plan.txt"].actions == 9


def test_missing_input_path_is_a_failed_row(tmp_path):
    dataset = convert([tmp_path / "nowhere"])
    assert dataset.documents[0].record.status == "failed"
    assert dataset.documents[0].record.error == "no such file or folder"


def test_old_binary_word_file_says_how_to_convert(tmp_path):
    record = _convert_one(tmp_path, "plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert record.status == "failed" and ".docx" in record.error


# --------------------------------------------------------------------------- CLI and API

def test_cli_converts_the_seeds_and_writes_every_table(tmp_path):
    result = CliRunner().invoke(main, ["convert", str(RAW), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "5 files" in result.output and "194 actions" in result.output
    for table in TABLE_COLUMNS:
        assert (tmp_path / "out" / f"{table}.csv").is_file()
        assert (tmp_path / "out" / f"{table}.jsonl").is_file()
    assert (tmp_path / "out" / "dataset.xlsx").is_file()
    summary = json.loads((tmp_path / "out" / "run.json").read_text())
    assert summary["actions"] == 194 and summary["files"] == 5


def test_cli_exit_status_is_1_when_a_file_failed(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "plan.txt").write_bytes((RAW / "004_466c596bdae4b96c.txt").read_bytes())
    (tmp_path / "in" / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    result = CliRunner().invoke(main, ["convert", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "failed: broken.pdf" in result.output
    documents = pd.read_csv(tmp_path / "out" / "documents.csv")
    assert list(documents["status"]) == ["failed", "success"]


def test_cli_usage_error_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["convert", str(RAW), "--format", "docx", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown format" in result.output


@pytest.mark.parametrize("command", ["convert", "evaluate", "inspect"])
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert len(main.commands[command].help or "") > 20


def test_python_api_returns_the_same_tables(seed_results):
    frames = convert_to_frames(RAW)
    assert set(frames) == set(TABLE_COLUMNS)
    assert list(frames["actions"].columns) == list(TABLE_COLUMNS["actions"])
    assert len(frames["actions"]) == sum(len(r.actions) for r in seed_results.values())


def test_parallel_conversion_gives_the_same_dataset():
    one = convert([RAW], Settings(), jobs=1).frames
    two = convert([RAW], Settings(), jobs=2).frames
    for name in one:
        pd.testing.assert_frame_equal(one[name], two[name])


def test_every_action_is_traceable_to_table_and_row(seed_results):
    for result in seed_results.values():
        for action in result.actions:
            assert action.table >= 1 and action.row >= 1


# --------------------------------------------------------------------------- every format alike

COMPARED = ["ref", "area", "action", "lead", "lead_people", "lead_roles", "timescale", "start_date", "due_date", "status", "rag"]


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
@pytest.mark.parametrize("seed", [path.stem for path in SEEDS])
def test_renderings_of_a_seed_give_the_text_exports_actions(fmt, seed, seed_results):
    rendered = converted_fixture(FIXTURES / fmt / f"seed_{seed}.{fmt}")
    expected = documents_to_frames([seed_results[f"{seed}.txt"]])["actions"][COMPARED]
    got = documents_to_frames([rendered])["actions"]
    pd.testing.assert_frame_equal(got[COMPARED].reset_index(drop=True), expected.reset_index(drop=True))
    if fmt == "pdf":
        assert got["page"].notna().all() and (got["page"] >= 1).all()


def test_every_issue_code_written_is_in_the_catalogue(seed_results):
    from ingest.issues import ISSUE_TYPES

    results = list(seed_results.values())
    for folder in ("pdf", "docx", "html"):
        results += [converted_fixture(path) for path in sorted((FIXTURES / folder).iterdir()) if path.suffix in (".pdf", ".docx", ".html", ".doc")]
    codes = {issue.code for result in results for issue in result.issues}
    codes |= {code for result in results for action in result.actions for code in action.issues}
    assert codes - set(ISSUE_TYPES) == set()
    assert len(codes) >= 15  # the fixtures exercise most of the catalogue
