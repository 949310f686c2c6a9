"""Stances: issue tagging, stance rules, the actor × issue matrix, pairwise and by-source tables."""

from __future__ import annotations

import re

import newslens
import pandas as pd
import pytest
from conftest import assert_data_error
from newslens.analysis.attribution import statements
from newslens.analysis.stance import (
    CONDITIONAL,
    MATRIX_COLUMNS,
    STANCE_COLOURS,
    STANCE_COLUMNS,
    by_source,
    evidence_html,
    load_issues,
    load_markers,
    matrix_html,
    matrix_wide,
    pairwise,
    stance_matrix,
    stances,
)
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
    ("Putin said a ceasefire is possible only if Ukraine leaves Donbas.", "ceasefire", "demands",
     "condition:only if"),
    ("Putin said that the war would go on unless sanctions are lifted.", "sanctions", "demands",
     "condition:unless"),
    ("Zelensky demanded new security guarantees.", "security_guarantees", "demands",
     "cue:demand"),
    ("Zelensky urged Europe to tighten sanctions.", "sanctions", "demands", "cue:demand"),
    ("Putin welcomed the peace plan.", "peace_plan", "supports", "cue:positive"),
    ("Putin did not welcome the peace plan.", "peace_plan", "opposes", "cue:positive+negation"),
    ("Zelensky rejected the draft.", "peace_plan", "opposes", "cue:negative"),
    ("Zelensky questioned the talks.", "talks", "skeptical", "cue:skeptical:question"),
    ("Putin said Russia will never accept NATO membership for Ukraine.", "nato_membership",
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


def test_matrix_dominant_and_conditional():
    st = stance_of("Putin welcomed the draft.", "Putin demanded changes to the plan.",
                   "Zelensky rejected the plan.", "Zelensky said the plan was nonsense.")
    m = stance_matrix(st)
    assert cell(m, "putin", "peace_plan").stance == CONDITIONAL
    z = cell(m, "zelensky", "peace_plan")
    assert (z.stance, z.n_statements, z.n_opposes) == ("opposes", 2, 2)
    pairs = pairwise(m)
    row = pairs[(pairs["issue"] == "peace_plan")].iloc[0]
    assert (row.actor_a, row.actor_b, row.relation) == ("putin", "zelensky", "differ")
    assert matrix_wide(m).loc["putin", "peace_plan"] == CONDITIONAL


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


def test_evidence_html_escapes_and_marks():
    sents, mentions = frames("Zelensky said the <b>plan</b> was “a step forward”.")
    st = statements(sents, mentions).iloc[0]
    html = evidence_html(st, sents)
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert re.search(r'<mark class="speaker"[^>]*>Zelensky</mark>', html)
    assert re.search(r'<mark class="cue"[^>]*>said</mark>', html) and 'class="content"' in html


def test_matrix_html_is_escaped_and_coloured():
    st = stance_of("Putin welcomed the <i>talks</i>.")
    out = matrix_html(stance_matrix(st))
    assert "<i>" not in out and "supports" in out and STANCE_COLOURS["supports"] in out


@pytest.mark.parametrize("name, body, problem", [
    ("issues.yml", "issues:\n  - id: Bad Id\n    terms: [x]\n", "lowercase slug"),
    ("issues.yml", "issues:\n  - id: a\n    terms: [x]\n  - id: a\n    terms: [y]\n",
     "duplicate issue id"),
    ("issues.yml", "issues:\n  - id: a\n    terms: []\n", "non-empty list"),
    ("issues.yml", "topics: []\n", "under 'issues:'"),
    ("markers.yml", "condition: [until]\n", "missing"),
])
def test_data_errors_name_file_and_problem(tmp_path, name, body, problem):
    loader = load_issues if name == "issues.yml" else load_markers
    assert_data_error(tmp_path, name, body, loader, problem)


def test_curated_files_load():
    issues = load_issues()
    assert {"territory", "ceasefire", "peace_plan", "security_guarantees", "nato_membership",
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
    ("putin", "peace_plan", CONDITIONAL),
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
    assert "foundation" in cell(m, "putin", "peace_plan").evidence
    pairs = pairwise(m)
    talks = pairs[(pairs["actor_a"] == "putin") & (pairs["actor_b"] == "zelensky")
                  & (pairs["issue"] == "talks")]
    assert talks["relation"].tolist() == ["agree"]
    out = by_source(st, seed[0])
    assert set(out["n_sources"]) == {1}
