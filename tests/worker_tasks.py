"""Tasks for the worker-pool tests, importable by worker processes (module-level functions).

``finish_or_block`` returns at once for every file except one named ``block*``, which waits
on an event nothing ever sets: the only way it ends is the pool's time limit. So the
time-limit test does not depend on how fast the machine converts a plan.
"""

from __future__ import annotations

import threading
from pathlib import Path


def finish_or_block(path: Path) -> str:
    if path.name.startswith("block"):
        threading.Event().wait()  # never set: blocks until the worker is killed
    return f"done: {path.name}"
