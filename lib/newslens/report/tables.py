"""Special-purpose HTML tables: the actor × issue stance matrix coloured by stance."""

from __future__ import annotations

import html

import pandas as pd

from newslens.report.display import plural
from newslens.report.views import actor_names, top_speakers

STANCE_COLOURS = {
    "supports": "#b7e1a1", "demands": "#fdd0a2", "opposes": "#f4a6a0", "skeptical": "#d4d0ea",
    "mixed": "#fff3b0", "neutral": "#eeeeee",
}


def _issue_order(matrix: pd.DataFrame) -> list[str]:
    """Issues in data/issues.yml order (then any others by id)."""
    from newslens.analysis.stance import load_issues

    present = list(dict.fromkeys(matrix["issue"]))
    known = [i for i in load_issues()["id"] if i in present]
    return known + sorted(set(present) - set(known))


def matrix_html(matrix: pd.DataFrame, labels: dict[str, str] | None = None,
                top: int | None = 30) -> str:
    """The actor × issue matrix as an HTML table coloured by stance (escaped text); each cell
    shows the stance and the counts behind it (the `split` column, "demands 6/8", when the
    matrix has one, else the number of statements). Rows: the `top` speakers by statements
    (the cap is stated under the table), in name order."""
    if len(matrix) == 0:
        return "<p>No stances found.</p>"
    labels = labels or dict(zip(matrix["issue"], matrix["issue_label"]))
    order = _issue_order(matrix)
    names = actor_names()
    speakers = sorted(top_speakers(matrix, top) if top else matrix["speaker"].unique(),
                      key=lambda s: names.get(s, s))
    cells = {(r.speaker, r.issue): r for r in matrix.itertuples()}
    esc = html.escape
    parts = ['<div class="newslens-scroll"><table class="newslens-table newslens-stance-matrix">',
             "<thead><tr><th>actor</th>"]
    parts += [f"<th>{esc(str(labels.get(i, i)))}</th>" for i in order]
    parts.append("</tr></thead><tbody>")
    for speaker in speakers:
        parts.append(f"<tr><th>{esc(str(names.get(speaker, speaker)))}</th>")
        for issue in order:
            r = cells.get((speaker, issue))
            if r is None:
                parts.append("<td></td>")
                continue
            colour = STANCE_COLOURS.get(r.stance, "#ffffff")
            split = getattr(r, "split", None)
            counts = split if isinstance(split, str) and split else plural(r.n_statements,
                                                                            "statement")
            parts.append(f'<td style="background:{colour};text-align:center">{esc(str(r.stance))}'
                         f"<br><small>{esc(counts)}</small></td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    legend = " ".join(f'<span style="background:{c};padding:0 6px">{esc(s)}</span>'
                      for s, c in STANCE_COLOURS.items())
    total = matrix["speaker"].nunique()
    cap = (f" Showing the {len(speakers)} of {plural(total, 'speaker')} with most statements;"
           " the table below lists every cell." if len(speakers) < total else "")
    return "".join(parts) + f'<p class="newslens-note">{legend}{esc(cap)}</p>'
