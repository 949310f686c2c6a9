"""Outlets and time compared (report 05): volume, tone toward actors, stances, claims.

Every function takes the analysis tables and the articles and returns a tidy frame; outlets
are the articles' `source` (normalised by `views.outlet_names`). When the loader marks
syndicated copies (`is_copy`), the volume table counts them separately.
"""

from __future__ import annotations

import pandas as pd

from newslens.report.views import (
    claim_types_in,
    dates_of,
    named,
    outlet_names,
    period_labels,
    period_start,
    time_counts,
    top_with_others,
)

OTHERS = "(other outlets)"


def outlet_volume(articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: articles, share of the corpus, dated articles, first and last date, and
    syndicated copies when the loader flags them. Largest outlet first."""
    frame = pd.DataFrame({"outlet": outlet_names(articles), "date": dates_of(articles)})
    if "is_copy" in articles.columns:
        frame["copies"] = articles["is_copy"].fillna(False).astype(bool).to_numpy()
    agg = {"articles": ("outlet", "size"), "dated": ("date", "count"),
           "first": ("date", "min"), "last": ("date", "max")}
    if "copies" in frame.columns:
        agg["copies"] = ("copies", "sum")
    out = frame.groupby("outlet").agg(**agg).reset_index()
    out["share"] = out["articles"] / max(len(frame), 1)
    out = out.sort_values(["articles", "outlet"], ascending=[False, True], kind="stable")
    cols = ["outlet", "articles", "share", "dated", "first", "last"]
    return out[cols + (["copies"] if "copies" in out.columns else [])].reset_index(drop=True)


def top_outlets(articles: pd.DataFrame, top: int) -> list[str]:
    """The `top` outlets by articles (ties by name)."""
    return list(top_with_others(outlet_names(articles).value_counts(), top)[0].index)


def _grouped_outlets(articles: pd.DataFrame, outlets: list[str]) -> pd.Series:
    names = outlet_names(articles)
    return names.where(names.isin(outlets), OTHERS)


def outlet_periods(articles: pd.DataFrame, outlets: list[str], freq: str | None = None
                   ) -> tuple[pd.DataFrame, str, int]:
    """Articles per outlet (the given ones, the rest as '(other outlets)') and period:
    a wide frame, rows in `outlets` order, one column per period label (zeros included).
    Returns (wide, freq, undated articles)."""
    dates = dates_of(articles)
    counts, freq, undated = time_counts(dates, freq)
    if counts.empty:
        return pd.DataFrame(index=pd.Index([], name="outlet")), freq, undated
    frame = pd.DataFrame({"outlet": _grouped_outlets(articles, outlets),
                          "period": period_start(dates, freq)}).dropna()
    wide = pd.crosstab(frame["outlet"], frame["period"]).reindex(columns=counts["period"],
                                                                 fill_value=0)
    rows = [o for o in [*outlets, OTHERS] if o in wide.index]
    wide = wide.loc[rows]
    wide.columns = period_labels(wide.columns, freq)
    wide.index.name = "outlet"
    return wide.astype("int64"), freq, undated


def _about(ms: pd.DataFrame, voice: str) -> pd.DataFrame:
    from newslens.analysis.sentiment import VOICES

    return ms if voice == "all" else ms[ms["role"] == VOICES[voice]]


def top_actors(ms: pd.DataFrame, top: int, voice: str = "about") -> list[str]:
    """Actor ids with the most mentions in this voice (ties by id)."""
    counts = _about(ms, voice).groupby("actor_id").size()
    return list(top_with_others(counts, top)[0].index)


def tone_by_outlet(ms: pd.DataFrame, articles: pd.DataFrame, actors: list[str],
                   outlets: list[str], voice: str = "about") -> pd.DataFrame:
    """Mean target polarity and mentions per actor × outlet (given actors and outlets only)."""
    cols = ["actor_id", "actor", "outlet", "mentions", "mean_polarity"]
    meta = pd.DataFrame({"article_id": articles["article_id"], "outlet": outlet_names(articles)})
    m = _about(ms, voice)
    m = m[m["actor_id"].isin(actors)].merge(meta, on="article_id", how="left")
    m = m[m["outlet"].isin(outlets)]
    if m.empty:
        return pd.DataFrame(columns=cols)
    out = (m.groupby(["actor_id", "actor", "outlet"])
           .agg(mentions=("target_polarity", "size"), mean_polarity=("target_polarity", "mean"))
           .reset_index())
    return out[cols]


def tone_by_period(ms: pd.DataFrame, articles: pd.DataFrame, actors: list[str],
                   freq: str | None = None, voice: str = "about"
                   ) -> tuple[pd.DataFrame, str, int]:
    """Mean target polarity and mentions per actor × period (day/week/month of publication).
    Returns (long frame with a `period` label column, freq, undated articles left out)."""
    cols = ["actor_id", "actor", "period", "mentions", "mean_polarity"]
    meta = pd.DataFrame({"article_id": articles["article_id"], "date": dates_of(articles)})
    m = _about(ms, voice)
    m = m[m["actor_id"].isin(actors)].merge(meta, on="article_id", how="left")
    undated = int(m.loc[m["date"].isna(), "article_id"].nunique())
    _, freq, _ = time_counts(meta["date"], freq)
    m = m.dropna(subset=["date"])
    if m.empty:
        return pd.DataFrame(columns=cols), freq, undated
    m = m.assign(start=period_start(m["date"], freq))
    out = (m.groupby(["actor_id", "actor", "start"])
           .agg(mentions=("target_polarity", "size"), mean_polarity=("target_polarity", "mean"))
           .reset_index().sort_values(["actor_id", "start"]))
    out["period"] = period_labels(out["start"], freq)
    return out[cols].reset_index(drop=True), freq, undated


def tone_grid(long: pd.DataFrame, column: str, min_mentions: int = 1,
              columns: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(mean polarity, mentions) as actor × `column` grids; cells with fewer than
    `min_mentions` mentions are blank in the means. Rows by actor name."""
    if long.empty:
        empty = pd.DataFrame()
        return empty, empty
    means = long.pivot_table(index="actor", columns=column, values="mean_polarity",
                             aggfunc="first")
    counts = long.pivot_table(index="actor", columns=column, values="mentions",
                              aggfunc="first").fillna(0).astype("int64")
    if columns is not None:
        keep = [c for c in columns if c in means.columns]
        means, counts = means.reindex(columns=keep), counts.reindex(columns=keep, fill_value=0)
    means = means.where(counts.reindex_like(means).fillna(0) >= min_mentions)
    means.columns.name = counts.columns.name = None
    return means.sort_index(), counts.sort_index()


def outlet_spread(long: pd.DataFrame, min_mentions: int = 3) -> pd.DataFrame:
    """Per actor covered by at least two outlets (each with `min_mentions` mentions): the
    lowest and highest outlet mean and the gap between them. Widest gap first."""
    cols = ["actor", "outlets", "lowest_outlet", "lowest", "highest_outlet", "highest", "gap"]
    data = long[long["mentions"] >= min_mentions]
    rows = []
    for actor, g in data.groupby("actor", sort=True):
        if len(g) < 2:
            continue
        g = g.sort_values(["mean_polarity", "outlet"])
        low, high = g.iloc[0], g.iloc[-1]
        rows.append((actor, len(g), low["outlet"], low["mean_polarity"], high["outlet"],
                     high["mean_polarity"], high["mean_polarity"] - low["mean_polarity"]))
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["gap", "actor"], ascending=[False, True]).reset_index(drop=True)


def stance_differences(stance_sources: pd.DataFrame) -> pd.DataFrame:
    """Speaker × issue cells that several outlets report with different dominant stances:
    one row per outlet (speaker, issue, outlet, stance, statements, articles)."""
    cols = ["speaker", "issue", "outlet", "stance", "statements", "articles"]
    if stance_sources.empty:
        return pd.DataFrame(columns=cols)
    diff = stance_sources[(stance_sources["n_sources"] > 1) & ~stance_sources["consistent"]]
    out = diff.rename(columns={"source": "outlet", "n_statements": "statements",
                               "n_articles": "articles"}).assign(issue=diff["issue_label"])
    out = out.assign(outlet=out["outlet"].fillna("").map(lambda s: " ".join(str(s).split())))
    out["outlet"] = out["outlet"].where(out["outlet"] != "", "(unknown outlet)")
    out = named(out, ["speaker"])
    return out[cols].sort_values(["speaker", "issue", "outlet"]).reset_index(drop=True)


def claims_by_outlet(claims: pd.DataFrame, articles: pd.DataFrame, outlets: list[str]
                     ) -> pd.DataFrame:
    """Claims per outlet (given outlets, the rest grouped) × claim type, with a total."""
    if claims.empty:
        return pd.DataFrame(columns=["outlet", "total"])
    meta = pd.DataFrame({"article_id": articles["article_id"],
                         "outlet": _grouped_outlets(articles, outlets)})
    c = claims[["article_id", "claim_type"]].merge(meta, on="article_id", how="left")
    c["outlet"] = c["outlet"].fillna(OTHERS)
    wide = pd.crosstab(c["outlet"], c["claim_type"]).reindex(columns=claim_types_in(claims),
                                                            fill_value=0)
    rows = [o for o in [*outlets, OTHERS] if o in wide.index]
    wide = wide.loc[rows]
    wide["total"] = wide.sum(axis=1)
    wide.columns.name = None
    return wide.reset_index().astype({"total": "int64"})


def regions_by_outlet(claims: pd.DataFrame, articles: pd.DataFrame, outlets: list[str],
                      top_regions: int = 15) -> pd.DataFrame:
    """Claims per region (the `top_regions` most claimed) × outlet (given outlets + others)."""
    if claims.empty:
        return pd.DataFrame()
    meta = pd.DataFrame({"article_id": articles["article_id"],
                         "outlet": _grouped_outlets(articles, outlets)})
    c = claims[["article_id", "region"]].merge(meta, on="article_id", how="left")
    c["outlet"] = c["outlet"].fillna(OTHERS)
    regions = top_with_others(c["region"].value_counts(), top_regions)[0].index
    wide = pd.crosstab(c["region"], c["outlet"]).reindex(index=regions, fill_value=0)
    wide = wide.reindex(columns=[o for o in [*outlets, OTHERS] if o in wide.columns])
    wide.columns.name = None
    return wide
