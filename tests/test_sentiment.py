"""Sentiment: scorers, target scope (negation, contrast), roles on the seed, CIs, benchmark."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from newslens.analysis import sentiment as SS
from newslens.analysis.attribution import statements as find_statements
from newslens.analysis.sentiment import lexicons as S
from newslens.analysis.sentiment import scope
from newslens.io.corpus import load_corpus
from newslens.text.sentences import sentences as split_sentences

ROOT = Path(__file__).resolve().parents[1]
VDL = ("with European Commission chief Ursula von der Leyen criticizing Russia for its outdated "
       "worldview")


@pytest.fixture(scope="module")
def seed():
    arts = load_corpus("seeds")
    return arts, split_sentences(arts)


def _mentions(sents: pd.DataFrame, spans: dict[str, str]) -> pd.DataFrame:
    """Hand-made mention rows (contract columns) for the first occurrence of each string."""
    rows = []
    for s in sents.itertuples():
        for actor_id, needle in spans.items():
            i = s.text.find(needle)
            if i >= 0:
                rows.append(
                    {"article_id": s.article_id, "sentence": s.sentence, "start": s.start + i,
                         "end": s.start + i + len(needle), "text": needle, "actor_id": actor_id,
                         "actor": actor_id, "kind": "", "affiliation": "", "mention_type": "name",
                         "field": s.field}
                )  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize("scorer", S.LEXICON_SCORERS)
@pytest.mark.parametrize(
    "text, sign",
    [
        ("The agreement is an excellent and wonderful achievement.", 1),
        ("The attack was horrible, brutal and disgusting.", -1),
        ("The delegation arrived in Moscow on Tuesday.", 0),
    ],
)
def test_known_sign(text, sign, scorer):
    pol, subj = S.score_text(text, scorer)
    assert np.sign(round(pol, 3)) == sign
    assert 0.0 <= subj <= 1.0


@pytest.mark.parametrize("scorer", S.LEXICON_SCORERS)
def test_negation_flips_sign(scorer):
    assert S.score_text("The plan is good.", scorer)[0] > 0
    assert S.score_text("The plan is not good.", scorer)[0] < 0
    assert S.score_text("The plan isn't good.", scorer)[0] < 0


def test_window_keeps_negator_and_drops_own_name():
    sent = "Critics say that the talks were not, in the end, useful for President Anna Berg."
    a = sent.index("Anna Berg")
    w0, w1, text = scope.target_window(sent, a, a + len("Anna Berg"), left=6, right=4)
    assert "not" in text.split()
    assert "Anna" not in text and "President" not in text
    assert "Anna Berg" in sent[w0:w1] and sent[w0:w1].startswith("not")


def test_contrast_splits_scope():
    sent = "Voters love Tom Reyes, but they describe his rival Lena Moss as dishonest and cruel."
    starts = [sent.index("Tom Reyes"), sent.index("Lena Moss")]
    r = SS.score_targets([sent, sent], starts, [s + 9 for s in starts], scorer="blend")
    assert r["polarity"][0] > 0.05 > -0.05 > r["polarity"][1]


def test_drivers_explain_score():
    d = S.drivers("is not a very good plan and a terrible idea", "textblob")
    assert d[0][0] == "terrible" and d[0][1] < 0
    assert ("not very good", pytest.approx(d[1][1])) == (d[1][0], d[1][1]) and d[1][1] < 0


def test_unknown_scorer_is_a_clear_error(seed):
    with pytest.raises(ValueError, match="unknown sentiment scorer 'bert'"):
        SS.sentence_sentiment(seed[1], scorer="bert")


def test_sentence_sentiment_one_row_per_sentence(seed):
    _, sents = seed
    for scorer in S.LEXICON_SCORERS:
        ss = SS.sentence_sentiment(sents, scorer=scorer)
        assert list(ss.columns) == SS.SENTENCE_COLUMNS
        assert len(ss) == len(sents) and (ss["scorer"] == scorer).all()
        assert ss["polarity"].between(-1, 1).all()
    assert list(SS.sentence_sentiment(sents.iloc[:0]).columns) == SS.SENTENCE_COLUMNS
    with pytest.raises(ValueError, match="learned scores targets"):
        SS.sentence_sentiment(sents, scorer="learned")


def test_scope_vdl_sentence_russia_negative(seed):
    _, sents = seed
    m = _mentions(sents, {"von_der_leyen": "Ursula von der Leyen", "russia": "Russia for its"})
    m = m[m["sentence"] == sents[sents["text"].str.contains(VDL)]["sentence"].iloc[0]]
    m.loc[m["actor_id"] == "russia", "end"] = m.loc[m["actor_id"] == "russia", "start"] + 6
    for scorer in S.SCORERS:
        ms = SS.mention_sentiment(sents, m, find_statements(sents, m), scorer=scorer)
        russia = ms[ms["actor_id"] == "russia"].iloc[0]
        assert russia["target_polarity"] < 0 and russia["label"] == "negative"
        assert russia["window_start"] <= russia["start"] < russia["end"] <= russia["window_end"]
        if scorer == "learned":
            assert russia["drivers"].startswith(("left:", "right:", "role:"))
        else:
            assert "outdated" in russia["drivers"] or "criticiz" in russia["drivers"]


def test_actor_sentiment_ci_deterministic_and_flags_small_samples():
    rng = np.random.default_rng(1)
    ms = pd.DataFrame(
        {
            "article_id": ["a"] * 12,
            "sentence": range(12),
            "actor_id": ["x"] * 10 + ["y"] * 2,
            "actor": ["X"] * 10 + ["Y"] * 2,
            "role": ["target"] * 8 + ["speaker"] * 2 + ["target"] * 2,
            "target_polarity": rng.uniform(-1, 1, 12),
            "target_subjectivity": 0.5,
            "scorer": "blend",
        }
    )
    ms["label"] = SS._labels(ms["target_polarity"], "blend")
    a1 = SS.actor_sentiment(ms, seed=0)
    a2 = SS.actor_sentiment(ms, seed=0)
    pd.testing.assert_frame_equal(a1, a2)
    # A group's CI does not depend on the other groups in the table.
    alone = SS.actor_sentiment(ms[ms["actor_id"] == "x"], seed=0)
    pd.testing.assert_frame_equal(alone, a1[a1["actor_id"] == "x"].reset_index(drop=True))
    x = a1.set_index(["actor_id", "voice"])
    assert x.loc[("x", "all"), "mentions"] == 10 and x.loc[("x", "own"), "mentions"] == 2
    assert x.loc[("x", "all"), "ci_low"] <= x.loc[("x", "all"), "mean_polarity"]
    assert x.loc[("x", "all"), "mean_polarity"] <= x.loc[("x", "all"), "ci_high"]
    assert bool(x.loc[("y", "all"), "low_sample"]) and not bool(x.loc[("x", "all"), "low_sample"])
    assert ("y", "own") not in x.index  # no speaker mentions: no row
    shares = x[["share_negative", "share_neutral", "share_positive"]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    assert not SS.actor_sentiment(ms, seed=1).equals(a1)


def test_seed_done_when(seed):
    """Full pipeline on the seed (needs actors.py and attribution.py from the other issues)."""
    pytest.importorskip("newslens.text.actors")
    pytest.importorskip("newslens.analysis.attribution")
    from newslens import analyze

    arts, sents = seed
    tables = analyze(arts)
    ms, act = tables["mention_sentiment"], tables["actor_sentiment"]
    want = {"putin", "zelensky", "von_der_leyen", "russia", "ukraine", "united_states"}
    assert want <= set(act["actor_id"])
    vdl_sent = sents[sents["text"].str.contains("criticizing Russia")]["sentence"].iloc[0]
    rows = ms[ms["sentence"] == vdl_sent]
    assert (rows[rows["actor_id"] == "russia"]["target_polarity"] < 0).all()
    assert (rows[rows["actor_id"] == "von_der_leyen"]["role"] == "speaker").all()
    z_sent = sents[sents["text"].str.contains("expressed optimism")]["sentence"].iloc[0]
    z = ms[(ms["sentence"] == z_sent) & (ms["actor_id"] == "zelensky")]
    assert len(z) and (z["role"] == "speaker").all()
    own = act[(act["actor_id"] == "zelensky") & (act["voice"] == "own")]
    assert len(own) == 1 and own["mentions"].iloc[0] >= 1


def test_evidence_and_drivers_point_at_the_mention(seed):
    _, sents = seed
    m = _mentions(sents, {"russia": "Russia", "putin": "Putin", "united_states": "United States"})
    ms = SS.mention_sentiment(sents, m, find_statements(sents, m))
    ev = SS.evidence(ms, sents, n=2)
    assert list(ev.columns) == SS.EVIDENCE_COLUMNS and len(ev)
    for r in ev.itertuples():
        assert r.text[r.at_start : r.at_end] in {"Russia", "Putin", "United States"}
        assert (r.target_polarity > 0) == (r.direction == "positive")
    d = SS.actor_drivers(ms, top=3)
    assert list(d.columns) == SS.DRIVER_COLUMNS
    assert d.groupby(["actor_id", "voice"]).size().max() <= 3


def test_benchmark_script_on_fixture():
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sentiment_accuracy.py"), "--data",
         str(ROOT / "tests" / "fixtures" / "newsmtsc_small.jsonl")],
        capture_output=True, text=True, check=True, timeout=300,
    ).stdout  # fmt: skip
    assert "macro-F1" in out and "n=9 targets" in out
    first_table = out.split("\n\n")[0].splitlines()[2:]
    rows = {line[:32].strip(): line[32:].split() for line in first_table}
    for name in ("sentence textblob", "sentence vader", "target-scoped blend", "learned (default)"):
        assert name in rows, out
    assert float(rows["target-scoped blend"][2]) >= float(rows["sentence textblob"][2])
    assert float(rows["learned (default)"][4]) > 0  # microseconds per target
    assert "Targets (issue 22)" in out and "default scorer cost <= 15 us" in out


def test_benchmark_script_bad_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sentence_normalized": "x"}\n')
    r = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sentiment_accuracy.py"), "--data", str(bad)],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode != 0 and "bad.jsonl:1" in r.stderr


def test_compare_scorers_and_plots(seed):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from newslens.report import sentiment_plots as P

    _, sents = seed
    m = _mentions(sents, {"russia": "Russia", "putin": "Putin", "united_states": "United States"})
    cmp_ = SS.compare_scorers(sents, m, find_statements(sents, m))
    assert list(cmp_.columns) == [
        "actor_id", "actor", "mentions", "mean_textblob", "mean_vader", "mean_blend",
        "mean_learned", "same_sign",
    ]  # fmt: skip
    assert sorted(cmp_["actor_id"]) == ["putin", "russia", "united_states"]
    ms = SS.mention_sentiment(sents, m, find_statements(sents, m))
    actors = SS.actor_sentiment(ms)
    for ax in (
        P.plot_sentiment_actors(actors),
        P.plot_sentiment_voices(actors),
        P.plot_sentiment_heatmap(SS.actor_sentiment(ms, by="article_id")),
        P.plot_sentiment_scorers(cmp_),
    ):
        assert ax.get_title()
    plt.close("all")


def test_sentiment_tables_reuse_pipeline_tables_or_rescore():
    from newslens.engine.pipeline import analyze_articles, sentiment_tables, summarize

    arts = load_corpus("seeds")
    tables = analyze_articles(arts)
    tables.update(summarize(tables, arts))
    ms, actors = sentiment_tables(tables)
    assert ms is tables["mention_sentiment"] and actors is tables["actor_sentiment"]
    vader_ms, vader_actors = sentiment_tables(tables, scorer="vader")
    assert set(vader_ms["scorer"]) == {"vader"}
    assert len(vader_ms) == len(ms) and set(vader_actors["actor_id"]) == set(actors["actor_id"])
    _, strict = sentiment_tables(tables, min_mentions=50)
    assert strict["low_sample"].all()


def test_demonym_group_noun_is_masked_with_the_target():
    """A demonym mention spans its group noun ("Ukrainian officials"), so the learned scorer
    masks the noun with the actor: "officials" or "troops" is no context word about them."""
    from newslens.text.actors import actor_mentions

    text = ("Ukrainian officials later declined to comment on the draft. "
            "Russian troops focused their attacks on the town. "
            "The U.S. military sent more equipment to the region.")
    arts = pd.DataFrame({"article_id": ["a1"], "title": ["Talks resume"], "text": [text]})
    sents = split_sentences(arts)
    m = actor_mentions(arts, sents)
    ms = SS.mention_sentiment(sents, m, find_statements(sents, m))
    groups = ms[ms["mention_type"] == "demonym"]
    assert list(groups["text"]) == ["Ukrainian officials", "Russian troops", "U.S. military"]
    for text, drivers in zip(groups["text"], groups["drivers"]):
        noun = text.split()[-1].lower()
        assert f":{noun} " not in f"{drivers} ", (text, drivers)


def test_war_labels_follow_the_body_through_furniture_removal():
    from newslens.analysis.sentiment import train as bench

    raw = "Share this story\nPutin met Erdogan.\nSubscribe now\nKyiv objected."
    clean = "Putin met Erdogan.\nKyiv objected."
    a = raw.index("Erdogan")
    start, end = bench.raw_offsets(raw, clean, a, a + 7)
    assert clean[start:end] == "Erdogan"
    k = raw.index("Kyiv")
    start, end = bench.raw_offsets(raw, clean, k, k + 4)
    assert clean[start:end] == "Kyiv"
    assert bench.raw_offsets(raw, clean, raw.index("Subscribe"), raw.index("Subscribe") + 9) is None
    assert bench.raw_offsets(clean, clean, 3, 9) == (3, 9)


def test_batch_textblob_scores_equal_one_text_at_a_time():
    """sentence_sentiment's batch path (one tokenising pass, shortened word lists) gives exactly
    TextBlob's score of each text as scored alone."""
    texts = [
        "The talks were not very good, but the envoy was really not unhappy!",
        "It isn't a great deal; it's an awful, terrible one.",
        "Officials said the plan is good.", "Officials said the plan is good.",
        "No words here move anything at all.", "", "!!", "Very very bad (!) indeed :)",
        "The mayor’s wonderful, wonderful idea didn’t fail.", "A 5g deal was ok_good, xD.",
        "Not a single good thing; never great, never bad.",
    ]
    pol, subj = S.score_texts(texts, "textblob")
    S._MEMO.clear()
    for t, p, q in zip(texts, pol, subj):
        assert (p, q) == S.score_text(t, "textblob"), t
