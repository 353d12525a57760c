"""Paths and shared fixtures for every test module.

The shared folder (seeds, gold, corpus, scorers) lies beside the checkout
(``ROOT.parent / "shared"``) or where ``ACTIONPLANS_SHARED`` points; tests that need it are
skipped cleanly when it is absent, except in CI (``CI`` set), where its absence is a failure.
Hypothesis keeps no example database in the checkout.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import configuration, settings

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SEED_FILES = tuple(sorted(RAW.glob("*.txt")))
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"
SHARED = Path(os.environ.get("ACTIONPLANS_SHARED", ROOT.parent / "shared"))
SHARED_SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
CORPUS = SHARED / "corpus"
IN_CI = bool(os.environ.get("CI"))

configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "actionplans-hypothesis")
settings.register_profile("actionplans", database=None)
settings.load_profile("actionplans")


def need_shared(path: Path = SHARED) -> Path:
    """``path`` under the shared folder, or skip the test when the folder is absent (outside CI)."""
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing; CI lays shared/ beside the checkout")
        pytest.skip(f"{path} is absent (shared/ is not beside this checkout)")
    return path


@pytest.fixture(scope="session")
def seed_conversions():
    """Every committed seed plan converted once per test session: file name -> result."""
    from actionplans.conversion import convert_file

    return {path.name: convert_file(path) for path in SEED_FILES}


@pytest.fixture(scope="session")
def convert_once():
    """``convert_file`` run once per committed file per test session, shared by every module
    that converts the same fixtures (the PDF renderings are read by several test files).

    While the session lasts, reading a file under ``tests/fixtures`` or ``data/raw`` is also
    done once (``ingest.read_document`` and the name ``actionplans.conversion`` imported are
    served from a cache keyed by path, size and modification time), so ``inspect``, which
    reads the file itself, shares the Document convert read. Documents are frozen: sharing
    one is safe. Files elsewhere (a test's tmp_path) are read as usual."""
    import functools

    import ingest
    from actionplans import conversion

    read = ingest.read_document
    committed = (FIXTURES.resolve(), RAW.resolve())

    @functools.cache
    def read_cached(path: Path, size: int, mtime: int):
        return read(path)

    def read_document(path, *args, **kwargs):
        resolved = Path(path).resolve()
        if args or kwargs or not any(resolved.is_relative_to(folder) for folder in committed) or not resolved.is_file():
            return read(path, *args, **kwargs)
        stat = resolved.stat()
        return read_cached(resolved, stat.st_size, stat.st_mtime_ns)

    @functools.cache
    def convert(path: Path):
        return conversion.convert_file(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest, "read_document", read_document)
        patch.setattr(conversion, "read_document", read_document)
        yield lambda path: convert(Path(path).resolve())
