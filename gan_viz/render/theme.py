"""The app's colours, named once: the live view (plots, raster, legend) and the storyboard slides.

The live view uses a colour-blind-safe pair, blue for real and orange for generated samples,
over a decision surface that runs from orange (D says "fake") through white (D = 1/2) to blue
(D says "real"), so a point's colour matches the side that claims it. The storyboard's slides
use the same hues, deliberately paler for the surface and darker for the points (navy, magenta):
each slide shows one static frame at projector size, where the moved cluster must stand out on
either side of the boundary, whereas the live view's points animate over a stronger surface.
"""

from __future__ import annotations

# -- live view: plots.py, charts.py, raster.py (the same colours as RGB), pages/live.py's legend, export.py
REAL = "#1f5fbf"  # real samples p_x
FAKE = "#e8590c"  # generated samples p_g
HOP = "#c2255c"  # a mode hop's marker
CONTOUR = "#333333"  # the D = 1/2 line
SURFACE_SCALE = [[0.0, "#f7a35c"], [0.5, "#ffffff"], [1.0, "#6ea8fe"]]  # D from 0 (fake) to 1 (real)
OCCUPANCY_SCALE = [[0.0, "#ffffff"], [0.15, "#c5d9f7"], [1.0, "#0b3d91"]]
JSD_LINE = "#862e9c"  # the metric charts' lines (charts.py, export.py)
HQ_LINE = "#1864ab"
MODES_LINE = "#c92a2a"

# -- storyboard slides (storyboard.py) ----------------------------------------------------------
SLIDE_REAL = "#08306b"  # dark navy: p_x
SLIDE_FAKE = "#d0006f"  # strong magenta: the generator
INK = "#111111"  # arrows, captions and the D = 1/2 line on slides
SLIDE_SURFACE_SCALE = [[0.0, "#fdbe85"], [0.5, "#ffffff"], [1.0, "#9ecae1"]]  # paler than the live surface


def rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` as an ``(r, g, b)`` tuple of ints in [0, 255]."""
    h = colour.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"expected a colour as #rrggbb, got {colour!r}")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def css_gradient(scale: list[list]) -> str:
    """A CSS ``linear-gradient`` running left to right through a plotly colour scale's stops."""
    return "linear-gradient(90deg," + ",".join(f"{c} {100 * p:g}%" for p, c in scale) + ")"
