"""The optimizers of ``train``: optax Adam or SGD with a run-time learning rate and frozen parameters.

- The learning rate is a hyperparameter of the optimizer state (``optax.inject_hyperparams``):
  ``apply`` writes the run-time value from ``Hyper`` into the state before each update, inside
  the compiled call, so changing it never recompiles. Until the first update the state holds a
  placeholder of 0.
- Parameters are named ``net.layer.param``: ``"g.0.w"`` is the generator's first weight
  matrix, ``"d.2.b"`` the discriminator's third bias. Those listed in ``frozen`` get a zero
  update (``optax.set_to_zero`` through ``optax.multi_transform``), so they keep their value
  while the rest trains in the same call.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from gan_viz.core import models
from gan_viz.core.config import ModelConfig

NETS = ("g", "d")


def check_frozen(model: ModelConfig, frozen: tuple[str, ...]) -> None:
    """Raises ValueError unless every name is ``net.layer.param`` of an existing parameter."""
    layers = {"g": model.g_depth + 1, "d": model.d_depth + 1}
    for name in frozen:
        parts = name.split(".")
        ok = (len(parts) == 3 and parts[0] in layers and parts[1].isdigit()
              and int(parts[1]) < layers[parts[0]] and parts[2] in ("w", "b"))
        if not ok:
            raise ValueError(f"frozen parameter {name!r}: expected net.layer.param with net g or d, "
                             f"param w or b, layer < {layers['g']} for g and < {layers['d']} for d")


def optimizer(kind: str, beta1: float, beta2: float, net: str,
              frozen: tuple[str, ...] = (), eps_root: float = 0.0) -> optax.GradientTransformation:
    """Adam (``beta1``, ``beta2``) or SGD for network ``net``, its learning rate set by ``apply``.

    Args:
        kind: ``"adam"`` or ``"sgd"``.
        beta1, beta2: Adam's moment decays (compiled in).
        net: ``"g"`` or ``"d"``: which names of ``frozen`` apply to this network.
        frozen: parameter names (see the module docstring) that never move.
        eps_root: added under Adam's square root; > 0 when the update is differentiated (the
            unrolled GAN), where sqrt's infinite slope at 0 (a parameter whose gradient has been
            exactly 0, a dead ReLU's) would make the gradient NaN. Same state as with 0.
    """
    if kind not in ("adam", "sgd"):
        raise ValueError(f"unknown optimizer {kind!r}")
    if net not in NETS:
        raise ValueError(f"unknown network {net!r}; choose from {NETS}")
    mine = frozenset(f for f in frozen if f.split(".")[0] == net)

    def make(learning_rate):
        tx = (optax.adam(learning_rate, b1=beta1, b2=beta2, eps_root=eps_root) if kind == "adam"
              else optax.sgd(learning_rate))
        if not mine:
            return tx

        def labels(params: models.Params):
            return [{name: "frozen" if f"{net}.{i}.{name}" in mine else "train" for name in layer}
                    for i, layer in enumerate(params)]

        return optax.multi_transform({"train": tx, "frozen": optax.set_to_zero()}, labels)

    return optax.inject_hyperparams(make, hyperparam_dtype=jnp.float32)(learning_rate=0.0)


def apply(tx: optax.GradientTransformation, grads, opt_state, params, lr: jax.Array):
    """One update of ``params`` with learning rate ``lr`` (traced); returns ``(params, opt_state)``."""
    opt_state = opt_state._replace(hyperparams={**opt_state.hyperparams, "learning_rate": lr})
    updates, opt_state = tx.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state
