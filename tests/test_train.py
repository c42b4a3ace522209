import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_viz.core import data, losses, metrics
from gan_viz.core.config import Config, ModelConfig, TrainConfig
from gan_viz.core.hyper import hyper_from
from gan_viz.core.state import MAX_PICTURES, Frame, RunInfo
from gan_viz.core.trainer import MAX_ROUNDS_PER_CALL, Trainer, make_trainer
from gan_viz.lab import presets

SMALL = Config(model=ModelConfig(g_width=16, d_width=16, g_depth=1, d_depth=1), train=TrainConfig(batch_size=32))


@pytest.fixture(scope="module")
def gan() -> Trainer:
    return make_trainer(SMALL)


@pytest.fixture(scope="module")
def mix():
    return SMALL.data.mixture()


def leaves_equal(a, b) -> bool:
    return all(np.array_equal(np.asarray(x), np.asarray(y))
               for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)))


def test_same_seed_is_bit_identical_and_another_seed_differs(gan, mix):
    h = hyper_from(SMALL.train)
    a, ia = gan.run(gan.init(3), h, mix, 50)
    b, ib = gan.run(gan.init(3), h, mix, 50)
    c, _ = gan.run(gan.init(4), h, mix, 50)
    assert leaves_equal(a, b)
    np.testing.assert_array_equal(ia.d_loss, ib.d_loss)
    assert not leaves_equal(a.g_params, c.g_params)


def test_splitting_a_run_into_calls_changes_nothing(gan, mix):
    h = hyper_from(SMALL.train)
    whole, info = gan.run(gan.init(0), h, mix, 40)
    half, _ = gan.run(gan.init(0), h, mix, 25)
    half, _ = gan.run(half, h, mix, 15)
    assert leaves_equal(whole, half)
    assert info.rounds == 40 and info.d_loss.shape == (40,) and int(whole.step) == 80  # 2 steps a round


def test_changing_run_time_hyperparameters_does_not_recompile(mix):
    cfg = Config(model=ModelConfig(g_width=8, d_width=8, g_depth=1, d_depth=1), train=TrainConfig(batch_size=16))
    gan = make_trainer(cfg)
    s = gan.init(0)
    h = hyper_from(cfg.train)
    s, _ = gan.run(s, h, mix, 3)
    before = gan.compiles
    assert before == 1
    variants = [
        h._replace(lr_d=jnp.float32(3e-4), lr_g=jnp.float32(1e-2)),
        h._replace(k_d=jnp.int32(5), k_g=jnp.int32(2)),
        h._replace(k_d=jnp.int32(0)),
        h._replace(loss=jnp.int32(0)),
        h._replace(loss=jnp.int32(2), r1_weight=jnp.float32(1.0)),
        h._replace(simultaneous=jnp.bool_(True)),
    ]
    for v in variants:
        s, _ = gan.run(s, v, mix, 7)
    s, _ = gan.run(s, h, mix, 200)  # a different number of rounds
    # data that keeps its number of modes is an argument too
    s, _ = gan.run(s, h, data.ring(8, 1.0, 0.1), 2)
    assert gan.compiles == before
    gan.run(s, h, data.ring(5), 1)  # another number of modes is another shape: it compiles, and is counted
    assert gan.compiles == before + 1


def test_k_counts_updates_and_zero_freezes(gan, mix):
    h = hyper_from(SMALL.train)._replace(k_d=jnp.int32(3), k_g=jnp.int32(0))
    s0 = gan.init(0)
    s, info = gan.run(s0, h, mix, 4)
    assert int(s.d_updates) == 12 and int(s.g_updates) == 0 and int(s.step) == 12
    assert leaves_equal(s.g_params, s0.g_params)
    assert np.isnan(info.g_loss).all() and np.isfinite(info.d_loss).all()
    h = h._replace(k_d=jnp.int32(0), k_g=jnp.int32(2))
    s2, _ = gan.run(s, h, mix, 4)
    assert int(s2.g_updates) == 8
    assert leaves_equal(s2.d_params, s.d_params)


def test_simultaneous_updates_both_from_the_same_point(gan, mix):
    h = hyper_from(SMALL.train)._replace(simultaneous=jnp.bool_(True), k_d=jnp.int32(5))
    s0 = gan.init(0)
    s, _ = gan.run(s0, h, mix, 1)
    assert int(s.d_updates) == 1 and int(s.g_updates) == 1
    # G's step used the starting D: redo it by hand, G's step (the round's second, counter 1)
    # against s0's D
    from gan_viz.core import draws, step

    only_g, _ = step.g_update(gan.spec, s0, draws.words(s0.key, jnp.int32(1), step.g_words(gan.spec)), h, s0.d_params)
    assert leaves_equal(only_g.g_params, s.g_params)
    moved_d, _ = step.g_update(gan.spec, s0, draws.words(s0.key, jnp.int32(1), step.g_words(gan.spec)), h, s.d_params)
    assert not leaves_equal(moved_d.g_params, s.g_params)


def test_a_launched_call_reports_on_the_device_what_run_reports_on_the_host(gan, mix):
    h = hyper_from(SMALL.train)
    ran, info = gan.run(gan.init(0), h, mix, 7)
    launched_state, launched = gan.launch(gan.init(0), h, mix, 7)
    assert isinstance(launched.d_loss, jax.Array)  # nothing copied until the caller reads it
    got = RunInfo.of(jax.device_get(launched))
    assert leaves_equal(ran, launched_state)
    np.testing.assert_array_equal(got.d_loss, info.d_loss)
    np.testing.assert_array_equal(got.g_loss, info.g_loss)
    assert (got.rounds, got.diverged, got.step) == (7, False, 14) == (info.rounds, info.diverged, info.step)
    for n in (-1, MAX_ROUNDS_PER_CALL + 1):
        with pytest.raises(ValueError, match="one call trains 0 to"):
            gan.launch(gan.init(0), h, mix, n)


def test_divergence_keeps_the_last_finite_state():
    cfg = Config(model=ModelConfig(g_width=8, d_width=8, g_depth=1, d_depth=1),
                 train=TrainConfig(batch_size=16, optimizer="sgd", loss="least_squares"))
    gan = make_trainer(cfg)
    mix = cfg.data.mixture()
    h = hyper_from(cfg.train)._replace(lr_d=jnp.float32(10.0), lr_g=jnp.float32(10.0))
    s, info = gan.run(gan.init(0), h, mix, 500)
    assert info.diverged
    assert info.rounds < 500 and int(s.step) == 2 * info.rounds
    leaves = jax.tree_util.tree_leaves((s.g_params, s.d_params))
    assert all(np.isfinite(np.asarray(x)).all() for x in leaves)
    assert np.isfinite(info.d_loss).all()
    # frozen networks keep the kept state as it is: nothing is lost
    frozen = hyper_from(cfg.train)._replace(k_d=jnp.int32(0), k_g=jnp.int32(0))
    s2, info2 = gan.run(s, frozen, mix, 5)
    assert not info2.diverged and leaves_equal(s2.g_params, s.g_params)


def test_evaluation_frame_shapes_and_fixed_noise(gan, mix):
    ev = gan.eval_set(0, mix)
    assert ev.z.shape == (metrics.EVAL_SAMPLES, 2)
    assert np.array_equal(np.asarray(ev.z), np.asarray(gan.eval_set(0, mix).z))
    grid = metrics.make_grid(data.extent(mix), res=32)
    s = gan.init(0)
    f = gan.evaluate(s, mix, ev, grid, "minimax")
    assert f.fake.shape == (metrics.EVAL_SAMPLES, 2)
    assert f.d_surface.shape == (32, 32) and f.d_star.shape == (32, 32)
    assert f.manifold.shape[0] == 2 and f.manifold.shape[-1] == 2
    assert f.g_grad_norms.shape == (3,)
    assert 0 < float(f.d_real) < 1 and 0 < float(f.d_fake) < 1
    # V(D, G) = E log D(x) + E log(1 - D(G(z))) on the evaluation set, recomputed here in float64
    d_real = 1 / (1 + np.exp(-np.asarray(gan.logits(s.d_params, ev.real), np.float64)))
    d_fake = 1 / (1 + np.exp(-np.asarray(gan.logits(s.d_params, f.fake), np.float64)))
    assert float(f.d_real) == pytest.approx(d_real.mean(), rel=1e-5)
    assert float(f.d_fake) == pytest.approx(d_fake.mean(), rel=1e-5)
    assert float(f.value) == pytest.approx(np.log(d_real).mean() + np.log1p(-d_fake).mean(), rel=1e-5)


def test_arrows_point_downhill_on_the_generator_loss(gan, mix):
    ev = gan.eval_set(0, mix)
    grid = metrics.make_grid(data.extent(mix), res=16)
    s = gan.init(0)
    f = gan.evaluate(s, mix, ev, grid, "non_saturating")
    x = f.fake[:20]
    step = 1e-3 * f.g_arrows[:20]
    before = jax.nn.softplus(-gan.logits(s.d_params, x))
    after = jax.nn.softplus(-gan.logits(s.d_params, x + step))
    assert bool(jnp.all(after <= before + 1e-7))


def test_measure_and_theory_are_the_two_parts_of_evaluate_bit_for_bit(mix):
    # the cheap part and the theory-only part, each its own compiled call, give evaluate's numbers;
    # a live frame's arrows (view_with_arrows) are those of its own state
    for loss in ("non_saturating", "wasserstein"):
        train = TrainConfig(batch_size=32, loss=loss)
        gan = make_trainer(Config(model=SMALL.model, train=train))
        s, _ = gan.run(gan.init(1), hyper_from(train), mix, 5)
        ev, grid = gan.eval_set(1, mix), metrics.make_grid(data.extent(mix), res=16)
        full = jax.device_get(gan.evaluate(s, mix, ev, grid, loss))
        parts = jax.device_get(Frame(*gan.measure(s, mix, ev, grid, loss), *gan.theory(s, mix, ev, grid, loss)))
        assert leaves_equal(full, parts)
        view = jax.device_get(gan.view_with_arrows(s, mix, ev, grid, loss))
        np.testing.assert_array_equal(view.arrows, full.g_arrows)
        assert leaves_equal(view[:3], jax.device_get(gan.view(s, mix, ev, grid, loss)))


def test_generator_average_follows_the_decay(gan, mix):
    h = hyper_from(SMALL.train)._replace(k_d=jnp.int32(0))
    s0 = gan.init(0)
    plain, _ = gan.run(s0, h, mix, 3)
    assert leaves_equal(plain.g_ema, plain.g_params)  # decay 0: the average is G itself
    half, _ = gan.run(s0, h._replace(g_ema=jnp.float32(0.5)), mix, 1)
    expected = jax.tree_util.tree_map(lambda a, b: 0.5 * a + 0.5 * b, s0.g_params, half.g_params)
    for a, b in zip(jax.tree_util.tree_leaves(half.g_ema), jax.tree_util.tree_leaves(expected)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("preset", ["ring8-hopping", "ring8-healthy"])
def test_divergence_checks_the_whole_state_optimizer_moments_included(preset):
    # lr 1e9 overflows Adam's second moments first; the weights may stay finite a while,
    # after which every update is 0 / inf: training would stall without saying so.
    cfg = presets.get(preset)
    gan = make_trainer(cfg)
    h = hyper_from(cfg.train)._replace(lr_d=jnp.float32(1e9), lr_g=jnp.float32(1e9))
    s, info = gan.run(gan.init(0), h, cfg.data.mixture(), 50)
    assert info.diverged and info.rounds < 50
    leaves = jax.tree_util.tree_leaves(s)
    assert all(np.isfinite(np.asarray(x)).all() for x in leaves if jnp.issubdtype(x.dtype, jnp.floating))


def test_round_pictures_trains_the_same_round_and_pictures_its_steps(mix):
    cfg = Config(model=SMALL.model, train=TrainConfig(batch_size=32, k_d=4, k_g=6))
    gan, h = make_trainer(cfg), hyper_from(cfg.train)
    ev = gan.eval_set(0, mix)
    grid = metrics.make_grid(data.extent(mix), 16)
    s0 = gan.init(0)
    plain, _ = gan.run(s0, h, mix, 1)
    state, info, pics, modes = gan.round_pictures(s0, h, mix, ev, grid, every=3)
    assert leaves_equal(plain, state)  # the pictures only read the state
    assert info.rounds == 1 and not info.diverged and len(info.d_loss) == 1
    assert list(pics.step) == [3, 6, 9, 10] and pics.count == 4  # every 3rd step and the round's end
    start = np.asarray(gan.generate(s0.g_ema, ev.z))
    fake, surface, end_modes = jax.device_get(gan.view(state, mix, ev, grid))
    np.testing.assert_array_equal(pics.fake[0], start)  # after 3 D steps G has not moved
    assert not np.array_equal(pics.fake[2], start)  # after 3 of its 6 steps it has
    np.testing.assert_array_equal(pics.surface[1], pics.surface[2])  # D holds still while G moves
    assert not np.array_equal(pics.surface[0], pics.surface[1])  # but learns during its steps
    np.testing.assert_array_equal(pics.fake[-1], fake)  # the last picture is the round's end
    np.testing.assert_array_equal(pics.surface[-1], surface)
    np.testing.assert_array_equal(modes.occupancy, end_modes.occupancy)
    # a round split finer than MAX_PICTURES allows keeps its first MAX_PICTURES pictures
    long = hyper_from(TrainConfig(k_d=40, k_g=40))
    _, _, pics, _ = gan.round_pictures(s0, long, mix, ev, grid, every=1)
    assert pics.count == MAX_PICTURES and list(pics.step[:3]) == [1, 2, 3]


def test_run_many_trains_each_run_as_run_does_and_stops_only_the_diverged(gan, mix):
    from gan_viz.core.hyper import Hyper

    h = hyper_from(SMALL.train)
    batched = tuple(f == "lr_g" for f in Hyper._fields)
    hyper = h._replace(lr_g=jnp.asarray([1e-3, 2e-3, 3e38], jnp.float32))  # the third overflows
    many, done, diverged, modes = gan.run_many(gan.init_many([3, 4, 5]), hyper, mix, jnp.asarray([4, 2, 50]),
                                               gan.eval_noise_many([3, 4, 5]), batched)
    for r, (seed, lr_g, n) in enumerate([(3, 1e-3, 4), (4, 2e-3, 2)]):
        alone, info = gan.run(gan.init(seed), h._replace(lr_g=jnp.float32(lr_g)), mix, n)
        assert int(done[r]) == n and not bool(diverged[r])
        for a, b in zip(jax.tree_util.tree_leaves(alone), jax.tree_util.tree_leaves(many)):
            np.testing.assert_allclose(np.asarray(b[r]), np.asarray(a), rtol=1e-5, atol=1e-6)
        st = gan.mode_stats(alone, mix, gan.eval_set(seed, mix))
        assert float(modes.hq_fraction[r]) == pytest.approx(float(st.hq_fraction), abs=1e-6)
    assert bool(diverged[2]) and int(done[2]) < 50
    assert all(np.isfinite(np.asarray(x[2])).all() for x in jax.tree_util.tree_leaves(many.g_params))


def _unrolled(unroll: int, activation: str = SMALL.model.activation, **train) -> Trainer:
    from dataclasses import replace

    return make_trainer(replace(SMALL, model=replace(SMALL.model, activation=activation),
                            train=replace(SMALL.train, unroll=unroll, **train)))


def test_unrolling_against_a_d_that_cannot_move_is_the_plain_gan(gan, mix):
    # with lr_D = 0 the unrolled D steps leave D where it is, so G's loss and gradient are the
    # plain GAN's, and the key discipline keeps every other draw the same: equal up to the last
    # bit or two of float32 (XLA fuses the longer graph differently)
    h = hyper_from(SMALL.train)._replace(lr_d=jnp.float32(0.0))
    plain, info = gan.run(gan.init(5), h, mix, 20)
    unrolled, info_u = _unrolled(3).run(gan.init(5), h, mix, 20)
    for a, b in zip(jax.tree_util.tree_leaves(plain), jax.tree_util.tree_leaves(unrolled)):
        np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(info.g_loss, info_u.g_loss, rtol=1e-6)
    assert int(plain.g_updates) == int(unrolled.g_updates) == 20
    assert _unrolled(0) is gan  # unroll = 0 is the plain GAN bit for bit: the same compiled object


def test_the_unrolled_generator_gradient_is_the_derivative_of_the_unrolled_objective(mix):
    # SGD and tanh: a smooth objective, so central differences are exact to O(eps^2)
    g = _unrolled(2, activation="tanh", optimizer="sgd")
    s = g.init(1)
    s, _ = g.run(s, hyper_from(SMALL.train), mix, 3)  # Adam's moments in use
    h = hyper_from(SMALL.train)._replace(lr_d=jnp.float32(0.05))
    z = g.noise(jax.random.PRNGKey(7), g.batch_size)
    w = _look_ahead_words(g, 2)

    def f(gp):
        return g.unrolled_g_objective(gp, s.d_params, s.d_opt, z, h, mix, w)

    grads = jax.grad(f)(s.g_params)
    direction = jax.tree_util.tree_map(lambda x: jax.random.normal(jax.random.PRNGKey(9), x.shape), s.g_params)
    eps = 1e-2
    shift = lambda sign: jax.tree_util.tree_map(lambda p, d: p + sign * eps * d, s.g_params, direction)  # noqa: E731
    numeric = (f(shift(1)) - f(shift(-1))) / (2 * eps)
    leaves = jax.tree_util.tree_leaves
    analytic = sum(jnp.vdot(a, d) for a, d in zip(leaves(grads), leaves(direction)))
    assert float(numeric) == pytest.approx(float(analytic), rel=5e-3)
    # and it is not the plain gradient: G feels D's answer
    plain = jax.grad(lambda gp: g.g_objective(gp, s.d_params, z, h))(s.g_params)
    assert not leaves_equal(grads, plain)


def test_a_packing_discriminator_judges_m_samples_side_by_side(mix):
    from dataclasses import replace

    from gan_viz.core import losses, models

    cfg = replace(SMALL, model=replace(SMALL.model, pack=2))
    g = make_trainer(cfg)
    s = g.init(0)
    assert s.d_params[0]["w"].shape == (4, 16)  # two (x, y) samples in one input
    x = jax.random.normal(jax.random.PRNGKey(1), (6, 2))
    by_hand = models.discriminator_logits(s.d_params, x.reshape(3, 4), "relu")
    np.testing.assert_array_equal(np.asarray(g.packed_logits(s.d_params, x)), np.asarray(by_hand))
    # a point on its own: the pack of copies of it
    np.testing.assert_array_equal(np.asarray(g.logits(s.d_params, x[:1])),
                                  np.asarray(models.discriminator_logits(s.d_params, jnp.tile(x[:1], (1, 2)), "relu")))
    # the D loss and R1 are taken over packs: (mean over the 3 packs of the squared gradient norm)
    real, z = x, jax.random.normal(jax.random.PRNGKey(2), (6, 2))
    h = hyper_from(SMALL.train)._replace(r1_weight=jnp.float32(2.0))
    fake = g.generate(s.g_params, z)
    bce = losses.d_loss_bce(by_hand, models.discriminator_logits(s.d_params, fake.reshape(3, 4), "relu"))
    per_pack = jax.vmap(jax.grad(lambda p: models.discriminator_logits(s.d_params, p[None], "relu")[0]))(
        x.reshape(3, 4))
    r1 = 0.5 * 2.0 * jnp.mean(jnp.sum(per_pack**2, axis=-1))
    assert float(g.d_objective(s.d_params, s.g_params, real, z, h)) == pytest.approx(float(bce + r1), rel=1e-6)
    state, info = g.run(s, hyper_from(SMALL.train), mix, 5)  # and it trains
    assert not info.diverged and int(state.step) == 10


def test_an_unrolled_gan_with_adam_and_dead_relus_trains_without_nan(mix):
    # sqrt's slope at 0 (Adam's second moment of a parameter whose gradient was exactly 0) would
    # make the unrolled gradient NaN on the first rounds; eps_root keeps it finite
    from gan_viz.core import config

    cfg = config.apply_overrides(presets.get("ring8-healthy"), ["train.unroll=2"])  # 2 x 64 ReLU: some die
    g = make_trainer(cfg)
    state, info = g.run(g.init(0), hyper_from(cfg.train), cfg.data.mixture(), 10)
    assert not info.diverged and info.rounds == 10 and np.all(np.isfinite(info.g_loss))


def test_wgan_gp_adds_the_penalty_at_interpolates_and_trains(gan, mix):
    from gan_viz.core import losses, models
    from gan_viz.core.evaluation import surface_of

    s = gan.init(2)
    real = data.sample(mix, jax.random.PRNGKey(1), 32)
    z = gan.noise(jax.random.PRNGKey(2), 32)
    eps = jax.random.uniform(jax.random.PRNGKey(3), (32,))
    h = hyper_from(SMALL.train)._replace(loss=jnp.int32(losses.WASSERSTEIN), gp_weight=jnp.float32(10.0))
    fake = gan.generate(s.g_params, z)
    f = lambda x: models.discriminator_logits(s.d_params, x, "relu")  # noqa: E731
    x_hat = eps[:, None] * real + (1 - eps[:, None]) * fake
    grads = jax.vmap(jax.grad(lambda x: f(x[None])[0]))(x_hat)
    by_hand = jnp.mean(f(fake)) - jnp.mean(f(real)) + 10.0 * jnp.mean((jnp.linalg.norm(grads, axis=1) - 1) ** 2)
    got = gan.d_objective(s.d_params, s.g_params, real, z, h, eps)
    assert float(got) == pytest.approx(float(by_hand), rel=1e-5)
    assert float(gan.d_objective(s.d_params, s.g_params, real, z, h._replace(gp_weight=jnp.float32(0.0)), eps)) \
        == pytest.approx(float(jnp.mean(f(fake)) - jnp.mean(f(real))), rel=1e-6)
    state, info = gan.run(s, h._replace(k_d=jnp.int32(5)), mix, 20)  # n_critic = k_D = 5
    assert not info.diverged and np.all(np.isfinite(info.d_loss))
    # the critic's picture: its median level at 1/2, the same whatever the critic's offset
    scores = jnp.linspace(-3.0, 5.0, 9)
    pic = surface_of(scores, jnp.int32(losses.WASSERSTEIN))
    assert float(pic[4]) == pytest.approx(0.5) and np.all(np.diff(np.asarray(pic)) > 0)
    np.testing.assert_allclose(np.asarray(surface_of(scores + 100.0, jnp.int32(losses.WASSERSTEIN))), np.asarray(pic),
                               atol=1e-6)
    np.testing.assert_array_equal(np.asarray(surface_of(scores, jnp.int32(1))), np.asarray(jax.nn.sigmoid(scores)))


def _look_ahead_words(g, steps):
    """Random words for ``steps`` look-ahead D steps and the real term after them."""
    from gan_viz.core import draws, step

    return draws.words(jax.random.PRNGKey(4), jnp.int32(0), steps * step.d_words(g.spec) + 3 * g.draws)


def _looked_ahead_by_hand(g, s, gp, h, mix, w, steps):
    """D after ``steps`` of the unrolled look-ahead from ``s``, written out step by step in Python
    (each step's batches from its slice of the words ``w``, as ``Trainer.unrolled_g_objective``
    takes them)."""
    from gan_viz.core import optim, step

    d, opt, size = s.d_params, s.d_opt, step.d_words(g.spec)
    for j in range(steps):
        real, zd, eps = step.d_batch(g.spec, mix, w[j * size:(j + 1) * size])
        d, opt = optim.apply(g.d_tx_unrolled, jax.grad(g.d_objective)(d, gp, real, zd, h, eps), opt, d, h.lr_d)
    return d


def test_the_rolled_unrolled_look_ahead_is_the_python_unrolled_one(mix):
    # Trainer.unrolled_g_objective runs its D steps as one rolled loop (compile time then stays flat
    # in unroll); written out step by step in Python, as it was, it gives the same loss and
    # gradient. One short computation, not a trajectory: equal to float32 rounding (XLA fuses
    # the two graphs differently), with R1 on so the penalty's second derivative is inside.
    g = _unrolled(4)
    s, _ = g.run(g.init(2), hyper_from(SMALL.train), mix, 3)
    h = hyper_from(SMALL.train)._replace(lr_d=jnp.float32(0.05), r1_weight=jnp.float32(0.5))
    z = g.noise(jax.random.PRNGKey(3), g.draws)
    w = _look_ahead_words(g, 4)

    def by_hand(gp):
        return g.g_objective(gp, _looked_ahead_by_hand(g, s, gp, h, mix, w, 4), z, h)

    rolled = jax.jit(jax.value_and_grad(lambda gp: g.unrolled_g_objective(gp, s.d_params, s.d_opt, z, h, mix, w)))
    (loss, grads), (loss_ref, grads_ref) = rolled(s.g_params), jax.jit(jax.value_and_grad(by_hand))(s.g_params)
    assert float(loss) == pytest.approx(float(loss_ref), rel=1e-5)
    for a, b in zip(jax.tree_util.tree_leaves(grads), jax.tree_util.tree_leaves(grads_ref)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-6)
    plain = jax.grad(lambda gp: g.g_objective(gp, s.d_params, z, h))(s.g_params)
    assert not leaves_equal(grads, plain)  # the look-ahead is there: not the plain gradient


def test_the_compiled_programme_does_not_grow_with_unroll(mix):
    # what bounds the unrolled GAN's compile time and memory: its training call is the same
    # program for 20 look-ahead steps as for 1 (Python-unrolled it was 20 copies of a D step)
    def size(unroll):
        g = _unrolled(unroll)
        loss = losses.loss_index(SMALL.train.loss)  # as the unrolled trainer compiles it (compiled_loss)
        return len(g._run.lower(g.init(0), hyper_from(SMALL.train), mix, jnp.asarray(1, jnp.int32),
                                loss=loss).as_text())

    plain, one, twenty = size(0), size(1), size(20)
    assert one > plain  # the look-ahead is in it
    assert twenty <= 1.01 * one


def test_the_unrolled_gan_compiles_its_loss_in_once_per_loss(mix):
    # its training calls trace only the run's loss (losses.fixed), which halves the look-ahead's
    # compile; the result is the run-time-indexed rounds', and a new loss compiles once more
    from gan_viz.core import step
    from gan_viz.core.hyper import Hyper

    g, h = Trainer.of_spec(_unrolled(1).spec), hyper_from(SMALL.train)  # its own jit caches, whatever ran before
    assert g.compiled_loss(h) == losses.loss_index(SMALL.train.loss)
    assert make_trainer(SMALL).compiled_loss(h) is None  # the plain GAN keeps the loss an array
    s0 = g.init(2)
    a, _ = g.run(s0, h, mix, 3)
    indexed = jax.jit(lambda s, h: step.rounds(g.spec, s, h, mix, jnp.int32(3))[0])(s0, h)
    for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(indexed)):
        np.testing.assert_allclose(np.asarray(x, np.float64), np.asarray(y, np.float64), rtol=1e-5, atol=1e-6)
    compiled = g.compiles
    g.run(s0, h, mix, 2)
    assert g.compiles == compiled  # the same loss again: nothing new
    other = h._replace(loss=jnp.int32(losses.loss_index("least_squares")))
    b, _ = g.run(s0, other, mix, 3)
    assert g.compiles == compiled + 1 and not leaves_equal(a.g_params, b.g_params)
    mixed = h._replace(loss=jnp.asarray([0, 2], jnp.int32))
    with pytest.raises(ValueError, match="one call trains one loss, not 2"):
        g.run_many(g.init_many([1, 2]), mixed, mix, jnp.asarray([1, 1]), g.eval_noise_many([1, 2]),
                   tuple(f == "loss" for f in Hyper._fields))


def test_the_unrolled_minimax_generator_minimises_the_whole_value_against_the_looked_ahead_d(mix):
    # Metz et al. 2016 and its reference: with the minimax loss G minimises V(G, D_K), the real term
    # E log D_K(x) included (it depends on G through D_K's steps); written out by hand
    g = _unrolled(2)
    s, _ = g.run(g.init(2), hyper_from(SMALL.train), mix, 3)
    h = hyper_from(SMALL.train)._replace(lr_d=jnp.float32(0.05), loss=jnp.int32(losses.loss_index("minimax")))
    z = g.noise(jax.random.PRNGKey(3), g.draws)
    w = _look_ahead_words(g, 2)

    def by_hand(gp):
        from gan_viz.core import step

        d = _looked_ahead_by_hand(g, s, gp, h, mix, w, 2)
        at = 2 * step.d_words(g.spec)
        real = step.real_batch(mix, w[at:at + g.draws], w[at + g.draws:at + 3 * g.draws])
        return -losses.d_loss_bce(g.logits(d, real), g.logits(d, g.generate(gp, z)))

    objective = jax.jit(jax.value_and_grad(lambda gp: g.unrolled_g_objective(gp, s.d_params, s.d_opt, z, h, mix, w)))
    (loss, grads), (ref, grads_ref) = objective(s.g_params), jax.jit(jax.value_and_grad(by_hand))(s.g_params)
    assert float(loss) == pytest.approx(float(ref), rel=1e-5)
    for a, b in zip(jax.tree_util.tree_leaves(grads), jax.tree_util.tree_leaves(grads_ref)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("r1, gp", [(0.0, 0.0), (2.0, 0.0), (0.0, 10.0), (2.0, 10.0)])
def test_the_penalties_value_and_gradients_are_autodiffs_of_their_sum(gan, r1, gp):
    """``step.penalties`` computes R1 and the gradient penalty with their gradients in one branch
    (a ``custom_vjp``): the value, the gradients with respect to D, both batches and both weights,
    and the second derivative through D's gradient (the unrolled GAN's) equal differentiating
    ``step._penalty_sum``'s own branches; with both weights 0 everything is 0."""
    from gan_viz.core import step

    s = gan.spec
    d = gan.init(0).d_params
    real, fake = (jax.random.normal(jax.random.PRNGKey(k), (s.draws, 2)) for k in (1, 2))
    eps = jax.random.uniform(jax.random.PRNGKey(3), (s.draws // s.pack,))
    weights = (jnp.float32(r1), jnp.float32(gp))

    def ours(d, r, f, a, b):
        return step.penalties(s, d, r, f, eps, a, b)

    def theirs(d, r, f, a, b):
        return step._penalty_sum(s, d, r, f, eps, a, b)

    got, want = (jax.jit(jax.value_and_grad(fn, argnums=(0, 1, 2, 3, 4)))(d, real, fake, *weights)
                 for fn in (ours, theirs))
    for a, b in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-7)
    if r1 == gp == 0.0:
        assert all(not np.any(np.asarray(x)) for x in jax.tree_util.tree_leaves(got))
    # G moves the fake batch; D's gradient of the penalty answers, differentiated again
    second = [jax.jit(jax.grad(lambda f, fn=fn: sum(jnp.sum(jnp.tanh(g)) for g in jax.tree_util.tree_leaves(
        jax.grad(fn)(d, real, f, *weights)))))(fake) for fn in (ours, theirs)]
    np.testing.assert_allclose(np.asarray(second[0]), np.asarray(second[1]), rtol=1e-4, atol=1e-6)


def test_flatten_keeps_a_state_in_two_vectors_and_rebuilds_it_bit_for_bit(gan):
    """The loop over rounds keeps its last finite state as a float vector and an int32 vector
    (``step.flatten``): rebuilt, every leaf has its value, dtype and shape again (the uint32 key
    bit-cast both ways); a leaf that is neither a float nor 32 bits wide is refused."""
    from gan_viz.core import step

    state, _ = gan.run(gan.init(3), hyper_from(SMALL.train), data.ring(8), 3)
    flat, other, rebuild = step.flatten(state)
    assert flat.dtype == jnp.float32 and other.dtype == jnp.int32 and flat.ndim == other.ndim == 1
    back = rebuild(flat, other)
    for a, b in zip(jax.tree_util.tree_leaves(state), jax.tree_util.tree_leaves(back)):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    with pytest.raises(TypeError, match="must be 32-bit"):
        step.flatten(state._replace(step=jnp.zeros((), bool)))
