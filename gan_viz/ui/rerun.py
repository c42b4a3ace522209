"""Clicks and slider moves outside a fragment act exactly once, also while fragments rerun.

While the live view plays, its plot asks for the next frame several times a second (each request
reruns only the live fragment), and the Theory tab redraws itself every second (a timed
fragment). Streamlit's browser side (1.67) then mishandles a click elsewhere in two ways:

* Widget changes made within one tick go out as one rerun message; when one of them belongs to
  a fragment, the whole message goes out as that fragment's rerun (the console warns "Multiple
  different fragmentIds detected in a single batch of widget updates"). The script body that
  would read a Pause button never runs: the click is lost.
* A timed fragment's rerun message carries every pending widget change, including a click whose
  own message is about to be sent; that message follows a few milliseconds later. The click
  arrives twice: Pause, then Play again.

What does reach the server in both cases is the widget's new value and its callback: Streamlit
runs the callbacks of every changed widget, whatever the rerun's scope. So every widget outside
the fragments acts through a callback: value widgets with ``on_change=rerun.request``, buttons
with a callback wrapped in :func:`action`, which runs once per click and asks for a full rerun.
Every fragment starts with :func:`follow_up`, which turns a pending request into a full rerun.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

PENDING = "_app_rerun_pending"
SEEN = "_clicks_seen_in_fragment_runs"
# A click delivered inside a fragment's rerun and again on its own within this many seconds is
# one click (the second message follows the first by milliseconds; nobody means Pause-Play that fast).
DUPLICATE_SECONDS = 1.0


def request(*_args: Any, **_kwargs: Any) -> None:
    """Widget callback: the page must be redrawn as a whole after this change."""
    st.session_state[PENDING] = True


def in_fragment_run() -> bool:
    """Whether this script run is a fragment's own rerun (not a run of the whole app)."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def action(callback: Callable[..., None]) -> Callable[..., None]:
    """A button's callback that runs once per click and then redraws the whole page."""

    @functools.wraps(callback)
    def once(*args: Any, **kwargs: Any) -> None:
        in_fragment = in_fragment_run()
        seen: dict[str, float] = st.session_state.setdefault(SEEN, {})
        name = f"{callback.__module__}.{callback.__qualname__}{args!r}{sorted(kwargs.items())!r}"
        now = time.monotonic()
        if in_fragment:
            seen[name] = now
        elif now - seen.pop(name, -math.inf) < DUPLICATE_SECONDS:
            return  # the same click, delivered a second time
        callback(*args, **kwargs)
        request()

    return once


def starting_app_run() -> None:
    """Called at the top of a full run of the app: it is the rerun any pending request asked for."""
    st.session_state.pop(PENDING, None)


def follow_up() -> None:
    """Called first in every fragment: reruns the whole app if a widget outside asked for it."""
    if st.session_state.pop(PENDING, False):
        st.rerun(scope="app")
