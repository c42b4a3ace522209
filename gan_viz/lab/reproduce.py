"""The literature's mode-collapse table on ring-8 and grid-25, trained here, beside the published figures.

Example:
    >>> from gan_viz.lab import reproduce
    >>> table = reproduce.reproduce("ring8", seeds=2, steps=2000, only=["gan", "pacgan"])
    >>> [(row["method"], row["modes_captured_mean"]) for row in table["rows"]]

Setup. The metrics are PacGAN's (Lin et al. 2018, Table 1), which follow VEEGAN's (Srivastava et al.
2017, Table 1): modes captured, the HQ fraction and reverse KL on 2,500 generated samples
(``metrics.mode_stats``). Their data are ring-8 of radius 1 with std 0.01 and grid-25 with centres
{-4, -2, 0, 2, 4}^2 and std 0.05. PacGAN's networks and budget (G 4 x 400 ReLU with batch norm,
D 3 x 200 maxout with 5 pieces, lr 1e-4, beta1 0.8, 400 epochs of 100,000 samples: 400,000
iterations) would take hours per run on a 2-core CPU. So ``SETUPS`` trains, on the ring, the unrolled
GAN paper's setup (``figures.SETUP``: the same ring scaled by 2, radius 2 and std 0.02, which changes
no mode metric; its small networks, minimax loss and simultaneous updates), where the plain GAN
collapses and hops as the papers report, for 10,000 steps; on the grid, plain ReLU MLPs, a larger
learning rate and 20,000 steps. The published figures are quoted with their own settings
(``SOURCES``), not as the same experiment.

A *step* here is one optimizer update of D or of G (``TrainConfig``), so a budget of S steps is
S / 2 of the papers' iterations (one D and one G update) at k = 1.

Every method is the dataset's base configuration plus its overrides (``METHODS``): the same data,
networks, batch and budget. Its seeds train together in one compiled call per evaluation
(``sweep.sweep_iter``), each from its own seed's weights, as ``experiment.train`` would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from gan_viz.core.config import Config, DataConfig, ModelConfig, TrainConfig, apply_overrides
from gan_viz.lab import driver, figures, sweep

DATASETS = ("ring8", "grid25")
DEFAULT_SEEDS = 10  # PacGAN averages 10 trials


@dataclass(frozen=True)
class Method:
    name: str  # the JSON's "method"
    label: str  # what the table calls it
    overrides: tuple[str, ...]  # added to the dataset's base configuration


# The base configuration of each dataset (see the module docstring for what follows which paper).
SETUPS: dict[str, Config] = {
    # the unrolled GAN paper's setup (``figures.SETUP``), where the plain GAN collapses and hops
    "ring8": replace(figures.SETUP, train=replace(figures.SETUP.train, steps=10_000, eval_every=1_000)),
    "grid25": Config(
        data=DataConfig(layout="grid", grid_n=5, spacing=2.0, std=0.05),
        # 25 modes need the larger networks of the grid25 preset: 2 x 64 reaches 15 of them at 12 % HQ
        model=ModelConfig(latent_dim=2, g_depth=3, g_width=128, d_depth=3, d_width=128),
        train=TrainConfig(loss="non_saturating", optimizer="adam", lr_d=1e-3, lr_g=1e-3, beta1=0.5, beta2=0.999,
                          k_d=1, k_g=1, batch_size=100, steps=20_000, eval_every=2_000),
    ),
}

# PacGAN packs 2 samples on the ring and 4 on the grid: the rows of its Table 1 quoted below.
_PACK = {"ring8": 2, "grid25": 4}


def methods(dataset: str) -> list[Method]:
    """The methods trained for ``dataset``, the plain GAN first."""
    _check(dataset)
    m = _PACK[dataset]
    return [
        Method("gan", "GAN", ()),
        Method("unrolled", "Unrolled GAN (5 look-ahead D steps)", ("train.unroll=5",)),
        Method("pacgan", f"PacGAN{m} (D judges {m} samples at once)", (f"model.pack={m}",)),
        Method("wgan-gp", "WGAN-GP (lambda 0.1, 5 critic steps)",
               ("train.loss=wasserstein", "train.gp_weight=0.1", "train.k_d=5", "train.simultaneous=false",
                "train.beta1=0.5", "train.beta2=0.9")),
        Method("r1", "R1 penalty (gamma 0.05)", ("train.r1_weight=0.05",)),
        Method("ema", "Averaged G weights (decay 0.999)", ("train.g_ema=0.999",)),
        Method("r1-ema", "R1 penalty + averaged G", ("train.r1_weight=0.05", "train.g_ema=0.999")),
    ]


# Where the quoted figures come from, with the settings they were measured with.
SOURCES = {
    "pacgan_table1": "PacGAN (Lin et al. 2018), Table 1: mean +- standard error over 10 trials. Data: the grid as "
                     "here, the ring at half the size (radius 1, std 0.01: the same scores); "
                     "G 4 x 400 ReLU with batch norm, D 3 x 200 maxout (5 pieces), 2-D Gaussian noise, Adam lr 1e-4 "
                     "beta1 0.8, batch 100, 400 epochs of 100,000 samples (400,000 iterations); 2,500 samples scored.",
    "veegan_table1": "VEEGAN (Srivastava et al. 2017), Table 1: the same data and metrics (2,500 samples), "
                     "that paper's own networks and training.",
}

# Published figures by dataset and method: source -> {figure: value}; "_se" is PacGAN's standard error.
PUBLISHED: dict[str, dict[str, dict[str, dict[str, float | str]]]] = {
    "ring8": {
        "gan": {"veegan_table1": {"row": "GAN", "modes_captured": 1.0, "hq_fraction": 0.993},
                "pacgan_table1": {"row": "GAN", "modes_captured": 6.3, "modes_captured_se": 0.5,
                                  "hq_fraction": 0.982, "hq_fraction_se": 0.002,
                                  "reverse_kl": 0.45, "reverse_kl_se": 0.09}},
        "unrolled": {"veegan_table1": {"row": "Unrolled GAN", "modes_captured": 7.6, "hq_fraction": 0.356}},
        "pacgan": {"pacgan_table1": {"row": "PacGAN2", "modes_captured": 7.9, "modes_captured_se": 0.1,
                                     "hq_fraction": 0.956, "hq_fraction_se": 0.020,
                                     "reverse_kl": 0.07, "reverse_kl_se": 0.03}},
    },
    "grid25": {
        "gan": {"veegan_table1": {"row": "GAN", "modes_captured": 3.3, "hq_fraction": 0.005},
                "pacgan_table1": {"row": "GAN", "modes_captured": 17.3, "modes_captured_se": 0.8,
                                  "hq_fraction": 0.948, "hq_fraction_se": 0.007,
                                  "reverse_kl": 0.70, "reverse_kl_se": 0.07}},
        "pacgan": {"pacgan_table1": {"row": "PacGAN4", "modes_captured": 24.8, "modes_captured_se": 0.2,
                                     "hq_fraction": 0.936, "hq_fraction_se": 0.006,
                                     "reverse_kl": 0.04, "reverse_kl_se": 0.01}},
    },
}
# VEEGAN's own row, quoted for reference (VEEGAN is not trained here).
VEEGAN_ROW = {"ring8": {"modes_captured": 8.0, "hq_fraction": 0.529}}


def _check(dataset: str) -> None:
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose from {', '.join(DATASETS)}")


def config(dataset: str, method: str, steps: int | None = None) -> Config:
    """The configuration ``method`` trains on ``dataset`` (validated)."""
    _check(dataset)
    chosen = {m.name: m for m in methods(dataset)}
    if method not in chosen:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(chosen)}")
    extra = [f"train.steps={steps}", f"train.eval_every={max(1, steps // 10)}"] if steps is not None else []
    return apply_overrides(SETUPS[dataset], [*chosen[method].overrides, *extra])


def setup_text(dataset: str, steps: int | None = None) -> str:
    """One line: what this table trains (the base configuration)."""
    cfg = config(dataset, "gan", steps)
    d, m, t = cfg.data, cfg.model, cfg.train
    data = (f"ring of 8, radius {d.radius:g}, std {d.std:g}" if d.layout == "ring"
            else f"grid of {d.grid_n}x{d.grid_n}, spacing {d.spacing:g}, std {d.std:g}")
    extra = ""
    if m.d_input_scale != 1 or m.init != "normal":
        extra = f", D input x {m.d_input_scale:g}, {m.init} init gain {m.init_gain:g}"
    updates = "simultaneous updates, " if t.simultaneous else ""
    return (f"{data}; G {m.g_depth} x {m.g_width} and D {m.d_depth} x {m.d_width} {m.activation}{extra}, "
            f"{m.latent_dim}-D {m.noise} noise; {t.loss.replace('_', '-')} loss, {updates}Adam lr {t.lr_d:g} "
            f"(beta1 {t.beta1:g}), batch {t.batch_size}, {t.steps:,} steps ({t.steps // 2:,} iterations at k = 1); "
            "2,500 samples scored")


@dataclass
class Progress:
    """Where a reproduction stands: evaluations done of all methods' evaluations, and the method
    being trained (its rows so far are in ``rows``)."""

    done: int
    total: int
    method: str
    rows: list[dict]


def _row(dataset: str, method: Method, result: sweep.SweepResult) -> dict:
    cell = result.cells[0]
    return {
        "method": method.name, "label": method.label,
        **{k: cell[k] for k in ("modes_captured_mean", "modes_captured_std", "hq_fraction_mean", "hq_fraction_std",
                                "reverse_kl_mean", "reverse_kl_std", "diverged_fraction")},
        "seeds": len(result.seeds), "steps": result.steps, "wall_seconds": round(result.wall_seconds, 1),
        "published": PUBLISHED[dataset].get(method.name),
    }


def reproduce_iter(dataset: str, *, seeds: int = DEFAULT_SEEDS, first_seed: int = 0, steps: int | None = None,
                   only: Sequence[str] | None = None) -> Iterator[Progress]:
    """Trains each method for ``seeds`` seeds (``first_seed``, ``first_seed`` + 1, ...); yields after
    every evaluation of every method, the last time with every row."""
    chosen = methods(dataset)
    if only is not None:
        if not only:
            raise ValueError(f"no method chosen; choose one or more of {', '.join(m.name for m in chosen)}")
        unknown = sorted(set(only) - {m.name for m in chosen})
        if unknown:
            raise ValueError(f"unknown method {unknown[0]!r}; choose from {', '.join(m.name for m in chosen)}")
        chosen = [m for m in chosen if m.name in only]
    configs = [config(dataset, m.name, steps) for m in chosen]
    evals = [driver.budget(c.train).evaluations for c in configs]
    rows: list[dict] = []
    done = 0
    for method, cfg, n in zip(chosen, configs, evals):
        yield Progress(done, sum(evals), method.name, list(rows))
        last = None
        for last in sweep.sweep_iter(cfg, sweep.Axis("lr_d", (cfg.train.lr_d,)), seeds=seeds, first_seed=first_seed):
            yield Progress(done + last.done, sum(evals), method.name, list(rows))
        assert last is not None and last.done == n
        done += n
        rows.append(_row(dataset, method, last))
    yield Progress(done, sum(evals), "", rows)


def reproduce(dataset: str, *, seeds: int = DEFAULT_SEEDS, first_seed: int = 0, steps: int | None = None,
              only: Sequence[str] | None = None,
              progress: Callable[[int, int], None] | None = None) -> dict:
    """The whole table as JSON-ready data: {"dataset", "setup", "sources", "rows": [...]}, one row per
    method (``reproduce_iter``); ``progress(done, total)`` after each evaluation."""
    last = None
    for last in reproduce_iter(dataset, seeds=seeds, first_seed=first_seed, steps=steps, only=only):
        if progress is not None:
            progress(last.done, last.total)
    assert last is not None
    return table(dataset, last.rows, first_seed, steps)


def table(dataset: str, rows: list[dict], first_seed: int = 0, steps: int | None = None) -> dict:
    return {"dataset": dataset, "setup": setup_text(dataset, steps), "first_seed": first_seed,
            "sources": SOURCES, "veegan": VEEGAN_ROW.get(dataset), "rows": rows}


def mean_std(row: dict, key: str, pct: bool = False, pm: str = "+-") -> str:
    """A row's ``key`` as "mean pm std" (a percentage with ``pct``), or "-" when no seed gave one."""
    m, s = row[f"{key}_mean"], row[f"{key}_std"]
    if m is None:
        return "-"
    return f"{100 * m:.1f} {pm} {100 * s:.1f} %" if pct else f"{m:.2f} {pm} {s:.2f}"


def format_table(report: dict) -> str:
    """The table as text: ours (mean +- std over seeds) beside the published figures."""
    def theirs(row: dict) -> str:
        out = []
        for source, fig in (row["published"] or {}).items():
            name = "PacGAN" if source.startswith("pacgan") else "VEEGAN"
            part = f"{name} {fig['row']}: {fig['modes_captured']:g} modes, {100 * fig['hq_fraction']:.1f} % HQ"
            if "reverse_kl" in fig:
                part += f", rKL {fig['reverse_kl']:g}"
            out.append(part)
        return "; ".join(out) or "-"

    first = report["rows"][0] if report["rows"] else {"seeds": 0, "steps": 0}
    lines = [f"{report['dataset']}: {report['setup']}",
             f"{first['seeds']} seeds from {report['first_seed']}, mean +- std over seeds",
             f"{'method':<10} {'modes':>14} {'HQ':>18} {'reverse KL':>14}  published (their settings)"]
    for row in report["rows"]:
        lines.append(f"{row['method']:<10} {mean_std(row, 'modes_captured'):>14} "
                     f"{mean_std(row, 'hq_fraction', True):>18} {mean_std(row, 'reverse_kl'):>14}  {theirs(row)}")
    if report.get("veegan"):
        v = report["veegan"]
        lines.append(f"(VEEGAN, not trained here: {v['modes_captured']:g} modes, {100 * v['hq_fraction']:.1f} % HQ)")
    lines += [f"  {k}: {v}" for k, v in report["sources"].items()]
    return "\n".join(lines)
