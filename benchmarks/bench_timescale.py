"""Timescale parsing against the gold: dateparser alone vs ours, accuracy and speed.

Run: ``python benchmarks/bench_timescale.py [--gold DIR] [--seeds DIR] [--quiet]``

For every gold record with a ``timescale_raw`` it prints the gold due, what ``dateparser.parse``
alone makes of the string (UK settings, DATE_ORDER=DMY) and what :func:`parse_timescale` makes
of it, read against a :class:`DateContext` inferred from the seed plan's own text. Then the
accuracy of each (due; for ours also start and timescale-only status) and strings per second
for ours, cold (no memo) and cached. A second table reads the date forms other organisations
print (issue #11: "Sep-24", "Q4 24/25", revised deadlines, year-less dates in a dated tracker),
written by hand with their expected values. Not a test: it reads the shared gold and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dateparser  # noqa: E402

from extract.dates import INVALID_DATE, TRUNCATED_DATE  # noqa: E402
from normalise.timescale import (  # noqa: E402
    DateContext,
    Timescale,
    parse_timescale,
    parse_timescale_cached,
    parse_timescale_uncached,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO.parent / "shared" / "gold"
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
DATEPARSER_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}
FLAGGED = {INVALID_DATE, TRUNCATED_DATE}


def seed_texts(path: Path) -> list[str]:
    """The seed's texts in reading order: each TAB-separated cell of each line."""
    return [cell for line in path.read_text(encoding="utf-8").splitlines() for cell in line.split("\t") if cell.strip()]


def load_cases(gold_dir: Path, seeds_dir: Path) -> list[tuple[dict, DateContext]]:
    cases = []
    for gold_file in sorted(gold_dir.glob("*.jsonl")):
        seed = seeds_dir / f"{gold_file.stem}.txt"
        context = DateContext.from_texts(seed_texts(seed)) if seed.exists() else DateContext()
        print(f"{gold_file.stem}: {context}")
        for line in gold_file.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("timescale_raw"):
                cases.append((record, context))
    return cases


_TRACKER = DateContext(plan_year=2012, plan_date="2012-07-04", own_date=True)
OTHER_FORMS: tuple[tuple[str, DateContext, str | None, str | None, str | None], ...] = (
    # (timescale, context, start, due, original due)
    ("Sep-24", DateContext(2024), None, "2024-09", None),
    ("Sep-2024", DateContext(2024), None, "2024-09", None),
    ("Apr-25 to Mar-26", DateContext(2024), "2025-04", "2026-03", None),
    ("14-Nov-24", DateContext(2024), None, "2024-11-14", None),
    ("Q4 24/25", DateContext(2024), None, "2025-03", None),
    ("end of Q2 2024/25", DateContext(2024), None, "2024-09", None),
    ("FY24/25", DateContext(2024), None, "2025-03", None),
    ("January 2025 (revised from Oct 2024)", DateContext(2024), None, "2025-01", "2024-10"),
    ("Dec 2024 - extended to Feb 2025", DateContext(2024), None, "2025-02", "2024-12"),
    ("June  [tracker compiled 4 July 2012]", _TRACKER, None, "2012-06", None),
    ("30 Sept  [tracker compiled 4 July 2012]", _TRACKER, None, "2012-09-30", None),
)


def other_forms_table() -> None:
    """Date forms from other organisations' plans: dateparser alone vs ours."""
    print(f"\n{'other forms (issue #11)':40} {'expected':26} {'dateparser':11} {'ours':26}")
    right = 0
    for label, context, start, due, original in OTHER_FORMS:
        raw = label.split("  [")[0]
        ours = parse_timescale_uncached(raw, context)
        got = (ours.start, ours.due, ours.original_due)
        right += got == (start, due, original)
        show = lambda s, d, o: f"{s or '-'}..{d or '-'}" + (f" (was {o})" if o else "")  # noqa: E731
        print(f"{label[:40]:40} {show(start, due, original):26} {str(dateparser_alone(raw)):11} {show(*got):26}")
    print(f"  ours right: {right}/{len(OTHER_FORMS)}")


def dateparser_alone(raw: str) -> str | None:
    try:
        value = dateparser.parse(raw, languages=["en"], settings=DATEPARSER_SETTINGS)
    except Exception:  # a baseline: any failure is "no date"
        return None
    return value.date().isoformat() if value else None


def date_correct(gold: str | None, value: str | None, issues: tuple[str, ...] = ()) -> bool:
    if gold == "?":
        return value is None and bool(FLAGGED & set(issues))
    return gold == value


def lenient(gold: str | None, value: str | None) -> str | None:
    """dateparser's full date cut to the gold's precision (the benefit of the doubt)."""
    if value is None or gold in (None, "?"):
        return value
    return value[: len(gold)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    args = parser.parse_args(argv)

    cases = load_cases(args.gold, args.seeds)
    scores = {"due": [0, 0], "start": [0, 0], "status": [0, 0], "dp_strict": [0, 0], "dp_lenient": [0, 0]}
    if not args.quiet:
        print(f"\n{'timescale_raw':44} {'gold due':11} {'dateparser':11} {'ours':11} dp ours")
    for record, context in cases:
        raw = record["timescale_raw"]
        ours: Timescale = parse_timescale_uncached(raw, context)
        baseline = dateparser_alone(raw)
        if "due" in record:
            gold = record["due"]
            ok_ours = date_correct(gold, ours.due, ours.issue_codes)
            ok_strict = date_correct(gold, baseline)
            ok_lenient = date_correct(gold, lenient(gold, baseline))
            for key, ok in (("due", ok_ours), ("dp_strict", ok_strict), ("dp_lenient", ok_lenient)):
                scores[key][0] += ok
                scores[key][1] += 1
            if not args.quiet:
                mark = lambda ok: "ok" if ok else "--"  # noqa: E731
                print(f"{raw[:44]:44} {str(gold):11} {str(baseline):11} {str(ours.due):11} {mark(ok_lenient)} {mark(ok_ours)}")
        if "start" in record:
            scores["start"][0] += date_correct(record["start"], ours.start, ours.issue_codes)
            scores["start"][1] += 1
        if "status" in record:
            ok = record["status"] == ours.status
            scores["status"][0] += ok
            scores["status"][1] += 1
            if not ok and not args.quiet:
                print(f"   status: {raw!r} gold={record['status']} ours={ours.status}")

    def pct(key: str) -> str:
        right, total = scores[key]
        return f"{right}/{total} = {100 * right / total:.1f}%" if total else "n/a"

    print("\nAccuracy against the gold")
    print(f"  dateparser alone, due (full date):             {pct('dp_strict')}")
    print(f"  dateparser alone, due (cut to gold precision): {pct('dp_lenient')}")
    print(f"  ours, due:                                     {pct('due')}")
    print(f"  ours, start:                                   {pct('start')}")
    print(f"  ours, status from the timescale alone:         {pct('status')}")
    other_forms_table()

    pairs = [(record["timescale_raw"], context) for record, context in cases]
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        for raw, context in pairs:
            parse_timescale_uncached(raw, context)
    cold = rounds * len(pairs) / (time.perf_counter() - started)
    parse_timescale_cached.cache_clear()
    for raw, context in pairs:
        parse_timescale(raw, context)
    started = time.perf_counter()
    for _ in range(rounds * 10):
        for raw, context in pairs:
            parse_timescale(raw, context)
    cached = rounds * 10 * len(pairs) / (time.perf_counter() - started)
    print(f"\nSpeed over {len(pairs)} strings: cold {cold:,.0f} strings/s, cached {cached:,.0f} strings/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
