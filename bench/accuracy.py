"""Accuracy of newslens on an annotated corpus: precision, recall and F1 per table, and targets.

    python bench/accuracy.py CORPUS GOLD [--details] [--json OUT]
    python bench/accuracy.py ../shared/devcorpus/articles ../shared/devcorpus/gold.yml

CORPUS is loaded with `newslens.load_corpus` and analysed with `newslens.analyze` (no cache).
GOLD is a YAML file `{articles: [{url, actors, regions, claims, quantities, statements, stances,
speakers_unlinked_ok?}, ...]}` (schema: the devcorpus README and its gold.yml header). Articles
are paired with gold entries by `url` (whitespace and a trailing "/" ignored); gold entries with
no article are listed, articles with no gold entry are not scored. Every gold pattern is a
case-insensitive regex used with `re.search`. An id value is also tried with "_", "-" and ":"
read as spaces ("united_states" matches "united states"), and an actor id also by its display
name from the mention table ("peskov" -> "Dmitry Peskov").

Matching rules, per article:
- actors: a gold actor regex is found when it matches the `actor_id`, `actor` or mention `text`
  of any mention row (so "the Kremlin" mapped to russia finds a gold "kremlin"; the stricter
  `actor`-only figure of the first measurements is printed as a note). Precision: share of the
  distinct predicted actor ids matched by a gold regex.
- statements: predicted rows identical in (speaker, cue, sentence text) count once (a scraped
  page repeats its headline). A gold {speaker, cue} pairs with a predicted row when the speaker
  regex matches one of the speaker columns (`speaker` and its name, `speaker_text`,
  `speaker_name`) and the cue regex matches `cue` or `cue_lemma`. A gold cue "" or with an empty
  alternative ("source|") is a label/headline attribution: it also accepts a row whose `form`
  says headline/label/colon/dash or whose cue is empty. When a `linked` column exists, a row with
  linked False may only pair with a gold speaker listed in `speakers_unlinked_ok`: famous
  speakers must link to the gazetteer. Pairs are one-to-one, by maximum bipartite matching
  (so the figure does not depend on row order); ties prefer the row whose content shares most
  words with the gold content. Precision is broken down by predicted `form` and `speaker_kind`,
  recall by the gold cue type (label, according/citing, participial -ing, verb) and by whether
  the gold speaker may be unlinked.
- content: a statement row violates when its content is empty, only prepositions ("on"), or
  only a date/time expression ("Monday", "on Tuesday evening", "earlier this week"); a lone
  pronoun ("denied this") is not flagged.
- regions: a gold region regex is found when it matches `region_id`, `region` or the mention text
  (`region_text`/`text`) of a region row (a `region_mentions` table when the pipeline has one,
  else the claims table, whose figure is also noted); a `via == "hierarchy"` row's text is its
  macro region's, so only its id and name count. The `region`-only figure of the first
  measurements is printed as a note.
  Precision: share of distinct predicted regions matched; regions present only through
  `via == "hierarchy"` (a macro region expanded to members the text does not name) are not
  counted as false positives.
- claims: predicted rows are merged per (region_id, claimant[, claim_type]); a gold {region,
  claimant} pairs with a merged row (a row with k claim types with up to k gold entries, as the
  gold lists one entry per claim type; for precision it is one hit) when the region regex matches
  its region columns and the claimant regex matches `claimant` or any `stated_by` (gold allows the
  speaker), read as the actor's id, display name or any gazetteer name (aliases, references,
  capitals: "moscow" names the side `russia`). One-to-one, scored on region + claimant and
  separately with claim_type too. Hierarchy-only rows (as for regions) and generic references (no
  named place; the gold annotates named regions only) are not counted as false positives.
- quantities: a gold {value, unit} pairs with a row whose `value` or `original_value` equals the
  gold value (relative tolerance 0.5%) and whose `unit`, `original_unit` or `text` matches the
  unit regex; one-to-one; the gold region is not required. Precision counts every row (the gold
  leaves out money, casualties and dates, so it is indicative only).
- stances: the article's stance rows go through `newslens.stance_matrix`; a gold {actor, issue,
  stance} is right when a cell of that issue whose speaker matches the actor regex has the gold
  label (first word of the cell label: "supports (conditional)" counts as supports). The speaker
  is read as its id, display name or any gazetteer name, as for claimants (a cell `russia` is
  the gold actor "kremlin": the gazetteer makes the Kremlin a reference to Russia, so the
  Kremlin's statements are Russia's). The same share on the corpus-wide matrix is printed for
  information.
- unknown entities: when `newslens.unknown_entities` gives a category column, the top 20 people
  and organisations must hold no place (a gold region, or a name in PLACE_NAMES).

Columns that do not exist yet are skipped and the output says what was not scored. The last
lines are the TARGETS block (one line per table with its figures and counts, `met` / `NOT met`,
then the number met); `--details` lists every miss and false positive (sentence snippets) by
category, and `--json OUT` writes all figures, misses and false positives.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

# (table, metric, comparison, threshold): the targets of issues 10 and 11, declared once.
TARGETS = (
    ("statements", "precision", ">=", 0.92),
    ("statements", "recall", ">=", 0.88),
    ("actors", "recall", ">=", 0.97),
    ("content", "violations", "==", 0),
    ("regions", "recall", ">=", 0.95),
    ("claims", "recall", ">=", 0.90),
    ("claims", "precision", ">=", 0.85),
    ("quantities", "recall", ">=", 0.90),
    ("stances", "right", ">=", 0.85),
    ("unknown_entities", "places_in_top", "==", 0),
)
UNKNOWN_TOP = 20
# Well-known places that must never be proposed as people or organisations (plus gold regions).
PLACE_NAMES = (
    "Geneva", "Florida", "Alaska", "Anchorage", "Abu Dhabi", "Istanbul", "Riyadh", "Jeddah",
    "Miami", "Davos", "Minsk", "Budapest", "Paris", "London", "Berlin", "Brussels", "Crimea",
    "Donbas", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia", "Pokrovsk", "Kharkiv", "Odesa",
)
LABEL_FORMS = re.compile(r"headline|label|colon|dash", re.IGNORECASE)
SPEAKER_COLUMNS = ("speaker", "speaker_text", "speaker_name")
CUE_COLUMNS = ("cue", "cue_lemma")
# Content that is only a date/time expression: time nouns and adverbs, their modifiers, and
# prepositions/articles ("Monday", "on Tuesday evening", "this week", a bare "on").
_TIME_NOUNS = frozenset((
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "tonight", "yesterday", "tomorrow", "morning", "afternoon", "evening", "night", "day", "days",
    "week", "weeks", "weekend", "month", "months", "year", "years", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "now", "recently", "earlier", "later", "ago"
))
_TIME_MODIFIERS = frozenset((
    "this", "that", "last", "next", "early", "late", "mid", "past", "same", "previous", "local",
    "gmt", "utc", "am", "pm", "st", "nd", "rd", "th"
))
_FUNCTION_WORDS = frozenset((
    "on", "in", "at", "of", "the", "a", "an", "during", "since", "before", "after", "by"
))
_WORD = re.compile(r"[a-z]+|\d+")
_ALTERNATIVE_SEP = re.compile(r"\\.|[()\[\]|]")


# ---------------------------------------------------------------- scores and matching
@dataclass
class Score:
    """Matched counts on each side: precision = hit_pred / n_pred, recall = hit_gold / n_gold."""

    hit_pred: int = 0
    n_pred: int = 0
    hit_gold: int = 0
    n_gold: int = 0

    def add(self, other: Score) -> None:
        self.hit_pred += other.hit_pred
        self.n_pred += other.n_pred
        self.hit_gold += other.hit_gold
        self.n_gold += other.n_gold

    @property
    def precision(self) -> float | None:
        return self.hit_pred / self.n_pred if self.n_pred else None

    @property
    def recall(self) -> float | None:
        return self.hit_gold / self.n_gold if self.n_gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def text(self, parts: str = "PRF") -> str:
        out = []
        if "P" in parts:
            out.append(f"P {_fmt(self.precision)} ({self.hit_pred}/{self.n_pred})")
        if "R" in parts:
            out.append(f"R {_fmt(self.recall)} ({self.hit_gold}/{self.n_gold})")
        if "F" in parts:
            out.append(f"F1 {_fmt(self.f1)}")
        return "  ".join(out)

    def as_dict(self) -> dict:
        return {"hit_pred": self.hit_pred, "n_pred": self.n_pred, "hit_gold": self.hit_gold,
                "n_gold": self.n_gold, "precision": self.precision, "recall": self.recall,
                "f1": self.f1}


@dataclass
class Result:
    """One table's figures: main score, breakdowns, misses / false positives, what was skipped."""

    name: str
    score: Score | None = None
    breakdowns: dict[str, dict[str, Score]] = field(default_factory=dict)
    misses: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    value: float | None = None  # a single figure (content violations, stance share right)


def _fmt(x: float | None) -> str:
    return "n/a " if x is None else f"{x:.2f}"


def max_matching(adjacency: list[list[int]]) -> dict[int, int]:
    """Maximum bipartite matching (augmenting paths): {left index: right index}.

    `adjacency[i]` lists the right nodes left node i may pair with, in order of preference.
    """
    owner: dict[int, int] = {}

    def augment(left: int, seen: set[int]) -> bool:
        for right in adjacency[left]:
            if right in seen:
                continue
            seen.add(right)
            if right not in owner or augment(owner[right], seen):
                owner[right] = left
                return True
        return False

    for left in range(len(adjacency)):
        augment(left, set())
    return {left: right for right, left in owner.items()}


@cache
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def _present(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def matches(pattern: str, values) -> bool:
    """Does the gold regex match (re.search, any case) one of these non-empty strings?"""
    rx = _rx(pattern)
    return any(_present(v) and rx.search(v) for v in values)


def id_texts(value, names: dict | None = None) -> list[str]:
    """An id as text: itself, with _ - : read as spaces, and its display name when known."""
    if not _present(value):
        return []
    out = [value, re.sub(r"[_:\-]+", " ", value)]
    known = names.get(value) if names else None
    if isinstance(known, (list, tuple)):
        out.extend(str(k) for k in known)
    elif _present(known):
        out.append(known)
    return out


def split_alternatives(pattern: str) -> list[str]:
    """Top-level alternatives of a regex ("source|" -> ["source", ""])."""
    parts, depth, start = [], 0, 0
    for m in _ALTERNATIVE_SEP.finditer(pattern):
        tok = m.group()
        if tok in "([":
            depth += 1
        elif tok in ")]":
            depth -= 1
        elif tok == "|" and depth == 0:
            parts.append(pattern[start:m.start()])
            start = m.end()
    parts.append(pattern[start:])
    return parts


def _words(text) -> set[str]:
    return {w for w in _WORD.findall(str(text).lower()) if len(w) > 2} if _present(text) else set()


def _snippet(text, width: int = 100) -> str:
    text = " ".join(str(text).split()) if _present(text) else ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _records(df: pd.DataFrame | None) -> dict[str, list[dict]]:
    """Rows as dicts grouped by article_id (NaN -> None)."""
    if df is None or len(df) == 0 or "article_id" not in df.columns:
        return {}
    out: dict[str, list[dict]] = defaultdict(list)
    for row in df.astype(object).where(df.notna(), None).to_dict("records"):
        out[row["article_id"]].append(row)
    return out


def _missing(df: pd.DataFrame | None, columns) -> list[str]:
    if df is None:
        return list(columns)
    return [c for c in columns if c not in df.columns]


# ---------------------------------------------------------------- gold and articles
class GoldError(ValueError):
    """The gold file is malformed; the message names the file, the entry and the problem."""


def load_gold(path: str | Path) -> list[dict]:
    """The gold entries, every regex compiled (clear error naming the file and entry)."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise GoldError(f"{path}: cannot read gold file ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("articles"), list):
        raise GoldError(f"{path}: expected a mapping with a list under 'articles'")
    for n, entry in enumerate(doc["articles"], 1):
        where = f"{path}: articles[{n}]"
        if not isinstance(entry, dict) or not _present(entry.get("url")):
            raise GoldError(f"{where}: an entry needs a 'url'")
        _check_entry(entry, f"{where} ({entry['url']})")
    return doc["articles"]


_REGEX_FIELDS = {"actors": None, "regions": None, "speakers_unlinked_ok": None,
                 "statements": ("speaker", "cue"), "claims": ("region", "claimant"),
                 "quantities": ("unit",), "stances": ("actor",)}


def _check_entry(entry: dict, where: str) -> None:
    for key, fields in _REGEX_FIELDS.items():
        items = entry.get(key) or []
        if not isinstance(items, list):
            raise GoldError(f"{where}: '{key}' must be a list")
        for item in items:
            if fields is None:
                patterns = [item]
            elif isinstance(item, dict):
                patterns = [item.get(f, "") for f in fields]
            else:
                raise GoldError(f"{where}: '{key}' items must be mappings, got {item!r}")
            for p in patterns:
                try:
                    _rx(str(p if p is not None else ""))
                except re.error as exc:
                    raise GoldError(f"{where}: bad regex {p!r} in '{key}': {exc}") from None
        if key == "quantities":
            for q in items:
                try:
                    float(q["value"])
                except (KeyError, TypeError, ValueError):
                    raise GoldError(f"{where}: quantity without a numeric value: {q!r}") from None


def _norm_url(url) -> str:
    return str(url).strip().rstrip("/") if _present(url) else ""


def pair_articles(articles: pd.DataFrame, entries: list[dict]) -> tuple[dict, list[str], list]:
    """({article_id: gold entry}, gold urls with no article, article ids with no gold entry)."""
    by_url = {}
    for aid, url in zip(articles["article_id"], articles.get("url", pd.Series(dtype=object))):
        by_url.setdefault(_norm_url(url), aid)
    gold, unmatched = {}, []
    for entry in entries:
        aid = by_url.get(_norm_url(entry["url"]))
        if aid is None:
            unmatched.append(entry["url"])
        else:
            gold[aid] = entry
    ungraded = [a for a in articles["article_id"] if a not in gold]
    return gold, unmatched, ungraded


def gazetteer_names(names: dict[str, str]) -> dict[str, list[str]]:
    """actor_id -> every name the gazetteer gives the actor (name, aliases, references such as
    "Kremlin", capitals such as "Moscow"), so a claimant regex written as "moscow" finds the
    claimant `russia`: the claimant is a side, named in the gold by any of its names."""
    from newslens.text.actors import load_actors

    out = {k: [v] for k, v in names.items()}
    for row in load_actors().itertuples(index=False):
        out.setdefault(row.id, [row.name])
        out[row.id] += [*row.aliases, *row.references, *row.capitals]
    return out


def actor_names(mentions: pd.DataFrame | None) -> dict[str, str]:
    """actor_id -> display name, from the mention table."""
    if mentions is None or not {"actor_id", "actor"} <= set(mentions.columns):
        return {}
    pairs = mentions[["actor_id", "actor"]].dropna().drop_duplicates("actor_id")
    return dict(zip(pairs["actor_id"], pairs["actor"]))


# ---------------------------------------------------------------- actors and regions
def _set_recall(name, patterns_by_article, pred_by_article, count_pred=None) -> Result:
    """Recall of gold regexes against per-article {key: [texts]} predictions; precision over keys.

    `count_pred(article, key)` says whether an unmatched predicted key counts as a false positive.
    """
    res = Result(name, Score())
    for aid, patterns in patterns_by_article.items():
        preds = pred_by_article.get(aid, {})
        for p in patterns:
            hit = any(matches(p, texts) for texts in preds.values())
            res.score.hit_gold += hit
            res.score.n_gold += 1
            if not hit:
                res.misses.append({"article_id": aid, "category": "missed", "gold": p})
        for key, texts in preds.items():
            hit = any(matches(p, texts) for p in patterns)
            if not hit and count_pred is not None and not count_pred(aid, key):
                continue
            res.score.hit_pred += hit
            res.score.n_pred += 1
            if not hit:
                res.false_positives.append({"article_id": aid, "category": "extra",
                                            "predicted": key,
                                            "texts": sorted({t for t in texts if _present(t)})})
    return res


def score_actors(mentions: pd.DataFrame | None, gold: dict[str, dict]) -> Result:
    """Gold actor regexes vs the article's mention rows (actor_id, actor, text)."""
    lacking = _missing(mentions, ["article_id", "actor_id"])
    if lacking:
        return Result("actors", notes=[f"not scored: mention table lacks {lacking}"])
    preds: dict[str, dict[str, list[str]]] = {}
    for aid, rows in _records(mentions).items():
        per: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            per[r["actor_id"]] += id_texts(r["actor_id"]) + [r.get("actor"), r.get("text")]
        preds[aid] = per
    patterns = {aid: [str(p) for p in e.get("actors") or []] for aid, e in gold.items()}
    res = _set_recall("actors", patterns, preds)
    if "actor" in mentions.columns:
        strict = _column_recall(mentions, "actor_id", "actor", patterns)
        res.notes.append(f"on the `actor` column alone: {strict}")
    return res


def _column_recall(table: pd.DataFrame, key: str, column: str, patterns: dict) -> str:
    """Recall when only one column is matched (the stricter rule of the first measurements)."""
    preds = {aid: {r[key]: [r.get(column)] for r in rows}
             for aid, rows in _records(table).items()}
    return _set_recall(column, patterns, preds).score.text("R")


def _region_texts(row: dict) -> list[str]:
    """A region row's id, name and text (a hierarchy row's text is its macro region's)."""
    texts = id_texts(row.get("region_id")) + [row.get("region")]
    if row.get("via") != "hierarchy":
        texts += [row.get("region_text"), row.get("text")]
    return texts


def score_regions(claims: pd.DataFrame | None, gold: dict[str, dict],
                  region_mentions: pd.DataFrame | None = None) -> Result:
    """Gold region regexes vs region rows (region_mentions table if given, else claims)."""
    table = region_mentions if region_mentions is not None else claims
    source = "region_mentions" if region_mentions is not None else "claims"
    lacking = _missing(table, ["article_id", "region_id"])
    if lacking:
        return Result("regions", notes=[f"not scored: {source} table lacks {lacking}"])
    preds: dict[str, dict[str, list[str]]] = {}
    direct: set[tuple] = set()
    for aid, rows in _records(table).items():
        per: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            per[r["region_id"]] += _region_texts(r)
            if r.get("via") != "hierarchy":
                direct.add((aid, r["region_id"]))
        preds[aid] = per
    patterns = {aid: [str(p) for p in e.get("regions") or []] for aid, e in gold.items()}
    res = _set_recall("regions", patterns, preds, lambda aid, key: (aid, key) in direct)
    res.notes.append(f"region rows from the {source} table; on the `region` column alone: "
                     f"{_column_recall(table, 'region_id', 'region', patterns)}")
    if region_mentions is not None and not _missing(claims, ["article_id", "region_id"]):
        in_claims = score_regions(claims, gold).score
        res.notes.append(f"regions that carry a claim (claims table): {in_claims.text()}")
    return res


# ---------------------------------------------------------------- statements
def gold_cue_type(cue: str) -> str:
    """label (""/"x|"), according (according/citing/quoted), participial (-ing), verb."""
    alts = split_alternatives(str(cue or ""))
    if "" in alts:
        return "label"
    if any(re.search(r"accord|cit|quot", a, re.IGNORECASE) for a in alts):
        return "according"
    if alts[0].lower().endswith("ing"):
        return "participial"
    return "verb"


def _truthy(value) -> bool:
    return value is True or str(value).strip().lower() in {"true", "1", "yes"}


def _pred_statements(rows, sentence_text, names, has_linked) -> tuple[list[dict], int]:
    """Predicted statement rows of one article, de-duplicated on (speaker, cue, sentence text)."""
    out, seen, dropped = [], set(), 0
    for r in rows:
        sent = sentence_text.get((r["article_id"], r.get("sentence")), r.get("content") or "")
        key = (str(r.get("speaker") or r.get("speaker_text") or "").lower(),
               str(r.get("cue") or "").strip().lower(), " ".join(str(sent).split()).lower())
        if key in seen:
            dropped += 1
            continue
        seen.add(key)
        linked = _truthy(r.get("linked")) if has_linked and r.get("linked") is not None else True
        speakers = [r.get(c) for c in SPEAKER_COLUMNS if c != "speaker"] + \
            id_texts(r.get("speaker"), names if linked else None)
        out.append({"row": r, "sentence": sent, "linked": linked, "speakers": speakers,
                    "cues": [r.get(c) for c in CUE_COLUMNS], "words": _words(r.get("content"))})
    return out, dropped


def _cue_ok(cue_pattern: str, pred: dict) -> bool:
    alts = split_alternatives(cue_pattern)
    if any(a and matches(a, pred["cues"]) for a in alts):
        return True
    if "" in alts:
        form = pred["row"].get("form")
        return (_present(form) and bool(LABEL_FORMS.search(form))) or \
            not any(_present(c) for c in pred["cues"])
    return False


def _unlinked_ok(speaker_pattern: str, ok_patterns: list[str], pred: dict) -> bool:
    """May this unlinked predicted row stand for the gold speaker (speakers_unlinked_ok)?"""
    return any(p == speaker_pattern or matches(p, [speaker_pattern]) or matches(p, pred["speakers"])
               for p in ok_patterns)


def statement_edges(golds: list[dict], preds: list[dict],
                    ok_patterns: list[str]) -> list[list[int]]:
    """For each gold statement, the predicted rows it may pair with (best content overlap first)."""
    adjacency = []
    for g in golds:
        speaker, cue = str(g.get("speaker") or ""), str(g.get("cue") or "")
        gw = _words(g.get("content"))
        cands = [j for j, p in enumerate(preds)
                 if matches(speaker, p["speakers"]) and _cue_ok(cue, p)
                 and (p["linked"] or _unlinked_ok(speaker, ok_patterns, p))]
        cands.sort(key=lambda j: (-len(gw & preds[j]["words"]), j))
        adjacency.append(cands)
    return adjacency


def _bump(breakdown: dict, title: str, key, gold_side: bool, hit: bool) -> None:
    score = breakdown.setdefault(title, {}).setdefault(str(key), Score())
    if gold_side:
        score.n_gold += 1
        score.hit_gold += hit
    else:
        score.n_pred += 1
        score.hit_pred += hit


def score_statements(pred: pd.DataFrame | None, gold: dict[str, dict],
                     sentences: pd.DataFrame | None = None, names: dict | None = None) -> Result:
    """One-to-one matching of gold {speaker, cue} to predicted statement rows (module docstring)."""
    lacking = _missing(pred, ["article_id", "speaker", "cue"])
    if lacking:
        return Result("statements", notes=[f"not scored: statement table lacks {lacking}"])
    res = Result("statements", Score())
    sentence_text = {}
    if sentences is not None and not _missing(sentences, ["article_id", "sentence", "text"]):
        sentence_text = dict(zip(zip(sentences["article_id"], sentences["sentence"]),
                                 sentences["text"]))
    has = {c: c in pred.columns for c in ("form", "speaker_kind", "linked")}
    rows_by_article, dropped = _records(pred), 0
    for aid, entry in gold.items():
        golds = entry.get("statements") or []
        ok = [str(p) for p in entry.get("speakers_unlinked_ok") or []]
        preds, n_dup = _pred_statements(rows_by_article.get(aid, []), sentence_text, names,
                                        has["linked"])
        dropped += n_dup
        pairs = max_matching(statement_edges(golds, preds, ok))
        _tally_statements(res, aid, golds, preds, pairs, ok, has)
    res.notes.append(f"{dropped} duplicate (speaker, cue, sentence) rows counted once")
    for col in ("form", "speaker_kind", "linked"):
        if not has[col]:
            res.notes.append(f"no `{col}` column: not broken down / not checked by it")
    return res


def _tally_statements(res, aid, golds, preds, pairs, ok, has) -> None:
    matched = set(pairs.values())
    res.score.add(Score(len(pairs), len(preds), len(pairs), len(golds)))
    for i, g in enumerate(golds):
        hit = i in pairs
        kind = gold_cue_type(g.get("cue"))
        unlinked = any(p == g.get("speaker") or matches(p, [str(g.get("speaker"))]) for p in ok)
        _bump(res.breakdowns, "recall by gold cue type", kind, True, hit)
        _bump(res.breakdowns, "recall by gold speaker", "unlinked ok" if unlinked else "gazetteer",
              True, hit)
        if not hit:
            res.misses.append({"article_id": aid, "category": kind, "speaker": g.get("speaker"),
                               "cue": g.get("cue"), "content": g.get("content")})
    for j, p in enumerate(preds):
        row, hit = p["row"], j in matched
        for col in ("form", "speaker_kind"):
            if has[col]:
                _bump(res.breakdowns, f"precision by {col}", row.get(col), False, hit)
        if not hit:
            res.false_positives.append({
                "article_id": aid, "category": row.get("form") or "?",
                "speaker": row.get("speaker"), "speaker_text": row.get("speaker_text"),
                "cue": row.get("cue"), "linked": p["linked"], "sentence": _snippet(p["sentence"])})


def content_problem(content) -> str | None:
    """'empty' / 'date or time only' when a statement's content is not a reported clause.

    A lone pronoun ("denied this") is not flagged; a lone preposition ("on") is.
    """
    words = _WORD.findall(str(content).lower()) if _present(content) else []
    if not words or all(w in _FUNCTION_WORDS for w in words):
        return "empty"
    timeish = _TIME_NOUNS | _TIME_MODIFIERS | _FUNCTION_WORDS
    if all(w in timeish or w.isdigit() for w in words) and \
            any(w in _TIME_NOUNS or w.isdigit() for w in words):
        return "date or time only"
    return None


def content_violations(pred: pd.DataFrame | None) -> Result:
    """Statement rows whose content is empty or only a date/time expression."""
    res = Result("content")
    if _missing(pred, ["article_id", "content"]):
        res.notes.append("not scored: statement table lacks a content column")
        return res
    for aid, rows in _records(pred).items():
        for r in rows:
            problem = content_problem(r.get("content"))
            if problem:
                res.false_positives.append({"article_id": aid, "category": problem,
                                            "speaker": r.get("speaker"), "cue": r.get("cue"),
                                            "content": r.get("content")})
    res.value = len(res.false_positives)
    return res


# ---------------------------------------------------------------- claims and quantities
def _claim_units(rows, names, with_type: bool) -> list[dict]:
    """Predicted claim rows merged per (region_id, claimant[, claim_type])."""
    units: dict[tuple, dict] = {}
    for r in rows:
        key = (r.get("region_id"), r.get("claimant"))
        key += (r.get("claim_type"),) if with_type else ()
        u = units.setdefault(key, {"key": key, "regions": [], "claimants": [], "direct": False,
                                   "stated_by": set(), "types": set(),
                                   "evidence": r.get("evidence")})
        u["regions"] += _region_texts(r)
        u["claimants"] += id_texts(r.get("claimant"), names) + id_texts(r.get("stated_by"), names)
        u["direct"] |= r.get("via") != "hierarchy" and not _is_generic(r.get("region_id"))
        if _present(r.get("stated_by")):
            u["stated_by"].add(r["stated_by"])
        if _present(r.get("claim_type")):
            u["types"].add(r["claim_type"])
    return list(units.values())


def _is_generic(region_id) -> bool:
    """A generic reference ("occupied territories", "20% of Ukraine's territory") names no place:
    the gold annotates named regions only, so such rows are scored when matched, never as false
    positives (they are listed in the claims table all the same)."""
    return isinstance(region_id, str) and region_id.startswith("generic:")


def score_claims(claims: pd.DataFrame | None, gold: dict[str, dict], names: dict | None = None,
                 with_type: bool = False) -> Result:
    """Gold {region, claimant[, claim_type]} vs merged claim rows, one-to-one per article."""
    name = "claims+type" if with_type else "claims"
    need = ["article_id", "region_id", "claimant"] + (["claim_type"] if with_type else [])
    lacking = _missing(claims, need)
    if lacking:
        return Result(name, notes=[f"not scored: claims table lacks {lacking}"])
    res, rows_by_article = Result(name, Score()), _records(claims)
    for aid, entry in gold.items():
        golds = entry.get("claims") or []
        units = _claim_units(rows_by_article.get(aid, []), names, with_type)
        # A merged row with k claim types pairs with up to k gold entries: the gold lists one
        # entry per claim type for a region and side ("annexed" and "controls" Luhansk).
        # first slots first: a gold entry takes another row's first slot before a second one
        slots = [j for k in range(max([len(u["types"]) for u in units] + [1]))
                 for j, u in enumerate(units) if k < max(1, len(u["types"]))]
        adjacency = [[k for k, j in enumerate(slots)
                      if matches(str(g.get("region")), units[j]["regions"])
                      and matches(str(g.get("claimant")), units[j]["claimants"])
                      and (not with_type or units[j]["key"][2] == g.get("claim_type"))]
                     for g in golds]
        pairs = {i: slots[k] for i, k in max_matching(adjacency).items()}
        matched = set(pairs.values())
        counted = [j for j, u in enumerate(units) if j in matched or u["direct"]]
        # precision counts merged rows (a row matched by several gold entries is one hit)
        res.score.add(Score(len(matched), len(counted), len(pairs), len(golds)))
        for i, g in enumerate(golds):
            _bump(res.breakdowns, "recall by gold claim_type", g.get("claim_type"), True,
                  i in pairs)
            if i not in pairs:
                res.misses.append({"article_id": aid, "category": g.get("claim_type"), **g})
        for j in counted:
            u = units[j]
            kind = "/".join(sorted(u["types"])) or "?"
            if j not in matched:
                res.false_positives.append({
                    "article_id": aid, "category": kind, "region": u["key"][0],
                    "claimant": u["key"][1], "stated_by": sorted(u["stated_by"]),
                    "sentence": _snippet(u["evidence"])})
    res.notes.append("rows merged per (region_id, claimant%s); hierarchy-only and generic-"
                     "reference rows not counted as false positives"
                     % (", claim_type" if with_type else ""))
    return res


def _same_value(gold_value: float, values) -> bool:
    for v in values:
        try:
            v = float(v)
        except (TypeError, ValueError):
            continue
        if abs(v - gold_value) <= 1e-9 + 0.005 * abs(gold_value):
            return True
    return False


def score_quantities(quantities: pd.DataFrame | None, gold: dict[str, dict]) -> Result:
    """Gold {value, unit} vs quantity rows (value or original_value; unit, original_unit, text)."""
    lacking = _missing(quantities, ["article_id", "value", "unit"])
    if lacking:
        return Result("quantities", notes=[f"not scored: quantities table lacks {lacking}"])
    res, rows_by_article = Result("quantities", Score()), _records(quantities)
    for aid, entry in gold.items():
        golds, rows = entry.get("quantities") or [], rows_by_article.get(aid, [])
        adjacency = [[j for j, r in enumerate(rows)
                      if _same_value(float(g["value"]), [r.get("value"), r.get("original_value")])
                      and matches(str(g.get("unit") or ""),
                                  [r.get("unit"), r.get("original_unit"), r.get("text")])]
                     for g in golds]
        pairs = max_matching(adjacency)
        matched = set(pairs.values())
        res.score.add(Score(len(pairs), len(rows), len(pairs), len(golds)))
        for i, g in enumerate(golds):
            if i not in pairs:
                res.misses.append({"article_id": aid, "category": g.get("unit"), **g})
        for j, r in enumerate(rows):
            _bump(res.breakdowns, "precision by kind", r.get("kind"), False, j in matched)
            if j not in matched:
                res.false_positives.append({"article_id": aid, "category": r.get("kind") or "?",
                                            "text": r.get("text"), "value": r.get("value"),
                                            "unit": r.get("unit")})
    res.notes.append("precision counts every row: the gold leaves out money, casualties, dates")
    return res


# ---------------------------------------------------------------- stances and unknown entities
def stance_label(label) -> str:
    """The stance word of a matrix cell label ("supports (conditional)" -> "supports")."""
    return str(label).split()[0].lower() if _present(label) else ""


def _stance_outcome(g: dict, cells: list[dict], names) -> str:
    """'right', 'wrong' or 'no cell' for one gold stance against matrix cells."""
    found = [c for c in cells if c.get("issue") == g.get("issue")
             and matches(str(g.get("actor")), id_texts(c.get("speaker"), names))]
    if not found:
        return "no cell"
    return "right" if any(stance_label(c.get("stance")) == g.get("stance") for c in found) \
        else "wrong"


def score_stances(stances: pd.DataFrame | None, gold: dict[str, dict], names: dict | None = None,
                  matrix_fn=None, corpus_matrix: pd.DataFrame | None = None) -> Result:
    """Share of gold stances right in the article's own actor x issue matrix."""
    lacking = _missing(stances, ["article_id", "speaker", "issue", "stance"])
    if lacking or matrix_fn is None:
        return Result("stances", notes=[f"not scored: stances table lacks {lacking}"
                                        if lacking else "not scored: no stance_matrix function"])
    res, corpus = Result("stances", Score()), Score()
    corpus_cells = [] if corpus_matrix is None else corpus_matrix.to_dict("records")
    for aid, entry in gold.items():
        golds = entry.get("stances") or []
        if not golds:
            continue
        cells = matrix_fn(stances[stances["article_id"] == aid]).to_dict("records")
        for g in golds:
            outcome = _stance_outcome(g, cells, names)
            res.score.add(Score(0, 0, outcome == "right", 1))
            _bump(res.breakdowns, "share right by issue", g.get("issue"), True, outcome == "right")
            if outcome != "right":
                got = sorted({f"{c['speaker']}: {c['stance']}" for c in cells
                              if c.get("issue") == g.get("issue")})
                res.misses.append({"article_id": aid, "category": outcome, **g, "cells": got})
            corpus.add(Score(0, 0, _stance_outcome(g, corpus_cells, names) == "right", 1))
    res.value = res.score.recall
    if corpus_cells:
        res.notes.append(f"on the corpus-wide matrix instead: {corpus.text('R')}")
    return res


def _is_place(entity: str, region_patterns: list[str]) -> bool:
    """A listed place or a gold region, allowing "the" and an Oblast/Region/City suffix."""
    name = re.sub(r"^the\s+", "", entity.strip(), flags=re.IGNORECASE)
    name = re.sub(r"\s+(?:oblast|region|province|district|city|krai)$", "", name,
                  flags=re.IGNORECASE)
    if name.lower() in {p.lower() for p in PLACE_NAMES}:
        return True
    return any(re.fullmatch(rf"(?:{p})\w*", name, re.IGNORECASE) for p in region_patterns)


def check_unknown_entities(unknown: pd.DataFrame | None, gold: dict[str, dict]) -> Result:
    """No place among the top people/organisations of the unknown-entity table."""
    res = Result("unknown_entities")
    col = next((c for c in ("category", "kind", "type") if unknown is not None
                and c in unknown.columns), None)
    if col is None or "entity" not in unknown.columns:
        res.notes.append("not available: unknown_entities has no category column")
        return res
    regions = sorted({str(p) for e in gold.values() for p in e.get("regions") or []})
    people = unknown[unknown[col].astype(str).str.match(r"(?i)pe(?:rson|ople)|org")]
    if "count" in people.columns:
        people = people.sort_values(["count", "entity"], ascending=[False, True], kind="stable")
    top = people.head(UNKNOWN_TOP)
    for entity, category in zip(top["entity"], top[col]):
        if _is_place(str(entity), regions):
            res.false_positives.append({"article_id": "*", "category": category,
                                        "entity": entity})
    res.value = len(res.false_positives)
    res.notes.append(f"{len(top)} top people/organisations checked")
    return res


# ---------------------------------------------------------------- running and reporting
def analyse(corpus: str) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Load and analyse the corpus (no cache); the load report goes to stderr."""
    import newslens

    try:
        articles = newslens.load_corpus(corpus)
    except (newslens.CorpusError, OSError) as exc:
        raise SystemExit(f"{corpus}: {exc}") from None
    report = newslens.load_report(articles)
    for path, problem, action in report.itertuples(index=False):
        print(f"load report: {path}: {problem} ({action})", file=sys.stderr)
    return articles, newslens.analyze(articles, cache=False, progress=False)


def _unknown(articles, tables) -> pd.DataFrame | None:
    import newslens

    fn = getattr(newslens, "unknown_entities", None)
    return None if fn is None else fn(articles, tables.get("sentences"), tables.get("mentions"))


def score_all(articles: pd.DataFrame, tables: dict[str, pd.DataFrame],
              gold: dict[str, dict]) -> dict[str, Result]:
    """Every table's Result, keyed by the names used in TARGETS."""
    import newslens

    names = actor_names(tables.get("mentions"))
    return {
        "statements": score_statements(tables.get("statements"), gold, tables.get("sentences"),
                                       names),
        "content": content_violations(tables.get("statements")),
        "actors": score_actors(tables.get("mentions"), gold),
        "regions": score_regions(tables.get("claims"), gold, tables.get("region_mentions")),
        "claims": score_claims(tables.get("claims"), gold, gazetteer_names(names)),
        "claims+type": score_claims(tables.get("claims"), gold, gazetteer_names(names),
                                    with_type=True),
        "quantities": score_quantities(tables.get("quantities"), gold),
        "stances": score_stances(tables.get("stances"), gold, gazetteer_names(names),
                                 getattr(newslens, "stance_matrix", None),
                                 tables.get("stance_matrix")),
        "unknown_entities": check_unknown_entities(_unknown(articles, tables), gold),
    }


def metric(results: dict[str, Result], table: str, name: str) -> float | None:
    res = results.get(table)
    if res is None:
        return None
    if res.score is not None and name in ("precision", "recall"):
        return getattr(res.score, name)
    return res.value


def _figure(results: dict[str, Result], table: str, name: str) -> str:
    """A target's figure as printed: "0.86 (138/161)", "2", or "n/a"."""
    value = metric(results, table, name)
    if value is None:
        return "n/a"
    if not isinstance(value, float):
        return str(value)
    score = results[table].score
    counts = {"precision": (score.hit_pred, score.n_pred)}.get(
        name, (score.hit_gold, score.n_gold)) if score is not None else None
    return f"{value:.2f}" + (f" ({counts[0]}/{counts[1]})" if counts else "")


def target_lines(results: dict[str, Result]) -> list[str]:
    """One line per table: each target's figure against its threshold, then met / NOT met."""
    ops = {">=": lambda a, b: a >= b, "==": lambda a, b: a == b}
    short = {"precision": "P", "recall": "R", "right": "right", "violations": "violations",
             "places_in_top": f"places in top {UNKNOWN_TOP}"}
    grouped: dict[str, list[tuple]] = {}
    for table, name, op, threshold in TARGETS:
        grouped.setdefault(table, []).append((name, op, threshold, metric(results, table, name)))
    lines, met, scorable = [], 0, 0
    for table, items in grouped.items():
        parts = [f"{short[n]} {_figure(results, table, n)} {op} {t}" for n, op, t, _ in items]
        if any(v is None for *_, v in items):
            verdict = "n/a (not scored)"
        else:
            scorable += 1
            ok = all(ops[op](v, t) for _, op, t, v in items)
            met += ok
            verdict = "met" if ok else "NOT met"
        lines.append(f"{table:<17}{',  '.join(parts):<52} {verdict}")
    lines.append(f"targets met: {met}/{len(grouped)} ({len(grouped) - scorable} not scorable)")
    return lines


def _summary_line(res: Result) -> str:
    if res.score is not None and res.name != "stances":
        return f"{res.name:<12} {res.score.text()}"
    if res.name == "stances" and res.score is not None:
        return f"{res.name:<12} right {_fmt(res.score.recall)} ({res.score.hit_gold}/" \
               f"{res.score.n_gold})"
    if res.value is not None:
        return f"{res.name:<12} {res.value} violations"
    return f"{res.name:<12} not scored"


def _counts(items: list[dict], key: str, top: int = 12) -> str:
    c = Counter(str(i.get(key)) for i in items)
    return ", ".join(f"{k} {n}" for k, n in c.most_common(top)) or "none"


def _item_text(item: dict) -> str:
    skip = {"article_id", "category"}
    return "  ".join(f"{k}={_snippet(v) if isinstance(v, str) else v}" for k, v in item.items()
                     if k not in skip and v not in (None, "", []))


def _details(title: str, items: list[dict]) -> list[str]:
    """Items grouped by category, then article."""
    lines = []
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        by_cat[str(item.get("category"))].append(item)
    for cat in sorted(by_cat):
        lines.append(f"  {title} [{cat}] ({len(by_cat[cat])})")
        for item in sorted(by_cat[cat], key=lambda i: str(i["article_id"])):
            lines.append(f"    {item['article_id']}: {_item_text(item)}")
    return lines


def report_lines(res: Result, details: bool) -> list[str]:
    lines = [_summary_line(res)]
    for title, scores in res.breakdowns.items():
        parts = "P" if title.startswith("precision") else "R"
        lines.append(f"  {title}:")
        for key in sorted(scores, key=lambda k: (-(scores[k].n_pred + scores[k].n_gold), k)):
            lines.append(f"    {key:<20} {scores[key].text(parts)}")
    lines += [f"  note: {n}" for n in res.notes]
    if details:
        lines += _details("miss", res.misses) + _details("false positive", res.false_positives)
    else:
        if res.misses:
            lines.append(f"  misses ({len(res.misses)}) by category: "
                         f"{_counts(res.misses, 'category')}")
            gold_key = "gold" if "gold" in res.misses[0] else None
            if gold_key:
                lines.append(f"  most missed: {_counts(res.misses, gold_key, 10)}")
        if res.false_positives:
            lines.append(f"  false positives ({len(res.false_positives)}) by category: "
                         f"{_counts(res.false_positives, 'category')}")
    return lines


def to_json(results: dict[str, Result], extra: dict) -> dict:
    return {**extra, "tables": {
        name: {"score": r.score.as_dict() if r.score else None, "value": r.value,
               "breakdowns": {t: {k: s.as_dict() for k, s in b.items()}
                              for t, b in r.breakdowns.items()},
               "notes": r.notes, "misses": r.misses, "false_positives": r.false_positives}
        for name, r in results.items()}, "targets": target_lines(results)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="corpus folder or file (newslens.load_corpus)")
    ap.add_argument("gold", help="gold YAML file (devcorpus schema)")
    ap.add_argument("--details", action="store_true",
                    help="list every miss and false positive per article")
    ap.add_argument("--json", metavar="OUT", help="also write all figures to this JSON file")
    args = ap.parse_args(argv)
    try:
        entries = load_gold(args.gold)
    except GoldError as exc:
        raise SystemExit(str(exc)) from None
    t0 = time.perf_counter()
    articles, tables = analyse(args.corpus)
    seconds = time.perf_counter() - t0
    gold, unmatched, ungraded = pair_articles(articles, entries)
    results = score_all(articles, tables, gold)
    print(f"{len(articles)} articles, {len(entries)} gold entries, {len(gold)} paired; "
          f"analysed in {seconds:.1f} s")
    for url in unmatched:
        print(f"gold entry with no article: {url}")
    if ungraded:
        print(f"{len(ungraded)} articles without a gold entry (not scored)")
    for res in results.values():
        print("\n".join(report_lines(res, args.details)))
    if args.json:
        extra = {"articles": len(articles), "gold_entries": len(entries), "paired": len(gold),
                 "unmatched_gold": unmatched, "ungraded_articles": ungraded}
        Path(args.json).write_text(json.dumps(to_json(results, extra), indent=1, default=str),
                                   encoding="utf-8")
    print("\n== TARGETS ==")
    print("\n".join(target_lines(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
