"""Word clusters learned here from unlabelled text, so that words the sentiment model never saw
in a labelled sentence share weights with words it did see.

`build` (training time: scipy, scikit-learn) reads plain sentences, counts word co-occurrences
in a +-WINDOW token window (harmonic weights 1/d), turns them into positive PMI (context counts
smoothed by ** 0.75), reduces them by a truncated SVD (DIM dimensions, seeded) to unit vectors
and groups the words by seeded k-means into N_CLUSTERS clusters. Only the cluster id of each
word is kept: `lib/newslens/models/word_clusters.json` (package data, JSON, sorted; no vectors,
no text). `clusters()` reads it: word -> cluster id.

Text sources (read in place from ../shared, never copied; `make word-clusters`): NewsMTSC's
training sentences, PolNeAR's training articles, UD English-EWT's training sentences and the
SemEval-2014 / ACL-14 aspect-data sentences. The war-news dev corpora are not read.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newslens.analysis.sentiment.tokens import MAX_WORD, Vocabulary, token_words, tokenize_batch

WINDOW = 4
MIN_COUNT = 5
DIM = 100
N_CLUSTERS = 500
SEED = 0
CLUSTER_FILE = "word_clusters.json"


class ClusterError(RuntimeError):
    """The word-cluster file is missing or damaged."""


def cluster_path() -> Path:
    """The shipped cluster file (package data)."""
    return Path(str(resources.files("newslens") / "models" / CLUSTER_FILE))


def read_clusters(path: str | Path) -> dict[str, int]:
    """word -> cluster id of a cluster file; {} when there is none; errors name the file."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        out = {}
        for cid, words in enumerate(doc["clusters"]):
            for w in words:
                out[str(w)] = cid
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError) as exc:
        raise ClusterError(f"{path}: not a word-cluster file ({exc!r})") from None
    return out


@lru_cache(maxsize=1)
def clusters() -> dict[str, int]:
    """word -> cluster id, from the shipped cluster file (empty when there is none)."""
    return read_clusters(cluster_path())


# ---------------------------------------------------------------- reading the text sources


def _newsmtsc(path: Path) -> list[str]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(json.loads(line)["sentence_normalized"])
    return out


def _aspect(folder: Path) -> list[str]:
    return [s for f in sorted(folder.glob("*.jsonl")) for s in _newsmtsc(f)]


def _polnear(folder: Path) -> list[str]:
    """Paragraphs of every text file (headline first, paragraphs split by blank lines)."""
    out = []
    for f in sorted(folder.glob("*.txt")):
        out += [p.strip() for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return out


def _conllu(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line[len("# text = "):].strip() for line in fh if line.startswith("# text = ")]


READERS = {"newsmtsc": _newsmtsc, "aspect": _aspect, "polnear": _polnear, "conllu": _conllu}


def read_sources(sources: list[tuple[str, Path]]) -> list[str]:
    """Distinct sentences of the sources ((kind, path) with kind in READERS), sorted."""
    out: set[str] = set()
    for kind, path in sources:
        if not Path(path).exists():
            raise SystemExit(f"{path}: no such file or folder ({kind} text expected)")
        out.update(READERS[kind](Path(path)))
    return sorted(out)


# ---------------------------------------------------------------- vectors and clusters


def _token_ids(sentences: list[str], min_count: int
               ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(vocabulary sorted, word id per token or -1 when rarer than min_count, sentence of each
    token) of all sentences, tokens as the model reads them."""
    tk = tokenize_batch(sentences, Vocabulary([]))
    words = token_words(tk)
    uniq, inv, cnt = np.unique(np.asarray(words, dtype=object), return_inverse=True,
                               return_counts=True)  # fmt: skip
    keep = (cnt >= min_count) & np.array([len(w) <= MAX_WORD and any(c.isalpha() for c in w)
                                          for w in uniq])  # fmt: skip
    new = np.cumsum(keep) - 1
    ids = np.where(keep[inv], new[inv], -1)
    return [str(w) for w in uniq[keep]], ids, tk.sent


def vectors(sentences: list[str], dim: int = DIM, min_count: int = MIN_COUNT
            ) -> tuple[list[str], np.ndarray]:
    """(words seen >= min_count times, their unit row vectors) from PPMI of windowed
    co-occurrence (harmonic weights, context counts ** 0.75) and a seeded truncated SVD."""
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    vocab, ids, sent = _token_ids(sentences, min_count)
    n = len(vocab)
    rows, cols, vals = [], [], []
    for d in range(1, WINDOW + 1):
        a, b = ids[:-d], ids[d:]
        ok = (a >= 0) & (b >= 0) & (sent[:-d] == sent[d:])
        for x, y in ((a[ok], b[ok]), (b[ok], a[ok])):
            rows.append(x)
            cols.append(y)
            vals.append(np.full(len(x), 1.0 / d))
    M = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(n, n))  # fmt: skip
    M.sum_duplicates()
    total = M.sum()
    row = np.asarray(M.sum(1)).ravel()
    ctx = np.asarray(M.sum(0)).ravel() ** 0.75
    ctx /= ctx.sum()
    M = M.tocoo()
    pmi = np.log(M.data / total / (row[M.row] / total) / ctx[M.col])
    keep = pmi > 0
    P = sparse.csr_matrix((pmi[keep], (M.row[keep], M.col[keep])), shape=(n, n))
    U, S, _ = randomized_svd(P, min(dim, n - 1), n_iter=7, random_state=SEED)
    V = U * np.sqrt(S)
    V /= np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-12)
    return vocab, V


def cluster_words(vocab: list[str], V: np.ndarray, k: int = N_CLUSTERS) -> list[list[str]]:
    """Seeded k-means of the word vectors; clusters renumbered by their first word (sorted), so
    the file depends on the grouping only, not on k-means' numbering."""
    from sklearn.cluster import KMeans

    lab = KMeans(n_clusters=min(k, len(vocab)), n_init=3, random_state=SEED).fit_predict(V)
    groups: dict[int, list[str]] = {}
    for w, c in zip(vocab, lab.tolist()):
        groups.setdefault(c, []).append(w)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def write_clusters(groups: list[list[str]], path: Path, meta: dict) -> None:
    """The cluster file: one cluster (a sorted word list) per line, deterministic."""
    head = json.dumps({"format": 1, **meta}, ensure_ascii=False, separators=(",", ":"))[:-1]
    body = ",\n".join(json.dumps(g, ensure_ascii=False, separators=(",", ":")) for g in groups)
    Path(path).write_text(head + ',\n"clusters":[\n' + body + "\n]}\n", encoding="utf-8")


def main(argv=None) -> int:
    import argparse
    import os
    import sys

    ap = argparse.ArgumentParser(description="Learn word clusters from unlabelled text.")
    for kind in READERS:
        ap.add_argument(f"--{kind}", type=Path, action="append", default=[],
                        help=f"{kind} text source (repeatable)")
    ap.add_argument("--clusters", type=int, default=N_CLUSTERS)
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sources = [(k, p) for k in READERS for p in getattr(args, k)]
    sents = read_sources(sources)
    vocab, V = vectors(sents)
    groups = cluster_words(vocab, V, args.clusters)
    meta = {"sentences": len(sents), "words": len(vocab), "window": WINDOW,
            "min_count": MIN_COUNT, "dim": DIM, "clusters_k": args.clusters, "seed": SEED,
            "sources": [f"{k}:{p.name}" for k, p in sources]}  # fmt: skip
    write_clusters(groups, args.out, meta)
    print(f"{args.out}: {len(sents)} sentences, {len(vocab)} words, {len(groups)} clusters, "
          f"{args.out.stat().st_size / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
