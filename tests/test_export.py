import base64
import json
import re
from types import SimpleNamespace

import numpy as np
import pytest
from plotly.offline import get_plotlyjs

from gan_viz.lab import presets
from gan_viz.render import export


def fake_replay(frames: int, points: int = 1000, res: int = 48, seed: int = 0) -> SimpleNamespace:
    """A replay with known arrays (what ``lab.replay.record`` returns, without training)."""
    rng = np.random.default_rng(seed)
    k = 8
    occ = rng.dirichlet(np.ones(k + 1), size=frames).astype(np.float32)
    return SimpleNamespace(
        config=presets.get("ring8-hopping", seed=3), extent=(-3.0, 3.0, -3.0, 3.0),
        grid_x=np.linspace(-2.9, 2.9, res, dtype=np.float32), grid_y=np.linspace(-2.9, 2.9, res, dtype=np.float32),
        real=rng.normal(size=(500, 2)).astype(np.float32), centres=np.zeros((k, 2), np.float32),
        steps=np.arange(frames) * 43, fake=rng.normal(size=(frames, points, 2)).astype(np.float32),
        surface=rng.uniform(size=(frames, res, res)).astype(np.float32), occupancy=occ[:, :k], off_mode=occ[:, k],
        jsd=np.linspace(0.6, 0.1, frames), hq_fraction=np.linspace(0, 0.9, frames),
        modes_captured=np.arange(frames) % 9, diverged=False, num_modes=k)


def outside_bundle(page: str) -> str:
    bundle = get_plotlyjs()
    assert page.count(bundle) == 1  # plotly.js inlined once, from the installed plotly package
    return page.replace(bundle, "")


def script_value(page: str, name: str):
    """A JSON constant of the page's script (``const NAME = {...}``)."""
    m = re.search(rf"const {name} = (\[.*?\]|\{{.*?\}}), ", page, re.S) or re.search(
        rf"{name} = (\[.*?\]|\{{.*?\}});", page, re.S)
    return json.loads(m.group(1).replace("<\\/", "</"))


def test_quantized_surface_and_frame_timing():
    assert export.quantized(np.array([0.0, 0.5, 1.0, np.nan, 2.0, -1.0])).tolist() == [0, 128, 255, 128, 255, 0]
    assert (export.frame_ms(200), export.frame_ms(10), export.frame_ms(1000)) == (100, 400, 60)


def test_replay_page_is_self_contained_and_holds_every_frame():
    r = fake_replay(6)
    page = export.replay_html(r, "ring8-hopping", ["train.lr_d=0.0003"])
    rest = outside_bundle(page)
    assert "<script src" not in rest and "cdn." not in rest and "://" not in rest.replace("http://www.w3.org", "")
    assert "mathjax" not in rest.lower().replace("mathjaxconfig: 'local'", "")
    assert "data-frames='6'" in page
    assert "gan_viz replay: ring8-hopping, seed 3, steps 0 to 215" in page
    assert "changed from the preset: train.lr_d=0.0003" in page
    frames = script_value(page, "FRAMES")
    assert [f["step"] for f in frames] == [0, 43, 86, 129, 172, 215]
    z = np.frombuffer(base64.b64decode(frames[2]["z"]), np.uint8).reshape(48, 48)
    np.testing.assert_array_equal(z, export.quantized(r.surface[2]).T)
    np.testing.assert_array_equal(np.frombuffer(base64.b64decode(frames[4]["x"]), np.float32), r.fake[4, :, 0])
    assert "modes captured <b>3 / 8</b>" in frames[3]["status"]


def test_replay_page_grows_by_less_than_16_kb_a_frame():
    # 1,000 samples and a 48 x 48 surface a frame: 200 frames stay under 15 MB with plotly.js (4.8 MB)
    small, large = (len(export.replay_html(fake_replay(n), "ring8-hopping").encode()) for n in (20, 40))
    per_frame = (large - small) / 20
    assert 10_000 < per_frame < 16_000, per_frame
    assert small - len(get_plotlyjs()) < 1_000_000


def test_headings_say_preset_seed_steps_and_changes():
    r = fake_replay(3)
    assert export.replay_heading(r, "ring8-hopping") == (
        "gan_viz replay: ring8-hopping, seed 3, steps 0 to 86", "the preset's settings")
    r.diverged = True
    title, sub = export.replay_heading(r, None, ["data.std=0.1"])
    assert "a custom configuration" in title and "diverged" in title and sub == "settings: data.std=0.1"


@pytest.fixture(scope="module")
def story():
    from gan_viz.lab import counterexample

    return counterexample.run_storyboard(seed=0, rounds=2)


def test_storyboard_page_has_one_frame_per_phase_in_one_view(story):
    from gan_viz.lab import counterexample

    phases = export.storyboard_phases(story)
    assert [label for label, _ in phases] == [
        "Start: the generator away from the data", "Round 1: classifier D1 trained",
        "Round 1: generator moved against the frozen D1", "Round 2: classifier D2 trained",
        "Round 2: generator moved against the frozen D2"]
    ranges = {tuple(fig.layout.xaxis.range) + tuple(fig.layout.yaxis.range) for _, fig in phases}
    assert len(ranges) == 1  # the real cluster never moves on screen
    page = export.storyboard_html(story)
    assert "data-frames='5'" in page and "seed 0, 2 rounds" in page
    rest = outside_bundle(page)
    assert "<script src" not in rest and "cdn." not in rest
    assert len(script_value(page, "FIGS")) == 5
    half = counterexample.train_classifier(story)  # round 3's classifier, not moved yet
    assert len(export.storyboard_phases(half)) == 6


def test_a_page_can_load_plotly_js_from_beside_it_and_carry_a_banner(story):
    bundle = get_plotlyjs()
    for page in (export.replay_html(fake_replay(3), "ring8-hopping", plotly_src="plotly.min.js", banner="<nav>b</nav>"),
                 export.storyboard_html(story, plotly_src="plotly.min.js", banner="<nav>b</nav>")):
        assert bundle[:1000] not in page and len(page) < len(bundle)
        assert page.count("<script src='plotly.min.js'></script>") == 1
        assert page.index("<nav>b</nav>") < page.index("<h1>")
    assert export.plotly_script("a'b.js") == "<script src='a&#x27;b.js'></script>"


def test_scripted_pauses_stop_on_the_first_frame_at_or_after_their_step():
    steps = [0, 43, 86, 129]
    assert export.pause_frames(steps, [50, 0, 86, 44, 200]) == [0, 2]
    assert export.pause_frames(steps, []) == []
    assert "player(FRAMES.length, show, 400, [])" in export.replay_html(fake_replay(3))
