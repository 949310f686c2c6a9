"""The learned target-sentiment scorer ("learned"): features of a mention's context, a shipped
multinomial logistic-regression model, probabilities and per-mention drivers.

Features of a target (a mention at sentence[start:end]; the mention's own tokens are masked):

- word slots: every other token of the sentence, lowercased ("n't" as "not"), as
  ``sentence:word``, ``side:word`` (side = left/right of the target),
  ``side:distance-bucket:word`` for tokens
  at most 12 tokens away (buckets 1, 2-3, 4-6, 7-12), and ``side:clause:word`` for tokens in
  the target's clause (clauses end at ; : dashes brackets quotes and contrast words, as in
  `scope`). A token within 4 words after a negator (not, no, never, n't, ...) and
  before punctuation gets the negated variant of each slot.
- lexicon features: the TextBlob and VADER lexicon values of the context words (negated words
  flipped and halved), summed separately for positive and negative values, per side, per
  distance bucket and inside the clause.
- role features: a reporting verb (data/reporting_verbs.yml) within 3 tokens after the target
  (the target is the speaker) with the verb's class and the verb itself, a reporting verb just
  before it, the target at the start of a sentence or clause, the target a pronoun, quotes in
  the sentence.

Per-sentence work (tokens, word ids, lexicon values, negation scope) is done once and shared by
every mention of the sentence. Scoring is a sum of weight rows (numpy) and a softmax: no
scikit-learn at run time. The model file (JSON, in this package) is written by
`newslens.analysis.sentiment.train` (`make sentiment-model`).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newslens.analysis.sentiment import lexicons as S

MODEL_FORMAT = "newslens-target-sentiment/1"
MODEL_RESOURCE = ("newslens", "models", "target_sentiment.json")
CLASSES = ("negative", "neutral", "positive")
SIDES = ("left", "right")
ZONES = ("any", "d1", "d2-3", "d4-6", "d7-12", "clause")
BUCKET_EDGES = (1, 3, 6, 12)  # a token at distance d (1 = adjacent) is in the first bucket >= d
NEG_SCOPE = 4  # tokens after a negator that count as negated (stops at punctuation)
CUE_REACH = 3  # a reporting verb this many tokens after the target makes it the speaker
N_ZONES = len(ZONES)
SENTENCE_SLOT = 2 * 2 * N_ZONES  # after the (negated?, side, zone) slots; +1 when negated
SPEAKER_VERB_SLOT = SENTENCE_SLOT + 2
N_SLOTS = SPEAKER_VERB_SLOT + 1
PRONOUNS = frozenset(
    ["he", "she", "they", "him", "her", "them", "his", "their", "it", "its", "we", "i", "you"]
)
LEX_SOURCES = ("vader", "textblob")
CUE_CLASSES = ("neutral", "emphatic", "positive", "negative", "demand")


def slot_name(slot: int) -> str:
    """Readable name of a word slot: ``left:d1``, ``right:not:clause``, ``sentence``,
    ``speaker-verb``."""
    if slot == SPEAKER_VERB_SLOT:
        return "speaker-verb"
    if slot >= SENTENCE_SLOT:
        return "sentence:not" if slot > SENTENCE_SLOT else "sentence"
    neg, rest = divmod(slot, 2 * N_ZONES)
    side, zone = divmod(rest, N_ZONES)
    return f"{SIDES[side]}:{'not:' if neg else ''}{ZONES[zone]}"


def _lexicon_names() -> list[str]:
    """Names of the lexicon features, in the order of `_token_lexicon_matrix` columns."""
    names = []
    for src in LEX_SOURCES:
        for sign in ("pos", "neg"):
            names.append(f"lex:{src}:{sign}")
            for side in SIDES:
                names.append(f"lex:{src}:{sign}:{side}")
                for zone in ZONES[1:5]:
                    names.append(f"lex:{src}:{sign}:{side}:{zone}")
            names.append(f"lex:{src}:{sign}:clause")
    return names


LEX_NAMES = _lexicon_names()
ROLE_NAMES = (
    ["bias", "role:speaker"] + [f"role:speaker:{c}" for c in CUE_CLASSES]
    + [f"role:cue-before:{c}" for c in CUE_CLASSES]
    + ["role:subject-position", "role:pronoun", "role:quoted"]
)  # fmt: skip
DENSE_NAMES = LEX_NAMES + ROLE_NAMES
_LEX_INDEX = {n: i for i, n in enumerate(LEX_NAMES)}
_ROLE_INDEX = {n: i for i, n in enumerate(ROLE_NAMES)}


class ModelError(ValueError):
    """The model file is missing, unreadable or not a target-sentiment model; names the file."""


# ---------------------------------------------------------------- lexicons and cues


@lru_cache(maxsize=1)
def _lexicons() -> tuple[dict[str, float], dict[str, float]]:
    """word -> VADER valence / 4 and word -> TextBlob polarity (the word's first sense)."""
    from newslens import compat

    vader = {w: v / 4.0 for w, v in S._vader().lexicon.items()}
    tb = {}
    for w, senses in dict.items(compat.textblob_lexicon()):
        sense = senses.get(None) or next(iter(senses.values()))
        if sense[0]:
            tb[w] = float(sense[0])
    return vader, tb


@lru_cache(maxsize=1)
def _cue_words() -> dict[str, int]:
    """First word of every reporting cue -> index of its class in CUE_CLASSES."""
    from newslens.analysis.attribution import load_reporting_verbs

    out: dict[str, int] = {}
    for form, cue in sorted(load_reporting_verbs().items()):
        if cue.kind != "nouns" and cue.cls in CUE_CLASSES:  # verbs and phrases, not nouns
            out.setdefault(form.split()[0], CUE_CLASSES.index(cue.cls))
    return out


def _function_words() -> frozenset[str]:
    """Words never shown as drivers (`driver_function_words` in data/language.yml)."""
    from newslens import lexicon

    return lexicon.word_set("driver_function_words")


# ---------------------------------------------------------------- per-sentence features


def _extra_words() -> set[str]:
    """Words with a fact the features use: lexicon, reporting-cue, contrast, negator, break."""
    vader, tb = _lexicons()
    return set(vader) | set(tb) | set(_cue_words()) | S.CONTRAST | S.NEGATORS | S.BREAK_PUNCT


class WordTables:
    """Word ids and per-word facts (lexicon values, reporting-cue class, clause break, negator).

    Ids below `n_words` are the given words (the model's vocabulary, in its order); lexicon,
    cue, contrast and negator words the vocabulary lacks follow; `unknown` (the last id) stands
    for every other word. One dict lookup per token, then array lookups.
    """

    def __init__(self, words: list[str]):
        vader, tb = _lexicons()
        cues = _cue_words()
        extra = _extra_words()
        self.n_words = len(words)
        known = set(words)
        allw = list(words) + sorted(extra - known)
        self.index = {w: i for i, w in enumerate(allw)}
        self.unknown = len(allw)
        n = len(allw) + 1
        self.lex = np.zeros((n, 2))
        self.cue = np.full(n, -1, dtype=np.int64)
        self.brk = np.zeros(n, dtype=bool)
        self.negator = np.zeros(n, dtype=bool)
        for w, i in self.index.items():
            self.lex[i] = vader.get(w, 0.0), tb.get(w, 0.0)
            self.cue[i] = cues.get(w, -1)
            self.brk[i] = w in S.BREAK_PUNCT or w in S.CONTRAST
            self.negator[i] = w in S.NEGATORS


class SentenceFeatures:
    """Everything about a sentence that does not depend on the target, computed once."""

    __slots__ = ("brk", "cue", "ends", "ids", "neg", "prepared", "quoted", "starts", "tables",
                 "toks", "words")  # fmt: skip

    def __init__(self, sentence: str, tables: WordTables):
        toks = S.tokenize(sentence)
        self.toks = toks
        self.starts = [a for _t, a, _b in toks]
        self.ends = [b for _t, _a, b in toks]
        low = sentence.lower()
        if "’" in low or "n't" in low:
            words = [S._norm(t) for t, _a, _b in toks]
        else:  # the usual case: _norm is lower()
            words = [t.lower() for t, _a, _b in toks]
        self.words = words
        n = len(words)
        get, unk = tables.index.get, tables.unknown
        ids = np.array([get(w, unk) for w in words], dtype=np.int64)
        self.ids = ids
        self.tables = tables
        neg = np.zeros(n, dtype=bool)
        if not S.NEGATORS.isdisjoint(words):
            for i in np.flatnonzero(tables.negator[ids]):
                for j in range(i + 1, min(n, i + 1 + NEG_SCOPE)):
                    if not words[j][0].isalnum():
                        break
                    neg[j] = True
        self.neg = neg
        self.brk = tables.brk[ids]
        self.cue = tables.cue[ids].tolist()
        self.quoted = '"' in sentence or "“" in sentence or "”" in sentence

    @property
    def wid(self) -> np.ndarray:
        """Model word id of each token, -1 for words outside the model's vocabulary."""
        return np.where(self.ids < self.tables.n_words, self.ids, -1)

    @property
    def lex(self) -> np.ndarray:
        """(VADER valence / 4, TextBlob polarity) of each token; negated ones x -0.5."""
        lex = self.tables.lex[self.ids]
        lex[self.neg] *= -0.5
        return lex

    def target_span(self, start: int, end: int) -> tuple[int, int]:
        """First and last token index of the mention (nearest token for an empty span)."""
        n = len(self.toks)
        if not n:
            return 0, -1
        i0 = bisect_right(self.ends, start)  # first token ending after start
        i1 = bisect_left(self.starts, end) - 1  # last token starting before end
        if i0 > i1:  # zero-width or whitespace mention: nearest token
            i0 = i1 = min(range(n), key=lambda i: abs(self.starts[i] - start))
        return i0, i1


def target_features(sf: SentenceFeatures, i0: int, i1: int):
    """Features of the target at tokens i0..i1 of a sentence.

    Returns (tok, slots, lex_tok, dense): tok = indices of the context tokens; slots = a
    (len(tok), 5) array of word-slot ids (side/any, side/bucket, side/clause, sentence,
    speaker verb; -1 = none);
    lex_tok = each context token's share of the lexicon features (len(tok), len(LEX_NAMES));
    dense = the dense feature vector (lexicon sums then role features, DENSE_NAMES order).
    """
    n = len(sf.words)
    pos = np.arange(n)
    tok = pos[(pos < i0) | (pos > i1)]
    right = tok > i1
    dist = np.where(right, tok - i1, i0 - tok)
    bucket = np.searchsorted(BUCKET_EDGES, dist)  # 0..3, 4 = farther than 12
    brk = sf.brk
    left_brk = np.flatnonzero(brk[:i0])
    right_brk = np.flatnonzero(brk[i1 + 1:])
    c0 = left_brk[-1] + 1 if len(left_brk) else 0
    c1 = i1 + right_brk[0] if len(right_brk) else n - 1
    in_clause = (tok >= c0) & (tok <= c1)
    base = sf.neg[tok] * (2 * N_ZONES) + right * N_ZONES
    verb = speaker_verb(sf, i1)
    slots = np.stack(
        [base, np.where(bucket < 4, base + 1 + bucket, -1), np.where(in_clause, base + 5, -1),
         SENTENCE_SLOT + sf.neg[tok], np.where(tok == verb, SPEAKER_VERB_SLOT, -1)],
        axis=1,
    )
    lex_tok = _token_lexicon_matrix(sf.lex[tok], right, bucket, in_clause)
    dense = np.concatenate([lex_tok.sum(0), _role_vector(sf, i0, i1, n)])
    return tok, slots, lex_tok, dense


def _token_lexicon_matrix(lex, right, bucket, in_clause) -> np.ndarray:
    """Each context token's contribution to every lexicon feature (columns = LEX_NAMES)."""
    k = len(lex)
    out = np.zeros((k, len(LEX_NAMES)))
    rows = np.arange(k)
    for s, src in enumerate(LEX_SOURCES):
        signed = (("pos", np.clip(lex[:, s], 0, None)), ("neg", np.clip(lex[:, s], None, 0)))
        for sign, vals in signed:
            if not vals.any():
                continue
            pre = f"lex:{src}:{sign}"
            out[:, _LEX_INDEX[pre]] = vals
            side_col = np.where(right, _LEX_INDEX[pre + ":right"], _LEX_INDEX[pre + ":left"])
            out[rows, side_col] = vals
            near = bucket < 4
            if near.any():
                first = _LEX_INDEX[pre + ":left:" + ZONES[1]]
                col = first + right * (1 + 4) + np.minimum(bucket, 3)
                out[rows[near], col[near]] = vals[near]
            out[:, _LEX_INDEX[pre + ":clause"]] = np.where(in_clause, vals, 0.0)
    return out


def _role_vector(sf: SentenceFeatures, i0: int, i1: int, n: int) -> np.ndarray:
    """bias, speaker/cue flags, subject position, pronoun, quotes (ROLE_NAMES order)."""
    v = np.zeros(len(ROLE_NAMES))
    v[_role_flags(sf, i0, i1, n)] = 1.0
    return v


def _role_flags(sf: SentenceFeatures, i0: int, i1: int, n: int) -> list[int]:
    """Indices (in ROLE_NAMES) of the role features that are on for this target."""
    on = [_ROLE_INDEX["bias"]]
    cue = sf.cue
    for j in range(i1 + 1, min(n, i1 + 1 + CUE_REACH)):
        c = cue[j]
        if c >= 0:
            on += [_ROLE_INDEX["role:speaker"], _ROLE_INDEX[f"role:speaker:{CUE_CLASSES[c]}"]]
            break
    for j in range(max(0, i0 - CUE_REACH), i0):
        c = cue[j]
        if c >= 0:
            name = _ROLE_INDEX[f"role:cue-before:{CUE_CLASSES[c]}"]
            if name not in on:
                on.append(name)
    if n and (i0 == 0 or sf.toks[i0 - 1][0] in ",.;:" or sf.brk[i0 - 1]):
        on.append(_ROLE_INDEX["role:subject-position"])
    if n and sf.words[i0] in PRONOUNS:
        on.append(_ROLE_INDEX["role:pronoun"])
    if sf.quoted:
        on.append(_ROLE_INDEX["role:quoted"])
    return on


def speaker_verb(sf: SentenceFeatures, i1: int) -> int:
    """Token index of the reporting verb that makes the target the speaker, or -1."""
    for j in range(i1 + 1, min(len(sf.words), i1 + 1 + CUE_REACH)):
        if sf.cue[j] >= 0:
            return j
    return -1


# ---------------------------------------------------------------- the model


class TargetModel:
    """A loaded target-sentiment model: vocabulary, word-slot weights, dense weights.

    Scoring does not build the feature vectors of `target_features`: every feature is a sum
    over a token range (left of the target, right, a distance bucket, the clause), so each
    sentence gets prefix sums of its tokens' slot weights and lexicon values once, and each
    target adds up 14 ranges (a test checks both give the same logits).
    """

    def __init__(self, spec: dict, source: str = "<dict>"):
        self.source = source
        try:
            if spec.get("format") != MODEL_FORMAT:
                raise ModelError(f"format {spec.get('format')!r}, expected {MODEL_FORMAT!r}")
            if list(spec["classes"]) != list(CLASSES) or spec["dense_names"] != DENSE_NAMES:
                raise ModelError("classes or dense feature names differ from this code's")
            if spec["n_slots"] != N_SLOTS:
                raise ModelError(f"{spec['n_slots']} word slots, this code has {N_SLOTS}")
            scale = float(spec["scale"])
            self.words = [str(w) for w in spec["words"]]
            n_rows = len(set(self.words) | _extra_words()) + 1
            # Rows for the table's extra words and for unknown words stay all zero.
            self.W = np.zeros((n_rows, N_SLOTS, len(CLASSES)), dtype=np.float64)
            rows = np.asarray(spec["word_weights"], dtype=np.int64).reshape(-1, 2 + len(CLASSES))
            if len(rows) and not ((rows[:, 0] >= 0).all() and (rows[:, 0] < len(self.words)).all()
                                  and (rows[:, 1] >= 0).all() and (rows[:, 1] < N_SLOTS).all()):
                raise ModelError("word_weights refer to words or slots that do not exist")
            self.W[rows[:, 0], rows[:, 1]] = rows[:, 2:] / scale
            self.D = np.asarray(spec["dense_weights"], dtype=float) / scale
            if self.D.shape != (len(DENSE_NAMES), len(CLASSES)):
                raise ModelError(f"dense_weights has shape {self.D.shape}")
        except ModelError as exc:
            raise ModelError(f"{source}: not a usable target-sentiment model: {exc}") from None
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"{source}: not a usable target-sentiment model: {exc!r}") from None
        self.meta = spec.get("training", {})
        self.tables = WordTables(self.words)  # data-file errors name their own file
        nl = len(LEX_NAMES)
        # Lexicon weights as (value column: vader+, vader-, textblob+, textblob-; range; class).
        self.lex_w = self.D[:nl].reshape(len(LEX_SOURCES) * 2, nl // 4, len(CLASSES))
        self.role_w = self.D[nl:]
        # Per word, plain and negated: its weights in the 14 slot kinds (12 side/zone kinds, the
        # sentence slot, an all-zero kind) and its lexicon values split by sign; a negated
        # word's lexicon value is flipped and halved (-0.5 * v).
        zero = np.zeros((len(self.W), 1, len(CLASSES)))
        plain = list(range(2 * N_ZONES)) + [SENTENCE_SLOT]
        negated = [k + 2 * N_ZONES for k in range(2 * N_ZONES)] + [SENTENCE_SLOT + 1]
        v = self.tables.lex
        pos, neg = np.clip(v, 0, None), np.clip(v, None, 0)
        lex4 = (np.stack([pos[:, 0], neg[:, 0], pos[:, 1], neg[:, 1]], axis=1),
                -0.5 * np.stack([neg[:, 0], pos[:, 0], neg[:, 1], pos[:, 1]], axis=1))
        self._rows = tuple(
            np.concatenate([np.concatenate([self.W[:, k], zero], axis=1).reshape(len(self.W), -1),
                            lx], axis=1)
            for k, lx in zip((plain, negated), lex4)
        )  # fmt: skip
        self._Q = _range_matrix(self.lex_w)
        self._T = _token_matrix(self.lex_w)

    @classmethod
    def from_file(cls, path: str | Path) -> TargetModel:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"{path}: cannot read the target-sentiment model ({exc})") from None
        try:
            spec = json.loads(text)
        except ValueError as exc:
            raise ModelError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(spec, dict):
            raise ModelError(f"{path}: not a usable target-sentiment model: not a JSON object")
        return cls(spec, str(path))

    def sentence(self, sentence: str) -> SentenceFeatures:
        """Per-sentence features plus prefix sums of slot weights and lexicon values."""
        sf = SentenceFeatures(sentence, self.tables)
        wid = sf.ids
        n = len(wid)
        rows = self._rows[0][wid]  # (n, 46): slot-kind weights (14 x 3), lexicon values (4)
        if sf.neg.any():
            rows[sf.neg] = self._rows[1][wid[sf.neg]]
        cum = np.zeros((n + 1, rows.shape[1]))
        np.cumsum(rows, axis=0, out=cum[1:])
        sf.prepared = (rows, cum, wid, np.flatnonzero(sf.brk).tolist())
        return sf

    def score(self, sf: SentenceFeatures, start: int, end: int, want_drivers: bool = False,
              function_words: frozenset[str] | None = None):
        """(probabilities [neg, neu, pos], drivers) of the target at sentence[start:end];
        `function_words` (never drivers) default to data/language.yml's list."""
        _rows, cum, wid, brk = sf.prepared
        n = len(wid)
        if not n:  # nothing to read: the model's prior
            p = np.exp(self.role_w[0] - self.role_w[0].max())
            return p / p.sum(), []
        i0, i1 = sf.target_span(start, end)
        k = bisect_left(brk, i0)
        c0 = brk[k - 1] + 1 if k else 0
        k = bisect_right(brk, i1)
        c1 = brk[k] - 1 if k < len(brk) else n - 1
        lo, hi = _ranges(i0, i1, c0, c1, n)
        logits = (cum[hi] - cum[lo]).ravel() @ self._Q
        role = _role_flags(sf, i0, i1, n)
        logits += self.role_w[role].sum(0)
        verb = speaker_verb(sf, i1)
        if verb >= 0:
            logits += self.W[wid[verb], SPEAKER_VERB_SLOT]
        m = logits.max()
        e = [math.exp(x - m) for x in logits.tolist()]
        t = sum(e)
        p = np.array([x / t for x in e])
        if not want_drivers:
            return p, []
        fw = _function_words() if function_words is None else function_words
        return p, self._drivers(sf, i0, i1, c0, c1, verb, role, int(p.argmax()), fw)

    def _drivers(self, sf, i0, i1, c0, c1, verb, role, k: int, fw: frozenset[str], top: int = 4):
        """Features that pushed the predicted class k most: (name, polarity push) pairs.

        A context word's contribution sums its slots and its share of the lexicon features;
        words and role features are ranked by how much they favour class k over the mean of the
        other classes (shown if > 0.05; punctuation and driver_function_words never) and
        reported with their polarity push (positive minus negative logit).
        """
        rows, _cum, wid, _brk = sf.prepared
        n = len(wid)
        tok = np.concatenate([np.arange(0, i0), np.arange(i1 + 1, n)])
        right = tok > i1
        dist = np.where(right, tok - i1, i0 - tok)
        # Token type = (side, distance bucket 0-4, in clause): its row times _token_matrix[type]
        # is its contribution (word slots plus its share of the lexicon features).
        types = right * 10 + np.searchsorted(BUCKET_EDGES, dist) * 2 + ((tok >= c0) & (tok <= c1))
        c = np.einsum("tc,tck->tk", rows[tok], self._T[types])
        if verb >= 0:
            c[tok == verb] += self.W[wid[verb], SPEAKER_VERB_SLOT]
        names = tok.tolist()
        used = [j for j in role if ROLE_NAMES[j] != "bias"]
        if used:
            names += [ROLE_NAMES[j] for j in used]
            c = np.concatenate([c, self.role_w[used]])
        others = [x for x in range(len(CLASSES)) if x != k]
        push = c[:, k] - 0.5 * (c[:, others[0]] + c[:, others[1]])
        pol = c[:, 2] - c[:, 0]
        # Punctuation and function words count in the score but explain nothing: not shown.
        shown = []
        for j in np.flatnonzero(push > 0.05).tolist():
            name = names[j]
            if isinstance(name, int):  # a context token
                word = sf.words[name]
                if word in fw or not any(ch.isalnum() for ch in word):
                    continue
                name = f"{'right' if name > i1 else 'left'}:{word}"
            shown.append((-float(push[j]), name, round(float(pol[j]), 3)))
        shown.sort()
        return [(name, p) for _push, name, p in shown[:top]]


def _ranges(i0: int, i1: int, c0: int, c1: int, n: int):
    """(lo, hi) token ranges of the 14 feature ranges of a target (see `_RANGE_KIND`)."""
    L = [0, max(0, i0 - 1), max(0, i0 - 3), max(0, i0 - 6), max(0, i0 - 12), c0]
    H = [i0, i0, max(0, i0 - 1), max(0, i0 - 3), max(0, i0 - 6), i0]
    r = i1 + 1
    L += [r, r, min(n, r + 1), min(n, r + 3), min(n, r + 6), r, 0, r]
    H += [n, min(n, r + 1), min(n, r + 3), min(n, r + 6), min(n, r + 12), c1 + 1, i0, n]
    return np.array(L), np.array(H)


def _range_matrix(lex_w: np.ndarray) -> np.ndarray:
    """(14 ranges x 46 columns, 3) matrix: range sums of a sentence's prefix-summed rows times
    this matrix are the logits of the word-slot and lexicon features."""
    ncol = 14 * len(CLASSES) + 4
    q = np.zeros((len(_RANGE_KIND), ncol, len(CLASSES)))
    for r, kind in enumerate(_RANGE_KIND):
        for c in range(len(CLASSES)):
            q[r, kind * len(CLASSES) + c, c] = 1.0
        q[r, 14 * len(CLASSES):] = np.einsum("f,vfk->vk", _RANGE_TO_LEX[:, r], lex_w)
    return q.reshape(len(_RANGE_KIND) * ncol, len(CLASSES))


def _token_matrix(lex_w: np.ndarray) -> np.ndarray:
    """(20 token types, 46 columns, 3): a context token's row times the matrix of its type
    (side x distance bucket 0-4 x in clause) is its contribution to the logits."""
    ncol, nc = 14 * len(CLASSES) + 4, len(CLASSES)
    t = np.zeros((20, ncol, nc))
    for side in (0, 1):
        for bucket in range(5):
            for clause in (0, 1):
                m = t[side * 10 + bucket * 2 + clause]
                kinds = [side * N_ZONES, 12] + ([side * N_ZONES + 1 + bucket] if bucket < 4
                                                else []) + ([side * N_ZONES + 5] if clause else [])
                for kind in kinds:
                    for c in range(nc):
                        m[kind * nc + c, c] = 1.0
                ranges = [0, 1 + 5 * side] + ([2 + 5 * side + bucket] if bucket < 4 else []) + (
                    [11] if clause else [])  # fmt: skip
                for r in ranges:
                    m[14 * nc:] += lex_w[:, r]
    return t


# Word-slot kind of each range (index into the 13 slot kinds of `TargetModel.sentence`):
# left any, left d1..d7-12, left clause, right any, right d1..d7-12, right clause, sentence x2.
_RANGE_KIND = np.array(list(range(12)) + [12, 12])
# Lexicon range (0 any, 1 left, 2-5 left buckets, 6 right, 7-10 right buckets, 11 clause) of
# each range: the any and clause features add up the left and right parts.
_RANGE_TO_LEX = np.zeros((12, 14))
for _r, _f in enumerate([1, 2, 3, 4, 5, 11, 6, 7, 8, 9, 10, 11]):
    _RANGE_TO_LEX[_f, _r] = 1.0
_RANGE_TO_LEX[0, [0, 6]] = 1.0


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> TargetModel:
    """The shipped model (package data) or the model file at `path`; loaded once per process."""
    if path is not None:
        return TargetModel.from_file(path)
    res = resources.files(MODEL_RESOURCE[0]).joinpath(*MODEL_RESOURCE[1:])
    with resources.as_file(res) as p:
        return TargetModel.from_file(p)


def score_targets(sentences, starts, ends, want_drivers: bool = False, model=None) -> dict:
    """Probabilities, polarity (P(pos) - P(neg)), subjectivity (1 - P(neutral)), label index
    and drivers of many targets (parallel sequences). Each distinct sentence is featurised once."""
    model = model or load_model()
    cache: dict[str, SentenceFeatures] = {}
    fw = _function_words() if want_drivers else None
    probs, drivers = [], []
    for sent, a, b in zip(sentences, starts, ends):
        sf = cache.get(sent)
        if sf is None:
            sf = cache[sent] = model.sentence(sent)
        p, d = model.score(sf, int(a), int(b), want_drivers, fw)
        probs.append(p)
        drivers.append(d)
    P = np.asarray(probs, dtype=float).reshape(-1, len(CLASSES))
    return {
        "proba": P,
        "polarity": P[:, 2] - P[:, 0],
        "subjectivity": 1.0 - P[:, 1],
        "label": P.argmax(1) if len(P) else np.zeros(0, dtype=int),
        "drivers": drivers,
    }
