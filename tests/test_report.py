"""HTML reports on a generated multi-outlet corpus: every notebook runs, prose comes from the
data (no sentence of the seed), evidence is linked and escaped, pages are self-contained, the
index summarises, and (when Chromium is installed) pages render without JavaScript errors."""

import html
import json
import re
import shutil

import newslens
import pytest
from conftest import load_bench_corpus
from newslens.report.notebooks import build_reports, notebook_paths
from newslens.report.summary import REPORTS

HOSTILE = '<script>alert("owned")</script> <img src=x onerror="alert(2)">'
N_ARTICLES = 30


def _write_corpus(folder):
    """Generated articles from 8 outlets (short), three undated, one with a javascript: URL,
    one with hostile title, outlet and text."""
    gen = load_bench_corpus()
    vocab = gen.vocabulary()
    records = [gen.article(i, seed=7, vocab=vocab, words=150) for i in range(N_ARTICLES)]
    for rec in records[:3]:
        rec.pop("published")
    records[3]["url"] = "javascript:alert(3)"
    records[4].update(title=f"Talks {HOSTILE}", source=f"Wire {HOSTILE}",
                      text=f"Russian President Vladimir Putin said {HOSTILE} in Moscow.\n"
                           + records[4]["text"])
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in records)
    return records


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    records = _write_corpus(corpus)
    out = tmp_path_factory.mktemp("reports")
    result = build_reports(corpus, out)
    pages = {p.stem: p.read_text(encoding="utf-8") for p in result["reports"]}
    return corpus, out, result, pages, records


def test_every_report_and_the_tables_are_written(built):
    _, out, result, pages, _ = built
    assert result["failed"] == {}
    assert sorted(pages) == [p.stem for p in notebook_paths()] == [r.stem for r in REPORTS]
    for name in ("articles", "mentions", "statements", "claims", "stance_sources"):
        assert (out / "tables" / f"{name}.csv").stat().st_size > 0


def test_index_summarises_and_links(built):
    corpus, out, _, _, records = built
    index = (out / "index.html").read_text(encoding="utf-8")
    for report in REPORTS:
        assert f'href="{report.stem}.html"' in index and html.escape(report.question) in index
    assert 'href="tables/claims.csv"' in index and 'href="tables/articles.csv"' in index
    outlets = len({r["source"] for r in records})
    assert f"{N_ARTICLES} articles from {outlets} outlets, 3 undated" in index
    assert str(corpus.parent) not in index  # the corpus by name, no developer path


def test_untrusted_text_is_inert_everywhere(built):
    _, _, _, pages, _ = built
    for name, page in pages.items():
        assert 'alert("owned")</script>' not in page, name
        assert "<img src=x" not in page, name
        assert not re.search(r"href=[\"']?\s*javascript:", page, re.IGNORECASE), name
        assert "alert(3)" not in page, name  # the javascript: URL is never output
    assert "&lt;script&gt;alert(" in pages["01-corpus-overview"]


def test_reports_are_self_contained_and_hide_code(built):
    _, _, _, pages, _ = built
    for name, page in pages.items():
        assert re.findall(r"<script[^>]*\bsrc=", page) == [], name
        assert re.findall(r"<link[^>]*href=\"https?:", page) == [], name
        assert re.findall(r"import\(\"https?:", page) == [], name
        assert "cdnjs" not in page and "x-mathjax-config" not in page
        assert "data:image/png;base64" in page, name
        assert "import newslens" not in page, name
        assert "Kernel is running over TCP" not in page


def _seed_sentences() -> list[str]:
    articles = newslens.load_corpus("seeds")
    sents = newslens.sentences(articles)
    return [s for s in sents["text"] if len(s) >= 25]


SEED_PHRASES = ["seed corpus", "the seed", "single article", "With a single article",
                "On one article", "Putin demands Ukraine", "European leaders doubt",
                "von der Leyen criticises Russia"]


def test_no_seed_prose_outside_the_seed(built):
    _, _, _, pages, _ = built
    seed = _seed_sentences()
    assert len(seed) > 10
    for name, page in pages.items():
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        for sentence in seed:
            assert sentence not in text, (name, sentence)
        for phrase in SEED_PHRASES:
            assert phrase.lower() not in text.lower(), (name, phrase)


def test_findings_are_computed_from_this_corpus(built):
    _, _, _, pages, records = built
    outlets = len({r["source"] for r in records})
    assert f"The corpus holds {N_ARTICLES} articles from {outlets} outlets" in html.unescape(
        pages["01-corpus-overview"])
    assert f"{N_ARTICLES} articles from {outlets} outlets; the largest" in html.unescape(
        pages["05-compare-outlets"])


def test_evidence_rows_link_to_their_articles(built):
    _, _, _, pages, records = built
    for stem in ("01-corpus-overview", "02-sentiment-by-actor", "03-stance-comparison",
                 "04-territorial-claims"):
        # links in interactive tables are escaped twice (JSON in a script): any backslashes
        links = set(re.findall(r'href=\\*"(https://example\.com/news/7/\d+)\\*"', pages[stem]))
        assert len(links) >= 3, stem
        assert links <= {r["url"] for r in records}


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_reports_render_in_chromium_without_errors(built):
    from newslens.report.check import check_folder

    _, out, _, _, _ = built
    results = check_folder(out)
    assert next(r.name for r in results) == "index.html" and len(results) == len(REPORTS) + 1
    for r in results:
        assert r.errors == [], (r.name, r.errors)
        assert r.started == r.itables and r.height > 500
    assert results[1].itables >= 1  # the articles table of 30 rows is interactive
    assert all(p.exists() for r in results for p in r.screenshots)


def test_with_code_includes_code_and_no_kernel_warning(tmp_path, capfd):
    result = build_reports("seeds", tmp_path, with_code=True, names=["01-corpus-overview.ipynb"])
    assert result["failed"] == {}
    page = (tmp_path / "01-corpus-overview.html").read_text()
    assert "newslens" in page and "load_corpus" in page
    assert "running over TCP" not in capfd.readouterr().err


def test_bad_corpus_fails_before_running_notebooks(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-corpus"):
        build_reports(tmp_path / "no-such-corpus", tmp_path / "out")
    assert not (tmp_path / "out" / "index.html").exists()


def test_a_failing_notebook_is_reported_and_the_others_still_run(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    broken = tmp_path / "99-broken.ipynb"
    nb = new_notebook(cells=[new_code_cell('CORPUS = "seeds"', metadata={"tags": ["parameters"]}),
                             new_code_cell("print('before')"), new_code_cell("1 / 0")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, broken)
    result = build_reports("seeds", tmp_path / "out",
                           names=[str(broken), "01-corpus-overview.ipynb"])
    assert list(result["failed"]) == ["99-broken.ipynb"]
    assert "ZeroDivisionError" in result["failed"]["99-broken.ipynb"]
    assert [p.name for p in result["reports"]] == ["99-broken.html", "01-corpus-overview.html"]
    index = (tmp_path / "out" / "index.html").read_text()
    assert "This report failed: PapermillExecutionError" in index
