"""The analysis pipeline, declared: per-article stages and corpus-level summaries.

`PER_ARTICLE` lists the stages that turn articles into per-article tables; they must depend
only on the articles they are given, so that any split of a corpus into chunks gives the same
rows (the engine, `newslens.engine.runner`, runs them per chunk, in parallel or cached).
`SUMMARIES` lists the corpus-level tables computed from the concatenated per-article ones.
Each entry names the tables it reads and writes (`newslens.engine.stages`); the order they
run in follows from that.

This module does not import the engine: `newslens.analyze` (the runner) imports it.
"""

from __future__ import annotations

import pandas as pd

from newslens import schema
from newslens.analysis.attribution import statements
from newslens.analysis.quantities import quantities
from newslens.analysis.sentiment import (
    MIN_MENTIONS,
    actor_sentiment,
    mention_sentiment,
    sentence_sentiment,
)
from newslens.analysis.stance import stances
from newslens.analysis.territory import territorial_claims
from newslens.engine import sql
from newslens.engine.stages import Registry, Stage
from newslens.text.actors import actor_mentions
from newslens.text.regions import region_mentions
from newslens.text.sentences import sentences

# Sort keys that make every per-article table deterministic after concatenation.
TABLE_KEYS: dict[str, list[str]] = {
    name: list(spec.sort_keys) for name, spec in schema.TABLES.items() if spec.level == "article"
}

PER_ARTICLE = Registry((
    Stage("sentences", sentences, reads=("articles",), writes=("sentences",)),
    Stage("mentions", actor_mentions, reads=("articles", "sentences"), writes=("mentions",)),
    Stage("statements", statements, reads=("sentences", "mentions"), writes=("statements",)),
    Stage("stances", stances, reads=("statements", "sentences"), keywords={"mentions": "mentions"},
          writes=("stances",)),
    Stage("sentence_sentiment", sentence_sentiment, reads=("sentences",),
          writes=("sentence_sentiment",)),
    Stage("mention_sentiment", mention_sentiment, reads=("sentences", "mentions", "statements"),
          writes=("mention_sentiment",)),
    Stage("region_mentions", region_mentions, reads=("sentences",), writes=("region_mentions",)),
    Stage("claims", territorial_claims,
          reads=("sentences", "mentions", "statements", "articles", "region_mentions"),
          writes=("claims",)),
    Stage("quantities", quantities, reads=("sentences", "claims", "mentions", "region_mentions"),
          writes=("quantities",)),
), inputs=("articles",))

# Syndicated stories count once in the summaries: they read the articles' story columns.
# The summaries run in DuckDB (`newslens.engine.sql`): from a run's Parquet files without loading
# them, per group through the cache (`partition`; the region roll-up per region of the claims'
# chains). Their pandas references: analysis.sentiment.actor_sentiment, analysis.stance.
# stance_matrix, pairwise, by_source, analysis.territory.region_rollup.
_ARTICLE_COLUMNS = sql.ARTICLE_COLUMNS
_STANCE_COLUMNS = sql.stances.COLUMNS

SUMMARIES = Registry((
    Stage("actor_sentiment", sql.actor_sentiment, reads=("mention_sentiment",),
          keywords={"articles": "articles"}, writes=("actor_sentiment",), partition="actor_id",
          columns={"mention_sentiment": sql.actors.COLUMNS, "articles": _ARTICLE_COLUMNS}),
    Stage("region_rollup", sql.region_rollup, reads=("claims", "quantities"),
          keywords={"articles": "articles"}, writes=("region_rollup",), partition="region_id",
          columns={"claims": sql.regions.READS, "quantities": sql.regions.QUANTITY_READS,
                   "articles": _ARTICLE_COLUMNS}),
    Stage("stance_matrix", sql.stance_matrix, reads=("stances",),
          keywords={"articles": "articles"}, writes=("stance_matrix",),
          partition=("speaker", "issue"),
          columns={"stances": _STANCE_COLUMNS, "articles": _ARTICLE_COLUMNS}),
    Stage("stance_pairs", sql.stance_pairs, reads=("stance_matrix",), writes=("stance_pairs",)),
    Stage("stance_sources", sql.stance_sources, reads=("stances", "articles"),
          writes=("stance_sources",), partition=("speaker", "issue"),
          columns={"stances": _STANCE_COLUMNS, "articles": _ARTICLE_COLUMNS}),
), inputs=(*PER_ARTICLE.tables(), "articles"))


def analyze_articles(articles: pd.DataFrame, stages: Registry | None = None
                     ) -> dict[str, pd.DataFrame]:
    """Every per-article table for these articles (no cross-article state), each conformed to
    its schema (when it has one) and sorted."""
    tables = (stages or PER_ARTICLE).run({"articles": articles})
    return {name: sort_table(name, _conform(name, table)) for name, table in tables.items()}


def summarize(tables: dict[str, pd.DataFrame], articles: pd.DataFrame,
              stages: Registry | None = None) -> dict[str, pd.DataFrame]:
    """Corpus-level tables computed from the per-article ones (aggregations, roll-ups)."""
    stages = stages or SUMMARIES
    inputs = {name: tables[name] for name in stages.inputs if name in tables}
    inputs["articles"] = articles
    return {name: _conform(name, table) for name, table in stages.run(inputs).items()}


def sentiment_tables(
    tables: dict[str, pd.DataFrame], scorer: str | None = None, min_mentions: int = MIN_MENTIONS,
    articles: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(mention_sentiment, actor_sentiment) for a scorer and sample threshold.

    With the pipeline's defaults the (cached) tables of `analyze` are returned as they are;
    another scorer or threshold rescores from the cached sentences, mentions and statements
    (give `articles` to count syndicated stories once, as `analyze` does).
    """
    from newslens.analysis.sentiment import DEFAULT_TARGET_SCORER

    scorer = scorer or DEFAULT_TARGET_SCORER
    if (scorer == DEFAULT_TARGET_SCORER and min_mentions == MIN_MENTIONS
            and "actor_sentiment" in tables):
        return tables["mention_sentiment"], tables["actor_sentiment"]
    ms = mention_sentiment(
        tables["sentences"], tables["mentions"], tables["statements"], scorer=scorer
    )
    return ms, actor_sentiment(ms, seed=0, min_mentions=min_mentions, articles=articles)


def _conform(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """Declared columns and dtypes (`newslens.schema`); a table without a schema (a stage added
    outside the package) as it is."""
    return schema.conform(name, table) if name in schema.TABLES else table


def sort_table(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """Rows in the table's canonical order (schema sort keys), index reset."""
    if name in schema.TABLES:
        return schema.sort(name, table)
    return table.reset_index(drop=True)
