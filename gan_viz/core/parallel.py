"""Spreading a batch of runs over every device: a 1-D mesh whose one axis is the run axis.

``Trainer.run_many`` trains runs stacked along a leading axis; placing those stacks with
``shard_runs`` splits them evenly over ``jax.devices()`` (every CPU device, GPU or TPU), and
the jitted call then computes each device's runs where they live (GSPMD). The same code runs
on one device, on several (``XLA_FLAGS=--xla_force_host_platform_device_count=N`` makes N CPU
devices, which is how the tests check it), and is written for several hosts once
``jax.distributed`` is initialised: ``jax.devices()`` then lists every host's devices, every
process places the same host values (``shard_runs`` goes through numpy then) and ``to_host``
gathers the results from all of them. Only one host is tested (docs/experiments.md, "Collapse map").
"""

from __future__ import annotations

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

AXIS = "runs"


def mesh(devices: list | None = None) -> Mesh:
    """A 1-D mesh over ``devices`` (default: every device JAX sees)."""
    return Mesh(np.asarray(devices if devices is not None else jax.devices()), (AXIS,))


def padded(runs: int, m: Mesh) -> int:
    """``runs`` rounded up to a whole number of runs per device."""
    d = m.devices.size
    return -(-runs // d) * d


def _global(tree):
    # with several processes every one passes the same host values for the global array
    return jax.device_get(tree) if jax.process_count() > 1 else tree


def shard_runs(tree, m: Mesh):
    """Places every array of ``tree`` split along its leading (run) axis over the mesh; that
    axis must be a multiple of the device count (``padded``)."""
    return jax.device_put(_global(tree), NamedSharding(m, PartitionSpec(AXIS)))


def replicate(tree, m: Mesh):
    """Places every array of ``tree`` whole on each device of the mesh."""
    return jax.device_put(_global(tree), NamedSharding(m, PartitionSpec()))


def to_host(tree):
    """Every array of ``tree`` as numpy, whole, on this process (gathered from every host)."""
    if jax.process_count() > 1:
        from jax.experimental import multihost_utils

        return multihost_utils.process_allgather(tree, tiled=True)
    return jax.device_get(tree)
