"""The statements table: sentences and mentions in, one row per attributed statement out."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd

from newslens import schema
from newslens.analysis.attribution import spans
from newslens.analysis.attribution.cues import Cue, compiled
from newslens.analysis.attribution.forms import detect
from newslens.analysis.attribution.records import CueHit, Mention, Sentence, Statement

STATEMENT_COLUMNS = schema.table("statements").names
_POSSESSIVE_PRONOUNS = {"his", "her", "its", "their", "hers", "theirs"}


def sentence_statements(s: Sentence, cues: dict[str, Cue], regex: re.Pattern) -> list[Statement]:
    """The statements of one sentence, offsets relative to it."""
    for match in regex.finditer(s.text):
        if spans.inside(s.quotes, match.start()):
            continue
        cue = cues.get(" ".join(match.group(0).lower().split()))
        if cue is None:
            continue
        st = detect(s, CueHit(match.start(), match.end(), match.group(0), cue))
        if st is not None:
            s.found.append(st)
    return finish(s.text, s.found)


def finish(text: str, found: list[Statement]) -> list[Statement]:
    """Cut each indirect content before the next statement's clause; drop empty contents."""
    out = []
    for i, st in enumerate(found):
        c0, c1 = st.content_start, st.content_end
        for nxt in found[i + 1:]:
            if c0 < nxt.clause < c1 and not st.direct:
                c1 = nxt.clause
                break
        if st.direct:
            while c1 > c0 and text[c1 - 1] in " ,.":
                c1 -= 1
        else:
            c0, c1 = spans.strip(text, c0, c1)
        if c1 <= c0:
            continue
        st.content_start, st.content_end, st.content = c0, c1, text[c0:c1]
        st.is_quote = st.direct or bool(spans.QUOTE_SPAN.search(st.content) and any(
            ch in st.content for ch in "“\"«"))
        st.negated = bool(spans.NEGATION.search(text, max(0, st.hit.start - 12), st.hit.start))
        out.append(st)
    return out


def _mentions_by_sentence(mentions: pd.DataFrame | None, articles: set) -> dict[tuple, list]:
    """(article_id, sentence) -> [(start, end, actor, kind, mention_type, text)] (field offsets)."""
    by_sentence: dict[tuple, list] = {}
    if mentions is None or not len(mentions):
        return by_sentence
    ms = mentions[mentions["article_id"].isin(articles)]
    kinds = ms["kind"] if "kind" in ms else pd.Series("", index=ms.index)
    # Column lists, not pandas scalars: the same values, much cheaper to iterate.
    for aid, sn, start, end, actor, no_actor, kind, mtype, mtext in zip(
        ms["article_id"].tolist(), ms["sentence"].tolist(), ms["start"].tolist(),
        ms["end"].tolist(), ms["actor_id"].tolist(), ms["actor_id"].isna().tolist(),
        kinds.tolist(), ms["mention_type"].tolist(), ms["text"].tolist(),
    ):
        by_sentence.setdefault((aid, sn), []).append(
            (int(start), int(end), None if no_actor else actor, str(kind), str(mtype),
             str(mtext)))
    return by_sentence


def _sentence_mentions(raw: list, text: str, s0: int) -> list[Mention]:
    """Mentions of one sentence, relative to it, with their possessive flag."""
    out = []
    for start, end, actor, kind, mtype, mtext in sorted(raw):
        after = text[end - s0:end - s0 + 2]
        possessive = after in ("'s", "’s") or (
            mtype == "pronoun" and mtext.lower() in _POSSESSIVE_PRONOUNS)
        out.append(Mention(start - s0, end - s0, actor, kind, mtype, mtext, possessive))
    return out


def _row(aid, sn, field, s0, n: int, st: Statement, numbers: dict) -> dict:
    sp, ante, hit = st.speaker, st.antecedent, st.hit
    return {
        "article_id": aid, "sentence": sn, "statement": n, "field": field,
        "form": st.form, "speaker": sp.actor, "speaker_text": sp.text,
        "speaker_start": sp.start + s0, "speaker_end": sp.end + s0,
        "cue": hit.text, "cue_lemma": hit.cue.lemma, "cue_class": hit.cue.cls,
        "cue_start": hit.start + s0, "cue_end": hit.end + s0,
        "content": st.content, "content_start": st.content_start + s0,
        "content_end": st.content_end + s0, "is_quote": st.is_quote,
        "mode": st.mode, "negated": st.negated,
        "parent": numbers.get(id(st.parent)),
        "antecedent_sentence": None if ante is None else ante[0],
        "antecedent_start": None if ante is None else ante[1].start + ante[2],
        "antecedent_end": None if ante is None else ante[1].end + ante[2],
    }


def _carry(s: Sentence, ms: list[Mention], sn: int, s0: int) -> None:
    """Discourse state for the next sentence: its groups, the last person and group."""
    usable = [m for m in ms if m.actor is not None and not m.possessive]
    if not usable:
        s.prev_groups = []
        return
    s.prev_groups = [(sn, m, s0) for m in usable]
    people = [m for m in usable if m.is_person]
    others = [m for m in usable if not m.is_person]
    s.prev_person = people[-1] if people else s.prev_person
    s.prev_group = others[-1] if others else s.prev_group


def _article_rows(aid, group, by_sentence, cues, regex, rows: list) -> None:
    """Append the statement rows of one article (its sentences in order)."""
    state = Sentence("", [], [])
    n = 0
    for _aid, aid_na, sn, s0, text, field, hit in group:
        if aid_na:  # groupby drops missing article ids
            continue
        ms = _sentence_mentions(by_sentence.get((aid, sn), []), text, s0)
        if hit:
            s = Sentence(text, ms, spans.quote_spans(text), state.prev_groups,
                         state.prev_person, state.prev_group)
            numbers: dict = {}
            for st in sentence_statements(s, cues, regex):
                numbers[id(st)] = n
                rows.append(_row(aid, sn, field, s0, n, st, numbers))
                n += 1
        _carry(state, ms, sn, s0)


def statements(sentences: pd.DataFrame, mentions: pd.DataFrame,
               lexicon: str | Path | None = None) -> pd.DataFrame:
    """One row per attributed statement (see the package docstring and STATEMENT_COLUMNS).

    Offsets (`speaker_*`, `cue_*`, `content_*`) are in the coordinates of the sentence's field,
    like the sentences and mentions tables. `parent` is the `statement` number of the main
    clause of a participial statement; `antecedent_*` locate the group mention a group holder
    ("Many") refers to. Sentences are assumed in article order (sorted by `sentence`).
    """
    cues, regex = compiled(lexicon)
    if sentences is None or len(sentences) == 0:
        return schema.empty("statements")
    has_cue = sentences["text"].str.contains(regex, regex=True, na=False)
    hit_articles = set(sentences.loc[has_cue, "article_id"])
    if not hit_articles:
        return schema.empty("statements")
    sents = sentences[sentences["article_id"].isin(hit_articles)].sort_values(
        ["article_id", "sentence"], kind="stable")
    by_sentence = _mentions_by_sentence(mentions, hit_articles)
    rows: list[dict] = []
    # Articles in sorted order (as groupby("article_id", sort=True)), sentences in order.
    columns = zip(sents["article_id"].tolist(), sents["article_id"].isna().tolist(),
                  sents["sentence"].tolist(), sents["start"].tolist(), sents["text"].tolist(),
                  sents["field"].tolist(), has_cue.loc[sents.index].tolist())
    for aid, group in itertools.groupby(columns, key=lambda row: row[0]):
        _article_rows(aid, group, by_sentence, cues, regex, rows)
    if not rows:
        return schema.empty("statements")
    out = schema.conform("statements", pd.DataFrame(rows, columns=STATEMENT_COLUMNS))
    return out.sort_values(["article_id", "statement"], kind="stable").reset_index(drop=True)


def mention_roles(mentions: pd.DataFrame, statements: pd.DataFrame) -> pd.Series:
    """"speaker" for mentions that are the speaker (or the group antecedent) of a statement,
    else "target"; aligned with `mentions.index`."""
    roles = pd.Series("target", index=mentions.index, name="role", dtype="object")
    if len(mentions) == 0 or statements is None or len(statements) == 0:
        return roles
    keys = set(zip(statements["article_id"], statements["field"], statements["speaker_start"],
                   statements["speaker_end"], statements["speaker"]))
    ante = statements.dropna(subset=["antecedent_start"])
    keys |= set(zip(ante["article_id"], ante["field"], ante["antecedent_start"].astype(int),
                    ante["antecedent_end"].astype(int), ante["speaker"]))
    fields = mentions["field"] if "field" in mentions else pd.Series("text", index=mentions.index)
    hit = [(a, f, int(s), int(e), actor) in keys for a, f, s, e, actor in zip(
        mentions["article_id"], fields, mentions["start"], mentions["end"],
        mentions["actor_id"])]
    roles[pd.Series(hit, index=mentions.index)] = "speaker"
    return roles
