"""Lexicon scorers (TextBlob pattern, VADER) and the target-scoped window rule.

Scope rule for a target mention (character offsets ``start:end`` inside a sentence):

1. Tokenise the sentence (words and punctuation, with offsets).
2. Cut the sentence into clauses at semicolons/colons/dashes and at contrast words
   (``CONTRAST``: but, although, though, however, while, whereas, despite, yet, ...).
   The scope is the clause that contains the mention.
3. Inside that clause keep at most ``left`` tokens before and ``right`` tokens after the mention.
   If a negator (not, no, never, n't, ...) sits just before the window, the window grows to
   include it, so "not" is never cut off from the word it negates.
4. Drop the mention itself and the name/title words glued to it (capitalised words and titles
   such as "President", "chief", "special envoy"): an actor's own name never scores its tone.
5. Score the remaining words with the lexicon scorer. Negation inside the window is handled by
   the scorer (TextBlob flips/dampens "not good"; VADER flips words after a negator).
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from newslens import compat, lexicon

LEXICON_SCORERS = ("textblob", "vader", "blend")
# Target scorers: the lexicon scorers over the target window, and the learned model
# (`newslens.analysis.target_model`), which scores a target in its whole sentence.
SCORERS = (*LEXICON_SCORERS, "learned")

# Window size in tokens before/after the mention (tuned on NewsMTSC train, flat between 6 and 16).
LEFT, RIGHT = 8, 12
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


def score_texts(texts, scorer: str = "textblob") -> tuple[list[float], list[float]]:
    """Score many spans, each distinct span once."""
    check_scorer(scorer, LEXICON_SCORERS)
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


# ---------------------------------------------------------------- scope


def _is_name_word(tok: str) -> bool:
    return tok[:1].isupper() or tok.lower() in TITLE_WORDS


def _window(toks, start: int, end: int, left: int, right: int) -> tuple[int, int, list[str]]:
    """(window_start, window_end, normalised scored words) for a mention over tokens `toks`."""
    if not toks:
        return start, end, []
    inside = [i for i, (_t, a, b) in enumerate(toks) if a < end and b > start]
    if inside:
        i0, i1 = inside[0], inside[-1]
    else:  # zero-width or whitespace mention: nearest token
        i0 = i1 = min(range(len(toks)), key=lambda i: abs(toks[i][1] - start))
    n = len(toks)
    # Grow the excluded span over the name/title words glued to the mention.
    x0, x1 = i0, i1
    while x0 > 0 and _is_name_word(toks[x0 - 1][0]) and toks[x0 - 1][0].lower() not in CONTRAST:
        x0 -= 1
    while x1 + 1 < n and _is_name_word(toks[x1 + 1][0]) and toks[x1 + 1][0].lower() not in CONTRAST:
        x1 += 1
    # Clause containing the mention, clipped to the window.
    w0 = max(0, x0 - left)
    for i in range(x0 - 1, w0 - 1, -1):
        t = toks[i][0].lower()
        if t in BREAK_PUNCT or t in CONTRAST:
            w0 = i + 1
            break
    c0 = w0
    w1 = min(n - 1, x1 + right)
    for i in range(x1 + 1, w1 + 1):
        t = toks[i][0].lower()
        if t in BREAK_PUNCT or t in CONTRAST:
            w1 = i - 1
            break
    # Keep a negator that sits just before the window (inside the clause).
    if w0 == x0 - left:
        for i in range(w0 - 1, max(0, w0 - 3) - 1, -1):
            t = toks[i][0].lower()
            if t in BREAK_PUNCT or t in CONTRAST:
                break
            if _norm(t) in NEGATORS:
                c0 = i
                break
    words = [_norm(toks[i][0]) for i in range(c0, w1 + 1) if not (x0 <= i <= x1)]
    a = min(toks[c0][1], start) if c0 < n else start
    b = max(toks[w1][2], end) if w1 >= 0 else end
    return a, b, words


def target_window(
    sentence: str, start: int, end: int, left: int = LEFT, right: int = RIGHT
) -> tuple[int, int, str]:
    """Scope of a mention at sentence[start:end]: (window_start, window_end, scored text).

    Offsets are into ``sentence``; the scored text is the window without the mention and the
    name/title words next to it (lowercased, "n't" as "not"). See the module docstring.
    """
    a, b, words = _window(tokenize(sentence), start, end, left, right)
    return a, b, " ".join(words)


def score_targets(
    sentences,
    starts,
    ends,
    scorer: str = DEFAULT_TARGET_SCORER,
    left: int = LEFT,
    right: int = RIGHT,
    want_drivers: bool = False,
) -> dict[str, list]:
    """Target-scoped scores for many mentions (parallel sequences of sentence text and offsets).

    Returns lists window_start, window_end, window (scored text), polarity, subjectivity,
    label and, with `want_drivers`, drivers. Lexicon scorers: each distinct sentence is
    tokenised once and each distinct window scored once; the label uses `THRESHOLDS`.
    learned: the model reads the whole sentence (window = the sentence), polarity = P(positive)
    - P(negative), subjectivity = 1 - P(neutral), label = the most probable class, drivers =
    the context words (with side) and role features that pushed that class most.
    """
    check_scorer(scorer)
    if scorer == "learned":
        return _score_learned(sentences, starts, ends, want_drivers)
    tcache: dict[str, list] = {}
    scache: dict[str, tuple] = {}
    keys = ("window_start", "window_end", "window", "polarity", "subjectivity", "drivers")
    out: dict[str, list] = {k: [] for k in keys}
    for sent, a, b in zip(sentences, starts, ends):
        toks = tcache.get(sent)
        if toks is None:
            toks = tcache[sent] = tokenize(sent)
        w0, w1, words = _window(toks, int(a), int(b), left, right)
        text = " ".join(words)
        r = scache.get(text)
        if r is None:
            r = scache[text] = _score_words(words, scorer, want_drivers)
        out["window_start"].append(w0)
        out["window_end"].append(w1)
        out["window"].append(text)
        out["polarity"].append(r[0])
        out["subjectivity"].append(r[1])
        out["drivers"].append(r[2])
    out["label"] = [label(p, scorer) for p in out["polarity"]]
    if not want_drivers:
        del out["drivers"]
    return out


def _score_learned(sentences, starts, ends, want_drivers: bool) -> dict[str, list]:
    from newslens.analysis import target_model

    sentences = list(sentences)
    r = target_model.score_targets(sentences, starts, ends, want_drivers)
    out = {
        "window_start": [0] * len(sentences),
        "window_end": [len(s) for s in sentences],
        "window": sentences,
        "polarity": r["polarity"].tolist(),
        "subjectivity": r["subjectivity"].tolist(),
        "label": [target_model.CLASSES[k] for k in r["label"]],
    }
    if want_drivers:
        out["drivers"] = r["drivers"]
    return out
