"""Deterministic generator of news-like articles for benchmarks and engine tests.

Articles (~600 words) are built from the gazetteers' actors (data/actors.yml) and regions
(data/regions.yml; a built-in list when missing): quotations with reporting verbs, titles and
abbreviations ("U.S.", "Mr.", "Dec. 2", "5 p.m."), numbers, casualties, distances, percentages.
Article `i` depends only on (seed, i), so `generate(n + 1)` is `generate(n)` plus one article.

    python bench/corpus.py 1000 --out bench/out/corpus-1000.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

import pandas as pd
import yaml
from newslens.paths import data_dir

_FALLBACK_PEOPLE = [
    ("Vladimir Putin", "Putin", ["Russian President"], "Mr."),
    ("Volodymyr Zelensky", "Zelensky", ["Ukrainian President"], "Mr."),
    ("Donald Trump", "Trump", ["President"], "Mr."),
    ("Steve Witkoff", "Witkoff", ["special envoy"], "Mr."),
]
_FALLBACK_STATES = ["Russia", "Ukraine", "the United States", "NATO", "the European Union"]
_FALLBACK_REGIONS = ["Donetsk", "Luhansk", "Zaporizhzhia", "Kherson", "Crimea", "Kharkiv",
                     "Pokrovsk", "Bakhmut", "Odesa", "Sumy"]

SOURCES = ["Daily Ledger", "Global Wire", "Morning Courier", "Eastern Observer", "The Dispatch",
           "Capital Times", "Northern Post", "World Report"]
VERBS = ["said", "told reporters", "insisted", "warned", "stressed", "added", "argued",
         "claimed", "noted", "declared", "acknowledged", "rejected the idea"]
POSITIVE = ["a constructive step", "real progress", "a fair and lasting peace", "a good basis",
            "an encouraging sign", "a strong partnership", "a successful meeting"]
NEGATIVE = ["a dangerous escalation", "a brutal assault", "an unacceptable demand",
            "a terrible failure", "a cynical ploy", "a grave threat", "a disastrous plan"]
NEUTRAL = ["the next round of talks", "the draft framework", "the security guarantees",
           "the ceasefire proposal", "the prisoner exchange", "the energy deal"]
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
          "Nov.", "Dec."]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _load_yaml(name: str) -> dict:
    path = data_dir() / name
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}
    except (OSError, yaml.YAMLError):
        return {}


def vocabulary() -> dict:
    """People, collective actors and places taken from the gazetteers (fallbacks if missing)."""
    actors = _load_yaml("actors.yml").get("actors") or []
    people, states = [], []
    for a in actors:
        if not isinstance(a, dict) or not a.get("name"):
            continue
        aliases = [x for x in (a.get("aliases") or []) if isinstance(x, str)]
        if a.get("kind") == "person":
            surname = min(aliases, key=len) if aliases else a["name"].split()[-1]
            titles = [t for t in (a.get("titles") or []) if isinstance(t, str)] or [""]
            honorific = "Ms." if a.get("gender") == "female" else "Mr."
            people.append((a["name"], surname, titles, honorific))
        else:
            states.extend([a["name"], *aliases[:2]])
    regions = [r["name"] for r in (_load_yaml("regions.yml").get("regions") or [])
               if isinstance(r, dict) and r.get("kind") in {"oblast", "town", "city"}
               and isinstance(r.get("name"), str) and "(" not in r["name"]]
    return {
        "people": people or _FALLBACK_PEOPLE,
        "states": sorted(set(states)) or _FALLBACK_STATES,
        "regions": regions or _FALLBACK_REGIONS,
    }


def _num(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"{rng.randrange(2, 60):,} percent"
    if kind == 1:
        return f"{rng.randrange(1, 900) * 100:,} troops"
    if kind == 2:
        return f"${rng.randrange(1, 400)} billion"
    if kind == 3:
        return f"{rng.randrange(5, 300)} kilometers (about {rng.randrange(3, 190)} miles)"
    if kind == 4:
        return f"{rng.randrange(2, 95)} civilians"
    return f"{rng.randrange(2, 40)} drones"


def _sentence(rng: random.Random, v: dict, person: tuple, other: tuple) -> str:  # noqa: C901
    """One generated sentence: a flat list of templates picked by one random draw."""
    name, surname, titles, hon = person
    state, region = rng.choice(v["states"]), rng.choice(v["regions"])
    region2 = rng.choice(v["regions"])
    title = rng.choice(titles)
    full = f"{title} {name}".strip()
    verb = rng.choice(VERBS)
    tone = rng.choice(POSITIVE + NEGATIVE + NEUTRAL)
    hour = f"{rng.randrange(1, 12)} {rng.choice(['a.m.', 'p.m.'])}"
    date = f"{rng.choice(MONTHS)} {rng.randrange(1, 29)}"
    k = rng.randrange(16)
    if k == 0:
        return f"“We will not accept {tone},” {full} {verb} on {rng.choice(DAYS)}."
    if k == 1:
        return (f"“This is {tone} for {state},” {hon} {surname} {verb}, adding that "
                f"{other[1]} had been informed.")
    if k == 2:
        return f"{surname} {verb} that {state} would not withdraw from {region}."
    if k == 3:
        return (f"According to the Institute for the Study of War, forces advanced about "
                f"{_num(rng)} near {region} in the past week.")
    if k == 4:
        return (f"The U.S. delegation is expected in Moscow on {date}, and talks could begin "
                f"at {hour} local time.")
    if k == 5:
        return (f"At least {_num(rng)} were reported in {region} after strikes overnight, "
                f"officials in {region2} said.")
    if k == 6:
        return f"{other[0]} called the plan {tone}, but {surname} dismissed the criticism."
    if k == 7:
        return (f"Russia claims the {region} and {region2} regions, which it only partly "
                f"controls, as its own territory.")
    if k == 8:
        return (f"“Is this {tone}?” {surname} asked. “We have said so many times: "
                f"{region} is not for sale.”")
    if k == 9:
        return f"The meeting ended at {hour} Officials gave no details."
    if k == 10:
        return (f"Analysts estimate the package at {_num(rng)}, roughly {_num(rng)} more than "
                f"the U.S. offered in {rng.choice(MONTHS)} {rng.randrange(2019, 2026)}.")
    if k == 11:
        return (f"{state} has repeatedly criticised {other[1]}, describing the proposal as "
                f"{tone}.")
    if k == 12:
        return (f"In a video address, {surname} thanked {state} for its support and praised "
                f"{tone}.")
    if k == 13:
        return (f"Ukrainian troops withdrew from parts of {region} on {date}, ceding roughly "
                f"{rng.randrange(10, 900)} square kilometers.")
    if k == 14:
        return (f"{full} met {other[3]} {other[1]} in Washington, D.C., for {rng.randrange(2, 6)} "
                f"hours, a spokesperson {verb}.")
    return (f"The talks, he {verb}, were {tone}; {other[1]} did not respond to a request for "
            f"comment.")


CLAUSES = [
    ", according to officials familiar with the negotiations",
    ", as diplomats in {region} and Brussels weighed the next steps",
    ", a move that analysts said could reshape the talks over {region}",
    ", even as fighting continued along the front line near {region}",
    ", although neither side has published the full text of the proposal",
    ", which {state} has described as {tone}",
    ", two people briefed on the discussions said on condition of anonymity",
    " after weeks of shuttle diplomacy between Washington, Moscow and Kyiv",
]


def _clause(rng: random.Random, v: dict) -> str:
    """A subordinate clause that lengthens a sentence to news length (~25 words)."""
    return rng.choice(CLAUSES).format(region=rng.choice(v["regions"]),
                                      state=rng.choice(v["states"]),
                                      tone=rng.choice(POSITIVE + NEGATIVE + NEUTRAL))


def article(i: int, seed: int = 0, vocab: dict | None = None, words: int = 600) -> dict:
    """Article number `i` (a record with title, text, source, published, url)."""
    v = vocab or vocabulary()
    rng = random.Random(f"{seed}:{i}")
    person, other = rng.sample(v["people"], 2)
    region = rng.choice(v["regions"])
    title = rng.choice([
        f"{person[1]} Doubles Down on Demands Over {region} Ahead of Talks",
        f"{other[1]} and {person[1]} Clash Over Peace Plan",
        f"Fighting Intensifies Near {region} as Envoys Meet",
        f"U.S. Envoy Heads to Moscow; {person[1]} Signals Flexibility",
    ])
    paragraphs, n = [], 0
    while n < words:
        para = []
        for _ in range(rng.randrange(2, 5)):
            speaker, counterpart = (person, other) if rng.random() < 0.6 else (other, person)
            s = _sentence(rng, v, speaker, counterpart)
            if s.endswith(".") and not s.endswith(("”", "p.m.", "a.m.")) and rng.random() < 0.7:
                s = s[:-1] + _clause(rng, v) + "."
            para.append(s)
            n += s.count(" ") + 1
        paragraphs.append(" ".join(para))
    day = 1 + i % 28
    return {
        "title": title,
        "text": "\n".join(paragraphs),
        "source": SOURCES[rng.randrange(len(SOURCES))],
        "published": f"2025-{1 + (i // 28) % 12:02d}-{day:02d}T{rng.randrange(24):02d}:00:00",
        "url": f"https://example.com/news/{seed}/{i}",
    }


def generate(n: int, seed: int = 0, start: int = 0) -> pd.DataFrame:
    """`n` articles shaped like `newslens.load_corpus` output (article ids bench-000000, ...)."""
    v = vocabulary()
    rows = []
    for i in range(start, start + n):
        rec = article(i, seed, v)
        title, text = rec["title"], rec["text"]
        norm = f"{' '.join(title.split())}\n{' '.join(text.split())}"
        rows.append({
            "article_id": f"bench-{i:06d}", "title": title, "text": text,
            "source": rec["source"], "published": pd.Timestamp(rec["published"]),
            "url": rec["url"], "path": f"bench-{seed}.jsonl:{i + 1}",
            "n_words": len(text.split()), "sha256": hashlib.sha256(norm.encode()).hexdigest(),
        })
    frame = pd.DataFrame(rows, columns=["article_id", "title", "text", "source", "published",
                                        "url", "path", "n_words", "sha256"])
    frame["published"] = frame["published"].astype("datetime64[us]")
    # What load_corpus adds after loading (generated articles have no furniture and no copies).
    frame = frame.assign(raw_text=frame["text"], furniture_lines=0, story_id=frame["article_id"],
                         is_copy=False, copy_of="", language="en")
    return frame


def bench_articles(n: int, folder: str | None = None) -> pd.DataFrame:
    """The articles of a folder (`newslens.load_corpus`) when given, else `generate(n)`."""
    if folder:
        import newslens
        return newslens.load_corpus(folder)
    return generate(n)


def write_jsonl(path: str | Path, n: int, seed: int = 0) -> Path:
    """Write `n` articles as JSON lines (readable by `newslens.load_corpus`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    v = vocabulary()
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(article(i, seed, v), ensure_ascii=False) + "\n" for i in range(n))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="output .jsonl (default bench/out/...)")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).parent / "out" / f"corpus-{args.n}-{args.seed}.jsonl"
    print(write_jsonl(out, args.n, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
