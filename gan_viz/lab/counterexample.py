"""The lecture's counter-example: a classifier that fails does not mean p_theta = p_x.

Each round trains a new classifier D_t to convergence with the generator frozen, then
freezes D_t and trains the generator for a fixed number of steps against it. The frozen
D_t calls the moved samples real (its accuracy drops to about 1/2), yet p_theta is as far
from p_x as before: the generator hops from region to region instead of learning p_x.
``run_contrast`` trains the same start with alternating k = 1 updates (the lecture's
remedy), which lands on p_x.

Design (each choice was needed for the storyboard to happen reliably, see the tests):

- Generator: the core's affine generator (``model.g_depth = 0``), G(z) = W z + b with
  z ~ N(0, I_2), with W pinned to std_x * I after every generator step, so only the
  location b is learned and p_theta is p_x translated: the whole cluster moves, as in the
  lecture's drawing, and the JSD measures position alone. Left free, W changes as fast as
  b (Adam normalises every parameter's step), and the cluster collapses to a line or
  stretches across the board within one phase. Pinning costs one ``GAN.run`` call per
  generator step.
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
a split of it, and ``GAN.run`` splits it for every batch, so no key is used twice and a seed
gives a bit-identical storyboard. Evaluation uses the run's fixed noise and real samples,
so the before and after samples of a round are the same latent points, moved.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from gan_viz.core import losses, metrics, models
from gan_viz.core.config import Config, Hyper, hyper_from, validate
from gan_viz.core.train import GAN, EvalSet, State, make_gan
from gan_viz.lab import presets

MAX_ROUNDS = 20
FOOLED = 0.9  # mean D_t on the moved samples at or above this: the frozen classifier is fooled
FAR_JSD = 0.3  # JSD after the move at or above this (nats): p_theta is still far from p_x


class Setup(NamedTuple):
    """The storyboard's schedule; the defaults are what the tests check.

    Attributes:
        start: the generator's starting mean, p_theta1 (the data sits top-right).
        d_steps: Adam steps that train each new classifier D_t with the generator frozen.
        g_steps: generator steps against the frozen D_t (one move).
        lr_d, lr_g: learning rates of those phases (run-time: no recompilation).
        loss: generator and classifier loss, a name from ``losses.LOSSES``.
        extent: the grid ``(x0, x1, y0, y1)`` for the JSD and the decision surface; wide,
            because the generator may jump well away from the data.
        res: grid cells per side; 128 over 16 units gives cells of 0.125, so the JSD's
            kernel bandwidth is max(std_x, 1.5 cells) = std_x = 0.25 (see ``metrics``).
    """

    start: tuple[float, float] = (-1.5, -1.5)
    d_steps: int = 200
    g_steps: int = 60
    lr_d: float = 3e-3
    lr_g: float = 5e-2
    loss: str = "minimax"
    extent: tuple[float, float, float, float] = (-8.0, 8.0, -8.0, 8.0)
    res: int = 128


SETUP = Setup()


class RoundRecord(NamedTuple):
    """One round, as host numpy values. The ``after`` fields are None until the move."""

    round: int  # 1-based: D_round is trained against p_theta_round
    fake_before: np.ndarray  # (n, 2) the generator's samples D_t was trained against
    mean_before: np.ndarray  # (2,)
    d_surface: np.ndarray  # (res, res) D_t on the grid; row i is x = xs[i]
    d_real: float  # mean D_t(x) on real samples
    d_on_before: float  # mean D_t on fake_before (~0: D_t separates)
    d_accuracy_before: float  # D_t's accuracy on real vs fake_before (~1)
    jsd_before: float  # JSD(p_x || p_theta) before the move, nats
    fake_after: np.ndarray | None = None  # (n, 2) the same latent points after the move
    mean_after: np.ndarray | None = None  # (2,)
    frozen_d_on_moved: float | None = None  # mean D_t (frozen) on fake_after
    d_accuracy: float | None = None  # D_t's accuracy on real vs fake_after (~1/2: it fails)
    jsd: float | None = None  # JSD(p_x || p_theta) after the move, nats
    moved_distance: float | None = None  # ||mean_after - mean_before||

    @property
    def complete(self) -> bool:
        return self.fake_after is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "frozen_d_on_moved": self.frozen_d_on_moved,
            "d_accuracy": self.d_accuracy,
            "jsd": self.jsd,
            "moved_distance": self.moved_distance,
        }


class Storyboard(NamedTuple):
    """The immutable state of a storyboard; every phase function returns a new one.

    ``state`` holds device arrays (the GAN state with the current D_t and generator);
    everything else is host numpy, ready to draw.
    """

    config: Config
    setup: Setup
    seed: int
    state: State
    ev: EvalSet  # fixed evaluation noise and real samples
    real: np.ndarray  # (n, 2) = ev.real on the host
    fake: np.ndarray  # (n, 2) the generator's current samples
    xs: np.ndarray  # (res,) grid cell centres along x
    ys: np.ndarray  # (res,) grid cell centres along y
    records: tuple[RoundRecord, ...] = ()

    @property
    def data_std(self) -> float:
        return float(self.config.data.std)

    @property
    def next_phase(self) -> str:
        """``"train_classifier"`` or ``"move_generator"``: which function comes next."""
        if self.records and not self.records[-1].complete:
            return "move_generator"
        return "train_classifier"

    @property
    def rounds_done(self) -> int:
        return sum(r.complete for r in self.records)

    def to_json(self) -> dict[str, Any]:
        """``{"rounds": [...], "data_std"}`` over the completed rounds, round 1 first."""
        return {"rounds": [r.to_json() for r in self.records if r.complete], "data_std": self.data_std}


# ---------------------------------------------------------------------------------------------
# Phases.


def default_config(seed: int = 0) -> Config:
    return presets.get("counterexample", seed=seed)


def start(seed: int = 0, config: Config | None = None, setup: Setup = SETUP) -> Storyboard:
    """The storyboard before round 1: the generator at ``setup.start``, no classifier yet.

    Args:
        seed: fixes every weight and sample; the same seed gives a bit-identical storyboard.
        config: data and networks (default: the ``counterexample`` preset). The generator
            must be the affine one (``model.g_depth = 0``, ``model.latent_dim = 2``).
        setup: the schedule.
    """
    if not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise ValueError(f"seed must be an integer in [0, 2^31), got {seed!r}")
    config = validate(config if config is not None else default_config(seed))
    m = config.model
    if m.g_depth != 0 or m.latent_dim != 2:
        raise ValueError("the counter-example needs the affine generator: model.g_depth=0, model.latent_dim=2")
    if setup.loss not in losses.LOSSES:
        raise ValueError(f"unknown loss {setup.loss!r}; choose from {', '.join(losses.LOSSES)}")
    if setup.d_steps < 1 or setup.g_steps < 1 or setup.res < 2:
        raise ValueError("setup.d_steps and setup.g_steps must be >= 1 and setup.res >= 2")
    gan = make_gan(config)
    mixture = config.data.mixture()
    state = gan.init(seed)
    g_params = [{"w": _scale(config), "b": jnp.asarray(setup.start, jnp.float32)}]
    state = state._replace(g_params=g_params, g_ema=g_params, g_opt=gan.tx.init(g_params))
    ev = gan.eval_set(seed, mixture)
    grid = _grid(setup)
    real, fake = jax.device_get((ev.real, gan.generate(g_params, ev.z)))
    return Storyboard(config, setup, seed, state, ev, np.asarray(real), np.asarray(fake),
                      np.asarray(grid.xs), np.asarray(grid.ys))


def train_classifier(sb: Storyboard) -> Storyboard:
    """Trains a new classifier D_t to convergence on p_x vs the current, frozen generator."""
    if sb.next_phase != "train_classifier":
        raise ValueError(f"round {len(sb.records)}: D_{len(sb.records)} is trained; move the generator first")
    gan, mixture = make_gan(sb.config), sb.config.data.mixture()
    state = _fresh_classifier(gan, sb.config, sb.state)
    state, info = gan.run(state, _hyper(sb, k_d=1, k_g=0), mixture, sb.setup.d_steps)
    _check(info.diverged, "the classifier", len(sb.records) + 1)
    frame = jax.device_get(gan.evaluate(state, mixture, sb.ev, _grid(sb.setup), sb.setup.loss))
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
    """Trains the generator ``setup.g_steps`` steps against the frozen D_t."""
    if sb.next_phase != "move_generator":
        raise ValueError("no classifier to move against: train the classifier first")
    gan, mixture = make_gan(sb.config), sb.config.data.mixture()
    state = sb.state._replace(g_opt=gan.tx.init(sb.state.g_params))  # a fresh optimisation
    hyper = _hyper(sb, k_d=0, k_g=1)
    scale = _scale(sb.config)
    for _ in range(sb.setup.g_steps):
        state, info = gan.run(state, hyper, mixture, 1)
        _check(info.diverged, "the generator", len(sb.records))
        state = _pin_scale(state, scale)
    frame = jax.device_get(gan.evaluate(state, mixture, sb.ev, _grid(sb.setup), sb.setup.loss))
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


def figure(sb: Storyboard, **kwargs):
    """The storyboard's plotly figure (see ``storyboard.figure`` for the options)."""
    from gan_viz.ui import storyboard

    return storyboard.figure(sb.records, sb.real, sb.xs, sb.ys, fake=sb.fake, **kwargs)


# ---------------------------------------------------------------------------------------------
# The contrast: the same start, both networks trained together.


class Contrast(NamedTuple):
    """Checkpoints of alternating (or simultaneous) training from the storyboard's start."""

    steps: np.ndarray  # (T,) rounds done at each checkpoint, starting with 0
    jsd: np.ndarray  # (T,) JSD(p_x || p_theta), nats
    g_mean: np.ndarray  # (T, 2) the generator's mean
    data_mean: np.ndarray  # (2,)

    def to_json(self) -> dict[str, Any]:
        return {"steps": self.steps.tolist(), "jsd": self.jsd.tolist(), "g_mean": self.g_mean.tolist(),
                "data_mean": self.data_mean.tolist()}


def run_contrast(seed: int = 0, steps: int = 400, every: int = 20, *, simultaneous: bool = False,
                 config: Config | None = None, setup: Setup = SETUP) -> Contrast:
    """The lecture's remedy: from the same start and first classifier, k_d = k_g = 1 rounds.

    Same generator (location only), classifier, loss and learning rates as the storyboard;
    only the schedule differs: one classifier step then one generator step per round
    (``simultaneous``: both from the same point).
    """
    if not isinstance(steps, int) or steps < 1 or not isinstance(every, int) or every < 1:
        raise ValueError("steps and every must be positive integers")
    sb = start(seed, config, setup)
    gan, mixture = make_gan(sb.config), sb.config.data.mixture()
    grid = _grid(setup)
    scale = _scale(sb.config)
    hyper = _hyper(sb, k_d=1, k_g=1)._replace(simultaneous=jnp.asarray(simultaneous, jnp.bool_))
    state = _fresh_classifier(gan, sb.config, sb.state)
    done, marks, jsds, means = 0, [], [], []

    def record(state: State) -> None:
        frame = jax.device_get(gan.evaluate(state, mixture, sb.ev, grid, setup.loss))
        marks.append(done)
        jsds.append(float(frame.jsd))
        means.append(np.asarray(frame.fake).mean(axis=0))

    record(state)
    while done < steps:
        state, info = gan.run(state, hyper, mixture, 1)
        _check(info.diverged, "contrast training", done + 1)
        state = _pin_scale(state, scale)
        done += 1
        if done % every == 0 or done == steps:
            record(state)
    centres = np.asarray(mixture.centres)
    weights = np.asarray(mixture.weights)
    return Contrast(np.asarray(marks), np.asarray(jsds), np.stack(means), weights @ centres)


# ---------------------------------------------------------------------------------------------
# Text.


def format_report(report: dict) -> str:
    """Human-readable per-round figures from ``Storyboard.to_json()``."""
    rows = report.get("rounds", [])
    std = report.get("data_std")
    lines = [
        "The counter-example: each round trains a new classifier D_t to convergence, then freezes",
        "it and moves the generator against it.",
        "",
        f"{'round':>5}  {'D_t on moved':>12}  {'D_t accuracy':>12}  {'JSD after move':>15}  {'G moved':>18}",
    ]
    for r in rows:
        moved = _num(r.get("moved_distance"), ".2f")
        if std and r.get("moved_distance") is not None:
            moved += f" ({r['moved_distance'] / std:.0f} std)"
        lines.append(f"{r['round']:>5}  {_num(r.get('frozen_d_on_moved'), '.3f'):>12}  "
                     f"{_pct(r.get('d_accuracy')):>12}  {_num(r.get('jsd'), '.3f') + ' nats':>15}  {moved:>18}")
    if std is not None:
        lines.append(f"(data std {std:g}; JSD at most log 2 = {math.log(2):.3f} nats)")
    ok = [r for r in rows if None not in (r.get("frozen_d_on_moved"), r.get("jsd"))]
    if ok and len(ok) == len(rows):
        fooled = all(r["frozen_d_on_moved"] >= FOOLED for r in ok)
        far = all(r["jsd"] >= FAR_JSD for r in ok)
        lines.append("")
        if fooled and far:
            lines.append("Every frozen classifier calls the moved samples real, yet p_theta stays far from p_x:")
            lines.append("a classifier that fails does not imply p_theta = p_x.")
        else:
            lines.append(f"Not every round shows it (D_t on moved >= {FOOLED} and JSD >= {FAR_JSD}); try another seed.")
    return "\n".join(lines)


def _num(v: float | None, fmt: str) -> str:
    return "n/a" if v is None else format(v, fmt)


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.1f} %"


# ---------------------------------------------------------------------------------------------
# Helpers.


def _grid(setup: Setup) -> metrics.Grid:
    return metrics.make_grid(setup.extent, setup.res)


def _scale(config: Config) -> jax.Array:
    """The pinned W: p_theta has p_x's spread."""
    return jnp.eye(2, dtype=jnp.float32) * config.data.std


def _pin_scale(state: State, scale: jax.Array) -> State:
    """Resets W after a generator step; with ``Hyper.g_ema = 0`` the average is G itself."""
    g_params = [{"w": scale, "b": state.g_params[0]["b"]}]
    return state._replace(g_params=g_params, g_ema=g_params)


def _hyper(sb: Storyboard, k_d: int, k_g: int) -> Hyper:
    s = sb.setup
    return hyper_from(sb.config.train)._replace(
        lr_d=jnp.asarray(s.lr_d, jnp.float32),
        lr_g=jnp.asarray(s.lr_g, jnp.float32),
        k_d=jnp.asarray(k_d, jnp.int32),
        k_g=jnp.asarray(k_g, jnp.int32),
        loss=jnp.asarray(losses.loss_index(s.loss), jnp.int32),
        simultaneous=jnp.asarray(False),
        r1_weight=jnp.asarray(0.0, jnp.float32),
        g_ema=jnp.asarray(0.0, jnp.float32),  # evaluations show G itself
    )


def _fresh_classifier(gan: GAN, config: Config, state: State) -> State:
    """A new D with its own optimizer state, its weights from a split of the run's key."""
    key, k_init = jax.random.split(state.key)
    m = config.model
    d_params = models.mlp_init(k_init, models.layer_sizes(2, m.d_depth, m.d_width, 1))
    return state._replace(d_params=d_params, d_opt=gan.tx.init(d_params), key=key)


def _accuracy(gan: GAN, state: State, real: jax.Array, fake: np.ndarray) -> float:
    """Accuracy of D (threshold 1/2) on equally many real and fake samples."""
    l_real, l_fake = jax.device_get((gan.logits(state.d_params, real), gan.logits(state.d_params, jnp.asarray(fake))))
    return float(0.5 * (np.mean(l_real > 0) + np.mean(l_fake < 0)))


def _check(diverged: bool, what: str, round_: int) -> None:
    if diverged:
        raise RuntimeError(f"round {round_}: training {what} diverged; lower the learning rates")
