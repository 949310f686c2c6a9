"""Settlements the gazetteer does not list, found by how war reporting names them.

Frontline reports name villages no gazetteer keeps up with ("the village of Zvanivka",
"captured Hirke", "fighting for Orikhove"). A capitalised name is a settlement when

- it follows a settlement noun: "the village of X", "the villages of X and Y";
- it follows a battlefield phrase ("captured X", "fighting for X", "part of X", "50% of X");
- it is followed by a control predicate ("Hirke is under our control", "X has fallen");
- it stands in a coordinated list next to a gazetteer region ("towards Verkhnia Tersa, Orikhiv
  and Zaporizhzhia");
- it follows a plain preposition ("in X", "near X") and has a strong toponym ending;

and in each case looks like a place name of the region: a toponym ending (-ivka, -ove, -ske;
weak endings such as -ne, -ka, -sk count except after plain prepositions) or a toponym modifier
before it ("Chervony Lyman", "Verkhnia Tersa"). A name followed by another capitalised word is
part of a longer name ("Steve Bannon", "Lake County") and never counts.

A modifier before a gazetteer name makes another place ("Chervony Lyman" is not Lyman).
Word lists and phrases: `settlements` in data/regions.yml; `not_settlements` never count, nor do
month names. `find_settlements` works on one text (it never crosses a newline, so it can run over
sentence texts joined by newlines).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newslens import lexicon
from newslens.lexicon import DataFileError

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_APOS = "’'ʼ"
# One capitalised word, optionally hyphenated ("Sviato-Pokrovske", "Gulyai-Pole").
_WORD = rf"[{_UPPER}][{_LOWER}{_APOS}]+(?:[-‐–][{_UPPER}{_LOWER}][{_LOWER}{_APOS}]+)*"
_SP = r"[^\S\n]+"
_LIST_SEP = (rf"(?:{_SP}and{_SP}|{_SP}or{_SP}|,?{_SP}as{_SP}well{_SP}as{_SP}|"
             rf",{_SP}(?:and{_SP}|or{_SP})?)")


@dataclass(frozen=True)
class Settlement:
    """A name found in a text (offsets into that text)."""

    start: int
    end: int
    name: str
    rule: str  # noun, before, after, list, modifier


@dataclass
class Rules:
    """Compiled discovery rules (from the `settlements` section of data/regions.yml)."""

    shape: re.Pattern  # a name with a toponym ending (cheap first pass)
    modified: re.Pattern  # a toponym modifier and a name
    lead: re.Pattern  # settlement noun | battlefield phrase | plain preposition, + names
    after: re.Pattern  # a control predicate ("is under", "fell") right after a name
    name: re.Pattern  # a (modified) capitalised name anchored at a position
    endings: re.Pattern  # strong toponym endings
    weak_endings: re.Pattern
    modifiers: frozenset
    excluded: frozenset


def _list(raw: dict, key: str, path: Path) -> list[str]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFileError(path, f"'{key}' must be a list of non-empty strings", "settlements")
    return list(value)


def _regex(items: list[str], path: Path, key: str) -> str:
    body = "|".join(f"(?:{item})" for item in items) or "(?!)"
    try:
        re.compile(body)
    except re.error as exc:
        raise DataFileError(path, f"bad regular expression in '{key}': {exc}",
                            "settlements") from None
    return body


def parse_rules(raw, path: Path) -> Rules:
    """Validated, compiled rules from the `settlements` mapping of data/regions.yml."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DataFileError(path, "expected a mapping", "settlements")
    modifiers = _list(raw, "modifiers", path)
    mods = "|".join(re.escape(m) for m in sorted(modifiers, key=len, reverse=True)) or "(?!)"
    name = rf"(?:(?:{mods}){_SP})?{_WORD}"
    names = rf"(?P<names>{name}(?:{_LIST_SEP}{name})*)(?![\w{_APOS}-]|{_SP}[{_UPPER}])"
    nouns = lexicon.alternation(_list(raw, "nouns", path)).replace(r"\s+", _SP)
    lead = r"(?:(?<![\w-])|(?=%))"
    excluded = {n.casefold() for n in _list(raw, "not_settlements", path)}
    excluded |= {m.casefold() for m in lexicon.words("months")}
    before = _regex(_list(raw, "before", path), path, "before")
    near = _regex(_list(raw, "near", path), path, "near")
    endings, weak = _list(raw, "endings", path), _list(raw, "weak_endings", path)
    any_ending = "|".join(re.escape(e) for e in sorted(set(endings + weak), key=len,
                                                       reverse=True)) or "(?!)"
    return Rules(
        # first pass, charset first for speed: a capitalised word with a toponym ending...
        shape=re.compile(rf"[{_UPPER}](?<![\w{_APOS}-].)[{_LOWER}{_APOS}]+(?:[-‐–][{_UPPER}{_LOWER}]"
                         rf"[{_LOWER}{_APOS}]+)*(?:{_lookbehind(endings + weak)})(?![\w{_APOS}-])"
                         if any_ending != "(?!)" else "(?!)"),
        # ... or a toponym modifier and a capitalised word
        modified=re.compile(rf"(?:{_trie(modifiers)})"
                            rf"{_SP}{_WORD}(?![\w{_APOS}-])"),
        lead=re.compile(rf"(?:(?P<noun>\b(?i:{nouns}){_SP}of)|{lead}(?:(?P<before>(?i:{before}))|"
                        rf"(?P<near>(?i:{near})))){_SP}(?:the{_SP})?{names}"),
        after=re.compile(rf"{_SP}(?i:{_regex(_list(raw, 'after', path), path, 'after')})"),
        name=re.compile(name),
        endings=_endings(endings),
        weak_endings=_endings(weak),
        modifiers=frozenset(modifiers),
        excluded=frozenset(excluded),
    )


def _trie(words: list[str]) -> str:
    """A case-sensitive trie regex of place-name words ("(?!)" when empty)."""
    return lexicon.trie_regex(words, atoms=lexicon.place_atoms, order=str) if words else "(?!)"


def _lookbehind(items: list[str]) -> str:
    """Endings as an alternation of fixed-width lookbehinds, grouped by length."""
    by_len: dict[int, list[str]] = {}
    for e in set(items):
        by_len.setdefault(len(e), []).append(re.escape(e))
    return "|".join(f"(?<={'|'.join(sorted(v))})" for _, v in sorted(by_len.items())) or "(?!)"


def _endings(items: list[str]) -> re.Pattern:
    body = "|".join(re.escape(e) for e in sorted(items, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?i:{body})$")


def _looks_like_place(rules: Rules, name: str, strong: bool = False) -> bool:
    """A toponym ending on the last word (only a strong one when `strong`), or a toponym
    modifier in front."""
    first, _, rest = name.partition(" ")
    if rest and first in rules.modifiers:
        return True
    last = name.split()[-1].split("-")[-1]
    return bool(rules.endings.search(last) or (not strong and rules.weak_endings.search(last)))


def _acceptable(rules: Rules, name: str) -> bool:
    """Not excluded, not a month, not a possessive ("Ukraine's")."""
    words = name.split()
    return (name.casefold() not in rules.excluded and words[-1].casefold() not in rules.excluded
            and not re.search(rf"[{_APOS}]s$", name))


def _names(rules: Rules, m: re.Match, rule: str, strong: bool = False) -> list[Settlement]:
    """The place-shaped names of a matched list, up to the first that is not."""
    out = []
    base = m.start("names")
    for part in rules.name.finditer(m.group("names")):
        name = part.group(0)
        if not _acceptable(rules, name) or not _looks_like_place(rules, name, strong):
            break
        out.append(Settlement(base + part.start(), base + part.end(), name, rule))
    return out


def find_settlements(text: str, rules: Rules, known: list[tuple[int, int]] = ()
                     ) -> list[Settlement]:
    """Settlement names in `text` by the module's rules, minus spans inside `known` regions
    (a modifier in front of a known name makes a new place and is kept)."""
    spans = sorted(known)
    starts = [a for a, _ in spans]
    found: dict[tuple[int, int], Settlement] = {}
    modified = [c for c in rules.modified.finditer(text)
                if c.start() == 0 or not re.match(rf"[\w{_APOS}-]", text[c.start() - 1])]
    shaped = sorted(list(rules.shape.finditer(text)) + modified, key=lambda c: c.start())
    scanned: set = set()
    for c in shaped:
        start, end = c.span()
        near = spans[max(0, bisect_left(starts, start) - 1):bisect_left(starts, end)]
        if any(a <= start and end <= b for a, b in near):
            continue  # a listed region
        line = text.rfind("\n", 0, start) + 1
        if line not in scanned:  # the lead phrases of a line, found once
            scanned.add(line)
            stop = text.find("\n", end)
            for m in rules.lead.finditer(text, line, len(text) if stop < 0 else stop):
                for s in _names(rules, m, _rule(m), strong=_rule(m) == "near"):
                    found.setdefault((s.start, s.end), s)
        name = c.group(0)
        if rules.after.match(text, end) and _acceptable(rules, name) \
                and _looks_like_place(rules, name):
            found.setdefault((start, end), Settlement(start, end, name, "after"))
    for s in _list_neighbours(rules, text, known):
        found.setdefault((s.start, s.end), s)
    out = []
    for s in sorted(found.values(), key=lambda s: (s.start, -s.end)):
        if out and s.start < out[-1].end:
            continue
        near = spans[max(0, bisect_left(starts, s.start) - 1):bisect_left(starts, s.end)]
        inside_known = any(a <= s.start and s.end <= b for a, b in near)
        overlaps_known = any(s.start < b and a < s.end for a, b in near)
        if inside_known or (overlaps_known and s.name.split()[0] not in rules.modifiers):
            continue
        out.append(s)
    return out


def _rule(m: re.Match) -> str:
    return next(g for g in ("noun", "before", "near") if m.group(g) is not None)


_SEP_ENDS = (",", "and", "or", "as")  # how the text before a list separator's space ends


def _list_neighbours(rules: Rules, text: str, known) -> list[Settlement]:
    """Place-shaped names coordinated with a gazetteer region ("X, Orikhiv and Y")."""
    out = []
    left = re.compile(rf"(?<![\w-])(?P<name>{rules.name.pattern}){_LIST_SEP}$")
    right = re.compile(rf"^{_LIST_SEP}(?P<name>{rules.name.pattern})(?!{_SP}[{_UPPER}]|[\w-])")
    for a, b in known:
        tail = text[max(0, a - 16):a].rstrip()
        m = left.search(text[max(0, a - 60):a]) if tail.endswith(_SEP_ENDS) else None
        if m:
            offset = max(0, a - 60)
            name = m.group("name")
            if _acceptable(rules, name) and _looks_like_place(rules, name):
                out.append(Settlement(offset + m.start("name"), offset + m.end("name"), name,
                                      "list"))
        m = right.match(text[b:b + 60])
        if m:
            name = m.group("name")
            if _acceptable(rules, name) and _looks_like_place(rules, name):
                out.append(Settlement(b + m.start("name"), b + m.end("name"), name, "list"))
    return out


def settlement_id(name: str) -> str:
    """A region id for a found settlement: `place:` + ASCII slug ("Sviato-Pokrovske" ->
    "place:sviato_pokrovske")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return f"place:{slug or 'unnamed'}"


# --- settlements in a table of sentences (newslens.text.regions) -------------------------

_PARENT_GAP = re.compile(r"^,?\s+(?:in|of)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def settlement_hits(rules: Rules, info: dict, texts, offsets, joined, known, articles):
    """(gazetteer hits kept, [(sentence index, hit)] of settlements the gazetteer lacks) over
    sentence texts joined by newlines (`offsets`: where each starts; `known`: the gazetteer hits
    as (sentence index, hit); `info`: region kinds): found by context, then every other mention
    of the same name in that article. Drops the gazetteer hits a modified name covers
    ("Chervony Lyman" is not Lyman)."""
    spans = [(h["start"], h["end"]) for _, h in known]
    found = find_settlements(joined, rules, spans)
    if not found:
        return known, []
    by_article: dict = {}
    starts = np.searchsorted(offsets, [s.start for s in found], side="right") - 1
    for s, i in zip(found, starts):
        parent = _parent_after(info, known, s.end, joined)
        by_article.setdefault(articles[i], {}).setdefault(s.name, parent)
    out = [(int(i), _place_hit(s.start, s.end, s.name, by_article[articles[i]][s.name]))
           for s, i in zip(found, starts)]
    out += _repeat_mentions(by_article, texts, offsets, articles, spans + [
        (s.start, s.end) for s in found])
    covered = [(h["start"], h["end"]) for _, h in out]
    known = [(i, h) for i, h in known
             if not any(a <= h["start"] and h["end"] <= b for a, b in covered)]
    return known, out


def _place_hit(start: int, end: int, name: str, parent: str | None) -> dict:
    return {"start": start, "end": end, "text": name, "region_id": settlement_id(name),
            "match": "discovered", "parent": parent, "name": name}


def _parent_after(info: dict, known, end: int, joined: str) -> str | None:
    """The oblast named right after a found settlement ("X in the Sumy region"), if any."""
    for _, h in known:
        if end <= h["start"] <= end + 50 and info[h["region_id"]]["kind"] == "oblast" \
                and _PARENT_GAP.match(joined[end:h["start"]]):
            return h["region_id"]
    return None


def _repeat_mentions(by_article: dict, texts, offsets, articles, taken) -> list:
    """Other mentions of the found names in the same article (whole words, same spelling)."""
    out = []
    for i, text in enumerate(texts):
        names = by_article.get(articles[i])
        if not names or not any(n in text for n in names):
            continue
        base = int(offsets[i])
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(
            re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])")
        for hit in pattern.finditer(text):
            a, b = base + hit.start(), base + hit.end()
            if not any(x < b and a < y for x, y in taken):
                out.append((i, _place_hit(a, b, hit.group(0), names[hit.group(0)])))
    return out
