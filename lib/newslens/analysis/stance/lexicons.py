"""The curated data of stances: issues (data/issues.yml) and stance markers
(data/stance_markers.yml), parsed and compiled into one set of regexes (`_Lexicons`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from newslens import lexicon, schema
from newslens.analysis.stance.scan import Scanner
from newslens.lexicon import DataFileError, lexicon_regex

STANCES = ("supports", "opposes", "demands", "skeptical", "neutral")
MARKER_CLASSES = ("condition", "demand", "skeptical", "dismissive", "supportive", "negation",
                  "temporal", "requirement", "purpose", "concession", "opposition", "support",
                  "harm", "reports", "narrated_demand", "narrated_support",
                  "narrated_opposition", "narrated_speech", "position_nouns")
NARRATION_CLASSES = ("narrated_demand", "narrated_support", "narrated_opposition",
                     "narrated_speech")

STANCE_COLUMNS = schema.table("stances").names

_SLUG = re.compile(r"[a-z][a-z0-9_]*")


# ---------------------------------------------------------------- curated data
def _terms(value, path: Path, where: str, required: bool = True) -> list[str]:
    if not required and value is None:
        return []
    if not isinstance(value, list) or not value or not all(
        isinstance(t, str) and t.strip() for t in value
    ):
        raise DataFileError(path, "terms must be a non-empty list of strings", where)
    return [" ".join(t.split()) for t in value]


@dataclass(frozen=True)
class IssueBook:
    """The issues file: issues (id, label, terms, contrary), phrases to ignore, references."""

    issues: pd.DataFrame
    ignore: tuple[str, ...]
    references: tuple[str, ...]


def _parse_issues(raw, path: Path) -> IssueBook:
    if not isinstance(raw, dict) or not isinstance(raw.get("issues"), list) or not raw["issues"]:
        raise DataFileError(path, "expected a non-empty list under 'issues:'")
    unknown = sorted(set(raw) - {"issues", "ignore", "references"})
    if unknown:
        raise DataFileError(path, f"unknown top-level keys {unknown}; expected issues, ignore, "
                                  "references")
    rows, seen = [], set()
    for i, item in enumerate(raw["issues"]):
        where = f"issues[{i}]"
        if not isinstance(item, dict) or set(item) - {"id", "label", "direction", "terms",
                                                      "contrary", "reversed_by"}:
            raise DataFileError(path, "expected keys id, label, direction, terms, contrary, "
                                      f"reversed_by; got {item!r}",
                                where)
        issue = item.get("id")
        if not isinstance(issue, str) or not _SLUG.fullmatch(issue):
            raise DataFileError(path, f"id must be a lowercase slug, got {issue!r}", where)
        if issue in seen:
            raise DataFileError(path, f"duplicate issue id {issue!r}", where)
        seen.add(issue)
        label = item.get("label") or issue
        rows.append({"id": issue, "label": str(label),
                     "terms": _terms(item.get("terms"), path, f"{where} ({issue})"),
                     "direction": str(item.get("direction") or ""),
                     "reversed_by": _terms(item.get("reversed_by"), path,
                                           f"{where} ({issue}) reversed_by", required=False),
                     "contrary": _terms(item.get("contrary"), path, f"{where} ({issue}) contrary",
                                        required=False)})
    return IssueBook(pd.DataFrame(rows, columns=["id", "label", "direction", "terms",
                                                 "contrary", "reversed_by"]),
                     tuple(_terms(raw.get("ignore"), path, "ignore", required=False)),
                     tuple(_terms(raw.get("references"), path, "references", required=False)))


def load_issues(path: str | Path | None = None) -> pd.DataFrame:
    """The negotiation issues: DataFrame id, label, direction, terms (list), contrary (list),
    reversed_by (list), in file
    order."""
    return lexicon.load(lexicon.resolve(path, "issues.yml"), _parse_issues).issues.copy()


def _parse_markers(raw, path: Path) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise DataFileError(path, "expected a mapping of marker class -> terms")
    missing, unknown = set(MARKER_CLASSES) - set(raw), set(raw) - set(MARKER_CLASSES)
    if missing or unknown:
        raise DataFileError(path, f"marker classes must be {MARKER_CLASSES}; "
                                  f"missing {sorted(missing)}, unknown {sorted(unknown)}")
    return {cls: _terms(raw[cls], path, cls) for cls in MARKER_CLASSES}


def load_markers(path: str | Path | None = None) -> dict[str, list[str]]:
    """Stance marker terms by class (see data/stance_markers.yml)."""
    return dict(lexicon.load(lexicon.resolve(path, "stance_markers.yml"), _parse_markers))


class Occurrence(NamedTuple):
    """An issue term in a statement's text."""

    start: int
    term: str
    issue: str
    contrary: bool


_MEMO_MAX = 20_000  # texts remembered per memo (then it starts afresh)


class _Lexicons:
    """Compiled issue and marker regexes: one alternation per lexicon."""

    def __init__(self, book: IssueBook, markers: dict[str, list[str]]):
        issues = book.issues
        self.labels = dict(zip(issues["id"], issues["label"]))
        self.order = list(issues["id"])
        self.rank = {issue: n for n, issue in enumerate(self.order)}
        self.exact: dict[str, list[tuple[str, bool]]] = {}
        self.prefix: list[tuple[str, str, bool]] = []
        for issue, terms, contrary in zip(issues["id"], issues["terms"], issues["contrary"]):
            for term, against in [(t, False) for t in terms] + [(t, True) for t in contrary]:
                key = term.lower()
                if key.endswith("*"):
                    self.prefix.append((key[:-1], issue, against))
                else:
                    self.exact.setdefault(key, []).append((issue, against))
        for phrase in book.ignore:
            self.exact.setdefault(phrase.lower(), [])
        self.prefix.sort(key=lambda p: -len(p[0]))
        # words near a term that turn it against its issue ("sanctions relief", "abandon the
        # bid to join NATO"): the term then counts as contrary
        self.reversers = {issue: lexicon_regex(words) for issue, words in
                          zip(issues["id"], issues["reversed_by"]) if words}
        self._seen: dict[str, list] = {}
        self._memos: dict[str, dict] = {}  # kind -> text -> what `memo` worked out
        self.issue_re = Scanner([*self.exact, *(p + "*" for p, _, _ in self.prefix)])
        self.reference_re = re.compile(r"(?<![\w’'])(?:the|this|these|that)\s+(?:" +
                                       lexicon.alternation(book.references or ("deal",)) +
                                       r")(?![\w’'])", re.IGNORECASE)
        self.markers = {cls: Scanner(terms) for cls, terms in markers.items()
                        if cls != "temporal"}
        # "until" followed by a time expression (or a number) is a time preposition
        self.temporal = re.compile(r"\s+(?:\d|(?:" + lexicon.alternation(markers["temporal"])
                                   + r")(?![\w’'-]))", re.IGNORECASE)
        self.predicates = Scanner(
            markers["opposition"] + markers["support"] + markers["skeptical"])
        self.predicate_stance = {}
        for cls, stance in (("skeptical", "skeptical"), ("support", "supports"),
                            ("opposition", "opposes")):
            for term in markers[cls]:
                self.predicate_stance[term.lower().rstrip("*")] = stance
        self.reported_nouns = markers["reports"]
        self.role_terms: dict[str, str] = {}
        self.role_prefixes: list[tuple[str, str]] = []
        for kind in ("condition", "requirement", "purpose", "harm"):
            for term in markers[kind]:
                key = " ".join(term.lower().split())
                if key.endswith("*"):
                    self.role_prefixes.append((key[:-1], kind))
                else:
                    self.role_terms.setdefault(key, kind)
        self.role_prefixes.sort(key=lambda p: -len(p[0]))
        chain = ("condition", "demand", "skeptical", "dismissive", "supportive", "opposition",
                 "support")
        self.chain_terms: dict[str, tuple] = {}
        prefixes: dict[str, tuple] = {}
        for kind in chain:
            for term in markers[kind]:
                key = " ".join(term.lower().split())
                table = prefixes if key.endswith("*") else self.chain_terms
                key = key.rstrip("*")
                table[key] = (*table.get(key, ()), kind)
        self.chain_prefixes = sorted(prefixes.items(), key=lambda p: -len(p[0]))
        self.chain_re = Scanner([t for k in chain for t in markers[k]])
        self.role_re = Scanner([t for k in ("condition", "requirement", "purpose", "harm")
                                      for t in markers[k]])
        self.narration_class: dict[str, str] = {}
        self.narration_prefixes: list[tuple[str, str]] = []
        for kind in NARRATION_CLASSES:
            for term in markers[kind]:
                key = " ".join(term.lower().split())
                if key.endswith("*"):
                    self.narration_prefixes.append((key[:-1], kind))
                else:
                    self.narration_class.setdefault(key, kind)
        self.narration_re = Scanner([t for k in NARRATION_CLASSES for t in markers[k]])

    def memo(self, kind: str, text, compute):
        """`compute(text)`, remembered per kind and text (a statement's text is read again as
        the context of others; texts repeat across articles): pure functions of the text (or
        of a tuple of a text and what else they read) and these lexicons only, whose result
        nobody changes."""
        table = self._memos.setdefault(kind, {})
        out = table.get(text)
        if out is None:
            if len(table) >= _MEMO_MAX:
                table.clear()
            out = table[text] = compute(text)
        return out

    def hits(self, text: str) -> dict[str, list]:
        """The rule-chain markers of `text` by class (condition, demand, skeptical,
        dismissive, supportive, opposition, support), found in one pass (memoised per text:
        a statement's text is read again as the context of the next; do not change the
        result)."""
        return self.memo("hits", text, self._find_hits)

    def _find_hits(self, text: str) -> dict[str, list]:
        out: dict[str, list] = {}
        for m in self.chain_re.finditer(text):
            key = " ".join(m.group(0).lower().split())
            kinds = self.chain_terms.get(key) or next(
                (k for p, k in self.chain_prefixes if key.startswith(p)), ())
            for kind in kinds:
                out.setdefault(kind, []).append(m)
        return out

    def narration_kind(self, term: str) -> str:
        """The narration class of a matched narration cue (narrated_demand, ...)."""
        key = " ".join(term.lower().split())
        kind = self.narration_class.get(key)
        return kind or next((k for p, k in self.narration_prefixes if key.startswith(p)),
                            "narrated_demand")

    def role_kind(self, term: str) -> str:
        """The role class of a matched role marker (condition, requirement, purpose, harm)."""
        kind = self.role_terms.get(term)
        return kind or next((k for p, k in self.role_prefixes if term.startswith(p)), "harm")

    def stance_of_predicate(self, word: str) -> str:
        if word in self.predicate_stance:
            return self.predicate_stance[word]
        return next((s for t, s in self.predicate_stance.items() if word.startswith(t)),
                    "opposes")

    def issues_of(self, match: str) -> list[tuple[str, bool]]:
        """(issue, contrary) pairs a matched term raises (memoised per spelling)."""
        found = self._seen.get(match)
        if found is None:
            key = " ".join(match.lower().split())
            found = self.exact.get(key)
            if found is None:
                prefix = next((p for p, _, _ in self.prefix if key.startswith(p)), None)
                found = [(i, c) for p, i, c in self.prefix if p == prefix] if prefix else []
            if len(self._seen) < 100_000:
                self._seen[match] = found
        return found

    def occurrences(self, text: str) -> list[Occurrence]:
        """Every issue term in `text`, in order (ignored phrases raise nothing); a term with a
        reverser of its issue near it (`reversed` below) counts as contrary. Memoised per text
        (a statement's text comes back as the context of others): do not change the list."""
        return self.memo("occurrences", text, self._find_occurrences)

    def _find_occurrences(self, text: str) -> list[Occurrence]:
        out = []
        for m in self.issue_re.finditer(text):
            for issue, against in self.issues_of(m.group(0)):
                if issue in self.reversers and self.reversed(text, m.start(), m.end(), issue):
                    against = not against
                out.append(Occurrence(m.start(), m.group(0), issue, against))
        return out

    def reversed(self, text: str, start: int, end: int, issue: str) -> bool:
        """A reverser of `issue` within 40 characters before the term or 160 after it, with no
        comma or stop between ("lifting of sanctions", "sanctions on banks and other
        institutions that trade grain were eased")."""
        a = max(0, start - 40)
        a = max([a] + [text.rfind(c, a, start) + 1 for c in ",;:.!?"])
        b = min(len(text), end + 160)
        stops = [i for i in (text.find(c, end, b) for c in ",;:.!?") if i >= 0]
        return self.reversers[issue].search(text, a, min(stops, default=b)) is not None

    def find_issues(self, text: str) -> dict[str, str]:
        """issue -> first matching term in `text`."""
        found: dict[str, str] = {}
        for occ in self.occurrences(text):
            found.setdefault(occ.issue, occ.term)
        return found


_COMPILED: list = []  # [(issues, markers, compiled)] for the current file contents


def _lexicons(issues_path=None, markers_path=None) -> _Lexicons:
    """Compiled issue and marker lexicons (rebuilt when either file's content changes)."""
    book = lexicon.load(lexicon.resolve(issues_path, "issues.yml"), _parse_issues)
    markers = lexicon.load(lexicon.resolve(markers_path, "stance_markers.yml"), _parse_markers)
    for known_book, known_markers, compiled in _COMPILED:
        if known_book is book and known_markers is markers:
            return compiled
    compiled = _Lexicons(book, markers)
    _COMPILED[:] = [(book, markers, compiled)]
    return compiled
