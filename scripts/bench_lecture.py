"""Times the presenter view in headless Chromium: how long a scene takes to open after Next (cold: a fresh
server, scenes not prepared yet; warm: every scene's opening state made), and the frames/s the first
scene (it plays when it opens) draws while the other scenes are prepared in the background and after.

Run: .venv/bin/python scripts/bench_lecture.py [--lecture w3l8] [--seconds 10]
Prints one line per measurement and a JSON summary. Figures depend on the machine and its load: quote
them with both.
"""

from __future__ import annotations

import argparse
import json
import time

from gan_viz.cli import launch
from gan_viz.cli.bench_ui import LOAD_MS, frames_rendered
from gan_viz.lab import lecture

SHOWN_JS = ("([t, n]) => document.querySelector('#lecture-counter')?.innerText.trim() === t &&"
            " new URLSearchParams(location.search).get('scene') === n &&"
            " !document.querySelector(\"[data-stale='true']\")")
READY_JS = ("() => { const r = document.querySelector('#lecture-ready');"
            " return r && r.dataset.ready === r.dataset.scenes; }")


def open_after_next(page, number: int, count: int) -> float:
    """Seconds from the Right arrow to scene ``number`` shown (counter, URL, no stale element)."""
    t0 = time.perf_counter()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(SHOWN_JS, arg=[f"{number} / {count}", str(number)], timeout=LOAD_MS)
    return time.perf_counter() - t0


def rendered_fps(page, seconds: float) -> float:
    """Frames/s the live plot draws over ``seconds``."""
    a, t0 = frames_rendered(page), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    return (frames_rendered(page) - a) / (time.perf_counter() - t0)


def walk(page, count: int) -> list[float]:
    """Back to scene 1, then Next through every scene: each scene's seconds to open."""
    page.goto(page.url.split("?")[0] + f"?lecture={LECTURE}&scene=1")
    page.wait_for_function(SHOWN_JS, arg=[f"1 / {count}", "1"], timeout=LOAD_MS)
    page.wait_for_function("() => !!window.__ganVizLectureKeys", timeout=LOAD_MS)
    return [open_after_next(page, n, count) for n in range(2, count + 1)]


LECTURE = "w3l8"


def main() -> None:
    global LECTURE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lecture", default="w3l8")
    ap.add_argument("--seconds", type=float, default=10.0, help="how long each frame rate is measured")
    args = ap.parse_args()
    LECTURE = args.lecture
    count = len(lecture.load_lecture(args.lecture).scenes)
    out: dict = {"lecture": args.lecture, "scenes": count}
    with launch.serve() as url, launch.chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        t0 = time.perf_counter()
        page.goto(f"{url}/?lecture={args.lecture}&scene=1")
        page.wait_for_function(SHOWN_JS, arg=[f"1 / {count}", "1"], timeout=LOAD_MS)
        out["cold_first_scene_s"] = round(time.perf_counter() - t0, 2)
        print(f"cold: scene 1 shown {out['cold_first_scene_s']} s after the page was asked for (fresh server)")
        page.wait_for_function("() => !!window.__ganVizLectureKeys", timeout=LOAD_MS)
        page.locator("iframe[title*='live_plot']").first.wait_for(timeout=LOAD_MS)
        preparing = not page.evaluate(READY_JS)
        out["fps_while_preparing"] = round(rendered_fps(page, args.seconds), 1) if preparing else None
        print(f"scene 1 playing while the other scenes are prepared: {out['fps_while_preparing']} frames/s drawn")
        page.keyboard.press("Space")  # paused: the background prepares the other scenes (it waits while one plays)
        t0 = time.perf_counter()
        page.wait_for_function(READY_JS, timeout=LOAD_MS * 2)
        out["all_ready_after_pause_s"] = round(time.perf_counter() - t0, 1)
        print(f"every scene ready {out['all_ready_after_pause_s']} s after scene 1 was paused")
        page.keyboard.press("Space")
        page.wait_for_timeout(2000)
        out["fps_after"] = round(rendered_fps(page, args.seconds), 1)
        print(f"scene 1 playing once every scene is ready: {out['fps_after']} frames/s drawn")
        out["warm_open_s"] = [round(s, 2) for s in walk(page, count)]
        print(f"warm: seconds from Next to scene 2..{count} shown: {out['warm_open_s']}")
    # a second fresh server, Next pressed at once: scenes not prepared yet wait for their opening state
    with launch.serve() as url, launch.chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{url}/?lecture={args.lecture}&scene=1")
        page.wait_for_function(SHOWN_JS, arg=[f"1 / {count}", "1"], timeout=LOAD_MS)
        page.wait_for_function("() => !!window.__ganVizLectureKeys", timeout=LOAD_MS)
        out["cold_open_s"] = [round(open_after_next(page, n, count), 2) for n in range(2, count + 1)]
        print(f"cold: seconds from Next to scene 2..{count} shown, Next pressed as soon as each showed: "
              f"{out['cold_open_s']}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
