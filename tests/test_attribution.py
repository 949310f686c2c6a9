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
    assert one("Reports suggested that the talks stalled.").empty
    assert one("The world watches closely, hoping for a breakthrough.").empty


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
    ("nouns:\n  neutral: [say]\n", "unknown section"),
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
