"""Table detection and structure on the ICDAR 2013 EU set: our PDF reader vs bare pdfplumber.

Writes two prediction files in the JSON Lines format of ``shared/eval/icdar_eval.py`` (our
reader through :func:`actionplans.inspect.write_tables_jsonl`, and pdfplumber's
``page.find_tables()`` with default settings), scores both with that evaluator and prints
detection F1 and adjacency-relation F1 side by side.

    .venv/bin/python benchmarks/bench_icdar.py [--dataset DIR] [--out DIR] [--per-document]

Not a test: tune the reader for generality (other real PDFs are scored the same way), never
for one file of this set.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATASET = Path("/work/shared/corpus/icdar2013-eu")
EVALUATOR = Path("/work/shared/eval/icdar_eval.py")


def load_evaluator(path: Path = EVALUATOR):
    """Import ``icdar_eval`` from its file (it is not a package)."""
    spec = importlib.util.spec_from_file_location("icdar_eval", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def dataset_pdfs(dataset: Path) -> list[Path]:
    """PDFs that have ground truth beside them."""
    return sorted(p for p in dataset.glob("*.pdf") if p.with_name(p.stem + "-str.xml").exists())


def write_ours(pdfs: list[Path], out_path: Path) -> float:
    from actionplans.inspect import write_tables_jsonl

    start = time.perf_counter()
    write_tables_jsonl(pdfs, out_path)
    return time.perf_counter() - start


def write_bare(pdfs: list[Path], out_path: Path) -> float:
    """pdfplumber's defaults: every ``page.find_tables()`` table, ``Table.extract()`` rows."""
    import pdfplumber

    start = time.perf_counter()
    with open(out_path, "w", encoding="utf-8") as handle:
        for path in pdfs:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    for table in page.find_tables():
                        record = {"document": path.stem, "page": page.page_number, "bbox": list(table.bbox), "rows": table.extract()}
                        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    page.close()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_icdar"))
    parser.add_argument("--per-document", action="store_true", help="also print adjacency F1 per document")
    args = parser.parse_args(argv)
    evaluator = load_evaluator()
    pdfs = dataset_pdfs(args.dataset)
    args.out.mkdir(parents=True, exist_ok=True)
    ours_path, bare_path = args.out / "ours.jsonl", args.out / "bare.jsonl"
    seconds = {"ours": write_ours(pdfs, ours_path), "bare pdfplumber": write_bare(pdfs, bare_path)}
    results = {
        "ours": evaluator.evaluate(str(args.dataset), str(ours_path)),
        "bare pdfplumber": evaluator.evaluate(str(args.dataset), str(bare_path)),
    }
    print(f"ICDAR 2013 EU: {len(pdfs)} documents; predictions in {args.out}")
    print(f"{'':18} {'det P':>6} {'det R':>6} {'det F1':>7} {'adj P':>6} {'adj R':>6} {'adj F1':>7} {'lenient':>8} {'seconds':>8}")
    for name, result in results.items():
        overall = result["overall"]
        det, adj = overall["detection"], overall["adjacency"]
        print(
            f"{name:18} {det['precision']:6.3f} {det['recall']:6.3f} {det['f1']:7.3f} "
            f"{adj['precision']:6.3f} {adj['recall']:6.3f} {adj['f1']:7.3f} "
            f"{overall['adjacency_lenient']['f1']:8.3f} {seconds[name]:8.1f}"
        )
    if args.per_document:
        print(f"\n{'document':10} {'gt':>3} {'ours':>5} {'bare':>5} {'adj ours':>9} {'adj bare':>9}")
        for name in sorted(results["ours"]["documents"]):
            ours, bare = results["ours"]["documents"][name], results["bare pdfplumber"]["documents"][name]
            print(
                f"{name:10} {ours['detection']['gt_tables']:3d} {ours['detection']['pred_tables']:5d} "
                f"{bare['detection']['pred_tables']:5d} {ours['adjacency']['f1']:9.3f} {bare['adjacency']['f1']:9.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
