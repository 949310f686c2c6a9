"""Report views, evidence tables and outlet comparisons on invented articles."""

import re

import matplotlib
import pandas as pd
import pytest
from conftest import invented_tables
from newslens.report import compare, evidence, views
from newslens.report.tables import STANCE_COLOURS, matrix_html

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def corpus():
    return invented_tables()


# ---------------------------------------------------------------- articles, outlets, time
def test_outlet_names_normalise_and_name_the_unknown():
    articles = pd.DataFrame({"source": ["  Daily  Ledger ", None, "", "Wire"]})
    assert list(views.outlet_names(articles)) == ["Daily Ledger", "(unknown outlet)",
                                                  "(unknown outlet)", "Wire"]
    assert set(views.outlet_names(pd.DataFrame({"x": [1]}))) == {"(unknown outlet)"}


def test_with_article_links_http_urls_only_and_escapes(corpus):
    articles, tables = corpus
    out = views.with_article(tables["claims"], articles)
    assert list(out.columns[:3]) == ["article", "source", "date"]
    by_id = dict(zip(out["article_id"], out["article"]))
    assert by_id["inv-1"].startswith('<a href="https://example.com/news/1"')
    assert by_id["inv-10"] == "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; talks"
    assert set(out.loc[out["article_id"] == "inv-10", "date"]) == {""}
    assert set(out.loc[out["article_id"] == "inv-1", "source"]) == {"Daily Ledger"}


def test_with_article_keeps_rows_of_unknown_articles(corpus):
    articles, _ = corpus
    out = views.with_article(pd.DataFrame({"article_id": ["nope-1"], "x": [1]}), articles)
    assert list(out["article"]) == ["nope-1"] and list(out["source"]) == [""]


def test_article_table_in_natural_order(corpus):
    articles, tables = corpus
    table = views.article_table(articles, tables["sentences"])
    assert list(table["article_id"]) == ["inv-1", "inv-2", "inv-3", "inv-10"]
    assert table.loc[0, "sentences"] == 3 and table["words"].dtype.kind == "i"


def test_time_counts_pick_a_period_fill_gaps_and_count_undated():
    dates = pd.Series(pd.to_datetime(["2025-01-01", "2025-01-03", None, "2025-01-03"]))
    counts, freq, undated = views.time_counts(dates)
    assert freq == "D" and undated == 1
    assert list(counts["count"]) == [1, 0, 2]
    assert list(counts["label"]) == ["2025-01-01", "2025-01-02", "2025-01-03"]
    weeks, freq, _ = views.time_counts(pd.Series(pd.to_datetime(["2025-01-01", "2025-04-02"])))
    assert freq == "W" and weeks["label"].iloc[0] == "wk 2024-12-30" and weeks["count"].sum() == 2
    months, freq, _ = views.time_counts(pd.Series(pd.to_datetime(["2024-01-31", "2025-03-01"])))
    assert freq == "M" and len(months) == 15 and months["label"].iloc[-1] == "2025-03"
    empty, _, undated = views.time_counts(pd.Series([pd.NaT, pd.NaT]))
    assert empty.empty and undated == 2


def test_top_with_others():
    top, n_rest, rest_total = views.top_with_others(pd.Series({"b": 5, "a": 5, "c": 1, "d": 2}), 2)
    assert list(top.index) == ["a", "b"] and n_rest == 2 and rest_total == 3


def test_sample_articles_is_even_and_natural():
    ids = [f"x-{i}" for i in range(1, 11)]
    assert views.sample_articles(reversed(ids), 3) == ["x-1", "x-4", "x-7"]
    assert views.sample_articles(ids, None) == sorted(ids, key=views.natural_key)


# ---------------------------------------------------------------- sentiment, stances, claims
def test_voice_table_separates_about_and_own(corpus):
    _, tables = corpus
    voices = views.voice_table(tables["actor_sentiment"]).set_index("actor")
    assert voices.loc["Vladimir Putin", "own_mentions"] >= 3
    assert pd.isna(voices.loc["Vladimir Putin", "about_mentions"])
    assert voices.loc["United States", "about_mentions"] == 3
    assert str(voices["own_mentions"].dtype) == "Int64"


def test_speaker_labels_mark_unlinked_speakers():
    st = pd.DataFrame({"speaker": ["putin", None, ""], "speaker_text": ["Putin", "A diplomat", ""],
                       "linked": [True, False, False]})
    assert list(views.speaker_labels(st)) == ["Vladimir Putin", "A diplomat (unlinked)",
                                              "(unknown)"]
    assert list(views.speaker_labels(st.drop(columns="linked"), names={})) == [
        "putin", "A diplomat (unlinked)", "(unknown)"]


def test_named_replaces_ids_and_id_lists():
    df = pd.DataFrame({"who": ["putin", "isw; russia", None, "not-an-id"], "n": [1, 2, 3, 4]})
    out = views.named(df, ["who", "missing"])
    assert list(out["who"])[:2] == ["Vladimir Putin", "Institute for the Study of War; Russia"]
    assert pd.isna(out["who"].iloc[2]) and out["who"].iloc[3] == "not-an-id"
    assert df["who"].iloc[0] == "putin"  # the input is left alone


def test_claim_matrix_top_regions_first(corpus):
    _, tables = corpus
    table = views.claim_matrix(tables["claims"], top=2)
    assert len(table) == 2 and list(table.columns) == ["withdrawal_demand", "capture_advance"]
    assert views.claim_matrix(tables["claims"].iloc[:0]).empty


@pytest.mark.parametrize("value, unit, text", [
    (700000.0, "troops", "700000 troops"), (20.0, "%", "20%"), (12.5, "km", "12.5 km"),
    (None, "km", ""), (3.0, None, "3"),
])
def test_format_quantity(value, unit, text):
    assert views.format_quantity(value, unit) == text


def test_rule_counts_and_relations(corpus):
    _, tables = corpus
    rules = views.rule_counts(tables["stances"])
    assert rules["stances"].sum() == len(tables["stances"])
    assert rules["stances"].is_monotonic_decreasing
    summary = views.relation_summary(tables["stance_pairs"])
    assert summary.drop(columns=["actor_a", "actor_b"]).to_numpy().sum() == len(
        tables["stance_pairs"])


# ---------------------------------------------------------------- evidence
def _assert_traceable(table: pd.DataFrame):
    assert {"article", "source", "date", "evidence"} <= set(table.columns)
    assert table["article"].str.len().gt(0).all()
    assert not table["evidence"].str.contains("<script", regex=False).any()
    assert not table["article"].str.contains("javascript:", regex=False).any()


def test_mention_evidence_one_row_per_actor_article(corpus):
    articles, tables = corpus
    ev = evidence.mention_evidence(tables["mentions"], tables["sentences"], articles, per_actor=2)
    _assert_traceable(ev)
    assert ev.groupby("actor").size().max() <= 2
    assert ev["evidence"].str.contains('<mark class="mention">').all()


def test_mentions_in_context_marks_each_mention(corpus):
    _, tables = corpus
    context = evidence.mentions_in_context(tables["mentions"], tables["sentences"])
    assert len(context) == len(tables["mentions"])
    first = context[(context["article_id"] == "inv-1") & (context["actor_id"] == "putin")].iloc[0]
    assert '<mark class="mention">Russian President Vladimir Putin</mark>' in first["evidence"]


def test_statement_evidence_marks_speaker_cue_and_content(corpus):
    articles, tables = corpus
    ev = evidence.statement_evidence(tables["statements"], tables["sentences"], articles)
    _assert_traceable(ev)
    assert len(ev) == len(tables["statements"])
    assert ev["evidence"].str.contains('class="speaker"').all()
    assert ev["evidence"].str.contains('class="cue"').all()


def test_evidence_html_escapes_and_marks():
    from newslens.analysis.attribution import statements
    from test_attribution import frames

    sents, mentions = frames("Zelensky said the <b>plan</b> was “a step forward”.")
    html = evidence.evidence_html(statements(sents, mentions).iloc[0], sents)
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert re.search(r'<mark class="speaker"[^>]*>Zelensky</mark>', html)
    assert re.search(r'<mark class="cue"[^>]*>said</mark>', html) and 'class="content"' in html


def test_stance_cell_evidence_one_row_per_cell(corpus):
    articles, tables = corpus
    ev = evidence.stance_cell_evidence(tables["stance_matrix"], tables["statements"],
                                       tables["stances"], tables["sentences"], articles)
    _assert_traceable(ev)
    assert len(ev) == len(tables["stance_matrix"])
    assert ev["confidence"].notna().all() and ev["rule"].notna().all()


def test_sentiment_and_claim_evidence(corpus):
    articles, tables = corpus
    ev = evidence.sentiment_evidence(tables["mention_sentiment"], tables["sentences"], articles,
                                     voice="about")
    _assert_traceable(ev)
    assert set(ev["direction"]) <= {"positive", "negative"}
    claims = evidence.claim_evidence(tables["claims"], articles)
    _assert_traceable(claims)
    assert claims["evidence"].str.contains('<mark class="region">').all()
    assert views.quantity_table(tables["quantities"], articles).columns[0] == "article"


def test_matrix_html_is_escaped_coloured_and_capped(corpus):
    _, tables = corpus
    matrix = tables["stance_matrix"]
    out = matrix_html(matrix)
    assert STANCE_COLOURS["opposes"] in out and "Showing the" not in out
    capped = matrix_html(matrix, top=1)
    n = matrix["speaker"].nunique()
    assert n > 1 and f"Showing the 1 of {n} speakers" in capped
    assert capped.count("<tr><th>") == 2  # the header row and one speaker
    hostile = matrix.assign(speaker="<i>x</i>")
    assert "<i>x</i>" not in matrix_html(hostile)


# ---------------------------------------------------------------- outlets compared
def test_outlet_volume_and_periods(corpus):
    articles, _ = corpus
    volume = compare.outlet_volume(articles)
    assert list(volume["outlet"]) == ["Global Wire", "(unknown outlet)", "Daily Ledger"]
    assert list(volume["articles"]) == [2, 1, 1] and list(volume["dated"]) == [1, 1, 1]
    flagged = compare.outlet_volume(articles.assign(is_copy=[False, True, False, False]))
    assert flagged.set_index("outlet").loc["Global Wire", "copies"] == 1
    wide, freq, undated = compare.outlet_periods(articles, ["Global Wire"])
    assert freq == "D" and undated == 1
    assert list(wide.index) == ["Global Wire", "(other outlets)"] and wide.to_numpy().sum() == 3


def test_tone_by_outlet_and_spread(corpus):
    articles, tables = corpus
    ms = tables["mention_sentiment"]
    outlets = compare.top_outlets(articles, 5)
    long = compare.tone_by_outlet(ms, articles, ["united_states", "russia"], outlets)
    assert set(long["actor"]) == {"United States", "Russia"}
    assert long["mentions"].sum() == int(((ms["role"] == "target")
                                          & ms["actor_id"].isin(["united_states", "russia"])).sum())
    means, _counts = compare.tone_grid(long, "outlet", min_mentions=2)
    assert means.loc["Russia"].isna().all() and means.loc["United States"].notna().any()
    two = pd.DataFrame({"actor": ["A", "A", "B"], "outlet": ["x", "y", "x"],
                        "mentions": [3, 4, 9], "mean_polarity": [-0.2, 0.3, 0.1]})
    spread = compare.outlet_spread(two, min_mentions=3)
    assert list(spread["actor"]) == ["A"] and spread.loc[0, "gap"] == pytest.approx(0.5)
    assert spread.loc[0, "lowest_outlet"] == "x"


def test_tone_by_period_counts_undated_articles(corpus):
    articles, tables = corpus
    long, freq, undated = compare.tone_by_period(tables["mention_sentiment"], articles,
                                                 ["russia", "putin"], "W", voice="all")
    assert freq == "W" and undated == 1  # inv-10 has no date
    assert set(long["period"]) == {"wk 2025-03-03", "wk 2025-03-10"}


def test_stance_differences_and_claims_by_outlet(corpus):
    articles, tables = corpus
    diff = compare.stance_differences(tables["stance_sources"])
    assert set(diff["speaker"]) == {"Vladimir Putin"} and set(diff["outlet"]) == {"Daily Ledger",
                                                                          "Global Wire"}
    assert diff["stance"].nunique() == 2
    claims = compare.claims_by_outlet(tables["claims"], articles, ["Daily Ledger"])
    assert list(claims["outlet"]) == ["Daily Ledger", "(other outlets)"]
    assert claims["total"].sum() == len(tables["claims"])
    regions = compare.regions_by_outlet(tables["claims"], articles, ["Daily Ledger"], 2)
    assert len(regions) == 2


# ---------------------------------------------------------------- charts that scale
def test_heatmaps_stay_page_wide_and_label_a_subset_of_many_columns():
    import numpy as np
    from newslens.report.plots import plot_heatmap

    values = pd.DataFrame(np.linspace(-0.4, 0.4, 15 * 60).reshape(15, 60),
                          index=[f"actor {i}" for i in range(15)],
                          columns=[f"wk {i:02d}" for i in range(60)])
    ax = plot_heatmap(values, diverging=True, note="2 undated articles are not in this chart.")
    assert ax.figure.get_size_inches()[0] <= 13
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert 20 <= len(labels) <= 40 and labels[0] == "wk 00"
    assert len(ax.texts) == 0 and ax.get_xlabel().startswith("2 undated articles")
    small = plot_heatmap(values.iloc[:3, :4], counts=values.iloc[:3, :4].abs() * 10)
    assert len(small.texts) == 12 and "n=" in small.texts[0].get_text()


def test_time_charts_state_the_undated_articles():
    from newslens.report.plots import plot_claim_timeline, plot_time_counts

    dates = pd.Series(pd.to_datetime(["2025-01-01", "2025-01-09", None, None]))
    ax = plot_time_counts(dates)
    assert "2 undated articles are not in this chart." in ax.get_xlabel()
    assert [t.get_text() for t in ax.texts] == ["1", "1"]  # the counts on the bars
    none = plot_time_counts(pd.Series([pd.NaT, pd.NaT]))
    assert "none of the 2 articles carries a publication date" in none.texts[0].get_text()
    claims = pd.DataFrame({"published": pd.to_datetime(["2025-01-01", None, "2025-03-01"]),
                           "claim_type": ["estimate", "estimate", "capture_advance"],
                           "article_id": ["a", "b", "c"]})
    ax = plot_claim_timeline(claims)
    assert "1 undated article is not in this chart." in ax.get_xlabel()
