"""Word automatic numbering: the numbering part's definitions -> the labels Word displays.

A numbered paragraph carries no label text; it names a list instance (``w:numId``) and a
level (``w:ilvl``). The label ("i)", "(1)", "1.2.") is computed from the definitions:
``w:num`` -> ``w:abstractNum`` -> ``w:lvl`` (``w:start``, ``w:numFmt``, ``w:lvlText`` with
``%1``..``%9`` placeholders, ``w:suff``, ``w:lvlRestart``, ``w:isLgl``), with per-instance
``w:lvlOverride`` (``w:startOverride`` or a whole replacement ``w:lvl``).

Counting follows Word (ECMA-376 §17.9 as Word implements it): the running count lives on the
*abstract* definition, so two ``w:num`` instances of one ``w:abstractNum`` continue one
sequence, and an instance that overrides a level (``w:startOverride`` or a replacement
``w:lvl``) restarts the shared count at the override's start the first time it is used at
that level. A ``w:numStyleLink`` list counts on the definition that holds the levels. Using a level resets the deeper levels
(unless their ``w:lvlRestart`` says otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MAX_LIST_START = 10_000
"""Largest list start honoured. No real plan numbers a list from beyond ten thousand, and a
start of 10^9 would render each letter label as tens of megabytes ("aaaa..."); a start above
this counts from 1 instead (the document gets a ``clamped-numbering`` issue)."""
_PLACEHOLDER = re.compile(r"%([1-9])")


def w(tag: str) -> str:
    """Clark name of a WordprocessingML element or attribute: ``w("p")`` -> ``{ns}p``."""
    return f"{{{W_NS}}}{tag}"


def w_val(element: etree._Element | None, default: str | None = None) -> str | None:
    """The ``w:val`` attribute of ``element`` (``default`` when absent or no element)."""
    if element is None:
        return default
    return element.get(w("val"), default)


def as_int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Level:
    """One ``w:lvl`` of a numbering definition."""

    start: int = 1
    number_format: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"  # tab | space | nothing
    restart_after: int | None = None  # w:lvlRestart: 0 = never, n = after level n (1-based)
    legal: bool = False  # w:isLgl: show every placeholder as decimal
    style_id: str = ""  # w:pStyle: the paragraph style this level belongs to


@dataclass(frozen=True)
class Instance:
    """One ``w:num``: an abstract definition plus its level overrides."""

    abstract_id: str
    start_overrides: Mapping[int, int] = field(default_factory=dict)
    level_overrides: Mapping[int, Level] = field(default_factory=dict)


@dataclass(frozen=True)
class NumberingDefinitions:
    abstracts: Mapping[str, Mapping[int, Level]] = field(default_factory=dict)
    instances: Mapping[str, Instance] = field(default_factory=dict)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        instance = self.instances.get(num_id)
        if instance is None:
            return None
        if ilvl in instance.level_overrides:
            return instance.level_overrides[ilvl]
        return self.abstracts.get(instance.abstract_id, {}).get(ilvl)

    def level_for_style(self, num_id: str, style_id: str) -> int | None:
        """The level whose ``w:pStyle`` is ``style_id`` (heading-style numbering)."""
        instance = self.instances.get(num_id)
        if instance is None:
            return None
        for ilvl, level in self.abstracts.get(instance.abstract_id, {}).items():
            if level.style_id == style_id:
                return ilvl
        return None


@dataclass(frozen=True)
class Marker:
    """What a numbered paragraph shows before its text."""

    text: str  # the label with its suffix, e.g. "i) "; empty for bullets
    bullet: bool = False


def parse_numbering(
    root: etree._Element | None, style_num_ids: Mapping[str, str] | None = None
) -> NumberingDefinitions:
    """Read ``w:numbering`` into definitions.

    ``style_num_ids`` maps numbering-style ids to the ``w:numId`` their ``w:numPr`` names; it
    resolves ``w:numStyleLink`` (an abstract definition that borrows another's levels).
    """
    if root is None:
        return NumberingDefinitions()
    raw_abstracts: dict[str, etree._Element] = {}
    for abstract in root.iterchildren(w("abstractNum")):
        raw_abstracts[abstract.get(w("abstractNumId"), "")] = abstract
    instances = {num.get(w("numId"), ""): _parse_instance(num) for num in root.iterchildren(w("num"))}
    resolved = {
        abstract_id: _resolve_abstract(abstract_id, raw_abstracts, instances, style_num_ids or {})
        for abstract_id in raw_abstracts
    }
    abstracts = {abstract_id: levels for abstract_id, (_, levels) in resolved.items()}
    # Lists linked through a numbering style count on the definition that holds the levels.
    instances = {
        num_id: replace(instance, abstract_id=resolved.get(instance.abstract_id, (instance.abstract_id, {}))[0])
        for num_id, instance in instances.items()
    }
    return NumberingDefinitions(abstracts=abstracts, instances=instances)


def _resolve_abstract(
    abstract_id: str,
    raw_abstracts: Mapping[str, etree._Element],
    instances: Mapping[str, Instance],
    style_num_ids: Mapping[str, str],
) -> tuple[str, dict[int, Level]]:
    """The abstract definition that really holds the levels (following ``w:numStyleLink``
    through the numbering style's list), and those levels."""
    seen = set()
    current = abstract_id
    levels: dict[int, Level] = {}
    while current in raw_abstracts and current not in seen:
        seen.add(current)
        abstract = raw_abstracts[current]
        levels = {as_int(lvl.get(w("ilvl")), 0): parse_level(lvl) for lvl in abstract.iterchildren(w("lvl"))}
        link = w_val(abstract.find(w("numStyleLink")))
        linked_num = style_num_ids.get(link) if link and not levels else None
        linked = instances.get(linked_num) if linked_num else None
        if linked is None:
            return current, levels
        current = linked.abstract_id
    return current, levels


def _parse_instance(num: etree._Element) -> Instance:
    start_overrides: dict[int, int] = {}
    level_overrides: dict[int, Level] = {}
    for override in num.iterchildren(w("lvlOverride")):
        ilvl = as_int(override.get(w("ilvl")), 0)
        start = override.find(w("startOverride"))
        if start is not None:
            start_overrides[ilvl] = bounded_start(as_int(w_val(start), 1))
        replacement = override.find(w("lvl"))
        if replacement is not None:
            level_overrides[ilvl] = parse_level(replacement)
    abstract_id = w_val(num.find(w("abstractNumId")), "") or ""
    return Instance(abstract_id, start_overrides, level_overrides)


def bounded_start(value: int) -> int:
    """A list start, or 1 when it is beyond :data:`MAX_LIST_START` (or below -MAX_LIST_START)."""
    return value if abs(value) <= MAX_LIST_START else 1


def unbounded_starts(root: etree._Element | None) -> list[int]:
    """The list starts in ``w:numbering`` that :func:`bounded_start` replaces (for the issue row)."""
    if root is None:
        return []
    values = [as_int(w_val(element), 1) for element in root.iter(w("start"), w("startOverride"))]
    return [value for value in values if bounded_start(value) != value]


def parse_level(lvl: etree._Element) -> Level:
    """One ``w:lvl`` element to a :class:`Level`."""
    number_format = w_val(lvl.find(w("numFmt")))
    if number_format is None:
        # Word 2010 writes custom formats in mc:AlternateContent with a plain fallback.
        fallback = lvl.find(f"{{{MC_NS}}}AlternateContent/{{{MC_NS}}}Fallback/{w('numFmt')}")
        number_format = w_val(fallback, "decimal")
    restart = lvl.find(w("lvlRestart"))
    legal = lvl.find(w("isLgl"))
    text_element = lvl.find(w("lvlText"))
    return Level(
        start=bounded_start(as_int(w_val(lvl.find(w("start"))), 0 if number_format == "decimalZero" else 1)),
        number_format=number_format or "decimal",
        text="" if text_element is None else w_val(text_element, "") or "",
        suffix=w_val(lvl.find(w("suff")), "tab") or "tab",
        restart_after=None if restart is None else as_int(w_val(restart), 0),
        legal=legal is not None and w_val(legal, "1") not in ("0", "false", "off"),
        style_id=w_val(lvl.find(w("pStyle")), "") or "",
    )


class NumberingCounter:
    """Walks numbered paragraphs in document order and returns the label each one shows."""

    def __init__(self, definitions: NumberingDefinitions) -> None:
        self._definitions = definitions
        self._counts: dict[str, dict[int, int]] = {}  # abstract id -> level -> last value
        self._seen: set[tuple[str, int]] = set()  # (numId, ilvl) already used

    def next_marker(self, num_id: str, ilvl: int) -> Marker | None:
        """Count one paragraph of list ``num_id`` at level ``ilvl``; None when not numbered."""
        instance = self._definitions.instances.get(num_id)
        level = self._definitions.level(num_id, ilvl)
        if instance is None or level is None:
            return None
        counts = self._counts.setdefault(instance.abstract_id, {})
        if (num_id, ilvl) not in self._seen:
            self._seen.add((num_id, ilvl))
            if ilvl in instance.start_overrides or ilvl in instance.level_overrides:
                counts.pop(ilvl, None)  # an overriding list restarts the shared count
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else self._start(instance, ilvl, level)
        self._reset_deeper(num_id, ilvl, counts)
        if level.number_format == "bullet":
            return Marker("", bullet=True)
        label = self._render(num_id, instance, level, counts)
        if not label.strip():
            return None
        return Marker(label + ("" if level.suffix == "nothing" else " "))

    @staticmethod
    def _start(instance: Instance, ilvl: int, level: Level) -> int:
        return instance.start_overrides.get(ilvl, level.start)

    def _reset_deeper(self, num_id: str, ilvl: int, counts: dict[int, int]) -> None:
        for deeper in [d for d in counts if d > ilvl]:
            level = self._definitions.level(num_id, deeper)
            restart_after = None if level is None else level.restart_after
            if restart_after is None or (restart_after != 0 and ilvl < restart_after):
                del counts[deeper]

    def _render(self, num_id: str, instance: Instance, level: Level, counts: Mapping[int, int]) -> str:
        def substitute(match: re.Match[str]) -> str:
            referenced = int(match.group(1)) - 1
            ref_level = self._definitions.level(num_id, referenced) or Level()
            value = counts.get(referenced, self._start(instance, referenced, ref_level))
            number_format = "decimal" if level.legal else ref_level.number_format
            return format_number(value, number_format)

        return _PLACEHOLDER.sub(substitute, level.text)


_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def to_roman(value: int) -> str:
    """Lower-case roman numeral: ``to_roman(14)`` -> ``"xiv"``."""
    out = []
    for amount, numeral in _ROMAN:
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)


def to_letters(value: int) -> str:
    """Word's letter numbering: a..z, then aa..zz (a repeated letter), then aaa..."""
    repeat, index = divmod(value - 1, 26)
    return chr(ord("a") + index) * (repeat + 1)


def _ordinal(value: int) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def format_number(value: int, number_format: str) -> str:
    """Render one counter value in a ``w:numFmt``: ``format_number(3, "lowerRoman")`` -> ``"iii"``.

    Formats Word can show that we do not spell out (``cardinalText``, CJK counting systems)
    fall back to decimal digits, which keeps the label's position and punctuation right.
    """
    if number_format == "none":
        return ""
    if value <= 0 and number_format not in ("decimal", "decimalZero"):
        return str(value)
    if number_format in ("lowerRoman", "upperRoman"):
        roman = to_roman(value)
        return roman.upper() if number_format == "upperRoman" else roman
    if number_format in ("lowerLetter", "upperLetter"):
        letters = to_letters(value)
        return letters.upper() if number_format == "upperLetter" else letters
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format == "ordinal":
        return _ordinal(value)
    if number_format == "decimalEnclosedParen":
        return f"({value})"
    return str(value)
