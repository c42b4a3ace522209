"""``gan-viz presets``, ``config``, ``train`` and ``evaluate``: one preset's settings, one run and
its metrics, or external samples scored against the preset's data."""

from __future__ import annotations

import json
import sys

import numpy as np

from gan_viz.cli.common import Progress, clean, config_from, emit, load_samples


def cmd_presets(args) -> None:
    from gan_viz.lab import presets

    rows = [{"name": p.name, "description": p.summary} for p in presets.PRESETS.values()]
    width = max(len(r["name"]) for r in rows)
    emit(rows, args.json, lambda rs: "\n".join(f"{r['name']:<{width}}  {r['description']}" for r in rs))


def cmd_config(args) -> None:
    from gan_viz.core import config as config_lib

    d = config_lib.to_dict(config_from(args))

    def human(d: dict) -> str:
        lines = []
        for section, values in d.items():
            if isinstance(values, dict):
                lines += [f"{section}.{k} = {json.dumps(v)}" for k, v in values.items()]
            else:
                lines.append(f"{section} = {json.dumps(values)}")
        return "\n".join(lines)

    emit(d, args.json, human)


def summary_text(s: dict) -> str:
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

    cfg = config_from(args)
    result = experiment.train(cfg, progress=Progress("training", not args.json), interruptible=True)
    summary = dict(result.summary)
    summary["preset"] = args.preset
    summary["occupancy"] = np.asarray(result.frame.modes.occupancy).round(4).tolist()
    emit(clean(summary), args.json, summary_text)
    if result.summary["interrupted"]:
        sys.exit(130)
    if result.summary["diverged"]:
        sys.exit(3)


def cmd_evaluate(args) -> None:
    from gan_viz.lab import evaluate

    cfg = config_from(args)
    x = load_samples(args.samples)
    summary = evaluate.score_samples(x, cfg.data.mixture())
    summary["preset"] = args.preset
    summary["samples"] = int(x.shape[0])
    emit(clean(summary), args.json, summary_text)
