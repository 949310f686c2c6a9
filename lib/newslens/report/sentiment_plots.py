"""Charts for notebook 02 (sentiment by actor). Each function returns the Axes it drew on."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from newslens.report.labels import plot_label, plot_labels

NEG, POS, GREY = "#c0392b", "#2e86c1", "#bbbbbb"


def _bar_colours(values, low) -> list:
    out = []
    for v, small in zip(values, low):
        c = POS if v > 0 else NEG if v < 0 else GREY
        out.append((c, 0.35 if small else 1.0))
    return out


def plot_sentiment_actors(actors: pd.DataFrame, voice: str = "all", ax=None, title=None):
    """Ranked diverging bars of mean target polarity per actor with 95% CIs (from
    `actor_sentiment`). Pale bars = low sample (fewer mentions than the minimum)."""
    data = actors[actors["voice"] == voice].sort_values(["mean_polarity", "actor_id"])
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.38 * max(len(data), 3) + 1.2))
    y = np.arange(len(data))
    for yi, (c, alpha), v in zip(
        y, _bar_colours(data["mean_polarity"], data["low_sample"]), data["mean_polarity"]
    ):
        ax.barh(yi, v, color=c, alpha=alpha)
    lo = (data["mean_polarity"] - data["ci_low"]).clip(lower=0).fillna(0)
    hi = (data["ci_high"] - data["mean_polarity"]).clip(lower=0).fillna(0)
    ax.errorbar(data["mean_polarity"], y, xerr=[lo, hi], fmt="none", ecolor="#333333", capsize=3)
    labels = [
        plot_label(f"{a} (n={n}{', low sample' if small else ''})")
        for a, n, small in zip(data["actor"], data["mentions"], data["low_sample"])
    ]
    ax.set_yticks(y, labels)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel("mean target polarity (95% bootstrap CI)")
    ax.set_title(plot_label(title or f"Tone by actor ({voice} mentions)", 200))
    ax.spines[["top", "right"]].set_visible(False)
    plt.tight_layout()
    return ax


def plot_sentiment_voices(actors: pd.DataFrame, ax=None):
    """Side-by-side bars per actor: tone of coverage about the actor vs its own statements."""
    data = actors[actors["voice"].isin(["about", "own"])]
    wide = data.pivot_table(index="actor", columns="voice", values="mean_polarity", aggfunc="first")
    wide = wide.reindex(columns=["about", "own"]).sort_index(ascending=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * max(len(wide), 3) + 1.2))
    y = np.arange(len(wide))
    ax.barh(y + 0.2, wide["about"].fillna(0), height=0.4, color="#7f8c8d", label="about the actor")
    ax.barh(y - 0.2, wide["own"].fillna(0), height=0.4, color="#e67e22", label="own voice")
    ax.set_yticks(y, plot_labels(wide.index))
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel("mean target polarity (no bar = zero, or no such mention)")
    ax.set_title("Coverage about the actor vs the actor's own statements")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    plt.tight_layout()
    return ax


def plot_sentiment_heatmap(by_article: pd.DataFrame, ax=None, max_actors: int = 25):
    """Actor x article heatmap of mean target polarity (from `actor_sentiment(by="article_id")`)."""
    data = by_article[by_article["voice"] == "all"]
    top = data.groupby("actor")["mentions"].sum().sort_values(ascending=False).head(max_actors)
    wide = data[data["actor"].isin(top.index)].pivot_table(
        index="actor", columns="article_id", values="mean_polarity", aggfunc="first"
    )
    if ax is None:
        _, ax = plt.subplots(
            figsize=(1.0 + 0.5 * max(wide.shape[1], 4), 0.35 * max(len(wide), 3) + 1.5)
        )
    im = ax.imshow(wide.to_numpy(dtype=float), cmap="RdBu", vmin=-0.5, vmax=0.5, aspect="auto")
    ax.set_yticks(np.arange(len(wide)), plot_labels(wide.index))
    ax.set_xticks(np.arange(wide.shape[1]), plot_labels(wide.columns), rotation=90)
    ax.set_title("Mean target polarity, actor x article (blank = not mentioned)")
    plt.colorbar(im, ax=ax, shrink=0.8, label="polarity")
    plt.tight_layout()
    return ax


def plot_sentiment_scorers(comparison: pd.DataFrame, ax=None):
    """Per-actor mean polarity under each scorer (from `compare_scorers`), one marker each."""
    data = comparison.sort_values("actor", ascending=False)
    scorers = [c.removeprefix("mean_") for c in data.columns if c.startswith("mean_")]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.38 * max(len(data), 3) + 1.2))
    y = np.arange(len(data))
    markers = "os^Dv<>"  # one per scorer (textblob, vader, blend, learned, ...)
    for s, marker in zip(scorers, markers * (len(scorers) // len(markers) + 1)):
        ax.scatter(data[f"mean_{s}"], y, marker=marker, label=plot_label(s), zorder=3)
    ax.set_yticks(y, plot_labels(data["actor"]))
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel("mean target polarity")
    ax.set_title("Does the ranking survive a change of scorer?")
    ax.legend(title="scorer", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.grid(axis="y", color="#eeeeee")
    ax.spines[["top", "right"]].set_visible(False)
    plt.tight_layout()
    return ax
