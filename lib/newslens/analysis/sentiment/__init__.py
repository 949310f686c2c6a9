"""Sentiment by actor: sentence tone, target-scoped tone per mention, roles, aggregation, evidence.

Modules (imports point down this list; no circle):

- `tokens`: the numpy tokenizer of a batch of sentences (hashed words, vocabulary lookup).
- `lexicons`: `tokenize`, the lexicon scorers (TextBlob pattern, VADER, blend; batch TextBlob),
  word lists, Hu & Liu's opinion lexicon and the war-event word classes (data/*.yml).
- `scope`: the target window of the lexicon scorers (clause, negation, own name removed).
- `features`: features of target mentions for a whole batch ((target, token) pairs, slots).
- `model`: the learned target scorer: the shipped model (JSON), batch scoring of all targets
  of a chunk as one sparse-matrix product, drivers from the same sums.
- `train`: training the model (`make sentiment-model`; scikit-learn at training time only).
- `mentions`: the `sentence_sentiment` and `mention_sentiment` stages, `score_targets`.
- `actors`: `actor_sentiment`, `actor_drivers`, `evidence`, `compare_scorers`.

Scorers (`SCORERS`): "learned" (default; label = most probable class, target_polarity =
P(positive) - P(negative), target_subjectivity = 1 - P(neutral)) and the lexicon scorers
textblob, vader, blend over the target window (label: polarity > +0.05 positive, < -0.05
negative, otherwise neutral; `THRESHOLDS`).
"""

from newslens.analysis.sentiment.actors import (
    ACTOR_COLUMNS,
    DRIVER_COLUMNS,
    EVIDENCE_COLUMNS,
    MIN_MENTIONS,
    N_BOOT,
    VOICES,
    actor_drivers,
    actor_sentiment,
    bootstrap_ci,
    compare_scorers,
    evidence,
)
from newslens.analysis.sentiment.lexicons import (
    DEFAULT_TARGET_SCORER,
    LEXICON_SCORERS,
    SCORERS,
    THRESHOLDS,
)
from newslens.analysis.sentiment.mentions import (
    MENTION_COLUMNS,
    SENTENCE_COLUMNS,
    _labels,
    mention_sentiment,
    score_targets,
    sentence_sentiment,
)

__all__ = [
    "ACTOR_COLUMNS",
    "DEFAULT_TARGET_SCORER",
    "DRIVER_COLUMNS",
    "EVIDENCE_COLUMNS",
    "LEXICON_SCORERS",
    "MENTION_COLUMNS",
    "MIN_MENTIONS",
    "N_BOOT",
    "SCORERS",
    "SENTENCE_COLUMNS",
    "THRESHOLDS",
    "VOICES",
    "_labels",
    "actor_drivers",
    "actor_sentiment",
    "bootstrap_ci",
    "compare_scorers",
    "evidence",
    "mention_sentiment",
    "score_targets",
    "sentence_sentiment",
]
