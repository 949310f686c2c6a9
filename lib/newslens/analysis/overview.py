"""Corpus overview tables: per-article counts and actor mention counts."""

from __future__ import annotations

import pandas as pd

MENTION_TYPES = ["name", "alias", "demonym", "pronoun"]


def article_stats(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Per article: title, source, date, words, body paragraphs and sentences (no headline)."""
    body = sentences[sentences["field"] == "text"]
    counts = body.groupby("article_id").agg(
        paragraphs=("paragraph", "nunique"), sentences=("sentence", "count")
    )
    stats = articles[["article_id", "title", "source", "published", "n_words"]].merge(
        counts, left_on="article_id", right_index=True, how="left"
    )
    stats[["paragraphs", "sentences"]] = stats[["paragraphs", "sentences"]].fillna(0).astype(int)
    return stats.sort_values("article_id").reset_index(drop=True)


def mention_counts(mentions: pd.DataFrame) -> pd.DataFrame:
    """Actor × mention type counts with totals and article counts, most mentioned first."""
    columns = ["actor_id", "actor", "kind", *MENTION_TYPES, "total", "articles"]
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    table = mentions.pivot_table(
        index=["actor_id", "actor", "kind"], columns="mention_type", values="start",
        aggfunc="count", fill_value=0,
    )
    table = table.reindex(columns=MENTION_TYPES, fill_value=0)
    table["total"] = table.sum(axis=1)
    table["articles"] = mentions.groupby(["actor_id", "actor", "kind"])["article_id"].nunique()
    table = table.reset_index()
    table.columns.name = None
    return table.sort_values(["total", "actor_id"], ascending=[False, True]).reset_index(drop=True)[
        columns
    ]


def mentions_in_context(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Mentions with their sentence as escaped HTML, the mention marked (column `evidence`)."""
    from newslens.report.display import highlight

    context = mentions.merge(
        sentences[["article_id", "sentence", "start", "text"]],
        on=["article_id", "sentence"], suffixes=("", "_sentence"),
    )
    context["evidence"] = [
        highlight(text, start - sentence_start, end - sentence_start)
        for text, start, end, sentence_start in zip(
            context["text_sentence"], context["start"], context["end"], context["start_sentence"]
        )
    ]
    return context.drop(columns=["text_sentence", "start_sentence"])
