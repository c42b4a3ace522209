"""Charts over time: mode occupancy, metrics, the Theory page's charts, type sizes."""

import math

import numpy as np
import plotly.graph_objects as go

from gan_viz.render import charts, plots


def test_occupancy_view_marks_hops():
    occ = np.array([[0.9, 0.1], [0.1, 0.9], [0.9, 0.1]])
    fig = charts.occupancy_view([0, 10, 20], occ, [0.0, 0.0, 0.0], [(10, 0, 1), (20, 1, 0)])
    go.Figure(fig)
    heat, hops = fig["data"]
    assert np.asarray(heat["z"]).shape == (3, 3)  # 2 modes + off row, 3 times
    assert list(hops["x"]) == [10, 20] and list(hops["y"]) == ["mode 1", "mode 0"]
    assert "2 hops" in fig["layout"]["title"]["text"]



def test_metric_charts_and_value_line():
    fig = charts.metric_charts([0, 1], [1.0, float("nan")], [0.5, 0.6], [-1.2, -1.3], [0.1, 0.2], [0.5, 0.6],
                              [3, 4], num_modes=8)
    go.Figure(fig)
    assert len(fig["data"]) == 7
    assert {t["yaxis"] for t in fig["data"]} == {"y", "y2", "y3", "y4"}
    v = charts.value_vs_jsd([0, 1], [-1.3, -1.38], [0.05, 0.0])
    np.testing.assert_allclose(np.asarray(v.data[1].y), [-math.log(4) + 0.1, -math.log(4)])



def test_at_step_0_the_charts_show_their_one_evaluation_filling_the_axis():
    occ = np.array([[0.03, 0.0]])
    fig = charts.occupancy_view([0], occ, [0.97], x_range=(0.0, 1.0))
    go.Figure(fig)
    heat = fig["data"][0]
    assert list(heat["x"]) == [0.0, 1.0] and np.asarray(heat["z"]).shape == (3, 2)  # one column, both edges
    assert fig["layout"]["xaxis"]["range"] == [0.0, 1.0]
    m = charts.metric_charts([0], [float("nan")], [float("nan")], [-1.3], [0.6], [0.03], [4], num_modes=8)
    assert all(t["mode"] == "lines+markers" for t in m["data"] if len(np.atleast_1d(t["x"])) == 1)
    assert m["layout"]["xaxis"]["range"] == [0.0, 1.0]  # not plotly's empty -1..1
    two = charts.metric_charts([0, 10], [1.0, 1.0], [1.0, 1.0], [-1.3, -1.3], [0.6, 0.5], [0.03, 0.1], [4, 5], 8)
    assert two["data"][0]["mode"] == "lines" and "range" not in two["layout"]["xaxis"]
    # never range None, which plotly.js cannot update to from a figure with a range
    assert two["layout"]["xaxis"]["autorange"] is True


def test_k_d_curves_and_gradient_norms():
    fig = charts.k_d_curves([0, 1, 10], [0.1, 0.5, 0.9], [0.2, 0.3, 0.01], [0.3, 0.4, 1.0])
    assert fig.data[0].x[0] == 0.5  # k = 0 drawn at 0.5 on the log axis
    bars = charts.gradient_norms(["minimax", "non_saturating"], [1e-4, 1.0])
    assert list(bars.data[0].y) == [1e-4, 1.0]
    assert bars.layout.yaxis.type != "log" and bars.layout.yaxis.range[0] == 0  # linear from 0



def test_every_chart_has_tick_labels_of_at_least_14_px():
    figs = [charts.occupancy_view([0, 1], np.eye(2), [0.0, 0.0]),
            charts.metric_charts([0, 1], [1, 1], [1, 1], [1, 1], [0, 0], [1, 1], [1, 1], 2),
            plots.main_view(extent=(-1, 1, -1, 1), grid_x=np.zeros(2), grid_y=np.zeros(2), surface=np.zeros((2, 2)),
                            real=np.zeros((1, 2)), fake=np.zeros((1, 2)))]
    for fig in figs:
        axes = [v for k, v in fig["layout"].items() if k.startswith(("xaxis", "yaxis"))]
        assert axes and all(a["tickfont"]["size"] >= 14 for a in axes)
    for fig in [charts.gradient_norms(["a"], [1.0]), charts.value_vs_jsd([0], [0], [0]),
                charts.k_d_curves([1], [0], [1], [1]), charts.contrast_chart([0], [0], np.zeros((1, 2)), np.zeros(2))]:
        layout = fig.to_plotly_json()["layout"]
        axes = [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
        assert axes and all(a["tickfont"]["size"] >= 14 for a in axes)
    big = charts.occupancy_view([0, 1], np.eye(2), [0.0, 0.0], scale=1.35)
    assert big["layout"]["xaxis"]["tickfont"]["size"] > plots.TICK_PX



def test_mode_rows_are_hq_shares_plus_off_mode_and_the_window_hides_old_hops():
    occ = np.array([[0.6, 0.1], [0.1, 0.5]])
    off = 1 - occ.sum(axis=1)
    fig = charts.occupancy_view([0, 10], occ, off, [(2, 1, 0), (10, 0, 1)], x_range=(5, 10))
    z = np.asarray(fig["data"][0]["z"])
    np.testing.assert_allclose(z.sum(axis=0), 1.0, rtol=1e-6)  # every column sums to 1
    assert fig["data"][0]["y"][-1] == "off-mode"
    assert list(fig["data"][1]["x"]) == [10.0]  # only the hop inside the window
    assert fig["layout"]["xaxis"]["range"] == [5, 10]


def test_collapse_map_prints_each_cell_and_a_click_target_names_its_cell():
    values = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])  # 2 rows (y) x 3 columns (x)
    hover = np.array([[f"x{i} y{j}" for i in range(3)] for j in range(2)], dtype=object)
    fig = charts.collapse_map(values, ["a", "b", "c"], ["p", "q"], "lr_d", "lr_g", "modes", zrange=(0, 8), hover=hover)
    heat, targets = fig.data
    assert heat.type == "heatmap" and (heat.zmin, heat.zmax) == (0, 8)
    assert heat.text[0][1] == "" and heat.text[1][2] == "6"  # not computed: blank
    assert len(targets.x) == 6
    for index in range(6):
        xi, yi = charts.map_cell(index, 3)
        assert (targets.x[index], targets.y[index]) == (["a", "b", "c"][xi], ["p", "q"][yi])
        assert targets.hovertext[index] == f"x{xi} y{yi}"
    assert fig.layout.xaxis.tickfont.size >= 14 and fig.layout.yaxis.tickfont.size >= 14
