"""gan_viz: train GANs on 2D Gaussian mixtures and watch mode collapse as it happens.

The public API, for notebooks and for the app::

    from gan_viz.lab import presets, experiment
    result = experiment.train(presets.get("ring8-hopping", seed=1))
    print(result.summary)

Lower level: ``make_gan(config)`` gives the compiled ``GAN`` (``init``, ``run``,
``evaluate``); ``hyper_from(config.train)`` gives the run-time hyperparameters.
"""

from gan_viz.core import _xla  # noqa: F401, I001  (must run before JAX compiles anything)
from gan_viz.core import data, losses, metrics
from gan_viz.lab import presets
from gan_viz.core.config import Config, DataConfig, Hyper, ModelConfig, TrainConfig, ViewConfig, hyper_from
from gan_viz.lab.experiment import Result, train
from gan_viz.core.train import GAN, EvalSet, Frame, RunInfo, State, make_gan

__all__ = [
    "Config",
    "DataConfig",
    "EvalSet",
    "Frame",
    "GAN",
    "Hyper",
    "ModelConfig",
    "Result",
    "RunInfo",
    "State",
    "TrainConfig",
    "ViewConfig",
    "data",
    "hyper_from",
    "losses",
    "make_gan",
    "metrics",
    "presets",
    "train",
]
