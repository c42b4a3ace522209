"""Each lecture scene's opening state, made in the background and kept, so Next never waits for training.

A scene opens at its ``start_step`` of its configuration: a ``LiveRun`` trained to that step (its calls
compiled, the round that takes pictures too) and, on the Compare tab, the two runs of ``Comparison``.
``Openings`` (one per server process) makes them one at a time in a daemon thread, the scene asked for
first, the rest in lecture order. Sessions get a copy (``open_live`` / ``open_compare``): the template
stays at the opening step for the next session or the next visit.

Training in the background shares the cores with the scene on screen: while any run plays
(``player.last_played``), the thread waits before its next chunk (a few hundredths of a second of
training) and before its next scene, so the frames on screen keep their rate; a compilation under way
cannot be cut short (seconds, once per shape). A scene opened while its state is not ready pauses the
scene before it, so its own state is made at once.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from gan_viz.core import config as config_lib
from gan_viz.lab.lecture import Scene
from gan_viz.ui import jobs, player
from gan_viz.ui.session import APP_GRID_RES, LiveRun

CHUNK_ROUNDS_MAX = 50  # rounds per training call while a scene's opening state trains (a fraction of a second)
PLAYING_SECONDS = 1.0  # a run whose last frame is this recent is playing
WAIT_SECONDS = 0.2  # while one plays, the background looks this often whether it still does


def key(scene: Scene) -> str:
    """What makes two scenes' opening states the same: configuration, opening step, tab, remedy."""
    return json.dumps([config_lib.to_dict(scene.config()), scene.start_step, scene.tab == "compare",
                       scene.remedy], sort_keys=True)


def train_to(run: LiveRun, step: int, pause: Callable[[float], None] = lambda s: None) -> None:
    """Trains ``run`` to ``step`` (whole rounds, so up to a round past it) in chunks of at most
    ``CHUNK_ROUNDS_MAX`` rounds, one history record each; ``pause(seconds)`` after each chunk."""
    while run.step < step and not run.diverged:
        rounds = min(-(-(step - run.step) // run.round_steps), CHUNK_ROUNDS_MAX,
                     max(run.config.train.eval_every // run.round_steps, 1))
        t0 = time.perf_counter()
        run.advance_frames(1, rounds)
        pause(time.perf_counter() - t0)


def clone(run: LiveRun) -> LiveRun:
    """A copy of ``run`` that trains on alone (states are immutable arrays; history and window are copied)."""
    twin = copy.copy(run)
    twin.history = copy.deepcopy(run.history)
    twin.recent = deque(run.recent, maxlen=run.recent.maxlen)
    twin._trained_with = set(run._trained_with)
    return twin


def _yield(seconds: float = 0.0) -> None:
    """Before each chunk (``seconds``: the last one's training time): waits while a run plays on screen."""
    while time.monotonic() - player.last_played() < PLAYING_SECONDS:
        time.sleep(WAIT_SECONDS)


def build_live(scene: Scene, pause: Callable[[float], None] = _yield) -> LiveRun:
    """The scene's run at its opening step, its calls compiled; on the Theory tab also what that tab
    computes once (D* and the gradient norms of this state, the k_D scene shared by every session)."""
    run = LiveRun(scene.config(), grid_res=APP_GRID_RES)
    run.warm_up(pictures=True, wait=True)
    train_to(run, scene.start_step, pause)
    run.refresh()
    if scene.tab == "theory":
        pause(0.0)
        run.theory()  # kept with the state: a copy of this run shows it without computing it again
        pause(0.0)
        _theory_page_cache()
    return run


def _theory_page_cache() -> None:
    """Fills the Theory tab's process-wide cache (the k_D scene), so its first drawing does not train it."""
    from gan_viz.ui.pages import theory as theory_page

    with contextlib.suppress(Exception):  # a cache this Streamlit cannot fill outside a page is filled there
        theory_page.k_d_scene()


def build_compare(scene: Scene, pause: Callable[[float], None] = _yield) -> Any:
    from gan_viz.ui.pages.compare import Comparison

    c = Comparison(scene.config(), scene.remedy)
    while c.target < scene.start_step and not all(r.diverged for r in c.runs):
        t0 = time.perf_counter()
        c.advance(min(scene.start_step - c.target, CHUNK_ROUNDS_MAX * c.round_steps))
        pause(time.perf_counter() - t0)
    c.refresh()
    return c


class Openings:
    """The opening states of every scene asked for, made one at a time in one background thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[str, Any] = {}  # key -> LiveRun, or (LiveRun, Comparison) on Compare
        self._failed: dict[str, str] = {}
        self._queue: list[tuple[str, Scene]] = []
        self._thread: threading.Thread | None = None
        self.seconds: dict[str, float] = {}  # key -> seconds it took to make (measured, for the bench)

    def request(self, scenes: tuple[Scene, ...] | list[Scene], first: Scene | None = None) -> None:
        """Queues the scenes not made yet, ``first`` ahead of the rest."""
        with self._lock:
            wanted = ([first] if first is not None else []) + [s for s in scenes if s is not first]
            queued = {k for k, _ in self._queue}
            todo = [(key(s), s) for s in wanted]
            todo = [(k, s) for k, s in todo if k not in self._done and k not in self._failed]
            if first is not None and todo and todo[0][1] is first:
                self._queue = [e for e in self._queue if e[0] != todo[0][0]]
                self._queue.insert(0, todo[0])
                queued.add(todo[0][0])
            for k, s in todo:
                if k not in queued:
                    self._queue.append((k, s))
                    queued.add(k)
            if self._thread is None and self._queue:
                self._thread = threading.Thread(target=self._work, daemon=True, name="gan_viz-lecture-openings")
                jobs.track(self._thread).start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._thread = None
                    return
                k, scene = self._queue.pop(0)
            _yield()
            t0 = time.perf_counter()
            try:
                live = build_live(scene)
                made: Any = (live, build_compare(scene)) if scene.tab == "compare" else live
            except Exception as e:  # noqa: BLE001  (reported on the page in one line)
                with self._lock:
                    self._failed[k] = (str(e).strip().splitlines() or [type(e).__name__])[0]
                continue
            with self._lock:
                self._done[k] = made
                self.seconds[k] = time.perf_counter() - t0

    def ready(self, scene: Scene) -> bool:
        with self._lock:
            return key(scene) in self._done

    def failed(self, scene: Scene) -> str | None:
        with self._lock:
            return self._failed.get(key(scene))

    def wait(self, scene: Scene, timeout: float) -> bool:
        """Waits up to ``timeout`` seconds for ``scene``'s opening state (asking for it first); whether it is made."""
        self.request([scene], first=scene)
        deadline = time.monotonic() + timeout
        while not self.ready(scene) and self.failed(scene) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.ready(scene)

    def open_live(self, scene: Scene) -> LiveRun:
        """A copy of the scene's opening run (``wait`` for it first)."""
        with self._lock:
            made = self._done[key(scene)]
        return clone(made[0] if isinstance(made, tuple) else made)

    def open_compare(self, scene: Scene) -> Any:
        """A copy of the scene's Compare runs, paused, with a player of their own."""
        with self._lock:
            made = self._done[key(scene)]
        twin = copy.copy(made[1])
        twin.runs = tuple(clone(r) for r in made[1].runs)
        twin.player = type(made[1].player)(min_fps=made[1].player.pacer.min_fps)
        twin.playing = False
        return twin
