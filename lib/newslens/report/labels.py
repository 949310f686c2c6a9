"""Chart text taken from articles or actors, made safe for matplotlib.

Matplotlib reads text between two `$` signs as mathtext: an article id or actor name with
dollar signs ("$5bn deal", "$x$") is typeset as maths or fails at draw time. Every plot
function passes such text through `plot_label`.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_LABEL_CHARS = 80


def plot_label(text, max_chars: int = MAX_LABEL_CHARS) -> str:
    """`text` as a literal chart label: `$` escaped, cut to `max_chars` with an ellipsis."""
    label = str(text)
    if len(label) > max_chars:
        label = label[:max_chars - 1] + "…"
    return label.replace("$", r"\$")


def plot_labels(texts: Iterable) -> list[str]:
    """`plot_label` of each text."""
    return [plot_label(t) for t in texts]
