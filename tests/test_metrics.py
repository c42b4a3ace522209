import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_viz.core import data, metrics


@pytest.fixture(scope="module")
def ring8():
    return data.ring(8, 2.0, 0.02)


def test_a_true_mixture_sample_covers_every_mode(ring8):
    x = data.sample(ring8, jax.random.PRNGKey(0), metrics.EVAL_SAMPLES)
    st = metrics.mode_stats(x, ring8)
    assert int(st.modes_captured) == 8
    # P(chi2_2 < 9) = 1 - exp(-4.5) = 0.9889
    assert float(st.hq_fraction) == pytest.approx(1 - math.exp(-4.5), abs=0.01)
    # KL of an 8-bin histogram of ~2,470 uniform draws: ~chi2_7 / (2 n), mean 0.0014 (seeds 0-3: 0.0006-0.0015)
    assert float(st.reverse_kl) < 0.005
    assert float(st.off_mode) + float(st.occupancy.sum()) == pytest.approx(1.0)


def test_a_collapsed_sample_captures_one_mode(ring8):
    x = jnp.tile(ring8.centres[3], (100, 1))
    st = metrics.mode_stats(x, ring8)
    assert int(st.modes_captured) == 1
    assert float(st.hq_fraction) == 1.0
    assert float(st.reverse_kl) == pytest.approx(math.log(8), rel=1e-6)
    assert float(st.occupancy[3]) == 1.0


def test_hq_threshold_is_three_std(ring8):
    c = np.asarray(ring8.centres[0])
    inside = c + np.array([2.9 * 0.02, 0.0])
    outside = c + np.array([3.1 * 0.02, 0.0])
    st = metrics.mode_stats(jnp.asarray(np.stack([inside, outside])), ring8)
    assert float(st.hq_fraction) == 0.5
    assert int(st.modes_captured) == 1


def test_no_hq_samples_reports_log_k(ring8):
    st = metrics.mode_stats(jnp.zeros((10, 2)), ring8)
    assert float(st.hq_fraction) == 0.0
    assert int(st.modes_captured) == 0
    assert float(st.reverse_kl) == pytest.approx(math.log(8), rel=1e-6)


def one_hot(k, mode, share=0.9):
    v = np.full(k, (1 - share) / (k - 1))
    v[mode] = share
    return v


def test_hops_are_counted_between_collapsed_evaluations():
    seq = [one_hot(8, 0), one_hot(8, 0), one_hot(8, 3), np.full(8, 0.125), one_hot(8, 5), one_hot(8, 5)]
    rep = metrics.hop_events(np.stack(seq))
    assert rep.collapsed.tolist() == [True, True, True, False, True, True]
    assert rep.hops == [(2, 0, 3), (4, 3, 5)]
    assert rep.dominant.tolist() == [0, 0, 3, -1, 5, 5]


def test_mean_dwell_and_collapsed_hq_fraction_on_a_hand_made_history():
    # hops at evaluations 2 (step 200) and 4 (step 500) and 6 (step 1100): dwells 300, 600
    modes = [0, 0, 3, None, 5, 5, 1]
    seq = [np.full(8, 0.125) if m is None else one_hot(8, m) for m in modes]
    steps = np.array([0, 100, 200, 300, 500, 800, 1100])
    hq = np.array([0.2, 0.6, 0.7, 0.9, 0.8, 0.5, 1.0])
    rep = metrics.hop_events(np.stack(seq), steps, hq)
    assert rep.hops == [(2, 0, 3), (4, 3, 5), (6, 5, 1)]
    assert rep.mean_dwell_steps == pytest.approx(450.0)
    # collapsed at every evaluation but index 3 (HQ 0.9 there does not count)
    assert rep.collapsed_hq_fraction == pytest.approx((0.2 + 0.6 + 0.7 + 0.8 + 0.5 + 1.0) / 6)


def test_dwell_needs_two_hops_and_collapsed_hq_needs_a_collapse():
    one_hop = metrics.hop_events(np.stack([one_hot(8, 0), one_hot(8, 4)]), np.array([0, 70]), np.ones(2))
    assert len(one_hop.hops) == 1 and one_hop.mean_dwell_steps is None
    assert one_hop.collapsed_hq_fraction == pytest.approx(1.0)
    spread = metrics.hop_events(np.full((5, 8), 0.125), np.arange(5), np.full(5, 0.9))
    assert spread.mean_dwell_steps is None and spread.collapsed_hq_fraction is None
    # without HQ fractions only the dwell is known; steps default to evaluation indices
    rep = metrics.hop_events(np.stack([one_hot(8, m) for m in [0, 1, 2, 2, 2, 3]]))
    assert rep.mean_dwell_steps == pytest.approx(2.0) and rep.collapsed_hq_fraction is None


def test_covering_all_modes_is_never_collapsed_and_never_hops():
    seq = np.full((20, 8), 0.12)
    rep = metrics.hop_events(seq)
    assert not rep.collapsed.any() and rep.hops == []


def test_two_mode_wobble_is_not_a_hop():
    # K = 8 allows collapse onto <= 2 modes; an even split that wobbles is not a hop.
    a = np.zeros(8)
    a[[1, 2]] = [0.46, 0.44]
    b = np.zeros(8)
    b[[1, 2]] = [0.44, 0.46]
    rep = metrics.hop_events(np.stack([a, b, a, b]))
    assert rep.collapsed.all()
    assert rep.hops == []
    c = np.zeros(8)
    c[[1, 2]] = [0.10, 0.80]
    assert metrics.hop_events(np.stack([a, c])).hops == [(1, 1, 2)]


def test_spread_generator_is_not_collapsed():
    # 3 modes of 8 holding the mass is more than K // 4 = 2: not collapsed
    v = np.zeros(8)
    v[[0, 1, 2]] = 0.3
    assert metrics.collapsed_and_dominant(v) == (False, -1)
    # K = 1: always one mode
    assert metrics.collapsed_and_dominant(np.array([1.0])) == (True, 0)


def test_regions_count_every_sample_by_its_nearest_mode(ring8):
    near = ring8.centres[2] * 0.8  # 0.4 from mode 2: far from HQ, still in its region
    st = metrics.mode_stats(jnp.stack([near, near, ring8.centres[5]]), ring8)
    np.testing.assert_allclose(np.asarray(st.region)[[2, 5]], [2 / 3, 1 / 3], rtol=1e-6)
    assert float(st.hq_fraction) == pytest.approx(1 / 3)


def test_jsd_known_answers():
    p = jnp.zeros((4, 4)).at[0, 0].set(1.0)
    q = jnp.zeros((4, 4)).at[3, 3].set(1.0)
    assert float(metrics.jsd_from_densities(p, p, 1.0)) == pytest.approx(0.0, abs=1e-7)
    assert float(metrics.jsd_from_densities(p, q, 1.0)) == pytest.approx(math.log(2), abs=1e-6)
    # mass off the grid counts as its own cell: half the mass missing vs all present
    half = p * 0.5
    expected = 0.5 * (0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25)) + 0.5 * (1.0 * math.log(1 / 0.75))
    assert float(metrics.jsd_from_densities(half, p, 1.0)) == pytest.approx(expected, rel=1e-5)


def test_optimal_discriminator_is_one_half_where_densities_match():
    p = jnp.array([0.3, 0.2, 0.0, 0.0])
    q = jnp.array([0.3, 0.0, 0.5, 0.0])
    np.testing.assert_allclose(np.asarray(metrics.optimal_discriminator(p, q)), [0.5, 1.0, 0.0, 0.5])


def test_kde_integrates_to_one_and_smoothed_jsd_is_near_zero_for_true_samples(ring8):
    grid = metrics.make_grid(data.extent(ring8))
    x = data.sample(ring8, jax.random.PRNGKey(1), metrics.EVAL_SAMPLES)
    h = metrics.bandwidth(ring8.std, grid)
    assert float(metrics.kde(x, grid, h).sum() * grid.cell**2) == pytest.approx(1.0, abs=1e-3)
    view = metrics.density_view(x, ring8, grid)
    # like with like, so no smoothing bias: only KDE noise is left (seeds 0-3: 0.0002-0.0005 nats)
    assert float(view.jsd) < 0.002
    # D* from matching densities is ~1/2 wherever there is mass
    mass = np.asarray(view.p_x) > 0.05
    assert np.abs(np.asarray(view.d_star)[mass] - 0.5).max() < 0.2


def collapsed_jsd(w: float) -> float:
    """JSD(p || q) when q is exactly the part of p with mass w (q = p restricted, renormalised).

    Where q lives: p = w f, q = f, m = (1 + w) f / 2; elsewhere p = (1 - w) g, q = 0, m = p / 2. So
    JSD = 1/2 [w log(2w / (1 + w)) + (1 - w) log 2] + 1/2 log(2 / (1 + w)).
    """
    return 0.5 * (w * math.log(2 * w / (1 + w)) + (1 - w) * math.log(2)) + 0.5 * math.log(2 / (1 + w))


def test_smoothed_jsd_of_a_generator_collapsed_onto_one_of_eight_modes(ring8):
    # All samples from mode 0 of the ring. The KDE's expectation is that mode smoothed by the kernel,
    # which is exactly p_x's smoothed mode 0, and the smoothed modes do not overlap (neighbours are
    # 1.53 apart, smoothed std ~0.098), so the estimator's target is collapsed_jsd(1/8) = 0.49693 nats.
    # KDE noise enters only at second order: seeds 0-5 give 0.496929 to 0.496932.
    assert collapsed_jsd(1 / 8) == pytest.approx(0.496929, abs=1e-6)
    grid = metrics.make_grid(data.extent(ring8))
    one = data.single(2.0, 0.0, 0.02)
    x = data.sample(one, jax.random.PRNGKey(2), metrics.EVAL_SAMPLES)
    view = metrics.density_view(x, ring8, grid)
    assert float(view.jsd) == pytest.approx(collapsed_jsd(1 / 8), abs=1e-4)


def former_entropy(q):
    return -jnp.sum(jnp.where(q > 0, q * jnp.log(jnp.where(q > 0, q, 1.0)), 0.0))


def former_jsd(p, q, cell_area):
    pm = (p * cell_area).ravel()
    qm = (q * cell_area).ravel()
    pm = jnp.concatenate([pm, jnp.maximum(1.0 - pm.sum(), 0.0)[None]])
    qm = jnp.concatenate([qm, jnp.maximum(1.0 - qm.sum(), 0.0)[None]])
    pm, qm = pm / pm.sum(), qm / qm.sum()
    m = 0.5 * (pm + qm)

    def kl(a, b):
        safe = jnp.where(a > 0, a / jnp.where(b > 0, b, 1.0), 1.0)
        return jnp.sum(jnp.where(a > 0, a * jnp.log(safe), 0.0))

    return jnp.clip(0.5 * kl(pm, m) + 0.5 * kl(qm, m), 0.0, jnp.log(2.0))


def test_entropy_form_equals_the_former_hand_written_kl_terms(ring8):
    # The JSD is now H(M) - (H(P) + H(Q)) / 2 with jax.scipy.special.entr, formerly two KL sums
    # of a log(a / m): the same number up to float32 rounding, but entropies of up to
    # log(9217 cells) = 9.1 nats cancel, each rounded to ~1e-6 (measured: at most 6e-7 here);
    # 1e-5 nats is far below the 3 decimals the app shows. The mode entropy (8 terms) and
    # zeros (0 log 0 = 0) are exact.
    grid = metrics.make_grid(data.extent(ring8))
    h = metrics.bandwidth(ring8.std, grid)
    p = metrics.smoothed_mixture_density(ring8, grid, h)
    collapsed = data.sample(data.single(2.0, 0.0, 0.02), jax.random.PRNGKey(2), metrics.EVAL_SAMPLES)
    spread = data.sample(ring8, jax.random.PRNGKey(3), metrics.EVAL_SAMPLES)
    for x in (collapsed, spread, spread * 3.0):
        q = metrics.kde(x, grid, h)
        new, old = metrics.jsd_from_densities(p, q, grid.cell**2), former_jsd(p, q, grid.cell**2)
        assert float(new) == pytest.approx(float(old), abs=1e-5)
        st = metrics.mode_stats(x, ring8)
        hist = st.occupancy / jnp.maximum(st.occupancy.sum(), 1e-12)
        assert float(jnp.log(8.0) - st.reverse_kl) == pytest.approx(float(former_entropy(hist)), abs=1e-6)
    for hist in (jnp.array([1.0, 0, 0, 0]), jnp.array([0.5, 0.5, 0, 0]), jnp.full((8,), 1 / 8)):
        assert float(jnp.sum(jax.scipy.special.entr(hist))) == float(former_entropy(hist))


def test_region_offset_is_the_distance_from_a_regions_sample_mean_to_its_centre_in_std():
    mix = data.ring(8, 2.0, 0.02)
    c = np.asarray(mix.centres)
    # mode 0's region: samples 0.1 and 0.14 beyond its centre along the radius (mean 0.12 = 6 std off);
    # mode 3's: two samples either side of its centre (mean on it); the rest empty
    radial = c[0] / np.linalg.norm(c[0])
    samples = np.stack([c[0] + 0.1 * radial, c[0] + 0.14 * radial, c[3] + [0.01, 0], c[3] - [0.01, 0]])
    st = metrics.mode_stats(jnp.asarray(samples, jnp.float32), mix)
    offset = np.asarray(st.region_offset)
    assert offset[0] == pytest.approx(6.0, rel=1e-4)
    assert offset[3] == pytest.approx(0.0, abs=1e-3)
    assert np.all(offset[[1, 2, 4, 5, 6, 7]] == 0)


def test_collapsed_share_and_near_mode_distance_over_a_history():
    # four evaluations: collapsed on 0 (offset 5), spread out, collapsed on 3 (offset 2), on 3 (offset 4)
    spread = np.full(8, 1 / 8)
    regions = np.stack([one_hot(8, 0), spread, one_hot(8, 3), one_hot(8, 3)])
    offsets = np.zeros((4, 8))
    offsets[0, 0], offsets[1, 5], offsets[2, 3], offsets[3, 3] = 5.0, 9.0, 2.0, 4.0
    tracker = metrics.HopTracker()
    for row, off in zip(regions, offsets):
        tracker.update(row, 0, 0.0, off)
    assert tracker.collapsed_share == pytest.approx(0.75)
    assert tracker.near_mode_distance == pytest.approx(4.0)  # median of 5, 2, 4: the spread one is left out
    assert metrics.hop_events(regions, offsets=offsets).near_mode_distance == pytest.approx(4.0)
    assert metrics.HopTracker().collapsed_share is None and metrics.HopTracker().near_mode_distance is None
