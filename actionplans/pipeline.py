"""The whole job: files -> ingest -> extract -> normalise -> dataset tables.

:func:`convert_file` never raises: a file that cannot be read becomes a ``documents`` row
with status ``failed`` (or ``skipped``) and a one-line reason, so a batch always finishes.
:func:`convert` runs a batch (optionally in parallel processes) and returns a
:class:`Dataset`; :func:`convert_to_frames` is the one-call Python API.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Callable, Iterable, Iterator, Sequence

import pandas as pd

from actionplans.cache import Cache
from actionplans.conversion import PIPELINE_VERSION, Settings, convert_file, failed_document
from actionplans.export.tables import documents_to_frames
from actionplans.workers import convert_in_workers
from extract.model import Issue
from normalise.model import NormalisedDocument

SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep"})
__all__ = ["PIPELINE_VERSION", "Dataset", "Settings", "convert", "convert_file", "convert_to_frames", "discover", "discover_inputs", "failed_document"]


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


@dataclass(frozen=True)
class InputFile:
    """One file of a batch and the names the dataset gives it.

    ``document`` is the path relative to the input folder the file was found in (POSIX
    separators, so the same on every machine), or the file name when the file was given
    directly; it is unique within the batch. ``source_path`` is the path as given or found.
    """

    path: Path
    document: str
    source_path: str


def discover(inputs: Iterable[Path | str]) -> tuple[list[Path], list[NormalisedDocument]]:
    """Files to convert (folders walked, sorted) and rows for inputs that cannot be used."""
    found, problems = discover_inputs(inputs)
    return [item.path for item in found], problems


def discover_inputs(inputs: Iterable[Path | str]) -> tuple[list[InputFile], list[NormalisedDocument]]:
    """Like :func:`discover`, with each file's document name and source path."""
    found: dict[Path, tuple[Path, str, str]] = {}  # one entry per real file: (path, relative name, input)
    problems: list[NormalisedDocument] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for file in _walk(path, problems):
                found.setdefault(_absolute(file), (file, file.relative_to(path).as_posix(), _input_label(path)))
        elif path.is_file():
            found.setdefault(_absolute(path), (path, path.name, _input_label(path.parent)))
        else:
            problems.append(_unusable(path, "no such file or folder"))
    names = unique_document_names([(relative, label, str(file)) for file, relative, label in found.values()])
    files = [InputFile(file, name, str(file)) for (file, _, _), name in zip(found.values(), names)]
    return files, problems


def _unusable(path: Path, reason: str) -> NormalisedDocument:
    return relabel(failed_document(path, reason), path.name, str(path))


def _absolute(path: Path) -> Path:
    # Not resolve(): links are not followed (a link loop must not stop the batch), only
    # "a/./b" and "a/../a/b" are made one.
    return Path(os.path.abspath(path))


def _input_label(folder: Path) -> str:
    return folder.name or _absolute(folder).name


def unique_document_names(candidates: Sequence[tuple[str, str, str]]) -> list[str]:
    """Document names for (relative path, input folder name, source path) triples, unique.

    A name is its relative path unless another file of the batch has the same one (two
    input folders each holding ``plan.pdf``); then it is qualified with its input folder's
    name (``councilA/plan.pdf``), then with its whole source path, and as a last resort a
    counter. Files whose names do not collide keep their plain relative path.
    """
    names = [relative for relative, _, _ in candidates]
    for qualify in (lambda c: f"{c[1]}/{c[0]}" if c[1] else c[0], lambda c: PurePath(c[2]).as_posix().lstrip("/")):
        repeated = {name for name, count in Counter(names).items() if count > 1}
        names = [qualify(candidate) if name in repeated else name for name, candidate in zip(names, candidates)]
    seen: Counter[str] = Counter()
    unique = []
    for name in names:
        seen[name] += 1
        unique.append(name if seen[name] == 1 else f"{name}~{seen[name]}")
    return unique


def relabel(result: NormalisedDocument, document: str, source_path: str) -> NormalisedDocument:
    """``result`` under the batch's name for its file (the readers only know the file name)."""
    if result.record.document == document and result.record.source_path == source_path:
        return result
    return NormalisedDocument(
        replace(result.record, document=document, source_path=source_path),
        tuple(replace(action, document=document) for action in result.actions),
        tuple(replace(issue, document=document) for issue in result.issues),
        result.glossary, result.people,
    )


def mark_duplicate_content(documents: Sequence[NormalisedDocument]) -> list[NormalisedDocument]:
    """A file with the same bytes as an earlier file of the batch becomes a ``skipped`` row.

    Its actions would be exact copies under the same ``action_id`` (ids derive from the
    content), counted twice in every total; the row names the file they are kept under.
    """
    first: dict[str, str] = {}
    marked = []
    for result in documents:
        record = result.record
        original = first.setdefault(record.sha256, record.document) if record.sha256 and record.status != "failed" else record.document
        if original == record.document:
            marked.append(result)
            continue
        reason = f"same content as {original}"
        skipped = replace(record, tables=0, actions=0, status="skipped", error=reason)
        marked.append(NormalisedDocument(skipped, issues=(Issue(record.document, "duplicate-file", reason, record.source_path),)))
    return marked


def _walk(folder: Path, problems: list[NormalisedDocument]) -> Iterator[Path]:
    def on_error(error: OSError) -> None:
        problems.append(_unusable(Path(error.filename or folder), f"cannot read folder entry: {error.strerror or error}"))

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
    found, problems = discover_inputs(inputs)
    if on_start:
        on_start(len(found) + len(problems))
    inputs_by_path = {item.path: item for item in found}
    results: dict[Path, NormalisedDocument] = {}
    keys = {item.path: cache.key(item.path, settings) for item in found} if cache else {}
    todo = []
    for item in found:
        cached = None if (force or cache is None) else cache.load(keys[item.path])
        if cached is not None:
            results[item.path] = relabel(cached, item.document, item.source_path)
            if on_document:
                on_document(results[item.path])
        else:
            todo.append(item.path)
    for result in problems:
        if on_document:
            on_document(result)
    for path, result in _convert_all(todo, settings, jobs, timeout, scheduler):
        if cache is not None:
            cache.store(keys.get(path), result)
        item = inputs_by_path[path]
        results[path] = relabel(result, item.document, item.source_path)
        if on_document:
            on_document(results[path])
    documents = mark_duplicate_content(tuple(problems) + tuple(results[item.path] for item in found))
    return Dataset(tuple(documents), converted=len(todo), from_cache=len(found) - len(todo))


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
