import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax.extend.random import threefry_2x32

from gan_viz.core import draws, step
from gan_viz.core.config import Config
from gan_viz.core.trainer import make_trainer


def test_a_steps_words_are_threefry_of_its_step_and_their_index():
    # Random123's threefry2x32 of the counter pair (step, j): words 2j and 2j + 1
    key = jax.random.PRNGKey(3)
    got = np.asarray(draws.words(key, jnp.int32(5), 7))
    expected = np.concatenate([np.asarray(threefry_2x32(key, jnp.asarray([5, j], jnp.uint32))) for j in range(4)])
    np.testing.assert_array_equal(got, expected[:7])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 40), st.integers(1, 40))
def test_a_shorter_draw_is_a_prefix_of_a_longer_one(step_no, m, extra):
    key = jax.random.PRNGKey(0)
    short, long = draws.words(key, jnp.int32(step_no), m), draws.words(key, jnp.int32(step_no), m + extra)
    np.testing.assert_array_equal(np.asarray(short), np.asarray(long)[:m])


def test_steps_and_keys_draw_different_words():
    key = jax.random.PRNGKey(0)
    a, b = draws.words(key, jnp.int32(0), 64), draws.words(key, jnp.int32(1), 64)
    c = draws.words(jax.random.PRNGKey(1), jnp.int32(0), 64)
    assert len(set(np.asarray(a)) & set(np.asarray(b))) == 0 and len(set(np.asarray(a)) & set(np.asarray(c))) == 0


def test_uniforms_and_normals_are_those_jax_random_makes_from_the_same_bits():
    key = jax.random.PRNGKey(7)
    bits = jax.random.bits(key, (4000,))
    np.testing.assert_array_equal(draws.uniform(bits), jax.random.uniform(key, (4000,)))
    np.testing.assert_array_equal(draws.normal(bits), jax.random.normal(key, (4000,)))
    u = np.asarray(draws.uniform(draws.words(key, jnp.int32(0), 20000)))
    assert u.min() >= 0.0 and u.max() < 1.0 and abs(u.mean() - 0.5) < 0.01
    z = np.asarray(draws.normal(draws.words(key, jnp.int32(1), 20000)))
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1.0) < 0.03


def test_take_cuts_consecutive_pieces():
    parts = draws.take(jnp.arange(10), (2, 3, 5))
    assert [p.tolist() for p in parts] == [[0, 1], [2, 3, 4], [5, 6, 7, 8, 9]]


@pytest.mark.parametrize(("pack", "unroll", "latent"), [(1, 0, 2), (2, 0, 3), (1, 3, 2)])
def test_a_step_draws_exactly_the_words_it_uses(pack, unroll, latent):
    from dataclasses import replace

    cfg = Config()
    cfg = replace(cfg, model=replace(cfg.model, pack=pack, latent_dim=latent), train=replace(cfg.train, unroll=unroll))
    spec = make_trainer(cfg).spec
    n = spec.draws
    assert step.d_words(spec) == n * (3 + latent) + n // pack
    assert step.g_words(spec) == n * latent + unroll * step.d_words(spec) + (3 * n if unroll else 0)
    real, z, eps = step.d_batch(spec, cfg.data.mixture(), draws.words(jax.random.PRNGKey(0), jnp.int32(0),
                                                                       step.d_words(spec)))
    assert real.shape == (n, 2) and z.shape == (n, latent) and eps.shape == (n // pack,)


def test_a_round_of_one_d_and_one_g_step_makes_two_hash_calls():
    cfg = Config()
    gan = make_trainer(cfg)
    from gan_viz.core.hyper import hyper_from

    jaxpr = jax.make_jaxpr(lambda s: gan.round(s, hyper_from(cfg.train), cfg.data.mixture()))(gan.init(0))
    text = str(jaxpr)
    assert text.count("threefry2x32") == 2  # one in the D loop's body, one in the G loop's
