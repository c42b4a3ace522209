"""The networks' building blocks against known answers: initialisations and D's input scale."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_viz.core import models
from gan_viz.core.config import Config, ModelConfig, apply_overrides
from gan_viz.core.trainer import make_trainer


@pytest.mark.parametrize("gain", [0.8, 1.0, 1.4])
def test_an_orthogonal_init_has_orthonormal_columns_times_the_gain(gain):
    # the unrolled GAN's shapes: G 256 -> 128 -> 128 -> 2 (n_in >= n_out: orthonormal columns)
    params = models.mlp_init(jax.random.PRNGKey(0), [256, 128, 128, 2], "orthogonal", gain)
    for layer in params:
        w = np.asarray(layer["w"], np.float64)
        np.testing.assert_allclose(w.T @ w, gain**2 * np.eye(w.shape[1]), atol=1e-5)
        np.testing.assert_array_equal(np.asarray(layer["b"]), 0.0)


def test_a_wide_orthogonal_layer_has_orthonormal_rows_times_the_gain():
    # D's first layer 2 -> 128 (n_in < n_out): its 2 rows are orthonormal, as TensorFlow's initializer
    (w,) = [layer["w"] for layer in models.mlp_init(jax.random.PRNGKey(1), [2, 128, 1], "orthogonal", 0.8)[:1]]
    w = np.asarray(w, np.float64)
    np.testing.assert_allclose(w @ w.T, 0.64 * np.eye(2), atol=1e-5)


def test_the_normal_init_is_lecun_and_the_gain_multiplies_it():
    key = jax.random.PRNGKey(2)
    base = models.mlp_init(key, [64, 512, 2])
    w = np.asarray(base[0]["w"])
    assert abs(w.std() - (1 / 64) ** 0.5) < 0.005  # N(0, 1 / fan-in)
    doubled = models.mlp_init(key, [64, 512, 2], "normal", 2.0)
    for a, b in zip(base, doubled):
        np.testing.assert_allclose(np.asarray(b["w"]), 2.0 * np.asarray(a["w"]), rtol=1e-6)


def test_an_unknown_init_is_refused_in_one_line():
    with pytest.raises(ValueError, match="unknown init 'xavier'; choose from normal, orthogonal"):
        models.mlp_init(jax.random.PRNGKey(0), [2, 3, 1], "xavier")
    with pytest.raises(ValueError, match="model.init must be one of normal, orthogonal"):
        apply_overrides(Config(), ["model.init=xavier"])


def test_the_input_scale_equals_scaling_the_first_layer_weights():
    params = models.mlp_init(jax.random.PRNGKey(3), [2, 128, 1])
    x = jax.random.normal(jax.random.PRNGKey(4), (50, 2)) * 2.0
    scaled = [{"w": params[0]["w"] * 0.25, "b": params[0]["b"]}, *params[1:]]
    np.testing.assert_allclose(np.asarray(models.discriminator_logits(params, x, "relu", 0.25)),
                               np.asarray(models.discriminator_logits(scaled, x, "relu")), rtol=1e-5, atol=1e-6)


def test_a_run_starts_from_the_configured_init_and_its_d_sees_the_scaled_input():
    cfg = apply_overrides(Config(model=ModelConfig(latent_dim=8, g_width=16, d_width=16)),
                          ["model.init=orthogonal", "model.init_gain=0.8", "model.d_input_scale=0.25"])
    gan = make_trainer(cfg)
    state = gan.init(0)
    w = np.asarray(state.g_params[1]["w"], np.float64)  # 16 -> 16: orthogonal times 0.8
    np.testing.assert_allclose(w.T @ w, 0.64 * np.eye(16), atol=1e-5)
    x = jnp.asarray([[2.0, 0.0], [0.0, -2.0]])
    np.testing.assert_allclose(np.asarray(gan.logits(state.d_params, x)),
                               np.asarray(models.discriminator_logits(state.d_params, x / 4, "relu")), rtol=1e-6)


def test_the_defaults_start_every_existing_run_exactly_as_before():
    # gain 1 and scale 1 leave the weights and logits untouched (bit for bit)
    key = jax.random.PRNGKey(5)
    default = models.mlp_init(key, [2, 8, 1])
    by_hand = jax.random.normal(jax.random.split(key, 2)[0], (2, 8)) * jnp.sqrt(1.0 / 2)
    np.testing.assert_array_equal(np.asarray(default[0]["w"]), np.asarray(by_hand))
