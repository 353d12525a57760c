"""The review page for a large batch: time to write it, its size, and time to load it in
headless Chromium.

    .venv/bin/python benchmarks/bench_review.py [--copies 200] [--pdf-copies 0] [--jobs 2] [--keep]

1. The seed plans in data/raw are copied under ``--copies`` names (and, with ``--pdf-copies``,
   the PDF renderings of the seeds in tests/fixtures/pdf, each copy made a distinct file by a
   trailing comment so its pages are rendered, not shared) and converted once with
   ``actionplans convert`` (not timed here: bench_batch.py measures conversion).
2. ``actionplans review OUT`` is timed as a whole (CLI start-up, reading the dataset,
   rendering PDF pages, writing the file); target under 10 s for 200 plans.
3. ``OUT/review.html`` is opened from disk in Debian's headless Chromium (Playwright driving
   /usr/bin/chromium) three times; the time from navigation to the first action rows on screen
   is printed, best and worst (target under 2 s), then the time to filter to errors and to open
   the first action.

Not a test: timings depend on the machine (CPU count and load average are printed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PDF_SEEDS = ROOT / "tests" / "fixtures" / "pdf"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WRITE_TARGET_SECONDS = 10.0
LOAD_TARGET_SECONDS = 2.0


def copy_plans(folder: Path, copies: int, pdf_copies: int) -> None:
    """Seed text exports under ``copies`` names, and ``pdf_copies`` distinct PDF renderings."""
    folder.mkdir(parents=True)
    seeds = sorted(path for path in RAW.iterdir() if path.is_file() and not path.name.startswith("."))
    for index in range(copies):
        seed = seeds[index % len(seeds)]
        shutil.copyfile(seed, folder / f"copy{index:04d}_{seed.name}")
    pdfs = sorted(PDF_SEEDS.glob("seed_*.pdf"))
    for index in range(pdf_copies):
        seed = pdfs[index % len(pdfs)]
        # Bytes after %%EOF are ignored by readers but change the file's hash (and action ids).
        (folder / f"copy{index:04d}_{seed.name}").write_bytes(seed.read_bytes() + f"\n% copy {index}\n".encode("ascii"))


def run(command: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout}{done.stderr}")
    return seconds


def load_times(page_path: Path, repeats: int = 3) -> tuple[list[float], float, float]:
    """Seconds from navigation to action rows on screen (each repeat in a fresh page), then
    the time to filter to errors and to open the first action."""
    from playwright.sync_api import sync_playwright

    loads = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(repeats):
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(page_path.as_uri())
            page.wait_for_selector("tr.action")
            loads.append(time.perf_counter() - start)
            page.close()
        page = browser.new_page()
        page.goto(page_path.as_uri())
        page.wait_for_selector("tr.action")
        start = time.perf_counter()
        page.select_option("#filter-severity", "error")
        page.wait_for_selector("tr.action")
        filtering = time.perf_counter() - start
        start = time.perf_counter()
        page.locator("tr.action").first.click()
        page.wait_for_selector("tr.detail")
        opening = time.perf_counter() - start
        browser.close()
    return loads, filtering, opening


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=200, help="text-export plans (seed copies)")
    parser.add_argument("--pdf-copies", type=int, default=0, help="also this many distinct PDF plans (seed renderings)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the (untimed) conversion")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")

    work = Path(tempfile.mkdtemp(prefix="bench-review-"))
    try:
        plans, out = work / "plans", work / "out"
        copy_plans(plans, args.copies, args.pdf_copies)
        python = [sys.executable, "-m", "actionplans.cli"]
        print(f"{args.copies} text plans + {args.pdf_copies} PDF plans, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        converting = run([*python, "convert", str(plans), "--out", str(out), "--jobs", str(args.jobs), "-q"])
        actions = sum(1 for _ in (out / "actions.jsonl").open(encoding="utf-8"))
        print(f"converted in {converting:.1f} s (not the figure measured): {actions} actions")

        writing = run([*python, "review", str(out)])
        size = (out / "review.html").stat().st_size
        print(f"actionplans review:      {writing:6.2f} s  (target < {WRITE_TARGET_SECONDS:.0f} s) "
              f"{'OK' if writing < WRITE_TARGET_SECONDS else 'MISSED'}; review.html {size / 1e6:.1f} MB")
        loads, filtering, opening = load_times(out / "review.html")
        print(f"load in headless Chromium: best {min(loads):.2f} s, worst {max(loads):.2f} s  (target < {LOAD_TARGET_SECONDS:.0f} s) "
              f"{'OK' if max(loads) < LOAD_TARGET_SECONDS else 'MISSED'}")
        print(f"filter to errors:        {filtering:6.2f} s; open an action: {opening:.2f} s")
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
