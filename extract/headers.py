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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from rapidfuzz import fuzz, process

from extract.model import FIELDS

DEFAULT_SYNONYMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "ref": (
            "ref",
            "reference",
            "ref no",
            "no",
            "number",
            "item",
            "item no",
            "action no",
            "action number",
            "id",
            "minute",
            "minute ref",
            "minute reference",
            "minute no",
            "relevant item",
            "agenda item",
            "rec no",
            "recommendation no",
            "recommendation number",
        ),
        "area": ("area of practice", "area", "theme", "practice area", "service area", "priority area", "workstream"),
        "finding": (
            "area for improvement",
            "areas for improvement",
            "area for development",
            "areas for development",
            "recommendation",
            "recommendations",
            "ofsted recommendation",
            "ofsted expectation",
            "expectation",
            "finding",
            "findings",
            "issue",
            "issues",
            "priority",
            "likely to be judged good if",
            "criteria",
            "improvement required",
            "what needs to improve",
            "requirement",
            "concern",
            "weakness",
            "gap",
            "what we found",
            "what was found",
            "you said",
            "area of concern",
            "areas of concern",
            "key issue",
            "key issues",
            "problem",
            # CQC: the regulation breached and its "must do" / "should do" requirements
            "must do",
            "should do",
            "must do should do",
            "regulation",
            "regulation breached",
            "requirement notice",
            "breach",
        ),
        "action": (
            "action",
            "actions",
            "action required",
            "actions required",
            "actions to be taken",
            "progress points",
            "what we will do",
            "key actions",
            "task",
            "tasks",
            "activity",
            "activities",
            "action description",
            "agreed action",
            "agreed actions",
            "action agreed",
            "management response",
            "steps",
            "what will we do",
            "how will we do it",
            "description",
            "we will",
            "planned action",
            "planned actions",
            "proposed action",
            "improvement action",
            "action to address",
        ),
        "outcome": (
            "outcome",
            "outcomes",
            "required outcome",
            "desired outcome",
            "expected outcome",
            "intended outcome",
            "outcome sought",
            "what will be different",
            "objective",
            "objectives",
            "intended impact",
            "expected impact",
            "desired impact",
            "impact sought",
        ),
        "measures": (
            "measures",
            "measure",
            "performance measure",
            "performance measures",
            "measures of progress",
            "measures of impact",
            "assurance measures",
            "targets and measures",
            "evidence of impact",
            "evaluation of impact",
            "success criteria",
            "success measures",
            "success measure",
            "evidence",
            "how will we know",
            "how we will know",
            "impact",
            "measures of success",
            "kpi",
            "kpis",
            "indicator",
            "indicators",
            "evidence of completion",
            "evidence of success",
        ),
        "lead": (
            "lead",
            "leads",
            "strategic lead officer",
            "lead officer",
            "senior leads",
            "delivery lead",
            "responsibility",
            "responsible officer",
            "responsible",
            "owner",
            "owners",
            "accountable officer",
            "accountable",
            "by whom",
            "who",
            "lead person",
            "lead agency",
            "champion",
            "those involved",
            "assigned to",
            "responsible person",
            "officer",
            "person responsible",
            # trackers: "Action by" names who acts ("Action by: JS"), not the action
            "action by",
            "actioned by",
        ),
        "timescale": (
            "timescale",
            "timescales",
            "date for completion",
            "completion date",
            "targets and timelines",
            "deadline",
            "target date",
            "by when",
            "when",
            "due date",
            "due",
            "due by",
            "timeline",
            "timeframe",
            "time frame",
            "date",
            "milestone",
            "milestones",
            "target completion date",
            "start date",
            "new date",
            "revised date",
            "revised deadline",
            "revised target date",
            "new target date",
            "new deadline",
            "end date",
            "completion",
            "target completion",
            "expected completion",
            "completion by",
        ),
        "status": (
            "status",
            "current status",
            "completion status",
            "open closed",
            "open close",
            "open or closed",
            "action status",
            "done",
            "complete",
            "completed",
        ),
        "rag": ("rag", "rag rating", "rag status", "brag", "brag rating", "brag status", "rating"),
        "progress": (
            "progress",
            "progress update",
            "update",
            "updates",
            "comments",
            "comment",
            "progress to date",
            "current position",
            "commentary",
            "actions completed",
            "action taken",
            "actions taken",
            "notes",
            "position statement",
            "latest update",
            "status update",
            "status updates",
            "we did",
            "progress made",
            "progress report",
            "position",
            "latest position",
            "position at last review",
        ),
        "review_date": ("date of next review", "next review", "review date", "date of review"),
        # Columns that hold dates or names which are not the action's own (a tracker's meeting date,
        # who raised it): routed to ``other`` on purpose so content evidence cannot take them for
        # the due date or the lead.
        "ignore": (
            "source",
            "date raised",
            "date opened",
            "date added",
            "date logged",
            "meeting date",
            "date of meeting",
            "raised by",
            "meeting",
            "date agreed",
            # an inspectorate's response category ("Agreed / Partly agreed / Not agreed") answers
            # the recommendation; it is no status of the action
            "agreed",
            "accepted",
            "response to recommendation",
        ),
    }
)

HEADER_CACHE_SIZE = 8192
"""Distinct (text, settings) header lookups remembered per process."""
DEFAULT_MIN_SCORE = 86.0
"""rapidfuzz score (0-100) below which a header is left unmapped."""


@dataclass(frozen=True)
class HeaderSettings:
    """Synonym table and fuzzy threshold; built from defaults plus an optional user file."""

    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = tuple(DEFAULT_SYNONYMS.items())
    min_score: float = DEFAULT_MIN_SCORE

    def __post_init__(self) -> None:
        # Plain tuples keep the settings hashable and picklable (parallel workers get a copy).
        object.__setattr__(
            self, "synonyms", tuple((name, tuple(headers)) for name, headers in dict(self.synonyms).items())
        )
        unknown = {name for name, _ in self.synonyms} - set(FIELDS) - {"ignore"}
        if unknown:
            raise ValueError(f"header synonyms name unknown fields {sorted(unknown)}; use one of {FIELDS}")
        if not 0 < self.min_score <= 100:
            raise ValueError(f"min_score must be in (0, 100], got {self.min_score}")
        object.__setattr__(self, "_table", self.user_exact())
        by_first: dict[str, list[str]] = {}
        for synonym in self._table:  # type: ignore[attr-defined]
            by_first.setdefault(synonym.split()[0], []).append(synonym)
        object.__setattr__(self, "_by_first_word", by_first)

    @classmethod
    def from_file(cls, path: Path | str) -> HeaderSettings:
        """Load ``[synonyms]`` (field = [headers]) and ``min_score`` from a TOML file.

        User synonyms are matched before the defaults, so they can re-route a header.
        """
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        user = {name: tuple(normalise_header(h) for h in headers) for name, headers in data.get("synonyms", {}).items()}
        merged: dict[str, tuple[str, ...]] = {"ignore": ()}
        merged.update(user)
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
_YEARS = re.compile(r"\b(?:19|20)\d\d(?:\s+(?:19|20)?\d\d)*\b")
_SPELLED_LETTERS = re.compile(r"\b[a-z](?:\s[a-z]\b)+")
_QUALIFIERS = frozenset("of for at to by with and or inc including where against from in on per".split())

CLEAR_HEADER_SCORE = 96.0
"""A header scoring this or more names its field outright (exact synonym, a synonym that is
the whole leading phrase, or the phrase's head word): cell content does not overrule it."""
LEADING_PHRASE_SCORE = 97.0
HEAD_WORD_SCORE = 96.0
PREFIX_SCORE = 92.0
CONTAINED_SCORE = 90.0


def normalise_header(text: str) -> str:
    """Lower-case, punctuation to spaces, spelled-out letters joined:
    "Progress at (Inc RAG rating)" -> "progress at inc rag rating"; "R/A/G" -> "rag"."""
    key = _NON_WORD.sub(" ", text.lower().replace("&", " and ")).strip()
    return _SPELLED_LETTERS.sub(lambda match: match.group(0).replace(" ", ""), key)


def header_key(text: str) -> str:
    """The words of a header that name its field: years and year spans dropped, so
    "2019-2021 Outcomes" and "Outcomes 2024/25" read as "outcomes"."""
    key = normalise_header(text)
    without_years = " ".join(_YEARS.sub(" ", key).split())
    return without_years or key


@dataclass(frozen=True)
class HeaderMatch:
    field: str | None
    score: float
    header: str

    @property
    def clear(self) -> bool:
        return self.field is not None and self.score >= CLEAR_HEADER_SCORE


def map_header(text: str, settings: HeaderSettings = HeaderSettings()) -> HeaderMatch:
    """Find the schema field a header names, or ``field=None`` (cached: every cell of a
    table's first rows is tried as a header, and labels repeat on every page).

    >>> map_header("Strategic Lead Officer").field
    'lead'
    >>> map_header("Action owner").field   # the head word, not the leading "Action"
    'lead'
    """
    return _map_header(text, settings)


@lru_cache(maxsize=HEADER_CACHE_SIZE)
def _map_header(text: str, settings: HeaderSettings) -> HeaderMatch:
    key = header_key(text)
    if not key:
        return HeaderMatch(None, 0.0, text)
    choices: dict[str, str] = settings._table  # type: ignore[attr-defined]
    exact = choices.get(key)
    if exact:
        return HeaderMatch(exact, 100.0, text)
    words = set(key.split())
    candidates = [synonym for word in words for synonym in settings._by_first_word.get(word, ())]  # type: ignore[attr-defined]
    score, synonym = _best_phrase(key, candidates, _first_alternative(text))
    if synonym is None:
        best = process.extractOne(key, list(choices), scorer=fuzz.ratio)
        score, synonym = (float(best[1]), best[0]) if best else (0.0, None)
    if synonym is None or score < settings.min_score:
        return HeaderMatch(None, score, text)
    return HeaderMatch(choices[synonym], score, text)


def leading_phrase(key: str) -> list[str]:
    """The words before the first qualifier: "measures of progress against plan" ->
    ["measures"]; "action owner" -> ["action", "owner"]. Its last word is the head noun."""
    words = key.split()
    for index, word in enumerate(words):
        if index and word in _QUALIFIERS:
            return words[:index]
    return words


_ALTERNATIVES = re.compile(r"\s*[/(]\s*")


def _first_alternative(text: str) -> str:
    """The first of slash- or bracket-separated wordings: "Progress / evidence" ->
    "progress", "Accountable (lead)" -> "accountable". The first names the column."""
    return header_key(_ALTERNATIVES.split(text.strip(), maxsplit=1)[0])


def _best_phrase(key: str, choices: Iterable[str], first: str = "") -> tuple[float, str | None]:
    """Score a header by the synonyms inside it, most specific first.

    A synonym covering the whole leading phrase ("those involved" in "Those involved with
    dates ...") beats the phrase's head word ("owner" in "Action owner"), which beats a
    synonym that only starts the phrase ("action" in "Action owner"), which beats a
    multi-word synonym found later in the header. Longer synonyms win ties.
    """
    phrase = leading_phrase(first if first and key.startswith(first) else key)
    head = phrase[-1] if phrase else ""
    padded = f" {key} "
    best: tuple[float, int, str | None] = (0.0, 0, None)
    for synonym in choices:
        words = synonym.split()
        if key.startswith(synonym + " ") and len(words) >= len(phrase):
            score = LEADING_PHRASE_SCORE
        elif synonym == head or (
            len(words) > 1 and " ".join(phrase[-len(words) :]) == synonym and len(phrase) >= len(words)
        ):
            score = HEAD_WORD_SCORE
        elif key.startswith(synonym + " "):
            score = PREFIX_SCORE
        elif len(words) > 1 and f" {synonym} " in padded:
            score = CONTAINED_SCORE
        else:
            continue
        candidate = (score, len(synonym), synonym)
        if candidate[:2] > best[:2]:
            best = candidate
    return best[0], best[2]


LABEL_VALUE_FIELDS = frozenset(("status", "rag"))
"""Fields whose header words are also their values ("Complete", "RAG"): never stripped as labels."""
MAX_LEAKED_LABEL_WORDS = 6
"""A header label printed inside a data cell is at most this many words."""


def leading_synonym(text: str, field: str | None, settings: HeaderSettings = HeaderSettings()) -> str:
    """The words starting ``text`` that are a header name for ``field`` in the thesaurus
    ("Date for completion April 2025" in a timescale column -> "Date for completion"), longest
    first; "" when none. A label left behind in a cell by an earlier layout is worded the way
    that layout named the column, not necessarily as this table's header does."""
    if not field or field in LABEL_VALUE_FIELDS:
        return ""
    choices: dict[str, str] = settings._table  # type: ignore[attr-defined]
    words = text.split()
    for count in range(min(MAX_LEAKED_LABEL_WORDS, len(words)), 0, -1):
        candidate = " ".join(words[:count])
        key = normalise_header(candidate)
        if key and choices.get(key) == field:
            rest = words[count:]
            if len(rest) == 1 and rest[0].lower() in _QUALIFIERS:  # "Progress at": the label's own preposition
                candidate = " ".join(words[: count + 1])
            return candidate
    return ""
