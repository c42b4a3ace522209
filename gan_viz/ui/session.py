"""One live run for the app: state, run-time hyperparameters, bounded history, divergence.

``LiveRun`` is plain Python over the compiled core, set up by the one run driver
(``gan_viz.lab.driver.setup``), so the app stays thin and the logic is testable without a browser.
Compiled ``Trainer`` objects are shared through ``make_trainer``'s cache; each browser session owns one
``LiveRun``, played frame by frame by a ``gan_viz.ui.player.Player``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import replace

import jax
import numpy as np

from gan_viz.core import config as config_lib
from gan_viz.core import metrics
from gan_viz.core.config import Config, TrainConfig, ViewConfig
from gan_viz.core.hyper import Hyper, hyper_from
from gan_viz.core.state import Measures, RunInfo, State, TheoryView
from gan_viz.core.trainer import MAX_ROUNDS_PER_CALL
from gan_viz.lab import driver
from gan_viz.lab.divergences import BoundTrace
from gan_viz.lab.history import History, mean_losses
from gan_viz.ui import jobs
from gan_viz.ui.pacing import Plan
from gan_viz.ui.player import Snapshot

APP_GRID_RES = 64  # decision-surface cells per axis in the app's views (live and Compare)
RECENT_FRAMES = 1500  # frames kept at full resolution for the mode chart's recent window


def needs_reset(old: Config, new: Config) -> bool:
    """True when ``new`` cannot continue ``old``'s run: anything but the live and budget keys changed."""
    kept = {k: getattr(old.train, k) for k in config_lib.LIVE_TRAIN_KEYS + config_lib.BUDGET_TRAIN_KEYS}
    return replace(new, train=replace(new.train, **kept), view=old.view) != old


class LiveRun:
    """A run the app steps frame by frame."""

    def __init__(self, config: Config, grid_res: int = metrics.GRID_RES):
        run = driver.setup(config, view_box=True, grid_res=grid_res)  # the app's view box
        self.config, self.gan, self.mixture, self.eval_set = run.config, run.gan, run.mixture, run.ev
        self.state: State = run.state
        self.extent, self.grid = run.extent, run.grid  # measures and theory: JSD, D*, D
        self.picture_grid = run.grid_at(min(grid_res, metrics.PICTURE_RES))  # frames while playing
        # host copies of what every frame draws, made once
        self.real = np.asarray(self.eval_set.real)
        self.grid_x, self.grid_y = np.asarray(self.grid.xs), np.asarray(self.grid.ys)
        self.hyper = run.hyper
        self.history = History()
        self.bounds = BoundTrace()  # f-GAN losses: the bound and the true divergence at each measured state
        # every frame's mode shares at full resolution, for the mode chart's recent window
        self.recent: deque[tuple[int, np.ndarray, float]] = deque(maxlen=RECENT_FRAMES)
        self.train_seconds = 0.0  # spent training in the last advance_frames / advance_split
        self._compiling: threading.Thread | None = None  # see compile_pictures
        self._pictures_compiled = False
        self.diverged = False
        self.message = ""
        self._measures: Measures | None = None  # the last evaluation (``refresh``), on the host
        # ``play`` measures the state it reached; off (the live view while playing, which measures with its
        # slow redraws), ``frame`` measures it when next read
        self.measure_played = True
        self._unmeasured = False  # ``play`` trained on without measuring
        self.modes: metrics.ModeStats | None = None  # mode statistics of the newest state played or measured
        self.arrows_shown = False  # whether each frame carries its own arrows (the view shows them)
        self._arrows: tuple[State, np.ndarray] | None = None  # ``arrows`` and the state they are of
        self._theory: tuple[State, TheoryView] | None = None  # ``theory`` and the state it is of
        self._step, self._step_of = 0, None  # ``step`` and the state it was read from
        self._last_losses = (math.nan, math.nan)
        self._trained_with: set[tuple[float, ...]] = set()  # the run-time settings of every training call
        self.refresh()

    # -- controls ------------------------------------------------------------------------------

    @property
    def hyper(self) -> Hyper:
        """The run-time hyperparameters every frame trains with."""
        return self._hyper

    @hyper.setter
    def hyper(self, value: Hyper) -> None:
        self._hyper = value
        self._hyper_settings = _settings(value)  # read on the host once, not every frame

    def set_live(self, train: TrainConfig, freeze_d: bool = False, view: ViewConfig | None = None) -> None:
        """Applies run-time hyperparameters and view settings (no reset, no recompilation).

        ``freeze_d`` holds the discriminator fixed (k_d = 0) without forgetting the chosen k_d.
        """
        if self.gan.unroll and train.loss != self.config.train.loss:
            self._pictures_compiled = False  # the unrolled GAN compiles its loss in: pictures too
        self.config = replace(self.config, train=train, view=view or self.config.view)
        self.hyper = hyper_from(train)
        if freeze_d:
            self.hyper = self.hyper._replace(k_d=jax.numpy.int32(0))

    def warm_up(self, pictures: bool = False, wait: bool = False) -> None:
        """Compiles the training call (zero rounds) and the picture now, so the first frame does not
        wait; with ``pictures`` also, in the background, the round that takes pictures
        (``compile_pictures``), and with ``wait`` waits for that too (both compile side by side)."""
        if pictures:
            self.compile_pictures()
        self.state, _ = self.gan.run(self.state, self.hyper, self.mixture, 0)
        picture = (self.state, self.mixture, self.eval_set, self.picture_grid, self.config.train.loss)
        jax.block_until_ready((self.gan.view(*picture), self.gan.view_with_arrows(*picture)))
        if pictures and wait:
            self._pictures_joined()

    def compile_pictures(self) -> None:
        """Starts compiling, in a background thread, the round that takes pictures (frames that
        split rounds): as long again to compile as the training call (10 s for the unrolled GAN),
        so no frame waits for it. Does nothing once started."""
        if self._compiling is not None or self._pictures_compiled:
            return
        # trains one round of the current state only to compile it; the result is dropped
        args = (self.state, self.hyper, self.mixture, self.eval_set, self.picture_grid, 1)
        self._compiling = threading.Thread(target=self.gan.round_pictures, args=args, daemon=True,
                                           name="gan_viz-compile-pictures")
        jobs.track(self._compiling).start()

    def pictures_ready(self) -> bool:
        """Whether ``advance_split`` runs without waiting for a compilation. If its compilation
        was not started, starts it in the background: until it is done, play whole rounds."""
        if self._compiling is None and not self._pictures_compiled:
            self.compile_pictures()
        elif self._compiling is not None and not self._compiling.is_alive():
            self._pictures_joined()
        return self._pictures_compiled

    def _pictures_joined(self) -> None:
        """Waits for the compilation ``compile_pictures`` started, if any: the pictures are ready."""
        if self._compiling is not None:
            self._compiling.join()
            self._compiling = None
        self._pictures_compiled = True

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
        before = self.step
        self._trained_with.add(self._hyper_settings if hyper is self.hyper else _settings(hyper))
        self.state, info = self.gan.run(self.state, hyper, self.mixture, rounds)
        self._after(info)
        return self.step - before

    def _after(self, info: RunInfo) -> None:
        """Keeps the step and losses of the training call that made ``state`` and, if it diverged,
        stops the run with a message."""
        self._step, self._step_of = info.step, self.state
        if info.rounds:
            self._last_losses = mean_losses(info)
        if info.diverged:
            self.diverged = True
            t = self.config.train
            self.message = (
                f"Training diverged at step {self.step} (a loss or weight became "
                f"infinite/NaN with lr_D = {t.lr_d:g}, lr_G = {t.lr_g:g}). Paused at the last finite "
                "state: lower the learning rates and press Reset.")

    def play(self, plan: Plan) -> list[Snapshot]:
        """Trains ``plan``'s frames (``Player``'s source): whole rounds, ``rounds_per_frame`` a frame,
        or rounds split into pictures (``plan.every``). Those are played as whole rounds, one a
        frame, while the round that takes pictures compiles, and while the arrows are shown (a
        picture inside a round has none of its own). The last state is then measured."""
        if plan.every:
            rounds = plan.split_rounds(self.round_steps)
            split = self.pictures_ready() and not self.arrows_shown
            out = self.advance_split(rounds, plan.every, self.measure_played) if split \
                else self.advance_frames(rounds, 1, self.measure_played)
        else:
            out = self.advance_frames(plan.frames, plan.rounds_per_frame, self.measure_played)
        self._unmeasured = self._unmeasured or (bool(out) and not self.measure_played)
        return out

    def advance_frames(self, frames: int, rounds_per_frame: int, refresh: bool = True) -> list[Snapshot]:
        """Trains ``frames`` times ``rounds_per_frame`` rounds, keeping a picture after each.

        Returns a ``Snapshot`` per frame, on the host. The last state is then measured
        (``refresh``; without it, ``frame`` stays the last measured). Stops early on
        divergence. The seconds spent training are left in ``train_seconds`` (the pacer learns the
        cost of a step).
        """
        return self._play(frames, lambda: self._frame(rounds_per_frame), refresh)

    def advance_split(self, rounds: int, every: int, refresh: bool = True) -> list[Snapshot]:
        """Trains ``rounds`` rounds, keeping a picture after every ``every``-th step of each and at
        its end (slow motion finer than a round: ``Trainer.round_pictures``).

        Returns a ``Snapshot`` per picture, like ``advance_frames``; the history gets one record per
        round. ``train_seconds`` includes the pictures (they are taken inside the training call).
        The last state is then measured (``refresh``; without it, ``frame`` stays the last
        measured).
        """
        self._pictures_joined()  # wait for a compilation already under way, not compile twice
        return self._play(rounds, lambda: self._split_round(every), refresh)

    def _play(self, calls: int, call, refresh: bool) -> list[Snapshot]:
        """``calls`` training calls made by ``call`` (which returns the new state, the call's
        report, its snapshots, the mode statistics of its end and the seconds it trained), each
        recorded in the history; stops at divergence; then measures the last state (``refresh``)."""
        out = []
        last = self._measures  # V and JSD of the records: the last measured (not measured anew here)
        self.train_seconds = 0.0
        for _ in range(calls):
            if self.diverged:
                break
            self._trained_with.add(self._hyper_settings)
            state, info, snapshots, modes, seconds = call()
            self.train_seconds += seconds
            self.state = state
            self._after(info)
            if not info.rounds:
                break
            out.extend(snapshots)
            self._record(modes, last)
        if refresh:
            self.refresh()
        return out

    def _frame(self, rounds: int):
        """One frame of ``rounds`` whole rounds: the training call's report and the new state's
        picture and mode statistics read in one device-to-host copy (samples, D on the picture
        grid and, where the view shows them, the arrows, all of the new state: the last finite one
        if the call diverged)."""
        t0 = time.perf_counter()
        if rounds > MAX_ROUNDS_PER_CALL:  # more than one call holds (a tiny network at "max"): run chunks it
            state, info = self.gan.run(self.state, self.hyper, self.mixture, rounds)
            launched = None
        else:
            state, launched = self.gan.launch(self.state, self.hyper, self.mixture, rounds)
            jax.block_until_ready(state)  # the training alone, for the pacer (nothing is copied yet)
        seconds = time.perf_counter() - t0
        args = (state, self.mixture, self.eval_set, self.picture_grid, self.config.train.loss)
        view = self.gan.view_with_arrows(*args) if self.arrows_shown else self.gan.view(*args)
        launched, view = jax.device_get((launched, view))
        info = info if launched is None else RunInfo.of(launched)
        arrows = getattr(view, "arrows", None)
        if arrows is not None:
            self._arrows = (state, arrows)
        return state, info, [Snapshot(info.step, view.fake, view.surface, arrows)], view.modes, seconds

    def _split_round(self, every: int):
        """One round split into pictures (``Trainer.round_pictures``, one call and one copy)."""
        t0 = time.perf_counter()
        state, info, pics, modes = self.gan.round_pictures(
            self.state, self.hyper, self.mixture, self.eval_set, self.picture_grid, every)
        snapshots = [Snapshot(int(t), pics.fake[i], pics.surface[i]) for i, t in enumerate(pics.step)]
        return state, info, snapshots, modes, time.perf_counter() - t0

    def arrows(self) -> np.ndarray:
        """Where D pushes the current state's first samples (``TheoryView.g_arrows``), on the host;
        a frame that drew them already computed them."""
        if self._arrows is None or self._arrows[0] is not self.state:
            view = self.gan.view_with_arrows(self.state, self.mixture, self.eval_set, self.picture_grid,
                                             self.config.train.loss)
            self._arrows = (self.state, jax.device_get(view.arrows))
        return self._arrows[1]

    def theory(self) -> TheoryView:
        """What only the Theory tab and the D* and manifold overlays draw (D*, the arrows, the three
        gradient norms, the manifold) for the current state, on the host: computed when such a view
        is shown, once per state."""
        if self._theory is None or self._theory[0] is not self.state:
            view = self.gan.theory(self.state, self.mixture, self.eval_set, self.grid, self.config.train.loss)
            self._theory = (self.state, jax.device_get(view))
        return self._theory[1]

    def _record(self, modes: metrics.ModeStats, last: Measures | None) -> None:
        """Every frame's (or split round's) mode statistics go into the history and the recent
        window, so no hop falls between two records; V and JSD are the last measured's."""
        self.modes = modes
        self.recent.append((self.step, np.asarray(modes.occupancy, np.float32), float(modes.off_mode)))
        self.history.add(self.step, modes, *self._last_losses,
                         value=float(last.value) if last is not None else math.nan,
                         jsd=float(last.jsd) if last is not None else math.nan)

    def refresh(self) -> Measures:
        """Measures the current state (``Trainer.measure``: the numbers and D's surface, not the
        theory-only part; one device-to-host copy) and records it."""
        measures = self.gan.measure(self.state, self.mixture, self.eval_set, self.grid, self.config.train.loss)
        self._measures = f = jax.device_get(measures)
        self._unmeasured, self.modes = False, f.modes
        self.bounds.add(f)
        if not self.recent or self.recent[-1][0] != int(f.step):
            self.recent.append((int(f.step), np.asarray(f.modes.occupancy, np.float32), float(f.modes.off_mode)))
        if not self.history.step or self.history.step[-1] != int(f.step):
            self.history.add(int(f.step), f.modes, *self._last_losses, value=float(f.value), jsd=float(f.jsd))
        else:
            self.history.update_last(float(f.value), float(f.jsd))
        return f

    @property
    def frame(self) -> Measures | None:
        """The last evaluation (``refresh``), on the host; measured now if ``play`` trained on without
        measuring (``measure_played`` off)."""
        if self._unmeasured:
            self.refresh()
        return self._measures

    @frame.setter
    def frame(self, value: Measures | None) -> None:
        """Takes ``value`` as the last evaluation, of the newest state (its mode statistics too)."""
        self._measures, self._unmeasured = value, False
        self.modes = None if value is None else value.modes

    @property
    def measured(self) -> Measures | None:
        """The last evaluation as it is, without measuring a newer state (``frame`` measures it)."""
        return self._measures

    @property
    def round_steps(self) -> int:
        """Steps in one round with the current k (Freeze D included)."""
        if bool(self.hyper.simultaneous):
            return min(int(self.hyper.k_d), 1) + min(int(self.hyper.k_g), 1)
        return int(self.hyper.k_d) + int(self.hyper.k_g)

    @property
    def step(self) -> int:
        """The state's step count; read from the device once per state (a training call reports it
        with its losses)."""
        if self._step_of is not self.state:
            self._step, self._step_of = int(self.state.step), self.state
        return self._step

    @property
    def replayable(self) -> bool:
        """Whether training the current configuration from its seed for ``step`` steps gives this run
        again: every round so far ran with the configuration's current run-time settings (no live
        change, Freeze D, Step D or Step G on the way)."""
        return self._trained_with <= {_settings(hyper_from(self.config.train))}


def _settings(hyper: Hyper) -> tuple[float, ...]:
    return tuple(float(v) for v in hyper)
