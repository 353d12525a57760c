"""Incremental runs: converted documents cached by file content, name and pipeline version.

A re-run over a folder converts only new or changed files and rebuilds the dataset from the
cache for the rest. The key covers the file's bytes (SHA-256), its name (which every record
carries), the pipeline version and the settings, so a change to any of them is a miss.
Entries are pickles written by this program for this program: the cache folder is local
working data, not something to share or to fill from elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from actionplans.conversion import PIPELINE_VERSION, Settings
from normalise.model import NormalisedDocument


def file_sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class Cache:
    """A folder of converted documents."""

    folder: Path

    def key(self, path: Path, settings: Settings) -> str | None:
        content = file_sha256(path)
        if content is None:
            return None
        recipe = f"{PIPELINE_VERSION}|{settings!r}|{path.name}|{content}"
        return hashlib.sha256(recipe.encode("utf-8")).hexdigest()

    def load(self, key: str | None) -> NormalisedDocument | None:
        if key is None:
            return None
        try:
            with (self.folder / f"{key}.pickle").open("rb") as handle:
                result = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return result if isinstance(result, NormalisedDocument) else None

    def store(self, key: str | None, result: NormalisedDocument) -> None:
        """Keep a result (not failures: a file that failed is tried again next run)."""
        if key is None or result.record.status == "failed":
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.folder / f"{key}.pickle")
