"""Word grammars that extract and normalise share (imports flow forward, so they live here).

Each is a regular-expression fragment, built into patterns where it is needed, so a word has
one spelling rule across the code.
"""

from __future__ import annotations

ONGOING_WORD = r"on[\s\-\u2010-\u2015]{0,3}going"
"""The one grammar of "on-going" (ongoing, on-going, on going, On- going, on\u2011going); every
pattern that needs the word (extract's date-like cells, normalise's statuses and timescales)
is built from it."""
