"""Lexicon regexes that find their matches through an Aho-Corasick pass.

A lexicon regex (`newslens.lexicon.lexicon_regex`: a trie of terms between word boundaries)
costs Python's `re` about 50 ns per character: it tries the whole trie at every position.
`Scanner` gives the same matches, in the same order, for much less: one automaton pass over
the lowercased text finds every place where the first word of some term starts (a superset of
where a match can start), and the regex is tried only there, left to right, resuming after each
match as `re.finditer` does. Other methods (`match`, `fullmatch`, `pattern`, ...) are the
regex's own.

The candidates are a superset because a match at p spells the first word of its term there,
and the lowercased text shows it as the key spells it: `re.IGNORECASE` equates a character with
a key character only when its lowercase is that character, except for the few extra case
pairs of `re` (dotless i, long s; see `_UNSAFE`) and characters whose lowercase is longer than
one character (dotted capital I). A text with one of those is scanned by the regex itself.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator

import ahocorasick

from newslens.lexicon import lexicon_regex

# characters that re.IGNORECASE matches with an ASCII letter though their lowercase is not it
_UNSAFE = frozenset("ıſ")
# The automaton reads the lowercased text as ASCII with every character that is not an ASCII
# letter, digit, "_", "'" or "-" as a stop (NUL), so that a key "NUL + first word" is found
# only where a word can start. Non-ASCII characters become stops too: a word character among
# them only adds a place to try (keys are ASCII, so none is missed).
_STOP = "\0"
_STOPS = bytes(c if chr(c).isalnum() or chr(c) in "_'-" else 0 for c in range(256))


def _first_word(term: str, fold: bool = True) -> str:
    """The literal start of a term as `lexicon.word_atoms` reads it: its first word,
    lowercased (`fold`), without a `*` word tail."""
    words = term.rstrip("*")
    words = (words.lower() if fold else words).split()
    return words[0] if words else ""


def _key(term: str, fold: bool = True) -> str:
    """The automaton key of a term: a stop, its first word (as the text is read), and a stop
    when another word must follow (whitespace)."""
    words = term.rstrip("*")
    words = (words.lower() if fold else words).split()
    first = words[0].encode("ascii", "replace").translate(_STOPS).decode("ascii")
    if not words[0].isascii():  # its ASCII start ("ukraine’s": "ukraine")
        return _STOP + first[:first.index(_STOP)]
    return _STOP + first + (_STOP if len(words) > 1 else "")


def _read(low: str) -> str:
    """What the automaton reads: a stop, then `low` as ASCII with stops (same positions + 1)."""
    return _STOP + low.encode("ascii", "replace").translate(_STOPS).decode("ascii")


def _key_start(hit: tuple[int, int]) -> int:
    """Where a key the automaton found starts: (its last position, its length) -> start - 1."""
    stop, size = hit
    return stop - size


class Scanner:
    r"""`re.Pattern`-like: `finditer`/`search` through the automaton, the rest from the regex.

    `regex`: another regex than `lexicon_regex(terms, flags)` whose every match starts, after
    no `[\w’'-]` character, with the first word of one of `terms` (spaces in a term matching
    whitespace), in any case with re.IGNORECASE in `flags`, else as written."""

    def __init__(self, terms: Iterable[str], flags=re.IGNORECASE, regex: re.Pattern | None = None):
        terms = list(terms)
        self.regex = lexicon_regex(terms, flags) if regex is None else regex
        self._fold = fold = bool(flags & re.IGNORECASE)
        words = {_first_word(t, fold) for t in terms}
        ok = bool(words) and "" not in words and all(w[0].isascii() for w in words)
        self._automaton = None
        self._in_order = False
        if ok:
            keys = sorted({_key(t, fold) for t in terms})
            # a key that continues a shorter key finds nothing the shorter one does not
            keys = [k for k in keys if not any(k != j and k.startswith(j) for j in keys)]
            automaton = ahocorasick.Automaton()
            for key in keys:
                automaton.add_word(key, len(key))
            automaton.make_automaton()
            self._automaton = automaton
            # With stops only at the ends of keys, no key is found inside another: the
            # automaton reports keys (in order of their ends) in order of their starts too.
            self._in_order = all(_STOP not in k[1:-1] for k in keys)

    def __getattr__(self, name):
        return getattr(self.regex, name)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match]:
        """The matches of `regex.finditer(text, pos, endpos)`, in order."""
        automaton = self._automaton
        pos, end = max(0, pos), min(endpos, len(text))
        # only the window the regex reads: from the character before `pos` to `end`
        base = pos - 1 if pos else 0
        window = text[base:end]
        low = window.lower() if self._fold else window
        if automaton is None or len(low) != len(window) or (
                self._fold and not window.isascii() and not _UNSAFE.isdisjoint(window)):
            yield from self.regex.finditer(text, pos, endpos)
            return
        if pos >= end:
            return
        # a key at k of STOP + window: a word can start at text position base + k
        found = automaton.iter(_read(low))
        if not self._in_order:
            found = sorted(found, key=_key_start)
        match, cur, offset = self.regex.match, pos, base + 1
        for stop, size in found:
            p = offset + stop - size
            if p >= cur and (m := match(text, p, endpos)) is not None:
                yield m
                cur = m.end()

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return next(self.finditer(text, pos, endpos), None)
