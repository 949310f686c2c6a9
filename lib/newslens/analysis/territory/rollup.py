"""The per-region summary along the hierarchy (`region_rollup`)."""

from __future__ import annotations

import pandas as pd

from newslens import schema
from newslens.analysis.territory.model import _records, _with_places
from newslens.io.syndication import story_rows
from newslens.text.regions import region_info

ROLLUP_COLUMNS = schema.table("region_rollup").names


def _joined(values) -> str:
    values = values.tolist() if hasattr(values, "tolist") else values  # fast on arrow strings
    return "; ".join(sorted({str(v) for v in values if isinstance(v, str) and v}))


ROLLUP_READS = ("claim_id", "article_id", "sentence", "published", "region_id", "region",
                 "kind", "parent", "claim_type", "claimant", "counterpart", "stated_by",
                 "evidence")


def region_chain(region_id: str, info: dict) -> list[str]:
    """The region and its ancestors below the country."""
    chain = [region_id]
    cur = info.get(region_id, {}).get("parent")
    while cur is not None and info[cur]["kind"] != "country":
        chain.append(cur)
        cur = info[cur]["parent"]
    return chain


def region_rollup(claims: pd.DataFrame, quantities: pd.DataFrame | None = None,
                  articles: pd.DataFrame | None = None, count: str = "story") -> pd.DataFrame:
    """Per-region summary along the hierarchy: a claim counts for its region and every ancestor
    below the country (Donetsk and Luhansk claims also count for Donbas; Pokrovsk for Donetsk).

    A claim is counted once per region by (article, sentence, claim type, claimant), so rows a
    Donbas claim yields for its parts do not count twice for Donbas. `n_direct` counts claims
    on the region itself; `includes` lists the regions below it that contributed. count:
    "story" (default) counts a syndicated story once (needs `articles` with `story_id`),
    "article" every copy.
    """
    claims = story_rows(claims, articles, count)  # one row set per story
    if claims is None or len(claims) == 0:
        return schema.empty("region_rollup")
    info = _with_places(region_info(), _records(claims, ["region_id", "region", "kind", "parent"]))
    qty = {}
    if quantities is not None and len(quantities):
        for q in quantities.itertuples(index=False):
            label = f"{q.text} = {q.date}" if q.kind == "date" else (
                f"{q.text} = {q.value:g} {q.unit}")
            qty.setdefault(q.claim_id, []).append(label + (" (approx.)" if q.approximate else ""))
    claims = claims[[c for c in ROLLUP_READS if c in claims.columns]]
    chains = {rid: region_chain(rid, info) for rid in claims["region_id"].unique().tolist()}
    rows, targets, direct = [], [], []  # one row per claim and region of its chain
    for i, rid in enumerate(claims["region_id"].tolist()):
        for level, target in enumerate(chains[rid]):
            rows.append(i)
            targets.append(target)
            direct.append(level == 0)
    df = claims.iloc[rows].reset_index(drop=True)
    df.insert(0, "direct", direct)
    df.insert(0, "target", targets)
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
