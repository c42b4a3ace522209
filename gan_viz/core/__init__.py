"""The pure JAX core: mixtures, networks, losses, the jitted trainer and every metric.

Nothing here knows about presets, the app or the command line. ``train`` is the only module
that calls ``jax.jit``; ``config`` describes a run (shapes that compile, and the run-time
``Hyper`` arrays that never do).
"""

from gan_viz.core import _xla  # noqa: F401, I001  (sets XLA flags before JAX compiles anything)
from gan_viz.core import prng  # noqa: F401  (random draws compiled unrolled on a CPU)
