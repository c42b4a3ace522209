"""One live run for the app: state, run-time hyperparameters, bounded history, divergence.

``LiveRun`` is plain Python over the compiled core, so the app stays thin and the logic is
testable without a browser. Compiled ``GAN`` objects are shared through ``make_gan``'s
cache; each browser session owns one ``LiveRun``.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import deque
from dataclasses import replace

import jax
import numpy as np

from gan_viz.core import config as config_lib
from gan_viz.core import data as data_lib
from gan_viz.core import metrics
from gan_viz.core.config import Config, Hyper, TrainConfig, hyper_from, steps_per_round, validate
from gan_viz.core.train import GAN, EvalSet, Frame, State, make_gan
from gan_viz.lab.history import History, mean_losses


class RateMeter:
    """Events per wall-clock second over the last ``window`` seconds (frames/s, steps/s)."""

    def __init__(self, window: float = 3.0):
        self.window = window
        self._events: deque[tuple[float, float]] = deque()  # (time, amount), oldest first

    def add(self, amount: float = 1.0, now: float | None = None) -> None:
        now = time.perf_counter() if now is None else now
        self._events.append((now, amount))
        while self._events and now - self._events[0][0] > self.window:
            self._events.popleft()

    def rate(self) -> float:
        if len(self._events) < 2:
            return 0.0
        span = self._events[-1][0] - self._events[0][0]
        # the first event opens the window; what came after it happened within ``span``
        return sum(a for _, a in itertools.islice(self._events, 1, None)) / span if span > 0 else 0.0

    def reset(self) -> None:
        self._events.clear()


def needs_reset(old: Config, new: Config) -> bool:
    """True when ``new`` cannot continue ``old``'s run: anything but the live and budget keys changed."""
    kept = {k: getattr(old.train, k) for k in config_lib.LIVE_TRAIN_KEYS + config_lib.BUDGET_TRAIN_KEYS}
    return replace(new, train=replace(new.train, **kept), view=old.view) != old


class LiveRun:
    """A run the app steps frame by frame."""

    def __init__(self, config: Config, grid_res: int = metrics.GRID_RES):
        self.config = validate(config)
        self.gan: GAN = make_gan(config)
        self.mixture = config.data.mixture()
        self.extent = data_lib.extent(self.mixture)
        self.grid = metrics.make_grid(self.extent, grid_res)
        self.eval_set: EvalSet = self.gan.eval_set(config.seed, self.mixture)
        # host copies of what every frame draws, made once
        self.real = np.asarray(self.eval_set.real)
        self.grid_x, self.grid_y = np.asarray(self.grid.xs), np.asarray(self.grid.ys)
        self.state: State = self.gan.init(config.seed)
        self.hyper: Hyper = hyper_from(config.train)
        self.history = History()
        self.diverged = False
        self.message = ""
        self.frame: Frame | None = None
        self._last_losses = (math.nan, math.nan)
        self.refresh()

    # -- controls ------------------------------------------------------------------------------

    def set_live(self, train: TrainConfig, freeze_d: bool = False) -> None:
        """Applies run-time hyperparameters (no reset, no recompilation).

        ``freeze_d`` holds the discriminator fixed (k_d = 0) without forgetting the chosen k_d.
        """
        self.config = replace(self.config, train=train)
        self.hyper = hyper_from(train)
        if freeze_d:
            self.hyper = self.hyper._replace(k_d=jax.numpy.int32(0))

    def warm_up(self) -> None:
        """Compiles the training call now (zero rounds), so the first frame does not wait."""
        self.state, _ = self.gan.run(self.state, self.hyper, self.mixture, 0)

    def advance(self, rounds: int, *, k_d: int | None = None, k_g: int | None = None) -> int:
        """Trains ``rounds`` rounds (optionally with k overridden, e.g. Step D only).

        Returns the number of steps done. On divergence the last finite state is kept,
        ``diverged`` is set and ``message`` says what to do; further calls do nothing.
        """
        if self.diverged or rounds <= 0:
            return 0
        hyper = self.hyper
        if k_d is not None:
            hyper = hyper._replace(k_d=jax.numpy.int32(k_d))
        if k_g is not None:
            hyper = hyper._replace(k_g=jax.numpy.int32(k_g))
        before = int(self.state.step)
        self.state, info = self.gan.run(self.state, hyper, self.mixture, rounds)
        done = int(self.state.step) - before
        if info.rounds:
            self._last_losses = mean_losses(info)
        if info.diverged:
            self.diverged = True
            t = self.config.train
            self.message = (
                f"Training diverged at step {int(self.state.step)} (a loss or weight became "
                f"infinite/NaN with lr_D = {t.lr_d:g}, lr_G = {t.lr_g:g}). Paused at the last finite "
                "state: lower the learning rates and press Reset.")
        return done

    def advance_frames(self, frames: int, steps_per_frame: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """Trains ``frames`` times ``steps_per_frame`` steps, keeping a picture after each.

        Returns ``(step, generated samples, D surface)`` per frame, on the host. The last
        state is then fully evaluated (``refresh``). Stops early on divergence.
        """
        out = []
        last = self.frame
        for _ in range(frames):
            if not self.advance(self.rounds_for_steps(steps_per_frame)):
                break
            fake, surface, modes = jax.device_get(
                self.gan.view(self.state, self.mixture, self.eval_set, self.grid))
            out.append((self.step, np.asarray(fake), np.asarray(surface)))
            # every frame goes into the history, so no hop falls between two records
            self.history.add(self.step, modes, *self._last_losses,
                             value=float(last.value) if last is not None else math.nan,
                             jsd=float(last.jsd) if last is not None else math.nan)
        self.refresh()
        return out

    def rounds_for_steps(self, steps: int) -> int:
        """Whole rounds needed for about ``steps`` steps with the current k."""
        return max(1, -(-steps // max(steps_per_round(self.config.train), 1)))

    def refresh(self) -> Frame:
        """Evaluates the current state (one device-to-host copy) and records it."""
        frame = self.gan.evaluate(self.state, self.mixture, self.eval_set, self.grid, self.config.train.loss)
        self.frame = f = jax.device_get(frame)
        if not self.history.step or self.history.step[-1] != int(f.step):
            self.history.add(int(f.step), f.modes, *self._last_losses, value=float(f.value), jsd=float(f.jsd))
        else:
            self.history.update_last(float(f.value), float(f.jsd))
        return f

    @property
    def step(self) -> int:
        return int(self.state.step)

