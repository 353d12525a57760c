"""The whole variant matrix: every seed plan x every variant, scored against its text export.

Run from the repository root::

    .venv/bin/python benchmarks/bench_variants.py [--seeds DIR] [--show N]

Each seed's text export is read, transformed (headers swapped for synonyms, columns
reordered) and rendered (CSV, XLSX, fixed-width text, or back to a TAB export) by
``tests/fixtures/variants.py``; the variant file is converted like any input and its actions
are compared with the text export's. Per cell the table prints record F1 / field accuracy
(ref, area, action, lead_people, due_date, status over matched records; n/a when no record
matched); ``--show N`` lists the first N differences of every imperfect cell, and a last
section says which swapped-in header names the thesaurus maps to their field. A variant that depends on work not yet on
this branch (header names missing from the thesaurus) shows as a low score, not an error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actionplans.conversion import convert_file  # noqa: E402
from ingest.text import read_text_export  # noqa: E402
from tests.fixtures.variants import VARIANTS, Score, Variant, action_fields, compare_actions  # noqa: E402

ALL_VARIANTS = (Variant("text-roundtrip", "text"), *VARIANTS)


def run(seeds: list[Path], folder: Path) -> dict[tuple[str, str], Score]:
    scores: dict[tuple[str, str], Score] = {}
    for seed in seeds:
        reference = action_fields(convert_file(seed).actions)
        document = read_text_export(seed)
        for variant in ALL_VARIANTS:
            path = variant.build(document, folder, seed.stem)
            scores[(seed.stem, variant.name)] = compare_actions(reference, action_fields(convert_file(path).actions))
    return scores


def print_matrix(seeds: list[Path], scores: dict[tuple[str, str], Score], show: int) -> None:
    names = [variant.name for variant in ALL_VARIANTS]
    width = max(len(name) for name in names)
    print(f"{'variant':<{width}}  " + "  ".join(f"{seed.stem[:3]:>11}" for seed in seeds) + "   all F1 / acc")
    for name in names:
        cells = [scores[(seed.stem, name)] for seed in seeds]
        row = "  ".join(f"{score.f1:5.3f}/{score.field_accuracy:5.3f}" if score.field_total else f"{score.f1:5.3f}/  n/a"
                        for score in cells)
        matched = sum(score.matched for score in cells)
        total_f1 = 2 * matched / max(1, sum(score.reference + score.found for score in cells))
        correct = sum(score.field_correct for score in cells)
        fields = sum(score.field_total for score in cells)
        accuracy = f"{correct / fields:5.3f}" if fields else "  n/a"
        print(f"{name:<{width}}  {row}   {total_f1:5.3f} / {accuracy}")
    if show:
        for (seed, name), score in scores.items():
            if score.differences:
                print(f"\n{seed} {name}: {len(score.differences)} differences")
                for difference in score.differences[:show]:
                    print(f"    {difference}")


def print_thesaurus() -> None:
    """Which swapped-in header names the header thesaurus maps to their field today."""
    from extract.headers import map_header
    from tests.fixtures.variants import KNOWN_SYNONYMS, NEW_SYNONYMS

    print("\nheader names swapped in -> field the thesaurus maps them to (x: not the intended field)")
    for label, synonyms in (("known", KNOWN_SYNONYMS), ("new", NEW_SYNONYMS)):
        cells = []
        for field, name in synonyms.items():
            mapped = map_header(name).field
            cells.append(f"{name!r}->{mapped or '-'}" + ("" if mapped == field else " x"))
        print(f"  {label}: " + ", ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "data" / "raw", help="folder of seed text exports (*.txt)")
    parser.add_argument("--show", type=int, default=0, help="list up to N differences of each imperfect cell")
    args = parser.parse_args()
    seeds = sorted(args.seeds.glob("*.txt"))
    if not seeds:
        parser.error(f"no *.txt seed plans in {args.seeds}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        scores = run(seeds, Path(folder))
    print(f"record F1 / field accuracy against each seed's text export ({len(seeds)} seeds, "
          f"{len(ALL_VARIANTS)} variants, {time.perf_counter() - started:.0f} s)\n")
    print_matrix(seeds, scores, args.show)
    print_thesaurus()


if __name__ == "__main__":
    main()
