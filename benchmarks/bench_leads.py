"""Lead parsing benchmark: a name-lexicon baseline vs normalise.leads, on every gold lead cell.

Not a test. Run:  .venv/bin/python benchmarks/bench_leads.py [--gold DIR] [--seeds DIR] [-q]

No statistical spaCy model can be installed here (the English models are not on the package
registry), so "model alone" is the honest NER-like baseline available offline:
spaCy's blank English tokenizer + gender-guesser's first-name lexicon, reading every
lexicon first name followed by a capitalised token as a person, and every other
comma/full-stop separated chunk as a role. Ours adds document knowledge, surname and role
vocabularies, pairing of run-together names and role splitting.

Scoring is /work/shared/eval/score.py's: per record, set F1 of normalised names (lowercase,
alphanumerics); both empty = 1. lead_roles is scored the same way where the gold states it.
The document knowledge for each plan is built from the plan's own text export (seed).
A second table scores hand-written lead cells in the shapes other organisations print
(issue #11: names outside the lexicon, particles, capitals, "Surname, First", first names
beside full names, post titles that stay roles).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_GOLD = ROOT.parent / "shared" / "gold"
DEFAULT_SEEDS = ROOT / "data" / "raw"
LEAD_HEADER = re.compile(r"\b(lead|leads|responsibility|responsible)\b", re.I)


def norm(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (value or "").lower().replace("&amp;", "&")).strip()


def set_f1(gold: list[str], predicted: list[str]) -> float:
    g = {norm(x) for x in gold if norm(x)}
    p = {norm(x) for x in predicted if norm(x)}
    if not g and not p:
        return 1.0
    if not g or not p:
        return 0.0
    tp = len(g & p)
    return 0.0 if tp == 0 else 2 * tp / (len(g) + len(p))


def seed_lead_cells(lines: list[str]) -> list[str]:
    """Cells under a lead-like column header, from a TAB-separated export."""
    cells, column = [], None
    for line in lines:
        row = line.split("\t")
        header = [i for i, c in enumerate(row) if LEAD_HEADER.search(c) and len(c) < 40]
        if header and sum(bool(c.strip()) for c in row) >= 3:
            column = header[0]
            continue
        if column is not None and len(row) > column and row[column].strip():
            cells.append(row[column])
    return cells


def document_knowledge(seed: Path):
    from extract.glossary import lines_to_glossary, lines_to_people, text_to_inline_glossary
    from normalise.leads import LeadKnowledge

    lines = seed.read_text(encoding="utf-8").splitlines()
    glossary = lines_to_glossary(lines) + [e for l in lines for e in text_to_inline_glossary(l)]
    return LeadKnowledge.from_document(seed_lead_cells(lines), lines_to_people(lines), glossary, lines)


def baseline(text: str, nlp) -> tuple[list[str], list[str]]:
    """spaCy tokens + gender-guesser: first name + next capitalised token = person."""
    from extract.glossary import first_name_popularity
    from normalise.leads import clean_lead_text

    doc = nlp.make_doc(clean_lead_text(text))
    people, roles, chunk, i = [], [], [], 0
    while i < len(doc):
        tok = doc[i]
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if (tok.is_title and first_name_popularity(tok.text) and nxt is not None and nxt.is_title):
            people.append(f"{tok.text} {nxt.text}")
            if chunk:
                roles.append(" ".join(chunk))
            chunk = []
            i += 2
            continue
        if tok.text in {",", ".", ";"} or tok.is_space:
            if chunk:
                roles.append(" ".join(chunk))
            chunk = []
        else:
            chunk.append(tok.text)
        i += 1
    if chunk:
        roles.append(" ".join(chunk))
    return list(dict.fromkeys(people)), list(dict.fromkeys(roles))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    args = parser.parse_args()

    started = time.perf_counter()
    from normalise.leads import get_nlp, parse_lead

    nlp = get_nlp()
    load_seconds = time.perf_counter() - started
    import spacy

    plain = spacy.blank("en")  # the baseline gets spaCy's tokenizer as shipped, not ours
    again = time.perf_counter()
    assert get_nlp() is nlp
    print(f"NLP pipeline load (import + build, once per process): {load_seconds:.2f} s; "
          f"second get_nlp(): {time.perf_counter() - again:.6f} s; pipeline: {nlp.pipe_names}")

    totals = {"baseline": [0.0, 0.0, 0, 0], "ours": [0.0, 0.0, 0, 0]}
    parse_seconds = 0.0
    for gold_file in sorted(args.gold.glob("*.jsonl")):
        seed = args.seeds / f"{gold_file.stem}.txt"
        knowledge = document_knowledge(seed)
        records = [json.loads(l) for l in gold_file.read_text(encoding="utf-8").splitlines() if l.strip()]
        for record in records:
            raw = record.get("lead_raw")
            if not raw or "lead_people" not in record:
                continue
            t = time.perf_counter()
            lead = parse_lead(raw, knowledge)
            parse_seconds += time.perf_counter() - t
            base_people, base_roles = baseline(raw, plain)
            for key, (people, roles) in {"baseline": (base_people, base_roles),
                                         "ours": (list(lead.people), list(lead.roles))}.items():
                totals[key][0] += set_f1(record["lead_people"], people)
                totals[key][2] += 1
                if record.get("lead_roles") is not None:
                    totals[key][1] += set_f1(record["lead_roles"], roles)
                    totals[key][3] += 1
            if not args.quiet:
                mark = lambda people: "ok " if set_f1(record["lead_people"], people) == 1.0 else "BAD"
                print(f"{gold_file.stem[:3]} {raw!r}\n"
                      f"    gold          {record['lead_people']} {record.get('lead_roles')}\n"
                      f"    {mark(list(lead.people))} ours      {list(lead.people)} {list(lead.roles)}\n"
                      f"    {mark(base_people)} baseline  {base_people} {base_roles}")
    print()
    print(f"{'':10} {'lead_people':>12} {'lead_roles':>12}   (records: people / roles)")
    for key, (people, roles, n_people, n_roles) in totals.items():
        print(f"{key:10} {people / max(n_people, 1):12.3f} {roles / max(n_roles, 1):12.3f}   ({n_people} / {n_roles})")
    print(f"parse time: {parse_seconds * 1000 / max(totals['ours'][2], 1):.2f} ms per cell")
    other_shapes_table(plain)
    if not args.quiet:
        print_unscored(args, plain)
    return 0


OTHER_SHAPES: tuple[tuple[str, list[str]], ...] = (
    # (lead cell, expected people); everything else in the cell is a role
    ("Mohammed Al-Hassan", ["Mohammed Al-Hassan"]),
    ("Siobhan Ní Bhriain, Head of Nursing", ["Siobhan Ní Bhriain"]),
    ("Ngozi Okonjo-Iweala", ["Ngozi Okonjo-Iweala"]),
    ("Seán O'Brien, Head of Service", ["Seán O'Brien"]),
    ("José Martínez", ["José Martínez"]),
    ("Okafor, Ngozi", ["Ngozi Okafor"]),  # a known miss: neither word in the lexicon, no capitals
    ("OKAFOR, Ngozi", ["Ngozi Okafor"]),
    ("Matron, Paediatrics", []),
    ("KAREN HOLLOWAY, PRACTICE MANAGER", ["KAREN HOLLOWAY"]),
    ("Sarah, John Smith and Priya", ["Sarah", "John Smith", "Priya"]),
    ("CEO / DoN", []),
    ("Designated Nurse", []),
    ("Chief Executive", []),
)


def other_shapes_table(plain) -> None:
    """Lead cells in other organisations' shapes: the baseline vs ours, lead_people F1."""
    from normalise.leads import parse_lead

    print(f"\n{'other shapes (issue #11)':36} {'baseline':>9} {'ours':>6}")
    totals = [0.0, 0.0]
    for cell, people in OTHER_SHAPES:
        scores = (set_f1(people, baseline(cell, plain)[0]), set_f1(people, list(parse_lead(cell).people)))
        totals = [total + score for total, score in zip(totals, scores)]
        print(f"{cell[:36]:36} {scores[0]:9.2f} {scores[1]:6.2f}")
    print(f"{'mean':36} {totals[0] / len(OTHER_SHAPES):9.3f} {totals[1] / len(OTHER_SHAPES):6.3f}")


def print_unscored(args, plain) -> None:
    """Seeds without gold (plan 002's run-together names): where ours and the baseline differ."""
    from normalise.leads import parse_lead

    scored = {p.stem for p in args.gold.glob("*.jsonl")}
    print("\nSeeds without gold, lead cells where the readings differ (not scored):")
    for seed in sorted(args.seeds.glob("*.txt")):
        if seed.stem in scored:
            continue
        knowledge = document_knowledge(seed)
        for cell in dict.fromkeys(seed_lead_cells(seed.read_text(encoding="utf-8").splitlines())):
            lead = parse_lead(cell, knowledge)
            base_people, base_roles = baseline(cell, plain)
            if (list(lead.people), list(lead.roles)) != (base_people, base_roles):
                print(f"{seed.stem[:3]} {cell!r}\n    ours      {list(lead.people)} {list(lead.roles)}\n"
                      f"    baseline  {base_people} {base_roles}")


if __name__ == "__main__":
    raise SystemExit(main())
