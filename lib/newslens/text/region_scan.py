"""The region pattern of newslens.text.regions scanned part by part, as fast as Python's re allows.

The pattern is one alternation (region phrase patterns, gazetteer names, axis adjectives,
generic phrases, generic patterns) with a lookbehind in front, which keeps `re` from skipping
ahead to the characters a match can start with. `scan` runs each alternative (`Part`) on its
own: the names without the lookbehind (checked after a match), the others only on the sentences
that contain one of their literals; at each position the first part that matches there wins and
the scan goes on after the match, exactly as the one regex would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np


@dataclass
class Part:
    """One alternative of the region pattern, scanned on its own (see `_scan`)."""

    pattern: re.Pattern
    needles: frozenset | None  # literals (lowercase) one of which a match contains; None: any
    lookbehind: bool  # not compiled in: checked after a match (keeps the regex's fast scan)



# The only characters for which a lowercase literal test disagrees with IGNORECASE matching:
# U+0130 lowercases to two characters, U+0131 and U+017F fold onto i and s but lower() keeps them.
_FOLD_TRAPS = re.compile("[\u0130\u0131\u017f]")


class _PartScan:
    """The matches of one Part at or after a position, in order (searched lazily)."""

    def __init__(self, part: Part, text: str, windows: list | None):
        self.part, self.text, self.windows = part, text, windows
        self.next: re.Match | None = None
        self.done = False  # no match at or after the last position searched
        self.w = 0  # first window that may hold the next match

    def at_or_after(self, pos: int) -> re.Match | None:
        if self.done or (self.next is not None and self.next.start() >= pos):
            return self.next
        self.next = self._search(pos)
        self.done = self.next is None
        return self.next

    def _search(self, pos: int) -> re.Match | None:
        search, text = self.part.pattern.search, self.text
        if self.windows is None:
            hit = search(text, pos)
            while hit is not None and self.part.lookbehind and hit.start() > 0 \
                    and _is_word(text[hit.start() - 1]):
                hit = search(text, hit.start() + 1)
            return hit
        windows = self.windows
        while self.w < len(windows) and windows[self.w][1] <= pos:
            self.w += 1
        for a, b in windows[self.w:]:
            hit = search(text, max(a, pos), b)
            if hit is not None:
                return hit
        return None


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def scan(parts, joined: str, offsets) -> list[re.Match]:
    """The matches of the region pattern (its `parts`, in order) over the joined sentence
    texts (`offsets`: where each sentence starts), found part by part: each
    position takes the first part (alternative) matching there, as the one regex would, and
    the scan goes on after the match. A part with required literals runs only on the
    sentences that contain one of them (when lowercasing is sound for that test)."""
    low, always = _lowered(joined, offsets)
    ends = np.append(offsets[1:] - 1, len(joined)) if len(offsets) else offsets
    heads = []  # [start, part index, match] of each part's next match
    for k, part in enumerate(parts):
        windows = _windows(part, low, offsets, ends, always)
        if windows != []:
            scan = _PartScan(part, joined, windows)
            hit = scan.at_or_after(0)
            if hit is not None:
                heads.append([hit.start(), k, hit, scan])
    out = []
    while heads:
        best = min(heads, key=lambda h: (h[0], h[1]))[2]
        out.append(best)
        pos = best.end() if best.end() > best.start() else best.end() + 1
        for head in heads:
            if head[0] < pos:
                head[2] = head[3].at_or_after(pos)
                head[0] = head[2].start() if head[2] is not None else -1
        heads = [h for h in heads if h[2] is not None]
    return out


def _lowered(joined: str, offsets) -> tuple[str, np.ndarray]:
    """The joined text lowercased, offset for offset, for the literal tests, and the indices
    of the sentences where that test is not sound (they hold a fold trap: always scanned)."""
    traps = [m.start() for m in _FOLD_TRAPS.finditer(joined)]
    if not traps:
        return joined.lower(), np.empty(0, dtype=np.int64)
    always = np.unique(np.searchsorted(offsets, traps, side="right") - 1)
    return _FOLD_TRAPS.sub(" ", joined).lower(), always


def _windows(part: Part, low: str, offsets, ends, always) -> list | None:
    """(start, end) of the sentences that contain one of the part's literals or a fold trap
    (`always`), else None (the part runs over everything)."""
    if part.needles is None:
        return None
    found = set()
    for needle in part.needles:
        at = low.find(needle)
        while at >= 0:
            found.add(at)
            at = low.find(needle, at + 1)
    if not found and not len(always):
        return []
    idx = np.union1d(np.searchsorted(offsets, sorted(found), side="right") - 1, always)
    return [(int(offsets[i]), int(ends[i])) for i in idx]
