"""Batch speed through the CLI: parallel speed-up and the cost of an incremental re-run.

    .venv/bin/python benchmarks/bench_batch.py [--copies 200] [--jobs 2] [--format csv,jsonl,xlsx] [--keep]

The seed plans in data/raw are copied under ``--copies`` different names into a temporary
folder (the cache keys on the name, so every copy is a distinct file to convert), then:

1. ``actionplans convert DIR --out OUT1 --force --jobs 1 -q``, timed;
2. ``actionplans convert DIR --out OUT2 --force --jobs N -q``, timed; prints the speed-up
   (target: at least 1.8x for N = 2);
3. the same command as 2 without ``--force``: every file comes from the cache; prints its time
   as a share of run 1 and of run 2 (target: under 5% of the first run).

Every run's dataset must be the same (compared byte for byte, run.json aside) or the figures
mean nothing and the benchmark says so. Wall-clock times include the CLI's start-up (imports)
and writing the dataset, which no cache saves; both are printed so the shares can be read.
Not a test: timings depend on the machine (CPU count and load average are printed; a
speed-up measured while other work holds the CPUs is meaningless).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SPEED_UP_TARGET = 1.8
RERUN_SHARE_TARGET = 0.05


def cli() -> list[str]:
    """The installed ``actionplans`` script beside this interpreter (the project's venv)."""
    script = Path(sys.executable).parent / "actionplans"
    found = str(script) if script.exists() else shutil.which("actionplans")
    if not found:
        sys.exit("actionplans is not installed: .venv/bin/pip install -e .")
    return [found]


def copy_seeds(folder: Path, copies: int) -> int:
    """``copies`` files named after the seed they copy; returns the bytes written."""
    seeds = sorted(path for path in RAW.iterdir() if path.is_file() and not path.name.startswith("."))
    folder.mkdir(parents=True)
    total = 0
    for index in range(copies):
        seed = seeds[index % len(seeds)]
        target = folder / f"copy{index:04d}_{seed.name}"
        shutil.copyfile(seed, target)
        total += target.stat().st_size
    return total


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout}{done.stderr}")
    return seconds


def dataset_bytes(out: Path) -> dict[str, bytes]:
    """The dataset's content: run.json (timings) left out, and workbooks without the save
    time openpyxl stamps into docProps/core.xml."""
    content = {}
    for path in sorted(out.iterdir()):
        if path.is_file() and path.name != "run.json":
            content[path.name] = path.read_bytes() if path.suffix != ".xlsx" else _workbook_bytes(path)
    return content


def _workbook_bytes(path: Path) -> bytes:
    with zipfile.ZipFile(path) as workbook:
        return b"".join(workbook.read(name) for name in sorted(workbook.namelist()) if name != "docProps/core.xml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=200, help="files to convert (seed plans under new names)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the parallel run")
    parser.add_argument("--format", default=None, help="passed to --format (default: the CLI's default formats)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        plans = work / "plans"
        size = copy_seeds(plans, args.copies)
        base = [*cli(), "convert", str(plans), "-q"] + (["--format", args.format] if args.format else [])
        load = os.getloadavg()[0]
        print(f"{args.copies} files ({size / 1e6:.1f} MB) from {RAW.relative_to(ROOT)}, {os.cpu_count()} CPUs, load {load:.1f}")
        if load > 0.5:
            print("warning: the machine is busy; the speed-up needs idle CPUs to mean anything")

        startup = min(timed([*cli(), "--version"]) for _ in range(2))
        serial = timed([*base, "--out", str(work / "out1"), "--force", "--jobs", "1"])
        parallel = timed([*base, "--out", str(work / "out2"), "--force", "--jobs", str(args.jobs)])
        after_parallel = dataset_bytes(work / "out2")
        rerun = timed([*base, "--out", str(work / "out2"), "--jobs", str(args.jobs)])

        first = dataset_bytes(work / "out1")
        same = bool(first) and first == after_parallel == dataset_bytes(work / "out2")
        print(f"CLI start-up (--version):   {startup:7.2f} s")
        print(f"--force --jobs 1:           {serial:7.2f} s  ({args.copies / serial:.1f} files/s)")
        print(f"--force --jobs {args.jobs}:           {parallel:7.2f} s  ({args.copies / parallel:.1f} files/s)")
        speed_up = serial / parallel
        print(f"speed-up:                   {speed_up:7.2f}x  (target >= {SPEED_UP_TARGET}x) "
              f"{'OK' if speed_up >= SPEED_UP_TARGET else 'MISSED'}")
        share = rerun / serial
        print(f"re-run from cache:          {rerun:7.2f} s  = {share:.1%} of the first run (target < {RERUN_SHARE_TARGET:.0%}) "
              f"{'OK' if share < RERUN_SHARE_TARGET else 'MISSED'}; {rerun / parallel:.1%} of the --jobs {args.jobs} run")
        print(f"re-run less CLI start-up:   {max(rerun - startup, 0):7.2f} s  = {max(rerun - startup, 0) / serial:.1%} of the first run")
        # What no number of workers shortens: start-up, reading the results back, writing the files.
        ceiling = serial / (rerun + (serial - rerun) / args.jobs)
        print(f"speed-up ceiling (Amdahl):  {ceiling:7.2f}x  taking the re-run as the part that does not parallelise")
        print(f"datasets identical across runs: {'yes' if same else 'NO: the timings compare different work'}")
        if args.keep:
            print(f"kept: {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
