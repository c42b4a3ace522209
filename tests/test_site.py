"""The class site (``gan-viz site``): what it computes per scene (lab/site.py, the scheduled replays
of lab/replay.py), the pages it draws (render/site.py) and the command's inputs, on a small lecture
with tiny budgets."""

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plotly.offline import get_plotlyjs

from gan_viz import cli
from gan_viz.lab import lecture, presets, replay, reproduce, site
from gan_viz.render import site as render_site

SMALL = ["train.steps=120", "train.eval_every=20", "model.g_width=16", "model.d_width=16"]
SCENES = [  # (title, tab, extra keys); every scene but the counter-example's trains a small ring8-healthy
    ("Live & frozen", "live", {"start_step": 10, "watch": "Watch <this> & that",
                               "notes": 'Line one.\nLine two with "quotes".',
                               "actions": [{"do": "freeze_d", "at_step": 60}, {"do": "play"},
                                           {"do": "pause", "at_step": 80}]}),
    ("The storyboard", "counterexample", {"preset": "counterexample", "overrides": [],
                                          "watch": "D fails, G is no closer"}),
    ("Side by side", "compare", {"remedy": "R1", "notes": "Count the modes."}),
    ("D steps alone", "theory", {"actions": [{"do": "step_d", "at_step": 40, "times": 3}]}),
    ("The map", "collapse_map", {}),
    ("The literature", "reproduce", {}),
]


def _toml(value) -> str:
    """``value`` as TOML: strings and lists as JSON writes them, a dict as an inline table."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


SCRIPT = 'title = "A test lecture <&>"\n' + "".join(
    "\n[[scene]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in {
        "title": title, "tab": tab, "preset": "ring8-healthy", "overrides": SMALL, **extra}.items())
    for title, tab, extra in SCENES)

OPTIONS = site.Options(frames=5, story_rounds=1, map_values=2, map_seeds=1, map_steps=40)


@pytest.fixture(scope="module")
def made():
    lec = lecture.parse_lecture(SCRIPT, "test")
    pages = list(site.scene_pages(lec, OPTIONS))
    return lec, pages, render_site.site_files(lec, pages)


class _Parts(HTMLParser):
    """A page's text, its links and sources, and its scripts' text."""

    def __init__(self, page: str):
        super().__init__()
        self.text, self.urls, self.scripts, self._in = [], [], [], None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self._in = tag
        self.urls += [v for k, v in attrs if k in ("href", "src") and v is not None]

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        (self.scripts if self._in in ("script", "style") else self.text).append(data)


def test_index_lists_every_scene_in_order_with_title_watch_and_notes(made):
    lec, _, files = made
    index = _Parts(files["index.html"])
    text = " ".join(index.text)
    assert lec.title in text  # escaped in the page, read back as written
    at = [text.index(f"{s.number}. {s.title}") for s in lec.scenes]
    assert at == sorted(at) and len(at) == 6
    for s in lec.scenes:
        assert s.watch in text and all(line in text for line in s.notes.splitlines())
    links = [u for u in index.urls if u.startswith("scene-")]
    assert sorted(set(links)) == [f"scene-{n:02d}.html" for n in range(1, 7)]
    assert set(files) == {"index.html", "plotly.min.js", *(f"scene-{n:02d}.html" for n in range(1, 7)),
                          "scene-03-plain.html", "scene-03-remedy.html"}


def test_plotly_js_is_in_the_folder_once_and_every_page_loads_it_relatively(made):
    _, _, files = made
    bundle = get_plotlyjs()
    assert files["plotly.min.js"] == bundle
    probe = bundle[len(bundle) // 2: len(bundle) // 2 + 500]
    for name, page in files.items():
        if name.endswith(".html"):
            assert probe not in page and len(page) < len(bundle), name
            if name != "index.html":
                assert "plotly.min.js" in _Parts(page).urls, name


def test_no_page_refers_outside_the_folder(made):
    _, _, files = made
    for name, page in files.items():
        if not name.endswith(".html"):
            continue
        parts = _Parts(page)
        assert all(not re.match(r"[a-z]+:", u) and not u.startswith("//") for u in parts.urls), (name, parts.urls)
        code = "".join(parts.scripts)
        assert not re.search(r"https?://", code), (name, re.findall(r".{40}https?://.{40}", code))


def test_each_scene_page_navigates_and_says_what_to_watch(made):
    _, pages, files = made
    first, last = _Parts(files["scene-01.html"]), _Parts(files["scene-06.html"])
    assert {"index.html", "scene-02.html"} <= set(first.urls) and "scene-07.html" not in last.urls
    assert "scene-05.html" in last.urls
    assert "Watch: Watch <this> & that" in " ".join(first.text).replace("Watch:  ", "Watch: ")
    assert "Scripted in the lecture: Play" in " ".join(first.text)


def test_freeze_d_is_acted_out_d_never_moves_after_it(made):
    _, pages, files = made
    rec = pages[0].replays[0].replay
    assert rec.steps[0] == 10 and rec.steps[-1] >= 120  # from the opening step to the budget's end
    (at,) = rec.changed_at
    assert at == 60  # k = 1 rounds of 2 steps: step 60 is a whole round
    assert pages[0].scripted == ("Freeze D: k_D = 0 from step 60", "Pause at step 80: playing stops there")
    assert pages[0].pauses == (80,) and rec.steps.tolist() == [10, 38, 65, 93, 120]
    assert "player(FRAMES.length, show, 400, [3])" in files["scene-01.html"]  # stops on step 93's frame
    after = np.flatnonzero(rec.steps >= at)
    before = np.flatnonzero(rec.steps < at)
    assert len(after) >= 2 and len(before) >= 2
    for i in after[1:]:  # D frozen: the same surface, frame after frame
        np.testing.assert_array_equal(rec.surface[i], rec.surface[after[0]])
    assert not np.array_equal(rec.surface[before[0]], rec.surface[before[-1]])
    assert not np.array_equal(rec.fake[after[0]], rec.fake[after[-1]])  # G goes on
    assert "Freeze D: k_D = 0 from step 60" in files["scene-01.html"]


def test_d_steps_alone_train_d_only_then_both_again(made):
    _, pages, _ = made
    rec = pages[3].replays[0].replay
    assert rec.changed_at == (40, 43) and rec.steps[0] == 0
    assert pages[3].scripted == ("3 D steps alone from step 40", "then as before from step 43")


def test_a_no_op_schedule_trains_bit_for_bit_as_without_one():
    cfg = replace(presets.get("ring8-healthy"), train=replace(presets.get("ring8-healthy").train, steps=80))
    plain = replay.record(cfg, frames=5)
    split = replay.record(cfg, frames=5, schedule=[(40, cfg.train)])
    np.testing.assert_array_equal(plain.steps, split.steps)
    np.testing.assert_array_equal(plain.fake, split.fake)
    np.testing.assert_array_equal(plain.surface, split.surface)
    assert split.changed_at == (40,) and plain.changed_at == ()


def test_compare_holds_the_run_and_the_run_with_its_remedy(made):
    _, pages, files = made
    plain, remedy = pages[2].replays
    assert remedy.label == "with the R1 penalty (gamma 1)" and "train.r1_weight=1" in remedy.changes
    assert "train.r1_weight=1" not in plain.changes
    np.testing.assert_array_equal(plain.replay.fake[0], remedy.replay.fake[0])  # one seed, one start
    outer = _Parts(files["scene-03.html"])
    assert {"scene-03-plain.html", "scene-03-remedy.html"} <= set(outer.urls)
    assert "changed from the preset: " in files["scene-03-remedy.html"]


def test_the_map_page_tables_every_cell_of_the_map(made):
    _, pages, files = made
    result = pages[4].collapse_map
    assert len(result.cells) == 4 and result.steps >= 40 and len(result.seeds) == 1
    text = " ".join(_Parts(files["scene-05.html"]).text)
    for c in result.cells:
        assert f"{c['modes_captured_mean']:.1f}" in text
    assert "lr_d 0.0001, lr_g 0.01" in text


def test_the_literature_page_quotes_the_published_figures(made):
    _, pages, files = made
    text = " ".join(_Parts(files["scene-06.html"]).text)
    assert "6.3 ± 0.5" in text and "98.2 % ± 0.2" in text and "PacGAN2" in text and "VEEGAN" in text
    assert len(pages[5].published) == sum(len(s) for m in reproduce.PUBLISHED.values() for s in m.values()) + 1


def test_the_command_writes_the_folder_and_says_its_size(tmp_path, capsys):
    script = tmp_path / "mine.toml"
    script.write_text(SCRIPT.split('[[scene]]\ntitle = "The storyboard"')[0])  # the first scene only
    out = tmp_path / "site"
    code, stdout, err = _cli("site", "--lecture", str(script), "--out", str(out), "--frames", "3")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "plotly.min.js", "scene-01.html"]
    assert f"wrote {out}: 3 files" in stdout and "plotly.min.js once" in stdout
    assert "scene 1 of 1: Live & frozen (live)" in err


@pytest.mark.parametrize("argv, fragment", [
    (["--lecture", "no-such-lecture"], "no lecture 'no-such-lecture'"),
    (["--frames", "1"], "--frames must be within 2..1,000, got 1"),
    (["--map-values", "40"], "--map-values must be within 2..12"),
    (["--frames", "x"], "invalid int value"),
])
def test_bad_input_is_one_line_before_any_training(tmp_path, argv, fragment):
    code, out, err = _cli("site", "--out", str(tmp_path / "s"), *argv)
    assert code == 2 and fragment in err and err.count("\n") == 1, err
    assert not (tmp_path / "s").exists()


def test_an_unusable_out_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    for out, fragment in ((tmp_path / "file", "is a file; give a folder"),
                          (tmp_path / "none" / "site", "no such folder"),
                          (tmp_path / "file" / "site", "no such folder")):
        code, _, err = _cli("site", "--out", str(out))
        assert code == 2 and fragment in err and err.count("\n") == 1, err


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            cli.main(list(argv))
            code = 0
        except SystemExit as e:
            code = e.code or 0
    return code, out.getvalue(), err.getvalue()


FLAGS = ("--frames", "--story-rounds", "--map-values", "--map-seeds", "--map-steps")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300), st.lists(st.tuples(st.sampled_from(FLAGS), st.one_of(
    st.integers(-10**6, 10**6).map(str), st.text(max_size=6))), max_size=3), st.text(max_size=20))
def test_any_script_text_flags_or_out_give_one_line_never_a_traceback(tmp_path, text, flags, out_name):
    script = tmp_path / "any.toml"
    script.write_text(text, encoding="utf-8", errors="surrogatepass")
    (tmp_path / "out").mkdir(exist_ok=True)
    out = tmp_path / "out" / out_name.replace("/", "_") if out_name.strip(". ") else tmp_path
    argv = ["site", "--lecture", str(script), "--out", str(out)] + [a for f, v in flags for a in (f, v)]
    code, _, err = _cli(*argv)
    assert code == 2 and err.startswith("gan-viz: error: ") and err.count("\n") == 1, err
