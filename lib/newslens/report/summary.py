"""What each report answers, and its headline figures computed from the tables (index page)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from newslens.report.display import plural
from newslens.report.prose import signed
from newslens.report.views import outlet_names


@dataclass(frozen=True)
class Report:
    stem: str
    title: str
    question: str


REPORTS = [
    Report("01-corpus-overview", "Corpus overview",
           "What is in the corpus, what could not be read, and which actors it mentions."),
    Report("02-sentiment-by-actor", "Sentiment by actor",
           "How each actor is portrayed (tone of the coverage about it) and how each actor "
           "speaks (tone of its own statements), with the sentences behind every number."),
    Report("03-stance-comparison", "Stance comparison",
           "Who said what: attributed statements, the negotiation issues they raise, each "
           "speaker's stance on each issue, and where speakers agree or differ."),
    Report("04-territorial-claims", "Territorial claims",
           "Which regions are claimed, demanded or reported captured, by whom, with which "
           "numbers, and when."),
    Report("05-compare-outlets", "Outlets compared",
           "How outlets differ: volume over time, tone toward each actor, reported stances and "
           "territorial claims, outlet by outlet."),
]


def report_info(stem: str) -> Report:
    """The description of a report (a generic one for notebooks not listed)."""
    for report in REPORTS:
        if report.stem == stem:
            return report
    return Report(stem, stem, "")


def _top(frame: pd.DataFrame, by: str, name: str):
    if frame.empty:
        return None
    return frame.sort_values([by, name], ascending=[False, True], kind="stable").iloc[0]


def headlines(tables: dict[str, pd.DataFrame], articles: pd.DataFrame) -> dict[str, list[str]]:
    """Two or three headline figures per report stem, from the `analyze` tables."""
    from newslens.analysis.overview import mention_counts

    n = len(articles)
    outlets = outlet_names(articles)
    undated = int(pd.to_datetime(articles.get("published"), errors="coerce").isna().sum()) \
        if "published" in articles.columns else n
    out: dict[str, list[str]] = {}
    counts = mention_counts(tables["mentions"])
    first = _top(counts, "total", "actor")
    out["01-corpus-overview"] = [
        f"{plural(n, 'article')} from {plural(outlets.nunique(), 'outlet')}"
        + (f", {undated:,} undated" if undated else ""),
        f"most mentioned: {first['actor']} ({plural(first['total'], 'mention')})"
        if first is not None else "no actor mentioned",
    ]
    actors = tables.get("actor_sentiment", pd.DataFrame())
    about = actors[(actors["voice"] == "about") & ~actors["low_sample"]] if len(actors) else actors
    scorer = ", ".join(sorted(actors["scorer"].dropna().unique())) if len(actors) else "n/a"
    lines = [f"scorer: {scorer}"]
    if len(about):
        about = about.sort_values(["mean_polarity", "actor_id"])
        lo, hi = about.iloc[0], about.iloc[-1]
        lines += [(f"most negative coverage: {lo['actor']} ({signed(lo['mean_polarity'])}, "
                  f"{plural(lo['mentions'], 'mention')})"),
                  (f"most positive coverage: {hi['actor']} ({signed(hi['mean_polarity'])}, "
                  f"{plural(hi['mentions'], 'mention')})")]
    out["02-sentiment-by-actor"] = lines
    st, matrix = tables["statements"], tables["stance_matrix"]
    out["03-stance-comparison"] = [
        (f"{plural(len(st), 'attributed statement')} by "
        f"{plural(st['speaker'].dropna().nunique(), 'speaker')}"),
        f"{plural(len(matrix), 'speaker × issue stance')}",
    ]
    claims, rollup = tables["claims"], tables["region_rollup"]
    top_region = _top(rollup, "n_claims", "region_id")
    out["04-territorial-claims"] = [
        f"{plural(len(claims), 'claim')} on {plural(claims['region_id'].nunique(), 'region')}",
        f"most claimed: {top_region['region']} ({plural(top_region['n_claims'], 'claim')})"
        if top_region is not None else "no claim found",
        f"{plural(len(tables['quantities']), 'number')} attached to claims",
    ]
    sources = tables["stance_sources"]
    differ = (sources[(sources["n_sources"] > 1) & ~sources["consistent"]] if len(sources)
              else sources)
    volume = outlets.value_counts()
    volume = volume.sort_index().sort_values(ascending=False, kind="stable")
    out["05-compare-outlets"] = [
        f"{plural(len(volume), 'outlet')}; largest: {volume.index[0]} "
        f"({plural(volume.iloc[0], 'article')})" if len(volume) else "no outlet",
        (f"{plural(len(differ[['speaker', 'issue']].drop_duplicates()), 'speaker × issue cell')} "
        "where outlets report different stances"),
    ]
    return out
