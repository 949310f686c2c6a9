"""Corpus-level tables, from tables in memory or on disk, recomputed only where inputs changed.

`compute(stages, load, articles, store, source=...)` runs the summary stages
(`pipeline.SUMMARIES`) in order.

Stages whose function has a `.sql` (the pipeline's: `newslens.engine.sql`) run in DuckDB, on one
session (`newslens.engine.duck.Session`: a memory limit, spilling to disk) whose views read the
run's Parquet files directly when `source` gives their paths (`parquet_path(name)`: an
`analyze_to` staging folder, `open_tables`), else the frames `load` gives; only the columns the
stages declare (`Stage.columns`) are read. With a cache, a partitioned SQL stage first asks
DuckDB for a key per group (`newslens.engine.sql.group_keys`: a digest of the group's rows,
each hashed with its rank in the group; the region roll-up is partitioned by the regions of
each claim's chain), takes the groups whose key the stage's part file holds from it, and
computes only the others, by the same queries restricted to them.

Other stages get only the columns they declare of the tables they read, loaded by
`load(name, columns)`. A stage with a `partition` runs on blocks of consecutive groups of those
columns (about BLOCK_ROWS rows per call): its output is the groups' outputs in group order, the
same rows as one call (each group's numbers depend only on the group's rows; other tables it
reads, such as the articles' sources and stories, are joined by article and given for the
block's articles and their stories only). With a cache, each group is keyed by a hash of its
rows (and of those other rows) and the stage's part file holds every group's output with its
key, so adding an article recomputes only the groups it touches.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from newslens import interrupt, schema
from newslens.engine.stages import Registry, Stage


def compute(stages: Registry, load: Callable[[str, tuple | None], pd.DataFrame],
            articles: pd.DataFrame, store=None, times: dict | None = None, source=None,
            ) -> dict[str, pd.DataFrame]:
    """Every table the summary `stages` write (conformed to its schema when it has one)."""
    out: dict[str, pd.DataFrame] = {}
    session = None
    try:
        for stage in stages.order:
            sql = sql_of(stage.func)
            t0 = time.perf_counter()
            if sql is not None:
                interrupt.check()  # a safe point (the stage's own wrapper is not called)
                if session is None:
                    session = _open(stages, articles)
                _views(session, stage, stages, load, source, out)
                produced = {stage.writes[0]: _sql_stage(stage, sql, session, out, store)}
            else:
                produced = _pandas_stage(stage, load, articles, store, out)
            if times is not None:
                entry = times.setdefault(stage.name, [0.0, 0])
                entry[0] += time.perf_counter() - t0
                entry[1] += 1
            out.update({k: _conform(k, t) for k, t in produced.items()})
    finally:
        if session is not None:
            session.close()
    return out


def sql_of(func):
    """The DuckDB entry (`.sql`) of a stage function, through wrappers (`__wrapped__`, e.g.
    the interrupt checks `engine.workers.with_checks` adds); None for a pandas stage."""
    seen = 0
    while func is not None and seen < 10:
        found = getattr(func, "sql", None)
        if found is not None:
            return found
        func, seen = getattr(func, "__wrapped__", None), seen + 1
    return None


def _pandas_stage(stage: Stage, load, articles: pd.DataFrame, store, out: dict) -> dict:
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
    if stage.partition and len(inputs[stage.reads[0]]):
        return _by_partition(stage, inputs, store)
    return stage.run(inputs)


# ---- DuckDB stages -----------------------------------------------------------------------

def _open(stages: Registry, articles: pd.DataFrame):
    from newslens.engine import duck
    from newslens.engine import sql as sqlsum

    session = duck.Session()
    session.frame("articles", sqlsum.prepare_articles(articles))
    return session


def _views(session, stage: Stage, stages: Registry, load, source, out: dict) -> None:
    """Views of the tables the stage reads (every column any SQL stage declares of them)."""
    for name in dict.fromkeys(stage.inputs):
        if name == "articles" or name in out or session.has(name):
            continue
        cols: list[str] | None = []
        for other in stages.order:
            if name in other.inputs and sql_of(other.func) is not None:
                declared = other.columns.get(name)
                cols = None if declared is None or cols is None else [*cols, *declared]
        cols = list(dict.fromkeys(cols)) if cols is not None else None
        path = _parquet_path(source, name)
        if path is not None:
            session.parquet(name, path, cols)
        else:
            try:
                frame = load(name, tuple(cols) if cols else None)
            except KeyError:  # a table this run has not written: the stage copes
                continue
            session.frame(name, frame, cols)


def _parquet_path(source, name: str):
    finder = getattr(source, "parquet_path", None)
    if finder is None:
        return None
    try:
        return finder(name)
    except KeyError:
        return None


def _sql_stage(stage: Stage, sql, session, out: dict, store) -> pd.DataFrame:
    """The stage's table from DuckDB: whole, or per group through the cache's part file."""
    from newslens.engine import sql as sqlsum

    found = sqlsum.group_keys(stage.name, session) if store is not None and stage.partition \
        else None
    if found is None or not len(found[2]):
        return sql(session, out)
    by, by_out, groups = found
    import duckdb

    keys = []
    for rec in groups.itertuples(index=False):
        value = tuple(rec[:len(by)])
        h = hashlib.sha256(f"{stage.name} {stage.ref} duckdb {duckdb.__version__} "
                           f"{_plain(value)!r} {rec.n} {rec.h1} {rec.h2}".encode())
        keys.append(h.hexdigest()[:40])
    name = stage.writes[0]
    previous = _read_parts(store, stage)
    pieces = [previous[name][previous[name][_PART].isin(set(keys)).to_numpy()]] \
        if previous else []
    missing = [i for i, k in enumerate(keys) if not previous or k not in previous["__keys__"]]
    if missing:
        only = f"only_{stage.name}"
        session.table(only, groups.iloc[missing][by].reset_index(drop=True))
        new = sql(session, out, only=only)
        value_key = {_plain(tuple(groups.iloc[i][by])): keys[i] for i in missing}
        pieces.append(new.assign(**{_PART: _part_keys(new, by_out, value_key)}))
    rank = {k: i for i, k in enumerate(keys)}
    full = pd.concat([p for p in pieces if len(p)] or pieces, ignore_index=True)
    order = np.argsort(full[_PART].map(rank).to_numpy(), kind="stable")
    full = full.iloc[order].reset_index(drop=True)
    if missing or len(previous.get("__keys__", ())) != len(keys):
        _write_parts(store, stage, {name: full}, keys)
    table = full.drop(columns=_PART)
    finish = getattr(getattr(stage.func, "__wrapped__", stage.func), "finish", None)
    return finish(table) if finish is not None else table


def _conform(name: str, table: pd.DataFrame) -> pd.DataFrame:
    return schema.conform(name, table) if name in schema.TABLES else table


def _dtype_head(frame: pd.DataFrame) -> bytes:
    return repr([(c, str(t)) for c, t in frame.dtypes.items()]).encode()


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


class _Rows:
    """Another input of a partitioned stage, indexed to give the rows that concern a group's
    articles: by article_id, widened to whole stories where the table has a story_id (a
    syndicated story counts once, through its first article: the choice must see every article
    of the story). Row hashes are computed once, so a group's key costs no frame copy."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.head = frame, _dtype_head(frame)
        self.keyed = "article_id" in frame.columns
        if self.keyed:
            self.hashes = _row_hashes(frame)
            self.by_article = frame.groupby("article_id", sort=False).indices
            self.story = frame["story_id"] if "story_id" in frame.columns else None
            self.by_story = (frame.groupby("story_id", sort=False).indices
                             if self.story is not None else {})

    def positions(self, article_ids) -> np.ndarray:
        found = [self.by_article[a] for a in article_ids if a in self.by_article]
        pos = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.intp)
        if self.story is not None and len(pos):
            stories = self.story.iloc[pos].dropna().unique()
            more = [self.by_story[x] for x in stories if x in self.by_story]
            if more:
                pos = np.union1d(pos, np.concatenate(more))
        return pos

    def digest(self, pos) -> bytes:
        """sha256 of the rows at `pos` (as a table of those rows would hash)."""
        if not self.keyed:
            return _digest(self.frame)
        return hashlib.sha256(self.head + self.hashes[pos].tobytes()).digest()

    def rows(self, pos) -> pd.DataFrame:
        return self.frame.iloc[pos].reset_index(drop=True) if self.keyed else self.frame


def _digest(frame: pd.DataFrame) -> bytes:
    return hashlib.sha256(_dtype_head(frame) + _row_hashes(frame).tobytes()).digest()


def _by_partition(stage: Stage, inputs: dict, store) -> dict[str, pd.DataFrame]:
    """The stage per group of `stage.partition` (see the module docstring), run on blocks of
    consecutive groups of about BLOCK_ROWS rows (few calls, bounded memory: the same rows as one
    call). With a cache, each group is keyed by its rows and its articles' rows of the other
    tables, groups whose key the stage's part file holds are taken from it and only the missing
    ones are computed. The part file (one per stage: every group's rows with their key) is
    rewritten when anything changed."""
    first = stage.reads[0]
    by = list(stage.partition) if isinstance(stage.partition, tuple) else [stage.partition]
    table = inputs[first]
    others = {name: _Rows(frame) for name, frame in inputs.items() if name != first}
    groups = table.groupby(by, sort=True, dropna=False).indices
    if store is None:
        parts = list(_in_blocks(stage, first, table, others, list(groups.values())))
        return {name: _concat([p[name] for p in parts]) for name in stage.writes}
    head, hashes = _dtype_head(table), _row_hashes(table)
    keys: dict[str, np.ndarray] = {}  # group key -> the group's rows of `first`, group order
    for value, idx in groups.items():
        value = value if isinstance(value, tuple) else (value,)
        h = hashlib.sha256(f"{stage.name} {stage.ref} {_shown(value)!r}".encode())
        articles = table["article_id"].iloc[idx].unique() if "article_id" in table else ()
        for name in sorted([first, *others]):
            h.update(name.encode() + (
                hashlib.sha256(head + hashes[idx].tobytes()).digest() if name == first
                else others[name].digest(others[name].positions(articles))))
        keys[h.hexdigest()[:40]] = idx
    previous = _read_parts(store, stage)
    kept = {name: previous[name][previous[name][_PART].isin(keys).to_numpy()]
            for name in stage.writes if name in previous}
    missing = [k for k in keys if not previous or k not in previous["__keys__"]]
    pieces = {name: [kept[name]] if name in kept else [] for name in stage.writes}
    value_key = {_plain(_value(table, keys[k][0], by)): k for k in missing}
    for produced in _in_blocks(stage, first, table, others, [keys[k] for k in missing]):
        for name, frame in produced.items():
            pieces[name].append(frame.assign(**{_PART: _part_keys(frame, by, value_key)}))
    rank = {k: i for i, k in enumerate(keys)}
    out = {}
    for name in stage.writes:
        full = pd.concat(pieces[name], ignore_index=True)
        order = np.argsort(full[_PART].map(rank).to_numpy(), kind="stable")
        out[name] = full.iloc[order].reset_index(drop=True)
    if missing or len(previous.get("__keys__", ())) != len(keys):
        _write_parts(store, stage, out, list(keys))
    return {name: frame.drop(columns=_PART) for name, frame in out.items()}


_PART = "__part__"
BLOCK_ROWS = 200_000  # rows of the partitioned table per call of the stage


def _in_blocks(stage: Stage, first: str, table: pd.DataFrame, others: dict, groups: list):
    """The stage's output for each block of consecutive groups (row positions of `table`), a
    block holding about BLOCK_ROWS rows (a larger group alone); the other tables are given
    their rows of the block's articles."""
    block: list[np.ndarray] = []
    size = 0
    for i, idx in enumerate(groups):
        block.append(idx)
        size += len(idx)
        if size >= BLOCK_ROWS or i == len(groups) - 1:
            rows = np.sort(np.concatenate(block))
            given = {first: table.iloc[rows].reset_index(drop=True)}
            articles = given[first]["article_id"].unique() if "article_id" in table else ()
            for name, other in others.items():
                given[name] = other.rows(other.positions(articles))
            yield stage.run(given)
            block, size = [], 0


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    full = [f for f in frames if len(f)]
    return (pd.concat(full, ignore_index=True) if full else frames[0]).reset_index(drop=True)


def _value(table: pd.DataFrame, row: int, by: list) -> tuple:
    return tuple(table[c].iloc[row] for c in by)


def _part_keys(frame: pd.DataFrame, by: list, value_key: dict) -> np.ndarray:
    """The group key of each output row (by its partition columns)."""
    if not len(frame):
        return np.zeros(0, dtype=object)
    values = zip(*(frame[c].tolist() for c in by))
    return np.array([value_key[_plain(v)] for v in values], dtype=object)


def _read_parts(store, stage: Stage) -> dict:
    """{table: rows with their group key, "__keys__": set of keys} of the stage's part file,
    or {} when there is none (or it is not this stage's)."""
    found = store.read_tables(f"parts-{stage.name}")
    if not found or "__keys__" not in found or any(f"{n}@parts" not in found
                                                  or _PART not in found[f"{n}@parts"]
                                                  for n in stage.writes):
        return {}
    out = {name: found[f"{name}@parts"] for name in stage.writes}
    out["__keys__"] = set(found["__keys__"]["key"].tolist())
    return out


def _write_parts(store, stage: Stage, tables: dict, keys: list) -> None:
    """Named `<table>@parts`: not conformed to the table's schema on reading (the key column
    stays)."""
    try:
        store.write_tables(f"parts-{stage.name}",
                           {**{f"{name}@parts": t for name, t in tables.items()},
                            "__keys__": pd.DataFrame({"key": keys})})
    except OSError as err:
        print(f"newslens: cache not written ({err})", file=sys.stderr)


def _shown(value: tuple):
    """The group value as the per-group keys of earlier versions wrote it (a scalar alone)."""
    return value[0] if len(value) == 1 else value


def _plain(value: tuple) -> tuple:
    """A group value with missing values as None (NaN never equals itself as a dict key)."""
    return tuple(None if pd.isna(v) else v for v in value)
