"""Score an actions output against gold records (the format of shared/gold/*.jsonl).

Records are paired by action-text similarity (greedy, best first, a bonus when refs agree),
then each gold field present is compared: refs without trailing dots, areas by normalised
text, lead people as set F1, dates exactly ("?" in gold means "must be empty"), status and
RAG case-insensitively. Written to agree with shared/eval/score.py, the project's yardstick.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

FIELDS = ("ref", "area", "lead_people", "start", "due", "status", "rag")
PREDICTED_COLUMN = {"start": "start_date", "due": "due_date"}
MATCH_THRESHOLD = 0.6


class DocumentResult(TypedDict):
    """One document's record counts and per-field accuracy."""

    gold: int
    pred: int
    matched: int
    fields: dict[str, float]


class EvaluationResult(TypedDict):
    """What :func:`evaluate` returns (and ``actionplans evaluate --json`` prints)."""

    docs: dict[str, DocumentResult]
    fields: dict[str, float]
    records: dict[str, int]
    recall: float
    precision: float
    f1: float
    field_accuracy: float
    score: float


def normalise(text: object) -> str:
    value = ("" if text is None else str(text)).lower().replace("&amp;", "&")
    return re.sub(r"[^a-z0-9]+", " ", value).strip()


def is_empty(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and value != value)
        or str(value).strip() in ("", "nan", "None", "null", "[]")
    )


def people(value: object) -> set[str]:
    if is_empty(value):
        return set()
    if isinstance(value, list):
        items = value
    else:
        text = str(value).strip()
        if text.startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                items = re.split(r"[;|]", text.strip("[]"))
        else:
            items = re.split(r"\s*[;|]\s*", text)
    return {normalise(item) for item in items if normalise(item)}


def similarity(a: object, b: object) -> float:
    """Action similarity: edit ratio, or word containment when one side kept extra words."""
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return 0.0
    ratio = _sequence_ratio(a, b)
    words_a, words_b = set(a.split()), set(b.split())
    shortest = min(len(words_a), len(words_b))
    containment = len(words_a & words_b) / max(1, shortest)
    return max(ratio, containment * 0.92 if shortest >= 4 else 0.0)


def _sequence_ratio(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def field_score(name: str, gold: Mapping[str, object], predicted: Mapping[str, object]) -> float:
    expected = gold.get(name)
    if name == "lead_people":
        want, got = people(expected), people(predicted.get("lead_people"))
        if not want and not got:
            return 1.0
        if not want or not got:
            return 0.0
        common = len(want & got)
        return 2 * common / (len(want) + len(got)) if common else 0.0
    value = predicted.get(PREDICTED_COLUMN.get(name, name))
    if name in ("start", "due"):
        if expected is None or expected == "?":
            return float(is_empty(value))
        return float(not is_empty(value) and str(value).strip() == expected)
    if name in ("status", "rag"):
        if expected is None:
            return float(is_empty(value))
        return float(not is_empty(value) and str(value).strip().lower() == expected)
    if name == "ref":
        trim = lambda x: re.sub(r"[\s.]+$", "", str(x).strip().lower())  # noqa: E731
        if expected is None:
            return float(is_empty(value))
        return float(not is_empty(value) and trim(value) == trim(expected))
    if name == "area":
        if expected is None:
            return float(is_empty(value))
        if is_empty(value):
            return 0.0
        a, b = normalise(value), normalise(expected)
        return float(a == b or _sequence_ratio(a, b) >= 0.97)
    raise ValueError(f"unknown field {name!r}")


def load_predictions(paths: Iterable[Path]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in paths:
        path = Path(path)
        if path.suffix == ".jsonl":
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        else:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows += list(csv.DictReader(handle))
    return rows


@dataclass(frozen=True)
class Pairing:
    gold_index: int
    predicted_index: int


def pair_records(gold: Sequence[Mapping[str, object]], predicted: Sequence[Mapping[str, object]]) -> list[Pairing]:
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            score = similarity(g.get("action"), p.get("action"))
            if score >= MATCH_THRESHOLD:
                if g.get("ref") and not is_empty(p.get("ref")) and normalise(g["ref"]) == normalise(p["ref"]):
                    score += 0.05
                candidates.append((score, i, j))
    candidates.sort(reverse=True)
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_predicted:
            used_gold.add(i)
            used_predicted.add(j)
            pairs.append(Pairing(i, j))
    return pairs


def evaluate(gold_dir: Path, prediction_paths: Sequence[Path], documents: set[str] | None = None) -> EvaluationResult:
    """Record recall / precision / F1 and per-field accuracy, overall and per document."""
    gold = {
        path.stem: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for path in sorted(Path(gold_dir).glob("*.jsonl"))
        if not documents or path.stem in documents
    }
    predicted: dict[str, list[dict[str, object]]] = {name: [] for name in gold}
    for row in load_predictions(prediction_paths):
        source = str(row.get("document") or row.get("source") or row.get("doc") or "")
        name = next((name for name in gold if name in source), None)
        if name:
            predicted[name].append(row)
    totals = {"gold": 0, "pred": 0, "matched": 0}
    field_totals = {name: [0.0, 0] for name in FIELDS}
    per_document: dict[str, DocumentResult] = {}
    for name, records in gold.items():
        pairs = pair_records(records, predicted[name])
        document_fields = {field: [0.0, 0] for field in FIELDS}
        for pair in pairs:
            for field in FIELDS:
                if field in records[pair.gold_index]:
                    score = field_score(field, records[pair.gold_index], predicted[name][pair.predicted_index])
                    document_fields[field][0] += score
                    document_fields[field][1] += 1
                    field_totals[field][0] += score
                    field_totals[field][1] += 1
        totals["gold"] += len(records)
        totals["pred"] += len(predicted[name])
        totals["matched"] += len(pairs)
        per_document[name] = {
            "gold": len(records),
            "pred": len(predicted[name]),
            "matched": len(pairs),
            "fields": {f: round(s / n, 3) for f, (s, n) in document_fields.items() if n},
        }
    recall = totals["matched"] / totals["gold"] if totals["gold"] else 0.0
    precision = totals["matched"] / totals["pred"] if totals["pred"] else 0.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    fields = {f: round(s / n, 3) for f, (s, n) in field_totals.items() if n}
    accuracy = round(sum(fields.values()) / len(fields), 3) if fields else 0.0
    return {
        "docs": per_document,
        "fields": fields,
        "records": totals,
        "recall": round(recall, 3),
        "precision": round(precision, 3),
        "f1": round(f1, 3),
        "field_accuracy": accuracy,
        "score": round(round(f1, 3) * accuracy, 3),
    }


def format_result(result: EvaluationResult) -> str:
    lines = [
        f"records: recall {result['recall']}  precision {result['precision']}  F1 {result['f1']}  "
        f"(gold {result['records']['gold']}, predicted {result['records']['pred']}, matched {result['records']['matched']})",
        "fields:  " + "  ".join(f"{name} {value}" for name, value in result["fields"].items()),
        f"field accuracy {result['field_accuracy']}  score {result['score']}",
    ]
    for name, document in result["docs"].items():
        lines.append(
            f"  {name}: gold {document['gold']} predicted {document['pred']} matched {document['matched']}  "
            + " ".join(f"{f}={v}" for f, v in document["fields"].items())
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- rendering against source

RENDERING_FIELDS = ("ref", "area", "action", *FIELDS[2:])
"""Fields compared when a rendering of a plan is scored against the plan's own text export."""


def actions_as_gold(actions: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """Dataset action rows (``start_date``/``due_date`` columns) as gold records, every field
    present: the actions read from a plan's text export become the yardstick of a rendering."""
    records = []
    for action in actions:
        record = {name: action.get(PREDICTED_COLUMN.get(name, name)) for name in RENDERING_FIELDS}
        records.append({name: None if is_empty(value) else value for name, value in record.items()})
    return records


def compare_records(
    gold: Sequence[Mapping[str, object]], predicted: Sequence[Mapping[str, object]]
) -> dict[str, object]:
    """Record recall / precision / F1 and per-field accuracy of ``predicted`` against
    ``gold``, paired as :func:`evaluate` pairs them; ``action`` scores 1 when the normalised
    texts are equal. Field accuracy is the mean over :data:`RENDERING_FIELDS`."""
    pairs = pair_records(gold, predicted)
    sums = {name: 0.0 for name in RENDERING_FIELDS}
    for pair in pairs:
        expected, got = gold[pair.gold_index], predicted[pair.predicted_index]
        for name in RENDERING_FIELDS:
            if name == "action":
                sums[name] += float(normalise(expected.get("action")) == normalise(got.get("action")))
            else:
                sums[name] += field_score(name, expected, got)
    recall = len(pairs) / len(gold) if gold else 1.0
    precision = len(pairs) / len(predicted) if predicted else float(not gold)
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    fields = {name: round(total / len(pairs), 3) if pairs else 0.0 for name, total in sums.items()}
    return {
        "gold": len(gold),
        "pred": len(predicted),
        "matched": len(pairs),
        "recall": round(recall, 3),
        "precision": round(precision, 3),
        "f1": round(f1, 3),
        "fields": fields,
        "field_accuracy": round(sum(fields.values()) / len(fields), 3),
    }
