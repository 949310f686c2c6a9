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
   earliest-dated article (undated after dated; ties: the first loaded); the others are copies;
6. outlet boilerplate: lines (paragraphs) that an outlet has in `BOILERPLATE_STORIES` or more
   of its stories as first grouped (its footer, "About us" block, standard disclaimer) are left
   out of both bodies of a pair involving that outlet, and the pair is verified again, so a long
   shared footer never joins two short stories of one outlet.

Bodies shorter than `MIN_WORDS` words are their own story (too short to call a copy).
`story_rows` keeps one article per story in any per-article table (`count="story"`), and
`syndication_table` lists every story with copies: outlets, dates, who republished whom.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHINGLE_WORDS = 5
THRESHOLD = 0.5
PREFILTER = 0.3
NUM_BINS = 128
BANDS, ROWS = 32, 4
MIN_WORDS = 20
MAX_REACH = 16
BOILERPLATE_STORIES = 2  # an outlet's line in this many of its stories is its boilerplate
COUNTS = ("story", "article")
_MASK32 = np.uint64(0xFFFFFFFF)
_EMPTY = np.uint32(0xFFFFFFFF)
_rng = np.random.default_rng(20251)
_COEF = _rng.integers(1, 2**63, size=SHINGLE_WORDS, dtype=np.uint64) | np.uint64(1)
_BAND_COEF = _rng.integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)


_P = np.uint64(0x100000001B3 * 2 + 1)  # odd: invertible modulo 2**64
_P_INV = np.uint64(pow(int(_P), -1, 2**64))
_BATCH_BYTES = 1 << 20


def _word_chars(b: np.ndarray) -> np.ndarray:
    """Which bytes (uint8) of UTF-8 text belong to words: ASCII letters, digits and '_', and
    non-ASCII characters except the punctuation of U+2000-U+203F (dashes, curly quotes,
    ellipsis) and U+00A0/U+00AB/U+00BB (no-break space, guillemets)."""
    folded = b | np.uint8(0x20)
    word = ((folded >= 97) & (folded <= 122)) | ((b >= 48) & (b <= 57)) | (b == 95) | (b >= 128)
    lead = np.flatnonzero((b[:-2] == 0xE2) & (b[1:-1] == 0x80))
    lead2 = np.flatnonzero((b[:-1] == 0xC2) & ((b[1:] == 0xA0) | (b[1:] == 0xAB)
                                                | (b[1:] == 0xBB)))
    for offset in range(3):
        word[lead + offset] = False
    for offset in range(2):
        word[lead2 + offset] = False
    return word


_POWERS: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(P**(k+1), P**-(k+1)) modulo 2**64 for k < n (computed once, grown when needed)."""
    if not _POWERS or len(_POWERS[0]) < n:
        size = max(n, _BATCH_BYTES + (1 << 16))
        with np.errstate(over="ignore"):
            _POWERS[:] = [np.cumprod(np.full(size, _P, dtype=np.uint64)),
                          np.cumprod(np.full(size, _P_INV, dtype=np.uint64))]
    return _POWERS[0][:n], _POWERS[1][:n]


def _shingles_of(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(shingle hashes, document position of each, words per document) for `texts`: every run
    of SHINGLE_WORDS consecutive words of one text (ASCII letters lower-cased), hashed to 64
    bits. Pure NumPy over the texts' UTF-8 bytes: the same text always gives the same hashes."""
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    b = np.frombuffer(b"\n".join(encoded) + b"\n", dtype=np.uint8)
    starts_doc = np.cumsum(lengths + 1) - lengths - 1
    word = _word_chars(b)
    lower = b + ((b >= 65) & (b <= 90)).view(np.uint8) * np.uint8(32)
    edge = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    w_start, w_end = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    power, inverse = _powers(len(b) + 1)
    with np.errstate(over="ignore"):
        prefix = np.empty(len(b) + 1, dtype=np.uint64)
        prefix[0] = 0
        np.cumsum(lower.astype(np.uint64) * power[:len(b)], out=prefix[1:])
        words = (prefix[w_end] - prefix[w_start]) * inverse[w_start]
        words ^= words >> np.uint64(31)
        words *= np.uint64(0x9E3779B97F4A7C15)
        doc = np.searchsorted(starts_doc, w_start, side="right") - 1
        n_words = np.bincount(doc, minlength=len(texts))
        n = len(words) - SHINGLE_WORDS + 1
        if n <= 0:
            return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64), n_words
        keep = doc[:n] == doc[SHINGLE_WORDS - 1:]
        h = words[:n] * _COEF[0]
        for k in range(1, SHINGLE_WORDS):
            h = (h ^ (h >> np.uint64(29))) + words[k:k + n] * _COEF[k]
        h ^= h >> np.uint64(32)
        h *= np.uint64(0x9E3779B97F4A7C15)
    return h[keep], doc[:n][keep], n_words


def shingle_hashes(text: str) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the word 5-grams of `text` (empty below 5 words)."""
    return np.unique(_shingles_of([text])[0])


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


def _batches(texts: list[str]):
    """Consecutive (start, stop) slices of `texts` of about _BATCH_BYTES characters each."""
    start, size = 0, 0
    for i, text in enumerate(texts):
        size += len(text) + 1
        if size >= _BATCH_BYTES:
            yield start, i + 1
            start, size = i + 1, 0
    if start < len(texts):
        yield start, len(texts)


def signatures(texts) -> tuple[np.ndarray, np.ndarray]:
    """((articles x NUM_BINS) uint32 one-permutation MinHash signatures of the texts' shingles,
    words per text); a text without a shingle has an all-empty row."""
    texts = list(texts)
    sig = np.full((len(texts), NUM_BINS), _EMPTY, dtype=np.uint32)
    n_words = np.zeros(len(texts), dtype=np.int64)
    for start, stop in _batches(texts):
        h, doc, n_words[start:stop] = _shingles_of(texts[start:stop])
        if len(h) == 0:
            continue
        bins = (h >> np.uint64(57)).astype(np.int64)  # top 7 bits: one of 128 bins
        values = (h & _MASK32).astype(np.uint32) & (_EMPTY - np.uint32(1))
        block = np.full((stop - start) * NUM_BINS, _EMPTY, dtype=np.uint32)
        np.minimum.at(block, doc * NUM_BINS + bins, values)
        sig[start:stop] = block.reshape(stop - start, NUM_BINS)
    has = (sig != _EMPTY).any(axis=1)
    sig[has] = _densify(sig[has])
    return sig, n_words


# ---- candidates and pairs --------------------------------------------------------------------

def _bucket_pairs(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """(i, j) pairs of documents sharing a key: every pair of a bucket of up to MAX_REACH + 1
    members; in a larger bucket each member with its MAX_REACH next ones (all stay connected,
    without a quadratic number of pairs)."""
    order = np.argsort(keys, kind="stable")
    keys, docs = keys[order], docs[order]
    found = []
    for offset in range(1, MAX_REACH + 1):
        same = np.flatnonzero(keys[offset:] == keys[:-offset])
        if len(same) == 0:
            break
        found.append(np.stack([docs[same], docs[same + offset]], axis=1))
    return np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)


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
    pairs = np.sort(np.concatenate(found), axis=1)
    codes = np.unique(pairs[:, 0] * np.int64(len(sig)) + pairs[:, 1])
    return np.stack([codes // len(sig), codes % len(sig)], axis=1)


def near_duplicate_pairs(texts, threshold: float = THRESHOLD) -> list[tuple[int, int, float]]:
    """(i, j, Jaccard) for every pair of `texts` (positions) whose word-5-gram Jaccard
    similarity is at least `threshold` (found through MinHash LSH, verified exactly)."""
    texts = list(texts)
    sig, n_words = signatures(texts)
    valid = n_words >= MIN_WORDS
    pairs = candidate_pairs(sig, valid)
    out = []
    hashes: dict[int, np.ndarray] = {}

    def shingles(i: int) -> np.ndarray:
        if i not in hashes:
            hashes[i] = shingle_hashes(texts[i])
        return hashes[i]

    for start in range(0, len(pairs), 1 << 16):
        chunk = pairs[start:start + (1 << 16)]
        agree = (sig[chunk[:, 0]] == sig[chunk[:, 1]]).mean(axis=1)
        for i, j in chunk[agree >= PREFILTER]:
            similarity = jaccard(shingles(int(i)), shingles(int(j)))
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


def _line_key(line: str) -> str:
    return " ".join(line.lower().split())


def _boilerplate_lines(pairs, texts: list[str], sources: list[str]) -> dict[str, set[str]]:
    """Per outlet of the paired articles, the lines (paragraphs, case and spacing ignored) of
    those articles that the outlet has in at least BOILERPLATE_STORIES different stories (as
    first grouped): its footer, "About us" block, standard disclaimer. Lines too short to make
    a shingle do not matter; articles without an outlet have none."""
    group = _components(len(texts), pairs)
    paired = sorted({k for i, j, *_ in pairs for k in (i, j) if sources[k]})
    wanted = {key for k in paired for key in map(_line_key, texts[k].split("\n"))
              if len(key.split()) >= SHINGLE_WORDS}
    outlets = {sources[k] for k in paired}
    seen: dict[tuple[str, str], set] = {}
    for k, source in enumerate(sources):
        if source in outlets:
            for key in wanted.intersection(map(_line_key, texts[k].split("\n"))):
                seen.setdefault((source, key), set()).add(int(group[k]))
    out: dict[str, set[str]] = {}
    for (source, key), stories_with in seen.items():
        if len(stories_with) >= BOILERPLATE_STORIES:
            out.setdefault(source, set()).add(key)
    return out


def _without_boilerplate(pairs, texts: list[str], sources: list[str], threshold: float):
    """The pairs still near-duplicates once their outlets' boilerplate lines are left out (two
    short stories of one outlet sharing a long footer are two stories, not one; so are a copy
    that kept that footer and the outlet's other stories)."""
    boiler = _boilerplate_lines(pairs, texts, sources) if pairs else {}
    if not boiler:
        return pairs
    empty: set[str] = set()

    def kept(k: int, drop: set[str]) -> str:
        return "\n".join(line for line in texts[k].split("\n") if _line_key(line) not in drop)

    out = []
    for i, j, similarity in pairs:
        drop = boiler.get(sources[i], empty) | boiler.get(sources[j], empty)
        if drop:
            a, b = kept(i, drop), kept(j, drop)
            if a != texts[i] or b != texts[j]:
                similarity = jaccard(shingle_hashes(a), shingle_hashes(b))
                if similarity < threshold:
                    continue
        out.append((i, j, similarity))
    return out


def stories(articles: pd.DataFrame, threshold: float = THRESHOLD, texts=None) -> pd.DataFrame:
    """`story_id`, `is_copy`, `copy_of` for each article (same index as `articles`).

    `texts` (default: the `text` column) are the bodies compared. Lines an outlet repeats in
    different stories (its boilerplate: in BOILERPLATE_STORIES or more of its stories, as first
    grouped) do not count when a pair is verified, so that a shared footer never makes one
    story of two. The original of a story is its earliest-dated
    article (undated ones after dated ones; ties: table order); `story_id` is the original's
    `article_id`, `copy_of` the original's id for copies and "" otherwise.
    """
    n = len(articles)
    texts = articles["text"].tolist() if texts is None else list(texts)
    pairs = near_duplicate_pairs(texts, threshold)
    if pairs and "source" in articles.columns:
        sources = articles["source"].fillna("").astype(str).str.strip().str.lower().tolist()
        pairs = _without_boilerplate(pairs, texts, sources, threshold)
    group = _components(n, pairs)
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
