"""Published figures trained here: the unrolled GAN's Figure 1, and which single change stops its
standard GAN from hopping.

Example:
    >>> from gan_viz.lab import figures
    >>> report = figures.unrolled_fig1(seeds=1, steps=4000, ablation=False)
    >>> [(s["step"], s["label"]) for s in report["runs"][0]["snapshots"]]

Source followed (``SOURCE``): the reference implementation of the paper's toy experiment that the
lecture names, ``unrolled_mix_gaussians.py`` of adrianriv/gans-mode-collapse (derived from
poolio/unrolled_gan), whose settings are those of the paper's Appendix A (Metz et al. 2016):
8 Gaussians of std 0.02 on a circle of radius 2; z ~ N(0, I_256); G 2 x 128 ReLU then linear to 2;
D scales its input by 1/4, then 1 x 128 ReLU to a logit; every weight orthogonal with gain 0.8, biases
0; the saddle (minimax) objective, which G maximises and D minimises (``train.loss = minimax``; with
unrolling G's objective is the whole value against the looked-ahead D); Adam lr 1e-4 for both, beta1
0.5, eps 1e-8; batch 512; D and G updated together from the same point (``train.simultaneous``);
20,000 iterations, a snapshot every 4,000; 4 unrolling steps against 0.

A step here is one update of D or of G, so an iteration (one of each) is 2 steps: the budget is
40,000 steps and the snapshots fall every 8,000.

Where ours differs, deliberately: 8 distinct modes (the reference's angles, linspace(0, 2 pi, 8),
put its first and last mode on one point, so it trains on 7 with one doubled); D's and G's updates
of an iteration draw their own batches, and each look-ahead D step draws a fresh batch (the
reference reuses the iteration's one batch throughout); the paper draws each snapshot as a density
heat map, we draw the samples themselves, as the app does.

The ablation changes one setting of the standard GAN at a time (``ABLATION``) and trains each from
the same seeds: which single change stops it from hopping.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gan_viz.core import bounds, metrics
from gan_viz.core.config import Config, DataConfig, ModelConfig, TrainConfig, apply_overrides
from gan_viz.lab import driver, experiment

SOURCE = ("Metz et al. 2016, Unrolled GAN, Figure 1 and Appendix A, with the settings of the reference "
          "implementation adrianriv/gans-mode-collapse unrolled_mix_gaussians.py (from poolio/unrolled_gan): "
          "ring of 8, radius 2, std 0.02; z ~ N(0, I_256); G 2 x 128 ReLU; D input x / 4, 1 x 128 ReLU; "
          "orthogonal init gain 0.8; minimax loss; Adam lr 1e-4 both, beta1 0.5; batch 512; simultaneous "
          "updates; 20,000 iterations (40,000 steps), snapshots every 4,000; unroll 4 vs 0. "
          "Differences: 8 distinct modes (the reference's linspace angles give 7), fresh batches per update.")

ITERATION_STEPS = 2  # one D and one G update
STEPS = 40_000  # 20,000 iterations
SNAPSHOTS = 6  # steps 0, 8,000, ..., 40,000
EVAL_EVERY = 100  # steps between the evaluations that count hops (50 iterations)
UNROLL = 4
SAMPLES_KEPT = 600  # generated samples per snapshot in the report (of the 2,500 scored)

SETUP = Config(
    data=DataConfig(layout="ring", modes=8, radius=2.0, std=0.02),
    model=ModelConfig(latent_dim=256, noise="gaussian", g_depth=2, g_width=128, d_depth=1, d_width=128,
                      activation="relu", init="orthogonal", init_gain=0.8, d_input_scale=0.25),
    train=TrainConfig(loss="minimax", optimizer="adam", lr_d=1e-4, lr_g=1e-4, beta1=0.5, beta2=0.999,
                      k_d=1, k_g=1, batch_size=512, simultaneous=True, steps=STEPS, eval_every=EVAL_EVERY),
)


@dataclass(frozen=True)
class Variant:
    name: str  # the JSON's "name"
    label: str  # what the figure or the table calls it
    overrides: tuple[str, ...]  # on top of ``SETUP``


METHODS = (
    Variant("standard", "standard GAN", ()),
    Variant("unrolled", f"unrolled GAN ({UNROLL} steps)", (f"train.unroll={UNROLL}",)),
)

# One change to the standard GAN per row; the first row is the standard GAN itself.
ABLATION = (
    Variant("standard", "as published (simultaneous, minimax, ReLU, x / 4, orthogonal 0.8, lr_G 1e-4, batch 512)", ()),
    Variant("alternating", "alternating updates (D, then G against the new D)", ("train.simultaneous=false",)),
    Variant("non-saturating", "non-saturating G loss", ("train.loss=non_saturating",)),
    Variant("tanh", "tanh instead of ReLU (both nets)", ("model.activation=tanh",)),
    Variant("no-input-scale", "D sees x unscaled", ("model.d_input_scale=1",)),
    Variant("normal-init", "LeCun normal init (gain 1)", ("model.init=normal", "model.init_gain=1")),
    Variant("lr-g", "lr_G 1e-3", ("train.lr_g=1e-3",)),
    Variant("batch-64", "batch 64", ("train.batch_size=64",)),
)


def config(variant: Variant, seed: int = 0, steps: int = STEPS) -> Config:
    """The configuration ``variant`` trains (validated): ``SETUP``, its overrides, the budget and seed,
    evaluated every ``EVAL_EVERY`` steps or, for a budget so short that its snapshots fall closer, at
    every snapshot."""
    every = math.gcd(EVAL_EVERY, *snapshot_steps(steps))
    return apply_overrides(SETUP, [*variant.overrides, f"train.steps={steps}", f"train.eval_every={every}",
                                   f"seed={seed}"])


def snapshot_steps(steps: int = STEPS) -> list[int]:
    """The steps the figure shows: ``SNAPSHOTS`` evenly spaced from 0 to ``steps``, whole iterations."""
    return [int(round(steps * i / (SNAPSHOTS - 1) / ITERATION_STEPS)) * ITERATION_STEPS for i in range(SNAPSHOTS)]


def panel_label(region: np.ndarray, modes_captured: int) -> tuple[str, int | None]:
    """What a panel says of the generator: its dominant mode when collapsed ("mode 3"), else how
    many modes its high-quality samples reach ("5 modes", "off the modes" for none); and the dominant
    mode (None when not collapsed)."""
    collapsed, dominant = metrics.collapsed_and_dominant(np.asarray(region))
    if collapsed:
        return f"mode {dominant}", dominant
    n = int(modes_captured)
    return ("off the modes" if n == 0 else "1 mode" if n == 1 else f"{n} modes"), None


def _snapshot(s: experiment.Snapshot) -> dict:
    label, dominant = panel_label(s.modes.region, int(s.modes.modes_captured))
    offset = None if dominant is None else round(float(np.asarray(s.modes.region_offset)[dominant]), 2)
    return {"step": s.step, "iteration": s.step // ITERATION_STEPS, "label": label, "dominant_mode": dominant,
            "near_mode_distance": offset, "modes_captured": int(s.modes.modes_captured),
            "hq_fraction": round(float(s.modes.hq_fraction), 4),
            "fake": np.round(np.asarray(s.fake[:SAMPLES_KEPT], np.float64), 4).tolist()}


def _summary(r: experiment.Result) -> dict:
    s = r.summary
    return {k: s[k] for k in ("hop_events", "mean_dwell_steps", "collapsed_share", "near_mode_distance",
                              "modes_captured", "hq_fraction", "diverged", "steps", "wall_seconds")}


def ablation_row(variant: Variant, per_seed: list[dict]) -> dict:
    """One row of the ablation: the per-seed summaries and their means."""
    row = {"name": variant.name, "label": variant.label, "overrides": list(variant.overrides), "per_seed": per_seed}
    for key in ("hop_events", "collapsed_share", "near_mode_distance", "modes_captured", "hq_fraction"):
        row[f"{key}_mean"] = driver.mean([p[key] for p in per_seed])
    return row


def unrolled_fig1(*, seeds: int = 1, first_seed: int = 0, steps: int = STEPS, ablation: bool = True,
                  progress: Callable[[int, int, str], None] | None = None) -> dict:
    """Trains the figure's two methods, and with ``ablation`` each of ``ABLATION``'s changes, from
    seeds ``first_seed`` .. ``first_seed + seeds - 1`` for ``steps`` steps (default the paper's 40,000).

    ``progress(done, total, what)`` is called after each evaluation, in steps over all runs.
    Returns the JSON-ready report: {"figure", "source", "setup", "steps", "seeds", "snapshot_steps",
    "runs": [{"method", "label", "seed", "snapshots": [...], "summary"}], "ablation": [rows]}.
    """
    bounds.check_seeds(first_seed, seeds, "first seed")
    if not 1 <= seeds <= 64:
        raise ValueError(f"seeds must be 1-64 (got {seeds})")
    if not ITERATION_STEPS * (SNAPSHOTS - 1) <= steps <= 10_000_000:
        raise ValueError(f"steps must be {ITERATION_STEPS * (SNAPSHOTS - 1)}-10,000,000 (got {steps})")
    seed_list = [first_seed + i for i in range(seeds)]
    extra = list(ABLATION[1:]) if ablation else []
    jobs = [(m, s) for m in METHODS for s in seed_list] + [(v, s) for v in extra for s in seed_list]
    total = len(jobs) * steps
    shots = snapshot_steps(steps)
    runs, summaries = [], {}
    for i, (variant, seed) in enumerate(jobs):
        done_before = i * steps

        def tick(done: int, _total: int, what: str = f"{variant.label}, seed {seed}", base: int = done_before):
            if progress is not None:
                progress(base + min(done, steps), total, what)

        result = experiment.train(config(variant, seed, steps), progress=tick,
                                  snapshot_steps=shots if variant in METHODS else ())
        summaries.setdefault(variant.name, []).append({"seed": seed, **_summary(result)})
        if variant in METHODS:
            runs.append({"method": variant.name, "label": variant.label, "seed": seed,
                         "snapshots": [_snapshot(s) for s in result.snapshots], "summary": _summary(result)})
    rows = [ablation_row(v, summaries[v.name]) for v in ABLATION if ablation and v.name in summaries]
    return {"figure": "unrolled-fig1", "source": SOURCE, "setup": setup_text(), "steps": steps, "seeds": seed_list,
            "snapshot_steps": shots, "runs": runs, "ablation": rows}


def setup_text() -> str:
    m, t = SETUP.model, SETUP.train
    return (f"ring of 8, radius {SETUP.data.radius:g}, std {SETUP.data.std:g}; G {m.g_depth} x {m.g_width} and "
            f"D {m.d_depth} x {m.d_width} {m.activation}, D input x {m.d_input_scale:g}, {m.init} init gain "
            f"{m.init_gain:g}, z in R^{m.latent_dim}; {t.loss} loss, Adam lr {t.lr_d:g} (beta1 {t.beta1:g}), "
            f"batch {t.batch_size}, simultaneous updates")


def format_report(report: dict) -> str:
    """The figure's labels per run and the ablation table, as text."""
    lines = [f"unrolled-fig1: {report['setup']}", f"steps {report['steps']:,} (iterations "
             f"{report['steps'] // ITERATION_STEPS:,}), seeds {', '.join(map(str, report['seeds']))}"]
    for run in report["runs"]:
        s = run["summary"]
        panels = "  ".join(f"{p['iteration']:,}: {p['label']}" for p in run["snapshots"])
        lines.append(f"{run['label']:<24} seed {run['seed']}: {panels}")
        lines.append(f"{'':<24} {s['hop_events']} hops, collapsed at {_pct(s['collapsed_share'])} of evaluations, "
                     f"{s['modes_captured']} modes, {100 * s['hq_fraction']:.1f} % HQ at the end")
    if report["ablation"]:
        lines.append("ablation (mean over seeds): one change to the standard GAN per row")
        lines.append(f"{'change':<16} {'hops':>7} {'collapsed':>10} {'modes':>6} {'HQ':>7} {'std off':>8}")
        for row in report["ablation"]:
            near = row["near_mode_distance_mean"]
            lines.append(f"{row['name']:<16} {row['hop_events_mean']:>7.1f} {_pct(row['collapsed_share_mean']):>10} "
                         f"{row['modes_captured_mean']:>6.1f} {100 * row['hq_fraction_mean']:>6.1f}% "
                         f"{'-' if near is None else f'{near:.1f}':>8}")
    lines.append(f"source: {report['source']}")
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f} %"
