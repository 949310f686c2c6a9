"""CPU time of the statements stage alone, and its table for before/after comparisons.

    python bench/statements_speed.py                         # 1,000 generated articles
    python bench/statements_speed.py --n 1000 --repeat 3 --dump bench/out/st-gen.csv
    python bench/statements_speed.py --corpus ../shared/devcorpus2/articles --dump OUT.csv
    python bench/statements_speed.py --n 300 --profile 40    # cProfile, top 40 by cumtime

Sentences and mentions are computed once (not timed); `statements` is then run `--repeat`
times and the best CPU time (time.process_time, robust to the machine's load) is printed per
article, with the target (<= 1.2 ms per article on the generated corpus). `--dump` writes the
statements table as CSV (sorted as the stage sorts it) so that two versions can be compared
byte for byte; keep dumps of corpus text out of the project (bench/out/ is ignored by git).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # bench/corpus.py, on the path just above

TARGET_MS = 1.2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="generated articles")
    parser.add_argument("--corpus", default=None, help="a folder of articles instead")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dump", default=None, help="write the statements table as CSV")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile one run and print the top N functions by cumtime")
    args = parser.parse_args(argv)

    import newslens
    from newslens.analysis.attribution import statements

    articles = corpus.bench_articles(args.n, args.corpus)
    sents = newslens.sentences(articles)
    mentions = newslens.actor_mentions(articles, sents)
    statements(sents.head(50), mentions)  # load the lexicons before timing
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        statements(sents, mentions)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumtime").print_stats(args.profile)
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
        return 0
    best, table = float("inf"), None
    for _ in range(max(1, args.repeat)):
        t0 = time.process_time()
        table = statements(sents, mentions)
        best = min(best, time.process_time() - t0)
    n = articles["article_id"].nunique() if "article_id" in articles else len(articles)
    per = best * 1000 / max(1, n)
    data = table.to_csv(index=False).encode()
    print(f"articles {n}  sentences {len(sents)}  statements {len(table)}  "
          f"sha1 {hashlib.sha1(data).hexdigest()[:12]}")
    print(f"statements CPU best of {args.repeat}: {best:.3f} s = {per:.2f} ms/article "
          f"(target <= {TARGET_MS} ms on generated articles)  load {os.getloadavg()[0]:.1f}")
    if args.dump:
        Path(args.dump).parent.mkdir(parents=True, exist_ok=True)
        Path(args.dump).write_bytes(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
