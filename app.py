"""``streamlit run app.py`` from a checkout; the app itself is ``gan_viz/ui/app.py``
(``gan-viz app`` starts it from anywhere)."""

from gan_viz.ui.app import main

main()
