"""Shared test set-up: keep JAX on the CPU and quiet, set it up as the app does
(``runtime.configure()``: XLA flags, unrolled threefry) and reuse compiled code between runs.

JAX's persistent compilation cache (the app's, ``gan_viz.core.compilation_cache``) makes a
second run of the suite skip most XLA compilation; compile counts are unaffected (they count
the jit cache's entries, which a persistent-cache hit still adds).
"""

import os

import pytest

os.environ.setdefault("JAX_PLATFORMS", "cpu")

from gan_viz.core import compilation_cache, runtime  # noqa: E402  (after JAX_PLATFORMS is set)

runtime.configure()  # before anything starts JAX's backend
compilation_cache.enable()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the real-browser tests (``launch.chromium``); a missing browser is a
    failure with instructions, never a skip."""
    from gan_viz.cli import launch

    try:
        launch.chromium_path()
    except launch.BrowserMissing as e:
        pytest.fail(str(e))
    with launch.chromium() as b:
        yield b
