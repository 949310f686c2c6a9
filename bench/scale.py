"""Summaries at scale: replicate a run's Parquet tables to N articles, time the summaries alone.

    python bench/run.py --summaries-scale 1000000                  # builds the 10k base first
    python bench/run.py --summaries-scale 1000000 --summaries-from DIR   # an `analyze --out` DIR

`replicate(base, out, n)` writes an output folder (manifest + parquet/) of n articles: copy k >= 1
of the base's articles gets ids `r{k:05d}-{article_id}` (its rows, stories and claim ids renamed
likewise; copy 0 keeps the base's ids), so copies are distinct articles whose tables sort in
article order after the base's (generated ids start with "bench-"). Written copy by copy with
pyarrow (one base table in memory at a time). `summaries(folder)` then runs the corpus
summaries exactly as `analyze --out` does after the per-article stages
(`engine.runner.summarize` over the files), in a process of its own: wall and CPU time per
stage, peak RSS of that process.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

RENAMED = ("article_id", "story_id", "claim_id", "copy_of")


def _copy(table, k: int):
    """Copy k of a table: its id columns prefixed `r{k:05d}-` (k = 0: as it is; missing and
    empty ids stay so)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if k == 0:
        return table
    for name in RENAMED:
        if name in table.column_names:
            col = table[name]
            if pa.types.is_dictionary(col.type):
                col = col.cast(col.type.value_type)
            empty = pa.scalar("", type=col.type)
            joined = pc.binary_join_element_wise(pa.scalar(f"r{k:05d}-", type=col.type), col,
                                                 empty)
            col = pc.if_else(pc.equal(col, empty), col, joined)
            table = table.set_column(table.column_names.index(name), name, col)
    return table


def replicate(base: str | Path, out: str | Path, n: int, names=None) -> dict:
    """An output folder of `n` articles made of copies of the `base` folder's (see above):
    the tables `names` (default: those the corpus summaries read). Each table is written copy
    by copy (one base table in memory at a time)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from newslens.engine import pipeline

    made = set(pipeline.SUMMARIES.tables())
    names = set(names or {t for st in pipeline.SUMMARIES.order for t in st.inputs} - made)
    base, out = Path(base), Path(out)
    manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
    (out / "parquet").mkdir(parents=True, exist_ok=True)
    ids = sorted(pq.read_table(base / manifest["tables"]["articles"]["parquet"],
                               columns=["article_id"])["article_id"].to_pylist())
    full, rest = divmod(n, len(ids))
    partial = pa.array(ids[:rest], type=pa.string())
    tables = {}
    t0 = time.perf_counter()
    for name, entry in manifest["tables"].items():
        src = base / entry["parquet"]
        if name not in names or "article_id" not in pq.read_schema(src).names:
            continue
        table = pq.read_table(src)
        dst = out / "parquet" / f"{name}.parquet"
        rows = 0
        with pq.ParquetWriter(dst, table.schema, compression="zstd") as writer:
            for k in range(full + (1 if rest else 0)):
                piece = table if k < full else table.filter(
                    pc.is_in(table["article_id"], value_set=partial))
                piece = _copy(piece, k)
                writer.write_table(piece, row_group_size=max(1, min(piece.num_rows, 1 << 20)))
                rows += piece.num_rows
        tables[name] = {"rows": rows, "parquet": f"parquet/{name}.parquet", "csv": None,
                        "columns": table.column_names}
        del table
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
