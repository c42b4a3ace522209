"""``gan-viz sweep`` and ``reproduce``: the collapse map over a grid of settings (in one process,
or as N processes of JAX's distributed runtime), the literature's mode-collapse table, and the
unrolled GAN's Figure 1 (optionally drawn as a PNG)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

from gan_viz.cli.common import CliError, Progress, clean, config_from, emit, output_target, write_bytes


def cmd_sweep(args) -> None:
    import jax

    from gan_viz.core import bounds, parallel
    from gan_viz.lab import sweep

    n, joined = args.processes, jax.process_count()
    if n is not None and not 1 <= n <= parallel.MAX_PROCESSES:
        raise CliError(f"--processes must be 1-{parallel.MAX_PROCESSES} (got {n})")
    if n is not None and joined > 1 and n != joined:
        raise CliError(f"--processes {n}, but this distributed job has {joined} processes")
    cfg = config_from(args)
    try:
        bounds.check_seeds(cfg.seed if args.first_seed is None else args.first_seed, args.seeds,
                           "--first-seed" if args.first_seed is not None else "seed")
        x = sweep.parse_axis(args.x)
        y = sweep.parse_axis(args.y) if args.y else None
        sweep.check(cfg, x, y, seeds=args.seeds, first_seed=args.first_seed, steps=args.steps)  # checks, trains nothing
        if n is not None and n > 1 and joined == 1:
            if jax.default_backend() != "cpu":  # N processes would each take every accelerator here
                raise CliError(f"--processes starts CPU processes; JAX runs on {jax.default_backend()} here, where "
                               "one process uses every device (on a cluster: one per host, docs/cli.md)")
            return launch(sweep_argv(args), n)
        result = sweep.sweep(cfg, x, y, seeds=args.seeds, first_seed=args.first_seed, steps=args.steps,
                             progress=Progress("sweeping", not args.json and jax.process_index() == 0))
    except ValueError as e:
        raise CliError(str(e)) from None
    if jax.process_index() == 0:  # every process holds the whole map; one prints it
        emit(clean(result.to_json()), args.json, sweep_text)


def sweep_argv(args) -> list[str]:
    """The ``gan-viz sweep`` command line that parses to ``args``, for the launched processes."""
    argv = ["sweep", "--preset", args.preset, "--x", args.x, "--seeds", str(args.seeds)]
    for flag, value in (("--data", args.data), ("--steps", args.steps), ("--y", args.y),
                        ("--first-seed", args.first_seed), ("--processes", args.processes)):
        if value is not None:
            argv += [flag, str(value)]
    for item in args.set or []:
        argv += ["--set", item]
    return argv + (["--json"] if args.json else [])


def _free_port() -> int:
    with socket.socket() as s:  # the OS picks a port free now; the coordinator binds it a moment later
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(argv: list[str], n: int, timeout_s: float | None = None, poll_s: float = 0.2) -> None:
    """Runs ``gan-viz ARGV`` as ``n`` processes of one JAX distributed job on this machine
    (``GAN_VIZ_DISTRIBUTED=I/N``, coordinator on localhost at a port free a moment before, the
    cores shared out as CPU devices with ``JAX_NUM_CPU_DEVICES`` unless the user chose a device
    count). Process 0's output is the command's; if one process fails, or ``timeout_s`` passes,
    the others are stopped and the reason is the error."""
    from gan_viz.core import _xla

    user = _xla.apply_flags().user  # XLA_FLAGS as the user set them: each process adds gan_viz's own
    env = {**os.environ, "JAX_COORDINATOR_ADDRESS": f"127.0.0.1:{_free_port()}", "XLA_FLAGS": user}
    if "JAX_NUM_CPU_DEVICES" not in env and "--xla_force_host_platform_device_count" not in user:
        env["JAX_NUM_CPU_DEVICES"] = str(max(1, (os.cpu_count() or 1) // n))
    logs = [tempfile.TemporaryFile(mode="w+") for _ in range(n)]
    read_end, write_end = _stderr_channel()
    procs = [subprocess.Popen([sys.executable, "-m", "gan_viz", *argv], env={**env, "GAN_VIZ_DISTRIBUTED": f"{i}/{n}"},
                              stdout=None if i == 0 else subprocess.DEVNULL, stderr=write_end if i == 0 else logs[i])
             for i in range(n)]
    os.close(write_end)
    relay = threading.Thread(target=_relay, args=(read_end, logs[0]), daemon=True)
    relay.start()
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    try:
        while True:
            codes = [p.poll() for p in procs]
            failed = [i for i, c in enumerate(codes) if c not in (None, 0)]
            if failed:
                relay.join(timeout=5)
                raise CliError(_failure(failed[0], n, codes[failed[0]], logs[failed[0]]))
            if all(c == 0 for c in codes):
                relay.join(timeout=5)
                return
            if deadline is not None and time.monotonic() > deadline:
                raise CliError(f"the {n} processes did not finish in {timeout_s:g} s; stopped them")
            time.sleep(poll_s)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        relay.join(timeout=5)
        for log in logs:
            log.close()


def _stderr_channel() -> tuple[int, int]:
    """Where process 0 writes its stderr: a pseudo-terminal when ours is a terminal (so that it
    draws its progress bar), else a pipe. Returns (read end, write end)."""
    if os.name == "posix" and sys.stderr.isatty():
        import pty

        return pty.openpty()
    return os.pipe()


def _relay(fd: int, log) -> None:
    """Copies process 0's stderr to ours as it comes (its progress bar) and to ``log``, holding
    back its error line: the launcher says it, naming the process."""
    pending = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # a pseudo-terminal whose other end has closed
            chunk = b""
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            text = line.decode("utf-8", "replace").rstrip("\r")
            log.write(text + "\n")
            if not text.startswith("gan-viz: error: "):
                sys.stderr.write(text + "\n")
        if pending and not pending.startswith(b"gan-viz: "):  # a progress bar's update, no newline yet
            sys.stderr.write(pending.decode("utf-8", "replace"))
            pending = b""
        sys.stderr.flush()
    log.write(pending.decode("utf-8", "replace"))
    os.close(fd)


def _failure(i: int, n: int, code: int, log) -> str:
    log.seek(0)
    lines = [line.strip() for line in log.read().splitlines() if line.strip()]
    said = lines[-1].removeprefix("gan-viz: error: ") if lines else "no output"
    return f"process {i} of {n} stopped with exit status {code}: {said}"


def sweep_text(report: dict) -> str:
    """The map as a table: one row per cell."""
    x, y = report["x"], report["y"]
    processes = report.get("processes", 1)
    lines = [f"{report['runs']} runs ({len(report['seeds'])} seeds), {report['steps']} steps each, "
             f"{report['wall_seconds']:.1f} s on {report['devices']} device(s)"
             f"{f' of {processes} processes' if processes > 1 else ''}, "
             f"{(report['steps_per_s_aggregate'] or 0):,.0f} steps/s in all"]
    cols = ["modes_captured_mean", "hq_fraction_mean", "hop_events_mean", "collapsed_fraction", "diverged_fraction"]
    head = [x["key"]] + ([y["key"]] if y else []) + ["modes", "HQ", "hops", "collapsed", "diverged"]
    lines.append("  ".join(f"{h:>10}" for h in head))
    fmt = (lambda v: "-" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v))
    for c in report["cells"]:
        row = [c["x"]] + ([c["y"]] if y else []) + [c[k] for k in cols]
        lines.append("  ".join(f"{fmt(v):>10}" for v in row))
    return "\n".join(lines)


def cmd_reproduce(args) -> None:
    from gan_viz.core import bounds
    from gan_viz.lab import reproduce

    if (args.dataset is None) == (args.figure is None):
        raise CliError("give --dataset ring8|grid25 (the mode-collapse table) or --figure unrolled-fig1, not both")
    if args.figure is not None:
        return _reproduce_figure(args)
    if args.out is not None or args.no_ablation:
        raise CliError("--out and --no-ablation go with --figure")
    only = None if args.methods is None else [m.strip() for m in args.methods.split(",") if m.strip()]
    if args.seeds is None:
        args.seeds = reproduce.DEFAULT_SEEDS
    if not 1 <= args.seeds <= 256:
        raise CliError(f"--seeds must be 1-256 (got {args.seeds})")
    if args.steps is not None and args.steps < 2:
        raise CliError(f"--steps must be >= 2 (got {args.steps})")
    try:
        bounds.check_seeds(args.first_seed, args.seeds, "--first-seed")
        report = reproduce.reproduce(args.dataset, seeds=args.seeds, first_seed=args.first_seed, steps=args.steps,
                                     only=only, progress=Progress(f"training {args.dataset}", not args.json))
    except ValueError as e:
        raise CliError(str(e)) from None
    emit(clean(report), args.json, reproduce.format_table)


def _reproduce_figure(args) -> None:
    from gan_viz.core import bounds
    from gan_viz.lab import figures

    if args.methods is not None:
        raise CliError("--methods goes with --dataset; a figure trains its own methods")
    seeds = 1 if args.seeds is None else args.seeds
    steps = figures.STEPS if args.steps is None else args.steps
    out = output_target(args.out, "unrolled-fig1.png") if args.out else None
    try:
        bounds.check_seeds(args.first_seed, seeds, "--first-seed")
        progress = Progress(f"training {args.figure}", not args.json)
        report = figures.unrolled_fig1(seeds=seeds, first_seed=args.first_seed, steps=steps,
                                       ablation=not args.no_ablation, progress=lambda d, t, _w: progress(d, t))
    except ValueError as e:
        raise CliError(str(e)) from None
    emit(clean(report), args.json, figures.format_report)
    if out is not None:
        from gan_viz.render import figure_png

        data = figure_png.figure_png(report)
        write_bytes(out, data)
        print(f"wrote {out} ({len(data):,} bytes): {len(report['runs'])} rows of "
              f"{len(report['snapshot_steps'])} snapshots", file=sys.stderr if args.json else sys.stdout)
