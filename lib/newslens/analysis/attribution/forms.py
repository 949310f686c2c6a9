"""One detector per attribution form. Each takes the sentence and a cue hit and returns a
Statement (content span included) or None; `detect` chooses which form a cue can be."""

from __future__ import annotations

from newslens.analysis.attribution import spans
from newslens.analysis.attribution.records import CueHit, Mention, Sentence, Statement
from newslens.analysis.attribution.spans import (
    CLAUSE_BACK,
    GROUP_SUBJECT,
    PARTICIPIAL_LEFT,
    POSTPOSED_LEFT,
    PRONOUN_SUBJECT,
    QUOTE_NEAR,
    TAIL,
    WITH_LEFT,
)


def _reported_after(s: Sentence, hit: CueHit, st: Statement) -> Statement:
    """Set the content to what follows the cue (a quote_only cue takes the nearby quotation)."""
    c0, c1, direct = spans.content_after(s.text, hit.end)
    if hit.cue.kind == "quote_only" and not direct:
        c0, c1 = spans.read_quote(s.text, QUOTE_NEAR.match(s.text, hit.end).end())
        direct = True
    st.content_start, st.content_end, st.direct = c0, c1, direct
    return st


def according_to(s: Sentence, hit: CueHit) -> Statement | None:
    """"According to ISW, …" / "…, according to ISW.": the speaker follows the phrase."""
    m = spans.np_after(s, hit.end)
    if m is None:
        return None
    st = Statement(hit, "according_to", m, clause=hit.start)
    if not s.text[:hit.start].strip(" ,"):
        comma = s.text.find(",", m.end)
        st.content_start, st.content_end = (comma + 1 if comma >= 0 else m.end), len(s.text)
    else:
        st.content_start, st.content_end = 0, hit.start
    return st


def postposed(s: Sentence, hit: CueHit, subj: Mention) -> Statement | None:
    """"“…,” Putin said." / "…, Putin said on Monday.": the content comes before the speaker."""
    if not (spans.TAIL.fullmatch(s.text, hit.end) and s.text[:subj.start].strip()
            and s.left(POSTPOSED_LEFT, subj.start)):
        return None
    st = Statement(hit, "postposed", subj, clause=subj.start)
    st.content_start, st.content_end, st.direct = spans.content_before(s.text, subj.start)
    return st


def subject(s: Sentence, hit: CueHit, subj: Mention) -> Statement:
    """"Putin said that …" and "…, with von der Leyen criticizing Russia …" (form `with`)."""
    with_ = s.left(WITH_LEFT, subj.start)
    if with_:
        clause = with_.start()
    else:
        back = s.left(CLAUSE_BACK, subj.start)
        clause = min(back.start() if back else subj.start, subj.start)
    st = Statement(hit, "with" if with_ else "subject", subj, clause=clause)
    return _reported_after(s, hit, st)


def participial(s: Sentence, hit: CueHit) -> Statement | None:
    """"…, stating that …": the speaker is the main clause's (the statement before it, else the
    clause-initial subject)."""
    parents = [st for st in s.found if st.hit.start < hit.start]
    parent = parents[-1] if parents else None
    speaker = parent.speaker if parent else spans.clause_subject(s, hit.start)
    if speaker is None:
        return None
    st = Statement(hit, "participial", speaker, clause=s.left(PARTICIPIAL_LEFT, hit.start).start(),
                   parent=parent)
    return _reported_after(s, hit, st)


def inverted(s: Sentence, hit: CueHit) -> Statement | None:
    """"“…,” said Putin.": the speaker follows the cue and ends the sentence."""
    inv = s.left(POSTPOSED_LEFT, hit.start) if s.text[:hit.start].strip() else None
    m = spans.np_after(s, hit.end) if inv else None
    if m is None or not TAIL.fullmatch(s.text, m.end):
        return None
    st = Statement(hit, "inverted", m, clause=inv.start())
    st.content_start, st.content_end, st.direct = spans.content_before(s.text, hit.start)
    return st


def group(s: Sentence, hit: CueHit) -> Statement | None:
    """"European leaders … Many doubt …": the holder refers to the last group named before."""
    g = s.left(GROUP_SUBJECT, hit.start)
    if g is None:
        return None
    ante = next((a for a in reversed(s.prev_groups) if not a[1].is_person), None)
    if ante is None:
        return None
    holder = Mention(g.start(1), g.end(1), ante[1].actor, ante[1].kind, "group", g.group(1),
                     False)
    st = Statement(hit, "group", holder, clause=g.start(1), antecedent=ante)
    return _reported_after(s, hit, st)


def pronoun(s: Sentence, hit: CueHit) -> Statement | None:
    """A he/she/they subject the mention table left unresolved: the last person (or group, for
    they) mentioned before it."""
    p = s.left(PRONOUN_SUBJECT, hit.start)
    if p is None:
        return None
    ref = s.prev_group if p.group(1).lower() == "they" else s.prev_person
    if ref is None:
        return None
    holder = Mention(p.start(1), p.end(1), ref.actor, ref.kind, "pronoun", p.group(1), False)
    return _reported_after(s, hit, Statement(hit, "pronoun", holder, clause=p.start(1)))


def detect(s: Sentence, hit: CueHit) -> Statement | None:
    """The statement a cue makes, trying the forms in order (the first that applies decides)."""
    if hit.cue.kind == "phrases":
        return according_to(s, hit)
    if hit.cue.kind == "quote_only" and not QUOTE_NEAR.match(s.text, hit.end):
        return None
    subj = spans.subject_before(s, hit.start)
    if subj is not None:
        return postposed(s, hit, subj) or subject(s, hit, subj)
    if hit.is_participle and s.left(PARTICIPIAL_LEFT, hit.start):
        return participial(s, hit)
    return inverted(s, hit) or group(s, hit) or pronoun(s, hit)
