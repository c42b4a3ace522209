"""The presenter view: a lecture script's scenes, one at a time, full width, for a projector and a clicker.

``?lecture=w3l8&scene=3`` (or ``gan-viz app --lecture NAME|FILE``) opens scene 3: the sidebar, toolbar and
Deploy button hidden, projector type, a scene counter and title, Back and Next, the watch line, the scene's
own controls and its tab. The keyboard (``lecture/keys.js``) clicks the same buttons; the URL follows the
scene; Escape (or "Full app") leaves for the whole app with the same run. A scene opens from its opening
state, made in the background (``lecture_openings``).
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from typing import Any

import streamlit as st

from gan_viz.lab import lecture as lecture_lib
from gan_viz.lab.lecture import Lecture, LectureError, Scene
from gan_viz.ui import controls, lecture_keys, rerun, urlstate
from gan_viz.ui.lecture_openings import Openings
from gan_viz.ui.pages import collapse_map as collapse_map_page
from gan_viz.ui.pages import compare as compare_page
from gan_viz.ui.pages import counterexample as counterexample_page
from gan_viz.ui.pages import live as live_page
from gan_viz.ui.pages import theory as theory_page

ENV = "GAN_VIZ_LECTURE"  # set by ``gan-viz app --lecture``: a packaged name or a script file
LECTURE, SCENE, OPENED = "lecture", "lecture_scene", "lecture_opened"  # session state
ACTIONS = "lecture_actions"  # session state: the open scene's actions still to fire (at a step)
MESSAGE = "lecture_message"  # session state: (kind, text) of the last script loaded
OPEN_WAIT_SECONDS = 180.0  # a scene whose opening state is not made yet waits this long at most
READY_POLL_SECONDS = 3.0  # the "scenes ready" line redraws this often until every scene is ready
PLOT_MAX = 420  # px: the live plots under the scene's header (two-line watch and status lines) fit 1280 x 800
# the app's tab of each scene tab (``gan_viz.ui.app.TABS``: a test checks they agree)
TAB_LABELS = {"live": "Live training", "counterexample": "Counter-example (lecture)", "theory": "Theory",
              "collapse_map": "Collapse map", "compare": "Compare", "reproduce": "Reproduce"}
CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], .stDeployButton, [data-testid="stStatusWidget"] {
  display: none;}
.block-container {padding-top: 0.8rem; max-width: 100%;}
.lecture-counter {font-size: 1.3rem; color: #555; white-space: nowrap; padding-top: 0.3rem;}
.lecture-title {font-size: 1.7rem; font-weight: 700; line-height: 1.2;}
#lecture-watch {font-size: 1.25rem; background: #fff4d6; border-left: 6px solid #f0a020; padding: 0.4rem 0.8rem;
                margin: 0.2rem 0 0.4rem 0;}
</style>"""
PROJECTOR_CSS = "<style>html {font-size: 20px;} .stMarkdown p, .stMarkdown li {font-size: 1.05rem;}</style>"


@st.cache_resource(show_spinner=False)
def _registry() -> dict[str, Lecture]:
    """Process-wide: scripts loaded from a file or an upload, by name (a reload finds them again)."""
    return {}


@st.cache_resource(show_spinner=False)
def openings() -> Openings:
    """Process-wide: every scene's opening state, made in the background and kept."""
    return Openings()


def requested() -> bool:
    """Whether this run shows the presenter view (for the page's first settings, before ``begin``)."""
    ss = st.session_state
    return ss[LECTURE] is not None if LECTURE in ss else "lecture" in st.query_params or (
        not st.query_params and bool(os.environ.get(ENV)))


def find(name: str) -> Lecture:
    """A lecture by name: one loaded in this server (file, upload) or a packaged one."""
    if name in _registry():
        return _registry()[name]
    if name in lecture_lib.lecture_names():
        return lecture_lib.load_lecture(name)
    known = ", ".join([*lecture_lib.lecture_names(), *_registry()])
    raise LectureError(f"no lecture {name!r}; choose from {known} (or upload a script)")


def register(lec: Lecture) -> Lecture:
    _registry()[lec.name] = lec
    return lec


def _from_url() -> None:
    """A new session: the lecture and scene of the URL, else the one ``gan-viz app --lecture`` gave."""
    ss = st.session_state
    qp = st.query_params
    name, number, warnings = urlstate.lecture_from_query({k: qp.get_all(k) for k in qp})
    ss.setdefault("url_warnings", []).extend(warnings)
    ss[LECTURE], ss[SCENE] = None, number
    if name is None and not len(qp) and os.environ.get(ENV):
        try:
            ss[LECTURE] = register(lecture_lib.load_lecture(os.environ[ENV]))
        except LectureError as e:
            ss[MESSAGE] = ("error", f"Lecture script not loaded: {e}")
        return
    if name is None:
        return
    try:
        ss[LECTURE] = find(name)
    except LectureError as e:
        ss.url_warnings.append(f"Ignored URL parameter 'lecture': {e}.")
        return
    count = len(ss[LECTURE].scenes)
    if number > count:
        ss.url_warnings.append(f"URL parameter 'scene'={number}: this lecture has {count} scenes; opening scene "
                               f"{count}.")
        ss[SCENE] = count


def begin() -> tuple[Lecture, Scene] | None:
    """Called before the sidebar: the lecture and scene shown (None: the full app), the scene opened if new."""
    ss = st.session_state
    if LECTURE not in ss:
        _from_url()
    lec: Lecture | None = ss[LECTURE]
    if lec is None:
        ss.pop(live_page.FRAME_HOOK, None)
        return None
    scene = lec.scene(ss[SCENE])
    ss[SCENE] = scene.number
    if ss.get(OPENED) != (id(lec), scene.number):
        _open(lec, scene)
    else:
        _settings(scene)
    return lec, scene


def _settings(scene: Scene) -> None:
    """The scene's configuration in the hidden sidebar's widgets, on every run of the presenter view: the
    widgets are hidden, so a value they send back can only be a stale one (from before the scene opened)."""
    ss = st.session_state
    cfg = scene.config()
    ss.preset = ss.preset_select = scene.preset
    ss.base_config = cfg
    ss.update(controls.widget_values(cfg))


def _open(lec: Lecture, scene: Scene) -> None:
    """Puts ``scene`` on the page: its settings in the (hidden) sidebar's widgets, its opening state as
    the run, its view toggles, paused; then its actions that fire when it opens."""
    ss = st.session_state
    _settings(scene)
    ss.update({k: on for k, on in scene.view_keys().items()})
    ss["view.projector"] = True
    ss.freeze_d, ss.playing = False, False
    ss.tab = TAB_LABELS[scene.tab]
    ss.player.reset()
    ops = openings()
    ops.request(lec.scenes, first=scene)
    if not ops.ready(scene):
        with st.spinner(f"Preparing scene {scene.number}: training its run to step {scene.start_step:,} "
                        "(once per server; the next scenes are prepared in the background) ..."):
            ops.wait(scene, OPEN_WAIT_SECONDS)
    failed = ops.failed(scene)
    if ops.ready(scene):
        ss.run = ops.open_live(scene)
        if scene.tab == "compare":
            ss[compare_page.KEY] = ops.open_compare(scene)
            ss.compare_remedy = scene.remedy or ss.get("compare_remedy")
    elif failed:
        ss[MESSAGE] = ("error", f"Scene {scene.number} could not be prepared: {failed}")
    if scene.tab == "counterexample":
        ss.pop("sb", None)  # the storyboard starts again at round 1
    ss[OPENED] = (id(lec), scene.number)
    ss[ACTIONS] = [a for a in scene.actions if a.at_step is not None]
    ss[live_page.FRAME_HOOK] = _due_actions
    for a in scene.actions:
        if a.at_step is None:
            _do(a)


def _do(action: lecture_lib.Action) -> None:
    ss = st.session_state
    if action.do in ("freeze_d", "unfreeze_d"):
        ss.freeze_d = action.do == "freeze_d"
    elif action.do in ("play", "pause"):
        ss.playing = action.do == "play"
        ss.player.reset()
    elif "run" in ss:
        ss.run.set_live(ss.run.config.train, freeze_d=ss.get("freeze_d", False), view=ss.run.config.view)
        k = {"step": {}, "step_d": {"k_d": 1, "k_g": 0}, "step_g": {"k_d": 0, "k_g": 1}}[action.do]
        for _ in range(action.times):
            ss.run.advance(1, **k)


def _due_actions(run: Any) -> bool:
    """The live view's frame hook: fires the actions whose step the run has reached; whether any fired."""
    ss = st.session_state
    due = [a for a in ss.get(ACTIONS, []) if a.at_step <= run.step]
    if not due:
        return False
    ss[ACTIONS] = [a for a in ss[ACTIONS] if a not in due]
    for a in due:
        _do(a)
    return True


@rerun.action
def _go(number: int) -> None:
    st.session_state[SCENE] = number


@rerun.action
def _projector() -> None:
    ss = st.session_state
    ss["view.projector"] = not ss.get("view.projector", True)


@rerun.action
def _exit() -> None:
    """Leaves lecture mode: the full app, with the same run, on the scene's tab."""
    ss = st.session_state
    ss[LECTURE] = None
    ss.pop(OPENED, None)
    ss.pop(ACTIONS, None)


def _uploaded() -> None:
    """The script upload's callback: the script opens at scene 1, or one line says why not."""
    ss = st.session_state
    rerun.request()
    f = ss.get("lecture_upload")
    if f is None:
        return
    ss[MESSAGE] = load_upload(f.getvalue(), f.name)


def load_upload(data: bytes, filename: str) -> tuple[str, str]:
    """Opens an uploaded script at scene 1; (kind, message) for the page."""
    ss = st.session_state
    name = os.path.splitext(os.path.basename(filename))[0] or "uploaded"
    name = "".join(c if c.isalnum() or c in "_.-" else "-" for c in name)[:64].lstrip(".-_") or "uploaded"
    try:
        if len(data) > lecture_lib.MAX_BYTES:
            raise LectureError(f"lecture {filename!r}: the script is over {lecture_lib.MAX_BYTES // 1024} KiB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise LectureError(f"lecture {name!r}: not UTF-8 text") from None
        lec = register(lecture_lib.parse_lecture(text, name))
    except LectureError as e:
        return "error", f"Lecture script not loaded: {e}"
    ss[LECTURE], ss[SCENE] = lec, 1
    ss.pop(OPENED, None)
    return "success", f"Loaded {lec.title!r}: {len(lec.scenes)} scenes."


def query(lec: Lecture, scene: Scene) -> dict[str, str]:
    """The URL of the scene on screen."""
    return {"lecture": lec.name, "scene": str(scene.number)}


def message() -> None:
    """The last script load's one-line message (full app or presenter view)."""
    kind, text = st.session_state.get(MESSAGE, (None, None))
    if kind:
        getattr(st, kind)(urlstate.inert(text))


def render(lec: Lecture, scene: Scene, view: dict, buttons: Callable[[Any], None]) -> None:
    """The presenter view of ``scene``; ``buttons(run)`` draws the run's controls (the app's header buttons)."""
    ss = st.session_state
    st.markdown(CSS + (PROJECTOR_CSS if view.get("view.projector") else ""), unsafe_allow_html=True)
    n = len(lec.scenes)
    head = st.columns([0.9, 6, 1, 1])
    head[0].markdown(f"<div class='lecture-counter' id='lecture-counter'>{scene.number} / {n}</div>",
                     unsafe_allow_html=True)
    head[1].markdown(f"<div class='lecture-title' id='lecture-title'>{html.escape(scene.title)}</div>",
                     unsafe_allow_html=True)
    head[2].button("Back", key="lecture_back", on_click=_go, args=(scene.number - 1,), disabled=scene.number == 1,
                   use_container_width=True)
    head[3].button("Next", key="lecture_next", on_click=_go, args=(scene.number + 1,), disabled=scene.number == n,
                   type="primary", use_container_width=True)
    if scene.watch:
        st.markdown(f"<div id='lecture-watch'>{html.escape(scene.watch)}</div>", unsafe_allow_html=True)
    message()
    if scene.tab in ("live", "theory"):
        buttons(ss.run)
    if scene.tab == "live":
        live_page.render(view, ss.preset, watch=False, plot_max=PLOT_MAX)
    elif scene.tab == "theory":
        theory_page.render(view, playing=ss.playing, compact=True)
    elif scene.tab == "counterexample":
        counterexample_page.render()
    elif scene.tab == "collapse_map":
        collapse_map_page.render(ss.run.config)
    elif scene.tab == "compare":
        compare_page.render(view)
    else:
        from gan_viz.ui.pages import reproduce as reproduce_page

        reproduce_page.render()
    _footer(lec, scene)
    lecture_keys.install()


def _prepared(lec: Lecture) -> None:
    """How many scenes' opening states are made ("5 of 7 scenes ready"); ``_footer`` redraws it until all are."""
    rerun.follow_up()
    ops = openings()
    ready = sum(ops.ready(s) or ops.failed(s) is not None for s in lec.scenes)
    st.markdown(f"<div id='lecture-ready' data-ready='{ready}' data-scenes='{len(lec.scenes)}' "
                f"style='color:#666;padding-top:0.5rem'>{ready} of {len(lec.scenes)} scenes ready</div>",
                unsafe_allow_html=True)


def _footer(lec: Lecture, scene: Scene) -> None:
    c = st.columns([1, 1.3, 1.3, 2.4])
    c[0].button("Keys (?)", key="lecture_keys", help="the keyboard shortcuts", use_container_width=True)
    c[1].button("Large type (P)", key="lecture_projector", on_click=_projector, use_container_width=True)
    c[2].button("Full app (Esc)", key="lecture_exit", on_click=_exit, use_container_width=True,
                help="leave lecture mode: the whole app, with this run")
    with c[3]:
        ops = openings()
        done = all(ops.ready(s) or ops.failed(s) is not None for s in lec.scenes)
        st.fragment(_prepared, run_every=None if done else READY_POLL_SECONDS)(lec)
    if scene.notes:
        with st.expander("Speaker notes"):
            st.markdown(urlstate.inert(scene.notes))
    with st.expander("Load a lecture script (.toml)"):
        st.file_uploader("Lecture script", type=["toml"], key="lecture_upload", on_change=_uploaded,
                         help="see docs/lecture.md for the format; it opens at scene 1")
