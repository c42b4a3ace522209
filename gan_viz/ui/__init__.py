"""The Streamlit app and everything it draws: pages, sidebar, the live run's session logic,
URL state and the in-place plot component (its figures come from ``gan_viz.render``).

Only ``app``, ``sidebar`` and ``pages`` import Streamlit at module level; the rest is
testable without a browser.
"""
