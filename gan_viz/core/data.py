"""Isotropic 2D Gaussian mixtures: layouts, sampling and the exact log-density; and samples of
one's own (an empirical distribution) with modes fitted to them.

A ``Mixture`` with ``points`` is an empirical distribution: training batches are drawn from the
points themselves (with replacement), and its density is the points' (a sum of point masses), so
the density views smooth it with the same Gaussian kernel as the generated samples' KDE
(``log_density`` with ``extra_var``). ``centres``, ``weights`` and ``std`` are then modes fitted
to the points (``fit_modes``): what the mode metrics (modes captured, HQ) measure against.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from scipy.cluster.vq import kmeans2, vq

from gan_viz.core import viewbox


class Mixture(NamedTuple):
    """An isotropic Gaussian mixture in 2D.

    Attributes:
        centres: (K, 2) mode centres.
        weights: (K,) mixing weights, summing to 1.
        std: scalar standard deviation shared by every mode (per axis).
        points: None for a Gaussian mixture; (N, 2) samples for an empirical distribution (then
            the modes above are fitted to them and only the mode metrics use them).
    """

    centres: jax.Array
    weights: jax.Array
    std: jax.Array
    points: jax.Array | None = None

    @property
    def num_modes(self) -> int:
        return int(self.centres.shape[0])


def ring(num_modes: int = 8, radius: float = 2.0, std: float = 0.02) -> Mixture:
    """``num_modes`` equal modes on a circle of ``radius``, the first on the +x axis."""
    if num_modes < 1:
        raise ValueError(f"ring needs at least 1 mode, got {num_modes}")
    angles = 2.0 * np.pi * np.arange(num_modes) / num_modes
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return custom(centres, None, std)


def grid(n: int = 5, spacing: float = 2.0, std: float = 0.05) -> Mixture:
    """An ``n x n`` grid of equal modes centred on the origin, ``spacing`` apart."""
    if n < 1:
        raise ValueError(f"grid needs n >= 1, got {n}")
    axis = spacing * (np.arange(n) - (n - 1) / 2.0)
    xs, ys = np.meshgrid(axis, axis, indexing="ij")
    centres = np.stack([xs.ravel(), ys.ravel()], axis=1)
    return custom(centres, None, std)


def single(x: float = 1.5, y: float = 1.5, std: float = 0.25) -> Mixture:
    """One cluster at ``(x, y)``: the counter-example's real data."""
    return custom([[x, y]], None, std)


def custom(
    centres: Sequence[Sequence[float]] | np.ndarray,
    weights: Sequence[float] | np.ndarray | None = None,
    std: float = 0.05,
) -> Mixture:
    """A mixture from explicit centres, optional (unnormalised) weights and a std."""
    c = np.asarray(centres, dtype=np.float32)
    if c.ndim != 2 or c.shape[1] != 2 or c.shape[0] < 1:
        raise ValueError(f"centres must have shape (K, 2) with K >= 1, got {c.shape}")
    if not np.all(np.isfinite(c)):
        raise ValueError("centres must be finite")
    if weights is None:
        w = np.full(c.shape[0], 1.0 / c.shape[0], dtype=np.float32)
    else:
        w = np.asarray(weights, dtype=np.float32)
        if w.shape != (c.shape[0],):
            raise ValueError(f"need one weight per centre: {w.shape} vs {c.shape[0]} centres")
        if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError("weights must be finite, non-negative and not all zero")
        w = w / w.sum()
    if not (math.isfinite(std) and std > 0):
        raise ValueError(f"std must be positive, got {std}")
    return Mixture(jnp.asarray(c), jnp.asarray(w), jnp.asarray(std, dtype=jnp.float32))


def empirical(points: np.ndarray, centres: np.ndarray, weights: np.ndarray | None, std: float) -> Mixture:
    """The empirical distribution of ``points`` (N, 2), with modes ``centres`` / ``weights`` / ``std``
    (see ``fit_modes``) for the mode metrics."""
    x = np.asarray(points, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] < 2:
        raise ValueError(f"samples must have shape (N, 2) with N >= 2, got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("samples must be finite")
    return custom(centres, weights, std)._replace(points=jnp.asarray(x))


def fit_modes(points: np.ndarray, k: int, iters: int = 100) -> tuple[np.ndarray, np.ndarray, float]:
    """K modes fitted to ``points`` by k-means (k-means++ start, a fixed seed: deterministic).

    SciPy's ``kmeans2`` (``minit="++"``), seeded with ``default_rng(0)``: on the test cases (a
    ring of 8, a grid of 25, one cluster, 7 points; every k from 1 to 25) it fits exactly the
    centres, weights and spread of the k-means written here before (the same k-means++ draws,
    then Lloyd's steps to the same fixed point), in a fifth to three quarters of the time, so
    ``choose_modes`` picks the same K faster. A mode left without points keeps its place.

    Returns:
        ``(centres (k, 2), weights (k,), std)``: the cluster means, the share of points in each
        and the pooled per-axis standard deviation of the points around their cluster's mean.
        ``k`` is capped at the number of distinct points.
    """
    x = np.asarray(points, dtype=np.float64)
    k = int(max(1, min(k, len(np.unique(x, axis=0)))))
    with warnings.catch_warnings():  # an empty cluster: kmeans2 warns and keeps its centre, as we want
        warnings.simplefilter("ignore")
        centres, _ = kmeans2(x, k, iter=iters, minit="++", rng=np.random.default_rng(0))
    label = vq(x, centres, check_finite=False)[0]  # against the final centres
    weights = np.bincount(label, minlength=k) / len(x)
    std = float(np.sqrt(np.mean((x - centres[label]) ** 2)))
    return centres, weights, std


@functools.lru_cache(maxsize=8)
def fitted(samples: tuple[tuple[float, float], ...], k: int) -> tuple[np.ndarray, np.ndarray, float]:
    """``fit_modes`` of points given as a tuple of pairs (a configuration's ``data.samples``),
    cached: every rerun of the app builds the mixture again from the same points."""
    return fit_modes(np.asarray(samples), k)


def of_samples(samples: tuple[tuple[float, float], ...], k: int) -> Mixture:
    """The empirical distribution of ``samples`` with ``k`` modes fitted to them (``fitted``) for
    the mode metrics; their spread floored at 1e-3 (points that coincide fit a spread of 0)."""
    centres, weights, std = fitted(samples, k)
    return empirical(np.asarray(samples, np.float32), centres, weights, max(std, 1e-3))


def choose_modes(points: np.ndarray, max_k: int = 25, at_most: int = 3000) -> int:
    """The number of modes for ``fit_modes`` that best explains ``points`` by BIC, reading the
    k-means fit as a mixture of K equally wide isotropic Gaussians (per K: 2K mean coordinates,
    K - 1 weights and one spread). Judged on ``at_most`` of the points (a fixed subsample)."""
    x = np.asarray(points, dtype=np.float64)
    if len(x) > at_most:
        x = x[np.random.default_rng(0).choice(len(x), at_most, replace=False)]
    n = len(x)
    best, best_bic = 1, math.inf
    for k in range(1, max(1, min(max_k, len(np.unique(x, axis=0)))) + 1):
        centres, weights, std = fit_modes(x, k)
        var = max(std, 1e-9) ** 2
        d2 = ((x[:, None, :] - centres[None]) ** 2).sum(-1)
        log_p = np.log(np.maximum(weights, 1e-12))[None] - 0.5 * d2 / var - np.log(2 * np.pi * var)
        top = log_p.max(axis=1, keepdims=True)
        log_lik = float(np.sum(top[:, 0] + np.log(np.exp(log_p - top).sum(axis=1))))
        bic = -2.0 * log_lik + (3 * k) * math.log(n)
        if bic < best_bic:
            best, best_bic = k, bic
    return best


def argmax_last(x: jax.Array) -> jax.Array:
    """``jnp.argmax(x, axis=-1)`` (ties to the first index) as two plain reductions.

    XLA on a CPU runs argmax's paired (value, index) reduction as a slow scalar loop: in the
    mode statistics' nearest mode (and, before ``points_of``, in sampling) it was a large part of
    a GAN Lab sized step (``gan-viz bench``). A max,
    then the least index that attains it (a NaN counting as the max, as in argmax), give the
    same indices.
    """
    k = x.shape[-1]
    at_max = (x == jnp.max(x, axis=-1, keepdims=True)) | jnp.isnan(x)
    return jnp.min(jnp.where(at_max, jnp.arange(k, dtype=jnp.int32), k), axis=-1)


def sample(mixture: Mixture, key: jax.Array, n: int) -> jax.Array:
    """Draws ``n`` points, shape (n, 2); from the points themselves for an empirical distribution."""
    key_mode, key_noise = jax.random.split(key)
    return points_of(mixture, jax.random.uniform(key_mode, (n,)), jax.random.normal(key_noise, (n, 2)))


def points_of(mixture: Mixture, u: jax.Array, eps: jax.Array) -> jax.Array:
    """The mixture's points made from uniforms ``u`` in [0, 1) (n,) and standard normals ``eps``
    (n, 2): each point's mode by inverting the weights' cumulative sum at its uniform, then its
    mode's centre plus ``std * eps``. An empirical distribution takes point ``floor(u * N)`` of
    its ``N`` points instead (``eps`` unused)."""
    if mixture.points is not None:
        count = mixture.points.shape[0]
        return mixture.points[jnp.minimum((u * count).astype(jnp.int32), count - 1)]
    cdf = jnp.cumsum(mixture.weights) / jnp.sum(mixture.weights)
    # the number of cumulative weights (all but the last) at or below u: a mode of weight 0 is
    # never chosen, and rounding in the last cumulative weight cannot choose a mode past the end
    modes = jnp.sum(u[:, None] >= cdf[None, :-1], axis=1)
    return mixture.centres[modes] + mixture.std * eps


def log_density(mixture: Mixture, x: jax.Array, extra_var: jax.Array | float = 0.0) -> jax.Array:
    """Exact log p(x) for points ``x`` of shape (..., 2).

    Args:
        mixture: the mixture.
        x: query points.
        extra_var: variance added to every mode, i.e. the density of the mixture
            convolved with N(0, extra_var I); used by the smoothed JSD estimator. An empirical
            distribution has a density only once smoothed: its points, each with variance
            ``extra_var``, equally weighted (a KDE).

    Returns:
        Array of shape ``x.shape[:-1]``.
    """
    if mixture.points is not None:
        centres, var = mixture.points, extra_var
        log_w = -jnp.log(float(mixture.points.shape[0]))
    else:
        centres, var = mixture.centres, mixture.std**2 + extra_var
        log_w = jnp.log(mixture.weights)
    diff = x[..., None, :] - centres  # (..., K, 2)
    sq = jnp.sum(diff**2, axis=-1)
    log_comp = -0.5 * sq / var - jnp.log(2.0 * jnp.pi * var)
    return jax.scipy.special.logsumexp(log_comp + log_w, axis=-1)


def extent(mixture: Mixture, margin: float = 1.0) -> tuple[float, float, float, float]:
    """A square view box ``(x0, x1, y0, y1)`` around the modes (and every point of an empirical
    distribution), the same on every frame."""
    c = np.asarray(mixture.centres)
    std = float(mixture.std)
    lo, hi = c.min(axis=0) - 3 * std, c.max(axis=0) + 3 * std
    if mixture.points is not None:
        p = np.asarray(mixture.points)
        lo, hi = np.minimum(lo, p.min(axis=0)), np.maximum(hi, p.max(axis=0))
    return viewbox.square(lo, hi, margin, min_half=0.5 + margin)
