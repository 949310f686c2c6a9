"""Findings as sentences computed from the tables (nothing about a particular corpus is
written by hand). Each function returns a list of plain-text sentences; `Prose` shows them in a
notebook as escaped HTML paragraphs (outlet names and titles are untrusted text).
"""

from __future__ import annotations

import html

import pandas as pd

from newslens.report.display import join_words, plural
from newslens.report.views import actor_names, dates_of, outlet_names


class Prose:
    """Sentences that render as escaped HTML paragraphs (a list when `bullets`)."""

    def __init__(self, sentences: list[str], bullets: bool = False):
        self.sentences = [s for s in sentences if s]
        self.bullets = bullets

    def _repr_html_(self) -> str:
        if self.bullets:
            items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences)
            return f'<div class="newslens-prose"><ul>{items}</ul></div>'
        paras = "".join(f"<p>{html.escape(s)}</p>" for s in self.sentences)
        return f'<div class="newslens-prose">{paras}</div>'

    def __repr__(self) -> str:
        return "\n".join(self.sentences)

    def __str__(self) -> str:
        return " ".join(self.sentences)


def signed(value: float, digits: int = 2) -> str:
    """'+0.15', '-0.21', '0.00'."""
    if pd.isna(value):
        return "n/a"
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def share(part: float, whole: float) -> str:
    """'23%' (whole-number percent; '<1%' for small non-zero shares)."""
    if not whole:
        return "0%"
    pct = 100 * part / whole
    return "<1%" if 0 < pct < 1 else f"{pct:.0f}%"


def _day(ts) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


# ---------------------------------------------------------------- corpus
def corpus_summary(articles: pd.DataFrame) -> list[str]:
    """How many articles from how many outlets, over which dates, how many undated."""
    n = len(articles)
    if n == 0:
        return ["The corpus holds no article."]
    outlets = outlet_names(articles)
    known = outlets[outlets != "(unknown outlet)"]
    if known.empty:
        where = "with no outlet recorded"
    elif known.nunique() == 1:
        where = f"from one outlet ({known.iloc[0]})"
    else:
        where = f"from {known.nunique():,} outlets"
    if len(known) < n and not known.empty:
        where += f" ({plural(n - len(known), 'article')} without an outlet)"
    dates = dates_of(articles).dropna()
    if dates.empty:
        when = "; no article carries a publication date"
    elif dates.min() == dates.max():
        when = f", published on {_day(dates.min())}"
    else:
        when = f", published between {_day(dates.min())} and {_day(dates.max())}"
    undated = n - len(dates)
    if len(dates) and undated:
        when += f"; {plural(undated, 'article')} {'carries' if undated == 1 else 'carry'} no date"
    out = [f"The corpus holds {plural(n, 'article')} {where}{when}."]
    if "is_copy" in articles.columns and articles["is_copy"].fillna(False).astype(bool).any():
        copies = int(articles["is_copy"].fillna(False).astype(bool).sum())
        out.append(f"{plural(copies, 'article')} {'is a copy' if copies == 1 else 'are copies'} "
                   "of a story that another article in the corpus also carries (syndication).")
    if "story_id" in articles.columns and articles["story_id"].notna().any():
        sizes = articles["story_id"].dropna().value_counts()
        shared = sizes[sizes > 1]
        if len(shared):
            verb = "appears" if len(shared) == 1 else "appear"
            out.append(f"{plural(len(shared), 'story')} {verb} in more than one article "
                       f"({plural(int(shared.sum()), 'article')} in all): quotations in them "
                       "count once per article.")
    if "language" in articles.columns and articles["language"].nunique() > 1:
        langs = articles["language"].fillna("unknown").value_counts()
        out.append("Languages: " + ", ".join(f"{k} ({v:,})" for k, v in langs.items()) + ".")
    return out


def load_summary(load_report: pd.DataFrame) -> list[str]:
    """Whether loading met problems, and what was done."""
    if load_report.empty:
        return ["Every file loaded cleanly."]
    actions = load_report["action"].fillna("").str.split().str[0].value_counts()
    parts = join_words([f"{v:,} {k}" for k, v in actions.items() if k])
    return [(f"Loading reported {plural(len(load_report), 'problem')} ({parts}); "
            "the table below lists each one.")]


def length_summary(articles: pd.DataFrame, n_sentences: int) -> list[str]:
    """Article lengths (words) and the number of body sentences."""
    if articles.empty:
        return []
    words = articles["n_words"]
    if len(words) == 1:
        return [(f"The article has {plural(int(words.iloc[0]), 'word')} in "
                f"{plural(n_sentences, 'body sentence')}.")]
    return [(f"Articles run from {int(words.min()):,} to {plural(int(words.max()), 'word')} "
            f"(median {int(words.median()):,}), {plural(n_sentences, 'body sentence')} in all.")]


def mention_summary(counts: pd.DataFrame, n_articles: int, top: int = 3) -> list[str]:
    """The most mentioned actors (from `overview.mention_counts`)."""
    if counts.empty:
        return ["No actor of the gazetteer is mentioned."]
    first = counts.iloc[0]
    lead = (f"{first['actor']} is the most frequently mentioned actor "
            f"({plural(first['total'], 'mention')} in {int(first['articles']):,} of "
            f"{plural(n_articles, 'article')})")
    rest = [f"{r.actor} ({int(r.total):,})" for r in counts.iloc[1:top].itertuples()]
    if rest:
        lead += f", followed by {join_words(rest)}"
    return [lead + ".", (f"{plural(len(counts), 'actor')} of the gazetteer "
            f"{'is' if len(counts) == 1 else 'are'} mentioned at least once.")]


def unknown_summary(unknown: pd.DataFrame) -> list[str]:
    """How many capitalised names the gazetteer does not know, and the most frequent."""
    if unknown.empty:
        return ["Every capitalised name matched an actor or was skipped as a common word."]
    first = unknown.iloc[0]
    return [(f"{plural(len(unknown), 'capitalised name')} matched no actor; the most frequent is "
            f"{first['entity']} ({plural(first['count'], 'time')}).")]


# ---------------------------------------------------------------- sentiment
def _tone_phrase(row) -> str:
    ci = ""
    if pd.notna(row["ci_low"]) and pd.notna(row["ci_high"]):
        ci = f", 95% CI {signed(row['ci_low'])} to {signed(row['ci_high'])}"
    return f"{row['actor']} (mean {signed(row['mean_polarity'])}{ci}, " \
           f"{plural(row['mentions'], 'mention')})"


def sentiment_summary(actors: pd.DataFrame, min_mentions: int) -> list[str]:
    """Which scorer, and which actors are covered most negatively / positively (role target,
    actors with at least `min_mentions` mentions) and speak most negatively / positively."""
    if actors.empty:
        return ["No actor mention was scored."]
    scorer = ", ".join(sorted(actors["scorer"].dropna().astype(str).unique())) or "unknown"
    every = actors[actors["voice"] == "all"]
    out = [(f"Tone scores come from the {scorer} scorer, over "
           f"{plural(int(every['mentions'].sum()), 'actor mention')} of "
           f"{plural(len(every), 'actor')}.")]
    for voice, who in (("about", "coverage about an actor (role target)"),
                       ("own", "the actors' own voice (as speakers of statements)")):
        data = actors[(actors["voice"] == voice) & (actors["mentions"] >= min_mentions)]
        data = data.sort_values(["mean_polarity", "actor_id"])
        if data.empty:
            out.append(f"No actor has {min_mentions} or more mentions in {who}.")
        elif len(data) == 1:
            out.append(f"In {who}, only {_tone_phrase(data.iloc[0])} has enough mentions.")
        else:
            low, high = data.iloc[0], data.iloc[-1]
            first = "least positive" if low["mean_polarity"] > 0 else "most negative"
            last = "least negative" if high["mean_polarity"] < 0 else "most positive"
            out.append(f"In {who}, the {first} is {_tone_phrase(low)} and the {last} "
                       f"{_tone_phrase(high)}.")
    low = every[every["mentions"] < min_mentions]
    if len(low):
        out.append(f"{plural(len(low), 'actor')} {'has' if len(low) == 1 else 'have'} fewer "
                   f"than {min_mentions} mentions in all (marked low sample).")
    return out


# ---------------------------------------------------------------- statements and stances
def stance_summary(statements: pd.DataFrame, matrix: pd.DataFrame, pairs: pd.DataFrame,
                   n_articles: int) -> list[str]:
    """Statements, speakers, the busiest issue and speaker, and how pairs relate."""
    if statements.empty:
        return ["No attributed statement was found."]
    speakers = statements["speaker"].dropna()
    out = [(f"{plural(len(statements), 'attributed statement')} by "
           f"{plural(speakers.nunique(), 'speaker')} in "
           f"{statements['article_id'].nunique():,} of {plural(n_articles, 'article')}.")]
    if "linked" in statements.columns:
        unlinked = int((~statements["linked"].fillna(False).astype(bool)).sum())
        if unlinked:
            out.append(f"{plural(unlinked, 'statement')} {'has' if unlinked == 1 else 'have'} "
                       "a speaker the gazetteer does not know (shown as unlinked).")
    if matrix.empty:
        out.append("No statement raises an issue of data/issues.yml.")
        return out
    by_issue = matrix.groupby("issue_label").agg(n=("n_statements", "sum"),
                                                 speakers=("speaker", "nunique"))
    issue = by_issue.sort_index().sort_values("n", ascending=False, kind="stable").iloc[:1]
    by_speaker = matrix.groupby("speaker").agg(n=("n_statements", "sum"),
                                               issues=("issue", "nunique"))
    speaker = by_speaker.sort_index().sort_values("n", ascending=False, kind="stable").iloc[:1]
    speaker_name = actor_names().get(speaker.index[0], speaker.index[0])
    out.append(f"The most discussed issue is {issue.index[0]} "
               f"({plural(issue['n'].iloc[0], 'statement')} by "
               f"{plural(issue['speakers'].iloc[0], 'speaker')}); the speaker with most "
               f"statements on issues is {speaker_name} "
               f"({plural(speaker['n'].iloc[0], 'statement')} on "
               f"{plural(speaker['issues'].iloc[0], 'issue')}).")
    shared = pairs[pairs["relation"] != "one silent"] if len(pairs) else pairs
    if len(shared):
        rel = shared["relation"].value_counts()
        out.append("Where two speakers spoke on the same issue: "
                   + ", ".join(f"{k} {plural(v, 'time')}" for k, v in rel.items()) + ".")
    return out


# ---------------------------------------------------------------- claims
def claims_summary(claims: pd.DataFrame, rollup: pd.DataFrame, quantities: pd.DataFrame,
                   articles: pd.DataFrame) -> list[str]:
    """Claims, regions, the most claimed region and claim type, numbers, undated claims."""
    if claims.empty:
        return ["No territorial claim was found."]
    n_articles = claims["article_id"].nunique()
    out = [(f"{plural(len(claims), 'territorial claim')} on "
           f"{plural(claims['region_id'].nunique(), 'region')} in {n_articles:,} of "
           f"{plural(len(articles), 'article')}.")]
    if len(rollup):
        top = rollup.sort_values(["n_claims", "region_id"], ascending=[False, True]).iloc[0]
        out.append(f"The most claimed region is {top['region']} "
                   f"({plural(top['n_claims'], 'claim')} on it or the regions it contains, in "
                   f"{plural(top['n_articles'], 'article')}).")
    types = claims["claim_type"].value_counts()
    types = types.sort_index().sort_values(ascending=False, kind="stable")
    out.append("Claim types: " + ", ".join(f"{k.replace('_', ' ')} {v:,}"
                                           for k, v in types.items()) + ".")
    if len(quantities):
        kinds = quantities["kind"].value_counts()
        out.append(f"{plural(len(quantities), 'number')} {'is' if len(quantities) == 1 else 'are'}"
                   " attached to claims (" + ", ".join(f"{k} {v:,}" for k, v in kinds.items())
                   + ").")
    undated = claims[claims["published"].isna()]["article_id"].nunique()
    if undated:
        out.append(f"{plural(undated, 'article')} with claims {'has' if undated == 1 else 'have'}"
                   " no publication date and cannot appear in the timeline.")
    return out


# ---------------------------------------------------------------- outlets
def outlet_summary(volume: pd.DataFrame, spread: pd.DataFrame, differences: pd.DataFrame,
                   min_mentions: int) -> list[str]:
    """How many outlets, the largest, the widest gap in tone, stance disagreements."""
    if volume.empty:
        return ["The corpus holds no article."]
    total = int(volume["articles"].sum())
    first = volume.iloc[0]
    if len(volume) == 1:
        name = first["outlet"]
        where = "no outlet recorded" if name == "(unknown outlet)" else f"one outlet, {name}"
        subject = "The only article has" if total == 1 else f"All {total:,} articles have"
        return [f"{subject} {where}: there is nothing to compare across outlets."]
    out = [(f"{plural(total, 'article')} from {plural(len(volume), 'outlet')}; the largest, "
           f"{first['outlet']}, has {plural(first['articles'], 'article')} "
           f"({share(first['articles'], total)}).")]
    if spread.empty:
        out.append(f"No actor is covered by two outlets with {min_mentions} or more mentions "
                   "each, so tone cannot be compared across outlets.")
    else:
        r = spread.iloc[0]
        out.append(f"Tone toward {r['actor']} differs most between outlets: "
                   f"{signed(r['lowest'])} in {r['lowest_outlet']} and {signed(r['highest'])} in "
                   f"{r['highest_outlet']} (outlets with at least {min_mentions} mentions).")
    cells = differences[["speaker", "issue"]].drop_duplicates() if len(differences) else []
    if len(cells):
        out.append(f"Outlets report a different dominant stance for "
                   f"{plural(len(cells), 'speaker × issue cell')}.")
    else:
        out.append("Where several outlets report the same speaker on the same issue, they "
                   "agree on the dominant stance.")
    return out


# ---------------------------------------------------------------- one call per report
def overview_findings(articles: pd.DataFrame, load_report: pd.DataFrame,
                      sentences: pd.DataFrame, counts: pd.DataFrame,
                      unknown: pd.DataFrame) -> Prose:
    """Report 01: corpus, loading, lengths, most mentioned actors, unknown names."""
    body = int((sentences["field"] == "text").sum())
    return Prose(corpus_summary(articles) + load_summary(load_report)
                 + length_summary(articles, body) + mention_summary(counts, len(articles))
                 + unknown_summary(unknown), bullets=True)


def sentiment_findings(actors: pd.DataFrame, min_mentions: int) -> Prose:
    """Report 02: scorer and the extremes of tone about and by actors."""
    return Prose(sentiment_summary(actors, min_mentions), bullets=True)


def stance_findings(statements: pd.DataFrame, matrix: pd.DataFrame, pairs: pd.DataFrame,
                    articles: pd.DataFrame) -> Prose:
    """Report 03: statements, speakers, issues and how speakers relate."""
    return Prose(stance_summary(statements, matrix, pairs, len(articles)), bullets=True)


def claims_findings(claims: pd.DataFrame, rollup: pd.DataFrame, quantities: pd.DataFrame,
                    articles: pd.DataFrame) -> Prose:
    """Report 04: claims, regions, claim types, numbers."""
    return Prose(claims_summary(claims, rollup, quantities, articles), bullets=True)


def outlet_findings(volume: pd.DataFrame, spread: pd.DataFrame, differences: pd.DataFrame,
                    min_mentions: int) -> Prose:
    """Report 05: outlets, the widest tone gap, stance disagreements."""
    return Prose(outlet_summary(volume, spread, differences, min_mentions), bullets=True)
