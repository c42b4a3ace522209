"""Every number gan_viz reports, defined in one place (pure functions, jit-friendly).

Mode metrics (VEEGAN 2017, PacGAN 2018), on a fixed set of generated samples:

- A sample is *high quality* (HQ) when its Mahalanobis distance to the nearest mode centre is
  below 3; the modes share an isotropic std, so that is ``||x - c|| / std < 3``.
- ``occupancy[k]`` is the fraction of *all* samples that are HQ with nearest mode k;
  ``off_mode = 1 - sum(occupancy)`` is the share that is not HQ.
- A mode is *captured* when it is the nearest mode of at least one HQ sample.
- ``reverse_kl = KL(q || uniform) = log K - H(q)``, where q is the mode histogram of the HQ
  samples. With no HQ sample at all q is undefined; we report log K, the value of total
  collapse onto one mode, so the number never improves by leaving the data.

Mode hopping (our definition, used by the presets, the CLI and the app):

- Every sample belongs to the *region* of its nearest mode centre (the Voronoi cell), HQ or
  not: ``region[k]`` is the share of all samples whose nearest centre is k. Regions, not HQ
  samples, because a hopping generator is usually a tight cluster *near* a mode, jumping
  from mode to mode long before it is within 3 std of any of them; the HQ metrics say how
  precise it is, the regions say where it is.
- At an evaluation, the generator is *collapsed* when the fewest regions that together hold
  >= 80 % of its samples number at most ``max(1, K // 4)``. Its *dominant mode* is the
  region with the largest share.
- A *hop* happens between two consecutive collapsed evaluations (evaluations in between that
  are not collapsed are skipped) when the dominant mode changes and the previous dominant mode
  now holds less than half the share of the new one. The second condition stops a generator
  that splits evenly between two modes from counting a hop at every small wobble.
- The *dwell* is the number of steps between two consecutive hops; ``mean_dwell_steps`` is its
  mean (undefined, None, with fewer than two hops). ``collapsed_hq_fraction`` is the mean HQ
  fraction over the evaluations at which the generator is collapsed (None if it never is):
  near 1 the generator sits on a mode, near 0 it only hovers near one. ``collapsed_share`` is
  the share of evaluations at which it is collapsed. ``near_mode_distance`` says how near it
  hovers: at each collapsed evaluation, the distance from the mean of the samples in the
  dominant mode's region to that mode's centre, in units of std (``region_offset``); its median
  over those evaluations (None if never collapsed). Under 3 the cluster sits on the mode; a few
  std more still looks on it at the scale of a ring (std 0.02: 5 std is 0.1 on a radius of 2).

Divergences on a grid:

- JSD(p_x || p_g) is estimated on a ``res x res`` grid over the view box. p_g is known only
  through samples, so we estimate it with a Gaussian kernel density estimate of bandwidth h,
  and we smooth p_x with the *same* kernel, which is exact because p_x is a Gaussian mixture:
  p_x * N(0, h^2 I) is the mixture with std sqrt(std^2 + h^2). Comparing like with like
  removes the KDE's smoothing bias (a perfect generator scores ~0, not a bias-sized number),
  and by the data-processing inequality the smoothed JSD is a lower bound on the true one.
  The grid cells carry density * cell area; the mass that falls outside the grid becomes one
  extra cell, so the estimate stays a divergence between two proper distributions.
  h = max(std, 1.5 * cell width), so the kernel is resolved by the grid.
- Samples of one's own (an empirical distribution, ``data.Mixture.points``): p_x is then the
  points' KDE with the same kernel h (the empirical distribution smoothed like p_g), and std is
  the spread of the modes fitted to the points (``data.fit_modes``), which the mode metrics use.
- The optimal discriminator D*(x) = p_x / (p_x + p_g) is evaluated on the same grid from the
  same two smoothed densities (1/2 where both are negligible).

Size (just over 300 lines): every reported number is defined here, next to its documentation
above, so that a definition is read and changed in one place.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import entr

from gan_viz.core.data import Mixture, argmax_last, log_density

HQ_RADIUS = 3.0  # Mahalanobis distance below which a sample is high quality
COLLAPSE_MASS = 0.8  # share of HQ samples that must sit in few modes for "collapsed"
HOP_RATIO = 0.5  # old dominant mode must fall below this times the new one's share
EVAL_SAMPLES = 2500
GRID_RES = 96
PICTURE_RES = 48  # D's surface in the pictures of a playing run: cheaper than the full grid, and
# smooth enough once upsampled (grid25's picture, D 3 x 128: 15 ms on 96^2 points, 5 ms on 48^2)


class ModeStats(NamedTuple):
    hq_fraction: jax.Array
    modes_captured: jax.Array
    reverse_kl: jax.Array
    occupancy: jax.Array  # (K,) share of all samples that are HQ on each mode
    off_mode: jax.Array  # share of samples that are not HQ
    region: jax.Array  # (K,) share of all samples whose nearest mode is k (HQ or not)
    # (K,) distance from the mean of region k's samples to centre k, in units of std (0 if empty)
    region_offset: jax.Array | None = None


def mode_stats(samples: jax.Array, mixture: Mixture) -> ModeStats:
    """HQ fraction, modes captured, reverse KL and occupancy for samples of shape (n, 2)."""
    k = mixture.centres.shape[0]
    d2 = jnp.sum((samples[:, None, :] - mixture.centres[None]) ** 2, axis=-1)  # (n, K)
    nearest = argmax_last(-d2)  # argmin(d2, axis=1), faster on a CPU
    dist = jnp.sqrt(jnp.min(d2, axis=1)) / mixture.std
    hq = dist < HQ_RADIUS
    counts = jnp.zeros((k,)).at[nearest].add(hq.astype(jnp.float32))
    n = samples.shape[0]
    occupancy = counts / n
    n_hq = counts.sum()
    q = counts / jnp.maximum(n_hq, 1.0)
    entropy = jnp.sum(entr(q))  # -sum q log q, with 0 log 0 = 0
    rkl = jnp.where(n_hq > 0, jnp.log(k) - entropy, jnp.log(k))
    in_region = jnp.zeros((k,)).at[nearest].add(1.0)
    centre_of = jnp.zeros((k, 2)).at[nearest].add(samples) / jnp.maximum(in_region, 1.0)[:, None]
    offset = jnp.where(in_region > 0, jnp.linalg.norm(centre_of - mixture.centres, axis=-1) / mixture.std, 0.0)
    return ModeStats(
        hq_fraction=n_hq / n,
        modes_captured=jnp.sum(counts > 0).astype(jnp.int32),
        reverse_kl=rkl,
        occupancy=occupancy,
        off_mode=1.0 - occupancy.sum(),
        region=in_region / n,
        region_offset=offset,
    )


# ---------------------------------------------------------------------------------------------
# Mode hopping (host-side, on the history of evaluations).


class HopReport(NamedTuple):
    collapsed: np.ndarray  # (T,) bool
    dominant: np.ndarray  # (T,) int, -1 where not collapsed
    hops: list[tuple[int, int, int]]  # (evaluation index, from mode, to mode)
    mean_dwell_steps: float | None = None  # mean steps between consecutive hops
    collapsed_hq_fraction: float | None = None  # mean HQ fraction at collapsed evaluations
    near_mode_distance: float | None = None  # median std from the dominant mode at collapsed evaluations


def collapsed_and_dominant(region: np.ndarray) -> tuple[bool, int]:
    """Whether one evaluation's region shares (K,) are collapsed, and its dominant mode."""
    occ = np.asarray(region, dtype=np.float64)
    k = occ.shape[0]
    q = np.sort(occ / max(occ.sum(), 1e-12))[::-1]
    modes_needed = int(np.searchsorted(np.cumsum(q), COLLAPSE_MASS - 1e-9) + 1)
    if modes_needed <= max(1, k // 4):
        return True, int(np.argmax(occ))
    return False, -1


class HopTracker:
    """The hop definition (module docstring) applied one evaluation at a time.

    Besides the hops it keeps, in constant memory, what ``mean_dwell_steps`` and
    ``collapsed_hq_fraction`` need: the mean of consecutive differences of the hop steps
    telescopes to (last - first) / (hops - 1).
    """

    def __init__(self) -> None:
        self.dominant = -1  # dominant mode at the last collapsed evaluation that set it
        self.hops = 0
        self._first_hop_step = 0
        self._last_hop_step = 0
        self._collapsed = 0
        self._collapsed_hq = 0.0
        self.evaluations = 0
        self.collapsed_evaluations = 0
        self._offsets: list[float] = []  # the dominant region's offset at each collapsed evaluation

    def update(self, region: np.ndarray, step: int = 0, hq_fraction: float | None = None,
               offset: np.ndarray | None = None) -> tuple[bool, int, tuple[int, int] | None]:
        """Feeds one evaluation's region shares (and its step, HQ fraction and region offsets, for
        the dwell, collapsed-HQ and near-mode statistics); returns (collapsed, dominant, (from, to)
        or None)."""
        row = np.asarray(region, dtype=np.float64)
        collapsed, dom = collapsed_and_dominant(row)
        hop = None
        self.evaluations += 1
        if collapsed:
            self.collapsed_evaluations += 1
            if offset is not None:
                self._offsets.append(float(np.asarray(offset)[dom]))
            if hq_fraction is not None:
                self._collapsed += 1
                self._collapsed_hq += float(hq_fraction)
            prev = self.dominant
            if prev >= 0 and dom != prev and row[prev] < HOP_RATIO * row[dom]:
                hop = (prev, dom)
                self.dominant = dom
                self.hops += 1
                if self.hops == 1:
                    self._first_hop_step = int(step)
                self._last_hop_step = int(step)
            elif prev < 0:
                self.dominant = dom
        return collapsed, dom, hop

    @property
    def mean_dwell_steps(self) -> float | None:
        """Mean steps between consecutive hops; None with fewer than two hops."""
        if self.hops < 2:
            return None
        return (self._last_hop_step - self._first_hop_step) / (self.hops - 1)

    @property
    def collapsed_hq_fraction(self) -> float | None:
        """Mean HQ fraction over the collapsed evaluations that carried one; None if none."""
        return self._collapsed_hq / self._collapsed if self._collapsed else None

    @property
    def collapsed_share(self) -> float | None:
        """Share of the evaluations at which the generator was collapsed; None before the first."""
        return self.collapsed_evaluations / self.evaluations if self.evaluations else None

    @property
    def near_mode_distance(self) -> float | None:
        """Median distance (std) from the dominant mode's centre to its region's sample mean over the
        collapsed evaluations that carried offsets; None if none."""
        return float(np.median(self._offsets)) if self._offsets else None


def hop_events(regions: np.ndarray, steps: np.ndarray | None = None,
               hq_fraction: np.ndarray | None = None, offsets: np.ndarray | None = None) -> HopReport:
    """Applies the hop definition (module docstring) to a (T, K) history of region shares.

    ``steps`` (T,) are the evaluations' training steps (default: their indices), ``hq_fraction``
    (T,) their HQ fractions (without it ``collapsed_hq_fraction`` is None) and ``offsets`` (T, K)
    their region offsets (without them ``near_mode_distance`` is None).
    """
    occ = np.asarray(regions, dtype=np.float64)
    steps = np.arange(len(occ)) if steps is None else np.asarray(steps)
    collapsed = np.zeros(len(occ), bool)
    dominant = np.full(len(occ), -1, int)
    hops: list[tuple[int, int, int]] = []
    tracker = HopTracker()
    for t, row in enumerate(occ):
        hq = None if hq_fraction is None else float(hq_fraction[t])
        collapsed[t], dominant[t], hop = tracker.update(row, int(steps[t]), hq,
                                                        None if offsets is None else offsets[t])
        if hop is not None:
            hops.append((t, *hop))
    return HopReport(collapsed, dominant, hops, tracker.mean_dwell_steps, tracker.collapsed_hq_fraction,
                     tracker.near_mode_distance)


# ---------------------------------------------------------------------------------------------
# Densities on a grid.


class Grid(NamedTuple):
    xs: jax.Array  # (res,) cell centres along x
    ys: jax.Array  # (res,) cell centres along y
    cell: float  # cell width (square cells)

    @property
    def points(self) -> jax.Array:
        """(res * res, 2) cell centres, x varying slowest (row i of an image is x = xs[i])."""
        gx, gy = jnp.meshgrid(self.xs, self.ys, indexing="ij")
        return jnp.stack([gx.ravel(), gy.ravel()], axis=1)


def make_grid(extent: tuple[float, float, float, float], res: int = GRID_RES) -> Grid:
    """A square ``res x res`` grid of cell centres over ``(x0, x1, y0, y1)``."""
    x0, x1, y0, y1 = extent
    cell = (x1 - x0) / res
    xs = x0 + cell * (jnp.arange(res) + 0.5)
    ys = y0 + (y1 - y0) / res * (jnp.arange(res) + 0.5)
    return Grid(xs, ys, float(cell))


def bandwidth(mixture_std: float | jax.Array, grid: Grid) -> jax.Array:
    return jnp.maximum(mixture_std, 1.5 * grid.cell)


def kde(samples: jax.Array, grid: Grid, h: jax.Array) -> jax.Array:
    """Gaussian KDE of (n, 2) samples on the grid, shape (res, res), in density units.

    The isotropic kernel factorises over the axes, so the grid is one (res x n) @ (n x res)
    product instead of res^2 * n kernel evaluations.
    """
    norm = 1.0 / (jnp.sqrt(2.0 * jnp.pi) * h)
    kx = norm * jnp.exp(-0.5 * ((grid.xs[:, None] - samples[None, :, 0]) / h) ** 2)
    ky = norm * jnp.exp(-0.5 * ((grid.ys[:, None] - samples[None, :, 1]) / h) ** 2)
    return kx @ ky.T / samples.shape[0]


def smoothed_mixture_density(mixture: Mixture, grid: Grid, h: jax.Array) -> jax.Array:
    """Exact density of p_x * N(0, h^2 I) on the grid, shape (res, res) (the points' KDE for an
    empirical distribution)."""
    if mixture.points is not None:
        return kde(mixture.points, grid, h)
    res = grid.xs.shape[0]
    return jnp.exp(log_density(mixture, grid.points, extra_var=h**2)).reshape(res, res)


def jsd_from_densities(p: jax.Array, q: jax.Array, cell_area: float) -> jax.Array:
    """JSD in nats between two densities given on the same grid.

    Cell masses are density * area; what is missing from 1 becomes one extra "outside" cell.
    Equal inputs give 0; disjoint supports give log 2.
    """
    pm = (p * cell_area).ravel()
    qm = (q * cell_area).ravel()
    pm = jnp.concatenate([pm, jnp.maximum(1.0 - pm.sum(), 0.0)[None]])
    qm = jnp.concatenate([qm, jnp.maximum(1.0 - qm.sum(), 0.0)[None]])
    pm, qm = pm / pm.sum(), qm / qm.sum()
    # JSD = H((P + Q) / 2) - (H(P) + H(Q)) / 2, with entr(x) = -x log x and 0 log 0 = 0. The
    # entropy form has no ratio: cells whose mass is a denormal (flushed to zero by XLA on
    # the CPU) cannot make a KL term infinite.
    h_m, h_p, h_q = (jnp.sum(entr(x)) for x in (0.5 * (pm + qm), pm, qm))
    return jnp.clip(h_m - 0.5 * (h_p + h_q), 0.0, jnp.log(2.0))


def optimal_discriminator(p: jax.Array, q: jax.Array, eps: float = 1e-6) -> jax.Array:
    """D* = p / (p + q) elementwise, 1/2 where both densities are below ``eps``."""
    total = p + q
    return jnp.where(total > eps, p / jnp.where(total > eps, total, 1.0), 0.5)


class DensityView(NamedTuple):
    jsd: jax.Array
    d_star: jax.Array  # (res, res)
    p_x: jax.Array  # smoothed exact density, (res, res)
    p_g: jax.Array  # KDE of the generated samples, (res, res)


def density_view(samples: jax.Array, mixture: Mixture, grid: Grid) -> DensityView:
    """Smoothed JSD(p_x || p_g) and D* on the grid (see the module docstring)."""
    h = bandwidth(mixture.std, grid)
    p = smoothed_mixture_density(mixture, grid, h)
    q = kde(samples, grid, h)
    return DensityView(jsd_from_densities(p, q, grid.cell**2), optimal_discriminator(p, q), p, q)
