"""Run-time hyperparameters: what a slider moves, as arrays the compiled training call takes as
arguments, so that changing them never recompiles (``config.LIVE_TRAIN_KEYS`` names them)."""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from gan_viz.core.config import LIVE_TRAIN_KEYS, TrainConfig
from gan_viz.core.losses import loss_index


class Hyper(NamedTuple):
    """Run-time hyperparameters, passed as arrays so that changing them never recompiles."""

    lr_d: jax.Array
    lr_g: jax.Array
    k_d: jax.Array
    k_g: jax.Array
    loss: jax.Array
    simultaneous: jax.Array
    r1_weight: jax.Array
    g_ema: jax.Array
    gp_weight: jax.Array
    alt_g: jax.Array  # bool: f-GAN losses' alternative generator objective (``losses.g_loss``)


assert Hyper._fields == LIVE_TRAIN_KEYS, "config.LIVE_TRAIN_KEYS lists Hyper's fields in order"


def hyper_from(train: TrainConfig) -> Hyper:
    """The ``Hyper`` arrays for a ``TrainConfig``."""
    return Hyper(
        lr_d=jnp.asarray(train.lr_d, jnp.float32),
        lr_g=jnp.asarray(train.lr_g, jnp.float32),
        k_d=jnp.asarray(train.k_d, jnp.int32),
        k_g=jnp.asarray(train.k_g, jnp.int32),
        loss=jnp.asarray(loss_index(train.loss), jnp.int32),
        simultaneous=jnp.asarray(train.simultaneous, jnp.bool_),
        r1_weight=jnp.asarray(train.r1_weight, jnp.float32),
        g_ema=jnp.asarray(train.g_ema, jnp.float32),
        gp_weight=jnp.asarray(train.gp_weight, jnp.float32),
        alt_g=jnp.asarray(train.alt_g, jnp.bool_),
    )
