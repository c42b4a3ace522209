import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from gan_viz.core import optim
from gan_viz.core.config import Config, ModelConfig, TrainConfig
from gan_viz.core.hyper import hyper_from
from gan_viz.core.spec import make_spec
from gan_viz.core.trainer import Trainer, make_trainer

MODEL = ModelConfig(g_width=16, d_width=16, g_depth=1, d_depth=1)


def leaves_equal(a, b) -> bool:
    return all(np.array_equal(np.asarray(x), np.asarray(y))
               for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)))


def hand_written_lr_gan(kind: str) -> Trainer:
    """The former update: the lr-free direction (scale_by_adam or identity), then p - lr * u."""
    direction = optax.scale_by_adam(b1=0.5, b2=0.999) if kind == "adam" else optax.identity()
    spec = make_spec(MODEL, kind, 0.5, 0.999, 32)
    return Trainer.of_spec(dataclasses.replace(spec, g_tx=direction, d_tx=direction))  # not make_trainer: not shared


def hand_written_apply(tx, grads, opt_state, params, lr):
    updates, opt_state = tx.update(grads, opt_state, params)
    return jax.tree_util.tree_map(lambda p, u: p - lr * u, params, updates), opt_state


@pytest.mark.parametrize("kind", ["adam", "sgd"])
def test_injected_learning_rate_gives_the_hand_written_update_bit_for_bit(kind, monkeypatch):
    # -lr * u then p + (-lr * u) is p - lr * u in IEEE arithmetic (negation is exact), so the
    # runs must agree to the last bit, through a mid-run change of both learning rates.
    cfg = Config(model=MODEL, train=TrainConfig(batch_size=32, optimizer=kind, k_d=2))
    mix = cfg.data.mixture()
    h = hyper_from(cfg.train)
    faster = h._replace(lr_d=jnp.float32(3e-3), lr_g=jnp.float32(2e-3))
    new = make_trainer(cfg)
    old = hand_written_lr_gan(kind)
    for seed in (0, 1):
        a, info_a = new.run(new.init(seed), h, mix, 20)
        a, _ = new.run(a, faster, mix, 10)
        with monkeypatch.context() as m:
            m.setattr(optim, "apply", hand_written_apply)
            b, info_b = old.run(old.init(seed), h, mix, 20)
            b, _ = old.run(b, faster, mix, 10)
        assert leaves_equal((a.g_params, a.d_params), (b.g_params, b.d_params))
        np.testing.assert_array_equal(info_a.d_loss, info_b.d_loss)
        assert float(a.g_opt.hyperparams["learning_rate"]) == pytest.approx(2e-3)  # the last lr used


def test_frozen_parameters_never_move_and_the_others_train_as_without_the_freeze():
    cfg = Config(model=MODEL, train=TrainConfig(batch_size=32))
    mix, h = cfg.data.mixture(), hyper_from(cfg.train)
    free, frozen = make_trainer(cfg), make_trainer(cfg, frozen=("g.0.w", "d.1.b"))
    assert frozen is make_trainer(cfg, frozen=("d.1.b", "g.0.w"))  # one compiled GAN per set
    s0 = frozen.init(0)
    s, _ = frozen.run(s0, h, mix, 30)
    np.testing.assert_array_equal(s.g_params[0]["w"], s0.g_params[0]["w"])
    np.testing.assert_array_equal(s.d_params[1]["b"], s0.d_params[1]["b"])
    assert not np.array_equal(s.g_params[0]["b"], s0.g_params[0]["b"])
    assert not np.array_equal(s.d_params[1]["w"], s0.d_params[1]["w"])
    # What freezing means: train everything one step per call and put W back on the host after
    # each step. Adam is elementwise, so the other parameters follow the same path, up to
    # float32 rounding: without W's gradient XLA may sum the bias gradient over the batch in
    # another order (1 ulp), and Adam carries that on step after step by amounts that depend on
    # the CPU. So a short run of 3 steps: measured 2e-10 on values of 1e-2, a 16th of the
    # tolerance (after 100 steps, with XLA's fast math, beyond it).
    only_g = h._replace(k_d=jnp.int32(0))
    g_frozen = make_trainer(cfg, frozen=("g.0.w",))
    a, _ = g_frozen.run(g_frozen.init(1), only_g, mix, 3)
    b = free.init(1)
    w = b.g_params[0]["w"]
    for _ in range(3):
        b, _ = free.run(b, only_g, mix, 1)
        b = b._replace(g_params=[{"w": w, "b": b.g_params[0]["b"]}, b.g_params[1]])
    np.testing.assert_array_equal(a.g_params[0]["w"], w)
    for x, y in zip(jax.tree_util.tree_leaves(a.g_params), jax.tree_util.tree_leaves(b.g_params)):
        np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["g.0", "x.0.w", "g.5.w", "g.0.k", "g.a.w"])
def test_bad_frozen_names_raise(name):
    with pytest.raises(ValueError, match="frozen parameter"):
        make_trainer(Config(model=MODEL), frozen=(name,))


def test_unknown_optimizer_raises():
    with pytest.raises(ValueError, match="unknown optimizer"):
        optim.optimizer("rmsprop", 0.5, 0.999, "g")
