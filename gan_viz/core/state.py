"""The values a run is made of: the state pytree, what a training call reports, the fixed
evaluation set, what an evaluation or a picture returns, and the keys a seed gives.

Plain ``NamedTuple`` pytrees and two key derivations; no computation beyond splitting keys.
Every other core module reads these (``step`` trains a ``State``, ``evaluation`` measures one,
``trainer`` compiles both).

Keys: a seed gives four independent keys (``root_keys``): G's initial weights, D's, the
training key the state carries, and the evaluation set's (``eval_keys`` splits it into the
evaluation noise's key and the real samples' key).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import numpy as np
import optax

from gan_viz.core import metrics, models

ARROWS = 150  # gradient arrows an evaluation draws (the first ARROWS generated samples)
MANIFOLD_LINES = 15  # lines of the latent grid whose image is the generator manifold
MANIFOLD_POINTS = 60  # points along each of those lines
MAX_PICTURES = 64  # pictures one round can be split into (``Trainer.round_pictures``)


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
    """What one ``Trainer.run`` call reports, as host numpy values.

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

    @classmethod
    def of(cls, launched: Launched) -> RunInfo:
        """The report of one compiled call, from its ``Launched`` copied to the host (the loss
        buffers trimmed to the rounds done)."""
        i = int(launched.rounds)
        return cls(np.asarray(launched.d_loss)[:i], np.asarray(launched.g_loss)[:i], i,
                   bool(launched.diverged), int(launched.step))


class Launched(NamedTuple):
    """One compiled training call's report, still on the device (``Trainer.launch``), so that a
    caller reads it in the same device-to-host copy as what it draws of the new state."""

    d_loss: jax.Array  # (MAX_ROUNDS_PER_CALL,) one entry per round done, NaN past them
    g_loss: jax.Array
    rounds: jax.Array  # rounds done
    diverged: jax.Array
    step: jax.Array  # the new state's step


class EvalSet(NamedTuple):
    """Fixed inputs for evaluation, so that successive frames are comparable."""

    z: jax.Array  # (EVAL_SAMPLES, latent_dim) latent noise
    real: jax.Array  # (EVAL_SAMPLES, 2) real samples


class Measures(NamedTuple):
    """The cheap part of a frame (``Trainer.measure``): what the live view, charts and history read."""

    step: jax.Array
    fake: jax.Array  # (EVAL_SAMPLES, 2) generated from the fixed eval noise
    modes: metrics.ModeStats
    d_real: jax.Array  # mean D(x) on real samples
    d_fake: jax.Array  # mean D(G(z)) on fake samples
    value: jax.Array  # V(D, G); -log 4 at the equilibrium
    jsd: jax.Array
    d_surface: jax.Array  # (res, res) D on the grid, row i is x = grid.xs[i]
    bound: jax.Array  # f-GAN losses: the bound F = E_p[g_f(V)] - E_q[f*(g_f(V))]; the others: V (gan's F)
    f_divergences: jax.Array  # (6,) D_f(p_x || p_g) on the grid for each of ``divergences.NAMES``
    updates: jax.Array  # (2,) D and G updates applied so far (which network moved since the last)
    loss: jax.Array  # the loss index (``losses.LOSSES``) the surface and bound were taken for


class TheoryView(NamedTuple):
    """The rest of a frame (``Trainer.theory``): what only the Theory tab and the optional overlays
    draw; three generator gradients and a latent grid's image make it the costly part."""

    d_star: jax.Array  # (res, res) optimal D* = p_x / (p_x + p_g) on the grid
    g_arrows: jax.Array  # (ARROWS, 2) -grad_x of the generator loss at the first fakes
    g_grad_norms: jax.Array  # (3,) ||grad_theta L_G|| for minimax, non-saturating, least squares
    manifold: jax.Array  # (2, LINES, POINTS, 2) image of a latent grid; zeros unless latent is 2D
    critic: jax.Array  # (res, res) f-GAN losses: the learned critic T = g_f(V) on the grid
    critic_star: jax.Array  # (res, res) f-GAN losses: the optimal critic T* = f'(p_x / p_g) on the grid


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
    bound: jax.Array
    f_divergences: jax.Array
    updates: jax.Array
    loss: jax.Array
    d_star: jax.Array
    g_arrows: jax.Array
    g_grad_norms: jax.Array
    manifold: jax.Array
    critic: jax.Array
    critic_star: jax.Array


class View(NamedTuple):
    """What the live picture needs (``Trainer.view``): samples, D on the grid, mode statistics."""

    fake: jax.Array  # (EVAL_SAMPLES, 2) generated from the fixed eval noise
    surface: jax.Array  # (res, res) ``evaluation.surface_of`` D on the grid
    modes: metrics.ModeStats


class ArrowView(NamedTuple):
    """``View`` plus the arrows of the same state (``Trainer.view_with_arrows``)."""

    fake: jax.Array
    surface: jax.Array
    modes: metrics.ModeStats
    arrows: jax.Array  # (ARROWS, 2) as ``TheoryView.g_arrows``


class Pictures(NamedTuple):
    """What the live view draws at moments inside one round (``Trainer.round_pictures``); the
    first ``count`` entries are filled."""

    fake: jax.Array  # (MAX_PICTURES, n, 2) generated from the fixed eval noise
    surface: jax.Array  # (MAX_PICTURES, points) D on the grid's points
    step: jax.Array  # (MAX_PICTURES,) the step each picture shows
    count: jax.Array  # pictures taken


def root_keys(seed: int | jax.Array) -> jax.Array:
    """The four independent keys of a run: G init, D init, training, evaluation."""
    return jax.random.split(jax.random.PRNGKey(seed), 4)


def eval_keys(seed: int | jax.Array) -> jax.Array:
    """The evaluation set's two keys: its latent noise and its real samples."""
    return jax.random.split(root_keys(seed)[3])
