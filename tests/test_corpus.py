"""Article loading: every format, the seed, and every kind of bad input (nothing lost silently)."""

from __future__ import annotations

import json
from pathlib import Path

import newslens
import pandas as pd
import pytest
from newslens.io.corpus import COLUMNS, REPORT_COLUMNS, CorpusError, load_corpus, load_report

FORMATS = Path(__file__).parent / "fixtures" / "corpus" / "formats"
SEED_TITLE = "Putin Doubles Down on Territorial Demands Ahead of US Talks in Moscow"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def report_rows(articles: pd.DataFrame) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in load_report(articles).itertuples(index=False)]


def test_package_exports():
    assert newslens.load_corpus is load_corpus
    assert newslens.load_report is load_report
    assert issubclass(newslens.CorpusError, ValueError)


@pytest.mark.parametrize("path", [None, "seeds"])
def test_seed(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # "seeds" resolves to the project's seeds from any cwd
    articles = load_corpus(path)
    assert list(articles.columns) == COLUMNS
    assert len(articles) == 1
    art = articles.iloc[0]
    assert art.article_id == "000_348f96dc23722a11"
    assert art.path == "000_348f96dc23722a11.txt"
    assert art.title == SEED_TITLE
    assert art.text.startswith("As diplomatic tensions")
    assert art.text.endswith("this protracted conflict.")
    assert 400 < art.n_words < 500
    assert len(art.sha256) == 64 and art.source == "" and art.url == ""
    assert pd.isna(art.published) and str(articles.published.dtype).startswith("datetime64")
    assert load_report(articles).empty


def test_formats_fixture():
    articles = load_corpus(FORMATS)
    assert list(articles.columns) == COLUMNS + ["author", "section", "tags"]
    assert list(articles.article_id) == [
        "brief", "feed-1", "feed-2", "records-1", "records-2", "wire-1", "wire-2"]
    assert list(articles.path) == ["brief.md", "feed.csv", "feed.csv", "records.json",
                                   "records.json", "wire.jsonl", "wire.jsonl"]
    art = articles.set_index("article_id")
    assert art.loc["brief", "title"] == "EU Leaders Meet in Brussels"
    assert art.loc["brief", "text"] == ("European leaders met in Brussels on Monday.\n\n"
                                        "They discussed security guarantees for Ukraine.")
    assert art.loc["brief", "published"] == pd.Timestamp("2025-12-01")
    assert art.loc["brief", "source"] == "Example Wire"
    assert art.loc["brief", "url"] == "https://example.org/eu-brussels"
    assert art.loc["brief", "author"] == "A. Writer"
    assert art.loc["brief", "tags"] == ["eu", "summit"]
    assert art.loc["records-1", "source"] == "Example Times"  # outlet
    assert art.loc["records-1", "published"] == pd.Timestamp("2025-12-02 09:30")
    assert art.loc["records-2", "title"] == "Kyiv Reports Drone Attack"  # headline/body/link
    assert art.loc["records-2", "url"] == "https://example.org/kyiv"
    assert art.loc["feed-1", "text"] == (
        "Special envoy Steve Witkoff is expected in Moscow next week.")
    assert art.loc["feed-2", "url"] == "" and art.loc["feed-2", "section"] == "business"
    assert art.loc["wire-2", "published"] == pd.Timestamp("2025-11-24")
    assert pd.isna(art.loc["brief", "section"])
    assert load_report(articles).empty


def test_txt_newlines_and_whitespace(tmp_path):
    write(tmp_path, "a.txt",
          b"\r\n\r\n  Title here  \r\nFirst  line\r\n\r\n  indented\rlast\r\n\r\n")
    art = load_corpus(tmp_path).iloc[0]
    assert art.title == "Title here"
    # raw_text: the body as loaded (`text` is the analysed body, one-word label lines removed)
    assert art.raw_text == "First  line\n\n  indented\nlast"
    assert art.n_words == 2  # words of the analysed `text` ("First line")


def test_markdown_heading_and_untrusted_text(tmp_path):
    write(tmp_path, "m.md", "# A Heading\n\nBody with <script>alert(1)</script> kept.\n")
    art = load_corpus(tmp_path / "m.md").iloc[0]
    assert (art.article_id, art.path, art.title) == ("m", "m.md", "A Heading")
    assert art.text == "Body with <script>alert(1)</script> kept."


def test_csv_multiline_field(tmp_path):
    write(tmp_path, "f.csv", 'title,text\nA,"Para one.\r\n\r\n  Para ""two""."\nB,Plain.\n')
    articles = load_corpus(tmp_path)
    assert list(articles.text) == ['Para one.\n\n  Para "two".', "Plain."]
    assert list(articles.article_id) == ["f-1", "f-2"]


def test_single_file_path_is_file_name(tmp_path):
    write(tmp_path, "sub/one.jsonl", '{"title": "T", "text": "Body."}\n')
    articles = load_corpus(tmp_path / "sub" / "one.jsonl")
    assert list(articles.path) == ["one.jsonl"] and list(articles.article_id) == ["one-1"]


def test_acceptance_folder(tmp_path):
    good = "Good Article\nThe body of a good article.\n"
    write(tmp_path, "a_good.txt", good)
    write(tmp_path, "b_good.md", "---\ntitle: Second\n---\nAnother body.\n")
    write(tmp_path, "c_empty.txt", "")
    write(tmp_path, "d_binary.txt", bytes(range(256)) * 4)
    write(tmp_path, "e_broken.json", '{"title": "x", "text": ')
    write(tmp_path, "z/dup.json", json.dumps({"title": "Good Article",
                                              "text": "The  body of a good\narticle."}))
    articles = load_corpus(tmp_path)
    assert list(articles.article_id) == ["a_good", "b_good"]
    rows = report_rows(articles)
    assert [(p, a) for p, _, a in rows] == [
        ("c_empty.txt", "skipped"), ("d_binary.txt", "skipped"),
        ("e_broken.json", "skipped"), ("z/dup.json", "skipped")]
    problems = [p for _, p, _ in rows]
    assert problems[0] == "empty file"
    assert problems[1].startswith("binary file (")
    assert problems[2].startswith("malformed JSON")
    assert problems[3] == "duplicate of a_good"


def test_cp1252_and_bom(tmp_path):
    write(tmp_path, "cp.txt", "Kyiv’s “Plan”\nRussia’s demands — again.".encode("cp1252"))
    write(tmp_path, "bom.txt", "Title\nBody.".encode("utf-8-sig"))
    write(tmp_path, "bad.txt", b"Title\nBody \x81 here.")  # 0x81 is undefined in cp1252
    articles = load_corpus(tmp_path).set_index("article_id")
    assert articles.loc["cp", "title"] == "Kyiv’s “Plan”"
    assert articles.loc["cp", "text"] == "Russia’s demands — again."
    assert articles.loc["bom", "title"] == "Title"
    assert articles.loc["bad", "text"] == "Body \ufffd here."
    assert report_rows(articles) == [
        ("bad.txt", "undecodable bytes", "kept, bytes replaced with U+FFFD"),
        ("cp.txt", "not valid UTF-8, decoded as cp1252", "kept")]


def test_record_problems(tmp_path):
    write(tmp_path, "l.jsonl", '{"title": "One", "text": "First."}\n{broken\n\n'
          '[1, 2]\n{"text": "No title here."}\n{"title": "No text"}\n')
    write(tmp_path, "list.json", json.dumps([{"title": "J", "text": "Json body.",
                                              "date": "not a date"}, "oops"]))
    write(tmp_path, "rows.csv", 'title,text,date\nA,"Body, with comma",2025-01-02\n'
          'B,too,many,fields\n,Untitled body,\n')
    write(tmp_path, "nocol.csv", "title,summary\nX,Y\n")
    write(tmp_path, "fm.md", "---\ntitle: [unclosed\n---\nBody after bad front matter.\n")
    write(tmp_path, "open.md", "---\ntitle: x\nno end\n")
    articles = load_corpus(tmp_path)
    assert list(articles.article_id) == ["fm", "l-1", "l-5", "list-1", "open", "rows-1", "rows-3"]
    art = articles.set_index("article_id")
    assert art.loc["l-5", "title"] == "" and art.loc["rows-3", "title"] == ""
    assert pd.isna(art.loc["list-1", "published"])
    assert art.loc["rows-1", "published"] == pd.Timestamp("2025-01-02")
    assert (art.loc["fm", "title"], art.loc["fm", "text"]) == ("", "Body after bad front matter.")
    rows = report_rows(articles)
    assert [(p, a) for p, _, a in rows] == [
        ("fm.md", "kept, front matter ignored"), ("fm.md", "kept, title empty"),
        ("l.jsonl:2", "skipped"), ("l.jsonl:4", "skipped"),
        ("l.jsonl:5", "kept, title empty"), ("l.jsonl:6", "skipped"),
        ("list.json:1", "kept, date set to NaT"), ("list.json:2", "skipped"),
        ("nocol.csv", "skipped"),
        ("open.md", "kept, front matter ignored"), ("open.md", "kept, title empty"),
        ("rows.csv:2", "skipped"), ("rows.csv:3", "kept, title empty")]
    problems = {(p, a): prob for p, prob, a in rows}
    assert problems[("l.jsonl:2", "skipped")].startswith("malformed JSON line")
    assert problems[("l.jsonl:4", "skipped")] == "record is not a JSON object (list)"
    assert problems[("l.jsonl:6", "skipped")] == "missing text"
    assert problems[("list.json:1", "kept, date set to NaT")] == "unparseable date 'not a date'"
    assert problems[("rows.csv:2", "skipped")] == "malformed CSV row: 4 fields, header has 3"


def test_dates(tmp_path):
    records = [{"title": f"T{i}", "text": f"Body {i}.", "published": d}
               for i, d in enumerate(["2025-11-30T10:00:00+03:00", "now", "30 Nov 2025", ""])]
    write(tmp_path, "d.json", json.dumps(records))
    articles = load_corpus(tmp_path)
    assert list(articles.published) == [pd.Timestamp("2025-11-30 10:00"), pd.NaT,
                                        pd.Timestamp("2025-11-30"), pd.NaT]
    assert report_rows(articles) == [("d.json:2", "unparseable date 'now'",
                                      "kept, date set to NaT")]


def test_unsupported_hidden_and_id_collisions(tmp_path):
    write(tmp_path, "a.txt", "First\nOne body.")
    write(tmp_path, "a.md", "Second\nAnother body.")
    write(tmp_path, "sub/a.txt", "Third\nA third body.")
    write(tmp_path, "notes.pdf", b"%PDF-1.4")
    write(tmp_path, ".git/x.txt", "Hidden\nNot loaded.")
    write(tmp_path, ".ipynb_checkpoints/y.txt", "Hidden\nNot loaded.")
    write(tmp_path, ".hidden.txt", "Hidden\nNot loaded.")
    articles = load_corpus(tmp_path)
    ids = list(articles.article_id)
    assert list(articles.path) == ["a.md", "a.txt", "sub/a.txt"]
    assert ids[0] == "a" and ids[1].startswith("a-") and ids[2].startswith("a-")
    assert len(set(ids)) == 3
    assert ids[1] == "a-" + articles.sha256[1][:8]
    hidden = "(name starts with '.'), not read"
    assert report_rows(articles) == [
        (".git", f"hidden folder {hidden}", "skipped"),
        (".hidden.txt", f"hidden file {hidden}", "skipped"),
        (".ipynb_checkpoints", f"hidden folder {hidden}", "skipped"),
        ("notes.pdf", "unsupported format '.pdf'", "skipped")]


def test_deterministic_and_concat_safe(tmp_path):
    for name in ["b.txt", "a.txt", "c/d.txt"]:
        write(tmp_path, name, f"Title {name}\nBody of {name}.")
    write(tmp_path, "e.txt", "")
    first, second = load_corpus(tmp_path), load_corpus(tmp_path)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(load_report(first), load_report(second))
    assert list(first.path) == ["a.txt", "b.txt", "c/d.txt"]
    assert len(pd.concat([first.iloc[:1], first.iloc[1:]])) == 3  # report attrs survive concat


def test_load_report_absent():
    report = load_report(pd.DataFrame({"article_id": ["x"]}))
    assert report.empty and list(report.columns) == REPORT_COLUMNS


def test_errors(tmp_path):
    missing = tmp_path / "no_such_corpus"
    with pytest.raises(CorpusError) as err:
        load_corpus(missing)
    assert isinstance(err.value, FileNotFoundError)
    assert str(missing) in str(err.value)
    assert ".txt, .md, .json, .jsonl, .csv" in str(err.value)

    write(tmp_path, "bad/empty.txt", "")
    write(tmp_path, "bad/x.docx", b"PK")
    with pytest.raises(CorpusError, match=r"No readable articles in .*bad\. Supported formats"):
        load_corpus(tmp_path / "bad")
    with pytest.raises(CorpusError, match="empty.txt: empty file"):
        load_corpus(tmp_path / "bad")
    (tmp_path / "void").mkdir()
    with pytest.raises(CorpusError, match="No readable articles"):
        load_corpus(tmp_path / "void")
