"""``inspect`` shows what ``convert`` does: both extract through ``conversion.extract_with``,
so the actions inspect counts per table add up to the actions convert writes, on every seed
and on every rendering of it (our own fixtures here; the independent engines' PDFs in
``test_pdf_renderings.py``, where they are converted anyway)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, SEED_FILES

from actionplans.inspect import describe_extraction

RENDERINGS = sorted(
    path
    for folder in ("pdf", "docx", "html")
    for path in (FIXTURES / folder).glob("seed_*")
)  # the independent engines' PDFs: tests/test_pdf_renderings.py, on the worker that converts them
_ACTIONS = re.compile(r"logical table \d+: \d+ stitched rows -> (\d+) actions")


@pytest.mark.parametrize("path", [*SEED_FILES, *RENDERINGS], ids=lambda path: f"{path.parent.name}/{path.name}")
def test_inspect_counts_the_actions_convert_writes(path: Path, convert_once):
    """Each file is read and converted once for the session (``convert_once``, shared with
    the rendering tests); inspect extracts again from the same Document."""
    shown = sum(int(count) for count in _ACTIONS.findall(describe_extraction(path)))
    assert shown == len(convert_once(path).actions) > 0
