import math

import numpy as np
import plotly.graph_objects as go
import pytest

from gan_viz.ui import plots


def test_main_view_has_surface_contour_and_samples_with_fixed_axes():
    xs = np.linspace(-3, 3, 8)
    surface = np.tile(np.linspace(0, 1, 8)[:, None], (1, 8))  # varies along x
    real = np.random.default_rng(0).normal(size=(600, 2))
    fake = np.random.default_rng(1).normal(size=(3000, 2))
    arrows = np.ones((10, 2))
    manifold = np.random.default_rng(2).normal(size=(2, 5, 7, 2))
    fig = plots.main_view(extent=(-3, 3, -3, 3), grid_x=xs, grid_y=xs, surface=surface, real=real, fake=fake,
                          arrows=arrows, manifold=manifold)
    go.Figure(fig)  # a valid plotly figure
    kinds = [t["type"] for t in fig["data"]]
    assert kinds[:4] == ["heatmap", "contour", "scatter", "scatter"]  # no WebGL: no context to run out of
    # plotly heatmap rows are y: the surface is transposed so that it varies along x
    np.testing.assert_allclose(np.asarray(fig["data"][0]["z"])[0], np.linspace(0, 1, 8), rtol=1e-6)
    assert len(fig["data"][2]["x"]) == plots.REAL_POINTS and len(fig["data"][3]["x"]) == plots.MAX_POINTS
    assert fig["layout"]["xaxis"]["range"] == [-3, 3] and fig["layout"]["yaxis"]["scaleanchor"] == "x"
    assert fig["layout"]["uirevision"] == "main"
    names = [t["name"] for t in fig["data"]]
    assert "-grad G loss" in names and "G(latent grid)" in names
    # 10 arrows as segments separated by gaps; 10 manifold lines of 7 points plus gaps
    arrow = fig["data"][names.index("-grad G loss")]
    assert len(arrow["x"]) == 30 and np.isnan(np.asarray(arrow["x"], dtype=float)[2::3]).all()
    assert len(fig["data"][names.index("arrow heads")]["x"]) == 10 and "arrow scale" in names
    lines = fig["data"][names.index("G(latent grid)")]
    assert len(lines["x"]) == 10 * 8


def test_occupancy_view_marks_hops():
    occ = np.array([[0.9, 0.1], [0.1, 0.9], [0.9, 0.1]])
    fig = plots.occupancy_view([0, 10, 20], occ, [0.0, 0.0, 0.0], [(10, 0, 1), (20, 1, 0)])
    go.Figure(fig)
    heat, hops = fig["data"]
    assert np.asarray(heat["z"]).shape == (3, 3)  # 2 modes + off row, 3 times
    assert list(hops["x"]) == [10, 20] and list(hops["y"]) == ["mode 1", "mode 0"]
    assert "2 hops" in fig["layout"]["title"]["text"]


def test_metric_charts_and_value_line():
    fig = plots.metric_charts([0, 1], [1.0, float("nan")], [0.5, 0.6], [-1.2, -1.3], [0.1, 0.2], [0.5, 0.6],
                              [3, 4], num_modes=8)
    go.Figure(fig)
    assert len(fig["data"]) == 7
    assert {t["yaxis"] for t in fig["data"]} == {"y", "y2", "y3", "y4"}
    v = plots.value_vs_jsd([0, 1], [-1.3, -1.38], [0.05, 0.0])
    np.testing.assert_allclose(np.asarray(v.data[1].y), [-math.log(4) + 0.1, -math.log(4)])


def test_k_d_curves_and_gradient_norms():
    fig = plots.k_d_curves([0, 1, 10], [0.1, 0.5, 0.9], [0.2, 0.3, 0.01], [0.3, 0.4, 1.0])
    assert fig.data[0].x[0] == 0.5  # k = 0 drawn at 0.5 on the log axis
    bars = plots.gradient_norms(["minimax", "non_saturating"], [1e-4, 1.0])
    assert list(bars.data[0].y) == [1e-4, 1.0]
    assert bars.layout.yaxis.type != "log" and bars.layout.yaxis.range[0] == 0  # linear from 0


def test_arrows_keep_one_fixed_scale_with_heads_pointing_along_them():
    extent = (-3.0, 3.0, -3.0, 3.0)
    starts = np.zeros((3, 2))
    grads = np.array([[1.0, 0.0], [0.0, 1e-3], [0.0, -100.0]])  # healthy, vanishing, huge (capped)
    lines, heads, key = plots.arrow_traces(starts, grads, extent)
    unit = plots.ARROW_SPAN * 6.0 / plots.ARROW_UNIT
    xs, ys = np.asarray(lines["x"], float), np.asarray(lines["y"], float)
    lengths = np.hypot(xs[1::3] - xs[0::3], ys[1::3] - ys[0::3])
    np.testing.assert_allclose(lengths, [unit, 1e-3 * unit, 4 * unit])  # same scale, capped at 4 units
    # the vanishing arrow is too short for a head; the others point right (90 deg) and down (180 deg)
    np.testing.assert_allclose(np.asarray(heads["marker"]["angle"]), [90.0, 180.0])
    assert np.ptp(np.asarray(key["x"])) == pytest.approx(unit) and "|grad| = 1" in key["text"][1]


def test_every_chart_has_tick_labels_of_at_least_14_px():
    figs = [plots.occupancy_view([0, 1], np.eye(2), [0.0, 0.0]),
            plots.metric_charts([0, 1], [1, 1], [1, 1], [1, 1], [0, 0], [1, 1], [1, 1], 2),
            plots.main_view(extent=(-1, 1, -1, 1), grid_x=np.zeros(2), grid_y=np.zeros(2), surface=np.zeros((2, 2)),
                            real=np.zeros((1, 2)), fake=np.zeros((1, 2)))]
    for fig in figs:
        axes = [v for k, v in fig["layout"].items() if k.startswith(("xaxis", "yaxis"))]
        assert axes and all(a["tickfont"]["size"] >= 14 for a in axes)
    for fig in [plots.gradient_norms(["a"], [1.0]), plots.value_vs_jsd([0], [0], [0]),
                plots.k_d_curves([1], [0], [1], [1]), plots.contrast_chart([0], [0], np.zeros((1, 2)), np.zeros(2))]:
        layout = fig.to_plotly_json()["layout"]
        axes = [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
        assert axes and all(a["tickfont"]["size"] >= 14 for a in axes)
    big = plots.occupancy_view([0, 1], np.eye(2), [0.0, 0.0], scale=1.35)
    assert big["layout"]["xaxis"]["tickfont"]["size"] > plots.TICK_PX


def test_mode_rows_are_hq_shares_plus_off_mode_and_the_window_hides_old_hops():
    occ = np.array([[0.6, 0.1], [0.1, 0.5]])
    off = 1 - occ.sum(axis=1)
    fig = plots.occupancy_view([0, 10], occ, off, [(2, 1, 0), (10, 0, 1)], x_range=(5, 10))
    z = np.asarray(fig["data"][0]["z"])
    np.testing.assert_allclose(z.sum(axis=0), 1.0, rtol=1e-6)  # every column sums to 1
    assert fig["data"][0]["y"][-1] == "off-mode"
    assert list(fig["data"][1]["x"]) == [10.0]  # only the hop inside the window
    assert fig["layout"]["xaxis"]["range"] == [5, 10]
