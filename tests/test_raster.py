import base64
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
        return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"))

    flat = np.full((10, 10), 0.5, np.float32)
    img = decode(raster.scene_png(flat, extent, np.empty((0, 2)), pts[1:2], size=100, contour=False))
    right = img[48:53, 93:98].reshape(-1, 3)  # where (1, 0) is pinned: the sample with its ink ring
    assert any((c == raster.FAKE_RGB).all() for c in right) and any((c == raster.INK_RGB).all() for c in right)
    none = decode(raster.scene_png(flat, extent, np.empty((0, 2)), np.empty((0, 2)), size=100, contour=False))
    assert not (none == raster.FAKE_RGB).all(axis=-1).any()


def test_colorize_is_the_colour_table_at_the_rounded_value_and_leaves_its_input_alone():
    v = np.random.default_rng(1).random((64, 64)).astype(np.float32) * 1.4 - 0.2  # some below 0, some above 1
    v[0, 0], v[0, 1], v[0, 2] = np.nan, 0.5, 0.5 / 255  # NaN: the middle colour; 0.5 / 255 rounds half to even
    before = v.copy()
    expected = raster._SURFACE_LUT[np.round(np.clip(np.nan_to_num(v, nan=0.5), 0, 1) * 255).astype(int)]
    for values in (v, v.astype(np.float64)):
        assert np.array_equal(raster.colorize(values), expected)
    assert np.array_equal(v, before, equal_nan=True)
    assert np.array_equal(raster.colorize(np.array([0.0, 1.0])), raster._SURFACE_LUT[[0, -1]])
    stops = ((0.0, (0, 0, 0)), (1.0, (250, 250, 250)))  # any other scale: its own table
    assert raster.colorize(np.array([0.0, 0.5, 1.0]), stops).tolist() == [[0, 0, 0], [125, 125, 125], [250, 250, 250]]


def _decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_a_scene_is_sent_as_an_indexed_png_of_its_colours_with_the_same_pixels():
    rng = np.random.default_rng(2)
    extent = (-2.0, 2.0, -2.0, 2.0)
    xs = np.linspace(-2, 2, 48)
    surface = 1 / (1 + np.exp(-8 * np.add.outer(xs, xs ** 2 - 1)))  # saturated D: few of the 256 colours
    real, fake = rng.normal(size=(500, 2)), rng.normal(size=(1000, 2)) * 1.5  # some beyond the view
    rgb = raster.scene_rgb(surface, extent, real, fake)
    assert rgb.shape == (336, 336, 3)  # 48 cells, 7 px each
    uri = raster.scene_png(surface, extent, real, fake)
    data = base64.b64decode(uri.split(",", 1)[1])
    assert Image.open(io.BytesIO(data)).mode == "P"  # one byte a pixel
    assert np.array_equal(_decode(data), rgb)
    assert len(data) < 0.7 * len(raster.png(rgb))  # the RGB encoding of the same picture
    for colour in (raster.CONTOUR_RGB, raster.REAL_RGB, raster.FAKE_RGB, raster.INK_RGB):
        assert (rgb == colour).all(axis=-1).any()


def test_an_image_of_more_than_256_colours_is_sent_as_rgb():
    index = np.arange(260, dtype=np.uint16).reshape(13, 20)  # every entry of the palette
    data = raster.indexed_png(index)
    assert Image.open(io.BytesIO(data)).mode == "RGB"
    assert np.array_equal(_decode(data), raster.PALETTE[index])
    few = index % 7
    assert np.array_equal(_decode(raster.indexed_png(few)), raster.PALETTE[few])
