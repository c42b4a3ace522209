"""Train a configuration for its step budget, evaluating as it goes: the API behind the CLI.

Example:
    >>> from gan_viz.lab import experiment, presets
    >>> result = experiment.train(presets.get("ring8-hopping"), steps=2000)
    >>> result.summary["modes_captured"], result.summary["hop_events"]
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from gan_viz.core import metrics
from gan_viz.core.config import Config
from gan_viz.core.state import Measures, State
from gan_viz.lab import driver
from gan_viz.lab.history import History


@dataclass
class Snapshot:
    """The generator at one step: its samples on the run's fixed evaluation noise and their mode
    statistics (host values)."""

    step: int
    fake: np.ndarray  # (EVAL_SAMPLES, 2)
    modes: metrics.ModeStats


@dataclass
class Result:
    """A trained run: its final state and measures (``Trainer.measure``: samples, mode statistics, D's
    means, V, JSD, D's surface), its history, its summary (``driver.summary``) and its snapshots."""

    config: Config
    state: State
    frame: Measures
    history: History
    summary: dict
    snapshots: list[Snapshot] = field(default_factory=list)


def json_ready(obj):
    """``obj`` (nested dicts and lists) with NaN and infinities as None, so it dumps as strict JSON."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: json_ready(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [json_ready(v) for v in obj]
    return obj


def train(
    config: Config,
    *,
    steps: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    interruptible: bool = False,
    snapshot_steps: Sequence[int] = (),
) -> Result:
    """Trains ``config`` from its seed for ``steps`` steps (default ``config.train.steps``).

    A step is one update of D or of G; training advances whole rounds of ``k_d + k_g``
    steps, so the budget is rounded up to a whole round. Mode statistics are recorded
    every ``config.train.eval_every`` steps (rounded up likewise) on the fixed
    evaluation noise; the summary adds hop events, the mean dwell between hops, the mean HQ
    fraction while collapsed, the share of evaluations collapsed, how near a collapsed G sits to
    its mode (median std, ``metrics``), the final JSD and V(D, G), wall time and throughput.
    Training stops early, keeping the last finite state, if it diverges.

    Args:
        config: the run.
        steps: steps to train; defaults to ``config.train.steps``.
        progress: called as ``progress(done, total)`` after each evaluation.
        interruptible: on Ctrl+C (KeyboardInterrupt) stop training, keep the state of the last
            completed call and return it with ``summary["interrupted"] = True``.
        snapshot_steps: steps at which to keep the generated samples (``Result.snapshots``): 0 is
            the initial G; any other is kept at the first evaluation at or after it.

    Returns:
        A ``Result`` with the final state and frame, the history and a JSON-ready summary.
    """
    run = driver.setup(config)
    gan, ev = run.gan, run.ev
    plan = driver.budget(config.train, steps)
    history = History(max_points=10_000)

    wanted = sorted(set(int(s) for s in snapshot_steps))
    snapshots: list[Snapshot] = []

    def snap(state: State, st: metrics.ModeStats | None = None) -> None:
        """Keeps the samples (and ``st``, the state's mode statistics, if taken) when a snapshot is due."""
        step = int(state.step)
        if wanted and step >= wanted[0]:
            st = run.mode_stats(state) if st is None else st
            snapshots.append(Snapshot(step, np.asarray(gan.generate(state.g_ema, ev.z)), st))
            while wanted and wanted[0] <= step:
                wanted.pop(0)

    t0 = time.perf_counter()
    state, rounds, diverged, interrupted, train_seconds = run.state, 0, False, False, 0.0
    snap(state)
    try:
        for e in driver.evaluations(run, plan.marks()):
            state, rounds, diverged = e.state, e.rounds, e.diverged
            train_seconds += e.seconds
            history.add(e.step, e.measured, *e.losses, value=math.nan, jsd=math.nan)
            snap(state, e.measured)
            if progress is not None:
                progress(e.step, plan.steps)
    except KeyboardInterrupt:
        if not interruptible:
            raise
        interrupted = True
    frame = run.measure(state)
    last = (history.d_loss[-1], history.g_loss[-1]) if history.d_loss else None
    summary = driver.summary(history.tracker, frame.modes, seed=config.seed, steps=int(state.step), rounds=rounds,
                             diverged=diverged, interrupted=interrupted, frame=frame, final_losses=last,
                             wall_seconds=time.perf_counter() - t0, train_seconds=train_seconds)
    return Result(config, state, frame, history, summary, snapshots)
