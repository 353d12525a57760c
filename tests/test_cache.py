"""The cache: JSON entries that execute nothing and are checked on load; a key that follows
the pipeline's code and settings; a cache that cannot be written never stops a run."""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from actionplans import cache as cache_module
from actionplans.cache import Cache, checksum, code_digest, source_digest
from actionplans.conversion import Settings, convert_file
from actionplans.pipeline import convert
from extract.headers import HeaderSettings
from conftest import ROOT


PLAN = """Lakeside Council improvement plan, 2013

Ref\tAction\tLead\tTimescale\tStatus
1\tPublish the revised thresholds document\tHead of Early Help\tJuly 2013\tCompleted
2\tRun a multi-agency audit of neglect cases\tLSCB Audit Group\tSeptember 2013\tNot started
"""


@pytest.fixture()
def plan(tmp_path) -> Path:
    path = tmp_path / "plans" / "plan.txt"
    path.parent.mkdir()
    path.write_text(PLAN, encoding="utf-8")
    return path


@pytest.fixture()
def stored(tmp_path, plan):
    """A cache holding the plan's entry: (cache, key, result)."""
    cache = Cache(tmp_path / "cache")
    key = cache.key(plan, Settings())
    result = convert_file(plan)
    cache.store(key, result)
    return cache, key, result


def test_an_entry_is_json_and_loads_back_equal(stored):
    cache, key, result = stored
    entry = json.loads(cache.path(key).read_text(encoding="utf-8"))
    assert entry["key"] == key.digest and entry["sha256"] == key.sha256 == result.record.sha256
    assert entry["checksum"] == checksum(entry["payload"])
    assert cache.load(key) == result


def test_list_fields_are_stored_as_lists_and_load_back_as_tuples(stored):
    cache, key, result = stored
    entry = json.loads(cache.path(key).read_text(encoding="utf-8"))
    names = entry["fields"]["actions"]
    first = dict(zip(names, entry["payload"]["actions"][0]))
    assert first["lead_roles"] == ["Head of Early Help"] and first["issues"] == [] and first["overridden"] == []
    assert cache.load(key).actions[0].lead_roles == ("Head of Early Help",)


@pytest.mark.parametrize(("field", "value"), [("lead_roles", "Head of Early Help"), ("lead_roles", [3]),
                                              ("issues", None), ("ref", ["1"]), ("page", "1"),
                                              ("status", "done"), ("rag", "Amber")])
def test_a_value_not_of_its_fields_type_is_a_miss(stored, field, value):
    """A joined string where a list belongs (an entry from before lists were tuples), a number
    in a list of names, a list where text belongs, a word that is no status code or RAG value:
    each makes the entry a miss, checksum or not."""
    cache, key, _ = stored
    entry = json.loads(cache.path(key).read_text(encoding="utf-8"))
    entry["payload"]["actions"][0][entry["fields"]["actions"].index(field)] = value
    entry["checksum"] = checksum(entry["payload"])
    cache.path(key).write_text(json.dumps(entry), encoding="utf-8")
    assert cache.load(key) is None


class _Exploit:
    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_crafted_pickle_is_never_run(stored, tmp_path):
    cache, key, _ = stored
    marker = tmp_path / "ran"
    exploit = _Exploit()
    exploit.marker = marker
    cache.path(key).write_bytes(pickle.dumps(exploit))
    assert cache.load(key) is None
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["truncated", "empty", "not-an-object", "folder"])
def test_a_corrupt_or_unreadable_entry_is_a_miss(stored, damage):
    cache, key, _ = stored
    path = cache.path(key)
    text = path.read_text(encoding="utf-8")
    if damage == "truncated":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "not-an-object":
        path.write_text("[1, 2, 3]", encoding="utf-8")
    else:
        path.unlink()
        path.mkdir()
    assert cache.load(key) is None


def test_a_changed_value_fails_the_checksum(stored):
    cache, key, _ = stored
    entry = json.loads(cache.path(key).read_text(encoding="utf-8"))
    entry["payload"]["actions"][0][entry["fields"]["actions"].index("status")] = "not_started"
    cache.path(key).write_text(json.dumps(entry), encoding="utf-8")
    assert cache.load(key) is None


def test_an_entry_copied_under_another_files_key_is_a_miss(tmp_path, stored):
    cache, key, _ = stored
    other = tmp_path / "other.txt"
    other.write_text(PLAN.replace("Lakeside", "Hillside"), encoding="utf-8")
    other_key = cache.key(other, Settings())
    shutil.copy(cache.path(key), cache.path(other_key))
    assert cache.load(other_key) is None
    # and with its key field rewritten to match: the file's SHA-256 still gives it away
    entry = json.loads(cache.path(key).read_text(encoding="utf-8"))
    entry["key"] = other_key.digest
    cache.path(other_key).write_text(json.dumps(entry), encoding="utf-8")
    assert cache.load(other_key) is None
    result = convert([other], cache=cache).documents[0]
    assert result.record.title.startswith("Hillside")


def test_an_entry_with_other_record_fields_is_re_converted(stored, plan):
    """As written by code whose Action had a field fewer: consistent and checksummed, but
    not this code's records."""
    cache, key, result = stored
    entry = json.loads(cache.path(key).read_text(encoding="utf-8"))
    dropped = entry["fields"]["actions"].index("lead_source")
    entry["fields"]["actions"].pop(dropped)
    for row in entry["payload"]["actions"]:
        row.pop(dropped)
    entry["checksum"] = checksum(entry["payload"])
    cache.path(key).write_text(json.dumps(entry), encoding="utf-8")
    assert cache.load(key) is None
    dataset = convert([plan.parent], cache=cache)
    assert dataset.converted == 1 and dataset.documents[0].actions == result.actions


def test_a_cache_that_cannot_be_written_is_a_warning_and_the_run_goes_on(tmp_path, plan, caplog):
    (plan.parent / "second.txt").write_text(PLAN.replace("Lakeside", "Hillside"), encoding="utf-8")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    cache = Cache(blocked / "cache")
    with caplog.at_level(logging.WARNING, logger="actionplans"):
        dataset = convert([plan.parent], cache=cache)
        again = convert([plan.parent], cache=cache)
    assert [d.record.status for d in dataset.documents] == ["success", "success"]
    assert again.converted == 2 and [len(d.actions) for d in again.documents] == [2, 2]
    warnings = [record.getMessage() for record in caplog.records if "cannot write the cache" in record.getMessage()]
    assert len(warnings) == 1  # once, not once per file or per run


def test_the_key_holds_the_settings(tmp_path, plan):
    cache = Cache(tmp_path / "cache")
    synonyms = HeaderSettings(synonyms={"lead": ("Champion",)})
    assert cache.key(plan, Settings()) == cache.key(plan, Settings())
    assert cache.key(plan, Settings()) != cache.key(plan, Settings(headers=synonyms))
    assert cache.key(plan, Settings(headers=HeaderSettings(min_score=90))) != cache.key(plan, Settings())


def test_the_key_holds_the_code_and_the_file(tmp_path, plan):
    assert Cache(tmp_path, code="a").key(plan, Settings()) != Cache(tmp_path, code="b").key(plan, Settings())
    before = Cache(tmp_path).key(plan, Settings())
    plan.write_text(PLAN.replace("July", "August"), encoding="utf-8")
    assert Cache(tmp_path).key(plan, Settings()) != before
    assert Cache(tmp_path).key(tmp_path / "missing.txt", Settings()) is None


def test_source_digest_follows_every_source_file(tmp_path):
    package = tmp_path / "normalise"
    (package / "sub").mkdir(parents=True)
    (package / "status.py").write_text("COMPLETED = 'completed'\n", encoding="utf-8")
    (package / "sub" / "words.txt").write_text("done\n", encoding="utf-8")
    first = source_digest([package])
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "status.cpython-311.pyc").write_bytes(b"compiled")
    assert source_digest([package]) == first  # compiled files are not the source
    (package / "sub" / "words.txt").write_text("finished\n", encoding="utf-8")
    assert source_digest([package]) != first


def test_code_digest_is_computed_once_per_process():
    assert code_digest() is code_digest()
    assert code_digest.cache_info().hits >= 1
    assert Cache(Path("unused")).code == code_digest()
    folders = {path.name for path in cache_module.package_folders()}
    assert folders == {"ingest", "extract", "normalise", "actionplans"}


def _convert(code: Path, plans: Path, out: Path) -> tuple[str, list[dict]]:
    result = subprocess.run([sys.executable, "-m", "actionplans.cli", "convert", str(plans), "--out", str(out),
                             "-j", "1", "--format", "jsonl"],
                            env={**os.environ, "PYTHONPATH": str(code)}, cwd=code, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in (out / "actions.jsonl").read_text(encoding="utf-8").splitlines()]
    return result.stdout, rows


def test_a_changed_normaliser_re_converts_without_force(tmp_path, plan):
    """The pipeline's code is copied, run, changed (the status a "Completed" cell maps to)
    and run again on the same files and cache: the change shows with no --force."""
    code = tmp_path / "code"
    for package in ("ingest", "extract", "normalise", "actionplans"):
        shutil.copytree(ROOT / package, code / package, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "out"
    first, rows = _convert(code, plan.parent, out)
    assert "1 converted, 0 from cache" in first and rows[0]["status"] == "completed"
    cached, _ = _convert(code, plan.parent, out)
    assert "0 converted, 1 from cache" in cached
    status = code / "normalise" / "status.py"
    source = status.read_text(encoding="utf-8")
    renamed = {'Status = Literal["completed",': 'Status = Literal["done",', 'COMPLETED: Final = "completed"': 'COMPLETED: Final = "done"'}
    for old, new in renamed.items():
        assert old in source
        source = source.replace(old, new)
    status.write_text(source, encoding="utf-8")
    changed, rows = _convert(code, plan.parent, out)
    assert "1 converted, 0 from cache" in changed
    assert rows[0]["status"] == "done"
