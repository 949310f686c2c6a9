"""Matplotlib charts shared by the notebooks (each returns the Axes it drew on)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from newslens.analysis.overview import MENTION_TYPES
from newslens.report.labels import plot_labels

MENTION_COLOURS = {"name": "#1f77b4", "alias": "#9ecae1", "demonym": "#ff7f0e",
                   "pronoun": "#bcbd22"}


def plot_mention_counts(counts: pd.DataFrame, top: int = 25, ax=None):
    """Stacked horizontal bars of mentions per actor by mention type (from `mention_counts`)."""
    data = counts.head(top).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * max(len(data), 3) + 1))
    left = pd.Series(0, index=data.index)
    for kind in MENTION_TYPES:
        ax.barh(plot_labels(data["actor"]), data[kind], left=left, label=kind,
                color=MENTION_COLOURS[kind])
        left = left + data[kind]
    ax.set_xlabel("mentions")
    ax.set_title(f"Actor mentions (top {min(top, len(counts))} of {len(counts)} actors)")
    ax.legend(title="mention type", loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    plt.tight_layout()
    return ax
