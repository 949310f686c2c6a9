"""Charts for report 02 (sentiment by actor). Each function returns the Axes it drew on.

Every chart shows at most `top` actors (most mentions first) and says so in its title.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from newslens.report.display import natural_key, plural
from newslens.report.labels import plot_label
from newslens.report.plots import plot_heatmap
from newslens.report.views import ranked_tone

NEG, POS, GREY = "#c0392b", "#2e86c1", "#bbbbbb"
VOICE_TITLES = {"about": "Tone of coverage about each actor (role target)",
                "own": "Tone of each actor's own statements (role speaker)",
                "all": "Tone around each actor (all mentions)"}


def _bar_colours(values, low) -> list:
    out = []
    for v, small in zip(values, low):
        c = POS if v > 0 else NEG if v < 0 else GREY
        out.append((c, 0.35 if small else 1.0))
    return out


def _cap_title(title: str, shown: int, total: int) -> str:
    return title if shown >= total else f"{title}\n(top {shown} of {total} actors by mentions)"


def plot_sentiment_actors(actors: pd.DataFrame, voice: str = "about", top: int = 25, ax=None,
                          title=None):
    """Ranked diverging bars of mean target polarity per actor with 95% CIs (from
    `actor_sentiment`), the `top` actors by mentions. Pale bars = low sample."""
    total = int((actors["voice"] == voice).sum())
    data = ranked_tone(actors, voice, top)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.34 * max(len(data), 3) + 1.4))
    y = np.arange(len(data))
    for yi, (c, alpha), v in zip(
        y, _bar_colours(data["mean_polarity"], data["low_sample"]), data["mean_polarity"]
    ):
        ax.barh(yi, v, color=c, alpha=alpha)
    lo = (data["mean_polarity"] - data["ci_low"]).clip(lower=0).fillna(0)
    hi = (data["ci_high"] - data["mean_polarity"]).clip(lower=0).fillna(0)
    ax.errorbar(data["mean_polarity"], y, xerr=[lo, hi], fmt="none", ecolor="#333333", capsize=3)
    labels = [
        f"{plot_label(a, 30)} (n={n}{', low sample' if small else ''})"
        for a, n, small in zip(data["actor"], data["mentions"], data["low_sample"])
    ]
    ax.set_yticks(y, labels)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel("mean target polarity (95% bootstrap CI)")
    ax.set_title(_cap_title(title or VOICE_TITLES.get(voice, voice), len(data), total))
    ax.spines[["top", "right"]].set_visible(False)
    plt.tight_layout()
    return ax


def plot_sentiment_voices(actors: pd.DataFrame, top: int = 25, ax=None):
    """Side-by-side bars per actor: tone of coverage about the actor vs its own statements,
    for the `top` actors by mentions."""
    every = actors[actors["voice"] == "all"]
    keep = every.sort_values(["mentions", "actor_id"], ascending=[False, True]).head(top)
    data = actors[actors["voice"].isin(["about", "own"])
                  & actors["actor_id"].isin(keep["actor_id"])]
    wide = data.pivot_table(index="actor", columns="voice", values="mean_polarity", aggfunc="first")
    wide = wide.reindex(columns=["about", "own"]).sort_index(ascending=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.42 * max(len(wide), 3) + 1.4))
    y = np.arange(len(wide))
    ax.barh(y + 0.2, wide["about"].fillna(0), height=0.4, color="#7f8c8d", label="about the actor")
    ax.barh(y - 0.2, wide["own"].fillna(0), height=0.4, color="#e67e22", label="own voice")
    ax.set_yticks(y, [plot_label(a, 30) for a in wide.index])
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel("mean target polarity (no bar = zero, or no such mention)")
    ax.set_title(_cap_title("Coverage about the actor vs the actor's own statements",
                            len(keep), len(every)))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    plt.tight_layout()
    return ax


def sentiment_grid(by_article: pd.DataFrame, articles: pd.DataFrame | None = None,
                   max_actors: int = 20, max_articles: int = 30) -> tuple[pd.DataFrame, str]:
    """Actor × article mean polarity (from `views.tone_by_article`) for the actors and articles
    with most mentions (capped), columns labelled by article title in natural id order; and a
    title stating the caps."""
    data = by_article
    if data.empty:
        return pd.DataFrame(), "no mentions"
    actors = data.groupby("actor")["mentions"].sum().sort_index()
    actors = actors.sort_values(ascending=False, kind="stable").head(max_actors)
    arts = data.groupby("article_id")["mentions"].sum().sort_index()
    arts = arts.sort_values(ascending=False, kind="stable").head(max_articles)
    cols = sorted(arts.index, key=natural_key)
    wide = data[data["actor"].isin(actors.index) & data["article_id"].isin(cols)].pivot_table(
        index="actor", columns="article_id", values="mean_polarity", aggfunc="first")
    wide = wide.reindex(columns=cols).sort_index()
    titles = ({} if articles is None
              else dict(zip(articles["article_id"], articles["title"].fillna(""))))
    wide.columns = [f"{titles.get(a) or a}" for a in wide.columns]
    n_actors, n_articles = data["actor"].nunique(), data["article_id"].nunique()
    title = "Mean polarity about each actor, per article (blank = not mentioned)"
    caps = []
    if n_actors > len(actors):
        caps.append(f"top {len(actors)} of {plural(n_actors, 'actor')}")
    if n_articles > len(cols):
        caps.append(f"{len(cols)} of {plural(n_articles, 'article')} with most mentions")
    if caps:
        title += "\n(" + "; ".join(caps) + ")"
    return wide, title


def plot_sentiment_heatmap(by_article: pd.DataFrame, articles: pd.DataFrame | None = None,
                           max_actors: int = 20, max_articles: int = 30, ax=None):
    """Actor × article heatmap of mean target polarity, capped (the caps are in the title)."""
    wide, title = sentiment_grid(by_article, articles, max_actors, max_articles)
    return plot_heatmap(wide, title=title, diverging=True, ax=ax, colorbar="polarity")


def plot_sentiment_scorers(comparison: pd.DataFrame, top: int = 25, ax=None):
    """Per-actor mean polarity under each scorer (from `compare_scorers`), one marker each,
    for the `top` actors by mentions."""
    data = comparison.sort_values(["mentions", "actor"], ascending=[False, True]).head(top)
    data = data.sort_values("actor", ascending=False)
    scorers = [c.removeprefix("mean_") for c in data.columns if c.startswith("mean_")]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.34 * max(len(data), 3) + 1.4))
    y = np.arange(len(data))
    markers = "os^Dv<>"  # one per scorer (textblob, vader, blend, learned, ...)
    for s, marker in zip(scorers, markers * (len(scorers) // len(markers) + 1)):
        ax.scatter(data[f"mean_{s}"], y, marker=marker, label=plot_label(s), zorder=3)
    ax.set_yticks(y, [plot_label(a, 30) for a in data["actor"]])
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel("mean target polarity")
    ax.set_title(_cap_title("Does the ranking survive a change of scorer?", len(data),
                            len(comparison)))
    ax.legend(title="scorer", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.grid(axis="y", color="#eeeeee")
    ax.spines[["top", "right"]].set_visible(False)
    plt.tight_layout()
    return ax
