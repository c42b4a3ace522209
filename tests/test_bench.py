import json

import pytest

from gan_viz import cli
from gan_viz.cli import bench


def test_bench_json_has_the_documented_keys_and_no_recompiles(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["bench", "--quick", "--json"])
        raise SystemExit(0)
    assert (e.value.code or 0) == 0
    r = json.loads(capsys.readouterr().out)
    assert {"models", "compile_seconds", "cached_compile_seconds", "recompiles_on_hyperparameter_change"} <= set(r)
    assert [m["name"].split()[0] for m in r["models"]] == ["ganlab", "default"]
    for m in r["models"]:
        assert m["jax_steps_per_s"] > m["nojit_steps_per_s"] > 0
        assert m["torch_steps_per_s"] is None or m["torch_steps_per_s"] > 0
    assert r["recompiles_on_hyperparameter_change"] == 0
    assert r["compile_seconds"] > 0 and r["cached_compile_seconds"] > 0
    assert "JAX / PyTorch" in bench.format_report(r)
