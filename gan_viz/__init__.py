"""gan_viz: train GANs on 2D Gaussian mixtures and watch mode collapse as it happens.

The public API, for notebooks and for the app::

    import gan_viz
    from gan_viz.lab import presets, experiment
    gan_viz.configure()  # first, before JAX starts: XLA flags and faster random draws
    result = experiment.train(presets.get("ring8-hopping", seed=1))
    print(result.summary)

Lower level: ``make_trainer(config)`` gives the compiled ``Trainer`` (``init``, ``run``,
``measure``, ``theory``, ``evaluate``, ``view``); ``hyper_from(config.train)`` gives the
run-time hyperparameters.

Importing gan_viz changes nothing in the process; ``configure()`` (``core.runtime``) is the
one call that sets JAX up, and the command line, the app and the tests make it first.
"""

from gan_viz.core import data, losses, metrics
from gan_viz.core.config import Config, DataConfig, ModelConfig, TrainConfig, ViewConfig
from gan_viz.core.hyper import Hyper, hyper_from
from gan_viz.core.runtime import configure
from gan_viz.core.state import EvalSet, Frame, Measures, RunInfo, State, TheoryView
from gan_viz.core.trainer import Trainer, make_trainer
from gan_viz.lab import presets
from gan_viz.lab.experiment import Result, train

__all__ = [
    "Config",
    "DataConfig",
    "EvalSet",
    "Frame",
    "Hyper",
    "Measures",
    "ModelConfig",
    "Result",
    "RunInfo",
    "State",
    "TheoryView",
    "TrainConfig",
    "Trainer",
    "ViewConfig",
    "configure",
    "data",
    "hyper_from",
    "losses",
    "make_trainer",
    "metrics",
    "presets",
    "train",
]
