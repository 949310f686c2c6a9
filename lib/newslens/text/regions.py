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
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from newslens import schema
from newslens.paths import data_file

REGION_COLUMNS = [
    "id", "name", "kind", "iso_code", "parent", "members", "names", "forms", "context_only",
]
GENERIC_COLUMNS = ["id", "name", "phrases", "patterns", "claim_type", "claimant", "members"]
MENTION_COLUMNS = schema.table("region_mentions").names
KINDS = {"country", "macro_region", "oblast", "city", "town", "site"}
FORM_WORDS = ["regions", "region", "oblasts", "oblast", "areas", "area", "provinces", "province"]
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class RegionDataError(ValueError):
    """The regions file is malformed; the message names the file, the entry and the problem."""


def _fail(path: Path, where: str, problem: str):
    raise RegionDataError(f"{path}: {where}: {problem}")


def _str_list(path, where, value, key) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(path, where, f"'{key}' must be a list of non-empty strings")
    return list(value)


@lru_cache(maxsize=8)
def _load(path_str: str, mtime: float) -> dict:
    path = Path(path_str)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RegionDataError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("regions"), list):
        _fail(path, "top level", "expected a mapping with a 'regions' list")
    rows, seen = [], set()
    for i, entry in enumerate(raw["regions"]):
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
        unknown = set(entry) - {"id", "name", "kind", "iso", "parent", "members", "names",
                                "names_always", "forms", "context_only"}
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
        always = _str_list(path, where, entry.get("names_always"), "names_always")
        if entry["kind"] != "country" and entry["name"] not in names and not entry.get(
            "context_only"
        ) and "(" not in entry["name"]:
            names.append(entry["name"])
        rows.append({
            "id": rid, "name": entry["name"], "kind": entry["kind"], "iso_code": iso,
            "parent": entry.get("parent"),
            "members": tuple(_str_list(path, where, entry.get("members"), "members")),
            "names": tuple(names), "names_always": tuple(always),
            "forms": bool(entry.get("forms", False)),
            "context_only": bool(entry.get("context_only", False)),
        })
    ids = {r["id"] for r in rows}
    for r in rows:
        where = f"region {r['id']!r}"
        if r["parent"] is not None and r["parent"] not in ids:
            _fail(path, where, f"parent {r['parent']!r} is not a region id")
        for m in r["members"]:
            if m not in ids:
                _fail(path, where, f"member {m!r} is not a region id")
    # The parent chain must end (no cycles).
    parents = {r["id"]: r["parent"] for r in rows}
    for rid in ids:
        chain, cur = [rid], parents[rid]
        while cur is not None:
            if cur in chain:
                _fail(path, f"region {rid!r}", f"parent cycle {' -> '.join(chain + [cur])}")
            chain.append(cur)
            cur = parents[cur]
    generic = []
    for i, entry in enumerate(raw.get("generic") or []):
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
        if entry["id"] in ids or entry["id"] in {g["id"] for g in generic}:
            _fail(path, where, "duplicate id")
        generic.append({
            "id": entry["id"], "name": entry.get("name") or entry["id"], "phrases": tuple(phrases),
            "patterns": tuple(patterns), "claim_type": entry.get("claim_type"),
            "claimant": entry.get("claimant"), "members": tuple(members),
        })
    preps = _str_list(path, "territorial_prepositions", raw.get("territorial_prepositions"),
                      "territorial_prepositions")
    ignore = _str_list(path, "ignore", raw.get("ignore"), "ignore")
    return {"regions": rows, "generic": generic, "prepositions": preps, "ignore": ignore}


def _raw(path=None) -> dict:
    path = Path(path) if path is not None else data_file("regions.yml")
    if not path.exists():
        raise FileNotFoundError(f"newslens regions file not found: {path}")
    return _load(str(path), path.stat().st_mtime)


def load_regions(path=None) -> pd.DataFrame:
    """The regions gazetteer: id, name, kind, iso_code, parent, members, names, forms, context_only."""
    rows = _raw(path)["regions"]
    return pd.DataFrame(rows, columns=REGION_COLUMNS).sort_values("id").reset_index(drop=True)


def load_generic(path=None) -> pd.DataFrame:
    """Generic territorial references: id, name, phrases, patterns, claim_type, claimant, members."""
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


def ancestors(region_id: str, path=None) -> list[str]:
    """The parent chain of a region, nearest first (Pokrovsk -> donetsk, donbas, ukraine)."""
    info = region_info(path)
    out, cur = [], info.get(region_id, {}).get("parent")
    while cur is not None:
        out.append(cur)
        cur = info[cur]["parent"]
    return out


def _char(ch: str) -> str:
    if ch in "'’":
        return "['’]"
    if ch == " ":
        return r"\s"
    if ch in "-‐–":
        return "[-‐–]"
    return re.escape(ch)


def trie_regex(words) -> str:
    """A regex matching any of `words`, longest first, built as a character trie (fast to scan)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        alts = [_char(ch) + emit(child) for ch, child in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(trie)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‐", "-").replace("–", "-"))


@dataclass
class Matcher:
    pattern: re.Pattern
    names: dict  # surface -> (region_id, match) ; region_id None for ignored phrases
    forms: set  # region ids that take "region/oblast/..." forms
    generic: dict  # casefolded phrase -> generic id
    pattern_ids: dict  # group name -> generic id
    context: re.Pattern  # territorial preposition right before a context-only name


@lru_cache(maxsize=8)
def _matcher(path_str: str | None, mtime: float) -> Matcher:
    raw = _raw(path_str)
    names: dict[str, tuple[str | None, str]] = {}
    for phrase in raw["ignore"]:
        names[_key(phrase)] = (None, "ignore")
    forms = set()
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
    form_re = "|".join(FORM_WORDS)
    alts = [
        rf"(?P<name>{trie_regex(names)})(?:\s(?P<form>(?i:{form_re})))?",
        rf"(?P<generic>(?i:{trie_regex(sorted({p.casefold() for p in generic}))}))",
        *parts,
    ]
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w])")
    preps = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in raw["prepositions"])
    context = re.compile(rf"\b(?i:{preps})\s+(?:the\s+)?(?:capital\s+)?$")
    return Matcher(pattern, names, forms, generic, pattern_ids, context)


def matcher(path=None) -> Matcher:
    path = Path(path) if path is not None else data_file("regions.yml")
    return _matcher(str(path), path.stat().st_mtime)


def find_regions(text: str, path=None) -> list[dict]:
    """Region mentions in one text: dicts with start, end, text, region_id, match."""
    m = matcher(path)
    out = []
    for hit in m.pattern.finditer(text):
        found = _resolve(m, hit, text)
        if found is not None:
            out.append(found)
    return out


def _resolve(m: Matcher, hit: re.Match, text: str, lo: int = 0) -> dict | None:
    start, end = hit.span()
    if hit.group("name") is not None:
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
    elif hit.group("generic") is not None:
        region_id, how = m.generic[_key(hit.group("generic")).casefold()], "generic"
    else:
        group = next(g for g, v in hit.groupdict().items() if v is not None)
        region_id, how = m.pattern_ids[group], "generic"
    return {"start": start, "end": end, "text": text[start:end], "region_id": region_id,
            "match": how}


def region_mentions(sentences: pd.DataFrame, path=None) -> pd.DataFrame:
    """Region mentions in sentences (contract columns), one pattern pass over all texts.

    Offsets are in the sentence's field coordinates, like actor mentions:
    the span inside the sentence text is [start - sentence.start, end - sentence.start).
    """
    if sentences is None or len(sentences) == 0:
        return schema.empty("region_mentions")
    m = matcher(path)
    texts = sentences["text"].astype(str).tolist()
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    joined = "\n".join(texts)
    rows = []
    hits = list(m.pattern.finditer(joined))
    if not hits:
        return schema.empty("region_mentions")
    idx = np.searchsorted(offsets, [h.start() for h in hits], side="right") - 1
    info = region_info(path)
    art = sentences["article_id"].to_numpy()
    sno = sentences["sentence"].to_numpy()
    sstart = sentences["start"].to_numpy()
    field = sentences["field"].to_numpy() if "field" in sentences else np.full(len(texts), "text")
    for hit, i in zip(hits, idx):
        base = offsets[i]
        if hit.end() > base + len(texts[i]):
            continue  # crosses into the next sentence
        found = _resolve(m, hit, joined, lo=base)
        if found is None:
            continue
        reg = info[found["region_id"]]
        rows.append({
            "article_id": art[i], "sentence": int(sno[i]),
            "start": int(sstart[i] + found["start"] - base),
            "end": int(sstart[i] + found["end"] - base),
            "text": found["text"], "region_id": found["region_id"], "region": reg["name"],
            "kind": reg["kind"], "iso_code": reg["iso_code"], "parent": reg["parent"],
            "match": found["match"], "field": field[i],
        })
    out = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return out.sort_values(["article_id", "sentence", "start"], kind="stable").reset_index(drop=True)
