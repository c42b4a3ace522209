"""The Theory page: D* beside D, V(D, G) against C(G), the f-GAN bound against the true f-divergence
with the learned critic beside T*, vanishing gradients, the k_D scene, and one Gaussian fitted to
two modes under every f-divergence.

The first four sections show the live run's current state, labelled "as of step N"; while
the run plays they are a fragment that redraws every second. The presenter view asks for it
``compact``: the plots and their numbers without the explanations (the scene's watch line and notes
say what to look at), and only the sections a scene of that loss is about, so that it fits a
projector and opens within the lecture's two seconds.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_viz.core import divergences as fdiv
from gan_viz.core.losses import F_LOSSES, loss_index
from gan_viz.lab import divergences, theory
from gan_viz.render import charts, plots
from gan_viz.render import divergences as fdraw
from gan_viz.ui import rerun
from gan_viz.ui.pages import prose
from gan_viz.ui.session import LiveRun

REFRESH_SECONDS = 1.0  # the live sections redraw this often while the run plays


FIT_SEED = 2  # the six fits' seed: one where reverse KL leaves the centred start (docs/divergences.md)
FIT_STEPS = None  # their step budget (None: the divergences preset's)


@st.cache_data(show_spinner="Training a fresh D for each k ...", max_entries=4)
def k_d_scene() -> theory.KdScene:
    return theory.k_d_scene(theory.KD_SCENE, theory.KD_VALUES)


@st.cache_data(show_spinner="Fitting one Gaussian under each divergence ...", max_entries=4)
def divergence_fits(seed: int, steps: int | None) -> list[divergences.Fit]:
    return divergences.fits(seed, steps=steps)


def value_text(value: float, jsd: float) -> str:
    """The V(D, G) vs C(G) paragraph, with the estimate's caveat exactly when V > C(G) on screen."""
    text = prose("theory")
    c_of_g = float(theory.c_of_g_from_jsd(jsd))
    gap = value - c_of_g
    body = text["value"].format(value=value, c_of_g=c_of_g, gap=gap)
    extra = text["value_caveat"].format(value=value, gap=gap) if gap > 0 else text["value_holds"]
    return body + "\n\n" + extra


def value_numbers(value: float, jsd: float) -> str:
    """V(D, G) beside C(G) in one line, for the compact page."""
    return f"V(D, G) = **{value:.3f}**, C(G) = -log 4 + 2 JSD = **{float(theory.c_of_g_from_jsd(jsd)):.3f}**"


def _live_sections(scale: float, compact: bool = False) -> None:
    rerun.follow_up()
    text = prose("theory")
    run: LiveRun = st.session_state.run
    if rerun.in_fragment_run() and st.session_state.get("status_step", run.step) != run.step:
        # a live frame was trained but its status line never reached the page (its fragment run
        # was cut short): redraw the whole app, so "as of step N" and the status line agree
        st.rerun(scope="app")
    if int(run.frame.loss) != loss_index(run.config.train.loss):  # the loss changed since the last measure
        run.refresh()
    f, t = run.frame, run.theory()  # the theory-only part is computed here, while this tab is open
    st.markdown(f"<div id='theory-step' style='font-size:1.15rem'>Live run <b>as of step "
                f"<span id='theory-step-n'>{int(f.step):,}</span></b></div>", unsafe_allow_html=True)
    st.markdown(text["dstar_title"])
    if not compact:
        st.markdown(text["dstar"])
    c1, c2 = st.columns(2)
    common = dict(extent=run.extent, grid_x=run.grid_x, grid_y=run.grid_y, real=run.real, fake=f.fake,
                  height=460, scale=scale)
    f_loss = run.config.train.loss in F_LOSSES
    learned = dict(surface_label="D implied by T", title="learned critic, as the D it implies") if f_loss else \
        dict(surface_label="D(x)", title="learned D")
    c1.plotly_chart(plots.main_view(surface=f.d_surface, **learned, **common), key="theory_d")
    c2.plotly_chart(plots.main_view(surface=t.d_star, surface_label="D*(x)", title="optimal D*", **common),
                    key="theory_dstar")

    h = run.history
    if not (compact and f_loss):  # an f-GAN scene is about its own bound, below
        st.markdown(text["value_title"])
        st.markdown(value_numbers(float(f.value), float(f.jsd)) if compact else
                    value_text(float(f.value), float(f.jsd)) + ("\n\n" + text["value_fgan"] if f_loss else ""))
        st.plotly_chart(charts.value_vs_jsd(h.step, h.value, h.jsd, scale=scale), key="theory_cofg")

    if f_loss or not compact:
        st.markdown(text["fgan_title"])
    if f_loss:
        _bound_section(run, f, t, scale, compact)
    elif not compact:
        st.markdown(text["fgan_off"])
    if compact:
        return

    st.markdown(text["gradients_title"])
    norms = np.asarray(t.g_grad_norms)
    st.markdown(text["gradients"].format(d_fake=float(f.d_fake), minimax=norms[0], ns=norms[1],
                                         ratio=norms[1] / max(norms[0], 1e-30)))
    labels = [theory.LOSS_LABELS[n] for n in ("minimax", "non_saturating", "least_squares")]
    st.plotly_chart(charts.gradient_norms(labels, norms, scale=scale), key="theory_norms")


def _bound_section(run: LiveRun, f, t, scale: float, compact: bool = False) -> None:
    """The f-GAN bound over time beside the true divergence, and the learned critic beside T*."""
    text = prose("theory")
    name = run.config.train.loss
    i = fdiv.index(name)
    truth, bound = float(f.f_divergences[i]), float(f.bound)
    label = fdiv.LABELS[name]
    st.markdown(f"<div id='fgan-numbers' data-bound='{bound:.6g}' data-truth='{truth:.6g}' "
                f"data-records='{len(run.bounds)}'></div>", unsafe_allow_html=True)
    if compact:
        st.markdown(f"{label}: bound F = **{bound:.3f}**, true value **{truth:.3f}** (gap {bound - truth:+.3f})")
    else:
        st.markdown(text["fgan"].format(label=label, bound=bound, truth=truth, gap=bound - truth))
        st.markdown(text["fgan_exact" if divergences.exact_truth(run.config) else "fgan_smoothed"])
    b = run.bounds
    st.plotly_chart(fdraw.bound_chart(b.steps, b.bound, b.truth, b.movers, label, scale=scale), key="theory_fbound")
    centre = float(fdiv.critic_at_balance(i))
    half = fdraw.critic_range(t.critic_star, centre, run.grid_x, run.grid_y, np.concatenate([run.real, f.fake]))
    if not compact:
        st.markdown(text["critic"].format(centre=centre))
    c1, c2 = st.columns(2)
    common = dict(extent=run.extent, grid_x=run.grid_x, grid_y=run.grid_y, half=half, centre=centre,
                  real=run.real, fake=f.fake, height=460, scale=scale)
    c1.plotly_chart(fdraw.critic_view(critic=t.critic, title="learned critic T = g_f(V)", **common),
                    key="theory_critic")
    c2.plotly_chart(fdraw.critic_view(critic=t.critic_star, title="optimal critic T* = f'(p_x / p_g)", label="T*(x)",
                                      **common), key="theory_critic_star")


def _mode_seeking(scale: float) -> None:
    """One Gaussian fitted to two modes under each divergence, beside the best Gaussian (on a button)."""
    text = prose("theory")
    cfg = divergences.presets.get(divergences.PRESET)
    steps = FIT_STEPS or cfg.train.steps
    st.markdown(text["modes_title"])
    st.markdown(text["modes"].format(steps=steps, seed=FIT_SEED))
    ss = st.session_state
    if not ss.get("fits_shown"):
        st.caption(text["modes_wait"])
        st.button("Fit a Gaussian under every divergence", key="fits_button", on_click=_show_fits)
        return
    fits = divergence_fits(FIT_SEED, FIT_STEPS)
    mix = cfg.data.mixture()
    panels = [dict(title=f"{fdiv.LABELS[r.name]}", fake=r.fake, mean=r.mean, cov=r.cov, opt_mean=r.optimum.mean,
                   opt_cov=r.optimum.cov) for r in fits]
    real = np.asarray(divergences.driver.setup(cfg).ev.real)
    st.plotly_chart(fdraw.fit_panels(panels, real, (-3.5, 3.5, -2.2, 2.2), scale=scale), key="theory_fits")
    st.table([{"divergence": r.name, "G's mean": f"({r.mean[0]:+.2f}, {r.mean[1]:+.2f})",
               "G's std along the modes": f"{divergences.spread_along_modes(r.cov, mix):.2f}",
               "best Gaussian's mean": f"({r.optimum.mean[0]:+.2f}, {r.optimum.mean[1]:+.2f})",
               "best std along the modes": f"{divergences.spread_along_modes(r.optimum.cov, mix):.2f}",
               "D_f at the end": f"{r.divergence[-1]:.3f}", "best D_f": f"{r.optimum.value:.3f}"} for r in fits])


def _show_fits() -> None:
    st.session_state.fits_shown = True
    rerun.request()


def render(view: dict, playing: bool, compact: bool = False) -> None:
    scale = 1.35 if view.get("view.projector") else 1.0
    st.fragment(_live_sections, run_every=REFRESH_SECONDS if playing else None)(scale, compact)
    if compact:
        if st.session_state.run.config.train.loss in F_LOSSES:
            _mode_seeking(scale)
        return

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
    _mode_seeking(scale)
