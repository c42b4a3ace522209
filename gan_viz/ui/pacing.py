"""Holding a pace: how many rounds per frame and frames per batch the live view trains.

The speed control asks for a pace in training steps per second. A frame shows the state
after whole rounds (``GAN.run`` advances by rounds; a round is k_D + k_G steps), so one round
per frame is the finest motion: below ``round steps x target frame rate`` steps/s the frames
simply come less often (slow motion). Above it, a frame holds ``pace / target frame rate``
steps, rounded to whole rounds. The pacer measures what a step and a frame cost on this
machine and lowers the steps per frame (and the frames per batch) when frames would get
slower than the target rate, so big networks still animate smoothly, at a lower pace.

The server never sleeps for the pace: each plan says how long until the next frame is due
(``next_in``), and the browser asks for it then, so a slow pace costs one rerun per frame and
a click is never queued behind a sleeping fragment.

Pure Python with an explicit clock, so it is tested without sleeping.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from gan_viz.core.bounds import PACE_MAX

TARGET_FPS = 25.0  # frames per second the live view aims for
MIN_FPS = 8.0  # to hold the pace, frames may come this rarely at the least
BATCH_SECONDS = 0.4  # at "max" pace one rerun trains about this much wall time of frames
MAX_BATCH = 10  # frames per rerun at most (a rerun's round trip to the browser costs ~0.3 s)
EARLY = 0.03  # seconds: a frame this close to due is trained now rather than asked for again


class Plan(NamedTuple):
    rounds_per_frame: int
    frames: int
    next_in: float  # seconds from now until the frame after this batch is due (0: ask at once)


class Pacer:
    """Plans each batch of frames so that steps/s follows the pace while frames stay smooth."""

    def __init__(self, target_fps: float = TARGET_FPS):
        self.target_fps = target_fps
        self.step_seconds: float | None = None  # measured cost of one training step
        self.frame_seconds: float | None = None  # measured cost of one frame besides training
        self.reset()

    def reset(self) -> None:
        """Forget the clock (Play pressed, pace changed): the next plan starts afresh."""
        self._last: float | None = None
        self._credit = 0.0  # steps owed to the pace

    def rounds_per_frame(self, pace: float, round_steps: int) -> int:
        """Whole rounds per frame: the pace's share of a frame at the frame rate it allows.

        With measured costs, a frame that costs ``frame_seconds`` besides training leaves
        ``1 - pace * step_seconds`` of each second for pictures: if that affords fewer frames than
        the target, frames come less often (not below ``MIN_FPS``) with more steps each, so the
        pace holds (a big network's evaluation is what makes its frames slow, not its training).
        A pace the machine cannot hold, or "max", gets the target frame rate and the steps that fit
        in what a frame leaves over, and at least as much training time as drawing time."""
        round_steps = max(int(round_steps), 1)
        budget = 1.0 / self.target_fps
        frame_s = self.frame_seconds or 0.0
        want = math.inf if pace >= PACE_MAX else pace / self.target_fps
        if self.step_seconds:
            load = pace * self.step_seconds  # seconds of training per second at the pace
            # frames/s left beside training at the pace (0: the pace cannot be held at all)
            fps = 0.0 if load >= 1.0 else min(self.target_fps, (1.0 - load) / frame_s) if frame_s > 0 \
                else self.target_fps
            if pace < PACE_MAX and fps >= MIN_FPS:
                want = pace / fps
            else:
                want = min(want, max(budget - frame_s, frame_s) / self.step_seconds)
        if not math.isfinite(want):  # "max" before anything was measured: start small
            want = round_steps
        return max(1, int(round(want / round_steps)))

    def plan(self, pace: float, round_steps: int, now: float) -> Plan:
        rounds = self.rounds_per_frame(pace, round_steps)
        frame_steps = rounds * max(int(round_steps), 1)
        cost = (self.frame_seconds or 0.0) + frame_steps * (self.step_seconds or 0.0)
        if pace >= PACE_MAX:
            self._last = now
            return Plan(rounds, self._batch(cost), 0.0)
        # steps owed since the last plan; a stall (a slow rerun, a busy machine) owes at most
        # one full batch, so the run never races to catch up
        if self._last is None:
            self._credit = frame_steps
        else:
            self._credit = min(self._credit + max(now - self._last, 0.0) * pace, MAX_BATCH * frame_steps)
        self._last = now
        frames = min(MAX_BATCH, int((self._credit + EARLY * pace) // frame_steps))
        self._credit -= frames * frame_steps
        return Plan(rounds, frames, max(frame_steps - self._credit, 0.0) / pace)

    def _batch(self, period: float) -> int:
        return max(1, min(MAX_BATCH, int(BATCH_SECONDS / period) if period > 0 else MAX_BATCH))

    def record(self, frames: int, steps: int, train_seconds: float, frame_seconds: float) -> None:
        """Learns from a finished batch: seconds spent training ``steps``, and seconds spent on
        the ``frames`` pictures themselves (evaluation and figure; not the per-rerun overhead,
        which more frames per batch amortise)."""
        if frames <= 0:
            return
        ema = lambda old, new: new if old is None else 0.7 * old + 0.3 * new  # noqa: E731
        if steps > 0:
            self.step_seconds = ema(self.step_seconds, train_seconds / steps)
        self.frame_seconds = ema(self.frame_seconds, max(frame_seconds, 0.0) / frames)
