"""The Collapse map page: a grid of run-time settings x seeds trained at once (``gan_viz.lab.sweep``),
drawn as a heatmap that fills in chunk by chunk; a click loads a cell into Live training."""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from gan_viz.core import config as config_lib
from gan_viz.core.config import Config
from gan_viz.lab import sweep
from gan_viz.ui import charts, controls, rerun
from gan_viz.ui.pages import prose

# what the map can be coloured by: label -> (cell key, fixed colour range or None)
METRICS = {
    "Modes captured": ("modes_captured_mean", None),
    "High-quality share": ("hq_fraction_mean", (0.0, 1.0)),
    "Mode hops": ("hop_events_mean", None),
    "Collapsed (share of runs)": ("collapsed_fraction", (0.0, 1.0)),
    "Diverged (share of runs)": ("diverged_fraction", (0.0, 1.0)),
    "HQ while collapsed": ("collapsed_hq_fraction_mean", (0.0, 1.0)),
    "Reverse KL": ("reverse_kl_mean", None),
}
DEFAULTS = {"map_x": "lr_d", "map_xv": "1e-4:1e-2:7log", "map_y": "lr_g", "map_yv": "1e-4:1e-2:7log",
            "map_seeds": 4}
MAX_SEEDS = 16
LIVE_TAB = "Live training"


@st.cache_resource(show_spinner=False)
def _maps() -> dict:
    """Process-wide: finished maps by request, so a map computed once is there for every session."""
    return {}


def _request(cfg: Config) -> str:
    ss = st.session_state
    return json.dumps({"config": config_lib.to_dict(cfg), **{k: ss[k] for k in (*DEFAULTS, "map_steps")}},
                      sort_keys=True)


@rerun.action
def _compute() -> None:
    st.session_state.map_pending = True


def _shown() -> tuple[Config, sweep.SweepResult]:
    """The map on screen and the configuration it was computed for."""
    return _maps()[st.session_state.map_request]


def _load(xi: int, yi: int, seed: int) -> None:
    """Puts cell (xi, yi)'s settings and ``seed`` into the sidebar and opens Live training, paused."""
    ss = st.session_state
    cfg, result = _shown()
    x, y = result.x, result.y
    cell = config_lib.override(config_lib.override(cfg, f"train.{x.key}", x.values[xi]), f"train.{y.key}", y.values[yi])
    cell = config_lib.override(cell, "seed", seed)
    ss.update(controls.widget_values(cell))
    ss.playing = False
    ss.tab = LIVE_TAB


@rerun.action
def _picked() -> None:
    """The map's click callback: the clicked cell, with the seed in the box."""
    points = st.session_state.map_fig.selection.get("points", [])
    if points and points[0].get("curve_number") == 1:  # a cell's click target (charts.collapse_map)
        _, result = _shown()
        xi, yi = charts.map_cell(int(points[0]["point_index"]), len(result.x.values))
        _load(xi, yi, int(st.session_state.map_seed))


@rerun.action
def _load_chosen() -> None:
    ss = st.session_state
    _, result = _shown()
    _load(result.x.values.index(ss.map_pick_x), result.y.values.index(ss.map_pick_y), int(ss.map_seed))


def _figure(result: sweep.SweepResult, metric: str, cfg: Config) -> object:
    """The map of ``result`` (computed for ``cfg``) coloured by ``metric``."""
    key, zrange = METRICS[metric]
    if key == "modes_captured_mean":
        zrange = (0.0, float(cfg.data.mixture().num_modes))
    grid = result.grid(key)
    ny, nx = grid.shape
    hover = np.empty((ny, nx), dtype=object)
    for c, cell in enumerate(result.cells):
        def f(v, pct=False):
            return "-" if v is None else f"{100 * v:.0f} %" if pct else f"{v:.3g}"
        hover[c // nx, c % nx] = (
            f"{result.x.key} = {result.x.label(c % nx)}, {result.y.key} = {result.y.label(c // nx)}<br>"
            f"modes {f(cell['modes_captured_mean'])}, HQ {f(cell['hq_fraction_mean'], True)}, "
            f"hops {f(cell['hop_events_mean'])}<br>collapsed {f(cell['collapsed_fraction'], True)}, "
            f"diverged {f(cell['diverged_fraction'], True)} (over {len(result.seeds)} seeds)")
    return charts.collapse_map(grid, [result.x.label(i) for i in range(nx)],
                               [result.y.label(j) for j in range(ny)], result.x.key, result.y.key, metric,
                               zrange=zrange, hover=hover)


def render(cfg: Config) -> None:
    """The page for the live run's configuration ``cfg`` (its networks, data and budget)."""
    ss = st.session_state
    text = prose("collapse_map")
    st.markdown(text["intro"])
    for k, v in DEFAULTS.items():
        ss.setdefault(k, v)
    ss.setdefault("map_steps", int(cfg.train.steps))
    c = st.columns([1, 1.6, 1, 1.6, 0.8, 1, 1.2])
    c[0].selectbox("x setting", sweep.KEYS, key="map_x", on_change=rerun.request)
    c[1].text_input("x values", key="map_xv", on_change=rerun.request)
    c[2].selectbox("y setting", sweep.KEYS, key="map_y", on_change=rerun.request)
    c[3].text_input("y values", key="map_yv", on_change=rerun.request)
    c[4].number_input("Seeds", 1, MAX_SEEDS, key="map_seeds", on_change=rerun.request)
    c[5].number_input("Steps", 10, 100_000, step=500, key="map_steps", on_change=rerun.request)
    c[6].button("Compute map", type="primary", key="map_compute", on_click=_compute, use_container_width=True)
    with st.expander("How to write values"):
        st.markdown(text["axes"])

    store = _maps()
    if ss.pop("map_pending", False):
        request = _request(cfg)
        try:
            x, y = sweep.parse_axis(f"{ss.map_x}={ss.map_xv}"), sweep.parse_axis(f"{ss.map_y}={ss.map_yv}")
            sweep.cell_configs(cfg, x, y)
        except ValueError as e:
            st.error(f"Map not computed: {e}")
        else:
            ss.playing = False  # the map uses every core; Live waits
            if request not in store:
                bar = st.progress(0.0, text="Compiling the runs ...")
                slot = st.empty()
                for i, partial in enumerate(sweep.sweep_iter(cfg, x, y, seeds=int(ss.map_seeds),
                                                             steps=int(ss.map_steps))):
                    bar.progress(partial.done / partial.total,
                                 text=f"{partial.runs} runs: {partial.done}/{partial.total} evaluations, "
                                      f"{partial.wall_seconds:.0f} s")
                    if i % 4 == 0 or partial.done == partial.total:
                        slot.plotly_chart(_figure(partial, ss.get("map_metric", "Modes captured"), cfg),
                                          key=f"map_partial_{i}")
                    result = partial
                store[request] = (cfg, result)
                bar.empty()
                slot.empty()
            ss.map_request = request
    if ss.get("map_request") not in store:
        st.info(text["empty"])
        return
    map_cfg, result = store[ss.map_request]

    top = st.columns([2, 1, 3])
    top[0].selectbox("Colour by", list(METRICS), key="map_metric", on_change=rerun.request)
    top[1].number_input("Seed to load", 0, 2**31 - 1, value=result.seeds[0], key="map_seed", on_change=rerun.request)
    top[2].caption(f"{result.runs} runs ({len(result.seeds)} seeds x {len(result.cells)} cells), "
                   f"{result.steps:,} steps each: {result.wall_seconds:.0f} s on {result.devices} device(s), "
                   f"{(result.steps_per_s_aggregate or 0):,.0f} steps/s in all.")
    st.plotly_chart(_figure(result, ss.map_metric, map_cfg), key="map_fig", on_select=_picked, selection_mode="points")
    st.markdown(text["metrics"])
    c = st.columns([1, 1, 1.2])
    c[0].selectbox(result.x.key, result.x.values, format_func=lambda v: f"{v:.3g}" if isinstance(v, float) else v,
                   key="map_pick_x", on_change=rerun.request)
    c[1].selectbox(result.y.key, result.y.values, format_func=lambda v: f"{v:.3g}" if isinstance(v, float) else v,
                   key="map_pick_y", on_change=rerun.request)
    c[2].button("Load into Live training", key="map_load", on_click=_load_chosen,
                use_container_width=True)
