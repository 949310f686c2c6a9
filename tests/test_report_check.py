"""The browser check's verdicts on DevTools events (the browser run is in test_report.py)."""

from newslens.report.check import PageResult, _errors


def event(method, **params):
    return {"method": method, "params": params}


def test_errors_are_console_errors_exceptions_dialogs_and_remote_requests():
    events = [
        event("Runtime.consoleAPICalled", type="log", args=[{"value": "fine"}]),
        event("Runtime.consoleAPICalled", type="error", args=[{"value": "boom"}]),
        event("Runtime.exceptionThrown",
              exceptionDetails={"exception": {"description": "TypeError: x is undefined"}}),
        event("Log.entryAdded", entry={"level": "error", "text": "Failed to load resource"}),
        event("Log.entryAdded", entry={"level": "warning", "text": "slow"}),
        event("Page.javascriptDialogOpening", type="alert", message="owned"),
        event("Network.requestWillBeSent", request={"url": "file:///tmp/r/index.html"}),
        event("Network.requestWillBeSent", request={"url": "data:image/png;base64,AAAA"}),
        event("Network.requestWillBeSent", request={"url": "blob:null/1234"}),
        event("Network.requestWillBeSent", request={"url": "https://cdn.example.org/x.js"}),
    ]
    assert _errors(events) == [
        "console error: boom",
        "uncaught exception: TypeError: x is undefined",
        "log error: Failed to load resource",
        "a dialog opened (alert): owned",
        "remote request: https://cdn.example.org/x.js",
    ]


def test_result_line_reports_size_height_and_status():
    ok = PageResult("01-x.html", 2_500_000, height=12_345, itables=3, started=3, links=40)
    assert "2.50 MB" in ok.line() and "12,345 px tall" in ok.line() and ok.line().endswith("ok")
    bad = PageResult("02-x.html", 10, errors=["console error: boom"])
    assert bad.line().endswith("1 error(s)")
