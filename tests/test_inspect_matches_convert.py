"""``inspect`` shows what ``convert`` does: both extract through ``conversion.extract_with``,
so the actions inspect counts per table add up to the actions convert writes, on every seed
and on every rendering of it (our own fixtures and the independent engines' PDFs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actionplans.inspect import describe_extraction
from conftest import FIXTURES, SEED_FILES, converted_fixture

RENDERINGS = sorted(
    path
    for folder in ("pdf", "docx", "html")
    for path in (FIXTURES / folder).glob("seed_*")
) + sorted((FIXTURES / "independent").glob("*/*.pdf"))
_ACTIONS = re.compile(r"logical table \d+: \d+ stitched rows -> (\d+) actions")


@pytest.mark.parametrize("path", [*SEED_FILES, *RENDERINGS], ids=lambda path: f"{path.parent.name}/{path.name}")
def test_inspect_counts_the_actions_convert_writes(path: Path):
    shown = sum(int(count) for count in _ACTIONS.findall(describe_extraction(path)))
    assert shown == len(converted_fixture(path).actions) > 0
