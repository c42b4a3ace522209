"""The script that ``gan-viz app`` hands to Streamlit (``streamlit_app.py``), kept in a directory
of its own: Streamlit turns a ``pages/`` directory beside its main script into a multipage app
(its "MPA v1"), which would list the tab modules of ``gan_viz/ui/pages`` as extra pages."""
