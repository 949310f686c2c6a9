"""Stances from narration (basis narration): positions the article ascribes to an actor."""

from __future__ import annotations

import pandas as pd
import pytest
from newslens.analysis.attribution import statements
from newslens.analysis.stance import stance_matrix, stances
from test_attribution import frames


def read(*texts) -> pd.DataFrame:
    sents, mentions = frames(*texts)
    return stances(statements(sents, mentions), sents, mentions=mentions)


def held(rows: pd.DataFrame, basis: str = "narration") -> set:
    rows = rows[rows["basis"] == basis]
    return set(zip(rows["speaker"], rows["issue"], rows["stance"]))


@pytest.mark.parametrize("text, expected", [
    # "X wants Y to ...": a demand on someone else
    ("Russia wants Ukraine to pull out of Donbas.", {("russia", "territory", "demands")}),
    # the subject backs it (the passive is the attribution's: test below)
    ("Europe backs a peace plan rejected by Russia.", {("europe", "peace_plan", "supports")}),
    # a possessor's condition, a subject's insistence
    ("Ukraine's main condition is a full ceasefire.", {("ukraine", "ceasefire", "demands")}),
    ("Europe's push for security guarantees goes on.",
     {("europe", "security_guarantees", "demands")}),
    # readiness, and its negation
    ("Russia is ready to hold talks.", {("russia", "talks", "supports")}),
    ("Russia is not ready to hold talks.", {("russia", "talks", "opposes")}),
    # an offer of a contrary term (neutrality) opposes membership
    ("The Ukrainian proposal of neutrality was discussed.",
     {("ukraine", "nato", "opposes"), ("ukraine", "peace_plan", "supports")}),
    # nominal calls of coordinated possessors
    ("Zelensky and Europe's calls for a ceasefire went unanswered.",
     {("zelensky", "ceasefire", "demands"), ("europe", "ceasefire", "demands")}),
    # a relative clause: what is insisted on stands before "which"
    ("Security guarantees, which Ukraine has long insisted on, were discussed.",
     {("ukraine", "security_guarantees", "demands")}),
    # a supposed position is nobody's; a cue with no actor before or after is no position
    ("The war will go on unless Ukraine accepts the peace plan.", set()),
    ("A ceasefire was proposed last week.", set()),
])
def test_narrated_positions(text, expected):
    assert held(read(text)) == expected


def test_narration_rows_are_numbered_per_article_and_weigh_less():
    rows = read("Russia wants Ukraine to pull out of Donbas.", "Russia is ready to hold talks.")
    narrated = rows[rows["basis"] == "narration"].sort_values("sentence")
    assert narrated["statement"].tolist() == [-1, -2]
    assert narrated["rule"].tolist() == ["territory:cession:pull out", "cue:positive"]
    assert (narrated["weight"] < narrated["confidence"]).all()


def test_a_statement_is_not_counted_again_as_narration():
    # the speaker's own position (its side, here) is the statement's row only
    rows = read("Putin said Russia is ready to hold talks.")
    assert held(rows) == set()
    assert held(rows, "statement") == {("putin", "talks", "supports")}
    # a reporting cue taken by the attribution is not narrated again
    for text, position in (("Zelensky rejected the peace plan.", "opposes"),
                           ("Ukraine proposed a peace plan.", "supports")):
        rows = read(text)
        assert held(rows) == set() and len(held(rows, "statement")) == 1
        assert next(iter(held(rows, "statement")))[2] == position


def test_a_position_inside_a_statement_belongs_to_its_holder():
    rows = read("Zelensky said Putin wants Ukraine to give up Donbas.")
    assert held(rows) == {("putin", "territory", "demands")}
    assert rows[rows["speaker"] == "zelensky"].empty  # not the speaker's own position
    # a position the speaker rejects stays the speaker's too
    rows = read("Zelensky dismissed Putin's demand that Ukraine leave Donbas.")
    assert ("putin", "territory", "demands") in held(rows)
    assert ("zelensky", "territory", "opposes") in held(rows, "statement")


def test_matrix_counts_narration_apart():
    rows = read("Russia wants Ukraine to pull out of Donbas.",
                "Putin said Ukraine must withdraw from Donbas.",
                "Europe rejected the Russian demands for Donbas.")
    matrix = stance_matrix(rows).set_index(["speaker", "issue"])
    cell = matrix.loc[("russia", "territory")]
    assert (cell["stance"], cell["n_statements"], cell["n_narration"]) == ("demands", 2, 2)
    assert cell["evidence_basis"] == "narration"
    assert matrix.loc[("putin", "territory"), "n_narration"] == 0
    assert matrix.loc[("europe", "territory"), "stance"] == "opposes"


@pytest.mark.parametrize("text, expected", [
    # speech reported inside a statement is its inner speaker's position
    ("Zelensky said Europe had signalled the need for a ceasefire.",
     {("europe", "ceasefire", "demands")}),
    # "the <noun>" takes the state of an earlier "<demonym> <noun>"
    ("A Russian draft was handed to the mediators. The draft calls for a ceasefire.",
     {("russia", "ceasefire", "demands")}),
    # a passive with no actor as agent, a phrasal verb: no position
    ("A fund for Ukraine backed by seized reserves was set up.", set()),
    ("Europe backed out of the talks.", set()),
])
def test_narration_grammar(text, expected):
    assert held(read(*text.split(". ") if ". " in text else (text,))) == expected


def test_another_actors_words_are_not_the_speakers():
    # "Putin's demands" inside Zelensky's statement: a demand of Putin's, not Zelensky's
    rows = read("Zelensky said his team was reviewing Putin's demands for a ceasefire.")
    assert held(rows) == {("putin", "ceasefire", "demands")}
    assert set(rows.loc[rows["speaker"] == "zelensky", "stance"]) <= {"neutral"}


def test_a_pronoun_object_points_back_at_the_sentence():
    rows = read("Putin studied the peace plan but said Russia is against it.")
    got = rows[(rows["speaker"] == "putin") & (rows["issue"] == "peace_plan")]
    assert got[["stance", "issue_source"]].values.tolist() == [["opposes", "context"]]


def test_tone_gives_way_to_a_stated_position():
    rows = read("Zelensky said the talks were a wonderful success.",
                "Zelensky rejected the talks.")
    talks = rows[(rows["speaker"] == "zelensky") & (rows["issue"] == "talks")]
    assert sorted(talks["stance"]) == ["neutral", "opposes"]
    assert talks.loc[talks["stance"] == "neutral", "rule"].str.startswith(
        "outweighed(sentiment:").all()


def test_evidence_shows_narration_apart():
    from newslens.report import evidence

    texts = ("Russia wants Ukraine to pull out of Donbas.", "Putin said the talks went well.")
    sents, mentions = frames(*texts)
    st = statements(sents, mentions)
    rows = stances(st, sents, mentions=mentions)
    articles = pd.DataFrame({"article_id": ["a1"], "title": ["t"], "source": ["s"],
                             "date": ["2025-01-01"], "url": [""]})
    narrated = evidence.narration_evidence(rows, sents, articles)
    assert narrated[["speaker", "stance", "cue"]].values.tolist() == [
        ["Russia", "demands", "wants"]]
    assert '<mark class="content"' in narrated["evidence"].iloc[0]  # what is held, marked
    cells = evidence.stance_cell_evidence(stance_matrix(rows), st, rows, sents, articles)
    assert dict(zip(cells["speaker"], cells["basis"])) == {"Russia": "narration",
                                                          "Vladimir Putin": "statement"}


def test_a_passive_agent_holds_what_stands_before_the_participle():
    # as a statement (the attribution's reduced passive) or as narration: Russia's position
    for text in ("Europe backs a peace plan rejected by Russia.",
                 "The peace plan was rejected by Russia."):
        rows = read(text)
        assert ("russia", "peace_plan", "opposes") in held(rows) | held(rows, "statement")
