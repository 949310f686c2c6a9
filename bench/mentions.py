"""CPU time of the `mentions` stage alone (gazetteer matches, pronouns, unlinked names), in ms
per article, on generated articles or on a corpus; and the target (issue #23: <= 1.0 ms).

    python bench/mentions.py                       # 1,000 generated articles (bench/corpus.py)
    python bench/mentions.py --n 2000
    python bench/mentions.py --corpus ../shared/devcorpus2/articles

Sentences are split first and not timed; the gazetteer is compiled before timing. The figure is
the best of `--repeat` runs of `newslens.text.actors.actor_mentions` (process CPU time), so it
moves little with the machine's load; print `uptime` beside it anyway.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

TARGET_MS = 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="generated articles")
    parser.add_argument("--corpus", default=None, help="a corpus path instead (load_corpus)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import newslens
    from newslens.text import unknown
    from newslens.text.actors import _gazetteer, actor_mentions
    from newslens.text.sentences import sentences

    if args.corpus:
        articles = newslens.load_corpus(args.corpus)
        what = args.corpus
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from corpus import generate

        articles = generate(args.n)
        what = f"{args.n:,} generated articles"
    sents = sentences(articles)
    _gazetteer(None), unknown.default_places(), unknown.demonyms()
    best, rows = float("inf"), 0
    for _ in range(args.repeat):
        start = time.process_time()
        rows = len(actor_mentions(articles, sents))
        best = min(best, time.process_time() - start)
    ms = best * 1000 / max(len(articles), 1)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"mentions on {what}: {rows:,} rows, {ms:.3f} ms CPU per article "
          f"(best of {args.repeat}; load average {load:.1f})")
    print(f"target mentions <= {TARGET_MS} ms/article: {'met' if ms <= TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
