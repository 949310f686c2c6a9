"""Run the per-article pipeline over a corpus: cached, chunked, on every core or on Dask.

`run(articles)` returns the same tables as `pipeline.analyze_articles(articles)` (same rows,
order and dtypes) however the work is split:

1. Articles already in the cache (`newslens.engine.cache`) are read back, not recomputed.
2. The others are cut into chunks of consecutive articles and analysed in-process (small
   jobs), in a process pool (`engine="local"`, the default) or as the partitions of a
   `dask.dataframe` (`engine="dask"`), each chunk by the same pure per-article function.
3. The chunk results are stored in the cache and concatenated; each table is put in its
   canonical order (`pipeline.TABLE_KEYS`, otherwise article order).

Workers are forked from the parent when it runs a single thread (they inherit the loaded
models), otherwise started by a fork server (safe in Jupyter kernels and threaded programs).
Chunks are sent as small DataFrames; results come back pickled once (also the cache format).
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing as mp
import os
import pickle
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import numpy as np
import pandas as pd

from newslens import schema
from newslens.engine import cache as cache_mod

MIN_POOL_ARTICLES = 50  # fewer missing articles than this: no pool (start-up costs more)
MAX_CHUNK = 250
ENGINES = ("local", "dask")
LOCAL_SCHEDULERS = {"threads", "processes", "sync", "synchronous", "single-threaded"}

# Statistics of the last `run` in this process (articles, cached, computed, chunks, stages).
last_run: dict = {}
_stage_times: dict[str, list] = {}
_data_fp: list[str] = []


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


# ---- stage timing ------------------------------------------------------------------------

def _timed(name: str, func):
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            entry = _stage_times.setdefault(name, [0.0, 0])
            entry[0] += time.perf_counter() - t0
            entry[1] += 1

    wrapper.__wrapped__ = func
    wrapper.__newslens_timed__ = True
    return wrapper


def _instrument() -> list[tuple[str, object]]:
    """Time every newslens function `pipeline` calls (its stages); returns what to restore."""
    from newslens.engine import pipeline

    skip = {"analyze", "analyze_articles", "summarize"}
    patched = []
    for name, obj in list(vars(pipeline).items()):
        if (callable(obj) and not isinstance(obj, type) and name not in skip
                and str(getattr(obj, "__module__", "")).startswith("newslens")
                and not getattr(obj, "__newslens_timed__", False)):
            setattr(pipeline, name, _timed(name, obj))
            patched.append((name, obj))
    return patched


@contextmanager
def stage_timing():
    """Collect per-stage seconds/calls of the pipeline's stage functions in `stage_times()`."""
    from newslens.engine import pipeline

    _stage_times.clear()
    patched = _instrument()
    try:
        yield _stage_times
    finally:
        for name, obj in patched:
            setattr(pipeline, name, obj)


def stage_times() -> dict[str, tuple[float, int]]:
    return {k: (v[0], v[1]) for k, v in _stage_times.items()}


# ---- computing chunks --------------------------------------------------------------------

def _resolve(func_ref):
    if callable(func_ref):
        return func_ref
    module, _, name = func_ref.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


def _func_ref(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def _compute(chunk: pd.DataFrame, func_ref, store, profile: bool, as_bytes: bool = True):
    """Tables of one chunk, pickled for a pool (the IPC and cache format) unless `as_bytes` is
    False (in-process); stored in the cache if any."""
    func = _resolve(func_ref)
    if profile and not any(getattr(v, "__newslens_timed__", False)
                           for v in vars(sys.modules["newslens.engine.pipeline"]).values()):
        _instrument()  # a fresh (fork-server) worker
    before = {k: list(v) for k, v in _stage_times.items()}
    tables = func(chunk)
    payload = None
    if as_bytes or store is not None:
        payload = pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL)
    if store is not None:
        _store(store, chunk, payload)
    if as_bytes:
        del tables
    else:
        payload = tables
    times = {k: (v[0] - before.get(k, [0.0, 0])[0], v[1] - before.get(k, [0.0, 0])[1])
             for k, v in _stage_times.items()} if profile else {}
    return payload, times


def _store(store, chunk: pd.DataFrame, payload: bytes) -> None:
    try:
        store.write_pack(cache_mod.article_keys(chunk), chunk["article_id"].tolist(), payload)
    except OSError as err:  # a full or read-only disk never breaks an analysis
        print(f"newslens: cache not written ({err})", file=sys.stderr)


def _init_worker(env: dict[str, str]) -> None:
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


def _compute_local(articles, bounds, func, store, workers, progress, profile, collect):
    """Compute the chunks, handing each result to `collect` as soon as it arrives (in order)."""
    bar = _progress_bar(len(articles), progress, "analyze")
    try:
        if workers <= 1 or len(articles) < MIN_POOL_ARTICLES or len(bounds) <= 1:
            for a, b in bounds:
                collect(*_compute(articles.iloc[a:b], func, store, profile, as_bytes=False))
                if bar is not None:
                    bar.update(b - a)
            return
        func_ref = _func_ref(func) if _importable(func) else func
        env = {k: v for k, v in os.environ.items() if k.startswith("NEWSLENS_")}
        with ProcessPoolExecutor(max_workers=min(workers, len(bounds)),
                                 mp_context=_mp_context(), initializer=_init_worker,
                                 initargs=(env,)) as pool:
            futures = [pool.submit(_compute, articles.iloc[a:b], func_ref, store, profile)
                       for a, b in bounds]
            for i, (a, b) in enumerate(bounds):
                collect(*futures[i].result())
                futures[i] = None  # free the payload
                if bar is not None:
                    bar.update(b - a)
    finally:
        if bar is not None:
            bar.close()


def _importable(func) -> bool:
    try:
        return _resolve(_func_ref(func)) is func
    except (ImportError, AttributeError, ValueError):
        return False


def _partition(part: pd.DataFrame, func_ref, partition_info=None) -> pd.DataFrame:
    """map_partitions body: the chunk's pickled tables as one row (partition number, payload)."""
    number = partition_info["number"] if partition_info else 0
    payload = pickle.dumps(_resolve(func_ref)(part), protocol=pickle.HIGHEST_PROTOCOL)
    return pd.DataFrame({"partition": [number], "payload": [payload]})


def _compute_dask(articles, bounds, func, store, workers, scheduler, progress, collect):
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
        func_ref = _func_ref(func) if _importable(func) else func
        out = ddf.map_partitions(_partition, func_ref, meta=meta,
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
        if store is not None:
            _store(store, articles.iloc[a:b], payload)
        collect(payload, {})


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


def run(articles: pd.DataFrame, func=None, *, workers: int | None = None,
        chunk_size: int | None = None, cache=None, engine: str = "local",
        scheduler: str | None = None, progress: bool | None = None,
        profile: bool = False) -> dict[str, pd.DataFrame]:
    """Per-article tables of `articles` (`func`, default `pipeline.analyze_articles`).

    workers: processes (default: every core); chunk_size: articles per chunk (default: about
    four chunks per worker, at most 250); cache: None/True (default folder), a folder, or
    False; engine: "local" or "dask"; scheduler: for dask, a scheduler address, or
    "threads"/"processes"/"synchronous" (default: a LocalCluster of `workers` processes);
    progress: tqdm bar (default: on a terminal for 500+ articles to compute); profile: collect
    per-stage times in `last_run["stages"]`.
    """
    from newslens.engine import pipeline

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    func = func or pipeline.analyze_articles
    workers = workers or default_workers()
    t0 = time.perf_counter()
    _clear_caches_if_data_changed()
    stats = {"articles": len(articles), "cached": 0, "computed": 0, "chunks": 0,
             "engine": engine, "workers": workers, "stages": {}}
    if len(articles) == 0:
        last_run.clear()
        last_run.update(stats, seconds=time.perf_counter() - t0)
        return dict(func(articles))

    store = cache_mod.ArticleCache.open(cache, func)
    pieces: list[dict] = []
    missing = np.arange(len(articles))
    if store is not None:
        keys = cache_mod.article_keys(articles)
        pieces, missing = _from_cache(store, articles, keys)
        stats["cached"] = len(articles) - len(missing)

    todo = articles.iloc[missing]
    if chunk_size is None and len(todo) < MIN_POOL_ARTICLES:
        chunk_size = max(len(todo), 1)  # in-process anyway: one call, one cache pack
    bounds = chunk_bounds(len(todo), workers, chunk_size)
    patched = _instrument() if profile else []
    if profile:
        _stage_times.clear()
    def collect(payload, times: dict) -> None:
        pieces.append(pickle.loads(payload) if isinstance(payload, bytes) else payload)
        for name, (sec, calls) in times.items():
            entry = stats["stages"].setdefault(name, [0.0, 0])
            entry[0] += sec
            entry[1] += calls

    try:
        if bounds and engine == "dask":
            _compute_dask(todo, bounds, func, store, workers, scheduler, progress, collect)
        else:
            _compute_local(todo, bounds, func, store, workers, progress, profile, collect)
    finally:
        if patched:
            for name, obj in patched:
                setattr(pipeline, name, obj)
    stats["computed"], stats["chunks"] = len(todo), len(bounds)
    if store is not None:
        try:
            store.touch()
        except OSError:
            pass
    tables = combine(pieces, articles)
    if store is not None:
        stats["corpus_key"] = hashlib.sha256("\n".join(keys).encode()).hexdigest()
    last_run.clear()
    last_run.update(stats, seconds=time.perf_counter() - t0)
    return tables


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
        tables = content["tables"]
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
    from newslens.engine.pipeline import TABLE_KEYS, sort_table

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
            keys = [k for k in TABLE_KEYS.get(name, []) if k in table.columns]
            if keys:
                if not _is_sorted(table, keys):  # usual case: chunks arrive in order
                    table = sort_table(name, table)
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


def summarize(tables: dict[str, pd.DataFrame], articles: pd.DataFrame, func, cache=None,
              ) -> dict[str, pd.DataFrame]:
    """`func(tables, articles)` (corpus-level tables), cached for an unchanged corpus.

    Call right after `run` on the same articles with the same `cache`: the key is the corpus'
    article keys (from `last_run`) and the fingerprint of code and data.
    """
    store = cache_mod.ArticleCache.open(cache, func)
    corpus_key = last_run.get("corpus_key")
    if store is None or corpus_key is None or last_run.get("articles") != len(articles):
        return func(tables, articles)
    name = "summary-" + hashlib.sha256(f"{store.fingerprint}\n{corpus_key}".encode()).hexdigest()
    found = store.read_blob(name)
    if isinstance(found, dict) and all(isinstance(t, pd.DataFrame) for t in found.values()):
        last_run["summary_cached"] = True
        return found
    out = func(tables, articles)
    try:
        store.write_blob(name, out)
    except OSError as err:
        print(f"newslens: cache not written ({err})", file=sys.stderr)
    last_run["summary_cached"] = False
    return out
