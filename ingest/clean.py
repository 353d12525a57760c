"""Control characters out of every text a reader produced, each removal recorded.

ESC (from a pasted terminal colour code, or ``&#27;`` in HTML), NUL, DEL, C1 controls and
the Unicode line separators are invisible in a spreadsheet, break some writers (the XLSX
format refuses them) and mean nothing in a plan. They are removed in ingest, once, for every
format, so no later stage or writer ever sees them; each cell or text block that had some
gets a ``control-characters`` issue showing the text with what was removed as ``\\xNN``.
Characters that separate words (vertical tab, form feed, the file/group/record/unit
separators, NEL, U+2028/U+2029) become a space, the rest are dropped. Tabs and line
structure (the :class:`Line` tuple) are kept.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.htmltext import clean_space
from ingest.model import Block, Cell, Document, Issue, Line, Table, TextBlock

_SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\r\n"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SEPARATOR = re.compile(f"[{_SEPARATORS}]")
_DROPPED = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
VALUE_CHARACTERS = 200
"""How much of an affected text an issue row quotes."""


def without_controls(text: str) -> str:
    """``text`` with word-separating controls as spaces and the other controls dropped.

    >>> without_controls("Review\\x1b[0m plan\\x0bby March")
    'Review[0m plan by March'
    """
    if not _CONTROL.search(text):
        return text
    return clean_space(_SEPARATOR.sub(" ", _DROPPED.sub("", text)))


def shown(text: str) -> str:
    """``text`` with each control character written as ``\\xNN`` (for issue values)."""
    escaped = _CONTROL.sub(
        lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) <= 0xFF else f"\\u{ord(match.group()):04x}",
        text,
    )
    return escaped[:VALUE_CHARACTERS]


def remove_control_characters(document: Document) -> Document:
    """``document`` with control characters removed from every cell, text block and metadata
    value, and one ``control-characters`` issue per text that had any."""
    issues: list[Issue] = []
    blocks = tuple(_clean_block(block, issues) for block in document.blocks)
    metadata = tuple((key, without_controls(value)) for key, value in document.metadata)
    if not issues and metadata == document.metadata:
        return document
    return replace(document, blocks=blocks, metadata=metadata, issues=document.issues + tuple(issues))


def _clean_block(block: Block, issues: list[Issue]) -> Block:
    if isinstance(block, TextBlock):
        lines = _clean_lines(block.lines, block.page, issues)
        return block if lines is block.lines else replace(block, lines=lines)
    rows = tuple(tuple(_clean_cell(cell, block, issues) for cell in row) for row in block.rows)
    return replace(block, rows=rows)


def _clean_cell(cell: Cell | None, table: Table, issues: list[Issue]) -> Cell | None:
    if cell is None:
        return None
    lines = _clean_lines(cell.lines, cell.page or table.page, issues)
    return cell if lines is cell.lines else replace(cell, lines=lines)


def _clean_lines(lines: tuple[Line, ...], page: int | None, issues: list[Issue]) -> tuple[Line, ...]:
    if not any(_CONTROL.search(line.text) for line in lines):
        return lines
    original = "\n".join(line.text for line in lines)
    count = len(_CONTROL.findall(original))
    issues.append(
        Issue.from_reader(
            "control-characters", f"{count} control characters removed from the text", page, shown(original)
        )
    )
    cleaned = (replace(line, text=without_controls(line.text)) for line in lines)
    return tuple(line for line in cleaned if line.text)
