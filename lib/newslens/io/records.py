"""One parsed record (a metadata mapping) into one article row, every doubt reported.

A record comes from any format (`newslens.io.formats`): title, text, date, source and url are
read from their keys (`KEYS`); everything else is extra metadata. Values are checked before
they reach a table: nesting depth, size with YAML aliases expanded, values refused by the
parser (`Rejected`: YAML `!!binary`, integers with too many digits), lone surrogates, and
titles or texts that are not text (NaN, lists, objects, booleans) or only invisible characters.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import os
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from newslens import schema

SKIPPED = "skipped"
COLUMNS = schema.table("articles").names

# Metadata keys (lower-cased) read into the core columns; the first present one wins.
KEYS = {
    "title": ("title", "headline"),
    "text": ("text", "body", "content"),
    "published": ("published", "date", "datetime"),
    "source": ("source", "outlet", "publisher"),
    "url": ("url", "link"),
}
_RELATIVE_DATES = {"now", "today", "tomorrow", "yesterday"}
MIN_YEAR, MAX_YEAR = 1700, 2200  # a publication date outside these years is impossible
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _invisible_class() -> str:
    """A regex class of characters that show nothing: whitespace, format characters (zero-width
    spaces and joiners, bidi marks, soft hyphen, BOM, tags), variation selectors, fillers."""
    chars = [chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Cf"]
    chars += ["\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u2800", "\u3164", "\uffa0"]
    chars += [chr(c) for c in range(0xFE00, 0xFE10)]
    body = "".join(re.escape(c) for c in chars)
    return rf"[\s{body}\U000e0000-\U000e007f\U000e0100-\U000e01ef]"


_VISIBLE = re.compile(_invisible_class().replace("[", "[^", 1))

Note = Callable[[str, str], None]


@dataclass(frozen=True)
class Limits:
    """Limits of one load. `max_article_chars` defaults to NEWSLENS_MAX_ARTICLE_CHARS when set."""

    max_article_chars: int = 500_000   # longer articles are skipped (reported)
    max_title_chars: int = 1_000       # longer titles are cut at a space (reported)
    max_metadata_chars: int = 100_000  # extra metadata of one record, aliases expanded
    max_depth: int = 32                # nesting of lists/objects in a metadata value
    max_int_digits: int = 100          # longer integers are read as text (reported)
    max_csv_recoveries: int = 100      # unclosed quotes re-read per CSV file

    @classmethod
    def default(cls, **overrides) -> Limits:
        env = os.environ.get("NEWSLENS_MAX_ARTICLE_CHARS", "").strip()
        base = cls(max_article_chars=int(env)) if env.isdigit() else cls()
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})


class Rejected:
    """A value a parser refused to turn into data; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"<{self.reason}>"


class Keyed(dict):
    """A mapping read from JSON or YAML that remembers its duplicate keys.

    The first value of a key is kept under that key; later ones under `key_2`, `key_3`, ...
    (nothing is lost), and `duplicates` lists the keys met more than once.
    """

    def __init__(self, pairs=()):
        super().__init__()
        self.duplicates: list[str] = []
        self.overridden: list[str] = []  # YAML merge-key values an explicit key replaced
        for key, value in pairs:
            if key in self:
                self.duplicates.append(str(key))
                k = 2
                while f"{key}_{k}" in self:
                    k += 1
                key = f"{key}_{k}"
            self[key] = value


def short(value, limit: int = 60) -> str:
    """repr of a value for a report message, cut to `limit` characters."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - any repr failure (deep recursion) gets a generic text
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---- checking values -----------------------------------------------------------------------

def measure(value, limits: Limits, budget: int) -> tuple[str | None, int, bool, list[str]]:
    """(problem or None, size, has lone surrogates, duplicate keys) of one metadata value.

    Iterative and bounded: a walk stops at `limits.max_depth` (this also ends YAML cycles) or
    once the size, counted with aliases expanded (a shared list counts each time it is used),
    passes `budget` characters.
    """
    size, surrogates, duplicates = 0, False, []
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limits.max_depth:
            return f"nested deeper than {limits.max_depth} levels", size, surrogates, duplicates
        if isinstance(item, Rejected):
            return item.reason, size, surrogates, duplicates
        if isinstance(item, str):
            size += len(item)
            surrogates = surrogates or _SURROGATE.search(item) is not None
        elif isinstance(item, (bytes, bytearray)):
            return "binary data", size, surrogates, duplicates
        elif isinstance(item, dict):
            size += len(item)
            duplicates += getattr(item, "duplicates", [])
            if size <= budget:
                for key, sub in item.items():
                    stack += [(key, depth + 1), (sub, depth + 1)]
        elif isinstance(item, (list, tuple, set, frozenset)):
            size += len(item)
            if size <= budget:
                stack += [(sub, depth + 1) for sub in item]
        else:
            size += 1
        if size > budget:
            problem = (f"metadata over the limit of {limits.max_metadata_chars:,} characters "
                       "(YAML aliases expanded)")
            return problem, size, surrogates, duplicates
    return None, size, surrogates, duplicates


def fix_surrogates(value):
    """`value` with lone surrogates replaced by U+FFFD (depth already bounded by `measure`)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {fix_surrogates(k): fix_surrogates(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(fix_surrogates(v) for v in value)
    return value


def check_values(meta: dict, limits: Limits, note: Note) -> dict:
    """Metadata with str keys and values safe to keep: each refused value is dropped (noted)."""
    out: dict = {}
    budget = limits.max_metadata_chars
    work = 3 * limits.max_metadata_chars  # bounds the checks of a record with many huge fields
    core = {k for keys in KEYS.values() for k in keys}
    for key, value in meta.items():
        name = fix_surrogates(str(key)).strip()
        is_core = name.lower() in core
        if is_core and isinstance(value, str):  # its length is checked with the article
            problem, size, duplicates = None, 0, []
            surrogates = _SURROGATE.search(value) is not None
        else:
            problem, size, surrogates, duplicates = measure(value, limits, min(budget, work))
            work -= size
        for dup in dict.fromkeys(duplicates):
            note(f"duplicate key {short(dup)} in {short(name)}",
                 f"kept, first value used, later ones as {short(dup + '_2')}, ...")
        if problem is not None:
            note(f"{short(name)}: {problem}", f"kept, {short(name)} dropped")
            continue
        if not is_core:
            budget -= size
        if surrogates or _SURROGATE.search(str(key)):
            note(f"{short(name)}: lone surrogate escapes", "kept, replaced with U+FFFD")
            value = fix_surrogates(value)
        out[name] = value
    duplicates = getattr(meta, "duplicates", [])
    for dup in dict.fromkeys(duplicates):
        note(f"duplicate key {short(dup)}",
             f"kept, first value used, later ones as {short(str(dup) + '_2')}, ...")
    for key in getattr(meta, "overridden", []):
        note(f"key {short(key)} is set both explicitly and by a YAML merge key (<<)",
             "kept, the explicit value used")
    return out


def pop_core(meta: dict, column: str, note: Note | None = None):
    """The value of a core column; the key it came from leaves `meta`, empty ones too.

    Precedence, whatever the order of the keys in the record: the names in `KEYS` order
    (`title` before `headline`; `text`, `body`, `content`), and for one name the lower-case key
    before other casings (`title` before `Title`, `TEXT`); the first non-empty value wins.
    Other non-empty candidates (e.g. both `date` and `published`) stay as extra metadata and,
    when their value differs, are reported through `note`.
    """
    names = KEYS[column]
    candidates = sorted((k for k in meta if k.lower() in names),
                        key=lambda k: (names.index(k.lower()), k != k.lower()))
    found, used = None, None
    for key in candidates:
        value = meta[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            del meta[key]
        elif used is None:
            found, used = meta.pop(key), key
        elif note is not None and not _same(value, found):
            what = "date" if column == "published" else column
            note(f"both {short(used)} and {short(key)} give the {what}",
                 f"kept, {short(used)} used, {short(key)} kept as an extra column")
    return found


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - values that cannot be compared count as different
        return False


def as_text(value, field: str) -> tuple[str, str | None]:
    """(text, problem): strings as they are, integers written out; anything else is no text."""
    if value is None:
        return "", None
    if isinstance(value, str):
        return value, None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), None
    if isinstance(value, float) and math.isnan(value):
        return "", f"{field} is NaN, not text"
    if isinstance(value, Rejected):
        return "", f"{field}: {value.reason}"
    kinds = ((bool, "a boolean"), (float, "a number"), (dict, "an object"),
             ((list, tuple, set), "a list"), (datetime.date, "a date"))
    kind = next((k for t, k in kinds if isinstance(value, t)), f"a {type(value).__name__}")
    return "", f"{field} is {kind} ({short(value, 40)}), not text"


def visible(text: str) -> bool:
    """Whether `text` has a character that shows (not only spaces and zero-width characters)."""
    return _VISIBLE.search(text) is not None


def parse_date(value) -> tuple[pd.Timestamp | None, str | None]:
    """(naive timestamp as written, problem): None and a reason when it is no date, or an
    impossible one (a negative year, a year before MIN_YEAR or after MAX_YEAR: `-5`, `March 3`
    read as year 1). An offset is dropped, the local wall-clock time kept."""
    if isinstance(value, Rejected):
        return None, f"date: {value.reason}"
    if isinstance(value, float) and math.isnan(value):
        return None, "date is NaN"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, (str, datetime.date)):
        return None, f"date is not a date ({short(value, 40)})"
    if isinstance(value, str) and value.strip().lower() in _RELATIVE_DATES:
        return None, f"unparseable date {short(value)}"
    try:
        stamp = _iso_date(value)
        if stamp is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                stamp = pd.Timestamp(pd.to_datetime(value, utc=False))
    except (ValueError, TypeError, OverflowError):
        return None, f"unparseable date {short(value)}"
    if stamp is pd.NaT:
        return None, f"unparseable date {short(value)}"
    if not MIN_YEAR <= stamp.year <= MAX_YEAR or (isinstance(value, str)
                                                  and value.strip().startswith("-")):
        return None, f"impossible date {short(value)} (year {stamp.year})"
    # An offset (+02:00, Z) is dropped: the wall-clock time as written is kept, i.e. the
    # outlet's local date, never shifted to another day by a conversion to UTC.
    return (stamp.tz_localize(None) if stamp.tzinfo is not None else stamp), None


def _iso_date(value) -> pd.Timestamp | None:
    """An ISO 8601 string read without pandas' format guessing (~50x faster), else None."""
    if not isinstance(value, str) or len(value) < 10 or not value[:4].isdigit():
        return None
    try:
        return pd.Timestamp(datetime.datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


# ---- a record into a row -------------------------------------------------------------------

def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _cut_title(title: str, limits: Limits, note: Note) -> str:
    if len(title) <= limits.max_title_chars:
        return title
    cut = title.rfind(" ", 0, limits.max_title_chars + 1)
    note(f"title has {len(title):,} characters (limit {limits.max_title_chars:,})",
         f"kept, title cut at {limits.max_title_chars:,} characters")
    return title[:cut if cut > 0 else limits.max_title_chars].rstrip()


def article(meta: dict, rel: str, limits: Limits, note: Note) -> dict | None:
    """A row (without article_id) from one record's metadata, or None when skipped (noted)."""
    meta = check_values(meta, limits, note)
    title, text = pop_core(meta, "title", note), pop_core(meta, "text", note)
    date, source = pop_core(meta, "published", note), pop_core(meta, "source", note)
    url = pop_core(meta, "url", note)
    text, problem = as_text(text, "text")
    text = _newlines(text)
    if problem or not text:
        note(problem or "missing text", SKIPPED)
        return None
    if not visible(text):
        note("text has only invisible characters (zero-width or format characters)", SKIPPED)
        return None
    if len(text) > limits.max_article_chars:
        note(f"article has {len(text):,} characters, more than the limit of "
             f"{limits.max_article_chars:,}", f"{SKIPPED} (raise max_article_chars to load it)")
        return None
    title, problem = as_text(title, "title")
    title = _cut_title(_newlines(title), limits, note)
    if problem or not visible(title):
        note(problem or ("missing title" if not title else "title has only invisible characters"),
             "kept, title empty")
        title = ""
    fields = {}
    for name, value in (("source", source), ("url", url)):
        fields[name], problem = as_text(value, name)
        if problem:
            note(problem, f"kept, {name} empty")
    published = None
    if date is not None:
        published, problem = parse_date(date)
        if problem:
            note(problem, "kept, date set to NaT")
    digest = hashlib.sha256(f"{_normalise(title)}\n{_normalise(text)}".encode()).hexdigest()
    row = {"title": title, "text": text, "source": fields["source"].strip(),
           "published": published, "url": fields["url"].strip(), "path": rel,
           "n_words": len(_WORD.findall(text)), "sha256": digest}
    for key, value in meta.items():
        row[f"meta_{key}" if key in COLUMNS or key.startswith("_") else key] = value
    return row
