"""The Counter-example page: the lecture's frozen-classifier storyboard, one phase at a time."""

from __future__ import annotations

import streamlit as st

from gan_viz.core import bounds
from gan_viz.lab import counterexample
from gan_viz.render import charts, export, storyboard
from gan_viz.ui import rerun
from gan_viz.ui.pages import prose


@st.cache_data(show_spinner="Training the remedy: D and G together ...", max_entries=8)
def contrast(seed: int) -> counterexample.Contrast:
    return counterexample.run_contrast(seed=seed, rounds=400, every=20)


@rerun.action
def _act(action: str, seed: int) -> None:
    """Button callback: runs before the page is drawn, so no button's state is ever stale."""
    ss = st.session_state
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


def render() -> None:
    ss = st.session_state
    text = prose("counterexample")
    st.markdown(text["intro"])
    c = st.columns([1, 1.3, 1.3, 1.1, 1, 2])
    seed = int(c[0].number_input("Seed", 0, bounds.limits("seed")[1], value=0, step=1, key="sb_seed",
                                  on_change=rerun.request))
    if "sb" not in ss or ss.sb.seed != seed:
        ss.sb = counterexample.start(seed=seed)
        ss.pop("show_contrast", None)

    phase = ss.sb.next_phase
    buttons = dict(on_click=_act, use_container_width=True)
    c[1].button("Train classifier", key="sb_train", args=("train", seed), **buttons,
                disabled=phase != "train_classifier" or len(ss.sb.records) >= counterexample.MAX_ROUNDS)
    c[2].button("Move generator", key="sb_move", args=("move", seed), **buttons, disabled=phase != "move_generator")
    c[3].button("Play 3 rounds", key="sb_play", args=("play", seed), **buttons)
    c[4].button("Restart", key="sb_restart", args=("restart", seed), **buttons)
    c[5].button("Remedy: D and G together", key="sb_contrast", args=("contrast", seed), **buttons)
    sb = ss.sb
    t = len(sb.records) + (1 if sb.next_phase == "train_classifier" else 0)
    st.markdown(text[sb.next_phase].replace("{t}", str(t)))
    story = storyboard.from_storyboard(sb, max_panels=3)
    # the figure is sized for slides (3 x 520 px); in the page it takes the column's width
    story.update_layout(width=None, font_size=15).update_annotations(font_size=17)
    st.plotly_chart(story, key="storyboard_fig")
    done = [r for r in sb.records if r.complete]
    if done:
        st.markdown(text["table"].format(std=sb.data_std))
        st.markdown(storyboard.rounds_table(done, sb.data_std), unsafe_allow_html=True)
        # made on click (a callable): the file inlines plotly.js, ~7 MB
        st.download_button("Storyboard (HTML)", lambda: export.storyboard_html(sb),
                           file_name=f"gan_viz-counterexample-seed{sb.seed}-{len(done)}rounds.html", mime="text/html",
                           key="sb_html", on_click="ignore",
                           help="a standalone file that plays these phases offline, with Play and a slider")
    if ss.get("show_contrast"):
        ct = contrast(seed)
        st.markdown(text["remedy"].format(jsd0=ct.jsd[0], jsd1=ct.jsd[-1], rounds=int(ct.rounds[-1])))
        remedy = storyboard.remedy_figure(ct.rounds, ct.jsd, ct.g_mean, ct.fake, sb.real,
                                          (sb.xs[0], sb.xs[-1], sb.ys[0], sb.ys[-1]))
        st.plotly_chart(remedy.update_layout(width=None, height=480, font_size=15).update_annotations(font_size=17),
                        key="remedy_panels")
        st.plotly_chart(charts.contrast_chart(ct.rounds, ct.jsd, ct.g_mean, ct.data_mean), key="contrast_fig")
