"""extract.glossary on real lines from the seed plans (data/raw): glossary sections, inline
abbreviations, people lists and section leads, and that ordinary text never becomes one."""

from __future__ import annotations

from pathlib import Path

import pytest


from extract.glossary import (  # noqa: E402
    GlossaryEntry,
    PersonEntry,
    abbreviation_matches,
    find_section_lead,
    first_name_popularity,
    is_abbreviation,
    line_to_glossary_entry,
    lines_to_glossary,
    lines_to_people,
    rows_to_glossary,
    text_to_inline_glossary,
)
from conftest import RAW

SEEDS = RAW
PLAN_002 = SEEDS / "002_93871fd4ab8d0ecd.txt"
PLAN_003 = SEEDS / "003_2a6c1f8cccd38286.txt"


def seed_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def all_seed_lines() -> list[str]:
    return [line for path in sorted(SEEDS.glob("*.txt")) for line in seed_lines(path)]


# --------------------------------------------------------------------------- glossary sections

PLAN_002_GLOSSARY = [
    ("LSCB", "Local Safeguarding Children Board"),
    ("SCSC", "Safeguarding Children Sub Committee (of the LSCB)"),
    ("CQC", "Care Quality Commission"),
    ("HWPB", "Health and wellbeing Partnership Board"),
    ("RUH", "Royal United Hospital"),
    ("PCT", "Primary care trust"),
    ("AWP", "Avon and Wiltshire Partnership (Mental Health Trust)"),
    ("SHA", "Strategic Health Authority"),
    ("CTB", "Children's Trust Board"),
    ("HTB", "Health Trust Board"),
    ("CLT", "Children's Leadership Team"),
    ("PCLT", "People and Communities Leadership Team"),
    ("CP/CPG", "Corporate Parenting Group"),
    ("CCSQA", "Children in Care Strategy and Quality Assurance Group"),
    ("EDT", "Emergency Duty Team"),
    ("DD", "Divisional Director"),
    ("IRO/IRS", "Independent Reviewing Officer/Service"),
    ("LAC", "Looked After Children"),
    ("PEP", "Personal Education Plan"),
    ("EIA", "Equality Impact Assessment"),
    ("PDP/PR", "Personal development Plan/Performance Review"),
    ("CAF", "Common Assessment Framework"),
    ("BAAF", "British Association for adoption and Fostering"),
]


def test_plan_002_glossary_section_is_read_completely():
    entries = lines_to_glossary(seed_lines(PLAN_002))
    assert entries == [GlossaryEntry(a, e) for a, e in PLAN_002_GLOSSARY]


def test_glossary_section_stops_short_of_ordinary_lines_after_it():
    lines = ["Abbreviations/ Glossary", "", "CAF Common Assessment Framework", "",
             "Appendix to report to Early Years, Children and Youth Policy Development and Scrutiny Panel"]
    assert lines_to_glossary(lines) == [GlossaryEntry("CAF", "Common Assessment Framework")]


@pytest.mark.parametrize("heading", ["Abbreviations/ Glossary", "Glossary", "Abbreviations", "Glossary of terms",
                                     "ACRONYMS:", "Abbreviations and Glossary"])
def test_glossary_headings(heading):
    assert lines_to_glossary([heading, "PP&P Policy, Planning and Performance"]) == [
        GlossaryEntry("PP&P", "Policy, Planning and Performance")]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("LSCB Local Safeguarding Children Board", ("LSCB", "Local Safeguarding Children Board")),
        ("LSCB - Local Safeguarding Children Board", ("LSCB", "Local Safeguarding Children Board")),
        ("LSCB: Local Safeguarding Children Board", ("LSCB", "Local Safeguarding Children Board")),
        ("LSCB\tLocal Safeguarding Children Board", ("LSCB", "Local Safeguarding Children Board")),
        ("• CP/CPG Corporate Parenting Group", ("CP/CPG", "Corporate Parenting Group")),
        ("OR = Ofsted Report (See appendix one, page 35 of this report)", ("OR", "Ofsted Report")),
        ("IN = Improvement Notice (See page 7 of this report)", ("IN", "Improvement Notice")),
        ("CwD Children with Disabilities", ("CwD", "Children with Disabilities")),
        ("L&D Learning and Development", ("L&D", "Learning and Development")),
    ],
)
def test_glossary_line_forms(line, expected):
    assert line_to_glossary_entry(line, strict=True) == GlossaryEntry(*expected)


@pytest.mark.parametrize(
    "line",
    [
        "LSCB Chair to require Health providers (via Designated Nurse Safeguarding) to present report",
        "BSCB is incorporating information regarding private fostering into its routine data set.",
        "SGU SGS",
        "CSE sub group",
        "PMAE Sub Group",
        "BSCB Board",
        "CQC action plan",
        "Final Version",
        "NOTE:- Glossary on page 33",
        "Signed off by: Ashley Ayre Strategic Director",
    ],
)
def test_ordinary_lines_are_never_glossary_entries(line):
    assert line_to_glossary_entry(line, strict=False) is None
    assert line_to_glossary_entry(line, strict=True) is None


def test_no_seed_line_becomes_an_entry_it_does_not_define():
    """Even read leniently (as if every line sat in a glossary section), only real definitions come out."""
    defined = {a for a, _ in PLAN_002_GLOSSARY} | {"OR", "IN"}
    found = set()
    for line in all_seed_lines():
        for text in [line, *line.split("\t")]:
            entry = line_to_glossary_entry(text, strict=False)
            if entry:
                found.add(entry.abbreviation)
    assert found == defined


def test_two_cell_rows():
    rows = [("Abbreviation", "Meaning"), ("EDT", "Emergency Duty Team"), ("Ann Garratt", "Service Manager"),
            ("DD", "Divisional Director", "extra")]
    assert rows_to_glossary(rows) == [GlossaryEntry("EDT", "Emergency Duty Team")]


@pytest.mark.parametrize(
    "abbreviation, expansion, strict, expected",
    [
        ("MASH", "Multi-Agency Safeguarding Hub", True, True),
        ("OOH", "Out of Hours", True, True),
        ("S&RU", "Safeguarding & Reviewing Unit", True, True),
        ("IRO", "Independent Reviewing Officer", True, True),
        ("IRO", "Review of Independent Reviewing Officer", True, False),
        ("HWPB", "Health and wellbeing Partnership Board", True, True),
        ("CCSQA", "Children in Care Strategy and Quality Assurance Group", True, False),
        ("CCSQA", "Children in Care Strategy and Quality Assurance Group", False, True),
        ("LSCB", "Chair to require Health providers", False, False),
    ],
)
def test_abbreviation_matches(abbreviation, expansion, strict, expected):
    assert abbreviation_matches(abbreviation, expansion, strict=strict) is expected


@pytest.mark.parametrize("token, expected", [("LSCB", True), ("PP&P", True), ("IROs", True), ("CwD", True),
                                             ("Service", False), ("A", False), ("2012", False)])
def test_is_abbreviation(token, expected):
    assert is_abbreviation(token) is expected


# --------------------------------------------------------------------------- inline definitions


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<p>i) Review of Independent Reviewing Officer (IRO) service against requirements</p>",
         [("IRO", "Independent Reviewing Officer")]),
        ("i) Implementation of Multi-Agency Safeguarding Hub (MASH) and Early Help (EH) Panel.",
         [("MASH", "Multi-Agency Safeguarding Hub"), ("EH", "Early Help")]),
        ("i) Assistant Director (AD)", [("AD", "Assistant Director")]),
        ("ii) Establishment of new 'Out of Hours (OOH) Team.'", [("OOH", "Out of Hours")]),
        ("iv). Protocol User Group (PUG) to be established.", [("PUG", "Protocol User Group")]),
        ("The Safeguarding &amp; Reviewing Unit (S&amp;RU) provide timely case conferencing",
         [("S&RU", "Safeguarding & Reviewing Unit")]),
        ("Review capacity within the Family and Assessment Support Team (FAST), to ensure",
         [("FAST", "Family and Assessment Support Team")]),
        ("The CAF (Common Assessment Framework) process", [("CAF", "Common Assessment Framework")]),
    ],
)
def test_inline_definitions(text, expected):
    assert text_to_inline_glossary(text) == [GlossaryEntry(a, e) for a, e in expected]


@pytest.mark.parametrize(
    "text",
    [
        "1.1 Ensure that core assessments are completed (Immediate) Practice standards",
        "Care Planning regulations (2011) and the recommendations",
        "Di Watherston, Group Service Manager (Social Work)",
        "Development of integrated services for children with special needs (S.END agenda).",
        "CP Coordinators to quality assure PLO process by 3rd CPCC(10 month point)",
        "Progress at (Inc RAG rating)",
        "Assessments (including CAF) are always timely",
        "Safeguarding Children Sub Committee (of the LSCB)",
    ],
)
def test_parentheses_that_define_nothing(text):
    assert text_to_inline_glossary(text) == []


# --------------------------------------------------------------------------- people


def test_plan_003_leads_and_job_titles_appendix():
    lines = seed_lines(PLAN_003)
    appendix = lines[lines.index("Leads and Job Titles"):]
    people = lines_to_people(appendix)
    assert [p.name for p in people] == [
        "Ann Garratt", "Ann Goldsmith", "Christine Bellairs", "Damian Elcock", "Iain Easton", "Jackie Coventry",
        "Jane Scannell", "Janet Dullaghan", "Jenny Sergeant", "Jonathan Lewis", "Karen Moody", "Lyn Chesterton",
        "Malcolm Newsam", "Marcus Richardson",
    ]
    assert people[0] == PersonEntry("Ann Garratt", "Service Manager, Assessment and Care Planning")
    assert people[7] == PersonEntry("Janet Dullaghan", "Assistant Director for Community Health")


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Jane Held, Independent Chair", ("Jane Held", "Independent Chair")),
        ("Cllr John Holdich, Cabinet Member for Education, Skills and University",
         ("John Holdich", "Cabinet Member for Education, Skills and University")),
        ("- Malcolm Newsam, Interim Director of Children's Services",
         ("Malcolm Newsam", "Interim Director of Children's Services")),
        ("Flick Schofield, Chair of Peterborough Safeguarding Children Board",
         ("Flick Schofield", "Chair of Peterborough Safeguarding Children Board")),
        ("Debbie Jenkins, Department for Education", ("Debbie Jenkins", "Department for Education")),
        ("Ann Goldsmith\tInterim Assistant Director for Children's Social Care",
         ("Ann Goldsmith", "Interim Assistant Director for Children's Social Care")),
    ],
)
def test_people_lines(line, expected):
    assert lines_to_people([line]) == [PersonEntry(*expected)]


@pytest.mark.parametrize(
    "line",
    [
        "EH, Early Years and Children's Centres.",
        "Early Help, Early Years and Children's Centres.",
        "Signed.....Dated.....",
        "(First name alphabetical order)",
        "Leads and Job Titles",
        "However, some staff in assessment teams report supervision is not always regular.",
        "Placement Service, Health and Partnerships",
        "Social Work: Section 47 Strategy discussions\tSocial workers and their managers do not",
        "Completed; (1) Sept 2014 (2) Jan 2015",
    ],
)
def test_lines_that_name_nobody(line):
    assert lines_to_people([line]) == []


def test_people_from_whole_plan_003_are_board_members_and_leads_only():
    names = {p.name for p in lines_to_people(seed_lines(PLAN_003))}
    assert names == {
        "Jane Held", "John Holdich", "Sheila Scott", "Gillian Beasley", "Malcolm Newsam", "Mark Hopkins",
        "Flick Schofield", "Debbie Jenkins", "Mandy Renton", "Mike Sandeman", "Ann Garratt", "Ann Goldsmith",
        "Christine Bellairs", "Damian Elcock", "Iain Easton", "Jackie Coventry", "Jane Scannell",
        "Janet Dullaghan", "Jenny Sergeant", "Jonathan Lewis", "Karen Moody", "Lyn Chesterton",
        "Marcus Richardson",
    }


def test_no_people_in_plans_without_people_lists():
    for name in ("000_b6eaf09ee790a9e5", "001_9d4ebbcf78c32af3", "002_93871fd4ab8d0ecd", "004_466c596bdae4b96c"):
        assert lines_to_people(seed_lines(SEEDS / f"{name}.txt")) == []


def test_first_name_lexicon_comes_from_gender_guesser():
    assert first_name_popularity("Trina").english > 0
    assert first_name_popularity("trina") == first_name_popularity("Trina")
    assert first_name_popularity("Manager") is None


# --------------------------------------------------------------------------- section leads


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Accountable Leads: Malcolm Newsam\t\t\t\t\t", ("Malcolm Newsam",)),
        ("<p>Accountable Leads: Ann Goldsmith</p>\t\t\t\t\t", ("Ann Goldsmith",)),
        ("Accountable Leads: Janet Dulagan", ("Janet Dulagan",)),
        ("Accountable Leads: Ann Goldsmith and Janet Dulagan", ("Ann Goldsmith", "Janet Dulagan")),
        ("Lead Officer: Jane Scannell, Karen Moody", ("Jane Scannell", "Karen Moody")),
        ("Strategic Lead: Assistant Director, Children's Services", ("Assistant Director, Children's Services",)),
        ("Pillar One\nAccountable Leads: Malcolm Newsam", ("Malcolm Newsam",)),
    ],
)
def test_section_leads(text, expected):
    assert find_section_lead(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The framework will lead the improvements around performance management",
        "Membership: Senior leads from partner agencies",
        "Bradford Safeguarding Children Board: Led by an Independent Chair",
        "BSCB Business planning Group: Chair - Independent Chair of the Board",
        "Accountable Leads:",
        "Reference\tActions\tTimescale\tRAG\tDelivery Lead\tTargets and Measures",
    ],
)
def test_lines_without_a_section_lead(text):
    assert find_section_lead(text) is None


def test_plan_003_section_leads_in_order():
    leads = [lead for line in seed_lines(PLAN_003) if (lead := find_section_lead(line))]
    assert leads == [("Malcolm Newsam",), ("Ann Goldsmith",), ("Ann Goldsmith",), ("Janet Dulagan",),
                     ("Mandy Pullen",), ("Marcus Richardson",)]
