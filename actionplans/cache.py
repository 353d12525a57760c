"""Incremental runs: converted documents cached by file content, code and settings.

A re-run over a folder converts only new or changed files and rebuilds the dataset from the
cache for the rest. An entry's key is a digest of everything a conversion's output depends
on: the file's bytes (SHA-256) and name, the pipeline's own code (a digest of the installed
package sources and the versions of the libraries it reads with, so an upgrade or a local
edit is a miss with no version to remember to bump) and every setting (header synonyms
from a ``--headers`` file, PDF settings, limits: the whole :class:`Settings` object).

Entries are JSON, a format that executes nothing when read. Each carries its own key, the
file's SHA-256, the field names of every record type and a checksum of its payload; all
are checked on load, and an entry that is unreadable, corrupt, copied under another key or
written by code with other record fields is a miss (the file is converted again). A cache
that cannot be written is a warning: the run goes on without it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import tempfile
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionplans.conversion import Settings
from extract.glossary import GlossaryEntry, PersonEntry
from ingest.model import Issue
from normalise.model import Action, ActionSource, DocumentRecord, NormalisedDocument

log = logging.getLogger("actionplans")

ENTRY_FORMAT = 4  # 4: an action's list fields are JSON lists
"""The layout of an entry file (1 was pickle). Changing the layout changes this number."""

CODE_PACKAGES = ("ingest", "extract", "normalise", "actionplans")
"""The packages whose source is the pipeline: their files are digested into every key."""

CODE_SUFFIXES = frozenset({".py", ".toml", ".json", ".txt"})
"""Source and package-data files (the suffixes pyproject's package-data installs)."""

RECORD_TYPES: Mapping[str, type] = {
    "record": DocumentRecord,
    "actions": Action,
    "issues": Issue,
    "glossary": GlossaryEntry,
    "people": PersonEntry,
}


def file_sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def package_folders(packages: Iterable[str] = CODE_PACKAGES) -> list[Path]:
    """Where the pipeline's packages are imported from (an installed copy or a checkout)."""
    folders = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        folders += [Path(location) for location in (spec.submodule_search_locations or [])] if spec else []
    return folders


def source_digest(folders: Iterable[Path]) -> str:
    """SHA-256 over every source and data file under ``folders`` (relative path and bytes)."""
    digest = hashlib.sha256()
    for folder in folders:
        files = sorted(
            path
            for path in folder.rglob("*")
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file()
        )
        for path in files:
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def dependency_versions() -> str:
    """The installed versions of the libraries the project declares (readers, NLP, dates):
    an upgraded pdfplumber or spaCy can change output as much as our own code."""
    try:
        requirements = importlib.metadata.requires("actionplans") or []
    except importlib.metadata.PackageNotFoundError:
        return ""
    versions = []
    for requirement in requirements:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}==absent")
    return ",".join(sorted(versions))


@functools.cache
def code_digest() -> str:
    """The digest of the running pipeline's code, computed once per process."""
    return hashlib.sha256(f"{source_digest(package_folders())}|{dependency_versions()}".encode()).hexdigest()


def settings_digest(settings: Settings) -> str:
    """A digest of every field of the settings (headers, PDF settings, limits: whatever
    :class:`Settings` holds), so a new setting is in the key without touching this module."""
    return hashlib.sha256(json.dumps(_canonical(settings), sort_keys=True).encode("utf-8")).hexdigest()


def _canonical(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "__type__": type(value).__qualname__,
            **{item.name: _canonical(getattr(value, item.name)) for item in dataclasses.fields(value)},
        }
    if isinstance(value, Mapping):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(repr(item) for item in value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


@dataclass(frozen=True)
class CacheKey:
    """An entry's key and the SHA-256 of the file it was computed for."""

    digest: str
    sha256: str


def record_fields() -> dict[str, list[str]]:
    fields = {kind: [item.name for item in dataclasses.fields(cls)] for kind, cls in RECORD_TYPES.items()}
    return {**fields, "sources": [item.name for item in dataclasses.fields(ActionSource)]}


def checksum(payload: Mapping[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_to_entry(key: CacheKey, result: NormalisedDocument) -> dict[str, Any]:
    """The JSON entry for a converted document: rows as lists under their field names."""
    payload = {
        "record": list(dataclasses.astuple(result.record)),
        "actions": [list(dataclasses.astuple(action)) for action in result.actions],
        "issues": [list(dataclasses.astuple(issue)) for issue in result.issues],
        "glossary": [list(dataclasses.astuple(entry)) for entry in result.glossary],
        "people": [list(dataclasses.astuple(entry)) for entry in result.people],
        "sources": [
            [
                source.action_id,
                source.page,
                list(source.bbox) if source.bbox else None,
                [list(cell) for cell in source.cells],
            ]
            for source in result.sources
        ],
    }
    return {
        "format": ENTRY_FORMAT,
        "key": key.digest,
        "sha256": key.sha256,
        "fields": record_fields(),
        "payload": payload,
        "checksum": checksum(payload),
    }


def entry_to_document(entry: Any, key: CacheKey) -> NormalisedDocument | None:
    """The document an entry holds, or None when it is not a valid entry for ``key``."""
    if not isinstance(entry, dict) or entry.get("format") != ENTRY_FORMAT:
        return None
    if entry.get("key") != key.digest or entry.get("sha256") != key.sha256:
        return None  # an entry copied under another file's key
    if entry.get("fields") != record_fields():
        return None  # written by code whose records had other fields
    payload = entry.get("payload")
    if not isinstance(payload, dict) or entry.get("checksum") != checksum(payload):
        return None
    try:
        rows = {kind: payload[kind] if kind == "record" else list(payload[kind]) for kind in RECORD_TYPES}
        build = {kind: _builder(cls) for kind, cls in RECORD_TYPES.items()}
        return NormalisedDocument(
            build["record"](rows["record"]),
            tuple(build["actions"](row) for row in rows["actions"]),
            tuple(build["issues"](row) for row in rows["issues"]),
            tuple(build["glossary"](row) for row in rows["glossary"]),
            tuple(build["people"](row) for row in rows["people"]),
            tuple(_source(row) for row in payload.get("sources", [])),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _source(row: Any) -> ActionSource:
    """An :class:`ActionSource` from its JSON row (a box of floats and cell triples, so not
    :func:`_builder`'s flat rows); anything else is a ValueError, making the entry a miss."""
    action_id, page, bbox, cells = row
    if not isinstance(action_id, str) or not (page is None or isinstance(page, int)):
        raise ValueError("a source row of the wrong type")
    box = None if bbox is None else tuple(float(value) for value in bbox)
    if box is not None and len(box) != 4:
        raise ValueError("a source box of the wrong length")
    triples = tuple((str(field), str(label), str(text)) for field, label, text in cells)
    return ActionSource(action_id, page, box, triples)


def _builder(cls: type) -> Callable[[Any], Any]:
    """A checked constructor of ``cls`` from its JSON row: each value must have its field's
    type (a tuple field arrives as a JSON list of its items); anything else is a ValueError."""
    hints = typing.get_type_hints(cls)
    names = [item.name for item in dataclasses.fields(cls)]
    readers = [_field_reader(hints[name]) for name in names]

    def build(row: Any) -> Any:
        if not isinstance(row, list) or len(row) != len(names):
            raise ValueError(f"a {cls.__name__} row of the wrong length")
        return cls(**{name: read(value, cls.__name__) for name, read, value in zip(names, readers, row)})

    return build


def _field_reader(hint: Any) -> Callable[[Any, str], Any]:
    """How a JSON value becomes a field typed ``hint``: ``tuple[X, ...]`` from a list of X,
    ``Literal[...]`` one of its values, a union any member's, a scalar as is."""
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        read_item = _field_reader(arguments[0])
        return lambda value, owner: tuple(read_item(item, owner) for item in _json_list(value, owner))
    if origin is typing.Literal:
        return lambda value, owner: _checked_value(value, value in arguments, owner)
    if origin in (typing.Union, types.UnionType):
        options = [_field_reader(option) for option in arguments]
        return lambda value, owner: _first_reading(options, value, owner)
    if not (isinstance(hint, type) and hint in (str, int, float, bool, type(None))):
        raise TypeError(f"no JSON reader for a field typed {hint!r}")
    return lambda value, owner: _checked_value(value, isinstance(value, hint), owner)


def _first_reading(options: list[Callable[[Any, str], Any]], value: Any, owner: str) -> Any:
    """A union field's value: the first of its member types that reads it."""
    for read in options:
        try:
            return read(value, owner)
        except ValueError:
            continue
    raise ValueError(f"a {owner} value of the wrong type")


def _json_list(value: Any, owner: str) -> list[Any]:
    return _checked_value(value, isinstance(value, list), owner)


def _checked_value(value: Any, valid: bool, owner: str) -> Any:
    if not valid:
        raise ValueError(f"a {owner} value of the wrong type")
    return value


@dataclass(frozen=True)
class Cache:
    """A folder of converted documents, one JSON entry per file content, code and settings."""

    folder: Path
    code: str = field(default_factory=code_digest)
    _warned: list = field(default_factory=list, compare=False, repr=False)

    def key(self, path: Path, settings: Settings) -> CacheKey | None:
        content = file_sha256(path)
        if content is None:
            return None
        recipe = f"{ENTRY_FORMAT}|{self.code}|{settings_digest(settings)}|{path.name}|{content}"
        return CacheKey(hashlib.sha256(recipe.encode("utf-8")).hexdigest(), content)

    def path(self, key: CacheKey) -> Path:
        return self.folder / f"{key.digest}.json"

    def load(self, key: CacheKey | None) -> NormalisedDocument | None:
        """The cached document for ``key``; None (a miss) for anything but a valid entry."""
        if key is None:
            return None
        try:
            entry = json.loads(self.path(key).read_bytes())
        except (OSError, ValueError, RecursionError):
            return None
        return entry_to_document(entry, key)

    def store(self, key: CacheKey | None, result: NormalisedDocument) -> None:
        """Keep a result (not failures: a file that failed is tried again next run).

        A cache that cannot be written (read-only, full disk) is reported once and the run
        goes on without it.
        """
        if key is None or result.record.status == "failed":
            return
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(document_to_entry(key, result), out, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, self.path(key))
        except OSError as error:
            if temporary is not None:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
            if not self._warned:
                self._warned.append(error)
                log.warning(
                    "cannot write the cache in %s (%s); going on without it", self.folder, error.strerror or error
                )
