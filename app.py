"""``streamlit run app.py`` from a checkout; the app itself is ``gan_viz/ui/app.py``
(``gan-viz app`` starts it from anywhere)."""

from gan_viz.core import runtime

runtime.configure()  # before the app (and JAX's backend) starts: XLA flags, faster random draws

from gan_viz.ui.app import main  # noqa: E402

main()
