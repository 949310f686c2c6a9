"""Findings written from the tables: counts agree with the tables, words agree with counts."""

import pandas as pd
import pytest
from conftest import invented_tables
from newslens.analysis.overview import mention_counts
from newslens.report import compare, prose
from newslens.report.summary import REPORTS, headlines


@pytest.fixture(scope="module")
def corpus():
    return invented_tables()


def _articles(sources, dates):
    return pd.DataFrame({"article_id": [f"a-{i}" for i in range(len(sources))],
                         "source": sources, "published": pd.to_datetime(dates),
                         "n_words": [100] * len(sources)})


def test_corpus_summary_counts_outlets_dates_and_undated():
    text = prose.corpus_summary(_articles(["Wire", "Ledger", None],
                                          ["2025-01-02", None, "2025-02-03"]))
    assert text == [("The corpus holds 3 articles from 2 outlets (1 article without an outlet), "
                    "published between 2025-01-02 and 2025-02-03; 1 article carries no date.")]
    one = prose.corpus_summary(_articles(["Wire"], [None]))
    assert one == [("The corpus holds 1 article from one outlet (Wire); no article carries a "
                   "publication date.")]


def test_corpus_summary_mentions_copies_and_languages_when_loaded():
    articles = _articles(["Wire", "Ledger", "Post"], ["2025-01-02"] * 3).assign(
        is_copy=[False, True, False], language=["en", "uk", "en"], story_id=["s1", "s1", "s2"])
    text = prose.corpus_summary(articles)
    assert "published on 2025-01-02" in text[0]
    assert text[1].startswith("1 article is a copy of a story")
    assert text[2].startswith("1 story appears in more than one article (2 articles in all)")
    assert text[3] == "Languages: en (2), uk (1)."
    assert len(prose.corpus_summary(articles.drop(columns=["is_copy", "story_id",
                                                           "language"]))) == 1


def test_load_and_length_summaries():
    assert prose.load_summary(pd.DataFrame(columns=["path", "problem", "action"])) == [
        "Every file loaded cleanly."]
    report = pd.DataFrame({"path": ["a", "b"], "problem": ["empty", "duplicate"],
                           "action": ["skipped", "skipped (duplicate of c)"]})
    assert prose.load_summary(report)[0].startswith("Loading reported 2 problems (2 skipped)")
    lengths = prose.length_summary(_articles(["W", "W"], [None, None]).assign(
        n_words=[120, 1900]), 40)
    assert lengths == [("Articles run from 120 to 1,900 words (median 1,010), 40 body sentences "
                       "in all.")]


def test_overview_findings_follow_the_tables(corpus):
    articles, tables = corpus
    counts = mention_counts(tables["mentions"])
    unknown = pd.DataFrame({"entity": ["Geneva"], "count": [1], "n_articles": [1]})
    findings = prose.overview_findings(articles, pd.DataFrame(columns=["action"]),
                                       tables["sentences"], counts, unknown)
    text = repr(findings)
    top = counts.iloc[0]
    assert f"{top['actor']} is the most frequently mentioned actor ({top['total']} mentions" in text
    assert "Geneva (1 time)" in text
    html = findings._repr_html_()
    assert html.count("<li>") == len(findings.sentences)


def test_prose_escapes_untrusted_names():
    html = prose.Prose(prose.corpus_summary(_articles(["<img src=x onerror=alert(1)>"],
                                                      [None])))._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_sentiment_summary_names_scorer_and_extremes(corpus):
    _, tables = corpus
    actors = tables["actor_sentiment"]
    text = prose.sentiment_summary(actors, min_mentions=3)
    scorer = actors["scorer"].iloc[0]
    n = len(tables["mention_sentiment"])
    assert text[0].startswith(f"Tone scores come from the {scorer} scorer, over {n} actor mentions")
    about = actors[(actors["voice"] == "about") & (actors["mentions"] >= 3)]
    assert len(about) == 1  # only the United States has 3 mentions as a target
    assert text[1].startswith("In coverage about an actor (role target), only United States")
    assert "Vladimir Putin" in text[2]
    none = prose.sentiment_summary(actors, min_mentions=99)
    assert "No actor has 99 or more mentions in coverage about an actor" in " ".join(none)


def test_stance_and_claim_summaries(corpus):
    articles, tables = corpus
    st = prose.stance_summary(tables["statements"], tables["stance_matrix"],
                              tables["stance_pairs"], len(articles))
    statements = tables["statements"]
    speakers = statements["speaker"].nunique()
    assert st[0] == (f"{len(statements)} attributed statements by {speakers} speakers in 4 of 4 "
                     "articles.")
    assert "the speaker with most statements on issues is Vladimir Putin" in " ".join(st)
    unlinked = int((~statements["linked"]).sum())
    assert (f"{unlinked} statement has a speaker the gazetteer does not know" in " ".join(st)) \
        is (unlinked == 1)
    unlinked = prose.stance_summary(tables["statements"].assign(linked=True).iloc[:0],
                                    tables["stance_matrix"], tables["stance_pairs"], 4)
    assert unlinked == ["No attributed statement was found."]
    flagged = statements.assign(linked=[True] * (len(statements) - 1) + [False])
    assert any("1 statement has a speaker the gazetteer does not know" in s for s in
               prose.stance_summary(flagged, tables["stance_matrix"], tables["stance_pairs"], 4))
    claims = prose.claims_summary(tables["claims"], tables["region_rollup"],
                                  tables["quantities"], articles)
    assert claims[0] == "4 territorial claims on 4 regions in 2 of 4 articles."
    assert "withdrawal demand 3, capture advance 1" in claims[2]
    assert claims[-1].startswith("1 article with claims has no publication date")


def test_outlet_summary(corpus):
    articles, tables = corpus
    volume = compare.outlet_volume(articles)
    diff = compare.stance_differences(tables["stance_sources"])
    text = prose.outlet_summary(volume, pd.DataFrame(), diff, 3)
    assert text[0] == ("4 articles from 3 outlets; the largest, Global Wire, has 2 articles "
                       "(50%).")
    assert "No actor is covered by two outlets with 3 or more mentions" in text[1]
    assert text[2] == "Outlets report a different dominant stance for 1 speaker × issue cell."
    single = prose.outlet_summary(volume.head(1).assign(articles=1), pd.DataFrame(), diff, 3)
    assert single == [("The only article has one outlet, Global Wire: there is nothing to "
                      "compare across outlets.")]


def test_signed_and_share():
    assert prose.signed(0.1549) == "+0.15" and prose.signed(-0.2) == "-0.20"
    assert prose.signed(-0.001) == "0.00" and prose.signed(float("nan")) == "n/a"
    assert prose.share(1, 4) == "25%" and prose.share(1, 1000) == "<1%"
    assert prose.share(0, 0) == "0%"


def test_headlines_for_every_report(corpus):
    articles, tables = corpus
    lines = headlines(tables, articles)
    assert set(lines) == {r.stem for r in REPORTS}
    assert lines["01-corpus-overview"][0] == "4 articles from 3 outlets, 1 undated"
    assert lines["04-territorial-claims"][0] == "4 claims on 4 regions"
    assert lines["05-compare-outlets"][1].startswith("1 speaker × issue cell where outlets")
    assert all(2 <= len(v) <= 3 for v in lines.values())


def _tone(means):
    """actor_sentiment rows (about and all) for actors A, B, ... with these means."""
    n = len(means)
    about = pd.DataFrame({"actor_id": list("abc")[:n], "actor": list("ABC")[:n],
                          "voice": "about", "mentions": 5, "mean_polarity": means,
                          "ci_low": float("nan"), "ci_high": float("nan"), "scorer": "s"})
    return pd.concat([about, about.assign(voice="all")])


@pytest.mark.parametrize("means, words", [
    ([-0.3, 0.2], ["the most negative is A (mean -0.30", "the most positive B (mean +0.20"]),
    ([-0.3, -0.1], ["the most negative is A", "the least negative B (mean -0.10"]),
    ([0.1, 0.3], ["the least positive is A (mean +0.10", "the most positive B"]),
])
def test_sentiment_extremes_are_named_by_their_sign(means, words):
    text = " ".join(prose.sentiment_summary(_tone(means), 3))
    assert all(w in text for w in words), text
