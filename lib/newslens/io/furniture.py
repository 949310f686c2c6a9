"""Page furniture: lines of a scraped or saved page that are not article prose.

A body line is removed from the analysed text when it is (first rule that applies):

- `pattern`: a whole line matching a pattern of `data/furniture.yml` (navigation and "Read
  more" links, share/follow/subscribe prompts, ads, cookie notices, membership appeals,
  counters such as "0 out of 25,000", reading time, error pages, bylines, photo credits,
  weather widgets);
- `no words`: a line without a letter ("![]() |", "***");
- `language switcher`: only language codes ("ua en ru", "EN | UK");
- `menu`: three or more short items between separators ("Home | World | Politics");
- `caption`: an image caption ending with a credit ("... Photo: TASS", "... (Name/AFP)"), or
  a line without sentence-final punctuation just above a credit line ("Photo: TASS");
- `dateline`: a date or time with at most three capitalised words ("MOSCOW | December 20, 2025",
  "JOHN DOE — 23 January, 12:17");
- `heading`: a short line without sentence-final punctuation whose words are all capitalised,
  or a single word (labels, section headings, categories: "Details", "Background:",
  "European Reaction", "dispatches");
- `headline repeat`: the headline again (or the headline opening a paragraph: that part is cut);
- `duplicate line`: a line that already occurred in the article;
- `repeated in source` (corpus level, `repeated_lines`): a line found in several different
  stories of the same source (site boilerplate).

List items (lines starting with a bullet) that follow a line ending with ':' are content: only
the patterns apply to them. Lines longer than `max_words` are prose: only the repeat rules apply.
When every line of an article would go, nothing is removed (the text is kept as it is).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from newslens import lexicon

FURNITURE_FILE = "furniture.yml"
_NOT_ALNUM = re.compile(r"[\W_]+")
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪◦]|\d{1,2}[.)])\s+")
_TRIM = " \t\r\f\v\u00a0|:•·"
_WORD = re.compile(r"[^\W\d_][\w’'.\-]*|\d[\w’'.\-]*")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_LABELLED = re.compile(r":\s*\S")
_SEPARATORS = re.compile(r"\s+[|•·/]\s+|\s{2,}|\s*\|\s*")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
_DATE_TOKEN = re.compile(
    rf"\b(?:{_MONTHS}|{_WEEKDAYS})\b\.?|\b\d{{1,2}}:\d{{2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b[ap]\.?m\.?\b|\b(?:utc|gmt|est|cet|eet|msk)\b[+\-\d]*",
    re.IGNORECASE)
_HAS_DATE = re.compile(rf"\b(?:{_MONTHS})\b|\b\d{{1,2}}:\d{{2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
                       r"|\b\d{1,2}[./]\d{1,2}[./]\d{4}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Rules:
    """The compiled furniture rules of one `data/furniture.yml`."""

    patterns: re.Pattern
    caption: re.Pattern
    credit: re.Pattern
    language_codes: frozenset
    small_words: frozenset
    heading_max_words: int
    caption_max_words: int
    max_words: int
    repeated_min_stories: int


def _positive_int(doc: dict, key: str, path: Path) -> int:
    value = doc.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise lexicon.DataFileError(path, f"'{key}' must be a positive integer", key)
    return value


def _compile(pattern: str, path: Path, entry: str) -> str:
    try:
        re.compile(pattern)
    except re.error as err:
        raise lexicon.DataFileError(path, f"invalid regular expression: {err}", entry) from None
    return pattern


def _parse(doc, path: Path) -> Rules:
    doc = lexicon.mapping(doc, path, "line_patterns, caption_labels, photo_agencies, ...")
    patterns = lexicon.string_list(doc.get("line_patterns"), path, "line_patterns",
                                   "line_patterns", allow_empty=False)
    alternation = "|".join(f"(?:{_compile(p, path, f'line_patterns: {p}')})" for p in patterns)
    labels = lexicon.string_list(doc.get("caption_labels"), path, "caption_labels",
                                 "caption_labels")
    agencies = lexicon.string_list(doc.get("photo_agencies"), path, "photo_agencies",
                                   "photo_agencies")
    label_alt = lexicon.alternation(labels) or "(?!)"
    agency_alt = lexicon.alternation(agencies) or "(?!)"
    caption = (rf"\S.*?(?:[.!?'\"’”)]\s*|\s)(?:{label_alt})\s*:\s*\S.{{0,120}}"
               rf"|\S.*?\((?:[^()]*(?:/|\bvia\b)\s*[^()]*\b(?:{agency_alt})\b[^()]*"
               rf"|(?:{label_alt})\s*:[^()]*)\)")
    return Rules(
        patterns=re.compile(rf"(?:{alternation})\Z", re.IGNORECASE),
        caption=re.compile(rf"(?:{caption})\Z"),
        credit=re.compile(rf"(?:{label_alt})\s*:\s*\S"),
        language_codes=frozenset(c.lower() for c in lexicon.string_list(
            doc.get("language_codes"), path, "language_codes", "language_codes")),
        small_words=frozenset(w.lower() for w in lexicon.string_list(
            doc.get("heading_small_words"), path, "heading_small_words", "heading_small_words")),
        heading_max_words=_positive_int(doc, "heading_max_words", path),
        caption_max_words=_positive_int(doc, "caption_max_words", path),
        max_words=_positive_int(doc, "max_words", path),
        repeated_min_stories=_positive_int(doc, "repeated_min_stories", path),
    )


def load_rules(path: str | Path | None = None) -> Rules:
    """The rules of `data/furniture.yml` (or `path`); DataFileError names a bad entry."""
    return lexicon.load(lexicon.resolve(path, FURNITURE_FILE), _parse)


def line_key(line: str) -> str:
    """A line compared by its letters and digits only (case and punctuation ignored)."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", line).casefold())


def _same_line_key(line: str) -> str:
    """A cheap key for repeated lines: case and runs of whitespace ignored."""
    return " ".join(line.split()).casefold()


# ---- one line --------------------------------------------------------------------------------

def _is_heading(words: list[str], line: str, rules: Rules) -> bool:
    if _SENTENCE_END.search(line) or _LABELLED.search(line):
        return False  # a sentence, or a label with its content ("Source: Interfax")
    if len(words) == 1:
        return True  # one word alone on a line is a label ("dispatches", "Details")
    content = [w for w in words if w.lower().strip(".") not in rules.small_words]
    return 0 < len(content) <= rules.heading_max_words and all(
        w[0].isupper() or w[0].isdigit() for w in content)


def _is_dateline(line: str, rules: Rules) -> bool:
    if not _HAS_DATE.search(line):
        return False
    rest = _WORD.findall(_DATE_TOKEN.sub(" ", line))
    rest = [w for w in rest if not w[0].isdigit() and w.lower().strip(".") not in rules.small_words]
    return len(rest) <= 3 and all(w[0].isupper() for w in rest)


def _is_menu(line: str, rules: Rules) -> bool:
    tokens = [t for t in re.split(r"[\s|/•·,]+", line) if t]
    if len(tokens) >= 2 and all(t.lower() in rules.language_codes for t in tokens):
        return True
    items = [i.strip() for i in _SEPARATORS.split(line) if i.strip()]
    if len(items) < 3:  # a list of tags: three or more capitalised names between commas
        items = [i.strip() for i in line.split(",")]
        words = [w for i in items for w in i.split()]
        if len(items) < 3 or not all(items) or not all(w[0].isupper() for w in words):
            return False
    return all(len(i.split()) <= 3 and not _SENTENCE_END.search(i) for i in items)


def line_rule(line: str, rules: Rules, in_list: bool = False) -> str | None:
    """The furniture rule a body line falls under (see the module doc), or None for prose.

    `in_list`: the line is an item of a list introduced by a line ending with ':'.
    """
    longest = max(rules.max_words, rules.caption_max_words)
    if line.count(" ") > 2 * longest or len(line.split()) > longest:
        return None  # prose: no need to look closer
    bullet = _BULLET.match(line)
    stripped = (line[bullet.end():] if bullet else line).strip(_TRIM)
    if not stripped:
        return "no words" if line.strip() else None
    words = _WORD.findall(stripped)
    if rules.patterns.match(stripped):
        return "pattern"
    if not any(ch.isalpha() for ch in stripped):
        return "no words"
    if in_list:
        return None
    if _is_menu(stripped, rules):
        return "menu"
    if len(words) <= rules.caption_max_words and rules.caption.match(stripped):
        return "caption"
    if _is_dateline(stripped, rules):
        return "dateline"
    if line.rstrip().endswith(":") and len(words) > 1:
        return None  # a label line that introduces the next paragraph ("Defence Ministry:")
    if _is_heading(words, stripped, rules):
        return "heading"
    return None


# ---- one article -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Cleaned:
    """The analysed text of one article and what was removed: (line, rule) pairs."""

    text: str
    removed: tuple[tuple[str, str], ...]


def clean(text: str, title: str = "", rules: Rules | None = None,
          drop_keys: frozenset = frozenset()) -> Cleaned:
    """`text` without its furniture lines (per-article rules, and lines whose key is in
    `drop_keys`: the corpus-level repeats of `repeated_lines`)."""
    keep, removed = _sort_lines(text, title, rules or load_rules(), drop_keys)
    if removed and not any(k.strip() for k in keep):
        return Cleaned(text, ())  # nothing but "furniture": keep the text as it is
    return Cleaned(_join(keep), tuple(removed))


def only_furniture(text: str, title: str = "", rules: Rules | None = None) -> bool:
    """Whether every line of `text` is page furniture (a page whose "main text" is its menu)."""
    keep, removed = _sort_lines(text, title, rules or load_rules(), frozenset())
    return bool(removed) and not any(k.strip() for k in keep)


def _sort_lines(text: str, title: str, rules: Rules, drop_keys: frozenset
                ) -> tuple[list[str], list[tuple[str, str]]]:
    """(lines kept, (line, rule) pairs removed) of one article body."""
    keep: list[str] = []
    removed: list[tuple[str, str]] = []
    title_key = line_key(title)
    seen: set[str] = set()
    list_open = False  # the last non-bullet line ended with ':' (a list follows)
    for line in text.split("\n"):
        key = _same_line_key(line)
        bullet = _BULLET.match(line) is not None
        if key and key in drop_keys:
            rule = "repeated in source"
        elif title_key and abs(len(line.strip()) - len(title)) < 20 + len(title) // 5 \
                and line_key(line) == title_key:
            rule = "headline repeat"
        elif key and key in seen:
            rule = "duplicate line"
        else:
            rule = line_rule(line, rules, in_list=bullet and list_open)
        if line.strip() and not bullet:
            list_open = line.rstrip().endswith(":")
        seen.add(key)
        if rule is not None:
            if rule == "pattern" and keep and _is_caption_above(keep[-1], line, rules):
                removed.append((keep.pop().strip(), "caption"))  # the caption of this credit
            removed.append((line.strip(), rule))
            continue
        line, cut = _cut_headline(line, title)
        if cut:
            removed.append((cut, "headline repeat"))
        keep.append(line)
    return keep, removed


def _is_caption_above(above: str, line: str, rules: Rules) -> bool:
    """`above` is the caption of a credit line ("Photo: Name") that follows it: a short line
    without sentence-final punctuation."""
    return (rules.credit.match(line.strip()) is not None and bool(above.strip())
            and not _SENTENCE_END.search(above.strip())
            and len(above.split()) <= rules.caption_max_words)


def _cut_headline(line: str, title: str) -> tuple[str, str]:
    """A paragraph that opens with the headline (5+ words) and goes on: (rest, cut headline)."""
    title = title.strip()
    body = line.lstrip()
    if len(title.split()) < 5 or not body.startswith(title):
        return line, ""
    match = re.match(r"[.!?]?\s+(?=\S)", body[len(title):])
    if match is None:
        return line, ""
    return line[:len(line) - len(body)] + body[len(title) + match.end():], title


def _join(lines: list[str]) -> str:
    """Kept lines, with runs of blank lines collapsed to one and the ends trimmed."""
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    return "\n".join(out).strip()


# ---- the corpus ------------------------------------------------------------------------------

def repeated_lines(texts, sources, stories, rules: Rules | None = None) -> list[frozenset]:
    """Per article, the lines (as keys for `clean`'s `drop_keys`) that occur in
    `repeated_min_stories` or more different stories of its source (site boilerplate).
    Articles with no source get none."""
    rules = rules or load_rules()
    stories_of: dict[tuple[str, str], set] = {}
    keys_per_article = []
    for text, source, story in zip(texts, sources, stories):
        keys = {_same_line_key(line) for line in text.split("\n")} - {""} if source else set()
        keys_per_article.append(keys)
        for key in keys:
            stories_of.setdefault((source, key), set()).add(story)
    boiler = {k for k, s in stories_of.items() if len(s) >= rules.repeated_min_stories}
    return [frozenset(k for k in keys if (src, k) in boiler)
            for keys, src in zip(keys_per_article, sources)]


def summary(removed: tuple[tuple[str, str], ...]) -> str:
    """"3 page-furniture lines removed (pattern 2, heading 1)" for the load report."""
    counts: dict[str, int] = {}
    for _, rule in removed:
        counts[rule] = counts.get(rule, 0) + 1
    detail = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items()))
    n = len(removed)
    return f"{n} page-furniture line{'s' if n != 1 else ''} removed ({detail})"
