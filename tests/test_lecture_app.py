"""The presenter view through Streamlit's AppTest: a script's errors on the page (the app keeps
running), a scene opened from its opening state, Next and Back with the URL following, scripted
actions, and leaving lecture mode with the same run."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from gan_viz.cli.launch import app_path
from gan_viz.lab import lecture
from gan_viz.ui import app, lecture_openings, lecture_view

SCRIPT = """
title = "Small"
[[scene]]
title = "Frozen"
tab = "live"
preset = "counterexample"
start_step = 40
watch = "G runs to the frozen D's blind spot."
actions = [{ do = "freeze_d" }, { do = "step_g", times = 3 }]
[[scene]]
title = "Story"
tab = "counterexample"
preset = "counterexample"
overrides = ["train.lr_g=0.005"]
"""


def start(monkeypatch, tmp_path, text: str, query: dict | None = None) -> AppTest:
    f = tmp_path / "small.toml"
    f.write_text(text)
    monkeypatch.setenv(lecture_view.ENV, str(f))
    at = AppTest.from_file(str(app_path()), default_timeout=300)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    """A message as typed (``urlstate.inert`` escapes every punctuation character)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_a_bad_script_is_one_line_on_the_page_and_the_full_app_runs(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, SCRIPT.replace("start_step = 40", 'pace = "fast"'))
    assert [plain(e.value) for e in at.error] == [
        "Lecture script not loaded: scene 1 (Frozen): 'pace' must be a number > 0, got 'fast'"]
    assert at.session_state["lecture"] is None
    assert any("status-line" in m.value for m in at.markdown)  # the full app, playable
    button(at, "step").click().run()
    assert not at.exception


def test_an_unknown_lecture_in_the_url_is_reported_and_ignored(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, SCRIPT, {"lecture": "nope", "scene": "x"})
    warnings = " ".join(plain(w.value) for w in at.warning)
    assert "no lecture 'nope'" in warnings and "'scene'='x'" in warnings
    assert at.session_state["lecture"] is None and not at.error


def test_scenes_open_at_their_step_with_their_actions_and_the_url_follows(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, SCRIPT)  # gan-viz app --lecture FILE: no URL opens its first scene
    ss = at.session_state
    assert dict(at.query_params) == {"lecture": "small", "scene": "1"}
    assert any("1 / 2" in m.value for m in at.markdown)
    run = ss["run"]
    assert ss["freeze_d"] and run.step >= 40 + 3  # opened at step 40 (whole rounds), then 3 G steps
    assert not any(b.key == "compare_play" for b in at.button)  # only the scene's controls
    button(at, "lecture_next").click().run()
    assert dict(at.query_params) == {"lecture": "small", "scene": "2"}
    assert ss["run"].config.train.lr_g == 0.005 and not ss["freeze_d"]
    assert any(b.key == "sb_train" for b in at.button)  # the counter-example's own buttons
    button(at, "lecture_back").click().run()
    assert dict(at.query_params) == {"lecture": "small", "scene": "1"}
    kept = ss["run"]
    button(at, "lecture_exit").click().run()
    assert not at.exception and ss["lecture"] is None and ss["run"] is kept
    assert at.query_params["preset"] == "counterexample"


def test_a_scene_beyond_the_lecture_opens_its_last(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, SCRIPT, {"lecture": "w3l8", "scene": "99"})
    assert any("this lecture has" in plain(w.value) for w in at.warning)
    assert at.query_params["scene"] == str(len(lecture.load_lecture("w3l8").scenes))


def test_the_scene_tabs_are_the_apps_tabs():
    assert list(lecture_view.TAB_LABELS) == list(lecture.TABS)
    assert list(lecture_view.TAB_LABELS.values()) == app.TABS


def test_an_opening_state_is_copied_so_each_session_trains_on_alone():
    scene = lecture.parse_lecture(SCRIPT, "small").scenes[0]
    template = lecture_openings.build_live(scene)
    assert template.step >= scene.start_step and len(template.history.step) >= 2
    twin = lecture_openings.clone(template)
    twin.advance(5)
    assert template.step < twin.step and len(template.history.step) < len(twin.history.step) + 1
    assert twin.history is not template.history


class Session(dict):
    """A stand-in for ``st.session_state`` (attribute and item access)."""

    __getattr__, __setattr__ = dict.get, dict.__setitem__


def upload(data: bytes, filename: str) -> tuple[tuple[str, str], Session]:
    import streamlit as st

    session = Session()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(st, "session_state", session)
        return lecture_view.load_upload(data, filename), session


@pytest.mark.parametrize("data, says", [(b'title = "T"', "'scene' must be one or more"), (b"\xff", "not UTF-8")])
def test_an_uploaded_script_is_checked_with_the_same_one_line_errors(data, says):
    (kind, text), session = upload(data, "mine.toml")
    assert kind == "error" and says in text and "\n" not in text and "lecture" not in session
    (kind, text), session = upload(SCRIPT.encode(), "../My Lecture.toml")
    assert kind == "success" and session["lecture"].name == "My-Lecture" and session["lecture_scene"] == 1


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode), st.text(max_size=40))
def test_any_upload_is_a_script_or_one_line_saying_why_not(data, filename):
    (kind, text), session = upload(data, filename or "x.toml")
    assert kind in ("error", "success") and "\n" not in text
    if kind == "success":
        assert lecture_view.urlstate._LECTURE_NAME.fullmatch(session["lecture"].name)
