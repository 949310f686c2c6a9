"""newslens: news articles into tables and reports (actors, sentiment, stances, territory)."""

__version__ = "0.1.0"

from newslens.analysis.attribution import statements
from newslens.analysis.sentiment import actor_sentiment, mention_sentiment, sentence_sentiment
from newslens.analysis.stance import stance_matrix, stances
from newslens.analysis.territory import region_rollup, territorial_claims
from newslens.engine.pipeline import analyze
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
