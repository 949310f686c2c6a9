"""DuckDB sessions over a run's tables: Parquet files or frames in memory, bounded memory.

A `Session` is one DuckDB connection with a memory limit (`MEMORY_LIMIT`, or the environment
variable NEWSLENS_DUCKDB_MEMORY, e.g. "4GB"), spilling to a temporary folder beyond it, and
one view per table: `read_parquet(path)` of a run's files, or a frame / Arrow table given in
memory (read without copying). Every view has a column `__pos`, the row's position in its
table: the corpus summaries (`newslens.engine.sql`) take "the first row" of a group and sum
floating-point values in that order, as the pandas versions did.

`counted(table)` is the SQL of the rows the summaries count: with the articles' `story_id`, a
syndicated story counts once, through its first article in table order that is not a copy
(`newslens.io.syndication.story_rows`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Self

import pandas as pd
import pyarrow as pa

MEMORY_LIMIT = "1GB"  # DuckDB's working memory in the main process; it spills beyond it
POS = "__pos"


def memory_limit() -> str:
    return os.environ.get("NEWSLENS_DUCKDB_MEMORY") or MEMORY_LIMIT


def connect(threads: int | None = None, memory: str | None = None, spill: str | None = None):
    """A DuckDB connection with a memory limit and a spill folder (created if needed)."""
    import duckdb

    config = {"memory_limit": memory or memory_limit(), "preserve_insertion_order": False}
    if threads:
        config["threads"] = int(threads)
    con = duckdb.connect(":memory:", config=config)
    # No bars in logs; in a Jupyter kernel without ipywidgets DuckDB has them off already and
    # refuses to change the setting at all.
    if con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0]:
        con.execute("SET enable_progress_bar = false")
    if spill:
        con.execute(f"SET temp_directory = {quote(spill)}")
    return con


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """The frame as Arrow, without its `attrs` (a load report is no table metadata, and pyarrow
    would warn that it cannot serialise it)."""
    bare = frame.copy(deep=False)
    bare.attrs = {}
    return pa.Table.from_pandas(bare, preserve_index=False)


class Session:
    """A connection and the tables it can read (see the module docstring). Use as a context
    manager, or call `close()`: the spill folder is removed then."""

    def __init__(self, threads: int | None = None, memory: str | None = None):
        self.spill = tempfile.mkdtemp(prefix="newslens-duckdb-")
        self.con = connect(threads, memory, self.spill)
        self.columns: dict[str, list[str]] = {}
        self._kept: list = []  # frames/Arrow tables the views read (kept alive)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            shutil.rmtree(self.spill, ignore_errors=True)

    def has(self, name: str) -> bool:
        return name in self.columns

    def parquet(self, name: str, path: str | os.PathLike, columns=None) -> None:
        """View `name` over a Parquet file (only `columns` of it when given), with `__pos`."""
        import pyarrow.parquet as pq

        present = pq.read_schema(path).names
        cols = [c for c in (columns or present) if c in present]
        select = ", ".join([*(ident(c) for c in cols), f"file_row_number AS {POS}"])
        self.con.execute(
            f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT {select} FROM "
            f"read_parquet({quote(Path(path).as_posix())}, file_row_number = true)")
        self.columns[name] = cols

    def frame(self, name: str, frame: pd.DataFrame | pa.Table, columns=None) -> None:
        """View `name` over a frame or Arrow table in memory, with `__pos`."""
        have = list(frame.column_names if isinstance(frame, pa.Table) else frame.columns)
        cols = [c for c in (columns or have) if c in have]
        table = frame.select(cols) if isinstance(frame, pa.Table) else _arrow(
            frame[cols])  # only the columns read are converted
        table = table.append_column(POS, pa.array(range(table.num_rows), type=pa.int64()))
        self._kept.append(table)
        self.con.register(f"{name}__arrow", table)
        self.con.execute(f"CREATE OR REPLACE VIEW {ident(name)} AS "
                         f"SELECT * FROM {ident(name + '__arrow')}")
        self.columns[name] = cols

    def table(self, name: str, frame) -> None:
        """A small helper table (e.g. region chains), replacing any of that name."""
        table = frame if isinstance(frame, pa.Table) else _arrow(frame)
        self._kept.append(table)
        self.con.register(name, table)

    def counted(self, name: str) -> str:
        """SQL (a subquery) of the rows of `name` that count: a story once (module docstring)."""
        arts = self.columns.get("articles", [])
        if "story_id" not in arts or "article_id" not in self.columns.get(name, []):
            return f"(SELECT * FROM {ident(name)})"
        copy = "coalesce(CAST(is_copy AS BOOLEAN), false)" if "is_copy" in arts else "false"
        return (f"(SELECT * FROM {ident(name)} WHERE article_id IN (SELECT article_id FROM "
                f"(SELECT article_id, row_number() OVER (PARTITION BY story_id ORDER BY {copy}, "
                f"{POS}) AS n FROM articles) WHERE n = 1))")

    def sql(self, query: str, params=None):
        return self.con.sql(query, params=params) if params else self.con.sql(query)

    def df(self, query: str, params=None) -> pd.DataFrame:
        """The result of a query as a frame, through Arrow: DuckDB's own `.df()` builds a
        Python string per text cell first (about 3 times the memory of the frame; a million
        stance pairs took 1.3 GB instead of 0.7)."""
        return self.con.sql(query, params=params or None).to_arrow_table().to_pandas()

    def batches(self, query: str, rows: int = 1_000_000):
        """The result of a query as Arrow record batches of about `rows` rows (streamed)."""
        reader = self.con.sql(query).to_arrow_reader(rows)
        yield from reader


def query_files(paths: dict[str, str | os.PathLike], query: str, params=None) -> pd.DataFrame:
    """Run DuckDB SQL over Parquet files, each a view named after its table (`paths`: name ->
    file); the result as a frame. Memory-limited and spilling like the summaries."""
    spill = tempfile.mkdtemp(prefix="newslens-duckdb-")
    con = connect(memory=memory_limit(), spill=spill)
    try:
        for name, path in paths.items():
            con.execute(f"CREATE VIEW {ident(name)} AS SELECT * FROM "
                        f"read_parquet({quote(Path(path).as_posix())})")
        return con.execute(query, params or []).df()
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
