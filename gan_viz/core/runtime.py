"""How JAX runs for gan_viz, set by one explicit call: ``configure()``.

Importing gan_viz changes nothing in the process: neither ``os.environ`` nor JAX's lowering
rules. The entry points (the ``gan-viz`` command's ``main``, the Streamlit script, the test
suite's ``conftest.py``, the scripts in ``scripts/``) call ``configure()`` first, which

- adds gan_viz's XLA flags to ``XLA_FLAGS`` (LLVM optimisation level 1, one CPU device per
  core; ``_xla``), those the user did not set, and
- registers the unrolled threefry lowering for CPU (``prng``: same random numbers, faster),

both only when JAX will run on the CPU (``_xla.platform``); on a GPU or TPU JAX keeps its own
settings.

Call it before anything starts JAX's backend (``jax.devices()``, the first computation or
array): XLA reads its flags once, then. Called later, it adds no flag (``Runtime.backend_started``
says so) but still registers the lowering, which applies to what compiles afterwards. It is
idempotent: every call after the first returns the first one's record. ``GAN_VIZ_XLA_DEFAULTS=0``
turns both off. A library user who skips it gets JAX's defaults: the same numbers, slower.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from gan_viz.core import _xla, prng


class Runtime(NamedTuple):
    """What ``configure`` did."""

    user_flags: str  # XLA_FLAGS as the user set them
    added_flags: tuple[str, ...]  # flags added to XLA_FLAGS (empty: none)
    backend_started: bool  # JAX's backend had started already, so no flag was added
    unrolled_threefry: bool  # the unrolled threefry lowering is registered for CPU
    platform: str = "cpu"  # the platform these were chosen for (``_xla.platform``)


@functools.cache
def configure() -> Runtime:
    """Sets up JAX for gan_viz (see the module docstring); idempotent, returns what it did."""
    flags = _xla.apply_flags()
    unrolled = prng.use_unrolled_threefry() if flags.platform == "cpu" else False
    return Runtime(flags.user, flags.added, flags.backend_started, unrolled, flags.platform)
