"""``gan-viz bench``, ``bench-ui`` and ``soak``: training throughput, the live app's frame rate in
a headless browser, and one long session's memory over time."""

from __future__ import annotations

import math
import sys

from gan_viz.cli.common import CliError, clean, emit


def cmd_bench(args) -> None:
    from gan_viz.cli import bench

    report = bench.run(quick=args.quick, progress=None if args.json else print)
    emit(clean(report), args.json, bench.format_report)


def _scene(args, default_pace: str | None) -> float | None:
    """``--preset`` and ``--pace`` of bench-ui and soak, checked: the pace in steps/s (None: the preset's)."""
    from gan_viz.cli import bench_ui
    from gan_viz.core import bounds

    text = args.pace if args.pace is not None else default_pace
    try:
        pace = None if text is None else bounds.PACE_MAX if text == "max" else bounds.parse_number(text)
    except ValueError:
        raise CliError(f"--pace must be a number of training steps/s or max, got {text!r}") from None
    try:
        bench_ui.check(args.preset, pace)
    except ValueError as e:
        raise CliError(str(e)) from None
    return pace


def cmd_bench_ui(args) -> None:
    from gan_viz.cli import bench_ui

    if not (math.isfinite(args.seconds) and args.seconds > 0):
        raise CliError(f"--seconds must be a positive number, got {args.seconds}")
    if args.sessions < 3:
        raise CliError(f"--sessions must be >= 3 (two for the baseline, one or more added), got {args.sessions}")
    pace = _scene(args, default_pace=None)
    if args.compare:
        if args.compare not in bench_ui.presets.REMEDIES:
            raise CliError(f"unknown remedy {args.compare!r}; choose from {', '.join(bench_ui.presets.REMEDIES)}")
        report = bench_ui.compare(seconds=args.seconds, preset=args.preset, remedy=args.compare)
        emit(clean(report), args.json, bench_ui.format_compare)
        return
    report = bench_ui.run(seconds=args.seconds, sessions=args.sessions, preset=args.preset, pace=pace)
    emit(clean(report), args.json, bench_ui.format_report)


def cmd_soak(args) -> None:
    from gan_viz.cli import soak

    if args.steps <= soak.WARMUP_STEPS:
        raise CliError(f"--steps must be more than {soak.WARMUP_STEPS:,} (the warm-up), got {args.steps}")
    if not (math.isfinite(args.interval) and args.interval > 0):
        raise CliError(f"--interval must be a positive number of seconds, got {args.interval}")
    progress = None if args.json else (lambda s: print(soak.format_sample(s), flush=True))
    pace = _scene(args, default_pace="max")
    report = soak.run(steps=args.steps, interval=args.interval, progress=progress, preset=args.preset, pace=pace)
    emit(clean(report), args.json, soak.format_report)
    if not (report["history_bounded"] and report["health_ok"] and report["errors"] == 0):
        sys.exit(1)
