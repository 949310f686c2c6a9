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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # bench/corpus.py, on the path just above
import stage_timing


def main(argv: list[str] | None = None) -> int:
    args = stage_timing.parser(__doc__, "statements").parse_args(argv)

    import newslens
    from newslens.analysis.attribution import statements

    articles = corpus.bench_articles(args.n, args.corpus)
    sents = newslens.sentences(articles)
    mentions = newslens.actor_mentions(articles, sents)
    statements(sents.head(50), mentions)  # load the lexicons before timing
    return stage_timing.measure(args, "statements", lambda: statements(sents, mentions),
                                articles, f"sentences {len(sents)}")


if __name__ == "__main__":
    raise SystemExit(main())
