"""Hostile corpora: no exception escapes `load_corpus`, every input path is loaded or reported
(by path, with the reason), the good files always load, and nothing from an article runs in a
report. Each class of hostile input is generated here (invented text only); property-based
cases (hypothesis) throw arbitrary bytes, JSON values, YAML and CSV at the parsers.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newslens.io.corpus import CorpusError, display, load_corpus, load_report
from newslens.report.display import show

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


def check_load(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load `folder` (must not raise), then check the good file and that nothing is lost."""
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
        assert not values.isin(["nan", "None", "True", "[]"]).any()
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
_SAFE_TAG = re.compile(r"</?(?:table|caption|thead|tbody|tr|th|td|em)\b([^<>]*)>")
_SAFE_ATTRS = re.compile(r'(?:\s+(?:style="[^"<>]*"|class="newslens-table"|id="T_[0-9a-f]+"'
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
        assert_inert(show(table, caption=PAYLOADS[0])._repr_html_())  # ...never as markup


# ---- property-based: arbitrary input never escapes, every file is accounted for ------------

def _load_with(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_good(folder)
        for name, content in files.items():
            write(folder, name, content)
        check_load(folder)


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
                "y.csv": ("title,text\n" + raw).encode("utf-8")})
