"""Widget choices for the app: config <-> widget values and the custom-centres table.

Ranges and option lists come from ``gan_viz.core.bounds`` (shared with the validator and the
URL parser). Kept out of ``app.py`` so that the app only lays widgets out, and so this logic is tested.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from gan_viz.core import bounds
from gan_viz.core import config as config_lib
from gan_viz.core.config import Config
from gan_viz.ui import pacing

# Pace in training steps per second: 1-2-5 steps from slow motion (a few small rounds a
# second) up to "max", as fast as the machine goes (see ``gan_viz.ui.pacing``).
PACE_MAX = pacing.PACE_MAX
PACE_OPTIONS = [10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0, PACE_MAX]

# Every config key the sidebar edits, with the widget key that holds it.
WIDGET_KEYS = [
    "data.layout", "data.modes", "data.radius", "data.grid_n", "data.spacing", "data.std",
    "model.g_depth", "model.g_width", "model.d_depth", "model.d_width", "model.latent_dim",
    "model.noise", "model.activation", "model.pack", "model.init", "model.init_gain", "model.d_input_scale",
    "train.loss", "train.optimizer", "train.lr_d", "train.lr_g", "train.k_d", "train.k_g",
    "train.batch_size", "train.simultaneous", "train.r1_weight", "train.gp_weight", "train.g_ema", "train.unroll",
    "train.alt_g", "seed", "view.pace",
]


def widget_key(config_key: str) -> str:
    return f"cfg:{config_key}"


def pace_options(pace: float) -> list[float]:
    """The speed control's ordered options, with ``pace`` itself among them (a preset's or a link's)."""
    return sorted(set(PACE_OPTIONS) | {float(pace)})


def pace_label(pace: float) -> str:
    return "max" if pace >= PACE_MAX else f"{pace:,.0f}"


def get(cfg: Config, key: str) -> Any:
    if key == "seed":
        return cfg.seed
    section, name = key.split(".")
    return getattr(getattr(cfg, section), name)


def widget_values(cfg: Config) -> dict[str, Any]:
    """Initial widget state for ``cfg``: every value as it is (each widget's range and options
    come from ``gan_viz.core.bounds``, so any valid value can be shown without snapping)."""
    return {widget_key(key): get(cfg, key) for key in WIDGET_KEYS}


def options(key: str, current: float) -> list[float]:
    """Choices of the option widget (select slider) of ``key``: the table's options and ``current``."""
    return bounds.options(key, current)


def limits(key: str) -> tuple[float, float]:
    """``(min, max)`` of the slider or number box of ``key``."""
    return bounds.limits(key)


def fmt_rate(v: float) -> str:
    """A learning rate as a log slider shows it (3 significant digits: 7e-4 stays 0.0007)."""
    return f"{v:.3g}"


DEFAULT_CUSTOM_ROWS = [{"x": 1.5, "y": 1.5, "weight": 1.0}, {"x": -1.5, "y": -1.5, "weight": 1.0}]


def custom_rows(cfg: Config) -> list[dict]:
    """The custom-centres table for ``cfg`` (two clusters when it has none yet)."""
    d = cfg.data
    if not d.centres:
        return [dict(r) for r in DEFAULT_CUSTOM_ROWS]
    weights = d.weights or (1.0,) * len(d.centres)
    return [{"x": x, "y": y, "weight": w} for (x, y), w in zip(d.centres, weights)]


def current_rows(cfg: Config) -> list[dict]:
    """The modes of ``cfg``'s data as custom-centres rows, whatever its layout (a ring's eight
    centres, weight 1 each; the modes fitted to uploaded samples, weighted by their share)."""
    if cfg.data.layout == "custom":
        return custom_rows(cfg)
    mix = cfg.data.mixture()
    c, w = np.asarray(mix.centres, np.float64), np.asarray(mix.weights, np.float64)
    return [{"x": round(float(x), 4), "y": round(float(y), 4), "weight": round(float(v * len(w)), 4)}
            for (x, y), v in zip(c, w)]


HIT_SHARE = 0.03  # a click this share of the view's width from a mode (or within 3 std) is on it


def edit_at(cfg: Config, x: float, y: float, extent: tuple[float, float, float, float]) -> tuple[Config, str]:
    """Click-to-place: a click on a mode removes it, a click elsewhere adds a mode there (weight 1,
    the current std). The result has the custom layout, with every other mode kept.

    Returns the new configuration and a sentence saying what changed; raises ValueError (one
    line) when the click cannot be applied (the last mode, more than 64, out of range).
    """
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError("the click was not on the plot")
    rows = current_rows(cfg)
    centres = np.array([[r["x"], r["y"]] for r in rows], np.float64).reshape(-1, 2)
    dist = np.hypot(centres[:, 0] - x, centres[:, 1] - y)
    radius = max(3.0 * cfg.data.std, HIT_SHARE * (extent[1] - extent[0]))
    i = int(np.argmin(dist)) if len(dist) else -1
    if i >= 0 and dist[i] <= radius:
        if len(rows) == 1:
            raise ValueError("the data needs at least one mode: add another before removing this one")
        gone = rows.pop(i)
        message = f"Removed the mode at ({gone['x']:.2f}, {gone['y']:.2f}); {len(rows)} left."
    else:
        if len(rows) >= 64:
            raise ValueError("the data holds at most 64 modes: click a mode to remove it first")
        rows.append({"x": round(float(x), 2), "y": round(float(y), 2), "weight": 1.0})
        message = f"Added a mode at ({x:.2f}, {y:.2f}); {len(rows)} modes."
    custom = replace(cfg, data=replace(cfg.data, layout="custom"))
    return with_custom_centres(custom, rows), message


def config_from_widgets(base: Config, values: dict[str, Any], rows: list[dict] | None = None) -> Config:
    """``base`` with every widget value (and, for the custom layout, the centres table) applied.

    Raises ValueError with a one-line message when the result is not a valid configuration.
    """
    cfg = base
    for key in WIDGET_KEYS:
        wk = widget_key(key)
        if wk in values:
            cfg = config_lib.override(cfg, key, values[wk])
    if cfg.data.layout == "custom":
        return with_custom_centres(cfg, rows if rows is not None else custom_rows(cfg))
    return config_lib.validate(cfg)


def with_custom_centres(cfg: Config, rows: list[dict]) -> Config:
    """Applies a table of ``{"x", "y", "weight"}`` rows (the custom-centres editor).

    Every row counts: an empty or non-numeric cell, a negative weight or a coordinate out of
    range raises ``ValueError`` naming the row (1 = the first), so nothing is dropped silently.
    """
    if not rows:
        raise ValueError("the custom layout needs at least one centre: add a row with x and y")
    pts, weights = [], []
    for i, r in enumerate(rows, 1):
        x, y, w = (_cell(r, c, i) for c in ("x", "y", "weight"))
        if w < 0:
            raise ValueError(f"row {i} of the centres table: weight must be >= 0, got {w:g}")
        pts.append((x, y))
        weights.append(w)
    if sum(weights) <= 0:
        raise ValueError("custom centre weights must not all be zero")
    return config_lib.validate(replace(cfg, data=replace(cfg.data, centres=tuple(pts), weights=tuple(weights))))


def _cell(row: dict, column: str, i: int) -> float:
    v = row.get(column) if isinstance(row, dict) else None
    if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
        raise ValueError(f"row {i} of the centres table has no {column}: fill it in or delete the row")
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"row {i} of the centres table: {column} is not a number ({config_lib.short(v)})") from None
    if not math.isfinite(f):
        raise ValueError(f"row {i} of the centres table: {column} must be finite, got {f}")
    return f
