"""Train a configuration for its step budget, evaluating as it goes: the API behind the CLI.

Example:
    >>> from gan_viz import experiment, presets
    >>> result = experiment.train(presets.get("ring8-hopping"), steps=2000)
    >>> result.summary["modes_captured"], result.summary["hop_events"]
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import jax
import numpy as np

from gan_viz.core import data as data_lib
from gan_viz.core import metrics
from gan_viz.core.config import Config, hyper_from, steps_per_round, validate
from gan_viz.core.train import GAN, EvalSet, Frame, State, make_gan
from gan_viz.lab.history import History, mean_losses


@dataclass
class Snapshot:
    """The generator at one step: its samples on the run's fixed evaluation noise and their mode
    statistics (host values)."""

    step: int
    fake: np.ndarray  # (EVAL_SAMPLES, 2)
    modes: metrics.ModeStats


@dataclass
class Result:
    config: Config
    state: State
    frame: Frame
    history: History
    summary: dict
    snapshots: list[Snapshot] = field(default_factory=list)


def _finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None


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
    validate(config)
    total = config.train.steps if steps is None else int(steps)
    gan: GAN = make_gan(config)
    mixture = config.data.mixture()
    hyper = hyper_from(config.train)
    ev: EvalSet = gan.eval_set(config.seed, mixture)
    grid = metrics.make_grid(data_lib.extent(mixture))
    state = gan.init(config.seed)
    history = History(max_points=10_000)

    wanted = sorted(set(int(s) for s in snapshot_steps))
    snapshots: list[Snapshot] = []

    def snap(state: State, st: metrics.ModeStats | None = None) -> None:
        """Keeps the samples (and ``st``, the state's mode statistics, if taken) when a snapshot is due."""
        step = int(state.step)
        if wanted and step >= wanted[0]:
            st = jax.device_get(gan.mode_stats(state, mixture, ev)) if st is None else st
            snapshots.append(Snapshot(step, np.asarray(gan.generate(state.g_ema, ev.z)), st))
            while wanted and wanted[0] <= step:
                wanted.pop(0)

    def record(state: State, d_loss: float, g_loss: float) -> None:
        st = jax.device_get(gan.mode_stats(state, mixture, ev))
        history.add(int(state.step), st, d_loss, g_loss, value=math.nan, jsd=math.nan)
        snap(state, st)

    per_round = steps_per_round(config.train)
    total_rounds = -(-total // per_round)
    rounds_per_eval = -(-config.train.eval_every // per_round)
    diverged = False
    rounds = 0
    t0 = time.perf_counter()
    state, _ = gan.run(state, hyper, mixture, 0)  # compile first: steps_per_second is training only
    snap(state)
    train_seconds = 0.0
    interrupted = False
    while rounds < total_rounds and not diverged:
        n = min(rounds_per_eval, total_rounds - rounds)
        t = time.perf_counter()
        try:
            new, info = gan.run(state, hyper, mixture, n)
            jax.block_until_ready(new)
        except KeyboardInterrupt:
            if not interruptible:
                raise
            interrupted = True
            break
        state = new
        train_seconds += time.perf_counter() - t
        rounds += info.rounds
        diverged = info.diverged
        record(state, *mean_losses(info))
        if progress is not None:
            progress(int(state.step), total_rounds * per_round)
    done = int(state.step)
    frame = jax.device_get(gan.evaluate(state, mixture, ev, grid, config.train.loss))
    wall = time.perf_counter() - t0
    summary = {
        "preset_seed": config.seed,
        "steps": done,
        "rounds": rounds,
        "modes_captured": int(frame.modes.modes_captured),
        "num_modes": mixture.num_modes,
        "hq_fraction": float(frame.modes.hq_fraction),
        "reverse_kl": float(frame.modes.reverse_kl),
        "jsd": float(frame.jsd),
        "value": float(frame.value),
        "value_at_equilibrium": -math.log(4.0),
        "d_real": float(frame.d_real),
        "d_fake": float(frame.d_fake),
        "hop_events": history.hop_count,
        "mean_dwell_steps": history.mean_dwell_steps,
        "collapsed_hq_fraction": history.collapsed_hq_fraction,
        "collapsed_share": history.collapsed_share,
        "near_mode_distance": history.near_mode_distance,
        "diverged": diverged,
        "interrupted": interrupted,
        "wall_seconds": wall,
        "steps_per_second": done / train_seconds if train_seconds > 0 else None,
        "final_d_loss": _finite_or_none(history.d_loss[-1]) if history.d_loss else None,
        "final_g_loss": _finite_or_none(history.g_loss[-1]) if history.g_loss else None,
    }
    return Result(config, state, frame, history, summary, snapshots)
