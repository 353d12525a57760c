"""The review page: sources recorded, page data, escaping, PDF crops, and the commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from actionplans.pipeline import convert, convert_file
from actionplans.review import (
    REVIEW_NAME, SOURCES_NAME, find_source_file, page_json, read_sources, review_data, sources_jsonl, write_review,
)
from tests.conftest import InProcessRun, run_cli_in_process

ROOT = Path(__file__).resolve().parents[1]
PDF_FIXTURES = ROOT / "tests" / "fixtures" / "pdf"

# Written for these tests: a plan whose action cell holds markup as entities (decoded by the
# text cleaner, so it reaches the dataset as "<script>...") and an impossible date.
PLAN = (
    "Youth justice improvement plan, May 2016\n"
    "Ref\tAction\tLead\tTimescale\tProgress\n"
    "1\tAgree the &lt;script&gt;alert(1)&lt;/script&gt; referral form\tSam Okafor, Team Manager\tJuly 2016\tOn track\n"
    "2\tAudit twenty case files\tQuality Team\t31.06.16\tNot started\n"
    "3\tReport to the board\tHead of Service\tSeptember 2016\tCompleted\n"
)


def _cli(*args: str, cwd: Path) -> InProcessRun:
    return run_cli_in_process(*args, cwd=cwd)


def _embedded(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', html, re.S)
    assert match, "the page embeds its data"
    return _expanded(json.loads(match.group(1)))


def _expanded(data: dict) -> dict:
    """The page's data as the page's script sees it: tables as objects, cells resolved."""
    for name in ("actions", "issues"):
        text = lambda column, value: data["strings"][value] if isinstance(value, int) and column not in ("rank", "cells") else value  # noqa: E731
        data[name] = [{column: text(column, value) for column, value in zip(data[name]["columns"], row)} for row in data[name]["rows"]]
    for action in data["actions"]:
        action["cells"] = data["cells"][action["cells"]] if action["cells"] >= 0 else []
    return data


@pytest.fixture()
def plan(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    path = folder / "youth-justice.txt"
    path.write_text(PLAN, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- sources

def test_text_rows_keep_their_cells_as_printed_with_the_field_each_was_read_as(plan):
    result = convert_file(plan)
    first = result.sources[0]
    assert first.action_id == result.actions[0].action_id
    assert (first.page, first.bbox) == (None, None)
    assert first.cells == (("ref", "Ref", "1"), ("action", "Action", "Agree the <script>alert(1)</script> referral form"),
                           ("lead", "Lead", "Sam Okafor, Team Manager"), ("timescale", "Timescale", "July 2016"),
                           ("progress", "Progress", "On track"))
    assert [s.action_id for s in result.sources] == [a.action_id for a in result.actions]


def test_pdf_rows_get_their_box_on_their_page():
    result = convert_file(PDF_FIXTURES / "table_after_narrative.pdf")
    boxes = [(s.page, s.bbox) for s in result.sources]
    assert len(boxes) == len(result.actions) == 3
    tops = [box[1] for _, box in boxes]
    assert tops == sorted(tops), "rows go down the page in order"
    for page, (x0, top, x1, bottom) in boxes:
        assert page == 1 and 0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 595  # A4 landscape, in points
    for (_, upper), (_, lower) in zip(boxes, boxes[1:]):
        assert upper[3] <= lower[1] + 0.5, "one row's box does not overlap the next"


def test_sources_jsonl_round_trips(plan, tmp_path):
    dataset = convert([plan])
    (tmp_path / SOURCES_NAME).write_text(sources_jsonl(dataset.documents), encoding="utf-8")
    sources = read_sources(tmp_path)
    action = dataset.documents[0].actions[1]
    assert sources[action.action_id]["cells"][3] == ["timescale", "Timescale", "31.06.16"]
    assert sources[action.action_id]["document"] == "youth-justice.txt"


def test_a_damaged_sources_line_costs_one_action_its_source(tmp_path):
    (tmp_path / SOURCES_NAME).write_text('{"action_id": "a", "cells": []}\n{not json\n{"action_id": "b", "cells": []}\n', encoding="utf-8")
    assert sorted(read_sources(tmp_path)) == ["a", "b"]


# --------------------------------------------------------------------------- page data

@pytest.fixture()
def converted(plan: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    result = _cli("convert", str(plan.parent), "--out", str(out), "--jobs", "1", "--review", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return out


def test_convert_review_writes_the_page_with_doubtful_actions_first(converted):
    html = (converted / REVIEW_NAME).read_text(encoding="utf-8")
    data = _embedded(html)
    (document,) = data["documents"]
    assert (document["document"], document["status"], document["actions"], document["plan_date"]) == ("youth-justice.txt", "success", "3", "2016-05")
    assert document["counts"] == {"error": 0, "warning": 1, "info": 0}
    assert [a["ref"] for a in data["actions"]] == ["2", "1", "3"]  # the invalid date first, then source order
    flagged = data["actions"][0]
    (issue,) = [data["issues"][i] for i in flagged["issue_ids"]]
    assert (issue["severity"], issue["code"], issue["value"], issue["column"]) == ("warning", "invalid-date", "31.06.16", "timescale")
    assert flagged["cells"][3] == ["timescale", "Timescale", "31.06.16"]
    assert (flagged["image"], flagged["bbox"]) == ("", None)


def test_source_markup_is_data_never_markup(converted):
    html = (converted / REVIEW_NAME).read_text(encoding="utf-8")
    assert "<script>alert" not in html and "alert(1)</script>" not in html
    assert html.count("</script>") == 2  # the data element's and the program's own
    data = _embedded(html)
    assert data["actions"][1]["action"] == "Agree the <script>alert(1)</script> referral form"
    assert "innerHTML" not in html, "the page puts text on the page with textContent only"


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "<!-- x", "a & b", "\u2028line"])
def test_page_json_cannot_close_its_element(text):
    encoded = page_json({"value": text})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded and "\u2028" not in encoded
    assert json.loads(encoded) == {"value": text}


def test_pdf_actions_get_a_shared_page_image_with_their_row_box(tmp_path):
    out = tmp_path / "out"
    source = PDF_FIXTURES / "table_after_narrative.pdf"
    result = _cli("convert", str(source), "--out", str(out), "--jobs", "1", "--review", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = _embedded((out / REVIEW_NAME).read_text(encoding="utf-8"))
    key = f"{data['documents'][0]['sha256'][:16]}:1"
    assert list(data["images"]) == [key]  # one image for the page, shared by its three actions
    image = data["images"][key]
    assert image["uri"].startswith("data:image/jpeg;base64,") and image["width"] == 800
    assert image["height"] == round(595 * image["scale"]) or abs(image["height"] - 595 * image["scale"]) <= 1
    for action in data["actions"]:
        assert action["image"] == key
        x0, top, x1, bottom = (value * image["scale"] for value in action["bbox"])
        assert 0 <= x0 < x1 <= image["width"] and 0 <= top < bottom <= image["height"]


def test_past_the_image_budget_pages_with_errors_come_first(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in ("table_after_narrative.pdf", "seed_002_93871fd4ab8d0ecd.pdf"):  # clean; holds garbled-row errors
        (folder / name).write_bytes((PDF_FIXTURES / name).read_bytes())
    out = tmp_path / "out"
    assert _cli("convert", str(folder), "--out", str(out), "--jobs", "1", cwd=tmp_path).returncode in (0, 1)
    everything = _expanded(review_data(out))
    first_only = _expanded(review_data(out, image_budget=1))
    (key,) = first_only["images"]
    with_image = [a for a in first_only["actions"] if a["image"]]
    assert with_image and all(a["document"] == "seed_002_93871fd4ab8d0ecd.pdf" for a in with_image)
    assert any(a["rank"] == 0 and a["image"] == key for a in with_image)
    assert len(everything["images"]) > 1 and all(a["image"] for a in everything["actions"])


def test_a_pdf_changed_since_conversion_shows_its_cells_not_a_wrong_page(tmp_path):
    source = tmp_path / "plan.pdf"
    source.write_bytes((PDF_FIXTURES / "table_after_narrative.pdf").read_bytes())
    out = tmp_path / "out"
    assert _cli("convert", str(source), "--out", str(out), "--jobs", "1", cwd=tmp_path).returncode == 0
    source.write_bytes((PDF_FIXTURES / "unruled_table.pdf").read_bytes())
    data = _expanded(review_data(out))
    assert data["images"] == {}
    assert all(action["image"] == "" and action["cells"] for action in data["actions"])


def test_source_file_is_found_from_a_folder_input_by_name_and_content(tmp_path):
    folder = tmp_path / "in" / "sub"
    folder.mkdir(parents=True)
    (folder / "a.pdf").write_bytes(b"one")
    import hashlib

    digest = hashlib.sha256(b"one").hexdigest()
    assert find_source_file("a.pdf", digest, [str(tmp_path / "in")], tmp_path) == folder / "a.pdf"
    assert find_source_file("a.pdf", hashlib.sha256(b"two").hexdigest(), [str(tmp_path / "in")], tmp_path) is None
    assert find_source_file("a.pdf", digest, ["in"], tmp_path) == folder / "a.pdf"


def test_previous_overrides_are_carried_into_the_page_for_export(plan, tmp_path):
    out = tmp_path / "out"
    action_id = convert_file(plan).actions[2].action_id
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(f"action_id,field,value,note\n{action_id},rag,green,checked\n", encoding="utf-8")
    assert _cli("convert", str(plan), "--out", str(out), "--jobs", "1", "--overrides", str(overrides), cwd=tmp_path).returncode == 0
    data = _expanded(review_data(out))
    assert data["overrides"] == [{"action_id": action_id, "field": "rag", "value": "green", "note": "checked"}]
    assert data["overrides_file"] == "overrides.csv"
    corrected = next(a for a in data["actions"] if a["action_id"] == action_id)
    assert (corrected["rag"], corrected["overridden"]) == ("green", "rag")


# --------------------------------------------------------------------------- the command

def test_review_command_writes_the_page(converted, tmp_path):
    (converted / REVIEW_NAME).unlink()
    result = _cli("review", str(converted), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"review page written to {converted / REVIEW_NAME}"
    assert (converted / REVIEW_NAME).is_file()


def test_review_of_a_folder_without_a_dataset_is_one_line_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = _cli("review", str(tmp_path / "empty"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: cannot write the review page in {tmp_path / 'empty'}: no actions table in {tmp_path / 'empty'} (actions.jsonl, .csv or .parquet): run convert first"


def test_review_works_from_csv_only_and_without_sources(plan, tmp_path):
    out = tmp_path / "out"
    assert _cli("convert", str(plan), "--out", str(out), "--format", "csv", "--jobs", "1", cwd=tmp_path).returncode == 0
    (out / SOURCES_NAME).unlink()
    page = write_review(out)
    data = _embedded(page.read_text(encoding="utf-8"))
    assert len(data["actions"]) == 3 and all(a["cells"] == [] for a in data["actions"])
    assert data["documents"][0]["actions"] == "3"


def test_review_command_has_help():
    from click.testing import CliRunner

    from actionplans.cli import main

    result = CliRunner().invoke(main, ["review", "--help"])
    assert result.exit_code == 0
    assert "--image-width" in result.output and len(main.commands["review"].help or "") > 20


# --------------------------------------------------------------------------- the workbook

def test_workbook_actions_sheet_reads_first_columns_first_and_notes_flagged_cells(plan, tmp_path):
    from openpyxl import load_workbook

    from actionplans.export.writers import XLSX_NAME, write_xlsx

    frames = convert([plan]).frames
    write_xlsx(frames, tmp_path)
    sheet = load_workbook(tmp_path / XLSX_NAME)["actions"]
    header = [cell.value for cell in sheet[1]]
    assert header[:7] == ["ref", "area", "action", "lead", "due_date", "status", "rag"]
    assert header[-5:] == ["action_id", "document", "page", "table", "row"]
    assert sorted(header) == sorted(frames["actions"].columns)
    rows = {row[0].value: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)}
    flagged = rows["2"]["timescale"]
    assert flagged.value == "31.06.16"
    assert flagged.comment is not None and flagged.comment.text == "invalid-date: no such date: '31.06.16'"
    assert flagged.fill.start_color.rgb.endswith("FFF4CE")
    assert all(cell.comment is None for row in rows.values() for name, cell in row.items() if (row["ref"].value, name) != ("2", "timescale"))
    assert rows["1"]["action"].alignment.wrap_text  # "Agree the <script>... referral form" is long
    assert not rows["3"]["ref"].alignment.wrap_text


def test_workbook_notes_an_issue_without_a_column_on_the_issues_cell(tmp_path):
    import pandas as pd
    from openpyxl import load_workbook

    from actionplans.export.tables import TABLE_COLUMNS
    from actionplans.export.writers import XLSX_NAME, write_xlsx

    action = {column: "" for column in TABLE_COLUMNS["actions"]}
    action.update(action_id="a1", document="d.txt", page=None, table=1, row=1, ref="7", action="Fix it", issues="unaligned-items")
    issue = {column: "" for column in TABLE_COLUMNS["issues"]}
    issue.update(document="d.txt", action_id="a1", severity="warning", code="unaligned-items", message="lead cell does not list one entry per item")
    frames = {"actions": pd.DataFrame([action], columns=list(TABLE_COLUMNS["actions"])).astype({"table": "Int64", "row": "Int64", "page": "Int64"}),
              "issues": pd.DataFrame([issue], columns=list(TABLE_COLUMNS["issues"]))}
    write_xlsx(frames, tmp_path)
    sheet = load_workbook(tmp_path / XLSX_NAME)["actions"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("issues") + 1)
    assert cell.comment.text == "unaligned-items: lead cell does not list one entry per item"
