"""Hostile corpora: no exception escapes `load_corpus`, every input path is loaded or reported
(by path, with the reason), the good files always load, and nothing from an article runs in a
report. Each class of hostile input is generated here (invented text only); property-based
cases (hypothesis) throw arbitrary bytes, JSON values, YAML and CSV at the parsers.
"""

from __future__ import annotations

import codecs
import copy
import csv
import errno
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newslens.engine import cache as cache_mod
from newslens.engine import columnar, storage
from newslens.engine import runner as engine
from newslens.engine.stages import Registry, Stage
from newslens.io import syndication
from newslens.io.corpus import CorpusError, display, load_corpus, load_report
from newslens.paths import PROJECT_DIR
from newslens.report.display import show
from newslens.text.sentences import sentences as sentence_stage

settings.register_profile("hostile", max_examples=40, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("hostile")

GOOD_TITLE = "Envoys Meet in Geneva"
GOOD_BODY = ("Negotiators from both sides met in Geneva on Tuesday.\n"
             "The talks will resume next week.")
OUTSIDE = "Secret outside title\nThis file lies outside the corpus and must never load."


def write(folder: Path, name: str | bytes, content: str | bytes = "") -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def fm(front: str, body: str = "A short body about the talks.\n") -> str:
    return f"---\n{front}\n---\n{body}"


def laughs() -> str:
    lines = ["title: Laughs", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return fm("\n".join(lines))


def _symlinks(folder: Path) -> None:
    root = folder
    while root.name != "corpus":
        root = root.parent
    outside = root.parent / f"{folder.name}-outside.txt"
    outside.write_text(OUTSIDE)
    os.symlink(outside, folder / "leak.txt")


def _unreadable(folder: Path, monkeypatch) -> None:
    write(folder, "locked/inside.txt", "Locked\nA body that cannot be read.")
    real = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


# name -> (make(folder), expected report path -> problem fragment; loaded paths)
CASES = {
    "deep_json": (lambda d: write(d, "deep.json", "[" * 100_000 + "]" * 100_000),
                  {"deep.json:1": "nested too deeply"}),
    "deep_record_in_list": (
        lambda d: write(d, "list.json", '[{"title": "Kept", "text": "Kept body."}, '
                        + '{"x": ' + "[" * 5000 + "]" * 5000 + "}]"),
        {"list.json:2": "nested too deeply", "+list.json": "Kept"}),
    "deep_jsonl": (lambda d: write(d, "d.jsonl", '{"m": ' + "[" * 5000 + "]" * 5000 + "}\n"
                                   '{"title": "Line two", "text": "Second line body."}\n'),
                   {"d.jsonl:1": "nested too deeply", "+d.jsonl": "Line two"}),
    "deep_yaml": (lambda d: write(d, "y.md", fm("title: Deep\nx: " + "[" * 3000 + "]" * 3000)),
                  {"y.md": "nested deeper than 32 levels"}),
    "deep_metadata": (lambda d: write(d, "m.json", json.dumps(
        {"title": "Meta", "text": "Meta body.", "x": json.loads("[" * 40 + "]" * 40)})),
        {"m.json": "'x': nested deeper than 32 levels"}),
    "huge_int_json": (lambda d: write(d, "i.json", '{"title": "Int", "text": "Int body.", '
                                      '"views": ' + "7" * 5000 + "}"),
                      {"i.json": "integer with 5,000 digits"}),
    "huge_int_yaml": (lambda d: write(d, "i.md", fm("title: Int\nviews: " + "7" * 5000)),
                      {"i.md": "integer with 5,000 digits"}),
    "lone_surrogates": (lambda d: write(d, "s.json", '{"title": "A \\ud800 title", '
                                        '"text": "Body \\udfff.", "\\udc00k": "\\ud83d"}'),
                        {"s.json": "lone surrogate"}),
    "impossible_dates": (lambda d: (write(d, "d1.md", fm("title: Feb\ndate: 2025-02-30")),
                                    write(d, "d2.md", fm("title: M13\ndate: 2025-13-01",
                                                         "Another body.\n"))),
                         {"d1.md": "unparseable date '2025-02-30'",
                          "d2.md": "unparseable date '2025-13-01'"}),
    "non_utf8_name": (lambda d: write(d, b"caf\xe9.txt", "Cafe\nA body in a badly named file."),
                      {"caf\\xe9.txt": "name is not valid UTF-8", "+caf\\xe9.txt": "Cafe"}),
    "billion_laughs": (lambda d: write(d, "lol.md", laughs()),
                       {"lol.md": "YAML aliases expanded"}),
    "yaml_cycle": (lambda d: write(d, "c.md", fm("title: Cycle\nloop: &l [*l]")),
                   {"c.md": "nested deeper than"}),
    "long_article": (lambda d: write(d, "long.txt", "Long\n" + "word " * 120_000),
                     {"long.txt": "more than the limit of 500,000"}),
    "long_title": (lambda d: write(d, "t.json", json.dumps({"title": "Title " * 400,
                                                           "text": "Body of a long title."})),
                   {"t.json": "title has 2,399 characters"}),
    "hidden": (lambda d: (write(d, ".secret.txt", "Hidden\nHidden body."),
                          write(d, ".cache/x.txt", "Hidden\nHidden folder body.")),
               {".secret.txt": "hidden file", ".cache": "hidden folder"}),
    "symlink_outside": (_symlinks, {"leak.txt": "outside the corpus, not followed"}),
    "dangling_symlink": (lambda d: os.symlink(d / "missing.txt", d / "dangling.txt"),
                         {"dangling.txt": "dangling symbolic link"}),
    "symlink_loop": (lambda d: (os.symlink("b.txt", d / "a.txt"), os.symlink("a.txt", d / "b.txt")),
                     {"a.txt": "symbolic link loop", "b.txt": "symbolic link loop"}),
    "symlinked_folder": (lambda d: (write(d, "real/r.txt", "Real\nThe real folder's body."),
                                    os.symlink(d / "real", d / "alias")),
                         {"alias": "symbolic link to a folder", "+real/r.txt": "Real"}),
    "fifo": (lambda d: os.mkfifo(d / "pipe.txt"), {"pipe.txt": "special file (FIFO)"}),
    "unreadable_folder": (_unreadable, {"locked": "unreadable folder: Permission denied"}),
    "empty_json_list": (lambda d: write(d, "e.json", "[]"), {"e.json": "empty JSON list"}),
    "header_only_csv": (lambda d: write(d, "h.csv", "title,text\n"),
                        {"h.csv": "header but no rows"}),
    "empty_file": (lambda d: write(d, "e.md", ""), {"e.md": "empty file"}),
    "utf32_bom": (lambda d: (
        write(d, "le.txt", codecs.BOM_UTF32_LE + "Thirty two\nUTF-32 body.".encode("utf-32-le")),
        write(d, "be.txt", codecs.BOM_UTF32_BE + "Thirty two BE\nUTF-32 BE.".encode("utf-32-be"))),
        {"+le.txt": "Thirty two", "+be.txt": "Thirty two BE"}),
    "utf16_bom": (lambda d: write(d, "u16.txt", "Sixteen\nUTF-16 body.".encode("utf-16")),
                  {"+u16.txt": "Sixteen"}),
    "utf16_no_bom": (lambda d: (
        write(d, "en.txt", "No mark\nAn English body.".encode("utf-16-le")),
        write(d, "ru.txt", "Переговоры\nДелегации встретились в Женеве.".encode("utf-16-be"))),
        {"en.txt": "decoded as UTF-16-LE", "ru.txt": "decoded as UTF-16-BE",
         "+en.txt": "No mark", "+ru.txt": "Переговоры"}),
    "nul_late": (lambda d: write(d, "n.txt", "Nul\n" + "Words here. " * 1000 + "\x00end."),
                 {"n.txt": "1 control character(s) removed (NUL)"}),
    "binary_after_text": (
        lambda d: write(d, "b.txt", b"Text head\n" * 900 + bytes(range(256)) * 40),
        {"b.txt": "binary file"}),
    "ansi_colours": (
        lambda d: write(d, "a.txt", "\x1b[1;31mRed Title\x1b[0m\nBody \x1b[32mgreen\x1b[0m."),
        {"a.txt": "ANSI escape sequence", "+a.txt": "Red Title"}),
    "non_string_fields": (lambda d: write(d, "n.json", '[{"title": NaN, "text": "Body one."}, '
                                          '{"title": ["a", "b"], "text": "Body two."}, '
                                          '{"title": true, "text": {"p": 1}}, '
                                          '{"title": 1.5, "text": "Body four."}]'),
                          {"n.json:1": "title is NaN", "n.json:2": "title is a list",
                           "n.json:3": "text is an object", "n.json:4": "title is a number"}),
    "duplicate_csv_columns": (lambda d: write(d, "dup.csv", "title,text,text\nT,first,second\n"),
                              {"dup.csv": "duplicate CSV column 'text'", "+dup.csv": "T"}),
    "unclosed_csv_quote": (lambda d: write(d, "q.csv", 'title,text\nA,"never closed\n'
                                           "B,Second body.\nC,Third body.\n"),
                           {"q.csv:1": "unclosed quote", "+q.csv": "C"}),
    "yaml_binary": (lambda d: write(d, "bin.md", fm("title: Bin\nphoto: !!binary aGVsbG8=")),
                    {"bin.md": "binary data (YAML !!binary)"}),
    "invisible_body": (lambda d: write(d, "z.txt", "Zero\n\u200b\u200c\u200d\u2060\ufeff \u00ad"),
                       {"z.txt": "only invisible characters"}),
    "duplicate_json_keys": (lambda d: write(d, "k.json", '{"title": "K", "text": "One.", '
                                            '"text": "Two."}'),
                            {"k.json": "duplicate key 'text'"}),
    "json_scalar": (lambda d: write(d, "s.json", '"just a string"'),
                    {"s.json": "not a JSON object"}),
    "broken_record_in_list": (lambda d: write(d, "b.json", '[{"title": "Fine", "text": "Fine."},'
                                              ' {"title": "Bad" "text": 1}]'),
                              {"b.json:2": "malformed JSON record", "+b.json": "Fine"}),
    "unsupported": (lambda d: write(d, "doc.pdf", b"%PDF-1.4"), {"doc.pdf": "unsupported"}),
    "huge_front_matter": (lambda d: write(d, "f.md", fm("title: F\nx: " + "y" * 120_000)),
                          {"f.md": "front matter has"}),
    "date_as_title": (lambda d: write(d, "dt.md", fm("title: 2025-01-02")),
                      {"dt.md": "title is a date"}),
    "deep_folders": (lambda d: write(d, "/".join(["n"] * 150) + "/deep.txt",
                                     "Deep\nA body far down."),
                     {"+" + "/".join(["n"] * 150) + "/deep.txt": "Deep"}),
}


def make_good(folder: Path) -> None:
    write(folder, "good.txt", f"{GOOD_TITLE}\n{GOOD_BODY}\n")


def input_paths(folder: Path) -> list[str]:
    """Every entry under `folder` that load_corpus must account for (display form): regular
    files, and entries that are not plain folders (links, FIFOs); hidden folders included."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = Path(dirpath).relative_to(folder)
        for name in filenames + [n for n in dirnames if os.path.islink(os.path.join(dirpath, n))]:
            out.append("/".join(display(p) for p in (rel / name).parts))
    return sorted(out)


def accounted(path: str, articles: pd.DataFrame, report: pd.DataFrame) -> bool:
    if path in set(articles["path"]):
        return True
    return any(p == path or p.startswith(path + ":") or path.startswith(p + "/")
               for p in report["path"])


_FORBIDDEN = re.compile("[\x00\x1b\ud800-\udfff]")


def check_load(folder: Path, cells_are_text: bool = False
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load `folder` (must not raise), then check the good file and that nothing is lost; no
    title or text may be the repr of a non-text value (unless every input cell is text, as in
    a CSV, where a title "[" or "None" is what was written)."""
    articles = load_corpus(folder)
    report = load_report(articles)
    good = articles.set_index("path").loc["good.txt"]
    assert (good["title"], good["text"]) == (GOOD_TITLE, GOOD_BODY)
    missing = [p for p in input_paths(folder) if not accounted(p, articles, report)]
    assert not missing, f"neither loaded nor reported: {missing}"
    for column in ("title", "text"):
        values = articles[column]
        assert all(isinstance(v, str) for v in values)
        assert not [v for v in values if _FORBIDDEN.search(v)]
        if not cells_are_text:
            assert not values.isin(["nan", "None", "True", "[]"]).any()
    if not cells_are_text:
        assert not articles["title"].str.contains(r"^\[|^\{").any()
    return articles, report


def check_expected(expected: dict, articles: pd.DataFrame, report: pd.DataFrame) -> None:
    for where, fragment in expected.items():
        if where.startswith("+"):  # loaded, with this title
            titles = articles.loc[articles["path"] == where[1:], "title"].tolist()
            assert fragment in titles, (where, titles)
        else:
            problems = report.loc[report["path"] == where, "problem"].tolist()
            assert any(fragment in p for p in problems), (where, fragment, problems)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_class_next_to_a_good_file(name, tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    make_good(folder)
    make, expected = CASES[name]
    if make is _unreadable:
        make(folder, monkeypatch)
    else:
        make(folder)
    articles, report = check_load(folder)
    check_expected(expected, articles, report)


def test_every_hostile_class_in_one_folder(tmp_path, monkeypatch):
    """The acceptance case: good files among all the hostile ones, each bad one reported."""
    folder = tmp_path / "corpus"
    for name, (make, _) in sorted(CASES.items()):
        sub = folder / name
        sub.mkdir(parents=True)
        make(sub, monkeypatch) if make is _unreadable else make(sub)
    make_good(folder)
    articles, report = check_load(folder)
    for name, (_, expected) in CASES.items():
        prefixed = {("+" if k.startswith("+") else "") + f"{name}/{k.lstrip('+')}": v
                    for k, v in expected.items()}
        check_expected(prefixed, articles, report)
    assert articles.memory_usage(deep=True).sum() < 5_000_000  # no alias blow-up
    assert not any(OUTSIDE.split("\n")[1] in t for t in articles["text"])


def test_empty_corpus_argument_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_good(tmp_path)
    for empty in ("", "   "):
        with pytest.raises(CorpusError, match="Empty corpus path"):
            load_corpus(empty)


def test_nothing_bad_only_is_a_clear_error(tmp_path):
    write(tmp_path, "e.json", "[]")
    os.mkfifo(tmp_path / "p.txt")
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert [row[0] for row in err.value.report] == ["e.json", "p.txt"]
    assert "e.json: empty JSON list" in str(err.value)


def test_max_article_chars_is_configurable(tmp_path, monkeypatch):
    make_good(tmp_path)
    write(tmp_path, "long.txt", "Long one\n" + "word " * 40)
    articles = load_corpus(tmp_path, max_article_chars=100)
    assert list(articles["path"]) == ["good.txt"]
    assert load_report(articles)["problem"].tolist() == [
        "article has 199 characters, more than the limit of 100"]
    monkeypatch.setenv("NEWSLENS_MAX_ARTICLE_CHARS", "150")
    assert list(load_corpus(tmp_path)["path"]) == ["good.txt"]
    assert list(load_corpus(tmp_path, max_article_chars=1000)["path"]) == ["good.txt", "long.txt"]


# ---- nothing from an article runs in a report ----------------------------------------------

PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
            '" onmouseover="alert(1)', "</td></tr></table><iframe src=javascript:alert(1)>"]
_SAFE_TAG = re.compile(r"</?(?:div|p|code|table|caption|thead|tbody|tr|th|td|em|wbr)\b([^<>]*)>")
_SAFE_ATTRS = re.compile(r'(?:\s+(?:style="[^"<>]*"|class="newslens-[a-z -]+"|id="T_[0-9a-f]+"'
                         r'|colspan="\d+"))*\s*/?')


def assert_inert(html: str) -> None:
    for m in _SAFE_TAG.finditer(html):
        assert _SAFE_ATTRS.fullmatch(m.group(1)), m.group(0)
    rest = _SAFE_TAG.sub("", html)
    assert "<" not in rest and ">" not in rest, rest[:200]


def test_article_content_is_escaped_in_reports(tmp_path):
    make_good(tmp_path)
    for i, payload in enumerate(PAYLOADS):
        write(tmp_path, f"p{i}.json", json.dumps({"title": payload, "text": f"Body {payload}",
                                                  payload: payload, "source": payload}))
    write(tmp_path, "<img src=x onerror=alert(1)>.txt", "Title\nA body.")
    write(tmp_path, "<script>x</script>.csv", "title,text\n")
    articles = load_corpus(tmp_path)
    assert set(PAYLOADS) <= set(articles["title"])  # kept as data...
    for table in (articles, load_report(articles)):
        assert_inert(show(table, caption=PAYLOADS[0], interactive=False)._repr_html_())
        # ...never as markup (interactive tables: tests/test_display.py)


# ---- property-based: arbitrary input never escapes, every file is accounted for ------------

def _load_with(files: dict[str, bytes], cells_are_text: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_good(folder)
        for name, content in files.items():
            write(folder, name, content)
        check_load(folder, cells_are_text)


@given(st.sampled_from([".txt", ".md", ".json", ".jsonl", ".csv"]), st.binary(max_size=600))
def test_arbitrary_bytes(suffix, data):
    _load_with({f"x{suffix}": data})


_TEXT = st.text(max_size=20) | st.builds(lambda a, b: a + "\ud800" + b, st.text(max_size=5),
                                         st.text(max_size=5))
_SCALARS = (st.none() | st.booleans() | st.integers(-10**150, 10**150)
            | st.floats(allow_nan=True, allow_infinity=True) | _TEXT)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=12)
_KEYS = st.sampled_from(["title", "text", "body", "date", "source", "url", "tags"]) | _TEXT
_RECORDS = st.dictionaries(_KEYS, _VALUES, max_size=6)


@given(st.lists(_RECORDS | _VALUES, max_size=4))
def test_arbitrary_json_records(records):
    dumped = [json.dumps(r, allow_nan=True) for r in records]
    _load_with({"x.json": ("[" + ", ".join(dumped) + "]").encode("utf-8", "surrogatepass"),
                "y.jsonl": "\n".join(dumped).encode("utf-8", "surrogatepass")})


@given(_RECORDS.map(lambda r: {k: v for k, v in r.items() if isinstance(k, str)}),
       st.text(max_size=40))
def test_arbitrary_front_matter(record, body):
    try:
        front = yaml.safe_dump(record, allow_unicode=False)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        front = str(record)
    content = f"---\n{front}---\n{body}"
    _load_with({"x.md": content.encode("utf-8", "surrogatepass"),
                "y.md": f"---\n{body}\n---\n{front}".encode("utf-8", "surrogatepass")})


@given(st.lists(st.lists(st.text(max_size=12), max_size=4), max_size=5),
       st.text(alphabet='ab,"\n\r =-@', max_size=60))
def test_arbitrary_csv(rows, raw):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["title", "text", "date"], *rows])
    _load_with({"x.csv": buffer.getvalue().encode("utf-8", "surrogatepass"),
                "y.csv": ("title,text\n" + raw).encode("utf-8")}, cells_are_text=True)


# ---- issue 24: nothing lost, nothing mixed up ------------------------------------------------
# One test per case of the second round of hostile inputs (invented inputs only). Each failed on
# main 2727f22.



STORY = ("Negotiators from both delegations met in a lakeside hotel on Tuesday. "
         "They discussed a prisoner exchange, grain shipments and the safety of a power plant. "
         "A spokesman said the meeting had been useful and that talks would resume next week.")


def _lengths(sentences: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"article_id": sentences["article_id"].to_numpy(),
                         "words": sentences["text"].str.split().str.len().to_numpy("int64")})


TOY = Registry((Stage("sentences", sentence_stage, reads=("articles",), writes=("sentences",)),
                Stage("lengths", _lengths, reads=("sentences",), writes=("lengths",))))


def toy_articles(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(n)],
                         "title": [f"Talks, day {i}" for i in range(n)],
                         "text": [f"Day {i}. " + STORY * (1 + i % 2) for i in range(n)]})


def toy_run(articles, folder, **kw):
    return engine.run(articles, TOY, cache=folder, workers=1, **kw)


def same_tables(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)
    for name, table in a.items():
        pd.testing.assert_frame_equal(table.reset_index(drop=True),
                                      b[name].reset_index(drop=True), obj=name)


# Folder names of every shape the old pruning could take for a fingerprint folder.
FOREIGN_NAMES = ["0123456789abcdef0123456789abcdef", "0" * 32, "ABCDEF0123456789ABCDEF0123456789",
                 "x" * 32, "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0",
                 ".0123456789abcdef0123456789abcde", "hashes", "caf\u00e9" * 8]


def _foreign_tree(root: Path) -> dict[Path, bytes]:
    """Folders (and a file, and a link to a folder) of every name shape, each holding a file;
    the oldest ones first, as another tool would leave them."""
    files = {}
    for k, name in enumerate(FOREIGN_NAMES):
        folder = root / name
        folder.mkdir(parents=True)
        path = folder / "notes.txt"
        path.write_bytes(f"keep me {k}".encode())
        (folder / ".used").write_text("1.0")  # even a stamp like the cache's
        os.utime(folder / ".used", (1_000 + k, 1_000 + k))
        files[path] = path.read_bytes()
    elsewhere = root.parent / f"{root.name}-elsewhere"
    elsewhere.mkdir()
    (elsewhere / "data.txt").write_text("linked data")
    files[elsewhere / "data.txt"] = b"linked data"
    os.symlink(elsewhere, root / ("f" * 32))
    (root / ("e" * 32)).write_text("a file with a fingerprint's name")
    files[root / ("e" * 32)] = (root / ("e" * 32)).read_bytes()
    return files


def test_cache_dir_with_foreign_folders_is_refused_and_left_alone(tmp_path):
    """Case: --cache-dir at a folder of other folders with 32-character names deleted the oldest
    of them with their files. A non-empty unmarked folder is now refused, nothing touched."""
    root = tmp_path / "hashes"
    files = _foreign_tree(root)
    before = sorted(p.name for p in root.iterdir())
    with pytest.warns(cache_mod.NotACacheWarning, match="not a newslens cache"):
        result = toy_run(toy_articles(), root)
    assert result.stats.cached == 0
    assert sorted(p.name for p in root.iterdir()) == before
    assert {p: p.read_bytes() for p in files} == files


def test_pruning_touches_only_marked_folders(tmp_path):
    """Target: nothing outside the cache's own marked folders is ever deleted, whatever the
    name shape, even inside a marked cache folder, while old marked folders are pruned."""
    root = tmp_path / "cache"
    toy_run(toy_articles(2), root)  # a new folder: made and marked by the cache
    assert cache_mod.is_cache_root(root)
    files = _foreign_tree(root)
    old = []
    for k in range(cache_mod.KEEP_FINGERPRINTS + 2):
        folder = root / f"{0xa000 + k:032x}"
        folder.mkdir()
        (folder / cache_mod.FOLDER_MARKER).write_text(f"{0xa000 + k:032x}" + "0" * 32 + "\n")
        (folder / ".used").write_text("1.0")
        os.utime(folder / ".used", (2_000 + k, 2_000 + k))
        old.append(folder)
    toy_run(toy_articles(3), root)
    assert {p: p.read_bytes() for p in files} == files  # every foreign file is still there
    kept = [f for f in old if f.exists()]
    assert kept == old[-(cache_mod.KEEP_FINGERPRINTS - 1):]  # the newest marked ones


def test_cli_refuses_a_foreign_cache_dir_before_work(tmp_path, capsys, monkeypatch):
    from newslens.cli import main

    monkeypatch.setattr(engine, "analyze_to", lambda *a, **k: pytest.fail("work started"))
    root = tmp_path / "mine"
    files = _foreign_tree(root)
    corpus = write(tmp_path / "corpus", "a.txt", f"{GOOD_TITLE}\n{GOOD_BODY}")
    code = main(["analyze", str(corpus.parent), "--out", str(tmp_path / "out"),
                 "--cache-dir", str(root)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --cache-dir") and err.count("\n") == 1
    assert "not a newslens cache" in err
    assert {p: p.read_bytes() for p in files} == files


def test_relative_corpus_path_never_falls_back_to_the_project(tmp_path, monkeypatch):
    """Case: `analyze docs` from another folder analysed the project's own docs/."""
    assert (PROJECT_DIR / "docs").is_dir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus("docs")
    write(tmp_path, "docs/mine.txt", f"{GOOD_TITLE}\n{GOOD_BODY}")
    assert load_corpus("docs")["path"].tolist() == ["mine.txt"]


@pytest.mark.parametrize("where", ["out_in_corpus", "corpus_in_out", "same"])
def test_out_and_corpus_must_be_apart(where, tmp_path, capsys, monkeypatch):
    """Case: --out inside the corpus folder made the second run load its own CSVs as articles."""
    from newslens.cli import main

    monkeypatch.setattr(engine, "analyze_to", lambda *a, **k: pytest.fail("work started"))
    monkeypatch.chdir(tmp_path)
    corpus, out = {"out_in_corpus": ("corpus", "corpus/tables"),
                   "corpus_in_out": ("tables/corpus", "tables"), "same": ("c", "c")}[where]
    write(tmp_path / corpus, "a.txt", f"{GOOD_TITLE}\n{GOOD_BODY}")
    code = main(["analyze", corpus, "--out", out, "--no-cache"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "inside" in err


@pytest.fixture(scope="module")
def tiny_articles() -> pd.DataFrame:
    folder = Path(tempfile.mkdtemp(prefix="newslens-tiny-"))
    write(folder, "a.txt", f"{GOOD_TITLE}\n{GOOD_BODY}")
    write(folder, "b.txt", "Grain Deal Extended\nThe grain corridor stays open for a month.")
    return load_corpus(folder)


def test_csv_no_replaces_the_previous_tables_as_a_whole(tmp_path, tiny_articles):
    """Case: `--csv no` into an existing --out left the previous corpus's CSVs beside the new
    Parquet files. A run now replaces the files of the previous one; others stay."""
    out = tmp_path / "out"
    engine.analyze_to(tiny_articles, out, csv=True, cache=False, workers=1)
    assert (out / "sentences.csv").exists()
    (out / "my-notes.txt").write_text("mine")
    engine.analyze_to(tiny_articles.iloc[:1], out, csv=False, cache=False, workers=1)
    assert sorted(p.name for p in out.glob("*.csv")) == []
    assert (out / "my-notes.txt").read_text() == "mine"
    tables = storage.open_tables(out)
    assert tables.manifest["csv"] is False and len(tables["articles"]) == 1
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_csv_no_message_says_csv_no(tmp_path, capsys, monkeypatch):
    """Case: with --csv no the message said "no CSV above 50,000 articles"."""
    from newslens.cli import main

    def fake(articles, out, **kw):
        writer = storage.TableWriter(out)
        writer.append("articles", articles)
        writer.commit(kw["csv"] is not False, len(articles))
        return engine.RunResult({}, engine.RunStats())

    monkeypatch.setattr(engine, "analyze_to", fake)
    corpus = write(tmp_path / "corpus", "a.txt", f"{GOOD_TITLE}\n{GOOD_BODY}")
    assert main(["analyze", str(corpus.parent), "--out", str(tmp_path / "o"), "--csv", "no",
                 "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "--csv no" in out and "50,000" not in out


def test_two_writers_of_one_out_are_refused(tmp_path):
    """Case: two runs writing one --out at once could mix the tables of both."""
    first = storage.TableWriter(tmp_path / "out")
    with pytest.raises(ValueError, match="another newslens run"):
        storage.TableWriter(tmp_path / "out")
    first.abort()
    second = storage.TableWriter(tmp_path / "out")  # free again once the first is done
    second.abort()
    assert list((tmp_path / "out").iterdir()) == []


def test_two_processes_writing_one_out(tmp_path):
    """The lock holds across processes: a second process is refused while the first writes."""
    script = ("import sys, time; from newslens.engine import storage; "
              "w = storage.TableWriter(sys.argv[1]); print('locked', flush=True); "
              "time.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "out")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ValueError, match="another newslens run"):
            storage.TableWriter(tmp_path / "out")
    finally:
        holder.kill()
        holder.wait()
    storage.TableWriter(tmp_path / "out").abort()  # a killed writer leaves it usable


def _packs(root: Path) -> list[Path]:
    return sorted(root.glob("*/*.nlc"))


@pytest.mark.parametrize("damage", ["exchanged_index", "stale_index"])
def test_mismatched_pack_index_is_a_miss(damage, tmp_path):
    """Case: two packs whose .keys files were exchanged (or a stale index) gave empty
    per-article tables, exit 0, on every rerun. The index is checked against its pack."""
    articles = toy_articles()
    reference = engine.run(articles, TOY, cache=False, workers=1).tables
    toy_run(articles, tmp_path, chunk_size=3)
    a, b = _packs(tmp_path)
    if damage == "exchanged_index":
        ka, kb = a.with_suffix(".keys"), b.with_suffix(".keys")
        data_a, data_b = ka.read_bytes(), kb.read_bytes()
        ka.write_bytes(data_b)
        kb.write_bytes(data_a)
    else:  # the pack replaced by another chunk's, its index left as it was
        a.write_bytes(b.read_bytes())
    with pytest.warns(cache_mod.CacheWarning):
        first = toy_run(articles, tmp_path)
    same_tables(reference, first.tables)
    assert first.stats.computed > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rebuilt: no warning, nothing recomputed
        again = toy_run(articles, tmp_path)
    same_tables(reference, again.tables)
    assert again.stats.computed == 0


def test_pack_with_a_wrong_schema_is_recomputed(tmp_path):
    """Case: a pack with a wrong schema gave a traceback on every rerun until the cache was
    cleared by hand. It is now a miss: recomputed, replaced, with a warning."""
    articles = toy_articles(3)
    reference = engine.run(articles, TOY, cache=False, workers=1).tables
    toy_run(articles, tmp_path)
    (pack,) = _packs(tmp_path)
    data = pack.read_bytes()
    meta, tables = columnar.decode(data[len(cache_mod.MAGIC) + 32:])
    tables["sentences"] = tables["sentences"].drop_columns(["text"]).append_column(
        "text", columnar.pa.array([1] * tables["sentences"].num_rows))
    body = columnar.encode(tables, meta)
    pack.write_bytes(cache_mod.MAGIC + hashlib.sha256(body).digest() + body)
    with pytest.warns(cache_mod.CacheWarning, match="schema"):
        first = toy_run(articles, tmp_path)
    same_tables(reference, first.tables)
    second = toy_run(articles, tmp_path)
    assert second.stats.computed == 0
    same_tables(reference, second.tables)


_FIFO_SCRIPT = """
import sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, sys.argv[2])
import test_hostile as t
result = t.toy_run(t.toy_articles(), sys.argv[1])
print("done", result.stats.computed)
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.parametrize("target", ["pack", "index", "stamp"])
def test_fifo_in_the_cache_does_not_hang(target, tmp_path):
    """Case: a FIFO at a cache path hung the run (it was opened and waited on)."""
    toy_run(toy_articles(), tmp_path / "cache")
    (pack,) = _packs(tmp_path / "cache")
    path = {"pack": pack, "index": pack.with_suffix(".keys"),
            "stamp": pack.parent / ".used"}[target]
    path.unlink()
    os.mkfifo(path)
    done = subprocess.run([sys.executable, "-c", _FIFO_SCRIPT, str(tmp_path / "cache"),
                           str(Path(__file__).parent)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("done")


def test_file_swapped_for_a_link_after_listing_is_not_followed(tmp_path, monkeypatch):
    """Case: the link rule was checked when the folder was listed, the file opened later by
    name: a file swapped for a link in between was followed out of the corpus."""
    from newslens.io import corpus as corpus_mod

    folder = tmp_path / "corpus"
    write(folder, "good.txt", f"{GOOD_TITLE}\n{GOOD_BODY}")
    swapped = write(folder, "swapped.txt", "Harmless\nA harmless body while listed.")
    outside = write(tmp_path, "outside.txt", OUTSIDE)
    real_walk = corpus_mod._walk

    def walk_then_swap(root, report):
        files = real_walk(root, report)
        swapped.unlink()
        os.symlink(outside, swapped)
        return files

    monkeypatch.setattr(corpus_mod, "_walk", walk_then_swap)
    articles = load_corpus(folder)
    assert not articles["text"].str.contains("outside the corpus").any()
    report = load_report(articles)
    row = report[report["path"] == "swapped.txt"]
    assert len(row) == 1 and "link" in row["problem"].iloc[0]


CYRILLIC = "\u041f\u0435\u0440\u0435\u0433\u043e\u0432\u043e\u0440\u044b"  # "talks"


@pytest.mark.parametrize("charset, text", [("iso-8859-1", "Caf\u00e9 owners in Odesa reopened"),
                                           ("windows-1251", f"{CYRILLIC} {CYRILLIC}")])
def test_utf8_page_declaring_a_legacy_charset(charset, text, tmp_path):
    """Case: a UTF-8 page that declares iso-8859-1 or windows-1251 loaded as mojibake, with no
    report row."""
    body = " ".join([text + "."] * 3) + " " + GOOD_BODY
    page = (f"<html><head><meta charset='{charset}'><title>{text}</title></head><body>"
            f"<article><h1>{text}</h1><p>{body}</p><p>{body}</p></article></body></html>")
    write(tmp_path, "page.html", page.encode("utf-8"))
    articles = load_corpus(tmp_path, languages="all")
    assert text in articles["text"].iloc[0]
    loaded = articles["text"].iloc[0]
    assert "\u00c3" not in loaded and "\u0420\u045f" not in loaded  # no mojibake
    report = load_report(articles)
    assert report["problem"].str.contains(f"declares charset '{charset}'").any()


def test_shared_outlet_footer_does_not_merge_stories():
    """Case: two short stories of one outlet sharing a long footer ("About us ...") became one
    story, and the copy's stances left the matrix."""
    footer = ("About us: The Harbour Gazette is an independent newsroom founded by readers. "
              "We report on the war, the economy and daily life in the port cities. Support our "
              "journalism with a monthly donation, subscribe to the evening newsletter, follow "
              "our correspondents and send tips to the desk at any hour of the day or night. "
              "Our editors answer every letter, correct every error in public and publish the "
              "names of the owners, the advertisers and the funds that keep the paper going; "
              "reprints need the written consent of the editor in chief.")
    first = ("Ferry crews at the northern pier walked out on Monday over unpaid wages and "
             "said the strike would last until the city council answered their letter.")
    second = ("A new bakery opened beside the fish market and sold out of rye loaves before "
              "noon, its owner said, promising a second oven by the end of the month.")
    long_story = " ".join(f"Paragraph {k} of a long report on shelling near the coast, the "
                          f"repairs of the water network and the schools of district {k}."
                          for k in range(12))
    frame = pd.DataFrame({
        "article_id": ["g1", "g2", "g3", "w1"],
        "source": ["Harbour Gazette"] * 3 + ["Wire"],
        "published": pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"]),
        "text": [f"{first}\n{footer}", f"{second}\n{footer}", f"{long_story}\n{footer}",
                 f"{first}\n{footer}"],  # w1: a real copy of g1 by another outlet
    })
    story = syndication.stories(frame)
    assert story["story_id"].tolist() == ["g1", "g2", "g3", "g1"]


def test_lowercase_keys_win_and_conflicts_are_reported(tmp_path):
    """Case: `Title`/`TEXT` silently beat `title`/`text` when they came first."""
    record = {"Title": "Upper title", "TEXT": "Upper body about the talks.",
              "title": GOOD_TITLE, "text": GOOD_BODY}
    write(tmp_path, "feed.json", json.dumps([record]))
    articles = load_corpus(tmp_path)
    assert articles["title"].iloc[0] == GOOD_TITLE and articles["text"].iloc[0] == GOOD_BODY
    assert articles["Title"].iloc[0] == "Upper title"  # kept as an extra column
    problems = load_report(articles)["problem"].tolist()
    assert "both 'title' and 'Title' give the title" in problems
    assert "both 'text' and 'TEXT' give the text" in problems


def test_yaml_merge_key_never_beats_an_explicit_key(tmp_path):
    """Case: a YAML merge key beat an explicit key (the merged value was used)."""
    front = ("defaults: &defaults\n  title: Template title\n  source: Wire\n"
             f"<<: *defaults\ntitle: {GOOD_TITLE}")
    write(tmp_path, "a.md", fm(front, GOOD_BODY + "\n"))
    articles = load_corpus(tmp_path)
    assert articles["title"].iloc[0] == GOOD_TITLE
    assert articles["source"].iloc[0] == "Wire"  # merged keys still fill the rest
    report = load_report(articles)
    assert report["problem"].str.contains("YAML merge key").any()


@pytest.mark.parametrize("date", ["-5", "-2025-03-01", "March 3"])
def test_impossible_csv_dates_are_reported(date, tmp_path):
    """Case: a CSV date of `-5` became year -5."""
    write(tmp_path, "feed.csv", f"title,text,date\n{GOOD_TITLE},{GOOD_BODY!r},{date}\n"
          .replace("'", '"'))
    articles = load_corpus(tmp_path)
    assert articles["published"].isna().all()
    report = load_report(articles)
    assert report["action"].eq("kept, date set to NaT").any(), report


def test_timestamp_offsets_keep_the_local_time_as_documented(tmp_path):
    """Case: an offset on a timestamp was dropped without a word in the docs. The rule (the
    wall-clock time as written is kept, the offset dropped) is now stated and holds."""
    write(tmp_path, "a.json", json.dumps({"title": GOOD_TITLE, "text": GOOD_BODY,
                                          "date": "2025-03-01T23:30:00-05:00"}))
    stamp = load_corpus(tmp_path)["published"].iloc[0]
    assert stamp == pd.Timestamp("2025-03-01 23:30:00")  # not 2025-03-02 04:30 UTC
    docs = (PROJECT_DIR / "docs" / "loading.md").read_text(encoding="utf-8")
    assert "UTC offset" in docs and "wall-clock time" in docs


def test_load_report_is_not_copied_with_the_frame(tmp_path, monkeypatch):
    """Case: the load report lived in `articles.attrs`, which pandas deep-copies on every
    operation: 50,000 malformed lines made `analyze` take 18-30 s. Copies now share it."""
    lines = [json.dumps({"title": GOOD_TITLE, "text": GOOD_BODY})]
    lines += [f"{{broken {k}" for k in range(3_000)]
    write(tmp_path, "feed.jsonl", "\n".join(lines))
    articles = load_corpus(tmp_path)
    assert len(load_report(articles)) == 3_000
    visited = []
    real = copy._deepcopy_dispatch[tuple]

    def counting(x, memo, deepcopy=copy.deepcopy):
        visited.append(1)
        return real(x, memo, deepcopy)

    monkeypatch.setitem(copy._deepcopy_dispatch, tuple, counting)
    derived = articles[articles["n_words"] > 0].copy().assign(extra=1)
    assert len(visited) < 100  # not one per report row
    assert load_report(derived).equals(load_report(articles))  # still follows the table
    together = pd.concat([articles, articles.iloc[:0]])
    assert len(load_report(together)) == 3_000


def test_workers_capped_by_cores_and_chunks(monkeypatch):
    """Case: `--workers 1000` started 61 processes: not capped by chunks or cores."""
    seen = []

    def pool_map(func, tasks, workers, window=None):
        seen.append(workers)
        for *head, args in tasks:
            yield (*head, func(*args))

    monkeypatch.setattr(engine.backends, "pool_map", pool_map)
    monkeypatch.setattr(engine.backends, "forks", lambda: False)
    monkeypatch.setattr(engine, "MIN_POOL_ARTICLES", 2)
    result = engine.run(toy_articles(8), TOY, cache=False, workers=1000)
    cores = engine.backends.cores()
    assert seen and seen[0] <= min(cores, result.stats.chunks)
    assert result.stats.workers <= cores


def test_disk_full_under_out_is_one_line(tmp_path, capsys, monkeypatch):
    """Case: a full disk under --out ended in a traceback instead of one line naming it."""
    from newslens.cli import main

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.pq.ParquetWriter, "write_table", full)
    corpus = write(tmp_path / "corpus", "a.txt", f"{GOOD_TITLE}\n{GOOD_BODY}")
    out = tmp_path / "out"
    code = main(["analyze", str(corpus.parent), "--out", str(out), "--no-cache"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and str(out) in err and "No space left on device" in err
    assert list(out.iterdir()) == []  # nothing partial left


class _FakeSocket:
    """A DevTools socket whose page opens an `alert`: evaluating anything blocks until the
    dialog is dismissed (as in Chromium)."""

    def __init__(self, hang: bool = False):
        self.queue: list[dict] = []
        self.blocked: list[int] = []
        self.hang = hang  # a page that never answers (and opens no dialog)
        self.dialog_open = False

    def send(self, text: str) -> None:
        message = json.loads(text)
        method, ident = message["method"], message["id"]
        if method == "Page.navigate" and self.hang:
            self.queue.append({"id": ident, "result": {}})
        elif method == "Page.navigate":
            self.queue.append({"id": ident, "result": {}})
            self.queue.append({"method": "Page.javascriptDialogOpening",
                               "params": {"type": "alert", "message": "owned"}})
            self.dialog_open = True
        elif method == "Page.handleJavaScriptDialog":
            self.dialog_open = False
            self.queue.append({"id": ident, "result": {}})
            self.queue.append({"method": "Page.loadEventFired", "params": {}})
            self.queue += [{"id": i, "result": {"result": {"value": self.facts()}}}
                           for i in self.blocked]
            self.blocked.clear()
        elif method == "Runtime.evaluate" and (self.dialog_open or self.hang):
            self.blocked.append(ident)
        elif method == "Runtime.evaluate":
            self.queue.append({"id": ident, "result": {"result": {"value": self.facts()}}})
        else:
            self.queue.append({"id": ident, "result": {"data": ""}})

    @staticmethod
    def facts() -> dict:
        return {"height": 900, "width": 1400, "itables": 0, "started": 0, "links": 0,
                "bad_links": [], "overflowing": []}

    def recv(self) -> str:
        import websocket

        if not self.queue:
            time.sleep(0.01)
            raise websocket.WebSocketTimeoutException("nothing")
        return json.dumps(self.queue.pop(0))

    def settimeout(self, value) -> None:
        pass

    def close(self) -> None:
        pass


def test_report_check_dismisses_dialogs_and_reports_them(tmp_path):
    """Case: `make report-check` on a page that opens a dialog hung two minutes, then died
    with a traceback. The dialog is dismissed at once and reported as a failure."""
    from newslens.report import check

    page = write(tmp_path, "01-page.html", "<p>x</p>")
    tools = check.DevTools("ws://unused", timeout=5, ws=_FakeSocket())
    started = time.monotonic()
    result = check.check_page(tools, page, tmp_path, settle=1)
    assert time.monotonic() - started < 10
    assert "a dialog opened (alert): owned" in result.errors
    hung = check.DevTools("ws://unused", timeout=1, ws=_FakeSocket(hang=True))
    result = check.check_page(hung, page, tmp_path, settle=1)
    assert any("did not finish" in e for e in result.errors)
