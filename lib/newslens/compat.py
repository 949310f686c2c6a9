"""Adapters over library internals that a fast path needs (one place; tests pin the behaviour).

- `required_literals(pattern)`: strings one of which every match of a regex must contain, read
  from CPython's regex parser (`re._parser`), so a cheap substring test can skip a sentence
  before the regex runs. Returns None whenever the parser is unavailable or changes shape:
  callers then always run the regex (slower, never wrong).
- `textblob_lexicon()`: TextBlob's pattern lexicon as a plain dict callable on a word list
  (`textblob._text.Sentiment.assessments` without the lazy-dict indirection, ~2x faster, same
  numbers); `textblob_live_words()`: the words and emoticons that can move it;
  `textblob_polarity(text)`: `textblob.en.sentiment(text)[0]` through that fast lexicon.
  `textblob.en` and `textblob._text` are imported without running `textblob/__init__.py`
  (`light_textblob`), which imports TextBlob's NLTK and SciPy: 1.2 CPU-s in every process that
  scores (the parent, each Dask or spawned worker, a one-article CLI run) -> 0.01 CPU-s.

tests/test_compat.py compares each with the library's own public result, so an upgrade that
changes the internals fails there, not silently in the analysis.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import lru_cache

try:  # CPython 3.11+: the regex parser's private modules
    from re import _constants as _sre_c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - another interpreter
    _sre_c = _sre_parse = None


# ---------------------------------------------------------------- regex literals
def _required(items) -> frozenset[str] | None:
    """Lowercase strings one of which every match of this parsed regex contains (None: unknown)."""
    cands, run = [], ""
    for op, av in items:
        if op is _sre_c.LITERAL:
            run += chr(av)
            continue
        if run:
            cands.append(frozenset([run]))
            run = ""
        sub = None
        if op is _sre_c.SUBPATTERN:
            sub = _required(av[3])
        elif op is _sre_c.BRANCH:
            alts = [_required(alt) for alt in av[1]]
            sub = None if any(a is None for a in alts) else frozenset().union(*alts)
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1:
            sub = _required(av[2])
        if sub:
            cands.append(sub)
    if run:
        cands.append(frozenset([run]))
    cands = [c for c in cands if min(map(len, c)) >= 2 and all(x.isascii() for x in c)]
    if not cands:
        return None
    return frozenset(x.lower() for x in max(cands, key=lambda c: (min(map(len, c)), -len(c))))


@lru_cache(maxsize=256)
def required_literals(pattern: str) -> frozenset[str] | None:
    """Literals one of which (lowercased) any ASCII text matching `pattern` must contain.

    Only sound for patterns compiled with IGNORECASE against lowercased text. None when no such
    set exists or the parser is not the one this was written for.
    """
    if _sre_parse is None:
        return None
    try:
        return _required(_sre_parse.parse(pattern))
    except (re.error, AttributeError, TypeError, IndexError, ValueError):  # parser changed
        return None


# ---------------------------------------------------------------- TextBlob fast path
def light_textblob() -> None:
    """Let `textblob.en` / `textblob._text` be imported without `textblob/__init__.py` (which
    imports `TextBlob`, hence NLTK and SciPy; neither submodule needs them): the package module
    is registered unexecuted, and runs its `__init__` on first access to a name it lacks, so
    `from textblob import TextBlob` still works. Nothing happens once textblob is imported."""
    if "textblob" in sys.modules:
        return
    spec = importlib.util.find_spec("textblob")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return  # pragma: no cover - not a regular package: import it as usual
    module = importlib.util.module_from_spec(spec)

    def __getattr__(name: str):  # PEP 562: only for names not there yet
        if name.startswith("__") or module.__dict__.get("__getattr__") is None:
            raise AttributeError(name)
        del module.__dict__["__getattr__"]
        spec.loader.exec_module(module)
        return getattr(module, name)

    module.__getattr__ = __getattr__
    sys.modules["textblob"] = module


class _TextBlobLexicon(dict):
    """TextBlob's pattern lexicon as a plain dict, callable on a list of words."""

    def __call__(self, words: list[str]):
        light_textblob()
        from textblob._text import Score, Sentiment

        plain = self.__dict__.setdefault("plain", {})
        words = [plain.get(w) or plain.setdefault(w, self._stand_in(w)) for w in words]
        a = Sentiment.assessments(self, ((w, None) for w in words), True)
        n = len(a) or 1
        return Score(sum(x[1] for x in a) / n, sum(x[2] for x in a) / n, a)

    def _stand_in(self, w: str) -> str:
        """An unknown short non-alphabetic word ("2025", "'s") costs `assessments` a scan of every
        emoticon; an alphabetic unknown word that passes its length tests the same way ("q",
        "qq", "qqq") gives the same assessments without the scan."""
        light_textblob()
        from textblob._text import PUNCTUATION

        if (w.isalpha() or len(w) > 5 or w in PUNCTUATION or w in self or w in self.negations
                or w == "(!)" or w in textblob_live_words()):
            return w
        long_core, long_word = len(w.strip("'")) > 1, len(w) > 2
        if long_core:
            return "qqq" if long_word else "qq"
        return w if long_word else "q"


@lru_cache(maxsize=1)
def textblob_lexicon() -> _TextBlobLexicon:
    """The fast lexicon: `textblob_lexicon()(words)` = TextBlob's Score for those words."""
    light_textblob()
    from textblob.en import sentiment

    if dict.__len__(sentiment) == 0:
        sentiment.load()
    lex = _TextBlobLexicon(dict.items(sentiment))
    lex.negations, lex.modifiers, lex.modifier = (
        sentiment.negations, sentiment.modifiers, sentiment.modifier)
    lex.labeler = sentiment.labeler
    return lex


@lru_cache(maxsize=1)
def textblob_live_words() -> frozenset[str]:
    """Words that can move TextBlob's score: lexicon words, emoticons and "(!)"."""
    light_textblob()
    from textblob._text import EMOTICONS

    words = set(dict.keys(textblob_lexicon())) | {"(!)"}
    for faces in EMOTICONS.values():
        words.update(e.lower() for e in faces)
    return frozenset(words)


def textblob_polarity(text: str) -> float:
    """`textblob.en.sentiment(text)[0]`: its tokens, lowercased, through the fast lexicon."""
    light_textblob()
    from textblob.en import sentiment

    words = " ".join(sentiment.tokenizer(text)).split()
    return textblob_lexicon()([w.lower() for w in words])[0]
