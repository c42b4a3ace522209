import io

import numpy as np
from PIL import Image

from gan_viz.ui import raster


def test_png_decodes_to_the_same_pixels_with_pillow():
    rgb = np.random.default_rng(0).integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(raster.png(rgb))).convert("RGB"))
    assert np.array_equal(decoded, rgb)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)  # the library encoder we measured against
    assert np.array_equal(np.asarray(Image.open(buf)), decoded)
