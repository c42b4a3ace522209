import ast
import inspect

import numpy as np
import pytest

from gan_viz.core import data, viewbox

CORNERS = np.tile([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]], (100, 1)) + [2.0, 0.0]


def test_square_centres_and_pads_the_longer_side():
    assert viewbox.square([0, 0], [4, 2]) == (0.0, 4.0, -1.0, 3.0)
    assert viewbox.square([0, 0], [4, 2], margin=1.0) == (-1.0, 5.0, -2.0, 4.0)
    assert viewbox.square([0, 0], [4, 2], min_half=5.0) == (-3.0, 7.0, -4.0, 6.0)


def test_data_extent_known_answers():
    # modes +- 3 std, at least 1 wide, then a margin of 1 (the values before the helper existed)
    assert data.extent(data.ring(8, 2.0, 0.02)) == pytest.approx((-3.06, 3.06, -3.06, 3.06))
    assert data.extent(data.grid(5, 2.0, 0.05)) == pytest.approx((-5.15, 5.15, -5.15, 5.15))
    assert data.extent(data.single(1.5, 1.5, 0.25)) == pytest.approx((-0.25, 3.25, -0.25, 3.25))
    assert data.extent(data.single(1.5, 1.5, 0.01)) == pytest.approx((0.0, 3.0, 0.0, 3.0))


def test_around_point_clouds():
    assert viewbox.around([CORNERS], margin=0.5) == pytest.approx((0.5, 3.5, -1.5, 1.5))
    assert viewbox.around([CORNERS], margin=1.0, min_half=3.0) == pytest.approx((-1.0, 5.0, -3.0, 3.0))
    clipped = viewbox.around([CORNERS], margin=1.0, min_half=3.0, limit=(0.0, 8.0, -2.0, 2.0))
    assert clipped == pytest.approx((0.0, 5.0, -2.0, 2.0))
    with_nan = np.concatenate([CORNERS, np.full((5, 2), np.nan)])
    assert viewbox.around([with_nan], margin=0.5) == viewbox.around([CORNERS], margin=0.5)
    assert viewbox.around([np.full((3, 2), np.nan)], min_half=3.0) == (-3.0, 3.0, -3.0, 3.0)


def test_viewbox_is_numpy_only():
    tree = ast.parse(inspect.getsource(viewbox))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert names <= {"__future__", "collections.abc", "numpy"}
