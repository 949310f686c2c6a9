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
- pronoun        a he/she/they subject the mention table left unresolved: the last person
                 (or group, for they) mentioned before it

`mention_roles(mentions, statements)` labels each mention "speaker" or "target".

Modules: `cues` (the cue lexicon), `records` (typed records: Mention, CueHit, Sentence,
Statement), `spans` (patterns and span helpers), `forms` (one detector per form), `table` (the
statements table and mention roles).
"""

from newslens.analysis.attribution.cues import (
    CUE_CLASSES,
    CUE_KINDS,
    Cue,
    inflections,
    load_reporting_verbs,
)
from newslens.analysis.attribution.table import STATEMENT_COLUMNS, mention_roles, statements

__all__ = ["CUE_CLASSES", "CUE_KINDS", "STATEMENT_COLUMNS", "Cue", "inflections",
           "load_reporting_verbs", "mention_roles", "statements"]
