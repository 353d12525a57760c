"""Enumerated cells to items, and item-by-item alignment of timescale / lead / status cells.

A cell such as "1. Do this. 2. Do that" or "<p>i) SGU</p><p>ii) AD</p>" lists sub-actions.
:func:`split_enumerated` finds the markers that form a sequence (``1. 2. 3.``, ``(1) (2)``,
``i) ii)``, ``a) b)``), tolerating a lost first marker ("Agency staff ... 2. Recruit ...") and a
repeated one ("i) ii) ii)"). :func:`align_column` then gives each action item its own entry of
another column when that column enumerates the same way, or the whole cell when it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from extract.entries import split_timescale_entries

ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
_ROMAN_VALUE = {numeral: index + 1 for index, numeral in enumerate(ROMAN)}

MarkerStyle = Literal[
    "paren-number",
    "number-paren",
    "number-dot",
    "roman",
    "roman-dot",
    "letter",
    "compound",
    "letter-dot",
    "roman-mixed",
    "letter-mixed",
]
"""How a list numbers its items: "(1)", "1)", "1.", "ii)", "ii.", "a)", "1a)", "a."; it steers
how markers are valued, labelled and chained."""

# Each style: (name, pattern, value-of-match). A marker must start the text or follow
# whitespace or sentence punctuation, so "Section 47." or "3.3.14" never count.
_LEAD_IN = r"(?:(?<=^)|(?<=[\s;:,]))"
_STYLES: tuple[tuple[MarkerStyle, re.Pattern[str]], ...] = (
    ("paren-number", re.compile(_LEAD_IN + r"\((\d{1,2})\)\.?")),
    ("number-paren", re.compile(_LEAD_IN + r"(\d{1,2})\)\.?(?=\s|$)")),
    ("number-dot", re.compile(_LEAD_IN + r"(\d{1,2})\.(?=\s*[A-Za-z(\"'‘“])")),
    ("roman", re.compile(_LEAD_IN + r"\(?(" + "|".join(sorted(ROMAN, key=len, reverse=True)) + r")\)\.?(?=\s|$)")),
    # "i. Review ..." (Word's and browsers' default lower-roman list); a capital must follow,
    # so "i.e." never counts
    (
        "roman-dot",
        re.compile(_LEAD_IN + r"(" + "|".join(sorted(ROMAN, key=len, reverse=True)) + r")\.(?=\s+[A-Z(\"'‘“])"),
    ),
    ("letter", re.compile(_LEAD_IN + r"\(?([a-h])\)\.?(?=\s|$)")),
    # "(1a)", "1a)", "1a.", "1.a", "(1.a)": a numbered item's lettered parts.
    ("compound", re.compile(_LEAD_IN + r"\(?(\d{1,2}(?:\.[a-h]\)?|[a-h][).]))(?=\s|$)")),
    # "a. Agree ... b. Audit ...": a lower-case letter and a dot, then a capitalised word.
    ("letter-dot", re.compile(_LEAD_IN + r"([a-h])\.(?=\s+[A-Z])")),
)
_MIXED: dict[MarkerStyle, tuple[MarkerStyle, ...]] = {
    "roman-mixed": ("roman", "roman-dot"),
    "letter-mixed": ("letter", "letter-dot"),
}
"""A list whose marker punctuation changes part way ("i. ... ii. ... iii). ..."): a browser
prints its own "i." for list items while later items kept their typed "iii)"."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Item:
    """One enumerated entry. ``marker`` is normalised ("1", "ii", "a"); ``inferred`` is True
    when the source lost the marker and its place in the sequence supplied it."""

    marker: str | None
    text: str
    inferred: bool = False


@dataclass(frozen=True)
class Enumeration:
    style: MarkerStyle
    prefix: str  # text before the first marker, when it is not itself an item
    items: tuple[Item, ...]

    @property
    def markers(self) -> tuple[str | None, ...]:
        return tuple(item.marker for item in self.items)


_COMPOUND_STEP = 100
"""Compound markers are valued number * 100 + letter ("2b" -> 202), so one integer orders them."""


def _value(style: MarkerStyle, raw: str) -> int:
    if style.startswith("roman"):
        return _ROMAN_VALUE[raw]
    if style.startswith("letter"):
        return ord(raw) - ord("a") + 1
    if style == "compound":
        bare = raw.strip("().")
        return int(bare[:-1].rstrip(".")) * _COMPOUND_STEP + ord(bare[-1]) - ord("a") + 1
    return int(raw)


def _label(style: MarkerStyle, value: int) -> str:
    if style.startswith("roman"):
        return ROMAN[value - 1] if 0 < value <= len(ROMAN) else str(value)
    if style.startswith("letter"):
        return chr(ord("a") + value - 1)
    if style == "compound":
        return f"{value // _COMPOUND_STEP}{chr(ord('a') + value % _COMPOUND_STEP - 1)}"
    return str(value)


def _follows(style: MarkerStyle, last: int, value: int) -> bool:
    """Whether ``value`` may come next after ``last``: one more, or the same again (a
    repeated marker) except for "1." lists; compound markers go "1b" after "1a" and "2a"
    after any "1x"."""
    if style == "compound":
        return value == last + 1 or (
            value // _COMPOUND_STEP == last // _COMPOUND_STEP + 1 and value % _COMPOUND_STEP == 1
        )
    return value == last + 1 or (value == last and style != "number-dot")


def _first_values(style: MarkerStyle) -> tuple[int, ...]:
    """Values a list may start with when it does not start the text (a lost first item)."""
    if style == "compound":
        return tuple(number * _COMPOUND_STEP + letter for number in range(1, 100) for letter in (1, 2))
    return (1, 2)


def _chain(style: MarkerStyle, matches: list[re.Match[str]], text: str) -> list[re.Match[str]]:
    """The longest run of markers, in text order, each equal to or one more than the last."""
    best: list[re.Match[str]] = []
    for start_index, first in enumerate(matches):
        first_value = _value(style, first.group(1))
        at_start = not text[: first.start()].strip()
        if not at_start and first_value not in _first_values(style):
            continue
        chain = [first]
        last = first_value
        for candidate in matches[start_index + 1 :]:
            value = _value(style, candidate.group(1))
            if _follows(style, last, value):
                chain.append(candidate)
                last = value
        if len(chain) > len(best):
            best = chain
    return best


def split_enumerated(text: str) -> Enumeration | None:
    """Find the enumeration in ``text``, or None.

    >>> [i.text for i in split_enumerated("1. Agree reps. 2. Agree mechanisms").items]
    ['Agree reps.', 'Agree mechanisms']
    >>> split_enumerated("Agency staff in place. 2. Recruit two").markers
    ('1', '2')
    """
    if not text or not text.strip():
        return None
    best: tuple[MarkerStyle, list[re.Match[str]]] | None = None
    found = {style: list(pattern.finditer(text)) for style, pattern in _STYLES}
    for style in (*found, *_MIXED):
        matches = (
            found[style]
            if style in found
            else sorted((m for part in _MIXED[style] for m in found[part]), key=lambda m: m.start())
        )
        if style.startswith("letter") and best and best[0].startswith("roman"):
            continue
        chain = _chain(style, matches, text) if matches else []
        if not chain:
            continue
        at_start = not text[: chain[0].start()].strip()
        lost_first = (
            style != "compound" and _value(style, chain[0].group(1)) == 2
        )  # "Did this. 2. Do that": marker 1 lost
        if len(chain) < 2 and not at_start and not lost_first:
            continue
        if (
            best is None
            or len(chain) > len(best[1])
            or (len(chain) == len(best[1]) and chain[0].start() < best[1][0].start())
        ):
            best = (style, chain)
    if best is None:
        return None
    style, chain = best
    prefix = text[: chain[0].start()].strip()
    items: list[Item] = []
    first_value = _value(style, chain[0].group(1))
    if prefix and first_value == 2 and style != "compound":
        items.append(Item(_label(style, 1), _clean_item(prefix), inferred=True))
        prefix = ""
    for index, match in enumerate(chain):
        end = chain[index + 1].start() if index + 1 < len(chain) else len(text)
        items.append(Item(_label(style, _value(style, match.group(1))), _clean_item(text[match.end() : end])))
    return Enumeration(style, _clean_item(prefix), tuple(items))


def _clean_item(text: str) -> str:
    """Spaces collapsed, paragraph breaks kept (they separate leads: "AD\nPP&P")."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip().rstrip(";").strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of a cell, for splitting an unmarked cell by alignment with another column."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


@dataclass(frozen=True)
class Alignment:
    """Per-item text for one column; ``aligned`` False means the whole cell was repeated."""

    texts: tuple[str, ...]
    aligned: bool
    prefix: str = ""


def align_column(
    cell_text: str,
    lines: Sequence[str],
    action_items: Sequence[Item],
    dated: bool = False,
) -> Alignment:
    """Give each action item its entry of another column (timescale, lead, status).

    Tried in order: the column's own enumeration (by marker, by position, or offset when its
    labels start later: "ii) Aug 13 iii) Oct 13" for items i-iv); one paragraph per item;
    one dated entry per item (``dated``, for timescales: :mod:`extract.entries`); else the whole cell.
    """
    count = len(action_items)
    whole = cell_text.strip()
    if count <= 1 or not whole:
        return Alignment(tuple(whole for _ in range(max(count, 1))), aligned=True)
    enumeration = split_enumerated(cell_text)
    if (
        enumeration
        and len(enumeration.items) >= 2
        or (enumeration and count and enumeration.items and not enumeration.prefix and len(lines) == 1)
    ):
        mapped = _align_enumeration(enumeration, action_items)
        if mapped is not None:
            return Alignment(mapped, aligned=True, prefix=enumeration.prefix)
    paragraphs = [line.strip() for line in lines if line.strip()]
    if len(paragraphs) == count:
        return Alignment(tuple(paragraphs), aligned=True)
    if len(paragraphs) == 1 and not enumeration:
        if dated:
            entries = split_timescale_entries(whole)
            if len(entries) == count:
                return Alignment(tuple(entries), aligned=True)
            if len(entries) <= 1:
                return Alignment(tuple(whole for _ in range(count)), aligned=True)
        else:
            return Alignment(tuple(whole for _ in range(count)), aligned=True)
    elif dated and not enumeration:
        entries = [entry for paragraph in paragraphs for entry in split_timescale_entries(paragraph)]
        if len(entries) == count:
            return Alignment(tuple(entries), aligned=True)
    return Alignment(tuple(whole for _ in range(count)), aligned=False)


def _align_enumeration(enumeration: Enumeration, action_items: Sequence[Item]) -> tuple[str, ...] | None:
    entries = enumeration.items
    count = len(action_items)
    action_markers = [item.marker for item in action_items]
    entry_markers = [entry.marker for entry in entries]
    if len(entries) == count:
        return tuple(entry.text for entry in entries)
    if len(set(entry_markers)) == len(entry_markers) and set(entry_markers) <= set(action_markers):
        by_marker = {entry.marker: entry.text for entry in entries}
        return tuple(by_marker.get(marker, "") for marker in action_markers)
    if entries[0].marker in action_markers:
        offset = action_markers.index(entries[0].marker)
        if offset + len(entries) == count:
            return tuple([""] * offset + [entry.text for entry in entries])
    return None


def items_from_sentences(text: str, markers: Sequence[str | None]) -> tuple[Item, ...] | None:
    """Split an unmarked cell into exactly ``len(markers)`` sentences, or None."""
    sentences = split_sentences(text)
    if len(sentences) != len(markers):
        return None
    return tuple(Item(marker, sentence, inferred=marker is not None) for marker, sentence in zip(markers, sentences))


def extend_last_item(items: Sequence[Item], target: int, style: MarkerStyle) -> tuple[Item, ...] | None:
    """Split the last item's trailing sentences off as lost-marker items to reach ``target``.

    "3. Complete review. Work with partners." with a timescale enumerating (1)-(4) gives
    items 3 and 4.
    """
    missing = target - len(items)
    if missing <= 0 or not items:
        return None
    sentences = split_sentences(items[-1].text)
    if len(sentences) != missing + 1:
        return None
    last = items[-1]
    start = _value(style, last.marker) if last.marker and _is_label(style, last.marker) else None
    extra = []
    for offset, sentence in enumerate(sentences[1:], start=1):
        label = _label(style, start + offset) if start is not None else None
        extra.append(Item(label, sentence, inferred=True))
    return tuple(items[:-1]) + (Item(last.marker, sentences[0], last.inferred),) + tuple(extra)


def _is_label(style: MarkerStyle, marker: str) -> bool:
    try:
        _value(style, marker)
    except (KeyError, ValueError):
        return False
    return True
