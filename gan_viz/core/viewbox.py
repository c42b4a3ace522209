"""Square view boxes ``(x0, x1, y0, y1)``: the one rule behind every fixed plot range.

Used for the live view's grid (``data.extent``, around the modes, grown by ``view_extent`` to hold
the generator's start; shared by the app's live run and the lab's replays), the theory page's k_D
scene and the storyboard's panels (around point clouds). Pure numpy, no jax, so the drawing modules
can use it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Box = tuple[float, float, float, float]


def square(lo: np.ndarray, hi: np.ndarray, margin: float = 0.0, min_half: float = 0.0) -> Box:
    """The square centred on the box ``lo``..``hi`` (corners, shape (2,)) that holds it.

    Its half-width is the larger of half the longer side plus ``margin`` and ``min_half``.
    """
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    mid = (lo + hi) / 2
    half = max(float(np.max(hi - lo)) / 2 + margin, min_half)
    return (float(mid[0] - half), float(mid[0] + half), float(mid[1] - half), float(mid[1] + half))


def spread(clouds: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """Corners (lo, hi) of the box around 99 % of the points of every cloud (0.5 to 99.5
    percentile per axis; non-finite rows ignored); None without a finite point."""
    pts = np.concatenate([np.asarray(c, dtype=float).reshape(-1, 2) for c in clouds])
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if pts.size == 0:
        return None
    return np.percentile(pts, 0.5, axis=0), np.percentile(pts, 99.5, axis=0)


def around(clouds: Sequence[np.ndarray], margin: float = 0.0, min_half: float = 0.0,
           limit: Box | None = None) -> Box:
    """A square around 99 % of the points of every cloud (0.5 to 99.5 percentile per axis).

    Args:
        clouds: arrays of shape (n, 2); non-finite rows are ignored.
        margin: data units added on every side.
        min_half: smallest half-width; with no finite point, the box is centred on the origin.
        limit: an outer box (e.g. the grid) the result is clipped to.
    """
    corners = spread(clouds)
    if corners is None:
        x0, x1, y0, y1 = square(np.zeros(2), np.zeros(2), min_half=min_half)
    else:
        x0, x1, y0, y1 = square(*corners, margin, min_half)
    if limit is not None:
        x0, x1 = max(x0, limit[0]), min(x1, limit[1])
        y0, y1 = max(y0, limit[2]), min(y1, limit[3])
    return (float(x0), float(x1), float(y0), float(y1))


def view_extent(data_box: Box, start: np.ndarray, margin: float = 0.5) -> Box:
    """The square view box: the data's box grown to hold 98 % of the generator's first samples.

    A generator that starts away from the data (the counter-example's) is on screen from the
    first frame; the box never changes during the run, so axes do not move.
    """
    x0, x1, y0, y1 = data_box
    pts = np.asarray(start, np.float64).reshape(-1, 2)
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if not len(pts):
        return data_box
    lo = np.minimum([x0, y0], np.percentile(pts, 1, axis=0) - margin)
    hi = np.maximum([x1, y1], np.percentile(pts, 99, axis=0) + margin)
    return square(lo, hi)
