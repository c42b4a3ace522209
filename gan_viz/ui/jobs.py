"""Work that outlives the script run that starts it: a collapse map or Compare's two runs,
computed in a background thread (``Job``); a live run of new shapes, built in the background while
the previous one plays (``RunStarter``, with what the page says of it); and the one exit rule for
every background thread.

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

from gan_viz.core import config as config_lib
from gan_viz.core.config import Config

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


class RunStarter:
    """Builds the live run of a new configuration (``build(config)``: a ``session.LiveRun``, its
    calls compiled) in a background thread, so the page stays responsive (Pause, presets, settings)
    while new shapes compile; one per browser session. ``resets(old, new)``: whether ``new`` needs
    a run of its own rather than continuing ``old``'s (``session.needs_reset``).

    At most one build runs at a time and at most one waits: a newer ``request`` replaces the
    waiting one, and a build whose configuration was superseded is dropped when it ends (a
    compilation cannot be interrupted), after which the newest request starts. ``take`` hands
    over the finished run once; a build that raised leaves its one-line reason in ``failed`` and
    is not retried for that configuration.
    """

    def __init__(self, build: Callable[[Config], Any], resets: Callable[[Config, Config], bool]):
        self._build_run, self._resets = build, resets
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._ready: Any = None
        self.wanted: Config | None = None  # the configuration asked for last, until taken or cancelled
        self.what = ""  # what differs in it, as the status line says (``shape_change``)
        self.since = 0.0  # time.monotonic() when it was asked for
        self.failed: tuple[Config, str] | None = None

    def request(self, config: Config, what: str = "") -> None:
        """Asks for a run of ``config`` (``what``: how the status names it); one differing from the
        wanted one only in live settings (``resets``) changes nothing, nor does asking again
        for one that failed."""
        with self._lock:
            for asked in (self.wanted, self.failed and self.failed[0]):
                if asked and not self._resets(asked, config):
                    return
            self.wanted, self.since, self._ready, self.failed = config, time.monotonic(), None, None
            self.what = what or "the new run"
            if self._thread is None:
                self._start(config)

    def _start(self, config: Config) -> None:  # with the lock held
        self._thread = threading.Thread(target=self._build, args=(config,), daemon=True, name="gan_viz-compile")
        track(self._thread).start()

    def _build(self, config: Config) -> None:
        run, error = None, ""
        try:
            run = self._build_run(config)
        except Exception as e:  # noqa: BLE001  (shown on the page; the previous run goes on)
            error = (str(e).strip().splitlines() or [type(e).__name__])[0]
        with self._lock:
            self._thread = None
            if self.wanted is not None and not self._resets(self.wanted, config):
                if error:
                    self.wanted, self.failed = None, (config, error)
                else:
                    self._ready = run
            elif self.wanted is not None:  # superseded while it compiled: build the newest now
                self._start(self.wanted)

    @property
    def building(self) -> bool:
        """Whether a run was asked for and not yet taken (it may be ready)."""
        return self.wanted is not None

    @property
    def ready(self) -> bool:
        """Whether the wanted run is built (``take`` hands it over)."""
        return self._ready is not None

    def seconds(self) -> float:
        """Seconds since the wanted run was asked for."""
        return time.monotonic() - self.since if self.wanted is not None else 0.0

    def take(self) -> Any:
        """The finished run of the wanted configuration, once; ``None`` while it builds."""
        with self._lock:
            run, self._ready = self._ready, None
            if run is not None:
                self.wanted = None
            return run

    def cancel(self) -> None:
        """Forgets the wanted run (a build under way ends unseen)."""
        with self._lock:
            self.wanted, self._ready, self.failed = None, None, None

    def wait(self, timeout: float) -> bool:
        """Waits up to ``timeout`` seconds until no build runs; whether none does."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                t = self._thread
            if t is None:
                return True
            t.join(max(deadline - time.monotonic(), 0.0))
            if time.monotonic() >= deadline:
                with self._lock:
                    return self._thread is None


# What compiling a new shape costs, measured with one fresh process per shape (training call,
# ring8-hopping's data): 6-7 CPU s for networks of depth 2 to 8 without unrolling, 12-19 CPU s
# with unroll 1 to 20 (the look-ahead is a rolled loop: 20 steps cost what 1 does), peak memory
# at most 1.0 GB (unroll 20, G and D depth 8: every in-range shape). Python-unrolled, unroll 10
# took 193 s and 1.4 GB at depth 2, and unroll 19 with G depth 8 289 s and 10 GB. Since the
# unrolled GAN compiles only its own loss (trainer.Trainer), unroll 5 on ring8-healthy takes
# 9.5-9.9 CPU s (18.8-19.7 before; scripts/compile_time.py, 2026-12-05).
COMPILE_SECONDS = 6.0  # the plain GAN of depth 2 + 2, on one idle core
UNROLL_COMPILE_FACTOR = 1.5  # the look-ahead's rolled loop and its derivative, one loss
LAYER_COMPILE_SHARE = 0.06  # each layer beyond 2 + 2


def compile_estimate(config: Config) -> float:
    """Seconds that compiling ``config``'s shapes usually takes on one idle core (see above)."""
    layers = config.model.g_depth + config.model.d_depth
    unroll = UNROLL_COMPILE_FACTOR if config.train.unroll else 1.0
    return COMPILE_SECONDS * unroll * (1.0 + LAYER_COMPILE_SHARE * max(layers - 4, 0))


def estimate_label(config: Config | None) -> str:
    """How long the status says a compilation may take."""
    if config is None:
        return "usually a few seconds"
    return f"usually about {compile_estimate(config):.0f} s, longer while the machine is busy"


def shape_change(old: Config, new: Config) -> str:
    """What ``new`` compiles differently from ``old``, as the status names it: the changed network
    and compiled training keys (``model.g_depth = 8, train.unroll = 19``), else the data."""
    a, b = config_lib.flat(old), config_lib.flat(new)
    compiled = {f"train.{k}" for k in config_lib.COMPILED_TRAIN_KEYS}
    changed = [f"{k} = {b[k]}" for k in b if (k.startswith("model.") or k in compiled) and a[k] != b[k]]
    return ", ".join(changed) or "the new data's shapes"
