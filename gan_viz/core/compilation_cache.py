"""JAX's persistent compilation cache, so that a second start of gan_viz compiles less."""

from __future__ import annotations

import os
from pathlib import Path

import jax


def default_dir() -> Path:
    """``$GAN_VIZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/gan_viz/jax`` (``~/.cache/gan_viz/jax``)."""
    if os.environ.get("GAN_VIZ_CACHE_DIR"):
        return Path(os.environ["GAN_VIZ_CACHE_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "gan_viz" / "jax"


def enable(path: str | os.PathLike | None = None) -> Path | None:
    """Turns the cache on for every compilation from now on; returns its folder.

    Caches even fast compilations (our functions compile in seconds, below JAX's default
    threshold). A folder that cannot be created leaves the cache off; nothing else changes.
    """
    folder = Path(path) if path is not None else default_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return folder
