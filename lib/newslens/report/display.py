"""Notebook display helpers: escaped, deterministic HTML tables and highlighted evidence.

Article text is untrusted. Every cell is HTML-escaped unless its column is listed in
`html_columns`, and those columns must hold HTML built here (e.g. by `highlight`).
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Sequence

import pandas as pd


class HTMLTable:
    """A table that renders as escaped HTML in notebooks and as plain text elsewhere."""

    def __init__(self, df: pd.DataFrame, html: str):
        self.df = df
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.df.to_string(index=False, max_colwidth=60) if len(self.df) else "(empty table)"


def _cell(value, is_html: bool, precision: int) -> str:
    if is_html:
        return "" if value is None else str(value)
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.{precision}f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    return html.escape(str(value))


def show(
    df: pd.DataFrame,
    html_columns: Iterable[str] = (),
    caption: str | None = None,
    max_rows: int | None = 50,
    precision: int = 3,
) -> HTMLTable:
    """Render `df` as an HTML table: escaped cells, fixed precision, no index, row limit noted."""
    html_columns = set(html_columns)
    shown = df if max_rows is None else df.head(max_rows)
    digest = hashlib.sha1(
        (str(caption) + shown.to_csv(index=False)).encode("utf-8", "replace")
    ).hexdigest()[:10]
    parts = [f'<table class="newslens-table" id="T_{digest}">']
    if caption or (max_rows is not None and len(df) > max_rows):
        note = f" (first {max_rows} of {len(df)} rows)" if max_rows and len(df) > max_rows else ""
        parts.append(f"<caption>{html.escape(caption or '')}{note}</caption>")
    numeric = {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])}
    align = {c: "right" if c in numeric else "left" for c in shown.columns}
    # Keep evidence readable in wide tables: long-text columns get a minimum width.
    for col in shown.columns:
        if col in html_columns or (col not in numeric and _longest(shown[col]) > 80):
            align[col] += ";min-width:28em"
    parts.append("<thead><tr>")
    parts.extend(
        f'<th style="text-align:{align[col]}">{html.escape(str(col))}</th>' for col in shown.columns
    )
    parts.append("</tr></thead><tbody>")
    for row in shown.itertuples(index=False, name=None):
        parts.append("<tr>")
        for col, value in zip(shown.columns, row):
            cell = _cell(value, col in html_columns, precision)
            parts.append(f'<td style="text-align:{align[col]}">{cell}</td>')
        parts.append("</tr>")
    if shown.empty:
        parts.append(f'<tr><td colspan="{max(len(shown.columns), 1)}"><em>no rows</em></td></tr>')
    parts.append("</tbody></table>")
    return HTMLTable(shown, "".join(parts))


def _longest(column: pd.Series) -> int:
    return max((len(str(value)) for value in column if isinstance(value, str)), default=0)


def highlight_spans(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """Escape `text` and wrap each (start, end, css_class) span in <mark>; overlaps are skipped."""
    out, pos = [], 0
    for start, end, css in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end = max(start, 0), min(end, len(text))
        if start < pos or start >= end:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{html.escape(css)}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight(text: str, start: int, end: int, css: str = "mention") -> str:
    """Escape `text` and mark text[start:end]."""
    return highlight_spans(text, [(start, end, css)])
