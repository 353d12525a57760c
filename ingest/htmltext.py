"""HTML fragments (as found inside exported table cells) to :class:`Line` tuples.

Cells of the text exports carry bits of HTML: ``<p>``, ``<b>``, ``<i>``, ``<ul><li>``, ``<br>``
and entities. A real parser (BeautifulSoup on the standard library's ``html.parser``) turns
them into lines, keeping paragraph breaks, bold and list items as hints for extract.
Plain text passes through as one line; ``**bold**`` (a markdown export habit) counts as bold.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bs4 import BeautifulSoup, NavigableString, Tag

from ingest.model import Line

_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "td", "th"}
)
_BOLD_TAGS = frozenset({"b", "strong", "th"})
_HAS_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_MARKDOWN_BOLD = re.compile(r"^\*\*(.+?)\*\*$", re.S)
_SPACE = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b]+")
BULLET_CHARS = "•●○▪■◦‣∙·"


def clean_space(text: str) -> str:
    """Collapse runs of spaces (incl. non-breaking) and trim."""
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def html_to_lines(fragment: str) -> tuple[Line, ...]:
    """Parse a cell's text (HTML or plain) into lines.

    >>> html_to_lines("<p><b>1.0 Heading</b></p> <p>i) Do &amp; review</p>")
    (Line(text='1.0 Heading', bold=True, bullet=False), Line(text='i) Do & review', bold=False, bullet=False))
    """
    if not fragment or not fragment.strip():
        return ()
    if not _HAS_TAG.search(fragment):
        return _plain_lines(fragment)
    soup = BeautifulSoup(fragment, "html.parser")
    builder = _LineBuilder()
    _walk(soup, builder, bold=False, in_li=False)
    builder.flush()
    return split_inline_bullets(tuple(builder.lines))


_INLINE_BULLET = re.compile(r"(?:^|\s)[" + BULLET_CHARS + r"](?=\s|$)")


def split_inline_bullets(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """Split lines holding several "•" items into one bullet line per item.

    Text before the first bullet glyph stays a line of its own (bullet only if the line was
    a list item); a lone glyph with no text after it is dropped.
    """
    out: list[Line] = []
    for line in lines:
        if not _INLINE_BULLET.search(line.text):
            out.append(line)
            continue
        parts = _INLINE_BULLET.split(line.text)
        head = clean_space(parts[0])
        if head:
            out.append(Line(head, bold=line.bold, bullet=line.bullet))
        out.extend(Line(clean_space(part), bold=line.bold, bullet=True) for part in parts[1:] if clean_space(part))
    return tuple(out)


def _plain_lines(text: str) -> tuple[Line, ...]:
    out: list[Line] = []
    for raw in re.split("\r\n|\r|\n", text):
        line = clean_space(raw)
        if not line:
            continue
        match = _MARKDOWN_BOLD.match(line)
        if match:
            out.append(Line(clean_space(match.group(1)), bold=True))
        else:
            out.append(Line(line))
    return split_inline_bullets(tuple(out))


class _LineBuilder:
    """Accumulates text pieces with their boldness into lines."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._pieces: list[tuple[str, bool]] = []
        self._bullet = False

    def add(self, text: str, bold: bool) -> None:
        self._pieces.append((text, bold))

    def start_item(self) -> None:
        self.flush()
        self._bullet = True

    def flush(self) -> None:
        text = clean_space("".join(piece for piece, _ in self._pieces))
        if text:
            visible = [(p, b) for p, b in self._pieces if p.strip()]
            bold = bool(visible) and all(b for _, b in visible)
            self.lines.append(Line(text, bold=bold, bullet=self._bullet))
        self._pieces = []
        self._bullet = False


def _walk(node: Tag, builder: _LineBuilder, bold: bool, in_li: bool) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Declaration", "ProcessingInstruction", "Doctype"):
                continue
            builder.add(str(child).replace("\n", " "), bold)
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name in ("script", "style", "head"):
            continue
        if name == "br":
            builder.flush()
            continue
        child_bold = bold or name in _BOLD_TAGS
        if name == "li" or (name in ("ul", "ol") and not child.find("li")):
            # A list without <li> (seen in exports: <ul> holding "• a • b") is one item.
            builder.start_item()
            _walk(child, builder, child_bold, in_li=True)
            builder.flush()
        elif name in _BLOCK_TAGS:
            keep_bullet = builder._bullet and not builder._pieces
            builder.flush()
            if keep_bullet:
                builder._bullet = True
            _walk(child, builder, child_bold, in_li)
            builder.flush()
        else:
            _walk(child, builder, child_bold, in_li)
