"""Draws assets/hopping-strip.png: one hopping sequence of ring8-hopping as a strip of frames.

    python scripts/hopping_strip.py [--seed S] [--panels N] [--after STEP] [--out PATH]

Trains the preset (seed 1 by default) a round at a time, as the live view plays it, and keeps
one picture per stay on a mode, for the first ``N`` stays that end in a hop after step ``STEP``
(default 1,000: past the opening, where G first gathers from the centre): of the rounds between
two hops (``metrics.HopTracker``), the one with the most high-quality samples. A panel shows the
generator's samples (orange) against the real modes (blue) and D's surface (the live view's
colours; samples beyond the view on its border). It prints the step, the mode and the HQ share
of each panel, which docs/presets.md's caption quotes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import jax
import numpy as np

from gan_viz.core import metrics, runtime
from gan_viz.lab import presets
from gan_viz.render import raster
from gan_viz.ui.session import LiveRun

GAP = 8  # px of white between panels


def main() -> None:
    runtime.configure()  # as the app: XLA flags and faster random draws, before JAX starts
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--panels", type=int, default=6)
    ap.add_argument("--after", type=int, default=1000)
    ap.add_argument("--size", type=int, default=240)
    ap.add_argument("--out", default="assets/hopping-strip.png")
    args = ap.parse_args()

    run = LiveRun(presets.get("ring8-hopping", seed=args.seed))
    tracker = metrics.HopTracker()
    panels, captions = [], []
    best = None  # (hq, step, image) of the clearest round of the current stay
    while len(panels) < args.panels and run.step < run.config.train.steps:
        fake, surface, modes = jax.device_get(run.gan.view(run.state, run.mixture, run.eval_set, run.grid))
        hq = float(modes.hq_fraction)
        _, dominant, hop = tracker.update(np.asarray(modes.region), run.step, hq)
        if hop is not None:
            if best is not None and best[1] >= args.after:
                panels.append(best[2])
                captions.append(f"step {best[1]:,}: on mode {hop[0]}, {100 * best[0]:.0f} % HQ (hop at {run.step:,})")
            best = None
        if best is None or hq > best[0]:
            image = raster.scene_rgb(np.asarray(surface), run.extent, run.real[:500], np.asarray(fake)[:1000],
                                     size=args.size)
            best = (hq, run.step, image)
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
