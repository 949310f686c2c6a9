"""Word clusters learned from unlabelled text and their use as token features."""

from __future__ import annotations

import numpy as np
import pytest
from newslens.analysis.sentiment import features as F
from newslens.analysis.sentiment import wordclusters as WC

pytest.importorskip("sklearn")

# Invented sentences: animals and colours fill different frames.
ANIMALS = ("cats", "dogs", "horses", "rabbits")
COLOURS = ("red", "blue", "green", "yellow")


def _corpus() -> list[str]:
    out = []
    for k, a in enumerate(ANIMALS):
        for j in range(6):
            out.append(f"the farmer fed the {a} at dawn and the {a} slept {j}")
            out.append(f"our {ANIMALS[(k + 1) % 4]} and {a} ran home")
    for k, c in enumerate(COLOURS):
        for j in range(6):
            out.append(f"she painted the wall {c} with a {c} brush {j}")
            out.append(f"a {COLOURS[(k + 1) % 4]} or {c} coat")
    return sorted(out)


def test_words_of_shared_contexts_share_a_cluster_and_the_file_is_deterministic(tmp_path):
    vocab, V = WC.vectors(_corpus(), dim=6, min_count=3)
    assert np.allclose(np.linalg.norm(V, axis=1), 1.0)
    groups = WC.cluster_words(vocab, V, k=6)
    paths = []
    for n in range(2):
        paths.append(tmp_path / f"c{n}.json")
        WC.write_clusters(groups, paths[-1], {"sources": ["invented"]})
    assert paths[0].read_bytes() == paths[1].read_bytes()
    cl = WC.read_clusters(paths[0])
    assert len({cl[a] for a in ANIMALS}) == 1 and len({cl[c] for c in COLOURS}) == 1
    assert cl["cats"] != cl["red"]


def test_missing_and_damaged_cluster_files(tmp_path):
    assert WC.read_clusters(tmp_path / "none.json") == {}
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1}', encoding="utf-8")
    with pytest.raises(WC.ClusterError, match="bad.json"):
        WC.read_clusters(bad)


def test_an_unseen_word_brings_its_clusters_feature():
    """A word the model has no feature for still fills its cluster's columns (value
    CLUSTER_SCALE) in every slot a seen word would."""
    feats = list(F.LEX_FEATURES) + [f"{F.CLUSTER_PREFIX}0", "sad"]
    tables = F.WordTables(feats, {"gloomy": 0, "sad": 0})
    k0 = feats.index(f"{F.CLUSTER_PREFIX}0")
    sents = ["The mayor looked gloomy.", "The mayor looked sad."]
    X = F.batch_features(sents, [0, 0], [9, 9], tables)
    cols = [set(X.cols[X.rows == r].tolist()) for r in range(2)]
    cluster_cols = {c for c in cols[0] if (c - F.N_ROLES) // F.N_SLOTS == k0}
    assert cluster_cols and cluster_cols <= cols[1]
    assert np.all(X.vals[np.isin(X.cols, list(cluster_cols))] == F.CLUSTER_SCALE)
    sad_cols = {c for c in cols[1] if (c - F.N_ROLES) // F.N_SLOTS == feats.index("sad")}
    assert sad_cols and not sad_cols & cols[0]


def test_a_model_with_cluster_features_needs_its_own_cluster_file(tmp_path):
    """Training with clusters records the cluster file's SHA-256; the model scores as its
    explicit features say, and refuses a cluster file it was not trained with."""
    import hashlib
    import json
    from pathlib import Path

    from newslens.analysis.sentiment import model as T
    from newslens.analysis.sentiment import train as TT

    if not WC.cluster_path().is_file():
        pytest.skip("no shipped word-cluster file")
    fixture = Path(__file__).resolve().parent / "fixtures" / "newsmtsc_small.jsonl"
    items = TT.load_newsmtsc(fixture)
    spec = TT.train(items, cv=False, min_df=1, clusters=WC.clusters())
    assert any(f.startswith(F.CLUSTER_PREFIX) for f in spec["features"])
    assert spec["training"]["cluster_scale"] == F.CLUSTER_SCALE
    sha = hashlib.sha256(WC.cluster_path().read_bytes()).hexdigest()
    spec["training"]["word_clusters_sha256"] = sha
    model = T.TargetModel(json.loads(json.dumps(spec)))
    sents = [i[0] for i in items[:5]]
    a, b = [i[1] for i in items[:5]], [i[2] for i in items[:5]]
    fast, _ = model.score(sents, a, b)
    assert np.allclose(fast, model.logits_of(model.features_of(sents, a, b)), atol=1e-9)
    spec["training"]["word_clusters_sha256"] = "0" * 64
    with pytest.raises(T.ModelError, match="other word clusters"):
        T.TargetModel(spec)
