"""The claim stage's literal pre-filters, lazy look-back and collector pause: each must give
exactly what the unfiltered, eager path gives (invented sentences)."""

import gc

import pandas as pd
import pytest
from newslens import collector
from newslens.analysis.territory import load_claim_cues, territorial_claims
from newslens.analysis.territory.cues import needles_in, prefilter
from newslens.analysis.territory.model import _statement_at, _statement_lookup
from newslens.analysis.territory.prefilter import GatedPattern, LiteralScan
from newslens.analysis.territory.roles import Candidate, Context, candidates

SENTENCES = [
    "Russian forces captured the village, the enemy said, and our troops fell back.",
    "The 28-point plan would see Kyiv cede the Russian-held part of the region.",
    "A U.S.-backed framework and his terms were rejected by the Armed Forces of Ukraine.",
    "Moscow-occupied towns and Kyiv-controlled districts; the invaders and the AFU clashed.",
    "We will never give up our land, the aggressor must leave, the West grouping said.",
    "The weather was mild and nothing happened.",
    "Forces ſeized the dıstrict from the Russıan army.",  # folding traps: all patterns run
    "",
]


def test_literal_scan_finds_every_literal_present_even_overlapping_ones():
    scan = LiteralScan(["take", "taken", "ken over", "over", "ove", "re", "red line", "line"])
    for text in ["taken over", "they retook it", "a red line, red lines", "oveover", "", "x"]:
        assert scan.present(text) == {n for n in scan.literals if n in text}, text
    assert LiteralScan([]).present("anything") == set()


def test_cue_literal_scan_equals_a_substring_test_per_literal():
    cues = load_claim_cues()
    scan = prefilter(cues).scan
    for text in SENTENCES:
        low = text.lower()
        assert scan.present(low) == {n for n in scan.literals if n in low}


def test_gated_pattern_gives_the_matches_and_groups_of_the_whole_pattern():
    gated = GatedPattern(r"(?<![\w-])(?:", [("one", ["red\\s+lines?", "blue"]),
                                           ("two", ["green\\s+zone", "(?:dark\\s+)?grey"])],
                         r")(?![\w-])")
    texts = ["the red line and the green zone", "dark grey", "blue and RED LINES", "nothing"]
    for text in texts:
        want = [(m.span(), m.lastgroup) for m in gated.pattern.finditer(text)]
        present = {n for _, items in gated.groups for lits, _ in items for n in (lits or ())
                   if n in text.lower()}
        assert [(m.span(), m.lastgroup) for m in gated.finditer(text, present)] == want
        assert [(m.span(), m.lastgroup) for m in gated.finditer(text, None)] == want
    assert list(gated.finditer("the red line", set())) == []  # no literal: nothing can match


def test_candidates_with_the_prefilter_equal_candidates_without_it():
    cues = load_claim_cues()
    prefixes = {"russian": "russia", "moscow": "russia", "kyiv": "ukraine"}
    for text in SENTENCES:
        def relative(kind, start, end):
            return "ukraine" if kind == "own" else "russia"
        full = candidates(text, [], cues, relative, prefixes)
        fast = candidates(text, [], cues, relative, prefixes, needles_in(cues, text))
        assert fast == full, text
    found = candidates(SENTENCES[1], [], cues, lambda *a: None, prefixes,
                       needles_in(cues, SENTENCES[1]))
    assert {c.kind for c in found} >= {"document", "force"}  # the plan and "Russian-held"
    assert needles_in(cues, SENTENCES[6]) is None


def test_lazy_look_back_reads_earlier_sentences_only_as_far_as_needed():
    looked = []

    def history():
        for i, side in enumerate(["russia", None, "ukraine", "nato", "usa"]):
            looked.append(i)
            yield [Candidate(0, 5, side, "actor")] if side else []

    ctx = Context("text", [], [], (0, 4), history=history)
    assert next(iter(ctx.recent)) == ["russia"]
    assert looked == [0]
    assert list(ctx.recent) == [["russia"], ["ukraine"], ["nato"]]  # three naming a side
    assert looked == [0, 1, 2, 3]
    assert list(ctx.recent_documents) == []
    assert looked == [0, 1, 2, 3, 4]


def test_statements_are_filed_by_sentence_and_made_when_read():
    statements = pd.DataFrame({
        "article_id": ["a", "a", "b"], "field": ["text", "text", "text"],
        "speaker": ["kyiv", None, "moscow"], "sentence": [2, 3, 9], "sentence_end": [4, 3, 9],
        "content_start": [10, 0, 0], "content_end": [50, 5, 5],
        "speaker_start": [0, 0, 0], "speaker_end": [4, 4, 4], "speaker_text": ["Kyiv", "", "M"],
    })
    index = _statement_lookup(statements)
    st = _statement_at(index, "a", "text", 3, 20, 30)
    assert (st.speaker, st.sentences, st.content) == ("kyiv", (2, 4), (10, 50))
    assert _statement_at(index, "a", "text", 5, 0, 1) is None
    assert index.of("a", "text", 4)[0] is st  # one record per statement
    near = _statement_lookup(statements, {"a": {2}})  # only what lookups can reach
    assert near.of("a", "text", 2) and not near.of("b", "text", 9)


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_pause_restores_the_collector_state(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with collector.paused():
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
        with pytest.raises(ValueError), collector.paused():
            raise ValueError
        assert gc.isenabled() == enabled
        with collector.paused(active=False):
            assert gc.isenabled() == enabled
    finally:
        gc.enable() if was else gc.disable()


def test_claims_keep_the_collector_state():
    assert gc.isenabled()
    articles = pd.DataFrame({"article_id": ["p1"], "title": "", "source": "invented",
                             "published": pd.to_datetime("2025-12-01"),
                             "text": ["Russian forces captured Pokrovsk, the ministry said."]})
    from newslens.engine.pipeline import analyze_articles

    claims = analyze_articles(articles)["claims"]
    assert "pokrovsk" in set(claims["region_id"])
    assert gc.isenabled()
    assert len(territorial_claims(pd.DataFrame(columns=["article_id"]), None, None)) == 0
