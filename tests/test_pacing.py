import pytest

from gan_viz.ui.pacing import BATCH_SECONDS, MAX_BATCH, PACE_MAX, Pacer, pictures_per_round


def drive(pacer: Pacer, pace: float, round_steps: int, seconds: float, step_s: float = 0.0,
          frame_s: float = 0.0) -> tuple[int, int, float, int]:
    """Simulates the fragment loop on a fake clock: returns (steps, frames, elapsed, reruns)."""
    now, steps, frames, reruns = 0.0, 0, 0, 0
    while now < seconds:
        plan = pacer.plan(pace, round_steps, now)
        if plan.every:  # frames split rounds: whole rounds, several pictures each
            done = plan.frames // pictures_per_round(round_steps, plan.every) * round_steps
        else:
            done = plan.frames * plan.rounds_per_frame * round_steps
        cost = done * step_s + plan.frames * frame_s
        pacer.record(plan.frames, done, done * step_s, plan.frames * frame_s)
        # the browser asks again once the next frame is due, and a little later at the earliest
        now += max(cost, plan.next_in, 0.01)
        reruns += 1
        steps += done
        frames += plan.frames
    return steps, frames, now, reruns


def test_pace_is_held_with_whole_rounds_per_frame():
    steps, frames, t, reruns = drive(Pacer(), pace=1000, round_steps=20, seconds=20)
    assert steps / t == pytest.approx(1000, rel=0.05)
    assert frames / t == pytest.approx(25, rel=0.1)  # 40 steps a frame = 2 rounds: 25 frames/s


def test_slow_motion_splits_rounds_into_pictures_at_the_target_frame_rate():
    pacer = Pacer()
    assert pacer.every(120, 60) == 5  # 4.8 steps a frame at 25 frames/s: a picture every 5 steps
    assert pictures_per_round(60, 5) == 12 and pictures_per_round(60, 7) == 9  # 7, 14, ..., 56, 60
    steps, frames, t, reruns = drive(pacer, pace=120, round_steps=60, seconds=30)
    assert steps / t == pytest.approx(120, rel=0.05)
    assert frames / t == pytest.approx(24, rel=0.1)  # two rounds a second, 12 pictures each
    assert reruns == pytest.approx(2 * t, rel=0.05)  # one rerun a round: nothing asked for too early
    # a round no longer than a frame's worth is not split; at 10 steps/s a k = 1 round shows its
    # D step and its G step apart
    assert pacer.every(1000, 20) == 0 and pacer.every(10, 2) == 1 and pacer.every(10, 1) == 0
    # a very slow pace: a picture every step, at most MAX_PICTURES a round
    assert pacer.every(1, 60) == 1 and pacer.every(1, 640) == 10


def test_slow_frames_get_fewer_steps_so_the_animation_stays_smooth():
    pacer = Pacer()
    pacer.record(1, 1000, 1.0, 0.01)  # measured: 1 ms a step, 10 ms a frame besides training
    assert pacer.step_seconds == pytest.approx(1e-3) and pacer.frame_seconds == pytest.approx(0.01)
    # pace 5000 cannot be held (5 s of training a second): frames stay at 15/s, and a 66.7 ms
    # frame leaves 56.7 ms, 56 steps, beside its 10 ms picture: 28 rounds of 2
    assert pacer.rounds_per_frame(5000, 2) == 28
    # "max": the target frame rate, 40 ms a frame, 30 steps beside the picture: 15 rounds of 2
    assert pacer.rounds_per_frame(PACE_MAX, 2) == 15
    assert pacer.rounds_per_frame(100, 2) == 2  # the pace is below what the machine affords
    steps, frames, t, reruns = drive(Pacer(), pace=PACE_MAX, round_steps=2, seconds=10, step_s=1e-3, frame_s=0.01)
    assert frames / t == pytest.approx(25, rel=0.15)


def test_each_plan_says_when_the_next_frame_is_due_and_a_stall_owes_one_batch():
    pacer = Pacer()
    first = pacer.plan(1000, 20, 0.0)  # 40-step frames at 1,000 steps/s: one every 40 ms
    assert first.frames == 1 and first.next_in == pytest.approx(0.04)
    early = pacer.plan(1000, 20, 0.0)  # asked again at once: nothing due, same answer
    assert early.frames == 0 and early.next_in == pytest.approx(0.04)
    on_time = pacer.plan(1000, 20, 0.04)
    assert on_time.frames == 1 and on_time.next_in == pytest.approx(0.04)
    nearly = pacer.plan(1000, 20, 0.075)  # 5 ms before due: trained now, and the pace is kept
    assert nearly.frames == 1 and nearly.next_in == pytest.approx(0.045)
    assert pacer.plan(PACE_MAX, 20, 1.0).next_in == 0.0  # as fast as possible: ask at once
    pacer.reset()
    pacer.plan(1000, 20, 0.0)
    later = pacer.plan(1000, 20, 100.0)  # a long stall: no flood of frames owed
    assert later.frames == MAX_BATCH  # at most one batch owed


def test_a_batch_owed_is_about_batch_seconds_of_work_at_most():
    # 20 ms a step, 40 ms a frame (an unrolled GAN beside a plain one, as measured) at a pace they
    # cannot hold: the steps owed pile up, and 16 frames a rerun (1 s) would dim the page meanwhile
    for every_round in (False, True):
        pacer = Pacer()
        pacer.record(4, 8, 0.16, 0.16)
        pace, round_steps = (55.0, 2) if every_round else (55.0, 1)
        pacer.plan(pace, round_steps, 0.0)
        plan = pacer.plan(pace, round_steps, 5.0)  # a long wait: a whole batch owed
        steps = plan.frames // pictures_per_round(round_steps, plan.every) * round_steps if plan.every \
            else plan.frames * plan.rounds_per_frame * round_steps
        work = plan.frames * 0.04 + steps * 0.02
        assert bool(plan.every) == every_round
        assert 2 <= plan.frames and work <= BATCH_SECONDS + 0.1


def test_costly_frames_come_less_often_with_more_steps_so_the_pace_holds():
    pacer = Pacer()
    pacer.record(1, 1000, 1.0, 0.05)  # 1 ms a step, 50 ms a frame besides training (a big network)
    # pace 250: training takes 25 % of each second, frames the other 75 %: 15 frames/s of ~17 steps
    assert pacer.rounds_per_frame(250, 2) == 8
    steps, frames, t, _ = drive(Pacer(), pace=250, round_steps=2, seconds=20, step_s=1e-3, frame_s=0.05)
    assert steps / t == pytest.approx(250, rel=0.1)
    assert frames / t == pytest.approx(15, rel=0.15)
    # as fast as the machine goes: at least as long training as drawing, never 1 round a frame
    assert pacer.rounds_per_frame(PACE_MAX, 2) == 25


def test_a_pace_the_machine_cannot_hold_keeps_smooth_frames_with_the_steps_that_fit():
    # 6 ms a step, 40 ms a frame (a big network on a busy machine): pace 250 needs 1.5 s a second
    steps, frames, t, _ = drive(Pacer(), pace=250, round_steps=2, seconds=20, step_s=6e-3, frame_s=0.04)
    assert frames / t >= 14  # frames stay smooth (MIN_FPS, within a frame)
    assert 60 <= steps / t <= 250  # and the steps that fit beside them: (1/15 - 0.04) / 6 ms a frame


def test_a_loaded_server_gets_fewer_fuller_frames_not_more_pictures():
    pacer = Pacer()
    pacer.record(1, 60, 0.06, 0.2)  # 1 ms a step, 200 ms a picture (many sessions on one machine)
    # the steps due while a picture is made, 80 x 0.2 = 16, per frame: 4 pictures a round, not 20
    assert pacer.every(80, 60) == 16
    assert pacer.every(400, 60) == 0  # 80 steps due per picture: whole rounds
    steps, frames, t, _ = drive(Pacer(), pace=80, round_steps=60, seconds=30, step_s=1e-3, frame_s=0.2)
    # most of the pace holds (a round costs 4 x 0.2 s of pictures and 0.06 s of steps: <= 70
    # steps/s); 20 pictures a round would cost 4 s a round, 15 steps/s
    assert steps / t >= 60


def test_a_higher_frame_floor_plans_fewer_steps_a_frame():
    # a pace the machine cannot hold: 10 ms a step, 30 ms a picture; steps a frame for the floor
    slow, floor20 = Pacer(), Pacer(min_fps=20.0)
    for p in (slow, floor20):
        p.record(frames=4, steps=40, train_seconds=0.4, frame_seconds=0.12)
    assert slow.steps_per_frame(500.0, 2) == pytest.approx((1 / 15 - 0.03) / 0.01)
    assert floor20.steps_per_frame(500.0, 2) == pytest.approx((1 / 20 - 0.03) / 0.01)
