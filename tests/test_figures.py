"""The unrolled GAN's Figure 1 and the ablation of its standard GAN (gan_viz.lab.figures)."""

import json
import math
import struct

import numpy as np
import pytest

from gan_viz.core import config as config_lib
from gan_viz.lab import experiment, figures
from gan_viz.render.figure_png import figure_png


def test_the_setup_is_the_reference_implementations_with_eight_distinct_modes():
    cfg = figures.SETUP
    d, m, t = cfg.data, cfg.model, cfg.train
    assert (d.layout, d.modes, d.radius, d.std) == ("ring", 8, 2.0, 0.02)
    centres = np.asarray(d.mixture().centres)
    angles = np.sort(np.mod(np.arctan2(centres[:, 1], centres[:, 0]), 2 * math.pi))
    np.testing.assert_allclose(np.diff(angles), 2 * math.pi / 8, atol=1e-5)  # 8 modes, none doubled
    assert (m.latent_dim, m.noise, m.g_depth, m.g_width, m.d_depth, m.d_width, m.activation) == (
        256, "gaussian", 2, 128, 1, 128, "relu")
    assert (m.init, m.init_gain, m.d_input_scale, m.pack) == ("orthogonal", 0.8, 0.25, 1)
    assert (t.loss, t.optimizer, t.lr_d, t.lr_g, t.beta1, t.batch_size) == ("minimax", "adam", 1e-4, 1e-4, 0.5, 512)
    assert t.simultaneous and (t.k_d, t.k_g, t.unroll, t.r1_weight, t.g_ema) == (1, 1, 0, 0.0, 0.0)
    assert t.steps == 40_000  # 20,000 iterations of one D and one G update
    assert figures.snapshot_steps() == [0, 8000, 16000, 24000, 32000, 40000]  # every 4,000 iterations
    assert [v.overrides for v in figures.METHODS] == [(), ("train.unroll=4",)]


@pytest.mark.parametrize("variant", figures.ABLATION[1:], ids=lambda v: v.name)
def test_each_ablation_row_changes_exactly_its_one_setting(variant):
    base, changed = config_lib.flat(figures.config(figures.ABLATION[0])), config_lib.flat(figures.config(variant))
    differ = {k for k in base if base[k] != changed[k]}
    assert differ == {o.split("=")[0] for o in variant.overrides}
    assert len({o.split("=")[0].split(".")[0] + (".init" if "init" in o else o) for o in variant.overrides}) == 1


def test_snapshots_fall_on_whole_iterations_for_any_budget():
    for steps in (10, 999, 4001, 40_000):
        shots = figures.snapshot_steps(steps)
        assert len(shots) == figures.SNAPSHOTS and shots[0] == 0 and all(s % 2 == 0 for s in shots)
        assert shots == sorted(shots) and abs(shots[-1] - steps) <= 1


def test_a_panel_names_the_dominant_mode_of_a_collapsed_generator():
    collapsed = np.full(8, 0.01)
    collapsed[5] = 0.93
    assert figures.panel_label(collapsed, 1) == ("mode 5", 5)
    spread = np.full(8, 1 / 8)
    assert figures.panel_label(spread, 8) == ("8 modes", None)
    assert figures.panel_label(spread, 1) == ("1 mode", None)
    assert figures.panel_label(spread, 0) == ("off the modes", None)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"seeds": 0}, "seeds must be 1-64"),
    ({"steps": 3}, "steps must be 10-10,000,000"),
    ({"first_seed": 2**31 - 1, "seeds": 2}, "reaches seed"),
])
def test_a_bad_request_is_refused_in_one_line_before_training(monkeypatch, kwargs, fragment):
    monkeypatch.setattr(experiment, "train", lambda *a, **k: pytest.fail("trained"))
    with pytest.raises(ValueError, match=fragment) as e:
        figures.unrolled_fig1(**kwargs)
    assert "\n" not in str(e.value)


@pytest.fixture(scope="module")
def short_report():
    return figures.unrolled_fig1(seeds=1, first_seed=3, steps=200, ablation=False)


def test_a_report_has_a_row_of_snapshots_per_method_and_seed(short_report):
    r = short_report
    assert r["figure"] == "unrolled-fig1" and r["seeds"] == [3] and r["steps"] == 200
    assert [run["method"] for run in r["runs"]] == ["standard", "unrolled"]
    for run in r["runs"]:
        assert [s["step"] for s in run["snapshots"]] == r["snapshot_steps"] == [0, 40, 80, 120, 160, 200]
        assert [s["iteration"] for s in run["snapshots"]] == [0, 20, 40, 60, 80, 100]
        for s in run["snapshots"]:
            assert np.asarray(s["fake"]).shape == (figures.SAMPLES_KEPT, 2)
            assert s["label"] == figures.panel_label(np.zeros(8), 0)[0] or s["label"].startswith(("mode", "1 mode")) \
                or s["label"].endswith("modes")
            assert (s["dominant_mode"] is None) == (s["near_mode_distance"] is None)
        assert run["summary"]["steps"] == 200 and not run["summary"]["diverged"]
    # both methods start from the same seed's weights: the same first picture
    np.testing.assert_array_equal(r["runs"][0]["snapshots"][0]["fake"], r["runs"][1]["snapshots"][0]["fake"])
    json.dumps(r, allow_nan=False)
    assert "standard GAN" in figures.format_report(r) and "adrianriv/gans-mode-collapse" in r["source"]


def test_the_figure_is_a_png_with_a_row_per_run_and_the_target_last(short_report):
    from gan_viz.render import figure_png as fp

    png = figure_png(short_report)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == fp.LABEL_W + 7 * (fp.PANEL + fp.GAP)  # 6 snapshots and the target
    assert height == fp.HEADER_H + 2 * (fp.PANEL + fp.TITLE_H + fp.GAP) + fp.GAP


def test_the_ablation_rows_are_the_means_of_their_seeds():
    per_seed = [{"hop_events": 10, "collapsed_share": 0.9, "near_mode_distance": None, "modes_captured": 1,
                 "hq_fraction": 0.0}, {"hop_events": 20, "collapsed_share": 0.7, "near_mode_distance": 4.0,
                                      "modes_captured": 3, "hq_fraction": 0.1}]
    row = figures.ablation_row(figures.ABLATION[1], per_seed)
    assert row["hop_events_mean"] == 15 and row["collapsed_share_mean"] == pytest.approx(0.8)
    assert row["near_mode_distance_mean"] == 4.0 and row["modes_captured_mean"] == 2
    assert row["name"] == "alternating" and row["per_seed"] == per_seed


@pytest.mark.slow  # four runs of the paper's 40,000 steps
def test_the_standard_gan_collapses_and_hops_all_along_and_tanh_alone_stops_it():
    # The README's figure (seeds 0-2): the standard GAN hops 336-356 times, collapsed at 98-100 % of
    # evaluations, 0-1 modes at the end; the ablation's tanh row 0-3 hops, collapsed at 0-4 %. Seeds 5-6 here.
    tanh = next(v for v in figures.ABLATION if v.name == "tanh")
    for seed in (5, 6):
        s = experiment.train(figures.config(figures.METHODS[0], seed)).summary
        assert s["hop_events"] >= 100 and s["collapsed_share"] >= 0.9 and s["modes_captured"] <= 2, s
        t = experiment.train(figures.config(tanh, seed)).summary
        assert t["hop_events"] <= 20 and t["collapsed_share"] <= 0.2, t
