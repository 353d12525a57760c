"""The whole job: files -> ingest -> extract -> normalise -> dataset tables.

:func:`convert_file` never raises: a file that cannot be read becomes a ``documents`` row
with status ``failed`` (or ``skipped``) and a one-line reason, so a batch always finishes.
:func:`convert` runs a batch (optionally in parallel processes) and returns a
:class:`Dataset`; :func:`convert_to_frames` is the one-call Python API.
"""

from __future__ import annotations

import functools
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

import pandas as pd

from actionplans.cache import Cache, CacheKey
from actionplans.conversion import PIPELINE_VERSION, Settings, convert_file, failed_document
from actionplans.export.tables import documents_to_frames
from actionplans.workers import WorkerFailure, run_in_workers
from ingest.model import Issue
from normalise.model import NormalisedDocument

SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep"})
__all__ = [
    "PIPELINE_VERSION",
    "Dataset",
    "Settings",
    "convert",
    "convert_file",
    "convert_to_frames",
    "discover",
    "failed_document",
]


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


def discover(
    inputs: Iterable[Path | str], exclude: Iterable[Path | str] = ()
) -> tuple[list[Path], list[NormalisedDocument]]:
    """Files to convert (folders walked, sorted) and rows for inputs that cannot be used.

    Folders in ``exclude`` (the output folder, the cache) are not walked into. Only regular
    files are read: a FIFO, device or socket (or a link to one) would block or never end,
    so it gets a ``skipped`` row instead.
    """
    found, problems = discover_inputs(inputs, exclude)
    return [item.path for item in found], problems


def discover_inputs(
    inputs: Iterable[Path | str], exclude: Iterable[Path | str] = ()
) -> tuple[list[InputFile], list[NormalisedDocument]]:
    """Like :func:`discover`, with each file's document name and source path."""
    found: dict[Path, tuple[Path, str, str]] = {}  # one entry per real file: (path, relative name, input)
    problems: list[NormalisedDocument] = []
    excluded = frozenset(Path(folder).resolve() for folder in exclude)
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for file in _walk(path, problems, excluded):
                found.setdefault(_absolute(file), (file, file.relative_to(path).as_posix(), _input_label(path)))
        elif path.exists():
            found.setdefault(_absolute(path), (path, path.name, _input_label(path.parent)))
        else:
            problems.append(_unusable(path, "no such file or folder"))
    for key, (file, _, _) in list(found.items()):
        reason = not_a_regular_file(file)
        if reason:
            problems.append(_unusable(file, reason, status="skipped"))
            del found[key]
    names = unique_document_names([(relative, label, str(file)) for file, relative, label in found.values()])
    files = [InputFile(file, name, str(file)) for (file, _, _), name in zip(found.values(), names)]
    return files, problems


def _unusable(path: Path, reason: str, status: str = "failed") -> NormalisedDocument:
    return relabel(failed_document(path, reason, status=status), path.name, str(path))


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
    return replace(  # every other part (glossary, people, sources) kept as it is
        result,
        record=replace(result.record, document=document, source_path=source_path),
        actions=tuple(replace(action, document=document) for action in result.actions),
        issues=tuple(replace(issue, document=document) for issue in result.issues),
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
        original = (
            first.setdefault(record.sha256, record.document)
            if record.sha256 and record.status != "failed"
            else record.document
        )
        if original == record.document:
            marked.append(result)
            continue
        reason = f"same content as {original}"
        skipped = replace(record, tables=0, actions=0, status="skipped", error=reason)
        marked.append(
            NormalisedDocument(skipped, issues=(Issue(record.document, "duplicate-file", reason, record.source_path),))
        )
    return marked


_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def not_a_regular_file(path: Path) -> str:
    """Why ``path`` is not read ("" for a regular file, or one that cannot be looked at:
    reading it then gives the reason)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ""
    if stat.S_ISREG(mode):
        return ""
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    return f"not read: {kind}, not a regular file"


def _walk(folder: Path, problems: list[NormalisedDocument], excluded: frozenset[Path] = frozenset()) -> Iterator[Path]:
    def on_error(error: OSError) -> None:
        problems.append(
            _unusable(Path(error.filename or folder), f"cannot read folder entry: {error.strerror or error}")
        )

    if folder.resolve() in excluded:
        return
    for root, dirs, names in os.walk(folder, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (Path(root) / d).resolve() not in excluded)
        for name in sorted(names):
            if name.startswith(".") or name in SKIP_NAMES or name.startswith("~$"):
                continue
            yield Path(root) / name


@dataclass(frozen=True)
class FileOutcome:
    """One file's result and how it was obtained: from the cache or converted (internal)."""

    result: NormalisedDocument
    key: CacheKey | None = None
    from_cache: bool = False


@dataclass(frozen=True)
class CacheLookup:
    """A file's cache key and its cached result, if any (internal)."""

    key: CacheKey | None
    cached: NormalisedDocument | None = None


def look_up(path: Path, settings: Settings, cache: Cache) -> CacheLookup:
    """Hash the file and load its cache entry: run in a worker, under the time limit."""
    key = _cache_key(cache, path, settings)
    return CacheLookup(key, cache.load(key) if key is not None else None)


def convert_or_load(path: Path, settings: Settings, cache: Cache | None = None, force: bool = False) -> FileOutcome:
    """One file: its cached result when the cache has one (unless ``force``), else converted.

    Hashing the file for the cache key is part of this, so a worker runs it under the
    per-file time and memory limits, never the parent."""
    key = _cache_key(cache, path, settings) if cache is not None else None
    cached = None if (force or key is None or cache is None) else cache.load(key)
    if cached is not None:
        return FileOutcome(cached, key, from_cache=True)
    return FileOutcome(convert_file(path, settings), key)


def _cache_key(cache: Cache, path: Path, settings: Settings) -> CacheKey | None:
    """The file's cache key, or None (no caching for this file) when it cannot be made:
    a name that is not valid UTF-8 must cost the cache, not the file."""
    try:
        return cache.key(path, settings)
    except (UnicodeError, ValueError):
        return None


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
    max_memory: int | None = None,
    exclude: Iterable[Path | str] = (),
) -> Dataset:
    """Convert files and folders into one dataset.

    ``jobs`` > 1, a ``timeout`` or a ``max_memory`` (bytes) converts in worker processes,
    each file limited to ``timeout`` seconds and each worker to ``max_memory``; with a Dask
    ``scheduler`` address the files are converted on that cluster instead (the ``dask``
    extra). With a ``cache``, files converted before (same bytes, name, version and
    settings) are taken from it unless ``force``; new results are stored in it. Folders in
    ``exclude`` are never read (the output folder).
    """
    found, problems = discover_inputs(inputs, exclude)
    if on_start:
        on_start(len(found) + len(problems))
    for result in problems:
        if on_document:
            on_document(result)
    inputs_by_path = {item.path: item for item in found}
    files = [item.path for item in found]
    results: dict[Path, NormalisedDocument] = {}
    converted = 0
    for path, outcome in _outcomes(files, settings, jobs, timeout, max_memory, cache, force, scheduler):
        converted += not outcome.from_cache
        if cache is not None and not outcome.from_cache:
            cache.store(outcome.key, outcome.result)
        item = inputs_by_path[path]
        results[path] = relabel(outcome.result, item.document, item.source_path)
        if on_document:
            on_document(results[path])
    documents = mark_duplicate_content(tuple(problems) + tuple(results[path] for path in files))
    return Dataset(tuple(documents), converted=converted, from_cache=len(files) - converted)


def _outcomes(
    files: Sequence[Path],
    settings: Settings,
    jobs: int,
    timeout: float | None,
    max_memory: int | None,
    cache: Cache | None,
    force: bool,
    scheduler: str | None,
) -> Iterator[tuple[Path, FileOutcome]]:
    if not files:
        return
    task = functools.partial(convert_or_load, settings=settings, cache=cache, force=force)
    if scheduler:
        yield from _outcomes_on_cluster(files, settings, cache, force, scheduler)
    elif jobs <= 1 and not timeout and not max_memory:
        for path in files:
            yield path, task(path)
    else:
        yield from _outcomes_in_workers(files, settings, jobs, timeout, max_memory, cache, force)


def _outcomes_in_workers(
    files: Sequence[Path],
    settings: Settings,
    jobs: int,
    timeout: float | None,
    max_memory: int | None,
    cache: Cache | None,
    force: bool,
) -> Iterator[tuple[Path, FileOutcome]]:
    """Two passes, both in workers under the time limit: hash and look up every file in
    light forked workers (a re-run where nothing changed ends here), then convert the misses
    in the fork server's workers under the memory limit too. The parent never reads an input."""
    keys: dict[Path, CacheKey | None] = {}
    todo = list(files)
    if cache is not None and not force:
        todo = []
        lookup = functools.partial(look_up, settings=settings, cache=cache)
        for path, found in run_in_workers(files, lookup, jobs, timeout, light=True):
            if isinstance(found, WorkerFailure):
                yield path, FileOutcome(failed_document(path, found.reason))
            elif found.cached is not None:
                yield path, FileOutcome(found.cached, found.key, from_cache=True)
            else:
                keys[path] = found.key
                todo.append(path)
    if not todo:
        return
    task = functools.partial(convert_or_load, settings=settings, cache=cache if force else None, force=force)
    for path, outcome in run_in_workers(todo, task, jobs, timeout, max_memory):
        if isinstance(outcome, WorkerFailure):
            outcome = FileOutcome(failed_document(path, outcome.reason))
        yield path, FileOutcome(outcome.result, outcome.key or keys.get(path), outcome.from_cache)


def _outcomes_on_cluster(
    files: Sequence[Path], settings: Settings, cache: Cache | None, force: bool, scheduler: str
) -> Iterator[tuple[Path, FileOutcome]]:
    from actionplans.distributed import convert_on_cluster

    keys = {path: _cache_key(cache, path, settings) for path in files} if cache is not None else {}
    todo = []
    for path in files:
        cached = None if (force or cache is None) else cache.load(keys[path])
        if cached is not None:
            yield path, FileOutcome(cached, keys[path], from_cache=True)
        else:
            todo.append(path)
    if todo:
        for path, result in zip(todo, convert_on_cluster(todo, settings, scheduler)):
            yield path, FileOutcome(result, keys.get(path))


def convert_to_frames(
    inputs: Iterable[Path | str] | Path | str, settings: Settings = Settings(), jobs: int = 1
) -> dict[str, pd.DataFrame]:
    """One call from Python: paths in, the dataset's tables out as pandas DataFrames.

    >>> frames = convert_to_frames("data/raw")          # doctest: +SKIP
    >>> frames["actions"][["ref", "due_date", "status"]]  # doctest: +SKIP
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return convert(inputs, settings, jobs).frames
