"""Background jobs (the collapse map, Compare's start): a result, a one-line error or a stop,
whatever the script run that started them does meanwhile; and the live run of new shapes, built in
the background (``RunStarter``)."""

import os
import subprocess
import sys
import threading
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from gan_viz.core.config import Config, ModelConfig, TrainConfig
from gan_viz.lab import presets
from gan_viz.ui import jobs
from gan_viz.ui.jobs import RunStarter, shape_change
from gan_viz.ui.session import LiveRun, needs_reset


def test_a_job_returns_its_result_and_reports_progress_while_it_runs():
    go = threading.Event()

    def work(job):
        job.progress = 1
        go.wait(30)
        return 42

    job = jobs.Job(work)
    assert job.running and job.result is None
    go.set()
    assert job.wait(30) and not job.running
    assert (job.progress, job.result, job.error) == (1, 42, None)


@pytest.mark.parametrize("exc, line", [(ValueError("too many runs\nsecond line"), "too many runs"),
                                       (MemoryError("out of\nmemory"), "MemoryError: out of memory")])
def test_a_failing_job_reports_one_line(exc, line):
    def work(job):
        raise exc

    job = jobs.Job(work)
    assert job.wait(30) and job.result is None and job.error == line


def test_stop_ends_a_job_that_looks_at_it():
    def work(job):
        for i in range(10**9):
            job.progress = i
            if job.stop.is_set():
                return None
        return "finished"

    job = jobs.Job(work)
    job.stop.set()
    assert job.wait(30) and job.result is None and job.error is None and job.progress < 10**9 - 1


# -- RunStarter: new shapes compile in the background ------------------------------------------

SMALL = Config(model=ModelConfig(g_width=8, d_width=8, g_depth=1, d_depth=1), train=TrainConfig(batch_size=16))


def starter_of(prepare):
    """A RunStarter of the app's kind: ``LiveRun``s on a 16 x 16 grid, ``prepare``d when built."""
    def build(config):
        run = LiveRun(config, 16)
        prepare(run)
        return run

    return RunStarter(build, resets=needs_reset)


def gated_starter():
    """A RunStarter whose builds wait at ``gate`` once their run exists; ``built`` lists their seeds."""
    gate, built = threading.Event(), []

    def prepare(run):
        built.append(run.config.seed)
        assert gate.wait(120)

    return starter_of(prepare), gate, built


def test_a_new_run_builds_in_the_background_and_the_newest_request_wins():
    starter, gate, built = gated_starter()
    a, b, c = (replace(SMALL, seed=s) for s in (1, 2, 3))
    starter.request(a, what="seed 1")
    assert starter.building and not starter.ready and starter.take() is None  # returned at once
    starter.request(b)
    starter.request(c)  # b waited; c replaces it
    starter.request(replace(c, train=replace(c.train, lr_d=1e-4)))  # a live setting: still c's run
    assert starter.wanted is c
    gate.set()
    assert starter.wait(120)
    run = starter.take()
    assert run is not None and run.config == c and built == [1, 3]  # a built and dropped, b never
    assert starter.take() is None and not starter.building
    assert run.advance(1) == run.round_steps  # the run it hands over trains


def test_a_build_that_fails_reports_one_line_and_is_not_retried():
    calls = []

    def prepare(run):
        calls.append(run.config.seed)
        raise RuntimeError("RESOURCE_EXHAUSTED: out of memory while compiling\n<XLA's long trace>")

    starter = starter_of(prepare)
    starter.request(SMALL)
    assert starter.wait(120)
    assert starter.take() is None and not starter.building
    assert starter.failed == (SMALL, "RESOURCE_EXHAUSTED: out of memory while compiling")
    starter.request(SMALL)  # the same settings again: not rebuilt
    assert starter.wait(120) and calls == [SMALL.seed]
    starter.request(replace(SMALL, seed=9))  # others are tried
    assert starter.wait(120) and calls == [SMALL.seed, 9]


def test_a_cancelled_build_ends_unseen():
    starter, gate, built = gated_starter()
    starter.request(replace(SMALL, seed=4))
    starter.cancel()
    assert not starter.building
    gate.set()
    assert starter.wait(120) and starter.take() is None


@settings(max_examples=8, deadline=None)
@given(hs.lists(hs.integers(0, 2), min_size=1, max_size=5))
def test_any_sequence_of_requests_builds_at_most_the_first_and_the_last(seeds):
    # while the first build runs, requests only replace the one waiting: at most two builds,
    # and the run handed over is the last one asked for
    starter, gate, built = gated_starter()
    for s in seeds:
        starter.request(replace(SMALL, seed=s))
    gate.set()
    assert starter.wait(120)
    run = starter.take()
    assert run.config.seed == seeds[-1]
    assert built == ([seeds[0]] if seeds[-1] == seeds[0] else [seeds[0], seeds[-1]])


def test_shape_change_names_the_compiled_keys_that_changed():
    base = presets.get("ring8-hopping")
    deep = replace(base, model=replace(base.model, g_depth=8), train=replace(base.train, unroll=19, lr_d=0.1))
    assert shape_change(base, deep) == "model.g_depth = 8, train.unroll = 19"  # lr_d is live: not named
    assert shape_change(base, replace(base, data=replace(base.data, modes=5))) == "the new data's shapes"


EXIT_MID_COMPILE = """
import sys, threading, time
from dataclasses import replace
from gan_viz.core.config import Config, ModelConfig, TrainConfig
from gan_viz.ui.jobs import RunStarter
from gan_viz.ui.session import LiveRun, needs_reset
inside = threading.Event()
def prepare(run):
    inside.set()
    run.warm_up()  # several seconds of XLA compilation, in the background thread
cfg = Config(model=ModelConfig(g_depth=8, d_depth=8, g_width=%d), train=TrainConfig(unroll=20, batch_size=8))
def build(config):
    run = LiveRun(config, 16)
    prepare(run)
    return run
starter = RunStarter(build, resets=needs_reset)
starter.request(cfg)
assert inside.wait(300)
time.sleep(0.5)  # well inside the compilation: the main thread now ends, as a stopped server's does
print("main thread done", flush=True)
"""


def test_the_process_exits_cleanly_and_promptly_while_a_background_compilation_runs():
    # Killing a thread that is inside XLA at interpreter shutdown aborted the server ("terminate
    # called ... FATAL: exception not rethrown"); exiting now waits jobs.SHUTDOWN_WAIT, then leaves.
    # A width no other test compiles, so the persistent cache has nothing to give.
    width = 8 + int.from_bytes(os.urandom(2), "little") % 500
    proc = subprocess.run([sys.executable, "-c", EXIT_MID_COMPILE % width], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "JAX_PLATFORMS": "cpu"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "main thread done" in proc.stdout
    assert "terminate called" not in proc.stderr and "FATAL" not in proc.stderr
