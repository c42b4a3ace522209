"""GAN losses written on the discriminator's logits, numerically stable.

With D(x) = sigmoid(l(x)): -log D is the binary cross-entropy of l against the label 1 and
-log(1 - D) against the label 0 (``optax.losses.sigmoid_binary_cross_entropy``, which
computes them as softplus(-l) and softplus(l)).

- ``minimax`` (the lecture's formula, Goodfellow 2014): D maximises
  E log D(x) + E log(1 - D(G(z))); G minimises E log(1 - D(G(z))) = -E softplus(l).
  Its gradient w.r.t. the fake logit is -D, which vanishes when D rejects the fakes.
- ``non_saturating``: same D loss; G minimises -E log D(G(z)) = E softplus(-l), whose
  gradient 1 - D stays large exactly when D rejects the fakes.
- ``least_squares`` (LSGAN, a=0, b=c=1 on the raw output l): D minimises
  0.5 E (l(x) - 1)^2 + 0.5 E l(G(z))^2; G minimises 0.5 E (l(G(z)) - 1)^2.
- ``wasserstein`` (WGAN, Arjovsky et al. 2017; with ``Hyper.gp_weight`` > 0, WGAN-GP, Gulrajani
  et al. 2017): D is a critic f = l, unbounded, not a probability; it minimises
  E f(G(z)) - E f(x) (plus the gradient penalty, ``gradient_penalty``), G minimises -E f(G(z)).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

LOSSES = ("minimax", "non_saturating", "least_squares", "wasserstein")
WASSERSTEIN = LOSSES.index("wasserstein")
MINIMAX = LOSSES.index("minimax")
PROBABILITY_LOSSES = LOSSES[:3]  # D(x) = sigmoid(l(x)) is a probability; the Theory page compares these


def loss_index(name: str) -> int:
    """The run-time integer that selects a loss inside compiled code."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose from {', '.join(LOSSES)}")
    return LOSSES.index(name)


def _bce(logits: jax.Array, label: float) -> jax.Array:
    """Mean binary cross-entropy of ``logits`` against one label: -E log D (1) or -E log(1 - D) (0)."""
    return jnp.mean(optax.losses.sigmoid_binary_cross_entropy(logits, jnp.full_like(logits, label)))


def d_loss_bce(real_logits: jax.Array, fake_logits: jax.Array) -> jax.Array:
    """-(E log D(x) + E log(1 - D(G(z)))): minus the value V(D, G)."""
    return _bce(real_logits, 1.0) + _bce(fake_logits, 0.0)


def d_loss_least_squares(real_logits: jax.Array, fake_logits: jax.Array) -> jax.Array:
    return 0.5 * jnp.mean((real_logits - 1.0) ** 2) + 0.5 * jnp.mean(fake_logits**2)


def g_loss_minimax(fake_logits: jax.Array) -> jax.Array:
    """E log(1 - D(G(z))), which G minimises."""
    return -_bce(fake_logits, 0.0)


def g_loss_non_saturating(fake_logits: jax.Array) -> jax.Array:
    """-E log D(G(z))."""
    return _bce(fake_logits, 1.0)


def g_loss_least_squares(fake_logits: jax.Array) -> jax.Array:
    return 0.5 * jnp.mean((fake_logits - 1.0) ** 2)


def d_loss_wasserstein(real_scores: jax.Array, fake_scores: jax.Array) -> jax.Array:
    """E f(G(z)) - E f(x): minus the critic's estimate of the Wasserstein-1 distance."""
    return jnp.mean(fake_scores) - jnp.mean(real_scores)


def g_loss_wasserstein(fake_scores: jax.Array) -> jax.Array:
    return -jnp.mean(fake_scores)


def gradient_penalty(critic_grads: jax.Array) -> jax.Array:
    """WGAN-GP's penalty E (||grad f(x_hat)|| - 1)^2 from the critic's gradients at the
    interpolates, one row per critic input (n, d)."""
    return jnp.mean((jnp.sqrt(jnp.sum(critic_grads**2, axis=-1) + 1e-12) - 1.0) ** 2)


def d_loss(index: jax.Array, real_logits: jax.Array, fake_logits: jax.Array) -> jax.Array:
    """Discriminator loss selected by a (possibly traced) loss index."""
    return jax.lax.switch(
        index,
        [d_loss_bce, d_loss_bce, d_loss_least_squares, d_loss_wasserstein],
        real_logits,
        fake_logits,
    )


def g_loss(index: jax.Array, fake_logits: jax.Array) -> jax.Array:
    """Generator loss selected by a (possibly traced) loss index."""
    return jax.lax.switch(
        index,
        [g_loss_minimax, g_loss_non_saturating, g_loss_least_squares, g_loss_wasserstein],
        fake_logits,
    )


def value(real_logits: jax.Array, fake_logits: jax.Array) -> jax.Array:
    """V(D, G) = E log D(x) + E log(1 - D(G(z))); -log 4 at the equilibrium."""
    return -d_loss_bce(real_logits, fake_logits)
