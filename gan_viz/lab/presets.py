"""Named, documented configurations; each claim in a description is checked by a test.

Budgets are in training steps (``train.steps``), never seconds, so the claims hold on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from gan_viz.core.config import Config, DataConfig, ModelConfig, TrainConfig, ViewConfig, apply_overrides
from gan_viz.lab import figures


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str  # one line, shown by `gan-viz presets`
    config: Config
    watch: str = ""  # one line shown above the live plot: what to look at, what to press


RING8 = DataConfig(layout="ring", modes=8, radius=2.0, std=0.02)
# Wider clusters for watchable hopping: a collapsed G lands within 3 std of a centre (high
# quality) when std is about a tenth of the mode spacing (1.53 here); with std 0.02 it hovers
# 12-80 std away and never counts as HQ. Neighbours are 5.5 std apart, so their 3-std discs
# overlap by 0.08 (a sample there counts for the nearer centre).
RING8_WIDE = DataConfig(layout="ring", modes=8, radius=2.0, std=0.28)
# Two modes 3 apart (10 std): a Gaussian that covers both puts mass where the data has almost none
TWO_MODES = DataConfig(layout="custom", centres=((-1.5, 0.0), (1.5, 0.0)), weights=(1.0, 1.0), std=0.3)

_PRESETS = [
    Preset(
        "ring8-standard",
        "The literature's ring and nets trained the standard way (the unrolled GAN paper's setup, k = 1, no "
        "remedy): G collapses and rotates from mode to mode.",
        replace(
            figures.SETUP,
            # 50 steps/s: the 3,000-step budget lasts 60 s; over seeds 0-4 G hops 21-37 times (mean dwell 79-138
            # steps, 1.6-2.8 s), collapsed at 78-99 % of evaluations, 30-54 std (0.6-1.1) from the nearest mode:
            # a cluster between modes more than on one (docs/presets.md). Evaluated every 10 iterations.
            train=replace(figures.SETUP.train, steps=3000, eval_every=20),
            view=ViewConfig(pace=50.0),
        ),
        watch="Press Play: for about 15 s the orange samples swing far out (drawn on the view's border); then they "
              "gather into one cluster that slides around the ring, a mode at a time; the status line names the "
              "mode and how far the cluster sits from it.",
    ),
    Preset(
        "ring8-hopping",
        "Ring-8 with wide clusters; D takes 3 steps, then G 40 against it (k_g = 40): G sits on one mode, "
        "then D pushes it off and it hops to another, again and again.",
        Config(
            data=RING8_WIDE,
            model=ModelConfig(latent_dim=2, g_depth=2, g_width=32, d_depth=2, d_width=32),
            train=TrainConfig(loss="non_saturating", optimizer="adam", lr_d=1e-2, lr_g=3e-3,
                              k_d=3, k_g=40, batch_size=64, steps=4800, eval_every=43),
            # 55 steps/s: the budget lasts 88 s; hops come 1.1-1.8 s apart (mean dwell 61-97 steps,
            # seeds 0-9) and while collapsed 49-64 % of G's samples are high quality (docs/presets.md).
            # Evaluated every 43-step round, so that a faster hop would show. Found with `gan-viz sweep`.
            view=ViewConfig(pace=55.0),
        ),
        watch="Press Play: after about half a minute of streaks the orange samples settle on one mode, "
              "then jump to another, again and again; each star in the mode chart on the right is a hop.",
    ),
    Preset(
        "ring8-healthy",
        "Same data, k = 1, equal learning rates, R1 penalty and averaged G: all 8 modes, >= 80 % high quality.",
        Config(
            data=RING8,
            model=ModelConfig(latent_dim=2, g_depth=2, g_width=64, d_depth=2, d_width=64),
            train=TrainConfig(loss="non_saturating", optimizer="adam", lr_d=1e-3, lr_g=1e-3,
                              k_d=1, k_g=1, batch_size=256, r1_weight=0.05, g_ema=0.999, steps=16000,
                              eval_every=2000),
            view=ViewConfig(pace=500.0),  # the 16,000-step budget in about half a minute
        ),
        watch="Watch the orange samples spread over all 8 modes while the D = 1/2 line fades: "
              "the mode chart fills every row.",
    ),
    Preset(
        "grid25",
        "The 5 x 5 grid of VEEGAN/PacGAN/WGAN-GP (centres {-4..4}^2, std 0.05).",
        Config(
            data=DataConfig(layout="grid", grid_n=5, spacing=2.0, std=0.05),
            model=ModelConfig(latent_dim=2, g_depth=3, g_width=128, d_depth=3, d_width=128),
            train=TrainConfig(loss="non_saturating", optimizer="adam", lr_d=1e-3, lr_g=1e-3,
                              k_d=1, k_g=1, batch_size=256, steps=10000, eval_every=500),
            view=ViewConfig(pace=250.0),  # 3 x 128 networks: slower, so frames stay smooth
        ),
        watch="Count the modes G reaches: rows of the mode chart that stay empty are dropped modes.",
    ),
    Preset(
        "vanishing-gradient",
        "Minimax loss against an over-trained D (k_d = 50): the generator's gradient all but vanishes.",
        Config(
            data=RING8,
            model=ModelConfig(latent_dim=2, g_depth=2, g_width=64, d_depth=2, d_width=64),
            train=TrainConfig(loss="minimax", optimizer="adam", lr_d=2e-3, lr_g=1e-4,
                              k_d=50, k_g=1, batch_size=256, steps=2550, eval_every=510),
            view=ViewConfig(pace=250.0),  # five 51-step rounds a second
        ),
        watch="Turn on gradient arrows: they are dots against this sure D; set the loss to "
              "non_saturating and they grow (Theory tab: the gradient norms).",
    ),
    Preset(
        "divergences",
        "One Gaussian generator fitted to two modes by an f-GAN (KL here; set the loss to reverse_kl): "
        "KL spreads it over both modes, reverse KL puts it on one (Theory tab: every divergence).",
        Config(
            data=TWO_MODES,
            # g_depth=0: the location-scale generator G(z) = W z + b, one Gaussian N(b, W^T W)
            model=ModelConfig(latent_dim=2, g_depth=0, d_depth=2, d_width=64),
            # alt_g: G maximises E_q[g_f(V)] (f-GAN sec. 3.2); with the bound's own objective reverse KL
            # left seed 0 spanning both modes after 6,000 steps (docs/divergences.md)
            train=TrainConfig(loss="kl", alt_g=True, optimizer="adam", lr_d=1e-3, lr_g=1e-2,
                              k_d=1, k_g=1, batch_size=256, steps=4000, eval_every=200),
            view=ViewConfig(pace=100.0),  # the 4,000-step budget in 40 s
        ),
        watch="Press Play: under KL the orange cloud stretches over both modes; set the loss to reverse_kl and "
              "Reset: it settles on one. Theory tab: the bound D raises and G lowers, beside the true divergence.",
    ),
    Preset(
        "counterexample",
        "The lecture's data: one real cluster top-right, for the frozen-classifier counter-example.",
        Config(
            data=DataConfig(layout="single", x=1.5, y=1.5, std=0.25),
            # g_depth=0: the affine location-scale generator G(z) = W z + b (see counterexample.py)
            model=ModelConfig(latent_dim=2, g_depth=0, g_width=32, d_depth=2, d_width=32),
            train=TrainConfig(loss="non_saturating", optimizer="adam", lr_d=1e-2, lr_g=1e-2,
                              k_d=1, k_g=1, batch_size=256, steps=2000, eval_every=100),
            view=ViewConfig(pace=100.0),  # converges within the budget: 20 s to watch it
        ),
        watch="Switch on Freeze D, then Play: G runs to the frozen D's blind spot, where D says "
              "\"real\", away from the data.",
    ),
]

PRESETS: dict[str, Preset] = {p.name: p for p in _PRESETS}
DEFAULT = "ring8-hopping"


def names() -> list[str]:
    return list(PRESETS)


def watch(name: str) -> str:
    """The preset's one-line "what to watch" (empty for an unknown name)."""
    return PRESETS[name].watch if name in PRESETS else ""


def get(name: str, seed: int | None = None) -> Config:
    """The preset's configuration, optionally with another seed."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    cfg = PRESETS[name].config
    return cfg if seed is None else replace(cfg, seed=seed)


# Remedies for mode collapse, each as the overrides that add it to a configuration (Compare mode
# runs one beside the configuration without it). WGAN-GP follows its 2-D experiments: 5 critic
# steps per G step, lambda 0.1.
REMEDIES: dict[str, tuple[str, ...]] = {
    "unrolled GAN (5 look-ahead D steps)": ("train.unroll=5",),
    "PacGAN (D judges 2 samples at once)": ("model.pack=2",),
    "WGAN-GP (critic, lambda 0.1, k_D 5)": ("train.loss=wasserstein", "train.gp_weight=0.1", "train.k_d=5"),
    "R1 penalty (gamma 1)": ("train.r1_weight=1",),
    "averaged G weights (decay 0.999)": ("train.g_ema=0.999",),
}


def with_remedy(config: Config, remedy: str) -> Config:
    """``config`` with one of ``REMEDIES`` added (validated)."""
    if remedy not in REMEDIES:
        raise ValueError(f"unknown remedy {remedy!r}; choose from {', '.join(REMEDIES)}")
    return apply_overrides(config, list(REMEDIES[remedy]))
