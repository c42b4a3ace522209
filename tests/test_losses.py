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
    assert losses.loss_index("least_squares") == 2 and losses.loss_index("wasserstein") == 3
    with pytest.raises(ValueError):
        losses.loss_index("hinge")


def test_a_python_int_loss_index_compiles_the_switch_s_choice_alone():
    # the unrolled GAN's trainer passes its loss as a Python int: only that loss is traced, with
    # the value and gradients the run-time switch gives for the same index, for every loss
    real = jax.random.normal(jax.random.PRNGKey(0), (16,)) * 2
    fake = jax.random.normal(jax.random.PRNGKey(1), (16,)) * 2
    assert losses.fixed(3) and losses.fixed(np.int32(3)) and not losses.fixed(jnp.int32(3))
    for i, name in enumerate(losses.LOSSES):
        d = [jax.jit(jax.value_and_grad(lambda r, f, i=i: losses.d_loss(i, r, f), argnums=(0, 1)))(real, fake),
             jax.jit(jax.value_and_grad(lambda r, f, i=i: losses.d_loss(jnp.int32(i), r, f), argnums=(0, 1)))(
                 real, fake)]
        np.testing.assert_allclose(np.asarray(d[0][0]), np.asarray(d[1][0]), rtol=1e-6, err_msg=name)
        for a, b in zip(d[0][1], d[1][1]):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-8, err_msg=name)
        for alt in (False, True):
            g = [jax.jit(jax.value_and_grad(lambda f, i=i, alt=alt: losses.g_loss(i, f, alt)))(fake),
                 jax.jit(jax.value_and_grad(lambda f, i=i, alt=alt: losses.g_loss(jnp.int32(i), f, alt)))(fake)]
            np.testing.assert_allclose(np.asarray(g[0][0]), np.asarray(g[1][0]), rtol=1e-6, err_msg=name)
            np.testing.assert_allclose(np.asarray(g[0][1]), np.asarray(g[1][1]), rtol=1e-6, atol=1e-8, err_msg=name)
    # a fixed index traces no switch: the jaxpr of the minimax G loss has no cond at all
    assert "cond" not in str(jax.make_jaxpr(lambda f: losses.g_loss(losses.MINIMAX, f))(fake))
    assert "cond" in str(jax.make_jaxpr(lambda f: losses.g_loss(jnp.int32(losses.MINIMAX), f))(fake))


def test_optax_cross_entropy_equals_the_former_softplus_formulas_bit_for_bit():
    # optax computes -label * log_sigmoid(l) - (1 - label) * log_sigmoid(-l), and jax's
    # log_sigmoid(x) is -softplus(-x): with a 0/1 label the other term adds an exact zero,
    # so values and gradients match the former hand-written softplus to the last bit.
    real = jnp.concatenate([jax.random.normal(jax.random.PRNGKey(0), (256,)) * 5, jnp.array([-80.0, 80.0])])
    fake = jax.random.normal(jax.random.PRNGKey(1), (258,)) * 5
    former = {
        "d_bce": (losses.d_loss_bce,
                  lambda r, f: jnp.mean(jax.nn.softplus(-r)) + jnp.mean(jax.nn.softplus(f)), (real, fake)),
        "minimax": (losses.g_loss_minimax, lambda f: -jnp.mean(jax.nn.softplus(f)), (fake,)),
        "non_saturating": (losses.g_loss_non_saturating, lambda f: jnp.mean(jax.nn.softplus(-f)), (fake,)),
    }
    for name, (new, old, args) in former.items():
        assert float(jax.jit(new)(*args)) == float(jax.jit(old)(*args)), name
        np.testing.assert_array_equal(jax.jit(jax.grad(new))(*args), jax.jit(jax.grad(old))(*args), err_msg=name)


def test_wasserstein_losses_and_the_gradient_penalty_of_a_unit_linear_critic():
    real, fake = jnp.array([1.0, 3.0]), jnp.array([-2.0, 0.0])
    assert float(losses.d_loss(jnp.int32(losses.WASSERSTEIN), real, fake)) == pytest.approx(-1.0 - 2.0)
    assert float(losses.g_loss(jnp.int32(losses.WASSERSTEIN), fake)) == pytest.approx(1.0)
    # f(x) = w.x + b with ||w|| = 1 has gradient w everywhere: the penalty is 0; with ||w|| = 3, (3 - 1)^2
    w = jnp.array([0.6, -0.8])
    assert float(losses.gradient_penalty(jnp.tile(w, (5, 1)))) == pytest.approx(0.0, abs=1e-10)
    assert float(losses.gradient_penalty(jnp.tile(3 * w, (5, 1)))) == pytest.approx(4.0, rel=1e-6)
    assert losses.PROBABILITY_LOSSES == ("minimax", "non_saturating", "least_squares")


def test_the_run_time_switch_differentiates_in_one_branch_with_the_plain_switch_s_numbers():
    """An array index picks the loss with one ``lax.switch`` that returns its value and gradient
    together (``losses._switched``): the value, the gradient (also times a cotangent other than 1)
    and the second derivative are a plain switch's, and the gradient runs one switch, not two."""
    real = jax.random.normal(jax.random.PRNGKey(0), (16,)) * 2
    fake = jax.random.normal(jax.random.PRNGKey(1), (16,)) * 2

    def plain_d(i, r, f):
        return jax.lax.switch(i, losses._D_LOSSES, r, f)

    def plain_g(i, f, alt):
        return jax.lax.switch(i, losses._G_LOSSES, f, jnp.asarray(alt))

    def top_level_conds(fn, *args):
        return [e.primitive.name for e in jax.make_jaxpr(fn)(*args).jaxpr.eqns].count("cond")

    pairs = [(lambda i, r, f: 3.0 * losses.d_loss(i, r, f), lambda i, r, f: 3.0 * plain_d(i, r, f))]
    pairs += [(lambda i, r, f, a=alt: -2.0 * losses.g_loss(i, f, a) + 0 * r[0],
               lambda i, r, f, a=alt: -2.0 * plain_g(i, f, a) + 0 * r[0]) for alt in (False, True)]
    for pair in pairs:  # each compiled once, called with every index
        first = [jax.jit(jax.value_and_grad(fn, argnums=(1, 2))) for fn in pair]
        # the second derivative (the unrolled GAN differentiates D's gradient again)
        second = [jax.jit(jax.grad(lambda i, f, fn=fn: jnp.sum(jnp.tanh(jax.grad(fn, argnums=2)(i, real, f))),
                                   argnums=1)) for fn in pair]
        for i, name in enumerate(losses.LOSSES):
            got, want = (fn(jnp.int32(i), real, fake) for fn in first)
            for a, b in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
                np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-8, err_msg=name)
            got, want = (fn(jnp.int32(i), fake) for fn in second)
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-6, err_msg=name)
    idx = jnp.int32(losses.MINIMAX)
    grad_ours = jax.grad(lambda f: losses.d_loss(idx, real, f))
    grad_theirs = jax.grad(lambda f: plain_d(idx, real, f))
    assert (top_level_conds(grad_ours, fake), top_level_conds(grad_theirs, fake)) == (1, 2)
