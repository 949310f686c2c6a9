"""Candidate actor mentions for hand-labelled war-news target sentiment (issue 22, item 3).

Helps write bench/war_mentions_labels.csv: file, article_id, url, field, start, end, actor_id,
label, corpus, split (never text). Offsets of `text` spans index the body as in the file (before
page-furniture lines are removed), as for the first 200 labels; `bench/sentiment_accuracy.py`
maps them to the cleaned body.

Split by article (every article all-train or all-validation):
- devcorpus: the articles holding the first 200 labels are validation; the rest train;
- devcorpus2: sorted article ids shuffled with random.Random(SEED); the first N_VAL_2 are
  validation, the rest train.

Candidates come from the pipeline's mention table (`text` field, linked or not), minus spans that
overlap a label already in the CSV. Per article a quota (largest remainder, proportional to the
article's candidates) is drawn as evenly spaced mentions in text order from a seeded offset, so
labels spread over the whole article, its actors and mention types (names, aliases, demonyms,
pronouns). The sentences are shown in the terminal only, for labelling.

    python bench/label_candidates.py split            # print the article split
    python bench/label_candidates.py show --split train --first 0 --count 50
    python bench/label_candidates.py add LABELS.txt   # lines "INDEX SPLIT LABEL"

Corpus folders default to ../shared/devcorpus{,2}/articles (override --devcorpus/--devcorpus2).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import random
import sys
from pathlib import Path

LABELS_CSV = Path(__file__).resolve().parent / "war_mentions_labels.csv"
COLUMNS = ["file", "article_id", "url", "field", "start", "end", "actor_id", "label", "corpus",
           "split"]  # fmt: skip
SEED = 22
N_VAL_2 = 8  # devcorpus2 articles in validation
QUOTA = {"train": 600, "validation": {"devcorpus": 100, "devcorpus2": 100}}
SHORT = {"n": "neutral", "neg": "negative", "pos": "positive",
         "neutral": "neutral", "negative": "negative", "positive": "positive"}  # fmt: skip


def read_labels() -> list[dict]:
    with open(LABELS_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:  # the first 200 rows predate the two columns
        r.setdefault("corpus", "devcorpus")
        r["corpus"] = r["corpus"] or "devcorpus"
        r.setdefault("split", "validation")
        r["split"] = r["split"] or "validation"
    return rows


def write_labels(rows: list[dict]) -> None:
    rows = sorted(rows, key=lambda r: (r["corpus"], r["article_id"], r["field"], int(r["start"]),
                                       int(r["end"])))  # fmt: skip
    keys = [(r["corpus"], r["article_id"], r["field"], r["start"], r["end"]) for r in rows]
    if len(set(keys)) != len(keys):
        raise SystemExit("a span is labelled twice")
    with open(LABELS_CSV, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows({c: r[c] for c in COLUMNS} for r in rows)


def blocks(raw: str, clean: str) -> list[tuple[int, int, int]]:
    """Matching blocks (raw start, clean start, size) of the body as in the file and cleaned."""
    if raw == clean:
        return [(0, 0, len(raw))]
    sm = difflib.SequenceMatcher(None, raw, clean, autojunk=False)
    return [(b.a, b.b, b.size) for b in sm.get_matching_blocks()]


def to_clean(bl, a: int, b: int):
    for ra, ca, n in bl:
        if ra <= a and b <= ra + n:
            return ca + a - ra, ca + b - ra
    return None


def to_raw(bl, a: int, b: int):
    for ra, ca, n in bl:
        if ca <= a and b <= ca + n:
            return ra + a - ca, ra + b - ca
    return None


def load(corpus: str, folder: Path) -> dict:
    """Articles, sentences and text-field mentions of one corpus, with raw<->clean blocks."""
    from newslens.io.corpus import load_corpus
    from newslens.text.actors import actor_mentions
    from newslens.text.sentences import sentences as split_sentences

    arts = load_corpus(folder)
    sents = split_sentences(arts)
    ments = actor_mentions(arts, sents)
    ments = ments[ments["field"] == "text"].sort_values(["article_id", "start", "end"])
    info = {r.article_id: {"file": Path(r.path).name, "url": r.url, "text": r.text,
                           "blocks": blocks(r.raw_text, r.text)}
            for r in arts.itertuples()}  # fmt: skip
    sent = {k: g for k, g in sents[sents["field"] == "text"].groupby("article_id")}
    return {"corpus": corpus, "info": info, "mentions": ments, "sentences": sent}


def article_split(data: dict, rows: list[dict]) -> dict[tuple[str, str], str]:
    old = {r["article_id"] for r in rows
           if r["corpus"] == "devcorpus" and r["split"] == "validation"}
    split = {}
    for aid in data["devcorpus"]["info"]:
        split["devcorpus", aid] = "validation" if aid in old else "train"
    ids = sorted(data["devcorpus2"]["info"])
    random.Random(SEED).shuffle(ids)
    for k, aid in enumerate(ids):
        split["devcorpus2", aid] = "validation" if k < N_VAL_2 else "train"
    return split


def _largest_remainder(sizes: dict, total: int) -> dict:
    n = sum(sizes.values())
    raw = {k: total * v / n for k, v in sizes.items()}
    out = {k: min(int(x), sizes[k]) for k, x in raw.items()}
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], k)):
        if sum(out.values()) >= total:
            break
        if out[k] < sizes[k]:
            out[k] += 1
    return out


def candidates(data: dict, rows: list[dict]) -> list[dict]:
    """The seeded, ordered candidate list: every split's quota of unlabelled mentions."""
    split = article_split(data, rows)
    taken: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for r in rows:
        d = data[r["corpus"]]["info"].get(r["article_id"])
        span = None if d is None else to_clean(d["blocks"], int(r["start"]), int(r["end"]))
        if span:
            taken.setdefault((r["corpus"], r["article_id"]), []).append(span)
    pools: dict[tuple, list[dict]] = {}
    for corpus in ("devcorpus", "devcorpus2"):
        for m in data[corpus]["mentions"].itertuples():
            busy = taken.get((corpus, m.article_id), [])
            if any(a < m.end and m.start < b for a, b in busy):
                continue
            s = split[corpus, m.article_id]
            pools.setdefault((s, corpus), {}).setdefault(m.article_id, []).append(m)
    out = []
    rng = random.Random(SEED)
    for (s, corpus), arts in sorted(pools.items()):
        total = QUOTA["train"] if s == "train" else QUOTA["validation"][corpus]
        if s == "train":  # one quota over both corpora's training articles
            arts = {(c, a): v for (s2, c), d in pools.items() if s2 == "train"
                    for a, v in d.items()}  # fmt: skip
            if corpus != "devcorpus":
                continue
        else:
            arts = {(corpus, a): v for a, v in arts.items()}
        quota = _largest_remainder({k: len(v) for k, v in arts.items()}, total)
        for key in sorted(arts):
            ms, q = arts[key], quota[key]
            u = rng.random()
            for k in range(q):
                m = ms[int((k + u) * len(ms) / q)]
                out.append({"corpus": key[0], "split": s, "article_id": key[1], "m": m})
    return out


def freeze(cands: list[dict]) -> list[list]:
    return [[c["corpus"], c["split"], c["article_id"], int(c["m"].start), int(c["m"].end)]
            for c in cands]  # fmt: skip


def thaw(data: dict, keys: list[list]) -> list[dict]:
    out = []
    for corpus, split, aid, a, b in keys:
        ms = data[corpus]["mentions"]
        m = next(ms[(ms["article_id"] == aid) & (ms["start"] == a) & (ms["end"] == b)].itertuples())
        out.append({"corpus": corpus, "split": split, "article_id": aid, "m": m})
    return out


def _mark(text: str, sent, cands: list[tuple[int, dict]]) -> str:
    a0, b0 = int(sent["start"]), int(sent["end"])
    pieces, pos = [], a0
    for idx, c in sorted(cands, key=lambda x: x[1]["m"].start):
        m = c["m"]
        pieces += [text[pos:m.start], f"[[{idx}:{text[m.start:m.end]}]]"]
        pos = m.end
    pieces.append(text[pos:b0])
    return "".join(pieces).replace("\n", " ")


def show(data: dict, cands: list[dict], first: int, count: int, split: str) -> None:
    sel = [(k, c) for k, c in enumerate(cands) if c["split"] == split][first:first + count]
    groups: dict[tuple, list] = {}
    for k, c in sel:
        groups.setdefault((c["corpus"], c["article_id"], int(c["m"].sentence)), []).append((k, c))
    last = None
    for (corpus, aid, sno), items in groups.items():
        if (corpus, aid) != last[:2] if last else True:
            print(f"\n===== {corpus} {aid}")
        d, sents = data[corpus]["info"][aid], data[corpus]["sentences"][aid]
        sent = sents[sents["sentence"] == sno].iloc[0]
        prev = sents[sents["sentence"] < sno].tail(1)
        if len(prev) and last != (corpus, aid, int(prev.iloc[0]["sentence"])):
            p = prev.iloc[0]
            print(f"   (prev) {d['text'][int(p['start']):int(p['end'])].replace(chr(10), ' ')}")
        last = (corpus, aid, sno)
        print(f"  {_mark(d['text'], sent, items)}")
        notes = [f"{k}={c['m'].actor_id}" for k, c in items if c["m"].mention_type != "name"]
        if notes:
            print(f"     ({', '.join(notes)})")


def add(data: dict, cands: list[dict], rows: list[dict], path: Path) -> int:
    new = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        idx, split, label = line.split()
        c = cands[int(idx)]
        if c["split"] != split:
            raise SystemExit(f"{path}: candidate {idx} is {c['split']}, not {split}")
        d, m = data[c["corpus"]]["info"][c["article_id"]], c["m"]
        span = to_raw(d["blocks"], int(m.start), int(m.end))
        if span is None or to_clean(d["blocks"], *span) != (m.start, m.end):
            raise SystemExit(f"{path}: candidate {idx} does not map to the body as in the file")
        new.append({"file": d["file"], "article_id": c["article_id"], "url": d["url"],
                    "field": "text", "start": str(span[0]), "end": str(span[1]),
                    "actor_id": m.actor_id, "label": SHORT[label], "corpus": c["corpus"],
                    "split": split})  # fmt: skip
    write_labels(rows + new)
    return len(new)


def summary(rows: list[dict]) -> None:
    counts: dict[tuple, int] = {}
    for r in rows:
        for key in ((r["split"], r["corpus"], r["label"]), (r["split"], "all", r["label"])):
            counts[key] = counts.get(key, 0) + 1
    for s in ("train", "validation"):
        for corpus in ("devcorpus", "devcorpus2", "all"):
            n = {lab: counts.get((s, corpus, lab), 0)
                 for lab in ("negative", "neutral", "positive")}
            tot = sum(n.values())
            if tot:
                shares = ", ".join(f"{k} {v} ({v / tot:.0%})" for k, v in n.items())
                print(f"{s:10s} {corpus:10s} {tot:4d}: {shares}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["split", "show", "add", "summary"])
    ap.add_argument("labels", nargs="?", type=Path, help="label file for `add`")
    ap.add_argument("--devcorpus", type=Path, default=Path("../shared/devcorpus/articles"))
    ap.add_argument("--devcorpus2", type=Path, default=Path("../shared/devcorpus2/articles"))
    ap.add_argument("--split", choices=["train", "validation"], default="train")
    ap.add_argument("--work", type=Path, default=Path("/tmp/labels-work/candidates.json"),
                    help="the drawn candidates (keys and offsets only), outside the project")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--count", type=int, default=50)
    args = ap.parse_args(argv)
    rows = read_labels()
    if args.command == "summary":
        summary(rows)
        return 0
    data = {"devcorpus": load("devcorpus", args.devcorpus),
            "devcorpus2": load("devcorpus2", args.devcorpus2)}  # fmt: skip
    if args.command == "split":
        split = article_split(data, rows)
        for s in ("train", "validation"):
            for corpus in ("devcorpus", "devcorpus2"):
                ids = sorted(a for (c, a), v in split.items() if c == corpus and v == s)
                print(f"{s} {corpus} ({len(ids)}): {' '.join(ids)}")
        return 0
    if args.work.exists():  # drawn once: later labels must not move the indices
        cands = thaw(data, json.loads(args.work.read_text(encoding="utf-8")))
    else:
        cands = candidates(data, rows)
        args.work.parent.mkdir(parents=True, exist_ok=True)
        args.work.write_text(json.dumps(freeze(cands)), encoding="utf-8")
    if args.command == "show":
        show(data, cands, args.first, args.count, args.split)
    else:
        print(f"added {add(data, cands, rows, args.labels)} labels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
