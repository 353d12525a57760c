"""Column headers to schema fields: synonyms first, fuzzy matching second, user config on top.

Every council names its columns differently ("Lead", "Strategic Lead Officer", "Delivery
Lead", "Responsibility"). :data:`DEFAULT_SYNONYMS` lists the names seen so far per field;
:func:`map_header` normalises a header and finds the best field with rapidfuzz. A user file
(TOML, ``[synonyms]`` table of ``field = ["header", ...]``) adds names for new layouts and
wins over the defaults.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from rapidfuzz import fuzz, process

from extract.model import FIELDS

DEFAULT_SYNONYMS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "ref": ("ref", "reference", "ref no", "no", "number", "item", "action no", "id"),
    "area": ("area of practice", "area", "theme", "practice area", "service area", "priority area"),
    "finding": (
        "area for improvement", "areas for improvement", "recommendation", "recommendations",
        "ofsted recommendation", "ofsted expectation", "expectation", "finding", "issue",
        "likely to be judged good if", "services likely to be judged good if", "criteria",
        "improvement required", "what needs to improve",
    ),
    "action": (
        "action", "actions", "action required", "actions required", "actions to be taken",
        "progress points", "what we will do", "key actions", "task", "tasks", "activity",
    ),
    "outcome": (
        "outcome", "outcomes", "required outcome", "desired outcome", "expected outcome",
        "2016 2018 outcomes", "intended outcome", "outcome sought",
    ),
    "measures": (
        "measures", "performance measure", "performance measures", "measures of progress",
        "measures of progress measures of impact", "measures of impact", "assurance measures",
        "targets and measures", "evidence of impact", "evidence evaluation of impact",
        "success criteria", "success measures", "evidence", "how will we know", "impact",
        "measure of progress measure of impact",
    ),
    "lead": (
        "lead", "leads", "strategic lead officer", "lead officer", "senior leads", "delivery lead",
        "responsibility", "responsible officer", "responsible", "owner", "accountable officer",
        "by whom", "who", "lead person", "lead agency",
    ),
    "timescale": (
        "timescale", "timescales", "timescale completion", "date for completion", "completion date",
        "targets and timelines", "deadline", "target date", "by when", "when", "due date",
        "timeline", "timeframe",
    ),
    "status": ("status", "current status", "completion status"),
    "rag": ("rag", "rag rating", "rag status"),
    "progress": (
        "progress", "progress at inc rag rating", "progress at", "progress update", "update",
        "comments", "progress to date", "current position",
    ),
    "review_date": ("date of next review", "next review", "review date", "date of review"),
})

DEFAULT_MIN_SCORE = 86.0
"""rapidfuzz score (0-100) below which a header is left unmapped."""


@dataclass(frozen=True)
class HeaderSettings:
    """Synonym table and fuzzy threshold; built from defaults plus an optional user file."""

    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = tuple(DEFAULT_SYNONYMS.items())
    min_score: float = DEFAULT_MIN_SCORE

    def __post_init__(self) -> None:
        # Plain tuples keep the settings hashable and picklable (parallel workers get a copy).
        object.__setattr__(self, "synonyms", tuple((name, tuple(headers)) for name, headers in dict(self.synonyms).items()))
        unknown = {name for name, _ in self.synonyms} - set(FIELDS) - {"ignore"}
        if unknown:
            raise ValueError(f"header synonyms name unknown fields {sorted(unknown)}; use one of {FIELDS}")
        if not 0 < self.min_score <= 100:
            raise ValueError(f"min_score must be in (0, 100], got {self.min_score}")
        object.__setattr__(self, "_table", self.user_exact())

    @classmethod
    def from_file(cls, path: Path | str) -> "HeaderSettings":
        """Load ``[synonyms]`` (field = [headers]) and ``min_score`` from a TOML file.

        User synonyms are matched before the defaults, so they can re-route a header.
        """
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        user = {name: tuple(normalise_header(h) for h in headers) for name, headers in data.get("synonyms", {}).items()}
        merged = {"ignore": ()} | dict(user)
        for name, headers in DEFAULT_SYNONYMS.items():
            merged[name] = tuple(merged.get(name, ())) + headers
        return cls(synonyms=tuple(merged.items()), min_score=float(data.get("min_score", DEFAULT_MIN_SCORE)))

    def user_exact(self) -> dict[str, str]:
        """Exact header -> field for every synonym (user entries first win)."""
        table: dict[str, str] = {}
        for name, headers in self.synonyms:
            for header in headers:
                table.setdefault(normalise_header(header), name)
        return table


_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_header(text: str) -> str:
    """Lower-case, punctuation to spaces: "Progress at (Inc RAG rating)" -> "progress at inc rag rating"."""
    return _NON_WORD.sub(" ", text.lower().replace("&", " and ")).strip()


@dataclass(frozen=True)
class HeaderMatch:
    field: str | None
    score: float
    header: str


def map_header(text: str, settings: HeaderSettings = HeaderSettings()) -> HeaderMatch:
    """Find the schema field a header names, or ``field=None``.

    >>> map_header("Strategic Lead Officer").field
    'lead'
    >>> map_header("Date for completion").field
    'timescale'
    """
    key = normalise_header(text)
    if not key:
        return HeaderMatch(None, 0.0, text)
    choices: dict[str, str] = settings._table  # type: ignore[attr-defined]
    exact = choices.get(key)
    if exact:
        return HeaderMatch(exact, 100.0, text)
    best = process.extractOne(key, list(choices), scorer=_score)
    if best is None or best[1] < settings.min_score:
        return HeaderMatch(None, best[1] if best else 0.0, text)
    return HeaderMatch(choices[best[0]], float(best[1]), text)


def _score(query: str, choice: str, **kwargs: object) -> float:
    """Similarity of a normalised header to a synonym.

    A header that starts with a synonym ("timescale completion", "measures of progress
    against plan ...") or contains a multi-word synonym scores high; otherwise plain edit
    similarity, so a short synonym ("lead") is not found inside any long header, and a
    data cell ("agency") does not match a longer synonym that contains it.
    """
    if query.startswith(choice + " "):
        return 95.0
    if " " in choice and f" {choice} " in f" {query} ":
        return 92.0
    return fuzz.ratio(query, choice)
