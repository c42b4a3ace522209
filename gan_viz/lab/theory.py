"""Numbers for the theory views: discriminator training depth, guidance, and C(G) vs JSD.

The slides' claim (seed 002): an under-trained D gives poor feedback, an over-trained D gives
no local feedback (with the minimax loss its gradient vanishes). ``k_d_scene`` measures both
on one frozen generator: it trains a fresh D for k steps, then reports the generator-loss
gradient at each fake sample, how well those arrows point toward the data (``alignment``,
the mean cosine between each arrow and the direction to the sample's nearest mode), and the
gradient norm w.r.t. G's weights under each loss.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from gan_viz.core import losses, metrics, viewbox
from gan_viz.core.config import Config, DataConfig, ModelConfig, TrainConfig
from gan_viz.core.data import Mixture
from gan_viz.core.hyper import hyper_from
from gan_viz.core.state import Frame
from gan_viz.lab import driver


def alignment(points: np.ndarray, arrows: np.ndarray, mixture: Mixture) -> float:
    """Mean cosine between each arrow and the direction from its point to the nearest mode."""
    c = np.asarray(mixture.centres)
    p = np.asarray(points)[: len(arrows)]
    nearest = c[np.argmin(((p[:, None] - c[None]) ** 2).sum(-1), axis=1)]
    to_data = nearest - p
    num = (to_data * arrows).sum(-1)
    den = np.linalg.norm(to_data, axis=-1) * np.linalg.norm(arrows, axis=-1)
    ok = den > 1e-12
    return float(np.mean(num[ok] / den[ok])) if ok.any() else 0.0


# One real cluster top-right and G at initialisation near the origin: the right direction for
# every fake sample is plain to see, so good and poor guidance are too.
KD_SCENE = Config(
    data=DataConfig(layout="single", x=1.5, y=1.5, std=0.25),
    model=ModelConfig(latent_dim=2, g_depth=2, g_width=32, d_depth=2, d_width=32),
    train=TrainConfig(loss="minimax", optimizer="adam", lr_d=2e-3, lr_g=1e-3, batch_size=256),
)
KD_VALUES = [0, 1, 3, 10, 30, 100, 300, 1000]


class KdPoint(NamedTuple):
    k_d: int
    frame: Frame  # host arrays
    alignment: float
    arrow_norm: float  # median |grad_x L_G| over the arrows
    grad_norms: np.ndarray  # (3,) per loss, w.r.t. G's weights


class KdScene(NamedTuple):
    extent: tuple[float, float, float, float]
    grid_x: np.ndarray
    grid_y: np.ndarray
    real: np.ndarray  # (n, 2) real samples to draw
    points: list[KdPoint]


def k_d_scene(config: Config, k_values: list[int], grid_res: int = 48) -> KdScene:
    """For each k in ``k_values``: a fresh D trained k steps against G at initialisation.

    The generator never moves, so the only thing that changes between points is how well
    D is trained; the loss used for the arrows is ``config.train.loss``.
    """
    run = driver.setup(config)
    gan, mix, ev, start = run.gan, run.mixture, run.ev, run.state
    # a square holding 99 % of both clouds, so the frozen generator shows too
    extent = viewbox.around([np.asarray(ev.real), np.asarray(gan.generate(start.g_ema, ev.z))], margin=0.5)
    grid = metrics.make_grid(extent, grid_res)
    hyper = hyper_from(replace(config.train, simultaneous=False))._replace(k_g=jnp.int32(0))
    out = []
    for k in k_values:
        state = start
        if k > 0:
            state, _ = gan.run(start, hyper._replace(k_d=jnp.int32(k)), mix, 1)
        frame = jax.device_get(gan.evaluate(state, mix, ev, grid, config.train.loss))
        arrows = np.asarray(frame.g_arrows)
        out.append(KdPoint(
            k_d=int(k), frame=frame,
            alignment=alignment(np.asarray(frame.fake), arrows, mix),
            arrow_norm=float(np.median(np.linalg.norm(arrows, axis=-1))),
            grad_norms=np.asarray(frame.g_grad_norms),
        ))
    return KdScene(extent, np.asarray(grid.xs), np.asarray(grid.ys), np.asarray(ev.real), out)


def c_of_g_from_jsd(jsd: np.ndarray | float) -> np.ndarray | float:
    """C(G) = -log 4 + 2 JSD(p_x || p_g): the value of the game at the optimal D*."""
    return -math.log(4.0) + 2.0 * np.asarray(jsd)


LOSS_LABELS = {name: label for name, label in zip(
    losses.LOSSES, ("minimax  log(1 - D(G(z)))", "non-saturating  -log D(G(z))", "least squares"))}
