"""Load a corpus of news articles (a folder or one file) into a tidy articles table.

Every problem met while loading (empty, binary or undecodable files, malformed records,
missing titles, bad dates, duplicates, unsupported formats) becomes a row of the load report
(`load_report(articles)`): nothing is dropped silently, and bad input never stops the load.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import sys
import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import yaml

from newslens import schema
from newslens.paths import resolve_corpus

SUPPORTED_FORMATS = (".txt", ".md", ".json", ".jsonl", ".csv")
COLUMNS = schema.table("articles").names
REPORT_COLUMNS = schema.table("load_report").names
SKIPPED = "skipped"

# Metadata keys (lower-cased) read into the core columns; the first present one wins.
_KEYS = {
    "title": ("title", "headline"),
    "text": ("text", "body", "content"),
    "published": ("published", "date", "datetime"),
    "source": ("source", "outlet", "publisher"),
    "url": ("url", "link"),
}
_RELATIVE_DATES = {"now", "today", "tomorrow", "yesterday"}
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


class CorpusError(ValueError):
    """A corpus path that does not exist or holds no readable article."""


class CorpusNotFoundError(CorpusError, FileNotFoundError):
    """The corpus path does not exist."""


def _formats() -> str:
    return "Supported formats: " + ", ".join(SUPPORTED_FORMATS)


def load_corpus(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """One row per article of a folder (walked recursively, sorted) or a single file.

    `None` means the project's seeds. The load report is kept in
    `articles.attrs["load_report"]`; read it with `load_report(articles)`.
    """
    given = "seeds" if path is None else str(path)
    root = resolve_corpus(path)
    if not root.exists():
        raise CorpusNotFoundError(f"Corpus path does not exist: {given}. {_formats()}")
    if root.is_dir():
        files = sorted(
            (p for p in root.rglob("*")
             if p.is_file() and not any(part.startswith(".")
                                        for part in p.relative_to(root).parts)),
            key=lambda p: p.relative_to(root).parts,
        )
        base = root
    else:
        files, base = [root], root.parent

    report: list[tuple[str, str, str]] = []
    rows: list[dict] = []
    order: dict[str, int] = {}
    for file in files:
        rel = file.relative_to(base).as_posix()
        order[rel] = len(order)
        for label, record in _read_file(file, rel, report):
            row = _article(record, rel, label, report)
            if row is not None:
                rows.append((file.stem, row))

    articles = _assign_ids(rows, report)
    if not articles:
        problems = "".join(f"\n  {p}: {prob} ({act})" for p, prob, act in report[:10])
        raise CorpusError(f"No readable articles in {given}. {_formats()}{problems}")
    frame = _frame(articles)
    frame.attrs["load_report"] = tuple(sorted(report, key=lambda r: _report_key(r[0], order)))
    return frame


def load_report(articles: pd.DataFrame) -> pd.DataFrame:
    """The load report of `load_corpus` (path, problem, action); empty when there is none."""
    report = articles.attrs.get("load_report", ())
    if isinstance(report, pd.DataFrame):
        frame = report.reindex(columns=REPORT_COLUMNS).reset_index(drop=True)
    else:
        frame = pd.DataFrame(list(report), columns=REPORT_COLUMNS, dtype=object)
    return schema.conform("load_report", frame)


def _report_key(where: str, order: dict[str, int]) -> tuple[int, int]:
    """Report rows in file order, then record order ("file.jsonl:3")."""
    rel, _, n = where.rpartition(":")
    if rel in order and n.isdigit():
        return order[rel], int(n)
    return order.get(where, -1), 0


# ---- reading files -------------------------------------------------------------------------

def _decode(data: bytes, rel: str, report: list) -> str | None:
    """Text of a file, or None (reported) when it is empty or binary."""
    if not data.strip():
        report.append((rel, "empty file", SKIPPED))
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    head = data[:8192]
    controls = sum(b < 32 and b not in b"\t\n\r\f\v" for b in head)
    if b"\x00" in head or controls > len(head) // 10:
        report.append((rel, "binary file", SKIPPED))
        return None
    try:
        return data.decode("utf-8-sig")  # plain UTF-8, with or without a byte-order mark
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        report.append((rel, "not valid UTF-8, decoded as cp1252", "kept"))
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        report.append((rel, "undecodable bytes", "kept, bytes replaced with U+FFFD"))
    return text


def _read_file(file: Path, rel: str, report: list) -> list[tuple[int | None, dict]]:
    """(record number or None, metadata) pairs of one file; problems go to the report."""
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_FORMATS:
        report.append((rel, f"unsupported format {file.suffix or '(no extension)'!r}", SKIPPED))
        return []
    try:
        data = file.read_bytes()
    except OSError as err:
        report.append((rel, f"unreadable file: {err.strerror or err}", SKIPPED))
        return []
    text = _decode(data, rel, report)
    if text is None:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix == ".txt":
        return [(None, _title_and_body(text))]
    if suffix == ".md":
        return [(None, _markdown(text, rel, report))]
    if suffix == ".json":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            report.append((rel, f"malformed JSON: {err}", SKIPPED))
            return []
        if isinstance(value, list):
            return _objects(enumerate(value, 1), rel, report)
        return _objects([(None, value)], rel, report)
    if suffix == ".jsonl":
        records = []
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                records.append((n, json.loads(line)))
            except json.JSONDecodeError as err:
                report.append((f"{rel}:{n}", f"malformed JSON line: {err}", SKIPPED))
        return _objects(records, rel, report)
    return _csv(text, rel, report)


def _title_and_body(text: str, strip_heading: bool = False) -> dict:
    """First non-empty line is the title, the rest the body (the seed's .txt format)."""
    lines = text.lstrip().split("\n", 1)
    title = lines[0].strip()
    if strip_heading:
        title = title.lstrip("#").strip()
    return {"title": title, "text": lines[1] if len(lines) > 1 else ""}


def _markdown(text: str, rel: str, report: list) -> dict:
    """Markdown with optional YAML front matter; without a title, a leading `# heading`."""
    if not text.startswith("---\n"):
        return _title_and_body(text, strip_heading=True)
    match = _FRONT_MATTER.match(text)
    meta, body = {}, text[4:]
    if match is None:
        report.append((rel, "malformed front matter: no closing '---'",
                       "kept, front matter ignored"))
    else:
        body = text[match.end():]
        try:
            meta = yaml.safe_load(match.group(1) or "") or {}
            if not isinstance(meta, dict):
                raise yaml.YAMLError(f"expected a mapping, got {type(meta).__name__}")
        except yaml.YAMLError as err:
            first = str(err).strip().split("\n")[0]
            report.append((rel, f"malformed front matter: {first}",
                           "kept, front matter ignored"))
            meta = {}
    meta = {str(k): v for k, v in meta.items()}
    if not any(k.lower() in _KEYS["title"] for k in meta) and body.lstrip().startswith("# "):
        meta.update(_title_and_body(body, strip_heading=True))
    else:
        meta["text"] = body
    return meta


def _objects(records, rel: str, report: list) -> list[tuple[int | None, dict]]:
    out = []
    for n, value in records:
        if isinstance(value, dict):
            out.append((n, value))
        else:
            where = rel if n is None else f"{rel}:{n}"
            report.append((where, f"record is not a JSON object ({type(value).__name__})",
                           SKIPPED))
    return out


def _csv(text: str, rel: str, report: list) -> list[tuple[int, dict]]:
    """Rows of a CSV with a header (title, text, optional date/source/url/...)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article bodies can be long
    try:
        reader = csv.reader(io.StringIO(text))
        try:
            header = [h.strip() for h in next(reader)]
        except (StopIteration, csv.Error) as err:
            report.append((rel, f"malformed CSV header: {err or 'missing'}", SKIPPED))
            return []
        if not any(h.lower() in _KEYS["text"] for h in header):
            report.append((rel, "CSV has no text column (text, body or content)", SKIPPED))
            return []
        out, n = [], 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                report.append((f"{rel}:{n + 1}", f"malformed CSV: {err}",
                               "skipped, and the rest of the file"))
                break
            if not any(cell.strip() for cell in row):
                continue
            n += 1
            if len(row) != len(header):
                problem = f"malformed CSV row: {len(row)} fields, header has {len(header)}"
                report.append((f"{rel}:{n}", problem, SKIPPED))
                continue
            out.append((n, dict(zip(header, row))))
        return out
    finally:
        csv.field_size_limit(limit)


# ---- records into articles -----------------------------------------------------------------

def _pop(meta: dict, column: str):
    """The first non-empty value of a core column's keys; those keys leave `meta`.

    Other non-empty synonyms (e.g. both `date` and `published`) stay as extra metadata.
    """
    found = None
    for key in [k for k in meta if k.lower() in _KEYS[column]]:
        value = meta[key]
        if value is None or not str(value).strip():
            del meta[key]
        elif found is None:
            found = meta.pop(key)
    return found


def _parse_date(value) -> pd.Timestamp | None:
    """A naive timestamp (wall time as written), or None when unparseable."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip().lower() in _RELATIVE_DATES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stamp = pd.Timestamp(pd.to_datetime(value, utc=False))
    except (ValueError, TypeError, OverflowError):
        return None
    if stamp is pd.NaT:
        return None
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _article(meta: dict, rel: str, n: int | None, report: list) -> dict | None:
    """A row (without article_id) from one record's metadata, or None when skipped."""
    where = rel if n is None else f"{rel}:{n}"
    meta = {str(k).strip(): v for k, v in meta.items()}
    title, text = _pop(meta, "title"), _pop(meta, "text")
    date, source, url = _pop(meta, "published"), _pop(meta, "source"), _pop(meta, "url")
    text = "" if text is None else str(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        report.append((where, "missing text", SKIPPED))
        return None
    title = "" if title is None else str(title).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title:
        report.append((where, "missing title", "kept, title empty"))
    published = None
    if date is not None:
        published = _parse_date(date)
        if published is None:
            report.append((where, f"unparseable date {str(date)!r}", "kept, date set to NaT"))
    digest = hashlib.sha256(f"{_normalise(title)}\n{_normalise(text)}".encode()).hexdigest()
    row = {
        "title": title, "text": text,
        "source": "" if source is None else str(source).strip(),
        "published": published,
        "url": "" if url is None else str(url).strip(),
        "path": rel, "n_words": len(_WORD.findall(text)), "sha256": digest,
        "_where": where, "_n": n,
    }
    for key, value in meta.items():
        row[f"meta_{key}" if key in COLUMNS or key.startswith("_") else key] = value
    return row


def _assign_ids(rows: list[tuple[str, dict]], report: list) -> list[dict]:
    """Drop duplicates (first kept) and give each article a unique, stable id."""
    seen: dict[str, str] = {}
    used: set[str] = set()
    out = []
    for stem, row in rows:
        where, n = row.pop("_where"), row.pop("_n")
        if row["sha256"] in seen:
            report.append((where, f"duplicate of {seen[row['sha256']]}", SKIPPED))
            continue
        base = stem if n is None else f"{stem}-{n}"
        candidate, k = base, 1
        if candidate in used:
            candidate = f"{base}-{row['sha256'][:8]}"
        while candidate in used:
            k += 1
            candidate = f"{base}-{row['sha256'][:8]}-{k}"
        used.add(candidate)
        seen[row["sha256"]] = candidate
        out.append({"article_id": candidate, **row})
    return out


def _frame(articles: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(articles)
    extras = sorted(c for c in frame.columns if c not in COLUMNS)
    frame = frame[COLUMNS + extras]
    frame["published"] = pd.to_datetime(frame["published"]).astype("datetime64[us]")
    frame["n_words"] = frame["n_words"].astype("int64")
    return frame.reset_index(drop=True)
