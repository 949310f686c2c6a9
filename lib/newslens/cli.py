"""Command line: `python -m newslens analyze|report|execute-notebooks`."""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import newslens

REPORT_LINES = 50  # load report rows printed (all of them are in load_report.csv)
SCHEDULER_TIMEOUT = 3.0  # seconds to wait for a Dask scheduler to accept a connection


class UsageError(ValueError):
    """A command-line argument that cannot work; reported before any analysis runs."""


class OutputError(Exception):
    """The output folder could not be written (disk full, read-only, ...)."""


def check_corpus(corpus: str) -> Path:
    """The corpus argument names an existing file or folder (never empty: not the cwd), relative
    to the current folder (`newslens.paths.resolve_corpus`); the path."""
    if not corpus.strip():
        raise UsageError("empty corpus path: give a file or a folder of articles")
    from newslens.io.corpus import SUPPORTED_FORMATS
    from newslens.paths import resolve_corpus

    path = resolve_corpus(corpus)
    if not path.exists():
        raise UsageError(f"corpus path does not exist: {corpus} (relative to the current "
                         f"folder {Path.cwd()}; give a file or a folder of "
                         f"{' '.join(SUPPORTED_FORMATS)} files)")
    return path


def check_apart(corpus: Path, out: Path) -> None:
    """The output folder is neither inside the corpus (a second run would load its own tables as
    articles) nor around it (the corpus would sit among the files a run replaces)."""
    try:
        real_corpus, real_out = corpus.resolve(), out.resolve()
    except (OSError, RuntimeError) as err:
        raise UsageError(f"cannot resolve --out {out} or the corpus {corpus}: {err}") from None
    if real_out == real_corpus or (real_corpus.is_dir() and real_out.is_relative_to(real_corpus)):
        raise UsageError(f"--out {out} is inside the corpus {corpus}: the next run would read "
                         "the tables as articles; choose a folder outside it")
    if real_corpus.is_relative_to(real_out):
        raise UsageError(f"the corpus {corpus} is inside --out {out}: choose an output folder "
                         "that does not hold the articles")


def check_cache_dir(cache_dir: str | None) -> None:
    """A --cache-dir (or NEWSLENS_CACHE_DIR) that holds files newslens did not write is refused:
    the cache prunes its own old folders and must never touch anyone else's."""
    from newslens.engine import cache

    root = Path(cache_dir).expanduser() if cache_dir else cache.default_dir()
    reason = cache.claim_reason(root)
    if reason is not None:
        option = "--cache-dir" if cache_dir else "the cache folder"
        raise UsageError(f"{option} {root}: {reason}; give an empty or new folder, or one "
                         "newslens made")


def check_out(out: str) -> Path:
    """The output folder exists and takes files, or can be created: not a file, not under one."""
    if not out.strip():
        raise UsageError("empty --out: give an output folder")
    path = Path(out).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"--out {out} is under a file ({existing}), cannot create it")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out}: folder {existing} is not writable")
    try:  # created now and tried with a real file: access() says yes to root, /proc, ...
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as err:
        raise UsageError(f"--out {out} cannot be created or written: "
                         f"{err.strerror or err}") from None
    return path


def check_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """A Dask scheduler address (tcp://host:port, tls://..., host:port) accepts connections."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls"):
        return  # inproc://, ucx://: nothing to probe here, Dask reports its own errors
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or port is None:
        raise UsageError(f"Dask scheduler address {address!r} has no host:port")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as err:
        reason = "timed out" if isinstance(err, TimeoutError) else (err.strerror or str(err))
        raise UsageError(f"Dask scheduler {address} is not reachable ({reason}, "
                         f"{timeout:g} s timeout)") from None


def check_analyze(args: argparse.Namespace) -> Path:
    """Check every argument of `analyze` that can fail, before any work; the output folder."""
    corpus = check_corpus(args.corpus)
    if args.out.strip():
        check_apart(corpus, Path(args.out).expanduser())
    if not args.no_cache:
        check_cache_dir(args.cache_dir)
    from newslens.io.language import normalise_languages

    try:
        normalise_languages(args.languages)
    except ValueError as err:
        raise UsageError(f"--{err}") from None
    out = check_out(args.out)
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, not {args.workers}")
    if args.max_article_chars is not None and args.max_article_chars < 1:
        raise UsageError(f"--max-article-chars must be at least 1, not {args.max_article_chars}")
    if args.engine == "dask" and args.scheduler:
        check_scheduler(args.scheduler)
    return out


def cmd_analyze(args: argparse.Namespace) -> int:
    from newslens.engine import storage
    from newslens.engine.runner import analyze_to

    out = check_analyze(args)
    articles = newslens.load_corpus(args.corpus, max_article_chars=args.max_article_chars,
                                    languages=args.languages)
    report = newslens.load_report(articles)
    cache = False if args.no_cache else (args.cache_dir or None)
    csv = {"auto": None, "yes": True, "no": False}[args.csv]
    extra = {"load_report": report, "syndication": newslens.syndication_table(articles)}
    try:
        result = analyze_to(articles, out, extra=extra, csv=csv, workers=args.workers,
                            cache=cache, engine=args.engine, scheduler=args.scheduler,
                            shared=args.shared_dir, languages=args.languages)
    except OSError as err:  # a full disk, a read-only folder: one line naming it
        where = err.filename or out
        raise OutputError(f"cannot write the tables to {out} ({where}: "
                          f"{err.strerror or err})") from None
    tables = storage.open_tables(out)
    print(f"Loaded {len(articles)} article{'' if len(articles) == 1 else 's'} from {args.corpus}")
    if len(report):
        print(f"Load report: {len(report)} problem(s)")
        for row in report.head(REPORT_LINES).itertuples(index=False):
            print(f"  {row.path}: {row.problem} -> {row.action}")
        if len(report) > REPORT_LINES:
            print(f"  ... and {len(report) - REPORT_LINES} more in {out / 'load_report.csv'}")
    for name in tables:
        print(f"  {name + '.csv':<24} {tables.rows(name):>8} rows")
    if args.workers is not None and result.stats.workers < args.workers:
        print(f"  --workers {args.workers}: {result.stats.workers} used (at most one per core "
              f"and per chunk)")
    if tables.manifest["csv"]:
        written = "Parquet in parquet/ and CSV"
    elif args.csv == "no":
        written = "Parquet in parquet/ only: --csv no"
    else:
        written = (f"Parquet in parquet/ (no CSV above {storage.CSV_MAX_ARTICLES:,} articles: "
                   "--csv yes to write them)")
    print(f"Tables written to {out} ({written})")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from newslens.report.notebooks import build_reports

    if args.corpus is not None:
        check_corpus(args.corpus)
    check_out(args.out)
    result = build_reports(args.corpus, args.out, with_code=args.with_code)
    for path in result["reports"]:
        print(f"wrote {path}")
    print(f"wrote {result['index']}")
    for name, error in sorted(result["failed"].items()):
        print(f"error: notebook {name} failed: {error}", file=sys.stderr)
    return 1 if result["failed"] else 0


def cmd_execute(args: argparse.Namespace) -> int:
    from newslens.report.notebooks import execute_in_place, notebook_paths

    for path in notebook_paths(args.notebooks):
        print(f"executing {path.name}", flush=True)
        execute_in_place(path)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from newslens import schema

    if args.update_readme:
        path = Path(args.update_readme)
        path.write_text(schema.update_readme(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"data dictionary written to {path}")
    else:
        print(schema.markdown(), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newslens", description=newslens.__doc__)
    parser.add_argument("--version", action="version", version=f"newslens {newslens.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="write the analysis tables of a corpus (Parquet, CSV)")
    analyze.add_argument("corpus", help="a file or folder of articles "
                                        "(.txt .md .json .jsonl .csv .html .htm)")
    analyze.add_argument("--out", default="out", help="output folder (default: out)")
    analyze.add_argument("--languages", default="en",
                         help="languages to analyse, e.g. en or en,uk, or all (default: en); "
                              "articles in others are kept and listed in the load report")
    analyze.add_argument("--workers", type=int, default=None,
                         help="worker processes (default: every core)")
    analyze.add_argument("--engine", choices=["local", "dask"], default="local",
                         help="local process pool (default) or Dask")
    analyze.add_argument("--scheduler", default=None,
                         help="Dask scheduler address (default: a local cluster)")
    analyze.add_argument("--no-cache", action="store_true", help="recompute every article")
    analyze.add_argument("--max-article-chars", type=int, default=None,
                         help="skip (and report) longer articles (default: 500000, or "
                              "NEWSLENS_MAX_ARTICLE_CHARS)")
    analyze.add_argument("--cache-dir", default=None,
                         help="cache folder (default: NEWSLENS_CACHE_DIR or .cache/newslens)")
    analyze.add_argument("--csv", choices=["auto", "yes", "no"], default="auto",
                         help="CSV copies of the Parquet tables (auto: up to 50,000 articles)")
    analyze.add_argument("--shared-dir", default=None,
                         help="with --engine dask: a folder every worker can write; chunk "
                         "results go through files there instead of the scheduler")
    analyze.set_defaults(func=cmd_analyze)

    report = sub.add_parser("report", help="run the notebooks and export HTML reports")
    report.add_argument("--corpus", default=None, help="articles to analyse (default: seeds/)")
    report.add_argument("--out", default="reports", help="output folder (default: reports)")
    report.add_argument("--with-code", action="store_true", help="include code cells")
    report.set_defaults(func=cmd_report)

    execute = sub.add_parser("execute-notebooks", help="re-execute notebooks in place on seeds/")
    execute.add_argument("notebooks", nargs="*", help="notebook paths (default: all)")
    execute.set_defaults(func=cmd_execute)
    schema = sub.add_parser("schema", help="print the data dictionary (every table's columns)")
    schema.add_argument("--update-readme", metavar="README",
                        help="rewrite the data dictionary section of this README instead")
    schema.set_defaults(func=cmd_schema)
    return parser


def _warning_line(message, category, filename, lineno, line=None) -> str:
    return f"warning: {message}\n"


def main(argv: list[str] | None = None) -> int:
    """Run a command. Ctrl-C is recorded and raised at the engine's next safe point even when
    it lands where Python would drop it (a finaliser): exit status 130."""
    from newslens import interrupt

    args = build_parser().parse_args(argv)
    interrupt.install()
    shown = warnings.formatwarning
    warnings.formatwarning = _warning_line  # one line each, no source line
    try:
        interrupt.check()  # one recorded while the library was imported
        status = args.func(args)
        if interrupt.requested():  # after the last safe point: the output was complete
            print("interrupted: the run had finished, its tables are written",
                  file=sys.stderr)
            return 130
        return status
    except KeyboardInterrupt:
        print("interrupted: nothing written (finished articles are cached)", file=sys.stderr)
        interrupt.quick_exit()
        return 130
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        warnings.formatwarning = shown
        interrupt.uninstall()
