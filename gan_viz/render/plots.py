"""Pure plotting of the 2-D scene: numpy arrays in, plotly figures out (no streamlit, no jax).

The main view (decision surface, samples, gradient arrows, generator manifold) and the type
sizes every figure shares; the charts over time are in ``charts``. Sizes are chosen for a
projector at the back of a room: large fonts, thick lines. The colours of real and generated
samples and of the decision surface come from ``theme``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gan_viz.render import raster as raster_lib
from gan_viz.render.theme import CONTOUR, FAKE, REAL, SURFACE_SCALE

FONT = dict(size=18)
TICK_PX = 15  # tick labels in every chart (>= 14 px: legible from the back of a room)
ARROW_SPAN = 0.06  # an arrow for |grad| = ARROW_UNIT is this share of the view's width
ARROW_UNIT = 1.0
MAX_POINTS = 1000  # generated points drawn per frame (of the 2,500 evaluated)
REAL_POINTS = 500


def _segments(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y arrays drawing one line segment per row, separated by NaN gaps."""
    n = len(starts)
    xs = np.full(3 * n, np.nan)
    ys = np.full(3 * n, np.nan)
    xs[0::3], xs[1::3] = starts[:, 0], ends[:, 0]
    ys[0::3], ys[1::3] = starts[:, 1], ends[:, 1]
    return xs, ys


def _polylines(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y arrays for (L, P, 2) polylines, separated by NaN gaps."""
    L, P, _ = lines.shape
    pad = np.full((L, 1, 2), np.nan)
    flat = np.concatenate([lines, pad], axis=1).reshape(-1, 2)
    return flat[:, 0], flat[:, 1]


_AXIS_KEY = ("xaxis", "yaxis")


def styled(fig, scale: float = 1.0):
    """Sets the type sizes of a figure (dict or ``go.Figure``) explicitly, scaled by ``scale``.

    Tick labels get an explicit size on every axis: Streamlit's chart theme sets its own
    (small) tick font, which a layout-wide font size does not override.
    """
    tick = dict(size=round(TICK_PX * scale))
    if isinstance(fig, go.Figure):
        fig.update_xaxes(tickfont=tick, title_font=dict(size=round(16 * scale)))
        fig.update_yaxes(tickfont=tick, title_font=dict(size=round(16 * scale)))
        fig.update_layout(font_size=round(15 * scale), legend_font_size=round(15 * scale))
        fig.update_annotations(font_size=round(16 * scale))
        return fig
    layout = fig["layout"]
    for name in [k for k in layout if k.startswith(_AXIS_KEY)] or ["xaxis", "yaxis"]:
        axis = layout.setdefault(name, {})
        axis["tickfont"] = tick
        title = axis.get("title")
        if isinstance(title, dict):
            title["font"] = dict(size=round(16 * scale))
    base = layout.get("font") or {}
    layout["font"] = dict(base, size=round(base.get("size", 15) * scale))
    for a in layout.get("annotations") or []:
        a["font"] = dict(a.get("font") or {}, size=round((a.get("font") or {}).get("size", 16) * scale))
    if isinstance(layout.get("title"), dict):
        t = layout["title"]
        t["font"] = dict(t.get("font") or {}, size=round((t.get("font") or {}).get("size", 17) * scale))
    return fig


def arrow_traces(starts: np.ndarray, arrows: np.ndarray, extent: tuple[float, float, float, float],
                 color: str = "#2b2b2b") -> list[dict]:
    """Gradient arrows on a fixed scale, with heads, and a key showing that scale.

    An arrow for |grad| = ``ARROW_UNIT`` is ``ARROW_SPAN`` of the view's width, whatever the
    frame: a vanishing gradient draws short (a dot), a strong one long. Lengths are capped at
    four units (the cap is said in the key) so one steep sample cannot cover the view.
    """
    x0, x1, y0, y1 = extent
    unit = ARROW_SPAN * (x1 - x0) / ARROW_UNIT  # view units per gradient unit
    a = np.asarray(arrows, np.float64)
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    capped = a * np.minimum(1.0, 4.0 / np.maximum(norms, 1e-30))
    start = np.asarray(starts, np.float64)[: len(a)]
    end = start + capped * unit
    xs, ys = _segments(start, end)
    angle = np.degrees(np.arctan2(capped[:, 0], capped[:, 1]))  # plotly: clockwise from up
    visible = norms[:, 0] * unit > 0.004 * (x1 - x0)
    kx, ky = x0 + 0.04 * (x1 - x0), y1 - 0.05 * (y1 - y0)
    return [
        dict(type="scatter", x=xs, y=ys, mode="lines", name="-grad G loss", line=dict(color=color, width=2),
             hoverinfo="skip", showlegend=False),
        dict(type="scatter", x=end[visible, 0], y=end[visible, 1], mode="markers", name="arrow heads",
             hoverinfo="skip",
             showlegend=False, marker=dict(symbol="triangle-up", size=9, angle=angle[visible], color=color)),
        dict(type="scatter", x=[kx, kx + unit * ARROW_UNIT], y=[ky, ky], mode="lines+markers+text", name="arrow scale",
             hoverinfo="skip", showlegend=False, line=dict(color=color, width=3),
             marker=dict(symbol=["line-ns", "triangle-right"], size=[10, 11], color=color,
                         line=dict(width=2, color=color)),
             text=["", f"  |grad| = {ARROW_UNIT:g} (capped at 4)"], textposition="middle right",
             textfont=dict(size=14, color=color)),
    ]


def base_layout(height: int, **extra) -> dict:
    base = dict(height=height, font=dict(size=15), plot_bgcolor="white", paper_bgcolor="white",
                margin=dict(l=50, r=20, t=40, b=40))
    base.update(extra)
    return base


def main_view(
    *,
    extent: tuple[float, float, float, float],
    grid_x: np.ndarray,
    grid_y: np.ndarray,
    surface: np.ndarray,
    real: np.ndarray,
    fake: np.ndarray,
    surface_label: str = "D(x)",
    arrows: np.ndarray | None = None,
    manifold: np.ndarray | None = None,
    centres: np.ndarray | None = None,
    height: int = 640,
    title: str | None = None,
    raster: bool = False,
    scale: float = 1.0,
) -> dict:
    """The big square plot: decision surface, its D = 1/2 contour, real and generated samples.

    Returns a plotly figure as a plain dict (``{"data", "layout"}``): built without plotly's
    validators, it costs about a millisecond, which matters at 15+ frames per second.
    ``go.Figure(main_view(...))`` gives a Figure object.

    Args:
        extent: fixed ``(x0, x1, y0, y1)`` so axes never jump while training.
        grid_x, grid_y: cell centres of ``surface``; ``surface[i, j]`` is at (grid_x[i], grid_y[j]).
        surface: D (or D*) on the grid, values in [0, 1].
        real, fake: (n, 2) samples; at most ``REAL_POINTS`` / ``MAX_POINTS`` are drawn.
        arrows: optional (m, 2) directions that lower the generator loss, one per ``fake[:m]``.
        manifold: optional (2, L, P, 2) image of a latent grid.
        centres: optional (K, 2) mode centres, drawn as small crosses.
        scale: type size factor (the app's Projector option).
        raster: draw surface, contour and samples as one PNG image behind the axes (see
            ``gan_viz.render.raster``) instead of heatmap, contour and scatter traces: in a
            software-rendered browser that redraws in ~6 ms instead of ~30 ms, which is what
            the live view needs.
    """
    x0, x1, y0, y1 = extent
    z = np.asarray(surface, dtype=np.float32).T  # plotly rows are y
    gx, gy = np.asarray(grid_x, np.float32), np.asarray(grid_y, np.float32)
    real, fake = np.asarray(real), np.asarray(fake)
    images = []
    if raster:
        # One image carries the surface, its contour and the samples (see gan_viz.render.raster).
        images.append(dict(source=raster_lib.scene_png(surface, extent, real[:REAL_POINTS], fake[:MAX_POINTS]),
                           xref="x", yref="y", layer="below", x=x0, y=y1, sizex=x1 - x0, sizey=y1 - y0,
                           sizing="stretch"))
        data: list[dict] = []  # any trace costs ~12 ms a redraw; the legend lives in the page
    else:
        data = [
            dict(type="heatmap", x=gx, y=gy, z=z, zmin=0, zmax=1, colorscale=SURFACE_SCALE, name=surface_label,
                 colorbar=dict(title=dict(text=surface_label), len=0.8, thickness=18), hoverinfo="skip"),
            dict(type="contour", x=gx, y=gy, z=z, showscale=False, hoverinfo="skip", name="D = 1/2",
                 contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                 line=dict(color=CONTOUR, width=3, dash="dash"), showlegend=True),
            # SVG, not WebGL: these figures go through st.plotly_chart, whose redraws (Theory refreshes
            # every second while playing) each take a new WebGL context; past 16 the browser drops the
            # oldest and a chart goes blank.
            dict(type="scatter", x=real[:REAL_POINTS, 0], y=real[:REAL_POINTS, 1], mode="markers", name="real",
                 marker=dict(color=REAL, size=7, opacity=0.8)),
            dict(type="scatter", x=fake[:MAX_POINTS, 0], y=fake[:MAX_POINTS, 1], mode="markers",
                 name="generated", marker=dict(color=FAKE, size=6, opacity=0.75)),
        ]
    if centres is not None:
        data.append(dict(type="scatter", x=centres[:, 0], y=centres[:, 1], mode="markers", name="mode centres",
                         marker=dict(symbol="x-thin", size=14, line=dict(width=3, color="#111111")),
                         hoverinfo="skip"))
    if arrows is not None and len(arrows):
        data += arrow_traces(fake, arrows, extent)
    if manifold is not None and np.any(manifold):
        xs, ys = _polylines(np.concatenate([manifold[0], manifold[1]], axis=0))
        data.append(dict(type="scatter", x=xs, y=ys, mode="lines", name="G(latent grid)",
                         line=dict(color="#5f3dc4", width=1.5), opacity=0.7, hoverinfo="skip"))
    layout = base_layout(
        height, font=FONT, title=dict(text=title) if title else None, uirevision="main",
        margin=dict(l=40, r=20, t=50 if title else 20, b=40), showlegend=not raster,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, font=dict(size=16)),
        xaxis=dict(range=[x0, x1], showgrid=False, zeroline=False, constrain="domain"),
        yaxis=dict(range=[y0, y1], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1),
        images=images,
    )
    return styled(dict(data=data, layout=layout), scale)
