import io

import numpy as np
from PIL import Image

from gan_viz.render import raster


def test_png_decodes_to_the_same_pixels_with_pillow():
    rgb = np.random.default_rng(0).integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(raster.png(rgb))).convert("RGB"))
    assert np.array_equal(decoded, rgb)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)  # the library encoder we measured against
    assert np.array_equal(np.asarray(Image.open(buf)), decoded)


def test_samples_beyond_the_view_are_drawn_on_its_border_ringed_in_ink():
    extent = (-1.0, 1.0, -1.0, 1.0)
    pts = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, -9.0], [np.nan, 0.0]])
    assert raster.outside(pts, extent).tolist() == [False, True, True, False]
    pinned = raster.pin_to_border(pts[1:3], extent, size=100)
    assert np.allclose(pinned, [[1.0 - 0.08, 0.0], [0.0, -1.0 + 0.08]])  # 4 px of 100 inside the border

    def decode(uri: str) -> np.ndarray:
        import base64
        return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"))

    flat = np.full((10, 10), 0.5, np.float32)
    img = decode(raster.scene_png(flat, extent, np.empty((0, 2)), pts[1:2], size=100, contour=False))
    right = img[48:53, 93:98].reshape(-1, 3)  # where (1, 0) is pinned: the sample with its ink ring
    assert any((c == raster.FAKE_RGB).all() for c in right) and any((c == raster.INK_RGB).all() for c in right)
    none = decode(raster.scene_png(flat, extent, np.empty((0, 2)), np.empty((0, 2)), size=100, contour=False))
    assert not (none == raster.FAKE_RGB).all(axis=-1).any()
