"""What a column's cells hold, and the column's field from its header and its content.

A header names a column the way one organisation does; the cells show what it is. For every
column :func:`column_evidence` measures the share of its non-empty cells that look like
dates or timescales, people or roles, R/A/G ratings, status words, references, or long
prose. :func:`choose_field` combines that with the header match: a clear header wins, content
decides when the header is unknown or only loosely matched.

Everything here is self-contained text shape and small closed vocabularies (month names,
rating words, status words, role nouns): extract must not import normalise, and no rule
names a particular plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.grammar import ONGOING_WORD
from extract.headers import HeaderMatch

CONTENT_DECIDES_SHARE = 0.6
"""Share of non-empty cells of one kind above which content types a column whose header is unknown."""
CONTENT_OVERRULES_SHARE = 0.8
"""Share above which content overrules a header that matched only loosely (prefix, fuzzy)."""
RATING_OVER_STATUS_SHARE = 0.8
"""A column headed "Status" whose cells are this much R/A/G letters or words is a rating."""
PROSE_WORDS = 6
"""A cell of at least this many words is prose (an action, a finding, a commentary)."""
SHORT_CELL_WORDS = 8
"""Cells longer than this are never a date, a name list, a rating or a status word."""

# Evidence kind -> the field a column of that kind maps to. Prose maps to nothing by itself:
# it cannot tell an action from a finding or a commentary (see ``prose_fallback``).
KIND_FIELDS = {"refs": "ref", "dates": "timescale", "people": "lead", "rag": "rag", "status": "status"}

_MONTHS = (
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
)
_TIMESCALE_WORDS = frozenset(
    (
        "ongoing",
        "on-going",
        "immediate",
        "immediately",
        "monthly",
        "quarterly",
        "weekly",
        "annually",
        "annual",
        "yearly",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "end",
        "by",
        "from",
        "to",
        "until",
        "within",
        "before",
        "after",
        "of",
        "the",
        "and",
        "onwards",
        "start",
        "starting",
        "q1",
        "q2",
        "q3",
        "q4",
        "fy",
        "quarter",
        "spring",
        "summer",
        "autumn",
        "winter",
        "term",
        "w/c",
        "mid",
        "early",
        "late",
        "beginning",
        "-",
        "–",
        "—",
        "/",
        "&",
        "then",
        "thereafter",
        "rolling",
        "programme",
        "completed",
        "complete",
        "due",
        "revised",
        "date",
        "tbc",
        "tba",
    )
)
_DATE_TOKEN = re.compile(
    r"^(?:\d{1,2}(?:st|nd|rd|th)?"  # day
    r"|(?:19|20)\d\d(?:[/-]\d{2,4})?"  # year, 2024/25, 2024-2025
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"  # d.m.y
    r"|\d{2}/\d{2}"  # 24/25 (financial year)
    r"|q[1-4](?:[/-]\d{2,4})?"  # quarters
    r"|fy\d{2,4}(?:[/-]\d{2,4})?"
    r"|(?:" + "|".join(_MONTHS) + r")(?:[-'’]\d{2,4})?"  # June, Sep-24, Sept'24
    r")$"
)
_ANCHOR_TOKEN = re.compile(
    r"^(?:(?:19|20)\d\d|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|q[1-4]|fy|(?:" + "|".join(_MONTHS) + r")"
    r"|" + ONGOING_WORD + r"|immediate|immediately|monthly|quarterly|weekly|annually)"
)
_RAG_WORDS = frozenset(("r", "a", "g", "b", "red", "amber", "green", "blue", "ra", "ag", "rag"))
_STATUS_WORDS = frozenset(
    (
        "complete",
        "completed",
        "done",
        "closed",
        "close",
        "open",
        "in",
        "progress",
        "ongoing",
        "on-going",
        "going",
        "on",
        "not",
        "yet",
        "started",
        "start",
        "track",
        "off",
        "delayed",
        "overdue",
        "achieved",
        "partially",
        "partly",
        "pending",
        "cancelled",
        "superseded",
        "deferred",
        "withdrawn",
        "hold",
        "proposed",
        "for",
        "closure",
        "embedded",
        "business",
        "as",
        "usual",
        "underway",
        "under",
        "way",
        "live",
        "implemented",
        "outstanding",
        "late",
        "slipped",
        "new",
        "agreed",
        "to",
        "be",
        "y",
        "n",
        "yes",
        "no",
        "behind",
        "ahead",
        "of",
        "schedule",
    )
)
_ROLE_WORDS = frozenset(
    (
        "manager",
        "managers",
        "director",
        "directors",
        "head",
        "heads",
        "lead",
        "leads",
        "officer",
        "officers",
        "chair",
        "chief",
        "team",
        "teams",
        "board",
        "group",
        "nurse",
        "secretary",
        "coordinator",
        "co-ordinator",
        "executive",
        "ceo",
        "partner",
        "partners",
        "principal",
        "deputy",
        "assistant",
        "consultant",
        "gp",
        "governor",
        "governors",
        "committee",
        "panel",
        "unit",
        "champion",
        "administrator",
        "supervisor",
        "practitioner",
        "commissioner",
        "adviser",
        "advisor",
        "clerk",
        "trustee",
        "trustees",
        "all",
        "staff",
        "service",
        "services",
        "safeguarding",
        "quality",
        "practice",
        "clinical",
        "medical",
        "operating",
        "finance",
        "workforce",
        "hr",
        "governance",
        "network",
        "forum",
        "agency",
        "council",
        "trust",
    )
)
_NAME_TITLES = frozenset(("dr", "mr", "mrs", "ms", "miss", "prof", "professor", "cllr", "sir", "dame", "rev"))
_CONNECTORS = frozenset(("and", "&", "of", "the", "for", "/", ",", "with", "plus", "-", "–"))
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?){1,2}[A-Z]{1,3}$")  # "JS", "DoN", "AB", "DCS"
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z]+|[A-Z]'[A-Z][a-z]+|Mc[A-Z][a-z]+|Ní|Ó|de|van|von|al|bin)(?:-[A-Z][a-z]+)*$")
_WORD_SPLIT = re.compile(r"[\s,;]+")

_OUTLINE_REF = re.compile(r"^\(?\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?\)?\.?$")
_CODED_REF = re.compile(r"^[A-Z]{1,6}[ .-]?\d{1,4}(?:[./-]\d{1,4})*[a-z]?(?:\s?\([a-z0-9]{1,4}\))?$")
_NUMBER_SIGN_REF = re.compile(r"^(?:no\.?|#)\s?\d{1,4}$", re.I)


@dataclass(frozen=True)
class ColumnEvidence:
    """Shares (0-1) of a column's non-empty cells of each kind, and how many cells there were."""

    cells: int
    dates: float = 0.0
    people: float = 0.0
    rag: float = 0.0
    status: float = 0.0
    refs: float = 0.0
    prose: float = 0.0

    def strongest(self) -> tuple[str, float]:
        """The typed kind (not prose) with the largest share: ("dates", 0.8)."""
        kinds = [(getattr(self, kind), kind) for kind in KIND_FIELDS]
        share, kind = max(kinds)
        return kind, share


@dataclass(frozen=True)
class FieldChoice:
    """The field chosen for a column, with the evidence for ``inspect``."""

    field: str | None
    header_score: float
    kind: str  # strongest content kind ("" when the column is empty)
    share: float
    decided_by: str  # "header", "content" or "none"

    def describe(self) -> str:
        """ "header 0.96 / content dates 0.8" (what ``inspect`` prints beside the mapping)."""
        content = f"content {self.kind} {self.share:.1f}" if self.kind and self.share else "content none"
        return f"header {self.header_score / 100:.2f} / {content}"


# --------------------------------------------------------------------------- cell kinds


def _tokens(text: str) -> list[str]:
    return [token for token in _WORD_SPLIT.split(text.strip()) if token]


def is_date_like(text: str) -> bool:
    """A cell that states a date or timescale: "30 Sept", "Sep-24", "Q4 24/25", "2012/13",
    "Apr-25 to Mar-26", "31/10/2024", "By end of June 2024", "Ongoing". Not "Board 24 May
    2012" (a meeting named by its date) nor "01.05" (a tracker reference)."""
    tokens = [token.lower().strip(".()") for token in _tokens(text)]
    tokens = [token for token in tokens if token]
    if not tokens or len(tokens) > SHORT_CELL_WORDS:
        return False
    if not any(_ANCHOR_TOKEN.match(token) for token in tokens):
        return False
    dated = sum(1 for token in tokens if _DATE_TOKEN.match(token) or token in _TIMESCALE_WORDS)
    first = tokens[0]
    return dated / len(tokens) >= 0.6 and bool(_DATE_TOKEN.match(first) or first in _TIMESCALE_WORDS)


def is_rating(text: str) -> bool:
    """ "R", "Amber", "A/G", "Green/Blue": only R/A/G letters or words."""
    tokens = [token for token in re.split(r"[\s/\-–,]+", text.strip().lower().strip(".")) if token]
    return 0 < len(tokens) <= 3 and all(token in _RAG_WORDS for token in tokens)


def is_status_words(text: str) -> bool:
    """ "Complete", "In progress", "Open", "Not yet started", "Proposed for closure"."""
    tokens = [token.strip(".,;:()") for token in text.lower().split()]
    tokens = [token for token in tokens if token]
    return 0 < len(tokens) <= 4 and all(token in _STATUS_WORDS for token in tokens) and not is_rating(text)


def is_ref_like(text: str) -> bool:
    """ "1.2", "2.2.1", "01.05", "(3)", "A1", "AFI 2", "BOD 62/17(l)", "No. 4"."""
    text = " ".join(text.split()).rstrip(".")
    if not text or len(text.split()) > 3:
        return False
    return bool(_OUTLINE_REF.match(text) or _CODED_REF.match(text) or _NUMBER_SIGN_REF.match(text))


def is_people_like(text: str) -> bool:
    """Person names, initials or role words, and nothing else: "Jo Bloggs", "Head of
    Service", "JS / AB", "Dr Amara Okafor, Practice Manager". Not "Recording" (one word that
    is neither a role nor a name pair) nor a sentence."""
    tokens = _tokens(text.replace("/", " / "))
    if not tokens or len(tokens) > SHORT_CELL_WORDS or any(char.isdigit() for char in text):
        return False
    roles = names = initials = 0
    for token in tokens:
        bare = token.strip(".()")
        lower = bare.lower()
        if lower in _CONNECTORS or not bare:
            continue
        if lower in _ROLE_WORDS:
            roles += 1
        elif _INITIALS.match(bare):
            initials += 1
        elif lower in _NAME_TITLES or _NAME_WORD.match(bare):
            names += 1
        else:
            return False
    return bool(roles or initials or names >= 2)


def is_prose(text: str) -> bool:
    return len(text.split()) >= PROSE_WORDS


def column_evidence(values: Sequence[str]) -> ColumnEvidence:
    """Shares of each kind among a column's non-empty cells.

    >>> column_evidence(["March 2025", "Q4 24/25", "Apr-25 to Mar-26"]).dates
    1.0
    """
    cells = [" ".join(value.split()) for value in values if value and value.strip()]
    if not cells:
        return ColumnEvidence(0)
    count = len(cells)

    def share(test) -> float:
        return round(sum(1 for cell in cells if test(cell)) / count, 2)

    dates = share(is_date_like)
    refs = share(is_ref_like)
    rag = share(is_rating)
    status = share(is_status_words)
    people = share(lambda cell: is_people_like(cell) and not is_rating(cell) and not is_status_words(cell))
    return ColumnEvidence(count, dates=dates, people=people, rag=rag, status=status, refs=refs, prose=share(is_prose))


# --------------------------------------------------------------------------- the choice


def _share_of(evidence: ColumnEvidence, field: str) -> float:
    """The share of cells bearing out ``field`` (0 for fields content cannot show)."""
    kind = next((kind for kind, name in KIND_FIELDS.items() if name == field), "")
    return float(getattr(evidence, kind)) if kind else 0.0


def choose_field(header: HeaderMatch | None, evidence: ColumnEvidence) -> FieldChoice:
    """A column's field from its header match and its content evidence.

    - A clear header (exact synonym, leading phrase or head word) wins, except that a
      "Status" column holding only R/A/G ratings is a rating column.
    - A loosely matched header (prefix, contained phrase, fuzzy) gives way to content only
      when one kind fills nearly all cells.
    - An unknown header (or none) takes its field from content when one kind fills most cells.
    """
    kind, share = evidence.strongest() if evidence.cells else ("", 0.0)
    score = header.score if header is not None else 0.0
    header_field = header.field if header is not None and header.field != "ignore" else None
    if header is not None and header.field == "ignore":
        return FieldChoice(None, score, kind, share, "header")
    content_field = KIND_FIELDS.get(kind) if kind else None
    if header is not None and header_field and header.clear:
        if header_field == "status" and evidence.rag >= RATING_OVER_STATUS_SHARE:
            return FieldChoice("rag", score, "rag", evidence.rag, "content")
        return FieldChoice(header_field, score, kind, share, "header")
    if header_field:
        if (
            content_field
            and content_field != header_field
            and share >= CONTENT_OVERRULES_SHARE
            and share > _share_of(evidence, header_field)
        ):
            return FieldChoice(content_field, score, kind, share, "content")
        return FieldChoice(header_field, score, kind, share, "header")
    if content_field and share >= CONTENT_DECIDES_SHARE:
        return FieldChoice(content_field, score, kind, share, "content")
    return FieldChoice(None, score, kind, share, "none")
