"""Isotropic 2D Gaussian mixtures: layouts, sampling and the exact log-density."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from gan_viz.core import viewbox


class Mixture(NamedTuple):
    """An isotropic Gaussian mixture in 2D.

    Attributes:
        centres: (K, 2) mode centres.
        weights: (K,) mixing weights, summing to 1.
        std: scalar standard deviation shared by every mode (per axis).
    """

    centres: jax.Array
    weights: jax.Array
    std: jax.Array

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


def sample(mixture: Mixture, key: jax.Array, n: int) -> jax.Array:
    """Draws ``n`` points, shape (n, 2)."""
    k_mode, k_noise = jax.random.split(key)
    modes = jax.random.categorical(k_mode, jnp.log(mixture.weights), shape=(n,))
    noise = jax.random.normal(k_noise, (n, 2))
    return mixture.centres[modes] + mixture.std * noise


def log_density(mixture: Mixture, x: jax.Array, extra_var: jax.Array | float = 0.0) -> jax.Array:
    """Exact log p(x) for points ``x`` of shape (..., 2).

    Args:
        mixture: the mixture.
        x: query points.
        extra_var: variance added to every mode, i.e. the density of the mixture
            convolved with N(0, extra_var I); used by the smoothed JSD estimator.

    Returns:
        Array of shape ``x.shape[:-1]``.
    """
    var = mixture.std**2 + extra_var
    diff = x[..., None, :] - mixture.centres  # (..., K, 2)
    sq = jnp.sum(diff**2, axis=-1)
    log_comp = -0.5 * sq / var - jnp.log(2.0 * jnp.pi * var)
    return jax.scipy.special.logsumexp(log_comp + jnp.log(mixture.weights), axis=-1)


def extent(mixture: Mixture, margin: float = 1.0) -> tuple[float, float, float, float]:
    """A square view box ``(x0, x1, y0, y1)`` around the modes, the same on every frame."""
    c = np.asarray(mixture.centres)
    std = float(mixture.std)
    return viewbox.square(c.min(axis=0) - 3 * std, c.max(axis=0) + 3 * std, margin, min_half=0.5 + margin)
