"""One range per numeric configuration key, shared by every way a value comes in.

The config validator, the CLI's ``--set``, the URL parser and the app's widgets all read
``BOUNDS``: a value the configuration accepts is a value a widget can show. Sliders take
their minimum and maximum from here; option widgets (select sliders) offer ``options`` plus
the current value, so a value between two options is shown as it is, never snapped.

``data.centres`` bounds each coordinate of every custom centre and ``data.weights`` each
weight; every other entry bounds one scalar key.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import NamedTuple

PACE_MAX = 1_000_000.0  # the pace control's "max" (training steps/s): as fast as the machine goes


class Bound(NamedTuple):
    lo: float
    hi: float
    integer: bool = False
    options: tuple[float, ...] = ()  # what an option widget offers (the current value is added)


def _lr_options() -> tuple[float, ...]:
    return tuple(sorted({round(m * 10.0**e, 10) for e in range(-5, 0) for m in (1, 2, 3, 5)} | {1.0}))


def _quarters(lo: float, hi: float) -> tuple[float, ...]:
    return tuple(lo + 0.25 * i for i in range(int(round((hi - lo) / 0.25)) + 1))


BOUNDS: dict[str, Bound] = {
    "data.modes": Bound(1, 64, True),
    "data.radius": Bound(0.1, 50.0, options=_quarters(0.5, 4.0)),
    "data.grid_n": Bound(1, 8, True),
    "data.spacing": Bound(0.1, 20.0, options=_quarters(0.5, 3.0)),
    "data.x": Bound(-50.0, 50.0),
    "data.y": Bound(-50.0, 50.0),
    "data.centres": Bound(-50.0, 50.0),
    "data.weights": Bound(0.0, 1e6),
    "data.std": Bound(0.001, 10.0, options=(0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)),
    "model.latent_dim": Bound(1, 512, True, (1, 2, 4, 8, 16, 32, 64, 128, 256)),
    "model.g_depth": Bound(0, 8, True),
    "model.g_width": Bound(1, 1024, True, (8, 16, 32, 64, 128, 256)),
    "model.d_depth": Bound(1, 8, True),
    "model.d_width": Bound(1, 1024, True, (8, 16, 32, 64, 128, 256)),
    "model.pack": Bound(1, 8, True),
    "model.init_gain": Bound(0.01, 10.0, options=(0.5, 0.8, 1.0, 1.4, 2.0)),
    "model.d_input_scale": Bound(0.001, 1000.0, options=(0.1, 0.25, 0.5, 1.0, 2.0)),
    "train.lr_d": Bound(0.0, 10.0, options=_lr_options()),
    "train.lr_g": Bound(0.0, 10.0, options=_lr_options()),
    "train.beta1": Bound(0.0, 0.9999),
    "train.beta2": Bound(0.0, 0.9999),
    "train.k_d": Bound(0, 100, True),
    "train.k_g": Bound(0, 100, True),
    "train.batch_size": Bound(1, 4096, True, (16, 32, 64, 128, 256, 512, 1024)),
    "train.r1_weight": Bound(0.0, 1000.0),
    "train.gp_weight": Bound(0.0, 1000.0),
    "train.g_ema": Bound(0.0, 0.9999),
    "train.unroll": Bound(0, 20, True),
    "train.steps": Bound(1, 10_000_000, True),
    "train.eval_every": Bound(1, 1_000_000, True),
    "view.pace": Bound(1.0, PACE_MAX),
    "seed": Bound(0, 2**31 - 1, True),
}


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:g}"


def describe(key: str) -> str:
    """``[lo, hi]`` of ``key``, as messages show it."""
    b = BOUNDS[key]
    return f"[{_fmt(b.lo)}, {_fmt(b.hi)}]"


def within(key: str, value: float) -> bool:
    b = BOUNDS[key]
    return _is_num(value) and math.isfinite(value) and b.lo <= value <= b.hi


def check(key: str, value: float) -> None:
    """Raises ``ValueError`` (one line) unless ``value`` is finite and in ``key``'s range."""
    if not within(key, value):
        raise ValueError(f"{key} must be in {describe(key)}, got {_fmt(value) if _is_num(value) else repr(value)}")


def check_seeds(first: int, count: int = 1, what: str = "seed") -> None:
    """Raises ``ValueError`` (one line) unless every seed ``first``, ..., ``first + count - 1`` is an
    integer in the seed range: what a sweep's or a table's seeds, and any single seed, must meet.

    ``what`` names the first seed in the message (a flag such as ``--first-seed``).
    """
    if not isinstance(first, numbers.Integral) or isinstance(first, bool):
        raise ValueError(f"{what} must be an integer in {describe('seed')}, got {first!r}")
    last = int(first) + int(count) - 1
    if count > 1 and within("seed", first) and not within("seed", last):
        raise ValueError(f"{what} {int(first)} with {count} seeds reaches seed {last}; "
                         f"every seed must be in {describe('seed')}")
    if not within("seed", first):
        raise ValueError(f"{what} must be in {describe('seed')}, got {_fmt(first)}")


# A number as text: ASCII digits, an optional point and exponent, or inf/nan (refused by the
# ranges, with their own message). Python's float() also reads "1_000", Arabic-Indic and
# fullwidth digits: those are refused here, so every text input reads numbers the same way.
_NUMBER = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)", re.IGNORECASE)


def parse_number(text: str) -> float:
    """``text`` (surrounding spaces allowed) as a float; raises ``ValueError`` unless it is a plain
    decimal or scientific number in ASCII (``3``, ``-0.5``, ``1e-4``), ``inf`` or ``nan``."""
    s = text.strip(" \t")
    if not _NUMBER.fullmatch(s):
        raise ValueError(f"not a number: {text!r}")
    return float(s)


def clamp(key: str, value: float) -> float:
    """The nearest value in range (``value`` must be a number that is not NaN)."""
    b = BOUNDS[key]
    v = min(max(value, b.lo), b.hi)
    return int(v) if b.integer else float(v)


def limits(key: str) -> tuple[float, float]:
    """A slider's ``(min, max)`` for ``key`` (ints for integer keys)."""
    b = BOUNDS[key]
    return (int(b.lo), int(b.hi)) if b.integer else (float(b.lo), float(b.hi))


def options(key: str, current: float) -> list[float]:
    """An option widget's choices for ``key``: the table's options in range, plus ``current``."""
    b = BOUNDS[key]
    return sorted({o for o in b.options if b.lo <= o <= b.hi} | {current})


def _is_num(v: object) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)
