"""Training as pure functions of (spec, state, hyper, mixture, keys): the objectives, one update
of D or of G, one round, and a loop of rounds that stops at the first non-finite one.

Vocabulary: a *step* is one optimizer update of D or of G; a *round* is ``k_d`` D steps
then ``k_g`` G steps (Goodfellow's algorithm with k = ``k_d``), or, when ``simultaneous`` is
set, one step of each network computed from the same point (a ``k`` of 0 still freezes that
network). ``State.step`` counts steps, so charts and budgets read the same whatever k is.
Every hyperparameter a slider moves (``Hyper``) and the data mixture itself are traced
arguments, so changing them never recompiles; only the ``Spec`` (shapes, optimizer kind,
look-ahead) is compiled in.

Keys: the state carries one PRNG key; each round splits it into the next carry key and the
round's keys for D and G (``key_d``, ``key_g``; not to be confused with the step counts
``Hyper.k_d``, ``Hyper.k_g``), and the i-th D (or G) step of the round folds ``i`` into its
subkey, so no key is ever used twice and the same seed gives a bit-identical run.

Nothing here compiles: ``trainer`` jits these functions.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from gan_viz.core import losses, models, optim
from gan_viz.core.data import Mixture, sample
from gan_viz.core.hyper import Hyper
from gan_viz.core.spec import Spec, generate, noise, packed_logits
from gan_viz.core.spec import logits as point_logits
from gan_viz.core.state import State

# Step i of a round draws its batch from child i of key_d (or key_g), and what only some runs need
# from child EXTRA_KEYS + i (k_d, k_g are far below): D step i's gradient-penalty interpolates, G step
# i's unrolled D steps. Runs that need neither draw exactly what they did before these existed.
EXTRA_KEYS = 2**20


def d_objective(spec: Spec, d_params, g_params, real, z, hyper: Hyper, key=None) -> jax.Array:
    """D's loss on a batch, plus R1 and (with a ``key`` for the interpolates) WGAN-GP's penalty
    when their weights are > 0."""
    fake = generate(spec, g_params, z)
    loss = losses.d_loss(hyper.loss, packed_logits(spec, d_params, real), packed_logits(spec, d_params, fake))

    def r1(_):
        # R1 penalty (Mescheder et al. 2018): gamma/2 * E ||grad_x l(x)||^2 on real data.
        if spec.pack > 1:  # x is a whole pack: the squared norms of its samples' gradients add up
            g = jax.grad(lambda x: jnp.sum(packed_logits(spec, d_params, x)))(real)
            return 0.5 * hyper.r1_weight * jnp.sum(g**2) / (real.shape[0] // spec.pack)
        g = jax.vmap(jax.grad(lambda x: point_logits(spec, d_params, x[None])[0]))(real)
        return 0.5 * hyper.r1_weight * jnp.mean(jnp.sum(g**2, axis=-1))

    loss = loss + jax.lax.cond(hyper.r1_weight > 0, r1, lambda _: jnp.zeros(()), None)
    if key is None:
        return loss

    def gp(_):
        # WGAN-GP (Gulrajani et al. 2017): lambda * E (||grad f(x_hat)|| - 1)^2 at points x_hat on
        # the segments between real and generated inputs (one uniform weight per critic input)
        n = real.shape[0] // spec.pack
        eps = jnp.repeat(jax.random.uniform(key, (n, 1)), spec.pack, axis=0)
        x_hat = eps * real[: n * spec.pack] + (1.0 - eps) * fake[: n * spec.pack]
        g = jax.grad(lambda x: jnp.sum(packed_logits(spec, d_params, x)))(x_hat)
        return hyper.gp_weight * losses.gradient_penalty(g.reshape(n, 2 * spec.pack))

    return loss + jax.lax.cond(hyper.gp_weight > 0, gp, lambda _: jnp.zeros(()), None)


def g_objective(spec: Spec, g_params, d_params, z, hyper: Hyper) -> jax.Array:
    """G's loss (``hyper.loss``, ``hyper.alt_g``) on the samples of ``z`` against D."""
    return losses.g_loss(hyper.loss, packed_logits(spec, d_params, generate(spec, g_params, z)), hyper.alt_g)


def unrolled_g_objective(spec: Spec, g_params, d_params, d_opt, z, hyper: Hyper, mixture: Mixture,
                         key) -> jax.Array:
    """The unrolled GAN's generator loss (Metz et al. 2016): G's loss against the D that
    ``spec.unroll`` more D steps (same optimizer, its state carried) would make from
    ``d_params`` while G is ``g_params``; differentiated through those steps, so G feels how D
    would answer its move. Step j draws its batch from ``fold_in(key, j)``. With the minimax
    loss the objective is the whole value V(G, D_K), the real term included (what G's move does
    to D_K's verdict on the data counts too); the other losses keep G's own loss against D_K.

    The steps are one rolled loop (a ``scan`` under differentiation), not ``unroll`` copies of
    the D step: compiling takes about as long for 20 steps as for 1 (unrolled in Python it grew
    with unroll x depth, to minutes and gigabytes)."""
    def d_step(j, carry):
        d, opt = carry
        key_real, key_z, key_gp = jax.random.split(jax.random.fold_in(key, j), 3)
        real, zd = sample(mixture, key_real, spec.draws), noise(spec, key_z, spec.draws)
        grads = jax.grad(d_objective, argnums=1)(spec, d, g_params, real, zd, hyper, key_gp)
        return optim.apply(spec.d_tx_unrolled, grads, opt, d, hyper.lr_d)

    d, _ = jax.lax.fori_loop(0, spec.unroll, d_step, (d_params, d_opt))
    loss = g_objective(spec, g_params, d, z, hyper)

    def real_term(_):
        # minimax: G minimises the whole value V(G, D_K) = E log D_K(x) + E log(1 - D_K(G(z))), as
        # the paper and its reference do; E log D_K(x) depends on G through D_K's steps
        real = sample(mixture, jax.random.fold_in(key, spec.unroll), spec.draws)
        return -jnp.mean(jax.nn.softplus(-packed_logits(spec, d, real)))

    return loss + jax.lax.cond(hyper.loss == losses.MINIMAX, real_term, lambda _: jnp.zeros(()), None)


def d_update(spec: Spec, state: State, key, hyper: Hyper, mixture: Mixture, gp_key=None) -> tuple[State, jax.Array]:
    """One D step on a fresh batch drawn from ``key``; returns the new state and D's loss."""
    key_real, key_z = jax.random.split(key)
    real = sample(mixture, key_real, spec.draws)
    z = noise(spec, key_z, spec.draws)
    loss, grads = jax.value_and_grad(d_objective, argnums=1)(spec, state.d_params, state.g_params, real, z, hyper,
                                                             gp_key)
    d_params, d_opt = optim.apply(spec.d_tx, grads, state.d_opt, state.d_params, hyper.lr_d)
    return state._replace(d_params=d_params, d_opt=d_opt, d_updates=state.d_updates + 1), loss


def g_update(spec: Spec, state: State, key, hyper: Hyper, d_params: models.Params, mixture: Mixture | None = None,
             unroll_key=None) -> tuple[State, jax.Array]:
    """One G step against ``d_params`` (unrolled when ``spec.unroll``); also moves G's average."""
    z = noise(spec, key, spec.draws)
    if spec.unroll:
        loss, grads = jax.value_and_grad(unrolled_g_objective, argnums=1)(
            spec, state.g_params, d_params, state.d_opt, z, hyper, mixture, unroll_key)
    else:
        loss, grads = jax.value_and_grad(g_objective, argnums=1)(spec, state.g_params, d_params, z, hyper)
    g_params, g_opt = optim.apply(spec.g_tx, grads, state.g_opt, state.g_params, hyper.lr_g)
    g_ema = jax.tree_util.tree_map(lambda e, p: hyper.g_ema * e + (1 - hyper.g_ema) * p, state.g_ema, g_params)
    return state._replace(g_params=g_params, g_ema=g_ema, g_opt=g_opt, g_updates=state.g_updates + 1), loss


def one_round(spec: Spec, state: State, hyper: Hyper, mixture: Mixture, shoot=None, pictures=None):
    """One round; returns ``(state, d_loss, g_loss)`` (NaN for a half that did not run).

    Alternating: ``k_d`` D steps, then ``k_g`` G steps against the new D.
    Simultaneous: one D step and one G step, both from the round's starting point
    (the G gradient uses the D of before the D update).

    With ``shoot``, called as ``shoot(pictures, state, steps_done_in_round, round_steps)``
    after every step, it also returns the ``pictures`` it threads through the round;
    ``shoot`` only reads the state, so the training is the same with or without it.
    """
    key, key_d, key_g = jax.random.split(state.key, 3)
    state = state._replace(key=key)
    d_before = state.d_params
    n_d = jnp.where(hyper.simultaneous, jnp.minimum(hyper.k_d, 1), hyper.k_d)
    n_g = jnp.where(hyper.simultaneous, jnp.minimum(hyper.k_g, 1), hyper.k_g)
    total = n_d + n_g
    nan = jnp.full((), jnp.nan)
    take = shoot or (lambda pics, s, done, total: pics)

    def d_body(i, carry):
        s, _, pics = carry
        # the gradient penalty's interpolates draw from key_d's children past every D step's
        s, loss = d_update(spec, s, jax.random.fold_in(key_d, i), hyper, mixture,
                           jax.random.fold_in(key_d, EXTRA_KEYS + i))
        return s, loss, take(pics, s, i + 1, total)

    state, d_loss, pictures = jax.lax.fori_loop(0, n_d, d_body, (state, nan, pictures))

    def g_body(i, carry):
        s, _, pics = carry
        d_params = jax.tree_util.tree_map(lambda old, new: jnp.where(hyper.simultaneous, old, new),
                                          d_before, s.d_params)
        # the unrolled D steps draw from key_g's children past every G step's (key_g is only a parent)
        s, loss = g_update(spec, s, jax.random.fold_in(key_g, i), hyper, d_params, mixture,
                           jax.random.fold_in(key_g, EXTRA_KEYS + i) if spec.unroll else None)
        return s, loss, take(pics, s, n_d + i + 1, total)

    state, g_loss, pictures = jax.lax.fori_loop(0, n_g, g_body, (state, nan, pictures))
    state = state._replace(step=state.step + total)
    return (state, d_loss, g_loss) if shoot is None else (state, d_loss, g_loss, pictures)


def all_finite(tree) -> jax.Array:
    """Whether every number in ``tree`` is finite (a scalar bool array)."""
    leaves = jax.tree_util.tree_leaves(tree)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(x)) for x in leaves]))


def checked(old: State, new: State, d_loss, g_loss, hyper: Hyper) -> tuple[State, jax.Array]:
    """``new`` if the round left everything finite, else ``old``; and whether it was finite."""
    # the whole state, optimizer moments included: an inf there stalls training for good
    finite = all_finite(new)
    finite &= (jnp.isfinite(d_loss) | (hyper.k_d == 0)) & (jnp.isfinite(g_loss) | (hyper.k_g == 0))
    return jax.tree_util.tree_map(lambda a, b: jnp.where(finite, a, b), new, old), finite


def rounds(spec: Spec, state: State, hyper: Hyper, mixture: Mixture, n: jax.Array, buffers: tuple = ()):
    """Up to ``n`` rounds, stopping at the first that is not finite (its state is dropped);
    each round's D and G losses go into ``buffers`` (none, or a D and a G buffer) at its index.
    Returns ``(state, rounds_done, diverged, buffers)``."""
    def cond(carry):
        i, _, diverged, _ = carry
        return (i < n) & ~diverged

    def body(carry):
        i, s, _, bufs = carry
        new, d_loss, g_loss = one_round(spec, s, hyper, mixture)
        s, finite = checked(s, new, d_loss, g_loss, hyper)
        bufs = tuple(b.at[i].set(loss) for b, loss in zip(bufs, (d_loss, g_loss)))
        return i + finite.astype(i.dtype), s, ~finite, bufs

    i, state, diverged, buffers = jax.lax.while_loop(
        cond, body, (jnp.zeros((), jnp.int32), state, jnp.zeros((), bool), buffers))
    return state, i, diverged, buffers
