"""Pure drawing: arrays in, plotly figures, PNGs and standalone HTML out.

``plots`` draws the 2-D scene, ``charts`` training over time, ``raster`` the scene as one PNG
image, ``storyboard`` the counter-example's slides, ``export`` the standalone HTML replays (their
page, script and style are the template files in ``templates/``), ``figure_png`` a reproduced
figure, and ``theme`` names every colour once. Nothing here imports Streamlit, so the app and the
command line both draw with it.
"""
