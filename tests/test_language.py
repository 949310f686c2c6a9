"""Languages: each article gets one; other languages are kept, reported and not analysed; short
or ambiguous texts are never called foreign (invented texts)."""

from __future__ import annotations

import newslens
import pandas as pd
import pytest
from newslens.cli import main
from newslens.io import language

ENGLISH = ("Ukrainian and Russian negotiators met in Geneva on Tuesday for a second day of talks "
           "on a prisoner exchange, officials from both delegations said. The head of the "
           "Ukrainian delegation said the sides had agreed on a first list of names.")
RUSSIAN = ("Переговоры делегаций России и Украины продолжились во вторник в Женеве. По словам "
           "представителя Кремля, стороны обсудили обмен пленными и договорились встретиться "
           "снова на следующей неделе, чтобы уточнить оставшиеся вопросы.")
UKRAINIAN = ("Переговори делегацій України та Росії тривали у вівторок у Женеві. За словами "
             "голови української делегації, сторони погодили перший список імен і зустрінуться "
             "знову наступного тижня, щоб узгодити решту питань.")
GERMAN = ("Die Verhandlungen zwischen den Delegationen der Ukraine und Russlands wurden am "
          "Dienstag in Genf fortgesetzt. Nach Angaben beider Seiten einigte man sich auf eine "
          "erste Liste von Gefangenen, die ausgetauscht werden sollen.")
FRENCH = ("Les négociations entre les délégations ukrainienne et russe se sont poursuivies mardi "
          "à Genève. Selon les deux parties, une première liste de prisonniers à échanger a été "
          "établie et une nouvelle réunion aura lieu la semaine prochaine.")


@pytest.mark.parametrize("text,code", [(ENGLISH, "en"), (RUSSIAN, "ru"), (UKRAINIAN, "uk"),
                                       (GERMAN, "de"), (FRENCH, "fr")])
def test_articles_in_other_languages_are_identified(text, code):
    assert language.identify(text) == code


@pytest.mark.parametrize("text", [
    "ua en ru", "Kyiv", "Donbas", "Read more", "OK", "Peskov: no comment.",
    "Zelensky, Putin, Trump", "Zelensky said talks would go on.", "Merz in Kyiv",
    "Kupiansk, Pokrovsk, Huliaipole", "Dnipropetrovsk oblast", "Vive la paix", "",
    "2026-03-02 10:15", "Witkoff and Kushner met Dmitriev in Miami on Saturday.",
])
def test_short_or_ambiguous_texts_are_not_called_foreign(text):
    assert language.identify(text) == "en"


def test_an_english_article_quoting_another_language_is_english():
    assert language.identify(f"{ENGLISH} He wrote: «{RUSSIAN[:90]}»") == "en"


def test_languages_parameter_is_checked():
    assert language.normalise_languages("en, UK") == ("en", "uk")
    assert language.normalise_languages(["ru"]) == ("ru",)
    assert language.normalise_languages("all") is None
    assert language.normalise_languages(None) == ("en",)
    with pytest.raises(ValueError, match="english is not a language code"):
        language.normalise_languages("english")


@pytest.fixture()
def mixed(tmp_path):
    tmp_path = tmp_path / "corpus"
    tmp_path.mkdir()
    (tmp_path / "en.txt").write_text(f"Talks go on in Geneva\n{ENGLISH}\n", encoding="utf-8")
    (tmp_path / "ru.txt").write_text(f"Переговоры продолжаются\n{RUSSIAN}\n", encoding="utf-8")
    (tmp_path / "uk.txt").write_text(f"Переговори тривають\n{UKRAINIAN}\n", encoding="utf-8")
    return tmp_path


def test_other_languages_are_kept_and_reported(mixed):
    articles = newslens.load_corpus(mixed)
    assert articles.set_index("article_id")["language"].to_dict() == {
        "en": "en", "ru": "ru", "uk": "uk"}
    report = newslens.load_report(articles)
    assert report.values.tolist() == [
        ["ru.txt", "not analysed: language ru", "kept, left out of the analysis tables"],
        ["uk.txt", "not analysed: language uk", "kept, left out of the analysis tables"]]
    assert language.analysed(articles)["article_id"].tolist() == ["en"]
    assert language.analysed(articles, "all")["article_id"].tolist() == ["en", "ru", "uk"]


def test_analysis_tables_leave_other_languages_out_unless_asked(mixed):
    articles = newslens.load_corpus(mixed)
    tables = newslens.analyze(articles, cache=False, workers=1)
    assert set(tables["sentences"]["article_id"]) == {"en"}
    tables = newslens.analyze(articles, cache=False, workers=1, languages="en,ru")
    assert set(tables["sentences"]["article_id"]) == {"en", "ru"}
    chosen = newslens.load_corpus(mixed, languages="uk")
    assert newslens.load_report(chosen)["problem"].tolist() == [
        "not analysed: language en", "not analysed: language ru"]
    assert set(newslens.analyze(chosen, cache=False, workers=1)["sentences"]["article_id"]) \
        == {"uk"}


def test_cli_languages(mixed, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(mixed), "--out", str(out), "--languages", "all",
                 "--no-cache", "--workers", "1"]) == 0
    assert set(pd.read_csv(out / "sentences.csv")["article_id"]) == {"en", "ru", "uk"}
    assert main(["analyze", str(mixed), "--out", str(out), "--no-cache", "--workers", "1"]) == 0
    assert set(pd.read_csv(out / "sentences.csv")["article_id"]) == {"en"}
    assert "not analysed: language ru" in capsys.readouterr().out
    assert main(["analyze", str(mixed), "--out", str(out), "--languages", "xx-yy"]) == 2
