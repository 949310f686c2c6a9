"""CPU time of the stances stage alone, and its table for before/after comparisons.

    python bench/stances_speed.py                         # 1,000 generated articles
    python bench/stances_speed.py --n 300 --repeat 3 --dump bench/out/stances-gen.csv
    python bench/stances_speed.py --corpus ../shared/devcorpus2/articles --dump OUT.csv
    python bench/stances_speed.py --n 300 --profile 40    # cProfile, top 40 by cumtime

Sentences, mentions and statements are computed once (not timed); `stances` is then run
`--repeat` times and the best CPU time (time.process_time, robust to the machine's load) is
printed per article, with the target (<= 1.2 ms per article on the generated corpus).
`--dump` writes the stances table as CSV so that two versions can be compared byte for byte;
keep dumps of corpus text out of the project (bench/out/ is ignored by git).
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
    parser.add_argument("--dump", default=None, help="write the stances table as CSV")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile one run and print the top N functions by cumtime")
    args = parser.parse_args(argv)

    import newslens
    from newslens.analysis.attribution import statements
    from newslens.analysis.stance import rules, stances
    from newslens.analysis.stance.lexicons import _lexicons

    def forget() -> None:  # each run pays for what it reads, as a fresh worker does
        rules._POLARITY.clear()
        getattr(_lexicons(), "_memos", {}).clear()  # (not in older versions)

    articles = corpus.bench_articles(args.n, args.corpus)
    sents = newslens.sentences(articles)
    mentions = newslens.actor_mentions(articles, sents)
    stmts = statements(sents, mentions)
    stances(stmts.head(50), sents, mentions=mentions)  # load the lexicons before timing
    if args.profile:
        forget()
        prof = cProfile.Profile()
        prof.enable()
        stances(stmts, sents, mentions=mentions)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumtime").print_stats(args.profile)
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
        return 0
    best, table = float("inf"), None
    for _ in range(max(1, args.repeat)):
        forget()
        t0 = time.process_time()
        table = stances(stmts, sents, mentions=mentions)
        best = min(best, time.process_time() - t0)
    n = articles["article_id"].nunique() if "article_id" in articles else len(articles)
    per = best * 1000 / max(1, n)
    data = table.to_csv(index=False).encode()
    print(f"articles {n}  statements {len(stmts)}  stances {len(table)}  "
          f"sha1 {hashlib.sha1(data).hexdigest()[:12]}")
    print(f"stances CPU best of {args.repeat}: {best:.3f} s = {per:.2f} ms/article "
          f"(target <= {TARGET_MS} ms on generated articles)  load {os.getloadavg()[0]:.1f}")
    if args.dump:
        Path(args.dump).parent.mkdir(parents=True, exist_ok=True)
        Path(args.dump).write_bytes(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
