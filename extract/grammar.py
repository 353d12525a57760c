"""Word grammars that extract and normalise share (imports flow forward, so they live here).

Each is a regular-expression fragment, built into patterns where it is needed, so a word has
one spelling rule across the code.
"""

from __future__ import annotations

import html
import re

ONGOING_WORD = r"on[\s\-\u2010-\u2015]{0,3}going"
"""The one grammar of "on-going" (ongoing, on-going, on going, On- going, on\u2011going); every
pattern that needs the word (extract's date-like cells, normalise's statuses and timescales)
is built from it."""


_TAG = re.compile(r"<[^<>]{0,300}>")
_SPACE = re.compile(r"\s+")


def plain_text(text: str) -> str:
    """HTML tags removed, entities decoded, whitespace collapsed: the text the cues are read on.

    Unlike :func:`normalise.text.clean_text` this also strips tags, because the cue readers
    (statuses, timescale entries) are also called on raw cells of text exports, which carry HTML.
    """
    text = html.unescape(_TAG.sub(" ", text or ""))
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()
