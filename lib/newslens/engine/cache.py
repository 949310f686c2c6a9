"""On-disk cache of per-article results, so unchanged articles are never analysed twice.

Layout: `<cache dir>/<fingerprint>/<pack>.nlc` + `<pack>.keys`.

- The fingerprint hashes everything a result depends on besides the article: the library
  version, source code and shipped model files, the versions of the NLP dependencies, the
  per-article function and every file in the data folder (gazetteers, lexicons). Change any of
  them and nothing old is reused.
- An article's key hashes its whole row (id, title, exact text, metadata), so an edited article
  or a renamed one (new `article_id`) is recomputed.
- A pack holds the per-article tables of one chunk of articles (one file per chunk is much
  faster than one per article), with the keys of its articles; `<pack>.keys` is its index.
  Lookups are per article: a pack is used for the articles requested, whatever else it holds.
- Packs are written atomically (temp file + rename) with a sha256 of their content. A truncated
  or corrupt pack or index fails the check, is deleted and its articles are recomputed.

Packs are pickles: the cache folder must be as trusted as the code (it lives in the project's
`.cache/` by default; `NEWSLENS_CACHE_DIR` moves it).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import tempfile
import time
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from newslens import __version__
from newslens.paths import PACKAGE_DIR, PROJECT_DIR, data_dir

MAGIC = b"NLC1"
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


def fingerprint(func=None) -> str:
    """sha256 of what results depend on besides the articles (see the module docstring)."""
    h = hashlib.sha256(f"newslens {__version__}\n".encode())
    for dist in _DEPENDENCIES:
        try:
            h.update(f"{dist} {metadata.version(dist)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist} -\n".encode())
    if func is not None:
        h.update(f"{func.__module__}.{func.__qualname__}\n".encode())
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
    and paragraphs depend on whitespace.
    """
    cols = sorted(articles.columns)
    keys = []
    for row in zip(*(articles[c].tolist() for c in cols)):
        h = hashlib.sha256()
        for col, value in zip(cols, row):
            h.update(f"{col}\x1f{value!r}\x1e".encode("utf-8", "surrogatepass"))
        keys.append(h.hexdigest())
    return keys


def _atomic_write(path: Path, data: bytes) -> None:
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


class ArticleCache:
    """Per-article results under `root/<fingerprint>/` (see the module docstring)."""

    def __init__(self, root: str | os.PathLike, fp: str):
        self.root = Path(root)
        self.fingerprint = fp
        self.dir = self.root / fp[:32]

    @classmethod
    def open(cls, cache, func=None) -> ArticleCache | None:
        """The cache for `cache` (None/True: default folder, a path, False: none)."""
        if cache is False:
            return None
        if isinstance(cache, ArticleCache):
            return cache
        root = default_dir() if cache is None or cache is True else Path(cache)
        return cls(root, fingerprint(func))

    # -- reading ----------------------------------------------------------------------------
    def index(self) -> dict[str, str]:
        """article key -> pack id, from the index files (unreadable ones are deleted)."""
        found: dict[str, str] = {}
        if not self.dir.is_dir():
            return found
        for path in sorted(self.dir.glob("*.keys")):
            pack = path.stem
            try:
                keys = json.loads(path.read_text(encoding="utf-8"))
                if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
                    raise ValueError("not a list of keys")
            except (OSError, ValueError):
                _unlink(path, path.with_suffix(".nlc"))
                continue
            for key in keys:
                found.setdefault(key, pack)
        return found

    def read_pack(self, pack: str) -> dict | None:
        """{"keys", "article_ids", "tables"} of a pack, or None (deleted) when it fails checks."""
        path = self.dir / f"{pack}.nlc"
        body = _read_checked(path)
        content = None
        if body is not None:
            try:
                stream = io.BytesIO(body)
                keys, ids = pickle.load(stream)
                tables = pickle.load(stream)
                if (len(keys) == len(ids) and isinstance(tables, dict)
                        and all(isinstance(t, pd.DataFrame) for t in tables.values())):
                    content = {"keys": keys, "article_ids": ids, "tables": tables}
            except Exception:  # noqa: BLE001 - any unpickling failure means a bad pack
                content = None
        if content is None:
            _unlink(path, path.with_suffix(".keys"))
        return content

    def read_blob(self, name: str):
        """A stored object (`write_blob`), or None when missing or failing checks (deleted)."""
        path = self.dir / f"{name}.nlc"
        body = _read_checked(path)
        if body is None:
            _unlink(path)
        try:
            return pickle.loads(body) if body is not None else None
        except Exception:  # noqa: BLE001 - any unpickling failure means a bad file
            _unlink(path)
            return None

    def write_blob(self, name: str, obj) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        body = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        _atomic_write(self.dir / f"{name}.nlc", MAGIC + hashlib.sha256(body).digest() + body)

    # -- writing ----------------------------------------------------------------------------
    def write_pack(self, keys: list[str], article_ids: list, tables_payload: bytes) -> None:
        """Store the pickled tables of these articles (pack first, then its index)."""
        body = _pack_body(keys, article_ids, tables_payload)
        pack = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]
        self.dir.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.dir / f"{pack}.nlc",
                      MAGIC + hashlib.sha256(body).digest() + body)
        _atomic_write(self.dir / f"{pack}.keys", json.dumps(list(keys)).encode())

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


def _read_checked(path: Path) -> bytes | None:
    """The body of a cache file whose magic and sha256 check out, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 32
    body = data[head:]
    if data[:len(MAGIC)] != MAGIC or hashlib.sha256(body).digest() != data[len(MAGIC):head]:
        return None
    return body


def _pack_body(keys, article_ids, tables_payload: bytes) -> bytes:
    """Pack body: the pickled header (keys, article ids) followed by the pickled tables."""
    return pickle.dumps((list(keys), list(article_ids)), protocol=5) + tables_payload
