"""Attributed statements: who said what, with which reporting cue, in which words.

`statements(sentences, mentions)` finds reporting cues (data/reporting_verbs.yml) with one
compiled regex and attaches a speaker (an actor id from the mention table, pronouns resolved by
its pronoun rows) and the reported content, with offsets in the sentences' field coordinates.
Attribution forms (column `form`):

- subject        "Putin said that …", "In a video address, Zelensky expressed optimism …",
                 "He asserted …" (pronoun mention), "Putin, the president, said …"
- with           "…, with von der Leyen criticizing Russia …"
- postposed      "“…,” Putin said." / "…, Putin said on Monday."
- inverted       "“…,” said Putin."
- according_to   "According to ISW, …" / "…, according to ISW."
- participial    "…, stating that …", "…, noting that …", "…, calling such warnings “…”":
                 the speaker is the subject of the main clause (the statement before it)
- group          "European leaders … Many doubt …": the speaker is the group named before
- pronoun        a he/she/they subject: the speaker or actor the scored choice of
                 `Discourse.pronoun` finds (agreement, last speaker, subject chain, distance)

`mention_roles(mentions, statements)` labels each mention "speaker" or "target".

Further forms: passive ("was stated by X"), coordinated ("… and added that"), noun ("made a
statement that"), headline ("Kallas: …", "… - General Staff") and label ("Source: X",
"Quote: …") and a label line ("Defence Ministry:" before its paragraph); a quotation over
several sentences or paragraphs is one statement. Speakers are noun phrases whose head is a
person, group, organisation, outlet or document noun (data/speaker_nouns.yml); those the
gazetteer does not know are kept unlinked (columns speaker_kind, linked; see
docs/attribution.md). Pronouns resolve by a scored choice (discourse.Discourse.pronoun).

Modules: `cues` (the cue lexicon and idioms), `nouns` (speaker head nouns), `records` (typed
records: Mention, Token, Speaker, CueHit, Sentence, Statement), `spans` (patterns and span
helpers), `quotes` (quotations over a field), `phrases` (speaker noun phrases), `speakers`
(their resolution), `discourse` (pronouns, titles and roles resolved against the article so far),
`subjects` (the subject of a cue), `forms` (one detector per verb form), `labels` (headline
and label forms), `table` (the statements table and mention roles), `summary` (unlinked
speakers).
"""

from newslens.analysis.attribution.cues import (
    CUE_CLASSES,
    CUE_KINDS,
    Cue,
    inflections,
    load_reporting_verbs,
)
from newslens.analysis.attribution.summary import UNLINKED_COLUMNS, unlinked_speakers
from newslens.analysis.attribution.table import STATEMENT_COLUMNS, mention_roles, statements

__all__ = ["CUE_CLASSES", "CUE_KINDS", "STATEMENT_COLUMNS", "UNLINKED_COLUMNS", "Cue",
           "inflections", "load_reporting_verbs", "mention_roles", "statements",
           "unlinked_speakers"]
