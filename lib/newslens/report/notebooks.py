"""Execute the notebooks (papermill) and export self-contained HTML reports (nbconvert)."""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import nbformat

import newslens
from newslens.paths import notebooks_dir, resolve_corpus

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


def execute_in_place(path: Path, timeout: int = 600) -> None:
    """Run a notebook in its own folder (as nbval does) and save it executed, metadata clean."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=timeout, kernel_name=KERNEL, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    nbformat.write(clean_metadata(nb), path)


def export_html(nb: nbformat.NotebookNode, with_code: bool) -> str:
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
    body, _ = exporter.from_notebook_node(nb)
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


def build_reports(
    corpus: str | Path | None = None,
    out: str | Path = "reports",
    with_code: bool = False,
    names: list[str] | None = None,
) -> dict:
    """Run every notebook against `corpus` and write `out/<notebook>.html` and `out/index.html`.

    A notebook that fails is listed in the index with its error; the others still run.
    Returns {"reports": [...], "failed": {name: error}, "index": path}.
    """
    import papermill

    logging.getLogger("papermill").setLevel(logging.WARNING)
    corpus_path = Path(corpus).resolve() if corpus and Path(corpus).exists() else None
    corpus_path = corpus_path or resolve_corpus(corpus).resolve()
    articles = newslens.load_corpus(corpus_path)  # fails early, naming the path, on a bad corpus
    out = Path(out)
    executed_dir = out / "executed"
    executed_dir.mkdir(parents=True, exist_ok=True)
    reports, failed = [], {}
    for source in notebook_paths(names):
        executed = executed_dir / source.name
        try:
            papermill.execute_notebook(
                str(source), str(executed), parameters={"CORPUS": str(corpus_path)},
                kernel_name=KERNEL, cwd=str(source.parent), progress_bar=False,
            )
        except Exception as exc:  # noqa: BLE001 - a failed notebook is reported, not fatal
            failed[source.name] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1:]}"
            if not executed.exists():
                continue
        nb = nbformat.read(executed, as_version=4)
        target = out / f"{source.stem}.html"
        target.write_text(export_html(nb, with_code), encoding="utf-8")
        reports.append(target)
    index = out / "index.html"
    index.write_text(_index_html(reports, failed, corpus_path, len(articles)), encoding="utf-8")
    return {"reports": reports, "failed": failed, "index": index}


def _index_html(reports: list[Path], failed: dict, corpus: Path, n_articles: int) -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    items = []
    for path in reports:
        status = " (failed: see report)" if path.with_suffix(".ipynb").name in failed else ""
        link = f'<a href="{html.escape(path.name)}">{html.escape(path.stem)}</a>'
        items.append(f"<li>{link}{status}</li>")
    items += [
        f"<li>{html.escape(name)}: failed, {html.escape(err)}</li>"
        for name, err in sorted(failed.items())
        if not any(p.stem == Path(name).stem for p in reports)
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newslens reports</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto}}dt{{font-weight:bold}}</style>
</head><body>
<h1>newslens reports</h1>
<dl>
<dt>Corpus</dt><dd>{html.escape(str(corpus))}</dd>
<dt>Articles</dt><dd>{n_articles}</dd>
<dt>Generated</dt><dd>{generated}</dd>
<dt>newslens version</dt><dd>{html.escape(newslens.__version__)}</dd>
</dl>
<ul>
{chr(10).join(items)}
</ul>
</body></html>
"""
