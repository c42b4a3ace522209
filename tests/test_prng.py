import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np

from gan_viz.core import runtime

DRAWS = """
import jax, jax.numpy as jnp, numpy as np
from gan_viz.core import data, runtime
unrolled = runtime.configure().unrolled_threefry
key = jax.random.PRNGKey(7)
f = jax.jit(lambda k: (jax.random.bits(k, (64, 3)), jax.random.normal(jax.random.fold_in(k, 5), (64, 2)),
                       jax.random.split(k, 4), data.sample(data.ring(), k, 64)))
print(unrolled, *[np.asarray(x).tobytes().hex() for x in jax.tree_util.tree_leaves(f(key))])
"""


def test_threefry_is_compiled_without_a_loop_on_this_jax():
    assert runtime.configure().unrolled_threefry, (
        "the unrolled threefry lowering could not be registered: JAX renamed "
        "jax._src.random.threefry2x32 or its lowering rule; see gan_viz/core/prng.py")
    hlo = jax.jit(lambda k: jax.random.bits(k, (8,))).lower(jax.random.PRNGKey(0)).compile().as_text()
    assert "while" not in hlo


def test_threefry_known_answer():
    # Random123's known-answer vector for threefry2x32 with 20 rounds
    key = jnp.asarray([0x13198A2E, 0x03707344], jnp.uint32)
    count = jnp.asarray([0x243F6A88, 0x85A308D3], jnp.uint32)
    from jax._src.random import threefry2x32
    out = jax.jit(threefry2x32.threefry_2x32)(key, count)
    np.testing.assert_array_equal(np.asarray(out), np.asarray([0xC4923A9C, 0x483DF7A0], np.uint32))


def test_draws_equal_those_of_jaxs_own_cpu_lowering_bit_for_bit():
    def draws(env):
        out = subprocess.run([sys.executable, "-c", DRAWS], capture_output=True, text=True, check=True,
                             env={**os.environ, **env})
        return out.stdout.split()

    ours, jaxs = draws({}), draws({"GAN_VIZ_XLA_DEFAULTS": "0"})
    assert ours[0] == "True" and jaxs[0] == "False"
    assert ours[1:] == jaxs[1:]
