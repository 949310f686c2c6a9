"""The lexicon layer: one YAML loader (content-hash cache, one error type), one trie builder."""

from __future__ import annotations

import re

import pytest
from conftest import assert_data_error
from newslens import lexicon
from newslens.analysis.attribution import load_reporting_verbs


def _count_calls():
    calls = []

    def parse(doc, path):
        calls.append(path)
        return doc

    return parse, calls


def test_load_parses_once_per_content(tmp_path):
    path = tmp_path / "words.yml"
    path.write_text("a: [x]\n", encoding="utf-8")
    parse, calls = _count_calls()
    assert lexicon.load(path, parse) == {"a": ["x"]}
    assert lexicon.load(path, parse) == {"a": ["x"]}
    assert len(calls) == 1
    path.write_text("a: [y]\n", encoding="utf-8")  # same name and size, new content
    assert lexicon.load(path, parse) == {"a": ["y"]}
    assert len(calls) == 2


def test_yaml_and_encoding_errors_name_the_file(tmp_path):
    parse, _ = _count_calls()
    assert_data_error(tmp_path, "bad.yml", "a: [\n", lambda p: lexicon.load(p, parse),
                      "not valid YAML")
    path = tmp_path / "latin.yml"
    path.write_bytes(b"a: caf\xe9\n")
    with pytest.raises(lexicon.DataFileError, match="latin.yml: not UTF-8"):
        lexicon.load(path, parse)


def test_reporting_verbs_errors_name_entry_and_problem(tmp_path):
    err = assert_data_error(tmp_path, "verbs.yml", "verbs:\n  neutral: [say]\n  loud: [shout]\n",
                            load_reporting_verbs, "unknown class 'loud'")
    assert err.entry == "verbs"
    assert_data_error(tmp_path, "verbs.yml", "verbs:\n  neutral: [say]\n  negative: [say]\n",
                      load_reporting_verbs, "cue 'say': listed twice")


def test_word_lists_come_from_the_data_file(tmp_path):
    assert "not" in lexicon.word_set("negators")
    assert "gen" in lexicon.word_set("title_abbreviations")
    path = tmp_path / "language.yml"
    path.write_text("negators: [not]\n", encoding="utf-8")
    assert lexicon.words("negators", path) == ("not",)
    with pytest.raises(lexicon.DataFileError, match="missing word list 'months'"):
        lexicon.words("months", path)
    assert_data_error(tmp_path, "language.yml", "negators: not\n",
                      lambda p: lexicon.words("negators", p), "'words' must be a list")


def test_trie_regex_prefers_the_longest_term_and_word_tails():
    rx = lexicon.lexicon_regex(["say", "said", "call for", "withdr*"])
    text = "They said they would call  for talks and withdrawal; saying nothing."
    assert [m.group(0) for m in rx.finditer(text)] == ["said", "call  for", "withdrawal"]


def test_place_atoms_match_apostrophe_and_dash_variants():
    rx = re.compile(lexicon.trie_regex(["Kam'yanske", "Velyka Novosilka"],
                                       atoms=lexicon.place_atoms, order=str))
    assert rx.fullmatch("Kam’yanske") and rx.fullmatch("Kam'yanske")
    assert rx.fullmatch("Velyka Novosilka") and not rx.fullmatch("Velyka-Novosilka")
