import pandas as pd
from newslens.report.display import highlight, highlight_spans, show


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
    html = show(df, html_columns=["evidence"], max_rows=2)._repr_html_()
    assert '<mark class="mention">Putin</mark> &lt;said&gt;' in html
    assert "first 2 of 3 rows" in html


def test_highlight_spans_marks_in_order_and_skips_overlaps():
    text = "Putin said <b>no</b>."
    out = highlight_spans(text, [(6, 10, "cue"), (0, 5, "speaker"), (2, 8, "overlap")])
    assert out == (
        '<mark class="speaker">Putin</mark> <mark class="cue">said</mark> &lt;b&gt;no&lt;/b&gt;.'
    )


def test_show_widens_long_text_and_copes_with_missing_values():
    df = pd.DataFrame({"note": [None, None], "evidence": ["x" * 120, None], "n": [1, 2]})
    html = show(df)._repr_html_()
    assert html.count("min-width:28em") == 3  # the evidence header and its two cells
    assert "<td style=\"text-align:left\"></td>" in html
