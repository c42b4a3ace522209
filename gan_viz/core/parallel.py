"""Spreading a batch of runs over every device: a 1-D mesh whose one axis is the run axis.

``Trainer.run_many`` trains runs stacked along a leading axis; placing those stacks with
``shard_runs`` splits them evenly over ``jax.devices()`` (every CPU device, GPU or TPU), and
the jitted call then computes each device's runs where they live (GSPMD). The same code runs
on one device, on several (``XLA_FLAGS=--xla_force_host_platform_device_count=N`` makes N CPU
devices), and over several processes joined by JAX's distributed runtime (``join``, called
before the backend starts; CPU collectives through gloo, JAX's default): ``jax.devices()`` then
lists every process's devices, every process places the same host values (``shard_runs`` goes
through numpy then), computes its own devices' runs, and ``to_host`` gathers the results of all
of them (``multihost_utils.process_allgather``). tests/test_distributed.py runs a map as two
processes on one machine; docs/cli.md says how to start one per host.
"""

from __future__ import annotations

import os
import re

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

AXIS = "runs"

JOB_ENV = "GAN_VIZ_DISTRIBUTED"  # "auto", or "I/N": this process is process I of N (see ``job``)
MAX_PROCESSES = 64


def job(text: str | None) -> tuple[int, int] | None | bool:
    """What ``GAN_VIZ_DISTRIBUTED`` asks: ``False`` when unset or empty (one process); ``None`` for
    ``auto`` (JAX reads the process count and id from the cluster: SLURM, Open MPI, Cloud TPU,
    Kubernetes); ``(I, N)`` for ``I/N``. A bad value raises ``ValueError`` with one line."""
    if text is None or not text.strip():
        return False
    text = text.strip()
    if text == "auto":
        return None
    m = re.fullmatch(r"([0-9]{1,3})/([0-9]{1,3})", text)
    if m is None:
        raise ValueError(f"{JOB_ENV} is auto or I/N, this process's number I of N processes, e.g. 0/2 (got {text!r})")
    i, n = int(m.group(1)), int(m.group(2))
    if not 1 <= n <= MAX_PROCESSES or i >= n:
        raise ValueError(f"{JOB_ENV}={text}: N is 1 to {MAX_PROCESSES} and I is 0 to N-1")
    return i, n


def join(text: str | None = None, timeout_s: int = 300) -> bool:
    """Joins the distributed job ``GAN_VIZ_DISTRIBUTED`` (or ``text``) asks for, if any; whether it
    joined one. JAX reads the coordinator's host:port from ``JAX_COORDINATOR_ADDRESS`` (or from
    the cluster with ``auto``). Call before anything starts JAX's backend."""
    spec = job(os.environ.get(JOB_ENV) if text is None else text)
    if spec is False or (spec is not None and spec[1] == 1):
        return False
    i, n = (None, None) if spec is None else spec
    if spec is not None and not os.environ.get("JAX_COORDINATOR_ADDRESS"):
        raise ValueError(f"{JOB_ENV}={i}/{n} needs JAX_COORDINATOR_ADDRESS=HOST:PORT, process 0's host")
    # CPU collectives: gloo (the installed JAX's default; some older versions had none) unless the user chose mpi
    chosen = os.environ.get("JAX_CPU_COLLECTIVES_IMPLEMENTATION", "gloo")
    jax.config.update("jax_cpu_collectives_implementation", chosen)
    jax.distributed.initialize(num_processes=n, process_id=i, initialization_timeout=timeout_s)
    return True


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
