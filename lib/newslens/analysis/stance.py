"""Stances: which negotiation issues each attributed statement raises, and the speaker's stance.

- `stances(statements, sentences, mentions=...)`: one row per statement × issue (per article,
  pure). Issues come from data/issues.yml: terms in the statement itself (cue and content,
  `issue_source="statement"`) or, with weight 0.6, from its context (`"context"`: the main
  clause of a participial statement, the sentence that introduced a group holder, or, for a
  statement that raises nothing itself but refers back with "the deal"/"this process", the
  nearest of the three sentences before it) or the question it answers (`"question"`: "Asked
  whether a truce was agreed, Peskov said …"). The narration around a statement is not read.
  `target` is who the stance is aimed at: the addressee ("urged Europe to ...") or the actor
  the content makes act or names ("Ukraine must ...").
- Each issue takes the stance of the place where the statement raises it
  (newslens.analysis.stance_roles): its role in its clause first (a condition demands what it
  covers and supports what it conditions; a requirement demands its object; a purpose is
  supported; what a negated harm spares is supported: "sanctions won't derail the talks",
  "no one can forbid Ukraine from joining", "the meeting was not cancelled"), else the rule
  chain below on the clause that names it, else the chain on the
  whole statement. Stances the statement reports for other actors ("several allies, including
  Hungary, are against NATO membership") become rows of those actors (rule `reported:...`)
  and are not the speaker's. On territory, concession wording is read by side
  (`territory:...` rules: cede/withdraw demanded by Russia's side = demands, refused = opposes,
  accepted = supports). Contrary terms ("neutrality" for NATO membership) turn the stance
  round (`+contrary`).
- The rule chain (first that fires decides, column `rule`):
  condition marker ("only if", "until" + a clause, "unless") -> demands ("until November 26",
  "until then" are time, not conditions: `temporal` markers); demand cue (demanded, called
  for, urged) -> demands; "wants X to …" or a demand marker ("must", "need for", "necessary")
  -> demands; doubt cue or marker -> skeptical; a denial of reports ("rejected claims that …")
  -> neutral; negated acceptance ("will not accept") -> opposes; "rejecting X could lead to
  …" -> supports; negative cue (rejected,
  criticised) -> opposes (negated: supports, weak); positive cue (welcomed, proposed) ->
  supports (negated: opposes); opposition predicate of the speaker's own ("it opposes") or
  dismissive marker ("laughable", "not a solution") -> opposes; support predicate ("wants
  to", "backs") or supportive marker ("foundation", "progress") -> supports; a participial
  statement inherits its main clause's stance; content sentiment (TextBlob polarity >= 0.2 /
  <= -0.2) -> supports / opposes; else neutral. "only … if" split by up to six words counts as a
  condition. Emphatic cues add 0.1 confidence. Headline statements weigh 0.8 (the outlet's
  paraphrase); reported stances weigh 0.5.
- `stance_matrix(stances)`: actor × issue with the majority stance (more than half of the
  non-neutral statements: "demands 6/8"), `mixed` when none has it ("3 supports / 3 opposes"),
  counts and the strongest evidence statement (`majority`).
- `pairwise(matrix)`: actors compared on issues by majority stance: agree / disagree / both
  against / differ / mixed / one neutral / one silent, with the statements behind each side.
- `by_source(stances, articles)`: the same actor × issue as reported by each source.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from newslens import compat, lexicon, schema
from newslens.analysis import stance_roles as roles
from newslens.io.syndication import story_rows
from newslens.lexicon import DataFileError, lexicon_regex

STANCES = ("supports", "opposes", "demands", "skeptical", "neutral")
MARKER_CLASSES = ("condition", "demand", "skeptical", "dismissive", "supportive", "negation",
                  "temporal", "requirement", "purpose", "concession", "opposition", "support",
                  "harm", "reports")
SKEPTICAL_CUES = {"doubt", "question", "express doubt", "express scepticism", "cast doubt"}
DENIAL_CUES = {"deny", "reject", "dismiss", "rule out", "refuse"}
STANCE_COLUMNS = schema.table("stances").names
MATRIX_COLUMNS = schema.table("stance_matrix").names
PAIR_COLUMNS = schema.table("stance_pairs").names
SOURCE_COLUMNS = schema.table("stance_sources").names
CONTEXT_WEIGHT = 0.6
REPORTED_WEIGHT = 0.5
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_ACCEPT = re.compile(
    r"(?<![\w’'])(?:not|never|n[’']t|no\s+longer|refuses?\s+to|refused\s+to|won[’']t)\s+"
    r"(?:\w+\s+){0,2}?(?:accept|agree|allow|recogni[sz]e|support|sign|tolerate|endorse|"
    r"back|consider|interested\s+in)\w*", re.IGNORECASE)
# "only … if/when/after" split by a few words ("will only cease hostilities if …").
_ONLY_IF = re.compile(r"(?<![\w’'])only\s+(?:[\w’'-]+\s+){1,6}?(?:if|when|after|once)(?![\w’'])",
                      re.IGNORECASE)
# "wants Kyiv to withdraw": a demand on someone else ("wants to join" is support).
_WANT_OBJECT = re.compile(r"(?<![\w’'])want(?:s|ed)?\s+(?!to\b)(?:[\w’'.-]+\s+){1,4}?to\s+\w",
                          re.IGNORECASE)
# "refusing the deal now could lead to a harsher settlement": a warning against rejecting it.
_REJECTING_IS_BAD = re.compile(
    r"(?<![\w’'])(?:refus|reject|abandon|walk(?:ing)?\s+away\s+from|turn(?:ing)?\s+down)\w*\s+"
    r"(?:[\w’'-]+\s+){0,5}?(?:could|would|will|may|might)\s+(?:only\s+)?(?:lead|result|mean|"
    r"be\s+a\s+mistake|cost|backfire|prolong)", re.IGNORECASE)
_NEGATED_HARM = re.compile(
    r"(?<![\w’'])(?:not|never|no|cannot|nobody|no\s+one|won[’']t|n[’']t)\s+"
    r"(?:(?:be|been|being|can|could|will|would|should|have|has|any|be\s+able\s+to)\s+){0,2}$",
    re.IGNORECASE)
_COPULA = re.compile(r"(?<![\w’'])(?:is|are|was|were|be|been|remain|remains|remained|stand|"
                     r"stands)\s+(?:(?:either|very|strongly|firmly|still|also|all|not)\s+){0,2}$",
                     re.IGNORECASE)
# cheap tests before the costlier patterns: a negator, a rejection word
_MAY_NEGATE = re.compile(r"not|never|n[’']t|no longer|refus")
_MAY_REJECT = re.compile(r"refus|reject|abandon|walk|turn")
_ASKED = re.compile(r"(?<![\w’'])(?:asked|questioned)\s+(?:by\s+[^,;]{1,60}?\s+)?(?:whether|if|"
                    r"about|to\s+confirm|to\s+comment|why|what|how|when|on)(?![\w’'])",
                    re.IGNORECASE)
_TOPIC = re.compile(r"\s+(?:on|about|over)\s+(.{3,80}?)\s*$", re.IGNORECASE)
TITLE_WEIGHT = 0.8
# On territory the stance is toward concessions: general approval or tone is not one.
_WEAK_ON_TERRITORY = ("sentiment", "content:supportive", "content:for", "content:commitment")
CONTRARY = {"supports": "opposes", "demands": "opposes", "opposes": "supports"}
# Families for pairwise comparison: labels in one family agree (both against: see pairwise).
FAMILY = {"supports": "for", "demands": "demands", "opposes": "against",
          "skeptical": "against", "neutral": "neutral"}


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
        if not isinstance(item, dict) or set(item) - {"id", "label", "terms", "contrary"}:
            raise DataFileError(path, f"expected keys id, label, terms, contrary; got {item!r}",
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
                     "contrary": _terms(item.get("contrary"), path, f"{where} ({issue}) contrary",
                                        required=False)})
    return IssueBook(pd.DataFrame(rows, columns=["id", "label", "terms", "contrary"]),
                     tuple(_terms(raw.get("ignore"), path, "ignore", required=False)),
                     tuple(_terms(raw.get("references"), path, "references", required=False)))


def load_issues(path: str | Path | None = None) -> pd.DataFrame:
    """The negotiation issues: DataFrame id, label, terms (list), contrary (list), in file
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
        self._seen: dict[str, list] = {}
        self.issue_re = lexicon_regex([*self.exact, *(p + "*" for p, _, _ in self.prefix)])
        self.reference_re = re.compile(r"(?<![\w’'])(?:the|this|these|that)\s+(?:" +
                                       lexicon.alternation(book.references or ("deal",)) +
                                       r")(?![\w’'])", re.IGNORECASE)
        self.markers = {cls: lexicon_regex(terms) for cls, terms in markers.items()
                        if cls != "temporal"}
        # "until" followed by a time expression (or a number) is a time preposition
        self.temporal = re.compile(r"\s+(?:\d|(?:" + lexicon.alternation(markers["temporal"])
                                   + r")(?![\w’'-]))", re.IGNORECASE)
        self.predicates = lexicon_regex(
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
        self.chain_re = lexicon_regex([t for k in chain for t in markers[k]])
        self.role_re = lexicon_regex([t for k in ("condition", "requirement", "purpose", "harm")
                                      for t in markers[k]])

    def hits(self, text: str) -> dict[str, list]:
        """The rule-chain markers of `text` by class (condition, demand, skeptical,
        dismissive, supportive, opposition, support), found in one pass."""
        out: dict[str, list] = {}
        for m in self.chain_re.finditer(text):
            key = " ".join(m.group(0).lower().split())
            kinds = self.chain_terms.get(key) or next(
                (k for p, k in self.chain_prefixes if key.startswith(p)), ())
            for kind in kinds:
                out.setdefault(kind, []).append(m)
        return out

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
        """Every issue term in `text`, in order (ignored phrases raise nothing)."""
        return [Occurrence(m.start(), m.group(0), issue, against)
                for m in self.issue_re.finditer(text)
                for issue, against in self.issues_of(m.group(0))]

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


# ---------------------------------------------------------------- stance rules
_POLARITY: dict[str, float] = {}  # TextBlob polarity of each distinct content, per process


def _polarity(content: str) -> float:
    """TextBlob pattern polarity of `content` (memoised: the fallback rule scores many repeats)."""
    p = _POLARITY.get(content)
    if p is None:
        if len(_POLARITY) >= 200_000:
            _POLARITY.clear()
        p = _POLARITY[content] = compat.textblob_polarity(content)
    return p


def classify(statement: dict, lex: _Lexicons,  # noqa: C901 - one ordered rule chain
             parent: tuple | None = None, text: str | None = None,
             fallback: bool = True) -> tuple[str, str, float]:
    """(stance, rule, confidence) of one statement (a row of the statements table), read on
    `text` (a clause of it, quotation marks blanked; default: its content).

    One flat chain on purpose: the rules fire in the documented order and the first wins, so
    the order is the logic (module doc). Without `fallback` the parent and sentiment rules are
    skipped (a clause read alone)."""
    content = roles.normalise(str(statement["content"])) if text is None else text
    cls, lemma, negated = statement["cue_class"], statement["cue_lemma"], bool(statement["negated"])
    hits = lex.hits(content)
    low = content.lower()

    def found(name):
        ms = hits.get(name)
        return " ".join(ms[0].group(0).lower().split()) if ms else None

    if term := next((" ".join(m.group(0).lower().split()) for m in hits.get("condition", ())
                     if not (m.group(0).lower() == "until"
                             and _temporal_until(content, m.start(), m.end(), lex))), None):
        result = ("demands", f"condition:{term}", 0.8)
    elif "only" in low and (m := _ONLY_IF.search(content)):
        result = ("demands", f"condition:only … {m.group(0).split()[-1].lower()}", 0.8)
    elif cls == "demand" and not negated:
        result = ("demands", "cue:demand", 0.8)
    elif cls in ("neutral", "emphatic") and "want" in low and (
            m := _WANT_OBJECT.search(content)):
        result = ("demands", "content:demand:wants … to", 0.6)
    elif cls in ("neutral", "emphatic") and (m := next(iter(hits.get("demand", ())), None)):
        term = " ".join(m.group(0).lower().split())
        if _NEGATED_BEFORE.search(content, max(0, m.start() - 25), m.start()):
            result = ("opposes", f"content:demand+negation:{term}", 0.5)  # "no need for"
        elif _own_camp(content, m, statement.get("reader_side")):
            result = ("supports", f"content:commitment:{term}", 0.55)
        else:
            result = ("demands", f"content:demand:{term}", 0.6)
    elif lemma in SKEPTICAL_CUES:
        result = ("skeptical", f"cue:skeptical:{lemma}", 0.7)
    elif term := found("skeptical"):
        result = ("skeptical", f"content:skeptical:{term}", 0.5)
    elif cls == "negative" and lemma in DENIAL_CUES and (
            term := _denied_report(statement.get("gap", "") + " " + content, lex)):
        return "neutral", f"denial:{term}", 0.5
    elif _MAY_NEGATE.search(low) and (m := _ACCEPT.search(content)):
        result = ("opposes", f"negation:{' '.join(m.group(0).lower().split())}", 0.6)
    elif _MAY_REJECT.search(low) and (m := _REJECTING_IS_BAD.search(content)):
        result = ("supports", f"warns-against:{m.group(0).split()[0].lower()}", 0.6)
    elif cls == "negative":
        result = ("supports", "cue:negative+negation", 0.4) if negated else (
            "opposes", "cue:negative", 0.75)
    elif cls == "positive":
        result = ("opposes", "cue:positive+negation", 0.6) if negated else (
            "supports", "cue:positive", 0.75)
    elif term := _own_predicate(content, hits, "opposition"):
        result = ("supports", f"content:against+negation:{term[4:]}", 0.5) if term.startswith(
            "not ") else ("opposes", f"content:against:{term}", 0.6)
    elif term := found("dismissive"):
        result = ("opposes", f"content:dismissive:{term}", 0.7)
    elif term := _own_predicate(content, hits, "support"):
        result = ("opposes", f"content:for+negation:{term[4:]}", 0.5) if term.startswith(
            "not ") else ("supports", f"content:for:{term}", 0.6)
    elif term := found("supportive"):
        result = ("supports", f"content:supportive:{term}", 0.55)
    elif not fallback:
        return "neutral", "default", 0.3
    elif parent is not None and parent[0] != "neutral":
        result = (parent[0], f"parent:{parent[1]}", round(parent[2] * 0.8, 3))
    else:
        polarity = _polarity(content)
        if polarity >= 0.2:
            result = ("supports", f"sentiment:{polarity:+.2f}", round(min(0.5, polarity), 3))
        elif polarity <= -0.2:
            result = ("opposes", f"sentiment:{polarity:+.2f}", round(min(0.5, -polarity), 3))
        else:
            return "neutral", "default", 0.3
    stance, rule, conf = result
    if cls == "emphatic" and stance != "neutral":
        rule, conf = rule + "+emphatic", min(0.95, conf + 0.1)
    return stance, rule, round(conf, 3)


def _condition(content: str, lex: _Lexicons) -> str | None:
    """The first condition marker of the content (see `_conditions`)."""
    for _start, _end, term in _conditions(content, lex):
        return term
    return None


def _conditions(content: str, lex: _Lexicons):
    """(start, end, term) of each condition marker, skipping "until" as a time preposition
    ("until November 26", "from then until the spring"): "until Ukraine withdraws" is a
    condition."""
    for m in lex.markers["condition"].finditer(content):
        term = m.group(0).lower()
        if term == "until" and _temporal_until(content, m.start(), m.end(), lex):
            continue
        yield m.start(), m.end(), " ".join(term.split())


def _temporal_until(content: str, start: int, end: int, lex: _Lexicons) -> bool:
    """Is "until" at [start, end) a time preposition ("until November 26", "from then until
    the spring")?"""
    before = content[max(0, start - 40):start]
    starts = [f.end() for f in re.finditer(r"\bfrom\b", before, re.IGNORECASE)]
    return lex.temporal.match(content, end) is not None or any(
        lex.temporal.match(before, k) for k in starts)


_OWN_CAMP = re.compile(r"(?:\b(?:we|you|it\s+is|it[’']s|it\s+was|partners|allies|the\s+west)"
                       r"\s+(?:[\w’'-]+\s+){0,2})$", re.IGNORECASE)


def _own_camp(content: str, m: re.Match, side: str | None) -> bool:
    """An obligation a mediator or ally lays on its own camp or on no one ("we must …", "it is
    necessary to have proposals", "the need to draw Russia in"): backing, not a demand on a
    party to the war. Parties to the war (and unknown sides) demand."""
    if side is None or side in roles.SIDES_AT_WAR:
        return False
    head = content[max(0, m.start() - 40):m.start()]
    return bool(_OWN_CAMP.search(head)) or (
        m.group(0).lower().startswith("need") and head.lower().endswith("the "))


def _denied_report(content: str, lex: _Lexicons) -> str | None:
    """The report noun a denial is about ("rejected claims that …"), when what follows the cue
    opens with one."""
    m = re.match(r"\s*(?:the\s+|these\s+|such\s+|those\s+|any\s+)?(?:[\w’'-]+\s+)?([\w’'-]+)",
                 content, re.IGNORECASE)
    if m is None:
        return None
    head = m.group(0).lower().split()
    return next((w for w in head if lex.markers["reports"].fullmatch(w)), None)




_PREDICATE_SUBJECT = re.compile(
    r"(?:(?<![\w’'])(?:I|we|it|he|she|they)|[A-Z][\w’'-]*(?<![’']s))\s+(?:(?:[a-z]+ly|also|"
    r"still|has|have|had|is|are|was|were|will|would|do|does|did|not|always)\s+){0,2}$")


def _own_predicate(content: str, hits: dict, cls: str) -> str | None:
    """A stance predicate of the speaker's own: a verb after a subject pronoun or name ("it
    opposes …", "we truly want to join …"; a name of another actor was taken as a reported
    stance before), a copula before an adjective or preposition ("is against"), or the noun
    with "for" ("voiced support for"). "not " in front when negated ("does not want to")."""
    for m in hits.get(cls, ()):
        word = " ".join(m.group(0).lower().split())
        if word in roles.ADJECTIVE_PREDICATES:
            found = _COPULA.search(content, 0, m.start()) is not None
        else:
            found = _PREDICATE_SUBJECT.search(content, max(0, m.start() - 60), m.start()) \
                is not None or re.match(r"\s+for\b", content[m.end():]) is not None
        if found:
            negated = _NEGATED_BEFORE.search(content, max(0, m.start() - 25), m.start())
            return f"not {word}" if negated else word
    return None


_NEGATED_BEFORE = re.compile(r"(?<![\w’'])(?:not|no|never|n[’']t)\s+(?:[\w’'-]+\s+)?$",
                             re.IGNORECASE)


# ---------------------------------------------------------------- reading a statement
def _own_span(st: dict) -> tuple[int, int]:
    return (min(st["cue_start"], st["content_start"]), max(st["cue_end"], st["content_end"]))


_TARGET_MODAL = re.compile(
    r"^[’']?s?\s*(?:must|should|has\s+to|have\s+to|needs?\s+to|ought\s+to|is\s+obliged\s+to|"
    r"will\s+have\s+to|to\s+\w+)\b", re.IGNORECASE)


class _Document:
    """The article fields as text, the sentences' places, and the actor mentions by field."""

    def __init__(self, sentences: pd.DataFrame, mentions: pd.DataFrame | None):
        fields = sentences["field"].tolist() if "field" in sentences else ["text"] * len(
            sentences)
        self.sentence: dict[tuple, tuple] = {}
        parts: dict[tuple, list] = {}
        for aid, sn, start, text, fld in zip(
                *(sentences[c].tolist() for c in ("article_id", "sentence", "start", "text")),
                fields):
            self.sentence[(aid, int(sn))] = (fld, int(start), str(text))
            parts.setdefault((aid, fld), []).append((int(start), str(text)))
        self.fields = {}
        for key, pieces in parts.items():
            out, pos = [], 0
            for s, t in sorted(pieces):
                out.append(" " * (s - pos) + t[max(0, pos - s):])
                pos = max(pos, s + len(t))
            self.fields[key] = roles.normalise("".join(out))  # quotation marks blanked
        self.mentions: dict[tuple, list] = {}
        self.sides: dict = {}
        if mentions is None or len(mentions) == 0:
            return
        mfields = mentions["field"].tolist() if "field" in mentions else ["text"] * len(mentions)
        aff = mentions["affiliation"].tolist() if "affiliation" in mentions else [None] * len(
            mentions)
        for aid, fld, a, b, actor, side in zip(mentions["article_id"].tolist(), mfields,
                                               mentions["start"].tolist(),
                                               mentions["end"].tolist(),
                                               mentions["actor_id"].tolist(), aff):
            if not isinstance(actor, str):
                continue
            self.mentions.setdefault((aid, fld), []).append((int(a), int(b), actor))
            if isinstance(side, str) and side:
                self.sides.setdefault(actor, side)
        for ms in self.mentions.values():
            ms.sort()
        self.starts = {key: [m[0] for m in ms] for key, ms in self.mentions.items()}

    def sentence_text(self, aid, number: int) -> str:
        """A sentence's text from its field (quotation marks blanked); "" when unknown."""
        fld, start, text = self.sentence.get((aid, number), (None, 0, ""))
        return self.fields.get((aid, fld), "")[start:start + len(text)]

    def side(self, actor) -> str | None:
        return self.sides.get(actor, actor if actor in roles.SIDES_AT_WAR else None)

    def mentions_in(self, aid, fld, a: int, b: int, shift: int) -> list[tuple]:
        """(start, end, actor, side) of the mentions in [a, b), moved by `shift`."""
        ms = self.mentions.get((aid, fld), ())
        if not ms:
            return []
        i, j = bisect_left(self.starts[(aid, fld)], a), bisect_left(self.starts[(aid, fld)], b)
        return [(s + shift, e + shift, actor, self.side(actor))
                for s, e, actor in ms[i:j] if e <= b]


def _speaker_side(st: dict, doc: _Document) -> str | None:
    """The speaker's side; for a collective or unnamed speaker ("Russian officials", "reports
    from Moscow") the side of an actor named in its description."""
    side = st.get("speaker_side")
    if isinstance(side, str) and side:
        return side
    side = doc.side(st["speaker"])
    if side is not None:
        return side
    named = doc.mentions_in(st["article_id"], st["field"], int(st["speaker_start"]),
                            int(st["speaker_end"]), 0)
    return next((s for *_, s in named if s), None)


class _Read:
    """A statement's own text as the rules read it: cue and content (a headline topic such as
    "X on land swap:" in front), quotation marks blanked (`text`); `reading` keeps only the
    content (and topic). Clauses, role markers, mentions and the stances the statement reports
    for others are worked out on first use: most statements raise no issue."""

    def __init__(self, st: dict, doc: _Document, lex: _Lexicons):
        self._st, self._doc, self._lex = st, doc, lex
        field_text = doc.fields.get((st["article_id"], st["field"]), "")
        a, b = _own_span(st)
        prefix = _topic(st, field_text)
        self.text = (roles.normalise(prefix) if prefix else "") + field_text[a:b]
        self.shift = len(prefix) - a  # text position = field position + shift
        self._span = (a, b)
        self.raises = False  # issue terms in `text` (set by _issue_tags)
        c0, c1 = int(st["content_start"]) + self.shift, int(st["content_end"]) + self.shift
        self.reading = (prefix + " " * (c0 - len(prefix)) + self.text[c0:c1]
                        + " " * (len(self.text) - c1))

    @cached_property
    def side(self) -> str | None:
        return _speaker_side(self._st, self._doc)

    @cached_property
    def speaker(self) -> roles.Speaker:
        st, (a, b) = self._st, self._span
        return roles.Speaker(st["speaker"], self.side,
                             self._doc.mentions_in(st["article_id"], st["field"], a, b,
                                                   self.shift))

    @cached_property
    def spans(self) -> list:
        return roles.clauses(self.text)

    @cached_property
    def roles(self) -> list:
        return _roles(self.reading, self._lex)

    @cached_property
    def _reports(self) -> tuple[list, set]:
        if self._lex.predicates.search(self.reading) is None:  # no stance predicate at all
            return [], set()
        return roles.reported(self.reading, self.spans, self._lex.predicates,
                              self._lex.stance_of_predicate, self.speaker)

    @property
    def reported(self) -> list:
        return self._reports[0]

    @property
    def excluded(self) -> set:
        return self._reports[1]


def _topic(st: dict, field_text: str) -> str:
    """The topic between speaker and mark of a headline or label ("Trump on land swap: …")."""
    if st["form"] not in ("headline", "label"):
        return ""
    gap = field_text[int(st["speaker_end"]):int(st["cue_start"])]
    m = _TOPIC.match(gap) if int(st["speaker_end"]) <= int(st["cue_start"]) else None
    return m.group(1) + " ; " if m else ""


def _roles(text: str, lex: _Lexicons) -> list:
    """Condition, requirement, purpose and negated-harm markers of `text`, in order
    (stance_roles.Role), found in one pass."""
    found = []
    for m in lex.role_re.finditer(text):
        term = " ".join(m.group(0).lower().split())
        kind = lex.role_kind(term)
        if kind == "condition":
            if term == "until" and _temporal_until(text, m.start(), m.end(), lex):
                continue
            backward = (term.startswith(("as the condition", "as a condition",
                                         "as a key condition", "precondition"))
                        and re.match(r"\s+(?:for|of|to)\b", text[m.end():]) is not None)
            found.append(roles.Role(m.start(), m.end(), "condition", term, backward))
        elif kind == "requirement":
            if not (re.match(r"\s+(?:to|for)\b", text[m.end():]) or re.search(
                    r"(?:\bthe|\ba|\bno|\bany)\s+$", text[max(0, m.start() - 5):m.start()])):
                found.append(roles.Role(m.start(), m.end(), "requirement", term))
        elif kind == "purpose":
            found.append(roles.Role(m.start(), m.end(), "purpose", term))
        elif neg := _NEGATED_HARM.search(text, max(0, m.start() - 40), m.start()):
            passive = re.search(r"(?<![\w’'])(?:be|been|being)\s+$", text[neg.start():m.start()])
            found.append(roles.Role(m.start(), m.end(), "harm", term, passive is not None))
    if "only" in text.lower():
        for m in _ONLY_IF.finditer(text):
            last = m.group(0).split()[-1]
            found.append(roles.Role(m.end() - len(last), m.end(), "condition",
                                    f"only … {last.lower()}"))
    return sorted(found, key=lambda r: r.start)


def _blank(text: str, spans) -> str:
    """`text` with the given clauses blanked (the stances reported for others)."""
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _issue_stance(st: dict, lex: _Lexicons, r: _Read, occs: list, base: tuple) -> tuple:
    """(stance, rule, confidence, deciding occurrence) of one issue raised in the statement:
    the role of its first term that has one, else the chain on the first clause naming it that
    gives a stance, else the statement's stance (module doc)."""
    cls, lemma = st["cue_class"], st["cue_lemma"]
    markers, spans = r.roles, r.spans
    if lemma not in SKEPTICAL_CUES and markers:
        for occ in occs:
            got = roles.role_of(r.reading, occ.start, markers, roles.clause_at(spans, occ.start),
                                r.speaker)
            if got is None or (got[1].startswith(("conditioned", "need")) and cls in
                               ("demand", "negative")) or (got[1].startswith("purpose")
                                                           and cls == "negative"):
                continue
            return (*_emphatic(got, cls), occ)
    seen = set()
    for occ in occs if len(spans) > 1 else ():
        clause = roles.clause_at(spans, occ.start)
        if clause in seen:
            continue
        seen.add(clause)
        got = classify(st, lex, None, r.reading[clause[0]:clause[1]], fallback=False)
        if got[0] != "neutral":
            return (*got, occ)
    return (*base, occs[0])


def _emphatic(result: tuple, cls: str) -> tuple:
    stance, rule, conf = result
    if cls == "emphatic" and stance != "neutral":
        return stance, rule + "+emphatic", round(min(0.95, conf + 0.1), 3)
    return result


def _issue_tags(st: dict, r: _Read, doc: _Document, lex: _Lexicons, context: str) -> dict:
    """issue -> (source, term, occurrences): terms of the statement's own text (outside the
    stances it reports for others); else the question it answers; else, when it refers back
    ("the deal"), the nearest of the three sentences before; plus (weight 0.6) its `context`
    (main clause of a participial statement, the sentence introducing a group holder)."""
    tags: dict = {}
    occurrences = lex.occurrences(r.text)
    r.raises = bool(occurrences)
    excluded = r.excluded if occurrences else ()
    for occ in occurrences:
        if not excluded or roles.clause_at(r.spans, occ.start) not in excluded:
            tags.setdefault(occ.issue, ("statement", occ.term, []))[2].append(occ)
    if not tags:
        for issue, term in _question_issues(st, r, doc, lex).items():
            tags[issue] = ("question", term, [])
    if not tags and lex.reference_re.search(r.text):
        for k in range(int(st["sentence"]) - 1, int(st["sentence"]) - 4, -1):
            before = doc.sentence.get((st["article_id"], k))
            found = lex.occurrences(doc.sentence_text(st["article_id"], k)) if before else []
            if found:  # the first issue the sentence raises: what "the deal" refers to
                tags[found[0].issue] = ("context", found[0].term, [])
                break
    for issue, term in (lex.find_issues(context).items() if context else ()):
        tags.setdefault(issue, ("context", term, []))
    return tags


def _question_issues(st: dict, r: _Read, doc: _Document, lex: _Lexicons) -> dict:
    """Issues of the question a statement answers, earlier in its sentence ("Asked whether a
    truce was agreed, Peskov said …")."""
    fld, s0, _text = doc.sentence.get((st["article_id"], int(st["sentence"])), (None, 0, ""))
    field_text = doc.fields.get((st["article_id"], st["field"]), "")
    a = _own_span(st)[0]
    before = field_text[s0:min(a, int(st["speaker_start"]))] if fld == st["field"] else ""
    m = _ASKED.search(before)
    return lex.find_issues(before[m.start():]) if m else {}


def _target(st: dict, r: _Read) -> str | None:
    """Who the statement's demand, support or criticism is aimed at: the addressee between cue
    and content ("urged Europe to ..."), else the actor the content makes act ("Ukraine must
    withdraw"), else the first other actor the content names. Never the speaker or its side."""
    own = {st["speaker"], r.speaker.side}
    others = [(a, b, actor) for a, b, actor, side in r.speaker.mentions
              if actor not in own and (side or actor) not in own]
    c0, c1 = int(st["content_start"]) + r.shift, int(st["content_end"]) + r.shift
    cue_end = int(st["cue_end"]) + r.shift
    addressee = [x for x in others if cue_end <= x[0] < c0]
    if addressee:
        return addressee[0][2]
    inside = [x for x in others if c0 <= x[0] < c1]
    for _a, b, actor in inside:
        if _TARGET_MODAL.match(r.text[b:b + 30]):
            return actor
    return inside[0][2] if inside else None


def _decision(decided: dict, statement) -> tuple | None:
    """A statement's own stance, worked out when first asked for (None: no such statement)."""
    value = decided.get(statement)
    if callable(value):
        value = decided[statement] = value()
    return value


def _statement_rows(st: dict, doc: _Document, lex: _Lexicons, decided: dict,
                    context: str) -> list[tuple]:
    """The stance rows of one statement (its own issues, then the stances it reports)."""
    r = _Read(st, doc, lex)
    cue_end, c0 = int(st["cue_end"]) + r.shift, int(st["content_start"]) + r.shift
    parent = None if pd.isna(st["parent"]) else int(st["parent"])
    gap = r.text[cue_end:c0] if cue_end < c0 else ""

    def decide() -> tuple:  # the statement's own stance (for its issues and its children)
        full = {**st, "reader_side": r.side, "gap": gap}
        return classify(full, lex, _decision(decided, parent), _blank(r.reading, r.excluded))

    decided[st["statement"]] = decide
    tags = _issue_tags(st, r, doc, lex, context)
    if not tags and not r.raises:  # nothing raised, nothing reported
        return []
    base = _decision(decided, st["statement"])
    st = {**st, "reader_side": r.side, "gap": gap}
    title = TITLE_WEIGHT if st["field"] == "title" else 1.0
    rows = []
    for issue in sorted(tags, key=lex.rank.__getitem__):
        source, term, occs = tags[issue]
        stance, rule, conf, occ = _issue_stance(st, lex, r, occs, base) if occs else (
            *base, None)
        if issue == "territory" and occs:
            stance, rule, conf = _on_territory(st, lex, r, occs, (stance, rule, conf))
        if occ is not None and occ.contrary and stance in CONTRARY:
            stance, rule = CONTRARY[stance], f"{rule}+contrary:{occ.term.lower()}"
        target = None if stance == "neutral" else _target(st, r)
        weight = conf * (1.0 if source == "statement" else CONTEXT_WEIGHT) * title
        rows.append((st["article_id"], st["statement"], st["sentence"], st["speaker"], issue,
                     lex.labels[issue], source, term, stance, target, rule, conf,
                     round(weight, 3), st["cue"], st["cue_class"], st["content"]))
    return rows + _reported_rows(st, lex, r, title)


def _on_territory(st: dict, lex: _Lexicons, r: _Read, occs: list, found: tuple) -> tuple:
    """The territory stance read as concessions by side (stance_roles.concession), unless a
    condition of the speaker's demands it; a mere tone or approval is no stance on concessions
    (neutral, rule `territory:no-concession(...)`)."""
    stance, rule, _ = found
    t = roles.concession(r.reading, r.spans, lex.markers["concession"], [o.start for o in occs],
                         lex.markers["dismissive"], r.speaker, st["cue_class"],
                         bool(st["negated"]), r.excluded, int(st["content_start"]) + r.shift)
    if t is not None and not (stance == "demands" and rule.startswith("condition")):
        return _emphatic((*t, 0.7), st["cue_class"])
    if t is None and re.sub(r"^(?:parent:)+", "", rule).startswith(_WEAK_ON_TERRITORY):
        return "neutral", f"territory:no-concession({rule})", 0.3
    return found


def _reported_rows(st: dict, lex: _Lexicons, r: _Read, title: float) -> list[tuple]:
    """One row per stance the statement reports for another actor and issue of its object
    (confidence 0.5, weight 0.5)."""
    rows = []
    for rep in r.reported:
        found = lex.find_issues(r.reading[rep.object_start:rep.clause[1]])
        for issue in sorted(found, key=lex.rank.__getitem__):
            rows.append((st["article_id"], st["statement"], st["sentence"], rep.actor, issue,
                         lex.labels[issue], "statement", found[issue], rep.stance, None,
                         f"reported:{rep.predicate} (by {st['speaker']})", 0.5,
                         round(REPORTED_WEIGHT * title, 3), st["cue"], st["cue_class"],
                         st["content"]))
    return rows


def stances(statements: pd.DataFrame, sentences: pd.DataFrame,
            issues: str | Path | None = None, markers: str | Path | None = None,
            mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per statement × issue with stance, target, rule, confidence and weight (module
    doc), plus one per stance a statement reports for another actor. `mentions` (actor
    mentions) give targets, sides and reported holders.

    Statements that raise no issue get no row. `weight` = confidence, times 0.6 when the issue
    comes from the context or a question rather than the statement itself.
    """
    lex = _lexicons(issues, markers)
    if statements is None or len(statements) == 0:
        return schema.empty("stances")
    doc = _Document(sentences, mentions)
    by_sentence: dict[tuple, list[dict]] = {}
    columns = list(statements.columns)
    for values in zip(*(statements[c].tolist() for c in columns)):  # faster than to_dict
        st = dict(zip(columns, values))
        by_sentence.setdefault((st["article_id"], int(st["sentence"])), []).append(st)
    rows = []
    for (aid, _sn), group in sorted(by_sentence.items(), key=lambda kv: kv[0]):
        group.sort(key=lambda st: st["statement"])
        texts = {st["statement"]: _own_text(st, doc) for st in group}
        decided: dict[int, tuple] = {}
        for st in group:
            parent = None if pd.isna(st["parent"]) else int(st["parent"])
            antecedent = "" if pd.isna(st["antecedent_sentence"]) else doc.sentence_text(
                aid, int(st["antecedent_sentence"]))
            context = " ".join(t for t in (texts.get(parent, ""), antecedent) if t)
            rows.extend(_statement_rows(st, doc, lex, decided, context))
    rows.sort(key=lambda row: (row[0], row[1], row[4], row[3]))  # article, statement, issue,
    # holder: sorted here, cheaper than a DataFrame sort on every chunk
    rows = [(*row, "statement") for row in rows]
    return schema.conform("stances", pd.DataFrame(rows, columns=STANCE_COLUMNS))


def _own_text(st: dict, doc: _Document) -> str:
    a, b = _own_span(st)
    return doc.fields.get((st["article_id"], st["field"]), "")[a:b]


# ---------------------------------------------------------------- aggregation
NON_NEUTRAL = ("demands", "supports", "opposes", "skeptical")


def majority(counts: dict[str, int]) -> tuple[str, str, int]:
    """(label, split, statements behind the label) from statement counts per stance.

    The label is the stance of more than half of the non-neutral statements ("demands 6/8");
    `mixed` when no stance has that ("3 supports / 3 opposes"); `neutral` when every statement
    is neutral. A label is never one that a minority of the non-neutral statements hold."""
    active = {k: int(counts.get(k, 0)) for k in NON_NEUTRAL if counts.get(k, 0)}
    total = sum(active.values())
    if not total:
        n = int(counts.get("neutral", 0))
        return "neutral", f"{n} neutral", n
    best = max(NON_NEUTRAL, key=lambda k: (active.get(k, 0), -NON_NEUTRAL.index(k)))
    if active[best] * 2 > total:
        return best, f"{best} {active[best]}/{total}", active[best]
    parts = sorted(active.items(), key=lambda kv: (-kv[1], NON_NEUTRAL.index(kv[0])))
    return "mixed", " / ".join(f"{n} {k}" for k, n in parts), total


def stance_matrix(stances: pd.DataFrame, articles: pd.DataFrame | None = None,
                  count: str = "story") -> pd.DataFrame:
    """Actor × issue (long form): majority stance or `mixed`, the split ("demands 6/8"), counts
    per stance, weight and evidence (see `majority`).

    The evidence is the statement with the highest weight among those holding the label (any
    non-neutral one for mixed; ties: the earliest). count: "story" (default) counts a
    syndicated story once (needs `articles` with `story_id`), "article" every copy.
    """
    stances = story_rows(stances, articles, count)  # one row set per story
    if stances is None or len(stances) == 0:
        return schema.empty("stance_matrix")
    rows = []
    for (speaker, issue), g in stances.groupby(["speaker", "issue"], sort=True):
        counts = g["stance"].value_counts().to_dict()
        stance, split, _ = majority(counts)
        family = set(NON_NEUTRAL) if stance == "mixed" else {stance}
        pool = g[g["stance"].isin(family)]
        best = pool.sort_values(["weight", "article_id", "statement"],
                                ascending=[False, True, True], kind="stable").iloc[0]
        n_active = sum(int(counts.get(k, 0)) for k in NON_NEUTRAL)
        behind = g.drop_duplicates(["article_id", "statement"])
        narration = int((behind["basis"] == "narration").sum()) if "basis" in g else 0
        rows.append([speaker, issue, g["issue_label"].iloc[0], stance, split,
                     behind.shape[0], narration, n_active,
                     g["article_id"].nunique(), *(int(counts.get(k, 0)) for k in STANCES),
                     round(float(g["weight"].sum()), 3), round(float(g["confidence"].mean()), 3),
                     best["article_id"], int(best["statement"]), best["rule"],
                     _basis(best), best["content"]])
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def _basis(row) -> str:
    """A stance row's basis (tables written before the column existed: statement)."""
    value = row.get("basis", "statement")
    return value if isinstance(value, str) and value else "statement"


def matrix_wide(matrix: pd.DataFrame, value: str = "stance", issues: list[str] | None = None
                ) -> pd.DataFrame:
    """Speakers as rows, issues (file order) as columns, `value` in the cells ("" when silent)."""
    order = issues or [i for i in load_issues()["id"] if i in set(matrix["issue"])]
    wide = matrix.pivot(index="speaker", columns="issue", values=value)
    wide = wide.reindex(columns=[i for i in order if i in wide.columns])
    return wide.sort_index().fillna("") if value == "stance" else wide.sort_index()


def _relation(sa: str | None, sb: str | None) -> str:
    if sa is None or sb is None:
        return "one silent"
    if "mixed" in (sa, sb):
        return "mixed"
    if "neutral" in (sa, sb) and sa != sb:
        return "one neutral"
    if FAMILY[sa] == FAMILY[sb]:
        return "both against" if FAMILY[sa] == "against" else "agree"
    return "disagree" if "against" in (FAMILY[sa], FAMILY[sb]) else "differ"


def pairwise(table: pd.DataFrame) -> pd.DataFrame:
    """Compare actor pairs on issues by their majority stances (see `majority`).

    Accepts the stance matrix (or the stances table, which is aggregated first). Pairs are the
    speakers who both spoke on at least one shared issue; each such pair lists every issue
    either of them spoke on. Relation: `agree` (the same stance, or both neutral), `disagree`
    (supports or demands against opposes or skeptical), `both against` (opposes or skeptical on
    both sides: each may be against the other, so the evidence decides), `differ` (supports
    against demands: one backs what the other sets conditions on), `mixed` (either side has no
    majority), `one neutral`, `one silent`. `n_a`/`n_b` count the statements behind each side's
    label and `split_a`/`split_b` show the split ("demands 6/8").
    """
    matrix = table if "n_statements" in table.columns else stance_matrix(table)
    if len(matrix) == 0:
        return schema.empty("stance_pairs")
    cell = {(r.speaker, r.issue): r for r in matrix.itertuples()}
    labels = dict(zip(matrix["issue"], matrix["issue_label"]))
    by_actor = matrix.groupby("speaker")["issue"].apply(set).to_dict()
    order = {i: n for n, i in enumerate(load_issues()["id"])}
    rows = []
    for a, b in combinations(sorted(by_actor), 2):
        if not by_actor[a] & by_actor[b]:
            continue
        for issue in sorted(by_actor[a] | by_actor[b], key=lambda i: (order.get(i, 99), i)):
            ca, cb = cell.get((a, issue)), cell.get((b, issue))
            sa, sb = (c.stance if c is not None else None for c in (ca, cb))
            na, nb = (_behind(c) for c in (ca, cb))
            rows.append([a, b, issue, labels[issue], sa or "", sb or "", _relation(sa, sb),
                         na, nb, ca.split if ca is not None else "",
                         cb.split if cb is not None else ""])
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def _behind(c) -> int:
    """Statements behind a matrix cell's label (0 when silent)."""
    if c is None:
        return 0
    if c.stance == "mixed":
        return int(c.n_nonneutral)
    return int(getattr(c, f"n_{c.stance}"))


def by_source(stances: pd.DataFrame, articles: pd.DataFrame, count: str = "story"
              ) -> pd.DataFrame:
    """How each source reports an actor's stance on an issue (one row per source).

    `n_sources` counts the sources reporting that actor × issue; `consistent` is True when
    they all give it the same majority stance (`majority`). count: "story" (default) counts a
    syndicated story once, for its original's outlet (who republished whom:
    `syndication_table`); "article" counts every copy for its own outlet.
    """
    stances = story_rows(stances, articles, count)  # one row set per story
    if stances is None or len(stances) == 0:
        return schema.empty("stance_sources")
    src = articles[["article_id", "source"]].drop_duplicates("article_id")
    df = stances.merge(src, on="article_id", how="left")
    df["source"] = df["source"].fillna("").astype(str).str.strip().replace("", "(unknown)")
    rows = []
    for (speaker, issue, source), g in df.groupby(["speaker", "issue", "source"], sort=True):
        rows.append([speaker, issue, g["issue_label"].iloc[0], source,
                     majority(g["stance"].value_counts().to_dict())[0],
                     g[["article_id", "statement"]].drop_duplicates().shape[0],
                     g["article_id"].nunique()])
    out = pd.DataFrame(rows, columns=SOURCE_COLUMNS[:-2])
    grouped = out.groupby(["speaker", "issue"])["stance"]
    out["n_sources"] = grouped.transform("size").astype("int64")
    out["consistent"] = grouped.transform("nunique").eq(1)
    return out
