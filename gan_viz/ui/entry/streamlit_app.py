"""Streamlit's main script for an installed gan_viz (see ``gan_viz.ui.entry``); the app is
``gan_viz.ui.app.main``."""

from gan_viz.core import runtime

runtime.configure()  # before the app (and JAX's backend) starts: XLA flags, faster random draws

from gan_viz.ui.app import main  # noqa: E402

main()
