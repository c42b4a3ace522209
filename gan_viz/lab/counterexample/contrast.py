"""The lecture's remedy, for contrast: the storyboard's start with D and G trained together."""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from gan_viz.core.config import Config
from gan_viz.lab.counterexample import phases
from gan_viz.lab.counterexample.records import SETUP, Setup


class Contrast(NamedTuple):
    """Checkpoints of alternating (or simultaneous) training from the storyboard's start."""

    rounds: np.ndarray  # (T,) rounds done at each checkpoint (one D step + one G step each), from 0
    jsd: np.ndarray  # (T,) JSD(p_x || p_theta), nats
    g_mean: np.ndarray  # (T, 2) the generator's mean
    data_mean: np.ndarray  # (2,)
    fake: np.ndarray  # (T, n, 2) the generator's samples (fixed evaluation noise) at each checkpoint

    def to_json(self) -> dict[str, Any]:
        return {"rounds": self.rounds.tolist(), "jsd": self.jsd.tolist(), "g_mean": self.g_mean.tolist(),
                "data_mean": self.data_mean.tolist()}


def run_contrast(seed: int = 0, rounds: int = 400, every: int = 20, *, simultaneous: bool = False,
                 config: Config | None = None, setup: Setup = SETUP) -> Contrast:
    """The lecture's remedy: from the same start and first classifier, k_d = k_g = 1 rounds.

    Same generator (location only), classifier, loss and learning rates as the storyboard;
    only the schedule differs: one classifier step then one generator step per round
    (``simultaneous``: both from the same point). One compiled call per checkpoint interval.

    Args:
        seed: as for ``phases.start``.
        rounds: rounds to train.
        every: rounds between checkpoints; the last round is always a checkpoint.
        simultaneous: both networks step from the same point.
        config, setup: as for ``phases.start``.
    """
    if not isinstance(rounds, int) or rounds < 1 or not isinstance(every, int) or every < 1:
        raise ValueError("rounds and every must be positive integers")
    sb = phases.start(seed, config, setup)
    gan, mixture = phases.make(sb.config), sb.config.data.mixture()
    grid = phases.grid_of(setup)
    hyper = phases.hyper(sb.config, setup, k_d=1, k_g=1)._replace(simultaneous=jnp.asarray(simultaneous, jnp.bool_))
    state = phases.fresh_classifier(gan, sb.config, sb.state)
    done, marks, jsds, means, fakes = 0, [], [], [], []
    while True:
        frame = jax.device_get(gan.measure(state, mixture, sb.ev, grid, setup.loss))
        marks.append(done)
        jsds.append(float(frame.jsd))
        fakes.append(np.asarray(frame.fake))
        means.append(fakes[-1].mean(axis=0))
        if done == rounds:
            break
        state, info = gan.run(state, hyper, mixture, min(every, rounds - done))
        phases.check(info.diverged, "contrast training", done + info.rounds + 1)
        done += info.rounds
    centres = np.asarray(mixture.centres)
    weights = np.asarray(mixture.weights)
    return Contrast(np.asarray(marks), np.asarray(jsds), np.stack(means), weights @ centres, np.stack(fakes))
