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


def test_bench_ui_report_lists_every_session_and_the_health_check():
    from gan_viz.cli import bench_ui

    per = [{"fps": 5.0, "steps_per_s": 900.0, "errors": 0}, {"fps": 4.0, "steps_per_s": 700.0, "errors": 0},
           {"fps": 6.0, "steps_per_s": 1100.0, "errors": 0}]
    r = {"fps": 16.0, "steps_per_s": 2300.0, "mb_per_session": 3.0, "server_mb_two_sessions": 900.0,
         "seconds": 10.0, "sessions": 3, "per_session": per, "all_playing": True, "errors": 0, "health_ok": True}
    text = bench_ui.format_report(r)
    assert "all 3 sessions playing at once" in text and "min 4.0 / median 5.0 / max 6.0" in text
    assert "steps/s min 700 / median 900 / max 1,100" in text and "health afterwards: ok" in text
    with pytest.raises(ValueError, match="sessions must be >= 3"):
        bench_ui.run(sessions=2)
