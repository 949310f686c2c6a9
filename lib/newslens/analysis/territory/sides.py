"""Step 3 of a claim: claimant and counterpart of a region list x cue, through the statement's
speaker, the sentence's candidates and the sentences before (newslens.analysis.territory.roles)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newslens.analysis.territory.cues import (
    ClaimRule,
    Cues,
)
from newslens.analysis.territory.model import (
    CueHit,
    SentenceView,
    _Inputs,
    _local_actors,
    _side,
    _Statement,
    _statement_at,
)
from newslens.analysis.territory.roles import (
    Candidate,
    Context,
    RegionSpan,
    RoleFinder,
    candidates,
    roles,
)

# --- step 3: claimant and counterpart -----------------------------------------------------------

def side_prefixes(cues: Cues) -> dict:
    """Lowercase one-word names of the belligerents (names, demonyms, capitals, references of
    the actor gazetteer) -> side: the first part of "Russian-held", "Kyiv-controlled"."""
    out: dict = {}
    for name, actor_id in actor_names().words:
        if actor_id in cues.sides:
            out.setdefault(name, actor_id)
    return out


@dataclass(frozen=True)
class ActorNames:
    """What the claim sides read of the actor gazetteer, derived once per gazetteer file."""

    words: tuple  # (lowercase one-word name, actor id), in gazetteer order
    outlets: tuple  # (outlet alias as lowercase letters, affiliation) of affiliated outlets


def actor_names(path=None) -> ActorNames:
    """The gazetteer's names as the claim sides read them (cached per file content)."""
    from newslens import lexicon

    return lexicon.load(lexicon.resolve(path, "actors.yml"), _parse_actor_names)


def _parse_actor_names(raw, path) -> ActorNames:
    from newslens.text.gazetteer import _parse_gazetteer

    actors = _parse_gazetteer(raw, path)
    words = []
    for rec in actors.to_dict("records"):
        names = [rec["name"]] + [n for col in ("aliases", "demonyms", "capitals", "references")
                                 for n in (rec.get(col) if isinstance(rec.get(col), list) else [])]
        words += [(name.lower(), rec["id"]) for name in names
                  if isinstance(name, str) and name.isalpha()]
    rows = actors[actors["kind"] == "outlet"]
    outlets = []
    for names, side in zip(rows["aliases"].tolist(), rows["affiliation"].tolist()):
        if isinstance(side, str) and side:
            outlets += [(re.sub(r"[^a-z]", "", n.lower()), side) for n in names]
    return ActorNames(tuple(words), tuple((n, s) for n, s in outlets if n))


def _country(inp: _Inputs, actor_id: str | None) -> str | None:
    """The belligerent an actor id stands for (its affiliation), or the id itself."""
    if actor_id is None:
        return None
    _, affiliation = inp.kinds.get(actor_id, (None, None))
    return affiliation if isinstance(affiliation, str) and affiliation else actor_id


def _speaker_side(inp: _Inputs, st: _Statement | None, actors: list, s0: int) -> str | None:
    """The side of a statement's speaker: its affiliation, else a side named in the speaker
    phrase ("a Russian military expert", "spokesman for the Defense Forces"): an actor mention
    of the sentence (`actors`: (start, end, side), offsets from `s0`) or a force term."""
    if st is None:
        return None
    if st.speaker in inp.kinds or st.speaker in inp.cues.sides:
        return _country(inp, st.speaker)
    a, b = st.speaker_span
    if a is not None and b is not None:
        for start, end, side in actors:
            if a <= start + s0 and end + s0 <= b and side:
                return _country(inp, side)
    if inp.cues.forces is not None and st.speaker_text:
        m = inp.cues.forces.search(st.speaker_text)
        if m and m.lastgroup.split("_", 1)[1] in inp.cues.sides:
            return m.lastgroup.split("_", 1)[1]
    return None


def _candidates(inp: _Inputs, view: SentenceView, text: str, s0: int, sentence: int,
                actors: list) -> list[Candidate]:
    """Claimant candidates of one sentence, "enemy"/"own" resolved through its speaker
    (memoised per sentence: the sentences before a claim are looked at again and again)."""
    key = (view.article_id, view.field, sentence)
    if key not in inp.candidates:
        inp.candidates[key] = _sentence_candidates(
            inp, view, text, s0, sentence, actors() if callable(actors) else actors)
    return inp.candidates[key]


def _sentence_candidates(inp: _Inputs, view: SentenceView, text: str, s0: int, sentence: int,
                         actors: list) -> list[Candidate]:
    cues = inp.cues

    def relative(kind, start, end):
        """"the enemy" opposes the speaker ("our forces" are the speaker's side); a speaker of
        unknown side counts as `unknown_speaker_side`. "our"/"we" outside any statement (the
        outlet's own voice) stand for no side."""
        st = _statement_at(inp.statements, view.article_id, view.field, sentence,
                           start + s0, end + s0)
        if st is None and _QUOTE.search(text):
            st = _nearby_statement(inp, view.article_id, view.field, sentence)
        elif st is None and kind == "own":
            return None
        side = _speaker_side(inp, st, actors, s0) if st is not None else None
        side = side if side in cues.sides else cues.unknown_speaker_side
        return cues.sides.get(side) if kind == "enemy" else side

    return candidates(text, actors, cues, relative, inp.prefixes, inp.needles(text))


_QUOTE = re.compile(r"[\"“”«»]")


def _nearby_statement(inp: _Inputs, article_id, field, sentence: int) -> _Statement | None:
    """The statement nearest to a quoted sentence that has none (a quote continues over several
    sentences before or after its attribution), within three sentences, later ones first."""
    best = None
    for st in (st for k in range(sentence - 3, sentence + 4)
               for st in inp.statements.of(article_id, field, k)):
        s0, s1 = st.sentences
        dist = s0 - sentence if s0 >= sentence else sentence - s1
        key = (dist, s0 < sentence)
        if 0 < dist <= 3 and (best is None or key < best[0]):
            best = (key, st)
    return best[1] if best else None


def _history(inp: _Inputs, view: SentenceView):
    """The candidate lists of the sentences before (`view.history`), nearest first, each
    found when the caller gets that far."""
    for text, s0, sentence, records in view.history():
        yield _candidates(inp, view, text, s0, sentence,
                          lambda r=records, p0=s0: _local_actors(r, p0, inp.kinds))


def _context_for(inp: _Inputs, view: SentenceView) -> Context:
    cands = _candidates(inp, view, view.text, view.s0, view.sentence, view.actors)
    return Context(view.text, cands, [RegionSpan(r.a, r.b) for r in view.regions], (0, 0),
                   history=lambda: _history(inp, view))


def _claim_roles(inp: _Inputs, ctx: Context, rule: ClaimRule, group: list, cue, default,
                 clause, st: _Statement | None, view: SentenceView) -> tuple:
    ctx.clause = clause
    who = st.speaker if st is not None else None
    if who in inp.kinds or who in inp.cues.sides:
        ctx.speaker = _side(who, inp.kinds)
    else:  # an unlinked speaker is no side (an estimate may be anyone's)
        ctx.speaker = who if rule.claim_type == "estimate" else None
    # narration with no statement speaks for its outlet ("TASS": Russia's side)
    ctx.speaker_side = _speaker_side(inp, st, view.actors, view.s0) if st is not None else \
        inp.outlet_sides.get(view.article_id)
    finder = RoleFinder(ctx, RegionSpan(group[0].a, group[-1].b),
                        (cue.start, cue.end) if cue else None, default, inp.cues,
                        rule.belligerent)
    return roles(rule, finder)


def _modality(cues: Cues, cue: CueHit | None, text: str, clause: tuple) -> str:
    """"denied" ("rejected Moscow's claims to have captured X"), "negated" ("failed to capture
    X"), "irrealis" ("trying to capture X", "will take X") or "real", from the words before the
    cue in its clause."""
    if cue is None:
        return "real"
    before = text[max(clause[0], cue.start - 50):cue.start]
    if cues.denied_before is not None and cues.denied_before.search(
            text[max(clause[0], cue.start - 80):cue.start]):
        return "denied"
    if cues.negated_before is not None and cues.negated_before.search(before):
        return "negated"
    if cues.irrealis_before is not None and cues.irrealis_before.search(before):
        return "irrealis"
    return "real"



