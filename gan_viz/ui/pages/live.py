"""The Live training page: what to watch, the status line and the in-place plots, trained at the
chosen pace and redrawn by a fragment whenever the state or the view changes."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import numpy as np
import streamlit as st

from gan_viz.core import metrics
from gan_viz.core.config import ViewConfig
from gan_viz.core.losses import F_LOSSES
from gan_viz.lab import presets, replay
from gan_viz.render import charts, export, plots, raster, status, theme
from gan_viz.ui import controls, rerun, sidebar
from gan_viz.ui.live_plot import live_plot
from gan_viz.ui.pacing import PACE_MAX
from gan_viz.ui.player import Player, Snapshot
from gan_viz.ui.session import LiveRun

WINDOW_SECONDS = 30.0  # the mode chart's recent window, in seconds of training at the pace
PROJECTOR_SCALE = 1.35  # type size factor of the Projector option

LEGEND = (
    "<div style='font-size:0.95rem'>"
    f"<span style='color:{theme.REAL};font-size:1.4rem'>&#9679;</span> real samples &nbsp; "
    f"<span style='color:{theme.FAKE};font-size:1.4rem'>&#9679;</span> generated samples &nbsp; "
    "<b>&#8212;</b> {s} = 1/2 &nbsp; background {s}: "
    "<span style='display:inline-block;width:160px;height:14px;vertical-align:middle;border:1px solid #999;"
    f"background:{theme.css_gradient(theme.SURFACE_SCALE)}'></span> "
    "0 (fake) &#8594; 1 (real)</div>")


CRITIC_LEGEND = (
    "<div style='font-size:0.95rem'>"
    f"<span style='color:{theme.REAL};font-size:1.4rem'>&#9679;</span> real samples &nbsp; "
    f"<span style='color:{theme.FAKE};font-size:1.4rem'>&#9679;</span> generated samples &nbsp; "
    "background: the critic's score f(x) (wasserstein loss: a score, not a probability, with no fixed zero), "
    "centred on its median over the view and divided by its spread: "
    "<span style='display:inline-block;width:160px;height:14px;vertical-align:middle;border:1px solid #999;"
    f"background:{theme.css_gradient(theme.SURFACE_SCALE)}'></span> "
    "lower &#8594; higher (rated more real); <b>&#8212;</b> its median level</div>")


def legend(view: dict, loss: str) -> str:
    """The line above the plots: what the colours mean (a critic's scale differs from D's)."""
    if loss == "wasserstein" and not view["view.dstar"]:
        return CRITIC_LEGEND
    return LEGEND.format(s=surface_name(view, loss))


def surface_name(view: dict, loss: str) -> str:
    """What the background shows: D, D*, or for an f-GAN the classifier its critic T implies."""
    return "D*" if view["view.dstar"] else "D implied by T" if loss in F_LOSSES else "D"


def scale_of(view: dict) -> float:
    return PROJECTOR_SCALE if view.get("view.projector") else 1.0


def main_figure(run: LiveRun, snap: Snapshot, view: dict, editing: bool = False) -> dict:
    """The main view of one frame (its samples, surface and, where shown, arrows); while editing
    the data (click to place) it marks the mode centres and a click does not zoom. Uploaded samples
    show their fitted modes too."""
    marked = editing or run.config.data.layout == "samples"
    fig = plots.main_view(
        extent=run.extent, grid_x=run.grid_x, grid_y=run.grid_y, surface=snap.surface,
        surface_label=f"{surface_name(view, run.config.train.loss)}(x)", real=run.real, fake=snap.fake,
        arrows=snap.arrows if view["view.arrows"] else None,
        manifold=run.theory().manifold if view["view.manifold"] and run.config.model.latent_dim == 2 else None,
        centres=np.asarray(run.mixture.centres) if marked else None,
        height=620, raster=True, scale=scale_of(view))
    if editing:
        fig["layout"]["dragmode"] = False
        fig["layout"]["hovermode"] = False
    return fig


def still(run: LiveRun, view: dict) -> Snapshot:
    """The run's current state as drawn while paused (and while D* is shown): its measured samples
    and D (or D*, computed only then) on the full grid, with its arrows where shown."""
    f = run.frame
    return Snapshot(run.step, f.fake, run.theory().d_star if view["view.dstar"] else f.d_surface,
                    run.arrows() if view["view.arrows"] else None)


def _on_plot_event() -> None:
    """The plot component's callback: a click while editing adds or removes a mode (frame requests,
    the component's other values, pass through)."""
    ss = st.session_state
    value = ss.get("live")
    if not isinstance(value, dict) or value.get("id") == ss.get("click_seen"):
        return
    ss.click_seen = value.get("id")
    if not ss.get(sidebar.EDIT_KEY) or "run" not in ss:
        return
    try:
        x, y = (float(v) for v in value.get("click", ()))
        cfg, message = controls.edit_at(ss.run.config, x, y, ss.run.extent)
    except (TypeError, ValueError) as e:
        ss.edit_message = ("warning", f"Click not applied: {e}")
        rerun.request()
        return
    sidebar.set_data(cfg)
    ss.edit_message = ("success", message)
    rerun.request()


def window_steps(pace: float, steps_per_s: float) -> float | None:
    """Steps in the mode chart's recent window (None: everything kept at full resolution)."""
    rate = pace if pace < PACE_MAX else steps_per_s
    return WINDOW_SECONDS * rate if rate > 0 else None


def mode_chart(run: LiveRun, view: dict, steps_per_s: float) -> dict:
    """Each mode's share of HQ samples plus the off-mode rest (columns sum to 1), hops starred."""
    h = run.history
    scale = scale_of(view)
    title = "HQ share per mode"
    span = None if view.get("view.whole_run") else window_steps(run.config.view.pace, steps_per_s)
    if span is None and not view.get("view.whole_run") and run.recent:
        span = float(run.step - run.recent[0][0])
    if span is None or not run.recent:
        return charts.occupancy_view(h.step, np.asarray(h.occupancy), h.off_mode, h.hops, height=300,
                                     title=title + " (whole run)", hop_count=h.hop_count, scale=scale)
    lo = max(run.step - span, 0.0)
    recent = [r for r in run.recent if r[0] >= lo]
    steps = [r[0] for r in recent]
    hops_in = sum(1 for t, _, _ in h.hops if t >= lo)
    return charts.occupancy_view(steps, np.stack([r[1] for r in recent]), [r[2] for r in recent], h.hops,
                                 height=300, title=title + f" (last {WINDOW_SECONDS:.0f} s)", hop_count=hops_in,
                                 x_range=(lo, max(lo + 1.0, float(run.step))), scale=scale)


def slow_figures(run: LiveRun, view: dict, steps_per_s: float) -> list[dict]:
    h = run.history
    metrics = charts.metric_charts(h.step, h.d_loss, h.g_loss, h.value, h.jsd, h.hq_fraction, h.modes_captured,
                                   run.mixture.num_modes, height=440, scale=scale_of(view))
    return [mode_chart(run, view, steps_per_s), metrics]


def quality_text(run: LiveRun) -> str:
    """The samples' figures, as every status line gives them: the newest state's mode statistics
    (every frame has them) and the JSD of the last evaluation (while playing, redone with the charts)."""
    m = run.modes
    return status.quality_text(m.modes_captured, run.mixture.num_modes, m.hq_fraction, run.measured.jsd)


def status_html(run: LiveRun, player: Player, playing: bool, fake: np.ndarray | None = None) -> str:
    """The status line: step, rates, frame count, the samples' figures, where a collapsed generator
    sits (``render.status.collapse_text``), hops, playing or paused, samples beyond the view (of
    ``fake``, the newest frame's samples; default: the last evaluation's)."""
    fake = np.asarray(run.frame.fake if fake is None else fake)
    modes = run.modes
    collapsed, k = metrics.collapsed_and_dominant(np.asarray(modes.region))
    offset = None if modes.region_offset is None else float(np.asarray(modes.region_offset)[k])
    off = float(raster.outside(fake, run.extent).mean()) if len(fake) else 0.0
    line = player.status(
        run.step, quality_text(run), run.history.hop_count, playing=playing,
        pace_label=controls.pace_label(run.config.view.pace),
        note=status.collapse_text(collapsed, k, offset, float(run.mixture.std), metrics.HQ_RADIUS),
        after=["playing" if playing else "paused", status.off_view_text(off)])
    return f"<div id='status-line' data-history-points='{len(run.history)}' style='font-size:1.05rem'>{line}</div>"


FRAME_HOOK = "live_frame_hook"  # session state: called with the run after each played batch; True: redraw the page


@st.fragment
def _live_view(view: dict, plot_max: int | None = None) -> None:
    # While playing, the plot component asks for the next batch as soon as it has the last
    # one (request_next), which reruns only this fragment: no timer, so a slow frame is never
    # interrupted by the next tick, and Python computes batch N+1 while the browser draws N.
    rerun.follow_up()
    started = time.perf_counter()
    ss = st.session_state
    run: LiveRun = ss.run
    player: Player = ss.player
    pace = run.config.view.pace
    player.begin(started, ss.playing)
    player.follow(run)
    run.arrows_shown = bool(view["view.arrows"])
    batch: list[Snapshot] = []
    due = 0.0
    # the charts and D's check, and while playing the full evaluation (V, JSD, D on the fine grid: for a
    # big network dearer than a frame's picture), come at most once a ``SLOW_SECONDS``
    slow = player.slow_due(time.monotonic(), ss.playing)
    run.measure_played = slow
    if ss.playing and not run.diverged:
        batch, due = player.play(run, pace, started)
        if run.diverged:
            ss.playing = False
            st.rerun(scope="app")
        hook = ss.get(FRAME_HOOK)  # a lecture scene's actions due at this step (``ui.lecture_view``)
        if hook is not None and hook(run):
            st.rerun(scope="app")
    elif run.frame is None or int(run.frame.step) != run.step:
        run.refresh()
    # the off-view share of the newest frame's samples (a rerun that brought none: of the last evaluation)
    fake = batch[-1].fake if batch else run.measured.fake if ss.playing else None
    st.markdown(status_html(run, player, ss.playing, fake), unsafe_allow_html=True)
    ss.status_step = run.step  # the step the page's status line now shows
    # one slot for the notices, so the plot below keeps its place in the page whether a notice
    # shows or not (an element appearing above it would make the browser rebuild the plot)
    notice = st.empty()
    if slow:  # D's arrows cost a call of their own: looked at with the charts, once a second while playing
        t = run.config.train
        dead = status.dead_discriminator(run.frame.d_surface, run.arrows(), t.lr_d, t.optimizer)
        player.warning = dead.message if dead else ""
    if run.diverged:
        notice.error(run.message)
    elif player.warning:
        notice.warning(player.warning, icon="⚠️")
    editing = bool(ss.get(sidebar.EDIT_KEY))
    # a new picture every batch, and while paused every change of state (Step, Reset, preset) or view
    drawn = player.draw_id
    frame = player.frame((id(run), run.step, run.diverged, editing, tuple(sorted(view.items()))), bool(batch))
    if batch and not view["view.dstar"]:
        main: list[dict] | dict | None = [main_figure(run, snap, view, editing) for snap in batch]
    elif ss.playing and frame == drawn:
        main = None  # asked early, nothing new: the plot keeps its picture (and the state is not measured for it)
    else:
        main = main_figure(run, still(run, view), view, editing)
    charts = slow_figures(run, view, player.rates(ss.playing)[1]) if slow else [None, None]
    projector = view.get("view.projector")
    playing = ss.playing and not run.diverged
    next_in = max(due - time.perf_counter(), 0.0)
    player.finish(len(batch) if playing else 0, time.perf_counter(), pace, next_in)
    live_plot([main, *charts], key="live", frame=frame, columns=2,
              rows=[{"fit": "square", "min": 340, "max": plot_max or (760 if projector else 640)},
                    plot_max or (520 if projector else 440)],
              request_next=playing, next_in=next_in, click_plot=0 if editing else None, on_click=_on_plot_event)
    if not playing:
        _downloads(run)


DOWNLOAD_PX = 720  # the main view's PNG download, square


def _downloads(run: LiveRun) -> None:
    """While paused: the run's history as CSV and JSON, and the main view (D's surface, real and
    generated samples) as a PNG. Downloading changes nothing, so it does not rerun the page."""
    name = f"gan_viz-{st.session_state.preset}-seed{run.config.seed}-step{run.step}"
    f = run.frame
    png = raster.png(raster.scene_rgb(np.asarray(f.d_surface), run.extent, run.real[:plots.REAL_POINTS],
                                      np.asarray(f.fake)[:plots.MAX_POINTS], size=DOWNLOAD_PX))
    c = st.columns([1, 1, 1, 2])
    c[0].download_button("History (CSV)", run.history.to_csv(), file_name=f"{name}.csv", mime="text/csv",
                         key="dl_csv", on_click="ignore", use_container_width=True)
    c[1].download_button("History (JSON)", json.dumps(run.history.to_json(), allow_nan=False),
                         file_name=f"{name}.json", mime="application/json", key="dl_json", on_click="ignore",
                         use_container_width=True)
    c[2].download_button("Main view (PNG)", png, file_name=f"{name}.png", mime="image/png", key="dl_png",
                         on_click="ignore", use_container_width=True)
    _replay_download(run, name, c[3])


REPLAY_FRAMES = 200  # frames of the HTML replay (fewer when the run has fewer rounds)


def _replay_key(run: LiveRun) -> tuple:
    """What a prepared replay is the replay of: the configuration (without the view) and the step."""
    return (replace(run.config, view=ViewConfig()), run.step)


@rerun.action
def _ask_replay(key: tuple) -> None:
    st.session_state.replay_asked = key


def _replay_download(run: LiveRun, name: str, col) -> None:
    """"Prepare the run as HTML" re-trains this run's configuration from step 0 to the current step (same seed:
    the same run) keeping ``REPLAY_FRAMES`` frames, then offers the standalone HTML. The page keeps
    the file for that configuration and step only."""
    ss = st.session_state
    key = _replay_key(run)
    if ss.get("replay_asked") == key and ss.get("replay_html", (None,))[0] != key:
        with st.spinner(f"Re-training steps 0 to {run.step:,} for the replay ..."):
            rec = replay.record(run.config, steps=run.step, frames=REPLAY_FRAMES, grid_res=len(run.grid_x))
            page = export.replay_html(rec, ss.preset, replay.changes(run.config, ss.preset))
        ss.replay_html = (key, page.encode("utf-8"))
    if ss.get("replay_html", (None,))[0] == key:
        col.download_button("Run as HTML", ss.replay_html[1], file_name=f"{name}.html", mime="text/html",
                            key="dl_replay", on_click="ignore", use_container_width=True)
    else:
        col.button("Prepare the run as HTML", key="replay_prepare", on_click=_ask_replay, args=(key,),
                   disabled=run.step == 0, use_container_width=True,
                   help="re-trains this run from step 0 to here (same seed, same run) and makes a standalone "
                        f"HTML file of {REPLAY_FRAMES} frames that plays offline")
    if not run.replayable and run.step:
        st.caption("Settings changed while this run trained (a live change, Freeze D, Step D or Step G): the "
                   "replay re-trains the current settings from step 0, so it differs from what was shown.")


def render(view: dict, preset: str, watch: bool = True, plot_max: int | None = None) -> None:
    """The Live training tab; ``watch``: with the preset's "what to watch" line (a lecture scene shows its own);
    ``plot_max``: the plots' height at most, in pixels (the presenter view fits them on one screen)."""
    ss = st.session_state
    watch = presets.watch(preset) if watch else ""
    if watch:
        changed = (" <i>(written for the preset's data; the data here have been changed)</i>"
                   if ss.run.config.data != presets.get(preset).data else "")
        st.markdown(f"<div id='watch-line' style='font-size:1.05rem'><b>What to watch</b> ({preset}): "
                    f"{watch}{changed}</div>", unsafe_allow_html=True)
    st.markdown(legend(view, ss.run.config.train.loss), unsafe_allow_html=True)
    if not ss.get(sidebar.EDIT_KEY):
        ss.pop("edit_message", None)
    # the last click's message stays until the next click (the run it starts builds meanwhile)
    kind, message = ss.get("edit_message", (None, None))
    if kind:
        getattr(st, kind)(message)
    if ss.get(sidebar.EDIT_KEY):
        st.markdown(f"<div id='edit-hint' style='font-size:1.05rem'><b>Editing the data:</b> click an empty spot "
                    f"of the main plot to add a mode there (std {ss.run.config.data.std:g}, weight 1); click a mode "
                    "(&#215;) to remove it. Each change restarts the run; the centres table and the link follow."
                    "</div>", unsafe_allow_html=True)
    _live_view(view, plot_max)
