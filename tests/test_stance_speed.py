"""The speed structures of the stances stage give what the plain code gives: the automaton
scanner of lexicon regexes (stance.scan) and the TextBlob pre-check (rules._may_score)."""

from __future__ import annotations

import random
import re
import sys

import numpy as np
import pytest
from newslens import compat
from newslens.analysis.stance import rules, scan
from newslens.analysis.stance.lexicons import _lexicons

TERMS = ["peace talks", "talks", "cease*", "on the table", "a basis for", "u.s. troops",
         "ukraine’s membership", "no", "as a condition", "in favour of", "land-for-peace"]

TEXTS = [
    "Peace talks resumed; the talks were on the table as a basis for a ceasefire.",
    "No. NO! no-fly zone, know, snow, casino",          # words, parts of words, hyphens
    "Ukraine’s membership and UKRAINE’S  membership",   # curly apostrophe, double space
    "ON\tTHE\nTABLE, on  the   table (on the table)",   # any whitespace between words
    "A\u00a0basis for talks, «talks», —talks—, …talks",  # non-ASCII spaces and stops
    "U.S. troops; u.s.troops; US troops",
    "ceasefire cease-fire CEASED ceasing",
    "land-for-peace, a land-for-peace deal, island-for-peace",
    "Kelvin \u212a, long \u017f, dotless \u0131, dotted \u0130 talks",  # case-folding traps
    "Écoutez: talks à Genève, naïve talks, talks’",
    "",
    "talks",
]


@pytest.mark.parametrize("text", TEXTS)
def test_scanner_finds_what_the_regex_finds(text):
    scanner = scan.Scanner(TERMS)
    want = [(m.start(), m.end()) for m in scanner.regex.finditer(text)]
    assert [(m.start(), m.end()) for m in scanner.finditer(text)] == want
    for pos, endpos in ((1, len(text)), (3, len(text) - 2), (5, 9), (0, sys.maxsize), (-2, 4)):
        want = [(m.start(), m.end()) for m in scanner.regex.finditer(text, pos, endpos)]
        got = [(m.start(), m.end()) for m in scanner.finditer(text, pos, endpos)]
        assert got == want, (pos, endpos)
        first = scanner.regex.search(text, pos, endpos)
        found = scanner.search(text, pos, endpos)
        assert (found and found.span()) == (first and first.span())


def test_scanner_reads_keys_out_of_order_when_a_key_holds_a_stop():
    # "u.s. troops" is read as the key STOP u STOP s STOP: the key of "s" ends inside it, so
    # the automaton reports "s" first though it starts later; the scanner sorts them
    scanner = scan.Scanner(["u.s. troops", "s"])
    assert not scanner._in_order
    text = "U.S. troops, u.s. s troops and s"
    assert [m.span() for m in scanner.finditer(text)] == [
        m.span() for m in scanner.regex.finditer(text)]
    assert scan.Scanner(["talks", "on the table"])._in_order


def test_scanner_keys_start_only_where_a_word_starts():
    scanner = scan.Scanner(["on the table", "talks"])
    # "on" inside a word is no candidate; the regex is tried at few places
    text = "Moscow's condition: one more round of talks on the table."
    assert [m.group(0) for m in scanner.finditer(text)] == ["talks", "on the table"]


def test_scanners_of_the_stance_lexicons_agree_with_their_regexes():
    lex = _lexicons()
    text = ("Russia said it would only accept a ceasefire if Ukraine withdrew from the four "
            "regions; Kyiv, which has long insisted on security guarantees, rejected the "
            "ultimatum, and NATO membership was not ruled out — the talks go on.")
    scanners = [lex.issue_re, lex.chain_re, lex.role_re, lex.predicates, lex.narration_re,
                *lex.markers.values()]
    for scanner in scanners:
        assert isinstance(scanner, scan.Scanner)
        assert [m.span() for m in scanner.finditer(text)] == [
            m.span() for m in scanner.regex.finditer(text)]


def test_case_folding_traps_are_left_to_the_regex():
    # re.IGNORECASE matches "ſ" with "s" and "İ" with "i"; lowercasing does not show them so
    scanner = scan.Scanner(["sanctions", "issue"])
    for text in ("new ſanctions", "an İSSUE", "the \u0130ssue of sanctions"):
        assert [m.span() for m in scanner.finditer(text)] == [
            m.span() for m in scanner.regex.finditer(text)]


def test_no_other_character_folds_to_an_ascii_letter():
    # the scanner's premise: besides the characters of scan._UNSAFE, a character that
    # re.IGNORECASE matches with an ASCII letter lowercases to that letter (or changes length)
    letters = re.compile("[a-z]", re.IGNORECASE)
    odd = [chr(c) for c in range(128, sys.maxunicode + 1)
           if letters.fullmatch(chr(c)) and len(chr(c).lower()) == 1
           and not ("a" <= chr(c).lower() <= "z") and chr(c) not in scan._UNSAFE]
    assert odd == []


@pytest.mark.parametrize("text", [
    "The talks were held in Geneva on Tuesday.",        # no scored word
    "This is a good basis for talks.",                  # "good"
    "It was not a bad idea, they didn't say.",          # negation, "n't"
    "Talks :) went on ( ! ) and on",                    # an emoticon, sarcasm across spaces
    "A well-intentioned but short-lived plan",          # hyphenated lexicon words
    "Great!\n\nTerrible.",                              # paragraph break
    "GOOD progress", "goods and services", "ungood",    # case; parts of words
    "1234 5678", "",
])
def test_polarity_precheck_never_hides_a_score(text):
    if not rules._may_score(text):
        assert compat.textblob_polarity(text) == 0.0
    rules._POLARITY.pop(text, None)
    assert rules._polarity(text) == compat.textblob_polarity(text)


def test_polarity_precheck_skips_plain_narration():
    assert not rules._may_score("The delegations met in Istanbul on Tuesday.")
    assert rules._may_score("It was a good meeting.")


def test_quote_blanking_is_the_documented_pattern():
    # roles.normalise uses a pattern led by a character set; it blanks what the plain one does
    from newslens.analysis.stance import roles
    rng = random.Random(7)
    alphabet = "ab A’'‘“”\"«» .,\n-é1"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert roles.normalise(text) == roles._QUOTE_MARKS.sub(" ", text), repr(text)


def test_missing_values_of_the_statements_table():
    import pandas as pd
    from newslens.analysis.stance.table import _missing
    for value in (None, float("nan"), pd.NA, np.float64("nan")):
        assert _missing(value) and pd.isna(value)
    for value in (0, 3, 2.5, np.int64(4), "x"):
        assert not _missing(value) and not pd.isna(value)
