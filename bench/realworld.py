"""Real-world corpora: syndicated copies, page furniture, saved web pages and near-duplicates.

    python bench/realworld.py --devcorpus ../shared/devcorpus/articles
    python bench/realworld.py --devcorpus ../shared/devcorpus/articles --n 50000 --compare

Sections (each prints its figures; the TARGETS block comes last):

1. devcorpus: the syndicated stories `load_corpus` finds (every pair is listed) and the closest
   pairs it did not join (their Jaccard similarity against the threshold); the page-furniture
   lines removed from each article (printed here, never stored in the project).
2. republished: every dev article republished at run time by another outlet (new headline,
   "Read also" line, share prompt, a trimmed last paragraph for long ones), loaded beside the
   originals from a temporary folder: each copy must join its original's story, nothing else.
3. pages: 10 saved web pages generated at run time in a temporary folder from dev-corpus
   articles, each wrapped in the HTML of a different kind of site (navigation, ads, language
   switchers, cookie banners, related links, comments, footers; metadata as JSON-LD,
   OpenGraph, microdata, <meta> tags or <title> only), mixed with .md/.jsonl/.csv files: title,
   date and body must come back; no navigation or footer line may leak into the body.
4. near-duplicates: N generated articles (bench/corpus.py) of which 10% are injected copies
   (another outlet, later date, new headline, trailing/leading lines, furniture, spelling
   variants, sometimes a dropped paragraph); pair recall and precision of the stories, and the
   detection time (`syndication.stories`) against `bench/run.py`'s total time at the same size
   (`--compare` runs `bench/run.py --one N` in a subprocess; `--run-seconds S` gives it).

Nothing read from the dev corpus is written anywhere but the temporary folders.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import corpus
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
TARGETS = {"pairs_recall": 0.99, "pairs_precision": 0.99, "time_share": 0.10}


# ---- 1. the dev corpus ------------------------------------------------------------------------

def devcorpus(path: Path) -> dict:
    import newslens
    from newslens.io import furniture, syndication

    articles = newslens.load_corpus(path)
    table = newslens.syndication_table(articles)
    print(f"\n== devcorpus: {len(articles)} articles from {path}")
    pairs = _story_pairs(articles)
    print(f"syndicated stories: {table['story_id'].nunique()}, pairs: {len(pairs)}")
    for a, b in sorted(pairs):
        print(f"  {a} ~ {b}")
    hashes = [syndication.shingle_hashes(t) for t in articles["text"]]
    ids = articles["article_id"].tolist()
    closest = sorted(((syndication.jaccard(hashes[i], hashes[j]), ids[i], ids[j])
                      for i, j in combinations(range(len(ids)), 2)), reverse=True)[:5]
    print(f"closest pairs not joined (threshold {syndication.THRESHOLD}):")
    for sim, a, b in closest:
        if (a, b) not in pairs and (b, a) not in pairs:
            print(f"  {sim:.3f}  {a} ~ {b}")
    rules = furniture.load_rules()
    print("page furniture removed (rule: line):")
    total = 0
    for row in articles.itertuples():
        removed = furniture.clean(row.raw_text, row.title, rules).removed
        if row.furniture_lines != len(removed):  # corpus-level repeats come on top
            removed = removed + (("(repeated in source)", "repeated in source"),) * (
                row.furniture_lines - len(removed))
        total += len(removed)
        for line, rule in removed:
            print(f"  {row.article_id:<34} {rule:<17} {line[:90]}")
    print(f"{total} lines removed from {int((articles['furniture_lines'] > 0).sum())} of "
          f"{len(articles)} articles")
    return {"articles": len(articles), "pairs": len(pairs),
            "max_other_similarity": closest[0][0] if closest else 0.0}


def _story_pairs(articles: pd.DataFrame) -> set[tuple[str, str]]:
    out = set()
    for _, group in articles.groupby("story_id"):
        out.update(combinations(sorted(group["article_id"]), 2))
    return out


# ---- 2. republished copies of the dev corpus ----------------------------------------------------

def republish(row, rng: random.Random, others: list[str]) -> dict:
    """A copy of a loaded article as another outlet would run it (invented wrapper lines)."""
    paragraphs = [p for p in row.text.split("\n") if p.strip()]
    if len(paragraphs) >= 5 and rng.random() < 0.5:
        paragraphs = paragraphs[:-1]
    body = [*paragraphs, f"Read also: {rng.choice(others)}"]
    if rng.random() < 0.5:
        body.insert(min(2, len(body) - 1), "Share this article")
    date = row.published + pd.Timedelta(hours=rng.randrange(2, 48)) \
        if pd.notna(row.published) else None
    return {"title": f"{row.title} (update)" if rng.random() < 0.5 else f"Report: {row.title}",
            "text": "\n".join(body), "source": f"republisher{rng.randrange(5)}.example",
            "date": None if date is None else date.isoformat(),
            "url": f"https://republisher.example/{row.article_id}"}


def republished(path: Path) -> dict:
    import newslens

    originals = newslens.load_corpus(path)
    rng = random.Random(7)
    titles = originals["title"].tolist()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        shutil.copytree(path, folder)
        with open(folder / "zz-republished.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(republish(row, rng, titles)) + "\n"
                          for row in originals.itertuples())
        loaded = newslens.load_corpus(folder)
    copies = loaded[loaded["path"] == "zz-republished.jsonl"].reset_index(drop=True)
    truth = {(min(a, b), max(a, b)) for a, b in zip(originals["article_id"], copies["article_id"])}
    found = _story_pairs(loaded)
    right = len(truth & found)
    recall, precision = right / len(truth), (right / len(found) if found else 1.0)
    print(f"\n== republished: {len(copies)} copies of the dev articles loaded beside them")
    print(f"pairs: {len(truth)} true, {len(found)} found, {right} right: recall {recall:.3f}, "
          f"precision {precision:.3f}")
    for a, b in sorted(truth - found):
        print(f"  missed: {a} ~ {b}")
    for a, b in sorted(found - truth):
        print(f"  false: {a} ~ {b}")
    return {"recall": recall, "precision": precision}


# ---- 3. saved web pages -------------------------------------------------------------------------

NAV = ["Home", "World", "Politics", "Business", "Opinion", "Video", "Podcasts", "Subscribe"]


def _jsonld(meta: dict, graph: bool = False) -> str:
    item = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": meta["title"],
            "datePublished": meta["iso"], "dateModified": meta["modified"],
            "author": {"@type": "Person", "name": meta["author"]},
            "publisher": {"@type": "Organization", "name": meta["site"]},
            "mainEntityOfPage": meta["url"]}
    if graph:
        item = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebSite", "name": meta["site"], "url": meta["home"]}, item]}
    return f'<script type="application/ld+json">{json.dumps(item)}</script>'


def _head(meta: dict, style: str) -> str:
    e = html.escape
    title = f"<title>{e(meta['title'])} | {e(meta['site'])}</title>"
    canonical = f'<link rel="canonical" href="{e(meta["url"])}">'
    if style == "jsonld":
        extra = _jsonld(meta)
    elif style == "graph":
        extra = _jsonld(meta, graph=True)
    elif style == "og":
        extra = (f'<meta property="og:title" content="{e(meta["title"])}">'
                 f'<meta property="og:site_name" content="{e(meta["site"])}">'
                 f'<meta property="article:published_time" content="{meta["iso"]}">'
                 f'<meta name="author" content="{e(meta["author"])}">')
    elif style == "meta":
        extra = (f'<meta name="title" content="{e(meta["title"])}">'
                 f'<meta name="date" content="{meta["date"]}">'
                 f'<meta name="author" content="{e(meta["author"])}">')
    else:  # microdata in the body, <title> here
        extra = ""
    return (f'<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f"{title}{canonical}{extra}<style>.ad{{height:250px}}</style>"
            f"<script>window.dataLayer=[];function track(){{}}</script></head>")


def _chrome(meta: dict, kind: str) -> tuple[str, str]:
    """(before, after) the article: the site's navigation, ads, banners, related, footer."""
    e = html.escape
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in NAV)
    before = [f'<header><a class="logo" href="/">{e(meta["site"])}</a><nav><ul>{nav}</ul>'
              + "</nav></header>"]
    if kind in ("ukrainian", "aggregator"):
        before.append('<div class="lang"><a href="/ua">UA</a> <a href="/en">EN</a> '
                      '<a href="/ru">RU</a></div>')
    if kind in ("cookie", "magazine"):
        before.append('<div id="cookie-banner"><p>We use cookies to improve your experience. '
                      'By using this site you agree to our cookie policy.</p>'
                      "<button>Accept all cookies</button></div>")
    before.append('<div class="ad" id="top-ad">Advertisement</div>')
    related = "".join(f'<li><a href="/news/{i}">Related story number {i} about the war</a></li>'
                      for i in range(1, 6))
    after = [f'<aside class="related"><h3>Read more</h3><ul>{related}</ul></aside>',
             '<div class="share">Share this article: <a>Facebook</a> <a>X</a> <a>Telegram</a>'
             + "</div>"]
    if kind in ("blog", "magazine"):
        after.append('<section id="comments"><h3>3 comments</h3><div class="comment"><p>Great '
                     "article, thanks for writing it!</p></div></section>")
    after.append(f'<footer><p>© 2025 {e(meta["site"])}. All rights reserved.</p><ul>'
                 '<li><a href="/about">About us</a></li><li><a href="/privacy">Privacy policy'
                 "</a></li><li><a href=\"/contact\">Contact</a></li></ul></footer>")
    return "".join(before), "".join(after)


def page(meta: dict, paragraphs: list[str], head: str, kind: str) -> str:
    """A saved web page of one kind of site around an article's paragraphs."""
    e = html.escape
    body = [f"<p>{e(p)}</p>" for p in paragraphs]
    if len(body) > 3:
        body.insert(2, '<div class="ad inline">Advertisement</div>')
    if kind in ("wire", "ukrainian") and len(body) > 4:
        body.insert(4, '<p class="also"><a href="/news/9">Read also: Another story about the '
                       "talks</a></p>")
    if kind == "cookie":
        body.append('<div class="newsletter"><p>Sign up for our daily newsletter</p>'
                    '<input type="email"></div>')
    byline = f'<p class="byline">By {e(meta["author"])}</p>'
    when = f'<time datetime="{meta["iso"]}">{meta["date"]}</time>'
    if head == "microdata":
        article = (f'<article itemscope itemtype="https://schema.org/NewsArticle">'
                   f'<h1 itemprop="headline">{e(meta["title"])}</h1>'
                   f'<meta itemprop="datePublished" content="{meta["iso"]}">{byline}'
                   f'<div itemprop="articleBody">{"".join(body)}</div></article>')
    elif kind == "aggregator":
        article = (f'<table><tr><td class="side">Markets</td><td class="main"><h1>'
                   f'{e(meta["title"])}</h1>{when}<div class="story">{"".join(body)}</div>'
                   "</td></tr></table>")
    else:
        article = (f'<main><article><h1>{e(meta["title"])}</h1>{byline}{when}'
                   f'<div class="entry-content">{"".join(body)}</div></article></main>')
    before, after = _chrome(meta, kind)
    return (f'<!DOCTYPE html><html lang="en">{_head(meta, head)}<body>{before}{article}{after}'
            "</body></html>")


KINDS = [("jsonld", "news"), ("og", "blog"), ("jsonld", "wire"), ("graph", "ukrainian"),
         ("og", "state"), ("microdata", "magazine"), ("jsonld", "amp"), ("meta", "aggregator"),
         ("graph", "cookie"), ("title", "minimal")]


def pages(path: Path) -> dict:
    import newslens

    articles = newslens.load_corpus(path)
    usable = articles[articles["title"].str.contains(" ") & (articles["n_words"] > 100)]
    chosen = usable.head(len(KINDS)).reset_index(drop=True)
    expected = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, (row, (head, kind)) in enumerate(zip(chosen.itertuples(), KINDS)):
            day = row.published if pd.notna(row.published) else \
                pd.Timestamp(f"2025-11-{i + 1:02d}T09:30:00")
            meta = {"title": row.title, "site": f"The {kind.title()} Daily", "author": "Jane Roe",
                    "url": f"https://{kind}.example/news/{i}", "home": f"https://{kind}.example/",
                    "iso": day.strftime("%Y-%m-%dT%H:%M:%S+02:00"), "date": day.date().isoformat(),
                    "modified": (day + pd.Timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S+02:00")}
            paragraphs = [p.strip() for p in row.text.split("\n") if p.strip()]
            name = f"page-{i:02d}-{kind}.{'htm' if i % 3 == 2 else 'html'}"
            (folder / name).write_text(page(meta, paragraphs, head, kind), encoding="utf-8")
            expected[Path(name).stem] = (row.title, day.date(), paragraphs)
        (folder / "brief.md").write_text("---\ntitle: Invented brief\n---\nThe envoy said talks "
                                         "would resume in Geneva on Monday.\n", encoding="utf-8")
        (folder / "wire.jsonl").write_text(json.dumps(
            {"title": "Invented wire", "text": "Officials said the ceasefire talks would go on "
             "next week."}) + "\n", encoding="utf-8")
        (folder / "feed.csv").write_text("title,text\nInvented feed item,The minister said the "
                                         "plan was not final.\n", encoding="utf-8")
        loaded = newslens.load_corpus(folder).set_index("article_id")
        report = newslens.load_report(loaded)
    print(f"\n== pages: {len(expected)} saved pages + 3 other files -> {len(loaded)} articles")
    ok_title = ok_date = 0
    recalls, leaks = [], []
    for stem, (title, day, paragraphs) in expected.items():
        row = loaded.loc[stem]
        got = {" ".join(line.split()) for line in row["text"].split("\n") if line.strip()}
        raw = {" ".join(line.split()) for line in row["raw_text"].split("\n") if line.strip()}
        want = {" ".join(p.split()) for p in paragraphs}
        recall = len(got & want) / len(want)
        leaked = sorted(got - want)
        caught = sorted(raw - got - want)  # kept by the extractor, removed as furniture
        t_ok, d_ok = row["title"] == title, row["published"].date() == day
        ok_title += t_ok
        ok_date += d_ok
        recalls.append(recall)
        leaks += leaked
        print(f"  {stem:<22} title {'ok' if t_ok else 'WRONG: ' + row['title'][:40]:<8} "
              f"date {'ok' if d_ok else 'WRONG: ' + str(row['published']):<8} "
              f"body {recall:.2f} of {len(want)} paragraphs, {len(leaked)} extra lines "
              f"({len(caught)} more removed as furniture), source {row['source']!r}, "
              f"author {row.get('author', '')!r}")
        for line in leaked:
            print(f"      extra: {line[:90]}")
        for line in caught:
            print(f"      furniture: {line[:90]}")
    for where, problem, action in report.itertuples(index=False):
        print(f"  load report: {where}: {problem} -> {action}")
    return {"pages": len(expected), "titles": ok_title, "dates": ok_date,
            "body_recall": float(np.mean(recalls)), "leaked_lines": len(leaks),
            "loaded": len(loaded)}


# ---- 4. near-duplicates at scale -----------------------------------------------------------------

VARIANTS = [("Zelensky", "Zelenskyy"), ("U.S.", "US"), ("Kyiv", "Kiev"), ("said", "stated")]


def inject(frame: pd.DataFrame, share: float = 0.10, seed: int = 3) -> tuple[pd.DataFrame, dict]:
    """The frame with its last `share` of articles replaced by copies of earlier ones
    (another outlet, later date, new headline, edits); {copy id: original id}."""
    rng = random.Random(seed)
    n = len(frame)
    n_copies = int(n * share)
    out = frame.copy()
    truth = {}
    for k in range(n - n_copies, n):
        src = out.iloc[rng.randrange(n - n_copies)]
        paragraphs = src["text"].split("\n")
        if len(paragraphs) > 6 and rng.random() < 0.3:
            del paragraphs[rng.randrange(1, len(paragraphs))]
        if rng.random() < 0.5:
            paragraphs.append(f"Read also: {out.iloc[rng.randrange(n)]['title']}")
        if rng.random() < 0.3:
            paragraphs.insert(0, rng.choice(["(MENAFN) ", "KYIV (Reuters) -", "Advertisement"]))
        text = "\n".join(paragraphs)
        for old, new in rng.sample(VARIANTS, rng.randrange(0, 3)):
            text = text.replace(old, new)
        out.iloc[k, out.columns.get_loc("text")] = text
        out.iloc[k, out.columns.get_loc("title")] = "Syndicated: " + src["title"]
        out.iloc[k, out.columns.get_loc("published")] = src["published"] + pd.Timedelta(
            hours=rng.randrange(1, 72))
        truth[out.iloc[k]["article_id"]] = src["article_id"]
    return out, truth


def near_duplicates(n: int, run_seconds: float | None) -> dict:
    from newslens.io import postload, syndication

    frame, truth = inject(corpus.generate(n))
    t0 = time.perf_counter()
    found = syndication.stories(frame)
    detect = time.perf_counter() - t0
    t0 = time.perf_counter()
    postload.finish(frame.drop(columns=list(postload.COLUMNS)))
    whole = time.perf_counter() - t0
    group = {}
    for original, copy in ((o, c) for c, o in truth.items()):
        group.setdefault(original, {original}).add(copy)
    true_pairs = {p for members in group.values() for p in combinations(sorted(members), 2)}
    found_pairs = _story_pairs(frame.assign(story_id=found["story_id"].to_numpy()))
    right = len(true_pairs & found_pairs)
    recall = right / len(true_pairs)
    precision = right / len(found_pairs) if found_pairs else 1.0
    print(f"\n== near-duplicates: {n:,} generated articles, {len(truth):,} injected copies "
          f"of {len(group):,} originals")
    print(f"pairs: {len(true_pairs):,} true, {len(found_pairs):,} found, {right:,} right: "
          f"recall {recall:.4f}, precision {precision:.4f}")
    print(f"detection (syndication.stories): {detect:.1f} s ({detect / n * 1e3:.2f} ms/article);"
          f" the whole post-load step (furniture, stories, languages): {whole:.1f} s")
    share = None
    if run_seconds:
        share = detect / run_seconds
        print(f"bench/run.py at {n:,}: {run_seconds:.1f} s -> detection is {share:.1%} of it "
              f"(post-load step {whole / run_seconds:.1%})")
    return {"recall": recall, "precision": precision, "detect": detect, "whole": whole,
            "share": share}


def run_seconds_of(n: int) -> float:
    """Wall time of `bench/run.py --one n` (engine.run + summaries), in a subprocess."""
    print(f"running bench/run.py --one {n} for the comparison ...", file=sys.stderr, flush=True)
    out = subprocess.run([sys.executable, str(HERE / "run.py"), "--one", str(n)], check=True,
                         capture_output=True, text=True).stdout
    wall = float(json.loads(out.strip().splitlines()[-1])["wall"])
    print(f"bench/run.py --one {n}: {wall:.1f} s", file=sys.stderr, flush=True)
    return wall


# ---- main ---------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devcorpus", type=Path, default=None,
                        help="folder of real articles (e.g. ../shared/devcorpus/articles)")
    parser.add_argument("--n", type=int, default=50_000, help="generated articles (default 50,000)")
    parser.add_argument("--compare", action="store_true",
                        help="time bench/run.py --one N too (minutes at 50,000)")
    parser.add_argument("--run-seconds", type=float, default=None,
                        help="bench/run.py's wall time at N, when measured already")
    args = parser.parse_args(argv)
    results = {}
    if args.devcorpus is not None:
        results["dev"] = devcorpus(args.devcorpus)
        results["republished"] = republished(args.devcorpus)
        results["pages"] = pages(args.devcorpus)
    run_s = run_seconds_of(args.n) if args.compare else args.run_seconds
    results["dups"] = near_duplicates(args.n, run_s)
    targets(results, args.n)
    return 0


def targets(results: dict, n: int) -> None:
    print("\n== TARGETS ==")
    lines = []
    if "dev" in results:
        r, p = results["republished"], results["pages"]
        lines += [
            ("devcorpus: pairs found / closest other", f"{results['dev']['pairs']} pairs; "
             + f"closest other {results['dev']['max_other_similarity']:.3f}", None),
            ("republished dev copies", f"R {r['recall']:.3f} P {r['precision']:.3f}",
             r["recall"] == 1 and r["precision"] == 1),
            ("saved pages", f"titles {p['titles']}/{p['pages']}, dates {p['dates']}/{p['pages']}, "
             + f"body {p['body_recall']:.3f}, leaked {p['leaked_lines']}",
             p["titles"] == p["dates"] == p["pages"] and p["body_recall"] >= 0.99
             and p["leaked_lines"] == 0),
        ]
    d = results["dups"]
    lines.append((f"near-duplicates at {n:,}", f"R {d['recall']:.4f} >= {TARGETS['pairs_recall']}"
                  + f", P {d['precision']:.4f} >= {TARGETS['pairs_precision']}",
                  d["recall"] >= TARGETS["pairs_recall"]
                  and d["precision"] >= TARGETS["pairs_precision"]))
    if d["share"] is not None:
        lines.append(("detection time / bench/run.py", f"{d['share']:.1%} <= "
                      + f"{TARGETS['time_share']:.0%}", d["share"] <= TARGETS["time_share"]))
    for name, figures, ok in lines:
        verdict = "" if ok is None else ("met" if ok else "NOT met")
        print(f"{name:<40} {figures:<52} {verdict}")


if __name__ == "__main__":
    raise SystemExit(main())
