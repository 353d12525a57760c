"""One ``convert`` run as a library call: convert, apply corrections, write the dataset
only when it changed, write the database, and say what happened.

The CLI parses options into :class:`RunOptions`, calls :func:`run_batch` and prints the
:class:`RunResult`; from Python the same run (with the same cache, unchanged-dataset
detection and database write) is one call::

    result = run_batch(RunOptions(inputs=(Path("data/raw"),), out=Path("data/processed")))
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from actionplans.cache import Cache, code_digest, settings_digest
from actionplans.export import DEFAULT_FORMATS, write_dataset
from actionplans.export.writers import dataset_files, stale_files
from actionplans.overrides import AppliedCorrections, Corrections
from actionplans.pipeline import PIPELINE_VERSION, Dataset, Settings, convert
from normalise.model import NormalisedDocument

CACHE_NAME = ".actionplans-cache"


class InterruptedAfterWrite(Exception):
    """Ctrl-C after the dataset files were written (during the database write)."""


@dataclass(frozen=True)
class RunOptions:
    """One ``convert`` run's validated options."""

    inputs: tuple[Path, ...]
    out: Path
    formats: tuple[str, ...] = DEFAULT_FORMATS
    settings: Settings = field(default_factory=Settings)
    jobs: int = 1
    timeout: float | None = None
    max_memory: int | None = None
    csv_raw: bool = False
    csv_excel: bool = False
    force: bool = False
    cache: Path | None = None  # None: no cache
    database_url: str | None = None
    prune: bool = False
    overrides_file: Path | None = None
    corrections: Corrections | None = None  # the overrides file, read and checked before converting
    with_review: bool = False
    scheduler: str | None = None


@dataclass(frozen=True)
class RunResult:
    """What a run did: the dataset, its run.json summary, whether the files on disk were left
    as they were (nothing changed), our files of other formats removed, the database's lines
    for the summary (and whether it took the rows), and the corrections applied."""

    dataset: Dataset
    summary: dict[str, Any]
    unchanged: bool
    removed: tuple[str, ...] = ()
    database_ok: bool = True
    database_lines: tuple[str, ...] = ()
    applied: AppliedCorrections | None = None

    @property
    def failed(self) -> bool:
        return bool(self.dataset.failed) or not self.database_ok


def run_batch(
    run: RunOptions,
    on_start: Callable[[int], None] | None = None,
    on_document: Callable[[NormalisedDocument], None] | None = None,
) -> RunResult:
    """Convert ``run.inputs`` and write the dataset into ``run.out`` (and the database).

    Raises ``OSError`` when the dataset cannot be written (the previous one stays),
    :class:`InterruptedAfterWrite` on Ctrl-C during the database write, and the Dask
    executor's errors for an unusable ``scheduler``."""
    out, chosen = run.out, run.formats
    started = time.perf_counter()
    dataset = convert(
        run.inputs,
        run.settings,
        jobs=run.jobs,
        timeout=run.timeout,
        cache=Cache(run.cache) if run.cache else None,
        force=run.force,
        on_document=on_document,
        on_start=on_start,
        scheduler=run.scheduler,
        max_memory=run.max_memory,
        exclude=(out, *([run.cache] if run.cache else [])),
    )
    applied = None
    if run.corrections is not None:
        from actionplans.overrides import apply_corrections

        applied = apply_corrections(dataset.documents, run.corrections)
        dataset = Dataset(applied.documents, dataset.converted, dataset.from_cache)
    summary = run_summary(dataset, run.inputs, chosen, time.perf_counter() - started)
    summary["fingerprint"] = dataset_fingerprint(
        dataset, chosen + (("csv-raw",) if run.csv_raw else ()), run.settings, run.csv_excel
    )
    if applied is not None and run.corrections is not None and run.overrides_file is not None:
        summary["overrides"] = {
            "file": str(run.overrides_file.resolve()),
            "applied": applied.applied,
            "not_applied": len(applied.problems),
        }
        summary["fingerprint"] += f"+{run.corrections.digest}"
    unchanged = dataset.converted == 0 and same_dataset_on_disk(out, chosen, summary["fingerprint"])
    removed: tuple[str, ...] = ()
    if unchanged:  # every file came from the cache and the files on disk hold exactly this dataset
        replace_file(out / "run.json", json.dumps(summary, indent=1))
    else:
        from actionplans.review import SOURCES_NAME, sources_jsonl

        summary["removed"] = stale_files(out, [*dataset_files(chosen), "run.json", SOURCES_NAME])
        extra_files = {"run.json": json.dumps(summary, indent=1), SOURCES_NAME: sources_jsonl(dataset.documents)}
        removed = write_dataset(
            dataset_frames(dataset, applied),
            out,
            chosen,
            extra_files=extra_files,
            csv_raw=run.csv_raw,
            csv_bom=run.csv_excel,
        ).removed
    database_ok: bool = True
    database_lines: tuple[str, ...] = ()
    if run.database_url:
        try:
            database_ok, database_lines = write_database_report(
                dataset_frames(dataset, applied), run.database_url, run.prune
            )
        except KeyboardInterrupt:
            raise InterruptedAfterWrite(f"the dataset in {out} was written; the database write was stopped") from None
    return RunResult(dataset, summary, unchanged, tuple(removed), database_ok, database_lines, applied)


def dataset_frames(dataset: Dataset, applied: AppliedCorrections | None) -> dict[str, pd.DataFrame]:
    """The tables to write: with an overrides file, its own problems join the issues table."""
    if applied is None:
        return dataset.frames
    from actionplans.overrides import corrected_frames

    return corrected_frames(dataset.frames, applied)


def dataset_fingerprint(dataset: Dataset, formats: tuple[str, ...], settings: Settings, csv_bom: bool = False) -> str:
    """What the dataset files are a function of: each document's name, source path, bytes
    (SHA-256), status and reason, the pipeline's code, the settings and the formats."""
    parts = [code_digest(), settings_digest(settings), ",".join(formats), f"bom={csv_bom}"]
    parts += [
        f"{d.record.document}|{d.record.source_path}|{d.record.sha256}|{d.record.status}|{d.record.error}"
        for d in dataset.documents
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def same_dataset_on_disk(out: Path, formats: tuple[str, ...], fingerprint: str) -> bool:
    try:
        previous = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return previous.get("fingerprint") == fingerprint and all((out / name).is_file() for name in dataset_files(formats))


def replace_file(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_database_report(frames: dict[str, pd.DataFrame], url: str, prune: bool) -> tuple[bool, tuple[str, ...]]:
    """Write the database; (whether it worked, lines for the summary)."""
    from sqlalchemy.exc import SQLAlchemyError

    from actionplans.export.database import DatabaseError, write_database

    try:
        report = write_database(frames, url, prune=prune)
    except (SQLAlchemyError, DatabaseError, ImportError, ValueError) as error:
        # Not the URL itself in the message: it may hold a password.
        detail = getattr(error, "orig", None) or error
        return False, (
            f"error: cannot write the database (nothing in it changed): {' '.join(str(detail).split())[:200]}",
        )
    return True, tuple(report.lines())


def run_summary(dataset: Dataset, inputs: tuple[Path, ...], formats: tuple[str, ...], seconds: float) -> dict[str, Any]:
    """The run's JSON summary (written as run.json beside the dataset)."""
    records = [document.record for document in dataset.documents]
    return {
        "version": PIPELINE_VERSION,
        "inputs": [str(path) for path in inputs],
        "formats": list(formats),
        "seconds": round(seconds, 3),
        "files": len(records),
        "converted": dataset.converted,
        "from_cache": dataset.from_cache,
        "status": dict(Counter(record.status for record in records)),
        "actions": sum(record.actions for record in records),
        "issues": dict(Counter(issue.code for document in dataset.documents for issue in document.issues)),
        "failures": {record.document: record.error for record in records if record.status == "failed"},
    }
