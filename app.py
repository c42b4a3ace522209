"""gan_viz: the live app. Widgets, session state and layout only; the math lives in gan_viz/.

Start with ``gan-viz app`` (or ``streamlit run app.py``).
"""

from __future__ import annotations

import time

import numpy as np
import pandas  # noqa: F401  (imported up front: plotly imports it lazily, racing the fragment thread)
import streamlit as st

from gan_viz import compilation_cache, controls, counterexample, plots, presets, theory, urlstate
from gan_viz.config import Config
from gan_viz.live_plot import live_plot
from gan_viz.session import LiveRun, RateMeter, needs_reset

LIVE_GRID = 64  # decision-surface cells per axis in the live view

st.set_page_config(page_title="gan_viz: GAN training and mode collapse", layout="wide")
compilation_cache.enable()


@st.cache_resource(show_spinner=False)
def _shared_compilation_note() -> dict:
    """Process-wide: which shapes have been compiled already (compiled code itself is shared
    through gan_viz.train.make_gan's cache)."""
    return {"compiled": set()}


# ---------------------------------------------------------------------------------------------
# Session state: the first visit reads the URL.

ss = st.session_state
if "preset" not in ss:
    name, cfg, view, warnings = urlstate.config_from_query(dict(st.query_params))
    ss.preset = name
    ss.url_warnings = warnings
    ss.update(controls.widget_values(cfg))
    ss.base_config = cfg
    ss.playing = False
    ss.frames = 0
    ss.fps = RateMeter()
    ss.sps = RateMeter()
    ss["view.arrows"] = view.get("view.arrows", "false") == "true"
    ss["view.manifold"] = view.get("view.manifold", "false") == "true"
    ss["view.dstar"] = view.get("view.dstar", "false") == "true"
    try:
        spf = int(view.get("view.steps_per_frame", 120))
        if spf not in controls.STEPS_PER_FRAME + [120]:
            raise ValueError
    except ValueError:
        ss.url_warnings.append("Ignored URL parameter view.steps_per_frame: not one of the slider's values.")
        spf = 120
    ss["view.steps_per_frame"] = spf


def load_preset() -> None:
    cfg = presets.get(ss.preset_select)
    ss.preset = ss.preset_select
    ss.base_config = cfg
    ss.update(controls.widget_values(cfg))
    ss.pop("run", None)
    ss.playing = False


# ---------------------------------------------------------------------------------------------
# Sidebar: every setting.

with st.sidebar:
    st.header("Scene")
    st.selectbox("Preset", presets.names(), index=presets.names().index(ss.preset), key="preset_select",
                 on_change=load_preset, help="\n\n".join(f"**{p.name}**: {p.summary}"
                                                        for p in presets.PRESETS.values()))
    st.subheader("Data")
    layout = st.selectbox("Layout", ["ring", "grid", "single", "custom"], key=controls.widget_key("data.layout"))
    if layout == "ring":
        st.slider("Modes K", 1, 16, key=controls.widget_key("data.modes"))
        st.slider("Radius", 0.5, 4.0, step=0.25, key=controls.widget_key("data.radius"))
    elif layout == "grid":
        st.slider("Grid n (n x n modes)", 1, 7, key=controls.widget_key("data.grid_n"))
        st.slider("Spacing", 0.5, 3.0, step=0.25, key=controls.widget_key("data.spacing"))
    elif layout == "custom":
        ss.custom_rows = st.data_editor(controls.custom_rows(ss.base_config), num_rows="dynamic",
                                        key="custom_centres",
                                        column_config={"weight": st.column_config.NumberColumn(min_value=0.0)})
    std_options = sorted(set(controls.STD_OPTIONS) | {ss[controls.widget_key("data.std")]})
    st.select_slider("Std of each mode", std_options, key=controls.widget_key("data.std"))

    st.subheader("Networks")
    c1, c2 = st.columns(2)
    c1.select_slider("G width", controls.WIDTH_OPTIONS, key=controls.widget_key("model.g_width"))
    c2.select_slider("D width", controls.WIDTH_OPTIONS, key=controls.widget_key("model.d_width"))
    c1.slider("G depth", 0, 4, key=controls.widget_key("model.g_depth"), help="0 = affine G(z) = Wz + b")
    c2.slider("D depth", 1, 4, key=controls.widget_key("model.d_depth"))
    st.select_slider("Latent dimension", controls.LATENT_OPTIONS, key=controls.widget_key("model.latent_dim"))
    c1, c2 = st.columns(2)
    c1.selectbox("Noise", ["gaussian", "uniform"], key=controls.widget_key("model.noise"))
    c2.selectbox("Activation", ["relu", "leaky_relu", "tanh", "elu", "gelu"],
                 key=controls.widget_key("model.activation"))

    st.subheader("Training (live: no reset)")
    st.selectbox("Loss", ["minimax", "non_saturating", "least_squares"], key=controls.widget_key("train.loss"))
    fmt = lambda v: f"{v:.0e}"  # noqa: E731
    st.select_slider("lr_D (log scale)", controls.LR_OPTIONS, format_func=fmt, key=controls.widget_key("train.lr_d"))
    st.select_slider("lr_G (log scale)", controls.LR_OPTIONS, format_func=fmt, key=controls.widget_key("train.lr_g"))
    c1, c2 = st.columns(2)
    c1.slider("k_D (D steps/round)", 0, 50, key=controls.widget_key("train.k_d"))
    c2.slider("k_G (G steps/round)", 0, 50, key=controls.widget_key("train.k_g"))
    st.checkbox("Simultaneous updates", key=controls.widget_key("train.simultaneous"))
    st.select_slider("Steps per frame", controls.STEPS_PER_FRAME + ([120] if ss["view.steps_per_frame"] == 120
                     else []), key="view.steps_per_frame")
    with st.expander("More training settings (reset)"):
        st.selectbox("Optimizer", ["adam", "sgd"], key=controls.widget_key("train.optimizer"))
        st.select_slider("Batch size", controls.BATCH_OPTIONS, key=controls.widget_key("train.batch_size"))
        st.number_input("R1 penalty weight (live)", 0.0, 100.0, step=0.1, key=controls.widget_key("train.r1_weight"))
        st.number_input("G weight average (EMA decay, live)", 0.0, 0.9999, step=0.001, format="%.4f",
                        key=controls.widget_key("train.g_ema"))
        st.number_input("Seed", 0, 2**31 - 1, step=1, key=controls.widget_key("seed"))

    st.subheader("View")
    st.toggle("Gradient arrows on generated samples", key="view.arrows")
    st.toggle("Generator manifold (2D latent)", key="view.manifold")
    st.toggle("Show optimal D* instead of D", key="view.dstar")

# ---------------------------------------------------------------------------------------------
# Build the config from the widgets; reset only when shapes, data or seed change.

for w in ss.pop("url_warnings", []):
    st.warning(w)

try:
    rows = ss.get("custom_rows")
    cfg: Config = controls.config_from_widgets(ss.base_config, dict(ss), list(rows) if rows is not None else None)
except ValueError as e:
    st.warning(f"Setting ignored: {e}")
    cfg = ss.run.config if "run" in ss else ss.base_config

if "run" not in ss or needs_reset(ss.run.config, cfg):
    shapes = cfg.static_key()
    note = _shared_compilation_note()
    msg = ("Compiling the training step for these shapes (a few seconds, once per shape)..."
           if shapes not in note["compiled"] else "Starting a new run...")
    with st.spinner(msg):
        ss.run = LiveRun(cfg, grid_res=LIVE_GRID)
        ss.run.warm_up()
    note["compiled"].add(shapes)
else:
    ss.run.set_live(cfg.train, freeze_d=ss.get("freeze_d", False))
run: LiveRun = ss.run

view = {k: ss[k] for k in urlstate.VIEW_KEYS}
st.query_params.from_dict(urlstate.query_from_config(ss.preset, cfg, view))

# ---------------------------------------------------------------------------------------------
# Header and buttons.

st.markdown("### gan_viz: watch a GAN chase the data")
b = st.columns([1.2, 1, 1, 1, 1, 1.4, 3])
if b[0].button("Pause" if ss.playing else "Play", type="primary", key="play", use_container_width=True,
               disabled=run.diverged):
    ss.playing = not ss.playing
    ss.fps.reset()
    ss.sps.reset()
    st.rerun()
if b[1].button("Step", key="step", help="one round: k_D D steps then k_G G steps", use_container_width=True):
    run.advance(1)
if b[2].button("Step D", key="step_d", help="one discriminator step", use_container_width=True):
    run.advance(1, k_d=1, k_g=0)
if b[3].button("Step G", key="step_g", help="one generator step", use_container_width=True):
    run.advance(1, k_d=0, k_g=1)
if b[4].button("Reset", key="reset", use_container_width=True):
    ss.run = LiveRun(cfg, grid_res=LIVE_GRID)
    ss.playing = False
    ss.frames = 0
    st.rerun()
b[5].toggle("Freeze D", key="freeze_d", help="k_D = 0 while on: the generator plays against a fixed classifier")


# ---------------------------------------------------------------------------------------------
# The live view: a fragment that trains and redraws in place.




FRAMES_PER_BATCH = 10  # while playing, each rerun trains and draws this many frames
SLOW_SECONDS = 1.0


def main_figure(run: LiveRun, fake: np.ndarray, surface: np.ndarray) -> dict:
    f = run.frame
    return plots.main_view(
        extent=run.extent, grid_x=run.grid_x, grid_y=run.grid_y, surface=surface,
        surface_label="D*(x)" if ss["view.dstar"] else "D(x)", real=run.real, fake=fake,
        arrows=f.g_arrows if ss["view.arrows"] else None,
        manifold=f.manifold if ss["view.manifold"] and run.config.model.latent_dim == 2 else None,
        height=620, raster=True)


def slow_figures(run: LiveRun) -> list[dict]:
    h = run.history
    occ = plots.occupancy_view(h.step, np.asarray(h.region), h.off_mode, h.hops, height=300,
                               title="Share of G's samples nearest each mode", off_label="not HQ",
                               hop_count=h.hop_count)
    charts = plots.metric_charts(h.step, h.d_loss, h.g_loss, h.value, h.jsd, h.hq_fraction, h.modes_captured,
                                 run.mixture.num_modes, height=520)
    return [occ, charts]


LEGEND = (
    "<div style='font-size:1.05rem'>"
    "<span style='color:#1f5fbf;font-size:1.4rem'>&#9679;</span> real samples &nbsp; "
    "<span style='color:#e8590c;font-size:1.4rem'>&#9679;</span> generated samples &nbsp; "
    "<b>&#8212;</b> {s} = 1/2 &nbsp; background {s}: "
    "<span style='display:inline-block;width:160px;height:14px;vertical-align:middle;border:1px solid #999;"
    "background:linear-gradient(90deg,#f7a35c,#ffffff,#6ea8fe)'></span> "
    "0 (fake) &#8594; 1 (real)</div>")


@st.fragment
def live_view() -> None:
    # While playing, the plot component asks for the next batch as soon as it has the last
    # one (request_next), which reruns only this fragment: no timer, so a slow frame is never
    # interrupted by the next tick, and Python computes batch N+1 while the browser draws N.
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
    st.markdown(
        f"<div id='status-line' style='font-size:1.15rem'>step <b>{run.step:,}</b> &middot; "
        f"{sps:,.0f} steps/s &middot; {fps:.1f} frames/s &middot; "
        f"frame <span id='frame-count'>{ss.frames}</span> &middot; "
        f"modes captured <b>{int(f.modes.modes_captured)} / {run.mixture.num_modes}</b> &middot; "
        f"{100 * float(f.modes.hq_fraction):.0f} % high quality &middot; JSD {float(f.jsd):.3f} &middot; "
        f"hops {run.history.hop_count} &middot; {'playing' if ss.playing else 'paused'}</div>",
        unsafe_allow_html=True)
    if run.diverged:
        st.error(run.message)
    if batch and not ss["view.dstar"]:
        main: list[dict] | dict = [main_figure(run, fake, surface) for _, fake, surface in batch]
    else:
        main = main_figure(run, f.fake, f.d_star if ss["view.dstar"] else f.d_surface)
    # the charts redraw at most every SLOW_SECONDS while playing: each costs the browser ~30 ms
    now = time.monotonic()
    slow = [None, None]
    if not ss.playing or now - ss.get("slow_at", 0.0) >= SLOW_SECONDS:
        slow = slow_figures(run)
        ss.slow_at = now
    live_plot([main, *slow], key="live", height=1180, frame=ss.frames, columns=2,
              request_next=ss.playing and not run.diverged)


tab_live, tab_story, tab_theory = st.tabs(["Live training", "Counter-example (lecture)", "Theory"])
with tab_live:
    st.markdown(LEGEND.format(s="D*" if ss["view.dstar"] else "D"), unsafe_allow_html=True)
    live_view()


# ---------------------------------------------------------------------------------------------
# The lecture's counter-example, one phase at a time.

NARRATIVE = {
    "train_classifier": "**Next: train a new classifier D_{t}.** With the generator frozen, D_{t} learns to separate "
                        "the real cluster from the generator's samples: it is right almost everywhere it was trained.",
    "move_generator": "**Next: move the generator against the frozen D_{t}.** The generator only wants D_{t} to say "
                      "\"real\". It finds the blind spot: a region D_{t} calls real although no data lives there.",
}


@st.cache_data(show_spinner="Training the remedy: D and G together ...", max_entries=8)
def contrast(seed: int) -> counterexample.Contrast:
    return counterexample.run_contrast(seed=seed, steps=400, every=20)


with tab_story:
    st.markdown(
        "**p_x = p_theta implies the classifier fails. The converse is false.** Each round trains a *new* "
        "classifier D_t to convergence with the generator frozen, then freezes D_t and lets the generator "
        "move against it. The frozen classifier then calls the moved samples real (it fails), yet p_theta is "
        "no closer to p_x: the generator hops instead of learning the data (lecture, 9:51-14:25).")
    c = st.columns([1, 1.3, 1.3, 1.1, 1, 2])
    sb_seed = c[0].number_input("Seed", 0, 2**31 - 1, value=0, step=1, key="sb_seed")
    if "sb" not in ss or ss.sb.seed != sb_seed:
        ss.sb = counterexample.start(seed=int(sb_seed))
        ss.pop("show_contrast", None)
    seed = int(sb_seed)

    # Callbacks run before the page is drawn, so the buttons' enabled state is never stale.
    def sb_do(action: str) -> None:
        if action == "train":
            ss.sb = counterexample.train_classifier(ss.sb)
        elif action == "move":
            ss.sb = counterexample.move_generator(ss.sb)
        elif action == "play":
            ss.sb = counterexample.run_storyboard(seed=seed, rounds=3)
        elif action == "restart":
            ss.sb = counterexample.start(seed=seed)
            ss.pop("show_contrast", None)
        elif action == "contrast":
            ss.show_contrast = True

    phase = ss.sb.next_phase
    c[1].button("Train classifier", key="sb_train", on_click=sb_do, args=("train",), use_container_width=True,
                disabled=phase != "train_classifier" or len(ss.sb.records) >= counterexample.MAX_ROUNDS)
    c[2].button("Move generator", key="sb_move", on_click=sb_do, args=("move",), use_container_width=True,
                disabled=phase != "move_generator")
    c[3].button("Play 3 rounds", key="sb_play", on_click=sb_do, args=("play",), use_container_width=True)
    c[4].button("Restart", key="sb_restart", on_click=sb_do, args=("restart",), use_container_width=True)
    c[5].button("Remedy: train D and G together", key="sb_contrast", on_click=sb_do, args=("contrast",),
                use_container_width=True)
    sb = ss.sb
    t = len(sb.records) + (1 if sb.next_phase == "train_classifier" else 0)
    st.markdown(NARRATIVE[sb.next_phase].replace("{t}", str(t)))
    story = counterexample.figure(sb, max_panels=3)
    # the figure is sized for slides (3 x 520 px); in the page it takes the column's width
    story.update_layout(width=None, font_size=15).update_annotations(font_size=17)
    st.plotly_chart(story, key="storyboard_fig")
    done = [r for r in sb.records if r.complete]
    if done:
        st.markdown("Per round: the frozen D_t on the moved samples, its accuracy, how far p_theta still is "
                    f"from p_x, and how far the generator moved (data std = {sb.data_std:g}).")
        st.dataframe([{
            "round": r.round, "mean D_t on moved samples": round(r.frozen_d_on_moved, 3),
            "D_t accuracy (real vs moved)": f"{100 * r.d_accuracy:.0f} %",
            "JSD(p_x || p_theta) after move": round(r.jsd, 3),
            "moved (data std)": round(r.moved_distance / sb.data_std, 1)} for r in done],
            hide_index=True)
    if ss.get("show_contrast"):
        ct = contrast(int(sb_seed))
        st.markdown(
            f"**The remedy.** Same start, same classifier and generator, but one D step and one G step per "
            f"round: the classifier keeps up, and the generator lands on the data. JSD falls from "
            f"{ct.jsd[0]:.2f} to **{ct.jsd[-1]:.3f}** nats in {int(ct.steps[-1])} rounds.")
        st.plotly_chart(plots.contrast_chart(ct.steps, ct.jsd, ct.g_mean, ct.data_mean), key="contrast_fig")


# ---------------------------------------------------------------------------------------------
# Theory views.


@st.cache_data(show_spinner="Training a fresh D for each k ...", max_entries=4)
def k_d_scene() -> theory.KdScene:
    return theory.k_d_scene(theory.KD_SCENE, theory.KD_VALUES)


with tab_theory:
    f = run.frame
    st.markdown("#### The optimal discriminator D* beside the learned D")
    st.markdown(
        "For a fixed generator the best classifier is **D★(x) = p_x(x) / (p_x(x) + p_g(x))** "
        "(computed here from the exact mixture density and a smoothed estimate of p_g). The learned D "
        "only approaches it: it sees finite batches, has limited capacity and is trained a few steps per "
        "round, so away from the data and the samples its surface is an arbitrary extrapolation, the "
        "blind spots the generator can exploit. Where p_g = p_x, D★ = 1/2.")
    c1, c2 = st.columns(2)
    common = dict(extent=run.extent, grid_x=run.grid_x, grid_y=run.grid_y, real=run.real, fake=f.fake, height=460)
    c1.plotly_chart(plots.main_view(surface=f.d_surface, surface_label="D(x)", title="learned D", **common),
                    key="theory_d")
    c2.plotly_chart(plots.main_view(surface=f.d_star, surface_label="D*(x)", title="optimal D*", **common),
                    key="theory_dstar")

    st.markdown("#### V(D, G), C(G) and the Jensen-Shannon divergence")
    h = run.history
    gap = float(f.value) - float(theory.c_of_g_from_jsd(float(f.jsd)))
    st.markdown(
        "Plugging D★ into the game gives **C(G) = -log 4 + 2 JSD(p_x || p_g)**, minimal (-log 4 = -1.386) "
        f"exactly when p_g = p_x. Now: V(D, G) = **{float(f.value):.3f}**, -log 4 + 2 JSD = "
        f"**{float(theory.c_of_g_from_jsd(float(f.jsd))):.3f}** (gap {gap:+.3f}). The two agree when D is "
        "close to D★; a learned D below D★ gives a smaller V.")
    st.plotly_chart(plots.value_vs_jsd(h.step, h.value, h.jsd), key="theory_cofg")

    st.markdown("#### Vanishing gradients: minimax vs non-saturating loss on the same state")
    norms = np.asarray(f.g_grad_norms)
    st.markdown(
        "With the minimax loss log(1 - D(G(z))) the gradient w.r.t. the logit is -D(G(z)): when D confidently "
        "rejects the fakes it vanishes. The non-saturating loss -log D(G(z)) has gradient -(1 - D(G(z))), "
        f"largest exactly then. Current state: mean D(G(z)) = **{float(f.d_fake):.3f}**; gradient norms "
        f"minimax **{norms[0]:.2e}**, non-saturating **{norms[1]:.2e}** "
        f"(ratio {norms[1] / max(norms[0], 1e-30):,.1f}x). Load the `vanishing-gradient` preset to see it.")
    st.plotly_chart(plots.gradient_norms([theory.LOSS_LABELS[n] for n in ("minimax", "non_saturating",
                                          "least_squares")], norms), key="theory_norms")

    st.markdown("#### Under- vs over-trained discriminator")
    st.markdown(
        "One real cluster, a generator frozen at its start, and a fresh D trained **k_D** steps. Too few steps: "
        "the arrows (-grad of the minimax generator loss) point almost anywhere, poor guidance. Enough: they "
        "point at the data. Too many: D is so sure that D(G(z)) ~ 0 and the minimax gradient vanishes: "
        "no local feedback (slides, seed 002).")
    scene = k_d_scene()
    k_sel = st.select_slider("k_D (discriminator steps)", theory.KD_VALUES, value=30, key="kd_choice")
    p = next(q for q in scene.points if q.k_d == k_sel)
    c1, c2 = st.columns(2)
    c1.plotly_chart(plots.main_view(extent=scene.extent, grid_x=scene.grid_x, grid_y=scene.grid_y,
                                    surface=p.frame.d_surface, real=scene.real, fake=p.frame.fake,
                                    arrows=p.frame.g_arrows, height=460,
                                    title=f"k_D = {k_sel}: alignment {p.alignment:.2f}, "
                                          f"|grad| minimax {p.grad_norms[0]:.1e}"), key="theory_kd")
    c2.plotly_chart(plots.k_d_curves([q.k_d for q in scene.points], [q.alignment for q in scene.points],
                                     [q.grad_norms[0] for q in scene.points],
                                     [q.grad_norms[1] for q in scene.points]), key="theory_kd_curve")
