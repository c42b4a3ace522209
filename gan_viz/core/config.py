"""Run configuration: frozen dataclasses, dotted-key overrides and (de)serialisation.

``data`` and ``model`` fix array shapes, so changing them builds a new compiled trainer;
``view`` only says how the app shows a run and never resets it. ``train`` mixes three kinds,
named once here and used by the trainer's cache (``Config.static_key``, ``trainer.make_trainer``)
and the app (``ui.session.needs_reset``):
``LIVE_TRAIN_KEYS`` are the fields of ``hyper.Hyper`` (learning rates, k_d, k_g, loss, ...), which
travel as arrays and change between calls without recompiling; ``BUDGET_TRAIN_KEYS`` say how
long to train; ``COMPILED_TRAIN_KEYS`` (the rest: optimizer, betas, batch size) are compiled in.

``train.loss = "wasserstein"`` makes D a critic (WGAN); ``train.gp_weight`` > 0 adds WGAN-GP's
gradient penalty (run-time, like ``r1_weight``). Use ``k_d`` as WGAN's n_critic.

``train.loss`` one of ``kl``, ``reverse_kl``, ``pearson``, ``hellinger``, ``js``, ``gan`` makes it an
f-GAN (Nowozin et al. 2016): D's output is a critic whose objective is a lower bound on that
f-divergence (``core.divergences``); ``train.alt_g`` gives G the paper's alternative objective,
maximising E_q[g_f(V)] (run-time; the other losses ignore it).

``train.unroll`` > 0 makes it an unrolled GAN (Metz et al. 2016): each generator step is taken
against the D that ``unroll`` more D steps would make, differentiated through them (compiled in).

``train.g_ema`` > 0 keeps an exponential moving average of the generator's weights
(Yazici et al. 2019) and every evaluation and picture uses it; 0 shows G itself.

Uploaded points (layout ``samples``) get their modes from ``data.of_samples`` (k-means, K by
BIC in ``data.choose_modes``): fitting belongs to the data, this module only describes a run.

Size (over 300 lines): the dataclasses, their validation (against ``core.bounds``) and the
dotted-key overrides and (de)serialisation are one concept, the shape of a valid run, read by
the CLI, the URL parser and the widgets; kept together so a new key is added in one file.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gan_viz.core import bounds
from gan_viz.core import data as data_lib
from gan_viz.core.losses import LOSSES
from gan_viz.core.models import ACTIVATIONS, INITS, NOISE

LAYOUTS = ("ring", "grid", "single", "custom", "samples")
MAX_SAMPLES = 10_000  # points of one's own data a run trains on (layout "samples")
OPTIMIZERS = ("adam", "sgd")
SECTIONS = ("data", "model", "train", "view")  # the dotted-key sections of a Config


@dataclass(frozen=True)
class DataConfig:
    """The real distribution p_x.

    Attributes:
        layout: ``ring`` (``modes`` on a circle of ``radius``), ``grid`` (``grid_n`` x
            ``grid_n``, ``spacing`` apart), ``single`` (one cluster at ``(x, y)``) or
            ``custom`` (``centres`` with ``weights``) or ``samples`` (the empirical distribution
            of ``samples``, at most ``MAX_SAMPLES`` points; training draws its batches from them,
            and ``modes`` modes fitted to them by k-means, ``data.fit_modes``, are what the mode
            metrics measure against).
        std: per-axis standard deviation of every mode (``samples``: the fitted modes' spread is
            used instead).
    """

    layout: str = "ring"
    modes: int = 8
    radius: float = 2.0
    grid_n: int = 5
    spacing: float = 2.0
    x: float = 1.5
    y: float = 1.5
    centres: tuple[tuple[float, float], ...] = ()
    weights: tuple[float, ...] = ()
    samples: tuple[tuple[float, float], ...] = ()
    std: float = 0.02

    def mixture(self) -> data_lib.Mixture:
        if self.layout == "ring":
            return data_lib.ring(self.modes, self.radius, self.std)
        if self.layout == "grid":
            return data_lib.grid(self.grid_n, self.spacing, self.std)
        if self.layout == "single":
            return data_lib.single(self.x, self.y, self.std)
        if self.layout == "custom":
            return data_lib.custom(self.centres, self.weights or None, self.std)
        if self.layout == "samples":
            if len(self.samples) < 2:
                raise ValueError("data.layout samples needs data.samples: at least 2 [x, y] points (upload a file)")
            return data_lib.of_samples(self.samples, self.modes)
        raise ValueError(f"unknown data.layout {self.layout!r}; choose from {', '.join(LAYOUTS)}")


@dataclass(frozen=True)
class ModelConfig:
    """Generator and discriminator MLPs and the latent noise.

    ``pack`` > 1 makes D a PacGAN discriminator (Lin et al. 2018): it judges ``pack`` samples at
    once, side by side in one input of 2 * ``pack`` numbers, all real or all generated, so a
    collapsed generator's look-alike samples give themselves away.

    ``init`` and ``init_gain`` say how every weight matrix starts (``models.INITS``, times the
    gain; biases start at 0); ``d_input_scale`` is a fixed factor D multiplies its input by
    (the unrolled GAN's reference uses orthogonal weights with gain 0.8 and a D input of x / 4).

    ``g_depth = 0`` makes the generator affine, G(z) = W z + b: with Gaussian noise its
    output is one Gaussian cluster with a learnable mean and covariance (a location-scale
    generator, used by the counter-example).
    """

    latent_dim: int = 2
    noise: str = "gaussian"
    g_depth: int = 2
    g_width: int = 64
    d_depth: int = 2
    d_width: int = 64
    activation: str = "relu"
    pack: int = 1
    init: str = "normal"
    init_gain: float = 1.0
    d_input_scale: float = 1.0


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation.

    A *step* is one optimizer update of D or of G; a *round* is ``k_d`` D steps then ``k_g``
    G steps (with ``simultaneous``, one D step and one G step from the same point).
    ``steps`` is the training budget and ``eval_every`` the evaluation interval, both in
    steps; training advances whole rounds, so both are rounded up to a whole round.
    """

    loss: str = "non_saturating"
    optimizer: str = "adam"
    lr_d: float = 1e-3
    lr_g: float = 1e-3
    beta1: float = 0.5
    beta2: float = 0.999
    k_d: int = 1
    k_g: int = 1
    batch_size: int = 256
    simultaneous: bool = False
    r1_weight: float = 0.0
    gp_weight: float = 0.0
    g_ema: float = 0.0
    unroll: int = 0
    alt_g: bool = False  # f-GAN losses: G maximises E_q[g_f(V)] instead of minimising -E_q[f*(g_f(V))]
    steps: int = 5000
    eval_every: int = 250


@dataclass(frozen=True)
class ViewConfig:
    """How the app shows a run; never changes what is computed, so never resets it.

    Attributes:
        pace: training steps per second while the app plays (the speed control's default).
    """

    pace: float = 1000.0


# The three kinds of TrainConfig field (see the module docstring).
LIVE_TRAIN_KEYS: tuple[str, ...] = ("lr_d", "lr_g", "k_d", "k_g", "loss", "simultaneous", "r1_weight", "g_ema",
                                    "gp_weight", "alt_g")  # the fields of ``hyper.Hyper``, in its order
BUDGET_TRAIN_KEYS: tuple[str, ...] = ("steps", "eval_every")
COMPILED_TRAIN_KEYS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(TrainConfig) if f.name not in LIVE_TRAIN_KEYS + BUDGET_TRAIN_KEYS)


@dataclass(frozen=True)
class Config:
    """A whole run: data, networks, optimisation, how the app shows it, and the seed."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    view: ViewConfig = field(default_factory=ViewConfig)
    seed: int = 0

    def compiled_train(self) -> dict[str, Any]:
        """The ``COMPILED_TRAIN_KEYS`` settings by name (what ``trainer.Trainer`` is built with)."""
        return {k: getattr(self.train, k) for k in COMPILED_TRAIN_KEYS}

    def static_key(self) -> tuple:
        """Everything in the configuration that fixes compiled shapes; equal keys share compiled
        functions. Frozen parameters are not configuration: ``trainer.make_trainer(config, frozen=...)``
        adds them to its own cache key."""
        return (self.data.mixture().num_modes, self.model, *self.compiled_train().values())


def steps_per_round(train: TrainConfig) -> int:
    """Optimizer steps in one round of ``train``."""
    if train.simultaneous:
        return min(train.k_d, 1) + min(train.k_g, 1)
    return train.k_d + train.k_g


# ---------------------------------------------------------------------------------------------
# Validation, overrides and serialisation.


def _get(cfg: Config, key: str) -> Any:
    if key == "seed":
        return cfg.seed
    section, _, name = key.partition(".")
    return getattr(getattr(cfg, section), name)


def validate(cfg: Config) -> Config:
    """Raises ``ValueError`` with a one-line message for any out-of-range value.

    Numeric ranges come from ``gan_viz.core.bounds.BOUNDS``, the table the URL parser and
    the app's widgets share.
    """
    d, m, t = cfg.data, cfg.model, cfg.train

    def need(ok: bool, msg: str) -> None:
        if not ok:
            raise ValueError(msg)

    need(d.layout in LAYOUTS, f"data.layout must be one of {', '.join(LAYOUTS)}, got {short(d.layout)}")
    for key in bounds.BOUNDS:
        if key not in ("data.centres", "data.weights"):
            bounds.check(key, _get(cfg, key))
    need(len(d.centres) >= 1 or d.layout != "custom", "data.centres needs at least one [x, y] pair for layout custom")
    need(len(d.centres) <= 64 and len(d.weights) <= 64, "data.centres and data.weights take at most 64 entries")
    need(len(d.samples) <= MAX_SAMPLES,
         f"data.samples holds {len(d.samples):,} points; at most {MAX_SAMPLES:,} train (subsample them)")
    if d.samples:
        lo, hi = np.min(d.samples), np.max(d.samples)
        need(bounds.within("data.centres", lo) and bounds.within("data.centres", hi),
             f"data.samples: every coordinate must be in {bounds.describe('data.centres')} "
             f"(these span {lo:g} to {hi:g}; rescale them)")
    for i, (x, y) in enumerate(d.centres):
        need(bounds.within("data.centres", x) and bounds.within("data.centres", y),
             f"data.centres: centre {i + 1} ({x:g}, {y:g}) must have both coordinates in "
             f"{bounds.describe('data.centres')}")
    for i, w in enumerate(d.weights):
        need(bounds.within("data.weights", w),
             f"data.weights: weight {i + 1} ({w:g}) must be in {bounds.describe('data.weights')}")
    d.mixture()  # checks centres and weights together
    need(m.noise in NOISE, f"model.noise must be one of {', '.join(NOISE)}, got {short(m.noise)}")
    need(m.activation in ACTIVATIONS,
         f"model.activation must be one of {', '.join(ACTIVATIONS)}, got {short(m.activation)}")
    need(m.init in INITS, f"model.init must be one of {', '.join(INITS)}, got {short(m.init)}")
    need(t.loss in LOSSES, f"train.loss must be one of {', '.join(LOSSES)}, got {short(t.loss)}")
    need(t.optimizer in OPTIMIZERS,
         f"train.optimizer must be one of {', '.join(OPTIMIZERS)}, got {short(t.optimizer)}")
    need(t.k_d + t.k_g > 0, "train.k_d and train.k_g cannot both be 0 (nothing would train)")
    return cfg


def to_dict(cfg: Config) -> dict[str, Any]:
    """A JSON-ready nested dict (tuples become lists)."""
    return json.loads(json.dumps(dataclasses.asdict(cfg)))


def flat(cfg: Config) -> dict[str, Any]:
    """Every dotted key (``keys``) with its JSON-ready value, as ``to_dict`` gives it."""
    d = to_dict(cfg)
    return {**{f"{s}.{k}": v for s in SECTIONS for k, v in d[s].items()}, "seed": d["seed"]}


def from_dict(d: dict[str, Any]) -> Config:
    """The inverse of ``to_dict``; unknown keys raise ``ValueError``. Missing keys keep defaults."""
    if not isinstance(d, dict):
        raise ValueError(f"a config must be an object, got {type(d).__name__}")
    cfg = Config()
    for section, values in d.items():
        if section == "seed":
            cfg = override(cfg, "seed", values)
            continue
        if section not in SECTIONS:
            raise ValueError(f"unknown config section {short(section)}; choose from seed, {', '.join(SECTIONS)}")
        if not isinstance(values, dict):
            raise ValueError(f"config section {section!r} must be an object")
        for k, v in values.items():
            cfg = override(cfg, f"{section}.{k}", v)
    return cfg


def short(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for one-line messages."""
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def keys(cfg: Config | None = None) -> list[str]:
    """Every dotted key that ``override`` accepts."""
    cfg = cfg or Config()
    out = ["seed"]
    for section in SECTIONS:
        out += [f"{section}.{f.name}" for f in dataclasses.fields(getattr(cfg, section))]
    return out


def _coerce(current: Any, value: Any, key: str) -> Any:
    """Converts ``value`` (often a string from the CLI or a URL) to the type of ``current``."""
    try:
        if isinstance(current, bool):
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in ("1", "true", "yes", "on"):
                return True
            if s in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if isinstance(current, int):
            if isinstance(value, bool):
                raise ValueError
            f = _number(value)
            if not f.is_integer():
                raise ValueError
            return int(f)
        if isinstance(current, float):
            if isinstance(value, bool):
                raise ValueError
            return _number(value)
        if isinstance(current, str):
            return str(value)
        if isinstance(current, tuple):
            v = json.loads(value) if isinstance(value, str) else value
            if not isinstance(v, (list, tuple)):
                raise ValueError
            if key.endswith(("centres", "samples")):
                if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in v):
                    raise ValueError
                return tuple((_real(a), _real(b)) for a, b in v)
            return tuple(_real(a) for a in v)
    except (TypeError, ValueError, OverflowError, RecursionError):  # JSONDecodeError is a ValueError
        pass
    raise ValueError(f"bad value for {key}: {short(value)} (expected {_expected(current, key)})")


def _number(value: Any) -> float:
    """A number given as a number, or as text in ``bounds.parse_number``'s plain ASCII syntax."""
    return bounds.parse_number(value) if isinstance(value, str) else float(value)


def _real(a: Any) -> float:
    if isinstance(a, (bool, str)) or a is None:
        raise ValueError
    return float(a)


def _expected(current: Any, key: str) -> str:
    if isinstance(current, tuple):
        return "a JSON list of [x, y] pairs" if key.endswith(("centres", "samples")) else "a JSON list of numbers"
    return type(current).__name__


def override(cfg: Config, key: str, value: Any) -> Config:
    """A copy of ``cfg`` with dotted ``key`` (e.g. ``train.lr_d``) set to ``value``."""
    if key == "seed":
        return dataclasses.replace(cfg, seed=_coerce(cfg.seed, value, key))
    section, _, name = key.partition(".")
    if section not in SECTIONS or not name:
        raise ValueError(f"unknown config key {short(key)}; see `gan-viz config --json` for all keys")
    sub = getattr(cfg, section)
    if name not in {f.name for f in dataclasses.fields(sub)}:
        raise ValueError(f"unknown config key {short(key)}; see `gan-viz config --json` for all keys")
    new_sub = dataclasses.replace(sub, **{name: _coerce(getattr(sub, name), value, key)})
    return dataclasses.replace(cfg, **{section: new_sub})


def with_samples(cfg: Config, points: Any, name: str = "the samples") -> Config:
    """``cfg`` training on ``points`` (n, 2), one's own data (layout ``samples``), with the number of
    modes to fit chosen by BIC (``data.choose_modes``); validated. Raises ``ValueError`` with a
    one-line reason that names ``name`` (a file)."""
    x = np.asarray(points, np.float64).reshape(-1, 2)
    if len(x) < 2:
        raise ValueError(f"{name} holds {len(x)} point; the data need at least 2")
    if len(x) > MAX_SAMPLES:
        raise ValueError(f"{name} holds {len(x):,} points; at most {MAX_SAMPLES:,} train (subsample them)")
    data = dataclasses.replace(cfg.data, layout="samples", samples=tuple(map(tuple, x.round(6).tolist())),
                               modes=data_lib.choose_modes(x))
    return validate(dataclasses.replace(cfg, data=data))


def apply_overrides(cfg: Config, assignments: list[str]) -> Config:
    """Applies ``key=value`` strings in order and validates the result."""
    for a in assignments:
        key, sep, value = a.partition("=")
        if not sep:
            raise ValueError(f"expected key=value, got {a!r}")
        cfg = override(cfg, key.strip(), value.strip())
    return validate(cfg)
