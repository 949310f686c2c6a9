"""The adapters over library internals agree with the libraries' public results.

If an upgrade of Python or TextBlob changes the internals newslens's fast paths read, these
tests fail (the analysis would otherwise drift silently).
"""

from __future__ import annotations

import itertools
import re

from newslens import compat


def test_required_literals_of_alternations_and_groups():
    assert compat.required_literals(r"\bcede(?:s|d)?\b|gave\s+up") == frozenset({"cede", "gave"})
    assert compat.required_literals(r"withdraw\w*\s+(?:from|of)") == frozenset({"withdraw"})
    assert compat.required_literals(r"(?:a|\w+)\s+x") is None  # no literal every match needs


def test_required_literals_never_hide_a_match():
    patterns = [r"\bcede(?:s|d)?\b|gave\s+up", r"(?:pull(?:ed)?\s+out|withdr[ae]w\w*)\s+of",
                r"recogni[sz]e\w*", r"\bheld\s+by\b|under\s+(?:the\s+)?control"]
    texts = ["Kyiv will never cede Zaporizhzhia.", "They pulled out of the town.",
             "Moscow wants Kyiv to recognise the annexation.", "The village is held by Russia.",
             "Troops WITHDREW OF the area", "Nothing here."]
    for pattern in patterns:
        needles = compat.required_literals(pattern)
        assert needles, pattern
        regex = re.compile(pattern, re.IGNORECASE)
        for text in texts:
            if regex.search(text):
                assert any(n in text.lower() for n in needles), (pattern, text)


def test_textblob_fast_lexicon_keeps_assessments():
    from textblob._text import Sentiment

    lex = compat.textblob_lexicon()
    words = ["2025", "'s", "it's", "not", "good", "very", "!", "bad", "12%", ":)", "'''", "x'",
             "n't", "1", "(!)", "never"]
    for combo in itertools.product(words, repeat=3):
        expected = Sentiment.assessments(lex, ((w, None) for w in combo), True)
        assert lex(list(combo)).assessments == expected, combo


def test_textblob_polarity_matches_the_public_api():
    from textblob.en import sentiment

    for text in ["", "not good!", "I don't like it :)", "very very bad (!)", "a fair peace",
                 "It's 2025; gains of 12%...", "He said the plan was never acceptable."]:
        assert compat.textblob_polarity(text) == sentiment(text)[0], text


def test_textblob_live_words_include_lexicon_and_emoticons():
    live = compat.textblob_live_words()
    assert {"good", "bad", ":)", "(!)"} <= live
    assert "negotiations" not in live
