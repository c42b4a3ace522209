"""The benchmark's structure and its recompilation count; its speeds are measured, never asserted
(`gan-viz bench` reports them; a unit test on a shared 2-core machine cannot judge them)."""

import json
import math
import sys

import pytest

from gan_viz import cli
from gan_viz.cli import bench, bench_peers
from gan_viz.core.config import Config, ModelConfig, TrainConfig

TINY = Config(model=ModelConfig(g_width=8, d_width=8, g_depth=1, d_depth=1), train=TrainConfig(batch_size=16))

MODEL_KEYS = {"name", "jax_steps_per_s", "nojit_steps_per_s", "jax_step_loop_steps_per_s", "torch_steps_per_s",
              "torch_compile_steps_per_s", "torch_compile_seconds", "jax_vs_step_loop", "jax_vs_torch",
              "jax_vs_torch_compile"}
NEEDS_TORCH = "torch is missing: the suite needs the peers extra (scripts/test.sh: pip install -e '.[peers]')"


def is_rate(x) -> bool:
    return isinstance(x, float) and math.isfinite(x) and x > 0


def test_changing_every_live_hyperparameter_compiles_nothing_new():
    assert bench.recompiles_on_hyperparameter_change(TINY) == 0


def test_format_report_shows_every_model_and_the_compile_figures():
    report = {
        "models": [{"name": "ganlab (batch 64, 1x16)", "jax_steps_per_s": 12000.0, "nojit_steps_per_s": 8.5,
                    "jax_step_loop_steps_per_s": 4000.0, "torch_steps_per_s": 500.0, "torch_compile_steps_per_s": 300.0,
                    "torch_compile_seconds": 12.34, "jax_vs_step_loop": 3.0, "jax_vs_torch": 24.0,
                    "jax_vs_torch_compile": 40.0}],
        "compile_seconds": 4.0, "cached_compile_seconds": 1.5, "recompiles_on_hyperparameter_change": 0,
        "cpu_count": 2, "jax_version": "0.0", "torch_version": "9.9", "torch_threads": 2, "peer_notes": [],
    }
    report["models"].append({"name": "unrolled 5 (default)", "jax_steps_per_s": 1500.0, "nojit_steps_per_s": None,
                             **bench_peers.NO_PEERS, "unroll": 5, "g_step_in_d_steps": 5.7})
    report["floors"] = bench_peers.floors(report["models"])
    text = bench.format_report(report)
    assert "| ganlab (batch 64, 1x16) | 12,000 | 8.5 | 4,000 | 3.0x | 500 | 24.0x | 300 | 40.0x |" in text
    assert "| unrolled 5 (default) | 1,500 | n/a | n/a | n/a | n/a | n/a | n/a | n/a |" in text
    assert "ganlab (batch 64, 1x16) / PyTorch eager: 24.0x, floor 30x: NOT met" in text
    assert "ganlab (batch 64, 1x16) / torch.compile: 40.0x, floor 3x: met" in text
    assert "ganlab (batch 64, 1x16) / JAX's jitted step loop: 3.0x, floor 3x: met" in text
    assert "default / PyTorch eager: n/a, floor 10x: not measured" in text  # no default model in this report
    assert "torch.compile's first round from cold (empty Inductor cache; " in text and ": 12.3 s at ganlab" in text
    assert "(torch 9.9, 2 CPU threads)" in text
    assert "first-call compile: 4.00 s cold, 1.50 s with the persistent cache" in text
    report["compile"] = [{"name": "default preset", "cold_seconds": 4.0, "cached_seconds": 1.5},
                         {"name": "unrolled 5 (default)", "cold_seconds": 12.5, "cached_seconds": 1.25}]
    report["compile_floor"] = bench.compile_floor(report["compile"])
    text = bench.format_report(report)
    assert "first-call compile of unrolled 5 (default): 12.50 s cold, 1.25 s with the persistent cache" in text
    assert "the unrolled GAN's cold compile: 12.5 s, floor 10 s: NOT met" in text
    assert "an unrolled G step (5 look-ahead D steps) costs 5.7 plain D steps (6 expected)" in text
    assert "4.00 s cold, 1.50 s with the persistent cache" in text
    assert "loss: 0" in text
    report["frame_ms"] = 1.234
    assert "frame of one round and its picture at GAN Lab's size: 1.23 ms" in bench.format_report(report)
    report["sweep"] = {"runs": 64, "aggregate_steps_per_s": 25000.0, "single_run_steps_per_s": 6000.0,
                       "speedup": 25000 / 6000, "devices": 2,
                       "more": [{"runs": 256, "aggregate_steps_per_s": 22000.0, "single_run_steps_per_s": 6000.0,
                                 "speedup": 22000 / 6000}],
                       "ceiling": {"flops_per_step": 1.0e6, "single_run_gflops": 6.0, "matmul_gflops": 120.0,
                                   "speedup_bound": 20.0}}
    text = bench.format_report(report)
    assert "64 runs 25,000 steps/s in all, 4.2x one run's 6,000" in text and "256 runs 22,000" in text
    assert "1.00 MFLOP a step, 6.0 GFLOP/s" in text and "reaches 120 GFLOP/s" in text and "at most 20.0x" in text


def test_the_jitted_step_loop_trains_tiny_rounds_at_a_rate():
    """Plain JAX's step loop (``bench_peers``) at a tiny size: a finite positive rate, far above the
    same round without jit (compiling once, then ~100 us a round even on a loaded 2-core CPU)."""
    from gan_viz.cli import bench_peers

    rate = bench_peers.jax_step_loop_rate(TINY, 0.2)
    assert is_rate(rate) and rate > 200


def test_interleaved_times_loops_in_turns_and_keeps_each_ones_median():
    """Each window times every loop once, in the given order, and a loop's rate is the median of
    its windows (steps a call times calls a second): a window slowed by the machine does not
    move it."""
    calls = []
    slow = {"a": {2}, "b": set()}  # loop a's third window takes 4 s, the others 1 s

    def loop(name, steps):
        def fn(n):
            calls.append(name)
        return bench_peers.Loop(fn, 10, steps)

    def fake_rate(fn, n, seconds, warm=True):
        fn(n)
        window = sum(1 for c in calls if c == calls[-1]) - 2  # this loop's window index (after its warm-up)
        return n / (4.0 if window in slow[calls[-1]] else 1.0)

    import unittest.mock
    with unittest.mock.patch.object(bench_peers, "time_rate", fake_rate):
        rates = bench_peers.interleaved({"a": loop("a", 2), "b": loop("b", 3)}, seconds=1.0, windows=5)
    assert calls == ["a", "b"] + ["a", "b"] * 5  # a warm-up each, then turns
    assert rates == {"a": 20.0, "b": 30.0}


def test_floors_are_the_issues_ratios_held_to_this_runs_quotients():
    models = [{"name": "ganlab (batch 64, 1x16)", "jax_vs_torch": 30.0, "jax_vs_torch_compile": 2.9,
               "jax_vs_step_loop": None},
              {"name": "default (batch 64, 2x32)", "jax_vs_torch": 10.5}]
    got = {(f["model"].split()[0], f["peer"]): (f["floor"], f["ratio"], f["met"]) for f in bench_peers.floors(models)}
    assert got == {("ganlab", "PyTorch eager"): (30.0, 30.0, True), ("ganlab", "torch.compile"): (3.0, 2.9, False),
                   ("ganlab", "JAX's jitted step loop"): (3.0, None, None),
                   ("default", "PyTorch eager"): (10.0, 10.5, True)}


def test_torch_peers_train_tiny_rounds_and_the_ratios_are_the_quotients():
    """PyTorch eager and torch.compile at a tiny size (the suite installs the peers extra; this
    machine has g++): finite positive rates, a compile time, and the trainer's rate over each."""
    try:
        import torch
    except ImportError:
        pytest.fail(NEEDS_TORCH)
    assert bench_peers.peer_notes() == [] and bench_peers.torch_info()["torch_version"] == torch.__version__
    threads = torch.get_num_threads()
    r = bench_peers.peer_rates(TINY, 0.2, bench.jax_loop(TINY), windows=3)
    assert torch.get_num_threads() == threads  # timed with TORCH_THREADS, then set back
    assert set(r) == {"jax_steps_per_s", *bench_peers.PEER_KEYS}
    trainer = r["jax_steps_per_s"]
    for peer, ratio in (("jax_step_loop_steps_per_s", "jax_vs_step_loop"), ("torch_steps_per_s", "jax_vs_torch"),
                        ("torch_compile_steps_per_s", "jax_vs_torch_compile")):
        assert is_rate(r[peer]) and r[ratio] == trainer / r[peer]
    assert is_rate(r["torch_compile_seconds"])


def test_without_torch_the_peer_columns_are_none_and_the_report_says_how_to_install_them(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # ``import torch`` raises ImportError
    assert bench_peers.torch_rate(TINY, 0.2) is None and bench_peers.torch_compile_rate(TINY, 0.2) == (None, None)
    models = [{"name": "ganlab (batch 64, 1x16)", "nojit_steps_per_s": 7.0,
               **bench_peers.peer_rates(TINY, 0.2, bench.jax_loop(TINY), windows=1)}]
    assert [models[0][k] for k in bench_peers.PEER_KEYS if "torch" in k] == [None] * 5
    report = {"models": models, "floors": bench_peers.floors(models), "peer_notes": bench_peers.peer_notes(),
              **bench_peers.torch_info(), "compile_seconds": 4.0, "cached_compile_seconds": 1.5,
              "recompiles_on_hyperparameter_change": 0, "cpu_count": 2, "jax_version": "0.0"}
    assert report["torch_version"] is None and all(f["met"] is None for f in report["floors"][:2])
    text = bench.format_report(report)
    assert is_rate(models[0]["jax_steps_per_s"]) and models[0]["jax_vs_step_loop"] is not None
    assert "| 7.0 | " in text and "| n/a | n/a | n/a | n/a |" in text
    assert bench_peers.TORCH_MISSING in text
    assert "torch is not installed, so the PyTorch columns are not measured: pip install -e '.[peers]'" in text
    assert "ganlab (batch 64, 1x16) / PyTorch eager: n/a, floor 30x: not measured" in text


def test_without_a_cpp_compiler_torch_compile_is_none_and_says_why():
    """Inductor finds its compiler through ``cpp.cxx`` (g++, or $CXX): pointed at none, no compile."""
    try:
        from torch._inductor import config
    except ImportError:
        pytest.fail(NEEDS_TORCH)
    with config.patch({"cpp.cxx": (None, "/nonexistent/g++")}):
        assert bench_peers.torch_compile_rate(TINY, 0.2) == (None, None)
        assert bench_peers.peer_notes() == ["no C++ compiler, so torch.compile is not measured: its CPU backend "
                                            "(Inductor) compiles with g++ or $CXX (Debian: apt-get install g++)"]
    assert bench_peers.compile_missing() is None


def products(b: int, sizes: list[tuple[int, int]], inputs_too: bool = False) -> int:
    """FLOPs of the weight-gradient (or forward) products of an MLP on a batch of ``b``: 2 b n_in n_out
    a layer; with ``inputs_too``, plus the input-gradient products of every layer but the first."""
    return 2 * b * sum(i * o for i, o in sizes) + (2 * b * sum(i * o for i, o in sizes[1:]) if inputs_too else 0)


def test_flops_per_step_is_the_networks_products_plus_a_little():
    """At the default preset's size (batch 64, 2 x 32, latent 2) the matrix products are most of a
    step: XLA's count is at least a hand count of them, and not much more."""
    name, cfg = bench.model_sizes()[1]
    b, m = cfg.train.batch_size, cfg.model
    g = [(2, m.g_width)] + [(m.g_width, m.g_width)] * (m.g_depth - 1) + [(m.g_width, 2)]
    d = [(2, m.d_width)] + [(m.d_width, m.d_width)] * (m.d_depth - 1) + [(m.d_width, 1)]
    # D step: G forward; D forward on real and fake (2b); D backward on both (weights, hidden inputs)
    d_step = products(b, g) + products(2 * b, d) + products(2 * b, d, inputs_too=True)
    # G step: G forward; D forward on fakes; D backward to x (every layer's input); G backward
    g_step = products(b, g) + 2 * products(b, d) + products(b, g, inputs_too=True)
    hand = (d_step + g_step) / 2
    assert hand == 856_064 and name.startswith("default (batch 64, 2x32)")
    assert hand <= bench.flops_per_step(cfg) < 1.5 * hand


@pytest.mark.slow  # times both models (torch.compile compiling each) and compiles twice in fresh processes: minutes
def test_bench_json_has_the_documented_keys_and_no_recompiles(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["bench", "--quick", "--json"])
        raise SystemExit(0)
    assert (e.value.code or 0) == 0
    r = json.loads(capsys.readouterr().out)
    assert {"models", "compile_seconds", "cached_compile_seconds", "recompiles_on_hyperparameter_change"} <= set(r)
    assert [m["name"].split()[0] for m in r["models"]] == ["ganlab", "default", "unrolled"]
    sw = r["sweep"]
    assert sw["runs"] == 64 and [m["runs"] for m in sw["more"]] == [256] and sw["devices"] >= 1
    assert is_rate(sw["aggregate_steps_per_s"]) and sw["speedup"] == sw["aggregate_steps_per_s"] / sw[
        "single_run_steps_per_s"]
    c = sw["ceiling"]
    assert is_rate(c["flops_per_step"]) and is_rate(c["matmul_gflops"])
    assert math.isclose(c["single_run_gflops"], c["flops_per_step"] * sw["single_run_steps_per_s"] / 1e9)
    assert math.isclose(c["speedup_bound"], c["matmul_gflops"] / c["single_run_gflops"])
    *plain, unrolled = r["models"]
    for m in plain:
        assert set(m) == MODEL_KEYS
        assert is_rate(m["jax_steps_per_s"]) and is_rate(m["nojit_steps_per_s"])
        assert is_rate(m["jax_step_loop_steps_per_s"]) and m["nojit_steps_per_s"] < m["jax_step_loop_steps_per_s"]
        for peer in ("torch_steps_per_s", "torch_compile_steps_per_s", "torch_compile_seconds"):
            assert is_rate(m[peer]), NEEDS_TORCH  # the suite installs the peers extra; this machine has g++
        assert m["jax_vs_torch_compile"] == m["jax_steps_per_s"] / m["torch_compile_steps_per_s"]
    assert [(f["model"], f["floor"]) for f in r["floors"]] == [(plain[0]["name"], 30.0), (plain[0]["name"], 3.0),
                                                               (plain[0]["name"], 3.0), (plain[1]["name"], 10.0)]
    assert all(f["met"] == (f["ratio"] >= f["floor"]) for f in r["floors"]) and r["peer_notes"] == []
    assert set(unrolled) == MODEL_KEYS | {"unroll", "g_step_in_d_steps"} and is_rate(unrolled["jax_steps_per_s"])
    # a timing, so only its order is tested: an unrolled G step runs its look-ahead D steps forward
    # and backward and then differentiates them again, about 3 passes over each, plus its own step
    # (17-18 D steps for 5 at full length, quiet, once a plain D step lost its per-operation costs)
    assert 1 < unrolled["g_step_in_d_steps"] < 4 * (unrolled["unroll"] + 1)
    assert r["recompiles_on_hyperparameter_change"] == 0
    assert r["platform"] == "cpu" and r["device_kind"] == "cpu"  # the suite runs JAX on the CPU (conftest.py)
    assert is_rate(r["frame_ms"])
    assert is_rate(r["compile_seconds"]) and is_rate(r["cached_compile_seconds"])
    assert [c["name"] for c in r["compile"]] == ["default preset", "ganlab", "default", "unrolled 5 (default)"]
    assert all(is_rate(c["cold_seconds"]) and is_rate(c["cached_seconds"]) for c in r["compile"])
    assert r["compile"][0]["cold_seconds"] == r["compile_seconds"]
    f = r["compile_floor"]
    assert f["cold_seconds"] == r["compile"][-1]["cold_seconds"] and f["met"] == (f["cold_seconds"] <= 10.0)
    assert "JAX / PyTorch" in bench.format_report(r) and "JAX / torch.compile" in bench.format_report(r)


def test_bench_ui_report_lists_every_session_and_the_health_check():
    from gan_viz.cli import bench_ui

    per = [{"fps": 5.0, "steps_per_s": 900.0, "errors": 0}, {"fps": 4.0, "steps_per_s": 700.0, "errors": 0},
           {"fps": 6.0, "steps_per_s": 1100.0, "errors": 0}]
    r = {"preset": "grid25", "pace": 500.0, "fps": 16.0,
         "steps_per_s": 2300.0, "mb_per_session": 3.0, "server_mb_two_sessions": 900.0,
         "seconds": 10.0, "sessions": 3, "per_session": per, "all_playing": True, "errors": 0, "health_ok": True}
    text = bench_ui.format_report(r)
    assert "all 3 sessions playing at once" in text and "min 4.0 / median 5.0 / max 6.0" in text
    assert "steps/s min 700 / median 900 / max 1,100" in text and "health afterwards: ok" in text
    assert "(grid25, 500 steps/s pace," in text
    with pytest.raises(ValueError, match="sessions must be >= 3"):
        bench_ui.run(sessions=2)
