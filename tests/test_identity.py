"""Identities and types an analyst can build on: document names relative to their input
folder, stable action ids, the action_leads table, real dates and real nulls, and the
README's "overdue" recipes."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from actionplans.cli import main
from actionplans.export import write_dataset
from actionplans.export.tables import date_bounds
from actionplans.export.writers import SQLITE_NAME
from actionplans.pipeline import convert, discover_inputs, unique_document_names
from conftest import RAW, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")

PLAN = """{council} improvement plan, March 2013

Ref\tAction\tLead\tTimescale\tStatus
1\tAudit case files for missing visits\tJane Smith, Head of Service\tJune 2013\tCompleted
2\tTrain staff on the new referral form\tTraining Team\tby 15 May 2013\t
3\tReview the quality assurance framework\tQA Manager\tApril 2013 - March 2014\tIn progress
"""


def write_plan(path: Path, council: str = "Riverside Council") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PLAN.format(council=council), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- document names

@pytest.mark.parametrize("candidates, expected", [
    ([("plan.txt", "a", "a/plan.txt"), ("other.txt", "b", "b/other.txt")], ["plan.txt", "other.txt"]),
    ([("plan.txt", "a", "a/plan.txt"), ("plan.txt", "b", "b/plan.txt")], ["a/plan.txt", "b/plan.txt"]),
    ([("sub/plan.txt", "in", "x/in/sub/plan.txt"), ("sub/plan.txt", "in", "y/in/sub/plan.txt")],
     ["x/in/sub/plan.txt", "y/in/sub/plan.txt"]),
    ([("plan.txt", "a", "plan.txt"), ("plan.txt", "a", "./plan.txt"), ("plan.txt", "a", "plan.txt")],
     ["plan.txt", "plan.txt~2", "plan.txt~3"]),
])
def test_unique_document_names(candidates, expected):
    assert unique_document_names(candidates) == expected


def test_documents_are_named_by_their_path_within_the_input_folder(tmp_path):
    write_plan(tmp_path / "plans" / "councilA" / "action_plan.txt", "Council A")
    write_plan(tmp_path / "plans" / "councilB" / "action_plan.txt", "Council B")
    single = write_plan(tmp_path / "loose" / "single.txt", "Council C")
    found, problems = discover_inputs([tmp_path / "plans", single])
    assert problems == []
    assert [(item.document, item.source_path) for item in found] == [
        ("councilA/action_plan.txt", str(tmp_path / "plans" / "councilA" / "action_plan.txt")),
        ("councilB/action_plan.txt", str(tmp_path / "plans" / "councilB" / "action_plan.txt")),
        ("single.txt", str(single)),
    ]


def test_same_named_files_in_two_folders_are_two_documents_in_every_format(tmp_path):
    write_plan(tmp_path / "north" / "plan.txt", "North Council")
    write_plan(tmp_path / "south" / "plan.txt", "South Council")
    dataset = convert([tmp_path / "north", tmp_path / "south"])
    frames = dataset.frames
    assert list(frames["documents"]["document"]) == ["north/plan.txt", "south/plan.txt"]
    assert list(frames["documents"]["source_path"]) == [str(tmp_path / "north" / "plan.txt"), str(tmp_path / "south" / "plan.txt")]
    assert frames["actions"].groupby("document").size().to_dict() == {"north/plan.txt": 3, "south/plan.txt": 3}
    assert frames["actions"]["action_id"].is_unique
    out = tmp_path / "out"
    write_dataset(frames, out, ["csv", "jsonl", "sqlite", "parquet", "xlsx"])
    assert list(pd.read_csv(out / "documents.csv")["document"]) == ["north/plan.txt", "south/plan.txt"]
    assert [json.loads(line)["document"] for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()] \
        == ["north/plan.txt", "south/plan.txt"]
    assert list(pd.read_parquet(out / "documents.parquet")["document"]) == ["north/plan.txt", "south/plan.txt"]
    with sqlite3.connect(out / SQLITE_NAME) as connection:
        assert connection.execute("SELECT document, count(*) FROM actions GROUP BY document ORDER BY 1").fetchall() \
            == [("north/plan.txt", 3), ("south/plan.txt", 3)]
        assert connection.execute("SELECT count(*) FROM documents").fetchall() == [(2,)]
    assert [document.record.title for document in dataset.documents] == ["North Council improvement plan, March 2013",
                                                                         "South Council improvement plan, March 2013"]


def test_a_file_given_directly_is_named_by_its_file_name(tmp_path):
    plan = write_plan(tmp_path / "deep" / "folder" / "plan.txt")
    result = convert([plan]).documents[0]
    assert result.record.document == "plan.txt" and result.record.source_path == str(plan)
    assert {action.document for action in result.actions} == {"plan.txt"}


def test_identical_copies_are_one_document_and_the_copy_is_reported(tmp_path):
    write_plan(tmp_path / "plans" / "plan.txt")
    write_plan(tmp_path / "plans" / "sent to board" / "plan (copy).txt")
    frames = convert([tmp_path / "plans"]).frames
    documents = frames["documents"].set_index("document")
    assert documents.loc["plan.txt", "status"] == "success"
    assert documents.loc["sent to board/plan (copy).txt", "status"] == "skipped"
    assert documents.loc["sent to board/plan (copy).txt", "error"] == "same content as plan.txt"
    assert list(frames["issues"].loc[frames["issues"]["code"] == "duplicate-file", "document"]) == ["sent to board/plan (copy).txt"]
    assert len(frames["actions"]) == 3 and frames["actions"]["action_id"].is_unique


# --------------------------------------------------------------------------- action ids

def test_action_ids_depend_on_content_and_place_not_on_where_the_file_is(tmp_path):
    first = convert([write_plan(tmp_path / "one" / "plan.txt")]).frames["actions"]["action_id"]
    moved = convert([write_plan(tmp_path / "elsewhere" / "renamed.txt")]).frames["actions"]["action_id"]
    again = convert([tmp_path / "one"]).frames["actions"]["action_id"]
    assert list(first) == list(moved) == list(again)
    assert first.is_unique and all(re.fullmatch(r"[0-9a-f]{16}", value) for value in first)
    edited = convert([write_plan(tmp_path / "edited" / "plan.txt", "Riverside Borough")]).frames["actions"]["action_id"]
    assert set(edited).isdisjoint(first)


def test_issues_carry_the_action_id_of_the_action_they_concern(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN.format(council="Riverside").replace("by 15 May 2013", "31/11/2013"), encoding="utf-8")
    frames = convert([plan]).frames
    issue = frames["issues"][frames["issues"]["code"] == "invalid-date"].iloc[0]
    action = frames["actions"][frames["actions"]["action_id"] == issue["action_id"]].iloc[0]
    assert action["ref"] == "2" and action["timescale"] == "31/11/2013"


# --------------------------------------------------------------------------- action_leads

def test_action_leads_is_the_long_form_of_lead_people_and_lead_roles(tmp_path):
    frames = convert([write_plan(tmp_path / "plan.txt")]).frames
    leads = frames["action_leads"]
    assert list(leads.columns) == ["action_id", "document", "lead", "kind", "position"]
    first = frames["actions"]["action_id"].iloc[0]
    assert leads[leads["action_id"] == first][["lead", "kind", "position"]].values.tolist() \
        == [["Jane Smith", "person", 1], ["Head of Service", "role", 2]]
    assert len(leads) == sum(len(value.split("; ")) for column in ("lead_people", "lead_roles")
                             for value in frames["actions"][column].dropna())


# --------------------------------------------------------------------------- dates and nulls

@pytest.mark.parametrize("value, expected", [
    ("2013-06-05", (dt.date(2013, 6, 5), dt.date(2013, 6, 5))),
    ("2013-06", (dt.date(2013, 6, 1), dt.date(2013, 6, 30))),
    ("2012-02", (dt.date(2012, 2, 1), dt.date(2012, 2, 29))),
    ("2013-02", (dt.date(2013, 2, 1), dt.date(2013, 2, 28))),
    ("2013", (dt.date(2013, 1, 1), dt.date(2013, 12, 31))),
    ("", None),
    (None, None),
    ("2013-13", None),
    ("2013-02-30", None),
    ("Q3 2013", None),
])
def test_date_bounds(value, expected):
    assert date_bounds(value) == expected


def test_start_from_and_due_by_are_real_dates_and_missing_values_real_nulls(tmp_path):
    actions = convert([write_plan(tmp_path / "plan.txt")]).frames["actions"]
    assert str(actions["due_by"].dtype).startswith("datetime64") and str(actions["start_from"].dtype).startswith("datetime64")
    assert list(actions["due_by"]) == [pd.Timestamp("2013-06-30"), pd.Timestamp("2013-05-15"), pd.Timestamp("2014-03-31")]
    assert actions["start_from"].isna().tolist() == [True, True, False]
    assert actions["start_from"].iloc[2] == pd.Timestamp("2013-04-01")
    assert actions["status"].isna().tolist() == [False, True, False]
    assert not (actions.astype("object") == "").any().any()  # no empty strings anywhere


def test_csv_excel_writes_a_byte_order_mark(tmp_path):
    plan = write_plan(tmp_path / "plans" / "plan.txt")
    runner = CliRunner()
    plain = runner.invoke(main, ["convert", str(plan.parent), "--out", str(tmp_path / "plain"), "-j", "1", "--format", "csv"])
    excel = runner.invoke(main, ["convert", str(plan.parent), "--out", str(tmp_path / "excel"), "-j", "1", "--format", "csv", "--csv-excel"])
    assert plain.exit_code == excel.exit_code == 0, (plain.output, excel.output)
    raw, bom = (tmp_path / "plain" / "actions.csv").read_bytes(), (tmp_path / "excel" / "actions.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and bom == b"\xef\xbb\xbf" + raw


# --------------------------------------------------------------------------- "overdue on a date"

OVERDUE_ON = "2013-06-30"
PANDAS_RECIPE = 'a[(a.due_by < "2013-06-30") & (a.status != "completed")]'
SQL_RECIPE = "SELECT * FROM actions WHERE due_by < '2013-06-30' AND (status IS NULL OR status <> 'completed');"


def overdue_from_text(due_dates: list[str], statuses: list[str], on: str = OVERDUE_ON) -> int:
    """Counted from the ISO text alone: a due date at any precision is past when the whole
    period it names ends before ``on`` (compare at the due date's own precision)."""
    return sum(1 for due, status in zip(due_dates, statuses) if due and status != "completed" and due < on[:len(due)])


@pytest.fixture(scope="module")
def seed_dataset(tmp_path_factory) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("overdue") / "out"
    result = CliRunner().invoke(main, ["convert", str(RAW), "--out", str(out), "-j", "1", "--format", "csv,sqlite"])
    assert result.exit_code == 0, result.output
    text = pd.read_csv(out / "actions.csv", dtype="string", keep_default_na=False)
    expected = overdue_from_text(list(text["due_date"]), list(text["status"]))
    assert expected > 10  # the seeds hold enough past deadlines for the check to mean something
    return out, expected


def test_readme_shows_the_overdue_recipes():
    assert PANDAS_RECIPE in README and SQL_RECIPE in README
    assert "overdue on 2013-06-30" in README.lower()


def test_pandas_recipe_counts_what_the_due_date_text_says(seed_dataset):
    out, expected = seed_dataset
    a = pd.read_csv(out / "actions.csv", parse_dates=["due_by", "start_from"])  # as the README reads it
    assert len(eval(PANDAS_RECIPE, {"a": a})) == expected


def test_sqlite_recipe_counts_what_the_due_date_text_says(seed_dataset):
    out, expected = seed_dataset
    with sqlite3.connect(out / SQLITE_NAME) as connection:
        assert len(connection.execute(SQL_RECIPE).fetchall()) == expected


def test_one_file_reached_twice_is_one_document(tmp_path):
    plan = write_plan(tmp_path / "plans" / "plan.txt")
    found, _ = discover_inputs([tmp_path / "plans", plan, tmp_path / "plans" / ".." / "plans" / "plan.txt"])
    assert [(item.document, item.source_path) for item in found] == [("plan.txt", str(plan))]
