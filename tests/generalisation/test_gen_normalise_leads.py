"""People in lead cells from the cell's shape and the plan's own evidence (issue #11, item 6).

Hand-written lead cells (not cut from a seed) in the shapes other organisations print; the
expected people and roles were written by gold/GUIDE.md before the code that passes them.
"""

from __future__ import annotations

import pytest

from extract.glossary import GlossaryEntry, PersonEntry
from normalise.leads import LeadKnowledge, parse_lead


@pytest.mark.parametrize(
    ("cell", "people", "roles"),
    [
        # names the lexicon lacks or misjudges, recognised by their shape
        ("Mohammed Al-Hassan", ["Mohammed Al-Hassan"], []),
        ("Siobhan Ní Bhriain", ["Siobhan Ní Bhriain"], []),
        ("Ngozi Okonjo-Iweala", ["Ngozi Okonjo-Iweala"], []),
        ("Ngozi Okonjo-Iweala, Director of Nursing", ["Ngozi Okonjo-Iweala"], ["Director of Nursing"]),
        ("Seán O'Brien, Head of Service", ["Seán O'Brien"], ["Head of Service"]),
        ("José Martínez", ["José Martínez"], []),
        ("Ewan MacDonald and Aoife Mac Giolla", ["Ewan MacDonald", "Aoife Mac Giolla"], []),
        ("Pieter van Rensburg", ["Pieter van Rensburg"], []),
        ("Chidi Obi-Ezekwesili; Practice Manager", ["Chidi Obi-Ezekwesili"], ["Practice Manager"]),
        # "Surname, First" and names in capitals
        ("Okafor, Grace", ["Grace Okafor"], []),
        ("Okafor, Ngozi", ["Ngozi Okafor"], []),
        # a name the lexicon lacks, listed beside one it knows
        ("Lisa O'Neill & Kwame Mensah", ["Lisa O'Neill", "Kwame Mensah"], []),
        ("Kwame Mensah and Jo Bloggs", ["Kwame Mensah", "Jo Bloggs"], []),
        ("Jo Bloggs and Estates Team", ["Jo Bloggs"], ["Estates Team"]),
        ("Adeyemi, Nkechi", ["Nkechi Adeyemi"], []),
        ("Kowalski, Agnieszka", ["Agnieszka Kowalski"], []),
        ("Audiology, Haematology", [], ["Audiology, Haematology"]),
        ("Paediatrics, Obstetrics", [], ["Paediatrics, Obstetrics"]),
        ("Jane Smith, Head of Service", ["Jane Smith"], ["Head of Service"]),
        ("OKAFOR, Ngozi", ["Ngozi Okafor"], []),
        ("SMITH, John; OKAFOR, Ngozi", ["John Smith", "Ngozi Okafor"], []),
        ("Sutherland, Jane\nPractice Manager", ["Jane Sutherland"], ["Practice Manager"]),
        ("Matron, Paediatrics", [], ["Matron, Paediatrics"]),
        ("Finance, Mark", [], ["Finance, Mark"]),
        ("Sarah, Priya", [], ["Sarah, Priya"]),
        ("Lead: MOHAMMED AL-HASSAN", ["MOHAMMED AL-HASSAN"], []),
        ("SMITH, John", ["John Smith"], []),
        ("JOHN SMITH", ["JOHN SMITH"], []),
        ("KAREN HOLLOWAY, PRACTICE MANAGER", ["KAREN HOLLOWAY"], ["PRACTICE MANAGER"]),
        # first-name-only people beside full names
        ("Sarah, John Smith and Priya", ["Sarah", "John Smith", "Priya"], []),
        ("Tom and Fatima Begum", ["Tom", "Fatima Begum"], []),
        ("Ann Jones, June", ["Ann Jones"], []),
        ("John Smith and Team", ["John Smith"], ["Team"]),
        # initials and post titles stay roles without the plan's evidence
        ("JS", [], ["JS"]),
        ("CEO", [], ["CEO"]),
        ("DoN", [], ["DoN"]),
        ("CEO / DoN", [], ["CEO", "DoN"]),
        ("Head of Service", [], ["Head of Service"]),
        ("Designated Nurse", [], ["Designated Nurse"]),
        ("Chief Executive", [], ["Chief Executive"]),
        ("Practice Manager and Lead GP", [], ["Practice Manager", "Lead GP"]),
        ("Estates Team", [], ["Estates Team"]),
        ("All staff", [], ["All staff"]),
        ("Sarah", [], ["Sarah"]),
    ],
)
def test_people_from_the_cell(cell, people, roles):
    lead = parse_lead(cell)
    assert (list(lead.people), list(lead.roles)) == (people, roles)


def test_initials_resolved_by_the_plans_own_list():
    knowledge = LeadKnowledge.from_document(
        ["JS / Karen Holloway"], [PersonEntry("Jane Sutherland", "Practice Manager")], []
    )
    assert parse_lead("JS", knowledge).people == ("Jane Sutherland",)
    assert parse_lead("KH", knowledge).people == ("Karen Holloway",)
    assert parse_lead("CEO", knowledge).roles == ("CEO",)


def test_initials_resolved_by_the_glossary():
    glossary = [GlossaryEntry("RT", "Rachel Thompson"), GlossaryEntry("DoN", "Director of Nursing")]
    knowledge = LeadKnowledge.from_document([], [], glossary)
    assert parse_lead("RT", knowledge).people == ("Rachel Thompson",)
    assert parse_lead("DoN", knowledge).people == ()


def test_ambiguous_initials_stay_roles():
    people = [PersonEntry("Jane Sutherland", ""), PersonEntry("John Smith", "")]
    knowledge = LeadKnowledge.from_document([], people, [])
    assert parse_lead("JS", knowledge) == parse_lead("JS")
