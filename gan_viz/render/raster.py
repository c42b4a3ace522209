"""Decision surfaces as small PNG images, with the D = 1/2 contour drawn in.

Plotly redraws a heatmap plus a contour trace in ~25 ms per frame in a software-rendered
browser; an image trace whose pixels were coloured here costs ~1 ms to draw and ~2 ms to
make. Pure numpy and zlib: arrays in, a ``data:image/png;base64,...`` string out.

The PNG encoder is our own (``png``: no row filter, zlib level 1) because it beat Pillow on the
live view's 320 x 320 image (``python scripts/bench_png.py``, 2026-11-23, Pillow 13.0, two runs
on a 2-core machine under load 10, so the absolute times are noisy): 2.7 and 7.8 ms per encode,
61,000 bytes, against 9.5 and 17.2 ms, 71,900 bytes, for Pillow at ``compress_level=1`` (which
filters rows adaptively) and 43 to 48 ms, 46,200 bytes, at its default level. Both decode to the
same pixels (tests/test_raster.py).

A scene is drawn as indices into ``PALETTE`` (the surface's 256 colours, then the contour's and the
samples') and sent as an indexed PNG of the colours it uses (``indexed_png``; grid25's used about a
hundred; one whose D takes all 256 levels goes as RGB): one byte a pixel instead of three, the same
pixels, and about 40 % fewer bytes to send and decode (grid25's 336 x 336 px frames as data URLs,
2026-12-05: 62 to 39 kB at step 200, 120 to 71 kB at step 1,200).
"""

from __future__ import annotations

import base64
import functools
import struct
import zlib

import numpy as np

from gan_viz.render import theme

# (position in [0, 1], RGB) stops of the surface's colour scale
SURFACE_STOPS = tuple((p, theme.rgb(c)) for p, c in theme.SURFACE_SCALE)
CONTOUR_RGB = theme.rgb(theme.CONTOUR)
REAL_RGB = theme.rgb(theme.REAL)
FAKE_RGB = theme.rgb(theme.FAKE)
INK_RGB = theme.rgb(theme.INK)
BACKGROUNDS = 16  # coloured surfaces kept (a few per session; ~0.4 MB each)
EDGE_INSET = 4  # px: samples beyond the view are drawn this far inside its border, ringed in ink


def _lut(stops, n: int = 256) -> np.ndarray:
    pos = np.array([p for p, _ in stops], np.float32)
    rgb = np.array([c for _, c in stops], np.float32)
    v = np.linspace(0.0, 1.0, n)
    return np.round(np.stack([np.interp(v, pos, rgb[:, ch]) for ch in range(3)], axis=-1)).astype(np.uint8)


_SURFACE_LUT = _lut(SURFACE_STOPS)
# every colour a scene has: the surface's table, then the contour, real, generated and ink
PALETTE = np.concatenate([_SURFACE_LUT, np.array([CONTOUR_RGB, REAL_RGB, FAKE_RGB, INK_RGB], np.uint8)])
CONTOUR_AT, REAL_AT, FAKE_AT, INK_AT = range(len(_SURFACE_LUT), len(PALETTE))


def levels(values: np.ndarray, n: int = len(_SURFACE_LUT)) -> np.ndarray:
    """The entry of an ``n``-colour table each value in [0, 1] takes (NaN: the middle one), uint8.

    In place on one float32 copy: a quarter of the time of rounding in float64 and indexing with
    intp on a frame's 336 x 336 picture, the same entries."""
    v = np.nan_to_num(np.array(values, np.float32), nan=0.5, copy=False)
    np.clip(v, 0.0, 1.0, out=v)
    v *= n - 1
    return np.rint(v).astype(np.uint8 if n <= 256 else np.intp)


def colorize(values: np.ndarray, stops=SURFACE_STOPS) -> np.ndarray:
    """Maps values in [0, 1] to uint8 RGB through a 256-entry table of the colour stops."""
    lut = _SURFACE_LUT if stops is SURFACE_STOPS else _lut(stops)
    return np.take(lut, levels(values, len(lut)), axis=0)


def upsample(a: np.ndarray, factor: int) -> np.ndarray:
    """Bilinear upsampling of a 2D array by an integer factor (cell-centred)."""
    n, m = a.shape
    yi = (np.arange(n * factor) + 0.5) / factor - 0.5
    xi = (np.arange(m * factor) + 0.5) / factor - 0.5
    y0 = np.clip(np.floor(yi).astype(int), 0, n - 1)
    x0 = np.clip(np.floor(xi).astype(int), 0, m - 1)
    y1 = np.clip(y0 + 1, 0, n - 1)
    x1 = np.clip(x0 + 1, 0, m - 1)
    wy = np.clip(yi - y0, 0, 1)[:, None]
    wx = np.clip(xi - x0, 0, 1)[None, :]
    top = a[y0][:, x0] * (1 - wx) + a[y0][:, x1] * wx
    bottom = a[y1][:, x0] * (1 - wx) + a[y1][:, x1] * wx
    return top * (1 - wy) + bottom * wy


def level_mask(a: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Pixels where ``a`` crosses ``level`` against a right or lower neighbour (a 1-px contour)."""
    above = a >= level
    mask = np.zeros(a.shape, bool)
    mask[:, :-1] |= above[:, :-1] != above[:, 1:]
    mask[:-1, :] |= above[:-1, :] != above[1:, :]
    return mask


def png(rgb: np.ndarray) -> bytes:
    """Encodes an (h, w, 3) uint8 array as a PNG (row 0 is the top row)."""
    h, w, _ = rgb.shape
    rows = np.zeros((h, w * 3 + 1), np.uint8)  # each row starts with filter type 0 (none)
    rows[:, 1:] = rgb.reshape(h, w * 3)
    return _png_file(w, h, 2, rows.tobytes())


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def _png_file(w: int, h: int, colour_type: int, raw: bytes, palette: bytes = b"") -> bytes:
    """A PNG of filtered rows ``raw`` (8 bits a sample; colour type 2: RGB, 3: palette ``palette``)."""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0))
            + (_chunk(b"PLTE", palette) if palette else b"") + _chunk(b"IDAT", zlib.compress(raw, 1))
            + _chunk(b"IEND", b""))


def indexed_png(index: np.ndarray, palette: np.ndarray = PALETTE) -> bytes:
    """Encodes an (h, w) image of indices into ``palette`` ((n, 3) uint8) as a PNG of the colours it
    uses (an RGB one if it uses more than 256); decodes to ``palette[index]``."""
    h, w = index.shape
    used = np.bincount(index.ravel(), minlength=len(palette)) > 0
    if used.sum() > 256:
        return png(palette[index])
    rows = np.zeros((h, w + 1), np.uint8)  # filter type 0 (none) in column 0
    np.take((np.cumsum(used) - 1).astype(np.uint8), index, out=rows[:, 1:])
    return _png_file(w, h, 3, rows.tobytes(), palette[used].tobytes())



def stamp_points(rgb: np.ndarray, points: np.ndarray, extent: tuple[float, float, float, float],
                 color: tuple[int, int, int] | int, radius: int = 2) -> None:
    """Draws (n, 2) points as filled discs into an image whose row 0 is the top (y = y1): an (h, w, 3)
    RGB one, or an (h, w) one of palette indices (``color`` an index)."""
    h, w = rgb.shape[:2]
    x0, x1, y0, y1 = extent
    p = np.asarray(points, np.float64)
    p = p[np.all(np.isfinite(p), axis=1)]
    col = np.round((p[:, 0] - x0) / (x1 - x0) * w - 0.5).astype(int)
    row = np.round((y1 - p[:, 1]) / (y1 - y0) * h - 0.5).astype(int)
    offsets = [(dy, dx) for dy in range(-radius, radius + 1) for dx in range(-radius, radius + 1)
               if dx * dx + dy * dy <= radius * radius + radius]
    for dy, dx in offsets:
        r, c = row + dy, col + dx
        ok = (r >= 0) & (r < h) & (c >= 0) & (c < w)
        rgb[r[ok], c[ok]] = color


def outside(points: np.ndarray, extent: tuple[float, float, float, float]) -> np.ndarray:
    """Mask of the finite (n, 2) points that lie beyond ``extent``."""
    p = np.asarray(points, np.float64)
    x0, x1, y0, y1 = extent
    finite = np.all(np.isfinite(p), axis=1)
    with np.errstate(invalid="ignore"):
        inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    return finite & ~inside


def pin_to_border(points: np.ndarray, extent: tuple[float, float, float, float], size: int) -> np.ndarray:
    """Points moved onto the view's border (``EDGE_INSET`` pixels of a ``size``-pixel image inside),
    each in the direction it left: where off-view samples are drawn, so a class sees where they went."""
    x0, x1, y0, y1 = extent
    pad_x, pad_y = EDGE_INSET * (x1 - x0) / size, EDGE_INSET * (y1 - y0) / size
    p = np.asarray(points, np.float64)
    return np.stack([np.clip(p[:, 0], x0 + pad_x, x1 - pad_x), np.clip(p[:, 1], y0 + pad_y, y1 - pad_y)], axis=1)


@functools.lru_cache(maxsize=BACKGROUNDS)
def _background(data: bytes, shape: tuple[int, int], size: int, contour: bool) -> np.ndarray:
    s = np.frombuffer(data, np.float32).reshape(shape).T  # rows = y ascending
    factor = max(1, -(-size // s.shape[0]))
    img = upsample(s, factor)[::-1]  # row 0 = top
    index = levels(img).astype(np.uint16)
    if contour:
        index[level_mask(img)] = CONTOUR_AT
    index.flags.writeable = False
    return index


def background_index(surface: np.ndarray, size: int, contour: bool = True) -> np.ndarray:
    """The upsampled surface with its contour as ``PALETTE`` indices, (h, w) uint16, read-only.

    Cached by value: the pictures of a generator phase share one D, so they colour it once
    (upsampling and colouring are ~60 % of a picture's cost)."""
    s = np.ascontiguousarray(surface, np.float32)
    return _background(s.tobytes(), s.shape, int(size), bool(contour))


def background(surface: np.ndarray, size: int, contour: bool = True) -> np.ndarray:
    """The coloured, upsampled surface with its contour, (h, w, 3) uint8."""
    return PALETTE[background_index(surface, size, contour)]


def scene_png(surface: np.ndarray, extent: tuple[float, float, float, float], real: np.ndarray,
              fake: np.ndarray, size: int = 320, contour: bool = True) -> str:
    """The whole main view in one image: surface, its 1/2 contour, real then generated points;
    generated points beyond the view are drawn on its border, ringed in ink.

    ``surface`` covers ``extent`` exactly (cell-centred grid); the image is ``size`` pixels
    square (rounded up to a whole multiple of the grid), so points keep their shape when the
    browser scales it. Returns a ``data:`` URL.
    """
    index = scene_index(surface, extent, real, fake, size, contour)
    return "data:image/png;base64," + base64.b64encode(indexed_png(index)).decode("ascii")


def scene_rgb(surface: np.ndarray, extent: tuple[float, float, float, float], real: np.ndarray,
              fake: np.ndarray, size: int = 320, contour: bool = True) -> np.ndarray:
    """``scene_png``'s picture as an (h, w, 3) uint8 array (row 0 is the top)."""
    return PALETTE[scene_index(surface, extent, real, fake, size, contour)]


def scene_index(surface: np.ndarray, extent: tuple[float, float, float, float], real: np.ndarray,
                fake: np.ndarray, size: int = 320, contour: bool = True) -> np.ndarray:
    """``scene_png``'s picture as ``PALETTE`` indices, (h, w) uint16 (row 0 is the top)."""
    index = background_index(np.asarray(surface, np.float32), size, contour).copy()
    stamp_points(index, real, extent, REAL_AT)
    fake = np.asarray(fake, np.float64)
    gone = outside(fake, extent)
    stamp_points(index, fake[~gone], extent, FAKE_AT)
    if gone.any():  # off the view: on its border, ringed in ink
        edge = pin_to_border(fake[gone], extent, index.shape[0])
        stamp_points(index, edge, extent, INK_AT, radius=3)
        stamp_points(index, edge, extent, FAKE_AT, radius=1)
    return index
