"""The f-GAN drawings (render/divergences.py): what each figure holds, measured on its data."""

import numpy as np
import pytest

from gan_viz.render import divergences as draw


def test_the_bound_chart_colours_each_record_by_the_network_that_moved():
    fig = draw.bound_chart([0, 1, 2, 3, 5], [0.1, 0.3, 0.5, 0.4, 0.45], [1.0, 1.0, 1.0, 0.8, 0.7],
                           ["start", "D", "D", "G", "both"], "KL")
    markers = {t.name: list(t.x) for t in fig.data if t.mode == "markers"}
    assert markers == {"F start": [0], "F after D steps": [1, 2], "F after G steps": [3], "F after whole rounds": [4]}
    truth = next(t for t in fig.data if t.name.startswith("true"))
    assert list(truth.y) == [1.0, 1.0, 1.0, 0.8, 0.7] and truth.line.dash == "dash"


def test_the_critics_scale_is_logarithmic_around_f_prime_of_1_and_reaches_the_samples_values():
    np.testing.assert_allclose(draw.signed_log(np.array([-1.0, 0.0, 9.0, -11.0]), -1.0),
                               [0.0, np.log(2.0), np.log(11.0), -np.log(11.0)])
    gx = gy = np.linspace(-1, 1, 5)
    t_star = np.full((5, 5), -1.0)
    t_star[4, 4] = 99.0  # one cell far above the balance level -1, with a sample in it
    half = draw.critic_range(t_star, -1.0, gx, gy, np.array([[1.0, 1.0]] * 50 + [[-1.0, -1.0]]))
    assert half == pytest.approx(np.log1p(100.0), rel=1e-6)
    vals, text = draw._ticks(half, -1.0)
    assert text[0] == "-1" and len(vals) == len(text) <= 7 and max(vals) <= half
    assert draw.critic_range(np.full((5, 5), -1.0), -1.0, gx, gy, np.zeros((3, 2))) == 0.1  # flat T*: the minimum


def test_an_ellipse_is_the_gaussians_two_std_contour_and_every_divergence_gets_a_panel():
    e = draw.ellipse(np.array([1.0, -1.0]), np.diag([4.0, 0.25]))
    assert np.ptp(e[:, 0]) == pytest.approx(8.0, rel=1e-3) and np.ptp(e[:, 1]) == pytest.approx(2.0, rel=1e-3)
    assert e.mean(0) == pytest.approx([1.0, -1.0], abs=0.05)
    panels = [dict(title=f"d{i}", fake=np.zeros((3, 2)), mean=np.zeros(2), cov=np.eye(2), opt_mean=np.ones(2),
                   opt_cov=np.eye(2)) for i in range(6)]
    fig = draw.fit_panels(panels, np.zeros((5, 2)), (-3, 3, -2, 2))
    assert [a.text for a in fig.layout.annotations] == [f"d{i}" for i in range(6)]
    assert len(fig.data) == 4 * 6 and sum(t.showlegend is not False for t in fig.data) == 4
