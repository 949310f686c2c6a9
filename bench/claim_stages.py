"""CPU time of the territorial stages alone (region_mentions, claims, quantities), in one process.

    python bench/claim_stages.py [N] [--chunk 125] [--repeat 3]

Generates N articles (bench/corpus.py, seeded), runs the upstream stages once per chunk of
`--chunk` consecutive articles (as the engine's chunks), then times each territorial stage on
every chunk `--repeat` times and prints the best CPU ms per article per stage. Quicker and
steadier under load than `bench/run.py` for work on these three stages; `bench/run.py` gives the
figures of record.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from newslens.analysis.attribution import statements
from newslens.analysis.quantities import quantities
from newslens.analysis.territory import territorial_claims
from newslens.text.actors import actor_mentions
from newslens.text.regions import region_mentions
from newslens.text.sentences import sentences


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=1000)
    ap.add_argument("--chunk", type=int, default=125)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    articles = corpus.generate(args.n)
    chunks = []
    for a in range(0, args.n, args.chunk):
        arts = articles.iloc[a:a + args.chunk]
        sents = sentences(arts)
        ments = actor_mentions(arts, sents)
        chunks.append({"articles": arts, "sentences": sents, "mentions": ments,
                       "statements": statements(sents, ments)})
    stages = {
        "region_mentions": lambda t: region_mentions(t["sentences"]),
        "claims": lambda t: territorial_claims(t["sentences"], t["mentions"], t["statements"],
                                               t["articles"], t["region_mentions"]),
        "quantities": lambda t: quantities(t["sentences"], t["claims"], t["mentions"],
                                           t["region_mentions"]),
    }
    outputs = {"region_mentions": "region_mentions", "claims": "claims",
               "quantities": "quantities"}
    best = {}
    for _ in range(args.repeat):
        for name, run in stages.items():
            total = 0.0
            for t in chunks:
                t0 = time.process_time()
                t[outputs[name]] = run(t)
                total += time.process_time() - t0
            best[name] = min(best.get(name, total), total)
    rows = {name: sum(len(t[outputs[name]]) for t in chunks) for name in stages}
    print(f"CPU ms per article, best of {args.repeat}, {args.n} generated articles in chunks "
          f"of {args.chunk}:")
    for name, seconds in best.items():
        print(f"  {name:16s} {1000 * seconds / args.n:6.2f}   ({rows[name]:,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
