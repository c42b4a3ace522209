"""The collapse map (gan_viz.lab.sweep): axes, cells equal to runs trained one at a time, diverged
runs masked, and the same cells whether the runs are spread over one device or four."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from gan_viz.core.config import Config, DataConfig, ModelConfig, TrainConfig, override
from gan_viz.lab import experiment, sweep

SMALL = Config(data=DataConfig(layout="ring", modes=8, radius=2.0, std=0.1),
               model=ModelConfig(g_width=16, d_width=16, g_depth=1, d_depth=1),
               train=TrainConfig(batch_size=32, lr_d=1e-3, lr_g=1e-3, k_d=1, k_g=1, steps=40, eval_every=10))


def test_parse_axis_lists_ranges_and_errors():
    assert sweep.parse_axis("lr_d=1e-3, 3e-3").values == ("1e-3", "3e-3")
    a = sweep.parse_axis("train.lr_g=1e-4:1e-1:4log")
    assert a.key == "lr_g" and np.allclose(a.values, [1e-4, 1e-3, 1e-2, 1e-1])
    assert np.allclose(sweep.parse_axis("r1_weight=0:1:3lin").values, [0, 0.5, 1])
    for bad, why in [("lr_d", "KEY=V1"), ("batch_size=8,16", "run-time setting"), ("lr_d=1e-4:1e-1:7", "log or lin"),
                     ("lr_d=0:1:3log", "positive"), ("lr_d=1e-4:1e-1:1log", "2 to 64"), ("lr_d= , ", "no values"),
                     ("lr_d=nan:1:3lin", "finite")]:
        with pytest.raises(ValueError, match=why):
            sweep.parse_axis(bad)


def test_cell_values_are_checked_and_coerced():
    x, y, cells = sweep.cell_configs(SMALL, sweep.parse_axis("lr_d=1e-3,2e-3"), sweep.parse_axis("k_g=1,3"))
    assert x.values == (1e-3, 2e-3) and y.values == (1, 3)
    assert [(c.train.lr_d, c.train.k_g) for c in cells] == [(1e-3, 1), (2e-3, 1), (1e-3, 3), (2e-3, 3)]
    with pytest.raises(ValueError, match="lr_d"):
        sweep.cell_configs(SMALL, sweep.parse_axis("lr_d=fast"), None)
    with pytest.raises(ValueError, match="both vary"):
        sweep.cell_configs(SMALL, sweep.parse_axis("k_g=1"), sweep.parse_axis("k_g=2"))


def test_cells_equal_the_same_settings_trained_one_at_a_time():
    # A GAN amplifies float rounding (a batched product may round differently from a single one),
    # so this compares a short budget, where the runs still agree to float precision.
    x, y = sweep.parse_axis("lr_d=1e-3,3e-3"), sweep.parse_axis("k_g=1,2")
    result = sweep.sweep(SMALL, x, y, seeds=2, first_seed=5)
    assert result.runs == 8 and result.seeds == [5, 6] and result.done == result.total == 4
    for cell in result.cells:
        cfg = override(override(SMALL, "train.lr_d", cell["x"]), "train.k_g", cell["y"])
        alone = [experiment.train(override(cfg, "seed", s)).summary for s in (5, 6)]
        for key in ("modes_captured", "hq_fraction", "reverse_kl", "hop_events"):
            assert cell[f"{key}_mean"] == pytest.approx(np.mean([a[key] for a in alone]), abs=1e-5), key
        assert cell["steps_mean"] == alone[0]["steps"]
        assert cell["diverged_fraction"] == 0.0


def test_an_unrolled_map_over_the_loss_trains_each_loss_in_its_own_group():
    # the unrolled GAN compiles its loss in, so a map over the loss groups its runs by loss
    cfg = override(override(SMALL, "train.unroll", 1), "train.steps", 10)
    assert sweep.group_keys(cfg) == sweep.LOOP_KEYS + ("loss",) and sweep.group_keys(SMALL) == sweep.LOOP_KEYS
    result = sweep.sweep(cfg, sweep.parse_axis("loss=minimax,least_squares"), None, seeds=1, first_seed=3)
    for cell in result.cells:
        alone = experiment.train(override(override(cfg, "train.loss", cell["x"]), "seed", 3)).summary
        assert cell["hq_fraction_mean"] == pytest.approx(alone["hq_fraction"], abs=1e-5)
        assert cell["steps_mean"] == alone["steps"]


def test_a_diverging_run_is_masked_and_the_others_go_on():
    cfg = override(override(SMALL, "train.optimizer", "sgd"), "train.loss", "least_squares")
    result = sweep.sweep(cfg, sweep.parse_axis("lr_d=1e-3,10"), None, seeds=2)
    ok, bad = result.cells
    assert ok["diverged_fraction"] == 0.0 and ok["modes_captured_mean"] is not None
    assert bad["diverged_fraction"] == 1.0
    assert bad["modes_captured_mean"] is None and bad["hq_fraction_mean"] is None
    alone = experiment.train(override(cfg, "train.lr_d", 1e-3)).summary
    assert ok["steps_mean"] == alone["steps"]


def test_partial_maps_fill_in_chunk_by_chunk():
    maps = list(sweep.sweep_iter(SMALL, sweep.parse_axis("lr_g=1e-3,1e-2"), seeds=1))
    assert [m.done for m in maps] == [1, 2, 3, 4] and all(m.total == 4 for m in maps)
    assert [m.cells[0]["steps_mean"] for m in maps] == [10, 20, 30, 40]
    assert maps[-1].grid("modes_captured_mean").shape == (1, 2)
    doc = json.loads(json.dumps(maps[-1].to_json()))
    assert set(doc) >= {"x", "y", "seeds", "steps", "cells", "runs", "wall_seconds", "steps_per_s_aggregate", "devices",
                        "processes"} and doc["processes"] == 1


_FOUR_DEVICES = """
import json, gan_viz
gan_viz.configure()  # keeps the 4 devices asked for in XLA_FLAGS
import jax
from gan_viz.core.config import Config, DataConfig, ModelConfig, TrainConfig
from gan_viz.lab import sweep
cfg = Config(data=DataConfig(layout="ring", modes=8, radius=2.0, std=0.1),
             model=ModelConfig(g_width=16, d_width=16, g_depth=1, d_depth=1),
             train=TrainConfig(batch_size=32, steps=40, eval_every=10))
x, y = sweep.parse_axis("lr_d=1e-3,3e-3,1e-2"), sweep.parse_axis("k_g=1,2")
out = {}
for name, devices in (("all", None), ("one", jax.devices()[:1])):
    r = sweep.sweep(cfg, x, y, seeds=3, devices=devices)
    out[name] = {"devices": r.devices, "cells": r.cells}
print(json.dumps(out))
"""


def test_four_devices_give_the_cells_of_one():
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4", "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run([sys.executable, "-c", _FOUR_DEVICES], capture_output=True, text=True, env=env, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["all"]["devices"] == 4 and out["one"]["devices"] == 1
    # Another sharding may batch, and so round, differently: a short budget (40 steps), where the
    # runs still agree to float precision, not a chaotic trajectory compared bit for bit.
    for a, b in zip(out["all"]["cells"], out["one"]["cells"]):
        assert a.keys() == b.keys()
        for k in a:
            if isinstance(a[k], float):
                assert a[k] == pytest.approx(b[k], abs=1e-5), k
            else:
                assert a[k] == b[k], k


def test_the_largest_seeds_run_and_one_more_is_refused_before_any_training():
    x = sweep.parse_axis("lr_d=1e-3")
    top = 2**31 - 1
    result = sweep.sweep(SMALL, x, seeds=2, first_seed=top - 1, steps=10)  # int32's last two seeds
    assert result.seeds == [top - 1, top] and result.cells[0]["steps_mean"] == 10
    for first, seeds in ((top, 2), (-1, 1), (0, 0)):
        with pytest.raises(ValueError, match="seed"):
            next(sweep.sweep_iter(SMALL, x, seeds=seeds, first_seed=first, steps=10))
