"""Run configuration: frozen dataclasses, dotted-key overrides and (de)serialisation.

A configuration has three parts. ``data`` and ``model`` fix array shapes, so changing them
builds a new compiled trainer. ``train`` mixes both kinds: ``optimizer``, ``beta1``,
``beta2`` and ``batch_size`` are compiled in, while the learning rates, ``k_d``, ``k_g``,
``loss``, ``simultaneous`` and ``r1_weight`` travel as arrays (see ``Hyper``) and can change
between calls without recompiling.

``train.g_ema`` > 0 keeps an exponential moving average of the generator's weights
(Yazici et al. 2019) and every evaluation and picture uses it; 0 shows G itself.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from gan_viz.core import data as data_lib
from gan_viz.core.losses import LOSSES, loss_index
from gan_viz.core.models import ACTIVATIONS, NOISE

LAYOUTS = ("ring", "grid", "single", "custom")
OPTIMIZERS = ("adam", "sgd")
SECTIONS = ("data", "model", "train", "view")  # the dotted-key sections of a Config


@dataclass(frozen=True)
class DataConfig:
    """The real distribution p_x.

    Attributes:
        layout: ``ring`` (``modes`` on a circle of ``radius``), ``grid`` (``grid_n`` x
            ``grid_n``, ``spacing`` apart), ``single`` (one cluster at ``(x, y)``) or
            ``custom`` (``centres`` with ``weights``).
        std: per-axis standard deviation of every mode.
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
        raise ValueError(f"unknown data.layout {self.layout!r}; choose from {', '.join(LAYOUTS)}")


@dataclass(frozen=True)
class ModelConfig:
    """Generator and discriminator MLPs and the latent noise.

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
    g_ema: float = 0.0
    steps: int = 5000
    eval_every: int = 250


@dataclass(frozen=True)
class ViewConfig:
    """How the app shows a run; never changes what is computed, so never resets it.

    Attributes:
        pace: training steps per second while the app plays (the speed control's default).
    """

    pace: float = 1000.0


@dataclass(frozen=True)
class Config:
    """A whole run: data, networks, optimisation, how the app shows it, and the seed."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    view: ViewConfig = field(default_factory=ViewConfig)
    seed: int = 0

    def static_key(self) -> tuple:
        """Everything that fixes compiled shapes; equal keys share compiled functions."""
        t = self.train
        return (self.data.mixture().num_modes, self.model, t.optimizer, t.beta1, t.beta2, t.batch_size)


class Hyper(NamedTuple):
    """Run-time hyperparameters, passed as arrays so that changing them never recompiles."""

    lr_d: jax.Array
    lr_g: jax.Array
    k_d: jax.Array
    k_g: jax.Array
    loss: jax.Array
    simultaneous: jax.Array
    r1_weight: jax.Array
    g_ema: jax.Array


def steps_per_round(train: TrainConfig) -> int:
    """Optimizer steps in one round of ``train``."""
    if train.simultaneous:
        return min(train.k_d, 1) + min(train.k_g, 1)
    return train.k_d + train.k_g


def hyper_from(train: TrainConfig) -> Hyper:
    """The ``Hyper`` arrays for a ``TrainConfig``."""
    return Hyper(
        lr_d=jnp.asarray(train.lr_d, jnp.float32),
        lr_g=jnp.asarray(train.lr_g, jnp.float32),
        k_d=jnp.asarray(train.k_d, jnp.int32),
        k_g=jnp.asarray(train.k_g, jnp.int32),
        loss=jnp.asarray(loss_index(train.loss), jnp.int32),
        simultaneous=jnp.asarray(train.simultaneous, jnp.bool_),
        r1_weight=jnp.asarray(train.r1_weight, jnp.float32),
        g_ema=jnp.asarray(train.g_ema, jnp.float32),
    )


# ---------------------------------------------------------------------------------------------
# Validation, overrides and serialisation.


def validate(cfg: Config) -> Config:
    """Raises ``ValueError`` with a one-line message for any out-of-range value."""
    d, m, t = cfg.data, cfg.model, cfg.train

    def need(ok: bool, msg: str) -> None:
        if not ok:
            raise ValueError(msg)

    need(d.layout in LAYOUTS, f"data.layout must be one of {', '.join(LAYOUTS)}, got {d.layout!r}")
    need(1 <= d.modes <= 64, f"data.modes must be in [1, 64], got {d.modes}")
    need(1 <= d.grid_n <= 8, f"data.grid_n must be in [1, 8], got {d.grid_n}")
    for name in ("radius", "spacing", "std"):
        v = getattr(d, name)
        need(math.isfinite(v) and 0 < v <= 100, f"data.{name} must be in (0, 100], got {v}")
    need(all(math.isfinite(v) for v in (d.x, d.y)), "data.x and data.y must be finite")
    if d.layout == "custom":
        need(len(d.centres) >= 1, "data.centres needs at least one [x, y] pair for layout custom")
        need(len(d.centres) <= 64, "data.centres takes at most 64 centres")
    d.mixture()  # checks centres and weights
    need(1 <= m.latent_dim <= 512, f"model.latent_dim must be in [1, 512], got {m.latent_dim}")
    need(m.noise in NOISE, f"model.noise must be one of {', '.join(NOISE)}, got {m.noise!r}")
    need(0 <= m.g_depth <= 8, f"model.g_depth must be in [0, 8], got {m.g_depth}")
    need(1 <= m.d_depth <= 8, f"model.d_depth must be in [1, 8], got {m.d_depth}")
    for name in ("g_width", "d_width"):
        need(1 <= getattr(m, name) <= 1024, f"model.{name} must be in [1, 1024], got {getattr(m, name)}")
    need(m.activation in ACTIVATIONS,
         f"model.activation must be one of {', '.join(ACTIVATIONS)}, got {m.activation!r}")
    need(t.loss in LOSSES, f"train.loss must be one of {', '.join(LOSSES)}, got {t.loss!r}")
    need(t.optimizer in OPTIMIZERS,
         f"train.optimizer must be one of {', '.join(OPTIMIZERS)}, got {t.optimizer!r}")
    for name in ("lr_d", "lr_g"):
        v = getattr(t, name)
        need(math.isfinite(v) and 0 <= v <= 10, f"train.{name} must be in [0, 10], got {v}")
    need(0 <= t.beta1 < 1 and 0 <= t.beta2 < 1, "train.beta1 and train.beta2 must be in [0, 1)")
    need(0 <= t.k_d <= 100 and 0 <= t.k_g <= 100, "train.k_d and train.k_g must be in [0, 100]")
    need(t.k_d + t.k_g > 0, "train.k_d and train.k_g cannot both be 0 (nothing would train)")
    need(1 <= t.batch_size <= 4096, f"train.batch_size must be in [1, 4096], got {t.batch_size}")
    need(math.isfinite(t.r1_weight) and t.r1_weight >= 0, "train.r1_weight must be >= 0")
    need(0 <= t.g_ema < 1, f"train.g_ema must be in [0, 1), got {t.g_ema}")
    need(1 <= t.steps <= 10_000_000, f"train.steps must be in [1, 1e7], got {t.steps}")
    need(1 <= t.eval_every <= 1_000_000, f"train.eval_every must be >= 1, got {t.eval_every}")
    pace = cfg.view.pace
    need(math.isfinite(pace) and 1 <= pace <= 1_000_000, f"view.pace must be in [1, 1e6] steps/s, got {pace}")
    need(0 <= cfg.seed < 2**31, f"seed must be in [0, 2^31), got {cfg.seed}")
    return cfg


def to_dict(cfg: Config) -> dict[str, Any]:
    """A JSON-ready nested dict (tuples become lists)."""
    return json.loads(json.dumps(dataclasses.asdict(cfg)))


def from_dict(d: dict[str, Any]) -> Config:
    """The inverse of ``to_dict``; unknown keys raise ``ValueError``. Missing keys keep defaults."""
    cfg = Config()
    for section, values in d.items():
        if section == "seed":
            cfg = override(cfg, "seed", values)
            continue
        if not isinstance(values, dict):
            raise ValueError(f"config section {section!r} must be an object")
        for k, v in values.items():
            cfg = override(cfg, f"{section}.{k}", v)
    return cfg


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
            f = float(value)
            if not f.is_integer():
                raise ValueError
            return int(f)
        if isinstance(current, float):
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if isinstance(current, str):
            return str(value)
        if isinstance(current, tuple):
            v = json.loads(value) if isinstance(value, str) else value
            if key.endswith("centres"):
                return tuple((float(a), float(b)) for a, b in v)
            return tuple(float(a) for a in v)
    except (TypeError, ValueError, json.JSONDecodeError):
        pass
    raise ValueError(f"bad value for {key}: {value!r} (expected {type(current).__name__})")


def override(cfg: Config, key: str, value: Any) -> Config:
    """A copy of ``cfg`` with dotted ``key`` (e.g. ``train.lr_d``) set to ``value``."""
    if key == "seed":
        return dataclasses.replace(cfg, seed=_coerce(cfg.seed, value, key))
    section, _, name = key.partition(".")
    if section not in SECTIONS or not name:
        raise ValueError(f"unknown config key {key!r}; see `gan-viz config --json` for all keys")
    sub = getattr(cfg, section)
    if name not in {f.name for f in dataclasses.fields(sub)}:
        raise ValueError(f"unknown config key {key!r}; see `gan-viz config --json` for all keys")
    new_sub = dataclasses.replace(sub, **{name: _coerce(getattr(sub, name), value, key)})
    return dataclasses.replace(cfg, **{section: new_sub})


def apply_overrides(cfg: Config, assignments: list[str]) -> Config:
    """Applies ``key=value`` strings in order and validates the result."""
    for a in assignments:
        key, sep, value = a.partition("=")
        if not sep:
            raise ValueError(f"expected key=value, got {a!r}")
        cfg = override(cfg, key.strip(), value.strip())
    return validate(cfg)
