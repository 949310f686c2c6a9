"""Execute the notebooks (papermill) and export self-contained HTML reports (nbconvert), with
the analysis tables as CSV (`tables/`) and an index page summarising every report.

Kernels talk to the runner over IPC sockets in a private temporary folder (no TCP ports, no
"running over TCP without encryption" warnings in the output of `make report`).
"""

from __future__ import annotations

import html
import logging
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pandas as pd

import newslens
from newslens.paths import notebooks_dir, resolve_corpus
from newslens.report.display import plural
from newslens.report.summary import headlines, report_info

KERNEL = "python3"


def notebook_paths(names: list[str] | None = None) -> list[Path]:
    """The project's numbered notebooks (`NN-verb-topic.ipynb`), sorted, or the named ones."""
    if names:
        return [Path(n) if Path(n).exists() else notebooks_dir() / n for n in names]
    return sorted(p for p in notebooks_dir().glob("[0-9][0-9]-*.ipynb"))


def clean_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop volatile metadata (timings, papermill state) and pin the python3 kernelspec."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL}
    for cell in nb.cells:
        for key in ("execution", "papermill", "collapsed", "scrolled", "ExecuteTime"):
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("name") != "stderr"]
    return nb


def kernel_config(socket_dir: str):
    """Kernel manager settings: IPC transport with sockets under `socket_dir`."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(Path(socket_dir) / "kernel")}})


def execute_in_place(path: Path, timeout: int = 900) -> None:
    """Run a notebook in its own folder (as nbval does) and save it executed, metadata clean."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="newslens-kernel-") as sockets:
        NotebookClient(
            nb, timeout=timeout, kernel_name=KERNEL, config=kernel_config(sockets),
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
    nbformat.write(clean_metadata(nb), path)


def export_html(nb: nbformat.NotebookNode, with_code: bool, title: str | None = None) -> str:
    """Self-contained HTML: images embedded, no MathJax or require.js from a CDN."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        exclude_input=not with_code,
        exclude_input_prompt=not with_code,
        exclude_output_prompt=True,
        embed_images=True,
        mathjax_url="",
        require_js_url="",
        mermaid_js_url="",
        mermaid_layout_elk_js_url="",
    )
    resources = {"metadata": {"name": title}} if title else None
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return strip_remote_scripts(body)


_EMPTY_SCRIPT = re.compile(r'<script src="">\s*</script>')
_MATHJAX_CONFIG = re.compile(r'<script type="text/x-mathjax-config">.*?</script>', re.DOTALL)
_MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*mermaid.*?</script>',
                             re.DOTALL)


def strip_remote_scripts(page: str) -> str:
    """Remove the template's MathJax, require.js and Mermaid loaders: reports work offline."""
    for pattern in (_EMPTY_SCRIPT, _MATHJAX_CONFIG, _MERMAID_LOADER):
        page = pattern.sub("", page)
    return page


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> dict[str, Path]:
    """Each table as `folder/<name>.csv` as `newslens analyze` writes it (UTF-8, no index,
    formula-like cells neutralised); returns name -> path."""
    from newslens.io.export import write_csv

    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, table in tables.items():
        paths[name] = folder / f"{name}.csv"
        write_csv(table, paths[name])
    return paths


def render_report(source: Path, out: Path, corpus: Path, with_code: bool
                  ) -> tuple[Path | None, str | None]:
    """Execute one notebook on `corpus` (kept in `out/executed/`) and export it as
    `out/<stem>.html`. Returns (the HTML path or None, the error or None): a notebook that
    fails mid-way is still exported up to the failing cell."""
    import papermill

    logging.getLogger("papermill").setLevel(logging.WARNING)
    executed = out / "executed" / source.name
    error = None
    with tempfile.TemporaryDirectory(prefix="newslens-kernel-") as sockets:
        try:
            papermill.execute_notebook(
                str(source), str(executed), parameters={"CORPUS": str(corpus)},
                kernel_name=KERNEL, cwd=str(source.parent), progress_bar=False,
                config=kernel_config(sockets),
            )
        except Exception as exc:  # noqa: BLE001 - a failed notebook is reported, not fatal
            lines = str(exc).strip().splitlines()
            error = f"{type(exc).__name__}: {lines[-1] if lines else ''}"
    if not executed.exists():
        return None, error
    target = out / f"{source.stem}.html"
    title = f"{report_info(source.stem).title} · newslens"
    nb = nbformat.read(executed, as_version=4)
    target.write_text(export_html(nb, with_code, title), encoding="utf-8")
    return target, error


def build_reports(
    corpus: str | Path | None = None,
    out: str | Path = "reports",
    with_code: bool = False,
    names: list[str] | None = None,
    workers: int | None = None,
) -> dict:
    """Run every notebook against `corpus`; write `out/<notebook>.html`, the analysis tables as
    `out/tables/*.csv` and `out/index.html` (what each report answers, headline figures).

    Notebooks run `workers` at a time (default: 2, or 1 on a single core), each in its own
    kernel, after one `analyze` has filled the cache they read. A notebook that fails is listed
    in the index with its error; the others still run.
    Returns {"reports": [...], "failed": {name: error}, "index": path, "tables": {...}}.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    corpus_path = Path(corpus).resolve() if corpus and Path(corpus).exists() else None
    corpus_path = corpus_path or resolve_corpus(corpus).resolve()
    articles = newslens.load_corpus(corpus_path)  # fails early, naming the path, on a bad corpus
    tables = {"articles": articles, "load_report": newslens.load_report(articles),
              "syndication": newslens.syndication_table(articles)}
    tables.update(newslens.analyze(articles, progress=False))  # warms the cache for the kernels
    out = Path(out)
    csvs = write_tables(tables, out / "tables")
    (out / "executed").mkdir(parents=True, exist_ok=True)
    sources = notebook_paths(names)
    workers = workers or min(2, os.cpu_count() or 1, max(len(sources), 1))
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(render_report, sources, [out] * len(sources),
                                [corpus_path] * len(sources), [with_code] * len(sources)))
    reports = [path for path, _ in results if path is not None]
    failed = {src.name: error for src, (_, error) in zip(sources, results) if error}
    index = out / "index.html"
    index.write_text(index_html(reports, failed, corpus_path, tables, csvs), encoding="utf-8")
    return {"reports": reports, "failed": failed, "index": index, "tables": csvs}


INDEX_CSS = """
body{font-family:system-ui,sans-serif;max-width:56em;margin:2em auto;padding:0 1em;color:#222}
dt{font-weight:600}dd{margin:0 0 .4em 0}
.report{border-top:1px solid #ddd;padding:.6em 0}
.report h2{font-size:1.15em;margin:.2em 0}.report p{margin:.3em 0}
.report ul{margin:.2em 0 .2em 1.2em;padding:0}.failed{color:#a00}
.tables a{margin-right:.8em;white-space:nowrap}
"""


def index_html(reports: list[Path], failed: dict, corpus: Path,
               tables: dict[str, pd.DataFrame], csvs: dict[str, Path]) -> str:
    """The index page: corpus facts, then per report what it answers, its headline figures
    and its link, then links to every table (CSV)."""
    esc = html.escape
    articles = tables["articles"]
    figures = headlines(tables, articles)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    stems = [p.stem for p in reports] + [Path(n).stem for n in sorted(failed)
                                         if Path(n).stem not in {p.stem for p in reports}]
    blocks = []
    for stem in stems:
        info = report_info(stem)
        link = (f'<a href="{esc(stem)}.html">{esc(info.title)}</a>'
                if any(p.stem == stem for p in reports) else esc(info.title))
        error = next((e for n, e in failed.items() if Path(n).stem == stem), None)
        items = "".join(f"<li>{esc(f)}</li>" for f in figures.get(stem, []))
        blocks.append(
            f'<div class="report"><h2>{link}</h2><p>{esc(info.question)}</p>'
            + (f"<ul>{items}</ul>" if items else "")
            + (f'<p class="failed">This report failed: {esc(error)}</p>' if error else "")
            + "</div>")
    table_links = " ".join(
        f'<a href="tables/{esc(p.name)}">{esc(name)}</a> ({len(tables[name]):,})'
        for name, p in csvs.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newslens reports</title>
<style>{INDEX_CSS}</style>
</head><body>
<h1>newslens reports</h1>
<dl>
<dt>Corpus</dt><dd>{esc(corpus.name)}: {esc(plural(len(articles), 'article'))}</dd>
<dt>Generated</dt><dd>{generated} with newslens {esc(newslens.__version__)}</dd>
</dl>
{"".join(blocks)}
<div class="report tables"><h2>Tables</h2>
<p>Every table behind the reports, as CSV (rows in brackets); the README's data dictionary
describes each column.</p>
<p>{table_links}</p></div>
</body></html>
"""
