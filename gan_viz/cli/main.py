"""The ``gan-viz`` command line: presets, config, train, evaluate, bench and friends.

Size: each sub-command is a short handler that checks its arguments and calls the library
(imported inside the handler, so a sub-command loads only the modules it uses; ``import gan_viz``
itself loads JAX, so every command does), and ``build_parser``
declares them all; kept in one file so a sub-command's arguments and its checks read side by side.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from gan_viz.lab.experiment import json_ready as _clean  # NaN/inf become null: --json is strict JSON


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors (unknown flags, bad values) on one line, exit status 2.

    ``add_subparsers`` builds the sub-commands' parsers with this class too.
    """

    def error(self, message: str) -> NoReturn:
        _fail(f"{message} (see `gan-viz --help`)")


def _int(text: str) -> int:
    """An integer flag in plain ASCII digits (``int()`` also reads ``1_000`` and non-ASCII digits)."""
    if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        raise ValueError(text)
    return int(text)


def _float(text: str) -> float:
    """A number flag as ``bounds.parse_number`` reads it (plain ASCII)."""
    from gan_viz.core import bounds

    return bounds.parse_number(text)


_int.__name__, _float.__name__ = "int", "float"  # argparse says "invalid int value: '...'"


def _emit(obj: Any, as_json: bool, human: Callable[[Any], str]) -> None:
    if as_json:
        print(json.dumps(obj, indent=2, allow_nan=False, default=_json_default))
    else:
        print(human(obj))


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


class _Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, enabled: bool):
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _config_from(args) -> Any:
    from gan_viz.core import config as config_lib
    from gan_viz.lab import presets

    try:
        cfg = presets.get(args.preset)
        if getattr(args, "seed", None) is not None:
            cfg = config_lib.override(cfg, "seed", args.seed)
        if getattr(args, "steps", None) is not None:
            cfg = config_lib.override(cfg, "train.steps", args.steps)
        if getattr(args, "data", None):
            cfg = _own_data(cfg, args.data)
        return config_lib.apply_overrides(cfg, getattr(args, "set", None) or [])
    except ValueError as e:
        raise CliError(str(e)) from None


def _own_data(cfg: Any, path: str) -> Any:
    """``cfg`` training on the points in ``path`` (what an upload does in the app): layout samples,
    K modes fitted by k-means with K chosen by BIC (``--set data.modes=K`` after it overrides K)."""
    from gan_viz.core import config as config_lib

    return config_lib.with_samples(cfg, load_samples(path), path)


# ---------------------------------------------------------------------------------------------


def cmd_presets(args) -> None:
    from gan_viz.lab import presets

    rows = [{"name": p.name, "description": p.summary} for p in presets.PRESETS.values()]
    width = max(len(r["name"]) for r in rows)
    _emit(rows, args.json, lambda rs: "\n".join(f"{r['name']:<{width}}  {r['description']}" for r in rs))


def cmd_config(args) -> None:
    from gan_viz.core import config as config_lib

    cfg = _config_from(args)
    d = config_lib.to_dict(cfg)

    def human(d: dict) -> str:
        lines = []
        for section, values in d.items():
            if isinstance(values, dict):
                lines += [f"{section}.{k} = {json.dumps(v)}" for k, v in values.items()]
            else:
                lines.append(f"{section} = {json.dumps(values)}")
        return "\n".join(lines)

    _emit(d, args.json, human)


def _summary_text(s: dict) -> str:
    """The text summary of ``train`` (steps, hops, timing) or ``evaluate`` (samples scored)."""
    def num(key: str, spec: str, scale: float = 1.0) -> str:
        v = s.get(key)
        return "n/a" if v is None else format(scale * v, spec)

    lines = [f"steps             {s['steps']}" if "steps" in s else f"samples scored    {s.get('samples', 'n/a')}",
             f"modes captured    {s['modes_captured']} / {s['num_modes']}",
             f"high quality      {num('hq_fraction', '.1f', 100)} %",
             f"reverse KL        {num('reverse_kl', '.3f')} nats",
             f"JSD (smoothed)    {num('jsd', '.3f')} nats (max log 2 = 0.693)"]
    if s.get("value") is not None:
        lines.append(f"V(D, G)           {s['value']:.3f} (equilibrium -log 4 = -1.386)")
    if "hop_events" in s:
        lines.append(f"hop events        {s['hop_events']}")
    if s.get("mean_dwell_steps") is not None:
        lines.append(f"mean dwell        {s['mean_dwell_steps']:.0f} steps between hops")
    if s.get("collapsed_hq_fraction") is not None:
        lines.append(f"HQ when collapsed {100 * s['collapsed_hq_fraction']:.1f} %")
    if s.get("collapsed_share") is not None:
        lines.append(f"collapsed at      {100 * s['collapsed_share']:.0f} % of evaluations")
    if s.get("near_mode_distance") is not None:
        lines.append(f"collapsed G sits  {s['near_mode_distance']:.1f} std from its mode (median; HQ is < 3)")
    if s.get("wall_seconds") is not None:
        lines.append(f"wall time         {s['wall_seconds']:.1f} s ({num('steps_per_second', '.0f')} steps/s)")
    if s.get("diverged"):
        lines.append("DIVERGED: training stopped at the last finite state; lower the learning rates")
    if s.get("interrupted"):
        lines.append("INTERRUPTED: stopped by Ctrl+C; the figures above are for the steps done")
    return "\n".join(lines)


def cmd_train(args) -> None:
    from gan_viz.lab import experiment

    cfg = _config_from(args)
    result = experiment.train(cfg, progress=_Progress("training", not args.json), interruptible=True)
    summary = dict(result.summary)
    summary["preset"] = args.preset
    summary["occupancy"] = np.asarray(result.frame.modes.occupancy).round(4).tolist()
    _emit(_clean(summary), args.json, _summary_text)
    if result.summary["interrupted"]:
        sys.exit(130)
    if result.summary["diverged"]:
        sys.exit(3)


def load_samples(path: str) -> np.ndarray:
    """Reads (n, 2) points from a .npy or CSV file; raises CliError with the reason otherwise."""
    from gan_viz.lab import evaluate

    try:
        return evaluate.read_samples(path)
    except ValueError as e:
        raise CliError(str(e)) from None


def cmd_evaluate(args) -> None:
    from gan_viz.lab import evaluate

    cfg = _config_from(args)
    x = load_samples(args.samples)
    summary = evaluate.score_samples(x, cfg.data.mixture())
    summary["preset"] = args.preset
    summary["samples"] = int(x.shape[0])
    _emit(_clean(summary), args.json, _summary_text)


def cmd_bench(args) -> None:
    from gan_viz.cli import bench

    report = bench.run(quick=args.quick, progress=None if args.json else print)
    _emit(_clean(report), args.json, bench.format_report)


def cmd_sweep(args) -> None:
    from gan_viz.core import bounds
    from gan_viz.lab import sweep

    cfg = _config_from(args)
    try:
        bounds.check_seeds(cfg.seed if args.first_seed is None else args.first_seed, args.seeds,
                           "--first-seed" if args.first_seed is not None else "seed")
        x = sweep.parse_axis(args.x)
        y = sweep.parse_axis(args.y) if args.y else None
        result = sweep.sweep(cfg, x, y, seeds=args.seeds, first_seed=args.first_seed, steps=args.steps,
                             progress=_Progress("sweeping", not args.json))
    except ValueError as e:
        raise CliError(str(e)) from None
    _emit(_clean(result.to_json()), args.json, _sweep_text)


def _sweep_text(report: dict) -> str:
    """The map as a table: one row per cell."""
    x, y = report["x"], report["y"]
    lines = [f"{report['runs']} runs ({len(report['seeds'])} seeds), {report['steps']} steps each, "
             f"{report['wall_seconds']:.1f} s on {report['devices']} device(s), "
             f"{(report['steps_per_s_aggregate'] or 0):,.0f} steps/s in all"]
    cols = ["modes_captured_mean", "hq_fraction_mean", "hop_events_mean", "collapsed_fraction", "diverged_fraction"]
    head = [x["key"]] + ([y["key"]] if y else []) + ["modes", "HQ", "hops", "collapsed", "diverged"]
    lines.append("  ".join(f"{h:>10}" for h in head))
    fmt = (lambda v: "-" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v))
    for c in report["cells"]:
        row = [c["x"]] + ([c["y"]] if y else []) + [c[k] for k in cols]
        lines.append("  ".join(f"{fmt(v):>10}" for v in row))
    return "\n".join(lines)


def cmd_reproduce(args) -> None:
    from gan_viz.core import bounds
    from gan_viz.lab import reproduce

    if (args.dataset is None) == (args.figure is None):
        raise CliError("give --dataset ring8|grid25 (the mode-collapse table) or --figure unrolled-fig1, not both")
    if args.figure is not None:
        return _reproduce_figure(args)
    if args.out is not None or args.no_ablation:
        raise CliError("--out and --no-ablation go with --figure")
    only = None if args.methods is None else [m.strip() for m in args.methods.split(",") if m.strip()]
    if args.seeds is None:
        args.seeds = reproduce.DEFAULT_SEEDS
    if not 1 <= args.seeds <= 256:
        raise CliError(f"--seeds must be 1-256 (got {args.seeds})")
    if args.steps is not None and args.steps < 2:
        raise CliError(f"--steps must be >= 2 (got {args.steps})")
    try:
        bounds.check_seeds(args.first_seed, args.seeds, "--first-seed")
        report = reproduce.reproduce(args.dataset, seeds=args.seeds, first_seed=args.first_seed, steps=args.steps,
                                     only=only, progress=_Progress(f"training {args.dataset}", not args.json))
    except ValueError as e:
        raise CliError(str(e)) from None
    _emit(_clean(report), args.json, reproduce.format_table)


def _reproduce_figure(args) -> None:
    from gan_viz.core import bounds
    from gan_viz.lab import figures

    if args.methods is not None:
        raise CliError("--methods goes with --dataset; a figure trains its own methods")
    seeds = 1 if args.seeds is None else args.seeds
    steps = figures.STEPS if args.steps is None else args.steps
    out = _html_target(args.out, "unrolled-fig1.png") if args.out else None
    try:
        bounds.check_seeds(args.first_seed, seeds, "--first-seed")
        progress = _Progress(f"training {args.figure}", not args.json)
        report = figures.unrolled_fig1(seeds=seeds, first_seed=args.first_seed, steps=steps,
                                       ablation=not args.no_ablation, progress=lambda d, t, _w: progress(d, t))
    except ValueError as e:
        raise CliError(str(e)) from None
    _emit(_clean(report), args.json, figures.format_report)
    if out is not None:
        from gan_viz.render import figure_png

        data = figure_png.figure_png(report)
        try:
            out.write_bytes(data)
        except OSError as e:
            raise CliError(f"cannot write {str(out)!r}: {e.strerror or e}") from None
        print(f"wrote {out} ({len(data):,} bytes): {len(report['runs'])} rows of "
              f"{len(report['snapshot_steps'])} snapshots", file=sys.stderr if args.json else sys.stdout)


def cmd_counterexample(args) -> None:
    from gan_viz.core import bounds
    from gan_viz.lab import counterexample

    out = _html_target(args.html) if args.html else None
    try:
        bounds.check_seeds(args.seed, 1, "--seed")
        report = counterexample.run_storyboard(seed=args.seed, rounds=args.rounds)
    except ValueError as e:
        raise CliError(str(e)) from None
    _emit(_clean(report.to_json()), args.json, counterexample.format_report)
    if out is not None:
        from gan_viz.render import export

        _write_html(out, export.storyboard_html(report), f"{len(report.records)} rounds, "
                    f"{len(export.storyboard_phases(report))} phases", to=sys.stderr if args.json else sys.stdout)


def _html_target(path: str, example: str = "replay.html") -> Path:
    """``path`` checked before any training: a file in an existing, writable directory."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    try:
        if p.is_dir():
            raise CliError(f"--out {path!r} is a directory; give a file name such as {example}")
        if not parent.is_dir():
            raise CliError(f"cannot write {path!r}: no such directory {str(parent)!r}")
        if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
            raise CliError(f"cannot write {path!r}: permission denied")
    except OSError as e:  # a name too long, ...
        raise CliError(f"cannot write {path[:80]!r}: {(e.strerror or type(e).__name__).lower()}") from None
    return p


def _write_html(path: Path, page: str, what: str, to=None) -> None:
    data = page.encode("utf-8")
    try:
        path.write_bytes(data)
    except OSError as e:
        raise CliError(f"cannot write {str(path)!r}: {e.strerror or e}") from None
    print(f"wrote {path} ({len(data) / 1e6:.1f} MB, {len(data):,} bytes): {what}", file=to or sys.stdout)


def cmd_export(args) -> None:
    from gan_viz.lab import replay
    from gan_viz.render import export

    if args.frames < 2:
        raise CliError(f"--frames must be >= 2 (the first step and the last), got {args.frames}")
    cfg = _config_from(args)
    out = _html_target(args.out)
    try:
        rec = replay.record(cfg, frames=args.frames, progress=_Progress("recording", True))
    except ValueError as e:
        raise CliError(str(e)) from None
    page = export.replay_html(rec, args.preset, replay.changes(cfg, args.preset))
    end = "diverged at" if rec.diverged else "to"
    _write_html(out, page, f"{rec.frames} frames, steps 0 {end} {int(rec.steps[-1]):,}")


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
        _emit(_clean(report), args.json, bench_ui.format_compare)
        return
    report = bench_ui.run(seconds=args.seconds, sessions=args.sessions, preset=args.preset, pace=pace)
    _emit(_clean(report), args.json, bench_ui.format_report)


def cmd_soak(args) -> None:
    from gan_viz.cli import soak

    if args.steps <= soak.WARMUP_STEPS:
        raise CliError(f"--steps must be more than {soak.WARMUP_STEPS:,} (the warm-up), got {args.steps}")
    if not (math.isfinite(args.interval) and args.interval > 0):
        raise CliError(f"--interval must be a positive number of seconds, got {args.interval}")
    progress = None if args.json else (lambda s: print(soak.format_sample(s), flush=True))
    pace = _scene(args, default_pace="max")
    report = soak.run(steps=args.steps, interval=args.interval, progress=progress, preset=args.preset, pace=pace)
    _emit(_clean(report), args.json, soak.format_report)
    if not (report["history_bounded"] and report["health_ok"] and report["errors"] == 0):
        sys.exit(1)


def cmd_app(args) -> None:
    from gan_viz.cli import launch

    if not 1 <= args.port <= 65535:
        raise CliError(f"--port must be in [1, 65535], got {args.port}")
    sys.exit(launch.run_app(port=args.port, extra=args.streamlit_args))


# ---------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gan-viz", description="Train GANs on 2D Gaussian mixtures and watch mode collapse.")
    sub = parser.add_subparsers(dest="command", required=True)

    def scene_args(p, pace_help: str):
        p.add_argument("--preset", default="ring8-hopping", help="the scene to play (a name from `gan-viz presets`)")
        p.add_argument("--pace", default=None,
                       help=f"training steps per second while playing, or max (default: {pace_help})")

    def preset_args(p, seed=True, steps=True, overrides=True, own_data=False):
        p.add_argument("--preset", default="ring8-hopping", help="a name from `gan-viz presets`")
        if own_data:
            p.add_argument("--data", metavar="FILE",
                           help="train on your own 2-D points (CSV x,y per line, or (n, 2) .npy) instead of the "
                                "preset's data; modes fitted by k-means, K by BIC (--set data.modes=K to choose)")
        if seed:
            p.add_argument("--seed", type=_int, help="overrides the preset's seed")
        if steps:
            p.add_argument("--steps", type=_int,
                           help="training steps, rounded up to whole rounds (overrides train.steps)")
        if overrides:
            p.add_argument("--set", action="append", metavar="KEY=VALUE",
                           help="override a config key, e.g. train.lr_d=3e-4 (repeatable)")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("presets", help="list the presets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_presets)

    p = sub.add_parser("config", help="print a preset's full configuration (every key)")
    preset_args(p, steps=False)
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("train", help="train a preset and report its metrics")
    preset_args(p, own_data=True)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score external 2D samples (CSV or .npy) against a preset's data")
    preset_args(p, seed=False, steps=False)
    p.add_argument("--samples", required=True, help="CSV (x,y per line) or .npy of shape (n, 2)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("sweep", help="the collapse map: train a grid of settings x seeds at once, report each cell")
    preset_args(p, seed=False, own_data=True)
    p.add_argument("--x", required=True, metavar="KEY=VALUES",
                   help="a run-time setting and its values: lr_d=1e-4,1e-3 or lr_d=1e-4:1e-1:7log (or 5lin)")
    p.add_argument("--y", metavar="KEY=VALUES", help="a second setting (the map's rows)")
    p.add_argument("--seeds", type=_int, default=4, help="runs per cell, seeds first-seed, first-seed+1, ...")
    p.add_argument("--first-seed", type=_int, default=None, help="the first seed (default: the preset's)")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("reproduce", help="the literature's mode-collapse table (VEEGAN, PacGAN): every method "
                       "trained on ring8 or grid25, beside the published figures; or a published figure "
                       "(--figure unrolled-fig1: the unrolled GAN's Figure 1 and an ablation of its standard GAN)")
    p.add_argument("--dataset", choices=("ring8", "grid25"))
    p.add_argument("--figure", choices=("unrolled-fig1",),
                   help="train a published figure's setup instead of a table (see --out)")
    p.add_argument("--seeds", type=_int, default=None,
                   help="runs per method (default 10, as PacGAN; a figure: 1, one row per method and seed)")
    p.add_argument("--first-seed", type=_int, default=0, help="seeds first-seed, first-seed+1, ... (default 0)")
    p.add_argument("--steps", type=_int,
                   help="training steps per run (default 20,000; a figure: the paper's 40,000; "
                        "a step is one D or one G update)")
    p.add_argument("--out", metavar="FILE.png", help="with --figure: also draw it as a PNG")
    p.add_argument("--no-ablation", action="store_true",
                   help="with --figure: train only the figure's methods, not the ablation's one-change rows")
    p.add_argument("--methods", metavar="A,B",
                   help="train only these (gan, unrolled, pacgan, wgan-gp, r1, ema, r1-ema)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_reproduce)

    p = sub.add_parser("bench", help="training throughput: jitted JAX vs no jit vs PyTorch eager")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="shorter timings (for smoke tests)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("counterexample", help="the lecture's frozen-classifier storyboard, per round")
    p.add_argument("--seed", type=_int, default=0)
    p.add_argument("--rounds", type=_int, default=3,
                   help="storyboard rounds: each trains a classifier, then moves G against it")
    p.add_argument("--json", action="store_true")
    p.add_argument("--html", metavar="FILE", help="also write the storyboard as a standalone HTML file: "
                   "one frame per phase, Play and a slider, plays offline")
    p.set_defaults(func=cmd_counterexample)

    p = sub.add_parser("export", help="a standalone HTML replay of a run: Play, a step slider, plays offline")
    p.add_argument("--preset", default="ring8-hopping", help="a name from `gan-viz presets`")
    p.add_argument("--seed", type=_int, help="overrides the preset's seed")
    p.add_argument("--steps", type=_int, help="training steps, rounded up to whole rounds (overrides train.steps)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a config key, e.g. train.lr_d=3e-4 (repeatable)")
    p.add_argument("--frames", type=_int, default=200,
                   help="frames kept, evenly spaced from step 0 to the end (default 200; at most one per round)")
    p.add_argument("--out", required=True, metavar="FILE.html", help="the file to write")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("bench-ui", help="frames/s, steps/s and memory of the live app in headless Chromium")
    p.add_argument("--seconds", type=_float, default=10.0, help="how long to animate")
    p.add_argument("--sessions", type=_int, default=4, help="sessions that all play at once (>= 3)")
    p.add_argument("--compare", metavar="REMEDY", nargs="?", const="unrolled GAN (5 look-ahead D steps)",
                   help="measure Compare mode instead: the preset beside it with REMEDY (default: the unrolled GAN)")
    scene_args(p, pace_help="the preset's own")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_ui)

    p = sub.add_parser("soak", help="one live session for many steps: server memory and history size over time")
    p.add_argument("--steps", type=_int, default=1_000_000, help="steps to play (default 1,000,000)")
    p.add_argument("--interval", type=_float, default=30.0, help="seconds between memory samples")
    scene_args(p, pace_help="max (as fast as it goes)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_soak)

    p = sub.add_parser("app", help="start the Streamlit app")
    p.add_argument("--port", type=_int, default=8501)
    p.add_argument("streamlit_args", nargs="*", help="passed on to `streamlit run`")
    p.set_defaults(func=cmd_app)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    from gan_viz.core import _xla, compilation_cache

    problem = _xla.backend_problem()
    if problem:
        _fail(problem)

    cache = compilation_cache.enable()  # as the app does: a second `gan-viz sweep` or `train` compiles less
    if cache.problem:
        print(f"gan-viz: {cache.problem}", file=sys.stderr)
    try:
        args.func(args)
    except CliError as e:
        _fail(str(e))
    except KeyboardInterrupt:
        print("gan-viz: interrupted", file=sys.stderr)
        sys.exit(130)


def _fail(message: str) -> NoReturn:
    one_line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)  # a file name may hold a newline
    print(f"gan-viz: error: {one_line}", file=sys.stderr)
    sys.exit(2)
