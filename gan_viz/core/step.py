"""Training as pure functions of (spec, state, hyper, mixture, keys): the objectives, one update
of D or of G, one round, and a loop of rounds that stops at the first non-finite one.

Vocabulary: a *step* is one optimizer update of D or of G; a *round* is ``k_d`` D steps
then ``k_g`` G steps (Goodfellow's algorithm with k = ``k_d``), or, when ``simultaneous`` is
set, one step of each network computed from the same point (a ``k`` of 0 still freezes that
network). ``State.step`` counts steps, so charts and budgets read the same whatever k is.
Every hyperparameter a slider moves (``Hyper``) and the data mixture itself are traced
arguments, so changing them never recompiles; only the ``Spec`` (shapes, optimizer kind,
look-ahead) is compiled in.

Random numbers (``draws``): the state carries the run's training key, which never changes
while it trains; each step takes all its numbers from one hash call on its own counter, the
run's step number (``State.step`` at the round's start plus the step's place in the round), so
no number is ever drawn twice and the same seed gives a bit-identical run.

Nothing here compiles: ``trainer`` jits these functions.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from gan_viz.core import draws, losses, models, optim
from gan_viz.core.data import Mixture, points_of
from gan_viz.core.hyper import Hyper
from gan_viz.core.spec import Spec, generate, packed_logits
from gan_viz.core.spec import logits as point_logits
from gan_viz.core.state import State


def d_words(spec: Spec) -> int:
    """Random words one D step draws: its real batch (a mode and two offsets per point), its
    latent batch and the gradient penalty's interpolation weights (one per critic input)."""
    return spec.draws * (3 + spec.model.latent_dim) + spec.draws // spec.pack


def g_words(spec: Spec) -> int:
    """Random words one G step draws: its latent batch, then, unrolled, each look-ahead D step's
    words and, last, the minimax real term's batch."""
    return spec.draws * spec.model.latent_dim + spec.unroll * d_words(spec) + 3 * spec.draws * bool(spec.unroll)


def d_batch(spec: Spec, mixture: Mixture, w: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """A D step's real batch, latent batch and interpolation weights from its ``d_words`` words."""
    n, dim = spec.draws, spec.model.latent_dim
    w_mode, w_real, w_z, w_eps = draws.take(w, (n, 2 * n, n * dim, n // spec.pack))
    return real_batch(mixture, w_mode, w_real), latent(spec, w_z), draws.uniform(w_eps)


def real_batch(mixture: Mixture, w_mode: jax.Array, w_real: jax.Array) -> jax.Array:
    """``len(w_mode)`` points of the mixture from that many words and twice as many."""
    return points_of(mixture, draws.uniform(w_mode), draws.normal(w_real).reshape(-1, 2))


def latent(spec: Spec, w: jax.Array) -> jax.Array:
    """A latent batch (draws, latent_dim) from ``draws * latent_dim`` words."""
    shape = (spec.draws, spec.model.latent_dim)
    return models.noise_of(draws.uniform(w).reshape(shape), draws.normal(w).reshape(shape), spec.model.noise)


def d_objective(spec: Spec, d_params, g_params, real, z, hyper: Hyper, eps=None) -> jax.Array:
    """D's loss on a batch, plus R1 and (given ``eps``, one interpolation weight in [0, 1) per
    critic input) WGAN-GP's penalty, when their weights are > 0."""
    fake = generate(spec, g_params, z)
    loss = losses.d_loss(hyper.loss, packed_logits(spec, d_params, real), packed_logits(spec, d_params, fake))
    return loss + penalties(spec, d_params, real, fake, eps, hyper.r1_weight, hyper.gp_weight)


def r1_penalty(spec: Spec, d_params, real: jax.Array, weight: jax.Array) -> jax.Array:
    """R1 (Mescheder et al. 2018): gamma/2 * E ||grad_x l(x)||^2 on real data, gamma = ``weight``."""
    if spec.pack > 1:  # x is a whole pack: the squared norms of its samples' gradients add up
        g = jax.grad(lambda x: jnp.sum(packed_logits(spec, d_params, x)))(real)
        return 0.5 * weight * jnp.sum(g**2) / (real.shape[0] // spec.pack)
    g = jax.vmap(jax.grad(lambda x: point_logits(spec, d_params, x[None])[0]))(real)
    return 0.5 * weight * jnp.mean(jnp.sum(g**2, axis=-1))


def gradient_penalty(spec: Spec, d_params, real: jax.Array, fake: jax.Array, eps: jax.Array,
                     weight: jax.Array) -> jax.Array:
    """WGAN-GP (Gulrajani et al. 2017): lambda * E (||grad f(x_hat)|| - 1)^2, lambda = ``weight``,
    at points x_hat on the segments between real and generated inputs (``eps``: one uniform weight
    per critic input)."""
    n = real.shape[0] // spec.pack
    e = jnp.repeat(eps.reshape(n, 1), spec.pack, axis=0)
    x_hat = e * real[: n * spec.pack] + (1.0 - e) * fake[: n * spec.pack]
    g = jax.grad(lambda x: jnp.sum(packed_logits(spec, d_params, x)))(x_hat)
    return weight * losses.gradient_penalty(g.reshape(n, 2 * spec.pack))


def _penalty_sum(spec: Spec, d_params, real, fake, eps, r1_weight, gp_weight) -> jax.Array:
    """R1 plus (given ``eps``) the gradient penalty, each computed only when its weight is > 0."""
    zero = lambda _: jnp.zeros(())  # noqa: E731
    total = jax.lax.cond(r1_weight > 0, lambda _: r1_penalty(spec, d_params, real, r1_weight), zero, None)
    if eps is None:
        return total
    return total + jax.lax.cond(gp_weight > 0, lambda _: gradient_penalty(spec, d_params, real, fake, eps, gp_weight),
                                zero, None)


def penalties(spec: Spec, d_params, real, fake, eps, r1_weight, gp_weight) -> jax.Array:
    """D's penalties (``_penalty_sum``) behind one branch that computes their value and their
    gradients together, taken only when a weight is > 0; differentiating it then multiplies those
    gradients, with no branch. Most runs have no penalty: their D step pays that one empty branch
    instead of one per penalty forward and another per penalty backward. Same numbers, but for
    the rounding of the second derivative (the unrolled GAN with a gradient penalty sums it in
    another order); reverse mode only (``jax.grad``, to any order), like every ``custom_vjp``."""
    wrt = (0, 1, 2, 4, 5)  # everything but eps (random weights, not a quantity of the model)

    @jax.custom_vjp
    def total(d, r, f, e, a, b):
        return _penalty_sum(spec, d, r, f, e, a, b)

    def forward(d, r, f, e, a, b):
        def on(_):
            return jax.value_and_grad(lambda *x: _penalty_sum(spec, *x), argnums=wrt)(d, r, f, e, a, b)

        def off(_):
            zeros = jax.tree_util.tree_map(jnp.zeros_like, (d, r, f, a, b))
            return jnp.zeros(()), zeros

        return jax.lax.cond((a > 0) | (b > 0), on, off, None)

    def backward(grads, ct):
        gd, gr, gf, ga, gb = jax.tree_util.tree_map(lambda g: ct * g, grads)
        return gd, gr, gf, None, ga, gb

    total.defvjp(forward, backward)
    return total(d_params, real, fake, eps, jnp.asarray(r1_weight, jnp.float32), jnp.asarray(gp_weight, jnp.float32))


def g_objective(spec: Spec, g_params, d_params, z, hyper: Hyper) -> jax.Array:
    """G's loss (``hyper.loss``, ``hyper.alt_g``) on the samples of ``z`` against D."""
    return losses.g_loss(hyper.loss, packed_logits(spec, d_params, generate(spec, g_params, z)), hyper.alt_g)


def unrolled_g_objective(spec: Spec, g_params, d_params, d_opt, z, hyper: Hyper, mixture: Mixture,
                         w: jax.Array) -> jax.Array:
    """The unrolled GAN's generator loss (Metz et al. 2016): G's loss against the D that
    ``spec.unroll`` more D steps (same optimizer, its state carried) would make from
    ``d_params`` while G is ``g_params``; differentiated through those steps, so G feels how D
    would answer its move. Look-ahead step j draws its batches from the j-th ``d_words`` of the
    random words ``w``; the minimax real term from the words after them. With the minimax
    loss the objective is the whole value V(G, D_K), the real term included (what G's move does
    to D_K's verdict on the data counts too); the other losses keep G's own loss against D_K.

    The steps are one rolled loop (a ``scan`` under differentiation), not ``unroll`` copies of
    the D step: compiling takes about as long for 20 steps as for 1 (unrolled in Python it grew
    with unroll x depth, to minutes and gigabytes)."""
    size = d_words(spec)
    look_ahead, w_real = w[: spec.unroll * size].reshape(spec.unroll, size), w[spec.unroll * size:]

    def d_step(carry, w_j):
        d, opt = carry
        real, zd, eps = d_batch(spec, mixture, w_j)
        grads = jax.grad(d_objective, argnums=1)(spec, d, g_params, real, zd, hyper, eps)
        return optim.apply(spec.d_tx_unrolled, grads, opt, d, hyper.lr_d), None

    (d, _), _ = jax.lax.scan(d_step, (d_params, d_opt), look_ahead)
    loss = g_objective(spec, g_params, d, z, hyper)

    def real_term(_):
        # minimax: G minimises the whole value V(G, D_K) = E log D_K(x) + E log(1 - D_K(G(z))), as
        # the paper and its reference do; E log D_K(x) depends on G through D_K's steps
        real = real_batch(mixture, *draws.take(w_real, (spec.draws, 2 * spec.draws)))
        return -jnp.mean(jax.nn.softplus(-packed_logits(spec, d, real)))

    if losses.fixed(hyper.loss):  # the loss is compiled in: only the minimax GAN traces the real term
        return loss + real_term(None) if hyper.loss == losses.MINIMAX else loss
    return loss + jax.lax.cond(hyper.loss == losses.MINIMAX, real_term, lambda _: jnp.zeros(()), None)


def d_update(spec: Spec, state: State, w: jax.Array, hyper: Hyper, mixture: Mixture) -> tuple[State, jax.Array]:
    """One D step on a fresh batch made from its ``d_words`` random words ``w``; returns the new
    state and D's loss."""
    real, z, eps = d_batch(spec, mixture, w)
    loss, grads = jax.value_and_grad(d_objective, argnums=1)(spec, state.d_params, state.g_params, real, z, hyper,
                                                             eps)
    d_params, d_opt = optim.apply(spec.d_tx, grads, state.d_opt, state.d_params, hyper.lr_d)
    return state._replace(d_params=d_params, d_opt=d_opt, d_updates=state.d_updates + 1), loss


def g_update(spec: Spec, state: State, w: jax.Array, hyper: Hyper, d_params: models.Params,
             mixture: Mixture | None = None) -> tuple[State, jax.Array]:
    """One G step against ``d_params`` (unrolled when ``spec.unroll``) from its ``g_words``
    random words ``w``; also moves G's average."""
    w_z, w_rest = w[: spec.draws * spec.model.latent_dim], w[spec.draws * spec.model.latent_dim:]
    z = latent(spec, w_z)
    if spec.unroll:
        loss, grads = jax.value_and_grad(unrolled_g_objective, argnums=1)(
            spec, state.g_params, d_params, state.d_opt, z, hyper, mixture, w_rest)
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
    start = state.step  # step i of the round draws on counter start + i
    d_before = state.d_params
    n_d = jnp.where(hyper.simultaneous, jnp.minimum(hyper.k_d, 1), hyper.k_d)
    n_g = jnp.where(hyper.simultaneous, jnp.minimum(hyper.k_g, 1), hyper.k_g)
    total = n_d + n_g
    nan = jnp.full((), jnp.nan)
    take = shoot or (lambda pics, s, done, total: pics)

    def d_body(i, carry):
        s, _, pics = carry
        s, loss = d_update(spec, s, draws.words(s.key, start + i, d_words(spec)), hyper, mixture)
        return s, loss, take(pics, s, i + 1, total)

    state, d_loss, pictures = jax.lax.fori_loop(0, n_d, d_body, (state, nan, pictures))
    # G's steps answer the D of the round's start (simultaneous) or the one its D steps made
    d_params = jax.tree_util.tree_map(lambda old, new: jnp.where(hyper.simultaneous, old, new),
                                      d_before, state.d_params)

    def g_body(i, carry):
        s, _, pics = carry
        s, loss = g_update(spec, s, draws.words(s.key, start + n_d + i, g_words(spec)), hyper, d_params, mixture)
        return s, loss, take(pics, s, n_d + i + 1, total)

    state, g_loss, pictures = jax.lax.fori_loop(0, n_g, g_body, (state, nan, pictures))
    state = state._replace(step=state.step + total)
    return (state, d_loss, g_loss) if shoot is None else (state, d_loss, g_loss, pictures)


def flatten(state: State):
    """``state`` as two vectors, its float leaves (``ravel_pytree``) and its other leaves (counters,
    key: 32-bit integers, bit-cast to int32), and the function that rebuilds the state from the
    two: the loop over rounds keeps its last finite state this way (``rounds``), so that keeping
    it costs two selects, not one per leaf."""
    leaves, tree = jax.tree_util.tree_flatten(state)
    is_float = [jnp.issubdtype(x.dtype, jnp.floating) for x in leaves]
    flat, unravel = ravel_pytree([x for x, f in zip(leaves, is_float) if f])
    ints = [x for x, f in zip(leaves, is_float) if not f]
    if any(x.dtype.itemsize != 4 for x in ints):
        raise TypeError(f"state leaves that are not floats must be 32-bit, got {sorted({str(x.dtype) for x in ints})}")
    kinds = [(x.shape, x.dtype, x.size) for x in ints]
    other = jnp.concatenate([jax.lax.bitcast_convert_type(x, jnp.int32).ravel() for x in ints])

    def rebuild(flat: jax.Array, other: jax.Array) -> State:
        cuts = np.cumsum([size for _, _, size in kinds])[:-1]
        others = (jax.lax.bitcast_convert_type(part.reshape(shape), dtype)
                  for part, (shape, dtype, _) in zip(jnp.split(other, cuts), kinds))
        floats = iter(unravel(flat))
        return jax.tree_util.tree_unflatten(tree, [next(floats) if f else next(others) for f in is_float])

    return flat, other, rebuild


def all_finite(tree) -> jax.Array:
    """Whether every number in ``tree`` is finite (a scalar bool array)."""
    leaves = jax.tree_util.tree_leaves(tree)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(x)) for x in leaves]))


def losses_finite(d_loss, g_loss, hyper: Hyper) -> jax.Array:
    """Whether the round's D and G losses are finite (a half that did not run counts as finite)."""
    return (jnp.isfinite(d_loss) | (hyper.k_d == 0)) & (jnp.isfinite(g_loss) | (hyper.k_g == 0))


def checked(old: State, new: State, d_loss, g_loss, hyper: Hyper) -> tuple[State, jax.Array]:
    """``new`` if the round left everything finite, else ``old``; and whether it was finite."""
    # the whole state, optimizer moments included: an inf there stalls training for good
    finite = all_finite(new) & losses_finite(d_loss, g_loss, hyper)
    return jax.tree_util.tree_map(lambda a, b: jnp.where(finite, a, b), new, old), finite


def rounds(spec: Spec, state: State, hyper: Hyper, mixture: Mixture, n: jax.Array, buffers: tuple = ()):
    """Up to ``n`` rounds, stopping at the first that is not finite (its state is dropped);
    each round's D and G losses go into ``buffers`` (none, or a D and a G buffer) at its index.
    Returns ``(state, rounds_done, diverged, buffers)``.

    The loop carries the state twice: as it trains (its leaves, which the next round reads) and,
    as two flat vectors, the last finite state (``flatten``). A round's float leaves are
    concatenated once, for the finite check and as the new last finite state, and so are its
    integer leaves; the vectors are cut back into leaves only once, after the loop, so a round
    pays two concatenations and two selects instead of a slice and a select for every leaf."""
    good, good_other, rebuild = flatten(state)

    def cond(carry):
        i, _, _, _, diverged, _ = carry
        return (i < n) & ~diverged

    def body(carry):
        i, s, good, good_other, _, bufs = carry
        new, d_loss, g_loss = one_round(spec, s, hyper, mixture)
        new_flat, new_other, _ = flatten(new)
        finite = jnp.all(jnp.isfinite(new_flat)) & losses_finite(d_loss, g_loss, hyper)  # as ``checked``
        good = jnp.where(finite, new_flat, good)
        good_other = jnp.where(finite, new_other, good_other)
        bufs = tuple(b.at[i].set(loss) for b, loss in zip(bufs, (d_loss, g_loss)))
        return i + finite.astype(i.dtype), new, good, good_other, ~finite, bufs

    i, _, good, good_other, diverged, buffers = jax.lax.while_loop(
        cond, body, (jnp.zeros((), jnp.int32), state, good, good_other, jnp.zeros((), bool), buffers))
    return rebuild(good, good_other), i, diverged, buffers
