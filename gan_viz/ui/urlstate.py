"""The whole app configuration in the URL: query parameters to a Config and back.

A shared link reads ``?preset=ring8-hopping&train.lr_d=0.0003&seed=4``: the preset gives the
base configuration and every other parameter is a dotted config key that overrides it.
Parameters that are unknown, malformed or out of range are reported and ignored one by one,
so a half-broken link still opens the closest scene it describes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from gan_viz.core import config as config_lib
from gan_viz.core.config import Config
from gan_viz.lab import presets

PRESET_KEY = "preset"
VIEW_KEYS = ("view.arrows", "view.manifold", "view.dstar", "view.steps_per_frame")


def config_from_query(params: Mapping[str, str]) -> tuple[str, Config, dict[str, str], list[str]]:
    """Parses query parameters.

    Returns:
        ``(preset name, config, view options, warnings)``; each warning is one sentence
        naming the parameter that was ignored and why.
    """
    warnings: list[str] = []
    name = params.get(PRESET_KEY, presets.DEFAULT)
    if name not in presets.PRESETS:
        warnings.append(f"Unknown preset {name!r} in the URL; using {presets.DEFAULT!r}.")
        name = presets.DEFAULT
    cfg = presets.get(name)
    view: dict[str, str] = {}
    # the layout last: a custom layout is only valid once its centres are in
    for key, value in sorted(params.items(), key=lambda kv: kv[0] == "data.layout"):
        if key == PRESET_KEY:
            continue
        if key in VIEW_KEYS:
            view[key] = value
            continue
        try:
            candidate = config_lib.validate(config_lib.override(cfg, key, value))
        except ValueError as e:
            warnings.append(f"Ignored URL parameter {key}={value!r}: {e}.")
            continue
        cfg = candidate
    return name, cfg, view, warnings


def _flatten(d: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _encode(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def query_from_config(preset: str, cfg: Config, view: Mapping[str, object] | None = None) -> dict[str, str]:
    """The shortest query that reproduces ``cfg``: the preset plus the keys that differ from it."""
    base = _flatten(config_lib.to_dict(presets.get(preset)))
    now = _flatten(config_lib.to_dict(cfg))
    query = {PRESET_KEY: preset}
    for key, value in now.items():
        if base.get(key) != value:
            query[key] = _encode(value)
    for key, value in (view or {}).items():
        query[key] = _encode(value)
    return query
