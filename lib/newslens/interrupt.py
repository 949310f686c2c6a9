"""Interrupts that cannot be lost: Ctrl-C is recorded, then raised at the next safe point.

Python's own SIGINT handler raises `KeyboardInterrupt` wherever the main thread happens to be.
Inside a finaliser (`__del__`, a weakref callback) that exception is printed as "Exception
ignored in ..." and dropped, and code that catches `BaseException` during an import or a pool
start can swallow it too: the run then goes on as if never interrupted. `install()` (the CLI
calls it) replaces that handler by one that first records the interrupt in a flag, then raises
as before (so a run in a plain loop stops at once); the engine calls `check()` between chunks,
between stages, while it waits for workers and before writing its output, which raises
`KeyboardInterrupt` again while the flag is set. An interrupt lost in a finaliser is thus
raised at the next check, a fraction of a second later.

`deferred()` records interrupts without raising (the few milliseconds in which an output folder
is switched to its new files); the caller checks afterwards. Without `install()` (notebooks,
library use) the flag is never set and `check()` costs one attribute lookup.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import threading

_state = {"flag": False, "raise": True, "installed": False, "previous": None,
          "startup": False}
STARTUP_MESSAGE = "interrupted: nothing written\n"


def _handler(signum, frame) -> None:
    _state["flag"] = True
    if _state["startup"]:  # `python -m newslens` still importing: no caller to catch it yet
        sys.stderr.write(STARTUP_MESSAGE)
        quick_exit()
        raise SystemExit(130)
    if _state["raise"]:
        raise KeyboardInterrupt


def quick_exit() -> None:
    """Prepare a prompt exit after an interrupt: the objects alive now are left out of the
    garbage collections of interpreter shutdown (`gc.freeze`), which otherwise scan every
    object of the loaded library, ~1-2 s on a loaded machine. Only in the process that
    installed the handler (the command line), never in a library caller's process."""
    if _state["installed"]:
        gc.freeze()


def install(startup: bool = False) -> bool:
    """Record SIGINT in the flag (and raise); False when not in the main thread. `startup`:
    while `python -m newslens` imports the library, an interrupt exits at once with status 130
    (the CLI's `main` installs the normal handler, keeping an interrupt already recorded)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    previous = signal.signal(signal.SIGINT, _handler)
    if not _state["installed"]:
        _state["previous"] = previous
    _state.update(installed=True, startup=startup)
    return True


def uninstall() -> None:
    """The SIGINT handler in place before `install` again; the flag cleared."""
    if _state["installed"] and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _state["previous"] or signal.default_int_handler)
    _state.update({"flag": False, "installed": False, "raise": True, "startup": False})


def installed() -> bool:
    """Is the recording handler in place (`install`)?"""
    return _state["installed"]


def requested() -> bool:
    """Was an interrupt recorded (since `install`)?"""
    return _state["flag"]


def check() -> None:
    """Raise `KeyboardInterrupt` when an interrupt was recorded (a safe point)."""
    if _state["flag"]:
        raise KeyboardInterrupt


@contextlib.contextmanager
def deferred():
    """Interrupts inside are recorded but not raised; `check()` after the block raises them."""
    before = _state["raise"]
    _state["raise"] = False
    try:
        yield
    finally:
        _state["raise"] = before
