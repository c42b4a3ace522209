"""``gan-viz sweep`` and ``reproduce``: the collapse map over a grid of settings, the literature's
mode-collapse table, and the unrolled GAN's Figure 1 (optionally drawn as a PNG)."""

from __future__ import annotations

import sys

from gan_viz.cli.common import CliError, Progress, clean, config_from, emit, output_target, write_bytes


def cmd_sweep(args) -> None:
    from gan_viz.core import bounds
    from gan_viz.lab import sweep

    cfg = config_from(args)
    try:
        bounds.check_seeds(cfg.seed if args.first_seed is None else args.first_seed, args.seeds,
                           "--first-seed" if args.first_seed is not None else "seed")
        x = sweep.parse_axis(args.x)
        y = sweep.parse_axis(args.y) if args.y else None
        result = sweep.sweep(cfg, x, y, seeds=args.seeds, first_seed=args.first_seed, steps=args.steps,
                             progress=Progress("sweeping", not args.json))
    except ValueError as e:
        raise CliError(str(e)) from None
    emit(clean(result.to_json()), args.json, sweep_text)


def sweep_text(report: dict) -> str:
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
                                     only=only, progress=Progress(f"training {args.dataset}", not args.json))
    except ValueError as e:
        raise CliError(str(e)) from None
    emit(clean(report), args.json, reproduce.format_table)


def _reproduce_figure(args) -> None:
    from gan_viz.core import bounds
    from gan_viz.lab import figures

    if args.methods is not None:
        raise CliError("--methods goes with --dataset; a figure trains its own methods")
    seeds = 1 if args.seeds is None else args.seeds
    steps = figures.STEPS if args.steps is None else args.steps
    out = output_target(args.out, "unrolled-fig1.png") if args.out else None
    try:
        bounds.check_seeds(args.first_seed, seeds, "--first-seed")
        progress = Progress(f"training {args.figure}", not args.json)
        report = figures.unrolled_fig1(seeds=seeds, first_seed=args.first_seed, steps=steps,
                                       ablation=not args.no_ablation, progress=lambda d, t, _w: progress(d, t))
    except ValueError as e:
        raise CliError(str(e)) from None
    emit(clean(report), args.json, figures.format_report)
    if out is not None:
        from gan_viz.render import figure_png

        data = figure_png.figure_png(report)
        write_bytes(out, data)
        print(f"wrote {out} ({len(data):,} bytes): {len(report['runs'])} rows of "
              f"{len(report['snapshot_steps'])} snapshots", file=sys.stderr if args.json else sys.stdout)
