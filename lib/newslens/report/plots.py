"""Matplotlib charts for the reports. Each returns the Axes it drew on.

Charts scale to large corpora: bar charts show the top N with a note on the rest, heatmaps are
capped (the cap is stated in the title), time charts aggregate by day, week or month, print the
counts, and say how many undated articles they leave out. Labels from article text go through
`newslens.report.labels.plot_label` (no mathtext from a `$`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from newslens.analysis.overview import MENTION_TYPES
from newslens.report.display import plural
from newslens.report.labels import plot_label
from newslens.report.views import (
    FREQ_NAMES,
    claim_matrix,
    claim_types_in,
    period_labels,
    period_start,
    time_counts,
)

MENTION_COLOURS = {"name": "#1f77b4", "alias": "#9ecae1", "demonym": "#ff7f0e",
                   "pronoun": "#bcbd22"}
BAR = "#1f77b4"
NOTE = {"fontsize": 9, "color": "#555555"}


def undated_note(undated: int, what: str = "article") -> str:
    """'3 undated articles are not in this chart.' (or that every item is dated)."""
    if undated == 0:
        return f"Every {what} in this chart's scope is dated."
    verb = "is" if undated == 1 else "are"
    return f"{plural(undated, 'undated ' + what)} {verb} not in this chart."


def _tidy(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)


def _bar_counts(ax, x, counts, limit: int = 80) -> None:
    """Print each bar's count on top of it (vertical text beyond 30 bars; none beyond `limit`)."""
    if len(x) > limit:
        return
    vertical = len(x) > 30
    for xi, n in zip(x, counts):
        if n:
            ax.text(xi, n, f" {int(n)}" if vertical else str(int(n)), ha="center", va="bottom",
                    fontsize=6 if vertical else 8, rotation=90 if vertical else 0)
    ax.margins(y=0.15)


def _period_ticks(ax, labels: list[str], max_ticks: int = 24) -> None:
    step = max(1, int(np.ceil(len(labels) / max_ticks)))
    ax.set_xticks(range(0, len(labels), step), [labels[i] for i in range(0, len(labels), step)],
                  rotation=60, ha="right", fontsize=8)


def plot_mention_counts(counts: pd.DataFrame, top: int = 20, ax=None):
    """Stacked horizontal bars of mentions per actor by mention type (from `mention_counts`),
    the `top` actors only; the title says how many others are left out."""
    data = counts.head(top).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.32 * max(len(data), 3) + 1.3))
    left = pd.Series(0, index=data.index)
    labels = [plot_label(a, 40) for a in data["actor"]]
    for kind in MENTION_TYPES:
        ax.barh(labels, data[kind], left=left, label=kind, color=MENTION_COLOURS[kind])
        left = left + data[kind]
    rest = counts.iloc[top:]
    ax.set_xlabel("mentions")
    title = f"Actor mentions: top {len(data)} of {plural(len(counts), 'actor')}"
    if len(rest):
        title += f"\n({plural(len(rest), 'other actor')}, {int(rest['total'].sum()):,} mentions, " \
                 "not shown)"
    ax.set_title(title)
    ax.legend(title="mention type", loc="lower right", frameon=False)
    _tidy(ax)
    plt.tight_layout()
    return ax


def plot_sentence_lengths(lengths: pd.Series, ax=None):
    """Histogram of words per body sentence (5-word bins)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3))
    top = int(lengths.max()) if len(lengths) else 0
    ax.hist(lengths, bins=range(0, top + 6, 5), color=BAR)
    ax.set_xlabel("words per sentence")
    ax.set_ylabel("sentences")
    ax.set_title(f"Sentence length ({plural(len(lengths), 'body sentence')})")
    _tidy(ax)
    plt.tight_layout()
    return ax


def plot_time_counts(dates: pd.Series, what: str = "article", freq: str | None = None,
                     title: str | None = None, ax=None):
    """Bars of items per day/week/month (zeros shown), counts printed on the bars (up to 40
    bars), and the undated items stated under the chart."""
    counts, freq, undated = time_counts(dates, freq)
    if counts.empty:
        return _no_dates(undated, ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.2))
    x = np.arange(len(counts))
    ax.bar(x, counts["count"], color=BAR)
    _bar_counts(ax, x, counts["count"])
    _period_ticks(ax, list(counts["label"]))
    ax.set_ylabel(f"{what}s")
    ax.set_title(title or f"{what.capitalize()}s per {FREQ_NAMES[freq]}")
    ax.set_xlabel(f"{FREQ_NAMES[freq]} of publication\n{undated_note(undated, what)}", **NOTE)
    _tidy(ax)
    plt.tight_layout()
    return ax


def _no_dates(undated: int, ax=None):
    """A one-line figure in place of a time chart when no article in its scope is dated."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.5))
    ax.set_axis_off()
    which = ("the only article carries" if undated == 1
             else f"none of the {plural(undated, 'article')} carries")
    ax.text(0, 0.5, f"No chart over time: {which} a publication date.", va="center", **NOTE)
    return ax


def plot_stacked_periods(wide: pd.DataFrame, freq: str, undated: int, what: str, title: str,
                         ax=None):
    """Stacked bars per period (columns of `wide`), one colour per row of `wide` (outlets,
    claim types...), the total printed on each bar (up to 40 bars)."""
    if wide.shape[1] == 0:
        return _no_dates(undated, ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.6))
    x = np.arange(wide.shape[1])
    bottom = np.zeros(wide.shape[1])
    colours = plt.get_cmap("tab20")
    for i, (name, row) in enumerate(wide.iterrows()):
        ax.bar(x, row.to_numpy(dtype=float), bottom=bottom, color=colours(i % 20),
               label=plot_label(name, 30))
        bottom += row.to_numpy(dtype=float)
    _bar_counts(ax, x, bottom)
    _period_ticks(ax, list(wide.columns))
    ax.set_ylabel(f"{what}s")
    ax.set_title(title)
    ax.set_xlabel(f"{FREQ_NAMES.get(freq, freq)} of publication\n{undated_note(undated)}", **NOTE)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    _tidy(ax)
    plt.tight_layout()
    return ax


def plot_heatmap(values: pd.DataFrame, counts: pd.DataFrame | None = None, title: str = "",
                 diverging: bool = False, ax=None, colorbar: str = "", note: str = ""):
    """Annotated heatmap of `values` (rows × columns). Diverging = polarity (red-blue, ±0.5,
    blank = no data); else counts (blues). `counts` adds 'n=…' under each value; `note` is
    printed under the chart (e.g. the undated articles a time grid leaves out)."""
    if ax is None:  # at most 13 inches wide: many columns get narrower and fewer labels
        _, ax = plt.subplots(figsize=(min(1.6 + 0.62 * max(values.shape[1], 3), 13.0),
                                      1.3 + 0.38 * max(values.shape[0], 2)))
    grid = values.to_numpy(dtype=float)
    if values.empty:
        ax.text(0.5, 0.5, "no data", ha="center", va="center")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(note, **NOTE)
        return ax
    if diverging:
        im = ax.imshow(grid, cmap="RdBu", vmin=-0.5, vmax=0.5, aspect="auto")
    else:
        top = max(np.nanmax(grid), 1)
        im = ax.imshow(grid, cmap="Blues", vmin=0, vmax=top * 1.4, aspect="auto")
    ax.set_yticks(range(values.shape[0]), [plot_label(r, 32) for r in values.index], fontsize=8)
    _column_ticks(ax, [plot_label(c, 24) for c in values.columns])
    if counts is not None:
        counts = counts.reindex(index=values.index, columns=values.columns).fillna(0)
    small = values.shape[0] * values.shape[1] <= 600 and values.shape[1] <= 20
    for (i, j), v in np.ndenumerate(grid):
        if np.isnan(v) or not small or (not diverging and v == 0):
            continue
        label = f"{v:+.2f}" if diverging else f"{int(v)}"
        if counts is not None:
            label += f"\nn={int(counts.iat[i, j])}"
        ax.text(j, i, label, ha="center", va="center", fontsize=7,
                color="white" if (abs(v) > 0.35 if diverging else v > 0.7 * top) else "black")
    ax.set_title(title, fontsize=10)
    if note:
        ax.set_xlabel(note, **NOTE)
    if colorbar:
        plt.colorbar(im, ax=ax, shrink=0.8, label=colorbar)
    plt.tight_layout()
    return ax


def _column_ticks(ax, labels: list[str], max_labels: int = 40) -> None:
    """Column labels under a heatmap, every k-th one when there are more than `max_labels`."""
    step = max(1, int(np.ceil(len(labels) / max_labels)))
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, ha="right",
                  fontsize=8)


def plot_claim_matrix(claims: pd.DataFrame, top: int = 20, ax=None,
                      articles: pd.DataFrame | None = None):
    """Heatmap of claim counts for the `top` most claimed regions × claim type (a syndicated
    story counted once when `articles` carry story ids)."""
    table = claim_matrix(claims, top=top, articles=articles)
    total = claims["region"].nunique() if len(claims) else 0
    table.columns = [c.replace("_", " ") for c in table.columns]
    title = "Territorial claims: region × claim type"
    if total > len(table):
        title += f"\n(top {len(table)} of {plural(total, 'region')} by claims)"
    return plot_heatmap(table, title=title, ax=ax)


def plot_claim_timeline(claims: pd.DataFrame, freq: str | None = None, ax=None):
    """Claims per period of publication, stacked by claim type; undated claims stated."""
    dates = pd.to_datetime(claims["published"], errors="coerce").dt.normalize()
    counts, freq, _ = time_counts(dates, freq)
    undated = int(claims.loc[dates.isna(), "article_id"].nunique())
    frame = pd.DataFrame({"type": claims["claim_type"], "start": period_start(dates, freq)})
    frame = frame.dropna()
    wide = pd.crosstab(frame["type"], frame["start"]).reindex(
        index=[t for t in claim_types_in(claims) if t in set(frame["type"])],
        columns=counts["period"], fill_value=0)
    wide.columns = period_labels(wide.columns, freq)
    wide.index = [t.replace("_", " ") for t in wide.index]
    return plot_stacked_periods(wide, freq, undated, "claim",
                                f"Territorial claims per {FREQ_NAMES[freq]}", ax=ax)


def plot_outlet_volume(volume: pd.DataFrame, top: int = 15, ax=None):
    """Horizontal bars of articles per outlet (the `top` outlets; the rest stated)."""
    data = volume.head(top).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.32 * max(len(data), 3) + 1.3))
    ax.barh([plot_label(o, 40) for o in data["outlet"]], data["articles"], color=BAR)
    for y, n in enumerate(data["articles"]):
        ax.text(n, y, f" {int(n)}", va="center", fontsize=8)
    rest = volume.iloc[top:]
    title = f"Articles per outlet: top {len(data)} of {plural(len(volume), 'outlet')}"
    if len(rest):
        title += f"\n({plural(len(rest), 'other outlet')} with " \
                 f"{plural(int(rest['articles'].sum()), 'article')} not shown)"
    ax.set_title(title)
    ax.set_xlabel("articles")
    _tidy(ax)
    plt.tight_layout()
    return ax
