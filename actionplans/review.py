"""The review page: one static HTML file over a dataset folder, each action beside its source.

``actionplans review OUT`` (or ``convert --review``) writes ``OUT/review.html``. It needs no
server and fetches nothing: styles, script, data and page images are all inside the file, so
it opens from disk, offline, and can be mailed. Analysts see the documents (status, counts,
plan date), then each document's actions, doubtful ones first (errors, then warnings), with
filters; an action opens beside its source (for a PDF a crop of the page with the source
row's box drawn, for other formats the row's cells as printed), its issues, and its raw and
normalised values side by side. Corrections made in the page are exported as
``overrides.csv`` for ``convert --overrides`` (:mod:`actionplans.overrides`).

What the page needs beyond the dataset tables is in ``OUT/sources.jsonl``, written by every
convert run: per action the source row's page, box and cells. PDF pages are rendered here
(pypdfium2), once per page that holds an action, grey JPEGs capped in width, and shared by
every action on that page: a 200-plan review stays a file a browser opens in a moment.

All source text reaches the page as data (JSON in a ``<script type="application/json">``,
with ``<``, ``>`` and ``&`` escaped) and is put on the page with ``textContent``: a cell that
holds ``<script>`` shows as text.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from actionplans.export.tables import visible_text
from ingest.issues import ISSUE_TYPES
from normalise.model import NormalisedDocument

SOURCES_NAME = "sources.jsonl"
REVIEW_NAME = "review.html"
DEFAULT_IMAGE_WIDTH = 800
"""Pixels across a rendered PDF page: enough to see the row's layout (its cells are shown as
text beside it); a dense A4 page is some 50-80 kB as a grey JPEG."""
JPEG_QUALITY = 50
IMAGE_BUDGET_BYTES = 40_000_000
"""Page images past this many bytes are left out (pages with errors and warnings come first):
about 500 dense pages, a file Chromium still opens in a couple of seconds."""
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
ACTION_FIELDS = (
    "action_id",
    "document",
    "page",
    "table",
    "row",
    "section",
    "area",
    "ref",
    "finding",
    "action",
    "lead",
    "lead_people",
    "lead_roles",
    "timescale",
    "start_date",
    "due_date",
    "status",
    "status_text",
    "rag",
    "progress",
    "other",
    "overridden",
)
"""The action fields the page shows or searches (outcome, measures and the rest are in the source cells)."""
DOCUMENT_FIELDS = (
    "document",
    "format",
    "pages",
    "tables",
    "actions",
    "status",
    "error",
    "title",
    "plan_date",
    "sha256",
)
ISSUE_FIELDS = ("document", "action_id", "page", "table", "row", "column", "severity", "code", "message", "value")


# --------------------------------------------------------------------------- sources.jsonl


def sources_jsonl(documents: Iterable[NormalisedDocument]) -> str:
    """Each action's source (page, row box in PDF points, cells as printed), one JSON line each."""
    lines = []
    for document in documents:
        for source in document.sources:
            # names and cell text as every other output shows them (a file name that is not
            # valid UTF-8 is escaped, as in documents.csv, so the two still match)
            record = {
                "action_id": source.action_id,
                "document": visible_text(document.record.document),
                "page": source.page,
                "bbox": [round(value, 1) for value in source.bbox] if source.bbox else None,
                "cells": [[visible_text(part, single_line=False) for part in cell] for cell in source.cells],
            }
            lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + ("\n" if lines else "")


def read_sources(out: Path) -> dict[str, dict]:
    """action_id -> source record, from ``OUT/sources.jsonl`` (empty when there is none)."""
    path = out / SOURCES_NAME
    if not path.is_file():
        return {}
    sources = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a damaged line costs one action its source, not the page
        if isinstance(record, dict) and record.get("action_id"):
            sources[record["action_id"]] = record
    return sources


# --------------------------------------------------------------------------- dataset tables


def read_table(out: Path, name: str) -> list[dict]:
    """One dataset table as a list of dicts of text (JSON Lines, else CSV, else Parquet)."""
    jsonl, csv_path, parquet = out / f"{name}.jsonl", out / f"{name}.csv", out / f"{name}.parquet"
    if jsonl.is_file():
        with jsonl.open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines if line.strip()]
    elif csv_path.is_file():
        with csv_path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    elif parquet.is_file():
        import pandas as pd

        rows = pd.read_parquet(parquet).to_dict(orient="records")
    else:
        raise ValueError(f"no {name} table in {out} ({name}.jsonl, .csv or .parquet): run convert first")
    return [{key: _text(value) for key, value in row.items()} for row in rows]


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return "" if text in ("<NA>", "nan", "None") else text


# --------------------------------------------------------------------------- source files


def find_source_file(document: str, sha256: str, inputs: Sequence[str], base: Path) -> Path | None:
    """The file a document was converted from, looked up from the run's inputs (``run.json``)
    and accepted only when its bytes still hash to the document's sha256."""
    candidates: list[Path] = []
    for raw in inputs:
        path = Path(raw) if Path(raw).is_absolute() else base / raw
        if path.is_file() and path.name == Path(document).name:
            candidates.append(path)
        elif path.is_dir():
            candidates.append(path / document)
            candidates.extend(path.rglob(Path(document).name))
    for candidate in candidates:
        if candidate.is_file() and (not sha256 or _sha256(candidate) == sha256):
            return candidate
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class PageImage:
    """A rendered page: a data URI and the factor from PDF points to its pixels."""

    uri: str
    width: int
    height: int
    scale: float


def render_pages(path: Path, pages: Iterable[int], width: int = DEFAULT_IMAGE_WIDTH) -> dict[int, PageImage]:
    """Render the given 1-based pages of a PDF as grey JPEGs ``width`` pixels across.

    Pages that cannot be rendered are left out (the page then shows the row's cells instead).
    """
    import pypdfium2 as pdfium

    images: dict[int, PageImage] = {}
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return images
    try:
        for number in sorted(set(pages)):
            if not 1 <= number <= len(pdf):
                continue
            try:
                page = pdf[number - 1]
                scale = width / page.get_width()
                image = page.render(scale=scale, grayscale=True).to_pil()
                page.close()
            except pdfium.PdfiumError:
                continue
            buffer = io.BytesIO()
            image.convert("L").save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            uri = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
            images[number] = PageImage(uri, image.width, image.height, scale)
    finally:
        pdf.close()
    return images


# --------------------------------------------------------------------------- page data


def review_data(out: Path, image_width: int = DEFAULT_IMAGE_WIDTH, image_budget: int = IMAGE_BUDGET_BYTES) -> dict:
    """Everything the page shows, as one JSON-able dict (documents, actions, issues, images)."""
    out = Path(out)
    actions = read_table(out, "actions")
    documents = read_table(out, "documents")
    issues = read_table(out, "issues")
    sources = read_sources(out)
    run = _read_run(out)
    by_action: dict[str, list[int]] = {}
    for index, issue in enumerate(issues):
        issue["severity"] = issue.get("severity") or (
            ISSUE_TYPES[issue["code"]].severity if issue.get("code") in ISSUE_TYPES else "warning"
        )
        if issue.get("action_id"):
            by_action.setdefault(issue["action_id"], []).append(index)
    ranks = {
        action_id: min(SEVERITY_RANK.get(issues[index]["severity"], 1) for index in indices)
        for action_id, indices in by_action.items()
    }
    images, image_keys = _page_images(documents, actions, sources, run, out, image_width, ranks, image_budget)
    cells: dict[str, int] = {}  # the sub-items of one source row share its cells
    rows = [
        _action_row(
            action,
            sources.get(action.get("action_id", "")),
            by_action.get(action.get("action_id", ""), []),
            issues,
            image_keys,
            cells,
        )
        for action in actions
    ]
    strings: dict[str, int] = {}
    return {
        "documents": _document_rows(documents, issues),
        "actions": _columns(_doubtful_first(rows), strings),
        "cells": [json.loads(text) for text in cells],
        "issues": _columns([{key: issue.get(key, "") for key in ISSUE_FIELDS} for issue in issues], strings),
        "strings": list(strings),
        "images": images,
        "overrides": _previous_overrides(run),
        "overrides_file": Path(run.get("overrides", {}).get("file", "")).name if run.get("overrides") else "",
        "fields": {"status": ["completed", "in_progress", "not_started", "ongoing"], "rag": ["red", "amber", "green"]},
    }


def _read_run(out: Path) -> dict:
    try:
        run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return run if isinstance(run, dict) else {}


def _page_images(
    documents: Sequence[Mapping[str, str]],
    actions: Sequence[Mapping[str, str]],
    sources: Mapping[str, dict],
    run: Mapping[str, object],
    out: Path,
    width: int,
    ranks: Mapping[str, int],
    budget: int = IMAGE_BUDGET_BYTES,
) -> tuple[dict[str, dict], dict[tuple[str, int], str]]:
    """Render each page that holds a PDF action's row, once, keyed "<sha256 prefix>:<page>"
    (identical files share their images).

    Pages holding errors are rendered first, then warnings, then the rest, until ``budget``
    bytes of images: past it an action shows its cells without the page picture, and the
    page stays small enough to open.
    """
    wanted: dict[tuple[str, int], int] = {}  # (document, page) -> best severity rank on it
    for action in actions:
        source = sources.get(action.get("action_id", ""))
        if source and source.get("bbox") and source.get("page"):
            place = (action.get("document", ""), int(source["page"]))
            wanted[place] = min(wanted.get(place, 3), ranks.get(action.get("action_id", ""), 3))
    listed = run.get("inputs")
    inputs = [str(item) for item in listed] if isinstance(listed, list) else []
    pdfs = {d.get("document", ""): d for d in documents if d.get("format") == "pdf"}
    paths: dict[str, Path | None] = {}
    images: dict[str, dict] = {}
    keys: dict[tuple[str, int], str] = {}
    spent = 0
    for rank in sorted(set(wanted.values())):
        for name, document in pdfs.items():
            pages = [page for (owner, page), best in wanted.items() if owner == name and best == rank]
            sha256 = document.get("sha256", "")
            todo = [page for page in pages if f"{sha256[:16]}:{page}" not in images]
            if todo and spent < budget:
                if name not in paths:
                    # the path the run recorded first (documents.source_path), then a search of its inputs
                    given = [str(document["source_path"])] if document.get("source_path") else []
                    paths[name] = find_source_file(name, sha256, given + inputs, Path.cwd()) or find_source_file(
                        name, sha256, given + inputs, out.parent
                    )
                path = paths[name]
                if path is not None:
                    for page, image in render_pages(path, todo, width).items():
                        if spent >= budget:
                            break
                        images[f"{sha256[:16]}:{page}"] = {
                            "uri": image.uri,
                            "width": image.width,
                            "height": image.height,
                            "scale": image.scale,
                        }
                        spent += len(image.uri)
            for page in pages:
                if f"{sha256[:16]}:{page}" in images:
                    keys[(name, page)] = f"{sha256[:16]}:{page}"
    return images, keys


def _columns(rows: Sequence[Mapping[str, object]], strings: dict[str, int]) -> dict[str, list]:
    """Rows as {"columns": [...], "rows": [[...], ...]}: the keys once, not once a row, and
    each text as an index into the shared ``strings`` (an area, section or message repeats
    over many actions). The page turns them back into objects."""
    columns = list(rows[0]) if rows else []
    return {
        "columns": columns,
        "rows": [
            [
                strings.setdefault(value, len(strings)) if isinstance(value, str) else value
                for value in (row[column] for column in columns)
            ]
            for row in rows
        ],
    }


def _action_row(
    action: Mapping[str, str],
    source: dict | None,
    issue_indices: list[int],
    issues: Sequence[Mapping[str, str]],
    image_keys: Mapping[tuple[str, int], str],
    cells: dict[str, int],
) -> dict:
    row: dict[str, object] = {key: action.get(key, "") for key in ACTION_FIELDS}
    severities = [issues[index]["severity"] for index in issue_indices]
    row["rank"] = min((SEVERITY_RANK.get(severity, 1) for severity in severities), default=3)
    row["issue_ids"] = issue_indices
    row["cells"] = (
        cells.setdefault(json.dumps(source["cells"], ensure_ascii=False), len(cells))
        if source and source.get("cells")
        else -1
    )
    image = None
    if source and source.get("bbox") and source.get("page"):
        image = image_keys.get((action.get("document", ""), int(source["page"])))
    row["image"] = image or ""
    row["bbox"] = source.get("bbox") if image and source else None
    return row


def _doubtful_first(rows: list[dict]) -> list[dict]:
    """Per document (in dataset order), errors first, then warnings, then the rest, each in source order."""
    order: dict[str, int] = {}
    for row in rows:
        order.setdefault(row["document"], len(order))
    return [
        row
        for _, row in sorted(enumerate(rows), key=lambda pair: (order[pair[1]["document"]], pair[1]["rank"], pair[0]))
    ]


def _document_rows(documents: Sequence[Mapping[str, str]], issues: Sequence[Mapping[str, str]]) -> list[dict]:
    """The documents with their issue counts by severity."""
    counts: dict[str, dict[str, int]] = {}
    for issue in issues:
        tally = counts.setdefault(issue.get("document", ""), {"error": 0, "warning": 0, "info": 0})
        tally[issue["severity"]] = tally.get(issue["severity"], 0) + 1
    return [
        {
            **{key: document.get(key, "") for key in DOCUMENT_FIELDS},
            "counts": counts.get(document.get("document", ""), {"error": 0, "warning": 0, "info": 0}),
        }
        for document in documents
    ]


def _previous_overrides(run: Mapping[str, object]) -> list[dict]:
    """The overrides file the dataset was converted with, so an export carries it forward."""
    info = run.get("overrides")
    if not isinstance(info, dict) or not info.get("file"):
        return []
    from actionplans.overrides import OverridesError, read_overrides

    try:
        corrections = read_overrides(info["file"])
    except OverridesError:
        return []
    return [
        {"action_id": o.action_id, "field": o.field, "value": o.value, "note": o.note} for o in corrections.overrides
    ]


# --------------------------------------------------------------------------- the page


def page_json(data: Mapping[str, object]) -> str:
    """JSON safe inside a ``<script>`` element: no ``</script>``, ``<!--`` or entity can form."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def render_html(data: Mapping[str, object]) -> str:
    """The page: the template with the data embedded."""
    template = resources.files("actionplans").joinpath("review_page.html").read_text(encoding="utf-8")
    return template.replace("/*DATA*/null", page_json(data), 1)


def write_review(
    out: Path | str, image_width: int = DEFAULT_IMAGE_WIDTH, image_budget: int = IMAGE_BUDGET_BYTES
) -> Path:
    """Write ``OUT/review.html`` for the dataset in ``out``; returns its path."""
    out = Path(out)
    html = render_html(review_data(out, image_width, image_budget))
    path = out / REVIEW_NAME
    temporary = out / f".{REVIEW_NAME}.tmp"
    temporary.write_text(html, encoding="utf-8")
    temporary.replace(path)
    return path
