"""Batch runs: incremental re-runs from the cache, per-file time limit, atomic output."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from actionplans.cache import Cache
from actionplans.cli import main
from actionplans.pipeline import convert
from actionplans.workers import WorkerFailure, run_in_workers
from conftest import RAW
from worker_tasks import finish_or_block



def _copy_seeds(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in RAW.glob("*.txt"):
        shutil.copy2(path, folder / path.name)
    return folder


def _dataset_bytes(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(out.iterdir()) if path.is_file() and path.name != "run.json"}


def test_second_run_converts_nothing_and_gives_the_same_dataset(tmp_path):
    plans = _copy_seeds(tmp_path / "plans")
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(main, ["convert", str(plans), "--out", str(out), "--jobs", "1", "--format", "csv,jsonl"])
    assert first.exit_code == 0, first.output
    assert "5 converted, 0 from cache" in first.output
    before = _dataset_bytes(out)
    second = runner.invoke(main, ["convert", str(plans), "--out", str(out), "--jobs", "1", "--format", "csv,jsonl"])
    assert "0 converted, 5 from cache" in second.output
    assert _dataset_bytes(out) == before


def test_changing_one_file_reconverts_exactly_that_file(tmp_path):
    plans = _copy_seeds(tmp_path / "plans")
    cache = Cache(tmp_path / "cache")
    convert([plans], cache=cache)
    changed = plans / "004_466c596bdae4b96c.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("PMAE sub group", "PMAE Sub-Group"), encoding="utf-8")
    converted = []
    dataset = convert([plans], cache=cache, on_document=lambda d: converted.append(d.record.document))
    assert dataset.converted == 1 and dataset.from_cache == 4
    result = next(d for d in dataset.documents if d.record.document == changed.name)
    assert "PMAE Sub-Group" in result.actions[0].lead


def test_force_reconverts_everything(tmp_path):
    plans = _copy_seeds(tmp_path / "plans")
    cache = Cache(tmp_path / "cache")
    convert([plans], cache=cache)
    assert convert([plans], cache=cache, force=True).converted == 5


def test_a_file_over_the_time_limit_fails_and_the_batch_goes_on(tmp_path):
    """A task that never ends (it blocks on an event) is stopped at the limit and reported;
    the files around it still finish. No real conversion, so no machine is too slow for it."""
    files = [tmp_path / name for name in ("a.txt", "block.txt", "b.txt", "c.txt")]
    results = dict(run_in_workers(files, finish_or_block, jobs=2, timeout=1.0))
    assert results[tmp_path / "block.txt"] == WorkerFailure("timed out after 1 s")
    assert [results[path] for path in files if path.name != "block.txt"] == ["done: a.txt", "done: b.txt", "done: c.txt"]


def test_the_time_limit_reaches_the_batch_as_a_failed_document(tmp_path, monkeypatch):
    """What the pool reports becomes a failed ``documents`` row with the reason, and the
    other files convert (the pool itself is exercised above)."""
    plans = _copy_seeds(tmp_path / "plans")
    import actionplans.pipeline as pipeline

    real = pipeline.run_in_workers

    def time_out_one(files, task, jobs, timeout, max_memory=None, light=False):
        for path, outcome in real(files, task, jobs, None, max_memory, light):  # no real limit: speed-proof
            yield path, (WorkerFailure("timed out after 3 s") if path.name.startswith("003") else outcome)

    monkeypatch.setattr(pipeline, "run_in_workers", time_out_one)
    records = {d.record.document: d.record for d in convert([plans], jobs=2, timeout=3).documents}
    assert records["003_2a6c1f8cccd38286.txt"].status == "failed"
    assert records["003_2a6c1f8cccd38286.txt"].error == "timed out after 3 s"
    assert sum(r.status in ("success", "partial") for r in records.values()) == 4


def test_killed_run_leaves_the_previous_dataset_untouched(tmp_path):
    plans = _copy_seeds(tmp_path / "plans")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["convert", str(plans), "--out", str(out), "--jobs", "1"]).exit_code == 0
    before = _dataset_bytes(out)
    for index in range(40):  # a longer batch, killed while it converts
        shutil.copy2(RAW / "003_2a6c1f8cccd38286.txt", plans / f"copy-{index:02d}.txt")
    process = subprocess.Popen([sys.executable, "-m", "actionplans.cli", "convert", str(plans), "--out", str(out), "--jobs", "1", "-q"])
    cache = out / ".actionplans-cache"
    before_entries = set(cache.iterdir())
    while process.poll() is None and not set(cache.iterdir()) - before_entries:
        time.sleep(0.05)  # wait for observed progress: the first new file converted and cached
    assert process.poll() is None, "the run finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _dataset_bytes(out) == before
    # killed while converting: no staging or backup folder was made beside the dataset
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "plans"]
