"""Live plotly figures in Streamlit, updated in place with ``Plotly.react``.

``st.plotly_chart`` rebuilds its chart on every rerun. :func:`live_plot` mounts
one small iframe component instead, which keeps its plot divs and calls
``Plotly.react`` on each update (``layout.uirevision`` is set, so zoom/pan
survive updates)::

    @st.fragment(run_every=0.05)
    def view():
        train_some_steps()
        live_plot([field_fig, loss_fig], key="live", height=480, frame=step)

or, frontend-driven (the browser asks for the next frame once it has drawn
the previous one; no timer)::

    @st.fragment
    def view():
        train_some_steps()
        live_plot([field_fig, loss_fig], key="live", height=480, frame=step,
                  request_next=True)

Why components v1 with a static directory rather than ``st.components.v2``:
v2 mounts into the app page (no iframe) and sends inline JS with every element
message; only a component declared as an ``asset_dir`` in an installed
package's ``pyproject.toml`` manifest gets its files served by URL, and
inlining the 4.8 MB plotly.js bundle is not an option. With v1, the iframe
loads ``index.html`` and plotly.js once; afterwards each update only ships the
JSON arguments, over the app's websocket. Streamlit v1 serves one directory
and rejects symlinks that leave it, so :mod:`gan_viz.ui.live_plot._assets` copies
``index.html`` plus ``plotly/package_data/plotly.min.js`` from the installed
``plotly`` package into a versioned per-user cache directory (no CDN, nothing
written into site-packages, works for editable and regular installs as long as
``frontend/index.html`` is shipped as package data).

Performance notes (2-core machine, headless Chromium, software GL):

* Arrays are sent as plotly's typed-array spec (``{"dtype", "bdata",
  "shape"}``, base64, float32 by default), which plotly.js >= 2.28 decodes
  natively: ~30 KB per frame for a 60x60 heatmap, 1,000 points and a 500-point
  line, encoded in < 1 ms.
* Streamlit runs ``gc.collect(2)`` after every script *and fragment* run
  (``runner.postScriptGC``, default on). With plotly/JAX imported that takes
  50-100 ms per run and was the largest single server cost here. Set
  ``[runner] postScriptGC = false`` in ``.streamlit/config.toml`` (or call
  ``gc.freeze()`` once after the heavy imports and model set-up).
* Use ``scattergl`` for hundreds of points or more: 1,000 SVG markers cost
  ~60 ms of main-thread time per redraw. The component defaults
  ``plotGlPixelRatio`` to the screen's devicePixelRatio (plotly's default of 2
  quadruples the WebGL canvas pixels) and :func:`figure_to_dict` defaults
  ``ticklabeloverflow="allow"`` (plotly otherwise measures every tick label on
  every redraw); both can be overridden.
* plotly.js does not resolve template *names*; pass a ``go.Figure`` (whose
  template is resolved by plotly.py, but adds ~7 KB per figure and frame) or
  style the figure dict directly.

The frontend renders ``<span id="frame-counter" data-frame=...
data-frames-rendered=...>`` under the plots and keeps
``window.__framesRendered``, the number of draws it actually did (updates
that arrive while a draw is pending replace it, so a burst of updates draws
only the newest), so browser tests can measure real rendered frames/s.
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
    "scatter",
    "scattergl",
    "heatmap",
    "heatmapgl",
    "contour",
    "bar",
    "histogram",
    "histogram2d",
    "histogram2dcontour",
    "box",
    "violin",
    "image",
    "candlestick",
    "ohlc",
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
    # Declared lazily, on the first call from a script run: declare_component only
    # registers with the Runtime when a ScriptRunContext exists, and importing this
    # module (e.g. in unit tests) should not write the cache directory.
    global _component
    if _component is None:
        import streamlit.components.v1 as components

        from gan_viz.ui.live_plot._assets import ensure_asset_dir

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
    rows: Sequence[int | Mapping[str, Any]] | None = None,
    next_in: float = 0.0,
    click_plot: int | None = None,
    on_click: Any = None,
) -> None:
    """Show plotly figures in one iframe and update them in place on every call.

    Call it once per script/fragment run with the same ``key``; the iframe
    stays mounted and each call only ships the new figure JSON, which the
    frontend applies with ``Plotly.react`` (if updates arrive faster than the
    browser draws, only the newest is drawn).

    Args:
        figures: Plotly figures (``go.Figure`` or ``{"data", "layout"}`` dicts;
            arrays may be numpy/JAX and are sent as float32, see
            :func:`figure_to_dict`; pass ``figure_to_dict(fig, float32=False)``
            to keep float64), laid out left to right in a grid. Figure
            ``layout.width``/``height`` are ignored; the grid cell sizes them.
            An entry may be ``None`` (keep that plot as last drawn) or a list of
            figures: a batch of animation frames, drawn one by one and spread over
            the time the next batch usually takes to arrive (each counts as a
            rendered frame).
        key: Unique, stable Streamlit key. Required: it keeps the iframe (and
            the user's zoom) alive while the arguments change every frame.
        height: Height of the whole iframe in pixels, including the 18 px
            frame counter line under the plots.
        frame: Frame number shown in the counter. A render event carrying
            the frame number already drawn is skipped, so give every new picture
            (a new state, a changed view option) a new number.
        columns: Number of grid columns (default: all figures in one row).
        config: Plotly config passed to ``Plotly.react`` (e.g.
            ``{"displayModeBar": False}``).
        request_next: Frontend-driven loop: instead of a timer, the component
            asks for the next frame by setting its value, which reruns the
            enclosing ``st.fragment`` (use it without ``run_every``). One
            request is kept in flight while a frame is drawn, so the loop runs
            as fast as Python and the browser allow without producing frames
            that are then dropped; it waits ``next_in`` before asking, asks
            again after ``next_in`` (250 ms if 0) while ``frame`` does not change,
            and slows to the browser's background-timer rate while the tab is
            hidden. Make this the last
            Streamlit call in the fragment: the request is a widget event, so
            it may interrupt Streamlit calls that come after it in the same run.
        rows: Height of each grid row: pixels, or ``{"fit": "square", "min": px,
            "max": px}`` for a row as tall as a column is wide (within the bounds;
            follows resizes). The iframe takes the rows' total height, and ``height``
            is then unused. An odd last figure spans the whole row.
        next_in: With ``request_next``: seconds to wait, from this update's arrival, before
            asking for the next frame (the next one is not due before then; 0: at once). A
            paced loop then costs one rerun per frame and never sleeps on the server.
        click_plot: Index of a figure whose clicks are reported (None: none). A click (a press and
            release within a few pixels) inside its plot area sets the component's value to
            ``{"click": [x, y], "id": ...}`` in data coordinates, ``id`` unique per click; the
            plot shows a crosshair cursor. With ``request_next`` the value is otherwise a request
            id (an int): read it with ``isinstance``.
        on_click: Callback run when the component's value changes (a click or a frame request).
    """
    figs = [
        None if f is None else [figure_to_dict(x) for x in f] if isinstance(f, (list, tuple)) else figure_to_dict(f)
        for f in figures
    ]
    _get_component()(
        figures=figs,
        frame=None if frame is None else int(frame),
        height=int(height),
        columns=None if columns is None else int(columns),
        config=dict(config or {}),
        request_next=bool(request_next),
        retry_ms=max(0, round(1000 * float(next_in))),
        rows=None if rows is None else [r if isinstance(r, (int, float)) else dict(r) for r in rows],
        # The request id this run answers (the component's current value), so the
        # frontend can tell the answer from the echo Streamlit sends on each request.
        ack=_current_value(key) if request_next else None,
        click_plot=None if click_plot is None else int(click_plot),
        key=key,
        default=None,
        on_change=on_click,
    )


def _current_value(key: str) -> Any:
    import streamlit as st

    try:
        return st.session_state.get(key)
    except Exception:  # no session (bare mode / unit tests)
        return None
