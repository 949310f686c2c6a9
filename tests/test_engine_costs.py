"""Engine costs paid once per process stay small: scoring with TextBlob's lexicon does not import
NLTK (textblob/__init__.py would: 1.2 CPU-s per process), and TextBlob itself still works."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from newslens import compat
score = compat.textblob_polarity("A truly wonderful and happy day.")
lexicon_words = len(compat.textblob_live_words())
print("nltk" in sys.modules, "scipy" in sys.modules, lexicon_words > 1000)
from textblob import TextBlob
print(TextBlob("A truly wonderful and happy day.").sentiment.polarity == score, score > 0)
"""


def test_textblob_lexicon_without_nltk():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False", "True", "True", "True"]
