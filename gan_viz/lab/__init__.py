"""Experiments built on the core: presets, training for a budget, scoring samples, the
lecture's counter-example and theory scenes. Plain Python and numpy over ``gan_viz.core``;
no Streamlit, no plotting."""
