"""Where in a statement an issue is raised, and what that place makes of it.

A statement often takes several positions at once. "Russia will only cease hostilities if
Ukraine withdraws" offers a ceasefire (the conditioned part) and demands a withdrawal (the
condition); "it will not cede land, it opposes NATO membership, and it insists on neutrality"
takes three positions in three clauses; "several allies, including Hungary, are against NATO
membership" reports Hungary's stance, not the speaker's. This module reads a statement's own
text (cue and content, quotation marks blanked so that offsets stay put) and gives:

- `clauses`: the clause spans (sentences, `;`, `:`, spaced dashes, ", but …", ", it …").
- `role_of`: the role an issue term has in its clause. A condition ("only if", "unless",
  "until" + clause, "depends on", "without resolving") demands what it covers and supports
  (conditionally) what it conditions; "as a condition for X" runs backwards. A requirement
  ("X requires Y", "X needs Y") demands Y and supports X, and when X is an actor other than the
  speaker's side ("Ukraine needs guarantees from its partners", said by a partner) the speaker
  backs X's need. A purpose ("needed for a vote", "to allow elections") is supported. A
  negated harm supports what it spares ("sanctions won't derail the talks": talks; "the
  summit was not cancelled": the summit) and leaves its subject alone (sanctions).
- `reported`: stances the statement reports for other actors ("Hungary is against …"); their
  clauses are not the speaker's own position.
- `concession`: the territory stance from territorial-concession wording, by side: a demand
  that Ukraine cede or withdraw (Russia's side) is `demands`; refusing to cede ("will never
  give up", "cannot be forced to cede") is `opposes`; accepting a cession, a swap or a freeze of
  the lines ("the plan would require both sides to give up territory", "take territory as part
  of a deal") is `supports`; Russia refusing to give up what it holds is `demands`; a demand
  that Russia withdraw is `demands`. Who would give up land is the actor named before the
  concession word ("Kyiv will not cede"), its agent after it ("the withdrawal of Ukrainian
  troops"), "we"/"it" for the speaker's side, else Ukraine. Without a known side only a
  refusal is read (`opposes`).

Curated words are in data/stance_markers.yml (classes requirement, purpose, concession,
opposition, support, harm, reports); the grammar (which word governs which) is here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Quotation marks (and single quotes that are not apostrophes) blanked, offsets unchanged.
_QUOTE_MARKS = re.compile(r"[“”\"«»]|(?<![A-Za-z])[‘’']|[‘’'](?![A-Za-z])")
# the same, led by a character set (which `re` scans for fast): a single quote mark not
# between two letters
_QUOTE_MARKS_FAST = re.compile(r"[“”\"«»]|[‘’'](?:(?<![A-Za-z][‘’'])|(?![A-Za-z]))")
_CLAUSE_BREAK = re.compile(
    r"(?<=[.!?…])\s+(?=[A-Z(])"           # a new sentence inside a quotation
    r"|\s*;\s*|:\s+|\s[–—-]\s"              # ; and : and spaced dashes
    r"|,\s*(?=(?:but|while|whereas|although|though|yet)\b)"
    r"|,\s*(?:and\s+)?(?=(?:it|he|she|we|they|I)\s+(?!said\b|says\b|added\b)[a-z’']+)")
_FRONTED = 3  # a condition marker within this many words of its clause start is fronted
_SCOPE_END = re.compile(r"[,…]|\s[–—-]\s")
_FIRST_PERSON = re.compile(r"(?<![\w’'])(?:we|our|us|I)(?![\w’'])")
_OF_AGENT = re.compile(r"\s+(?:of|by)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}", re.IGNORECASE)
# a mention right after a verb or preposition is its object, not who concedes ("if Russia
# quit bombing Ukraine and withdrew": Russia withdraws)
_OBJECT_BEFORE = re.compile(r"(?<![\w’'])(?:[a-z]+ing|attack|attacks|attacked|invade|invaded|"
                            r"against|with|from|to|into|on)\s+(?:the\s+)?$")
_IT = re.compile(r"(?<![\w’'])(?:it|its)(?![\w’'])", re.IGNORECASE)
_NEGATOR = re.compile(
    r"(?<![\w’'])(?:not|never|no|cannot|nobody|no\s+one|without|against|refus\w*|reject\w*|"
    r"rul(?:e|es|ed|ing)\s+out)(?![\w’'])|n[’']t(?![\w’'])", re.IGNORECASE)
_COPULA = re.compile(
    r"(?<![\w’'])(?:is|are|was|were|be|been|remain|remains|remained|stand|stands|stood|seem|"
    r"seems|appear|appears)\s+(?:(?:either|very|strongly|firmly|still|also|all|not|largely)\s+)"
    r"{0,2}$", re.IGNORECASE)
_AUX_TAIL = re.compile(
    r"(?:\s*,)?(?:\s+(?:is|are|was|were|have|has|had|would|will|also|still|either|very|not|"
    r"n[’']t|do|does|did|been|strongly|firmly|openly|remain|remains|remained|all))*\s*$",
    re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"(?<![\w’'])(?:if|whether|unless|should)\s+(?:the\s+)?$",
                           re.IGNORECASE)
_SUBJECT_START = re.compile(r"(?:^|\bthat\b|\bwhether\b|\bsince\b|\bbecause\b)", re.IGNORECASE)
# "take territory as part of a peace deal", "regain land as part of possible agreements"
AS_PART_OF_DEAL = re.compile(
    r"(?<![\w’'])as\s+part\s+of\s+(?:a|an|any|the|possible|future|eventual|final)?\s*"
    r"(?:[\w-]+\s+)?(?:peace\s+)?(?:deal|deals|agreement|agreements|settlement|accord|plan)"
    r"(?![\w’'])", re.IGNORECASE)
ADJECTIVE_PREDICATES = ("against", "doubtful", "skeptical", "sceptical", "hesitant",
                         "in favour of", "in favor of", "opposed to", "supportive of")
SIDES_AT_WAR = ("russia", "ukraine")


def normalise(text: str) -> str:
    """`text` with quotation marks blanked (same length, so offsets stay valid)."""
    return _QUOTE_MARKS_FAST.sub(" ", text)


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of `text`."""
    out, start = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out or [(0, len(text))]


def clause_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in spans:
        if a <= pos < b:
            return a, b
    return spans[-1]


@dataclass(frozen=True)
class Role:
    """A role marker in the text: a condition, requirement or purpose."""

    start: int
    end: int
    kind: str  # condition | requirement | purpose | harm (negated: "won't derail")
    term: str
    backward: bool = False  # "as a condition for X" (the condition comes before the marker);
    # for harm: passive ("was not cancelled"), what comes before is spared


@dataclass
class Speaker:
    """Who speaks: actor id and side (None when unknown)."""

    actor: str | None
    side: str | None
    mentions: list = field(default_factory=list)  # (start, end, actor, side) in the text


def scope_end(text: str, role: Role, clause: tuple[int, int]) -> int:
    """Where what a condition or requirement covers ends: the clause end, or for a fronted
    condition ("Without resolving X, …") the next comma."""
    a, b = clause
    if role.kind == "condition" and len(text[a:role.start].split()) < _FRONTED:
        m = _SCOPE_END.search(text, role.end, b)
        return m.start() if m else b
    return b


def role_of(text: str, pos: int, roles: list[Role], clause: tuple[int, int],
            speaker: Speaker) -> tuple[str, str, float] | None:
    """(stance, rule, confidence) that the role markers of `clause` give the term at `pos`:
    the nearest marker before it governs it (inside its scope), else the first marker after it
    makes it the conditioned part. None when no marker of the clause concerns it."""
    here = [r for r in roles if clause[0] <= r.start < clause[1]]
    if not here:
        return None
    before = [r for r in here if r.start <= pos]
    for r in reversed(before):
        if r.kind == "harm":
            return "supports", f"negated:{r.term}", 0.6
        if r.kind == "purpose" or r.backward:
            rule = "purpose" if r.kind == "purpose" else "conditioned"
            return "supports", f"{rule}:{r.term}", 0.6
        if pos < scope_end(text, r, clause) or r.kind == "requirement":
            return _governed(text, r, clause, speaker)
        return "supports", f"conditioned:{r.term}", 0.6
    after = [r for r in here if r.start > pos and r.kind != "purpose"]
    if after:
        r = after[0]
        if r.kind == "harm":  # "the meeting was not cancelled" / the subject of "won't derail"
            return ("supports", f"negated:{r.term}", 0.6) if r.backward else (
                "neutral", f"harm-subject:{r.term}", 0.3)
        if r.backward:
            return "demands", f"condition:{r.term}", 0.8
        if r.kind == "requirement" and _beneficiary(text, r, clause, speaker):
            return "supports", f"need:{r.term}", 0.6
        return "supports", f"conditioned:{r.term}", 0.6
    return None


def _governed(text, r: Role, clause, speaker: Speaker) -> tuple[str, str, float]:
    if r.kind == "requirement" and _beneficiary(text, r, clause, speaker):
        return "supports", f"need:{r.term}", 0.6
    kind = "condition" if r.kind == "condition" else "requirement"
    return "demands", f"{kind}:{r.term}", 0.8 if kind == "condition" else 0.7


def _beneficiary(text: str, r: Role, clause, speaker: Speaker) -> bool:
    """Is the subject of a requirement ("X needs Y") an actor outside the speaker's side? The
    speaker then backs X's need ("Ukraine needs guarantees", said by a partner)."""
    if speaker.side is None:
        return False
    head = text[clause[0]:r.start]
    if _FIRST_PERSON.search(head[-40:]):
        return False
    subjects = [m for m in speaker.mentions if clause[0] <= m[0] and m[1] <= r.start]
    return bool(subjects) and subjects[-1][3] not in (None, speaker.side)


# ---------------------------------------------------------------- reported stances
@dataclass(frozen=True)
class Reported:
    """A stance the statement reports for another actor: holder, predicate, its clause and
    where the predicate's object starts."""

    actor: str
    stance: str
    predicate: str
    clause: tuple[int, int]
    object_start: int


def reported(text: str, spans, predicates: re.Pattern, stance_of, speaker: Speaker
             ) -> tuple[list[Reported], set]:
    """Stances held by others: one per actor named as the subject of a stance predicate
    ("several allies, including Hungary, are against …", "Hungary opposes …"), and the clauses
    whose stance predicate has a subject other than the speaker ("some NATO members remain
    hesitant"), which are not the speaker's own position."""
    out: list[Reported] = []
    others: set = set()
    own = {speaker.actor, speaker.side}
    for clause in spans:
        for m in predicates.finditer(text, clause[0], clause[1]):
            word = " ".join(m.group(0).lower().split())
            head = text[clause[0]:m.start()]
            if word in ADJECTIVE_PREDICATES and not _COPULA.search(head):
                continue
            starts = [s.end() for s in _SUBJECT_START.finditer(head)]
            region_start = clause[0] + (starts[-1] if starts else 0)
            region_end = clause[0] + len(_AUX_TAIL.sub("", head).rstrip())
            if region_end - region_start > 140 or (
                    word not in ADJECTIVE_PREDICATES and not text[:region_end].endswith(",")
                    and not any(e == region_end for _s, e, _a, _d in speaker.mentions)):
                continue  # a verb follows its subject ("Hungary opposes"), not a noun phrase
            holders = [a for s, e, a, side in speaker.mentions
                       if region_start <= s and e <= region_end and a not in own
                       and side not in own and _heads_its_phrase(text, e, region_end)
                       and not _HYPOTHETICAL.search(text, max(0, s - 30), s)]
            for actor in dict.fromkeys(holders):
                out.append(Reported(actor, stance_of(word), word, clause, m.end()))
            if holders or _someone_else(text, region_start, region_end, speaker):
                others.add(clause)
                break
    return out, others


def _someone_else(text: str, start: int, end: int, speaker: Speaker) -> bool:
    """A subject that is neither the speaker nor a pronoun for it ("some NATO members", "many
    EU member states": a name that only modifies the head is not the subject)."""
    region = text[start:end]
    words = re.findall(r"[\w’'-]+", region)
    if not words or _FIRST_PERSON.search(region) or (
            len(words) == 1 and words[0].lower() in ("it", "he", "she", "they", "this", "that")):
        return False
    own = {speaker.actor, speaker.side}
    return not any(start <= s and e <= end and (a in own or side in own)
                   and _heads_its_phrase(text, e, end) for s, e, a, side in speaker.mentions)


def _heads_its_phrase(text: str, end: int, region_end: int) -> bool:
    """A mention that is not a modifier of a noun after it ("NATO members")."""
    nxt = re.match(r"\s+([a-z][\w’'-]*)", text[end:region_end])
    return nxt is None or nxt.group(1) in ("and", "or", "nor", "as", "too")


# ---------------------------------------------------------------- territorial concessions
def concession(text: str, spans, concessions: re.Pattern, territory_at: list[int],
               dismissive: re.Pattern, speaker: Speaker, cue_class: str, cue_negated: bool,
               excluded=(), content_from: int = 0) -> tuple[str, str] | None:
    """(stance, rule) on territory from concession wording (module doc), or None. Negators
    are read in the content (from `content_from`): a negative cue counts once."""
    found = [(m.start(), m.end(), " ".join(m.group(0).lower().split()))
             for m in concessions.finditer(text)]
    found += [(m.start(), m.start(), "as part of a deal") for m in AS_PART_OF_DEAL.finditer(text)
              if any(clause_at(spans, m.start()) == clause_at(spans, t) for t in territory_at)]
    for pos, end, word in sorted(found):
        clause = clause_at(spans, pos)
        if clause in excluded:
            continue
        # land changing hands by a deal, and recognising a change of borders or control, are
        # read as Ukraine's concession (the side asked to cede), whoever recognises it
        conceder = "ukraine" if pos == end or word.startswith("recogni") else _conceder(
            text, pos, end, clause, speaker)
        if conceder not in SIDES_AT_WAR:
            continue
        head = text[max(clause[0], pos - 60, min(content_from, pos)):pos]
        negated = bool(_NEGATOR.search(head) or dismissive.search(text, clause[0], clause[1]))
        if cue_class == "negative" and not cue_negated:
            negated = not negated
        return _concession_stance(word, conceder, negated, speaker.side, cue_class)
    return None


def _conceder(text: str, pos: int, end: int, clause, speaker: Speaker) -> str | None:
    """The side that would give up land: the nearest actor (or "we", or "it" for a state
    speaker) before the concession word in its clause; Ukraine when none is named (the side
    asked to cede in this war's coverage)."""
    best, best_pos = None, -1
    for s, e, _actor, side in speaker.mentions:
        if clause[0] <= s and e <= pos and s > best_pos and not _OBJECT_BEFORE.search(
                text, max(clause[0], s - 30), s):
            best, best_pos = side, s
        elif end < s < clause[1] and _OF_AGENT.fullmatch(text, end, s):
            return side  # "the withdrawal of Ukrainian troops": the agent follows
    for rx in (_FIRST_PERSON, _IT):
        for m in rx.finditer(text, clause[0], pos):
            if m.start() > best_pos and (rx is _FIRST_PERSON or speaker.actor == speaker.side):
                best, best_pos = speaker.side, m.start()
    return best if best_pos >= 0 else "ukraine"


def _concession_stance(word: str, conceder: str, negated: bool, side: str | None,
                       cue_class: str) -> tuple[str, str] | None:
    if side is None:  # no side to read it by: only a refusal is clear
        return ("opposes", f"territory:refuses-concession:{word}") if negated and \
            conceder == "ukraine" else None
    if conceder == "russia":
        if side == "russia":
            return ("demands", f"territory:keeps:{word}") if negated else (
                "supports", f"territory:accepts:{word}")
        return ("opposes", f"territory:refuses-withdrawal:{word}") if negated else (
            "demands", f"territory:withdrawal:{word}")
    if side == "russia":
        return "demands", f"territory:cession:{word}"
    if negated:
        return "opposes", f"territory:refuses-concession:{word}"
    if cue_class == "demand" and side != "ukraine":
        return "demands", f"territory:cession:{word}"
    return "supports", f"territory:accepts-concession:{word}"
