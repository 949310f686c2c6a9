"""actor_sentiment in DuckDB: counts by SQL, means and seeded bootstrap CIs from per-group arrays.

The same table as `newslens.analysis.sentiment.actor_sentiment(ms, seed=0, articles=...)`
(values, order, dtypes): per actor and voice ("all", "about" = role target, "own" = role
speaker) the mentions, sentences, articles, class shares (one grouped query), and mean polarity,
its 95% percentile-bootstrap CI and mean subjectivity computed with NumPy from the group's values
in table order (a second query streams them sorted by actor and position, in Arrow batches), so
sums and the seeded resamples are those of the pandas version. Groups are bootstrapped in batches
of at most BATCH_VALUES values on a few threads: memory stays bounded whatever the corpus size.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from newslens import interrupt, schema
from newslens.analysis.sentiment.actors import MIN_MENTIONS, N_BOOT
from newslens.analysis.sentiment.actors import bootstrap_ci as group_bootstrap_ci
from newslens.engine.duck import POS, Session

BATCH_VALUES = 2_000_000  # values of completed groups bootstrapped together
VOICES = ("all", "about", "own")
_ROLE = {"about": "role = 'target'", "own": "role = 'speaker'", "all": "true"}
COLUMNS = ("article_id", "sentence", "actor_id", "actor", "linked", "role", "target_polarity",
           "target_subjectivity", "label", "scorer")


def bootstrap_ci(x: np.ndarray, seed: int, key, n_boot: int = N_BOOT) -> tuple[float, float]:
    """95% percentile bootstrap CI of the mean of one group's values: the draws of
    `newslens.analysis.sentiment.bootstrap_ci` (seeded by `seed` and the group key)."""
    return group_bootstrap_ci(x, seed=seed, n_boot=n_boot, key=key)


def pandas_mean(x: np.ndarray) -> float:
    """Series.mean (NaN skipped: zeros in their place, divided by the count of the others)."""
    missing = np.isnan(x)
    if not missing.any():
        return float(x.sum() / float(len(x))) if len(x) else float("nan")
    count = len(x) - int(missing.sum())
    return float(np.where(missing, 0.0, x).sum() / float(count)) if count else float("nan")


def _stats_sql(rows: str) -> str:
    parts = []
    for voice in VOICES:
        cond = _ROLE[voice]
        parts.append(
            f"count(*) FILTER (WHERE {cond}) AS n_{voice}, "
            f"count(DISTINCT (article_id, sentence)) FILTER (WHERE {cond}) AS sent_{voice}, "
            f"count(DISTINCT article_id) FILTER (WHERE {cond}) AS art_{voice}, "
            f"arg_min_null(actor, {POS}) FILTER (WHERE {cond}) AS actor_{voice}, "
            f"arg_min_null(linked, {POS}) FILTER (WHERE {cond}) AS linked_{voice}, "
            + ", ".join(f"count(*) FILTER (WHERE {cond} AND label = '{lab}') AS {lab}_{voice}"
                        for lab in ("negative", "neutral", "positive")))
    return (f"SELECT actor_id, {', '.join(parts)} FROM {rows} GROUP BY actor_id "
            "ORDER BY actor_id NULLS LAST")


def actor_sentiment(session: Session, seed: int = 0, min_mentions: int = MIN_MENTIONS,
                    table: str = "mention_sentiment", only: str | None = None) -> pd.DataFrame:
    """The actor_sentiment table of the session's `table` (see the module docstring).
    `only`: SQL of a table of actor_id values to restrict to (the groups to recompute)."""
    rows = session.counted(table)
    if only is not None:
        rows = (f"(SELECT * FROM {rows} r WHERE EXISTS (SELECT 1 FROM {only} o "
                "WHERE o.actor_id IS NOT DISTINCT FROM r.actor_id))")
    first = session.con.execute(f"SELECT scorer FROM {rows} ORDER BY {POS} LIMIT 1").fetchall()
    if not first:
        return schema.empty("actor_sentiment")
    scorer = str(first[0][0])
    stats = session.df(_stats_sql(rows))
    linked_col = "linked" in session.columns[table]
    values = session.batches(
        f"SELECT coalesce(role = 'target', false) AS t, coalesce(role = 'speaker', false) AS s, "
        f"CAST(target_polarity AS DOUBLE) AS p, CAST(target_subjectivity AS DOUBLE) AS q "
        f"FROM {rows} ORDER BY actor_id NULLS LAST, {POS}")
    out = []
    for ci_rows in _bootstrapped(stats, values, seed):
        for actor_id, voice, n, pol, subj, lo, hi, rec in ci_rows:
            out.append({
                "actor_id": actor_id, "actor": rec[f"actor_{voice}"], "voice": voice,
                "mentions": n, "sentences": int(rec[f"sent_{voice}"]),
                "articles": int(rec[f"art_{voice}"]), "mean_polarity": pol,
                "ci_low": lo, "ci_high": hi,
                **{f"share_{lab}": float(int(rec[f"{lab}_{voice}"]) / float(n))
                   for lab in ("negative", "neutral", "positive")},
                "mean_subjectivity": subj, "low_sample": n < min_mentions,
                "linked": bool(rec[f"linked_{voice}"]) if linked_col else True,
                "scorer": scorer})
    return pd.DataFrame(out, columns=schema.table("actor_sentiment").names)


def _slices(stats: pd.DataFrame, values):
    """(stats row, arrays t, s, p, q of that actor's rows) per actor, from the streamed batches."""
    pending: list[dict[str, np.ndarray]] = []
    have = 0
    for rec in stats.to_dict("records"):
        need = int(rec["n_all"])
        while have < need:
            batch = next(values)
            pending.append({c: batch.column(c).to_numpy(zero_copy_only=False)
                            for c in ("t", "s", "p", "q")})
            have += batch.num_rows
        cols = {c: np.concatenate([b[c] for b in pending]) if len(pending) > 1
                else pending[0][c] for c in ("t", "s", "p", "q")}
        yield rec, {c: v[:need] for c, v in cols.items()}
        rest = {c: v[need:] for c, v in cols.items()}
        pending, have = ([rest], have - need) if have > need else ([], 0)
    for _ in values:  # the stream ends (the connection is free again)
        pass


def _bootstrapped(stats: pd.DataFrame, values, seed: int):
    """Lists of finished rows (actor_id, voice, n, mean polarity, mean subjectivity, CI, stats),
    in order, each list a batch of groups bootstrapped together on a few threads."""
    jobs, size = [], 0
    threads = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for rec, cols in _slices(stats, values):
            actor_id = rec["actor_id"]
            actor_id = None if actor_id is None or (isinstance(actor_id, float)
                                                    and np.isnan(actor_id)) else actor_id
            for voice in VOICES:
                mask = cols["t"] if voice == "about" else cols["s"] if voice == "own" else None
                pol = cols["p"] if mask is None else cols["p"][mask.astype(bool)]
                if not len(pol):
                    continue
                subj = cols["q"] if mask is None else cols["q"][mask.astype(bool)]
                key = (float("nan") if actor_id is None else actor_id, voice)
                jobs.append((actor_id, voice, pol, subj, key, rec))
                size += len(pol)
            if size >= BATCH_VALUES:
                yield _finish(pool, jobs, seed)
                jobs, size = [], 0
        if jobs:
            yield _finish(pool, jobs, seed)


def _finish(pool, jobs: list, seed: int) -> list:
    interrupt.check()  # a safe point between batches (a large corpus bootstraps for minutes)
    cis = list(pool.map(lambda job: bootstrap_ci(job[2], seed, job[4]), jobs))
    return [(a, v, len(pol), float(pol.mean()), pandas_mean(subj), lo, hi, rec)
            for (a, v, pol, subj, _, rec), (lo, hi) in zip(jobs, cis)]
