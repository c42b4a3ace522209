"""The loops a user would write instead of gan_viz's trainer, timed by ``gan-viz bench`` beside it:
the same GAN round (one D step, one G step; non-saturating loss, Adam, ring-8, the same batch and
layer sizes) in PyTorch eager mode, with ``torch.compile``, and in plain JAX as its tutorials write
it: one jitted step function called from a Python loop. Each is written here from scratch, as its
user would write it, not with gan_viz's code. Also the issue's floors: how many times each peer's
steps/s the trainer must reach, and whether a run's ratios meet them.

PyTorch is the optional ``peers`` extra (``pip install -e '.[peers]'``): without it, or without a
C++ compiler for ``torch.compile``, those figures are None and ``peer_notes`` says why.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

import jax
import jax.numpy as jnp

from gan_viz.core.config import Config, steps_per_round


def time_rate(fn: Callable[[int], None], n: int, min_seconds: float, warm: bool = True) -> float:
    """Calls per second of ``fn(n)`` (``n`` calls each), repeated until ``min_seconds`` have passed,
    after one call to warm up (compiles, fills caches) unless ``warm`` is False."""
    if warm:
        fn(n)
    done, start = 0, time.perf_counter()
    while True:
        fn(n)
        done += n
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed


class Loop(NamedTuple):
    """A training loop to time: ``fn(n)`` makes ``n`` calls of ``steps`` steps each and waits for them."""

    fn: Callable[[int], None]
    n: int
    steps: int

    def rate(self, seconds: float, warm: bool = True) -> float:
        """Steps per second over ``seconds`` (``time_rate``)."""
        return time_rate(self.fn, self.n, seconds, warm) * self.steps


# A comparison times its loops in turns, WINDOWS windows each, and keeps each loop's median: this
# machine's speed changes for whole seconds at a time (on the 2-core CPU a compiled run alternates
# between about 75,000 and 52,000 steps/s, as its threads share one core or not), so loops timed
# one after the other can meet different machines, and their ratio with them.
WINDOWS = 7


def interleaved(loops: dict[str, Loop], seconds: float, windows: int = WINDOWS) -> dict[str, float]:
    """Steps per second of each loop: the median of ``windows`` windows of ``seconds / windows``
    each, the loops taking turns window by window, after one warm-up call each."""
    for loop in loops.values():
        loop.fn(loop.n)  # compiles, fills caches
    rates: dict[str, list[float]] = {name: [] for name in loops}
    for _ in range(windows):
        for name, loop in loops.items():
            rates[name].append(loop.rate(seconds / windows, warm=False))
    return {name: statistics.median(r) for name, r in rates.items()}


def jax_step_loop_rate(cfg: Config, min_seconds: float) -> float:
    """Steps (D or G updates) per second of ``jax_step_loop``."""
    return jax_step_loop(cfg).rate(min_seconds)


def jax_step_loop(cfg: Config) -> Loop:
    """Plain JAX as its tutorials write a GAN: parameters as
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

    return Loop(fn, 200, steps_per_round(cfg.train))


PEERS_EXTRA = "pip install -e '.[peers]'"
TORCH_MISSING = f"torch is not installed, so the PyTorch columns are not measured: {PEERS_EXTRA} installs it"


def torch_missing() -> str | None:
    """Why the PyTorch columns cannot be measured here (torch not installed), or None."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return TORCH_MISSING
    return None


def compile_missing() -> str | None:
    """Why ``torch.compile`` cannot run here, or None: no torch, or no C++ compiler for Inductor,
    its default backend, which compiles the CPU kernels it generates with g++ (or ``$CXX``)."""
    if why := torch_missing():
        return why
    from torch._inductor import cpp_builder, exc

    try:
        cpp_builder.get_cpp_compiler()
    except exc.InvalidCxxCompiler:
        return ("no C++ compiler, so torch.compile is not measured: its CPU backend (Inductor) compiles "
                "with g++ or $CXX (Debian: apt-get install g++)")
    return None


# PyTorch's CPU threads while its loops are timed. One: these networks' products (64 x 32 at most)
# gain nothing from intra-op threads, and on a busy 2-core machine the default (one per core) made
# eager PyTorch an order of magnitude slower (OpenMP's threads waiting on each other for a core):
# the peer gets its faster setting, as a user tuning it would.
TORCH_THREADS = 1


@contextmanager
def _torch_threads() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(TORCH_THREADS)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _torch_round(cfg: Config, compiled: bool) -> Callable[[], None]:
    """One GAN round in PyTorch as its tutorials write one: two ``nn.Sequential`` MLPs, an Adam for
    each, D's loss on a real and a detached fake batch, then G's on a new fake batch. ``compiled``:
    each network wrapped in ``torch.compile`` (the documented way to compile a model; the
    optimizers stay eager), so its forward and backward passes are Inductor's generated kernels."""
    import torch

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
    if compiled:
        g, d = torch.compile(g), torch.compile(d)
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

    return round_


def _rounds_loop(round_: Callable[[], None], cfg: Config) -> Loop:
    """``round_`` as a ``Loop``, run with ``TORCH_THREADS`` threads (set back after each call)."""
    def fn(n):
        with _torch_threads():
            for _ in range(n):
                round_()

    return Loop(fn, 50, steps_per_round(cfg.train))


def torch_loop(cfg: Config) -> Loop | None:
    """The round in PyTorch eager mode, or None when torch is not installed."""
    return None if torch_missing() else _rounds_loop(_torch_round(cfg, compiled=False), cfg)


def torch_rate(cfg: Config, min_seconds: float) -> float | None:
    """Steps per second of ``torch_loop``, or None when torch is not installed."""
    loop = torch_loop(cfg)
    return None if loop is None else loop.rate(min_seconds)


def torch_compile_loop(cfg: Config) -> tuple[Loop | None, float | None]:
    """The round with both networks ``torch.compile``-d and its compile seconds, or (None, None)
    where ``compile_missing`` says why not. The compile seconds are the first round's wall
    time from cold: Dynamo reset, as in a new process, and Inductor's caches empty (its
    ``fresh_cache``: a new temporary cache directory, as on a machine that never compiled these
    networks), so G's graph and D's without and with a gradient to its input are traced and
    compiled to C++, forward and backward. The first call in a process also pays torch.compile's
    start-up (importing Inductor, probing the CPU's vector instructions with the compiler). The
    loop runs the compiled networks after it (Inductor's kernels stay loaded)."""
    if compile_missing():
        return None, None
    import torch
    from torch._inductor.utils import fresh_cache

    torch._dynamo.reset()  # earlier sizes' graphs would count against dynamo's recompile limit
    with _torch_threads(), fresh_cache():
        round_ = _torch_round(cfg, compiled=True)
        start = time.perf_counter()
        round_()
        seconds = time.perf_counter() - start
    return _rounds_loop(round_, cfg), seconds


def torch_compile_rate(cfg: Config, min_seconds: float) -> tuple[float | None, float | None]:
    """(steps/s, compile seconds) of ``torch_compile_loop``, or (None, None) where it cannot run."""
    loop, seconds = torch_compile_loop(cfg)
    return (None, None) if loop is None else (loop.rate(min_seconds), seconds)


def peer_rates(cfg: Config, seconds: float, trainer: Loop, windows: int = WINDOWS) -> dict:
    """The trainer's steps/s (``jax_steps_per_s``) and every peer's at ``cfg``, timed in turns
    (``interleaved``, ``seconds`` each), and the trainer's over each peer's."""
    compiled, compile_seconds = torch_compile_loop(cfg)
    loops = {"trainer": trainer, "loop": jax_step_loop(cfg), "eager": torch_loop(cfg), "compiled": compiled}
    rates = interleaved({k: v for k, v in loops.items() if v is not None}, seconds, windows)
    loop, eager, compiled_rate = (rates.get(k) for k in ("loop", "eager", "compiled"))

    def over(x):
        return None if x is None else rates["trainer"] / x

    return {"jax_steps_per_s": rates["trainer"], "jax_step_loop_steps_per_s": loop, "torch_steps_per_s": eager,
            "torch_compile_steps_per_s": compiled_rate, "torch_compile_seconds": compile_seconds,
            "jax_vs_step_loop": over(loop), "jax_vs_torch": over(eager), "jax_vs_torch_compile": over(compiled_rate)}


PEER_KEYS = ("jax_step_loop_steps_per_s", "torch_steps_per_s", "torch_compile_steps_per_s", "torch_compile_seconds",
             "jax_vs_step_loop", "jax_vs_torch", "jax_vs_torch_compile")
NO_PEERS = dict.fromkeys(PEER_KEYS)  # a model no peer is timed for (the unrolled GAN)

# The floors: (model name's first word, ratio key, the peer in words, least trainer / peer)
FLOORS = (("ganlab", "jax_vs_torch", "PyTorch eager", 30.0),
          ("ganlab", "jax_vs_torch_compile", "torch.compile", 3.0),
          ("ganlab", "jax_vs_step_loop", "JAX's jitted step loop", 3.0),
          ("default", "jax_vs_torch", "PyTorch eager", 10.0))


def floors(models: list[dict]) -> list[dict]:
    """Each floor with this run's ratio and whether it is met (None: the peer was not measured)."""
    by = {m["name"].split()[0]: m for m in models}
    out = []
    for model, key, peer, floor in FLOORS:
        ratio = by[model][key] if model in by else None
        out.append({"model": by[model]["name"] if model in by else model, "peer": peer, "ratio_key": key,
                    "floor": floor, "ratio": ratio, "met": None if ratio is None else ratio >= floor})
    return out


def peer_notes() -> list[str]:
    """Why some peer columns are empty in this environment (nothing when every peer is measured)."""
    why = compile_missing()
    return [] if why is None else [why]


def torch_info() -> dict:
    """The PyTorch that was timed: its version and CPU threads (None without torch)."""
    if torch_missing():
        return {"torch_version": None, "torch_threads": None}
    import torch

    return {"torch_version": torch.__version__, "torch_threads": TORCH_THREADS}


def format_floors(r: dict) -> list[str]:
    """The report's lines on the floors and on what was not measured."""
    lines = ["floors (the trainer's steps/s over a peer's, in this run):"]
    for f in r.get("floors", []):
        verdict = ("not measured" if f["met"] is None else "met" if f["met"] else "NOT met")
        ratio = "n/a" if f["ratio"] is None else f"{f['ratio']:.1f}x"
        lines.append(f"  {f['model']} / {f['peer']}: {ratio}, floor {f['floor']:.0f}x: {verdict}")
    secs = [f"{m['torch_compile_seconds']:.1f} s at {m['name'].split()[0]}" for m in r["models"]
            if m.get("torch_compile_seconds") is not None]
    if secs:
        lines.append(f"torch.compile's first round from cold (empty Inductor cache; the first model's also pays "
                     f"torch.compile's start-up in this process): {', '.join(secs)}")
    if r.get("torch_version"):
        n = r["torch_threads"]
        lines.append(f"(torch {r['torch_version']}, {n} CPU thread{'' if n == 1 else 's'})")
    return lines + r.get("peer_notes", [])
