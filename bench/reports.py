"""Reports at scale: build every report of a corpus twice (cold, then with a warm cache), check
them in headless Chromium and print the figures against the targets.

    python bench/reports.py --generate 2000            # a generated corpus of 2,000 articles
    python bench/reports.py --corpus PATH [--out DIR]  # any corpus

Targets (issue 13): every report <= 8 MB and <= 25,000 px tall at 1,400 px width, the warm
build <= 120 s on the 2-core machine, no JavaScript error. The machine is shared: say so when
quoting a time taken under load (the load average is printed).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from newslens.report.check import check_folder
from newslens.report.notebooks import build_reports

MAX_MB, MAX_HEIGHT, MAX_SECONDS = 8.0, 25_000, 120.0


def _build(corpus: Path, out: Path) -> float:
    start = time.perf_counter()
    result = build_reports(corpus, out)
    seconds = time.perf_counter() - start
    if result["failed"]:
        raise SystemExit(f"failed notebooks: {result['failed']}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="a corpus folder or file")
    parser.add_argument("--generate", type=int, help="generate this many articles instead")
    parser.add_argument("--out", type=Path, default=None, help="report folder (default: temp)")
    parser.add_argument("--warm-only", action="store_true", help="skip the cold build")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newslens-reports-"))
    corpus = args.corpus
    if args.generate:
        sys.path.insert(0, str(Path(__file__).parent))
        from corpus import write_jsonl

        corpus = write_jsonl(work / "corpus" / "articles.jsonl", args.generate).parent
    if corpus is None:
        parser.error("give --corpus or --generate")
    out = args.out or work / "reports"
    if not args.warm_only:
        print(f"cold build: {_build(corpus, out):.1f} s (load average {os.getloadavg()[0]:.1f})")
    warm = _build(corpus, out)
    print(f"warm build: {warm:.1f} s (load average {os.getloadavg()[0]:.1f}; "
          f"target <= {MAX_SECONDS:.0f} s: {'met' if warm <= MAX_SECONDS else 'NOT met'})")
    ok = warm <= MAX_SECONDS
    for r in check_folder(out):
        met = r.size <= MAX_MB * 1e6 and r.height <= MAX_HEIGHT and not r.errors
        ok &= met
        print(f"{r.line()}  {'targets met' if met else 'TARGET NOT MET'}")
        for error in r.errors:
            print(f"    {error}")
    print(f"reports and screenshots in {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
