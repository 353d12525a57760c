"""Optional Dask executor: convert a batch on a Dask cluster instead of local processes.

:func:`convert_on_cluster` sends one :func:`actionplans.pipeline.convert_file` task per file
to the scheduler and yields the results in input order, like the local executor does. Dask
is imported only when it is used (``pip install -e '.[dask]'``).

What the workers need: this project importable at the same pipeline version (checked before
any task is sent) and the input files readable at the same absolute paths (a shared file
system; relative paths are resolved here, on the client).

>>> from actionplans.pipeline import Settings                         # doctest: +SKIP
>>> for document in convert_on_cluster(files, Settings(), "tcp://10.0.0.5:8786"):
...     print(document.record.document, document.record.status)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError
from pathlib import Path

from actionplans import conversion as pipeline
from actionplans.conversion import Settings, convert_file, failed_document
from normalise.model import NormalisedDocument

INSTALL_HINT = "install the 'dask' extra: pip install -e '.[dask]'"
CONNECT_TIMEOUT = 30.0
"""Seconds to wait for the scheduler to answer and for a first worker to join."""


class DaskMissing(ImportError):
    """Dask is not installed; the message says which extra to install."""


class ClusterUnavailable(RuntimeError):
    """The scheduler cannot be reached, has no workers, or its workers run other code."""


def convert_on_cluster(
    files: Sequence[Path], settings: Settings, scheduler: str, connect_timeout: float = CONNECT_TIMEOUT
) -> Iterator[NormalisedDocument]:
    """Convert ``files`` on the Dask cluster at ``scheduler`` (``tcp://host:8786``), in input order.

    Never raises for one file: a task that fails (its worker died, say) yields
    :func:`~actionplans.pipeline.failed_document` for that file, as the local executor does.
    Raises :class:`ClusterUnavailable` before converting anything when the cluster cannot be
    used, and :class:`DaskMissing` (an ``ImportError``) when Dask is not installed.
    """
    client_class = _dask_client_class()  # now, so a missing extra fails before any work starts
    return _convert(client_class, [Path(path) for path in files], settings, scheduler, connect_timeout)


def _convert(
    client_class, files: list[Path], settings: Settings, scheduler: str, connect_timeout: float
) -> Iterator[NormalisedDocument]:
    try:
        client = client_class(scheduler, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {_one_line(error)}") from error
    with client:  # closing the client releases (cancels) whatever it still holds
        _check_workers(client, scheduler, connect_timeout)
        resolved = [path.resolve() for path in files]
        futures = client.map(convert_file, resolved, settings=settings, pure=False)  # output depends on file contents
        for index, (given, sent) in enumerate(zip(files, resolved)):
            future, futures[index] = futures[index], None  # free worker memory once gathered
            yield _as_given(_result(future, given), sent, given)


def _dask_client_class():
    try:
        from distributed import Client
    except ImportError as error:
        raise DaskMissing(f"the Dask executor needs dask and distributed; {INSTALL_HINT}") from error
    return Client


def _check_workers(client, scheduler: str, timeout: float) -> None:
    # Workers running another pipeline version would quietly give different output.
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError as error:
        raise ClusterUnavailable(f"no Dask worker joined {scheduler} within {timeout:g} s") from error
    try:
        versions = client.run(worker_pipeline_version)
    except Exception as error:  # typically ModuleNotFoundError: the project is not installed there
        raise ClusterUnavailable(f"Dask workers at {scheduler} cannot run actionplans: {_one_line(error)}") from error
    other = {worker: version for worker, version in versions.items() if version != pipeline.PIPELINE_VERSION}
    if other:
        found = ", ".join(f"{worker} has {version}" for worker, version in sorted(other.items()))
        raise ClusterUnavailable(
            f"Dask workers run another actionplans version than {pipeline.PIPELINE_VERSION}: {found}"
        )


def worker_pipeline_version() -> str:
    """Run on every worker before a batch: the pipeline version its code produces."""
    return pipeline.PIPELINE_VERSION


def _result(future, path: Path) -> NormalisedDocument:
    try:
        return future.result()
    except (Exception, CancelledError) as error:  # KilledWorker, a lost worker, a cancelled task
        return failed_document(path, f"worker failed: {type(error).__name__}: {_one_line(error)}")


def _as_given(result: NormalisedDocument, sent: Path, given: Path) -> NormalisedDocument:
    """Issue values name the file as the caller gave it, not as resolved for the workers,
    so a cluster run's dataset is the same as a local run's."""
    if sent == given:
        return result
    issues = tuple(
        dataclasses.replace(issue, value=str(given)) if issue.value == str(sent) else issue for issue in result.issues
    )
    return dataclasses.replace(result, issues=issues)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__
