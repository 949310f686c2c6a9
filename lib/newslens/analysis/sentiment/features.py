"""Features of target mentions for the learned scorer, for a whole batch at once.

A target is a mention at sentence[start:end]; its name is masked. Each context token of the
sentence (lowercased, "n't" as "not") brings its *token features* — the word itself and its
prior polarity: VADER valence / 4, TextBlob polarity, Hu & Liu's opinion words (+1 / -1), each
split by sign, and the war-event classes of data/war_events.yml (success, setback, hostile),
priors times LEX_SCALE, and, for a model trained with word clusters (`wordclusters`), its
cluster "@k:<id>" — into the *slots* that say where it stands from the target:

- ``side:any`` (left or right), ``side:d1``, ``side:d2-3``, ``side:d4-6``, ``side:d7-12``
  (distance in tokens), ``side:clause`` (the target's own clause: clauses end at ; : dashes
  brackets quotes and contrast words such as but/however/although), ``sentence`` (anywhere),
  ``speaker-verb`` (the reporting verb that makes the target the speaker), and ``self`` (the
  priors, never the words, of the mention's own lowercase tokens: "Russian [invaders]");
- a token within 4 words after a negator (not, no, never, n't, ...; up to punctuation) fills
  the negated variant of every side and sentence slot (``left:not:clause``, ``sentence:not``).

A feature is (token feature, slot): value 1 for a word, the prior value for a prior. Role
features: a reporting verb (data/reporting_verbs.yml) within 3 tokens after the target (the
target is the speaker) with the verb's class, a reporting verb just before it, the target at
the start of a sentence or clause, a pronoun, quotes in the sentence, and a bias.

`pairs` computes, for every (target, context token) pair of a batch, the slots the token fills
(numpy over the tokens of all distinct sentences, `tokens.tokenize_batch`; no per-target Python
loop); `batch_features` expands them into the explicit sparse X that training fits
(`newslens.analysis.sentiment.train`), `model.TargetModel.score` folds them with the weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from newslens.analysis.sentiment import lexicons as S
from newslens.analysis.sentiment.tokens import Tokens, Vocabulary, canonical, tokenize_batch

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
# Word-cluster token features (`wordclusters`: k-means of word vectors learned from unlabelled
# text): a word in cluster k brings the pseudo-word "@k:<k>" with this value (grouped CV: scale
# 0.5 better than 1, see docs/sentiment-model.md).
CLUSTER_PREFIX = "@k:"
CLUSTER_SCALE = 0.5
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
    feature (value 1), its non-zero priors and, given `clusters` (word -> id, `wordclusters`),
    its cluster's pseudo-word "@k:<id>" when the features have it (value CLUSTER_SCALE): words
    the model never saw share the weights of their cluster.
    """

    def __init__(self, features: list[str], clusters: dict[str, int] | None = None):
        lexv = _lexicon_values()
        cues = _cue_words()
        fw = _function_words()
        self.features = list(features)
        fidx = {w: i for i, w in enumerate(self.features)}
        self.lex_fid = np.array([fidx.get(n, -1) for n in LEX_FEATURES], dtype=np.int64)
        clus = {w: fidx[f"{CLUSTER_PREFIX}{k}"] for w, k in (clusters or {}).items()
                if f"{CLUSTER_PREFIX}{k}" in fidx}  # fmt: skip
        words = [w for w in self.features
                 if w not in LEX_FEATURES and not w.startswith(CLUSTER_PREFIX)]
        extra = (set(lexv) | set(cues) | set(clus) | S.CONTRAST | S.NEGATORS | S.BREAK_PUNCT
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
            if w in clus:
                idx.append(clus[w])
                val.append(CLUSTER_SCALE)
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
