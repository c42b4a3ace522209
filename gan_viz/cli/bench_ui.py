"""Live-app benchmark in headless Chromium: rendered frames/s, steps/s, memory per session.

Run with ``gan-viz bench-ui`` (``--json`` for machines). It starts the app on a free
localhost port with the default preset and view, presses Play and measures over
``seconds``:

- ``fps``: frames the browser actually drew, counted inside the plot component
  (``window.__framesRendered``), per second;
- ``steps_per_s``: training steps per wall-clock second while animating, from the step
  counter on the page at the start and end of the window;
- ``mb_per_session``: growth of the server's resident memory per extra browser session, each
  session having played a few seconds: measured from two open sessions (once compile-time
  allocations have settled) to ``sessions``, divided by the sessions added.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from gan_viz.cli import launch

IFRAME = "iframe[title*='live_plot']"


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc (Linux)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024.0


def _step(page) -> int:
    text = page.locator("#status-line").inner_text()
    return int(re.search(r"step ([\d,]+)", text).group(1).replace(",", ""))


def _frames(page) -> int:
    return int(page.frame_locator(IFRAME).locator("#frame-counter").get_attribute("data-frames-rendered") or 0)


def _open_and_play(browser, url: str):
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    page.goto(url)
    page.locator("#status-line").wait_for(timeout=180_000)
    page.frame_locator(IFRAME).locator("#frame-counter").wait_for(timeout=120_000)
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=60_000)
    return page


def run(seconds: float = 10.0, sessions: int = 4, warmup: float = 4.0) -> dict:
    """Measures the app; see the module docstring. Raises if Chromium is missing."""
    from playwright.sync_api import sync_playwright

    chromium = launch.chromium_path()
    with launch.serve() as url, sync_playwright() as p:
        pid = launch.last_server_pid()
        browser = p.chromium.launch(executable_path=chromium, args=launch.CHROMIUM_FLAGS)
        page = _open_and_play(browser, url)
        time.sleep(warmup)
        f0, s0, t0 = _frames(page), _step(page), time.perf_counter()
        time.sleep(seconds)
        f1, s1, t1 = _frames(page), _step(page), time.perf_counter()
        fps = (f1 - f0) / (t1 - t0)
        sps = (s1 - s0) / (t1 - t0)
        page.get_by_role("button", name="Pause").click()
        page.get_by_role("button", name="Play").wait_for(timeout=60_000)

        # Memory: compile-time allocations settle once a second session has run, so the
        # baseline is taken with two sessions open, then more are added, each playing a while.
        opened = [page]

        def add_session() -> None:
            pg = _open_and_play(browser, url)
            time.sleep(3)
            pg.get_by_role("button", name="Pause").click()
            opened.append(pg)

        add_session()
        time.sleep(3)
        base = _rss_mb(pid)
        for _ in range(max(sessions - 2, 1)):
            add_session()
        time.sleep(3)
        grown = _rss_mb(pid)
        added = len(opened) - 2
        browser.close()
    return {
        "fps": fps,
        "steps_per_s": sps,
        "mb_per_session": (grown - base) / added,
        "server_mb_two_sessions": base,
        "seconds": seconds,
        "sessions": len(opened),
    }


def format_report(r: dict) -> str:
    return "\n".join([
        f"rendered frames/s while playing   {r['fps']:.1f}",
        f"training steps/s while playing    {r['steps_per_s']:,.0f}",
        f"server memory per added session   {r['mb_per_session']:.1f} MB "
        f"(two sessions: {r['server_mb_two_sessions']:.0f} MB; {r['sessions']} sessions)",
        f"(default preset and view, headless Chromium, {r['seconds']:.0f} s window)",
    ])
