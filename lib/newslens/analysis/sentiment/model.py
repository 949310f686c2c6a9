"""The learned target-sentiment scorer ("learned"): the shipped multinomial logistic-regression
model (JSON), batch scoring, probabilities and per-mention drivers.

Features: `newslens.analysis.sentiment.features`. Scoring is batch: all targets of a chunk are
one sparse product X @ W, with X's (token feature, slot) entries folded per (target, context
token) pair through a per-word slot table (a word's weight plus value x weight of its priors,
per slot), so a pair costs one gather per slot it fills; pairs are summed per target in token
order (`np.bincount`), so a target's numbers never depend on the rest of the batch. Drivers come
from the same pair sums. No scikit-learn at run time. The model file is written by
`newslens.analysis.sentiment.train` (`make sentiment-model`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newslens.analysis.sentiment import wordclusters as WC
from newslens.analysis.sentiment.features import (
    CLASSES,
    CLUSTER_PREFIX,
    CLUSTER_SCALE,
    N_ROLES,
    N_SLOTS,
    ROLE_NAMES,
    Batch,
    Pairs,
    WordTables,
    batch_features,
    n_columns,
    pairs,
)

MODEL_FORMAT = "newslens-target-sentiment/2"
MODEL_RESOURCE = ("newslens", "models", "target_sentiment.json")


class ModelError(ValueError):
    """The model file is missing, unreadable or not a target-sentiment model; names the file."""


class TargetModel:
    """A loaded target-sentiment model: its features (words and prior pseudo-words), the
    weights of every (feature, slot) column and of the role features, as one matrix W."""

    def __init__(self, spec: dict, source: str = "<dict>"):
        self.source = source
        try:
            if spec.get("format") != MODEL_FORMAT:
                raise ModelError(f"format {spec.get('format')!r}, expected {MODEL_FORMAT!r}")
            if list(spec["classes"]) != list(CLASSES) or spec["role_names"] != ROLE_NAMES:
                raise ModelError("classes or role feature names differ from this code's")
            if spec["n_slots"] != N_SLOTS:
                raise ModelError(f"{spec['n_slots']} slots, this code has {N_SLOTS}")
            scale = float(spec["scale"])
            self.features = [str(w) for w in spec["features"]]
            nf = len(self.features)
            self.W = np.zeros((n_columns(nf), len(CLASSES)), dtype=np.float64)
            rows = np.asarray(spec["weights"], dtype=np.int64).reshape(-1, 2 + len(CLASSES))
            if len(rows) and not ((rows[:, 0] >= 0).all() and (rows[:, 0] < nf).all()
                                  and (rows[:, 1] >= 0).all() and (rows[:, 1] < N_SLOTS).all()):
                raise ModelError("weights refer to features or slots that do not exist")
            self.W[N_ROLES + rows[:, 0] * N_SLOTS + rows[:, 1]] = rows[:, 2:] / scale
            role = np.asarray(spec["role_weights"], dtype=float) / scale
            if role.shape != (N_ROLES, len(CLASSES)):
                raise ModelError(f"role_weights has shape {role.shape}")
            self.W[:N_ROLES] = role
        except ModelError as exc:
            raise ModelError(f"{source}: not a usable target-sentiment model: {exc}") from None
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"{source}: not a usable target-sentiment model: {exc!r}") from None
        self.meta = spec.get("training", {})
        clusters = self._clusters()
        self.tables = WordTables(self.features, clusters)  # data-file errors name their own
        self.slot_weights = self._slot_table()

    def _clusters(self) -> dict[str, int] | None:
        """The shipped word clusters when the model has cluster features; the file must be
        the one the model was trained with (same SHA-256) and the scale the same."""
        if not any(f.startswith(CLUSTER_PREFIX) for f in self.features):
            return None
        path = WC.cluster_path()
        try:
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise ModelError(f"{self.source}: needs the word-cluster file {path} ({exc})") from None
        if sha != self.meta.get("word_clusters_sha256"):
            raise ModelError(f"{self.source}: trained with other word clusters than {path}; "
                             "retrain it (make sentiment-model)")
        if self.meta.get("cluster_scale") != CLUSTER_SCALE:
            raise ModelError(f"{self.source}: cluster scale {self.meta.get('cluster_scale')} "
                             f"differs from this code's {CLUSTER_SCALE}; retrain it")
        return WC.clusters()

    def _slot_table(self) -> np.ndarray:
        """(word ids + 1, N_SLOTS + 1, classes): a word id's weights in every slot, its word
        feature and its priors folded in (sum of value x weight); the last slot (index -1, "no
        slot") and the unknown word are zero. A (target, token) pair then costs one gather
        per slot it fills instead of one per token feature."""
        t = self.tables
        n_ids = len(t.feat_ptr) - 1
        out = np.zeros((n_ids, N_SLOTS + 1, len(CLASSES)))
        ids = np.repeat(np.arange(n_ids), np.diff(t.feat_ptr))
        ws = self.W[N_ROLES:].reshape(-1, N_SLOTS, len(CLASSES))
        np.add.at(out[:, :N_SLOTS], ids, ws[t.feat_idx] * t.feat_val[:, None, None])
        return out

    @classmethod
    def from_file(cls, path: str | Path) -> TargetModel:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"{path}: cannot read the target-sentiment model ({exc})") from None
        try:
            spec = json.loads(text)
        except ValueError as exc:
            raise ModelError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(spec, dict):
            raise ModelError(f"{path}: not a usable target-sentiment model: not a JSON object")
        return cls(spec, str(path))

    def features_of(self, sentences, starts, ends) -> Batch:
        """The explicit sparse features X of many targets (as in training)."""
        return batch_features(sentences, starts, ends, self.tables)

    def logits_of(self, X: Batch) -> np.ndarray:
        """X @ W for explicit features (training's view; `score` gives the same logits)."""
        out = np.empty((X.n_targets, len(CLASSES)))
        w = self.W[X.cols] * X.vals[:, None]
        for k in range(len(CLASSES)):
            out[:, k] = np.bincount(X.rows, weights=w[:, k], minlength=X.n_targets)
        return out

    def score(self, sentences, starts, ends, want_drivers: bool = False, top: int = 4
              ) -> tuple[np.ndarray, Drivers | None]:
        """(logits, drivers) of many targets as one batch.

        The sparse product X @ W with X's (token feature, slot) entries folded per (target,
        token) pair: each pair adds the slot-table rows of its word for the slots it fills;
        pairs are summed per target (`np.bincount`, in token order: a target's logits do not
        depend on the rest of the batch), the role rows are added. Drivers come from the same
        pair sums (see `_drivers`)."""
        pr = pairs(sentences, starts, ends, self.tables)
        wid = pr.tokens.ids[pr.pj]
        sw = self.slot_weights
        c = sw[wid, pr.slots[0]]
        for s in pr.slots[1:]:
            c += sw[wid, s]
        T = pr.n_targets
        logits = np.zeros((T, len(CLASSES)))
        for r in range(N_ROLES):
            on = pr.roles[:, r]
            if on.any():
                logits[on] += self.W[r]
        for k in range(len(CLASSES)):
            logits[:, k] += np.bincount(pr.pt, weights=c[:, k], minlength=T)
        if not want_drivers:
            return logits, None
        return logits, self._drivers(pr, wid, c, logits.argmax(1), top)

    def _drivers(self, pr: Pairs, wid, c, pred, top: int) -> Drivers:
        """Per target, the context words and role features that pushed its predicted class
        most: [(name, polarity push), ...], strongest first.

        A context token's contribution is its pair's sum (word and priors in every slot it
        fills), a role feature's is its row. Ranked by how much they favour the predicted
        class over the mean of the other two (shown if > 0.05; punctuation and
        driver_function_words never; ties by position) and reported with their polarity push
        (positive minus negative logit)."""
        T = pr.n_targets
        k = pred[pr.pt]
        tot = c.sum(1)
        ck = c[np.arange(len(c)), k]
        push = ck - 0.5 * (tot - ck)
        sel = np.flatnonzero(self.tables.shown[wid] & (push > 0.05))
        rr, rc = np.nonzero(pr.roles[:, 1:])
        rc = rc + 1
        rw = self.W[rc]
        rk = pred[rr]
        rpk = rw[np.arange(len(rr)), rk]
        rpush = rpk - 0.5 * (rw.sum(1) - rpk)
        rsel = np.flatnonzero(rpush > 0.05)
        ntok = len(pr.tokens.ids)
        row = np.concatenate([pr.pt[sel], rr[rsel]])
        key = np.concatenate([pr.pj[sel], ntok + rc[rsel]])
        pu = np.concatenate([push[sel], rpush[rsel]])
        pol = np.concatenate([c[sel, 2] - c[sel, 0], rw[rsel, 2] - rw[rsel, 0]])
        order = np.lexsort((key, -pu, row))
        r = row[order]
        keep = order[np.arange(len(order)) - np.searchsorted(r, r, side="left") < top]
        row, key = row[keep], key[keep]
        is_tok = key < ntok
        kt = np.minimum(key, max(ntok - 1, 0))
        # A driver has a weight, so it is a known word: its canonical form is the table's.
        words = self.tables.word_array[pr.tokens.ids[kt[is_tok]]]
        side = np.where(key > pr.i1[row], "right:", np.where(key >= pr.i0[row], "self:",
                                                             "left:")).astype(object)
        names = _ROLE_ARRAY[np.clip(key - ntok, 0, N_ROLES - 1)]
        if len(words):
            names[is_tok] = side[is_tok] + words
        return Drivers(T, row, names, np.round(pol[keep], 3))


_ROLE_ARRAY = np.asarray(ROLE_NAMES, dtype=object)


@dataclass
class Drivers:
    """The drivers of a batch: parallel arrays (target row, name, polarity push), each
    target's drivers strongest first."""

    n_targets: int
    row: np.ndarray
    name: np.ndarray
    push: np.ndarray

    def lists(self) -> list[list[tuple[str, float]]]:
        """[(name, push), ...] per target."""
        out: list[list[tuple[str, float]]] = [[] for _ in range(self.n_targets)]
        for t, n, p in zip(self.row.tolist(), self.name.tolist(), self.push.tolist()):
            out[t].append((n, p))
        return out

    def text(self) -> list[str]:
        """"name +0.12; name -0.50" per target (the mention table's `drivers` column)."""
        nums = np.array([f"{p:+.2f}" for p in self.push.tolist()], dtype=object)
        pieces = (self.name + " " + nums).tolist() if len(nums) else []
        bounds = np.searchsorted(self.row, np.arange(self.n_targets + 1)).tolist()
        return ["; ".join(pieces[a:b]) for a, b in itertools.pairwise(bounds)]


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> TargetModel:
    """The shipped model (package data) or the model file at `path`; loaded once per process."""
    if path is not None:
        return TargetModel.from_file(path)
    res = resources.files(MODEL_RESOURCE[0]).joinpath(*MODEL_RESOURCE[1:])
    with resources.as_file(res) as p:
        return TargetModel.from_file(p)


def probabilities(logits: np.ndarray) -> np.ndarray:
    """Softmax of each row."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def score_targets(sentences, starts, ends, want_drivers: bool = False, model=None) -> dict:
    """Probabilities, polarity (P(pos) - P(neg)), subjectivity (1 - P(neutral)), label index
    and drivers of many targets (parallel sequences), all scored as one batch."""
    model = model or load_model()
    sentences = list(sentences)
    if not sentences:
        P = np.zeros((0, len(CLASSES)))
        return {"proba": P, "polarity": P[:, 0], "subjectivity": P[:, 0],
                "label": np.zeros(0, dtype=int), "drivers": []}
    logits, drivers = model.score(sentences, starts, ends, want_drivers)
    P = probabilities(logits)
    return {
        "proba": P,
        "polarity": P[:, 2] - P[:, 0],
        "subjectivity": 1.0 - P[:, 1],
        "label": logits.argmax(1),
        "drivers": drivers.lists() if want_drivers else [[] for _ in sentences],
    }
