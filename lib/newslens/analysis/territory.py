"""Territorial claims: one row per region x claim, with claimant, counterpart and speaker.

A sentence that mentions a region (newslens.text.regions) becomes claims in three steps:

1. cues: the rules of data/claim_cues.yml (newslens.analysis.claim_cues) find their cues, and
   the sentence is cut into clauses;
2. regions: region mentions form coordinated lists ("Donetsk, Luhansk and Kherson" take one
   claim together); a region that only locates another ("Novopavlivka in Dnipropetrovsk
   Oblast") or sets the scene ("In the DPR, the South grouping holds X") takes none; each list
   takes the nearest cue of its clause (plus a framing cue before it: "recognise Russian control
   of X" is a recognition demand and a control claim);
3. claimant and counterpart (newslens.analysis.claim_roles): from the cue's grammatical roles,
   the statement's speaker (newslens.analysis.attribution) and the military subjects of the
   sentence ("the West grouping", "the enemy" relative to the speaker).

A capture or a reported withdrawal ("Ukrainian troops withdrew from X") is a control change:
`control_change` is True and the claimant is the side that gained the region.

Hierarchy: a region listed as part of a macro region or generic reference ("the Donbas region,
which includes the Luhansk and Donetsk areas"; "annexed territories including Crimea") takes its
claims (via="includes", part_of="donbas"); a claim on a macro region or on a generic reference
with members (the four annexed regions) also yields rows for members not named in the sentence
(via="hierarchy", span = the macro mention).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise

import pandas as pd

from newslens import schema
from newslens.analysis.claim_cues import CLAIM_TYPES, ClaimRule, Cues, load_claim_cues, rule_hits
from newslens.analysis.claim_roles import (
    Candidate,
    Context,
    RegionSpan,
    RoleFinder,
    candidates,
    roles,
)
from newslens.io.syndication import story_rows
from newslens.text.actors import linked_only
from newslens.text.regions import generic_defaults, region_info, region_mentions

__all__ = ["CLAIM_COLUMNS", "CLAIM_TYPES", "control_changes", "load_claim_cues",
           "region_rollup", "territorial_claims"]

CLAIM_COLUMNS = schema.table("claims").names
_INCLUDES = re.compile(
    r"^\s*,?\s*(?:(?:which|that)\s+(?:includes?|comprises?|consists?\s+of|(?:is|are)\s+made\s+up"
    r"\s+of|covers?|encompass(?:es)?)|including|comprising|made\s+up\s+of|consisting\s+of|"
    r"i\.e\.|namely|[-–—(:])",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(
    r"^\s*(?:[,/&]|[-‐–]|\band\b|\bor\b|\bas\s+well\s+as\b)?\s*(?:(?:and|or|most|much|all|parts?|"
    r"some|the|of|rest|entire|whole|city|town|village|villages|region|regions|oblast|oblasts|"
    r"areas?)\s+)*$", re.IGNORECASE)
_SLUG = re.compile(r"^\S+(?:-\S+){2,}$")


# --- statements (newslens.analysis.attribution) -------------------------------------------

def _records(df: pd.DataFrame, columns) -> list[dict]:
    """Rows of `df` as dicts over the given columns that exist (column lists, no pandas rows)."""
    cols = [c for c in dict.fromkeys(columns) if c is not None and c in df.columns]
    lists = [df[c].tolist() for c in cols]
    return [dict(zip(cols, values)) for values in zip(*lists)]


@dataclass
class _Statement:
    content: tuple  # (start, end) or (None, None)
    sentences: tuple  # (first, last)
    speaker: str
    speaker_span: tuple  # (start, end) or (None, None)
    speaker_text: str


def _statement_lookup(statements: pd.DataFrame | None) -> dict:
    """(article_id, field) -> {sentence: [_Statement]} of the statements that name a speaker,
    in statement order, filed under every sentence they span (None when unknown): lookups read
    one sentence's statements, so the cost is linear, not quadratic, in article length."""
    index: dict = {}
    if statements is None or len(statements) == 0 or "speaker" not in statements.columns:
        return index
    cols = statements.columns
    first = next((c for c in ("sentence", "sentence_start", "first_sentence") if c in cols), None)
    last = next((c for c in ("sentence_end", "last_sentence", "sentence") if c in cols), None)
    for rec in _records(statements, ["article_id", "field", "speaker", "content_start",
                                     "content_end", first, last, "speaker_start", "speaker_end",
                                     "speaker_text"]):
        who = rec.get("speaker")
        if who is None or (isinstance(who, float) and pd.isna(who)) or who == "":
            continue
        s0 = _num(rec.get(first)) if first else None
        s1 = _num(rec.get(last)) if last else None
        text = rec.get("speaker_text")
        s1 = s1 if s1 is not None else s0
        st = _Statement((_num(rec.get("content_start")), _num(rec.get("content_end"))),
                        (s0, s1), who,
                        (_num(rec.get("speaker_start")), _num(rec.get("speaker_end"))),
                        text if isinstance(text, str) else "")
        by_sentence = index.setdefault((rec["article_id"], rec.get("field") or "text"), {})
        for sentence in (range(s0, s1 + 1) if s0 is not None and s1 >= s0 else [None]):
            by_sentence.setdefault(sentence, []).append(st)
    return index


def _num(value):
    """An int, or None for missing values (None, NaN, pd.NA)."""
    try:
        return None if value is None or pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return None


def _statement_at(index, article_id, field, sentence, start, end) -> _Statement | None:
    """The statement whose content covers [start, end), else the first one in the sentence."""
    best = None
    by_sentence = index.get((article_id, field), {})
    for st in by_sentence.get(sentence, []) + by_sentence.get(None, []):
        c0, c1 = st.content
        if c0 is not None and c1 is not None and c0 <= start and end <= c1:
            return st
        s0, s1 = st.sentences
        if best is None and s0 is not None and s0 <= sentence <= s1:
            best = st
    return best


# --- records ------------------------------------------------------------------------------------

@dataclass
class RegionRef:
    """A region mention inside a sentence (local offsets)."""

    a: int
    b: int
    id: str
    text: str


@dataclass
class CueHit:
    """One cue match inside a sentence (local offsets)."""

    start: int
    end: int
    text: str


@dataclass
class SentenceView:
    """What the claim steps need of one sentence that mentions regions."""

    article_id: str
    sentence: int
    text: str
    s0: int
    field: str
    context: str | None
    actors: list  # [(start, end, side)] of actor mentions, local offsets
    regions: list  # [RegionRef], by position
    history: Callable  # () -> [(text, s0, sentence, mention records)] of sentences before


@dataclass
class Claim:
    """One region x claim before it becomes a row of the claims table."""

    mention: RegionRef  # the mention in the text (offsets, claim id)
    region_id: str  # the region the row is about (a member for via="hierarchy")
    via: str  # mention, includes or hierarchy
    part_of: str | None
    rule: str
    claim_type: str
    cue: CueHit | None
    claimant: str | None
    counterpart: str | None
    stated_by: str | None
    control_change: bool


@dataclass
class _Inputs:
    """Per-call lookups shared by every sentence."""

    cues: Cues
    info: dict
    generic: dict
    kinds: dict
    statements: dict
    candidates: dict = field(default_factory=dict)  # (article, field, sentence) -> candidates


def _side(actor_id, kinds):
    kind, affiliation = kinds.get(actor_id, (None, None))
    if kind == "person" and isinstance(affiliation, str) and affiliation:
        return affiliation
    return actor_id


def _context(cues: Cues, text: str, paragraph_text: str, cache: dict | None = None):
    """The first context found in the sentence, else in its paragraph (cached per paragraph)."""
    for name, pattern in cues.contexts:
        if pattern.search(text):
            return name
    if cache is not None and paragraph_text in cache:
        return cache[paragraph_text]
    found = next((name for name, pattern in cues.contexts if pattern.search(paragraph_text)), None)
    if cache is not None:
        cache[paragraph_text] = found
    return found


def _overlaps(a, b, spans):
    return any(a < e and s < b for s, e in spans)


# --- step 1: cues and clauses ------------------------------------------------------------------

def _cue_hits(cues: Cues, text: str) -> dict[str, list[CueHit]]:
    """Cue matches per rule, minus those a rejection overlaps ("will not cede")."""
    hits = {name: [CueHit(*h) for h in found] for name, found in rule_hits(cues, text).items()}
    for neg, targets in cues.negated_by.items():
        spans = [(h.start, h.end) for h in hits.get(neg, [])]
        for target in targets:
            hits[target] = [h for h in hits[target] if not _overlaps(h.start, h.end, spans)]
    return hits


_PARENTHESIS = re.compile(r"\([^()]*\)")


@dataclass
class Clauses:
    """The clauses of a sentence: `outer` from the clause breaks of data/claim_cues.yml, with
    each parenthesis a clause of its own (`inner`) that does not split the clause around it."""

    outer: list
    inner: list

    def of(self, pos: int) -> tuple[int, int]:
        for span in self.inner:
            if span[0] <= pos < span[1]:
                return span
        return next((c for c in self.outer if c[0] <= pos < c[1]), self.outer[-1])

    def gap(self, a: int, b: int) -> int:
        """Characters between a and b, parentheses left out."""
        return (b - a) - sum(max(0, min(b, e) - max(a, s)) for s, e in self.inner)


def _clauses(cues: Cues, text: str) -> Clauses:
    """The clauses of one sentence (see Clauses)."""
    inner = [m.span() for m in _PARENTHESIS.finditer(text)]
    if cues.clause_breaks is None:
        return Clauses([(0, len(text))], inner)
    blank = _PARENTHESIS.sub(lambda m: " " * len(m.group(0)), text)
    cuts = [0] + [m.start() for m in cues.clause_breaks.finditer(blank) if m.start() > 0]
    outer = [(a, b) for a, b in zip(cuts, cuts[1:] + [len(text)]) if b > a] or [(0, len(text))]
    return Clauses(outer, inner)


# --- step 2: regions and the cues that govern them ---------------------------------------------

def _macro_parts(info: dict, view: SentenceView) -> dict[int, RegionRef]:
    """Mentions listed as parts of a macro region or generic reference ("Donbas, which includes
    Donetsk and ...", "annexed territories including Crimea", "four regions - Luhansk, ...")."""
    part_of = {}
    regs = view.regions
    for i, r in enumerate(regs):
        generic = info[r.id]["kind"] == "generic"
        members = _descendant_set(info, r.id)
        if not (members or generic) or not _INCLUDES.match(view.text[r.b:]):
            continue
        previous = r
        for later in regs[i + 1:]:
            listed = later is regs[i + 1] or _LIST_GAP.match(view.text[previous.b:later.a])
            if (later.id in members or generic) and listed and later.id != r.id:
                part_of[id(later)] = r
                previous = later
            else:
                break
    return part_of


def _locates(info: dict, inner: RegionRef, outer: RegionRef) -> bool:
    """Does `outer` name where `inner` lies (an oblast or macro region above a town)?"""
    if info[outer.id]["kind"] not in ("oblast", "macro_region") or inner.id == outer.id:
        return False
    if info[inner.id]["kind"] not in ("town", "city", "settlement", "site"):
        return False
    parent, seen = info[inner.id]["parent"], set()
    while parent is not None and parent not in seen:
        if parent == outer.id:
            return True
        seen.add(parent)
        parent = info.get(parent, {}).get("parent")
    return info[inner.id]["kind"] == "settlement" and info[inner.id]["parent"] is None


def _claimless(cues: Cues, info: dict, view: SentenceView, part_of: dict) -> set[int]:
    """Mentions that take no claim of their own: locators ("X in Dnipropetrovsk Oblast") and a
    leading scene-setter ("In the DPR, ...") when another region is in the sentence."""
    out = set()
    regs = [r for r in view.regions if id(r) not in part_of]
    for prev, r in pairwise(regs):
        gap = view.text[prev.b:r.a]
        if cues.locators is not None and cues.locators.search(gap) and _locates(info, prev, r):
            out.add(id(r))
    if cues.scene_setters is not None and len({r.id for r in regs}) > 1:
        first = regs[0]
        if cues.scene_setters.search(view.text[:first.a]) and "," in view.text[first.b:][:40]:
            out.add(id(first))
    return out


def _groups(cues: Cues, info: dict, view: SentenceView, part_of: dict) -> list[list[RegionRef]]:
    """Coordinated lists of region mentions that take a claim together."""
    skip = _claimless(cues, info, view, part_of)
    groups: list[list[RegionRef]] = []
    for r in view.regions:
        if id(r) in part_of or id(r) in skip:
            continue
        if groups and _LIST_GAP.match(view.text[groups[-1][-1].b:r.a]):
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def _origin(cues: Cues, gap: str) -> bool:
    """Does the text before a region make it an origin ("from the direction of X")?"""
    return cues.from_words is not None and bool(cues.from_words.search(gap))


def _nearest(cues: Cues, hits: dict, span: tuple, clauses: Clauses, text: str, spans: list):
    """The nearest nearest-scope cue of the clause before the region list and the nearest after
    it, as (distance, rule, cue) or None each (a cue after the region counts double; a capture
    cue before "from X" does not govern X)."""
    best: dict = {True: None, False: None}
    clause = clauses.of(span[0])
    for name, rule in cues.types.items():
        if rule.scope != "nearest":
            continue
        for h in hits[name]:
            if _overlaps(h.start, h.end, spans) or clauses.of(h.start) != clause:
                continue
            before = h.end <= span[0]
            dist = clauses.gap(h.end, span[0]) if before else clauses.gap(span[1], h.start) * 2
            if dist < 0 or dist > cues.max_distance * (1 if before else 2):
                continue
            if before and rule.claim_type == "capture_advance" \
                    and _origin(cues, text[h.end:span[0]]):
                continue
            if best[before] is None or dist < best[before][0]:
                best[before] = (dist, name, h)
    return best[True], best[False]


def _governing(cues: Cues, hits: dict, group: list, clauses, text: str, spans: list) -> list:
    """(rule, cue) pairs that govern a region list: every sentence-scope cue, the nearest
    nearest-scope cue of its clause, the nearest on the other side when it makes another claim
    type ("pull back from X and Y, regions that voted to join Russia"), and a framing cue before
    the nearest one ("recognise Russian control of X")."""
    span = (group[0].a, group[-1].b)
    clause = clauses.of(span[0])
    found = [(name, hits[name][0]) for name, rule in cues.types.items()
             if rule.scope == "sentence" and any(
                 not _overlaps(h.start, h.end, spans) for h in hits[name])]
    near = sorted((b for b in _nearest(cues, hits, span, clauses, text, spans) if b is not None),
                  key=lambda b: b[0])
    if not near:
        return found
    _, name, cue = near[0]
    found.append((name, cue))
    if len(near) > 1 and cues.types[near[1][1]].claim_type != cues.types[name].claim_type:
        found.append((near[1][1], near[1][2]))
    if cues.types[name].frame:
        return found
    for frame_name, rule in cues.types.items():
        frames = [h for h in hits[frame_name] if rule.frame and clauses.of(h.start) == clause
                  and h.end <= cue.start and clauses.gap(h.end, span[0]) <= cues.max_distance]
        if frames and all(f[0] != frame_name for f in found):
            found.append((frame_name, frames[-1]))
    return found


def _claim_types(cues: Cues, hits: dict, view: SentenceView, groups: list, generic: dict,
                 clauses) -> dict[int, list]:
    """Group index -> [(rule, cue or None)]: the governing cues, plus a generic reference's own
    claim ("occupied territories" states control). A list out of reach of any cue takes the cue
    of the list before it in its clause when that one is within reach."""
    spans = [(r.a, r.b) for r in view.regions]
    out, last = {}, None  # last: (clause, end, (rule, cue)) of a list a cue before it governs
    for i, group in enumerate(groups):
        found = _governing(cues, hits, group, clauses, view.text, spans)
        clause = clauses.of(group[0].a)
        nearest = [f for f in found if cues.types[f[0]].scope == "nearest"]
        if not nearest and last is not None and last[0] == clause \
                and clauses.gap(last[1], group[0].a) <= cues.max_distance \
                and not _origin(cues, view.text[last[1]:group[0].a]):
            found.append(last[2])  # the clause's verb goes on: "advancing near X ... and near Y"
        elif nearest and nearest[0][1].end <= group[0].a:
            last = (clause, group[-1].b, nearest[0])
        for r in group:
            default = generic.get(r.id)
            if default and default[0] and default[0] not in {cues.types[f[0]].claim_type
                                                              for f in found}:
                found.append((default[0], None))
                break
        out[i] = found
    return out


def _targets(info: dict, view: SentenceView, r: RegionRef, owner: RegionRef | None,
             parts: dict) -> list:
    """(region_id, via, part_of) rows one mention yields: itself (unless it is a generic head
    whose parts are named), and the members of a macro or generic region that the sentence does
    not name (via="hierarchy")."""
    if owner is not None:
        return [(r.id, "includes", owner.id)]
    named = {x.id for x in view.regions}
    has_parts = any(o is r for o in parts.values())
    own = [] if has_parts and info[r.id]["kind"] == "generic" else [(r.id, "mention", None)]
    return own + [(member, "hierarchy", r.id) for member in info[r.id]["members"]
                  if member not in named]


# --- step 3: claimant and counterpart -----------------------------------------------------------

def _country(inp: _Inputs, actor_id: str | None) -> str | None:
    """The belligerent an actor id stands for (its affiliation), or the id itself."""
    if actor_id is None:
        return None
    _, affiliation = inp.kinds.get(actor_id, (None, None))
    return affiliation if isinstance(affiliation, str) and affiliation else actor_id


def _speaker_side(inp: _Inputs, st: _Statement | None, view: SentenceView) -> str | None:
    """The side of a statement's speaker: its affiliation, else a side named in the speaker
    phrase ("a Russian military expert", "spokesman for the Defense Forces")."""
    if st is None:
        return None
    if st.speaker in inp.kinds or st.speaker in inp.cues.sides:
        return _country(inp, st.speaker)
    a, b = st.speaker_span
    if a is not None and b is not None:
        for start, end, side in view.actors:
            if a <= start + view.s0 and end + view.s0 <= b and side:
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
        side = _speaker_side(inp, st, view) if st is not None else None
        side = side if side in cues.sides else cues.unknown_speaker_side
        return cues.sides.get(side) if kind == "enemy" else side

    return candidates(text, actors, cues, relative)


_QUOTE = re.compile(r"[\"“”«»]")


def _nearby_statement(inp: _Inputs, article_id, field, sentence: int) -> _Statement | None:
    """The statement nearest to a quoted sentence that has none (a quote continues over several
    sentences before or after its attribution), within three sentences, later ones first."""
    best = None
    by_sentence = inp.statements.get((article_id, field), {})
    for st in (st for k in range(sentence - 3, sentence + 4) for st in by_sentence.get(k, [])):
        s0, s1 = st.sentences
        dist = s0 - sentence if s0 >= sentence else sentence - s1
        key = (dist, s0 < sentence)
        if 0 < dist <= 3 and (best is None or key < best[0]):
            best = (key, st)
    return best[1] if best else None


def _history(inp: _Inputs, view: SentenceView) -> tuple[list, list]:
    """(sides, document keys) of the sentences before, nearest first."""
    sides, docs = [], []
    for text, s0, sentence, records in view.history():
        found = _candidates(inp, view, text, s0, sentence,
                            lambda r=records, p0=s0: _local_actors(r, p0, inp.kinds))
        sides += [c.side for c in found if c.kind in ("actor", "force") and c.side][:1]
        docs += [c.side for c in reversed(found) if c.kind == "document"]
    return sides[:3], docs


def _context_for(inp: _Inputs, view: SentenceView) -> Context:
    cands = _candidates(inp, view, view.text, view.s0, view.sentence, view.actors)
    return Context(view.text, cands, [RegionSpan(r.a, r.b) for r in view.regions], (0, 0),
                   history=lambda: _history(inp, view))


def _claim_roles(inp: _Inputs, ctx: Context, rule: ClaimRule, group: list, cue, default,
                 clause, st: _Statement | None, view: SentenceView) -> tuple:
    ctx.clause = clause
    ctx.speaker = st.speaker if st is not None else None
    ctx.speaker_side = _speaker_side(inp, st, view)
    finder = RoleFinder(ctx, RegionSpan(group[0].a, group[-1].b),
                        (cue.start, cue.end) if cue else None, default, inp.cues)
    return roles(rule, finder)


def _modality(cues: Cues, cue: CueHit | None, text: str, clause: tuple) -> str:
    """"negated" ("failed to capture X"), "irrealis" ("trying to capture X", "will take X") or
    "real", from the words before the cue in its clause."""
    if cue is None:
        return "real"
    before = text[max(clause[0], cue.start - 50):cue.start]
    if cues.negated_before is not None and cues.negated_before.search(before):
        return "negated"
    if cues.irrealis_before is not None and cues.irrealis_before.search(before):
        return "irrealis"
    return "real"


def _sentence_claims(inp: _Inputs, view: SentenceView) -> list[Claim]:
    """Every claim of one sentence: cues -> governed region lists -> claimant/counterpart."""
    cues, text = inp.cues, view.text
    if _SLUG.match(text):
        return []  # a URL slug used as a title is not prose
    hits = _cue_hits(cues, text)
    clauses = _clauses(cues, text)
    part_of = _macro_parts(inp.info, view)
    groups = _groups(cues, inp.info, view, part_of)
    governing = _claim_types(cues, hits, view, groups, inp.generic, clauses)
    ctx = _context_for(inp, view)
    owners = {id(r): i for i, g in enumerate(groups) for r in g}
    out = []
    for r in view.regions:
        owner = part_of.get(id(r))
        gi = owners.get(id(owner) if owner is not None else id(r))
        if gi is None:
            continue
        group = groups[gi]
        st = _statement_at(inp.statements, view.article_id, view.field, view.sentence,
                           r.a + view.s0, r.b + view.s0)
        for name, cue in governing[gi]:
            rule = cues.types[name]
            source = owner or r
            default = inp.generic.get(source.id, (None, None))[1] or cues.default_claimant
            clause = clauses.of(cue.start if cue else group[0].a)
            claimant, counterpart = _claim_roles(inp, ctx, rule, group, cue, default, clause,
                                                 st, view)
            modality = _modality(cues, cue, text, clause)
            made = [(name, rule.claim_type, claimant, counterpart,
                     rule.control_change and modality == "real")]
            if modality == "negated":
                # "the enemy failed to capture X": X is still held by the other side;
                # "they do not hold X", "does not demand X": no claim.
                made = [(f"{name}+negated", "control_status", counterpart, claimant, False)] \
                    if rule.control_change else []
            out += [Claim(r, region_id, via, parent, rule_name, claim_type, cue, who, other,
                          st.speaker if st else None, change)
                    for rule_name, claim_type, who, other, change in made
                    for region_id, via, parent in _targets(inp.info, view, r, owner, part_of)]
    return out


# --- inputs and rows ----------------------------------------------------------------------------

def _actor_index(mentions, wanted: set) -> tuple[dict, dict]:
    """(actor id -> (kind, affiliation), (article, sentence) -> mention records)."""
    kinds, by_sentence = {}, {}
    mentions = linked_only(mentions)  # an unlinked name is no claimant side
    if mentions is not None and len(mentions):
        for m in _records(mentions, ["article_id", "sentence", "start", "end", "actor_id", "kind",
                                     "affiliation"]):
            kinds.setdefault(m["actor_id"], (m.get("kind"), m.get("affiliation")))
            if (m["article_id"], m["sentence"]) in wanted:
                by_sentence.setdefault((m["article_id"], m["sentence"]), []).append(m)
    return kinds, by_sentence


def _article_meta(articles) -> dict:
    meta = {}
    if articles is not None and len(articles):
        for rec in _records(articles, ["article_id", "published", "source"]):
            meta[rec["article_id"]] = (rec.get("published"), rec.get("source"))
    return meta


def _sentence_texts(sentences: pd.DataFrame, wanted: set) -> tuple[dict, dict]:
    """(the wanted sentences' records, (article, field, paragraph) -> text of the paragraph)."""
    sent, para_text = {}, {}
    records = _records(sentences, ["article_id", "sentence", "start", "text", "field", "paragraph"])
    for rec in records:
        if (rec["article_id"], rec["sentence"]) in wanted:
            sent[(rec["article_id"], rec["sentence"])] = rec
            para_text[(rec["article_id"], rec.get("field") or "text", rec.get("paragraph"))] = []
    for rec in records:
        key = (rec["article_id"], rec.get("field") or "text", rec.get("paragraph"))
        if key in para_text:
            para_text[key].append(rec["text"])
    # Joined once per paragraph (not per sentence: quadratic in a long paragraph); the same
    # string object then hits `_context`'s cache without rehashing.
    return sent, {key: " ".join(parts) for key, parts in para_text.items()}


_HISTORY = 5


def _local_actors(recs, s0: int, kinds) -> list:
    return sorted((int(a["start"]) - s0, int(a["end"]) - s0, _side(a["actor_id"], kinds))
                  for a in recs)


def _previous(sent: dict, acts: dict, article_id, sno: int, field: str) -> list:
    """[(text, start, sentence, mention records)] of up to _HISTORY sentences before, nearest
    first, in the same field."""
    out = []
    for k in range(1, _HISTORY + 1):
        prev = sent.get((article_id, sno - k))
        if prev is not None and (prev.get("field") or "text") == field:
            out.append((prev["text"], int(prev["start"]), sno - k,
                        acts.get((article_id, sno - k), [])))
    return out


def _views(cues: Cues, sentences, reg_records, mentions):
    """(actor kinds, one SentenceView per sentence that mentions a region, in order)."""
    by_sentence: dict = {}
    for r in reg_records:
        by_sentence.setdefault((r["article_id"], r["sentence"]), []).append(r)
    wanted = {(a, s - k) for a, s in by_sentence for k in range(_HISTORY + 1)}
    kinds, acts = _actor_index(mentions, wanted)
    sent, para_text = _sentence_texts(sentences, wanted)
    context_cache: dict = {}
    views = []
    for (article_id, sno) in sorted(by_sentence):
        srow = sent[(article_id, sno)]
        text, s0 = srow["text"], int(srow["start"])
        field = srow.get("field") or "text"
        ptext = para_text.get((article_id, field, srow.get("paragraph")), "")
        history = partial(_previous, sent, acts, article_id, sno, field)
        regions = [RegionRef(int(r["start"]) - s0, int(r["end"]) - s0, r["region_id"], r["text"])
                   for r in sorted(by_sentence[(article_id, sno)], key=lambda r: r["start"])]
        views.append(SentenceView(article_id, sno, text, s0, field,
                                  _context(cues, text, ptext, context_cache),
                                  _local_actors(acts.get((article_id, sno), []), s0, kinds),
                                  regions, history))
    return kinds, views


def _row(claim: Claim, view: SentenceView, info: dict, meta: dict) -> dict:
    r, reg = claim.mention, info[claim.region_id]
    published, src = meta.get(view.article_id, (None, None))
    return {
        "claim_id": f"{view.article_id}:{view.sentence}:{r.a + view.s0}:{claim.region_id}:"
                    f"{claim.claim_type}",
        "article_id": view.article_id, "sentence": int(view.sentence), "published": published,
        "source": src, "region_id": claim.region_id, "region": reg["name"],
        "iso_code": reg["iso_code"], "parent": reg["parent"], "kind": reg["kind"],
        "part_of": claim.part_of, "via": claim.via, "claim_type": claim.claim_type,
        "rule": claim.rule, "control_change": claim.control_change,
        "claimant": claim.claimant, "counterpart": claim.counterpart,
        "stated_by": claim.stated_by, "context": view.context,
        "cue": claim.cue.text if claim.cue else None,
        "region_text": r.text, "start": r.a + view.s0, "end": r.b + view.s0,
        "evidence": view.text, "evidence_start": r.a, "evidence_end": r.b, "field": view.field,
    }


def territorial_claims(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame | None,
    statements: pd.DataFrame | None,
    articles: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Territorial claims in these sentences: one row per region x claim (CLAIM_COLUMNS).

    Steps per sentence that mentions a region (module doc): cue hits and clauses
    (`_cue_hits`, `_clauses`) -> region lists and their governing cues (`_groups`,
    `_claim_types`) -> claimant and counterpart (newslens.analysis.claim_roles) -> rows, one per
    target region (`_targets`). `mentions` are actor mentions (claimant/counterpart candidates),
    `statements` come from newslens.analysis.attribution.statements (stated_by and the speaker's
    side; none when None), `articles` give published and source,
    `regions` may pass precomputed region mentions.
    """
    if sentences is None or len(sentences) == 0:
        return schema.empty("claims")
    regs = region_mentions(sentences) if regions is None else regions
    if len(regs) == 0:
        return schema.empty("claims")
    cues = load_claim_cues()
    reg_records = _records(regs, ["article_id", "sentence", "start", "end", "region_id", "text",
                                  "region", "kind", "parent"])
    info = _with_places(region_info(), reg_records)
    kinds, views = _views(cues, sentences, reg_records, mentions)
    inp = _Inputs(cues, info, generic_defaults(), kinds, _statement_lookup(statements))
    meta = _article_meta(articles)
    rows = [_row(claim, view, info, meta) for view in views
            for claim in _sentence_claims(inp, view)]
    out = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    if len(out):
        out = out.drop_duplicates(["article_id", "sentence", "region_id", "claim_type"])
        out["published"] = pd.to_datetime(out["published"], errors="coerce")
    return out.sort_values(["article_id", "sentence", "start", "region_id", "claim_type"],
                           kind="stable").reset_index(drop=True)


CHANGE_COLUMNS = ["published", "article_id", "sentence", "region_id", "region", "parent",
                  "gained_by", "lost_by", "stated_by", "cue", "source", "evidence"]


def control_changes(claims: pd.DataFrame) -> pd.DataFrame:
    """Reported changes of control: captures and withdrawals (claims with control_change), one
    row per article x region x gaining side, latest first. `gained_by` is the claimant,
    `lost_by` the counterpart."""
    if claims is None or len(claims) == 0 or "control_change" not in claims.columns:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    rows = claims[claims["control_change"].fillna(False).astype(bool)
                  & (claims["via"] != "hierarchy")]
    out = rows.rename(columns={"claimant": "gained_by", "counterpart": "lost_by"})
    out = out.drop_duplicates(["article_id", "region_id", "gained_by"])
    return out.sort_values(["published", "article_id", "sentence", "region_id"],
                           ascending=[False, True, True, True], na_position="last",
                           kind="stable")[CHANGE_COLUMNS].reset_index(drop=True)


def _with_places(info: dict, records) -> dict:
    """The gazetteer info plus the settlements found in the text (kind "settlement"), from the
    rows of a region table (region_id, region, kind, parent)."""
    extra = {}
    for rec in records:
        rid = rec["region_id"]
        if rid not in info and rid not in extra:
            parent = rec.get("parent")
            extra[rid] = {"name": rec.get("region") or rid, "kind": rec.get("kind") or "settlement",
                          "iso_code": None, "members": (),
                          "parent": parent if isinstance(parent, str) and parent else None}
    return {**info, **extra} if extra else info


def _descendant_set(info, region_id) -> set:
    """Members of a macro/generic region and everything below them."""
    members = set(info.get(region_id, {}).get("members") or ())
    if not members:
        return set()
    out = set(members)
    for rid, rec in info.items():
        cur = rec["parent"]
        while cur is not None:
            if cur in members:
                out.add(rid)
                break
            cur = info[cur]["parent"] if cur in info else None
    return out




ROLLUP_COLUMNS = schema.table("region_rollup").names


def _joined(values) -> str:
    values = values.tolist() if hasattr(values, "tolist") else values  # fast on arrow strings
    return "; ".join(sorted({str(v) for v in values if isinstance(v, str) and v}))


ROLLUP_READS = ("claim_id", "article_id", "sentence", "published", "region_id", "region",
                 "kind", "parent", "claim_type", "claimant", "counterpart", "stated_by",
                 "evidence")


def _chain(region_id: str, info: dict) -> list[str]:
    """The region and its ancestors below the country."""
    chain = [region_id]
    cur = info.get(region_id, {}).get("parent")
    while cur is not None and info[cur]["kind"] != "country":
        chain.append(cur)
        cur = info[cur]["parent"]
    return chain


def region_rollup(claims: pd.DataFrame, quantities: pd.DataFrame | None = None,
                  articles: pd.DataFrame | None = None, count: str = "story") -> pd.DataFrame:
    """Per-region summary along the hierarchy: a claim counts for its region and every ancestor
    below the country (Donetsk and Luhansk claims also count for Donbas; Pokrovsk for Donetsk).

    A claim is counted once per region by (article, sentence, claim type, claimant), so rows a
    Donbas claim yields for its parts do not count twice for Donbas. `n_direct` counts claims
    on the region itself; `includes` lists the regions below it that contributed. count:
    "story" (default) counts a syndicated story once (needs `articles` with `story_id`),
    "article" every copy.
    """
    claims = story_rows(claims, articles, count)  # one row set per story
    if claims is None or len(claims) == 0:
        return schema.empty("region_rollup")
    info = _with_places(region_info(), _records(claims, ["region_id", "region", "kind", "parent"]))
    qty = {}
    if quantities is not None and len(quantities):
        for q in quantities.itertuples(index=False):
            label = f"{q.text} = {q.date}" if q.kind == "date" else (
                f"{q.text} = {q.value:g} {q.unit}")
            qty.setdefault(q.claim_id, []).append(label + (" (approx.)" if q.approximate else ""))
    claims = claims[[c for c in ROLLUP_READS if c in claims.columns]]
    chains = {rid: _chain(rid, info) for rid in claims["region_id"].unique().tolist()}
    rows, targets, direct = [], [], []  # one row per claim and region of its chain
    for i, rid in enumerate(claims["region_id"].tolist()):
        for level, target in enumerate(chains[rid]):
            rows.append(i)
            targets.append(target)
            direct.append(level == 0)
    df = claims.iloc[rows].reset_index(drop=True)
    df.insert(0, "direct", direct)
    df.insert(0, "target", targets)
    df["key"] = list(zip(df["article_id"].tolist(), df["sentence"].tolist(),
                         df["claim_type"].tolist(), df["claimant"].fillna("").tolist()))
    out = []
    for target, group in df.groupby("target", sort=True):
        reg = info[target]
        unique = group.drop_duplicates("key")
        order = group.sort_values(["published", "article_id", "sentence"], na_position="first",
                                  kind="stable")
        latest = order.iloc[-1]
        labels = [lab for cid in group["claim_id"] for lab in qty.get(cid, [])]
        out.append({
            "region_id": target, "region": reg["name"], "kind": reg["kind"],
            "iso_code": reg["iso_code"], "parent": reg["parent"], "n_claims": len(unique),
            "n_direct": int(group.loc[group["direct"], "key"].nunique()),
            "n_articles": group["article_id"].nunique(),
            "claimants": _joined(group["claimant"]), "claim_types": _joined(group["claim_type"]),
            "counterparts": _joined(group["counterpart"]), "stated_by": _joined(group["stated_by"]),
            "includes": _joined(group.loc[~group["direct"], "region_id"]),
            "quantities": "; ".join(sorted(set(labels))),
            "latest_published": latest["published"], "latest_claim_type": latest["claim_type"],
            "latest_stated_by": latest["stated_by"], "latest_evidence": latest["evidence"],
        })
    result = pd.DataFrame(out, columns=ROLLUP_COLUMNS)
    result["latest_published"] = pd.to_datetime(result["latest_published"], errors="coerce")
    return result.sort_values(["n_claims", "region_id"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)
