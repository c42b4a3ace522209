"""The collapse map as several processes of JAX's distributed runtime (``gan-viz sweep
--processes N``): two processes on this machine give the cells one process gives; the job's
environment variable and the launcher's command line are checked.

Tolerance: none where the runs are computed the same way. Two processes of one CPU device each
shard the runs as one process of two devices does (the same global mesh, the same per-device
batches), and their cells are equal bit for bit. Against one device, a batch of another size may
round differently in its matrix products: there the cells agree to 1e-5, as in test_sweep.py.
"""

import contextlib
import io
import json
import os
import re
import subprocess
import sys

import jax
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gan_viz import cli
from gan_viz.cli.commands import experiments
from gan_viz.cli.common import CliError
from gan_viz.cli.parser import build_parser
from gan_viz.core import parallel
from gan_viz.core.config import override
from gan_viz.lab import presets, sweep

# a small network and one D and one G step a round: the program compiles in a few seconds
SETS = ["train.eval_every=10", "train.k_d=1", "train.k_g=1", "model.g_width=16", "model.d_width=16",
        "model.g_depth=1", "model.d_depth=1"]
ARGS = ["sweep", "--preset", "ring8-hopping", "--x", "lr_d=1e-3,3e-3", "--seeds", "2", "--steps", "20",
        *(a for s in SETS for a in ("--set", s)), "--processes", "2", "--json"]


def _in_one_process(devices):
    cfg = presets.get("ring8-hopping")
    for item in SETS:
        cfg = override(cfg, *item.split("="))
    return sweep.sweep(cfg, sweep.parse_axis("lr_d=1e-3,3e-3"), seeds=2, steps=20, devices=devices).cells


def test_two_processes_give_the_cells_of_one(capfd, monkeypatch):
    monkeypatch.setenv("JAX_NUM_CPU_DEVICES", "1")  # one device a process: two in the job
    argv = experiments.sweep_argv(build_parser().parse_args(ARGS))
    for attempt in range(2):  # a second try with another port, should another program take the first
        capfd.readouterr()
        try:
            experiments.launch(argv, 2, timeout_s=240)
            break
        except CliError:
            if attempt:
                raise
    _same_cells_as_one_process(json.loads(capfd.readouterr().out))


def _same_cells_as_one_process(out: dict) -> None:
    assert out["processes"] == 2 and out["devices"] == 2 and out["runs"] == 4
    assert [c["steps_mean"] for c in out["cells"]] == [20.0, 20.0] and out["cells"][0]["modes_captured_mean"] > 0
    if len(jax.devices()) >= 2:  # the same mesh in one process: the same numbers, bit for bit
        assert out["cells"] == json.loads(json.dumps(_in_one_process(jax.devices()[:2])))
        return
    cells = json.loads(json.dumps(_in_one_process(jax.devices()[:1])))  # one core: another mesh, float rounding
    for a, b in zip(out["cells"], cells, strict=True):
        assert a.keys() == b.keys()
        for k in a:
            assert a[k] == (pytest.approx(b[k], abs=1e-5) if isinstance(a[k], float) else b[k]), k


@pytest.mark.slow  # two more processes: ~15 s
def test_under_slurm_auto_reads_the_job_from_the_schedulers_variables():
    """``GAN_VIZ_DISTRIBUTED=auto`` with the variables SLURM sets for a 2-task job on one node (set
    by hand here): JAX's own SLURM detection finds the coordinator, the count and each id."""
    env = {**os.environ, "XLA_FLAGS": "", "JAX_NUM_CPU_DEVICES": "1", "GAN_VIZ_DISTRIBUTED": "auto",
           "SLURM_JOB_ID": "77", "SLURM_STEP_NODELIST": "localhost", "SLURM_NTASKS": "2",
           "JAX_COORDINATOR_PORT": str(experiments._free_port())}
    cmd = [sys.executable, "-m", "gan_viz", *ARGS[:ARGS.index("--processes")], "--json"]
    procs = [subprocess.Popen(cmd, env={**env, "SLURM_PROCID": str(i), "SLURM_LOCALID": str(i)},
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for i in (0, 1)]
    try:
        out = [p.communicate(timeout=240)[0] for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert [p.returncode for p in procs] == [0, 0] and out[1] == ""  # process 0 prints the map
    _same_cells_as_one_process(json.loads(out[0]))


def test_a_failing_process_stops_the_job_with_its_last_line():
    why = r"process [01] of 2 stopped with exit status 2: the following arguments are required: --x"
    with pytest.raises(CliError, match=why):
        experiments.launch(["sweep"], 2, timeout_s=120)  # fails in argparse, before joining


@given(st.text(max_size=12))
def test_the_job_variable_is_auto_or_i_of_n_or_one_line(text):
    try:
        spec = parallel.job(text)
    except ValueError as e:
        assert "\n" not in str(e) and parallel.JOB_ENV in str(e)
        return
    if spec is False:
        assert not text.strip()
    elif spec is None:
        assert text.strip() == "auto"
    else:
        i, n = spec
        assert f"{i}/{n}" == text.strip() and 0 <= i < n <= parallel.MAX_PROCESSES


def test_the_job_variable_examples():
    assert parallel.job("1/4") == (1, 4) and parallel.job(" auto ") is None and parallel.job("") is False
    for bad in ("4/4", "0/0", "0/65", "1 of 2", "-1/2", "auto,1"):
        with pytest.raises(ValueError, match=parallel.JOB_ENV):
            parallel.job(bad)
    assert parallel.join("0/1") is False  # a job of one process joins nothing


def test_i_of_n_needs_the_coordinator(monkeypatch):
    monkeypatch.delenv("JAX_COORDINATOR_ADDRESS", raising=False)
    with pytest.raises(ValueError, match="needs JAX_COORDINATOR_ADDRESS=HOST:PORT"):
        parallel.join("1/2")


ITEM = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=8).filter(
    lambda s: not s.startswith("-"))


@given(x=ITEM, y=st.none() | ITEM, seeds=st.integers(1, 300), steps=st.none() | st.integers(-5, 10**6),
       first=st.none() | st.integers(0, 2**31), sets=st.lists(ITEM, max_size=3),
       processes=st.none() | st.integers(-2, 99), data=st.none() | ITEM, as_json=st.booleans())
def test_the_launched_processes_parse_the_command_line_the_launcher_parsed(x, y, seeds, steps, first, sets, processes,
                                                                           data, as_json):
    argv = ["sweep", "--x", x, "--seeds", str(seeds)]
    for flag, value in (("--y", y), ("--steps", steps), ("--first-seed", first), ("--processes", processes),
                        ("--data", data)):
        argv += [] if value is None else [flag, str(value)]
    argv += [a for s in sets for a in ("--set", s)] + (["--json"] if as_json else [])
    parse = build_parser().parse_args
    assert vars(parse(experiments.sweep_argv(parse(argv)))) == vars(parse(argv))


@pytest.mark.parametrize("argv, fragment", [
    (["--processes", "0"], "--processes must be 1-64 (got 0)"),
    (["--processes", "65"], "--processes must be 1-64 (got 65)"),
    (["--processes", "2", "--x", "lr_d=fast"], "lr_d"),  # checked before any process starts
])
def test_bad_process_counts_and_maps_are_refused_in_one_line_before_launching(capsys, argv, fragment):
    with pytest.raises(SystemExit) as e:
        cli.main(["sweep", "--x", "lr_d=1e-3", "--steps", "10", *argv])
    err = capsys.readouterr().err
    assert e.value.code == 2 and fragment in err and len(err.strip().splitlines()) == 1


def test_the_cluster_variables_are_documented():
    text = open(os.path.join(os.path.dirname(__file__), "..", "docs", "cli.md"), encoding="utf-8").read()
    for name in ("GAN_VIZ_DISTRIBUTED", "JAX_COORDINATOR_ADDRESS", "SLURM_NTASKS", "SLURM_PROCID",
                 "OMPI_COMM_WORLD_SIZE", "JAX_NUM_CPU_DEVICES"):
        assert name in text, name


NOT_AN_INT = st.text(max_size=6).filter(lambda s: not re.fullmatch(r"[+-]?[0-9]+", s.strip()))  # as parse_int reads


@given(st.integers(-10**6, 0) | st.integers(65, 10**6) | NOT_AN_INT)
def test_any_process_count_but_1_to_64_is_refused_in_one_line(value):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as e:
        cli.main(["sweep", "--x", "lr_d=1e-3", "--processes", str(value)])
    assert e.value.code == 2 and len(err.getvalue().strip().splitlines()) == 1 and "gan-viz: error:" in err.getvalue()


def test_a_bad_job_variable_stops_the_command_in_one_line_before_jax_starts():
    env = {**os.environ, "XLA_FLAGS": "", "GAN_VIZ_DISTRIBUTED": "2 of 3"}
    proc = subprocess.run([sys.executable, "-m", "gan_viz", "presets"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == ("gan-viz: error: GAN_VIZ_DISTRIBUTED is auto or I/N, this process's number I of "
                                   "N processes, e.g. 0/2 (got '2 of 3')")
