"""region_rollup in DuckDB, partitioned by region chain.

The same table as `newslens.analysis.territory.region_rollup(claims, quantities, articles)`
(values, order, dtypes): a claim counts for its region and every ancestor below the country. The
chains (region -> each region of its chain, level 0 for itself) are computed in Python from the
gazetteer and the places the claims name (a small table), joined to the claims in SQL, and each
target region aggregated by one grouped query: counts, distinct keys, the sorted lists of
claimants, types, counterparts, speakers and contributing regions, and the latest claim. Quantity
labels ("40 km = ...") are formatted in Python from the distinct quantity rows per region.
"""

from __future__ import annotations

import pandas as pd

from newslens import schema
from newslens.analysis.territory.rollup import region_chain as chain
from newslens.engine.duck import POS, Session

READS = ("claim_id", "article_id", "sentence", "published", "region_id", "region", "kind",
         "parent", "claim_type", "claimant", "counterpart", "stated_by", "evidence")
QUANTITY_READS = ("claim_id", "text", "kind", "date", "value", "unit", "approximate")


def _places(session: Session, rows: str, info: dict) -> dict:
    """The gazetteer plus the settlements the claims name (first row of each unknown id)."""
    known = pd.DataFrame({"region_id": list(info)})
    session.table("rollup_known", known)
    found = session.df(f"""
        SELECT region_id, region, kind, parent FROM (
            SELECT region_id, region, kind, parent,
                   row_number() OVER (PARTITION BY region_id ORDER BY {POS}) AS n
            FROM {rows} WHERE region_id NOT IN (SELECT region_id FROM rollup_known)) WHERE n = 1
        ORDER BY region_id""")
    extra = {}
    for rec in found.to_dict("records"):
        parent = rec["parent"]
        extra[rec["region_id"]] = {
            "name": rec["region"] if isinstance(rec["region"], str) and rec["region"]
            else rec["region_id"],
            "kind": rec["kind"] if isinstance(rec["kind"], str) and rec["kind"] else "settlement",
            "iso_code": None, "members": (),
            "parent": parent if isinstance(parent, str) and parent else None}
    return {**info, **extra}


def chains(session: Session, rows: str, info: dict) -> pd.DataFrame:
    """(region_id, target, level) for every region id the claims name."""
    ids = [r for (r,) in session.con.execute(
        f"SELECT DISTINCT region_id FROM {rows}").fetchall()]
    links = [(rid, target, level) for rid in ids for level, target in enumerate(chain(rid, info))]
    return pd.DataFrame(links, columns=["region_id", "target", "level"]).astype(
        {"level": "int64"})


def _joined(col: str, where: str = "true") -> str:
    return (f"coalesce(string_agg(DISTINCT {col}, '; ' ORDER BY {col}) "
            f"FILTER (WHERE {where} AND {col} <> ''), '')")


def region_rollup(session: Session, info: dict, only: str | None = None,
                  with_chains: pd.DataFrame | None = None) -> pd.DataFrame:
    """The region_rollup table (unsorted when `only`, a SQL table of target regions, restricts
    it). `info`: `newslens.text.regions.region_info()`."""
    rows = session.counted("claims")
    cols = session.columns["claims"]
    if not session.con.execute(f"SELECT count(*) FROM {rows}").fetchall()[0][0]:
        return schema.empty("region_rollup")
    info = _places(session, rows, info)
    links = with_chains if with_chains is not None else chains(session, rows, info)
    session.table("rollup_chains", links)
    where = f"WHERE target IN (SELECT target FROM {only})" if only else ""
    col = {c: (c if c in cols else "NULL") for c in READS}
    stats = session.df(f"""
        WITH d AS (SELECT c.target, c.level = 0 AS direct, r.* FROM {rows} r
                   JOIN rollup_chains c USING (region_id) {where}),
        k AS (SELECT *, (article_id, sentence, {col['claim_type']},
                         coalesce({col['claimant']}, '')) AS key FROM d)
        SELECT target, count(DISTINCT key) AS n_claims,
               count(DISTINCT key) FILTER (WHERE direct) AS n_direct,
               count(DISTINCT article_id) AS n_articles,
               {_joined(col['claimant'])} AS claimants,
               {_joined(col['claim_type'])} AS claim_types,
               {_joined(col['counterpart'])} AS counterparts,
               {_joined(col['stated_by'])} AS stated_by,
               {_joined('region_id', 'NOT direct')} AS includes,
               arg_max_null({{'p': {col['published']}, 't': {col['claim_type']},
                              's': {col['stated_by']}, 'e': {col['evidence']}}},
                            {{'h': {col['published']} IS NOT NULL,
                              'p': coalesce(CAST({col['published']} AS TIMESTAMP),
                                            TIMESTAMP '1970-01-01'),
                              'a': article_id, 's': sentence, 'o': {POS}}}) AS latest
        FROM k GROUP BY target""")
    qty = _quantities(session, rows, where) if session.has("quantities") else {}
    out = []
    for rec in stats.to_dict("records"):
        target, latest, reg = rec["target"], rec["latest"], info[rec["target"]]
        out.append({
            "region_id": target, "region": reg["name"], "kind": reg["kind"],
            "iso_code": reg["iso_code"], "parent": reg["parent"],
            **{c: int(rec[c]) for c in ("n_claims", "n_direct", "n_articles")},
            **{c: rec[c] for c in ("claimants", "claim_types", "counterparts", "stated_by",
                                   "includes")},
            "quantities": "; ".join(sorted(qty.get(target, ()))),
            "latest_published": latest["p"], "latest_claim_type": latest["t"],
            "latest_stated_by": latest["s"], "latest_evidence": latest["e"]})
    result = pd.DataFrame(out, columns=schema.table("region_rollup").names)
    result["latest_published"] = pd.to_datetime(result["latest_published"], errors="coerce")
    if only:
        return result
    return sort(result)


def sort(result: pd.DataFrame) -> pd.DataFrame:
    return result.sort_values(["n_claims", "region_id"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)


def _label(text, kind, date, value, unit, approximate) -> str:
    label = f"{text} = {date}" if kind == "date" else f"{text} = {value:g} {unit}"
    return label + (" (approx.)" if approximate else "")


def _quantities(session: Session, rows: str, where: str) -> dict[str, set]:
    """Target region -> the set of labels of the quantities of its claims."""
    have = session.columns["quantities"]
    sel = ", ".join(f"q.{c}" if c in have else f"NULL AS {c}" for c in QUANTITY_READS[1:])
    found = session.df(f"""
        SELECT DISTINCT c.target, {sel} FROM {rows} r
        JOIN rollup_chains c USING (region_id)
        JOIN quantities q ON q.claim_id = r.claim_id {where}""")
    out: dict[str, set] = {}
    for rec in found.itertuples(index=False):
        value = rec.value
        value = float("nan") if value is None or pd.isna(value) else value
        out.setdefault(rec.target, set()).add(
            _label(rec.text, rec.kind, rec.date, value, rec.unit, _truthy(rec.approximate)))
    return out


def _truthy(value) -> bool:
    """As `if value` in the pandas version (NaN is true; a missing value here is None)."""
    return value is not None and bool(value)
