"""Unit tests for gan_viz.ui.live_plot (Python side only, no browser)."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from gan_viz.ui.live_plot import _assets, encode_array, figure_to_dict


def _decode(spec: dict) -> np.ndarray:
    arr = np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<" + spec["dtype"])
    if "shape" in spec:
        arr = arr.reshape([int(s) for s in spec["shape"].split(",")])
    return arr


def test_encode_array_2d_float64_downcasts_to_float32_and_round_trips():
    z = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
    spec = encode_array(z)
    assert spec["dtype"] == "f4"
    assert spec["shape"] == "3, 4"
    np.testing.assert_allclose(_decode(spec), z, rtol=1e-6)


def test_encode_array_keeps_float64_when_asked_and_1d_has_no_shape():
    x = np.linspace(0, 1, 5)
    spec = encode_array(x, float32=False)
    assert spec["dtype"] == "f8"
    assert "shape" not in spec
    np.testing.assert_array_equal(_decode(spec), x)


@pytest.mark.parametrize(
    ("arr", "dtype"),
    [
        (np.array([1, 2, 3], dtype=np.int64), "i4"),
        (np.array([1, 2, 3], dtype=np.uint64), "u4"),
        (np.array([2**40, 0], dtype=np.int64), "f8"),  # does not fit int32
        (np.array([True, False]), "u1"),
        (np.array([1, 2], dtype=np.int16), "i2"),
        (np.array([], dtype=np.int64), "i4"),
    ],
)
def test_encode_array_maps_dtypes_to_ones_plotly_js_decodes(arr, dtype):
    spec = encode_array(arr)
    assert spec["dtype"] == dtype
    np.testing.assert_array_equal(_decode(spec), arr.astype(np.float64))


def test_encode_array_is_little_endian_and_handles_non_contiguous():
    a = np.arange(6, dtype=">f4").reshape(2, 3).T  # big-endian, transposed view
    np.testing.assert_array_equal(_decode(encode_array(a)), a)


def test_encode_array_rejects_non_numeric():
    with pytest.raises(TypeError):
        encode_array(np.array(["a", "b"]))


def test_figure_to_dict_encodes_nested_arrays_and_is_json_serialisable():
    fig = {
        "data": [
            {"type": "heatmap", "z": np.ones((2, 3)), "x0": np.float32(0.5)},
            {
                "type": "scatter",
                "x": (1, 2),
                "y": np.array([3.0, 4.0]),
                "marker": {"color": np.array([0.1, 0.2])},
                "text": np.array(["a", "b"]),
            },
        ],
        "layout": {"title": {"text": "t"}, "xaxis": {"range": np.array([0, 1])}},
    }
    out = figure_to_dict(fig)
    json.dumps(out)  # must not raise
    heat, scat = out["data"]
    assert heat["z"]["shape"] == "2, 3" and heat["x0"] == 0.5
    assert isinstance(heat["x0"], float)
    assert scat["x"] == [1, 2]
    assert scat["marker"]["color"]["dtype"] == "f4"
    assert scat["text"] == ["a", "b"]
    assert out["layout"]["xaxis"]["range"]["dtype"] == "i4"


def test_figure_to_dict_is_idempotent_and_keeps_nan_binary():
    once = figure_to_dict({"data": [{"type": "scatter", "y": np.array([1.0, np.nan])}]}, float32=False)
    assert figure_to_dict(once) == once
    assert np.isnan(_decode(once["data"][0]["y"])[1])
    json.dumps(once, allow_nan=False)  # NaN travels inside bdata, not as invalid JSON


def test_figure_to_dict_sets_uirevision_without_overriding_and_copies():
    layout = {"title": {"text": "t"}}
    out = figure_to_dict({"data": [], "layout": layout})
    assert out["layout"]["uirevision"] == "live_plot"
    assert "uirevision" not in layout  # input not mutated
    assert figure_to_dict({"layout": {"uirevision": "mine"}})["layout"]["uirevision"] == "mine"
    assert figure_to_dict({}) == {"data": [], "layout": {"uirevision": "live_plot"}}


def test_figure_to_dict_defaults_cheap_tick_labels_on_used_cartesian_axes():
    fig = {
        "data": [
            {"type": "heatmap", "z": np.zeros((2, 2))},
            {"type": "scattergl", "x": [1], "y": [2], "xaxis": "x2", "yaxis": "y2"},
            {"type": "pie", "values": [1, 2]},
        ],
        "layout": {"yaxis": {"ticklabeloverflow": "hide past domain"}, "xaxis3": {}},
    }
    layout = figure_to_dict(fig)["layout"]
    assert layout["xaxis"]["ticklabeloverflow"] == "allow"
    assert layout["yaxis"]["ticklabeloverflow"] == "hide past domain"  # user value kept
    assert layout["xaxis2"]["ticklabeloverflow"] == "allow"
    assert layout["yaxis2"]["ticklabeloverflow"] == "allow"
    assert layout["xaxis3"]["ticklabeloverflow"] == "allow"
    assert not any(
        k.startswith(("xaxis", "yaxis")) for k in figure_to_dict({"data": [{"type": "pie", "values": [1]}]})["layout"]
    )


def test_figure_to_dict_accepts_plotly_figure():
    go = pytest.importorskip("plotly.graph_objects")
    fig = go.Figure(go.Scatter(x=np.arange(3), y=np.arange(3) * 2.0))
    out = figure_to_dict(fig)
    json.dumps(out)
    assert out["data"][0]["type"] == "scatter"
    assert out["layout"]["uirevision"] == "live_plot"


def test_figure_to_dict_rejects_other_types():
    with pytest.raises(TypeError):
        figure_to_dict([1, 2, 3])


def test_index_html_loads_plotly_locally_and_speaks_component_protocol():
    html = _assets.index_html()
    srcs = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
    assert srcs == ["./plotly.min.js"]
    assert not re.search(r"https?://", html), "no CDN / remote URLs allowed"
    for needle in (
        "streamlit:componentReady",
        "streamlit:render",
        "streamlit:setFrameHeight",
        "Plotly.react",
        'id="frame-counter"',
        "window.__framesRendered",
        "dataset.framesRendered",
    ):
        assert needle in html


def test_message_listener_reads_only_the_streamlit_parent_and_posts_only_to_it():
    html = _assets.index_html()
    listener = html[html.index('addEventListener("message"'):]
    first = listener[: listener.index("\n", listener.index("\n") + 1)]
    assert "event.source !== window.parent" in first and "event.origin !== ORIGIN" in first
    assert "const ORIGIN = window.location.origin" in html
    assert '"*")' not in html  # postMessage never to any origin


def test_plotly_js_comes_from_installed_plotly_package():
    import plotly

    path = _assets.plotly_js_path()
    assert path.is_file()
    assert path.parent.parent.resolve() == (_assets.Path(plotly.__file__).parent.resolve())
    assert path.parent.name == "package_data"
    assert b"plotly.js" in path.read_bytes()[:300]


def test_ensure_asset_dir_materialises_once_and_refreshes_on_change(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_VIZ_CACHE_DIR", str(tmp_path))
    d1 = _assets.ensure_asset_dir()
    assert d1.parent == tmp_path
    assert (d1 / "index.html").read_text() == _assets.index_html()
    assert (d1 / "plotly.min.js").stat().st_size == _assets.plotly_js_path().stat().st_size
    mtime = (d1 / "plotly.min.js").stat().st_mtime_ns
    assert _assets.ensure_asset_dir() == d1  # reused, not re-copied
    assert (d1 / "plotly.min.js").stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == [d1.name]  # no temp dirs left

    monkeypatch.setattr(_assets, "index_html", lambda: "<html>changed</html>")
    d2 = _assets.ensure_asset_dir()
    assert d2 != d1 and (d2 / "index.html").read_text() == "<html>changed</html>"


def test_ensure_asset_dir_prunes_week_old_versions_only(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("GAN_VIZ_CACHE_DIR", str(tmp_path))
    old, recent = tmp_path / "live_plot-0.0-old", tmp_path / "live_plot-0.0-recent"
    old.mkdir()
    recent.mkdir()
    os.utime(old, (0, 0))
    d = _assets.ensure_asset_dir()
    assert not old.exists() and recent.exists() and d.exists()


def test_ensure_asset_dir_falls_back_when_cache_root_unwritable(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a dir")
    good = tmp_path / "fallback"
    monkeypatch.setattr(_assets, "_cache_roots", lambda: [blocked / "sub", good])
    d = _assets.ensure_asset_dir()
    assert d.parent == good and (d / "index.html").is_file()


def test_live_plot_passes_compact_args_to_component(monkeypatch):
    import gan_viz.ui.live_plot as lp

    calls = []
    monkeypatch.setattr(lp, "_get_component", lambda: lambda **kw: calls.append(kw))
    ret = lp.live_plot(
        [{"data": [{"type": "heatmap", "z": np.zeros((2, 2))}]}],
        key="k",
        height=300.0,
        frame=np.int64(5),
        request_next=True,
    )
    assert ret is None
    (kw,) = calls
    json.dumps(kw)
    assert kw["key"] == "k" and kw["height"] == 300 and kw["frame"] == 5
    assert kw["request_next"] is True and kw["columns"] is None and kw["config"] == {}
    assert "ack" in kw and kw["ack"] is None  # no Streamlit session here
    assert kw["figures"][0]["data"][0]["z"]["dtype"] == "f4"


def test_live_plot_passes_none_figures_through(monkeypatch):
    import gan_viz.ui.live_plot as lp

    calls = []
    monkeypatch.setattr(lp, "_get_component", lambda: lambda **kw: calls.append(kw))
    lp.live_plot([None, {"data": []}], key="k")
    assert calls[0]["figures"][0] is None and calls[0]["figures"][1]["data"] == []
    assert calls[0]["ack"] is None and calls[0]["request_next"] is False
