from dataclasses import replace

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
        {"preset": "nope", "train.lr_d": "fast", "train.k_g": "-3", "zzz": "1", "seed": "5"})
    assert cfg == replace(presets.get(presets.DEFAULT), seed=5)
    assert len(warnings) == 4
    assert any("Unknown preset" in w for w in warnings) and any("train.k_g" in w for w in warnings)
