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


class _Statements:
    """Statements by (article_id, field) and sentence, read from column lists: a `_Statement`
    is made when a lookup first reads it (most statements of a chunk are never read)."""

    def __init__(self, columns: dict | None = None, index: dict | None = None) -> None:
        self._cols = columns or {}
        self._index = index or {}  # (article_id, field) -> {sentence or None: [row]}
        self._made: dict = {}

    def of(self, article_id, field, sentence) -> list:
        """The statements filed under one sentence (None: those of unknown sentences)."""
        rows = self._index.get((article_id, field))
        rows = rows.get(sentence) if rows else None
        return [self._record(i) for i in rows] if rows else []

    def _record(self, i: int) -> _Statement:
        st = self._made.get(i)
        if st is None:
            c = self._cols
            text = c["speaker_text"][i]
            st = self._made[i] = _Statement(
                (c["content_start"][i], c["content_end"][i]), (c["first"][i], c["last"][i]),
                c["speaker"][i], (c["speaker_start"][i], c["speaker_end"][i]),
                text if isinstance(text, str) else "")
        return st


def _statement_lookup(statements: pd.DataFrame | None, looked_up: dict | None = None
                      ) -> _Statements:
    """The statements that name a speaker, in statement order, filed under every sentence they
    span (None when unknown): lookups read one sentence's statements, so the cost is linear,
    not quadratic, in article length. `looked_up` (article -> sentence numbers, default all)
    leaves out the statements that no lookup can reach: those of other articles, and those
    filed under none of the numbers."""
    if statements is None or len(statements) == 0 or "speaker" not in statements.columns:
        return _Statements()
    cols = statements.columns
    first = next((c for c in ("sentence", "sentence_start", "first_sentence") if c in cols), None)
    last = next((c for c in ("sentence_end", "last_sentence", "sentence") if c in cols), None)
    keep = statements["speaker"].notna().to_numpy(dtype=bool)
    if looked_up is not None:
        keep = keep & statements["article_id"].isin(list(looked_up)).to_numpy(dtype=bool)
    rows = statements[keep] if not keep.all() else statements
    n = len(rows)
    c = {name: _nums(rows[name]) if name in cols else [None] * n
         for name in ("content_start", "content_end", "speaker_start", "speaker_end")}
    c["first"] = _nums(rows[first]) if first else [None] * n
    c["last"] = _nums(rows[last]) if last else [None] * n
    c.update({name: rows[name].tolist() if name in cols else [None] * n
              for name in ("article_id", "field", "speaker", "speaker_text")})
    index: dict = {}
    for i, who in enumerate(c["speaker"]):
        if who is None or (isinstance(who, float) and pd.isna(who)) or who == "":
            continue
        s0 = c["first"][i]
        s1 = c["last"][i] = c["last"][i] if c["last"][i] is not None else s0
        if looked_up is not None and s0 is not None and s1 >= s0 and not any(
                k in looked_up[c["article_id"][i]] for k in range(s0, s1 + 1)):
            continue
        by_sentence = index.setdefault((c["article_id"][i], c["field"][i] or "text"), {})
        for sentence in (range(s0, s1 + 1) if s0 is not None and s1 >= s0 else [None]):
            by_sentence.setdefault(sentence, []).append(i)
    return _Statements(c, index)


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


def _statement_at(index: _Statements, article_id, field, sentence, start, end) -> _Statement | None:
    """The statement whose content covers [start, end), else the first one in the sentence."""
    best = None
    for st in index.of(article_id, field, sentence) + index.of(article_id, field, None):
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
    statements: _Statements
    candidates: dict = field(default_factory=dict)  # (article, field, sentence) -> candidates
    outlet_sides: dict = field(default_factory=dict)  # article id -> side of its outlet
    prefixes: dict = field(default_factory=dict)  # "russian" -> russia ("Russian-held")
    # sentence text -> `needles_in` of it, kept for the sentences that may hold a claim
    found_needles: dict = field(default_factory=dict)

    def needles(self, text: str) -> set | None:
        """The pre-filter literals in a sentence (`cues.needles_in`)."""
        if text in self.found_needles:
            return self.found_needles[text]
        return needles_in(self.cues, text)


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




