"""A reproduced figure as a PNG: one row of snapshots per run, as the paper lays it out.

Pure: a report of ``gan_viz.lab.figures`` in, PNG bytes out. Each panel shows the real modes (blue,
samples of the data), the generated samples (orange) and, above it, the step and the dominant mode
(or how many modes are reached); each row is labelled with its method and seed, and ends with the
target distribution, as the paper's last column. Points are stamped with ``raster``; text is drawn
with Pillow's bundled scalable font, so the PNG looks the same on any machine.
"""

from __future__ import annotations

import io

import jax
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from gan_viz.core import data as data_lib
from gan_viz.lab import figures
from gan_viz.render import raster, theme

PANEL = 200  # px, square
GAP = 10
LABEL_W = 250
TITLE_H = 36
HEADER_H = 50
FONT = 26  # px: the README and the page show the figure at about half its width
VIEW = (-3.0, 3.0, -3.0, 3.0)  # the reference's plots span [-3, 3]^2 around the ring of radius 2


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _panel(real: np.ndarray, fake: np.ndarray | None) -> np.ndarray:
    rgb = np.full((PANEL, PANEL, 3), 255, np.uint8)
    raster.stamp_points(rgb, real, VIEW, raster.REAL_RGB, radius=2)
    if fake is not None:
        pts = np.asarray(fake, np.float64).reshape(-1, 2)
        raster.stamp_points(rgb, raster.pin_to_border(pts, VIEW, PANEL), VIEW, raster.FAKE_RGB, radius=1)
    rgb[[0, -1], :] = raster.INK_RGB
    rgb[:, [0, -1]] = raster.INK_RGB
    return rgb


def _pixel(x: float, y: float) -> tuple[float, float]:
    x0, x1, y0, y1 = VIEW
    return (x - x0) / (x1 - x0) * PANEL, (y1 - y) / (y1 - y0) * PANEL


def figure_png(report: dict, real_points: int = 800) -> bytes:
    """The figure of ``report`` (``figures.unrolled_fig1``) as PNG bytes."""
    mixture = figures.SETUP.data.mixture()
    real = np.asarray(data_lib.sample(mixture, jax.random.PRNGKey(0), real_points))
    # each seed's methods side by side, the standard GAN first: the pairs compare at a glance
    order = [m.name for m in figures.METHODS]
    runs = sorted(report["runs"], key=lambda r: (r["seed"], order.index(r["method"]) if r["method"] in order else 99))
    cols = len(report["snapshot_steps"]) + 1
    width = LABEL_W + cols * (PANEL + GAP)
    height = HEADER_H + len(runs) * (PANEL + TITLE_H + GAP) + GAP
    canvas = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    font, small = _font(FONT), _font(FONT - 4)
    ink = theme.INK
    draw.text((GAP, 10), f"Unrolled GAN, Figure 1 (Metz et al. 2016), trained here: {report['steps'] // 2:,} "
                         f"iterations, a snapshot every {report['snapshot_steps'][1] // 2:,}", fill=ink, font=font)
    for r, run in enumerate(runs):
        top = HEADER_H + r * (PANEL + TITLE_H + GAP)
        s = run["summary"]
        name, _, detail = run["label"].partition(" (")  # "unrolled GAN (4 steps)" on two lines
        label = [name, *([f"({detail}"] if detail else []), f"seed {run['seed']}", f"{s['hop_events']} hops",
                 f"modes at the end: {s['modes_captured']}"]
        for i, line in enumerate(label):
            draw.text((GAP, top + TITLE_H + 6 + 30 * i), line, fill=ink, font=font if i == 0 else small)
        for c in range(cols):
            left = LABEL_W + c * (PANEL + GAP)
            if c < cols - 1:
                shot = run["snapshots"][c]
                title = f"{shot['iteration']:,}: {shot['label']}"
                img = _panel(real, np.asarray(shot["fake"]))
            else:
                title = "target"
                img = _panel(real, None)
            draw.text((left, top + 4), title, fill=ink, font=small)
            canvas.paste(Image.fromarray(img), (left, top + TITLE_H))
            if c == cols - 1:  # the target names its modes, so a panel's "mode 3" can be found
                for k, (x, y) in enumerate(np.asarray(mixture.centres)):
                    px, py = _pixel(1.27 * x, 1.27 * y)
                    draw.text((left + px, top + TITLE_H + py), str(k), fill=ink, font=small, anchor="mm")
    buf = io.BytesIO()
    canvas.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
