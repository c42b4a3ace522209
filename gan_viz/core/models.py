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
# How a weight matrix (n_in, n_out) starts, before ``ModelConfig.init_gain`` multiplies it:
# ``normal``: entries N(0, 1 / n_in) (LeCun); ``orthogonal``: orthonormal columns (rows when
# n_in < n_out), as TensorFlow's orthogonal initializer, which the unrolled GAN's reference uses.
INITS = ("normal", "orthogonal")


def mlp_init(key: jax.Array, sizes: list[int], init: str = "normal", gain: float = 1.0) -> Params:
    """A dense network with the given layer sizes: weights by ``init`` (``INITS``) times ``gain``,
    biases zero."""
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose from {', '.join(INITS)}")
    keys = jax.random.split(key, len(sizes) - 1)
    params = []
    for k, n_in, n_out in zip(keys, sizes[:-1], sizes[1:]):
        if init == "orthogonal":
            w = jax.nn.initializers.orthogonal(scale=gain)(k, (n_in, n_out), jnp.float32)
        else:
            w = jax.random.normal(k, (n_in, n_out)) * jnp.sqrt(1.0 / n_in)
            w = w if gain == 1.0 else w * gain  # gain 1 keeps the weights bit for bit
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
    """Latent noise z: standard normal, or uniform on [-1, 1]^dim (``noise_of`` of ``key``'s draws)."""
    return noise_of(jax.random.uniform(key, (n, dim)), jax.random.normal(key, (n, dim)), kind)


def noise_of(u: jax.Array, eps: jax.Array, kind: str) -> jax.Array:
    """Latent noise made from uniforms ``u`` in [0, 1) or standard normals ``eps`` of its shape:
    ``eps`` itself for ``"gaussian"``, ``2u - 1`` for ``"uniform"``."""
    if kind == "gaussian":
        return eps
    if kind == "uniform":
        return u * 2.0 - 1.0
    raise ValueError(f"unknown noise {kind!r}; choose from {NOISE}")


def discriminator_logits(params: Params, x: jax.Array, activation: str, input_scale: float = 1.0) -> jax.Array:
    """The discriminator's logit l(x) = net(input_scale * x); D(x) = sigmoid(l(x)). Shape (n,).

    ``input_scale`` is a fixed factor in front of the first layer (the unrolled GAN's reference
    divides its input by 4 so that the ring of radius 2 lies in about [-1, 1]); the same as
    multiplying the first layer's weights by it, but it stays fixed while they train."""
    if input_scale != 1.0:
        x = x * input_scale
    return mlp_apply(params, x, activation)[..., 0]
