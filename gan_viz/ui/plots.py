"""Pure plotting: numpy arrays in, plotly figures out (no streamlit, no jax).

Sizes are chosen for a projector at the back of a room: large fonts, thick lines. The
colours of real and generated samples and of the decision surface come from ``theme``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.ui import raster as raster_lib
from gan_viz.ui.theme import CONTOUR, FAKE, HOP, OCCUPANCY_SCALE, REAL, SURFACE_SCALE

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


def _layout(height: int, **extra) -> dict:
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
            ``gan_viz.ui.raster``) instead of heatmap, contour and scatter traces: in a
            software-rendered browser that redraws in ~6 ms instead of ~30 ms, which is what
            the live view needs.
    """
    x0, x1, y0, y1 = extent
    z = np.asarray(surface, dtype=np.float32).T  # plotly rows are y
    gx, gy = np.asarray(grid_x, np.float32), np.asarray(grid_y, np.float32)
    real, fake = np.asarray(real), np.asarray(fake)
    images = []
    if raster:
        # One image carries the surface, its contour and the samples (see gan_viz.ui.raster).
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
    layout = _layout(
        height, font=FONT, title=dict(text=title) if title else None, uirevision="main",
        margin=dict(l=40, r=20, t=50 if title else 20, b=40), showlegend=not raster,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, font=dict(size=16)),
        xaxis=dict(range=[x0, x1], showgrid=False, zeroline=False, constrain="domain"),
        yaxis=dict(range=[y0, y1], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1),
        images=images,
    )
    return styled(dict(data=data, layout=layout), scale)


def occupancy_view(
    steps: Sequence[int],
    occupancy: np.ndarray,
    off_mode: Sequence[float],
    hops: Sequence[tuple[float, int, int]] = (),
    height: int = 320,
    title: str = "Share of all generated samples",
    off_label: str = "off-mode",
    hop_count: int | None = None,
    x_range: tuple[float, float] | None = None,
    scale: float = 1.0,
) -> dict:
    """Mode occupancy over time: one row per mode plus an off-mode row, hops marked (a figure dict).

    Args:
        steps: (T,) training step of each evaluation.
        occupancy: (T, K) share of all generated samples that are high quality on each mode.
        off_mode: (T,) the rest (samples near no mode), so each column sums to 1.
        hops: ``(step, from mode, to mode)`` of each hop (``metrics.hop_events`` gives evaluation
            indices: map them through ``steps``); only hops inside the drawn time range show.
        hop_count: the number shown in the title (default: ``len(hops)``).
        x_range: the steps shown (a recent window); default all of ``steps``.
    """
    occ = np.asarray(occupancy, dtype=np.float32).reshape(len(steps), -1)
    k = occ.shape[1]
    z = np.concatenate([occ.T, np.asarray(off_mode, np.float32).reshape(1, -1)], axis=0)
    labels = [f"mode {i}" for i in range(k)] + [off_label]
    x = np.asarray(steps, dtype=np.float64)
    data: list[dict] = [dict(type="heatmap", x=x, y=labels, z=z, zmin=0, zmax=1, colorscale=OCCUPANCY_SCALE,
                             colorbar=dict(title=dict(text="share"), thickness=14, tickformat=".0%"),
                             hovertemplate="step %{x}<br>%{y}: %{z:.0%}<extra></extra>")]
    if x_range is not None:
        hops = [h for h in hops if x_range[0] <= h[0] <= x_range[1]]
    if hops:
        data.append(dict(type="scatter", x=[float(t) for t, _, _ in hops], y=[labels[to] for _, _, to in hops],
                         mode="markers", name="hop",
                         marker=dict(symbol="star", size=16, color=HOP, line=dict(width=1, color="white")),
                         hovertemplate="hop at step %{x} to %{y}<extra></extra>"))
    total = len(hops) if hop_count is None else hop_count
    layout = _layout(height, uirevision="occupancy", showlegend=False, margin=dict(l=90, r=20, t=40, b=40),
                     title=dict(text=f"{title} ({total} hops)", font=dict(size=17)),
                     xaxis=dict(title=dict(text="step"), range=list(x_range) if x_range else None),
                     yaxis=dict())
    return styled(dict(data=data, layout=layout), scale)


def metric_charts(
    steps: Sequence[int],
    d_loss: Sequence[float],
    g_loss: Sequence[float],
    value: Sequence[float],
    jsd: Sequence[float],
    hq_fraction: Sequence[float],
    modes_captured: Sequence[int],
    num_modes: int,
    height: int = 560,
    scale: float = 1.0,
) -> dict:
    """Losses, V(D, G) against -log 4, JSD, % high quality and modes captured (a 2 x 2 figure dict)."""
    s = np.asarray(steps, dtype=np.float64)
    arr = lambda v: np.asarray(v, dtype=np.float64)  # noqa: E731  (NaN gaps stay binary-safe)

    def line(y, name, color, axis, **kw):
        return dict(type="scatter", x=s, y=y, name=name, xaxis=f"x{axis}", yaxis=f"y{axis}", mode="lines",
                    line=dict(color=color, width=3, **kw))

    minus_log4 = -math.log(4.0)
    data = [
        line(arr(d_loss), "D loss", REAL, ""),
        line(arr(g_loss), "G loss", FAKE, ""),
        line(arr(value), "V(D, G)", "#2b8a3e", "2"),
        line(arr(jsd), "JSD", "#862e9c", "2"),
        line(np.full(2, minus_log4), "-log 4", "#2b8a3e", "2", dash="dot") | dict(
            x=np.array([s[0] if len(s) else 0.0, s[-1] if len(s) else 1.0])),
        line(100 * arr(hq_fraction), "% HQ", "#1864ab", "3"),
        line(arr(modes_captured), "modes", "#c92a2a", "4", shape="hv"),
    ]
    gap, h = 0.1, 0.14
    dom = [[0.0, 0.5 - gap / 2], [0.5 + gap / 2, 1.0]]
    rows = [[0.5 + h / 2, 1.0], [0.0, 0.5 - h / 2]]
    titles = ["D and G losses", "V(D, G), JSD; dotted: -log 4", "% high quality", f"modes captured (of {num_modes})"]
    layout = _layout(height, uirevision="metrics", legend=dict(orientation="h", y=-0.12),
                     margin=dict(l=50, r=20, t=40, b=40))
    annotations = []
    for i, (col, row) in enumerate([(0, 0), (1, 0), (0, 1), (1, 1)]):
        n = "" if i == 0 else str(i + 1)
        layout[f"xaxis{n}"] = dict(domain=dom[col], anchor=f"y{n}", showgrid=True, gridcolor="#e9ecef",
                                   title=dict(text="step") if row == 1 else None)
        layout[f"yaxis{n}"] = dict(domain=rows[row], anchor=f"x{n}", showgrid=True, gridcolor="#e9ecef")
        annotations.append(dict(text=titles[i], x=sum(dom[col]) / 2, y=rows[row][1], xref="paper", yref="paper",
                                xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=16)))
    layout["yaxis3"]["range"] = [0, 100]
    layout["yaxis4"]["range"] = [0, num_modes + 0.5]
    layout["annotations"] = annotations
    return styled(dict(data=data, layout=layout), scale)


def gradient_norms(names: Sequence[str], norms: Sequence[float], height: int = 320, scale: float = 1.0) -> go.Figure:
    """Bar chart of the generator's gradient norm under each loss, on the same state.

    The axis is linear from 0, so bar lengths compare as the numbers do (a 1.8x ratio looks
    1.8x); the exact values are printed on the bars, since a vanished one is a sliver.
    """
    vals = [float(n) for n in norms]
    fig = go.Figure(go.Bar(x=list(names), y=vals, marker_color=[FAKE, REAL, "#868e96"][: len(names)],
                           text=[f"{v:.2e}" for v in vals], textposition="outside", cliponaxis=False))
    top = max([v for v in vals if math.isfinite(v)] + [1e-12])
    fig.update_yaxes(range=[0, 1.2 * top], rangemode="tozero", title_text="||grad_theta L_G||")
    fig.update_layout(height=height, font=FONT, margin=dict(l=60, r=20, t=30, b=40), uirevision="gradnorms")
    return styled(fig, scale)


def value_vs_jsd(steps: Sequence[int], value: Sequence[float], jsd: Sequence[float], height: int = 380,
                 scale: float = 1.0) -> go.Figure:
    """V(D, G) over time beside C(G) = -log 4 + 2 JSD and the equilibrium line -log 4."""
    s = np.asarray(steps, dtype=np.float64)
    c_of_g = -math.log(4.0) + 2.0 * np.asarray(jsd, dtype=np.float64)
    fig = go.Figure([
        go.Scatter(x=s, y=np.asarray(value, dtype=np.float64), name="V(D, G) with the learned D",
                   line=dict(color="#2b8a3e", width=3)),
        go.Scatter(x=s, y=c_of_g, name="C(G) = -log 4 + 2 JSD (with D*)", line=dict(color="#862e9c", width=3)),
    ])
    fig.add_hline(y=-math.log(4), line=dict(color="#495057", dash="dot", width=2),
                  annotation_text="-log 4 (p_g = p_x)", annotation_position="bottom right")
    fig.update_layout(height=height, font=dict(size=15), margin=dict(l=50, r=20, t=30, b=40),
                      legend=dict(orientation="h", y=-0.25), uirevision="cofg")
    fig.update_xaxes(title_text="step")
    return styled(fig, scale)


def k_d_curves(k_values: Sequence[int], alignment: Sequence[float], minimax_norm: Sequence[float],
               non_saturating_norm: Sequence[float], height: int = 380, scale: float = 1.0) -> go.Figure:
    """Guidance (alignment) and generator gradient norms against the number of D steps."""
    k = np.maximum(np.asarray(k_values, dtype=np.float64), 0.5)  # k = 0 drawn at 0.5 on the log axis
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=k, y=np.asarray(minimax_norm), name="|grad| minimax", mode="lines+markers",
                             line=dict(color=FAKE, width=3)), secondary_y=False)
    fig.add_trace(go.Scatter(x=k, y=np.asarray(non_saturating_norm), name="|grad| non-saturating",
                             mode="lines+markers", line=dict(color=REAL, width=3)), secondary_y=False)
    fig.add_trace(go.Scatter(x=k, y=np.asarray(alignment), name="arrows toward data (cos)", mode="lines+markers",
                             line=dict(color="#2b8a3e", width=3, dash="dash")), secondary_y=True)
    fig.update_xaxes(type="log", title_text="D steps before G looks (k_D; 0 drawn at 0.5)")
    fig.update_yaxes(type="log", title_text="||grad_theta L_G||", secondary_y=False)
    fig.update_yaxes(range=[-1, 1.05], title_text="alignment", secondary_y=True)
    fig.update_layout(height=height, font=dict(size=15), margin=dict(l=60, r=60, t=30, b=50),
                      legend=dict(orientation="h", y=-0.3))
    return styled(fig, scale)


def contrast_chart(steps: Sequence[int], jsd: Sequence[float], g_mean: np.ndarray, data_mean: np.ndarray,
                   height: int = 360) -> go.Figure:
    """JSD and the generator's distance to the data over joint training (the lecture's remedy)."""
    dist = np.linalg.norm(np.asarray(g_mean) - np.asarray(data_mean)[None], axis=1)
    fig = make_subplots(rows=1, cols=2, subplot_titles=("JSD(p_x || p_theta)", "distance of G's mean to the data"))
    fig.add_trace(go.Scatter(x=np.asarray(steps), y=np.asarray(jsd), line=dict(color="#862e9c", width=3),
                             name="JSD"), 1, 1)
    fig.add_trace(go.Scatter(x=np.asarray(steps), y=dist, line=dict(color=FAKE, width=3), name="distance"), 1, 2)
    fig.update_xaxes(title_text="round (1 D step + 1 G step)")
    fig.update_layout(height=height, font=dict(size=15), showlegend=False, margin=dict(l=50, r=20, t=40, b=50))
    return styled(fig)
