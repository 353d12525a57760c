"""One section-lead grammar: a heading row and a people-list line read a lead the same way.

Probes written for this test (not cut from a seed): each string, what a heading row makes of
it, the leads the people lists read from it, and whether it is a glossary line.
"""

from __future__ import annotations

import pytest

from extract.context import classify_heading, section_lead_text
from extract.glossary import find_section_lead, line_to_glossary_entry

LONG_PROSE = "Lead officers: " + "the service will review every referral within a day and report monthly " * 3

PROBES = [
    # text, heading kind, heading text (for leads), leads read by the people lists, glossary?
    ("Strategic Lead: Jane Smith", "lead", "Jane Smith", ("Jane Smith",), False),
    ("Accountable Leads: Ann Goldsmith; Kate Hill", "lead", "Ann Goldsmith; Kate Hill", ("Ann Goldsmith", "Kate Hill"), False),
    ("Lead Officer – Omar Khan", "lead", "Omar Khan", ("Omar Khan",), False),
    ("Responsible person: Priya Patel", "lead", "Priya Patel", ("Priya Patel",), False),
    ("Lead: Head of Early Help", "lead", "Head of Early Help", ("Head of Early Help",), False),
    ("Theme owner: Director of Education and Jo Marsh", "lead", "Director of Education and Jo Marsh",
     ("Director of Education", "Jo Marsh"), False),
    ("Leadership and management", "section", "", None, False),
    ("Leaders are clear about expectations", "section", "", None, False),
    ("Lead-in period for new staff", "section", "", None, False),
    ("Director of Children's Services", "section", "", None, False),
    ("Person centred planning", "section", "", None, False),
    ("3.2 Outcome – Leads are named for every plan", "area", "", None, False),
    ("Key Objectives: leads agree the audit", "note", "", None, False),
    ("and the lead officer signs it off", "continuation", "", None, False),
    ("QAF Quality Assurance Framework", "section", "", None, True),
    (LONG_PROSE, "section", "", None, False),
]


@pytest.mark.parametrize(("text", "kind", "heading_text", "leads", "glossary"), PROBES)
def test_heading_and_people_lists_share_one_lead_grammar(text, kind, heading_text, leads, glossary):
    heading = classify_heading(text)
    assert heading.kind == kind
    if kind == "lead":
        assert heading.text == heading_text
    assert find_section_lead(text) == leads
    assert (section_lead_text(" ".join(text.split())) is not None) == (kind == "lead")
    assert (line_to_glossary_entry(text) is not None) == glossary
