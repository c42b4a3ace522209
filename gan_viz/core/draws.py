"""The random numbers of a training step: one hash call per step, counted, never split.

A run's training key (``State.key``) stays fixed while it trains. Step ``s`` of the run (the
``State.step`` a round starts at, plus the step's place in the round) takes every number it
needs (the real batch's modes and offsets, the latent batch, the gradient penalty's
interpolation weights, an unrolled look-ahead's batches) from one call of the threefry2x32
hash on the counters ``(s, 0), (s, 1), ...``: ``words(key, s, n)``. No two steps of a run share
a counter, so no number is drawn twice, and the same seed gives the same run bit for bit. Before
this, a round split and folded keys and drew each kind of number separately: about ten hash
calls per round of one D and one G step, most of a small step's cost on a CPU; now two.

The words are interleaved (the two outputs of counter ``j`` are words ``2j`` and ``2j + 1``), so
the first ``m`` words of a longer draw are the ``m`` words of a shorter one: a G step that also
needs look-ahead batches draws the same latent batch as a plain G step.

Uniforms and normals are made from the words as ``jax.random`` makes them from its bits (the top
23 bits as the mantissa of a float in [1, 2), minus 1; a normal as sqrt(2) erfinv of a uniform on
(-1, 1)), so ``normal(jax.random.bits(key, shape))`` is ``jax.random.normal(key, shape)``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.random import threefry2x32_p

_LOW = float(np.nextafter(np.float32(-1.0), np.float32(0.0)))  # the open end of (-1, 1)


def words(key: jax.Array, step: jax.Array, n: int) -> jax.Array:
    """``n`` random uint32 words for step ``step`` of the run whose training key is ``key`` (a raw
    uint32[2] key, as ``State.key``): threefry2x32 of the counters ``(step, j)``, interleaved."""
    k = jax.random.key_data(key) if jnp.issubdtype(key.dtype, jax.dtypes.prng_key) else key
    pairs = (n + 1) // 2
    hi = jnp.full((pairs,), step, jnp.uint32)
    lo = jnp.arange(pairs, dtype=jnp.uint32)
    a, b = threefry2x32_p.bind(k[0], k[1], hi, lo)
    return jnp.stack([a, b], axis=-1).reshape(-1)[:n]


def uniform(w: jax.Array) -> jax.Array:
    """Uniform float32 numbers in [0, 1) from uint32 words (23 random bits each)."""
    return jax.lax.bitcast_convert_type((w >> 9) | jnp.uint32(0x3F800000), jnp.float32) - 1.0


def normal(w: jax.Array) -> jax.Array:
    """Standard normal float32 numbers from uint32 words."""
    u = jnp.maximum(_LOW, uniform(w) * np.float32(1.0 - _LOW) + np.float32(_LOW))  # on (-1, 1), as jax.random
    return np.float32(np.sqrt(2.0)) * jax.lax.erf_inv(u)


def take(w: jax.Array, sizes: tuple[int, ...]) -> list[jax.Array]:
    """``w`` cut into consecutive pieces of the given (static) sizes, in order."""
    out, at = [], 0
    for n in sizes:
        out.append(w[at:at + n])
        at += n
    return out
