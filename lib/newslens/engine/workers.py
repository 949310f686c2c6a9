"""Where chunks are computed: in this process, a local process pool, or Dask.

Every backend yields the chunks' results in order, with only a few chunks queued at a time
(`window`), and stops promptly: on Ctrl-C or an error in the caller, queued chunks are dropped
and workers stopped.

A chunk's result is its encoded tables (`newslens.engine.cache.pack_body`: Arrow IPC streams
and a JSON header, the cache pack format) or, when the workers were given a shared folder, the
path of a file holding them there; never a pickle read back from disk.

Local workers are forked from the parent when it runs a single thread, otherwise started by a
fork server (safe in Jupyter kernels and threaded programs), and replaced after
`TASKS_PER_WORKER` chunks so that the stages' per-process memo caches stay bounded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing as mp
import os
import signal
import sys
import threading
from collections import deque
from pathlib import Path

import pandas as pd

from newslens import collector, interrupt
from newslens.engine import cache as cache_mod
from newslens.engine import pipeline
from newslens.engine.stages import Registry

LOCAL_SCHEDULERS = {"threads", "processes", "sync", "synchronous", "single-threaded"}
# A local worker is replaced by a fresh one after this many chunks: the stages memoise per
# process (scored windows, polarities), which would otherwise grow with the corpus.
TASKS_PER_WORKER = 8
POLL = 0.1  # seconds between checks for a recorded interrupt while waiting for a worker
# Chunks up to this many articles are analysed with the cyclic collector paused
# (`newslens.collector`: 5% less CPU; the cycles left, ~35 kB per article, wait for the next
# collection). The engine's own chunks are never larger; a larger `chunk_size` runs as usual.
PAUSED_CHUNK_MAX = 250


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def cap_workers(requested: int | None, engine: str = "local", scheduler: str | None = None
                ) -> int:
    """Worker processes to start for `requested` (None: every core): never more than the
    cores of this machine when they run here (the local pool, or Dask's local cluster or
    local schedulers); a remote Dask scheduler gets what was asked. The chunk count caps the
    pool again when the plan is known (`runner`)."""
    here = cores()
    if requested is None:
        return here
    requested = max(1, int(requested))
    if engine == "dask" and scheduler is not None and scheduler not in LOCAL_SCHEDULERS:
        return requested
    return min(requested, here)


def _checked(func):
    """`func` preceded by an interrupt check (a safe point between stages)."""
    def checked(*args, **kwargs):
        interrupt.check()
        return func(*args, **kwargs)

    checked.__wrapped__ = getattr(func, "__wrapped__", func)
    return checked


def with_checks(stages: Registry) -> Registry:
    """The same stages, each starting with an interrupt check (`newslens.engine.interrupt`)."""
    return Registry(tuple(dataclasses.replace(s, func=_checked(s.func)) for s in stages.stages),
                    stages.inputs)


def compute(chunk: pd.DataFrame, keys: list[str], stages: Registry, profile: bool = False,
            shared: str | None = None):
    """(result, stage times) of one chunk: the encoded pack, or the path of the file in the
    `shared` folder that holds it."""
    times: dict[str, list] = {}
    stages = stages.timed(times) if profile else stages
    if interrupt.installed():
        stages = with_checks(stages)
    with collector.paused(len(chunk) <= PAUSED_CHUNK_MAX):
        tables = pipeline.analyze_articles(chunk, stages)
    body = cache_mod.pack_body(tables, keys, chunk["article_id"].tolist())
    if shared is None:
        return body, times
    folder = Path(shared)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"chunk-{hashlib.sha256(''.join(keys).encode()).hexdigest()[:24]}.nlt"
    cache_mod.atomic_write(path, body)
    return str(path), times


def _init_worker(env: dict[str, str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool (`pool_map`)
    for key in [k for k in os.environ if k.startswith("NEWSLENS_")]:
        del os.environ[key]
    os.environ.update(env)


def forks() -> bool:
    """Do `pool_map`'s workers start as forks of this process (and inherit its memory)?"""
    return _mp_context().get_start_method() == "fork"


def _mp_context():
    """fork when this process runs one Python thread (workers inherit what it loaded), else a
    fork server (Jupyter kernels, threaded programs), else spawn."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["newslens.engine.pipeline"])
        return ctx
    return mp.get_context("spawn")


def inline_map(func, tasks):
    """The tasks computed one after the other in this process (small jobs)."""
    for *head, args in tasks:
        interrupt.check()
        yield (*head, func(*args))


def _windowed(tasks, submit, window: int, pending: deque):
    """(task[:-1], submit(task[-1])) of each task in order, with at most `window` submitted
    tasks in `pending` (which the caller cleans up when stopped early)."""
    tasks = iter(tasks)
    while True:
        while len(pending) < window:
            task = next(tasks, None)
            if task is None:
                break
            pending.append((task[:-1], submit(task[-1])))
        if not pending:
            return
        yield pending.popleft()


def pool_map(func, tasks, workers: int, window: int | None = None):
    """Yield (*task[:-1], func(*task[-1])) for each task, in order, computed by `workers`
    processes with at most `window` tasks (default 2 per worker) queued or running at once.

    Prompt to stop: on Ctrl-C (or any error) in the parent, queued tasks are dropped and the
    workers are terminated at once (they ignore SIGINT themselves, so a terminal's Ctrl-C
    reaches the parent only); a worker's error is raised in the parent.
    """
    window = window or 2 * workers
    env = {k: v for k, v in os.environ.items() if k.startswith("NEWSLENS_")}
    pool = _mp_context().Pool(workers, initializer=_init_worker, initargs=(env,),
                              maxtasksperchild=TASKS_PER_WORKER)
    pending: deque = deque()
    try:
        interrupt.check()  # an interrupt lost while the pool started
        for head, result in _windowed(tasks, lambda args: pool.apply_async(func, args),
                                      window, pending):
            yield (*head, _wait(result))
        pool.close()
    finally:  # also on Ctrl-C, an error, or a consumer that stops early
        pending.clear()
        pool.terminate()
        pool.join()


def _wait(result):
    """A pool result, checking for a recorded interrupt every POLL seconds meanwhile."""
    while True:
        interrupt.check()
        try:
            return result.get(timeout=POLL)
        except mp.TimeoutError:
            continue


def dask_map(func, tasks, workers: int, scheduler: str | None = None,
             window: int | None = None):
    """`pool_map` on Dask: a local scheduler ("threads", "processes", "synchronous"), a
    scheduler address, or (None) a LocalCluster of `workers` processes. At most `window` tasks
    are submitted at once; on an error or Ctrl-C the submitted ones are cancelled."""
    window = window or 2 * workers
    if scheduler in LOCAL_SCHEDULERS:
        import dask

        tasks = iter(tasks)
        while batch := [t for _, t in zip(range(window), tasks)]:
            results = dask.compute(*[dask.delayed(func, pure=False)(*t[-1]) for t in batch],
                                   scheduler=scheduler)
            for task, result in zip(batch, results):
                yield (*task[:-1], result)
        return
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    client = Client(cluster if cluster is not None else scheduler, timeout="10s")
    pending: deque = deque()
    try:
        for head, future in _windowed(tasks, lambda args: client.submit(func, *args, pure=False),
                                      window, pending):
            result = _wait_future(future)
            future.release()
            yield (*head, result)
    finally:
        for _, future in pending:
            future.cancel()
        client.close()
        if cluster is not None:
            cluster.close()


def _wait_future(future):
    """A Dask future's result, checking for a recorded interrupt every POLL seconds."""
    from distributed import TimeoutError as DaskTimeout

    while True:
        interrupt.check()
        try:
            return future.result(timeout=POLL)
        except (DaskTimeout, TimeoutError):
            continue


def want_progress(total: int, progress) -> bool:
    """Explicit choice, else: a terminal, 500+ articles to compute, not under pytest."""
    if progress is None:
        return total >= 500 and sys.stderr.isatty() and "PYTEST_CURRENT_TEST" not in os.environ
    return bool(progress)


def progress_bar(total: int, progress, desc: str = "analyze"):
    """A tqdm bar (notebook widget in Jupyter) when `want_progress`, else None."""
    if not want_progress(total, progress):
        return None
    try:  # notebook widgets when available, else text (tqdm.auto would warn without them)
        if "ipykernel" not in sys.modules:
            raise ImportError
        import ipywidgets  # noqa: F401
        from tqdm.auto import tqdm
    except ImportError:
        from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="article", smoothing=0.1)
