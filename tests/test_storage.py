"""Tables on disk: Parquet written piece by piece, summaries from the files, CSV copies that
match `to_csv`, lazy `open_tables`, nothing changed in the output folder by a failed run."""

from __future__ import annotations

import newslens
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import load_bench_corpus
from newslens.engine import pipeline, storage
from newslens.engine import runner as engine
from newslens.io.export import write_csv

bench_corpus = load_bench_corpus()


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return bench_corpus.generate(12, seed=13)


@pytest.fixture(scope="module")
def expected(articles) -> dict[str, pd.DataFrame]:
    tables = {"articles": articles}
    tables.update(newslens.analyze(articles, cache=False, workers=1))
    return tables


def test_written_tables_equal_the_in_memory_ones(tmp_path, monkeypatch, articles, expected):
    monkeypatch.setattr(engine, "PIECE_MIN", 2)
    monkeypatch.setattr(engine, "PIECE_MAX", 4)  # several pieces: several row groups
    result = engine.analyze_to(articles, tmp_path, workers=1, cache=False)
    assert result.tables == {} and result.stats.computed == len(articles)
    tables = newslens.open_tables(tmp_path)
    assert list(tables) == list(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(tables[name], frame, obj=name)
        assert tables.rows(name) == len(frame)
    assert pq.ParquetFile(tables.path("sentences")).num_row_groups == 3  # streamed, 4 at a time
    assert tables.load("mentions", ["actor_id"]).columns.tolist() == ["actor_id"]
    assert not list(tmp_path.glob(".newslens-partial-*"))


def test_csv_copies_are_what_write_csv_gives(tmp_path, monkeypatch, articles):
    monkeypatch.setattr(storage, "_BATCH", 7)  # many batches
    tricky = articles.copy()
    tricky.loc[0, "title"] = "=HYPERLINK(1)"  # neutralised in every table that copies it
    expected = {"articles": tricky, **newslens.analyze(tricky, cache=False, workers=1)}
    engine.analyze_to(tricky, tmp_path, workers=1, cache=False)
    for name, frame in expected.items():
        write_csv(frame, tmp_path / "whole.csv")
        text = (tmp_path / f"{name}.csv").read_text(encoding="utf-8")
        assert text == (tmp_path / "whole.csv").read_text(encoding="utf-8"), name
    assert "'=HYPERLINK(1)" in (tmp_path / "articles.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("values", [
    ["2025-01-01", "2025-01-02", None],  # dates only
    ["2025-01-01", "2025-01-02 05:00", None],  # seconds once one value has a time
    ["2025-01-01", "2025-01-02 05:00:00.5"],  # milliseconds
    ["2025-01-01", "2025-01-02 05:00:00.000001"],  # microseconds
])
def test_csv_dates_formatted_for_the_whole_column(tmp_path, monkeypatch, values):
    """pandas picks a datetime column's format from all its values: batches must agree."""
    monkeypatch.setattr(storage, "_BATCH", 1)
    frame = pd.DataFrame({"n": range(len(values)), "when": pd.to_datetime(
        values, format="ISO8601").astype("datetime64[us]")})
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    storage.write_csv(tmp_path / "t.parquet", tmp_path / "t.csv", "t")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == frame.to_csv(index=False)


def test_large_corpora_skip_csv_unless_asked(tmp_path, monkeypatch, articles):
    monkeypatch.setattr(storage, "CSV_MAX_ARTICLES", 2)
    engine.analyze_to(articles.iloc[:3], tmp_path / "a", workers=1, cache=False)
    assert not list((tmp_path / "a").glob("*.csv"))
    assert newslens.open_tables(tmp_path / "a").manifest["csv"] is False
    engine.analyze_to(articles.iloc[:3], tmp_path / "b", workers=1, cache=False, csv=True)
    assert (tmp_path / "b" / "claims.csv").exists()


def test_a_failed_run_changes_nothing(tmp_path, monkeypatch, articles):
    (tmp_path / "notes.txt").write_text("mine")
    engine.analyze_to(articles.iloc[:2], tmp_path, workers=1, cache=False)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    calls = []

    def failing(frame):
        calls.append(len(frame))
        if len(calls) > 1:
            raise RuntimeError("stage failed")
        return pipeline.sentences(frame)

    monkeypatch.setattr(pipeline, "PER_ARTICLE",
                        pipeline.PER_ARTICLE.replace("sentences", func=failing))
    with pytest.raises(RuntimeError, match="stage failed"):
        engine.analyze_to(articles, tmp_path, workers=1, chunk_size=4, cache=False, csv=True)
    assert len(calls) == 2  # the first chunk was written (staged) before the failure
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before


def test_summaries_from_files_equal_in_memory(tmp_path, articles, expected):
    run = engine.run(articles, cache=False, workers=1, sink=storage.TableWriter(tmp_path))
    assert run.tables == {}
    writer = storage.TableWriter(tmp_path)
    engine.run(articles, cache=False, workers=1, sink=writer)
    from_files = engine.summarize(writer, articles).tables
    writer.abort()
    for name in pipeline.SUMMARIES.tables():
        pd.testing.assert_frame_equal(from_files[name], expected[name], obj=name)


def test_open_tables_names_a_folder_that_is_not_an_output(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a newslens output folder"):
        newslens.open_tables(tmp_path)
