"""Paths and shared fixtures for every test module.

The shared folder (seeds, gold, corpus, scorers) lies beside the checkout
(``ROOT.parent / "shared"``) or where ``ACTIONPLANS_SHARED`` points; tests that need it are
skipped cleanly when it is absent, except in CI (``CI`` set), where its absence is a failure.
Hypothesis keeps no example database in the checkout.
"""

from __future__ import annotations

import functools
import os
import tempfile
from dataclasses import dataclass
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


@dataclass(frozen=True)
class InProcessRun:
    """What a command-line run gave: the fields of ``subprocess.CompletedProcess`` the tests read."""

    returncode: int
    stdout: str
    stderr: str


def run_cli_in_process(*args: str, cwd: Path) -> InProcessRun:
    """``actionplans ARGS`` run in this process from ``cwd`` (click's test runner), for tests of
    what the command does and prints: a fresh interpreter would pay the import of the whole
    pipeline on every call, and the worker fork server is started once for the session instead
    of once per run. Exit codes and output are click's own; a crash raises here. Tests where
    the process boundary is the point (signals, kill, a copied checkout) still start one."""
    from click.testing import CliRunner

    from actionplans.cli import main

    previous, previous_path = Path.cwd(), os.environ.get("PYTHONPATH")
    # Worker processes come from a fork server that Python 3.11 starts with the default
    # sys.path (cwd first), not this one's: PYTHONPATH makes it import this checkout.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), previous_path)))
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
        if previous_path is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = previous_path
    return InProcessRun(result.exit_code, result.stdout, result.stderr)


@functools.cache
def converted_fixture(path: Path):
    """One conversion (default settings) of a committed input file per test session (per
    xdist worker): the seed renderings under ``tests/fixtures`` are converted by several tests
    (each format's actions against the text export's, the issue-code catalogue, inspect's
    counts), and a PDF seed takes seconds. The result is frozen, so sharing it is safe."""
    from actionplans.conversion import convert_file

    return convert_file(path)


@pytest.fixture(scope="session")
def convert_once():
    """``convert_file`` run once per committed file per test session, shared by every module
    that converts the same fixtures (the PDF renderings are read by several test files).

    While the session lasts, reading a file under ``tests/fixtures`` or ``data/raw`` is also
    done once (``ingest.read_document`` and the name ``actionplans.conversion`` imported are
    served from a cache keyed by path, size, modification time and reader settings), so ``inspect``, which
    reads the file itself, shares the Document convert read. Documents are frozen: sharing
    one is safe. Files elsewhere (a test's tmp_path) are read as usual."""
    import functools

    import ingest
    from actionplans import conversion

    read = ingest.read_document
    committed = (FIXTURES.resolve(), RAW.resolve())

    @functools.cache
    def read_cached(path: Path, size: int, mtime: int, args: tuple, kwargs: tuple):
        return read(path, *args, **dict(kwargs))

    def read_document(path, *args, **kwargs):
        resolved = Path(path).resolve()
        if not any(resolved.is_relative_to(folder) for folder in committed) or not resolved.is_file():
            return read(path, *args, **kwargs)
        stat = resolved.stat()  # the settings are frozen (hashable): they are part of the key
        return read_cached(resolved, stat.st_size, stat.st_mtime_ns, args, tuple(sorted(kwargs.items())))

    def convert(path: Path):
        return converted_fixture(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest, "read_document", read_document)
        patch.setattr(conversion, "read_document", read_document)
        yield lambda path: convert(Path(path).resolve())
