"""The date grammar: where dates are printed in a text, and what each one says.

:func:`scan_dates` finds the date expressions of a text with a grammar of our own (UK
day-first numbers, month names and cut-off month words, "Sept 13", financial years, quarters,
seasons, bare years); dateparser reads the single day-month-year expressions it is good at
("26th June 2012") and never sees a string where it could fill in today's date or a default
day. It lives in extract because extract needs it to find where one dated entry of a timescale
cell ends and the next begins (:mod:`extract.entries`); normalise reads the dates themselves
(:mod:`normalise.timescale`) with the same grammar.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache
from typing import Final, NamedTuple

from ingest.issues import IssueCode

# --- issues the grammar reports -------------------------------------------------------------------
INVALID_DATE: Final = "invalid-date"
TRUNCATED_DATE: Final = "truncated-date"
AMBIGUOUS_DATE: Final = "ambiguous-date"

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
        return checked_date(int(year), int(month) if month else None, int(day) if day else None)


def checked_date(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    """The partial date if it exists on the calendar, else None."""
    if not YEAR_MIN <= year <= YEAR_MAX or (month is not None and not 1 <= month <= 12):
        return None
    if day is not None:
        if month is None or not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
    return PartialDate(year, month, day)


# --- the date grammar ------------------------------------------------------------------------------
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
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
MONTH_PATTERN = "(?<![A-Za-z])(?:" + "|".join(sorted(MONTH_WORDS, key=len, reverse=True)) + r")(?![A-Za-z])\.?"
DASH = "[-\u2010-\u2015\u2212]"
_ORD = r"(?:\s?(?:st|nd|rd|th)\b)?"
_NUM_LEFT = r"(?<![\d.,/£$])"

# Order matters: at one position the first pattern that matches wins.
_DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", r"(?<![\d.])(?P<iso_y>(?:19|20)\d\d)-(?P<iso_m>\d\d?)-(?P<iso_d>\d\d?)(?!\d)"),
    (
        "dayrange",
        rf"{_NUM_LEFT}(?P<dr_d1>\d\d?){_ORD}\s*(?:{DASH}|to)\s*(?P<dr_d2>\d\d?){_ORD}\s+(?:of\s+)?(?P<dr_m>{MONTH_PATTERN})[,]?\s*(?P<dr_y>\d{{4}}|\d\d)(?!\d)",
    ),
    ("dmydash", rf"{_NUM_LEFT}(?P<dd_d>\d\d?)-(?P<dd_m>{MONTH_PATTERN})-(?P<dd_y>\d{{4}}|\d\d)(?![\d])"),
    ("numeric", rf"{_NUM_LEFT}(?P<n_d>\d\d?)(?P<n_s>[./-])(?P<n_m>\d\d?)(?P=n_s)(?P<n_y>\d{{4}}|\d{{2,3}})(?![\d])"),
    (
        "daymonth",
        rf"{_NUM_LEFT}(?P<w_d>\d\d?){_ORD}\s*(?:of\s+)?(?P<w_m>{MONTH_PATTERN})(?:[,]?\s*(?P<w_y>\d{{4}}|\d{{2,3}})(?![\d]))?",
    ),
    ("monthday", rf"(?P<u_m>{MONTH_PATTERN})\s*(?P<u_d>\d\d?)(?:\s?(?:st|nd|rd|th)\b,?|,)\s*(?P<u_y>\d{{4}})(?!\d)"),
    (
        "monthalt",
        rf"(?P<ma_m1>{MONTH_PATTERN})\s*(?:/|\bor\b)\s*(?P<ma_m2>{MONTH_PATTERN})[,]?\s*(?P<ma_y>(?:19|20)\d\d|\d\d)(?![\d])",
    ),
    ("monthdash", rf"(?P<md_m>{MONTH_PATTERN})(?:-|\u2010|/|\s?['\u2019])(?P<md_y>(?:19|20)\d\d|\d\d)(?![\d]|[./]\d)"),
    ("monthyear", rf"(?P<my_m>{MONTH_PATTERN})[,]?\s*(?:of\s+)?(?P<my_y>(?:19|20)\d\d)(?!\d)"),
    ("monthcut", rf"(?P<mc_m>{MONTH_PATTERN})[,]?\s*(?P<mc_y>(?:19|20)\d)(?!\d)"),
    ("monthnum", rf"(?P<mn_m>{MONTH_PATTERN})[,]?\s*(?P<mn_n>\d\d?)(?P<mn_o>\s?(?:st|nd|rd|th)\b)?(?![\d]|[./]\d)"),
    (
        "quarter",
        rf"\bQ(?P<q_n>[1-4])\s*(?:of\s+)?(?:FY\s*)?(?:(?P<q_y>(?:19|20)\d\d)|(?P<q_yy>\d\d)(?=\s*(?:/|{DASH})\s*\d\d))(?:\s*(?:/|{DASH})\s*(?P<q_y2>\d\d(?:\d\d)?))?(?!\d)",
    ),
    ("fyshort", rf"\bFY\s*(?P<fy_y1>\d\d)\s*(?:/|{DASH})\s*(?P<fy_y2>\d\d)(?!\d)"),
    (
        "yearpair",
        rf"(?<![\d./£$])(?:FY\s*)?(?P<yp_y1>(?:19|20)\d\d)\s*(?:/|{DASH})\s*(?P<yp_y2>(?:19|20)\d\d|\d\d)(?![\d.]\d|\d)",
    ),
    ("season", r"\b(?P<s_name>spring|summer|autumn|winter)(?:\s+term)?\s*(?P<s_y>(?:19|20)\d\d)(?!\d)"),
    ("monthonly", rf"(?P<mo_m>{MONTH_PATTERN})"),
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
    date = checked_date(_year(year), month, int(day))
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
        return checked_date(value.year, value.month, value.day)
    if data.period == "month":
        return checked_date(value.year, value.month)
    if data.period == "year":
        return checked_date(value.year)
    return None


def _daymonth_span(begin: int, end: int, text: str, day: str, month_word: str, year: str | None) -> DateSpan:
    month = _month(month_word)
    if year is None:
        if not 1 <= int(day) <= 31:
            return _invalid(begin, end, text)
        return DateSpan(begin, end, yearless=(month, int(day)))
    if len(year) == 3:
        return _truncated(begin, end, text)
    own = checked_date(_year(year), month, int(day))
    if own is None:
        return _invalid(begin, end, text)
    parsed = dateparser_date(text)
    return DateSpan(begin, end, point=parsed if parsed and parsed.precision == "day" else own)


def _month_number_span(
    begin: int, end: int, text: str, month_word: str, number: str, ordinal: bool, plan_year: int | None
) -> DateSpan:
    """ "Sept 13": a year in a 2013 plan, a cut-off year in "December 20" of a 2014 plan."""
    month = _month(month_word)
    value = int(number)
    if ordinal or len(number) == 1:
        return DateSpan(begin, end, yearless=(month, value)) if 1 <= value <= 31 else _invalid(begin, end, text)
    year = 2000 + value
    if plan_year is None:
        span = DateSpan(begin, end, point=checked_date(year, month))
        if value <= 31:
            span = span._replace(issue=(AMBIGUOUS_DATE, f"{text!r} read as {year}; no plan year known"))
        return span
    if plan_year - TWO_DIGIT_YEARS_BEFORE_PLAN <= year <= plan_year + TWO_DIGIT_YEARS_AFTER_PLAN or value > 31:
        return DateSpan(begin, end, point=checked_date(year, month))
    if value in (19, 20):
        return _truncated(begin, end, text)
    return DateSpan(begin, end, yearless=(month, value), issue=(AMBIGUOUS_DATE, f"{text!r}: day or year?"))


def _year_pair_span(begin: int, end: int, text: str, first: str, second: str) -> DateSpan:
    """ "2012/13" is a financial year (April to March); "2016-18" is a range of years."""
    start_year = int(first)
    end_year = int(second) if len(second) == 4 else start_year // 100 * 100 + int(second)
    if end_year == start_year + 1:
        return DateSpan(begin, end, due=PartialDate(end_year, 3))
    return DateSpan(begin, end, start=PartialDate(start_year), due=checked_date(end_year))


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
        first, last = checked_date(year, month, int(g("dr_d1"))), checked_date(year, month, int(g("dr_d2")))
        if not first or not last:
            return _invalid(begin, end, text)
        return DateSpan(begin, end, start=first, due=last)
    if kind == "dmydash":
        return _day_date(begin, end, text, g("dd_y"), _month(g("dd_m")), g("dd_d"))
    if kind == "numeric":
        month = int(g("n_m"))
        return (
            _day_date(begin, end, text, g("n_y"), month, g("n_d")) if 1 <= month <= 12 else _invalid(begin, end, text)
        )
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
        return DateSpan(begin, end, point=checked_date(_year(g("md_y")), _month(g("md_m"))))
    if kind == "monthyear":
        return DateSpan(begin, end, point=checked_date(int(g("my_y")), _month(g("my_m"))))
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
        return DateSpan(begin, end, point=checked_date(int(g("s_y"))))
    if kind == "monthonly":
        word = g("mo_m")
        if not _is_month_word(word):
            return None
        if word.lower().rstrip(".") not in _ABBREVIATIONS and word.lower().rstrip(".") not in _MONTH_NAMES:
            return DateSpan(
                begin, end, yearless=(_month(word), None), issue=(TRUNCATED_DATE, f"month word cut off: {text!r}")
            )
        return DateSpan(begin, end, yearless=(_month(word), None))
    year = int(g("y_y"))
    if plan_year is not None and abs(year - plan_year) > BARE_YEAR_WINDOW:
        return None
    return DateSpan(begin, end, point=checked_date(year))


def scan_dates(text: str, plan_year: int | None = None) -> list[DateSpan]:
    """The date expressions in ``text`` (already cleaned), left to right.

    >>> [s.point.iso() for s in scan_dates("Sept 13 Sept 13 – Jan 14", 2013)]
    ['2013-09', '2013-09', '2014-01']
    """
    spans = (_match_to_span(match, plan_year) for match in _DATE_RE.finditer(text))
    return [span for span in spans if span is not None]
