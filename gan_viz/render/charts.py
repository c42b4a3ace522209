"""Pure plotting of training over time: mode occupancy, losses and metrics, the Theory page's
charts and the counter-example's contrast (numpy arrays in, plotly figures out).

Type sizes and the base layout come from ``plots``, colours from ``theme``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.render.plots import FONT, base_layout, styled
from gan_viz.render.theme import FAKE, HOP, HQ_LINE, JSD_LINE, MODES_LINE, OCCUPANCY_SCALE, REAL


def _x_range(span: tuple[float, float] | None) -> dict:
    """An axis's fixed range, or automatic. Never ``range: None``: plotly.js throws "container is
    not an object" updating a figure from a fixed range to a null one."""
    return {"range": [float(span[0]), float(span[1])]} if span else {"autorange": True}


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
    if len(x) == 1:  # one evaluation (step 0): one column filling the range, not half a cell
        x = np.array([x[0], max(x_range[1], x[0] + 1.0) if x_range else x[0] + 1.0])
        x_range = (float(x[0]), float(x[1]))
        z = np.repeat(z, 2, axis=1)
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
    layout = base_layout(height, uirevision="occupancy", showlegend=False, margin=dict(l=90, r=20, t=40, b=40),
                     title=dict(text=f"{title} ({total} hops)", font=dict(size=17)),
                     xaxis=dict(title=dict(text="step"), **_x_range(x_range)),
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

    one = len(s) == 1  # step 0: each series is one point, drawn as a dot on a 0..1 step axis

    def line(y, name, color, axis, **kw):
        return dict(type="scatter", x=s, y=y, name=name, xaxis=f"x{axis}", yaxis=f"y{axis}",
                    mode="lines+markers" if one else "lines", marker=dict(size=9, color=color),
                    line=dict(color=color, width=3, **kw))

    minus_log4 = -math.log(4.0)
    data = [
        line(arr(d_loss), "D loss", REAL, ""),
        line(arr(g_loss), "G loss", FAKE, ""),
        line(arr(value), "V(D, G)", "#2b8a3e", "2"),
        line(arr(jsd), "JSD", JSD_LINE, "2"),
        line(np.full(2, minus_log4), "-log 4", "#2b8a3e", "2", dash="dot") | dict(
            x=np.array([s[0] if len(s) else 0.0, s[-1] if len(s) else 1.0])),
        line(100 * arr(hq_fraction), "% HQ", HQ_LINE, "3"),
        line(arr(modes_captured), "modes", MODES_LINE, "4", shape="hv"),
    ]
    gap, h = 0.1, 0.14
    dom = [[0.0, 0.5 - gap / 2], [0.5 + gap / 2, 1.0]]
    rows = [[0.5 + h / 2, 1.0], [0.0, 0.5 - h / 2]]
    titles = ["D and G losses", "V(D, G), JSD; dotted: -log 4", "% high quality", f"modes captured (of {num_modes})"]
    layout = base_layout(height, uirevision="metrics", legend=dict(orientation="h", y=-0.12),
                     margin=dict(l=50, r=20, t=40, b=40))
    annotations = []
    for i, (col, row) in enumerate([(0, 0), (1, 0), (0, 1), (1, 1)]):
        n = "" if i == 0 else str(i + 1)
        layout[f"xaxis{n}"] = dict(domain=dom[col], anchor=f"y{n}", showgrid=True, gridcolor="#e9ecef",
                                   title=dict(text="step") if row == 1 else None,
                                   **_x_range((s[0], s[0] + 1.0) if one else None))
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
        go.Scatter(x=s, y=c_of_g, name="C(G) = -log 4 + 2 JSD (with D*)", line=dict(color=JSD_LINE, width=3)),
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
    fig.add_trace(go.Scatter(x=np.asarray(steps), y=np.asarray(jsd), line=dict(color=JSD_LINE, width=3),
                             name="JSD"), 1, 1)
    fig.add_trace(go.Scatter(x=np.asarray(steps), y=dist, line=dict(color=FAKE, width=3), name="distance"), 1, 2)
    fig.update_xaxes(title_text="round (1 D step + 1 G step)")
    fig.update_layout(height=height, font=dict(size=15), showlegend=False, margin=dict(l=50, r=20, t=40, b=50))
    return styled(fig)


MAP_SCALE = [[0.0, "#fff5eb"], [0.5, "#fd8d3c"], [1.0, "#7f2704"]]


def collapse_map(values: np.ndarray, x_labels: Sequence[str], y_labels: Sequence[str], x_title: str, y_title: str,
                 metric: str, zrange: tuple[float, float] | None = None, hover: np.ndarray | None = None,
                 height: int = 520, scale: float = 1.0) -> go.Figure:
    """A collapse map: ``values`` (len(y), len(x)) as coloured cells with their numbers printed,
    NaN (not computed yet, or every run diverged) left blank. One marker per cell on top (trace 1)
    carries the cell's hover text (``hover``) and makes a click select it: its point index gives
    the cell (``map_cell``)."""
    z = np.asarray(values, dtype=np.float64)
    ny, nx = z.shape
    xs, ys = list(x_labels), list(y_labels)
    finite = z[np.isfinite(z)]
    lo, hi = zrange if zrange is not None else ((float(finite.min()), float(finite.max())) if finite.size else (0, 1))
    text = np.where(np.isfinite(z), np.vectorize(lambda v: f"{v:.2g}")(np.nan_to_num(z)), "")
    fig = go.Figure(go.Heatmap(z=z, x=xs, y=ys, zmin=lo, zmax=max(hi, lo + 1e-9), colorscale=MAP_SCALE,
                               text=text, texttemplate="%{text}", textfont=dict(size=round(15 * scale)),
                               colorbar=dict(title=dict(text=metric, side="right")), hoverinfo="skip"))
    gx, gy = np.meshgrid(np.arange(nx), np.arange(ny))
    hov = hover if hover is not None else text
    fig.add_trace(go.Scatter(
        x=[xs[i] for i in gx.ravel()], y=[ys[j] for j in gy.ravel()], mode="markers",
        marker=dict(size=max(12, 300 // max(nx, ny)), color="rgba(0,0,0,0)", symbol="square"),
        hovertext=np.asarray(hov).ravel(),
        hoverinfo="text", showlegend=False))
    fig.update_xaxes(title_text=x_title, type="category", showgrid=False)
    fig.update_yaxes(title_text=y_title, type="category", showgrid=False)
    fig.update_layout(height=height, font=FONT, margin=dict(l=80, r=20, t=30, b=60), plot_bgcolor="white",
                      clickmode="event+select", dragmode=False, uirevision="collapse-map")
    return styled(fig, scale)


def map_cell(point_index: int, nx: int) -> tuple[int, int]:
    """(x index, y index) of the cell whose click target in ``collapse_map`` has this point index."""
    return point_index % nx, point_index // nx
