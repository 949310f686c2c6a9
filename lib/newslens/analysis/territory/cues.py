"""The claim-cue lexicon (data/claim_cues.yml), validated and compiled.

Each cue rule names the claim type it produces, its cue regexes, its scope, whether it frames
nearer cues ("recognise Russian control of X") or reports a change of control, and the
strategies that find its claimant and counterpart (newslens.analysis.claim_roles). The file also
lists the military subjects that stand for a side ("the West grouping", "the enemy", "our
forces"), plan/draft nouns, clause breaks, prepositions and locator patterns. The format is
documented at the top of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from newslens import compat, lexicon
from newslens.analysis.territory.prefilter import GatedPattern, LiteralScan, lowered
from newslens.lexicon import DataFileError

CLAIM_TYPES = [
    "withdrawal_demand", "annexed_claimed", "control_status", "capture_advance", "estimate",
    "cession_proposal", "recognition_demand", "rejects_concession",
]
STRATEGIES = {"agent", "inside", "speaker", "speaker_side", "subject", "after", "owner", "first",
              "document", "recent_document", "recent", "default", "other_side"}
FORCE_SIDES = ("enemy", "own")  # relative to the speaker; other keys are sides


@dataclass
class ClaimRule:
    name: str
    claim_type: str
    pattern: re.Pattern
    scope: str
    claimant: list
    counterpart: list
    counterpart_first: bool
    frame: bool = False
    control_change: bool = False
    announced: str | None = None  # claim type also made when the losing side announces it
    belligerent: bool = False  # only a belligerent (a key of `sides`) holds, takes or loses land
    # (literals one of which a match needs, or None, regex) per cue of the rule, in file order
    alternatives: tuple = ()
    _subsets: dict = field(default_factory=dict, repr=False)

    def hits(self, text: str, present: tuple | None) -> list:
        """(start, end, match) of the rule's cues in `text`. `present`: indexes of the cues
        whose literals occur in the text (None: run every cue). Only those run, as one
        alternation in file order: the matches are those of the whole rule, as a cue that
        cannot match anywhere changes nothing."""
        if present is not None:
            if not present:
                return []
            if len(present) == len(self.alternatives):
                present = None
        pattern = self.pattern if present is None else self._subsets.get(present)
        if pattern is None:
            pattern = re.compile("|".join(f"(?:{self.alternatives[i][1]})" for i in present),
                                 re.IGNORECASE)
            self._subsets[present] = pattern
        return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


@dataclass
class Cues:
    types: dict  # rule name -> ClaimRule (file order)
    negated_by: dict
    contexts: list  # (name, pattern)
    sides: dict
    default_claimant: str | None
    max_distance: int
    forces: GatedPattern | None = None  # one group per side key (russia, ukraine, enemy, own)
    unknown_speaker_side: str | None = None
    documents: GatedPattern | None = None  # groups: specific, generic
    clause_breaks: re.Pattern | None = None
    prepositions: frozenset = frozenset()
    locators: re.Pattern | None = None
    scene_setters: re.Pattern | None = None
    venues: re.Pattern | None = None
    from_words: re.Pattern | None = None
    negated_before: re.Pattern | None = None
    denied_before: re.Pattern | None = None
    void_before: re.Pattern | None = None
    irrealis_before: re.Pattern | None = None
    defender_verbs: re.Pattern | None = None
    acts: dict = field(default_factory=dict)  # rule name -> Act
    _prefilter: object = field(default=None, repr=False)


def _fail(path: Path, where: str, problem: str):
    raise DataFileError(path, problem, where)


def _alternation(items, path: Path, where: str, allow_empty: bool = False) -> str:
    if not isinstance(items, list) or (not items and not allow_empty) or not all(
        isinstance(i, str) and i for i in items
    ):
        _fail(path, where, "expected a non-empty list of regular expressions")
    body = "|".join(f"(?:{c})" for c in items) or "(?!)"
    try:
        re.compile(body)
    except re.error as exc:
        _fail(path, where, f"bad regular expression: {exc}")
    return body


def cue_regex(items, path: Path, where: str) -> re.Pattern:
    """One case-insensitive alternation of the regexes in `items` (clear error when bad)."""
    return re.compile(_alternation(items, path, where), re.IGNORECASE)


def _strategies(spec: dict, role: str, path: Path, where: str) -> list:
    strategies = spec.get(role, [])
    if not isinstance(strategies, list) or set(strategies) - STRATEGIES:
        _fail(path, where, f"'{role}' must be a list of {sorted(STRATEGIES)}")
    return strategies


def _rule(name, spec, path: Path) -> ClaimRule:
    where = f"claim_types.{name}"
    if not isinstance(spec, dict):
        _fail(path, where, "expected a mapping")
    claim_type = spec.get("as", name)
    if claim_type not in CLAIM_TYPES:
        _fail(path, where, f"unknown claim type (known: {', '.join(CLAIM_TYPES)})")
    scope = spec.get("scope", "nearest")
    if scope not in ("nearest", "sentence"):
        _fail(path, where, "'scope' must be 'nearest' or 'sentence'")
    announced = spec.get("announced")
    if announced is not None and announced not in CLAIM_TYPES:
        _fail(path, where, f"'announced' must be a claim type (known: {', '.join(CLAIM_TYPES)})")
    pattern = cue_regex(spec.get("cues"), path, f"{where}.cues")
    alternatives = tuple((compat.required_literals(f"(?:{cue})"), cue) for cue in spec["cues"])
    return ClaimRule(name, claim_type, pattern, scope,
                     _strategies(spec, "claimant", path, where),
                     _strategies(spec, "counterpart", path, where),
                     spec.get("resolve") == "counterpart_first", bool(spec.get("frame")),
                     bool(spec.get("control_change")), announced,
                     bool(spec.get("belligerent")), alternatives)


def _forces(raw, path: Path) -> GatedPattern | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        _fail(path, "forces", "expected a mapping side -> list of regexes")
    groups = []
    for i, (side, items) in enumerate(raw.items()):
        if not isinstance(side, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", side):
            _fail(path, "forces", f"side {side!r} must be a lowercase id")
        _alternation(items, path, f"forces.{side}")
        groups.append((f"f{i}_{side}", items))
    return GatedPattern(r"(?<![\w-])(?:", groups, r")(?![\w-])")


def _documents(raw, path: Path) -> GatedPattern | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"specific", "generic"}:
        _fail(path, "documents", "expected a mapping with 'specific' and 'generic' lists")
    groups = []
    for name in ("specific", "generic"):
        _alternation(raw.get(name) or [], path, f"documents.{name}", True)
        groups.append((name, raw.get(name) or []))
    return GatedPattern(r"(?<![\w-])(?:", groups, r")(?![\w-])")


def _optional_regex(raw, path: Path, where: str) -> re.Pattern | None:
    return None if raw is None else cue_regex(raw, path, where)


@dataclass(frozen=True)
class Act:
    """A demand cue that, in a finite form with a belligerent as subject, reports that side's
    own act ("Russia recognised X": its claim, not a demand on another side)."""

    claim_type: str
    form: re.Pattern  # matched against the whole cue text
    unless_before: re.Pattern | None  # words before the cue in its clause that keep it a demand


def _acts(raw, types: dict, path: Path) -> dict:
    out = {}
    for name, spec in (raw or {}).items():
        where = f"acts.{name}"
        if name not in types or not isinstance(spec, dict):
            _fail(path, where, "must map a claim rule to {as, cues, unless_before}")
        if spec.get("as") not in CLAIM_TYPES:
            _fail(path, where, f"'as' must be a claim type (known: {', '.join(CLAIM_TYPES)})")
        out[name] = Act(spec["as"], cue_regex(spec.get("cues"), path, f"{where}.cues"),
                        _optional_regex(spec.get("unless_before"), path,
                                        f"{where}.unless_before"))
    return out


def _negated(raw, types: dict, path: Path) -> dict:
    negated = {}
    for name, targets in (raw or {}).items():
        if name not in types or not isinstance(targets, list) or set(targets) - set(types):
            _fail(path, f"negated_by.{name}", "must map a claim rule to a list of claim rules")
        negated[name] = list(targets)
    return negated


def parse_cues(raw, path: Path) -> Cues:
    """The validated lexicon of a parsed claim_cues.yml document."""
    if not isinstance(raw, dict) or not isinstance(raw.get("claim_types"), dict):
        _fail(path, "top level", "expected a mapping with a 'claim_types' mapping")
    types = {name: _rule(name, spec, path) for name, spec in raw["claim_types"].items()}
    contexts = [(name, cue_regex(items, path, f"contexts.{name}"))
                for name, items in (raw.get("contexts") or {}).items()]
    sides = raw.get("sides") or {}
    if not isinstance(sides, dict):
        _fail(path, "sides", "expected a mapping actor -> opposing actor")
    preps = raw.get("prepositions") or []
    if not isinstance(preps, list) or not all(isinstance(p, str) for p in preps):
        _fail(path, "prepositions", "expected a list of words")
    return Cues(
        types, _negated(raw.get("negated_by"), types, path), contexts, sides,
        raw.get("default_claimant"), int(raw.get("max_distance", 60)),
        forces=_forces(raw.get("forces"), path),
        unknown_speaker_side=raw.get("unknown_speaker_side"),
        documents=_documents(raw.get("documents"), path),
        clause_breaks=_optional_regex(raw.get("clause_breaks"), path, "clause_breaks"),
        prepositions=frozenset(p.lower() for p in preps),
        locators=_optional_regex(raw.get("locators"), path, "locators"),
        scene_setters=_optional_regex(raw.get("scene_setters"), path, "scene_setters"),
        venues=_optional_regex(raw.get("venues"), path, "venues"),
        from_words=_optional_regex(raw.get("from_words"), path, "from_words"),
        negated_before=_optional_regex(raw.get("negated_before"), path, "negated_before"),
        denied_before=_optional_regex(raw.get("denied_before"), path, "denied_before"),
        void_before=_optional_regex(raw.get("void_before"), path, "void_before"),
        irrealis_before=_optional_regex(raw.get("irrealis_before"), path, "irrealis_before"),
        defender_verbs=_optional_regex(raw.get("defender_verbs"), path, "defender_verbs"),
        acts=_acts(raw.get("acts"), types, path),
    )


def load_claim_cues(path=None) -> Cues:
    """The validated claim-cue lexicon (data/claim_cues.yml)."""
    return lexicon.load(lexicon.resolve(path, "claim_cues.yml"), parse_cues)


@dataclass
class CuePrefilter:
    """Every literal a claim cue needs, checked once per sentence: which cues of which rule
    can match at all (one scan for the literals instead of a regex per cue)."""

    needles: tuple  # every literal, once
    by_needle: dict  # literal -> ((rule name, cue index), ...)
    always: dict  # rule name -> cue indexes with no literal (always run)
    scan: LiteralScan | None = None  # finds the needles present in a lowered text


def prefilter(cues: Cues) -> CuePrefilter:
    """The literal index of a lexicon (built once per lexicon, kept on it)."""
    if cues._prefilter is None:
        by_needle: dict = {}
        always = {name: [] for name in cues.types}
        for name, rule in cues.types.items():
            for i, (needles, _) in enumerate(rule.alternatives):
                if needles is None:
                    always[name].append(i)
                for n in needles or ():
                    by_needle.setdefault(n, []).append((name, i))
        cues._prefilter = CuePrefilter(tuple(by_needle), {k: tuple(v) for k, v in
                                                          by_needle.items()},
                                       {k: tuple(v) for k, v in always.items()},
                                       LiteralScan(set(by_needle) | _pattern_literals(cues)))
    return cues._prefilter


# "Russian-held", "Kyiv-controlled": the first part of a control compound names a side
COMPOUND = re.compile(r"(?<![\w-])([A-Za-z]+)[-‐](?:controlled|held|occupied|run)\b")
COMPOUND_LITERALS = compat.required_literals(COMPOUND.pattern)


def _pattern_literals(cues: Cues) -> set:
    """The literals the force, document and compound patterns look for."""
    out = set(COMPOUND_LITERALS or ())
    for gated in (cues.forces, cues.documents):
        out |= gated.literals if gated is not None else set()
    return out


def needles_in(cues: Cues, text: str) -> set | None:
    """The literals of the lexicon's pre-filters that occur in `text` (None: the text holds a
    folding trap, every pattern must run)."""
    low = lowered(text)
    return None if low is None else prefilter(cues).scan.present(low)


def rule_hits(cues: Cues, text: str, needles: set | None = None) -> dict[str, list]:
    """rule name -> [(start, end, match)] of its cues in `text` (see `ClaimRule.hits`; the
    empty tuple for a rule none of whose cues' literals occur); `needles`: what `needles_in`
    gives for the text, when known."""
    needles = needles_in(cues, text) if needles is None else needles
    if needles is None:
        return {name: rule.hits(text, None) for name, rule in cues.types.items()}
    pre = prefilter(cues)
    present: dict = {name: set(always) for name, always in pre.always.items() if always}
    for n in needles:
        for name, i in pre.by_needle.get(n, ()):
            present.setdefault(name, set()).add(i)
    out: dict = dict.fromkeys(cues.types, ())  # a rule none of whose cues can match: no hit
    for name, idx in present.items():
        out[name] = cues.types[name].hits(text, tuple(sorted(idx)))
    return out
