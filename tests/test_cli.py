import json
import subprocess
import sys

import numpy as np
import pytest

from gan_viz import cli
from gan_viz.core import config


def run_cli(capsys, *argv):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(argv))
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_info.value.code or 0, out.out, out.err


def test_presets_lists_names_and_descriptions(capsys):
    code, out, _ = run_cli(capsys, "presets", "--json")
    rows = json.loads(out)
    names = {r["name"] for r in rows}
    assert {"ring8-hopping", "ring8-healthy", "grid25", "vanishing-gradient", "counterexample"} <= names
    assert all(r["description"] for r in rows)
    code, out, _ = run_cli(capsys, "presets")
    assert code == 0 and "ring8-hopping" in out


def test_config_shows_every_key(capsys):
    code, out, _ = run_cli(capsys, "config", "--preset", "grid25", "--json")
    d = json.loads(out)
    assert d["data"]["layout"] == "grid" and d["data"]["grid_n"] == 5
    flat = ["seed"] + [f"{s}.{k}" for s in ("data", "model", "train", "view") for k in d[s]]
    assert sorted(flat) == sorted(config.keys())


def test_train_json_has_the_documented_keys(capsys):
    code, out, _ = run_cli(capsys, "train", "--preset", "ring8-healthy", "--steps", "30",
                           "--set", "train.eval_every=10", "--set", "model.g_width=16",
                           "--set", "model.d_width=16", "--json")
    assert code == 0
    d = json.loads(out)
    for key in ("modes_captured", "hq_fraction", "reverse_kl", "jsd", "value", "hop_events", "steps",
                "wall_seconds", "steps_per_second", "diverged"):
        assert key in d
    assert d["steps"] == 30 and d["diverged"] is False
    assert 0 <= d["jsd"] <= np.log(2) + 1e-6


@pytest.mark.parametrize("argv, fragment", [
    (["train", "--set", "train.nope=1"], "unknown config key 'train.nope'"),
    (["train", "--set", "train.lr_d=fast"], "bad value for train.lr_d"),
    (["train", "--preset", "nope"], "unknown preset 'nope'"),
    (["train", "--bogus"], "unrecognized arguments"),
    (["config", "--preset", "grid25", "--set", "data.std=-2"], "data.std must be in"),
])
def test_bad_input_exits_nonzero_with_one_line(capsys, argv, fragment):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert fragment in err
    assert len(err.strip().splitlines()) == 1


def test_evaluate_scores_external_samples(tmp_path, capsys):
    import jax

    from gan_viz.core import data
    from gan_viz.lab import presets

    mix = presets.get("ring8-healthy").data.mixture()
    x = np.asarray(data.sample(mix, jax.random.PRNGKey(0), 2500))
    npy = tmp_path / "s.npy"
    np.save(npy, x)
    csv = tmp_path / "s.csv"
    csv.write_text("x,y\n" + "\n".join(f"{a},{b}" for a, b in x))
    for path in (npy, csv):
        code, out, _ = run_cli(capsys, "evaluate", "--preset", "ring8-healthy", "--samples", str(path), "--json")
        d = json.loads(out)
        assert code == 0 and d["modes_captured"] == 8 and d["hq_fraction"] > 0.97 and d["jsd"] < 0.02
        assert d["samples"] == 2500


@pytest.mark.parametrize("content, fragment", [
    ("1,2,3\n4,5,6\n", "shape (n, 2)"),
    ("1,2\nfoo,bar\n", "cannot read samples"),
    ("1,2\nnan,3\n", "non-finite"),
    ("", "shape (n, 2)"),
])
def test_evaluate_rejects_malformed_files(tmp_path, capsys, content, fragment):
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    code, _, err = run_cli(capsys, "evaluate", "--samples", str(bad))
    assert code == 2 and fragment in err


def test_evaluate_missing_file(capsys):
    code, _, err = run_cli(capsys, "evaluate", "--samples", "/nonexistent.npy")
    assert code == 2 and "no such file" in err


def test_console_entry_points_run():
    out = subprocess.run([sys.executable, "-m", "gan_viz", "presets"], capture_output=True, text=True, check=True)
    assert "ring8-hopping" in out.stdout
