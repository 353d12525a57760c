"""Statuses read from a plan's words, never guessed (issue #11, item 3).

Every input here was written by hand for this issue in the wording other organisations use
(trust trackers, GP practice plans, inspectorate response plans); none is cut from a seed.
The expected values were written, by gold/GUIDE.md, before the code that passes them.
"""

from __future__ import annotations

import pytest

from extract.records import move_status_lines
from extract.tables import Column, DataRow
from ingest.model import Line
from normalise.status import ONGOING_PATTERN, normalise_status, status_from_progress, status_from_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # explicit words
        ("Complete", "completed"),
        ("Completed March 2024", "completed"),
        ("Action closed at Board, May 2024", "completed"),
        ("Closed", "completed"),
        ("In progress", "in_progress"),
        ("Work underway with estates team", "in_progress"),
        ("Not started", "not_started"),
        ("Business as usual - on going", "ongoing"),
        ("Ongoing", "ongoing"),
        ("on-going", "ongoing"),
        ("On going", "ongoing"),
        ("ONGOING", "ongoing"),
        # open: neither started nor finished is stated (documented in normalise/status.py)
        ("Open", None),
        # future, negated and conditional wording never reads as completed
        ("To be completed by the end of Q3", "not_started"),
        ("Will be completed once the new post holder starts", "not_started"),
        ("Audit will be completed in September", "not_started"),
        ("Not yet completed", "not_started"),
        ("Proposed for closure", "in_progress"),
        ("Proposed for closure at the June committee", "in_progress"),
        ("Once recruitment is completed the rota will be revised", None),
        ("When the review is complete, findings go to the Board", None),
        ("Not completed", None),
        (
            ("Weekly monitoring is in place with ward managers; however the pace needs to be increased "
             "to achieve full compliance by March 2024"),
            "in_progress",
        ),
        ("Policy implemented but further work is needed on audit", "in_progress"),
        ("Partially complete", "in_progress"),
        ("Training delivered to 85% of staff; remaining staff to be trained by June", "in_progress"),
        ("Complete when the audit is signed off", None),
        ("Ready for closure", "in_progress"),
        ("The surgery closed the list in May", None),
        ("Closed - superseded by action 14", "completed"),
        # narrative without a status word gives null
        ("Letter sent to practices; first report presented to the committee", None),
        ("Discussed at the quality meeting, further reports planned", None),
        ("", None),
    ],
)
def test_status_from_words(text, expected):
    assert status_from_progress(text) == expected


@pytest.mark.parametrize(
    "spelling", ["ongoing", "on-going", "on going", "On- going", "on -going", "ON GOING", "on\u2011going"]
)
def test_one_ongoing_grammar(spelling):
    assert ONGOING_PATTERN.search(f"Monitoring {spelling} monthly")
    assert status_from_text(spelling) == "ongoing"


@pytest.mark.parametrize("text", ["going on leave", "ongoingness", "on goings"])
def test_ongoing_grammar_needs_the_word(text):
    assert not ONGOING_PATTERN.search(text)


@pytest.mark.parametrize(
    ("cell", "line", "rest"),
    [
        ("Review the sepsis pathway. Status: in progress", "Status: in progress", "Review the sepsis pathway."),
        ("Recruit two nurses\nStatus: Complete - posts filled Feb", "Status: Complete - posts filled Feb", "Recruit two nurses"),
        ("STATUS - Open", "STATUS - Open", ""),
        ("Update the status of all open referrals", None, "Update the status of all open referrals"),
        ("Status report to Board quarterly", None, "Status report to Board quarterly"),
    ],
)
def test_status_line_inside_a_cell(cell, line, rest):
    """The one grammar for "Status: ..." lines lives in extract: the line moves, whole, to a
    status column of its own and leaves the cell it was written in."""
    row = DataRow("plan", 1, 1, None, (Column("action", "Action", tuple(Line(text) for text in cell.split("\n"))),))
    moved = move_status_lines(row)
    assert [column.text for column in moved.columns if column.field == "status"] == ([line] if line else [])
    assert " ".join(column.text for column in moved.columns if column.field == "action") == rest


@pytest.mark.parametrize(
    ("column", "expected"),
    [("Completed", "completed"), ("Closed", "completed"), ("Open", None), ("C", None), ("In progress - slipped", "in_progress"),
     ("Yes", "completed"), ("Y", "completed"), ("No", None), ("N", None)],
)
def test_status_column_words(column, expected):
    assert normalise_status(column) == expected


TRACKER_STATUSES = (
    ("Ref", "Action", "Owner", "Due", "Status"),
    ("1", "Replace the ward's sluice macerator", "Estates Manager", "March 2025", "Delayed"),
    ("2", "Recruit a second pharmacist", "Chief Pharmacist", "April 2025", "On hold"),
    ("3", "Audit consent forms", "Clinical Audit Lead", "January 2025", "Overdue"),
    ("4", "Publish the visiting policy", "Head of Nursing", "February 2025", "Behind schedule"),
    ("5", "Train staff in the new falls pathway", "Falls Lead", "December 2024", "Closed"),
    ("6", "Review the discharge checklist", "Discharge Lead", "June 2025", "Open"),
)


def test_status_words_are_kept_and_only_explicit_ones_set_status(tmp_path):
    """A tracker's status column: every word is kept in ``status_text``; only "Closed" states
    one of the four statuses. Late, paused or open says how it stands, not whether work has
    started, so ``status`` stays empty rather than guessed."""
    from written_plans import convert, tsv

    actions = convert(tmp_path, tsv(*TRACKER_STATUSES))
    assert [(a.ref, a.status_text, a.status) for a in actions] == [
        ("1", "Delayed", ""), ("2", "On hold", ""), ("3", "Overdue", ""),
        ("4", "Behind schedule", ""), ("5", "Closed", "completed"), ("6", "Open", ""),
    ]
