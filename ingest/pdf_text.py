"""PDF characters to words, visual lines and paragraphs (:class:`ingest.model.Line`).

The chain is ``chars -> text lines -> paragraphs``, each step a pure function over plain
pdfplumber char dicts (``text``, ``fontname``, ``size``, ``x0``, ``x1``, ``top``, ``bottom``,
``upright``, ``matrix``), so a cell, a text block or a whole page region is read the same way.

Visual lines are joined into paragraphs because later stages treat a :class:`Line` as a
paragraph, as the text and Word readers give it. A new paragraph starts at a bullet glyph,
an enumeration marker, a change of boldness, extra vertical space, or after a line that
ended short (the next line's first word would have fitted on it: a hard line break).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import median
from typing import NamedTuple

from ingest.model import Line

Char = dict
"""A pdfplumber char dict."""

BULLET_GLYPHS = frozenset(
    "•●○▪■◦‣∙·▫□➢➤►▸"
    # Symbol and Wingdings bullets as Word prints them: private-use code points.
    "\uf0b7\uf0a7\uf0a8\uf076\uf0d8\uf0fc\uf06e\uf0e0\uf0d7\uf075\uf09f"
)
"""Glyphs that mark a bullet item; the glyph is dropped and ``Line.bullet`` set."""

ENUMERATION_START = re.compile(
    r"^(?:\(?\d{1,2}[.)](?!\d)|\(\d{1,2}\)|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii)[.)]|\(?[a-h]\))(?=\s|$)"
)
"""Markers that start an enumerated item: ``1.`` ``(2)`` ``3)`` ``iv)`` ``(b)`` ``c)``."""

UNMAPPED_GLYPH = re.compile(r"^\(cid:\d+\)\s*")
"""pdfminer's text for a glyph without a Unicode mapping (Word's Symbol-font bullets)."""

_SENTENCE_END = ".!?:;"


class Word(NamedTuple):
    """A run of characters with no gap wider than a space, on one visual line. (A named
    tuple: pages hold tens of thousands of words, and these are cheap to make.)"""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    bold: bool
    size: float


@dataclass(frozen=True)
class TextLine:
    """One visual line: words left to right (or along the text direction if rotated).
    Its box, size and boldness are worked out once, when it is made."""

    words: tuple[Word, ...]
    x0: float = field(init=False, repr=False, compare=False)
    top: float = field(init=False, repr=False, compare=False)
    x1: float = field(init=False, repr=False, compare=False)
    bottom: float = field(init=False, repr=False, compare=False)
    size: float = field(init=False, repr=False, compare=False)
    bold: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = self.words
        letters = sum(len(word.text) for word in words)
        bold = sum(len(word.text) for word in words if word.bold)
        for name, value in (
            ("x0", min(word.x0 for word in words)),
            ("top", min(word.top for word in words)),
            ("x1", max(word.x1 for word in words)),
            ("bottom", max(word.bottom for word in words)),
            ("size", max(word.size for word in words)),
            ("bold", letters > 0 and bold >= 0.8 * letters),
        ):
            object.__setattr__(self, name, value)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)


@lru_cache(maxsize=1024)
def is_bold_font(fontname: str) -> bool:
    """True for bold faces: "Arial-BoldMT", "ABCDEE+Calibri,Bold", "Tahoma-Bold", "Semibold"."""
    lowered = fontname.lower()
    return "bold" in lowered or "black" in lowered or "heavy" in lowered


def is_visible(char: Char) -> bool:
    """False for spaces and control characters, which carry no ink."""
    return _has_ink(char.get("text") or "")


@lru_cache(maxsize=4096)
def _has_ink(text: str) -> bool:
    return bool(text.strip()) and text.isprintable()


def char_is_upright(char: Char) -> bool:
    """Upright text runs left to right; pdfplumber flags rotated glyphs ``upright=False``."""
    return bool(char.get("upright", True))


def chars_to_text_lines(chars: Iterable[Char], space_ratio: float = 0.2) -> list[TextLine]:
    """Group chars into visual lines, top to bottom; rotated chars are read along their
    direction (see :func:`rotated_chars_to_text_lines`)."""
    upright: list[Char] = []
    rotated: list[Char] = []
    for char in chars:
        (upright if char_is_upright(char) else rotated).append(char)
    lines = upright_chars_to_text_lines(upright, space_ratio)
    if rotated:
        lines += rotated_chars_to_text_lines(rotated, space_ratio)
        lines.sort(key=lambda line: (line.top, line.x0))
    return lines


def upright_chars_to_text_lines(chars: Sequence[Char], space_ratio: float = 0.2) -> list[TextLine]:
    """Cluster upright chars into lines by vertical overlap, then split each line into words
    where the gap exceeds ``space_ratio`` x font size or a space char stands."""
    groups = cluster_by_span(chars, start="top", end="bottom")
    lines = []
    for group in groups:
        group.sort(key=lambda char: char["x0"])
        words = _chars_to_words(group, space_ratio, along="x")
        if words:
            lines.append(TextLine(tuple(words)))
    lines.sort(key=lambda line: (line.top, line.x0))
    return lines


def rotated_chars_to_text_lines(chars: Sequence[Char], space_ratio: float = 0.2) -> list[TextLine]:
    """Lines of text rotated by 90 degrees (a rotated header cell): chars are clustered by
    their horizontal span and read bottom-to-top (or top-to-bottom when turned clockwise).
    Lines come out in reading order: left to right for upward text, right to left otherwise."""
    groups = cluster_by_span(chars, start="x0", end="x1")
    lines: list[tuple[float, TextLine]] = []
    for group in groups:
        upward = sum(1 for char in group if _runs_upward(char)) * 2 >= len(group)
        group.sort(key=lambda char: -char["bottom"] if upward else char["top"])
        words = _chars_to_words(group, space_ratio, along="-y" if upward else "y")
        if words:
            line = TextLine(tuple(words))
            lines.append((line.x0 if upward else -line.x1, line))
    lines.sort(key=lambda item: item[0])
    return [line for _, line in lines]


def _runs_upward(char: Char) -> bool:
    matrix = char.get("matrix") or (1, 0, 0, 1, 0, 0)
    return matrix[1] > 0


def cluster_by_span(chars: Sequence[Char], start: str, end: str) -> list[list[Char]]:
    """Group chars whose spans along one axis overlap by at least 40% of the smaller span."""
    ordered = sorted(chars, key=lambda char: (char[start], char[end]))
    groups: list[list[Char]] = []
    low = high = 0.0
    for char in ordered:
        char_low, char_high = char[start], char[end]
        if groups:
            overlap = min(high, char_high) - max(low, char_low)
            smaller = max(min(high - low, char_high - char_low), 0.1)
            if overlap >= 0.4 * smaller:
                groups[-1].append(char)
                high = max(high, char_high)
                continue
        groups.append([char])
        low, high = char_low, char_high
    return groups


def _chars_to_words(chars: Sequence[Char], space_ratio: float, along: str) -> list[Word]:
    """Split an ordered run of chars into words at spaces and at gaps wider than a space."""
    words: list[Word] = []
    current: list[Char] = []
    previous_end = 0.0
    for char in chars:
        if not is_visible(char):
            if current:
                words.append(_word(current))
                current = []
            continue
        begin, finish = _extent(char, along)
        if current:
            if begin - previous_end > space_ratio * max(char.get("size") or 1.0, 1.0):
                words.append(_word(current))
                current = []
            elif _is_duplicate(current[-1], char):
                continue  # fake bold: the same glyph printed twice at (almost) one place
        previous_end = finish if not current else max(previous_end, finish)
        current.append(char)
    if current:
        words.append(_word(current))
    return words


def _extent(char: Char, along: str) -> tuple[float, float]:
    if along == "x":
        return char["x0"], char["x1"]
    if along == "y":
        return char["top"], char["bottom"]
    return -char["bottom"], -char["top"]


def _is_duplicate(previous: Char, char: Char) -> bool:
    return (
        previous.get("text") == char.get("text")
        and abs(previous["x0"] - char["x0"]) < 1.0
        and abs(previous["top"] - char["top"]) < 1.0
    )


def _word(chars: Sequence[Char]) -> Word:
    """A word from its chars (all visible: spaces end words before they get here)."""
    bold_count = sum(1 for char in chars if is_bold_font(char.get("fontname") or ""))
    sizes = sorted(char.get("size") or 0.0 for char in chars)
    return Word(
        "".join(char["text"] for char in chars),
        min(char["x0"] for char in chars),
        min(char["top"] for char in chars),
        max(char["x1"] for char in chars),
        max(char["bottom"] for char in chars),
        bold_count * 2 > len(chars),
        sizes[len(sizes) // 2],
    )


def text_lines_to_paragraphs(
    lines: Sequence[TextLine], right_limit: float | None = None, pitch: float | None = None
) -> tuple[Line, ...]:
    """Join visual lines into paragraphs (:class:`Line`), keeping bullets and boldness.

    ``right_limit`` is the x where wrapped text would break (a cell's inner right edge); a
    line ending well short of it, when the next word would have fitted, ended a paragraph.
    Without it the widest line stands in. ``pitch`` is the page's usual distance between
    lines of a paragraph (:func:`typical_pitch`): two lines alone cannot tell spacing between
    paragraphs from the line spacing.
    """
    return tuple(paragraph for paragraph, _ in group_paragraphs(lines, right_limit, pitch))


def group_paragraphs(
    lines: Sequence[TextLine], right_limit: float | None = None, pitch: float | None = None
) -> list[tuple[Line, list[TextLine]]]:
    """Paragraphs with the visual lines each was made from (see :func:`text_lines_to_paragraphs`)."""
    if not lines:
        return []
    limit = right_limit if right_limit is not None else max(line.x1 for line in lines)
    local = _typical_pitch(lines)
    pitch = min(local, pitch) if pitch else local
    paragraphs: list[tuple[Line, list[TextLine]]] = []
    pieces: list[str] = []
    members: list[TextLine] = []
    bold_flags: list[bool] = []
    bullet = False
    previous: TextLine | None = None

    piece_lines: list[TextLine] = []

    def close() -> None:
        if pieces:
            pairs = list(zip(piece_lines, piece_lines[1:]))
            forced = [_too_wide_for_a_line(a, b, limit) for a, b in pairs]
            filled = [_filled_to_the_last_letter(a, b, limit) for a, b in pairs]
            paragraphs.append((_paragraph(pieces, bold_flags, bullet, forced, filled), list(members)))

    for line in lines:
        text, starts_bullet = strip_bullet(line.text)
        if not text:  # a bullet glyph on a line of its own
            if starts_bullet and pieces:
                close()
                pieces, bold_flags, members, piece_lines = [], [], [], []
            bullet = bullet or starts_bullet
            members.append(line)
            previous = line
            continue
        if previous is None or starts_paragraph(previous, line, text, starts_bullet, limit, pitch):
            if pieces:
                close()
                members = []
            pieces, bold_flags, piece_lines = [], [], []
            bullet = starts_bullet or (previous is not None and _is_bare_bullet(previous))
        pieces.append(text)
        piece_lines.append(line)
        bold_flags.append(line.bold)
        members.append(line)
        previous = line
    close()
    return paragraphs


def _is_bare_bullet(line: TextLine) -> bool:
    text, bullet = strip_bullet(line.text)
    return bullet and not text


def strip_bullet(text: str) -> tuple[str, bool]:
    """Drop a leading bullet glyph: "• Do this" -> ("Do this", True). A glyph the font does
    not map to Unicode, which pdfminer writes "(cid:127)", counts as a bullet at line start."""
    stripped = text.lstrip()
    if stripped and stripped[0] in BULLET_GLYPHS:
        return stripped[1:].strip(), True
    unmapped = UNMAPPED_GLYPH.match(stripped)
    if unmapped:
        return stripped[unmapped.end() :].strip(), True
    return stripped.strip(), False


def starts_paragraph(
    previous: TextLine, line: TextLine, text: str, bullet: bool, right_limit: float, pitch: float
) -> bool:
    """Does ``line`` start a new paragraph after ``previous``? (See the module docstring.)
    An item marker starts one only after a sentence ends: "(1) ... (2) ..." run together in
    one paragraph may wrap with a marker at a line start."""
    if bullet or previous.bold != line.bold:
        return True
    if line.top - previous.top > 1.2 * pitch:
        return True  # paragraph spacing
    if previous.text.endswith("-"):
        return False
    if ended_short(previous, line.words[0], right_limit):
        return True
    return bool(ENUMERATION_START.match(text)) and len(text.split()) > 1 and ends_sentence(previous.text)


def ended_short(previous: TextLine, next_word: Word, right_limit: float) -> bool:
    """Would the next line's first word have fitted at the end of ``previous``? Then the
    line was broken by hand, not by wrapping."""
    space = 0.3 * next_word.size
    return previous.x1 + space + (next_word.x1 - next_word.x0) < right_limit - 0.5 * next_word.size


def typical_pitch(groups: Iterable[Sequence[TextLine]]) -> float | None:
    """The page's usual line pitch (top to top) inside paragraphs: the lower quartile of the
    steps between consecutive lines of each group (cells, text), so spacing between
    paragraphs does not count. None when no group has two lines."""
    steps = sorted(
        b.top - a.top
        for lines in groups
        for a, b in zip(lines, lines[1:])
        if 0.8 * a.size < b.top - a.top < 3.0 * a.size
    )
    return steps[len(steps) // 4] if steps else None


def _typical_pitch(lines: Sequence[TextLine]) -> float:
    """The usual distance from one line's top to the next line's top."""
    steps = [b.top - a.top for a, b in zip(lines, lines[1:]) if b.top > a.top]
    base = 1.15 * median(line.size for line in lines) if lines else 12.0
    if not steps:
        return base
    return max(min(steps), base)


def _paragraph(
    pieces: Sequence[str],
    bold_flags: Sequence[bool],
    bullet: bool,
    forced: Sequence[bool] = (),
    filled: Sequence[bool] = (),
) -> Line:
    return Line(text=join_wrapped(pieces, forced, filled), bold=all(bold_flags), bullet=bullet)


def _too_wide_for_a_line(above: TextLine, below: TextLine, right_limit: float) -> bool:
    """Would the last word above and the first word below, glued into one, be wider than a
    whole line of the paragraph (from its left margin, the two lines' left edge, to
    ``right_limit``)? Then no engine could have wrapped that word whole: had it been one
    word, it must have been broken (see :func:`join_wrapped`)."""
    last, first = above.words[-1], below.words[0]
    return (last.x1 - last.x0) + (first.x1 - first.x0) > right_limit - min(above.x0, below.x0)


def _filled_to_the_last_letter(above: TextLine, below: TextLine, right_limit: float) -> bool:
    """Did the line above stop closer to ``right_limit`` than the width of one letter of the
    line below (the mean letter of its first word)? An engine that breaks a word too wide
    for its line letter by letter (fpdf2) fills the line to its last letter; one that wraps
    a whole word leaves the room of a space and that word."""
    first = below.words[0]
    letter = (first.x1 - first.x0) / max(len(first.text), 1)
    return right_limit - above.x1 < letter


def _ends_a_word_from_above(pieces: Sequence[str], index: int) -> bool:
    """Is ``pieces[index]`` one word that ends a word begun on the line above ("pro" /
    "fessionals")? Then it is no word's start, and what follows it is a word of its own."""
    piece = pieces[index]
    if index == 0 or " " in piece.strip():
        return False
    tail, head = _TAIL_WORD.search(pieces[index - 1]), _HEAD_WORD.match(piece)
    return bool(tail and head) and _zipf(tail.group(1) + head.group(1)) >= MIN_WORD_ZIPF  # type: ignore[union-attr]


def join_wrapped(pieces: Sequence[str], forced: Sequence[bool] = (), filled: Sequence[bool] = ()) -> str:
    """Join wrapped visual lines with spaces; a line ending in a hyphen after a letter is
    joined without a space, keeping the hyphen ("in-" + "service" -> "in-service") so that
    normalise can decide whether it was a hyphenated word or a word split by the break. So
    is a line ending in a slash after a letter ("monthly/" + "quarterly"): engines break
    after a slash inside a word, and words are typed round a slash without spaces far more
    often than with them; a slash standing alone ("AD /") keeps its space.

    ``forced[i]`` says the glued word across the break after ``pieces[i]`` would be wider
    than a line (:func:`_too_wide_for_a_line`): a layout engine breaks such a word wherever
    the line is full, so the pieces are one word when, glued, they make a word.
    ``filled[i]`` says, too, that the line ``pieces[i]`` was filled to its last letter
    (:func:`_filled_to_the_last_letter`): then a piece above that is no word (nor an
    acronym) goes on below ("Pemberthwai" / "te", a name no lexicon knows, is one word).
    Joined from the last line back, so a word broken over three lines ("S" / "upplemente" /
    "d by") is judged whole."""
    if not pieces:
        return ""
    out = pieces[-1]
    glued_next = False  # was the line after this one glued to the one after it?
    for index in range(len(pieces) - 2, -1, -1):
        piece, middle = pieces[index], pieces[index + 1]
        cut = index < len(forced) and forced[index]
        full = cut and index < len(filled) and filled[index] and not _ends_a_word_from_above(pieces, index)
        glued = True
        if not out:
            out = piece
        elif len(piece) > 1 and piece.endswith("-") and piece[-2].isalpha() and out[:1].isalpha():
            out = piece + out
        elif len(piece) > 1 and piece.endswith("/") and piece[-2].isalpha() and out[:1].isalpha():
            out = piece + out  # broken after the slash of "monthly/quarterly": no space was there
        elif is_broken_word(piece, out, forced=cut, filled=full):
            out = piece + out  # a word too long for its line, broken without a hyphen
        elif (
            cut
            and not glued_next
            and index + 1 < len(forced)
            and forced[index + 1]
            and " " not in middle
            and out.startswith(middle + " ")
            and is_broken_word(piece + middle, out[len(middle) + 1 :], forced=True)
        ):
            out = piece + out[: len(middle)] + out[len(middle) + 1 :]  # broken twice: "arran" / "geme" / "nts"
        else:
            out = piece + " " + out
            glued = False
        glued_next = glued
    return out


MIN_WORD_ZIPF = 2.5
"""Zipf frequency (wordfreq, English) from which a joined string counts as a word."""
_TAIL_WORD = re.compile(r"([A-Za-z]+)$")
_STRAY_LETTER = re.compile(r"^[b-z](?:[\s,;]|$)")
_HEAD_WORD = re.compile(r"^([a-z]+)(?![-\w])")  # not "re" of "re-design"


def is_broken_word(before: str, after: str, forced: bool = False, filled: bool = False) -> bool:
    """Was a word broken between two wrapped lines without a hyphen? Layout engines break a
    word wider than its column anywhere ("repres" / "entatives"). Evidence from the words
    themselves: glued together, the letters ending the line above and the lower-case ones
    starting the line below make a common word, commoner than either piece, or one piece
    is no word at all."""
    tail, head = _TAIL_WORD.search(before), _HEAD_WORD.match(after)
    if not tail or not head:
        return False
    if _STRAY_LETTER.match(after):
        return True  # a line never starts with a lone letter such as the "n" of "Watherston"
    whole = _zipf(tail.group(1) + head.group(1))
    first, second = _zipf(tail.group(1)), _zipf(head.group(1))
    if head.group(1) == "a" and first >= MIN_WORD_ZIPF and whole < first:
        return False  # the article after a whole word ("to" / "a plan"), not "agend" / "a"
    if filled and forced and first == 0 and not tail.group(1).isupper():
        # cut where not one more letter fitted after letters that are no word (a name, a
        # garbled word): the word goes on below; an acronym ("LSCB") is a word of its own
        return True
    if forced:
        # too wide to wrap whole: one word if glued it is a common one, or a known word of
        # which one piece is none ("chronolog" / "ies"); two words glued are no word at all
        return whole >= MIN_WORD_ZIPF or (whole > 0 and (first == 0 or second == 0))
    if whole < MIN_WORD_ZIPF:
        return False
    # the second piece is no word, a lone letter ("arrangement" / "s"), or both pieces are
    # rarer than the whole ("Develop" / "ment"; but "in" / "to" are commoner than "into")
    return first == 0 or second == 0 or len(head.group(1)) == 1 or whole > max(first, second)


@lru_cache(maxsize=8192)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # loaded on first use: most lines never need it

    return zipf_frequency(word.lower(), "en")


def ends_sentence(text: str) -> bool:
    """True when text ends with sentence punctuation (possibly before a closing bracket)."""
    stripped = text.rstrip().rstrip(")]\"'’”")
    return bool(stripped) and stripped[-1] in _SENTENCE_END


VALUE = re.compile(r"^[-–+]?[\d.,:;%()/\s€$£*-]*\d[\d.,:;%()/\s€$£*-]*$|^[-–:.*/n]$|^n/?a$", re.IGNORECASE)
"""A table value rather than words: a number, amount, date or share, or a dash or n/a."""


def is_value(text: str) -> bool:
    """True for "1,363", "12.5%", "2014-03", "(4)", "-", "n/a"."""
    return bool(VALUE.match(text.strip()))


def wrapped_columns(
    previous: dict[int, TextLine], current: dict[int, TextLine], right_limits: dict[int, float]
) -> set[int]:
    """Columns in which ``current`` goes on with text wrapped from ``previous`` (see
    :func:`starts_new_row`)."""
    out = set()
    for column, line in current.items():
        above = previous.get(column)
        limit = right_limits.get(column)
        wraps = above is not None and limit is not None and not ended_short(above, line.words[0], limit)
        if wraps and above is not None and not (is_value(above.text) and is_value(line.text)):
            out.add(column)
    return out


def starts_new_row(previous: dict[int, TextLine], current: dict[int, TextLine], right_limits: dict[int, float]) -> bool:
    """Does a visual line of a table (``current``: its text by column) start a new row after
    the line above (``previous``), when no rule or spacing says so?

    A cell of the line goes on with wrapped text when the line above, in that column, was
    full (the first word would not have fitted at its end) and the two are not both values
    (a narrow column of numbers is always "full"); otherwise it starts new content. The
    line is a new row when more of its cells start new content than go on, and the new
    content is in the first column, or is values in more than half of the filled columns
    from its first cell on (values on the row grid, after empty leading cells). New words in
    a column or two (a hand-broken name under a lead, a second paragraph) stay in the row.
    """
    wrapped = wrapped_columns(previous, current, right_limits)
    new = [column for column in current if column not in wrapped]
    going_on = len(wrapped)
    if len(new) <= going_on:
        return False
    if 0 in new:
        return True
    first = min(current)
    span = sum(1 for column in right_limits if column >= first)
    return len(new) >= 2 and 2 * len(new) > span and any(is_value(current[column].text) for column in new)
