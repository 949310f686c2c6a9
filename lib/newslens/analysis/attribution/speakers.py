"""Speaker phrases: find the noun phrase that names a speaker next to a cue and resolve it.

A speaker phrase is a run of name words (capitalised), role nouns ("spokesman", "officials"),
body nouns ("ministry", "General Staff"), outlet nouns ("media") and their modifiers ("senior",
"military"), with "of"/"for" inside ("Chief of the General Staff") and an optional determiner
first. The word lists live in data/language.yml. `resolve` turns a phrase into a `Speaker`:
a gazetteer actor when a mention, a title or a description links it, else an unlinked person,
organisation, outlet, anonymous source or group with a normalised key."""

from __future__ import annotations

import functools
import re

from newslens import lexicon
from newslens.analysis.attribution.cues import load_reporting_verbs
from newslens.analysis.attribution.discourse import head_noun
from newslens.analysis.attribution.nouns import speaker_nouns
from newslens.analysis.attribution.records import (
    Mention,
    Sentence,
    Span,
    Speaker,
    Token,
    _tokens_from,
)
from newslens.text.unknown import name_key

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
_NON_NAMES = lexicon.word_set("capitalised_non_names")
_ABBREVIATIONS = lexicon.word_set("title_abbreviations")
_PARTICLES = lexicon.word_set("name_particles")
_LOWER_WORDS = ROLES | ROLE_PLURALS | BODIES | OUTLETS | MODIFIERS | DOCUMENTS
_NOUN_HEADS = ROLES | ROLE_PLURALS | BODIES | OUTLETS | DOCUMENTS
_NAME_BREAK = _LOWER_WORDS - DOCUMENTS  # "Gallup Poll", "Denver Post": a document word in a name
_CUE_WORDS = frozenset(f for f in load_reporting_verbs() if " " not in f)
_POSSESSIVE_DET = {"his", "her", "its", "their"}
PRONOUNS = {"he": "he", "she": "she", "they": "they", "him": "he", "her": "she", "them": "they",
            "it": "it"}
_SLUG = re.compile(r"[^a-z0-9]+")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_DEMONYM = re.compile(r"(?:an|ese|ish|ch|i|ic)$")


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
    if low in _LOWER_WORDS or low in _PARTICLES:
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
    return (cls == "dot" and j > 0 and toks[j - 1].low in _ABBREVIATIONS
            or cls == "of" and started and before in ("name", "word")
            and head in ("name", "det", "word")
            or cls == "and" and started and before == "name" and head == "name")


_HARD = ",;:“”\"«»!?—–[]"  # single-character tokens that join no speaker phrase


def window_start(text: str, end: int) -> int:
    """Offset of the last punctuation mark before `end` that is a token of its own and joins
    no phrase (0 if none): a phrase ending at `end` starts after it, and tokens made from it
    are the sentence's tokens (a comma between digits belongs to a number)."""
    while True:
        at = max(text.rfind(ch, 0, end) for ch in _HARD)
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
    j, n = first - 1, 0
    while j >= 0 and n < _FREE_MAX and (_word_class(toks[j]) == "other"
                                        and _free_modifier(toks[j])
                                        or toks[j].low in ("and", "or") and j > 0
                                        and _free_modifier(toks[j - 1])):
        j, n = j - 1, n + 1
    if n == 0:
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


def _joins_right(toks: list[Token], j: int, first: int, end: int) -> bool:
    """Does token `j` extend a phrase that starts at `first` to the right?"""
    tok, cls = toks[j], _word_class(toks[j])
    nxt = _word_class(toks[j + 1]) if j + 1 < end else None
    prev = toks[j - 1] if j > first else None
    if cls in ("name", "word") or tok.low in DOCUMENTS and prev is not None \
            and _word_class(prev) == "name":
        return True
    return prev is not None and (
        cls == "dot" and prev.low in _ABBREVIATIONS
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
    while first < stop and (toks[first].text in _NON_NAMES and toks[first].low != "the"
                            and _word_class(toks[first]) != "det"
                            or _sentence_adverb(toks, first, stop)
                            or _word_class(toks[first]) in ("of", "and", "dot")):
        first += 1
    while stop > first and _word_class(toks[stop - 1]) in ("of", "and", "det"):
        stop -= 1
    return Span(toks, first, stop) if stop > first else None


# ---------------------------------------------------------------- resolving a phrase
@functools.lru_cache(maxsize=65536)
def slug(text: str) -> str:
    """The key form of a name (`newslens.text.unknown.name_key`, shared with the unlinked
    actors of the mention table: accents folded, words joined by hyphens)."""
    return name_key(text)


def resolve(s: Sentence, span: Span, cue_lemma: str = "") -> Speaker | None:
    """The speaker a phrase names, or None when it names no speaker."""
    toks = span.tokens
    start, end = toks[0].start, toks[-1].end
    text = s.text[start:end]
    d = s.discourse
    if len(toks) == 1 and toks[0].low in PRONOUNS:
        ref = d.pronoun(PRONOUNS[toks[0].low], s.number, [st.speaker for st in s.found])
        return _holder(ref, start, end, text) if ref else None
    words = _words(toks)
    if words[0] in ("no", "none", "neither", "nobody"):
        return None  # "no official statements claiming …": nobody speaks
    split = next((k for k, w in enumerate(words) if k and w in PREPOSITIONS
                  and w not in ("of", "for", "to")), None)
    if split is not None:  # "Reports from Moscow", "officials in Kyiv"
        sp = resolve(s, Span(span.toks, span.first, span.first + split), cue_lemma)
        if sp is not None:
            sp.start, sp.end, sp.text = start, end, text
        return sp
    if words[-1] in DOCUMENTS and toks[-1].text[0].islower():
        sp = _document(s, span, words, cue_lemma)
        if sp is not None:
            sp.start, sp.end, sp.text = start, end, text
        return sp
    inside = [m for m in s.mentions if start <= m.start and m.end <= end and m.actor is not None
              and m.mtype != "pronoun"]
    sp = (_person_mention(d, inside, text)
          or _anonymous(d, toks, inside, text)
          or _titled(d, s, toks, inside, text)
          or _named_body(d, toks, inside, end, text)
          or _unlinked(d, toks, inside, text, cue_lemma))
    if sp is not None:
        sp.start, sp.end, sp.text = start, end, text
        if sp.kind == "person" and sp.gender is None and span.first:
            sp.gender = _gender([t.low for t in span.toks[max(0, span.first - 2):span.first]])
    return sp


_BARE_DOCUMENT = frozenset(("the", "this", "that", "its", "his", "her", "their"))


def _document(s: Sentence, span: Span, words: list[str], cue_lemma: str) -> Speaker | None:
    """A document speaker ("the ministry's report", "a leaked memo", "the lawsuit"): the
    actor or body that a modifier or possessive names, else the recent speaker a bare "the
    statement" continues, else an unlinked `document:HEAD`."""
    d = s.discourse
    owner = [m for m in s.mentions if span.start <= m.start and m.end <= span.end
             and m.actor is not None and m.mtype != "pronoun"]
    if owner:  # "Peskov's statement", "a Kremlin readout"
        return d.actor_speaker(owner[-1].actor, 0, 0, "")
    if len(words) == 1 and words[0] not in DOCUMENT_SINGULAR:
        return None  # "according to reports": no one
    if len(words) > 1 and words[-2] not in ANONYMOUS_DET and words[-2] not in _BARE_DOCUMENT:
        sp = resolve(s, Span(span.toks, span.first, span.stop - 1), cue_lemma)
        if sp is not None:
            return sp
    if len(words) == 2 and words[0] in _BARE_DOCUMENT:
        last = d.speakers[-1] if d.speakers and d.speakers[-1][0] >= s.number - 3 else None
        if last is not None:
            return _holder(last[1], 0, 0, "")
    head = words[-1]
    if head.endswith("s") and head[:-1] in DOCUMENTS:
        head = head[:-1]
    return Speaker(0, 0, "", "document:" + slug(head), "document", side=_side(d, [
        m for m in s.mentions if span.start <= m.start and m.end <= span.end]))


def _holder(ref: Speaker, start: int, end: int, text: str) -> Speaker:
    """A pronoun or description standing for `ref` (its span and text are the pronoun's)."""
    return Speaker(start, end, text, ref.key, ref.kind, ref.actor, ref.side, ref.gender,
                   ref.heads)


def _person_mention(d, inside: list[Mention], text: str) -> Speaker | None:
    persons = [m for m in inside if m.is_person and not m.possessive]
    if not persons:
        return None
    m = max(persons, key=lambda m: (m.end, m.end - m.start))
    sp = d.actor_speaker(m.actor, 0, 0, text)
    return sp


def _side(d, inside: list[Mention]) -> str | None:
    for m in inside:
        info = d.gaz.info.get(m.actor)
        if info is not None and info.side:
            return info.side
    return None


def _words(toks: list[Token]) -> list[str]:
    return [_base_word(t.text) for t in toks]


@functools.lru_cache(maxsize=65536)
def _base_word(text: str) -> str:
    """A token lower-cased, without a possessive ending."""
    return text.lower().replace("’", "'").removesuffix("'s")


def _anonymous(d, toks: list[Token], inside: list[Mention], text: str) -> Speaker | None:
    """"a senior U.S. official", "two sources", "people familiar with the talks"; a
    correspondent of a known outlet is the outlet."""
    words = _words(toks)
    outlet = next((m for m in inside if d.gaz.info.get(m.actor) is not None
                   and d.gaz.info[m.actor].kind == "outlet"), None)
    if outlet is not None and words[-1] in ROLES:
        return d.actor_speaker(outlet.actor, 0, 0, text)
    head = words[-1]
    indefinite = words[0] in ANONYMOUS_DET and words[0] not in ("many", "some", "other")
    if not ((indefinite and (head in ROLES or head in ROLE_PLURALS))
            or head in ANONYMOUS_NOUNS and head not in ("official", "officials")
            and words[0] not in ("the",)):
        return None
    rest = words[1:] if words[0] in ANONYMOUS_DET else words
    return Speaker(0, 0, text, "anonymous:" + slug(" ".join(rest)), "anonymous",
                   side=_side(d, inside))


def _titled(d, s: Sentence, toks, inside, text: str) -> Speaker | None:
    """A title or description in the gazetteer ("Kremlin spokesman", "the Kremlin leader",
    "General Staff Chief"), else a role noun describing a recent speaker ("the spokesman")."""
    words = _words(toks)
    if words[0] in ("a", "an") or any(t.possessive and t.text[0].islower() for t in toks):
        return None
    actor = d.title(" ".join(t.text for t in toks), s.number)
    if actor is None and inside and inside[0].start == toks[0].start and inside[0].possessive:
        actor = d.title(" ".join(t.text for t in toks[1:]), s.number)
    if actor is not None:
        return d.actor_speaker(actor, 0, 0, text)
    core = words[:words.index("of")] if "of" in words[1:] else words
    if core[-1] in OUTLETS and words[0] == "the":  # "the news outlet": the outlet named last
        ref = d.last_of_kind("outlet", s.number)
        return _holder(ref, 0, 0, text) if ref else None
    head = head_noun(core[-1])
    if core[-1] in ROLES and (words[0] == "the" or len(words) == 1 or inside):
        ref = d.role(head, s.number)
        if ref is None and words[0] == "the":
            ref = d.epithet(head, s.number, _side(d, inside))
        if ref is not None:
            return _holder(ref, 0, 0, text)
    return None


def _named_body(d, toks, inside: list[Mention], end: int, text: str) -> Speaker | None:
    """A gazetteer organisation, state or outlet that ends the phrase ("the Kremlin", "Ukraine's
    General Staff"), or a state followed by plural roles or bodies ("Russian officials")."""
    last = [m for m in inside if not m.possessive]
    if not last:
        return None
    m = max(last, key=lambda m: m.end)
    if m.end == end:
        return d.actor_speaker(m.actor, 0, 0, text)
    trailing = _words([t for t in toks if t.start >= m.end])
    if trailing and all(w in ROLE_PLURALS or w in BODIES or w in MODIFIERS or w in OUTLETS
                        for w in trailing) and trailing[-1] not in MODIFIERS:
        return d.actor_speaker(m.actor, 0, 0, text)
    return None


def _unlinked(d, toks, inside, text: str, cue_lemma: str) -> Speaker | None:
    """An unknown named person, organisation or outlet, or an unnamed body or group."""
    words = _words(toks)
    name = _trailing_name(toks, inside)
    side = _side(d, inside)
    if name and words[0] == "the" and len(name) == len(toks) - 1 == 1 and (
            _DEMONYM.search(name[0].base) or cue_lemma in ("", "colon")):
        return None  # "the Estonian": a demonym is no speaker ("the DNC", "The Times" are)
    if name:
        low = " ".join(t.base for t in name)
        known = d.unlinked.get(slug(low)) or d.unlinked.get(slug(name[-1].base))
        if known is not None:
            return _holder(known, 0, 0, text)
        kind = _name_kind(words, name, cue_lemma)
        heads = frozenset(head_noun(w) for w in words if w in ROLES)
        return Speaker(0, 0, text, f"{kind}:{slug(low)}", kind, side=side, heads=heads,
                       gender=_gender(words) if kind == "person" else None)
    head = words[-1]
    if head in BODIES or head in OUTLETS:
        kind = "outlet" if head in OUTLETS else "organisation"
        rest = [w for w in words if w not in ("the",)]
        return Speaker(0, 0, text, f"{kind}:{slug(' '.join(rest))}", kind, side=side)
    rest = [w for w in words if w not in ("the",)]
    if head in ROLE_PLURALS:
        return Speaker(0, 0, text, "group:" + slug(" ".join(rest)), "group", side=side)
    if head in ROLES and words[0] == "the":
        return Speaker(0, 0, text, "person:" + slug(" ".join(rest)), "person", side=side,
                       heads=frozenset({head_noun(head)}))
    return None


def _gender(words: list[str]) -> str | None:
    """A person's gender from a title or role in the phrase ("Mrs.", "spokeswoman")."""
    for w in words:
        if w in ("mr", "sir", "lord") or w.endswith("man") and w in ROLES:
            return "male"
        if w in ("mrs", "ms", "miss", "madam", "dame", "lady") or w.endswith("woman"):
            return "female"
    return None


def _trailing_name(toks: list[Token], inside: list[Mention]) -> list[Token]:
    """The capitalised name words at the end of a phrase that no mention covers."""
    out: list[Token] = []
    for tok in reversed(toks):
        covered = any(m.start <= tok.start < m.end for m in inside)
        low = tok.low.replace("’", "'").removesuffix("'s")
        if covered or not (tok.text[0].isupper() or low in _PARTICLES) or low in _NAME_BREAK \
                or tok.text in _NON_NAMES or tok.text in LABELS:
            break
        out.append(tok)
    while out and out[-1].low in _PARTICLES:
        out.pop()
    return list(reversed(out))


def _name_kind(words: list[str], name: list[Token], cue_lemma: str) -> str:
    """person | organisation | outlet for an unknown name, from its shape and its context."""
    before = words[:len(words) - len(name)]
    if before and (before[-1] in _ABBREVIATIONS or before[-1] == "." and len(before) > 1
                   and before[-2] in _ABBREVIATIONS or before[-1] in ROLES):
        return "person"  # "Air Force Lt. Tyler Livingston", "party leader Ann Berg"
    if any(w in OUTLETS for w in words):
        return "outlet"
    if any(w in BODIES for w in words) and words[-1] not in ROLES or words[-1] in DOCUMENTS:
        return "organisation"  # "Gallup Poll"
    if any(w in ROLES for w in words):
        return "person"
    word = name[0].base
    acronym = len(name) == 1 and (word.isupper() or any(c.isupper() for c in word[1:]))
    if acronym or words[0] == "the" and len(name) == 1:  # "the DNC", "The Times"
        return "outlet" if cue_lemma in ("report", "write") else "organisation"
    return "person"
