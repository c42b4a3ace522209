"""Standalone HTML replays: a recorded run or the counter-example storyboard as one file that plays
offline, with Play and a slider.

Pure drawing (plotly only: no streamlit, no jax): arrays in, an HTML string out. plotly.js is
inlined from the installed plotly package and MathJax is not used, so the file makes no network
request; a page of a site of many replays (``render/site.py``) instead loads the site's one copy of
plotly.js by a relative ``plotly_src``, and may carry a ``banner`` (its place in the site) on top.
Figures travel as plotly JSON (numpy arrays as base64 typed arrays); the frames as
base64 arrays of their own: D's surface as uint8 levels, the samples as float32.

- ``replay_html``: a run (``gan_viz.lab.replay.Replay``, read by attribute). Left, the main view
  as the live view draws it (``plots.main_view``: D's surface, its D = 1/2 line, real and
  generated samples); right, each mode's HQ share over time (``charts.occupancy_view``) and JSD,
  % high quality and modes captured over time, with a line at the frame's step; above, the
  frame's figures in a status line.
- ``storyboard_html``: the lecture's storyboard (``counterexample.Storyboard``), one frame per
  phase (the start, then per round: classifier trained, generator moved), each drawn by
  ``storyboard.figure`` in one fixed view.

A frame is drawn by one ``Plotly.react`` of the main view and one move of the step line (a layout
shape, redrawn alone, < 1 ms). Measured in headless, software-rendered Chromium on a loaded 2-core
machine: the react took ~80 ms with the surface unsmoothed, and a played frame ~0.3 s with the
smoothed surface drawn here (3 frames/s), where plotly's own animation frames, which redraw every
panel, took ~350 ms unsmoothed. Playing waits for each frame to be drawn before the next, so a slow
machine plays slower instead of queueing frames.
"""

from __future__ import annotations

import base64
import html
import json
import string
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from gan_viz.render import charts, plots, status, storyboard
from gan_viz.render.theme import CONTOUR, HQ_LINE, INK, JSD_LINE, MODES_LINE

PLAY_SECONDS = 20.0  # a whole replay plays in about this long ...
FRAME_MS = (60, 400)  # ... with each frame shown this many milliseconds at least and at most
PHASE_MS = 2500  # the storyboard: each phase on screen this long while playing
LEVELS = 255  # D's surface is sent as uint8 levels (``quantized``)
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
MIN_HEIGHT_PX = 560  # the plots never get shorter than this
TITLE_PX = 26
TEXT_PX = 20  # the status line, the controls and the subtitle

# The charts' panels, bottom to top, in paper coordinates of the charts figure.
CHART_Y = {"modes": (0.6, 1.0), "jsd": (0.4, 0.52), "hq": (0.2, 0.32), "captured": (0.0, 0.12)}


def quantized(surface: np.ndarray) -> np.ndarray:
    """D in [0, 1] as uint8 levels 0..``LEVELS``: a quarter of float32's bytes, and as fine as the
    live view's colours (``raster.colorize`` maps D through a 256-entry table)."""
    s = np.nan_to_num(np.asarray(surface, np.float32), nan=0.5)
    return np.round(np.clip(s, 0.0, 1.0) * LEVELS).astype(np.uint8)


def frame_ms(frames: int) -> int:
    """Milliseconds per frame so that ``frames`` frames play in about ``PLAY_SECONDS``."""
    return int(np.clip(1000 * PLAY_SECONDS / max(frames, 1), *FRAME_MS))


def replay_heading(replay: Any, preset: str | None, changes: Sequence[str] = ()) -> tuple[str, str]:
    """The title (preset, seed, steps) and the line below it (the settings that differ from the preset)."""
    first, last = int(replay.steps[0]), int(replay.steps[-1])
    title = (f"gan_viz replay: {preset or 'a custom configuration'}, seed {replay.config.seed}, "
             f"steps {first:,} to {last:,}")
    if replay.diverged:
        title += " (diverged: stopped at the last finite state)"
    if preset is None:
        sub = ("settings: " + ", ".join(changes)) if changes else ""
    else:
        sub = ("changed from the preset: " + ", ".join(changes)) if changes else "the preset's settings"
    return title, sub


def status_text(replay: Any, i: int) -> str:
    """Frame ``i``'s figures, as the app's status line gives them (HTML)."""
    return status.join([status.step_text(replay.steps[i]), status.quality_text(
        replay.modes_captured[i], replay.num_modes, replay.hq_fraction[i], replay.jsd[i], jsd_unit=" nats")])


def main_figure(replay: Any) -> go.Figure:
    """The main view at frame 0; traces 0 (D), 1 (its D = 1/2 line) and 3 (generated samples)
    change from frame to frame."""
    r = replay
    fig = plots.main_view(extent=r.extent, grid_x=r.grid_x, grid_y=r.grid_y, surface=r.surface[0],
                          real=np.asarray(r.real, np.float32), fake=np.asarray(r.fake[0], np.float32))
    heat, contour, _, _ = fig["data"]
    heat.update(z=quantized(r.surface[0]).T, zmax=LEVELS, zsmooth="best", colorbar=dict(
        title=dict(text="D(x)"), len=0.7, thickness=18, tickvals=[0, LEVELS / 2, LEVELS],
        ticktext=["0 fake", "½", "1 real"]))
    contour.update(z=heat["z"])
    contour["contours"].update(start=LEVELS / 2, end=LEVELS / 2)
    layout = fig["layout"]
    layout.pop("height")
    layout.update(autosize=True, margin=dict(l=50, r=10, t=50, b=40))
    return go.Figure(fig)


def charts_figure(replay: Any) -> go.Figure:
    """Each mode's HQ share over time and JSD, % high quality and modes captured over time, on one
    step axis; shape 0 is the line at the current step."""
    r = replay
    steps = np.asarray(r.steps, np.float64)
    k = r.num_modes
    occ = charts.occupancy_view(steps, np.asarray(r.occupancy, np.float32), np.asarray(r.off_mode, np.float32))
    heat = occ["data"][0]
    heat["colorbar"] = dict(heat["colorbar"], y=sum(CHART_Y["modes"]) / 2, yanchor="middle",
                            len=CHART_Y["modes"][1] - CHART_Y["modes"][0])

    def line(y, axis: str, color: str, name: str, **kw) -> dict:
        return dict(type="scatter", x=steps, y=np.asarray(y, np.float32), mode="lines", name=name,
                    xaxis=f"x{axis}", yaxis=f"y{axis}", line=dict(color=color, width=3, **kw), showlegend=False,
                    hovertemplate=f"step %{{x}}<br>{name} %{{y}}<extra></extra>")

    data = [heat, line(r.jsd, "2", JSD_LINE, "JSD"), line(100 * np.asarray(r.hq_fraction), "3", HQ_LINE, "% HQ"),
            line(r.modes_captured, "4", MODES_LINE, "modes", shape="hv")]
    span = [float(steps[0]), float(steps[-1]) if len(steps) > 1 else float(steps[0]) + 1.0]
    layout = dict(autosize=True, font=dict(plots.FONT), plot_bgcolor="white", paper_bgcolor="white",
                  showlegend=False, margin=dict(l=100, r=20, t=40, b=55))
    for n, key in zip(("", "2", "3", "4"), CHART_Y):
        layout[f"xaxis{n}"] = dict(domain=[0, 1], anchor=f"y{n}", range=span, showgrid=True, gridcolor="#e9ecef",
                                   showticklabels=key == "captured", matches=None if n == "" else "x",
                                   title=dict(text="step") if key == "captured" else None)
        layout[f"yaxis{n}"] = dict(domain=list(CHART_Y[key]), anchor=f"x{n}", showgrid=key != "modes",
                                   gridcolor="#e9ecef")
    layout["yaxis"]["autorange"] = "reversed"  # mode 0 on top, off-mode at the bottom
    layout["yaxis2"]["range"] = [0, max(0.7, float(np.nanmax(r.jsd)) * 1.05)]  # JSD <= log 2 = 0.69
    layout["yaxis3"]["range"] = [0, 105]
    layout["yaxis4"]["range"] = [0, k + 0.5]
    headings = {"modes": "HQ share of the generated samples, per mode", "jsd": "JSD (nats; max log 2 = 0.69)",
                "hq": "% high quality", "captured": f"modes captured (of {k})"}
    layout["annotations"] = [dict(text=headings[key], x=0, y=y1, xref="paper", yref="paper", xanchor="left",
                                  yanchor="bottom", showarrow=False, font=dict(size=17))
                             for key, (_, y1) in CHART_Y.items()]
    layout["shapes"] = [dict(type="line", xref="x", yref="paper", x0=span[0], x1=span[0], y0=0, y1=1,
                             line=dict(color=INK, width=3))]
    return go.Figure(plots.styled(dict(data=data, layout=layout)))


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def replay_frames(replay: Any) -> list[dict]:
    """Per frame: its step, status line, D's surface (uint8 levels, base64, plotly rows = y) and the
    generated samples' x and y (float32, base64)."""
    fake = np.asarray(replay.fake, np.float32)
    return [dict(step=int(s), status=status_text(replay, i), z=_b64(quantized(replay.surface[i]).T),
                 x=_b64(fake[i, :, 0]), y=_b64(fake[i, :, 1])) for i, s in enumerate(replay.steps)]


def pause_frames(steps: Sequence[int], pause_at: Sequence[int]) -> list[int]:
    """The frames playing stops on: for each step of ``pause_at`` the first frame at or after it
    (none past the last frame), in order, each once."""
    steps = np.asarray(steps)
    return sorted({int(np.searchsorted(steps, s)) for s in pause_at if s <= steps[-1]})


def _controls(frames: int) -> str:
    return ("<div class='bar'><button id='play' type='button'>&#9654; Play</button>"
            f"<input id='frame' type='range' min='0' max='{frames - 1}' step='1' value='0' aria-label='frame'>"
            "<span id='frame-label'></span></div>")


def replay_html(replay: Any, preset: str | None = None, changes: Sequence[str] = (), *,
                plotly_src: str | None = None, banner: str = "", pause_at: Sequence[int] = ()) -> str:
    """The replay as one HTML page, self-contained unless ``plotly_src`` (see the module docstring);
    playing stops by itself at the first frame at or after each step of ``pause_at``."""
    title, sub = replay_heading(replay, preset, changes)
    n = len(replay.steps)
    script = template("replay.js",
        frames=safe_json(json.dumps(replay_frames(replay))), res=len(replay.grid_x), config=json.dumps(CONFIG),
        main=safe_json(pio.to_json(main_figure(replay), validate=False)),
        charts=safe_json(pio.to_json(charts_figure(replay), validate=False)), ms=frame_ms(n),
        stops=json.dumps(pause_frames(replay.steps, pause_at)))
    body = (f"{banner}<h1>{html.escape(title)}</h1><div class='sub'>{html.escape(sub)}</div>{_controls(n)}"
            f"<div id='status' class='status'>{status_text(replay, 0)}</div>"
            "<div class='row'><div id='main' class='square'></div><div id='charts' class='plot'></div></div>")
    return page_html(title, body, n, script, plotly_src)


# ---------------------------------------------------------------------------------------------
# The storyboard.


def storyboard_phases(sb: Any) -> list[tuple[str, go.Figure]]:
    """One ``(label, figure)`` per phase of ``sb`` (a ``counterexample.Storyboard``): the start, then
    for each round its classifier trained and, once moved, its generator moved. Every figure is
    ``storyboard.figure``'s single panel in one view box, the one that holds every round."""
    records = list(sb.records)
    real, xs, ys = np.asarray(sb.real), np.asarray(sb.xs), np.asarray(sb.ys)
    start = records[0].fake_before if records else sb.fake
    box = storyboard.view_box(real, records, (xs[0], xs[-1], ys[0], ys[-1]), start)
    out = [("Start: the generator away from the data", storyboard.figure([], real, xs, ys, fake=start, box=box))]
    for rec in records:
        trained = rec._replace(fake_after=None, mean_after=None, frozen_d_on_moved=None, d_accuracy=None, jsd=None,
                               moved_distance=None)
        out.append((f"Round {rec.round}: classifier D{rec.round} trained",
                    storyboard.figure([trained], real, xs, ys, max_panels=1, box=box)))
        if rec.complete:
            out.append((f"Round {rec.round}: generator moved against the frozen D{rec.round}",
                        storyboard.figure([rec], real, xs, ys, max_panels=1, box=box)))
    for _, fig in out:
        fig.update_layout(width=None, height=None, autosize=True, margin=dict(l=60, r=110, t=70, b=130))
    return out


def storyboard_html(sb: Any, title: str | None = None, *, plotly_src: str | None = None, banner: str = "") -> str:
    """The storyboard as one HTML page (self-contained unless ``plotly_src``): a phase at a time,
    Play and a slider."""
    phases = storyboard_phases(sb)
    title = title or (f"gan_viz: the lecture's counter-example, seed {sb.seed}, "
                      f"{sum(r.complete for r in sb.records)} rounds")
    figs = "[" + ",".join(pio.to_json(fig, validate=False) for _, fig in phases) + "]"
    script = template("storyboard.js", figs=safe_json(figs), labels=safe_json(json.dumps([lab for lab, _ in phases])),
                       config=json.dumps(CONFIG), ms=PHASE_MS)
    body = (f"{banner}<h1>{html.escape(title)}</h1>{_controls(len(phases))}"
            f"<div id='status' class='status'>{html.escape(phases[0][0])}</div>"
            "<div class='row'><div id='story' class='story'></div></div>")
    return page_html(title, body, len(phases), script, plotly_src)


def safe_json(js: str) -> str:
    """JSON text safe inside a <script> element."""
    return js.replace("</", "<\\/")


def template(name: str, **values: object) -> str:
    """The package template ``templates/<name>`` with its ``$name`` placeholders filled."""
    text = resources.files("gan_viz.render").joinpath("templates", name).read_text(encoding="utf-8")
    return string.Template(text).substitute({k: str(v) for k, v in values.items()})


def page_css() -> str:
    """The replays' style sheet (``templates/page.css``) with the theme's colours and sizes."""
    return template("page.css", ink=INK, contour=CONTOUR, title_px=TITLE_PX, sub_px=TEXT_PX - 2, text_px=TEXT_PX,
                     min_height_px=MIN_HEIGHT_PX)


def plotly_script(src: str | None = None) -> str:
    """The element that loads plotly.js: inlined from the installed plotly package, or, with ``src``,
    a ``<script src>`` for a copy beside the page (a relative URL)."""
    if src is None:
        return f"<script>{get_plotlyjs()}</script>"
    return f"<script src='{html.escape(src, quote=True)}'></script>"


def page_html(title: str, body: str, frames: int, script: str, plotly_src: str | None = None,
              page_class: str = "page") -> str:
    """A whole page (``templates/page.html``): the body (in a ``page_class`` element), then plotly.js
    (``plotly_script``), then the player (``templates/player.js``) and ``script``."""
    return template("page.html", title=html.escape(title), css=page_css(), frames=int(frames), body=body,
                     page_class=page_class, plotly=plotly_script(plotly_src), player=template("player.js"),
                     script=script)
