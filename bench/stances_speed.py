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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # bench/corpus.py, on the path just above
import stage_timing


def main(argv: list[str] | None = None) -> int:
    args = stage_timing.parser(__doc__, "stances").parse_args(argv)

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
    return stage_timing.measure(
        args, "stances", lambda: stances(stmts, sents, mentions=mentions), articles,
        f"statements {len(stmts)}", reset=forget)


if __name__ == "__main__":
    raise SystemExit(main())
