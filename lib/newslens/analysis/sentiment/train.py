"""Train the learned target-sentiment model on NewsMTSC and write it as JSON (needs the `train`
extra: scikit-learn). `make sentiment-model` runs:

    python -m newslens.analysis.sentiment.train --data ../shared/newsmtsc/train.jsonl \
        --out lib/newslens/models/target_sentiment.json

Features come from `newslens.analysis.sentiment.model` (the same code scores at run time). The
model is a multinomial logistic regression (L2, lbfgs, single thread); word-slot features seen in
fewer than `MIN_DF` training targets are dropped. Cross-validation is 5-fold, stratified and
grouped by article (the `primary_gid` prefix before the sentence number), so sentences of one
article are never on both sides. Weights are stored as integers (x SCALE): the file is
byte-identical for the same data, code and library versions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

from newslens.analysis.sentiment import model as T

GOLD = {2: 0, 4: 1, 6: 2}  # NewsMTSC polarity -> class index (negative, neutral, positive)
C = 0.15
MIN_DF = 2
SEED = 0
FOLDS = 5
SCALE = 10000
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


def load_newsmtsc(path: str | Path) -> list[tuple[str, int, int, int, str]]:
    """(sentence, from, to, class index, article group) per target; errors name file and line."""
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
                sent, group = row["sentence_normalized"], article_group(str(row["primary_gid"]))
                for t in row["targets"]:
                    items.append((sent, int(t["from"]), int(t["to"]), GOLD[int(t["polarity"])],
                                  group))
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"{path}:{n}: not a NewsMTSC target line ({exc!r})") from None
    if not items:
        raise SystemExit(f"{path}: no targets found")
    return items


def design(items, words: list[str]):
    """Sparse design matrix: dense features first, then word-slot columns wid * N_SLOTS + slot."""
    from scipy import sparse

    tables = T.WordTables(words)
    nd = len(T.DENSE_NAMES)
    rows, cols, vals = [], [], []
    cache: dict[str, T.SentenceFeatures] = {}
    for r, (sent, a, b, *_rest) in enumerate(items):
        sf = cache.get(sent)
        if sf is None:
            sf = cache[sent] = T.SentenceFeatures(sent, tables)
        tok, slots, _lex, dense = T.target_features(sf, *sf.target_span(a, b))
        nz = np.flatnonzero(dense)
        rows += [r] * len(nz)
        cols += nz.tolist()
        vals += dense[nz].tolist()
        wid = np.repeat(sf.wid[tok], slots.shape[1])
        sl = slots.ravel()
        ok = (sl >= 0) & (wid >= 0)
        c = nd + wid[ok] * T.N_SLOTS + sl[ok]
        rows += [r] * len(c)
        cols += c.tolist()
        vals += [1.0] * len(c)
    shape = (len(items), nd + len(words) * T.N_SLOTS)
    X = sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)
    X.sum_duplicates()
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)
    return X


def vocabulary(items) -> list[str]:
    """Every normalised word of the training sentences, sorted."""
    from newslens.analysis.sentiment.lexicons import _norm, tokenize

    return sorted({_norm(t) for s in {i[0] for i in items} for t, _a, _b in tokenize(s)})


def _kept_columns(X, rows, min_df: int) -> np.ndarray:
    """Dense columns plus the word-slot columns present in at least `min_df` of `rows`."""
    nd = len(T.DENSE_NAMES)
    df = np.bincount(X[rows].indices, minlength=X.shape[1])
    keep = df >= min_df
    keep[:nd] = True
    return np.flatnonzero(keep)


def _fit(X, y, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, tol=1e-6).fit(X, y)


def cross_validate(items, c: float = C, min_df: int = MIN_DF, seed: int = SEED, X=None):
    """Out-of-fold class probabilities of grouped, stratified 5-fold CV: (proba, y).

    Data too small to stratify (a class with fewer targets than folds, e.g. a test fixture)
    gets plain grouped folds."""
    from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

    X = design(items, vocabulary(items)) if X is None else X
    y = np.array([i[3] for i in items])
    groups = [i[4] for i in items]
    proba = np.zeros((len(items), len(T.CLASSES)))
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    if len(set(groups)) < 2:
        raise ValueError("cross-validation needs targets from at least two articles")
    if np.bincount(y, minlength=len(T.CLASSES)).min() < FOLDS:
        folds = GroupKFold(n_splits=min(FOLDS, len(set(groups))))
    for tr, te in folds.split(np.zeros(len(y)), y, groups):
        keep = _kept_columns(X, tr, min_df)
        m = _fit(X[tr][:, keep], y[tr], c)
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


def train(items, c: float = C, min_df: int = MIN_DF, seed: int = SEED, cv: bool = True) -> dict:
    """The model as a JSON-ready dict (weights x SCALE as integers), with its CV figures."""
    import sklearn

    words = vocabulary(items)
    X = design(items, words)
    y = np.array([i[3] for i in items])
    meta = {"n_targets": len(items), "n_articles": len({i[4] for i in items}), "C": c,
            "min_df": min_df, "seed": seed, "folds": FOLDS, "model": "multinomial logistic "
            "regression (L2, lbfgs)", "scikit_learn": sklearn.__version__}  # fmt: skip
    if cv:
        proba, _ = cross_validate(items, c, min_df, seed, X)
        f1, acc = macro_f1(y, proba.argmax(1))
        meta.update(cv_macro_f1=round(f1, 4), cv_accuracy=round(acc, 4))
    keep = _kept_columns(X, np.arange(len(items)), min_df)
    m = _fit(X[:, keep], y, c)
    coef = np.zeros((X.shape[1], len(T.CLASSES)))
    coef[keep] = m.coef_.T
    nd = len(T.DENSE_NAMES)
    dense = coef[:nd]
    dense[T.DENSE_NAMES.index("bias")] += m.intercept_
    f1, acc = macro_f1(y, m.predict(X[:, keep]))
    meta.update(train_macro_f1=round(f1, 4), train_accuracy=round(acc, 4))
    return _spec(words, coef[nd:], dense, meta)


def _spec(words, word_coef, dense, meta) -> dict:
    """Keep the word-slot rows with a non-zero weight; re-index the words that have one."""
    q = np.rint(word_coef * SCALE).astype(np.int64)
    nz = np.flatnonzero(np.abs(q).sum(1))
    used = sorted({int(c) // T.N_SLOTS for c in nz})
    new_id = {w: i for i, w in enumerate(used)}
    weights = [[new_id[int(c) // T.N_SLOTS], int(c) % T.N_SLOTS, *map(int, q[c])] for c in nz]
    return {
        "format": T.MODEL_FORMAT,
        "classes": list(T.CLASSES),
        "n_slots": T.N_SLOTS,
        "slots": [T.slot_name(s) for s in range(T.N_SLOTS)],
        "scale": SCALE,
        "dense_names": T.DENSE_NAMES,
        "dense_weights": np.rint(dense * SCALE).astype(np.int64).tolist(),
        "words": [words[w] for w in used],
        "word_weights": weights,
        "training": meta,
    }


def write_model(spec: dict, path: str | Path) -> None:
    """Write the model JSON deterministically (fixed key order, one weight row per line)."""
    head = {k: v for k, v in spec.items() if k != "word_weights"}
    lines = [json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]]
    rows = ",\n".join(json.dumps(r, separators=(",", ":")) for r in spec["word_weights"])
    text = lines[0] + ',\n"word_weights":[\n' + rows + "\n]}\n"
    Path(path).write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Train the learned target-sentiment model.")
    ap.add_argument("--data", required=True, type=Path, help="NewsMTSC train.jsonl")
    ap.add_argument("--out", required=True, type=Path, help="model JSON to write")
    ap.add_argument("--no-cv", action="store_true", help="skip the grouped 5-fold CV")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    items = load_newsmtsc(args.data)
    spec = train(items, cv=not args.no_cv)
    spec["training"]["data"] = args.data.name
    spec["training"]["data_sha256"] = hashlib.sha256(args.data.read_bytes()).hexdigest()
    write_model(spec, args.out)
    meta = spec["training"]
    print(f"{args.out}: {len(spec['words'])} words, {len(spec['word_weights'])} word-slot rows, "
          f"{args.out.stat().st_size / 1e6:.2f} MB; grouped {FOLDS}-fold CV macro-F1 "
          f"{meta.get('cv_macro_f1', 'n/a')}, train macro-F1 {meta['train_macro_f1']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
