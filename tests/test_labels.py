"""Chart labels from articles and actors are drawn literally (no mathtext from `$`)."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from newslens.report.labels import plot_label
from newslens.report.plots import plot_mention_counts
from newslens.report.sentiment_plots import (
    plot_sentiment_actors,
    plot_sentiment_heatmap,
)

HOSTILE = r"$\notacommand{x}$ Corp"


def test_plot_label():
    assert plot_label("a $5bn$ deal") == r"a \$5bn\$ deal"
    assert plot_label("x" * 100) == "x" * 79 + "…"
    assert plot_label(42) == "42"


def test_unescaped_dollars_break_a_chart():
    """The failure the helper prevents: matplotlib parses `$...$` and fails at draw time."""
    fig, ax = plt.subplots()
    ax.set_title(HOSTILE)
    with pytest.raises(ValueError):
        fig.canvas.draw()
    plt.close(fig)


def test_plots_draw_dollar_labels_literally():
    counts = pd.DataFrame({"actor": [HOSTILE, "Putin"], "name": [3, 2], "alias": [1, 0],
                           "demonym": [0, 1], "pronoun": [0, 0]})
    ax = plot_mention_counts(counts)
    ax.figure.canvas.draw()
    assert plot_label(HOSTILE) in [t.get_text() for t in ax.get_yticklabels()]
    plt.close(ax.figure)

    actors = pd.DataFrame({"actor": [HOSTILE], "actor_id": ["x"], "voice": ["all"],
                           "mean_polarity": [0.2], "ci_low": [0.1], "ci_high": [0.3],
                           "mentions": [12], "low_sample": [False]})
    ax = plot_sentiment_actors(actors)
    ax.figure.canvas.draw()
    plt.close(ax.figure)

    by_article = pd.DataFrame({"actor": [HOSTILE], "article_id": ["$a$rticle"], "voice": ["all"],
                               "mean_polarity": [0.1], "mentions": [3]})
    ax = plot_sentiment_heatmap(by_article)
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == [r"\$a\$rticle"]
    plt.close(ax.figure)
