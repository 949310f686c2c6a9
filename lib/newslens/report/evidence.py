"""Evidence tables: each row is a sentence from an article, highlighted, with the article's
linked title, outlet and date (columns `article`, `source`, `date`), so every number in a report
can be traced to the text behind it. HTML columns: `article` and `evidence`.
"""

from __future__ import annotations

import re
from itertools import pairwise

import pandas as pd

from newslens.report.display import highlight, highlight_spans, natural_sort
from newslens.report.views import named, speaker_labels, with_article

HTML_COLUMNS = ["article", "evidence"]
SPAN_COLUMNS = ["speaker_start", "speaker_end", "cue_start", "cue_end", "content_start",
                "content_end"]


def _sentence_frame(sentences: pd.DataFrame) -> pd.DataFrame:
    return sentences[["article_id", "sentence", "start", "text"]].rename(
        columns={"start": "sentence_start", "text": "sentence_text"})


def mentions_in_context(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Mentions with their sentence as escaped HTML, the mention marked (column `evidence`)."""
    context = mentions.merge(_sentence_frame(sentences), on=["article_id", "sentence"])
    context["evidence"] = [
        highlight(text, start - s0, end - s0)
        for text, start, end, s0 in zip(context["sentence_text"], context["start"],
                                        context["end"], context["sentence_start"])
    ]
    return context.drop(columns=["sentence_text", "sentence_start"])


def mention_evidence(mentions: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame,
                     per_actor: int = 3, actors: list[str] | None = None) -> pd.DataFrame:
    """Up to `per_actor` example mentions per actor, each from a different article (first
    mention in each, articles in natural id order), most mentioned actors first."""
    cols = ["article", "source", "date", "actor", "mention_type", "evidence"]
    m = mentions if actors is None else mentions[mentions["actor_id"].isin(actors)]
    if m.empty:
        return pd.DataFrame(columns=cols)
    m = natural_sort(m, ["article_id", "sentence", "start"])
    m = m.drop_duplicates(["actor_id", "article_id"])
    m = m.groupby("actor_id", sort=False).head(per_actor)
    totals = mentions.groupby("actor_id").size()
    m = m.assign(_total=m["actor_id"].map(totals), _order=range(len(m)))
    m = m.sort_values(["_total", "actor_id", "_order"], ascending=[False, True, True])
    return with_article(mentions_in_context(m, sentences), articles)[cols].reset_index(drop=True)


def _statement_spans(st) -> list[tuple[int, int, str]]:
    s0 = st.sentence_start
    spans = [(st.speaker_start - s0, st.speaker_end - s0, "speaker"),
             (st.cue_start - s0, st.cue_end - s0, "cue")]
    c0, c1 = st.content_start - s0, st.content_end - s0
    cuts = sorted(p for s, e, _ in spans for p in (s, e) if c0 < p < c1)
    for s, e in pairwise([c0, *cuts, c1]):
        if not any(a <= s and e <= b for a, b, _ in spans):
            spans.append((s, e, "content"))
    return [(int(a), int(b), kind) for a, b, kind in spans if pd.notna(a) and pd.notna(b)]


def statement_html(statements: pd.DataFrame, sentences: pd.DataFrame) -> pd.Series:
    """Each statement's sentence, escaped, with speaker, cue and content (underlined) marked."""
    if statements.empty:
        return pd.Series([], dtype=object, index=statements.index)
    keyed = statements[["article_id", "sentence"]].reset_index().merge(
        _sentence_frame(sentences), on=["article_id", "sentence"], how="left").set_index("index")
    st = statements.join(keyed[["sentence_start", "sentence_text"]])
    st[SPAN_COLUMNS] = st[SPAN_COLUMNS].astype("float64")
    return pd.Series([highlight_spans(r.sentence_text, _statement_spans(r))
                      for r in st.itertuples()], index=statements.index, dtype=object)


def evidence_html(statement: pd.Series | dict, sentences: pd.DataFrame) -> str:
    """One statement's sentence with speaker, cue and content marked (see `statement_html`)."""
    frame = pd.DataFrame([dict(statement)])
    return statement_html(frame, sentences).iloc[0]


def statement_evidence(statements: pd.DataFrame, sentences: pd.DataFrame,
                       articles: pd.DataFrame) -> pd.DataFrame:
    """One row per attributed statement: article, who spoke, cue, mode and the sentence."""
    cols = ["article", "source", "date", "speaker", "form", "cue", "cue_class", "mode",
            "evidence"]
    if statements.empty:
        return pd.DataFrame(columns=cols)
    st = natural_sort(statements, ["article_id", "statement"])
    st = st.assign(evidence=statement_html(st, sentences).to_numpy(),
                   speaker=speaker_labels(st).to_numpy())
    if "speaker_kind" in st.columns:
        cols.insert(4, "speaker_kind")
    return with_article(st, articles)[cols]


def stance_cell_evidence(matrix: pd.DataFrame, statements: pd.DataFrame,
                         stances: pd.DataFrame, sentences: pd.DataFrame,
                         articles: pd.DataFrame) -> pd.DataFrame:
    """For each speaker × issue cell, its evidence statement: the article, the rule that
    decided it, the rule's confidence, the target (when the stance table has one), the basis
    (`statement`, or `narration`: the article itself ascribes the position, when the matrix
    has the column) and the highlighted sentence (for narration, what is held underlined)."""
    cols = ["speaker", "issue", "stance", "n_statements", "article", "source", "date", "rule",
            "confidence", "evidence"]
    if matrix.empty:
        return pd.DataFrame(columns=cols)
    if "split" in matrix.columns:
        cols[3] = "split"
    if "evidence_basis" in matrix.columns:
        cols.insert(cols.index("rule"), "basis")
    cells = matrix.rename(columns={"evidence": "evidence_content"}).assign(
        article_id=matrix["evidence_article"], statement=matrix["evidence_statement"],
        issue_id=matrix["issue"])
    located = pd.concat([statements[["article_id", "statement", "sentence", *SPAN_COLUMNS]],
                         _narration_located(stances, sentences)], ignore_index=True)
    cells = cells.merge(located, on=["article_id", "statement"], how="left")
    if "evidence_basis" in cells.columns:
        cells["basis"] = cells["evidence_basis"]
    extra = [c for c in ("target",) if c in stances.columns]
    decided = stances[["article_id", "statement", "issue", "confidence", *extra]].rename(
        columns={"issue": "issue_id", "confidence": "rule_confidence"})
    cells = cells.merge(decided, on=["article_id", "statement", "issue_id"], how="left")
    cells["evidence"] = statement_html(cells, sentences)
    cells["issue"] = cells["issue_label"]
    cells["rule"] = cells["evidence_rule"]
    cells["confidence"] = cells["rule_confidence"]
    cols[8:8] = extra
    cells = named(cells, ["speaker", *extra])
    return with_article(cells, articles)[cols].reset_index(drop=True)


def narration_evidence(stances: pd.DataFrame, sentences: pd.DataFrame,
                       articles: pd.DataFrame) -> pd.DataFrame:
    """One row per position the narration ascribes to an actor (stances with basis
    `narration`, one per position and issue): article, holder, issue, stance, rule and the
    sentence with what is held underlined."""
    cols = ["article", "source", "date", "speaker", "issue", "stance", "cue", "rule",
            "evidence"]
    if "basis" not in stances.columns or not (stances["basis"] == "narration").any():
        return pd.DataFrame(columns=cols)
    rows = stances[stances["basis"] == "narration"]
    rows = rows.merge(_narration_located(stances, sentences), on=["article_id", "statement",
                                                                    "sentence"], how="left")
    rows = natural_sort(rows, ["article_id", "sentence", "statement", "issue"])
    rows = rows.assign(evidence=statement_html(rows, sentences).to_numpy(),
                       issue=rows["issue_label"].to_numpy())
    return with_article(named(rows, ["speaker"]), articles)[cols].reset_index(drop=True)


def _narration_located(stances: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Sentence and content span of each narration row (`statement` < 0): what is held, found
    in its sentence (no speaker or cue span: the article itself speaks)."""
    cols = ["article_id", "statement", "sentence", *SPAN_COLUMNS]
    if "basis" not in stances.columns or not (stances["basis"] == "narration").any():
        return pd.DataFrame(columns=cols)
    narr = stances.loc[stances["basis"] == "narration", ["article_id", "statement", "sentence",
                                                        "content"]]
    narr = narr.drop_duplicates(["article_id", "statement"]).merge(
        _sentence_frame(sentences), on=["article_id", "sentence"], how="left")
    from newslens.analysis.stance.roles import normalise

    starts, ends = [], []
    for text, content, s0 in zip(narr["sentence_text"], narr["content"],
                                 narr["sentence_start"]):
        m = re.search(r"\s+".join(map(re.escape, str(content).split())),
                      normalise(text)) if isinstance(text, str) and content else None
        starts.append(s0 + m.start() if m else float("nan"))
        ends.append(s0 + m.end() if m else float("nan"))
    return narr.assign(speaker_start=float("nan"), speaker_end=float("nan"),
                       cue_start=float("nan"), cue_end=float("nan"), content_start=starts,
                       content_end=ends)[cols]


def sentiment_evidence(mention_sentiment: pd.DataFrame, sentences: pd.DataFrame,
                       articles: pd.DataFrame, n: int = 2, voice: str = "about",
                       actors: list[str] | None = None) -> pd.DataFrame:
    """The `n` most negative and most positive mentions per actor (one voice), with the
    drivers of the score and the sentence, the mention marked."""
    from newslens.analysis import sentiment

    cols = ["actor", "direction", "polarity", "article", "source", "date", "drivers",
            "evidence"]
    ev = sentiment.evidence(mention_sentiment, sentences, n=n, voice=voice, actors=actors)
    if ev.empty:
        return pd.DataFrame(columns=cols)
    ev["evidence"] = [highlight(t, a, b) for t, a, b in
                      zip(ev["text"], ev["at_start"], ev["at_end"])]
    ev["polarity"] = ev["target_polarity"]
    return with_article(ev, articles)[cols]


def claim_evidence(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: article, region, claim type, claimant, counterpart, who stated it,
    context and the sentence with the region marked."""
    cols = ["article", "source", "date", "region", "via", "claim_type", "claimant",
            "counterpart", "stated_by", "context", "evidence"]
    if claims.empty:
        return pd.DataFrame(columns=cols)
    c = natural_sort(claims, ["article_id", "sentence", "start", "region_id", "claim_type"])
    c = c.assign(evidence=[highlight(t, a, b, "region") for t, a, b in
                           zip(c["evidence"], c["evidence_start"], c["evidence_end"])])
    c = named(c, ["claimant", "counterpart", "stated_by"])
    return with_article(c, articles)[cols]
