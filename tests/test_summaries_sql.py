"""The corpus summaries in DuckDB give the pandas references' tables exactly (values, order,
dtypes), from frames or Parquet files, in any batch size; with a cache, an added article
recomputes only the groups it touches; `open_tables(DIR).sql` queries a run's files."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import assert_same, load_bench_corpus
from newslens import schema
from newslens.analysis import sentiment, stance, territory
from newslens.engine import pipeline, sql, storage
from newslens.engine import runner as engine
from newslens.engine.sql import actors, regions, stances

bench_corpus = load_bench_corpus()


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    """Generated articles with two syndicated stories: article 3 copies article 2, and article
    4 is listed before its original, article 5 (a story counts once, through the original)."""
    frame = bench_corpus.generate(14, seed=11)
    ids = frame["article_id"].tolist()
    frame.loc[3, ["story_id", "is_copy"]] = [ids[2], True]
    frame.loc[4, ["story_id", "is_copy"]] = [ids[5], True]
    frame.loc[5, "story_id"] = ids[5]
    frame.loc[6, "source"] = "  "  # an outlet of blanks: "(unknown)" in stance_sources
    return frame


@pytest.fixture(scope="module")
def tables(articles) -> dict[str, pd.DataFrame]:
    return pipeline.analyze_articles(articles)


def _reference(tables, articles) -> dict[str, pd.DataFrame]:
    matrix = schema.conform("stance_matrix", stance.stance_matrix(tables["stances"], articles))
    out = {
        "actor_sentiment": sentiment.actor_sentiment(tables["mention_sentiment"], seed=0,
                                                     articles=articles),
        "region_rollup": territory.region_rollup(tables["claims"], tables["quantities"],
                                                 articles),
        "stance_matrix": matrix,
        "stance_pairs": stance.pairwise(matrix),
        "stance_sources": stance.by_source(tables["stances"], articles)}
    return {name: schema.conform(name, t) for name, t in out.items()}


@pytest.fixture(scope="module")
def reference(tables, articles) -> dict[str, pd.DataFrame]:
    return _reference(tables, articles)


def test_the_corpus_has_what_the_summaries_group(tables, reference):
    """The comparisons below are not vacuous: several groups of every kind, copies dropped."""
    assert all(len(reference[name]) >= 3 for name in reference)
    assert set(reference["actor_sentiment"]["voice"]) == {"all", "about", "own"}
    assert reference["actor_sentiment"]["ci_low"].notna().any()
    assert (reference["region_rollup"]["n_claims"] > reference["region_rollup"]["n_direct"]).any()
    assert "(unknown)" in set(reference["stance_sources"]["source"])


def test_frames_give_the_pandas_tables(tables, articles, reference):
    out = pipeline.summarize(tables, articles)
    assert_same(reference, {name: out[name] for name in reference})


@pytest.mark.parametrize("checked", [False, True])
def test_files_give_the_pandas_tables(tmp_path, tables, articles, reference, checked):
    """From Parquet (views over the files, nothing loaded whole), as `analyze --out` does; also
    with the stage functions wrapped in interrupt checks, as the command line runs them."""
    from newslens.engine import workers

    writer = storage.TableWriter(tmp_path / "out")
    for name, table in tables.items():
        writer.append(name, table)
    calls = []
    writer.load = lambda name, columns=None: calls.append(name)  # never used: files are read
    stages = workers.with_checks(pipeline.SUMMARIES) if checked else None
    out = engine.summarize(writer, articles, stages=stages).tables
    writer.abort()
    assert calls == []
    assert_same(reference, {name: out[name] for name in reference})


def test_batches_of_any_size_give_the_same_tables(monkeypatch, tables, articles, reference):
    """Values streamed 3 rows at a time, groups bootstrapped one by one."""
    from newslens.engine import duck

    batches = duck.Session.batches
    monkeypatch.setattr(duck.Session, "batches", lambda self, q, rows=0: batches(self, q, 3))
    monkeypatch.setattr(actors, "BATCH_VALUES", 1)
    out = pipeline.summarize(tables, articles)
    assert_same(reference, {name: out[name] for name in reference})


def test_without_story_columns_every_copy_counts(tables, articles):
    plain = articles.drop(columns=["story_id", "is_copy"])
    got = sql.actor_sentiment(tables["mention_sentiment"], plain)
    want = sentiment.actor_sentiment(tables["mention_sentiment"], seed=0, articles=plain)
    pd.testing.assert_frame_equal(schema.conform("actor_sentiment", want),
                                  schema.conform("actor_sentiment", got))


def test_empty_inputs_give_empty_tables(tables, articles):
    none = {name: t.iloc[:0] for name, t in tables.items()}
    out = pipeline.summarize(none, articles)
    for name in ("actor_sentiment", "region_rollup", "stance_matrix", "stance_pairs",
                 "stance_sources"):
        assert len(out[name]) == 0 and not schema.problems(name, out[name])


def test_majority_and_bootstrap_are_the_references():
    for counts in ({"supports": 3, "opposes": 3}, {"neutral": 2}, {"demands": 5, "opposes": 1},
                   {"skeptical": 1, "opposes": 1, "supports": 1}, {}):
        assert stances.majority(counts) == stance.majority(counts)
    values = [0.1, -0.4, 0.25, 0.0, 0.9]
    assert actors.bootstrap_ci(pd.Series(values).to_numpy(), 0, ("x", "all")) == \
        sentiment.bootstrap_ci(values, seed=0, key=("x", "all"))


def _recorded(monkeypatch, module, name: str, column: str) -> list:
    """Patch `module.name` to record the group values of each restricted call (`only`)."""
    seen: list = []
    original = getattr(module, name)

    def wrapped(session, *args, only=None, **kw):
        if only is not None:
            seen.extend(session.df(f"SELECT {column} FROM {only}")[column].tolist())
        else:
            seen.append("<all>")
        return original(session, *args, only=only, **kw)

    monkeypatch.setattr(module, name, wrapped)
    return seen


def test_one_added_article_recomputes_only_its_groups(tmp_path, monkeypatch, articles):
    """With a cache: the first run computes every group, an identical rerun of the summaries
    none, one added article the actor, speaker x issue and region-chain groups it touches; the
    tables equal a run without cache."""
    actor_groups = _recorded(monkeypatch, actors, "actor_sentiment", "actor_id")
    region_groups = _recorded(monkeypatch, regions, "region_rollup", "target")
    first = engine.analyze_corpus(articles, cache=tmp_path, workers=1)
    n_actors = first.tables["actor_sentiment"]["actor_id"].nunique()
    assert sorted(actor_groups) == sorted(first.tables["actor_sentiment"]["actor_id"].unique())
    assert len(region_groups) == len(first.tables["region_rollup"])
    extra = articles.iloc[[0]].assign(
        article_id="zz-extra", title="Talks go on", story_id="zz-extra", is_copy=False,
        text="Kaja Kallas said the talks would go on. Russian forces captured Pokrovsk.")
    more = pd.concat([articles, extra], ignore_index=True)
    actor_groups.clear()
    region_groups.clear()
    second = engine.analyze_corpus(more, cache=tmp_path, workers=1)
    assert second.stats.computed == 1 and second.stats.summary_cached is False
    assert "kallas" in actor_groups and 0 < len(actor_groups) < n_actors
    assert "pokrovsk" in region_groups and "donetsk" in region_groups
    assert len(region_groups) < len(second.tables["region_rollup"])
    fresh = engine.analyze_corpus(more, cache=False, workers=1)
    assert_same(fresh.tables, second.tables)


def test_open_tables_sql(tmp_path, articles):
    import newslens
    from newslens.engine.runner import analyze_to

    analyze_to(articles.iloc[:4], tmp_path / "run", cache=False, csv=False, progress=False)
    tables = newslens.open_tables(tmp_path / "run")
    top = tables.sql("SELECT actor_id, count(*) AS n FROM mentions GROUP BY actor_id "
                     "ORDER BY n DESC, actor_id")
    want = (tables["mentions"].groupby("actor_id").size().rename("n").reset_index()
            .sort_values(["n", "actor_id"], ascending=[False, True]).reset_index(drop=True))
    assert top["actor_id"].tolist() == want["actor_id"].tolist()
    assert top["n"].tolist() == want["n"].tolist()
    joined = tables.sql("SELECT a.source, count(*) AS n FROM claims c JOIN articles a "
                        "USING (article_id) WHERE c.claim_type = ? GROUP BY 1",
                        [str(tables["claims"]["claim_type"].iloc[0])])
    assert joined["n"].sum() >= 1


def test_memory_limit_from_the_environment(monkeypatch):
    from newslens.engine import duck

    monkeypatch.setenv("NEWSLENS_DUCKDB_MEMORY", "300MB")
    with duck.Session() as session:
        limit = session.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit == "286.1 MiB"  # 300 MB as DuckDB shows it


def test_frames_with_a_load_report_in_attrs_convert_without_warnings(tables, articles):
    """A loaded corpus carries its load report in `attrs` (no JSON); the summaries read it
    without a warning (a notebook would show it) and without touching the caller's attrs."""
    import warnings

    from newslens.engine import duck

    class Report:  # like io.corpus.LoadReport: not JSON-serialisable
        pass

    loaded = articles.copy()
    loaded.attrs["load_report"] = Report()
    session = duck.Session()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        session.frame("articles", loaded)
        session.table("extra", loaded[["article_id"]])
    assert session.con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(loaded)
    assert isinstance(loaded.attrs["load_report"], Report)
