"""The persistent compilation cache's folder ($GAN_VIZ_CACHE_DIR): a folder that cannot be created
or written leaves the cache off with one line saying why, JAX stays quiet, and nothing that also
caches there (the live plot's assets) fails. Tests run as root, where permission bits do not bite:
the unusable folders are a path under a regular file and /proc (it exists; no one may create
files in it)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gan_viz import cli
from gan_viz.core import compilation_cache
from gan_viz.ui.live_plot import _assets


@pytest.fixture
def blocked(tmp_path) -> Path:
    """A regular file: no folder can be created under it."""
    f = tmp_path / "file"
    f.write_text("not a folder")
    return f


def test_a_folder_that_cannot_be_created_or_written_is_named_in_one_line(blocked, tmp_path):
    for bad in (blocked / "sub", Path("/proc/x"), Path("/proc")):
        problem = compilation_cache.unusable(bad)
        assert problem is not None and str(bad) in problem and "\n" not in problem
    good = tmp_path / "new" / "cache"
    assert compilation_cache.unusable(good) is None
    assert good.is_dir() and list(good.iterdir()) == []  # created, and the probe file removed


segment = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), min_size=1,
                  max_size=300)


@settings(max_examples=40, deadline=None)
@given(st.lists(segment, min_size=1, max_size=3), st.sampled_from(["under a file", "/proc"]))
def test_any_unusable_cache_dir_leaves_the_cache_off_with_one_line(parts, where):
    # what GAN_VIZ_CACHE_DIR may hold: any text but NUL (an environment variable cannot)
    with tempfile.NamedTemporaryFile() as f:
        root = Path(f.name) if where == "under a file" else Path("/proc")
        status = compilation_cache.enable(root.joinpath(*parts))
        assert status.folder is None
        assert status.problem.startswith("JAX compilation cache off") and "\n" not in status.problem


_COMPILE = """
import sys
from gan_viz.core import compilation_cache
status = compilation_cache.enable(sys.argv[1])
import jax, jax.numpy as jnp
for i in range(3):
    jax.jit(lambda x: x * i + 1)(jnp.ones(3)).block_until_ready()
print(status.folder, "|", status.problem)
"""


def _compile_with_cache_in(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _COMPILE, str(folder)], capture_output=True, text=True,
                          check=True, env={**os.environ, "JAX_PLATFORMS": "cpu"})


def test_compilations_stay_quiet_with_an_unusable_folder_and_fill_a_usable_one(blocked, tmp_path):
    # before the check, /proc turned the cache on and every compilation warned "Error writing
    # persistent compilation cache entry"
    bad = _compile_with_cache_in(Path("/proc"))
    assert bad.stdout.startswith("None | JAX compilation cache off") and "/proc" in bad.stdout
    assert "compilation cache" not in bad.stderr, bad.stderr
    good = _compile_with_cache_in(tmp_path / "cache")
    assert good.stdout.strip() == f"{tmp_path / 'cache'} | None" and good.stderr == ""
    assert len(list((tmp_path / "cache").iterdir())) >= 3  # the three functions, at least


def test_the_cli_says_once_on_stderr_that_the_cache_is_off_and_runs(blocked, monkeypatch, capsys):
    for bad in (blocked / "sub", Path("/proc")):
        monkeypatch.setenv("GAN_VIZ_CACHE_DIR", str(bad))
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["presets"])
            raise SystemExit(0)
        out = capsys.readouterr()
        assert (exit_info.value.code or 0) == 0 and "ring8-hopping" in out.out
        assert out.err.count("\n") == 1 and out.err.startswith("gan-viz: JAX compilation cache off")
        assert str(bad) in out.err


def test_the_live_plots_assets_fall_back_to_the_temp_dir(blocked, monkeypatch):
    for bad in (blocked / "sub", Path("/proc")):
        monkeypatch.setenv("GAN_VIZ_CACHE_DIR", str(bad))
        d = _assets.ensure_asset_dir()
        assert d.parent.parent == Path(tempfile.gettempdir()) and (d / "index.html").is_file()
