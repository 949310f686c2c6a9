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
from functools import lru_cache

SCORERS = ("textblob", "vader", "blend")

# Window size in tokens before/after the mention (tuned on NewsMTSC train, flat between 6 and 16).
LEFT, RIGHT = 8, 12
DEFAULT_TARGET_SCORER = "blend"

# Neutral band on target polarity for the three classes (documented in the README).
# TextBlob polarity and VADER compound are both in [-1, 1]; VADER's own convention is +-0.05.
THRESHOLDS = {"textblob": 0.05, "vader": 0.05, "blend": 0.05}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CONTRAST = _words(
    "but although though however while whereas despite yet nevertheless nonetheless meanwhile"
    " unlike"
)
BREAK_PUNCT = frozenset(';:—–()"“”')
NEGATORS = _words("not no never n't nor without cannot neither")
TITLE_WORDS = _words(
    "president vice prime minister chief special envoy secretary general leader senator sen rep"
    " representative governor gov mr mrs ms dr former chairman chairwoman speaker king queen pope"
    " judge attorney director ambassador commissioner spokesman spokeswoman head first lady elect"
    " - . 's ’s s ' ’"
)

_NT = re.compile(r"n['’]t\b|\bn't\b", re.IGNORECASE)
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Word and punctuation tokens with character offsets: (token, start, end)."""
    out = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        low = tok.lower().replace("’", "'")
        # Split contractions so negation is visible: "didn't" -> "did", "n't".
        if low.endswith("n't") and len(low) > 3:
            cut = m.end() - 3
            out.append((tok[:-3], m.start(), cut))
            out.append((tok[-3:], cut, m.end()))
        else:
            out.append((tok, m.start(), m.end()))
    return out


# ---------------------------------------------------------------- scorers


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _textblob():
    from textblob.en import sentiment

    return sentiment


def _expand_nt(text: str) -> str:
    """TextBlob's tokenizer leaves "isn't" whole, so its negation rule never fires: expand it."""
    return _NT.sub(" not", text) if "n't" in text or "n’t" in text else text


def check_scorer(scorer: str) -> str:
    if scorer not in SCORERS:
        raise ValueError(f"unknown sentiment scorer {scorer!r}; choose one of {', '.join(SCORERS)}")
    return scorer


def score_text(text: str, scorer: str = "textblob") -> tuple[float, float]:
    """(polarity, subjectivity) of a text span.

    textblob: pattern polarity in [-1, 1] and subjectivity in [0, 1].
    vader: compound in [-1, 1]; subjectivity = share of non-neutral words (pos + neg).
    blend: mean of the TextBlob polarity and the VADER compound (TextBlob's adjectives plus
    VADER's verbs and nouns); subjectivity from TextBlob.
    """
    if scorer == "textblob":
        s = _textblob()(_expand_nt(text))
        return float(s[0]), float(s[1])
    if scorer == "vader":
        s = _vader().polarity_scores(text)
        return float(s["compound"]), float(s["pos"] + s["neg"])
    if scorer == "blend":
        t = _textblob()(_expand_nt(text))
        v = _vader().polarity_scores(text)["compound"]
        return (float(t[0]) + float(v)) / 2.0, float(t[1])
    check_scorer(scorer)
    raise AssertionError


def score_texts(texts, scorer: str = "textblob") -> tuple[list[float], list[float]]:
    """Score many spans, each distinct span once."""
    check_scorer(scorer)
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
    vader: window words with a non-zero VADER valence (valence / 4, so in [-1, 1]).
    blend: both, a VADER word only when no TextBlob phrase already contains it.
    """
    check_scorer(scorer)
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    if scorer in ("textblob", "blend"):
        for w, p, _s, _x in _textblob()(_expand_nt(text)).assessments:
            if p:
                out.append((" ".join(w), round(float(p), 3)))
                seen.update(w)
    if scorer in ("vader", "blend"):
        lex = _vader().lexicon
        for tok, _a, _b in tokenize(text):
            low = tok.lower()
            v = lex.get(low)
            if v and low not in seen:
                out.append((low, round(v / 4.0, 3)))
    out.sort(key=lambda x: -abs(x[1]))
    return out


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
    low = tok.lower()
    return low in TITLE_WORDS or tok[:1].isupper()


def target_window(
    sentence: str, start: int, end: int, left: int = LEFT, right: int = RIGHT
) -> tuple[int, int, str]:
    """Scope of a mention at sentence[start:end]: (window_start, window_end, scored text).

    Offsets are into ``sentence``; the scored text is the window without the mention and the
    name/title words next to it. See the module docstring for the rule.
    """
    toks = tokenize(sentence)
    if not toks:
        return start, end, ""
    inside = [i for i, (_t, a, b) in enumerate(toks) if a < end and b > start]
    if inside:
        i0, i1 = inside[0], inside[-1]
    else:  # zero-width or whitespace mention: nearest token
        i0 = i1 = min(range(len(toks)), key=lambda i: abs(toks[i][1] - start))
    # Grow the excluded span over the name/title words glued to the mention.
    x0, x1 = i0, i1
    while x0 > 0 and _is_name_word(toks[x0 - 1][0]) and toks[x0 - 1][0].lower() not in CONTRAST:
        x0 -= 1
    while (
        x1 + 1 < len(toks)
        and _is_name_word(toks[x1 + 1][0])
        and toks[x1 + 1][0].lower() not in CONTRAST
    ):
        x1 += 1
    # Clause containing the mention.
    c0 = 0
    for i in range(x0 - 1, -1, -1):
        t = toks[i][0].lower()
        if t in BREAK_PUNCT or t in CONTRAST:
            c0 = i + 1
            break
    c1 = len(toks) - 1
    for i in range(x1 + 1, len(toks)):
        t = toks[i][0].lower()
        if t in BREAK_PUNCT or t in CONTRAST:
            c1 = i - 1
            break
    w0 = max(c0, x0 - left)
    w1 = min(c1, x1 + right)
    # Keep a negator that sits just before the window.
    for i in range(w0 - 1, max(c0, w0 - 3) - 1, -1):
        if toks[i][0].lower().replace("’", "'") in NEGATORS:
            w0 = i
            break
    words = [toks[i][0] for i in range(w0, w1 + 1) if not (x0 <= i <= x1)]
    text = " ".join(words).replace("’", "'")
    a = min(toks[w0][1], start)
    b = max(toks[w1][2], end)
    return a, b, text


def score_targets(
    sentences,
    starts,
    ends,
    scorer: str = DEFAULT_TARGET_SCORER,
    left: int = LEFT,
    right: int = RIGHT,
) -> dict[str, list]:
    """Target-scoped scores for many mentions (parallel sequences of sentence text and offsets).

    Returns lists window_start, window_end, window (scored text), polarity, subjectivity.
    Each distinct (sentence, span) window is built once and each distinct window text scored once.
    """
    check_scorer(scorer)
    wcache: dict[tuple[str, int, int], tuple[int, int, str]] = {}
    scache: dict[str, tuple[float, float]] = {}
    out: dict[str, list] = {
        k: [] for k in ("window_start", "window_end", "window", "polarity", "subjectivity")
    }
    for sent, a, b in zip(sentences, starts, ends):
        key = (sent, int(a), int(b))
        w = wcache.get(key)
        if w is None:
            w = wcache[key] = target_window(sent, key[1], key[2], left, right)
        r = scache.get(w[2])
        if r is None:
            r = scache[w[2]] = score_text(w[2], scorer)
        out["window_start"].append(w[0])
        out["window_end"].append(w[1])
        out["window"].append(w[2])
        out["polarity"].append(r[0])
        out["subjectivity"].append(r[1])
    return out
