"""The Theory page: D* beside D, V(D, G) against C(G), vanishing gradients, the k_D scene.

The first three sections show the live run's current state, labelled "as of step N"; while
the run plays they are a fragment that redraws every second.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_viz.lab import theory
from gan_viz.render import charts, plots
from gan_viz.ui import rerun
from gan_viz.ui.pages import prose
from gan_viz.ui.session import LiveRun

REFRESH_SECONDS = 1.0  # the live sections redraw this often while the run plays


@st.cache_data(show_spinner="Training a fresh D for each k ...", max_entries=4)
def k_d_scene() -> theory.KdScene:
    return theory.k_d_scene(theory.KD_SCENE, theory.KD_VALUES)


def value_text(value: float, jsd: float) -> str:
    """The V(D, G) vs C(G) paragraph, with the estimate's caveat exactly when V > C(G) on screen."""
    text = prose("theory")
    c_of_g = float(theory.c_of_g_from_jsd(jsd))
    gap = value - c_of_g
    body = text["value"].format(value=value, c_of_g=c_of_g, gap=gap)
    extra = text["value_caveat"].format(value=value, gap=gap) if gap > 0 else text["value_holds"]
    return body + "\n\n" + extra


def _live_sections(scale: float) -> None:
    rerun.follow_up()
    text = prose("theory")
    run: LiveRun = st.session_state.run
    if rerun.in_fragment_run() and st.session_state.get("status_step", run.step) != run.step:
        # a live frame was trained but its status line never reached the page (its fragment run
        # was cut short): redraw the whole app, so "as of step N" and the status line agree
        st.rerun(scope="app")
    f, t = run.frame, run.theory()  # the theory-only part is computed here, while this tab is open
    st.markdown(f"<div id='theory-step' style='font-size:1.15rem'>Live run <b>as of step "
                f"<span id='theory-step-n'>{int(f.step):,}</span></b></div>", unsafe_allow_html=True)
    st.markdown(text["dstar_title"])
    st.markdown(text["dstar"])
    c1, c2 = st.columns(2)
    common = dict(extent=run.extent, grid_x=run.grid_x, grid_y=run.grid_y, real=run.real, fake=f.fake,
                  height=460, scale=scale)
    c1.plotly_chart(plots.main_view(surface=f.d_surface, surface_label="D(x)", title="learned D", **common),
                    key="theory_d")
    c2.plotly_chart(plots.main_view(surface=t.d_star, surface_label="D*(x)", title="optimal D*", **common),
                    key="theory_dstar")

    st.markdown(text["value_title"])
    h = run.history
    st.markdown(value_text(float(f.value), float(f.jsd)))
    st.plotly_chart(charts.value_vs_jsd(h.step, h.value, h.jsd, scale=scale), key="theory_cofg")

    st.markdown(text["gradients_title"])
    norms = np.asarray(t.g_grad_norms)
    st.markdown(text["gradients"].format(d_fake=float(f.d_fake), minimax=norms[0], ns=norms[1],
                                         ratio=norms[1] / max(norms[0], 1e-30)))
    labels = [theory.LOSS_LABELS[n] for n in ("minimax", "non_saturating", "least_squares")]
    st.plotly_chart(charts.gradient_norms(labels, norms, scale=scale), key="theory_norms")


def render(view: dict, playing: bool) -> None:
    scale = 1.35 if view.get("view.projector") else 1.0
    st.fragment(_live_sections, run_every=REFRESH_SECONDS if playing else None)(scale)

    text = prose("theory")
    st.markdown(text["kd_title"])
    st.markdown(text["kd"])
    scene = k_d_scene()
    k_sel = st.select_slider("k_D (discriminator steps)", theory.KD_VALUES, value=30, key="kd_choice",
                             on_change=rerun.request)
    p = next(q for q in scene.points if q.k_d == k_sel)
    c1, c2 = st.columns(2)
    c1.plotly_chart(plots.main_view(extent=scene.extent, grid_x=scene.grid_x, grid_y=scene.grid_y,
                                    surface=p.frame.d_surface, real=scene.real, fake=p.frame.fake,
                                    arrows=p.frame.g_arrows, height=460, scale=scale,
                                    title=f"k_D = {k_sel}: alignment {p.alignment:.2f}, "
                                          f"|grad| minimax {p.grad_norms[0]:.1e}"), key="theory_kd")
    c2.plotly_chart(charts.k_d_curves([q.k_d for q in scene.points], [q.alignment for q in scene.points],
                                     [q.grad_norms[0] for q in scene.points],
                                     [q.grad_norms[1] for q in scene.points], scale=scale), key="theory_kd_curve")
