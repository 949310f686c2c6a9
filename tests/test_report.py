"""HTML reports: executed notebooks, no code by default, self-contained, untrusted text inert."""

import re

import pytest
from newslens.report.notebooks import build_reports

HOSTILE = '<script>alert("owned")</script> <img src=x onerror="alert(2)">'


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "hostile.txt").write_text(
        f"Putin says {HOSTILE}\n\nRussian President Vladimir Putin said {HOSTILE} in Moscow.\n",
        encoding="utf-8",
    )
    (corpus / "plain.txt").write_text(
        "Zelensky speaks\n\nUkrainian President Volodymyr Zelensky said talks would go on.\n",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("reports")
    result = build_reports(corpus, out, names=["01-corpus-overview.ipynb"])
    return corpus, out, result


def test_report_and_index_written(hostile_reports):
    corpus, out, result = hostile_reports
    assert result["failed"] == {}
    assert (out / "01-corpus-overview.html").exists()
    index = (out / "index.html").read_text()
    assert 'href="01-corpus-overview.html"' in index
    assert str(corpus) in index and "<dd>2</dd>" in index


def test_untrusted_article_text_shows_as_text(hostile_reports):
    _, out, _ = hostile_reports
    page = (out / "01-corpus-overview.html").read_text()
    assert re.search(r"&lt;script&gt;alert\((&quot;|\")owned(&quot;|\")\)&lt;/script&gt;", page)
    assert 'alert("owned")</script>' not in page
    assert "&lt;img src=x" in page and "<img src=x" not in page


def test_report_is_self_contained_and_hides_code(hostile_reports):
    _, out, _ = hostile_reports
    page = (out / "01-corpus-overview.html").read_text()
    assert re.findall(r"<script[^>]*\bsrc=", page) == []
    assert re.findall(r"<link[^>]*href=\"https?:", page) == []
    assert re.findall(r"import\(\"https?:", page) == []
    assert "cdnjs" not in page and "x-mathjax-config" not in page
    assert "data:image/png;base64" in page
    assert "import newslens" not in page


def test_with_code_includes_code(tmp_path):
    result = build_reports("seeds", tmp_path, with_code=True, names=["01-corpus-overview.ipynb"])
    assert result["failed"] == {}
    assert "newslens" in (tmp_path / "01-corpus-overview.html").read_text()
    assert "load_corpus" in (tmp_path / "01-corpus-overview.html").read_text()


def test_bad_corpus_fails_before_running_notebooks(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-corpus"):
        build_reports(tmp_path / "no-such-corpus", tmp_path / "out")
    assert not (tmp_path / "out" / "index.html").exists()
