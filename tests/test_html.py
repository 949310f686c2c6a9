"""Saved web pages: main text and metadata come back, page chrome does not, and a page that
cannot be read is reported without stopping the load (invented pages)."""

from __future__ import annotations

import json

import newslens
import pandas as pd
import pytest
from newslens.io import html

PARAGRAPHS = [
    ("The Kremlin said on Tuesday that talks with Kyiv would continue next week in Istanbul, "
     "despite new strikes on energy facilities in the east of the country."),
    ("“We remain open to dialogue,” the spokesman told reporters in Moscow, adding that no date "
     "had been set for a meeting between the two leaders."),
    ("Ukraine's foreign minister said the proposal was not serious and called on partners to "
     "increase pressure on Moscow before the next round."),
    ("European officials said they would discuss the offer at a meeting in Brussels on Thursday, "
     "where ministers are also expected to approve new sanctions."),
]
NAV = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li>" \
      "<li><a href='/sport'>Sport</a></li></ul></nav>"
FOOTER = "<footer><p>Copyright 2026 Example Daily. All rights reserved.</p>" \
         "<a href='/privacy'>Privacy policy</a></footer>"


def page(head: str, *, body_extra: str = "", paragraphs=PARAGRAPHS,
         title: str = "Kremlin says talks with Kyiv will continue") -> str:
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{NAV}"
            f"<div class='ad'>Advertisement</div><article><h1>{title}</h1>{ps}{body_extra}"
            f"</article><aside><h3>Most read</h3><ul><li><a href='/a'>Another story</a></li>"
            f"</ul></aside>{FOOTER}<script>var tracking = '<p>not text</p>';</script>"
            "</body></html>")


JSONLD = ("<title>Kremlin says talks with Kyiv will continue | Example Daily</title>"
          "<link rel='canonical' href='https://example.org/news/2026/03/talks'>"
          "<script type='application/ld+json'>" + json.dumps({
              "@context": "https://schema.org", "@type": "NewsArticle",
              "headline": "Kremlin says talks with Kyiv will continue",
              "datePublished": "2026-03-03T10:00:00+02:00",
              "author": {"@type": "Person", "name": "Jane Roe"},
              "publisher": {"@type": "Organization", "name": "Example Daily"}}) + "</script>")
OPENGRAPH = ("<meta property='og:title' content='Kremlin says talks with Kyiv will continue'>"
             "<meta property='og:site_name' content='Wire Today'>"
             "<meta property='og:url' content='https://wire.example/story/77'>"
             "<meta property='article:published_time' content='2026-02-27T08:30:00Z'>"
             "<meta name='author' content='John Doe'>")


def write(folder, name, content):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_json_ld_page(tmp_path):
    write(tmp_path, "talks.html", page(JSONLD))
    row = newslens.load_corpus(tmp_path).iloc[0]
    assert row["title"] == "Kremlin says talks with Kyiv will continue"
    assert row["published"] == pd.Timestamp("2026-03-03")
    assert row["author"] == "Jane Roe" and row["source"] == "Example Daily"
    assert row["url"] == "https://example.org/news/2026/03/talks"
    assert row["text"].split("\n") == PARAGRAPHS
    for chrome in ("Home", "Sport", "All rights reserved", "Most read", "not text",
                   "Advertisement"):
        assert chrome not in row["raw_text"], chrome


def test_opengraph_page_and_htm_suffix(tmp_path):
    write(tmp_path, "wire.htm", page(OPENGRAPH))
    row = newslens.load_corpus(tmp_path).iloc[0]
    assert (row["title"], row["source"], row["author"]) == (
        "Kremlin says talks with Kyiv will continue", "Wire Today", "John Doe")
    assert row["published"] == pd.Timestamp("2026-02-27")
    assert row["url"] == "https://wire.example/story/77"


def test_page_without_metadata_uses_title_and_no_date(tmp_path):
    write(tmp_path, "bare.html", page("<title>Talks continue</title>", title="Talks continue"))
    articles = newslens.load_corpus(tmp_path)
    row = articles.iloc[0]
    assert row["title"] == "Talks continue" and pd.isna(row["published"])
    assert row["text"].split("\n") == PARAGRAPHS


def test_furniture_inside_the_article_leaves_the_analysed_text(tmp_path):
    extra = ("<p>Read also: Energy ministers meet in Brussels</p><p>Share this article</p>"
             "<p>Follow us on Telegram</p>")
    write(tmp_path, "talks.html", page(JSONLD, body_extra=extra))
    articles = newslens.load_corpus(tmp_path)
    row = articles.iloc[0]
    assert row["text"].split("\n") == PARAGRAPHS
    assert "Share this article" in row["raw_text"] and row["furniture_lines"] == 3
    assert newslens.load_report(articles)["problem"].tolist() == [
        "3 page-furniture lines removed (pattern 3)"]


def test_declared_charset_is_used(tmp_path):
    russian = [("Переговоры в Женеве продолжатся на следующей неделе, заявил представитель "
                "Кремля журналистам во вторник вечером после встречи делегаций.")] * 3
    content = page("<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
                   "<title>Переговоры продолжатся</title>", paragraphs=russian,
                   title="Переговоры продолжатся").replace("charset='utf-8'", "")
    write(tmp_path, "ru.html", content.encode("cp1251"))
    articles = newslens.load_corpus(tmp_path, languages="all")
    assert articles.iloc[0]["title"] == "Переговоры продолжатся"
    assert articles.iloc[0]["text"].startswith("Переговоры в Женеве")
    assert articles.iloc[0]["language"] == "ru"


def test_bad_pages_are_reported_and_the_rest_loads(tmp_path, monkeypatch):
    write(tmp_path, "a-good.html", page(JSONLD))
    write(tmp_path, "b-empty.html", "   \n")
    write(tmp_path, "c-binary.html", b"\x00\x01\x02PNG" * 10)
    write(tmp_path, "d-chrome-only.html", f"<html><body>{NAV}{FOOTER}</body></html>")
    write(tmp_path, "e-notes.md", "# Notes on the talks\n\nThe envoy said the talks would go on.")
    write(tmp_path, "f-feed.jsonl", json.dumps({"title": "Feed item", "text": "The minister "
                                                "said the plan was not final."}) + "\n")
    write(tmp_path, "g-table.csv", "title,text\nCSV item,Officials said the truce held.\n")
    articles = newslens.load_corpus(tmp_path)
    assert articles["article_id"].tolist() == ["a-good", "e-notes", "f-feed-1", "g-table-1"]
    assert newslens.load_report(articles).values.tolist() == [
        ["b-empty.html", "empty file", "skipped"],
        ["c-binary.html", "binary file, not an HTML page", "skipped"],
        ["d-chrome-only.html", "no main text found in the page", "skipped"]]

    def broken(*args, **kwargs):
        raise RuntimeError("parser crashed")

    monkeypatch.setattr("trafilatura.bare_extraction", broken)
    articles = newslens.load_corpus(tmp_path)
    assert "a-good" not in set(articles["article_id"])
    assert ["a-good.html", "HTML extraction failed: RuntimeError: parser crashed", "skipped"] \
        in newslens.load_report(articles).values.tolist()


@pytest.mark.parametrize("data,text,problem", [
    ("<meta charset='utf-8'><p>Kyiv’s plan</p>".encode(), "Kyiv’s plan", None),
    ("<meta charset='koi8-r'><p>Мир</p>".encode("koi8-r"), "Мир", None),
    ("<p>Kyiv’s plan</p>".encode("cp1252"), "Kyiv’s plan", "not valid UTF-8, decoded as cp1252"),
    (b"<meta charset='nonsense'><p>plan</p>", "plan", "unknown charset 'nonsense' declared"),
])
def test_decode_html(data, text, problem):
    decoded, found = html.decode_html(data)
    assert text in decoded and found == problem
