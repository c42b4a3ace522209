"""Draws assets/hopping-strip.png: one hopping sequence of ring8-hopping as a strip of frames.

    python scripts/hopping_strip.py [--seed S] [--panels N] [--out PATH]

Trains the preset (seed 1 by default) a round at a time, as the live view plays it, and keeps
the picture of the round just before each of the first ``N`` hops (``metrics.HopTracker``):
the generator's samples (orange) where they sit before they jump, against the real modes
(blue) and D's surface (the live view's colours; samples beyond the view on its border). It
prints the step and the dominant mode of each panel, which the README's caption quotes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import jax
import numpy as np

from gan_viz.core import metrics
from gan_viz.lab import presets
from gan_viz.ui import raster
from gan_viz.ui.session import LiveRun

GAP = 8  # px of white between panels


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--panels", type=int, default=6)
    ap.add_argument("--size", type=int, default=240)
    ap.add_argument("--out", default="assets/hopping-strip.png")
    args = ap.parse_args()

    run = LiveRun(presets.get("ring8-hopping", seed=args.seed))
    tracker = metrics.HopTracker()
    panels, captions = [], []
    before = None
    while len(panels) < args.panels and run.step < run.config.train.steps:
        fake, surface, modes = jax.device_get(run.gan.view(run.state, run.mixture, run.eval_set, run.grid))
        _, dominant, hop = tracker.update(np.asarray(modes.region), run.step, float(modes.hq_fraction))
        if hop is not None and before is not None:
            panels.append(before[0])
            captions.append(f"step {before[1]:,}: on mode {hop[0]}, {100 * before[2]:.0f} % HQ")
        image = raster.scene_rgb(np.asarray(surface), run.extent, run.real[:500], np.asarray(fake)[:1000],
                                 size=args.size)
        before = (image, run.step, float(modes.hq_fraction))
        run.advance(1)
    if not panels:
        raise SystemExit("no hop within the preset's budget")
    h = max(p.shape[0] for p in panels)
    gap = np.full((h, GAP, 3), 255, np.uint8)
    strip = np.concatenate([x for p in panels for x in (p, gap)][:-1], axis=1)
    Path(args.out).write_bytes(raster.png(strip))
    print(f"{args.out}: {len(panels)} panels ({strip.shape[1]} x {strip.shape[0]} px)")
    for c in captions:
        print(" ", c)


if __name__ == "__main__":
    main()
