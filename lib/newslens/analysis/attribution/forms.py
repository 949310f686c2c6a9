"""One detector per attribution form. Each takes the sentence and a cue hit and returns a
Statement (speaker and content span included) or None; `detect` chooses which forms a cue can
take. Forms: subject, with, postposed, inverted, passive ("was reported by X"), according_to,
participial, coordinated ("… and added that"), group ("Many doubt …") and pronoun."""

from __future__ import annotations

import re

from newslens.analysis.attribution import spans
from newslens.analysis.attribution.records import CueHit, Sentence, Speaker, Statement
from newslens.analysis.attribution.spans import (
    AGENT,
    AUX_GAP,
    CLAUSE_AFTER,
    COORDINATED,
    GAP,
    GROUP_SUBJECT,
    PARTICIPIAL_LEFT,
    PASSIVE,
    POSTPOSED_LEFT,
    PRONOUN_BOUNDARY,
    QUOTE_AFTER,
    QUOTE_NEAR,
    TAIL,
    WITH_LEFT,
)
from newslens.analysis.attribution.speakers import (
    PRONOUNS,
    phrase_after,
    phrase_before,
    resolve,
)

_PARTICIPLE_IRREGULAR = {"told", "said", "written", "shown", "spoken", "thought", "found",
                         "asked"}
_CLOSERS = "”»\""


# ---------------------------------------------------------------- content spans
def quote_at(s: Sentence, pos: int) -> tuple[int, int] | None:
    """The interior (start, end) of the quotation whose opening mark is at `pos`."""
    for q0, q1 in s.quotes:
        if q0 == pos:
            return q0 + 1, q1
    return None


def quote_before(s: Sentence, end: int) -> tuple[int, int] | None:
    """The interior of the quotation that closes just before `end` (", " or " " between)."""
    head = s.text[:end].rstrip(" ,")
    if not head or head[-1] not in _CLOSERS:
        return None
    close = len(head) - 1
    for q0, q1 in s.quotes:
        if q1 == close:
            return q0 + 1, q1
    return None


def inside_quote(s: Sentence, pos: int) -> bool:
    return any(q0 < pos < q1 for q0, q1 in s.quotes)


def _reported_after(s: Sentence, hit: CueHit, st: Statement) -> Statement:
    """Set the content to what follows the cue: a quotation (whole, even over several
    sentences), else the that-clause or the rest of the sentence."""
    q = QUOTE_AFTER.match(s.text, hit.end)
    if hit.cue.kind == "quote_only" and not q:
        q = QUOTE_NEAR.match(s.text, hit.end)
    region = quote_at(s, q.end()) if q else None
    if region is not None:
        st.content_start, st.content_end, st.direct = region[0], region[1], True
        return st
    c0, c1, direct = spans.content_after(s.text, hit.end)
    st.content_start, st.content_end, st.direct = c0, c1, direct
    return st


def _reported_before(s: Sentence, end: int, st: Statement) -> Statement:
    """Set the content to the quotation closing before `end`, else the text before it."""
    region = quote_before(s, end)
    if region is not None:
        st.content_start, st.content_end, st.direct = region[0], region[1], True
    else:
        st.content_start, st.content_end, st.direct = spans.content_before(s.text, end)
    return st


# ---------------------------------------------------------------- the subject of a cue
def _pronoun_at(s: Sentence, end: int) -> tuple[int, int] | None:
    """Token span of a subject pronoun ending at `end` at the start of a clause."""
    m = re.search(r"\b(he|she|they|it)\s*$", s.text[max(0, end - 12):end], re.IGNORECASE)
    if m is None:
        return None
    start = end - len(s.text[max(0, end - 12):end]) + m.start(1)
    if not s.left(PRONOUN_BOUNDARY, start, 40):
        return None
    toks = s.tokens
    i = next((k for k, t in enumerate(toks) if t.start == start), None)
    return (i, i + 1) if i is not None else None


def _subject_span(s: Sentence, pos: int):
    """(token span, is_pronoun) of the subject phrase ending at `pos`, or None."""
    pro = _pronoun_at(s, pos)
    if pro is not None:
        return pro, True
    span = phrase_before(s, pos)
    return (span, False) if span else None


def subject_of(s: Sentence, hit: CueHit) -> tuple[Speaker, int, bool] | None:
    """(speaker, phrase start, is_pronoun) of the cue's subject: the phrase just before the
    auxiliaries, or before an appositive (", the Kremlin spokesman,") when that one names it."""
    direct = s.left(AUX_GAP, hit.start)
    ends = [direct.start()] if direct else []
    appositive = s.left(GAP, hit.start)
    if appositive is not None and appositive.start() not in ends and \
            s.text[appositive.start():hit.start].lstrip().startswith(","):
        ends.insert(0, appositive.start())
    for pos in ends:
        found = _subject_span(s, pos)
        if found is None:
            continue
        span, is_pronoun = found
        sp = resolve(s, span, hit.cue.lemma)
        if sp is not None:
            return sp, s.tokens[span[0]].start, is_pronoun
    return None


def _passive(s: Sentence, hit: CueHit) -> bool:
    word = hit.text.lower().split()[0]
    participle = word.endswith("ed") or word in _PARTICIPLE_IRREGULAR
    return participle and "as saying" not in hit.text.lower() and \
        s.left(PASSIVE, hit.start, 40) is not None


# ---------------------------------------------------------------- detectors
def according_to(s: Sentence, hit: CueHit) -> Statement | None:
    """"According to ISW, …" / "…, according to ISW." / "As reported by Ukrinform, …"."""
    span = phrase_after(s, hit.end)
    if span is None:
        return None
    sp = resolve(s, span, hit.cue.lemma)
    if sp is None:
        return None
    st = Statement(hit, "according_to", sp, clause=hit.start)
    if not s.text[:hit.start].strip(" ,(—–-"):
        comma = s.text.find(",", sp.end)
        st.content_start, st.content_end = (comma + 1 if comma >= 0 else sp.end), len(s.text)
    else:
        st.content_start, st.content_end = 0, hit.start
    return st


def passive(s: Sentence, hit: CueHit) -> Statement | None:
    """"This was reported by Vladyslav Voloshyn, …": the speaker is the agent after "by"."""
    agent = AGENT.match(s.text, hit.end)
    if agent is None:
        return None
    span = phrase_after(s, agent.end())
    sp = resolve(s, span, hit.cue.lemma) if span else None
    if sp is None:
        return None
    st = Statement(hit, "passive", sp, clause=0)
    aux = s.left(PASSIVE, hit.start, 40)
    st.content_start, st.content_end = 0, aux.start()
    if not s.text[:aux.start()].strip():
        st.content_start, st.content_end = sp.end, len(s.text)
    return st


def postposed(s: Sentence, hit: CueHit, sp: Speaker, start: int) -> Statement | None:
    """"“…,” Putin said." / "…, UNN reports.": the content comes before the speaker."""
    if not (TAIL.fullmatch(s.text, hit.end) and s.text[:start].strip()
            and s.left(POSTPOSED_LEFT, start)):
        return None
    return _reported_before(s, start, Statement(hit, "postposed", sp, clause=start))


def subject(s: Sentence, hit: CueHit, sp: Speaker, start: int, pronoun: bool) -> Statement:
    """"Putin said that …" and "…, with von der Leyen criticizing Russia …" (form `with`)."""
    with_ = s.left(WITH_LEFT, start)
    form = "with" if with_ else "pronoun" if pronoun else "subject"
    clause = with_.start() if with_ else start
    back = re.search(r"(?:,\s*)?(?:\b(?:but|and|while|whereas|as)\s+)?$", s.text[:start])
    if back and not with_:
        clause = min(clause, back.start())
    return _reported_after(s, hit, Statement(hit, form, sp, clause=clause))


def participial(s: Sentence, hit: CueHit) -> Statement | None:
    """"…, stating that …": the speaker is the main clause's (the statement before it, else the
    subject at the start of the sentence)."""
    parents = [st for st in s.found if st.hit.start < hit.start]
    parent = parents[-1] if parents else None
    speaker = parent.speaker if parent else _clause_subject(s, hit.start)
    if speaker is None:
        return None
    st = Statement(hit, "participial", speaker, clause=s.left(PARTICIPIAL_LEFT, hit.start).start(),
                   parent=parent)
    return _reported_after(s, hit, st)


def coordinated(s: Sentence, hit: CueHit) -> Statement | None:
    """"Kallas … and confirmed that …, but said that …": the speaker is the clause's subject."""
    coord = s.left(COORDINATED, hit.start, 60)
    if coord is None:
        return None
    parents = [st for st in s.found if st.hit.start < hit.start]
    speaker = parents[-1].speaker if parents else _clause_subject(s, coord.start())
    if speaker is None:
        return None
    st = Statement(hit, "coordinated", speaker, clause=coord.start(),
                   parent=parents[-1] if parents else None)
    return _reported_after(s, hit, st)


def _clause_subject(s: Sentence, pos: int) -> Speaker | None:
    """The subject phrase at the start of the sentence, when it comes before `pos`."""
    span = phrase_after(s, 0, pos)
    if span is None:
        first = s.tokens[0] if s.tokens else None
        if first is not None and first.low in PRONOUNS and first.end <= pos:
            span = (0, 1)
    return resolve(s, span) if span else None


def inverted(s: Sentence, hit: CueHit) -> Statement | None:
    """"“…,” said Putin.": the speaker follows the cue and ends the sentence."""
    inv = s.left(POSTPOSED_LEFT, hit.start) if s.text[:hit.start].strip() else None
    span = phrase_after(s, hit.end) if inv else None
    if span is None or not TAIL.fullmatch(s.text, s.tokens[span[1] - 1].end):
        return None
    sp = resolve(s, span, hit.cue.lemma)
    if sp is None:
        return None
    return _reported_before(s, hit.start, Statement(hit, "inverted", sp, clause=inv.start()))


def group(s: Sentence, hit: CueHit) -> Statement | None:
    """"European leaders … Many doubt …": the holder refers to the last group named before."""
    g = s.left(GROUP_SUBJECT, hit.start)
    if g is None:
        return None
    ref = next((sp for sn, sp in reversed(s.discourse.entities)
                if sn == s.number - 1 and not s.discourse.is_person(sp)
                and sp.antecedent is not None), None)
    if ref is None:
        return None
    holder = Speaker(g.start(1), g.end(1), g.group(1), ref.key, ref.kind, ref.actor, ref.side,
                     antecedent=ref.antecedent)
    return _reported_after(s, hit, Statement(hit, "group", holder, clause=g.start(1)))


def _clause_follows(s: Sentence, hit: CueHit) -> bool:
    return CLAUSE_AFTER.match(s.text, hit.end) is not None


def _nested(s: Sentence, hit: CueHit) -> bool:
    """Inside an earlier statement's reported clause (reported speech counts once)."""
    return any(not st.direct and st.content_start < hit.start < st.content_end
               for st in s.found)


def detect(s: Sentence, hit: CueHit) -> Statement | None:
    """The statement a cue makes, trying the forms in order (the first that applies decides)."""
    kind = hit.cue.kind
    if kind == "phrases":
        return according_to(s, hit)
    if kind == "quote_only" and not QUOTE_NEAR.match(s.text, hit.end):
        return None
    if kind == "clause_only" and not _clause_follows(s, hit):
        return None
    if _passive(s, hit):
        return passive(s, hit)
    found = subject_of(s, hit)
    if found is not None:
        sp, start, pronoun = found
        if _nested(s, hit) and not pronoun and not s.left(WITH_LEFT, start):
            return None
        return postposed(s, hit, sp, start) or subject(s, hit, sp, start, pronoun)
    if hit.is_participle and s.left(PARTICIPIAL_LEFT, hit.start):
        return participial(s, hit)
    return coordinated(s, hit) or inverted(s, hit) or group(s, hit)
