"""Are two runs' tables identical (values, row order, column order, dtypes)?

    python bench/compare_tables.py --dump seeds OUT_DIR            # tables of a corpus folder
    python bench/compare_tables.py --dump 1000 OUT_DIR             # of bench/corpus.generate(1000)
    python bench/compare_tables.py --dump 1000 --cache C OUT_DIR   # a warm rerun with cache C
    python bench/compare_tables.py --dump 1000 --storage OUT_DIR   # via Parquet (open_tables)
    python bench/compare_tables.py OLD_DIR NEW_DIR                 # exit 0 when identical

`--dump` runs `newslens.analyze(articles, cache=False)` with whatever `newslens` is imported
(run it under two checkouts, e.g. `PYTHONPATH=/path/to/old/lib`), and writes per table a
digest computed in memory (column names, dtypes, every value, the index) to `manifest.json`,
plus the table as Parquet for inspecting differences. The verdict comes from the in-memory
digests, so it does not depend on how Parquet stores a dtype.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent


def table_digest(table: pd.DataFrame) -> str:
    """sha256 of a frame's columns, dtypes, index and values."""
    h = hashlib.sha256()
    h.update(repr(list(table.columns)).encode())
    h.update(repr(table.index).encode() if isinstance(table.index, pd.RangeIndex)
             else pd.util.hash_pandas_object(table.index.to_series(), index=False).to_numpy()
             .tobytes())
    for name in table.columns:
        col = table[name]
        h.update(f"\0{name}\0{col.dtype!r}\0".encode())
        try:
            values = pd.util.hash_pandas_object(col, index=False).to_numpy().tobytes()
        except TypeError:  # unhashable cells (lists): their reprs
            values = "\x1e".join(map(repr, col.tolist())).encode("utf-8", "surrogatepass")
        h.update(values)
        h.update(repr([type(v).__name__ for v in col.tolist()]).encode()
                 if col.dtype == object else b"")
    return h.hexdigest()


def load_articles(corpus: str) -> pd.DataFrame:
    import newslens

    if corpus.isdigit():
        sys.path.insert(0, str(HERE))
        import corpus as generator

        return generator.generate(int(corpus))
    return newslens.load_corpus(corpus)


def _analyze(articles, cache, storage: bool) -> dict:
    import newslens

    if not storage:
        return newslens.analyze(articles, cache=cache or False, progress=False)
    import tempfile

    from newslens.engine.runner import analyze_to

    with tempfile.TemporaryDirectory() as folder:
        analyze_to(articles, folder, cache=cache or False, progress=False, csv=False)
        tables = newslens.open_tables(folder)
        return {name: tables[name] for name in tables if name != "articles"}


def dump(corpus: str, out: Path, cache: str | None = None, storage: bool = False) -> None:
    import newslens

    articles = load_articles(corpus)
    if cache:  # fill the cache first: the tables dumped are read back from it
        newslens.analyze(articles, cache=cache, progress=False)
    t0 = time.perf_counter()
    tables = _analyze(articles, cache, storage)
    seconds = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"corpus": corpus, "articles": len(articles), "seconds": round(seconds, 2),
                "newslens": newslens.__file__, "tables": {}}
    for name, table in tables.items():
        manifest["tables"][name] = {
            "rows": len(table), "columns": list(map(str, table.columns)),
            "dtypes": [repr(d) for d in table.dtypes], "digest": table_digest(table)}
        try:
            table.to_parquet(out / f"{name}.parquet", index=False)
        except Exception as err:  # noqa: BLE001 - the digest is the verdict; Parquet is a help
            print(f"note: {name} not written as Parquet ({err})", file=sys.stderr)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    print(f"{len(tables)} tables of {len(articles)} articles -> {out} ({seconds:.1f} s)")


def _explain(old: Path, new: Path, name: str) -> str:
    """The first differing column and row, from the Parquet copies (best effort)."""
    try:
        a = pd.read_parquet(old / f"{name}.parquet")
        b = pd.read_parquet(new / f"{name}.parquet")
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    except AssertionError as err:
        return str(err).splitlines()[0] + " ... " + " ".join(str(err).split()[-12:])
    except Exception as err:  # noqa: BLE001
        return f"(no Parquet detail: {err})"
    return "values equal once stored; dtypes or index differ"


def compare(old: Path, new: Path) -> int:
    a = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    b = json.loads((new / "manifest.json").read_text(encoding="utf-8"))
    problems = []
    if list(a["tables"]) != list(b["tables"]):
        problems.append(f"table names/order differ: {list(a['tables'])} vs {list(b['tables'])}")
    for name, left in a["tables"].items():
        right = b["tables"].get(name)
        if right is None:
            continue
        for field in ("rows", "columns", "dtypes"):
            if left[field] != right[field]:
                problems.append(f"{name}: {field} differ: {left[field]} vs {right[field]}")
        if left["digest"] != right["digest"] and left["rows"] == right["rows"]:
            problems.append(f"{name}: values differ: {_explain(old, new, name)}")
    print(f"{a['corpus']} ({a['articles']} articles): {len(a['tables'])} tables, "
          f"{sum(t['rows'] for t in a['tables'].values()):,} rows; "
          f"{a['seconds']} s -> {b['seconds']} s")
    for problem in problems:
        print("  DIFFERENT " + problem)
    print("identical" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", metavar="CORPUS",
                        help="a corpus folder/file, or a number of generated articles")
    parser.add_argument("--cache", help="with --dump: analyze twice with this cache folder and "
                        "dump the second (cached) run")
    parser.add_argument("--storage", action="store_true", help="with --dump: write the tables "
                        "to Parquet (analyze_to) and dump what open_tables reads back")
    parser.add_argument("dirs", nargs="+", help="OUT_DIR with --dump, else OLD_DIR NEW_DIR")
    args = parser.parse_args(argv)
    if args.dump:
        dump(args.dump, Path(args.dirs[0]), args.cache, args.storage)
        return 0
    if len(args.dirs) != 2:
        parser.error("give OLD_DIR NEW_DIR")
    return compare(Path(args.dirs[0]), Path(args.dirs[1]))


if __name__ == "__main__":
    raise SystemExit(main())
