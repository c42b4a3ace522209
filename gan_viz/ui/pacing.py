"""Holding a pace: how many rounds per frame and frames per batch the live view trains.

The speed control asks for a pace in training steps per second. Above ``round steps x target
frame rate`` steps/s a frame shows the state after ``pace / target frame rate`` steps, rounded
to whole rounds (``Trainer.run`` advances by rounds; a round is k_D + k_G steps). Below it, frames
split rounds: each round is trained in one call that takes a picture every ``Plan.every``
steps (``Trainer.round_pictures``), so a slow pace still plays at the target frame rate, showing D
learn during the D steps and the samples move during the G steps.

The pacer measures what a step and a frame cost on this machine (a frame: everything a rerun
spends besides training, per frame) and lowers the steps per frame when frames would get slower
than the target rate. Frames never come more rarely than ``MIN_FPS`` to hold the pace; a pace
the machine cannot hold keeps ``MIN_FPS`` with fewer steps, so big networks still animate
smoothly, at a lower pace.

The server never sleeps for the pace: each plan says how long until the next frame is due
(``next_in``), and the browser asks for it then, so a slow pace costs one rerun per frame (per
round when frames split rounds) and a click is never queued behind a sleeping fragment.

Pure Python with an explicit clock, so it is tested without sleeping.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from gan_viz.core.bounds import PACE_MAX
from gan_viz.core.state import MAX_PICTURES

TARGET_FPS = 25.0  # frames per second the live view aims for
MIN_FPS = 15.0  # frames never come more rarely than this to hold the pace: below it motion looks choppy
BATCH_SECONDS = 0.4  # one rerun trains and draws about this much wall time of frames at most
MAX_BATCH = 16  # frames per rerun at most (a rerun's round trip to the browser costs ~0.3 s)
EARLY = 0.03  # seconds: a frame this close to due is trained now rather than asked for again


class Plan(NamedTuple):
    rounds_per_frame: int  # 1 when frames split rounds
    frames: int  # frames to make now; when frames split rounds, whole rounds' worth of them
    next_in: float  # seconds from now until the frame after this batch is due (0: ask at once)
    every: int = 0  # > 0: frames split rounds, one picture every this many steps and at the end

    def split_rounds(self, round_steps: int) -> int:
        """When frames split rounds: the whole rounds of ``round_steps`` steps ``frames`` stands for."""
        return self.frames // pictures_per_round(round_steps, self.every)


def pictures_per_round(round_steps: int, every: int) -> int:
    """Pictures a round split every ``every`` steps gives (one more at its end if uneven)."""
    return -(-max(int(round_steps), 1) // max(int(every), 1))


class Pacer:
    """Plans each batch of frames so that steps/s follows the pace while frames stay smooth."""

    def __init__(self, target_fps: float = TARGET_FPS, min_fps: float = MIN_FPS):
        self.target_fps = target_fps
        self.min_fps = min_fps
        self.step_seconds: float | None = None  # measured cost of one training step
        self.frame_seconds: float | None = None  # measured cost of one frame besides training
        self.reset()

    def reset(self) -> None:
        """Forget the clock (Play pressed, pace changed): the next plan starts afresh."""
        self._last: float | None = None
        self._credit = 0.0  # steps owed to the pace

    def rounds_per_frame(self, pace: float, round_steps: int) -> int:
        """Whole rounds per frame (see ``steps_per_frame``)."""
        return max(1, int(round(self.steps_per_frame(pace, round_steps) / max(int(round_steps), 1))))

    def steps_per_frame(self, pace: float, round_steps: int) -> float:
        """Steps per frame: the pace's share of a frame at the frame rate it allows.

        With measured costs, a frame that costs ``frame_seconds`` besides training leaves
        ``1 - pace * step_seconds`` of each second for pictures: if that affords fewer frames than
        the target, frames come less often (not below ``min_fps``) with more steps each, so the
        pace holds (a big network's evaluation is what makes its frames slow, not its training).
        A pace the machine cannot hold even so keeps ``min_fps`` (default ``MIN_FPS``) with the
        steps that fit beside the pictures (smooth motion first, then the pace); if a picture alone
        costs more than a frame at ``min_fps`` (a loaded server), frames come as fast as pictures can be made, each
        with the steps due meanwhile, up to a round (so rounds are no longer split into costly
        pictures, and frames do not get rarer still by holding several rounds). "max"
        gets the target frame rate and the steps that fit in what a frame leaves over, and at
        least as much training time as drawing time."""
        round_steps = max(int(round_steps), 1)
        budget = 1.0 / self.target_fps
        frame_s = self.frame_seconds or 0.0
        want = math.inf if pace >= PACE_MAX else pace / self.target_fps
        if self.step_seconds:
            load = pace * self.step_seconds  # seconds of training per second at the pace
            # frames/s left beside training at the pace (0: the pace cannot be held at all)
            fps = 0.0 if load >= 1.0 else min(self.target_fps, (1.0 - load) / frame_s) if frame_s > 0 \
                else self.target_fps
            if pace < PACE_MAX and fps >= self.min_fps:
                want = pace / fps
            elif pace < PACE_MAX and frame_s < 1.0 / self.min_fps:
                want = min(want, (1.0 / self.min_fps - frame_s) / self.step_seconds)
            elif pace < PACE_MAX:  # a picture alone costs more than a smooth frame (a loaded
                # server): fewer, fuller frames, each holding the steps due while it is made, up to
                # a round (more whole rounds a frame would only make frames rarer still)
                want = max(min(pace * frame_s, round_steps), 1.0)
            else:
                want = min(want, max(budget - frame_s, frame_s) / self.step_seconds)
        if not math.isfinite(want):  # "max" before anything was measured: start small
            want = round_steps
        return want

    def every(self, pace: float, round_steps: int) -> int:
        """Steps per picture when frames should split rounds (the pace wants fewer steps per frame
        than a round has), else 0. At most ``MAX_PICTURES`` pictures a round."""
        round_steps = max(int(round_steps), 1)
        if round_steps < 2 or pace >= PACE_MAX:
            return 0
        want = self.steps_per_frame(pace, round_steps)
        if want > 0.75 * round_steps:  # a round is at most one frame's worth: whole rounds
            return 0
        return max(-(-round_steps // MAX_PICTURES), int(round(want)), 1)

    def plan(self, pace: float, round_steps: int, now: float) -> Plan:
        every = self.every(pace, round_steps)
        if every:
            return self._plan(pace, max(int(round_steps), 1), now, 1, every)
        rounds = self.rounds_per_frame(pace, round_steps)
        return self._plan(pace, rounds * max(int(round_steps), 1), now, rounds, 0)

    def _plan(self, pace: float, frame_steps: int, now: float, rounds: int, every: int) -> Plan:
        """``frame_steps`` is the unit trained at once: a frame's steps, or a round's when split."""
        per_unit = pictures_per_round(frame_steps, every) if every else 1
        cost = per_unit * (self.frame_seconds or 0.0) + frame_steps * (self.step_seconds or 0.0)
        if pace >= PACE_MAX:
            self._last = now
            return Plan(rounds, self._batch(cost), 0.0)
        # units owed at most: a batch's worth of frames (MAX_BATCH, and about BATCH_SECONDS of
        # work: a longer rerun dims the page) but at least two, so a request that comes late is
        # made up next time
        cap = max(2, min(MAX_BATCH // per_unit, int(BATCH_SECONDS / cost) if cost > 0 else MAX_BATCH))
        # steps owed since the last plan; a stall (a slow rerun, a busy machine) owes at most
        # one full batch, so the run never races to catch up
        if self._last is None:
            self._credit = frame_steps
        else:
            self._credit = min(self._credit + max(now - self._last, 0.0) * pace, cap * frame_steps)
        self._last = now
        units = min(cap, int((self._credit + EARLY * pace) // frame_steps))
        self._credit -= units * frame_steps
        return Plan(rounds, units * per_unit, max(frame_steps - self._credit, 0.0) / pace, every)

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
