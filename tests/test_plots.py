
import numpy as np
import plotly.graph_objects as go
import pytest

from gan_viz.render import plots


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
