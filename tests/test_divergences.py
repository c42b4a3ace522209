"""The f-GAN family (core/divergences.py, the f-GAN losses in core/losses.py): each member's pieces
against hand-derived values, numerical stability, and the grid estimate of D_f against known
answers on two Gaussians.

Known answers: KL, reverse KL and squared Hellinger between Gaussians in closed form; Pearson
chi^2, Jensen-Shannon and GAN by scipy's adaptive quadrature (quad, relative error 1e-10) of
q f(p/q) in 1-D: the two Gaussians share their y marginal, so D_f in 2-D is the 1-D one along x.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, stats

from gan_viz.core import data, divergences, losses, metrics

NAMES = divergences.NAMES
U = np.array([0.05, 0.3, 1.0, 2.0, 7.5])  # density ratios p/q


def v_for_ratio(name: str, u: np.ndarray) -> np.ndarray:
    """D's raw output v whose critic g_f(v) is f'(u), worked out by hand from the table."""
    return {"kl": 1.0 + np.log(u), "reverse_kl": np.log(u), "pearson": 2.0 * (u - 1.0),
            "hellinger": 0.5 * np.log(u), "js": np.log(u), "gan": np.log(u)}[name]


F_PRIME = {  # f'(u), differentiated by hand
    "kl": lambda u: np.log(u) + 1.0,
    "reverse_kl": lambda u: -1.0 / u,
    "pearson": lambda u: 2.0 * (u - 1.0),
    "hellinger": lambda u: 1.0 - 1.0 / np.sqrt(u),
    "js": lambda u: np.log(2.0 * u / (1.0 + u)),
    "gan": lambda u: np.log(u / (u + 1.0)),
}


@pytest.mark.parametrize("name", NAMES)
def test_each_members_critic_conjugate_and_implied_classifier_match_the_hand_derived_values(name):
    i = divergences.index(name)
    v = jnp.asarray(v_for_ratio(name, U), jnp.float32)
    t = F_PRIME[name](U)
    np.testing.assert_allclose(divergences.activation(i, v), t, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(divergences.f_prime_of_log_ratio(i, jnp.log(jnp.asarray(U, jnp.float32))), t,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(divergences.implied_d(i, v), U / (1.0 + U), rtol=1e-5)
    # Fenchel's equality at the optimum: f*(f'(u)) = u f'(u) - f(u), one sample at a time
    conj = [float(divergences.fake_term(i, v[k:k + 1])) for k in range(len(U))]
    np.testing.assert_allclose(conj, U * t - divergences.f_of_ratio(name, U), rtol=1e-4, atol=1e-5)
    assert float(divergences.critic_at_balance(i)) == pytest.approx(F_PRIME[name](1.0), abs=1e-6)


def test_the_losses_are_minus_the_bound_for_d_and_the_fake_term_or_the_alternative_for_g():
    real, fake = jnp.array([0.5, -0.2, 1.3]), jnp.array([-0.7, 0.1])
    for name in NAMES:
        k, i = losses.loss_index(name), divergences.index(name)
        bound = float(divergences.real_term(i, real) - divergences.fake_term(i, fake))
        assert float(losses.d_loss(jnp.int32(k), real, fake)) == pytest.approx(-bound, rel=1e-6)
        assert float(losses.f_bound(jnp.int32(k), real, fake)) == pytest.approx(bound, rel=1e-6)
        assert float(losses.g_loss(jnp.int32(k), fake)) == pytest.approx(-float(divergences.fake_term(i, fake)))
        assert float(losses.g_loss(jnp.int32(k), fake, True)) == pytest.approx(-float(divergences.real_term(i, fake)))
    # by hand, KL: E_p[v] - E_q[exp(v - 1)]
    kl = float(np.mean(np.asarray(real)) - np.mean(np.exp(np.asarray(fake) - 1.0)))
    assert float(losses.f_bound(jnp.int32(losses.loss_index("kl")), real, fake)) == pytest.approx(kl, rel=1e-6)
    # the other losses ignore alt
    assert float(losses.g_loss(jnp.int32(1), fake, True)) == float(losses.g_loss_non_saturating(fake))


def test_the_gan_member_is_goodfellows_game_its_alternative_the_non_saturating_loss():
    real, fake = jnp.array([2.0, -1.0, 0.3]), jnp.array([-3.0, 0.4])
    gan = jnp.int32(losses.loss_index("gan"))
    assert float(losses.d_loss(gan, real, fake)) == pytest.approx(float(losses.d_loss_bce(real, fake)), rel=1e-6)
    assert float(losses.g_loss(gan, fake)) == pytest.approx(float(losses.g_loss_minimax(fake)), rel=1e-6)
    assert float(losses.g_loss(gan, fake, True)) == pytest.approx(float(losses.g_loss_non_saturating(fake)), rel=1e-6)
    assert float(losses.f_bound(gan, real, fake)) == pytest.approx(float(losses.value(real, fake)), rel=1e-6)


def test_the_new_losses_come_after_the_old_ones_so_no_index_moves():
    assert losses.LOSSES[:4] == ("minimax", "non_saturating", "least_squares", "wasserstein")
    assert losses.F_LOSSES == NAMES and losses.LOSSES[losses.FIRST_F:] == NAMES


def test_log_space_keeps_the_bound_finite_where_the_naive_conjugate_overflows():
    # float32 overflows past exp(88.7): a naive mean of exp(v) is inf, exp(logsumexp(v) - log n) is not
    v = jnp.array([89.0, -10.0], jnp.float32)
    assert not np.isfinite(float(jnp.mean(jnp.exp(v))))
    hellinger = divergences.index("hellinger")
    assert np.isfinite(float(divergences.fake_term(hellinger, v)))
    assert float(divergences.fake_term(hellinger, v)) == pytest.approx(math.exp(89.0) / 2 - 1.0, rel=1e-5)
    rkl = divergences.index("reverse_kl")
    assert np.isfinite(float(divergences.real_term(rkl, -v)))
    kl = divergences.index("kl")
    assert np.isfinite(float(divergences.fake_term(kl, jnp.array([89.5, 0.0]))))
    # the softplus forms: finite values and gradients at logits of +-1e4
    big = jnp.array([-1e4, 1e4])
    for name in ("js", "gan"):
        k = jnp.int32(losses.loss_index(name))
        assert np.isfinite(float(losses.d_loss(k, big, big)))
        assert np.all(np.isfinite(jax.grad(lambda x, k=k: losses.d_loss(k, x, x))(big)))
        for alt in (False, True):
            assert np.all(np.isfinite(jax.grad(lambda x, k=k, alt=alt: losses.g_loss(k, x, alt))(big)))


# -- the grid estimate ---------------------------------------------------------------------------

M1, S1 = np.array([0.4, 0.2]), 0.5  # p = N(M1, S1^2 I)
M2, SX, SY = np.array([-0.3, 0.2]), 0.8, 0.5  # q = N(M2, diag(SX^2, SY^2)): same y marginal as p


def closed_form(name: str, m1: float, s1: float, m2: float, s2: float) -> float:
    """D_f(N(m1, s1^2) || N(m2, s2^2)) in 1-D: closed form for KL, reverse KL and squared Hellinger,
    scipy quadrature (the known answer) for the others."""
    def kl(ma, sa, mb, sb):
        return math.log(sb / sa) + (sa**2 + (ma - mb) ** 2) / (2 * sb**2) - 0.5

    if name == "kl":
        return kl(m1, s1, m2, s2)
    if name == "reverse_kl":
        return kl(m2, s2, m1, s1)
    if name == "hellinger":
        bc = math.sqrt(2 * s1 * s2 / (s1**2 + s2**2)) * math.exp(-((m1 - m2) ** 2) / (4 * (s1**2 + s2**2)))
        return 2.0 - 2.0 * bc
    p, q = stats.norm(m1, s1), stats.norm(m2, s2)
    value, _ = integrate.quad(lambda x: q.pdf(x) * float(divergences.f_of_ratio(name, p.pdf(x) / q.pdf(x))),
                              -12, 12, epsrel=1e-10, limit=400)
    return value


@pytest.mark.parametrize("name", NAMES)
def test_each_grid_estimate_matches_the_known_answer_on_two_gaussians_within_1_percent(name):
    grid = metrics.make_grid((-4.0, 4.0, -4.0, 4.0), 96)
    p = jnp.exp(data.log_density(data.single(*M1, S1), grid.points)).reshape(96, 96)
    q = divergences.gaussian_density(grid.points, jnp.asarray(M2), jnp.diag(jnp.array([SX**2, SY**2])))
    got = float(divergences.grid_divergences(p, q.reshape(96, 96), grid.cell**2)[divergences.index(name)])
    want = closed_form(name, M1[0], S1, M2[0], SX)
    assert got == pytest.approx(want, rel=0.01, abs=1e-3), (name, got, want)


def test_the_smoothed_estimate_from_samples_matches_the_smoothed_pairs_kl_within_10_percent():
    # the JSD's estimator: p_x exact and the samples' KDE, both smoothed by the kernel h; compared with the
    # closed form for the two Gaussians so smoothed (variances + h^2)
    mix = data.single(*M1, S1)
    grid = metrics.make_grid((-4.0, 4.0, -4.0, 4.0), 96)
    z = jax.random.normal(jax.random.PRNGKey(0), (metrics.EVAL_SAMPLES, 2))
    samples = jnp.asarray(M2) + z * jnp.array([SX, SY])
    view = metrics.density_view(samples, mix, grid)
    h = float(metrics.bandwidth(mix.std, grid))
    got = np.asarray(divergences.grid_divergences(view.p_x, view.p_g, grid.cell**2))
    for name in ("kl", "hellinger"):
        want = closed_form(name, M1[0], math.hypot(S1, h), M2[0], math.hypot(SX, h))
        assert got[divergences.index(name)] == pytest.approx(want, rel=0.1), name
    assert got[divergences.index("js")] == pytest.approx(2 * float(view.jsd), rel=1e-6)


def test_the_optimal_critic_is_f_prime_of_the_ratio_and_f_prime_of_1_where_both_densities_vanish():
    p, q = jnp.array([[0.2, 0.0], [0.1, 0.3]]), jnp.array([[0.1, 0.0], [0.4, 0.3]])
    for name in NAMES:
        i = divergences.index(name)
        t = np.asarray(divergences.optimal_critic(i, p, q))
        assert t[0, 0] == pytest.approx(F_PRIME[name](2.0), rel=1e-5)
        assert t[1, 0] == pytest.approx(F_PRIME[name](0.25), rel=1e-5)
        assert t[0, 1] == pytest.approx(F_PRIME[name](1.0), abs=1e-6) and t[1, 1] == pytest.approx(t[0, 1], abs=1e-6)


def test_equal_densities_give_zero_divergence_and_gan_minus_log_4():
    grid = metrics.make_grid((-3.0, 3.0, -3.0, 3.0), 48)
    p = jnp.exp(data.log_density(data.single(0.0, 0.0, 0.6), grid.points)).reshape(48, 48)
    got = np.asarray(divergences.grid_divergences(p, p, grid.cell**2))
    np.testing.assert_allclose(got[:5], 0.0, atol=1e-5)
    assert got[5] == pytest.approx(-math.log(4.0), abs=1e-5)
