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
# hyphens, a number), a middle initial ("S." before a capital) or any other single character;
# never spans a space.
TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Z]\.(?=\s+[A-Z])|\([A-Z][A-Za-z.]{1,9}\)|"
                   r"[^\W\d_][\w’'-]*|\d+(?:st|nd|rd|th)\b|\d[\d,.]*\d|\S")
SPEAKER_KINDS = ("actor", "outlet", "person", "organisation", "anonymous", "group", "document")


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


class Span(NamedTuple):
    """A phrase: `toks[first:stop]`, where `toks` are the sentence's tokens from some offset
    on (a token list of `Sentence.tokens_from`)."""

    toks: list
    first: int
    stop: int

    @property
    def tokens(self) -> list[Token]:
        return self.toks[self.first:self.stop]

    @property
    def start(self) -> int:
        return self.toks[self.first].start

    @property
    def end(self) -> int:
        return self.toks[self.stop - 1].end


@dataclass(slots=True)
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
    """One reporting cue matched in a sentence (a label or headline mark has cue kind `mark`).
    Make it with `CueHit.of`, which fills the word tests the detectors ask for every form."""

    start: int
    end: int
    text: str
    cue: Cue
    is_participle: bool = False  # the first word ends in -ing ("saying", "adding that")
    participle: bool = False  # the first word is a past participle ("said", "reported")

    @classmethod
    def of(cls, start: int, end: int, text: str, cue: Cue) -> CueHit:
        tests = _WORD_TESTS.get(text)
        if tests is None:
            if len(_WORD_TESTS) > 4096:
                _WORD_TESTS.clear()
            words = text.lower().split(None, 1)  # the first word over any space
            word = words[0] if words else ""
            tests = _WORD_TESTS[text] = (_first_word(text).endswith("ing"),
                                         word.endswith("ed") or word in _PARTICIPLE_IRREGULAR)
        return tuple.__new__(cls, (start, end, text, cue, *tests))


_WORD_TESTS: dict[str, tuple[bool, bool]] = {}  # cue as written -> (is_participle, participle)


_PARTICIPLE_IRREGULAR = frozenset(("told", "said", "written", "shown", "spoken", "thought",
                                   "found", "asked"))


def _first_word(text: str) -> str:
    """The cue as written up to its first space, lower-cased."""
    space = text.find(" ")
    return (text if space < 0 else text[:space]).lower()


@dataclass(slots=True)
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
    # token lists by the offset they start from: [tokens, scanned up to (-1: to the end)]
    _segments: dict = field(default_factory=dict)
    _named_ends: dict | None = None  # end offset -> first named mention ending there

    def named_mention_ending(self, end: int) -> Mention | None:
        """The first mention (in order) that ends at `end` and names an actor itself: not a
        pronoun, not a possessive, not unresolved (indexed on first use)."""
        index = self._named_ends
        if index is None:
            index = self._named_ends = {}
            for m in self.mentions:
                if m.actor is not None and not m.possessive and m.mtype != "pronoun":
                    index.setdefault(m.end, m)
        return index.get(end)

    @property
    def tokens(self) -> list[Token]:
        """The sentence's tokens, made on first use."""
        return self.tokens_from(0)

    def tokens_to(self, pos: int) -> list[Token]:
        """The first tokens of the sentence: at least every token that starts before `pos`
        (a prefix of `tokens`, so indices agree)."""
        return self.tokens_from(0, pos)

    def tokens_from(self, start: int, pos: int | None = None) -> list[Token]:
        """The tokens from offset `start` on (`start` must be a token boundary: 0, after a
        space, or where a token of the sentence starts or ends): at least every token that
        starts before `pos`, or all of them. Made left to right on demand and kept, so a
        phrase near a cue needs no tokens of the rest of the sentence."""
        seg = self._segments.get(start)
        if seg is None:
            seg = self._segments[start] = [[], start]
        toks, scanned = seg
        if scanned < 0 or pos is not None and scanned >= pos:
            return toks  # every token starting before `scanned` is made
        if pos is None:
            toks.extend(_tokens_from(self.text, scanned))
            seg[1] = -1
            return toks
        new = tuple.__new__
        for m in TOKEN.finditer(self.text, scanned):
            toks.append(new(Token, (m.start(), m.end(), m.group())))
            if m.start() >= pos:
                seg[1] = m.end()
                return toks
        seg[1] = -1
        return toks

    def left(self, pattern: re.Pattern, end: int, window: int = 160):
        """`pattern` (anchored with $) searched in the `window` characters before `end`."""
        return pattern.search(self.text, end - window if end > window else 0, end)


@dataclass(eq=False, slots=True)
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
