"""The f-GAN scenes (lab/divergences.py): the bound a discriminator tightens against a frozen
generator, the best Gaussian under each divergence, the mode-covering and mode-seeking fits over
seeds, and the live run's bound trace."""

import math
from dataclasses import replace

import numpy as np
import pytest

from gan_viz.core import divergences as fdiv
from gan_viz.core.config import Config, DataConfig, ModelConfig, TrainConfig
from gan_viz.lab import divergences, driver, experiment, presets

# Two Gaussians: the data N((0.3, 0.2), 0.4^2 I) and seed 1's location-scale generator frozen at its
# start, N(0, W^T W) with standard deviations 0.42 and 1.13 along its axes (wide enough that Pearson's
# chi^2 is finite). D_f on the grid is then exact up to the grid (core/divergences.py).
TWO_GAUSSIANS = Config(data=DataConfig(layout="single", x=0.3, y=0.2, std=0.4),
                       model=ModelConfig(latent_dim=2, g_depth=0, d_depth=2, d_width=64),
                       train=TrainConfig(loss="kl", lr_d=3e-3, batch_size=256), seed=1)
D_STEPS = 300
TOLERANCE = 0.1  # the bound ends within 10 % of |D_f| + 0.02 nats of it (measured: 0.7-5.3 %, reverse KL aside)
# Reverse KL's bound is estimated with -E_p[exp(-V)], whose samples have infinite variance for this pair
# (q/p under p, q wider than p): a finite-sample mean misses the rare large values and overshoots. On the
# draws of 2026-12-05 it ended 32 % above D_f (3.31 against 2.51; 5 % on the earlier draws), so for it the
# test checks only that D's steps raise the bound (docs/divergences.md).
OVERSHOOTS = ("reverse_kl",)


def kl_of_gaussians(m1, c1, m2, c2) -> float:
    """KL(N(m1, c1) || N(m2, c2)) in closed form."""
    inv = np.linalg.inv(c2)
    d = np.asarray(m2) - np.asarray(m1)
    return 0.5 * (np.trace(inv @ c1) + d @ inv @ d - 2 + math.log(np.linalg.det(c2) / np.linalg.det(c1)))


def check_tightening(name: str) -> None:
    cfg = replace(TWO_GAUSSIANS, train=replace(TWO_GAUSSIANS.train, loss=name))
    t = divergences.tightening(cfg, D_STEPS)
    assert len(t.bound) == D_STEPS + 1 and np.ptp(t.divergence) == 0  # G frozen: the truth stays put
    truth = float(t.divergence[-1])
    assert t.bound[-10:].mean() > t.bound[:10].mean() + 0.1 * abs(truth)  # D's steps raise the bound
    if name not in OVERSHOOTS:
        assert abs(t.bound[-10:].mean() - truth) <= TOLERANCE * abs(truth) + 0.02, (name, t.bound[-10:].mean(), truth)


def test_d_steps_raise_the_kl_bound_to_the_closed_form_kl_of_two_gaussians():
    check_tightening("kl")
    run = driver.setup(TWO_GAUSSIANS)
    w, b = (np.asarray(run.state.g_params[0][k], np.float64) for k in ("w", "b"))
    closed = kl_of_gaussians([0.3, 0.2], 0.16 * np.eye(2), b, w.T @ w)
    grid = float(run.measure(run.state).f_divergences[fdiv.index("kl")])
    assert grid == pytest.approx(closed, rel=0.01)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in fdiv.NAMES if n != "kl"])
def test_d_steps_raise_every_other_bound_to_the_true_divergence(name):
    check_tightening(name)


def test_the_best_gaussian_is_moment_matching_under_kl_and_one_mode_under_reverse_kl():
    cfg = presets.get("divergences")
    mix = cfg.data.mixture()
    kl = divergences.gaussian_optimum(cfg, "kl")
    # moment matching: mean 0, variance along the modes 1.5^2 + 0.3^2, across them 0.3^2
    np.testing.assert_allclose(kl.mean, [0.0, 0.0], atol=0.01)
    np.testing.assert_allclose(np.diag(kl.cov), [1.5**2 + 0.3**2, 0.3**2], rtol=0.01)
    rkl = divergences.gaussian_optimum(cfg, "reverse_kl")
    assert divergences.nearest_mode_distance(rkl.mean, mix) < 0.1
    assert rkl.value == pytest.approx(math.log(2.0), abs=0.01)  # one mode of two, matched exactly: log 2


@pytest.mark.slow
def test_under_kl_the_fitted_spread_is_within_20_percent_of_moment_matching_for_every_seed():
    # seeds 0-4, measured: 1.35-1.42 along the modes against the optimum's 1.53 (8-12 % short)
    mix = presets.get("divergences").data.mixture()
    for seed in range(5):
        r = divergences.fit("kl", seed)
        assert not r.diverged
        want = divergences.spread_along_modes(r.optimum.cov, mix)
        assert divergences.spread_along_modes(r.cov, mix) == pytest.approx(want, rel=0.2), seed


@pytest.mark.slow
def test_under_reverse_kl_the_fitted_mean_sits_on_one_mode_for_two_of_five_seeds():
    # The claim as filed (every seed) does not hold: G starts centred (b = 0), and the centred Gaussian
    # spanning both modes (std 1.27 along them) is a local minimum of reverse KL among Gaussians (3.31
    # nats, against log 2 on a mode; docs/divergences.md). Seeds 0-4, measured at 4,000 steps on the
    # draws of 2026-12-05: 2 and 4 on a mode (0.04 and 0.37 std from it), 1 at 2.4 std, 0 and 3 between
    # the modes (4.5 std); on the earlier draws 3 of 5 (seeds 0-2) were on a mode.
    mix = presets.get("divergences").data.mixture()
    near = [divergences.nearest_mode_distance(divergences.fit("reverse_kl", s).mean, mix) for s in range(5)]
    assert sum(d < 2.0 for d in near) >= 2, near


def test_the_train_summary_reports_the_bound_and_the_true_divergence(capsys):
    cfg = presets.get("divergences")
    s = experiment.train(replace(cfg, train=replace(cfg.train, loss="reverse_kl", steps=40, eval_every=20))).summary
    assert set(s["f_divergences"]) == set(fdiv.NAMES)
    assert s["divergence"] == s["f_divergences"]["reverse_kl"] and isinstance(s["bound"], float)
    plain = experiment.train(replace(cfg, train=replace(cfg.train, loss="non_saturating", steps=20))).summary
    assert plain["bound"] is None and plain["divergence"] is None and plain["f_divergences"] is not None


class _Measured:
    def __init__(self, loss, step, updates, bound, divs):
        self.loss, self.step, self.updates, self.bound, self.f_divergences = loss, step, updates, bound, divs


def test_the_bound_trace_tells_d_steps_from_g_steps_and_restarts_when_the_loss_changes():
    from gan_viz.core import losses

    kl, js = losses.loss_index("kl"), losses.loss_index("js")
    divs = np.arange(6.0)
    trace = divergences.BoundTrace(limit=3)
    trace.add(_Measured(kl, 0, (0, 0), 0.1, divs))
    trace.add(_Measured(kl, 1, (1, 0), 0.2, divs))
    trace.add(_Measured(kl, 1, (1, 0), 0.2, divs))  # the same state measured again: not recorded
    trace.add(_Measured(kl, 2, (1, 1), 0.15, divs))
    trace.add(_Measured(kl, 4, (2, 2), 0.3, divs))
    assert trace.movers == ["D", "G", "both"] and trace.steps == [1, 2, 4]  # the oldest went (limit 3)
    assert trace.truth == [0.0, 0.0, 0.0]  # kl's own divergence
    trace.add(_Measured(losses.loss_index("minimax"), 5, (3, 3), 0.0, divs))  # not an f-GAN loss: ignored
    trace.add(_Measured(js, 5, (3, 3), 0.5, divs))
    assert trace.loss == "js" and trace.movers == ["start"] and trace.truth == [4.0]
