import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_viz.core import data


def test_ring_centres_lie_on_the_circle():
    m = data.ring(8, radius=2.0, std=0.02)
    c = np.asarray(m.centres)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 2.0, rtol=1e-6)
    np.testing.assert_allclose(c[0], [2.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(np.asarray(m.weights), 1 / 8)


def test_grid_is_centred_with_spacing():
    m = data.grid(5, spacing=2.0, std=0.05)
    c = np.asarray(m.centres)
    assert c.shape == (25, 2)
    assert sorted(set(np.round(c[:, 0], 6))) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    np.testing.assert_allclose(c.mean(axis=0), 0.0, atol=1e-6)


def test_custom_normalises_weights_and_rejects_bad_input():
    m = data.custom([[0, 0], [1, 1]], [1, 3], 0.1)
    np.testing.assert_allclose(np.asarray(m.weights), [0.25, 0.75])
    with pytest.raises(ValueError):
        data.custom([[0, 0, 0]], None, 0.1)
    with pytest.raises(ValueError):
        data.custom([[0, 0]], [1, 2], 0.1)
    with pytest.raises(ValueError):
        data.custom([[0, 0]], None, -1.0)


def test_samples_follow_the_weights_and_std():
    m = data.custom([[-3.0, 0.0], [3.0, 0.0]], [0.25, 0.75], 0.1)
    x = np.asarray(data.sample(m, jax.random.PRNGKey(0), 20000))
    right = x[:, 0] > 0
    assert abs(right.mean() - 0.75) < 0.015
    np.testing.assert_allclose(x[right].std(axis=0), 0.1, rtol=0.05)


def test_argmax_last_is_jnp_argmax_with_ties_infinities_and_nans():
    x = jnp.asarray([[1.0, 3.0, 3.0, 2.0], [-jnp.inf, -jnp.inf, -jnp.inf, -jnp.inf],
                     [0.0, jnp.nan, 5.0, jnp.nan], [-jnp.inf, 2.0, jnp.inf, jnp.inf]])
    np.testing.assert_array_equal(data.argmax_last(x), [1, 0, 1, 2])
    np.testing.assert_array_equal(data.argmax_last(x), jnp.argmax(x, axis=-1))
    y = jax.random.normal(jax.random.PRNGKey(3), (500, 25)).round(1)  # many ties
    np.testing.assert_array_equal(data.argmax_last(y), jnp.argmax(y, axis=-1))


def test_points_of_inverts_the_weights_cumulative_sum():
    m = data.custom([[-3.0, 0.0], [3.0, 0.0], [0.0, 3.0], [0.0, -3.0]], [0.1, 0.0, 0.3, 0.6], 0.5)
    u = jnp.asarray([0.0, 0.0999, 0.1, 0.3999, 0.4, 0.99999994])
    eps = jnp.ones((6, 2))
    x = np.asarray(data.points_of(m, u, eps))
    modes = [0, 0, 2, 2, 3, 3]  # the empty mode 1 is never chosen
    np.testing.assert_allclose(x, np.asarray(m.centres)[modes] + 0.5, rtol=1e-6)
    pts = data.empirical(np.asarray([[0, 0], [1, 1], [2, 2]], np.float32), m.centres, m.weights, 0.1)
    np.testing.assert_array_equal(np.asarray(data.points_of(pts, jnp.asarray([0.0, 0.34, 0.67, 0.99999994]), eps[:4])),
                                  [[0, 0], [1, 1], [2, 2], [2, 2]])


def test_sampling_draws_modes_in_proportion_to_their_weights():
    m = data.custom([[-3.0, 0.0], [3.0, 0.0], [0.0, 3.0], [0.0, -3.0]], [0.1, 0.0, 0.3, 0.6], 0.1)
    x = np.asarray(data.sample(m, jax.random.PRNGKey(11), 20000))
    nearest = np.argmin(((x[:, None] - np.asarray(m.centres)[None]) ** 2).sum(-1), axis=1)
    np.testing.assert_allclose(np.bincount(nearest, minlength=4) / len(x), [0.1, 0.0, 0.3, 0.6], atol=0.015)
    spread = x - np.asarray(m.centres)[nearest]
    assert abs(spread.std() - 0.1) < 0.005


def test_log_density_matches_a_single_gaussian_and_integrates_to_one():
    m = data.single(1.0, -1.0, std=0.5)
    x = jnp.array([[1.0, -1.0], [2.0, 0.0]])
    expected = -np.log(2 * np.pi * 0.25) - 0.5 * np.array([0.0, 2.0]) / 0.25
    np.testing.assert_allclose(np.asarray(data.log_density(m, x)), expected, rtol=1e-5)
    ring = data.ring(8, 2.0, 0.2)
    xs = np.linspace(-4, 4, 401)
    gx, gy = np.meshgrid(xs, xs)
    p = np.exp(np.asarray(data.log_density(ring, jnp.stack([gx, gy], -1))))
    assert abs(p.sum() * (xs[1] - xs[0]) ** 2 - 1.0) < 1e-3


def test_extent_is_square_and_contains_the_modes():
    x0, x1, y0, y1 = data.extent(data.grid(5, 2.0, 0.05))
    assert x1 - x0 == pytest.approx(y1 - y0)
    assert x0 < -4 and x1 > 4


def _ring_points(n: int = 4000, std: float = 0.1) -> np.ndarray:
    return np.asarray(data.sample(data.ring(8, 2.0, std), jax.random.key(3), n))


def test_fit_modes_recovers_a_ring_and_choose_modes_counts_its_modes():
    x = _ring_points()
    centres, weights, std = data.fit_modes(x, 8)
    truth = np.asarray(data.ring(8, 2.0, 0.1).centres)
    nearest = np.min(np.linalg.norm(centres[:, None] - truth[None], axis=-1), axis=0)
    assert nearest.max() < 0.02  # every true centre has a fitted one within 0.2 std
    np.testing.assert_allclose(weights.sum(), 1.0)
    np.testing.assert_allclose(weights, 1 / 8, atol=0.02)
    assert std == pytest.approx(0.1, rel=0.05)
    assert data.fit_modes(x, 8)[0].tolist() == centres.tolist()  # deterministic
    assert data.choose_modes(x) == 8
    grid = np.asarray(data.sample(data.grid(5, 2.0, 0.05), jax.random.key(4), 3000))
    assert data.choose_modes(grid) == 25
    assert data.choose_modes(np.asarray(data.sample(data.single(0, 0, 0.3), jax.random.key(5), 2000))) == 1
    assert len(data.fit_modes(np.array([[0.0, 0.0], [1.0, 1.0]] * 5), 4)[0]) == 2  # capped at distinct points


def test_an_empirical_distribution_samples_its_points_and_its_density_is_their_kde():
    x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]], np.float32)
    m = data.empirical(x, [[0.3, 0.6]], None, 0.5)
    drawn = np.asarray(data.sample(m, jax.random.key(0), 3000))
    rows = {tuple(r) for r in drawn.tolist()}
    assert rows == {tuple(r) for r in x.tolist()}  # the points themselves, nothing in between
    counts = np.array([np.sum(np.all(drawn == p, axis=1)) for p in x])
    np.testing.assert_allclose(counts / 3000, 1 / 3, atol=0.03)
    q = jnp.array([[0.5, 0.5], [3.0, -1.0]])
    var = 0.04
    expected = np.mean([np.exp(-0.5 * np.sum((np.asarray(q) - p) ** 2, axis=1) / var) / (2 * np.pi * var) for p in x],
                       axis=0)
    np.testing.assert_allclose(np.exp(np.asarray(data.log_density(m, q, extra_var=var))), expected, rtol=1e-5)
    lo_x, hi_x, lo_y, hi_y = data.extent(m)
    assert lo_x < 0 and hi_x > 1 and lo_y < 0 and hi_y > 2  # the view holds every point
    with pytest.raises(ValueError, match="N >= 2"):
        data.empirical(x[:1], [[0, 0]], None, 0.1)
