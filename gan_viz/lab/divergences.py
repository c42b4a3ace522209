"""The f-GAN scenes: the bound a discriminator tightens against a frozen generator, and one Gaussian
fitted to two modes under each f-divergence beside the best Gaussian that divergence allows.

- ``tightening(config, steps)``: G frozen, D trained one step at a time; after each step the bound F
  on the evaluation set and the divergence D_f on the grid (``core.divergences``). F rises toward
  D_f; with a location-scale generator D_f is exact (up to the grid), so this is the variational
  bound met on a case with a closed form.
- ``gaussian_optimum(mixture, name)``: the Gaussian N(mean, cov) that minimises D_f(p_x || N) on a
  float64 grid (Nelder-Mead from the moment-matched Gaussian and from each mode); under KL it is the
  moment-matched Gaussian, under reverse KL (for well-separated modes) one mode.
- ``fit(name, seed)``: the ``divergences`` preset trained with loss ``name`` for its budget through
  the run driver: the Gaussian the generator ends as (its mean and covariance, exactly, from
  G(z) = W z + b), the bound and D_f at each evaluation, and the optimum beside it.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import NamedTuple

import jax
import numpy as np
from scipy import optimize

from gan_viz.core import data as data_lib
from gan_viz.core import divergences, losses
from gan_viz.core.config import Config
from gan_viz.core.data import Mixture
from gan_viz.lab import driver, presets

PRESET = "divergences"
OPTIMUM_RES = 160  # cells per axis of the float64 grid the optimum is searched on


class Tightening(NamedTuple):
    """A frozen generator and D trained one step at a time (``tightening``)."""

    d_steps: np.ndarray  # (n,) D steps taken, 0 first
    bound: np.ndarray  # (n,) F on the evaluation set after that many steps
    divergence: np.ndarray  # (n,) D_f on the grid (the generator is frozen: the same each time)


def tightening(config: Config, steps: int) -> Tightening:
    """``steps`` D steps against the generator of ``config``'s seed, frozen at its start (k_g = 0),
    measured after each (and before the first). ``config.train.loss`` must be an f-GAN loss."""
    name = config.train.loss
    member = divergences.index(name)
    run = driver.setup(replace(config, train=replace(config.train, k_d=1, k_g=0, simultaneous=False)))
    bounds, divs = [], []
    for e in driver.evaluations(run, range(steps + 1), measure=driver.Run.measure):
        bounds.append(float(e.measured.bound))
        divs.append(float(np.asarray(e.measured.f_divergences)[member]))
    return Tightening(np.arange(len(bounds)), np.asarray(bounds), np.asarray(divs))


def exact_truth(config: Config) -> bool:
    """Whether D_f on the grid is exact for ``config`` (a location-scale generator against a mixture)
    rather than the smoothed lower bound (``core.divergences.densities``)."""
    m = config.model
    return m.g_depth == 0 and m.noise == "gaussian" and m.latent_dim >= 2 and config.data.layout != "samples"


def _grid_densities(mixture: Mixture, extent, res: int) -> tuple[np.ndarray, np.ndarray]:
    """The grid's points (res * res, 2) and p_x's cell masses on them (float64, normalised)."""
    x0, x1, y0, y1 = extent
    xs = np.linspace(x0, x1, res + 1)[:-1] + (x1 - x0) / res / 2
    ys = np.linspace(y0, y1, res + 1)[:-1] + (y1 - y0) / res / 2
    pts = np.stack(np.meshgrid(xs, ys, indexing="ij"), -1).reshape(-1, 2)
    # the mixture's own log-density, exponentiated in float64 so that the tails do not underflow
    log_p = np.asarray(data_lib.log_density(mixture, pts.astype(np.float32)), np.float64)
    p = np.exp(log_p - log_p.max())
    return pts, p / p.sum()


def _gaussian_masses(pts: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    d = pts - mean
    inv = np.linalg.inv(cov)
    q = np.exp(-0.5 * np.einsum("ni,ij,nj->n", d, inv, d))
    return q / q.sum()


def divergence_of(name: str, p: np.ndarray, q: np.ndarray) -> float:
    """D_f(p || q) between two normalised float64 mass vectors (masses floored at 1e-300)."""
    p, q = np.maximum(p, 1e-300), np.maximum(q, 1e-300)
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(np.sum(q * divergences.f_of_ratio(name, p / q)))
    return value if np.isfinite(value) else 1e300


def _unpack(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sx, sy, rho = np.exp(theta[2]), np.exp(theta[3]), np.tanh(theta[4])
    return theta[:2], np.array([[sx * sx, rho * sx * sy], [rho * sx * sy, sy * sy]])


class Optimum(NamedTuple):
    """The Gaussian that minimises D_f(p_x || N(mean, cov)) (``gaussian_optimum``)."""

    name: str
    mean: np.ndarray  # (2,)
    cov: np.ndarray  # (2, 2)
    value: float  # D_f at the optimum


@functools.lru_cache(maxsize=32)
def _optima(config: Config, name: str, res: int) -> tuple[Optimum, ...]:
    """The local optimum reached from each start, best first."""
    mixture = config.data.mixture()
    lo, hi = data_lib.extent(mixture)[0::2], data_lib.extent(mixture)[1::2]
    pad = 0.5 * max(hi[0] - lo[0], hi[1] - lo[1])
    extent = (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad)
    pts, p = _grid_densities(mixture, extent, res)
    c, w, s = np.asarray(mixture.centres, np.float64), np.asarray(mixture.weights, np.float64), float(mixture.std)
    mean = (w[:, None] * c).sum(0)
    spread = np.sqrt((w[:, None] * (c - mean) ** 2).sum(0) + s * s)
    starts = [np.r_[mean, np.log(spread), 0.0]] + [np.r_[ci, np.log(s), np.log(s), 0.0] for ci in c]

    def loss(theta):
        m, cov = _unpack(theta)
        return divergence_of(name, p, _gaussian_masses(pts, m, cov))

    found = [optimize.minimize(loss, x0, method="Nelder-Mead", options=dict(xatol=1e-4, fatol=1e-7, maxiter=4000))
             for x0 in starts]
    return tuple(Optimum(name, *_unpack(r.x), float(r.fun)) for r in sorted(found, key=lambda r: r.fun))


def gaussian_optimum(config: Config, name: str, res: int = OPTIMUM_RES, near: np.ndarray | None = None) -> Optimum:
    """The best Gaussian under D_f ``name`` for ``config``'s data (module docstring), on a float64
    ``res`` x ``res`` grid over the data's extent widened by half its size on each side. Where
    several are as good (within 1e-3 nats: one mode or the other of a symmetric mixture), the one
    whose mean is nearest ``near`` (default: the first found)."""
    divergences.index(name)
    found = _optima(replace(config, train=Config().train, view=Config().view, seed=0), name, int(res))
    ties = [o for o in found if o.value <= found[0].value + 1e-3]
    return ties[0] if near is None else min(ties, key=lambda o: float(np.linalg.norm(o.mean - near)))


class Fit(NamedTuple):
    """One divergence's run of the ``divergences`` preset (``fit``)."""

    name: str
    seed: int
    mean: np.ndarray  # (2,) the generator's Gaussian at the end
    cov: np.ndarray  # (2, 2)
    steps: np.ndarray  # (n,) evaluation steps
    bound: np.ndarray  # (n,) F on the evaluation set
    divergence: np.ndarray  # (n,) D_f on the grid
    fake: np.ndarray  # (m, 2) generated samples at the end
    optimum: Optimum  # of the equally good optima, the nearest the generator's mean
    diverged: bool


def fit(name: str, seed: int = 0, steps: int | None = None, config: Config | None = None) -> Fit:
    """The ``divergences`` preset (or ``config``) trained with loss ``name`` from ``seed`` for
    ``steps`` (default its budget), evaluated every ``train.eval_every`` steps."""
    member = divergences.index(name)
    base = presets.get(PRESET) if config is None else config
    cfg = replace(base, seed=int(seed), train=replace(base.train, loss=name))
    run = driver.setup(cfg)
    if run.gan.model.g_depth != 0:
        raise ValueError("a Gaussian fit needs the location-scale generator (model.g_depth = 0)")
    marks = driver.budget(cfg.train, steps).marks()
    rows, last, diverged = [], None, False
    for e in driver.evaluations(run, marks, measure=driver.Run.measure):
        rows.append((e.step, float(e.measured.bound), float(np.asarray(e.measured.f_divergences)[member])))
        last, diverged = e, e.diverged
    g = jax.device_get(last.state.g_ema[0])
    w, b = np.asarray(g["w"], np.float64), np.asarray(g["b"], np.float64)
    steps_, bounds, divs = (np.asarray(col) for col in zip(*rows))
    return Fit(name, int(seed), b, w.T @ w, steps_, bounds, divs, np.asarray(last.measured.fake)[:600],
               gaussian_optimum(cfg, name, near=b), diverged)


def fits(seed: int = 0, names: tuple[str, ...] = divergences.NAMES, steps: int | None = None) -> list[Fit]:
    """``fit`` for each divergence, one seed (the Theory tab's side-by-side panels)."""
    return [fit(n, seed, steps) for n in names]


def nearest_mode_distance(mean: np.ndarray, mixture: Mixture) -> float:
    """Distance from ``mean`` to the nearest mode's centre, in units of the modes' std."""
    c = np.asarray(mixture.centres, np.float64)
    return float(np.min(np.linalg.norm(c - mean, axis=1)) / float(mixture.std))


def spread_along_modes(cov: np.ndarray, mixture: Mixture) -> float:
    """The standard deviation of N(., cov) along the axis through the first two modes."""
    c = np.asarray(mixture.centres, np.float64)
    u = (c[1] - c[0]) / np.linalg.norm(c[1] - c[0])
    return float(np.sqrt(u @ cov @ u))



class BoundTrace:
    """The bound F and the true D_f of a live run's f-GAN loss, one record per measured state, each
    with which network moved since the record before ("D", "G", "both"; "start" for the first),
    read from the state's update counters. A change of loss starts it afresh; at most ``limit``
    records are kept (the oldest go)."""

    def __init__(self, limit: int = 400):
        self.limit = limit
        self._clear()

    def _clear(self) -> None:
        self.loss: str | None = None
        self.steps: list[int] = []
        self.bound: list[float] = []
        self.truth: list[float] = []
        self.movers: list[str] = []
        self._updates: tuple[int, int] | None = None

    def add(self, measured) -> None:
        """Records ``measured`` (a host ``Measures``) if its loss is an f-GAN loss and its state is new."""
        name = losses.LOSSES[int(measured.loss)]
        if name not in divergences.NAMES:
            return
        updates = tuple(int(u) for u in np.asarray(measured.updates))
        if name != self.loss:
            self._clear()
            self.loss = name
        elif updates == self._updates:
            return
        if self._updates is None:
            mover = "start"
        else:
            moved_d, moved_g = updates[0] > self._updates[0], updates[1] > self._updates[1]
            mover = "both" if moved_d and moved_g else ("D" if moved_d else "G")
        self._updates = updates
        for column, value in ((self.steps, int(measured.step)), (self.bound, float(measured.bound)),
                              (self.truth, float(np.asarray(measured.f_divergences)[divergences.index(name)])),
                              (self.movers, mover)):
            column.append(value)
            del column[:-self.limit]

    def __len__(self) -> int:
        return len(self.steps)
