"""The ``gan-viz`` argument parser: every sub-command, its flags and its help, and the handler it
calls (``gan_viz.cli.commands``). Usage errors print one line and exit with status 2."""

from __future__ import annotations

import argparse
from typing import NoReturn

from gan_viz.cli.commands import app, experiments, measure, replays, runs, site
from gan_viz.cli.common import fail, parse_float, parse_int


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors (unknown flags, bad values) on one line, exit status 2.

    ``add_subparsers`` builds the sub-commands' parsers with this class too.
    """

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see `gan-viz --help`)")


def _scene_args(p, pace_help: str) -> None:
    p.add_argument("--preset", default="ring8-hopping", help="the scene to play (a name from `gan-viz presets`)")
    p.add_argument("--pace", default=None,
                   help=f"training steps per second while playing, or max (default: {pace_help})")


def _run_args(p, seed=True, steps=True, own_data=False) -> None:
    """``--preset`` and the flags that change its config: ``--data`` (own points) where asked,
    ``--seed``, ``--steps`` and ``--set``."""
    p.add_argument("--preset", default="ring8-hopping", help="a name from `gan-viz presets`")
    if own_data:
        p.add_argument("--data", metavar="FILE",
                       help="train on your own 2-D points (CSV x,y per line, or (n, 2) .npy) instead of the "
                            "preset's data; modes fitted by k-means, K by BIC (--set data.modes=K to choose)")
    if seed:
        p.add_argument("--seed", type=parse_int, help="overrides the preset's seed")
    if steps:
        p.add_argument("--steps", type=parse_int,
                       help="training steps, rounded up to whole rounds (overrides train.steps)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a config key, e.g. train.lr_d=3e-4 (repeatable)")


def _preset_args(p, seed=True, steps=True, own_data=False) -> None:
    """``_run_args`` and ``--json``."""
    _run_args(p, seed=seed, steps=steps, own_data=own_data)
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _add_runs(sub) -> None:
    p = sub.add_parser("presets", help="list the presets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=runs.cmd_presets)

    p = sub.add_parser("config", help="print a preset's full configuration (every key)")
    _preset_args(p, steps=False)
    p.set_defaults(func=runs.cmd_config)

    p = sub.add_parser("train", help="train a preset and report its metrics")
    _preset_args(p, own_data=True)
    p.set_defaults(func=runs.cmd_train)

    p = sub.add_parser("evaluate", help="score external 2D samples (CSV or .npy) against a preset's data")
    _preset_args(p, seed=False, steps=False)
    p.add_argument("--samples", required=True, help="CSV (x,y per line) or .npy of shape (n, 2)")
    p.set_defaults(func=runs.cmd_evaluate)


def _add_experiments(sub) -> None:
    p = sub.add_parser("sweep", help="the collapse map: train a grid of settings x seeds at once, report each cell")
    _preset_args(p, seed=False, own_data=True)
    p.add_argument("--x", required=True, metavar="KEY=VALUES",
                   help="a run-time setting and its values: lr_d=1e-4,1e-3 or lr_d=1e-4:1e-1:7log (or 5lin)")
    p.add_argument("--y", metavar="KEY=VALUES", help="a second setting (the map's rows)")
    p.add_argument("--seeds", type=parse_int, default=4, help="runs per cell, seeds first-seed, first-seed+1, ...")
    p.add_argument("--first-seed", type=parse_int, default=None, help="the first seed (default: the preset's)")
    p.add_argument("--processes", type=parse_int, default=None,
                   help="run as N processes of JAX's distributed runtime on this machine (docs/cli.md)")
    p.set_defaults(func=experiments.cmd_sweep)

    p = sub.add_parser("reproduce", help="the literature's mode-collapse table (VEEGAN, PacGAN): every method "
                       "trained on ring8 or grid25, beside the published figures; or a published figure "
                       "(--figure unrolled-fig1: the unrolled GAN's Figure 1 and an ablation of its standard GAN)")
    p.add_argument("--dataset", choices=("ring8", "grid25"))
    p.add_argument("--figure", choices=("unrolled-fig1",),
                   help="train a published figure's setup instead of a table (see --out)")
    p.add_argument("--seeds", type=parse_int, default=None,
                   help="runs per method (default 10, as PacGAN; a figure: 1, one row per method and seed)")
    p.add_argument("--first-seed", type=parse_int, default=0, help="seeds first-seed, first-seed+1, ... (default 0)")
    p.add_argument("--steps", type=parse_int,
                   help="training steps per run (default 20,000; a figure: the paper's 40,000; "
                        "a step is one D or one G update)")
    p.add_argument("--out", metavar="FILE.png", help="with --figure: also draw it as a PNG")
    p.add_argument("--no-ablation", action="store_true",
                   help="with --figure: train only the figure's methods, not the ablation's one-change rows")
    p.add_argument("--methods", metavar="A,B",
                   help="train only these (gan, unrolled, pacgan, wgan-gp, r1, ema, r1-ema)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=experiments.cmd_reproduce)


def _add_replays(sub) -> None:
    p = sub.add_parser("counterexample", help="the lecture's frozen-classifier storyboard, per round")
    p.add_argument("--seed", type=parse_int, default=0)
    p.add_argument("--rounds", type=parse_int, default=3,
                   help="storyboard rounds: each trains a classifier, then moves G against it")
    p.add_argument("--json", action="store_true")
    p.add_argument("--html", metavar="FILE", help="also write the storyboard as a standalone HTML file: "
                   "one frame per phase, Play and a slider, plays offline")
    p.set_defaults(func=replays.cmd_counterexample)

    p = sub.add_parser("export", help="a standalone HTML replay of a run: Play, a step slider, plays offline")
    _run_args(p)
    p.add_argument("--frames", type=parse_int, default=200,
                   help="frames kept, evenly spaced from step 0 to the end (default 200; at most one per round)")
    p.add_argument("--out", required=True, metavar="FILE.html", help="the file to write")
    p.set_defaults(func=replays.cmd_export)

    p = sub.add_parser("site", help="a lecture's class copy: a static site of its scenes' replays, the index with "
                       "each scene's title, what to watch and the speaker notes; plays from disk, no server")
    p.add_argument("--lecture", default="w3l8", metavar="NAME|FILE",
                   help="a packaged lecture (default w3l8) or a lecture script file (TOML, docs/lecture.md)")
    p.add_argument("--out", required=True, metavar="DIR", help="the folder to write (created if missing)")
    p.add_argument("--frames", type=parse_int, default=120, help="frames per replay (default 120)")
    p.add_argument("--story-rounds", type=parse_int, default=3, help="the counter-example's rounds (default 3)")
    p.add_argument("--map-values", type=parse_int, default=4,
                   help="the collapse map's values per axis, lr_D x lr_G from 1e-4 to 1e-2 (default 4)")
    p.add_argument("--map-seeds", type=parse_int, default=2, help="the collapse map's runs per cell (default 2)")
    p.add_argument("--map-steps", type=parse_int, default=2000, help="the collapse map's steps per run (default 2,000)")
    p.set_defaults(func=site.cmd_site)


def _add_measure(sub) -> None:
    p = sub.add_parser("bench", help="training throughput: the jitted trainer vs no jit, JAX's step loop, PyTorch "
                       "eager and torch.compile, with the ratios' floors")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="shorter timings (for smoke tests)")
    p.set_defaults(func=measure.cmd_bench)

    p = sub.add_parser("bench-ui", help="frames/s, steps/s and memory of the live app in headless Chromium")
    p.add_argument("--seconds", type=parse_float, default=10.0, help="how long to animate")
    p.add_argument("--sessions", type=parse_int, default=4, help="sessions that all play at once (>= 3)")
    p.add_argument("--compare", metavar="REMEDY", nargs="?", const="unrolled GAN (5 look-ahead D steps)",
                   help="measure Compare mode instead: the preset beside it with REMEDY (default: the unrolled GAN)")
    _scene_args(p, pace_help="the preset's own")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=measure.cmd_bench_ui)

    p = sub.add_parser("soak", help="one live session for many steps: server memory and history size over time")
    p.add_argument("--steps", type=parse_int, default=1_000_000, help="steps to play (default 1,000,000)")
    p.add_argument("--interval", type=parse_float, default=30.0, help="seconds between memory samples")
    _scene_args(p, pace_help="max (as fast as it goes)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=measure.cmd_soak)

    p = sub.add_parser("app", help="start the Streamlit app")
    p.add_argument("--port", type=parse_int, default=8501)
    p.add_argument("--lecture", metavar="NAME|FILE", nargs="?", const="w3l8",
                   help="open the presenter view of a lecture script: a packaged name (w3l8, the default when "
                        "no name is given) or a .toml file")
    p.add_argument("streamlit_args", nargs="*", help="passed on to `streamlit run`")
    p.set_defaults(func=app.cmd_app)


def build_parser() -> argparse.ArgumentParser:
    """The ``gan-viz`` parser: each sub-command's namespace carries its handler as ``func``."""
    parser = _Parser(prog="gan-viz", description="Train GANs on 2D Gaussian mixtures and watch mode collapse.")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_runs, _add_experiments, _add_replays, _add_measure):
        add(sub)
    return parser
