"""Patterns and span helpers shared by the detectors: gaps between subject and cue, content
spans after or before a cue."""

from __future__ import annotations

import re
import sys
from typing import NamedTuple

from newslens import compat, lexicon

AUX = (r"\b(?:has|have|had|was|is|were|are|did|does|do|would|will|could|may|might|also|again|"
       r"repeatedly|publicly|reportedly|previously|later|then|once|firmly|openly|sharply|"
       r"strongly|recently|earlier|already|further|since|not|never|n’t|n't|only|even|just|"
       r"quickly|swiftly|flatly|explicitly|privately|on\s+\w+day|(?-i:[a-z]+ly)|"
       r"once\s+again|in\s+turn|too)")
# Between a subject and its verb: an optional appositive ", …," and up to 3 auxiliaries.
GAP = re.compile(r"(?:,[^,;]{1,80},\s*)?(?:" + AUX + r"\s+){0,3}$", re.IGNORECASE)
AUX_GAP = re.compile(r"(?:" + AUX + r"\s+){0,3}$", re.IGNORECASE)
_AUX_WORDS = lexicon.word_set("auxiliaries")
_AUX_PAIRS = {("on", "day"), ("once", "again"), ("in", "turn")}
_PAIR_SECONDS = {second for _, second in _AUX_PAIRS}


_SPACE = re.compile(r"\s")


def word_start(text: str, j: int) -> int:
    """Start of the run of non-space characters that ends at `j`."""
    k = text.rfind(" ", 0, j) + 1
    if _SPACE.search(text, k, j) is None:
        return k
    k = j
    while k > 0 and not text[k - 1].isspace():
        k -= 1
    return k


def aux_gap_start(text: str, end: int) -> int:
    """Start of the auxiliaries and adverbs (at most three) just before `end` (the pure-Python
    twin of AUX_GAP, much faster than a right-anchored regex search)."""
    pos, n = end, 0
    while n < 3:
        j = pos
        while j > 0 and text[j - 1].isspace():
            j -= 1
        if j == pos:  # no space before: nothing to skip
            return pos
        k = word_start(text, j)
        word = text[k:j]
        low = word.lower()
        if low in _AUX_WORDS or (len(word) > 3 and word.islower() and word.endswith("ly")):
            pos, n = k, n + 1
            continue
        if not (low.endswith("day") or low in _PAIR_SECONDS):
            return _adverbial_end(text, pos, j, low)
        m = k
        while m > 0 and text[m - 1].isspace():
            m -= 1
        h = word_start(text, m)
        prev = text[h:m].lower()
        if (prev, low) in _AUX_PAIRS or prev == "on" and low.endswith("day"):
            pos, n = h, n + 1
            continue
        return _adverbial_end(text, pos, j, low)
    return _adverbial_start(text, pos)


# A time or medium adverbial between a subject and its verb: "Trump last week said", "The
# ministry in a statement said", "Clinton at the time said", "Obama in 2012 said".
_PERIODS = ("week", "month", "year", "weekend", "night", "morning", "afternoon", "evening",
            "spring", "summer", "fall", "autumn", "winter")
_MEDIA = ("statement", "interview", "speech", "address", "post", "tweet", "letter", "email",
          "video", "memo", "op-ed", "column", "book", "report", "filing", "briefing")
_ADVERBIAL_ENDS = frozenset(_PERIODS + _MEDIA + ("time", "twitter", "facebook", "telegram",
                                                 "television", "tv"))
_ADVERBIAL = re.compile(
    r"(?:^|\s)((?:(?:earlier|later|late|early)\s+)?(?:last|this|next)\s+(?:" +
    "|".join(_PERIODS) + r")|at\s+the\s+time|in\s+(?:19|20)\d\d|in\s+(?:a|an|his|her|their|"
    r"its|the)\s+(?:[a-z-]+\s+){0,2}(?:" + "|".join(_MEDIA) + r")|on\s+(?:twitter|facebook|"
    r"telegram|television|tv))\s*$", re.IGNORECASE)


def _adverbial_start(text: str, pos: int) -> int:
    """Start of a time or medium adverbial that ends at `pos` (spaces before `pos` skipped),
    with the auxiliaries before it, else `pos`."""
    j = pos
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j == pos:
        return pos
    return _adverbial_end(text, pos, j, text[word_start(text, j):j].lower())


def _adverbial_end(text: str, pos: int, j: int, word: str) -> int:
    """`_adverbial_start` once the word before `pos` (ending at `j`, lower-cased) is known."""
    if word not in _ADVERBIAL_ENDS and not (len(word) == 4 and word.isdigit()):
        return pos
    m = _ADVERBIAL.search(text, max(0, j - 48), j)
    return aux_gap_start(text, m.start(1)) if m is not None else pos


def appositive_start(text: str, end: int) -> int | None:
    """Start of an appositive ", …," that ends (with its comma and spaces) at `end`."""
    j = end
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j == 0 or text[j - 1] != ",":
        return None
    first = text.rfind(",", max(0, j - 82), j - 1)
    if first < 0 or ";" in text[first:j] or j - 1 - first < 2:
        return None
    return first
PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:" + AUX + r"\s+){0,2}$",
                     re.IGNORECASE)
AGENT = re.compile(r"\s+(?:[\w’'-]+\s+){0,4}?by\s+", re.IGNORECASE)
COORDINATED = re.compile(r"(?:,\s*)?\b(?:and|but|before|then)\s+(?:" + AUX + r"\s+){0,3}$",
                         re.IGNORECASE)
# A comma before a cue that continues the previous statement ("… says X, urges Y").
COMMA_COORDINATED = re.compile(r",\s*(?:" + AUX + r"\s+){0,2}$", re.IGNORECASE)


class Gated(NamedTuple):
    """A case-insensitive pattern searched only on a window that holds one of the literals every
    match contains (`compat.required_literals`; `gated` makes one). The test reads `str.lower()`
    of ASCII windows only, where it agrees with IGNORECASE (which also folds "ſ" onto "s" and
    the Kelvin sign onto "k"); other windows, and patterns without such literals, go to the
    pattern directly."""

    pattern: re.Pattern
    words: frozenset[str] | None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        if self.words is not None:
            window = text[pos:endpos]
            if window.isascii():
                low = window.lower()
                if not any(word in low for word in self.words):
                    return None
        return self.pattern.search(text, pos, endpos)


def gated(pattern: str) -> Gated:
    """`pattern` compiled with IGNORECASE, searched only where its required literals occur."""
    return Gated(re.compile(pattern, re.IGNORECASE), compat.required_literals(pattern))


CONTRAST = gated(r"(?:,\s*|;\s*|\b)(?:while|whereas)\s+$")
CLAUSE_AFTER = re.compile(r"\s*(?:[^\s,.;:“\"]+\s+){0,5}?(?:that\b|[:“\"«])|\s*,\s*[“\"«]",
                          re.IGNORECASE)
PRONOUN_BOUNDARY = re.compile(
    r"(?:^|[,;:“”\"]\s*|\b(?:and|but|while|that|as|so|then|though|although|because|since|"
    r"when|after|before|if|where|whereas|which|who|whom)\s+)$", re.IGNORECASE)
NEGATION = re.compile(r"(?<![\w’'])(?:not|never|n[’']t|no\s+longer|hardly)(?![\w’'])",
                      re.IGNORECASE)
QUOTES = {"“": "”", '"': '"', "«": "»"}
QUOTE_SPAN = re.compile(r"“[^”]*”?|\"[^\"]*\"?|«[^»]*»?")
THAT = re.compile(r"\s*(?:[^\s,.;:“\"]+\s+){0,4}?that\s+", re.IGNORECASE)
QUOTE_AFTER = re.compile(r"\s*(?:(?:[^\s.;:“\"«,]+\s+){1,4}?[:,]\s*|[:,]?\s*)(?=[“\"«])")
QUOTE_NEAR = re.compile(r"[^.;:“\"«]{0,60}?(?=[“\"«]|'')")
# Nothing substantive after a postposed cue: "…, Putin said in a video address."
TAIL = re.compile(
    r"\s*(?:(?:in|on|at|during|after|before|while|to|from|with|via|late|early|last|this|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|yesterday|"
    r"earlier|later|again|recently|afterwards?)\b[^,;:“\"]*)?[\s.!?”\"]*$", re.IGNORECASE)
# Before a postposed or inverted cue: a comma or a closing quotation mark (also the doubled
# apostrophes and single quotes some outlets print: ",'' Mr. X said", ",' he said").
POSTPOSED_LEFT = re.compile(r"(?:,\s*(?:[”\"]|[’']{1,2})?|(?:[”\"]|[’']{2})\s*,?|\s[-–—])\s*$")
PARTICIPIAL_LEFT = re.compile(r",\s*(?:(?:while|before|after|and)\s+)?$", re.IGNORECASE)
WITH_LEFT = gated(r"\bwith\s+(?:[\w.’'-]+\s+){0,6}$")
GROUP_SUBJECT = gated(
    r"(?:^|[,;:]\s*|\b(?:but|and|while)\s+)(many|some|most|others|several|both|all|few|"
    r"many\s+of\s+them|some\s+of\s+them)\s+(?:" + AUX + r"\s+){0,3}$")
PRONOUN_SUBJECT = re.compile(
    r"(?:^|[,;:]\s*|\b(?:but|and|while|that)\s+)(he|she|they)\s+(?:" + AUX + r"\s+){0,3}$",
    re.IGNORECASE)
# Words that may precede a subject at the start of its clause ("Russian President …").
CLAUSE_PREFIX = re.compile(
    r"(?:^|[,;:]\s*)(?:(?:the|a|an|but|and|while|[A-Z][\w.’'-]*)\s+)*$")
CLAUSE_BACK = re.compile(
    r"(?:\s*,)?\s*(?:(?:but|and|while|whereas|as|with)\s+)?"
    r"(?:(?:[A-Z][\w.’'-]*|chief|president|minister|envoy|leader|leaders|spokesman|spokeswoman|"
    r"spokesperson|secretary|head|commander|special|foreign|prime|deputy|the|officials?)\s+)*$")
_NP_STOP = re.compile(r"[,;:.!?“”\"]")
_TRIM = " \t\n,;:.!?"
_TRIM_SINGLE = _TRIM + "'’"
_TRIM_OPEN = _TRIM + "“\"«”"


def quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in QUOTE_SPAN.finditer(text)]


def inside(spans, pos: int) -> bool:
    return any(s < pos < e for s, e in spans)


def read_quote(text: str, at: int) -> tuple[int, int]:
    """(start, end) of the interior of the quotation opening at `at`."""
    close = QUOTES.get(text[at], "”")
    end = text.find(close, at + 1)
    return at + 1, (end if end >= 0 else len(text))


def content_after(text: str, pos: int, q: re.Match | None | bool = True) -> tuple[int, int, bool]:
    """(start, end, is_direct) of what a cue ending at `pos` reports (`q`: QUOTE_AFTER's match
    at `pos` when already known)."""
    if q is True:
        q = QUOTE_AFTER.match(text, pos)
    if q:
        s, e = read_quote(text, q.end())
        return s, e, True
    t = THAT.match(text, pos)
    start = t.end() if t else pos
    return start, len(text), False


def content_before(text: str, end: int) -> tuple[int, int, bool]:
    """(start, end, is_direct) of a postposed statement's content ending before `end`."""
    head = text[:end].rstrip(" ,")
    if head.endswith(("\'\'", "’’")):  # ''…,'' he said
        close = head[-2:]
        s = head.rfind(close, 0, len(head) - 2)
        if s >= 0:
            return s + 2, len(head) - 2, True
    if head.endswith(("”", '"', "»")):
        close = head[-1]
        opener = {"”": "“", '"': '"', "»": "«"}[close]
        s = head.rfind(opener, 0, len(head) - 1)
        if s >= 0:
            return s + 1, len(head) - 1, True
    return 0, len(head), False


def strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim punctuation and spaces (and an unbalanced closing quote) around a span."""
    if start < end and text[start] in "'‘":  # 'It is over,' the minister said
        start += 1
        while end > start and text[end - 1] in _TRIM_SINGLE:
            end -= 1
    while start < end and text[start] in _TRIM_OPEN:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if end > start and text[end - 1] in "”»" and text.count("“", start, end) == 0:
        end -= 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
    return start, end
