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
- The f-GAN family (Nowozin et al. 2016; ``F_LOSSES``: kl, reverse_kl, pearson, hellinger, js,
  gan; ``divergences`` holds f, g_f, f*): D's raw output l is V, the critic is T = g_f(V), and D
  maximises the lower bound F = E_p[g_f(V)] - E_q[f*(g_f(V))] on D_f(p_x || p_g) (its loss is -F);
  G minimises F, i.e. -E_q[f*(g_f(V(G(z))))]. With ``alt`` (``Hyper.alt_g``), G maximises
  E_q[g_f(V(G(z)))] instead, the paper's alternative (sec. 3.2, after Goodfellow's -log D trick:
  the same fixed point; for gan it is the non-saturating loss, the bound's own is minimax's).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax

from gan_viz.core import divergences

# New losses go at the end: a run's loss travels as its index, so existing indices never move.
LOSSES = ("minimax", "non_saturating", "least_squares", "wasserstein", *divergences.NAMES)
WASSERSTEIN = LOSSES.index("wasserstein")
MINIMAX = LOSSES.index("minimax")
PROBABILITY_LOSSES = LOSSES[:3]  # D(x) = sigmoid(l(x)) is a probability; the Theory page compares these
FIRST_F = LOSSES.index(divergences.NAMES[0])  # F_LOSSES are LOSSES[FIRST_F:], in divergences.NAMES' order
F_LOSSES = LOSSES[FIRST_F:]  # D is an f-GAN critic T = g_f(l): not a probability


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


def d_loss_f(member: int, real_v: jax.Array, fake_v: jax.Array) -> jax.Array:
    """-F: minus f-GAN member ``member``'s lower bound (``divergences.bound``), which D maximises."""
    return -divergences.bound(member, real_v, fake_v)


def g_loss_f(member: int, fake_v: jax.Array, alt: jax.Array | bool = False) -> jax.Array:
    """G's f-GAN loss: -E_q[f*(g_f(V))] (the bound's own), or with ``alt`` -E_q[g_f(V)]."""
    return jax.lax.cond(alt, lambda v: -divergences.real_term(member, v),
                        lambda v: -divergences.fake_term(member, v), fake_v)


def _g_plain(fn):
    return lambda v, _alt: fn(v)


# each loss's D and G objective, in ``LOSSES``' order (G's take ``alt`` too)
_D_LOSSES = (d_loss_bce, d_loss_bce, d_loss_least_squares, d_loss_wasserstein,
             *(functools.partial(d_loss_f, m) for m in range(len(divergences.NAMES))))
_G_LOSSES = (_g_plain(g_loss_minimax), _g_plain(g_loss_non_saturating), _g_plain(g_loss_least_squares),
             _g_plain(g_loss_wasserstein), *(functools.partial(g_loss_f, m) for m in range(len(divergences.NAMES))))


def fixed(index) -> bool:
    """Whether a loss index is a Python integer, chosen when the code is traced: then ``d_loss`` and
    ``g_loss`` compile only that loss (the unrolled GAN's trainer does this, ``trainer.Trainer``);
    an array index compiles all of them and picks one at run time."""
    return isinstance(index, (int, np.integer))


def _chosen(index: jax.Array | int, branches, logits: tuple[jax.Array, ...], *rest) -> jax.Array:
    """``branches[index](*logits, *rest)``: traced alone for a ``fixed`` index, else picked at run
    time by ``_switched``."""
    if fixed(index):
        return branches[int(index)](*logits, *rest)
    return _switched(index, branches, logits, rest)


def _switched(index: jax.Array, branches, logits: tuple[jax.Array, ...], rest: tuple) -> jax.Array:
    """``branches[index](*logits, *rest)`` through one ``lax.switch`` that computes the branch's value
    and its gradient with respect to ``logits`` together; differentiating it then multiplies that
    gradient by the incoming one, with no second switch. (Differentiating a plain switch runs a
    switch forward and another backward, and the forward one hands every intermediate the
    backward one needs across the branch boundary, each a buffer of its own.) Same numbers as the
    plain switch; reverse mode only, like every ``jax.custom_vjp``."""
    def value(b):
        return lambda ls, r: b(*ls, *r)

    def value_and_grad(b):
        return lambda ls, r: jax.value_and_grad(lambda ls: b(*ls, *r))(ls)

    @jax.custom_vjp
    def pick(index, logits, rest):
        return jax.lax.switch(index, [value(b) for b in branches], logits, rest)

    def forward(index, logits, rest):
        return jax.lax.switch(index, [value_and_grad(b) for b in branches], logits, rest)

    def backward(grads, ct):
        return None, tuple(ct * g for g in grads), None

    pick.defvjp(forward, backward)
    return pick(index, logits, rest)


def d_loss(index: jax.Array | int, real_logits: jax.Array, fake_logits: jax.Array) -> jax.Array:
    """Discriminator loss selected by a loss index (an array, or a Python int: ``fixed``)."""
    return _chosen(index, _D_LOSSES, (real_logits, fake_logits))


def g_loss(index: jax.Array | int, fake_logits: jax.Array, alt: jax.Array | bool = False) -> jax.Array:
    """Generator loss selected by a loss index (an array, or a Python int: ``fixed``); ``alt``
    (``Hyper.alt_g``) picks the f-GAN members' alternative objective and is ignored by the others."""
    return _chosen(index, _G_LOSSES, (fake_logits,), jnp.asarray(alt, bool))


def f_bound(index: jax.Array, real_logits: jax.Array, fake_logits: jax.Array) -> jax.Array:
    """The f-GAN bound F of the run's loss on these outputs; for a loss outside ``F_LOSSES``, the gan
    member's, which is V(D, G) (finite, so that equal states compare equal; reports leave it out)."""
    member = jnp.where(index >= FIRST_F, index - FIRST_F, len(divergences.NAMES) - 1)
    return divergences.bound(jnp.clip(member, 0, len(divergences.NAMES) - 1), real_logits, fake_logits)


def value(real_logits: jax.Array, fake_logits: jax.Array) -> jax.Array:
    """V(D, G) = E log D(x) + E log(1 - D(G(z))); -log 4 at the equilibrium."""
    return -d_loss_bce(real_logits, fake_logits)
