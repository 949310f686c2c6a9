"""Territorial claims: one row per region x claim, with claimant, counterpart and speaker.

A sentence that mentions a region (newslens.text.regions) becomes claims through the cue lexicon in
data/claim_cues.yml: each claim type has regex cues, a scope (the nearest cue governs a region, or
the whole sentence frames it) and strategies to find the claimant and counterpart among the
sentence's actor mentions. The speaker comes from newslens.analysis.attribution statements.

Hierarchy: a region listed as part of a macro region ("the Donbas region, which includes the
Luhansk and Donetsk areas") takes the macro region's claims (via="includes", part_of="donbas");
a claim on a macro region or on a generic reference with members (the four annexed regions) also
yields rows for members not named in the sentence (via="hierarchy", span = the macro mention).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from newslens import compat, lexicon, schema
from newslens.lexicon import DataFileError
from newslens.text.regions import generic_defaults, region_info, region_mentions

CLAIM_TYPES = [
    "withdrawal_demand", "annexed_claimed", "control_status", "capture_advance", "estimate",
    "cession_proposal", "recognition_demand", "rejects_concession",
]
STRATEGIES = {"agent", "speaker", "speaker_side", "subject", "after", "first", "default",
              "other_side"}
CLAIM_COLUMNS = schema.table("claims").names
_INCLUDES = re.compile(
    r"^\s*,?\s*(?:(?:which|that)\s+(?:includes?|comprises?|consists?\s+of|(?:is|are)\s+made\s+up"
    r"\s+of|covers?|encompass(?:es)?)|including|comprising|made\s+up\s+of|consisting\s+of|"
    r"i\.e\.|namely|[-–—(])",
    re.IGNORECASE,
)
_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass
class ClaimType:
    name: str
    pattern: re.Pattern
    scope: str
    claimant: list
    counterpart: list
    counterpart_first: bool


@dataclass
class Cues:
    types: dict
    negated_by: dict
    contexts: list  # (name, pattern)
    sides: dict
    default_claimant: str | None
    max_distance: int


def _fail(path: Path, where: str, problem: str):
    raise DataFileError(path, problem, where)


def _cue_regex(items, path: Path, where: str) -> re.Pattern:
    if not isinstance(items, list) or not items:
        _fail(path, where, "expected a non-empty list of regular expressions")
    try:
        return re.compile("|".join(f"(?:{c})" for c in items), re.IGNORECASE)
    except re.error as exc:
        _fail(path, where, f"bad regular expression: {exc}")


def _claim_type(name, spec, path: Path) -> ClaimType:
    where = f"claim_types.{name}"
    if name not in CLAIM_TYPES:
        _fail(path, where, f"unknown claim type (known: {', '.join(CLAIM_TYPES)})")
    if not isinstance(spec, dict):
        _fail(path, where, "expected a mapping")
    scope = spec.get("scope", "nearest")
    if scope not in ("nearest", "sentence"):
        _fail(path, where, "'scope' must be 'nearest' or 'sentence'")
    roles = {}
    for role in ("claimant", "counterpart"):
        strategies = spec.get(role, [])
        if not isinstance(strategies, list) or set(strategies) - STRATEGIES:
            _fail(path, where, f"'{role}' must be a list of {sorted(STRATEGIES)}")
        roles[role] = strategies
    return ClaimType(name, _cue_regex(spec.get("cues"), path, f"{where}.cues"), scope,
                     roles["claimant"], roles["counterpart"],
                     spec.get("resolve") == "counterpart_first")


def _parse_cues(raw, path: Path) -> Cues:
    if not isinstance(raw, dict) or not isinstance(raw.get("claim_types"), dict):
        _fail(path, "top level", "expected a mapping with a 'claim_types' mapping")
    types = {name: _claim_type(name, spec, path) for name, spec in raw["claim_types"].items()}
    negated = {}
    for name, targets in (raw.get("negated_by") or {}).items():
        if name not in types or not isinstance(targets, list) or set(targets) - set(types):
            _fail(path, f"negated_by.{name}", "must map a claim type to a list of claim types")
        negated[name] = list(targets)
    contexts = [(name, _cue_regex(items, path, f"contexts.{name}"))
                for name, items in (raw.get("contexts") or {}).items()]
    sides = raw.get("sides") or {}
    if not isinstance(sides, dict):
        _fail(path, "sides", "expected a mapping actor -> opposing actor")
    return Cues(types, negated, contexts, sides, raw.get("default_claimant"),
                int(raw.get("max_distance", 60)))


def _finditer(pattern: re.Pattern, text: str, low: str | None) -> list:
    """(start, end, match) of every cue match; `low` is text.lower() for ASCII text, else None."""
    needles = compat.required_literals(pattern.pattern) if low is not None else None
    if needles is not None and not any(n in low for n in needles):
        return []
    return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


def load_claim_cues(path=None) -> Cues:
    """The validated claim-cue lexicon (data/claim_cues.yml)."""
    return lexicon.load(lexicon.resolve(path, "claim_cues.yml"), _parse_cues)


# --- statements (newslens.analysis.attribution) -------------------------------------------

def _records(df: pd.DataFrame, columns) -> list[dict]:
    """Rows of `df` as dicts over the given columns that exist (column lists, no pandas rows)."""
    cols = [c for c in dict.fromkeys(columns) if c is not None and c in df.columns]
    lists = [df[c].tolist() for c in cols]
    return [dict(zip(cols, values)) for values in zip(*lists)]


def _statement_lookup(statements: pd.DataFrame | None):
    """(article_id, field) -> {sentence: [(order, statement)]}, statement = (content_start,
    content_end, first_sent, last_sent, speaker); statements without sentence numbers are filed
    under None. Keyed by sentence so that `_speaker` looks only at one sentence's statements (a
    statement's content lies within its sentences): linear, not quadratic, in article length."""
    index: dict = {}
    if statements is None or len(statements) == 0:
        return index
    cols = statements.columns
    speaker = next((c for c in ("speaker_id", "speaker") if c in cols), None)
    if speaker is None:
        return index
    first = next((c for c in ("sentence", "sentence_start", "first_sentence") if c in cols), None)
    last = next((c for c in ("sentence_end", "last_sentence", "sentence") if c in cols), None)
    counts: dict = {}
    for rec in _records(statements, ["article_id", "field", speaker, "content_start",
                                     "content_end", first, last]):
        who = rec.get(speaker)
        if who is None or (isinstance(who, float) and pd.isna(who)):
            continue
        key = (rec["article_id"], rec.get("field") or "text")
        c0, c1 = _num(rec.get("content_start")), _num(rec.get("content_end"))
        s0 = _num(rec.get(first)) if first else None
        s1 = _num(rec.get(last)) if last else None
        s1 = s1 if s1 is not None else s0
        order = counts[key] = counts.get(key, 0) + 1
        placed = range(s0, s1 + 1) if s0 is not None and s1 >= s0 else [None]
        for sentence in placed:
            index.setdefault(key, {}).setdefault(sentence, []).append(
                (order, (c0, c1, s0, s1, who)))
    return index


def _num(value):
    """An int, or None for missing values (None, NaN, pd.NA)."""
    try:
        return None if value is None or pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return None


def _speaker(index, article_id, field, sentence, start, end):
    """The speaker of the first statement whose content holds [start, end), else of the first
    statement spanning the sentence (statement order)."""
    by_sentence = index.get((article_id, field), {})
    candidates = sorted(by_sentence.get(sentence, []) + by_sentence.get(None, []),
                        key=lambda item: item[0])
    best = None
    for _, (c0, c1, s0, s1, who) in candidates:
        if c0 is not None and c1 is not None and c0 <= start and end <= c1:
            return who
        if best is None and s0 is not None and s0 <= sentence <= s1:
            best = who
    return best


# --- claims -----------------------------------------------------------------------------------

def _side(actor_id, kinds):
    kind, affiliation = kinds.get(actor_id, (None, None))
    if kind == "person" and isinstance(affiliation, str) and affiliation:
        return affiliation
    return actor_id


def _context(cues: Cues, text: str, paragraph_text: str, cache: dict | None = None):
    """The first context found in the sentence, else in its paragraph (cached per paragraph)."""
    for name, pattern in cues.contexts:
        if pattern.search(text):
            return name
    if cache is not None and paragraph_text in cache:
        return cache[paragraph_text]
    found = next((name for name, pattern in cues.contexts if pattern.search(paragraph_text)), None)
    if cache is not None:
        cache[paragraph_text] = found
    return found


def _roles(ct: ClaimType, cues: Cues, cue, reg, text, acts, speaker, kinds,  # noqa: C901
           default):
    """Resolve claimant and counterpart for one region x claim (local offsets).

    Too complex: to be split into claimant/counterpart steps (claims issue)."""
    spans = [(r["a"], r["b"]) for r in reg["_all"]]

    def outside(a):
        return not any(s <= a["a"] < e for s, e in spans)

    anchor_a = cue[0] if cue else reg["a"]
    anchor_b = cue[1] if cue else reg["b"]

    def pick(strategy, exclude):
        ok = [a for a in acts if a["side"] != exclude]
        if strategy == "agent":
            for a in ok:
                inside = reg["a"] <= a["a"] < reg["b"]
                near = anchor_b <= a["a"] <= anchor_b + 30
                if (inside or near) and _BY.search(text[max(0, a["a"] - 12):a["a"]]):
                    return a["side"]
        elif strategy == "speaker" and speaker:
            return speaker if speaker != exclude else None
        elif strategy == "speaker_side" and speaker:
            side = _side(speaker, kinds)
            return side if side != exclude else None
        elif strategy == "subject":
            before = [a for a in ok if a["b"] <= anchor_a and outside(a)]
            return before[-1]["side"] if before else None
        elif strategy == "after":
            after = [a for a in ok if a["a"] >= anchor_b and outside(a)]
            return after[0]["side"] if after else None
        elif strategy == "first":
            first = [a for a in ok if outside(a)]
            return first[0]["side"] if first else None
        elif strategy == "default":
            return default if default != exclude else None
        return None

    def resolve(strategies, exclude, other):
        for strategy in strategies:
            if strategy == "other_side":
                found = cues.sides.get(other) if other else None
            else:
                found = pick(strategy, exclude)
            if found:
                return found
        return None

    if cue is None:  # a generic reference's own claim ("occupied territories"): its default
        claimant = pick("agent", None) or default
        return claimant, cues.sides.get(claimant)
    if ct.counterpart_first:
        counterpart = resolve(ct.counterpart, None, None)
        claimant = resolve(ct.claimant, counterpart, None)
        if counterpart is None or counterpart == claimant:
            counterpart = cues.sides.get(claimant)
    else:
        claimant = resolve(ct.claimant, None, None)
        counterpart = resolve(ct.counterpart, claimant, claimant)
    return claimant, counterpart


def _overlaps(a, b, spans):
    return any(a < e and s < b for s, e in spans)


def territorial_claims(  # noqa: C901, PLR0915
    sentences: pd.DataFrame,
    mentions: pd.DataFrame | None,
    statements: pd.DataFrame | None,
    articles: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Territorial claims in these sentences: one row per region x claim (CLAIM_COLUMNS).

    Too long: to be split into cue -> region -> claimant/counterpart steps (claims issue).

    `mentions` are actor mentions (claimant/counterpart candidates), `statements` come from
    newslens.analysis.attribution.statements (stated_by; none when None),
    `articles` give published and source.
    `regions` may pass precomputed region mentions.
    """
    if sentences is None or len(sentences) == 0:
        return schema.empty("claims")
    cues = load_claim_cues()
    info = region_info()
    regs = region_mentions(sentences) if regions is None else regions
    if len(regs) == 0:
        return schema.empty("claims")
    defaults_of_generic = generic_defaults()
    reg_records = _records(regs, ["article_id", "sentence", "start", "end", "region_id", "text"])
    wanted = {(r["article_id"], r["sentence"]) for r in reg_records}
    kinds, acts_by_sentence = {}, {}
    if mentions is not None and len(mentions):
        for m in _records(mentions, ["article_id", "sentence", "start", "end", "actor_id", "kind",
                                     "affiliation"]):
            kinds.setdefault(m["actor_id"], (m.get("kind"), m.get("affiliation")))
            if (m["article_id"], m["sentence"]) in wanted:
                acts_by_sentence.setdefault((m["article_id"], m["sentence"]), []).append(m)
    stmt_index = _statement_lookup(statements)
    meta = {}
    if articles is not None and len(articles):
        for rec in _records(articles, ["article_id", "published", "source"]):
            meta[rec["article_id"]] = (rec.get("published"), rec.get("source"))
    sent, para_text = {}, {}
    records = _records(sentences, ["article_id", "sentence", "start", "text", "field", "paragraph"])
    for rec in records:
        if (rec["article_id"], rec["sentence"]) in wanted:
            sent[(rec["article_id"], rec["sentence"])] = rec
            para_text[(rec["article_id"], rec.get("field") or "text", rec.get("paragraph"))] = []
    for rec in records:
        key = (rec["article_id"], rec.get("field") or "text", rec.get("paragraph"))
        if key in para_text:
            para_text[key].append(rec["text"])
    # Joined once per paragraph (not per sentence: quadratic in a long paragraph); the same
    # string object then hits `_context`'s cache without rehashing.
    para_text = {key: " ".join(parts) for key, parts in para_text.items()}
    by_sentence: dict = {}
    for r in reg_records:
        by_sentence.setdefault((r["article_id"], r["sentence"]), []).append(r)
    rows, context_cache = [], {}
    for (article_id, sno) in sorted(by_sentence):
        srow = sent[(article_id, sno)]
        text, s0 = srow["text"], int(srow["start"])
        field = srow.get("field") or "text"
        ptext = para_text.get((article_id, field, srow.get("paragraph")), "")
        context = _context(cues, text, ptext, context_cache)
        acts = sorted(
            ({"a": int(a["start"]) - s0, "b": int(a["end"]) - s0, "id": a["actor_id"],
              "side": _side(a["actor_id"], kinds)}
             for a in acts_by_sentence.get((article_id, sno), [])),
            key=lambda a: (a["a"], a["b"]),
        )
        reg_list = [{"a": int(r["start"]) - s0, "b": int(r["end"]) - s0, "id": r["region_id"],
                     "text": r["text"]}
                    for r in sorted(by_sentence[(article_id, sno)], key=lambda r: r["start"])]
        region_spans = [(r["a"], r["b"]) for r in reg_list]
        for r in reg_list:
            r["_all"] = reg_list
        low = text.lower() if text.isascii() else None
        hits = {name: _finditer(ct.pattern, text, low) for name, ct in cues.types.items()}
        for neg, targets in cues.negated_by.items():
            spans = [(a, b) for a, b, _ in hits.get(neg, [])]
            for target in targets:
                hits[target] = [h for h in hits[target] if not _overlaps(h[0], h[1], spans)]
        # Which region mentions are listed as parts of a macro region in this sentence.
        part_of = {}
        for i, r in enumerate(reg_list):
            members = _descendant_set(info, r["id"])
            if not members or not _INCLUDES.match(text[r["b"]:]):
                continue
            for later in reg_list[i + 1:]:
                if later["id"] in members:
                    part_of[id(later)] = r
                else:
                    break
        claims_by_region = {}
        for r in reg_list:
            if id(r) in part_of:
                continue
            found = []
            best = None
            for name, ct in cues.types.items():
                local = [h for h in hits[name] if not _overlaps(h[0], h[1], region_spans)]
                if not local:
                    continue
                if ct.scope == "sentence":
                    found.append((name, local[0]))
                    continue
                for h in local:
                    dist = r["a"] - h[1] if h[1] <= r["a"] else (h[0] - r["b"]) * 2
                    if dist <= cues.max_distance * (1 if h[1] <= r["a"] else 2) and (
                        best is None or dist < best[0]
                    ):
                        best = (dist, name, h)
            if best is not None:
                found.append((best[1], best[2]))
            default = defaults_of_generic.get(r["id"])
            if default and default[0] and default[0] not in {f[0] for f in found}:
                found.append((default[0], None))
            claims_by_region[id(r)] = found
        speaker_cache = {}
        for r in reg_list:
            owner = part_of.get(id(r))
            found = claims_by_region.get(id(owner) if owner else id(r), [])
            via = "includes" if owner else "mention"
            targets = [(r, via, owner["id"] if owner else None)]
            if owner is None:
                named = {x["id"] for x in reg_list}
                for member in info[r["id"]]["members"]:
                    if member not in named:
                        targets.append(({**r, "id": member}, "hierarchy", r["id"]))
            key = (r["a"], r["b"])
            if key not in speaker_cache:
                speaker_cache[key] = _speaker(stmt_index, article_id, field, sno,
                                              r["a"] + s0, r["b"] + s0)
            speaker = speaker_cache[key]
            for claim_type, cue in found:
                ct = cues.types[claim_type]
                source = owner or r
                default = (defaults_of_generic.get(source["id"], (None, None))[1]
                           or cues.default_claimant)
                claimant, counterpart = _roles(ct, cues, cue, source, text, acts, speaker, kinds,
                                               default)
                for target, how, parent_ref in targets:
                    reg = info[target["id"]]
                    published, src = meta.get(article_id, (None, None))
                    rows.append({
                        "claim_id": f"{article_id}:{sno}:{r['a'] + s0}:{target['id']}:{claim_type}",
                        "article_id": article_id, "sentence": int(sno), "published": published,
                        "source": src, "region_id": target["id"], "region": reg["name"],
                        "iso_code": reg["iso_code"], "parent": reg["parent"], "kind": reg["kind"],
                        "part_of": parent_ref, "via": how, "claim_type": claim_type,
                        "claimant": claimant, "counterpart": counterpart, "stated_by": speaker,
                        "context": context, "cue": cue[2] if cue else None,
                        "region_text": r["text"], "start": r["a"] + s0, "end": r["b"] + s0,
                        "evidence": text, "evidence_start": r["a"], "evidence_end": r["b"],
                        "field": field,
                    })
    out = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    if len(out):
        out = out.drop_duplicates(["article_id", "sentence", "region_id", "claim_type"])
        out["published"] = pd.to_datetime(out["published"], errors="coerce")
    return out.sort_values(["article_id", "sentence", "start", "region_id", "claim_type"],
                           kind="stable").reset_index(drop=True)


def _descendant_set(info, region_id) -> set:
    """Members of a macro/generic region and everything below them."""
    members = set(info.get(region_id, {}).get("members") or ())
    if not members:
        return set()
    out = set(members)
    for rid, rec in info.items():
        cur = rec["parent"]
        while cur is not None:
            if cur in members:
                out.add(rid)
                break
            cur = info[cur]["parent"] if cur in info else None
    return out




ROLLUP_COLUMNS = schema.table("region_rollup").names


def _joined(values) -> str:
    values = values.tolist() if hasattr(values, "tolist") else values  # fast on arrow strings
    return "; ".join(sorted({str(v) for v in values if isinstance(v, str) and v}))


def region_rollup(claims: pd.DataFrame, quantities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-region summary along the hierarchy: a claim counts for its region and every ancestor
    below the country (Donetsk and Luhansk claims also count for Donbas; Pokrovsk for Donetsk).

    A claim is counted once per region by (article, sentence, claim type, claimant), so rows a
    Donbas claim yields for its parts do not count twice for Donbas. `n_direct` counts claims
    on the region itself; `includes` lists the regions below it that contributed.
    """
    if claims is None or len(claims) == 0:
        return schema.empty("region_rollup")
    info = region_info()
    qty = {}
    if quantities is not None and len(quantities):
        for q in quantities.itertuples(index=False):
            label = f"{q.text} = {q.date}" if q.kind == "date" else (
                f"{q.text} = {q.value:g} {q.unit}")
            qty.setdefault(q.claim_id, []).append(label + (" (approx.)" if q.approximate else ""))
    expanded = []
    for row in _records(claims, claims.columns):  # column lists: ~3x faster than itertuples
        chain = [row["region_id"]]
        cur = info.get(row["region_id"], {}).get("parent")
        while cur is not None and info[cur]["kind"] != "country":
            chain.append(cur)
            cur = info[cur]["parent"]
        for level, target in enumerate(chain):
            expanded.append({"target": target, "direct": level == 0, **row})
    df = pd.DataFrame(expanded)
    df["key"] = list(zip(df["article_id"].tolist(), df["sentence"].tolist(),
                         df["claim_type"].tolist(), df["claimant"].fillna("").tolist()))
    out = []
    for target, group in df.groupby("target", sort=True):
        reg = info[target]
        unique = group.drop_duplicates("key")
        order = group.sort_values(["published", "article_id", "sentence"], na_position="first",
                                  kind="stable")
        latest = order.iloc[-1]
        labels = [lab for cid in group["claim_id"] for lab in qty.get(cid, [])]
        out.append({
            "region_id": target, "region": reg["name"], "kind": reg["kind"],
            "iso_code": reg["iso_code"], "parent": reg["parent"], "n_claims": len(unique),
            "n_direct": int(group.loc[group["direct"], "key"].nunique()),
            "n_articles": group["article_id"].nunique(),
            "claimants": _joined(group["claimant"]), "claim_types": _joined(group["claim_type"]),
            "counterparts": _joined(group["counterpart"]), "stated_by": _joined(group["stated_by"]),
            "includes": _joined(group.loc[~group["direct"], "region_id"]),
            "quantities": "; ".join(sorted(set(labels))),
            "latest_published": latest["published"], "latest_claim_type": latest["claim_type"],
            "latest_stated_by": latest["stated_by"], "latest_evidence": latest["evidence"],
        })
    result = pd.DataFrame(out, columns=ROLLUP_COLUMNS)
    result["latest_published"] = pd.to_datetime(result["latest_published"], errors="coerce")
    return result.sort_values(["n_claims", "region_id"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)


def claim_matrix(claims: pd.DataFrame) -> pd.DataFrame:
    """Counts of claims per region (rows, by name) x claim type (columns, in CLAIM_TYPES order)."""
    if claims is None or len(claims) == 0:
        return pd.DataFrame(columns=CLAIM_TYPES, dtype=int)
    table = pd.crosstab(claims["region"], claims["claim_type"])
    return table.reindex(columns=[t for t in CLAIM_TYPES if t in table.columns]).sort_index()


def plot_claim_matrix(claims: pd.DataFrame, ax=None):
    """Heatmap of claim counts, region x claim type, with the count in each cell."""
    import matplotlib.pyplot as plt

    from newslens.report.labels import plot_labels

    table = claim_matrix(claims)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 + 1.1 * max(len(table.columns), 1),
                                      1.0 + 0.45 * max(len(table), 1)))
    if table.empty:
        ax.text(0.5, 0.5, "no claims", ha="center", va="center")
        ax.set_axis_off()
        return ax
    top = max(int(table.to_numpy().max()), 1)
    ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto", vmin=0, vmax=top * 1.6)
    ax.set_xticks(range(len(table.columns)), [c.replace("_", " ") for c in table.columns],
                  rotation=30, ha="right")
    ax.set_yticks(range(len(table)), plot_labels(table.index))
    for (i, j), value in pd.DataFrame(table.to_numpy()).stack().items():
        if value:
            ax.text(j, i, str(value), ha="center", va="center", fontsize=9,
                    color="white" if value > top * 0.8 else "black")
    ax.set_title("Territorial claims: region x claim type")
    return ax


def plot_claim_timeline(claims: pd.DataFrame, ax=None):
    """Claims over time (one marker per claim, by publication date and claim type)."""
    import matplotlib.pyplot as plt

    dated = claims.dropna(subset=["published"]) if len(claims) else claims
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    types = [t for t in CLAIM_TYPES if t in set(dated["claim_type"])] if len(dated) else []
    for y, claim_type in enumerate(types):
        when = dated.loc[dated["claim_type"] == claim_type, "published"]
        ax.scatter(when, [y] * len(when), s=20)
    ax.set_yticks(range(len(types)), [t.replace("_", " ") for t in types])
    ax.set_title("Territorial claims over time")
    return ax
