"""The engine gives the same tables as one in-process call, however the corpus is split."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import load_bench_corpus
from newslens.engine import pipeline
from newslens.engine import runner as engine

bench_corpus = load_bench_corpus()


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return bench_corpus.generate(16, seed=7)


@pytest.fixture(scope="module")
def reference(articles) -> dict[str, pd.DataFrame]:
    return pipeline.analyze_articles(articles)


def assert_same(left: dict, right: dict) -> None:
    assert list(left) == list(right)
    for name, table in left.items():
        pd.testing.assert_frame_equal(table, right[name], obj=name)


def test_generator_is_deterministic_and_prefix_stable():
    a, b = bench_corpus.generate(5, seed=3), bench_corpus.generate(6, seed=3)
    pd.testing.assert_frame_equal(a, b.iloc[:5])
    assert a.article_id.is_unique and (a.n_words > 500).all()
    text = " ".join(a.text)
    for marker in ("“", "U.S.", "Mr.", ".m."):
        assert marker in text


def test_chunk_bounds_cover_the_corpus_in_order():
    assert engine.chunk_bounds(0, 2) == []
    assert engine.chunk_bounds(10, 2, 4) == [(0, 4), (4, 8), (8, 10)]
    bounds = engine.chunk_bounds(10_000, 2)
    assert bounds[0][0] == 0 and bounds[-1][1] == 10_000
    assert all(b - a <= engine.MAX_CHUNK for a, b in bounds)


@pytest.mark.parametrize("workers,chunk_size", [(1, None), (2, 5)])
def test_identical_whatever_the_workers_and_chunks(monkeypatch, articles, reference,
                                                   workers, chunk_size):
    monkeypatch.setattr(engine, "MIN_POOL_ARTICLES", 0)  # use the pool even on 16 articles
    out = engine.run(articles, workers=workers, chunk_size=chunk_size, cache=False)
    assert_same(reference, out)
    assert engine.last_run["computed"] == len(articles)


def test_input_order_does_not_matter(articles, reference):
    out = engine.run(articles.iloc[::-1].reset_index(drop=True), workers=1, chunk_size=5,
                     cache=False)
    assert_same(reference, out)


def test_analyze_adds_the_summaries(articles, reference, capsys):
    out = pipeline.analyze(articles, cache=False)
    expected = dict(reference)
    expected.update(pipeline.summarize(reference, articles))
    assert_same(expected, out)
    assert capsys.readouterr().err == ""  # no progress bar off a terminal


def test_empty_corpus(articles):
    out = engine.run(articles.iloc[:0], cache=False)
    assert all(len(t) == 0 for t in out.values())


def test_profile_times_the_stages(articles):
    engine.run(articles.iloc[:3], cache=False, workers=1, profile=True)
    stages = engine.last_run["stages"]
    assert stages["sentences"][1] == 1 and stages["sentences"][0] > 0
    assert not getattr(pipeline.sentences, "__newslens_timed__", False)  # restored


def test_dask_engine_identical(articles, reference):
    pytest.importorskip("dask.dataframe")
    out = engine.run(articles, engine="dask", scheduler="synchronous", chunk_size=5,
                     cache=False)
    assert_same(reference, out)
    assert engine.last_run["chunks"] == 4


def test_dask_local_cluster_identical(articles, reference):
    pytest.importorskip("distributed")
    out = engine.run(articles.iloc[:6], engine="dask", workers=1, chunk_size=3, cache=False)
    expected = pipeline.analyze_articles(articles.iloc[:6])
    assert_same(expected, out)


def test_unknown_engine(articles):
    with pytest.raises(ValueError, match="unknown engine"):
        engine.run(articles, engine="spark")
