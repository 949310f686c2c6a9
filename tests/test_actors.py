import textwrap

import pandas as pd
import pytest
from conftest import assert_data_error
from newslens.io.corpus import load_corpus
from newslens.text.actors import (
    MENTION_COLUMNS,
    UNKNOWN_COLUMNS,
    actor_mentions,
    load_actors,
    unknown_entities,
)
from newslens.text.sentences import sentences


def seed_articles() -> pd.DataFrame:
    return load_corpus("seeds")


def arts(*texts: str, title: str = "Talks resume") -> pd.DataFrame:
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))],
                         "title": [title] * len(texts), "text": list(texts)})


def found(text: str, **kw) -> list[tuple[str, str, str]]:
    """(text, actor_id, mention_type) of the body mentions of one article."""
    a = arts(text)
    m = actor_mentions(a, sentences(a), **kw)
    m = m[m.field == "text"]
    return list(zip(m.text, m.actor_id, m.mention_type))


@pytest.fixture(scope="module")
def seed():
    a = seed_articles()
    s = sentences(a)
    return a, s, actor_mentions(a, s)


# --- acceptance on the seed ---------------------------------------------------------------------

def test_seed_putin(seed):
    _, _, m = seed
    putin = m[m.actor_id == "putin"]
    names = putin[putin.mention_type == "name"]
    assert len(names) >= 7
    assert "title" in set(names.field)
    pron = putin[putin.mention_type == "pronoun"]
    assert {"He", "he"} <= set(pron.text)
    full = m[m.text == "Russian President Vladimir Putin"]
    assert list(full.actor_id) == ["putin"]
    # the full phrase is one mention: nothing else overlaps it
    row = full.iloc[0]
    same = m[(m.sentence == row.sentence) & (m.start < row.end) & (m.end > row.start)]
    assert len(same) == 1


def test_seed_actors_found(seed):
    _, _, m = seed
    for actor in ["zelensky", "trump", "kushner", "witkoff", "von_der_leyen", "isw", "russia",
                  "ukraine", "united_states", "europe"]:
        assert actor in set(m.actor_id), actor
    vdl = m[m.actor_id == "von_der_leyen"]
    assert list(vdl.text) == ["European Commission chief Ursula von der Leyen"]


def test_seed_moscow(seed):
    a, _, m = seed
    body = a.text.iloc[0]
    moscow = m[(m.text == "Moscow") & (m.field == "text")]
    claimed = body.index("regions claimed by Moscow") + len("regions claimed by ")
    assert list(moscow.start) == [claimed]
    assert list(moscow.actor_id) == ["russia"]
    for phrase in ["Russian officials in Moscow", "arrive in Moscow"]:
        pos = body.index(phrase) + phrase.index("Moscow")
        assert pos not in set(moscow.start)
    # headline "... Talks in Moscow" is not a mention either
    assert m[(m.field == "title") & (m.text == "Moscow")].empty


def test_seed_offsets_and_order(seed):
    a, s, m = seed
    assert list(m.columns) == MENTION_COLUMNS
    art = a.iloc[0]
    for r in m.itertuples():
        src = art.title if r.field == "title" else art.text
        assert src[r.start:r.end] == r.text
        sent = s[s.sentence == r.sentence].iloc[0]
        assert sent.field == r.field and sent.start <= r.start and r.end <= sent.end
    assert m.equals(m.sort_values(["article_id", "sentence", "start"]).reset_index(drop=True))
    with pytest.raises(TypeError):  # sentences are an input, never recomputed here
        actor_mentions(a)


# --- rules ------------------------------------------------------------------------------------

def test_longest_match_and_titles():
    assert found("European Commission chief Ursula von der Leyen spoke.") == [
        ("European Commission chief Ursula von der Leyen", "von_der_leyen", "name")]
    assert found("The European Commission said no.") == [
        ("European Commission", "european_commission", "name")]
    assert found("U.S. President Donald Trump and President Putin met.") == [
        ("U.S. President Donald Trump", "trump", "name"), ("President Putin", "putin", "name")]
    assert found("The European Union and Europe differ.") == [
        ("European Union", "eu", "name"), ("Europe", "europe", "name")]


def test_possessives_spellings_and_case():
    assert found("Putin’s aides and Putin's envoy met Zelenskyy and Zelenskiy in Kiev.") == [
        ("Putin", "putin", "name"), ("Putin", "putin", "name"),
        ("Zelenskyy", "zelensky", "name"), ("Zelenskiy", "zelensky", "name")]
    # single words need a capital; acronyms must match exactly; multi-word forms any case
    assert found("Tell us what putin said.") == []
    assert found("The US and the U.S. agree; nato is not NATO.") == [
        ("US", "united_states", "name"), ("U.S.", "united_states", "name"),
        ("NATO", "nato", "name")]
    assert found("VLADIMIR PUTIN spoke with vladimir putin.") == [
        ("VLADIMIR PUTIN", "putin", "name"), ("vladimir putin", "putin", "name")]
    assert found("Putinism is not a name.") == []
    # plural demonyms stand for the collective actor
    assert found("Putinism and Russians.") == [("Russians", "russia", "demonym")]


def test_references_are_aliases():
    assert found("The Kremlin said the White House agreed.") == [
        ("Kremlin", "russia", "alias"), ("White House", "united_states", "alias")]


def test_demonyms():
    # the mention is the group the demonym qualifies: its span takes the group noun
    assert found("Ukrainian forces held while Russian officials met.") == [
        ("Ukrainian forces", "ukraine", "demonym"), ("Russian officials", "russia", "demonym")]
    assert found("The Russian military and European leaders disagree.") == [
        ("Russian military", "russia", "demonym"), ("European leaders", "europe", "demonym")]
    assert found("The U.S. delegation met Ukrainian negotiators and EU officials.") == [
        ("U.S. delegation", "united_states", "demonym"),
        ("Ukrainian negotiators", "ukraine", "demonym"), ("EU officials", "eu", "demonym")]
    assert found("Senior American government officials arrived.") == [
        ("American government officials", "united_states", "demonym")]
    # bare adjectives before other nouns are not mentions
    assert found("Russian aggression on Ukrainian territory and American oil.") == []


def test_coordinated_demonyms_share_the_noun_without_overlap():
    """In "the Ukrainian and American delegations" the shared noun goes to the last demonym;
    the earlier ones stay bare, so no two mention spans overlap."""
    assert found("It was a plan by American and Russian officials.") == [
        ("American", "united_states", "demonym"), ("Russian officials", "russia", "demonym")]
    assert found("Both the Ukrainian and U.S. teams agreed.") == [
        ("Ukrainian", "ukraine", "demonym"), ("U.S. teams", "united_states", "demonym")]
    assert found("Talks between the Ukrainian, Polish and German delegations ended.") == [
        ("Ukrainian", "ukraine", "demonym"), ("Polish", "poland", "demonym"),
        ("German delegations", "germany", "demonym")]


def test_demonym_span_is_the_text_and_never_overlaps_a_name(tmp_path):
    a = arts("Officials said British officials and French troops met German counterparts.")
    m = actor_mentions(a, sentences(a))
    body = a.text[0]
    assert list(m.text) == ["British officials", "French troops", "German counterparts"]
    assert all(body[s:e] == t for s, e, t in zip(m.start, m.end, m.text))
    # a span stays within its line (a paragraph break is never part of a mention)
    assert found("A plan backed by the Russian\nOfficials of the region met.")[0][0] == "Russian"
    # a gazetteer name that begins with the group noun keeps its own span; the demonym stays bare
    club = ("  - {id: club, name: Officials Club, kind: organization, affiliation: null,\n"
            "     gender: null, aliases: [Officials Club]}\n")
    path = write(tmp_path, GOOD + club)
    assert found("The Foovian Officials Club said no.", actors=path) == [
        ("Foovian", "foo", "demonym"), ("Officials Club", "club", "name")]


def test_capitals():
    assert found("Kyiv rejected the plan that Moscow said was final.") == [
        ("Kyiv", "ukraine", "alias"), ("Moscow", "russia", "alias")]
    assert found("Regions claimed by Moscow.") == [("Moscow", "russia", "alias")]
    for text in ["Talks in Moscow ended.", "He flew to Moscow.", "Envoys from Kyiv came.",
                 "They met at Brussels airport.", "Fighting near Kyiv.", "The Moscow region.",
                 "A Kyiv-based analyst.", "They will arrive in Moscow soon."]:
        assert found(text) == [], text


def test_capital_as_addressee_is_the_government():
    """After "to", a capital is a destination unless a word of `addressee_words` makes it
    the addressee ("a warning to Moscow", "concessions to Kyiv")."""
    assert found("The vote sends a clear signal to Washington.") == [
        ("Washington", "united_states", "alias")]
    assert found("Kyiv will make no concessions to Moscow.") == [
        ("Kyiv", "ukraine", "alias"), ("Moscow", "russia", "alias")]
    assert found("Militias loyal to Moscow held the town.") == [("Moscow", "russia", "alias")]
    for text in ["The envoy flew to Moscow.", "Aid was sent to Kyiv.", "He returned to Moscow.",
                 "The signal reached Kyiv."]:
        assert found(text) == [], text


def test_alias_spellings_in_another_case_all_match(tmp_path):
    """Two spellings of one alias that differ only in case (WION, Wion) both match: the
    looser case rule of the two is kept."""
    assert found("Wion reported the talks; WION later confirmed it.") == [
        ("Wion", "wion", "name"), ("WION", "wion", "name")]
    assert found("Tass quoted the ministry.") == [("Tass", "tass", "name")]
    path = write(tmp_path, GOOD + "  - {id: zz, name: ZZN, kind: outlet, affiliation: null,\n"
                                  "     gender: null, aliases: [ZZN, Zzn]}\n")
    assert found("Zzn and ZZN said; zzn did not.", actors=path) == [
        ("Zzn", "zz", "name"), ("ZZN", "zz", "name")]


def test_pronouns():
    text = ("Putin met von der Leyen. He said she was wrong. Her reply was short. "
            "Nothing happened. It rained. He left.")
    got = found(text)
    assert got == [("Putin", "putin", "name"), ("von der Leyen", "von_der_leyen", "name"),
                   ("He", "putin", "pronoun"), ("she", "von_der_leyen", "pronoun"),
                   ("Her", "von_der_leyen", "pronoun")]
    # most recent person of that gender wins, within the same sentence first
    assert found("Trump called Putin and he agreed.")[-1] == ("he", "putin", "pronoun")
    # no candidate: unresolved
    assert found("He said so.") == []
    # the headline counts as the previous sentence of the first body sentence
    a = arts("He refused.", title="Zelensky rejects plan")
    m = actor_mentions(a, sentences(a))
    assert list(zip(m.text, m.actor_id, m.mention_type)) == [
        ("Zelensky", "zelensky", "name"), ("He", "zelensky", "pronoun")]


def test_empty_and_multiple_articles():
    a = arts()
    m = actor_mentions(a, sentences(a))
    assert list(m.columns) == MENTION_COLUMNS and m.empty
    a = arts("Putin spoke.", "", "Nothing here.")
    m = actor_mentions(a, sentences(a))
    assert list(m.article_id) == ["a0"]


# --- gazetteer --------------------------------------------------------------------------------

def test_load_actors():
    actors = load_actors()
    ids = set(actors.id)
    for aid in ["putin", "zelensky", "trump", "witkoff", "kushner", "rubio", "vance", "umerov",
                "yermak", "ushakov", "peskov", "lavrov", "dmitriev", "driscoll", "von_der_leyen",
                "kallas", "macron", "merz", "starmer", "rutte", "syrsky", "russia", "ukraine",
                "united_states", "eu", "europe", "nato", "european_commission", "isw"]:
        assert aid in ids, aid
    assert actors.id.is_unique
    assert set(actors.kind) <= {"person", "state", "organization", "group", "outlet"}
    persons = actors[actors.kind == "person"]
    assert persons.gender.isin(["male", "female"]).all()
    assert "forces" in actors.attrs["demonym_nouns"]


def write(tmp_path, body: str):
    path = tmp_path / "actors.yml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD = """
demonym_nouns: [officials]
locative_words: [in]
actors:
  - {id: foo, name: Foo Land, kind: state, affiliation: foo, gender: null,
     aliases: [Fooland], demonyms: [Foovian], capitals: [Foocity]}
  - {id: bar, name: Bar Baz, kind: person, affiliation: foo, gender: female, aliases: [Baz]}
"""


@pytest.mark.parametrize("body, problem", [
    ("actors:\n  - {name: X, kind: state}\n", "missing 'id'"),
    ("actors:\n  - {id: x, kind: state}\n", "missing 'name'"),
    ("actors:\n  - {id: Bad Id, name: X, kind: state}\n", "not a lowercase slug"),
    ("actors:\n  - {id: x, name: X, kind: state}\n  - {id: x, name: Y, kind: state}\n",
     "duplicate id"),
    ("actors:\n  - {id: x, name: X, kind: country}\n", "kind 'country'"),
    ("actors:\n  - {id: x, name: X, kind: person, gender: m}\n", "gender 'm'"),
    (("actors:\n  - {id: x, name: X, kind: state, aliases: [Zed]}\n"
      "  - {id: y, name: Y, kind: state, aliases: [zed]}\n"), "'zed' is also claimed by actor 'x'"),
    ("actors:\n  - {id: x, name: X, kind: state, alias: [Zed]}\n", "unknown field"),
    ("actors:\n  - {id: x, name: X, kind: state, affiliation: nowhere}\n", "affiliation"),
    ("actors:\n  - {id: x, name: X, kind: state, aliases: Zed}\n", "'aliases' must be a list"),
    ("actors: [\n", "not valid YAML"),
    ("- just a list\n", "'actors:' list"),
])
def test_gazetteer_errors(tmp_path, body, problem):
    assert_data_error(tmp_path, "actors.yml", body, load_actors, problem)


def test_custom_gazetteer_path_and_frame(tmp_path):
    path = write(tmp_path, GOOD)
    text = "Foovian officials in Foocity said Foocity agreed. Baz said her view was clear."
    expected = [("Foovian officials", "foo", "demonym"), ("Foocity", "foo", "alias"),
                ("Baz", "bar", "name"), ("her", "bar", "pronoun")]
    assert found(text, actors=path) == expected
    assert found(text, actors=load_actors(path)) == expected
    # the cache follows the file contents
    path.write_text(GOOD.replace("Baz]", "Baz, Qux]"), encoding="utf-8")
    assert found("Qux spoke.", actors=path) == [("Qux", "bar", "name")]


# --- unknown entities -------------------------------------------------------------------------

def test_unknown_entities():
    a = arts("Kremlin aide Foo Barovich said Putin would meet Steve Witkoff in Geneva. "
             "Foo Barovich added that Ursula von der Leyen and EU envoy Johann van den Berg "
             "disagreed.",
             "On Monday, Foo Barovich met Zelensky in Kyiv.")
    s = sentences(a)
    u = unknown_entities(a, s, actor_mentions(a, s))
    assert list(u.columns) == UNKNOWN_COLUMNS
    rows = dict(zip(u.entity, zip(u["count"], u.n_articles)))
    # names are linked within an article: the second one names him without a title
    assert rows["Foo Barovich"] == (2, 1)
    assert "Geneva" in rows and "Johann van den Berg" in rows
    for known in ["Putin", "Steve Witkoff", "Ursula von der Leyen", "Zelensky", "Kremlin",
                  "Kyiv", "On", "Monday", "On Monday", "Talks"]:
        assert known not in rows, known
    assert u.iloc[0].entity == "Foo Barovich"
    assert u.iloc[0].example.startswith("Kremlin aide Foo Barovich")


def test_unknown_entities_seed(seed):
    a, s, m = seed
    u = unknown_entities(a, s, m)
    assert {"Geneva", "Donetsk", "Luhansk"} <= set(u.entity)
    assert not {"Putin", "Russia", "Moscow", "Ukrainian", "February"} & set(u.entity)
    places = set(u.loc[u.category == "place", "entity"])
    assert {"Geneva", "Donetsk", "Luhansk"} <= places


def test_unknown_entities_categories_and_suggestions():
    a = arts("Kremlin aide Foo Barovich said troops entered Zelenivka and Geneva hosted talks.",
             "Fighting continued near Novoselivka, the Sunrise Defense Forces said.",
             "Foo Barovich spoke to the Daily Courier News from Florida.",
             "The ZXQ agency and analysts of the BrightWatch project agreed.")
    u = unknown_entities(a).set_index("entity")
    assert u.loc["Foo Barovich", "category"] == "person"
    assert u.loc["Foo Barovich", "suggestion"].startswith(
        "- {id: foo_barovich, name: Foo Barovich, kind: person")
    assert "aliases: [Foo Barovich, Barovich]" in u.loc["Foo Barovich", "suggestion"]
    # places: a listed world place, a locative context, a settlement-name ending
    for place in ["Geneva", "Florida", "Novoselivka", "Zelenivka"]:
        assert u.loc[place, "category"] == "place", place
        assert u.loc[place, "suggestion"] == ""
    # organisations: an organisation word, or a name before an organisation noun (acronyms
    # and CamelCase names too); outlets by their words
    for org in ["Sunrise Defense Forces", "ZXQ agency", "BrightWatch project"]:
        assert u.loc[org, "category"] == "organisation", org
    assert "kind: outlet" in u.loc["Daily Courier News", "suggestion"]


# --- unlinked actors in the mention table ------------------------------------------------------

def unlinked(*texts: str, title: str = "Talks resume", **kw) -> list[tuple[str, str, str, str]]:
    """(text, actor_id, actor, kind) of the unlinked mentions of the articles."""
    a = arts(*texts, title=title)
    m = actor_mentions(a, sentences(a), **kw)
    assert m["linked"].dtype == bool
    m = m[~m["linked"]]
    return list(zip(m.text, m.actor_id, m.actor, m.kind))


def test_unlinked_people_by_title_role_apposition_and_speech():
    got = unlinked("Croatian Prime Minister Andrej Horvatić met Zelensky on Friday. "
                   "Horvatić said the talks were useful.",
                   "A spokesperson, Ivana Marek, spoke first; army spokesman Oleh Tkachuk "
                   "replied. Gen. Tom Brandt arrived later.",
                   "Lena Dahlberg, the agency's director, disagreed. Piet Kramer said no.",
                   "President Alvarez visited Kyiv.")
    keys = [(text, key) for text, key, _, kind in got if kind == "person"]
    assert ("Andrej Horvatić", "person:andrej-horvatic") in keys  # accents folded in keys
    assert ("Horvatić", "person:andrej-horvatic") in keys  # the surname links to the full name
    for name in ["Oleh Tkachuk", "Tom Brandt", "Lena Dahlberg", "Piet Kramer", "Alvarez"]:
        assert any(text == name for text, _ in keys), name
    # the display name is the full name for every mention of a person
    assert {actor for text, key, actor, _ in got if key == "person:andrej-horvatic"} == {
        "Andrej Horvatić"}


def test_unlinked_organisations_and_outlets():
    got = unlinked("Units of the Coastal Guard and the Sever force held the line, "
                   "the Kestrel Institute said, citing Lviv Zorya TV.")
    kinds = {text: (key, kind) for text, key, _, kind in got}
    assert kinds["Coastal Guard"] == ("organisation:coastal-guard", "organization")
    assert kinds["Sever"] == ("organisation:sever-force", "organization")
    assert kinds["Kestrel Institute"] == ("organisation:kestrel-institute", "organization")
    assert kinds["Zorya TV"] == ("outlet:zorya-tv", "outlet")  # the city is left out


@pytest.mark.parametrize("text", [
    "Crowds marked Victory Day in the capital on Monday.",
    "Read More",
    "Shelling hit Zelenodolsk and Novoivanivka overnight.",
    "The Armed Forces and the Defence Staff reported calm, Member States said.",
    "Officials in Brussels discussed the Security Policy on Tuesday.",
    "The Ukrainian command and the Russian group of forces traded fire.",
    "President Vladimir Vladimirovich Putin spoke.",  # a known name's middle part
])
def test_not_actors(text):
    assert unlinked(text) == []


def test_title_case_headlines_and_the_publisher_give_no_actors():
    assert unlinked("Talks went on.", title="Leaders Gather For Victory Day Parade Friday") == []
    a = arts("Ministers met, the Borealis News reported.").assign(source="borealisnews.example")
    m = actor_mentions(a, sentences(a))
    assert m["linked"].all()
    a = arts("Ministers met, the Borealis News reported.")
    m = actor_mentions(a, sentences(a))
    assert "outlet:borealis-news" in set(m.actor_id)


def test_linked_rows_and_gazetteer_unchanged():
    text = "Kremlin spokesman Dmitry Peskov said aide Ivan Sorokin would travel to Geneva."
    a = arts(text)
    m = actor_mentions(a, sentences(a))
    linked = m[m["linked"]]
    assert set(linked.actor_id) >= {"peskov"}
    assert list(m.columns) == MENTION_COLUMNS
    assert m.loc[~m["linked"], "actor_id"].tolist() == ["person:ivan-sorokin"]
    assert m.loc[~m["linked"], "affiliation"].isna().all()


# --- the whole war: gazetteer mechanisms (short forms, "the West", venues, the republics) -----

SHORT = GOOD + """
  - {id: doe_a, name: Anna Doe, kind: person, affiliation: foo, gender: female,
     aliases: [Anna Doe], short_forms: [Doe], titles: [Defence Secretary]}
  - {id: doe_b, name: Boris Doe, kind: person, affiliation: foo, gender: male,
     aliases: [Boris Doe], short_forms: [Doe], titles: [Prime Minister]}
  - {id: west, name: Western countries, kind: group, affiliation: null, gender: null,
     demonyms: [Western], definite: [West]}
"""


def test_short_forms_need_the_full_name(tmp_path):
    """A short form (an ambiguous surname) stands for an actor only in an article that names
    it in full; shared by two actors, it goes to the one named last before it."""
    path = write(tmp_path, SHORT)
    assert found("Doe said the plan was fine.", actors=path) == []
    assert found("Anna Doe spoke first. Doe said no.", actors=path) == [
        ("Anna Doe", "doe_a", "name"), ("Doe", "doe_a", "name")]
    assert found("Anna Doe met Boris Doe. Doe said yes.", actors=path)[-1] == (
        "Doe", "doe_b", "name")
    assert found("Doe spoke. Later Boris Doe agreed.", actors=path)[0] == ("Doe", "doe_b", "name")
    # with a title the short form names its actor
    assert found("Defence Secretary Doe arrived.", actors=path) == [
        ("Defence Secretary Doe", "doe_a", "name")]


def test_a_short_form_left_alone_can_be_an_unlinked_name(tmp_path):
    path = write(tmp_path, SHORT)
    a = arts("Governor Carl Doe said the bridge was closed.")
    m = actor_mentions(a, sentences(a), actors=path)
    assert list(zip(m.text, m.actor_id)) == [("Carl Doe", "person:carl-doe")]


def test_definite_names_and_demonyms_of_the_west(tmp_path):
    path = write(tmp_path, SHORT)
    assert found("Moscow blamed the West. Western officials replied.", actors=path) == [
        ("West", "west", "name"), ("Western officials", "west", "demonym")]
    for text in ["Settlers in the West Bank.", "They moved to the west of the town.",
                 "West Bank villages.", "A Western diet."]:
        assert found(text, actors=path) == [], text


def test_a_state_named_only_as_a_venue_is_no_actor():
    assert found("Talks between the two sides in Saudi Arabia ended.") == []
    assert found("The talks were held during a two-day visit to India.") == []
    assert found("The first round took place in Geneva (Switzerland).") == []
    # named otherwise too, every mention counts
    assert found("Talks in Saudi Arabia went on. Saudi Arabia said it would help.") == [
        ("Saudi Arabia", "saudi_arabia", "name"), ("Saudi Arabia", "saudi_arabia", "name")]
    # not a venue: the war's parties and other contexts
    assert found("The war in Ukraine went on.") == [("Ukraine", "ukraine", "name")]
    # a state name that starts an outlet's name is no mention of the state
    assert found("The Israel News site and India Today reported; Ukraine today agreed.") == [
        ("Ukraine", "ukraine", "name")]


def test_the_war_since_2014_people_and_bodies():
    """An entry is a person with the titles of every post held; spellings of every side."""
    cases = {
        "Defence Minister Sergei Shoigu spoke.": "shoigu",
        "Secretary of State Antony Blinken spoke.": "blinken",
        "Wagner chief Yevgeny Prigozhin spoke.": "prigozhin",
        "Deputy Defence Minister Hanna Maliar spoke.": "maliar",
        "Former President Petro Poroshenko spoke.": "poroshenko",
        "Luhansk Governor Serhiy Haidai spoke.": "haidai",
        "Chancellor Olaf Scholz spoke.": "scholz",
        "NATO Secretary General Jens Stoltenberg spoke.": "stoltenberg",
        "The State Duma voted.": "russia_state_duma",
        "The Khortytsia group of forces reported.": "ukraine_group_khortytsia",
        "Prime Minister Denys Shmyhal spoke.": "shmyhal",
        "Secretary of State John F. Kerry spoke.": "kerry",  # a middle initial
    }
    for text, actor in cases.items():
        got = found(text)
        assert got and got[0][1] == actor, (text, got)
    # ambiguous surnames count only after the full name ("Austin, Texas" alone is nobody)
    assert found("Austin was hot.") == []
    assert [a for _, a, _ in found("Lloyd Austin met Kim Jong Un. Austin and Kim spoke.")] == [
        "austin", "kim_jong_un", "austin", "kim_jong_un"]
    assert [a for _, a, _ in found("Governor Vitaliy Kim spoke. Kim said so.")] == [
        "kim_vitaliy", "kim_vitaliy"]


def test_the_republics_act_through_their_people_and_groups():
    assert found("DPR authorities said the town held.") == [
        ("DPR authorities", "dpr", "demonym")]
    assert found("Fighting went on in the Donetsk People's Republic and the LPR.") == []


def test_gazetteer_short_forms_are_words_of_their_aliases():
    """Every short form is a word of one of its actor's aliases (a surname: "Austin", "Kim"),
    never a form another actor owns outright."""
    actors = load_actors()
    owned = {a.lower() for col in ("aliases", "references", "capitals") for forms in actors[col]
             for a in forms}
    for aid, aliases, shorts in zip(actors.id, actors.aliases, actors.short_forms):
        for short in shorts:
            assert any(short in a.split() for a in aliases), (aid, short)
            assert short.lower() not in owned, (aid, short)


def test_a_title_that_stands_for_nobody_keeps_the_names_inside_it():
    """A person's title after "the" stands for the person named in the article; named nowhere,
    the gazetteer names inside it still count ("the FSB chief" -> the FSB)."""
    assert found("The FSB chief spoke.") == [("FSB", "russia_fsb", "name")]
    assert found("The Wagner chief Yevgeny Prigozhin spoke. The Wagner chief said no.") == [
        ("Wagner chief Yevgeny Prigozhin", "prigozhin", "name"),
        ("Wagner chief", "prigozhin", "alias")]
    assert found("Peace needs steps, the NSDC secretary wrote. Umerov agreed.") == [
        ("NSDC secretary", "umerov", "alias"), ("Umerov", "umerov", "name")]


def test_ordinary_phrases_are_no_actors():
    """Multi-word forms match in any case, so none may be an ordinary phrase; a place that
    holds an actor's name is no mention of it."""
    assert found("At the times when the independent candidate climbed the hill, the economist "
                 "said ships crossed the Sea of Azov and the national police came; the western "
                 "states and the investigative committee agreed.") == []
