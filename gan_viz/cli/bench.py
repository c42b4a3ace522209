"""Training-throughput benchmark: gan_viz's jitted trainer vs the same step without jit, vs plain
JAX as its tutorials write it (one jitted step function called from a Python loop), vs PyTorch
eager and vs torch.compile (``bench_peers``), in the same run, with the trainer / peer ratios and
the floors they are held to.

Run with ``gan-viz bench`` (``--json`` for machines). A step is one optimizer update of D or
G; every implementation runs rounds of k_d = k_g = 1 (two steps), non-saturating loss, Adam,
on ring-8, with the same batch and layer sizes.
Compile times are measured in fresh subprocesses: once with an empty persistent compilation
cache and once more with the cache that the first left behind. Every measurement sets its run up
with the run driver (``driver.setup``, seed 0).

Size (~320 lines): one report, one short function per figure in it and its text; split further,
the report's figures would be read in several places.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace

import jax
import jax.numpy as jnp

from gan_viz.cli import bench_peers
from gan_viz.cli.bench_peers import time_rate
from gan_viz.core import metrics
from gan_viz.core.config import Config, ModelConfig, steps_per_round
from gan_viz.core.state import RunInfo
from gan_viz.lab import driver, presets


def model_sizes() -> list[tuple[str, Config]]:
    """The benchmarked configurations: GAN Lab's size and the default preset's."""
    default = presets.get(presets.DEFAULT)
    base = replace(default, train=replace(default.train, k_d=1, k_g=1, loss="non_saturating"))
    ganlab = replace(base, model=ModelConfig(latent_dim=2, g_depth=1, g_width=16, d_depth=1, d_width=16),
                     train=replace(base.train, batch_size=64))
    m, t = base.model, base.train
    return [
        ("ganlab (batch 64, 1x16)", ganlab),
        (f"default (batch {t.batch_size}, {m.g_depth}x{m.g_width})", base),
    ]


def jax_loop(cfg: Config) -> bench_peers.Loop:
    """The trainer's jitted multi-round call (``Trainer.run``), 1000 rounds a call, as a loop to time."""
    run = driver.setup(cfg, seed=0)
    box = {"s": run.state}

    def fn(n):
        box["s"], _ = run.gan.run(box["s"], run.hyper, run.mixture, n)
        jax.block_until_ready(box["s"])

    return bench_peers.Loop(fn, 1000, steps_per_round(cfg.train))


def jax_rate(cfg: Config, min_seconds: float) -> float:
    """Steps (D or G updates) per second of ``jax_loop``."""
    return jax_loop(cfg).rate(min_seconds)


def frame_ms(cfg: Config, frames: int = 200) -> float:
    """Milliseconds of one live-view frame of whole rounds, median of ``frames``, as the live run
    makes it: one round (``Trainer.launch``) and the picture (``Trainer.view``: samples, D on the
    picture grid, mode statistics), read to the host with the round's losses and step in one copy.
    At GAN Lab's size the round itself is ~0.1 ms, so this is mostly the calls' fixed costs and
    round trips."""
    run = driver.setup(cfg, seed=0, extent=(-3.0, 3.0, -3.0, 3.0), grid_res=metrics.PICTURE_RES)
    gan, state = run.gan, run.state
    times = []
    for i in range(frames + 5):  # the first 5 compile and warm up
        start = time.perf_counter()
        state, launched = gan.launch(state, run.hyper, run.mixture, 1)
        RunInfo.of(jax.device_get((launched, gan.view(state, run.mixture, run.ev, run.grid, cfg.train.loss)))[0])
        if i >= 5:
            times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def nojit_rate(cfg: Config, min_seconds: float) -> float:
    run = driver.setup(cfg, seed=0)
    box = {"s": run.state}

    def fn(n):
        with jax.disable_jit():
            for _ in range(n):
                box["s"], _, _ = run.gan.round(box["s"], run.hyper, run.mixture)
        jax.block_until_ready(box["s"])

    return time_rate(fn, 5, min_seconds) * steps_per_round(cfg.train)


def recompiles_on_hyperparameter_change(cfg: Config) -> int:
    """Compilations caused by changing lr_d, lr_g, k_d, k_g, the loss and the round count."""
    run = driver.setup(cfg, seed=0)
    gan, h = run.gan, run.hyper
    s, _ = gan.run(run.state, h, run.mixture, 2)
    before = gan.compiles
    for v in (h._replace(lr_d=jnp.float32(3e-4)), h._replace(lr_g=jnp.float32(3e-2)),
              h._replace(k_d=jnp.int32(5)), h._replace(k_g=jnp.int32(3)), h._replace(loss=jnp.int32(0))):
        s, _ = gan.run(s, v, run.mixture, 3)
    return gan.compiles - before


_PROBE = """
import json, sys, time
t0 = time.perf_counter()
import gan_viz
gan_viz.configure()  # as the gan-viz command does, before JAX starts
from gan_viz.core import compilation_cache
from gan_viz.cli import bench
from gan_viz.lab import driver
compilation_cache.enable(sys.argv[1])
run = driver.setup(bench.compiled_config(sys.argv[2]), seed=0)
t = time.perf_counter()
s, _ = run.gan.run(run.state, run.hyper, run.mixture, 1)
s.step.block_until_ready()
print(json.dumps({"compile_seconds": time.perf_counter() - t}))
"""


def sweep_rate(cfg: Config, runs: int, min_seconds: float) -> float:
    """Aggregate steps per second of ``runs`` runs trained at once (``Trainer.run_many``, sharded
    over every device as a collapse map is), 100 rounds a call, each run with its own seed and
    lr_d (1e-4 to 1e-2), as in a map."""
    import numpy as np

    from gan_viz.core import parallel
    from gan_viz.core.hyper import Hyper
    from gan_viz.lab.sweep import place_runs

    run = driver.setup(cfg, seed=0)
    gan, m = run.gan, parallel.mesh()
    padded = parallel.padded(runs, m)
    batched = tuple(f == "lr_d" for f in Hyper._fields)
    hypers = [run.hyper._replace(lr_d=jnp.float32(lr)) for lr in np.geomspace(1e-4, 1e-2, padded)]
    states, hyper, z = place_runs(gan, range(padded), hypers, batched, m)
    mix = parallel.replicate(run.mixture, m)
    rounds = parallel.shard_runs(jnp.full((padded,), 100, jnp.int32), m)
    box = {"s": states}

    def fn(n):
        box["s"], *_ = gan.run_many(box["s"], hyper, mix, rounds, z, batched)
        jax.block_until_ready(box["s"])

    return time_rate(fn, 100, min_seconds) * steps_per_round(cfg.train) * runs


def flops_per_step(cfg: Config) -> float:
    """Floating-point operations of one training step of ``cfg`` (k_d = k_g = 1), as XLA counts
    them in the compiled round (its cost analysis), divided by the round's two steps."""
    run = driver.setup(cfg, seed=0)
    cost = jax.jit(lambda s: run.gan.round(s, run.hyper, run.mixture)[0]).lower(run.state).compile().cost_analysis()
    cost = cost[0] if isinstance(cost, list) else cost  # a list of one dict in older JAX
    return float(cost["flops"]) / steps_per_round(cfg.train)


def matmul_gflops(n: int = 1024, repeats: int = 5) -> float:
    """This CPU's best arithmetic rate in JAX: a square float32 matrix product of side ``n``
    (GFLOP/s, best of ``repeats``); batched small products, as in many runs at once, reach less."""
    a = jnp.ones((n, n), jnp.float32)
    f = jax.jit(lambda a: a @ a)
    f(a).block_until_ready()
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        f(a).block_until_ready()
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def sweep_report(cfg: Config, seconds: float, single: float, runs=(64, 256)) -> dict:
    """The ``sweep`` key of the report: aggregate steps/s of 64 (and 256) runs at once against
    one run of the same configuration (``single``, from ``jax_rate``) in the same process.

    ``ceiling`` bounds the speedup on this machine: many runs do the same arithmetic per step
    as one, so they cannot beat one run's steps/s by more than the CPU's best rate
    (``matmul_gflops``) over what one run already computes (``flops_per_step`` x ``single``)."""
    rows = [{"runs": r, "aggregate_steps_per_s": (a := sweep_rate(cfg, r, seconds)),
             "single_run_steps_per_s": single, "speedup": a / single} for r in runs]
    flops = flops_per_step(cfg)
    peak = matmul_gflops()
    single_gflops = flops * single / 1e9
    ceiling = {"flops_per_step": flops, "single_run_gflops": single_gflops, "matmul_gflops": peak,
               "speedup_bound": peak / single_gflops}
    return {**rows[0], "devices": jax.device_count(), "more": rows[1:], "ceiling": ceiling}


UNROLL = 5  # the unrolled GAN's look-ahead in the benchmark (Metz et al.'s 2-D experiments)


def unrolled_report(name: str, cfg: Config, seconds: float, unroll: int = UNROLL) -> dict:
    """The unrolled GAN at ``cfg``'s size: steps/s of k = 1 rounds, and what one unrolled G step
    costs in plain D steps (D-only rounds against G-only rounds, same process); ``unroll + 1`` is
    the expectation (the look-ahead D steps, then G's own, each with its backward pass)."""
    u = _unrolled(cfg, unroll)
    d_rate = jax_rate(replace(cfg, train=replace(cfg.train, k_d=1, k_g=0)), seconds)
    g_rate = jax_rate(replace(u, train=replace(u.train, k_d=0, k_g=1)), seconds)
    return {"name": f"unrolled {unroll} ({name})", "jax_steps_per_s": jax_rate(u, seconds),
            "nojit_steps_per_s": None, **bench_peers.NO_PEERS,
            "unroll": unroll, "g_step_in_d_steps": d_rate / g_rate}


# The models whose first compile ``compile_times`` reports: the default preset as it is, the two
# benchmarked sizes (``model_sizes``) and the unrolled GAN at the default size (``unrolled_report``'s).
COMPILED_MODELS = ("default preset", "ganlab", "default", "unrolled")
UNROLLED_COMPILE_FLOOR = 10.0  # seconds: the unrolled GAN's cold compile should take at most this


def compiled_config(name: str) -> Config:
    """The configuration of one of ``COMPILED_MODELS``."""
    if name == "default preset":
        return presets.get(presets.DEFAULT)
    if name == "unrolled":
        return _unrolled(model_sizes()[1][1])
    return next(cfg for n, cfg in model_sizes() if n.split()[0] == name)


def _unrolled(cfg: Config, unroll: int = UNROLL) -> Config:
    """``cfg`` as the unrolled GAN with ``unroll`` look-ahead D steps."""
    return replace(cfg, train=replace(cfg.train, unroll=unroll))


def compile_times() -> list[dict]:
    """Each of ``COMPILED_MODELS``' first-call time, cold and cached (``compile_seconds``)."""
    return [{"name": name if name != "unrolled" else f"unrolled {UNROLL} (default)",
             **dict(zip(("cold_seconds", "cached_seconds"), compile_seconds(name)))} for name in COMPILED_MODELS]


def compile_floor(times: list[dict]) -> dict:
    """The unrolled GAN's cold compile against ``UNROLLED_COMPILE_FLOOR``."""
    t = next(t for t in times if t["name"].startswith("unrolled"))
    return {"model": t["name"], "floor_seconds": UNROLLED_COMPILE_FLOOR, "cold_seconds": t["cold_seconds"],
            "met": t["cold_seconds"] <= UNROLLED_COMPILE_FLOOR}


def compile_seconds(model: str = "default preset") -> tuple[float, float]:
    """First-call time of one of ``COMPILED_MODELS``' training call: cold, then with a warm cache,
    each in a fresh process."""
    # on the platform this process runs on (a CPU unless JAX picked an accelerator)
    env = {**os.environ, **({} if jax.default_backend() != "cpu" else {"JAX_PLATFORMS": "cpu"})}
    with tempfile.TemporaryDirectory(prefix="gan-viz-jax-cache-") as cache:
        out = []
        for _ in range(2):
            proc = subprocess.run([sys.executable, "-c", _PROBE, cache, model],
                                  capture_output=True, text=True,
                                  check=True, env=env)
            out.append(json.loads(proc.stdout.strip().splitlines()[-1])["compile_seconds"])
    return out[0], out[1]


def run(quick: bool = False, progress: Callable[[str], None] | None = None) -> dict:
    """Measures everything; ``quick`` shortens the timing windows (numbers get noisier)."""
    say = progress or (lambda _: None)
    seconds = 0.5 if quick else 3.0
    models = []
    for name, cfg in model_sizes():
        say(f"timing {name} ...")
        peers = bench_peers.peer_rates(cfg, seconds, jax_loop(cfg), 3 if quick else bench_peers.WINDOWS)
        models.append({"name": name, "nojit_steps_per_s": nojit_rate(cfg, seconds), **peers})
    say("timing live-view frames of one round ...")
    frame = frame_ms(model_sizes()[0][1])
    name, cfg = model_sizes()[1]
    say(f"timing the unrolled GAN (unroll {UNROLL}) at {name} ...")
    models.append(unrolled_report(name, cfg, seconds))
    say("timing 64 and 256 runs at once (a collapse map's chunk) ...")
    sweep = sweep_report(model_sizes()[1][1], seconds, models[1]["jax_steps_per_s"])
    say("measuring compile times in fresh processes ...")
    compiles = compile_times()
    return {
        "models": models,
        "floors": bench_peers.floors(models),
        "peer_notes": bench_peers.peer_notes(),
        **bench_peers.torch_info(),
        "sweep": sweep,
        "frame_ms": frame,
        "compile_seconds": compiles[0]["cold_seconds"],
        "cached_compile_seconds": compiles[0]["cached_seconds"],
        "compile": compiles,
        "compile_floor": compile_floor(compiles),
        "recompiles_on_hyperparameter_change": recompiles_on_hyperparameter_change(model_sizes()[1][1]),
        "cpu_count": os.cpu_count(),
        "platform": jax.default_backend(),
        "device_kind": jax.devices()[0].device_kind,
        "jax_version": jax.__version__,
    }


def format_report(r: dict) -> str:
    def num(x, fmt="{:,.0f}"):
        return "n/a" if x is None else fmt.format(x)

    lines = [
        "| model | jitted JAX steps/s | JAX without jit | jitted step loop | JAX / step loop | PyTorch eager "
        "| JAX / PyTorch | torch.compile | JAX / torch.compile |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in r["models"]:
        lines.append(f"| {m['name']} | {num(m['jax_steps_per_s'])} | {num(m['nojit_steps_per_s'], '{:,.1f}')} "
                     f"| {num(m['jax_step_loop_steps_per_s'])} | {num(m['jax_vs_step_loop'], '{:.1f}x')} "
                     f"| {num(m['torch_steps_per_s'])} | {num(m['jax_vs_torch'], '{:.1f}x')} "
                     f"| {num(m['torch_compile_steps_per_s'])} | {num(m['jax_vs_torch_compile'], '{:.1f}x')} |")
    lines += bench_peers.format_floors(r)
    lines += [f"an unrolled G step ({m['unroll']} look-ahead D steps) costs {m['g_step_in_d_steps']:.1f} plain D "
              f"steps ({m['unroll'] + 1} expected)" for m in r["models"] if "unroll" in m]
    lines += [
        "",
        *([f"a live-view frame of one round and its picture at GAN Lab's size: {r['frame_ms']:.2f} ms"]
          if "frame_ms" in r else []),
        *([f"first-call compile of {c['name']}: {c['cold_seconds']:.2f} s cold, {c['cached_seconds']:.2f} s with "
           "the persistent cache" for c in r["compile"]] if "compile" in r else
          [f"first-call compile: {r['compile_seconds']:.2f} s cold, "
           f"{r['cached_compile_seconds']:.2f} s with the persistent cache"]),
        *([f"the unrolled GAN's cold compile: {r['compile_floor']['cold_seconds']:.1f} s, floor "
           f"{r['compile_floor']['floor_seconds']:.0f} s: {'met' if r['compile_floor']['met'] else 'NOT met'}"]
          if "compile_floor" in r else []),
        f"recompilations after changing lr_d, lr_g, k_d, k_g and loss: "
        f"{r['recompiles_on_hyperparameter_change']}",
        f"({r['cpu_count']} CPUs, {r.get('device_kind', 'cpu')} ({r.get('platform', 'cpu')}), jax {r['jax_version']})",
    ]
    if "sweep" in r:
        sw = r["sweep"]
        lines += [f"many runs at once on {sw['devices']} device(s), one of the default model: "
                  f"{row['runs']} runs {row['aggregate_steps_per_s']:,.0f} steps/s in all, {row['speedup']:.1f}x "
                  f"one run's {row['single_run_steps_per_s']:,.0f}" for row in [sw, *sw["more"]]]
        c = sw["ceiling"]
        lines.append(f"one run computes {c['flops_per_step'] / 1e6:.2f} MFLOP a step, {c['single_run_gflops']:.1f} "
                     f"GFLOP/s; this CPU's best matrix product in JAX reaches {c['matmul_gflops']:.0f} GFLOP/s, "
                     f"so many runs can go at most {c['speedup_bound']:.1f}x one run's steps/s here")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_report(run()))
