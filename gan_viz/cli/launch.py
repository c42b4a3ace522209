"""Starting the Streamlit app: ``gan-viz app`` for people, ``serve()`` for tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


WEBSOCKET_PING_SECONDS = 120  # keep-alive ping interval and timeout of the app's websocket


def app_path() -> Path:
    """The script Streamlit runs, inside the installed package (editable or not).

    ``gan_viz/ui/entry/streamlit_app.py`` calls ``gan_viz.ui.app.main``; it is not ``ui/app.py``
    itself because Streamlit would make the ``ui/pages/`` beside that file a multipage app.
    """
    return Path(str(resources.files("gan_viz.ui.entry").joinpath("streamlit_app.py")))


MAX_UPLOAD_MB = 16  # the sample reader's own limit (gan_viz.lab.evaluate.MAX_CSV_BYTES)


def streamlit_command(port: int, extra: list[str] | None = None) -> list[str]:
    """``streamlit run`` with the app's settings as flags, so they apply from any directory
    (``.streamlit/config.toml`` is read only from the working directory)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(app_path()),
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        # a full gc.collect() after every fragment run costs 50-100 ms a frame with JAX loaded
        "--runner.postScriptGC", "false",
        # the pages/ package beside app.py holds the app's tabs, not Streamlit pages
        "--client.showSidebarNavigation", "false",
        # a browser too busy to read its socket (a slow laptop, many sessions on one machine)
        # answers the server's keep-alive ping late; the 30 s default then drops the connection
        # and the page reconnects, rebuilding its plots
        "--server.websocketPingInterval", str(WEBSOCKET_PING_SECONDS),
        # an upload of one's own samples is read in memory; more than this is refused by the page
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        *(extra or []),
    ]


LECTURE_ENV = "GAN_VIZ_LECTURE"  # the app's lecture (``gan_viz.ui.lecture_view.ENV``)


def lecture_source(script: str) -> str:
    """What the app is told to load: a packaged name as it is, a file by its absolute path."""
    from gan_viz.lab import lecture

    return script if script in lecture.lecture_names() else str(Path(script).resolve())


def run_app(port: int = 8501, extra: list[str] | None = None, lecture: str | None = None) -> int:
    """Runs the app in the foreground (Ctrl+C stops it) and returns Streamlit's exit status;
    ``lecture`` (a packaged name or a script's path): a page opened without a link shows its presenter view.

    Ctrl+C reaches the server too (same terminal): this waits for it to stop by itself (within
    a couple of seconds, even mid-compilation: ``gan_viz.ui.session``) rather than killing it."""
    env = {**os.environ}
    where = f"http://localhost:{port}"
    if lecture is not None:
        env[LECTURE_ENV] = lecture
        extra = ["--client.toolbarMode", "minimal", *(extra or [])]
        print(f"gan_viz: the lecture opens at {where} (keys: arrows or Page Up/Down, Space, ? for the rest)")
    print(f"gan_viz: open {where} in a browser (Ctrl+C to stop)")
    proc = subprocess.Popen(streamlit_command(port, extra), env=env)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


def wait_healthy(proc: subprocess.Popen, url: str, timeout: float) -> None:
    """Returns once the app at ``url`` answers its health check; raises RuntimeError if the
    process ``proc`` exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with status {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app did not become healthy within {timeout:.0f} s")
        time.sleep(0.3)


_last_pid: list[int] = []


def last_server_pid() -> int:
    """The process id of the server most recently started by ``serve``."""
    return _last_pid[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(port: int | None = None, timeout: float = 90.0, log: Path | None = None) -> Iterator[str]:
    """Starts the app on a free localhost port, waits until healthy, yields its URL, stops it."""
    port = port or free_port()
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        streamlit_command(port, ["--server.address", "127.0.0.1"]),
        stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "JAX_PLATFORMS": "cpu"})
    _last_pid.append(proc.pid)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url, timeout)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            out.close()


class BrowserMissing(RuntimeError):
    pass


def chromium_path() -> str:
    """Debian's Chromium, or a clear error saying how to install it (never a download)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise BrowserMissing(
            "Chromium was not found. Install Debian's package: "
            "`sudo apt-get update && sudo apt-get install -y chromium` (scripts/test.sh does this).")
    return path


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless with ``CHROMIUM_FLAGS``, driven by Playwright (which must be
    installed: the test extra); ``BrowserMissing`` at once if there is none. Closed on exit."""
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
