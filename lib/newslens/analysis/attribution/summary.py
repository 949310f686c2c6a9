"""Summaries of the statements table for the notebooks."""

from __future__ import annotations

import pandas as pd

UNLINKED_COLUMNS = ["speaker", "speaker_kind", "speaker_text", "speaker_side", "n_statements",
                    "n_articles", "example"]


def unlinked_speakers(statements: pd.DataFrame) -> pd.DataFrame:
    """Speakers the gazetteer does not know (linked False), one row per normalised key: kind,
    the most frequent wording, side when known, statement and article counts and one example
    content. Most statements first: the candidates to add to data/actors.yml."""
    if statements is None or len(statements) == 0 or "linked" not in statements:
        return pd.DataFrame(columns=UNLINKED_COLUMNS)
    st = statements[~statements["linked"].astype(bool)]
    rows = []
    for key, g in st.groupby("speaker", sort=True):
        wording = g["speaker_text"].value_counts()
        wording = wording[wording == wording.max()].sort_index()
        sides = g["speaker_side"].dropna()
        rows.append([key, g["speaker_kind"].iloc[0], wording.index[0],
                     sides.iloc[0] if len(sides) else None, len(g), g["article_id"].nunique(),
                     g["content"].iloc[0]])
    out = pd.DataFrame(rows, columns=UNLINKED_COLUMNS)
    return out.sort_values(["n_statements", "speaker"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)
