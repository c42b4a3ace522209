"""The f-GAN views: the bound F over time beside the true divergence (D steps and G steps told apart),
a critic T as a surface (the learned one beside T*), and one Gaussian fitted under each divergence
beside the best Gaussian that divergence allows.

Pure drawing: arrays in, plotly figures out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.render.plots import MAX_POINTS, REAL_POINTS, styled
from gan_viz.render.theme import CONTOUR, FAKE, JSD_LINE, REAL, SURFACE_SCALE

MOVER_COLOURS = {"D": "#1864ab", "G": "#e8590c", "both": "#868e96", "start": "#111111"}
MOVER_LABELS = {"D": "after D steps", "G": "after G steps", "both": "after whole rounds", "start": "start"}
OPTIMUM = "#2b8a3e"  # the best Gaussian's ellipse


def bound_chart(steps: Sequence[int], bound: Sequence[float], truth: Sequence[float], movers: Sequence[str],
                label: str, height: int = 380, scale: float = 1.0) -> go.Figure:
    """The bound F over the records, each marker coloured by which network moved since the one
    before (``MOVER_COLOURS``), beside the true D_f as a line. The x axis counts records (a Step
    D and a Step G each add one), with the training step in the hover."""
    idx = np.arange(len(steps))
    b, t = np.asarray(bound, np.float64), np.asarray(truth, np.float64)
    fig = go.Figure([
        go.Scatter(x=idx, y=t, name=f"true {label} on the grid", mode="lines",
                   line=dict(color=JSD_LINE, width=3, dash="dash"), customdata=np.asarray(steps),
                   hovertemplate="step %{customdata}: D_f %{y:.4f}<extra></extra>"),
        go.Scatter(x=idx, y=b, name="bound F (learned critic)", mode="lines", line=dict(color="#adb5bd", width=1.5),
                   hoverinfo="skip", showlegend=False),
    ])
    movers = np.asarray(movers)
    for mover in ("start", "D", "G", "both"):
        sel = movers == mover
        if sel.any():
            fig.add_trace(go.Scatter(x=idx[sel], y=b[sel], mode="markers", name=f"F {MOVER_LABELS[mover]}",
                                     marker=dict(color=MOVER_COLOURS[mover], size=10),
                                     customdata=np.asarray(steps)[sel],
                                     hovertemplate="step %{customdata}: F %{y:.4f}<extra></extra>"))
    fig.update_layout(height=height, font=dict(size=15), margin=dict(l=50, r=20, t=30, b=40),
                      legend=dict(orientation="h", y=-0.3), uirevision="fbound")
    fig.update_xaxes(title_text="record (one per frame, Step D or Step G)")
    fig.update_yaxes(title_text="nats")
    return styled(fig, scale)


def signed_log(t: np.ndarray, centre: float) -> np.ndarray:
    """sign(t - centre) log(1 + |t - centre|): how a critic is coloured, so that T* (which spans many
    orders of magnitude where one density is far below the other) and a learned T share one scale."""
    d = np.asarray(t, np.float64) - centre
    return np.sign(d) * np.log1p(np.abs(d))


def critic_range(t_star: np.ndarray, centre: float, grid_x: np.ndarray, grid_y: np.ndarray,
                 points: np.ndarray) -> float:
    """How far from f'(1) the shared colour scale of T and T* reaches, in ``signed_log`` units: the
    98th percentile of |signed_log(T*)| at the grid cells of ``points`` (the real and generated
    samples: where the critics matter), at least 0.1."""
    pts = np.asarray(points, np.float64)
    ix = np.clip(np.searchsorted(np.asarray(grid_x), pts[:, 0]), 0, len(grid_x) - 1)
    iy = np.clip(np.searchsorted(np.asarray(grid_y), pts[:, 1]), 0, len(grid_y) - 1)
    vals = np.abs(signed_log(np.asarray(t_star)[ix, iy], centre))
    vals = vals[np.isfinite(vals)]
    return max(float(np.percentile(vals, 98)) if len(vals) else 1.0, 0.1)


def _ticks(half: float, centre: float) -> tuple[list[float], list[str]]:
    """Colour-bar ticks of a ``signed_log`` scale, labelled in T: f'(1) and at most three distances a
    side from it (0.1, 1, 10, ... as the scale reaches), evenly thinned."""
    ds = [d for d in (0.1, 0.3, 1.0, 3.0, 10.0, 100.0, 1e3, 1e4, 1e6, 1e9, 1e12)
          if half / 6 <= np.log1p(d) <= half]  # none so near f'(1) that its labels overlap
    ds = [ds[i] for i in sorted({round(k) for k in np.linspace(0, len(ds) - 1, 3)})] if len(ds) > 3 else ds
    vals, text = [0.0], [f"{centre:.3g}"]
    for d in ds:
        z = float(np.log1p(d))
        vals += [z, -z]
        text += [f"{centre + d:.3g}", f"{centre - d:.3g}"]
    return vals, text


def critic_view(*, extent: tuple[float, float, float, float], grid_x: np.ndarray, grid_y: np.ndarray,
                critic: np.ndarray, half: float, centre: float, real: np.ndarray, fake: np.ndarray, title: str,
                label: str = "T(x)", height: int = 460, scale: float = 1.0) -> go.Figure:
    """A critic T on the grid, coloured by ``signed_log`` around its balance level f'(1) (``centre``)
    and clipped at +-``half``: orange where T is below it (the critic says p_g > p_x), blue above, the
    level itself dashed, the samples on top."""
    x0, x1, y0, y1 = extent
    z = np.clip(signed_log(critic, centre), -half, half).T
    tickvals, ticktext = _ticks(half, centre)
    fig = go.Figure([
        go.Heatmap(x=grid_x, y=grid_y, z=z, zmin=-half, zmax=half, colorscale=SURFACE_SCALE, hoverinfo="skip",
                   colorbar=dict(title=dict(text=label), len=0.8, thickness=18, tickvals=tickvals,
                                 ticktext=ticktext)),
        go.Contour(x=grid_x, y=grid_y, z=z, showscale=False, hoverinfo="skip", name=f"T = f'(1) = {centre:.3g}",
                   contours=dict(start=0.0, end=0.0, size=1, coloring="none"),
                   line=dict(color=CONTOUR, width=3, dash="dash"), showlegend=True),
        go.Scatter(x=real[:REAL_POINTS, 0], y=real[:REAL_POINTS, 1], mode="markers", name="real",
                   marker=dict(color=REAL, size=6, opacity=0.7)),
        go.Scatter(x=fake[:MAX_POINTS, 0], y=fake[:MAX_POINTS, 1], mode="markers", name="generated",
                   marker=dict(color=FAKE, size=5, opacity=0.7)),
    ])
    fig.update_layout(height=height, title=dict(text=title), margin=dict(l=40, r=20, t=40, b=40), uirevision=title,
                      legend=dict(orientation="h", yanchor="top", y=-0.08, x=0), plot_bgcolor="white",
                      xaxis=dict(range=[x0, x1], showgrid=False, zeroline=False, constrain="domain"),
                      yaxis=dict(range=[y0, y1], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1))
    return styled(fig, scale)


def ellipse(mean: np.ndarray, cov: np.ndarray, radius: float = 2.0, points: int = 80) -> np.ndarray:
    """The ``radius``-std ellipse of N(mean, cov), (points, 2)."""
    vals, vecs = np.linalg.eigh(np.asarray(cov, np.float64))
    a = np.linspace(0.0, 2.0 * np.pi, points)
    circle = np.stack([np.cos(a), np.sin(a)], -1) * radius * np.sqrt(np.maximum(vals, 0.0))
    return np.asarray(mean, np.float64) + circle @ vecs.T


def fit_panels(panels: Sequence[dict], real: np.ndarray, extent: tuple[float, float, float, float],
               columns: int = 3, height: int = 560, scale: float = 1.0) -> go.Figure:
    """One panel per divergence: the data, the trained generator's samples and 2-std ellipse, and the
    best Gaussian's ellipse (dashed, green). Each panel dict holds ``title``, ``fake`` (m, 2),
    ``mean``, ``cov`` (the generator's Gaussian) and ``opt_mean``, ``opt_cov``."""
    rows = -(-len(panels) // columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[p["title"] for p in panels],
                        horizontal_spacing=0.03, vertical_spacing=0.1)
    for i, p in enumerate(panels):
        r, c = i // columns + 1, i % columns + 1
        first = i == 0
        fit, best = ellipse(p["mean"], p["cov"]), ellipse(p["opt_mean"], p["opt_cov"])
        traces = [
            go.Scatter(x=real[:400, 0], y=real[:400, 1], mode="markers", name="real", showlegend=first,
                       legendgroup="real", marker=dict(color=REAL, size=4, opacity=0.5)),
            go.Scatter(x=p["fake"][:300, 0], y=p["fake"][:300, 1], mode="markers", name="generated",
                       showlegend=first, legendgroup="fake", marker=dict(color=FAKE, size=4, opacity=0.5)),
            go.Scatter(x=fit[:, 0], y=fit[:, 1], mode="lines", name="trained G (2 std)", showlegend=first,
                       legendgroup="fit", line=dict(color=FAKE, width=3)),
            go.Scatter(x=best[:, 0], y=best[:, 1], mode="lines", name="best Gaussian under this divergence",
                       showlegend=first, legendgroup="best", line=dict(color=OPTIMUM, width=3, dash="dash")),
        ]
        for t in traces:
            fig.add_trace(t, row=r, col=c)
        fig.update_xaxes(range=list(extent[:2]), showgrid=False, zeroline=False, showticklabels=False, row=r, col=c)
        fig.update_yaxes(range=list(extent[2:]), showgrid=False, zeroline=False, showticklabels=False,
                         scaleanchor=f"x{i + 1 if i else ''}", row=r, col=c)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white",
                      legend=dict(orientation="h", yanchor="bottom", y=-0.08, x=0), uirevision="fits")
    return styled(fig, scale)
