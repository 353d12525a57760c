"""Where one entry of a timescale cell ends and the next begins.

A timescale cell may run several entries together ("April 2012 April 2012 May 2012 From June
2012"), one per action item; :func:`split_timescale_entries` cuts it so extract can align the
entries with the items. It needs to know where dates are printed, not what they say, and reads
them with the one date grammar (:func:`extract.dates.scan_dates`).
"""

from __future__ import annotations

import re

from extract.dates import DASH, DateSpan, scan_dates
from extract.grammar import ONGOING_WORD, plain_text

MARKER = r"(?:\(\d{1,2}\)|\(?[ivx]{1,5}\)\.?|\(?[a-h]\))"
"""An item marker: "(1)", "ii)", "(iv).", "b)"."""
HEADER = re.compile(
    r"^\s*(?:date\s+for\s+completion|timescales?(?:\s+(?:for\s+)?completion)?|targets?\s+and\s+timelines|target\s+date"
    r"|due\s+date|completion\s+date|date\s+of\s+next\s+review|next\s+review(?:\s+date)?)\b\s*:?\s*",
    re.I,
)
"""A column header leaked into a timescale cell ("Date for completion April 2012")."""
REVISION_VERBS = (
    r"(?:revised|moved|changed|extended|deferred|amended|re-?scheduled|postponed|slipped|put\s+back|brought\s+forward)"
)
"""Verbs that revise a deadline ("revised from", "extended to"): a revision joins two dates into one entry."""


def strip_header(text: str) -> str:
    """The text without a leaked column header ("Date for completion April 2012" -> "April 2012")."""
    return HEADER.sub("", text, count=1).strip()


# --- splitting a cell that runs several entries together --------------------------------------------------
_JOINED = re.compile(
    rf"^\s*(?:{DASH}+|to|until|till|through|thru|for"
    rf"|[\s,;:(\-\u2013\u2014]*{REVISION_VERBS}\s+(?:from|to)\s*:?"
    r"|\(\s*(?:was|previously|originally(?:\s+due)?|original\s+(?:date|deadline|target)\s*:?))\s*$",
    re.I,
)
"""What joins two dates into one entry: a range connector, "for" ("March 2012 for June 2012"), or
a revision ("January 2025 (revised from Oct 2024)", "Dec 2024 - extended to Feb 2025")."""
_MARKER_SPLIT = re.compile(rf"(?:(?<=\s)|^){MARKER}(?=\s|\w)", re.I)
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
    cleaned = strip_header(plain_text(text))
    return [entry for chunk in _split_by_markers(cleaned) for entry in _split_unmarked(chunk)]
