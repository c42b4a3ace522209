"""Widget choices for the app: option lists, snapping, and config <-> widget values.

Kept out of ``app.py`` so that the app only lays widgets out, and so this logic is tested.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from gan_viz.core import config as config_lib
from gan_viz.core.config import Config

LR_OPTIONS = sorted({round(m * 10.0**e, 10) for e in range(-5, 0) for m in (1, 2, 3, 5)} | {1.0})
K_OPTIONS = list(range(0, 51))
STEPS_PER_FRAME = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
BATCH_OPTIONS = [16, 32, 64, 128, 256, 512, 1024]
WIDTH_OPTIONS = [8, 16, 32, 64, 128, 256]
LATENT_OPTIONS = [1, 2, 4, 8, 16, 32, 64, 128, 256]
STD_OPTIONS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5]

# Every config key the sidebar edits, with the widget key that holds it.
WIDGET_KEYS = [
    "data.layout", "data.modes", "data.radius", "data.grid_n", "data.spacing", "data.std",
    "model.g_depth", "model.g_width", "model.d_depth", "model.d_width", "model.latent_dim",
    "model.noise", "model.activation",
    "train.loss", "train.optimizer", "train.lr_d", "train.lr_g", "train.k_d", "train.k_g",
    "train.batch_size", "train.simultaneous", "train.r1_weight", "train.g_ema", "seed",
]


def widget_key(config_key: str) -> str:
    return f"cfg:{config_key}"


def snap(value: float, options: list[float], log: bool = True) -> float:
    """The option closest to ``value`` (in log distance for learning rates and stds)."""
    if log and value > 0:
        return min(options, key=lambda o: abs(math.log(o) - math.log(value)) if o > 0 else math.inf)
    return min(options, key=lambda o: abs(o - value))


def get(cfg: Config, key: str) -> Any:
    if key == "seed":
        return cfg.seed
    section, name = key.split(".")
    return getattr(getattr(cfg, section), name)


def widget_values(cfg: Config) -> dict[str, Any]:
    """Initial widget state for ``cfg`` (values snapped onto each widget's options)."""
    out = {}
    for key in WIDGET_KEYS:
        v = get(cfg, key)
        if key in ("train.lr_d", "train.lr_g"):
            v = snap(v, LR_OPTIONS) if v > 0 else LR_OPTIONS[0]
        elif key == "data.std":
            v = snap(v, sorted(set(STD_OPTIONS) | {v}))
        out[widget_key(key)] = v
    return out


DEFAULT_CUSTOM_ROWS = [{"x": 1.5, "y": 1.5, "weight": 1.0}, {"x": -1.5, "y": -1.5, "weight": 1.0}]


def custom_rows(cfg: Config) -> list[dict]:
    """The custom-centres table for ``cfg`` (two clusters when it has none yet)."""
    d = cfg.data
    if not d.centres:
        return [dict(r) for r in DEFAULT_CUSTOM_ROWS]
    weights = d.weights or (1.0,) * len(d.centres)
    return [{"x": x, "y": y, "weight": w} for (x, y), w in zip(d.centres, weights)]


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
    """Applies a table of ``{"x", "y", "weight"}`` rows (the custom-centres editor)."""
    pts, weights = [], []
    for r in rows:
        try:
            x, y = float(r["x"]), float(r["y"])
            w = float(r.get("weight", 1.0) if r.get("weight") is not None else 1.0)
        except (TypeError, ValueError, KeyError):
            continue
        if math.isfinite(x) and math.isfinite(y) and math.isfinite(w) and w >= 0:
            pts.append((x, y))
            weights.append(w)
    if not pts:
        raise ValueError("the custom layout needs at least one centre with numeric x and y")
    if sum(weights) <= 0:
        raise ValueError("custom centre weights must not all be zero")
    return config_lib.validate(replace(cfg, data=replace(cfg.data, centres=tuple(pts), weights=tuple(weights))))
