"""A compiled configuration (``Spec``) and the networks as pure functions of it.

A ``Spec`` is the static part of a run: the networks' shapes, the batch, the unrolled GAN's
look-ahead, the frozen parameters and the optax transforms. It is what ``jax.jit`` compiles in;
everything a slider moves travels as ``Hyper`` arrays instead (``core.config``). The functions
here (``init``, ``generate``, ``logits``, ``packed_logits``, ``noise``) and those of ``step`` and
``evaluation`` take it as their first argument, in the style of optax: pure functions of an
explicit state, compiled by ``trainer`` alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import optax

from gan_viz.core import models, optim
from gan_viz.core.config import ModelConfig
from gan_viz.core.state import State, root_keys

UNROLL_EPS_ROOT = 1e-12  # Adam's eps_root in the unrolled D steps (see optim.optimizer)


@dataclass(frozen=True)
class Spec:
    """The static description of a run that compiled code depends on.

    Attributes:
        model: the networks and the latent noise.
        batch_size: D's inputs per step (each a pack of ``model.pack`` samples).
        unroll: D steps the unrolled GAN looks ahead (0: a plain GAN).
        frozen: parameters that never move, named ``net.layer.param`` (``optim``).
        g_tx, d_tx: the optimizers of G and D; ``d_tx_unrolled`` is D's inside the look-ahead
            (Adam with ``UNROLL_EPS_ROOT``, differentiable where a gradient has been 0).
    """

    model: ModelConfig
    batch_size: int
    unroll: int
    frozen: tuple[str, ...]
    g_tx: optax.GradientTransformation
    d_tx: optax.GradientTransformation
    d_tx_unrolled: optax.GradientTransformation

    @property
    def pack(self) -> int:
        """Samples D sees side by side in one input (PacGAN; 1: a plain D)."""
        return self.model.pack

    @property
    def draws(self) -> int:
        """Samples of each kind a step draws (D sees ``batch_size`` packs)."""
        return self.batch_size * self.model.pack


def make_spec(model: ModelConfig, optimizer: str, beta1: float, beta2: float, batch_size: int,
              unroll: int = 0, frozen: tuple[str, ...] = ()) -> Spec:
    """The ``Spec`` of these settings; raises ``ValueError`` for a frozen name that names no parameter."""
    optim.check_frozen(model, frozen)
    return Spec(model, batch_size, int(unroll), frozen,
                g_tx=optim.optimizer(optimizer, beta1, beta2, "g", frozen),
                d_tx=optim.optimizer(optimizer, beta1, beta2, "d", frozen),
                d_tx_unrolled=optim.optimizer(optimizer, beta1, beta2, "d", frozen, eps_root=UNROLL_EPS_ROOT))


def init(spec: Spec, seed: int | jax.Array) -> State:
    """A fresh state; the seed fixes the weights and every later sample."""
    m = spec.model
    key_g, key_d, key_run, _ = root_keys(seed)
    g_params = models.mlp_init(key_g, models.layer_sizes(m.latent_dim, m.g_depth, m.g_width, 2), m.init, m.init_gain)
    d_params = models.mlp_init(key_d, models.layer_sizes(2 * m.pack, m.d_depth, m.d_width, 1), m.init, m.init_gain)
    zero = jnp.zeros((), jnp.int32)
    return State(g_params, d_params, g_params, spec.g_tx.init(g_params), spec.d_tx.init(d_params),
                 zero, zero, zero, key_run)


def generate(spec: Spec, g_params: models.Params, z: jax.Array) -> jax.Array:
    """G(z) for latent points ``z`` (..., latent_dim), shape (..., 2)."""
    return models.mlp_apply(g_params, z, spec.model.activation)


def logits(spec: Spec, d_params: models.Params, x: jax.Array) -> jax.Array:
    """D's logit at each point of ``x`` (n, 2), shape (n,). A packing D (``pack`` > 1) sees the
    point in every slot of its input: what it says of a cloud of that one point."""
    if spec.pack > 1:
        x = jnp.tile(x, (1,) * (x.ndim - 1) + (spec.pack,))
    return models.discriminator_logits(d_params, x, spec.model.activation, spec.model.d_input_scale)


def packed_logits(spec: Spec, d_params: models.Params, x: jax.Array) -> jax.Array:
    """D's logit on ``x`` (n, 2) as it trains: ``pack`` consecutive samples side by side in one
    input, shape (n // pack,) (a remainder of fewer than ``pack`` samples is left out)."""
    m = spec.model
    if spec.pack == 1:
        return models.discriminator_logits(d_params, x, m.activation, m.d_input_scale)
    n = x.shape[0] // spec.pack
    return models.discriminator_logits(d_params, x[: n * spec.pack].reshape(n, 2 * spec.pack),
                                       m.activation, m.d_input_scale)


def noise(spec: Spec, key: jax.Array, n: int) -> jax.Array:
    """``n`` latent points, shape (n, latent_dim)."""
    return models.sample_noise(key, n, spec.model.latent_dim, spec.model.noise)
