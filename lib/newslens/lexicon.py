"""The lexicon layer: every curated data file (`data/*.yml`) is read, validated and compiled here.

- `load(path, parse)`: reads a YAML file once per content (cache keyed by the sha256 of its bytes
  and the parse function), hands the parsed document to `parse(doc, path)` and returns what it
  builds. A malformed file raises `DataFileError` naming the file, the entry and the problem.
- `trie_regex(terms)`: one alternation for many terms, built as a character trie (fast to scan).
- `words(name)`: shared word lists (titles, months, negators, name particles, ...) from
  `data/language.yml`, so no feature module keeps its own copy.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import yaml

from newslens.paths import data_file

T = TypeVar("T")
_CACHE: dict[tuple, object] = {}
_LOCK = threading.Lock()
_MAX_ENTRIES = 64


class DataFileError(ValueError):
    """A curated data file is malformed: the message names the file, the entry and the problem."""

    def __init__(self, path: str | Path, problem: str, entry: str | None = None):
        self.path, self.entry, self.problem = str(path), entry, problem
        super().__init__(f"{path}: {entry}: {problem}" if entry else f"{path}: {problem}")


def resolve(path: str | Path | None, name: str) -> Path:
    """`path` when given, else the data file `name` (`NEWSLENS_DATA` or the package's data)."""
    return Path(path) if path is not None else data_file(name)


# libyaml's safe loader when PyYAML has it (same documents, ~7x faster: the actor gazetteer is
# read once per process, in each worker)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, text: str | None = None):
    """The parsed YAML document of `path` (safe loader); DataFileError when it does not parse."""
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
        return yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader (C or Python)
    except FileNotFoundError:
        raise
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()
        raise DataFileError(path, f"not valid YAML: {' '.join(first[:3])}") from None


def load(path: str | Path, parse: Callable[[object, Path], T]) -> T:
    """`parse(document, path)` for the YAML file at `path`, computed once per file content.

    The cache key is the sha256 of the file's bytes, so an edited file is re-read and an
    unchanged one never is; a file whose size, mtime and inode are those of its last reading is
    not even hashed again (one stat per call). Callers must not mutate what they get back.
    """
    path = Path(path)
    who = (getattr(parse, "__module__", ""), getattr(parse, "__qualname__", repr(parse)))
    st = path.stat()
    seen = (*who, str(path), st.st_mtime_ns, st.st_size, st.st_ino)
    with _LOCK:  # fast path: the same file, untouched since it was last hashed
        if seen in _CACHE:
            return _CACHE[seen]
    data = path.read_bytes()
    key = (*who, str(path), hashlib.sha256(data).hexdigest())
    with _LOCK:
        if key in _CACHE:
            _CACHE[seen] = _CACHE[key]
            return _CACHE[key]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    result = parse(read_yaml(path, text), path)
    with _LOCK:
        if len(_CACHE) >= _MAX_ENTRIES:
            _CACHE.clear()
        _CACHE[key] = _CACHE[seen] = result
    return result


# ---------------------------------------------------------------- validation helpers
def mapping(doc, path: Path, keys: str) -> dict:
    """`doc` when it is a mapping, else DataFileError saying which top-level keys are expected."""
    if not isinstance(doc, dict):
        raise DataFileError(path, f"expected a mapping with {keys}")
    return doc


def string_list(value, path: Path, entry: str, key: str, allow_empty: bool = True) -> list[str]:
    """A list of non-empty strings (None counts as empty), else DataFileError naming the entry."""
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFileError(path, f"'{key}' must be a list of non-empty strings", entry)
    if not value and not allow_empty:
        raise DataFileError(path, f"'{key}' must not be empty", entry)
    return [v.strip() for v in value]


# ---------------------------------------------------------------- shared word lists
def _parse_language(doc, path: Path) -> dict[str, tuple[str, ...]]:
    doc = mapping(doc, path, "word-list names")
    return {str(name): tuple(string_list(value, path, str(name), "words"))
            for name, value in doc.items()}


def words(name: str, path: str | Path | None = None) -> tuple[str, ...]:
    """A shared word list of `data/language.yml` (titles, months, negators, particles, ...)."""
    lists = load(resolve(path, "language.yml"), _parse_language)
    if name not in lists:
        raise DataFileError(resolve(path, "language.yml"), f"missing word list {name!r}")
    return lists[name]


def word_set(name: str, path: str | Path | None = None) -> frozenset[str]:
    return frozenset(words(name, path))


def alternation(terms: Iterable[str]) -> str:
    """`a|b|c` of escaped terms, longest first (spaces match any whitespace)."""
    return "|".join(re.escape(t).replace(r"\ ", r"\s+")
                    for t in sorted(set(terms), key=lambda t: (-len(t), t)))


# ---------------------------------------------------------------- trie regexes
def word_atoms(term: str) -> tuple[str, ...]:
    """Reporting-cue atoms: escaped characters, `\\s+` between words, a word tail for `x*`."""
    star = term.endswith("*")
    out: list[str] = []
    for i, word in enumerate(term.rstrip("*").lower().split()):
        if i:
            out.append(r"\s+")
        out.extend(re.escape(ch) for ch in word)
    if star:
        out.append(r"[\w’'-]*")
    return tuple(out)


def place_atoms(term: str) -> tuple[str, ...]:
    """Place-name atoms: either apostrophe, any hyphen or dash, one whitespace for a space."""
    out = []
    for ch in term:
        if ch in "'’":
            out.append("['’]")
        elif ch == " ":
            out.append(r"\s")
        elif ch in "-‐–":
            out.append("[-‐–]")
        else:
            out.append(re.escape(ch))
    return tuple(out)


def _wildcard_last(atom: str) -> tuple:
    return (atom.startswith("[\\w"), atom)


def trie_regex(terms: Iterable[str], atoms: Callable[[str], tuple[str, ...]] = word_atoms,
               order: Callable[[str], object] = _wildcard_last) -> str:
    """A regex (no anchors) matching any of `terms`, built as a trie of `atoms(term)`.

    At each branch the alternatives are tried in `order` (default: literal continuations
    before a `*` word tail), and a term that ends where a longer one continues is optional, so
    the longest term wins at a position.
    """
    trie: dict = {}
    for term in set(terms):
        node = trie
        for atom in atoms(term):
            node = node.setdefault(atom, {})
        node[""] = {}
    return _emit(trie, order)


def _emit(node: dict, order) -> str:
    branches = [atom + _emit(node[atom], order) for atom in sorted((a for a in node if a),
                                                                     key=order)]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def lexicon_regex(terms: Iterable[str], flags=re.IGNORECASE) -> re.Pattern:
    """One compiled regex over `terms` on word boundaries (`x*` = any ending); longest wins."""
    return re.compile(r"(?<![\w’'-])" + trie_regex(terms) + r"(?![\w’'-])", flags)
