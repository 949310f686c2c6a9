"""Typed records of the attribution stage: a mention as the detectors see it, a cue found in a
sentence, the per-sentence context, and a statement until it becomes a table row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newslens.analysis.attribution.cues import Cue

PERSON = "person"


@dataclass
class Mention:
    """An actor mention with offsets relative to its sentence."""

    start: int
    end: int
    actor: object  # actor id (None when the mention table left it unresolved)
    kind: str
    mtype: str
    text: str
    possessive: bool

    @property
    def is_person(self) -> bool:
        return self.kind == PERSON or (self.mtype == "pronoun"
                                       and self.text.lower() in {"he", "she", "him"})


@dataclass(frozen=True)
class CueHit:
    """One reporting cue matched in a sentence."""

    start: int
    end: int
    text: str
    cue: Cue

    @property
    def is_participle(self) -> bool:
        return self.text.lower().split()[0].endswith("ing")


@dataclass
class Sentence:
    """What the detectors read: the sentence, its mentions, its quotations, the statements found
    so far in it, and the discourse state carried from earlier sentences."""

    text: str
    mentions: list[Mention]
    quotes: list[tuple[int, int]]
    prev_groups: list = field(default_factory=list)  # (sentence, Mention, s0) of the previous one
    prev_person: Mention | None = None
    prev_group: Mention | None = None
    found: list[Statement] = field(default_factory=list)

    def left(self, pattern: re.Pattern, end: int, window: int = 160):
        """`pattern` (anchored with $) searched in the `window` characters before `end`."""
        return pattern.search(self.text, max(0, end - window), end)


@dataclass(eq=False)
class Statement:
    """One attributed statement, offsets relative to its sentence, until it becomes a row.

    `clause` is where the statement's clause starts (an earlier statement's indirect content is
    cut there); `direct` says the content is a quotation's interior."""

    hit: CueHit
    form: str
    speaker: Mention
    clause: int
    content_start: int = 0
    content_end: int = 0
    direct: bool = False
    parent: Statement | None = None
    antecedent: tuple | None = None  # (sentence, Mention, s0) of a group holder's antecedent
    content: str = ""
    is_quote: bool = False
    negated: bool = False

    @property
    def mode(self) -> str:
        return "direct" if self.direct else "indirect"
