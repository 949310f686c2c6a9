"""Per-sentence and per-mention sentiment: the `sentence_sentiment` and `mention_sentiment`
stages, and `score_targets`, which scores target mentions with any scorer.

- `sentence_sentiment`: polarity/subjectivity of each sentence (TextBlob pattern by default).
- `mention_sentiment`: for each actor mention, its target-scoped tone, its role (speaker =
  subject of a reporting verb, from `newslens.analysis.attribution`; otherwise target) and the
  driving words.
- `score_targets`: "learned" (`newslens.analysis.sentiment.model`, the whole sentence with the
  mention masked) or a lexicon scorer over the target window (`newslens.analysis.sentiment.scope`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newslens import schema
from newslens.analysis.sentiment import model, scope
from newslens.analysis.sentiment.lexicons import (
    DEFAULT_TARGET_SCORER,
    LEXICON_SCORERS,
    THRESHOLDS,
    check_scorer,
    score_texts,
)

SENTENCE_COLUMNS = schema.table("sentence_sentiment").names
MENTION_COLUMNS = schema.table("mention_sentiment").names


def _labels(pol, scorer: str) -> np.ndarray:
    t = THRESHOLDS[scorer]
    pol = np.asarray(pol, dtype=float)
    return np.where(pol > t, "positive", np.where(pol < -t, "negative", "neutral"))


def sentence_sentiment(sentences: pd.DataFrame, scorer: str = "textblob") -> pd.DataFrame:
    """One row per sentence: article_id, sentence, polarity, subjectivity, label, scorer
    (a lexicon scorer: textblob, vader or blend)."""
    check_scorer(scorer, LEXICON_SCORERS)
    pol, subj = score_texts(sentences["text"].tolist(), scorer)
    return pd.DataFrame(
        {
            "article_id": sentences["article_id"].to_numpy(),
            "sentence": sentences["sentence"].to_numpy(),
            "polarity": np.asarray(pol, dtype=float),
            "subjectivity": np.asarray(subj, dtype=float),
            "label": _labels(pol, scorer),
            "scorer": scorer,
        },
        columns=SENTENCE_COLUMNS,
    )


def _format_drivers(items: list[tuple[str, float]], top: int = 4) -> str:
    return "; ".join(f"{w} {p:+.2f}" for w, p in items[:top])


def _parse_drivers(text: str) -> list[tuple[str, float]]:
    out = []
    for part in str(text or "").split("; "):
        word, _, num = part.rpartition(" ")
        if word:
            out.append((word, float(num)))
    return out


def _roles(mentions, statements) -> list[str]:
    """speaker/target per mention from the statements of newslens.analysis.attribution."""
    from newslens.analysis import attribution

    # Plain object columns: iterating Arrow-backed strings costs ~10x more per value.
    keep = [c for c in ("article_id", "field", "start", "end", "actor_id") if c in mentions]
    plain = pd.DataFrame(mentions[keep].to_numpy(dtype=object), columns=keep,
                         index=mentions.index, dtype=object)
    if statements is not None and len(statements):
        statements = pd.DataFrame(statements.to_numpy(dtype=object), columns=statements.columns,
                                  index=statements.index, dtype=object)
    roles = attribution.mention_roles(plain, statements)
    return [str(r) for r in pd.Series(roles).tolist()]


def mention_sentiment(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    statements: pd.DataFrame,
    scorer: str = DEFAULT_TARGET_SCORER,
) -> pd.DataFrame:
    """One row per actor mention: its target-scoped tone, role and driving words.

    learned (default): target_polarity = P(positive) - P(negative), target_subjectivity =
    1 - P(neutral), label = the most probable class; the window is the whole sentence (the model
    reads all of it, the mention masked); drivers = "side:word +-push" (context words and role
    features that favoured the predicted class most; push = positive minus negative logit).
    Lexicon scorers: target_polarity/target_subjectivity score the mention's window (clause, at
    most 8 tokens before and 12 after, own name/title words removed), drivers = lexicon words.
    window_start/window_end are in the mention's coordinates (field offsets, like start/end).
    role is "speaker" when the mention is the subject of a reporting verb
    (newslens.analysis.attribution), else "target".
    """
    check_scorer(scorer)
    if mentions.empty:
        return schema.empty("mention_sentiment")
    sent = sentences.set_index(["article_id", "sentence"])[["start", "text"]]
    keys = pd.MultiIndex.from_arrays([mentions["article_id"], mentions["sentence"]])
    s_start = sent["start"].reindex(keys).to_numpy()
    s_text = sent["text"].reindex(keys).tolist()
    if pd.isna(s_start).any():
        raise ValueError("mentions refer to sentences that are not in the sentences table")
    s_start = s_start.astype(int)
    rel_a = mentions["start"].to_numpy(dtype=int) - s_start
    rel_b = mentions["end"].to_numpy(dtype=int) - s_start
    if scorer == "learned":
        r = _learned(s_text, rel_a, rel_b)
        drv = r["drivers"]
    else:
        r = score_targets(s_text, rel_a, rel_b, scorer, want_drivers=True)
        dcache: dict[int, str] = {}
        drv = []
        for d in r["drivers"]:
            f = dcache.get(id(d))
            if f is None:
                f = dcache[id(d)] = _format_drivers(d)
            drv.append(f)
    out = pd.DataFrame(
        {
            "article_id": mentions["article_id"].to_numpy(),
            "sentence": mentions["sentence"].to_numpy(),
            "start": mentions["start"].to_numpy(),
            "end": mentions["end"].to_numpy(),
            "actor_id": mentions["actor_id"].to_numpy(),
            "actor": mentions["actor"].to_numpy() if "actor" in mentions else mentions["actor_id"],
            "text": mentions["text"].to_numpy(),
            "mention_type": mentions.get("mention_type", pd.Series("", index=mentions.index)),
            "field": mentions.get("field", pd.Series("text", index=mentions.index)),
            "linked": mentions["linked"].to_numpy(dtype=bool) if "linked" in mentions else True,
            "role": _roles(mentions, statements),
            "target_polarity": np.asarray(r["polarity"], dtype=float),
            "target_subjectivity": np.asarray(r["subjectivity"], dtype=float),
            "label": np.asarray(r["label"], dtype=str),
            "window_start": np.asarray(r["window_start"], dtype=int) + s_start,
            "window_end": np.asarray(r["window_end"], dtype=int) + s_start,
            "drivers": drv,
            "scorer": scorer,
        }
    )
    return out[MENTION_COLUMNS]


def _learned(s_text: list[str], rel_a, rel_b) -> dict:
    """The learned scorer's columns for mention_sentiment: one batch, drivers as text."""
    logits, drivers = model.load_model().score(s_text, rel_a, rel_b, want_drivers=True)
    P = model.probabilities(logits)
    return {
        "polarity": P[:, 2] - P[:, 0],
        "subjectivity": 1.0 - P[:, 1],
        "label": np.asarray(model.CLASSES)[logits.argmax(1)],
        "window_start": np.zeros(len(s_text), dtype=int),
        "window_end": np.fromiter(map(len, s_text), dtype=int, count=len(s_text)),
        "drivers": drivers.text(),
    }


def score_targets(
    sentences, starts, ends, scorer: str = DEFAULT_TARGET_SCORER, want_drivers: bool = False
) -> dict[str, list]:
    """Target-scoped scores of many mentions (parallel sequences of sentence text and offsets):
    lists window_start, window_end, window, polarity, subjectivity, label and, with
    `want_drivers`, drivers ([(name, value), ...] per mention).

    learned: the model reads the whole sentence (window = the sentence), polarity = P(positive)
    - P(negative), subjectivity = 1 - P(neutral), label = the most probable class, drivers =
    the context words (with side) and role features that pushed that class most.
    Lexicon scorers: `newslens.analysis.sentiment.scope.score_targets`.
    """
    check_scorer(scorer)
    if scorer != "learned":
        return scope.score_targets(sentences, starts, ends, scorer, want_drivers=want_drivers)
    sentences = list(sentences)
    r = model.score_targets(sentences, starts, ends, want_drivers)
    out = {
        "window_start": [0] * len(sentences),
        "window_end": [len(s) for s in sentences],
        "window": sentences,
        "polarity": r["polarity"].tolist(),
        "subjectivity": r["subjectivity"].tolist(),
        "label": [model.CLASSES[k] for k in r["label"]],
    }
    if want_drivers:
        out["drivers"] = r["drivers"]
    return out
