"""Run the pipeline over a corpus: cached, chunked, on every core or on Dask.

`run(articles)` returns the same tables as `pipeline.analyze_articles(articles)` (same rows,
order and dtypes) however the work is split:

1. Articles already in the cache (`newslens.engine.cache`) are read back, not recomputed.
2. The others are cut into chunks of consecutive articles and analysed in-process (small
   jobs), in a process pool (`engine="local"`, the default) or as the partitions of a
   `dask.dataframe` (`engine="dask"`), each chunk by the same registry of per-article stages.
3. The chunk results are stored in the cache and concatenated; each table is put in its
   canonical order (`pipeline.TABLE_KEYS`, otherwise article order).

`summarize` adds the corpus-level tables (cached per corpus), `analyze_corpus` does both and
`analyze` (= `newslens.analyze`) returns just the tables. Run statistics (articles cached and
computed, chunks, per-stage seconds) come back in the `RunResult`, never in module state.

Workers are forked from the parent when it runs a single thread (they inherit the loaded
models), otherwise started by a fork server (safe in Jupyter kernels and threaded programs).
Chunks are sent as small DataFrames; results come back as Arrow bytes (`columnar.encode`, the
cache pack format), which the parent writes to the cache as they are.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from newslens import schema
from newslens.engine import cache as cache_mod
from newslens.engine import columnar, pipeline
from newslens.engine.stages import Registry

MIN_POOL_ARTICLES = 50  # fewer missing articles than this: no pool (start-up costs more)
MAX_CHUNK = 250
ENGINES = ("local", "dask")
LOCAL_SCHEDULERS = {"threads", "processes", "sync", "synchronous", "single-threaded"}

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
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def chunk_bounds(n: int, workers: int, chunk_size: int | None = None) -> list[tuple[int, int]]:
    """(start, stop) of consecutive chunks: about 4 per worker, at most MAX_CHUNK articles."""
    if n == 0:
        return []
    size = chunk_size or max(1, min(MAX_CHUNK, math.ceil(n / (4 * max(workers, 1)))))
    return [(i, min(i + size, n)) for i in range(0, n, size)]


# ---- computing chunks --------------------------------------------------------------------

def _compute(chunk: pd.DataFrame, keys: list[str], stages: Registry, profile: bool,
             as_bytes: bool = True):
    """(result, stage times) of one chunk. The result is the encoded pack (`pack_body`: what a
    pool sends back and the cache stores), or with `as_bytes=False` (in-process) the tables."""
    times: dict[str, list] = {}
    tables = pipeline.analyze_articles(chunk, stages.timed(times) if profile else stages)
    if as_bytes:
        tables = cache_mod.pack_body(tables, keys, chunk["article_id"].tolist())
    return tables, times


def _store(store, keys: list[str], body: bytes) -> None:
    try:
        store.write_pack(keys, body)
    except OSError as err:  # a full or read-only disk never breaks an analysis
        print(f"newslens: cache not written ({err})", file=sys.stderr)


def _init_worker(env: dict[str, str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool (`pool_map`)
    for key in [k for k in os.environ if k.startswith("NEWSLENS_")]:
        del os.environ[key]
    os.environ.update(env)


def _mp_context():
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["newslens.engine.pipeline"])
        return ctx
    return mp.get_context("spawn")


def _want_progress(total: int, progress) -> bool:
    """Explicit choice, else: a terminal, 500+ articles to compute, not under pytest."""
    if progress is None:
        return total >= 500 and sys.stderr.isatty() and "PYTEST_CURRENT_TEST" not in os.environ
    return bool(progress)


def _progress_bar(total: int, progress, desc: str):
    if not _want_progress(total, progress):
        return None
    try:  # notebook widgets when available, else text (tqdm.auto would warn without them)
        if "ipykernel" not in sys.modules:
            raise ImportError
        import ipywidgets  # noqa: F401
        from tqdm.auto import tqdm
    except ImportError:
        from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="article", smoothing=0.1)


def _compute_local(articles, keys, bounds, stages, workers, progress, profile, collect):
    """Compute the chunks, handing each result to `collect` as soon as it arrives (in order)."""
    bar = _progress_bar(len(articles), progress, "analyze")
    try:
        if workers <= 1 or len(articles) < MIN_POOL_ARTICLES or len(bounds) <= 1:
            for a, b in bounds:
                collect(a, b, *_compute(articles.iloc[a:b], keys[a:b], stages, profile,
                                        as_bytes=False))
                if bar is not None:
                    bar.update(b - a)
            return
        tasks = ((a, b, (articles.iloc[a:b], keys[a:b], stages, profile)) for a, b in bounds)
        for a, b, result in pool_map(_compute, tasks, min(workers, len(bounds))):
            collect(a, b, *result)
            if bar is not None:
                bar.update(b - a)
    finally:
        if bar is not None:
            bar.close()


def pool_map(func, tasks, workers: int, window: int | None = None):
    """Yield (*task[:-1], func(*task[-1])) for each task, in order, computed by `workers`
    processes with at most `window` tasks (default 2 per worker) queued or running at once.

    Prompt to stop: on Ctrl-C (or any error) in the parent, queued tasks are dropped and the
    workers are terminated at once (they ignore SIGINT themselves, so a terminal's Ctrl-C
    reaches the parent only); a worker's error is raised in the parent.
    """
    window = window or 2 * workers
    env = {k: v for k, v in os.environ.items() if k.startswith("NEWSLENS_")}
    pool = _mp_context().Pool(workers, initializer=_init_worker, initargs=(env,))
    pending: deque = deque()
    tasks = iter(tasks)
    try:
        while True:
            while len(pending) < window:
                task = next(tasks, None)
                if task is None:
                    break
                pending.append((task[:-1], pool.apply_async(func, task[-1])))
            if not pending:
                break
            head, result = pending.popleft()
            yield (*head, result.get())
        pool.close()
    finally:  # also on Ctrl-C, an error, or a consumer that stops early
        pending.clear()
        pool.terminate()
        pool.join()


def _partition(part: pd.DataFrame, stages: Registry, partition_info=None) -> pd.DataFrame:
    """map_partitions body: the chunk's encoded tables as one row (partition number, payload)."""
    number = partition_info["number"] if partition_info else 0
    payload = columnar.encode(pipeline.analyze_articles(part, stages))
    return pd.DataFrame({"partition": [number], "payload": [payload]})


def _compute_dask(articles, keys, bounds, stages, workers, scheduler, progress, collect):
    import dask
    import dask.dataframe as dd

    meta = pd.DataFrame({"partition": pd.Series([], dtype="int64"),
                         "payload": pd.Series([], dtype=object)})
    divisions = [a for a, _ in bounds] + [bounds[-1][1] - 1]
    frame = articles.reset_index(drop=True)
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(frame, npartitions=len(bounds), sort=True)
        if list(ddf.divisions) != divisions:  # same chunks as the local engine
            ddf = ddf.repartition(divisions=divisions)
        out = ddf.map_partitions(_partition, stages, meta=meta,
                                 enforce_metadata=False, align_dataframes=False)
        client = cluster = None
        try:
            if scheduler in LOCAL_SCHEDULERS:
                from dask.diagnostics import ProgressBar

                if _want_progress(len(articles), progress):
                    with ProgressBar(out=sys.stderr):
                        result = out.compute(scheduler=scheduler)
                else:
                    result = out.compute(scheduler=scheduler)
            else:
                from distributed import Client, LocalCluster

                if scheduler is None:
                    cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=True, dashboard_address=None)
                    client = Client(cluster)
                else:
                    client = Client(scheduler)
                future = client.compute(out)
                if _want_progress(len(articles), progress):
                    from distributed import progress as dask_progress

                    dask_progress(future)
                result = future.result()
        finally:
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()
    result = result.sort_values("partition", kind="stable")
    payloads = result["payload"].tolist()
    if len(payloads) != len(bounds):
        raise RuntimeError(f"dask returned {len(payloads)} partitions, expected {len(bounds)}")
    del result
    for (a, b), payload in zip(bounds, payloads):
        _, tables = columnar.decode(payload)
        collect(a, b, cache_mod.pack_body(tables, keys[a:b], articles["article_id"].iloc[a:b]
                                          .tolist()), {})


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
        scheduler: str | None = None, progress: bool | None = None,
        profile: bool = False) -> RunResult:
    """Per-article tables of `articles` (`stages`, default `pipeline.PER_ARTICLE`).

    workers: processes (default: every core); chunk_size: articles per chunk (default: about
    four chunks per worker, at most 250); cache: None/True (default folder), a folder, or
    False; engine: "local" or "dask"; scheduler: for dask, a scheduler address, or
    "threads"/"processes"/"synchronous" (default: a LocalCluster of `workers` processes);
    progress: tqdm bar (default: on a terminal for 500+ articles to compute); profile: time
    each stage (`result.stats.stages`).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    stages = stages or pipeline.PER_ARTICLE
    workers = workers or default_workers()
    t0 = time.perf_counter()
    _clear_caches_if_data_changed()
    stats = RunStats(articles=len(articles), engine=engine, workers=workers)
    if len(articles) == 0:
        tables = pipeline.analyze_articles(articles, stages)
        stats.seconds = time.perf_counter() - t0
        return RunResult(tables, stats)

    store = cache_mod.ArticleCache.open(cache, stages)
    pieces: list[dict] = []
    missing = np.arange(len(articles))
    keys = cache_mod.article_keys(articles)
    if store is not None:
        stats.corpus_key = hashlib.sha256("\n".join(keys).encode()).hexdigest()
        pieces, missing = _from_cache(store, articles, keys)
        stats.cached = len(articles) - len(missing)

    todo = articles.iloc[missing]
    todo_keys = [keys[i] for i in missing]
    if chunk_size is None and len(todo) < MIN_POOL_ARTICLES:
        chunk_size = max(len(todo), 1)  # in-process anyway: one call, one cache pack
    bounds = chunk_bounds(len(todo), workers, chunk_size)

    def collect(a: int, b: int, result, times: dict) -> None:
        if isinstance(result, bytes):
            if store is not None:
                _store(store, todo_keys[a:b], result)
            _, arrow = columnar.decode(result)
            result = {name: columnar.to_pandas(name, t) for name, t in arrow.items()}
        elif store is not None:
            _store(store, todo_keys[a:b], cache_mod.pack_body(
                result, todo_keys[a:b], todo["article_id"].iloc[a:b].tolist()))
        pieces.append(result)
        stats.add_times(times)

    if bounds and engine == "dask":
        _compute_dask(todo, todo_keys, bounds, stages, workers, scheduler, progress, collect)
    else:
        _compute_local(todo, todo_keys, bounds, stages, workers, progress, profile, collect)
    stats.computed, stats.chunks = len(todo), len(bounds)
    if store is not None:
        try:
            store.touch()
        except OSError:
            pass
    tables = combine(pieces, articles)
    stats.seconds = time.perf_counter() - t0
    return RunResult(tables, stats)


def _from_cache(store, articles: pd.DataFrame, keys: list[str]) -> tuple[list[dict], np.ndarray]:
    """Tables of the cached articles (restricted to them) and positions of the others."""
    index = store.index()
    wanted: dict[str, list[str]] = {}
    for key in keys:
        if key in index:
            wanted.setdefault(index[key], []).append(key)
    pieces, hit = [], set()
    for pack, pack_keys in wanted.items():
        content = store.read_pack(pack)
        if content is None:
            continue
        ids = dict(zip(content["keys"], content["article_ids"]))
        use = [k for k in pack_keys if k in ids]
        if not use:
            continue
        tables = {name: columnar.to_pandas(name, t) for name, t in content["tables"].items()}
        if len(use) < len(ids):
            keep = {ids[k] for k in use}
            if not all("article_id" in t.columns for t in tables.values()):
                continue
            tables = {name: t[t["article_id"].isin(keep)] for name, t in tables.items()}
        pieces.append(tables)
        hit.update(use)
    missing = np.array([i for i, k in enumerate(keys) if k not in hit], dtype=np.int64)
    return pieces, missing


def combine(pieces: list[dict], articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Concatenate per-chunk tables and put each in its canonical order."""
    names: dict[str, None] = {}
    for piece in pieces:
        names.update(dict.fromkeys(piece))
    position = pd.Series(np.arange(len(articles)), index=articles["article_id"].to_numpy())
    position = position[~position.index.duplicated()]
    out = {}
    for name in names:
        parts = [p.pop(name) for p in pieces if name in p]  # pieces are freed as we go
        full = [t for t in parts if len(t)]
        if len(full) == 1:
            table = full[0]
        elif full:
            table = pd.concat(full, ignore_index=True)
            if name in schema.TABLES:
                table = schema.conform(name, table)
        else:
            table = parts[0]
        if len(full) > 1 and "article_id" in table.columns:
            keys = [k for k in pipeline.TABLE_KEYS.get(name, []) if k in table.columns]
            if keys:
                if not _is_sorted(table, keys):  # usual case: chunks arrive in order
                    table = pipeline.sort_table(name, table)
            else:
                order = position.reindex(table["article_id"].to_numpy()).to_numpy()
                if not (np.diff(order) >= 0).all():
                    table = table.iloc[np.argsort(order, kind="stable")]
        out[name] = table.reset_index(drop=True)
    return out


def _is_sorted(table: pd.DataFrame, keys: list[str]) -> bool:
    """Whether rows are already in lexicographic order of `keys` (then a stable sort is a no-op);
    False when unsure (missing values, incomparable types)."""
    before = np.zeros(len(table) - 1, dtype=bool)  # row i < row i+1 decided
    equal = np.ones(len(table) - 1, dtype=bool)
    try:
        for key in keys:
            col = table[key]
            if isinstance(col.dtype, pd.CategoricalDtype) or col.isna().any():
                return False
            values = col.to_numpy()
            a, b = values[:-1], values[1:]
            before |= equal & (a < b)
            equal &= a == b
    except TypeError:
        return False
    return bool((before | equal).all())


def summarize(tables: dict[str, pd.DataFrame], articles: pd.DataFrame, *,
              corpus_key: str | None = None, cache=None, stages: Registry | None = None,
              profile: bool = False) -> RunResult:
    """The corpus-level tables (`stages`, default `pipeline.SUMMARIES`) of per-article `tables`.

    Cached when a cache is given and `corpus_key` identifies the corpus (`RunStats.corpus_key`
    of the `run` that made `tables`): the key is that and the fingerprint of code and data.
    """
    stages = stages or pipeline.SUMMARIES
    stats = RunStats(articles=len(articles))
    times: dict[str, list] = {}
    t0 = time.perf_counter()

    def compute() -> dict[str, pd.DataFrame]:
        return pipeline.summarize(tables, articles, stages.timed(times) if profile else stages)

    store = cache_mod.ArticleCache.open(cache, stages) if corpus_key else None
    if store is None:
        out = compute()
    else:
        name = "summary-" + hashlib.sha256(
            f"{store.fingerprint}\n{corpus_key}".encode()).hexdigest()
        found = store.read_tables(name)
        stats.summary_cached = found is not None and list(found) == stages.tables()
        if stats.summary_cached:
            out = found
        else:
            out = compute()
            try:
                store.write_tables(name, out)
            except OSError as err:
                print(f"newslens: cache not written ({err})", file=sys.stderr)
    stats.add_times(times)
    stats.seconds = time.perf_counter() - t0
    return RunResult(out, stats)


def analyze_corpus(articles: pd.DataFrame, *, workers: int | None = None, cache=None,
                   engine: str = "local", scheduler: str | None = None,
                   progress: bool | None = None, profile: bool = False,
                   stages: Registry | None = None, summaries: Registry | None = None,
                   ) -> RunResult:
    """Per-article tables and their summaries, with the run's statistics (see `analyze`)."""
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
            progress: bool | None = None) -> dict[str, pd.DataFrame]:
    """All tables for a corpus: per-article tables plus their summaries.

    Per-article results are cached on disk (`cache`: None for the default folder, a folder, or
    False) and computed on `workers` processes (default: every core) or on Dask
    (`engine="dask"`, `scheduler` address), with a progress bar on terminals.
    """
    return analyze_corpus(articles, workers=workers, cache=cache, engine=engine,
                          scheduler=scheduler, progress=progress).tables
