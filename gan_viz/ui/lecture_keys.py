"""The presenter view's keyboard: what each key clicks, the help it shows, and the script that listens.

A presentation clicker sends Page Down and Page Up (some the arrows). ``install`` puts ``lecture/keys.js``
into the page itself (a frame Streamlit replaces between scenes would take its listener with it); each key
clicks one of the page's own buttons, by widget key, so a key does exactly what the button does.
"""

from __future__ import annotations

import json
from importlib import resources

import streamlit as st

# key -> the buttons it clicks (by widget key), the first present and enabled
KEYS = {"ArrowRight": ["lecture_next"], "PageDown": ["lecture_next"], "ArrowLeft": ["lecture_back"],
        "PageUp": ["lecture_back"], " ": ["play", "compare_play", "sb_play"], "s": ["step", "sb_train", "sb_move"],
        "d": ["step_d"], "g": ["step_g"], "f": ["freeze_d"], "r": ["reset", "sb_restart"],
        "p": ["lecture_projector"], "Escape": ["lecture_exit"]}
HELP = [("&rarr; or Page Down", "next scene"), ("&larr; or Page Up", "previous scene"), ("Space", "play / pause"),
        ("S", "one step (a round: k<sub>D</sub> D steps, then k<sub>G</sub> G steps)"), ("D", "one D step"),
        ("G", "one G step"), ("F", "freeze D on / off"), ("R", "reset the run"), ("P", "projector type on / off"),
        ("?", "this help"), ("Esc", "leave lecture mode (the full app, same run)")]


def install() -> None:
    """Installs the keyboard shortcuts on the page (once; later calls only refresh the key map)."""
    source = (resources.files("gan_viz.ui") / "lecture" / "keys.js").read_text(encoding="utf-8")
    # the frame only hands the script to the page (see keys.js); "</" cannot end this script early
    script = ("(function () { const w = window.parent, d = w.document;"
              f" w.__ganVizLectureKeyMap = {json.dumps(KEYS)}; w.__ganVizLectureHelp = {json.dumps(HELP)};"
              " if (w.__ganVizLectureKeys) return;"
              " const s = d.createElement('script');"
              f" s.textContent = {json.dumps(source)}; d.head.appendChild(s); }})();")
    st.iframe("<script>" + script.replace("</", "<\\/") + "</script>", height=1)
