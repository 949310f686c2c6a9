"""Syndicated and near-duplicate stories: copies share a story, the earliest article is the
original, nothing is dropped, and summaries can count each story once (invented articles)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from newslens import schema
from newslens.analysis.stance import by_source, stance_matrix
from newslens.io import syndication as sy

WIRE = (
    "Ukrainian and Russian negotiators met in Geneva on Tuesday for a second day of talks on a "
    "prisoner exchange, officials from both delegations said.\n"
    "The head of the Ukrainian delegation said the sides had agreed on the first list of names "
    "and would meet again next week to settle the remaining questions.\n"
    "“We have made progress, but nothing is agreed until everything is agreed,” he told "
    "reporters outside the hotel where the talks took place.\n"
    "A Kremlin spokesman said Moscow wanted the exchange to happen before the end of the month "
    "and accused Kyiv of delaying the process with new demands.\n"
    "The last exchange between the two countries took place in October, when the sides swapped "
    "about two hundred soldiers and a group of civilians."
)
OTHER = (
    "Heavy fighting continued near the eastern town on Wednesday as Russian units tried to cut "
    "the last supply road, the regional governor said in a televised address.\n"
    "He urged the remaining residents to leave and said the power station had been hit again "
    "overnight, leaving thousands of homes without heating.\n"
    "Military analysts said the defenders had held their positions but warned that the "
    "situation could change quickly if reinforcements did not arrive."
)


def copy_of(text: str) -> str:
    """A republished copy: intro line, a spelling change, a trailing link line."""
    return ("(Wire) " + text.replace("Kremlin spokesman", "Kremlin press secretary")
            + "\nRead also: Energy ministers meet in Brussels")


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": a, "text": t, "published": pd.Timestamp(d) if d else
                          pd.NaT, "source": s, "title": f"Headline {a}"}
                         for a, t, d, s in rows])


def test_shingles_ignore_case_punctuation_and_quote_style():
    a = sy.shingle_hashes("“We have made progress,” he told reporters in Geneva on Tuesday.")
    b = sy.shingle_hashes('"we have made progress" -- he told reporters in GENEVA on Tuesday')
    assert len(a) == 7 and np.array_equal(a, b)
    assert np.array_equal(a, sy.shingle_hashes(
        "“We have made progress,” he told reporters in Geneva on Tuesday."))
    assert len(sy.shingle_hashes("Too short to shingle")) == 0


def test_jaccard_threshold_decides_exactly():
    words = [f"w{i}" for i in range(100)]
    others = [f"x{i}" for i in range(100)]
    base = " ".join(words)
    above = " ".join(words[:68] + others[:32])  # 64 shared of 96 + 96 - 64 = 128: 0.5
    below = " ".join(words[:67] + others[:33])  # 63 / 129 = 0.488
    assert sy.jaccard(sy.shingle_hashes(base), sy.shingle_hashes(above)) >= sy.THRESHOLD
    assert sy.jaccard(sy.shingle_hashes(base), sy.shingle_hashes(below)) < sy.THRESHOLD
    assert sy.near_duplicate_pairs([base, below]) == []


def test_copies_are_found_and_unrelated_articles_are_not():
    texts = [WIRE, OTHER, copy_of(WIRE), OTHER.split("\n")[0], WIRE[:900]]
    pairs = {(i, j) for i, j, _ in sy.near_duplicate_pairs(texts)}
    assert (0, 2) in pairs and (0, 4) in pairs and (2, 4) in pairs
    assert not any(1 in p or 3 in p for p in pairs)  # 3 is below MIN_WORDS words too


def test_stories_pick_the_earliest_dated_original_and_drop_nothing():
    articles = frame([
        ("a-copy", copy_of(WIRE), "2026-01-03", "republisher.example"),
        ("b-orig", WIRE, "2026-01-02", "wire.example"),
        ("c-undated", WIRE + "\nShare this article", None, "blog.example"),
        ("d-other", OTHER, "2026-01-01", "local.example"),
    ])
    out = sy.stories(articles)
    assert list(out.index) == list(articles.index)
    assert out["story_id"].tolist() == ["b-orig", "b-orig", "b-orig", "d-other"]
    assert out["is_copy"].tolist() == [True, False, True, False]
    assert out["copy_of"].tolist() == ["b-orig", "", "b-orig", ""]


def test_undated_ties_go_to_the_first_article():
    articles = frame([("x", copy_of(WIRE), None, "s1"), ("y", WIRE, None, "s2")])
    assert sy.stories(articles)["story_id"].tolist() == ["x", "x"]


def test_detection_finds_injected_copies_among_many_articles():
    rng = random.Random(5)
    vocab = [f"word{i}" for i in range(3000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(150)) for _ in range(400)]
    truth = set()
    for k in range(40):
        src = rng.randrange(360)
        words = texts[src].split()
        cut = rng.randrange(100)
        del words[cut:cut + 10]  # a dropped passage: Jaccard about 0.8
        texts.append(" ".join(["Updated:", *words, "Read", "also", "elsewhere"]))
        truth.add((src, 400 + k))
    found = {(i, j) for i, j, _ in sy.near_duplicate_pairs(texts)}
    copies_of_same = {(a, b) for (s1, a) in truth for (s2, b) in truth if s1 == s2 and a < b}
    assert found == truth | copies_of_same


def test_story_rows_counts_each_story_once():
    articles = frame([("orig", WIRE, "2026-01-02", "wire.example"),
                      ("copy", copy_of(WIRE), "2026-01-03", "republisher.example"),
                      ("other", OTHER, "2026-01-01", "local.example")])
    articles = articles.join(sy.stories(articles))
    table = pd.DataFrame({"article_id": ["orig", "copy", "copy", "other"], "x": [1, 2, 3, 4]})
    assert sy.story_rows(table, articles)["x"].tolist() == [1, 4]
    assert sy.story_rows(table, articles, count="article")["x"].tolist() == [1, 2, 3, 4]
    assert sy.story_rows(table, None)["x"].tolist() == [1, 2, 3, 4]
    # without the original among the articles, the copy stands for its story
    assert sy.story_rows(table, articles.iloc[1:])["x"].tolist() == [2, 3, 4]
    with pytest.raises(ValueError, match="count='stories'"):
        sy.story_rows(table, articles, count="stories")


def test_stance_summaries_count_stories_by_default():
    articles = frame([("orig", WIRE, "2026-01-02", "wire.example"),
                      ("copy", copy_of(WIRE), "2026-01-03", "republisher.example")])
    articles = articles.join(sy.stories(articles))
    defaults = {"str": "", "int64": 0, "float64": 0.0, "bool": False}
    row = {c.name: defaults.get(c.dtype) for c in schema.table("stances").columns}
    row.update({"statement": 0, "sentence": 2, "speaker": "zelensky", "issue": "ceasefire",
                "issue_label": "Ceasefire", "issue_source": "statement", "term": "truce",
                "stance": "supports", "rule": "r", "confidence": 0.9, "weight": 0.9,
                "cue": "said", "cue_class": "neutral", "content": "we want a truce"})
    stances = schema.conform("stances", pd.DataFrame([{**row, "article_id": "orig"},
                                                     {**row, "article_id": "copy"}]))
    assert stance_matrix(stances, articles)["n_articles"].tolist() == [1]
    assert stance_matrix(stances, articles, count="article")["n_articles"].tolist() == [2]
    assert by_source(stances, articles)["source"].tolist() == ["wire.example"]
    assert by_source(stances, articles, count="article")["n_sources"].tolist() == [2, 2]


def test_syndication_table_says_who_republished_whom():
    articles = frame([("orig", WIRE, "2026-01-02", "wire.example"),
                      ("copy", copy_of(WIRE), "2026-01-03", "republisher.example"),
                      ("other", OTHER, "2026-01-01", "local.example")])
    articles = articles.join(sy.stories(articles))
    table = sy.syndication_table(articles)
    assert schema.problems("syndication", table) == []
    assert table["article_id"].tolist() == ["orig", "copy"]
    assert table["republished_from"].tolist() == ["", "wire.example"]
    assert table["n_articles"].tolist() == [2, 2] and table["n_outlets"].tolist() == [2, 2]
    assert table["story_title"].tolist() == ["Headline orig"] * 2
    assert len(sy.syndication_table(articles[articles["article_id"] == "other"])) == 0
