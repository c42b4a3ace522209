"""The Streamlit app and everything it draws: pages, sidebar, the live run's session logic,
URL state, pure plotly figures and the in-place plot component.

Only ``app``, ``sidebar`` and ``pages`` import Streamlit at module level; the rest is
testable without a browser.
"""
