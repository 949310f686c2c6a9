"""Display helpers: escaped static and interactive tables, numbers, words, links, highlights."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from newslens.report.display import (
    STATIC_ROWS,
    article_link,
    format_value,
    highlight,
    highlight_spans,
    integral_columns,
    natural_key,
    natural_sort,
    plural,
    safe_url,
    show,
)

HOSTILE = '<script>alert("owned")</script> <img src=x onerror="alert(2)">'


def test_show_escapes_untrusted_text_and_is_deterministic():
    df = pd.DataFrame({"text": ["<script>alert(1)</script>", "a & b"], "score": [0.12345, None]})
    table = show(df, caption="Evidence <b>")
    html = table._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a &amp; b" in html and "0.123" in html
    assert "Evidence &lt;b&gt;" in html
    assert show(df, caption="Evidence <b>")._repr_html_() == html
    assert "0x" not in repr(table) and "alert(1)" in repr(table)


def test_show_passes_html_columns_and_notes_truncation():
    df = pd.DataFrame({"evidence": [highlight("Putin <said>", 0, 5)] * 3})
    html = show(df, html_columns=["evidence"], max_rows=2, csv="tables/x.csv")._repr_html_()
    assert '<mark class="mention">Putin</mark> &lt;said&gt;' in html
    assert "Showing the first 2 of 3 rows" in html and "tables/x.csv" in html
    long = show(pd.DataFrame({"t": ["y" * 400]}))._repr_html_()
    assert "y" * 299 + "…" in long and "y" * 300 not in long and "cut at 300" in long


def test_small_tables_are_static_and_large_ones_interactive():
    small = show(pd.DataFrame({"n": range(STATIC_ROWS)}))._repr_html_()
    large = show(pd.DataFrame({"n": range(STATIC_ROWS + 1)}))._repr_html_()
    assert "<script" not in small and "newslens-table" in small
    assert "new ITable" in large and "data_json" in large
    assert '"targets": []' not in large  # an empty target list would style every column
    assert show(pd.DataFrame({"n": range(40)}), interactive=False)._repr_html_().count("<tr>") == 41


def _data_rows(page: str) -> list[list]:
    """The rows an interactive table hands to DataTables (its data_json)."""
    match = re.search(r'"data_json": (".*?[^\\]")', page)
    return json.loads(json.loads(match.group(1)))


def test_interactive_table_keeps_article_text_escaped():
    """DataTables renders cells as HTML: every untrusted cell must arrive escaped, links only
    for http(s) URLs, and the HTML columns built by newslens must pass as they are."""
    n = STATIC_ROWS + 5
    df = pd.DataFrame({
        "article": [article_link(HOSTILE, "javascript:alert(3)")] * n,
        "source": [HOSTILE] * n,
        "evidence": [highlight(f"Putin said {HOSTILE}", 0, 5)] * n,
        "n": np.arange(n),
    })
    page = show(df, html_columns=["article", "evidence"])._repr_html_()
    rows = _data_rows(page)
    assert len(rows) == n
    for cell in rows[0][:3]:
        assert "<script" not in cell and "<img" not in cell and "javascript:" not in cell
        assert "&lt;script&gt;alert(" in cell
    assert rows[0][2].startswith('<mark class="mention">Putin</mark> said &lt;script&gt;')
    assert [r[3] for r in rows[:3]] == ["0", "1", "2"]
    # the static preview shown before the scripts run is escaped too
    assert "<script>alert(" not in page and "onerror=\"alert" not in page


def test_interactive_table_ids_are_stable_and_content_specific():
    df = pd.DataFrame({"x": [f"row {i}" for i in range(30)]})
    first, again = show(df)._repr_html_(), show(df)._repr_html_()
    other = show(df.assign(x=df["x"] + "!"))._repr_html_()
    ids = set(re.findall(r'id="(T_[0-9a-f]+)"', first))
    assert first == again and len(ids) == 1
    assert ids.isdisjoint(re.findall(r'id="(T_[0-9a-f]+)"', other))


def test_whole_numbers_print_as_integers():
    df = pd.DataFrame({"count": [25.0, 3.0], "year": [2022.0, None], "share": [0.5, 0.25],
                       "n": pd.array([1, None], dtype="Int64"), "flag": [True, False]})
    assert integral_columns(df) == {"count", "year", "n"}
    html = show(df)._repr_html_()
    assert ">25<" in html and ">2022<" in html and "25.000" not in html and "2022.0" not in html
    assert ">0.500<" in html and ">yes<" in html and ">no<" in html
    assert format_value(np.float64(700000.0), integral=True) == "700000"
    assert format_value(pd.Timestamp("2025-03-04")) == "2025-03-04"
    assert format_value(pd.Timestamp("2025-03-04 09:30:12")) == "2025-03-04 09:30"


def test_plural():
    assert plural(1, "article") == "1 article"
    assert plural(2, "article") == "2 articles"
    assert plural(0, "claim") == "0 claims"
    assert plural(1200, "country") == "1,200 countries"
    assert plural(3, "speech") == "3 speeches"
    assert plural(np.int64(1), "day") == "1 day"


def test_natural_sort_orders_numbers_as_numbers():
    ids = ["batch-10", "batch-2", "batch-1", "a", "batch-100", "02-x", "10-x"]
    assert sorted(ids, key=natural_key) == ["02-x", "10-x", "a", "batch-1", "batch-2", "batch-10",
                                            "batch-100"]
    df = pd.DataFrame({"article_id": ["x-10", "x-9", "x-9"], "sentence": [1, 12, 3]})
    out = natural_sort(df, ["article_id", "sentence"])
    assert list(zip(out["article_id"], out["sentence"])) == [("x-9", 3), ("x-9", 12), ("x-10", 1)]


@pytest.mark.parametrize("url, ok", [
    ("https://example.org/news/1", True), ("http://example.org/a?b=1&c=2", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), (" data:text/html,x", False),
    ("//example.org/x", False), ("https://example.org/\"onmouseover=alert(1)", False),
    (None, False), (float("nan"), False),
])
def test_only_http_urls_become_links(url, ok):
    assert (safe_url(url) is not None) is ok
    html = article_link("Title <b>", url)
    assert ("<a href=" in html) is ok
    assert "Title &lt;b&gt;" in html and "javascript" not in html.lower()


def test_article_link_escapes_url_and_falls_back_to_id():
    assert article_link("", "https://example.org/a?y=<2>", fallback="art-7") == "art-7"
    html = article_link("", "https://example.org/a?x=1&y=2", fallback="art-7")
    assert 'href="https://example.org/a?x=1&amp;y=2"' in html and ">art-7</a>" in html
    assert 'rel="noopener noreferrer"' in html


def test_highlight_spans_marks_in_order_and_skips_overlaps():
    text = "Putin said <b>no</b>."
    out = highlight_spans(text, [(6, 10, "cue"), (0, 5, "speaker"), (2, 8, "overlap")])
    assert re.fullmatch(
        r'<mark class="speaker"[^>]*>Putin</mark> <mark class="cue"[^>]*>said</mark> '
        r"&lt;b&gt;no&lt;/b&gt;\.", out)
    assert 'style="background:#cfe2ff' in out  # survives HTML export without a stylesheet


def test_long_text_columns_wrap_and_missing_values_are_blank():
    df = pd.DataFrame({"note": [None, None], "long_text": ["x " * 60, None], "n": [1, 2],
                       "evidence": [highlight("a b", 0, 1)] * 2})
    html = show(df, html_columns=["evidence"])._repr_html_()
    assert html.count('class="newslens-text"') == 3  # the long text header and its two cells
    assert html.count('class="newslens-wrap"') == 3  # the evidence column gets the width
    assert "newslens-full" in html and ">long_<wbr>text</th>" in html
    assert '<td style="text-align:left"></td>' in html


def test_interactive_tables_show_missing_numbers_as_blank():
    df = pd.DataFrame({"ci_low": [float("nan")] + [0.5] * 20, "actor": ["x"] * 21})
    rows = _data_rows(show(df)._repr_html_())
    assert rows[0] == ["", "x"] and rows[1] == ["0.500", "x"]
