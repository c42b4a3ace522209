import math
from dataclasses import replace

import numpy as np
import pytest

from gan_viz.core import metrics
from gan_viz.core.config import Config, ModelConfig, TrainConfig
from gan_viz.core.viewbox import view_extent
from gan_viz.lab import presets
from gan_viz.lab.history import History
from gan_viz.render.status import dead_discriminator
from gan_viz.ui.pacing import Plan
from gan_viz.ui.player import Player
from gan_viz.ui.session import LiveRun, needs_reset

SMALL = Config(model=ModelConfig(g_width=8, d_width=8, g_depth=1, d_depth=1), train=TrainConfig(batch_size=16))


def stats(region):
    region = np.asarray(region, dtype=np.float32)
    return metrics.ModeStats(hq_fraction=0.5, modes_captured=1, reverse_kl=0.0, occupancy=region / 2,
                             off_mode=0.5, region=region)


def one_hot(mode, k=8, share=0.9):
    v = np.full(k, (1 - share) / (k - 1))
    v[mode] = share
    return v


def test_history_counts_hops_online_like_the_metric_and_stays_bounded():
    seq = [one_hot(m) for m in [0, 0, 3, 3, 5, 1, 1, 1, 6]] * 30
    h = History(max_points=50)
    for i, r in enumerate(seq):
        h.add(i * 10, stats(r), 1.0, 1.0, value=-1.3, jsd=0.2)
    expected = metrics.hop_events(np.stack(seq)).hops
    assert h.hop_count == len(expected)
    full = metrics.hop_events(np.stack(seq), np.arange(len(seq)) * 10, np.full(len(seq), 0.5))
    assert h.tracker.mean_dwell_steps == pytest.approx(full.mean_dwell_steps)  # counted before thinning
    assert h.tracker.collapsed_hq_fraction == pytest.approx(0.5)
    assert [(s, a, b) for s, a, b in h.hops] == [(t * 10, a, b) for t, a, b in expected][-50:]
    assert len(h) <= 50 and h.stride > 1
    assert h.step == sorted(h.step)


def test_needs_reset_only_for_shapes_data_and_seed():
    base = presets.get("ring8-hopping")
    assert not needs_reset(base, replace(base, train=replace(base.train, lr_d=0.1, k_g=3, loss="minimax")))
    assert needs_reset(base, replace(base, train=replace(base.train, batch_size=32)))
    assert needs_reset(base, replace(base, model=replace(base.model, g_width=8)))
    assert needs_reset(base, replace(base, data=replace(base.data, std=0.1)))
    assert needs_reset(base, replace(base, seed=9))


def test_live_run_frames_history_and_divergence():
    run = LiveRun(SMALL, grid_res=16)
    run.warm_up()
    frames = run.advance_frames(3, 5)
    assert [f[0] for f in frames] == [10, 20, 30]  # 2 steps a round, 5 rounds a frame
    assert [r[0] for r in run.recent][-3:] == [10, 20, 30] and run.round_steps == 2
    np.testing.assert_allclose(run.recent[-1][1].sum() + run.recent[-1][2], 1.0, rtol=1e-5)
    assert frames[0][2].shape == (16, 16) and frames[0][1].shape == (metrics.EVAL_SAMPLES, 2)
    assert run.history.step[-3:] == [10, 20, 30]
    assert math.isfinite(run.history.jsd[-1]) and run.frame.step == 30

    # frames that split rounds: a picture every 3rd step of a 10-step round and at its end,
    # one history record per round
    split = LiveRun(replace(SMALL, train=replace(SMALL.train, k_d=4, k_g=6)), grid_res=16)
    pictures = split.advance_split(2, 3)
    assert [p[0] for p in pictures] == [3, 6, 9, 10, 13, 16, 19, 20]
    assert split.history.step[-2:] == [10, 20] and split.frame.step == 20
    assert pictures[0][2].shape == (16, 16) and pictures[0][1].shape == (metrics.EVAL_SAMPLES, 2)

    sgd = replace(SMALL, train=replace(SMALL.train, optimizer="sgd", loss="least_squares"))
    run = LiveRun(sgd, grid_res=16)
    run.set_live(replace(sgd.train, lr_d=10.0, lr_g=10.0))  # live: no reset, then it blows up
    for _ in range(50):
        run.advance(100)
        if run.diverged:
            break
    assert run.diverged and "diverged" in run.message and "Reset" in run.message
    assert run.advance(5) == 0



def test_the_round_that_takes_pictures_compiles_in_the_background_never_in_a_frame():
    config = replace(SMALL, train=replace(SMALL.train, k_d=3))
    run = LiveRun(config, grid_res=16)
    assert not run.pictures_ready()  # asked first: its compilation starts in the background
    run._compiling.join(timeout=120)  # the background compilation finishes
    assert run.pictures_ready()
    assert [p[0] for p in run.advance_split(1, 2)] == [2, 4]
    ready = LiveRun(config, grid_res=16)
    ready.warm_up(pictures=True, wait=True)  # Compare's start: the pictures compiled before Play
    assert ready.pictures_ready()

def test_needs_reset_follows_the_config_key_groups():
    from gan_viz.core import config as config_lib

    base = presets.get("ring8-hopping")
    for k in config_lib.LIVE_TRAIN_KEYS + config_lib.BUDGET_TRAIN_KEYS + config_lib.COMPILED_TRAIN_KEYS:
        v = getattr(base.train, k)
        other = "minimax" if k == "loss" else "sgd" if k == "optimizer" else (not v) if isinstance(v, bool) \
            else v + 1 if isinstance(v, int) else v / 2
        changed = replace(base, train=replace(base.train, **{k: other}))
        assert needs_reset(base, changed) == (k in config_lib.COMPILED_TRAIN_KEYS), k


def test_mean_losses_ignore_non_finite_rounds():
    from types import SimpleNamespace

    from gan_viz.lab.history import mean_losses

    info = SimpleNamespace(d_loss=np.array([1.0, np.nan, 2.0], np.float32), g_loss=np.array([np.inf, -np.inf]))
    d, g = mean_losses(info)
    assert d == 1.5 and math.isnan(g)


def test_dead_discriminator_flags_a_flat_surface_or_vanished_gradients_only():
    xs = np.linspace(0, 1, 16)
    healthy = np.tile(xs[:, None], (1, 16))
    arrows = np.full((20, 2), 0.3)
    assert dead_discriminator(healthy, arrows, 1e-3, "adam") is None
    flat = dead_discriminator(np.full((16, 16), 0.73), arrows, 1.0, "adam")
    assert flat is not None and flat.spread == 0.0
    assert "almost constant" in flat.message and "lower lr_D" in flat.message and "very high for Adam" in flat.message
    vanished = dead_discriminator(healthy, np.zeros((20, 2)), 1e-3, "sgd")
    assert vanished is not None and "vanished" in vanished.message and "Adam" not in vanished.message
    assert dead_discriminator(healthy, np.full((20, 2), np.nan), 1e-3, "adam") is not None  # NaN: no direction


def test_dead_discriminator_after_adam_at_the_top_learning_rate():
    cfg = presets.get("ring8-hopping")
    run = LiveRun(replace(cfg, train=replace(cfg.train, lr_d=1.0)), grid_res=32)
    run.advance(20)
    f = run.refresh()
    assert dead_discriminator(f.d_surface, run.arrows(), 1.0, "adam") is not None
    fresh = LiveRun(cfg, grid_res=32)
    assert dead_discriminator(fresh.frame.d_surface, fresh.arrows(), cfg.train.lr_d, "adam") is None


def test_view_extent_holds_the_data_and_the_generators_start():
    box = (-1.0, 1.0, -1.0, 1.0)
    assert view_extent(box, np.zeros((100, 2))) == box  # a start inside the data's box changes nothing
    start = np.random.default_rng(0).normal(loc=(-4.0, 0.0), scale=0.1, size=(500, 2))
    x0, x1, y0, y1 = view_extent(box, start)
    assert x0 < -4.2 and x1 >= 1.0 and y0 <= -1.0 and y1 >= 1.0
    assert x1 - x0 == pytest.approx(y1 - y0)  # square
    cfg = presets.get("counterexample")
    run = LiveRun(cfg, grid_res=16)
    fake = np.asarray(run.gan.generate(run.state.g_ema, run.eval_set.z))
    inside = (fake[:, 0] > run.extent[0]) & (fake[:, 0] < run.extent[1]) & (fake[:, 1] > run.extent[2]) & (
        fake[:, 1] < run.extent[3])
    assert inside.mean() >= 0.98


def test_the_status_line_says_how_many_generated_samples_are_beyond_the_view():
    from gan_viz.ui.pages import live

    run = LiveRun(SMALL, grid_res=16)
    run.refresh()
    assert "beyond the view" not in live.status_html(run, Player(), False)
    fake = np.asarray(run.frame.fake).copy()
    fake[: len(fake) // 4] += 100.0  # a quarter of the samples far off
    run.frame = run.frame._replace(fake=fake)
    assert "25 % of generated samples beyond the view" in live.status_html(run, Player(), False)


def test_the_status_line_says_where_a_collapsed_generator_sits():
    from gan_viz.ui.pages import live

    run = LiveRun(presets.get("ring8-standard"), grid_res=16)  # std 0.02
    run.refresh()
    region, offset = one_hot(3, share=0.95), np.zeros(8)
    offset[3] = 40.0  # the cluster's mean 40 std (0.8) from mode 3's centre
    modes = run.frame.modes._replace(region=region, region_offset=offset)
    run.frame = run.frame._replace(modes=modes)
    assert "collapsed near mode 3, 40 std (0.8) from it" in live.status_html(run, Player(), False)
    offset[3] = 2.0
    assert "collapsed on mode 3" in live.status_html(run, Player(), False)
    run.frame = run.frame._replace(modes=modes._replace(region=np.full(8, 1 / 8)))
    assert "collapsed" not in live.status_html(run, Player(), False)


def test_each_frame_draws_its_own_arrows_and_the_theory_part_is_computed_on_demand():
    from gan_viz.ui.pacing import Plan

    run = LiveRun(SMALL, grid_res=16)
    run.arrows_shown = True
    frames = run.advance_frames(2, 3)
    theory = run.theory()  # D*, arrows, gradient norms, manifold: only when a view asks
    assert run.theory() is theory  # once per state
    np.testing.assert_allclose(frames[-1].arrows, theory.g_arrows, rtol=1e-6)  # the last frame is this state
    assert not np.allclose(frames[0].arrows, frames[-1].arrows)  # the first has its own state's arrows
    np.testing.assert_allclose(run.arrows(), theory.g_arrows, rtol=1e-6)
    # frames that split rounds have no arrows of their own: while the arrows show, whole rounds play
    split = LiveRun(replace(SMALL, train=replace(SMALL.train, k_d=4, k_g=6)), grid_res=16)
    split.warm_up(pictures=True, wait=True)
    plan = Plan(1, 8, 0.0, every=3)  # two 10-step rounds, a picture every 3 steps
    assert [f.step for f in split.play(plan)] == [3, 6, 9, 10, 13, 16, 19, 20]
    split.arrows_shown = True
    shown = split.play(plan)
    assert [f.step for f in shown] == [30, 40] and all(f.arrows is not None for f in shown)


@pytest.mark.parametrize("arrows", [False, True])
def test_a_frame_is_one_copy_from_the_device_training_report_and_picture_together(monkeypatch, arrows):
    import jax

    from gan_viz.ui import session

    run = LiveRun(SMALL, grid_res=16)
    run.arrows_shown = arrows
    run.advance_frames(1, 1)  # compiled
    copies = []
    real = jax.device_get
    monkeypatch.setattr(session.jax, "device_get", lambda x: copies.append(x) or real(x))
    frames = run.advance_frames(3, 2, refresh=False)
    assert len(copies) == 3  # one per frame: the call's losses and step with the frame's picture
    assert [f.step for f in frames] == [6, 10, 14] and run.step == 14
    assert len(run.history.step) >= 3 and (frames[-1].arrows is not None) == arrows


def test_a_frame_longer_than_one_compiled_call_trains_all_its_rounds():
    from gan_viz.core.trainer import MAX_ROUNDS_PER_CALL

    run = LiveRun(SMALL, grid_res=16)
    frames = run.advance_frames(1, MAX_ROUNDS_PER_CALL + 3)
    assert [f.step for f in frames] == [2 * (MAX_ROUNDS_PER_CALL + 3)] and run.step == frames[0].step


def test_a_run_played_without_measuring_measures_its_state_when_its_frame_is_read():
    run = LiveRun(SMALL, grid_res=16)
    run.measure_played = False  # the live view while playing: measured with the charts, once a second
    frames = run.play(Plan(rounds_per_frame=2, frames=3, next_in=0.0))
    assert len(frames) == 3 and run.measured.step == 0  # trained on, not measured
    assert run.modes.hq_fraction == run.history.hq_fraction[-1]  # the newest frame's mode statistics
    measured = run.gan.measure(run.state, run.mixture, run.eval_set, run.grid, run.config.train.loss)
    f = run.frame  # read: measured now, the same numbers as measuring the state
    assert int(f.step) == run.step == int(frames[-1].step) and run.measured is f
    np.testing.assert_array_equal(f.d_surface, np.asarray(measured.d_surface))
    assert float(f.jsd) == float(measured.jsd) and run.modes is f.modes
    assert run.frame is f  # once per state
    run.measure_played = True
    run.play(Plan(rounds_per_frame=1, frames=1, next_in=0.0))
    assert int(run.measured.step) == run.step  # measured as it played
