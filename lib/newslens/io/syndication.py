"""Syndicated and near-duplicate stories: articles whose bodies are near-duplicates share a story.

A wire story republished by a dozen outlets (another headline, a trailing "Read also" line, a
trimmed paragraph) is one story. `stories(articles)` gives every article a `story_id`; nothing
is dropped. Method, linear in the corpus size (a million articles is a few minutes on one core):

1. shingles: the body's overlapping word 5-grams (lower-cased words), hashed to 64 bits with a
   stable hash (same results in every process and run);
2. a 128-value MinHash signature per article by one-permutation hashing (each shingle hash
   falls in one of 128 bins, the bin keeps its smallest value; empty bins borrow from the
   next non-empty one), computed for thousands of articles at a time with NumPy;
3. locality-sensitive hashing: the signature cut into 32 bands of 4 values; articles sharing a
   band are candidates (a pair at Jaccard 0.5 shares a band with probability 0.87, at 0.6 0.99,
   at 0.7 > 0.9999; pairs near the background similarity of news text almost never do);
4. candidates whose signatures agree on at least `PREFILTER` of the values are verified
   exactly: the Jaccard similarity of their shingle sets must be at least `THRESHOLD` (0.5);
5. verified pairs are joined transitively into stories. The original of a story is its
   earliest-dated article (undated after dated; ties: the first loaded); the others are copies.

Bodies shorter than `MIN_WORDS` words are their own story (too short to call a copy).
`story_rows` keeps one article per story in any per-article table (`count="story"`), and
`syndication_table` lists every story with copies: outlets, dates, who republished whom.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

SHINGLE_WORDS = 5
THRESHOLD = 0.5
PREFILTER = 0.3
NUM_BINS = 128
BANDS, ROWS = 32, 4
MIN_WORDS = 20
COUNTS = ("story", "article")
_BATCH = 2048
_WORD = re.compile(r"\w+")
_MASK32 = np.uint64(0xFFFFFFFF)
_EMPTY = np.uint32(0xFFFFFFFF)
_rng = np.random.default_rng(20251)
_COEF = _rng.integers(1, 2**63, size=SHINGLE_WORDS, dtype=np.uint64) | np.uint64(1)
_BAND_COEF = _rng.integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)


class _Vocabulary(dict):
    """word -> stable 64-bit value (blake2b), computed once per distinct word."""

    def __missing__(self, word: str) -> int:
        value = int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"),
                                               digest_size=8).digest(), "little")
        self[word] = value
        return value


_VOCAB = _Vocabulary()


def _word_values(text: str) -> np.ndarray:
    words = _WORD.findall(text.lower())
    return np.fromiter(map(_VOCAB.__getitem__, words), dtype=np.uint64, count=len(words))


def shingle_hashes(text: str) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the word 5-grams of `text` (empty below 5 words)."""
    values = _word_values(text)
    n = len(values) - SHINGLE_WORDS + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = values[:n] * _COEF[0]
        for k in range(1, SHINGLE_WORDS):
            h = (h ^ (h >> np.uint64(29))) + values[k:k + n] * _COEF[k]
        h ^= h >> np.uint64(32)
        h *= np.uint64(0x9E3779B97F4A7C15)
    return np.unique(h)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted distinct hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


# ---- signatures ------------------------------------------------------------------------------

def _densify(sig: np.ndarray) -> np.ndarray:
    """Fill empty bins from the next non-empty bin to the right (circular), plus an offset per
    step, so that two articles with the same shingles fill them the same way."""
    out = sig.copy()
    empty = out == _EMPTY
    step = 0
    source = sig
    while empty.any() and step < NUM_BINS:
        step += 1
        source = np.roll(source, -1, axis=1)
        fill = empty & (source != _EMPTY)
        out[fill] = (source[fill].astype(np.uint64) + np.uint64(step * 0x9E3779B1)
                     ).astype(np.uint32) & _EMPTY - np.uint32(1)
        empty &= ~fill
    return out


def signatures(hash_sets: list[np.ndarray]) -> np.ndarray:
    """(articles x NUM_BINS) uint32 one-permutation MinHash signatures of shingle hash sets."""
    sig = np.full((len(hash_sets), NUM_BINS), _EMPTY, dtype=np.uint32)
    for start in range(0, len(hash_sets), _BATCH):
        part = hash_sets[start:start + _BATCH]
        sizes = np.fromiter((len(h) for h in part), dtype=np.int64, count=len(part))
        if sizes.sum() == 0:
            continue
        h = np.concatenate(part)
        doc = np.repeat(np.arange(len(part), dtype=np.int64), sizes)
        bins = (h >> np.uint64(57)).astype(np.int64)  # top 7 bits: one of 128 bins
        values = (h & _MASK32).astype(np.uint32) & (_EMPTY - np.uint32(1))
        block = np.full(len(part) * NUM_BINS, _EMPTY, dtype=np.uint32)
        np.minimum.at(block, doc * NUM_BINS + bins, values)
        sig[start:start + len(part)] = block.reshape(len(part), NUM_BINS)
    has = (sig != _EMPTY).any(axis=1)
    sig[has] = _densify(sig[has])
    return sig


# ---- candidates and pairs --------------------------------------------------------------------

def _bucket_pairs(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """(i, j) pairs of documents sharing a key: all pairs in small buckets; in a bucket of more
    than 64, each member with the first and the previous member (no quadratic blow-up)."""
    order = np.argsort(keys, kind="stable")
    keys, docs = keys[order], docs[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    pairs = []
    for start, size in zip(starts[sizes > 1], sizes[sizes > 1]):
        members = docs[start:start + size]
        if size <= 64:
            i, j = np.triu_indices(size, k=1)
            pairs.append(np.stack([members[i], members[j]], axis=1))
        else:
            pairs.append(np.stack([np.repeat(members[0], size - 1), members[1:]], axis=1))
            pairs.append(np.stack([members[:-1], members[1:]], axis=1))
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    return np.concatenate(pairs)


def candidate_pairs(sig: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Distinct (i < j) pairs of valid articles sharing at least one LSH band."""
    docs = np.flatnonzero(valid)
    if len(docs) < 2:
        return np.empty((0, 2), dtype=np.int64)
    found = []
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            cols = sig[docs, band * ROWS:(band + 1) * ROWS].astype(np.uint64)
            key = (cols * _BAND_COEF).sum(axis=1) + np.uint64(band)
            found.append(_bucket_pairs(key, docs))
    pairs = np.concatenate(found)
    if len(pairs) == 0:
        return pairs
    pairs = np.sort(pairs, axis=1)
    return np.unique(pairs, axis=0)


def near_duplicate_pairs(texts, threshold: float = THRESHOLD) -> list[tuple[int, int, float]]:
    """(i, j, Jaccard) for every pair of `texts` (positions) whose word-5-gram Jaccard
    similarity is at least `threshold` (found through MinHash LSH, verified exactly)."""
    texts = list(texts)
    hashes = [shingle_hashes(t) for t in texts]
    valid = np.array([len(_WORD.findall(t)) >= MIN_WORDS for t in texts], dtype=bool)
    sig = signatures(hashes)
    pairs = candidate_pairs(sig, valid)
    out = []
    for start in range(0, len(pairs), 1 << 16):
        chunk = pairs[start:start + (1 << 16)]
        agree = (sig[chunk[:, 0]] == sig[chunk[:, 1]]).mean(axis=1)
        for i, j in chunk[agree >= PREFILTER]:
            similarity = jaccard(hashes[i], hashes[j])
            if similarity >= threshold:
                out.append((int(i), int(j), similarity))
    return out


# ---- stories ---------------------------------------------------------------------------------

def _components(n: int, pairs) -> np.ndarray:
    """Connected-component label (smallest member position) of each of n items."""
    parent = np.arange(n)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for i, j, *_ in pairs:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([find(x) for x in range(n)])


def stories(articles: pd.DataFrame, threshold: float = THRESHOLD, texts=None) -> pd.DataFrame:
    """`story_id`, `is_copy`, `copy_of` for each article (same index as `articles`).

    `texts` (default: the `text` column) are the bodies compared. The original of a story is
    its earliest-dated article (undated ones after dated ones; ties: table order); `story_id` is
    the original's `article_id`, `copy_of` the original's id for copies and "" otherwise.
    """
    n = len(articles)
    texts = articles["text"].tolist() if texts is None else list(texts)
    group = _components(n, near_duplicate_pairs(texts, threshold))
    published = pd.to_datetime(articles["published"]) if "published" in articles else \
        pd.Series(pd.NaT, index=articles.index)
    order = pd.DataFrame({"group": group, "undated": published.isna().to_numpy(),
                          "published": published.to_numpy(), "position": np.arange(n)})
    order = order.sort_values(["group", "undated", "published", "position"], kind="stable")
    first = order.groupby("group", sort=False)["position"].first()
    ids = articles["article_id"].astype(str).to_numpy()
    original = first.reindex(group).to_numpy()
    story = ids[original]
    is_copy = original != np.arange(n)
    return pd.DataFrame({"story_id": story, "is_copy": is_copy,
                         "copy_of": np.where(is_copy, story, "")},
                        index=articles.index).astype({"story_id": "str", "copy_of": "str"})


def story_rows(table: pd.DataFrame, articles: pd.DataFrame | None, count: str = "story"
               ) -> pd.DataFrame:
    """Rows of a per-article `table` to count: all of them (`count="article"`), or only those of
    one article per story (`count="story"`: the story's first article in `articles`, which is
    the original when it is there). Without `articles` (or its `story_id`), every row counts."""
    if count not in COUNTS:
        raise ValueError(f"count={count!r}: choose 'story' (each story once) or 'article'")
    if (count == "article" or articles is None or "story_id" not in articles.columns
            or table is None or len(table) == 0 or "article_id" not in table.columns):
        return table
    ranked = articles.assign(_copy=articles["is_copy"].astype(bool)) \
        if "is_copy" in articles.columns else articles.assign(_copy=False)
    first = ranked.sort_values("_copy", kind="stable").drop_duplicates("story_id")
    keep = table["article_id"].isin(set(first["article_id"]))
    return table if keep.all() else table[keep.to_numpy()].reset_index(drop=True)


def syndication_table(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per article of every story that has copies: story, outlet, date, original or
    copy, and whom it republished (the original's outlet). Sorted by story, then date."""
    from newslens import schema

    if "story_id" not in articles.columns or len(articles) == 0:
        return schema.empty("syndication")
    sizes = articles.groupby("story_id")["article_id"].transform("size")
    multi = articles[sizes.to_numpy() > 1]
    if multi.empty:
        return schema.empty("syndication")
    originals = multi[~multi["is_copy"].astype(bool)].set_index("article_id")
    out = pd.DataFrame({
        "story_id": multi["story_id"].to_numpy(),
        "story_title": originals["title"].reindex(multi["story_id"]).to_numpy(),
        "article_id": multi["article_id"].to_numpy(),
        "title": multi["title"].to_numpy(),
        "source": multi["source"].to_numpy(),
        "published": multi["published"].to_numpy(),
        "is_copy": multi["is_copy"].astype(bool).to_numpy(),
        "republished_from": np.where(
            multi["is_copy"].astype(bool),
            originals["source"].reindex(multi["story_id"]).fillna("").to_numpy(), ""),
        "n_articles": sizes[sizes > 1].to_numpy(),
        "n_outlets": multi.groupby("story_id")["source"].transform("nunique").to_numpy(),
    })
    out = out.sort_values(["story_id", "is_copy", "published", "article_id"], kind="stable",
                          na_position="last")
    return schema.sort("syndication", schema.conform("syndication", out))
