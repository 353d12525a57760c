"""Command line: ``actionplans convert | evaluate | inspect | review``.

Thin commands over library calls. Exit status: 0 when every file converted, 1 when any file
failed, 2 for a usage error. Errors are one line; ``-v`` adds detail and tracebacks.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

import click

from actionplans.cache import Cache
from actionplans.pipeline import PIPELINE_VERSION, Dataset, Settings, convert
from normalise.model import NormalisedDocument
from actionplans.export import DEFAULT_FORMATS, FORMATS, write_dataset
from actionplans.export.writers import dataset_files
from extract import HeaderSettings

log = logging.getLogger("actionplans")
DEFAULT_TIMEOUT = 600.0
CACHE_NAME = ".actionplans-cache"


class Progress:
    """A progress bar on a terminal (files, pages, actions, failures); silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None
        self.pages = self.actions = self.failures = 0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def start(self, total: int) -> None:
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)

    def document(self, result: NormalisedDocument) -> None:
        record = result.record
        log.debug("%s: %s, %d actions%s", record.document, record.status, record.actions, f" ({record.error})" if record.error else "")
        self.pages += record.pages or 0
        self.actions += record.actions
        self.failures += record.status == "failed"
        if self.bar is not None:
            self.bar.set_postfix(pages=self.pages, actions=self.actions, failed=self.failures, refresh=False)
            self.bar.update(1)


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(FORMATS)}")
    return chosen


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(PIPELINE_VERSION, prog_name="actionplans")
def main() -> None:
    """Turn inspection action plans (text exports, PDF, Word, HTML) into one dataset of
    actions, leads, timescales and statuses."""


@main.command("convert")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out", default="data/processed", show_default=True, type=click.Path(path_type=Path, file_okay=False), help="Folder to write the dataset into.")
@click.option("--format", "formats", default=",".join(DEFAULT_FORMATS), show_default=True, help=f"Comma-separated output formats: {', '.join(FORMATS)}.")
@click.option("--headers", "headers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TOML file of extra header synonyms ([synonyms] field = [\"Header\", ...]).")
@click.option("--jobs", "-j", default=os.cpu_count() or 1, show_default="all cores", type=click.IntRange(1, 256), help="Files converted in parallel processes.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(0), help="Seconds one file may take before it is stopped and reported failed (0: no limit).")
@click.option("--force", is_flag=True, help="Re-convert every file, ignoring the cache.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), help="Cache folder for incremental runs [default: OUT/.actionplans-cache].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--db", "database_url", metavar="URL", help="Also write the tables to this SQLAlchemy database (sqlite:///plans.sqlite, postgresql://...), replacing only the rows of this run's documents.")
@click.option("--scheduler", metavar="ADDRESS", help="Convert on the Dask cluster at ADDRESS (tcp://host:8786) instead of local processes; needs the 'dask' extra.")
@click.option("--overrides", "overrides_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Analysts' corrections (action_id,field,value,note CSV, as the review page exports) applied on every run.")
@click.option("--review", "with_review", is_flag=True, help="Also write OUT/review.html, the review page.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="Log detail per file and show tracebacks.")
def convert_command(inputs: tuple[Path, ...], out: Path, formats: str, headers_file: Path | None, jobs: int, timeout: float,
                    force: bool, cache_dir: Path | None, no_cache: bool, database_url: str | None, scheduler: str | None,
                    overrides_file: Path | None, with_review: bool, quiet: bool, verbose: bool) -> None:
    """Convert plans in INPUTS (files or folders; default data/raw) into the dataset in --out.

    Re-runs convert only new or changed files (the rest come from the cache). The dataset is
    written atomically: an interrupted run leaves the previous one in place.
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(message)s")
    if not verbose:  # pdfminer warns about damaged fonts on stderr; the documents table says what matters
        logging.getLogger("pdfminer").setLevel(logging.ERROR)
    chosen = _formats(formats)
    try:
        headers = HeaderSettings.from_file(headers_file) if headers_file else HeaderSettings()
    except (ValueError, OSError) as error:
        raise click.BadParameter(str(error), param_hint="--headers")
    corrections = _read_corrections(overrides_file)
    inputs = inputs or (Path("data/raw"),)
    cache = None if no_cache else Cache(cache_dir or out / CACHE_NAME)
    started = time.perf_counter()
    from actionplans.distributed import ClusterUnavailable, DaskMissing

    try:
        with Progress(enabled=not quiet and sys.stderr.isatty()) as progress:
            dataset = convert(inputs, Settings(headers=headers), jobs=jobs, timeout=timeout or None, cache=cache,
                              force=force, on_document=progress.document, on_start=progress.start, scheduler=scheduler)
    except (DaskMissing, ClusterUnavailable) as error:
        raise click.BadParameter(str(error), param_hint="--scheduler")
    applied = None
    if corrections is not None:
        from actionplans.overrides import apply_corrections

        applied = apply_corrections(dataset.documents, corrections)
        dataset = Dataset(applied.documents, dataset.converted, dataset.from_cache)
    summary = run_summary(dataset, inputs, chosen, time.perf_counter() - started)
    summary["fingerprint"] = dataset_fingerprint(dataset, chosen, headers)
    if applied is not None and corrections is not None:
        summary["overrides"] = {"file": str(overrides_file.resolve()), "applied": applied.applied, "not_applied": len(applied.problems)}
        summary["fingerprint"] += f"+{corrections.digest}"
    unchanged = dataset.converted == 0 and _same_dataset_on_disk(out, chosen, summary["fingerprint"])
    try:
        if unchanged:  # every file came from the cache and the files on disk hold exactly this dataset
            _replace_file(out / "run.json", json.dumps(summary, indent=1))
        else:
            from actionplans.review import SOURCES_NAME, sources_jsonl

            write_dataset(_dataset_frames(dataset, applied), out, chosen,
                          extra_files={"run.json": json.dumps(summary, indent=1), SOURCES_NAME: sources_jsonl(dataset.documents)})
    except OSError as error:
        click.echo(f"error: cannot write the dataset to {out}: {error.strerror or error}", err=True)
        sys.exit(1)
    if database_url:
        if not _write_database(_dataset_frames(dataset, applied), database_url):
            sys.exit(1)
    if with_review:
        _write_review(out)
    if not quiet:
        click.echo(format_summary(dataset, out, unchanged))
        if applied is not None and corrections is not None:
            from actionplans.overrides import summary_lines

            click.echo("\n".join(summary_lines(applied, corrections)))
    sys.exit(1 if dataset.failed else 0)


def _read_corrections(path: Path | None):
    """The overrides file checked before converting: a file that cannot be used is a usage error."""
    if path is None:
        return None
    from actionplans.overrides import OverridesError, read_overrides

    try:
        return read_overrides(path)
    except OverridesError as error:
        raise click.BadParameter(str(error), param_hint="--overrides")


def _dataset_frames(dataset: Dataset, applied) -> dict:
    """The tables to write: with an overrides file, its own problems join the issues table."""
    if applied is None:
        return dataset.frames
    from actionplans.overrides import corrected_frames

    return corrected_frames(dataset.frames, applied)


def _write_review(out: Path, image_width: int | None = None) -> Path:
    from actionplans.review import DEFAULT_IMAGE_WIDTH, write_review

    try:
        return write_review(out, image_width=image_width or DEFAULT_IMAGE_WIDTH)
    except (OSError, ValueError) as error:
        click.echo(f"error: cannot write the review page in {out}: {error}", err=True)
        sys.exit(1)


@main.command("review")
@click.argument("out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--image-width", default=None, type=click.IntRange(200, 2000), help="Width in pixels of the PDF page images [default: 800]; wider is sharper and heavier.")
def review_command(out: Path, image_width: int | None) -> None:
    """Write OUT/review.html: every action beside its source, doubtful ones first, with
    corrections exported as an overrides file for convert --overrides."""
    path = _write_review(out, image_width)
    click.echo(f"review page written to {path}")


def dataset_fingerprint(dataset: Dataset, formats: tuple[str, ...], headers: HeaderSettings) -> str:
    """What the dataset files are a function of: each document's name, bytes (SHA-256),
    status and reason, the pipeline version, the header settings and the formats."""
    import hashlib

    parts = [PIPELINE_VERSION, repr(headers), ",".join(formats)]
    parts += [f"{d.record.document}|{d.record.sha256}|{d.record.status}|{d.record.error}" for d in dataset.documents]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _same_dataset_on_disk(out: Path, formats: tuple[str, ...], fingerprint: str) -> bool:
    try:
        previous = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return previous.get("fingerprint") == fingerprint and all((out / name).is_file() for name in dataset_files(formats))


def _replace_file(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _write_database(frames: dict, url: str) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    from actionplans.export.database import write_database

    try:
        write_database(frames, url)
    except (SQLAlchemyError, ImportError, ValueError) as error:
        # Not the URL itself in the message: it may hold a password.
        click.echo(f"error: cannot write the database: {' '.join(str(error).split())[:200]}", err=True)
        return False
    return True


def run_summary(dataset: Dataset, inputs: tuple[Path, ...], formats: tuple[str, ...], seconds: float) -> dict[str, object]:
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


def format_summary(dataset: Dataset, out: Path, unchanged: bool = False) -> str:
    """The one-screen summary printed at the end of a run."""
    records = [document.record for document in dataset.documents]
    status = Counter(record.status for record in records)
    documents = dataset.documents
    lines = [
        f"{len(records)} files ({dataset.converted} converted, {dataset.from_cache} from cache): " + ", ".join(f"{count} {name}" for name, count in sorted(status.items())),
        f"{sum(len(d.actions) for d in documents)} actions, {sum(len(d.issues) for d in documents)} issues, "
        f"{sum(len(d.glossary) for d in documents)} glossary entries, {sum(len(d.people) for d in documents)} people",
    ]
    codes = Counter(issue.code for d in documents for issue in d.issues)
    if codes:
        lines.append("issues by code: " + ", ".join(f"{code} {count}" for code, count in codes.most_common()))
    for record in records:
        if record.status in ("failed", "skipped", "partial"):
            lines.append(f"  {record.status}: {record.document}: {record.error}")
    lines.append(f"dataset in {out} unchanged (nothing to convert)" if unchanged else f"dataset written to {out}")
    return "\n".join(lines)


@main.command("evaluate")
@click.option("--gold", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder of gold records (*.jsonl).")
@click.argument("actions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
def evaluate_command(gold: Path, actions_file: Path, as_json: bool) -> None:
    """Score an actions.csv / actions.jsonl against hand-checked gold records."""
    from actionplans.evaluate import evaluate, format_result

    result = evaluate(gold, [actions_file])
    click.echo(json.dumps(result, indent=1) if as_json else format_result(result))


@main.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tables-jsonl", type=click.Path(dir_okay=False, path_type=Path), help="Write every table found as JSON Lines (ICDAR scoring format).")
@click.option("--draw", type=click.Path(file_okay=False, path_type=Path), help="Draw detected table cells onto page images in this folder (PDF only).")
@click.option("--headers", "headers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TOML file of extra header synonyms, as for convert.")
def inspect_command(files: tuple[Path, ...], tables_jsonl: Path | None, draw: Path | None, headers_file: Path | None) -> None:
    """Show what the reader saw in FILES: tables, header map, stitched rows, issues."""
    from actionplans import inspect as inspection

    try:
        settings = Settings(headers=HeaderSettings.from_file(headers_file) if headers_file else HeaderSettings())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--headers")

    if tables_jsonl:
        count = inspection.write_tables_jsonl(list(files), tables_jsonl)
        click.echo(f"{count} tables written to {tables_jsonl}")
        return
    for path in files:
        click.echo(inspection.describe(path))
        click.echo(inspection.describe_extraction(path, settings))
        if draw and path.suffix.lower() == ".pdf":
            for image in inspection.draw_tables(path, draw):
                click.echo(f"  drawn: {image}")


if __name__ == "__main__":
    main()
