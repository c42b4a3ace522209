"""The app's logic through Streamlit's AppTest (no browser): presets, buttons, live sliders, URLs."""


import time
from dataclasses import replace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gan_viz.cli.launch import app_path
from gan_viz.lab import presets
from gan_viz.ui import controls

APP = str(app_path())


def start(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_default_preset_loads_and_shows_the_status_line():
    at = start()
    run = at.session_state["run"]
    assert run.config.train.k_g == 40  # ring8-hopping
    assert any("status-line" in m.value for m in at.markdown)
    assert not at.error


def test_step_buttons_advance_the_state():
    at = start()
    run = at.session_state["run"]
    k = run.config.train.k_d + run.config.train.k_g
    button(at, "step").click().run()
    assert at.session_state["run"].step == k
    button(at, "step_d").click().run()
    assert int(at.session_state["run"].state.d_updates) == run.config.train.k_d + 1
    button(at, "step_g").click().run()
    assert at.session_state["run"].step == k + 2


def test_learning_rate_slider_applies_live_without_reset_or_recompile():
    at = start()
    button(at, "step").click().run()
    run = at.session_state["run"]
    compiles = run.gan.compiles
    at.select_slider(key=controls.widget_key("train.lr_d")).set_value(1e-4).run()
    at.slider(key=controls.widget_key("train.k_g")).set_value(5).run()
    button(at, "step").click().run()
    after = at.session_state["run"]
    assert after is run  # same run: nothing was reset
    assert float(after.hyper.lr_d) == pytest.approx(1e-4)
    assert int(after.hyper.k_g) == 5
    first_round = run.config.train.k_d + presets.get(presets.DEFAULT).train.k_g
    assert after.step == first_round + after.config.train.k_d + 5
    assert after.gan.compiles == compiles
    assert at.query_params["train.lr_d"] == "0.0001"


def test_the_unrolled_gan_compiles_a_new_loss_once_and_keeps_its_run():
    # the unrolled GAN's training call compiles its loss in: a new loss compiles once (under a
    # spinner) and the run goes on; the plain GAN's loss stays a run-time array
    at = start({"train.unroll": "1"})
    button(at, "step").click().run()
    run = at.session_state["run"]
    compiles, step = run.gan.compiles, run.step
    assert run.gan.unroll == 1 and not run.gan.compiles_loss(run.config.train.loss)
    at.selectbox(key=controls.widget_key("train.loss")).set_value("least_squares").run()
    assert not at.exception, at.exception
    button(at, "step").click().run()
    after = at.session_state["run"]
    assert after is run and after.step > step and after.config.train.loss == "least_squares"
    assert after.gan.compiles == compiles + 1 and not after.gan.compiles_loss("least_squares")


def test_changing_network_shape_resets_the_run():
    at = start()
    button(at, "step").click().run()
    built(at.select_slider(key=controls.widget_key("model.g_width")).set_value(64).run())
    assert at.session_state["run"].step == 0
    assert at.session_state["run"].config.model.g_width == 64


def test_preset_picker_loads_a_preset():
    at = start()
    built(at.selectbox(key="preset_select").set_value("grid25").run())
    run = at.session_state["run"]
    assert run.config.data.layout == "grid" and run.mixture.num_modes == 25
    assert at.query_params["preset"] == "grid25"


def test_url_reproduces_a_scene_and_bad_parameters_warn():
    at = start({"preset": "ring8-healthy", "train.lr_g": "0.0003", "seed": "7",
                "train.k_d": "banana", "data.std": "-1", "nonsense": "1"})
    cfg = at.session_state["run"].config
    assert cfg.train.lr_g == pytest.approx(3e-4) and cfg.seed == 7
    assert cfg.train.k_d == 1  # malformed: fell back to the preset
    assert cfg.data.std == pytest.approx(0.001)  # out of range: clamped to the nearest bound, with a warning
    text = " ".join(w.value for w in at.warning).replace("\\", "")  # shown with Markdown escaped
    assert "train.k_d" in text and "data.std" in text and "nonsense" in text
    assert not at.exception


def test_unknown_preset_in_url_warns_and_falls_back():
    at = start({"preset": "does-not-exist"})
    assert any("Unknown preset" in w.value for w in at.warning)
    assert at.session_state["preset"] == "ring8-hopping"


def test_divergence_pauses_with_a_message_and_keeps_the_state():
    at = start({"preset": "ring8-healthy", "train.optimizer": "sgd", "train.loss": "least_squares",
                "train.lr_d": "1", "train.lr_g": "1"})
    for _ in range(3):
        button(at, "step").click().run()
    for _ in range(40):
        if at.session_state["run"].diverged:
            break
        at.session_state["run"].advance(50)
        at.run()
    run = at.session_state["run"]
    assert run.diverged
    assert any("diverged" in e.value for e in at.error)
    assert not at.exception
    button(at, "reset").click().run()
    assert not at.session_state["run"].diverged and at.session_state["run"].step == 0


def test_freeze_d_holds_the_discriminator():
    at = start()
    at.toggle(key="freeze_d").set_value(True).run()
    before = at.session_state["run"].state.d_updates
    button(at, "step").click().run()
    run = at.session_state["run"]
    assert int(run.state.d_updates) == int(before)
    assert int(run.state.g_updates) == run.config.train.k_g


def open_tab(at: AppTest, label: str) -> AppTest:
    at.session_state["tab"] = label  # what clicking the tab does (lazy tabs: only the open one runs)
    at.run()
    assert not at.exception, at.exception
    return at


def test_only_the_open_tab_runs_besides_live():
    at = start()
    assert any("status-line" in m.value for m in at.markdown)
    assert not any("theory-step" in m.value for m in at.markdown)
    assert "sb" not in at.session_state
    open_tab(at, "Theory")
    assert any("theory-step" in m.value for m in at.markdown)
    assert any("status-line" in m.value for m in at.markdown)  # Live still runs (and trains while playing)


def widgets_without_callback(at: AppTest) -> list[str]:
    meta = at.session_state._state._state._new_widget_state.widget_metadata  # AppTest has no public view
    return sorted(wid.split("-")[-1] for wid, m in meta.items() if m.callback is None and not m.callbacks)


@pytest.mark.parametrize("tab", ["Live training", "Counter-example (lecture)", "Theory", "Collapse map", "Compare",
                                 "Reproduce"])
def test_every_widget_outside_the_live_fragment_acts_through_a_callback(tab):
    # a click that lands while the live plot asks for its next frame reaches the server as a
    # fragment rerun: only callbacks run then (gan_viz.ui.rerun)
    at = open_tab(start(), tab)
    # inside the live fragment, while paused: the downloads, which never rerun anything
    # (on_click="ignore"); the plot component has one (a click while editing the data)
    assert widgets_without_callback(at) == ["dl_csv", "dl_json", "dl_png"]


def test_counterexample_tab_goes_one_phase_at_a_time():
    at = open_tab(start(), "Counter-example (lecture)")
    button(at, "sb_train").click().run()
    sb = at.session_state["sb"]
    assert len(sb.records) == 1 and sb.next_phase == "move_generator"
    button(at, "sb_move").click().run()
    rec = at.session_state["sb"].records[0]
    assert rec.complete and rec.frozen_d_on_moved >= 0.9 and rec.jsd >= 0.3
    assert not at.exception
    assert any(b.proto.label == "Storyboard (HTML)" for b in at.get("download_button"))


def test_custom_centres_layout_builds_a_mixture_from_the_table():
    at = start()
    built(at.selectbox(key=controls.widget_key("data.layout")).set_value("custom").run())
    assert not at.exception
    run = at.session_state["run"]
    assert run.config.data.layout == "custom" and run.mixture.num_modes == 2
    assert at.query_params["data.layout"] == "custom"


def test_links_at_the_edges_of_the_bounds_open_with_every_value_shown_as_given():
    # each of these once killed the page (a widget's max below the config's) or was snapped
    q = {"preset": "ring8-healthy", "train.k_d": "80", "data.modes": "64", "model.g_depth": "8",
         "model.g_width": "1000", "train.lr_g": "0.0007", "train.batch_size": "100", "model.latent_dim": "3",
         "train.r1_weight": "1000", "data.radius": "100", "seed": ["1", "2"]}
    at = start(q)
    cfg = at.session_state["run"].config
    assert (cfg.train.k_d, cfg.data.modes, cfg.model.g_depth, cfg.model.g_width) == (80, 64, 8, 1000)
    assert (cfg.train.lr_g, cfg.train.batch_size, cfg.model.latent_dim, cfg.train.r1_weight) == (7e-4, 100, 3, 1000)
    assert cfg.data.radius == 50.0 and cfg.seed == 2
    assert at.select_slider(key=controls.widget_key("train.lr_g")).value == 7e-4
    assert at.slider(key=controls.widget_key("train.k_d")).value == 80
    text = " ".join(w.value for w in at.warning)
    assert "outside \\[0\\.1\\, 50\\]" in text and "given 2 times" in text


def test_grid_link_at_its_maximum_and_markdown_in_a_link_stays_text():
    at = start({"data.layout": "grid", "data.grid_n": "8",
                "train.lr_d": "[CLICK HERE](https://example.com/phish)", "![x](https://example.com/x.png)": "1"})
    assert at.session_state["run"].config.data.grid_n == 8
    assert at.slider(key=controls.widget_key("data.grid_n")).value == 8
    shown = [w.value for w in at.warning]
    assert len(shown) == 2 and all("](" not in w and "://" not in w for w in shown)


def test_a_cleared_cell_in_the_centres_table_is_reported_not_dropped():
    from gan_viz.lab import presets

    cfg = presets.get("ring8-healthy")
    with pytest.raises(ValueError, match="row 2 of the centres table has no y"):
        controls.with_custom_centres(cfg, [{"x": 1, "y": 1, "weight": 1}, {"x": 2, "y": None, "weight": 1}])
    with pytest.raises(ValueError, match="row 1 of the centres table: weight must be >= 0"):
        controls.with_custom_centres(cfg, [{"x": 1, "y": 1, "weight": -1}, {"x": 2, "y": 2, "weight": -2}])
    with pytest.raises(ValueError, match=r"centre 1 \(1e\+30, 0\)"):
        controls.with_custom_centres(cfg, [{"x": 1e30, "y": 0, "weight": 1}, {"x": 0, "y": 1, "weight": 1}])
    ok = controls.with_custom_centres(cfg, [{"x": 1, "y": 1, "weight": 2}, {"x": 0, "y": 1, "weight": 1}])
    assert ok.data.centres == ((1.0, 1.0), (0.0, 1.0)) and ok.data.weights == (2.0, 1.0)


def pace_slider(at: AppTest):
    return at.select_slider(key=controls.widget_key("view.pace"))


def test_pace_control_is_ordered_defaults_to_the_preset_and_resets_with_it():
    at = start()
    slider = pace_slider(at)
    assert slider.value == presets.get("ring8-hopping").view.pace
    assert list(slider.options) == sorted(slider.options, key=lambda o: float("inf") if o == "max" else
                                          float(o.replace(",", "")))  # ordered, "max" last
    assert "steps/s" in slider.label
    slider.set_value(200.0).run()
    assert at.session_state["run"].config.view.pace == 200.0
    assert at.query_params["view.pace"] == "200"  # the pace travels in the link
    at.selectbox(key="preset_select").set_value("grid25").run()
    assert pace_slider(at).value == presets.get("grid25").view.pace
    assert at.session_state["run"].config.view.pace == presets.get("grid25").view.pace


def test_pace_from_a_link():
    at = start({"view.pace": "50"})
    assert pace_slider(at).value == 50.0 and at.session_state["run"].config.view.pace == 50.0


def test_step_toggle_and_reset_while_paused_send_a_new_picture():
    at = start()
    ids = [at.session_state["player"].draw_id]
    button(at, "step").click().run()
    ids.append(at.session_state["player"].draw_id)
    button(at, "step_d").click().run()
    ids.append(at.session_state["player"].draw_id)
    at.toggle(key="view.arrows").set_value(True).run()
    ids.append(at.session_state["player"].draw_id)
    button(at, "reset").click().run()
    ids.append(at.session_state["player"].draw_id)
    assert ids == sorted(set(ids)) and len(ids) == 5  # each action: a new frame id, so a redraw
    at.run()
    assert at.session_state["player"].draw_id == ids[-1]  # nothing changed: nothing redrawn


def test_theory_tab_is_labelled_with_the_live_step():
    at = open_tab(start(), "Theory")
    for _ in range(2):
        button(at, "step").click().run()
    step = at.session_state["run"].step
    label = next(m.value for m in at.markdown if "theory-step" in m.value)
    assert f">{step:,}</span>" in label and "as of step" in label


def test_watch_line_names_what_to_do():
    at = start({"preset": "counterexample"})
    line = next(m.value for m in at.markdown if "watch-line" in m.value)
    assert "Freeze D" in line and "Play" in line


def test_dead_discriminator_warns_without_stopping_the_run():
    at = start({"train.lr_d": "1"})
    for _ in range(3):
        button(at, "step").click().run()
    assert any("discriminator looks dead" in w.value for w in at.warning)
    assert not at.session_state["run"].diverged and not at.error


def test_collapse_map_refuses_seeds_past_the_range_before_training():
    at = open_tab(start({"seed": "2147483647"}), "Collapse map")
    at.number_input(key="map_seeds").set_value(2)
    button(at, "map_compute").click().run()
    assert any("Map not computed" in e.value and "reaches seed 2147483648" in e.value for e in at.error)
    assert not at.exception


def test_collapse_map_computes_reports_bad_values_and_loads_a_cell():
    at = open_tab(start(), "Collapse map")
    assert any("Press **Compute map**" in m.value for m in at.info)
    at.text_input(key="map_xv").set_value("1e-3:1e-2:9").run()
    button(at, "map_compute").click().run()
    assert any("Map not computed" in e.value and "followed by log or lin" in e.value for e in at.error)
    assert not at.exception
    at.text_input(key="map_xv").set_value("1e-3, 3e-3")
    at.text_input(key="map_yv").set_value("1e-3")
    at.number_input(key="map_seeds").set_value(2)
    at.number_input(key="map_steps").set_value(120)
    settle(button(at, "map_compute").click().run())
    assert not at.exception and not at.error
    assert at.session_state["map_request"]
    assert any("4 runs (2 seeds x 2 cells)" in c.value for c in at.caption)
    at.selectbox(key="map_pick_x").set_value(1)  # the second x value, 3e-3
    at.number_input(key="map_seed").set_value(7)
    button(at, "map_load").click().run()
    assert not at.exception
    assert at.session_state["tab"] == "Live training"
    run = at.session_state["run"]
    assert run.config.train.lr_d == pytest.approx(3e-3) and run.config.seed == 7
    assert at.session_state["playing"] is False
    assert at.session_state[controls.widget_key("train.lr_d")] == pytest.approx(3e-3)


def test_reproduce_computes_the_table_keeps_it_and_refuses_no_methods(monkeypatch):
    at = open_tab(start(), "Reproduce")
    assert any("Press **Compute table**" in m.value for m in at.info)
    at.multiselect(key="rep_methods").set_value([]).run()
    button(at, "rep_compute").click().run()
    assert any("choose at least one method" in e.value for e in at.error) and not at.exception
    at.selectbox(key="rep_dataset").set_value("grid25").run()
    assert at.multiselect(key="rep_methods").value[:3] == ["gan", "unrolled", "pacgan"]  # the grid's methods
    at.multiselect(key="rep_methods").set_value(["gan", "pacgan"])
    at.number_input(key="rep_seeds").set_value(2)
    at.number_input(key="rep_steps").set_value(100)
    settle(button(at, "rep_compute").click().run())
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table["Method"]) == ["GAN", "PacGAN4 (D judges 4 samples at once)"]
    assert list(table["PacGAN: modes / HQ / rKL"]) == ["17.3 / 94.8 % / 0.70", "24.8 / 93.6 % / 0.04"]
    assert list(table["VEEGAN: modes / HQ"]) == ["3.3 / 0.5 %", "-"]
    assert any("**grid25**, 2 seeds, 100 steps each" in m.value for m in at.markdown)
    assert at.session_state["playing"] is False
    again = open_tab(start(), "Reproduce")  # another session: the table is kept per process, not retrained
    monkeypatch.setattr("gan_viz.lab.reproduce.reproduce_iter", lambda *a, **k: pytest.fail("retrained"))
    again.selectbox(key="rep_dataset").set_value("grid25").run()
    again.multiselect(key="rep_methods").set_value(["gan", "pacgan"])
    again.number_input(key="rep_seeds").set_value(2)
    again.number_input(key="rep_steps").set_value(100)
    button(again, "rep_compute").click().run()
    assert again.dataframe[0].value.equals(table)


def test_downloads_while_paused_hold_the_history_and_the_main_view():
    at = start()
    button(at, "step").click().run()
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert set(buttons) == {"History (CSV)", "History (JSON)", "Main view (PNG)"}
    assert buttons["History (CSV)"].proto.url  # served by Streamlit's media file manager
    run = at.session_state["run"]
    rows = run.history.rows()
    assert rows[-1]["step"] == run.step


def test_a_click_on_empty_ground_adds_a_mode_and_a_click_on_a_mode_removes_it():
    cfg = presets.get("ring8-hopping")
    box = (-4.0, 4.0, -4.0, 4.0)
    added, message = controls.edit_at(cfg, 0.0, 0.5, box)
    assert added.data.layout == "custom" and len(added.data.centres) == 9
    assert added.data.centres[-1] == (0.0, 0.5) and added.data.weights[-1] == 1.0 and "Added" in message
    assert added.data.mixture().num_modes == 9 and added.data.std == cfg.data.std
    # within 3 std (0.84) of the ring's first mode at (2, 0): that mode goes, the rest stay
    removed, message = controls.edit_at(added, 2.5, 0.3, box)
    assert len(removed.data.centres) == 8 and (2.0, 0.0) not in removed.data.centres and "Removed" in message
    assert (0.0, 0.5) in removed.data.centres
    one = controls.with_custom_centres(replace(cfg, data=replace(cfg.data, layout="custom")),
                                       [{"x": 1.0, "y": 1.0, "weight": 1.0}])
    with pytest.raises(ValueError, match="at least one mode"):
        controls.edit_at(one, 1.0, 1.1, box)
    with pytest.raises(ValueError, match="must have both coordinates"):
        controls.edit_at(one, 70.0, 0.0, (60.0, 80.0, -10.0, 10.0))


def _csv(points) -> bytes:
    return ("x,y\n" + "".join(f"{a:.4f},{b:.4f}\n" for a, b in points)).encode()


def test_an_uploaded_csv_becomes_the_real_data_and_a_bad_one_changes_nothing():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [2.0, 2.0], [-2.0, 2.0]])
    pts = centres[rng.integers(3, size=600)] + 0.15 * rng.normal(size=(600, 2))
    at = start()
    at.file_uploader(key="upload").set_value(("three.csv", _csv(pts), "text/csv")).run()
    assert any("Training on 600 points from three" in s.value for s in at.success)  # said once, at once
    built(at)
    assert not at.exception, at.exception
    run = at.session_state["run"]
    assert run.config.data.layout == "samples" and len(run.config.data.samples) == 600
    assert run.mixture.num_modes == 3 and run.mixture.points.shape == (600, 2)
    real = {tuple(np.round(p, 4)) for p in np.asarray(run.real).tolist()}
    assert real <= {tuple(np.round(p, 4)) for p in pts.tolist()}  # the real samples are the file's points
    assert at.query_params["data.layout"] == "samples" and "data.samples" not in at.query_params
    assert any("watch-line" in m.value and "data here have been changed" in m.value for m in at.markdown)
    button(at, "step").click().run()
    assert at.session_state["run"].step > 0 and not at.exception

    at.file_uploader(key="upload").set_value(("bad.csv", b"x,y\n1,2\n3,banana\n", "text/csv")).run()
    assert not at.exception
    assert any("line 3" in e.value for e in at.error)
    assert at.session_state["run"].config.data.samples == run.config.data.samples  # nothing lost
    for tab in ("Theory", "Collapse map"):  # the other views take the uploaded data too
        open_tab(at, tab)
        assert not at.exception, (tab, at.exception)
    open_tab(at, "Compare")  # and both runs of a comparison
    at.selectbox(key="compare_remedy").set_value("R1 penalty (gamma 1)").run()
    settle(button(at, "compare_start").click().run())
    button(at, "compare_play").click().run()
    at.run()
    assert not at.exception, at.exception
    c = at.session_state["compare"]
    assert all(r.mixture.points.shape == (600, 2) and r.step > 0 for r in c.runs)


def _npy(a) -> bytes:
    import io

    out = io.BytesIO()
    np.save(out, a)
    return out.getvalue()


@pytest.mark.parametrize("name, content, fragment", [
    ("one.csv", b"1,2\n", "holds 1 point"),
    ("far.csv", b"0,0\n1e6,0\n", "every coordinate must be in"),
    ("garbage.csv", bytes(range(256)) * 10, "is not a text CSV file"),
    ("big.csv", b"0.5,0.5\n" * 10_001, "at most 10,000"),
    ("three.npy", _npy(np.zeros((10, 3))), "must have shape (n, 2)"),
])
def test_a_hostile_upload_is_reported_in_one_message_and_the_data_stay(name, content, fragment):
    at = start()
    before = at.session_state["run"].config.data
    at.file_uploader(key="upload").set_value((name, content, "application/octet-stream")).run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and fragment in errors[0], errors
    assert at.session_state["run"].config.data == before


def test_remedies_from_the_sidebar_wgan_gp_live_pacgan_and_unrolled_reset():
    at = start()
    button(at, "step").click().run()
    run = at.session_state["run"]
    at.selectbox(key=controls.widget_key("train.loss")).set_value("wasserstein").run()
    at.number_input(key=controls.widget_key("train.gp_weight")).set_value(10.0).run()
    button(at, "step").click().run()
    assert at.session_state["run"] is run  # live: no reset
    assert int(run.hyper.loss) == 3 and float(run.hyper.gp_weight) == 10.0
    assert any("critic" in m.value for m in at.markdown)  # the legend says what the colours mean now
    built(at.slider(key=controls.widget_key("model.pack")).set_value(2).run())
    assert not at.exception
    packed = at.session_state["run"]
    assert packed is not run and packed.gan.pack == 2 and at.query_params["model.pack"] == "2"
    built(at.number_input(key=controls.widget_key("train.unroll")).set_value(3).run())
    button(at, "step").click().run()
    assert not at.exception
    unrolled = at.session_state["run"]
    assert unrolled.gan.unroll == 3 and unrolled.step > 0 and not unrolled.diverged


def test_compare_runs_the_sidebar_run_and_a_remedy_from_the_same_start_in_lockstep():
    import jax

    at = open_tab(start({"preset": "ring8-healthy"}), "Compare")
    at.selectbox(key="compare_remedy").set_value("PacGAN (D judges 2 samples at once)").run()
    settle(button(at, "compare_start").click().run())
    assert not at.exception
    # the compare plot asks for frames from inside its fragment, like the live one; nothing else lacks a callback
    assert widgets_without_callback(at) == ["compare_plot", "dl_csv", "dl_json", "dl_png"]
    c = at.session_state["compare"]
    left, right = c.runs
    assert right.gan.pack == 2 and left.gan.pack == 1 and left.config.seed == right.config.seed
    for a, b in zip(jax.tree_util.tree_leaves(left.state.g_params), jax.tree_util.tree_leaves(right.state.g_params)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))  # the same generator to start with
    button(at, "compare_play").click().run()
    for _ in range(3):
        at.run()
    assert not at.exception and c.player.frames >= 3
    # lockstep: both at the shared target, rounded up to a whole round (2 steps for both here)
    assert left.step == right.step and 0 <= left.step - c.target < left.round_steps and c.target > 0
    assert at.session_state["playing"] is False  # the live run waits meanwhile
    assert any("compare-right" in m.value and "PacGAN" in m.value for m in at.markdown)


def test_compare_pauses_when_both_runs_diverge_and_says_why():
    at = open_tab(start({"preset": "ring8-healthy", "train.optimizer": "sgd", "train.loss": "least_squares",
                         "train.lr_d": "1", "train.lr_g": "1"}), "Compare")
    at.selectbox(key="compare_remedy").set_value("R1 penalty (gamma 1)").run()
    settle(button(at, "compare_start").click().run())
    button(at, "compare_play").click().run()
    c = at.session_state["compare"]
    for _ in range(40):
        if all(r.diverged for r in c.runs):
            break
        for r in c.runs:
            r.advance(50)
        at.run()
    at.run()
    assert not at.exception and all(r.diverged for r in c.runs)
    assert not c.playing and button(at, "compare_play").label == "Play"
    assert sum("diverged" in e.value for e in at.error) == 2


def test_compare_explains_a_critic_beside_the_plot_it_colours():
    at = open_tab(start({"preset": "ring8-healthy"}), "Compare")
    at.selectbox(key="compare_remedy").set_value("WGAN-GP (critic, lambda 0.1, k_D 5)").run()
    settle(button(at, "compare_start").click().run())
    assert not at.exception
    # one note, for the right-hand run only: the left one's D is a probability (the page's legend)
    assert sum("critic's score f(x)" in c.value for c in at.caption) == 1


def test_prepare_replay_retrains_this_run_and_offers_its_html():
    at = start()
    assert button(at, "replay_prepare").disabled  # step 0: nothing to replay
    for _ in range(2):
        button(at, "step").click().run()
    button(at, "replay_prepare").click().run()
    assert not at.exception
    downloads = {b.proto.label: b for b in at.get("download_button")}
    assert "Run as HTML" in downloads and downloads["Run as HTML"].proto.url
    run = at.session_state["run"]
    (config, step), page = at.session_state["replay_html"]
    assert step == run.step == 86 and config.seed == run.config.seed
    text = page.decode()
    assert "data-frames='3'" in text and "ring8-hopping, seed 0, steps 0 to 86" in text  # steps 0, 43, 86
    f = run.frame  # the last frame is the live run's state: the same run
    last = (f'"step": 86, "status": "step <b>86<\\/b> &middot; modes captured <b>{int(f.modes.modes_captured)} / 8'
            f'<\\/b> &middot; {100 * float(f.modes.hq_fraction):.0f} % high quality &middot; '
            f'JSD {float(f.jsd):.3f} nats"')
    assert last in text, last
    assert widgets_without_callback(at) == ["dl_csv", "dl_json", "dl_png", "dl_replay"]
    button(at, "step").click().run()  # a new step: the file is of an older one, so it is prepared anew
    assert not any(b.proto.label == "Run as HTML" for b in at.get("download_button"))
    assert not button(at, "replay_prepare").disabled
    assert not any("replay re-trains" in c.value for c in at.caption)
    button(at, "step_d").click().run()
    assert any("replay re-trains the current settings" in c.value for c in at.caption)


def test_compare_holds_the_sidebar_pace(monkeypatch):
    # ring8-hopping: 43-step rounds at 55 steps/s, a round about every 0.8 s; Compare once trained a
    # round a frame, as fast as frames came (hundreds of steps/s: hops too fast to watch)
    from types import SimpleNamespace

    from gan_viz.ui.pages import compare

    at = open_tab(start(), "Compare")
    at.selectbox(key="compare_remedy").set_value("PacGAN (D judges 2 samples at once)").run()
    settle(button(at, "compare_start").click().run())
    c = at.session_state["compare"]
    # the browser asks for a frame about every 0.1 s: Compare's clock runs 0.1 s further ahead after
    # each rerun instead of the test sleeping (real time passes too: training and drawing cost it)
    ahead = [0.0]
    monkeypatch.setattr(compare, "time", SimpleNamespace(perf_counter=lambda: time.perf_counter() + ahead[0],
                                                         monotonic=lambda: time.monotonic() + ahead[0]))
    button(at, "compare_play").click().run()
    t0 = compare.time.perf_counter()
    for _ in range(12):
        at.run()
        ahead[0] += 0.1
    elapsed = compare.time.perf_counter() - t0
    assert not at.exception and c.runs[0].round_steps == 43 and c.target > 0
    # the pace, plus the first frame and a batch owed by a slow rerun (at most two rounds)
    assert c.target <= 55 * elapsed + 2 * 43 + 43
    assert c.runs[0].step == c.runs[1].step == c.target
    # below a round a frame, frames split rounds (as in the live view): more pictures than rounds,
    # the two runs' pictures paired one to one
    assert c.player.frames > c.target // 43


# --- Whole-number map axes, work kept across tab switches, an unusable cache folder -----------------


@pytest.mark.parametrize("cache_dir", ["under a file", "/proc"])
def test_an_unusable_cache_folder_is_said_once_and_training_goes_on(cache_dir, tmp_path, monkeypatch):
    # it replaced the live plot with FileNotFoundError (the plot's assets are cached there too)
    import gan_viz.ui.live_plot as lp

    if cache_dir == "under a file":
        (tmp_path / "file").write_text("not a folder")
        cache_dir = str(tmp_path / "file" / "sub")
    monkeypatch.setenv("GAN_VIZ_CACHE_DIR", cache_dir)
    monkeypatch.setattr(lp, "_component", None)  # declared afresh, in this folder
    at = start()
    notes = [w.value for w in at.warning if "compilation cache off" in w.value]
    assert len(notes) == 1 and "afresh" in notes[0]
    button(at, "step").click().run()
    assert not at.exception and at.session_state["run"].step > 0
    assert not any("compilation cache" in w.value for w in at.warning)  # said once


def settle(at: AppTest) -> AppTest:
    """Waits for the work a run left in the background (a map, Compare's start), then reruns the
    app: what the page's timed fragment asks for in a browser once the work is done."""
    from gan_viz.ui import jobs

    for job in list(jobs._RUNNING):
        assert job.wait(300), "background work still running after 300 s"
    at.run()
    assert not at.exception, at.exception
    return at


def compute_map(at: AppTest, x: str, xv: str, y: str, yv: str, steps: int = 20, seeds: int = 1) -> AppTest:
    at.selectbox(key="map_x").set_value(x)
    at.text_input(key="map_xv").set_value(xv)
    at.selectbox(key="map_y").set_value(y)
    at.text_input(key="map_yv").set_value(yv)
    at.number_input(key="map_seeds").set_value(seeds)
    at.number_input(key="map_steps").set_value(steps)
    return button(at, "map_compute").click().run()


def test_collapse_map_takes_whole_number_and_true_false_axes_single_values_and_no_y():
    # k_g = 10, 40 crashed after the heatmap drew ("bad argument type for built-in operation": a
    # selectbox shows only strings) and again on every return to the tab
    at = settle(compute_map(open_tab(start(), "Collapse map"), "k_g", "10,40", "lr_g", "1e-3,1e-2"))
    assert any("4 runs (1 seeds x 4 cells)" in c.value for c in at.caption)
    pick_x, pick_y = at.selectbox(key="map_pick_x"), at.selectbox(key="map_pick_y")
    assert pick_x.options == ["10", "40"] and pick_y.options == ["0.001", "0.01"]
    open_tab(open_tab(at, "Live training"), "Collapse map")  # the map is drawn again on return
    at.selectbox(key="map_pick_x").set_value(1)
    at.selectbox(key="map_pick_y").set_value(1)
    button(at, "map_load").click().run()
    assert not at.exception and at.session_state["tab"] == "Live training"
    train = at.session_state["run"].config.train
    assert train.k_g == 40 and train.lr_g == pytest.approx(1e-2)
    # one value on x, true/false on y; then no y values at all: a one-row map
    at = settle(compute_map(open_tab(at, "Collapse map"), "k_d", "2", "simultaneous", "true, false"))
    assert at.selectbox(key="map_pick_x").options == ["2"]
    assert at.selectbox(key="map_pick_y").options == ["True", "False"]
    at = settle(compute_map(at, "k_d", "1,4", "lr_d", " "))
    assert any("2 runs (1 seeds x 2 cells)" in c.value for c in at.caption)
    assert [s.key for s in at.selectbox if s.key and s.key.startswith("map_pick")] == ["map_pick_x"]
    at.selectbox(key="map_pick_x").set_value(1)
    button(at, "map_load").click().run()
    assert not at.exception and at.session_state["run"].config.train.k_d == 4


def test_a_map_keeps_computing_on_another_tab_and_stop_says_what_to_press():
    at = compute_map(open_tab(start(), "Collapse map"), "k_g", "5,6", "lr_g", "1e-3")
    assert at.get("progress") and at.button(key="map_compute").disabled  # progress, one map at a time
    open_tab(at, "Live training")  # switching tabs dropped the map before; it goes on now
    open_tab(settle(at), "Collapse map")
    assert any("2 runs (1 seeds x 2 cells)" in c.value for c in at.caption) and not at.get("progress")
    # and the boxes show what was typed (Streamlit forgets the widgets a closed tab does not draw)
    assert (at.selectbox(key="map_x").value, at.text_input(key="map_xv").value) == ("k_g", "5,6")
    assert (at.number_input(key="map_seeds").value, at.number_input(key="map_steps").value) == (1, 20)
    # a long map, stopped: it says so and what to press, and Compute map starts it again
    at = compute_map(at, "k_g", "5,7", "lr_g", "1e-3", steps=100_000)
    button(at, "map_stop").click().run()
    at = settle(at)
    assert any("Map stopped after" in w.value and "Compute map" in w.value for w in at.warning)
    button(at, "map_compute").click().run()
    assert at.get("progress") and not at.warning
    button(at, "map_stop").click().run()
    settle(at)


def test_a_map_too_large_is_refused_in_one_line():
    # 64 x 64 cells x 2 seeds: more than the 4096 runs a map may have
    at = settle(compute_map(open_tab(start(), "Collapse map"), "lr_d", "1e-4:1e-2:64log", "lr_g", "1e-4:1e-2:64log",
                            seeds=2))
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "Map not computed" in errors[0] and "4096" in errors[0] and "\n" not in errors[0]


def test_compare_start_finishes_while_another_tab_is_open():
    # Start, then Live within a second, lost the comparison
    at = open_tab(start(), "Compare")
    at.selectbox(key="compare_remedy").set_value("R1 penalty (gamma 1)").run()
    button(at, "compare_start").click().run()
    assert any("goes on if you switch tabs" in i.value for i in at.info)
    assert at.button(key="compare_start").disabled
    open_tab(at, "Live training")
    open_tab(settle(at), "Compare")
    c = at.session_state["compare"]
    assert c.remedy == "R1 penalty (gamma 1)" == at.selectbox(key="compare_remedy").value and c.runs[0].step == 0
    assert button(at, "compare_play").label == "Play" and not at.button(key="compare_start").disabled


def test_any_typed_map_axes_are_refused_in_one_line_or_labelled_in_text():
    # whatever the boxes hold: refused in one line ("Map not computed: ..."), never another
    # exception, or a cell per value pair, every value with a text label (the pick boxes show labels)
    from types import SimpleNamespace

    from hypothesis import given, settings
    from hypothesis import strategies as hs

    from gan_viz.lab import sweep
    from gan_viz.ui.pages import collapse_map

    cfg = presets.get(presets.DEFAULT)
    words = ["true", "false", "minimax", "least_squares", "1e-3", "1e400", "", " 3 ", "0x10"]
    value = hs.one_of(hs.integers(-3, 10**6).map(str), hs.floats(allow_nan=True).map(repr), hs.sampled_from(words))
    values = hs.one_of(hs.lists(value, min_size=0, max_size=5).map(",".join), hs.text(max_size=20),
                       hs.tuples(value, value, hs.integers(0, 9), hs.sampled_from(["log", "lin", ""]))
                       .map(lambda t: f"{t[0]}:{t[1]}:{t[2]}{t[3]}"))

    @settings(max_examples=150, deadline=None)
    @given(hs.sampled_from(sweep.KEYS), values, hs.sampled_from(sweep.KEYS), values)
    def check(x, xv, y, yv):
        try:
            ax, ay = collapse_map._axes(SimpleNamespace(map_x=x, map_xv=xv, map_y=y, map_yv=yv))
            ax, ay, cells = sweep.cell_configs(cfg, ax, ay)
        except ValueError as e:
            assert str(e) and "\n" not in str(e)
            return
        for axis in (ax, ay) if ay is not None else (ax,):
            assert all(isinstance(axis.label(i), str) for i in range(len(axis.values)))
        assert len(cells) == len(ax.values) * (len(ay.values) if ay is not None else 1)

    check()


# -- New shapes compile in the background: the page stays live --------------------------------

import threading  # noqa: E402


def built(at: AppTest) -> AppTest:
    """Waits (for a condition, not a time) until no run a shape change asked for is being built,
    then redraws the page, as the compiling status's timer does in a browser: a shape this process
    has not compiled builds in the background. Always redraws: a build that ended during the last
    run, after the page had read it as building, is only shown by the next one."""
    if "starter" in at.session_state:
        assert at.session_state["starter"].wait(300)
        at.run()
    return at


@pytest.fixture
def held_compiles(monkeypatch):
    """New runs with the unrolled GAN (or G depth 7) wait at a gate before compiling, so a test
    sees the page while a compilation is under way; opened at the end."""
    from gan_viz.ui import app as app_module

    gate, real = threading.Event(), app_module._prepare

    def held(run):
        if run.config.train.unroll or run.config.model.g_depth == 7:
            assert gate.wait(300)
        real(run)

    monkeypatch.setattr(app_module, "_prepare", held)
    yield gate
    gate.set()


def info_lines(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def test_a_shape_change_while_playing_compiles_in_the_background_and_the_newest_wins(held_compiles):
    at = start()
    old = at.session_state["run"]
    button(at, "play").click().run()
    at.number_input(key=controls.widget_key("train.unroll")).set_value(13).run()
    assert not at.exception and at.session_state["run"] is old  # the previous run stays, playing
    assert any("Compiling train.unroll = 13:" in m and "s so far" in m for m in info_lines(at)), info_lines(at)
    at.slider(key=controls.widget_key("model.g_depth")).set_value(7).run()  # a newer change replaces it
    assert any("Compiling model.g_depth = 7, train.unroll = 13:" in m for m in info_lines(at)), info_lines(at)
    assert at.session_state["run"] is old and at.session_state["playing"]  # still the previous run, playing
    button(at, "play").click().run()  # Pause acts at once
    assert not at.session_state["playing"] and at.session_state["starter"].building
    assert button(at, "play").label == "Play"
    held_compiles.set()
    built(at)
    run = at.session_state["run"]
    assert run is not old and run.gan.unroll == 13 and run.config.model.g_depth == 7 and run.step == 0
    assert not any("Compiling" in m for m in info_lines(at))
    button(at, "step").click().run()
    assert at.session_state["run"].step == run.round_steps


def test_settings_act_while_a_shape_compiles_and_going_back_cancels_it(held_compiles):
    at = start()
    old = at.session_state["run"]
    at.slider(key=controls.widget_key("model.g_depth")).set_value(7).run()
    assert at.session_state["starter"].building
    at.select_slider(key=controls.widget_key("train.lr_d")).set_value(1e-4).run()  # a live setting: at once
    assert at.session_state["run"] is old and float(old.hyper.lr_d) == pytest.approx(1e-4)
    button(at, "step").click().run()
    assert old.step == old.round_steps
    at.slider(key=controls.widget_key("model.g_depth")).set_value(old.config.model.g_depth).run()
    assert not at.session_state["starter"].building and at.session_state["run"] is old  # nothing left to wait for
    assert not any("Compiling" in m for m in info_lines(at))


def test_a_shape_that_fails_to_build_is_one_line_and_the_run_goes_on(monkeypatch):
    from gan_viz.ui import app as app_module

    real = app_module._prepare

    def failing(run):
        if run.config.model.g_depth == 7:
            raise RuntimeError("RESOURCE_EXHAUSTED: Out of memory allocating 12 GB\nXLA's stack trace")
        real(run)

    monkeypatch.setattr(app_module, "_prepare", failing)
    at = start()
    old = at.session_state["run"]
    at.slider(key=controls.widget_key("model.g_depth")).set_value(7).run()
    built(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "\n" not in errors[0] and "RESOURCE_EXHAUSTED: Out of memory" in errors[0]
    assert at.session_state["run"] is old and not at.session_state["starter"].building
    button(at, "step").click().run()  # the previous run goes on, and the same settings are not retried
    assert old.step == old.round_steps and not at.session_state["starter"].building


def test_a_reproduce_table_keeps_computing_on_another_tab_with_its_choices_shown():
    at = open_tab(start(), "Reproduce")
    at.multiselect(key="rep_methods").set_value(["gan"])
    at.number_input(key="rep_seeds").set_value(1)
    at.number_input(key="rep_steps").set_value(100)
    button(at, "rep_compute").click().run()
    assert at.get("progress") and at.button(key="rep_compute").disabled
    open_tab(at, "Live training")
    open_tab(settle(at), "Reproduce")
    assert list(at.dataframe[0].value["Method"]) == ["GAN"]
    assert (at.multiselect(key="rep_methods").value, at.number_input(key="rep_steps").value) == (["gan"], 100)


# -- Reproduce: the unrolled GAN's Figure 1 ----------------------------------------------------


def fig1_report(seeds: int, steps: int, ablation: bool) -> dict:
    """A small report with the keys ``figures.unrolled_fig1`` returns: 2 runs of 6 snapshots per
    seed and, with ``ablation``, 2 rows (the standard GAN and one change)."""
    from gan_viz.lab import figures

    shots = figures.snapshot_steps(steps)
    summary = {"hop_events": 3, "mean_dwell_steps": 400.0, "collapsed_share": 0.75, "near_mode_distance": 1.5,
               "modes_captured": 1, "hq_fraction": 0.9, "diverged": False, "steps": steps, "wall_seconds": 1.0}
    runs = []
    for method, label in (("standard", "standard GAN"), ("unrolled", "unrolled GAN (4 steps)")):
        for seed in range(seeds):
            snaps = [{"step": s, "iteration": s // 2, "label": f"mode {i % 8}", "dominant_mode": i % 8,
                      "near_mode_distance": 1.2, "modes_captured": 1, "hq_fraction": 0.8,
                      "fake": [[2.0, 0.0], [1.9, 0.1], [0.0, 2.0]]} for i, s in enumerate(shots)]
            runs.append({"method": method, "label": label, "seed": seed, "snapshots": snaps,
                         "summary": {**summary, "hop_events": 3 if method == "standard" else 0}})
    rows = []
    if ablation:
        for name, label, hops in (("standard", "as published", 3.0), ("tanh", "tanh instead of ReLU", 0.0)):
            rows.append({"name": name, "label": label, "overrides": [], "per_seed": [{"seed": 0, **summary}],
                         "hop_events_mean": hops, "collapsed_share_mean": 0.75, "near_mode_distance_mean": None,
                         "modes_captured_mean": 1.0, "hq_fraction_mean": 0.9})
    return {"figure": "unrolled-fig1", "source": figures.SOURCE, "setup": figures.setup_text(), "steps": steps,
            "seeds": list(range(seeds)), "snapshot_steps": shots, "runs": runs, "ablation": rows}


def fake_fig1(calls: list):
    def fake(*, seeds=1, first_seed=0, steps=40_000, ablation=True, progress=None):
        calls.append((seeds, steps, ablation))
        for done in (steps // 2, steps):
            progress(done, steps, "standard GAN, seed 0")
        return fig1_report(seeds, steps, ablation)
    return fake


def train_fig1(at: AppTest, seeds: int, steps: int, ablation: bool) -> AppTest:
    at.number_input(key="fig1_seeds").set_value(seeds)
    at.number_input(key="fig1_steps").set_value(steps)
    at.checkbox(key="fig1_ablation").set_value(ablation)
    return button(at, "fig1_train").click().run()


def test_reproduce_trains_the_unrolled_figure_shows_it_and_keeps_it_for_another_session(monkeypatch):
    calls = []
    monkeypatch.setattr("gan_viz.lab.figures.unrolled_fig1", fake_fig1(calls))
    at = open_tab(start(), "Reproduce")
    assert any("Press **Train the figure**" in m.value for m in at.info)
    assert not at.get("image")
    at = settle(train_fig1(at, 2, 1234, True))
    assert calls == [(2, 1234, True)] and not at.exception and not at.error
    assert len(at.get("image")) == 1  # the figure's PNG
    assert any("standard GAN, seed 1: 3 hops, collapsed at 75 % of evaluations, 1 mode at the end." in c.value
               for c in at.caption)
    table = at.dataframe[-1].value  # the ablation (the literature's table is not computed here)
    assert list(table.columns) == ["change", "hops", "collapsed %", "modes", "HQ %", "std from mode"]
    assert list(table["change"]) == ["as published", "tanh instead of ReLU"]
    assert list(table["hops"]) == [3.0, 0.0] and list(table["collapsed %"]) == [75.0, 75.0]
    assert any(b.proto.label == "Figure (JSON)" for b in at.get("download_button"))
    assert any("2 seeds, 1,234 steps each (617 iterations" in m.value for m in at.markdown)
    assert at.session_state["playing"] is False
    # every widget acts through a callback (gan_viz.ui.rerun), but the downloads, which rerun nothing
    assert widgets_without_callback(at) == ["dl_csv", "dl_json", "dl_png", "fig1_download"]
    # another session: the figure is kept per process, not retrained
    monkeypatch.setattr("gan_viz.lab.figures.unrolled_fig1", lambda **k: pytest.fail("retrained"))
    again = settle(train_fig1(open_tab(start(), "Reproduce"), 2, 1234, True))
    assert len(again.get("image")) == 1 and not again.error and again.dataframe[-1].value.equals(table)
    assert calls == [(2, 1234, True)]


def test_reproduce_figure_that_fails_is_one_line_and_the_page_goes_on(monkeypatch):
    def failing(**k):
        k["progress"](10, 100, "standard GAN, seed 0")
        raise RuntimeError("RESOURCE_EXHAUSTED: out of memory\nXLA's stack trace")

    monkeypatch.setattr("gan_viz.lab.figures.unrolled_fig1", failing)
    at = settle(train_fig1(open_tab(start(), "Reproduce"), 1, 1236, False))
    errors = [e.value for e in at.error]
    assert errors == ["Figure not computed: RuntimeError: RESOURCE_EXHAUSTED: out of memory XLA's stack trace"]
    assert not at.get("image") and not at.button(key="fig1_train").disabled
    calls = []
    monkeypatch.setattr("gan_viz.lab.figures.unrolled_fig1", fake_fig1(calls))
    at = settle(train_fig1(at, 1, 1236, False))  # the same request, trained again: it failed before
    assert calls == [(1, 1236, False)] and not at.error and len(at.get("image")) == 1
    assert any(b.proto.label == "Figure (JSON)" for b in at.get("download_button"))
    assert len(at.dataframe) == 0  # no ablation asked for


def test_reproduce_figure_stop_says_so_and_train_starts_it_again(monkeypatch):
    gate = threading.Event()

    def slow(**k):
        for done in range(0, 1_000_000, 100):
            k["progress"](done, 1_000_000, "unrolled GAN (4 steps), seed 0")
            gate.wait(0.01)
        return fig1_report(1, 1238, False)

    monkeypatch.setattr("gan_viz.lab.figures.unrolled_fig1", slow)
    at = train_fig1(open_tab(start(), "Reproduce"), 1, 1238, False)
    assert at.get("progress") and at.button(key="fig1_train").disabled
    button(at, "fig1_stop").click().run()
    at = settle(at)
    assert any("Figure stopped after" in w.value and "steps" in w.value and "Train the figure" in w.value
               for w in at.warning), [w.value for w in at.warning]
    assert not at.get("image") and not at.button(key="fig1_train").disabled
    button(at, "fig1_train").click().run()  # the same request again: a stopped figure trains anew
    assert at.get("progress") and not at.warning and at.button(key="fig1_train").disabled
    button(at, "fig1_stop").click().run()
    settle(at)


def test_reproduce_trains_the_real_unrolled_figure_in_a_few_steps():
    at = settle(train_fig1(open_tab(start(), "Reproduce"), 1, 10, False))
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(at.get("image")) == 1
    captions = " ".join(c.value for c in at.caption)
    assert "standard GAN, seed 0:" in captions and "unrolled GAN (4 steps), seed 0:" in captions


def fgan_numbers(at: AppTest) -> dict:
    """The f-GAN section's bound, true divergence and record count (its data attributes)."""
    html = next(m.value for m in at.markdown if "fgan-numbers" in m.value)
    return {k: float(html.split(f"data-{k}='")[1].split("'")[0]) for k in ("bound", "truth", "records")}


def test_theory_tab_shows_the_f_gan_bound_rising_with_step_d_and_the_divergence_falling_with_step_g():
    at = open_tab(start({"preset": "divergences", "train.loss": "reverse_kl"}), "Theory")
    assert any("Variational divergence minimisation" in m.value for m in at.markdown)
    assert {"theory_fbound", "theory_critic", "theory_critic_star"} <= {c.key for c in at.get("plotly_chart")}
    first = fgan_numbers(at)
    for _ in range(15):
        button(at, "step_d").click().run()
    after_d = fgan_numbers(at)
    # G frozen: the true divergence stays put and D's steps raise the bound toward it
    assert after_d["truth"] == first["truth"] and after_d["bound"] > first["bound"] + 0.2
    assert after_d["records"] == first["records"] + 15
    run = at.session_state["run"]
    assert list(run.bounds.movers[-15:]) == ["D"] * 15
    for _ in range(3):
        button(at, "step_g").click().run()
    assert run.bounds.movers[-1] == "G" and fgan_numbers(at)["truth"] < after_d["truth"]
    assert not at.exception and not at.error


def test_theory_tab_says_how_to_see_the_bound_when_the_loss_is_not_an_f_gan():
    at = open_tab(start(), "Theory")
    assert any("Choose an f-GAN loss" in m.value for m in at.markdown)
    assert not any("fgan-numbers" in m.value for m in at.markdown)
    at.selectbox(key=controls.widget_key("train.loss")).set_value("hellinger").run()
    assert fgan_numbers(at)["records"] >= 1
    assert any("estimated like the JSD" in m.value for m in at.markdown)  # a neural G: the smoothed estimate


def test_the_fitted_gaussians_show_on_a_button(monkeypatch):
    at = open_tab(start({"preset": "divergences"}), "Theory")
    assert not any(c.key == "theory_fits" for c in at.get("plotly_chart"))
    at.session_state["fits_shown"] = True  # what the button's callback does; a short budget keeps the test fast
    theory_page = __import__("gan_viz.ui.pages.theory", fromlist=["theory"])
    monkeypatch.setattr(theory_page, "FIT_STEPS", 200)
    at.run()
    assert not at.exception, at.exception
    assert any(c.key == "theory_fits" for c in at.get("plotly_chart"))
    rows = at.table[0].value
    assert list(rows["divergence"]) == ["kl", "reverse_kl", "pearson", "hellinger", "js", "gan"]


def test_the_alternative_generator_objective_is_a_live_checkbox_for_f_gan_losses():
    at = start({"preset": "divergences"})
    run = at.session_state["run"]
    box = at.checkbox(key=controls.widget_key("train.alt_g"))
    assert box.value is True and not box.disabled and bool(run.hyper.alt_g)
    compiles = run.gan.compiles
    box.uncheck().run()
    button(at, "step").click().run()
    assert at.session_state["run"] is run and not bool(run.hyper.alt_g) and run.gan.compiles == compiles
    at.selectbox(key=controls.widget_key("train.loss")).set_value("minimax").run()
    assert at.checkbox(key=controls.widget_key("train.alt_g")).disabled  # only the f-GAN losses read it
