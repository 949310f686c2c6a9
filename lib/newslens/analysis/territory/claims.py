"""Claims per sentence and the claims table (`territorial_claims`, `control_changes`): the three
steps of the package doc run per sentence that mentions a region."""

from __future__ import annotations

import re

import pandas as pd

from newslens import collector, schema
from newslens.analysis.territory.cues import (
    Cues,
    load_claim_cues,
)
from newslens.analysis.territory.govern import (
    _claim_types,
    _clauses,
    _cue_hits,
    _groups,
    _macro_parts,
    _targets,
)
from newslens.analysis.territory.inputs import _HISTORY, _article_meta, _views
from newslens.analysis.territory.model import (
    Claim,
    SentenceView,
    _Inputs,
    _records,
    _statement_at,
    _statement_lookup,
    _Statements,
    _with_places,
)
from newslens.analysis.territory.sides import (
    _QUOTE,
    _claim_roles,
    _context_for,
    _modality,
    _nearby_statement,
    actor_names,
    side_prefixes,
)
from newslens.text.regions import generic_defaults, region_info, region_mentions

CLAIM_COLUMNS = schema.table("claims").names
_SLUG = re.compile(r"^\S+(?:-\S+){2,}$")



def _sentence_claims(inp: _Inputs, view: SentenceView) -> list[Claim]:
    """Every claim of one sentence: cues -> governed region lists -> claimant/counterpart."""
    cues, text = inp.cues, view.text
    hits = view.hits
    if hits is None:
        hits = _gate(inp, text, [r.id for r in view.regions])
        if hits is None:
            return []
    clauses = _clauses(cues, text, view.regions)
    part_of = _macro_parts(inp.info, view)
    groups = _groups(cues, inp.info, view, part_of)
    governing = _claim_types(cues, hits, view, groups, inp.generic, clauses)
    ctx = _context_for(inp, view)
    owners = {id(r): i for i, g in enumerate(groups) for r in g}
    out: list = []
    roles: dict = {}  # (rule, group, cue, default, clause, statement) -> roles, speaker, side
    modalities: dict = {}  # (cue, clause) -> modality
    for r in view.regions:
        owner = part_of.get(id(r))
        gi = owners.get(id(owner) if owner is not None else id(r))
        if gi is None:
            continue
        group = groups[gi]
        st = _statement_at(inp.statements, view.article_id, view.field, view.sentence,
                           r.a + view.s0, r.b + view.s0)
        if st is None and _QUOTE.search(text):  # a quote going on from its attribution
            st = _nearby_statement(inp, view.article_id, view.field, view.sentence)
        for name, cue in governing[gi]:
            rule = cues.types[name]
            source = owner or r
            default = inp.generic.get(source.id, (None, None))[1] or cues.default_claimant
            clause = clauses.of(cue.start if cue else group[0].a)
            # the regions of a list under one cue mostly share a statement: roles once
            key = (name, gi, id(cue), default, clause, id(st))
            if key not in roles:
                roles[key] = (_claim_roles(inp, ctx, rule, group, cue, default, clause, st,
                                           view), ctx.speaker, ctx.speaker_side)
            (claimant, counterpart), ctx.speaker, ctx.speaker_side = roles[key]
            ctx.clause = clause
            if (id(cue), clause) not in modalities:
                modalities[(id(cue), clause)] = _modality(cues, cue, text, clause)
            modality = modalities[(id(cue), clause)]
            made = [(name, rule.claim_type, claimant, counterpart,
                     rule.control_change and modality == "real")]
            act = cues.acts.get(name)
            if act is not None and modality == "real" and cue is not None and not any(
                    hits[neg] for neg, targets in cues.negated_by.items() if name in targets):
                made = _act(cues, act, name, text, cue, clause, _subject_side(ctx, group, cue)) \
                    or made
            if rule.announced and modality != "negated" and counterpart is not None \
                    and (ctx.speaker_side == counterpart
                         or (st is None and _subject_side(ctx, group, cue) == counterpart)):
                # "we withdrew from X", said by the side that left: its statement on X
                made.append((f"{name}+announced", rule.announced, counterpart, claimant, False))
            if modality == "denied":
                # "Kyiv denied Moscow's claims to have captured X": the claim reported, and the
                # denying side's own statement that it still holds X
                made = [(f"{name}+denied", rule.claim_type, claimant, counterpart, False)]
                if rule.claim_type == "capture_advance" and counterpart is not None:
                    made.append((f"{name}+denied", "control_status", counterpart, claimant,
                                 False))
            if modality == "negated":
                # "the enemy failed to capture X": X is still held by the other side;
                # "they do not hold X", "does not demand X": no claim.
                made = [(f"{name}+negated", "control_status", counterpart, claimant, False)] \
                    if rule.control_change else []
            out += [Claim(r, region_id, via, parent, rule_name, claim_type, cue, who, other,
                          st.speaker if st else None, change)
                    for rule_name, claim_type, who, other, change in made
                    for region_id, via, parent in _targets(inp.info, view, r, owner, part_of)]
    return out


def _gate(inp: _Inputs, text: str, region_ids) -> dict | None:
    """The cue hits of a sentence that mentions these regions, or None when it can hold no
    claim: a URL slug used as a title is not prose; with no cue and no generic reference that
    claims by itself ("occupied territories") there is no claim."""
    if _SLUG.match(text):
        return None
    needles = inp.needles(text)
    hits = _cue_hits(inp.cues, text, needles)
    if not any(hits.values()) and not any(inp.generic.get(r, (None,))[0] for r in region_ids):
        return None
    inp.found_needles[text] = needles  # again for the sentence's candidates
    return hits


def _act(cues: Cues, act, name: str, text: str, cue, clause: tuple, subject) -> list:
    """[(rule, type, claimant, counterpart, change)] when a demand cue reports its subject's own
    act ("Russia recognised X within the borders of the oblast": Russia's claim on X), else []:
    a finite form (`act.form`), a belligerent subject, no demand word before it in the clause
    (and, checked by the caller, a real cue in a sentence with no rejection of it)."""
    if subject not in cues.sides or not act.form.fullmatch(cue.text.strip()):
        return []
    if act.unless_before is not None and act.unless_before.search(text[clause[0]:cue.start]):
        return []
    return [(f"{name}+act", act.claim_type, subject, cues.sides[subject], False)]


def _same_claim_same_side(claims: list) -> None:
    """A claim with no claimant takes the side of the article's other claims of the same type on
    the same region when they agree on one ("referendums in X" after "X voted to join Russia"):
    the article speaks of one claim."""
    sides: dict = {}
    for claim, view in claims:
        if claim.claimant:
            key = (view.article_id, claim.region_id, claim.claim_type)
            sides.setdefault(key, set()).add((claim.claimant, claim.counterpart))
    for claim, view in claims:
        found = sides.get((view.article_id, claim.region_id, claim.claim_type))
        if not claim.claimant and found and len({c for c, _ in found}) == 1:
            claim.claimant, claim.counterpart = min(found, key=str)


def _subject_side(ctx, group: list, cue) -> str | None:
    """The side named as the subject of the cue's clause ("Ukrainian troops have withdrawn")."""
    if cue is None:
        return None
    before = [c for c in ctx.candidates if c.kind in ("actor", "force") and c.side
              and ctx.clause[0] <= c.a and c.b <= cue.start]
    return before[-1].side if before else None


# --- rows ---------------------------------------------------------------------------------------

def _outlet_sides(meta: dict, cues: Cues) -> dict:
    """article id -> the side of its outlet, for outlets of the actor gazetteer that speak for
    a belligerent (TASS, RIA Novosti, Ukrinform): the article's source domain names the outlet
    ("tass.com" -> TASS; a name of 4+ letters may prefix the domain's label: "sputnikglobe")."""
    outlets = actor_names().outlets
    out = {}
    for article_id, (_, source) in meta.items():
        if not isinstance(source, str) or not source:
            continue
        labels = [label for label in source.lower().split(".") if label]
        for name, side in outlets:
            if side in cues.sides and any(label == name or (len(name) >= 4 and label.startswith(
                    name)) for label in labels):
                out[article_id] = side
                break
    return out


# the values of a row as `_row` gives them (the claims schema's order; followed if it changes)
_ROW_COLUMNS = ["claim_id", "article_id", "sentence", "published", "source", "region_id",
                "region", "iso_code", "parent", "kind", "part_of", "via", "claim_type", "rule",
                "control_change", "claimant", "counterpart", "stated_by", "context", "cue",
                "region_text", "start", "end", "evidence", "evidence_start", "evidence_end",
                "field"]


def _row(claim: Claim, view: SentenceView, info: dict, meta: dict) -> tuple:
    """One row of the claims table, as a tuple in `_ROW_COLUMNS` order."""
    r, reg = claim.mention, info[claim.region_id]
    published, src = meta.get(view.article_id, (None, None))
    claim_id = f"{view.article_id}:{view.sentence}:{r.a + view.s0}:{claim.region_id}:" \
               f"{claim.claim_type}"
    return (
        claim_id, view.article_id, int(view.sentence), published, src, claim.region_id, reg["name"],
        reg["iso_code"], reg["parent"], reg["kind"], claim.part_of, claim.via, claim.claim_type,
        claim.rule, claim.control_change, claim.claimant, claim.counterpart,
        claim.stated_by or (src if isinstance(src, str) and src else None),
        view.context, claim.cue.text if claim.cue else None,
        r.text, r.a + view.s0, r.b + view.s0, view.text, r.a, r.b, view.field,
    )


def territorial_claims(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame | None,
    statements: pd.DataFrame | None,
    articles: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Territorial claims in these sentences: one row per region x claim (CLAIM_COLUMNS).

    Steps per sentence that mentions a region (module doc): cue hits and clauses
    (`_cue_hits`, `_clauses`) -> region lists and their governing cues (`_groups`,
    `_claim_types`) -> claimant and counterpart (newslens.analysis.claim_roles) -> rows, one per
    target region (`_targets`). `mentions` are actor mentions (claimant/counterpart candidates),
    `statements` come from newslens.analysis.attribution.statements (stated_by and the speaker's
    side; none when None), `articles` give published and source,
    `regions` may pass precomputed region mentions.
    """
    if sentences is None or len(sentences) == 0:
        return schema.empty("claims")
    regs = region_mentions(sentences) if regions is None else regions
    if len(regs) == 0:
        return schema.empty("claims")
    with collector.paused():  # a quarter of the stage's CPU when called alone
        return _claims_table(sentences, mentions, statements, articles, regs)


def _claims_table(sentences, mentions, statements, articles, regs) -> pd.DataFrame:
    """`territorial_claims` on a chunk with region mentions."""
    cues = load_claim_cues()
    reg_records = _records(regs, ["article_id", "sentence", "start", "end", "region_id", "text",
                                  "region", "kind", "parent"])
    info = _with_places(region_info(), reg_records)
    inp = _Inputs(cues, info, generic_defaults(), {}, _Statements())
    inp.kinds, views = _views(cues, sentences, reg_records, mentions, lambda text, regions: _gate(
        inp, text, [r["region_id"] for r in regions]))
    meta = _article_meta(articles)
    looked_up: dict = {}  # the sentences whose statements a claim can read: its own, the
    # sentences before it (`_HISTORY`) and three on each side of those (`_nearby_statement`)
    for v in views:
        looked_up.setdefault(v.article_id, set()).update(
            range(v.sentence - _HISTORY - 3, v.sentence + 4))
    inp.statements = _statement_lookup(statements, looked_up)
    inp.outlet_sides, inp.prefixes = _outlet_sides(meta, cues), side_prefixes(cues)
    claims = [(claim, view) for view in views for claim in _sentence_claims(inp, view)]
    _same_claim_same_side(claims)
    rows = [_row(claim, view, info, meta) for claim, view in claims]
    out = pd.DataFrame(rows, columns=_ROW_COLUMNS)
    if _ROW_COLUMNS != CLAIM_COLUMNS:  # pragma: no cover - the schema changed: follow it
        out = out.reindex(columns=CLAIM_COLUMNS)
    if len(out):
        out = out.drop_duplicates(["article_id", "sentence", "region_id", "claim_type"])
        out["published"] = pd.to_datetime(out["published"], errors="coerce")
    return out.sort_values(["article_id", "sentence", "start", "region_id", "claim_type"],
                           kind="stable").reset_index(drop=True)


CHANGE_COLUMNS = ["published", "article_id", "sentence", "region_id", "region", "parent",
                  "gained_by", "lost_by", "stated_by", "cue", "source", "evidence"]


def control_changes(claims: pd.DataFrame) -> pd.DataFrame:
    """Reported changes of control: captures and withdrawals (claims with control_change), one
    row per article x region x gaining side, latest first. `gained_by` is the claimant,
    `lost_by` the counterpart."""
    if claims is None or len(claims) == 0 or "control_change" not in claims.columns:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    rows = claims[claims["control_change"].fillna(False).astype(bool)
                  & (claims["via"] != "hierarchy")]
    out = rows.rename(columns={"claimant": "gained_by", "counterpart": "lost_by"})
    out = out.drop_duplicates(["article_id", "region_id", "gained_by"])
    return out.sort_values(["published", "article_id", "sentence", "region_id"],
                           ascending=[False, True, True, True], na_position="last",
                           kind="stable")[CHANGE_COLUMNS].reset_index(drop=True)


