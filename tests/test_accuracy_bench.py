"""bench/accuracy.py: matching and scoring on tiny invented tables and gold (no /work/shared)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import load_bench_module

acc = load_bench_module("accuracy")


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- matching primitives
def test_max_matching_beats_first_fit_and_ignores_order():
    # gold 0 may take pred 0 or 1, gold 1 only pred 0: first-fit pairs 0-0 and loses gold 1.
    assert acc.max_matching([[0, 1], [0]]) == {0: 1, 1: 0}
    assert len(acc.max_matching([[0], [0, 1]])) == 2
    assert acc.max_matching([[0], [0], [0]]) == {0: 0}
    assert acc.max_matching([[], [2], [1, 2]]) == {1: 2, 2: 1}


def test_split_alternatives_only_at_top_level():
    assert acc.split_alternatives("source|") == ["source", ""]
    assert acc.split_alternatives("") == [""]
    assert acc.split_alternatives("(said|told)|according") == ["(said|told)", "according"]
    assert acc.split_alternatives(r"a\|b") == [r"a\|b"]
    assert acc.split_alternatives("[|]x|y") == ["[|]x", "y"]


def test_id_texts_reads_separators_and_names():
    assert acc.id_texts("united_states") == ["united_states", "united states"]
    assert acc.id_texts("peskov", {"peskov": "Dmitry Peskov"})[-1] == "Dmitry Peskov"
    assert acc.id_texts(None) == [] and acc.id_texts(float("nan")) == []
    assert acc.matches("united states", acc.id_texts("united_states"))
    assert not acc.matches("kremlin", ["Russia", None, ""])


def test_gold_cue_type():
    assert acc.gold_cue_type("") == "label"
    assert acc.gold_cue_type("quote|") == "label"
    assert acc.gold_cue_type("according") == "according"
    assert acc.gold_cue_type("adding") == "participial"
    assert acc.gold_cue_type("said|call") == "verb"


# ---------------------------------------------------------------- statements
SENTENCES = frame([
    {"article_id": "a1", "sentence": 0, "text": "Kremlin demands pullback - spokesman"},
    {"article_id": "a1", "sentence": 1, "text": "Peskov said the talks would go on."},
    {"article_id": "a1", "sentence": 2, "text": "Peskov said the talks would go on."},
    {"article_id": "a1", "sentence": 3, "text": "He added that the offer stands."},
    {"article_id": "a1", "sentence": 4, "text": "A senior official said no date was set."},
])


def statement(sentence, speaker, text, cue, form="subject", content="the talks would go on",
              **extra):
    return {"article_id": "a1", "sentence": sentence, "speaker": speaker, "speaker_text": text,
            "cue": cue, "cue_lemma": cue.rstrip("ed") if cue else "", "form": form,
            "content": content, **extra}


GOLD_STATEMENTS = {"a1": {"statements": [
    {"speaker": "peskov|kremlin", "cue": "", "content": "demands pullback"},
    {"speaker": "peskov", "cue": "said", "content": "talks would go on"},
    {"speaker": "peskov", "cue": "added", "content": "offer stands"},
    {"speaker": "official", "cue": "said", "content": "no date was set"},
], "speakers_unlinked_ok": ["official"]}}


def test_statements_one_to_one_with_duplicates_and_label_cues():
    pred = frame([
        statement(0, "peskov", "spokesman", "", form="headline_dash"),
        statement(1, "peskov", "Peskov", "said"),
        statement(2, "peskov", "Peskov", "said"),  # the same sentence scraped twice: counts once
        statement(3, "zelensky", "He", "added", form="pronoun"),  # wrong speaker
    ])
    res = acc.score_statements(pred, GOLD_STATEMENTS, SENTENCES, {"peskov": "Dmitry Peskov"})
    assert (res.score.hit_gold, res.score.n_gold) == (2, 4)
    assert (res.score.hit_pred, res.score.n_pred) == (2, 3)
    assert res.score.precision == pytest.approx(2 / 3)
    assert res.score.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert [m["cue"] for m in res.misses] == ["added", "said"]
    assert [fp["speaker"] for fp in res.false_positives] == ["zelensky"]
    by_form = res.breakdowns["precision by form"]
    assert (by_form["pronoun"].hit_pred, by_form["pronoun"].n_pred) == (0, 1)
    assert by_form["headline_dash"].hit_pred == 1
    assert res.breakdowns["recall by gold cue type"]["label"].hit_gold == 1
    assert any("1 duplicate" in n for n in res.notes)


def test_statements_label_cue_rejects_a_verb_row_and_verb_cue_rejects_an_empty_one():
    gold = {"a1": {"statements": [{"speaker": "peskov", "cue": "", "content": ""}]}}
    verb_row = frame([statement(0, "peskov", "Peskov", "said")])
    assert acc.score_statements(verb_row, gold, SENTENCES).score.hit_gold == 0
    gold = {"a1": {"statements": [{"speaker": "peskov", "cue": "said", "content": ""}]}}
    label_row = frame([statement(0, "peskov", "Peskov", "", form="headline_colon")])
    assert acc.score_statements(label_row, gold, SENTENCES).score.hit_gold == 0


def test_statements_match_independent_of_row_order():
    # The "said" gold may pair with either row, the "told" gold only with the second.
    gold = {"a1": {"statements": [{"speaker": "peskov", "cue": "said|told", "content": ""},
                                  {"speaker": "peskov", "cue": "told", "content": ""}]}}
    rows = [statement(1, "peskov", "Peskov", "told"), statement(3, "peskov", "Peskov", "said")]
    for order in (rows, rows[::-1]):
        assert acc.score_statements(frame(order), gold, SENTENCES).score.hit_gold == 2


def test_statements_unlinked_rows_only_for_unlinked_ok_speakers():
    pred = frame([
        statement(4, "anonymous:senior-official", "A senior official", "said", linked=False,
                  speaker_kind="anonymous"),
        statement(1, "person:dmitry-peskov", "Peskov", "said", linked=False,
                  speaker_kind="person"),
    ])
    res = acc.score_statements(pred, GOLD_STATEMENTS, SENTENCES)
    assert res.score.hit_gold == 1  # the official; Peskov must link to the gazetteer
    assert [fp["speaker_text"] for fp in res.false_positives] == ["Peskov"]
    kinds = res.breakdowns["precision by speaker_kind"]
    assert kinds["anonymous"].hit_pred == 1 and kinds["person"].hit_pred == 0
    assert res.breakdowns["recall by gold speaker"]["unlinked ok"].hit_gold == 1


def test_statements_missing_columns_are_reported_not_scored():
    res = acc.score_statements(frame([{"article_id": "a1", "speaker": "x"}]), GOLD_STATEMENTS)
    assert res.score is None and "cue" in res.notes[0]
    lines = acc.target_lines({"statements": res})
    assert "n/a (not scored)" in lines[0]


@pytest.mark.parametrize("content,problem", [
    ("", "empty"), (None, "empty"), ("on", "empty"), ("…", "empty"),
    ("Monday", "date or time only"), ("on Tuesday evening", "date or time only"),
    ("earlier this week", "date or time only"), ("March 3", "date or time only"),
    ("this", None), ("Moscow would not withdraw", None), ("the talks on Monday failed", None),
])
def test_content_problem(content, problem):
    assert acc.content_problem(content) == problem


def test_content_violations_counts_rows():
    pred = frame([statement(1, "peskov", "Peskov", "said", content="Monday"),
                  statement(3, "peskov", "He", "added", content="the offer stands")])
    res = acc.content_violations(pred)
    assert res.value == 1 and res.false_positives[0]["content"] == "Monday"


# ---------------------------------------------------------------- actors and regions
def test_actors_recall_over_id_name_and_text():
    mentions = frame([
        {"article_id": "a1", "actor_id": "united_states", "actor": "United States", "text": "U.S."},
        {"article_id": "a1", "actor_id": "russia", "actor": "Russia", "text": "the Kremlin"},
        {"article_id": "a1", "actor_id": "nato", "actor": "NATO", "text": "NATO"},
        {"article_id": "b2", "actor_id": "putin", "actor": "Vladimir Putin", "text": "Putin"},
    ])
    gold = {"a1": {"actors": ["united states", "kremlin", "general staff"]}}
    res = acc.score_actors(mentions, gold)
    assert (res.score.hit_gold, res.score.n_gold) == (2, 3)
    assert [m["gold"] for m in res.misses] == ["general staff"]
    assert (res.score.hit_pred, res.score.n_pred) == (2, 3)  # nato is extra; b2 has no gold
    assert any("R 0.33 (1/3)" in n for n in res.notes)  # `actor` alone misses the Kremlin


def test_regions_hierarchy_rows_are_not_false_positives():
    claims = frame([
        {"article_id": "a1", "region_id": "donbas", "region": "Donbas", "region_text": "Donbass",
         "via": "mention"},
        {"article_id": "a1", "region_id": "luhansk", "region": "Luhansk", "region_text": "Donbass",
         "via": "hierarchy"},
        {"article_id": "a1", "region_id": "pokrovsk", "region": "Pokrovsk",
         "region_text": "Krasnoarmeysk", "via": "mention"},
        {"article_id": "a1", "region_id": "kherson", "region": "Kherson", "region_text": "Kherson",
         "via": "mention"},
    ])
    gold = {"a1": {"regions": ["donbas", "krasnoarmeysk|pokrovsk", "sumy"]}}
    res = acc.score_regions(claims, gold)
    assert (res.score.hit_gold, res.score.n_gold) == (2, 3)
    assert (res.score.hit_pred, res.score.n_pred) == (2, 3)  # luhansk not counted, kherson is
    assert [fp["predicted"] for fp in res.false_positives] == ["kherson"]
    region_mentions = frame([{"article_id": "a1", "region_id": "sumy", "region": "Sumy",
                              "text": "Sumy"}])
    res = acc.score_regions(claims, gold, region_mentions)
    assert (res.score.hit_gold, res.score.n_gold) == (1, 3)
    assert any("carry a claim" in n and "R 0.67 (2/3)" in n for n in res.notes)


# ---------------------------------------------------------------- claims and quantities
CLAIMS = frame([
    {"article_id": "a1", "region_id": "donbas", "region": "Donbas", "region_text": "Donbas",
     "claimant": "russia", "stated_by": None, "claim_type": "withdrawal_demand", "via": "mention"},
    {"article_id": "a1", "region_id": "donbas", "region": "Donbas", "region_text": "Donbas",
     "claimant": "russia", "stated_by": "peskov", "claim_type": "withdrawal_demand",
     "via": "mention"},
    {"article_id": "a1", "region_id": "donetsk", "region": "Donetsk", "region_text": "Donbas",
     "claimant": "russia", "stated_by": "peskov", "claim_type": "withdrawal_demand",
     "via": "hierarchy"},
    {"article_id": "a1", "region_id": "kupiansk", "region": "Kupiansk", "region_text": "Kupyansk",
     "claimant": "ukraine", "stated_by": None, "claim_type": "control_status", "via": "mention"},
])


def test_claims_merge_rows_and_accept_the_speaker_as_claimant():
    gold = {"a1": {"claims": [
        {"region": "donbas", "claimant": "peskov", "claim_type": "withdrawal_demand"},
        {"region": "kupyansk|kupiansk", "claimant": "russia", "claim_type": "capture_advance"},
    ]}}
    res = acc.score_claims(CLAIMS, gold, {"russia": "Russia"})
    # the two donbas rows merge; the hierarchy-only donetsk row is not a false positive
    assert (res.score.hit_gold, res.score.n_gold) == (1, 2)
    assert (res.score.hit_pred, res.score.n_pred) == (1, 2)
    assert res.false_positives[0]["region"] == "kupiansk"
    assert res.misses[0]["category"] == "capture_advance"


def test_claims_name_the_side_by_any_name_and_skip_generic_references():
    claims = pd.concat([CLAIMS, frame([
        {"article_id": "a1", "region_id": "generic:occupied_territories",
         "region": "occupied territories", "region_text": "occupied territories",
         "claimant": "russia", "stated_by": None, "claim_type": "control_status",
         "via": "mention"}])], ignore_index=True)
    gold = {"a1": {"claims": [{"region": "donbas", "claimant": "moscow"}]}}
    plain = acc.score_claims(claims, gold, {"russia": "Russia"})
    assert plain.score.hit_gold == 0
    named = acc.score_claims(claims, gold, {"russia": ["Russia", "Moscow", "the Kremlin"]})
    assert named.score.hit_gold == 1
    # the generic reference is neither matched nor a false positive; kupiansk still is one
    assert [fp["region"] for fp in named.false_positives] == ["kupiansk"]


def test_claims_with_type_require_the_claim_type():
    gold = {"a1": {"claims": [
        {"region": "kupiansk", "claimant": "ukrain", "claim_type": "capture_advance"}]}}
    assert acc.score_claims(CLAIMS, gold).score.hit_gold == 1
    assert acc.score_claims(CLAIMS, gold, with_type=True).score.hit_gold == 0
    no_type = CLAIMS.drop(columns="claim_type")
    assert acc.score_claims(no_type, gold, with_type=True).score is None


def test_quantities_value_tolerance_original_units_and_one_to_one():
    quantities = frame([
        {"article_id": "a1", "text": "230 square kilometres", "value": 230.0, "unit": "km2",
         "original_value": 230.0, "original_unit": "square kilometres", "kind": "area"},
        {"article_id": "a1", "text": "70 metres a day", "value": 0.07, "unit": "km/day",
         "original_value": 70.0, "original_unit": "metres per day", "kind": "rate"},
        {"article_id": "a1", "text": "in 2024", "value": 2024.0, "unit": "date",
         "original_value": None, "original_unit": None, "kind": "date"},
    ])
    gold = {"a1": {"quantities": [
        {"value": 230, "unit": "square kilomet|km"}, {"value": 70, "unit": "meter|metre|m/day"},
        {"value": 230, "unit": "square kilomet|km"}, {"value": 13, "unit": "settlement"}]}}
    res = acc.score_quantities(quantities, gold)
    assert (res.score.hit_gold, res.score.n_gold) == (2, 4)
    assert (res.score.hit_pred, res.score.n_pred) == (2, 3)
    assert res.breakdowns["precision by kind"]["date"].hit_pred == 0
    assert acc._same_value(100.0, [100.4]) and not acc._same_value(100.0, [101.0, None, "x"])


# ---------------------------------------------------------------- stances, unknown entities
def matrix(rows: pd.DataFrame) -> pd.DataFrame:
    """A stand-in aggregation: the most frequent stance per speaker x issue."""
    return (rows.groupby(["speaker", "issue"])["stance"].agg(lambda s: s.mode().iloc[0])
            .reset_index())


def test_stances_share_right_per_article():
    stances = frame([
        {"article_id": "a1", "speaker": "peskov", "issue": "territory", "stance": "demands"},
        {"article_id": "a1", "speaker": "peskov", "issue": "territory", "stance": "demands"},
        {"article_id": "a1", "speaker": "trump", "issue": "talks", "stance": "neutral"},
        {"article_id": "b2", "speaker": "zelensky", "issue": "nato", "stance": "supports"},
    ])
    gold = {"a1": {"stances": [
        {"actor": "kremlin|peskov", "issue": "territory", "stance": "demands"},
        {"actor": "trump", "issue": "talks", "stance": "supports"},
        {"actor": "zelensk", "issue": "nato", "stance": "supports"},  # only said in b2
    ]}}
    res = acc.score_stances(stances, gold, matrix_fn=matrix, corpus_matrix=matrix(stances))
    assert (res.score.hit_gold, res.score.n_gold) == (1, 3)
    assert sorted(m["category"] for m in res.misses) == ["no cell", "wrong"]
    assert any("R 0.67 (2/3)" in n for n in res.notes)  # the corpus matrix has zelensky/nato
    assert acc.stance_label("supports (conditional)") == "supports"
    assert acc.stance_label("demands 6/8") == "demands"


def test_stance_actor_is_named_by_any_gazetteer_name():
    stances = frame([
        {"article_id": "a1", "speaker": "russia", "issue": "talks", "stance": "supports"}])
    gold = {"a1": {"stances": [{"actor": "kremlin", "issue": "talks", "stance": "supports"}]}}
    plain = acc.score_stances(stances, gold, {"russia": "Russia"}, matrix_fn=matrix)
    assert plain.misses[0]["category"] == "no cell"
    named = acc.score_stances(stances, gold, {"russia": ["Russia", "Moscow", "Kremlin"]},
                              matrix_fn=matrix)
    assert (named.score.hit_gold, named.score.n_gold) == (1, 1)


def test_unknown_entities_places_among_people_and_organisations():
    unknown = frame([
        {"entity": "Geneva", "count": 9, "category": "organisation"},
        {"entity": "Zaporizhzhia Oblast", "count": 5, "category": "person"},
        {"entity": "Pokrovsk", "count": 7, "category": "place"},
        {"entity": "Oleh Hnatenko", "count": 4, "category": "person"},
    ])
    gold = {"a1": {"regions": ["zaporizh|zaporozh"]}}
    res = acc.check_unknown_entities(unknown, gold)
    assert res.value == 2
    assert [fp["entity"] for fp in res.false_positives] == ["Geneva", "Zaporizhzhia Oblast"]
    plain = acc.check_unknown_entities(unknown.drop(columns="category"), gold)
    assert plain.value is None and "not available" in plain.notes[0]


# ---------------------------------------------------------------- gold file, targets, CLI
def test_load_gold_names_the_file_and_problem(tmp_path):
    path = tmp_path / "gold.yml"
    path.write_text("articles:\n  - url: http://x.test/a\n    actors: ['(unclosed']\n")
    with pytest.raises(acc.GoldError, match=r"gold\.yml.*x\.test/a.*bad regex"):
        acc.load_gold(path)
    path.write_text("articles:\n  - file: a.md\n")
    with pytest.raises(acc.GoldError, match="needs a 'url'"):
        acc.load_gold(path)
    path.write_text("articles:\n  - url: u\n    quantities: [{unit: km}]\n")
    with pytest.raises(acc.GoldError, match="numeric value"):
        acc.load_gold(path)


def test_pair_articles_by_url():
    articles = frame([{"article_id": "a1", "url": "https://x.test/a/"},
                      {"article_id": "a2", "url": "https://x.test/b"}])
    gold, unmatched, ungraded = acc.pair_articles(
        articles, [{"url": "https://x.test/a"}, {"url": "https://x.test/c"}])
    assert list(gold) == ["a1"] and unmatched == ["https://x.test/c"] and ungraded == ["a2"]


def test_target_lines_met_and_not_met():
    results = {
        "statements": acc.Result("statements", acc.Score(93, 100, 90, 100)),
        "content": acc.Result("content", value=0),
        "actors": acc.Result("actors", acc.Score(0, 0, 96, 100)),
    }
    lines = acc.target_lines(results)
    assert lines[0].startswith("statements") and lines[0].endswith(" met")
    assert "R 0.96 (96/100) >= 0.97" in lines[1] and lines[1].endswith("NOT met")
    assert lines[2].endswith(" met") and "violations 0 == 0" in lines[2]
    assert lines[-1].startswith("targets met: 2/")


ARTICLE = """---
title: Kremlin says talks will go on
url: https://example.test/{n}
source: example.test
---
Kremlin spokesman Dmitry Peskov said on Monday that Moscow would keep its demands on Donbas.
Russian forces captured the village of Testivka number {n}, the ministry claimed.
"""


def test_main_runs_the_pipeline_and_ends_with_the_targets(tmp_path, capsys):
    corpus = tmp_path / "articles"
    corpus.mkdir()
    for n in (1, 2):
        (corpus / f"{n}.md").write_text(ARTICLE.format(n=n), encoding="utf-8")
    gold = tmp_path / "gold.yml"
    gold.write_text(
        "articles:\n"
        "  - url: https://example.test/1\n"
        "    actors: [peskov, kremlin, russia]\n"
        "    regions: [donbas]\n"
        "    statements:\n"
        "      - {speaker: peskov, cue: said, content: Moscow would keep its demands}\n"
        "    stances: []\n"
        "  - url: https://example.test/missing\n", encoding="utf-8")
    out = tmp_path / "scores.json"
    assert acc.main([str(corpus), str(gold), "--json", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "gold entry with no article: https://example.test/missing" in lines
    assert lines[-10] == "== TARGETS =="
    assert lines[-1].startswith("targets met:")
    data = json.loads(out.read_text())
    assert data["tables"]["statements"]["score"]["hit_gold"] == 1
    assert data["tables"]["actors"]["score"]["n_gold"] == 3
    assert data["ungraded_articles"] and data["unmatched_gold"] == ["https://example.test/missing"]
