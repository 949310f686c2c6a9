"""load_corpus on a real-world folder: furniture out of `text` (kept in `raw_text`), syndicated
copies kept with one story, the load report saying what happened, analysis counting stories."""

from __future__ import annotations

import json

import newslens
from newslens import schema
from newslens.io.postload import place

WIRE = ("President Volodymyr Zelensky said on Monday that Ukraine would not withdraw from the "
        "Donetsk region, rejecting a demand made by the Kremlin before the next round of talks.\n"
        "“We will not give up our land,” Zelensky told reporters in Kyiv, adding that any "
        "agreement had to be put to a referendum.\n"
        "Kremlin spokesman Dmitry Peskov said Moscow's position was well known and that the "
        "withdrawal of Ukrainian troops remained a condition for a ceasefire.\n"
        "European leaders are due to meet in Paris on Thursday to discuss security guarantees.")


def records(folder, name, rows):
    (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_furniture_leaves_text_and_offsets_index_the_cleaned_text(tmp_path):
    body = f"ua en ru\nAdvertisement:\n{WIRE}\nRead more\nShare this article"
    records(tmp_path, "feed.jsonl", [
        {"title": "Zelensky rejects withdrawal", "text": "A short brief with no furniture at all "
         "said the talks would go on.", "source": "a.example"},
        {"title": "Zelensky rejects withdrawal demand", "text": body, "source": "b.example"}])
    articles = newslens.load_corpus(tmp_path)
    row = articles.set_index("article_id").loc["feed-2"]
    assert row["text"] == WIRE and row["raw_text"] == body and row["furniture_lines"] == 4
    assert newslens.load_report(articles).values.tolist() == [
        ["feed.jsonl:2", "4 page-furniture lines removed (menu 1, pattern 3)",
         "removed from the analysed text (kept in raw_text)"]]
    sents = newslens.sentences(articles)
    body_sents = sents[(sents["article_id"] == "feed-2") & (sents["field"] == "text")]
    assert all(row["text"][s:e] == t for s, e, t in
               zip(body_sents["start"], body_sents["end"], body_sents["text"]))
    assert schema.problems("articles", articles) == []


def test_syndicated_copies_are_kept_with_one_story(tmp_path):
    records(tmp_path, "wire.jsonl", [
        {"title": "Zelensky rejects withdrawal", "text": WIRE, "source": "wire.example",
         "date": "2026-01-12T09:00", "url": "https://wire.example/1"},
        {"title": "Kyiv says no to Kremlin demand", "text": "(Wire) " + WIRE + "\nRead also: "
         "Energy ministers meet", "source": "daily.example", "date": "2026-01-12T15:00"},
        {"title": "Zelensky rejects withdrawal", "text": WIRE, "source": "echo.example",
         "date": "2026-01-13"},
        {"title": "Zelensky rejects withdrawal", "text": WIRE, "source": "wire.example",
         "date": "2026-01-12T09:00", "url": "https://wire.example/1"}])
    articles = newslens.load_corpus(tmp_path)
    assert articles["article_id"].tolist() == ["wire-1", "wire-2", "wire-3"]
    assert articles["story_id"].tolist() == ["wire-1"] * 3
    assert articles["is_copy"].tolist() == [False, True, True]
    assert articles["copy_of"].tolist() == ["", "wire-1", "wire-1"]
    assert ["wire.jsonl:4", "duplicate of wire-1", "skipped"] in \
        newslens.load_report(articles).values.tolist()
    table = newslens.syndication_table(articles)
    assert table["republished_from"].tolist() == ["", "wire.example", "wire.example"]


def test_analysis_counts_a_syndicated_story_once(tmp_path):
    records(tmp_path, "wire.jsonl", [
        {"title": "Zelensky rejects withdrawal", "text": WIRE, "source": "wire.example",
         "date": "2026-01-12"},
        {"title": "Kyiv says no", "text": WIRE + "\nRead also: Energy ministers meet",
         "source": "daily.example", "date": "2026-01-13"}])
    articles = newslens.load_corpus(tmp_path)
    tables = newslens.analyze(articles, cache=False, workers=1)
    assert set(tables["statements"]["article_id"]) == {"wire-1", "wire-2"}  # both analysed
    zelensky = tables["actor_sentiment"].query("actor_id == 'zelensky' and voice == 'all'")
    assert zelensky["articles"].tolist() == [1]
    from newslens.analysis.sentiment import actor_sentiment
    per_article = actor_sentiment(tables["mention_sentiment"], articles=articles,
                                  count="article")
    assert per_article.query("actor_id == 'zelensky' and voice == 'all'")["articles"].tolist() \
        == [2]
    assert (tables["stance_matrix"]["n_articles"] == 1).all()
    assert set(tables["stance_sources"]["source"]) <= {"wire.example"}


def test_report_places_of_batch_records():
    assert place("feed.jsonl", "feed-3") == ("feed.jsonl", 3)
    assert place("dir/feed.csv", "feed-12-ab12cd34") == ("dir/feed.csv", 12)
    assert place("notes/a-1.md", "a-1") == ("notes/a-1.md", None)
    assert place("one.json", "one") == ("one.json", None)


def test_seed_articles_get_the_new_columns():
    articles = newslens.load_corpus()
    assert articles[["story_id", "is_copy", "copy_of", "language"]].values.tolist() == [
        [articles["article_id"].iloc[0], False, "", "en"]]
    assert (articles["raw_text"].str.len() >= articles["text"].str.len()).all()


def test_cli_prints_the_first_report_rows_and_points_to_the_file(tmp_path, capsys):
    from newslens.cli import REPORT_LINES, main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(f"Zelensky rejects withdrawal\n{WIRE}\n", encoding="utf-8")
    for i in range(REPORT_LINES + 3):
        (corpus / f"empty-{i:03d}.txt").write_text("")
    assert main(["analyze", str(corpus), "--out", str(tmp_path / "o"), "--no-cache",
                 "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert f"Load report: {REPORT_LINES + 3} problem(s)" in out
    assert out.count("empty file -> skipped") == REPORT_LINES
    assert f"... and 3 more in {tmp_path / 'o' / 'load_report.csv'}" in out
