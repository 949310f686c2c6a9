"""Run the pipeline over a corpus: cached, chunked, on every core or on Dask, streamed.

`run(articles)` gives the same tables as `pipeline.analyze_articles(articles)` (same rows,
order and dtypes) however the work is split:

1. Articles are taken in `article_id` order (the first sort key of every per-article table),
   so tables come out in their canonical order piece by piece, without a global sort.
2. Articles already in the cache (`newslens.engine.cache`) are read back, not recomputed.
3. The others are cut into chunks of consecutive articles, computed in this process (small
   jobs), in a process pool or on Dask (`newslens.engine.workers`), a few chunks at a time.
   Each result is written to the cache as it arrives.
4. Consecutive articles are assembled into pieces (one chunk or pack each when possible, else
   merged and sorted) and handed, in order, to a sink: in memory (`run` returns the tables) or
   a writer that appends them to Parquet files (`newslens.engine.storage`), so a large corpus
   never has all its tables in memory.

`summarize` adds the corpus-level tables (cached per corpus), `analyze_corpus` does both and
`analyze` (= `newslens.analyze`) returns just the tables. Run statistics (articles cached and
computed, chunks, per-stage seconds) come back in the `RunResult`, never in module state.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from newslens import interrupt, schema
from newslens.engine import cache as cache_mod
from newslens.engine import columnar, pipeline, storage, summaries
from newslens.engine import workers as backends
from newslens.engine.stages import Registry

MIN_POOL_ARTICLES = 50  # fewer missing articles than this: no pool (start-up costs more)
MAX_CHUNK = 250
PIECE_MIN, PIECE_MAX = 64, 1000  # articles per assembled piece (a Parquet row group)
ENGINES = ("local", "dask")

_data_fp: list[str] = []  # fingerprint of the data folder the in-memory caches were built from


@dataclass
class RunStats:
    """What a run did: articles, how many came from the cache, chunks, seconds per stage."""

    articles: int = 0
    cached: int = 0
    computed: int = 0
    chunks: int = 0
    engine: str = "local"
    workers: int = 1
    seconds: float = 0.0
    stages: dict[str, list] = field(default_factory=dict)  # name -> [seconds, calls]
    corpus_key: str | None = None  # sha256 of the article keys (with a cache)
    summary_cached: bool | None = None  # summaries read from the cache (None: not asked)

    def add_times(self, times: dict) -> None:
        for name, (sec, calls) in times.items():
            entry = self.stages.setdefault(name, [0.0, 0])
            entry[0] += sec
            entry[1] += calls


@dataclass
class RunResult:
    """Tables of a run, and its statistics."""

    tables: dict[str, pd.DataFrame]
    stats: RunStats


def default_workers() -> int:
    return backends.cores()


def chunk_bounds(n: int, workers: int, chunk_size: int | None = None) -> list[tuple[int, int]]:
    """(start, stop) of consecutive chunks: about 4 per worker, at most MAX_CHUNK articles."""
    if n == 0:
        return []
    size = chunk_size or max(1, min(MAX_CHUNK, math.ceil(n / (4 * max(workers, 1)))))
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def _keep_ids_together(bounds: list[tuple[int, int]], ids) -> list[tuple[int, int]]:
    """Bounds moved so that articles sharing an id are never split (their rows sort together)."""
    out, start = [], 0
    for _, stop in bounds:
        while 0 < stop < len(ids) and ids[stop] == ids[stop - 1]:
            stop += 1
        if stop > start:
            out.append((start, stop))
            start = stop
    return out


# ---- the plan: what comes from where, in which pieces ------------------------------------

@dataclass
class _Plan:
    """Articles in id order; per position its source (task number, or pack number after the
    tasks); the positions of each task; the pieces (ranges of positions) and, per piece, the
    sources no later piece needs (freed after it)."""

    articles: pd.DataFrame
    keys: list[str]
    ids: list
    source: np.ndarray
    tasks: list[np.ndarray]
    packs: list[str]
    pieces: list[tuple[int, int]]
    free_after: dict[int, list[int]]  # piece -> sources not needed after it


def _plan(articles: pd.DataFrame, keys: list[str], index: dict[str, str], n_workers: int,
          chunk_size: int | None) -> _Plan:
    order = articles["article_id"].reset_index(drop=True).sort_values(kind="stable").index
    order = order.to_numpy()
    frame = articles.iloc[order]
    keys = [keys[i] for i in order]
    ids = frame["article_id"].tolist()
    pack_of = [index.get(k) for k in keys]
    missing = np.array([i for i, p in enumerate(pack_of) if p is None], dtype=np.int64)
    if chunk_size is None and len(missing) < MIN_POOL_ARTICLES:
        chunk_size = max(len(missing), 1)  # in-process anyway: one call, one cache pack
    bounds = _keep_ids_together(chunk_bounds(len(missing), n_workers, chunk_size),
                                [ids[i] for i in missing])
    tasks = [missing[a:b] for a, b in bounds]
    source = np.empty(len(ids), dtype=np.int64)
    for t, positions in enumerate(tasks):
        source[positions] = t
    packs = sorted({p for p in pack_of if p is not None})
    number = {p: len(tasks) + i for i, p in enumerate(packs)}
    for i, p in enumerate(pack_of):
        if p is not None:
            source[i] = number[p]
    pieces = _pieces(ids, source)
    last_use = {}
    for k, (a, b) in enumerate(pieces):
        for code in np.unique(source[a:b]).tolist():
            last_use[code] = k
    free_after: dict[int, list[int]] = {}
    for code, k in last_use.items():
        free_after.setdefault(k, []).append(code)
    return _Plan(frame, keys, ids, source, tasks, packs, pieces, free_after)


def _pieces(ids: list, source: np.ndarray) -> list[tuple[int, int]]:
    """Ranges of positions: cut where the source changes (once PIECE_MIN long) or at
    PIECE_MAX, never between articles sharing an id."""
    out, start = [], 0
    for p in range(1, len(ids)):
        size = p - start
        if (size >= PIECE_MAX or (size >= PIECE_MIN and source[p] != source[p - 1])) \
                and ids[p] != ids[p - 1]:
            out.append((start, p))
            start = p
    if len(ids):
        out.append((start, len(ids)))
    return out


# ---- assembling pieces -------------------------------------------------------------------

@dataclass
class _Source:
    """Decoded tables of a chunk or pack and the ids of its articles."""

    ids: list
    tables: dict[str, pa.Table]
    keys: frozenset = frozenset()  # a cache pack's article keys


def _restrict(src: _Source, wanted: list) -> dict[str, pa.Table] | None:
    """The source's rows of the `wanted` articles (None when a table cannot be restricted)."""
    if len(wanted) == len(src.ids) and set(wanted) == set(src.ids):
        return src.tables
    keep = pa.array(list(dict.fromkeys(wanted)))
    out = {}
    for name, table in src.tables.items():
        if "article_id" not in table.column_names:
            return None
        out[name] = table.filter(pc.is_in(table["article_id"], value_set=keep))
    return out


def _merge(parts: list[tuple[np.ndarray, list, dict[str, pa.Table]]], names: list[str]
           ) -> dict[str, pa.Table]:
    """Tables of several sources in canonical order: sorted by the schema's keys, ties (and
    tables without keys) in article order (`parts`: positions, ids and tables of each)."""
    out = {}
    for name in names:
        frames = []
        for positions, ids, tables in parts:
            frame = tables[name].to_pandas()
            rank = pd.Series(positions, index=pd.Index(ids)).groupby(level=0).first()
            frame["__rank"] = (frame["article_id"].map(rank).to_numpy()
                               if "article_id" in frame.columns else 0)
            frames.append(frame)
        frame = pd.concat(frames, ignore_index=True)
        keys = [k for k in pipeline.TABLE_KEYS.get(name, []) if k in frame.columns]
        frame = frame.sort_values([*keys, "__rank"], kind="stable").drop(columns="__rank")
        out[name] = columnar.to_arrow(columnar.to_pandas(name, frame.reset_index(drop=True)))
    return out


class _Assembly:
    """Pieces of a plan, in order, from the chunk results and the cache (see `run`)."""

    def __init__(self, plan: _Plan, store, stages: Registry, stats: RunStats, profile: bool):
        self.plan, self.store, self.stages, self.stats = plan, store, stages, stats
        self.profile = profile
        self.sources: dict[int, _Source] = {}
        self.bad_packs: set[int] = set()
        self.names = stages.tables()

    def add_result(self, task: int, result, times: dict) -> None:
        """A chunk's result (encoded bytes, or a file in a shared folder): cached, decoded."""
        if isinstance(result, str):  # a worker wrote it to a shared folder
            path = result
            with open(path, "rb") as fh:
                result = fh.read()
            os.unlink(path)
        positions = self.plan.tasks[task]
        if self.store is not None:
            _store(self.store, [self.plan.keys[i] for i in positions], result)
        meta, tables = columnar.decode(result)
        self.sources[task] = _Source(meta["article_ids"], tables)
        self.stats.add_times(times)

    def _pack(self, code: int, positions: np.ndarray) -> _Source | None:
        """A cache pack's tables, or None when it failed a check (rejected: recomputed)."""
        name = self.plan.packs[code - len(self.plan.tasks)]
        if code not in self.sources and code not in self.bad_packs:
            content = self.store.read_pack(name)
            tables = None if content is None else _conforming(content["tables"], self.names)
            if content is not None and isinstance(tables, str):
                self.store.reject(name, tables)
            if content is None or isinstance(tables, str):
                self.bad_packs.add(code)
                return None
            self.sources[code] = _Source(content["article_ids"], tables,
                                         frozenset(content["keys"]))
        src = self.sources.get(code)
        if src is not None and not {self.plan.keys[i] for i in positions} <= src.keys:
            self.store.reject(name, "does not hold the articles its index lists")
            self.sources.pop(code)
            self.bad_packs.add(code)
            return None
        return src

    def _recompute(self, positions: np.ndarray) -> dict[str, pa.Table]:
        """Articles whose pack failed its checks: computed here, cached again."""
        chunk = self.plan.articles.iloc[positions]
        keys = [self.plan.keys[i] for i in positions]
        body, times = backends.compute(chunk, keys, self.stages, self.profile)
        _store(self.store, keys, body)
        self.stats.add_times(times)
        self.stats.cached -= len(positions)
        self.stats.computed += len(positions)
        return columnar.decode(body)[1]

    def piece(self, k: int, results) -> dict[str, pa.Table]:
        """Tables of piece `k`; `results` yields (task, result, times) in task order."""
        a, b = self.plan.pieces[k]
        codes = self.plan.source[a:b]
        parts = []
        for code in dict.fromkeys(codes.tolist()):
            positions = np.flatnonzero(codes == code) + a
            wanted = [self.plan.ids[i] for i in positions]
            if code < len(self.plan.tasks):
                while code not in self.sources:
                    self.add_result(*next(results))
                tables = _restrict(self.sources[code], wanted)
                if tables is None:
                    raise ValueError("every per-article table needs an article_id column")
            else:
                src = self._pack(code, positions)
                tables = _restrict(src, wanted) if src is not None else None
                if tables is None:
                    tables = self._recompute(positions)
            parts.append((positions, wanted, tables))
        for code in self.plan.free_after.get(k, ()):
            self.sources.pop(code, None)
        if len(parts) == 1:
            return {name: parts[0][2][name] for name in self.names}
        if all(pos[-1] - pos[0] + 1 == len(pos) for pos, _, _ in parts):  # one after another:
            return {name: pa.concat_tables([t[name] for _, _, t in parts],  # already in order
                                           promote_options="permissive") for name in self.names}
        return _merge(parts, self.names)


@functools.cache
def _declared(name: str) -> pa.Schema:
    """The Arrow schema of a declared table (what every chunk of it has)."""
    return columnar.to_arrow(schema.empty(name)).schema


def _conforming(tables: dict[str, pa.Table], names: list[str]) -> dict[str, pa.Table] | str:
    """A cache pack's tables when they are the run's tables with their declared columns and
    types (cast when only Arrow's representation differs), else the reason they are not."""
    if sorted(tables) != sorted(names):
        return f"holds tables {sorted(tables)}, not the run's {sorted(names)}"
    out = {}
    for name in names:
        table = tables[name]
        if "article_id" not in table.column_names:
            return f"has a table {name} without article_id"
        if name in schema.TABLES:
            want = _declared(name)
            if table.schema.names != want.names:
                return f"has a table {name} with other columns than its schema"
            if not table.schema.equals(want, check_metadata=False):
                try:
                    table = table.cast(want)
                except (pa.ArrowException, ValueError, TypeError):
                    return f"has a table {name} with column types other than its schema"
        out[name] = table
    return out


class Collect:
    """A sink keeping every piece in memory; `frames()` gives the concatenated tables."""

    def __init__(self):
        self.parts: dict[str, list[pa.Table]] = {}

    def __call__(self, tables: dict[str, pa.Table]) -> None:
        for name, table in tables.items():
            self.parts.setdefault(name, []).append(table)

    def frames(self) -> dict[str, pd.DataFrame]:
        out = {}
        for name in list(self.parts):
            table = pa.concat_tables(self.parts.pop(name), promote_options="permissive")
            out[name] = columnar.to_pandas(name, table)
        return out


def _store(store, keys: list[str], body: bytes) -> None:
    try:
        store.write_pack(keys, body)
    except OSError as err:  # a full or read-only disk never breaks an analysis
        print(f"newslens: cache not written ({err})", file=sys.stderr)


def _results(plan: _Plan, stages: Registry, engine: str, n_workers: int, scheduler,
             profile: bool, shared):
    """(task, result, times) of every task, in order, from the chosen backend."""
    frame = plan.articles
    tasks = ((t, (frame.iloc[pos], [plan.keys[i] for i in pos], stages, profile, shared))
             for t, pos in enumerate(plan.tasks))
    todo = sum(len(t) for t in plan.tasks)
    if engine == "dask":
        results = backends.dask_map(backends.compute, tasks, n_workers, scheduler)
    elif n_workers <= 1 or todo < MIN_POOL_ARTICLES or len(plan.tasks) <= 1:
        results = backends.inline_map(backends.compute, tasks)
    else:
        if backends.forks():
            _warm_up(frame, stages)  # forked workers inherit the loaded lexicons and model
        results = backends.pool_map(backends.compute, tasks, min(n_workers, len(plan.tasks)))
    for t, (result, times) in results:
        yield t, result, times


def _warm_up(articles: pd.DataFrame, stages: Registry) -> None:
    """Run the stages once in this process on the corpus's shortest article, so that what
    they load on first use (gazetteers, lexicons, the sentiment model, TextBlob) is loaded
    once here rather than by every worker process (a pool replaces its workers now and then)."""
    lengths = articles["text"].fillna("").astype(str).str.len()
    stages.run({"articles": articles.iloc[[int(lengths.to_numpy().argmin())]]})


# ---- the engine --------------------------------------------------------------------------

def _clear_caches_if_data_changed() -> None:
    """A changed data folder must not be served from in-memory caches of the old one."""
    fp = cache_mod.data_fingerprint()
    if _data_fp and _data_fp[0] != fp:
        for name, module in list(sys.modules.items()):
            if name.startswith("newslens") and module is not None:
                for obj in list(vars(module).values()):
                    if callable(getattr(obj, "cache_clear", None)):
                        obj.cache_clear()
    _data_fp[:] = [fp]


def run(articles: pd.DataFrame, stages: Registry | None = None, *, workers: int | None = None,
        chunk_size: int | None = None, cache=None, engine: str = "local",
        scheduler: str | None = None, progress: bool | None = None, profile: bool = False,
        sink: Callable[[dict[str, pa.Table]], None] | None = None,
        shared: str | os.PathLike | None = None) -> RunResult:
    """Per-article tables of `articles` (`stages`, default `pipeline.PER_ARTICLE`).

    workers: processes (default: every core); chunk_size: articles per chunk (default: about
    four chunks per worker, at most 250); cache: None/True (default folder), a folder, or
    False; engine: "local" or "dask"; scheduler: for dask, a scheduler address, or
    "threads"/"processes"/"synchronous" (default: a LocalCluster of `workers` processes);
    progress: tqdm bar (default: on a terminal for 500+ articles to compute); profile: time
    each stage (`result.stats.stages`); sink: called with each piece's Arrow tables in order
    instead of keeping them (the result's tables are then empty); shared: a folder every worker
    can write (Dask on several machines): chunk results go through files there.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    stages = stages or pipeline.PER_ARTICLE
    n_workers = backends.cap_workers(workers or None, engine, scheduler)
    t0 = time.perf_counter()
    _clear_caches_if_data_changed()
    stats = RunStats(articles=len(articles), engine=engine, workers=n_workers)
    collect = Collect() if sink is None else None
    if len(articles) == 0:
        (sink or collect)({k: columnar.to_arrow(t)
                           for k, t in pipeline.analyze_articles(articles, stages).items()})
    else:
        _run(articles, stages, n_workers, chunk_size, cache, engine, scheduler, progress,
             profile, sink or collect, None if shared is None else str(shared), stats)
    tables = collect.frames() if collect is not None else {}
    stats.seconds = time.perf_counter() - t0
    return RunResult(tables, stats)


def _run(articles, stages, n_workers, chunk_size, cache, engine, scheduler, progress, profile,
         sink, shared, stats) -> None:
    store = cache_mod.ArticleCache.open(cache, stages)
    keys = cache_mod.article_keys(articles)
    index = {}
    if store is not None:
        stats.corpus_key = hashlib.sha256("\n".join(keys).encode()).hexdigest()
        index = store.index()
    plan = _plan(articles, keys, index, n_workers, chunk_size)
    stats.computed = sum(len(t) for t in plan.tasks)
    stats.cached, stats.chunks = len(articles) - stats.computed, len(plan.tasks)
    stats.workers = min(n_workers, max(1, len(plan.tasks)))  # never more than the chunks
    assembly = _Assembly(plan, store, stages, stats, profile)
    bar = backends.progress_bar(stats.computed, progress)
    results = _results(plan, stages, engine, n_workers, scheduler, profile, shared)

    def counted():
        for t, result, times in results:
            if bar is not None:
                bar.update(len(plan.tasks[t]))
            yield t, result, times

    feed = counted()
    try:
        for k in range(len(plan.pieces)):
            interrupt.check()
            sink(assembly.piece(k, feed))
    finally:
        feed.close()  # stops the workers if a piece failed or the run was interrupted
        if bar is not None:
            bar.close()
    if store is not None:
        try:
            store.touch()
        except OSError:
            pass


def summarize(tables, articles: pd.DataFrame, *, corpus_key: str | None = None, cache=None,
              stages: Registry | None = None, profile: bool = False) -> RunResult:
    """The corpus-level tables (`stages`, default `pipeline.SUMMARIES`) of per-article `tables`
    (a dict of frames, or anything with `load(name, columns)`, e.g. `storage.Tables`).

    With a cache, stored per corpus (the key: `corpus_key`, the `RunStats.corpus_key` of the
    `run` that made `tables`, and the fingerprint of code and data) and per group of the
    partitioned stages (`newslens.engine.summaries`), so a corpus that changed by a few articles
    recomputes only the groups they touch.
    """
    stages = stages or pipeline.SUMMARIES
    interrupt.check()
    if interrupt.installed():  # a safe point before each stage (and group)
        stages = backends.with_checks(stages)
    stats = RunStats(articles=len(articles))
    times: dict[str, list] = {}
    t0 = time.perf_counter()
    load = tables.load if hasattr(tables, "load") else _loader(tables)
    store = cache_mod.ArticleCache.open(cache, stages) if corpus_key else None
    name = found = None
    if store is not None:
        name = "summary-" + hashlib.sha256(
            f"{store.fingerprint}\n{corpus_key}".encode()).hexdigest()
        found = store.read_tables(name)
        stats.summary_cached = found is not None and list(found) == stages.tables()
    if stats.summary_cached:
        out = found
    else:
        out = summaries.compute(stages, load, articles, store, times if profile else None,
                                source=tables)
        if store is not None:
            try:
                store.write_tables(name, out)
            except OSError as err:
                print(f"newslens: cache not written ({err})", file=sys.stderr)
    stats.add_times(times)
    stats.seconds = time.perf_counter() - t0
    return RunResult(out, stats)


def _loader(tables: dict[str, pd.DataFrame]):
    def load(name: str, columns: tuple | None) -> pd.DataFrame:
        table = tables[name]
        return table[list(columns)] if columns else table
    return load


def _with_metadata(articles: pd.DataFrame) -> pd.DataFrame:
    """`articles` with the metadata columns load_corpus gives (source, url: "", published: NaT)
    added where a hand-made frame lacks them; ValueError when article_id, title or text lack."""
    missing = [c for c in ("article_id", "title", "text") if c not in articles.columns]
    if missing:
        raise ValueError(f"articles lack column(s) {', '.join(missing)}: a corpus needs "
                         "article_id, title and text (newslens.load_corpus gives them)")
    extra = {c: "" for c in ("source", "url") if c not in articles.columns}
    if "published" not in articles.columns:
        extra["published"] = pd.Series(pd.NaT, index=articles.index, dtype="datetime64[us]")
    return articles.assign(**extra) if extra else articles


def analyze_corpus(articles: pd.DataFrame, *, workers: int | None = None, cache=None,
                   engine: str = "local", scheduler: str | None = None,
                   progress: bool | None = None, profile: bool = False,
                   stages: Registry | None = None, summaries: Registry | None = None,
                   languages=None) -> RunResult:
    """Per-article tables and their summaries, with the run's statistics (see `analyze`)."""
    from newslens.io.language import analysed

    # other languages: kept, reported, not analysed
    articles = analysed(_with_metadata(articles), languages)
    t0 = time.perf_counter()
    result = run(articles, stages, workers=workers, cache=cache, engine=engine,
                 scheduler=scheduler, progress=progress, profile=profile)
    summary = summarize(result.tables, articles, corpus_key=result.stats.corpus_key,
                        cache=cache, stages=summaries, profile=profile)
    result.tables.update(summary.tables)
    result.stats.add_times({f"summarize: {k}": v for k, v in summary.stats.stages.items()})
    result.stats.summary_cached = summary.stats.summary_cached
    result.stats.seconds = time.perf_counter() - t0
    return result


def analyze(articles: pd.DataFrame, *, workers: int | None = None, cache=None,
            engine: str = "local", scheduler: str | None = None,
            progress: bool | None = None, languages=None) -> dict[str, pd.DataFrame]:
    """All tables for a corpus: per-article tables plus their summaries.

    Per-article results are cached on disk (`cache`: None for the default folder, a folder, or
    False) and computed on `workers` processes (default: every core) or on Dask
    (`engine="dask"`, `scheduler` address), with a progress bar on terminals. Only articles
    in `languages` are analysed (default: those given to `load_corpus`, else English; "all").
    """
    return analyze_corpus(articles, workers=workers, cache=cache, engine=engine,
                          scheduler=scheduler, progress=progress, languages=languages).tables


def _commit(writer: storage.TableWriter, csv: bool, n: int) -> None:
    """Write the CSVs and move the tables into place, after a last interrupt check; the switch
    itself is not interrupted half-way (an interrupt then stays recorded: the CLI reports that
    the run had finished)."""
    interrupt.check()
    if csv:
        writer.write_csvs()
        interrupt.check()
    with interrupt.deferred():
        writer.commit(csv, n)


def analyze_to(articles: pd.DataFrame, out: str | os.PathLike, *,
               extra: dict[str, pd.DataFrame] | None = None, csv: bool | None = None,
               workers: int | None = None, chunk_size: int | None = None, cache=None,
               engine: str = "local", scheduler: str | None = None,
               progress: bool | None = None, profile: bool = False,
               shared: str | os.PathLike | None = None, languages=None) -> RunResult:
    """Analyze `articles` into the folder `out` (layout: `newslens.engine.storage`): the
    articles, `extra` tables (e.g. the load report), every per-article table written as it is
    computed, then the summaries, computed from the files. CSV copies when `csv` (default: up to
    `storage.CSV_MAX_ARTICLES` articles). Nothing in `out` changes unless the run completes.
    Returns the statistics (no tables: `newslens.open_tables(out)` reads them). Only articles
    in `languages` are analysed (see `analyze`); the articles table lists them all."""
    from newslens.io.language import analysed

    writer = storage.TableWriter(out)
    try:
        for name, table in {"articles": articles, **(extra or {})}.items():
            writer.append(name, table)
        articles = analysed(articles, languages)
        result = run(articles, workers=workers, chunk_size=chunk_size, cache=cache, engine=engine,
                     scheduler=scheduler, progress=progress, profile=profile, sink=writer,
                     shared=shared)
        interrupt.check()
        summary = summarize(writer, articles, corpus_key=result.stats.corpus_key, cache=cache,
                            profile=profile)
        writer(summary.tables)
        csv = len(articles) <= storage.CSV_MAX_ARTICLES if csv is None else csv
        _commit(writer, csv, len(articles))
    except BaseException:
        writer.abort()
        raise
    result.stats.add_times({f"summarize: {k}": v for k, v in summary.stats.stages.items()})
    result.stats.summary_cached = summary.stats.summary_cached
    return result
