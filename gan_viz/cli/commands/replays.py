"""``gan-viz export`` and ``counterexample``: a run recorded as a standalone HTML replay, and the
lecture's frozen-classifier storyboard, reported per round and optionally written as HTML."""

from __future__ import annotations

import sys

from gan_viz.cli.common import CliError, Progress, clean, config_from, emit, output_target, write_html


def cmd_export(args) -> None:
    from gan_viz.lab import replay
    from gan_viz.render import export

    if args.frames < 2:
        raise CliError(f"--frames must be >= 2 (the first step and the last), got {args.frames}")
    cfg = config_from(args)
    out = output_target(args.out)
    try:
        rec = replay.record(cfg, frames=args.frames, progress=Progress("recording", True))
    except ValueError as e:
        raise CliError(str(e)) from None
    page = export.replay_html(rec, args.preset, replay.changes(cfg, args.preset))
    end = "diverged at" if rec.diverged else "to"
    write_html(out, page, f"{rec.frames} frames, steps 0 {end} {int(rec.steps[-1]):,}")


def cmd_counterexample(args) -> None:
    from gan_viz.core import bounds
    from gan_viz.lab import counterexample

    out = output_target(args.html) if args.html else None
    try:
        bounds.check_seeds(args.seed, 1, "--seed")
        report = counterexample.run_storyboard(seed=args.seed, rounds=args.rounds)
    except ValueError as e:
        raise CliError(str(e)) from None
    emit(clean(report.to_json()), args.json, counterexample.format_report)
    if out is not None:
        from gan_viz.render import export

        write_html(out, export.storyboard_html(report), f"{len(report.records)} rounds, "
                   f"{len(export.storyboard_phases(report))} phases", to=sys.stderr if args.json else sys.stdout)
