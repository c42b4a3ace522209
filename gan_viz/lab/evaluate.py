"""Scores external 2D samples against a mixture: the metrics a GAN trained elsewhere can get."""

from __future__ import annotations

import jax
import numpy as np

from gan_viz.core import data as data_lib
from gan_viz.core import metrics
from gan_viz.core.data import Mixture


def score_samples(samples: np.ndarray, mixture: Mixture) -> dict:
    """Mode metrics and smoothed JSD of (n, 2) samples; see ``gan_viz.core.metrics`` for definitions.

    The mode metrics in the literature use 2,500 samples; other counts are scored as given.
    """
    x = jax.numpy.asarray(samples, dtype=np.float32)
    st = jax.device_get(metrics.mode_stats(x, mixture))
    grid = metrics.make_grid(data_lib.extent(mixture))
    jsd = float(metrics.density_view(x, mixture, grid).jsd)
    return {
        "modes_captured": int(st.modes_captured),
        "num_modes": mixture.num_modes,
        "hq_fraction": float(st.hq_fraction),
        "reverse_kl": float(st.reverse_kl),
        "jsd": jsd,
        "value": None,  # needs a discriminator, which external samples do not come with
        "occupancy": np.asarray(st.occupancy).round(4).tolist(),
        "off_mode": float(st.off_mode),
    }
