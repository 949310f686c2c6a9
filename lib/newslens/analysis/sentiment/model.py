"""The learned target-sentiment scorer ("learned"): batch features of target mentions, the
shipped multinomial logistic-regression model, probabilities and per-mention drivers.

A target is a mention at sentence[start:end]; its own tokens are masked. Each context token
of the sentence (lowercased, "n't" as "not") brings its *token features* — the word itself
and its prior polarity from three opinion lexicons (VADER valence / 4, TextBlob polarity, Hu &
Liu's opinion words as +1 / -1), each split by sign (``@vader+``, ``@vader-``, ...) — into the
*slots* that describe where it stands from the target:

- ``side:any`` (left or right of the target), ``side:d1``, ``side:d2-3``, ``side:d4-6``,
  ``side:d7-12`` (distance buckets in tokens), ``side:clause`` (the target's own clause:
  clauses end at ; : dashes brackets quotes and contrast words such as but/however/although),
  ``sentence`` (anywhere), and ``speaker-verb`` (the reporting verb that makes the target the
  speaker);
- a token within 4 words after a negator (not, no, never, n't, ...; up to punctuation) uses
  the negated variant of every slot (``left:not:clause``, ``sentence:not``): the model learns
  what negation does to a word or to a lexicon's prior, per position.

A feature is (token feature, slot) with value 1 for a word and the lexicon value for a prior.
Role features: a reporting verb (data/reporting_verbs.yml) within 3 tokens after the target
(the target is the speaker) with the verb's class, a reporting verb just before it, the target
at the start of a sentence or clause, a pronoun, quotes in the sentence, and a bias.

Scoring is batch: all targets of a chunk become one sparse matrix X (COO entries built with
numpy over the tokens of every distinct sentence: one tokenising pass over the joined
sentences, no per-target Python loop), logits = X @ W, softmax. Drivers come from the same
entries: each entry's contribution X[i, j] * W[j] summed per context token (and per role
feature) of the target. No scikit-learn at run time. The model file (JSON, in this package) is
written by `newslens.analysis.sentiment.train` (`make sentiment-model`); training builds its
design matrix with the same `batch_features`.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newslens.analysis.sentiment import lexicons as S
from newslens.analysis.sentiment.tokens import (
    Tokens,
    Vocabulary,
    canonical,
    tokenize_batch,
)

MODEL_FORMAT = "newslens-target-sentiment/2"
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
SELF_SLOT = SPEAKER_VERB_SLOT + 1  # priors of the mention's own lowercase words
N_SLOTS = SELF_SLOT + 1
PRONOUNS = frozenset(
    ["he", "she", "they", "him", "her", "them", "his", "their", "it", "its", "we", "i", "you"]
)
# Prior-polarity token features (pseudo-words no token can spell: ":" is punctuation).
LEX_FEATURES = ("@vader:+", "@vader:-", "@textblob:+", "@textblob:-", "@opinion:+",
                "@opinion:-", "@war:success", "@war:setback", "@war:hostile")  # fmt: skip
# Prior values are multiplied by this before they enter X (less regularised than words:
# grouped CV 0.6628 at 1, 0.6636 at 2, 0.6645 at 4, 0.6580 at 0.5).
LEX_SCALE = 4.0
CUE_CLASSES = ("neutral", "emphatic", "positive", "negative", "demand")
ROLE_NAMES = (
    ["bias", "role:speaker"] + [f"role:speaker:{c}" for c in CUE_CLASSES]
    + [f"role:cue-before:{c}" for c in CUE_CLASSES]
    + ["role:subject-position", "role:pronoun", "role:quoted"]
)  # fmt: skip
N_ROLES = len(ROLE_NAMES)
_ROLE_INDEX = {n: i for i, n in enumerate(ROLE_NAMES)}
CLAUSE_START_PUNCT = frozenset(",.;:")


def slot_name(slot: int) -> str:
    """Readable name of a slot: ``left:d1``, ``right:not:clause``, ``sentence``,
    ``speaker-verb``."""
    if slot == SPEAKER_VERB_SLOT:
        return "speaker-verb"
    if slot == SELF_SLOT:
        return "self"
    if slot >= SENTENCE_SLOT:
        return "sentence:not" if slot > SENTENCE_SLOT else "sentence"
    neg, rest = divmod(slot, 2 * N_ZONES)
    side, zone = divmod(rest, N_ZONES)
    return f"{SIDES[side]}:{'not:' if neg else ''}{ZONES[zone]}"


class ModelError(ValueError):
    """The model file is missing, unreadable or not a target-sentiment model; names the file."""


# ---------------------------------------------------------------- lexicons and cues


@lru_cache(maxsize=1)
def _lexicon_values() -> dict[str, tuple[float, ...]]:
    """word -> its values of LEX_FEATURES (VADER valence / 4, TextBlob polarity of the word's
    first sense, Hu & Liu +1 / -1, each in its sign's column; war-event classes 1), times
    LEX_SCALE."""
    from newslens import compat

    vader = {w: v / 4.0 for w, v in S._vader().lexicon.items()}
    tb = {}
    for w, senses in dict.items(compat.textblob_lexicon()):
        sense = senses.get(None) or next(iter(senses.values()))
        if sense[0]:
            tb[w] = float(sense[0])
    hl = S.opinion_lexicon()
    war = S.war_events()
    out = {}
    for w in sorted(set(vader) | set(tb) | hl["positive"] | hl["negative"]
                    | set().union(*war.values())):  # fmt: skip
        if w != canonical(w) or not w or any(ch.isspace() for ch in w):
            continue  # never a token: tokens are lowercased and have no spaces
        v, t = vader.get(w, 0.0), tb.get(w, 0.0)
        vals = (max(v, 0.0), min(v, 0.0), max(t, 0.0), min(t, 0.0),
                1.0 if w in hl["positive"] else 0.0, -1.0 if w in hl["negative"] else 0.0,
                *(1.0 if w in war[c] else 0.0 for c in S.WAR_CLASSES))
        out[w] = tuple(LEX_SCALE * x for x in vals)
    return out


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


# ---------------------------------------------------------------- words and their facts


class WordTables:
    """Word ids and per-word facts: model feature index, prior-polarity values, reporting-cue
    class, clause break, negator, clause-start punctuation, pronoun, shown as a driver.

    `features` is the model's feature list (words and LEX_FEATURES pseudo-words, in its order);
    words with a fact the features use (lexicon, cue, contrast, negator, break punctuation)
    that the model lacks follow; `unknown` (the last id) stands for every other word. Each id
    has its token features as CSR arrays (feat_ptr, feat_idx, feat_val): the word's model
    feature (value 1) and its non-zero priors.
    """

    def __init__(self, features: list[str]):
        lexv = _lexicon_values()
        cues = _cue_words()
        fw = _function_words()
        self.features = list(features)
        fidx = {w: i for i, w in enumerate(self.features)}
        self.lex_fid = np.array([fidx.get(n, -1) for n in LEX_FEATURES], dtype=np.int64)
        words = [w for w in self.features if w not in LEX_FEATURES]
        extra = (set(lexv) | set(cues) | S.CONTRAST | S.NEGATORS | S.BREAK_PUNCT
                 | CLAUSE_START_PUNCT | PRONOUNS) - set(words)  # fmt: skip
        extra = {w for w in extra if w == canonical(w)}  # others can never be a token
        self.vocab = Vocabulary(words + sorted(extra))  # "n't" is read as "not"
        allw = self.vocab.words
        self.index = self.vocab.index
        self.words = allw
        self.word_array = np.asarray([*allw, ""], dtype=object)
        self.unknown = self.vocab.unknown
        n = len(allw) + 1
        self.cue = np.full(n, -1, dtype=np.int64)
        self.brk = np.zeros(n, dtype=bool)
        self.negator = np.zeros(n, dtype=bool)
        self.clause_start = np.zeros(n, dtype=bool)
        self.pronoun = np.zeros(n, dtype=bool)
        self.shown = np.zeros(n, dtype=bool)
        ptr, idx, val = [0], [], []
        for i, w in enumerate(allw):
            self.cue[i] = cues.get(w, -1)
            self.brk[i] = w in S.BREAK_PUNCT or w in S.CONTRAST
            self.negator[i] = w in S.NEGATORS
            self.clause_start[i] = w in CLAUSE_START_PUNCT
            self.pronoun[i] = w in PRONOUNS
            self.shown[i] = w not in fw and any(ch.isalnum() for ch in w)
            f = fidx.get(w, -1)
            if f >= 0:
                idx.append(f)
                val.append(1.0)
            for c, v in enumerate(lexv.get(w, ())):
                if v and self.lex_fid[c] >= 0:
                    idx.append(int(self.lex_fid[c]))
                    val.append(v)
            ptr.append(len(idx))
        ptr.append(len(idx))  # unknown: no features
        self.feat_ptr = np.array(ptr, dtype=np.int64)
        self.feat_idx = np.array(idx, dtype=np.int64)
        self.feat_val = np.array(val, dtype=np.float64)


def _negation_scope(negator: np.ndarray, other: np.ndarray, tsent: np.ndarray) -> np.ndarray:
    """Tokens within NEG_SCOPE after a negator of the same sentence, with no punctuation token
    between (a punctuation token is never negated)."""
    n = len(negator)
    neg = np.zeros(n, dtype=bool)
    if not negator.any():
        return neg
    stops = np.cumsum(other)
    for k in range(1, NEG_SCOPE + 1):
        j = np.arange(k, n)
        p = j - k
        neg[j] |= negator[p] & (tsent[p] == tsent[j]) & (stops[j] - stops[p] == 0)
    return neg


# ---------------------------------------------------------------- features of a batch


@dataclass
class Batch:
    """Sparse features of a batch of targets: X as COO entries (row, col, val) in an order
    that depends only on each row's own target, plus the context token of each entry (`tok`,
    -1 for role features) for the drivers."""

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    tok: np.ndarray
    n_targets: int
    i0: np.ndarray
    i1: np.ndarray
    tokens: Tokens


def n_columns(n_features: int) -> int:
    """Columns of X: the role features, then (token feature, slot) pairs."""
    return N_ROLES + n_features * N_SLOTS


def _target_spans(tk: Tokens, sid, starts, ends):
    """First and last token of each target (the first token ending after start, the last one
    starting before end; an empty span takes the first token ending after its start)."""
    ga = tk.sent_off[sid] + starts
    gb = tk.sent_off[sid] + ends
    t0, t1 = tk.first_tok[sid], tk.last_tok[sid]
    hi = np.maximum(t1 - 1, t0)
    i0 = np.clip(np.searchsorted(tk.end, ga, side="right"), t0, hi)
    i1 = np.clip(np.searchsorted(tk.start, gb, side="left") - 1, t0, hi)
    i1 = np.maximum(i1, i0)
    return i0, i1, t0, t1


def _roles(tk: Tokens, tables: WordTables, i0, i1, t0, t1):
    """(T x N_ROLES flags, speaker-verb token or -1) of every target."""
    T = len(i0)
    flags = np.zeros((T, N_ROLES), dtype=bool)
    flags[:, 0] = True
    has = t1 > t0
    cue = tables.cue[tk.ids] if len(tk.ids) else np.zeros(0, dtype=np.int64)
    verb = np.full(T, -1, dtype=np.int64)
    for k in range(1, CUE_REACH + 1):
        j = i1 + k
        ok = has & (j < t1) & (verb < 0)
        c = np.where(ok, cue[np.minimum(j, len(cue) - 1)] if len(cue) else -1, -1)
        hit = c >= 0
        verb[hit] = j[hit]
        flags[hit, _ROLE_INDEX["role:speaker"]] = True
        flags[hit.nonzero()[0], _ROLE_INDEX["role:speaker:neutral"] + c[hit]] = True
    for k in range(1, CUE_REACH + 1):
        j = i0 - k
        ok = has & (j >= t0)
        c = np.where(ok, cue[np.maximum(j, 0)] if len(cue) else -1, -1)
        hit = c >= 0
        flags[hit.nonzero()[0], _ROLE_INDEX["role:cue-before:neutral"] + c[hit]] = True
    if len(tk.ids):
        prev = np.maximum(i0 - 1, 0)
        pid = tk.ids[prev]
        subj = (i0 == t0) | tables.clause_start[pid] | tables.brk[pid]
        flags[:, _ROLE_INDEX["role:subject-position"]] = has & subj
        flags[:, _ROLE_INDEX["role:pronoun"]] = has & tables.pronoun[tk.ids[np.minimum(
            i0, len(tk.ids) - 1)]]  # fmt: skip
    return flags, verb


@dataclass
class Pairs:
    """Every (target, context token) pair of a batch, with the slots the token fills for
    that target (5 x pairs; -1 = none), plus each target's role flags and span."""

    tokens: Tokens
    n_targets: int
    i0: np.ndarray
    i1: np.ndarray
    pt: np.ndarray
    pj: np.ndarray
    slots: np.ndarray
    roles: np.ndarray


_BUCKET = np.searchsorted(BUCKET_EDGES, np.arange(BUCKET_EDGES[-1] + 2))  # distance -> bucket


def pairs(sentences, starts, ends, tables: WordTables) -> Pairs:
    """Tokens of the distinct sentences, target spans, roles and (target, token) slots."""
    uniq: dict[str, int] = {}
    sid = np.fromiter((uniq.setdefault(s, len(uniq)) for s in sentences), dtype=np.int64)
    tk = tokenize_batch(list(uniq), tables.vocab)
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    i0, i1, t0, t1 = _target_spans(tk, sid, starts, ends)
    T = len(sid)
    flags, verb = _roles(tk, tables, i0, i1, t0, t1)
    flags[:, _ROLE_INDEX["role:quoted"]] = tk.quoted[sid] & (t1 > t0)
    # Pairs (target, context token): every token of the target's sentence but its own.
    n_t = t1 - t0
    pt = np.repeat(np.arange(T), n_t)
    pj = np.arange(len(pt)) - np.repeat(np.cumsum(n_t) - n_t - t0, n_t)
    a, b = i0[pt], i1[pt]
    ctx = (pj < a) | (pj > b)
    pt, pj, a, b = pt[ctx], pj[ctx], a[ctx], b[ctx]
    right = pj > b
    dist = np.where(right, pj - b, a - pj)
    bucket = _BUCKET[np.minimum(dist, len(_BUCKET) - 1)]
    brk = tables.brk[tk.ids]
    cb = np.cumsum(brk)
    in_clause = np.where(right, cb[pj] == cb[b], cb[np.maximum(a - 1, 0)] - cb[pj] + brk[pj]
                         == 0)  # fmt: skip
    neg = _negation_scope(tables.negator[tk.ids], tk.other, tk.sent)[pj]
    base = neg * (2 * N_ZONES) + right * N_ZONES
    slots = np.stack([base, np.where(bucket < 4, base + 1 + bucket, -1),
                      np.where(in_clause, base + 5, -1), SENTENCE_SLOT + neg,
                      np.where(pj == verb[pt], SPEAKER_VERB_SLOT, -1)])  # fmt: skip
    # The mention's own lowercase tokens ("Russian [invaders]"; never a capitalised name word)
    # bring their priors only, in the self slot (appended after the context pairs).
    n_s = np.where(t1 > t0, i1 - i0 + 1, 0)
    st = np.repeat(np.arange(T), n_s)
    sj = np.arange(len(st)) - np.repeat(np.cumsum(n_s) - n_s - i0, n_s)
    own = ~tk.cap[sj]
    st, sj = st[own], sj[own]
    sslots = np.full((len(slots), len(st)), -1, dtype=slots.dtype)
    sslots[0] = SELF_SLOT
    return Pairs(tk, T, i0, i1, np.concatenate([pt, st]), np.concatenate([pj, sj]),
                 np.concatenate([slots, sslots], axis=1), flags)


def batch_features(sentences, starts, ends, tables: WordTables) -> Batch:
    """X of many targets (parallel sequences of sentence text and character offsets): COO
    entries (row, col, val) with col = N_ROLES + feature * N_SLOTS + slot for every token
    feature of every (target, context token) pair and slot, and the role flags."""
    pr = pairs(sentences, starts, ends, tables)
    rr, rc = np.nonzero(pr.roles)
    wid = pr.tokens.ids[pr.pj]
    cnt = tables.feat_ptr[wid + 1] - tables.feat_ptr[wid]
    pair = np.repeat(np.arange(len(pr.pt)), cnt)
    k = np.arange(len(pair)) - np.repeat(np.cumsum(cnt) - cnt - tables.feat_ptr[wid], cnt)
    f, v = tables.feat_idx[k], tables.feat_val[k]
    prior = np.isin(f, tables.lex_fid)
    rows, cols, vals, tok = [rr], [rc], [np.ones(len(rr))], [np.full(len(rr), -1)]
    for s in pr.slots:
        sp = s[pair]
        ok = (sp >= 0) & ((sp != SELF_SLOT) | prior)  # the self slot: priors only
        rows.append(pr.pt[pair[ok]])
        cols.append(N_ROLES + f[ok] * N_SLOTS + sp[ok])
        vals.append(v[ok])
        tok.append(pr.pj[pair[ok]])
    return Batch(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
                 np.concatenate(tok), pr.n_targets, pr.i0, pr.i1, pr.tokens)


# ---------------------------------------------------------------- the model


class TargetModel:
    """A loaded target-sentiment model: its features (words and prior pseudo-words), the
    weights of every (feature, slot) column and of the role features, as one matrix W."""

    def __init__(self, spec: dict, source: str = "<dict>"):
        self.source = source
        try:
            if spec.get("format") != MODEL_FORMAT:
                raise ModelError(f"format {spec.get('format')!r}, expected {MODEL_FORMAT!r}")
            if list(spec["classes"]) != list(CLASSES) or spec["role_names"] != ROLE_NAMES:
                raise ModelError("classes or role feature names differ from this code's")
            if spec["n_slots"] != N_SLOTS:
                raise ModelError(f"{spec['n_slots']} slots, this code has {N_SLOTS}")
            scale = float(spec["scale"])
            self.features = [str(w) for w in spec["features"]]
            nf = len(self.features)
            self.W = np.zeros((n_columns(nf), len(CLASSES)), dtype=np.float64)
            rows = np.asarray(spec["weights"], dtype=np.int64).reshape(-1, 2 + len(CLASSES))
            if len(rows) and not ((rows[:, 0] >= 0).all() and (rows[:, 0] < nf).all()
                                  and (rows[:, 1] >= 0).all() and (rows[:, 1] < N_SLOTS).all()):
                raise ModelError("weights refer to features or slots that do not exist")
            self.W[N_ROLES + rows[:, 0] * N_SLOTS + rows[:, 1]] = rows[:, 2:] / scale
            role = np.asarray(spec["role_weights"], dtype=float) / scale
            if role.shape != (N_ROLES, len(CLASSES)):
                raise ModelError(f"role_weights has shape {role.shape}")
            self.W[:N_ROLES] = role
        except ModelError as exc:
            raise ModelError(f"{source}: not a usable target-sentiment model: {exc}") from None
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"{source}: not a usable target-sentiment model: {exc!r}") from None
        self.meta = spec.get("training", {})
        self.tables = WordTables(self.features)  # data-file errors name their own file
        self.slot_weights = self._slot_table()

    def _slot_table(self) -> np.ndarray:
        """(word ids + 1, N_SLOTS + 1, classes): a word id's weights in every slot, its word
        feature and its priors folded in (sum of value x weight); the last slot (index -1, "no
        slot") and the unknown word are zero. A (target, token) pair then costs one gather
        per slot it fills instead of one per token feature."""
        t = self.tables
        n_ids = len(t.feat_ptr) - 1
        out = np.zeros((n_ids, N_SLOTS + 1, len(CLASSES)))
        ids = np.repeat(np.arange(n_ids), np.diff(t.feat_ptr))
        ws = self.W[N_ROLES:].reshape(-1, N_SLOTS, len(CLASSES))
        np.add.at(out[:, :N_SLOTS], ids, ws[t.feat_idx] * t.feat_val[:, None, None])
        return out

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

    def features_of(self, sentences, starts, ends) -> Batch:
        """The explicit sparse features X of many targets (as in training)."""
        return batch_features(sentences, starts, ends, self.tables)

    def logits_of(self, X: Batch) -> np.ndarray:
        """X @ W for explicit features (training's view; `score` gives the same logits)."""
        out = np.empty((X.n_targets, len(CLASSES)))
        w = self.W[X.cols] * X.vals[:, None]
        for k in range(len(CLASSES)):
            out[:, k] = np.bincount(X.rows, weights=w[:, k], minlength=X.n_targets)
        return out

    def score(self, sentences, starts, ends, want_drivers: bool = False, top: int = 4
              ) -> tuple[np.ndarray, Drivers | None]:
        """(logits, drivers) of many targets as one batch.

        The sparse product X @ W with X's (token feature, slot) entries folded per (target,
        token) pair: each pair adds the slot-table rows of its word for the slots it fills;
        pairs are summed per target (`np.bincount`, in token order: a target's logits do not
        depend on the rest of the batch), the role rows are added. Drivers come from the same
        pair sums (see `_drivers`)."""
        pr = pairs(sentences, starts, ends, self.tables)
        wid = pr.tokens.ids[pr.pj]
        sw = self.slot_weights
        c = sw[wid, pr.slots[0]]
        for s in pr.slots[1:]:
            c += sw[wid, s]
        T = pr.n_targets
        logits = np.zeros((T, len(CLASSES)))
        for r in range(N_ROLES):
            on = pr.roles[:, r]
            if on.any():
                logits[on] += self.W[r]
        for k in range(len(CLASSES)):
            logits[:, k] += np.bincount(pr.pt, weights=c[:, k], minlength=T)
        if not want_drivers:
            return logits, None
        return logits, self._drivers(pr, wid, c, logits.argmax(1), top)

    def _drivers(self, pr: Pairs, wid, c, pred, top: int) -> Drivers:
        """Per target, the context words and role features that pushed its predicted class
        most: [(name, polarity push), ...], strongest first.

        A context token's contribution is its pair's sum (word and priors in every slot it
        fills), a role feature's is its row. Ranked by how much they favour the predicted
        class over the mean of the other two (shown if > 0.05; punctuation and
        driver_function_words never; ties by position) and reported with their polarity push
        (positive minus negative logit)."""
        T = pr.n_targets
        k = pred[pr.pt]
        tot = c.sum(1)
        ck = c[np.arange(len(c)), k]
        push = ck - 0.5 * (tot - ck)
        sel = np.flatnonzero(self.tables.shown[wid] & (push > 0.05))
        rr, rc = np.nonzero(pr.roles[:, 1:])
        rc = rc + 1
        rw = self.W[rc]
        rk = pred[rr]
        rpk = rw[np.arange(len(rr)), rk]
        rpush = rpk - 0.5 * (rw.sum(1) - rpk)
        rsel = np.flatnonzero(rpush > 0.05)
        ntok = len(pr.tokens.ids)
        row = np.concatenate([pr.pt[sel], rr[rsel]])
        key = np.concatenate([pr.pj[sel], ntok + rc[rsel]])
        pu = np.concatenate([push[sel], rpush[rsel]])
        pol = np.concatenate([c[sel, 2] - c[sel, 0], rw[rsel, 2] - rw[rsel, 0]])
        order = np.lexsort((key, -pu, row))
        r = row[order]
        keep = order[np.arange(len(order)) - np.searchsorted(r, r, side="left") < top]
        row, key = row[keep], key[keep]
        is_tok = key < ntok
        kt = np.minimum(key, max(ntok - 1, 0))
        # A driver has a weight, so it is a known word: its canonical form is the table's.
        words = self.tables.word_array[pr.tokens.ids[kt[is_tok]]]
        side = np.where(key > pr.i1[row], "right:", np.where(key >= pr.i0[row], "self:",
                                                             "left:")).astype(object)
        names = _ROLE_ARRAY[np.clip(key - ntok, 0, N_ROLES - 1)]
        if len(words):
            names[is_tok] = side[is_tok] + words
        return Drivers(T, row, names, np.round(pol[keep], 3))


_ROLE_ARRAY = np.asarray(ROLE_NAMES, dtype=object)


@dataclass
class Drivers:
    """The drivers of a batch: parallel arrays (target row, name, polarity push), each
    target's drivers strongest first."""

    n_targets: int
    row: np.ndarray
    name: np.ndarray
    push: np.ndarray

    def lists(self) -> list[list[tuple[str, float]]]:
        """[(name, push), ...] per target."""
        out: list[list[tuple[str, float]]] = [[] for _ in range(self.n_targets)]
        for t, n, p in zip(self.row.tolist(), self.name.tolist(), self.push.tolist()):
            out[t].append((n, p))
        return out

    def text(self) -> list[str]:
        """"name +0.12; name -0.50" per target (the mention table's `drivers` column)."""
        nums = np.array([f"{p:+.2f}" for p in self.push.tolist()], dtype=object)
        pieces = (self.name + " " + nums).tolist() if len(nums) else []
        bounds = np.searchsorted(self.row, np.arange(self.n_targets + 1)).tolist()
        return ["; ".join(pieces[a:b]) for a, b in itertools.pairwise(bounds)]


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> TargetModel:
    """The shipped model (package data) or the model file at `path`; loaded once per process."""
    if path is not None:
        return TargetModel.from_file(path)
    res = resources.files(MODEL_RESOURCE[0]).joinpath(*MODEL_RESOURCE[1:])
    with resources.as_file(res) as p:
        return TargetModel.from_file(p)


def probabilities(logits: np.ndarray) -> np.ndarray:
    """Softmax of each row."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def score_targets(sentences, starts, ends, want_drivers: bool = False, model=None) -> dict:
    """Probabilities, polarity (P(pos) - P(neg)), subjectivity (1 - P(neutral)), label index
    and drivers of many targets (parallel sequences), all scored as one batch."""
    model = model or load_model()
    sentences = list(sentences)
    if not sentences:
        P = np.zeros((0, len(CLASSES)))
        return {"proba": P, "polarity": P[:, 0], "subjectivity": P[:, 0],
                "label": np.zeros(0, dtype=int), "drivers": []}
    logits, drivers = model.score(sentences, starts, ends, want_drivers)
    P = probabilities(logits)
    return {
        "proba": P,
        "polarity": P[:, 2] - P[:, 0],
        "subjectivity": 1.0 - P[:, 1],
        "label": logits.argmax(1),
        "drivers": drivers.lists() if want_drivers else [[] for _ in sentences],
    }
