"""The player the live view and Compare share: pacing through a source, rate meters, cost recording
(the browser's round trip included), the charts' throttle, draw ids and the status line, with
numbers checked against known answers on an explicit clock."""

import numpy as np
import pytest

from gan_viz.render import status
from gan_viz.ui.pacing import MAX_BATCH, PACE_MAX, Plan
from gan_viz.ui.player import Player, RateMeter


class Source:
    """A run that trains in no time on the clock: ``step_s`` seconds a step, reported as training."""

    def __init__(self, round_steps: int = 20, step_s: float = 0.001):
        self.step, self.round_steps, self.step_s, self.train_seconds = 0, round_steps, step_s, 0.0

    def play(self, plan: Plan) -> list[int]:
        rounds = plan.split_rounds(self.round_steps) if plan.every else plan.frames * plan.rounds_per_frame
        self.step += rounds * self.round_steps
        self.train_seconds = rounds * self.round_steps * self.step_s
        return list(range(plan.frames))


def test_play_trains_the_frames_due_at_the_pace_and_counts_them():
    player, source = Player(), Source()
    frames, due = player.play(source, 1000, now=10.0)
    # 1,000 steps/s at 25 frames/s: 40 steps (two 20-step rounds) a frame, the next due in 40 ms
    assert frames == [0] and source.step == 40 and due == pytest.approx(10.04)
    assert player.play(source, 1000, now=10.0) == ([], pytest.approx(10.04))  # asked early: nothing due
    frames, _ = player.play(source, 1000, now=10.08)  # two frames owed
    assert len(frames) == 2 and source.step == 120 and player.frames == 3
    assert player.fps.rate() == pytest.approx(2 / 0.08) and player.sps.rate() == pytest.approx(80 / 0.08)
    player.warning = "The discriminator looks dead"
    player.follow(Source())  # a new run (Reset, a preset): its frames are counted afresh, its warning checked anew
    assert player.frames == 0 and player.warning == ""


def test_a_batchs_cost_is_learnt_from_its_own_rerun_when_the_browser_waits():
    player, source = Player(), Source()
    player.begin(10.0, playing=True)
    player.play(source, 1000, now=10.0)  # one frame of 40 steps, 40 ms of training
    player.finish(1, now=10.1, pace=1000, next_in=0.02)
    assert player.pacer.step_seconds == pytest.approx(0.001)
    assert player.pacer.frame_seconds == pytest.approx(0.06)  # 100 ms of rerun, less 40 ms training


def test_when_the_browser_asks_at_once_the_round_trip_is_part_of_the_cost():
    player, source = Player(), Source()
    player.begin(10.0, playing=True)
    player.play(source, 1000, now=10.0)
    player.finish(1, now=10.1, pace=1000, next_in=0.0)
    assert player.pacer.frame_seconds is None  # learnt once the browser's next request arrives
    player.begin(10.3, playing=True)  # 200 ms after the frame was sent: drawing it and the round trip
    assert player.pacer.frame_seconds == pytest.approx(0.26)
    player.begin(10.4, playing=True)  # learnt once only
    assert player.pacer.frame_seconds == pytest.approx(0.26)


def test_at_max_pace_only_the_rerun_counts_and_a_pause_drops_what_was_pending():
    player, source = Player(), Source()
    player.begin(0.0, playing=True)
    frames, _ = player.play(source, PACE_MAX, now=0.0)
    assert len(frames) == MAX_BATCH  # nothing measured yet: a whole batch
    player.finish(len(frames), now=0.32, pace=PACE_MAX, next_in=0.0)
    assert player.pacer.frame_seconds == pytest.approx((0.32 - source.train_seconds) / MAX_BATCH)
    paused = Player()
    paused.begin(0.0, playing=True)
    paused.play(source, 1000, now=0.0)
    paused.finish(1, now=0.1, pace=1000, next_in=0.0)
    paused.begin(5.0, playing=False)  # paused meanwhile: the wait is no frame's cost
    assert paused.pacer.frame_seconds is None


def test_the_charts_redraw_once_a_second_while_playing_and_always_while_paused():
    player = Player()
    assert [player.slow_due(t, playing=True) for t in (0.0, 0.5, 0.99, 1.0, 1.5, 2.1)] == \
        [True, False, False, True, False, True]
    assert player.slow_due(2.2, playing=False) and player.slow_due(2.3, playing=False)


def test_a_new_draw_id_for_new_frames_or_a_changed_picture_never_one_another_player_used():
    a, b = Player(), Player()
    first = a.frame(("run", 0), new_frames=False)
    assert a.frame(("run", 0), new_frames=False) == first  # nothing changed: nothing redrawn
    second = a.frame(("run", 0), new_frames=True)
    third = a.frame(("run", 2), new_frames=False)
    assert first < second < third
    assert b.frame(("run", 0), new_frames=False) not in (first, second, third)


def test_status_lines_give_the_same_figures_in_the_same_words():
    player = Player()
    player.fps.add(1, now=0.0)
    player.fps.add(25, now=1.0)
    player.sps.add(0, now=0.0)
    player.sps.add(50, now=1.0)
    player.frames = 7
    quality = status.quality_text(3, 8, 0.756, 0.1234)
    assert quality == "modes captured <b>3 / 8</b> &middot; 76 % high quality &middot; JSD 0.123"
    live = player.status(1234, quality, 2, playing=True, pace_label="50", after=["playing", ""])
    assert live == ("step <b>1,234</b> &middot; 50 steps/s (pace 50) &middot; 25.0 frames/s &middot; "
                    "frame <span id='frame-count'>7</span> &middot; " + quality + " &middot; hops 2 &middot; playing")
    paused = player.status(1234, quality, 2, playing=False, pace_label="50", after=["paused"])
    assert "0 steps/s (pace 50) &middot; 0.0 frames/s" in paused
    compare = player.status(10, quality, 0, playing=True, after=["diverged"])
    assert compare == "step <b>10</b> &middot; " + quality + " &middot; hops 0 &middot; diverged"
    assert player.rate_line() == "25.0 frames/s &middot; frame 7"
    # the HTML replay's line (render.export.status_text): the same words, JSD in nats
    assert status.join([status.step_text(86), status.quality_text(5, 8, 0.5, 0.25, " nats")]) == \
        "step <b>86</b> &middot; modes captured <b>5 / 8</b> &middot; 50 % high quality &middot; JSD 0.250 nats"


def test_collapse_and_off_view_notes():
    near = status.collapse_text(True, 3, 40.0, 0.02, 3.0)
    assert near == "<span id='collapse-note'>collapsed near mode 3, 40 std (0.8) from it</span>"
    assert status.collapse_text(True, 3, 2.0, 0.02, 3.0) == "<span id='collapse-note'>collapsed on mode 3</span>"
    assert status.collapse_text(False, 3, 40.0, 0.02, 3.0) == "" == status.collapse_text(True, 3, None, 0.02, 3.0)
    assert status.off_view_text(0.004) == ""
    assert status.off_view_text(0.25).startswith("<span id='off-view'>25 % of generated samples beyond the view")


def test_rate_meter():
    m = RateMeter(window=10)
    for t in range(5):
        m.add(100, now=float(t))
    assert m.rate() == pytest.approx(100.0)
    m.reset()
    assert m.rate() == 0.0


def test_rate_meter_spans_the_last_two_events_when_they_are_further_apart_than_the_window():
    m = RateMeter(window=3.0)
    for t in (0.0, 5.0, 10.0):  # a loaded server: a batch of 300 steps every 5 s
        m.add(300, now=t)
    assert m.rate() == pytest.approx(60.0)


def test_rate_meter_matches_the_list_version_it_replaced():
    class ListMeter:  # the implementation before collections.deque
        def __init__(self, window):
            self.window, self._events = window, []

        def add(self, amount, now):
            self._events.append((now, amount))
            while self._events and now - self._events[0][0] > self.window:
                self._events.pop(0)

        def rate(self):
            if len(self._events) < 2:
                return 0.0
            span = self._events[-1][0] - self._events[0][0]
            return sum(a for _, a in self._events[1:]) / span if span > 0 else 0.0

    rng = np.random.default_rng(0)
    new, old = RateMeter(window=3.0), ListMeter(window=3.0)
    now = 0.0
    for _ in range(500):
        now += float(rng.exponential(0.05)) * (rng.random() < 0.9)  # some events share a time stamp
        amount = float(rng.integers(1, 200))
        new.add(amount, now=now)
        old.add(amount, now=now)
        assert new.rate() == old.rate()


