"""Tokens of many sentences at once, in numpy: the tokenizer of the learned scorer and of the
batch sentence scores.

Tokens are those of `lexicons.tokenize` (words with inner apostrophes, "n't" split off, every
other non-space character alone; a test checks both agree): `tokenize_batch` finds them over
the sentences joined by newlines as arrays of code points, hashes each lowered token (a
polynomial mod 2**64 from prefix sums, mixed by splitmix64's finaliser) and finds its word id
in a `Vocabulary` by the hash's bucket: no per-sentence or per-token Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def _char_tables() -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """(class, lowercase, translate map) of every BMP code point as the tokenizer sees it.

    class: 0 whitespace, 1 word character (regex \\w: alphanumeric or _), 2 other (a token of its
    own); index 0x10000 stands for every code point beyond the BMP (other). lowercase: the
    code point of ``chr(c).lower()`` when that is one character (else c), and ’ read as '.
    The translate map applies the same lowering to a string (`canonical`)."""
    cls = np.full(0x10001, 2, dtype=np.uint8)
    low = np.arange(0x10001, dtype=np.uint64)
    for c in range(0x10000):
        ch = chr(c)
        if ch.isspace():
            cls[c] = 0
        elif ch.isalnum() or ch == "_":
            cls[c] = 1
        lo = ch.lower()
        if len(lo) == 1:
            low[c] = ord(lo)
    low[0x2019] = 39
    tr = {c: int(low[c]) for c in np.flatnonzero(low[:0x10000] != np.arange(0x10000)).tolist()}
    return cls, low, tr


def canonical(word: str) -> str:
    """A token's text as the model reads it: lowercased (one character for one), ’ as '."""
    return word.translate(_char_tables()[2])


# Token hashes: polynomial over the lowered code points, mod 2**64 (vectorised over a batch;
# a token hash is a difference of prefix sums times an inverse power). Tokens longer than
# MAX_WORD characters are unknown words.
_P = 0x100000001B3
_PINV = pow(_P, -1, 2**64)
MAX_WORD = 40
_BUCKET_BITS = 16
_POWERS: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(P**k, P**-k) mod 2**64 for k < n (cached, grown by doubling)."""
    if not _POWERS or len(_POWERS[0]) < n:
        m = max(n, 2 * len(_POWERS[0]) if _POWERS else 1 << 16)
        pw = np.empty(m, dtype=np.uint64)
        pw[0] = 1
        pw[1:] = _P
        pinv = np.empty(m, dtype=np.uint64)
        pinv[0] = 1
        pinv[1:] = _PINV
        _POWERS[:] = [np.cumprod(pw), np.cumprod(pinv)]
    return _POWERS[0], _POWERS[1]


def _hashes(low: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Hash of every token low[start:end] (lowered code points, uint64)."""
    n = len(low)
    pw, pinv = _powers(n + 1)
    g = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(low * pw[:n], out=g[1:])
    h = (g[end] - g[start]) * pinv[start]
    # splitmix64's finaliser (a bijection): spreads short words over the top bits (buckets).
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def word_hashes(words: list[str]) -> np.ndarray:
    """Hashes of canonical words (as `tokenize_batch` hashes tokens)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    cp = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    low = _char_tables()[1][np.minimum(cp, 0x10000)]
    low = np.where(cp < 0x10000, low, cp.astype(np.uint64))
    lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    end = np.cumsum(lens)
    return _hashes(low, end - lens, end)




class Vocabulary:
    """Word ids of `words` (canonical forms; "n't" reads as "not" when "not" is a word) looked
    up by token hash; `unknown` = len(words) stands for every other token."""

    def __init__(self, words: list[str]):
        self.words = [w for w in words if w != "n't"]
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("vocabulary words repeat")
        self.unknown = len(self.words)
        h = word_hashes(self.words)
        ids = np.arange(len(self.words), dtype=np.int64)
        if "not" in self.index:
            h = np.append(h, word_hashes(["n't"]))
            ids = np.append(ids, self.index["not"])
        order = np.argsort(h, kind="stable")
        self.hash_sorted, self.hash_ids = h[order], ids[order]
        if len(h) and (np.diff(self.hash_sorted) == 0).any():
            raise ValueError("two vocabulary words share a token hash")
        # Buckets by the hash's top bits: bucket b holds hash_sorted[buckets[b]:buckets[b+1]].
        self.buckets = np.searchsorted(self.hash_sorted >> np.uint64(64 - _BUCKET_BITS),
                                       np.arange((1 << _BUCKET_BITS) + 1, dtype=np.uint64))

    def lookup(self, h: np.ndarray) -> np.ndarray:
        """Word id of every hash (`unknown` when no word has it): the hash's bucket, then its
        few entries compared in turn."""
        ids = np.full(len(h), self.unknown, dtype=np.int64)
        top = (h >> np.uint64(64 - _BUCKET_BITS)).astype(np.int64)
        pos = self.buckets[top]
        cnt = self.buckets[top + 1] - pos
        idx = np.flatnonzero(cnt)
        k = 0
        while len(idx):
            cand = pos[idx] + k
            hit = self.hash_sorted[cand] == h[idx]
            ids[idx[hit]] = self.hash_ids[cand[hit]]
            k += 1
            idx = idx[~hit & (cnt[idx] > k)]
        return ids


# ---------------------------------------------------------------- tokens of a batch


@dataclass
class Tokens:
    """The tokens of a batch of distinct sentences as flat arrays (global token order).

    start/end: character offsets in the sentences joined by newlines (sent_off[s] is where
    sentence s starts); sent: sentence of each token; first/last_tok: the token range
    [first, last) of each sentence; ids: word ids (`Vocabulary`); other: a punctuation or
    symbol token; quoted: the sentence holds a quotation mark; cap: the token starts with a
    capital letter.
    """

    text: str
    start: np.ndarray
    end: np.ndarray
    sent: np.ndarray
    sent_off: np.ndarray
    first_tok: np.ndarray
    last_tok: np.ndarray
    ids: np.ndarray
    other: np.ndarray
    quoted: np.ndarray
    cap: np.ndarray


def _token_bounds(cp: np.ndarray, low: np.ndarray, cls: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(token start flags, token end flags, other-character flags) of code points `cp`
    (`low`: lowered, `cls`: character classes).

    Tokens are as in `lexicons.tokenize`: runs of word characters (an apostrophe between two
    word characters belongs to the word), "n't" split off a word ("didn't" -> did, n't), and
    every other non-space character on its own.
    """
    word = cls == 1
    n = len(cp)
    if n >= 3:
        inner = np.zeros(n, dtype=bool)
        inner[1:-1] = (low[1:-1] == 39) & word[:-2] & word[2:]
        word |= inner
    other = (cls == 2) & ~word
    prev_w = np.zeros(n, dtype=bool)
    prev_w[1:] = word[:-1]
    next_w = np.zeros(n, dtype=bool)
    next_w[:-1] = word[1:]
    start = (word & ~prev_w) | other
    end = (word & ~next_w) | other
    if n >= 4:  # "n't" after at least one word character, followed by a non-word character
        p = np.flatnonzero((low[1:-2] == 110) & (low[2:-1] == 39) & (low[3:] == 116)
                           & word[:-3]) + 1  # fmt: skip
        p = p[(p + 3 >= n) | ~np.concatenate([word, [False]])[np.minimum(p + 3, n)]]
        start[p] = True
        end[p - 1] = True
    return start, end, other


def tokenize_batch(sentences: list[str], vocab: Vocabulary) -> Tokens:
    """Tokens of many sentences at once, in numpy over their joined code points: boundaries,
    a hash of each lowered token, its word id by binary search among the model's hashes."""
    joined = "\n".join(sentences)
    lens = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    sent_off = np.zeros(len(sentences), dtype=np.int64)
    if len(sentences) > 1:
        sent_off[1:] = np.cumsum(lens + 1)[:-1]
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cls, lower, _tr = _char_tables()
    bmp = np.minimum(cp, 0x10000)
    low = lower[bmp]
    ccls = cls[bmp]
    big = np.flatnonzero(cp >= 0x10000)
    if len(big):  # beyond the BMP (rare): as the regex sees them, not lowered
        low = np.where(cp < 0x10000, low, cp.astype(np.uint64))
        ccls[big] = [1 if chr(c).isalnum() else 0 if chr(c).isspace() else 2
                     for c in cp[big].tolist()]  # fmt: skip
    start, end, other = _token_bounds(cp, low, ccls)
    tstart = np.flatnonzero(start)
    tend = np.flatnonzero(end) + 1
    if len(tend) != len(tstart):
        raise AssertionError("tokenizer: token starts and ends disagree")
    ids = vocab.lookup(_hashes(low, tstart, tend))
    ids[tend - tstart > MAX_WORD] = vocab.unknown
    tsent = np.repeat(np.arange(len(sentences)), lens + 1)[tstart]
    sidx = np.arange(len(sentences))
    first = np.searchsorted(tsent, sidx, side="left")
    last = np.searchsorted(tsent, sidx, side="right")
    tother = other[tstart]
    q = (cp == 34) | (cp == 0x201C) | (cp == 0x201D)
    quoted = np.bincount(tsent[q[tstart]], minlength=len(sentences)) > 0
    cap = low[tstart] != cp[tstart]  # the first character changes when lowered
    return Tokens(joined, tstart, tend, tsent, sent_off, first, last, ids, tother, quoted, cap)


def token_words(tk: Tokens, which=None) -> list[str]:
    """Canonical text of the tokens `which` (all by default), "n't" as "not"."""
    idx = range(len(tk.start)) if which is None else which
    out = [canonical(tk.text[tk.start[i]:tk.end[i]]) for i in idx]
    return ["not" if w == "n't" else w for w in out]
