"""Ukraine's regions: the gazetteer in data/regions.yml and region mentions in sentences.

`load_regions()` validates the file (errors name the file, the entry and the problem).
`region_mentions(sentences)` finds named regions (oblasts, macro regions, towns, spellings and
"<name> region/oblast/area/province" forms) and generic references ("occupied territories",
"regions claimed by Moscow", "20% of Ukraine's territory") with one compiled pattern run once over
all sentence texts.

Kyiv: a bare "Kyiv"/"Kiev" usually stands for Ukraine's government (the actors gazetteer treats it
so). It is a region mention only after a territorial preposition ("in Kyiv", "towards Kyiv",
"the battle for Kyiv") or in an explicit form ("Kyiv region", "Kyiv city").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from newslens import compat, lexicon, schema
from newslens.lexicon import DataFileError
from newslens.text import settlements as found_places
from newslens.text.region_scan import Part, scan

REGION_COLUMNS = [
    "id", "name", "kind", "iso_code", "parent", "members", "names", "forms", "context_only",
]
GENERIC_COLUMNS = ["id", "name", "phrases", "patterns", "claim_type", "claimant", "members"]
MENTION_COLUMNS = schema.table("region_mentions").names
KINDS = {"country", "macro_region", "oblast", "city", "town", "village", "site"}
PLACE_KINDS = ("city", "town", "village", "site")  # the compact `places` section
FORM_WORDS = ["regions", "region", "oblasts", "oblast", "areas", "area", "provinces", "province"]
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _fail(path: Path, where: str, problem: str):
    raise DataFileError(path, problem, where)


def _str_list(path, where, value, key) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(path, where, f"'{key}' must be a list of non-empty strings")
    return list(value)


_REGION_KEYS = {"id", "name", "kind", "iso", "parent", "members", "names", "names_always",
                "forms", "context_only", "patterns"}


def _region(entry, i: int, path: Path, seen: set) -> dict:
    """One validated region entry (names include the display name unless context-only)."""
    where = f"regions[{i}]"
    if not isinstance(entry, dict):
        _fail(path, where, "each region must be a mapping")
    rid = entry.get("id")
    where = f"region {rid!r} (regions[{i}])"
    if not isinstance(rid, str) or not _ID.match(rid):
        _fail(path, where, "'id' must be a lowercase slug (a-z, 0-9, _)")
    if rid in seen:
        _fail(path, where, "duplicate id")
    seen.add(rid)
    unknown = set(entry) - _REGION_KEYS
    if unknown:
        _fail(path, where, f"unknown keys {sorted(unknown)}")
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        _fail(path, where, "'name' is required")
    if entry.get("kind") not in KINDS:
        _fail(path, where, f"'kind' must be one of {sorted(KINDS)}")
    iso = entry.get("iso")
    if iso is not None and not re.fullmatch(r"UA(-\d\d)?", str(iso)):
        _fail(path, where, f"'iso' {iso!r} is not a Ukrainian ISO 3166 code (UA or UA-NN)")
    names = _str_list(path, where, entry.get("names"), "names")
    patterns = _str_list(path, where, entry.get("patterns"), "patterns")
    for pat in patterns:
        try:
            re.compile(pat)
        except re.error as exc:
            _fail(path, where, f"bad pattern {pat!r}: {exc}")
    if entry["kind"] != "country" and entry["name"] not in names and not entry.get(
        "context_only"
    ) and "(" not in entry["name"]:
        names.append(entry["name"])
    return {
        "id": rid, "name": entry["name"], "kind": entry["kind"], "iso_code": iso,
        "parent": entry.get("parent"),
        "members": tuple(_str_list(path, where, entry.get("members"), "members")),
        "names": tuple(names),
        "names_always": tuple(_str_list(path, where, entry.get("names_always"), "names_always")),
        "forms": bool(entry.get("forms", False)),
        "context_only": bool(entry.get("context_only", False)),
        "patterns": tuple(patterns),
    }


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _places(raw, path: Path) -> list[dict]:
    """Region entries of the compact `places` section: kind -> parent -> [[name, spelling...]]
    (id = the first name as a slug)."""
    if raw is None:
        return []
    if not isinstance(raw, dict) or set(raw) - set(PLACE_KINDS):
        _fail(path, "places", f"expected a mapping with keys among {list(PLACE_KINDS)}")
    out = []
    for kind, by_parent in raw.items():
        if not isinstance(by_parent, dict):
            _fail(path, f"places.{kind}", "expected a mapping parent id -> list of name lists")
        for parent, entries in by_parent.items():
            for names in entries or []:
                where = f"places.{kind}.{parent}"
                if isinstance(names, str):
                    names = [names]
                names = _str_list(path, where, names, "names")
                if not names:
                    _fail(path, where, "empty name list")
                out.append({"id": _slug(names[0]), "name": names[0], "kind": kind,
                            "parent": parent, "names": names})
    return out


def _check_hierarchy(rows: list[dict], path: Path) -> None:
    """Parents and members must be region ids, and every parent chain must end (no cycle)."""
    ids = {r["id"] for r in rows}
    for r in rows:
        where = f"region {r['id']!r}"
        if r["parent"] is not None and r["parent"] not in ids:
            _fail(path, where, f"parent {r['parent']!r} is not a region id")
        for m in r["members"]:
            if m not in ids:
                _fail(path, where, f"member {m!r} is not a region id")
    parents = {r["id"]: r["parent"] for r in rows}
    for rid in sorted(ids):
        chain, cur = [rid], parents[rid]
        while cur is not None:
            if cur in chain:
                _fail(path, f"region {rid!r}", f"parent cycle {' -> '.join(chain + [cur])}")
            chain.append(cur)
            cur = parents[cur]


def _generic(entry, i: int, path: Path, ids: set) -> dict:
    """One validated generic reference ("occupied territories") with its own claim."""
    where = f"generic[{i}]"
    if not isinstance(entry, dict) or not str(entry.get("id", "")).startswith("generic:"):
        _fail(path, where, "each generic entry needs an 'id' starting with 'generic:'")
    where = f"generic {entry['id']!r}"
    phrases = _str_list(path, where, entry.get("phrases"), "phrases")
    patterns = _str_list(path, where, entry.get("patterns"), "patterns")
    if not phrases and not patterns:
        _fail(path, where, "needs 'phrases' or 'patterns'")
    for pat in patterns:
        try:
            re.compile(pat)
        except re.error as exc:
            _fail(path, where, f"bad pattern {pat!r}: {exc}")
    members = _str_list(path, where, entry.get("members"), "members")
    for m in members:
        if m not in ids:
            _fail(path, where, f"member {m!r} is not a region id")
    if entry["id"] in ids:
        _fail(path, where, "duplicate id")
    ids.add(entry["id"])
    return {"id": entry["id"], "name": entry.get("name") or entry["id"],
            "phrases": tuple(phrases), "patterns": tuple(patterns),
            "claim_type": entry.get("claim_type"), "claimant": entry.get("claimant"),
            "members": tuple(members)}


def _parse(raw, path: Path) -> dict:
    """The validated regions file: regions, generic references, prepositions, ignored phrases."""
    if not isinstance(raw, dict) or not isinstance(raw.get("regions"), list):
        _fail(path, "top level", "expected a mapping with a 'regions' list")
    seen: set[str] = set()
    entries = raw["regions"] + _places(raw.get("places"), path)
    rows = [_region(entry, i, path, seen) for i, entry in enumerate(entries)]
    _check_hierarchy(rows, path)
    ids = set(seen)
    generic = [_generic(entry, i, path, ids) for i, entry in enumerate(raw.get("generic") or [])]
    preps = _str_list(path, "territorial_prepositions", raw.get("territorial_prepositions"),
                      "territorial_prepositions")
    ignore = _str_list(path, "ignore", raw.get("ignore"), "ignore")
    return {"regions": rows, "generic": generic, "prepositions": preps, "ignore": ignore,
            "settlements": found_places.parse_rules(raw.get("settlements"), path)}


def _raw(path=None) -> dict:
    return lexicon.load(lexicon.resolve(path, "regions.yml"), _parse)


def load_regions(path=None) -> pd.DataFrame:
    """The regions gazetteer: id, name, kind, iso_code, parent, members, names, forms,
    context_only."""
    rows = _raw(path)["regions"]
    return pd.DataFrame(rows, columns=REGION_COLUMNS).sort_values("id").reset_index(drop=True)


def load_generic(path=None) -> pd.DataFrame:
    """Generic territorial references: id, name, phrases, patterns, claim_type, claimant,
    members."""
    return pd.DataFrame(_raw(path)["generic"], columns=GENERIC_COLUMNS)


def region_info(path=None) -> dict[str, dict]:
    """id -> {name, kind, iso_code, parent, members} for named and generic regions."""
    raw = _raw(path)
    info = {r["id"]: {k: r[k] for k in ("name", "kind", "iso_code", "parent", "members")}
            for r in raw["regions"]}
    for g in raw["generic"]:
        info[g["id"]] = {"name": g["name"], "kind": "generic", "iso_code": None, "parent": None,
                         "members": g["members"]}
    return info


def generic_defaults(path=None) -> dict[str, tuple[str | None, str | None]]:
    """Generic reference id -> (claim_type, claimant) it states by itself (None when unset)."""
    def clean(value):
        return value if isinstance(value, str) and value else None

    return {g["id"]: (clean(g["claim_type"]), clean(g["claimant"])) for g in _raw(path)["generic"]}


def ancestors(region_id: str, path=None) -> list[str]:
    """The parent chain of a region, nearest first (Pokrovsk -> donetsk, donbas, ukraine)."""
    info = region_info(path)
    out, cur = [], info.get(region_id, {}).get("parent")
    while cur is not None:
        out.append(cur)
        cur = info[cur]["parent"]
    return out


def trie_regex(words) -> str:
    """A regex matching any of `words` (place-name spellings), longest first, built as a trie."""
    return lexicon.trie_regex(words, atoms=lexicon.place_atoms, order=str)


_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    """A place name as the gazetteer keys it: typographic apostrophe and dashes plain, runs of
    whitespace one space (a name of letters only, the usual case, is its own key)."""
    if text.isalpha() and text.isascii():
        return text
    return _SPACES.sub(" ", text.replace("’", "'").replace("‐", "-").replace("–", "-"))


@dataclass
class Matcher:
    pattern: re.Pattern
    names: dict  # surface -> (region_id, match) ; region_id None for ignored phrases
    forms: set  # region ids that take "region/oblast/..." forms
    generic: dict  # casefolded phrase -> generic id
    pattern_ids: dict  # group name -> generic id
    context: re.Pattern  # territorial preposition right before a context-only name
    settlements: found_places.Rules  # settlements the gazetteer does not list
    parts: tuple = ()  # the alternatives of `pattern`, in order, as Parts


def _build_matcher(doc, path: Path) -> Matcher:
    raw = _parse(doc, path)
    names: dict[str, tuple[str | None, str]] = {}
    for phrase in raw["ignore"]:
        names[_key(phrase)] = (None, "ignore")
    forms = set()
    region_patterns = [(r["id"], pat) for r in raw["regions"] for pat in r["patterns"]]
    for r in raw["regions"]:
        for n in r["names"]:
            names.setdefault(_key(n), (r["id"], "context" if r["context_only"] else "name"))
        for n in r["names_always"]:
            names.setdefault(_key(n), (r["id"], "name"))
        if r["forms"]:
            forms.add(r["id"])
    generic, pattern_ids, parts = {}, {}, []
    for g in raw["generic"]:
        for p in g["phrases"]:
            generic[_key(p).casefold()] = g["id"]
    k = 0
    for g in raw["generic"]:
        for pat in g["patterns"]:
            pattern_ids[f"p{k}"] = g["id"]
            parts.append(f"(?P<p{k}>(?i:{pat}))")
            k += 1
    for j, (rid, pat) in enumerate(region_patterns):
        pattern_ids[f"r{j}"] = rid
        parts.insert(j, f"(?P<r{j}>(?i:{pat}))")
    form_re = "|".join(FORM_WORDS)
    alts = [
        *parts[:len(region_patterns)],
        rf"(?P<name>{trie_regex(names)})(?:\s(?P<form>(?i:{form_re})))?",
        _ADJECTIVE,
        rf"(?P<generic>(?i:{trie_regex(sorted({p.casefold() for p in generic}))}))",
        *parts[len(region_patterns):],
    ]
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])")
    preps = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in raw["prepositions"])
    context = re.compile(rf"\b(?i:{preps})\s+(?:the\s+)?(?:capital\s+)?$")
    needles = {len(region_patterns) + 1: _ADJECTIVE_WORDS,  # "the Pokrovsky direction"
               len(region_patterns) + 2: frozenset(_longest_word(p) for p in generic)}
    return Matcher(pattern, names, forms, generic, pattern_ids, context, raw["settlements"],
                   tuple(_part(alt, i == len(region_patterns), needles.get(i))
                         for i, alt in enumerate(alts)))


def _longest_word(phrase: str) -> str:
    return max(re.findall(r"[a-z]+", phrase.casefold()) or [phrase.casefold()], key=len)


def _part(alt: str, names: bool, needles: frozenset | None = None) -> Part:
    """The names alternative (case-sensitive, starting with a capital of the trie) scans fast
    without the lookbehind in front; the others run only where their literals occur."""
    if names:
        return Part(re.compile(rf"(?:{alt})(?![\w])"), None, True)
    return Part(re.compile(rf"(?<![\w])(?:{alt})(?![\w])"),
                needles or compat.required_literals(alt), False)


def matcher(path=None) -> Matcher:
    """The compiled region matcher (once per content of the regions file)."""
    return lexicon.load(lexicon.resolve(path, "regions.yml"), _build_matcher)


def find_regions(text: str, path=None) -> list[dict]:
    """Region mentions in one text: dicts with start, end, text, region_id, match."""
    m = matcher(path)
    out = []
    for hit in m.pattern.finditer(text):
        found = _resolve(m, hit, text)
        if found is not None:
            out.append(found)
    return out


# Russian-style axis names: "the Orekhovsky direction", "Pokrovsky axis" (stem + -sky).
_ADJECTIVE_WORDS = frozenset(("direction", "axis", "sector", "front", "salient", "bulge",
                              "bridgehead"))
_ADJECTIVE = (r"(?P<adj>[A-Z][a-z]{3,}?)(?:skyi|skiy|sky|skaya|skoye|ske)(?=\s+(?i:direction|"
              r"axis|sector|front|salient|bulge|bridgehead)\b)")
_STEM_ENDINGS = ("sk", "", "ka", "ye", "e", "a")


def _adjective_region(m: Matcher, stem: str) -> str | None:
    """The listed region an axis adjective's stem names ("Orekhov", "Pokrov" + "sk")."""
    for ending in _STEM_ENDINGS:
        region_id, how = m.names.get(stem + ending, (None, "ignore"))
        if region_id is not None and how != "ignore":
            return region_id
    return None


def _resolve(m: Matcher, hit: re.Match, text: str, lo: int = 0) -> dict | None:
    start, end = hit.span()
    groups = hit.groupdict()
    if groups.get("adj") is not None:
        region_id = _adjective_region(m, hit.group("adj"))
        return None if region_id is None else {
            "start": start, "end": end, "text": text[start:end], "region_id": region_id,
            "match": "name"}
    if groups.get("name") is not None:
        region_id, how = m.names.get(_key(hit.group("name")), (None, "ignore"))
        if region_id is None:
            return None
        if hit.group("form") is not None:
            if region_id in m.forms:
                how = "form"
            else:
                end = hit.end("name")
        if how == "context":
            window = text[max(lo, start - 40):start]
            if not m.context.search(window):
                return None
            how = "name"
    elif groups.get("generic") is not None:
        region_id, how = m.generic[_key(hit.group("generic")).casefold()], "generic"
    else:
        group = next(g for g, v in groups.items() if v is not None)
        region_id = m.pattern_ids[group]
        how = "name" if group.startswith("r") else "generic"
    return {"start": start, "end": end, "text": text[start:end], "region_id": region_id,
            "match": how}


def _joined(sentences: pd.DataFrame):
    """Sentence texts joined by newlines, with each sentence's offset in the joined text."""
    texts = sentences["text"].astype(str).tolist()
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return texts, offsets, "\n".join(texts)


def _known_hits(m: Matcher, texts, offsets, joined) -> list[tuple[int, dict]]:
    """(sentence index, resolved hit in joined coordinates) of every gazetteer match."""
    hits = scan(m.parts, joined, offsets)
    if not hits:
        return []
    idx = np.searchsorted(offsets, [h.start() for h in hits], side="right") - 1
    out = []
    for hit, i in zip(hits, idx):
        base = offsets[i]
        if hit.end() > base + len(texts[i]):
            continue  # crosses into the next sentence
        found = _resolve(m, hit, joined, lo=base)
        if found is not None:
            out.append((int(i), found))
    return out


def region_mentions(sentences: pd.DataFrame, path=None) -> pd.DataFrame:
    """Region mentions in sentences (contract columns), one pattern pass over all texts, plus
    settlements the gazetteer lacks (newslens.text.settlements, `match` = "discovered",
    `region_id` = "place:<name>", kind "settlement").

    Offsets are in the sentence's field coordinates, like actor mentions:
    the span inside the sentence text is [start - sentence.start, end - sentence.start).
    """
    if sentences is None or len(sentences) == 0:
        return schema.empty("region_mentions")
    m = matcher(path)
    info = region_info(path)
    texts, offsets, joined = _joined(sentences)
    art = sentences["article_id"].to_numpy()
    known = _known_hits(m, texts, offsets, joined)
    known, places = found_places.settlement_hits(m.settlements, info, texts, offsets, joined,
                                                 known, art)
    if not known and not places:
        return schema.empty("region_mentions")
    sno = sentences["sentence"].to_numpy()
    sstart = sentences["start"].to_numpy()
    field = sentences["field"].to_numpy() if "field" in sentences else np.full(len(texts), "text")
    rows = []
    for i, found in known + places:
        base = offsets[i]
        reg = info.get(found["region_id"]) or {
            "name": found["name"], "kind": "settlement", "iso_code": None,
            "parent": found["parent"]}
        rows.append({
            "article_id": art[i], "sentence": int(sno[i]),
            "start": int(sstart[i] + found["start"] - base),
            "end": int(sstart[i] + found["end"] - base),
            "text": found["text"], "region_id": found["region_id"], "region": reg["name"],
            "kind": reg["kind"], "iso_code": reg["iso_code"], "parent": reg["parent"],
            "match": found["match"], "field": field[i],
        })
    out = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return out.sort_values(["article_id", "sentence", "start"],
                           kind="stable").reset_index(drop=True)
