"""Unlinked actors downstream: statements, sentiment and claims read the mention table's new
rows correctly (invented sentences)."""

from __future__ import annotations

import pandas as pd
from newslens import schema
from newslens.analysis.attribution import mention_roles, statements
from newslens.analysis.attribution.forms import _clause_back
from newslens.analysis.attribution.quotes import _field_buffer, field_text
from newslens.analysis.attribution.records import Sentence
from newslens.analysis.sentiment import actor_sentiment, mention_sentiment
from newslens.analysis.territory import territorial_claims
from newslens.text.actors import actor_mentions
from newslens.text.sentences import sentences

TEXT = ("Deputy Defence Minister Marta Koval said Russian forces captured Novoselivka. "
        "Koval added that the Kremlin refused to talk. Putin praised the army.")


def tables(text: str = TEXT):
    arts = pd.DataFrame({"article_id": ["a1"], "title": ["Fighting goes on"], "text": [text]})
    sents = sentences(arts)
    mentions = actor_mentions(arts, sents)
    return arts, sents, mentions


def test_statement_speaker_key_is_the_mention_key():
    _, sents, mentions = tables()
    unl = mentions[~mentions["linked"]]
    assert set(unl["actor_id"]) == {"person:marta-koval"}
    assert list(unl["text"]) == ["Marta Koval", "Koval"]
    st = statements(sents, mentions)
    said = st[st["cue"] == "said"].iloc[0]
    assert (said["speaker"], bool(said["linked"])) == ("person:marta-koval", False)
    # the unlinked mention is the speaker of its statement
    roles = mention_roles(mentions, st)
    assert roles[mentions["text"] == "Marta Koval"].tolist() == ["speaker"]


def test_statements_ignore_unlinked_mentions():
    _, sents, mentions = tables()
    assert statements(sents, mentions).equals(statements(sents, mentions[mentions["linked"]]))


def test_sentiment_rows_are_flagged():
    _, sents, mentions = tables()
    ms = mention_sentiment(sents, mentions, statements(sents, mentions))
    assert len(ms) == len(mentions)
    assert ms.loc[ms["actor_id"] == "person:marta-koval", "linked"].tolist() == [False, False]
    assert ms.loc[ms["actor_id"] == "putin", "linked"].all()
    agg = actor_sentiment(ms, count="article").set_index(["actor_id", "voice"])
    assert not agg.loc[("person:marta-koval", "all"), "linked"]
    assert agg.loc[("putin", "all"), "linked"]
    assert agg.loc[("person:marta-koval", "all"), "actor"] == "Marta Koval"


def test_an_unlinked_person_is_no_claimant():
    arts, sents, mentions = tables()
    claims = territorial_claims(sents, mentions, statements(sents, mentions), articles=arts)
    assert len(claims)
    assert not claims["claimant"].fillna("").str.contains(":").any()
    linked = mentions[mentions["linked"]]
    again = territorial_claims(sents, linked, statements(sents, linked), articles=arts)
    assert claims.equals(again)


def test_pipeline_tables_have_linked():
    from newslens.engine.pipeline import analyze_articles

    arts = pd.DataFrame({"article_id": ["a1"], "title": ["Fighting goes on"], "text": [TEXT]})
    out = analyze_articles(arts)
    for name in ("mentions", "mention_sentiment"):
        assert out[name]["linked"].dtype == bool, name
        assert not schema.problems(name, out[name]), name
        assert (~out[name]["linked"]).sum() == 2, name


# --- helpers of the attribution speed work: the same result as the slower forms ---------------

def test_clause_back_matches_the_regex():
    import random
    import re

    regex = re.compile(r"(?:,\s*)?(?:\b(?:but|and|while|whereas|as)\s+)?$")
    parts = ["but", "and", "while", "as", "has", ",", " ", "\n", "x", "And", "_", "é"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 8)))
        end = rng.randint(0, len(text))
        assert _clause_back(text, end) == regex.search(text[:end]).start(), (text, end)


def test_field_text_matches_the_buffer():
    rows = [(0, 5, "Hello", 1), (6, 11, "world", 1), (13, 16, "New", 2), (16, 19, "end", 3)]
    assert field_text(rows) == _field_buffer(rows)
    assert field_text(rows[:3]) == "Hello world \nNew"


def test_tokens_from_a_window_are_the_sentence_tokens():
    s = Sentence("Officials in Kyiv, he said, met U.S. envoys (AFP) at 10,000 km.", [], [])
    full = list(s.tokens)
    for start in (0, 17, 18, 27, 28):
        window = Sentence(s.text, [], []).tokens_from(start)
        assert window == [t for t in full if t.start >= start], start
