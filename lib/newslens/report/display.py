"""Notebook display: escaped, deterministic HTML tables (static or interactive) and highlights.

Article text is untrusted. Every cell is HTML-escaped unless its column is listed in
`html_columns`, and those columns must hold HTML built in `newslens.report` (`highlight`,
`mark_spans`, `article_link`). Interactive tables (itables, offline) get the same escaped
cells: DataTables renders them as HTML, so text that was escaped here stays text.

Small tables render as static HTML; larger ones as interactive tables (search, sort, paging)
once `setup_notebook()` has loaded the DataTables bundle into the notebook (no CDN).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

STATIC_ROWS = 15  # tables up to this many rows stay static HTML
MAX_ROWS = 1000  # rows an interactive table carries at most (the CSV export has them all)
PAGE_LENGTH = 10
MAX_CHARS = 300  # text cells are cut here in reports (the CSV export has them whole)

# Tables fit the page: wide ones scroll sideways inside their box, long text wraps.
TABLE_CSS = """
.newslens-scroll{max-width:100%;overflow-x:auto}
table.newslens-table{border-collapse:collapse;font-size:13px;margin:0.4em 0;
  table-layout:auto}
table.newslens-table.newslens-full{width:100%}
table.newslens-table th,table.newslens-table td{padding:3px 8px;vertical-align:top;
  border-bottom:1px solid #e5e5e5;white-space:normal}
table.newslens-table caption{caption-side:top;text-align:left;font-weight:600;padding:4px 0}
.newslens-table td,.newslens-itable td{max-width:16em;overflow-wrap:break-word}
.newslens-table td.newslens-wrap,.newslens-itable td.newslens-wrap{min-width:20em;max-width:none}
.newslens-table td.newslens-title,.newslens-itable td.newslens-title{min-width:9em;max-width:16em;
  overflow-wrap:anywhere}
.newslens-table td.newslens-text,.newslens-itable td.newslens-text{min-width:10em;max-width:24em}
.newslens-note{color:#555;font-size:12px;margin:2px 0 10px}
.newslens-itable td{white-space:normal !important;vertical-align:top}
table.newslens-itable{table-layout:auto;font-size:13px}
.newslens-itable th,.newslens-itable td{text-align:left !important}
.newslens-itable th.dt-right,.newslens-itable td.dt-right{text-align:right !important}
.newslens-prose p{margin:0.35em 0}
mark.mention,mark.region{background:#ffe08a;padding:0 2px}
"""


class HTMLTable:
    """A table that renders as escaped HTML in notebooks and as plain text elsewhere."""

    def __init__(self, df: pd.DataFrame, html: str):
        self.df = df
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.df.to_string(index=False, max_colwidth=60) if len(self.df) else "(empty table)"


# ---------------------------------------------------------------- words and numbers
def plural(n: int, noun: str, plural_form: str | None = None) -> str:
    """'1 article', '2 articles', '1,200 countries' (pass `plural_form` for irregular nouns)."""
    n = int(n)
    word = noun if n == 1 else (plural_form or _plural(noun))
    return f"{n:,} {word}"


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def join_words(items: Sequence[str], conj: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


_DIGITS = re.compile(r"(\d+)")


def natural_key(value) -> tuple:
    """Sort key that orders digit runs by number (a-2 < a-10, -1 < -2 < -10), numbers before
    letters (01-x < batch-1)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ((2, ""),)
    parts = _DIGITS.split(str(value))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts if p)


def natural_sort(df: pd.DataFrame, columns: str | Sequence[str]) -> pd.DataFrame:
    """Rows ordered by `columns`, digit runs compared as numbers (article ids, sentence ids)."""
    columns = [columns] if isinstance(columns, str) else list(columns)
    if df.empty:
        return df.reset_index(drop=True)
    keys = pd.Series([tuple(natural_key(v) for v in row)
                      for row in df[columns].itertuples(index=False, name=None)], index=df.index)
    order = sorted(range(len(df)), key=lambda i: keys.iloc[i])
    return df.iloc[order].reset_index(drop=True)


def integral_columns(df: pd.DataFrame) -> set[str]:
    """Numeric columns whose every present value is a whole number (shown without decimals)."""
    out = set()
    for col in df.columns:
        series = df[col]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        values = pd.to_numeric(series, errors="coerce").dropna()
        if pd.api.types.is_integer_dtype(series) or (len(values) and (values % 1 == 0).all()):
            out.add(col)
    return out


def format_value(value, precision: int = 3, integral: bool = False,
                 max_chars: int | None = None) -> str:
    """A cell as escaped text: whole numbers without decimals, dates as YYYY-MM-DD, text cut
    at `max_chars` characters (with '…')."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if integral and isinstance(value, (int, float, np.integer, np.floating)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{value:.{precision}f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")
    text = str(value)
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return html.escape(text)


def _cells(df: pd.DataFrame, html_columns: set[str], precision: int) -> list[list[str]]:
    integral = integral_columns(df)
    rows = []
    for row in df.itertuples(index=False, name=None):
        rows.append([
            ("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))
            if col in html_columns else format_value(value, precision, col in integral, MAX_CHARS)
            for col, value in zip(df.columns, row)
        ])
    return rows


def _cut_cells(df: pd.DataFrame, html_columns: set[str]) -> bool:
    """Whether a text cell outside `html_columns` is longer than MAX_CHARS."""
    return any(_longest(df[c]) > MAX_CHARS for c in df.columns if c not in html_columns)


TITLE_COLUMNS = {"article", "title"}


def _column_classes(df: pd.DataFrame, html_columns: set[str]) -> dict[str, str]:
    """CSS class per column: `newslens-wrap` for evidence (HTML) columns, which get the width,
    `newslens-title` for linked titles, `newslens-text` for long plain text; others none."""
    numeric = {c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])}
    classes = {}
    for col in df.columns:
        if col in TITLE_COLUMNS:
            classes[col] = "newslens-title"
        elif col in html_columns:
            classes[col] = "newslens-wrap"
        elif col not in numeric and _longest(df[col]) > 80:
            classes[col] = "newslens-text"
        else:
            classes[col] = ""
    return classes


def _header(col) -> str:
    """A column name as escaped HTML that may break after underscores."""
    return html.escape(str(col)).replace("_", "_<wbr>")


def _longest(column: pd.Series) -> int:
    return max((len(str(value)) for value in column if isinstance(value, str)), default=0)


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x00".join(parts).encode("utf-8", "replace")).hexdigest()[:10]


def _note(total: int, shown: int, csv: str | None, cut: bool) -> str:
    parts = []
    if shown < total:
        parts.append(f"Showing the first {shown:,} of {plural(total, 'row')}.")
    if cut:
        parts.append(f"Long text cells are cut at {MAX_CHARS} characters.")
    if not parts:
        return ""
    if csv:
        parts.append(f"The whole table: <code>{html.escape(csv)}</code>.")
    return f'<p class="newslens-note">{" ".join(parts)}</p>'



# ---------------------------------------------------------------- tables
def show(
    df: pd.DataFrame,
    html_columns: Iterable[str] = (),
    caption: str | None = None,
    max_rows: int | None = None,
    precision: int = 3,
    interactive: bool | None = None,
    csv: str | None = None,
) -> HTMLTable:
    """Render `df` as an escaped table: static up to STATIC_ROWS rows, else interactive.

    `max_rows` caps the rows carried (default: 50 static, MAX_ROWS interactive); a note under
    the table says how many were left out and names `csv`, the export holding all of them.
    `interactive` forces one kind. Whole-number columns print as integers, floats with
    `precision` decimals, dates as YYYY-MM-DD, booleans as yes/no.
    """
    html_columns = set(html_columns)
    if interactive is None:
        interactive = len(df) > STATIC_ROWS
    limit = max_rows if max_rows is not None else (MAX_ROWS if interactive else 50)
    shown = df.head(limit)
    if interactive and len(shown) > STATIC_ROWS:
        body = _interactive_html(shown, html_columns, caption, precision)
    else:
        body = _static_html(shown, html_columns, caption, precision)
    return HTMLTable(shown, body + _note(len(df), len(shown), csv,
                                         _cut_cells(shown, html_columns)))


def _static_html(shown: pd.DataFrame, html_columns: set[str], caption, precision: int) -> str:
    digest = _digest(str(caption), shown.to_csv(index=False))
    numeric = {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])}
    classes = _column_classes(shown, html_columns)

    def attrs(col):
        align = "right" if col in numeric and col not in html_columns else "left"
        css = classes[col]
        return f' style="text-align:{align}"' + (f' class="{css}"' if css else "")

    full = " newslens-full" if any(classes.values()) else ""
    parts = [(f'<div class="newslens-scroll"><table class="newslens-table{full}" '
             f'id="T_{digest}">')]
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append("<thead><tr>")
    parts.extend(f"<th{attrs(col)}>{_header(col)}</th>" for col in shown.columns)
    parts.append("</tr></thead><tbody>")
    for row in _cells(shown, html_columns, precision):
        parts.append("<tr>")
        parts.extend(f"<td{attrs(col)}>{cell}</td>" for col, cell in zip(shown.columns, row))
        parts.append("</tr>")
    if shown.empty:
        parts.append(f'<tr><td colspan="{max(len(shown.columns), 1)}"><em>no rows</em></td></tr>')
    parts.append("</tbody></table></div>")
    return "".join(parts)


def _interactive_html(shown: pd.DataFrame, html_columns: set[str], caption,
                      precision: int) -> str:
    """An itables DataTable over cells escaped here (allow_html: the escaping is ours)."""
    from itables import to_html_datatable

    cells = pd.DataFrame(_cells(shown, html_columns, precision),
                         columns=[_header(c) for c in shown.columns])
    numeric = [i for i, c in enumerate(shown.columns)
               if pd.api.types.is_numeric_dtype(shown[c]) and c not in html_columns]
    classes = list(_column_classes(shown, html_columns).values())
    groups = {"dt-right": numeric}
    for name in ("newslens-wrap", "newslens-title", "newslens-text"):
        groups[name] = [i for i, css in enumerate(classes) if css == name]
    table_id = "T_" + _digest(str(caption), shown.to_csv(index=False))
    column_defs = [{"className": name, "targets": targets} for name, targets in groups.items()
                   if targets]  # an empty target list would mean every column
    table = to_html_datatable(
        cells, caption=html.escape(caption) if caption else None, table_id=table_id,
        connected=False, allow_html=True, maxBytes=0, showIndex=False,
        classes="display compact newslens-itable", pageLength=PAGE_LENGTH,
        lengthMenu=[10, 25, 100], columnDefs=column_defs,
        style="table-layout:auto;width:100%;caption-side:top",
        display_logo_when_loading=False, order=[],
    )
    return f'<div class="newslens-scroll">{table}</div>'


def setup_notebook() -> None:
    """Load the offline DataTables bundle and the table styles into the notebook (once, first
    cell). Keep that cell's output: it is what makes later tables interactive, offline."""
    from IPython.display import HTML, display
    from itables import init_notebook_mode

    init_notebook_mode(connected=False)
    display(HTML(f"<style>{TABLE_CSS}</style>"))


# ---------------------------------------------------------------- highlighted text and links
MARK_STYLES = {
    "speaker": "background:#cfe2ff;padding:0 2px",
    "cue": "background:#ffe08a;font-weight:600;padding:0 2px",
    "content": "background:transparent;text-decoration:underline;text-decoration-color:#888",
}


def highlight_spans(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """Escape `text` and wrap each (start, end, css_class) span in <mark>; overlaps are skipped.
    Each mark carries an inline style for its class, so that it survives HTML export."""
    out, pos = [], 0
    text = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    for start, end, css in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end = max(int(start), 0), min(int(end), len(text))
        if start < pos or start >= end:
            continue
        style = MARK_STYLES.get(css)
        style_attr = f' style="{style}"' if style else ""
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{html.escape(css)}"{style_attr}>'
                   f"{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


mark_spans = highlight_spans


def highlight(text: str, start: int, end: int, css: str = "mention") -> str:
    """Escape `text` and mark text[start:end]."""
    return highlight_spans(text, [(start, end, css)])


_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def safe_url(url) -> str | None:
    """`url` when it is a plain http(s) URL, else None (javascript:, data:, relative...)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if _URL.match(url) else None


def article_link(title, url, fallback: str = "(untitled)") -> str:
    """The article's title as escaped HTML, linked to `url` when it is http(s)."""
    text = title.strip() if isinstance(title, str) and title.strip() else fallback
    href = safe_url(url)
    if href is None:
        return html.escape(text)
    return (f'<a href="{html.escape(href, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{html.escape(text)}</a>')
