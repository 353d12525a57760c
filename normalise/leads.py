"""Lead cells to people and roles.

A lead cell names people ("Susan Tinnion, Service Manager"), roles, teams and boards
("Placement Service", "PMAE sub group"), abbreviations ("SGU SGS") or all of them run together
without punctuation ("Maurice Lindsay Trina Shane Charlie Moat Liz Jones"). The gold rules
(shared/gold/GUIDE.md): people are "First Last" as printed, de-duplicated in order, titles
dropped; everything else that names a lead is a role, as printed.

How it works, on spaCy's blank English tokenizer (no statistical model exists here):

1. :func:`split_lead_items` cuts an enumerated cell ("i) SGU ii) Placement Service") into items.
2. The ``lead_segmenter`` pipeline component scores every way of reading the tokens as
   person names and keeps the best (a small dynamic programme): a name is a known person
   from the same document (:class:`LeadKnowledge`), or a first name from gender-guesser's
   lexicon followed by a capitalised surname (with a middle initial, a particle as in
   "Ann de Souza", or an honorific dropped), or "Unknown Name, Role", or two rare capitalised
   words run together with confident names. A lexicon name that is also a common English
   word must be a popular first name ("Frank" yes, "Will" and "May" no). Runs of names are
   paired left to right, so "Maurice Lindsay Trina Shane" is two people although Lindsay
   and Shane are first names too; three-word names need document evidence or a lone run.
3. What is left between names is cut into roles at sentence ends, line breaks, commas
   after a job title, and between abbreviations printed side by side.

The result is stored on the ``Doc`` as ``PERSON`` and ``ROLE`` entities, so the pipeline can be
inspected like any spaCy NER output; :func:`parse_lead` is the one-call API.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from wordfreq import zipf_frequency

from extract.glossary import (
    GlossaryEntry,
    PersonEntry,
    find_section_lead,
    first_name_popularity,
    is_abbreviation,
    lines_to_people,
)
from extract.items import split_enumerated
from normalise.settings import LeadSettings

__all__ = ["Lead", "LeadKnowledge", "LeadSettings", "parse_lead", "split_lead_items", "get_nlp", "clean_lead_text"]

KNOWLEDGE_KEY = "lead_knowledge"
"""``Doc.user_data`` key the segmenter reads the document's :class:`LeadKnowledge` from."""


SETTINGS_KEY = "lead_settings"
"""``Doc.user_data`` key the segmenter reads its :class:`LeadSettings` (the scores) from."""
SCORES_KEY = "lead_person_scores"
"""``Doc.user_data`` key of {(start, end): score} for the PERSON entities found."""
DEFAULT_SETTINGS = LeadSettings()


@dataclass(frozen=True)
class LeadKnowledge:
    """What the same document says elsewhere about its leads.

    ``known_people``: full names printed elsewhere (people list, "Name, Title" lines, other
    lead cells). ``abbreviations``: abbreviations its glossary defines. ``initials``: (initials,
    full name) pairs the plan resolves: a glossary entry whose expansion is a name ("RT Rachel
    Thompson"), or the one known person whose initials they are ("JS" beside "Jane
    Sutherland" in the people list; two people with the same initials resolve neither).
    """

    known_people: frozenset[str] = frozenset()
    abbreviations: frozenset[str] = frozenset()
    initials: tuple[tuple[str, str], ...] = ()

    @classmethod
    def empty(cls) -> LeadKnowledge:
        return _EMPTY_KNOWLEDGE

    @classmethod
    def from_document(
        cls,
        lead_cells: Sequence[str],
        people: Sequence[PersonEntry],
        glossary: Sequence[GlossaryEntry],
        other_texts: Sequence[str] = (),
        settings: LeadSettings = DEFAULT_SETTINGS,
    ) -> LeadKnowledge:
        """Collect the document's own evidence about names and abbreviations.

        People come from the people list, from "Name, Job title" lines and section lead lines
        ("Accountable Leads: Ann Goldsmith") in ``other_texts``, and from every lead cell, read
        with the names found so far, so that a name printed once with a comma ("Saheed Khan,
        LSCB Performance") is recognised where it is printed alone. Only confident readings
        (known, lexicon first name + surname, "Name, Role") are added, so a guess made in one
        cell never outweighs the evidence in another.
        """
        abbreviations = frozenset(
            part for entry in glossary for part in (entry.abbreviation, *entry.abbreviation.split("/")) if part
        )
        names = {person.name for person in people}
        section_leads: list[str] = []
        for text in other_texts:
            lines = _text_lines(text)
            names.update(person.name for person in lines_to_people(lines))
            section_leads.extend(lead for line in lines for lead in (find_section_lead(line) or ()))
        # a section lead that is just a name ("Accountable Leads: Saheed Khan") names a person
        names.update(lead for lead in section_leads if _bare_name(lead))
        seed = cls(frozenset(names), abbreviations)
        for cell in [*lead_cells, *section_leads]:
            for chunk in split_lead_items(cell) or [clean_lead_text(cell)]:
                names.update(_confident_people(analyse_lead(chunk, seed, settings), settings))
        return cls(frozenset(names), abbreviations, _resolved_initials(names, glossary))

    @property
    def first_names(self) -> frozenset[str]:
        return frozenset(name.split()[0].lower() for name in self.known_people if len(name.split()) > 1)


_EMPTY_KNOWLEDGE = LeadKnowledge()


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isupper()).upper()


def _resolved_initials(names: Iterable[str], glossary: Sequence[GlossaryEntry]) -> tuple[tuple[str, str], ...]:
    """Initials the plan itself resolves to a person; see :class:`LeadKnowledge`."""
    named = {entry.abbreviation: entry.expansion for entry in glossary if _bare_name(entry.expansion.strip())}
    defined = {entry.abbreviation for entry in glossary}
    by_initials: dict[str, set[str]] = {}
    for name in names:
        if len(name.split()) >= 2:
            by_initials.setdefault(_initials(name), set()).add(name)
    resolved = dict(named)
    for initials, people in by_initials.items():
        if len(people) == 1 and initials not in defined and len(initials) >= 2:
            resolved[initials] = next(iter(people))
    return tuple(sorted(resolved.items()))


@dataclass(frozen=True)
class Lead:
    """A lead cell read into person names and non-person leads (roles, teams, boards)."""

    people: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


# --------------------------------------------------------------------------- text cleaning

_BLOCK_TAG = re.compile(r"<\s*(?:br|/p|/li|/div|/tr|/h\d)\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_BULLET = re.compile(r"^\s*(?:[-*•●○▪■◦‣∙·]\s+|[•●○▪■◦‣∙·])")
_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b]+")


def clean_lead_text(text: str) -> str:
    """HTML and entities out, one line per paragraph, bullets and extra spaces dropped.

    >>> clean_lead_text("<p>PMAE Sub Group</p> <p>All sub-groups &amp; main Board</p>")
    'PMAE Sub Group\\nAll sub-groups & main Board'
    """
    text = html.unescape(_TAG.sub(" ", _BLOCK_TAG.sub("\n", text or "")))
    lines = (_INLINE_SPACE.sub(" ", _BULLET.sub("", line)).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _bare_name(text: str) -> bool:
    """2-3 capitalised words, none a role, stop or calendar word: "Saheed Khan"."""
    words = text.split()
    return 2 <= len(words) <= 3 and all(
        _surname_ok(w) or (_is_initial(w) and 0 < k < len(words) - 1) for k, w in enumerate(words)
    )


def _text_lines(text: str) -> list[str]:
    """Lines of a text with HTML removed but TABs kept (two-cell "Name<TAB>Job title" rows)."""
    text = html.unescape(_TAG.sub(" ", _BLOCK_TAG.sub("\n", text or "")))
    return [line.strip() for line in text.split("\n") if line.strip()]


# --------------------------------------------------------------------------- enumerated items


def split_lead_items(text: str) -> list[str] | None:
    """Items of an enumerated lead cell, markers removed; None when the cell is not enumerated.

    The markers are found by the extract stage's :func:`extract.items.split_enumerated`, so
    leads and actions enumerate alike. A cell is enumerated when it starts with a marker
    ("i)", "1.", "(2)", "a)") or carries two or more markers after a label ending in ":".
    Lines inside an item are kept (joined by newlines).

    >>> split_lead_items("i) SGU ii) Placement Service")
    ['SGU', 'Placement Service']
    >>> split_lead_items("1. PMAE sub group 2. L&D sub group")
    ['PMAE sub group', 'L&D sub group']
    >>> split_lead_items("Susan Tinnion, Service Manager") is None
    True
    """
    cleaned = clean_lead_text(text)
    enumeration = split_enumerated(cleaned)
    if enumeration is None or enumeration.items[0].inferred:
        return None
    if enumeration.prefix and not (enumeration.prefix.endswith(":") and len(enumeration.items) >= 2):
        return None
    items = [item.text for item in enumeration.items]
    return [item for item in items if item]


# --------------------------------------------------------------------------- vocabulary

# Words that name roles, teams and organisations: never part of a person's name.
ROLE_WORDS = frozenset(
    """
    manager managers director directors officer officers nurse nurses doctor doctors chair chairs
    chairman chairperson head heads lead leads leader leaders team teams board boards group groups
    committee committees panel panels service services unit units partnership partnerships centre
    centres center centers council councils trust trusts hospital hospitals authority authorities
    department departments member members executive executives coordinator coordinators
    co-ordinator co-ordinators adviser advisers advisor advisors worker workers practitioner
    practitioners commissioner commissioners partner partners agency agencies network forum school
    schools college colleges police health care safeguarding children children's childrens social
    family families education assistant deputy senior principal chief designated named independent
    interim acting strategic operational corporate divisional business performance quality
    assurance training development learning management leadership improvement planning policy sub
    sub-group sub-groups subgroup subgroups practice protection review reviewing assessment
    placement placements early years help youth offending adult adults mental community public
    primary secondary local national regional district city county borough governance governors
    governor headteacher headteachers teacher teachers staff consultant consultants paediatrician
    midwife midwives visitor visitors workforce inspector inspectors constable superintendent
    sergeant detective commissioning contracts data information intelligence systems legal housing
    programme project strategy operations provider providers clinical medical specialist cabinet
    portfolio holder professional professionals coordinating co-ordinating virtual administrator
    administration secretary solicitor analyst commissioners lac leaving leavers looked
    finance estates facilities pharmacy nursing midwifery paediatrics matron matrons complaints
    compliance risk patient patients experience safety infection prevention medicines
    """.split()
)
# Job-title heads: a comma after one of these ends the title ("Service Manager, Safeguarding Unit").
JOB_HEADS = frozenset(
    """
    manager managers director directors officer officers nurse nurses doctor doctors chair chairs
    chairman chairperson lead leads leader leaders coordinator coordinators co-ordinator adviser
    advisor worker workers practitioner practitioners commissioner executive consultant
    administrator secretary solicitor analyst members member headteacher teacher inspector
    """.split()
)
STOP_WORDS = frozenset(
    """
    all as see the and with for to by at of in on or per via any each every both other new our
    their its this that these those not no none various relevant appropriate tbc tba n/a
    completed complete ongoing on-going implemented implement above below detailed including
    """.split()
)
# Never a surname; as first names ("Jan", "June") they must pass the first-name test like any word.
CALENDAR_WORDS = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    """.split()
)
# Lowercase particles inside surnames: "Ann de Souza", "Jan van der Berg".
SURNAME_PARTICLES = frozenset("de da di del della der den van von le la du ter ten bin ibn binti al el".split())
# Capitalised particles that open a surname: "Siobhan Ní Bhriain", "Aoife Mac Giolla", "Omar Bin Laden".
CAPITAL_PARTICLES = frozenset("Ní Nic Ó Ua Uí Mac Mc Al El Bin Ibn Van Von De Da Di Du Le La Ap".split())
# Role words that are also common surnames: after a first name and before another name or the
# end of the segment they are read as the surname ("Jenny Sergeant Liz Price").
SURNAME_ROLE_WORDS = frozenset(
    "head nurse sergeant bishop dean marshall steward chamberlain baker mason porter butler".split()
)
# Heads of organisation names that are often named after people ("Arthur Mellows Village College").
ORG_HEADS = frozenset(
    """
    college colleges school schools academy academies hospital hospitals university institute
    foundation house hall court road street lodge park centre center clinic surgery practice
    library museum ward wing building estate unit
    """.split()
)
HONORIFICS = frozenset("cllr councillor dr mr mrs ms miss mx prof professor sir dame rev revd lord lady".split())
_QUANTIFIERS = frozenset({"all", "each", "every"})
_CONNECTIVES = frozenset({"and", "&", "with", "or", "/", "-", "–", "—", ":", ",", ".", ";", "by", "plus"})
_LABELS = frozenset({"lead", "leads", "lead:", "leads:", "responsibility", "owner"})
_PLACEHOLDERS = frozenset({"tbc", "tba", "tbd", "n/a", "na", "none", "nil", "various"})

# zipf ceilings by first-name popularity: a token that is also a common English word must be
# a popular first name to count as one ("Frank", "Mark" yes; "Will", "May", "Young" no).
_FIRST_NAME_RULES = ((3.5, 0, 1), (4.0, 1, 1), (5.0, 3, 3), (5.6, 5, 5), (6.2, 7, 7))
_NAME_LIKE_ZIPF = 4.0
_RELAXED_FIRST_NAME_ZIPF = 4.5
"""A lexicon first name below this word frequency ("Mohammed", "José") may open a name whose
surname is marked by its shape, though it fails the stricter popularity rules."""
_UNKNOWN_SURNAME_ZIPF = 4.5


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "en")


_WORD_SHAPE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-])*")


def _is_word(text: str) -> bool:
    """Letters (accented ones too: "Seán", "Martínez"), apostrophes and hyphens."""
    return bool(_WORD_SHAPE.fullmatch(text))


def _is_capitalised(text: str) -> bool:
    """ "Smith", "McDonald", "O'Brien", "Smith-Jones"; not "LSCB", "IROs" or "sub"."""
    return _is_word(text) and text[0].isupper() and any(ch.islower() for ch in text) and not is_abbreviation(text)


def _is_role_word(text: str) -> bool:
    return text.lower().strip("'’") in ROLE_WORDS or text.lower() in ROLE_WORDS


def _is_stop_word(text: str) -> bool:
    return text.lower() in STOP_WORDS or text.lower().rstrip(".") in HONORIFICS


@lru_cache(maxsize=65536)
def _first_name_ok(text: str) -> bool:
    if not _is_capitalised(text) or _is_role_word(text) or _is_stop_word(text):
        return False
    if "-" in text:  # "Mary-Jane": every part a first name
        return all(_first_name_ok(part) for part in text.split("-") if part)
    popularity = first_name_popularity(text)
    if popularity is None:
        return False
    zipf = _zipf(text)
    return any(
        zipf < ceiling and popularity.english >= english and popularity.anywhere >= anywhere
        for ceiling, english, anywhere in _FIRST_NAME_RULES
    )


@lru_cache(maxsize=65536)
def _surname_ok(text: str) -> bool:
    return (
        _is_capitalised(text)
        and len(text) >= 2
        and not _is_role_word(text)
        and not _is_stop_word(text)
        and text.lower() not in CALENDAR_WORDS
    )


@lru_cache(maxsize=65536)
def _name_like(text: str) -> bool:
    """A capitalised token that is probably part of a name if it is not used in one."""
    return _surname_ok(text) and (_first_name_ok(text) or _zipf(text) < _NAME_LIKE_ZIPF)


def _marked_surname(text: str) -> bool:
    """A surname whose shape marks it as one, whatever the lexicon says: hyphenated capitalised
    parts ("Al-Hassan", "Okonjo-Iweala"), an O'/D' prefix ("O'Brien"), Mac/Mc + capital
    ("MacDonald") or accented letters ("Martínez")."""
    if not _surname_ok(text):
        return False
    parts = [part for part in re.split(r"[-\u2010\u2011]", text) if part]
    if len(parts) > 1 and all(part[:1].isupper() and len(part) >= 2 and not _is_role_word(part) for part in parts):
        return True
    if re.fullmatch(r"[OD]['’][^\W\d_]{2,}", text) or re.fullmatch(r"Ma?c[A-Z][a-z]{2,}", text):
        return True
    return any(ord(ch) > 127 for ch in text)


@lru_cache(maxsize=65536)
def _relaxed_first_name(text: str) -> bool:
    """A first name by the lexicon or by rarity, for use only before a marked surname."""
    if _first_name_ok(text):
        return True
    if not _surname_ok(text):
        return False
    if first_name_popularity(text) is not None and _zipf(text) < _RELAXED_FIRST_NAME_ZIPF:
        return True
    return _zipf(text) < _NAME_LIKE_ZIPF


def _capitals_name(first: str, last: str, abbreviations: frozenset[str]) -> bool:
    """ "KAREN HOLLOWAY": two words in capitals that read as a first name and a surname."""
    if not (first.isupper() and last.isupper() and first.isalpha() and last.replace("-", "").isalpha()):
        return False
    if len(first) < 3 or len(last) < 2 or first in abbreviations or last in abbreviations:
        return False
    first, last = first.title(), last.title()
    return (_first_name_ok(first) and _surname_ok(last)) or (_relaxed_first_name(first) and _marked_surname(last))


def _is_initial(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]\.?", text))


# --------------------------------------------------------------------------- spaCy pipeline


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    score: float
    name_start: int  # first token of the printed name (after an honorific)


@dataclass(frozen=True)
class _Tokens:
    """What the name search needs to know about a lead text's tokens."""

    words: tuple[str, ...]
    breaks: tuple[bool, ...]  # tokens a name cannot span (punctuation, line breaks)
    known: dict[tuple[str, ...], int] = field(hash=False)
    first_names: frozenset[str]
    name_edges: frozenset[int] = frozenset()  # starts (+i) and ends (-i) of confident names
    abbreviations: frozenset[str] = frozenset()  # the document's glossary abbreviations
    settings: LeadSettings = DEFAULT_SETTINGS  # what each reading scores

    def __len__(self) -> int:
        return len(self.words)


@Language.factory("lead_segmenter")
def _make_lead_segmenter(nlp: Language, name: str) -> LeadSegmenter:
    return LeadSegmenter(nlp)


class LeadSegmenter:
    """Pipeline component: marks ``PERSON`` and ``ROLE`` entities in a lead cell.

    Reads the document's :class:`LeadKnowledge` from ``doc.user_data[KNOWLEDGE_KEY]``.
    """

    def __init__(self, nlp: Language):
        self.references = Matcher(nlp.vocab)
        # "As above", "As detailed in 1.10 above", "See 3.0": pointers, not leads
        self.references.add(
            "REFERENCE",
            [
                [{"LOWER": "as"}, {"LOWER": {"IN": ["above", "below", "detailed", "per", "before"]}}],
                [{"LOWER": "see"}],
            ],
        )
        self.tokenizer = nlp.tokenizer

    def __call__(self, doc: Doc) -> Doc:
        knowledge = doc.user_data.get(KNOWLEDGE_KEY, _EMPTY_KNOWLEDGE)
        tokens = _Tokens(
            tuple(t.text for t in doc),
            tuple(_separators(doc)),
            _known_name_tokens(knowledge, self.tokenizer),
            knowledge.first_names,
            abbreviations=knowledge.abbreviations,
            settings=doc.user_data.get(SETTINGS_KEY, DEFAULT_SETTINGS),
        )
        tokens = _with_context(tokens)
        people = _best_people(tokens)
        people = sorted(people + _lone_first_names(tokens, people), key=lambda c: c.start)
        spans = [Span(doc, c.name_start, c.end, label="PERSON") for c in people]
        taken = {i for c in people for i in range(c.start, c.end)}
        dropped = {i for _, s, e in self.references(doc) for i in range(s, _reference_end(doc, e))}
        for start, end in _role_spans(doc, taken, dropped, knowledge):
            spans.append(Span(doc, start, end, label="ROLE"))
        doc.ents = sorted(spans, key=lambda span: span.start)
        doc.user_data[SCORES_KEY] = {(c.name_start, c.end): c.score for c in people}
        return doc


def _reference_end(doc: Doc, end: int) -> int:
    """A pointer runs on through lowercase words and numbers: "As detailed in 1.10 and 1.11 above"."""
    while (
        end < len(doc)
        and not doc[end].is_space
        and (doc[end].is_lower or doc[end].like_num or doc[end].text in {"(", ")", ".", "-"})
    ):
        end += 1
    return end


def _separators(doc: Doc) -> list[bool]:
    """Tokens a name cannot span: punctuation, line breaks, and spacing marks."""
    return [
        not _is_initial(t.text) and (t.is_punct or t.is_space or not _is_word(t.text)) or "\n" in t.whitespace_
        for t in doc
    ]


@lru_cache(maxsize=64)
def _known_name_tokens(knowledge: LeadKnowledge, tokenizer) -> dict[tuple[str, ...], int]:
    known = {}
    for name in knowledge.known_people:
        tokens = tuple(t.text.lower() for t in tokenizer(name))
        if len(tokens) >= 2:
            known[tokens] = len(tokens)
    return known


def _with_context(tokens: _Tokens) -> _Tokens:
    """Note where confident names (known, or lexicon first name + surname) start and end."""
    confident = [
        c for i in range(len(tokens)) for c in _candidates_at(i, tokens) if c.score >= tokens.settings.context_score
    ]
    edges = frozenset({c.start for c in confident} | {-c.end for c in confident})
    return replace(tokens, name_edges=edges)


def _beside_names(i: int, end: int, tokens: _Tokens) -> bool:
    """Tokens i..end-1 sit in a run of names: a confident name touches one side, and the
    other side is a name too or the end of the segment."""
    words = tokens.words
    # a name list's joiner may stand between ("Lisa O'Neill & Kwame Mensah")
    left_name = -i in tokens.name_edges or (i >= 1 and words[i - 1] in _LIST_JOINS and -(i - 1) in tokens.name_edges)
    right_name = end in tokens.name_edges or (
        end + 1 < len(tokens) and words[end] in _LIST_JOINS and end + 1 in tokens.name_edges
    )
    left_edge = i == 0 or tokens.breaks[i - 1] or _starts_role(tokens.words[i - 1])
    right_edge = end >= len(tokens) or tokens.breaks[end] or _starts_role(tokens.words[end])
    return (left_name and (right_name or right_edge)) or (right_name and left_edge)


def _candidates_at(i: int, tokens: _Tokens) -> list[_Candidate]:
    """Every reading of a person name that starts at token ``i``."""
    words, breaks, n, scores = tokens.words, tokens.breaks, len(tokens), tokens.settings
    found: list[_Candidate] = []
    lower = [w.lower() for w in words[i : i + 4]]
    for size in (4, 3, 2):
        if i + size <= n and tuple(lower[:size]) in tokens.known:
            found.append(_Candidate(i, i + size, scores.known_name_score + scores.known_name_word_bonus * size, i))
    if breaks[i]:
        return found
    if lower[0].rstrip(".") in HONORIFICS:
        return found + _after_honorific(i, tokens)

    def is_first(k: int) -> bool:
        return k < n and not breaks[k] and (_first_name_ok(words[k]) or words[k].lower() in tokens.first_names)

    def is_surname(k: int) -> bool:
        return k < n and not breaks[k] and _surname_ok(words[k])

    if is_first(i) and is_surname(i + 1) and not _names_an_organisation(i + 2, tokens):
        found.append(_Candidate(i, i + 2, scores.lexicon_name_score, i))
        # "Mary Ann Smith": a third token only as a lone run of three name-like words
        if is_surname(i + 2) and is_first(i + 1) and _lone_triple(i, tokens):
            found.append(_Candidate(i, i + 3, scores.three_word_name_score, i))
    if is_first(i) and i + 2 < n and _is_initial(words[i + 1]) and is_surname(i + 2):
        found.append(_Candidate(i, i + 3, scores.middle_initial_name_score, i))  # "John A. Smith"
    if is_first(i):
        found.extend(_particle_surname(i, tokens) + _role_word_surname(i, tokens))
    found.extend(_shape_names(i, tokens))
    if _is_initial(words[i]) and is_surname(i + 1) and (words[i].endswith(".") or _name_like(words[i + 1])):
        found.append(_Candidate(i, i + 2, scores.initial_surname_score, i))  # "J. Smith"
    if _unknown_name_before_role(i, tokens):
        found.append(_Candidate(i, i + 2, scores.name_before_role_score, i))
    elif (
        i + 1 < n
        and not breaks[i + 1]
        and _name_like(words[i])
        and _name_like(words[i + 1])
        and _beside_names(i, i + 2, tokens)
    ):
        # names the lexicon lacks, run together with ones it knows: "Jim Gould Nkechi Okafor"
        found.append(_Candidate(i, i + 2, scores.run_together_name_score, i))
    return found


def _shape_names(i: int, tokens: _Tokens) -> list[_Candidate]:
    """Names the lexicon lacks or misjudges, read from their shape.

    "Mohammed Al-Hassan", "Ngozi Okonjo-Iweala", "José Martínez": a first name (or a rare
    capitalised word) before a marked surname, not running on into a role or an organisation
    ("Kent Anti-Bullying Team" is no person). "Siobhan Ní Bhriain": a capitalised particle.
    "KAREN HOLLOWAY": a name in capitals.
    """
    words, breaks, n = tokens.words, tokens.breaks, len(tokens)
    if breaks[i] or i + 1 >= n or breaks[i + 1]:
        return []
    found = []
    runs_on = i + 2 < n and not breaks[i + 2] and (_is_role_word(words[i + 2]) or words[i + 2].lower() in ORG_HEADS)
    if _relaxed_first_name(words[i]) and _marked_surname(words[i + 1]) and not runs_on:
        found.append(_Candidate(i, i + 2, tokens.settings.shape_name_score, i))
    if (
        words[i + 1] in CAPITAL_PARTICLES
        and i + 2 < n
        and not breaks[i + 2]
        and _surname_ok(words[i + 2])
        and _relaxed_first_name(words[i])
    ):
        found.append(_Candidate(i, i + 3, tokens.settings.shape_name_score, i))
    if _capitals_name(words[i], words[i + 1], tokens.abbreviations):
        found.append(_Candidate(i, i + 2, tokens.settings.capitals_name_score, i))
    return found


_LIST_JOINS = frozenset({",", "and", "&", "/", ";", "+"})


def _lone_first_names(tokens: _Tokens, people: Sequence[_Candidate]) -> list[_Candidate]:
    """First names standing alone in a list beside full names: "Sarah, John Smith and Priya".

    Only where the cell names at least one person in full: a lone "Sarah" could be anyone.
    """
    if not any(c.end - c.name_start >= 2 for c in people):
        return []
    taken = {k for c in people for k in range(c.start, c.end)}
    words, n = tokens.words, len(tokens)

    def list_edge(k: int) -> bool:
        return k < 0 or k >= n or words[k].lower() in _LIST_JOINS or words[k].isspace() or k in taken

    return [
        _Candidate(k, k + 1, tokens.settings.lone_first_name_score, k)
        for k in range(n)
        if k not in taken
        and _first_name_ok(words[k])
        and words[k].lower() not in CALENDAR_WORDS
        and list_edge(k - 1)
        and list_edge(k + 1)
        and (
            k - 1 in taken
            or k + 1 in taken
            or any(words[j].lower() in _LIST_JOINS for j in (k - 1, k + 1) if 0 <= j < n)
        )
    ]


def _particle_surname(i: int, tokens: _Tokens) -> list[_Candidate]:
    """ "Ann de Souza", "Jan van der Berg": first name, lowercase particles, surname."""
    words, n = tokens.words, len(tokens)
    k = i + 1
    while k < n and k - i <= 2 and words[k] in SURNAME_PARTICLES and not tokens.breaks[k]:
        k += 1
    if k == i + 1 or k >= n or tokens.breaks[k] or not _surname_ok(words[k]):
        return []
    return [_Candidate(i, k + 1, tokens.settings.particle_name_score, i)]


def _role_word_surname(i: int, tokens: _Tokens) -> list[_Candidate]:
    """ "Jenny Sergeant Liz Price": a role word that is also a surname, between names."""
    words, breaks, n = tokens.words, tokens.breaks, len(tokens)
    k = i + 1
    if k >= n or breaks[k] or words[k].lower() not in SURNAME_ROLE_WORDS or not words[k][0].isupper():
        return []
    after = k + 1
    if after < n and not breaks[after] and not _first_name_ok(words[after]):
        return []  # "Paul Head of Service", "Grace Nurse Practitioner"
    if popularity_english(words[i]) < tokens.settings.role_word_surname_min_popularity:
        return []
    return [_Candidate(i, k + 1, tokens.settings.role_word_surname_score, i)]


def popularity_english(word: str) -> int:
    popularity = first_name_popularity(word)
    return popularity.english if popularity else 0


def _after_honorific(i: int, tokens: _Tokens) -> list[_Candidate]:
    """ "Cllr John Holdich" -> the name without the title; "Dr Smith" -> all there is."""
    words, breaks, n = tokens.words, tokens.breaks, len(tokens)
    head = i + 1 + (i + 1 < n and words[i + 1] == ".")
    if head >= n or breaks[head]:
        return []
    scores = tokens.settings
    found = [_Candidate(i, c.end, c.score + scores.honorific_bonus, c.name_start) for c in _candidates_at(head, tokens)]
    if not found and _surname_ok(words[head]):
        found.append(_Candidate(i, head + 1, scores.honorific_surname_score, i))
    return found


def _starts_role(word: str) -> bool:
    return (_is_role_word(word) and word[:1].isupper()) or is_abbreviation(word)


def _names_an_organisation(k: int, tokens: _Tokens) -> bool:
    """Whether the name just before token ``k`` starts an organisation's name."""
    for j in (k, k + 1):
        if j >= len(tokens) or tokens.breaks[j] or not _is_capitalised(tokens.words[j]):
            return False
        if tokens.words[j].lower() in ORG_HEADS:
            return True
    return False


def _lone_triple(i: int, tokens: _Tokens) -> bool:
    """Tokens i..i+2 are a run of exactly three name-like words, the last no first name."""
    words, breaks, n = tokens.words, tokens.breaks, len(tokens)
    before = i == 0 or breaks[i - 1] or not _name_like(words[i - 1])
    after = i + 3 >= n or breaks[i + 3] or not _name_like(words[i + 3])
    return before and after and first_name_popularity(words[i + 2]) is None


def _unknown_name_before_role(i: int, tokens: _Tokens) -> bool:
    """ "Saheed Khan, LSCB Performance": two capitalised words, then a comma and a role.

    Names the lexicon lacks are accepted in this shape: at the start of a segment, neither
    word a role word, the surname not a common English word (unless the first name is in the
    lexicon), a comma after them and a role word or abbreviation in the next few tokens.
    """
    words, breaks, n = tokens.words, tokens.breaks, len(tokens)
    if i + 3 >= n or words[i + 2] != "," or (i > 0 and not breaks[i - 1]):
        return False
    first, last = words[i], words[i + 1]
    if not (_surname_ok(first) and _surname_ok(last)) or breaks[i + 1]:
        return False
    if _zipf(last) >= _UNKNOWN_SURNAME_ZIPF and first_name_popularity(first) is None:
        return False
    window = tokens.settings.role_lookahead_words
    return any(_is_role_word(w) or is_abbreviation(w) for w in words[i + 3 : i + 3 + window])


def _best_people(tokens: _Tokens) -> list[_Candidate]:
    """Highest-scoring set of non-overlapping names; ties go to the leftmost pairing."""
    n = len(tokens)
    penalty = tokens.settings.unused_name_word_penalty
    leftover = [penalty if not tokens.breaks[k] and _name_like(tokens.words[k]) else 0.0 for k in range(n)]
    best: list[tuple[float, tuple[_Candidate, ...]]] = [(0.0, ())] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = [(leftover[i] + best[i + 1][0], 0, best[i + 1][1])]
        for c in _candidates_at(i, tokens):
            options.append((c.score + best[c.end][0], 1, (c, *best[c.end][1])))
        score, _, chosen = max(options, key=lambda o: (round(o[0], 6), o[1]))
        best[i] = (score, chosen)
    return list(best[0][1])


def _role_spans(doc: Doc, taken: set[int], dropped: set[int], knowledge: LeadKnowledge) -> list[tuple[int, int]]:
    """Cut the tokens outside names into role spans."""
    spans: list[tuple[int, int]] = []
    current: list[int] = []
    for token in doc:
        i = token.i
        if i in taken or i in dropped or _ends_segment_before(doc, i) or token.lower_.rstrip(".") in HONORIFICS:
            spans.extend(_split_fragment(doc, current, knowledge))
            current = []
            if i in taken or i in dropped or token.is_space or token.text in {";", "|"}:
                continue
            if token.lower_.rstrip(".") in HONORIFICS:
                continue
        if token.is_space:
            continue
        current.append(i)
        if "\n" in token.whitespace_ or _ends_sentence(doc, i):
            spans.extend(_split_fragment(doc, current, knowledge))
            current = []
    spans.extend(_split_fragment(doc, current, knowledge))
    return spans


def _ends_segment_before(doc: Doc, i: int) -> bool:
    return doc[i].is_space or doc[i].text in {";", "|"}


def _ends_sentence(doc: Doc, i: int) -> bool:
    """A full stop that ends a sentence: "Service Manager. Paul Hill"."""
    token = doc[i]
    if token.text != "." or i == 0:
        return False
    previous = doc[i - 1].text
    if previous.lower() in HONORIFICS or _is_initial(previous):
        return False
    return i + 1 == len(doc) or doc[i + 1].text[:1].isupper() or doc[i + 1].is_space


def _split_fragment(doc: Doc, indices: Sequence[int], knowledge: LeadKnowledge) -> list[tuple[int, int]]:
    """A run of non-name tokens to role spans (start, end), trimmed and split."""
    if not indices:
        return []
    pieces = _split_runs(doc, list(indices), knowledge)
    spans = []
    for piece in pieces:
        trimmed = _unwrap(doc, _trim(doc, piece))
        if trimmed and _is_role_text(doc, trimmed):
            spans.append((trimmed[0], trimmed[-1] + 1))
    return spans


def _split_runs(doc: Doc, indices: list[int], knowledge: LeadKnowledge) -> list[list[int]]:
    """Split where one role ends and another begins, without punctuation between them."""
    pieces: list[list[int]] = [[]]
    for position, i in enumerate(indices):
        text = doc[i].text
        previous = doc[indices[position - 1]].text if position else None
        if previous is not None and indices[position - 1] != i - 1:
            pieces.append([])  # a name sat between them
        elif previous is not None and _role_boundary(previous, text, knowledge):
            pieces.append([])
        if text == "," and pieces[-1] and doc[pieces[-1][-1]].lower_ in JOB_HEADS:
            pieces.append([])  # "Service Manager, Safeguarding & Reviewing Unit"
            continue
        if _joins_two_roles(doc, indices, position, knowledge):
            pieces.append([])  # "Practice Manager and Lead GP", "CEO / DoN"
            continue
        pieces[-1].append(i)
    return [p for p in pieces if p]


def _is_abbreviation_token(text: str, knowledge: LeadKnowledge) -> bool:
    """An abbreviation, but not a word printed in capitals ("PRACTICE MANAGER", "HEAD OF")."""
    if text.isupper() and text.lower() in ROLE_WORDS | STOP_WORDS | {"of"}:
        return False
    return is_abbreviation(text) or text in knowledge.abbreviations


def _joins_two_roles(doc: Doc, indices: list[int], position: int, knowledge: LeadKnowledge) -> bool:
    """A connective between two whole roles: "Practice Manager and Lead GP" (a singular job
    title's head, then a role word or abbreviation), "CEO / DoN" (abbreviations either side).
    "Head of Learning and Development", "All Team Managers and Deputy Team Managers" and
    "EH/Early Years" stay whole, as the plans print them as one lead."""
    joiner = doc[indices[position]].lower_
    if joiner not in {"and", "&", "/"} or position == 0 or position + 1 >= len(indices):
        return False
    before, after = doc[indices[position - 1]].text, doc[indices[position + 1]].text
    if joiner == "/":
        return _is_abbreviation_token(before, knowledge) and _is_abbreviation_token(after, knowledge)
    singular_head = before.lower() in JOB_HEADS and not before.lower().endswith("s")
    return singular_head and (
        (_is_role_word(after) and after[:1].isupper()) or _is_abbreviation_token(after, knowledge)
    )


def _role_boundary(previous: str, current: str, knowledge: LeadKnowledge) -> bool:
    """Whether ``current`` starts a new role right after ``previous`` ("SGU SGS")."""
    prev_abbr = _is_abbreviation_token(previous, knowledge)
    cur_abbr = _is_abbreviation_token(current, knowledge)
    if prev_abbr and cur_abbr:
        return True
    if current.lower() in _QUANTIFIERS and current[0].isupper():
        return True  # "... Health All Team Managers"
    plural_abbr = bool(re.fullmatch(r"[A-Z]{2,}s", previous))
    if plural_abbr and (_is_capitalised(current) or cur_abbr):
        return True  # "IROs Designated Doctor"
    plural_head = previous.lower().endswith("s") and previous.lower() in JOB_HEADS
    return plural_head and (cur_abbr or (_is_capitalised(current) and current.lower() not in JOB_HEADS))


def _trim(doc: Doc, piece: list[int]) -> list[int]:
    """Drop connectives and punctuation at the edges, and a trailing "to implement"."""
    piece = list(piece)
    while piece and (
        doc[piece[0]].lower_ in _CONNECTIVES | {"'s", "’s"} or doc[piece[0]].is_punct and doc[piece[0]].text != "("
    ):
        piece.pop(0)
    for k, i in enumerate(piece):
        if doc[i].lower_ == "to" and k > 0 and all(doc[j].text.islower() for j in piece[k:]):
            piece = piece[:k]
            break
    while piece and (doc[piece[-1]].lower_ in _CONNECTIVES or doc[piece[-1]].is_punct and doc[piece[-1]].text != ")"):
        piece.pop()
    return piece


def _is_role_text(doc: Doc, piece: list[int]) -> bool:
    words = [doc[i].text for i in piece if not doc[i].is_punct]
    if not words:
        return False
    if "".join(doc[i].text for i in piece).lower() in _LABELS | _PLACEHOLDERS:
        return False  # the column label printed inside the cell ("Lead Liz Price ..."), "TBC", "N/A"
    return any(_is_role_word(w) or (w[:1].isupper() and w.lower() not in STOP_WORDS | CALENDAR_WORDS) for w in words)


def _unwrap(doc: Doc, piece: list[int]) -> list[int]:
    """ "(Head of Service)" -> "Head of Service"; "Assistant Director (AD)" stays whole."""
    texts = [doc[i].text for i in piece]
    if len(piece) > 2 and texts[0] == "(" and texts[-1] == ")" and texts.count("(") == 1:
        return piece[1:-1]
    return piece


_SLASH_PREFIX = re.compile(r"^/").search
_SLASH_SUFFIX = re.compile(r"/$").search
_HYPHEN_CHARS = frozenset("-–—~")


def _customise_tokenizer(nlp: Language) -> None:
    """Split "/" off names ("Bennett/ Training ...") and keep "Smith-Jones" whole.

    The stock rules are wrapped rather than recompiled: compiling spaCy's rule sets again
    costs a fifth of a second of the pipeline's load budget.
    """
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):  # a custom callable has no rule sets to wrap
        raise TypeError(f"expected a spaCy rule-based Tokenizer, got {type(tokenizer).__name__}")
    prefix, suffix, infixes = tokenizer.prefix_search, tokenizer.suffix_search, tokenizer.infix_finditer

    def prefix_search(text: str):
        return _SLASH_PREFIX(text) or prefix(text)

    def suffix_search(text: str):
        return _SLASH_SUFFIX(text) or suffix(text)

    def infix_finditer(text: str):
        return [
            m
            for m in infixes(text)
            if not (set(m.group()) <= _HYPHEN_CHARS and m.start() and text[m.start() - 1].isalpha())
        ]

    tokenizer.prefix_search = prefix_search
    tokenizer.suffix_search = suffix_search
    tokenizer.infix_finditer = infix_finditer


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The lead pipeline: spaCy blank English tokenizer + ``lead_segmenter``. Built once.

    Loading also warms the first-name lexicon and word frequencies, so the cost is paid here.
    """
    nlp = spacy.blank("en")
    _customise_tokenizer(nlp)
    nlp.add_pipe("lead_segmenter")
    first_name_popularity("warm")
    _zipf("warm")
    return nlp


# --------------------------------------------------------------------------- API


def parse_lead(
    text: str, knowledge: LeadKnowledge = LeadKnowledge.empty(), settings: LeadSettings = DEFAULT_SETTINGS
) -> Lead:
    """A lead cell to people and roles (``settings``: what each reading of a name scores).

    >>> parse_lead("Frank Hand, Service Manager, Safeguarding & Reviewing Unit")
    Lead(people=('Frank Hand',), roles=('Service Manager', 'Safeguarding & Reviewing Unit'))
    >>> parse_lead("Maurice Lindsay Trina Shane Charlie Moat Liz Jones").people
    ('Maurice Lindsay', 'Trina Shane', 'Charlie Moat', 'Liz Jones')
    >>> parse_lead("SGU SGS").roles
    ('SGU', 'SGS')
    """
    items = split_lead_items(text)
    chunks = items if items is not None else [clean_lead_text(text)]
    people: list[str] = []
    roles: list[str] = []
    resolved = dict(knowledge.initials)
    for chunk in _with_surname_first_segments(chunks):
        reordered = _surname_first(chunk)
        if reordered:
            people.append(reordered)
            continue
        doc = analyse_lead(chunk, knowledge, settings)
        for span in doc.ents:
            printed = _span_text(span)
            if span.label_ == "PERSON":
                people.append(printed)
            elif printed in resolved:
                people.append(resolved[printed])  # "JS", and the plan's list names Jane Sutherland
            else:
                roles.append(printed)
    return Lead(_dedupe(people), _dedupe(roles))


_SEGMENT_BREAK = re.compile(r"\s*[;\n]\s*")


def _with_surname_first_segments(chunks: Sequence[str]) -> list[str]:
    """Chunks, with a chunk cut at ";" and line breaks where a segment is a "Surname, First"
    name ("SMITH, John; OKAFOR, Ngozi"); other chunks stay whole, read as before."""
    result: list[str] = []
    for chunk in chunks:
        segments = [segment for segment in _SEGMENT_BREAK.split(chunk) if segment]
        if len(segments) > 1 and any(_surname_first(segment) for segment in segments):
            result.extend(segments)
        else:
            result.append(chunk)
    return result


_SURNAME_FIRST = re.compile(r"^\s*([^\W\d_][\w'’\-]+)\s*,\s*([^\W\d_][\w'’\-]+)\s*$")


def _surname_first(text: str) -> str | None:
    """ "Okafor, Grace", "SMITH, John": a cell that is one name printed surname first, as
    "First Last" (a surname in capitals title-cased). The second word must be a first name by
    the lexicon, or the first printed in capitals as surnames are in such lists ("OKAFOR,
    Ngozi"); two first names ("Sarah, Priya") are a list, and "Matron, Paediatrics" a role.
    """
    match = _SURNAME_FIRST.match(text)
    if not match:
        return None
    printed_surname, printed_first = match.groups()
    surname, first = (word.title() if word.isupper() else word for word in (printed_surname, printed_first))
    if not (_surname_ok(surname) and _surname_ok(first)):
        return None
    if _first_name_ok(surname) and popularity_english(surname) >= popularity_english(first):
        return None  # "Sarah, Priya": a list of first names ("Sutherland, Jane" is not)
    capitals = printed_surname.isupper() and not printed_first.isupper() and len(printed_surname) > 2
    if not (
        _first_name_ok(first)
        or _relaxed_first_name(first)
        and first_name_popularity(first)
        or capitals
        or _rare_name_pair(surname, first)
    ):
        return None
    return f"{first} {surname}"


RARE_NAME_ZIPF = 3.0
"""Both words of a "Surname, First" cell rarer than this in English ("Okafor, Ngozi") read as
a name the first-name list lacks, unless one is shaped like a department's name."""
_NOUN_SUFFIX = re.compile(r"(?:ology|ics|ing|tion|sion|ment|ance|ence|ity|ship|ness|ure|acy|ery|ist)$", re.I)


def _rare_name_pair(surname: str, first: str) -> bool:
    """ "Okafor, Ngozi": two rare words, neither an English noun by its ending (not
    "Audiology, Haematology")."""
    return all(_zipf(word) < RARE_NAME_ZIPF and not _NOUN_SUFFIX.search(word) for word in (surname, first))


def analyse_lead(
    text: str, knowledge: LeadKnowledge = LeadKnowledge.empty(), settings: LeadSettings = DEFAULT_SETTINGS
) -> Doc:
    """Run the pipeline on one (already cleaned, non-enumerated) lead text; see ``doc.ents``."""
    nlp = get_nlp()
    doc = nlp.make_doc(text)
    doc.user_data[KNOWLEDGE_KEY] = knowledge
    doc.user_data[SETTINGS_KEY] = settings
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def _confident_people(doc: Doc, settings: LeadSettings) -> list[str]:
    scores = doc.user_data.get(SCORES_KEY, {})
    return [
        _span_text(e)
        for e in doc.ents
        if e.label_ == "PERSON" and scores.get((e.start, e.end), 0.0) >= settings.confident_score
    ]


def _span_text(span: Span) -> str:
    return re.sub(r"\s+", " ", span.text).strip().rstrip(".,;:").strip()


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        key = re.sub(r"[^a-z0-9]+", " ", value.lower()).strip()
        if key and key not in seen:
            seen[key] = value
    return tuple(seen.values())
