"""Benchmark `newslens.analyze` end to end against a naive baseline and a floor.

    python bench/run.py                # 1,000 and 10,000 articles
    python bench/run.py --large        # also 50,000
    python bench/run.py --sizes 2000   # other sizes
    python bench/run.py --lengths      # only the article-length line (10 KB, 100 KB, 2 MB)
    python bench/run.py --summaries-scale 1000000   # the summaries alone over N replicated
                                       # articles (bench/scale.py; --summaries-from DIR: the base,
                                       # used as it is when it already has N articles)

Each size runs in a fresh process (so peak RSS is per size): generated articles
(bench/corpus.py, seeded) -> `engine.analyze_to` (the `analyze --out` path: per-article
tables streamed to Parquet, summaries from the files; no cache, no CSV, stages timed). The cache is
timed at the largest size up to 10,000: cold run writing the cache, warm rerun, rerun with one
article added (in one process, as in a notebook kernel), then the warm rerun in a fresh process
(as a second CLI run).

Article length: one article of 10 KB, 100 KB and 2 MB (generated paragraphs joined) through
the per-article stages in one process; ms per 100 KB should stay flat (linear cost), so a 2 MB
article costs about 200x a 10 KB one.

Baselines (measured on a sample, extrapolated per article or per sentence, single process):
- naive: pysbd sentence splitting, `TextBlob(s).sentiment` per sentence and per mention window,
  one regex per gazetteer alias per sentence;
- floor: bare sentiment scoring of every sentence once (`textblob.en.sentiment`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

import corpus

LIKE_FOR_LIKE = ("sentences", "mentions", "sentence_sentiment", "mention_sentiment")
# Issue #23: 10k <= 48 s wall (and <= 2x the floor measured in the same run), >= 10x naive;
# 50k peak PSS <= 2 GB, growth 50k/10k <= 5.2x; warm rerun <= 2 s, one added <= 3 s;
# summaries over 1,000,000 replicated articles: main-process peak <= 2 GB.
TARGETS = {"wall_10k": 48.0, "naive_ratio": 10.0, "floor_ratio": 2.0, "pss_mb_50k": 2048.0,
           "growth_50k": 5.2, "warm_s": 2.0, "plus_one_s": 3.0, "summaries_mb_1m": 2048.0}


def _rss_mb() -> tuple[float, float]:
    """Peak RSS (MB) of this process and of its largest child so far."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def one(n: int, workers: int | None, keep: str | None = None) -> dict:
    """Time analyze on n generated articles, written to Parquet (`analyze --out` without CSV:
    the out-of-core path), in its own process (into `keep` when given, else a temporary
    folder)."""
    import contextlib

    import newslens
    from newslens.engine import runner as engine

    articles = corpus.generate(n)
    place = contextlib.nullcontext(keep) if keep else tempfile.TemporaryDirectory()
    with place as folder:
        t0 = time.perf_counter()
        result = engine.analyze_to(articles, folder, workers=workers, cache=False,
                                   profile=True, csv=False, progress=False)
        wall = time.perf_counter() - t0
        tables = newslens.open_tables(folder)
        rows = {name: tables.rows(name) for name in tables}
        disk = sum(p.stat().st_size for p in Path(folder).rglob("*.parquet"))
    stats = result.stats
    out = {"n": n, "workers": stats.workers, "wall": wall, "sentences": rows["sentences"],
           "mentions": rows["mentions"], "stages": {k: v[0] for k, v in stats.stages.items()},
           "rows": rows, "parquet_mb": disk / 2**20}
    out["rss_parent"], out["rss_worker"] = _rss_mb()
    return out


def cache_runs(n: int, workers: int | None) -> dict:
    """analyze with a fresh cache: cold run, warm rerun, rerun with one article added."""
    from newslens.engine import runner as engine

    runs = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, frame in (("cold", corpus.generate(n)), ("warm", corpus.generate(n)),
                             ("plus_one", corpus.generate(n + 1))):
            t = time.perf_counter()
            result = engine.analyze_corpus(frame, workers=workers, cache=folder, progress=False)
            runs[label] = (time.perf_counter() - t, result.stats.computed)
        del result
        # the warm rerun of a new session (a rerun of the CLI, a restarted notebook kernel):
        # the same call in a fresh process, its imports not counted
        args = [sys.executable, __file__, "--warm-from", folder, "--one", str(n + 1)]
        out = subprocess.run(args + (["--workers", str(workers)] if workers else []),
                             check=True, capture_output=True, text=True).stdout
        runs["fresh"] = tuple(json.loads(out.splitlines()[-1])["fresh"])
    return {"n": n, "cache": runs}


def warm_from(folder: str, n: int, workers: int | None) -> dict:
    """analyze of n generated articles whose results are in the cache `folder`, timed."""
    from newslens.engine import runner as engine

    frame = corpus.generate(n)
    t = time.perf_counter()
    result = engine.analyze_corpus(frame, workers=workers, cache=folder, progress=False)
    return {"fresh": [time.perf_counter() - t, result.stats.computed]}


def naive(n: int = 60) -> dict:
    """Naive baseline on n articles: seconds per article and sentences per article."""
    import pysbd
    from newslens.text.actors import load_actors
    from textblob import TextBlob

    actors = load_actors()
    aliases = sorted({a for row in actors.itertuples() for a in [row.name, *row.aliases]})
    patterns = [re.compile(r"\b" + re.escape(a) + r"\b") for a in aliases]
    seg = pysbd.Segmenter(language="en", clean=False)
    articles = corpus.generate(n, seed=1)
    t0 = time.perf_counter()
    n_sent = 0
    for title, text in zip(articles.title, articles.text):
        for sentence in [title, *seg.segment(text)]:
            n_sent += 1
            TextBlob(sentence).sentiment  # noqa: B018 - the work being timed
            for pattern in patterns:
                for m in pattern.finditer(sentence):
                    words = sentence[:m.start()].split()[-6:] + sentence[m.end():].split()[:6]
                    TextBlob(" ".join(words)).sentiment  # noqa: B018
    sec = time.perf_counter() - t0
    return {"per_article": sec / n, "sentences_per_article": n_sent / n, "sample": n}


def floor(sample: int = 200) -> dict:
    """Bare sentiment of every sentence once: seconds per sentence (single process)."""
    import newslens
    from textblob.en import sentiment

    sents = newslens.sentences(corpus.generate(sample, seed=2))["text"].tolist()
    sentiment("warm up")
    t0 = time.perf_counter()
    for s in sents:
        sentiment(s)
    return {"per_sentence": (time.perf_counter() - t0) / len(sents), "sample": len(sents)}


LENGTHS = (10_000, 100_000, 2_000_000)


def long_article(size: int):
    """One article of `size` characters: generated articles' paragraphs joined, cut at a space."""
    import pandas as pd

    pool = corpus.generate(60, seed=4)
    parts, total, i = [], 0, 0
    while total < size:
        parts.append(pool.text[i % len(pool)])
        total += len(parts[-1]) + 2
        i += 1
    text = "\n\n".join(parts)[:size].rsplit(" ", 1)[0]
    row = pool.iloc[[0]].assign(article_id="long", text=text, n_words=len(text.split()))
    return pd.DataFrame(row).reset_index(drop=True)


def lengths(sizes=LENGTHS) -> dict:
    """Seconds of `analyze_articles` on one article of each size (best of a few repeats)."""
    from newslens.engine import pipeline

    pipeline.analyze_articles(long_article(5_000))  # warm up lexicons and models
    out = {}
    for size in sizes:
        article = long_article(size)
        runs = []
        for _ in range(max(1, min(5, 1_000_000 // size))):
            t = time.perf_counter()
            pipeline.analyze_articles(article)
            runs.append(time.perf_counter() - t)
        out[size] = min(runs)
    return out


def report_lengths(secs: dict) -> None:
    per = ", ".join(f"{_size(n)} {1000 * s * 100_000 / n:.0f}" for n, s in secs.items())
    line = f"article length, ms per 100 KB: {per}"
    small, big = min(secs), max(secs)
    if small != big:
        line += (f"; a {_size(big)} article costs {secs[big] / secs[small]:.0f}x a "
                 f"{_size(small)} one (linear: {big / small:.0f}x)")
    print(line)


def _size(n: int) -> str:
    return f"{n / 1e6:g} MB" if n >= 1e6 else f"{n / 1e3:g} KB"


def _child(n: int, workers: int | None, with_cache: bool = False, keep: str | None = None
           ) -> dict:
    args = ["--one", str(n)]
    if workers:
        args += ["--workers", str(workers)]
    if with_cache:
        args.append("--cache")
    if keep:
        args += ["--keep", keep]
    result, peak = _run_child(args)
    result["pss_peak"] = peak
    return result


def _watch(proc: subprocess.Popen, interval: float = 0.25) -> float:
    """Peak total PSS (MB) of a process and its children, sampled from outside (the measured
    process stays single-threaded, so the engine forks its workers as usual). PSS counts
    pages shared between forked workers once, unlike the sum of RSS."""
    import psutil

    peak = 0.0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        total = 0
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            procs = []
        for p in procs:
            try:
                total += p.memory_full_info().pss
            except psutil.Error:
                pass
        peak = max(peak, total / 2**20)
        time.sleep(interval)
    return peak


def report(results: list[dict], nv: dict, fl: dict, scaled: dict | None = None) -> None:
    print(f"\nnewslens analyze benchmark ({results[0]['workers']} workers, "
          f"{os.cpu_count()} CPUs; generated ~600-word articles)\n")
    print(f"{'articles':>9} {'wall s':>8} {'art/s':>8} {'sent/s':>9} {'naive s*':>9} "
          f"{'floor s*':>9} {'/naive':>7} {'/floor':>7} {'peak MB':>8}")
    for r in results:
        n, wall = r["n"], r["wall"]
        naive_s = nv["per_article"] * n
        floor_s = fl["per_sentence"] * r["sentences"]
        rss = f"{r['pss_peak']:.0f}"
        print(f"{n:>9,} {wall:>8.1f} {n / wall:>8.0f} {r['sentences'] / wall:>9.0f} "
              f"{naive_s:>9.0f} {floor_s:>9.1f} {wall / naive_s:>7.3f} {wall / floor_s:>7.2f} "
              f"{rss:>8}")
    print(f"* extrapolated, single process: naive from {nv['sample']} articles "
          f"({nv['per_article'] * 1000:.0f} ms/article), floor from {fl['sample']:,} sentences "
          f"({fl['per_sentence'] * 1e6:.0f} us/sentence).")
    print("peak MB: peak memory (PSS) of the run, its workers included; ru_maxrss of the "
          "parent / largest worker: " + ", ".join(
              f"{r['rss_parent']:.0f} / {r['rss_worker']:.0f}" for r in results))
    by_n = {r["n"]: r for r in results}
    if 10_000 in by_n and 50_000 in by_n:
        print(f"growth 10k -> 50k: {by_n[50_000]['wall'] / by_n[10_000]['wall']:.2f}x "
              f"(target <= {TARGETS['growth_50k']})")

    for r in results:
        like = sum(r["stages"].get(k, 0.0) for k in LIKE_FOR_LIKE)
        print(f"like-for-like at {r['n']:,}: the naive baseline's work (splitting, actor "
              f"mentions, sentence and mention sentiment) takes {like:.1f} CPU-s in the pipeline "
              f"({like / r['workers']:.1f} s on {r['workers']} workers) vs "
              f"{nv['per_article'] * r['n']:.0f} s naive: "
              f"{nv['per_article'] * r['n'] / like:.1f}x less CPU, "
              f"{nv['per_article'] * r['n'] * r['workers'] / like:.1f}x faster on all workers")
    names = sorted({k for r in results for k in r["stages"]},
                   key=lambda k: -results[-1]["stages"].get(k, 0.0))
    print("\nper-stage CPU time, ms per article (summed over workers; summaries run once, "
          "in the main process, after the workers):")
    print(f"  {'stage':<28}" + "".join(f"{r['n']:>10,}" for r in results))
    for name in names:
        print(f"  {name:<28}" + "".join(
            f"{1000 * r['stages'].get(name, 0.0) / r['n']:>10.2f}" for r in results))
    print(f"  {'total CPU':<28}" + "".join(
        f"{1000 * sum(r['stages'].values()) / r['n']:>10.2f}" for r in results))
    print(f"  {'wall':<28}" + "".join(f"{1000 * r['wall'] / r['n']:>10.2f}" for r in results))
    for r in results:
        if "cache" in r:
            c = r["cache"]
            print(f"\ncache at {r['n']:,} articles: cold {c['cold'][0]:.1f} s "
                  f"({c['cold'][1]:,} computed), warm {c['warm'][0]:.2f} s "
                  f"({c['warm'][1]} computed), one article added {c['plus_one'][0]:.2f} s "
                  f"({c['plus_one'][1]} computed); warm in a fresh process "
                  f"{c['fresh'][0]:.2f} s ({c['fresh'][1]} computed)")

    if 10_000 in by_n:
        r = by_n[10_000]
        checks = [
            (f"10k wall <= {TARGETS['wall_10k']:g} s", r["wall"] <= TARGETS["wall_10k"]),
            (">= 10x faster than naive", nv["per_article"] * 1e4 / r["wall"]
             >= TARGETS["naive_ratio"]),
            (f"<= {TARGETS['floor_ratio']:g}x the floor",
             r["wall"] / (fl["per_sentence"] * r["sentences"]) <= TARGETS["floor_ratio"]),
        ]
        if "cache" in r:
            c = r["cache"]
            checks += [(f"warm rerun <= {TARGETS['warm_s']:g} s", c["warm"][0]
                        <= TARGETS["warm_s"]),
                       (f"one article added <= {TARGETS['plus_one_s']:g} s",
                        c["plus_one"][0] <= TARGETS["plus_one_s"])]
        if 50_000 in by_n:
            big = by_n[50_000]
            checks += [("50k peak memory <= 2 GB", big["pss_peak"] <= TARGETS["pss_mb_50k"]),
                       (f"50k time <= {TARGETS['growth_50k']:g}x 10k",
                        big["wall"] / r["wall"] <= TARGETS["growth_50k"])]
        if scaled is not None:
            label = (f"summaries over {scaled['articles']:,} main-process peak <= 2 GB "
                     f"({scaled['wall']:.0f} s)")
            checks.append((label, _scale_ok(scaled)))
        print("\ntargets: " + ", ".join(f"{name}: {'met' if ok else 'NOT met'}"
                                        for name, ok in checks))
    for r in results:
        if "parquet_mb" in r:
            print(f"Parquet output at {r['n']:,} articles: {r['parquet_mb']:.0f} MB "
                  f"({r['parquet_mb'] / r['n'] * 1e6 / 1024:.0f} GB per million articles)")


def build_base(folder: str, n: int = 10_000, workers: int | None = None) -> None:
    """The `analyze --out` folder of n generated articles (no cache, no CSV)."""
    from newslens.engine import runner as engine

    engine.analyze_to(corpus.generate(n), folder, workers=workers, cache=False, csv=False,
                      progress=False)


def summaries_scale(n: int, base: str | None, workers: int | None) -> dict:
    """Replicate a 10,000-article output to n articles; time the summaries alone in a child
    process (peak PSS sampled from outside, ru_maxrss inside)."""
    import scale

    with tempfile.TemporaryDirectory(prefix="newslens-scale-") as tmp:
        if base is None:
            base = str(Path(tmp) / "base")
            print("building the 10,000-article base ...", file=sys.stderr, flush=True)
            _run_child(["--build-base", base] + (["--workers", str(workers)] if workers else []))
        scaled = Path(tmp) / "scaled"
        if json.loads((Path(base) / "manifest.json").read_text())["articles"] == n:
            scaled = Path(base)  # already that size (e.g. replicated by an earlier run)
        else:
            print(f"replicating to {n:,} articles ...", file=sys.stderr, flush=True)
            scale.replicate(base, scaled, n)
        print(f"summaries over {n:,} articles ...", file=sys.stderr, flush=True)
        result, peak = _run_child(["--summaries-one", str(scaled)])
        result["pss_peak"] = peak
        print(json.dumps(result), file=sys.stderr, flush=True)  # the raw figures, kept
        result["parquet_mb"] = sum(p.stat().st_size for p in scaled.rglob("*.parquet")) / 2**20
    return result


def _run_child(args: list[str]) -> tuple[dict, float]:
    """Run this script with `args` in a child: (its last stdout line as JSON, peak PSS MB)."""
    cmd = [sys.executable, __file__, *args]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        peak = _watch(proc)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{err.read()}")
        lines = out.read().strip().splitlines()
    return (json.loads(lines[-1]) if lines else {}), peak


def report_scale(r: dict) -> None:
    n = r["articles"]
    rows = r["input_rows"]
    print(f"\nsummaries alone over {n:,} replicated articles ("
          f"{rows.get('mention_sentiment', 0):,} mentions, {rows.get('stances', 0):,} stance "
          f"rows, {rows.get('claims', 0):,} claims; {r['parquet_mb']:.0f} MB of Parquet): "
          f"wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s "
          f"({1000 * r['cpu'] / n:.2f} ms per article); peak PSS {r['pss_peak']:.0f} MB, "
          f"ru_maxrss {r['rss_peak_mb']:.0f} MB (DuckDB memory limit "
          f"{os.environ.get('NEWSLENS_DUCKDB_MEMORY', '1GB')})")
    print("  per stage, wall s: " + ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
          + f"; articles read {r['load_articles_s']:.1f} s")
    print(f"targets: summaries over {n:,} main-process peak <= 2 GB: "
          f"{'met' if _scale_ok(r) else 'NOT met'}")


def _scale_ok(r: dict) -> bool:
    return max(r["pss_peak"], r["rss_peak_mb"]) <= TARGETS["summaries_mb_1m"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="also 50,000 articles")
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--lengths", action="store_true",
                        help="only time one article of 10 KB, 100 KB and 2 MB")
    parser.add_argument("--summaries-scale", type=int, default=None, metavar="N",
                        help="only time the summaries over N replicated articles")
    parser.add_argument("--summaries-from", default=None, metavar="DIR",
                        help="with --summaries-scale: the `analyze --out` folder to replicate "
                        "(default: 10,000 generated articles, built first)")
    parser.add_argument("--build-base", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--summaries-one", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--cache", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--warm-from", default=None, metavar="CACHE",
                        help="with --one N: only time analyze of N generated articles whose "
                        "results are in the cache folder CACHE (a warm rerun in a fresh process)")
    args = parser.parse_args(argv)
    if args.warm_from:
        print(json.dumps(warm_from(args.warm_from, args.one, args.workers)))
        return 0
    if args.one is not None:
        result = cache_runs(args.one, args.workers) if args.cache else one(
            args.one, args.workers, args.keep)
        print(json.dumps(result))
        return 0
    if args.lengths:
        report_lengths(lengths())
        return 0
    if args.build_base:
        build_base(args.build_base, workers=args.workers)
        return 0
    if args.summaries_one:
        import scale

        print(json.dumps(scale.summaries(args.summaries_one)))
        return 0
    if args.summaries_scale:
        report_scale(summaries_scale(args.summaries_scale, args.summaries_from, args.workers))
        return 0
    sizes = args.sizes or ([1000, 10_000] + ([50_000] if args.large else []))
    cache_size = max([s for s in sizes if s <= 10_000] or [min(sizes)])
    results, scaled = [], None
    with tempfile.TemporaryDirectory(prefix="newslens-base-") as base:
        keep = str(Path(base) / "out") if args.large and 10_000 in sizes else None
        for n in sizes:
            print(f"running {n:,} articles ...", file=sys.stderr, flush=True)
            results.append(_child(n, args.workers, keep=keep if n == 10_000 else None))
            if n == cache_size:
                print(f"cache runs at {n:,} articles ...", file=sys.stderr, flush=True)
                results[-1]["cache"] = _child(n, args.workers, with_cache=True)["cache"]
        if keep:  # the 10,000-article output, replicated to a million articles
            scaled = summaries_scale(1_000_000, keep, args.workers)
    print("running baselines ...", file=sys.stderr, flush=True)
    report(results, naive(), floor(), scaled)
    if scaled is not None:
        report_scale(scaled)
    print("running article lengths ...", file=sys.stderr, flush=True)
    report_lengths(lengths())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
