"""Who claims and who must act: claimant and counterpart of one region x cue.

Candidates in a sentence are the actor mentions (a person stands for its affiliation), the
military subjects of data/claim_cues.yml (`forces`: "the West grouping" -> russia; "the enemy"
and "our forces" relative to the speaker) and plan/draft nouns (`documents`). Each claim rule
lists strategies tried in order (agent, inside, subject, speaker_side, ...; see the cue file);
`roles` applies them, counterpart first for demands ("X tied the halt to the withdrawal of
Ukrainian troops from R": the troops' side must act, X's side demands).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from newslens.analysis.territory.cues import (
    COMPOUND,
    COMPOUND_LITERALS,
    FORCE_SIDES,
    ClaimRule,
    Cues,
)

_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^[’']s?\s+(?:[\w-]+\s+)?$")  # "Russia's annexation", "Moscow's control"
_CLOSE = re.compile(r"^\s*(?:[\w’'-]+\s+){0,2}$")  # at most two words, no punctuation
_MODIFIER = re.compile(r"^(?:[’']s)?\s+(?:[\w.-]+\s+){0,2}$")  # "the US plan", "Russia's draft"
_LAST_WORD = re.compile(r"([A-Za-z]+)\W*(?:(?:the|a|an)\s+)?$", re.IGNORECASE)
_KEY = re.compile(r"[^a-z0-9]+")
_CONJUNCTIONS = frozenset(("after", "before", "since", "until"))
_FINITE = re.compile(r"^\s+(?:has\s+|had\s+|have\s+)?[a-z]+ed\b|^\s+(?:signed|took|said|won|"
                     r"lost|began|made|seized|held|announced)\b")
_OWNER = re.compile(r"^(?:[’']s)?\s+(?:full\s+|de\s+(?:facto|jure)\s+)?(?:sovereignty|control|"
                    r"annexation|rule|ownership|claims?)\b", re.IGNORECASE)
# "the draft, written with Moscow", "a plan drafted by the US": the side that wrote it
_AUTHORED = re.compile(r"^\s*,?\s*(?:\w+\s+){0,2}?(?:written|drafted|prepared|authored|"
                       r"proposed|put\s+forward|backed|brokered|presented|submitted)\s+"
                       r"(?:\w+\s+)?(?:by|with)\s+(?:the\s+)?$", re.IGNORECASE)
_PARTICIPLE = re.compile(r"\w+(?:ed|en|ized|ised)\b|handed\s+over|given\s+up", re.IGNORECASE)
_PASSIVE_GAP = re.compile(r"^\s*(?:(?:to\s+)?be\s+|being\s+|is\s+|are\s+|was\s+|were\s+)?$",
                          re.IGNORECASE)


class _NoSide(str):
    """A strategy's answer "the claimant is a plan that names no author": no side."""


NO_SIDE = _NoSide("")


@dataclass(slots=True)
class Candidate:
    """A possible claimant/counterpart inside a sentence (local offsets)."""

    a: int
    b: int
    side: str | None  # actor side, force side, or a document key
    kind: str  # actor, force, document (specific), document_generic


@dataclass(slots=True)
class RegionSpan:
    a: int
    b: int


@dataclass(slots=True)
class Context:
    """The sentence-level inputs of the role strategies."""

    text: str
    candidates: list  # [Candidate] by position (documents included)
    regions: list  # [RegionSpan] of every region mention in the sentence
    clause: tuple  # (start, end) of the cue's clause
    speaker: str | None = None
    speaker_side: str | None = None
    # () -> iterator over the candidate lists of the sentences before, nearest first; each
    # sentence is looked at only when a strategy gets that far (most claims resolve without
    # looking back, most that look back stop at the sentence before)
    history: Callable[[], Iterator[list]] = lambda: iter(())
    _history: list = field(default_factory=list, repr=False)
    _pending: Iterator | None = field(default=None, repr=False)
    _sides: list | None = field(default=None, repr=False)

    def sides(self) -> list:
        """The candidates that stand for a side, outside region mentions (once per sentence)."""
        if self._sides is None:
            spans = self.regions
            self._sides = [c for c in self.candidates
                           if c.kind in ("actor", "force") and c.side
                           and not any(r.a <= c.a < r.b for r in spans)]
        return self._sides

    def _looked_back(self) -> Iterator[list]:
        """The candidate lists of the sentences before, nearest first (each found once)."""
        i = 0
        while True:
            if i < len(self._history):
                yield self._history[i]
                i += 1
                continue
            if self._pending is None:
                self._pending = self.history()
            found = next(self._pending, None)
            if found is None:
                return
            self._history.append(found)

    @property
    def recent(self) -> Iterator[list]:
        """For up to three sentences before that name a side, the sides each names in order."""
        named_sentences = 0
        for found in self._looked_back():
            named = [c.side for c in found if c.kind in ("actor", "force") and c.side]
            if named:
                yield named
                named_sentences += 1
                if named_sentences == 3:
                    return

    @property
    def recent_documents(self) -> Iterator[str]:
        """The plan authors named in the sentences before, nearest first (last in a sentence
        first)."""
        for found in self._looked_back():
            yield from (c.side for c in reversed(found) if c.kind == "document" and c.side)


def document_key(text: str) -> str:
    """A claimant key for a plan or draft: its head noun ("The 28-point draft plan" -> "plan",
    "the U.S.-backed framework" -> "framework"), so that one plan named in several ways is one
    claimant."""
    words = _KEY.sub(" ", text.lower()).split()
    head = words[-1] if words else "document"
    return head[:-1] if head.endswith("s") and len(head) > 4 else head


def candidates(text: str, actors: list, cues: Cues, relative_side,
               prefixes: dict | None = None, needles: set | None = None) -> list[Candidate]:
    """Actor mentions, force terms and documents of one sentence, by position.

    `actors` are (start, end, side) of actor mentions; `relative_side(kind, start, end)` gives
    the side an "enemy"/"own" term stands for (None when unknown). A force term that covers an
    actor mention replaces it ("Russian forces" is one candidate). `prefixes` (lowercase name ->
    side) read the first part of a control compound as a side ("Russian-held", "Kyiv-controlled",
    "Moscow-occupied"). `needles`: the lexicon's literals in the text (`cues.needles_in`), so
    that only the patterns and alternatives that can match run (None: all run)."""
    found = [Candidate(a, b, side, "actor") for a, b, side in actors]
    if prefixes and (needles is None or COMPOUND_LITERALS is None
                     or not COMPOUND_LITERALS.isdisjoint(needles)):
        for m in COMPOUND.finditer(text):
            side = prefixes.get(m.group(1).lower())
            if side and not any(c.a <= m.start() < c.b for c in found):
                found.append(Candidate(m.start(1), m.end(1), side, "force"))
    if cues.forces is not None:
        for m in cues.forces.finditer(text, needles):
            key = m.lastgroup.split("_", 1)[1]
            side = relative_side(key, m.start(), m.end()) if key in FORCE_SIDES else key
            found = [c for c in found if not (m.start() <= c.a and c.b <= m.end())]
            found.append(Candidate(m.start(), m.end(), side, "force"))
    if cues.documents is not None:
        sides = [c for c in found if c.side]
        for m in cues.documents.finditer(text, needles):
            kind = "document" if m.group("specific") else "document_generic"
            found.append(Candidate(m.start(), m.end(), _author(text, m, sides), kind))
    return sorted(found, key=lambda c: (c.a, c.b))


def _author(text: str, m: re.Match, sides: list) -> str | None:
    """The side a plan belongs to when the phrase names it ("the US plan", "Russia's draft",
    "the draft, written with Moscow,"), else None: a plan is no side."""
    for c in sides:
        if m.start() <= c.a and c.b <= m.end():
            return c.side
        if c.b <= m.start() and _MODIFIER.match(text[c.b:m.start()]):
            return c.side
        if m.end() <= c.a and _AUTHORED.match(text[m.end():c.a]):
            return c.side
    return None


@dataclass(slots=True)
class RoleFinder:
    """Claimant/counterpart strategies (data/claim_cues.yml) for one region group x cue."""

    ctx: Context
    region: RegionSpan  # span of the region group the cue governs
    cue: tuple | None  # (start, end) of the cue, None for a generic reference's own claim
    default: str | None
    cues: Cues
    belligerent: bool = False  # only the belligerents of `cues.sides` may fill a role

    def _ok(self, side) -> bool:
        return not self.belligerent or side in self.cues.sides

    def _sides(self, exclude) -> list[Candidate]:
        return [c for c in self.ctx.sides() if c.side != exclude and self._ok(c.side)]

    def _anchor(self) -> tuple[int, int]:
        return self.cue if self.cue else (self.region.a, self.region.b)

    def _governed(self, c: Candidate, anchor: int) -> bool:
        """Is the candidate the object of a preposition ("in Ukraine", "to the Russians")?
        Not when the cue follows within two words: "depends on Ukraine recognising", "for
        Ukrainian troops to withdraw" name the cue's subject."""
        if _CLOSE.match(self.ctx.text[c.b:anchor]):
            return False
        m = _LAST_WORD.search(self.ctx.text[max(0, c.a - 30):c.a])
        if not m or m.group(1).lower() not in self.cues.prepositions:
            return False
        # "after Putin signed ...": a conjunction before a clause, whose subject it is
        return not (m.group(1).lower() in _CONJUNCTIONS and _FINITE.match(self.ctx.text[c.b:]))

    def agent(self, exclude) -> str | None:
        """The side after "by" inside the region phrase or right after the cue, or a possessive
        right before the cue ("Russia's annexation of X")."""
        anchor_a, anchor_b = self._anchor()
        for c in self._sides(exclude):
            inside = self.region.a <= c.a < self.region.b
            near = anchor_b <= c.a <= anchor_b + 30
            if (inside or near) and _BY.search(self.ctx.text[max(0, c.a - 12):c.a]):
                return c.side
            if self._possessor(c, anchor_a):
                return c.side
        return None

    def _possessor(self, c: Candidate, anchor_a: int) -> bool:
        """A possessive before a noun cue ("Russia's annexation"), not before a participle
        ("Ukraine's occupied territories" names the owner, not the occupier)."""
        if self.cue is None or c.b > anchor_a:
            return False
        cue_text = self.ctx.text[self.cue[0]:self.cue[1]].rstrip()
        return not re.search(r"(?:ed|held)$", cue_text, re.IGNORECASE) and bool(
            _POSSESSIVE.match(self.ctx.text[c.b:anchor_a]))

    def inside(self, exclude) -> str | None:
        """A side named inside the cue ("under Russian control", "withdrawal of Ukrainian ...")."""
        if self.cue is None:
            return None
        a, b = self.cue
        found = [c for c in self._sides(exclude) if a <= c.a and c.b <= b]
        return found[0].side if found else None

    def subject(self, exclude) -> str | None:
        """The nearest ungoverned side before the cue, in its clause first; its opponent when a
        defending verb stands between ("our forces repelled assaults on X")."""
        anchor_a, _ = self._anchor()
        if self._passive():
            return None  # "Moscow wants Crimea recognised": Moscow wants it, others must act
        before = [c for c in self._sides(exclude)
                  if c.b <= anchor_a and not self._governed(c, anchor_a)]
        in_clause = [c for c in before if c.a >= self.ctx.clause[0]]
        pool = in_clause or before
        if not pool:
            return None
        found = pool[-1]
        if self.cues.defender_verbs is not None and self.cues.defender_verbs.search(
                self.ctx.text[found.b:anchor_a]):
            other = self.cues.sides.get(found.side)  # "we repelled ten assaults near X"
            return other if other != exclude else None
        return found.side

    def _passive(self) -> bool:
        """A participle cue right after its region ("Crimea recognised", "Donbas be ceded",
        "the region to be handed over"): the region is the cue's subject, and the side before
        it is who wants the act, not who is to perform it."""
        if self.cue is None or self.region.b > self.cue[0]:
            return False
        cue = self.ctx.text[self.cue[0]:self.cue[1]]
        return bool(_PARTICIPLE.match(cue)) and bool(
            _PASSIVE_GAP.match(self.ctx.text[self.region.b:self.cue[0]]))

    def after(self, exclude) -> str | None:
        """The first side after the cue that does not own what the cue is about ("recognition
        of Russia's sovereignty over X": Russia gains, another side must recognise)."""
        _, anchor_b = self._anchor()
        found = [c for c in self._sides(exclude) if c.a >= anchor_b
                 and not _OWNER.match(self.ctx.text[c.b:c.b + 40])]
        return found[0].side if found else None

    def owner(self, exclude) -> str | None:
        """A side that owns what the cue is about, right after the cue ("recognition of
        Russia's sovereignty over X", "recognise Russian control of X")."""
        _, anchor_b = self._anchor()
        for c in self._sides(exclude):
            if anchor_b <= c.a <= anchor_b + 20 and _OWNER.match(self.ctx.text[c.b:c.b + 40]):
                return c.side
        return None

    def first(self, exclude) -> str | None:
        found = self._sides(exclude)
        return found[0].side if found else None

    def document(self, exclude) -> str | None:
        """The author of a plan/draft before the cue (a generic one stands for the last specific
        one; one with no author for the last plan named with its author earlier in the
        article); NO_SIDE when no author is known: the demand is the plan's, and no other side
        in the sentence is taken for its claimant."""
        anchor_a, _ = self._anchor()
        docs = [c for c in self.ctx.candidates
                if c.kind.startswith("document") and c.b <= anchor_a]
        if not docs:
            return None
        if docs[-1].kind == "document_generic":  # "his terms", "the proposals"
            specific = [c for c in docs if c.kind == "document"]
            if not specific:
                return docs[-1].side or self.recent_document(exclude)
            side = specific[-1].side
        else:  # "the 28-point plan" after "a U.S.-backed plan": the plan named before
            side = docs[-1].side or self.recent_document(exclude)
        return side or NO_SIDE

    def recent_document(self, exclude) -> str | None:
        return next((d for d in self.ctx.recent_documents if d != exclude), None)

    def recent(self, exclude) -> str | None:
        """The first side of the nearest sentences before (up to three) that is not `exclude`;
        for a belligerent rule, the first belligerent named in each of them."""
        for named in self.ctx.recent:
            side = next((s for s in named if self._ok(s)), None) if self.belligerent \
                else named[0]
            if side and side != exclude:
                return side
        return None

    def pick(self, strategy: str, exclude) -> str | None:
        if strategy == "speaker":
            who = self.ctx.speaker
            return who if who and who != exclude else None
        if strategy == "speaker_side":
            side = self.ctx.speaker_side
            return side if side and side != exclude and self._ok(side) else None
        if strategy == "default":
            return self.default if self.default != exclude else None
        method = getattr(self, strategy, None)
        return method(exclude) if method is not None else None

    def resolve(self, strategies, exclude, other) -> str | None:
        """The first side a strategy finds; NO_SIDE when a plan with no author is the claimant
        ("the 28-point plan would require ...")."""
        for strategy in strategies:
            if strategy == "other_side":
                found = self.cues.sides.get(other) if other else None
            else:
                found = self.pick(strategy, exclude)
            if found or found is NO_SIDE:
                return found
        return None


def roles(rule: ClaimRule, finder: RoleFinder) -> tuple[str | None, str | None]:
    """(claimant, counterpart) of one region x claim, by the rule's strategies."""
    sides = finder.cues.sides
    if finder.cue is None:  # a generic reference's own claim ("occupied territories")
        claimant = finder.agent(None) or finder.default
        return claimant, sides.get(claimant)
    if rule.counterpart_first:
        counterpart = finder.resolve(rule.counterpart, None, None)
        claimant = finder.resolve(rule.claimant, counterpart, counterpart)
        if claimant is None and counterpart in sides:
            claimant = sides[counterpart]
        if claimant is NO_SIDE:
            claimant = None
        elif counterpart is None or counterpart == claimant:
            counterpart = sides.get(claimant)
    else:
        claimant = finder.resolve(rule.claimant, None, None)
        claimant = None if claimant is NO_SIDE else claimant
        counterpart = finder.resolve(rule.counterpart, claimant, claimant)
    return claimant, (None if counterpart is NO_SIDE else counterpart)
