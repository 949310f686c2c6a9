"""Render every HTML report of a folder in headless Chromium and check it as a reader would.

For each page: JavaScript errors (console errors, uncaught exceptions, failed loads), dialogs
(an `alert` means article text ran as code), requests that leave the machine (reports must
work offline), interactive tables that did not start, links that are not http(s), tables wider
than the page, the page height at 1,400 px width and the file size. Screenshots (top of the
page at full size, the whole page at half size) go to `<folder>/screenshots/`.

    python -m newslens.report.check reports [--max-mb 8 --max-height 25000]

Exit status 1 when a page has an error, or exceeds a limit given on the command line. A dialog
is dismissed at once and reported as an error; every browser command has a time limit (60 s),
so a page that hangs fails with that error instead of stopping the check.
Chromium is Debian's `chromium` (`apt-get install chromium`); it is driven over the DevTools
protocol on a loopback port, with a throw-away profile.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

WIDTH = 1400
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--remote-debugging-port=0", "--remote-allow-origins=*", f"--window-size={WIDTH},1000"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome", "devtools:")

PAGE_FACTS = """(() => {
  const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
  return {
    height: Math.max(document.documentElement.scrollHeight, document.body.scrollHeight),
    width: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    itables: document.querySelectorAll('[id$="_fallback"]').length,
    started: document.querySelectorAll('table.dataTable').length,
    links: links.length,
    overflowing: [...document.querySelectorAll('.newslens-scroll table')]
      .filter(t => t.offsetParent !== null
                   && t.offsetWidth > t.closest('.newslens-scroll').clientWidth + 2)
      .map(t => (t.querySelector('caption') || {}).textContent || 'a table'),
    bad_links: links.filter(h => !/^(https?:|#|[\\w.-]+\\.(html|csv)$|tables\\/)/i.test(h)),
  };
})()"""


class ChromiumMissing(RuntimeError):
    """Headless Chromium is not installed."""


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise ChromiumMissing("chromium not found: install Debian's package (apt-get install chromium)")


@dataclass
class PageResult:
    name: str
    size: int
    height: int = 0
    width: int = 0
    itables: int = 0
    started: int = 0
    links: int = 0
    errors: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def line(self) -> str:
        status = "ok" if not self.errors else f"{len(self.errors)} error(s)"
        return (f"{self.name:<32} {self.size / 1e6:7.2f} MB {self.height:>8,} px tall "
                f"{self.started}/{self.itables} interactive tables  {self.links:>5} links  "
                f"{status}")


class PageTimeout(RuntimeError):
    """The browser did not answer in time (a hung page)."""


class DevTools:
    """A minimal DevTools-protocol client for one page (commands in order, events kept).

    Every command has a time limit (`PageTimeout`), and a JavaScript dialog (`alert`,
    `confirm`, `prompt`) is dismissed as soon as it opens: an open dialog blocks the page, and
    every later command would wait for it. The dialog stays in `events`, where `_errors`
    reports it as a failure."""

    def __init__(self, ws_url: str, timeout: float = 60.0, ws=None):
        if ws is None:
            import websocket

            ws = websocket.create_connection(ws_url, timeout=timeout, suppress_origin=True)
        self.ws = ws
        self.timeout = timeout
        self.next_id = 0
        self.events: list[dict] = []
        self.dismissed = 0

    def _send(self, method: str, params: dict) -> int:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        return self.next_id

    def _receive(self, deadline: float) -> dict | None:
        """The next message, or None when none came within a short wait; dialogs dismissed."""
        import websocket

        self.ws.settimeout(max(0.05, min(0.5, deadline - time.monotonic())))
        try:
            message = json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            return None
        if message.get("method") == "Page.javascriptDialogOpening":
            self._send("Page.handleJavaScriptDialog", {"accept": False})
            self.dismissed += 1
        return message

    def call(self, method: str, timeout: float | None = None, **params) -> dict:
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        sent = self._send(method, params)
        while True:
            if time.monotonic() >= deadline:
                raise PageTimeout(f"{method}: no answer from the browser within {limit:g} s")
            message = self._receive(deadline)
            if message is None:
                continue
            if message.get("id") == sent:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if any(e.get("method") == method for e in self.events):
            return True
        while time.monotonic() < deadline:
            message = self._receive(deadline)
            if message is None or "method" not in message:
                continue  # nothing arrived in the last half second, or a reply: poll again
            self.events.append(message)
            if message.get("method") == method:
                return True
        return False

    def close(self) -> None:
        self.ws.close()


def _errors(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            out.append(f"console error: {args[:300]}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "")
            out.append(f"uncaught exception: {str(text)[:300]}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            out.append(f"log error: {params['entry'].get('text', '')[:300]}")
        elif method == "Page.javascriptDialogOpening":
            out.append(f"a dialog opened ({params.get('type')}): {params.get('message', '')[:200]}")
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(LOCAL_SCHEMES):
                out.append(f"remote request: {url[:200]}")
    return out


def _screenshot(tools: DevTools, path: Path, height: int, scale: float) -> Path:
    shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                      clip={"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": scale})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def check_page(tools: DevTools, page: Path, shots: Path, settle: float = 20.0) -> PageResult:
    """Load `page`, wait for its interactive tables, collect facts, errors and screenshots; a
    page the browser does not answer for within the time limits fails with that error."""
    result = PageResult(page.name, page.stat().st_size)
    try:
        _inspect(tools, page, shots, settle, result)
    except PageTimeout as err:
        result.errors = _errors(tools.events) + [f"page did not finish: {err}"]
    return result


def _inspect(tools: DevTools, page: Path, shots: Path, settle: float,
             result: PageResult) -> None:
    tools.events.clear()
    tools.call("Page.navigate", url=page.resolve().as_uri())
    tools.wait_for("Page.loadEventFired", timeout=60)
    deadline = time.monotonic() + settle
    facts = None
    while time.monotonic() < deadline:  # itables start asynchronously after the load event
        value = tools.call("Runtime.evaluate", expression=PAGE_FACTS,
                           returnByValue=True).get("result", {}).get("value")
        facts = value if isinstance(value, dict) else None
        if facts is None or facts["started"] >= facts["itables"]:
            break
        time.sleep(0.25)
    tools.wait_for("never", timeout=0.5)  # drain late console messages
    result.errors = _errors(tools.events)
    if facts is None:
        result.errors.append("the page's facts could not be read (its scripts broke the page)")
        facts = {"height": 1000, "width": WIDTH, "itables": 0, "started": 0, "links": 0,
                 "bad_links": [], "overflowing": []}
    result.height, result.width = int(facts["height"]), int(facts["width"])
    result.itables, result.started = facts["itables"], facts["started"]
    result.links = facts["links"]
    if result.started < result.itables:
        result.errors.append(f"{result.itables - result.started} interactive table(s) did not "
                             "start")
    result.errors += [f"link that is not http(s): {h[:100]}" for h in facts["bad_links"]]
    result.errors += [f"table wider than the page: {c.strip()[:80]}" for c in facts["overflowing"]]
    if result.width > WIDTH + 20:
        result.errors.append(f"page is {result.width} px wide: content overflows {WIDTH} px")
    stem = page.stem
    result.screenshots = [
        _screenshot(tools, shots / f"{stem}-top.png", min(result.height, 1800), 1.0),
        _screenshot(tools, shots / f"{stem}-full.png", min(result.height, 30000),
                    0.5 if result.height <= 30000 else 15000 / result.height),
    ]


def _start_chromium(profile: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([find_chromium(), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = Path(profile) / "DevToolsActivePort"
    for _ in range(200):
        if port_file.exists() and port_file.read_text().strip():
            return proc, int(port_file.read_text().split()[0])
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with status {proc.returncode}")
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("chromium did not open its DevTools port within 20 s")


def _page_ws(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
        targets = json.load(response)
    return next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")


def check_folder(folder: str | Path) -> list[PageResult]:
    """Check every `*.html` page of `folder` (index first); screenshots in folder/screenshots."""
    folder = Path(folder)
    pages = sorted(folder.glob("*.html"), key=lambda p: (p.name != "index.html", p.name))
    if not pages:
        raise FileNotFoundError(f"no HTML report in {folder}: run `make report` first")
    shots = folder / "screenshots"
    shots.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newslens-chromium-",
                                     ignore_cleanup_errors=True) as profile:
        proc, port = _start_chromium(profile)
        try:
            tools = DevTools(_page_ws(port))
            for domain in ("Page", "Runtime", "Log", "Network"):
                tools.call(f"{domain}.enable")
            tools.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=1000,
                       deviceScaleFactor=1, mobile=False)
            results = [check_page(tools, page, shots) for page in pages]
            tools.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="folder of HTML reports (make report's OUT)")
    parser.add_argument("--max-mb", type=float, default=None, help="fail above this page size")
    parser.add_argument("--max-height", type=int, default=None,
                        help="fail above this page height (px at 1,400 px width)")
    args = parser.parse_args(argv)
    try:
        results = check_folder(args.folder)
    except (ChromiumMissing, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = False
    for r in results:
        over = []
        if args.max_mb is not None and r.size > args.max_mb * 1e6:
            over.append(f"over {args.max_mb} MB")
        if args.max_height is not None and r.height > args.max_height:
            over.append(f"over {args.max_height:,} px")
        print(r.line() + ("  " + ", ".join(over) if over else ""))
        for error in r.errors:
            print(f"    {error}")
        failed |= bool(r.errors or over)
    print(f"screenshots in {Path(args.folder) / 'screenshots'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
