"""Tokens and the lexicon scorers (TextBlob pattern, VADER, their blend).

- `tokenize`/`_norm`: word and punctuation tokens with offsets ("n't" split off and read as
  "not") of the target scope (`scope`); `tokens.tokenize_batch` finds the same tokens for a
  whole batch (the learned model, batch TextBlob).
- `score_text`, `score_texts`, `drivers`, `label`: polarity/subjectivity of a span with the
  lexicon scorers; each distinct word list is scored once per process (`_MEMO`).
- `score_texts(..., "textblob")`: all texts in one batch (`tokens.tokenize_batch`), TextBlob
  called only for texts with a word it reacts to; the same numbers as one text at a time.
- Word lists of the scope rule: contrast words, negators, title words (data/language.yml).
- Prior word knowledge of the learned model: `opinion_lexicon()` (Hu & Liu,
  data/opinion_lexicon.yml) and `war_events()` (data/war_events.yml).
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

import numpy as np

from newslens import compat, lexicon

LEXICON_SCORERS = ("textblob", "vader", "blend")
# Target scorers: the lexicon scorers over the target window, and the learned model
# (`newslens.analysis.sentiment.model`), which scores a target in its whole sentence.
SCORERS = (*LEXICON_SCORERS, "learned")

DEFAULT_TARGET_SCORER = "learned"

# Neutral band on polarity for the three classes (documented in the README).
# TextBlob polarity and VADER compound are both in [-1, 1]; VADER's own convention is +-0.05.
# A learned mention's label is its most probable class; the band applies to its polarity
# P(positive) - P(negative) only where no probabilities are at hand (actor means).
THRESHOLDS = {"textblob": 0.05, "vader": 0.05, "blend": 0.05, "learned": 0.05}


CONTRAST = lexicon.word_set("contrast_words")
BREAK_PUNCT = frozenset(';:—–()"“”')
NEGATORS = lexicon.word_set("negators")
TITLE_WORDS = lexicon.word_set("title_words")

# Words, with "n't" split off ("didn't" -> "did", "n't") so negation is visible, and punctuation.
_TOKEN_NT = re.compile(r"\w+?(?=n['’]t\b)|n['’]t\b|\w+(?:['’]\w+)*|[^\w\s]", re.IGNORECASE)
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Word and punctuation tokens with character offsets: (token, start, end)."""
    low = text.lower()
    rx = _TOKEN_NT if ("n't" in low or "n’t" in low) else _TOKEN
    return [(m.group(), m.start(), m.end()) for m in rx.finditer(text)]


def _norm(tok: str) -> str:
    low = tok.lower()
    if "’" in low:
        low = low.replace("’", "'")
    return "not" if low == "n't" else low


# ---------------------------------------------------------------- scorers


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def check_scorer(scorer: str, scorers=SCORERS) -> str:
    if scorer not in scorers:
        what = "sentiment scorer" if scorer not in SCORERS else "scorer for whole texts"
        raise ValueError(f"unknown {what} {scorer!r}; choose one of {', '.join(scorers)}"
                         + (" (learned scores targets: use mention_sentiment)"
                            if scorer == "learned" else ""))
    return scorer


@lru_cache(maxsize=1)
def _live_words() -> tuple[frozenset[str], frozenset[str]]:
    """Words that can move TextBlob (lexicon words, emoticons, "(!)") and VADER (lexicon)."""
    return compat.textblob_live_words(), frozenset(_vader().lexicon)


def _silent(words: list[str], scorer: str) -> bool:
    """True when no word can score: both lexicon scorers then give exactly 0.0/0.0, no drivers.

    TextBlob only assesses lexicon words and emoticons; VADER only gives valence to lexicon
    words (looked up as written and punctuation-stripped) and emojis (non-ASCII, never skipped).
    """
    tb, vd = _live_words()
    if scorer in ("textblob", "blend") and not tb.isdisjoint(words):
        return False
    if scorer in ("vader", "blend"):
        for w in words:
            if not w.isascii() or w in vd or w.strip(string.punctuation) in vd:
                return False
    return True


# Scores of distinct word lists, shared by every call in this process (bounded).
_MEMO: dict[tuple, tuple] = {}
_MEMO_MAX = 200_000


def _score_words(words: list[str], scorer: str, want_drivers: bool = False):
    """(polarity, subjectivity, drivers) of normalised words (see `score_text`, `drivers`).

    TextBlob gets the word list directly (its own tokenizer is the slow part of a call and keeps
    "isn't" whole, so its negation rule would never fire); VADER gets the words joined by spaces.
    Each distinct word list is scored once per process; lists with no lexicon word are not scored.
    """
    key = (scorer, want_drivers, " ".join(words))
    r = _MEMO.get(key)
    if r is None:
        check_scorer(scorer, LEXICON_SCORERS)
        r = (0.0, 0.0, []) if _silent(words, scorer) else _score_words_raw(words, scorer,
                                                                             want_drivers)
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        _MEMO[key] = r
    return r[0], r[1], list(r[2])


def _score_words_raw(words: list[str], scorer: str, want_drivers: bool = False):
    drv: list[tuple[str, float]] = []
    tb = vd = None
    if scorer in ("textblob", "blend"):
        tb = compat.textblob_lexicon()(words)
        if want_drivers:
            seen: set[str] = set()
            for w, p, _s, _x in tb.assessments:
                if p:
                    drv.append((" ".join(w), round(float(p), 3)))
                    seen.update(w)
    if scorer in ("vader", "blend"):
        vd = _vader().polarity_scores(" ".join(words))
        if want_drivers:
            lex = _vader().lexicon
            seen = seen if scorer == "blend" else set()
            for w in words:
                v = lex.get(w)
                if v and w not in seen:
                    drv.append((w, round(v / 4.0, 3)))
                    seen.add(w)
    drv.sort(key=lambda x: -abs(x[1]))
    if scorer == "textblob":
        return float(tb[0]), float(tb[1]), drv
    if scorer == "vader":
        return float(vd["compound"]), float(vd["pos"] + vd["neg"]), drv
    if scorer == "blend":
        return (float(tb[0]) + float(vd["compound"])) / 2.0, float(tb[1]), drv
    check_scorer(scorer)
    raise AssertionError


def score_text(text: str, scorer: str = "textblob") -> tuple[float, float]:
    """(polarity, subjectivity) of a text span.

    textblob: pattern polarity in [-1, 1] and subjectivity in [0, 1].
    vader: compound in [-1, 1]; subjectivity = share of non-neutral words (pos + neg).
    blend: mean of the TextBlob polarity and the VADER compound (TextBlob's adjectives plus
    VADER's verbs and nouns); subjectivity from TextBlob.
    """
    check_scorer(scorer, LEXICON_SCORERS)
    pol, subj, _ = _score_words([_norm(t) for t, _a, _b in tokenize(text)], scorer)
    return pol, subj


@lru_cache(maxsize=1)
def _textblob_reader():
    """(vocabulary, word read per id, live flag per id, resetter flag per id) for batch TextBlob
    scoring: the tokens TextBlob's rules react to (lexicon words, emoticons, negations,
    punctuation) are read as themselves; any other token acts by its length alone, so it is
    read as a stand-in "q" / "qq" / "qqq" (as `compat.textblob_lexicon` does). A "qqq" ends a
    pending negation and modifier and does nothing else, so one after another (or first in a
    sentence) changes nothing and is dropped."""
    from textblob._text import PUNCTUATION

    from newslens.analysis.sentiment.tokens import MAX_WORD, Vocabulary, canonical

    lex = compat.textblob_lexicon()
    keep = set(dict.keys(lex)) | set(lex.negations) | set(PUNCTUATION) | {"!"} | set(
        compat.textblob_live_words())  # fmt: skip
    words = sorted(w for w in keep if w and w == canonical(w) and w == _norm(w)
                   and not any(ch.isspace() for ch in w) and len(w) <= MAX_WORD)  # fmt: skip
    vocab = Vocabulary(words)
    live = compat.textblob_live_words()
    read = np.array(vocab.words + ["q", "qq", "qqq"], dtype=object)
    is_live = np.array([w in live for w in vocab.words] + [False])
    return vocab, read, is_live


def _textblob_batch(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """TextBlob (polarity, subjectivity) of many distinct texts: one tokenising pass (numpy), no
    TextBlob call for a text without a live word, shortened word lists for the others. Gives
    exactly `score_text(t, "textblob")` (a test checks)."""
    from newslens.analysis.sentiment.tokens import tokenize_batch

    vocab, read, is_live = _textblob_reader()
    pol = np.zeros(len(texts))
    subj = np.zeros(len(texts))
    if not texts:
        return pol, subj
    tk = tokenize_batch(texts, vocab)
    live = np.bincount(tk.sent, weights=is_live[tk.ids], minlength=len(texts)) > 0
    unknown = tk.ids == vocab.unknown
    length = tk.end - tk.start
    # Unknown tokens by length: 1 -> "q", 2 -> "qq", longer -> "qqq" (a resetter).
    what = np.where(unknown, vocab.unknown + np.minimum(length, 3) - 1, tk.ids)
    reset = unknown & (length >= 3)
    first = np.zeros(len(what), dtype=bool)
    first[tk.first_tok[tk.first_tok < tk.last_tok]] = True
    after_reset = np.zeros(len(what), dtype=bool)
    after_reset[1:] = reset[:-1]
    keep = np.flatnonzero(~(reset & (first | after_reset)) & live[tk.sent])
    words = read[what[keep]].tolist()
    bounds = np.searchsorted(tk.sent[keep], np.arange(len(texts) + 1)).tolist()
    for i in np.flatnonzero(live).tolist():
        p, q, _d = _score_words(words[bounds[i]:bounds[i + 1]], "textblob")
        pol[i], subj[i] = p, q
    return pol, subj


def score_texts(texts, scorer: str = "textblob") -> tuple[list[float], list[float]]:
    """Score many spans, each distinct span once (textblob: all in one batch)."""
    check_scorer(scorer, LEXICON_SCORERS)
    if scorer == "textblob":
        texts = list(texts)
        uniq = list(dict.fromkeys(texts))
        p, q = _textblob_batch(uniq)
        at = {t: k for k, t in enumerate(uniq)}
        idx = [at[t] for t in texts]
        return p[idx].tolist(), q[idx].tolist()
    cache: dict[str, tuple[float, float]] = {}
    pol, subj = [], []
    for t in texts:
        r = cache.get(t)
        if r is None:
            r = cache[t] = score_text(t, scorer)
        pol.append(r[0])
        subj.append(r[1])
    return pol, subj


def drivers(text: str, scorer: str = "textblob") -> list[tuple[str, float]]:
    """Words/phrases that drive the score, strongest first: [(phrase, polarity), ...].

    textblob: its assessments (a lexicon word with its modifier/negation, e.g. "not very good").
    vader: words with a non-zero VADER valence (valence / 4, so in [-1, 1]).
    blend: both, a VADER word only when no TextBlob phrase already contains it.
    """
    check_scorer(scorer, LEXICON_SCORERS)
    return _score_words([_norm(t) for t, _a, _b in tokenize(text)], scorer, True)[2]


def label(polarity: float, scorer: str = "textblob") -> str:
    """negative | neutral | positive using the scorer's neutral band."""
    t = THRESHOLDS[scorer]
    if polarity > t:
        return "positive"
    if polarity < -t:
        return "negative"
    return "neutral"


# ---------------------------------------------------------------- opinion lexicon


def _parse_opinion(doc, path) -> dict[str, frozenset[str]]:
    doc = lexicon.mapping(doc, path, "'positive' and 'negative' word lists")
    return {key: frozenset(w.lower() for w in lexicon.string_list(
                doc.get(key), path, key, "words", allow_empty=False))
            for key in ("positive", "negative")}  # fmt: skip


def opinion_lexicon(path=None) -> dict[str, frozenset[str]]:
    """Hu & Liu's opinion words (data/opinion_lexicon.yml): {"positive": ..., "negative": ...}."""
    return lexicon.load(lexicon.resolve(path, "opinion_lexicon.yml"), _parse_opinion)


def _parse_war(doc, path) -> dict[str, frozenset[str]]:
    doc = lexicon.mapping(doc, path, "'success', 'setback' and 'hostile' word lists")
    return {key: frozenset(w.lower() for w in lexicon.string_list(
                doc.get(key), path, key, "words", allow_empty=False))
            for key in WAR_CLASSES}  # fmt: skip


WAR_CLASSES = ("success", "setback", "hostile")


def war_events(path=None) -> dict[str, frozenset[str]]:
    """War-reporting word classes (data/war_events.yml): success, setback, hostile."""
    return lexicon.load(lexicon.resolve(path, "war_events.yml"), _parse_war)
