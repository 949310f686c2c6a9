"""Ctrl-C at random moments of a run: does every interrupt stop `analyze`, promptly, with 130?

Starts `python -m newslens analyze` on a generated corpus (`bench/corpus.py`, 2,000 articles
by default), sends SIGINT at a random moment of its first seconds (uniform in [0, --window],
seeded), and measures how long the process takes to exit and with which status. Each run
gets a fresh output folder; the cache is off (`--no-cache`) so that every run computes.

    python bench/interrupts.py [--articles 2000] [--runs 20] [--window 5] [--workers 2]

Prints one line per run (moment, seconds to stop, status, whether the interrupt landed in a
finaliser: "Exception ignored" on stderr) and a summary against the targets (every run stops
within 2 s, status 130). An interrupt that arrives while the interpreter itself starts (before
any newslens code runs: `site` reading the environment's `.pth` files, ~0.1-0.2 s) ends with
Python's own traceback and status 1 or -2 (a shell shows -2 as 130); nothing in the library can
catch it, so such runs are counted apart ("interpreter start-up").
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as bench_corpus

STOP_LIMIT = 2.0  # seconds: the target


def one_run(corpus: Path, folder: Path, moment: float, workers: int, wait: float = 60.0
            ) -> dict:
    """Start a run, interrupt it `moment` seconds after the start, time the stop."""
    out = folder / "out"
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "newslens", "analyze", str(corpus), "--out", str(out),
         "--no-cache", "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(max(0.0, started + moment - time.monotonic()))
    finished_first = proc.poll() is not None
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    try:
        _, err = proc.communicate(timeout=wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        return {"moment": moment, "stop": float("inf"), "status": "hung", "finaliser": False,
                "traceback": "Traceback" in err, "startup": False,
                "finished_first": finished_first, "left": _left(out)}
    return {"moment": moment, "stop": time.monotonic() - sent, "status": proc.returncode,
            "finaliser": "Exception ignored" in err, "traceback": "Traceback" in err,
            "startup": "Traceback" in err and "newslens" not in err,
            "finished_first": finished_first, "left": _left(out)}


def _left(out: Path) -> int:
    """Files left in the output folder (an interrupted run writes nothing)."""
    return sum(1 for p in out.rglob("*")) if out.exists() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--window", type=float, default=5.0,
                        help="interrupt at a moment uniform in [0, window] s after the start")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    results = []
    with tempfile.TemporaryDirectory(prefix="newslens-interrupts-") as tmp:
        corpus = bench_corpus.write_jsonl(Path(tmp) / "corpus.jsonl", args.articles, seed=7)
        for k in range(args.runs):
            folder = Path(tmp) / f"run-{k}"
            folder.mkdir()
            r = one_run(corpus, folder, rng.uniform(0.0, args.window), args.workers)
            results.append(r)
            print(f"run {k + 1:>2}: SIGINT at {r['moment']:5.2f} s -> stopped in "
                  f"{r['stop']:5.2f} s, status {r['status']}"
                  f"{', in a finaliser' if r['finaliser'] else ''}"
                  f"{', traceback' if r['traceback'] else ''}"
                  f"{' (interpreter start-up)' if r['startup'] else ''}"
                  f"{', output left: ' + str(r['left']) if r['left'] else ''}", flush=True)
    stops = [r["stop"] for r in results]
    clean = sum(r["status"] == 130 for r in results)
    startup = sum(r["startup"] for r in results)
    prompt = sum(s <= STOP_LIMIT for s in stops)
    print(f"\n{args.runs} interrupts, {args.articles} articles, load {os.getloadavg()[0]:.1f}: "
          f"status 130 {clean}, in interpreter start-up {startup}, "
          f"other {args.runs - clean - startup}; stopped within {STOP_LIMIT:g} s: {prompt}; "
          f"stop time median {statistics.median(stops):.2f} s, max {max(stops):.2f} s; "
          f"landed in a finaliser: {sum(r['finaliser'] for r in results)}; "
          f"output left behind: {sum(bool(r['left']) for r in results)}")
    ok = prompt == args.runs and clean + startup == args.runs
    print("target met" + (f" ({startup} in interpreter start-up)" if startup else "")
          if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
