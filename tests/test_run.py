"""The run driver (gan_viz.lab.driver): set-up, budget in rounds, the train-and-evaluate iterator and
the one summary schema, checked against known answers."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_viz.core import config as config_lib
from gan_viz.core import data as data_lib
from gan_viz.core import metrics, viewbox
from gan_viz.core.config import TrainConfig
from gan_viz.lab import driver, experiment, presets, sweep

SMALL = config_lib.apply_overrides(presets.get("ring8-healthy"), [
    "model.g_width=16", "model.d_width=16", "train.batch_size=64", "train.eval_every=10"])
DIVERGING = config_lib.apply_overrides(SMALL, ["train.optimizer=sgd", "train.loss=least_squares", "train.lr_d=10"])


def leaves_equal(a, b) -> bool:
    la, lb = jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)
    return len(la) == len(lb) and all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(la, lb))


def test_the_budget_in_rounds_rounds_steps_and_evaluations_up():
    b = driver.budget(TrainConfig(k_d=2, k_g=1, steps=70, eval_every=10))
    assert (b.per_round, b.rounds, b.every) == (3, 24, 4)  # 70 steps: 24 rounds of 3; every 10: every 4 rounds
    assert b.steps == 72 and b.evaluations == 6 and b.marks() == [4, 8, 12, 16, 20, 24]
    b = driver.budget(TrainConfig(k_d=2, k_g=1), steps=30, eval_every=10)
    assert (b.rounds, b.every, b.marks()) == (10, 4, [4, 8, 10])  # the last evaluation at the end
    b = driver.budget(TrainConfig(k_d=5, k_g=1, simultaneous=True), steps=7, eval_every=1)
    assert (b.per_round, b.rounds, b.every, b.steps) == (2, 4, 1, 8)  # simultaneous: one step of each
    assert driver.budget(TrainConfig(), steps=0).marks() == []


def test_setup_gives_the_seeds_state_evaluation_set_and_grids():
    run = driver.setup(SMALL, seed=3)
    gan = run.gan
    assert leaves_equal(run.state, gan.init(3)) and leaves_equal(run.ev, gan.eval_set(3, SMALL.data.mixture()))
    assert run.extent == tuple(float(v) for v in data_lib.extent(run.mixture))
    assert run.grid.xs.shape == (metrics.GRID_RES,) and run.grid_at(12).xs.shape == (12,)
    view = driver.setup(SMALL, view_box=True, grid_res=20)
    start = np.asarray(gan.generate(view.state.g_ema, view.ev.z))
    assert view.extent == tuple(float(v) for v in viewbox.view_extent(data_lib.extent(view.mixture), start))
    assert view.grid.xs.shape == (20,) and view.state.step == 0
    assert driver.setup(SMALL, extent=(-1, 1, -2, 2)).extent == (-1.0, 1.0, -2.0, 2.0)
    with pytest.raises(ValueError):
        driver.setup(config_lib.override(SMALL, "data.std", -1.0))


def test_evaluations_land_on_their_marks_and_equal_one_call_of_gan_run_bit_for_bit():
    cfg = config_lib.override(SMALL, "train.k_d", 2)
    run = driver.setup(cfg)
    b = driver.budget(cfg.train, 30)
    evs = list(driver.evaluations(run, b.marks()))
    assert [e.step for e in evs] == [12, 24, 30] and [e.rounds for e in evs] == [4, 8, 10]
    assert [e.info.rounds for e in evs] == [4, 4, 2] and not any(e.diverged for e in evs)
    assert all(e.seconds > 0 for e in evs) and all(np.isfinite(e.losses).all() for e in evs)
    whole, info = run.gan.run(run.state, run.hyper, run.mixture, 10)
    assert leaves_equal(evs[-1].state, whole) and info.step == 30
    np.testing.assert_array_equal(evs[-1].measured.region, np.asarray(run.mode_stats(whole).region))


def test_a_mark_at_zero_measures_the_start_without_training():
    run = driver.setup(SMALL)
    first, second = driver.evaluations(run, [0, 3], measure=lambda r, s: int(s.step))
    assert (first.step, first.rounds, first.info.rounds, first.measured, first.seconds) == (0, 0, 0, 0, 0.0)
    assert np.isnan(first.losses).all() and leaves_equal(first.state, run.state)
    assert (second.step, second.rounds, second.measured) == (6, 3, 6)
    # a live run goes on from its own state with its own settings, compiled already: Step D twice
    step_d = run.hyper._replace(k_g=jnp.int32(0))
    (more,) = driver.evaluations(run, [2], state=second.state, hyper=step_d, compile_first=False)
    assert (more.step, more.rounds, more.info.rounds) == (8, 2, 2) and np.isnan(more.info.g_loss).all()


def test_a_diverging_run_stops_at_its_last_finite_state_and_says_so():
    run = driver.setup(DIVERGING)
    evs = list(driver.evaluations(run, driver.budget(DIVERGING.train, 200).marks()))
    assert evs[-1].diverged and not any(e.diverged for e in evs[:-1])  # nothing is yielded after it
    last = evs[-1]
    assert last.step == int(last.state.step) < 200 and last.rounds * 2 == last.step
    assert all(np.isfinite(np.asarray(x)).all() for x in jax.tree_util.tree_leaves(last.state))
    summary = experiment.train(DIVERGING, steps=200).summary
    assert summary["diverged"] and summary["steps"] == last.step


def test_one_summary_schema_for_a_run_and_the_map_averages_it():
    result = experiment.train(SMALL, steps=40)
    s = result.summary
    tracker = metrics.HopTracker()
    keys = driver.summary(tracker, None, seed=0, steps=0, rounds=0, diverged=False).keys()
    assert list(s) == list(keys)  # experiment.train reports the driver's schema, key for key
    assert s["steps"] == 40 and s["rounds"] == 20 and s["num_modes"] == 8 and not s["diverged"]
    assert s["hq_fraction"] == float(result.frame.modes.hq_fraction) and s["jsd"] == float(result.frame.jsd)
    assert s["collapsed"] == metrics.collapsed_and_dominant(np.asarray(result.frame.modes.region))[0]
    empty = driver.summary(tracker, None, seed=0, steps=0, rounds=0, diverged=False)
    assert empty["modes_captured"] is None and empty["jsd"] is None and empty["steps_per_second"] is None
    cell = sweep.sweep(SMALL, sweep.parse_axis(f"lr_d={SMALL.train.lr_d}"), seeds=1, steps=40).cells[0]
    assert cell["modes_captured_mean"] == s["modes_captured"] and cell["steps_mean"] == 40
    assert cell["hop_events_mean"] == s["hop_events"] and cell["collapsed_fraction"] == float(s["collapsed"])


def test_an_interrupted_run_keeps_the_last_evaluated_state():
    def stop_at_20(done: int, total: int) -> None:
        if done >= 20:
            raise KeyboardInterrupt

    result = experiment.train(SMALL, steps=60, progress=stop_at_20, interruptible=True)
    s = result.summary
    assert s["interrupted"] and not s["diverged"] and (s["steps"], s["rounds"]) == (20, 10)
    assert int(result.state.step) == 20 and result.history.step == [10, 20]  # every 10 steps
    with pytest.raises(KeyboardInterrupt):
        experiment.train(SMALL, steps=60, progress=stop_at_20)
