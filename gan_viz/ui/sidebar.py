"""The sidebar: every setting of the live run. ``render`` lays the widgets out and returns
what they hold; turning those values into a configuration is ``controls``' job."""

from __future__ import annotations

from typing import Any, NamedTuple

import streamlit as st

from gan_viz.lab import presets
from gan_viz.ui import controls

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
    ss.update(controls.widget_values(cfg))
    ss.pop("run", None)
    ss.playing = False


def render(view_keys: tuple[str, ...]) -> SidebarValues:
    ss = st.session_state
    rows = None
    with st.sidebar:
        st.header("Scene")
        st.selectbox("Preset", presets.names(), index=presets.names().index(ss.preset), key="preset_select",
                     on_change=load_preset,
                     help="\n\n".join(f"**{p.name}**: {p.summary}" for p in presets.PRESETS.values()))
        st.subheader("Data")
        layout = st.selectbox("Layout", ["ring", "grid", "single", "custom"], key=key("data.layout"))
        if layout == "ring":
            st.slider("Modes K", 1, 16, key=key("data.modes"))
            st.slider("Radius", 0.5, 4.0, step=0.25, key=key("data.radius"))
        elif layout == "grid":
            st.slider("Grid n (n x n modes)", 1, 7, key=key("data.grid_n"))
            st.slider("Spacing", 0.5, 3.0, step=0.25, key=key("data.spacing"))
        elif layout == "custom":
            rows = list(st.data_editor(controls.custom_rows(ss.base_config), num_rows="dynamic",
                                       key="custom_centres",
                                       column_config={"weight": st.column_config.NumberColumn(min_value=0.0)}))
        std_options = sorted(set(controls.STD_OPTIONS) | {ss[key("data.std")]})
        st.select_slider("Std of each mode", std_options, key=key("data.std"))

        st.subheader("Networks")
        c1, c2 = st.columns(2)
        c1.select_slider("G width", controls.WIDTH_OPTIONS, key=key("model.g_width"))
        c2.select_slider("D width", controls.WIDTH_OPTIONS, key=key("model.d_width"))
        c1.slider("G depth", 0, 4, key=key("model.g_depth"), help="0 = affine G(z) = Wz + b")
        c2.slider("D depth", 1, 4, key=key("model.d_depth"))
        st.select_slider("Latent dimension", controls.LATENT_OPTIONS, key=key("model.latent_dim"))
        c1, c2 = st.columns(2)
        c1.selectbox("Noise", ["gaussian", "uniform"], key=key("model.noise"))
        c2.selectbox("Activation", ["relu", "leaky_relu", "tanh", "elu", "gelu"], key=key("model.activation"))

        st.subheader("Training (live: no reset)")
        st.selectbox("Loss", ["minimax", "non_saturating", "least_squares"], key=key("train.loss"))
        fmt = lambda v: f"{v:.0e}"  # noqa: E731
        st.select_slider("lr_D (log scale)", controls.LR_OPTIONS, format_func=fmt, key=key("train.lr_d"))
        st.select_slider("lr_G (log scale)", controls.LR_OPTIONS, format_func=fmt, key=key("train.lr_g"))
        c1, c2 = st.columns(2)
        c1.slider("k_D (D steps/round)", 0, 50, key=key("train.k_d"))
        c2.slider("k_G (G steps/round)", 0, 50, key=key("train.k_g"))
        st.checkbox("Simultaneous updates", key=key("train.simultaneous"))
        st.select_slider("Steps per frame", controls.STEPS_PER_FRAME + ([120] if ss["view.steps_per_frame"] == 120
                         else []), key="view.steps_per_frame")
        with st.expander("More training settings (reset)"):
            st.selectbox("Optimizer", ["adam", "sgd"], key=key("train.optimizer"))
            st.select_slider("Batch size", controls.BATCH_OPTIONS, key=key("train.batch_size"))
            st.number_input("R1 penalty weight (live)", 0.0, 100.0, step=0.1, key=key("train.r1_weight"))
            st.number_input("G weight average (EMA decay, live)", 0.0, 0.9999, step=0.001, format="%.4f",
                            key=key("train.g_ema"))
            st.number_input("Seed", 0, 2**31 - 1, step=1, key=key("seed"))

        st.subheader("View")
        st.toggle("Gradient arrows on generated samples", key="view.arrows")
        st.toggle("Generator manifold (2D latent)", key="view.manifold")
        st.toggle("Show optimal D* instead of D", key="view.dstar")
    widgets = {key(k): ss[key(k)] for k in controls.WIDGET_KEYS if key(k) in ss}
    return SidebarValues(widgets, rows, {k: ss[k] for k in view_keys})
