"""Issue 23 (statements speed): the structures that spare the detectors work must never drop a
statement. Invented sentences that each filter has to let through, in ASCII text (the literal
pre-filter decides) and with an accented letter in the window (the regex decides)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from newslens.analysis.attribution import spans, statements
from newslens.analysis.attribution.cues import Cue
from newslens.analysis.attribution.discourse import Discourse
from newslens.analysis.attribution.records import CueHit, Speaker
from newslens.analysis.attribution.table import _idiom_words
from newslens.text.actors import actor_mentions
from newslens.text.sentences import sentences as split


def real(*paragraphs: str) -> pd.DataFrame:
    a = pd.DataFrame({"article_id": ["a1"], "title": ["Talks resume in the capital"],
                      "text": ["\n".join(paragraphs)]})
    s = split(a)
    return statements(s, actor_mentions(a, s))


_SAY = Cue("say", "neutral", "verbs")


@pytest.mark.parametrize("text, ing, participle", [
    ("said", False, True), ("saying", True, False), ("Told", False, True),
    ("reported", False, True), ("says", False, False), ("adding that", True, False),
    ("according\nto", False, False), ("called on", False, True)])
def test_a_cue_hit_carries_its_word_tests(text, ing, participle):
    hit = CueHit.of(3, 3 + len(text), text, _SAY)
    assert (hit.is_participle, hit.participle) == (ing, participle)
    again = CueHit.of(9, 9 + len(text), text, _SAY)  # the second one comes from the cache
    assert (again.start, again.is_participle, again.participle) == (9, ing, participle)
    assert hit._replace(start=0).participle == participle


@pytest.mark.parametrize("lead", ["", "After the café meeting, "])
def test_the_familiar_source_filter_lets_the_source_through(lead):
    st = real(f"{lead}Two people familiar with the talks said the deal was close.")
    assert len(st) == 1
    row = st.iloc[0]
    assert (row.speaker, row.speaker_kind) == ("anonymous:people", "anonymous")
    assert row.speaker_text.lower() == "two people"
    assert row.content == "the deal was close"


def test_a_source_close_to_someone_passes_the_filter():
    st = real("A source close to the minister said the convoy was delayed.")
    assert len(st) == 1 and st.iloc[0].speaker_kind == "anonymous"


@pytest.mark.parametrize("lead", ["", "After the café meeting, "])
def test_the_issued_document_filter_lets_the_document_through(lead):
    st = real(f"{lead}The ministry released a video saying the talks had failed.")
    assert len(st) == 1
    row = st.iloc[0]
    assert (row.cue, row.form, row.speaker) == ("saying", "noun", "organisation:ministry")
    assert row.content == "the talks had failed"


def test_a_cue_in_an_idiom_is_no_statement_and_the_same_word_elsewhere_is():
    st = real("Having said that, the talks resumed on Monday.",
              "The minister said that the talks had failed.")
    assert list(st["content"]) == ["the talks had failed"]


def test_idiom_words_are_made_once_per_regex():
    idiom = re.compile(r"(?<!\w)(?:having\s+said\s+that)(?!\w)", re.IGNORECASE)
    words = _idiom_words(idiom)
    assert {"having", "said", "that"} <= words
    assert _idiom_words(idiom) is words
    assert _idiom_words(None) == frozenset()


@pytest.mark.parametrize("head, skipped", [
    ("Trump last week ", "last week "), ("The ministry in a statement ", "in a statement "),
    ("He has also repeatedly ", "has also repeatedly "), ("Obama in 2012 ", "in 2012 "),
    ("Putin on Monday ", "on Monday "), ("The envoy once again ", "once again "),
    ("Kallas ", ""), ("", ""), ("The plan in turn ", "in turn ")])
def test_the_aux_gap_scan_skips_auxiliaries_and_adverbials(head, skipped):
    text = head + "said that the talks failed"
    assert text[spans.aux_gap_start(text, len(head)):len(head)] == skipped


def test_content_after_with_a_known_match_is_the_same():
    text = "X said: “We stay.” and more"
    at = text.index(" said") + 5
    q = spans.QUOTE_AFTER.match(text, at)
    assert spans.content_after(text, at, q) == spans.content_after(text, at)
    plain = "X said that the talks failed"
    at = plain.index(" said") + 5
    assert spans.content_after(plain, at, None) == spans.content_after(plain, at) == (
        at + len(" that "), len(plain), False)


def test_the_first_entity_of_a_sentence_is_indexed_as_entities_come():
    d = Discourse(None, {})
    sp = Speaker(0, 0, "X", "x", "person")
    d.entities += [(0, sp, None), (0, sp, None), (2, sp, None)]
    assert [d._first_entity_of(n) for n in (0, 1, 2)] == [0, -1, 2]
    d.entities += [(2, sp, None), (3, sp, None)]
    assert [d._first_entity_of(n) for n in (2, 3)] == [2, 4]


def test_he_is_the_person_named_first_in_the_sentence_before():
    st = real("Putin met Macron in the capital on Monday.",
              "He said that the talks had been useful.")
    assert len(st) == 1 and (st.iloc[0].form, st.iloc[0].speaker) == ("pronoun", "putin")


@pytest.mark.parametrize("text", [
    "Officials gave no details; the spokesman, Dmitry Peskov, said",
    "It cost 1,200 dollars, analysts said", "“We will not,” he said: no more [talks] «now» said",
    "no marks at all said", ",said", "1,2", "a,1,2,3 b",
])
def test_window_start_is_the_last_hard_mark_outside_numbers(text):
    from newslens.analysis.attribution.phrases import _HARD, window_start
    for end in range(len(text) + 1):
        at, stop = 0, end  # the definition: the last hard mark, skipping commas inside numbers
        while True:
            at = max(text.rfind(ch, 0, stop) for ch in _HARD)
            if at <= 0 or not (text[at] == "," and text[at - 1].isdigit()
                               and text[at + 1:at + 2].isdigit()):
                break
            stop = at
        assert window_start(text, end) == max(at, 0)


def test_idiom_words_are_keyed_by_the_pattern_text():
    idiom = re.compile(r"(?<!\w)(?:that\s+said)(?!\w)", re.IGNORECASE)
    twin = re.compile(idiom.pattern)  # another Pattern object of the same text
    assert twin is not idiom and _idiom_words(idiom) is _idiom_words(twin)
    assert {"that", "said"} <= _idiom_words(twin)


def test_the_named_mention_ending_at_an_offset_is_the_first_that_names_an_actor():
    from newslens.analysis.attribution.records import Mention, Sentence
    text = "His aide Putin and he said"
    ms = [Mention(0, 3, "putin", "person", "pronoun", "His", True),
          Mention(9, 14, None, "person", "name", "Putin", False),
          Mention(9, 14, "putin", "person", "name", "Putin", False),
          Mention(9, 14, "kremlin", "organisation", "name", "Putin", False),
          Mention(19, 21, "putin", "person", "pronoun", "he", False)]
    s = Sentence(text, ms, [])
    assert s.named_mention_ending(14) is ms[2]
    assert s.named_mention_ending(3) is None and s.named_mention_ending(21) is None


@pytest.mark.parametrize("text", [
    "Many have also said", "the leaders, some repeatedly said", "along with officials who",
    "wİth the officials of", "ſome said", "he made a number of", "she MA\u212aES a", "whereas ",
    "and others ", "nothing to find here ",
])
def test_a_gated_pattern_finds_what_its_pattern_finds(text):
    from newslens.analysis.attribution.forms import _LIGHT
    for gated in (spans.CONTRAST, spans.WITH_LEFT, spans.GROUP_SUBJECT, _LIGHT):
        for end in range(len(text) + 1):
            for window in (8, 60):
                pos = max(0, end - window)
                got, want = gated.search(text, pos, end), gated.pattern.search(text, pos, end)
                assert (got and got.span()) == (want and want.span())
