"""Train the learned target-sentiment model and write it as JSON (needs the `train` extra:
scikit-learn, scipy). `make sentiment-model` runs:

    python -m newslens.analysis.sentiment.train --data ../shared/newsmtsc/train.jsonl \\
        --extra ../shared/sentiment/aspect-data --war-labels bench/war_mentions_labels.csv \\
        --war-corpus ../shared/devcorpus/articles --war-corpus ../shared/devcorpus2/articles \\
        --clusters lib/newslens/models/word_clusters.json \\
        --out lib/newslens/models/target_sentiment.json

Training rows: NewsMTSC (weight 1), the other domains' target-sentiment data in NewsMTSC's
JSON shape (`--extra`: every *.jsonl of a folder, weight `EXTRA_WEIGHT`) and the war-news labels
of `split=train` (`--war-labels` with the dev corpora they point into, weight `WAR_WEIGHT`;
`split=validation` rows are never read here). Both weights were chosen by grouped 5-fold CV
(docs/sentiment-model.md). `--clusters` adds word-cluster features (`wordclusters`, `make
word-clusters`); the model records the cluster file's SHA-256 and refuses another at run time.

Features come from `newslens.analysis.sentiment.model.batch_features` (the same code scores at
run time). The model is a multinomial logistic regression (L2, lbfgs, single thread, sample
weights); (word, slot) columns seen in fewer than `MIN_DF` training targets are dropped.
Cross-validation is 5-fold, stratified and grouped by article (the `primary_gid` prefix before
the sentence number), over NewsMTSC only: the extra rows are added to every training fold and
never tested. Weights are stored as integers (x SCALE): the file is byte-identical for the same
data, code and library versions.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

from newslens.analysis.sentiment import features as F
from newslens.analysis.sentiment import model as T
from newslens.analysis.sentiment import wordclusters as WC
from newslens.analysis.sentiment.tokens import MAX_WORD, Vocabulary, token_words, tokenize_batch

GOLD = {2: 0, 4: 1, 6: 2}  # NewsMTSC polarity -> class index (negative, neutral, positive)
LABEL_INDEX = {c: k for k, c in enumerate(T.CLASSES)}
C = 0.1  # NewsMTSC CV (priors x4): 0.3 -> 0.660, 0.15 -> 0.665, 0.1 -> 0.666
MIN_DF = 2
SEED = 0
FOLDS = 5
SCALE = 10000
EXTRA_WEIGHT = 0.1  # NewsMTSC CV 0.662 without, 0.661 at 0.1, 0.657 at 0.3, 0.647 at 0.6
# War-train CV (C 0.05 / 0.1): weight 3 0.480 / -, 10 0.515 / 0.518, 30 0.535 / 0.520; NewsMTSC
# CV with them (C 0.1): 0.658 at 10, 0.654 at 30. 10 keeps both above the issue-12 model.
WAR_WEIGHT = 10.0
# allsides_<article>_<story>_<sentence>_..., polusa_v1_<article>_-1_<sentence>_...
_ARTICLE = re.compile(r"^(allsides_\d+_\d+|polusa_v1_\d+_-?\d+)_\d+_")


def article_group(gid: str) -> str:
    """The article part of a NewsMTSC `primary_gid` (the id minus sentence and target parts).

    Unknown id shapes fall back to the id without its last ``_<number>`` part."""
    m = _ARTICLE.match(gid)
    if m:
        return m.group(1)
    head, sep, tail = gid.rpartition("_")
    return head if sep and tail.isdigit() else gid


def load_newsmtsc(path: str | Path, group_prefix: str = "") -> list[tuple[str, int, int, int, str]]:
    """(sentence, from, to, class index, article group) per target; errors name file and line.

    A `primary_gid` of "-1" (data without article ids) makes each line its own group."""
    path = Path(path)
    if not path.is_file():
        raise SystemExit(f"{path}: no such file (NewsMTSC-format JSONL expected)")
    items = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                sent, gid = row["sentence_normalized"], str(row["primary_gid"])
                group = group_prefix + (f"line{n}" if gid == "-1" else article_group(gid))
                for t in row["targets"]:
                    items.append((sent, int(t["from"]), int(t["to"]), GOLD[int(t["polarity"])],
                                  group))
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"{path}:{n}: not a NewsMTSC target line ({exc!r})") from None
    if not items:
        raise SystemExit(f"{path}: no targets found")
    return items


def load_extra(folder: str | Path) -> list[tuple[str, int, int, int, str]]:
    """Targets of every *.jsonl file of `folder` (NewsMTSC's shape), files in name order."""
    files = sorted(Path(folder).glob("*.jsonl"))
    if not files:
        raise SystemExit(f"{folder}: no *.jsonl files of extra target-sentiment data")
    return [it for f in files for it in load_newsmtsc(f, group_prefix=f"{f.stem}:")]


# ---------------------------------------------------------------- war-news labels


def raw_offsets(raw: str, clean: str, a: int, b: int) -> tuple[int, int] | None:
    """The span raw[a:b] of the body as loaded, in the cleaned body (page furniture lines
    removed), or None when it lies in removed text."""
    if raw == clean:
        return a, b
    for block in difflib.SequenceMatcher(None, raw, clean, autojunk=False).get_matching_blocks():
        if block.a <= a and b <= block.a + block.size:
            return block.b + a - block.a, block.b + b - block.a
    return None


def read_war_labels(path: str | Path, split: str | None = None) -> list[dict]:
    """Rows of bench/war_mentions_labels.csv (file, article, offsets, label; no text), those of
    `split` only when given (rows without a split column are validation rows)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for n, r in enumerate(rows, 2):
        if r.get("label") not in LABEL_INDEX:
            raise SystemExit(f"{path}:{n}: label {r.get('label')!r} is not one of {T.CLASSES}")
        r["line"] = n
        r.setdefault("split", "validation")
        r["split"] = r["split"] or "validation"
    return [r for r in rows if split is None or r["split"] == split]


def war_items(rows: list[dict], corpora: list[Path]) -> tuple[list, list[dict], int]:
    """(items, rows kept, labels in removed page furniture) of labelled war-news mentions.

    Each label is found in the corpus folder that holds its file (`corpus` column when given:
    devcorpus / devcorpus2, the folder's parent name), its body offsets mapped to the cleaned
    body, its sentence found by offsets; group = the article (for grouped CV)."""
    from newslens.io.corpus import load_corpus
    from newslens.text.sentences import sentences as split_sentences

    items, kept, removed = [], [], 0
    for folder in corpora:
        name = folder.parent.name if folder.name == "articles" else folder.name
        mine = [r for r in rows if r.get("corpus", name) in (name, "")
                and (folder / r["file"]).is_file()]  # fmt: skip
        if not mine:
            continue
        arts = load_corpus(folder)
        sents = split_sentences(arts)
        texts = {(r.article_id, f): getattr(r, f) for r in arts.itertuples()
                 for f in ("title", "text")}  # fmt: skip
        raw = {r.article_id: (r.raw_text, r.text) for r in arts.itertuples()}
        by_field = {k: g for k, g in sents.groupby(["article_id", "field"], sort=False)}
        for r in mine:
            a, b, key = int(r["start"]), int(r["end"]), (r["article_id"], r["field"])
            if key[1] == "text" and key[0] in raw:  # labels index the body as in the file
                span = raw_offsets(*raw[key[0]], a, b)
                if span is None:  # in lines the loader removes as page furniture
                    removed += 1
                    continue
                a, b = span
            g = by_field.get(key)
            hit = None if g is None else g[(g["start"] <= a) & (g["end"] >= b)]
            if hit is None or hit.empty or key not in texts:
                raise SystemExit(f"line {r['line']}: no sentence holds {key[0]} {key[1]} "
                                 f"{a}:{b} in {folder}")
            s0 = int(hit["start"].iloc[0])
            items.append((str(hit["text"].iloc[0]), a - s0, b - s0, LABEL_INDEX[r["label"]],
                          f"war:{name}:{key[0]}"))
            kept.append({**r, "sentence": int(hit["sentence"].iloc[0]), "start": a, "end": b})
    return items, kept, removed


# ---------------------------------------------------------------- design and fit


def vocabulary(items, clusters: dict[str, int] | None = None) -> list[str]:
    """The model's candidate features: the prior pseudo-words, the cluster pseudo-words of
    `clusters` (word -> id), then every normalised word of the training sentences, sorted."""
    tk = tokenize_batch(sorted({i[0] for i in items}), Vocabulary([]))
    words = {w for w in token_words(tk) if len(w) <= MAX_WORD}
    n_clusters = max((clusters or {}).values(), default=-1) + 1
    return (list(F.LEX_FEATURES) + [f"{F.CLUSTER_PREFIX}{k}" for k in range(n_clusters)]
            + sorted(words))  # fmt: skip


def design(items, features: list[str], clusters: dict[str, int] | None = None):
    """Sparse design matrix (CSR): role columns, then (feature, slot) columns."""
    from scipy import sparse

    tables = F.WordTables(features, clusters)
    X = F.batch_features([i[0] for i in items], [i[1] for i in items], [i[2] for i in items],
                         tables)  # fmt: skip
    shape = (len(items), F.n_columns(len(features)))
    M = sparse.csr_matrix((X.vals, (X.rows, X.cols)), shape=shape, dtype=np.float64)
    M.sum_duplicates()
    M.indices, M.indptr = M.indices.astype(np.int32), M.indptr.astype(np.int32)
    return M


def _kept_columns(X, rows, min_df: int) -> np.ndarray:
    """Role and prior columns plus the word columns present in at least `min_df` of `rows`."""
    fixed = F.n_columns(len(F.LEX_FEATURES))
    df = np.bincount(X[rows].indices, minlength=X.shape[1])
    keep = df >= min_df
    keep[:fixed] = True
    return np.flatnonzero(keep)


def _fit(X, y, c: float, weight=None):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, tol=1e-6).fit(X, y, sample_weight=weight)


def _weights(n_main: int, extra_sets) -> np.ndarray:
    return np.concatenate([np.ones(n_main)] + [np.full(len(it), w) for it, w in extra_sets])


def cross_validate(items, c: float = C, min_df: int = MIN_DF, seed: int = SEED, X=None,
                   extra=(), clusters: dict[str, int] | None = None):
    """Out-of-fold class probabilities of grouped, stratified 5-fold CV over `items`: (proba,
    y). `extra` = [(items, weight), ...] rows added to every training fold, never tested;
    `clusters` (word -> id) adds the word-cluster features.

    Data too small to stratify (a class with fewer targets than folds, e.g. a test fixture)
    gets plain grouped folds."""
    from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

    everything = list(items) + [it for its, _w in extra for it in its]
    X = design(everything, vocabulary(everything, clusters), clusters) if X is None else X
    n = len(items)
    y_all = np.array([i[3] for i in everything])
    w_all = _weights(n, extra)
    y = y_all[:n]
    groups = [i[4] for i in items]
    proba = np.zeros((n, len(T.CLASSES)))
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    if len(set(groups)) < 2:
        raise ValueError("cross-validation needs targets from at least two articles")
    if np.bincount(y, minlength=len(T.CLASSES)).min() < FOLDS:
        folds = GroupKFold(n_splits=min(FOLDS, len(set(groups))))
    for tr, te in folds.split(np.zeros(n), y, groups):
        tr = np.concatenate([tr, np.arange(n, len(everything))])
        keep = _kept_columns(X, tr, min_df)
        m = _fit(X[tr][:, keep], y_all[tr], c, w_all[tr])
        proba[np.ix_(te, m.classes_)] = m.predict_proba(X[te][:, keep])
    return proba, y


def macro_f1(y, pred) -> tuple[float, float]:
    """(macro-F1 over the three classes, accuracy)."""
    f1s = []
    for k in range(len(T.CLASSES)):
        tp = int(np.sum((y == k) & (pred == k)))
        fp = int(np.sum((y != k) & (pred == k)))
        fn = int(np.sum((y == k) & (pred != k)))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s)), float(np.mean(y == pred))


def train(items, c: float = C, min_df: int = MIN_DF, seed: int = SEED, cv: bool = True,
          extra=(), clusters: dict[str, int] | None = None) -> dict:
    """The model as a JSON-ready dict (weights x SCALE as integers), with its CV figures.
    `extra` = [(items, weight), ...]: more training rows, weighted; `clusters` (word -> id):
    word-cluster features (the model then needs the same cluster file at run time)."""
    import sklearn

    everything = list(items) + [it for its, _w in extra for it in its]
    features = vocabulary(everything, clusters)
    X = design(everything, features, clusters)
    y = np.array([i[3] for i in everything])
    w = _weights(len(items), extra)
    meta = {"n_targets": len(items), "n_articles": len({i[4] for i in items}),
            "extra_targets": [len(its) for its, _w in extra],
            "extra_weights": [wt for _its, wt in extra], "C": c, "min_df": min_df,
            "seed": seed, "folds": FOLDS,
            "model": "multinomial logistic regression (L2, lbfgs)",
            "scikit_learn": sklearn.__version__}  # fmt: skip
    if clusters:
        meta["cluster_scale"] = F.CLUSTER_SCALE
    if cv:
        proba, _ = cross_validate(items, c, min_df, seed, X, extra)
        f1, acc = macro_f1(y[:len(items)], proba.argmax(1))
        meta.update(cv_macro_f1=round(f1, 4), cv_accuracy=round(acc, 4))
    keep = _kept_columns(X, np.arange(len(everything)), min_df)
    m = _fit(X[:, keep], y, c, w)
    coef = np.zeros((X.shape[1], len(T.CLASSES)))
    coef[keep] = m.coef_.T
    role = coef[:F.N_ROLES]
    role[F.ROLE_NAMES.index("bias")] += m.intercept_
    f1, acc = macro_f1(y[:len(items)], m.predict(X[:len(items)][:, keep]))
    meta.update(train_macro_f1=round(f1, 4), train_accuracy=round(acc, 4))
    return _spec(features, coef[F.N_ROLES:], role, meta)


def _spec(features, coef, role, meta) -> dict:
    """Keep the (feature, slot) rows with a non-zero weight; re-index the features that have
    one (the prior pseudo-words always, in LEX_FEATURES order first)."""
    q = np.rint(coef * SCALE).astype(np.int64)
    nz = np.flatnonzero(np.abs(q).sum(1))
    used = sorted({int(c) // F.N_SLOTS for c in nz} | set(range(len(F.LEX_FEATURES))))
    new_id = {f: i for i, f in enumerate(used)}
    weights = [[new_id[int(c) // F.N_SLOTS], int(c) % F.N_SLOTS, *map(int, q[c])] for c in nz]
    return {
        "format": T.MODEL_FORMAT,
        "classes": list(T.CLASSES),
        "n_slots": F.N_SLOTS,
        "slots": [F.slot_name(s) for s in range(F.N_SLOTS)],
        "scale": SCALE,
        "role_names": F.ROLE_NAMES,
        "role_weights": np.rint(role * SCALE).astype(np.int64).tolist(),
        "features": [features[f] for f in used],
        "weights": weights,
        "training": meta,
    }


def write_model(spec: dict, path: str | Path) -> None:
    """Write the model JSON deterministically (fixed key order, one weight row per line)."""
    head = {k: v for k, v in spec.items() if k != "weights"}
    lines = [json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]]
    rows = ",\n".join(json.dumps(r, separators=(",", ":")) for r in spec["weights"])
    text = lines[0] + ',\n"weights":[\n' + rows + "\n]}\n"
    Path(path).write_text(text, encoding="utf-8")


def _sha(paths) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Train the learned target-sentiment model.")
    ap.add_argument("--data", required=True, type=Path, help="NewsMTSC train.jsonl")
    ap.add_argument("--out", required=True, type=Path, help="model JSON to write")
    ap.add_argument("--extra", type=Path, help="folder of other target-sentiment *.jsonl")
    ap.add_argument("--war-labels", type=Path, help="bench/war_mentions_labels.csv")
    ap.add_argument("--war-corpus", type=Path, action="append", default=[],
                    help="a dev corpus folder the war labels point into (repeatable)")
    ap.add_argument("--clusters", type=Path,
                    help="word-cluster file (make word-clusters) for cluster features")
    ap.add_argument("--no-cv", action="store_true", help="skip the grouped 5-fold CV")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    items = load_newsmtsc(args.data)
    extra, sources = [], [args.data]
    if args.extra:
        extra.append((load_extra(args.extra), EXTRA_WEIGHT))
        sources += sorted(args.extra.glob("*.jsonl"))
    if args.war_labels:
        rows = read_war_labels(args.war_labels, split="train")
        war, _kept, _removed = war_items(rows, args.war_corpus)
        if war:
            extra.append((war, WAR_WEIGHT))
            sources.append(args.war_labels)
    clusters = None
    if args.clusters:
        clusters = WC.read_clusters(args.clusters)
        if not clusters:
            raise SystemExit(f"{args.clusters}: no such word-cluster file (make word-clusters)")
    spec = train(items, cv=not args.no_cv, extra=extra, clusters=clusters)
    spec["training"]["data"] = [p.name for p in sources]
    spec["training"]["data_sha256"] = _sha(sources)
    if clusters:
        spec["training"]["word_clusters"] = args.clusters.name
        spec["training"]["word_clusters_sha256"] = _sha([args.clusters])
    write_model(spec, args.out)
    meta = spec["training"]
    print(f"{args.out}: {len(spec['features'])} features, {len(spec['weights'])} weight rows, "
          f"{args.out.stat().st_size / 1e6:.2f} MB; grouped {FOLDS}-fold CV macro-F1 "
          f"{meta.get('cv_macro_f1', 'n/a')}, train macro-F1 {meta['train_macro_f1']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
