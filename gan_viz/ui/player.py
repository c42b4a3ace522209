"""One player of runs frame by frame, for the live view and Compare: the pacer, the rate meters,
the frame count, draw ids, what a frame costs (the browser's round trip included), the charts'
throttle and the status line.

Plain Python with an explicit clock (no Streamlit), so every number is tested without a browser.
A page owns one ``Player`` per thing it plays (the live run; Compare's pair of runs) and, on each
rerun of its fragment: ``begin`` (what the previous batch cost, round trip included), ``play`` (the
frames due at the pace, trained by the source), ``slow_due`` (whether the charts redraw now),
``draw_id`` (the number the plot component draws under), ``finish`` (what this batch cost) and
``status`` (the line above the plot).
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np

from gan_viz.render import status as status_text
from gan_viz.ui.pacing import MIN_FPS, PACE_MAX, Pacer, Plan

SLOW_SECONDS = 1.0  # the charts (and Compare's full evaluations) redraw at most this often while playing

# Draw ids are unique in the process, so a plot component never takes a new player's first frame
# for one it has drawn (it skips a number it has just drawn).
_DRAW_IDS = itertools.count(1)
_LAST_PLAYED = [-float("inf")]  # time.monotonic() of the last frame any player played (this process)


def last_played() -> float:
    """When any player in this process last began a frame while playing (``time.monotonic()``):
    background work (a lecture's opening states) rests while a run plays on screen."""
    return _LAST_PLAYED[0]


class RateMeter:
    """Events per wall-clock second over the last ``window`` seconds (frames/s, steps/s), or
    over the last two events when they came further apart (a loaded server still shows a rate,
    not 0)."""

    def __init__(self, window: float = 3.0):
        self.window = window
        self._events: deque[tuple[float, float]] = deque()  # (time, amount), oldest first

    def add(self, amount: float = 1.0, now: float | None = None) -> None:
        now = time.perf_counter() if now is None else now
        self._events.append((now, amount))
        while len(self._events) > 2 and now - self._events[0][0] > self.window:
            self._events.popleft()

    def rate(self) -> float:
        if len(self._events) < 2:
            return 0.0
        span = self._events[-1][0] - self._events[0][0]
        # the first event opens the window; what came after it happened within ``span``
        return sum(a for _, a in itertools.islice(self._events, 1, None)) / span if span > 0 else 0.0

    def reset(self) -> None:
        self._events.clear()


class Snapshot(NamedTuple):
    """One rendered frame on the host, copied from the device once: the step it shows, the generated
    samples, D's surface on the picture grid and, where the view shows them, G's arrows at those
    samples (of this frame's state, not of the batch's last)."""

    step: int
    fake: np.ndarray
    surface: np.ndarray
    arrows: np.ndarray | None = None


class Source(Protocol):
    """What a player plays: a run, or runs in lockstep."""

    @property
    def step(self) -> int: ...  # steps trained so far (the shared target, for runs in lockstep)

    @property
    def round_steps(self) -> int: ...  # a frame's unit: steps in one round

    train_seconds: float  # what training the last ``play`` took

    def play(self, plan: Plan) -> Sequence[Any]: ...  # trains ``plan``'s frames; one entry per frame


class Batch(NamedTuple):
    """What one rerun played, for the pacer: frames made, steps trained, seconds of training, and
    the ``time.perf_counter()`` at which the rerun began."""

    frames: int
    steps: int
    train_seconds: float
    started: float


class Player:
    """Plays a ``Source`` at a pace in steps/s (see the module docstring).

    ``min_fps``: frames never planned more rarely than this to hold a pace (``pacing.MIN_FPS``; Compare
    asks for more, as its browser draws two plots on the same cores).
    """

    def __init__(self, min_fps: float = MIN_FPS, slow_seconds: float = SLOW_SECONDS):
        self.pacer = Pacer(min_fps=min_fps)
        self.fps, self.sps = RateMeter(), RateMeter()
        self.slow_seconds = slow_seconds
        self.frames = 0  # frames played of ``source`` (the last source ``play`` or ``follow`` saw)
        self.warning = ""  # a warning beside the status line (a dead D), checked with the slow parts
        self.draw_id = next(_DRAW_IDS)
        self._source_id: int | None = None
        self._drawn: Hashable = None  # what the frame ``draw_id`` showed
        self._slow_at = -float("inf")
        self._rerun_started = 0.0
        self._batch: Batch | None = None  # what the last ``play`` trained
        self._pending: Batch | None = None  # a batch whose cost includes the browser's round trip

    def reset(self) -> None:
        """Play or Pause pressed, the pace changed: rates and the pacer's clock start afresh."""
        self.fps.reset()
        self.sps.reset()
        self.pacer.reset()
        self._pending = None

    def follow(self, source: object) -> None:
        """The frame count and the warning restart with a new source (Reset, a preset, new shapes)."""
        if id(source) != self._source_id:
            self._source_id, self.frames, self.warning = id(source), 0, ""

    def begin(self, now: float, playing: bool) -> None:
        """A rerun starts at ``now``. When the previous one told the browser to ask at once, the time
        from its start to now, less its training, is what its frames cost: drawing them, sending them
        and the browser's answer included. The pacer learns it, so it plans frames the machine
        (server and browser together) can really make."""
        self._rerun_started = now
        if playing:
            _LAST_PLAYED[0] = time.monotonic()
        pending, self._pending = self._pending, None
        if playing and pending is not None:
            self.pacer.record(pending.frames, pending.steps, pending.train_seconds,
                              now - pending.started - pending.train_seconds)

    def play(self, source: Source, pace: float, now: float) -> tuple[Sequence[Any], float]:
        """Trains the frames due at ``pace`` (none if the browser asked early); returns them and the
        ``time.perf_counter()`` at which the next is due."""
        self.follow(source)
        plan = self.pacer.plan(pace, source.round_steps, now)
        if not plan.frames:
            return [], now + plan.next_in
        before = source.step
        frames = source.play(plan)
        self.frames += len(frames)
        self.fps.add(len(frames), now)
        self.sps.add(source.step - before, now)
        self._batch = Batch(len(frames), source.step - before, source.train_seconds, self._rerun_started)
        return frames, now + plan.next_in

    def finish(self, played: int, now: float, pace: float, next_in: float) -> None:
        """The rerun that played ``played`` frames has sent them at ``now``. If the browser was told to
        ask for more at once (``next_in`` 0) at a pace below "max", the cost is learnt at the next
        rerun (``begin``), round trip included; otherwise from this rerun's own time (at "max" the
        pacer then keeps frames at the target rate, not at the cost of steps)."""
        batch = self._batch
        if not played or batch is None:
            return
        if next_in <= 0.0 and pace < PACE_MAX:
            self._pending = batch
        else:
            self.pacer.record(batch.frames, batch.steps, batch.train_seconds,
                              now - batch.started - batch.train_seconds)

    def slow_due(self, now: float, playing: bool) -> bool:
        """Whether the slow parts (charts: ~30 ms each for the browser to draw; checks that need more
        than the frame's numbers, such as ``warning``) are redone now: always while paused, else at
        most once a ``slow_seconds``."""
        if playing and now - self._slow_at < self.slow_seconds:
            return False
        self._slow_at = now
        return True

    def frame(self, shows: Hashable, new_frames: bool) -> int:
        """The number the plot component draws this rerun's figures under: a new one for new frames
        or when what is shown changed (``shows``: the state and view it shows), else the last (the
        component skips a number it has drawn, so nothing is redrawn)."""
        if new_frames or shows != self._drawn:
            self._drawn = shows
            self.draw_id = next(_DRAW_IDS)
        return self.draw_id

    def rates(self, playing: bool) -> tuple[float, float]:
        """Frames/s and steps/s while playing (0, 0 while paused)."""
        return (self.fps.rate(), self.sps.rate()) if playing else (0.0, 0.0)

    def status(self, step: int, quality: str, hops: int, *, playing: bool, pace_label: str | None = None,
               note: str = "", after: Sequence[str] = ()) -> str:
        """A run's status line (HTML, ``render.status``): its step; with ``pace_label`` the rates and
        the frame count (``#frame-count``); the samples' figures (``quality``), a ``note``, the hops,
        then ``after``."""
        rates = []
        if pace_label is not None:
            fps, sps = self.rates(playing)
            rates = [status_text.rate_text(sps, pace_label, fps), f"frame <span id='frame-count'>{self.frames}</span>"]
        return status_text.join([status_text.step_text(step), *rates, quality, note, f"hops {hops}", *after])

    def rate_line(self) -> str:
        """Frames/s and the frame count, for a player whose status lines show no rates (Compare)."""
        return f"{self.fps.rate():.1f} frames/s &middot; frame {self.frames}"
