import math
from dataclasses import replace

import numpy as np
import pytest

from gan_viz.core import data
from gan_viz.lab import theory


def test_alignment_of_arrows_toward_and_away_from_the_data():
    mix = data.single(1.0, 0.0, 0.1)
    pts = np.array([[0.0, 0.0], [0.0, 0.5]])
    toward = np.array([[1.0, 0.0], [1.0, -0.5]])
    assert theory.alignment(pts, toward, mix) == pytest.approx(1.0)
    assert theory.alignment(pts, -toward, mix) == pytest.approx(-1.0)


def test_c_of_g_is_minus_log_4_at_zero_jsd_and_zero_at_log_2():
    assert theory.c_of_g_from_jsd(0.0) == pytest.approx(-math.log(4))
    assert theory.c_of_g_from_jsd(math.log(2)) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_under_trained_d_guides_poorly_and_over_trained_minimax_d_gives_no_gradient(seed):
    cfg = replace(theory.KD_SCENE, seed=seed)
    scene = theory.k_d_scene(cfg, [1, 30, 1000])
    assert scene.real.shape[1] == 2 and scene.grid_x.shape == scene.grid_y.shape
    pts = {p.k_d: p for p in scene.points}
    # a barely trained D: arrows hardly point at the data
    assert pts[1].alignment < 0.6
    # a well trained D: arrows point at the data, with a healthy gradient
    assert pts[30].alignment > 0.75
    # an over-trained D: still pointing the right way, but the minimax gradient has vanished
    minimax = [p.grad_norms[0] for p in pts.values()]
    assert pts[1000].grad_norms[0] < 0.02 * max(minimax)
    assert pts[1000].grad_norms[1] > 10 * pts[1000].grad_norms[0]  # non-saturating keeps it
    assert float(pts[1000].frame.d_fake) < 0.01
    assert np.isfinite(pts[1000].arrow_norm)
