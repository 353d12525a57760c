"""Speed and memory of the PDF reader.

    .venv/bin/python benchmarks/bench_pdf.py [--repeat 3] [--pages 1000] [--skip-memory]

1. Pages per second of :func:`ingest.pdf.read_pdf` over the rendered seed PDFs
   (tests/fixtures/pdf/seed_*.pdf), next to bare pdfplumber ``page.extract_tables()`` over the
   same pages in the same run (target: ours at most 1.5x the bare time). Best of ``--repeat``.
2. Peak memory (RSS, via psutil, in a fresh subprocess) of ``read_pdf`` over a long PDF: a
   seed plan repeated to ``--pages`` pages, generated into a temporary directory (target:
   under 400 MB for 1,000 pages). The bare pdfplumber peak over the same file is printed too.
   The result must grow with the plan (its cells, lines and boxes are the output), so the
   reader's own size is printed apart: the Document's size (:func:`deep_size`) in total and
   per page, and the working memory, peak RSS less the RSS before reading less the result,
   which is what must stay flat as the page count grows (issue #12).

3. The per-engine table: each independent rendering of each seed plan
   (tests/fixtures/independent/<engine>/, made by ReportLab, LibreOffice and Chromium, the
   engines the reader was tuned on, and by WeasyPrint and fpdf2, added later and never tuned
   to; ``--engine NAME`` (repeatable) scores only those engines) scored
   against the actions of the plan's text export (``actionplans.evaluate.compare_records``):
   record F1 and field accuracy (target: F1 >= 0.98, accuracy >= 0.97 for every one), and
   the reader's speed on those renderings against bare pdfplumber. ``--skip-renderings``
   leaves it out.

Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
INDEPENDENT = ROOT / "tests" / "fixtures" / "independent"
RAW = ROOT / "data" / "raw"
SEEDS = Path("/work/shared/seeds")


def time_ours(paths: list[Path]) -> tuple[float, int]:
    from ingest.pdf import read_pdf

    start = time.perf_counter()
    pages = sum(read_pdf(path).pages or 0 for path in paths)
    return time.perf_counter() - start, pages


def time_bare(paths: list[Path]) -> tuple[float, int]:
    import pdfplumber

    start = time.perf_counter()
    pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()
                pages += 1
    return time.perf_counter() - start, pages


def rendering_paths(engines: list[str] | None = None) -> list[Path]:
    """The independent renderings of the seeds, of ``engines`` only when given."""
    return [path for path in sorted(INDEPENDENT.glob("*/*.pdf")) if not engines or path.parent.name in engines]


def rendering_scores(engines: list[str] | None = None) -> list[tuple[str, str, str, dict]]:
    """(engine, seed, variant, score) for every independent rendering (of ``engines`` when
    given), scored against the actions of the seed's text export."""
    from dataclasses import asdict

    from actionplans.conversion import convert_file
    from actionplans.evaluate import actions_as_gold, compare_records

    expected = {}
    out = []
    for path in rendering_paths(engines):
        seed, variant = path.stem[:20], path.stem[21:]
        if seed not in expected:
            expected[seed] = actions_as_gold([asdict(a) for a in convert_file(RAW / f"{seed}.txt").actions])
        got = [asdict(action) for action in convert_file(path).actions]
        out.append((path.parent.name, seed, variant, compare_records(expected[seed], got)))
    return out


def print_rendering_table(scores: list[tuple[str, str, str, dict]]) -> None:
    print("independent renderings vs the text exports' actions (target F1 >= 0.98, field accuracy >= 0.97):")
    print(f"  {'engine':12} {'seed':5} {'variant':20} {'F1':>6} {'fields':>7}  actions (expected/read/paired)")
    for engine, seed, variant, score in scores:
        flag = "" if score["f1"] >= 0.98 and score["field_accuracy"] >= 0.97 else "  < target"
        print(f"  {engine:12} {seed[:3]:5} {variant:20} {score['f1']:6.3f} {score['field_accuracy']:7.3f}  "
              f"{score['gold']}/{score['pred']}/{score['matched']}{flag}")
    for engine in sorted({row[0] for row in scores}):
        rows = [row[3] for row in scores if row[0] == engine]
        print(f"  {engine:12} mean F1 {sum(r['f1'] for r in rows) / len(rows):.3f} (min {min(r['f1'] for r in rows):.3f}), "
              f"mean field accuracy {sum(r['field_accuracy'] for r in rows) / len(rows):.3f} "
              f"(min {min(r['field_accuracy'] for r in rows):.3f})")


def build_long_pdf(target: Path, pages: int) -> int:
    """A seed plan printed over and over (its tables repeated) until ``pages`` pages."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from make_pdf_fixtures import PlanPrinter  # noqa: E402  (the fixtures' Word-like printer)

    from ingest.model import Table
    from ingest.text import read_text_export

    document = read_text_export(SEEDS / "002_93871fd4ab8d0ecd.txt")
    printer = PlanPrinter(target, title="long plan")
    while printer.page < pages:
        for block in document.blocks:
            if printer.page >= pages:
                break
            if isinstance(block, Table):
                printer.table(block)
            else:
                printer.text_block(block)
    printer.finish()
    return printer.page


def deep_size(root: object) -> int:
    """Bytes of ``root`` and everything it holds (``sys.getsizeof`` over tuples, lists, dicts,
    slotted and plain objects; each object counted once): the size of a Document."""
    seen: set[int] = set()
    stack = [root]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, (str, bytes, int, float, bool, type(None))):
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (tuple, list, set, frozenset)):
            stack.extend(obj)
        else:
            stack.extend(getattr(obj, name) for name in getattr(type(obj), "__slots__", ()) if hasattr(obj, name))
            if hasattr(obj, "__dict__"):
                stack.append(vars(obj))
    return total


_PEAK_SCRIPT = """
import sys, threading, time, psutil
sys.path.insert(0, {root!r})
sys.path.insert(0, {root!r} + "/benchmarks")
import pdfplumber
from wordfreq import zipf_frequency
from bench_pdf import deep_size
from ingest.pdf import read_pdf
zipf_frequency("plan", "en")  # the word list is loaded once per process, whatever the page count
process = psutil.Process()
before = process.memory_info().rss
peak = [process.memory_info().rss]
done = threading.Event()
def watch():
    while not done.is_set():
        peak[0] = max(peak[0], process.memory_info().rss)
        time.sleep(0.05)
watcher = threading.Thread(target=watch, daemon=True)
watcher.start()
start = time.perf_counter()
result = 0
if {mode!r} == "ours":
    document = read_pdf(__import__("pathlib").Path({path!r}))
else:
    rows = 0
    with pdfplumber.open({path!r}) as pdf:
        for page in pdf.pages:
            rows += sum(len(t) for t in page.extract_tables())
            page.close()
seconds = time.perf_counter() - start
done.set()
watcher.join()
peak[0] = max(peak[0], process.memory_info().rss)
# Measured only now: deep_size's own bookkeeping (a set of every object's id) would
# otherwise be counted in the peak, and it grows with the page count.
if {mode!r} == "ours":
    rows = sum(len(t.rows) for t in document.tables)
    result = deep_size(document)
print(peak[0] / 2**20, seconds, rows, before / 2**20, result / 2**20)
"""


def peak_memory(path: Path, mode: str) -> tuple[float, float, int, float, float]:
    """(peak RSS in MB, seconds, table rows, RSS before reading in MB, result size in MB) of
    reading ``path`` in a fresh interpreter (the result's size is 0 for bare pdfplumber)."""
    script = _PEAK_SCRIPT.format(root=str(ROOT), path=str(path), mode=mode)
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    peak, seconds, rows, before, result = output.split()
    return float(peak), float(seconds), int(rows), float(before), float(result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-renderings", action="store_true")
    parser.add_argument("--skip-speed", action="store_true", help="leave out the speed runs")
    parser.add_argument("--engine", action="append", help="score only this engine's renderings (repeatable)")
    args = parser.parse_args(argv)

    if not args.skip_speed:
        paths = sorted(FIXTURES.glob("seed_*.pdf"))
        ours = min(time_ours(paths) for _ in range(args.repeat))
        bare = min(time_bare(paths) for _ in range(args.repeat))
        print(f"speed over {len(paths)} seed PDFs ({ours[1]} pages), best of {args.repeat}:")
        print(f"  ours (read_pdf)                 {ours[0]:6.2f} s  {ours[1] / ours[0]:6.1f} pages/s")
        print(f"  bare pdfplumber extract_tables  {bare[0]:6.2f} s  {bare[1] / bare[0]:6.1f} pages/s")
        print(f"  ours / bare time: {ours[0] / bare[0]:.2f}x (target <= 1.5x)")

    if not args.skip_renderings:
        if not args.skip_speed:
            renderings = rendering_paths(args.engine)
            ours = min(time_ours(renderings) for _ in range(args.repeat))
            bare = min(time_bare(renderings) for _ in range(args.repeat))
            print(f"speed over {len(renderings)} independent renderings ({ours[1]} pages), best of {args.repeat}:")
            print(f"  ours {ours[0]:6.2f} s, bare pdfplumber {bare[0]:6.2f} s: {ours[0] / bare[0]:.2f}x (target <= 1.5x)")
        print_rendering_table(rendering_scores(args.engine))

    if args.skip_memory:
        return 0
    with tempfile.TemporaryDirectory() as folder:
        long_pdf = Path(folder) / "long_plan.pdf"
        pages = build_long_pdf(long_pdf, args.pages)
        size = long_pdf.stat().st_size / 2**20
        print(f"memory over a {pages}-page plan ({size:.1f} MB file), peak RSS in a fresh process:")
        for mode in ("ours", "bare"):
            peak, seconds, rows, before, result = peak_memory(long_pdf, mode)
            label = "ours (read_pdf)" if mode == "ours" else "bare pdfplumber extract_tables"
            print(f"  {label:32}{peak:7.0f} MB  {seconds:6.1f} s  {rows} table rows")
            if mode == "ours":
                print(f"    result (the Document)         {result:7.1f} MB  ({result * 1024 / pages:.1f} kB a page)")
                print(f"    working (peak - start - result){peak - before - result:6.1f} MB  (start {before:.0f} MB)")
        print("  target: ours under 400 MB; working memory flat in the page count")
    return 0


if __name__ == "__main__":
    sys.exit(main())
