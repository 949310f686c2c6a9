"""The target-scoped window rule of the lexicon scorers.

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

The learned scorer reads the whole sentence instead (`newslens.analysis.sentiment.model`);
`newslens.analysis.sentiment.mentions.score_targets` dispatches between the two.
"""

from __future__ import annotations

from newslens.analysis.sentiment.lexicons import (
    BREAK_PUNCT,
    CONTRAST,
    LEXICON_SCORERS,
    NEGATORS,
    TITLE_WORDS,
    _norm,
    _score_words,
    check_scorer,
    label,
    tokenize,
)

# Window size in tokens before/after the mention (tuned on NewsMTSC train, flat between 6 and 16).
LEFT, RIGHT = 8, 12


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
    scorer: str = "blend",
    left: int = LEFT,
    right: int = RIGHT,
    want_drivers: bool = False,
) -> dict[str, list]:
    """Target-scoped scores for many mentions (parallel sequences of sentence text and offsets).

    Returns lists window_start, window_end, window (scored text), polarity, subjectivity,
    label and, with `want_drivers`, drivers. Lexicon scorers: each distinct sentence is
    tokenised once and each distinct window scored once; the label uses `THRESHOLDS`.
    (The learned scorer: `newslens.analysis.sentiment.mentions.score_targets`.)
    """
    check_scorer(scorer, LEXICON_SCORERS)
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
