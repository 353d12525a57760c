"""Timescale cells -> start and due dates (ISO, at the precision printed), status and issues.

A timescale cell is read in three steps, each a small pure function:

1. :func:`scan_dates` finds the date expressions in the text with a grammar of our own
   (UK day-first numbers, month names and cut-off month words, "Sept 13", financial years,
   quarters, seasons, bare years). dateparser reads the single day-month-year expressions it is
   good at ("26th June 2012"); it never sees a string where it could fill in today's date or a
   default day.
2. :func:`spans_to_dates` links them: ranges ("Sept 12 – Jan 14", "March – June 2012"), start
   cues ("From X", "X onwards", "X rolling programme"), several dates (due = the latest,
   start = the earliest explicit start: gold/GUIDE.md).
3. :func:`parse_timescale` adds the status the words state, relative deadlines ("Within 3
   months", resolved against :attr:`DateContext.plan_date`) and the data-quality issues.

A date is never invented: an impossible date ("31.11.12"), a cut-off one ("December 20") or a
month without a year gives no date and an issue instead.

:func:`split_timescale_entries` splits a cell that runs several entries together
("April 2012 April 2012 May 2012 From June 2012") so that extract can align them with items.
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

from extract.grammar import ONGOING_WORD
from ingest.issues import IssueCode
from normalise.status import Status, plain_text, status_from_text

# --- issue catalogue ---------------------------------------------------------------------------
INVALID_DATE: Final = "invalid-date"
TRUNCATED_DATE: Final = "truncated-date"
RANGE_REVERSED: Final = "range-reversed"
RELATIVE_DATE: Final = "relative-date"
AMBIGUOUS_DATE: Final = "ambiguous-date"
UNPARSED_TIMESCALE: Final = "unparsed-timescale"
INFERRED_YEAR: Final = "inferred-year"
DateNote = tuple[IssueCode, str]
"""(issue code, message): what a value parser noticed; normalise.document makes it an
:class:`ingest.model.Issue` row placed at its action and column."""

YEAR_MIN, YEAR_MAX = 1990, 2099
TWO_DIGIT_YEARS_BEFORE_PLAN = 5
"""'Mon NN' is a year when 20NN lies within this many years before the plan year ..."""
TWO_DIGIT_YEARS_AFTER_PLAN = 5
"""... or this many years after it; otherwise NN is a cut-off year or a day of month."""
BARE_YEAR_WINDOW = 15
"""A bare 4-digit year further than this from the plan year is not read as a date ("Act 1989")."""
TITLE_TEXTS = 12
YEARLESS_LOOKBACK_MONTHS = 1
"""A year-less month up to this many months before the plan date's month is in the plan's year
(a tracker compiled on 4 July lists June deadlines just passed); any earlier month is the next
occurrence after the plan date ("March" in a plan of July 2012 is March 2013)."""
"""DateContext.from_texts looks for the plan's own date in this many leading texts."""


# --- partial dates -------------------------------------------------------------------------------
class PartialDate(NamedTuple):
    """A date known to the year, month or day: ``PartialDate(2013, 12)`` is "2013-12"."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    @classmethod
    def from_iso(cls, text: str | None) -> PartialDate | None:
        """Parse "2013", "2013-12" or "2013-12-05"; None for anything else or an impossible date."""
        match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", (text or "").strip())
        if not match:
            return None
        year, month, day = match.groups()
        return _checked(int(year), int(month) if month else None, int(day) if day else None)


def _checked(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    """The partial date if it exists on the calendar, else None."""
    if not YEAR_MIN <= year <= YEAR_MAX or (month is not None and not 1 <= month <= 12):
        return None
    if day is not None:
        if month is None or not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
    return PartialDate(year, month, day)


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
            raise ValueError(f"DateContext.plan_date must be an ISO date like '2012-01-31' or '2012-01', got {self.plan_date!r}")

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


# --- the date grammar ------------------------------------------------------------------------------
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_MONTH_TYPOS = {"febuary": 2, "feburary": 2, "sept": 9, "septmber": 9, "decmber": 12, "novmber": 11}


def _month_words() -> dict[str, int]:
    """Month names, their unique prefixes of 3+ letters ("Decem") and common misspellings."""
    words = dict(_MONTH_TYPOS)
    for number, name in enumerate(_MONTH_NAMES, start=1):
        for length in range(3, len(name) + 1):
            prefix = name[:length]
            if sum(other.startswith(prefix) for other in _MONTH_NAMES) == 1:
                words[prefix] = number
    return words


MONTH_WORDS = _month_words()
_ABBREVIATIONS = frozenset(name[:3] for name in _MONTH_NAMES) | {"sept"}
_MONTH = "(?<![A-Za-z])(?:" + "|".join(sorted(MONTH_WORDS, key=len, reverse=True)) + r")(?![A-Za-z])\.?"
_DASH = "[-\u2010-\u2015\u2212]"
_ORD = r"(?:\s?(?:st|nd|rd|th)\b)?"
_NUM_LEFT = r"(?<![\d.,/£$])"

# Order matters: at one position the first pattern that matches wins.
_DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", r"(?<![\d.])(?P<iso_y>(?:19|20)\d\d)-(?P<iso_m>\d\d?)-(?P<iso_d>\d\d?)(?!\d)"),
    ("dayrange", rf"{_NUM_LEFT}(?P<dr_d1>\d\d?){_ORD}\s*(?:{_DASH}|to)\s*(?P<dr_d2>\d\d?){_ORD}\s+(?:of\s+)?(?P<dr_m>{_MONTH})[,]?\s*(?P<dr_y>\d{{4}}|\d\d)(?!\d)"),
    ("dmydash", rf"{_NUM_LEFT}(?P<dd_d>\d\d?)-(?P<dd_m>{_MONTH})-(?P<dd_y>\d{{4}}|\d\d)(?![\d])"),
    ("numeric", rf"{_NUM_LEFT}(?P<n_d>\d\d?)(?P<n_s>[./-])(?P<n_m>\d\d?)(?P=n_s)(?P<n_y>\d{{4}}|\d{{2,3}})(?![\d])"),
    ("daymonth", rf"{_NUM_LEFT}(?P<w_d>\d\d?){_ORD}\s*(?:of\s+)?(?P<w_m>{_MONTH})(?:[,]?\s*(?P<w_y>\d{{4}}|\d{{2,3}})(?![\d]))?"),
    ("monthday", rf"(?P<u_m>{_MONTH})\s*(?P<u_d>\d\d?)(?:\s?(?:st|nd|rd|th)\b,?|,)\s*(?P<u_y>\d{{4}})(?!\d)"),
    ("monthalt", rf"(?P<ma_m1>{_MONTH})\s*(?:/|\bor\b)\s*(?P<ma_m2>{_MONTH})[,]?\s*(?P<ma_y>(?:19|20)\d\d|\d\d)(?![\d])"),
    ("monthdash", rf"(?P<md_m>{_MONTH})(?:-|\u2010|/|\s?['\u2019])(?P<md_y>(?:19|20)\d\d|\d\d)(?![\d]|[./]\d)"),
    ("monthyear", rf"(?P<my_m>{_MONTH})[,]?\s*(?:of\s+)?(?P<my_y>(?:19|20)\d\d)(?!\d)"),
    ("monthcut", rf"(?P<mc_m>{_MONTH})[,]?\s*(?P<mc_y>(?:19|20)\d)(?!\d)"),
    ("monthnum", rf"(?P<mn_m>{_MONTH})[,]?\s*(?P<mn_n>\d\d?)(?P<mn_o>\s?(?:st|nd|rd|th)\b)?(?![\d]|[./]\d)"),
    ("quarter", rf"\bQ(?P<q_n>[1-4])\s*(?:of\s+)?(?:FY\s*)?(?:(?P<q_y>(?:19|20)\d\d)|(?P<q_yy>\d\d)(?=\s*(?:/|{_DASH})\s*\d\d))(?:\s*(?:/|{_DASH})\s*(?P<q_y2>\d\d(?:\d\d)?))?(?!\d)"),
    ("fyshort", rf"\bFY\s*(?P<fy_y1>\d\d)\s*(?:/|{_DASH})\s*(?P<fy_y2>\d\d)(?!\d)"),
    ("yearpair", rf"(?<![\d./£$])(?:FY\s*)?(?P<yp_y1>(?:19|20)\d\d)\s*(?:/|{_DASH})\s*(?P<yp_y2>(?:19|20)\d\d|\d\d)(?![\d.]\d|\d)"),
    ("season", r"\b(?P<s_name>spring|summer|autumn|winter)(?:\s+term)?\s*(?P<s_y>(?:19|20)\d\d)(?!\d)"),
    ("monthonly", rf"(?P<mo_m>{_MONTH})"),
    ("year", r"(?<![\d./£$])(?P<y_y>(?:19|20)\d\d)(?![\d%]|\.\d)"),
)
_DATE_RE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _DATE_PATTERNS), re.I)


class DateSpan(NamedTuple):
    """One date expression found in a text.

    ``point`` is a single date; ``start``/``due`` are set for expressions that are a period in
    themselves (a financial year, a quarter, "March – June 2012" comes later from linking).
    ``yearless`` holds (month, day) of a date printed without a year ("March" in "March – June
    2012"), which linking may complete. ``issue`` says why a printed date gave nothing.
    """

    begin: int
    end: int
    point: PartialDate | None = None
    start: PartialDate | None = None
    due: PartialDate | None = None
    yearless: tuple[int, int | None] | None = None
    issue: DateNote | None = None


def _month(word: str) -> int:
    return MONTH_WORDS[word.lower().rstrip(".")]


def _year(text: str) -> int:
    """A printed year: two digits are 20xx (gold/GUIDE.md)."""
    return 2000 + int(text) if len(text) == 2 else int(text)


def _invalid(begin: int, end: int, text: str) -> DateSpan:
    return DateSpan(begin, end, issue=(INVALID_DATE, f"no such date: {text!r}"))


def _truncated(begin: int, end: int, text: str) -> DateSpan:
    return DateSpan(begin, end, issue=(TRUNCATED_DATE, f"date cut off: {text!r}"))


def _day_date(begin: int, end: int, text: str, year: str, month: int, day: str) -> DateSpan:
    if len(year) in (1, 3):
        return _truncated(begin, end, text)
    date = _checked(_year(year), month, int(day))
    return DateSpan(begin, end, point=date) if date else _invalid(begin, end, text)


@lru_cache(maxsize=1)
def _dateparser():
    """dateparser, set up for UK documents and unable to invent missing parts."""
    from dateparser.date import DateDataParser

    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["year"],
        "PARSERS": ["absolute-time"],
        "RELATIVE_BASE": dt.datetime(2000, 1, 1),
    }
    return DateDataParser(languages=["en"], settings=settings)


def dateparser_date(text: str) -> PartialDate | None:
    """dateparser's reading of one date expression, at the precision it saw printed.

    Only for a single expression with a year ("26th June 2012", "Tues 5 June 2012"); a period
    other than day, month or year (a quarter, a week) gives None.
    """
    try:
        data = _dateparser().get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input; treat as "no date"
        return None
    if data is None or data.date_obj is None:
        return None
    value = data.date_obj
    if data.period == "day":
        return _checked(value.year, value.month, value.day)
    if data.period == "month":
        return _checked(value.year, value.month)
    if data.period == "year":
        return _checked(value.year)
    return None


def _daymonth_span(begin: int, end: int, text: str, day: str, month_word: str, year: str | None) -> DateSpan:
    month = _month(month_word)
    if year is None:
        if not 1 <= int(day) <= 31:
            return _invalid(begin, end, text)
        return DateSpan(begin, end, yearless=(month, int(day)))
    if len(year) == 3:
        return _truncated(begin, end, text)
    own = _checked(_year(year), month, int(day))
    if own is None:
        return _invalid(begin, end, text)
    parsed = dateparser_date(text)
    return DateSpan(begin, end, point=parsed if parsed and parsed.precision == "day" else own)


def _month_number_span(begin: int, end: int, text: str, month_word: str, number: str, ordinal: bool, plan_year: int | None) -> DateSpan:
    """ "Sept 13": a year in a 2013 plan, a cut-off year in "December 20" of a 2014 plan."""
    month = _month(month_word)
    value = int(number)
    if ordinal or len(number) == 1:
        return DateSpan(begin, end, yearless=(month, value)) if 1 <= value <= 31 else _invalid(begin, end, text)
    year = 2000 + value
    if plan_year is None:
        span = DateSpan(begin, end, point=_checked(year, month))
        if value <= 31:
            span = span._replace(issue=(AMBIGUOUS_DATE, f"{text!r} read as {year}; no plan year known"))
        return span
    if plan_year - TWO_DIGIT_YEARS_BEFORE_PLAN <= year <= plan_year + TWO_DIGIT_YEARS_AFTER_PLAN or value > 31:
        return DateSpan(begin, end, point=_checked(year, month))
    if value in (19, 20):
        return _truncated(begin, end, text)
    return DateSpan(begin, end, yearless=(month, value), issue=(AMBIGUOUS_DATE, f"{text!r}: day or year?"))


def _year_pair_span(begin: int, end: int, text: str, first: str, second: str) -> DateSpan:
    """ "2012/13" is a financial year (April to March); "2016-18" is a range of years."""
    start_year = int(first)
    end_year = int(second) if len(second) == 4 else start_year // 100 * 100 + int(second)
    if end_year == start_year + 1:
        return DateSpan(begin, end, due=PartialDate(end_year, 3))
    return DateSpan(begin, end, start=PartialDate(start_year), due=_checked(end_year))


def _quarter_span(begin: int, end: int, quarter: str, year: str, second: str | None) -> DateSpan:
    """ "Q3 2012" is July-September 2012; "Q3 2012/13" is the financial quarter (October-December 2012)."""
    number, first_year = int(quarter), int(year)
    if second:
        first_month = 4 + 3 * (number - 1)
        year_of_quarter = first_year + (first_month - 1) // 12
        first_month = (first_month - 1) % 12 + 1
    else:
        first_month, year_of_quarter = 1 + 3 * (number - 1), first_year
    return DateSpan(begin, end, due=PartialDate(year_of_quarter, first_month + 2))


def _is_month_word(word: str) -> bool:
    """A lone month word counts as a date only when it is clearly one: "March", "Oct", "Sept".

    Lower-case "may"/"march" are verbs; a cut-off word ("Decem") alone is a truncated date.
    """
    bare = word.rstrip(".")
    if bare.lower() in {"may", "march", "mar"} and bare.islower():
        return False
    return True


def _match_to_span(match: re.Match, plan_year: int | None) -> DateSpan | None:
    kind = match.lastgroup  # the outer named group of the alternative closes last
    g = match.group
    begin, end, text = match.start(), match.end(), match.group(0)
    if kind == "iso":
        return _day_date(begin, end, text, g("iso_y"), int(g("iso_m")), g("iso_d"))
    if kind == "dayrange":
        # "18 – 20 Feb 2014": a range inside one expression.
        month, year = _month(g("dr_m")), _year(g("dr_y"))
        first, last = _checked(year, month, int(g("dr_d1"))), _checked(year, month, int(g("dr_d2")))
        if not first or not last:
            return _invalid(begin, end, text)
        return DateSpan(begin, end, start=first, due=last)
    if kind == "dmydash":
        return _day_date(begin, end, text, g("dd_y"), _month(g("dd_m")), g("dd_d"))
    if kind == "numeric":
        month = int(g("n_m"))
        return _day_date(begin, end, text, g("n_y"), month, g("n_d")) if 1 <= month <= 12 else _invalid(begin, end, text)
    if kind == "daymonth":
        return _daymonth_span(begin, end, text, g("w_d"), g("w_m"), g("w_y"))
    if kind == "monthday":
        return _daymonth_span(begin, end, text, g("u_d"), g("u_m"), g("u_y"))
    if kind == "monthalt":
        year = _year(g("ma_y"))
        first_month, second_month = _month(g("ma_m1")), _month(g("ma_m2"))
        return DateSpan(begin, end, point=PartialDate(year + (second_month < first_month), second_month))
    if kind == "monthdash":
        # "Sep-24", "Sep-2024", "Sept '24": the spreadsheet month-year form; the number is a year.
        return DateSpan(begin, end, point=_checked(_year(g("md_y")), _month(g("md_m"))))
    if kind == "monthyear":
        return DateSpan(begin, end, point=_checked(int(g("my_y")), _month(g("my_m"))))
    if kind == "monthcut":
        return _truncated(begin, end, text)
    if kind == "monthnum":
        return _month_number_span(begin, end, text, g("mn_m"), g("mn_n"), bool(g("mn_o")), plan_year)
    if kind == "quarter":
        return _quarter_span(begin, end, g("q_n"), g("q_y") or str(_year(g("q_yy"))), g("q_y2"))
    if kind == "fyshort":
        return _year_pair_span(begin, end, text, str(_year(g("fy_y1"))), g("fy_y2"))
    if kind == "yearpair":
        return _year_pair_span(begin, end, text, g("yp_y1"), g("yp_y2"))
    if kind == "season":
        return DateSpan(begin, end, point=_checked(int(g("s_y"))))
    if kind == "monthonly":
        word = g("mo_m")
        if not _is_month_word(word):
            return None
        if word.lower().rstrip(".") not in _ABBREVIATIONS and word.lower().rstrip(".") not in _MONTH_NAMES:
            return DateSpan(begin, end, yearless=(_month(word), None), issue=(TRUNCATED_DATE, f"month word cut off: {text!r}"))
        return DateSpan(begin, end, yearless=(_month(word), None))
    year = int(g("y_y"))
    if plan_year is not None and abs(year - plan_year) > BARE_YEAR_WINDOW:
        return None
    return DateSpan(begin, end, point=_checked(year))


def scan_dates(text: str, plan_year: int | None = None) -> list[DateSpan]:
    """The date expressions in ``text`` (already cleaned), left to right.

    >>> [s.point.iso() for s in scan_dates("Sept 13 Sept 13 – Jan 14", 2013)]
    ['2013-09', '2013-09', '2014-01']
    """
    spans = (_match_to_span(match, plan_year) for match in _DATE_RE.finditer(text))
    return [span for span in spans if span is not None]


# --- linking the dates of one timescale -----------------------------------------------------------
_CONNECTOR = re.compile(rf"^\s*(?:{_DASH}+|to|until|till|through|thru)\s*$", re.I)
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
    return _checked(year, month, day)


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
    return _checked(year, month, day)


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
                issues.append((INFERRED_YEAR, f"no year printed: {printed!r} read as {inferred.iso()} from the plan date {anchor.iso()}"))
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
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24}
_NUMBER = r"(?P<n>\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_EVENT_RELATIVE = re.compile(rf"\b{_NUMBER}\s+(?:working\s+|calendar\s+)?{_UNIT}\s+(?:after|before|prior\s+to|following|of)\b", re.I)
_WITHIN = re.compile(rf"\bwithin\s+(?:the\s+next\s+)?{_NUMBER}\s+{_UNIT}\b", re.I)
_BARE_PERIOD = re.compile(rf"^\W*{_NUMBER}\s*{_UNIT}\W*$", re.I)
_IMMEDIATE = re.compile(r"\b(?:immediate(?:ly)?|with\s+immediate\s+effect|asap|as\s+soon\s+as\s+possible|urgent(?:ly)?)\b", re.I)
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
        return _offset(anchor, count, unit), (RELATIVE_DATE, f"{within.group(0).strip()!r} from plan date {context.plan_date}")
    immediate = _IMMEDIATE.search(text)
    if immediate:
        return anchor, (RELATIVE_DATE, f"{immediate.group(0)!r} from plan date {context.plan_date}")
    return None, None


def _offset(anchor: PartialDate | None, count: int, unit: str) -> PartialDate | None:
    """anchor + count units, at the anchor's precision; None when the units are finer than it."""
    if anchor is None:
        return None
    if unit == "year":
        return _checked(anchor.year + count, anchor.month, anchor.day)
    if unit == "month":
        return _add_months(anchor, count) if anchor.month else None
    if anchor.day is None:
        return None
    days = count * (7 if unit == "week" else 1)
    moved = anchor.first_day() + dt.timedelta(days=days)
    return _checked(moved.year, moved.month, moved.day)


# --- the timescale parser --------------------------------------------------------------------------------
_MARKER = r"(?:\(\d{1,2}\)|\(?[ivx]{1,5}\)\.?|\(?[a-h]\))"
_LEADING_MARKER = re.compile(rf"^\s*{_MARKER}\s*|^\s*\d{{1,2}}[.)]\s+(?=\D)", re.I)
_HEADER = re.compile(
    r"^\s*(?:date\s+for\s+completion|timescales?(?:\s+(?:for\s+)?completion)?|targets?\s+and\s+timelines|target\s+date"
    r"|due\s+date|completion\s+date|date\s+of\s+next\s+review|next\s+review(?:\s+date)?)\b\s*:?\s*",
    re.I,
)


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


def _strip_header(text: str) -> str:
    """The text without a leaked column header ("Date for completion April 2012" -> "April 2012")."""
    return _HEADER.sub("", text, count=1).strip()


def clean_timescale(text: str) -> str:
    """The cell text without HTML, a leading item marker ("(1)", "ii)") or a leaked header."""
    return _strip_header(_LEADING_MARKER.sub("", plain_text(text), count=1))


def _fallback_date(text: str) -> PartialDate | None:
    """dateparser on a short date-like text our grammar did not read ("2012.06.30")."""
    if len(text) > 40 or not re.search(r"\d", text):
        return None
    return dateparser_date(text)


_REVISION_VERBS = r"(?:revised|moved|changed|extended|deferred|amended|re-?scheduled|postponed|slipped|put\s+back|brought\s+forward)"
# "(revised from Oct 2024)", "originally 31/12/2024", "original date: March": the first deadline.
_ORIGINAL_CLAUSE = re.compile(
    rf"\(?\s*(?:{_REVISION_VERBS}\s+from|originally(?:\s+due)?|original\s+(?:date|deadline|target(?:\s+date)?)\s*:?)"
    r"\s*:?\s*(?P<original>[^();]+?)\s*(?:\)|$|(?=;))",
    re.I,
)
_WAS_CLAUSE = re.compile(r"\(\s*(?:was|previously)\s*:?\s*(?P<original>[^()]+?)\s*\)", re.I)
# "Dec 2024 - extended to Feb 2025", "Revised to 31/03/2025": the new deadline follows.
_REVISED_TO = re.compile(rf"[\s,;:\-\u2013\u2014]*\(?\b{_REVISION_VERBS}\s+to\b\s*:?", re.I)


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
    original = spans_to_dates(original_text, scan_dates(original_text, context.year), yearless_anchor) if original_text else None
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
    return [
        span.point
        for span in scan_dates(text, None)
        if span.point and span.point.month and not span.issue
    ]


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
    pattern = re.compile(rf"{_MONTH}[,]?\s*(\d\d)(?![\d./])", re.I)
    counts = Counter(2000 + int(m.group(1)) for text in texts for m in pattern.finditer(text) if int(m.group(1)) > 0)
    return min(counts, key=lambda year: (-counts[year], year)) if counts else None


# --- splitting a cell that runs several entries together --------------------------------------------------
_JOINED = re.compile(
    rf"^\s*(?:{_DASH}+|to|until|till|through|thru|for"
    rf"|[\s,;:(\-\u2013\u2014]*{_REVISION_VERBS}\s+(?:from|to)\s*:?"
    r"|\(\s*(?:was|previously|originally(?:\s+due)?|original\s+(?:date|deadline|target)\s*:?))\s*$",
    re.I,
)
"""What joins two dates into one entry: a range connector, "for" ("March 2012 for June 2012"), or
a revision ("January 2025 (revised from Oct 2024)", "Dec 2024 - extended to Feb 2025")."""
_MARKER_SPLIT = re.compile(rf"(?:(?<=\s)|^){_MARKER}(?=\s|\w)", re.I)
_ENTRY_SUFFIX = re.compile(
    rf"^\s*(?:(?:and\s+(?:is\s+)?(?:{ONGOING_WORD}|henceforth|onwards|beyond|continuing|review(?:ed)?)"
    rf"|and\s+(?:\w+\s+){{0,2}}thereafter|(?:\w+\s+){{0,2}}thereafter|\((?:review|{ONGOING_WORD}|tbc)\)|onwards|on\s+wards"
    r"|rolling\s+programme|review(?=\s*(?:$|[.;,])))\s*)+[.;,]?",
    re.I,
)
_ENTRY_PREFIX = re.compile(
    r"(?:\b(?:from|by|before|during|until|till|introduced|implemented|completed|to\s+be\s+completed|to\s+complete"
    r"|recruitment\s+completed|end\s+of|starting|commencing|in|within|no\s+later\s+than)\s*:?\s*)+$",
    re.I,
)
_STANDALONE = re.compile(
    rf"\b(?:{ONGOING_WORD}|henceforth|immediate(?:ly)?|as\s+(?:detailed\s+|stated\s+)?(?:in\s+[\d.]+(?:\s+and\s+[\d.]+)?\s+)?above"
    r"|see\s+above|review\s+(?:annually|monthly|quarterly|regularly)|(?:monthly|quarterly|annual)\s+review|tbc|to\s+be\s+agreed)\b\.?",
    re.I,
)


def _split_by_markers(text: str) -> list[str]:
    cuts = [m.start() for m in _MARKER_SPLIT.finditer(text)]
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


class _Entries:
    """Entries of one cell, as exact stretches of its text; the open entry grows until flushed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[str] = []
        self.begin: int | None = None
        self.end = 0
        self.has_date = False

    def extend(self, begin: int, end: int) -> None:
        if not self.text[begin:end].strip():
            return
        if self.begin is None:
            self.begin = begin
        self.end = end

    def flush(self) -> None:
        if self.begin is not None:
            self.found.append(self.text[self.begin : self.end].strip())
        self.begin, self.has_date = None, False

    def add_words(self, begin: int, end: int) -> None:
        """Free words: standalone entries ("On-going", "As above") or the open entry's tail."""
        for match in _STANDALONE.finditer(self.text, begin, end):
            self._add_loose(begin, match.start())
            self.flush()
            self.extend(match.start(), match.end())
            self.flush()
            begin = match.end()
        self._add_loose(begin, end)

    def _add_loose(self, begin: int, end: int) -> None:
        if self.text[begin:end].strip(" .;,:"):
            self.extend(begin, end)


def _closing_length(gap: str) -> int:
    """Length of the suffix ("and on-going", "onwards", ".") that closes the entry before ``gap``."""
    suffix = _ENTRY_SUFFIX.match(gap)
    if suffix and suffix.group(0).strip():
        return suffix.end()
    stripped = gap.lstrip()
    if stripped.startswith((".", ";")):
        return len(gap) - len(stripped) + 1
    return 0


def _split_unmarked(text: str) -> list[str]:
    entries = _Entries(text)
    position = 0
    previous: DateSpan | None = None
    for span in [*scan_dates(text, None), None]:
        gap_end = span.begin if span else len(text)
        if previous is not None and span is not None and _JOINED.match(text[position:gap_end]):
            entries.extend(position, span.end)
            previous, position = span, span.end
            continue
        if previous is not None:
            closing = _closing_length(text[position:gap_end])
            if closing:
                entries.extend(position, position + closing)
                entries.flush()
                position += closing
        prefix = _ENTRY_PREFIX.search(text, position, gap_end) if span is not None else None
        middle_end = prefix.start() if prefix else gap_end
        entries.add_words(position, middle_end)
        if span is None:
            break
        if entries.has_date:
            entries.flush()
        entries.extend(middle_end, span.end)
        entries.has_date = True
        previous, position = span, span.end
    entries.flush()
    return entries.found


def split_timescale_entries(text: str) -> list[str]:
    """Split a cell that runs several timescale entries together, one per action.

    Item markers ("(1)", "ii)") start an entry and stay on it, so extract can align by them;
    text before the first marker ("Completed;") is an entry of its own. Without markers a new
    entry starts at each date that is not joined to the previous one by a range connector, at
    each prefix ("From", "By", "Introduced") after a dated entry, and at each date-less entry
    ("On-going", "Henceforth", "As above"); an entry ends at a suffix ("and on-going",
    "and quarterly thereafter", "onwards") or a full stop after its date. Use it when a cell
    has to be aligned with several items; a single entry comes back whole (words and all).

    >>> split_timescale_entries("Sept 13 Sept 13 Sept 13 – Jan 14. Sept 13")
    ['Sept 13', 'Sept 13', 'Sept 13 – Jan 14.', 'Sept 13']
    >>> split_timescale_entries("Henceforth From March 2012 March 2012")
    ['Henceforth', 'From March 2012', 'March 2012']
    """
    cleaned = _strip_header(plain_text(text))
    return [entry for chunk in _split_by_markers(cleaned) for entry in _split_unmarked(chunk)]
