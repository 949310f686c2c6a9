"""Typed records of the attribution stage: a mention as the detectors see it, a token, a
speaker, a cue found in a sentence, the per-sentence context and a statement until it becomes a
table row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from newslens.analysis.attribution.cues import Cue

PERSON = "person"
# A word (initials, a bracketed abbreviation such as "(AFP)", a name with apostrophes and
# hyphens, a number) or any other single character; never spans a space.
TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\([A-Z][A-Za-z.]{1,9}\)|[^\W\d_][\w’'-]*|\d[\d,.]*\d|\S")
SPEAKER_KINDS = ("actor", "outlet", "person", "organisation", "anonymous", "group")


class Mention(NamedTuple):
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


class Token(NamedTuple):
    """A word or punctuation mark of a sentence (offsets relative to it)."""

    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def possessive(self) -> bool:
        return self.text.endswith(("'s", "’s", "s'", "s’")) and len(self.text) > 2

    @property
    def base(self) -> str:
        """The word without a possessive ending."""
        if self.text.endswith(("'s", "’s")):
            return self.text[:-2]
        return self.text


@dataclass
class Speaker:
    """Who a statement is credited to: the span as written and what it resolves to.

    `key` is the actor id when `actor` is set (linked), else a normalised key such as
    `person:vladyslav-voloshyn` or `anonymous:senior-us-official`."""

    start: int
    end: int
    text: str
    key: str
    kind: str  # one of SPEAKER_KINDS
    actor: str | None = None
    side: str | None = None  # the state or bloc the speaker belongs to, when known
    gender: str | None = None
    heads: frozenset = frozenset()  # role nouns that describe the speaker ("spokesman")
    antecedent: tuple | None = None  # (sentence, start, end) of the mention a holder refers to
    via_label: bool = False  # credited by a "Source:" label (an outlet or body, not a voice)

    @property
    def linked(self) -> bool:
        return self.actor is not None


class CueHit(NamedTuple):
    """One reporting cue matched in a sentence (a label or headline mark has cue kind `mark`)."""

    start: int
    end: int
    text: str
    cue: Cue

    @property
    def is_participle(self) -> bool:
        return self.text.lower().split()[0].endswith("ing")


@dataclass
class Sentence:
    """What the detectors read: the sentence, its tokens, mentions and quotations (relative
    offsets; a quotation may start before the sentence or end after it), its place in the
    article, the statements found so far in it and the article's discourse state."""

    text: str
    mentions: list[Mention]
    quotes: list[tuple[int, int]]
    number: int = 0
    s0: int = 0  # start of the sentence in its field
    field_text: str = ""
    headline: bool = False  # a title or a one-sentence paragraph without final punctuation
    paragraph_start: bool = False
    discourse: object = None
    found: list[Statement] = field(default_factory=list)
    _tokens: list[Token] = field(default_factory=list)
    _scanned: int = 0  # tokens are made left to right, up to here (-1: all of them)

    @property
    def tokens(self) -> list[Token]:
        """The sentence's tokens, made on first use."""
        if self._scanned >= 0:
            self._tokens.extend(_tokens_from(self.text, self._scanned))
            self._scanned = -1
        return self._tokens

    def tokens_to(self, pos: int) -> list[Token]:
        """The first tokens of the sentence: at least every token that starts before `pos`
        (a prefix of `tokens`, so indices agree; a subject phrase before a cue needs no more
        of the sentence to be tokenised)."""
        scanned = self._scanned
        if scanned < 0 or scanned >= pos:  # every token starting before `scanned` is made
            return self._tokens
        toks, new = self._tokens, tuple.__new__
        for m in TOKEN.finditer(self.text, scanned):
            toks.append(new(Token, (m.start(), m.end(), m.group())))
            if m.start() >= pos:
                self._scanned = m.end()
                return toks
        self._scanned = -1
        return toks

    def left(self, pattern: re.Pattern, end: int, window: int = 160):
        """`pattern` (anchored with $) searched in the `window` characters before `end`."""
        return pattern.search(self.text, max(0, end - window), end)


@dataclass(eq=False)
class Statement:
    """One attributed statement, offsets relative to its sentence, until it becomes a row.

    `clause` is where the statement's clause starts (an earlier statement's indirect content is
    cut there); `direct` says the content is a quotation's interior (it may reach into other
    sentences: its offsets are then outside the sentence)."""

    hit: CueHit
    form: str
    speaker: Speaker
    clause: int
    content_start: int = 0
    content_end: int = 0
    direct: bool = False
    parent: Statement | None = None
    content: str = ""
    is_quote: bool = False
    negated: bool = False

    @property
    def mode(self) -> str:
        return "direct" if self.direct else "indirect"


def _tokens_from(text: str, pos: int) -> list[Token]:
    new = tuple.__new__  # Token(...) without the named tuple's Python-level __new__
    return [new(Token, (m.start(), m.end(), m.group())) for m in TOKEN.finditer(text, pos)]
