"""Times raster.png against Pillow on the live view's image (320 x 320 RGB): ms per encode, bytes.

Run: .venv/bin/python scripts/bench_png.py  (figures are quoted in gan_viz/render/raster.py)
"""

from __future__ import annotations

import io
import time

import jax
import numpy as np
from PIL import Image

from gan_viz.core import data, metrics
from gan_viz.render import raster


def live_view_image() -> np.ndarray:
    """The pixels ``raster.scene_png`` encodes for ring-8 on the app's 64-cell grid."""
    mix = data.ring(8, 2.0, 0.02)
    extent = data.extent(mix)
    grid = metrics.make_grid(extent, 64)
    xs, ys = np.meshgrid(np.asarray(grid.xs), np.asarray(grid.ys), indexing="ij")
    surface = 1 / (1 + np.exp(-(np.sin(2 * xs) + np.cos(3 * ys))))  # smooth, with a D = 1/2 contour
    real = np.asarray(data.sample(mix, jax.random.PRNGKey(0), 500))
    fake = np.random.default_rng(0).normal(size=(1000, 2)) * 0.4 + [1.4, 1.4]
    img = raster.upsample(np.asarray(surface, np.float32).T, 5)[::-1]
    rgb = raster.colorize(img)
    rgb[raster.level_mask(img)] = raster.CONTOUR_RGB
    raster.stamp_points(rgb, real, extent, raster.REAL_RGB)
    raster.stamp_points(rgb, fake, extent, raster.FAKE_RGB)
    return rgb


def pillow_png(rgb: np.ndarray, **options) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", **options)
    return buf.getvalue()


def best_ms(encode, repeats: int = 5, calls: int = 200) -> float:
    encode()
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            encode()
        runs.append((time.perf_counter() - t0) / calls)
    return 1e3 * min(runs)


def main() -> None:
    rgb = live_view_image()
    print(f"image {rgb.shape[1]} x {rgb.shape[0]} RGB; best of 5 x 200 encodes")
    for name, encode in [("raster.png (numpy + zlib level 1)", lambda: raster.png(rgb)),
                         ("Pillow compress_level=1", lambda: pillow_png(rgb, compress_level=1)),
                         ("Pillow default level", lambda: pillow_png(rgb))]:
        print(f"{name:34s} {best_ms(encode):6.2f} ms  {len(encode()):7d} bytes")


if __name__ == "__main__":
    main()
