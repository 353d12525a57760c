"""One file through the pipeline: ingest -> extract -> normalise, never raising.

:func:`extract_with` is the one way a read document is extracted (``convert``, ``inspect``,
the workers and the Dask path all use it); :func:`convert_file` adds reading and
normalising, and turns any failure into a ``failed`` documents row with a one-line reason.
The batch (:mod:`actionplans.pipeline`), the cache, the worker pool and the Dask executor
import this module; it imports none of them.
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from extract.headers import HeaderSettings
from extract.model import Extraction
from extract.settings import WalkSettings
from ingest import UnreadableFile, read_document
from ingest.issues import ERROR_CODES  # codes that make a document partial
from ingest.model import Document, Issue
from ingest.pdf_settings import PdfSettings
from ingest.settings import PackageLimits, check_field_types
from normalise.model import DocumentRecord, NormalisedDocument
from normalise.settings import LeadSettings

PIPELINE_VERSION = "0.1.0"
"""Bumped whenever a change alters output; part of the cache key."""


@dataclass(frozen=True)
class Settings:
    """Everything a conversion depends on besides the file itself, one validated object per
    stage; all of it is part of the cache key (:func:`actionplans.cache.settings_digest`).

    - ``package``: how far a Word or Excel file may expand before it is refused as a zip
      bomb (:class:`ingest.settings.PackageLimits`).
    - ``pdf``: how the PDF reader finds tables (:class:`ingest.pdf_settings.PdfSettings`, with the
      text-alignment finder's :class:`ingest.pdf_unruled.UnruledSettings` as ``pdf.unruled``).
    - ``headers``: header synonyms and the fuzzy-match bar (:class:`extract.headers.HeaderSettings`).
    - ``leads``: what each reading of a name scores (:class:`normalise.settings.LeadSettings`).
    - ``walk``: the table walk's thresholds: header search depth, label and heading lengths
      (:class:`extract.settings.WalkSettings`).
    """

    headers: HeaderSettings = field(default_factory=HeaderSettings)
    pdf: PdfSettings = field(default_factory=PdfSettings)
    package: PackageLimits = field(default_factory=PackageLimits)
    leads: LeadSettings = field(default_factory=LeadSettings)
    walk: WalkSettings = field(default_factory=WalkSettings)

    def __post_init__(self) -> None:
        check_field_types(self)


def extract_with(document: Document, settings: Settings = Settings()) -> Extraction:
    """Extract a read document with the given settings: the one extraction path."""
    from extract import extract_document

    return extract_document(document, settings.headers, walk_settings=settings.walk)


def read_with(path: Path | str, settings: Settings = Settings()) -> Document:
    """Read a file with the given settings: the one reading path (``convert`` and ``inspect``)."""
    return read_document(path, settings.pdf, settings.package)


def failed_document(
    path: Path, reason: str, status: str = "failed", sha256: str = "", fmt: str = ""
) -> NormalisedDocument:
    record = DocumentRecord(
        document=path.name,
        format=fmt,
        pages=None,
        tables=0,
        actions=0,
        status=status,
        error=reason,
        sha256=sha256,
        title="",
        plan_date="",
    )
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
    from normalise.document import normalise_extraction

    path = Path(path)
    try:
        document = read_with(path, settings)
    except UnreadableFile as error:
        return failed_document(path, error.reason, error.status, _sha256(path))
    except MemoryError:
        return failed_document(path, out_of_memory_reason())
    except Exception as error:  # a reader bug must not stop the batch
        return failed_document(path, f"cannot read: {type(error).__name__}: {_one_line(error)}", sha256=_sha256(path))
    try:
        extraction = extract_with(document, settings)
        record = DocumentRecord(
            document=document.name,
            format=document.format,
            pages=document.pages,
            tables=0,
            actions=0,
            status="success",
            error="",
            sha256=document.sha256,
            title="",
            plan_date="",
        )
        result = normalise_extraction(extraction, record, settings.leads)
    except MemoryError:
        return failed_document(path, out_of_memory_reason(), sha256=document.sha256, fmt=document.format)
    except Exception:  # an extract/normalise bug must not stop the batch; say where it was
        detail = traceback.format_exc(limit=-1).strip().splitlines()[-1]
        return failed_document(
            path, f"internal error while converting: {detail}", sha256=document.sha256, fmt=document.format
        )
    return _with_status(result, document_tables=len(document.tables))


def out_of_memory_reason() -> str:
    """The one-line reason for a file that ran out of memory, naming this process's limit."""
    import resource

    limit, _ = resource.getrlimit(resource.RLIMIT_AS)
    if limit == resource.RLIM_INFINITY:
        return "out of memory"
    return f"over the memory limit of {format_bytes(limit)} (--max-memory)"


def format_bytes(size: int) -> str:
    """``2147483648`` -> ``"2 GB"`` (binary units, as --max-memory takes them)."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} B"


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
    return NormalisedDocument(record, result.actions, result.issues, result.glossary, result.people, result.sources)
