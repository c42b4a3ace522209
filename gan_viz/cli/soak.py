"""Soak test of the live app: one browser session plays for many steps; does anything grow?

Run with ``gan-viz soak --steps 1000000`` (``--json`` for machines). It starts the app on a
free localhost port in headless Chromium, opens it at ``preset`` (default: the app's default
scene) with the pace at ``pace`` training steps/s (default: max, as fast as the machine goes,
so a million steps take minutes rather than hours at the preset's lecture pace), presses Play and,
every ``interval`` seconds until the page's step counter passes ``steps``, records the
server's resident memory (process and children, from /proc) and the number of points the
run's history holds (``data-history-points`` on the status line). Memory "after warm-up" is
taken once ``warmup_steps`` steps have run (compilation and first allocations done);
``growth_pct`` compares the last sample with it. The history is bounded when it never holds
more than ``gan_viz.lab.history.HISTORY_POINTS`` points.
"""

from __future__ import annotations

import time

from gan_viz.cli import bench_ui, launch
from gan_viz.core import bounds
from gan_viz.lab import presets
from gan_viz.lab.history import HISTORY_POINTS

WARMUP_STEPS = 20_000  # compilation and first allocations are done by then


def _history_points(page) -> int:
    return int(page.locator("#status-line").get_attribute("data-history-points") or -1)


def run(steps: int = 1_000_000, interval: float = 30.0, warmup_steps: int = WARMUP_STEPS,
        progress=None, preset: str = presets.DEFAULT, pace: float = bounds.PACE_MAX) -> dict:
    """Plays one session for ``steps`` steps; see the module docstring. Raises if Chromium is missing."""
    if steps <= warmup_steps:
        raise ValueError(f"steps must be more than the {warmup_steps:,} warm-up steps, got {steps:,}")
    if not interval > 0:
        raise ValueError(f"interval must be positive, got {interval}")
    bench_ui.check(preset, pace)
    samples: list[dict] = []
    with launch.chromium() as browser, launch.serve() as url:
        pid = launch.last_server_pid()
        page = bench_ui._open_and_play(browser, bench_ui.scene_url(url, preset, pace))
        t0 = time.perf_counter()
        while bench_ui._step(page) < warmup_steps:
            time.sleep(1.0)
        warm = {"step": bench_ui._step(page), "server_mb": bench_ui._rss_mb(pid)}
        while True:
            time.sleep(interval)
            step = bench_ui._step(page)
            samples.append({"seconds": round(time.perf_counter() - t0, 1), "step": step,
                            "server_mb": round(bench_ui._rss_mb(pid), 1), "history_points": _history_points(page)})
            if progress is not None:
                progress(samples[-1])
            if step >= steps:
                break
        errors = bench_ui._errors(page)
        page.get_by_role("button", name="Pause").click()
        health = bench_ui._health_ok(url)
    end = samples[-1]
    most = max(s["history_points"] for s in samples)
    return {
        "preset": preset,
        "pace": pace,
        "steps": end["step"],
        "seconds": end["seconds"],
        "server_mb_after_warmup": round(warm["server_mb"], 1),
        "warmup_step": warm["step"],
        "server_mb_end": end["server_mb"],
        "growth_pct": 100.0 * (end["server_mb"] - warm["server_mb"]) / warm["server_mb"],
        "history_points_max": most,
        "history_bounded": 0 <= most <= HISTORY_POINTS,
        "errors": errors,
        "health_ok": health,
        "samples": samples,
    }


def format_sample(s: dict) -> str:
    return (f"{s['seconds']:8.0f} s  step {s['step']:>11,}  server {s['server_mb']:7.1f} MB  "
            f"history {s['history_points']} points")


def format_report(r: dict) -> str:
    return "\n".join([
        f"steps played                {r['steps']:,} in {r['seconds']:.0f} s ({r['preset']}, "
        f"{bench_ui.pace_label(r['pace'])} pace)",
        f"server memory after warm-up {r['server_mb_after_warmup']:.1f} MB (step {r['warmup_step']:,})",
        f"server memory at the end    {r['server_mb_end']:.1f} MB ({r['growth_pct']:+.1f} %)",
        f"history points (max)        {r['history_points_max']} (bound {HISTORY_POINTS}: "
        f"{'held' if r['history_bounded'] else 'EXCEEDED'})",
        f"errors: {r['errors']}; server health afterwards: {'ok' if r['health_ok'] else 'FAILED'}",
    ])
