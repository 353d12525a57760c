"""Parallel conversion with a per-file time limit and a per-process memory limit.

A small pool of long-lived worker processes, each handling one file at a time. The parent
hands out files, waits on the workers' pipes, and when a worker runs past the time limit it
is killed and replaced, and that file becomes a failure ("timed out after N s"): one
pathological file cannot stall a batch. Everything done with a file's bytes (hashing it for
the cache, reading, converting) happens in the worker, under both limits. Each worker
process runs under an OS memory limit (``RLIMIT_AS``), so a decompression or span bomb
fails that file with a one-line reason instead of exhausting the machine. Workers start from
a fork server with the pipeline pre-imported, so they start fast and do not inherit the
parent's threads; they ignore Ctrl-C, which the parent handles by stopping them.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Generic, TypeAlias, TypeVar

from actionplans.conversion import format_bytes

# the start methods :func:`_context` chooses from; each can start a ``Process`` (BaseContext cannot)
_Context: TypeAlias = "mp.context.ForkContext | mp.context.ForkServerContext | mp.context.SpawnContext"

_POLL_SECONDS = 0.5
_STOP_SECONDS = 2.0
"""How long a worker asked to stop may take to exit before it is killed."""

T = TypeVar("T")


@dataclass(frozen=True)
class WorkerFailure:
    """A file the pool could not finish: the one-line reason."""

    reason: str


def _context(light: bool = False) -> _Context:
    """Where workers come from: a fork server with the pipeline pre-imported; for ``light``
    tasks (hashing a file, loading a cache entry) a plain fork of this process, which starts
    in milliseconds and needs nothing imported (a cached re-run starts no fork server)."""
    if light and "fork" in mp.get_all_start_methods():
        return mp.get_context("fork")
    try:
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(
            ["actionplans.conversion", "extract", "normalise.document", "normalise.timescale"]
        )
        return context
    except ValueError:  # platforms without fork server
        return mp.get_context("spawn")


_READY = "ready"
_START_SECONDS = 300.0
"""How long a new worker may take to start (import the pipeline) before the run gives up."""


def limit_memory(max_memory: int | None) -> None:
    """Cap this process's address space at ``max_memory`` bytes (no-op for None).

    The OS refuses allocations past the cap, so Python raises ``MemoryError`` in the code
    that asked (and a C library may abort, which the parent reports as a dead worker).
    """
    if not max_memory:
        return
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = max_memory if hard == resource.RLIM_INFINITY else min(max_memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


_LOGGERS = ("", "pdfminer", "actionplans")
"""Loggers whose levels a worker takes from the parent (so -q and -v hold in workers too)."""


def _worker(
    connection: Connection, task: Callable[[Path], object], max_memory: int | None, log_levels: dict[str, int]
) -> None:
    # Ctrl-C on a terminal reaches the whole process group; the parent stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name, level in log_levels.items():
        logging.getLogger(name).setLevel(level)
    try:
        limit_memory(max_memory)
        connection.send(_READY)  # the time limit counts from here, not from process start
        while True:
            path = connection.recv()
            if path is None:
                return
            connection.send(_run(task, path, max_memory))
    except (EOFError, BrokenPipeError, OSError):
        return  # the parent has gone or stopped this worker


def _run(task: Callable[[Path], object], path: Path, max_memory: int | None) -> object:
    """The task's result, or a :class:`WorkerFailure` naming why it raised: the worker lives on."""
    try:
        return task(path)
    except MemoryError:
        return WorkerFailure(
            f"over the memory limit of {format_bytes(max_memory)} (--max-memory)" if max_memory else "out of memory"
        )
    except Exception as error:  # a bug in the task must not end the worker or the batch
        return WorkerFailure(f"{type(error).__name__}: {' '.join(str(error).split())[:200]}")


@dataclass
class _Slot:
    """One worker process and the file it is busy with (internal)."""

    process: mp.process.BaseProcess
    connection: Connection
    path: Path | None = None
    started: float = 0.0


@dataclass(frozen=True)
class _Pool(Generic[T]):
    context: _Context
    task: Callable[[Path], T]
    max_memory: int | None

    def start(self) -> _Slot:
        parent, child = self.context.Pipe()
        levels = {name: logging.getLogger(name).level for name in _LOGGERS}
        process = self.context.Process(target=_worker, args=(child, self.task, self.max_memory, levels), daemon=True)
        process.start()
        child.close()
        if not parent.poll(_START_SECONDS) or parent.recv() != _READY:
            process.kill()
            raise RuntimeError(f"a conversion worker did not start within {_START_SECONDS:g} s")
        return _Slot(process, parent)

    def replace(self, slot: _Slot) -> _Slot:
        _kill(slot)
        return self.start()


def run_in_workers(
    files: Sequence[Path],
    task: Callable[[Path], T],
    jobs: int,
    timeout: float | None,
    max_memory: int | None = None,
    light: bool = False,
) -> Iterator[tuple[Path, T | WorkerFailure]]:
    """Run ``task`` on each file in ``jobs`` processes, yielding (path, result) as each
    finishes; a file over ``timeout`` seconds, or whose worker died, yields a
    :class:`WorkerFailure`. ``task`` must be picklable (a module-level function or a
    ``functools.partial`` of one). Stopping early (an exception, Ctrl-C, closing the
    generator) kills the workers at once. ``light`` tasks run in forked workers (see
    :func:`_context`)."""
    pool: _Pool[T] = _Pool(_context(light), task, max_memory)
    pending = list(files)
    slots: list[_Slot] = []
    finished = False
    try:
        slots = [pool.start() for _ in range(max(1, min(jobs, len(files))))]
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
                        result = WorkerFailure(_death_reason(slot, max_memory))
                        slots[index] = pool.replace(slot)
                    else:
                        slot.path = None
                    yield path, result
                elif timeout and now - slot.started > timeout:
                    slots[index] = pool.replace(slot)
                    yield path, WorkerFailure(f"timed out after {timeout:g} s")
                elif not slot.process.is_alive():
                    reason = _death_reason(slot, max_memory)
                    slots[index] = pool.replace(slot)
                    yield path, WorkerFailure(reason)
        finished = True
    finally:
        for slot in slots:
            _stop(slot) if finished else _kill(slot)


def _death_reason(slot: _Slot, max_memory: int | None) -> str:
    slot.process.join(timeout=_STOP_SECONDS)
    reason = f"worker died while converting (exit code {slot.process.exitcode})"
    if max_memory:  # a C library that cannot allocate aborts rather than raising MemoryError
        reason += f"; perhaps over the memory limit of {format_bytes(max_memory)}"
    return reason


def _stop(slot: _Slot) -> None:
    try:
        slot.connection.send(None)
    except (BrokenPipeError, OSError):
        pass
    slot.process.join(timeout=_STOP_SECONDS)
    _kill(slot)


def _kill(slot: _Slot) -> None:
    if slot.process.is_alive():
        slot.process.kill()
    slot.process.join()
    slot.connection.close()
