"""GAN training: pure functions over one state pytree; the only place that jits.

Vocabulary: a *step* is one optimizer update of D or of G; a *round* is ``k_d`` D steps
then ``k_g`` G steps (Goodfellow's algorithm with k = ``k_d``), or, when ``simultaneous`` is
set, one step of each network computed from the same point (a ``k`` of 0 still freezes that
network). ``State.step`` counts steps, so charts and budgets read the same whatever k is;
``GAN.run`` advances ``n`` rounds inside one compiled call.
Every hyperparameter a slider moves (``Hyper``) and the data mixture itself are traced
arguments, so changing them never recompiles; only shapes (networks, batch size, number of
modes) and the optimizer kind are compiled in.

Keys: the state carries one PRNG key; each round splits it into the next carry key and the
round's keys for D and G (``key_d``, ``key_g``; not to be confused with the step counts
``Hyper.k_d``, ``Hyper.k_g``), and the i-th D (or G) step of the round folds ``i`` into its
subkey, so no key is ever used twice and the same seed gives a bit-identical run.

Optimizers (``optim``): the run-time learning rate is set into the optimizer state inside
the compiled call; parameters named in ``frozen`` (e.g. ``"g.0.w"``) never move.

Size: this module is the one owner of ``jax.jit``; the training loop and the evaluation
frame share the ``GAN`` object's compiled pieces (networks, losses, key discipline), so
they stay in one class rather than being split across files that would each need them.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from gan_viz.core import losses, metrics, models, optim
from gan_viz.core.config import Config, Hyper, ModelConfig
from gan_viz.core.data import Mixture, sample

MAX_ROUNDS_PER_CALL = 1024  # size of the per-round loss buffer of one compiled call
MAX_PICTURES = 64  # pictures one round can be split into (``GAN.round_pictures``)
UNROLL_EPS_ROOT = 1e-12  # Adam's eps_root in the unrolled D steps (see optim.optimizer)
# Step i of a round draws its batch from child i of key_d (or key_g), and what only some runs need
# from child EXTRA_KEYS + i (k_d, k_g are far below): D step i's gradient-penalty interpolates, G step
# i's unrolled D steps. Runs that need neither draw exactly what they did before these existed.
EXTRA_KEYS = 2**20


class State(NamedTuple):
    """Everything a run needs to continue."""

    g_params: models.Params
    d_params: models.Params
    g_ema: models.Params  # moving average of g_params (equal to it when Hyper.g_ema = 0)
    g_opt: optax.OptState
    d_opt: optax.OptState
    step: jax.Array  # training steps done: one step is one update of D or of G
    d_updates: jax.Array  # discriminator updates applied
    g_updates: jax.Array  # generator updates applied
    key: jax.Array


class RunInfo(NamedTuple):
    """What one ``GAN.run`` call reports, as host numpy values.

    ``d_loss`` and ``g_loss`` hold one entry per completed round (NaN where that half of
    the round made no update, e.g. with ``k_g = 0``). ``diverged`` is True when a round
    produced a non-finite loss or parameter; the state returned is then the last finite
    one and the remaining rounds were not run.
    """

    d_loss: np.ndarray
    g_loss: np.ndarray
    rounds: int
    diverged: bool
    step: int  # the returned state's ``step``, read with the losses (no second device round trip)


def _all_finite(tree) -> jax.Array:
    leaves = jax.tree_util.tree_leaves(tree)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(x)) for x in leaves]))


class EvalSet(NamedTuple):
    """Fixed inputs for evaluation, so that successive frames are comparable."""

    z: jax.Array  # (EVAL_SAMPLES, latent_dim) latent noise
    real: jax.Array  # (EVAL_SAMPLES, 2) real samples


class Measures(NamedTuple):
    """The cheap part of a frame (``GAN.measure``): what the live view, charts and history read."""

    step: jax.Array
    fake: jax.Array  # (EVAL_SAMPLES, 2) generated from the fixed eval noise
    modes: metrics.ModeStats
    d_real: jax.Array  # mean D(x) on real samples
    d_fake: jax.Array  # mean D(G(z)) on fake samples
    value: jax.Array  # V(D, G); -log 4 at the equilibrium
    jsd: jax.Array
    d_surface: jax.Array  # (res, res) D on the grid, row i is x = grid.xs[i]


class TheoryView(NamedTuple):
    """The rest of a frame (``GAN.theory``): what only the Theory tab and the optional overlays
    draw; three generator gradients and a latent grid's image make it the costly part."""

    d_star: jax.Array  # (res, res) optimal D* = p_x / (p_x + p_g) on the grid
    g_arrows: jax.Array  # (ARROWS, 2) -grad_x of the generator loss at the first fakes
    g_grad_norms: jax.Array  # (3,) ||grad_theta L_G|| for minimax, non-saturating, least squares
    manifold: jax.Array  # (2, LINES, POINTS, 2) image of a latent grid; zeros unless latent is 2D


class Frame(NamedTuple):
    """Everything measured or drawn at one moment of a run (see ``metrics`` for definitions):
    the fields of ``Measures`` then those of ``TheoryView``, in that order."""

    step: jax.Array
    fake: jax.Array
    modes: metrics.ModeStats
    d_real: jax.Array
    d_fake: jax.Array
    value: jax.Array
    jsd: jax.Array
    d_surface: jax.Array
    d_star: jax.Array
    g_arrows: jax.Array
    g_grad_norms: jax.Array
    manifold: jax.Array


class View(NamedTuple):
    """What the live picture needs (``GAN.view``): samples, D on the grid, mode statistics."""

    fake: jax.Array  # (EVAL_SAMPLES, 2) generated from the fixed eval noise
    surface: jax.Array  # (res, res) ``surface_of`` D on the grid
    modes: metrics.ModeStats


class ArrowView(NamedTuple):
    """``View`` plus the arrows of the same state (``GAN.view_with_arrows``)."""

    fake: jax.Array
    surface: jax.Array
    modes: metrics.ModeStats
    arrows: jax.Array  # (ARROWS, 2) as ``TheoryView.g_arrows``


class Pictures(NamedTuple):
    """What the live view draws at moments inside one round (``GAN.round_pictures``); the
    first ``count`` entries are filled."""

    fake: jax.Array  # (MAX_PICTURES, n, 2) generated from the fixed eval noise
    surface: jax.Array  # (MAX_PICTURES, points) D on the grid's points
    step: jax.Array  # (MAX_PICTURES,) the step each picture shows
    count: jax.Array  # pictures taken


ARROWS = 150
MANIFOLD_LINES = 15
MANIFOLD_POINTS = 60


def _root_keys(seed: int) -> jax.Array:
    """The four independent keys of a run: G init, D init, training, evaluation."""
    return jax.random.split(jax.random.PRNGKey(seed), 4)


def _eval_keys(seed: int) -> jax.Array:
    """The evaluation set's two keys: its latent noise and its real samples."""
    return jax.random.split(_root_keys(seed)[3])


class GAN:
    """Compiled functions for one static configuration (shapes and optimizer kind).

    Build with ``make_gan(config)``, which caches instances so that every session and
    every call with the same shapes shares the same compiled code.
    """

    def __init__(self, model: ModelConfig, optimizer: str, beta1: float, beta2: float, batch_size: int,
                 unroll: int = 0, frozen: tuple[str, ...] = ()):
        optim.check_frozen(model, frozen)
        self.model = model
        self.batch_size = batch_size
        self.pack = model.pack
        self.draws = batch_size * model.pack  # samples of each kind a step draws (D sees batch_size packs)
        self.unroll = int(unroll)
        self.frozen = frozen
        self.g_tx = optim.optimizer(optimizer, beta1, beta2, "g", frozen)
        self.d_tx = optim.optimizer(optimizer, beta1, beta2, "d", frozen)
        self.d_tx_unrolled = optim.optimizer(optimizer, beta1, beta2, "d", frozen, eps_root=UNROLL_EPS_ROOT)
        self._run = jax.jit(self._run_impl)
        self._round_pictures = jax.jit(self._round_pictures_impl)
        self._evaluate = jax.jit(self._evaluate_impl)
        self._grad_norms = jax.jit(self._grad_norms_impl)
        self._view = jax.jit(self._view_impl, static_argnums=6)
        self._measure = jax.jit(self._measure_impl)
        self._theory_call = jax.jit(self._theory_impl)
        self._many = jax.jit(self._many_impl, static_argnums=5)
        self._init_many = jax.jit(jax.vmap(self.init))
        self._eval_noise_many = jax.jit(jax.vmap(self._eval_noise))
        self._mode_stats = jax.jit(
            lambda g_params, mixture, z: metrics.mode_stats(self.generate(g_params, z), mixture))
        self.compiles = 0  # incremented each time ``_run_impl`` is traced

    # -- model pieces --------------------------------------------------------------------------

    def init(self, seed: int) -> State:
        """A fresh state; the seed fixes the weights and every later sample."""
        m = self.model
        key_g, key_d, key_run, _ = _root_keys(seed)
        g_params = models.mlp_init(key_g, models.layer_sizes(m.latent_dim, m.g_depth, m.g_width, 2),
                                   m.init, m.init_gain)
        d_params = models.mlp_init(key_d, models.layer_sizes(2 * m.pack, m.d_depth, m.d_width, 1),
                                   m.init, m.init_gain)
        zero = jnp.zeros((), jnp.int32)
        return State(g_params, d_params, g_params, self.g_tx.init(g_params), self.d_tx.init(d_params),
                     zero, zero, zero, key_run)

    def generate(self, g_params: models.Params, z: jax.Array) -> jax.Array:
        return models.mlp_apply(g_params, z, self.model.activation)

    def logits(self, d_params: models.Params, x: jax.Array) -> jax.Array:
        """D's logit at each point of ``x`` (n, 2), shape (n,). A packing D (``pack`` > 1) sees the
        point in every slot of its input: what it says of a cloud of that one point."""
        if self.pack > 1:
            x = jnp.tile(x, (1,) * (x.ndim - 1) + (self.pack,))
        return models.discriminator_logits(d_params, x, self.model.activation, self.model.d_input_scale)

    def packed_logits(self, d_params: models.Params, x: jax.Array) -> jax.Array:
        """D's logit on ``x`` (n, 2) as it trains: ``pack`` consecutive samples side by side in one
        input, shape (n // pack,) (a remainder of fewer than ``pack`` samples is left out)."""
        if self.pack == 1:
            return models.discriminator_logits(d_params, x, self.model.activation, self.model.d_input_scale)
        n = x.shape[0] // self.pack
        return models.discriminator_logits(d_params, x[: n * self.pack].reshape(n, 2 * self.pack),
                                           self.model.activation, self.model.d_input_scale)

    def noise(self, key: jax.Array, n: int) -> jax.Array:
        return models.sample_noise(key, n, self.model.latent_dim, self.model.noise)

    def eval_set(self, seed: int, mixture: Mixture) -> EvalSet:
        """The fixed evaluation noise and real samples of a run."""
        _, key_real = _eval_keys(seed)
        return EvalSet(self._eval_noise(seed), sample(mixture, key_real, metrics.EVAL_SAMPLES))

    # -- losses and single updates -------------------------------------------------------------

    def d_objective(self, d_params, g_params, real, z, hyper: Hyper, key=None) -> jax.Array:
        """D's loss on a batch, plus R1 and (with a ``key`` for the interpolates) WGAN-GP's penalty
        when their weights are > 0."""
        fake = self.generate(g_params, z)
        loss = losses.d_loss(hyper.loss, self.packed_logits(d_params, real), self.packed_logits(d_params, fake))

        def r1(_):
            # R1 penalty (Mescheder et al. 2018): gamma/2 * E ||grad_x l(x)||^2 on real data.
            if self.pack > 1:  # x is a whole pack: the squared norms of its samples' gradients add up
                g = jax.grad(lambda x: jnp.sum(self.packed_logits(d_params, x)))(real)
                return 0.5 * hyper.r1_weight * jnp.sum(g**2) / (real.shape[0] // self.pack)
            g = jax.vmap(jax.grad(lambda x: self.logits(d_params, x[None])[0]))(real)
            return 0.5 * hyper.r1_weight * jnp.mean(jnp.sum(g**2, axis=-1))

        loss = loss + jax.lax.cond(hyper.r1_weight > 0, r1, lambda _: jnp.zeros(()), None)
        if key is None:
            return loss

        def gp(_):
            # WGAN-GP (Gulrajani et al. 2017): lambda * E (||grad f(x_hat)|| - 1)^2 at points x_hat on
            # the segments between real and generated inputs (one uniform weight per critic input)
            n = real.shape[0] // self.pack
            eps = jnp.repeat(jax.random.uniform(key, (n, 1)), self.pack, axis=0)
            x_hat = eps * real[: n * self.pack] + (1.0 - eps) * fake[: n * self.pack]
            g = jax.grad(lambda x: jnp.sum(self.packed_logits(d_params, x)))(x_hat)
            return hyper.gp_weight * losses.gradient_penalty(g.reshape(n, 2 * self.pack))

        return loss + jax.lax.cond(hyper.gp_weight > 0, gp, lambda _: jnp.zeros(()), None)

    def g_objective(self, g_params, d_params, z, hyper: Hyper) -> jax.Array:
        return losses.g_loss(hyper.loss, self.packed_logits(d_params, self.generate(g_params, z)))

    def _d_update(self, state: State, key, hyper: Hyper, mixture: Mixture, gp_key=None):
        key_real, key_z = jax.random.split(key)
        real = sample(mixture, key_real, self.draws)
        z = self.noise(key_z, self.draws)
        loss, grads = jax.value_and_grad(self.d_objective)(state.d_params, state.g_params, real, z, hyper, gp_key)
        d_params, d_opt = optim.apply(self.d_tx, grads, state.d_opt, state.d_params, hyper.lr_d)
        return state._replace(d_params=d_params, d_opt=d_opt, d_updates=state.d_updates + 1), loss

    def unrolled_g_objective(self, g_params, d_params, d_opt, z, hyper: Hyper, mixture: Mixture, key) -> jax.Array:
        """The unrolled GAN's generator loss (Metz et al. 2016): G's loss against the D that
        ``self.unroll`` more D steps (same optimizer, its state carried) would make from
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
            real, zd = sample(mixture, key_real, self.draws), self.noise(key_z, self.draws)
            grads = jax.grad(self.d_objective)(d, g_params, real, zd, hyper, key_gp)
            return optim.apply(self.d_tx_unrolled, grads, opt, d, hyper.lr_d)

        d, _ = jax.lax.fori_loop(0, self.unroll, d_step, (d_params, d_opt))
        loss = self.g_objective(g_params, d, z, hyper)

        def real_term(_):
            # minimax: G minimises the whole value V(G, D_K) = E log D_K(x) + E log(1 - D_K(G(z))), as
            # the paper and its reference do; E log D_K(x) depends on G through D_K's steps
            real = sample(mixture, jax.random.fold_in(key, self.unroll), self.draws)
            return -jnp.mean(jax.nn.softplus(-self.packed_logits(d, real)))

        return loss + jax.lax.cond(hyper.loss == losses.MINIMAX, real_term, lambda _: jnp.zeros(()), None)

    def _g_update(self, state: State, key, hyper: Hyper, d_params: models.Params, mixture: Mixture | None = None,
                  unroll_key=None):
        z = self.noise(key, self.draws)
        if self.unroll:
            loss, grads = jax.value_and_grad(self.unrolled_g_objective)(
                state.g_params, d_params, state.d_opt, z, hyper, mixture, unroll_key)
        else:
            loss, grads = jax.value_and_grad(self.g_objective)(state.g_params, d_params, z, hyper)
        g_params, g_opt = optim.apply(self.g_tx, grads, state.g_opt, state.g_params, hyper.lr_g)
        g_ema = jax.tree_util.tree_map(lambda e, p: hyper.g_ema * e + (1 - hyper.g_ema) * p,
                                       state.g_ema, g_params)
        return state._replace(g_params=g_params, g_ema=g_ema, g_opt=g_opt, g_updates=state.g_updates + 1), loss

    def round(self, state: State, hyper: Hyper, mixture: Mixture, shoot=None, pictures=None):
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
            s, loss = self._d_update(s, jax.random.fold_in(key_d, i), hyper, mixture,
                                     jax.random.fold_in(key_d, EXTRA_KEYS + i))
            return s, loss, take(pics, s, i + 1, total)

        state, d_loss, pictures = jax.lax.fori_loop(0, n_d, d_body, (state, nan, pictures))

        def g_body(i, carry):
            s, _, pics = carry
            d_params = jax.tree_util.tree_map(
                lambda old, new: jnp.where(hyper.simultaneous, old, new), d_before, s.d_params)
            # the unrolled D steps draw from key_g's children past every G step's (key_g is only a parent)
            s, loss = self._g_update(s, jax.random.fold_in(key_g, i), hyper, d_params, mixture,
                                     jax.random.fold_in(key_g, EXTRA_KEYS + i) if self.unroll else None)
            return s, loss, take(pics, s, n_d + i + 1, total)

        state, g_loss, pictures = jax.lax.fori_loop(0, n_g, g_body, (state, nan, pictures))
        state = state._replace(step=state.step + total)
        return (state, d_loss, g_loss) if shoot is None else (state, d_loss, g_loss, pictures)

    def _checked(self, old: State, new: State, d_loss, g_loss, hyper: Hyper):
        """``new`` if the round left everything finite, else ``old``; and whether it was finite."""
        # the whole state, optimizer moments included: an inf there stalls training for good
        finite = _all_finite(new)
        finite &= (jnp.isfinite(d_loss) | (hyper.k_d == 0)) & (jnp.isfinite(g_loss) | (hyper.k_g == 0))
        return jax.tree_util.tree_map(lambda a, b: jnp.where(finite, a, b), new, old), finite

    def _rounds(self, state: State, hyper: Hyper, mixture: Mixture, n: jax.Array, buffers: tuple = ()):
        """Up to ``n`` rounds, stopping at the first that is not finite (its state is dropped);
        each round's D and G losses go into ``buffers`` (none, or a D and a G buffer) at its index.
        Returns ``(state, rounds_done, diverged, buffers)``."""
        def cond(carry):
            i, _, diverged, _ = carry
            return (i < n) & ~diverged

        def body(carry):
            i, s, _, bufs = carry
            new, d_loss, g_loss = self.round(s, hyper, mixture)
            s, finite = self._checked(s, new, d_loss, g_loss, hyper)
            bufs = tuple(b.at[i].set(loss) for b, loss in zip(bufs, (d_loss, g_loss)))
            return i + finite.astype(i.dtype), s, ~finite, bufs

        i, state, diverged, buffers = jax.lax.while_loop(
            cond, body, (jnp.zeros((), jnp.int32), state, jnp.zeros((), bool), buffers))
        return state, i, diverged, buffers

    def _run_impl(self, state: State, hyper: Hyper, mixture: Mixture, n: jax.Array):
        self.compiles += 1  # Python side effect: runs only while tracing
        buf = jnp.full((MAX_ROUNDS_PER_CALL,), jnp.nan)
        state, i, diverged, (d_buf, g_buf) = self._rounds(state, hyper, mixture, n, (buf, buf))
        return state, d_buf, g_buf, i, diverged

    def _many_impl(self, states: State, hypers: Hyper, mixture: Mixture, n: jax.Array, z: jax.Array,
                   batched: tuple[bool, ...]):
        def one(state, hyper, n, z):  # as ``run``, without the loss buffer
            state, done, diverged, _ = self._rounds(state, hyper, mixture, n)
            return state, done, diverged, metrics.mode_stats(self.generate(state.g_ema, z), mixture)

        hyper_axes = Hyper(*(0 if b else None for b in batched))
        return jax.vmap(one, in_axes=(0, hyper_axes, 0, 0))(states, hypers, n, z)

    def init_many(self, seeds: jax.Array) -> State:
        """``init`` for each seed, stacked along a leading run axis."""
        return self._init_many(jnp.asarray(seeds, jnp.int32))

    def eval_noise_many(self, seeds: jax.Array) -> jax.Array:
        """Each seed's fixed evaluation noise (``eval_set(seed, ...).z``), stacked: (runs, n, latent)."""
        return self._eval_noise_many(jnp.asarray(seeds, jnp.int32))

    def _eval_noise(self, seed: jax.Array) -> jax.Array:
        key_z, _ = _eval_keys(seed)
        return self.noise(key_z, metrics.EVAL_SAMPLES)

    def run_many(self, states: State, hypers: Hyper, mixture: Mixture, n: jax.Array, z: jax.Array,
                 batched: tuple[bool, ...]):
        """Many runs of these shapes at once, in one compiled call: run ``r`` advances up to
        ``n[r]`` rounds (as ``run``) from ``states[r]`` with its hyperparameters, then its mode
        statistics are taken on its evaluation noise ``z[r]``.

        ``states``, ``n`` and ``z`` carry a leading run axis; so does each ``Hyper`` field whose
        ``batched`` flag is set, the others are one value for all runs (so a loop bound or an R1
        branch that no run varies stays a plain loop or branch under ``vmap``). A run that
        diverges keeps its last finite state and stops; the others go on. The arrays may be
        sharded along the run axis over several devices (``gan_viz.core.parallel``); the result
        keeps that sharding. Returns ``(states, rounds_done, diverged, mode_stats)``, on the device.
        """
        return self._many(states, hypers, mixture, n, z, tuple(bool(b) for b in batched))

    def _round_pictures_impl(self, state: State, hyper: Hyper, mixture: Mixture, z: jax.Array,
                             points: jax.Array, every: jax.Array):
        start = state.step
        empty = Pictures(jnp.zeros((MAX_PICTURES, z.shape[0], 2)), jnp.zeros((MAX_PICTURES, points.shape[0])),
                         jnp.zeros((MAX_PICTURES,), jnp.int32), jnp.zeros((), jnp.int32))

        def shoot(pics: Pictures, s: State, done, total):
            def snap(p: Pictures) -> Pictures:
                i = p.count
                fake, surface = self._picture(s.g_ema, s.d_params, z, points, hyper.loss)
                return Pictures(p.fake.at[i].set(fake), p.surface.at[i].set(surface),
                                p.step.at[i].set(start + done), i + 1)

            due = ((done % every == 0) | (done == total)) & (pics.count < MAX_PICTURES)
            return jax.lax.cond(due, snap, lambda p: p, pics)

        new, d_loss, g_loss, pics = self.round(state, hyper, mixture, shoot, empty)
        state, finite = self._checked(state, new, d_loss, g_loss, hyper)
        modes = metrics.mode_stats(self.generate(state.g_ema, z), mixture)
        return state, d_loss, g_loss, pics, modes, ~finite

    def run(self, state: State, hyper: Hyper, mixture: Mixture, n: int) -> tuple[State, RunInfo]:
        """Advances up to ``n`` rounds; stops early (keeping the last finite state) on divergence."""
        d_all, g_all, done = [], [], 0
        diverged = False
        if n <= 0:  # compiles (once per shape) without training
            state, *_ = self._run(state, hyper, mixture, jnp.asarray(0, jnp.int32))
        step = None
        while done < n and not diverged:
            chunk = min(n - done, MAX_ROUNDS_PER_CALL)
            state, *out = self._run(state, hyper, mixture, jnp.asarray(chunk, jnp.int32))
            # one device-to-host copy per call: the loss buffers are trimmed here, not on the device
            d_buf, g_buf, i, div, step = jax.device_get((*out, state.step))
            i = int(i)
            d_all.append(d_buf[:i])
            g_all.append(g_buf[:i])
            done += i
            diverged = bool(div)
        cat = (lambda xs: np.concatenate(xs) if xs else np.zeros((0,), np.float32))
        return state, RunInfo(cat(d_all), cat(g_all), done, diverged, int(state.step if step is None else step))

    def round_pictures(self, state: State, hyper: Hyper, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
                       every: int) -> tuple[State, RunInfo, Pictures, metrics.ModeStats]:
        """One round, as ``run(state, ..., 1)``, with a picture (generated samples and D on the grid)
        after every ``every``-th step of it and at its end: slow motion finer than a round (a D
        phase shows D learning, a G phase the samples moving). At most ``MAX_PICTURES``; also
        returns the mode statistics of the round's end. On divergence the state is the one
        before the round and ``RunInfo.rounds`` is 0.

        Pictures and mode statistics are host numpy arrays, trimmed to the pictures taken.
        """
        new, d_loss, g_loss, pics, modes, diverged = self._round_pictures(
            state, hyper, mixture, ev.z, grid.points, jnp.asarray(max(int(every), 1), jnp.int32))
        pics, modes, d_loss, g_loss, diverged, step = jax.device_get((pics, modes, d_loss, g_loss, diverged, new.step))
        n = int(pics.count)
        res = grid.xs.shape[0]
        pics = Pictures(pics.fake[:n], pics.surface[:n].reshape(n, res, res), pics.step[:n], n)
        done = 0 if diverged else 1
        info = RunInfo(np.asarray([d_loss])[:done], np.asarray([g_loss])[:done], done, bool(diverged), int(step))
        return new, info, pics, modes


    # -- evaluation ----------------------------------------------------------------------------

    def _grad_norms_impl(self, g_params, d_params, z):
        def norm(index):
            hyper = _loss_only_hyper(index)
            grads = jax.grad(self.g_objective)(g_params, d_params, z, hyper)
            return optax.tree.norm(grads)

        return jnp.stack([norm(i) for i in range(len(losses.PROBABILITY_LOSSES))])

    def generator_grad_norms(self, state: State, z: jax.Array) -> np.ndarray:
        """||grad_theta L_G|| for each loss (minimax, non-saturating, least squares) at ``state``."""
        return np.asarray(self._grad_norms(state.g_params, state.d_params, z))

    def _manifold(self, g_params) -> jax.Array:
        if self.model.latent_dim != 2:
            return jnp.zeros((2, MANIFOLD_LINES, MANIFOLD_POINTS, 2))
        lim = 2.5 if self.model.noise == "gaussian" else 1.0
        a = jnp.linspace(-lim, lim, MANIFOLD_LINES)
        b = jnp.linspace(-lim, lim, MANIFOLD_POINTS)
        ga, gb = jnp.meshgrid(a, b, indexing="ij")  # (LINES, POINTS)
        rows = jnp.stack([ga, gb], axis=-1)  # z1 fixed along each line
        cols = jnp.stack([gb, ga], axis=-1)  # z2 fixed along each line
        return self.generate(g_params, jnp.stack([rows, cols]))

    def _arrows(self, d_params, fake, loss) -> jax.Array:
        """-grad_x of each sample's generator loss at the first ``ARROWS`` of ``fake``: where D
        pushes them."""
        def sample_loss(x):
            return losses.g_loss(loss, self.logits(d_params, x[None]))

        return -jax.vmap(jax.grad(sample_loss))(fake[:ARROWS])

    def _measures(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid, loss: jax.Array,
                  fake: jax.Array, dens: metrics.DensityView) -> Measures:
        real_logits = self.packed_logits(state.d_params, ev.real)
        fake_logits = self.packed_logits(state.d_params, fake)
        res = grid.xs.shape[0]
        return Measures(
            step=state.step,
            fake=fake,
            modes=metrics.mode_stats(fake, mixture),
            d_real=jnp.mean(jax.nn.sigmoid(real_logits)),
            d_fake=jnp.mean(jax.nn.sigmoid(fake_logits)),
            value=losses.value(real_logits, fake_logits),
            jsd=dens.jsd,
            d_surface=surface_of(self.logits(state.d_params, grid.points), loss).reshape(res, res),
        )

    def _theory(self, state: State, ev: EvalSet, loss: jax.Array, fake: jax.Array,
                dens: metrics.DensityView) -> TheoryView:
        return TheoryView(
            d_star=dens.d_star,
            g_arrows=self._arrows(state.d_params, fake, loss),
            g_grad_norms=self._grad_norms_impl(state.g_params, state.d_params, ev.z[:512]),
            manifold=self._manifold(state.g_ema),
        )

    def _fake_and_density(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid):
        """The samples and the grid densities that ``measure`` and ``theory`` share. The two densities
        pass an optimization barrier, so that every program (measure, theory or both) computes them
        whole and then the JSD from them: the same fusion, the same bits in each."""
        fake = self.generate(state.g_ema, ev.z)
        dens = metrics.density_view(fake, mixture, grid)
        p, q = jax.lax.optimization_barrier((dens.p_x, dens.p_g))
        return fake, metrics.DensityView(metrics.jsd_from_densities(p, q, grid.cell**2),
                                         metrics.optimal_discriminator(p, q), p, q)

    def _measure_impl(self, state, mixture, ev, grid, loss) -> Measures:
        return self._measures(state, mixture, ev, grid, loss, *self._fake_and_density(state, mixture, ev, grid))

    def _theory_impl(self, state, mixture, ev, grid, loss) -> TheoryView:
        return self._theory(state, ev, loss, *self._fake_and_density(state, mixture, ev, grid))

    def _evaluate_impl(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
                       loss: jax.Array) -> Frame:
        fake, dens = self._fake_and_density(state, mixture, ev, grid)
        return Frame(*self._measures(state, mixture, ev, grid, loss, fake, dens),
                     *self._theory(state, ev, loss, fake, dens))

    def _picture(self, g_ema, d_params, z, points, loss):
        """What the live view draws: the generated samples and D on the (flat) grid points."""
        return self.generate(g_ema, z), surface_of(self.logits(d_params, points), loss)

    def _view_impl(self, g_ema, d_params, z, points, mixture, loss, arrows: bool):
        res = int(round(points.shape[0] ** 0.5))
        fake, surface = self._picture(g_ema, d_params, z, points, loss)
        view = View(fake, surface.reshape(res, res), metrics.mode_stats(fake, mixture))
        return ArrowView(*view, self._arrows(d_params, fake, loss)) if arrows else view

    def view(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
             loss: str | int = "non_saturating") -> View:
        """What the live picture needs, cheaply, in one compiled call: generated samples, D on the
        grid (``surface_of``), mode stats. Arrays stay on the device (one ``jax.device_get`` copies
        them all)."""
        return self._view(state.g_ema, state.d_params, ev.z, grid.points, mixture, _loss_array(loss), False)

    def view_with_arrows(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
                         loss: str | int = "non_saturating") -> ArrowView:
        """``view`` plus the gradient arrows of this same state (``TheoryView.g_arrows``, equal to
        ``evaluate``'s), in the same one compiled call: a frame draws its own arrows."""
        return self._view(state.g_ema, state.d_params, ev.z, grid.points, mixture, _loss_array(loss), True)

    def mode_stats(self, state: State, mixture: Mixture, ev: EvalSet) -> metrics.ModeStats:
        """Only the mode statistics of ``state`` (cheaper than ``evaluate``)."""
        return self._mode_stats(state.g_ema, mixture, ev.z)

    def measure(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
                loss: str | int = "non_saturating") -> Measures:
        """The cheap part of ``evaluate`` (step, samples, mode stats, D's means, V, JSD, D's
        surface), the same numbers, without the theory-only part; arrays stay on the device."""
        return self._measure(state, mixture, ev, grid, _loss_array(loss))

    def theory(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
               loss: str | int = "non_saturating") -> TheoryView:
        """The theory-only part of ``evaluate`` (D*, the arrows, the three gradient norms, the
        manifold), the same numbers; arrays stay on the device."""
        return self._theory_call(state, mixture, ev, grid, _loss_array(loss))

    def evaluate(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
                 loss: str | int = "non_saturating") -> Frame:
        """Measures ``state`` on the fixed evaluation set: ``measure`` and ``theory`` together, in
        one compiled call (the samples and densities they share computed once); arrays stay on
        the device."""
        return self._evaluate(state, mixture, ev, grid, _loss_array(loss))


def surface_of(logits: jax.Array, loss: jax.Array) -> jax.Array:
    """What the pictures colour at each grid point, in [0, 1]: D(x) = sigmoid(l(x)) for the
    probability losses; for the critic of ``wasserstein`` (a score, not a probability, with an
    arbitrary offset) sigmoid((f - median f) / std f) over the grid: 1/2 on its median level,
    above 1/2 where it rates inputs more real than that."""
    def critic(f):
        return jax.nn.sigmoid((f - jnp.median(f)) / (jnp.std(f) + 1e-6))

    return jax.lax.cond(loss == losses.WASSERSTEIN, critic, jax.nn.sigmoid, logits)


def _loss_array(loss: str | int | jax.Array) -> jax.Array:
    return jnp.asarray(losses.loss_index(loss) if isinstance(loss, str) else loss, jnp.int32)


def _loss_only_hyper(index: int) -> Hyper:
    zero = jnp.zeros((), jnp.float32)
    return Hyper(zero, zero, jnp.zeros((), jnp.int32), jnp.zeros((), jnp.int32),
                 jnp.asarray(index, jnp.int32), jnp.zeros((), bool), zero, zero, zero)


@functools.lru_cache(maxsize=16)
def _cached_gan(model: ModelConfig, optimizer: str, beta1: float, beta2: float, batch_size: int,
                unroll: int, frozen: tuple[str, ...]) -> GAN:
    return GAN(model, optimizer, beta1, beta2, batch_size, unroll, frozen)


def make_gan(config: Config, frozen: tuple[str, ...] = ()) -> GAN:
    """The shared compiled ``GAN`` for this configuration's shapes and optimizer kind.

    Args:
        config: the run configuration; only its static part (shapes, ``COMPILED_TRAIN_KEYS``)
            matters here.
        frozen: parameters that never move, named ``net.layer.param`` (``"g.0.w"``: the
            generator's first weight matrix). Part of the compiled configuration.
    """
    return _cached_gan(config.model, **config.compiled_train(), frozen=tuple(sorted(frozen)))
