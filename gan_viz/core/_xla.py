"""XLA settings for JAX's CPU backend, applied by ``runtime.configure`` before the backend starts.

LLVM optimisation level 1 instead of 2 cuts the first compile of the training call by about
a fifth on a 2-core CPU and, measured with ``gan-viz bench``, does not slow the compiled
steps: our kernels are small and per-op overhead dominates.

One CPU device per core: a collapse map (``gan_viz.lab.sweep``) shards its runs over
``jax.devices()``, and XLA runs each device's share on its own thread. One device runs a
batch of small networks on about one core (196 runs of ring8-hopping: 13,500 steps/s, 1.1
cores busy); two devices on a 2-core CPU give 25,500 steps/s. A single run stays on the first
device and is as fast as before (measured with ``gan-viz bench``).

Both are CPU settings, measured on CPUs: they are added only when JAX will run on the CPU
(``platform``, guessed before the backend starts; ``cpu_settings`` says what each platform gets).
On a GPU or TPU, JAX runs with its own defaults.

A flag the user already set in ``XLA_FLAGS`` wins; ``GAN_VIZ_XLA_DEFAULTS=0`` turns this off.
XLA reads ``XLA_FLAGS`` once, when the backend starts: flags added later do nothing.
``backend_problem`` starts the backend for the command line, turning a bad ``XLA_FLAGS`` or
``JAX_PLATFORMS`` into one line instead of a traceback or an abort; a process of a distributed
job (``GAN_VIZ_DISTRIBUTED``, ``parallel.join``) joins it there first, as JAX requires.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import pkgutil
import re
import subprocess
import sys
from typing import NamedTuple

_FLAGS = {
    "--xla_backend_optimization_level": "1",
    "--xla_force_host_platform_device_count": str(os.cpu_count() or 1),
}


def platform() -> str:
    """The platform JAX will run on, as far as can be told before its backend starts: the first of
    ``JAX_PLATFORMS`` (``cuda`` and ``rocm`` read as ``gpu``), else ``gpu`` or ``tpu`` when a JAX
    plugin for one is installed (a machine without the device then falls back to the CPU, without
    gan_viz's CPU settings: the same numbers, slower), else ``cpu``. Once the backend has
    started, the platform it chose."""
    if backend_started():
        import jax

        return jax.default_backend()
    first = os.environ.get("JAX_PLATFORMS", "").split(",")[0].strip().lower()
    if first:
        return "gpu" if first in ("cuda", "rocm") else first
    plugins = " ".join(_plugin_names())
    return "gpu" if ("cuda" in plugins or "rocm" in plugins) else "tpu" if "tpu" in plugins else "cpu"


def _plugin_names() -> list[str]:
    """JAX's installed PJRT plugins (modules under ``jax_plugins``, ``libtpu``), found without importing them."""
    try:
        spec = importlib.util.find_spec("jax_plugins")
        names = [m.name for m in pkgutil.iter_modules(spec.submodule_search_locations or [])] if spec else []
        return names + (["libtpu"] if importlib.util.find_spec("libtpu") else [])
    except (ImportError, ValueError):
        return []


def cpu_settings(platform_name: str) -> dict[str, str]:
    """The XLA flags gan_viz adds on ``platform_name``: its CPU defaults on ``cpu``, none elsewhere."""
    return dict(_FLAGS) if platform_name == "cpu" else {}


class Flags(NamedTuple):
    """What ``apply_flags`` found and did."""

    user: str  # XLA_FLAGS as the user set them, before ours were added
    added: tuple[str, ...]  # the flags added to XLA_FLAGS (empty: none)
    backend_started: bool  # the backend had already started: nothing was added, it would not read them
    platform: str = "cpu"  # the platform the flags were chosen for (``platform``)


def enabled() -> bool:
    """Whether gan_viz may set its defaults (``GAN_VIZ_XLA_DEFAULTS`` is not ``0``)."""
    return os.environ.get("GAN_VIZ_XLA_DEFAULTS", "1") != "0"


def backend_started() -> bool:
    """Whether JAX's backend has started (then XLA has read its flags); False if JAX cannot say."""
    try:
        from jax._src import xla_bridge

        return bool(xla_bridge.backends_are_initialized())
    except (ImportError, AttributeError):
        return False


@functools.cache  # once a process: XLA reads the flags once
def apply_flags() -> Flags:
    """Adds our defaults to ``XLA_FLAGS`` (those the user did not set), unless turned off or too late."""
    user = os.environ.get("XLA_FLAGS", "")
    where = platform()
    if not enabled():
        return Flags(user, (), False, where)
    if backend_started():
        return Flags(user, (), True, where)
    added = tuple(f"{k}={v}" for k, v in cpu_settings(where).items() if k not in user)
    if added:
        os.environ["XLA_FLAGS"] = " ".join([user, *added]).strip()
    return Flags(user, added, False, where)


@functools.cache  # once a process: the backend starts once
def backend_problem() -> str | None:
    """Starts JAX's backend (with ``apply_flags`` applied first); returns ``None``, or one line
    saying why it cannot start and which environment variable to fix (``XLA_FLAGS`` or
    ``JAX_PLATFORMS``).

    XLA kills the whole process on a flag it cannot parse, so flags the user set are tried first in
    a child process (about a second, only when ``XLA_FLAGS`` was set before gan_viz added its own).
    """
    user = apply_flags().user
    if user.strip():
        probe = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=600)
        if probe.returncode not in (0, 3):  # 3: a Python error (JAX_PLATFORMS...), said below
            logged = [m.group(1) for m in map(_GLOG.match, probe.stderr.splitlines()) if m]
            reason = logged[0] if logged else f"XLA stopped with exit status {probe.returncode}"
            return f"XLA_FLAGS={user.strip()[:80]!r} is not valid: {reason[:200]} (fix or unset XLA_FLAGS)"
    import jax

    from gan_viz.core import parallel

    try:
        joined = parallel.join()  # a process of a distributed job (GAN_VIZ_DISTRIBUTED) joins it first
    except ValueError as e:
        return str(e)
    except Exception as e:  # noqa: BLE001 - the coordinator unreachable, a timeout: XLA's own errors
        where = os.environ.get("JAX_COORDINATOR_ADDRESS", "from the cluster")
        return (f"cannot join the distributed job ({parallel.JOB_ENV}={os.environ.get(parallel.JOB_ENV)}, "
                f"coordinator {where}): {str(e).splitlines()[0][:200]}")
    if joined:
        _stdout_to_stderr()
    try:
        jax.devices()
    except RuntimeError as e:
        reason = str(e).splitlines()[0].split(" (set JAX_PLATFORMS")[0][:200]
        platforms = os.environ.get("JAX_PLATFORMS", "")
        fix = f"JAX_PLATFORMS={platforms!r} asks for it: unset JAX_PLATFORMS or set it to cpu" if platforms \
            else "check JAX_PLATFORMS and the jax installation"
        return f"JAX cannot start: {reason} ({fix})"
    return None


def _stdout_to_stderr() -> None:
    """Sends what the C++ runtime writes to stdout (gloo's "[Gloo] Rank 0 is connected ..." lines)
    to stderr, keeping stdout, where Python prints, for the command's report (``--json``)."""
    sys.stdout.flush()
    report = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = os.fdopen(report, "w", buffering=1)


_PROBE = "import jax\ntry:\n    jax.devices()\nexcept Exception:\n    raise SystemExit(3)"
# an XLA error line: "E1204 17:05:38.663639   10005 file.cc:63] message"
_GLOG = re.compile(r"^[EF]\d{4} [\d:.]+\s+\d+ \S+\] (.+)$")
