"""Tables on disk: Parquet files written as chunks arrive, CSV copies, lazy reading.

Layout of an output folder (`analyze_to`, `python -m newslens analyze --out DIR`):

    DIR/manifest.json              tables, rows, columns and dtypes; the newslens version
    DIR/parquet/<table>.parquet    every table (one file each; one row group per piece)
    DIR/<table>.csv                the same tables as CSV (UTF-8, header; see CSV_MAX_ARTICLES)

The per-article tables are appended to their Parquet files piece by piece while the engine
runs, so the main process never holds every table of a large corpus; the corpus summaries are
then computed from the Parquet files, reading only the columns each needs
(`newslens.engine.summaries`), and the CSVs are streamed from them. Everything is written in a
hidden staging folder inside DIR and moved into place at the end: an interrupted or failed run
leaves DIR as it was.

Output folder rules: one run at a time writes DIR (`.newslens-lock`, an advisory lock held by
the writer, gone with it: a second writer is refused with `OutputBusyError`, never mixed in); a
new run replaces the previous one as a whole: the files its manifest listed and the new run does
not write (CSVs of an earlier `--csv yes`, tables of an older version) are removed, nothing
else in DIR is touched; files are created in the private staging folder and moved, never
opened through a link.

`open_tables(DIR)` gives lazy access to a previous run: a mapping of table name to frame, each
read from Parquet on first use (`Tables.load(name, columns)` reads only some columns), and
`Tables.sql(query)`: DuckDB SQL over the run's Parquet files, one view per table.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newslens import __version__, schema
from newslens.engine import columnar
from newslens.io.export import neutralise_table

CSV_MAX_ARTICLES = 50_000  # above this many articles, CSVs are written only when asked for
MANIFEST = "manifest.json"
LOCK = ".newslens-lock"
_BATCH = 65_536  # rows per CSV batch
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class OutputBusyError(ValueError):
    """Another run is writing the same output folder."""


def _lock(folder: Path) -> int:
    """An exclusive lock on `folder` (the descriptor of its lock file); OutputBusyError when
    another process holds it. A lock file unlinked by its previous holder meanwhile is retried."""
    path = folder / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputBusyError(f"{folder} is being written by another newslens run (lock "
                                  f"file {LOCK}): wait for it to finish or choose another "
                                  "--out") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _unlock(folder: Path, fd: int | None) -> None:
    if fd is None:
        return
    with contextlib.suppress(OSError):
        os.unlink(folder / LOCK)  # while still held: the next writer locks a new file
    with contextlib.suppress(OSError):
        os.close(fd)


def _listed_files(folder: Path) -> set[str]:
    """Files (relative paths) the manifest of a previous run in `folder` lists."""
    try:
        with open(folder / MANIFEST, encoding="utf-8") as fh:
            entries = json.load(fh)["tables"]
        names = {MANIFEST}
        for entry in entries.values():
            names.update(v for k, v in entry.items() if k in ("parquet", "csv") and v)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()
    return {n for n in names if isinstance(n, str) and _inside(n)}


def _inside(rel: str) -> bool:
    """A relative path of one or two plain parts (`x.csv`, `parquet/x.parquet`)."""
    parts = rel.split("/")
    return 0 < len(parts) <= 2 and all(p and p not in (".", "..") and "\\" not in p
                                       for p in parts)


def _remove_stale(folder: Path, old: set[str], new: set[str]) -> None:
    """Delete the files of the previous run that this one did not write (links unlinked, never
    followed; folders and anything unlisted left alone)."""
    for rel in sorted(old - new):
        path = folder / rel
        with contextlib.suppress(OSError):
            if not os.path.isdir(path) or os.path.islink(path):
                os.unlink(path)


def _remove_dead_staging(folder: Path) -> None:
    """Staging folders of runs that were killed (the lock is ours: nobody else writes)."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".newslens-partial-") and entry.is_dir(
                    follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)


class TableWriter:
    """Writes tables into a staging folder of `folder`; `commit` moves them into place."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock_fd = None
        self._lock_fd = _lock(self.folder)
        _remove_dead_staging(self.folder)
        self.staging = Path(tempfile.mkdtemp(prefix=".newslens-partial-", dir=self.folder))
        (self.staging / "parquet").mkdir()
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.schemas: dict[str, pa.Schema] = {}
        self.rows: dict[str, int] = {}

    def path(self, name: str) -> Path:
        return self.staging / "parquet" / f"{name}.parquet"

    def __call__(self, tables: dict[str, pa.Table]) -> None:
        """Append one piece of each table (the engine's sink)."""
        for name, table in tables.items():
            self.append(name, table)

    def append(self, name: str, table: pa.Table | pd.DataFrame) -> None:
        table = columnar.to_arrow(table)
        known = self.schemas.setdefault(name, table.schema)
        self.rows[name] = self.rows.get(name, 0) + table.num_rows
        if table.num_rows == 0:
            return
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(self.path(name), known, compression="zstd")
        if not table.schema.equals(known):
            table = table.cast(known)
        self.writers[name].write_table(table)

    def load(self, name: str, columns: tuple | None = None) -> pd.DataFrame:
        """A staged table (all of it, or some columns): what summaries read."""
        self._close(name)
        return _read(self.path(name), name, columns)

    def parquet_path(self, name: str) -> Path:
        """The staged Parquet file of table `name`, complete (what DuckDB summaries read)."""
        if name not in self.schemas:
            raise KeyError(name)
        self._close(name)
        return self.path(name)

    def _close(self, name: str) -> None:
        writer = self.writers.pop(name, None)
        if writer is not None:
            writer.close()
        elif not self.path(name).exists():
            pq.write_table(self.schemas[name].empty_table(), self.path(name))

    def write_csvs(self) -> None:
        """Close the Parquet files and write their CSV copies (staged, like everything)."""
        for name in list(self.schemas):
            self._close(name)
        for name in self.schemas:
            write_csv(self.path(name), self.staging / f"{name}.csv", name)
        self.csv_written = True

    def commit(self, csv: bool, articles: int) -> dict:
        """Close the files, write CSVs if asked, move everything into `folder`, remove the
        previous run's files this one did not write; the manifest."""
        if csv and not getattr(self, "csv_written", False):
            self.write_csvs()
        for name in list(self.schemas):
            self._close(name)
        manifest = {"newslens": __version__, "articles": articles, "csv": csv, "tables": {}}
        for name in self.schemas:
            meta = pq.read_schema(self.path(name))
            manifest["tables"][name] = {
                "rows": self.rows[name], "parquet": f"parquet/{name}.parquet",
                "csv": f"{name}.csv" if csv else None, "columns": meta.names}
        (self.staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        old = _listed_files(self.folder)
        (self.folder / "parquet").mkdir(exist_ok=True)
        new = {MANIFEST}
        for name in self.schemas:
            os.replace(self.path(name), self.folder / "parquet" / f"{name}.parquet")
            new.add(f"parquet/{name}.parquet")
            if csv:
                os.replace(self.staging / f"{name}.csv", self.folder / f"{name}.csv")
                new.add(f"{name}.csv")
        os.replace(self.staging / MANIFEST, self.folder / MANIFEST)
        _remove_stale(self.folder, old, new)
        self.abort()
        return manifest

    def abort(self) -> None:
        """Drop everything staged (after an error or Ctrl-C, or once committed)."""
        for writer in self.writers.values():
            with contextlib.suppress(Exception):  # cleaning up after another error
                writer.close()
        self.writers.clear()
        shutil.rmtree(self.staging, ignore_errors=True)
        _unlock(self.folder, self._lock_fd)
        self._lock_fd = None

    def __del__(self):  # a writer dropped without commit or abort frees the folder
        _unlock(self.folder, getattr(self, "_lock_fd", None))


def _read(path: Path, name: str, columns: tuple | None = None) -> pd.DataFrame:
    table = pq.read_table(path, columns=list(columns) if columns else None)
    frame = table.to_pandas()
    if name in schema.TABLES:
        if columns is None:
            return schema.conform(name, frame)
        declared = schema.TABLES[name].dtypes
        for col in frame.columns:
            if col in declared and str(frame[col].dtype) != declared[col]:
                frame[col] = frame[col].astype(declared[col])
    return frame


# ---- CSV ---------------------------------------------------------------------------------

def _datetime_format(column: pa.ChunkedArray) -> str:
    """The format pandas' `to_csv` gives a whole datetime column (dates only when every value
    is midnight; else seconds, milliseconds or microseconds as the values need)."""
    import pyarrow.compute as pc

    values = pc.drop_null(column.cast(pa.timestamp("us")))
    if len(values) == 0:
        return "%Y-%m-%d"
    micros = pc.cast(values, pa.int64())
    day = 86_400_000_000
    if pc.all(pc.equal(pc.subtract(micros, pc.multiply(pc.divide(micros, day), day)), 0)) \
            .as_py():
        return "%Y-%m-%d"
    sub = pc.abs(pc.subtract(micros, pc.multiply(pc.divide(micros, 1_000_000), 1_000_000)))
    if pc.max(sub).as_py() == 0:
        return "%Y-%m-%d %H:%M:%S"
    if pc.max(pc.subtract(sub, pc.multiply(pc.divide(sub, 1000), 1000))).as_py() == 0:
        return "%Y-%m-%d %H:%M:%S.%3"
    return "%Y-%m-%d %H:%M:%S.%f"


def _format_dates(frame: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    frame = frame.copy()
    for col, fmt in formats.items():
        if fmt.endswith("%3"):
            text = frame[col].dt.strftime(fmt[:-2] + "%f").str[:-3]
        else:
            text = frame[col].dt.strftime(fmt)
        frame[col] = text.astype(object).where(frame[col].notna(), None)
    return frame


def write_csv(parquet: Path, target: Path, name: str) -> None:
    """A Parquet table as CSV, batch by batch, byte for byte what `io.export.write_csv` (the
    whole table's `to_csv`, spreadsheet formulas neutralised) gives."""
    file = pq.ParquetFile(parquet)
    dates = [f.name for f in file.schema_arrow if pa.types.is_timestamp(f.type)]
    formats = {c: _datetime_format(pq.read_table(parquet, columns=[c])[c]) for c in dates}
    with open(target, "w", encoding="utf-8", newline="") as fh:
        header = True
        for batch in file.iter_batches(batch_size=_BATCH):
            frame = columnar.to_pandas(name, pa.Table.from_batches([batch]))
            frame = neutralise_table(_format_dates(frame, formats))
            frame.to_csv(fh, index=False, header=header)
            header = False
        if header:  # no rows: the header alone
            frame = columnar.to_pandas(name, file.schema_arrow.empty_table())
            neutralise_table(frame).to_csv(fh, index=False)


# ---- reading a previous run --------------------------------------------------------------

class Tables(Mapping):
    """The tables of an output folder, each read from Parquet when first asked for."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        path = self.folder / MANIFEST
        try:
            self.manifest = json.loads(path.read_text(encoding="utf-8"))
            self.entries = self.manifest["tables"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise FileNotFoundError(f"{path}: not a newslens output folder ({err})") from None
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.entries:
            raise KeyError(name)
        if name not in self._frames:
            self._frames[name] = self.load(name)
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def rows(self, name: str) -> int:
        return int(self.entries[name]["rows"])

    def path(self, name: str) -> Path:
        return self.folder / self.entries[name]["parquet"]

    def load(self, name: str, columns: tuple | list | None = None) -> pd.DataFrame:
        """Table `name` (only `columns` when given), read now and not kept."""
        if name not in self.entries:
            raise KeyError(name)
        return _read(self.path(name), name, tuple(columns) if columns else None)

    def parquet_path(self, name: str) -> Path:
        if name not in self.entries:
            raise KeyError(name)
        return self.path(name)

    def sql(self, query: str, params=None) -> pd.DataFrame:
        """DuckDB SQL over this run's tables (each a view of its Parquet file, named after the
        table), e.g. `tables.sql("SELECT actor_id, count(*) AS n FROM mentions GROUP BY 1")`;
        the result as a frame. Only the files and columns the query touches are read."""
        from newslens.engine.duck import query_files

        return query_files({name: self.path(name) for name in self.entries}, query, params)

    def arrow(self, name: str, columns: list | None = None) -> pa.Table:
        return pq.read_table(self.path(name), columns=columns)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n} ({e['rows']:,})" for n, e in self.entries.items())
        return f"Tables({str(self.folder)!r}: {sizes})"


def open_tables(folder: str | os.PathLike) -> Tables:
    """Lazy access to the tables of a previous `analyze --out` run (see `Tables`)."""
    return Tables(folder)
