"""The subject of a reporting cue: the speaker phrase before it (after auxiliaries, an
appositive, a party tag or a relative "who"), a subject pronoun, an unnamed source described by
what it knows ("people familiar with the talks"), and the subject of the main clause that a
participial or coordinated cue continues."""

from __future__ import annotations

import re

from newslens import lexicon
from newslens.analysis.attribution import spans
from newslens.analysis.attribution.cues import load_reporting_verbs
from newslens.analysis.attribution.phrases import (
    ANONYMOUS_NOUNS,
    PREPOSITIONS,
    PRONOUNS,
    QUANTIFIERS,
    ROLE_PLURALS,
    ROLES,
    common_phrase_before,
    first_index,
    phrase_after,
    phrase_before,
    plural_noun,
    share_before,
    text_class,
)
from newslens.analysis.attribution.records import TOKEN, CueHit, Sentence, Span, Speaker, Token
from newslens.analysis.attribution.spans import PRONOUN_BOUNDARY, word_start
from newslens.analysis.attribution.speakers import common_speaker, resolve


def _pronoun_at(s: Sentence, end: int) -> Span | None:
    """The subject pronoun ending at `end` at the start of a clause (its token)."""
    m = _PRONOUN_END.search(s.text, max(0, end - 12), end)
    if m is None:
        return None
    start = m.start(1)
    if not s.left(PRONOUN_BOUNDARY, start, 40):
        return None
    if start and s.text[start - 1] in "’'-":
        return None  # inside a word ("anti-he"): no token of the sentence starts there
    tok = TOKEN.match(s.text, start)
    return Span([Token(tok.start(), tok.end(), tok.group())], 0, 1)


_PRONOUN_END = re.compile(r"\b(he|she|they|it)\s*$", re.IGNORECASE)


def _subject_span(s: Sentence, pos: int, participle: bool, relative: bool = False):
    """(token span, is_pronoun) of the subject phrase ending at `pos`, or None. A phrase after a
    preposition is no subject ("talks with Russia, …") unless a source noun comes first
    ("Reports from Moscow indicate") or it follows "with" before a participle."""
    if _after_hard_punctuation(s.text, pos):
        return None
    familiar = _familiar_source(s, pos)
    if familiar is not None:
        return familiar, False
    if _after_plain_word(s.text, pos):
        return None
    pro = _pronoun_at(s, pos)
    if pro is not None:
        return pro, True
    if s.text[max(0, pos - 12):pos].rstrip()[-1:].isalnum():
        polled = share_before(s, pos)  # "About four in 10 said"
        if polled is not None:
            return polled, False
    span = phrase_before(s, pos)
    if span is None:
        return None
    toks = span.toks  # the phrase and the tokens before it back to a punctuation mark
    i = span.first - 1
    if i >= 0 and toks[i].low in PREPOSITIONS and not relative \
            and not (participle and toks[i].low == "with"):
        if i >= 1 and (toks[i - 1].low in ANONYMOUS_NOUNS or toks[i - 1].low in ROLE_PLURALS):
            return Span(toks, i - 1, span.stop), False
        if i >= 1 and toks[i - 1].low in ROLES:  # "The senator from Vermont said"
            head = phrase_before(s, toks[i - 1].end)
            if head is not None and head.toks is toks:
                return Span(toks, head.first, span.stop), False
        if i >= 1 and toks[i].low == "of" and toks[i - 1].low in QUANTIFIERS:
            k = i - 1  # "28 percent of voters", "most of the residents"
            if k >= 1 and toks[k - 1].text[0].isdigit():
                k -= 1
            return Span(toks, k, span.stop), False
        # "flying to Moscow Witkoff said": the subject is the name after the place
        later = [m for m in s.mentions if m.actor is not None and m.is_person
                 and span.start < m.start and m.end <= span.end]
        if later:
            k = next(k for k, t in enumerate(toks) if t.start >= later[0].start)
            return Span(toks, k, span.stop), False
        return None
    return span, False


# An unnamed source described by what it knows: "people familiar with the matter", "two
# officials briefed on the talks", "a source close to the president".
_FAMILIAR = re.compile(
    r"\b(?P<noun>people|persons?|sources?|officials?|diplomats?|insiders?|aides?|someone|"
    r"individuals?)\s+(?:(?:who\s+(?:is|are|was|were)\s+)?(?:familiar|briefed|close|"
    r"knowledgeable|involved|acquainted)\s+(?:with|on|to|about|in)|with\s+(?:direct\s+)?"
    r"knowledge\s+of|aware\s+of)\s+[^,;:“”\"]{1,80}?\s*$", re.IGNORECASE)


_FAMILIAR_WORDS = ("familiar", "briefed", "close to", "knowledge", "aware of", "involved",
                   "acquainted")
_FAMILIAR_HINT = re.compile("|".join(_FAMILIAR_WORDS), re.IGNORECASE)


def _familiar_source(s: Sentence, pos: int) -> Span | None:
    """The unnamed source whose description ends at `pos`: "two people briefed on the talks",
    "a person familiar with the planning" (the span is the source's noun phrase)."""
    window = s.text[max(0, pos - 120):pos]
    if window.isascii():  # str.lower agrees with the regex's IGNORECASE on ASCII text only
        low = window.lower()
        if not ("familiar" in low or "briefed" in low or "close to" in low or "knowledge" in low
                or "aware of" in low or "involved" in low or "acquainted" in low):
            return None  # none of _FAMILIAR_WORDS
    elif _FAMILIAR_HINT.search(window) is None:
        return None
    familiar = s.left(_FAMILIAR, pos, 120)
    sub = phrase_before(s, familiar.end("noun")) if familiar is not None else None
    if sub is None:
        return None
    return sub


_HARD_PUNCTUATION = frozenset(",;:“”\"«»!?—–[]")


def _after_hard_punctuation(text: str, pos: int) -> bool:
    """The last character before `pos` (spaces skipped) is a punctuation mark that is a token
    of its own and joins no phrase: no subject phrase or pronoun can end there (checked
    before tokenising the sentence)."""
    j = pos
    while j > 0 and text[j - 1].isspace():
        j -= 1
    return j > 0 and text[j - 1] in _HARD_PUNCTUATION


def _after_plain_word(text: str, pos: int) -> bool:
    """The word just before `pos` is a lowercase word that starts no speaker phrase (not a
    role, body, modifier, determiner or pronoun: "for", "unacceptable"): no subject ends at
    `pos` (checked before tokenising the sentence)."""
    j = pos
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j == pos < len(text):
        return False  # no space before `pos`: a token may run over it, leave it to the tokens
    word = text[word_start(text, j):j]
    return word.isalpha() and word.lower() not in _SUBJECT_PRONOUNS and \
        text_class(word) in ("other", "of", "and")


_SUBJECT_PRONOUNS = frozenset(("he", "she", "they", "it"))


def _gap_ends(s: Sentence, hit: CueHit, direct: int) -> list[int]:
    """Where the subject phrase may end: before the auxiliaries (at `direct`), and before an
    appositive (", the Kremlin spokesman,") unless the commas enclose a quotation or another
    cue."""
    text = s.text
    ends = [direct]
    paren = _PARENTHESIS.search(text, max(0, direct - 24), direct) \
        if ")" in text[max(0, direct - 3):direct] else None
    if paren is not None:  # "Gov. Phil Bryant (R) said", "Sen. X (R-Fla.) said"
        ends.append(paren.start())
    who = _WHO.search(text[max(0, direct - 12):direct])
    if who is not None:
        return [direct - 12 + who.start() if direct >= 12 else who.start()]
    before = text[max(0, direct - 4):direct]
    quoted = _QUOTE_COMMA.search(before) is not None
    comma = _COMMA_END.search(before)
    if comma is not None and not hit.is_participle and not quoted:
        ends.append(direct - len(before) + comma.start())  # "…, Kaja Kallas, acknowledged"
    app = spans.appositive_start(text, direct)
    if app is None or quoted:
        return ends
    inner = text[app:direct]
    relative = re.match(r",\s*(?:who|which)\b", inner) is not None
    if not relative and any(app < st.hit.start < hit.start for st in s.found):
        return ends
    return [*ends, app]


_WORD_BEFORE = re.compile(r"([\w’'-]+)\s+$")
_WHO = re.compile(r",\s*(?:who|which)\s+$")
_WHO_AT = re.compile(r",\s*(?:who|which)\s")
_PARENTHESIS = re.compile(r"\s*\([^()\s]{1,12}\)\s*$")
_QUOTE_COMMA = re.compile(r"[”\"»]\s*,\s*$")
_COMMA_END = re.compile(r",\s*$")


def _mention_subject(s: Sentence, direct: int) -> tuple[Speaker, int, bool] | None:
    """Fast path: a gazetteer mention that ends right before the auxiliaries (at `direct`) and
    starts a phrase of its own (the common "Putin said"); None sends the cue to the phrase
    parser."""
    end = direct
    while end > 0 and s.text[end - 1].isspace():
        end -= 1
    m = s.named_mention_ending(end)
    if m is None:
        return None
    before = s.text[max(0, m.start - 30):m.start]
    word = _WORD_BEFORE.search(before)
    if word is not None and (word.group(1)[0].isupper() or word.group(1).lower() in PREPOSITIONS
                             or word.group(1).lower() in ("the", "a", "an", "and", "with")):
        return None
    sp = s.discourse.actor_speaker(m.actor, m.start, m.end, m.text)
    return sp, m.start, False


_GO_ON = re.compile(r"\b(?:go|goes|went|going|gone)\s+(?:on|so\s+far\s+as)\s+to\s+$",
                    re.IGNORECASE)


def subject_of(s: Sentence, hit: CueHit) -> tuple[Speaker, int, bool] | None:
    """(speaker, phrase start, is_pronoun) of the cue's subject: the phrase just before the
    auxiliaries, or before an appositive; a named actor wins over a description."""
    direct = spans.aux_gap_start(s.text, hit.start)
    if direct >= 3 and s.text[direct - 3:direct] == "to ":
        go_on = s.left(_GO_ON, direct, 40)  # "The email goes on to say", "went so far as to say"
        if go_on is not None:
            direct = spans.aux_gap_start(s.text, go_on.start())
    fast = _mention_subject(s, direct)
    if fast is not None:
        return fast
    found = []
    for pos in _gap_ends(s, hit, direct):
        sub = _subject_at(s, hit, pos)
        if sub is not None:
            found.append(sub)
    if s.text[:direct].rstrip().endswith(",") and not hit.is_participle and (
            found or not _QUOTED_SEGMENT.search(s.text, s.text.rfind(",", 0, direct - 2) + 1,
                                                direct)):
        chosen = _appositive_subject(s, hit, direct, found)
        if chosen is not None:
            return chosen
    if not found:
        return _common_subject(s, hit, direct)
    return min(found, key=lambda f: (not f[0].linked, not s.discourse.is_person(f[0])))


_QUOTED_SEGMENT = re.compile(r"[“”\"«»]")


def _common_subject(s: Sentence, hit: CueHit, pos: int) -> tuple[Speaker, int, bool] | None:
    """The last resort for a verb only a speaker can be the subject of ("said", "told",
    "wrote"): a noun phrase with any common noun as its head ("The 57-year-old scientist
    says")."""
    word = hit.text.split()[0].lower()
    if word not in SPEAKING_VERBS or _WHO_AT.match(s.text, pos) or \
            _NOT_SPOKEN.match(s.text, hit.end):
        return None
    past = word.endswith("ed") or word in ("said", "told", "wrote")
    third = word in VERB_ONLY_S
    if not (past or third or word in _BASE):
        return None  # "remarks", "answer", "saying": a noun or a participle as often as not
    span = common_phrase_before(s, pos)
    if span is None or word in _BASE and not plural_noun(span.tokens[-1].low):
        return None  # "forecasters say", not "a larger say"
    sp = common_speaker(s, span)
    return sp, sp.start, False


def _speaking_verbs() -> frozenset:
    """Every form of the verbs of `quote_attribution_verbs` (data/language.yml): "say",
    "says", "saying" as well as "said"."""
    listed = lexicon.word_set("quote_attribution_verbs")
    cues = load_reporting_verbs()
    lemmas = {cues[w].lemma for w in listed if w in cues}
    return frozenset(f for f, c in cues.items() if c.lemma in lemmas and " " not in f) | listed


SPEAKING_VERBS = _speaking_verbs()
# The forms of those verbs that are not nouns too ("remarks", "answers", "notes" are).
VERB_ONLY_S = frozenset(("says", "tells", "writes", "asks", "adds", "argues", "insists",
                           "explains", "warns", "declares", "stresses", "responds"))
_BASE = frozenset(("say", "tell", "write", "ask", "add", "argue", "insist", "explain", "warn",
                   "declare", "respond"))
# After the cue, words that make it no speech ("added to the uncertainty", "written by").
_NOT_SPOKEN = re.compile(r"\s+(?:to|up|by|on\s+to)\b", re.IGNORECASE)


def _subject_at(s: Sentence, hit: CueHit, pos: int) -> tuple[Speaker, int, bool] | None:
    """(speaker, start, is_pronoun) of the subject phrase ending at `pos`, or None."""
    relative = _WHO_AT.match(s.text, pos) is not None  # "no mention of Bush, who announced"
    span = _subject_span(s, pos, hit.is_participle, relative)
    if span is None:
        return None
    span, is_pronoun = span
    sp = resolve(s, span, hit.cue.lemma)
    return (sp, span.start, is_pronoun) if sp is not None else None


def _appositive_subject(s: Sentence, hit: CueHit, direct: int, found: list):
    """"X, <appositive>, said": a name between the commas is the speaker ("Ukraine's foreign
    minister, Andrii Sybiha, said"); a description, age or relative clause there is not, and
    the subject is the phrase before it, over up to three such segments ("Woodrow Benford,
    58, who lives outside Minneapolis, says", "Bernie Sanders, who endorsed Clinton, said")."""
    text = s.text
    c = text.rfind(",", 0, direct)
    prev = text.rfind(",", max(0, c - 160), c)
    seg = text[prev + 1:c].strip() if prev >= 0 else ""
    if not seg or seg[0].isupper() and not seg.split()[0].lower() in ("the", "a", "an"):
        return None  # a name between the commas: the usual choice
    for _level in range(3):
        if prev < 0 or not _APPOSITIVE_SEGMENT.match(seg):
            return None
        sub = _subject_at(s, hit, prev)
        if sub is not None and (sub[0].linked or sub[0].kind in ("person", "organisation",
                                                                 "outlet", "group")):
            return sub
        c, prev = prev, text.rfind(",", max(0, prev - 160), prev)
        seg = text[prev + 1:c].strip() if prev >= 0 else ""
    return None


# What stands between commas after a subject: a relative clause, an age, a description or a
# participle ("who lives outside the city", "58", "a former aide", "clad in a red cape").
_APPOSITIVE_SEGMENT = re.compile(r"(?:who|whose|which|\d+|the|a|an|[a-z][\w’'-]*)\b")


def latest_subject(s: Sentence, after: int, pos: int) -> Speaker | None:
    """The subject of the last clause between `after` and `pos` ("…, while Putin assessed …
    and commended"), else the sentence's first subject when nothing was said before."""
    for m in reversed(list(re.finditer(r"(?:^|[,;]\s*|\b(?:while|whereas|but)\s+)",
                                       s.text[after:pos]))):
        if after and m.end() == 0:
            continue  # right after the last cue comes its object ("welcomed Khan's election")
        start = after + m.end()
        span = phrase_after(s, start, pos)
        if span is not None:  # its tokens run to the end of the sentence
            toks, nxt = span.toks, span.stop
            if nxt < len(toks) and toks[nxt].text[0].islower() and toks[nxt].start < pos:
                sp = resolve(s, span)
                if sp is not None:
                    return sp
        if after:
            continue
    return clause_subject(s, pos) if after == 0 else None


def clause_subject(s: Sentence, pos: int) -> Speaker | None:
    """The subject phrase at the start of the sentence (after a leading conjunction or adverb,
    or after an introductory phrase and its comma), when it comes before `pos`."""
    for start in _clause_starts(s.text, pos):
        span = phrase_after(s, start, pos)
        if span is None:
            toks = s.tokens_from(start) if start else s.tokens
            k = first_index(toks, start)
            if k < len(toks) and toks[k].low in PRONOUNS and toks[k].end <= pos:
                span = Span(toks, k, k + 1)
        elif start and (span.stop >= len(span.toks)
                        or not span.toks[span.stop].text[0].islower()):
            continue  # after an introduction, a subject is followed by its (lowercase) verb
        sp = resolve(s, span) if span else None
        if sp is not None:
            return sp
    return None


_LEADING = re.compile(r"(?:(?:and|but|then|so|yet|still|meanwhile|however|instead|later|"
                      r"earlier|also)\b[\s,]*)+", re.IGNORECASE)


def _clause_starts(text: str, pos: int) -> list[int]:
    """Where the main clause's subject may start: the sentence start, after leading
    conjunctions and adverbs, and after each comma before `pos` (an introductory phrase)."""
    out = [0]
    lead = _LEADING.match(text)
    if lead is not None and lead.end() < pos:
        out.append(lead.end())
    at = text.find(",", 0, pos)
    while at >= 0 and len(out) < 6:
        nxt = at + 1
        while nxt < pos and text[nxt].isspace():
            nxt += 1
        if nxt < pos:
            out.append(nxt)
        at = text.find(",", at + 1, pos)
    return out
