"""The storyboard's phases: start, train a classifier, move the generator; pure functions.

Design (each choice was needed for the storyboard to happen reliably, see the tests):

- Generator: the core's affine generator (``model.g_depth = 0``), G(z) = W z + b with
  z ~ N(0, I_2) and W = std_x * I frozen in the optimizer (``make_trainer(config,
  frozen=FROZEN)``), so only the location b is learned and p_theta is p_x translated: the
  whole cluster moves, as in the lecture's drawing, and the JSD measures position alone.
  Left free, W changes as fast as b (Adam normalises every parameter's step), and the
  cluster collapses to a line or stretches across the board within one phase. A move is
  one compiled ``Trainer.run`` call.
- Classifier: a fresh ReLU MLP each round ("a new classifier D2 is trained"), initialised
  from the run's key, trained ``d_steps`` Adam steps on p_x vs the current samples; it then
  separates them with D ~ 1 on the data and ~ 0 on the fakes. A ReLU network grows
  linearly away from what it was trained on, so its "real" side is a half-plane-like
  region reaching far beyond p_x: the blind spot the generator jumps into.
- Loss: the lecture's minimax objective J, which G minimises with D_t frozen. Its
  gradient on the fakes, D * grad l, stays large all the way across D_t's real side, so
  the generator runs through and past the data to where D_t is higher still, and stops
  only when its step budget is spent. With the non-saturating loss the push 1 - D dies as
  soon as D_t says "real", the generator stops on or just short of p_x, and later rounds
  converge. Minimax saturates against a confident classifier, but Adam rescales the
  small gradient, so the generator still starts to move.
- Start: p_theta1 bottom-left, diagonally opposite p_x. In round 1 the generator runs
  through p_x and stops beyond it (top-right); later rounds send it below or left of the
  data (the lecture's top-left for some seeds) and back: it hops between regions that the
  current classifier calls real. In 40 of 40 seeds checked, every one of 3 rounds ends with
  mean D_t >= 0.99 on the moved samples and JSD >= 0.43 nats.

Keys: the training key lives in the GAN state; each fresh classifier takes its weights from
a split of it (the split's other half becomes the training key), and ``Trainer.run`` draws each
step's numbers from the training key on the step's own counter (``core.draws``), so no number is
drawn twice and a seed gives a bit-identical storyboard. Evaluation uses the run's fixed noise and real samples,
so the before and after samples of a round are the same latent points, moved.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from gan_viz.core import bounds, losses, metrics, models
from gan_viz.core.config import Config, validate
from gan_viz.core.hyper import Hyper, hyper_from
from gan_viz.core.state import State
from gan_viz.core.trainer import Trainer, make_trainer
from gan_viz.lab import driver, presets
from gan_viz.lab.counterexample.records import MAX_ROUNDS, SETUP, RoundRecord, Setup, Storyboard

FROZEN = ("g.0.w",)  # the affine generator's scale W: only its location b learns


def default_config(seed: int = 0) -> Config:
    return presets.get("counterexample", seed=seed)


def make(config: Config) -> Trainer:
    """The compiled GAN of the storyboard: ``config``'s shapes with the generator's W frozen."""
    return make_trainer(config, frozen=FROZEN)


def start(seed: int = 0, config: Config | None = None, setup: Setup = SETUP) -> Storyboard:
    """The storyboard before round 1: the generator at ``setup.start``, no classifier yet.

    Args:
        seed: fixes every weight and sample; the same seed gives a bit-identical storyboard.
        config: data and networks (default: the ``counterexample`` preset). The generator
            must be the affine one (``model.g_depth = 0``, ``model.latent_dim = 2``).
        setup: the schedule.
    """
    bounds.check_seeds(seed)
    config = validate(config if config is not None else default_config(seed))
    m = config.model
    if m.g_depth != 0 or m.latent_dim != 2:
        raise ValueError("the counter-example needs the affine generator: model.g_depth=0, model.latent_dim=2")
    if setup.loss not in losses.LOSSES:
        raise ValueError(f"unknown loss {setup.loss!r}; choose from {', '.join(losses.LOSSES)}")
    if setup.d_steps < 1 or setup.g_steps < 1 or setup.res < 2:
        raise ValueError("setup.d_steps and setup.g_steps must be >= 1 and setup.res >= 2")
    run = driver.setup(config, seed=seed, extent=setup.extent, grid_res=setup.res, frozen=FROZEN)
    gan, ev = run.gan, run.ev
    scale = jnp.eye(2, dtype=jnp.float32) * config.data.std  # p_theta has p_x's spread
    g_params = [{"w": scale, "b": jnp.asarray(setup.start, jnp.float32)}]
    state = run.state._replace(g_params=g_params, g_ema=g_params, g_opt=gan.g_tx.init(g_params))
    real, fake = jax.device_get((ev.real, gan.generate(g_params, ev.z)))
    return Storyboard(config, setup, seed, state, ev, np.asarray(real), np.asarray(fake),
                      np.asarray(run.grid.xs), np.asarray(run.grid.ys))


def train_classifier(sb: Storyboard) -> Storyboard:
    """Trains a new classifier D_t to convergence on p_x vs the current, frozen generator."""
    if sb.next_phase != "train_classifier":
        raise ValueError(f"round {len(sb.records)}: D_{len(sb.records)} is trained; move the generator first")
    gan, mixture = make(sb.config), sb.config.data.mixture()
    state = fresh_classifier(gan, sb.config, sb.state)
    state, info = gan.run(state, hyper(sb.config, sb.setup, k_d=1, k_g=0), mixture, sb.setup.d_steps)
    check(info.diverged, "the classifier", len(sb.records) + 1)
    frame = jax.device_get(gan.measure(state, mixture, sb.ev, grid_of(sb.setup), sb.setup.loss))
    fake = np.asarray(frame.fake)
    record = RoundRecord(
        round=len(sb.records) + 1,
        fake_before=fake,
        mean_before=fake.mean(axis=0),
        d_surface=np.asarray(frame.d_surface),
        d_real=float(frame.d_real),
        d_on_before=float(frame.d_fake),
        d_accuracy_before=_accuracy(gan, state, sb.ev.real, fake),
        jsd_before=float(frame.jsd),
    )
    return sb._replace(state=state, fake=fake, records=sb.records + (record,))


def move_generator(sb: Storyboard) -> Storyboard:
    """Trains the generator ``setup.g_steps`` steps against the frozen D_t, in one compiled call."""
    if sb.next_phase != "move_generator":
        raise ValueError("no classifier to move against: train the classifier first")
    gan, mixture = make(sb.config), sb.config.data.mixture()
    state = sb.state._replace(g_opt=gan.g_tx.init(sb.state.g_params))  # a fresh optimisation
    state, info = gan.run(state, hyper(sb.config, sb.setup, k_d=0, k_g=1), mixture, sb.setup.g_steps)
    check(info.diverged, "the generator", len(sb.records))
    return record_move(sb, state)


def record_move(sb: Storyboard, state: State) -> Storyboard:
    """The storyboard once the generator has moved to ``state`` against the frozen D_t."""
    gan, mixture = make(sb.config), sb.config.data.mixture()
    frame = jax.device_get(gan.measure(state, mixture, sb.ev, grid_of(sb.setup), sb.setup.loss))
    fake = np.asarray(frame.fake)
    rec = sb.records[-1]
    mean_after = fake.mean(axis=0)
    rec = rec._replace(
        fake_after=fake,
        mean_after=mean_after,
        frozen_d_on_moved=float(frame.d_fake),
        d_accuracy=_accuracy(gan, state, sb.ev.real, fake),
        jsd=float(frame.jsd),
        moved_distance=float(np.linalg.norm(mean_after - rec.mean_before)),
    )
    return sb._replace(state=state, fake=fake, records=sb.records[:-1] + (rec,))


def run_storyboard(seed: int = 0, rounds: int = 3, config: Config | None = None,
                   setup: Setup = SETUP) -> Storyboard:
    """``rounds`` rounds of train_classifier then move_generator, from ``start(seed)``."""
    if not isinstance(rounds, int) or not 1 <= rounds <= MAX_ROUNDS:
        raise ValueError(f"rounds must be an integer in [1, {MAX_ROUNDS}], got {rounds!r}")
    sb = start(seed, config, setup)
    for _ in range(rounds):
        sb = move_generator(train_classifier(sb))
    return sb


# ---------------------------------------------------------------------------------------------
# Pieces shared with ``contrast``.


def grid_of(setup: Setup) -> metrics.Grid:
    return metrics.make_grid(setup.extent, setup.res)


def hyper(config: Config, setup: Setup, k_d: int, k_g: int) -> Hyper:
    """The run-time hyperparameters of a phase: ``k_d`` D steps and ``k_g`` G steps a round."""
    return hyper_from(config.train)._replace(
        lr_d=jnp.asarray(setup.lr_d, jnp.float32),
        lr_g=jnp.asarray(setup.lr_g, jnp.float32),
        k_d=jnp.asarray(k_d, jnp.int32),
        k_g=jnp.asarray(k_g, jnp.int32),
        loss=jnp.asarray(losses.loss_index(setup.loss), jnp.int32),
        simultaneous=jnp.asarray(False),
        r1_weight=jnp.asarray(0.0, jnp.float32),
        g_ema=jnp.asarray(0.0, jnp.float32),  # evaluations show G itself
    )


def fresh_classifier(gan: Trainer, config: Config, state: State) -> State:
    """A new D with its own optimizer state, its weights from a split of the run's key."""
    key, key_init = jax.random.split(state.key)
    m = config.model
    d_params = models.mlp_init(key_init, models.layer_sizes(2, m.d_depth, m.d_width, 1), m.init, m.init_gain)
    return state._replace(d_params=d_params, d_opt=gan.d_tx.init(d_params), key=key)


def check(diverged: bool, what: str, round_: int) -> None:
    if diverged:
        raise RuntimeError(f"round {round_}: training {what} diverged; lower the learning rates")


def _accuracy(gan: Trainer, state: State, real: jax.Array, fake: np.ndarray) -> float:
    """Accuracy of D (threshold 1/2) on equally many real and fake samples."""
    l_real, l_fake = jax.device_get((gan.logits(state.d_params, real), gan.logits(state.d_params, jnp.asarray(fake))))
    return float(0.5 * (np.mean(l_real > 0) + np.mean(l_fake < 0)))
