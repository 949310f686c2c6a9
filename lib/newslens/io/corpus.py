"""Load a corpus of news articles (a folder or one file) into a tidy articles table.

Each file goes through small steps: find it (`_walk`: hidden entries, symbolic links and special
files are reported, not read) -> read its bytes (`_read_bytes`) -> decode them
(`newslens.io.decode`) -> parse records (`newslens.io.formats.PARSERS`, one per format) ->
check each record and make it a row (`newslens.io.records.article`) -> ids and duplicates ->
page furniture, syndicated stories and languages (`newslens.io.postload`). Saved web pages
(`.html`, `.htm`) are decoded and parsed by `newslens.io.html` instead.
Every problem becomes a row of the load report (`load_report(articles)`): path (and record
number), problem, action. Nothing is dropped silently, and no bad file or record stops the
load: an unexpected error is reported for that file or record only. The rules and limits are
described in docs/loading.md.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from newslens import interrupt, schema
from newslens.io import html, language, postload
from newslens.io.decode import decode
from newslens.io.formats import PARSERS, FileContext
from newslens.io.records import COLUMNS, SKIPPED, Limits, article
from newslens.paths import resolve_corpus

__all__ = ["COLUMNS", "REPORT_COLUMNS", "SKIPPED", "SUPPORTED_FORMATS", "CorpusError",
           "CorpusNotFoundError", "Limits", "load_corpus", "load_report"]

SUPPORTED_FORMATS = (*PARSERS, *html.SUFFIXES)
REPORT_COLUMNS = schema.table("load_report").names
_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class CorpusError(ValueError):
    """A corpus path that is empty, does not exist or holds no readable article.

    `report` holds the load report rows (path, problem, action) gathered before the error.
    """

    def __init__(self, message: str, report: tuple = ()):
        super().__init__(message)
        self.report = report


class CorpusNotFoundError(CorpusError, FileNotFoundError):
    """The corpus path does not exist."""


def _formats() -> str:
    return "Supported formats: " + ", ".join(SUPPORTED_FORMATS)


def load_corpus(path: str | os.PathLike | None = None, *, max_article_chars: int | None = None,
                limits: Limits | None = None, languages="en") -> pd.DataFrame:
    """One row per article of a folder (walked recursively, sorted) or a single file.

    `None` means the project's seeds; an empty string is an error (never the current folder).
    Articles longer than `max_article_chars` (default 500,000, or NEWSLENS_MAX_ARTICLE_CHARS)
    are skipped and reported; `limits` sets every limit (`Limits`). Page furniture is removed
    from `text` (kept in `raw_text`), near-duplicate articles share a `story_id`, and each
    article gets a `language`: articles outside `languages` ("en", "en,uk", a list, or "all")
    are kept and reported as not analysed (`newslens.io.postload`). The load report travels
    with the table by reference (`LoadReport`, never deep-copied); read it with
    `load_report(articles)`.
    """
    languages = language.normalise_languages(languages)  # a bad value fails before loading
    given, root = _corpus_root(path)
    limits = limits or Limits.default(max_article_chars=max_article_chars)
    report = _Report()
    rows = []
    for entry in _walk(root, report):
        interrupt.check()  # a safe point per file (`newslens.interrupt`)
        rows += _load_file(entry, limits, report)
    interrupt.check()
    articles = _assign_ids(rows, report)
    if not articles:
        rows = report.rows()
        problems = "".join(f"\n  {p}: {prob} ({act})" for p, prob, act in rows[:10])
        raise CorpusError(f"No readable articles in {given}. {_formats()}{problems}", rows)
    frame = _frame(articles)
    interrupt.check()
    # Real-world corpora (newslens.io.postload): furniture, stories, languages; report rows.
    frame, rows = postload.finish(frame, "all" if languages is None else languages)
    for where, n, problem, action in rows:
        report.add(tuple(where.split("/")), problem, action, n)
    frame.attrs["load_report"] = LoadReport(report.rows())
    return frame


class LoadReport:
    """The load report's rows, carried beside an articles table by reference.

    pandas deep-copies `DataFrame.attrs` on every operation that returns a new frame (a mask,
    a copy, a column assignment): a report of 50,000 rows kept there cost seconds per
    operation and hundreds of megabytes. `attrs["load_report"]` holds this handle instead,
    which every copy shares (deep-copying it returns it): the report follows the articles
    through `articles[mask]`, `.copy()` and `pd.concat` of frames of one load, at no cost, and
    is read with `load_report(articles)`. The rows are a tuple: never changed in place.
    """

    __slots__ = ("rows",)

    def __init__(self, rows: tuple):
        self.rows = tuple(rows)

    def __deepcopy__(self, memo) -> LoadReport:
        return self

    def __copy__(self) -> LoadReport:
        return self

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"<load report: {len(self.rows)} row(s)>"

    def __reduce__(self):
        return (LoadReport, (self.rows,))


def load_report(articles: pd.DataFrame) -> pd.DataFrame:
    """The load report of `load_corpus` (path, problem, action); empty when there is none."""
    report = articles.attrs.get("load_report", ())
    if isinstance(report, LoadReport):
        report = report.rows
    if isinstance(report, pd.DataFrame):
        frame = report.reindex(columns=REPORT_COLUMNS).reset_index(drop=True)
    else:
        frame = pd.DataFrame(list(report), columns=REPORT_COLUMNS, dtype=object)
    return schema.conform("load_report", frame)


def _corpus_root(path) -> tuple[str, Path]:
    """(path as given, for messages; the path to load); errors for empty or missing paths."""
    if path is not None and not os.fspath(path).strip():
        raise CorpusError("Empty corpus path: give a file or a folder of articles "
                          f"(the current folder is never assumed). {_formats()}")
    given = "seeds" if path is None else display(os.fspath(path))
    root = resolve_corpus(path)
    if not root.exists():
        raise CorpusNotFoundError(f"Corpus path does not exist: {given}. {_formats()}")
    return given, root


class _Report:
    """Load report rows, sorted at the end by file (walk order) then record number."""

    def __init__(self):
        self._rows: list[tuple] = []
        self._per_file: dict[tuple, int] = {}

    def add(self, parts: tuple, problem: str, action: str, n: int | None = None) -> None:
        where = "/".join(parts) + ("" if n is None else f":{n}")
        key = (parts, -1 if n is None else n, len(self._rows))
        self._rows.append((key, where, problem, action))
        self._per_file[parts] = self._per_file.get(parts, 0) + 1

    def count(self, parts: tuple) -> int:
        return self._per_file.get(parts, 0)

    def rows(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(row[1:] for row in sorted(self._rows, key=lambda row: row[0]))


# ---- finding files -------------------------------------------------------------------------

class _Entry(NamedTuple):
    path: Path     # what to open (a symbolic link's target inside the corpus)
    parts: tuple   # displayed path relative to the corpus (names with \x escapes if need be)
    listed: tuple | None = None  # (device, inode) of the file when listed: what must be read


def display(name: str) -> str:
    """A name as valid text: bytes that are not UTF-8 shown as \\xNN escapes."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


def _walk(root: Path, report: _Report) -> list[_Entry]:
    """Regular files to read, in order of their relative path; every other entry reported."""
    if not root.is_dir():  # one file, named by the caller: followed even when a link
        return [_Entry(root, (display(root.name),))]
    base = root.resolve()
    files, stack = [], [(root, ())]
    while stack:
        folder, parts = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as err:
            report.add(parts or (".",), f"unreadable folder: {_reason(err)}", SKIPPED)
            continue
        for entry in entries:
            here = parts + (display(entry.name),)
            if here[-1] != entry.name:
                report.add(here, "name is not valid UTF-8", "read, name shown with \\x escapes")
            kind, detail = _classify(entry, base)
            if kind == "folder":
                stack.append((Path(entry.path), here))
            elif kind == "file":
                files.append(_Entry(detail[0], here, detail[1]) if isinstance(detail, tuple)
                             else _Entry(detail, here))
            else:
                report.add(here, detail, SKIPPED if kind == "skip" else kind)
    return sorted(files, key=lambda e: e.parts)


def _classify(entry: os.DirEntry, base: Path) -> tuple[str, object]:
    """("folder", None), ("file", (path to open, (device, inode))) or ("skip", reason) for one
    folder entry."""
    try:
        if entry.name.startswith("."):
            what = "folder" if entry.is_dir(follow_symlinks=False) else "file"
            return "skip", f"hidden {what} (name starts with '.'), not read"
        if entry.is_symlink():
            return _symlink(Path(entry.path), base)
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as err:
        return "skip", f"unreadable entry: {_reason(err)}"
    if stat.S_ISDIR(mode):
        return "folder", None
    if stat.S_ISREG(mode):
        info = entry.stat(follow_symlinks=False)
        return "file", (Path(entry.path), (info.st_dev, info.st_ino))
    return "skip", f"special file ({_kind(mode)}), not read"


def _symlink(link: Path, base: Path) -> tuple[str, object]:
    """A symbolic link is read only when it leads to a regular, visible file in the corpus."""
    target = display(os.readlink(link))
    try:
        real = link.resolve(strict=True)
    except FileNotFoundError:
        return "skip", f"dangling symbolic link to {target}"
    except (RuntimeError, OSError) as err:
        if isinstance(err, RuntimeError) or err.errno == errno.ELOOP:
            return "skip", f"symbolic link loop ({target})"
        return "skip", f"unreadable symbolic link to {target}: {_reason(err)}"
    if real.is_dir():
        return "skip", f"symbolic link to a folder ({target}), not followed"
    if not real.is_relative_to(base):
        return "skip", f"symbolic link to {target}, outside the corpus, not followed"
    if any(part.startswith(".") for part in real.relative_to(base).parts):
        return "skip", f"symbolic link to a hidden file ({target}), not followed"
    info = real.stat()
    if not stat.S_ISREG(info.st_mode):
        return "skip", f"symbolic link to a special file ({_kind(info.st_mode)}), not read"
    return "file", (real, (info.st_dev, info.st_ino))


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
             (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


# ---- reading one file ----------------------------------------------------------------------

def _load_file(entry: _Entry, limits: Limits, report: _Report) -> list[tuple]:
    """(parts, stem, record number, row) of one file's articles; its problems reported."""
    rel, name = "/".join(entry.parts), entry.parts[-1]

    def note(problem: str, action: str, n: int | None = None) -> None:
        report.add(entry.parts, problem, action, n)

    before = report.count(entry.parts)
    records = []
    try:
        suffix = Path(name).suffix.lower()
        parser = PARSERS.get(suffix)
        if suffix in html.SUFFIXES:  # saved web pages decode and parse themselves
            data = _read_bytes(entry, suffix, limits, note)
            records = [] if data is None else html.read_page(data, note)
        elif parser is None:
            note(f"unsupported format {Path(name).suffix or '(no extension)'!r}", SKIPPED)
            return []
        else:
            data = _read_bytes(entry, suffix, limits, note)
            text = None if data is None else decode(data, note)
            if text is not None:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
                records = parser(text, FileContext(rel, limits, note))
    except Exception as err:  # noqa: BLE001 - one file's failure must not stop the load
        note(f"unexpected error while reading: {type(err).__name__}: {err}", SKIPPED)
        return []
    rows = []
    for n, meta in records:
        try:
            row = article(meta, rel, limits, lambda p, a, n=n: note(p, a, n))
        except Exception as err:  # noqa: BLE001 - one record's failure loses only that record
            note(f"unexpected error in this record: {type(err).__name__}: {err}", SKIPPED, n)
            continue
        if row is not None:
            rows.append((entry.parts, Path(name).stem, n, row))
    if not records and report.count(entry.parts) == before:
        note("no records in this file", SKIPPED)
    return rows


def _read_bytes(entry: _Entry, suffix: str, limits: Limits, note) -> bytes | None:
    """The bytes of a regular file (opened without blocking on a FIFO), or None (noted).

    A file found by listing a folder is opened without following a link (`O_NOFOLLOW`) and
    must still be the file that was listed (device and inode): a file swapped for a link or
    another file between listing and reading is reported, not read."""
    flags = os.O_RDONLY | _NONBLOCK | (_NOFOLLOW if entry.listed is not None else 0)
    try:
        fd = os.open(entry.path, flags)
    except OSError as err:
        if err.errno == errno.ELOOP and entry.listed is not None:
            note("file replaced by a symbolic link after it was listed, not followed", SKIPPED)
        else:
            note(f"unreadable file: {_reason(err)}", SKIPPED)
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                note(f"special file ({_kind(info.st_mode)}), not read", SKIPPED)
                return None
            if entry.listed is not None and (info.st_dev, info.st_ino) != entry.listed:
                note("file replaced by another after it was listed, not read", SKIPPED)
                return None
            most = 4 * (limits.max_article_chars + limits.max_metadata_chars) + 4096
            if suffix in html.SUFFIXES:
                most *= 10  # a page carries markup, scripts and styles around its text
            if suffix in (".txt", ".md", *html.SUFFIXES) and info.st_size > most:
                note(f"file of {info.st_size:,} bytes is longer than the longest article "
                     f"(limit {limits.max_article_chars:,} characters)",
                     f"{SKIPPED} (raise max_article_chars to load it)")
                return None
            return fh.read()
        except OSError as err:
            note(f"unreadable file: {_reason(err)}", SKIPPED)
            return None


# ---- rows into the table -------------------------------------------------------------------

def _assign_ids(rows: list[tuple], report: _Report) -> list[dict]:
    """Drop duplicates (first kept) and give each article a unique, stable id."""
    seen: dict[tuple, str] = {}
    used: set[str] = set()
    out = []
    for parts, stem, n, row in rows:
        # The same article again from the same outlet and url is dropped; from another outlet
        # or url it is a copy (kept: newslens.io.syndication gives both one story).
        same = (row["sha256"], row["source"], row["url"])
        if same in seen:
            report.add(parts, f"duplicate of {seen[same]}", SKIPPED, n)
            continue
        base = stem if n is None else f"{stem}-{n}"
        candidate, k = base, 1
        if candidate in used:
            candidate = f"{base}-{row['sha256'][:8]}"
        while candidate in used:
            k += 1
            candidate = f"{base}-{row['sha256'][:8]}-{k}"
        used.add(candidate)
        seen[same] = candidate
        out.append({"article_id": candidate, **row})
    return out


def _frame(articles: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(articles)
    extras = sorted(c for c in frame.columns if c not in COLUMNS)
    frame = frame[[c for c in COLUMNS if c in frame.columns] + extras]  # + postload's columns
    frame["published"] = pd.to_datetime(frame["published"]).astype("datetime64[us]")
    frame["n_words"] = frame["n_words"].astype("int64")
    return frame.reset_index(drop=True)
