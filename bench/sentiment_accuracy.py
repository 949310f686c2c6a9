"""Target-level sentiment accuracy of every scorer, its cost, and the issue-12 targets.

--data: a NewsMTSC-format JSONL file; each line {"primary_gid": str, "sentence_normalized":
str, "targets": [{"from": int, "to": int, "polarity": 2|4|6}]} (2 negative, 4 neutral,
6 positive). Prints macro-F1 and accuracy of whole-sentence TextBlob and VADER, the
target-scoped lexicon scorers and the learned model: grouped 5-fold cross-validation by
article for the learned model (retrained per fold; needs the `train` extra), the same folds
pooled for the rules (nothing is fitted, so their CV and all-data figures are equal), and the
shipped model on the whole file ("train", optimistic). Also the sentences whose targets differ
in polarity, and microseconds per target (cold caches, one process).

--war-corpus: the dev corpus folder; scores the hand-labelled mentions of
bench/war_mentions_labels.csv (file, article, offsets, label; no text) with every scorer.

--check-model: retrain twice from --data and compare the bytes with each other and with the
shipped model (the `make sentiment-model` determinism check).

    python bench/sentiment_accuracy.py --data ../shared/newsmtsc/train.jsonl \
        --war-corpus ../shared/devcorpus/articles --check-model
"""

from __future__ import annotations

import argparse
import csv
import difflib
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import numpy as np
from newslens.analysis import sentiment as SS
from newslens.analysis.sentiment import lexicons as S
from newslens.analysis.sentiment import model as T
from newslens.analysis.sentiment import train as TT

LABELS = T.CLASSES
LABELS_CSV = Path(__file__).resolve().parent / "war_mentions_labels.csv"
TARGET_CV, TARGET_US = 0.68, 50.0


def macro_f1(gold, pred) -> tuple[float, float]:
    """(macro-F1 over the three classes, accuracy) of label strings."""
    idx = {c: k for k, c in enumerate(LABELS)}
    return TT.macro_f1(np.array([idx[g] for g in gold]), np.array([idx[p] for p in pred]))


def _timed_targets(items, scorer):
    """score_targets on every item with cold caches: (labels, CPU microseconds per target).

    One invented sentence is scored first, so loading the model and lexicons (once per process)
    is not counted; the score caches are then cleared. CPU time of this process, so the figure
    holds on a shared machine (wall time is printed to stderr)."""
    SS.score_targets(["The delegation met the envoy on Monday."], [4], [14], scorer)
    S._MEMO.clear()
    sents, starts, ends = [i[0] for i in items], [i[1] for i in items], [i[2] for i in items]
    t0, w0 = time.process_time(), time.perf_counter()
    r = SS.score_targets(sents, starts, ends, scorer)
    cpu, wall = time.process_time() - t0, time.perf_counter() - w0
    print(f"({scorer}: {wall / len(items) * 1e6:.1f} us per target wall time)", file=sys.stderr)
    return r["label"], cpu / len(items) * 1e6


def predictions(items, cv: bool):
    """{method: (all-data labels, CV labels or None, us per target or None)}."""
    sents = [i[0] for i in items]
    out = {}
    for scorer in S.LEXICON_SCORERS[:2]:
        pol, _ = S.score_texts(sents, scorer)
        lab = [S.label(p, scorer) for p in pol]
        out[f"sentence {scorer}"] = (lab, lab, None)
    for scorer in S.SCORERS:
        lab, us = _timed_targets(items, scorer)
        name = scorer if scorer == "learned" else f"target-scoped {scorer}"
        name += " (default)" if scorer == S.DEFAULT_TARGET_SCORER else ""
        cv_lab = lab
        if scorer == "learned":
            cv_lab = _learned_cv(items) if cv else None
        out[name] = (lab, cv_lab, us)
    return out


def _learned_cv(items):
    try:
        proba, _ = TT.cross_validate(items)
    except ImportError as exc:
        print(f"(no grouped CV for learned: {exc}; pip install -e '.[train]')", file=sys.stderr)
        return None
    except ValueError as exc:
        print(f"(no grouped CV for learned: {exc})", file=sys.stderr)
        return None
    return [LABELS[k] for k in proba.argmax(1)]


def table(items, preds, title: str) -> str:
    gold = [LABELS[i[3]] for i in items]
    head = (f"{'method':32s} {'CV macro-F1':>11s} {'CV acc':>7s} {'train F1':>8s} "
            f"{'train acc':>9s} {'us/target':>9s}")
    lines = [title, head]
    for name, (lab, cv_lab, us) in preds.items():
        f1, acc = macro_f1(gold, lab)
        cf1, cacc = macro_f1(gold, cv_lab) if cv_lab is not None else (float("nan"),) * 2
        cost = f"{us:9.1f}" if us is not None else f"{'':9s}"
        lines.append(f"{name:32s} {cf1:11.3f} {cacc:7.3f} {f1:8.3f} {acc:9.3f} {cost}")
    return "\n".join(lines)


def _subset(preds, idx):
    return {m: ([p[0][k] for k in idx], None if p[1] is None else [p[1][k] for k in idx], None)
            for m, p in preds.items()}  # fmt: skip


def raw_offsets(raw: str, clean: str, a: int, b: int) -> tuple[int, int] | None:
    """The span raw[a:b] of the body as loaded, in the cleaned body (page furniture lines
    removed), or None when it lies in removed text."""
    if raw == clean:
        return a, b
    for block in difflib.SequenceMatcher(None, raw, clean, autojunk=False).get_matching_blocks():
        if block.a <= a and b <= block.a + block.size:
            return block.b + a - block.a, block.b + b - block.a
    return None


def war_check(corpus: Path) -> dict[str, float]:
    """macro-F1 of every scorer on the labelled war-news mentions (printed; returned by name).

    Each labelled span is scored where it is (its sentence is found by offsets), whatever the
    current actor rules detect; the spans the mention table no longer has are counted."""
    import pandas as pd
    from newslens.analysis.sentiment import mention_sentiment
    from newslens.io.corpus import load_corpus
    from newslens.text.actors import actor_mentions
    from newslens.text.sentences import sentences as split_sentences

    with open(LABELS_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    arts = load_corpus(corpus)
    sents = split_sentences(arts)
    found = actor_mentions(arts, sents)
    have = set(zip(found["article_id"], found["field"], found["start"], found["end"]))
    texts = {(r.article_id, f): getattr(r, f) for r in arts.itertuples() for f in ("title", "text")}
    by_field = {k: g for k, g in sents.groupby(["article_id", "field"], sort=False)}
    raw = {r.article_id: (r.raw_text, r.text) for r in arts.itertuples()}
    mentions, kept, removed = [], [], 0
    for n, r in enumerate(rows, 2):
        a, b, key = int(r["start"]), int(r["end"]), (r["article_id"], r["field"])
        if key[1] == "text" and key[0] in raw:  # labels index the body as in the file
            span = raw_offsets(*raw[key[0]], a, b)
            if span is None:  # in lines the loader now removes as page furniture
                removed += 1
                continue
            a, b = span
        g = by_field.get(key)
        hit = None if g is None else g[(g["start"] <= a) & (g["end"] >= b)]
        if hit is None or hit.empty or key not in texts:
            raise SystemExit(f"{LABELS_CSV}:{n}: no sentence holds {r['article_id']} "
                             f"{r['field']} {a}:{b} in {corpus}")
        mentions.append({"article_id": key[0], "sentence": int(hit["sentence"].iloc[0]),
                         "start": a, "end": b, "text": texts[key][a:b], "field": key[1],
                         "actor_id": r["actor_id"], "actor": r["actor_id"]})  # fmt: skip
        kept.append(r)
    rows = kept
    sub = pd.DataFrame(mentions)
    missing = sum((m["article_id"], m["field"], m["start"], m["end"]) not in have
                  for m in mentions)  # fmt: skip
    gold = [r["label"] for r in rows]
    print(f"\nWar-news mentions (n={len(rows)}, {LABELS_CSV.name}; "
          f"{', '.join(f'{c} {gold.count(c)}' for c in LABELS)}; {missing} spans not in today's "
          "mention table, scored all the same; "
          f"{removed} labels left out: in lines removed as page furniture)")
    print(f"{'method':32s} {'macro-F1':>8s} {'accuracy':>8s}")
    out = {}
    for scorer in S.SCORERS:
        ms = mention_sentiment(sents, sub, statements=pd.DataFrame(), scorer=scorer)
        f1, acc = macro_f1(gold, ms["label"].tolist())
        out[scorer] = f1
        print(f"{scorer:32s} {f1:8.3f} {acc:8.3f}")
    return out


def check_model(data: Path) -> bool:
    """Retrain twice; True when both runs and the shipped model are byte-identical."""
    shipped = resources.files("newslens").joinpath(*T.MODEL_RESOURCE[1:]).read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for k in range(2):
            path = Path(tmp) / f"model{k}.json"
            TT.main(["--data", str(data), "--out", str(path)])
            outs.append(path.read_bytes())
    same = outs[0] == outs[1]
    print(f"retrained twice: {'byte-identical' if same else 'DIFFERENT'}; "
          f"shipped model {'identical' if outs[0] == shipped else 'DIFFERS'} "
          f"({len(shipped) / 1e6:.2f} MB)")
    return same and outs[0] == shipped


def _met(ok: bool) -> str:
    return "[met]    " if ok else "[NOT met]"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="NewsMTSC-format JSONL file")
    ap.add_argument("--war-corpus", type=Path, help="dev corpus folder (labelled mentions)")
    ap.add_argument("--no-cv", action="store_true", help="skip the learned model's grouped CV")
    ap.add_argument("--check-model", action="store_true", help="retrain twice, compare bytes")
    args = ap.parse_args(argv)
    items = TT.load_newsmtsc(args.data)
    preds = predictions(items, cv=not args.no_cv)
    n_art = len({i[4] for i in items})
    print(table(items, preds, f"All targets in {args.data.name} (n={len(items)} targets, "
                              f"{n_art} articles; CV = grouped 5-fold by article)"))
    by_sent: dict[str, set[int]] = {}
    for s, _a, _b, g, _grp in items:
        by_sent.setdefault(s, set()).add(g)
    idx = [k for k, it in enumerate(items) if len(by_sent[it[0]]) > 1]
    if idx:
        print()
        print(table([items[k] for k in idx], _subset(preds, idx),
                    f"Sentences whose targets differ in polarity (n={len(idx)} targets)"))
    war = war_check(args.war_corpus) if args.war_corpus else None
    same = check_model(args.data) if args.check_model else None
    name = next(m for m in preds if m.endswith("(default)"))
    gold = [LABELS[i[3]] for i in items]
    cv_lab, us = preds[name][1], preds[name][2]
    print("\nTargets (issue 12)")
    if cv_lab is not None:
        f1 = macro_f1(gold, cv_lab)[0]
        print(f"{_met(f1 >= TARGET_CV)} default scorer grouped-CV macro-F1 >= {TARGET_CV}: "
              f"{f1:.3f}")
    print(f"{_met(us <= TARGET_US)} default scorer cost <= {TARGET_US:.0f} us per target: "
          f"{us:.1f} us (CPU time, cold caches, one core)")
    if war:
        ok = war["learned"] > war["blend"]
        print(f"{_met(ok)} war-news mentions: learned ahead of blend: "
              f"{war['learned']:.3f} vs {war['blend']:.3f}")
    if same is not None:
        print(f"{_met(same)} make sentiment-model regenerates the shipped model byte-identically")
    return 0


if __name__ == "__main__":
    sys.exit(main())
