"""After loading: page furniture, syndicated stories and languages (one corpus-level step).

`finish(articles, languages)` runs on the loaded articles table, in this order:

1. page furniture (`newslens.io.furniture`): per-article rules on each body;
2. stories (`newslens.io.syndication`) on the cleaned bodies: `story_id`, `is_copy`, `copy_of`;
3. site boilerplate: lines repeated in several stories of one source are removed too;
4. language (`newslens.io.language`) of the cleaned headline and body.

`text` becomes the cleaned body (every offset of the analysis tables indexes it) and
`raw_text` keeps the body as loaded; `n_words` counts the cleaned body, `furniture_lines` the
lines removed. Load report rows: "N page-furniture lines removed (rule counts)" per article
that lost lines, and "not analysed: language xx" per article outside `languages`.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import pandas as pd

from newslens import schema
from newslens.io import furniture, language, syndication
from newslens.io.records import _WORD  # counts `n_words` as the loader does

COLUMNS = ("raw_text", "furniture_lines", "story_id", "is_copy", "copy_of", "language")
BATCH_SUFFIXES = (".json", ".jsonl", ".csv")


def place(path: str, article_id: str) -> tuple[str, int | None]:
    """The load report's place of an article: (its file, record number N in a batch file)."""
    stem = PurePosixPath(path).stem
    if PurePosixPath(path).suffix.lower() in BATCH_SUFFIXES:
        match = re.fullmatch(rf"{re.escape(stem)}-(\d+)(?:-[0-9a-f]{{8}}(?:-\d+)?)?", article_id)
        if match:
            return path, int(match.group(1))
    return path, None


def clean_texts(articles: pd.DataFrame) -> tuple[list, pd.DataFrame]:
    """(furniture.Cleaned per article, story columns): steps 1-3 of the module doc."""
    rules = furniture.load_rules()
    titles = articles["title"].fillna("").astype(str).tolist()
    raw = articles["text"].fillna("").astype(str).tolist()
    cleaned = [furniture.clean(text, title, rules) for text, title in zip(raw, titles)]
    story = syndication.stories(articles, texts=[c.text for c in cleaned])
    sources = articles["source"].fillna("").astype(str).str.strip().str.lower().tolist()
    drops = furniture.repeated_lines([c.text for c in cleaned], sources,
                                     story["story_id"].tolist(), rules)
    cleaned = [furniture.clean(text, title, rules, drop_keys=drop) if drop else c
               for text, title, drop, c in zip(raw, titles, drops, cleaned)]
    return cleaned, story


def finish(articles: pd.DataFrame, languages=None) -> tuple[pd.DataFrame, list[tuple]]:
    """(articles with the columns of the module doc, load report rows as (file, record number
    or None, problem, action))."""
    codes = language.normalise_languages(languages)
    out = articles.copy()
    cleaned, story = clean_texts(out)
    out["raw_text"] = out["text"]
    out["text"] = [c.text for c in cleaned]
    out["n_words"] = [n if not c.removed else len(_WORD.findall(c.text))
                      for n, c in zip(out["n_words"], cleaned)]
    out["furniture_lines"] = [len(c.removed) for c in cleaned]
    for column in ("story_id", "is_copy", "copy_of"):
        out[column] = story[column].to_numpy()
    out["language"] = language.identify_all(out["title"].fillna("").astype(str), out["text"])
    report = []
    for path, article_id, c, lang in zip(out["path"], out["article_id"], cleaned,
                                         out["language"]):
        where = place(str(path), str(article_id))
        if c.removed:
            report.append((*where, furniture.summary(c.removed),
                           "removed from the analysed text (kept in raw_text)"))
        if codes is not None and lang not in codes:
            report.append((*where, f"not analysed: language {lang}",
                           "kept, left out of the analysis tables"))
    out.attrs["languages"] = codes if codes is not None else ("all",)
    names = schema.table("articles").names
    out = out[[c for c in names if c in out.columns] + [c for c in out.columns if c not in names]]
    return out.astype({"furniture_lines": "int64", "is_copy": "bool"}), report
