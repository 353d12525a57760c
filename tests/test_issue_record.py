"""One issue record from ingest to export, and one list of issue codes.

A plan written here raises an issue in each stage (the reader: a file that is not UTF-8;
extract: a row with no action text; normalise: an impossible date); every one is the same
class from the reader's Document to the cache entry and the exported ``issues`` rows.
"""

from __future__ import annotations

import json
import typing

import pytest

import extract.model
from actionplans.cache import CacheKey, checksum, document_to_entry, entry_to_document
from actionplans.conversion import Settings, convert_file, extract_with
from actionplans.export.tables import issues_frame
from ingest import read_document
from ingest.issues import ISSUE_TYPES, IssueCode
from ingest.model import Issue
from tests.written_plans import tsv

PLAN = tsv(
    "Improvement plan - Direcção de Serviços",  # "ç" in Latin-1: the reader reports the decoding
    ("Ref", "Action", "Lead", "Timescale"),
    ("1", "Audit every open case file", "Head of Service", "31.11.2026"),  # no 31 November
    ("2", "", "Practice Manager", "March 2026"),  # no action text
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("issues") / "plan.txt"
    path.write_bytes(PLAN.encode("latin-1"))
    return path


def test_issue_codes_are_the_catalogue_codes():
    assert set(typing.get_args(IssueCode)) == set(ISSUE_TYPES)
    assert len(typing.get_args(IssueCode)) == len(ISSUE_TYPES)


def test_extract_names_the_same_class():
    assert extract.model.Issue is Issue


def test_one_issue_record_from_reader_to_export(plan):
    document = read_document(plan)
    read = [issue for issue in document.issues if issue.code == "decoded-encoding"]
    assert len(read) == 1 and type(read[0]) is Issue and read[0].document == ""

    extraction = extract_with(document, Settings())
    assert all(type(issue) is Issue for issue in extraction.issues)
    assert [issue.document for issue in extraction.issues if issue.code == "decoded-encoding"] == ["plan.txt"]
    empty = [action for action in extraction.actions if not action.action]
    (raised,) = [issue for issue in empty[0].issues if issue.code == "empty-action"]
    assert type(raised) is Issue
    assert (raised.document, raised.table, raised.row) == ("plan.txt", empty[0].provenance.table, empty[0].provenance.row)

    result = convert_file(plan)
    assert all(type(issue) is Issue for issue in result.issues)
    by_code = {issue.code: issue for issue in result.issues}
    assert {"decoded-encoding", "empty-action", "invalid-date"} <= set(by_code)
    assert by_code["empty-action"].action_id == result.actions[1].action_id
    assert by_code["empty-action"].value == "2"  # the row's ref, as before the change
    assert (by_code["invalid-date"].column, by_code["invalid-date"].action_id) == ("timescale", result.actions[0].action_id)

    key = CacheKey("k", "s")
    assert entry_to_document(json.loads(json.dumps(document_to_entry(key, result))), key) == result
    rows = issues_frame(result.issues)
    assert set(rows["code"]) == {issue.code for issue in result.issues}


def test_a_cache_entry_with_an_unknown_issue_code_is_a_miss(plan):
    result = convert_file(plan)
    key = CacheKey("k", "s")
    entry = json.loads(json.dumps(document_to_entry(key, result)))
    assert entry_to_document(entry, key) == result
    entry["payload"]["issues"][0][1] = "made-up-code"
    entry["checksum"] = checksum(entry["payload"])
    assert entry_to_document(entry, key) is None
