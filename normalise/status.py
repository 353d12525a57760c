"""Status and RAG rating from the words a plan uses.

Three places say how far an action has got, and they are read with the same cues:

* the timescale cell ("Completed 26.3.14", "To be completed April 2015", "May 2012 and on-going");
* a progress commentary ("Main action and underpinning actions completed. GREEN");
* an explicit status or RAG column ("Complete", "In progress", "Amber").

:func:`status_from_progress` reads a commentary, :func:`status_from_text` classifies one short
phrase (what the timescale parser uses), :func:`combine_status` decides between the three
sources and :func:`find_rag` finds the red/amber/green rating. A RAG rating never sets a status
(gold/GUIDE.md: "A RAG rating alone does not set status").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final, Literal, get_args

from extract.grammar import ONGOING_WORD, plain_text

# The schema's status codes and RAG ratings: the only values the pipeline may write.
Status = Literal["completed", "in_progress", "not_started", "ongoing"]
Rag = Literal["red", "amber", "green"]

COMPLETED: Final = "completed"
IN_PROGRESS: Final = "in_progress"
NOT_STARTED: Final = "not_started"
ONGOING: Final = "ongoing"
STATUSES: tuple[Status, ...] = get_args(Status)
_STATUS_CODES: Mapping[str, Status] = {status: status for status in STATUSES}

RAG_VALUES: tuple[Rag, ...] = get_args(Rag)
_RAGS: Mapping[str, Rag] = {rag: rag for rag in RAG_VALUES}

# --- status cues -----------------------------------------------------------------------------
ONGOING_PATTERN = re.compile(rf"\b{ONGOING_WORD}\b", re.I)

# Verbs that report an action finished; "to be" / "will be" before one make it a future task.
_FINISH_VERBS = (
    r"(?:completed|implemented|started|commenced|undertaken|introduced|achieved|delivered|put\s+in\s+place"
    r"|in\s+place|finished|finalised|finalized|established|appointed|closed|done|signed\s+off|carried\s+out)"
)
# "to be completed", "will be completed", "to complete", "not yet appointed", "yet to start":
# the action is not done.
_NOT_STARTED = re.compile(
    rf"\b(?:to|will)\s+be\s+(?:fully\s+)?{_FINISH_VERBS}\b"
    r"|^\s*to\s+(?:complete|start|commence|implement|begin)\b"
    r"|\bnot\s+(?:yet\s+)?(?:started|begun|commenced)\b"
    r"|\bnot\s+yet\s+[a-z]+"
    r"|\byet\s+to\s+(?:be\s+)?[a-z]+",
    re.I,
)
# "to be completed" written as a future task inside a longer commentary (not the lead sentence).
_FUTURE_TASK = re.compile(r"\b(?:to|will)\s+be\s+[a-z]+|^\s*to\s+[a-z]+", re.I)
_DONE = re.compile(
    r"\b(?:completed?|implemented|in\s+place|achieved|done|introduced|finished|signed\s+off|delivered)\b",
    re.I,
)
# "Closed" reports a tracker item done only as the status itself or said of the action: "the
# ward closed" in a commentary is not a status.
_CLOSED = re.compile(
    r"^\W*closed\b|\b(?:action|item|recommendation|issue|point)s?\s+(?:(?:is|was|were|are|has|have|been|now|formally)\s+){0,3}closed\b",
    re.I,
)
# Words that turn a following "completed"/"implemented" into a future or a negation.
_DONE_NEGATED_BEFORE = re.compile(
    r"\b(?:not|never|yet\s+to|to\s+be|to|will\s+be|be|being|should\s+be|must\s+be|needs?\s+to\s+be|partially|partly|part)\s+(?:\w+\s+)?$",
    re.I,
)
# "Once recruitment is completed ...", "When the review is complete, ...": a condition, not a report.
_CONDITION_BEFORE = re.compile(r"\b(?:once|when|whenever|if|until|unless)\b[^.;,:!?()]*$", re.I)
# Work still to do beside a reported completion: "monitoring is in place; the pace needs to be
# increased" is under way, not completed.
_REMAINING = re.compile(
    r"\bneeds?\s+to\b|\brequires?\s+(?:further|more)\b|\bfurther\s+work\b|\bmore\s+work\b"
    r"|\bremaining\b|\bstill\s+(?:to|needs?|requires?|outstanding)\b|\bremains?\s+(?:to|outstanding|open)\b"
    r"|\bnot\s+(?:yet\s+)?(?:fully\s+)?(?:complete[d]?|embedded|achieved|compliant|in\s+place)\b",
    re.I,
)
# "Actions completed", "All actions implemented": the plan says the action itself is done, so
# later work it mentions ("need more focus on evidencing") is new work, not this action's rest.
_ACTION_ITSELF_DONE = re.compile(
    r"\bactions?\b[^.;:]{0,60}?\b(?:completed?|implemented|achieved|delivered|done|closed)\b", re.I
)
# "Complete by March 2014" is an instruction with a deadline, not a report that it is done.
_IMPERATIVE_COMPLETE = re.compile(r"^complete\s+(?:by|before|within|in|when|once|after|on)\b", re.I)
_ONGOING = re.compile(rf"\b{ONGOING_WORD}\b|\bhenceforth\b|\bcontinuous(?:ly)?\b", re.I)
_IN_PROGRESS = re.compile(
    r"\bin\s+progress\b|\bunder\s?way\b|\bprogressing\b|\bpartially\b|\bpart(?:ly)?[\s-]+(?:complete|completed|implemented)\b"
    r"|\b(?:work|has|have|had)\s+(?:\w+\s+)?(?:started|begun|commenced)\b|\bawaiting\b"
    r"|\bon\s+(?:track|target|schedule)\b"
    r"|\b(?:proposed|recommend(?:ed)?|ready)\s+(?:for\s+)?(?:closure|closing|to\s+close)\b"
    r"|\bbeing\s+(?:implemented|developed|progressed|embedded|rolled\s+out|undertaken|finalised|finalized)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\s+(?=\(?(?:RED|AMBER|GREEN)\)?\s*$)")


def _has_done_cue(text: str) -> bool:
    """True when the text reports something as done ("completed", "in place", "Closed"), not as
    a future task ("will be completed"), a negation ("not completed") or a condition ("once
    recruitment is completed")."""
    if _IMPERATIVE_COMPLETE.match(text):
        return False
    for match in [*_DONE.finditer(text), *_CLOSED.finditer(text)]:
        before = text[: match.start()]
        if not _DONE_NEGATED_BEFORE.search(before) and not _CONDITION_BEFORE.search(before):
            return True
    return False


def _work_remains(done_sentence: str, rest: str) -> bool:
    """Whether ``rest`` leaves work to do on what ``done_sentence`` reports in place.

    "Weekly monitoring is in place ... the pace needs to be increased" is under way; "Actions
    completed but need more focus on evidencing" reports the action itself done, and stays so.
    """
    return bool(_REMAINING.search(rest)) and not _ACTION_ITSELF_DONE.search(done_sentence)


def status_from_text(text: str) -> Status | None:
    """The status one phrase states, or None.

    Precedence inside one phrase: a not-started cue ("To be completed", "will be completed") over
    a done cue; a done cue beside work still to do ("in place but the pace needs to be
    increased") is ``in_progress``; a done cue with an on-going cue is ``ongoing``
    ("implemented and are on-going"); then done, in progress, on-going. Conditions ("once ...
    completed") and negations ("not completed") are no done cue; "Proposed for closure" is in
    progress (awaiting sign-off), not completed.

    >>> status_from_text("Recruitment completed September 2014")
    'completed'
    >>> status_from_text("To be Completed September 2014")
    'not_started'
    >>> status_from_text("May 2012 and on- going")
    'ongoing'
    """
    text = plain_text(text)
    if not text:
        return None
    not_started = bool(_NOT_STARTED.search(text))
    done = _has_done_cue(text)
    ongoing = bool(_ONGOING.search(text))
    if not_started and done or done and _work_remains(text, text):
        return IN_PROGRESS
    if not_started:
        return NOT_STARTED
    if done and ongoing:
        return ONGOING
    if done:
        return COMPLETED
    if _IN_PROGRESS.search(text):
        return IN_PROGRESS
    if ongoing:
        return ONGOING
    return None


def split_sentences(text: str) -> list[str]:
    """Sentences of a commentary (split after . ; ! ? and before a trailing RAG word)."""
    return [s for s in _SENTENCE_END.split(plain_text(text)) if s.strip()]


def status_from_progress(text: str) -> Status | None:
    """The status a progress commentary states, or None when it says nothing about it.

    The first sentence that states a status decides ("Main action and underpinning actions
    completed. Awaiting feedback ..." -> completed), with two corrections for commentaries that
    report some work and leave some to do:

    * a "to be completed ..." task after other reported work means ``in_progress``;
    * a reported completion followed by "not yet ..." means ``in_progress``.

    >>> status_from_progress("Not yet appointed. New service specification agreed.")
    'not_started'
    >>> status_from_progress("Action and underpinning actions implemented and will be on-going.")
    'ongoing'
    >>> status_from_progress("Letter sent. Annual Section 11 audits to be completed in December 2012.")
    'in_progress'
    """
    sentences = split_sentences(text)
    found = [(index, status_from_text(sentence)) for index, sentence in enumerate(sentences)]
    found = [(index, status) for index, status in found if status]
    if not found:
        return None
    first_index, first = found[0]
    if first == NOT_STARTED and first_index > 0 and _FUTURE_TASK.search(sentences[first_index]):
        return IN_PROGRESS
    if first == COMPLETED and any(status == NOT_STARTED for _, status in found[1:]):
        return IN_PROGRESS
    if first == COMPLETED and _work_remains(sentences[first_index], " ".join(sentences[first_index + 1 :])):
        return IN_PROGRESS
    return first


def normalise_status(value: str | None) -> Status | None:
    """A status code as is, or the status an explicit status-column text states ("Complete" ...).

    Tracker words: "Closed" is ``completed`` (a closed action is finished). "Open" gives None:
    it says the action is not finished but not whether work has begun, and gold/GUIDE.md reads
    status rather than guessing between ``not_started`` and ``in_progress``; the word itself
    stays in ``status_text``.
    """
    if value is None:
        return None
    text = plain_text(str(value))
    code = text.lower().replace(" ", "_").replace("-", "_")
    if code in _STATUS_CODES:
        return _STATUS_CODES[code]
    if code in {"not_started", "notstarted"}:
        return NOT_STARTED
    if code in _AFFIRMATIVE:
        return COMPLETED  # the answer in a "Done?" / "Complete (Y/N)" column
    return status_from_progress(text)


_AFFIRMATIVE = frozenset({"yes", "y"})
"""A status column's "Yes" states the action done; "No" says only that it is not (started or
not is not stated), so it gives None."""


def status_of_line(line: str) -> Status | None:
    """The status a "Status: ..." line states (its label removed)."""
    return normalise_status(re.sub(r"^\s*status\s*(?::|[-\u2013\u2014])\s*", "", line, flags=re.I))


def combine_status(
    timescale_status: str | None, progress_status: str | None, column_status: str | None
) -> Status | None:
    """One status from the three places a plan states it.

    Precedence: an explicit status column, then the progress commentary, then the timescale
    cell. The column is the plan's own verdict; the commentary is more recent than the timescale
    ("To be completed ..." -> not_started unless progress says otherwise, gold/GUIDE.md). Each
    argument may be a status code or the raw text of its cell; empty or silent ones are skipped.

    >>> combine_status("not_started", "completed", None)
    'completed'
    >>> combine_status("ongoing", None, "In progress")
    'in_progress'
    """
    for value in (column_status, progress_status, timescale_status):
        status = normalise_status(value)
        if status:
            return status
    return None


# --- RAG ---------------------------------------------------------------------------------------
_RAG_WORD = re.compile(r"(?<![A-Za-z0-9\-/])(red|amber|green)(?![A-Za-z0-9\-/])", re.I)
_RAG_COMBINED = re.compile(r"\b(?:red|amber|green)\s*[/\-]\s*(?:red|amber|green)\b", re.I)
_RAG_LETTER: Mapping[str, Rag] = {"r": "red", "a": "amber", "g": "green"}
_RAG_LABEL = re.compile(r"^\W*(?:rag(?:\s+rating)?|rating|status)?\W*(.*?)\W*$", re.I)
# "red tape", "Green Paper", "green light": colours that are not ratings.
_NOT_RAG_NEXT = frozenset(
    {
        "tape",
        "flag",
        "flags",
        "cross",
        "paper",
        "papers",
        "belt",
        "card",
        "cards",
        "light",
        "lights",
        "line",
        "zone",
        "space",
        "spaces",
        "house",
    }
)
_RAG_CONTEXT_WORDS = frozenset(
    {
        "rag",
        "rating",
        "rated",
        "status",
        "overall",
        "current",
        "now",
        "currently",
        "is",
        "was",
        "from",
        "to",
        "and",
        "at",
        "as",
    }
)
_WORD_BEFORE = re.compile(r"([A-Za-z][\w'.&-]*)\W*$")
_WORD_AFTER = re.compile(r"^\W*([A-Za-z][\w'-]*)")


def _looks_like_name(text: str, start: int, end: int) -> bool:
    """A Title-case colour between capitalised words is a name ("Sarah Green", "Green Lane")."""
    before = _WORD_BEFORE.search(text[:start])
    after = _WORD_AFTER.match(text[end:])
    gap_before = text[before.end() if before else 0 : start]
    if before and before.group(1)[:1].isupper() and before.group(1).lower() not in _RAG_CONTEXT_WORDS:
        if not re.search(r"[.;:!?()]", gap_before):
            return True
    if after and after.group(1)[:1].isupper() and after.group(1).lower() not in RAG_VALUES:
        gap_after = text[end : end + after.start(1)]
        if not re.search(r"[.;:!?()]", gap_after):
            return True
    return False


def _rag_candidates(text: str) -> Iterable[tuple[Rag, bool]]:
    """(value, written in capitals) for each colour word that reads as a rating."""
    combined = [m.span() for m in _RAG_COMBINED.finditer(text)]
    for match in _RAG_WORD.finditer(text):
        if any(start <= match.start() < end for start, end in combined):
            continue
        word = match.group(1)
        after = _WORD_AFTER.match(text[match.end() :])
        if after and after.group(1).lower() in _NOT_RAG_NEXT and not word.isupper():
            continue
        if word[0].isupper() and not word.isupper() and _looks_like_name(text, match.start(), match.end()):
            continue
        yield _RAGS[word.lower()], word.isupper()


def find_rag(text: str) -> Rag | None:
    """ "red", "amber" or "green" from a RAG cell or a RAG word inside progress text, else None.

    Whole words only, any case ("AMBER", "(AMBER)", "Green"); a cell holding just "R", "A" or
    "G" counts too. When the text holds several ratings the last one in capitals wins (the
    convention of "Progress at (Inc RAG rating)" columns), else the last one. A combined rating
    ("Amber/Green") is not one of the three values and gives None; so do "Redbridge",
    "greenhouse", "reduced", "Sarah Green" and "red tape".

    >>> find_rag("Partner agencies to be audited via LSCB AMBER")
    'amber'
    >>> find_rag("Redbridge greenhouse reduced") is None
    True
    """
    text = plain_text(text)
    if not text:
        return None
    label = _RAG_LABEL.match(text)
    value = label.group(1).lower() if label else ""
    if value in _RAG_LETTER:
        return _RAG_LETTER[value]
    candidates = list(_rag_candidates(text))
    if not candidates:
        return None
    capitals = [value for value, upper in candidates if upper]
    return (capitals or [value for value, _ in candidates])[-1]
