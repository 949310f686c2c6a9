"""On-disk cache of per-article results, so unchanged articles are never analysed twice.

Layout: `<cache dir>/<fingerprint>/<pack>.nlc` + `<pack>.keys`.

- The fingerprint hashes everything a result depends on besides the article: the library
  version, source code and shipped model files, the versions of the NLP dependencies, the
  stage registry and every file in the data folder (gazetteers, lexicons). Change any of them
  and nothing old is reused.
- An article's key hashes its whole row (id, title, exact text, metadata), so an edited article
  or a renamed one (new `article_id`) is recomputed.
- A pack holds the per-article tables of one chunk of articles (one file per chunk is much
  faster than one per article), with the keys of its articles; `<pack>.keys` is its index.
  Lookups are per article: a pack is used for the articles requested, whatever else it holds.
- Packs are written atomically (temp file + rename) with a sha256 of their content. A truncated
  or corrupt pack or index fails the check, is deleted and its articles are recomputed.
- Corpus summaries are stored the same way (`summary-<corpus key>.nlc`).

Nothing in the cache can run code: packs hold Arrow IPC streams and a JSON header
(`newslens.engine.columnar`), indexes are JSON; nothing read back is unpickled. A forged file
could still give wrong rows, so a cache folder that is not owned by the user, or that group or
others can write to, is refused with one warning (`UnsafeCacheWarning`) and the run goes on
uncached; so is a cache file owned by someone else or writable by others. The cache lives in
the project's `.cache/` by default; `NEWSLENS_CACHE_DIR` moves it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
import warnings
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from newslens import __version__
from newslens.engine import columnar
from newslens.paths import PACKAGE_DIR, PROJECT_DIR, data_dir

MAGIC = b"NLC2"  # NLC1 were pickles: never read
_DEPENDENCIES = ("pandas", "numpy", "textblob", "vaderSentiment", "nupunkt", "pyahocorasick",
                 "PyYAML", "pycountry")
KEEP_FINGERPRINTS = 4  # older fingerprint folders (stale code/data) are pruned


def default_dir() -> Path:
    """`NEWSLENS_CACHE_DIR`, else `<project>/.cache/newslens`, else `~/.cache/newslens`."""
    env = os.environ.get("NEWSLENS_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    if (PROJECT_DIR / "pyproject.toml").exists() and os.access(PROJECT_DIR, os.W_OK):
        return PROJECT_DIR / ".cache" / "newslens"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newslens"


def _hash_tree(h, root: Path, pattern: str) -> None:
    if not root.is_dir():
        h.update(f"missing:{root}".encode())
        return
    for path in sorted(root.rglob(pattern)):
        rel = path.relative_to(root)
        if path.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
            h.update(rel.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def data_fingerprint() -> str:
    """sha256 of every file in the data folder (gazetteers, lexicons)."""
    h = hashlib.sha256()
    _hash_tree(h, data_dir(), "*")
    return h.hexdigest()


def fingerprint(stages=None) -> str:
    """sha256 of what results depend on besides the articles (see the module docstring);
    `stages` is the stage registry (`Registry.signature`) or a function."""
    h = hashlib.sha256(f"newslens {__version__}\n".encode())
    for dist in _DEPENDENCIES:
        try:
            h.update(f"{dist} {metadata.version(dist)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist} -\n".encode())
    if hasattr(stages, "signature"):
        h.update(stages.signature().encode() + b"\n")
    elif stages is not None:
        h.update(f"{stages.__module__}.{stages.__qualname__}\n".encode())
    h.update(code_fingerprint().encode())
    h.update(data_fingerprint().encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 of the library source and its shipped models (the learned sentiment model), read
    once per process: the code this process runs."""
    h = hashlib.sha256()
    _hash_tree(h, PACKAGE_DIR, "*.py")
    _hash_tree(h, PACKAGE_DIR / "models", "*.json")
    return h.hexdigest()


def article_keys(articles: pd.DataFrame) -> list[str]:
    """One key per article: sha256 of its whole row (every column, in column-name order).

    The exact text is hashed (not the corpus' whitespace-normalised `sha256` column): offsets
    and paragraphs depend on whitespace. Each value is hashed with its column name, its kind
    (text as UTF-8, datetimes as integer microseconds, anything else as its repr) and length.
    """
    cols = sorted(articles.columns)
    encoded = [_encoded(articles[c]) for c in cols]
    names = [f"{c}\x1f".encode("utf-8", "surrogatepass") for c in cols]
    keys = []
    for row in zip(*encoded):
        h = hashlib.sha256()
        for name, value in zip(names, row):
            h.update(name + len(value).to_bytes(8, "little") + value)
        keys.append(h.hexdigest())
    return keys


def _encoded(column: pd.Series) -> list[bytes]:
    """Bytes for each value of a column, tagged by kind (see `article_keys`)."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        micros = column.dt.as_unit("us").array.asi8 if len(column) else []
        return [b"t" + (b"NaT" if na else str(v).encode())
                for v, na in zip(micros, column.isna().to_numpy())]
    return [b"s" + v.encode("utf-8", "surrogatepass") if isinstance(v, str)
            else b"r" + repr(v).encode("utf-8", "surrogatepass") for v in column.tolist()]


def atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _unlink(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


class UnsafeCacheWarning(UserWarning):
    """The cache folder could be written by someone else: it is not used."""


def unsafe_reason(path: Path, st: os.stat_result | None = None) -> str | None:
    """Why `path` (a cache folder or file) could hold someone else's data, or None."""
    if not hasattr(os, "getuid"):  # pragma: no cover - not POSIX: no owner bits to check
        return None
    st = st or path.stat()
    if st.st_uid != os.getuid():
        return f"it is owned by user id {st.st_uid}, not by you ({os.getuid()})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"group or others can write to it (mode {stat.filemode(st.st_mode)})"
    return None


class ArticleCache:
    """Per-article results under `root/<fingerprint>/` (see the module docstring)."""

    def __init__(self, root: str | os.PathLike, fp: str):
        self.root = Path(root)
        self.fingerprint = fp
        self.dir = self.root / fp[:32]

    @classmethod
    def open(cls, cache, stages=None) -> ArticleCache | None:
        """The cache for `cache` (None/True: default folder, a path, False: none); None with an
        `UnsafeCacheWarning` when the folder is not safe (see the module docstring)."""
        if cache is False:
            return None
        if isinstance(cache, ArticleCache):
            return cache
        root = default_dir() if cache is None or cache is True else Path(cache)
        store = cls(root, fingerprint(stages))
        return store if store.safe() else None

    def safe(self) -> bool:
        """Create the folder (private) if missing; False, with a warning, when it is unsafe."""
        try:
            if not self.root.exists():
                self.root.mkdir(parents=True, mode=0o700)
            reason = unsafe_reason(self.root)
            if reason is None and self.dir.exists():
                reason = unsafe_reason(self.dir)
                where = self.dir
            else:
                where = self.root
        except OSError as err:
            reason, where = f"it cannot be used ({err.strerror or err})", self.root
        if reason is None:
            return True
        warnings.warn(f"newslens: not using the cache folder {where}: {reason}. Running "
                      "without a cache; choose a private folder with NEWSLENS_CACHE_DIR or "
                      "--cache-dir.", UnsafeCacheWarning, stacklevel=3)
        return False

    # -- reading ----------------------------------------------------------------------------
    def index(self) -> dict[str, str]:
        """article key -> pack id, from the index files (unreadable ones are deleted)."""
        found: dict[str, str] = {}
        if not self.dir.is_dir():
            return found
        for path in sorted(self.dir.glob("*.keys")):
            pack = path.stem
            try:
                keys = json.loads(_read_file(path) or b"null")
                if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
                    raise ValueError("not a list of keys")
            except (OSError, ValueError):
                _unlink(path, path.with_suffix(".nlc"))
                continue
            for key in keys:
                found.setdefault(key, pack)
        return found

    def read_pack(self, pack: str) -> dict | None:
        """{"keys", "article_ids", "tables" (Arrow)} of a pack, or None (deleted) when it fails
        checks."""
        path = self.dir / f"{pack}.nlc"
        content = None
        body = _read_checked(path)
        if body is not None:
            try:
                meta, tables = columnar.decode(body)
                keys, ids = meta["keys"], meta["article_ids"]
                if (isinstance(keys, list) and isinstance(ids, list) and len(keys) == len(ids)
                        and all(isinstance(k, str) for k in keys)):
                    content = {"keys": keys, "article_ids": ids, "tables": tables}
            except (columnar.FormatError, KeyError):
                content = None
        if content is None:
            _unlink(path, path.with_suffix(".keys"))
        return content

    def read_tables(self, name: str) -> dict[str, pd.DataFrame] | None:
        """Tables stored by `write_tables`, or None when missing or failing checks (deleted)."""
        path = self.dir / f"{name}.nlc"
        body = _read_checked(path)
        try:
            if body is not None:
                _, tables = columnar.decode(body)
                return {k: columnar.to_pandas(k, t) for k, t in tables.items()}
        except (columnar.FormatError, ValueError, TypeError):
            pass
        _unlink(path)
        return None

    def write_tables(self, name: str, tables: dict[str, pd.DataFrame]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        body = columnar.encode(tables)
        atomic_write(self.dir / f"{name}.nlc", MAGIC + hashlib.sha256(body).digest() + body)
        # Stamp the folder as used: an unstamped folder counts as the oldest and is the first
        # one `touch` prunes (the summaries were deleted by the very next run).
        (self.dir / ".used").write_text(str(time.time()), encoding="utf-8")

    # -- writing ----------------------------------------------------------------------------
    def write_pack(self, keys: list[str], body: bytes) -> None:
        """Store an encoded chunk (`pack_body`) of these articles (pack first, then index)."""
        pack = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]
        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.dir / f"{pack}.nlc", MAGIC + hashlib.sha256(body).digest() + body)
        atomic_write(self.dir / f"{pack}.keys", json.dumps(list(keys)).encode())

    def touch(self) -> None:
        """Mark this fingerprint as used and prune the least recently used old ones."""
        self.dir.mkdir(parents=True, exist_ok=True)
        stamp = self.dir / ".used"
        stamp.write_text(str(time.time()), encoding="utf-8")
        others = []
        for sub in self.root.iterdir():
            if sub.is_dir() and sub != self.dir and len(sub.name) == 32:
                used = sub / ".used"
                others.append((used.stat().st_mtime if used.exists() else 0.0, sub))
        for _, sub in sorted(others, reverse=True)[KEEP_FINGERPRINTS - 1:]:
            shutil.rmtree(sub, ignore_errors=True)


def pack_body(tables: dict, keys: list[str], article_ids: list) -> bytes:
    """A chunk's tables and its articles' keys and ids, encoded (`columnar.encode`)."""
    return columnar.encode(tables, {"keys": list(keys), "article_ids": list(article_ids)})


def _read_file(path: Path) -> bytes | None:
    """A cache file's bytes; None when missing, unreadable, or someone else's (unsafe)."""
    try:
        with open(path, "rb") as fh:
            if unsafe_reason(path, os.fstat(fh.fileno())) is not None:
                return None
            return fh.read()
    except OSError:
        return None


def _read_checked(path: Path) -> bytes | None:
    """The body of a cache file whose magic and sha256 check out, else None."""
    data = _read_file(path)
    if data is None:
        return None
    head = len(MAGIC) + 32
    body = data[head:]
    if data[:len(MAGIC)] != MAGIC or hashlib.sha256(body).digest() != data[len(MAGIC):head]:
        return None
    return body
