"""Random draws on a CPU: JAX's threefry hash compiled unrolled, as JAX compiles it elsewhere.

Every random draw and key split runs the threefry2x32 hash. On a CPU, JAX lowers it to an XLA
``while`` loop of 5 iterations (short compile times for large programs); our draws are small
(a batch of 64 points), so that loop's per-iteration overhead is most of their cost, and a
training round makes a dozen draws. Lowered unrolled instead, each hash is one fused
elementwise kernel: the same arithmetic, so every random number, and every seeded run, is the
same bit for bit (tests/test_prng.py). Measured with ``gan-viz bench``: see
docs/benchmarks.md.

This uses JAX's internal names (the lowering rule JAX itself uses on other platforms). If a JAX
version lacks them, draws keep JAX's own CPU lowering (slower, same numbers);
``GAN_VIZ_XLA_DEFAULTS=0`` also leaves JAX's lowering alone. Registered by
``runtime.configure``, never on import; it applies to functions compiled afterwards.
"""

from __future__ import annotations

import functools

from gan_viz.core import _xla


@functools.cache  # once a process: registering again would change nothing
def use_unrolled_threefry() -> bool:
    """Registers the unrolled threefry lowering for CPU; whether it could."""
    if not _xla.enabled():
        return False
    try:
        from jax._src.interpreters import mlir
        from jax._src.random import threefry2x32
        primitive, rule = threefry2x32.threefry2x32_p, threefry2x32._threefry2x32_lowering_rule
    except (ImportError, AttributeError):
        return False
    mlir.register_lowering(primitive, rule, platform="cpu")
    return True
