"""The Dask executor on a one-worker local cluster: same dataset as the in-process run."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from actionplans import distributed as executor
from actionplans import conversion
from actionplans.distributed import ClusterUnavailable, convert_on_cluster
from actionplans.pipeline import Settings, convert_file, discover
from actionplans.export import documents_to_frames
from conftest import RAW

MISSING = Path("no-such-folder") / "plan.pdf"  # relative on purpose: the client resolves it for the workers


@pytest.fixture(scope="module")
def scheduler():
    distributed = pytest.importorskip("distributed")
    # A worker process (not a thread) so tasks and results really travel pickled, as on a cluster.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def files() -> list[Path]:
    found, problems = discover([RAW])
    assert found and not problems
    return [*found, MISSING]


def test_cluster_run_gives_the_same_documents_as_the_in_process_run(files, scheduler):
    local = [convert_file(path, Settings()) for path in files]
    remote = list(convert_on_cluster(files, Settings(), scheduler))
    assert [document.record.document for document in remote] == [path.name for path in files]
    assert remote == local
    remote_actions, local_actions = documents_to_frames(remote)["actions"], documents_to_frames(local)["actions"]
    assert len(remote_actions) > 100
    assert remote_actions.equals(local_actions)
    assert remote[-1].record.status == "failed" and remote[-1].issues[0].value == str(MISSING)


def test_a_task_that_fails_yields_a_failed_document_and_the_batch_goes_on(files, scheduler, monkeypatch):
    broken = files[1].name

    def convert_or_fail(path, settings):  # defined here, so Dask ships it to the worker by value
        if path.name == broken:
            raise RuntimeError("worker ran out of memory")
        return convert_file(path, settings)

    monkeypatch.setattr(executor, "convert_file", convert_or_fail)
    results = list(convert_on_cluster(files[:3], Settings(), scheduler))
    assert [document.record.document for document in results] == [path.name for path in files[:3]]
    assert [document.record.status for document in results] == ["success", "failed", "partial"]
    assert results[1].record.error == "worker failed: RuntimeError: worker ran out of memory"
    assert results[1].issues[0].code == "unreadable-file"


def test_workers_running_another_pipeline_version_are_refused(files, scheduler, monkeypatch):
    monkeypatch.setattr(conversion, "PIPELINE_VERSION", "9.9.9")  # the client only: the worker is another process
    with pytest.raises(ClusterUnavailable, match="another actionplans version than 9.9.9: .* has 0"):
        next(convert_on_cluster(files, Settings(), scheduler))


def test_an_unreachable_scheduler_is_one_clear_error():
    pytest.importorskip("distributed")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ClusterUnavailable, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"):
        next(convert_on_cluster([RAW / "x.txt"], Settings(), f"tcp://127.0.0.1:{port}", connect_timeout=1))


def test_without_dask_the_error_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(executor.DaskMissing, match=r"install the 'dask' extra: pip install -e '\.\[dask\]'"):
        convert_on_cluster([RAW / "x.txt"], Settings(), "tcp://127.0.0.1:8786")  # before any iteration
