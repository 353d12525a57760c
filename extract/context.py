"""Small text rules for refs, cross-reference links and heading rows, and the context they set.

Headings are the rows and lines that are not actions but give context to the actions below
them: section / pillar titles, "1.1 Outcome: ..." area headings, "Accountable Leads: ..."
lines, and objective notes. :class:`Context` is the context in force at a point of the
document; :func:`fold_text_block` and :func:`fold_heading_row` give the context after a
narrative line or a heading row, as a new value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from extract.items import split_enumerated
from extract.settings import DEFAULT_WALK_SETTINGS

_REF = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?(?=\s|$|[A-Za-z(])")
_MULTI_LEVEL_REF = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,3})\.?(?=\s|$)")
_CODED_REF = re.compile(r"^\s*([A-Z]{1,6}[ .-]?\d{1,4}(?:[./-]\d{1,4})*[a-z]?(?:\s?\([a-z0-9]{1,4}\))?)(?=\s|$|[,;:])")
_NUMBERED_REF = re.compile(r"^\s*(\d{1,4}(?:[/-]\d{1,4})+[a-z]?)(?=\s|$|[,;:])")
_LINKS_LABEL = re.compile(r"\blinks?\s+to\b:?", re.I)
_LINK = re.compile(r"\b([A-Z]{2,5})\s?(\d{1,3})\b")
_AREA_HEADING = re.compile(
    r"^\s*(?P<ref>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s*"
    r"(?:(?P<label>outcomes?|operational|objectives?|priority|aim|theme)\s*)?[:–—-]?\s*(?P<text>.+)$",
    re.I | re.S,
)
_SECTION_NUMBER = re.compile(r"^\s*(\d{1,2})\.?\s+(?=[A-Z])")
_NOTE_LABEL = re.compile(r"^\s*(?:key\s+)?(?:objectives?|aims?|purpose|vision|note)\s*[:–-]", re.I)


def leading_ref(text: str, multi_level_only: bool = False) -> str:
    """The reference a cell starts with ("1.1.3", "2.10"), trimmed of trailing dots, or ""."""
    match = (_MULTI_LEVEL_REF if multi_level_only else _REF).match(text or "")
    return match.group(1) if match else ""


def coded_ref(text: str) -> str:
    """A lettered, minute or log reference a ref cell starts with: "A1", "AFI 2", "R3.1",
    "BOD 62/17(l)", "FPC 12/18", "2023/014"; or "". Only ref columns are read this way: in running text
    "Q4 2024" would look the same."""
    match = _CODED_REF.match(text or "") or _NUMBERED_REF.match(text or "")
    return match.group(1) if match else ""


def row_key_ref(text: str) -> str:
    """The reference a ref-column cell starts with, outline ("1.2", "01.05") or coded; a cell
    of cross-references only ("OR 2 IN 18") has none."""
    if is_links_only(text or ""):
        return leading_ref(text)
    return leading_ref(text) or coded_ref(text)


def strip_leading_ref(text: str, ref: str) -> str:
    """Remove ``ref`` from the start of ``text`` ("1.1 Reiterate advice" -> "Reiterate advice")."""
    if ref and text.lstrip().startswith(ref):
        rest = text.lstrip()[len(ref) :]
        if not rest or not rest[0].isdigit():
            return rest.lstrip(". ").strip()
    return text.strip()


def parse_links(text: str) -> tuple[str, ...]:
    """Cross-references printed with a ref: "Links to OR 2 OR 9 IN 8 IN18" -> ("OR 2", "OR 9", "IN 8", "IN 18")."""
    links = []
    for prefix, number in _LINK.findall(text or ""):
        link = f"{prefix} {number}"
        if link not in links:
            links.append(link)
    return tuple(links)


def split_ref_cell(text: str) -> tuple[str, tuple[str, ...], str]:
    """A ref cell to (ref, links, leftover text): "1.1.1 Links to OR 1" -> ("1.1.1", ("OR 1",), "")."""
    ref = row_key_ref(text)
    rest = strip_leading_ref(text, ref) if ref else text.strip()
    links = parse_links(rest) if (_LINKS_LABEL.search(rest) or _only_links(rest)) else ()
    leftover = _LINK.sub("", _LINKS_LABEL.sub("", rest)).strip(" ;,") if links else rest
    return ref, links, leftover


def _only_links(text: str) -> bool:
    return bool(text.strip()) and not _LINK.sub("", text).strip(" ;,")


def is_links_only(text: str) -> bool:
    """True for a cell that holds only cross-references ("Links to OR 12 IN 13", "OR 2 IN
    18"). One code alone with no "Links to" label ("EH2", "AFI 3") is a reference of its own."""
    rest = _LINKS_LABEL.sub("", text or "")
    links = parse_links(rest)
    return bool(links) and _only_links(rest) and (rest != (text or "") or len(links) >= 2)


# What a one-cell row or narrative line sets: the section, the area, the section's lead; a
# note is kept out of the context; a continuation extends the heading before it.
HeadingKind = Literal["section", "area", "lead", "note", "continuation"]

# The one section-lead grammar (headings here, people lists in extract.glossary): a lead label
# ("Lead", "Officers", "Accountable Leads", "Strategic Lead", "Lead Officer", "Theme owner"), then
# a colon or a dash set off by a space, then the names. A bare "Director" or "Person" is no label:
# only with a qualifier in front ("Lead Director", "Responsible person").
_LEAD_QUALIFIER = (
    r"(?:accountable|strategic|senior|responsible|executive|delivery|named|overall|section|pillar|"
    r"theme|priority|outcome|lead)"
)
_LEAD_NOUN = r"(?:leads?|lead\(s\)|officers?|owners?|directors?|persons?)"
_BARE_LEAD_NOUN = r"(?:leads?|lead\(s\)|officers?|owners?)"
_SECTION_LEAD = re.compile(
    rf"^\s*(?:(?:{_LEAD_QUALIFIER}\s+)+{_LEAD_NOUN}|{_BARE_LEAD_NOUN})\s*(?::|\s[–—-]|[–—])\s*(?P<names>\S.*)$",
    re.I | re.S,
)
MAX_SECTION_LEAD_CHARS = 160
"""Names after a lead label are short; a longer text after "Lead:" is prose, not a lead line."""


def section_lead_text(line: str) -> str | None:
    """The names a section-lead line gives, as printed, or None when the line is no lead line.

    >>> section_lead_text("Strategic Lead: Jane Smith")
    'Jane Smith'
    >>> section_lead_text("Lead Officer – Omar Khan")
    'Omar Khan'
    >>> section_lead_text("Leadership and management") is None
    True
    """
    match = _SECTION_LEAD.match(line)
    if not match or len(match["names"].strip()) > MAX_SECTION_LEAD_CHARS:
        return None
    return match["names"].strip()


@dataclass(frozen=True)
class Heading:
    """A classified heading row or line."""

    kind: HeadingKind
    text: str
    ref: str = ""


def classify_heading(text: str) -> Heading:
    """Decide what a one-cell row or narrative line is.

    >>> classify_heading("1.1 Outcome: Leaders are clear").kind
    'area'
    >>> classify_heading("Accountable Leads: Malcolm Newsam").text
    'Malcolm Newsam'
    """
    stripped = " ".join(text.split())
    names = section_lead_text(stripped)
    if names is not None:
        return Heading("lead", names)
    area = _AREA_HEADING.match(stripped)
    if area and area.group("text").strip():
        return Heading("area", clean_heading(area.group("text")), ref=area.group("ref"))
    if _NOTE_LABEL.match(stripped):
        return Heading("note", stripped)
    if stripped[:1].islower():
        return Heading("continuation", stripped)
    return Heading("section", stripped)


def clean_heading(text: str) -> str:
    """Drop a leading number and a label such as "Outcome:" from a heading; tidy " :"."""
    text = " ".join(text.split())
    text = re.sub(r"^\s*(?:outcomes?|operational|objectives?)\s*[:–—-]\s*", "", text, flags=re.I)
    text = re.sub(r"\s+([:;,.])", r"\1", text)
    return text.strip()


def section_title(text: str) -> str:
    """A section heading without its number: "2. Service management" -> "Service management"."""
    return _SECTION_NUMBER.sub("", " ".join(text.split())).strip()


_SHORT_WORDS = frozenset("a an and as at be by do for if in is it no of on or so the to up us we".split())


def join_split_cells(texts: list[str]) -> tuple[str, bool]:
    """Join cell texts of a row whose text overflowed across cells, re-gluing split words.

    "Service management -" | "- within Children's Service a" | "nd across Service" | "s"
    -> "Service management - within Children's Service and across Services".
    Returns (text, glued) where glued says whether any word was split across cells.
    """
    out = ""
    glued = False
    for text in texts:
        text = " ".join(text.split())
        if not text:
            continue
        head = text.split()[0]
        # The cut-off piece is letters only: "a)" starting a cell is an item marker, not "nd".
        if (
            out
            and out[-1].isalpha()
            and text[0].islower()
            and head.isalpha()
            and len(head) <= 3
            and head not in _SHORT_WORDS
        ):
            out += text
            glued = True
        elif out.endswith("-") and text.startswith("-"):
            out = out[:-1].rstrip() + " - " + text[1:].lstrip()
        else:
            out = f"{out} {text}" if out else text
    return out, glued


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class Context:
    """The context in force above a row: what the headings read so far set.

    ``last_heading`` is the kind of the heading row just read ("" once a data row came), so a
    lower-case row can continue it; ``pending_section`` is a heading-like narrative line read
    just before a table, which becomes the section when the table starts.
    """

    section: str = ""
    area_heading: str = ""
    section_lead: str = ""
    last_heading: HeadingKind | Literal[""] = ""
    pending_section: str = ""


HeadingUse = Literal["context", "unused", "unused-continuation"]
"""What a heading row did: set or continued the context, or set nothing (a note, or a
continuation with nothing to continue, both reported as unused text)."""

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")


def is_heading_like(text: str, max_words: int = DEFAULT_WALK_SETTINGS.max_heading_words) -> bool:
    """Short, undated, one sentence at most, not a list and not a note: "Second review of
    progress – 26th June 2012", "This plan sets out ... Progress will be reported ..." or
    "Areas ... themed 1. Practice ... 2. Service ..." are not section headings."""
    if len(text.split()) > max_words or _YEAR.search(text) or _SENTENCE_BREAK.search(text):
        return False
    return split_enumerated(text) is None


def fold_text_block(
    context: Context, text: str, max_heading_words: int = DEFAULT_WALK_SETTINGS.max_heading_words
) -> Context:
    """The context after a narrative line between tables. Only a heading-like line right
    before a table becomes the section of the rows below; document titles, dated status
    lines and notes do not.

    >>> fold_text_block(Context(), "Early help and family support").pending_section
    'Early help and family support'
    """
    heading = classify_heading(text)
    if heading.kind == "lead":
        return replace(context, section_lead=heading.text)
    if heading.kind == "continuation" and context.pending_section:
        # A title wrapped onto a second line that a reader gave as its own block.
        return replace(context, pending_section=f"{context.pending_section} {text}")
    if heading.kind == "area":
        return replace(context, area_heading=heading.text)
    if heading.kind == "section" and is_heading_like(text, max_heading_words):
        return replace(context, pending_section=section_title(text))
    return replace(context, pending_section="")


def start_pending_section(context: Context) -> Context:
    """A table starts: the heading-like line read just before it becomes the section."""
    if not context.pending_section:
        return context
    return replace(context, section=context.pending_section, area_heading="", pending_section="")


def fold_heading_row(context: Context, text: str) -> tuple[Context, HeadingUse]:
    """The context after a heading row: a section resets the area and lead below it; a
    lower-case row continues the heading row just before it.

    >>> fold_heading_row(Context(area_heading="Old"), "Pillar One: Leadership")[0].area_heading
    ''
    """
    heading = classify_heading(text)
    if heading.kind == "continuation" and context.last_heading:
        return _continue_heading(context, text)
    if heading.kind == "lead":
        context = replace(context, section_lead=heading.text)
    elif heading.kind == "area":
        context = replace(context, area_heading=heading.text)
    elif heading.kind == "section":
        context = replace(context, section=section_title(text), area_heading="", section_lead="")
    use: HeadingUse = "context" if heading.kind in ("lead", "area", "section") else "unused"
    return replace(context, last_heading=heading.kind), use


def _continue_heading(context: Context, text: str) -> tuple[Context, HeadingUse]:
    if context.last_heading == "area":
        return replace(context, area_heading=f"{context.area_heading} {text}"), "context"
    if context.last_heading == "section":
        return replace(context, section=f"{context.section} {text}"), "context"
    if context.last_heading == "lead":
        return replace(context, section_lead=f"{context.section_lead} {text}"), "context"
    return context, "unused-continuation"
