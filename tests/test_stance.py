"""Stances: issue tagging, stance rules, the actor × issue matrix, pairwise and by-source tables."""

from __future__ import annotations

import random

import newslens
import pandas as pd
import pytest
from conftest import assert_data_error
from newslens.analysis.attribution import statements
from newslens.analysis.stance import (
    MATRIX_COLUMNS,
    STANCE_COLUMNS,
    STANCES,
    by_source,
    load_issues,
    load_markers,
    majority,
    matrix_wide,
    pairwise,
    stance_matrix,
    stances,
)
from newslens.report.tables import matrix_html
from newslens.text.actors import actor_mentions
from test_attribution import frames


def stance_of(*texts, **kw) -> pd.DataFrame:
    sents, mentions = frames(*texts, **kw)
    return stances(statements(sents, mentions), sents)


def cell(table: pd.DataFrame, speaker: str, issue: str) -> pd.Series:
    hits = table[(table["speaker"] == speaker) & (table["issue"] == issue)]
    assert len(hits) == 1, table[["speaker", "issue", "stance"]]
    return hits.iloc[0]


# ---------------------------------------------------------------- rules on synthetic statements
@pytest.mark.parametrize("text, issue, stance, rule", [
    # a condition demands what it covers and supports (conditionally) what it conditions
    ("Putin said a ceasefire is possible only if Ukraine leaves Donbas.", "territory", "demands",
     "condition:only if"),
    ("Putin said a ceasefire is possible only if Ukraine leaves Donbas.", "ceasefire",
     "supports", "conditioned:only if"),
    # sanctions are read toward sanctions on Russia: demanding their lifting opposes them
    ("Putin said that the war would go on unless sanctions are lifted.", "sanctions", "opposes",
     "condition:unless+contrary:sanctions"),
    ("Zelensky demanded new security guarantees.", "security_guarantees", "demands",
     "cue:demand"),
    ("Zelensky urged Europe to tighten sanctions.", "sanctions", "demands", "cue:demand"),
    ("Putin welcomed the peace plan.", "peace_plan", "supports", "cue:positive"),
    ("Putin did not welcome the peace plan.", "peace_plan", "opposes", "cue:positive+negation"),
    ("Zelensky rejected the draft.", "peace_plan", "opposes", "cue:negative"),
    ("Zelensky questioned the talks.", "talks", "skeptical", "cue:skeptical:question"),
    ("Putin said Russia will never accept NATO membership for Ukraine.", "nato",
     "opposes", "negation:never accept"),
    ("Putin said the sanctions were nonsense.", "sanctions", "opposes",
     "content:dismissive:nonsense"),
    ("Zelensky said the talks made real progress.", "talks", "supports",
     "content:supportive:progress"),
    ("Zelensky said the talks were a terrible failure.", "talks", "opposes", "sentiment:-0.66"),
    ("Putin said the talks would take place in Moscow.", "talks", "neutral", "default"),
])
def test_rules(text, issue, stance, rule):
    r = cell(stance_of(text), text.split()[0].lower(), issue)
    assert (r.stance, r.rule) == (stance, rule)
    assert 0 < r.confidence <= 1


def test_emphatic_cue_raises_confidence():
    plain = cell(stance_of("Putin said the talks made progress."), "putin", "talks")
    strong = cell(stance_of("Putin stressed the talks made progress."), "putin", "talks")
    assert strong.confidence == pytest.approx(plain.confidence + 0.1)
    assert strong.rule.endswith("+emphatic")


def test_participial_inherits_parent_stance():
    st = stance_of("Zelensky welcomed the talks, noting that the draft would be revised.")
    r = cell(st, "zelensky", "peace_plan")
    assert (r.stance, r.rule) == ("supports", "parent:cue:positive")


def test_issue_from_statement_or_context():
    st = stance_of("Skepticism about the talks remains among European leaders.",
                   "Many doubt Putin’s commitment.")
    r = cell(st, "europe", "talks")
    assert (r.issue_source, r.stance) == ("context", "skeptical")
    assert r.weight == pytest.approx(r.confidence * 0.6)
    # another statement's issues in the same sentence do not leak in
    st = stance_of("Zelensky welcomed the talks, with Putin criticising the sanctions.")
    assert set(st.loc[st["speaker"] == "zelensky", "issue"]) == {"talks"}
    assert set(st.loc[st["speaker"] == "putin", "issue"]) == {"sanctions"}


def test_no_issue_no_row_and_empty_tables():
    assert stance_of("Putin said the weather was fine.").empty
    empty = stances(statements(*frames("Nothing here.")), frames("Nothing here.")[0])
    assert list(empty.columns) == STANCE_COLUMNS
    assert list(stance_matrix(empty).columns) == MATRIX_COLUMNS
    assert pairwise(empty).empty and by_source(empty, pd.DataFrame()).empty


def test_matrix_majority_and_mixed():
    st = stance_of("Putin welcomed the draft.", "Putin demanded changes to the plan.",
                   "Zelensky rejected the plan.", "Zelensky said the plan was nonsense.")
    m = stance_matrix(st)
    putin = cell(m, "putin", "peace_plan")
    assert (putin.stance, putin.split, putin.n_nonneutral) == ("mixed", "1 demands / 1 supports", 2)
    z = cell(m, "zelensky", "peace_plan")
    assert (z.stance, z.split, z.n_statements, z.n_opposes) == ("opposes", "opposes 2/2", 2, 2)
    pairs = pairwise(m)
    row = pairs[(pairs["issue"] == "peace_plan")].iloc[0]
    assert (row.actor_a, row.actor_b, row.relation) == ("putin", "zelensky", "mixed")
    assert (row.n_a, row.n_b, row.split_b) == (2, 2, "opposes 2/2")
    assert matrix_wide(m).loc["putin", "peace_plan"] == "mixed"


def test_pairwise_relations():
    st = stance_of("Putin welcomed the talks.", "Zelensky praised the talks.",
                   "Zelensky demanded sanctions.")
    pairs = pairwise(st).set_index("issue")["relation"].to_dict()
    assert pairs == {"sanctions": "one silent", "talks": "agree"}


def test_pairwise_two_against_is_not_agreement():
    st = stance_of("Putin rejected the sanctions.", "Zelensky criticised the sanctions.")
    pairs = pairwise(st).set_index("issue")["relation"].to_dict()
    assert pairs == {"sanctions": "both against"}


def test_by_source_compares_sources():
    s1, m1 = frames("Putin welcomed the talks.")
    s2, m2 = frames("Putin rejected the talks.")
    s2["article_id"], m2["article_id"] = "a2", "a2"
    sents, mentions = pd.concat([s1, s2]), pd.concat([m1, m2])
    st = stances(statements(sents, mentions), sents)
    articles = pd.DataFrame({"article_id": ["a1", "a2"], "source": ["Wire", "Daily"]})
    out = by_source(st, articles)
    assert list(out["source"]) == ["Daily", "Wire"]
    assert list(out["stance"]) == ["opposes", "supports"]
    assert set(out["n_sources"]) == {2} and not out["consistent"].any()


@pytest.mark.parametrize("name, body, problem", [
    ("issues.yml", "issues:\n  - id: Bad Id\n    terms: [x]\n", "lowercase slug"),
    ("issues.yml", "issues:\n  - id: a\n    terms: [x]\n  - id: a\n    terms: [y]\n",
     "duplicate issue id"),
    ("issues.yml", "issues:\n  - id: a\n    terms: []\n", "non-empty list"),
    ("issues.yml", "topics: []\n", "under 'issues:'"),
    ("issues.yml", "issues:\n  - id: a\n    terms: [x]\n    contrary: []\n", "non-empty list"),
    ("issues.yml", "issues:\n  - id: a\n    terms: [x]\nskip: [y]\n",
     "unknown top-level keys ['skip']"),
    ("markers.yml", "condition: [until]\n", "missing"),
])
def test_data_errors_name_file_and_problem(tmp_path, name, body, problem):
    loader = load_issues if name == "issues.yml" else load_markers
    assert_data_error(tmp_path, name, body, loader, problem)


def test_curated_files_load():
    issues = load_issues()
    assert {"territory", "ceasefire", "peace_plan", "security_guarantees", "nato",
            "talks", "european_security", "sanctions", "elections",
            "military_situation"} <= set(issues["id"])
    assert "only if" in load_markers()["condition"]


# ---------------------------------------------------------------- the seed article (real pipeline)
@pytest.fixture(scope="module")
def seed():
    articles = newslens.load_corpus("seeds")
    sents = newslens.sentences(articles)
    st = stances(statements(sents, actor_mentions(articles, sents)), sents)
    return articles, st, stance_matrix(st)


@pytest.mark.parametrize("speaker, issue, stance", [
    ("putin", "territory", "demands"),
    ("putin", "peace_plan", "mixed"),  # 1 supports / 1 demands: no majority (was conditional)
    ("putin", "european_security", "opposes"),
    ("zelensky", "talks", "supports"),
    ("zelensky", "peace_plan", "supports"),
    ("europe", "talks", "skeptical"),
    ("von_der_leyen", "european_security", "opposes"),
])
def test_seed_matrix(seed, speaker, issue, stance):
    assert cell(seed[2], speaker, issue).stance == stance


def test_seed_evidence(seed):
    _, st, m = seed
    territory = st[(st["speaker"] == "putin") & (st["issue"] == "territory")]
    assert "condition:only … if" in set(territory["rule"])
    assert any(r.startswith("condition:until") for r in territory["rule"])
    plan = st[(st["speaker"] == "putin") & (st["issue"] == "peace_plan")]
    assert "foundation" in " ".join(plan.loc[plan["stance"] == "supports", "content"])
    assert cell(m, "putin", "peace_plan").split == "1 demands / 1 supports"
    pairs = pairwise(m)
    talks = pairs[(pairs["actor_a"] == "putin") & (pairs["actor_b"] == "zelensky")
                  & (pairs["issue"] == "talks")]
    # Putin: 1 supports / 1 demands on talks, no majority: "mixed", not "agree" (issue 11)
    assert talks["relation"].tolist() == ["mixed"]
    assert talks[["n_a", "n_b"]].values.tolist() == [[2, 2]]
    out = by_source(st, seed[0])
    assert set(out["n_sources"]) == {1}


# ---------------------------------------------------------------- majority, mixed and the split
@pytest.mark.parametrize("counts, label, split", [
    ({"demands": 6, "supports": 1, "opposes": 1, "neutral": 7}, "demands", "demands 6/8"),
    ({"supports": 3, "opposes": 3}, "mixed", "3 supports / 3 opposes"),
    ({"supports": 2, "demands": 1, "opposes": 1}, "mixed", "2 supports / 1 demands / 1 opposes"),
    ({"skeptical": 1, "neutral": 4}, "skeptical", "skeptical 1/1"),
    ({"neutral": 3}, "neutral", "3 neutral"),
])
def test_majority_rule(counts, label, split):
    assert majority(counts)[:2] == (label, split)


def test_no_cell_label_is_held_by_a_minority_of_its_statements():
    rng = random.Random(11)
    rows = []
    for n in range(400):
        speaker, issue = f"actor{n % 23}", ["territory", "talks", "ceasefire"][n % 3]
        stance = rng.choice(list(STANCES))
        rows.append({"article_id": f"a{n % 7}", "statement": n, "speaker": speaker,
                     "issue": issue, "issue_label": issue, "stance": stance, "rule": "x",
                     "confidence": 0.5, "weight": rng.random(), "content": "c"})
    m = stance_matrix(pd.DataFrame(rows))
    for r in m.itertuples():
        active = r.n_supports + r.n_opposes + r.n_demands + r.n_skeptical
        assert active == r.n_nonneutral
        if r.stance in ("supports", "opposes", "demands", "skeptical"):
            assert getattr(r, f"n_{r.stance}") * 2 > active, r
        elif r.stance == "neutral":
            assert active == 0
        else:
            assert r.stance == "mixed" and all(
                getattr(r, f"n_{s}") * 2 <= active for s in ("supports", "opposes", "demands",
                                                            "skeptical"))
    assert {"mixed", "neutral"} & set(m["stance"]) and len(set(m["stance"])) > 2


def test_matrix_cell_shows_the_split():
    st = stance_of("Putin demanded that Ukraine leave Donbas.",
                   "Putin insisted that Kyiv must withdraw from the territory.",
                   "Putin said Ukraine must give up territory.",
                   "Putin welcomed talks on territory.")
    c = cell(stance_matrix(st), "putin", "territory")
    assert (c.stance, c.split) == ("demands", "demands 3/4")
    assert "demands 3/4" in matrix_html(stance_matrix(st))


@pytest.mark.parametrize("texts, relation", [
    (("Putin rejected the ceasefire.", "Zelensky welcomed the ceasefire."), "disagree"),
    (("Putin welcomed the ceasefire.", "Zelensky praised the ceasefire."), "agree"),
    (("Putin demanded a ceasefire.", "Zelensky welcomed the ceasefire."), "differ"),
    (("Putin welcomed the ceasefire.", "Putin rejected the ceasefire.",
      "Zelensky rejected the ceasefire."), "mixed"),
])
def test_pairwise_relation_on_majorities(texts, relation):
    pairs = pairwise(stance_of(*texts))
    row = pairs[pairs["issue"] == "ceasefire"].iloc[0]
    assert row.relation == relation
    assert row.n_a >= 1 and row.n_b >= 1 and row.split_a and row.split_b


# ---------------------------------------------------------------- until, narration, targets
@pytest.mark.parametrize("text, stance", [
    ("Putin said the offensive went on from then until November 26.", "neutral"),
    ("Putin said the ceasefire would hold until the end of the year.", "neutral"),
    ("Putin said the ceasefire would hold until spring.", "neutral"),
])
def test_until_is_a_condition_only_before_a_clause(text, stance):
    rows = stance_of(text)
    assert set(rows.loc[rows["speaker"] == "putin", "stance"]) == {stance}


def test_until_a_clause_demands_it_and_conditions_what_goes_on():
    rows = stance_of("Putin said the offensive would go on until Ukraine withdraws from the "
                     "territory.").set_index("issue")
    assert (rows.loc["territory", "stance"], rows.loc["territory", "rule"]) == (
        "demands", "condition:until")
    assert (rows.loc["military_situation", "stance"], rows.loc["military_situation", "rule"]) \
        == ("supports", "conditioned:until")


def test_issues_come_from_the_statement_not_the_narration():
    st = stance_of("Amid heavy fighting in Donbas, Zelensky said the talks went well.")
    assert set(st.loc[st["speaker"] == "zelensky", "issue"]) == {"talks"}


@pytest.mark.parametrize("text, target", [
    ("Zelensky urged Europe to tighten sanctions.", "europe"),
    ("Putin said Ukraine must withdraw from the territory.", "ukraine"),
    ("Zelensky rejected the sanctions Russia proposed.", "russia"),
    ("Putin said the talks would take place in Moscow.", None),  # neutral: no target
])
def test_stance_target(text, target):
    sents, mentions = frames(text)
    st = stances(statements(sents, mentions), sents, mentions=mentions)
    got = st["target"].dropna().unique().tolist()
    assert got == ([target] if target else [])


# ---------------------------------------------------------------- roles, clauses, sides
def read(*paragraphs: str, title: str = "Talks resume in the capital") -> pd.DataFrame:
    """The stance rows of one invented article through the real gazetteer (sides known)."""
    articles = pd.DataFrame({"article_id": ["a1"], "title": [title],
                             "text": ["\n".join(paragraphs)]})
    sents = newslens.sentences(articles)
    mentions = actor_mentions(articles, sents)
    return stances(statements(sents, mentions), sents, mentions=mentions)


def reading(rows: pd.DataFrame, speaker: str, issue: str) -> tuple[str, str]:
    hit = rows[(rows["speaker"] == speaker) & (rows["issue"] == issue)]
    assert len(hit) == 1, rows[["speaker", "issue", "stance", "rule"]]
    return hit.iloc[0]["stance"], hit.iloc[0]["rule"]


@pytest.mark.parametrize("text, speaker, issue, stance, rule", [
    # conditions and requirements: the condition is demanded, the conditioned part supported
    ("The Kremlin said a Ukrainian pullout from Donbas is a precondition for any ceasefire.",
     "russia", "territory", "demands", "condition:precondition"),
    ("The Kremlin said a Ukrainian pullout from Donbas is a precondition for any ceasefire.",
     "russia", "ceasefire", "supports", "conditioned:precondition"),
    ("Zelensky said a referendum requires a truce.", "zelensky", "ceasefire", "demands",
     "requirement:requires"),
    ("Zelensky said a referendum requires a truce.", "zelensky", "elections", "supports",
     "conditioned:requires"),
    ("Vance warned that Washington may drop its truce efforts unless both sides agree.",
     "vance", "ceasefire", "supports", "conditioned:unless+emphatic"),
    # a need of another side, voiced by a partner, is backed; one's own need is a demand
    ("Merz said Ukraine needs security guarantees from its partners.", "merz",
     "security_guarantees", "supports", "need:needs"),
    ("Zelensky said Ukraine needs security guarantees from its partners.", "zelensky",
     "security_guarantees", "demands", "requirement:needs"),
    # what a demand is for is supported
    ("Zelensky urged partners to create the conditions needed for a vote.", "zelensky",
     "elections", "supports", "purpose:needed for"),
    # what a negated harm spares is supported; its subject is not
    ("Dmitriev said sanctions won't derail the talks.", "dmitriev", "talks", "supports",
     "negated:derail"),
    ("Dmitriev said sanctions won't derail the talks.", "dmitriev", "sanctions", "neutral",
     "harm-subject:derail"),
    ("Dmitriev said the summit had not been cancelled.", "dmitriev", "talks", "supports",
     "negated:cancelled"),
    ("Sybiha said no one can forbid Ukraine from joining NATO.", "sybiha", "nato", "supports",
     "negated:forbid"),
])
def test_roles_in_the_clause(text, speaker, issue, stance, rule):
    assert reading(read(text), speaker, issue) == (stance, rule)


@pytest.mark.parametrize("text, speaker, stance, rule", [
    ("Zelensky said Ukraine will never give up Donbas.", "zelensky", "opposes",
     "territory:refuses-concession:give up"),
    ("Peskov said Russia will not relinquish the annexed territories.", "peskov", "demands",
     "territory:keeps:relinquish"),
    ("Merz said Ukraine cannot be forced to give up its territory.", "merz", "opposes",
     "territory:refuses-concession:give up"),
    ("Vance said the plan would require both sides to give up some territory.", "vance",
     "supports", "territory:accepts-concession:give up"),
    ("Trump said Russia should take some territory as part of a peace deal.", "trump",
     "supports", "territory:accepts-concession:as part of a deal"),
    ("Peskov said the withdrawal of Ukrainian troops from Donbas is the main condition.",
     "peskov", "demands", "territory:cession:withdrawal"),
    ("Zelensky said Russia must withdraw from the occupied territories.", "zelensky",
     "demands", "territory:withdrawal:withdraw"),
    ("Zelensky rejected the idea of giving up any territory.", "zelensky", "opposes",
     "territory:refuses-concession:giving up"),
    # a collective speaker takes the side its description names
    ("Russian officials said Ukraine must leave Donbas.", "russia", "demands",
     "territory:cession:leave"),
    # general approval or tone is no stance on concessions; a demand stays one
    ("Putin said the fight for territory was going very well.", "putin", "neutral",
     "territory:no-concession(sentiment:+0.20)"),
    ("Putin said the territorial question must be settled first.", "putin", "demands",
     "content:demand:must"),
])
def test_territory_is_read_as_concessions_by_side(text, speaker, stance, rule):
    assert reading(read(text), speaker, "territory") == (stance, rule)


def test_headline_topic_counts_for_the_statement():
    rows = read("Trump spoke on Monday.", title="Trump on land swap: Ukraine will get land back")
    assert reading(rows, "trump", "territory") == (
        "supports", "territory:accepts-concession:land swap")


def test_each_clause_takes_its_own_position():
    rows = read("Peskov said Russia will not give up the new territories, it opposes NATO "
                "membership for Ukraine, and it insists on neutrality.")
    assert reading(rows, "peskov", "nato") == ("opposes", "content:against:opposes")
    assert reading(rows, "peskov", "territory") == ("demands", "territory:keeps:give up")


def test_contrary_terms_turn_the_stance_round():
    assert reading(read("Putin demanded neutrality for Ukraine."), "putin", "nato") == (
        "opposes", "cue:demand+contrary:neutrality")


def test_reported_stances_belong_to_their_holders():
    rows = read("Rutte said several allies, including Hungary, are against NATO membership "
                "for Ukraine.")
    assert reading(rows, "hungary", "nato") == ("opposes", "reported:against (by rutte)")
    assert rows[rows["speaker"] == "rutte"].empty
    assert rows.loc[rows["speaker"] == "hungary", "weight"].iloc[0] == pytest.approx(0.5)
    # someone else's hesitation is not the speaker's; a hypothetical is nobody's
    rows = read("Zelensky said some NATO members remain hesitant about Ukraine's membership, "
                "but we want to join NATO.",
                "Peskov said the war would go on if Kyiv rejected the peace plan.")
    assert reading(rows, "zelensky", "nato") == ("supports", "content:for:want to")
    assert set(rows["speaker"]) == {"zelensky"}


@pytest.mark.parametrize("text, speaker, issue, stance, rule", [
    ("Zelensky rejected claims that Kyiv is avoiding a vote.", "zelensky", "elections",
     "neutral", "denial:claims"),
    ("Driscoll warned that rejecting the peace plan now could lead to a worse settlement.",
     "driscoll", "peace_plan", "supports", "warns-against:rejecting+emphatic"),
    ("Ukraine said it wanted to focus on a truce.", "ukraine", "ceasefire", "supports",
     "content:for:wanted to"),
    ("Trump said he wants Kyiv to hold an election.", "trump", "elections", "demands",
     "content:demand:wants … to"),
    ('Trump said it was "time" for Ukraine to hold an election.', "trump", "elections",
     "demands", "content:demand:it was time"),
    ("Trump proposed an unconditional ceasefire.", "trump", "ceasefire", "supports",
     "cue:positive"),
    # an obligation a mediator lays on no one backs the issue; a party to the war demands
    ("Rutte said it is necessary to have proposals on the table.", "rutte", "peace_plan",
     "supports", "content:commitment:necessary"),
    ("Zelensky said it is necessary to have a truce.", "zelensky", "ceasefire", "demands",
     "content:demand:necessary"),
    ("“We are realists. We truly want to join NATO,” Zelensky said.", "zelensky", "nato",
     "supports", "content:for:want to"),
    # negated predicates and markers turn round
    ("Putin said Russia does not want to end the war.", "putin", "ceasefire", "opposes",
     "content:for+negation:want to"),
    ("Peskov said Moscow is not against talks with Kyiv.", "peskov", "talks", "supports",
     "content:against+negation:against"),
    ("Zelensky said there is no need for new elections.", "zelensky", "elections", "opposes",
     "content:demand+negation:need for"),
])
def test_content_rules(text, speaker, issue, stance, rule):
    assert reading(read(text), speaker, issue) == (stance, rule)


def test_issue_from_the_question_answered_or_the_sentence_referred_to():
    rows = read("Asked whether a truce had been agreed, Peskov said he could not comment.")
    hit = rows[(rows["speaker"] == "peskov") & (rows["issue"] == "ceasefire")].iloc[0]
    assert (hit.issue_source, hit.stance) == ("question", "neutral")
    rows = read("Allies agreed on security guarantees for Ukraine.",
                "Zelensky hailed the deal as historic.")
    hit = rows[rows["speaker"] == "zelensky"]
    assert hit[["issue", "issue_source", "stance"]].values.tolist() == [
        ["security_guarantees", "context", "supports"]]
    # no reference back ("the deal"): the sentence before is not read
    assert read("Allies agreed on security guarantees for Ukraine.",
                "Zelensky said he was pleased.").empty


def test_ignored_phrases_raise_no_issue():
    assert read("Zelensky said the Security Council met on Monday.").empty
    assert set(read("Zelensky said security for Ukraine comes first.")["issue"]) == {
        "security_guarantees"}
