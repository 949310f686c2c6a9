"""Speaker phrases: the noun phrase that names a speaker next to a cue.

A speaker phrase is a run of name words (capitalised; initials, titles, ordinals), role nouns
("spokesman", "officials"), body nouns ("ministry", "General Staff"), outlet and document nouns
and their modifiers ("senior", "military"), with "of"/"for" inside ("Chief of the General
Staff"), up to three free lowercase modifiers before a head ("the billionaire businessman") and
an optional determiner first. The word classes live in data/speaker_nouns.yml and
data/language.yml. `speakers.resolve` turns a phrase into a Speaker."""

from __future__ import annotations

import functools
import re

from newslens import lexicon
from newslens.analysis.attribution.cues import load_reporting_verbs
from newslens.analysis.attribution.nouns import speaker_nouns
from newslens.analysis.attribution.records import Sentence, Span, Token, _tokens_from

NOUNS = speaker_nouns()
ROLES = lexicon.word_set("speaker_roles") | NOUNS["person"]
ROLE_PLURALS = lexicon.word_set("speaker_role_plurals") | NOUNS["plural"]
BODIES = lexicon.word_set("speaker_bodies") | NOUNS["organisation"]
OUTLETS = lexicon.word_set("speaker_outlets") | NOUNS["outlet"]
MODIFIERS = lexicon.word_set("speaker_modifiers")
ANONYMOUS_DET = lexicon.word_set("anonymous_determiners")
ANONYMOUS_NOUNS = lexicon.word_set("anonymous_nouns")
LABELS = lexicon.word_set("line_labels")
DOCUMENTS = lexicon.word_set("speaker_documents") | NOUNS["document"]
QUANTIFIERS = NOUNS["quantifier"]
DOCUMENT_SINGULAR = frozenset(w for w in DOCUMENTS if not w.endswith("s"))
PREPOSITIONS = lexicon.word_set("speaker_prepositions")
NON_NAMES = lexicon.word_set("capitalised_non_names")
ABBREVIATIONS = lexicon.word_set("title_abbreviations")
PARTICLES = lexicon.word_set("name_particles")
LOWER_WORDS = ROLES | ROLE_PLURALS | BODIES | OUTLETS | MODIFIERS | DOCUMENTS
_NOUN_HEADS = ROLES | ROLE_PLURALS | BODIES | OUTLETS | DOCUMENTS
NAME_BREAK = LOWER_WORDS - DOCUMENTS  # "Gallup Poll", "Denver Post": a document word in a name
_CUE_WORDS = frozenset(f for f in load_reporting_verbs() if " " not in f)
_POSSESSIVE_DET = {"his", "her", "its", "their"}
PRONOUNS = {"he": "he", "she": "she", "they": "they", "him": "he", "her": "she", "them": "they",
            "it": "it"}
_SLUG = re.compile(r"[^a-z0-9]+")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
DEMONYM = re.compile(r"(?:an|ese|ish|ch|i|ic)$")


_NUMBER_WORDS = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
# A share of a polled group: "about four in 10", "nine out of 10 voters", "two in three
# Americans" (the trailing words, if any, end in a group noun: checked by `share`).
SHARE = re.compile(
    r"(?:(?:about|around|nearly|almost|roughly|approximately|only|just|some|over|under|"
    r"more\s+than|fewer\s+than|less\s+than)\s+)?" + _NUMBER_WORDS +
    r"\s+(?:in|out\s+of|of\s+every)\s+" + _NUMBER_WORDS + r"(?P<rest>(?:\s+[a-z][\w-]*){0,3})",
    re.IGNORECASE)
_SHARE_END = re.compile(
    r"(?<![\w.,-])(?:(?:about|around|nearly|almost|roughly|approximately|only|just|some|over|"
    r"under|more\s+than|fewer\s+than|less\s+than)\s+)?" + _NUMBER_WORDS +
    r"\s+(?:in|out\s+of|of\s+every)\s+" + _NUMBER_WORDS + r"(?:\s+[A-Za-z][\w-]*){0,3}\s*$",
    re.IGNORECASE)


def share(text: str) -> bool:
    """A share of a polled group as a whole phrase ("About four in 10", "nine in 10 voters")."""
    m = SHARE.fullmatch(text)
    if m is None:
        return False
    rest = m.group("rest").split()
    return not rest or rest[-1].lower() in ROLE_PLURALS or rest[-1][0].isupper() and \
        rest[-1].endswith("s")


def share_before(s: Sentence, end: int) -> Span | None:
    """The share phrase ending at `end` ("About four in 10 said"), as a span of tokens."""
    m = s.left(_SHARE_END, end, 60)
    if m is None or not share(s.text[m.start():end].rstrip()):
        return None
    toks = s.tokens_from(m.start(), end)
    stop = first_index(toks, end)
    return Span(toks, 0, stop) if stop else None


def tokens(text: str) -> list[Token]:
    return _tokens_from(text, 0)


def _word_class(tok: Token) -> str:
    """name | word (role/body/modifier) | det | of | and | dot | other."""
    return text_class(tok.text)


@functools.lru_cache(maxsize=65536)
def text_class(text: str) -> str:
    low = text.lower().replace("’", "'").removesuffix("'s")
    if low in ("the", "no", *ANONYMOUS_DET) or low in _POSSESSIVE_DET:
        return "det"
    if low in ("of", "for", "to"):
        return "of"
    if low in ("and", "&"):
        return "and"
    if text == ".":
        return "dot"
    if text[0].isupper() or text[0] == "(" and len(text) > 2 or \
            text[0].isdigit() and ("-" in text or _ORDINAL.fullmatch(low)):
        return "name"
    if low in LOWER_WORDS or low in PARTICLES:
        return "word"
    return "other"


def first_index(toks: list[Token], pos: int) -> int:
    """Index of the first token starting at or after `pos`."""
    lo, hi = 0, len(toks)
    while lo < hi:
        mid = (lo + hi) // 2
        if toks[mid].start < pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _joins_left(toks: list[Token], j: int, first: int, stop: int) -> bool:
    """Does token `j` extend a phrase that starts at `first` (before `stop`) to the left?"""
    tok, cls = toks[j], _word_class(toks[j])
    before = _word_class(toks[j - 1]) if j else None
    started = first < stop
    head = _word_class(toks[first]) if started else None
    if cls in ("name", "word"):
        return not (tok.possessive and head == "det")
    return (cls == "dot" and j > 0 and toks[j - 1].low in ABBREVIATIONS
            or cls == "of" and started and before in ("name", "word")
            and head in ("name", "det", "word")
            or cls == "and" and started and before == "name" and head == "name")


_HARD = ",;:“”\"«»!?—–[]"  # single-character tokens that join no speaker phrase
# Everything up to the last of them (the greedy `.*` runs to the end and backs up to it).
_UP_TO_LAST_HARD = re.compile(r".*[" + re.escape(_HARD) + "]", re.DOTALL)


def window_start(text: str, end: int) -> int:
    """Offset of the last punctuation mark before `end` that is a token of its own and joins
    no phrase (0 if none): a phrase ending at `end` starts after it, and tokens made from it
    are the sentence's tokens (a comma between digits belongs to a number)."""
    while True:
        last = _UP_TO_LAST_HARD.match(text, 0, end)
        at = last.end() - 1 if last is not None else -1
        if at <= 0 or text[at] != "," or not (text[at - 1].isdigit() and at + 1 < len(text)
                                                and text[at + 1].isdigit()):
            return max(at, 0)
        end = at


def phrase_before(s: Sentence, end: int) -> Span | None:
    """The speaker phrase ending just before offset `end` (tokens made from the last hard
    punctuation mark before it on)."""
    toks = s.tokens_from(window_start(s.text, end), end)
    stop = first_index(toks, end)
    first, j = stop, stop - 1
    while j >= 0:
        if _word_class(toks[j]) == "det":
            first = j
            if not (toks[j].low == "the" and j and _word_class(toks[j - 1]) == "of"):
                break
        elif _joins_left(toks, j, first, stop):
            first = j
        else:
            break
        j -= 1
    if first < stop and _word_class(toks[first]) != "det":
        first = _modified_head(toks, first, stop)
    return _trim(toks, first, stop)


_FREE_MAX = 3  # free modifiers between a determiner and a speaker noun ("the billionaire
# businessman", "a leaked memo", "the 76-year-old founder")
_FREE_WORD = re.compile(r"[a-z][a-z-]*|\d[\w-]*")
_NOT_MODIFIERS = (lexicon.word_set("english_function_words") | lexicon.word_set("auxiliaries")
                  | lexicon.word_set("negators") | lexicon.word_set("contrast_words")
                  | frozenset(("when", "where", "while", "if", "because", "since", "so", "then",
                               "what", "how", "why", "whom", "whose", "there", "here", "now",
                               "could", "should", "must", "can", "did", "do", "does")))


def _free_modifier(tok: Token) -> bool:
    low = tok.low
    return _FREE_WORD.fullmatch(low) is not None and low not in _NOT_MODIFIERS \
        and low not in PREPOSITIONS and low not in _CUE_WORDS and not tok.possessive


def _modified_head(toks: list[Token], first: int, stop: int) -> int:
    """Where a speaker phrase starts once the lowercase modifiers before it are taken, when a
    determiner (or a possessive name) comes before them: "the billionaire businessman". A phrase
    of a speaker noun (or a name) only; else `first`."""
    head = toks[stop - 1]
    if head.low not in _NOUN_HEADS and _word_class(head) != "name":
        return first
    j, n, named = first - 1, 0, 0
    while j >= 0 and n < _FREE_MAX and (_word_class(toks[j]) == "other"
                                        and _free_modifier(toks[j])
                                        or toks[j].low in ("and", "or") and j > 0
                                        and _free_modifier(toks[j - 1])
                                        or n and named < 2 and _plain_name(toks, j)):
        if _word_class(toks[j]) == "other" or toks[j].low in ("and", "or"):
            n += 1
        else:  # a name among the modifiers: "the Senate minority leader"
            named += 1
        j -= 1
    if n == 0:
        return first
    if named and (j < 0 or _word_class(toks[j]) != "det"):
        return first
    if (j < 0 or toks[j].text in _HARD) and head.low in ROLE_PLURALS:
        return j + 1  # "…, federal officials said", "…, current and former officials said"
    if j < 0:
        return first
    if _word_class(toks[j]) == "det":
        return j
    if _word_class(toks[j]) == "name" and toks[j].possessive:
        k = j - 1
        while k >= 0 and _word_class(toks[k]) == "name" and not toks[k].possessive:
            k -= 1
        return k if k >= 0 and _word_class(toks[k]) == "det" else k + 1
    return first


def _plain_name(toks: list[Token], j: int) -> bool:
    """A capitalised word that is neither possessive nor a capitalised non-name, modifying the
    words after it ("Senate" in "the Senate minority leader")."""
    tok = toks[j]
    return _word_class(tok) == "name" and tok.text[0].isupper() and not tok.possessive \
        and tok.text not in NON_NAMES


_AGENTIVE = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman", "ee", "ive", "ar")
_NOT_HEADS = frozenset(lexicon.words("months")) | frozenset((
    "day", "days", "week", "weeks", "month", "months", "year", "years", "time", "times",
    "morning", "afternoon", "evening", "night", "weekend", "way", "thing", "things", "fact",
    "point", "rest", "part", "end", "case", "who", "which", "that", "this", "these", "those"))
_BOUNDARY_WORDS = frozenset(("and", "but", "while", "that", "as", "when", "if", "because",
                             "though", "although", "so", "yet", "whereas", "where"))


def plural_noun(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def agentive(word: str) -> bool:
    """A noun of a person by its ending ("scientist", "forecaster", "organiser")."""
    return word.endswith(_AGENTIVE)


def common_phrase_before(s: Sentence, end: int) -> Span | None:
    """A noun phrase with any common noun as its head ending at `end`, for a subject that only
    a person or group can be (the subject of "said"): a determiner or a possessive name, up to
    four modifiers and the head ("The 57-year-old scientist", "Romney's associates", "the
    pitch on Kickstarter" is not one: no preposition inside), or a bare plural opening its
    clause ("…, forecasters say")."""
    toks = s.tokens_from(window_start(s.text, end), end)
    stop = first_index(toks, end)
    if stop == 0:
        return None
    head = toks[stop - 1]
    low = head.low
    if not (low.isalpha() and head.text.islower() and len(low) > 2) or low in _NOT_HEADS \
            or low in PREPOSITIONS or low in PRONOUNS or not _free_modifier(head):
        return None
    j = stop - 2
    while j >= 0 and stop - 1 - j <= 4:
        tok = toks[j]
        if _word_class(tok) == "det" or tok.possessive and tok.text[0].isupper():
            before = toks[j - 1].low if j else ""
            if before in PREPOSITIONS and before not in ("of",) or _free_modifier(toks[j - 1]) \
                    and j and before not in _BOUNDARY_WORDS and toks[j - 1].text.islower():
                return None  # the object of a preposition or a verb
            return Span(toks, j, stop)
        if not (_free_modifier(tok) or tok.text == "-" or _word_class(tok) in ("name", "word")
                and not tok.possessive):
            break
        j -= 1
    first = stop - 1
    if not plural_noun(low):
        return None
    before = toks[first - 1] if first else None
    if before is None or before.text in _HARD or before.low in _BOUNDARY_WORDS:
        return Span(toks, first, stop)
    return None


def _joins_right(toks: list[Token], j: int, first: int, end: int) -> bool:
    """Does token `j` extend a phrase that starts at `first` to the right?"""
    tok, cls = toks[j], _word_class(toks[j])
    nxt = _word_class(toks[j + 1]) if j + 1 < end else None
    prev = toks[j - 1] if j > first else None
    if cls in ("name", "word") or tok.low in DOCUMENTS and prev is not None \
            and _word_class(prev) == "name":
        return True
    return prev is not None and (
        cls == "dot" and prev.low in ABBREVIATIONS
        or cls == "of" and nxt in ("name", "det", "word")
        or cls == "det" and tok.low == "the" and prev.low in ("of", "for", "to")
        or cls == "and" and nxt == "name" and _word_class(prev) == "name")


def phrase_after(s: Sentence, pos: int, limit: int | None = None,
                 boundary: bool = False) -> Span | None:
    """The speaker phrase starting at offset `pos` (`boundary`: a token of the sentence ends
    or starts at `pos`, as after a cue; tokens are then made from `pos` on)."""
    local = boundary or pos == 0 or s.text[pos - 1].isspace()
    toks = s.tokens_from(pos) if local else s.tokens
    i = first_index(toks, pos)
    end = len(toks) if limit is None else min(len(toks), first_index(toks, limit))
    first, j = i, i
    if j < end and toks[j].low in PRONOUNS and toks[j].low not in ("her", "it"):
        return Span(toks, j, j + 1)
    if j < end and _word_class(toks[j]) == "det":
        j += 1
    k = j
    while k < end and (toks[k].low in MODIFIERS or toks[k].low in ("new", "annual", "joint",
                                                                  "official", "latest")
                       or _word_class(toks[k]) == "other" and _free_modifier(toks[k])
                       and k - j < _FREE_MAX):
        k += 1
    if k + 3 < end and toks[k].low in DOCUMENTS and toks[k + 1].low.endswith("ed") \
            and toks[k + 2].low == "by":  # "a poll conducted by X": X
        return phrase_after(s, toks[k + 3].start, limit, boundary=True)
    if k + 1 < end and toks[k].low in DOCUMENTS and toks[k + 1].low in ("of", "by", "from"):
        nxt = k + 2
        while nxt < end and toks[nxt].low.endswith("ed") and toks[nxt].text[0].islower():
            nxt += 1  # "a report released by"
        return phrase_after(s, toks[nxt].start, limit, boundary=True) if nxt < end else None
    while j < end:
        if _joins_right(toks, j, first, end):
            j += 1
            if toks[j - 1].possessive and not toks[j - 1].text[0].isupper():
                break
            continue
        f = _past_free_modifiers(toks, j, end)  # "one former GOP leadership aide", "retired
        if f == j:  # neurosurgeon Ben Carson", "his best friend"
            break
        j = f
    return _trim(toks, first, j)


def _past_free_modifiers(toks: list[Token], j: int, end: int) -> int:
    """The index after the free modifiers at `j` when a name or speaker noun follows them,
    else `j`."""
    f, n = j, 0
    while f < end and n < _FREE_MAX and _word_class(toks[f]) == "other" \
            and _free_modifier(toks[f]):
        f, n = f + 1, n + 1
    if n and f < end and (_word_class(toks[f]) == "name" or toks[f].low in _NOUN_HEADS):
        return f
    return j


def _sentence_adverb(toks: list[Token], first: int, stop: int) -> bool:
    """A capitalised adverb before a name ("Reportedly Putin said"), not a name in -ly
    ("Kelly said")."""
    tok = toks[first]
    return tok.low.endswith("ly") and tok.text[0].isupper() and first + 1 < stop \
        and toks[first + 1].text[0].isupper()


def _trim(toks: list[Token], first: int, stop: int) -> Span | None:
    """Drop leading sentence adverbs and capitalised non-names, and trailing glue words."""
    while first < stop and (toks[first].text in NON_NAMES and toks[first].low != "the"
                            and _word_class(toks[first]) != "det"
                            or _sentence_adverb(toks, first, stop)
                            or _word_class(toks[first]) in ("of", "and", "dot")):
        first += 1
    while stop > first and _word_class(toks[stop - 1]) in ("of", "and", "det"):
        stop -= 1
    return Span(toks, first, stop) if stop > first else None
