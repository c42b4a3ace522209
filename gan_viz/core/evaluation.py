"""What is measured and drawn of a state, as pure functions of (spec, state, ...): the cheap
measures, the theory-only view, the live pictures (also those inside one round) and D's surface.

``measure`` (samples, mode stats, D's means, V, JSD, D's surface) is what the live view, the
charts and the history read; ``theory`` (D*, gradient arrows, three generator gradient norms,
the generator manifold) is what only the Theory tab and the optional overlays draw; ``evaluate``
is both, sharing the samples and densities; the two parts give ``evaluate``'s numbers bit for
bit. ``view`` is what a playing frame needs (samples, D on a coarser grid,
mode stats; optionally that state's arrows). Nothing here compiles: ``trainer`` jits these.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from gan_viz.core import divergences, losses, metrics, models
from gan_viz.core.data import Mixture, sample
from gan_viz.core.hyper import Hyper
from gan_viz.core.spec import Spec, generate, logits, noise, packed_logits
from gan_viz.core.state import (
    ARROWS,
    MANIFOLD_LINES,
    MANIFOLD_POINTS,
    MAX_PICTURES,
    ArrowView,
    EvalSet,
    Frame,
    Measures,
    Pictures,
    State,
    TheoryView,
    View,
    eval_keys,
)
from gan_viz.core.step import checked, g_objective, one_round

GRAD_NORM_SAMPLES = 512  # evaluation noise the three generator gradient norms are taken on


def surface_of(d_logits: jax.Array, loss: jax.Array) -> jax.Array:
    """What the pictures colour at each grid point, in [0, 1]: D(x) = sigmoid(l(x)) for the
    probability losses; for the critic of ``wasserstein`` (a score, not a probability, with an
    arbitrary offset) sigmoid((f - median f) / std f) over the grid: 1/2 on its median level,
    above 1/2 where it rates inputs more real than that; for an f-GAN critic T = g_f(l) the
    classifier it implies, u / (1 + u) with T = f'(u) (``divergences.implied_d``: D* when T = T*,
    1/2 where T says p_x = p_g)."""
    def critic(f):
        return jax.nn.sigmoid((f - jnp.median(f)) / (jnp.std(f) + 1e-6))

    def older(v):
        return jax.lax.cond(loss == losses.WASSERSTEIN, critic, jax.nn.sigmoid, v)

    return jax.lax.cond(loss >= losses.FIRST_F, lambda v: divergences.implied_d(_member(loss), v), older, d_logits)


def _member(loss: jax.Array) -> jax.Array:
    """The f-divergence (index into ``divergences.NAMES``) of an f-GAN loss index; 0 for the others."""
    return jnp.clip(loss - losses.FIRST_F, 0, len(divergences.NAMES) - 1)


def loss_array(loss: str | int | jax.Array) -> jax.Array:
    """A loss by name (``losses.LOSSES``) or index, as the int32 array the compiled calls take."""
    return jnp.asarray(losses.loss_index(loss) if isinstance(loss, str) else loss, jnp.int32)


def eval_noise(spec: Spec, seed: int | jax.Array) -> jax.Array:
    """A run's fixed evaluation noise, (EVAL_SAMPLES, latent_dim)."""
    key_z, _ = eval_keys(seed)
    return noise(spec, key_z, metrics.EVAL_SAMPLES)


def eval_set(spec: Spec, seed: int, mixture: Mixture) -> EvalSet:
    """The fixed evaluation noise and real samples of a run."""
    _, key_real = eval_keys(seed)
    return EvalSet(eval_noise(spec, seed), sample(mixture, key_real, metrics.EVAL_SAMPLES))


def arrows(spec: Spec, d_params: models.Params, fake: jax.Array, loss: jax.Array) -> jax.Array:
    """-grad_x of each sample's generator loss at the first ``ARROWS`` of ``fake``: where D pushes them.
    An f-GAN's arrows are those of the bound's own G loss; the alternative's (``Hyper.alt_g``) point
    the same way (f*' >= 0 scales grad T), only their lengths differ."""
    def sample_loss(x):
        return losses.g_loss(loss, logits(spec, d_params, x[None]))

    return -jax.vmap(jax.grad(sample_loss))(fake[:ARROWS])


def _loss_only_hyper(index: int) -> Hyper:
    zero = jnp.zeros((), jnp.float32)
    return Hyper(zero, zero, jnp.zeros((), jnp.int32), jnp.zeros((), jnp.int32),
                 jnp.asarray(index, jnp.int32), jnp.zeros((), bool), zero, zero, zero, jnp.zeros((), bool))


def grad_norms(spec: Spec, g_params: models.Params, d_params: models.Params, z: jax.Array) -> jax.Array:
    """||grad_theta L_G|| for each probability loss (minimax, non-saturating, least squares), (3,)."""
    def norm(index):
        grads = jax.grad(g_objective, argnums=1)(spec, g_params, d_params, z, _loss_only_hyper(index))
        return optax.tree.norm(grads)

    return jnp.stack([norm(i) for i in range(len(losses.PROBABILITY_LOSSES))])


def manifold(spec: Spec, g_params: models.Params) -> jax.Array:
    """G's image of a latent grid's lines, (2, LINES, POINTS, 2): z1 fixed along each line of the
    first half, z2 along the second; zeros unless the latent space is 2-D."""
    if spec.model.latent_dim != 2:
        return jnp.zeros((2, MANIFOLD_LINES, MANIFOLD_POINTS, 2))
    lim = 2.5 if spec.model.noise == "gaussian" else 1.0
    a = jnp.linspace(-lim, lim, MANIFOLD_LINES)
    b = jnp.linspace(-lim, lim, MANIFOLD_POINTS)
    ga, gb = jnp.meshgrid(a, b, indexing="ij")  # (LINES, POINTS)
    rows = jnp.stack([ga, gb], axis=-1)  # z1 fixed along each line
    cols = jnp.stack([gb, ga], axis=-1)  # z2 fixed along each line
    return generate(spec, g_params, jnp.stack([rows, cols]))


def _fake_and_density(spec: Spec, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid):
    """The samples and grid densities that ``measure`` and ``theory`` share."""
    fake = generate(spec, state.g_ema, ev.z)
    return fake, metrics.density_view(fake, mixture, grid)


def location_scale(spec: Spec, g_params: models.Params) -> tuple[jax.Array, jax.Array] | None:
    """The Gaussian (mean, covariance) a location-scale generator draws (``g_depth = 0``, Gaussian
    noise: G(z) = W z + b is N(b, W^T W)); None for any other generator (static)."""
    m = spec.model
    if m.g_depth != 0 or m.noise != "gaussian" or m.latent_dim < 2:
        return None
    w, b = g_params[0]["w"], g_params[0]["b"]
    return b, w.T @ w


def _f_densities(spec, state, mixture, grid, dens) -> tuple[jax.Array, jax.Array]:
    return divergences.densities(location_scale(spec, state.g_ema), mixture, grid, dens)


def _measures(spec, state, mixture, ev, grid, loss, fake, dens) -> Measures:
    real_logits = packed_logits(spec, state.d_params, ev.real)
    fake_logits = packed_logits(spec, state.d_params, fake)
    res = grid.xs.shape[0]
    return Measures(
        step=state.step,
        fake=fake,
        modes=metrics.mode_stats(fake, mixture),
        d_real=jnp.mean(jax.nn.sigmoid(real_logits)),
        d_fake=jnp.mean(jax.nn.sigmoid(fake_logits)),
        value=losses.value(real_logits, fake_logits),
        jsd=dens.jsd,
        d_surface=surface_of(logits(spec, state.d_params, grid.points), loss).reshape(res, res),
        bound=losses.f_bound(loss, real_logits, fake_logits),
        f_divergences=divergences.grid_divergences(*_f_densities(spec, state, mixture, grid, dens), grid.cell**2),
        updates=jnp.stack([state.d_updates, state.g_updates]),
        loss=loss,
    )


def _theory(spec, state, mixture, ev, grid, loss, fake, dens) -> TheoryView:
    res = grid.xs.shape[0]
    member = _member(loss)
    return TheoryView(
        d_star=dens.d_star,
        g_arrows=arrows(spec, state.d_params, fake, loss),
        g_grad_norms=grad_norms(spec, state.g_params, state.d_params, ev.z[:GRAD_NORM_SAMPLES]),
        manifold=manifold(spec, state.g_ema),
        critic=divergences.activation(member, logits(spec, state.d_params, grid.points)).reshape(res, res),
        critic_star=divergences.optimal_critic(member, *_f_densities(spec, state, mixture, grid, dens)),
    )


def measure(spec: Spec, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid,
            loss: jax.Array) -> tuple[Measures, jax.Array]:
    """The cheap part of a frame, on the fixed evaluation set (``loss`` as ``loss_array``), and D*.

    D* (an elementwise map of the two densities the JSD needs anyway) is computed too so that
    XLA compiles the densities as it does in ``evaluate``, where D* uses them as well: the JSD is
    then ``evaluate``'s bit for bit (with one use less, XLA fuses them differently and the JSD
    may move in its last bit). ``Trainer.measure`` drops it."""
    fake, dens = _fake_and_density(spec, state, mixture, ev, grid)
    return _measures(spec, state, mixture, ev, grid, loss, fake, dens), dens.d_star


def theory(spec: Spec, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid, loss: jax.Array) -> TheoryView:
    """The theory-only part of a frame, on the fixed evaluation set."""
    return _theory(spec, state, mixture, ev, grid, loss, *_fake_and_density(spec, state, mixture, ev, grid))


def evaluate(spec: Spec, state: State, mixture: Mixture, ev: EvalSet, grid: metrics.Grid, loss: jax.Array) -> Frame:
    """``measure`` and ``theory`` together, the samples and densities computed once."""
    fake, dens = _fake_and_density(spec, state, mixture, ev, grid)
    return Frame(*_measures(spec, state, mixture, ev, grid, loss, fake, dens),
                 *_theory(spec, state, mixture, ev, grid, loss, fake, dens))


def picture(spec: Spec, g_ema, d_params, z, points, loss) -> tuple[jax.Array, jax.Array]:
    """What the live view draws: the generated samples and D on the (flat) grid points."""
    return generate(spec, g_ema, z), surface_of(logits(spec, d_params, points), loss)


def view(spec: Spec, g_ema, d_params, z, points, mixture: Mixture, loss, with_arrows: bool) -> View | ArrowView:
    """A playing frame: samples, D on the square grid of ``points``, mode stats; with
    ``with_arrows`` (static) also the arrows of the same state."""
    res = int(round(points.shape[0] ** 0.5))
    fake, surface = picture(spec, g_ema, d_params, z, points, loss)
    frame = View(fake, surface.reshape(res, res), metrics.mode_stats(fake, mixture))
    return ArrowView(*frame, arrows(spec, d_params, fake, loss)) if with_arrows else frame


def mode_stats(spec: Spec, g_params, mixture: Mixture, z: jax.Array) -> metrics.ModeStats:
    """The mode statistics of G's samples of ``z``."""
    return metrics.mode_stats(generate(spec, g_params, z), mixture)


def round_pictures(spec: Spec, state: State, hyper: Hyper, mixture: Mixture, z: jax.Array, points: jax.Array,
                   every: jax.Array):
    """One round with a picture after every ``every``-th step and at its end (at most
    ``MAX_PICTURES``). Returns ``(state, d_loss, g_loss, pictures, mode_stats, diverged)``; the
    state is the one before the round if it diverged."""
    start = state.step
    empty = Pictures(jnp.zeros((MAX_PICTURES, z.shape[0], 2)), jnp.zeros((MAX_PICTURES, points.shape[0])),
                     jnp.zeros((MAX_PICTURES,), jnp.int32), jnp.zeros((), jnp.int32))

    def shoot(pics: Pictures, s: State, done, total):
        def snap(p: Pictures) -> Pictures:
            i = p.count
            fake, surface = picture(spec, s.g_ema, s.d_params, z, points, hyper.loss)
            return Pictures(p.fake.at[i].set(fake), p.surface.at[i].set(surface), p.step.at[i].set(start + done), i + 1)

        due = ((done % every == 0) | (done == total)) & (pics.count < MAX_PICTURES)
        return jax.lax.cond(due, snap, lambda p: p, pics)

    new, d_loss, g_loss, pics = one_round(spec, state, hyper, mixture, shoot, empty)
    state, finite = checked(state, new, d_loss, g_loss, hyper)
    return state, d_loss, g_loss, pics, mode_stats(spec, state.g_ema, mixture, z), ~finite
