"""The whole job: files -> ingest -> extract -> normalise -> dataset tables.

:func:`convert_file` never raises: a file that cannot be read becomes a ``documents`` row
with status ``failed`` (or ``skipped``) and a one-line reason, so a batch always finishes.
:func:`convert` runs a batch (optionally in parallel processes) and returns a
:class:`Dataset`; :func:`convert_to_frames` is the one-call Python API.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

import pandas as pd

from export.tables import documents_to_frames
from extract.headers import HeaderSettings
from extract.model import Issue
from ingest import UnreadableFile, read_document
from ingest.issues import ERROR_CODES  # codes that make a document partial
from normalise.model import DocumentRecord, NormalisedDocument

if TYPE_CHECKING:
    from actionplans.cache import Cache

PIPELINE_VERSION = "0.1.0"
"""Bumped whenever a change alters output; part of the cache key."""
SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep"})


@dataclass(frozen=True)
class Settings:
    """Everything a conversion depends on besides the file itself."""

    headers: HeaderSettings = field(default_factory=HeaderSettings)


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


def failed_document(path: Path, reason: str, status: str = "failed", sha256: str = "", fmt: str = "") -> NormalisedDocument:
    record = DocumentRecord(document=path.name, format=fmt, pages=None, tables=0, actions=0, status=status,
                            error=reason, sha256=sha256, title="", plan_date="")
    issue = Issue(path.name, "unreadable-file" if status == "failed" else "skipped-file", reason, str(path))
    return NormalisedDocument(record, issues=(issue,))


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def convert_file(path: Path | str, settings: Settings = Settings()) -> NormalisedDocument:
    """Convert one file; never raises (bad input becomes a failed ``documents`` row)."""
    # Imported here, not at module level: a re-run served from the cache never needs the
    # NLP and date-parsing stack, and starting the CLI stays fast.
    from extract import extract_document
    from normalise.document import normalise_extraction
    from normalise.timescale import split_timescale_entries

    path = Path(path)
    try:
        document = read_document(path)
    except UnreadableFile as error:
        return failed_document(path, error.reason, error.status, _sha256(path))
    except Exception as error:  # a reader bug must not stop the batch
        return failed_document(path, f"cannot read: {type(error).__name__}: {_one_line(error)}", sha256=_sha256(path))
    try:
        extraction = extract_document(document, settings.headers, split_timescale_entries)
        record = DocumentRecord(document=document.name, format=document.format, pages=document.pages,
                                tables=0, actions=0, status="success", error="", sha256=document.sha256,
                                title="", plan_date="")
        result = normalise_extraction(extraction, record)
    except Exception:  # an extract/normalise bug must not stop the batch; say where it was
        detail = traceback.format_exc(limit=-1).strip().splitlines()[-1]
        return failed_document(path, f"internal error while converting: {detail}", sha256=document.sha256, fmt=document.format)
    return _with_status(result, document_tables=len(document.tables))


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__


def _with_status(result: NormalisedDocument, document_tables: int) -> NormalisedDocument:
    record = result.record
    if not document_tables:
        status, error = "skipped", "no tables found"
    elif not result.actions:
        status, error = "skipped", f"no action table found ({document_tables} tables read)"
    else:
        errors = [issue.code for issue in result.issues if issue.code in ERROR_CODES]
        status = "partial" if errors else "success"
        error = ", ".join(f"{errors.count(code)} {code}" for code in sorted(set(errors))) if errors else ""
    record = DocumentRecord(**{**record.__dict__, "status": status, "error": error})
    return NormalisedDocument(record, result.actions, result.issues, result.glossary, result.people)


def convert(
    inputs: Iterable[Path | str],
    settings: Settings = Settings(),
    jobs: int = 1,
    on_document: Callable[[NormalisedDocument], None] | None = None,
    timeout: float | None = None,
    cache: "Cache | None" = None,
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
    from actionplans.workers import convert_in_workers

    yield from convert_in_workers(files, settings, jobs, timeout)


def convert_to_frames(inputs: Iterable[Path | str] | Path | str, settings: Settings = Settings(), jobs: int = 1) -> dict[str, pd.DataFrame]:
    """One call from Python: paths in, the dataset's tables out as pandas DataFrames.

    >>> frames = convert_to_frames("data/raw")          # doctest: +SKIP
    >>> frames["actions"][["ref", "due_date", "status"]]  # doctest: +SKIP
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return convert(inputs, settings, jobs).frames
