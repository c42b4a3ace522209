"""The ``Trainer``: the one owner of ``jax.jit`` in gan_viz, compiling the pure functions of
``spec``, ``step`` and ``evaluation`` once per static configuration.

``make_trainer(config)`` gives the shared instance for a configuration's ``Spec`` (cached), so
every session and every call with the same shapes shares the same compiled code. ``run``
advances many rounds in compiled calls of at most ``MAX_ROUNDS_PER_CALL`` rounds (a
``while_loop`` with one loss buffer per call); ``run_many`` trains a stack of runs at once
(``vmap``, shardable over devices); the evaluation calls (``measure``, ``theory``,
``evaluate``, ``view``, ``round_pictures``) take the state and the fixed evaluation set.
Optimizers (``optim``): the run-time learning rate is set into the optimizer state inside the
compiled call; parameters named in ``frozen`` (e.g. ``"g.0.w"``) never move.

The loss travels as a ``Hyper`` array, so changing it never recompiles, with one exception: the
unrolled GAN's training calls compile the loss in (``losses.fixed``), once per loss at its first
use. Its G step differentiates through D's steps, so an array loss index differentiates all ten
losses' branches twice; compiling the look-ahead of one loss takes about half as long (7 s
against 15 s for ring8-healthy with 5 look-ahead steps, ``scripts/compile_time.py``).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from gan_viz.core import evaluation, losses, metrics, spec, step
from gan_viz.core.config import Config, ModelConfig
from gan_viz.core.data import Mixture
from gan_viz.core.hyper import Hyper
from gan_viz.core.state import ArrowView, EvalSet, Frame, Launched, Measures, Pictures, RunInfo, State, TheoryView, View

MAX_ROUNDS_PER_CALL = 1024  # size of the per-round loss buffer of one compiled call


class Trainer:
    """Compiled functions for one static configuration (shapes and optimizer kind).

    Build with ``make_trainer(config)``, which caches instances. The networks and objectives are
    also available uncompiled (``generate``, ``logits``, ``d_objective``, ...), for use inside
    one's own ``jax.jit``; the objectives differentiate in reverse mode (``jax.grad``, to any
    order), not with ``jax.jvp`` (their loss and penalty branches are ``jax.custom_vjp``). Every
    array result stays on the device unless a method says otherwise.
    """

    def __init__(self, model: ModelConfig, optimizer: str, beta1: float, beta2: float, batch_size: int,
                 unroll: int = 0, frozen: tuple[str, ...] = ()):
        self._compile(spec.make_spec(model, optimizer, beta1, beta2, batch_size, unroll, frozen))

    @classmethod
    def of_spec(cls, s: spec.Spec) -> Trainer:
        """A trainer for a ``Spec`` built by hand (other optax transforms, say); not cached."""
        trainer = cls.__new__(cls)
        trainer._compile(s)
        return trainer

    def _compile(self, s: spec.Spec) -> None:
        """Wraps each pure function of ``s`` in its ``jax.jit`` (compiled at its first call)."""
        self.spec = s
        self.losses_compiled: set[int] = set()  # the unrolled GAN's losses compiled in so far
        self._run = jax.jit(functools.partial(_run_calls, s), static_argnames="loss")
        self._many = jax.jit(functools.partial(_many_calls, s), static_argnums=5, static_argnames="loss")
        self._init_many = jax.jit(jax.vmap(functools.partial(spec.init, s)))
        self._eval_noise_many = jax.jit(jax.vmap(functools.partial(evaluation.eval_noise, s)))
        self._round_pictures = jax.jit(functools.partial(_round_pictures_call, s), static_argnames="loss")
        self._evaluate = jax.jit(functools.partial(evaluation.evaluate, s))
        self._measure = jax.jit(functools.partial(evaluation.measure, s))
        self._theory = jax.jit(functools.partial(evaluation.theory, s))
        self._view = jax.jit(functools.partial(evaluation.view, s), static_argnums=6)
        self._grad_norms = jax.jit(functools.partial(evaluation.grad_norms, s))
        self._mode_stats = jax.jit(functools.partial(evaluation.mode_stats, s))

    # -- the static configuration -------------------------------------------------------------

    model = property(lambda self: self.spec.model)
    batch_size = property(lambda self: self.spec.batch_size)
    pack = property(lambda self: self.spec.pack)
    draws = property(lambda self: self.spec.draws)
    unroll = property(lambda self: self.spec.unroll)
    frozen = property(lambda self: self.spec.frozen)
    g_tx = property(lambda self: self.spec.g_tx)
    d_tx = property(lambda self: self.spec.d_tx)
    d_tx_unrolled = property(lambda self: self.spec.d_tx_unrolled)

    @property
    def compiles(self) -> int:
        """How many times the training call has been compiled (once per argument shape, and for
        the unrolled GAN once per loss): read from its jit cache, so changing a ``Hyper`` value
        (the unrolled GAN's loss aside) or a mixture's weights must leave it unchanged."""
        return self._run._cache_size()

    def compiled_loss(self, hyper: Hyper) -> int | None:
        """The loss the training calls compile in for ``hyper`` (the module docstring): its index
        for the unrolled GAN, read from ``hyper.loss`` (one value, or one per run that must all be
        equal), else ``None`` (the loss stays a run-time array)."""
        if not self.spec.unroll:
            return None
        loss = hyper.loss
        if isinstance(loss, jax.Array) and not loss.is_fully_addressable:  # replicated over hosts
            loss = loss.addressable_data(0)
        values = np.unique(np.asarray(jax.device_get(loss)))
        if values.size != 1:
            raise ValueError("the unrolled GAN compiles its loss in: one call trains one loss, not "
                             f"{values.size} (group the runs by loss)")
        self.losses_compiled.add(int(values[0]))
        return int(values[0])

    def compiles_loss(self, loss: str | int) -> bool:
        """Whether training with ``loss`` would compile the training call first: the unrolled
        GAN's first call with a loss it has not trained yet (``compiled_loss``)."""
        index = loss if isinstance(loss, int) else losses.loss_index(loss)
        return bool(self.spec.unroll) and index not in self.losses_compiled

    # -- uncompiled pieces (see ``spec`` and ``step``) ------------------------------------------

    def init(self, seed: int | jax.Array) -> State:
        """A fresh state; the seed fixes the weights and every later sample."""
        return spec.init(self.spec, seed)

    def generate(self, g_params, z: jax.Array) -> jax.Array:
        return spec.generate(self.spec, g_params, z)

    def logits(self, d_params, x: jax.Array) -> jax.Array:
        return spec.logits(self.spec, d_params, x)

    def packed_logits(self, d_params, x: jax.Array) -> jax.Array:
        return spec.packed_logits(self.spec, d_params, x)

    def noise(self, key: jax.Array, n: int) -> jax.Array:
        return spec.noise(self.spec, key, n)

    def d_objective(self, d_params, g_params, real, z, hyper: Hyper, eps=None) -> jax.Array:
        return step.d_objective(self.spec, d_params, g_params, real, z, hyper, eps)

    def g_objective(self, g_params, d_params, z, hyper: Hyper) -> jax.Array:
        return step.g_objective(self.spec, g_params, d_params, z, hyper)

    def unrolled_g_objective(self, g_params, d_params, d_opt, z, hyper: Hyper, mixture: Mixture, w) -> jax.Array:
        """``w``: the look-ahead's random words (``step.g_words`` less the latent batch's)."""
        return step.unrolled_g_objective(self.spec, g_params, d_params, d_opt, z, hyper, mixture, w)

    def round(self, state: State, hyper: Hyper, mixture: Mixture, shoot=None, pictures=None):
        """One round, uncompiled: ``(state, d_loss, g_loss)``, and the pictures with ``shoot``
        (``step.one_round``)."""
        return step.one_round(self.spec, state, hyper, mixture, shoot, pictures)

    # -- training ------------------------------------------------------------------------------

    def launch(self, state: State, hyper: Hyper, mixture: Mixture, n: int) -> tuple[State, Launched]:
        """One compiled call of ``n`` rounds (0 to ``MAX_ROUNDS_PER_CALL``; 0 compiles without
        training), stopping early on divergence; nothing is copied to the host, so a live frame
        reads the ``Launched`` report with its picture in one copy (``RunInfo.of`` then reads it)."""
        if not 0 <= n <= MAX_ROUNDS_PER_CALL:
            raise ValueError(f"one call trains 0 to {MAX_ROUNDS_PER_CALL} rounds, not {n}")
        state, d_buf, g_buf, done, diverged = self._run(state, hyper, mixture, jnp.asarray(n, jnp.int32),
                                                        loss=self.compiled_loss(hyper))
        return state, Launched(d_buf, g_buf, done, diverged, state.step)

    def run(self, state: State, hyper: Hyper, mixture: Mixture, n: int) -> tuple[State, RunInfo]:
        """Advances up to ``n`` rounds in calls of at most ``MAX_ROUNDS_PER_CALL``, reading each
        call's report in one device-to-host copy; stops early (keeping the last finite state) on
        divergence."""
        state, launched = self.launch(state, hyper, mixture, min(max(n, 0), MAX_ROUNDS_PER_CALL))
        parts = [RunInfo.of(jax.device_get(launched))]
        while sum(p.rounds for p in parts) < n and not parts[-1].diverged:
            chunk = min(n - sum(p.rounds for p in parts), MAX_ROUNDS_PER_CALL)
            state, launched = self.launch(state, hyper, mixture, chunk)
            parts.append(RunInfo.of(jax.device_get(launched)))
        return state, RunInfo(np.concatenate([p.d_loss for p in parts]), np.concatenate([p.g_loss for p in parts]),
                              sum(p.rounds for p in parts), parts[-1].diverged, parts[-1].step)

    def init_many(self, seeds: jax.Array) -> State:
        """``init`` for each seed, stacked along a leading run axis."""
        return self._init_many(jnp.asarray(seeds, jnp.int32))

    def eval_noise_many(self, seeds: jax.Array) -> jax.Array:
        """Each seed's fixed evaluation noise (``eval_set(seed, ...).z``), stacked: (runs, n, latent)."""
        return self._eval_noise_many(jnp.asarray(seeds, jnp.int32))

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
        return self._many(states, hypers, mixture, n, z, tuple(bool(b) for b in batched),
                          loss=self.compiled_loss(hypers))

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
            state, hyper, mixture, ev.z, grid.points, jnp.asarray(max(int(every), 1), jnp.int32),
            loss=self.compiled_loss(hyper))
        pics, modes, d_loss, g_loss, diverged, at = jax.device_get((pics, modes, d_loss, g_loss, diverged, new.step))
        n = int(pics.count)
        res = grid.xs.shape[0]
        pics = Pictures(pics.fake[:n], pics.surface[:n].reshape(n, res, res), pics.step[:n], n)
        done = 0 if diverged else 1
        info = RunInfo(np.asarray([d_loss])[:done], np.asarray([g_loss])[:done], done, bool(diverged), int(at))
        return new, info, pics, modes

    # -- evaluation ----------------------------------------------------------------------------

    def eval_set(self, seed: int, mixture: Mixture) -> EvalSet:
        """The fixed evaluation noise and real samples of a run."""
        return evaluation.eval_set(self.spec, seed, mixture)

    def measure(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
                loss: str | int = "non_saturating") -> Measures:
        """The cheap part of ``evaluate`` (step, samples, mode stats, D's means, V, JSD, D's
        surface), the same numbers, without the theory-only part."""
        measures, _ = self._measure(state, mixture, ev, grid, evaluation.loss_array(loss))
        return measures

    def theory(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
               loss: str | int = "non_saturating") -> TheoryView:
        """The theory-only part of ``evaluate`` (D*, the arrows, the three gradient norms, the
        manifold), the same numbers."""
        return self._theory(state, mixture, ev, grid, evaluation.loss_array(loss))

    def evaluate(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
                 loss: str | int = "non_saturating") -> Frame:
        """Measures ``state`` on the fixed evaluation set: ``measure`` and ``theory`` together, in
        one compiled call (the samples and densities they share computed once)."""
        return self._evaluate(state, mixture, ev, grid, evaluation.loss_array(loss))

    def view(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
             loss: str | int = "non_saturating") -> View:
        """What the live picture needs, cheaply, in one compiled call: generated samples, D on the
        grid (``evaluation.surface_of``), mode stats (one ``jax.device_get`` copies them all)."""
        return self._view(state.g_ema, state.d_params, ev.z, grid.points, mixture,
                          evaluation.loss_array(loss), False)

    def view_with_arrows(self, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
                         loss: str | int = "non_saturating") -> ArrowView:
        """``view`` plus the gradient arrows of this same state (``TheoryView.g_arrows``, equal to
        ``evaluate``'s), in the same one compiled call: a frame draws its own arrows."""
        return self._view(state.g_ema, state.d_params, ev.z, grid.points, mixture,
                          evaluation.loss_array(loss), True)

    def mode_stats(self, state: State, mixture: Mixture, ev: EvalSet) -> metrics.ModeStats:
        """Only the mode statistics of ``state`` (cheaper than ``evaluate``)."""
        return self._mode_stats(state.g_ema, mixture, ev.z)

    def generator_grad_norms(self, state: State, z: jax.Array) -> np.ndarray:
        """||grad_theta L_G|| for each loss (minimax, non-saturating, least squares) at ``state``,
        as host numpy."""
        return np.asarray(self._grad_norms(state.g_params, state.d_params, z))


def _with_loss(hyper: Hyper, loss: int | None) -> Hyper:
    """``hyper`` with the loss compiled in (a Python int, ``Trainer.compiled_loss``), if one is given."""
    return hyper if loss is None else hyper._replace(loss=loss)


def _run_calls(s: spec.Spec, state: State, hyper: Hyper, mixture: Mixture, n: jax.Array, loss: int | None = None):
    """One compiled call of ``Trainer.run``: up to ``n`` rounds, their losses in two buffers."""
    hyper = _with_loss(hyper, loss)
    buf = jnp.full((MAX_ROUNDS_PER_CALL,), jnp.nan)
    state, i, diverged, (d_buf, g_buf) = step.rounds(s, state, hyper, mixture, n, (buf, buf))
    return state, d_buf, g_buf, i, diverged


def _many_calls(s: spec.Spec, states: State, hypers: Hyper, mixture: Mixture, n: jax.Array, z: jax.Array,
                batched: tuple[bool, ...], loss: int | None = None):
    """One compiled call of ``Trainer.run_many``: ``run`` without the loss buffer, vmapped over runs."""
    def one(state, hyper, n, z):
        state, done, diverged, _ = step.rounds(s, state, _with_loss(hyper, loss), mixture, n)
        return state, done, diverged, evaluation.mode_stats(s, state.g_ema, mixture, z)

    hyper_axes = Hyper(*(0 if b else None for b in batched))
    return jax.vmap(one, in_axes=(0, hyper_axes, 0, 0))(states, hypers, n, z)


def _round_pictures_call(s: spec.Spec, state: State, hyper: Hyper, mixture: Mixture, z: jax.Array,
                         points: jax.Array, every: jax.Array, loss: int | None = None):
    """One compiled call of ``Trainer.round_pictures`` (``evaluation.round_pictures``)."""
    return evaluation.round_pictures(s, state, _with_loss(hyper, loss), mixture, z, points, every)


@functools.lru_cache(maxsize=16)
def _cached(model: ModelConfig, optimizer: str, beta1: float, beta2: float, batch_size: int,
            unroll: int, frozen: tuple[str, ...]) -> Trainer:
    return Trainer(model, optimizer, beta1, beta2, batch_size, unroll, frozen)


def make_trainer(config: Config, frozen: tuple[str, ...] = ()) -> Trainer:
    """The shared compiled ``Trainer`` for this configuration's shapes and optimizer kind.

    Args:
        config: the run configuration; only its static part (shapes, ``COMPILED_TRAIN_KEYS``)
            matters here.
        frozen: parameters that never move, named ``net.layer.param`` (``"g.0.w"``: the
            generator's first weight matrix). Part of the compiled configuration.
    """
    return _cached(config.model, **config.compiled_train(), frozen=tuple(sorted(frozen)))
