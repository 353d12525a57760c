"""Time the Word reader on a large plan: 200 tables built from the seed plans' rows.

Run from the repository root::

    .venv/bin/python benchmarks/bench_docx.py [--tables 200] [--repeat 3]

The document is generated in a temporary directory with the fixture generator (automatic
numbering, merged heading rows, repeating headers, bullets), so it exercises every path of
the reader. The goal is under 3 s for the whole conversion of 200 tables.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.detect import read_document  # noqa: E402
from ingest.model import Table  # noqa: E402
from ingest.text import read_text_export  # noqa: E402
from tests.fixtures.make_docx_html_fixtures import NumberingPlan, paragraph, run, seed_table_docx, write_docx  # noqa: E402

GOAL_SECONDS = 3.0


def seed_tables() -> list[Table]:
    tables = []
    for seed in sorted((ROOT / "data" / "raw").glob("*.txt")):
        tables += [t for t in read_text_export(seed).tables if t.n_columns >= 3]
    return tables


def build_docx(path: Path, n_tables: int) -> None:
    plan = NumberingPlan()
    body = []
    for index, table in enumerate(islice(cycle(seed_tables()), n_tables), start=1):
        body.append(paragraph(run(f"Section {index}"), style="Heading2"))
        body.append(seed_table_docx(table, plan))
    write_docx(path, "".join(body), plan.xml(), title="benchmark")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bench_{args.tables}_tables.docx"
        build_docx(path, args.tables)
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            document = read_document(path)  # detection, sha256, package checks and reading
            timings.append(time.perf_counter() - start)
        rows = sum(len(t.rows) for t in document.tables)
        best, worst = min(timings), max(timings)
        print(
            f"read_docx: {len(document.tables)} tables, {rows} rows, {path.stat().st_size / 1024:.0f} KB: "
            f"best {best:.2f} s, worst {worst:.2f} s over {args.repeat} runs (goal < {GOAL_SECONDS:.0f} s)"
        )
    return 0 if worst < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
