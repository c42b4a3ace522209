"""The Collapse map page: a grid of run-time settings x seeds trained at once (``gan_viz.lab.sweep``),
drawn as a heatmap that fills in chunk by chunk; a click loads a cell into Live training.

A map computes in a background thread (``gan_viz.ui.jobs``), so switching tabs never drops it:
coming back shows how far it got, then the map."""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from gan_viz.core import bounds
from gan_viz.core import config as config_lib
from gan_viz.core.config import Config
from gan_viz.lab import sweep
from gan_viz.render import charts
from gan_viz.ui import controls, jobs, rerun
from gan_viz.ui.pages import keep_inputs, prose, say_why_no_result

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
POLL_SECONDS = 1.0  # a computing map's progress redraws this often


@st.cache_resource(show_spinner=False)
def _maps() -> dict[str, tuple[Config, jobs.Job]]:
    """Process-wide: maps by request, computing or done, so a map computed once is there for every
    session (and a session asking for one that computes follows it)."""
    return {}


def _request(cfg: Config) -> str:
    ss = st.session_state
    return json.dumps({"config": config_lib.to_dict(cfg), **{k: ss[k] for k in (*DEFAULTS, "map_steps")}},
                      sort_keys=True)


@rerun.action
def _compute() -> None:
    st.session_state.map_pending = True


@rerun.action
def _stop() -> None:
    _maps()[st.session_state.map_request][1].stop.set()


def _shown() -> tuple[Config, sweep.SweepResult]:
    """The map on screen and the configuration it was computed for."""
    cfg, job = _maps()[st.session_state.map_request]
    return cfg, job.result


def _work(cfg: Config, x: sweep.Axis, y: sweep.Axis | None, seeds: int, steps: int):
    """The background job's work: the map, chunk by chunk, each partial map its progress."""
    def work(job: jobs.Job) -> sweep.SweepResult | None:
        for partial in sweep.sweep_iter(cfg, x, y, seeds=seeds, steps=steps):
            job.progress = partial
            if job.stop.is_set() and partial.done < partial.total:
                return None
        return job.progress
    return work


def _axes(ss) -> tuple[sweep.Axis, sweep.Axis | None]:
    """The axes typed in the boxes (no y values: a one-row map). Raises ValueError."""
    x = sweep.parse_axis(f"{ss.map_x}={ss.map_xv}")
    return x, sweep.parse_axis(f"{ss.map_y}={ss.map_yv}") if ss.map_yv.strip() else None


def _load(xi: int, yi: int, seed: int) -> None:
    """Puts cell (xi, yi)'s settings and ``seed`` into the sidebar and opens Live training, paused."""
    ss = st.session_state
    cfg, result = _shown()
    x, y = result.x, result.y
    cell = config_lib.override(cfg, f"train.{x.key}", x.values[xi])
    if y is not None:
        cell = config_lib.override(cell, f"train.{y.key}", y.values[yi])
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
    _load(int(ss.map_pick_x), 0 if result.y is None else int(ss.map_pick_y), int(ss.map_seed))


def _figure(result: sweep.SweepResult, metric: str, cfg: Config) -> object:
    """The map of ``result`` (computed for ``cfg``) coloured by ``metric``."""
    key, zrange = METRICS[metric]
    if key == "modes_captured_mean":
        zrange = (0.0, float(cfg.data.mixture().num_modes))
    grid = result.grid(key)
    ny, nx = grid.shape
    x, y = result.x, result.y
    hover = np.empty((ny, nx), dtype=object)
    for c, cell in enumerate(result.cells):
        def f(v, pct=False):
            return "-" if v is None else f"{100 * v:.0f} %" if pct else f"{v:.3g}"
        hover[c // nx, c % nx] = (
            f"{x.key} = {x.label(c % nx)}{'' if y is None else f', {y.key} = {y.label(c // nx)}'}<br>"
            f"modes {f(cell['modes_captured_mean'])}, HQ {f(cell['hq_fraction_mean'], True)}, "
            f"hops {f(cell['hop_events_mean'])}<br>collapsed {f(cell['collapsed_fraction'], True)}, "
            f"diverged {f(cell['diverged_fraction'], True)} (over {len(result.seeds)} seeds)")
    y_labels = [""] if y is None else [y.label(j) for j in range(ny)]
    return charts.collapse_map(grid, [x.label(i) for i in range(nx)], y_labels, x.key, "" if y is None else y.key,
                               metric, zrange=zrange, hover=hover)


@st.fragment(run_every=POLL_SECONDS)
def _progress(job: jobs.Job, cfg: Config) -> None:
    """A computing map: how far it got and the cells done so far, redrawn until it is done."""
    rerun.follow_up()
    if not job.running:
        st.rerun(scope="app")  # done: the whole page, with the map and its controls
    partial: sweep.SweepResult | None = job.progress
    if partial is None:
        st.progress(0.0, text="Compiling the runs ... (the map keeps computing if you switch tabs)")
    else:
        st.progress(partial.done / partial.total,
                    text=f"{partial.runs} runs: {partial.done}/{partial.total} evaluations, "
                         f"{partial.wall_seconds:.0f} s (the map keeps computing if you switch tabs)")
    st.button("Stop", key="map_stop", on_click=_stop, disabled=job.stop.is_set())
    if partial is not None:
        st.plotly_chart(_figure(partial, st.session_state.get("map_metric", next(iter(METRICS))), cfg),
                        key="map_partial")


def _start(cfg: Config, store: dict) -> str | None:
    """Starts the map the boxes ask for in the background (unless it is there or computing, or
    this session's map computes: Compute is disabled then); why not, if the boxes are wrong."""
    ss = st.session_state
    if ss.get("map_request") in store and store[ss.map_request][1].running:
        return None
    try:
        x, y = _axes(ss)
        sweep.cell_configs(cfg, x, y)
        bounds.check_seeds(cfg.seed, int(ss.map_seeds), "the sidebar's seed")
    except ValueError as e:
        return str(e)
    request = _request(cfg)
    if request not in store or store[request][1].result is None and not store[request][1].running:
        # new, or stopped or failed before: (again)
        store[request] = (cfg, jobs.Job(_work(cfg, x, y, int(ss.map_seeds), int(ss.map_steps)), name="collapse map"))
    ss.map_request = request
    ss.playing = False  # the map uses every core; Live waits
    return None


def render(cfg: Config) -> None:
    """The page for the live run's configuration ``cfg`` (its networks, data and budget)."""
    ss = st.session_state
    text = prose("collapse_map")
    st.markdown(text["intro"])
    keep_inputs({**DEFAULTS, "map_steps": int(cfg.train.steps), "map_metric": next(iter(METRICS))})
    c = st.columns([1, 1.6, 1, 1.6, 0.8, 1, 1.2])
    c[0].selectbox("x setting", sweep.KEYS, key="map_x", on_change=rerun.request)
    c[1].text_input("x values", key="map_xv", on_change=rerun.request)
    c[2].selectbox("y setting", sweep.KEYS, key="map_y", on_change=rerun.request)
    c[3].text_input("y values", key="map_yv", on_change=rerun.request)
    c[4].number_input("Seeds", 1, MAX_SEEDS, key="map_seeds", on_change=rerun.request)
    c[5].number_input("Steps", 10, 100_000, step=500, key="map_steps", on_change=rerun.request)
    store = _maps()
    refused = _start(cfg, store) if ss.pop("map_pending", False) else None
    computing = store[ss.map_request][1].running if ss.get("map_request") in store else False
    c[6].button("Compute map", type="primary", key="map_compute", on_click=_compute, use_container_width=True,
                disabled=computing, help="Stop the map that computes to compute another" if computing else None)
    with st.expander("How to write values"):
        st.markdown(text["axes"])
    if refused:
        st.error(f"Map not computed: {refused}")
    if ss.get("map_request") not in store:
        st.info(text["empty"])
        return
    map_cfg, job = store[ss.map_request]
    if job.running:
        _progress(job, map_cfg)
        return
    if say_why_no_result(job, "Map", "Compute map"):
        return
    result = job.result

    top = st.columns([2, 1, 3])
    top[0].selectbox("Colour by", list(METRICS), key="map_metric", on_change=rerun.request)
    top[1].number_input("Seed to load", 0, bounds.limits("seed")[1], value=result.seeds[0], key="map_seed",
                        on_change=rerun.request)
    top[2].caption(f"{result.runs} runs ({len(result.seeds)} seeds x {len(result.cells)} cells), "
                   f"{result.steps:,} steps each: {result.wall_seconds:.0f} s on {result.devices} device(s), "
                   f"{(result.steps_per_s_aggregate or 0):,.0f} steps/s in all.")
    st.plotly_chart(_figure(result, ss.map_metric, map_cfg), key="map_fig", on_select=_picked, selection_mode="points")
    st.markdown(text["metrics"])
    c = st.columns([1, 1, 1.2])
    # options are indices, shown by the axis' labels (a selectbox shows only strings: 10, True)
    c[0].selectbox(result.x.key, range(len(result.x.values)), format_func=result.x.label, key="map_pick_x",
                   on_change=rerun.request)
    if result.y is not None:
        c[1].selectbox(result.y.key, range(len(result.y.values)), format_func=result.y.label, key="map_pick_y",
                       on_change=rerun.request)
    c[2].button("Load into Live training", key="map_load", on_click=_load_chosen,
                use_container_width=True)
