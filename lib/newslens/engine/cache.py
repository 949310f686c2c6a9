"""On-disk cache of per-article results, so unchanged articles are never analysed twice.

Layout: `<cache dir>/.newslens-cache` (the marker that makes the folder a newslens cache),
`<cache dir>/<fingerprint>/.newslens-fingerprint` (the marker of each fingerprint folder, holding
the whole fingerprint) and `<cache dir>/<fingerprint>/<pack>.nlc` + `<pack>.keys`.

- The fingerprint hashes everything a result depends on besides the article: the library
  version, source code and shipped model files, the versions of the NLP dependencies, the
  stage registry and every file in the data folder (gazetteers, lexicons). Change any of them
  and nothing old is reused.
- An article's key hashes its whole row (id, title, exact text, metadata), so an edited article
  or a renamed one (new `article_id`) is recomputed.
- A pack holds the per-article tables of one chunk of articles (one file per chunk is much
  faster than one per article), with the keys of its articles; `<pack>.keys` is its index.
  Lookups are per article: a pack is used for the articles requested, whatever else it holds.
- Pack and index both store the sha256 of the pack's keys, and the pack's name is its first 32
  hex digits: an index that is not its pack's (exchanged, stale, forged) is seen on reading.
- Packs are written atomically (temp file + rename) with a sha256 of their content. A truncated
  or corrupt pack or index, an index that does not match its pack, a pack whose tables do not
  have the run's columns and types, or a path that is not a regular file (a FIFO, a link) is a
  cache miss: its articles are recomputed, the pack replaced, and a `CacheWarning` says so.
- Corpus summaries are stored the same way (`summary-<corpus key>.nlc`).

**The cache owns only what it wrote.** A cache folder is used only when it is new, empty or
marked as a newslens cache (`.newslens-cache`); a folder holding anything else is refused with
one warning (`NotACacheWarning`) and the run goes on uncached (the CLI refuses it before any
work). Old fingerprint folders are pruned (least recently used first, `KEEP_FINGERPRINTS` kept)
only when they carry their marker: nothing else in the folder is ever deleted, whatever its
name. The project's default folder of an older version (only fingerprint folders of cache
files) is adopted, i.e. marked, on first use.

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
import re
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
ROOT_MARKER = ".newslens-cache"
FOLDER_MARKER = ".newslens-fingerprint"
_ROOT_MARK = b'{"newslens": "cache", "format": 2}\n'
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_LEGACY_FILE = re.compile(r"\.used|[^/]+\.(?:nlc|keys)|\..+\.tmp")
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0))


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


class NotACacheWarning(UnsafeCacheWarning):
    """The cache folder holds files newslens did not write: it is not used (nor pruned)."""


class CacheWarning(UserWarning):
    """A cache pack failed a check (mismatched index, wrong tables, not a regular file): its
    articles were recomputed and the pack replaced."""


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


# ---- ownership: markers --------------------------------------------------------------------

def _marker_bytes(path: Path) -> bytes | None:
    """The bytes of a marker file when it is a small regular file (never a link), else None."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            return fh.read(4096)
        except OSError:
            return None


def is_cache_root(root: Path) -> bool:
    """Does `root` carry the newslens cache marker?"""
    return _marker_bytes(root / ROOT_MARKER) == _ROOT_MARK


def is_fingerprint_folder(folder: Path) -> bool:
    """Is `folder` a real folder (not a link) named by a fingerprint and marked with it?"""
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return False
    except OSError:
        return False
    mark = _marker_bytes(folder / FOLDER_MARKER)
    if mark is None or not _HEX32.fullmatch(folder.name):
        return False
    text = mark.decode("ascii", "replace").strip()
    return bool(_HEX64.fullmatch(text)) and text[:32] == folder.name


def _is_legacy(root: Path) -> bool:
    """A cache folder written before markers: only fingerprint folders of cache files (`.nlc`,
    `.keys`, `.used`, temporary files), at least one pack among them."""
    packs = 0
    try:
        for sub in root.iterdir():
            if sub.is_symlink() or not sub.is_dir() or not _HEX32.fullmatch(sub.name):
                return False
            for f in sub.iterdir():
                if not (_LEGACY_FILE.fullmatch(f.name) and not f.is_symlink() and f.is_file()):
                    return False
                packs += f.suffix == ".nlc"
    except OSError:
        return False
    return packs > 0


def _mark_folder(folder: Path, fp: str) -> None:
    atomic_write(folder / FOLDER_MARKER, fp.encode("ascii") + b"\n")


def claim_reason(root: Path) -> str | None:
    """Why `root` cannot be a newslens cache (it holds files newslens did not write), or None.

    A missing, empty or marked folder is fine; so is the default folder of an older version
    (`_is_legacy`), which is marked on first use. Nothing is created or marked here."""
    try:
        if not root.exists():
            return None
        if not root.is_dir():
            return "it is not a folder"
        if is_cache_root(root) or not any(root.iterdir()):
            return None
    except OSError as err:
        return f"it cannot be used ({err.strerror or err})"
    if root == default_dir() and _is_legacy(root):
        return None
    return ("it is not empty and is not a newslens cache (no .newslens-cache marker): "
            "newslens never writes into, nor prunes, a folder it did not create")


def _claim(root: Path) -> None:
    """Create (private) and mark `root` as a newslens cache; mark legacy fingerprint folders."""
    if not root.exists():
        root.mkdir(parents=True, mode=0o700)
    if is_cache_root(root):
        return
    legacy = _is_legacy(root)
    if legacy:
        for sub in root.iterdir():
            _mark_folder(sub, sub.name + "0" * 32)  # stale fingerprints: pruned first
    atomic_write(root / ROOT_MARKER, _ROOT_MARK)


def keys_digest(keys: list[str]) -> str:
    """sha256 of a pack's keys; its first 32 hex digits name the pack."""
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


class ArticleCache:
    """Per-article results under `root/<fingerprint>/` (see the module docstring)."""

    def __init__(self, root: str | os.PathLike, fp: str):
        self.root = Path(root)
        self.fingerprint = fp
        self.dir = self.root / fp[:32]
        self.problems: list[str] = []  # packs that failed a check in this run

    @classmethod
    def open(cls, cache, stages=None) -> ArticleCache | None:
        """The cache for `cache` (None/True: default folder, a path, False: none); None with an
        `UnsafeCacheWarning` when the folder is not safe, or a `NotACacheWarning` when it holds
        files newslens did not write (see the module docstring)."""
        if cache is False:
            return None
        if isinstance(cache, ArticleCache):
            return cache
        root = default_dir() if cache is None or cache is True else Path(cache)
        store = cls(root, fingerprint(stages))
        return store if store.safe() else None

    def safe(self) -> bool:
        """Create and mark the folder (private) if missing; False, with a warning, when it is
        unsafe or not a newslens cache."""
        category, where = UnsafeCacheWarning, self.root
        reason = claim_reason(self.root)
        if reason is not None:
            category = NotACacheWarning
        else:
            try:
                reason = unsafe_reason(self.root) if self.root.exists() else None
                if reason is None:
                    _claim(self.root)
                if reason is None and self.dir.exists():
                    where = self.dir
                    reason = unsafe_reason(self.dir)
                    if reason is None and not is_fingerprint_folder(self.dir):
                        reason = "it holds files newslens did not write (no marker)"
                        category = NotACacheWarning
            except OSError as err:
                reason, where = f"it cannot be used ({err.strerror or err})", self.root
        if reason is None:
            return True
        warnings.warn(f"newslens: not using the cache folder {where}: {reason}. Running "
                      "without a cache; choose a private folder with NEWSLENS_CACHE_DIR or "
                      "--cache-dir.", category, stacklevel=3)
        return False

    def _ensure_dir(self) -> None:
        """The fingerprint folder, created and marked when missing."""
        if not self.dir.is_dir():
            self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not is_fingerprint_folder(self.dir):
            _mark_folder(self.dir, self.fingerprint)

    def reject(self, pack: str, reason: str) -> None:
        """A pack that failed a check: deleted with its index, warned about once."""
        _unlink(self.dir / f"{pack}.nlc", self.dir / f"{pack}.keys")
        self.problems.append(f"{pack}: {reason}")
        warnings.warn(f"newslens: cache pack {pack} in {self.dir} {reason}; its articles are "
                      "recomputed and the pack replaced", CacheWarning, stacklevel=2)

    # -- reading ----------------------------------------------------------------------------
    def index(self) -> dict[str, str]:
        """article key -> pack id, from the index files; an index that is unreadable or does not
        name its pack (exchanged, stale) is a miss (`reject`)."""
        found: dict[str, str] = {}
        if not is_fingerprint_folder(self.dir):
            return found
        for path in sorted(self.dir.glob("*.keys")):
            pack = path.stem
            reason = None
            try:
                entry = json.loads(_read_file(path) or b"null")
                keys = entry["keys"] if isinstance(entry, dict) else None
                if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
                    raise ValueError("not a list of keys")
                digest = keys_digest(keys)
                if entry.get("keys_sha256") != digest or digest[:32] != pack:
                    reason = "has an index that is not its own (exchanged or stale)"
            except (OSError, ValueError, KeyError, TypeError):
                reason = "has an unreadable index"
            if reason is not None:
                self.reject(pack, reason)
                continue
            for key in keys:
                found.setdefault(key, pack)
        return found

    def read_pack(self, pack: str) -> dict | None:
        """{"keys", "article_ids", "tables" (Arrow)} of a pack, or None (rejected) when it fails
        checks: checksum, format, keys that do not hash to its name."""
        path = self.dir / f"{pack}.nlc"
        content = None
        body = _read_checked(path)
        if body is not None:
            try:
                meta, tables = columnar.decode(body)
                keys, ids = meta["keys"], meta["article_ids"]
                if (isinstance(keys, list) and isinstance(ids, list) and len(keys) == len(ids)
                        and all(isinstance(k, str) for k in keys)
                        and meta.get("keys_sha256") == keys_digest(keys)
                        and keys_digest(keys)[:32] == pack):
                    content = {"keys": keys, "article_ids": ids, "tables": tables}
            except (columnar.FormatError, KeyError):
                content = None
        if content is None:
            self.reject(pack, "failed its checks (missing, corrupt, not a regular file, or "
                        "keys that are not its own)")
        return content

    def read_tables(self, name: str) -> dict[str, pd.DataFrame] | None:
        """Tables stored by `write_tables`, or None when missing or failing checks (deleted)."""
        path = self.dir / f"{name}.nlc"
        body = _read_checked(path)
        try:
            if body is not None:
                _, tables = columnar.decode(body)
                return {k: columnar.to_pandas(k, t) for k, t in tables.items()}
        except (columnar.FormatError, ValueError, TypeError, KeyError):
            pass
        _unlink(path)
        return None

    def write_tables(self, name: str, tables: dict[str, pd.DataFrame]) -> None:
        self._ensure_dir()
        body = columnar.encode(tables)
        atomic_write(self.dir / f"{name}.nlc", MAGIC + hashlib.sha256(body).digest() + body)
        # Stamp the folder as used: an unstamped folder counts as the oldest and is the first
        # one `touch` prunes (the summaries were deleted by the very next run).
        atomic_write(self.dir / ".used", str(time.time()).encode())

    # -- writing ----------------------------------------------------------------------------
    def write_pack(self, keys: list[str], body: bytes) -> None:
        """Store an encoded chunk (`pack_body`) of these articles (pack first, then index)."""
        digest = keys_digest(keys)
        pack = digest[:32]
        self._ensure_dir()
        atomic_write(self.dir / f"{pack}.nlc", MAGIC + hashlib.sha256(body).digest() + body)
        atomic_write(self.dir / f"{pack}.keys",
                     json.dumps({"keys_sha256": digest, "keys": list(keys)}).encode())

    def touch(self) -> None:
        """Mark this fingerprint as used and prune the least recently used old ones: only
        fingerprint folders carrying their marker, never anything else in the cache folder."""
        self._ensure_dir()
        atomic_write(self.dir / ".used", str(time.time()).encode())
        if not is_cache_root(self.root):
            return
        others = []
        for sub in self.root.iterdir():
            if sub != self.dir and is_fingerprint_folder(sub):
                try:
                    used = os.lstat(sub / ".used").st_mtime
                except OSError:
                    used = 0.0
                others.append((used, sub.name, sub))
        for _, _, sub in sorted(others, reverse=True)[KEEP_FINGERPRINTS - 1:]:
            if is_fingerprint_folder(sub):  # checked again just before
                shutil.rmtree(sub, ignore_errors=True)


def pack_body(tables: dict, keys: list[str], article_ids: list) -> bytes:
    """A chunk's tables and its articles' keys and ids, encoded (`columnar.encode`)."""
    return columnar.encode(tables, {"keys": list(keys), "keys_sha256": keys_digest(list(keys)),
                                    "article_ids": list(article_ids)})


def _read_file(path: Path) -> bytes | None:
    """A cache file's bytes; None when missing, unreadable, not a regular file (a FIFO is never
    waited on, a link never followed), or someone else's (unsafe)."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or unsafe_reason(path, info) is not None:
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
