"""What the per-stage speed scripts share: their options, best-of-N CPU timing, the profile, the
table's digest and dump (`bench/stances_speed.py`, `bench/statements_speed.py`)."""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

TARGET_MS = 1.2


def parser(doc: str, table: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=doc.split("\n")[0])
    p.add_argument("--n", type=int, default=1000, help="generated articles")
    p.add_argument("--corpus", default=None, help="a folder of articles instead")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--dump", default=None, help=f"write the {table} table as CSV")
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="profile one run and print the top N functions by cumtime")
    return p


def measure(args, stage: str, run: Callable[[], pd.DataFrame], articles: pd.DataFrame,
            counts: str, reset: Callable[[], None] = lambda: None) -> int:
    """Time `run()` (each run after `reset()`): the best CPU time of `args.repeat` runs per
    article, the table's row count and sha1, `--dump` as CSV; or only a profile (`--profile`)."""
    if args.profile:
        reset()
        prof = cProfile.Profile()
        prof.enable()
        run()
        prof.disable()
        pstats.Stats(prof).sort_stats("cumtime").print_stats(args.profile)
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
        return 0
    best, table = float("inf"), None
    for _ in range(max(1, args.repeat)):
        reset()
        t0 = time.process_time()
        table = run()
        best = min(best, time.process_time() - t0)
    n = articles["article_id"].nunique() if "article_id" in articles else len(articles)
    per = best * 1000 / max(1, n)
    data = table.to_csv(index=False).encode()
    print(f"articles {n}  {counts}  {stage} {len(table)}  "
          f"sha1 {hashlib.sha1(data).hexdigest()[:12]}")
    print(f"{stage} CPU best of {args.repeat}: {best:.3f} s = {per:.2f} ms/article "
          f"(target <= {TARGET_MS} ms on generated articles)  load {os.getloadavg()[0]:.1f}")
    if args.dump:
        Path(args.dump).parent.mkdir(parents=True, exist_ok=True)
        Path(args.dump).write_bytes(data)
    return 0
