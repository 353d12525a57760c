"""Glossaries, people lists and section leads, read from a plan's own text.

Plans define their abbreviations in three ways: a glossary section ("Abbreviations/ Glossary"
followed by "LSCB Local Safeguarding Children Board" lines or two-cell table rows), inline
("Independent Reviewing Officer (IRO)"), and implicitly (never). They name their leads in a
"Leads and job titles" appendix ("Ann Goldsmith<TAB>Interim Assistant Director ..."), in
"Name, Job title" board lists, and per section ("Accountable Leads: Malcolm Newsam").

Everything here is a pure function on strings and deliberately conservative: an ordinary
sentence must never become a glossary entry or a person. An abbreviation is accepted only when
its letters can be read off the initials of the expansion; a person only when the name looks
like a name (first-name lexicon or honorific) and stands where a list puts names.

The first-name lexicon is the one the ``gender-guesser`` package ships (``nam_dict.txt``,
about 48,000 first names with per-country popularity); :func:`first_name_popularity` exposes
it for the normalise stage too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from extract.context import section_lead_text

__all__ = [
    "GlossaryEntry",
    "PersonEntry",
    "FirstNamePopularity",
    "first_name_popularity",
    "lines_to_glossary",
    "rows_to_glossary",
    "text_to_inline_glossary",
    "lines_to_people",
    "find_section_lead",
    "is_abbreviation",
    "abbreviation_matches",
]


@dataclass(frozen=True)
class GlossaryEntry:
    """One abbreviation the document defines, e.g. ``GlossaryEntry("LSCB", "Local Safeguarding Children Board")``."""

    abbreviation: str
    expansion: str


@dataclass(frozen=True)
class PersonEntry:
    """One named person the document describes, with the job title printed beside the name."""

    name: str
    job_title: str


# --------------------------------------------------------------------------- first names


@dataclass(frozen=True)
class FirstNamePopularity:
    """How common a first name is: 0 (absent) to 13, from gender-guesser's country columns.

    ``english`` is the highest value over Great Britain, Ireland and the USA; ``anywhere`` the
    highest over all countries the lexicon covers.
    """

    english: int
    anywhere: int


# Column offsets of nam_dict.txt: country i's frequency digit sits at column 30 + i; the first
# three countries are great_britain, ireland, usa (see gender_guesser.detector.Detector.COUNTRIES).
_COUNTRY_COLUMN = 30
_ENGLISH_COUNTRIES = 3


def _nam_dict_path() -> Path:
    import gender_guesser  # local import: only the data file is needed

    return Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"


@lru_cache(maxsize=1)
def _first_name_table() -> dict[str, tuple[str, str]]:
    """name (lowercase) -> (highest English-speaking, highest overall) frequency digit.

    Digits stay characters while loading (hex 1-D sort like their values): this runs once per
    process inside the lead pipeline's load budget.
    """
    table: dict[str, tuple[str, str]] = {}
    for line in _nam_dict_path().read_text(encoding="utf-8").split("\n"):
        if not line or line[0] in "#=":
            continue
        parts = line[:_COUNTRY_COLUMN].split()
        if len(parts) < 2:
            continue
        columns = line[_COUNTRY_COLUMN:].rstrip("\r$ ")
        english = columns[:_ENGLISH_COUNTRIES].replace(" ", "") or "0"
        anywhere = columns.replace(" ", "") or "0"
        value = (max(english), max(anywhere))
        for name in _expand_plus(parts[1]):
            key = name.lower()
            old = table.get(key)
            table[key] = value if old is None else (max(old[0], value[0]), max(old[1], value[1]))
    return table


def _expand_plus(name: str) -> tuple[str, ...]:
    """``Mary+Ann`` in the lexicon stands for ``MaryAnn``, ``Mary Ann`` and ``Mary-Ann``."""
    if "+" not in name:
        return (name,)
    return tuple(name.replace("+", sep) for sep in ("", " ", "-"))


def first_name_popularity(token: str) -> FirstNamePopularity | None:
    """Popularity of ``token`` as a first name, or None when the lexicon lacks it.

    >>> first_name_popularity("Trina").english > 0
    True
    >>> first_name_popularity("Manager") is None
    True
    """
    return _popularity(token.lower())


@lru_cache(maxsize=65536)
def _popularity(key: str) -> FirstNamePopularity | None:
    digits = _first_name_table().get(key)
    return None if digits is None else FirstNamePopularity(int(digits[0], 16), int(digits[1], 16))


# --------------------------------------------------------------------------- abbreviations

_TAG = re.compile(r"<[^>]+>")
_BULLET = re.compile(r"^\s*(?:[-*•●○▪■◦‣∙·]\s*)+")
_SPACES = re.compile(r"\s+")
_ABBREVIATION_SHAPE = re.compile(r"^[A-Z][A-Za-z0-9&/.'’\-]{0,14}$")
_FUNCTION_WORDS = frozenset("of and for in the to with on by at or a an from de la le du".split())
_WORD_SPLIT = re.compile(r"[\s\-/]+")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def is_abbreviation(token: str) -> bool:
    """A token printed as an abbreviation: mostly capitals, at least two of them.

    >>> [is_abbreviation(t) for t in ("LSCB", "PP&P", "CP/CPG", "IROs", "CwD", "Service", "A")]
    [True, True, True, True, True, False, False]
    """
    if not _ABBREVIATION_SHAPE.match(token) or token.replace(".", "").isdigit():
        return False
    upper = sum(ch.isupper() for ch in token)
    lower = sum(ch.islower() for ch in token)
    return upper >= 2 and upper >= lower


def _abbreviation_letters(part: str) -> str:
    """Letters an expansion must supply: plural 's' dropped, lowercased ("IROs" -> "iro")."""
    if re.fullmatch(r"[A-Z&]{2,}'?s", part):
        part = part.rstrip("s").rstrip("'")
    return "".join(ch.lower() for ch in part if ch.isalpha())


def _expansion_words(expansion: str) -> list[str]:
    text = re.sub(r"\([^)]*\)", " ", expansion)  # "(of the LSCB)" adds no initials
    words = [w.strip(".,;:'\"‘’“”") for w in _WORD_SPLIT.split(text)]
    return [w for w in words if w and w != "&" and w[0].isalnum()]


def abbreviation_matches(abbreviation: str, expansion: str, *, strict: bool = True) -> bool:
    """Whether ``abbreviation``'s letters can be read off ``expansion``'s word initials.

    Strict (inline definitions, lines outside a glossary section): every content word gives
    exactly its initial, in order; function words ("of", "and", "in") may or may not.
    Lenient (inside a declared glossary section): the letters are an in-order subsequence of
    all initials, starting with the first word and covering the last content word's initial.

    >>> abbreviation_matches("MASH", "Multi-Agency Safeguarding Hub")
    True
    >>> abbreviation_matches("OOH", "Out of Hours")
    True
    >>> abbreviation_matches("CCSQA", "Children in Care Strategy and Quality Assurance Group")
    False
    >>> abbreviation_matches("CCSQA", "Children in Care Strategy and Quality Assurance Group", strict=False)
    True
    >>> abbreviation_matches("LSCB", "Chair to require Health providers", strict=False)
    False
    """
    words = _expansion_words(expansion)
    # "CP/CPG", "IRO/IRS": any one spelling may be the one the expansion spells
    for part in abbreviation.split("/"):
        letters = _abbreviation_letters(part)
        if len(letters) < 2 or not words:
            continue
        usable = words[1:] if words[0].lower() == "the" and len(words) > 1 and letters[0] != "t" else words
        if (_strict_initials if strict else _lenient_initials)(letters, usable):
            return True
    return False


def _strict_initials(letters: str, words: Sequence[str]) -> bool:
    # Dynamic programme over (letter position, word position).
    @cache
    def match(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(letters)
        word = words[j]
        optional = word.lower() in _FUNCTION_WORDS
        if i < len(letters) and word[0].lower() == letters[i] and match(i + 1, j + 1):
            return True
        return optional and match(i, j + 1)

    return match(0, 0)


def _lenient_initials(letters: str, words: Sequence[str]) -> bool:
    initials = [w[0].lower() for w in words]
    if initials[0] != letters[0] or len(words) > 3 * len(letters) + 2:
        return False
    position = 0
    for letter in letters:
        while position < len(initials) and initials[position] != letter:
            position += 1
        if position == len(initials):
            return False
        position += 1
    content = [i for i, w in enumerate(words) if w.lower() not in _FUNCTION_WORDS]
    # the expansion should not run on far past its last matched word
    return not content or position >= content[-1] - 1


_GLOSSARY_HEADING = re.compile(
    r"^\s*(?:list\s+of\s+)?(?:abbreviations?|glossary|acronyms?)"
    r"(?:\s*(?:/|and|&|,)\s*(?:abbreviations?|glossary|acronyms?))?"
    r"(?:\s+(?:of\s+terms|used))?\s*:?\s*$",
    re.I,
)
_GLOSSARY_LINE = re.compile(r"^(?P<abbr>\S+)\s*(?:(?:[-–—:=]|\s)\s*)(?P<expansion>\S.*)$")
_MAX_EXPANSION_WORDS = 14
_TRAILING_SEE = re.compile(r"\s*\((?:see|page|p\.)\b[^)]*\)\s*$", re.I)


def lines_to_glossary(lines: Sequence[str]) -> list[GlossaryEntry]:
    """Glossary entries from the lines of a glossary section.

    Lines after a heading such as "Abbreviations/ Glossary" are read leniently; without a
    heading every line must pass the strict initials test. A line may be "ABBR Expansion",
    "ABBR - Expansion", "ABBR: Expansion" or two TAB-separated cells.

    >>> lines_to_glossary(["Abbreviations/ Glossary", "", "CP/CPG Corporate Parenting Group"])
    [GlossaryEntry(abbreviation='CP/CPG', expansion='Corporate Parenting Group')]
    """
    heading_at = next((i for i, line in enumerate(lines) if _GLOSSARY_HEADING.match(_clean(line))), None)
    body = lines if heading_at is None else lines[heading_at + 1 :]
    strict = heading_at is None
    entries = [entry for line in body if (entry := line_to_glossary_entry(line, strict=strict))]
    return _dedupe(entries)


def rows_to_glossary(rows: Sequence[Sequence[str]], *, strict: bool = False) -> list[GlossaryEntry]:
    """Glossary entries from two-cell table rows ``(abbreviation, expansion)``.

    Rows with another number of non-empty cells, and header rows, are skipped.
    """
    entries = []
    for row in rows:
        cells = [_clean(c) for c in row if c and _clean(c)]
        if len(cells) == 2:
            entry = _entry_from_parts(cells[0], cells[1], strict=strict)
            if entry:
                entries.append(entry)
    return _dedupe(entries)


def _tab_cells(line: str) -> tuple[str, str] | str | None:
    """A line as a text export prints a table row: its two TAB-separated cells, its one
    cell's text (the line itself when it has no TAB), or None for more cells."""
    if "\t" not in line:
        return line
    cells = [_clean(c) for c in line.split("\t") if _clean(c)]
    if len(cells) == 2:
        return cells[0], cells[1]
    return cells[0] if len(cells) == 1 else None


def line_to_glossary_entry(line: str, *, strict: bool = True) -> GlossaryEntry | None:
    """One glossary line to an entry, or None when it is not one."""
    cells = _tab_cells(line)
    if cells is None or isinstance(cells, tuple):
        return None if cells is None else _entry_from_parts(cells[0], cells[1], strict=strict)
    text = _BULLET.sub("", _clean(cells))
    match = _GLOSSARY_LINE.match(text)
    if not match:
        return None
    return _entry_from_parts(match["abbr"].rstrip(":-–—="), match["expansion"], strict=strict)


def _entry_from_parts(abbreviation: str, expansion: str, *, strict: bool) -> GlossaryEntry | None:
    abbreviation = abbreviation.strip().rstrip(":")
    expansion = _TRAILING_SEE.sub("", expansion.strip().strip("-–—:= ")).rstrip(".;,")
    if not is_abbreviation(abbreviation) or not expansion or not expansion[0].isalpha():
        return None
    if len(expansion.split()) > _MAX_EXPANSION_WORDS or re.search(r"[.!?]\s+[A-Z]", expansion):
        return None  # a sentence, not a name
    if is_abbreviation(expansion.split()[0]) and len(expansion.split()) == 1:
        return None  # "SGU SGS": two abbreviations side by side
    if not abbreviation_matches(abbreviation, expansion, strict=strict):
        return None
    return GlossaryEntry(abbreviation, expansion)


def _dedupe(entries: Sequence[GlossaryEntry]) -> list[GlossaryEntry]:
    return list(dict.fromkeys(entries))


_PAREN_ABBREVIATION = re.compile(r"\((?P<abbr>[A-Z][A-Za-z&/.\-]{1,14}?)(?:'s|’s|s)?\)")
_PAREN_EXPANSION = re.compile(r"(?P<abbr>\b[A-Z][A-Za-z&/\-]{1,14})\s+\((?P<expansion>[A-Za-z][^()]{3,120})\)")
_CLAUSE_BREAK = re.compile(r"[()\[\];:.!?,]|\s[-–—]\s")
_MAX_INLINE_WORDS = 12


def text_to_inline_glossary(text: str) -> list[GlossaryEntry]:
    """Abbreviations defined in running text: "Full Name (ABBR)" and "ABBR (Full Name)".

    The expansion is the shortest run of words before the parenthesis whose initials give
    the abbreviation exactly (strict test), so "Review of Independent Reviewing Officer (IRO)"
    yields "Independent Reviewing Officer".

    >>> text_to_inline_glossary("Implementation of Multi-Agency Safeguarding Hub (MASH) and Early Help (EH) Panel.")
    ... # doctest: +NORMALIZE_WHITESPACE
    [GlossaryEntry(abbreviation='MASH', expansion='Multi-Agency Safeguarding Hub'),
     GlossaryEntry(abbreviation='EH', expansion='Early Help')]
    """
    text = _clean(text)
    found: list[tuple[int, GlossaryEntry]] = []
    for match in _PAREN_ABBREVIATION.finditer(text):
        abbreviation = match["abbr"]
        if not is_abbreviation(abbreviation):
            continue
        expansion = _expansion_before(text[: match.start()], abbreviation)
        if expansion:
            found.append((match.start(), GlossaryEntry(abbreviation, expansion)))
    for match in _PAREN_EXPANSION.finditer(text):
        abbreviation, expansion = match["abbr"], match["expansion"].strip()
        if is_abbreviation(abbreviation) and abbreviation_matches(abbreviation, expansion, strict=True):
            found.append((match.start(), GlossaryEntry(abbreviation, expansion)))
    seen: dict[tuple[str, str], GlossaryEntry] = {}
    for _, entry in sorted(found, key=lambda pair: pair[0]):
        seen.setdefault((entry.abbreviation, entry.expansion.lower()), entry)
    return list(seen.values())


def _expansion_before(prefix: str, abbreviation: str) -> str | None:
    """Shortest tail of ``prefix`` (within its clause) that spells ``abbreviation``."""
    clause = _CLAUSE_BREAK.split(prefix)[-1]
    spans = [m for m in re.finditer(r"[^\s]+", clause)]
    for size in range(1, min(len(spans), _MAX_INLINE_WORDS) + 1):
        first = spans[-size]
        candidate = clause[first.start() :].strip().strip("'\"‘’“”")
        head = candidate.split()[0] if candidate.split() else ""
        if not head or not head[0].isalpha() or head.lower() in _FUNCTION_WORDS:
            continue
        if abbreviation_matches(abbreviation, candidate, strict=True):
            return candidate
    return None


# --------------------------------------------------------------------------- people

_HONORIFICS = frozenset("cllr councillor dr mr mrs ms miss mx prof professor sir dame rev revd lord lady".split())
# Words that make a "name" part a role or an organisation, never a person.
_NOT_NAME_WORDS = frozenset(
    """
    all and the of for to with service services manager managers director team board group
    unit council committee panel partnership trust hospital authority department school schools
    college children children's childrens social care health early help years centre centres
    safeguarding local independent chair head lead leads officer nurse doctor member members
    assistant deputy senior chief executive interim acting designated named strategic signed
    dated page appendix outcome action actions plan review area areas key list leads job titles
    """.split()
)
# Words that say the text beside a name is a job title.
_JOB_WORDS = frozenset(
    """
    manager director chair chairman chairperson member executive officer head lead nurse doctor
    teacher constable inspector councillor adviser advisor principal governor commissioner
    superintendent coordinator co-ordinator president secretary chief consultant cabinet
    practitioner worker administrator leader clerk treasurer mayor
    """.split()
)
_NAME_TOKEN = re.compile(r"^[A-Z][a-zA-Z'’\-]*[a-z][a-zA-Z'’\-]*$|^[A-Z]\.?$")
_SIGNATURE_NOISE = re.compile(r"^(?:signed|dated)\b.*$", re.I)


def lines_to_people(lines: Sequence[str]) -> list[PersonEntry]:
    """People from a "Leads and job titles" list or "Name, Job title" lines.

    A line is either two TAB-separated cells (name, job title), as the plan 003 appendix
    prints them, or "Name, Job title" (board member lists, optionally bulleted and with an
    honorific, which is dropped). The name part must be 2-4 capitalised words that are not
    role words, and either start with a known first name / honorific, or sit beside a text
    that names a job.

    >>> lines_to_people(["Ann Goldsmith\\tInterim Assistant Director for Children's Social Care",
    ...                  "Cllr Sheila Scott, Cabinet Member for Children's Services",
    ...                  "EH, Early Years and Children's Centres"])  # doctest: +NORMALIZE_WHITESPACE
    [PersonEntry(name='Ann Goldsmith', job_title="Interim Assistant Director for Children's Social Care"),
     PersonEntry(name='Sheila Scott', job_title="Cabinet Member for Children's Services")]
    """
    people = [person for line in lines if (person := line_to_person(line))]
    seen: dict[str, PersonEntry] = {}
    for person in people:
        if person.name not in seen or (not seen[person.name].job_title and person.job_title):
            seen[person.name] = person
    return list(seen.values())


def line_to_person(line: str) -> PersonEntry | None:
    """One "Name<TAB>Job title" or "Name, Job title" line to a person, or None."""
    cells = _tab_cells(line)
    if cells is None or isinstance(cells, tuple):
        return None if cells is None else _person_from_parts(cells[0], cells[1])
    text = _BULLET.sub("", _clean(cells))
    if "," not in text or _SIGNATURE_NOISE.match(text):
        return None
    name, _, title = text.partition(",")
    return _person_from_parts(name, title)


def _person_from_parts(name: str, title: str) -> PersonEntry | None:
    tokens = name.split()
    honorific = bool(tokens) and tokens[0].lower().rstrip(".") in _HONORIFICS
    if honorific:
        tokens = tokens[1:]
    if not 2 <= len(tokens) <= 4 or not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    if any(t.lower().strip("'’") in _NOT_NAME_WORDS for t in tokens) or len(tokens[-1].rstrip(".")) < 2:
        return None
    title = title.strip().strip(",;").strip()
    title_words = {w.lower().strip(",.()") for w in title.split()}
    first_name = first_name_popularity(tokens[0]) is not None
    if not (honorific or first_name or title_words & _JOB_WORDS):
        return None
    return PersonEntry(" ".join(tokens), title)


# --------------------------------------------------------------------------- section leads

_LEAD_SPLIT = re.compile(r"\s*(?:;|&|\band\b)\s*")


def find_section_lead(text: str) -> tuple[str, ...] | None:
    """The lead a section names for itself: "Accountable Leads: Malcolm Newsam" -> ("Malcolm Newsam",).

    Only a line that starts with a lead label counts (the grammar of
    :func:`extract.context.section_lead_text`, which headings use too); the value is split into
    separate leads at ";", "&" and "and", and at commas when every part is a bare name.

    >>> find_section_lead("<p>Accountable Leads: Ann Goldsmith</p>")
    ('Ann Goldsmith',)
    >>> find_section_lead("The framework will lead the improvements") is None
    True
    """
    for raw in re.split(r"\n|<br\s*/?>|</p>", text, flags=re.I):
        line = _clean(raw.replace("\t", " "))
        names = section_lead_text(line)
        if names is None:
            continue
        parts = [p.strip(" .,") for p in _LEAD_SPLIT.split(names) if p.strip(" .,")]
        parts = [q for p in parts for q in _split_name_commas(p)]
        if parts:
            return tuple(dict.fromkeys(parts))
    return None


def _split_name_commas(value: str) -> list[str]:
    pieces = [p.strip() for p in value.split(",") if p.strip()]
    bare_names = all(
        2 <= len(p.split()) <= 4 and all(_NAME_TOKEN.match(t) and t.lower() not in _NOT_NAME_WORDS for t in p.split())
        for p in pieces
    )
    return pieces if len(pieces) > 1 and bare_names else [value]
