"""The per-chunk inputs of the claim steps, read once from the tables as column lists: one
SentenceView per sentence that can hold a claim (a region mention and a cue), the sentences
before it, actor mentions and their kinds, article dates and sources.

Only the sentences that pass the caller's gate (`territorial_claims`: a cue or a region that
claims by itself) and the sentences before them (`_HISTORY`) become records; the rest of a chunk
is read as plain column lists, never as a dict per row.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from newslens.analysis.territory.cues import Cues
from newslens.analysis.territory.model import (
    RegionRef,
    SentenceView,
    _context,
    _local_actors,
)
from newslens.text.actors import linked_only

_HISTORY = 5


def _columns(df: pd.DataFrame | None, names) -> tuple[int, dict]:
    """(rows, name -> list of values) of `df`; a missing column reads as None in every row."""
    n = 0 if df is None else len(df)
    return n, {c: (df[c].tolist() if n and c in df.columns else [None] * n) for c in names}


def _actor_index(mentions, wanted: set) -> tuple[dict, dict]:
    """(actor id -> (kind, affiliation) of its first mention, (article, sentence) -> mention
    records of the wanted sentences)."""
    kinds, by_sentence = {}, {}
    mentions = linked_only(mentions)  # an unlinked name is no claimant side
    n, cols = _columns(mentions, ["article_id", "sentence", "start", "end", "actor_id", "kind",
                                  "affiliation"])
    if not n:
        return kinds, by_sentence
    for actor_id, kind, affiliation in zip(cols["actor_id"], cols["kind"], cols["affiliation"]):
        if actor_id not in kinds:
            kinds[actor_id] = (kind, affiliation)
    for i, key in enumerate(zip(cols["article_id"], cols["sentence"])):
        if key in wanted:
            by_sentence.setdefault(key, []).append({c: values[i] for c, values in cols.items()})
    return kinds, by_sentence


def _article_meta(articles) -> dict:
    """article id -> (published, source)."""
    _, cols = _columns(articles, ["article_id", "published", "source"])
    return dict(zip(cols["article_id"], zip(cols["published"], cols["source"])))


def _previous(sent: dict, acts: dict, article_id, sno: int, field: str) -> list:
    """[(text, start, sentence, mention records)] of up to _HISTORY sentences before, nearest
    first, in the same field."""
    out = []
    for k in range(1, _HISTORY + 1):
        prev = sent.get((article_id, sno - k))
        if prev is not None and (prev["field"] or "text") == field:
            out.append((prev["text"], int(prev["start"]), sno - k,
                        acts.get((article_id, sno - k), [])))
    return out


def _paragraphs(cols: dict, wanted: set) -> dict:
    """(article, field, paragraph) -> the paragraph's text, for the wanted paragraphs. Joined
    once per paragraph (not per sentence: quadratic in a long paragraph); the same string
    object then hits `_context`'s cache without rehashing."""
    parts: dict = {key: [] for key in wanted}
    for key, text in zip(zip(cols["article_id"], (f or "text" for f in cols["field"]),
                             cols["paragraph"]), cols["text"]):
        if key in parts:
            parts[key].append(text)
    return {key: " ".join(texts) for key, texts in parts.items()}


def _views(cues: Cues, sentences, reg_records, mentions, gate) -> tuple[dict, list]:
    """(actor kinds, one SentenceView per sentence that mentions a region and passes `gate`, in
    order). `gate(text, region records)` gives the sentence's cue hits, or None when it can
    hold no claim."""
    by_sentence: dict = {}
    for r in reg_records:
        by_sentence.setdefault((r["article_id"], r["sentence"]), []).append(r)
    _, cols = _columns(sentences, ["article_id", "sentence", "start", "text", "field",
                                   "paragraph"])
    row_of = {key: i for i, key in enumerate(zip(cols["article_id"], cols["sentence"]))}
    active = {}
    for key in sorted(by_sentence):
        hits = gate(cols["text"][row_of[key]], by_sentence[key])
        if hits is not None:
            active[key] = hits
    wanted = {(a, s - k) for a, s in active for k in range(_HISTORY + 1)}
    kinds, acts = _actor_index(mentions, wanted)
    sent = {key: {c: values[row_of[key]] for c, values in cols.items()}
            for key in wanted if key in row_of}
    para_text = _paragraphs(cols, {(a, sent[(a, s)]["field"] or "text",
                                    sent[(a, s)]["paragraph"]) for a, s in active})
    context_cache: dict = {}
    views = []
    for (article_id, sno), hits in active.items():
        srow = sent[(article_id, sno)]
        text, s0 = srow["text"], int(srow["start"])
        field = srow["field"] or "text"
        ptext = para_text.get((article_id, field, srow["paragraph"]), "")
        history = partial(_previous, sent, acts, article_id, sno, field)
        regions = [RegionRef(int(r["start"]) - s0, int(r["end"]) - s0, r["region_id"], r["text"])
                   for r in sorted(by_sentence[(article_id, sno)], key=lambda r: r["start"])]
        views.append(SentenceView(article_id, sno, text, s0, field,
                                  partial(_context, cues, text, ptext, context_cache),
                                  _local_actors(acts.get((article_id, sno), []), s0, kinds),
                                  regions, history, hits))
    return kinds, views
