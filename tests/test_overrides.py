"""Analysts' corrections: overrides.csv read line by line, checked, applied on every run."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from actionplans.overrides import (
    OverridesError, apply_corrections, corrected_frames, normalise_value, parse_overrides, read_overrides,
)
from actionplans.export.tables import documents_to_frames
from actionplans.pipeline import convert, convert_file
from ingest.issues import ISSUE_TYPES
from tests.conftest import InProcessRun, run_cli_in_process

# A small fostering plan written for these tests (not cut from the seeds): three actions,
# the second with an impossible date.
PLAN = (
    "Improvement plan for the fostering service, March 2015\n"
    "Ref\tAction\tLead\tTimescale\tStatus\n"
    "1\tReview every foster carer agreement\tJane Miller, Head of Fostering\tJune 2015\tIn progress\n"
    "2\tTrain panel members on safeguarding\tPanel Chair\t31.11.15\tNot started\n"
    "3\tPublish the revised handbook\tFostering Team\tDecember 2015\tCompleted\n"
)


@pytest.fixture()
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plans" / "fostering.txt"
    path.parent.mkdir()
    path.write_text(PLAN, encoding="utf-8")
    return path


def _ids(path: Path) -> dict[str, str]:
    return {action.ref: action.action_id for action in convert_file(path).actions}


@pytest.mark.parametrize("field, raw, expected, error", [
    ("due_date", "2015-07", "2015-07", ""),
    ("due_date", "2015", "2015", ""),
    ("due_date", " 2015-07-31 ", "2015-07-31", ""),
    ("due_date", "", "", ""),
    ("due_date", "31.11.12", "", "is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("start_date", "2015-02-30", "", "is not a date in the calendar"),
    ("start_date", "2015-13", "", "is not a date in the calendar"),
    ("status", "In progress", "in_progress", ""),
    ("status", "not-started", "not_started", ""),
    ("status", "done", "", "is not one of completed, in_progress, not_started, ongoing"),
    ("rag", "AMBER", "amber", ""),
    ("rag", "purple", "", "is not one of red, amber, green"),
    ("lead_people", "Jane Miller ;  Ravi Shah;", "Jane Miller; Ravi Shah", ""),
    ("area", "  Panel   effectiveness ", "Panel effectiveness", ""),
    ("not_action", "Yes", "true", ""),
    ("not_action", "maybe", "", "is not true or false"),
])
def test_values_are_checked_and_put_in_the_datasets_form(field, raw, expected, error):
    assert normalise_value(field, raw) == (expected, error)


def test_each_bad_line_is_reported_with_its_line_number_and_the_rest_is_kept():
    text = ("action_id,field,value,note\n"
            "a1,due_date,2015-09,agreed at board\n"
            "a1,due_date,31.11.12,\n"
            "a2,colour,red,\n"
            ",status,completed,\n"
            "\n"
            "a3,status,completed,\n")
    corrections = parse_overrides(text, "fixes.csv")
    assert [(o.action_id, o.field, o.value, o.note, o.line) for o in corrections.overrides] == [
        ("a1", "due_date", "2015-09", "agreed at board", 2), ("a3", "status", "completed", "", 7)]
    assert [(p.line, p.code, p.message) for p in corrections.problems] == [
        (3, "invalid-override", "line 3: due_date '31.11.12' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        (4, "invalid-override", "line 4: unknown field 'colour' (correctable: due_date, start_date, status, rag, lead_people, lead_roles, area, not_action)"),
        (5, "invalid-override", "line 5: no action_id"),
    ]


def test_a_later_line_for_the_same_field_wins_and_the_earlier_is_reported():
    corrections = parse_overrides("action_id,field,value\na1,rag,red\na1,rag,green\n")
    assert [(o.value, o.line) for o in corrections.overrides] == [("green", 3)]
    assert [p.message for p in corrections.problems] == ["line 2: rag of a1 is set again on line 3, which wins"]


def test_excel_saved_file_with_byte_order_mark_and_capitalised_header_is_read(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_bytes("\ufeffAction_ID,Field,Value,Note\r\nabc,rag,Red,\r\n".encode("utf-8"))
    assert [(o.action_id, o.field, o.value) for o in read_overrides(path).overrides] == [("abc", "rag", "red")]


@pytest.mark.parametrize("text", ["", "id,what,to\nabc,rag,red\n"])
def test_a_file_without_the_columns_is_refused_as_a_whole(text):
    with pytest.raises(OverridesError, match="must name the columns action_id, field, value, note"):
        parse_overrides(text)


def test_issue_codes_are_in_the_catalogue():
    assert ISSUE_TYPES["overridden"].severity == "info"
    assert ISSUE_TYPES["unknown-override-action"].severity == "warning"
    assert ISSUE_TYPES["invalid-override"].severity == "warning"


def test_applied_corrections_set_the_value_and_say_so(plan):
    ids = _ids(plan)
    corrections = parse_overrides(
        "action_id,field,value,note\n"
        f"{ids['2']},due_date,2015-11-30,the plan meant the last day of November\n"
        f"{ids['2']},lead_people,Ravi Shah,\n"
        f"{ids['3']},not_action,true,a heading\n"
        "0000000000000000,status,completed,\n", "fixes.csv")
    applied = apply_corrections(convert([plan]).documents, corrections)
    (document,) = applied.documents
    actions = {action.ref: action for action in document.actions}
    assert sorted(actions) == ["1", "2"]
    assert document.record.actions == 2
    second = actions["2"]
    assert (second.due_date, second.lead_people, second.overridden) == ("2015-11-30", ("Ravi Shah",), ("due_date", "lead_people"))
    assert second.issues == ("invalid-date", "overridden")
    assert actions["1"].overridden == () and actions["1"].due_date == "2015-06"
    overridden = [(i.column, i.value, i.message) for i in document.issues if i.code == "overridden"]
    assert overridden == [
        ("due_date", "", "due_date set to '2015-11-30' by an analyst (was ''): the plan meant the last day of November"),
        ("lead_people", "", "lead_people set to 'Ravi Shah' by an analyst (was '')"),
        ("action", "Publish the revised handbook", "marked not an action by an analyst: a heading; ref '3'"),
    ]
    assert [s.action_id for s in document.sources] == [ids["1"], ids["2"]]
    assert applied.applied == 3
    assert [(p.line, p.code) for p in applied.problems] == [(5, "unknown-override-action")]
    assert [(i.document, i.code, i.action_id) for i in applied.issues] == [("fixes.csv", "unknown-override-action", "0000000000000000")]


def test_override_problems_reach_the_issues_table(plan):
    corrections = parse_overrides("action_id,field,value\nnope,rag,red\nnope,due,2015\n", "o.csv")
    dataset = convert([plan])
    applied = apply_corrections(dataset.documents, corrections)
    issues = corrected_frames(dataset.frames, applied)["issues"]
    rows = issues[issues["document"] == "o.csv"][["severity", "code", "column", "message"]].values.tolist()
    assert rows == [
        ["warning", "unknown-override-action", "rag", "o.csv line 2: no action 'nope' in this run (the document changed or is not among the inputs); rag not set"],
        ["warning", "invalid-override", "due", "o.csv line 3: unknown field 'due' (correctable: due_date, start_date, status, rag, lead_people, lead_roles, area, not_action)"],
    ]


def _cli(*args: str, cwd: Path) -> InProcessRun:
    return run_cli_in_process(*args, cwd=cwd)


def test_convert_applies_overrides_on_every_run_including_cached_documents(plan, tmp_path):
    ids = _ids(plan)
    out = tmp_path / "out"
    first = _cli("convert", str(plan.parent), "--out", str(out), "--jobs", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(f"action_id,field,value,note\n{ids['2']},due_date,2015-11-30,\n{ids['1']},due_date,31.11.12,\ngone,rag,red,\n", encoding="utf-8")
    second = _cli("convert", str(plan.parent), "--out", str(out), "--jobs", "1", "--overrides", str(overrides), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "1 converted" not in second.stdout and "0 converted, 1 from cache" in second.stdout  # the cached document is corrected too
    assert "overrides: 1 applied from overrides.csv, 2 not applied:" in second.stdout
    assert "overrides.csv line 3: due_date '31.11.12' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)" in second.stdout
    assert "overrides.csv line 4: no action 'gone' in this run" in second.stdout
    actions = pd.read_csv(out / "actions.csv", dtype=str, keep_default_na=False).set_index("ref")
    assert actions.loc["2", "due_date"] == "2015-11-30" and actions.loc["2", "overridden"] == "due_date"
    assert actions.loc["1", "due_date"] == "2015-06"
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["overrides"] == {"file": str(overrides.resolve()), "applied": 1, "not_applied": 2}
    # A run without the file gives the converted values back: the correction lives in the file only.
    third = _cli("convert", str(plan.parent), "--out", str(out), "--jobs", "1", cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    actions = pd.read_csv(out / "actions.csv", dtype=str, keep_default_na=False).set_index("ref")
    assert actions.loc["2", "due_date"] == "" and actions.loc["2", "overridden"] == ""


def test_an_unusable_overrides_file_is_a_usage_error(plan, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("one,two\n", encoding="utf-8")
    result = _cli("convert", str(plan), "--out", str(tmp_path / "out"), "--overrides", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert "bad.csv: the first line must name the columns action_id, field, value, note (missing action_id, field, value)" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_list_field_correction_holds_each_name_and_exports_joined(plan):
    """Names typed "; "-separated (any spacing) become the action's tuple of names; the lead
    rows list each, and the dataset shows them joined as the plan's own leads are."""
    ids = _ids(plan)
    corrections = parse_overrides(f"action_id,field,value\n{ids['1']},lead_roles,Fostering Panel ;  Head of Service ;\n", "fixes.csv")
    (document,) = apply_corrections(convert([plan]).documents, corrections).documents
    first = next(action for action in document.actions if action.ref == "1")
    assert first.lead_roles == ("Fostering Panel", "Head of Service") and first.overridden == ("lead_roles",)
    frames = documents_to_frames([document])
    row = frames["actions"].set_index("ref").loc["1"]
    assert row["lead_roles"] == "Fostering Panel; Head of Service"
    leads = frames["action_leads"]
    assert leads[(leads["action_id"] == ids["1"]) & (leads["kind"] == "role")]["lead"].tolist() == ["Fostering Panel", "Head of Service"]
