"""Streamlit's main script for an installed gan_viz (see ``gan_viz.ui.entry``); the app is
``gan_viz.ui.app.main``."""

from gan_viz.ui.app import main

main()
