"""Literal pre-filters of the claim lexicon: which literals occur in a sentence (one regex scan),
and patterns whose alternatives run only when one of their literals occurs.

Every alternative of a cue, force or document pattern needs one of a few literals (read by
`newslens.compat.required_literals`); an alternative none of whose literals occurs in a sentence
cannot match anywhere in it, so leaving it out of the alternation changes no match (same order,
same groups). Both are sound only on a text lowered by `lowered` (None when lowering would
not be: callers then run the whole pattern).
"""

from __future__ import annotations

import re

from newslens import compat, lexicon

# Characters that IGNORECASE matching folds onto an ASCII letter but str.lower() does not
# ("ı" ~ i, "ſ" ~ s): with one of them in a text the literal pre-filter is not sound.
_FOLD_TRAPS = re.compile("[\u0131\u017f]")


def lowered(text: str) -> str | None:
    """`text` lowercased for the literal pre-filters, or None when that would not be sound."""
    return None if _FOLD_TRAPS.search(text) else text.lower()


class LiteralScan:
    """Which of a set of lowercase literals occur in a lowered text, in one regex pass.

    The regex is a trie of the literals (longest first), searched again from the position
    after each hit's start (not its end), so every position where some literal starts is seen;
    the literals that start there are the longest one found and those that are a prefix of it.
    Exactly `{n for n in literals if n in low}`, without a substring search per literal."""

    def __init__(self, literals) -> None:
        self.literals = tuple(sorted(set(literals)))
        self._pattern = re.compile(lexicon.trie_regex(
            self.literals, atoms=lambda n: tuple(re.escape(c) for c in n), order=str)) \
            if self.literals else None
        self._prefixes = {n: frozenset(m for m in self.literals if n.startswith(m))
                          for n in self.literals}

    def present(self, low: str) -> set:
        """The literals that occur in `low` (a lowered text)."""
        out: set = set()
        if self._pattern is None:
            return out
        search, pos = self._pattern.search, 0
        while (m := search(low, pos)) is not None:
            out |= self._prefixes[m.group()]
            pos = m.start() + 1
        return out


def _body(items) -> str:
    return "|".join(f"(?:{c})" for c in items) or "(?!)"


class GatedPattern:
    """`head (?P<g1>item|item...)|(?P<g2>...) tail` (IGNORECASE) that runs, for a text, only
    the items whose literals occur in it (every group kept, `(?!)` when none of its items can
    match), so `finditer` gives the matches and groups of the whole pattern."""

    def __init__(self, head: str, groups: list, tail: str) -> None:
        self.head, self.tail = head, tail
        self.groups = [(name, tuple((compat.required_literals(f"(?:{item})"), item)
                                    for item in items)) for name, items in groups]
        self.pattern = self._compile(tuple(tuple(range(len(items)))
                                           for _, items in self.groups))
        self.literals = frozenset(n for _, items in self.groups for lits, _ in items
                                  for n in (lits or ()))
        self._always = {(g, i) for g, (_, items) in enumerate(self.groups)
                        for i, (lits, _) in enumerate(items) if lits is None}
        self._by_literal: dict = {}
        for g, (_, items) in enumerate(self.groups):
            for i, (lits, _) in enumerate(items):
                for n in lits or ():
                    self._by_literal.setdefault(n, []).append((g, i))
        self._subsets: dict = {}

    def _compile(self, keep: tuple) -> re.Pattern:
        parts = [f"(?P<{name}>{_body(items[i][1] for i in idx)})"
                 for (name, items), idx in zip(self.groups, keep)]
        return re.compile(self.head + "|".join(parts) + self.tail, re.IGNORECASE)

    def finditer(self, text: str, present: set | None):
        """Matches of the pattern in `text`; `present`: the literals that occur in it (None:
        unknown, run the whole pattern)."""
        if present is None:
            return self.pattern.finditer(text)
        found = set(self._always)
        for n in present:
            found.update(self._by_literal.get(n, ()))
        if not found:
            return iter(())
        keep = tuple(tuple(sorted(i for g2, i in found if g2 == g))
                     for g in range(len(self.groups)))
        pattern = self._subsets.get(keep)
        if pattern is None:
            pattern = self._subsets[keep] = self._compile(keep)
        return pattern.finditer(text)

    def search(self, text: str):
        return self.pattern.search(text)
