"""Summaries at scale: replicate a run's Parquet tables to N articles, time the summaries alone.

    python bench/run.py --summaries-scale 1000000                  # builds the 10k base first
    python bench/run.py --summaries-scale 1000000 --summaries-from DIR   # an `analyze --out` DIR

`replicate(base, out, n)` writes an output folder (manifest + parquet/) of n articles: copy k >= 1
of the base's articles gets ids `r{k:05d}-{article_id}` (its rows, stories and claim ids renamed
likewise; copy 0 keeps the base's ids), so copies are distinct articles whose tables sort in
article order after the base's (generated ids start with "bench-"). DuckDB streams
it file to file (bounded memory). `summaries(folder)` then runs the corpus summaries exactly as
`analyze --out` does after the per-article stages (`engine.runner.summarize` over the files),
in a process of its own: wall and CPU time per stage, peak RSS of that process.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

RENAMED = ("article_id", "story_id", "claim_id", "copy_of")


def _select(columns: list[str]) -> str:
    out = []
    for c in columns:
        if c in RENAMED:
            out.append(f"CASE WHEN k = 0 OR \"{c}\" IS NULL OR \"{c}\" = '' THEN \"{c}\" ELSE "
                       f"'r' || lpad(CAST(k AS VARCHAR), 5, '0') || '-' || \"{c}\" END "
                       f"AS \"{c}\"")
        else:
            out.append(f'"{c}"')
    return ", ".join(out)


def replicate(base: str | Path, out: str | Path, n: int, names=None) -> dict:
    """An output folder of `n` articles made of copies of the `base` folder's (see above):
    the tables `names` (default: those the corpus summaries read)."""
    import duckdb
    import pyarrow.parquet as pq
    from newslens.engine import pipeline

    made = set(pipeline.SUMMARIES.tables())
    names = set(names or {t for st in pipeline.SUMMARIES.order for t in st.inputs} - made)
    base, out = Path(base), Path(out)
    manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
    (out / "parquet").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": "1GB", "preserve_insertion_order": True})
    con.execute(f"SET temp_directory = '{out / 'spill'}'")
    con.execute("SET enable_progress_bar = false")
    arts = base / manifest["tables"]["articles"]["parquet"]
    ids = sorted(r[0] for r in con.execute(
        f"SELECT article_id FROM read_parquet('{arts}')").fetchall())
    full, rest = divmod(n, len(ids))
    con.execute("CREATE TABLE partial AS SELECT unnest(?::VARCHAR[]) AS article_id",
                [ids[:rest]])
    tables = {}
    t0 = time.perf_counter()
    for name, entry in manifest["tables"].items():
        src = base / entry["parquet"]
        columns = pq.read_schema(src).names
        if name not in names or "article_id" not in columns:
            continue
        dst = out / "parquet" / f"{name}.parquet"
        keep = ("WHERE k < ? OR (k = ? AND src.article_id IN (SELECT article_id FROM partial))")
        con.execute(f"COPY (SELECT {_select(columns)} FROM range(?) t(k), "
                    f"read_parquet('{src}') src {keep} ORDER BY k) TO '{dst}' "
                    f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)",
                    [full + (1 if rest else 0), full, full])
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{dst}')").fetchall()[0][0]
        tables[name] = {"rows": rows, "parquet": f"parquet/{name}.parquet", "csv": None,
                        "columns": columns}
    con.close()
    meta = {"newslens": manifest.get("newslens"), "articles": n, "csv": False,
            "tables": tables, "replicated_from": str(base)}
    (out / "manifest.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return {"seconds": time.perf_counter() - t0, "rows": {k: v["rows"] for k, v in tables.items()}}


def summaries(folder: str | Path) -> dict:
    """Time the corpus summaries over an output folder's files (in this process)."""
    import newslens
    from newslens.engine import runner

    tables = newslens.open_tables(folder)
    t0, c0 = time.perf_counter(), time.process_time()
    have = tables.entries["articles"]["columns"]
    articles = tables.load("articles", tuple(c for c in ("article_id", "source", "story_id",
                                                          "is_copy") if c in have))
    load_s = time.perf_counter() - t0
    result = runner.summarize(tables, articles, profile=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"articles": len(articles), "wall": wall, "cpu": cpu, "load_articles_s": load_s,
            "rss_peak_mb": rss, "stages": {k: v[0] for k, v in result.stats.stages.items()},
            "rows": {k: len(v) for k, v in result.tables.items()},
            "input_rows": {k: tables.rows(k) for k in tables}}
