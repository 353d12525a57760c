"""Cleaning of free text for the dataset (schema conventions).

HTML has already been parsed by ingest; what is left is whitespace, stray entities, and
words hyphen-split at a line break ("on- going", "In- Care"), which are re-joined.
"""

from __future__ import annotations

import html
import re

_SPACE = re.compile(r"\s+")
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[A-Za-z])- (?=[a-z])|(?<=[A-Za-z]{2})- (?=[A-Z][a-z])")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.)](?:\s|$))")


def clean_text(text: str | None) -> str:
    """Collapse whitespace, decode leftover entities, re-join hyphen-split words.

    >>> clean_text("May 2012 and on- going  &amp; review")
    'May 2012 and on-going & review'
    """
    if not text:
        return ""
    text = html.unescape(text).replace("\u00a0", " ")
    text = _SPACE.sub(" ", text).strip()
    text = _LINE_BREAK_HYPHEN.sub("-", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()
