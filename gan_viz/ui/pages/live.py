"""The Live training page: status line and the in-place plots, trained and redrawn by a fragment."""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from gan_viz.ui import plots, theme
from gan_viz.ui.live_plot import live_plot
from gan_viz.ui.session import LiveRun

FRAMES_PER_BATCH = 10  # while playing, each rerun trains and draws this many frames
SLOW_SECONDS = 1.0  # the charts redraw at most this often while playing

LEGEND = (
    "<div style='font-size:1.05rem'>"
    f"<span style='color:{theme.REAL};font-size:1.4rem'>&#9679;</span> real samples &nbsp; "
    f"<span style='color:{theme.FAKE};font-size:1.4rem'>&#9679;</span> generated samples &nbsp; "
    "<b>&#8212;</b> {s} = 1/2 &nbsp; background {s}: "
    "<span style='display:inline-block;width:160px;height:14px;vertical-align:middle;border:1px solid #999;"
    f"background:{theme.css_gradient(theme.SURFACE_SCALE)}'></span> "
    "0 (fake) &#8594; 1 (real)</div>")


def main_figure(run: LiveRun, fake: np.ndarray, surface: np.ndarray, view: dict) -> dict:
    f = run.frame
    return plots.main_view(
        extent=run.extent, grid_x=run.grid_x, grid_y=run.grid_y, surface=surface,
        surface_label="D*(x)" if view["view.dstar"] else "D(x)", real=run.real, fake=fake,
        arrows=f.g_arrows if view["view.arrows"] else None,
        manifold=f.manifold if view["view.manifold"] and run.config.model.latent_dim == 2 else None,
        height=620, raster=True)


def slow_figures(run: LiveRun) -> list[dict]:
    h = run.history
    occ = plots.occupancy_view(h.step, np.asarray(h.region), h.off_mode, h.hops, height=300,
                               title="Share of G's samples nearest each mode", off_label="not HQ",
                               hop_count=h.hop_count)
    charts = plots.metric_charts(h.step, h.d_loss, h.g_loss, h.value, h.jsd, h.hq_fraction, h.modes_captured,
                                 run.mixture.num_modes, height=520)
    return [occ, charts]


def status_html(run: LiveRun, frames: int, fps: float, sps: float, playing: bool) -> str:
    f = run.frame
    return (
        f"<div id='status-line' data-history-points='{len(run.history)}' style='font-size:1.15rem'>"
        f"step <b>{run.step:,}</b> &middot; "
        f"{sps:,.0f} steps/s &middot; {fps:.1f} frames/s &middot; "
        f"frame <span id='frame-count'>{frames}</span> &middot; "
        f"modes captured <b>{int(f.modes.modes_captured)} / {run.mixture.num_modes}</b> &middot; "
        f"{100 * float(f.modes.hq_fraction):.0f} % high quality &middot; JSD {float(f.jsd):.3f} &middot; "
        f"hops {run.history.hop_count} &middot; {'playing' if playing else 'paused'}</div>")


@st.fragment
def _live_view(view: dict) -> None:
    # While playing, the plot component asks for the next batch as soon as it has the last
    # one (request_next), which reruns only this fragment: no timer, so a slow frame is never
    # interrupted by the next tick, and Python computes batch N+1 while the browser draws N.
    ss = st.session_state
    run: LiveRun = ss.run
    batch: list[tuple[int, np.ndarray, np.ndarray]] = []
    if ss.playing and not run.diverged:
        before = run.step
        batch = run.advance_frames(FRAMES_PER_BATCH, ss["view.steps_per_frame"])
        ss.frames += len(batch)
        ss.fps.add(len(batch))
        ss.sps.add(run.step - before)
        if run.diverged:
            ss.playing = False
            st.rerun(scope="app")
    elif run.frame is None or int(run.frame.step) != run.step:
        run.refresh()
    f = run.frame
    fps, sps = (ss.fps.rate(), ss.sps.rate()) if ss.playing else (0.0, 0.0)
    st.markdown(status_html(run, ss.frames, fps, sps, ss.playing), unsafe_allow_html=True)
    if run.diverged:
        st.error(run.message)
    if batch and not view["view.dstar"]:
        main: list[dict] | dict = [main_figure(run, fake, surface, view) for _, fake, surface in batch]
    else:
        main = main_figure(run, f.fake, f.d_star if view["view.dstar"] else f.d_surface, view)
    # each chart costs the browser ~30 ms to draw, so they refresh once a SLOW_SECONDS while playing
    now = time.monotonic()
    slow = [None, None]
    if not ss.playing or now - ss.get("slow_at", 0.0) >= SLOW_SECONDS:
        slow = slow_figures(run)
        ss.slow_at = now
    live_plot([main, *slow], key="live", height=1180, frame=ss.frames, columns=2,
              request_next=ss.playing and not run.diverged)


def render(view: dict) -> None:
    st.markdown(LEGEND.format(s="D*" if view["view.dstar"] else "D"), unsafe_allow_html=True)
    _live_view(view)
