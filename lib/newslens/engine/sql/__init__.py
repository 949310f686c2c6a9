"""The corpus summaries in DuckDB: actor_sentiment, stance_matrix, stance_pairs, stance_sources,
region_rollup.

Each summary is a function of a `newslens.engine.duck.Session` (views over Parquet files or
frames) and gives the table its pandas reference gives (`newslens.analysis.sentiment.
actor_sentiment`, `analysis.stance.stance_matrix`, `pairwise`, `by_source`,
`analysis.territory.region_rollup`; identical values, order and dtypes, checked by
`bench/compare_tables.py` and tests/test_summaries_sql.py). The pipeline's SUMMARIES stages call
the frame versions below (`actor_sentiment(mention_sentiment, articles=...)` ...); the engine
(`newslens.engine.summaries`) calls their `.sql` directly on one session over the run's
Parquet files, so the main process never loads the per-article tables whole, and recomputes
only the groups whose rows changed (`GROUPS`: the SQL of each group's key).
"""

from __future__ import annotations

import pandas as pd

from newslens.engine.duck import POS, Session
from newslens.engine.sql import actors, regions, stances

ARTICLE_COLUMNS = ("article_id", "source", "story_id", "is_copy")


def prepare_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """The articles' columns the summaries read, with `source_label` (the outlet as
    stance_sources shows it)."""
    cols = [c for c in ARTICLE_COLUMNS if c in articles.columns]
    return articles[cols].assign(source_label=stances.source_labels(articles).to_numpy())


def _session(tables: dict, articles: pd.DataFrame | None) -> Session:
    session = Session()
    for name, (frame, columns) in tables.items():
        if frame is not None:
            session.frame(name, frame, columns)
    if articles is not None:
        session.frame("articles", prepare_articles(articles))
    return session


def _issue_ids() -> list[str]:
    from newslens.analysis.stance import load_issues

    return load_issues()["id"].tolist()


def _region_info() -> dict:
    from newslens.text.regions import region_info

    return region_info()


# ---- the stages' functions: frames in, a table out; `.sql(session, inputs)` for the engine --

def actor_sentiment(mention_sentiment: pd.DataFrame, articles: pd.DataFrame | None = None,
                    seed: int = 0) -> pd.DataFrame:
    with _session({"mention_sentiment": (mention_sentiment, actors.COLUMNS)}, articles) as s:
        return actors.actor_sentiment(s, seed=seed)


def stance_matrix(stance_rows: pd.DataFrame, articles: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    with _session({"stances": (stance_rows, stances.COLUMNS)}, articles) as s:
        return stances.stance_matrix(s)


def stance_pairs(matrix: pd.DataFrame) -> pd.DataFrame:
    with Session() as s:
        return stances.stance_pairs(s, matrix, _issue_ids())


def stance_sources(stance_rows: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    with _session({"stances": (stance_rows, stances.COLUMNS)}, articles) as s:
        return stances.stance_sources(s)


def region_rollup(claims: pd.DataFrame, quantities: pd.DataFrame | None = None,
                  articles: pd.DataFrame | None = None) -> pd.DataFrame:
    with _session({"claims": (claims, regions.READS),
                   "quantities": (quantities, regions.QUANTITY_READS)}, articles) as s:
        return regions.region_rollup(s, _region_info())


actor_sentiment.sql = lambda s, inputs, only=None: actors.actor_sentiment(s, only=only)
stance_matrix.sql = lambda s, inputs, only=None: stances.stance_matrix(s, only=only)
stance_sources.sql = lambda s, inputs, only=None: stances.stance_sources(s, only=only)
stance_pairs.sql = lambda s, inputs, only=None: stances.stance_pairs(
    s, inputs["stance_matrix"], _issue_ids())
region_rollup.sql = lambda s, inputs, only=None: regions.region_rollup(
    s, _region_info(), only=only)
region_rollup.finish = regions.sort  # groups computed apart: the table's order, once joined


# ---- group keys for the cache: one row per group, its value(s) and a digest of its rows ----

def _key(rows: str, by: list[str], cols: list[str]) -> str:
    """SQL: per group of `by`, the count and two order-sensitive sums of row hashes (each row
    hashed with its rank in the group: a row added elsewhere changes no other group's key)."""
    part = ", ".join(by)
    content = ", ".join(cols)
    return f"""
        SELECT {part}, count(*) AS n, sum(h)::HUGEINT AS h1, bit_xor(h2) AS h2 FROM (
            SELECT {part}, hash({content}, r) AS h, hash(r, {content}, 'x') AS h2 FROM (
                SELECT *, row_number() OVER (PARTITION BY {part} ORDER BY {POS}) AS r
                FROM {rows}))
        GROUP BY {part} ORDER BY {', '.join(f'{c} NULLS LAST' for c in by)}"""


def group_keys(stage: str, session: Session) -> tuple[list, list, pd.DataFrame] | None:
    """(partition columns, the output columns that hold them, a frame of their values per
    group in output order with the digest columns n, h1, h2) for a partitioned SQL stage; None
    for others."""
    if stage == "actor_sentiment":
        rows = session.counted("mention_sentiment")
        return ["actor_id"], ["actor_id"], session.df(_key(rows, ["actor_id"], session.columns[
            "mention_sentiment"]))
    if stage in ("stance_matrix", "stance_sources"):
        rows = (f"(SELECT r.*, coalesce(src.source, '(unknown)') AS src FROM "
                f"{stances._rows(session, None)} r LEFT JOIN (SELECT article_id, "
                f"arg_min_null(source_label, {POS}) AS source FROM articles "
                f"GROUP BY article_id) src USING (article_id))")
        cols = [*session.columns["stances"], "src"]
        by = ["speaker", "issue"]
        return by, by, session.df(_key(rows, by, cols))
    if stage == "region_rollup":
        return None if not session.has("claims") else _region_keys(session)
    return None


def _region_keys(session: Session):
    rows = session.counted("claims")
    if not session.con.execute(f"SELECT count(*) FROM {rows}").fetchall()[0][0]:
        return ["target"], ["region_id"], pd.DataFrame(columns=["target", "n", "h1", "h2"])
    info = regions._places(session, rows, _region_info())
    session.table("rollup_chains", regions.chains(session, rows, info))
    qcols = [c for c in regions.QUANTITY_READS if c in session.columns.get("quantities", [])]
    qhash = (f"LEFT JOIN (SELECT claim_id, sum(hash({', '.join(qcols)}))::HUGEINT AS qh, "
             f"count(*) AS qn FROM quantities GROUP BY claim_id) q USING (claim_id)"
             if session.has("quantities") and "claim_id" in qcols else "")
    joined = (f"(SELECT c.target, c.level, r.*{', q.qh, q.qn' if qhash else ''} FROM {rows} r "
              f"JOIN rollup_chains c USING (region_id) {qhash})")
    cols = [*session.columns["claims"], "level", *(["qh", "qn"] if qhash else [])]
    return ["target"], ["region_id"], session.df(_key(joined, ["target"], cols))
