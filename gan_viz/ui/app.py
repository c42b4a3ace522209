"""The live app: session state, the header's buttons and the page layout. Widgets live in
``sidebar``, each tab in ``pages``, every computation in ``gan_viz.lab`` and ``gan_viz.core``.

Start it with ``gan-viz app`` (any directory) or ``streamlit run app.py`` from a checkout.
Streamlit runs this file as ``__main__`` on every interaction; ``main`` draws the page.
"""

from __future__ import annotations

from dataclasses import replace

import pandas  # noqa: F401  (imported up front: plotly imports it lazily, racing the fragment thread)
import streamlit as st

from gan_viz.core import compilation_cache
from gan_viz.core import config as config_lib
from gan_viz.core.config import Config
from gan_viz.ui import controls, jobs, lecture_view, rerun, sidebar, urlstate
from gan_viz.ui.pacing import Pacer
from gan_viz.ui.pages import collapse_map as collapse_map_page
from gan_viz.ui.pages import compare as compare_page
from gan_viz.ui.pages import counterexample as counterexample_page
from gan_viz.ui.pages import live as live_page
from gan_viz.ui.pages import reproduce as reproduce_page
from gan_viz.ui.pages import theory as theory_page
from gan_viz.ui.player import Player
from gan_viz.ui.session import APP_GRID_RES, LiveRun, needs_reset

COMPILE_STATUS_SECONDS = 1.0  # the compiling status counts its seconds at this interval
TABS = ["Live training", "Counter-example (lecture)", "Theory", "Collapse map", "Compare", "Reproduce"]

# Compact page chrome, so the main plot and the mode chart fit a 1280 x 800 projector with the
# sidebar open; button labels wrap rather than truncate on narrow windows.
PAGE_CSS = """<style>
.block-container {padding-top: 3.2rem; padding-bottom: 1rem;}
div[data-testid="stCheckbox"] label p, div[data-testid="stToggle"] label p {white-space: nowrap;}
div[data-testid="stButton"] button p {white-space: nowrap; overflow: visible; font-size: 0.95rem;}
div[data-testid="stButton"] button {padding-left: 0.3rem; padding-right: 0.3rem; min-width: 0;}
.app-title {font-size: 1.35rem; font-weight: 700; margin: 0 0 0.2rem 0;}
div[data-testid="stTabs"] button {padding-top: 0; padding-bottom: 0;}
</style>"""
PROJECTOR_CSS = """<style>
html {font-size: 20px;}
.stMarkdown p, .stMarkdown li, [data-testid="stSidebar"] label p {font-size: 1.05rem;}
</style>"""


@st.cache_resource(show_spinner=False)
def _shared_compilation_note() -> dict:
    """Process-wide: which shapes have been compiled already (the compiled code itself is
    shared through ``gan_viz.core.trainer.make_trainer``'s cache)."""
    return {"compiled": set()}


def _first_visit() -> None:
    """Session state for a new browser session, from the URL."""
    ss = st.session_state
    qp = st.query_params
    name, cfg, view, warnings = urlstate.config_from_query({k: qp.get_all(k) for k in qp})
    ss.preset = name
    ss.url_warnings = warnings
    ss.update(controls.widget_values(cfg))
    ss.base_config = cfg
    ss.playing = False
    ss.player = Player()  # the live view's pacer, rates, draw ids and status line
    for k in urlstate.VIEW_KEYS:
        ss[k] = view.get(k, "false") == "true"


def _prepare(run: LiveRun) -> None:
    """Compiles a new run's calls before its first frame; a pace slower than a round a frame plays
    rounds split into pictures, whose round then compiles in the background too."""
    run.warm_up(pictures=Pacer().every(run.config.view.pace, run.round_steps) > 0)


def _built(cfg: Config) -> LiveRun:
    """A new run of ``cfg``, its calls compiled (``_prepare``)."""
    run = LiveRun(cfg, grid_res=APP_GRID_RES)
    _prepare(run)
    return run


def _starter() -> jobs.RunStarter:
    ss = st.session_state
    if "starter" not in ss:
        ss.starter = jobs.RunStarter(_built, resets=needs_reset)
    return ss.starter


def _current_run(values: sidebar.SidebarValues) -> LiveRun:
    """The session's run, reset only when shapes, data or seed changed; live settings applied.

    A run of shapes this server has not compiled yet is built in the background (``jobs.RunStarter``):
    the previous run stays on the page, playable, with a status saying what compiles and for how
    long, until the new one is ready (``_compile_status`` then redraws the page)."""
    ss = st.session_state
    try:
        cfg: Config = controls.config_from_widgets(ss.base_config, values.widgets, values.custom_rows)
    except ValueError as e:
        st.warning(urlstate.inert(f"Setting ignored: {e}"))
        cfg = ss.run.config if "run" in ss else ss.base_config
    note, starter = _shared_compilation_note(), _starter()
    if "run" not in ss:  # a new session: nothing to show meanwhile, so it waits
        compiled = cfg.static_key() in note["compiled"]
        with st.spinner("Starting a new run..." if compiled else
                        f"Compiling the training step for these shapes ({jobs.estimate_label(cfg)}, once per "
                        "shape)..."):
            ss.run = _built(cfg)
        note["compiled"].add(cfg.static_key())
    elif needs_reset(ss.run.config, cfg):
        if cfg.static_key() in note["compiled"]:  # nothing to compile: start it now
            starter.cancel()
            ss.run = _built(cfg)
        else:
            starter.request(cfg, what=jobs.shape_change(ss.run.config, cfg))
            ready = starter.take()
            if ready is not None:
                ss.run = ready
                note["compiled"].add(ready.config.static_key())
            elif starter.failed is not None:
                st.error(f"These settings could not start a run ({starter.failed[1]}); the previous run goes on: "
                         "change them back or try others.", icon="⚠️")
    else:
        starter.cancel()  # back to the run's own shapes: a build under way is no longer wanted
    # the live settings act at once, also on the previous run while a new one compiles
    live = {k: getattr(cfg.train, k) for k in config_lib.LIVE_TRAIN_KEYS + config_lib.BUDGET_TRAIN_KEYS}
    ss.run.set_live(replace(ss.run.config.train, **live), freeze_d=ss.get("freeze_d", False), view=cfg.view)
    if ss.run.gan.compiles_loss(cfg.train.loss):  # the unrolled GAN compiles its loss in, once per loss
        with st.spinner(f"Compiling the unrolled GAN's training step for the {cfg.train.loss} loss "
                        f"({jobs.estimate_label(cfg)}, once per loss)..."):
            ss.run.warm_up()
    return ss.run


def _compile_status() -> None:
    """While a new run compiles: what, for how long so far and about how long in all; once it is
    ready (or failed), the whole page is redrawn with it. A timed fragment: the page stays live."""
    rerun.follow_up()
    starter = _starter()
    if starter.ready or not starter.building:
        st.rerun(scope="app")
    st.info(f"Compiling {starter.what}: {starter.seconds():.0f} s so far ({jobs.estimate_label(starter.wanted)}). "
            "The previous run stays here until then; Pause, presets and settings act at once, and a newer "
            "change of shapes replaces this one.", icon="⏳")


@rerun.action
def _play_pause() -> None:
    ss = st.session_state
    ss.playing = not ss.playing
    ss.player.reset()


@rerun.action
def _step(k_d: int | None = None, k_g: int | None = None) -> None:
    st.session_state.run.advance(1, k_d=k_d, k_g=k_g)


@rerun.action
def _reset() -> None:
    ss = st.session_state
    ss.run = LiveRun(ss.run.config, grid_res=APP_GRID_RES)
    ss.playing = False


def _buttons(run: LiveRun) -> None:
    """The header's buttons. Each acts in its callback (see ``gan_viz.ui.rerun``: a click that
    lands while the live view asks for its next frame reaches the server only as a callback)."""
    ss = st.session_state
    b = st.columns([1.1, 1, 1, 1, 1, 1.6])
    b[0].button("Pause" if ss.playing else "Play", type="primary", key="play", use_container_width=True,
                disabled=run.diverged, on_click=_play_pause)
    b[1].button("Step", key="step", help="one round: k_D D steps then k_G G steps", use_container_width=True,
                on_click=_step)
    b[2].button("Step D", key="step_d", help="one discriminator step", use_container_width=True,
                on_click=_step, kwargs=dict(k_d=1, k_g=0))
    b[3].button("Step G", key="step_g", help="one generator step", use_container_width=True,
                on_click=_step, kwargs=dict(k_d=0, k_g=1))
    b[4].button("Reset", key="reset", use_container_width=True, on_click=_reset)
    b[5].toggle("Freeze D", key="freeze_d", on_change=rerun.request,
                help="k_D = 0 while on: the generator plays against a fixed classifier")


def main() -> None:
    st.set_page_config(page_title="gan_viz: GAN training and mode collapse", layout="wide",
                       initial_sidebar_state="collapsed" if lecture_view.requested() else "auto")
    cache = compilation_cache.enable()
    urlstate.note_dropped_links()  # from the next link on, one too long for Streamlit is reported
    rerun.starting_app_run()
    ss = st.session_state
    if "preset" not in ss:
        _first_visit()
        if cache.problem:  # said once per session; training goes on without the cache
            st.warning(urlstate.inert(cache.problem))
    presenting = lecture_view.begin()  # the presenter view's scene (None: the full app), opened before the widgets
    values = sidebar.render(urlstate.VIEW_KEYS)
    for w in ss.pop("url_warnings", []):
        st.warning(urlstate.inert(w))  # a link's text, shown as typed: never a live link or image
    run = _current_run(values)
    if _starter().building:
        st.fragment(_compile_status, run_every=COMPILE_STATUS_SECONDS)()
    st.query_params.from_dict(lecture_view.query(*presenting) if presenting else
                              urlstate.query_from_config(ss.preset, run.config, values.view))
    if presenting:
        lecture_view.render(*presenting, values.view, _buttons)
        return
    lecture_view.message()

    st.markdown(PAGE_CSS + (PROJECTOR_CSS if values.view.get("view.projector") else ""), unsafe_allow_html=True)
    st.markdown("<div class='app-title'>gan_viz: watch a GAN chase the data</div>", unsafe_allow_html=True)
    _buttons(run)
    # Lazy tabs: the Counter-example and Theory pages run only while open (Theory redraws every
    # second while playing, which would otherwise cost the server and the browser on every tab).
    # Live is drawn on every tab, so a run keeps training while you read Theory beside it.
    tab_live, tab_story, tab_theory, tab_map, tab_compare, tab_reproduce = st.tabs(TABS, key="tab",
                                                                                   on_change=rerun.request)
    with tab_live:
        live_page.render(values.view, ss.preset)
    if tab_story.open:
        with tab_story:
            counterexample_page.render()
    if tab_theory.open:
        with tab_theory:
            theory_page.render(values.view, playing=ss.playing)
    if tab_map.open:
        with tab_map:
            collapse_map_page.render(run.config)
    if tab_compare.open:
        with tab_compare:
            compare_page.render(values.view)
    if tab_reproduce.open:
        with tab_reproduce:
            reproduce_page.render()


if __name__ == "__main__":
    main()
