"""stance_matrix, stance_pairs and stance_sources in DuckDB.

The same tables as `newslens.analysis.stance.stance_matrix`, `pairwise` and `by_source` (values,
order, dtypes). Counts, first rows and the evidence statement come from grouped queries; the
majority label of a cell (`majority`) is decided in Python from its counts; the summed weight and
mean confidence are summed with NumPy over the cell's values in table order (streamed sorted by
cell and position), so they round as the pandas sums did.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newslens import schema
from newslens.analysis.stance.aggregate import FAMILY, NON_NEUTRAL, majority
from newslens.analysis.stance.lexicons import STANCES
from newslens.engine.duck import POS, Session, quote
from newslens.engine.sql.actors import pandas_mean

COLUMNS = ("article_id", "statement", "speaker", "issue", "issue_label", "stance", "rule",
           "confidence", "weight", "content", "basis")
_EVIDENCE = ("article_id", "statement", "rule", "basis", "content")


def _rows(session: Session, only: str | None) -> str:
    rows = (f"(SELECT * FROM {session.counted('stances')} "
            "WHERE speaker IS NOT NULL AND issue IS NOT NULL)")
    if only is not None:
        rows = (f"(SELECT * FROM {rows} WHERE (speaker, issue) IN "
                f"(SELECT (speaker, issue) FROM {only}))")
    return rows


def _evidence(family: str, cols: list[str]) -> str:
    """arg_min of the evidence fields by weight (highest first), article, statement, position."""
    fields = ", ".join(f"'{c}': {c if c in cols else 'NULL'}" for c in _EVIDENCE)
    key = f"{{'w': -weight, 'a': article_id, 's': statement, 'p': {POS}}}"
    return f"arg_min_null({{{fields}}}, {key}) FILTER (WHERE stance IN ({family}))"


def stance_matrix(session: Session, only: str | None = None) -> pd.DataFrame:
    """The stance_matrix of the session's stances (`only`: SQL of a table of the (speaker,
    issue) cells to compute)."""
    rows = _rows(session, only)
    cols = session.columns["stances"]
    narration = ("count(*) FILTER (WHERE first_basis = 'narration')" if "basis" in cols
                 else "0")
    first_basis = f"arg_min_null(basis, {POS})" if "basis" in cols else "NULL"
    per = ", ".join(f"count(*) FILTER (WHERE stance = '{s}') AS n_{s}" for s in STANCES)
    best = ", ".join(f"{_evidence(quote(s), cols)} AS best_{s}" for s in STANCES)
    mixed = _evidence(", ".join(quote(s) for s in NON_NEUTRAL), cols)
    stats = session.df(f"""
        WITH r AS {rows},
        behind AS (SELECT speaker, issue, {first_basis} AS first_basis FROM r
                   GROUP BY speaker, issue, article_id, statement),
        nb AS (SELECT speaker, issue, count(*) AS n_statements, {narration} AS n_narration
               FROM behind GROUP BY speaker, issue)
        SELECT g.*, nb.n_statements, nb.n_narration FROM (
            SELECT speaker, issue, count(*) AS n_rows, arg_min_null(issue_label, {POS}) AS label,
                   count(DISTINCT article_id) AS n_articles, {per}, {best},
                   {mixed} AS best_mixed
            FROM r GROUP BY speaker, issue) g
        JOIN nb USING (speaker, issue) ORDER BY speaker, issue""")
    if not len(stats):
        return schema.empty("stance_matrix")
    values = session.batches(f"SELECT CAST(weight AS DOUBLE) AS w, "
                             f"CAST(confidence AS DOUBLE) AS c FROM {rows} "
                             f"ORDER BY speaker, issue, {POS}")
    out = []
    for rec, (w, c) in zip(stats.to_dict("records"), _groups(stats["n_rows"], values)):
        counts = {s: int(rec[f"n_{s}"]) for s in STANCES if rec[f"n_{s}"]}
        stance, split, _ = majority(counts)
        ev = rec[f"best_{stance}"]
        basis = ev["basis"]
        out.append([rec["speaker"], rec["issue"], rec["label"], stance, split,
                    int(rec["n_statements"]), int(rec["n_narration"]),
                    sum(counts.get(k, 0) for k in NON_NEUTRAL), int(rec["n_articles"]),
                    *(counts.get(k, 0) for k in STANCES),
                    round(_pandas_sum(w), 3), round(pandas_mean(c), 3),
                    ev["article_id"], int(ev["statement"]), ev["rule"],
                    basis if isinstance(basis, str) and basis else "statement", ev["content"]])
    return pd.DataFrame(out, columns=schema.table("stance_matrix").names)


def _pandas_sum(x: np.ndarray) -> float:
    """Series.sum (NaN counted as 0)."""
    missing = np.isnan(x)
    return float(np.where(missing, 0.0, x).sum() if missing.any() else x.sum())


def _groups(sizes, batches):
    """Per group (sizes in order), the arrays of the streamed columns of its rows."""
    pending: list[list[np.ndarray]] = []
    have = 0
    for need in (int(n) for n in sizes):
        while have < need:
            batch = next(batches)
            pending.append([col.to_numpy(zero_copy_only=False) for col in batch.columns])
            have += batch.num_rows
        cols = [np.concatenate(parts) if len(parts) > 1 else parts[0]
                for parts in zip(*pending)]
        yield [c[:need] for c in cols]
        pending, have = ([[c[need:] for c in cols]], have - need) if have > need else ([], 0)
    for _ in batches:  # the stream ends (the connection is free again)
        pass


def stance_sources(session: Session, only: str | None = None) -> pd.DataFrame:
    """The stance_sources table: per speaker, issue and outlet (a story once, for its first
    article's outlet), the majority stance; how many outlets report the cell, and whether they
    agree. Needs the articles' `source_label` (`source_labels`)."""
    rows = _rows(session, only)
    per = ", ".join(f"count(*) FILTER (WHERE stance = '{s}') AS n_{s}" for s in STANCES)
    stats = session.df(f"""
        WITH src AS (SELECT article_id, arg_min_null(source_label, {POS}) AS source
                     FROM articles GROUP BY article_id),
        r AS (SELECT r.*, coalesce(src.source, '(unknown)') AS source FROM {rows} r
              LEFT JOIN src USING (article_id))
        SELECT speaker, issue, source, arg_min_null(issue_label, {POS}) AS label, {per},
               count(DISTINCT (article_id, statement)) AS n_statements,
               count(DISTINCT article_id) AS n_articles
        FROM r GROUP BY speaker, issue, source ORDER BY speaker, issue, source""")
    if not len(stats):
        return schema.empty("stance_sources")
    out = pd.DataFrame({
        "speaker": stats["speaker"], "issue": stats["issue"], "issue_label": stats["label"],
        "source": stats["source"],
        "stance": [majority({s: int(r[f"n_{s}"]) for s in STANCES if r[f"n_{s}"]})[0]
                   for r in stats.to_dict("records")],
        "n_statements": stats["n_statements"].astype("int64"),
        "n_articles": stats["n_articles"].astype("int64")})
    grouped = out.groupby(["speaker", "issue"])["stance"]
    out["n_sources"] = grouped.transform("size").astype("int64")
    out["consistent"] = grouped.transform("nunique").eq(1)
    return out


def source_labels(articles: pd.DataFrame) -> pd.Series:
    """The outlet as stance_sources shows it: stripped, "(unknown)" when empty or missing."""
    src = articles["source"] if "source" in articles.columns else pd.Series(
        "", index=articles.index)
    return src.fillna("").astype(str).str.strip().replace("", "(unknown)")


def _relation(a: str, b: str) -> str:
    fam = {k: quote(v) for k, v in FAMILY.items()}

    def family(x: str) -> str:
        return "CASE " + " ".join(f"WHEN {x} = '{k}' THEN {v}" for k, v in fam.items()) + " END"

    fa, fb = family(a), family(b)
    return (f"CASE WHEN {a} IS NULL OR {b} IS NULL THEN 'one silent' "
            f"WHEN {a} = 'mixed' OR {b} = 'mixed' THEN 'mixed' "
            f"WHEN ({a} = 'neutral' OR {b} = 'neutral') AND {a} <> {b} THEN 'one neutral' "
            f"WHEN {fa} = {fb} THEN CASE WHEN {fa} = 'against' THEN 'both against' "
            f"ELSE 'agree' END "
            f"WHEN {fa} = 'against' OR {fb} = 'against' THEN 'disagree' ELSE 'differ' END")


def _behind(m: str) -> str:
    return (f"CASE WHEN {m}.speaker IS NULL THEN 0 WHEN {m}.stance = 'mixed' THEN "
            f"{m}.n_nonneutral " + " ".join(f"WHEN {m}.stance = '{s}' THEN {m}.n_{s}"
                                            for s in STANCES) + " END")


def stance_pairs(session: Session, matrix: pd.DataFrame, issue_ids: list[str]) -> pd.DataFrame:
    """The stance_pairs table of a stance matrix (`newslens.analysis.stance.pairwise`): pairs of
    speakers who share an issue, every issue either spoke on, in `issue_ids` order (others
    after, by id)."""
    if len(matrix) == 0:
        return schema.empty("stance_pairs")
    session.table("pair_matrix", matrix.assign(**{POS: np.arange(len(matrix))}))
    session.table("pair_issue_order", pd.DataFrame(
        {"issue": list(issue_ids), "ord": np.arange(len(issue_ids), dtype="int64")}))
    out = session.df(f"""
        WITH m AS (SELECT * FROM pair_matrix),
        labels AS (SELECT issue, arg_max_null(issue_label, {POS}) AS label FROM m GROUP BY issue),
        pairs AS (SELECT DISTINCT a.speaker AS a, b.speaker AS b FROM m a JOIN m b
                  ON a.issue = b.issue AND a.speaker < b.speaker),
        cells AS (SELECT p.a, p.b, m.issue FROM pairs p JOIN m ON m.speaker = p.a
                  UNION SELECT p.a, p.b, m.issue FROM pairs p JOIN m ON m.speaker = p.b)
        SELECT c.a AS actor_a, c.b AS actor_b, c.issue, labels.label AS issue_label,
               coalesce(ma.stance, '') AS stance_a, coalesce(mb.stance, '') AS stance_b,
               {_relation('ma.stance', 'mb.stance')} AS relation,
               {_behind('ma')} AS n_a, {_behind('mb')} AS n_b,
               coalesce(ma.split, '') AS split_a, coalesce(mb.split, '') AS split_b
        FROM cells c JOIN labels USING (issue)
        LEFT JOIN m ma ON ma.speaker = c.a AND ma.issue = c.issue
        LEFT JOIN m mb ON mb.speaker = c.b AND mb.issue = c.issue
        LEFT JOIN pair_issue_order o ON o.issue = c.issue
        ORDER BY c.a, c.b, coalesce(o.ord, 99), c.issue""")
    out["n_a"] = out["n_a"].astype("int64")
    out["n_b"] = out["n_b"].astype("int64")
    return out[list(schema.table("stance_pairs").names)]
