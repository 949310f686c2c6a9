"""Attributed statements: every attribution form on synthetic sentences, and the seed article."""

from __future__ import annotations

import re

import newslens
import pandas as pd
import pytest
from newslens.analysis.attribution import (
    STATEMENT_COLUMNS,
    inflections,
    load_reporting_verbs,
    mention_roles,
    statements,
)

# Synthetic gazetteer for hand-built mention tables (contract columns).
NAMES = [
    ("Institute for the Study of War", "isw", "organization"),
    ("Ursula von der Leyen", "von_der_leyen", "person"),
    ("European Commission", "european_commission", "organization"),
    ("Volodymyr Zelensky", "zelensky", "person"),
    ("Vladimir Putin", "putin", "person"),
    ("European leaders", "europe", "group"),
    ("Zelensky", "zelensky", "person"),
    ("Putin", "putin", "person"),
    ("ISW", "isw", "organization"),
    ("Russian", "russia", "country"),
    ("Russia", "russia", "country"),
    ("Ukraine", "ukraine", "country"),
    ("Europe", "europe", "group"),
]

MENTION_COLUMNS = ["article_id", "sentence", "start", "end", "text", "actor_id", "actor", "kind",
                   "affiliation", "mention_type", "field"]


def frames(*texts: str, pronouns: dict | None = None):
    """(sentences, mentions) for one article whose sentences are `texts`, joined by spaces."""
    sent_rows, mention_rows, pos = [], [], 0
    for i, text in enumerate(texts):
        sent_rows.append({"article_id": "a1", "paragraph": 1, "sentence": i + 1, "start": pos,
                              "end": pos + len(text), "text": text, "field": "text"})
        taken = []
        for name, actor, kind in NAMES:
            for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append(m.span())
                mention_rows.append({
                    "article_id": "a1", "sentence": i + 1, "start": pos + m.start(),
                    "end": pos + m.end(), "text": name, "actor_id": actor, "actor": actor,
                    "kind": kind, "affiliation": None,
                    "mention_type": "name", "field": "text"})
        for word, actor in (pronouns or {}).items():
            for m in re.finditer(r"\b" + word + r"\b", text):
                mention_rows.append({
                    "article_id": "a1", "sentence": i + 1, "start": pos + m.start(),
                    "end": pos + m.end(), "text": word, "actor_id": actor, "actor": actor,
                    "kind": "person", "affiliation": None,
                    "mention_type": "pronoun", "field": "text"})
        pos += len(text) + 1
    mentions = pd.DataFrame(mention_rows, columns=MENTION_COLUMNS)
    mentions = mentions.sort_values(["sentence", "start"]).reset_index(drop=True)
    return pd.DataFrame(sent_rows), mentions


def one(*texts, **kw) -> pd.DataFrame:
    sents, mentions = frames(*texts, **kw)
    return statements(sents, mentions)


def row(st: pd.DataFrame, cue: str) -> pd.Series:
    hits = st[st["cue"] == cue]
    assert len(hits) == 1, st[["cue", "speaker", "content"]]
    return hits.iloc[0]


def test_said_that():
    st = one("Putin said on Monday that the talks were useful.")
    r = row(st, "said")
    assert (r.speaker, r.form, r.cue_class, r["mode"]) == (
        "putin", "subject", "neutral", "indirect")
    assert r.content == "the talks were useful"
    assert list(st.columns) == STATEMENT_COLUMNS


def test_offsets_are_field_coordinates():
    sents, mentions = frames("Intro sentence here.", "Zelensky welcomed the plan.")
    r = statements(sents, mentions).iloc[0]
    text = " ".join(sents["text"])
    assert text[r.speaker_start:r.speaker_end] == "Zelensky"
    assert text[r.cue_start:r.cue_end] == "welcomed"
    assert text[r.content_start:r.content_end] == r.content == "the plan"


def test_postposed_quote_and_plain():
    r = row(one("“The plan is a basis for talks,” Zelensky said."), "said")
    assert (r.speaker, r.form, r["mode"], r.is_quote) == ("zelensky", "postposed", "direct", True)
    assert r.content == "The plan is a basis for talks"
    r = row(one("The plan is dead, Putin said in a video address."), "said")
    assert (r.speaker, r.form, r.content) == ("putin", "postposed", "The plan is dead")


def test_inverted():
    r = row(one("“We will not retreat,” said Zelensky."), "said")
    assert (r.speaker, r.form, r.content) == ("zelensky", "inverted", "We will not retreat")


def test_according_to_before_and_after():
    r = row(one("According to the Institute for the Study of War, Russia gained ground."),
            "According to")
    assert (r.speaker, r.form, r.content) == ("isw", "according_to", "Russia gained ground")
    r = row(one("Russia gained ground, according to ISW."), "according to")
    assert (r.speaker, r.content) == ("isw", "Russia gained ground")


def test_calling_it_quote():
    st = one("Zelensky, calling it “a step forward”, welcomed the plan.")
    r = row(st, "calling")
    assert (r.speaker, r.form, r["mode"], r.content) == (
        "zelensky", "participial", "direct", "a step forward")
    r = row(st, "welcomed")
    assert (r.speaker, r.cue_class, r.content) == ("zelensky", "positive", "the plan")


def test_call_needs_a_quote():
    assert one("Putin called Zelensky on Monday.").empty


def test_in_a_video_address():
    r = row(one("In a video address, Zelensky expressed optimism about the talks."),
            "expressed optimism")
    assert (r.speaker, r.cue_lemma, r.cue_class, r.content) == (
        "zelensky", "express optimism", "positive", "about the talks")


def test_participial_stating_and_noting():
    st = one("Putin has reaffirmed his demands, stating that Russia will only stop if Ukraine "
             "withdraws.", pronouns={"his": "putin"})
    main, part = row(st, "reaffirmed"), row(st, "stating")
    assert main.content == "his demands"  # "his" is possessive, never the speaker
    assert (part.speaker, part.form, part.parent) == ("putin", "participial", main.statement)
    assert part.content == "Russia will only stop if Ukraine withdraws"
    r = row(one("Zelensky was upbeat, noting that the teams would work on the points."),
            "noting")
    assert (r.speaker, r.form) == ("zelensky", "participial")


def test_with_x_criticising():
    st = one("Many doubt the plan, with Ursula von der Leyen criticising Russia for its worldview.")
    r = row(st, "criticising")
    assert (r.speaker, r.form, r.cue_lemma, r.cue_class) == (
        "von_der_leyen", "with", "criticise", "negative")
    assert r.content == "Russia for its worldview"


def test_group_holder_refers_back():
    st = one("Skepticism remains among European leaders.",
             "Many doubt Putin’s commitment to ending the conflict.")
    r = row(st, "doubt")
    assert (r.speaker, r.form, r.speaker_text, r.antecedent_sentence) == (
        "europe", "group", "Many", 1)
    assert r.content == "Putin’s commitment to ending the conflict"


def test_group_holder_needs_a_group():
    assert one("The weather was cold.", "Many doubt the plan.").empty


def test_isw_estimates():
    r = row(one("The Institute for the Study of War estimates that Russia needs two years."),
            "estimates")
    assert (r.speaker, r.cue_class, r.content) == ("isw", "neutral", "Russia needs two years")


def test_pronoun_mentions_and_fallback():
    st = one("Putin spoke in Moscow.", "He asserted that the army advances.",
             pronouns={"He": "putin"})
    assert row(st, "asserted").speaker == "putin"
    # no pronoun row: the last person mentioned before
    st = one("Zelensky spoke in Kyiv.", "He insisted that talks continue.")
    r = row(st, "insisted")
    assert (r.speaker, r.form, r.cue_class) == ("zelensky", "pronoun", "emphatic")


def test_negation_and_quotes_inside():
    r = row(one("Putin did not welcome the plan."), "welcome")
    assert r.negated
    st = one("Zelensky said: “Russia rejects every plan.”")
    assert list(st["cue"]) == ["said"]
    assert row(st, "said").content == "Russia rejects every plan"


def test_content_stops_at_next_statement():
    st = one("Putin indicated that the draft could serve as a foundation, but he stressed the need "
             "for clear points.", pronouns={"he": "putin"})
    assert row(st, "indicated").content == "the draft could serve as a foundation"
    assert row(st, "stressed").content == "the need for clear points"


def test_no_speaker_no_statement():
    assert one("The weather suggested that the talks stalled.").empty
    assert one("The world watches closely, hoping for a breakthrough.").empty
    # a capitalised word that is part of a name is not a cue ("the United States prepares")
    assert one("The United States prepares to talk.").empty


def test_empty_inputs_keep_columns():
    empty = statements(pd.DataFrame(columns=["article_id", "sentence", "start", "end", "text",
                                             "field", "paragraph"]), pd.DataFrame())
    assert list(empty.columns) == STATEMENT_COLUMNS and empty.empty


def test_mention_roles():
    sents, mentions = frames("Zelensky criticised Putin for the strikes.")
    roles = mention_roles(mentions, statements(sents, mentions))
    got = dict(zip(mentions["text"], roles))
    assert got == {"Zelensky": "speaker", "Putin": "target"}
    assert roles.index.equals(mentions.index)


def test_inflections_and_spellings():
    assert inflections("criticise") == ["criticise", "criticises", "criticised", "criticising"]
    assert inflections("deny") == ["deny", "denies", "denied", "denying"]
    assert inflections("stress")[1:] == ["stresses", "stressed", "stressing"]
    cues = load_reporting_verbs()
    for form in ("emphasised", "emphasized", "criticizing", "criticising", "said", "told",
                 "called for", "expressed optimism", "according to", "estimates", "assessed"):
        assert form in cues, form
    assert cues["emphasized"].cls == "emphatic" and cues["emphasized"].lemma == "emphasise"
    assert cues["urged"].cls == "demand" and cues["doubted"].cls == "negative"


@pytest.mark.parametrize("body, problem", [
    ("verbs:\n  neutral: [say]\n  cheerful: [grin]\n", "unknown class 'cheerful'"),
    ("verbs:\n  neutral: [say]\n  negative: [say]\n", "listed twice"),
    ("adverbs:\n  neutral: [say]\n", "unknown section"),
    ("verbs: [say\n", "not valid YAML"),
    ("verbs:\n  neutral:\n    - {say: said}\n", "irregular entry"),
])
def test_lexicon_errors_name_file_and_problem(tmp_path, body, problem):
    path = tmp_path / "verbs.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_reporting_verbs(path)
    assert str(path) in str(err.value) and problem in str(err.value)


# ---------------------------------------------------------------- the seed article
@pytest.fixture(scope="module")
def seed():
    articles = newslens.load_corpus("seeds")
    sents = newslens.sentences(articles)
    return statements(sents, newslens.actor_mentions(articles, sents))


@pytest.mark.parametrize("cue, speaker, content_start", [
    ("stating", "putin", "Russia will only cease hostilities if Ukrainian forces withdraw"),
    ("emphasized", "putin", "Russia’s military operations would continue until Ukraine"),
    ("asserted", "putin", "the Russian military has the initiative"),
    ("indicated", "putin", "the new draft could serve as a foundation"),
    ("stressed", "putin", "the need for specific points"),
    ("dismissed", "putin", "concerns about potential Russian aggression towards Europe"),
    ("calling", "putin", "laughable"),
    ("expressed optimism", "zelensky", "about the discussions"),
    ("noting", "zelensky", "the Ukrainian and U.S. teams would work"),
    ("estimates", "isw", "at the current pace"),
    ("criticizing", "von_der_leyen", "Russia for its outdated worldview"),
    ("doubt", "europe", "Putin’s commitment to ending the conflict"),
])
def test_seed_statements(seed, cue, speaker, content_start):
    r = row(seed, cue)
    assert r.speaker == speaker
    assert r.content.startswith(content_start)


def test_seed_forms(seed):
    assert row(seed, "asserted").speaker_text == "He"
    assert row(seed, "stressed").speaker_text == "he"
    calling = row(seed, "calling")
    assert (calling["mode"], calling.is_quote, calling.form) == ("direct", True, "participial")
    assert calling.parent == row(seed, "dismissed").statement
    assert row(seed, "noting").parent == row(seed, "expressed optimism").statement
    assert row(seed, "doubt").form == "group"
    assert row(seed, "criticizing").form == "with"


# --- real gazetteer: speakers beyond it, every form (invented sentences of real shapes) --------

def real(*paragraphs: str, title: str = "Talks resume in the capital") -> pd.DataFrame:
    """The statements of one article (paragraphs joined by newlines), with the real gazetteer."""
    from newslens.text.actors import actor_mentions
    from newslens.text.sentences import sentences as split

    a = pd.DataFrame({"article_id": ["a1"], "title": [title], "text": ["\n".join(paragraphs)]})
    s = split(a)
    return statements(s, actor_mentions(a, s))


def pick(st: pd.DataFrame, cue: str, sentence: int | None = None) -> pd.Series:
    hits = st[st["cue"].str.lower() == cue.lower()]
    if sentence is not None:
        hits = hits[hits["sentence"] == sentence]
    assert len(hits) == 1, st[["cue", "speaker", "speaker_text", "content"]]
    return hits.iloc[0]


def test_unnamed_and_unknown_speakers_are_kept_unlinked():
    st = real("A senior U.S. official said the talks would resume on Friday.",
              "Regional governor Ivan Petrenkov said shelling continued overnight.",
              "Petrenkov added that two schools were damaged.",
              "Military analysts argue that the front is stable.")
    anon = pick(st, "said", 1)
    assert (anon.speaker_kind, bool(anon.linked)) == ("anonymous", False)
    assert anon.speaker.startswith("anonymous:senior-u")
    person = pick(st, "added")
    assert (person.speaker, person.speaker_kind) == ("person:ivan-petrenkov", "person")
    assert pick(st, "said", 2).speaker == "person:ivan-petrenkov"
    assert pick(st, "argue").speaker_kind == "group"


def test_titles_bodies_and_descriptions_link_to_the_gazetteer():
    st = real("Kremlin spokesman said the proposal was unacceptable.",
              "Ukraine's General Staff said Russian troops attacked 12 times.",
              "The Kremlin leader insisted that the terms stay.")
    assert pick(st, "said", 1).speaker == "peskov"
    assert bool(pick(st, "said", 1).linked)
    assert pick(st, "said", 2).speaker == "ukraine_general_staff"
    assert pick(st, "insisted").speaker == "putin"
    gs = real("The General Staff reported that the attack was repelled.")
    assert pick(gs, "reported").speaker == "ukraine_general_staff"


def test_outlets_according_to_as_reported_by_and_reports():
    st = real("According to Bloomberg, the deal includes a ceasefire.",
              "As reported by Ukrinform, 120 clashes took place.",
              "The talks stalled, Reuters reports.")
    rows = {r.speaker: (r.form, r.speaker_kind) for r in st.itertuples()}
    assert rows["bloomberg"] == ("according_to", "outlet")
    assert rows["ukrinform"] == ("according_to", "outlet")
    assert rows["reuters"] == ("postposed", "outlet")
    assert pick(st, "According to").content.startswith("the deal includes")


def test_passive_agent_and_passive_without_agent():
    st = real("This was stated by Foreign Minister Andrii Sybiha at a briefing.",
              "Kallas was asked whether the plan is legal.")
    assert list(st.cue) == ["stated"]
    assert (st.iloc[0].form, st.iloc[0].speaker) == ("passive", "sybiha")


def test_headline_colon_dash_and_labels():
    st = real("Kallas spoke in Brussels.", title="Kallas: the loan does not break the law")
    head = st[st.field == "title"].iloc[0]
    assert (head.form, head.speaker, head.content) == ("headline", "kallas",
                                                       "the loan does not break the law")
    dash = real("Fighting went on.", title="Troops held the village - General Staff")
    assert dash[dash.field == "title"].iloc[0].speaker == "ukraine_general_staff"
    assert real("Rain fell.", title="Condition: Moderate rain").empty
    lab = real("Peskov said the talks were useful.", "Source: Reuters",
               'Quote: "We are ready to continue."')
    src, quote = pick(lab, "Source"), pick(lab, "Quote")
    assert (src.form, src.speaker) == ("label", "reuters")
    assert src.content == "Peskov said the talks were useful"
    assert (quote.speaker, quote.content) == ("peskov", "We are ready to continue")


def test_quotations_over_sentences_and_paragraphs_are_one_statement():
    st = real('"We will not give up. We will keep going," Zelensky said.')
    r = pick(st, "said")
    assert r.content == "We will not give up. We will keep going"
    st = real('"We will not give up.', '"We will keep going," Zelensky said.')
    assert pick(st, "said").content.startswith("We will not give up.")


def test_pronouns_prefer_the_last_speaker():
    st = real("Peskov said the talks were useful.", "The weather was cold in the city.",
              "He added that a meeting was possible.")
    assert pick(st, "added").speaker == "peskov"
    st = real("Peskov said that Putin had agreed to meet Zelensky, but he stressed that no "
              "date was set.")
    assert pick(st, "stressed").speaker == "peskov"
    st = real("Voloshyn said the enemy attacked twice.", "The spokesman added that it failed.")
    assert pick(st, "added").speaker == "voloshyn"


def test_plural_demonyms_and_they():
    st = real("The Russians said the offensive would go on.")
    assert pick(st, "said").speaker == "russia"
    st = real("Ukrainian negotiators arrived in Geneva.", "They said the talks were hard.")
    assert pick(st, "said").speaker == "ukraine"


def test_content_is_the_clause_not_a_date():
    st = real("Kremlin spokesman Dmitry Peskov said Monday that Russia wanted peace.",
              "Trump told reporters on Tuesday that a deal was close.")
    assert pick(st, "said").content == "Russia wanted peace"
    assert pick(st, "told").content == "a deal was close"
    assert real("Peskov said on Tuesday.").empty


def test_statement_nouns_coordination_nesting_contrast_relative_clauses():
    st = real("Kallas delivered a pointed reminder that the threat remains.")
    assert (pick(st, "reminder").form, pick(st, "reminder").speaker) == ("noun", "kallas")
    st = real("Kallas spoke to reporters and confirmed that talks continue, but said that no "
              "deal was reached.")
    assert set(st.cue) == {"confirmed", "said"} and set(st.speaker) == {"kallas"}
    assert real("Peskov said that Moscow insists on a withdrawal.").cue.tolist() == ["said"]
    st = real("Belousov said Russia took the town, while Ukraine denied this.")
    assert dict(zip(st.cue, st.speaker)) == {"said": "belousov", "denied": "ukraine"}
    st = real("Trump, who said he could end the war quickly, proposed a ceasefire.")
    assert dict(zip(st.cue, st.speaker)) == {"said": "trump", "proposed": "trump"}


def test_appositives_prepositions_and_clause_only_cues():
    st = real("The EU's foreign policy chief, Kaja Kallas, acknowledged the difficulties.")
    assert pick(st, "acknowledged").speaker == "kallas"
    st = real("Reports from Moscow indicate that officials want a pause.")
    assert pick(st, "indicate").speaker_kind == "anonymous"
    assert real("Russia and Ukraine agreed to swap prisoners.").empty
    assert pick(real("Putin agreed that the talks were useful."), "agreed").speaker == "putin"


def test_headline_repeated_in_the_body_counts_once():
    st = real("Zelensky says talks will go on", "He spoke in Kyiv.",
              title="Zelensky says talks will go on")
    assert len(st) == 1 and st.iloc[0].field == "title"


def test_unlinked_speakers_summary():
    from newslens.analysis.attribution import UNLINKED_COLUMNS, unlinked_speakers

    st = real("Regional governor Ivan Petrenkov said shelling continued overnight.",
              "Petrenkov added that two schools were damaged.",
              "A senior U.S. official said the talks would resume.",
              "Putin said the talks were useful.")
    table = unlinked_speakers(st)
    assert list(table.columns) == UNLINKED_COLUMNS
    assert table.iloc[0][["speaker", "speaker_kind", "n_statements"]].tolist() == [
        "person:ivan-petrenkov", "person", 2]
    assert "putin" not in set(table.speaker)
    assert unlinked_speakers(st.iloc[0:0]).empty


def test_postposed_cue_before_a_participial_clause_or_an_adjunct():
    st = real("“A vote needs calm. A truce is necessary,” Zelensky stated, noting that the "
              "date could slip.",
              "Kyiv will not recognise the loss of any land, Andrii Sybiha declared in an "
              "interview with a broadcaster, while discussing red lines.",
              "In Kyiv, Zelensky said, citing intelligence, that the strikes went on.")
    stated = pick(st, "stated")
    assert (stated.form, stated.content) == ("postposed", "A vote needs calm. A truce is necessary")
    assert pick(st, "noting").content == "the date could slip"
    declared = pick(st, "declared")
    assert (declared.form, declared.speaker) == ("postposed", "sybiha")
    assert declared.content == "Kyiv will not recognise the loss of any land"
    # two words before the speaker are a circumstance, not a postposed content
    assert pick(st, "said").form == "subject"


def test_an_interrupted_quotation_is_one_content():
    st = real("“The dialogue will go on,” Dmitriev said, “but only if our interests are "
              "respected.”")
    said = pick(st, "said")
    assert said.form == "postposed" and said.content.startswith("The dialogue will go on")
    assert said.content.endswith("only if our interests are respected")


def test_a_quoted_fragment_takes_its_paraphrase():
    st = real("Guarantees for Kyiv, once a truce is agreed, have been “largely settled”, "
              "said Witkoff.",
              "“We will not retreat,” said Zelensky.")
    assert pick(st, "said", 1).content == ("Guarantees for Kyiv, once a truce is agreed, have "
                                           "been “largely settled”")
    assert pick(st, "said", 2).content == "We will not retreat"


def test_renewed_calls_for_is_a_demand_statement():
    st = real("Kaja Kallas also renewed calls for an immediate truce, which she said must "
              "come first.",
              "He once again voiced false statements about the front.")
    calls = pick(st, "calls for")
    assert (calls.speaker, calls.form, calls.cue_class) == ("kallas", "noun", "demand")
    assert calls.content.startswith("an immediate truce")
    # without a determiner only a bare plural noun follows the light verb
    assert "statements" not in set(st["cue"])


def test_demonym_groups_speak_for_their_state():
    """A demonym mention spans its group noun ("the Ukrainian military", "Russian negotiators"),
    so the phrase ends on the mention and the state is the speaker, also for group nouns that
    are no role or body word of the attribution lexicon."""
    st = real("The talks stalled again on Tuesday, the Ukrainian military reported.",
              "Russian negotiators said the text needed more work.",
              "Two European diplomats said a deal was close.")
    mil = pick(st, "reported")
    assert (mil.speaker, mil.speaker_kind, mil.speaker_text) == (
        "ukraine", "actor", "the Ukrainian military")
    assert pick(st, "said", 2).speaker == "russia"
    assert pick(st, "said", 3).speaker_kind == "anonymous"  # counted diplomats stay unnamed
