"""Tunable numbers of the normalise stage, as validated settings objects.

Kept apart from :mod:`normalise.leads` (which loads spaCy and the name lexicons) so that the
pipeline's :class:`actionplans.conversion.Settings` can hold them without importing the NLP
stack: a re-run served from the cache never needs it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from ingest.settings import check_field_types, check_range

DEFAULT_KNOWN_NAME_SCORE = 3.0
DEFAULT_KNOWN_NAME_WORD_BONUS = 0.1
DEFAULT_THREE_WORD_NAME_SCORE = 2.2
DEFAULT_MIDDLE_INITIAL_NAME_SCORE = 2.1
DEFAULT_LEXICON_NAME_SCORE = 2.0
DEFAULT_PARTICLE_NAME_SCORE = 2.0
DEFAULT_SHAPE_NAME_SCORE = 2.0
DEFAULT_CAPITALS_NAME_SCORE = 1.9
DEFAULT_NAME_BEFORE_ROLE_SCORE = 1.8
DEFAULT_INITIAL_SURNAME_SCORE = 1.6
DEFAULT_HONORIFIC_SURNAME_SCORE = 1.5
DEFAULT_HONORIFIC_BONUS = 0.1
DEFAULT_ROLE_WORD_SURNAME_SCORE = 1.2
DEFAULT_RUN_TOGETHER_NAME_SCORE = 1.0
DEFAULT_LONE_FIRST_NAME_SCORE = 1.0
DEFAULT_UNUSED_NAME_WORD_PENALTY = -1.0
DEFAULT_CONFIDENT_SCORE = 1.8
DEFAULT_CONTEXT_SCORE = 2.0
DEFAULT_ROLE_LOOKAHEAD_WORDS = 5
DEFAULT_ROLE_WORD_SURNAME_MIN_POPULARITY = 3


@dataclass(frozen=True)
class LeadSettings:
    """How much each reading of words as a person's name is worth to the lead segmenter.

    :func:`normalise.leads.parse_lead` keeps the set of non-overlapping name readings with the
    highest total score, so these numbers decide between readings ("Maurice Lindsay Trina
    Shane" as two pairs, not one triple). Readings, best first:

    - ``known_name_score`` (+ ``known_name_word_bonus`` per word): a full name the same
      document prints elsewhere (people list, "Name, Job title" lines, other lead cells).
    - ``three_word_name_score``: "Mary Ann Smith", a lone run of three name-like words.
    - ``middle_initial_name_score``: "John A. Smith".
    - ``lexicon_name_score``: a lexicon first name and a capitalised surname; also the bar
      ``context_score`` is usually set to.
    - ``particle_name_score``: "Ann de Souza" (lowercase particles inside the surname).
    - ``shape_name_score``: a surname marked by its shape ("Al-Hassan", "O'Brien", "Martínez").
    - ``capitals_name_score``: a name printed in capitals ("KAREN HOLLOWAY").
    - ``name_before_role_score``: "Saheed Khan, LSCB Performance" (a name the lexicon lacks).
    - ``initial_surname_score``: "J. Smith".
    - ``honorific_surname_score``: "Dr Smith"; ``honorific_bonus`` is added to any other
      reading after an honorific ("Cllr John Holdich").
    - ``role_word_surname_score``: "Jenny Sergeant" (a role word that is also a surname).
    - ``run_together_name_score``: two rare capitalised words beside confident names.
    - ``lone_first_name_score``: "Priya" alone in a list beside full names.
    - ``unused_name_word_penalty`` (zero or less): each name-like word left out of every
      name, so a cell of names is read as names rather than as one role.

    ``confident_score``: readings at least this good are evidence for the whole document (a
    name read once is recognised in its other cells). ``context_score``: readings at least this
    good mark where runs of names start and end, which allows ``run_together_name_score``.

    When a reading applies: ``role_lookahead_words``, how many words after "Name Surname,"
    may hold the role word or abbreviation that makes an unknown name a name
    (``name_before_role_score``); ``role_word_surname_min_popularity``, how popular in
    English (gender-guesser's 0-13 scale) a first name must be before a role word that is
    also a surname ("Jenny Sergeant").
    """

    known_name_score: float = DEFAULT_KNOWN_NAME_SCORE
    known_name_word_bonus: float = DEFAULT_KNOWN_NAME_WORD_BONUS
    three_word_name_score: float = DEFAULT_THREE_WORD_NAME_SCORE
    middle_initial_name_score: float = DEFAULT_MIDDLE_INITIAL_NAME_SCORE
    lexicon_name_score: float = DEFAULT_LEXICON_NAME_SCORE
    particle_name_score: float = DEFAULT_PARTICLE_NAME_SCORE
    shape_name_score: float = DEFAULT_SHAPE_NAME_SCORE
    capitals_name_score: float = DEFAULT_CAPITALS_NAME_SCORE
    name_before_role_score: float = DEFAULT_NAME_BEFORE_ROLE_SCORE
    initial_surname_score: float = DEFAULT_INITIAL_SURNAME_SCORE
    honorific_surname_score: float = DEFAULT_HONORIFIC_SURNAME_SCORE
    honorific_bonus: float = DEFAULT_HONORIFIC_BONUS
    role_word_surname_score: float = DEFAULT_ROLE_WORD_SURNAME_SCORE
    run_together_name_score: float = DEFAULT_RUN_TOGETHER_NAME_SCORE
    lone_first_name_score: float = DEFAULT_LONE_FIRST_NAME_SCORE
    unused_name_word_penalty: float = DEFAULT_UNUSED_NAME_WORD_PENALTY
    confident_score: float = DEFAULT_CONFIDENT_SCORE
    context_score: float = DEFAULT_CONTEXT_SCORE
    role_lookahead_words: int = DEFAULT_ROLE_LOOKAHEAD_WORDS
    role_word_surname_min_popularity: int = DEFAULT_ROLE_WORD_SURNAME_MIN_POPULARITY

    def __post_init__(self) -> None:
        check_field_types(self)
        for item in fields(self):
            if item.name == "unused_name_word_penalty":
                check_range(self, item.name, -math.inf, 0.0)
            else:
                check_range(self, item.name)
        check_range(self, "role_word_surname_min_popularity", 0, 13)
