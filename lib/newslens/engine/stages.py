"""The stage registry: what each stage reads and writes, and the order that follows from it.

A `Stage` is a function with declared inputs and outputs, all table names:

    Stage("claims", territorial_claims,
          reads=("sentences", "mentions", "statements", "articles"), writes=("claims",))

The function is called with the tables of `reads`, positionally and in that order (plus
`keywords`: parameter name -> table, passed by name), and returns one frame (one table in
`writes`) or a tuple/dict of frames (several). A stage gets exactly the
tables it declares, so it cannot quietly recompute an input it was not given.

A `Registry` is an ordered set of stages over some given input tables (`inputs`, e.g.
"articles"). It checks that every table read is an input or written by exactly one stage, and
runs the stages in dependency order: topological, ties broken by declaration order, so the
order (and the order of the output tables) is deterministic.

Adding a stage means one module with its function and one `Stage` entry in a registry
(`newslens.engine.pipeline.PER_ARTICLE` for per-article tables, `SUMMARIES` for corpus-level
ones). Tools wrap stages (`Registry.timed`) instead of patching module globals.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd


@dataclass(frozen=True)
class Stage:
    """One step: `func(*tables[reads])` -> the tables named in `writes`."""

    name: str
    func: Callable
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    # Optional, for corpus-level stages run from tables on disk: the columns the function uses
    # of each table it reads (others are not loaded), and the column(s) of its first table by
    # which it can run per group (output = the groups' outputs in group order: cached per group).
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    partition: str | tuple[str, ...] | None = None
    keywords: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self):
        for attr in ("reads", "writes"):
            value = getattr(self, attr)
            object.__setattr__(self, attr, (value,) if isinstance(value, str) else tuple(value))
        if not self.writes:
            raise ValueError(f"stage {self.name!r} writes no table")

    def run(self, tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """This stage's output tables, given (at least) the tables it reads."""
        out = self.func(*(tables[name] for name in self.reads),
                        **{param: tables[name] for param, name in self.keywords.items()})
        if len(self.writes) == 1:
            return {self.writes[0]: out}
        if isinstance(out, Mapping):
            return {name: out[name] for name in self.writes}
        out = tuple(out)
        if len(out) != len(self.writes):
            raise ValueError(f"stage {self.name!r} returned {len(out)} tables, "
                             f"declared {len(self.writes)}")
        return dict(zip(self.writes, out))

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every table the stage reads (positional and keyword)."""
        return self.reads + tuple(self.keywords.values())

    @property
    def ref(self) -> str:
        """The function's import path (what the cache fingerprint records)."""
        func = getattr(self.func, "__wrapped__", self.func)
        return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


@dataclass(frozen=True)
class Registry:
    """Stages over `inputs`, validated and ordered on creation (see the module docstring)."""

    stages: tuple[Stage, ...]
    inputs: tuple[str, ...] = ("articles",)
    order: tuple[Stage, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "stages", tuple(self.stages))
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "order", _topological(self.stages, self.inputs))

    def tables(self) -> list[str]:
        """Every table the stages write, in run order."""
        return [name for stage in self.order for name in stage.writes]

    def add(self, *stages: Stage) -> Registry:
        return Registry(self.stages + stages, self.inputs)

    def replace(self, name: str, **changes) -> Registry:
        """The registry with stage `name` changed (e.g. `func=...`)."""
        if name not in {s.name for s in self.stages}:
            raise KeyError(f"no stage named {name!r}")
        return Registry(tuple(replace(s, **changes) if s.name == name else s
                              for s in self.stages), self.inputs)

    def run(self, inputs: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """Run every stage in order; returns the tables they write (not the inputs)."""
        missing = [name for name in self.inputs if name not in inputs]
        if missing:
            raise KeyError(f"missing input table(s): {', '.join(missing)}")
        tables = dict(inputs)
        out: dict[str, pd.DataFrame] = {}
        for stage in self.order:
            produced = stage.run(tables)
            tables.update(produced)
            out.update(produced)
        return out

    def timed(self, times: dict[str, list]) -> Registry:
        """The same stages, each adding [seconds, calls] to `times[stage name]`."""
        return Registry(tuple(replace(s, func=_timed(s.name, s.func, times))
                              for s in self.stages), self.inputs)

    def signature(self) -> str:
        """What the stages are (names, functions, tables): part of the cache fingerprint."""
        return "\n".join(f"{s.name}: {s.ref} {','.join(s.reads)} "
                         f"{','.join(f'{k}={v}' for k, v in s.keywords.items())} "
                         f"-> {','.join(s.writes)}" for s in self.order)


def _timed(name: str, func: Callable, times: dict[str, list]) -> Callable:
    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            entry = times.setdefault(name, [0.0, 0])
            entry[0] += time.perf_counter() - t0
            entry[1] += 1

    timed.__wrapped__ = func
    return timed


def _topological(stages: Iterable[Stage], inputs: tuple[str, ...]) -> tuple[Stage, ...]:
    """Stages in dependency order (Kahn; among ready stages, the first declared runs first)."""
    stages = list(stages)
    writer: dict[str, int] = {}
    for i, stage in enumerate(stages):
        if stage.name in {s.name for s in stages[:i]}:
            raise ValueError(f"two stages are named {stage.name!r}")
        for table in stage.writes:
            if table in inputs or table in writer:
                by = "an input" if table in inputs else f"stage {stages[writer[table]].name!r}"
                raise ValueError(f"stage {stage.name!r} writes {table!r}, already written by {by}")
            writer[table] = i
    needs: list[set[int]] = []
    for stage in stages:
        unknown = [t for t in stage.inputs if t not in writer and t not in inputs]
        if unknown:
            raise ValueError(f"stage {stage.name!r} reads {', '.join(map(repr, unknown))}, "
                             "which no stage writes and is not an input")
        needs.append({writer[t] for t in stage.inputs if t in writer})
    ready = [i for i, need in enumerate(needs) if not need]
    heapq.heapify(ready)
    done: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        done.append(i)
        for j, need in enumerate(needs):
            if i in need:
                need.discard(i)
                if not need:
                    heapq.heappush(ready, j)
    if len(done) < len(stages):
        stuck = sorted(stages[i].name for i in set(range(len(stages))) - set(done))
        raise ValueError(f"stages depend on each other in a cycle: {', '.join(stuck)}")
    return tuple(stages[i] for i in done)
