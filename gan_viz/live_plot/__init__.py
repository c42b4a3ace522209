"""Live plotly figures in Streamlit, updated in place with ``Plotly.react``.

``st.plotly_chart`` re-creates its chart on every rerun, which caps a live
training view at ~6-9 frames/s on a 2-core machine. :func:`live_plot` instead
mounts one small iframe component (Streamlit components v1) that keeps its plot
divs and calls ``Plotly.react`` on each update, with ``layout.uirevision`` set
so zoom/pan survive updates. Call it from an ``st.fragment(run_every=...)``.

Why components v1 with a file directory, not ``st.components.v2``: v2 inlines
its JS into every element message unless the component is declared as an
``asset_dir`` in a ``pyproject.toml`` manifest, and it mounts into the app page
instead of an iframe. v1 loads ``index.html`` (and plotly.js) once per iframe
and afterwards only ships the JSON arguments. The static directory is
materialised in a user cache directory with a copy of the plotly.js bundle
from the installed ``plotly`` package, see :mod:`gan_viz.live_plot._assets`
(so no CDN, and nothing needs to be written into site-packages).

Arrays are sent as plotly's typed-array spec (``{"dtype", "bdata", "shape"}``,
base64, float32 by default), which plotly.js >= 2.28 decodes natively; that is
about half the size of JSON number lists and cheaper to encode.

The frontend renders ``<span id="frame-counter" data-frame=... data-frames-rendered=...>``
under the plots and keeps ``window.__framesRendered``, the number of draws it
actually did (renders are coalesced to one per animation frame), so a browser
test can measure real rendered frames/s.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["live_plot", "figure_to_dict", "encode_array"]

COMPONENT_NAME = "live_plot"
_component: Any = None

_AXIS_RE = re.compile(r"^[xy]axis\d*$")
_CARTESIAN = {
    "scatter", "scattergl", "heatmap", "heatmapgl", "contour", "bar", "histogram",
    "histogram2d", "histogram2dcontour", "box", "violin", "image", "candlestick", "ohlc",
}

# dtypes plotly.js can decode from a typed-array spec.
_PLOTLY_DTYPES = {"f8", "f4", "i4", "u4", "i2", "u2", "i1", "u1"}


def encode_array(arr: np.ndarray, *, float32: bool = True) -> dict[str, str]:
    """Encode a numpy array as a plotly.js typed-array spec.

    Args:
        arr: Numeric or boolean array of any shape (2D for heatmap ``z``).
        float32: Downcast float64 to float32 (halves the payload; plenty for plots).

    Returns:
        ``{"dtype": "f4", "bdata": <base64>, "shape": "rows, cols"}``; ``shape``
        is omitted for 1D arrays, as plotly.py does.
    """
    a = np.asarray(arr)
    if a.dtype == np.bool_:
        a = a.astype(np.uint8)
    elif a.dtype.kind in "iu" and a.dtype.itemsize == 8:
        info = np.iinfo(np.int32 if a.dtype.kind == "i" else np.uint32)
        in_range = a.size == 0 or (a.min() >= info.min and a.max() <= info.max)
        a = a.astype(info.dtype if in_range else np.float64)
    elif a.dtype.kind == "f" and (a.dtype.itemsize != 4 or not float32):
        a = a.astype(np.float32 if float32 else np.float64)
    elif a.dtype.kind not in "iuf":
        raise TypeError(f"cannot encode array of dtype {a.dtype} for plotly")
    a = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
    code = f"{a.dtype.kind}{a.dtype.itemsize}"
    assert code in _PLOTLY_DTYPES, code
    spec = {"dtype": code, "bdata": base64.b64encode(a.tobytes()).decode("ascii")}
    if a.ndim > 1:
        spec["shape"] = ", ".join(map(str, a.shape))
    return spec


def _jsonable(obj: Any, float32: bool) -> Any:
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "biuf":
            return encode_array(obj, float32=float32)
        return [_jsonable(x, float32) for x in obj.tolist()]
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v, float32) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v, float32) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if hasattr(obj, "__array__") and not isinstance(obj, (str, bytes)):
        return _jsonable(np.asarray(obj), float32)  # e.g. jax arrays
    return obj


def figure_to_dict(fig: Any, *, float32: bool = True) -> dict[str, Any]:
    """Turn a plotly figure into a compact, JSON-serialisable dict.

    Args:
        fig: A ``plotly.graph_objects.Figure`` (anything with ``to_plotly_json``)
            or a plain ``{"data": [...], "layout": {...}}`` dict. Values may be
            numpy/JAX arrays, numpy scalars, lists or tuples.
        float32: Send float arrays as float32 (see :func:`encode_array`).

    Returns:
        ``{"data": [...], "layout": {...}}`` with arrays as plotly typed-array
        specs, ``layout.uirevision`` defaulted to ``"live_plot"`` so user
        zoom/pan is kept across updates, and ``ticklabeloverflow`` defaulted to
        ``"allow"`` on the cartesian axes in use (much cheaper redraws).
    """
    if hasattr(fig, "to_plotly_json"):
        fig = fig.to_plotly_json()
    if not isinstance(fig, Mapping):
        raise TypeError(f"expected a plotly Figure or dict, got {type(fig).__name__}")
    out = _jsonable({"data": fig.get("data", []), "layout": fig.get("layout", {})}, float32)
    layout = out["layout"]
    layout.setdefault("uirevision", "live_plot")
    # Plotly's default ticklabeloverflow ("hide past div") measures every tick
    # label with getBoundingClientRect on each redraw: ~25% of a Plotly.react
    # here. "allow" skips that; labels stay inside the margins anyway.
    axes = {k for k in layout if _AXIS_RE.match(k)}
    for trace in out["data"]:
        if isinstance(trace, dict) and trace.get("type", "scatter") in _CARTESIAN:
            axes.add("xaxis" + str(trace.get("xaxis", "x"))[1:])
            axes.add("yaxis" + str(trace.get("yaxis", "y"))[1:])
    for name in axes:
        axis = layout.setdefault(name, {})
        if isinstance(axis, dict):
            axis.setdefault("ticklabeloverflow", "allow")
    return out


def _get_component() -> Any:
    global _component
    if _component is None:
        import streamlit.components.v1 as components

        from gan_viz.live_plot._assets import ensure_asset_dir

        _component = components.declare_component(COMPONENT_NAME, path=str(ensure_asset_dir()))
    return _component


def live_plot(
    figures: Sequence[Any],
    *,
    key: str,
    height: int = 450,
    frame: int | None = None,
    columns: int | None = None,
    config: Mapping[str, Any] | None = None,
    request_next: bool = False,
) -> None:
    """Show plotly figures in one iframe and update them in place on every call.

    Call it once per script/fragment run with the same ``key``; the iframe
    stays mounted and each call only ships the new figure JSON, which the
    frontend applies with ``Plotly.react`` (at most once per browser animation
    frame; if updates arrive faster, only the newest is drawn).

    Args:
        figures: Plotly figures (``go.Figure`` or ``{"data", "layout"}`` dicts,
            arrays may be numpy), laid out left to right in a grid. Figure
            ``layout.width``/``height`` are ignored; the grid cell sizes them.
        key: Unique, stable Streamlit key. Required: it keeps the iframe (and
            the user's zoom) alive while the arguments change every frame.
        height: Height of the whole iframe in pixels, including the 18 px
            frame counter line under the plots.
        frame: Frame/step number shown in the counter. A render event carrying
            the frame number already drawn is skipped.
        columns: Number of grid columns (default: all figures in one row).
        config: Plotly config passed to ``Plotly.react`` (e.g.
            ``{"displayModeBar": False}``).
        request_next: Frontend-driven loop: instead of a timer, the component
            asks for the next frame by setting its value, which reruns the
            enclosing ``st.fragment`` (use it without ``run_every``). One
            request is kept in flight while a frame is drawn, so the loop runs
            as fast as Python and the browser allow without producing frames
            that are then dropped; it pauses while the tab is hidden, and polls
            every 250 ms while ``frame`` does not change.
    """
    figs = [figure_to_dict(f) for f in figures]
    _get_component()(
        figures=figs,
        frame=None if frame is None else int(frame),
        height=int(height),
        columns=None if columns is None else int(columns),
        config=dict(config or {}),
        request_next=bool(request_next),
        key=key,
        default=None,
    )
