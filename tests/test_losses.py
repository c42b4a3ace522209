import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_viz.core import losses


def test_value_at_d_one_half_is_minus_log_4():
    zeros = jnp.zeros(10)
    assert float(losses.value(zeros, zeros)) == pytest.approx(-math.log(4.0), abs=1e-6)


def test_losses_are_finite_for_extreme_logits():
    big = jnp.array([-1e4, 1e4])
    for i in range(3):
        assert np.isfinite(float(losses.d_loss(jnp.int32(i), big, big)))
        assert np.isfinite(float(losses.g_loss(jnp.int32(i), big)))


@pytest.mark.parametrize("logit", [-6.0, -1.0, 0.0, 2.0])
def test_generator_gradients_wrt_the_logit(logit):
    d = 1 / (1 + math.exp(-logit))
    lg = jnp.array([logit])
    # minimax: d/dl log(1 - sigmoid(l)) = -D, vanishing as D -> 0
    assert float(jax.grad(losses.g_loss_minimax)(lg)[0]) == pytest.approx(-d, rel=1e-5)
    # non-saturating: d/dl -log sigmoid(l) = -(1 - D), large as D -> 0
    assert float(jax.grad(losses.g_loss_non_saturating)(lg)[0]) == pytest.approx(-(1 - d), rel=1e-5)
    assert float(jax.grad(losses.g_loss_least_squares)(lg)[0]) == pytest.approx(logit - 1.0, rel=1e-5)


def test_switch_selects_each_loss():
    real, fake = jnp.array([1.0, 2.0]), jnp.array([-1.0, 0.5])
    assert float(losses.g_loss(jnp.int32(0), fake)) == pytest.approx(float(losses.g_loss_minimax(fake)))
    assert float(losses.g_loss(jnp.int32(1), fake)) == pytest.approx(float(losses.g_loss_non_saturating(fake)))
    assert float(losses.d_loss(jnp.int32(2), real, fake)) == pytest.approx(
        float(losses.d_loss_least_squares(real, fake)))
    assert losses.loss_index("least_squares") == 2
    with pytest.raises(ValueError):
        losses.loss_index("wasserstein")
