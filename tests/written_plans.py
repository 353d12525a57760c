"""Small plans written inside a test (never cut from a seed), and the two ways to read them:
through the whole pipeline (``convert``) or up to extract's raw records (``raw_actions``)."""

from __future__ import annotations

from pathlib import Path

from actionplans.conversion import Settings, convert_file, extract_with
from ingest import read_document


def tsv(*rows: tuple[str, ...] | str) -> str:
    """A text export: tuples are TAB-separated table rows, strings are narrative lines."""
    return "\n".join(row if isinstance(row, str) else "\t".join(row) for row in rows) + "\n"


def convert(tmp_path: Path, text: str, name: str = "plan.txt"):
    """The normalised actions of ``text`` saved as ``name``; the file must convert."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = convert_file(path)
    assert result.record.status in ("success", "partial"), result.record.error
    return result.actions


def raw_actions(tmp_path: Path, text: str, name: str = "plan.txt"):
    """Extract's raw action records of ``text`` saved as ``name``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_with(read_document(path), Settings()).actions
