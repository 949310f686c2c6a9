"""Every table newslens produces, declared once: columns, dtypes, sort keys, descriptions.

Stages build their empty frames from here (`empty`), the engine concatenates and orders with
it (`conform`, `sort`), the CLI writes columns in this order, the contract test checks every
table of a run against it (`problems`) and the README's data dictionary is generated from it
(`markdown`; a test fails when the README differs).

Dtypes: `str` (pandas string, missing = NaN), `int64`, `Int64` (nullable integer), `float64`,
`bool`, `datetime64[us]` (naive wall time).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DTYPES = ("str", "int64", "Int64", "float64", "bool", "datetime64[us]")


class SchemaError(ValueError):
    """A table does not match its declared schema (names the table and the problem)."""


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str


@dataclass(frozen=True)
class Table:
    """One table: what a row is, its columns in order, its sort keys and its level."""

    name: str
    row: str
    columns: tuple[Column, ...]
    sort_keys: tuple[str, ...] = ()
    level: str = "article"  # article (per-article stage output) | corpus (summary) | load
    extra_columns: bool = False  # articles keep other metadata keys as extra columns

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def dtypes(self) -> dict[str, str]:
        return {c.name: c.dtype for c in self.columns}


def _t(name, row, columns, sort_keys=(), level="article", extra_columns=False) -> Table:
    for col in columns:
        if col[1] not in DTYPES:
            raise SchemaError(f"table {name}: column {col[0]}: unknown dtype {col[1]!r}")
    return Table(name, row, tuple(Column(*c) for c in columns), tuple(sort_keys), level,
                 extra_columns)


_ARTICLE = ("article_id", "str", "the article (`articles.article_id`)")
_SENTENCE = ("sentence", "int64", "sentence number in the article (0 = headline)")
_FIELD = ("field", "str", "`title` (headline) or `text` (body): what the offsets index")


def _span(prefix: str, what: str) -> list[tuple]:
    return [(f"{prefix}start", "int64", f"start offset of {what} in the article field"),
            (f"{prefix}end", "int64", f"end offset of {what} (exclusive)")]


TABLES: dict[str, Table] = {t.name: t for t in [
    _t("articles", "article", [
        ("article_id", "str", "stable id: file stem, `-N` for the Nth record of a batch file"),
        ("title", "str", "headline (may be empty)"),
        ("text", "str", "body as analysed (page furniture removed); offsets of `text` index it"),
        ("source", "str", "outlet (empty when unknown)"),
        ("published", "datetime64[us]", "publication date and time (NaT when unknown)"),
        ("url", "str", "link to the article (empty when unknown)"),
        ("path", "str", "file it came from, relative to the corpus folder"),
        ("n_words", "int64", "words in the body as analysed (`text`)"),
        ("sha256", "str", "hash of the whitespace-normalised title and body (duplicates)"),
        ("raw_text", "str", "body text as loaded, page furniture included"),
        ("furniture_lines", "int64", "page-furniture lines removed from `raw_text` to give `text`"),
        ("story_id", "str", "the story: `article_id` of its original (shared by near-duplicates)"),
        ("is_copy", "bool", "a later copy of the story's original (syndicated or near-duplicate)"),
        ("copy_of", "str", "for a copy, the original's `article_id`; empty otherwise"),
        ("language", "str", "ISO 639-1 language code (`en` unless clearly another)"),
    ], level="load", extra_columns=True),
    _t("syndication", "article of a story that has copies", [
        ("story_id", "str", "the story (`articles.story_id`)"),
        ("story_title", "str", "headline of the story's original"),
        ("article_id", "str", "the article"),
        ("title", "str", "its headline"),
        ("source", "str", "its outlet"),
        ("published", "datetime64[us]", "its publication date (NaT when unknown)"),
        ("is_copy", "bool", "False for the original, True for a copy"),
        ("republished_from", "str", "for a copy, the original's outlet"),
        ("n_articles", "int64", "articles in the story"),
        ("n_outlets", "int64", "distinct outlets in the story"),
    ], ("story_id", "is_copy", "published", "article_id"), level="load"),
    _t("load_report", "problem found while loading", [
        ("path", "str", "file, or `file:N` for record/line N"),
        ("problem", "str", "what was wrong"),
        ("action", "str", "what was done (skipped, kept, ...)"),
    ], level="load"),
    _t("sentences", "sentence (0 = headline)", [
        _ARTICLE,
        ("paragraph", "int64", "paragraph (non-empty body line) number, 0 for the headline"),
        _SENTENCE,
        *_span("", "the sentence"),
        ("text", "str", "the sentence"),
        _FIELD,
    ], ("article_id", "sentence")),
    _t("mentions", "actor mention", [
        _ARTICLE, _SENTENCE, *_span("", "the mention"),
        ("text", "str", ("the mention as written; a demonym with its group noun "
                         "(\"Russian officials\", \"U.S. delegation\")")),
        ("actor_id", "str", "gazetteer id (`data/actors.yml`)"),
        ("actor", "str", "actor name"),
        ("kind", "str", "person, state, organization, group or outlet"),
        ("affiliation", "str", "actor id the actor belongs to (a person's state)"),
        ("mention_type", "str", "name, alias, demonym or pronoun"),
        _FIELD,
        ("linked", "bool", ("the actor is in the gazetteer; False for a person or organisation "
                            "found by its title, role or name (`actor_id` is then a key such "
                            "as `person:…`, `organisation:…`, `outlet:…`)")),
    ], ("article_id", "sentence", "start", "end", "actor_id")),
    _t("region_mentions", "region mention", [
        _ARTICLE, _SENTENCE, *_span("", "the region name"),
        ("text", "str", "the region name as written"),
        ("region_id", "str", "region id (`data/regions.yml`; `generic:...` for references)"),
        ("region", "str", "region name"),
        ("kind", "str", ("country, macro_region, oblast, city, town, site, settlement (found by "
                         "context, not in the gazetteer) or generic")),
        ("iso_code", "str", "ISO 3166-2 code"),
        ("parent", "str", "enclosing region id"),
        ("match", "str", ("name, form (\"X region\"), generic or discovered (a settlement "
                          "found by context: \"the village of X\")")),
        _FIELD,
    ], ("article_id", "sentence", "start")),
    _t("statements", "attributed statement", [
        _ARTICLE, _SENTENCE,
        ("statement", "int64", "statement number in the article"),
        _FIELD,
        ("form", "str", ("attribution form: subject, postposed, inverted, according_to, "
                         "passive, participial, coordinated, with, group, pronoun, headline or "
                         "label")),
        ("speaker", "str", ("actor id when `linked`, else a normalised key (`person:…`, "
                            "`organisation:…`, `outlet:…`, `anonymous:…`, `group:…`)")),
        ("speaker_text", "str", "the speaker as written (for a pronoun or holder: that word)"),
        ("speaker_kind", "str", ("actor (gazetteer), outlet, person, organisation, anonymous, "
                                 "group or document (a report, statement, poll or memo that "
                                 "no named actor issued)")),
        ("linked", "bool", "the speaker is a gazetteer actor (`data/actors.yml`)"),
        ("speaker_side", "str", "state or bloc the speaker belongs to (actor id), when known"),
        *_span("speaker_", "the speaker"),
        ("cue", "str", "reporting cue as written"),
        ("cue_lemma", "str", "cue lemma"),
        ("cue_class", "str", "neutral, emphatic, positive, negative or demand"),
        *_span("cue_", "the cue"),
        ("content", "str", "what was said: the quotation or reported clause"),
        *_span("content_", "the content"),
        ("is_quote", "bool", "the content is or contains a quotation"),
        ("mode", "str", "direct (quotation) or indirect"),
        ("negated", "bool", "the cue is negated"),
        ("parent", "Int64", ("statement number of the main clause (participial and "
                             "coordinated statements)")),
        ("antecedent_sentence", "Int64", "sentence of the group a group holder refers to"),
        ("antecedent_start", "Int64", "start of that group mention"),
        ("antecedent_end", "Int64", "end of that group mention"),
    ], ("article_id", "statement")),
    _t("stances", "statement × issue", [
        _ARTICLE,
        ("statement", "int64", "the statement (`statements.statement`)"),
        _SENTENCE,
        ("speaker", "str", ("stance holder: the speaker's key (actor id, or `person:…`, "
                            "`outlet:…`, `anonymous:…`... for speakers outside the gazetteer), "
                            "or an actor whose stance the statement reports (rule "
                            "`reported:...`)")),
        ("issue", "str", "issue id (`data/issues.yml`)"),
        ("issue_label", "str", "issue name"),
        ("issue_source", "str", ("statement (issue term in the statement), context (main "
                                 "clause, group antecedent, the sentence \"the deal\" refers "
                                 "to) or question (the question the statement answers)")),
        ("term", "str", "the issue term found"),
        ("stance", "str", "supports, opposes, demands, skeptical or neutral"),
        ("target", "str", ("actor the demand, support or criticism is aimed at: the addressee "
                           "(\"urged Europe to\") or the actor the content names (\"Ukraine "
                           "must\"), when the sentence names one")),
        ("rule", "str", ("the rule that decided the stance (`condition:`, `conditioned:`, "
                         "`territory:`, `reported:`, `cue:`, `content:`, ...)")),
        ("confidence", "float64", "confidence of the rule"),
        ("weight", "float64", ("confidence × 0.6 for context and question issues × 0.8 for "
                               "headlines; 0.5 for reported stances")),
        ("cue", "str", "reporting cue"),
        ("cue_class", "str", "cue class"),
        ("content", "str", "statement content"),
        ("basis", "str", ("statement (the position is in an attributed statement) or narration "
                          "(the article itself ascribes it: \"a plan rejected by Moscow\"; "
                          "`statement` is then negative: -1, -2, ... per article)")),
    ], ("article_id", "statement", "issue")),
    _t("sentence_sentiment", "sentence", [
        _ARTICLE, _SENTENCE,
        ("polarity", "float64", "sentence polarity (-1 … +1)"),
        ("subjectivity", "float64", "sentence subjectivity (0 … 1)"),
        ("label", "str", "negative, neutral or positive"),
        ("scorer", "str", "scorer that produced the numbers"),
    ], ("article_id", "sentence")),
    _t("mention_sentiment", "actor mention", [
        _ARTICLE, _SENTENCE, *_span("", "the mention"),
        ("actor_id", "str", "gazetteer id, or the key of an unlinked actor (`person:…`)"),
        ("actor", "str", "actor name"),
        ("text", "str", "the mention as written"),
        ("mention_type", "str", "name, alias, demonym or pronoun"),
        _FIELD,
        ("linked", "bool", "the actor is in the gazetteer (`mentions.linked`)"),
        ("role", "str", "speaker (of a statement) or target (spoken about)"),
        ("target_polarity", "float64",
         "tone aimed at the mention (-1 … +1; learned: P(positive) − P(negative))"),
        ("target_subjectivity", "float64",
         "subjectivity of the mention's window (learned: 1 − P(neutral))"),
        ("label", "str", "negative, neutral or positive (learned: the most probable class)"),
        *_span("window_", "the scored window (learned: the whole sentence)"),
        ("drivers", "str",
         ("what drove the score (`word +0.50; ...`; learned: `side:word` or `role:...` with its "
          "push, positive minus negative logit)")),
        ("scorer", "str", "scorer that produced the numbers"),
    ], ("article_id", "sentence", "start", "end", "actor_id")),
    _t("claims", "region × claim", [
        ("claim_id", "str", "`article:sentence:start:region:claim_type`"),
        _ARTICLE, _SENTENCE,
        ("published", "datetime64[us]", "publication date of the article"),
        ("source", "str", "outlet of the article"),
        ("region_id", "str", "region id"),
        ("region", "str", "region name"),
        ("iso_code", "str", "ISO 3166-2 code"),
        ("parent", "str", "enclosing region id"),
        ("kind", "str", "region kind"),
        ("part_of", "str", "macro region the region was listed under (via includes/hierarchy)"),
        ("via", "str", "mention, includes or hierarchy"),
        ("claim_type", "str", "withdrawal_demand, annexed_claimed, control_status, ..."),
        ("rule", "str", ("the cue rule of `data/claim_cues.yml` (capture_advance, advance, "
                         "withdrawal_report, ...)")),
        ("control_change", "bool", ("the region changed hands: the claimant gained it from the "
                                    "counterpart (capture or reported withdrawal)")),
        ("claimant", "str", ("side or actor that claims, demands, holds, gained or estimates "
                             "(a plan's key when an unattributed plan demands it)")),
        ("counterpart", "str", "side that must act, that holds/defends the region or lost it"),
        ("stated_by", "str", "speaker of the statement containing the region"),
        ("context", "str", "peace_plan, negotiations or battlefield"),
        ("cue", "str", "the cue text that made the claim"),
        ("region_text", "str", "the region as written"),
        *_span("", "the region"),
        ("evidence", "str", "the sentence"),
        ("evidence_start", "int64", "region start inside the sentence"),
        ("evidence_end", "int64", "region end inside the sentence"),
        _FIELD,
    ], ("article_id", "sentence", "start", "region_id", "claim_type")),
    _t("quantities", "number about the war", [
        _ARTICLE, _SENTENCE, *_span("", "the number"),
        ("text", "str", "the number as written"),
        ("kind", "str", "percentage, area, distance, rate, duration, date or count"),
        ("value", "float64", "normalised value"),
        ("unit", "str", "normalised unit (%, km2, km, km/day, days, ..., date)"),
        ("approximate", "bool", "hedged or vague amount"),
        ("bound", "str", "min or max when the number is a bound"),
        ("date", "str", "YYYY-MM or YYYY for dates"),
        ("original_value", "float64", "value before conversion"),
        ("original_unit", "str", "unit before conversion"),
        ("region_id", "str", "region the number is about"),
        ("claim_id", "str", "claim the number belongs to"),
        ("claim_type", "str", "type of that claim"),
        _FIELD,
    ], ("article_id", "sentence", "start")),
    _t("actor_sentiment", "actor × voice", [
        ("actor_id", "str", "gazetteer id"),
        ("actor", "str", "actor name"),
        ("voice", "str", "all, about (role target) or own (role speaker)"),
        ("mentions", "int64", "mentions"),
        ("sentences", "int64", "sentences with a mention"),
        ("articles", "int64", "articles with a mention"),
        ("mean_polarity", "float64", "mean target polarity"),
        ("ci_low", "float64", "95% bootstrap CI, low (NaN for one mention)"),
        ("ci_high", "float64", "95% bootstrap CI, high"),
        ("share_negative", "float64", "share of negative mentions"),
        ("share_neutral", "float64", "share of neutral mentions"),
        ("share_positive", "float64", "share of positive mentions"),
        ("mean_subjectivity", "float64", "mean window subjectivity"),
        ("low_sample", "bool", "fewer mentions than the minimum (shown, not hidden)"),
        ("linked", "bool", "the actor is in the gazetteer (False: found by title or role)"),
        ("scorer", "str", "scorer that produced the numbers"),
    ], ("actor_id", "voice"), level="corpus"),
    _t("region_rollup", "region", [
        ("region_id", "str", "region id"),
        ("region", "str", "region name"),
        ("kind", "str", "region kind"),
        ("iso_code", "str", "ISO 3166-2 code"),
        ("parent", "str", "enclosing region id"),
        ("n_claims", "int64", "claims on the region and the regions below it"),
        ("n_direct", "int64", "claims on the region itself"),
        ("n_articles", "int64", "articles with such a claim"),
        ("claimants", "str", "claimants with counts"),
        ("claim_types", "str", "claim types with counts"),
        ("counterparts", "str", "counterparts with counts"),
        ("stated_by", "str", "speakers with counts"),
        ("includes", "str", "regions below that contributed"),
        ("quantities", "str", "numbers attached to the claims"),
        ("latest_published", "datetime64[us]", "date of the latest claim"),
        ("latest_claim_type", "str", "type of the latest claim"),
        ("latest_stated_by", "str", "speaker of the latest claim"),
        ("latest_evidence", "str", "sentence of the latest claim"),
    ], ("region_id",), level="corpus"),
    _t("stance_matrix", "speaker × issue", [
        ("speaker", "str", "speaker key (`stances.speaker`)"),
        ("issue", "str", "issue id"),
        ("issue_label", "str", "issue name"),
        ("stance", "str", ("majority stance (held by more than half of the non-neutral "
                           "statements), mixed when none is, or neutral")),
        ("split", "str", "the counts behind the label: `demands 6/8`, `3 supports / 3 opposes`"),
        ("n_statements", "int64", "statements behind the cell (narration stances included)"),
        ("n_narration", "int64", "of these, stances from narration (`stances.basis`)"),
        ("n_nonneutral", "int64", "non-neutral statements (the denominator of the split)"),
        ("n_articles", "int64", "articles behind the cell"),
        ("n_supports", "int64", "supporting statements"),
        ("n_opposes", "int64", "opposing statements"),
        ("n_demands", "int64", "demanding statements"),
        ("n_skeptical", "int64", "skeptical statements"),
        ("n_neutral", "int64", "neutral statements"),
        ("weight", "float64", "summed weight"),
        ("confidence", "float64", "mean rule confidence"),
        ("evidence_article", "str", "article of the evidence statement"),
        ("evidence_statement", "int64", "evidence statement number"),
        ("evidence_rule", "str", "rule that decided the evidence statement"),
        ("evidence_basis", "str", "statement or narration: what the evidence row is"),
        ("evidence", "str", "content of the evidence statement"),
    ], ("speaker", "issue"), level="corpus"),
    _t("stance_pairs", "actor pair × issue", [
        ("actor_a", "str", "first actor id"),
        ("actor_b", "str", "second actor id"),
        ("issue", "str", "issue id"),
        ("issue_label", "str", "issue name"),
        ("stance_a", "str", "stance of the first actor (empty when silent)"),
        ("stance_b", "str", "stance of the second actor"),
        ("relation", "str", ("agree, disagree, both against, differ (supports vs demands), "
                             "mixed, one neutral or one silent")),
        ("n_a", "int64", "statements behind the first actor's label (non-neutral ones if mixed)"),
        ("n_b", "int64", "statements behind the second actor's label"),
        ("split_a", "str", "the first actor's split (`demands 6/8`)"),
        ("split_b", "str", "the second actor's split"),
    ], ("actor_a", "actor_b", "issue"), level="corpus"),
    _t("stance_sources", "speaker × issue × source", [
        ("speaker", "str", "speaker key (`stances.speaker`)"),
        ("issue", "str", "issue id"),
        ("issue_label", "str", "issue name"),
        ("source", "str", "outlet"),
        ("stance", "str", "majority stance (or mixed) in this outlet's articles"),
        ("n_statements", "int64", "statements"),
        ("n_articles", "int64", "articles"),
        ("n_sources", "int64", "outlets reporting this speaker × issue"),
        ("consistent", "bool", "every outlet gives the same majority stance"),
    ], ("speaker", "issue", "source"), level="corpus"),
]}


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise SchemaError(f"unknown table {name!r}; known: {', '.join(TABLES)}") from None


def _cast(series: pd.Series, dtype: str) -> pd.Series:
    if str(series.dtype) == dtype:
        return series
    if dtype == "str" and series.dtype == object:
        # None/NaN stay missing; everything else must already be text.
        return series.astype("str")
    return series.astype(dtype)


def empty(name: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    spec = table(name)
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in spec.columns})


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the declared columns in order and dtypes (extra columns only where allowed)."""
    spec = table(name)
    missing = [c for c in spec.names if c not in frame.columns]
    if missing:
        raise SchemaError(f"table {name}: missing column(s) {missing}")
    extra = [c for c in frame.columns if c not in spec.dtypes]
    if extra and not spec.extra_columns:
        raise SchemaError(f"table {name}: undeclared column(s) {extra}")
    out = frame[spec.names + extra].copy() if extra or list(frame.columns) != spec.names \
        else frame.copy()
    for col in spec.columns:
        try:
            out[col.name] = _cast(out[col.name], col.dtype)
        except (TypeError, ValueError) as err:
            raise SchemaError(f"table {name}: column {col.name} is not {col.dtype}: {err}") \
                from None
    return out


def sort(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in the table's canonical order (stable), index reset."""
    keys = [k for k in table(name).sort_keys if k in frame.columns]
    if keys:
        frame = frame.sort_values(keys, kind="stable")
    return frame.reset_index(drop=True)


def problems(name: str, frame: pd.DataFrame) -> list[str]:
    """Every way `frame` differs from the schema (columns, order, dtypes); [] when it conforms."""
    spec = table(name)
    found = []
    cols = list(frame.columns)
    if cols[:len(spec.names)] != spec.names:
        found.append(f"{name}: columns {cols} differ from the schema {spec.names}")
    if not spec.extra_columns and len(cols) > len(spec.names):
        found.append(f"{name}: undeclared columns {cols[len(spec.names):]}")
    for col in spec.columns:
        if col.name in frame.columns and str(frame[col.name].dtype) != col.dtype:
            found.append(f"{name}.{col.name}: dtype {frame[col.name].dtype}, schema {col.dtype}")
    return found


def markdown() -> str:
    """The data dictionary (README section): one table per schema."""
    parts = []
    for spec in TABLES.values():
        keys = ", ".join(f"`{k}`" for k in spec.sort_keys) or "file order"
        parts.append(f"### `{spec.name}` ({spec.level} level)\n\nOne row per {spec.row}; "
                     f"sorted by {keys}."
                     + (" Other metadata keys of the input become extra columns."
                        if spec.extra_columns else "") + "\n")
        parts.append("| column | dtype | meaning |\n|---|---|---|")
        parts += [f"| `{c.name}` | {c.dtype} | {c.description} |" for c in spec.columns]
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


README_START, README_END = "<!-- schema:start -->", "<!-- schema:end -->"


def update_readme(text: str) -> str:
    """README text with the generated data dictionary between the schema markers."""
    if README_START not in text or README_END not in text:
        raise SchemaError(f"README has no {README_START} ... {README_END} markers")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_START}\n{markdown()}{README_END}{tail}"
