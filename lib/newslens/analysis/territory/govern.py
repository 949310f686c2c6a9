"""Steps 1 and 2 of a claim: cue hits and clauses of a sentence, coordinated region lists, and the
cues that govern each list (newslens.analysis.territory)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from newslens.analysis.territory.cues import (
    Cues,
    rule_hits,
)
from newslens.analysis.territory.model import (
    CueHit,
    RegionRef,
    SentenceView,
    _descendant_set,
    _overlaps,
)

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


# --- step 1: cues and clauses ------------------------------------------------------------------

def _cue_hits(cues: Cues, text: str, needles: set | None = None) -> dict[str, list[CueHit]]:
    """Cue matches per rule, minus those a rejection overlaps ("will not cede") and those that
    name what is avoided ("to avoid being encircled"); `needles` as for `rule_hits`. A rule
    with no hit has the empty tuple (one shared object: most rules have none in a sentence)."""
    hits = {name: [CueHit(*h) for h in found] if found else ()
            for name, found in rule_hits(cues, text, needles).items()}
    if not any(hits.values()):
        return hits
    if cues.void_before is not None:
        hits = {name: [h for h in found
                       if not cues.void_before.search(text[max(0, h.start - 40):h.start])]
                if found else () for name, found in hits.items()}
    for neg, targets in cues.negated_by.items():
        spans = [(h.start, h.end) for h in hits.get(neg, ())]
        for target in targets if spans else ():
            hits[target] = [h for h in hits[target] if not _overlaps(h.start, h.end, spans)]
    return hits


_PARENTHESIS = re.compile(r"\([^()]*\)")


@dataclass(slots=True)
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


_DISTRICT = re.compile(r"^\s+(?:district|raion|rayon|hromada|community)\b", re.IGNORECASE)
_LIST_LEAD = re.compile(r"^[:\s]*(?:the\s+)?$", re.IGNORECASE)


def _clauses(cues: Cues, text: str, regions: list | None = None) -> Clauses:
    """The clauses of one sentence (see Clauses). A colon before a region list does not end
    the clause: the list spells out what the clause is about ("withdrawal from the territories
    it claims: Donetsk, Luhansk ...")."""
    inner = [m.span() for m in _PARENTHESIS.finditer(text)]
    if cues.clause_breaks is None:
        return Clauses([(0, len(text))], inner)
    blank = _PARENTHESIS.sub(lambda m: " " * len(m.group(0)), text)
    starts = [r.a for r in regions or ()]
    cuts = [0] + [m.start() for m in cues.clause_breaks.finditer(blank) if m.start() > 0
                  and not (text[m.start()] == ":" and any(
                      a > m.start() and _LIST_LEAD.match(text[m.start():a]) for a in starts))]
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
    """Mentions that take no claim of their own: locators ("X in Dnipropetrovsk Oblast", "X in
    Bakhmut district"), venues ("a press briefing in Kyiv") and a leading scene-setter ("In the
    DPR, ...") when another region is in the sentence."""
    out = set()
    regs = [r for r in view.regions if id(r) not in part_of]
    for prev, r in pairwise(regs):
        gap = view.text[prev.b:r.a]
        if cues.locators is not None and cues.locators.search(gap) and (
                _locates(info, prev, r) or _DISTRICT.match(view.text[r.b:r.b + 12])):
            out.add(id(r))  # "Chasiv Yar in Bakhmut district": a raion named after its town
    if cues.venues is not None:
        out |= {id(r) for r in regs if cues.venues.search(view.text[max(0, r.a - 60):r.a])}
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



