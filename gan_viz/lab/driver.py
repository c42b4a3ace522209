"""The one run driver: a run's set-up, its budget in rounds, training with evaluations, its summary.

Every way of training here (``experiment.train``, ``replay.record``, the collapse map's runs, the
reproductions, the benchmarks, the counter-example and the theory scenes) is these four pieces; a
live run that advances a few rounds at a time sets itself up with ``setup`` too:

- ``setup(config)``: the compiled ``Trainer``, the data mixture, the run-time ``Hyper`` arrays, the
  fixed evaluation set, the view box and its grid, and the initial state of the seed (``Run``).
- ``budget(config.train, steps)``: steps and the evaluation interval in whole rounds of ``k_d +
  k_g`` steps (both rounded up), and the rounds after which evaluations fall (``Budget``).
- ``evaluations(run, marks)``: trains from the run's state to each mark (a count of rounds), one
  ``Trainer.run`` per mark, and yields an ``Evaluation`` (the state, the rounds' losses, what
  ``measure`` took of the state, the seconds spent training) after each; stops after a call that
  diverged, whose state is the last finite one.
- ``summary(...)``: the one schema of a run's figures, which ``experiment.train`` returns, ``gan-viz
  train --json`` prints and the collapse map and the reproductions average over seeds.

Example:
    >>> from gan_viz.lab import driver, presets
    >>> run = driver.setup(presets.get("ring8-hopping"))
    >>> plan = driver.budget(run.config.train, 2000)  # rounds of 3 + 40 steps: 47 rounds, 2,021 steps
    >>> for e in driver.evaluations(run, plan.marks()):
    ...     print(e.step, int(e.measured.modes_captured), e.losses)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import numpy as np

from gan_viz.core import data as data_lib
from gan_viz.core import divergences, losses, metrics, viewbox
from gan_viz.core.config import Config, TrainConfig, steps_per_round, validate
from gan_viz.core.data import Mixture
from gan_viz.core.hyper import Hyper, hyper_from
from gan_viz.core.state import EvalSet, Measures, RunInfo, State
from gan_viz.core.trainer import Trainer, make_trainer
from gan_viz.lab.history import mean_losses

Extent = tuple[float, float, float, float]


@dataclass(frozen=True)
class Run:
    """What training and measuring one configuration needs, from its seed (``setup``).

    Attributes:
        config: the validated run.
        gan: the shared compiled functions for its shapes (``make_trainer``).
        mixture: the data.
        hyper: the run-time hyperparameters of ``config.train``.
        ev: the seed's fixed evaluation noise and real samples.
        extent: the square box ``(x0, x1, y0, y1)`` that grids cover.
        grid: ``extent`` at the resolution full evaluations use (JSD, D*, D's surface).
        state: the seed's initial state (step 0).
    """

    config: Config
    gan: Trainer
    mixture: Mixture
    hyper: Hyper
    ev: EvalSet
    extent: Extent
    grid: metrics.Grid
    state: State

    def grid_at(self, res: int) -> metrics.Grid:
        """``extent`` at ``res`` cells per axis (the pictures of a live view or a replay)."""
        return metrics.make_grid(self.extent, int(res))

    def measure(self, state: State) -> Measures:
        """``state``'s cheap figures on ``grid`` (``Trainer.measure``: samples, mode statistics, D's means,
        V, JSD, D's surface for ``config.train.loss``), on the host."""
        return jax.device_get(self.gan.measure(state, self.mixture, self.ev, self.grid, self.config.train.loss))

    def mode_stats(self, state: State) -> metrics.ModeStats:
        """``state``'s mode statistics on the fixed evaluation noise, on the host."""
        return jax.device_get(self.gan.mode_stats(state, self.mixture, self.ev))


def setup(config: Config, *, seed: int | None = None, view_box: bool = False, extent: Extent | None = None,
          grid_res: int = metrics.GRID_RES, frozen: tuple[str, ...] = ()) -> Run:
    """Sets up ``config`` from ``seed`` (default ``config.seed``): see ``Run``.

    Args:
        config: the run; validated here.
        seed: the seed of the weights, the training keys and the evaluation set.
        view_box: grids cover the square view box around the data and the initial generator's
            samples, as the app draws (``viewbox.view_extent``); else the data's extent.
        extent: a box of one's own instead (wins over ``view_box``).
        grid_res: cells per axis of ``Run.grid``.
        frozen: parameters that never move (``make_trainer``).
    """
    config = validate(config)
    seed = config.seed if seed is None else int(seed)
    gan = make_trainer(config, frozen)
    mixture = config.data.mixture()
    ev = gan.eval_set(seed, mixture)
    state = gan.init(seed)
    if extent is None:
        extent = data_lib.extent(mixture)
        if view_box:
            extent = viewbox.view_extent(extent, np.asarray(gan.generate(state.g_ema, ev.z)))
    extent = tuple(float(v) for v in extent)
    return Run(config, gan, mixture, hyper_from(config.train), ev, extent, metrics.make_grid(extent, int(grid_res)),
               state)


class Budget(NamedTuple):
    """A budget in whole rounds (``budget``)."""

    per_round: int  # steps in one round
    rounds: int  # rounds to train
    every: int  # rounds between evaluations

    @property
    def steps(self) -> int:
        """The steps trained: the budget rounded up to a whole round."""
        return self.rounds * self.per_round

    @property
    def evaluations(self) -> int:
        """Evaluations ``marks`` holds: one per ``every`` rounds, the last at the end."""
        return -(-self.rounds // self.every)

    def marks(self) -> list[int]:
        """The rounds after which evaluations fall: every ``every`` rounds, and the last round."""
        return [min(i * self.every, self.rounds) for i in range(1, self.evaluations + 1)]


def budget(train: TrainConfig, steps: int | None = None, eval_every: int | None = None) -> Budget:
    """``steps`` (default ``train.steps``) and ``eval_every`` (default ``train.eval_every``) in whole
    rounds of ``train``, each rounded up: k_d = 2, k_g = 1 makes 3 steps a round, so 70 steps are 24
    rounds (72 steps) and an evaluation every 10 steps falls every 4 rounds (12 steps)."""
    per_round = steps_per_round(train)
    steps = train.steps if steps is None else int(steps)
    every = train.eval_every if eval_every is None else int(eval_every)
    return Budget(per_round, -(-steps // per_round), max(1, -(-every // per_round)))


class Evaluation(NamedTuple):
    """One evaluation of ``evaluations``: the state trained to a mark and what was taken of it."""

    state: State
    rounds: int  # rounds trained since the iteration began
    step: int  # ``state.step``
    info: RunInfo  # the call that reached this mark (no rounds for a mark already reached)
    measured: Any  # ``measure(run, state)``
    seconds: float  # spent in that call, training only
    diverged: bool  # the call met a non-finite value; the state is the last finite one

    @property
    def losses(self) -> tuple[float, float]:
        """The call's mean D and G losses over its finite rounds (NaN where none)."""
        return mean_losses(self.info)


def evaluations(run: Run, marks: Sequence[int], *, state: State | None = None, hyper: Hyper | None = None,
                measure: Callable[[Run, State], Any] = Run.mode_stats,
                compile_first: bool = True) -> Iterator[Evaluation]:
    """Trains ``state`` (default the run's initial one) with ``hyper`` (default the run's) to each of
    ``marks``, increasing counts of rounds from that state (a mark of 0 measures it untrained), and
    yields an ``Evaluation`` at each; stops after the first call that diverges.

    With ``compile_first`` the training call is compiled before the first mark, so
    ``Evaluation.seconds`` is training alone; a run that has compiled it already (a live run
    advancing a few rounds at a time) passes False and saves that call.
    """
    gan, mixture = run.gan, run.mixture
    state = run.state if state is None else state
    hyper = run.hyper if hyper is None else hyper
    if compile_first:
        state, _ = gan.run(state, hyper, mixture, 0)  # no round
    done = 0
    for mark in marks:
        seconds = 0.0
        if mark > done:
            t = time.perf_counter()
            state, info = gan.run(state, hyper, mixture, int(mark) - done)  # returns once its report is read
            seconds = time.perf_counter() - t
            done += info.rounds
        else:  # reached already: nothing to train
            empty = np.zeros((0,), np.float32)
            info = RunInfo(empty, empty, 0, False, int(state.step))
        yield Evaluation(state, done, info.step, info, measure(run, state), seconds, info.diverged)
        if info.diverged:
            return


def _finite_or_none(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def summary(hops: metrics.HopTracker, modes: metrics.ModeStats | None, *, seed: int, steps: int, rounds: int,
            diverged: bool, interrupted: bool = False, frame=None, final_losses: tuple[float, float] | None = None,
            wall_seconds: float | None = None, train_seconds: float | None = None) -> dict:
    """A run's figures, JSON-ready, in the one schema every report uses.

    Args:
        hops: the run's hop statistics over all its evaluations.
        modes: the mode statistics of its end (None where unknown: every mode figure is None).
        seed, steps, rounds, diverged, interrupted: what was run.
        frame: the measures of its end (``Trainer.measure`` or ``evaluate``), for JSD, V and D's means; without
            one they are None.
        final_losses: the last recorded D and G losses.
        wall_seconds, train_seconds: time in all, and training alone (for ``steps_per_second``).

    Keys: preset_seed, steps, rounds, modes_captured, num_modes, hq_fraction, reverse_kl, collapsed
    (G's samples gather near one mode at the end, ``metrics.collapsed_and_dominant``), jsd, value,
    value_at_equilibrium, d_real, d_fake, hop_events, mean_dwell_steps, collapsed_hq_fraction,
    collapsed_share, near_mode_distance, diverged, interrupted, wall_seconds, steps_per_second,
    final_d_loss, final_g_loss; for an f-GAN loss (``losses.F_LOSSES``; None for the others) bound
    (F on the evaluation set) and divergence (that D_f on the grid, ``core.divergences``); and
    f_divergences, every member's D_f on the grid by name (None without a frame).
    """
    def at_end(get):
        return None if modes is None else get(modes)

    def of_frame(name: str) -> float | None:
        return None if frame is None else float(getattr(frame, name))

    d_loss, g_loss = (None, None) if final_losses is None else final_losses
    f_divs = None if frame is None else dict(zip(divergences.NAMES, map(float, np.asarray(frame.f_divergences))))
    f_loss = None if frame is None else losses.LOSSES[int(frame.loss)]
    f_loss = f_loss if f_loss in divergences.NAMES else None
    return {
        "preset_seed": seed,
        "steps": steps,
        "rounds": rounds,
        "modes_captured": at_end(lambda m: int(m.modes_captured)),
        "num_modes": at_end(lambda m: len(np.asarray(m.occupancy))),
        "hq_fraction": at_end(lambda m: float(m.hq_fraction)),
        "reverse_kl": at_end(lambda m: float(m.reverse_kl)),
        "collapsed": at_end(lambda m: bool(metrics.collapsed_and_dominant(np.asarray(m.region))[0])),
        "jsd": of_frame("jsd"),
        "value": of_frame("value"),
        "value_at_equilibrium": -math.log(4.0),
        "d_real": of_frame("d_real"),
        "d_fake": of_frame("d_fake"),
        "hop_events": hops.hops,
        "mean_dwell_steps": hops.mean_dwell_steps,
        "collapsed_hq_fraction": hops.collapsed_hq_fraction,
        "collapsed_share": hops.collapsed_share,
        "near_mode_distance": hops.near_mode_distance,
        "diverged": bool(diverged),
        "interrupted": bool(interrupted),
        "wall_seconds": wall_seconds,
        "steps_per_second": steps / train_seconds if train_seconds else None,
        "final_d_loss": _finite_or_none(d_loss),
        "final_g_loss": _finite_or_none(g_loss),
        "bound": None if f_loss is None else _finite_or_none(float(frame.bound)),
        "divergence": None if f_loss is None else _finite_or_none(f_divs[f_loss]),
        "f_divergences": None if f_divs is None else {k: _finite_or_none(v) for k, v in f_divs.items()},
    }


def mean(values: Sequence[float | None]) -> float | None:
    """The mean of the values that are not None; None when none is."""
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None
