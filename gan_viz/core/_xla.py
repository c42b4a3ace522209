"""XLA settings applied before JAX starts its CPU backend (imported first by the package).

LLVM optimisation level 1 instead of 2 cuts the first compile of the training call by about
a fifth on a 2-core CPU and, measured with ``gan-viz bench``, does not slow the compiled
steps: our kernels are small and per-op overhead dominates.

One CPU device per core: a collapse map (``gan_viz.lab.sweep``) shards its runs over
``jax.devices()``, and XLA runs each device's share on its own thread. One device runs a
batch of small networks on about one core (196 runs of ring8-hopping: 13,500 steps/s, 1.1
cores busy); two devices on a 2-core CPU give 25,500 steps/s. A single run stays on the first
device and is as fast as before (measured with ``gan-viz bench``).

A flag the user already set in ``XLA_FLAGS`` wins; ``GAN_VIZ_XLA_DEFAULTS=0`` turns this off.
"""

import os

_FLAGS = {
    "--xla_backend_optimization_level": "1",
    "--xla_force_host_platform_device_count": str(os.cpu_count() or 1),
}

ENABLED = os.environ.get("GAN_VIZ_XLA_DEFAULTS", "1") != "0"  # also read by ``prng``

if ENABLED:
    current = os.environ.get("XLA_FLAGS", "")
    extra = [f"{k}={v}" for k, v in _FLAGS.items() if k not in current]
    if extra:
        os.environ["XLA_FLAGS"] = " ".join([current, *extra]).strip()
