"""The loops a user would write instead of gan_viz's trainer, timed by ``gan-viz bench`` beside it:
the same GAN round (one D step, one G step; non-saturating loss, Adam, ring-8, the same batch and
layer sizes) in PyTorch eager mode, and in plain JAX as its tutorials write it: one jitted step
function called from a Python loop. Each is written here from scratch, as its user would write it,
not with gan_viz's code.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import jax
import jax.numpy as jnp

from gan_viz.core.config import Config, steps_per_round


def time_rate(fn: Callable[[int], None], n: int, min_seconds: float) -> float:
    """Calls per second of ``fn(n)`` (``n`` calls each), repeated until ``min_seconds`` have passed."""
    fn(n)  # warm up (compiles, fills caches)
    done, start = 0, time.perf_counter()
    while True:
        fn(n)
        done += n
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed


def jax_step_loop_rate(cfg: Config, min_seconds: float) -> float:
    """Steps (D or G updates) per second of plain JAX as its tutorials write a GAN: parameters as
    lists of arrays, an MLP function, ``optax.adam``, one ``jax.jit``-ed function that makes one D
    step and one G step (the round's draws from a key it splits and returns), called once a round
    from a Python loop; the host waits once at the end of each timed batch of rounds."""
    import optax

    m, t = cfg.model, cfg.train
    act = {"relu": jax.nn.relu, "tanh": jnp.tanh, "leaky_relu": lambda x: jax.nn.leaky_relu(x, 0.2),
           "elu": jax.nn.elu, "gelu": jax.nn.gelu}[m.activation]

    def init(key, sizes):
        keys = jax.random.split(key, len(sizes) - 1)
        return [(jax.random.normal(k, (a, b)) / jnp.sqrt(a), jnp.zeros(b)) for k, a, b in zip(keys, sizes, sizes[1:])]

    def mlp(params, x):
        for w, b in params[:-1]:
            x = act(x @ w + b)
        w, b = params[-1]
        return x @ w + b

    mix = cfg.data.mixture()
    centres, std, n = jnp.asarray(mix.centres), float(mix.std), t.batch_size
    opt_d, opt_g = optax.adam(t.lr_d, b1=t.beta1, b2=t.beta2), optax.adam(t.lr_g, b1=t.beta1, b2=t.beta2)

    @jax.jit
    def step(g, d, g_opt, d_opt, key):
        key, k_mode, k_noise, k_z1, k_z2 = jax.random.split(key, 5)
        real = centres[jax.random.randint(k_mode, (n,), 0, len(centres))] + std * jax.random.normal(k_noise, (n, 2))
        fake = mlp(g, jax.random.normal(k_z1, (n, m.latent_dim)))
        d_loss = (lambda d: jax.nn.softplus(-mlp(d, real)).mean() + jax.nn.softplus(mlp(d, fake)).mean())
        updates, d_opt = opt_d.update(jax.grad(d_loss)(d), d_opt)
        d = optax.apply_updates(d, updates)
        g_loss = (lambda g: jax.nn.softplus(-mlp(d, mlp(g, jax.random.normal(k_z2, (n, m.latent_dim))))).mean())
        updates, g_opt = opt_g.update(jax.grad(g_loss)(g), g_opt)
        return optax.apply_updates(g, updates), d, g_opt, d_opt, key

    k_g, k_d, key = jax.random.split(jax.random.key(0), 3)
    g = init(k_g, [m.latent_dim] + [m.g_width] * m.g_depth + [2])
    d = init(k_d, [2] + [m.d_width] * m.d_depth + [1])
    box = {"s": (g, d, opt_g.init(g), opt_d.init(d), key)}

    def fn(rounds):
        s = box["s"]
        for _ in range(rounds):
            s = step(*s)
        box["s"] = jax.block_until_ready(s)

    return time_rate(fn, 200, min_seconds) * steps_per_round(cfg.train)


def torch_rate(cfg: Config, min_seconds: float) -> float | None:
    """The same GAN round in PyTorch eager mode, or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    m, t = cfg.model, cfg.train
    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "leaky_relu": lambda: torch.nn.LeakyReLU(0.2),
           "elu": torch.nn.ELU, "gelu": torch.nn.GELU}[m.activation]

    def mlp(n_in, depth, width, n_out):
        layers, n = [], n_in
        for _ in range(depth):
            layers += [torch.nn.Linear(n, width), act()]
            n = width
        return torch.nn.Sequential(*layers, torch.nn.Linear(n, n_out))

    g, d = mlp(m.latent_dim, m.g_depth, m.g_width, 2), mlp(2, m.d_depth, m.d_width, 1)
    opt_g = torch.optim.Adam(g.parameters(), t.lr_g, betas=(t.beta1, t.beta2))
    opt_d = torch.optim.Adam(d.parameters(), t.lr_d, betas=(t.beta1, t.beta2))
    mix = cfg.data.mixture()
    centres = torch.tensor(jax.device_get(mix.centres))
    std, b = float(mix.std), t.batch_size
    sp = torch.nn.functional.softplus

    def round_():
        real = centres[torch.randint(len(centres), (b,))] + std * torch.randn(b, 2)
        opt_d.zero_grad()
        loss = sp(-d(real)).mean() + sp(d(g(torch.randn(b, m.latent_dim)).detach())).mean()
        loss.backward()
        opt_d.step()
        opt_g.zero_grad()
        sp(-d(g(torch.randn(b, m.latent_dim)))).mean().backward()
        opt_g.step()

    def fn(n):
        for _ in range(n):
            round_()

    return time_rate(fn, 50, min_seconds) * steps_per_round(cfg.train)
