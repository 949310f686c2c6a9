"""newslens: news articles into tables and reports (actors, sentiment, stances, territory)."""

__version__ = "0.1.0"

import sys as _sys

if getattr(_sys, "orig_argv", [])[1:3] == ["-m", "newslens"]:  # the command line, starting:
    from newslens import interrupt as _interrupt  # Ctrl-C while it imports also exits 130

    _interrupt.install(startup=True)

from newslens.analysis.attribution import statements
from newslens.analysis.sentiment import actor_sentiment, mention_sentiment, sentence_sentiment
from newslens.analysis.stance import stance_matrix, stances
from newslens.analysis.territory import region_rollup, territorial_claims
from newslens.engine.runner import analyze
from newslens.engine.storage import open_tables
from newslens.io.corpus import CorpusError, load_corpus, load_report
from newslens.io.syndication import syndication_table
from newslens.text.actors import actor_mentions, load_actors, unknown_entities
from newslens.text.sentences import sentences

__all__ = [
    "CorpusError",
    "actor_mentions",
    "actor_sentiment",
    "analyze",
    "load_actors",
    "load_corpus",
    "load_report",
    "mention_sentiment",
    "open_tables",
    "region_rollup",
    "sentence_sentiment",
    "sentences",
    "stance_matrix",
    "stances",
    "statements",
    "syndication_table",
    "territorial_claims",
    "unknown_entities",
]
