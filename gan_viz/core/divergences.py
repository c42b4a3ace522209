"""The f-GAN family (Nowozin, Cseke and Tomioka 2016): each divergence's f, the output activation
g_f, the conjugate f* and the optimal critic f'(p/q), and D_f(p_x || p_g) estimated on a grid.

D_f(P || Q) = integral of q(x) f(p(x) / q(x)) dx, P the data, Q the generator. For every critic T,

    D_f(P || Q) >= F(T) = E_P[T(x)] - E_Q[f*(T(x))],

with equality at T*(x) = f'(p(x) / q(x)). f-GAN writes T = g_f(V(x)), V the discriminator's raw
output, with an activation g_f that keeps T in the conjugate's domain; D maximises the bound F,
G minimises it (``losses`` writes both on V).

| name | f(u) | g_f(v) | f*(t) | f*(g_f(v)) as computed |
|---|---|---|---|---|
| kl | u log u | v | exp(t - 1) | exp(v - 1), its mean in log space |
| reverse_kl | -log u | -exp(-v) | -1 - log(-t) | v - 1 |
| pearson | (u - 1)^2 | v | t^2/4 + t | v^2/4 + v |
| hellinger | (sqrt u - 1)^2 | 1 - exp(-v) | t / (1 - t) | exp(v) - 1, its mean in log space |
| js | -(u + 1) log((1 + u)/2) + u log u | log 2 - softplus(-v) | -log(2 - exp t) | softplus(v) - log 2 |
| gan | u log u - (u + 1) log(u + 1) | -softplus(-v) | -log(1 - exp t) | softplus(v) |

Writing f*(g_f(v)) in v avoids the conjugates' overflow and cancellation (-log(1 - exp t) at
t = -softplus(-v) is softplus(v) exactly); a mean of exponentials is exp(logsumexp - log n), finite
unless the mean itself is not. With this f, js is 2 JSD and gan is 2 JSD - log 4 (Goodfellow's C(G)).

The grid estimate (``grid_divergences``) sums q f(p / q) over the cells of a grid, with cell
masses density * area, the mass outside the grid as one more cell, each floored at
``MASS_FLOOR`` (a cell the generator never reaches costs a large finite amount instead of an
infinite one); js and gan come from the JSD's entropy form. Which densities (``densities``):

- a location-scale generator (``g_depth = 0``, Gaussian noise, latent_dim >= 2) against a mixture:
  both exact, p_x the mixture and p_g = N(b, W^T W), the Gaussian G(z) = W z + b draws. The
  estimate is then D_f itself up to the grid's quadrature error and the mass beyond the floor.
- any other generator (or data given as points): the JSD's pair (``metrics``), the exact mixture
  density and the generator's KDE, both smoothed by the same kernel. Smoothing both removes the
  KDE's bias (a perfect generator scores about 0) and, by the data-processing inequality, gives a
  lower bound on the true D_f: the learned bound F can then end above it.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import logsumexp
from scipy import special

from gan_viz.core import metrics
from gan_viz.core.data import Mixture, log_density

NAMES = ("kl", "reverse_kl", "pearson", "hellinger", "js", "gan")
LABELS = {
    "kl": "KL(p_x || p_g)",
    "reverse_kl": "reverse KL(p_g || p_x)",
    "pearson": "Pearson chi^2",
    "hellinger": "squared Hellinger",
    "js": "Jensen-Shannon (2 JSD)",
    "gan": "GAN (2 JSD - log 4)",
}
MASS_FLOOR = 1e-30  # smallest cell mass (of 1) the grid estimate uses: a float32 normal
LOG2 = math.log(2.0)


def _mean_exp(x: jax.Array) -> jax.Array:
    """mean(exp(x)) computed as exp(logsumexp(x) - log n): no overflow unless the mean overflows."""
    return jnp.exp(logsumexp(x) - jnp.log(x.size))


# E_P[g_f(v)] for each member, from D's raw outputs v on the data
_REAL_TERMS = (
    jnp.mean,
    lambda v: -_mean_exp(-v),
    jnp.mean,
    lambda v: 1.0 - _mean_exp(-v),
    lambda v: LOG2 - jnp.mean(jax.nn.softplus(-v)),
    lambda v: -jnp.mean(jax.nn.softplus(-v)),
)
# E_Q[f*(g_f(v))] for each member, from D's raw outputs v on the generated samples
_FAKE_TERMS = (
    lambda v: _mean_exp(v - 1.0),
    lambda v: jnp.mean(v) - 1.0,
    lambda v: jnp.mean(0.25 * v**2 + v),
    lambda v: _mean_exp(v) - 1.0,
    lambda v: jnp.mean(jax.nn.softplus(v)) - LOG2,
    lambda v: jnp.mean(jax.nn.softplus(v)),
)


def index(name: str) -> int:
    """The position of an f-divergence in ``NAMES``."""
    if name not in NAMES:
        raise ValueError(f"unknown f-divergence {name!r}; choose from {', '.join(NAMES)}")
    return NAMES.index(name)


def real_term(i: int | jax.Array, v: jax.Array) -> jax.Array:
    """E_P[g_f(V)] of member ``i`` (possibly traced) from D's raw outputs ``v`` on data."""
    return jax.lax.switch(i, _REAL_TERMS, v)


def fake_term(i: int | jax.Array, v: jax.Array) -> jax.Array:
    """E_Q[f*(g_f(V))] of member ``i`` (possibly traced) from D's raw outputs ``v`` on G's samples."""
    return jax.lax.switch(i, _FAKE_TERMS, v)


def bound(i: int | jax.Array, real_v: jax.Array, fake_v: jax.Array) -> jax.Array:
    """The variational lower bound F = E_P[g_f(V)] - E_Q[f*(g_f(V))] on D_f(P || Q)."""
    return real_term(i, real_v) - fake_term(i, fake_v)


def activation(i: int | jax.Array, v: jax.Array) -> jax.Array:
    """The critic T = g_f(v) elementwise."""
    return jax.lax.switch(i, (
        lambda v: v,
        lambda v: -jnp.exp(-v),
        lambda v: v,
        lambda v: -jnp.expm1(-v),
        lambda v: LOG2 - jax.nn.softplus(-v),
        lambda v: -jax.nn.softplus(-v),
    ), v)


def implied_d(i: int | jax.Array, v: jax.Array) -> jax.Array:
    """The classifier the critic implies, u / (1 + u), where T = g_f(v) = f'(u) names the density
    ratio u = p/q it believes in: D* exactly when T = T*, 1/2 where T = f'(1) (it sees p = q).
    Pearson's u = 1 + v/2 is clipped at 0."""
    def pearson(v):
        u = jnp.maximum(1.0 + 0.5 * v, 0.0)
        return u / (1.0 + u)

    return jax.lax.switch(i, (
        lambda v: jax.nn.sigmoid(v - 1.0),
        jax.nn.sigmoid,
        pearson,
        lambda v: jax.nn.sigmoid(2.0 * v),
        jax.nn.sigmoid,
        jax.nn.sigmoid,
    ), v)


def f_prime_of_log_ratio(i: int | jax.Array, lr: jax.Array) -> jax.Array:
    """f'(u) at u = exp(lr): the optimal critic T* where log(p/q) = lr."""
    return jax.lax.switch(i, (
        lambda r: 1.0 + r,
        lambda r: -jnp.exp(-r),
        lambda r: 2.0 * jnp.expm1(r),
        lambda r: -jnp.expm1(-0.5 * r),
        lambda r: LOG2 + r - jax.nn.softplus(r),
        lambda r: r - jax.nn.softplus(r),
    ), lr)


def critic_at_balance(i: int | jax.Array) -> jax.Array:
    """f'(1): T* where p = q (KL 1, reverse KL -1, GAN -log 2, the others 0)."""
    return f_prime_of_log_ratio(i, jnp.zeros(()))


def _masses(p: jax.Array, q: jax.Array, cell_area: float) -> tuple[jax.Array, jax.Array]:
    """Cell masses of two grid densities with the mass outside the grid as one more cell, floored
    at ``MASS_FLOOR`` and normalised."""
    def cells(d):
        m = (d * cell_area).ravel()
        m = jnp.concatenate([m, jnp.maximum(1.0 - m.sum(), 0.0)[None]])
        m = jnp.maximum(m, MASS_FLOOR)
        return m / m.sum()

    return cells(p), cells(q)


def grid_divergences(p: jax.Array, q: jax.Array, cell_area: float) -> jax.Array:
    """D_f(p || q) in nats for every member of ``NAMES``, (6,), from two densities on the same grid
    (module docstring). Equal inputs give 0 for all but gan (-log 4)."""
    pm, qm = _masses(p, q, cell_area)
    lr = jnp.log(pm) - jnp.log(qm)
    kl = jnp.sum(pm * lr)
    reverse_kl = -jnp.sum(qm * lr)
    pearson = jnp.sum((pm - qm) ** 2 / qm)
    hellinger = jnp.sum((jnp.sqrt(pm) - jnp.sqrt(qm)) ** 2)
    js = 2.0 * metrics.jsd_from_densities(p, q, cell_area)
    return jnp.stack([jnp.maximum(kl, 0.0), jnp.maximum(reverse_kl, 0.0), pearson, hellinger, js,
                      js - 2.0 * LOG2])


def gaussian_density(points: jax.Array, mean: jax.Array, cov: jax.Array) -> jax.Array:
    """The density of N(mean, cov) at ``points`` (n, 2), cov a 2 x 2 matrix (a 1e-9 ridge keeps a
    collapsed generator's density finite)."""
    cov = cov + 1e-9 * jnp.eye(2)
    det = cov[0, 0] * cov[1, 1] - cov[0, 1] * cov[1, 0]
    inv = jnp.array([[cov[1, 1], -cov[0, 1]], [-cov[1, 0], cov[0, 0]]]) / det
    d = points - mean
    return jnp.exp(-0.5 * jnp.einsum("ni,ij,nj->n", d, inv, d)) / (2.0 * jnp.pi * jnp.sqrt(det))


def densities(exact_generator: tuple[jax.Array, jax.Array] | None, mixture: Mixture, grid: metrics.Grid,
              smoothed: metrics.DensityView) -> tuple[jax.Array, jax.Array]:
    """The (p_x, p_g) pair on the grid that D_f and T* are computed from (module docstring):
    exact when ``exact_generator`` gives the generator's Gaussian (mean, covariance) and the data is a
    mixture, else the ``smoothed`` pair the JSD uses."""
    if exact_generator is None or mixture.points is not None:
        return smoothed.p_x, smoothed.p_g
    res = grid.xs.shape[0]
    p = jnp.exp(log_density(mixture, grid.points)).reshape(res, res)
    return p, gaussian_density(grid.points, *exact_generator).reshape(res, res)


def optimal_critic(i: int | jax.Array, p: jax.Array, q: jax.Array, eps: float = 1e-6) -> jax.Array:
    """T*(x) = f'(p(x) / q(x)) elementwise on the grid; f'(1) where both densities are below ``eps``
    (as ``metrics.optimal_discriminator`` says 1/2 there). The ratio's densities are floored at
    ``eps`` times ``MASS_FLOOR`` so that T* stays finite."""
    tiny = eps * MASS_FLOOR
    lr = jnp.log(jnp.maximum(p, tiny)) - jnp.log(jnp.maximum(q, tiny))
    return jnp.where(p + q > eps, f_prime_of_log_ratio(i, lr), critic_at_balance(i))


def f_of_ratio(name: str, u) -> np.ndarray:
    """f(u) of member ``name`` on host numbers (u > 0), in float64: what the quadratures of the
    tests and the Gaussian fits of ``lab.divergences`` integrate."""
    u = np.asarray(u, np.float64)
    return {
        "kl": lambda: special.xlogy(u, u),
        "reverse_kl": lambda: -np.log(u),
        "pearson": lambda: (u - 1.0) ** 2,
        "hellinger": lambda: (np.sqrt(u) - 1.0) ** 2,
        "js": lambda: -(u + 1.0) * np.log((1.0 + u) / 2.0) + special.xlogy(u, u),
        "gan": lambda: special.xlogy(u, u) - (u + 1.0) * np.log1p(u),
    }[name]()
