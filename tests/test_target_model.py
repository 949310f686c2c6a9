"""The learned target-sentiment scorer: shipped model, predictions, drivers, errors."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from newslens.analysis import sentiment as SS
from newslens.analysis.sentiment import features as F
from newslens.analysis.sentiment import lexicons as S
from newslens.analysis.sentiment import model as T
from newslens.analysis.sentiment import tokens as TK


def _score(sentence: str, target: str, drivers: bool = True):
    a = sentence.index(target)
    return T.score_targets([sentence], [a], [a + len(target)], drivers)


def test_shipped_model_is_package_json_under_5_mb():
    res = resources.files("newslens").joinpath("models", "target_sentiment.json")
    raw = res.read_bytes()
    assert len(raw) <= 5_000_000
    spec = json.loads(raw)
    assert spec["format"] == T.MODEL_FORMAT and spec["classes"] == list(T.CLASSES)
    assert spec["training"]["cv_macro_f1"] > 0.6  # figure recorded by make sentiment-model
    model = T.load_model()
    assert len(model.features) == len(spec["features"]) > 1000
    assert spec["features"][:len(F.LEX_FEATURES)] == list(F.LEX_FEATURES)


@pytest.mark.parametrize(
    "sentence, target, label",
    [
        ("Lawmakers moved to censure Governor Anna Berg over the bribery scandal and her lies.",
         "Anna Berg", "negative"),
        ("Critics slammed the minister for a disastrous, incompetent response to the floods.",
         "the minister", "negative"),
        ("Voters praised Mayor Tom Reyes for his brilliant leadership and generous help.",
         "Tom Reyes", "positive"),
        ("The senator met the delegation in Geneva on Tuesday to discuss the schedule.",
         "The senator", "neutral"),
    ],
)  # fmt: skip
def test_clear_portrayals(sentence, target, label):
    r = _score(sentence, target)
    assert T.CLASSES[r["label"][0]] == label
    p = r["proba"][0]
    assert p.sum() == pytest.approx(1.0) and (p > 0).all()
    assert r["polarity"][0] == pytest.approx(p[2] - p[0])
    assert r["subjectivity"][0] == pytest.approx(1 - p[1])


def test_two_targets_in_one_sentence_differ():
    sent = "Voters love Tom Reyes, but they describe his rival Lena Moss as dishonest and cruel."
    starts = [sent.index("Tom Reyes"), sent.index("Lena Moss")]
    r = T.score_targets([sent, sent], starts, [s + 9 for s in starts])
    assert r["polarity"][0] > r["polarity"][1]
    assert T.CLASSES[r["label"][1]] == "negative"


def test_drivers_name_side_and_words_that_pushed_the_class():
    r = _score("Critics slammed the minister for a disastrous, incompetent response.",
               "the minister")
    drivers = r["drivers"][0]
    assert 1 <= len(drivers) <= 4
    names = [name for name, _push in drivers]
    assert any(n in names for n in ("right:disastrous", "right:incompetent", "left:slammed"))
    for name, push in drivers:
        assert name.split(":")[0] in ("left", "right", "role") and push < 0, drivers
    # The target's own words never drive its score.
    assert not any(n.endswith(":minister") for n in names)


def test_target_is_masked():
    a = _score("Peace talks with Tom Reyes resumed on Monday.", "Tom Reyes")
    b = _score("Peace talks with Killer Smith resumed on Monday.", "Killer Smith")
    assert np.allclose(a["proba"], b["proba"])


def test_deterministic_and_sentence_order_free():
    sents = ["The rebels attacked the village.", "Aid groups thanked the volunteers warmly."]
    tg = ["rebels", "volunteers"]
    starts = [s.index(t) for s, t in zip(sents, tg)]
    ends = [a + len(t) for a, t in zip(starts, tg)]
    r1 = T.score_targets(sents, starts, ends, True)
    r2 = T.score_targets(sents[::-1], starts[::-1], ends[::-1], True)
    assert np.array_equal(r1["proba"], r2["proba"][::-1])
    assert r1["drivers"] == r2["drivers"][::-1]


def test_scope_api_and_labels():
    sent = "Critics slammed the minister for a disastrous response."
    a = sent.index("minister")
    r = SS.score_targets([sent], [a], [a + 8], "learned", want_drivers=True)
    assert r["label"] == ["negative"] and r["window"] == [sent]
    assert (r["window_start"], r["window_end"]) == ([0], [len(sent)])
    with pytest.raises(ValueError, match="learned scores targets"):
        S.score_text(sent, "learned")


def test_mention_sentiment_learned_columns():
    sents = pd.DataFrame({"article_id": ["a", "a"], "sentence": [0, 1], "start": [0, 60],
                          "field": "text",
                          "text": ["Critics slammed the minister for a disastrous response.",
                                   "Voters praised the mayor for his brilliant leadership."]})
    mentions = pd.DataFrame({"article_id": ["a", "a"], "sentence": [0, 1],
                             "start": [20, 60 + 19], "end": [28, 60 + 24],
                             "text": ["minister", "mayor"], "actor_id": ["m", "y"],
                             "actor": ["M", "Y"]})  # fmt: skip
    ms = SS.mention_sentiment(sents, mentions, statements=pd.DataFrame(), scorer="learned")
    assert ms["label"].tolist() == ["negative", "positive"]
    assert (ms["scorer"] == "learned").all() and ms["drivers"].str.len().gt(0).all()
    assert ms["drivers"].iloc[0].startswith(("left:", "right:", "role:"))
    d = SS.actor_drivers(ms)
    assert set(d["actor_id"]) == {"m", "y"}
    assert (d[d["actor_id"] == "m"]["polarity"] < 0).all()


def test_default_scorer_is_learned():
    assert S.DEFAULT_TARGET_SCORER == "learned"


@pytest.mark.parametrize(
    "content, problem",
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else"}', "not a usable target-sentiment model"),
        ("[1, 2]", "not a JSON object"),
    ],
)
def test_corrupt_model_file_is_named(tmp_path, content, problem):
    bad = tmp_path / "broken_model.json"
    bad.write_text(content)
    with pytest.raises(T.ModelError, match=problem) as exc:
        T.TargetModel.from_file(bad)
    assert "broken_model.json" in str(exc.value)


def test_truncated_weights_are_named(tmp_path):
    spec = json.loads(resources.files("newslens").joinpath("models", "target_sentiment.json")
                      .read_text())
    spec["role_weights"] = spec["role_weights"][:-1]
    bad = tmp_path / "short.json"
    bad.write_text(json.dumps(spec))
    with pytest.raises(T.ModelError, match="short.json.*role_weights"):
        T.TargetModel.from_file(bad)


def test_missing_model_file_is_named(tmp_path):
    with pytest.raises(T.ModelError, match="nowhere.json"):
        T.load_model(str(tmp_path / "nowhere.json"))


def test_batch_scoring_equals_the_training_features():
    """The slot-table scoring gives the logits of the explicit features X the model was
    trained on (X @ W)."""
    model = T.load_model()
    sent = ("Critics slammed the minister for a disastrous response, but voters did not blame "
            "Mayor Tom Reyes, who said he was proud of the city.")
    targets = ("Critics", "the minister", "Tom Reyes", "he", "city")
    starts = [sent.index(t) for t in targets]
    ends = [a + len(t) for a, t in zip(starts, targets)]
    fast, _ = model.score([sent] * len(targets), starts, ends)
    X = model.features_of([sent] * len(targets), starts, ends)
    assert X.n_targets == len(targets) and (X.vals != 0).all()
    assert np.allclose(fast, model.logits_of(X), atol=1e-9)


def test_a_targets_scores_do_not_depend_on_the_batch():
    """Chunking must not change a row: the same target alone or among others, bit for bit."""
    sents = ["Critics slammed the minister for a disastrous response.",
             "The envoy did not praise the rebels, who refused to talk.",
             "Aid groups thanked the volunteers warmly."]  # fmt: skip
    tg = ["minister", "rebels", "volunteers"]
    starts = [s.index(t) for s, t in zip(sents, tg)]
    ends = [a + len(t) for a, t in zip(starts, tg)]
    together = T.score_targets(sents * 3, starts * 3, ends * 3, True)
    for k in range(3):
        alone = T.score_targets([sents[k]], [starts[k]], [ends[k]], True)
        assert np.array_equal(alone["proba"][0], together["proba"][k])
        assert np.array_equal(alone["proba"][0], together["proba"][k + 3])
        assert alone["drivers"][0] == together["drivers"][k + 6]


@pytest.mark.parametrize("sentence", [
    "He didn't say; “I can’t” — it's rock'n'roll, isn't it?",
    "Officials (and 3 aides) met at 5 p.m. on Dec. 2 in Kyiv’s centre... then left!",
    "Ñandú and İzmir wasn't 'tis ok_go DON'T",
    "",
    "   ",
])  # fmt: skip
def test_batch_tokens_are_the_scope_tokens(sentence):
    """tokenize_batch finds the tokens of lexicons.tokenize (offsets and words)."""
    model = T.load_model()
    tk = TK.tokenize_batch(["First one.", sentence, "Last."], model.tables.vocab)
    a, b = tk.first_tok[1], tk.last_tok[1]
    off = tk.sent_off[1]
    mine = [(int(tk.start[j] - off), int(tk.end[j] - off)) for j in range(a, b)]
    ref = S.tokenize(sentence)
    assert mine == [(x, y) for _w, x, y in ref]
    # Words are lowercased one character for one ("İ" stays), "n't" read as "not".
    assert TK.token_words(tk, range(a, b)) == [TK.canonical(S._norm(w) if not w.startswith("İ")
                                                          else w) for w, _x, _y in ref]


def test_words_are_found_by_hash_and_long_tokens_are_unknown():
    model = T.load_model()
    t = model.tables
    tk = TK.tokenize_batch(["The Envoy DIDN'T praise " + "horrible" * 6 + " horrible."], t.vocab)
    words = TK.token_words(tk)
    assert words[:5] == ["the", "envoy", "did", "not", "praise"]
    assert [t.words[i] for i in tk.ids[[0, 1, 3, 6]]] == ["the", "envoy", "not", "horrible"]
    assert tk.ids[5] == t.unknown  # 48 characters: longer than MAX_WORD
    neg = F._negation_scope(t.negator[tk.ids], tk.other, tk.sent)
    assert neg.tolist() == [False, False, False, False, True, True, True, False]


def test_function_words_and_punctuation_are_never_drivers():
    r = _score("Critics said that the governor was, in fact, a horrible and corrupt leader.",
               "the governor")
    words = [name.partition(":")[2] for name, _p in r["drivers"][0]]
    assert words and "horrible" in words
    assert not set(words) & (F._function_words() | {",", ".", "that", "the", "said"})


def test_training_with_weighted_extra_rows_is_deterministic(tmp_path):
    from newslens.analysis.sentiment import train as TT

    fixture = Path(__file__).resolve().parent / "fixtures" / "newsmtsc_small.jsonl"
    items = TT.load_newsmtsc(fixture)
    extra = [(TT.load_newsmtsc(fixture, group_prefix="other:"), 0.3)]
    paths = []
    for k in range(2):
        spec = TT.train(items, cv=False, extra=extra, min_df=1)
        paths.append(tmp_path / f"m{k}.json")
        TT.write_model(spec, paths[-1])
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert spec["training"]["extra_weights"] == [0.3]
    assert spec["training"]["extra_targets"] == [len(items)]
    model = T.TargetModel.from_file(paths[0])
    sent, target = items[0][0], items[0][1:3]
    r = T.score_targets([sent], [target[0]], [target[1]], model=model)
    assert r["proba"].shape == (1, 3)


def test_war_labels_split_and_errors(tmp_path):
    from newslens.analysis.sentiment import train as TT

    head = "file,article_id,url,field,start,end,actor_id,label"
    old = tmp_path / "old.csv"
    old.write_text(head + "\na.md,a,u,text,0,4,x,neutral\n")
    assert [r["split"] for r in TT.read_war_labels(old)] == ["validation"]
    assert TT.read_war_labels(old, "train") == []
    new = tmp_path / "new.csv"
    new.write_text(head + ",corpus,split\na.md,a,u,text,0,4,x,negative,devcorpus,train\n"
                   "b.md,b,u,text,0,4,x,positive,devcorpus2,validation\n")
    assert [r["article_id"] for r in TT.read_war_labels(new, "train")] == ["a"]
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "\na.md,a,u,text,0,4,x,angry\n")
    with pytest.raises(SystemExit, match="bad.csv:2"):
        TT.read_war_labels(bad)


def test_own_lowercase_prior_words_count_but_names_do_not():
    """Priors of the mention's own lowercase words ("invaders") count (self slot); capitalised
    name words never do."""
    p = {}
    for target in ("invaders", "delegation", "Killer Smith", "Nice Smith"):
        sent = f"The {target} crossed the river on Monday."
        a = sent.index(target)
        p[target] = T.score_targets([sent], [a], [a + len(target)])["polarity"][0]
    assert p["invaders"] < p["delegation"]
    assert p["Killer Smith"] == p["Nice Smith"]
