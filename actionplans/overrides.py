"""Analysts' corrections that survive re-runs: ``overrides.csv`` read, checked and applied.

An overrides file has one correction a line: ``action_id, field, value, note``. The review
page writes it ("Export corrections"); ``convert --overrides FILE`` applies it after every
run, to freshly converted and cached documents alike, because the stable ``action_id`` names
the same action in the same file content on every run.

Nothing here is silent. Each applied correction sets the action's ``overridden`` column and
adds an ``overridden`` info issue holding the value it replaced. A line that cannot be applied
(an unknown field, a value the field cannot hold, an ``action_id`` no document in the run has)
becomes a warning issue naming the file and line; the valid rest of the file is applied.

>>> corrections = parse_overrides("action_id,field,value,note\\nab12,due_date,2013-12,per minutes\\n")
>>> corrections.overrides[0].field, corrections.overrides[0].value
('due_date', '2013-12')
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from actionplans.export.tables import LIST_FIELDS, LIST_SEPARATOR
from ingest.model import Issue
from normalise.model import Action, NormalisedDocument

if TYPE_CHECKING:
    import pandas as pd

OVERRIDE_COLUMNS = ("action_id", "field", "value", "note")
NOT_AN_ACTION = "not_action"
DATE_FIELDS = ("due_date", "start_date")
CHOICE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "status": ("completed", "in_progress", "not_started", "ongoing"),
    "rag": ("red", "amber", "green"),
}
TEXT_FIELDS = ("lead_people", "lead_roles", "area")
FIELDS = DATE_FIELDS + tuple(CHOICE_FIELDS) + TEXT_FIELDS + (NOT_AN_ACTION,)
"""What an analyst may correct: the normalised values a reader judges, never the source text."""

YES = frozenset({"true", "yes", "y", "1"})
NO = frozenset({"false", "no", "n", "0", ""})
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


class OverridesError(ValueError):
    """The overrides file as a whole cannot be used (unreadable, no header with the columns)."""


@dataclass(frozen=True)
class Override:
    """One valid correction, ``value`` already in the dataset's form."""

    action_id: str
    field: str
    value: str
    note: str
    line: int  # 1-based line of the file (the header is line 1)


@dataclass(frozen=True)
class OverrideProblem:
    """A line that is not applied, and why."""

    line: int
    code: Literal["invalid-override", "unknown-override-action"]
    message: str
    action_id: str = ""
    field: str = ""
    value: str = ""


@dataclass(frozen=True)
class Corrections:
    """A parsed overrides file: the valid corrections and the lines that are not."""

    name: str
    overrides: tuple[Override, ...]
    problems: tuple[OverrideProblem, ...]
    digest: str  # SHA-256 of the text: a changed file changes the dataset


@dataclass(frozen=True)
class AppliedCorrections:
    """Documents with the corrections applied, and what happened to each line."""

    documents: tuple[NormalisedDocument, ...]
    applied: int
    problems: tuple[OverrideProblem, ...]
    issues: tuple[Issue, ...]  # the problems as issue rows (no document of their own)


# --------------------------------------------------------------------------- reading


def read_overrides(path: Path | str) -> Corrections:
    """Read and check an overrides file (UTF-8, with or without Excel's byte-order mark)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise OverridesError(f"cannot read {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise OverridesError(f"{path} is not UTF-8 text") from error
    return parse_overrides(text, path.name)


def parse_overrides(text: str, name: str = "overrides.csv") -> Corrections:
    """Parse overrides CSV text; every line becomes an :class:`Override` or a problem."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    columns = [cell.strip().lower() for cell in header or []]
    missing = [column for column in OVERRIDE_COLUMNS[:3] if column not in columns]
    if missing:
        raise OverridesError(
            f"{name}: the first line must name the columns {', '.join(OVERRIDE_COLUMNS)} (missing {', '.join(missing)})"
        )
    position = {column: columns.index(column) for column in OVERRIDE_COLUMNS if column in columns}
    overrides: list[Override] = []
    problems: list[OverrideProblem] = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {column: cells[index].strip() if index < len(cells) else "" for column, index in position.items()}
        checked = check_line(values, line)
        if isinstance(checked, Override):
            overrides.append(checked)
        else:
            problems.append(checked)
    overrides, superseded = _last_wins(overrides)
    return Corrections(
        name, tuple(overrides), tuple(problems + superseded), hashlib.sha256(text.encode("utf-8")).hexdigest()
    )


def check_line(values: Mapping[str, str], line: int) -> Override | OverrideProblem:
    """One line's cells to a valid :class:`Override`, or the problem that stops it."""
    action_id, field, raw = values.get("action_id", ""), values.get("field", "").lower(), values.get("value", "")
    if not action_id:
        return OverrideProblem(line, "invalid-override", f"line {line}: no action_id", action_id, field, raw)
    if field not in FIELDS:
        return OverrideProblem(
            line,
            "invalid-override",
            f"line {line}: unknown field {field!r} (correctable: {', '.join(FIELDS)})",
            action_id,
            field,
            raw,
        )
    value, error = normalise_value(field, raw)
    if error:
        return OverrideProblem(line, "invalid-override", f"line {line}: {field} {raw!r} {error}", action_id, field, raw)
    return Override(action_id, field, value, values.get("note", ""), line)


def normalise_value(field: str, raw: str) -> tuple[str, str]:
    """(value in the dataset's form, "") or ("", what is wrong). An empty value clears the field.

    >>> normalise_value("due_date", "31.11.12")
    ('', 'is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)')
    >>> normalise_value("status", "In progress")
    ('in_progress', '')
    """
    text = " ".join(raw.split())
    if field in DATE_FIELDS:
        return _iso_date(text)
    if field in CHOICE_FIELDS:
        choice = re.sub(r"[\s-]+", "_", text.lower())
        if choice and choice not in CHOICE_FIELDS[field]:
            return "", f"is not one of {', '.join(CHOICE_FIELDS[field])}"
        return choice, ""
    if field == NOT_AN_ACTION:
        flag = text.lower()
        if flag not in YES | NO:
            return "", "is not true or false"
        return ("true" if flag in YES else "false"), ""
    return LIST_SEPARATOR.join(
        part.strip() for part in text.split(";") if part.strip()
    ) if field != "area" else text, ""


def _iso_date(text: str) -> tuple[str, str]:
    """An ISO date at any of the dataset's precisions, checked against the calendar."""
    if not text:
        return "", ""
    if not _ISO_DATE.match(text):
        return "", "is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
    parts = [int(part) for part in text.split("-")] + [1, 1]
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return "", "is not a date in the calendar"
    return text, ""


def _last_wins(overrides: Sequence[Override]) -> tuple[list[Override], list[OverrideProblem]]:
    """One correction per (action, field): a later line replaces an earlier one, which is reported."""
    latest: dict[tuple[str, str], Override] = {}
    superseded: list[OverrideProblem] = []
    for override in overrides:
        key = (override.action_id, override.field)
        if key in latest:
            earlier = latest[key]
            superseded.append(
                OverrideProblem(
                    earlier.line,
                    "invalid-override",
                    f"line {earlier.line}: {earlier.field} of {earlier.action_id} is set again on line {override.line}, which wins",
                    earlier.action_id,
                    earlier.field,
                    earlier.value,
                )
            )
        latest[key] = override
    return list(latest.values()), superseded


# --------------------------------------------------------------------------- applying


def apply_corrections(documents: Iterable[NormalisedDocument], corrections: Corrections) -> AppliedCorrections:
    """Apply every valid correction whose action is in ``documents``; report the rest."""
    by_action: dict[str, list[Override]] = {}
    for override in corrections.overrides:
        by_action.setdefault(override.action_id, []).append(override)
    known: set[str] = set()
    corrected = []
    for document in documents:
        known.update(action.action_id for action in document.actions)
        corrected.append(correct_document(document, by_action))
    unknown = [
        OverrideProblem(
            o.line,
            "unknown-override-action",
            f"line {o.line}: no action {o.action_id!r} in this run (the document changed or is not among the inputs); {o.field} not set",
            o.action_id,
            o.field,
            o.value,
        )
        for o in corrections.overrides
        if o.action_id not in known
    ]
    problems = tuple(sorted(corrections.problems + tuple(unknown), key=lambda problem: problem.line))
    applied = len(corrections.overrides) - len(unknown)
    issues = tuple(
        Issue(
            corrections.name, p.code, f"{corrections.name} {p.message}", p.value, column=p.field, action_id=p.action_id
        )
        for p in problems
    )
    return AppliedCorrections(tuple(corrected), applied, problems, issues)


def correct_document(document: NormalisedDocument, by_action: Mapping[str, Sequence[Override]]) -> NormalisedDocument:
    """A document with its actions' corrections applied; an action marked not an action is
    dropped from ``actions`` and kept, text and all, in an ``overridden`` issue."""
    if not any(action.action_id in by_action for action in document.actions):
        return document
    actions: list[Action] = []
    kept_sources = []
    issues = list(document.issues)
    sources = {source.action_id: source for source in document.sources}
    for action in document.actions:
        overrides = by_action.get(action.action_id, ())
        corrected, action_issues = correct_action(action, overrides)
        issues.extend(action_issues)
        if corrected is not None:
            actions.append(corrected)
            if corrected.action_id in sources:
                kept_sources.append(sources[corrected.action_id])
    record = replace(document.record, actions=len(actions))
    return replace(document, record=record, actions=tuple(actions), issues=tuple(issues), sources=tuple(kept_sources))


def correct_action(action: Action, overrides: Sequence[Override]) -> tuple[Action | None, list[Issue]]:
    """One action with its corrections, and an ``overridden`` issue per field set (None when
    the action is marked not an action)."""
    if not overrides:
        return action, []

    def issue(message: str, value: str, column: str) -> Issue:
        return Issue(
            action.document,
            "overridden",
            message,
            value,
            action.page,
            action.table,
            action.row,
            column,
            action.action_id,
        )

    dropped = [o for o in overrides if o.field == NOT_AN_ACTION and o.value == "true"]
    if dropped:
        return None, [
            issue(f"marked not an action by an analyst{_note(dropped[0])}; ref {action.ref!r}", action.action, "action")
        ]
    changes = {o.field: o for o in overrides if o.field != NOT_AN_ACTION}
    issues = [
        issue(
            f"{field} set to {o.value!r} by an analyst (was {_shown(action, field)!r}){_note(o)}",
            _shown(action, field),
            field,
        )
        for field, o in changes.items()
    ]
    if not changes:
        return action, []
    codes = (*action.issues, "overridden")
    overridden = (*action.overridden, *changes)
    # field names come from the overrides file (checked against FIELDS): typed per field at run time
    updates: dict[str, Any] = {field: _typed(field, o.value) for field, o in changes.items()}
    corrected = replace(
        action, **updates, issues=tuple(dict.fromkeys(codes)), overridden=tuple(dict.fromkeys(overridden))
    )
    return corrected, issues


def _shown(action: Action, field: str) -> str:
    """A field's value as the dataset prints it (list fields "; "-joined)."""
    value = getattr(action, field)
    return LIST_SEPARATOR.join(value) if field in LIST_FIELDS else str(value)


def _typed(field: str, value: str) -> str | tuple[str, ...]:
    """An override's checked text as the action field holds it: a list field's names as a tuple."""
    return tuple(part for part in value.split(LIST_SEPARATOR) if part) if field in LIST_FIELDS else value


def _note(override: Override) -> str:
    return f": {override.note}" if override.note else ""


def summary_lines(applied: AppliedCorrections, corrections: Corrections, limit: int = 20) -> list[str]:
    """Lines for the end-of-run summary: how many corrections applied, and each one not."""
    lines = [
        f"overrides: {applied.applied} applied from {corrections.name}"
        + (f", {len(applied.problems)} not applied:" if applied.problems else "")
    ]
    lines += [f"  {corrections.name} {problem.message}" for problem in applied.problems[:limit]]
    if len(applied.problems) > limit:
        lines.append(f"  ... and {len(applied.problems) - limit} more (issues table)")
    return lines


def corrected_frames(frames: Mapping[str, pd.DataFrame], applied: AppliedCorrections) -> dict[str, pd.DataFrame]:
    """The dataset tables with the overrides file's own problems added to ``issues``."""
    import pandas as pd

    from actionplans.export.tables import issues_frame

    result = dict(frames)
    if applied.issues:
        result["issues"] = pd.concat([frames["issues"], issues_frame(applied.issues)], ignore_index=True)
    return result
