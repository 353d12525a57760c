"""Parallel conversion with a per-file time limit.

A small pool of long-lived worker processes, each converting one file at a time. The
parent hands out files, waits on the workers' pipes, and when a worker runs past the time
limit it is killed and replaced, and that file becomes a ``failed`` row ("timed out after N
s"): one pathological file cannot stall a batch. Workers start from a fork server with the
pipeline pre-imported, so they start fast and do not inherit the parent's threads.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Iterator, Sequence

from actionplans.conversion import Settings, convert_file, failed_document
from normalise.model import NormalisedDocument

_POLL_SECONDS = 0.5


def _context() -> mp.context.BaseContext:
    try:
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(["actionplans.conversion", "extract", "normalise.document", "normalise.timescale"])
        return context
    except ValueError:  # platforms without fork server
        return mp.get_context("spawn")


_READY = "ready"
_START_SECONDS = 300.0
"""How long a new worker may take to start (import the pipeline) before the run gives up."""


def _worker(connection: Connection, settings: Settings) -> None:
    try:
        connection.send(_READY)  # the time limit counts from here, not from process start
        while True:
            task = connection.recv()
            if task is None:
                return
            connection.send(convert_file(task, settings))
    except (EOFError, BrokenPipeError, OSError):
        return  # the parent has gone or stopped this worker


@dataclass
class _Slot:
    """One worker process and the file it is busy with (internal)."""

    process: mp.process.BaseProcess
    connection: Connection
    path: Path | None = None
    started: float = 0.0


def _start(context: mp.context.BaseContext, settings: Settings) -> _Slot:
    parent, child = context.Pipe()
    process = context.Process(target=_worker, args=(child, settings), daemon=True)
    process.start()
    child.close()
    if not parent.poll(_START_SECONDS) or parent.recv() != _READY:
        process.kill()
        raise RuntimeError(f"a conversion worker did not start within {_START_SECONDS:g} s")
    return _Slot(process, parent)


def _stop(slot: _Slot) -> None:
    try:
        slot.connection.send(None)
    except (BrokenPipeError, OSError):
        pass
    slot.process.join(timeout=2)
    if slot.process.is_alive():
        slot.process.kill()
        slot.process.join()
    slot.connection.close()


def convert_in_workers(files: Sequence[Path], settings: Settings, jobs: int, timeout: float | None) -> Iterator[tuple[Path, NormalisedDocument]]:
    """Convert ``files`` in ``jobs`` processes, yielding (path, result) as each finishes."""
    context = _context()
    pending = list(files)
    slots = [_start(context, settings) for _ in range(max(1, min(jobs, len(files))))]
    try:
        while pending or any(slot.path is not None for slot in slots):
            for slot in slots:
                if slot.path is None and pending:
                    slot.path, slot.started = pending.pop(0), time.monotonic()
                    slot.connection.send(slot.path)
            busy = [slot for slot in slots if slot.path is not None]
            ready = wait([slot.connection for slot in busy], timeout=_POLL_SECONDS)
            now = time.monotonic()
            for index, slot in enumerate(slots):
                if slot.path is None:
                    continue
                path = slot.path
                if slot.connection in ready:
                    try:
                        result = slot.connection.recv()
                    except (EOFError, OSError):
                        result = failed_document(path, f"worker died while converting (exit code {slot.process.exitcode})")
                        slots[index] = _replace(context, settings, slot)
                    else:
                        slot.path = None
                    yield path, result
                elif timeout and now - slot.started > timeout:
                    slots[index] = _replace(context, settings, slot)
                    yield path, failed_document(path, f"timed out after {timeout:g} s")
                elif not slot.process.is_alive():
                    slots[index] = _replace(context, settings, slot)
                    yield path, failed_document(path, f"worker died while converting (exit code {slot.process.exitcode})")
    finally:
        for slot in slots:
            _stop(slot)


def _replace(context: mp.context.BaseContext, settings: Settings, slot: _Slot) -> _Slot:
    slot.process.kill()
    slot.process.join()
    slot.connection.close()
    return _start(context, settings)
