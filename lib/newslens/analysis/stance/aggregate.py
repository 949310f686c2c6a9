"""Stance summaries: `majority`, `stance_matrix`, `matrix_wide`, `pairwise`, `by_source`."""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from newslens import schema
from newslens.analysis.stance.lexicons import STANCES, load_issues
from newslens.io.syndication import story_rows

MATRIX_COLUMNS = schema.table("stance_matrix").names
PAIR_COLUMNS = schema.table("stance_pairs").names
SOURCE_COLUMNS = schema.table("stance_sources").names

# Families for pairwise comparison: labels in one family agree (both against: see pairwise).
FAMILY = {"supports": "for", "demands": "demands", "opposes": "against",
          "skeptical": "against", "neutral": "neutral"}


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
