"""The variant harness (issue #11 item 9), a sample: each seed plan rendered as CSV, XLSX and
fixed-width text, and two seeds with their headers swapped for synonyms and their columns
reordered, must give the actions of the seed's text export, field by field (ref, area,
action, lead_people, due_date, status). ``benchmarks/bench_variants.py`` runs the whole matrix.

The variants are written from the text export's :class:`ingest.model.Document` into
``tmp_path`` by :mod:`tests.fixtures.variants`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from actionplans.conversion import convert_file
from ingest.text import read_text_export
from tests.fixtures.variants import VARIANTS, Variant, action_fields, compare_actions

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))
BY_NAME = {variant.name: variant for variant in VARIANTS}
RENDERINGS = ("csv", "xlsx", "fixed-width")
HEADER_VARIANTS = ("synonyms-known", "synonyms-new", "reordered", "synonyms-known-reordered-xlsx")
HEADER_SEEDS = ("000", "001", "002")

KNOWN_FAILURES: dict[tuple[str, str], str] = {}
"""(seed, variant) cells that fail for a known reason, each with the reason; empty: the matrix passes."""


@cache
def reference(seed: Path) -> tuple[dict[str, str], ...]:
    return tuple(action_fields(convert_file(seed).actions))


def _cases(seed_filter: tuple[str, ...] | None, names: tuple[str, ...]):
    for seed in SEEDS:
        prefix = seed.name[:3]
        if seed_filter and prefix not in seed_filter:
            continue
        for name in names:
            reason = KNOWN_FAILURES.get((prefix, name))
            marks = [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
            yield pytest.param(seed, BY_NAME[name], id=f"{prefix}-{name}", marks=marks)


def assert_same_actions(seed: Path, variant: Variant, folder: Path) -> None:
    path = variant.build(read_text_export(seed), folder, seed.stem)
    result = convert_file(path)
    assert result.record.status in ("success", "partial"), result.record.error
    score = compare_actions(list(reference(seed)), action_fields(result.actions))
    assert score.differences == (), "\n".join(score.differences[:20])
    assert score.matched == score.reference > 0


@pytest.mark.parametrize("seed, variant", list(_cases(None, RENDERINGS)))
def test_rendering_gives_the_text_exports_actions(seed, variant, tmp_path):
    assert_same_actions(seed, variant, tmp_path)


@pytest.mark.parametrize("seed, variant", list(_cases(HEADER_SEEDS, HEADER_VARIANTS)))
def test_header_and_column_variant_gives_the_text_exports_actions(seed, variant, tmp_path):
    assert_same_actions(seed, variant, tmp_path)


def test_renderings_are_the_formats_they_claim(tmp_path):
    """The harness tests the readers it means to: each rendering is detected as its format."""
    from ingest import read_document

    seed = SEEDS[0]
    document = read_text_export(seed)
    formats = {name: read_document(BY_NAME[name].build(document, tmp_path, seed.stem)).format for name in RENDERINGS}
    assert formats == {"csv": "csv", "xlsx": "xlsx", "fixed-width": "fixed-width"}


def test_comparison_reports_a_changed_field_and_a_lost_record():
    """The scorer can fail: a changed lead and a missing record are both reported."""
    base = {"ref": "1", "area": "A", "action": "Audit the files", "lead_people": "Sarah Collins",
            "due_date": "2024-05", "status": ""}
    other = {**base, "ref": "2", "action": "Train the duty team in the new threshold"}
    score = compare_actions([base, other], [{**base, "lead_people": ""}])
    assert score.matched == 1 and score.f1 == pytest.approx(2 / 3)
    assert score.differences == ("1 lead_people: 'Sarah Collins' -> ''",
                                 "missing record: '2' 'Train the duty team in the new threshold'")
