"""A run recorded for replay: evenly spaced frames from step 0 to the end, as host arrays.

``record`` trains a configuration from its seed exactly as ``experiment.train`` does (the run
driver, ``driver.setup`` and ``driver.evaluations``: same state, same keys) and keeps F frames, the
first at step 0 and the last at the end of the budget. A frame holds what the live view and
its charts draw: the generated samples (the first ``FAKE_POINTS`` of the fixed evaluation
noise, as the app draws), D on a ``surface_res`` grid over the view box, each mode's share of
high-quality samples, the off-mode rest, JSD, the HQ fraction and the modes captured. The real
samples and the view box are kept once. Drawn by ``gan_viz.render.export``; no plotting here.

A replay may start later than step 0 (``start``: trained to, without frames) and follow a
``schedule`` of run-time settings changed at given steps, as a lecture's scripted actions change
them (freezing D is ``k_d = 0`` from a step on): each change takes effect at the first whole round
at or after its step, and ``Replay.changed_at`` says at which step it did.

Same configuration and seed, same frames, bit for bit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jax
import numpy as np

from gan_viz.core import config as config_lib
from gan_viz.core import metrics
from gan_viz.core.config import Config, TrainConfig, steps_per_round
from gan_viz.core.hyper import hyper_from
from gan_viz.lab import driver, presets

SURFACE_RES = 48  # D's surface per frame: cells per axis (the live view's pictures use 48 too)
FAKE_POINTS = 1000  # generated samples kept per frame (the live view draws the first 1,000 of 2,500)
REAL_POINTS = 500  # real samples kept, once (as many as the live view draws)


@dataclass(frozen=True)
class Replay:
    """F frames of one run. Arrays are numpy, frame axis first.

    Attributes:
        config: the run (its seed included).
        extent: the square view box ``(x0, x1, y0, y1)``; the same box as the app's live run.
        grid_x, grid_y: (res,) cell centres of ``surface``.
        real: (REAL_POINTS, 2) real samples, drawn once.
        centres: (K, 2) the mixture's mode centres.
        steps: (F,) the training step of each frame; 0 first, the end of the budget last.
        fake: (F, FAKE_POINTS, 2) generated samples from the fixed evaluation noise.
        surface: (F, res, res) D on the grid; ``surface[f, i, j]`` is at (grid_x[i], grid_y[j]).
        occupancy: (F, K) share of all generated samples that are high quality on each mode.
        off_mode: (F,) the rest (each frame's occupancy plus off_mode sums to 1).
        jsd: (F,) smoothed JSD(p_x || p_g) in nats, on a ``grid_res`` grid over ``extent``.
        hq_fraction: (F,) share of generated samples that are high quality.
        modes_captured: (F,) modes with at least one high-quality sample.
        diverged: training met a non-finite value; the frames stop at the last finite state.
        changed_at: the step at which each change of ``record``'s ``schedule`` took effect (in its
            order; a change the run did not reach is left out).
    """

    config: Config
    extent: tuple[float, float, float, float]
    grid_x: np.ndarray
    grid_y: np.ndarray
    real: np.ndarray
    centres: np.ndarray
    steps: np.ndarray
    fake: np.ndarray
    surface: np.ndarray
    occupancy: np.ndarray
    off_mode: np.ndarray
    jsd: np.ndarray
    hq_fraction: np.ndarray
    modes_captured: np.ndarray
    diverged: bool
    changed_at: tuple[int, ...] = ()

    @property
    def frames(self) -> int:
        return len(self.steps)

    @property
    def num_modes(self) -> int:
        return len(self.centres)


def frame_rounds(total_rounds: int, frames: int) -> np.ndarray:
    """The rounds after which frames are taken: ``min(frames, total_rounds + 1)`` whole rounds from 0
    to ``total_rounds``, evenly spaced (each the nearest whole round), strictly increasing."""
    n = min(int(frames), int(total_rounds) + 1)
    return np.floor(np.linspace(0.0, total_rounds, n) + 0.5).astype(np.int64)


def record(
    config: Config,
    *,
    steps: int | None = None,
    frames: int = 200,
    grid_res: int = metrics.GRID_RES,
    surface_res: int = SURFACE_RES,
    progress: Callable[[int, int], None] | None = None,
    start: int = 0,
    schedule: Sequence[tuple[int, TrainConfig]] = (),
) -> Replay:
    """Trains ``config`` from its seed for ``steps`` steps and keeps ``frames`` evenly spaced frames.

    Training advances whole rounds of ``k_d + k_g`` steps, so the budget is rounded up to a
    whole round and each frame sits on the round nearest its even spacing; with fewer rounds
    than frames, every round is a frame (``Replay.frames`` says how many). A run that diverges
    stops at its last finite state, which is the last frame.

    Args:
        config: the run.
        steps: steps to train; defaults to ``config.train.steps``.
        frames: frames to keep, >= 2 (step 0 and the end at least).
        grid_res: cells per axis of the grid the JSD is measured on (the app's live run uses 64,
            ``experiment.train`` and the CLI ``metrics.GRID_RES``).
        surface_res: cells per axis of the recorded decision surface.
        progress: called as ``progress(step, total steps)`` after each frame.
        start: the first frame's step: the run trains there first, and ``steps`` more after it.
        schedule: ``(step, train)`` pairs in increasing steps: from that step on, the run-time settings
            (``config.LIVE_TRAIN_KEYS``) of ``train``; each lasts at least until the next one's step.

    Returns:
        The ``Replay``.
    """
    total = config.train.steps if steps is None else int(steps)
    if int(frames) < 2:
        raise ValueError(f"frames must be >= 2 (the first step and the last), got {frames}")
    if total < 1:
        raise ValueError(f"steps must be >= 1, got {total}")
    if not 2 <= int(surface_res) <= 256 or not 2 <= int(grid_res) <= 512:
        raise ValueError("surface_res must be in [2, 256] and grid_res in [2, 512]")
    if int(start) < 0 or any(b[0] < a[0] for a, b in zip(schedule, schedule[1:])):
        raise ValueError("start must be >= 0 and the schedule's steps increasing")
    run = driver.setup(config, view_box=True, grid_res=grid_res)
    picture = run.grid_at(surface_res)

    def measure(run: driver.Run, state) -> tuple:
        full = run.gan.measure(state, run.mixture, run.ev, run.grid, config.train.loss)
        fake, surface, _ = run.gan.view(state, run.mixture, run.ev, picture)
        step, modes, jsd, fake, surface = jax.device_get((full.step, full.modes, full.jsd, fake, surface))
        return (int(step), modes, float(jsd), np.asarray(fake[:FAKE_POINTS], np.float32),
                np.asarray(surface, np.float32))

    if start == 0 and not schedule:
        plan = driver.budget(config.train, total)
        marks = frame_rounds(plan.rounds, frames)
        kept = _frames(driver.evaluations(run, marks, measure=measure), progress, plan.steps)
        changed: tuple[int, ...] = ()
    else:
        kept, changed = _scheduled(run, measure, int(start), total, int(frames), list(schedule), progress)
    diverged = bool(kept[-1][5])
    return Replay(
        config=config,
        extent=run.extent,
        grid_x=np.asarray(picture.xs, np.float32),
        grid_y=np.asarray(picture.ys, np.float32),
        real=np.asarray(run.ev.real, np.float32)[:REAL_POINTS],
        centres=np.asarray(run.mixture.centres, np.float32),
        steps=np.array([k[0] for k in kept], np.int64),
        fake=np.stack([k[3] for k in kept]),
        surface=np.stack([k[4] for k in kept]),
        occupancy=np.stack([np.asarray(k[1].occupancy, np.float32) for k in kept]),
        off_mode=np.array([float(k[1].off_mode) for k in kept], np.float32),
        jsd=np.array([k[2] for k in kept], np.float64),
        hq_fraction=np.array([float(k[1].hq_fraction) for k in kept], np.float64),
        modes_captured=np.array([int(k[1].modes_captured) for k in kept], np.int32),
        diverged=diverged,
        changed_at=changed,
    )


def _frames(evaluations, progress, end: int, kept: list | None = None) -> list[tuple]:
    """``kept`` (a new list by default) with each evaluation's measured frame appended, its divergence
    flag last; stops after a diverged one (dropping it if it repeats the last finite frame's step)."""
    kept = [] if kept is None else kept
    for e in evaluations:
        if kept and e.measured[0] == kept[-1][0]:
            if e.diverged:
                kept[-1] = (*kept[-1][:5], True)
                break
            continue  # a round past this frame's step already: the frame is there
        kept.append((*e.measured, e.diverged))
        if progress is not None:
            progress(e.step, end)
        if e.diverged:
            break
    return kept


def _scheduled(run: driver.Run, measure, start: int, total: int, frames: int,
               schedule: list[tuple[int, TrainConfig]], progress) -> tuple[list[tuple], tuple[int, ...]]:
    """``record`` from ``start`` with ``schedule``: the run trains segment by segment, each with its
    own ``Hyper`` and round size, taking the frames that fall in it (each on the first whole round at
    or after its even spacing); returns them and the steps at which each change took effect."""
    end = start + total
    targets = np.floor(np.linspace(start, end, frames) + 0.5).astype(np.int64)
    segments = [(0, run.config.train), *schedule]
    state, kept, changed = run.state, [], []
    for i, (at, train) in enumerate(segments):
        last = i + 1 == len(segments)
        until = end if last else segments[i + 1][0]
        if i > 0:
            changed.append(int(state.step))
        per_round = steps_per_round(train)
        if per_round == 0:
            raise ValueError(f"from step {at:,} both networks are frozen (k_d = k_g = 0): nothing trains")
        entry = int(state.step)
        rounds = -(-max(until - entry, 0 if last else until - at) // per_round)
        frame_marks = {-(-(int(t) - entry) // per_round) for t in targets if entry <= t <= entry + rounds * per_round}
        frame_marks |= {rounds} if last else set()
        marks = sorted(frame_marks | {rounds})
        for m, e in zip(marks, driver.evaluations(run, marks, state=state, hyper=hyper_from(train), measure=measure)):
            state = e.state
            if e.step >= start and (m in frame_marks or e.diverged):
                _frames([e], progress, end, kept)
            if e.diverged:
                if not kept:
                    raise ValueError(f"the run diverged at step {e.step:,}, before the replay's start ({start:,})")
                return kept, tuple(changed)
        if int(state.step) >= end:
            break
    return kept, tuple(changed)


IGNORED_KEYS = ("seed", "train.steps", "train.eval_every", "view.pace")  # said elsewhere, or no effect on a replay


def changes(config: Config, preset: str) -> list[str]:
    """``key=value`` for each setting of ``config`` that differs from ``preset``'s, in key order; the
    seed, the budget and the pace are left out (a replay's title gives the seed and steps)."""
    base, now = config_lib.flat(presets.get(preset)), config_lib.flat(config)
    out = [f"{k}={_text(v)}" for k, v in now.items() if k not in IGNORED_KEYS + ("data.samples",) and base.get(k) != v]
    if config.data.samples:  # thousands of points: the title says how many, not which
        out.append(f"data.samples=({len(config.data.samples):,} points of your own)")
    return sorted(out)


def _text(v) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:g}"
    return json.dumps(v) if isinstance(v, list) else str(v)
