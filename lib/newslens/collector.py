"""The cyclic garbage collector paused around work that makes many short-lived records.

The analysis stages build tens of thousands of small records per chunk (hits, spans, rows) and
few reference cycles. With the collector on, each young-generation pass promotes the live ones
and the promotions trigger full collections that walk the whole process heap: 5% of the
per-article CPU on generated articles (`bench/run.py`), a quarter of the claims stage's.
Reference counting still frees everything that is not in a cycle; what is (about 35 kB per
article, measured on 1,000 generated articles) waits for the next collection after the pause.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused(active: bool = True):
    """The collector off inside the block when `active`; its state restored afterwards (left off
    if it was off)."""
    enabled = gc.isenabled()
    if active:
        gc.disable()
    try:
        yield
    finally:
        if active and enabled:
            gc.enable()
