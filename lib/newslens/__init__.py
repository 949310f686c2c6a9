"""newslens: news articles into tables and reports (actors, sentiment, stances, territory)."""

__version__ = "0.1.0"

from newslens.actors import actor_mentions, load_actors, unknown_entities  # noqa: F401
from newslens.corpus import CorpusError, load_corpus, load_report  # noqa: F401
from newslens.sentences import sentences  # noqa: F401
