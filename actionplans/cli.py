"""Command line: ``actionplans convert | evaluate | inspect | review``.

Thin commands over library calls. Exit status: 0 when every file converted, 1 when any file
failed, 2 for a usage error. Errors are one line; ``-v`` adds detail and tracebacks.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from actionplans.batch import CACHE_NAME, InterruptedAfterWrite, RunOptions, run_batch
from actionplans.export import DEFAULT_FORMATS, FORMATS
from actionplans.export.tables import visible_text as printable
from actionplans.pipeline import PIPELINE_VERSION, Dataset, Settings
from extract import HeaderSettings
from ingest.pdf_settings import PdfSettings
from ingest.settings import DEFAULT_MAX_EXPANDED_MB, PackageLimits
from normalise.model import NormalisedDocument

log = logging.getLogger("actionplans")
DEFAULT_TIMEOUT = 600.0
DEFAULT_MAX_MEMORY = "2G"
DEFAULT_INPUT = Path("data/raw")
EXIT_INTERRUPTED = 130
"""128 + SIGINT, what a shell reports for a program stopped with Ctrl-C."""


class Progress:
    """A progress bar on a terminal (files, pages, actions, failures); silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None
        self.pages = self.actions = self.failures = 0

    def __enter__(self) -> Progress:
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
        log.debug(
            "%s: %s, %d actions%s",
            record.document,
            record.status,
            record.actions,
            f" ({record.error})" if record.error else "",
        )
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
        raise click.BadParameter(
            f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(FORMATS)}"
        ) from None
    return chosen


_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(value: str) -> int | None:
    """``"2G"`` -> 2147483648; ``"512M"``, ``"1.5G"``, a byte count; ``"0"`` or ``"none"`` -> None."""
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    if text in ("0", "NONE", ""):
        return None
    unit = text[-1] if text[-1:] in _SIZE_UNITS else ""
    try:
        number = float(text[: len(text) - len(unit)])
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a size (e.g. 2G, 512M, 0 for no limit)") from None
    if number <= 0:
        return None
    return int(number * _SIZE_UNITS[unit])


def _check_inputs(inputs: tuple[Path, ...], out: Path) -> tuple[Path, ...]:
    """The inputs to read, or a usage error: a missing path, or one inside the output folder.

    Checked before anything is converted or written, so a typo never replaces a dataset."""
    if not inputs:
        if not DEFAULT_INPUT.is_dir():
            raise click.UsageError(
                f"no inputs given and no {DEFAULT_INPUT} folder in {click.format_filename(os.getcwd())}"
            )
        inputs = (DEFAULT_INPUT,)
    out_folder = out.resolve()
    for path in inputs:
        if not path.exists():
            raise click.UsageError(f"input not found: {click.format_filename(str(path.absolute()))}")
        resolved = path.resolve()
        if resolved == out_folder or out_folder in resolved.parents:
            raise click.UsageError(
                f"input {click.format_filename(str(path))} is the output folder or inside it ({click.format_filename(str(out_folder))}); "
                "choose another --out"
            )
    return inputs


_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0"})


SETTING_SECTIONS = ("leads", "pdf", "walk")
"""The fields of :class:`Settings` that ``--setting SECTION.NAME=VALUE`` reaches: the settings
objects of plain values (``headers`` comes from a file with ``--headers``, ``package`` from
``--max-expanded-mb``)."""


def pdf_settings(assignments: tuple[str, ...], password: str | None = None) -> PdfSettings:
    """``("snap_tolerance=5", "unruled.min_rows=4", "find_unruled=no")`` -> :class:`PdfSettings`
    with those fields set (each value read as its default's type) and ``password``; a usage
    error names the setting that is unknown or invalid."""
    settings = PdfSettings() if password is None else PdfSettings(password=password)
    for assignment in assignments:
        path, text = _assignment(assignment, "--pdf-setting", "NAME=VALUE")
        settings = _assigned(settings, path, text, "--pdf-setting")
    return settings


def with_settings(settings: Settings, assignments: tuple[str, ...]) -> Settings:
    """``settings`` with each ``SECTION.NAME=VALUE`` of ``assignments`` set, in order
    (``("walk.header_search_rows=2", "pdf.unruled.min_rows=4", "leads.known_name_score=2.5")``);
    a usage error names the section or setting that is unknown and the valid choices, or the
    value that is invalid."""
    for assignment in assignments:
        path, text = _assignment(assignment, "--setting", "SECTION.NAME=VALUE")
        if path[0] not in SETTING_SECTIONS:
            raise click.BadParameter(
                f"no settings section {path[0]!r}; choose from {', '.join(SETTING_SECTIONS)}", param_hint="--setting"
            )
        if len(path) < 2:
            raise click.BadParameter(
                f"{path[0]} is a section of settings: name one ({path[0]}.NAME=VALUE)", param_hint="--setting"
            )
        section = _assigned(getattr(settings, path[0]), path[1:], text, "--setting")
        settings = dataclasses.replace(settings, **{path[0]: section})
    return settings


def _assignment(assignment: str, option: str, form: str) -> tuple[list[str], str]:
    """``"unruled.min_rows=4"`` -> (["unruled", "min_rows"], "4"); a usage error if not NAME=VALUE."""
    name, equals, text = assignment.partition("=")
    path = [part.strip() for part in name.split(".")]
    if not equals or not all(path):
        raise click.BadParameter(f"{assignment!r} is not {form}", param_hint=option)
    return path, text.strip()


def _assigned(settings: Any, path: list[str], text: str, option: str) -> Any:
    """:func:`_with_setting`, its errors (and the settings' own validation) as usage errors."""
    try:
        return _with_setting(settings, path, text)
    except (TypeError, ValueError) as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _with_setting(settings: Any, path: list[str], text: str) -> Any:
    """A copy of a settings object with the field at ``path`` (nested: ``unruled.min_rows``) set."""
    names = {item.name for item in dataclasses.fields(settings)}
    owner = type(settings).__name__
    if path[0] not in names or path[0] == "password":
        choices = ", ".join(sorted(names - {"password"}))
        raise ValueError(f"{owner} has no setting {path[0]!r}; choose from {choices}")
    current = getattr(settings, path[0])
    if dataclasses.is_dataclass(current):
        if len(path) < 2:
            raise ValueError(f"{owner}.{path[0]} is a group of settings: name one ({path[0]}.NAME=VALUE)")
        return dataclasses.replace(settings, **{path[0]: _with_setting(current, path[1:], text)})
    if len(path) > 1:
        raise ValueError(f"{owner}.{path[0]} has no settings inside it")
    return dataclasses.replace(settings, **{path[0]: _typed_value(text, current, f"{owner}.{path[0]}")})


def _typed_value(text: str, default: object, name: str) -> object:
    """``text`` read as the type of ``default`` (a bool from true/false, yes/no, on/off, 1/0)."""
    if isinstance(default, bool):
        if text.lower() not in _TRUE_WORDS | _FALSE_WORDS:
            raise ValueError(f"{name} must be true or false, not {text!r}")
        return text.lower() in _TRUE_WORDS
    if isinstance(default, (int, float)):
        try:
            return type(default)(text)
        except ValueError:
            kind = "a whole number" if isinstance(default, int) else "a number"
            raise ValueError(f"{name} must be {kind}, not {text!r}") from None
    return text


def _settings(
    headers_file: Path | None,
    pdf_assignments: tuple[str, ...],
    pdf_password: str | None,
    max_expanded_mb: int,
    assignments: tuple[str, ...] = (),
) -> Settings:
    """The conversion settings from the command line's options (convert and inspect alike);
    ``--setting`` is applied after ``--pdf-setting`` (its alias for the pdf section)."""
    try:
        headers = HeaderSettings.from_file(headers_file) if headers_file else HeaderSettings()
    except (ValueError, OSError) as error:
        raise click.BadParameter(str(error), param_hint="--headers") from None
    settings = Settings(
        headers=headers,
        pdf=pdf_settings(pdf_assignments, pdf_password),
        package=PackageLimits(max_expanded_mb=max_expanded_mb),
    )
    return with_settings(settings, assignments)


def _settings_options(command):
    """The options every command that reads plans takes: --headers, --setting, --pdf-setting,
    --pdf-password, --max-expanded-mb."""
    options = (
        click.option(
            "--headers",
            "headers_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help='TOML file of extra header synonyms ([synonyms] field = ["Header", ...]).',
        ),
        click.option(
            "--setting",
            "assignments",
            multiple=True,
            metavar="SECTION.NAME=VALUE",
            help=f"Set one field of a settings section ({', '.join(SETTING_SECTIONS)}), e.g. pdf.snap_tolerance=5, "
            "pdf.unruled.min_rows=4, walk.header_search_rows=4, leads.known_name_score=2.5 "
            "(repeatable; README: Settings).",
        ),
        click.option(
            "--pdf-setting",
            "pdf_assignments",
            multiple=True,
            metavar="NAME=VALUE",
            help="Alias of --setting pdf.NAME=VALUE: tune the PDF table finder, e.g. snap_tolerance=5, "
            "find_unruled=no, unruled.min_rows=4 (repeatable; names as in ingest.pdf_settings.PdfSettings).",
        ),
        click.option(
            "--pdf-password", metavar="TEXT", help="Password to open encrypted PDFs with (default: the empty password)."
        ),
        click.option(
            "--max-expanded-mb",
            default=DEFAULT_MAX_EXPANDED_MB,
            show_default=True,
            type=click.IntRange(1),
            help="Size in MB a Word or Excel file may expand to when unzipped; a larger one is refused as a likely zip bomb.",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(PIPELINE_VERSION, prog_name="actionplans")
def main() -> None:
    """Turn inspection action plans (text exports, PDF, Word, HTML) into one dataset of
    actions, leads, timescales and statuses."""


@main.command("convert")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    default="data/processed",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the dataset into.",
)
@click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    help=f"Comma-separated output formats: {', '.join(FORMATS)}.",
)
@_settings_options
@click.option(
    "--jobs",
    "-j",
    default=os.cpu_count() or 1,
    show_default="all cores",
    type=click.IntRange(1, 256),
    help="Files converted in parallel processes.",
)
@click.option(
    "--timeout",
    default=DEFAULT_TIMEOUT,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds one file may take before it is stopped and reported failed (0: no limit).",
)
@click.option(
    "--max-memory",
    default=DEFAULT_MAX_MEMORY,
    show_default=True,
    metavar="SIZE",
    help="Memory one worker process may use (2G, 512M; 0: no limit). A file over it fails with a reason; the batch goes on.",
)
@click.option(
    "--csv-raw",
    is_flag=True,
    help="Write CSV text exactly as read; by default a cell starting with = + - @ gets a leading ' so spreadsheets do not run it as a formula.",
)
@click.option("--force", is_flag=True, help="Re-convert every file, ignoring the cache.")
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Cache folder for incremental runs [default: OUT/.actionplans-cache].",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--db",
    "database_url",
    metavar="URL",
    help="Also write the tables to this SQLAlchemy database (sqlite:///plans.sqlite, postgresql://...), replacing only the rows of this run's documents.",
)
@click.option(
    "--prune", is_flag=True, help="With --db: remove the rows of documents that are no longer among the inputs."
)
@click.option(
    "--csv-excel",
    is_flag=True,
    help="Write CSV as UTF-8 with a byte-order mark, so Excel opens it right on a double click.",
)
@click.option(
    "--overrides",
    "overrides_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Analysts' corrections (action_id,field,value,note CSV, as the review page exports) applied on every run.",
)
@click.option("--review", "with_review", is_flag=True, help="Also write OUT/review.html, the review page.")
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Convert on the Dask cluster at ADDRESS (tcp://host:8786) instead of local processes; needs the 'dask' extra.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="Log detail per file and show tracebacks.")
def convert_command(
    inputs: tuple[Path, ...],
    out: Path,
    formats: str,
    headers_file: Path | None,
    assignments: tuple[str, ...],
    pdf_assignments: tuple[str, ...],
    pdf_password: str | None,
    max_expanded_mb: int,
    jobs: int,
    timeout: float,
    max_memory: str,
    csv_raw: bool,
    force: bool,
    cache_dir: Path | None,
    no_cache: bool,
    database_url: str | None,
    prune: bool,
    csv_excel: bool,
    overrides_file: Path | None,
    with_review: bool,
    scheduler: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Convert plans in INPUTS (files or folders; default data/raw) into the dataset in --out.

    Re-runs convert only new or changed files (the rest come from the cache). The dataset is
    written atomically: an interrupted run leaves the previous one in place. Only the
    dataset's own files in --out are ever replaced or removed.
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(message)s")
    if not verbose:  # pdfminer warns about damaged fonts on stderr; the documents table says what matters
        logging.getLogger("pdfminer").setLevel(logging.ERROR)
    chosen = _formats(formats)
    settings = _settings(headers_file, pdf_assignments, pdf_password, max_expanded_mb, assignments)
    if prune and not database_url:
        raise click.BadParameter(
            "--prune only applies to a database; give --db URL too", param_hint="--prune"
        ) from None
    if database_url:  # a bad URL or a missing driver is reported now, not after the whole conversion
        from actionplans.export.database import DatabaseError, check_database

        try:
            check_database(database_url)
        except DatabaseError as error:
            raise click.BadParameter(str(error), param_hint="--db") from None
    corrections = _read_corrections(overrides_file)
    run = RunOptions(
        inputs=_check_inputs(inputs, out),
        out=out,
        formats=chosen,
        settings=settings,
        jobs=jobs,
        timeout=timeout or None,
        max_memory=parse_size(max_memory),
        csv_raw=csv_raw,
        force=force,
        cache=None if no_cache else (cache_dir or out / CACHE_NAME),
        database_url=database_url,
        prune=prune,
        csv_excel=csv_excel,
        overrides_file=overrides_file,
        corrections=corrections,
        with_review=with_review,
        scheduler=scheduler,
    )
    try:
        _convert_and_write(run, quiet)
    except KeyboardInterrupt:  # the workers are stopped by now; no traceback, one line
        click.echo(
            f"interrupted: conversion stopped; the dataset in {click.format_filename(str(out))} is as it was", err=True
        )
        sys.exit(EXIT_INTERRUPTED)
    except InterruptedAfterWrite as interrupted:
        click.echo(f"interrupted: {interrupted}", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _convert_and_write(run: RunOptions, quiet: bool) -> None:
    from actionplans.distributed import ClusterUnavailable, DaskMissing

    try:
        with Progress(enabled=not quiet and sys.stderr.isatty()) as progress:
            result = run_batch(run, on_start=progress.start, on_document=progress.document)
    except (DaskMissing, ClusterUnavailable) as error:
        raise click.BadParameter(str(error), param_hint="--scheduler") from None
    except InterruptedAfterWrite:
        raise
    except OSError as error:
        click.echo(
            f"error: cannot write the dataset to {click.format_filename(str(run.out))}: {error.strerror or error}",
            err=True,
        )
        sys.exit(1)
    if run.with_review:
        _write_review(run.out)
    if not quiet:  # the summary prints whether or not the database took the rows
        lines = [format_summary(result.dataset, run.out, result.unchanged, result.removed)]
        click.echo("\n".join([*lines, *(result.database_lines if result.database_ok else ())]))
        if result.applied is not None and run.corrections is not None:
            from actionplans.overrides import summary_lines

            click.echo("\n".join(summary_lines(result.applied, run.corrections)))
    if not result.database_ok:
        click.echo("\n".join(result.database_lines), err=True)
    sys.exit(1 if result.failed else 0)


def _read_corrections(path: Path | None):
    """The overrides file checked before converting: a file that cannot be used is a usage error."""
    if path is None:
        return None
    from actionplans.overrides import OverridesError, read_overrides

    try:
        return read_overrides(path)
    except OverridesError as error:
        raise click.BadParameter(str(error), param_hint="--overrides") from None


def _write_review(out: Path, image_width: int | None = None) -> Path:
    from actionplans.review import DEFAULT_IMAGE_WIDTH, write_review

    try:
        return write_review(out, image_width=image_width or DEFAULT_IMAGE_WIDTH)
    except (OSError, ValueError) as error:
        click.echo(f"error: cannot write the review page in {out}: {error}", err=True)
        sys.exit(1)


@main.command("review")
@click.argument("out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--image-width",
    default=None,
    type=click.IntRange(200, 2000),
    help="Width in pixels of the PDF page images [default: 800]; wider is sharper and heavier.",
)
def review_command(out: Path, image_width: int | None) -> None:
    """Write OUT/review.html: every action beside its source, doubtful ones first, with
    corrections exported as an overrides file for convert --overrides."""
    path = _write_review(out, image_width)
    click.echo(f"review page written to {path}")


def format_summary(dataset: Dataset, out: Path, unchanged: bool = False, removed: tuple[str, ...] = ()) -> str:
    """The one-screen summary printed at the end of a run."""
    records = [document.record for document in dataset.documents]
    status = Counter(record.status for record in records)
    documents = dataset.documents
    lines = [
        f"{len(records)} files ({dataset.converted} converted, {dataset.from_cache} from cache): "
        + ", ".join(f"{count} {name}" for name, count in sorted(status.items())),
        f"{sum(len(d.actions) for d in documents)} actions, {sum(len(d.issues) for d in documents)} issues, "
        f"{sum(len(d.glossary) for d in documents)} glossary entries, {sum(len(d.people) for d in documents)} people",
    ]
    codes = Counter(issue.code for d in documents for issue in d.issues)
    if codes:
        lines.append("issues by code: " + ", ".join(f"{code} {count}" for code, count in codes.most_common()))
    for record in records:
        if record.status in ("failed", "skipped", "partial"):
            lines.append(f"  {record.status}: {printable(record.document)}: {printable(record.error)}")
    if removed:
        lines.append(f"removed {len(removed)} files of formats not written this run: {', '.join(removed)}")
    where = click.format_filename(str(out))
    lines.append(f"dataset in {where} unchanged (nothing to convert)" if unchanged else f"dataset written to {where}")
    return "\n".join(lines)


@main.command("evaluate")
@click.option(
    "--gold",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of gold records (*.jsonl).",
)
@click.argument("actions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
def evaluate_command(gold: Path, actions_file: Path, as_json: bool) -> None:
    """Score an actions.csv / actions.jsonl against hand-checked gold records."""
    from actionplans.evaluate import evaluate, format_result

    result = evaluate(gold, [actions_file])
    click.echo(json.dumps(result, indent=1) if as_json else format_result(result))


@main.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--tables-jsonl",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every table found as JSON Lines (ICDAR scoring format).",
)
@click.option(
    "--draw",
    type=click.Path(file_okay=False, path_type=Path),
    help="Draw detected table cells onto page images in this folder (PDF only).",
)
@_settings_options
def inspect_command(
    files: tuple[Path, ...],
    tables_jsonl: Path | None,
    draw: Path | None,
    headers_file: Path | None,
    assignments: tuple[str, ...],
    pdf_assignments: tuple[str, ...],
    pdf_password: str | None,
    max_expanded_mb: int,
) -> None:
    """Show what the reader saw in FILES: tables, header map, stitched rows, issues."""
    from actionplans import inspect as inspection

    settings = _settings(headers_file, pdf_assignments, pdf_password, max_expanded_mb, assignments)
    if tables_jsonl:
        count = inspection.write_tables_jsonl(list(files), tables_jsonl, settings.pdf)
        click.echo(f"{count} tables written to {tables_jsonl}")
        return
    for path in files:
        click.echo(inspection.describe(path, settings))
        click.echo(inspection.describe_extraction(path, settings))
        if draw and path.suffix.lower() == ".pdf":
            for image in inspection.draw_tables(path, draw, settings=settings.pdf, extract_settings=settings):
                click.echo(f"  drawn: {image}")


if __name__ == "__main__":
    main()
