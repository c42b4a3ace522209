import pytest

from gan_viz.render import raster, storyboard, theme


def test_raster_draws_the_plotly_colours_as_rgb():
    # the values raster.py hard-coded before the palette had one home
    assert raster.SURFACE_STOPS == ((0.0, (0xF7, 0xA3, 0x5C)), (0.5, (0xFF, 0xFF, 0xFF)), (1.0, (0x6E, 0xA8, 0xFE)))
    assert (raster.REAL_RGB, raster.FAKE_RGB, raster.CONTOUR_RGB) == ((0x1F, 0x5F, 0xBF), (0xE8, 0x59, 0x0C),
                                                                      (0x33, 0x33, 0x33))
    ends = raster.colorize([0.0, 1.0])
    assert [tuple(int(v) for v in c) for c in ends] == [theme.rgb(theme.SURFACE_SCALE[i][1]) for i in (0, -1)]


def test_rgb_and_css_gradient():
    assert theme.rgb("#0b3d91") == (11, 61, 145)
    with pytest.raises(ValueError, match="#rrggbb"):
        theme.rgb("#fff")
    assert theme.css_gradient(theme.SURFACE_SCALE) == "linear-gradient(90deg,#f7a35c 0%,#ffffff 50%,#6ea8fe 100%)"


def test_live_legend_and_storyboard_use_the_palette():
    from gan_viz.ui.pages import live

    legend = live.LEGEND.format(s="D")
    for colour in (theme.REAL, theme.FAKE, *(c for _, c in theme.SURFACE_SCALE)):
        assert colour in legend
    assert storyboard.BOUNDARY["color"] == theme.INK

