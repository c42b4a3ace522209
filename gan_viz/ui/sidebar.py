"""The sidebar: every setting of the live run. ``render`` lays the widgets out and returns
what they hold; turning those values into a configuration is ``controls``' job."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

import streamlit as st

from gan_viz.core import config as config_lib
from gan_viz.core.config import Config
from gan_viz.core.losses import F_LOSSES, LOSSES
from gan_viz.core.models import INITS
from gan_viz.lab import evaluate, presets
from gan_viz.ui import controls, rerun, urlstate

key = controls.widget_key


class SidebarValues(NamedTuple):
    """What the sidebar holds after a run of the script."""

    widgets: dict[str, Any]  # widget key -> value, for every config widget
    custom_rows: list[dict] | None  # the custom-centres table, when the layout is custom
    view: dict[str, Any]  # view.* toggles and settings


def load_preset() -> None:
    """Callback of the preset box: the chosen preset's values replace every widget's."""
    ss = st.session_state
    cfg = presets.get(ss.preset_select)
    ss.preset = ss.preset_select
    ss.base_config = cfg
    ss.update(controls.widget_values(cfg))  # the next run of the page starts the preset's run
    ss.playing = False
    rerun.request()


EDIT_KEY = "edit_data"  # the click-to-place toggle (read by the live page)
UPLOAD_KEY = "upload"


def set_data(cfg: Config) -> None:
    """From a callback: ``cfg``'s data replaces the sidebar's (layout, its settings, the centres
    table), as if typed in; the next run of the page starts a run on it."""
    ss = st.session_state
    ss.base_config = replace(ss.base_config, data=cfg.data)
    for k in controls.WIDGET_KEYS:
        if k.startswith("data."):
            ss[key(k)] = controls.get(cfg, k)
    ss.pop("custom_centres", None)  # the table's edits: it starts again from the new centres


def _edit_toggled() -> None:
    ss = st.session_state
    if ss.get(EDIT_KEY):
        ss.playing = False  # placing modes restarts the run at every click: it waits, paused
    rerun.request()


def _uploaded() -> None:
    """The upload's callback: the file's points become the real data (layout ``samples``), or a
    message says why not and nothing changes. The bytes are read in memory, never written."""
    ss = st.session_state
    f = ss.get(UPLOAD_KEY)
    rerun.request()
    if f is None:
        return
    try:
        current = ss.run.config if "run" in ss else ss.base_config
        cfg = config_lib.with_samples(current, evaluate.parse_samples(f.getvalue(), f.name), f.name)
    except ValueError as e:
        ss.upload_message = ("error", f"Upload not used: {e}")
        return
    set_data(cfg)
    mix = cfg.data.mixture()
    ss.upload_message = ("success", f"Training on {len(cfg.data.samples):,} points from {f.name}; {mix.num_modes} "
                                    f"mode{'s' if mix.num_modes > 1 else ''} fitted "
                                    f"(k-means, K chosen by BIC; spread {float(mix.std):.3g}). Change K with "
                                    "Modes to fit.")


def render(view_keys: tuple[str, ...]) -> SidebarValues:
    """Lays the sidebar out; every range and option list comes from ``gan_viz.core.bounds``."""
    ss = st.session_state
    lim = controls.limits
    # a widget not drawn in the last run (e.g. Radius under the grid layout) loses its state;
    # it comes back with the run's value, not the widget's default
    current = ss.run.config if "run" in ss else ss.base_config
    for k, v in controls.widget_values(current).items():
        ss.setdefault(k, v)

    def opts(config_key: str) -> list:
        return controls.options(config_key, ss[key(config_key)])

    # every widget acts through a callback (see gan_viz.ui.rerun)
    act = {"on_change": rerun.request}
    rows = None
    with st.sidebar:
        st.header("Scene")
        # the index only until the widget's own key holds a value (a lecture scene sets it; both would warn)
        first = {} if "preset_select" in ss else {"index": presets.names().index(ss.preset)}
        st.selectbox("Preset", presets.names(), **first, key="preset_select", on_change=load_preset,
                     help="\n\n".join(f"**{p.name}**: {p.summary}" for p in presets.PRESETS.values()))
        st.select_slider(
            "Pace (training steps/s, log scale)", controls.pace_options(ss.base_config.view.pace),
            format_func=controls.pace_label, key=key("view.pace"), **act,
            help="How fast the run trains while playing, in optimizer steps per second; max = as fast as this "
                 "machine goes. A frame shows at least one whole round (k_D + k_G steps): below a round per "
                 "frame the frames come less often (slow motion). Each preset has its own pace.")
        st.subheader("Data")
        layout = st.selectbox("Layout", list(config_lib.LAYOUTS), key=key("data.layout"), **act,
                              help="samples: the points of a file of your own (upload below)")
        if layout == "ring":
            st.slider("Modes K", *lim("data.modes"), key=key("data.modes"), **act)
            st.select_slider("Radius", opts("data.radius"), key=key("data.radius"), **act)
        elif layout == "grid":
            st.slider("Grid n (n x n modes)", *lim("data.grid_n"), key=key("data.grid_n"), **act)
            st.select_slider("Spacing", opts("data.spacing"), key=key("data.spacing"), **act)
        elif layout == "samples":
            st.slider("Modes to fit (k-means)", *lim("data.modes"), key=key("data.modes"), **act,
                      help="HQ and modes captured count samples within 3 spreads of these fitted modes.")
        elif layout == "custom":
            lo, hi = lim("data.centres")
            rows = list(st.data_editor(
                controls.custom_rows(ss.base_config), num_rows="dynamic", key="custom_centres", hide_index=True, **act,
                column_config={"x": st.column_config.NumberColumn(min_value=lo, max_value=hi),
                               "y": st.column_config.NumberColumn(min_value=lo, max_value=hi),
                               "weight": st.column_config.NumberColumn(min_value=0.0, default=1.0)}))
        if layout != "samples":
            st.select_slider("Std of each mode", opts("data.std"), key=key("data.std"), **act)
        st.toggle("Click the plot to add or remove modes", key=EDIT_KEY, on_change=_edit_toggled,
                  help="Click an empty spot of the main plot to add a mode there, a mode to remove it. "
                       "The layout becomes custom; the centres table and the link follow.")
        with st.expander("Your own samples (CSV or .npy)", expanded=layout == "samples"):
            st.file_uploader("2-D points: x,y per line, or an (n, 2) .npy array", type=["csv", "txt", "npy"],
                             key=UPLOAD_KEY, on_change=_uploaded,
                             help=f"At most {config_lib.MAX_SAMPLES:,} points, coordinates within "
                                  "[-50, 50]. Read in memory; never saved, never put in the link.")
            kind, message = ss.pop("upload_message", (None, None))
            if kind:
                getattr(st, kind)(urlstate.inert(message))  # the file name is the uploader's text
            st.caption("Training draws its batches from the points themselves. JSD and D* compare the "
                       "generator's KDE with the points' KDE (the same Gaussian kernel); modes captured and "
                       "HQ use modes fitted to the points by k-means (Modes to fit).")

        st.subheader("Networks")
        c1, c2 = st.columns(2)
        c1.select_slider("G width", opts("model.g_width"), key=key("model.g_width"), **act)
        c2.select_slider("D width", opts("model.d_width"), key=key("model.d_width"), **act)
        c1.slider("G depth", *lim("model.g_depth"), key=key("model.g_depth"), **act, help="0 = affine G(z) = Wz + b")
        c2.slider("D depth", *lim("model.d_depth"), key=key("model.d_depth"), **act)
        st.select_slider("Latent dimension", opts("model.latent_dim"), key=key("model.latent_dim"), **act)
        c1, c2 = st.columns(2)
        c1.selectbox("Noise", ["gaussian", "uniform"], key=key("model.noise"), **act)
        c2.selectbox("Activation", ["relu", "leaky_relu", "tanh", "elu", "gelu"], key=key("model.activation"), **act)
        st.slider("PacGAN: D judges m samples at once", *lim("model.pack"), key=key("model.pack"), **act,
                  help="m = 1: the plain GAN. m > 1 (PacGAN, Lin et al. 2018): D sees m samples side by side, all "
                       "real or all generated, so a collapsed generator's look-alikes give themselves away. Resets.")
        with st.expander("Initialisation and D's input (reset)"):
            c1, c2 = st.columns(2)
            c1.selectbox("Weights start", list(INITS), key=key("model.init"), **act,
                         help="normal: N(0, 1/fan-in). orthogonal: orthonormal columns, as the unrolled GAN's "
                              "reference. Both times the gain; biases start at 0.")
            c2.select_slider("Gain", opts("model.init_gain"), key=key("model.init_gain"), **act)
            st.select_slider("D's input scale", opts("model.d_input_scale"), key=key("model.d_input_scale"), **act,
                             help="D sees this times x (the unrolled GAN's reference: 0.25, so the ring of "
                                  "radius 2 lies in about [-1, 1]).")

        st.subheader("Training (live: no reset)")
        st.selectbox("Loss", list(LOSSES), key=key("train.loss"), **act,
                     help="wasserstein: D becomes a critic, a score rather than a probability (WGAN); add the "
                          "gradient penalty below for WGAN-GP, and use k_D as WGAN's n_critic (5 in the paper). "
                          "kl, reverse_kl, pearson, hellinger, js, gan: an f-GAN; D's output is a critic "
                          "T = g_f(V) whose objective is a lower bound on that f-divergence (Theory tab).")
        st.checkbox("f-GAN: G maximises E_q[g_f(V)]", key=key("train.alt_g"), **act,
                    disabled=ss.get(key("train.loss")) not in F_LOSSES,
                    help="For the f-GAN losses: the paper's alternative generator objective (sec. 3.2), the -log D "
                         "trick generalised; off, G minimises the bound itself, -E_q[f*(g_f(V))].")
        fmt = controls.fmt_rate
        st.select_slider("lr_D (log scale)", opts("train.lr_d"), format_func=fmt, key=key("train.lr_d"), **act)
        st.select_slider("lr_G (log scale)", opts("train.lr_g"), format_func=fmt, key=key("train.lr_g"), **act)
        c1, c2 = st.columns(2)
        c1.slider("k_D (D steps/round)", *lim("train.k_d"), key=key("train.k_d"), **act)
        c2.slider("k_G (G steps/round)", *lim("train.k_g"), key=key("train.k_g"), **act)
        st.checkbox("Simultaneous updates", key=key("train.simultaneous"), **act)
        with st.expander("More training settings (reset)"):
            st.selectbox("Optimizer", ["adam", "sgd"], key=key("train.optimizer"), **act)
            st.select_slider("Batch size", opts("train.batch_size"), key=key("train.batch_size"), **act)
            st.number_input("R1 penalty weight (live)", *lim("train.r1_weight"), step=0.1,
                            key=key("train.r1_weight"), **act)
            st.number_input("G weight average (EMA decay, live)", *lim("train.g_ema"), step=0.001, format="%.4f",
                            key=key("train.g_ema"), **act)
            st.number_input("Gradient penalty weight (WGAN-GP, live)", *lim("train.gp_weight"), step=1.0,
                            key=key("train.gp_weight"), **act,
                            help="lambda of WGAN-GP: lambda E (||grad f(x_hat)|| - 1)^2 on points between real and "
                                 "generated samples; 10 in the paper. Meant for the wasserstein loss.")
            st.number_input("Unrolled GAN: look-ahead D steps", *lim("train.unroll"), step=1,
                            key=key("train.unroll"), **act,
                            help="0: the plain GAN. k > 0 (Metz et al. 2016): each G step is taken against the D "
                                 "that k more D steps would make, differentiated through them, so G anticipates D's "
                                 "answer. A G step then costs about k + 1 D steps. Resets.")
            st.number_input("Seed", *lim("seed"), step=1, key=key("seed"), **act)

        st.subheader("View")
        st.toggle("Gradient arrows on generated samples", key="view.arrows", **act)
        st.toggle("Generator manifold (2D latent)", key="view.manifold", **act)
        st.toggle("Show optimal D* instead of D", key="view.dstar", **act)
        st.toggle("Mode chart: whole run", key="view.whole_run", **act,
                  help="Off: the last 30 s of training at the current pace, so recent hops stay readable.")
        st.toggle("Projector (larger type)", key="view.projector", **act)
    widgets = {key(k): ss[key(k)] for k in controls.WIDGET_KEYS if key(k) in ss}
    return SidebarValues(widgets, rows, {k: ss[k] for k in view_keys})
