"""Multi-layer perceptrons for the generator and discriminator, and latent noise."""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp

Params = list[dict[str, jax.Array]]

ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "relu": jax.nn.relu,
    "leaky_relu": lambda x: jax.nn.leaky_relu(x, 0.2),
    "tanh": jnp.tanh,
    "elu": jax.nn.elu,
    "gelu": jax.nn.gelu,
}
NOISE = ("gaussian", "uniform")


def mlp_init(key: jax.Array, sizes: list[int]) -> Params:
    """He/LeCun-style initialisation of a dense network with the given layer sizes."""
    keys = jax.random.split(key, len(sizes) - 1)
    params = []
    for k, n_in, n_out in zip(keys, sizes[:-1], sizes[1:]):
        w = jax.random.normal(k, (n_in, n_out)) * jnp.sqrt(1.0 / n_in)
        params.append({"w": w, "b": jnp.zeros((n_out,))})
    return params


def mlp_apply(params: Params, x: jax.Array, activation: str) -> jax.Array:
    """Dense layers with ``activation`` between them and a linear output."""
    act = ACTIVATIONS[activation]
    for layer in params[:-1]:
        x = act(x @ layer["w"] + layer["b"])
    last = params[-1]
    return x @ last["w"] + last["b"]


def layer_sizes(n_in: int, depth: int, width: int, n_out: int) -> list[int]:
    """``depth`` hidden layers of ``width`` between ``n_in`` inputs and ``n_out`` outputs."""
    return [n_in] + [width] * depth + [n_out]


def sample_noise(key: jax.Array, n: int, dim: int, kind: str) -> jax.Array:
    """Latent noise z: standard normal, or uniform on [-1, 1]^dim."""
    if kind == "gaussian":
        return jax.random.normal(key, (n, dim))
    if kind == "uniform":
        return jax.random.uniform(key, (n, dim), minval=-1.0, maxval=1.0)
    raise ValueError(f"unknown noise {kind!r}; choose from {NOISE}")


def discriminator_logits(params: Params, x: jax.Array, activation: str) -> jax.Array:
    """The discriminator's logit l(x); D(x) = sigmoid(l(x)). Shape (n,)."""
    return mlp_apply(params, x, activation)[..., 0]
