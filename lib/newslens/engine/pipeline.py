"""The analysis pipeline: per-article stages (pure, chunkable) and corpus-level summaries.

`analyze_articles` must depend only on the articles it is given, so that any split of a corpus
into chunks gives the same rows (the engine runs it per chunk, in parallel or cached).
`summarize` works on the concatenated per-article tables.
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
from newslens.analysis.stance import by_source, pairwise, stance_matrix, stances
from newslens.analysis.territory import region_rollup, territorial_claims
from newslens.text.actors import actor_mentions
from newslens.text.regions import region_mentions
from newslens.text.sentences import sentences

# Sort keys that make every per-article table deterministic after concatenation.
TABLE_KEYS: dict[str, list[str]] = {
    name: list(spec.sort_keys) for name, spec in schema.TABLES.items() if spec.level == "article"
}


def analyze_articles(articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every per-article table for these articles (no cross-article state)."""
    sents = sentences(articles)
    mentions = actor_mentions(articles, sents)
    tables = {"sentences": sents, "mentions": mentions}
    # Later stages (sentiment, statements, stances, claims, quantities) add their tables here.
    tables["statements"] = statements(sents, mentions)
    tables["stances"] = stances(tables["statements"], sents, mentions=mentions)
    tables["sentence_sentiment"] = sentence_sentiment(sents)
    tables["mention_sentiment"] = mention_sentiment(sents, mentions, tables.get("statements"))
    tables["region_mentions"] = region_mentions(sents)
    tables["claims"] = territorial_claims(sents, mentions, tables["statements"], articles,
                                          regions=tables["region_mentions"])
    tables["quantities"] = quantities(sents, tables["claims"], mentions,
                                      tables["region_mentions"])
    return {name: sort_table(name, schema.conform(name, table)) for name, table in tables.items()}


def summarize(tables: dict[str, pd.DataFrame], articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Corpus-level tables computed from the per-article ones (aggregations, roll-ups)."""
    out: dict[str, pd.DataFrame] = {}
    # Syndicated stories count once (count="story", the default): the summaries get `articles`.
    out["actor_sentiment"] = actor_sentiment(tables["mention_sentiment"], articles=articles)
    out["region_rollup"] = region_rollup(tables.get("claims"), tables.get("quantities"),
                                         articles=articles)
    out["stance_matrix"] = stance_matrix(tables.get("stances"), articles=articles)
    out["stance_pairs"] = pairwise(out["stance_matrix"])
    out["stance_sources"] = by_source(tables.get("stances"), articles)
    return {name: schema.conform(name, table) for name, table in out.items()}


def analyze(articles: pd.DataFrame, *, workers: int | None = None, cache=None,
            engine: str = "local", scheduler: str | None = None,
            progress: bool | None = None, languages=None) -> dict[str, pd.DataFrame]:
    """All tables for a corpus: per-article tables plus their summaries.

    The per-article tables come from `newslens.engine.runner.run`: cached on disk (`cache`: None for
    the default folder, a folder, or False), on `workers` processes (default: every core) or on
    Dask (`engine="dask"`, `scheduler` address), with a progress bar on terminals. Only articles
    in `languages` are analysed (default: those given to `load_corpus`, else English; "all").
    """
    from newslens.engine import runner as engines
    from newslens.io.language import analysed

    articles = analysed(articles, languages)  # other languages: kept, reported, not analysed

    tables = engines.run(articles, workers=workers, cache=cache, engine=engine,
                         scheduler=scheduler, progress=progress)
    tables.update(engines.summarize(tables, articles, summarize, cache))
    return tables


def sentiment_tables(
    tables: dict[str, pd.DataFrame], scorer: str | None = None, min_mentions: int = MIN_MENTIONS,
    articles: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(mention_sentiment, actor_sentiment) for a scorer and sample threshold.

    With the pipeline's defaults the (cached) tables of `analyze` are returned as they are;
    another scorer or threshold rescores from the cached sentences, mentions and statements
    (give `articles` to count syndicated stories once, as `analyze` does).
    """
    from newslens.analysis.sentiment_scope import DEFAULT_TARGET_SCORER

    scorer = scorer or DEFAULT_TARGET_SCORER
    if (scorer == DEFAULT_TARGET_SCORER and min_mentions == MIN_MENTIONS
            and "actor_sentiment" in tables):
        return tables["mention_sentiment"], tables["actor_sentiment"]
    ms = mention_sentiment(
        tables["sentences"], tables["mentions"], tables["statements"], scorer=scorer
    )
    return ms, actor_sentiment(ms, seed=0, min_mentions=min_mentions, articles=articles)


def sort_table(name: str, table: pd.DataFrame) -> pd.DataFrame:
    return schema.sort(name, table)
