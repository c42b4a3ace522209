"""Importing gan_viz changes nothing in the process; ``runtime.configure()`` is the one call that
sets JAX up (XLA flags, the unrolled threefry lowering), idempotently, before the backend starts."""

import json
import os
import subprocess
import sys

# Every module of the package, imported in a fresh process: XLA_FLAGS and the whole environment,
# JAX's CPU lowering of threefry and the backend (not started) are as they were; then configure().
IMPORT_EVERYTHING = """
import importlib, json, os, pkgutil
from jax._src import xla_bridge
from jax._src.interpreters import mlir
from jax._src.random import threefry2x32

def rule():
    return mlir._platform_specific_lowerings["cpu"].get(threefry2x32.threefry2x32_p)

env, jax_rule = dict(os.environ), rule()
import gan_viz
skip = {"gan_viz.__main__", "gan_viz.ui.entry.streamlit_app"}  # scripts: they run the command, the app
names = [m.name for m in pkgutil.walk_packages(gan_viz.__path__, "gan_viz.") if m.name not in skip]
for name in names:
    importlib.import_module(name)
changed = sorted(k for k in {*env, *os.environ} if env.get(k) != os.environ.get(k))
report = {"modules": len(names), "env_changed": changed, "rule_same": rule() is jax_rule,
          "backend_started": xla_bridge.backends_are_initialized()}
first = gan_viz.configure()
report.update(again_same=gan_viz.configure() is first, added=list(first.added_flags),
              unrolled=first.unrolled_threefry, rule_replaced=rule() is not jax_rule,
              flags=os.environ.get("XLA_FLAGS", ""), started_before=first.backend_started)
print(json.dumps(report))
"""


def _report(env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], capture_output=True, text=True, check=True,
                         env={**{k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}, **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_every_module_leaves_the_environment_and_jax_alone_until_configure():
    r = _report({"JAX_PLATFORMS": "cpu"})
    assert r["modules"] > 50
    assert set(r["env_changed"]) <= {"MPLBACKEND"}, r["env_changed"]  # streamlit/__init__.py sets it, not we
    assert r["rule_same"] and not r["backend_started"]
    assert r["again_same"] and r["unrolled"] and r["rule_replaced"] and not r["started_before"]
    assert r["added"] == ["--xla_backend_optimization_level=1",
                          f"--xla_force_host_platform_device_count={os.cpu_count()}"]
    assert r["flags"] == " ".join(r["added"])


def test_configure_keeps_a_flag_of_ones_own_and_can_be_turned_off():
    mine = _report({"JAX_PLATFORMS": "cpu", "XLA_FLAGS": "--xla_backend_optimization_level=2"})
    assert mine["added"] == [f"--xla_force_host_platform_device_count={os.cpu_count()}"]
    assert mine["flags"].startswith("--xla_backend_optimization_level=2 ")
    off = _report({"JAX_PLATFORMS": "cpu", "GAN_VIZ_XLA_DEFAULTS": "0"})
    assert off["added"] == [] and not off["unrolled"] and not off["rule_replaced"] and off["flags"] == ""


def test_configure_after_the_backend_started_adds_no_flag_it_would_not_read():
    script = ("import jax, os\njax.devices()\nfrom gan_viz.core import runtime\nr = runtime.configure()\n"
              "print(r.backend_started, r.added_flags, os.environ.get('XLA_FLAGS', ''), r.unrolled_threefry)")
    env = {**{k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}, "JAX_PLATFORMS": "cpu"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == ["True", "()", "True"]


def test_on_a_gpu_configure_leaves_xla_flags_and_the_threefry_lowering_alone():
    """Forced by ``JAX_PLATFORMS=cuda``: the backend is never started, so no GPU is needed."""
    gpu = _report({"JAX_PLATFORMS": "cuda"})
    assert gpu["added"] == [] and gpu["flags"] == "" and not gpu["unrolled"] and not gpu["rule_replaced"]
    assert not gpu["backend_started"] and gpu["again_same"]


def test_the_cpu_settings_go_to_the_cpu_only(monkeypatch):
    from gan_viz.core import _xla

    assert _xla.cpu_settings("cpu") == {"--xla_backend_optimization_level": "1",
                                        "--xla_force_host_platform_device_count": str(os.cpu_count())}
    assert _xla.cpu_settings("gpu") == {} and _xla.cpu_settings("tpu") == {}
    monkeypatch.setattr(_xla, "backend_started", lambda: False)  # as before JAX starts
    for platforms, plugins, expected in [("cuda", [], "gpu"), ("rocm,cpu", [], "gpu"), ("tpu", [], "tpu"),
                                         ("cpu", ["xla_cuda12"], "cpu"), ("", ["xla_cuda12"], "gpu"),
                                         ("", ["libtpu"], "tpu"), ("", [], "cpu")]:
        monkeypatch.setenv("JAX_PLATFORMS", platforms)
        monkeypatch.setattr(_xla, "_plugin_names", lambda p=plugins: p)
        assert _xla.platform() == expected, (platforms, plugins)
