"""Speakers: resolve a speaker phrase (`phrases`) into a `Speaker`: a gazetteer actor when a
mention, a title or a description links it, a document's owner, else an unlinked person,
organisation, outlet, anonymous source, group or document with a normalised key."""

from __future__ import annotations

import functools

from newslens.analysis.attribution.discourse import head_noun
from newslens.analysis.attribution.phrases import (
    ABBREVIATIONS,
    ANONYMOUS_DET,
    ANONYMOUS_NOUNS,
    BODIES,
    DEMONYM,
    DOCUMENT_SINGULAR,
    DOCUMENTS,
    LABELS,
    MODIFIERS,
    NAME_BREAK,
    NON_NAMES,
    OUTLETS,
    PARTICLES,
    PREPOSITIONS,
    PRONOUNS,
    QUANTIFIERS,
    ROLE_PLURALS,
    ROLES,
    agentive,
    plural_noun,
    share,
)
from newslens.analysis.attribution.records import Mention, Sentence, Span, Speaker, Token
from newslens.text.unknown import name_key


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
    if share(text) or all(w in QUANTIFIERS and w != "one" or w in ("the", "a") for w in words):
        return Speaker(start, end, text, "group:" + slug(text), "group",
                       side=_side(d, [m for m in s.mentions if start <= m.start < end]))
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
          or _anonymous(d, toks, inside, text, words)
          or _titled(d, s, toks, inside, text, words)
          or _named_body(d, toks, inside, end, text)
          or _unlinked(d, toks, inside, text, cue_lemma, words))
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


def _anonymous(d, toks: list[Token], inside: list[Mention], text: str,
               words: list[str]) -> Speaker | None:
    """"a senior U.S. official", "two sources", "people familiar with the talks"; a
    correspondent of a known outlet is the outlet (`words`: `_words(toks)`)."""
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


def _titled(d, s: Sentence, toks, inside, text: str, words: list[str]) -> Speaker | None:
    """A title or description in the gazetteer ("Kremlin spokesman", "the Kremlin leader",
    "General Staff Chief"), else a role noun describing a recent speaker ("the spokesman")."""
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


def _unlinked(d, toks, inside, text: str, cue_lemma: str, words: list[str]) -> Speaker | None:
    """An unknown named person, organisation or outlet, or an unnamed body or group."""
    name = _trailing_name(toks, inside)
    side = _side(d, inside)
    if name and words[0] == "the" and len(name) == len(toks) - 1 == 1 and (
            DEMONYM.search(name[0].base) or cue_lemma in ("", "colon")):
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
    for k in range(len(toks) - 1, -1, -1):
        tok = toks[k]
        covered = any(m.start <= tok.start < m.end for m in inside)
        low = tok.low.replace("’", "'").removesuffix("'s")
        if covered or not (tok.text[0].isupper() or low in PARTICLES) or low in NAME_BREAK \
                or tok.text in NON_NAMES or tok.text in LABELS and k == 0:
            break  # a line label ("Watch:") opens a phrase; inside a name it is a name word
        out.append(tok)
    while out and out[-1].low in PARTICLES:
        out.pop()
    return list(reversed(out))


def _name_kind(words: list[str], name: list[Token], cue_lemma: str) -> str:
    """person | organisation | outlet for an unknown name, from its shape and its context."""
    before = words[:len(words) - len(name)]
    if before and (before[-1] in ABBREVIATIONS or before[-1] == "." and len(before) > 1
                   and before[-2] in ABBREVIATIONS or before[-1] in ROLES):
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


def common_speaker(s: Sentence, span: Span) -> Speaker:
    """The speaker of a noun phrase whose head no word list knows ("The 57-year-old scientist",
    "forecasters"): a group when the head is plural, a person when it names one by its ending
    ("-ist", "-er"), else an organisation; never linked."""
    toks = span.tokens
    words = _words(toks)
    head = words[-1]
    kind = "group" if plural_noun(head) else "person" if agentive(head) else "organisation"
    rest = [w for w in words if w not in ("the", "a", "an")]
    start, end = toks[0].start, toks[-1].end
    return Speaker(start, end, s.text[start:end], f"{kind}:{slug(' '.join(rest))}", kind,
                   side=_side(s.discourse, [m for m in s.mentions if start <= m.start < end
                                            and m.actor is not None]),
                   heads=frozenset({head}) if kind == "person" else frozenset())
