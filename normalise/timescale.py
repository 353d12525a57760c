"""Timescale cells -> start and due dates (ISO, at the precision printed), status and issues.

A timescale cell is read in three steps, each a small pure function:

1. :func:`extract.dates.scan_dates` finds the date expressions in the text (the one date
   grammar, in extract because extract also needs it to split a cell into its entries).
2. :func:`spans_to_dates` links them: ranges ("Sept 12 – Jan 14", "March – June 2012"), start
   cues ("From X", "X onwards", "X rolling programme"), several dates (due = the latest,
   start = the earliest explicit start: gold/GUIDE.md).
3. :func:`parse_timescale` adds the status the words state, relative deadlines ("Within 3
   months", resolved against :attr:`DateContext.plan_date`) and the data-quality issues.

A date is never invented: an impossible date ("31.11.12"), a cut-off one ("December 20") or a
month without a year gives no date and an issue instead.

Splitting a cell that runs several entries together is extract's job
(:func:`extract.entries.split_timescale_entries`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

from extract.dates import (
    AMBIGUOUS_DATE,
    DASH,
    MONTH_PATTERN,
    YEAR_MAX,
    YEAR_MIN,
    DateNote,
    DateSpan,
    PartialDate,
    checked_date,
    dateparser_date,
    scan_dates,
)
from extract.entries import MARKER, REVISION_VERBS, strip_header
from extract.grammar import ONGOING_WORD
from normalise.status import Status, plain_text, status_from_text

# --- issue catalogue ---------------------------------------------------------------------------
RANGE_REVERSED: Final = "range-reversed"
RELATIVE_DATE: Final = "relative-date"
UNPARSED_TIMESCALE: Final = "unparsed-timescale"
INFERRED_YEAR: Final = "inferred-year"
TITLE_TEXTS = 12
YEARLESS_LOOKBACK_MONTHS = 1
"""A year-less month up to this many months before the plan date's month is in the plan's year
(a tracker compiled on 4 July lists June deadlines just passed); any earlier month is the next
occurrence after the plan date ("March" in a plan of July 2012 is March 2013)."""
"""DateContext.from_texts looks for the plan's own date in this many leading texts."""


def _add_months(date: PartialDate, months: int) -> PartialDate:
    index = date.year * 12 + (date.month or 1) - 1 + months
    year, month = divmod(index, 12)
    if date.month is None:
        return PartialDate(year)
    if date.day is None:
        return PartialDate(year, month + 1)
    return PartialDate(year, month + 1, min(date.day, calendar.monthrange(year, month + 1)[1]))


# --- context --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DateContext:
    """What a timescale is read against: the year (and date) the plan was written.

    ``plan_year`` decides whether "Dec 13" is December 2013 or the 13th of December; ``plan_date``
    ("2012-01" or "2011-12-01") anchors relative deadlines such as "Within 3 months", and, when
    it is the plan's ``own_date``, dates printed without a year.
    """

    plan_year: int | None = None
    plan_date: str | None = None
    own_date: bool = False
    """``plan_date`` is the date the plan gives as its own ("Compiled on 4 July 2012"), not one
    inferred from a title or an inspection date: only then do dates printed without a year
    ("June") take their year from it."""

    def __post_init__(self) -> None:
        if self.plan_year is not None and not (
            isinstance(self.plan_year, int) and YEAR_MIN <= self.plan_year <= YEAR_MAX
        ):
            raise ValueError(f"DateContext.plan_year must be an int in {YEAR_MIN}..{YEAR_MAX}, got {self.plan_year!r}")
        if self.plan_date is not None and PartialDate.from_iso(self.plan_date) is None:
            raise ValueError(
                f"DateContext.plan_date must be an ISO date like '2012-01-31' or '2012-01', got {self.plan_date!r}"
            )

    @property
    def anchor(self) -> PartialDate | None:
        """``plan_date`` as a :class:`PartialDate`."""
        return PartialDate.from_iso(self.plan_date)

    @property
    def year(self) -> int | None:
        """The plan year, from ``plan_year`` or else ``plan_date``."""
        if self.plan_year is not None:
            return self.plan_year
        anchor = self.anchor
        return anchor.year if anchor else None

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> DateContext:
        """Infer the plan's date from its own text (never from today's date).

        ``texts`` are the document's texts in reading order (title lines first, then cells).
        The plan date is the earliest date printed in the leading title texts ("Inspection
        date: 18 Feb 2014 – 12 March 2014", "December 2011", "... (January 2012)"), provided it
        is plausible against the dates of the whole document; without one, the plan year is the
        earliest year that carries a good share of the document's dates (plans mostly look
        ahead, so the most common year tends to be a deadline year, not the writing year).

        >>> DateContext.from_texts(["Safeguarding Plan", "December 2011", "31.03.12 – 31.01.12"])
        DateContext(plan_year=2011, plan_date='2011-12')
        """
        cleaned = [plain_text(text) for text in texts if text and text.strip()]
        typical = _typical_year(cleaned)
        candidates = [
            date
            for text in cleaned[:TITLE_TEXTS]
            if len(text) <= 300
            for date in _title_dates(text)
            if typical is None or typical - 3 <= date.year <= typical
        ]
        dated = sorted((d for d in candidates if d.month), key=PartialDate.first_day)
        if dated:
            return cls(plan_year=dated[0].year, plan_date=dated[0].iso())
        if candidates:
            return cls(plan_year=min(d.year for d in candidates))
        if typical is not None:
            return cls(plan_year=typical)
        return cls(plan_year=_two_digit_year_guess(cleaned))


# --- linking the dates of one timescale -----------------------------------------------------------
_CONNECTOR = re.compile(rf"^\s*(?:{DASH}+|to|until|till|through|thru)\s*$", re.I)
_START_CUE = re.compile(
    r"\b(?:from|starting|start(?:s|ed)?|commenc(?:e|es|ing)|begin(?:s|ning)?(?!\s+of)|began|since)\b", re.I
)
_DUE_CUE = re.compile(r"\b(?:by|before|until|till|deadline|due|complete[ds]?|completion|end\s+of|target)\b", re.I)
_START_SUFFIX = re.compile(r"^\W*(?:and\s+)?(?:onwards?|on\s+wards|rolling\s+programme|and\s+beyond)\b", re.I)


class LinkedDates(NamedTuple):
    start: PartialDate | None
    due: PartialDate | None
    issues: tuple[DateNote, ...]


def _with_year(yearless: tuple[int, int | None], year: int) -> PartialDate | None:
    month, day = yearless
    return checked_date(year, month, day)


def _complete_range(left: DateSpan, right: DateSpan) -> tuple[PartialDate | None, PartialDate | None]:
    """The two ends of "left – right", lending a year across when one end prints none."""
    first = left.point or left.start
    last = right.point or right.due
    if first is None and left.yearless and last is not None:
        month, day = left.yearless
        later = (month, day or 1) > (last.month or 12, last.day or 31)
        first = _with_year(left.yearless, last.year - 1 if later else last.year)
    if last is None and right.yearless and first is not None:
        month, day = right.yearless
        earlier = (month, day or 31) < (first.month or 1, first.day or 1)
        last = _with_year(right.yearless, first.year + 1 if earlier else first.year)
    return first, last


def _reversed(start: PartialDate, due: PartialDate) -> bool:
    return due.last_day() < start.first_day()


def _role(text: str, span: DateSpan, previous_end: int, next_begin: int) -> str:
    """ "start" when a start cue precedes the date ("From X") or follows it ("X onwards")."""
    if _START_SUFFIX.match(text[span.end : next_begin]):
        return "start"
    before = text[previous_end : span.begin]
    cues = [(m.start(), "start") for m in _START_CUE.finditer(before)]
    cues += [(m.start(), "due") for m in _DUE_CUE.finditer(before)]
    return max(cues)[1] if cues else "due"


def anchored_date(yearless: tuple[int, int | None], anchor: PartialDate | None) -> PartialDate | None:
    """A date printed without a year ("June", "30 Sept"), given the year its plan date implies.

    The next occurrence on or after the plan date's month, except that a month up to
    :data:`YEARLESS_LOOKBACK_MONTHS` before it stays in the plan's year. None without a plan
    date known to the month: a year is never taken from a bare plan year or from today.

    >>> anchored_date((6, None), PartialDate(2012, 7, 4)), anchored_date((3, None), PartialDate(2012, 7, 4))
    (PartialDate(year=2012, month=6, day=None), PartialDate(year=2013, month=3, day=None))
    """
    if anchor is None or anchor.month is None:
        return None
    month, day = yearless
    behind = anchor.month - month
    year = anchor.year + 1 if behind > YEARLESS_LOOKBACK_MONTHS else anchor.year
    return checked_date(year, month, day)


def spans_to_dates(text: str, spans: Sequence[DateSpan], anchor: PartialDate | None = None) -> LinkedDates:
    """Start and due of one timescale from its date spans.

    Ranges give their left end as a start and their right end as a due; "From X", "X onwards"
    and "X rolling programme" give a start; every other date is a due. With several, due is the
    latest and start the earliest (gold/GUIDE.md). A date printed without a year takes its year
    from the plan date ``anchor`` (:func:`anchored_date`), reported as ``inferred-year``.
    """
    starts: list[PartialDate] = []
    dues: list[PartialDate] = []
    issues: list[DateNote] = [span.issue for span in spans if span.issue]
    index = 0
    while index < len(spans):
        span = spans[index]
        following = spans[index + 1] if index + 1 < len(spans) else None
        if following is not None and _CONNECTOR.match(text[span.end : following.begin]):
            first, last = _complete_range(span, following)
            if first and last and _reversed(first, last):
                issues.append((RANGE_REVERSED, f"range ends {last.iso()} before it starts {first.iso()}"))
            starts += [first] if first else []
            dues += [last] if last else []
            index += 2
            continue
        if span.start or span.due:
            starts += [span.start] if span.start else []
            dues += [span.due] if span.due else []
        elif span.point:
            previous_end = spans[index - 1].end if index else 0
            next_begin = following.begin if following else len(text)
            (starts if _role(text, span, previous_end, next_begin) == "start" else dues).append(span.point)
        elif span.yearless and not span.issue:
            printed = text[span.begin : span.end]
            inferred = anchored_date(span.yearless, anchor)
            if inferred is None or anchor is None:
                issues.append((AMBIGUOUS_DATE, f"no year printed: {printed!r}"))
            else:
                issues.append(
                    (
                        INFERRED_YEAR,
                        f"no year printed: {printed!r} read as {inferred.iso()} from the plan date {anchor.iso()}",
                    )
                )
                previous_end = spans[index - 1].end if index else 0
                next_begin = following.begin if following else len(text)
                (starts if _role(text, span, previous_end, next_begin) == "start" else dues).append(inferred)
        index += 1
    start = min(starts, key=PartialDate.first_day) if starts else None
    due = max(dues, key=PartialDate.last_day) if dues else None
    if start and due and _reversed(start, due) and not any(i[0] == RANGE_REVERSED for i in issues):
        issues.append((RANGE_REVERSED, f"due {due.iso()} is before start {start.iso()}"))
    return LinkedDates(start, due, tuple(dict.fromkeys(issues)))


# --- relative and date-less timescales ----------------------------------------------------------------
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}
_NUMBER = r"(?P<n>\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_EVENT_RELATIVE = re.compile(
    rf"\b{_NUMBER}\s+(?:working\s+|calendar\s+)?{_UNIT}\s+(?:after|before|prior\s+to|following|of)\b", re.I
)
_WITHIN = re.compile(rf"\bwithin\s+(?:the\s+next\s+)?{_NUMBER}\s+{_UNIT}\b", re.I)
_BARE_PERIOD = re.compile(rf"^\W*{_NUMBER}\s*{_UNIT}\W*$", re.I)
_IMMEDIATE = re.compile(
    r"\b(?:immediate(?:ly)?|with\s+immediate\s+effect|asap|as\s+soon\s+as\s+possible|urgent(?:ly)?)\b", re.I
)
_DATELESS = re.compile(
    rf"\b(?:{ONGOING_WORD}|henceforth|continuous(?:ly)?|continuing|rolling|as\s+(?:detailed\s+|stated\s+|set\s+out\s+)?(?:in\s+[\w. ]+?\s+)?above"
    r"|see\s+above|as\s+(?:required|needed|appropriate)|as\s+and\s+when|(?:bi|six|three|twice)?-?\s?(?:daily|weekly|fortnightly|monthly|quarterly|annually|yearly|termly|annual)"
    r"|regular(?:ly)?|review(?:ed)?|tbc|tba|to\s+be\s+(?:agreed|confirmed|determined|decided|set|arranged)|n/?a|not\s+applicable|not\s+required|none|in\s+place)\b",
    re.I,
)


def _relative(text: str, context: DateContext) -> tuple[PartialDate | None, DateNote | None]:
    """A deadline stated relative to the plan ("Within 3 months", "Immediate") or to an event."""
    event = _EVENT_RELATIVE.search(text)
    if event:
        return None, (RELATIVE_DATE, f"relative to an event: {event.group(0)!r}")
    anchor = context.anchor
    within = _WITHIN.search(text) or _BARE_PERIOD.match(text)
    if within:
        count_text = within.group("n") or ""
        count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS.get(count_text.lower(), 0)
        unit = within.group("unit").lower()
        return _offset(anchor, count, unit), (
            RELATIVE_DATE,
            f"{within.group(0).strip()!r} from plan date {context.plan_date}",
        )
    immediate = _IMMEDIATE.search(text)
    if immediate:
        return anchor, (RELATIVE_DATE, f"{immediate.group(0)!r} from plan date {context.plan_date}")
    return None, None


def _offset(anchor: PartialDate | None, count: int, unit: str) -> PartialDate | None:
    """anchor + count units, at the anchor's precision; None when the units are finer than it."""
    if anchor is None:
        return None
    if unit == "year":
        return checked_date(anchor.year + count, anchor.month, anchor.day)
    if unit == "month":
        return _add_months(anchor, count) if anchor.month else None
    if anchor.day is None:
        return None
    days = count * (7 if unit == "week" else 1)
    moved = anchor.first_day() + dt.timedelta(days=days)
    return checked_date(moved.year, moved.month, moved.day)


_LEADING_MARKER = re.compile(rf"^\s*{MARKER}\s*|^\s*\d{{1,2}}[.)]\s+(?=\D)", re.I)


@dataclass(frozen=True)
class Timescale:
    """A timescale as printed (``raw``) beside what it says."""

    raw: str
    start: str | None
    due: str | None
    precision: str | None
    status: Status | None
    issues: tuple[DateNote, ...] = ()
    original_due: str | None = None  # the first deadline, where the cell prints a revised one

    @property
    def issue_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.issues)


def clean_timescale(text: str) -> str:
    """The cell text without HTML, a leading item marker ("(1)", "ii)") or a leaked header."""
    return strip_header(_LEADING_MARKER.sub("", plain_text(text), count=1))


def _fallback_date(text: str) -> PartialDate | None:
    """dateparser on a short date-like text our grammar did not read ("2012.06.30")."""
    if len(text) > 40 or not re.search(r"\d", text):
        return None
    return dateparser_date(text)


# "(revised from Oct 2024)", "originally 31/12/2024", "original date: March": the first deadline.
_ORIGINAL_CLAUSE = re.compile(
    rf"\(?\s*(?:{REVISION_VERBS}\s+from|originally(?:\s+due)?|original\s+(?:date|deadline|target(?:\s+date)?)\s*:?)"
    r"\s*:?\s*(?P<original>[^();]+?)\s*(?:\)|$|(?=;))",
    re.I,
)
_WAS_CLAUSE = re.compile(r"\(\s*(?:was|previously)\s*:?\s*(?P<original>[^()]+?)\s*\)", re.I)
# "Dec 2024 - extended to Feb 2025", "Revised to 31/03/2025": the new deadline follows.
_REVISED_TO = re.compile(rf"[\s,;:\-\u2013\u2014]*\(?\b{REVISION_VERBS}\s+to\b\s*:?", re.I)


def split_revision(text: str) -> tuple[str, str]:
    """(the current deadline's text, the original deadline's text) of a revised timescale.

    "January 2025 (revised from Oct 2024)" -> ("January 2025", "Oct 2024"); "Dec 2024 -
    extended to Feb 2025" -> ("Feb 2025", "Dec 2024"). A cell that revises nothing comes back
    whole with an empty original. Only a clause that holds a date counts as an original.

    >>> split_revision("June 2025 (was March 2025)")
    ('June 2025', 'March 2025')
    """
    for pattern in (_ORIGINAL_CLAUSE, _WAS_CLAUSE):
        clause = pattern.search(text)
        if clause and scan_dates(clause.group("original")):
            current = f"{text[: clause.start()]} {text[clause.end() :]}"
            current = _REVISED_TO.sub(" ", current, count=1) if _REVISED_TO.match(current) else current
            return " ".join(current.split()), clause.group("original").strip()
    revised = _REVISED_TO.search(text)
    if revised:
        before, after = text[: revised.start()].strip(), text[revised.end() :].strip()
        if scan_dates(after):
            return after, before if scan_dates(before) else ""
    return text, ""


def parse_timescale_uncached(text: str, context: DateContext = DateContext()) -> Timescale:
    """Read one timescale entry; see :func:`parse_timescale`."""
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    cleaned = clean_timescale(raw)
    current, original_text = split_revision(cleaned)
    spans = scan_dates(current, context.year)
    yearless_anchor = context.anchor if context.own_date else None
    linked = spans_to_dates(current, spans, yearless_anchor)
    start, due, issues = linked.start, linked.due, list(linked.issues)
    status = status_from_text(cleaned)
    if start is None and due is None and not issues:
        relative_due, relative_issue = _relative(current, context)
        if relative_issue:
            due = relative_due
            issues.append(relative_issue)
    if start is None and due is None and not issues and not spans:
        due = _fallback_date(current)
        if due is None and current and status is None and not _DATELESS.search(current):
            issues.append((UNPARSED_TIMESCALE, f"no date or status found in {current[:80]!r}"))
    original = (
        spans_to_dates(original_text, scan_dates(original_text, context.year), yearless_anchor)
        if original_text
        else None
    )
    if original:
        issues.extend(issue for issue in original.issues if issue not in issues)
    original_due = (original.due or original.start) if original else None
    shown = due or start
    return Timescale(
        raw=raw,
        start=start.iso() if start else None,
        due=due.iso() if due else None,
        precision=shown.precision if shown else None,
        status=status,
        issues=tuple(issues),
        original_due=original_due.iso() if original_due else None,
    )


parse_timescale_cached = lru_cache(maxsize=65536)(parse_timescale_uncached)
"""Memoised :func:`parse_timescale_uncached`: plans repeat the same strings ("31.03.12") a lot."""


def parse_timescale(text: str, context: DateContext = DateContext()) -> Timescale:
    """Read one timescale entry (memoised on ``(text, context)``).

    >>> t = parse_timescale("Sept 12 – Jan 14.", DateContext(plan_year=2013))
    >>> (t.start, t.due, t.precision)
    ('2012-09', '2014-01', 'month')
    >>> parse_timescale("31.11.12").issue_codes
    ('invalid-date',)
    >>> parse_timescale("Completed 26.3.14").status
    'completed'
    """
    if not isinstance(text, str):
        return parse_timescale_uncached(text, context)
    return parse_timescale_cached(text, context)


def parse_review_date(text: str, context: DateContext = DateContext()) -> str | None:
    """The next review date from a "Date of next review" cell, as a partial ISO date.

    When the cell lists several dates ("May 2012 August 2012") the earliest is the next one.
    "Not required" and the like give None.

    >>> parse_review_date("September2012")
    '2012-09'
    """
    cleaned = clean_timescale(text or "")
    found = [span.point or span.due for span in scan_dates(cleaned, context.year)]
    dates = [date for date in found if date is not None]
    return min(dates, key=PartialDate.first_day).iso() if dates else None


# --- plan date inference ----------------------------------------------------------------------------------
def _full_dates(text: str) -> list[PartialDate]:
    """Dates printed with a 4-digit year or as a full day-month-year: safe without context."""
    return [span.point for span in scan_dates(text, None) if span.point and span.point.month and not span.issue]


def _typical_year(texts: Sequence[str]) -> int | None:
    """The earliest year holding at least a fifth of the document's dated mentions."""
    counts = Counter(date.year for text in texts for date in _full_dates(text))
    total = sum(counts.values())
    if not total:
        return None
    return min(year for year, count in counts.items() if count * 5 >= total)


_TITLE_YEARS = re.compile(r"(?<![\d./])((?:19|20)\d\d)(?:\s*(?:-|–|to)\s*(?:19|20)?\d\d)?(?![\d])")
_TITLE_WORDS = re.compile(r"\b(?:plan|inspection|inspected|dated?|published|issued|updated|version|written)\b", re.I)
_WORD = re.compile(r"[A-Za-z]{2,}")


def _title_dates(text: str) -> list[PartialDate]:
    """The plan's own date in a title text, if it states one.

    A date counts when the text is a title or a label ("... Inspection date: 18 Feb 2014",
    "Improvement plan ... (January 2012)") or is little more than the date ("December 2011"),
    and no deadline cue introduces it ("by December 2013"). A title may give only a year or a
    range of years ("Plan 2016-18").
    """
    spans = [span for span in scan_dates(text, None) if span.point and span.point.month and not span.issue]
    leftover = text
    for span in reversed(spans):
        leftover = leftover[: span.begin] + leftover[span.end :]
    titled = bool(_TITLE_WORDS.search(text))
    if spans and (titled or len(_WORD.findall(leftover)) <= 3):
        previous_ends = [0] + [span.end for span in spans[:-1]]
        return [
            span.point
            for span, previous_end in zip(spans, previous_ends)
            if span.point is not None and not _DUE_CUE.search(text[previous_end : span.begin])
        ]
    if titled and not spans:
        return [PartialDate(int(m.group(1))) for m in _TITLE_YEARS.finditer(text)]
    return []


def _two_digit_year_guess(texts: Sequence[str]) -> int | None:
    """Last resort: the most common NN of "Sept 13"-style dates."""
    pattern = re.compile(rf"{MONTH_PATTERN}[,]?\s*(\d\d)(?![\d./])", re.I)
    counts = Counter(2000 + int(m.group(1)) for text in texts for m in pattern.finditer(text) if int(m.group(1)) > 0)
    return min(counts, key=lambda year: (-counts[year], year)) if counts else None
