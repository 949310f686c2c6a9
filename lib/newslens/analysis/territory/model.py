"""Records shared by the claim steps: statements by sentence, region mentions, cue hits,
sentence views, claims, and the gazetteer info extended with found settlements."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from newslens.analysis.territory.cues import (
    Cues,
    needles_in,
)

# --- statements (newslens.analysis.attribution) -------------------------------------------

def _records(df: pd.DataFrame, columns) -> list[dict]:
    """Rows of `df` as dicts over the given columns that exist (column lists, no pandas rows)."""
    cols = [c for c in dict.fromkeys(columns) if c is not None and c in df.columns]
    lists = [df[c].tolist() for c in cols]
    return [dict(zip(cols, values)) for values in zip(*lists)]


@dataclass(slots=True)
class _Statement:
    content: tuple  # (start, end) or (None, None)
    sentences: tuple  # (first, last)
    speaker: str
    speaker_span: tuple  # (start, end) or (None, None)
    speaker_text: str


def _statement_lookup(statements: pd.DataFrame | None, articles: set | None = None) -> dict:
    """(article_id, field) -> {sentence: [_Statement]} of the statements that name a speaker
    (of the given articles, default all), in statement order, filed under every sentence they
    span (None when unknown): lookups read one sentence's statements, so the cost is linear,
    not quadratic, in article length."""
    index: dict = {}
    if statements is None or len(statements) == 0 or "speaker" not in statements.columns:
        return index
    cols = statements.columns
    first = next((c for c in ("sentence", "sentence_start", "first_sentence") if c in cols), None)
    last = next((c for c in ("sentence_end", "last_sentence", "sentence") if c in cols), None)
    keep = statements["speaker"].notna().to_numpy(dtype=bool)
    if articles is not None:
        keep = keep & statements["article_id"].isin(list(articles)).to_numpy(dtype=bool)
    rows = statements[keep] if not keep.all() else statements
    n = len(rows)
    num = {c: _nums(rows[c]) if c in cols else [None] * n
           for c in ("content_start", "content_end", "speaker_start", "speaker_end")}
    num[first], num[last] = (_nums(rows[first]) if first else [None] * n,
                             _nums(rows[last]) if last else [None] * n)
    other = {c: rows[c].tolist() if c in cols else [None] * n
             for c in ("article_id", "field", "speaker", "speaker_text")}
    for i, who in enumerate(other["speaker"]):
        if who is None or (isinstance(who, float) and pd.isna(who)) or who == "":
            continue
        s0, s1, text = num[first][i], num[last][i], other["speaker_text"][i]
        s1 = s1 if s1 is not None else s0
        st = _Statement((num["content_start"][i], num["content_end"][i]), (s0, s1), who,
                        (num["speaker_start"][i], num["speaker_end"][i]),
                        text if isinstance(text, str) else "")
        by_sentence = index.setdefault((other["article_id"][i], other["field"][i] or "text"), {})
        for sentence in (range(s0, s1 + 1) if s0 is not None and s1 >= s0 else [None]):
            by_sentence.setdefault(sentence, []).append(st)
    return index


def _nums(values: pd.Series) -> list:
    """`_num` of every value of a column, vectorised (a number, None for missing and text)."""
    floats = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    return [None if math.isnan(v) else int(v) for v in floats.tolist()]


def _num(value):
    """An int, or None for missing values (None, NaN, pd.NA)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):  # pd.NA, text
        return None
    return None if math.isnan(number) else int(number)


def _statement_at(index, article_id, field, sentence, start, end) -> _Statement | None:
    """The statement whose content covers [start, end), else the first one in the sentence."""
    best = None
    by_sentence = index.get((article_id, field), {})
    for st in by_sentence.get(sentence, []) + by_sentence.get(None, []):
        c0, c1 = st.content
        if c0 is not None and c1 is not None and c0 <= start and end <= c1:
            return st
        s0, s1 = st.sentences
        if best is None and s0 is not None and s0 <= sentence <= s1:
            best = st
    return best


# --- records ------------------------------------------------------------------------------------

@dataclass(slots=True)
class RegionRef:
    """A region mention inside a sentence (local offsets)."""

    a: int
    b: int
    id: str
    text: str


@dataclass(slots=True)
class CueHit:
    """One cue match inside a sentence (local offsets)."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class SentenceView:
    """What the claim steps need of one sentence that mentions regions."""

    article_id: str
    sentence: int
    text: str
    s0: int
    field: str
    find_context: Callable  # () -> the context (topic) of the sentence, else its paragraph
    actors: list  # [(start, end, side)] of actor mentions, local offsets
    regions: list  # [RegionRef], by position
    history: Callable  # () -> [(text, s0, sentence, mention records)] of sentences before
    hits: dict | None = None  # rule name -> [CueHit] (`_cue_hits`), when already found
    _context: tuple = ()

    @property
    def context(self) -> str | None:
        """The sentence's context, looked up when a claim first needs it."""
        if not self._context:
            self._context = (self.find_context(),)
        return self._context[0]


@dataclass(slots=True)
class Claim:
    """One region x claim before it becomes a row of the claims table."""

    mention: RegionRef  # the mention in the text (offsets, claim id)
    region_id: str  # the region the row is about (a member for via="hierarchy")
    via: str  # mention, includes or hierarchy
    part_of: str | None
    rule: str
    claim_type: str
    cue: CueHit | None
    claimant: str | None
    counterpart: str | None
    stated_by: str | None
    control_change: bool


@dataclass
class _Inputs:
    """Per-call lookups shared by every sentence."""

    cues: Cues
    info: dict
    generic: dict
    kinds: dict
    statements: dict
    candidates: dict = field(default_factory=dict)  # (article, field, sentence) -> candidates
    outlet_sides: dict = field(default_factory=dict)  # article id -> side of its outlet
    prefixes: dict = field(default_factory=dict)  # "russian" -> russia ("Russian-held")
    found_needles: dict = field(default_factory=dict)  # sentence text -> `needles_in` of it

    def needles(self, text: str) -> set | None:
        """The pre-filter literals in a sentence (`cues.needles_in`), once per text."""
        if text not in self.found_needles:
            self.found_needles[text] = needles_in(self.cues, text)
        return self.found_needles[text]


def _side(actor_id, kinds):
    """The side an actor stands for in a claim: a person, body or group its state or bloc
    (affiliation); a state itself; an outlet none (it reports, it does not claim)."""
    kind, affiliation = kinds.get(actor_id, (None, None))
    if kind == "outlet":
        return None
    if kind in _AFFILIATED and isinstance(affiliation, str) and affiliation:
        return affiliation
    return actor_id


_AFFILIATED = ("person", "organization", "organisation", "group")


def _local_actors(recs, s0: int, kinds) -> list:
    return sorted((int(a["start"]) - s0, int(a["end"]) - s0, _side(a["actor_id"], kinds))
                  for a in recs)


def _context(cues: Cues, text: str, paragraph_text: str, cache: dict | None = None):
    """The first context found in the sentence, else in its paragraph (cached per paragraph)."""
    for name, pattern in cues.contexts:
        if pattern.search(text):
            return name
    if cache is not None and paragraph_text in cache:
        return cache[paragraph_text]
    found = next((name for name, pattern in cues.contexts if pattern.search(paragraph_text)), None)
    if cache is not None:
        cache[paragraph_text] = found
    return found


def _overlaps(a, b, spans):
    return any(a < e and s < b for s, e in spans)



def _with_places(info: dict, records) -> dict:
    """The gazetteer info plus the settlements found in the text (kind "settlement"), from the
    rows of a region table (region_id, region, kind, parent)."""
    extra = {}
    for rec in records:
        rid = rec["region_id"]
        if rid not in info and rid not in extra:
            parent = rec.get("parent")
            extra[rid] = {"name": rec.get("region") or rid, "kind": rec.get("kind") or "settlement",
                          "iso_code": None, "members": (),
                          "parent": parent if isinstance(parent, str) and parent else None}
    return {**info, **extra} if extra else info


def _descendant_set(info, region_id) -> set:
    """Members of a macro/generic region and everything below them."""
    members = set(info.get(region_id, {}).get("members") or ())
    if not members:
        return set()
    out = set(members)
    for rid, rec in info.items():
        cur = rec["parent"]
        while cur is not None:
            if cur in members:
                out.add(rid)
                break
            cur = info[cur]["parent"] if cur in info else None
    return out




