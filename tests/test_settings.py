"""Settings: each stage's validated settings object, reachable from ``Settings`` and the CLI,
and part of the cache key.

Inputs are written here or are the hand-built PDF fixtures (``make_pdf_fixtures.py``), never
cut from a seed.
"""

from __future__ import annotations

import csv
import dataclasses
import math

import pytest
from click.testing import CliRunner

from actionplans.cache import Cache
from actionplans.cli import main
from actionplans.conversion import Settings, convert_file
from extract.headers import HeaderSettings
from ingest.pdf import PdfSettings
from ingest.pdf_unruled import UnruledSettings
from ingest.settings import PackageLimits
from normalise.leads import LeadKnowledge, parse_lead
from normalise.settings import LeadSettings
from tests.conftest import FIXTURES
from tests.written_plans import tsv

PDFS = FIXTURES / "pdf"

# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: PdfSettings(snap_tolerance=-1.0), ValueError, r"PdfSettings\.snap_tolerance must be a number >= 0, not -1\.0"),
        (lambda: PdfSettings(join_tolerance=math.nan), ValueError, r"PdfSettings\.join_tolerance must be a number >= 0"),
        (lambda: PdfSettings(min_filled_share=1.5), ValueError, r"PdfSettings\.min_filled_share must be a number between 0 and 1"),
        (lambda: PdfSettings(max_segments=2.5), TypeError, r"PdfSettings\.max_segments must be a whole number, not 2\.5"),
        (lambda: PdfSettings(find_unruled="no"), TypeError, r"PdfSettings\.find_unruled must be True or False"),
        (lambda: PdfSettings(password=None), TypeError, r"PdfSettings\.password must be text"),
        (lambda: PdfSettings(unruled={"min_rows": 2}), TypeError, r"PdfSettings\.unruled must be a UnruledSettings"),
        (lambda: UnruledSettings(min_rows=0), ValueError, r"UnruledSettings\.min_rows must be a number >= 1, not 0"),
        (lambda: UnruledSettings(min_rule_cover=-0.1), ValueError, r"UnruledSettings\.min_rule_cover must be a number between 0 and 1"),
        (lambda: UnruledSettings(min_column_gap=math.inf), ValueError, r"UnruledSettings\.min_column_gap must be a number >= 0"),
        (lambda: LeadSettings(confident_score=-0.5), ValueError, r"LeadSettings\.confident_score must be a number >= 0"),
        (lambda: LeadSettings(unused_name_word_penalty=0.5), ValueError, r"LeadSettings\.unused_name_word_penalty must be a number <= 0"),
        (lambda: LeadSettings(known_name_score="3"), TypeError, r"LeadSettings\.known_name_score must be a number, not '3'"),
        (lambda: LeadSettings(lexicon_name_score=True), TypeError, r"LeadSettings\.lexicon_name_score must be a number"),
        (lambda: LeadSettings(role_lookahead_words=2.0), TypeError, r"LeadSettings\.role_lookahead_words must be a whole number"),
        (lambda: LeadSettings(role_word_surname_min_popularity=14), ValueError,
         r"LeadSettings\.role_word_surname_min_popularity must be a number between 0 and 13, not 14"),
        (lambda: PackageLimits(max_ratio=1), ValueError, r"PackageLimits\.max_ratio must be a number >= 2, not 1"),
        (lambda: PackageLimits(max_expanded_mb=0), ValueError, r"PackageLimits\.max_expanded_mb must be a number >= 1"),
        (lambda: PackageLimits(max_expanded_mb=1.5), TypeError, r"PackageLimits\.max_expanded_mb must be a whole number"),
        (lambda: Settings(package=PdfSettings()), TypeError, r"Settings\.package must be a PackageLimits"),
        (lambda: Settings(pdf=None), TypeError, r"Settings\.pdf must be a PdfSettings, not None"),
        (lambda: Settings(leads=PdfSettings()), TypeError, r"Settings\.leads must be a LeadSettings"),
        (lambda: Settings(headers=LeadSettings()), TypeError, r"Settings\.headers must be a HeaderSettings"),
    ],
)
def test_an_invalid_setting_fails_at_once_naming_itself(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_whole_numbers_serve_for_numbers_and_defaults_are_valid():
    assert PdfSettings(snap_tolerance=5).snap_tolerance == 5
    assert LeadSettings(known_name_score=4).known_name_score == 4
    assert LeadSettings(unused_name_word_penalty=0).unused_name_word_penalty == 0
    assert Settings() == Settings(HeaderSettings(), PdfSettings(), PackageLimits(), LeadSettings())


# --------------------------------------------------------------------------- cache key


@pytest.mark.parametrize(
    "changed",
    [
        Settings(pdf=PdfSettings(snap_tolerance=4.0)),
        Settings(pdf=PdfSettings(password="secret")),
        Settings(pdf=PdfSettings(find_unruled=False)),
        Settings(pdf=PdfSettings(unruled=UnruledSettings(min_rows=4))),
        Settings(package=PackageLimits(max_expanded_mb=300)),
        Settings(leads=LeadSettings(confident_score=1.9)),
        Settings(leads=LeadSettings(unused_name_word_penalty=-0.5)),
        Settings(headers=HeaderSettings(min_score=90.0)),
        Settings(headers=HeaderSettings(synonyms=(*HeaderSettings().synonyms, ("ignore", ("owner of the task",))))),
    ],
    ids=["pdf", "pdf-password", "pdf-flag", "pdf-unruled", "package", "leads", "leads-penalty", "headers-score", "headers-synonyms"],
)
def test_the_cache_key_changes_with_any_setting(tmp_path, changed):
    plan = tmp_path / "plan.txt"
    plan.write_text(tsv(("Action", "Lead"), ("Train staff", "Jo Bloggs")), encoding="utf-8")
    cache = Cache(tmp_path / "cache", code="code")
    default = cache.key(plan, Settings())
    assert default == cache.key(plan, Settings(HeaderSettings(), PdfSettings(), PackageLimits(), LeadSettings()))
    assert cache.key(plan, changed).digest != default.digest


# --------------------------------------------------------------------------- settings reach the stages

THREE_NAMES = tsv(("Ref", "Action", "Lead", "Timescale"), ("1", "Train every social worker in the new audit tool", "Mary Ann Smith", "March 2026"))


def test_lead_scores_decide_between_readings():
    pairs_first = LeadSettings(three_word_name_score=0.5)
    assert parse_lead("Mary Ann Smith").people == ("Mary Ann Smith",)
    assert parse_lead("Mary Ann Smith", settings=pairs_first).people == ("Mary Ann",)
    strict = LeadSettings(confident_score=1.9)  # "Name, Role" (1.8) is no longer evidence
    assert "Saheed Khan" in LeadKnowledge.from_document(["Saheed Khan, LSCB Performance"], [], []).known_people
    assert not LeadKnowledge.from_document(["Saheed Khan, LSCB Performance"], [], [], settings=strict).known_people
    no_lookahead = LeadSettings(role_lookahead_words=0)  # no role may follow "Name Surname,"
    assert not LeadKnowledge.from_document(["Saheed Khan, LSCB Performance"], [], [], settings=no_lookahead).known_people
    assert parse_lead("Jenny Sergeant Liz Price").people == ("Jenny Sergeant", "Liz Price")
    rarer = LeadSettings(role_word_surname_min_popularity=13)  # only the most popular first names
    assert parse_lead("Jenny Sergeant Liz Price", settings=rarer).people == ("Liz Price",)


def test_lead_settings_reach_normalise_through_convert_file(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(THREE_NAMES, encoding="utf-8")
    default = convert_file(path).actions
    tuned = convert_file(path, Settings(leads=LeadSettings(three_word_name_score=0.5))).actions
    assert [action.lead_people for action in default] == [("Mary Ann Smith",)]
    assert [action.lead_people for action in tuned] == [("Mary Ann",)]
    assert dataclasses.replace(tuned[0], lead_people=(), lead_roles=()) == dataclasses.replace(default[0], lead_people=(), lead_roles=())


def test_pdf_settings_reach_the_reader_through_convert_file():
    locked = convert_file(PDFS / "encrypted.pdf")
    opened = convert_file(PDFS / "encrypted.pdf", Settings(pdf=PdfSettings(password="secret")))
    assert (locked.record.status, locked.record.error) == ("failed", "encrypted (password required)")
    assert (opened.record.status, opened.record.pages) == ("skipped", 1)  # read: a title, no table


def test_package_limits_reach_the_word_reader_through_convert_file():
    bomb = FIXTURES / "docx" / "zip_bomb_ratio.docx"  # 9 MB of XML at 962:1
    assert convert_file(bomb).record.error.endswith("likely a zip bomb")
    tight = convert_file(bomb, Settings(package=PackageLimits(max_expanded_mb=1)))
    assert (tight.record.status, tight.record.error) == ("failed", "refused: expands to 9 MB (limit 1 MB)")


# --------------------------------------------------------------------------- the command line


def test_inspect_passes_the_expansion_limit_to_the_word_reader():
    result = CliRunner().invoke(main, ["inspect", str(FIXTURES / "docx" / "zip_bomb_ratio.docx"), "--max-expanded-mb", "1"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "zip_bomb_ratio.docx: unreadable (refused: expands to 9 MB (limit 1 MB))",
        "  extract: nothing to extract (refused: expands to 9 MB (limit 1 MB))",
    ]


def test_inspect_passes_pdf_settings_to_the_reader():
    runner = CliRunner()
    path = str(PDFS / "split_row_no_header_repeat.pdf")
    stitched = runner.invoke(main, ["inspect", path])
    apart = runner.invoke(main, ["inspect", path, "--pdf-setting", "stitch_pages=no"])
    assert stitched.exit_code == apart.exit_code == 0, stitched.output + apart.output
    assert "table 1 (pages 1-2): 30 rows x 3 columns" in stitched.output
    assert "table 1 (page 1): 29 rows x 3 columns" in apart.output
    assert "table 2 (page 2)" in apart.output


def test_inspect_opens_an_encrypted_pdf_with_the_password_given():
    runner = CliRunner()
    path = str(PDFS / "encrypted.pdf")
    locked = runner.invoke(main, ["inspect", path]).output
    assert "unreadable (encrypted (password required))" in locked
    assert "extract: nothing to extract (encrypted (password required))" in locked
    opened = runner.invoke(main, ["inspect", path, "--pdf-password", "secret"])
    assert opened.exit_code == 0 and "encrypted.pdf: 1 page(s)" in opened.output
    assert "nothing to extract" not in opened.output  # the extract view read it with the same settings


def test_convert_passes_the_pdf_password_to_the_reader(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["convert", str(PDFS / "encrypted.pdf"), "--out", str(out), "--format", "csv",
                                       "--jobs", "1", "--no-cache", "--quiet", "--pdf-password", "secret"])
    assert result.exit_code == 0, result.output
    with open(out / "documents.csv", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["status"], row["pages"]) == ("skipped", "1")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("snap_tolerance", "'snap_tolerance' is not NAME=VALUE"),
        ("snap_tolerence=4", "PdfSettings has no setting 'snap_tolerence'; choose from"),
        ("snap_tolerance=-4", "PdfSettings.snap_tolerance must be a number >= 0, not -4.0"),
        ("snap_tolerance=wide", "PdfSettings.snap_tolerance must be a number, not 'wide'"),
        ("max_segments=2.5", "PdfSettings.max_segments must be a whole number, not '2.5'"),
        ("find_unruled=maybe", "PdfSettings.find_unruled must be true or false, not 'maybe'"),
        ("unruled=4", "PdfSettings.unruled is a group of settings: name one (unruled.NAME=VALUE)"),
        ("unruled.min_rows=0", "UnruledSettings.min_rows must be a number >= 1, not 0"),
        ("unruled.min_rowz=4", "UnruledSettings has no setting 'min_rowz'"),
        ("password=secret", "PdfSettings has no setting 'password'"),
    ],
)
def test_a_bad_pdf_setting_is_a_one_line_usage_error(option, message):
    result = CliRunner().invoke(main, ["inspect", str(PDFS / "unruled_table.pdf"), "--pdf-setting", option])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_every_pdf_setting_can_be_set_from_the_command_line():
    """Each field (but the password, which has its own option) by its name, nested ones dotted."""
    from actionplans.cli import pdf_settings

    names = [item.name for item in dataclasses.fields(PdfSettings) if item.name not in ("password", "unruled")]
    names += [f"unruled.{item.name}" for item in dataclasses.fields(UnruledSettings)]
    for name in names:
        default = PdfSettings()
        for part in name.split("."):
            default = getattr(default, part)
        text = "no" if isinstance(default, bool) else str(default + 1 if isinstance(default, int) else default / 2)
        changed = pdf_settings((f"{name}={text}",))
        assert changed != PdfSettings(), name
    assert pdf_settings((), "secret") == PdfSettings(password="secret")


def test_building_settings_does_not_load_the_pdf_reader():
    """The CLI and conversion.Settings build PdfSettings without pdfplumber (a fresh
    interpreter: this one has loaded it already); ingest.pdf re-exports the same class."""
    import subprocess
    import sys

    probe = ("import sys, actionplans.cli, actionplans.conversion as c; c.Settings(); "
             "print(sorted(m for m in ('pdfplumber', 'pdfminer', 'ingest.pdf') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=FIXTURES.parents[1])
    assert result.stdout.strip() == "[]"
    from ingest import pdf_settings

    assert PdfSettings is pdf_settings.PdfSettings
