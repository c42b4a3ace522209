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
    for key in ("modes_captured", "hq_fraction", "reverse_kl", "jsd", "value", "hop_events", "mean_dwell_steps",
                "collapsed_hq_fraction", "steps", "wall_seconds", "steps_per_second", "diverged"):
        assert key in d
    assert d["steps"] == 30 and d["diverged"] is False
    assert isinstance(d["jsd"], float) and isinstance(d["hop_events"], int)  # the estimator: test_metrics


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
        assert code == 0 and d["modes_captured"] == 8 and d["jsd"] < 0.002
        assert d["hq_fraction"] == pytest.approx(1 - np.exp(-4.5), abs=0.01)  # P(chi2_2 < 9)
        assert d["samples"] == 2500


@pytest.mark.parametrize("content, fragment", [
    ("1,2,3\n4,5,6\n", "line 1: expected two numbers x,y"),
    ("1,2\nfoo,bar\n", "line 2: expected two numbers"),
    ("1,2\nnan,3\n", "non-finite"),
    ("1,2\n1e39,3\n", "beyond float32's range"),
    ("", "holds no samples"),
    ("x,y\n", "holds no samples"),
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


def test_evaluate_prints_a_text_summary_for_samples(tmp_path, capsys):
    csv = tmp_path / "s.csv"
    csv.write_text("2,0\n0,2\n-2,0\n")
    code, out, err = run_cli(capsys, "evaluate", "--preset", "ring8-healthy", "--samples", str(csv))
    assert code == 0 and err == ""
    assert "samples scored    3" in out and "modes captured    3 / 8" in out


def _npz_renamed(path) -> None:
    np.savez(path.with_suffix(".npz"), a=np.zeros((3, 2)))
    path.with_suffix(".npz").rename(path)


def _npy_with_header(path, header: dict, payload: bytes = b"") -> None:
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, header)
        f.write(payload)


@pytest.mark.parametrize("make, fragment", [
    (lambda p: _npz_renamed(p), "not a .npy file"),
    (lambda p: _npy_with_header(p, {"descr": "<f8", "fortran_order": False, "shape": (10**11, 2)}),
     "at most 100,000 are read"),
    (lambda p: _npy_with_header(p, {"descr": "<f8", "fortran_order": False, "shape": (1000, 2)}, b"\0" * 64),
     "truncated"),
    (lambda p: np.save(p, np.array([["a", "b"]])), "samples must be numbers"),
    (lambda p: np.save(p, np.array([[1 + 2j, 0]])), "samples must be numbers"),
    (lambda p: np.save(p, np.array([[1e300, 0.0]])), "beyond float32's range"),
    (lambda p: np.save(p, np.zeros((4, 3))), "shape (n, 2)"),
    (lambda p: p.write_bytes(b"\x93NUMPY\x01\x00\xff\x00garbage"), "bad .npy header"),
])
def test_evaluate_refuses_hostile_npy_files_with_one_line(tmp_path, capsys, make, fragment):
    path = tmp_path / "s.npy"
    make(path)
    code, _, err = run_cli(capsys, "evaluate", "--samples", str(path))
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, fragment", [
    (["bench-ui", "--seconds", "-1"], "--seconds must be a positive number"),
    (["bench-ui", "--seconds", "nan"], "--seconds must be a positive number"),
    (["bench-ui", "--sessions", "0"], "--sessions must be >= 3"),
    (["app", "--port", "99999"], "--port must be in [1, 65535]"),
    (["app", "--lecture", "nope.toml"], "--lecture: no lecture 'nope.toml': not a packaged script"),
])
def test_bad_command_arguments_exit_with_one_line(capsys, argv, fragment):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1


def test_ctrl_c_during_train_stops_cleanly_and_reports_what_was_done(capsys, monkeypatch):
    from gan_viz.core.trainer import Trainer

    real_run, calls = Trainer.run, []

    def run_then_interrupt(self, state, hyper, mixture, n):
        calls.append(n)
        if len(calls) == 4:  # the compile call, two evaluation intervals, then Ctrl+C
            raise KeyboardInterrupt
        return real_run(self, state, hyper, mixture, n)

    monkeypatch.setattr(Trainer, "run", run_then_interrupt)
    code, out, err = run_cli(capsys, "train", "--preset", "ring8-healthy", "--steps", "100",
                             "--set", "train.eval_every=10", "--set", "model.g_width=16", "--set", "model.d_width=16")
    assert code == 130 and "Traceback" not in err
    assert "steps             20" in out and "INTERRUPTED" in out


@pytest.mark.parametrize("argv, fragment", [
    (["soak", "--steps", "100"], "--steps must be more than 20,000"),
    (["soak", "--interval", "0"], "--interval must be a positive number"),
    (["soak", "--pace", "fast"], "--pace must be a number of training steps/s or max"),
    (["soak", "--pace", "0"], "view.pace must be in [1, 1000000]"),
    (["soak", "--preset", "nope"], "unknown preset 'nope'"),
])
def test_soak_refuses_bad_arguments_in_one_line(capsys, argv, fragment):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1


def test_soak_report_says_whether_memory_and_history_held():
    from gan_viz.cli import soak

    r = {"preset": "ring8-hopping", "pace": 1e6, "steps": 1_000_200, "seconds": 500.0,
         "server_mb_after_warmup": 700.0, "warmup_step": 20_400,
         "server_mb_end": 714.0, "growth_pct": 2.0, "history_points_max": 400, "history_bounded": True,
         "errors": 0, "health_ok": True}
    text = soak.format_report(r)
    assert "1,000,200" in text and "(ring8-hopping, max pace)" in text and "(+2.0 %)" in text
    assert "bound 400: held" in text and "health afterwards: ok" in text


@pytest.mark.parametrize("argv, line", [
    # the exact lines printed before the one-line errors moved into an ArgumentParser subclass
    ([], "the following arguments are required: command"),
    (["train", "--nope"], "unrecognized arguments: --nope"),
    (["train", "--seed", "x"], "argument --seed: invalid int value: 'x'"),  # raised by the sub-command's parser
])
def test_usage_errors_are_one_line_with_status_2(capsys, argv, line):
    code, out, err = run_cli(capsys, *argv)
    assert (code, out, err) == (2, "", f"gan-viz: error: {line} (see `gan-viz --help`)\n")


SWEEP_CELL_KEYS = {"x", "y", "modes_captured_mean", "hq_fraction_mean", "hop_events_mean", "collapsed_fraction",
                   "diverged_fraction"}


def test_sweep_json_has_the_documented_keys_and_a_table_without_json(capsys):
    small = ["--preset", "ring8-healthy", "--set", "model.g_width=16", "--set", "model.d_width=16",
             "--set", "train.eval_every=10", "--steps", "20", "--seeds", "2"]
    code, out, _ = run_cli(capsys, "sweep", "--x", "lr_d=1e-4:1e-2:3log", "--y", "k_g=1,2", *small, "--json")
    r = json.loads(out)
    assert code == 0
    assert {"x", "y", "seeds", "steps", "cells", "runs", "wall_seconds", "steps_per_s_aggregate", "devices",
            "processes"} <= set(r) and r["processes"] == 1
    assert r["x"]["key"] == "lr_d" and np.allclose(r["x"]["values"], [1e-4, 1e-3, 1e-2])
    assert r["y"] == {"key": "k_g", "values": [1, 2]} and r["runs"] == 12 and r["seeds"] == [0, 1]
    assert len(r["cells"]) == 6 and all(SWEEP_CELL_KEYS <= set(c) for c in r["cells"])
    code, out, _ = run_cli(capsys, "sweep", "--x", "k_d=1,2", *small)
    assert code == 0 and "4 runs (2 seeds)" in out and "collapsed" in out


@pytest.mark.parametrize("argv, fragment", [
    (["--x", "lr_d=1e-4:1e-1:7"], "followed by log or lin"),
    (["--x", "batch_size=8"], "run-time setting"),
    (["--x", "lr_d=1e-3", "--seeds", "0"], "seeds must be"),
    (["--x", "lr_d=-1"], "train.lr_d must be"),
])
def test_sweep_refuses_bad_axes_in_one_line(capsys, argv, fragment):
    code, out, err = run_cli(capsys, "sweep", *argv)
    assert code == 2 and fragment in err and err.count("\n") == 1


def test_train_on_your_own_points_fits_their_modes_and_refuses_a_bad_file(capsys, tmp_path):
    rng = np.random.default_rng(2)
    centres = np.array([[0.0, 0.0], [2.0, 2.0], [-2.0, 2.0]])
    pts = centres[rng.integers(3, size=500)] + 0.1 * rng.normal(size=(500, 2))
    f = tmp_path / "three.npy"
    np.save(f, pts)
    code, out, _ = run_cli(capsys, "train", "--preset", "ring8-healthy", "--data", str(f), "--steps", "200", "--json")
    s = json.loads(out)
    assert code == 0 and s["num_modes"] == 3  # K = 3 chosen by BIC
    code, out, _ = run_cli(capsys, "train", "--preset", "ring8-healthy", "--data", str(f), "--steps", "200",
                           "--set", "data.modes=2", "--json")
    assert code == 0 and json.loads(out)["num_modes"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3\n")
    code, _, err = run_cli(capsys, "train", "--data", str(bad))
    assert code == 2 and "line 2" in err and len(err.strip().splitlines()) == 1


EXPORT_SMALL = ["--preset", "ring8-healthy", "--set", "model.g_width=16", "--set", "model.d_width=16",
                "--set", "train.batch_size=64"]


def test_export_writes_a_standalone_replay_and_says_where(tmp_path, capsys):
    out = tmp_path / "run.html"
    code, stdout, err = run_cli(capsys, "export", *EXPORT_SMALL, "--steps", "40", "--frames", "5", "--seed", "2",
                                "--set", "train.lr_d=3e-4", "--out", str(out))
    page = out.read_text()
    assert code == 0 and err == ""  # no progress bar when stderr is not a terminal
    assert stdout == f"wrote {out} ({len(page.encode()) / 1e6:.1f} MB, {len(page.encode()):,} bytes): " \
                     "5 frames, steps 0 to 40\n"
    assert "data-frames='5'" in page and "ring8-healthy, seed 2, steps 0 to 40" in page
    assert "train.lr_d=0.0003" in page and "model.g_width=16" in page


@pytest.mark.parametrize("argv, fragment", [
    (["--preset", "nope", "--out", "x.html"], "unknown preset 'nope'"),
    (["--set", "train.lr_d=fast", "--out", "x.html"], "bad value for train.lr_d"),
    (["--frames", "1", "--out", "x.html"], "--frames must be >= 2"),
    (["--out", "/nonexistent-dir/x.html"], "no such directory '/nonexistent-dir'"),
    (["--steps", "0", "--out", "x.html"], "train.steps must be in"),
    ([], "the following arguments are required: --out"),
])
def test_export_refuses_bad_arguments_in_one_line_before_training(capsys, argv, fragment):
    code, out, err = run_cli(capsys, "export", *argv)
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1 and out == ""


def test_export_refuses_a_directory_or_a_path_under_a_file(tmp_path, capsys):
    code, _, err = run_cli(capsys, "export", "--out", str(tmp_path))
    assert code == 2 and "is a directory" in err
    (tmp_path / "a-file").write_text("")
    code, _, err = run_cli(capsys, "export", "--out", str(tmp_path / "a-file" / "x.html"))
    assert code == 2 and "no such directory" in err and len(err.strip().splitlines()) == 1


def test_counterexample_html_writes_the_storyboard(tmp_path, capsys):
    out = tmp_path / "story.html"
    code, stdout, _ = run_cli(capsys, "counterexample", "--rounds", "1", "--html", str(out))
    assert code == 0 and "round  D_t on moved" in stdout
    assert f"wrote {out} (" in stdout and "1 rounds, 3 phases" in stdout
    assert "data-frames='3'" in out.read_text()
    code, _, err = run_cli(capsys, "counterexample", "--html", str(tmp_path / "no" / "story.html"))
    assert code == 2 and "no such directory" in err


def test_reproduce_json_has_the_documented_keys_and_a_table_without_json(capsys):
    code, out, _ = run_cli(capsys, "reproduce", "--dataset", "grid25", "--seeds", "2", "--steps", "20",
                           "--methods", "gan,pacgan", "--json")
    report = json.loads(out)
    assert code == 0 and report["dataset"] == "grid25"
    assert [r["method"] for r in report["rows"]] == ["gan", "pacgan"]
    for row in report["rows"]:
        assert {"method", "modes_captured_mean", "modes_captured_std", "hq_fraction_mean", "reverse_kl_mean",
                "seeds", "steps", "published"} <= set(row)
        assert row["seeds"] == 2 and row["steps"] == 20
    assert report["rows"][1]["published"]["pacgan_table1"]["modes_captured"] == 24.8
    code, out, _ = run_cli(capsys, "reproduce", "--dataset", "ring8", "--seeds", "1", "--steps", "20",
                           "--methods", "gan")
    assert code == 0 and "PacGAN GAN: 6.3 modes, 98.2 % HQ" in out and "VEEGAN GAN: 1 modes" in out


@pytest.mark.parametrize("argv, fragment", [
    (["--dataset", "ring9"], "invalid choice: 'ring9'"),
    (["--dataset", "ring8", "--methods", "gan,vae"], "unknown method 'vae'"),
    (["--dataset", "ring8", "--seeds", "0"], "--seeds must be 1-256"),
    (["--dataset", "ring8", "--steps", "1"], "--steps must be >= 2"),
])
def test_reproduce_refuses_bad_arguments_in_one_line(capsys, argv, fragment):
    code, out, err = run_cli(capsys, "reproduce", *argv)
    assert code == 2 and fragment in err and err.count("\n") == 1 and not out


SEED_MAX = 2**31 - 1


@pytest.mark.parametrize("argv, fragment", [
    # the largest seed is accepted alone, but a sweep or table of 2 seeds from it would run seed 2^31
    (["sweep", "--x", "lr_d=1e-3", "--seeds", "2", "--first-seed", str(SEED_MAX), "--steps", "10"],
     f"--first-seed {SEED_MAX} with 2 seeds reaches seed {SEED_MAX + 1}"),
    (["sweep", "--x", "lr_d=1e-3", "--set", f"seed={SEED_MAX}"], f"seed {SEED_MAX} with 4 seeds reaches seed"),
    (["sweep", "--x", "lr_d=1e-3", "--first-seed", "-3"], "--first-seed must be in [0, 2147483647], got -3"),
    (["reproduce", "--dataset", "ring8", "--seeds", "2", "--first-seed", str(SEED_MAX)], "reaches seed 2147483648"),
    (["reproduce", "--dataset", "ring8", "--first-seed", "-3"], "--first-seed must be in [0, 2147483647]"),
    (["counterexample", "--seed", "-3"], "--seed must be in [0, 2147483647], got -3"),
    (["counterexample", "--seed", str(SEED_MAX + 1)], "--seed must be in [0, 2147483647]"),
    (["train", "--seed", "-3"], "seed must be in [0, 2147483647], got -3"),
    (["export", "--seed", str(SEED_MAX + 1), "--out", "x.html"], "seed must be in [0, 2147483647]"),
])
def test_every_seed_flag_shares_one_range_and_a_seed_list_stays_inside_it(capsys, argv, fragment):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1 and not out


@pytest.mark.parametrize("argv, fragment", [
    (["reproduce", "--dataset", "ring8", "--methods", ","], "no method chosen; choose one or more of gan,"),
    (["reproduce", "--dataset", "ring8", "--methods", ""], "no method chosen"),
    (["reproduce", "--dataset", "ring8", "--methods", " , ,"], "no method chosen"),
    (["sweep", "--x", "lr_d="], "an axis is KEY=V1,V2,... or KEY=LO:HI:Nlog"),
    (["sweep", "--x", "lr_d=,"], "lr_d: no values; an axis is KEY=V1,V2"),
    (["sweep", "--x", "lr_d=1e-3", "--y", "k_g=,,"], "k_g: no values"),
    (["sweep", "--x", "lr_d"], "an axis is KEY=V1,V2,... or KEY=LO:HI:Nlog (or Nlin)"),
    (["sweep", "--x", "lr_d=1e-3:1e-2"], "a range is LO:HI:N followed by log or lin, e.g. 1e-4:1e-1:7log"),
    (["sweep", "--x", "lr_d=1e-3:1e-2:5:7log"], "a range is LO:HI:N followed by log or lin"),
    (["sweep", "--x", "lr_d=1e-3:1e-2:xlog"], "a range's count is a whole number before 'log'"),
    (["sweep", "--x", "lr_d=1e-3:1e-2:2.5lin"], "a range's count is a whole number"),
    (["sweep", "--x", "lr_d=a:1e-2:3log"], "a range's ends are numbers"),
    (["sweep", "--x", "lr_d=1_0:20:3lin"], "a range's ends are numbers"),
])
def test_empty_lists_and_malformed_ranges_say_the_expected_form_in_one_line(capsys, argv, fragment):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1 and not out
    assert "unpack" not in err and "invalid literal" not in err


def test_a_directory_an_empty_or_unreadable_file_or_a_device_is_named_as_such(tmp_path, capsys):
    import os

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    locked = tmp_path / "locked.csv"
    locked.write_text("1,2\n")
    locked.chmod(0)
    cases = [(str(tmp_path), f"{tmp_path} is a directory; give a CSV or .npy file"),
             (str(empty), "is empty; it holds no samples"),
             ("/dev/null", "/dev/null is not a regular file"),
             (str(tmp_path / ("n" * 5000)), "file name too long")]
    if os.geteuid() != 0:  # root reads any file
        cases.append((str(locked), "permission denied"))
    for flag, command in (("--samples", "evaluate"), ("--data", "train")):
        for path, fragment in cases:
            code, out, err = run_cli(capsys, command, flag, path)
            assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1, (command, path, err)
            assert "no such file" not in err


@pytest.mark.parametrize("content, fragment", [
    ("1_000,2\n", "line 1: expected two numbers x,y, got '1_000,2' ('1_000' is not a plain ASCII number"),
    ("x,y\n\u0661,\u0662\n", "line 2: expected two numbers"),  # Arabic-Indic digits
    ("1,2\n\uff13,4\n", "'\uff13' is not a plain ASCII number"),  # fullwidth 3
    ("x;y\n1;2\n3;4\n", "line 1: values separated by semicolons; a CSV here separates x and y with a comma"),
    ("1;2\n3;4\n", "line 1: values separated by semicolons"),
    ("1,5;2,5\n", "values separated by semicolons"),  # decimal commas
    ("x\ty\n1\t2\n", "line 1: values separated by tabs"),
    ("1,2\n3 4\n", "line 2: values separated by spaces"),
])
def test_csv_numbers_are_plain_ascii_and_the_separator_a_comma(tmp_path, capsys, content, fragment):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    code, _, err = run_cli(capsys, "evaluate", "--samples", str(bad))
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1


def test_a_header_and_spaces_around_values_still_read(tmp_path, capsys):
    ok = tmp_path / "ok.csv"
    ok.write_text("my points\n# a comment\n2, 0\n0,\t2\n-2e0 ,+0.0\n")
    code, out, err = run_cli(capsys, "evaluate", "--preset", "ring8-healthy", "--samples", str(ok), "--json")
    assert code == 0 and json.loads(out)["samples"] == 3 and json.loads(out)["modes_captured"] == 3


def _cli_in(env: dict, *argv: str) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", "JAX_PLATFORMS")} | env
    return subprocess.run([sys.executable, "-m", "gan_viz", *argv], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.mark.parametrize("env, fragment", [
    ({"XLA_FLAGS": "--bogus"}, "XLA_FLAGS='--bogus' is not valid: Unknown flag in XLA_FLAGS: --bogus"),
    ({"XLA_FLAGS": "--xla_backend_optimization_level=abc"}, "Couldn't interpret value abc"),
    ({"JAX_PLATFORMS": "gpu"}, "JAX_PLATFORMS='gpu' asks for it: unset JAX_PLATFORMS or set it to cpu"),
])
def test_a_bad_jax_environment_is_one_line_naming_the_variable(env, fragment):
    # a process of its own: XLA reads XLA_FLAGS once, and an unknown flag aborts the process
    for argv in (["train", "--steps", "2"], ["app", "--port", "1"]):  # app: before Streamlit starts
        r = _cli_in(env, *argv)
        assert r.returncode == 2 and fragment in r.stderr, (argv, r.stderr[-600:])
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr and r.stdout == ""


def test_a_valid_xla_flag_of_ones_own_still_runs():
    r = _cli_in({"XLA_FLAGS": "--xla_backend_optimization_level=2", "JAX_PLATFORMS": "cpu"}, "presets")
    assert r.returncode == 0 and "ring8-hopping" in r.stdout and r.stderr == ""


def test_an_output_file_name_too_long_is_one_line_before_training(tmp_path, capsys):
    name = str(tmp_path / ("n" * 300)) + ".html"
    for argv in (["export", "--out", name], ["counterexample", "--html", name]):
        code, out, err = run_cli(capsys, *argv)
        assert code == 2 and "file name too long" in err and len(err.strip().splitlines()) == 1 and not out


def test_reproduce_figure_writes_its_report_and_png(capsys, tmp_path):
    out = tmp_path / "fig1.png"
    code, stdout, err = run_cli(capsys, "reproduce", "--figure", "unrolled-fig1", "--steps", "10", "--no-ablation",
                                "--first-seed", "2", "--out", str(out), "--json")
    report = json.loads(stdout)
    assert code == 0 and report["figure"] == "unrolled-fig1" and report["seeds"] == [2]
    assert [r["method"] for r in report["runs"]] == ["standard", "unrolled"] and report["ablation"] == []
    assert out.read_bytes()[:4] == b"\x89PNG" and f"wrote {out}" in err
    code, stdout, _ = run_cli(capsys, "reproduce", "--figure", "unrolled-fig1", "--steps", "10", "--no-ablation")
    assert code == 0 and "unrolled GAN (4 steps)" in stdout and "0: " in stdout


@pytest.mark.parametrize("argv, fragment", [
    ([], "give --dataset ring8|grid25 (the mode-collapse table) or --figure unrolled-fig1, not both"),
    (["--dataset", "ring8", "--figure", "unrolled-fig1"], "not both"),
    (["--figure", "unrolled-fig2"], "invalid choice: 'unrolled-fig2'"),
    (["--figure", "unrolled-fig1", "--methods", "gan"], "--methods goes with --dataset"),
    (["--figure", "unrolled-fig1", "--seeds", "65"], "seeds must be 1-64"),
    (["--figure", "unrolled-fig1", "--steps", "9"], "steps must be 10-10,000,000"),
    (["--figure", "unrolled-fig1", "--out", "/no/such/dir/f.png"], "no such directory"),
    (["--dataset", "ring8", "--out", "x.png"], "--out and --no-ablation go with --figure"),
])
def test_reproduce_figure_refuses_bad_arguments_in_one_line(capsys, monkeypatch, argv, fragment):
    from gan_viz.lab import experiment

    monkeypatch.setattr(experiment, "train", lambda *a, **k: pytest.fail("trained"))
    code, out, err = run_cli(capsys, "reproduce", *argv)
    assert code == 2 and fragment in err and err.count("\n") == 1 and not out


@pytest.mark.parametrize("loss", ["kl", "reverse_kl", "pearson", "hellinger", "js", "gan"])
def test_train_with_an_f_gan_loss_reports_the_bound_and_the_true_divergence(capsys, loss):
    code, out, _ = run_cli(capsys, "train", "--preset", "divergences", "--steps", "20", "--set",
                           f"train.loss={loss}", "--set", "train.eval_every=10", "--json")
    d = json.loads(out)
    assert code == 0 and isinstance(d["bound"], float) and d["divergence"] == d["f_divergences"][loss]
    assert d["divergence"] > 0 or loss == "gan"


def test_sweep_takes_f_gan_losses_as_values_and_refuses_unknown_ones_in_one_line(capsys):
    small = ["--preset", "divergences", "--steps", "20", "--seeds", "1", "--set", "train.eval_every=10"]
    code, out, _ = run_cli(capsys, "sweep", "--x", "loss=kl,reverse_kl,gan", *small, "--json")
    r = json.loads(out)
    assert code == 0 and r["x"] == {"key": "loss", "values": ["kl", "reverse_kl", "gan"]} and len(r["cells"]) == 3
    code, _, err = run_cli(capsys, "sweep", "--x", "loss=kl,chi", *small)
    assert code == 2 and "train.loss must be one of" in err and len(err.strip().splitlines()) == 1
