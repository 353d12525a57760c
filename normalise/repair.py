"""Restore words whose first letters were cut off ("nit" -> "Unit", "rotection" -> "Protection").

PDF-to-text conversion sometimes clips the left edge of a cell: "Child Protection Unit:
Initial Child Protection Case Conferences" comes out as "nild Protection nit : Initial Child
rotection Case onferences". The lost prefix is one to three letters, and a partly clipped
glyph can survive as another letter ("h" -> "n" in "nild").

A token is restored only when the completion is confident:

* the token starts with a lowercase letter (a clipped word has lost its first letter, so a
  capital cannot survive), is plain letters, and is not a known word: English words with a
  Zipf frequency of at least :data:`KNOWN_ZIPF` stay, except single letters other than "a"/"I";
* candidates are words of the plan's own vocabulary that end with the token (case-insensitive)
  after a 1-3 letter prefix; failing those, the same with the token's first letter read as a
  clipped glyph; failing those, common English words (wordfreq) for tokens of 4+ letters;
* the best candidate must clearly beat the runner-up and be used in the plan at least
  :data:`ATTESTED_RATIO` times as often as the token itself (a word the plan really uses,
  like "nit" in a head-lice plan, stays);
* a token that is a rare word or a single letter ("nit", "gainst", "e") is restored only in a
  text that also holds a clearly clipped token ("nild", "ofessionals").

Capitalisation follows the text: in a heading ("Social Work: ..."), a restored content word
gets a capital; in running text it follows its neighbours. Every change is reported as a
:class:`Repair` (token text before and after, and its offset in the original text), so the
caller can raise a ``repaired-word`` issue and keep the original.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from wordfreq import top_n_list, zipf_frequency

__all__ = ["Repair", "Vocabulary", "repair_text", "looks_clipped", "is_known_word", "KNOWN_ZIPF"]

KNOWN_ZIPF = 3.5
"""English words at least this frequent (wordfreq's Zipf scale) are never repaired."""
MAX_PREFIX = 3
"""At most this many letters are restored."""
ATTESTED_RATIO = 2
"""The completion must occur in the plan this many times as often as the token itself."""
DOMINANCE_RATIO = 2
"""The best completion must occur this many times as often as the runner-up."""
ENGLISH_MARGIN = 1.0
"""Without plan evidence, the best English completion must be this much more frequent (Zipf)."""
WEAK_ZIPF = 2.0
"""A token at least this frequent (or a single letter) is restored only beside a clearly clipped one."""
ENGLISH_MIN_ZIPF = 3.0
ENGLISH_MAX_TOKEN_ZIPF = 2.0
"""Without plan evidence, only tokens rarer than this (not words at all) are completed."""
ENGLISH_MIN_LENGTH = 4
ENGLISH_WORDS = 60_000

# The right-hand part of a clipped glyph can read as another letter: what it may have been.
CLIPPED_GLYPHS: Mapping[str, str] = {"n": "hm", "v": "w", "o": "bdpq", "l": "bdhk"}

_FUNCTION_WORDS = frozenset("a an and as at but by for from in into of on or the to with within without".split())
_ORDINALS = frozenset({"st", "nd", "rd", "th"})
_WORD = re.compile(r"[A-Za-z]+")
_OPENERS = set("([{\"'‘“—–")
_CLOSERS = set(")]},;:!?\"'’”")


@dataclass(frozen=True)
class Repair:
    """One restored token: its text before and after, and its offset in the original text."""

    before: str
    after: str
    start: int


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Word counts of one plan (case kept), for completing clipped words.

    ``counts`` maps lowercase words to how often the plan uses them; ``forms`` maps them to
    the printed forms and their counts ("unit" -> {"Unit": 3, "unit": 2}).
    """

    counts: Mapping[str, int]
    forms: Mapping[str, Mapping[str, int]]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        forms: dict[str, Counter] = {}
        for text in texts:
            for word in _WORD.findall(_strip_tags(text or "")):
                forms.setdefault(word.lower(), Counter())[word] += 1
        counts = {word: sum(c.values()) for word, c in forms.items()}
        return cls(counts, {word: dict(c) for word, c in forms.items()})

    def count(self, word: str) -> int:
        return self.counts.get(word.lower(), 0)

    @property
    def suffixes(self) -> Mapping[str, tuple[str, ...]]:
        """Token -> plan words that end with it after a 1-3 letter prefix."""
        return _suffix_index(self)


@lru_cache(maxsize=16)
def _suffix_index(vocabulary: Vocabulary) -> dict[str, tuple[str, ...]]:
    return _index_words(vocabulary.counts)


def _index_words(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for word in words:
        for cut in range(1, MAX_PREFIX + 1):
            if len(word) - cut >= 1:
                index.setdefault(word[cut:], []).append(word)
    return {suffix: tuple(words) for suffix, words in index.items()}


@lru_cache(maxsize=1)
def _english_suffixes() -> dict[str, tuple[str, ...]]:
    words = [w for w in top_n_list("en", ENGLISH_WORDS) if w.isalpha() and w.isascii()]
    return _index_words(words)


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>|&[a-z]+;|&#\d+;", " ", text)


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "en")


def is_known_word(token: str) -> bool:
    """A correctly spelled English word that must never be "repaired".

    >>> [is_known_word(t) for t in ("role", "a", "nd", "e", "ocial", "gainst", "nit")]
    [True, True, True, False, False, False, False]
    """
    if len(token) == 1:
        return token.lower() in {"a", "i"}
    return _zipf(token) >= KNOWN_ZIPF


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _standalone(text: str, token: _Token) -> bool:
    """A whole word, not part of "e.g.", "S47", "on-going", "L&D" or an ordinal "12 th"."""
    before = text[token.start - 1] if token.start else " "
    after = text[token.end] if token.end < len(text) else " "
    if not (before.isspace() or before in _OPENERS):
        return False
    if before in "'’" and token.start > 1 and text[token.start - 2].isalnum():
        return False  # "child's", "don't": the letters after an apostrophe are no word
    if after == "." and token.end + 1 < len(text) and text[token.end + 1].isalpha():
        return False
    if not (after.isspace() or after in _CLOSERS or after == "."):
        return False
    if token.text.lower() in _ORDINALS and re.search(r"\d\s*$", text[: token.start]):
        return False
    return True


def _completion(token: str, vocabulary: Vocabulary) -> str | None:
    """The confident lowercase completion of a clipped token, or None."""
    if not token[0].islower() or is_known_word(token):
        return None
    key = token.lower()
    for candidates in (_plan_candidates(key, vocabulary), _glyph_candidates(key, vocabulary)):
        if candidates:
            return _confident_in_plan(key, candidates, vocabulary)
    if len(key) >= ENGLISH_MIN_LENGTH and _zipf(key) < ENGLISH_MAX_TOKEN_ZIPF:
        return _confident_in_english(key)
    return None


def _plan_candidates(key: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    return tuple(w for w in vocabulary.suffixes.get(key, ()) if w != key)


def _glyph_candidates(key: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    found: list[str] = []
    for original in CLIPPED_GLYPHS.get(key[0], ""):
        found.extend(_plan_candidates(original + key[1:], vocabulary))
    return tuple(found)


def _confident_in_plan(key: str, candidates: Sequence[str], vocabulary: Vocabulary) -> str | None:
    ranked = sorted(set(candidates), key=lambda w: (-vocabulary.count(w), -_zipf(w), w))
    best = ranked[0]
    best_count = vocabulary.count(best)
    runner_up = vocabulary.count(ranked[1]) if len(ranked) > 1 else 0
    if best_count < ATTESTED_RATIO * max(vocabulary.count(key), 1):
        return None  # the plan uses the token as a word in its own right
    if runner_up and best_count < DOMINANCE_RATIO * runner_up:
        return None
    return best


def _confident_in_english(key: str) -> str | None:
    candidates = [w for w in _english_suffixes().get(key, ()) if w != key]
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda w: -_zipf(w))
    best = ranked[0]
    runner_up = _zipf(ranked[1]) if len(ranked) > 1 else 0.0
    if _zipf(best) < ENGLISH_MIN_ZIPF or _zipf(best) - runner_up < ENGLISH_MARGIN:
        return None
    return best


def _weak(token: str) -> bool:
    return len(token) == 1 or _zipf(token) >= WEAK_ZIPF


# --------------------------------------------------------------------------- capitalisation


def _is_title(word: str) -> bool:
    return word[:1].isupper()


def _heading_like(text: str, clipped: set[int], tokens: Sequence[_Token]) -> bool:
    """Short, no sentence break inside, and mostly Title Case among the words left intact."""
    if len(tokens) > 15 or re.search(r"[.!?]\s+\S", text.strip()):
        return False
    intact = [
        t.text
        for i, t in enumerate(tokens)
        if i not in clipped and t.text.lower() not in _FUNCTION_WORDS and len(t.text) > 1
    ]
    return not intact or sum(map(_is_title, intact)) * 2 >= len(intact)


def _starts_clause(text: str, token: _Token) -> bool:
    return re.search(r"(?:^|[.:!?]|^\W+)\s*$", text[: token.start]) is not None


def _cased(
    completion: str, text: str, index: int, tokens: Sequence[_Token], heading: bool, vocabulary: Vocabulary
) -> str:
    token = tokens[index]
    title = completion[:1].upper() + completion[1:]
    if _starts_clause(text, token):
        return title
    if completion in _FUNCTION_WORDS:
        return completion
    if heading:
        return title
    before = tokens[index - 1].text if index else ""
    after = tokens[index + 1].text if index + 1 < len(tokens) else ""
    if _is_title(before) and (not after or _is_title(after)):
        return title
    forms = vocabulary.forms.get(completion, {})
    if forms and not any(f[:1].islower() for f in forms):
        return title  # the plan only ever prints it with a capital (a name)
    return completion


# --------------------------------------------------------------------------- API


def repair_text(text: str, vocabulary: Vocabulary) -> tuple[str, tuple[Repair, ...]]:
    """Restore clipped words in ``text``; return the new text and every repair made.

    When a repair was made, a space left before ":", ";" or "," by the clipping is removed too.

    >>> vocabulary = Vocabulary.from_texts(["Child Protection Unit", "child protection conferences"] * 2)
    >>> repair_text("nild Protection nit : Initial Child rotection Case onferences", vocabulary)[0]
    'Child Protection Unit: Initial Child Protection Case Conferences'
    """
    tokens = _tokens(text)
    completions = {}
    for i, token in enumerate(tokens):
        if _standalone(text, token):
            completion = _completion(token.text, vocabulary)
            if completion:
                completions[i] = completion
    if not any(not _weak(tokens[i].text) for i in completions):
        return text, ()  # "nit" or "e" alone may be meant; beside "nild" they are clipped too
    heading = _heading_like(text, set(completions), tokens)
    pieces, repairs, cursor = [], [], 0
    for i, completion in sorted(completions.items()):
        token = tokens[i]
        after = _cased(completion, text, i, tokens, heading, vocabulary)
        pieces.append(text[cursor : token.start])
        pieces.append(after)
        repairs.append(Repair(token.text, after, token.start))
        cursor = token.end
    pieces.append(text[cursor:])
    repaired = re.sub(r"(?<=\w)[ \t]+(?=[:;,](?:\s|$))", "", "".join(pieces))
    return repaired, tuple(repairs)


def looks_clipped(text: str, vocabulary: Vocabulary) -> bool:
    """Whether ``text`` looks cut off at the left: two or more clipped words, or a clipped first word.

    >>> vocabulary = Vocabulary.from_texts(["Social Work: Statutory Assessment", "social work"])
    >>> looks_clipped("ocial Work: tatutory ssessment", vocabulary), looks_clipped("Social Work", vocabulary)
    (True, False)
    """
    _, repairs = repair_text(text, vocabulary)
    if len(repairs) >= 2:
        return True
    first = next(iter(_tokens(text)), None)
    return bool(repairs) and first is not None and repairs[0].start == first.start
