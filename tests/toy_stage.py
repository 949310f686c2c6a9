"""A toy per-article stage for the registry tests: words per sentence.

It shows what adding a stage takes: this module (one function over the tables it reads) and
one `Stage` entry in a registry.
"""

from __future__ import annotations

import pandas as pd


def sentence_lengths(sentences: pd.DataFrame) -> pd.DataFrame:
    """article_id, sentence, words: whitespace-separated words of each sentence."""
    return pd.DataFrame({
        "article_id": sentences["article_id"].to_numpy(),
        "sentence": sentences["sentence"].to_numpy(),
        "words": sentences["text"].str.split().str.len().to_numpy(dtype="int64"),
    })


def longest_sentences(sentence_lengths: pd.DataFrame) -> pd.DataFrame:
    """A toy corpus-level stage: the longest sentence of the corpus, per article."""
    return (sentence_lengths.groupby("article_id", sort=True)["words"].max()
            .rename("longest").reset_index())
