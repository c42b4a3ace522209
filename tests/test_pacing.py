import pytest

from gan_viz.ui.pacing import MAX_BATCH, PACE_MAX, Pacer


def drive(pacer: Pacer, pace: float, round_steps: int, seconds: float, step_s: float = 0.0,
          frame_s: float = 0.0) -> tuple[int, int, float]:
    """Simulates the fragment loop on a fake clock: returns (steps, frames, elapsed)."""
    now, steps, frames = 0.0, 0, 0
    while now < seconds:
        plan = pacer.plan(pace, round_steps, now)
        now += plan.wait
        done = plan.frames * plan.rounds_per_frame * round_steps
        cost = done * step_s + plan.frames * frame_s
        pacer.record(plan.frames, done, done * step_s, plan.frames * frame_s)
        now += max(cost, 0.01)  # the browser asks again a little later at the earliest
        steps += done
        frames += plan.frames
    return steps, frames, now


def test_pace_is_held_with_whole_rounds_per_frame():
    steps, frames, t = drive(Pacer(), pace=1000, round_steps=20, seconds=20)
    assert steps / t == pytest.approx(1000, rel=0.05)
    assert frames / t == pytest.approx(25, rel=0.1)  # 40 steps a frame = 2 rounds: 25 frames/s


def test_slow_motion_is_one_round_per_frame_with_fewer_frames():
    pacer = Pacer()
    assert pacer.rounds_per_frame(120, 60) == 1
    steps, frames, t = drive(pacer, pace=120, round_steps=60, seconds=30)
    assert steps / t == pytest.approx(120, rel=0.05)
    assert frames / t == pytest.approx(2, rel=0.1)  # two rounds a second, one per frame


def test_slow_frames_get_fewer_steps_so_the_animation_stays_smooth():
    pacer = Pacer()
    pacer.record(1, 1000, 1.0, 0.01)  # measured: 1 ms a step, 10 ms a frame besides training
    assert pacer.step_seconds == pytest.approx(1e-3) and pacer.frame_seconds == pytest.approx(0.01)
    # pace 5000 wants 200 steps a frame; a 40 ms frame affords 30: 15 rounds of 2
    assert pacer.rounds_per_frame(5000, 2) == 15
    assert pacer.rounds_per_frame(PACE_MAX, 2) == 15
    assert pacer.rounds_per_frame(100, 2) == 2  # the pace is below what the machine affords
    steps, frames, t = drive(Pacer(), pace=PACE_MAX, round_steps=2, seconds=10, step_s=1e-3, frame_s=0.01)
    assert frames / t == pytest.approx(25, rel=0.15)


def test_frames_per_batch_keep_a_rerun_short_and_wait_when_nothing_is_due():
    pacer = Pacer()
    first = pacer.plan(1000, 20, 0.0)
    assert first.frames == 1 and first.wait == 0.0
    second = pacer.plan(1000, 20, 0.0)  # asked again at once: sleep until the next frame is due
    assert second.frames == 1 and second.wait == pytest.approx(0.04)
    pacer.reset()
    pacer.plan(1000, 20, 0.0)
    later = pacer.plan(1000, 20, 100.0)  # a long stall: no flood of frames owed
    assert later.frames == MAX_BATCH  # at most one batch owed
