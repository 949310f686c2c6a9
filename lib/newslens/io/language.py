"""The language of an article, so that only articles in the analysed languages are analysed.

The rules are English: an article in another language would give no mentions, statements or
claims and still count in every denominator. `identify(text)` returns an ISO 639-1 code:

1. a text with at least `MIN_WORDS` words of which at least `ENGLISH_SHARE` are English
   function words ("the", "of", "said", ...: `english_function_words` in `data/language.yml`)
   is English (most articles: no model needed);
2. a text written mostly in a non-Latin script (Cyrillic, Arabic, ...) is identified by
   py3langid whatever its length (its script alone rules English out);
3. a Latin-script text with at least `MIN_LETTERS` letters is identified by py3langid and is
   another language only when the model is at least `MIN_CONFIDENCE` sure;
4. anything else (short, ambiguous, mixed) is English: a short or unclear text is never
   excluded as foreign.

py3langid (a langid.py fork; its model ships in the package as a NumPy archive, read without
pickle) identifies 97 languages in ~3 ms for a 2,000-character article here; it reads the first
`MAX_CHARS` characters. langdetect (~25 ms, random unless seeded) and lingua (~20 ms, 40 s to
load every model) were slower on the same articles.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from newslens import lexicon

DEFAULT_LANGUAGES = ("en",)
MIN_WORDS = 20
ENGLISH_SHARE = 0.12
MIN_LETTERS = 120
MIN_CONFIDENCE = 0.95
MAX_CHARS = 3000
QUICK_CHARS = 1500
_PUNCTUATION = "\"'“”‘’.,;:!?()[]«»—–-"
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's identifier with normalised probabilities (loaded once, ~2 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    with _LOCK:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _latin_share(text: str) -> tuple[int, float]:
    """(letters, share of them that are Latin) in `text`."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0, 1.0
    latin = sum(1 for ch in letters if ch < "\u0250")  # Basic Latin to Latin Extended-B
    return len(letters), latin / len(letters)


def _english_share(sample: str, english: frozenset) -> tuple[int, float]:
    """(words, share of them that are English function words) in `sample`."""
    words = [w.strip(_PUNCTUATION) for w in sample.lower().split()]
    return len(words), (sum(map(english.__contains__, words)) / len(words) if words else 0.0)


def identify(text: str, english: frozenset | None = None) -> str:
    """ISO 639-1 code of `text` ("en" unless another language is clear; see the module doc).
    `english`: the function words (default: `english_function_words` of data/language.yml)."""
    sample = text[:MAX_CHARS]
    english = english if english is not None else lexicon.word_set("english_function_words")
    n_words, share = _english_share(sample[:QUICK_CHARS], english)
    if n_words >= MIN_WORDS and share >= ENGLISH_SHARE:
        return "en"
    letters, latin = _latin_share(sample)
    if letters == 0:
        return "en"
    if latin < 0.5:
        return str(_identifier().classify(sample)[0])
    if letters < MIN_LETTERS:
        return "en"
    language, confidence = _identifier().classify(sample)
    return str(language) if confidence >= MIN_CONFIDENCE else "en"


def identify_all(titles, texts) -> list[str]:
    """The language of each article, from its headline and body together."""
    english = lexicon.word_set("english_function_words")
    return [identify(f"{title}\n{text}" if title else text, english)
            for title, text in zip(titles, texts)]


def normalise_languages(languages) -> tuple[str, ...] | None:
    """A tuple of lower-case codes from "en", "en,uk" or a list; None means every language
    ("all" or "*")."""
    if languages is None:
        return DEFAULT_LANGUAGES
    if isinstance(languages, str):
        languages = languages.split(",")
    codes = tuple(sorted({str(c).strip().lower() for c in languages if str(c).strip()}))
    if not codes:
        raise ValueError("languages: give at least one language code (e.g. 'en'), or 'all'")
    if "all" in codes or "*" in codes:
        return None
    bad = [c for c in codes if not re.fullmatch(r"[a-z]{2,3}", c)]
    if bad:
        raise ValueError(f"languages: {', '.join(bad)} is not a language code "
                         "(two or three letters, e.g. en, uk, ru; or 'all')")
    return codes


def analysed(articles, languages=None):
    """The articles in `languages` (default: those `load_corpus` was given, else English).

    `languages="all"` keeps every article; a table without a `language` column is kept whole.
    """
    if languages is None:
        languages = articles.attrs.get("languages", DEFAULT_LANGUAGES)
    codes = normalise_languages(languages)
    if codes is None or "language" not in articles.columns:
        return articles
    keep = articles["language"].isin(codes).to_numpy()
    if keep.all():
        return articles
    out = articles[keep].reset_index(drop=True)
    out.attrs = dict(articles.attrs)
    return out
