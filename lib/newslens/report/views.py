"""Views of the analysis tables as the reports show them: joins, pivots, top-N cuts, periods.

Every computation a notebook needs lives here (tested), so that notebook cells only call,
show and plot. Optional columns that other stages may add (`speaker_kind`, `linked`,
`is_copy`, `language`, ...) are used when present and ignored when absent.
"""

from __future__ import annotations

import pandas as pd

from newslens.analysis.territory import CLAIM_TYPES
from newslens.report.display import article_link, natural_key, natural_sort

UNKNOWN_SOURCE = "(unknown outlet)"
FREQ_NAMES = {"D": "day", "W": "week", "M": "month"}


# ---------------------------------------------------------------- articles and outlets
def outlet_names(articles: pd.DataFrame) -> pd.Series:
    """Each article's outlet: the `source` field stripped, '(unknown outlet)' when empty."""
    if "source" not in articles.columns:
        return pd.Series(UNKNOWN_SOURCE, index=articles.index, dtype=object)
    names = articles["source"].astype(object).where(articles["source"].notna(), "")
    names = names.map(lambda s: " ".join(str(s).split()))
    return names.where(names != "", UNKNOWN_SOURCE)


def dates_of(articles: pd.DataFrame) -> pd.Series:
    """Publication dates as day timestamps (NaT when unknown)."""
    if "published" not in articles.columns:
        return pd.Series(pd.NaT, index=articles.index, dtype="datetime64[us]")
    return pd.to_datetime(articles["published"], errors="coerce").dt.normalize()


def article_meta(articles: pd.DataFrame) -> pd.DataFrame:
    """Per article: `article` (escaped title, linked when the url is http/https), `source`,
    `date` (YYYY-MM-DD or empty), plus the raw title and url."""
    blank = pd.Series("", index=articles.index)
    titles = articles["title"] if "title" in articles.columns else blank
    urls = articles["url"] if "url" in articles.columns else pd.Series(None, index=articles.index)
    dates = dates_of(articles)
    meta = pd.DataFrame({
        "article_id": articles["article_id"].astype(str),
        "article": [article_link(t, u, fallback=str(a)) for t, u, a in
                    zip(titles, urls, articles["article_id"])],
        "source": outlet_names(articles),
        "date": dates.dt.strftime("%Y-%m-%d").fillna(""),
        "title": titles.fillna("").astype(str),
        "url": urls.astype(object).where(urls.notna(), ""),
    })
    return meta.reset_index(drop=True)


ARTICLE_COLUMNS = ["article", "source", "date"]


def with_article(df: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """`df` with the article's linked title, outlet and date first (`article` holds HTML).

    Rows whose article is unknown keep their id as the title. Any `source`/`date` column
    already in `df` is replaced by the article's."""
    meta = article_meta(articles)[["article_id", *ARTICLE_COLUMNS]]
    base = df.drop(columns=[c for c in ARTICLE_COLUMNS if c in df.columns])
    out = base.merge(meta, on="article_id", how="left")
    missing = out["article"].isna()
    out.loc[missing, "article"] = [article_link(a, None) for a in out.loc[missing, "article_id"]]
    out[["source", "date"]] = out[["source", "date"]].fillna("")
    return out[[*ARTICLE_COLUMNS, *[c for c in base.columns]]]


def article_table(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per article, in natural id order: linked title, outlet, date, words,
    paragraphs and body sentences (headline excluded), and language/copy flags if loaded."""
    from newslens.analysis.overview import article_stats

    stats = article_stats(articles, sentences)[["article_id", "n_words", "paragraphs",
                                                "sentences"]]
    extra = [c for c in ("language", "is_copy") if c in articles.columns]
    stats = stats.merge(articles[["article_id", *extra]], on="article_id", how="left")
    table = with_article(stats, articles).rename(columns={"n_words": "words"})
    return natural_sort(table, "article_id")


def top_with_others(counts: pd.Series, top: int) -> tuple[pd.Series, int, float]:
    """The `top` largest entries of `counts` (ties broken by label), how many others there
    are, and their total."""
    ordered = counts.sort_index().sort_values(ascending=False, kind="stable")
    rest = ordered.iloc[top:]
    return ordered.head(top), len(rest), float(rest.sum())


def time_counts(dates: pd.Series, freq: str | None = None) -> tuple[pd.DataFrame, str, int]:
    """Counts per day, week or month (`freq` "D", "W", "M"; default chosen by the span:
    up to 45 days by day, up to a year by week, else by month), every period in the range
    present (zeros included). Returns (frame of period/label/count, freq, undated count)."""
    dates = pd.to_datetime(dates, errors="coerce")
    undated = int(dates.isna().sum())
    dated = dates.dropna()
    if dated.empty:
        return pd.DataFrame(columns=["period", "label", "count"]), freq or "D", undated
    if freq is None:
        span = (dated.max() - dated.min()).days
        freq = "D" if span <= 45 else "W" if span <= 366 else "M"
    periods = period_start(dated, freq)
    full = pd.date_range(periods.min(), periods.max(),
                         freq={"D": "D", "W": "W-MON", "M": "MS"}[freq])
    counts = periods.value_counts().reindex(full, fill_value=0)
    frame = pd.DataFrame({"period": full, "label": period_labels(full, freq),
                          "count": counts.to_numpy(dtype="int64")})
    return frame, freq, undated


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """The day, Monday of the week, or first of the month each date falls in."""
    dates = pd.to_datetime(dates, errors="coerce").dt.normalize()
    if freq == "W":
        return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    if freq == "M":
        return dates - pd.to_timedelta(dates.dt.day - 1, unit="D")
    return dates


def period_labels(periods, freq: str) -> list[str]:
    """'2025-03-14' (day), 'wk 2025-03-10' (week starting Monday), '2025-03' (month)."""
    periods = pd.DatetimeIndex(periods)
    if freq == "M":
        return [p.strftime("%Y-%m") for p in periods]
    if freq == "W":
        return [f"wk {p.strftime('%Y-%m-%d')}" for p in periods]
    return [p.strftime("%Y-%m-%d") for p in periods]


# ---------------------------------------------------------------- actor names
def actor_names() -> dict[str, str]:
    """Gazetteer actor id -> name (data/actors.yml)."""
    from newslens.text.actors import load_actors

    actors = load_actors()
    return dict(zip(actors["id"], actors["name"]))


def named(df: pd.DataFrame, columns: list[str], names: dict[str, str] | None = None
          ) -> pd.DataFrame:
    """`df` with actor ids in `columns` replaced by actor names (unknown ids, empty cells and
    '; '-joined lists of ids are handled; other text is left as it is)."""
    names = actor_names() if names is None else names
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = [_name(v, names) for v in out[col]]
    return out


def _name(value, names: dict[str, str]):
    if not isinstance(value, str) or not value:
        return value
    return "; ".join(names.get(part, part) for part in value.split("; "))


# ---------------------------------------------------------------- overview
def sentence_lengths(sentences: pd.DataFrame) -> pd.Series:
    """Words per body sentence (headlines excluded)."""
    body = sentences[sentences["field"] == "text"]
    return body["text"].str.split().str.len().astype("int64")


# ---------------------------------------------------------------- sentiment
def voice_table(actors: pd.DataFrame) -> pd.DataFrame:
    """Per actor: mentions and mean polarity about the actor and in its own voice (blank when
    the actor has no such mention), sorted by actor."""
    cols = ["actor", "about_mentions", "about_mean_polarity", "own_mentions",
            "own_mean_polarity"]
    data = actors[actors["voice"].isin(["about", "own"])]
    if data.empty:
        return pd.DataFrame(columns=cols)
    wide = data.pivot_table(index="actor", columns="voice", values=["mentions", "mean_polarity"],
                            aggfunc="first")
    wide.columns = [f"{v}_{m}" for m, v in wide.columns]
    wide = wide.reindex(columns=cols[1:]).reset_index().sort_values("actor")
    for col in ("about_mentions", "own_mentions"):
        wide[col] = wide[col].astype("Int64")
    return wide.reset_index(drop=True)


def ranked_tone(actors: pd.DataFrame, voice: str = "about", top: int | None = None
                ) -> pd.DataFrame:
    """One voice's rows, the `top` actors by mentions, ordered by mean polarity (most
    negative first)."""
    data = actors[actors["voice"] == voice]
    if top is not None:
        data = data.sort_values(["mentions", "actor_id"], ascending=[False, True]).head(top)
    return data.sort_values(["mean_polarity", "actor_id"]).reset_index(drop=True)


def tone_by_article(ms: pd.DataFrame, voice: str = "about") -> pd.DataFrame:
    """Mentions and mean target polarity per actor × article in one voice (plain means: the
    per-article cells are for reading patterns, the bootstrap is in `actor_sentiment`)."""
    from newslens.analysis.sentiment import VOICES

    cols = ["actor_id", "actor", "article_id", "mentions", "mean_polarity"]
    m = ms if voice == "all" else ms[ms["role"] == VOICES[voice]]
    if m.empty:
        return pd.DataFrame(columns=cols)
    out = (m.groupby(["actor_id", "actor", "article_id"])
           .agg(mentions=("target_polarity", "size"), mean_polarity=("target_polarity", "mean"))
           .reset_index())
    return out[cols]


def sample_articles(article_ids, n: int | None) -> list[str]:
    """`n` article ids spread evenly over the natural id order (all of them when n is None or
    not smaller than the corpus): a deterministic sample."""
    ids = sorted(pd.unique(pd.Series(list(article_ids), dtype=object)), key=natural_key)
    if n is None or n >= len(ids):
        return ids
    step = len(ids) / n
    return [ids[int(i * step)] for i in range(n)]


def scorer_comparison(tables: dict[str, pd.DataFrame], sample: int | None = 200
                      ) -> tuple[pd.DataFrame, int]:
    """`sentiment.compare_scorers` on the articles of `sample_articles(..., sample)` (every
    scorer rescores each mention, so large corpora are compared on a sample). Returns the
    comparison and the number of articles it covers."""
    from newslens.analysis.sentiment import compare_scorers

    ids = set(sample_articles(tables["sentences"]["article_id"], sample))
    pick = {name: tables[name][tables[name]["article_id"].isin(ids)]
            for name in ("sentences", "mentions", "statements")}
    comparison = compare_scorers(pick["sentences"], pick["mentions"], pick["statements"])
    return comparison.drop(columns="actor_id").sort_values("actor").reset_index(drop=True), len(ids)


# ---------------------------------------------------------------- statements and stances
def speaker_labels(statements: pd.DataFrame, names: dict[str, str] | None = None) -> pd.Series:
    """Who spoke: the actor's name, else the speaker as written with '(unlinked)' (a speaker
    no gazetteer actor matched)."""
    names = actor_names() if names is None else names
    ids = statements["speaker"].astype(object)
    text = (statements["speaker_text"] if "speaker_text" in statements.columns
            else pd.Series("", index=statements.index))
    linked = statements["linked"] if "linked" in statements.columns else ids.notna() & (ids != "")
    labels = [names.get(i, i) if bool(ok) and isinstance(i, str) and i else
              f"{t} (unlinked)" if isinstance(t, str) and t else "(unknown)"
              for i, t, ok in zip(ids, text, linked.fillna(False))]
    return pd.Series(labels, index=statements.index, dtype=object)


def relation_summary(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per speaker pair: the number of issues in each relation (agree, differ, ...)."""
    if pairs.empty:
        return pd.DataFrame(columns=["actor_a", "actor_b"])
    summary = (pairs.groupby(["actor_a", "actor_b", "relation"]).size().unstack(fill_value=0)
               .reset_index())
    summary.columns.name = None
    return summary


def shared_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pair rows where both actors spoke on the issue (one silent dropped)."""
    return pairs[pairs["relation"] != "one silent"].reset_index(drop=True)


def rule_counts(stances: pd.DataFrame) -> pd.DataFrame:
    """Stances per deciding rule (rule family before ':') and stance, most frequent first."""
    if stances.empty:
        return pd.DataFrame(columns=["rule", "stance", "stances"])
    rules = stances.assign(rule=stances["rule"].str.replace(r":.*", "", regex=True))
    return (rules.groupby(["rule", "stance"]).size().rename("stances").reset_index()
            .sort_values(["stances", "rule", "stance"], ascending=[False, True, True])
            .reset_index(drop=True))


def top_speakers(matrix: pd.DataFrame, top: int) -> list[str]:
    """The `top` speakers with most statements in the actor × issue matrix."""
    if matrix.empty:
        return []
    totals = matrix.groupby("speaker")["n_statements"].sum()
    return list(top_with_others(totals, top)[0].index)


# ---------------------------------------------------------------- claims and quantities
def claim_types_in(claims: pd.DataFrame) -> list[str]:
    """Claim types present, known ones in their usual order, then any others by name."""
    present = set(claims["claim_type"].dropna()) if len(claims) else set()
    return [t for t in CLAIM_TYPES if t in present] + sorted(present - set(CLAIM_TYPES))


def claim_matrix(claims: pd.DataFrame, top: int | None = None,
                 articles: pd.DataFrame | None = None, count: str = "story") -> pd.DataFrame:
    """Claims per region (rows: the `top` regions by claims, then by name) × claim type.
    With `articles` and `count="story"`, a syndicated story counts once (`story_rows`)."""
    from newslens.io.syndication import story_rows

    claims = story_rows(claims, articles, count)
    if claims is None or len(claims) == 0:
        return pd.DataFrame(columns=[], dtype="int64")
    table = pd.crosstab(claims["region"], claims["claim_type"])
    table = table.reindex(columns=claim_types_in(claims))
    totals = table.sum(axis=1)
    order = totals.sort_index().sort_values(ascending=False, kind="stable").index
    table = table.loc[order]
    table.columns.name = None
    return table.head(top) if top is not None else table


def format_quantity(value, unit) -> str:
    """'700000 troops' style: whole numbers without decimals, others with up to 2."""
    if value is None or pd.isna(value):
        return ""
    number = f"{int(value)}" if float(value) % 1 == 0 else f"{value:.2f}".rstrip("0")
    unit = "" if unit is None or (isinstance(unit, float) and pd.isna(unit)) else str(unit)
    return f"{number} {unit}".strip() if unit not in ("%",) else f"{number}%"


def quantity_table(quantities: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Quantities with their article, the number as written and normalised ('amount')."""
    q = quantities.copy()
    q["amount"] = [format_quantity(v, u) for v, u in zip(q["value"], q["unit"])]
    cols = ["article_id", "sentence", "start", "text", "amount", "kind", "approximate", "bound",
            "date", "region_id", "claim_type"]
    q = natural_sort(q[[c for c in cols if c in q.columns]], ["article_id", "sentence", "start"])
    return with_article(q, articles).drop(columns=["article_id", "sentence", "start"])
