"""The engine gives the same tables as one in-process call, however the corpus is split; the
stage registry orders stages from what they read and write."""

from __future__ import annotations

import gc

import pandas as pd
import pytest
import toy_stage
from conftest import assert_same, load_bench_corpus
from newslens.engine import pipeline, workers
from newslens.engine import runner as engine
from newslens.engine.stages import Registry, Stage

bench_corpus = load_bench_corpus()


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return bench_corpus.generate(16, seed=7)


@pytest.fixture(scope="module")
def reference(articles) -> dict[str, pd.DataFrame]:
    return pipeline.analyze_articles(articles)


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
    result = engine.run(articles, workers=workers, chunk_size=chunk_size, cache=False)
    assert_same(reference, result.tables)
    assert result.stats.computed == len(articles) and result.stats.cached == 0


def test_input_order_does_not_matter(articles, reference):
    out = engine.run(articles.iloc[::-1].reset_index(drop=True), workers=1, chunk_size=5,
                     cache=False)
    assert_same(reference, out.tables)


def test_analyze_adds_the_summaries(articles, reference, capsys):
    import newslens

    out = newslens.analyze(articles, cache=False)
    expected = dict(reference)
    expected.update(pipeline.summarize(reference, articles))
    assert_same(expected, out)
    assert capsys.readouterr().err == ""  # no progress bar off a terminal


@pytest.mark.parametrize("block_rows", [1, 40])
def test_summaries_in_small_blocks_are_the_one_call_tables(monkeypatch, articles, reference,
                                                           tmp_path, block_rows):
    """Partitioned summaries run on blocks of groups (one group per block at 1 row): the same
    tables as one call of each summary stage, with and without a cache."""
    from newslens.engine import summaries

    expected = pipeline.summarize(reference, articles)
    monkeypatch.setattr(summaries, "BLOCK_ROWS", block_rows)
    for cache in (False, tmp_path, tmp_path):  # cold, then every group read back
        out = engine.summarize(reference, articles, corpus_key=f"k{block_rows}",
                               cache=cache).tables
        assert_same(expected, {name: out[name] for name in expected})


def test_empty_corpus(articles):
    out = engine.run(articles.iloc[:0], cache=False).tables
    assert list(out) == pipeline.PER_ARTICLE.tables()
    assert all(len(t) == 0 for t in out.values())


def test_profile_times_the_stages_of_the_registry(monkeypatch, articles):
    monkeypatch.setattr(engine, "MIN_POOL_ARTICLES", 0)
    result = engine.analyze_corpus(articles.iloc[:4], cache=False, workers=2, profile=True)
    stages = result.stats.stages
    assert stages["sentences"][1] == result.stats.chunks > 1  # once per chunk, from the workers
    assert stages["sentences"][0] > 0
    assert set(pipeline.PER_ARTICLE.tables()) <= set(stages)
    assert {f"summarize: {s}" for s in pipeline.SUMMARIES.tables()} <= set(stages)
    assert not engine.run(articles.iloc[:2], cache=False, workers=1).stats.stages  # not asked
    assert pipeline.PER_ARTICLE.order[0].func is pipeline.sentences  # nothing left patched


def test_dask_engine_identical(articles, reference):
    pytest.importorskip("dask.dataframe")
    out = engine.run(articles, engine="dask", scheduler="synchronous", chunk_size=5,
                     cache=False)
    assert_same(reference, out.tables)
    assert out.stats.chunks == 4


def test_dask_local_cluster_identical(articles, reference):
    pytest.importorskip("distributed")
    out = engine.run(articles.iloc[:6], engine="dask", workers=1, chunk_size=3, cache=False)
    expected = pipeline.analyze_articles(articles.iloc[:6])
    assert_same(expected, out.tables)


def test_unknown_engine(articles):
    with pytest.raises(ValueError, match="unknown engine"):
        engine.run(articles, engine="spark")


# ---- the registry ------------------------------------------------------------------------

def test_pipeline_order_follows_the_declared_tables():
    order = [s.name for s in pipeline.PER_ARTICLE.order]
    assert order == ["sentences", "mentions", "statements", "stances", "sentence_sentiment",
                     "mention_sentiment", "region_mentions", "claims", "quantities"]
    for i, stage in enumerate(pipeline.PER_ARTICLE.order):
        earlier = {t for s in pipeline.PER_ARTICLE.order[:i] for t in s.writes} | {"articles"}
        assert set(stage.reads) <= earlier, stage.name
    assert pipeline.SUMMARIES.order[-2].name == "stance_pairs"


def test_declaration_order_does_not_matter():
    shuffled = Registry(tuple(reversed(pipeline.PER_ARTICLE.stages)))
    ready_first = [s.name for s in shuffled.order]
    assert ready_first[0] == "sentences"
    for i, stage in enumerate(shuffled.order):
        earlier = {t for s in shuffled.order[:i] for t in s.writes} | {"articles"}
        assert set(stage.reads) <= earlier, stage.name


def test_registry_rejects_unknown_inputs_duplicates_and_cycles():
    noop = toy_stage.sentence_lengths
    with pytest.raises(ValueError, match="'paragraphs', which no stage writes"):
        Registry((Stage("a", noop, reads=("paragraphs",), writes=("a",)),))
    with pytest.raises(ValueError, match="writes 'a', already written by stage 'a'"):
        Registry((Stage("a", noop, ("articles",), ("a",)), Stage("b", noop, ("articles",), "a")))
    with pytest.raises(ValueError, match="cycle: a, b"):
        Registry((Stage("a", noop, ("b",), ("a",)), Stage("b", noop, ("a",), ("b",))))


def test_a_stage_gets_only_what_it_declares(articles):
    """A stage reading a table it did not declare fails: inputs are never recomputed."""
    def needs_mentions(sentences):
        raise AssertionError("never called")

    with pytest.raises(ValueError, match="'mentions', which no stage writes"):
        Registry((Stage("x", needs_mentions, reads=("mentions",), writes=("x",)),))
    with pytest.raises(TypeError):
        pipeline.mention_sentiment(*[pd.DataFrame()] * 2)  # statements are required


def test_adding_a_stage_is_one_module_and_one_entry(tmp_path, monkeypatch, articles, reference):
    """toy_stage.py + one Stage entry: the engine runs it per chunk, caches it, and a corpus
    stage can read it."""
    monkeypatch.setattr(engine, "MIN_POOL_ARTICLES", 0)
    stages = pipeline.PER_ARTICLE.add(
        Stage("sentence_lengths", toy_stage.sentence_lengths, reads=("sentences",),
              writes=("sentence_lengths",)))
    first = engine.run(articles, stages, workers=2, chunk_size=5, cache=tmp_path)
    lengths = first.tables["sentence_lengths"]
    assert list(first.tables) == [*reference, "sentence_lengths"]
    assert_same(reference, {k: first.tables[k] for k in reference})
    sents = reference["sentences"]
    assert lengths["words"].tolist() == [len(t.split()) for t in sents["text"]]
    again = engine.run(articles, stages, workers=1, cache=tmp_path)
    assert again.stats.cached == len(articles)
    pd.testing.assert_frame_equal(again.tables["sentence_lengths"], lengths)
    plain = engine.run(articles, workers=1, cache=tmp_path)  # the registry is fingerprinted
    assert plain.stats.cached == 0 and "sentence_lengths" not in plain.tables

    summaries = Registry(pipeline.SUMMARIES.stages + (
        Stage("longest", toy_stage.longest_sentences, reads=("sentence_lengths",),
              writes=("longest",)),), inputs=(*stages.tables(), "articles"))
    out = engine.analyze_corpus(articles, cache=False, workers=1, stages=stages,
                                summaries=summaries).tables
    longest = lengths.groupby("article_id")["words"].max()
    assert out["longest"]["longest"].tolist() == longest.tolist()


def test_dask_local_cluster_on_the_new_storage(tmp_path, articles):
    """`--engine dask` writing Parquet: identical tables; workers hand their chunks over
    through the shared folder (created by them, emptied by the client) and the client caches."""
    pytest.importorskip("distributed")
    import newslens

    subset = articles.iloc[:6]
    engine.analyze_to(subset, tmp_path / "local", workers=1, chunk_size=3, cache=False)
    shared = tmp_path / "shared"
    result = engine.analyze_to(subset, tmp_path / "dask", engine="dask", workers=1, chunk_size=3,
                               cache=tmp_path / "cache", shared=shared)
    assert result.stats.chunks == 2 and result.stats.computed == 6
    assert shared.is_dir() and list(shared.iterdir()) == []
    local, dask = newslens.open_tables(tmp_path / "local"), newslens.open_tables(tmp_path / "dask")
    assert list(local) == list(dask)
    for name in local:
        pd.testing.assert_frame_equal(local[name], dask[name], obj=name)
    again = engine.run(subset, cache=tmp_path / "cache", workers=1)
    assert again.stats.cached == 6


def test_workers_replaced_after_a_few_chunks_give_the_same_tables(monkeypatch, articles,
                                                                   reference):
    """Workers are recycled (bounded memo caches): a fresh process per chunk changes nothing."""
    from newslens.engine import workers

    monkeypatch.setattr(engine, "MIN_POOL_ARTICLES", 0)
    monkeypatch.setattr(workers, "TASKS_PER_WORKER", 1)
    out = engine.run(articles, workers=2, chunk_size=4, cache=False)
    assert_same(reference, out.tables)
    assert out.stats.chunks == 4


def test_analyze_needs_only_id_title_and_text():
    import newslens
    import pytest

    with pytest.raises(ValueError, match="article_id, title and text"):
        newslens.analyze(pd.DataFrame({"article_id": ["a1"], "text": ["Putin spoke."]}),
                         cache=False)


@pytest.mark.parametrize("size", [3, workers.PAUSED_CHUNK_MAX + 1])
def test_chunks_up_to_the_limit_run_with_the_collector_paused(monkeypatch, articles, size):
    seen = []

    def analyze(chunk, stages):
        seen.append(gc.isenabled())
        return {}

    monkeypatch.setattr(workers.pipeline, "analyze_articles", analyze)
    chunk = pd.concat([articles] * (size // len(articles) + 1)).iloc[:size]
    assert gc.isenabled()
    workers.compute(chunk, [f"k{i}" for i in range(size)], pipeline.PER_ARTICLE)
    assert seen == [size > workers.PAUSED_CHUNK_MAX] and gc.isenabled()
