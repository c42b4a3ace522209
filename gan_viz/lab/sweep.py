"""The collapse map: many runs of one configuration over a grid of run-time settings and seeds,
trained together in one compiled call per chunk (``Trainer.run_many``), spread over every device,
of one process or of several joined by JAX's distributed runtime (``parallel.join``).

Example:
    >>> from gan_viz.lab import presets, sweep
    >>> result = sweep.sweep(presets.get("ring8-hopping"), sweep.parse_axis("lr_d=1e-4:1e-2:3log"),
    ...                      sweep.parse_axis("k_g=1,10,40"), seeds=2, steps=600)
    >>> result.cells[0]["modes_captured_mean"]

Every run of a cell starts from its seed's weights, exactly as ``experiment.train`` would with
that seed and those settings, and is measured the same way: the run driver's budget
(``driver.budget``), mode statistics on the seed's fixed evaluation noise at every evaluation,
hops counted with ``metrics.HopTracker``, each run's figures in the driver's schema
(``driver.summary``), which a cell averages over its seeds. The numbers match training the cell
alone up to float rounding (a batched matrix product may round differently), which
tests/test_sweep.py checks.

A run that diverges keeps its last finite state, stops, and is left out of its cell's means;
``diverged_fraction`` counts it.

Size (~335 lines): a map's axes (their parsing and cells) and its engine (runs grouped by loop
settings, placed over the devices, advanced chunk by chunk) are one feature that nothing else uses.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from gan_viz.core import bounds, metrics, parallel
from gan_viz.core.config import Config, override, validate
from gan_viz.core.hyper import Hyper, hyper_from
from gan_viz.core.trainer import make_trainer
from gan_viz.lab import driver

KEYS: tuple[str, ...] = Hyper._fields  # what a map may vary: the run-time settings
MAX_AXIS_VALUES = 64
MAX_RUNS = 4096


@dataclass(frozen=True)
class Axis:
    """One axis of a map: a run-time setting (``TrainConfig`` field) and its values."""

    key: str
    values: tuple[Any, ...]

    def label(self, i: int) -> str:
        v = self.values[i]
        return f"{v:.3g}" if isinstance(v, float) else str(v)


RANGE_FORM = "LO:HI:N followed by log or lin, e.g. 1e-4:1e-1:7log"
LIST_FORM = "KEY=V1,V2,... or KEY=LO:HI:Nlog (or Nlin), e.g. lr_d=1e-4,1e-3 or lr_d=1e-4:1e-1:7log"


def _range(spec: str) -> list[float]:
    parts = spec.split(":")
    kind = parts[-1].strip()[-3:] if len(parts) == 3 else ""
    if len(parts) != 3 or kind not in ("log", "lin"):
        raise ValueError(f"a range is {RANGE_FORM} (got {spec!r})")
    count = parts[2].strip()[:-3]
    if not count.isascii() or not count.isdigit():
        raise ValueError(f"a range's count is a whole number before '{kind}', as in {RANGE_FORM} (got {spec!r})")
    try:
        lo, hi = bounds.parse_number(parts[0]), bounds.parse_number(parts[1])
    except ValueError:
        raise ValueError(f"a range's ends are numbers, as in {RANGE_FORM} (got {spec!r})") from None
    n = int(count)
    if not 2 <= n <= MAX_AXIS_VALUES:
        raise ValueError(f"a range has 2 to {MAX_AXIS_VALUES} values (got {n})")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"range ends must be finite numbers (got {spec!r})")
    if kind == "log":
        if lo <= 0 or hi <= 0:
            raise ValueError(f"a log range needs positive ends (got {spec!r})")
        return [float(v) for v in np.geomspace(lo, hi, n)]
    return [float(v) for v in np.linspace(lo, hi, n)]


def parse_axis(text: str) -> Axis:
    """``KEY=V1,V2,...`` or ``KEY=LO:HI:Nlog`` (``Nlin``): N values spaced evenly in log (or
    linear) scale, ends included. KEY is a run-time setting, with or without ``train.``.
    Values are checked when the map is built (``cells``)."""
    key, sep, spec = text.partition("=")
    key = key.strip().removeprefix("train.")
    if not sep or not spec.strip():
        raise ValueError(f"an axis is {LIST_FORM} (got {text!r})")
    if key not in KEYS:
        raise ValueError(f"a map varies a run-time setting, one of {', '.join(KEYS)} (got {key!r})")
    spec = spec.strip()
    try:
        values = _range(spec) if ":" in spec else [v.strip() for v in spec.split(",") if v.strip()]
    except ValueError as e:
        raise ValueError(f"{key}: {e}") from None
    if not values:
        raise ValueError(f"{key}: no values; an axis is {LIST_FORM} (got {text!r})")
    if len(values) > MAX_AXIS_VALUES:
        raise ValueError(f"{key}: 1 to {MAX_AXIS_VALUES} values (got {len(values)})")
    return Axis(key, tuple(values))


def cell_configs(config: Config, x: Axis, y: Axis | None) -> tuple[Axis, Axis | None, list[Config]]:
    """The validated configuration of every cell (row-major: y outer, x inner) and the axes
    with their values coerced to the setting's type (``"1e-3"`` becomes 0.001)."""
    if y is not None and y.key == x.key:
        raise ValueError(f"x and y both vary {x.key}")
    cells, coerced = [], {}
    for yv in (y.values if y is not None else (None,)):
        for xv in x.values:
            cfg = override(config, f"train.{x.key}", xv)
            coerced.setdefault("x", {})[xv] = getattr(cfg.train, x.key)
            if y is not None:
                cfg = override(cfg, f"train.{y.key}", yv)
                coerced.setdefault("y", {})[yv] = getattr(cfg.train, y.key)
            cells.append(validate(cfg))
    x = Axis(x.key, tuple(coerced["x"][v] for v in x.values))
    if y is not None:
        y = Axis(y.key, tuple(coerced["y"][v] for v in y.values))
    return x, y, cells


@dataclass
class RunRecord:
    """One run's running measurements (host side)."""

    cell: int
    seed: int
    plan: driver.Budget
    rounds: int = 0
    diverged: bool = False
    tracker: metrics.HopTracker = field(default_factory=metrics.HopTracker)
    modes: metrics.ModeStats | None = None  # the latest evaluation's mode statistics

    @property
    def finished(self) -> bool:
        return self.diverged or self.rounds >= self.plan.rounds

    def summary(self) -> dict:
        """The run's figures in the driver's schema (no full evaluation: JSD, V and timings are None)."""
        return driver.summary(self.tracker, self.modes, seed=self.seed, steps=self.rounds * self.plan.per_round,
                              rounds=self.rounds, diverged=self.diverged)


@dataclass
class SweepResult:
    """A map's cells (see ``cell_summary``) and how it was computed; partial while it runs."""

    x: Axis
    y: Axis | None
    seeds: list[int]
    steps: int
    cells: list[dict]
    runs: int
    wall_seconds: float
    compile_seconds: float
    steps_per_s_aggregate: float | None
    devices: int
    done: int  # chunk calls made
    total: int  # chunk calls needed
    processes: int = 1  # processes of a distributed job that computed it (``parallel.join``)

    def to_json(self) -> dict:
        axis = (lambda a: None if a is None else {"key": a.key, "values": list(a.values)})
        return {"x": axis(self.x), "y": axis(self.y), "seeds": self.seeds, "steps": self.steps,
                "cells": self.cells, "runs": self.runs, "wall_seconds": self.wall_seconds,
                "compile_seconds": self.compile_seconds, "steps_per_s_aggregate": self.steps_per_s_aggregate,
                "devices": self.devices, "processes": self.processes}

    def grid(self, metric: str) -> np.ndarray:
        """``metric`` of every cell as a (len(y), len(x)) array, NaN where unknown."""
        ny = len(self.y.values) if self.y is not None else 1
        vals = [c.get(metric) for c in self.cells]
        return np.asarray([np.nan if v is None else v for v in vals], float).reshape(ny, len(self.x.values))


def _std(values: Sequence[float | None]) -> float | None:
    """The spread over seeds (population standard deviation, ddof 0)."""
    vals = [v for v in values if v is not None]
    return float(np.std(vals)) if vals else None


def cell_summary(records: list[RunRecord]) -> dict:
    """A cell's figures over its seeds: the mean (and for the mode figures the spread) of each run's
    ``driver.summary``; diverged runs are left out of every figure but ``diverged_fraction`` and
    ``steps_mean``."""
    runs = [r.summary() for r in records]
    ok = [s for s in runs if not s["diverged"] and s["modes_captured"] is not None]
    out = {}
    for key in ("modes_captured", "hq_fraction", "reverse_kl"):
        out[f"{key}_mean"] = driver.mean([s[key] for s in ok])
        out[f"{key}_std"] = _std([s[key] for s in ok])
    for key in ("hop_events", "mean_dwell_steps", "collapsed_hq_fraction", "collapsed_share", "near_mode_distance"):
        out[f"{key}_mean"] = driver.mean([s[key] for s in ok])
    out["collapsed_fraction"] = float(np.mean([s["collapsed"] for s in ok])) if ok else None
    out["diverged_fraction"] = float(np.mean([s["diverged"] for s in runs]))
    out["steps_mean"] = float(np.mean([s["steps"] for s in runs]))
    return out


def place_runs(gan, seeds: Sequence[int], hypers: Sequence[Hyper], batched: tuple[bool, ...], m):
    """What ``Trainer.run_many`` needs for runs with these seeds and settings, placed over the mesh
    ``m`` (their number a multiple of its devices, ``parallel.padded``): each seed's initial state
    and evaluation noise split along the run axis; the batched ``Hyper`` fields one row per run,
    split likewise, the others the first run's value on every device. Returns (states, hyper, z)."""
    seeds = np.asarray(seeds, np.int32)
    hyper = Hyper(*(parallel.shard_runs(jnp.asarray(np.stack([np.asarray(h[f]) for h in hypers])), m) if b
                    else parallel.replicate(hypers[0][f], m) for f, b in enumerate(batched)))
    return parallel.shard_runs(gan.init_many(seeds), m), hyper, parallel.shard_runs(gan.eval_noise_many(seeds), m)


# Settings that shape a round's loops: runs are grouped by them, so that no run of a compiled
# call waits for another's longer loop (vmap would run every run for the longest).
LOOP_KEYS = ("k_d", "k_g", "simultaneous")


def group_keys(config: Config) -> tuple[str, ...]:
    """The settings a map groups its runs by: ``LOOP_KEYS``, and the loss for the unrolled GAN,
    whose training calls compile it in (``trainer.Trainer.compiled_loss``)."""
    return LOOP_KEYS + ("loss",) if config.train.unroll else LOOP_KEYS


class _Group:
    """Runs that share their loop settings, placed over the devices; advanced by one call."""

    def __init__(self, gan, members: list[int], records: list[RunRecord], hypers: list[Hyper],
                 batched: tuple[bool, ...], m):
        self.members = members
        self.padded = parallel.padded(len(members), m)
        index = [members[min(i, len(members) - 1)] for i in range(self.padded)]  # pads repeat, never advance
        self.states, self.hyper, self.z = place_runs(gan, [records[i].seed for i in index],
                                                     [hypers[i] for i in index], batched, m)


def check(config: Config, x: Axis, y: Axis | None = None, *, seeds: int = 4, first_seed: int | None = None,
          steps: int | None = None) -> tuple[Axis, Axis | None, list[Config], int, list[int]]:
    """Checks a map before any training (``ValueError``, one line); returns the coerced axes,
    every cell's configuration, a run's steps and the seeds."""
    if not 1 <= seeds <= 256:
        raise ValueError(f"seeds must be 1-256 (got {seeds})")
    x, y, cells = cell_configs(config, x, y)
    total_steps = config.train.steps if steps is None else int(steps)
    if total_steps < 1:
        raise ValueError(f"steps must be >= 1 (got {total_steps})")
    first = config.seed if first_seed is None else first_seed
    bounds.check_seeds(first, seeds, "first seed")
    first = int(first)
    seed_list = [first + s for s in range(seeds)]
    runs = len(cells) * seeds
    if runs > MAX_RUNS:
        raise ValueError(f"{runs} runs (cells x seeds) is more than the {MAX_RUNS} a map may have")
    return x, y, cells, total_steps, seed_list


def sweep_iter(config: Config, x: Axis, y: Axis | None = None, *, seeds: int = 4, first_seed: int | None = None,
               steps: int | None = None, devices: list | None = None) -> Iterator[SweepResult]:
    """Trains every cell of the map for every seed; yields the map after each chunk (compiled
    calls that advance every unfinished run to its next evaluation, one per group of runs with
    the same ``LOOP_KEYS``), the last one complete."""
    x, y, cells, total_steps, seed_list = check(config, x, y, seeds=seeds, first_seed=first_seed, steps=steps)
    runs = len(cells) * seeds
    records, hypers, groups_of = [], [], {}
    grouped = group_keys(config)
    for c, cfg in enumerate(cells):
        plan = driver.budget(cfg.train, total_steps)
        for s in seed_list:
            groups_of.setdefault(tuple(getattr(cfg.train, k) for k in grouped), []).append(len(records))
            records.append(RunRecord(c, s, plan))
            hypers.append(hyper_from(cfg.train))

    t0 = time.perf_counter()
    gan = make_trainer(config)
    m = parallel.mesh(devices)
    swept = {x.key, y.key if y is not None else x.key}
    batched = tuple(k in swept and k not in grouped for k in KEYS)
    groups = [_Group(gan, members, records, hypers, batched, m) for members in groups_of.values()]
    mixture = parallel.replicate(config.data.mixture(), m)
    for g in groups:  # compiles (once per group size)
        none = parallel.shard_runs(jnp.zeros((g.padded,), jnp.int32), m)
        g.states, *_ = gan.run_many(g.states, g.hyper, mixture, none, g.z, batched)
        jax.block_until_ready(g.states)
    compile_seconds = time.perf_counter() - t0
    total_calls = max(r.plan.evaluations for r in records)
    train_seconds = 0.0

    def result(done: int) -> SweepResult:
        trained = sum(r.rounds * r.plan.per_round for r in records)
        summaries = []
        for c in range(len(cells)):
            summary = cell_summary(records[c * seeds:(c + 1) * seeds])
            xi, yi = c % len(x.values), c // len(x.values)
            summaries.append({"x": x.values[xi], "y": y.values[yi] if y is not None else None, **summary})
        return SweepResult(x, y, seed_list, total_steps, summaries, runs, time.perf_counter() - t0, compile_seconds,
                           trained / train_seconds if train_seconds > 0 else None, int(m.devices.size), done,
                           total_calls, jax.process_count())

    for call in range(total_calls):
        for g in groups:
            n = np.zeros((g.padded,), np.int32)
            for j, i in enumerate(g.members):
                r = records[i]
                if not r.finished:
                    n[j] = min(r.plan.every, r.plan.rounds - r.rounds)
            if not n.any():
                continue
            t = time.perf_counter()
            g.states, done, diverged, modes = gan.run_many(g.states, g.hyper, mixture,
                                                           parallel.shard_runs(jnp.asarray(n), m), g.z, batched)
            done, diverged, modes = parallel.to_host((done, diverged, modes))
            train_seconds += time.perf_counter() - t
            for j, i in enumerate(g.members):
                if n[j] == 0:
                    continue
                r = records[i]
                r.rounds += int(done[j])
                r.diverged = bool(diverged[j])
                if r.diverged:
                    continue
                r.modes = metrics.ModeStats(*(None if a is None else np.asarray(a[j]) for a in modes))
                r.tracker.update(r.modes.region, r.rounds * r.plan.per_round, float(r.modes.hq_fraction),
                                 r.modes.region_offset)
        yield result(call + 1)


def sweep(config: Config, x: Axis, y: Axis | None = None, *, seeds: int = 4, first_seed: int | None = None,
          steps: int | None = None, devices: list | None = None,
          progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """The whole map (``sweep_iter``'s last yield); ``progress(done, total)`` after each chunk."""
    last = None
    for last in sweep_iter(config, x, y, seeds=seeds, first_seed=first_seed, steps=steps, devices=devices):
        if progress is not None:
            progress(last.done, last.total)
    assert last is not None
    return last
