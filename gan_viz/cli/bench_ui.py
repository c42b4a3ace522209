"""Live-app benchmark in headless Chromium: rendered frames/s, steps/s, memory per session.

Run with ``gan-viz bench-ui`` (``--json`` for machines). It starts the app on a free
localhost port, opens it at ``preset`` (default: the app's default scene) with its default view
and pace (or ``pace`` training steps/s; ``max``: as fast as the machine goes), presses Play and,
once each playing session has drawn ``warmup_frames`` more frames (compilation and first
allocations done: frames counted, not a fixed time), measures over ``seconds``:

- ``fps``: frames the browser actually drew, counted inside the plot component
  (``window.__framesRendered``), per second;
- ``steps_per_s``: training steps per wall-clock second while animating, from the step
  counter on the page at the start and end of the window;
- ``mb_per_session``: growth of the server's resident memory per extra browser session:
  measured from two open sessions (once compile-time allocations have settled) to
  ``sessions``, divided by the sessions added;
- load: all ``sessions`` then play at once for ``seconds``; ``per_session`` lists each one's
  ``fps``, ``steps_per_s`` and ``errors`` (exceptions or error boxes on the page, uncaught
  page errors), ``all_playing`` says every step counter rose and every plot drew frames, and
  ``health_ok`` that the server's health endpoint still answers ``ok`` afterwards.
"""

from __future__ import annotations

import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from gan_viz.cli import launch
from gan_viz.core import bounds
from gan_viz.lab import presets

IFRAME = "iframe[title*='live_plot']"
LOAD_MS = 300_000  # loading a page while many others play takes long on two cores


def check(preset: str, pace: float | None) -> None:
    """Raises ``ValueError`` (one line) for an unknown preset or a pace out of range."""
    presets.get(preset)
    if pace is not None:
        bounds.check("view.pace", pace)


def scene_url(url: str, preset: str, pace: float | None) -> str:
    """The app's address opened at ``preset`` (and ``pace`` steps/s, if given)."""
    query = {"preset": preset} | ({} if pace is None else {"view.pace": pace})
    return f"{url}/?{urlencode(query)}"


def pace_label(pace: float | None) -> str:
    return "the preset's" if pace is None else "max" if pace >= bounds.PACE_MAX else f"{pace:,.0f} steps/s"


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


PLOT, COMPARE_PLOT = 0, 1  # the live view's plot and Compare's: the page's live_plot iframes in order
WARMUP_FRAMES = 50  # frames a session draws before its rates are measured

# JavaScript run on the app's page: plot i's frame counter (same origin: its document is readable),
# and the step the status line shows (-1 while there is none)
_COUNTER = ("(i) => { const f = document.querySelectorAll(\"iframe[title*='live_plot']\")[i];"
            " const d = f && f.contentDocument; return d && d.getElementById('frame-counter'); }")
STATUS_STEP_JS = (r"() => { const s = document.querySelector('#status-line');"
                  r" const m = s && /step ([\d,]+)/.exec(s.innerText); return m ? +m[1].replace(/,/g, '') : -1; }")


def status_step(page) -> int:
    """The step the status line shows."""
    text = page.locator("#status-line").inner_text()
    return int(re.search(r"step ([\d,]+)", text).group(1).replace(",", ""))


_step = status_step  # the name gan_viz.cli.soak uses


def wait_for_step(page, at_least: int, timeout: float = LOAD_MS) -> int:
    """Waits until the status line shows step ``at_least`` or later; returns the step it shows."""
    page.wait_for_function(f"n => ({STATUS_STEP_JS})() >= n", arg=at_least, timeout=timeout)
    return status_step(page)


def frames_rendered(page, plot: int = PLOT) -> int:
    """Frames plot ``plot`` (``PLOT``, ``COMPARE_PLOT``) has drawn since it loaded (0 before)."""
    return page.evaluate(f"i => {{ const c = ({_COUNTER})(i); return c ? +c.dataset.framesRendered : 0; }}", plot)



def wait_for_frames(page, more: int, plot: int = PLOT, timeout: float = LOAD_MS) -> int:
    """Waits until plot ``plot`` has drawn ``more`` frames after the ones drawn now; returns its count."""
    target = frames_rendered(page, plot) + more
    page.wait_for_function(f"([i, n]) => {{ const c = ({_COUNTER})(i); return c && +c.dataset.framesRendered >= n; }}",
                           arg=[plot, target], timeout=timeout)
    return frames_rendered(page, plot)


def frame_id(page, plot: int = PLOT) -> str:
    """The number of the frame plot ``plot`` shows ('' before its first)."""
    return page.evaluate(f"i => {{ const c = ({_COUNTER})(i); return c ? c.dataset.frame : ''; }}", plot)


def wait_for_new_frame(page, before: str, plot: int = PLOT, timeout: float = LOAD_MS) -> str:
    """Waits until plot ``plot`` shows a frame other than ``before`` (a ``frame_id``) with no frame
    of its batch left to draw, so the newest picture the app sent is on screen; returns its id."""
    page.wait_for_function(
        f"([i, b]) => {{ const c = ({_COUNTER})(i);"
        " return c && c.dataset.frame !== '' && c.dataset.frame !== b && c.dataset.queued === '0'; }",
        arg=[plot, before], timeout=timeout)
    return frame_id(page, plot)


def wait_played_out(page, plot: int = PLOT, timeout: float = LOAD_MS) -> None:
    """Waits until plot ``plot`` has drawn every frame of the batches it was sent (after Pause:
    the last picture trained is on screen)."""
    page.wait_for_function(f"i => {{ const c = ({_COUNTER})(i); return c && c.dataset.queued === '0'; }}",
                           arg=plot, timeout=timeout)


def wait_plot_fits(page, plot: int = PLOT, timeout: float = LOAD_MS) -> None:
    """Waits until plot ``plot`` is shown and its first picture fills its cell (Plotly redraws it
    at the new size after a tab switch or a resize)."""
    page.wait_for_function(
        f"i => {{ const c = ({_COUNTER})(i), f = document.querySelectorAll(\"iframe[title*='live_plot']\")[i];"
        " const d = c && c.ownerDocument.querySelector('#grid > div'), svg = d && d.querySelector('.main-svg');"
        " return f.offsetWidth > 0 && svg && Math.abs(svg.getBoundingClientRect().width - d.clientWidth) < 2; }",
        arg=plot, timeout=timeout)


def wait_settled(page, timeout: float = LOAD_MS) -> None:
    """Waits until the page shows the whole output of the app's last run: no element is stale
    (Streamlit marks the previous run's elements so while a run is under way). Not while playing:
    then the live view reruns all the time."""
    page.wait_for_function("() => !document.querySelector(\"[data-stale='true']\")", timeout=timeout)


def compare_steps(page) -> list[int]:
    """The steps Compare's two status lines show, left and right, read at one moment."""
    return page.evaluate(r"""() => ['left', 'right'].map(side => +/step ([\d,]+)/
        .exec(document.querySelector('#compare-' + side).innerText)[1].replace(/,/g, ''))""")


def open_app(browser, url: str, width: int = 1600, height: int = 1200):
    """A new browser session on the app (a ``width`` x ``height`` window), loaded and paused."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.page_errors = []  # uncaught JavaScript errors, counted as session errors
    page.on("pageerror", lambda e: page.page_errors.append(str(e)))
    page.goto(url, timeout=LOAD_MS)
    page.locator("#status-line").wait_for(timeout=LOAD_MS)
    page.frame_locator(IFRAME).locator("#frame-counter").wait_for(timeout=LOAD_MS)
    return page


def _play(page) -> None:
    page.get_by_role("button", name="Play").click(timeout=LOAD_MS)
    page.get_by_role("button", name="Pause").wait_for(timeout=LOAD_MS)


def _open_and_play(browser, url: str):
    page = open_app(browser, url)
    _play(page)
    return page


def _errors(page) -> int:
    shown = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count()
    return shown + len(page.page_errors)


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except OSError:
        return False


def _rates(pages: list, seconds: float) -> list[dict]:
    """Each page's frames/s and steps/s over the same ``seconds`` window."""
    start = [(frames_rendered(pg), status_step(pg), time.perf_counter()) for pg in pages]
    time.sleep(seconds)
    out = []
    for pg, (f0, s0, t0) in zip(pages, start):
        f1, s1, t1 = frames_rendered(pg), status_step(pg), time.perf_counter()
        out.append({"fps": (f1 - f0) / (t1 - t0), "steps_per_s": (s1 - s0) / (t1 - t0), "errors": _errors(pg)})
    return out


def run(seconds: float = 10.0, sessions: int = 4, warmup_frames: int = WARMUP_FRAMES, preset: str = presets.DEFAULT,
        pace: float | None = None) -> dict:
    """Measures the app; see the module docstring. Raises if Chromium is missing."""
    check(preset, pace)
    if sessions < 3:
        raise ValueError(f"sessions must be >= 3 (two for the memory baseline, one or more added), got {sessions}")
    with launch.chromium() as browser, launch.serve() as server:
        url = scene_url(server, preset, pace)
        pid = launch.last_server_pid()
        page = _open_and_play(browser, url)
        wait_for_frames(page, warmup_frames)
        single = _rates([page], seconds)[0]

        # Memory: compile-time allocations settle once a second session has run, so the
        # baseline is taken with two sessions open, then the others are added. All keep playing.
        opened = [page, _open_and_play(browser, url)]
        wait_for_frames(opened[1], warmup_frames)
        base = _rss_mb(pid)
        # the others load paused (a page loads slowly while many play), then all play together
        while len(opened) < sessions:
            opened.append(open_app(browser, url))
        for pg in opened[2:]:
            _play(pg)
        for pg in opened:  # they play on meanwhile: each has drawn its frames by the last wait
            wait_for_frames(pg, warmup_frames)
        per_session = _rates(opened, seconds)
        grown = _rss_mb(pid)
        for pg in opened:
            pg.get_by_role("button", name="Pause").click(timeout=LOAD_MS)
        health = _health_ok(server)
    return {
        "preset": preset,
        "pace": pace,
        "fps": single["fps"],
        "steps_per_s": single["steps_per_s"],
        "mb_per_session": (grown - base) / (len(opened) - 2),
        "server_mb_two_sessions": base,
        "server_mb_all_sessions": grown,
        "seconds": seconds,
        "sessions": len(opened),
        "per_session": per_session,
        "all_playing": all(r["fps"] > 0 and r["steps_per_s"] > 0 for r in per_session),
        "errors": sum(r["errors"] for r in per_session),
        "health_ok": health,
    }


DEFAULT_REMEDY = "unrolled GAN (5 look-ahead D steps)"


def compare(seconds: float = 10.0, warmup_frames: int = WARMUP_FRAMES, preset: str = presets.DEFAULT,
            remedy: str = DEFAULT_REMEDY) -> dict:
    """Compare mode: the sidebar's run (``preset``) and the same with ``remedy``, two runs in
    lockstep, as fast as they go; rendered frames/s of their one plot component, and the step
    counters of both runs (each frame brings both to the same step)."""
    check(preset, None)
    if remedy not in presets.REMEDIES:
        raise ValueError(f"unknown remedy {remedy!r}; choose from {', '.join(presets.REMEDIES)}")
    with launch.chromium() as browser, launch.serve() as server:
        page = open_app(browser, scene_url(server, preset, None))
        play_compare(page, remedy)
        wait_for_frames(page, warmup_frames, COMPARE_PLOT)

        def sample() -> tuple[int, list[int], float]:
            return frames_rendered(page, COMPARE_PLOT), compare_steps(page), time.perf_counter()

        f0, s0, t0 = sample()
        time.sleep(seconds)
        f1, s1, t1 = sample()
        errors = _errors(page)
    return {"preset": preset, "remedy": remedy, "fps": (f1 - f0) / (t1 - t0),
            "steps_per_s": [(b - a) / (t1 - t0) for a, b in zip(s0, s1)], "seconds": seconds, "errors": errors}


def play_compare(page, remedy: str) -> None:
    """On an open app page: the Compare tab with ``remedy`` on the right, started from step 0 and playing."""
    page.get_by_role("tab", name="Compare").click(timeout=LOAD_MS)
    page.get_by_label("Remedy on the right").click(timeout=LOAD_MS)
    page.get_by_role("option", name=remedy).click(timeout=LOAD_MS)
    page.get_by_role("button", name="Start from step 0").click(timeout=LOAD_MS)
    page.locator("#compare-right").wait_for(timeout=LOAD_MS)
    page.get_by_role("button", name="Play", exact=True).last.click(timeout=LOAD_MS)
    page.locator("#compare-rate").wait_for(timeout=LOAD_MS)


def format_compare(r: dict) -> str:
    left, right = r["steps_per_s"]
    return (f"Compare ({r['preset']} | + {r['remedy']}): {r['fps']:.1f} rendered frames/s, "
            f"{left:,.0f} and {right:,.0f} steps/s, errors: {r['errors']} ({r['seconds']:.0f} s window)")


def format_report(r: dict) -> str:
    sps = [x["steps_per_s"] for x in r["per_session"]]
    return "\n".join([
        f"rendered frames/s while playing   {r['fps']:.1f}",
        f"training steps/s while playing    {r['steps_per_s']:,.0f}",
        f"server memory per added session   {r['mb_per_session']:.1f} MB "
        f"(two sessions: {r['server_mb_two_sessions']:.0f} MB; {r['sessions']} sessions)",
        f"({r['preset']}, {pace_label(r['pace'])} pace, default view, headless Chromium, "
        f"{r['seconds']:.0f} s window)",
        f"all {r['sessions']} sessions playing at once: frames/s per session "
        f"{_spread([x['fps'] for x in r['per_session']], '.1f')}, steps/s {_spread(sps, ',.0f')}",
        f"every session playing: {'yes' if r['all_playing'] else 'NO'}; errors: {r['errors']}; "
        f"server health afterwards: {'ok' if r['health_ok'] else 'FAILED'}",
    ])


def _spread(xs: list[float], spec: str) -> str:
    return f"min {min(xs):{spec}} / median {sorted(xs)[len(xs) // 2]:{spec}} / max {max(xs):{spec}}"
