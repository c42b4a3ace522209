"""Work that outlives the script run that starts it: a collapse map or Compare's two runs,
computed in a background thread; and the one exit rule for every background thread.

Streamlit ends a script run when the user does anything else (a tab switch reruns the app), so
work done inside one is dropped halfway. A ``Job`` keeps going; a page shows its progress while
it runs and its result when it is done, whenever the page is next drawn. The thread touches no
Streamlit API: it only sets ``progress``, ``result`` and ``error``.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

# Exiting under a running XLA call aborts the process ("terminate called ... FATAL: exception not
# rethrown"): the interpreter must not finalize while a background thread is inside XLA, and a
# compilation cannot be interrupted. At exit, every job is told to stop and every tracked thread
# gets SHUTDOWN_WAIT seconds in all; past that the process leaves at once with os._exit (nothing
# is unwound inside XLA), so a server stopped mid-compilation exits cleanly and promptly.
SHUTDOWN_WAIT = 2.0

_RUNNING: weakref.WeakSet[Job] = weakref.WeakSet()
_THREADS: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def track(thread: threading.Thread) -> threading.Thread:
    """Counts ``thread`` (background work that may be inside XLA) in the exit rule above."""
    _THREADS.add(thread)
    return thread


@atexit.register
def _exit_past_background_work() -> None:
    for job in list(_RUNNING):
        job.stop.set()
    deadline = time.monotonic() + SHUTDOWN_WAIT
    for t in list(_THREADS):
        t.join(timeout=max(deadline - time.monotonic(), 0.0))
    if any(t.is_alive() for t in list(_THREADS)):
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(0)


class Job:
    """``work(job)`` in a daemon thread. ``work`` may set ``job.progress`` as it goes and should
    return early once ``job.stop`` is set; what it returns becomes ``result``, an exception it
    raises becomes ``error`` (one line)."""

    def __init__(self, work: Callable[[Job], Any], name: str = "gan_viz job"):
        self.progress: Any = None
        self.result: Any = None
        self.error: str | None = None
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        _RUNNING.add(self)
        track(self._thread).start()

    def _run(self, work: Callable[[Job], Any]) -> None:
        try:
            self.result = work(self)
        except Exception as e:  # noqa: BLE001  (any failure is reported on the page, in one line)
            text = str(e).strip().splitlines()
            self.error = text[0] if isinstance(e, ValueError) and text else f"{type(e).__name__}: {' '.join(text)}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Waits until it is done (at most ``timeout`` seconds); whether it is."""
        self._thread.join(timeout)
        return not self.running
