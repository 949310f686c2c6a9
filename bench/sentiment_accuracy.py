"""Target-level sentiment accuracy against a NewsMTSC-format JSONL file.

Each line: {"sentence_normalized": str, "targets": [{"from": int, "to": int, "polarity": 2|4|6}]}
(2 = negative, 4 = neutral, 6 = positive). Prints macro-F1 and accuracy for whole-sentence
TextBlob and VADER and for the library's target-scoped method with each scorer, on all targets
and on the sentences whose targets carry different polarities (where scoping must matter).

    python bench/sentiment_accuracy.py --data ../shared/newsmtsc/train.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from newslens.analysis import sentiment_scope as S

LABELS = ("negative", "neutral", "positive")
GOLD = {2: "negative", 4: "neutral", 6: "positive"}


def load(path: Path) -> list[tuple[str, int, int, str]]:
    """(sentence, from, to, gold label) per target; clear error naming the file and line."""
    items = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                sent = row["sentence_normalized"]
                for t in row["targets"]:
                    items.append((sent, int(t["from"]), int(t["to"]), GOLD[int(t["polarity"])]))
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"{path}:{n}: not a NewsMTSC target line ({exc!r})") from None
    if not items:
        raise SystemExit(f"{path}: no targets found")
    return items


def macro_f1(gold: list[str], pred: list[str]) -> tuple[float, float]:
    """(macro-F1 over the three classes, accuracy)."""
    f1s = []
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    return sum(f1s) / len(f1s), acc


def predictions(items) -> tuple[dict[str, list[str]], float]:
    """Labels per method, and the default method's cost per target in microseconds."""
    sents = [i[0] for i in items]
    out = {}
    for scorer in ("textblob", "vader"):
        pol, _ = S.score_texts(sents, scorer)
        out[f"sentence {scorer}"] = [S.label(p, scorer) for p in pol]
    cost = 0.0
    for scorer in S.SCORERS:
        t0 = time.perf_counter()
        r = S.score_targets(sents, [i[1] for i in items], [i[2] for i in items], scorer)
        dt = time.perf_counter() - t0
        name = f"target-scoped {scorer}"
        if scorer == S.DEFAULT_TARGET_SCORER:
            name += " (default)"
            cost = dt / len(items) * 1e6
        out[name] = [S.label(p, scorer) for p in r["polarity"]]
    return out, cost


def table(items, preds, title: str) -> str:
    gold = [i[3] for i in items]
    lines = [
        f"{title} (n={len(items)} targets)",
        f"{'method':38s} {'macro-F1':>8s} {'accuracy':>8s}",
    ]
    for name, pred in preds.items():
        f1, acc = macro_f1(gold, pred)
        lines.append(f"{name:38s} {f1:8.3f} {acc:8.3f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="NewsMTSC-format JSONL file")
    args = ap.parse_args(argv)
    if not args.data.is_file():
        raise SystemExit(f"{args.data}: no such file")
    items = load(args.data)
    preds, cost = predictions(items)
    print(table(items, preds, f"All targets in {args.data.name}"))
    by_sent: dict[str, set[str]] = {}
    for s, _a, _b, g in items:
        by_sent.setdefault(s, set()).add(g)
    idx = [k for k, it in enumerate(items) if len(by_sent[it[0]]) > 1]
    if idx:
        sub = [items[k] for k in idx]
        print()
        print(
            table(
                sub,
                {m: [p[k] for k in idx] for m, p in preds.items()},
                "Sentences whose targets differ in polarity",
            )
        )
    print(f"\ndefault target-scoped cost: {cost:.0f} us per target (window + score, cold cache)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
