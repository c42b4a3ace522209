"""The launcher: which script Streamlit runs and with which settings."""

from gan_viz.cli import launch


def option(cmd: list[str], name: str) -> str | None:
    return cmd[cmd.index(name) + 1] if name in cmd else None


def test_streamlit_runs_a_script_with_no_pages_directory_beside_it():
    path = launch.app_path()
    assert path.is_file() and "gan_viz.ui.app import main" in path.read_text()
    # a pages/ directory next to the main script makes Streamlit list its modules as pages
    assert not (path.parent / "pages").exists()


def test_the_command_carries_the_apps_settings_whatever_the_working_directory():
    cmd = launch.streamlit_command(8765, ["--server.address", "127.0.0.1"])
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4] == str(launch.app_path())
    assert option(cmd, "--server.port") == "8765" and option(cmd, "--server.address") == "127.0.0.1"
    assert option(cmd, "--runner.postScriptGC") == "false"
    assert option(cmd, "--browser.gatherUsageStats") == "false"
    assert option(cmd, "--server.headless") == "true"


def test_the_repositorys_streamlit_config_says_what_the_command_says():
    # `streamlit run` from the repository root reads .streamlit/config.toml instead of the flags
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    cmd = launch.streamlit_command(8765)
    for section, options in config.items():
        for name, value in options.items():
            flag = option(cmd, f"--{section}.{name}")
            assert flag == (str(value).lower() if isinstance(value, bool) else str(value)), (section, name)
    assert option(cmd, "--server.websocketPingInterval") == str(launch.WEBSOCKET_PING_SECONDS)


def test_the_server_refuses_uploads_larger_than_the_sample_reader_reads():
    from gan_viz.lab import evaluate

    assert option(launch.streamlit_command(8765), "--server.maxUploadSize") == str(launch.MAX_UPLOAD_MB)
    assert launch.MAX_UPLOAD_MB * 2**20 == evaluate.MAX_CSV_BYTES


def test_ctrl_c_stops_gan_viz_app_cleanly():
    # Ctrl+C in a terminal signals the whole foreground group: `gan-viz app` and its server. The
    # command waits for the server to stop by itself and exits with its status, no traceback.
    import os
    import signal
    import subprocess
    import sys

    from gan_viz.cli import launch

    port = launch.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gan_viz", "app", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "JAX_PLATFORMS": "cpu"})
    try:
        launch.wait_healthy(proc, f"http://localhost:{port}", timeout=120)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err and "terminate called" not in err


def test_app_lecture_tells_the_server_which_script_and_hides_the_toolbar(monkeypatch, tmp_path, capsys):
    from gan_viz.cli.main import main as cli_main
    from gan_viz.lab import lecture
    from gan_viz.ui import lecture_view

    started = []

    class Server:
        def __init__(self, cmd, env):
            started.append((cmd, env))

        def wait(self):
            return 0

    monkeypatch.setattr(launch.subprocess, "Popen", Server)
    script = tmp_path / "mine.toml"
    script.write_text('title = "T"\n[[scene]]\ntitle = "a"\ntab = "live"\npreset = "grid25"\n')
    for given, told in ((["w3l8"], "w3l8"), ([], "w3l8"), ([str(script)], str(script.resolve()))):
        started.clear()
        try:
            cli_main(["app", "--port", "8599", "--lecture", *given])
        except SystemExit as e:
            assert e.code == 0
        (cmd, env), = started
        assert env[launch.LECTURE_ENV] == told and cmd[cmd.index("--client.toolbarMode") + 1] == "minimal"
    assert "lecture opens" in capsys.readouterr().out
    assert launch.LECTURE_ENV == lecture_view.ENV and "w3l8" in lecture.lecture_names()
