"""Table contracts: every table of a run matches its declared schema; the README shows it."""

from __future__ import annotations

import newslens
import pandas as pd
import pytest
from conftest import load_bench_corpus
from newslens import schema
from newslens.engine import pipeline
from newslens.paths import PROJECT_DIR


@pytest.fixture(scope="module")
def run_tables():
    articles = pd.concat([newslens.load_corpus(), load_bench_corpus().generate(12)],
                         ignore_index=True)
    tables = newslens.analyze(articles, cache=False, workers=1)
    return articles, tables


def test_every_table_of_a_run_matches_its_schema(run_tables):
    articles, tables = run_tables
    assert set(tables) == {n for n, t in schema.TABLES.items() if t.level != "load"}
    for name, frame in tables.items():
        assert schema.problems(name, frame) == [], name
        assert len(frame), f"{name} is empty on a corpus that should fill it"
    assert schema.problems("articles", articles) == []
    assert schema.problems("load_report", newslens.load_report(articles)) == []


def test_per_article_tables_are_in_schema_order(run_tables):
    _, tables = run_tables
    for name, spec in schema.TABLES.items():
        if spec.level == "article":
            frame = tables[name]
            assert frame.equals(schema.sort(name, frame)), name


def test_empty_tables_have_declared_dtypes():
    for name, spec in schema.TABLES.items():
        frame = schema.empty(name)
        assert list(frame.columns) == spec.names
        assert schema.problems(name, frame) == [], name


def test_conform_names_the_table_and_the_problem():
    frame = schema.empty("quantities").drop(columns=["unit"])
    with pytest.raises(schema.SchemaError, match="quantities.*unit"):
        schema.conform("quantities", frame)
    frame = schema.empty("quantities").assign(surprise=pd.Series(dtype="str"))
    with pytest.raises(schema.SchemaError, match="undeclared.*surprise"):
        schema.conform("quantities", frame)


def test_conform_fixes_dtypes_of_all_missing_chunks():
    # A chunk whose optional columns are all missing must not change the column dtypes.
    frame = pd.DataFrame({c: [None] for c in schema.table("quantities").names})
    frame[["sentence", "start", "end"]] = 1
    frame["approximate"] = False
    out = schema.conform("quantities", frame)
    assert str(out["original_value"].dtype) == "float64"
    assert str(out["bound"].dtype) == "str"


def test_pipeline_sort_keys_come_from_the_schema():
    for name, keys in pipeline.TABLE_KEYS.items():
        assert keys == list(schema.table(name).sort_keys)


def test_readme_data_dictionary_is_generated_from_the_schema():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert schema.update_readme(readme) == readme, (
        "README data dictionary is stale: "
        "run `python -m newslens schema --update-readme README.md`")
