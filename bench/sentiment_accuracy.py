"""Target-level sentiment accuracy of every scorer, its cost, and the issue-22 targets.

--data: a NewsMTSC-format JSONL file; each line {"primary_gid": str, "sentence_normalized":
str, "targets": [{"from": int, "to": int, "polarity": 2|4|6}]} (2 negative, 4 neutral,
6 positive). Prints macro-F1 and accuracy of whole-sentence TextBlob and VADER, the
target-scoped lexicon scorers and the learned model: grouped 5-fold cross-validation by
article for the learned model (retrained per fold; needs the `train` extra), the same folds
pooled for the rules (nothing is fitted, so their CV and all-data figures are equal), and the
shipped model on the whole file ("train", optimistic). Also the sentences whose targets differ
in polarity, and microseconds per target (cold caches, one process).

--war-corpus (repeatable): the dev corpus folders; scores the hand-labelled mentions of
bench/war_mentions_labels.csv (file, article, offsets, label, corpus, split; no text) with
every scorer, the validation rows (never trained on) and the training rows apart.

--stage-articles N: CPU ms per article of the sentence_sentiment and mention_sentiment stages
on N generated articles (bench/corpus.py; sentences, mentions and statements computed first).

--check-model: retrain twice with `make sentiment-model`'s data (--data, --extra, the war labels
and corpora, the shipped word-cluster file when the shipped model uses it) and compare the
bytes with each other and with the shipped model.

    python bench/sentiment_accuracy.py --data ../shared/newsmtsc/train.jsonl \
        --extra ../shared/sentiment/aspect-data --war-corpus ../shared/devcorpus/articles \
        --war-corpus ../shared/devcorpus2/articles --stage-articles 300 --check-model
"""

from __future__ import annotations

import argparse
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
from newslens.analysis.sentiment import wordclusters as WC

LABELS = T.CLASSES
LABELS_CSV = Path(__file__).resolve().parent / "war_mentions_labels.csv"
TARGET_CV, TARGET_US, TARGET_WAR, TARGET_STAGE_MS = 0.70, 15.0, 0.62, 1.2


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


def predictions(items, cv: bool, extra=()):
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
            cv_lab = _learned_cv(items, extra) if cv else None
        out[name] = (lab, cv_lab, us)
    return out


def _uses_clusters() -> bool:
    """True when the shipped model was trained with the shipped word clusters."""
    return bool(T.load_model().meta.get("word_clusters_sha256"))


def _learned_cv(items, extra=()):
    clusters = WC.clusters() if _uses_clusters() else None
    try:
        proba, _ = TT.cross_validate(items, extra=extra, clusters=clusters)
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


def war_check(corpora: list[Path]) -> dict[str, float]:
    """macro-F1 of every scorer on the labelled war-news mentions: validation rows (printed and
    returned by scorer name) and training rows (the learned model has seen them).

    Each labelled span is scored where it is (its sentence found by offsets, body offsets mapped
    to the cleaned body), whatever the current actor rules detect."""
    out = {}
    for split in ("validation", "train"):
        rows = TT.read_war_labels(LABELS_CSV, split)
        if not rows:
            continue
        items, _kept, removed = TT.war_items(rows, corpora)
        gold = [LABELS[i[3]] for i in items]
        seen = " (the learned model is trained on these)" if split == "train" else ""
        print(f"\nWar-news mentions, {split} (n={len(items)}, {LABELS_CSV.name}; "
              f"{', '.join(f'{c} {gold.count(c)}' for c in LABELS)}; {removed} labels left out: "
              f"in lines removed as page furniture){seen}")
        print(f"{'method':32s} {'macro-F1':>8s} {'accuracy':>8s}")
        sents, a, b = [i[0] for i in items], [i[1] for i in items], [i[2] for i in items]
        for scorer in S.SCORERS:
            f1, acc = macro_f1(gold, SS.score_targets(sents, a, b, scorer)["label"])
            if split == "validation":
                out[scorer] = f1
            print(f"{scorer:32s} {f1:8.3f} {acc:8.3f}")
    return out


def stage_cost(n: int) -> dict[str, float]:
    """CPU ms per article of sentence_sentiment and mention_sentiment on n generated articles
    (the best of three runs, score caches cleared; inputs computed first)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus
    from newslens.analysis.attribution import statements
    from newslens.text.actors import actor_mentions
    from newslens.text.sentences import sentences

    arts = corpus.generate(n)
    sents = sentences(arts)
    ments = actor_mentions(arts, sents)
    stm = statements(sents, ments)
    first = sents["article_id"] == arts["article_id"].iloc[0]
    SS.mention_sentiment(sents[first], ments[ments["article_id"] == arts["article_id"].iloc[0]],
                         stm)  # loads the model and lexicons  # fmt: skip
    out = {}
    for name, run in (("sentence_sentiment", lambda: SS.sentence_sentiment(sents)),
                      ("mention_sentiment", lambda: SS.mention_sentiment(sents, ments, stm))):
        best = float("inf")
        for _ in range(3):
            S._MEMO.clear()
            t0 = time.process_time()
            run()
            best = min(best, time.process_time() - t0)
        out[name] = best / n * 1e3
    print(f"\nStages on {n} generated articles ({len(sents)} sentences, {len(ments)} mentions), "
          "CPU ms per article (best of 3): " + ", ".join(f"{k} {v:.2f}" for k, v in out.items()))
    return out


def check_model(args) -> bool:
    """Retrain twice; True when both runs and the shipped model are byte-identical."""
    shipped = resources.files("newslens").joinpath(*T.MODEL_RESOURCE[1:]).read_bytes()
    train_args = ["--data", str(args.data)]
    if args.extra:
        train_args += ["--extra", str(args.extra)]
    if args.war_corpus:
        train_args += ["--war-labels", str(LABELS_CSV)]
        for c in args.war_corpus:
            train_args += ["--war-corpus", str(c)]
    if _uses_clusters():
        train_args += ["--clusters", str(WC.cluster_path())]
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for k in range(2):
            path = Path(tmp) / f"model{k}.json"
            TT.main([*train_args, "--out", str(path)])
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
    ap.add_argument("--extra", type=Path, help="folder of other target-sentiment *.jsonl "
                    "(added to the learned model's training folds, as in make sentiment-model)")
    ap.add_argument("--war-corpus", type=Path, action="append", default=[],
                    help="dev corpus folder the war labels point into (repeatable)")
    ap.add_argument("--no-cv", action="store_true", help="skip the learned model's grouped CV")
    ap.add_argument("--stage-articles", type=int, default=0,
                    help="time the two sentiment stages on this many generated articles")
    ap.add_argument("--check-model", action="store_true", help="retrain twice, compare bytes")
    args = ap.parse_args(argv)
    items = TT.load_newsmtsc(args.data)
    extra = []
    if args.extra:
        extra.append((TT.load_extra(args.extra), TT.EXTRA_WEIGHT))
    if args.war_corpus:
        war, _kept, _removed = TT.war_items(TT.read_war_labels(LABELS_CSV, "train"),
                                            args.war_corpus)  # fmt: skip
        if war:
            extra.append((war, TT.WAR_WEIGHT))
    preds = predictions(items, cv=not args.no_cv, extra=extra)
    n_art = len({i[4] for i in items})
    print(table(items, preds, f"All targets in {args.data.name} (n={len(items)} targets, "
                              f"{n_art} articles; CV = grouped 5-fold by article"
                              + (", extra training rows in every fold" if extra else "") + ")"))
    by_sent: dict[str, set[int]] = {}
    for s, _a, _b, g, _grp in items:
        by_sent.setdefault(s, set()).add(g)
    idx = [k for k, it in enumerate(items) if len(by_sent[it[0]]) > 1]
    if idx:
        print()
        print(table([items[k] for k in idx], _subset(preds, idx),
                    f"Sentences whose targets differ in polarity (n={len(idx)} targets)"))
    war = war_check(args.war_corpus) if args.war_corpus else None
    stages = stage_cost(args.stage_articles) if args.stage_articles else None
    same = check_model(args) if args.check_model else None
    _print_targets(items, preds, war, stages, same)
    return 0


def _print_targets(items, preds, war, stages, same) -> None:
    name = next(m for m in preds if m.endswith("(default)"))
    gold = [LABELS[i[3]] for i in items]
    cv_lab, us = preds[name][1], preds[name][2]
    print("\nTargets (issue 22)")
    if cv_lab is not None:
        f1 = macro_f1(gold, cv_lab)[0]
        print(f"{_met(f1 >= TARGET_CV)} default scorer grouped-CV macro-F1 >= {TARGET_CV}: "
              f"{f1:.3f}")
    print(f"{_met(us <= TARGET_US)} default scorer cost <= {TARGET_US:.0f} us per target: "
          f"{us:.1f} us (CPU time, cold caches, one core)")
    if war:
        best = max(v for k, v in war.items() if k != "learned")
        print(f"{_met(war['learned'] >= TARGET_WAR)} war-news validation macro-F1 >= "
              f"{TARGET_WAR}: {war['learned']:.3f}")
        print(f"{_met(war['learned'] > best)} learned ahead of every lexicon scorer on the "
              f"war-news validation labels: {war['learned']:.3f} vs best lexicon {best:.3f}")
    if stages:
        ms = stages["mention_sentiment"]
        print(f"{_met(ms <= TARGET_STAGE_MS)} mention_sentiment <= {TARGET_STAGE_MS} ms CPU per "
              f"article: {ms:.2f} ms (generated articles; bench/run.py gives the per-stage table)")
    if same is not None:
        print(f"{_met(same)} make sentiment-model regenerates the shipped model byte-identically")


if __name__ == "__main__":
    sys.exit(main())
