"""Stances: which negotiation issues each attributed statement raises, and the speaker's stance.

- `stances(statements, sentences, mentions=...)`: one row per statement × issue (per article,
  pure). Issues come from data/issues.yml: terms in the statement itself (cue and content,
  `issue_source="statement"`) or, with weight 0.6, in its context (`"context"`: the main clause
  of a participial statement, the sentence that introduced a group holder); the narration
  around a statement is not read. `target` is who the stance is aimed at: the addressee ("urged
  Europe to ...") or the actor the content makes act or names ("Ukraine must ...").
- Stance labels per statement: supports, opposes, demands, skeptical, neutral. The first rule
  that fires decides (column `rule`), in this order:
  condition marker ("only if", "until" + a clause, "unless", "as the condition") -> demands
  ("until November 26", "until then" are time, not conditions: `temporal` markers);
  demand cue (demanded, called for, urged) -> demands;
  demand marker in the content ("demands", "need for", "must") -> demands;
  doubt cue or marker (doubt, question, sceptical) -> skeptical;
  negated acceptance in the content ("will not accept") -> opposes;
  negative cue (rejected, dismissed, criticised) -> opposes (negated: supports, weak);
  positive cue (welcomed, expressed optimism) -> supports (negated: opposes);
  dismissive marker ("laughable", "nonsense") -> opposes; supportive marker ("foundation",
  "progress") -> supports; a participial statement inherits its main clause's stance;
  content sentiment (TextBlob polarity >= 0.2 / <= -0.2) -> supports / opposes; else neutral.
  "only … if" split by up to six words counts as a condition. Emphatic cues add 0.1
  confidence. Headline statements weigh 0.8 (the outlet's paraphrase).
- `stance_matrix(stances)`: actor × issue with the majority stance (more than half of the
  non-neutral statements: "demands 6/8"), `mixed` when none has it ("3 supports / 3 opposes"),
  counts and the strongest evidence statement (`majority`).
- `pairwise(matrix)`: actors compared on issues by majority stance: agree / disagree / both
  against / differ / mixed / one neutral / one silent, with the statements behind each side.
- `by_source(stances, articles)`: the same actor × issue as reported by each source.
"""

from __future__ import annotations

import html
import re
from itertools import combinations
from itertools import pairwise as successive
from pathlib import Path

import pandas as pd

from newslens import compat, lexicon, schema
from newslens.io.syndication import story_rows
from newslens.lexicon import DataFileError, lexicon_regex

STANCES = ("supports", "opposes", "demands", "skeptical", "neutral")
MARKER_CLASSES = ("condition", "demand", "skeptical", "dismissive", "supportive", "negation",
                  "temporal")
SKEPTICAL_CUES = {"doubt", "question", "express doubt", "express scepticism", "cast doubt"}
STANCE_COLUMNS = schema.table("stances").names
MATRIX_COLUMNS = schema.table("stance_matrix").names
PAIR_COLUMNS = schema.table("stance_pairs").names
SOURCE_COLUMNS = schema.table("stance_sources").names
CONTEXT_WEIGHT = 0.6
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_ACCEPT = re.compile(
    r"(?<![\w’'])(?:not|never|n[’']t|no\s+longer|refuses?\s+to|refused\s+to|won[’']t)\s+"
    r"(?:\w+\s+){0,2}?(?:accept|agree|allow|recogni[sz]e|support|sign|tolerate|endorse|"
    r"back|consider|interested\s+in)\w*", re.IGNORECASE)
# "only … if/when/after" split by a few words ("will only cease hostilities if …").
_ONLY_IF = re.compile(r"(?<![\w’'])only\s+(?:[\w’'-]+\s+){1,6}?(?:if|when|after|once)(?![\w’'])",
                      re.IGNORECASE)
TITLE_WEIGHT = 0.8
# Families for pairwise comparison: labels in one family agree (both against: see pairwise).
FAMILY = {"supports": "for", "demands": "demands", "opposes": "against",
          "skeptical": "against", "neutral": "neutral"}


# ---------------------------------------------------------------- curated data
def _terms(value, path: Path, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(
        isinstance(t, str) and t.strip() for t in value
    ):
        raise DataFileError(path, "terms must be a non-empty list of strings", where)
    return [" ".join(t.split()) for t in value]


def _parse_issues(raw, path: Path) -> pd.DataFrame:
    if not isinstance(raw, dict) or not isinstance(raw.get("issues"), list) or not raw["issues"]:
        raise DataFileError(path, "expected a non-empty list under 'issues:'")
    rows, seen = [], set()
    for i, item in enumerate(raw["issues"]):
        where = f"issues[{i}]"
        if not isinstance(item, dict) or set(item) - {"id", "label", "terms"}:
            raise DataFileError(path, f"expected keys id, label, terms; got {item!r}", where)
        issue = item.get("id")
        if not isinstance(issue, str) or not _SLUG.fullmatch(issue):
            raise DataFileError(path, f"id must be a lowercase slug, got {issue!r}", where)
        if issue in seen:
            raise DataFileError(path, f"duplicate issue id {issue!r}", where)
        seen.add(issue)
        label = item.get("label") or issue
        rows.append({"id": issue, "label": str(label),
                     "terms": _terms(item.get("terms"), path, f"{where} ({issue})")})
    return pd.DataFrame(rows, columns=["id", "label", "terms"])


def load_issues(path: str | Path | None = None) -> pd.DataFrame:
    """The negotiation issues: DataFrame id, label, terms (list), in file order."""
    return lexicon.load(lexicon.resolve(path, "issues.yml"), _parse_issues).copy()


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


class _Lexicons:
    """Compiled issue and marker regexes: one alternation per lexicon."""

    def __init__(self, issues: pd.DataFrame, markers: dict[str, list[str]]):
        self.labels = dict(zip(issues["id"], issues["label"]))
        self.order = list(issues["id"])
        self.rank = {issue: n for n, issue in enumerate(self.order)}
        self.exact: dict[str, list[str]] = {}
        self.prefix: list[tuple[str, str]] = []
        for issue, terms in zip(issues["id"], issues["terms"]):
            for term in terms:
                key = term.lower()
                if key.endswith("*"):
                    self.prefix.append((key[:-1], issue))
                else:
                    self.exact.setdefault(key, []).append(issue)
        self.prefix.sort(key=lambda p: -len(p[0]))
        self.issue_re = lexicon_regex([t for ts in issues["terms"] for t in ts])
        self.markers = {cls: lexicon_regex(terms) for cls, terms in markers.items()
                        if cls != "temporal"}
        # "until" followed by a time expression (or a number) is a time preposition
        self.temporal = re.compile(r"\s+(?:\d|(?:" + lexicon.alternation(markers["temporal"])
                                   + r")(?![\w’'-]))", re.IGNORECASE)

    def issues_of(self, match: str) -> list[str]:
        key = " ".join(match.lower().split())
        if key in self.exact:
            return self.exact[key]
        for prefix, _ in self.prefix:
            if key.startswith(prefix):
                return [i for p, i in self.prefix if p == prefix]
        return []

    def find_issues(self, text: str) -> dict[str, str]:
        """issue -> first matching term in `text`."""
        found: dict[str, str] = {}
        for m in self.issue_re.finditer(text):
            for issue in self.issues_of(m.group(0)):
                found.setdefault(issue, m.group(0))
        return found


_COMPILED: list = []  # [(issues, markers, compiled)] for the current file contents


def _lexicons(issues_path=None, markers_path=None) -> _Lexicons:
    """Compiled issue and marker lexicons (rebuilt when either file's content changes)."""
    issues = lexicon.load(lexicon.resolve(issues_path, "issues.yml"), _parse_issues)
    markers = lexicon.load(lexicon.resolve(markers_path, "stance_markers.yml"), _parse_markers)
    for known_issues, known_markers, compiled in _COMPILED:
        if known_issues is issues and known_markers is markers:
            return compiled
    compiled = _Lexicons(issues, markers)
    _COMPILED[:] = [(issues, markers, compiled)]
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
             parent: tuple | None = None) -> tuple[str, str, float]:
    """(stance, rule, confidence) of one statement (a row of the statements table).

    One flat chain on purpose: the rules fire in the documented order and the first wins, so
    the order is the logic (README, "Stance labels and rules")."""
    content = str(statement["content"])
    cls, lemma, negated = statement["cue_class"], statement["cue_lemma"], bool(statement["negated"])
    mk = lex.markers

    def found(name):
        m = mk[name].search(content)
        return m.group(0).lower() if m else None

    if term := _condition(content, lex):
        result = ("demands", f"condition:{term}", 0.8)
    elif m := _ONLY_IF.search(content):
        result = ("demands", f"condition:only … {m.group(0).split()[-1].lower()}", 0.8)
    elif cls == "demand" and not negated:
        result = ("demands", "cue:demand", 0.8)
    elif (term := found("demand")) and cls in ("neutral", "emphatic"):
        result = ("demands", f"content:demand:{term}", 0.6)
    elif lemma in SKEPTICAL_CUES:
        result = ("skeptical", f"cue:skeptical:{lemma}", 0.7)
    elif term := found("skeptical"):
        result = ("skeptical", f"content:skeptical:{term}", 0.5)
    elif m := _ACCEPT.search(content):
        result = ("opposes", f"negation:{' '.join(m.group(0).lower().split())}", 0.6)
    elif cls == "negative":
        result = ("supports", "cue:negative+negation", 0.4) if negated else (
            "opposes", "cue:negative", 0.75)
    elif cls == "positive":
        result = ("opposes", "cue:positive+negation", 0.6) if negated else (
            "supports", "cue:positive", 0.75)
    elif term := found("dismissive"):
        result = ("opposes", f"content:dismissive:{term}", 0.7)
    elif term := found("supportive"):
        result = ("supports", f"content:supportive:{term}", 0.55)
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
    """The first condition marker of the content, skipping "until" as a time preposition
    ("until November 26", "from then until the spring"): "until Ukraine withdraws" is a
    condition."""
    for m in lex.markers["condition"].finditer(content):
        term = m.group(0).lower()
        if term == "until":
            before = content[max(0, m.start() - 40):m.start()]
            starts = [f.end() for f in re.finditer(r"\bfrom\b", before, re.IGNORECASE)]
            if lex.temporal.match(content, m.end()) or any(
                    lex.temporal.match(before, k) for k in starts):
                continue
        return " ".join(term.split())
    return None


def _own_span(st: dict) -> tuple[int, int]:
    return (min(st["cue_start"], st["content_start"]), max(st["cue_end"], st["content_end"]))


_TARGET_MODAL = re.compile(
    r"^[’']?s?\s*(?:must|should|has\s+to|have\s+to|needs?\s+to|ought\s+to|is\s+obliged\s+to|"
    r"will\s+have\s+to|to\s+\w+)\b", re.IGNORECASE)


def _mention_index(mentions: pd.DataFrame | None) -> tuple[dict, dict]:
    """((article, sentence) -> [(start, end, actor_id)], actor_id -> affiliation)."""
    by_sentence: dict = {}
    sides: dict = {}
    if mentions is None or len(mentions) == 0:
        return by_sentence, sides
    cols = [mentions[c].tolist() for c in ("article_id", "sentence", "start", "end", "actor_id")]
    aff = mentions["affiliation"].tolist() if "affiliation" in mentions else [None] * len(mentions)
    for aid, sn, a, b, actor, side in zip(*cols, aff):
        by_sentence.setdefault((aid, sn), []).append((int(a), int(b), actor))
        if isinstance(side, str) and side:
            sides.setdefault(actor, side)
    return by_sentence, sides


def _target(st: dict, acts: list, sides: dict, text: str, s0: int) -> str | None:
    """Who the statement's demand, support or criticism is aimed at: the addressee between cue
    and content ("urged Europe to ..."), else the actor the content makes act ("Ukraine must
    withdraw"), else the first other actor the content names. Never the speaker or its side."""
    speaker = st["speaker"]
    own = {speaker, sides.get(speaker)}
    others = [(a, b, actor) for a, b, actor in sorted(acts)
              if actor not in own and sides.get(actor, actor) not in own]
    c0, c1 = int(st["content_start"]), int(st["content_end"])
    cue_end = int(st["cue_end"])
    addressee = [x for x in others if cue_end <= x[0] < c0]
    if addressee:
        return addressee[0][2]
    inside = [x for x in others if c0 <= x[0] < c1]
    for a, b, actor in inside:
        if _TARGET_MODAL.match(text[b - s0:b - s0 + 30]):
            return actor
    return inside[0][2] if inside else None


def _issue_tags(st: dict, own: str, parent_text: str, antecedent: str, lex: _Lexicons) -> dict:
    """issue -> (source, term): terms in the statement's own cue and content, else (weight 0.6)
    in its main clause (participial statements) or the sentence that introduced a group
    holder. The narration around a statement is not read: "Amid fighting in Donbas, X said the
    talks ..." raises talks only."""
    tags = {i: ("statement", t) for i, t in lex.find_issues(own).items()}
    context = " ".join(t for t in (parent_text, antecedent) if t)
    for issue, term in (lex.find_issues(context).items() if context else ()):
        tags.setdefault(issue, ("context", term))
    return tags


def stances(statements: pd.DataFrame, sentences: pd.DataFrame,
            issues: str | Path | None = None, markers: str | Path | None = None,
            mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per statement × issue with stance, target, rule, confidence and weight (module
    doc). `mentions` (actor mentions) give the stance's target.

    Statements that raise no issue get no row. `weight` = confidence, times 0.6 when the issue
    comes from the context rather than the statement itself.
    """
    lex = _lexicons(issues, markers)
    if statements is None or len(statements) == 0:
        return schema.empty("stances")
    keys = list(zip(sentences["article_id"], sentences["sentence"]))
    texts = dict(zip(keys, sentences["text"]))
    starts = dict(zip(keys, sentences["start"]))
    acts_at, sides = _mention_index(mentions)
    by_sentence: dict[tuple, list[dict]] = {}
    for st in statements.to_dict("records"):
        by_sentence.setdefault((st["article_id"], st["sentence"]), []).append(st)
    rows = []
    for (aid, sn), group in sorted(by_sentence.items()):
        text, s0 = texts[(aid, sn)], int(starts[(aid, sn)])
        group.sort(key=lambda st: st["statement"])
        spans = {st["statement"]: _own_span(st) for st in group}
        decided: dict[int, tuple] = {}
        for st in group:
            a, b = spans[st["statement"]]
            parent = None if pd.isna(st["parent"]) else int(st["parent"])
            parent_text = text[spans[parent][0] - s0:spans[parent][1] - s0] if parent in spans \
                else ""
            antecedent = "" if pd.isna(st["antecedent_sentence"]) else texts.get(
                (aid, int(st["antecedent_sentence"])), "")
            tags = _issue_tags(st, text[a - s0:b - s0], parent_text, antecedent, lex)
            stance, rule, conf = classify(st, lex, decided.get(parent))
            decided[st["statement"]] = (stance, rule, conf)
            target = None if stance == "neutral" or not tags else _target(
                st, acts_at.get((aid, sn), []), sides, text, s0)
            for issue in sorted(tags, key=lex.rank.__getitem__):
                source, term = tags[issue]
                weight = conf * (1.0 if source == "statement" else CONTEXT_WEIGHT) * (
                    TITLE_WEIGHT if st["field"] == "title" else 1.0)
                rows.append((aid, st["statement"], sn, st["speaker"], issue, lex.labels[issue],
                             source, term, stance, target, rule, conf, round(weight, 3),
                             st["cue"], st["cue_class"], st["content"]))
    out = pd.DataFrame(rows, columns=STANCE_COLUMNS)
    return schema.conform("stances", out).sort_values(["article_id", "statement", "issue"],
                                                      kind="stable").reset_index(drop=True)


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
        rows.append([speaker, issue, g["issue_label"].iloc[0], stance, split,
                     g[["article_id", "statement"]].drop_duplicates().shape[0], n_active,
                     g["article_id"].nunique(), *(int(counts.get(k, 0)) for k in STANCES),
                     round(float(g["weight"].sum()), 3), round(float(g["confidence"].mean()), 3),
                     best["article_id"], int(best["statement"]), best["rule"], best["content"]])
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


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


# ---------------------------------------------------------------- display helpers
MARK_STYLES = {
    "speaker": "background:#cfe2ff;padding:0 2px",
    "cue": "background:#ffe08a;font-weight:600;padding:0 2px",
    "content": "background:transparent;text-decoration:underline;text-decoration-color:#888",
}
STANCE_COLOURS = {
    "supports": "#b7e1a1", "demands": "#fdd0a2", "opposes": "#f4a6a0", "skeptical": "#d4d0ea",
    "mixed": "#fff3b0", "neutral": "#eeeeee",
}


def mark_spans(text: str, spans) -> str:
    """Escape `text` and wrap (start, end, kind) spans in <mark> with inline styles per kind
    (speaker, cue, content), so that they survive HTML export; overlapping spans are skipped."""
    out, pos = [], 0
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end = max(start, 0), min(end, len(text))
        if start < pos or start >= end:
            continue
        style = MARK_STYLES.get(kind, "")
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{html.escape(kind)}" style="{style}">'
                   f"{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def evidence_html(statement: pd.Series | dict, sentences: pd.DataFrame) -> str:
    """The statement's sentence, HTML-escaped, with speaker, cue and content marked.

    CSS classes: `speaker`, `cue`, `content` (content is marked only outside speaker and cue).
    """
    st = dict(statement)
    sent = sentences[(sentences["article_id"] == st["article_id"])
                     & (sentences["sentence"] == st["sentence"])].iloc[0]
    s0, text = int(sent["start"]), str(sent["text"])
    spans = [(int(st["speaker_start"]) - s0, int(st["speaker_end"]) - s0, "speaker"),
             (int(st["cue_start"]) - s0, int(st["cue_end"]) - s0, "cue")]
    c0, c1 = int(st["content_start"]) - s0, int(st["content_end"]) - s0
    cuts = sorted(p for s, e, _ in spans for p in (s, e) if c0 < p < c1)
    for s, e in successive([c0, *cuts, c1]):
        if not any(a <= s and e <= b for a, b, _ in spans):
            spans.append((s, e, "content"))
    return mark_spans(text, spans)


def matrix_html(matrix: pd.DataFrame, labels: dict[str, str] | None = None) -> str:
    """The actor × issue matrix as an HTML table coloured by majority stance (escaped text);
    each cell shows the stance and its split ("demands 6/8", "3 supports / 3 opposes")."""
    if len(matrix) == 0:
        return "<p>No stances found.</p>"
    labels = labels or dict(zip(matrix["issue"], matrix["issue_label"]))
    order = [i for i in load_issues()["id"] if i in labels]
    cells = {(r.speaker, r.issue): r for r in matrix.itertuples()}
    esc = html.escape
    parts = ['<table class="newslens-table newslens-stance-matrix">',
             "<thead><tr><th>actor</th>"]
    parts += [f"<th>{esc(labels[i])}</th>" for i in order]
    parts.append("</tr></thead><tbody>")
    for speaker in sorted(matrix["speaker"].unique()):
        parts.append(f"<tr><th>{esc(str(speaker))}</th>")
        for issue in order:
            r = cells.get((speaker, issue))
            if r is None:
                parts.append("<td></td>")
                continue
            colour = STANCE_COLOURS.get(r.stance, "#ffffff")
            parts.append(f'<td style="background:{colour};text-align:center">{esc(r.stance)}'
                         f"<br><small>{esc(r.split)}</small></td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    legend = " ".join(f'<span style="background:{c};padding:0 6px">{esc(s)}</span>'
                      for s, c in STANCE_COLOURS.items())
    return "".join(parts) + f"<p><small>{legend}</small></p>"
