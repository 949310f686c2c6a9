"""Parsers: the decoded text of one file into records (record number or None, metadata).

One function per format in `PARSERS` (add a format by adding a parser). A parser never raises
for bad input: a problem with the whole file or with one record goes to `ctx.note(problem,
action, n)` and the other records are still returned.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import yaml

from newslens.io.records import KEYS, SKIPPED, Keyed, Limits, Rejected

Records = list[tuple[int | None, dict]]
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')


@dataclass
class FileContext:
    """What a parser knows of its file: display path, limits, where problems go."""

    rel: str
    limits: Limits
    note: Callable[..., None]  # note(problem, action, n=None)


# ---- plain text and markdown ---------------------------------------------------------------

def parse_txt(text: str, ctx: FileContext) -> Records:
    """First non-empty line is the title, the rest the body (the seed's .txt format)."""
    return [(None, _title_and_body(text))]


def _title_and_body(text: str, strip_heading: bool = False) -> dict:
    lines = text.lstrip().split("\n", 1)
    title = lines[0].strip()
    if strip_heading:
        title = title.lstrip("#").strip()
    return {"title": title, "text": lines[1] if len(lines) > 1 else ""}


def parse_markdown(text: str, ctx: FileContext) -> Records:
    """Markdown with optional YAML front matter; without a title, a leading `# heading`."""
    if not text.startswith("---\n"):
        return [(None, _title_and_body(text, strip_heading=True))]
    match = _FRONT_MATTER.match(text)
    meta, body = {}, text[4:]
    if match is None:
        ctx.note("malformed front matter: no closing '---'", "kept, front matter ignored")
    else:
        body = text[match.end():]
        meta = front_matter(match.group(1) or "", ctx)
    if not any(str(k).lower() in KEYS["title"] for k in meta) and body.lstrip().startswith("# "):
        meta.update(_title_and_body(body, strip_heading=True))
    else:
        meta["text"] = body
    return [(None, meta)]


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML that turns values it cannot keep into `Rejected` instead of failing."""

    max_int_digits = 100


def _yaml_int(loader, node):
    digits = sum(ch.isdigit() for ch in str(node.value))
    if digits > loader.max_int_digits:
        return Rejected(f"integer with {digits:,} digits")
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _yaml_timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):  # 2025-02-30, month 13: kept as written
        return loader.construct_scalar(node)


def _yaml_binary(loader, node):
    return Rejected("binary data (YAML !!binary)")


def _yaml_map(loader, node):
    """A mapping as `Keyed` (duplicate keys kept). Merge keys (`<<: *base`) follow YAML: a key
    written in the mapping beats a merged one (noted in `overridden`), and among several merged
    mappings the first listed wins."""
    data = Keyed()
    yield data
    own = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # merged pairs first, the first listed mapping's first
    pairs = [(loader.construct_object(k, deep=False), loader.construct_object(v, deep=False))
             for k, v in node.value]
    cut = len(pairs) - own
    merged: dict = {}
    for key, value in pairs[:cut]:
        merged.setdefault(key, value)
    filled = Keyed(pairs[cut:])
    for key, value in merged.items():
        if key in filled:
            filled.overridden.append(str(key))
        else:
            dict.__setitem__(filled, key, value)
    data.update(filled)
    data.duplicates, data.overridden = filled.duplicates, filled.overridden


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", _yaml_int)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _yaml_timestamp)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:binary", _yaml_binary)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:map", _yaml_map)


_YAML_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'')
_YAML_DASHES = re.compile(r"(?:[-?][ \t]+)+")
_YAML_BRACKETS = re.compile(r"[\[\]{}]")


def yaml_depth(source: str) -> int:
    """An upper bound of the nesting depth of a YAML text, from indentation, leading dashes and
    flow brackets (quoted strings ignored): PyYAML's time grows with the square of the depth,
    so depth is checked before parsing."""
    deepest, flow, indents = 0, 0, []
    for line in source.split("\n"):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if flow == 0:
            indent = len(line) - len(stripped)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
        dashes = _YAML_DASHES.match(stripped)
        block = len(indents) + (dashes.group().count("-") + dashes.group().count("?")
                                if dashes else 0)
        peak = flow
        for m in _YAML_BRACKETS.finditer(_YAML_QUOTED.sub("", stripped)):
            flow += 1 if m.group() in "[{" else -1 if flow else 0
            peak = max(peak, flow)
        deepest = max(deepest, block + peak)
    return deepest


def front_matter(source: str, ctx: FileContext) -> dict:
    """The YAML mapping of a front matter; {} (noted) when it cannot be read."""
    limit = ctx.limits.max_metadata_chars
    if len(source) > limit:
        ctx.note(f"front matter has {len(source):,} characters (limit {limit:,})",
                 "kept, front matter ignored")
        return {}
    if yaml_depth(source) > ctx.limits.max_depth:
        ctx.note(f"front matter nested deeper than {ctx.limits.max_depth} levels",
                 "kept, front matter ignored")
        return {}
    loader = _FrontMatterLoader(source)
    loader.max_int_digits = ctx.limits.max_int_digits
    try:
        meta = loader.get_single_data()
    except RecursionError:
        ctx.note("malformed front matter: nested too deeply to read", "kept, front matter ignored")
        return {}
    except (yaml.YAMLError, ValueError, TypeError) as err:
        first = str(err).strip().split("\n")[0]
        ctx.note(f"malformed front matter: {first}", "kept, front matter ignored")
        return {}
    finally:
        loader.dispose()
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        ctx.note(f"malformed front matter: expected a mapping, got {type(meta).__name__}",
                 "kept, front matter ignored")
        return {}
    return meta


# ---- JSON and JSON lines -------------------------------------------------------------------

@lru_cache(maxsize=8)
def _json_decoder(max_int_digits: int) -> json.JSONDecoder:
    """JSON with duplicate keys remembered (`Keyed`) and over-long integers `Rejected`."""
    def parse_int(s: str):
        n = len(s.lstrip("-"))
        return int(s) if n <= max_int_digits else Rejected(f"integer with {n:,} digits")

    return json.JSONDecoder(parse_int=parse_int, object_pairs_hook=Keyed)


def _json_loads(text: str, ctx: FileContext):
    return _json_decoder(ctx.limits.max_int_digits).decode(text)


def _json_error(err: Exception) -> str:
    if isinstance(err, RecursionError):
        return "nested too deeply to read"
    return str(err).split("\n")[0]


def parse_json(text: str, ctx: FileContext) -> Records:
    """A JSON object (one article) or a list of objects (numbered records from 1)."""
    try:
        value = _json_loads(text, ctx)
    except (ValueError, RecursionError) as err:
        if not text.lstrip().startswith("["):
            ctx.note(f"malformed JSON: {_json_error(err)}", SKIPPED)
            return []
        ctx.note(f"malformed JSON: {_json_error(err)}", "records read one by one")
        return _objects(_items_one_by_one(text, ctx), ctx)
    if isinstance(value, list):
        if not value:
            ctx.note("empty JSON list (no records)", SKIPPED)
        return _objects(enumerate(value, 1), ctx)
    return _objects([(None, value)], ctx)


def _items_one_by_one(text: str, ctx: FileContext) -> list:
    """Records of a top-level JSON list parsed separately, so one bad record loses only itself."""
    out = []
    for n, item in enumerate(_top_level_items(text), 1):
        try:
            out.append((n, _json_loads(item, ctx)))
        except (ValueError, RecursionError) as err:
            ctx.note(f"malformed JSON record: {_json_error(err)}", SKIPPED, n)
    return out


def _top_level_items(text: str) -> list[str]:
    """Source text of each element of a top-level JSON list (strings skipped as tokens)."""
    items, depth, start = [], 0, None
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()[0]
        if token in "[{":
            depth += 1
            if depth == 1:
                start = m.end()
        elif token in "]}":
            depth -= 1
            if depth == 0:
                break
        elif token == "," and depth == 1:
            items.append(text[start:m.start()])
            start = m.end()
    if start is not None:
        end = m.start() if depth == 0 else len(text)
        if text[start:end].strip() or items:
            items.append(text[start:end])
    return items


def parse_jsonl(text: str, ctx: FileContext) -> Records:
    """One JSON object per line (records numbered by line)."""
    records = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            records.append((n, _json_loads(line, ctx)))
        except (ValueError, RecursionError) as err:
            ctx.note(f"malformed JSON line: {_json_error(err)}", SKIPPED, n)
    return _objects(records, ctx)


def _objects(records, ctx: FileContext) -> Records:
    out = []
    for n, value in records:
        if isinstance(value, dict):
            out.append((n, value))
        else:
            kind = "a number" if isinstance(value, Rejected) else type(value).__name__
            ctx.note(f"record is not a JSON object ({kind})", SKIPPED, n)
    return out


# ---- CSV -----------------------------------------------------------------------------------

def parse_csv(text: str, ctx: FileContext) -> Records:
    """Rows of a CSV with a header (title, text, optional date/source/url/...).

    Duplicate column names are kept as `name_2`, ... (noted). A quote left open runs to the
    end of the file in any CSV reader: that row is reported and the lines after its first line
    are read again as rows (up to `max_csv_recoveries` times per file).
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header, first = _csv_header(lines, ctx)
    if header is None:
        return []
    out: Records = []
    n, start, recoveries = 0, first, 0
    while start < len(lines):
        rows, n, resume = _csv_rows(lines, start, len(header), ctx, n)
        out += [(number, dict(zip(header, row))) for number, row in rows]
        if resume is None:
            break
        start = resume
        recoveries += 1
        if recoveries > ctx.limits.max_csv_recoveries:
            ctx.note(f"more than {ctx.limits.max_csv_recoveries} unclosed quotes",
                     "skipped, and the rest of the file", n + 1)
            break
    if not out and n == 0:
        ctx.note("CSV has a header but no rows", SKIPPED)
    return out


def _csv_header(lines: list[str], ctx: FileContext) -> tuple[list[str] | None, int]:
    """Unique column names and the index of the first data line; None (noted) when unusable."""
    reader = csv.reader(iter([line + "\n" for line in lines[:50]]))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as err:
        ctx.note(f"malformed CSV header: {err or 'missing'}", SKIPPED)
        return None, 0
    if not any(h.lower() in KEYS["text"] for h in header):
        ctx.note("CSV has no text column (text, body or content)", SKIPPED)
        return None, 0
    names = [h or f"column_{i}" for i, h in enumerate(header, 1)]
    unique = list(Keyed((name, None) for name in names))
    for name in dict.fromkeys(n for n in names if names.count(n) > 1):
        columns = [i for i, h in enumerate(names, 1) if h == name]
        ctx.note(f"duplicate CSV column {name!r} (columns {', '.join(map(str, columns))})",
                 f"kept, first used, later ones read as {name + '_2'!r}, ...")
    return unique, reader.line_num


def _csv_rows(lines: list[str], start: int, width: int, ctx: FileContext, n: int):
    """(record number, cells) rows from line `start` on, the last record number, and the line
    to resume from after an unclosed quote (None at the end)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article bodies can be long
    rows = []
    try:
        reader = csv.reader(line + "\n" for line in lines[start:])
        consumed = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return rows, n, None
            except csv.Error as err:
                ctx.note(f"malformed CSV: {err}", "skipped, and the rest of the file", n + 1)
                return rows, n + 1, None
            first_line, consumed = start + consumed, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            n += 1
            raw = lines[first_line:start + consumed]
            if start + consumed == len(lines) and len(raw) > 1 and sum(
                    line.count('"') for line in raw) % 2:
                ctx.note(f"unclosed quote: the row starting on line {first_line + 1} runs to the "
                         f"end of the file ({len(raw)} lines)",
                         "skipped; the lines after its first line read again", n)
                return rows, n, first_line + 1
            if len(row) != width:
                ctx.note(f"malformed CSV row: {len(row)} fields, header has {width}", SKIPPED, n)
                continue
            rows.append((n, row))
    finally:
        csv.field_size_limit(limit)


PARSERS: dict[str, Callable[[str, FileContext], Records]] = {
    ".txt": parse_txt,
    ".md": parse_markdown,
    ".json": parse_json,
    ".jsonl": parse_jsonl,
    ".csv": parse_csv,
}
