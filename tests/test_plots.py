import math

import numpy as np
import plotly.graph_objects as go

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
    assert kinds[:4] == ["heatmap", "contour", "scattergl", "scattergl"]
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
