"""Tables as Arrow: the one format results take on disk and between processes (never pickle).

- `to_arrow` / `to_pandas`: a table frame to an Arrow table and back, exactly (column order,
  values, dtypes; tables declared in `newslens.schema` are conformed to it on the way back).
- `encode` / `decode`: several named tables plus a small JSON header in one byte string (the
  cache pack and worker-result format): `NLT1`, header length (4 bytes, little endian), the
  header (JSON: `meta` and the byte length of each table's Arrow IPC stream), then the streams
  (LZ4-compressed IPC). Decoding parses JSON and Arrow IPC only, and validates every table, so
  a forged file can give wrong rows but cannot run code.
"""

from __future__ import annotations

import json
import struct

import pandas as pd
import pyarrow as pa

from newslens import schema

MAGIC = b"NLT1"
_WRITE = pa.ipc.IpcWriteOptions(compression="lz4")
# Decoded tables are allocated by the C library's allocator, not Arrow's default (jemalloc),
# which spent more time in the kernel than in decoding: reading 10,000 generated articles
# back from the cache took 2.3-2.6 s with it and 1.4 s with this one (same tables).
_DECODE_POOL = pa.system_memory_pool()


class FormatError(ValueError):
    """Bytes that are not an encoded set of tables."""


def to_arrow(frame: pd.DataFrame | pa.Table) -> pa.Table:
    if isinstance(frame, pa.Table):
        return frame
    if "load_report" in frame.attrs:  # travels beside the articles, never into their files
        frame = frame.copy(deep=False)
        frame.attrs = {k: v for k, v in frame.attrs.items() if k != "load_report"}
    return pa.Table.from_pandas(frame, preserve_index=False)


def to_pandas(name: str, table: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """The frame of an Arrow table, with the declared dtypes when `name` has a schema."""
    frame = table if isinstance(table, pd.DataFrame) else table.to_pandas()
    if name in schema.TABLES and schema.problems(name, frame):  # else as it is: no copy
        frame = schema.conform(name, frame)
    return frame


def encode(tables: dict[str, pd.DataFrame | pa.Table], meta: dict | None = None) -> bytes:
    """`tables` (frames or Arrow tables) and a JSON-able `meta` as one byte string."""
    streams = []
    for table in tables.values():
        table = to_arrow(table)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema, options=_WRITE) as writer:
            writer.write_table(table)
        streams.append(sink.getvalue().to_pybytes())
    header = json.dumps({"meta": meta or {},
                         "tables": [[name, len(s)] for name, s in zip(tables, streams)]})
    head = header.encode("utf-8")
    return b"".join([MAGIC, struct.pack("<I", len(head)), head, *streams])


def decode(data: bytes | memoryview) -> tuple[dict, dict[str, pa.Table]]:
    """(meta, {name: Arrow table}) of `encode`'s output; FormatError when it is not that."""
    view = memoryview(data)
    if bytes(view[:4]) != MAGIC or len(view) < 8:
        raise FormatError("not a newslens table file")
    (size,) = struct.unpack("<I", view[4:8])
    try:
        header = json.loads(bytes(view[8:8 + size]).decode("utf-8"))
        meta, entries = header["meta"], header["tables"]
        if not isinstance(meta, dict) or not isinstance(entries, list):
            raise TypeError("bad header")
    except (ValueError, KeyError, TypeError) as err:
        raise FormatError(f"bad header: {err}") from None
    pos, tables = 8 + size, {}
    buffer = pa.py_buffer(data)
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and isinstance(entry[1], int) and 0 <= entry[1] <= len(view) - pos):
            raise FormatError(f"bad table entry {entry!r}")
        name, length = entry
        try:
            table = pa.ipc.open_stream(buffer.slice(pos, length),
                                       memory_pool=_DECODE_POOL).read_all()
            table.validate(full=True)
        except (pa.ArrowException, ValueError) as err:
            raise FormatError(f"table {name}: {err}") from None
        tables[name] = table
        pos += length
    if pos != len(view):
        raise FormatError("trailing bytes")
    return meta, tables
