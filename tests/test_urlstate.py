from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from gan_viz.lab import presets
from gan_viz.ui import urlstate


def test_round_trip_of_a_changed_scene():
    base = presets.get("ring8-healthy")
    cfg = replace(base, seed=4, train=replace(base.train, lr_g=3e-4, simultaneous=True))
    q = urlstate.query_from_config("ring8-healthy", cfg, {"view.arrows": True})
    assert q == {"preset": "ring8-healthy", "seed": "4", "train.lr_g": "0.0003", "train.simultaneous": "true",
                 "view.arrows": "true"}
    name, back, view, warnings = urlstate.config_from_query(q)
    assert name == "ring8-healthy" and back == cfg and view == {"view.arrows": "true"} and warnings == []


def test_custom_layout_from_a_link_in_any_parameter_order():
    q = {"data.layout": "custom", "data.centres": "[[1,1],[-1,2]]", "data.weights": "[1,3]"}
    _, cfg, _, warnings = urlstate.config_from_query(q)
    assert warnings == [] and cfg.data.layout == "custom" and cfg.data.centres == ((1.0, 1.0), (-1.0, 2.0))


def test_bad_parameters_are_reported_one_by_one_and_ignored():
    _, cfg, _, warnings = urlstate.config_from_query(
        {"preset": "nope", "train.lr_d": "fast", "train.k_g": "2.5", "zzz": "1", "seed": "5"})
    assert cfg == replace(presets.get(presets.DEFAULT), seed=5)
    assert len(warnings) == 4
    assert any("Unknown preset" in w for w in warnings) and any("train.k_g" in w for w in warnings)


def test_values_a_widget_cannot_hold_are_kept_exactly_or_clamped_with_a_warning():
    # values inside the bounds table stay exactly as given: the widgets can show them
    q = {"model.g_width": "1000", "train.batch_size": "100", "train.lr_g": "0.0007", "model.latent_dim": "3",
         "train.r1_weight": "1000", "train.k_d": "80", "model.g_depth": "8"}
    _, cfg, _, warnings = urlstate.config_from_query(q)
    assert warnings == []
    assert (cfg.model.g_width, cfg.train.batch_size, cfg.train.lr_g, cfg.model.latent_dim) == (1000, 100, 7e-4, 3)
    assert (cfg.train.r1_weight, cfg.train.k_d, cfg.model.g_depth) == (1000.0, 80, 8)
    # outside: clamped, and the warning says to what
    _, cfg, _, warnings = urlstate.config_from_query({"data.modes": "500", "train.lr_d": "-1", "data.radius": "inf"})
    assert cfg.data.modes == 64 and cfg.train.lr_d == 0.0
    assert cfg.data.radius == presets.get(presets.DEFAULT).data.radius
    assert "using 64" in warnings[0] and "using 0" in warnings[1] and "Ignored" in warnings[2]


def test_a_repeated_parameter_is_reported_and_the_last_value_used():
    _, cfg, _, warnings = urlstate.config_from_query({"seed": ["1", "2"], "train.k_d": ["3"]})
    assert cfg.seed == 2 and cfg.train.k_d == 3
    assert len(warnings) == 1 and "given 2 times" in warnings[0] and "'2'" in warnings[0]


def test_warnings_quote_link_text_inertly():
    _, _, _, warnings = urlstate.config_from_query(
        {"train.lr_d": "[CLICK HERE](https://example.com/phish)", "![x](https://example.com/x.png)": "1",
         "data.centres": "[" * 50_000})
    shown = [urlstate.inert(w) for w in warnings]
    assert len(shown) == 3 and all(len(w) < 600 for w in shown)
    for w in shown:
        # every bracket, parenthesis, bang, colon, slash and dot is escaped: no link, image or autolink
        assert "](" not in w and "![" not in w.replace("\\![", "") and "://" not in w and "www." not in w
    assert urlstate.inert("a_b*c") == "a\\_b\\*c"


def test_uploaded_samples_never_go_into_a_link_and_a_link_without_them_says_so():
    base = presets.get("ring8-hopping")
    pts = tuple((float(i % 7), float(i % 3)) for i in range(40))
    cfg = replace(base, data=replace(base.data, layout="samples", samples=pts, modes=3))
    q = urlstate.query_from_config("ring8-hopping", cfg)
    assert "data.samples" not in q and q["data.layout"] == "samples" and q["data.modes"] == "3"
    assert "[" not in "".join(q.values())  # no point of them in any parameter
    _, opened, _, warnings = urlstate.config_from_query(q)
    assert opened.data.layout == base.data.layout  # the preset's data instead
    assert len(warnings) == 1 and "data.layout" in warnings[0] and "upload a file" in warnings[0]


def test_a_link_too_large_for_streamlit_is_said_to_be_ignored_and_a_large_one_is_read():
    from urllib.parse import parse_qs

    from streamlit.runtime.state import query_params

    urlstate.note_dropped_links()  # what the app's first run does

    def opened(qs: str):
        return urlstate.config_from_query(parse_qs(query_params.sanitize_query_string(qs), keep_blank_values=True))

    # 1,000 parameters: Streamlit's limit, still read (the repeated seed said once, its last value used)
    _, cfg, _, warnings = opened("&".join(["seed=1"] * 999 + ["seed=7"]))
    assert cfg.seed == 7 and len(warnings) == 1 and "given 1000 times" in warnings[0]
    # 1,001: Streamlit drops the whole link; the page says so, with the link's size
    name, cfg, _, warnings = opened("&".join(["seed=1"] * 1000 + ["seed=7"]))
    assert name == presets.DEFAULT and cfg == presets.get(presets.DEFAULT)
    assert warnings == [f"This link has 1,001 parameters (7,006 characters) and was ignored: Streamlit reads links "
                        f"of at most 1,000 parameters and 512 KiB, so the page opened {presets.DEFAULT!r} instead."]
    # one parameter longer than 512 KiB: dropped too
    _, _, _, warnings = opened("train.lr_d=" + "1" * 524_288)
    assert len(warnings) == 1 and "has 1 parameters (524,299 characters) and was ignored" in warnings[0]


def test_the_page_says_a_link_with_more_than_1000_parameters_was_ignored():
    from streamlit.testing.v1 import AppTest

    from gan_viz.cli.launch import app_path

    urlstate.note_dropped_links()  # a server that has run the app once (its very first link is read before)
    at = AppTest.from_file(str(app_path()), default_timeout=120)
    for i in range(1200):
        at.query_params[f"train.k_d{i}"] = "3"
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(w.value for w in at.warning).replace("\\", "")  # shown with Markdown escaped
    assert "This link has 1,200 parameters" in shown and "was ignored" in shown and "1,000 parameters" in shown
    assert at.session_state.preset == presets.DEFAULT and at.session_state.base_config == presets.get(presets.DEFAULT)
    assert "link_ignored" not in at.query_params  # the address bar gets the scene's own link back


def test_a_link_reads_numbers_only_in_plain_ascii():
    # float() reads "1_000" and fullwidth digits; a link that says them is refused, not clamped from 1000
    _, cfg, _, warnings = urlstate.config_from_query({"data.modes": "1_000", "seed": "\uff17", "train.k_d": "\u0663"})
    assert cfg == presets.get(presets.DEFAULT) and len(warnings) == 3
    assert all(w.startswith("Ignored URL parameter") and "bad value" in w for w in warnings)


def test_a_lecture_link_opens_its_scene_and_malformed_values_are_reported_and_ignored():
    assert urlstate.lecture_from_query({"lecture": "w3l8", "scene": "3"}) == ("w3l8", 3, [])
    assert urlstate.lecture_from_query({"lecture": "w3l8"}) == ("w3l8", 1, [])
    assert urlstate.lecture_from_query({"preset": "grid25"}) == (None, 1, [])
    name, scene, warnings = urlstate.lecture_from_query({"lecture": "../etc/passwd", "scene": "two"})
    assert (name, scene) == (None, 1) and len(warnings) == 2
    assert "'lecture'" in warnings[0] and "'scene'='two'" in warnings[1]
    name, scene, warnings = urlstate.lecture_from_query({"lecture": ["a", "w3l8"], "scene": ["0"]})
    assert (name, scene) == ("w3l8", 1) and "a scene is a number from 1" in warnings[0]
    # the lecture keys are not config keys: the config parser leaves them alone
    _, cfg, _, warnings = urlstate.config_from_query({"lecture": "w3l8", "scene": "2"})
    assert warnings == [] and cfg == presets.get(presets.DEFAULT)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["lecture", "scene", "preset"]),
                       st.text(max_size=80) | st.lists(st.text(max_size=20), max_size=3), max_size=3))
def test_any_lecture_link_gives_a_name_or_none_a_scene_from_1_and_one_line_warnings(params):
    name, scene, warnings = urlstate.lecture_from_query(params)
    assert name is None or (isinstance(name, str) and 1 <= len(name) <= 64 and "/" not in name)
    assert isinstance(scene, int) and scene >= 1
    assert all(isinstance(w, str) and "\n" not in w for w in warnings)
