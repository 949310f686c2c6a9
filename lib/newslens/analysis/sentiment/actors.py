"""Sentiment by actor: aggregation of the mention table, drivers, evidence, scorers compared.

- `actor_sentiment`: per actor and voice ("about" = role target, "own" = role speaker, "all"):
  mean target polarity with a seeded-bootstrap 95% CI, class shares, mean subjectivity and a
  low_sample flag (< 3 mentions), optionally per article / source / date.
- `actor_drivers`, `evidence`: the words and the sentences behind each actor's numbers.
- `compare_scorers`: every scorer's actor means side by side.
"""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from newslens import schema
from newslens.analysis.sentiment.lexicons import SCORERS
from newslens.analysis.sentiment.mentions import _labels, _parse_drivers, mention_sentiment
from newslens.io.syndication import story_rows

MIN_MENTIONS = 3
N_BOOT = 2000
VOICES = {"about": "target", "own": "speaker"}

ACTOR_COLUMNS = schema.table("actor_sentiment").names
DRIVER_COLUMNS = ["actor_id", "actor", "voice", "driver", "polarity", "mentions"]
EVIDENCE_COLUMNS = [
    "actor_id", "actor", "voice", "direction", "rank", "article_id", "sentence", "start", "end",
    "target_polarity", "drivers", "text", "at_start", "at_end",
]  # fmt: skip


def _group_seed(seed: int, key) -> int:
    return (seed * 1_000_003 + zlib.crc32(repr(key).encode())) % (2**32)


def bootstrap_ci(values, seed: int = 0, n_boot: int = N_BOOT, key=None) -> tuple[float, float]:
    """95% percentile bootstrap CI of the mean; NaN when fewer than 2 values.

    The generator is seeded from `seed` and the group `key`, so a group's CI does not depend on
    which other groups are in the table.
    """
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(_group_seed(seed, key))
    # Resamples drawn in blocks of rows (~1M indices): the same draws and means as one
    # (n_boot, n) array, without its memory (1.6 GB at n=50k). Blocks of 8 MB are reused from
    # the heap; blocks of 32 MB were fresh mappings each time, and touching their new pages
    # took as long as the resampling (n=100,000: 1.3 s -> 0.66 s, the same CI).
    block = max(1, 1_000_000 // len(x))
    means = np.concatenate([
        x[rng.integers(0, len(x), size=(min(block, n_boot - i), len(x)))].mean(axis=1)
        for i in range(0, n_boot, block)
    ])
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def _bootstrap_groups(grouped, seed: int) -> list[tuple[float, float]]:
    """bootstrap_ci of every group, in group order, on a few threads (each group has its own
    seeded generator, so the numbers do not depend on the threads; numpy releases the GIL)."""
    jobs = [(k if isinstance(k, tuple) else (k,), v.to_numpy(dtype=float)) for k, v in grouped]
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda job: bootstrap_ci(job[1], seed=seed, key=job[0]), jobs))


def _with_by(ms: pd.DataFrame, by, articles) -> tuple[pd.DataFrame, list[str]]:
    if by is None:
        return ms, []
    by = [by] if isinstance(by, str) else list(by)
    need = [b for b in by if b not in ms.columns]
    if need:
        if articles is None:
            raise ValueError(f"actor_sentiment by={need}: pass articles= to look these up")
        meta = articles[["article_id"]].copy()
        for b in need:
            if b == "date":
                meta["date"] = pd.to_datetime(articles["published"]).dt.date
            elif b in articles.columns:
                meta[b] = articles[b]
            else:
                raise ValueError(f"actor_sentiment by={b!r}: no such column in the articles table")
        ms = ms.merge(meta, on="article_id", how="left")
    return ms, by


def actor_sentiment(
    mention_sentiment: pd.DataFrame,
    by=None,
    seed: int = 0,
    articles: pd.DataFrame | None = None,
    min_mentions: int = MIN_MENTIONS,
    count: str = "story",
) -> pd.DataFrame:
    """Per actor (and `by` column(s): article_id, source, date, ...) and voice.

    count: "story" (default) counts a syndicated story once, through its original (needs
    `articles` with `story_id`; `newslens.io.syndication.story_rows`), "article" every copy.

    voice: "all" mentions, "about" (role target: coverage about the actor), "own" (role speaker:
    the tone of the actor's own statements). A voice with no mentions has no row. Columns:
    mentions, sentences, articles, mean_polarity with a 95% seeded-bootstrap CI (ci_low, ci_high;
    NaN for a single mention), share_negative/neutral/positive, mean_subjectivity, and low_sample
    (mentions < min_mentions: flagged, not hidden). `source`/`date` come from `articles`.
    """
    mention_sentiment = story_rows(mention_sentiment, articles, count)  # one row set per story
    ms, by = _with_by(mention_sentiment, by, articles)
    if ms.empty:
        return pd.DataFrame(columns=ACTOR_COLUMNS[:2] + by + ACTOR_COLUMNS[2:])
    scorer = str(ms["scorer"].iloc[0])
    long = _voice_rows(ms)
    rows = []
    keys = ["actor_id", *by, "voice"]
    cis = _bootstrap_groups(long.groupby(keys, sort=True, dropna=False)["target_polarity"], seed)
    for (key, g), (lo, hi) in zip(long.groupby(keys, sort=True, dropna=False), cis):
        key = key if isinstance(key, tuple) else (key,)
        pol = g["target_polarity"].to_numpy(dtype=float)
        lab = g["label"].to_numpy()
        rows.append(
            {
                "actor_id": key[0],
                "actor": g["actor"].iloc[0],
                **dict(zip(by, key[1:-1])),
                "voice": key[-1],
                "mentions": len(g),
                "sentences": len(g[["article_id", "sentence"]].drop_duplicates()),
                "articles": g["article_id"].nunique(),
                "mean_polarity": float(pol.mean()),
                "ci_low": lo,
                "ci_high": hi,
                "share_negative": float((lab == "negative").mean()),
                "share_neutral": float((lab == "neutral").mean()),
                "share_positive": float((lab == "positive").mean()),
                "mean_subjectivity": float(g["target_subjectivity"].mean()),
                "low_sample": len(g) < min_mentions,
                "linked": bool(g["linked"].iloc[0]) if "linked" in g else True,
                "scorer": scorer,
            }
        )
    out = pd.DataFrame(rows, columns=ACTOR_COLUMNS[:2] + by + ACTOR_COLUMNS[2:])
    order = {"all": 0, "about": 1, "own": 2}
    out = out.sort_values(
        ["actor_id", *by, "voice"], key=lambda s: s.map(order) if s.name == "voice" else s
    )
    return out.reset_index(drop=True)


def _voice_rows(ms: pd.DataFrame) -> pd.DataFrame:
    parts = [ms.assign(voice="all")]
    for voice, role in VOICES.items():
        parts.append(ms[ms["role"] == role].assign(voice=voice))
    return pd.concat(parts, ignore_index=True)


def actor_drivers(mention_sentiment: pd.DataFrame, top: int = 5, voice=None) -> pd.DataFrame:
    """The words/phrases that drive each actor's scores: per actor and voice, the `top` drivers
    by number of mentions whose window contains them (then by |polarity|)."""
    ms = mention_sentiment
    if ms.empty:
        return pd.DataFrame(columns=DRIVER_COLUMNS)
    rows = []
    for r in _voice_rows(ms).itertuples(index=False):
        for word, pol in _parse_drivers(r.drivers):
            rows.append((r.actor_id, r.actor, r.voice, word, pol))
    if not rows:
        return pd.DataFrame(columns=DRIVER_COLUMNS)
    d = pd.DataFrame(rows, columns=["actor_id", "actor", "voice", "driver", "polarity"])
    d = (
        d.groupby(["actor_id", "actor", "voice", "driver"], sort=True)
        .agg(polarity=("polarity", "mean"), mentions=("polarity", "size"))
        .reset_index()
    )
    if voice is not None:
        d = d[d["voice"] == voice]
    d["_abs"] = -d["polarity"].abs()
    d["_neg"] = -d["mentions"]
    d = d.sort_values(["actor_id", "voice", "_neg", "_abs", "driver"])
    d = d.groupby(["actor_id", "voice"], sort=False).head(top)
    return d[DRIVER_COLUMNS].reset_index(drop=True)


def evidence(
    mention_sentiment: pd.DataFrame,
    sentences: pd.DataFrame,
    n: int = 2,
    voice: str = "all",
    actors=None,
) -> pd.DataFrame:
    """The `n` most positive and `n` most negative mentions per actor (neutral ones excluded),
    with the sentence text and the mention's offsets inside it (text[at_start:at_end])."""
    ms = mention_sentiment
    if voice != "all":
        ms = ms[ms["role"] == VOICES[voice]]
    if actors is not None:
        ms = ms[ms["actor_id"].isin(list(actors))]
    if ms.empty:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    sent = sentences.set_index(["article_id", "sentence"])[["start", "text"]]
    parts = []
    for direction, sign in (("positive", -1), ("negative", 1)):
        sub = ms[ms["label"] == direction].copy()
        sub["_k"] = sign * sub["target_polarity"]
        sub = sub.sort_values(["actor_id", "_k", "article_id", "sentence", "start"])
        sub = sub.groupby("actor_id", sort=False).head(n)
        sub["rank"] = sub.groupby("actor_id").cumcount() + 1
        sub["direction"] = direction
        parts.append(sub)
    ev = pd.concat(parts, ignore_index=True)
    if ev.empty:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    keys = pd.MultiIndex.from_arrays([ev["article_id"], ev["sentence"]])
    s_start = sent["start"].reindex(keys).to_numpy().astype(int)
    ev["text"] = sent["text"].reindex(keys).to_numpy()
    ev["at_start"] = ev["start"].to_numpy(dtype=int) - s_start
    ev["at_end"] = ev["end"].to_numpy(dtype=int) - s_start
    ev["voice"] = voice
    ev = ev.sort_values(["actor_id", "direction", "rank"], ascending=[True, False, True])
    return ev[EVIDENCE_COLUMNS].reset_index(drop=True)


def compare_scorers(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    statements: pd.DataFrame,
    scorers=SCORERS,
) -> pd.DataFrame:
    """Per actor (all mentions): mean target polarity under each scorer (mean_<scorer>), and
    `same_sign` = every scorer puts the actor on the same side (negative/neutral/positive)."""
    cols = ["actor_id", "actor", "mentions"] + [f"mean_{s}" for s in scorers] + ["same_sign"]
    if mentions.empty:
        return pd.DataFrame(columns=cols)
    out = None
    for s in scorers:
        a = actor_sentiment(mention_sentiment(sentences, mentions, statements, scorer=s))
        a = a[a["voice"] == "all"][["actor_id", "actor", "mentions", "mean_polarity"]]
        a = a.rename(columns={"mean_polarity": f"mean_{s}"})
        out = a if out is None else out.merge(a, on=["actor_id", "actor", "mentions"])
    signs = np.column_stack([_labels(out[f"mean_{s}"], s) for s in scorers])
    out["same_sign"] = (signs == signs[:, :1]).all(axis=1)
    return out[cols].sort_values("actor_id").reset_index(drop=True)
