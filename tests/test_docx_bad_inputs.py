"""Bad Word files give one-line reasons and are refused before any XML is parsed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Iterator

import pytest


from ingest.detect import read_document  # noqa: E402
from ingest.docx import PackageLimits, _open_package, read_docx  # noqa: E402
from ingest.model import UnreadableFile  # noqa: E402
from conftest import FIXTURES

DOCX = FIXTURES / "docx"
XXE_PROBE = "/tmp/actionplans-xxe-probe.txt"  # where tests/fixtures/docx/xxe.docx points
OLD_DOC = "old binary Word .doc is not supported"

BAD_FILES = [
    ("not_a_zip.docx", "not a valid .docx (not a zip archive)"),
    ("password_protected.docx", "password-protected Word document"),
    ("zip_bomb.docx", "refused: expands to 4097 MB (limit 200 MB)"),
    ("zip_bomb_ratio.docx", "refused: word/document.xml expands 962:1 (limit 100:1), likely a zip bomb"),
    ("xxe.docx", "refused: word/document.xml declares a DTD (external entities are not allowed in .docx)"),
    ("malformed_xml.docx", "damaged Word document (XML error: Opening and ending tag mismatch"),
    ("old_binary.doc", OLD_DOC),
]


@pytest.mark.parametrize(("name", "reason"), BAD_FILES, ids=[name for name, _ in BAD_FILES])
def test_reader_gives_a_one_line_reason(name: str, reason: str) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_docx(DOCX / name)
    assert caught.value.reason.startswith(reason)
    assert "\n" not in caught.value.reason and caught.value.status == "failed"


@pytest.mark.parametrize(("name", "reason"), BAD_FILES, ids=[name for name, _ in BAD_FILES])
def test_format_detection_routes_to_the_same_reason(name: str, reason: str) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_document(DOCX / name)
    assert caught.value.reason.startswith(reason)


def test_limits_are_settings() -> None:
    with pytest.raises(UnreadableFile, match=r"^refused: expands to 9 MB \(limit 1 MB\)$") as caught:
        read_docx(DOCX / "zip_bomb_ratio.docx", limits=PackageLimits(max_expanded_mb=1, max_ratio=2000))
    assert caught.value.reason
    with pytest.raises(ValueError, match="max_ratio"):
        PackageLimits(max_ratio=1)


def test_entities_are_never_resolved_even_past_the_dtd_check(xxe_probe: str) -> None:
    """Defence in depth: python-docx's own parser leaves &xxe; unexpanded."""
    document_part = _open_package((DOCX / "xxe.docx").read_bytes())
    text = "".join(document_part.element.body.itertext())
    assert "Secret" in text and xxe_probe not in text


def test_xxe_fixture_really_declares_an_external_entity() -> None:
    with zipfile.ZipFile(DOCX / "xxe.docx") as archive:
        xml = archive.read("word/document.xml")
    assert f'<!ENTITY xxe SYSTEM "file://{XXE_PROBE}">'.encode() in xml and b"&xxe;" in xml


def test_zip_without_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "pictures.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "not word")
    with pytest.raises(UnreadableFile, match="^not a Word document"):
        read_docx(path)
    with pytest.raises(UnreadableFile, match="^zip archive that is not a Word document$"):
        read_document(path)


def test_truncated_zip(tmp_path: Path) -> None:
    path = tmp_path / "truncated.docx"
    path.write_bytes((DOCX / "seed_000_b6eaf09ee790a9e5.docx").read_bytes()[:3000])
    with pytest.raises(UnreadableFile, match=r"^not a valid \.docx \(damaged zip archive\)$"):
        read_docx(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="^cannot open file"):
        read_docx(tmp_path / "absent.docx")


def test_docx_without_tables_is_skipped(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "letter.docx"
    letter = docx.Document()
    letter.add_paragraph("Dear colleague, the plan follows under separate cover.")
    letter.save(path)
    with pytest.raises(UnreadableFile, match="^no tables found") as caught:
        read_docx(path)
    assert caught.value.status == "skipped"


def test_xxe_target_is_never_opened(xxe_probe: str) -> None:
    """Under strace (when available): neither the check nor python-docx opens the entity's file."""
    strace = shutil.which("strace")
    if not strace:
        pytest.skip("strace not installed")
    root = Path(__file__).resolve().parents[1]
    code = (
        "from pathlib import Path\n"
        "from ingest.docx import _open_package, read_docx\n"
        f"data = Path({str(DOCX / 'xxe.docx')!r}).read_bytes()\n"
        "_open_package(data)\n"
        "try:\n    read_docx(Path(" + repr(str(DOCX / "xxe.docx")) + "))\nexcept Exception:\n    pass\n"
    )
    result = subprocess.run(
        [strace, "-f", "-e", "trace=open,openat,stat,newfstatat", sys.executable, "-c", code],
        capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
    )
    if "ptrace" in result.stderr and "Operation not permitted" in result.stderr:
        pytest.skip("strace not permitted here")
    assert result.returncode == 0, result.stderr[-2000:]
    assert XXE_PROBE not in result.stderr


@pytest.fixture
def xxe_probe() -> Iterator[str]:
    """A secret in the file the XXE fixture points at, so a leak would show."""
    secret = "TOP-SECRET-XXE-PROBE"
    probe = Path(XXE_PROBE)
    probe.write_text(secret)
    try:
        yield secret
    finally:
        probe.unlink(missing_ok=True)
