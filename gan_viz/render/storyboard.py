"""Draws the counter-example storyboard: one panel per round; arrays in, a plotly Figure out.

Pure drawing: no jax, no streamlit. A round is any object with the attributes of
``counterexample.RoundRecord`` (``round``, ``fake_before``, ``mean_before``, ``d_surface``,
``d_on_before``, ``d_accuracy_before``, ``fake_after``, ``mean_after``, ``frozen_d_on_moved``,
``jsd``); a round whose ``fake_after`` is None (classifier trained, generator not moved yet) is
drawn without the move.

Colours (``theme.SLIDE_*``) are chosen for a projector: light backgrounds for the classifier's
two sides, dark saturated points on top, a thick black D = 1/2 line, large type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.core import viewbox
from gan_viz.render.theme import INK, SLIDE_FAKE, SLIDE_REAL, SLIDE_SURFACE_SCALE

BOUNDARY = dict(color=INK, width=3.5, dash="dash")
FONT = 20
TITLE_FONT = 24
TABLE_FONT = 20  # px, the per-round table in the app
PANEL_PX = 520  # width of one panel
MAX_POINTS = 600  # points drawn per cloud (the statistics use all samples)
MARGIN = 1.0  # data units around everything drawn
VIEW_HALF = 5.5  # the view: a square this many data units either side of the real data's centre
LOG2 = float(np.log(2.0))  # JSD's maximum, reached when the two distributions do not overlap
REAL_NAME = "real data p<sub>x</sub>"


def panel_title(index: int, moved: bool) -> str:
    """``Round t: Dt trained, G moves`` (or ``... trained`` before the move)."""
    return f"Round {index}: D{index} trained, G moves" if moved else f"Round {index}: D{index} trained"


def jsd_text(jsd: float) -> str:
    """JSD read against its maximum (no overlap at all): ``JSD = 0.68 nats (max log 2 = 0.69)``."""
    return f"JSD = {jsd:.2f} nats (max log 2 = {LOG2:.2f})"


def view_box(real: np.ndarray, rounds: Sequence[Any], grid_box: tuple[float, float, float, float],
             fake: np.ndarray | None = None) -> tuple[float, float, float, float]:
    """The storyboard's axes: the same in every panel and every phase, so the real cluster never
    moves on screen. A square of ``VIEW_HALF`` around the real data's centre; only if some round's
    generator (any round so far, shown or not) lands outside it does the view become the whole
    grid, once."""
    real = np.asarray(real, float)
    centre = np.nanmedian(real, axis=0) if real.size else np.zeros(2)
    box = viewbox.square(centre, centre, min_half=VIEW_HALF)
    clouds = [real] + [c for r in rounds for c in (r.fake_before, r.fake_after) if c is not None]
    if fake is not None:
        clouds.append(fake)
    corners = viewbox.spread(clouds)
    if corners is not None:
        lo, hi = corners[0] - MARGIN, corners[1] + MARGIN
        if not (box[0] <= lo[0] and hi[0] <= box[1] and box[2] <= lo[1] and hi[1] <= box[3]):
            box = viewbox.square(np.array(grid_box[::2]), np.array(grid_box[1::2]))
    return (max(box[0], grid_box[0]), min(box[1], grid_box[1]), max(box[2], grid_box[2]), min(box[3], grid_box[3]))


def _thin(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return x if len(x) <= MAX_POINTS else x[:: int(np.ceil(len(x) / MAX_POINTS))]


def figure(rounds: Sequence[Any], real: np.ndarray, xs: np.ndarray, ys: np.ndarray, *,
           fake: np.ndarray | None = None, title: str | None = None,
           max_panels: int | None = 4, box: tuple[float, float, float, float] | None = None) -> go.Figure:
    """One panel per round (the last ``max_panels`` rounds), shared axes.

    Each panel shows D_t's decision surface as a heatmap with its D = 1/2 contour, the real
    samples, the generator's samples before the move (faded) and after it, and an arrow from
    the old generator mean to the new one.

    Args:
        rounds: round records, round 1 first.
        real: (n, 2) samples of p_x.
        xs, ys: the grid cell centres of ``d_surface`` (row i of a surface is x = xs[i]).
        fake: the generator's current samples; drawn as a single "start" panel when there are
            no rounds yet.
        title: an overall title.
        max_panels: draw only the last this many rounds (None: all).
        box: the view ``(x0, x1, y0, y1)``; default ``view_box`` of the rounds given (a
            sequence of figures, one per phase, passes the box of them all so nothing moves).

    Returns:
        A plotly Figure.
    """
    rounds = list(rounds)
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    real = np.asarray(real, float)
    x0, x1, y0, y1 = box or view_box(real, rounds, (xs[0], xs[-1], ys[0], ys[-1]), fake)
    if max_panels is not None and len(rounds) > max_panels:
        rounds = rounds[-max_panels:]

    n = max(len(rounds), 1)
    titles = ([panel_title(r.round, r.fake_after is not None) for r in rounds]
              or ["Start: p<sub>x</sub> and the generator"])
    fig = make_subplots(rows=1, cols=n, shared_xaxes=True, shared_yaxes=True, subplot_titles=titles,
                        horizontal_spacing=0.03)
    legend_done: set[str] = set()

    def scatter(pts, name, col, opacity):
        pts = _thin(pts)
        fig.add_trace(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=name, legendgroup=name,
                                 showlegend=name not in legend_done, hoverinfo="skip",
                                 marker=dict(size=6, color=SLIDE_FAKE if name != REAL_NAME else SLIDE_REAL,
                                             opacity=opacity)),
                      row=1, col=col)
        legend_done.add(name)

    # Only the part of the grid near the view: a lighter figure.
    ix = (xs >= x0 - 1) & (xs <= x1 + 1)
    iy = (ys >= y0 - 1) & (ys <= y1 + 1)
    for col, r in enumerate(rounds, start=1):
        t, moved = r.round, r.fake_after is not None
        axis = "" if col == 1 else str(col)
        z = np.asarray(r.d_surface, float)[np.ix_(ix, iy)].T  # plotly rows are y
        fig.add_trace(go.Heatmap(x=xs[ix], y=ys[iy], z=z, zmin=0, zmax=1, colorscale=SLIDE_SURFACE_SCALE,
                                 zsmooth="best", showscale=col == 1, hoverinfo="skip",
                                 colorbar=dict(title=dict(text="D<sub>t</sub>(x)", font=dict(size=FONT)),
                                               tickvals=[0, 0.5, 1], ticktext=["0 fake", "½", "1 real"],
                                               tickfont=dict(size=FONT - 2), len=0.8, x=1.01)),
                      row=1, col=col)
        fig.add_trace(go.Contour(x=xs[ix], y=ys[iy], z=z, showscale=False, hoverinfo="skip", showlegend=False,
                                 contours=dict(start=0.5, end=0.5, size=1, coloring="lines"),
                                 colorscale=[[0, BOUNDARY["color"]], [1, BOUNDARY["color"]]], line=BOUNDARY),
                      row=1, col=col)
        if "boundary" not in legend_done:  # a legend entry that looks like the line
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=BOUNDARY,
                                     name="D<sub>t</sub> = ½ (decision boundary)"), row=1, col=col)
            legend_done.add("boundary")
        scatter(real, REAL_NAME, col, 0.75)
        if moved:
            scatter(r.fake_before, "G before the move", col, 0.25)
            scatter(r.fake_after, "G after the move", col, 0.9)
            a, b = np.asarray(r.mean_before, float), np.asarray(r.mean_after, float)
            fig.add_annotation(x=b[0], y=b[1], ax=a[0], ay=a[1], xref=f"x{axis}", yref=f"y{axis}",
                               axref=f"x{axis}", ayref=f"y{axis}", showarrow=True, arrowhead=2,
                               arrowsize=1.6, arrowwidth=3.5, arrowcolor=INK, text="")
            caption = f"D{t}(moved G) = {r.frozen_d_on_moved:.2f}<br>{jsd_text(r.jsd)}"
        else:
            scatter(r.fake_before, "G (D<sub>t</sub> trained on these)", col, 0.85)
            caption = f"D{t}(G) = {r.d_on_before:.2f} · accuracy {100 * r.d_accuracy_before:.0f} %"
        fig.add_annotation(x=0.5, y=0.02, xref=f"x{axis} domain", yref=f"y{axis} domain", showarrow=False,
                           yanchor="bottom", bgcolor="rgba(255,255,255,0.85)", borderpad=4, text=caption,
                           font=dict(size=FONT, color=INK))
    if not rounds:
        scatter(real, REAL_NAME, 1, 0.75)
        if fake is not None:
            scatter(fake, "generator p<sub>θ</sub>", 1, 0.85)

    return _style_panels(fig, (x0, x1, y0, y1), titles, width=PANEL_PX * n + 160,
                         height=PANEL_PX + (170 if title else 130),
                         margin=dict(l=50, r=40, t=90 if title else 60, b=120), title=title)


def _style_panels(fig: go.Figure, box: tuple[float, float, float, float], titles: Sequence[str], *,
                  width: int, height: int, margin: dict, title: str | None = None,
                  constrain_y: bool = False) -> go.Figure:
    """The slide look shared by the storyboard and the remedy panels: one square view ``box`` in
    every panel, large type, white background, the legend below."""
    x0, x1, y0, y1 = box
    fig.update_xaxes(range=[x0, x1], tickfont=dict(size=FONT - 4), showgrid=False, zeroline=False,
                     constrain="domain")
    fig.update_yaxes(range=[y0, y1], tickfont=dict(size=FONT - 4), showgrid=False, zeroline=False,
                     **(dict(constrain="domain") if constrain_y else {}))
    for col in range(1, len(titles) + 1):  # square cells: each y axis keeps its own x axis's scale
        fig.update_yaxes(scaleanchor="x" if col == 1 else f"x{col}", scaleratio=1, row=1, col=col)
    for t in titles:
        fig.update_annotations(selector=dict(text=t), font_size=TITLE_FONT)
    fig.update_layout(
        title=dict(text=title, font=dict(size=TITLE_FONT + 2), x=0.5) if title else None,
        width=width, height=height,
        font=dict(size=FONT, family="Arial, Helvetica, sans-serif", color=INK),
        paper_bgcolor="white", plot_bgcolor="white",
        legend=dict(orientation="h", x=0.5, xanchor="center", y=-0.2, yanchor="top", font=dict(size=FONT),
                    itemsizing="constant"),
        margin=margin,
    )
    return fig


def from_storyboard(sb: Any, **kwargs) -> go.Figure:
    """``figure`` of a ``counterexample.Storyboard`` (its records, real samples, grid and
    current generator samples); ``kwargs`` as for ``figure``."""
    return figure(sb.records, sb.real, sb.xs, sb.ys, fake=sb.fake, **kwargs)


def rounds_table(rounds: Sequence[Any], data_std: float) -> str:
    """The per-round figures as an HTML table in projector type (numbers only: nothing from
    outside the program reaches it). JSD is given against its maximum log 2."""
    head = ["round", "mean D<sub>t</sub> on moved samples", "D<sub>t</sub> accuracy (real vs moved)",
            f"JSD(p<sub>x</sub> &#8214; p<sub>&#952;</sub>) after move, nats (max log 2 = {LOG2:.3f})",
            "JSD as a share of log 2", "moved (data std)"]
    rows = [[f"{int(r.round)}", f"{r.frozen_d_on_moved:.3f}", f"{100 * r.d_accuracy:.0f} %", f"{r.jsd:.3f}",
             f"{100 * r.jsd / LOG2:.0f} %", f"{r.moved_distance / data_std:.1f}"] for r in rounds]
    cell = "padding:6px 14px;border-bottom:1px solid #bbb;text-align:right"
    html = [f"<table id='rounds-table' style='font-size:{TABLE_FONT}px;border-collapse:collapse;color:{INK}'>",
            "<tr>" + "".join(f"<th style='{cell};vertical-align:bottom'>{h}</th>" for h in head) + "</tr>"]
    html += ["<tr>" + "".join(f"<td style='{cell}'>{v}</td>" for v in row) + "</tr>" for row in rows]
    return "".join(html) + "</table>"


def remedy_figure(rounds: np.ndarray, jsd: np.ndarray, g_mean: np.ndarray, fake: np.ndarray, real: np.ndarray,
                  grid_box: tuple[float, float, float, float], panels: int = 3) -> go.Figure:
    """The remedy in 2-D: the generator's samples at ``panels`` checkpoints from the start to the
    last, in the storyboard's view, each with the path of its mean so far and its JSD against
    log 2. The arrays are those of ``counterexample.Contrast`` (``fake``: (T, n, 2))."""
    rounds, jsd, g_mean = np.asarray(rounds), np.asarray(jsd, float), np.asarray(g_mean, float)
    real = np.asarray(real, float)
    picks = sorted({int(round(i)) for i in np.linspace(0, len(rounds) - 1, max(int(panels), 2))})
    x0, x1, y0, y1 = view_box(real, [], grid_box, np.concatenate([fake[i] for i in picks]))
    titles = [f"After {int(rounds[i])} rounds" if rounds[i] else "Start" for i in picks]
    fig = make_subplots(rows=1, cols=len(picks), shared_xaxes=True, shared_yaxes=True, subplot_titles=titles,
                        horizontal_spacing=0.03)
    for col, i in enumerate(picks, start=1):
        first = col == 1
        pts, own = _thin(real), _thin(fake[i])
        fig.add_trace(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=REAL_NAME, legendgroup="real",
                                 showlegend=first, hoverinfo="skip",
                                 marker=dict(size=6, color=SLIDE_REAL, opacity=0.75)), row=1, col=col)
        fig.add_trace(go.Scatter(x=own[:, 0], y=own[:, 1], mode="markers", name="generator p<sub>&#952;</sub>",
                                 legendgroup="fake", showlegend=first, hoverinfo="skip",
                                 marker=dict(size=6, color=SLIDE_FAKE, opacity=0.85)), row=1, col=col)
        fig.add_trace(go.Scatter(x=g_mean[: i + 1, 0], y=g_mean[: i + 1, 1], mode="lines", name="path of its mean",
                                 legendgroup="path", showlegend=first, hoverinfo="skip",
                                 line=dict(color=INK, width=3)), row=1, col=col)
        axis = "" if col == 1 else str(col)
        fig.add_annotation(x=0.5, y=0.98, xref=f"x{axis} domain", yref=f"y{axis} domain", showarrow=False,
                           yanchor="top", bgcolor="rgba(255,255,255,0.85)", borderpad=4,
                           text=jsd_text(float(jsd[i])).replace(" (", "<br>("), font=dict(size=FONT - 2, color=INK))
    return _style_panels(fig, (x0, x1, y0, y1), titles, width=PANEL_PX * len(picks) + 60,
                         height=PANEL_PX + 130, margin=dict(l=50, r=20, t=60, b=120), constrain_y=True)
