"""Stances: which negotiation issues each attributed statement raises, and the speaker's stance;
and the positions the narration itself ascribes to actors (`basis` narration, module
`narration`: "Moscow wants Kyiv to pull out of the region", "a plan rejected by the Kremlin").
Each issue is read in one direction (`direction` in data/issues.yml: territory toward
concessions, sanctions toward sanctions on Russia, nato toward Ukraine's membership, ceasefire
and talks toward holding them); `contrary` terms and `reversed_by` words turn a term against
its issue.

- `stances(statements, sentences, mentions=...)`: one row per statement × issue (per article,
  pure). Issues come from data/issues.yml: terms in the statement itself (cue and content,
  `issue_source="statement"`) or, with weight 0.6, from its context (`"context"`: the main
  clause of a participial statement, the sentence that introduced a group holder, or, for a
  statement that raises nothing itself but refers back with "the deal"/"this process", the
  nearest of the three sentences before it) or the question it answers (`"question"`: "Asked
  whether a truce was agreed, Peskov said …"), or, for a pronoun object or "do so" pointing
  back, the sentence before its cue. The narration around a statement is not read otherwise.
  A stance from tone alone (`sentiment:`) is neutral where the article gives the holder a
  position on the issue by another rule (`outweighed(...)`).
  `target` is who the stance is aimed at: the addressee ("urged Europe to ...") or the actor
  the content makes act or names ("Ukraine must ...").
- Each issue takes the stance of the place where the statement raises it
  (newslens.analysis.stance.roles): its role in its clause first (a condition demands what it
  covers and supports what it conditions; a requirement demands its object; a purpose is
  supported; what a negated harm spares is supported: "sanctions won't derail the talks",
  "no one can forbid Ukraine from joining", "the meeting was not cancelled"), else the rule
  chain below on the clause that names it, else the chain on the
  whole statement. Stances the statement reports for other actors ("several allies, including
  Hungary, are against NATO membership") become rows of those actors (rule `reported:...`)
  and are not the speaker's. On territory, concession wording is read by side
  (`territory:...` rules: cede/withdraw demanded by Russia's side = demands, refused = opposes,
  accepted = supports). Contrary terms ("neutrality" for NATO membership) turn the stance
  round (`+contrary`).
- The rule chain (first that fires decides, column `rule`):
  condition marker ("only if", "until" + a clause, "unless") -> demands ("until November 26",
  "until then" are time, not conditions: `temporal` markers); demand cue (demanded, called
  for, urged) -> demands; "wants X to …" or a demand marker ("must", "need for", "necessary")
  -> demands; doubt cue or marker -> skeptical; a denial of reports ("rejected claims that …")
  -> neutral; negated acceptance ("will not accept") -> opposes; "rejecting X could lead to
  …" -> supports; negative cue (rejected,
  criticised) -> opposes (negated: supports, weak); positive cue (welcomed, proposed) ->
  supports (negated: opposes); opposition predicate of the speaker's own ("it opposes") or
  dismissive marker ("laughable", "not a solution") -> opposes; support predicate ("wants
  to", "backs") or supportive marker ("foundation", "progress") -> supports; a participial
  statement inherits its main clause's stance; content sentiment (TextBlob polarity >= 0.2 /
  <= -0.2) -> supports / opposes; else neutral. "only … if" split by up to six words counts as a
  condition. Emphatic cues add 0.1 confidence. Headline statements weigh 0.8 (the outlet's
  paraphrase); reported stances weigh 0.5.
- `stance_matrix(stances)`: actor × issue with the majority stance (more than half of the
  non-neutral statements: "demands 6/8"), `mixed` when none has it ("3 supports / 3 opposes"),
  counts and the strongest evidence statement (`majority`).
- `pairwise(matrix)`: actors compared on issues by majority stance: agree / disagree / both
  against / differ / mixed / one neutral / one silent, with the statements behind each side.
- `by_source(stances, articles)`: the same actor × issue as reported by each source.

Modules: `lexicons` (data/issues.yml and data/stance_markers.yml, compiled), `rules` (the rule
chain `classify`), `reading` (a statement's own text, mentions, sides, role markers), `roles`
(where in a statement an issue is raised: conditions, requirements, reported stances,
territorial concessions), `narration` (positions from narration, nested speech, the
pre-filter), `table` (issue tagging, the stances table, one position one row), `aggregate`
(matrix, pairs, sources), `scan` (the lexicon regexes found through one Aho-Corasick pass: same
matches, a fraction of the cost).
"""

from newslens.analysis.stance.aggregate import (
    FAMILY,
    MATRIX_COLUMNS,
    NON_NEUTRAL,
    PAIR_COLUMNS,
    SOURCE_COLUMNS,
    by_source,
    majority,
    matrix_wide,
    pairwise,
    stance_matrix,
)
from newslens.analysis.stance.lexicons import (
    MARKER_CLASSES,
    STANCE_COLUMNS,
    STANCES,
    IssueBook,
    Occurrence,
    load_issues,
    load_markers,
)
from newslens.analysis.stance.rules import classify
from newslens.analysis.stance.table import stances

__all__ = ["FAMILY", "MARKER_CLASSES", "MATRIX_COLUMNS", "NON_NEUTRAL", "PAIR_COLUMNS",
           "SOURCE_COLUMNS", "STANCES", "STANCE_COLUMNS", "IssueBook", "Occurrence", "by_source",
           "classify", "load_issues", "load_markers", "majority", "matrix_wide", "pairwise",
           "stance_matrix", "stances"]
