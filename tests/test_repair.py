"""normalise.repair: clipped words restored, one test per rule, and a sweep over every cell of
every seed plan proving that no correctly spelled word is ever "repaired"."""

from __future__ import annotations

from pathlib import Path

import pytest


from normalise.repair import (  # noqa: E402
    ATTESTED_RATIO,
    Repair,
    Vocabulary,
    is_known_word,
    looks_clipped,
    repair_text,
)
from conftest import RAW

SEEDS = RAW
PLAN_000 = SEEDS / "000_b6eaf09ee790a9e5.txt"


def seed_cells(path: Path) -> list[str]:
    return [cell for line in path.read_text(encoding="utf-8").splitlines() for cell in line.split("\t") if cell.strip()]


@pytest.fixture(scope="module")
def plan_000() -> Vocabulary:
    return Vocabulary.from_texts(seed_cells(PLAN_000))


# --------------------------------------------------------------------------- the gold headings

@pytest.mark.parametrize(
    "clipped, area",
    [
        ("nild Protection nit : Initial Child rotection Case onferences",
         "Child Protection Unit: Initial Child Protection Case Conferences"),
        ("hild Protection nit : Allegations gainst ofessionals and e role of the LADO",
         "Child Protection Unit: Allegations Against Professionals and the role of the LADO"),
        ("ocial Work: elay in Initial Child rotection Case conferences",
         "Social Work: Delay in Initial Child Protection Case conferences"),
        ("anagement: upervision of ractice", "Management: Supervision of Practice"),
        ("ocial Work: tatutory ssessment", "Social Work: Statutory Assessment"),
        ("ocial Work: hildren suffering eglect", "Social Work: Children suffering Neglect"),
    ],
)
def test_plan_000_headings_repair_to_the_gold_areas(plan_000, clipped, area):
    repaired, repairs = repair_text(clipped, plan_000)
    assert repaired == area
    assert looks_clipped(clipped, plan_000)
    for repair in repairs:  # offsets point at the original token
        assert clipped[repair.start:repair.start + len(repair.before)] == repair.before


def test_repairs_are_reported_token_by_token(plan_000):
    _, repairs = repair_text("anagement: upervision of ractice", plan_000)
    assert repairs == (Repair("anagement", "Management", 0), Repair("upervision", "Supervision", 11),
                       Repair("ractice", "Practice", 25))


# --------------------------------------------------------------------------- one test per rule

VOCABULARY = Vocabulary.from_texts([
    "Child Protection Unit", "the child protection unit", "Initial Child Protection Case Conferences",
    "social work", "Social Work", "the role of the LADO", "the delay", "the case", "the plan",
])


def test_rule_plan_word_ending_with_the_token():
    assert repair_text("ocial Work", VOCABULARY)[0] == "Social Work"


def test_rule_clipped_first_glyph_h_read_as_n():
    assert repair_text("nild Protection", VOCABULARY)[0] == "Child Protection"


def test_rule_english_words_when_the_plan_has_none():
    text = "Ensure that core assessments are completed following all child protection nvestigations (Immediate)"
    assert repair_text(text, Vocabulary.from_texts([]))[0] == text.replace("nvestigations", "investigations")


def test_rule_at_most_three_letters_are_restored():
    vocabulary = Vocabulary.from_texts(["Accountabilities"] * 5)
    assert repair_text("tabilities and ountabilities", vocabulary)[1] == (
        Repair("ountabilities", "Accountabilities", 15),)  # "tabilities" would need 6 letters


@pytest.mark.parametrize("word", ["role", "the", "work", "care", "plan", "nd", "th"])
def test_rule_known_words_stay_even_beside_clipped_ones(word):
    vocabulary = Vocabulary.from_texts([f"social s{word}"] * 50)
    assert repair_text(f"ocial {word}", vocabulary)[0] == f"Social {word}"


@pytest.mark.parametrize("word, completion", [("placements", "replacements"), ("proportionate", "disproportionate"),
                                              ("pacing", "spacing"), ("genital", "congenital")])
def test_rule_rare_real_words_stay_on_their_own(word, completion):
    vocabulary = Vocabulary.from_texts([completion] * 50)
    assert repair_text(f"work {word} to plan", vocabulary) == (f"work {word} to plan", ())
    assert repair_text(f"work {word} to plan", Vocabulary.from_texts([])) == (f"work {word} to plan", ())


def test_rule_a_word_the_plan_uses_in_its_own_right_stays():
    vocabulary = Vocabulary.from_texts(["nit " * 5, "Unit", "unit", "nild", "Child " * 5])
    assert vocabulary.count("nit") >= vocabulary.count("unit") / ATTESTED_RATIO
    assert repair_text("nild nit", vocabulary)[0] == "Child nit"


def test_rule_no_repair_when_two_completions_are_equally_likely():
    vocabulary = Vocabulary.from_texts(["tread bread tread bread dread"])
    assert repair_text("read", vocabulary) == ("read", ())
    assert repair_text("ead xyzzyplugh", Vocabulary.from_texts(["bread dread"])) == ("ead xyzzyplugh", ())


def test_rule_rare_words_and_single_letters_only_beside_clearly_clipped_ones():
    assert repair_text("e role of the LADO", VOCABULARY) == ("e role of the LADO", ())
    assert repair_text("nit", VOCABULARY) == ("nit", ())
    assert repair_text("ocial e role", VOCABULARY)[0] == "Social the role"


def test_rule_capital_words_are_never_clipped():
    assert repair_text("Ocial Nit", VOCABULARY) == ("Ocial Nit", ())


@pytest.mark.parametrize("text", ["i.e.: the case", "e.g. the plan", "the child's plan", "12 th June 2012",
                                  "on-going work", "CS_N15a: ICPC's", "S47 enquiries", "L&D sub group"])
def test_rule_parts_of_words_are_not_tokens(text):
    vocabulary = Vocabulary.from_texts(["social the case going June Ltd enquiries board third " * 10])
    repaired, repairs = repair_text(f"{text} ocial", vocabulary)
    assert repaired.lower() == f"{text} social".lower()
    assert [r.before for r in repairs] == ["ocial"]


def test_rule_heading_gets_capitals_running_text_follows_its_neighbours():
    vocabulary = Vocabulary.from_texts(["investigations child protection conferences Conferences"] * 3)
    assert repair_text("child protection nvestigations and onferences", vocabulary)[0] == (
        "child protection investigations and conferences")
    assert repair_text("Child Protection onferences", vocabulary)[0] == "Child Protection Conferences"
    neglect = Vocabulary.from_texts(["social children neglect"] * 3)
    assert repair_text("ocial Work: hildren suffering eglect", neglect)[0] == "Social Work: Children suffering Neglect"


def test_rule_function_words_stay_lowercase_in_headings():
    assert repair_text("hild Protection and e role", VOCABULARY)[0] == "Child Protection and the role"
    assert repair_text("hild Protection: e role", VOCABULARY)[0] == "Child Protection: The role"  # starts a clause


def test_space_left_before_a_colon_goes_only_when_something_was_repaired():
    assert repair_text("Protection nit : Initial", VOCABULARY)[0] == "Protection nit : Initial"
    assert repair_text("nild Protection nit : Initial", VOCABULARY)[0] == "Child Protection Unit: Initial"


@pytest.mark.parametrize(
    "text, expected",
    [("ocial Work: tatutory ssessment", True), ("nild Protection", True), ("Social Work: Statutory Assessment", False),
     ("Children are promptly seen", False), ("the child protection nvestigations", False)],
)
def test_looks_clipped(text, expected):
    vocabulary = Vocabulary.from_texts(seed_cells(PLAN_000) + ["investigations"] * 3)
    assert looks_clipped(text, vocabulary) is expected


def test_vocabulary_keeps_printed_forms():
    vocabulary = Vocabulary.from_texts(["Unit unit Unit", "<p>Unit &amp; team</p>"])
    assert vocabulary.count("UNIT") == 4
    assert vocabulary.forms["unit"] == {"Unit": 3, "unit": 1}
    assert "amp" not in vocabulary.counts


# --------------------------------------------------------------------------- every seed, every cell

EXPECTED_SEED_REPAIRS = [
    ("000", "nild", "Child"), ("000", "nit", "Unit"), ("000", "rotection", "Protection"),
    ("000", "onferences", "Conferences"), ("000", "ocial", "Social"), ("000", "elay", "Delay"),
    ("000", "rotection", "Protection"), ("000", "hild", "Child"), ("000", "nit", "Unit"),
    ("000", "gainst", "Against"), ("000", "ofessionals", "Professionals"), ("000", "e", "the"),
    ("000", "ocial", "Social"), ("000", "tatutory", "Statutory"), ("000", "ssessment", "Assessment"),
    ("000", "ocial", "Social"), ("000", "hildren", "Children"), ("000", "eglect", "Neglect"),
    ("000", "anagement", "Management"), ("000", "upervision", "Supervision"), ("000", "ractice", "Practice"),
    ("002", "nvestigations", "investigations"),
]


def test_no_correctly_spelled_word_in_any_seed_is_repaired():
    """Repair every cell of every seed plan with that plan's vocabulary: each repaired token is
    no known English word, the plan uses its completion far more often than the token, and the
    repairs are exactly the clipped words a reader finds in the plans."""
    made = []
    for path in sorted(SEEDS.glob("*.txt")):
        cells = seed_cells(path)
        vocabulary = Vocabulary.from_texts(cells)
        for cell in cells:
            repaired, repairs = repair_text(cell, vocabulary)
            for repair in repairs:
                assert not is_known_word(repair.before), repair
                assert cell[repair.start:repair.start + len(repair.before)] == repair.before
                assert repair.after.lower().endswith(repair.before.lower()[1:])
                plan_count = vocabulary.count(repair.after)
                assert plan_count == 0 or plan_count >= ATTESTED_RATIO * vocabulary.count(repair.before)
                made.append((path.name[:3], repair.before, repair.after))
            if not repairs:
                assert repaired == cell
    assert made == EXPECTED_SEED_REPAIRS
