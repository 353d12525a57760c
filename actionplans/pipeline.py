"""The whole job: files -> ingest -> extract -> normalise -> dataset tables.

:func:`convert_file` never raises: a file that cannot be read becomes a ``documents`` row
with status ``failed`` (or ``skipped``) and a one-line reason, so a batch always finishes.
:func:`convert` runs a batch (optionally in parallel processes) and returns a
:class:`Dataset`; :func:`convert_to_frames` is the one-call Python API.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import pandas as pd

from actionplans.cache import Cache
from actionplans.conversion import PIPELINE_VERSION, Settings, convert_file, failed_document
from actionplans.export.tables import documents_to_frames
from actionplans.workers import convert_in_workers
from normalise.model import NormalisedDocument

SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep"})
__all__ = ["PIPELINE_VERSION", "Dataset", "Settings", "convert", "convert_file", "convert_to_frames", "discover", "failed_document"]


@dataclass(frozen=True)
class Dataset:
    """A converted batch: per-document results in input order."""

    documents: tuple[NormalisedDocument, ...]
    converted: int = 0  # files converted in this run
    from_cache: int = 0  # files whose result came from the cache

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        return documents_to_frames(self.documents)

    @property
    def failed(self) -> tuple[NormalisedDocument, ...]:
        return tuple(d for d in self.documents if d.record.status == "failed")


def discover(inputs: Iterable[Path | str]) -> tuple[list[Path], list[NormalisedDocument]]:
    """Files to convert (folders walked, sorted) and rows for inputs that cannot be used."""
    files: list[Path] = []
    problems: list[NormalisedDocument] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path, problems):
                files.append(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(failed_document(path, "no such file or folder"))
    return list(dict.fromkeys(files)), problems


def _walk(folder: Path, problems: list[NormalisedDocument]) -> Iterator[Path]:
    def on_error(error: OSError) -> None:
        problems.append(failed_document(Path(error.filename or folder), f"cannot read folder entry: {error.strerror or error}"))

    for root, dirs, names in os.walk(folder, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name in SKIP_NAMES or name.startswith("~$"):
                continue
            yield Path(root) / name


def convert(
    inputs: Iterable[Path | str],
    settings: Settings = Settings(),
    jobs: int = 1,
    on_document: Callable[[NormalisedDocument], None] | None = None,
    timeout: float | None = None,
    cache: Cache | None = None,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
    scheduler: str | None = None,
) -> Dataset:
    """Convert files and folders into one dataset.

    ``jobs`` > 1 (or a ``timeout``) converts in worker processes, each file limited to
    ``timeout`` seconds; with a Dask ``scheduler`` address the files are converted on that
    cluster instead (the ``dask`` extra). With a ``cache``, files converted before (same bytes, name, version
    and settings) are taken from it unless ``force``; new results are stored in it.
    """
    files, problems = discover(inputs)
    if on_start:
        on_start(len(files) + len(problems))
    results: dict[Path, NormalisedDocument] = {}
    keys = {path: cache.key(path, settings) for path in files} if cache else {}
    todo = []
    for path in files:
        cached = None if (force or cache is None) else cache.load(keys[path])
        if cached is not None:
            results[path] = cached
            if on_document:
                on_document(cached)
        else:
            todo.append(path)
    for result in problems:
        if on_document:
            on_document(result)
    for path, result in _convert_all(todo, settings, jobs, timeout, scheduler):
        results[path] = result
        if cache is not None:
            cache.store(keys.get(path), result)
        if on_document:
            on_document(result)
    return Dataset(tuple(problems) + tuple(results[path] for path in files), converted=len(todo), from_cache=len(files) - len(todo))


def _convert_all(files: Sequence[Path], settings: Settings, jobs: int, timeout: float | None, scheduler: str | None = None) -> Iterator[tuple[Path, NormalisedDocument]]:
    if not files:
        return
    if scheduler:
        from actionplans.distributed import convert_on_cluster

        yield from zip(files, convert_on_cluster(files, settings, scheduler))
        return
    if (jobs <= 1 and not timeout) or not files:
        for path in files:
            yield path, convert_file(path, settings)
        return
    yield from convert_in_workers(files, settings, jobs, timeout)


def convert_to_frames(inputs: Iterable[Path | str] | Path | str, settings: Settings = Settings(), jobs: int = 1) -> dict[str, pd.DataFrame]:
    """One call from Python: paths in, the dataset's tables out as pandas DataFrames.

    >>> frames = convert_to_frames("data/raw")          # doctest: +SKIP
    >>> frames["actions"][["ref", "due_date", "status"]]  # doctest: +SKIP
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return convert(inputs, settings, jobs).frames
