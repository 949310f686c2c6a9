"""Attribution measured on PolNeAR (Newell, Margolin and Ruths, LREC 2018): speech recall and
precision of the statements table, with and without the source.

    python bench/polnear.py ../shared/polnear/train            # development split
    python bench/polnear.py ../shared/polnear/dev --details    # validation split, misses + FPs
    python bench/polnear.py SPLIT --limit 100 --json OUT

SPLIT holds `text/*.txt` (first line the headline, then the body) and `attributions/*.ann`
(brat stand-off; for an article annotated several times the first file in sorted order is used).
Each article is loaded with the headline as title and the rest as body, analysed by
`newslens.sentences`, `newslens.actor_mentions` and `newslens.statements` (in this process), and
the statements' spans are mapped back to file offsets (the body loses page furniture: each
analysed line is found again in the file).

The measure (../shared/polnear/README.md):
- speech recall: gold attributions whose cue contains a speech or reporting word (SPEECH_WORDS
  in any inflection, or "according to"). A statement recalls one when its cue span overlaps
  the gold cue span, one-to-one, largest overlap first; "+source" also needs the statement's
  speaker span to overlap the gold Source span (or the gold to have no Source), matched on its
  own (one-to-one among the pairs whose source agrees).
- precision against all attributions: a statement is right when its cue overlaps any gold cue
  (PolNeAR's attributions are a superset of speech), "+source" when its speaker span also
  overlaps that attribution's Source (or it has none).
- F1 of precision (+source) and speech recall (+source).
Breakdowns: precision by `form` and `speaker_kind`; recall by the gold cue word and by the
shape of the gold Source (pronoun, name, noun phrase, none). `--details` lists misses and false
positives (sentence snippets); corpus text is printed, never written into the project.
The last block prints the targets (speech recall +source >= 0.85, precision +source >= 0.92).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

TARGETS = {"recall_source": 0.85, "precision_source": 0.92}

# Speech and reporting words (README of ../shared/polnear); any inflection counts.
SPEECH_WORDS = (
    "say", "tell", "state", "add", "claim", "argue", "write", "report", "announce", "insist",
    "stress", "note", "explain", "warn", "deny", "accuse", "call", "ask", "reply", "respond",
    "comment", "tweet", "post", "suggest", "confirm", "predict", "promise", "vow", "urge",
    "describe", "emphasise", "emphasize", "acknowledge", "admit", "declare",
    # and verbs of speaking of the same kind (the README's list ends with "...")
    "speak", "talk", "mention", "assert", "allege", "reiterate", "quote", "cite", "testify",
    "remark", "answer", "contend", "concede", "complain", "disclose", "reveal", "retort",
    "shout", "recount", "pledge", "demand", "criticise", "criticize",
)
_IRREGULAR = {"say": ["said"], "tell": ["told"], "write": ["wrote", "written", "writ"],
              "speak": ["spoke", "spoken"], "post": [], "call": []}


def _inflections(lemma: str) -> set[str]:
    forms = {lemma, lemma + "s", lemma + "ed", lemma + "ing", lemma + "es"}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if re.fullmatch(r".*[^aeiou][aeiou][bdgmnprt]", lemma):
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms | set(_IRREGULAR.get(lemma, []))


_FORM_LEMMA = {f: lemma for lemma in SPEECH_WORDS for f in _inflections(lemma)}
_WORD = re.compile(r"[a-z]+")


def speech_lemma(cue: str) -> str | None:
    """The speech word a gold cue contains ("according to" counts), else None."""
    low = cue.lower().replace("’", "'")
    if "according to" in low:
        return "according to"
    for w in _WORD.findall(low):
        if w in _FORM_LEMMA:
            return _FORM_LEMMA[w]
    return None


# ---------------------------------------------------------------- gold
@dataclass
class Gold:
    cue: list[tuple[int, int]]
    source: list[tuple[int, int]]
    content: list[tuple[int, int]]
    cue_text: str
    source_text: str
    speech: str | None = None


def _spans(field_: str) -> list[tuple[int, int]]:
    out = []
    for part in field_.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def read_ann(path: Path) -> list[Gold]:
    """The attributions of one brat file (events joining Source, Cue and Content spans)."""
    spans: dict[str, tuple[str, list, str]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            kind, _, where = parts[1].partition(" ")
            spans[parts[0]] = (kind, _spans(where), parts[2] if len(parts) > 2 else "")
        elif parts[0].startswith("E"):
            events.append(dict(arg.split(":", 1) for arg in parts[1].split()[1:]))
    out = []
    for ev in events:
        cue = spans.get(ev.get("Cue", ""))
        if cue is None:
            continue
        src = spans.get(ev.get("Source", ""), ("", [], ""))
        con = spans.get(ev.get("Content", ""), ("", [], ""))
        out.append(Gold(cue[1], src[1], con[1], cue[2], src[2], speech_lemma(cue[2])))
    return out


def load_split(split: Path, limit: int | None = None) -> list[tuple[str, str, list[Gold]]]:
    """[(article stem, file text, gold attributions)] in sorted order."""
    anns: dict[str, Path] = {}
    for p in sorted((split / "attributions").glob("*.ann")):
        anns.setdefault(p.stem.rsplit("_", 1)[0], p)
    out = []
    for txt in sorted((split / "text").glob("*.txt")):
        if txt.stem not in anns:
            continue
        out.append((txt.stem, txt.read_text(encoding="utf-8"), read_ann(anns[txt.stem])))
        if limit and len(out) >= limit:
            break
    return out


# ---------------------------------------------------------------- analysis
def articles_frame(docs) -> tuple[pd.DataFrame, dict[str, tuple[int, str]]]:
    """The articles table (headline as title, rest as body) and, per article, (offset of the
    title in the file, the body as loaded)."""
    from newslens.io import postload

    rows, where = [], {}
    for stem, text, _ in docs:
        lead = len(text) - len(text.lstrip())
        first, _, body = text.lstrip().partition("\n")
        title = first.strip()
        where[stem] = (lead + first.find(title) if title else lead, lead + len(first) + 1)
        rows.append({"article_id": stem, "title": title, "text": body, "source": "polnear",
                     "path": f"{stem}.txt", "url": None, "published": None, "author": None,
                     "n_words": len(body.split())})
    frame = pd.DataFrame(rows)
    frame, _report = postload.finish(frame, languages="all")
    return frame, where


def line_map(body: str, file_text: str, body_start: int) -> list[tuple[int, int, int]]:
    """(start in body, end in body, offset in file) of each analysed line: lines are found
    again in the file in order (the loader drops whole lines only)."""
    out, pos, at = [], 0, body_start
    for line in body.split("\n"):
        if line.strip():
            found = file_text.find(line, at)
            if found >= 0:
                out.append((pos, pos + len(line), found))
                at = found + len(line)
        pos += len(line) + 1
    return out


def to_file(offset: int, lines: list[tuple[int, int, int]]) -> int | None:
    for a, b, f in lines:
        if a <= offset <= b:
            return f + offset - a
    return None


@dataclass
class Pred:
    row: dict
    cue: tuple[int, int] | None
    source: tuple[int, int] | None


def analyse(docs) -> tuple[dict[str, list[Pred]], float, dict]:
    import newslens

    articles, where = articles_frame(docs)
    t0 = time.process_time()
    sents = newslens.sentences(articles)
    t1 = time.process_time()
    mentions = newslens.actor_mentions(articles, sents)
    t2 = time.process_time()
    st = newslens.statements(sents, mentions)
    t3 = time.process_time()
    cpu = {"sentences": t1 - t0, "mentions": t2 - t1, "statements": t3 - t2}
    texts = {stem: text for stem, text, _ in docs}
    maps = {}
    for aid, body in zip(articles["article_id"], articles["text"]):
        maps[aid] = line_map(body, texts[aid], where[aid][1])
    out: dict[str, list[Pred]] = defaultdict(list)
    unmapped = 0
    for row in st.to_dict("records"):
        aid = row["article_id"]
        if row["field"] == "title":
            t0_ = where[aid][0]
            cue = (t0_ + row["cue_start"], t0_ + row["cue_end"])
            src = (t0_ + row["speaker_start"], t0_ + row["speaker_end"])
        else:
            a, b = to_file(row["cue_start"], maps[aid]), to_file(row["cue_end"], maps[aid])
            cue = (a, b) if a is not None and b is not None else None
            a, b = to_file(row["speaker_start"], maps[aid]), to_file(row["speaker_end"],
                                                                      maps[aid])
            src = (a, b) if a is not None and b is not None else None
        unmapped += cue is None
        out[aid].append(Pred(row, cue, src))
    return out, len(st), {"cpu": cpu, "unmapped": unmapped, "sentences": len(sents)}


# ---------------------------------------------------------------- scoring
def overlap(a: tuple[int, int] | None, spans: list[tuple[int, int]]) -> int:
    if a is None:
        return 0
    return sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in spans)


def source_ok(p: Pred, g: Gold) -> bool:
    return not g.source or overlap(p.source, g.source) > 0


def greedy(edges: list[tuple[int, int, int]]) -> dict[int, int]:
    """One-to-one pairs (gold -> pred) from (weight, gold, pred) edges, largest weight first."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _w, g, p in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        if g not in pairs and p not in used:
            pairs[g] = p
            used.add(p)
    return pairs


def source_shape(g: Gold) -> str:
    if not g.source:
        return "none"
    words = g.source_text.split()
    low = g.source_text.lower().strip()
    if low in ("he", "she", "they", "it", "i", "we", "you"):
        return "pronoun"
    if len(words) > 1 and (words[0].lower() in ("the", "a", "an", "his", "her", "their", "its")
                           or any(w[:1].islower() for w in words[-1:])):
        return "noun phrase"
    if all(w[:1].isupper() for w in words if w[:1].isalpha()):
        return "name"
    return "noun phrase"


@dataclass
class Score:
    speech: int = 0
    rec: int = 0
    rec_src: int = 0
    preds: int = 0
    prec: int = 0
    prec_src: int = 0
    by_form: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    by_kind: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    by_cue: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    by_shape: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    misses: list = field(default_factory=list)
    wrong_source: list = field(default_factory=list)
    false_pos: list = field(default_factory=list)


def _snippet(text: str, a: int, b: int, width: int = 90) -> str:
    lo = max(0, a - width)
    hi = min(len(text), b + width)
    return " ".join((text[lo:a] + "[[" + text[a:b] + "]]" + text[b:hi]).split())


def score_article(sc: Score, stem: str, text: str, golds: list[Gold], preds: list[Pred]):
    speech = [i for i, g in enumerate(golds) if g.speech]
    edges = [(overlap(p.cue, golds[i].cue), i, j) for i in speech for j, p in enumerate(preds)
             if overlap(p.cue, golds[i].cue) > 0]
    pairs = greedy(edges)
    pairs_src = greedy([e for e in edges if source_ok(preds[e[2]], golds[e[1]])])
    for i in speech:
        g = golds[i]
        sc.speech += 1
        hit, hit_src = i in pairs, i in pairs_src
        sc.rec += hit
        sc.rec_src += hit_src
        for table, key in ((sc.by_cue, g.speech), (sc.by_shape, source_shape(g))):
            table[key][0] += 1
            table[key][1] += hit
            table[key][2] += hit_src
        where = g.cue[0]
        if not hit:
            sc.misses.append((stem, g.speech, source_shape(g), g.source_text,
                              _snippet(text, where[0], where[1])))
        elif not hit_src:
            p = preds[pairs[i]]
            sc.wrong_source.append((stem, p.row["form"], p.row["speaker_text"], g.source_text,
                                    _snippet(text, where[0], where[1])))
    for p in preds:
        right = [g for g in golds if overlap(p.cue, g.cue) > 0]
        ok, ok_src = bool(right), any(source_ok(p, g) for g in right)
        sc.preds += 1
        sc.prec += ok
        sc.prec_src += ok_src
        for table, key in ((sc.by_form, p.row["form"]), (sc.by_kind, p.row["speaker_kind"])):
            table[key][0] += 1
            table[key][1] += ok
            table[key][2] += ok_src
        if not ok_src:
            cue = p.cue or (0, 0)
            sc.false_pos.append((stem, p.row["form"], p.row["speaker_kind"],
                                 p.row["speaker_text"], "cue ok, source wrong" if ok else
                                 "no gold cue", _snippet(text, cue[0], cue[1])))


def ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def report(sc: Score, details: bool, top: int) -> list[str]:
    r, rs = ratio(sc.rec, sc.speech), ratio(sc.rec_src, sc.speech)
    p, ps = ratio(sc.prec, sc.preds), ratio(sc.prec_src, sc.preds)
    lines = [
        f"speech attributions (gold) {sc.speech}; statements {sc.preds}",
        (f"speech recall   cue {r:.3f} ({sc.rec}/{sc.speech})   "
         f"cue+source {rs:.3f} ({sc.rec_src}/{sc.speech})"),
        (f"precision       cue {p:.3f} ({sc.prec}/{sc.preds})   "
         f"cue+source {ps:.3f} ({sc.prec_src}/{sc.preds})"),
        f"F1 (cue+source) {f1(ps, rs):.3f}    F1 (cue) {f1(p, r):.3f}",
    ]

    def table(title: str, rows: dict, what: str, n: int | None = None):
        lines.append(f"{title}:   n  {what}  {what}+source")
        for key, (a, b, c) in sorted(rows.items(), key=lambda kv: (-kv[1][0], str(kv[0])))[:n]:
            lines.append(f"  {key!s:<16} {a:5d}  {ratio(b, a):.2f}  {ratio(c, a):.2f}")

    table("precision by form", sc.by_form, "P")
    table("precision by speaker_kind", sc.by_kind, "P")
    table("recall by gold source shape", sc.by_shape, "R")
    table("recall by gold cue word", sc.by_cue, "R", top)
    if details:
        lines.append(f"misses ({len(sc.misses)}), by cue word: " + ", ".join(
            f"{k} {v}" for k, v in Counter(m[1] for m in sc.misses).most_common(top)))
        for m in sc.misses:
            lines.append(f"  MISS {m[0]}: cue={m[1]} source[{m[2]}]={m[3]!r} | {m[4]}")
        lines.append(f"wrong source ({len(sc.wrong_source)})")
        for m in sc.wrong_source:
            lines.append(f"  SRC {m[0]}: form={m[1]} said={m[2]!r} gold={m[3]!r} | {m[4]}")
        lines.append(f"false positives ({len(sc.false_pos)})")
        for m in sc.false_pos:
            lines.append(f"  FP {m[0]}: form={m[1]} kind={m[2]} speaker={m[3]!r} ({m[4]}) "
                         f"| {m[5]}")
    lines += ["", "== TARGETS ==",
              (f"speech recall (cue+source) {rs:.3f} >= {TARGETS['recall_source']}  "
               f"{'met' if rs >= TARGETS['recall_source'] else 'NOT met'}"),
              (f"precision (cue+source)     {ps:.3f} >= {TARGETS['precision_source']}  "
               f"{'met' if ps >= TARGETS['precision_source'] else 'NOT met'}")]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("split", type=Path, help="a PolNeAR split folder (text/, attributions/)")
    ap.add_argument("--details", action="store_true", help="list misses and false positives")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--top", type=int, default=25, help="rows of the cue-word breakdown")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = ap.parse_args(argv)
    if not (args.split / "text").is_dir() or not (args.split / "attributions").is_dir():
        print(f"{args.split}: expected text/ and attributions/ folders", file=sys.stderr)
        return 2
    docs = load_split(args.split, args.limit)
    preds, n_statements, info = analyse(docs)
    sc = Score()
    for stem, text, golds in docs:
        score_article(sc, stem, text, golds, preds.get(stem, []))
    cpu = info["cpu"]
    print(f"{args.split}: {len(docs)} articles, {info['sentences']} sentences, "
          f"{n_statements} statements ({info['unmapped']} not mapped back to the file)")
    print("CPU ms per article: " + ", ".join(
        f"{k} {1000 * v / max(1, len(docs)):.2f}" for k, v in cpu.items()))
    print("\n".join(report(sc, args.details, args.top)))
    if args.json:
        args.json.write_text(json.dumps({
            "articles": len(docs), "speech": sc.speech, "statements": sc.preds,
            "recall": ratio(sc.rec, sc.speech), "recall_source": ratio(sc.rec_src, sc.speech),
            "precision": ratio(sc.prec, sc.preds),
            "precision_source": ratio(sc.prec_src, sc.preds)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
