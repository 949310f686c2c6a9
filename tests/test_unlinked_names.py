"""An unlinked named person is a real name: page furniture, bylines, credits, headings,
capitalised ordinary words, places and things are never actors (invented sentences); and the
fast paths of the mention stage find what the plain forms find."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest
from newslens.text import unknown
from newslens.text import unlinked as finder
from newslens.text.actors import _spaced, actor_mentions
from newslens.text.sentences import sentences


def unlinked(text: str, title: str = "Talks resume") -> list[tuple[str, str]]:
    """(text, actor_id) of the unlinked mentions of one article."""
    a = pd.DataFrame({"article_id": ["a1"], "title": [title], "text": [text]})
    m = actor_mentions(a, sentences(a))
    m = m[~m["linked"]]
    return list(zip(m.text, m.actor_id))


@pytest.mark.parametrize("text", [
    "Stay informed with our daily newsletter.",
    "Source: Agencies",
    "(Agencies)",
    "By Jane Roe and John Doe\nThe shelling went on overnight.",
    "By Jane Roe, Staff Correspondent\nThe shelling went on overnight.",
    "Photo: Jane Roe, the agency's photographer\nThe shelling went on overnight.",
    "Photo: Jane Roe/Foo Images\nThe shelling went on overnight.",
    "The shelling went on, officials said. (Reporting by Jane Roe; Editing by John Doe)",
    "Very few residents stayed. Among Supreme Court rulings, one stood out.",
    "Several Democratic strategists and a Muslim civil rights group agreed.",
    "Voters in South Carolina and New Hampshire went to the polls.",
    "He spoke from the Oval Office about Wall Street banks.",
    "Settlers in the West Bank protested.",
    "The Foo Memorandum and the Bar Accords were signed.",
    "“We reject [President Vladimir] Putin’s demands,” the envoy said.",
])
def test_not_names(text):
    assert unlinked(text) == []


def test_names_with_possessives_initials_and_roles():
    assert unlinked("Senator Jane Roe's office said no.") == [("Jane Roe", "person:jane-roe")]
    assert unlinked("Jane Q. Roe, the agency's director, said no.") == [
        ("Jane Q. Roe", "person:jane-q-roe")]
    # a capitalised word before a role is a modifier, not a name
    assert unlinked("Veteran Democratic strategist Jane Roe disagreed.") == [
        ("Jane Roe", "person:jane-roe")]
    # a role phrase before the name, set off by a comma
    assert unlinked("An adviser to the head of the regional council, Petro Ivanenko, "
                    "posted a photo.") == [("Petro Ivanenko", "person:petro-ivanenko")]
    # "<title> of (the) <domain> <name>": the domain word is no part of the name
    assert unlinked("Sergeant Major of the Army Jane Roe arrived. Roe spoke.") == [
        ("Jane Roe", "person:jane-roe"), ("Roe", "person:jane-roe")]
    assert unlinked("Supervisor of Elections Jane Roe said the count was over.") == [
        ("Jane Roe", "person:jane-roe")]


def test_an_organisation_after_an_office_is_no_person():
    got = unlinked("Jane Roe, who is now president of the Foo Action Forum, agreed.")
    assert ("Foo Action Forum", "organisation:foo-action-forum") in got
    assert not any(key.startswith("person:foo") for _, key in got)


def test_numbered_units_are_organisations():
    assert unlinked("Soldiers of the 47th separate mechanized brigade held the line; the 58th "
                    "Combined Arms Army attacked.") == [
        ("47th separate mechanized brigade", "organisation:47th-separate-mechanized-brigade"),
        ("58th Combined Arms Army", "organisation:58th-combined-arms-army")]
    assert unlinked("In the 1990s army reform began; 2nd place went to the army team.") == []


def test_a_byline_is_told_from_a_sentence():
    assert unlinked("By the end of the day, Ivan Petrenko said, the town held.") == [
        ("Ivan Petrenko", "person:ivan-petrenko")]


# --- fast paths: the same result as the plain forms ------------------------------------------

def test_spaced_reads_every_non_word_character_as_a_space():
    rng = random.Random(3)
    alphabet = "aZ9_ .,'’-–—“”«»()[]/\\&é€ßж\u00a0\t\n:;!?"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        plain = "".join(c if c.isalnum() or c == "_" else " " for c in text)
        assert _spaced(text) == plain, text


def test_the_run_regex_finds_the_runs_of_the_plain_pattern():
    plain = re.compile(rf"(?<![\w’'.-])(?:{finder._UWORD})(?:[ \t]+(?:(?:{finder._PARTICLES}"
                       rf"|of|for|the)[ \t]+){{0,3}}(?:{finder._UWORD}))*")
    rng = random.Random(5)
    parts = ["Foo", "Bar", "U.S.", "A.", "J.", "of", "the", "von", "x", " ", " ", "\t", "\n", ".",
             "'", "’s", "-", "O'Neil", "2", "_", "Ü", "é"]
    for _ in range(3000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 10)))
        assert [m.span() for m in finder._RUN.finditer(text)] == [
            m.span() for m in plain.finditer(text)], text


def test_blanking_mentions_gives_the_pieces_of_the_plain_scan():
    """Runs over the text with the gazetteer mentions blanked out give the same unlinked names
    as runs over the whole text split at the mentions."""
    text = "Kremlin aide Foo Barovich met Putin Ivan Petrenko and Gen. Tom Brandt in Geneva."
    covered = [(0, 7), (30, 35)]
    spans = finder._Spans(covered)
    masked = finder._masked(text, spans)
    assert len(masked) == len(text)
    assert masked[30:35] == "\x00" * 5 and masked[:7] == "\x00" * 7
    assert masked[7:30] == text[7:30] and masked[35:] == text[35:]
    names = [u.name for u in finder.find_unlinked(text, covered, unknown.default_places())]
    assert names == ["Foo Barovich", "Tom Brandt"]  # "Ivan Petrenko" is next to a mention
