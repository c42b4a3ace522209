from dataclasses import replace

import numpy as np
import pytest

from gan_viz.core import config as config_lib
from gan_viz.core import metrics
from gan_viz.core.hyper import hyper_from
from gan_viz.core.trainer import make_trainer
from gan_viz.lab import experiment, presets, replay

SMALL = config_lib.apply_overrides(presets.get("ring8-healthy"), [
    "model.g_width=16", "model.d_width=16", "train.batch_size=64", "train.eval_every=10"])


def test_frame_rounds_are_evenly_spaced_whole_rounds():
    assert replay.frame_rounds(10, 3).tolist() == [0, 5, 10]
    assert replay.frame_rounds(7, 3).tolist() == [0, 4, 7]  # 3.5 rounds to the nearest whole one
    assert replay.frame_rounds(4, 10).tolist() == [0, 1, 2, 3, 4]  # fewer rounds than frames: every round
    r = replay.frame_rounds(112, 50)
    assert r[0] == 0 and r[-1] == 112 and np.all(np.diff(r) >= 2) and np.all(np.diff(r) <= 3)


@pytest.fixture(scope="module")
def rec():
    return replay.record(SMALL, steps=40, frames=5)


def test_record_keeps_evenly_spaced_frames_from_step_0(rec):
    assert rec.frames == 5 and rec.steps.tolist() == [0, 10, 20, 30, 40]  # 1 + 1 steps a round
    assert rec.fake.shape == (5, replay.FAKE_POINTS, 2) and rec.fake.dtype == np.float32
    assert rec.surface.shape == (5, replay.SURFACE_RES, replay.SURFACE_RES)
    assert rec.occupancy.shape == (5, 8) and rec.real.shape == (replay.REAL_POINTS, 2) and rec.num_modes == 8
    np.testing.assert_allclose(rec.occupancy.sum(axis=1) + rec.off_mode, 1.0, atol=1e-5)
    assert np.all((rec.surface >= 0) & (rec.surface <= 1)) and not rec.diverged
    assert not np.array_equal(rec.fake[0], rec.fake[-1])  # the generator moved


def test_record_is_deterministic_by_seed(rec):
    again = replay.record(SMALL, steps=40, frames=5)
    for name in ("steps", "fake", "surface", "occupancy", "off_mode", "jsd", "hq_fraction", "modes_captured"):
        np.testing.assert_array_equal(getattr(rec, name), getattr(again, name), err_msg=name)
    other = replay.record(replace(SMALL, seed=1), steps=40, frames=2)
    assert not np.array_equal(other.fake[-1], rec.fake[-1])


def test_the_last_frame_is_the_run_experiment_train_and_the_core_give(rec):
    result = experiment.train(SMALL, steps=40)
    np.testing.assert_array_equal(rec.occupancy[-1], np.asarray(result.frame.modes.occupancy, np.float32))
    assert rec.hq_fraction[-1] == pytest.approx(result.summary["hq_fraction"], abs=0)
    assert rec.modes_captured[-1] == result.summary["modes_captured"]
    # JSD on the replay's grid (the view box), trained in one call
    gan, mix = make_trainer(SMALL), SMALL.data.mixture()
    state, _ = gan.run(gan.init(SMALL.seed), hyper_from(SMALL.train), mix, 20)
    ev = gan.eval_set(SMALL.seed, mix)
    frame = gan.evaluate(state, mix, ev, metrics.make_grid(rec.extent, metrics.GRID_RES))
    assert rec.jsd[-1] == pytest.approx(float(frame.jsd), abs=1e-7)
    np.testing.assert_array_equal(rec.fake[-1], np.asarray(frame.fake)[: replay.FAKE_POINTS])


def test_the_apps_run_replays_exactly_and_knows_when_it_cannot():
    from gan_viz.ui.session import LiveRun

    run = LiveRun(SMALL, grid_res=32)
    run.advance_frames(3, 4)  # 12 rounds, 24 steps, as the app plays them
    again = replay.record(run.config, steps=run.step, frames=4, grid_res=32)
    assert again.steps[-1] == run.step and run.replayable
    np.testing.assert_array_equal(again.occupancy[-1], np.asarray(run.frame.modes.occupancy, np.float32))
    assert again.jsd[-1] == float(run.frame.jsd)
    run.set_live(replace(run.config.train, lr_g=3e-4))
    assert not run.replayable  # trained with other settings than the current ones
    run = LiveRun(SMALL, grid_res=32)
    run.advance(1, k_d=1, k_g=0)  # Step D
    assert not run.replayable


def test_fewer_rounds_than_frames_and_bad_arguments():
    assert replay.record(SMALL, steps=6, frames=200).steps.tolist() == [0, 2, 4, 6]
    with pytest.raises(ValueError, match="frames must be >= 2"):
        replay.record(SMALL, steps=6, frames=1)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        replay.record(SMALL, steps=0)


def test_changes_lists_the_settings_that_differ_from_the_preset():
    assert replay.changes(presets.get("grid25", seed=3), "grid25") == []  # the seed is said elsewhere
    cfg = config_lib.apply_overrides(presets.get("grid25"),
                                     ["train.lr_d=3e-4", "train.steps=50", "train.simultaneous=1"])
    assert replay.changes(cfg, "grid25") == ["train.lr_d=0.0003", "train.simultaneous=true"]
