"""``--setting SECTION.NAME=VALUE``: every settings section reaches the conversion from the
command line (``convert`` and ``inspect``), ``--pdf-setting`` stays its alias for the pdf
section, and a bad name or value is a one-line usage error naming the valid choices.

The plans are written here (never cut from a seed) or are the hand-built PDF fixtures.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from actionplans.cli import main, with_settings
from actionplans.conversion import Settings
from tests.conftest import FIXTURES
from tests.written_plans import tsv

HEADER = ("Ref", "Action", "Lead", "Timescale")
THREE_NAMES = tsv(HEADER, ("1", "Train every social worker in the new audit tool", "Mary Ann Smith", "March 2026"))
"""A lone run of three name-like words: one name by default, a pair when three-word names score low."""
TITLED = tsv(
    ("Improvement plan for the partnership", "", "", ""),
    ("Agreed by the board in January 2026", "", "", ""),
    ("Owner: the Director of Children's Services", "", "", ""),
    HEADER,
    ("1.1", "Audit every open case file against the new standard", "Jo Marsh", "May 2026"),
    ("1.2", "Report the audit findings to the board", "Jo Marsh", "June 2026"),
)
"""A table whose header is its fourth row: found within the default header search, not within two rows."""


def _convert(tmp_path: Path, text: str, *options: str) -> list[dict[str, str]]:
    plan = tmp_path / "plan.txt"
    plan.write_text(text, encoding="utf-8")
    out = tmp_path / f"out{len(list(tmp_path.iterdir()))}"
    result = CliRunner().invoke(main, ["convert", str(plan), "--out", str(out), "--format", "csv", "--jobs", "1",
                                       "--no-cache", "--quiet", *options])
    assert result.exit_code in (0, 1), result.output
    with open(out / "actions.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _inspect(tmp_path: Path, text: str, *options: str) -> str:
    plan = tmp_path / "plan.txt"
    plan.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(plan), *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_leads_setting_changes_how_convert_reads_a_lead(tmp_path):
    default = _convert(tmp_path, THREE_NAMES)
    pairs_first = _convert(tmp_path, THREE_NAMES, "--setting", "leads.three_word_name_score=0.5")
    assert [row["lead_people"] for row in default] == ["Mary Ann Smith"]
    assert [row["lead_people"] for row in pairs_first] == ["Mary Ann"]


def test_a_walk_setting_changes_what_convert_finds_in_a_table(tmp_path):
    assert [row["action"] for row in _convert(tmp_path, TITLED)] == [
        "Audit every open case file against the new standard",
        "Report the audit findings to the board",
    ]
    assert _convert(tmp_path, TITLED, "--setting", "walk.header_search_rows=2") == []


def test_a_walk_setting_reaches_inspect(tmp_path):
    default = _inspect(tmp_path, TITLED)
    shallow = _inspect(tmp_path, TITLED, "--setting", "walk.header_search_rows=2")
    assert "header rows 4-4" in default and "-> 2 actions" in default
    assert "header rows" not in shallow and "-> 2 actions" not in shallow


def test_a_pdf_setting_reaches_inspect_by_both_spellings():
    path = str(FIXTURES / "pdf" / "split_row_no_header_repeat.pdf")
    runner = CliRunner()
    stitched = runner.invoke(main, ["inspect", path]).output
    by_section = runner.invoke(main, ["inspect", path, "--setting", "pdf.stitch_pages=no"])
    by_alias = runner.invoke(main, ["inspect", path, "--pdf-setting", "stitch_pages=no"])
    assert by_section.exit_code == by_alias.exit_code == 0, by_section.output + by_alias.output
    assert "table 1 (pages 1-2): 30 rows x 3 columns" in stitched
    assert "table 1 (page 1): 29 rows x 3 columns" in by_section.output
    assert by_section.output == by_alias.output


def test_settings_apply_in_order_and_nest():
    settings = with_settings(Settings(), ("pdf.unruled.min_rows=4", "walk.max_label_words=8",
                                          "leads.confident_score=2.5", "walk.max_label_words=9"))
    assert settings.pdf.unruled.min_rows == 4
    assert settings.walk.max_label_words == 9
    assert settings.leads.confident_score == 2.5
    assert settings.headers == Settings().headers and settings.package == Settings().package


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("walk.header_search_rows", "'walk.header_search_rows' is not SECTION.NAME=VALUE"),
        ("=3", "'=3' is not SECTION.NAME=VALUE"),
        ("header_search_rows=3", "no settings section 'header_search_rows'; choose from leads, pdf, walk"),
        ("package.max_ratio=5", "no settings section 'package'; choose from leads, pdf, walk"),
        ("walk=3", "walk is a section of settings: name one (walk.NAME=VALUE)"),
        ("walk.header_serch_rows=3", "WalkSettings has no setting 'header_serch_rows'; choose from"),
        ("walk.header_search_rows=many", "WalkSettings.header_search_rows must be a whole number, not 'many'"),
        ("walk.min_header_share=1.5", "WalkSettings.min_header_share must be a number between 0 and 1, not 1.5"),
        ("leads.confident_score=-1", "LeadSettings.confident_score must be a number >= 0"),
        ("pdf.unruled.min_rows=0", "UnruledSettings.min_rows must be a number >= 1, not 0"),
        ("pdf.password=secret", "PdfSettings has no setting 'password'"),
    ],
)
def test_a_bad_setting_is_a_one_line_usage_error(tmp_path, assignment, message):
    plan = tmp_path / "plan.txt"
    plan.write_text(THREE_NAMES, encoding="utf-8")
    for command in (["inspect", str(plan)], ["convert", str(plan), "--out", str(tmp_path / "out"), "--no-cache"]):
        result = CliRunner().invoke(main, [*command, "--setting", assignment])
        assert result.exit_code == 2, result.output
        error_lines = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(error_lines) == 1
        assert message in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()
