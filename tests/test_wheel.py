"""A built wheel, installed in a fresh virtual environment, serves the app from any directory.

Builds the wheel from a clean copy of the sources (a stale ``build/`` in the checkout cannot leak
into it), installs it with its dependencies from the package index, starts ``gan-viz app`` in a
directory outside the checkout and plays the live view in headless Chromium.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gan_viz.cli import launch

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def package_files() -> set[str]:
    """Every file of the package in the checkout, as wheel paths (``gan_viz/...``)."""
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "gan_viz").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT / "gan_viz", src / "gan_viz", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(src)],
                   check=True, timeout=600)
    (built,) = (tmp / "dist").glob("gan_viz-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True, timeout=300)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, timeout=1200)
    return env_dir


def test_the_wheel_holds_every_file_of_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = package_files()
    assert {"gan_viz/ui/app.py", "gan_viz/ui/live_plot/frontend/index.html"} <= expected
    assert any(re.fullmatch(r"gan_viz/ui/pages/\w+\.md", n) for n in expected)
    assert expected <= names, sorted(expected - names)


def child_command_lines(pid: int) -> list[list[str]]:
    """Command lines of the direct children of ``pid`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append((stat.parent / "cmdline").read_bytes().decode().split("\0"))
        except (OSError, IndexError, ValueError):
            pass
    return out


def option(cmd: list[str], name: str) -> str | None:
    return cmd[cmd.index(name) + 1] if name in cmd else None


@pytest.fixture(scope="module")
def installed_app(venv, tmp_path_factory):
    """``gan-viz app`` from the fresh environment, started in an empty directory."""
    cwd = tmp_path_factory.mktemp("elsewhere")
    probe = "from gan_viz.cli import launch; print(launch.app_path())"
    where = subprocess.run([str(venv / "bin" / "python"), "-c", probe],
                           cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the installed copy, not this checkout
    port = launch.free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "wheel-app.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([str(venv / "bin" / "gan-viz"), "app", "--port", str(port)], cwd=cwd, stdout=log,
                            stderr=subprocess.STDOUT, env={**os.environ, "JAX_PLATFORMS": "cpu"},
                            start_new_session=True)  # its own process group: streamlit runs as a child
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            launch.wait_healthy(proc, url, timeout=180)
        except RuntimeError as e:
            pytest.fail(f"gan-viz app from the wheel: {e}; see {log.name}")
        yield url, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_gan_viz_app_passes_streamlits_settings_whatever_the_directory(installed_app):
    _, pid = installed_app
    servers = [c for c in child_command_lines(pid) if "streamlit" in c and "run" in c]
    assert len(servers) == 1, child_command_lines(pid)
    cmd = servers[0]
    assert option(cmd, "--runner.postScriptGC") == "false"
    assert option(cmd, "--browser.gatherUsageStats") == "false"
    assert option(cmd, "--server.headless") == "true"


def test_the_installed_app_plays_in_chromium(installed_app):
    try:
        launch.chromium_path()
    except launch.BrowserMissing as e:
        pytest.fail(str(e))  # a missing browser is a failure with instructions, never a skip
    url, _ = installed_app

    def step(page) -> int:
        return int(re.search(r"step ([\d,]+)", page.locator("#status-line").inner_text()).group(1).replace(",", ""))

    with launch.chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        page.locator("#status-line").wait_for(timeout=180_000)
        plot = page.frame_locator("iframe[title*='live_plot']").locator("#frame-counter")
        plot.wait_for(timeout=60_000)
        assert step(page) == 0
        page.get_by_role("button", name="Play").click()
        page.get_by_role("button", name="Pause").wait_for(timeout=30_000)
        page.wait_for_function("() => /step [1-9]/.test(document.querySelector('#status-line')?.innerText)",
                               timeout=60_000)
        first, first_drawn = step(page), plot.get_attribute("data-frames-rendered")
        # the status line moves once per batch of frames: wait for the next batch, however slow
        page.wait_for_function(
            "s => Number(document.querySelector('#status-line').innerText.match(/step ([\\d,]+)/)[1]"
            ".replace(/,/g, '')) > s", arg=first, timeout=120_000)
        second, second_drawn = step(page), plot.get_attribute("data-frames-rendered")
        page.screenshot(path=ARTIFACTS / "wheel-playing.png", full_page=True)
        assert second > first > 0, (first, second)
        assert int(second_drawn) > int(first_drawn), (first_drawn, second_drawn)  # the live_plot iframe draws
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stSidebarNav']").count() == 0  # one page, not a multipage app
