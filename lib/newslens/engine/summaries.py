"""Corpus-level tables, from tables in memory or on disk, recomputed only where inputs changed.

`compute(stages, load, articles, store)` runs the summary stages (`pipeline.SUMMARIES`) in
order. Each stage gets only the columns it declares (`Stage.columns`) of the tables it reads,
loaded by `load(name, columns)` (a frame in memory, or a Parquet column read: the whole
per-article tables are never needed at once).

A stage with a `partition` (actor_sentiment by actor, stance_matrix and stance_sources by speaker
and issue) runs per group of those columns: its output is the groups' outputs in group order, the
same rows as one call (each group's numbers, the seeded bootstrap CIs included, depend only on
the group's rows; other tables it reads, such as the articles' sources and stories, are joined
by article and given for the group's articles and their stories only). With a cache, each
group's output is stored under a hash of the group's rows (and of those other rows), so adding
an article recomputes only the groups it touches: the actors it mentions, the speakers and
issues of its statements.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable

import pandas as pd

from newslens import schema
from newslens.engine.stages import Registry, Stage


def compute(stages: Registry, load: Callable[[str, tuple | None], pd.DataFrame],
            articles: pd.DataFrame, store=None, times: dict | None = None,
            ) -> dict[str, pd.DataFrame]:
    """Every table the summary `stages` write (conformed to its schema when it has one)."""
    out: dict[str, pd.DataFrame] = {}
    for stage in stages.order:
        inputs = {}
        for name in dict.fromkeys(stage.inputs):
            cols = stage.columns.get(name)
            if name in out:
                inputs[name] = out[name]
            elif name == "articles":  # story columns exist only when syndication was detected
                inputs[name] = articles[[c for c in cols if c in articles.columns]] \
                    if cols else articles
            else:
                inputs[name] = load(name, cols)
        t0 = time.perf_counter()
        if stage.partition and len(inputs[stage.reads[0]]):
            produced = _by_partition(stage, inputs, store)
        else:
            produced = stage.run(inputs)
        if times is not None:
            entry = times.setdefault(stage.name, [0.0, 0])
            entry[0] += time.perf_counter() - t0
            entry[1] += 1
        out.update({k: _conform(k, t) for k, t in produced.items()})
    return out


def _conform(name: str, table: pd.DataFrame) -> pd.DataFrame:
    return schema.conform(name, table) if name in schema.TABLES else table


def _digest(frame: pd.DataFrame) -> bytes:
    h = hashlib.sha256(repr([(c, str(t)) for c, t in frame.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.digest()


def _related(other: pd.DataFrame, group: pd.DataFrame) -> pd.DataFrame:
    """The rows of another input that concern the group's articles: by article_id, widened to
    whole stories where the table has a story_id (a syndicated story counts once, through its
    first article: the choice must see every article of the story)."""
    if "article_id" not in other.columns or "article_id" not in group.columns:
        return other
    keep = other["article_id"].isin(group["article_id"].unique())
    if "story_id" in other.columns:
        keep |= other["story_id"].isin(other.loc[keep.to_numpy(), "story_id"].dropna().unique())
    return other[keep.to_numpy()].reset_index(drop=True)


def _by_partition(stage: Stage, inputs: dict, store) -> dict[str, pd.DataFrame]:
    """The stage run per group of `stage.partition` (see the module docstring). The stage's
    other tables are joined by article: each group gets (and is keyed by) their rows of the
    group's articles only."""
    first = stage.reads[0]
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in stage.writes}
    by = list(stage.partition) if isinstance(stage.partition, tuple) else stage.partition
    for value, group in inputs[first].groupby(by, sort=True, dropna=False):
        group = group.reset_index(drop=True)
        given = {**inputs, first: group}
        for name in given:
            if name != first:
                given[name] = _related(inputs[name], group)
        key = None
        if store is not None:
            h = hashlib.sha256(f"{stage.name} {stage.ref} {value!r}".encode())
            for name in sorted(given):
                h.update(name.encode() + _digest(given[name]))
            key = f"part-{stage.name}-{h.hexdigest()[:40]}"
            found = store.read_tables(key)
            if found is not None and list(found) == list(stage.writes):
                for name, table in found.items():
                    parts[name].append(table)
                continue
        produced = stage.run(given)
        if key is not None:
            try:
                store.write_tables(key, produced)
            except OSError as err:
                print(f"newslens: cache not written ({err})", file=sys.stderr)
        for name, table in produced.items():
            parts[name].append(table)
    out = {}
    for name, tables in parts.items():
        full = [t for t in tables if len(t)]
        out[name] = (pd.concat(full, ignore_index=True) if full else tables[0]) \
            .reset_index(drop=True)
    return out
