"""JAX's persistent compilation cache, so that a second start of gan_viz compiles less."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import NamedTuple

import jax


class Status(NamedTuple):
    """What ``enable`` did: the cache's folder, or why the cache stays off."""

    folder: Path | None  # None: the cache is off
    problem: str | None = None  # one line for the user when the folder could not be used


def default_dir() -> Path:
    """``$GAN_VIZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/gan_viz/jax`` (``~/.cache/gan_viz/jax``)."""
    if os.environ.get("GAN_VIZ_CACHE_DIR"):
        return Path(os.environ["GAN_VIZ_CACHE_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "gan_viz" / "jax"


def unusable(folder: Path) -> str | None:
    """Why ``folder`` cannot hold the cache, or None: it is created if missing, then a probe file
    is written in it and removed (permission bits alone miss read-only mounts, and root ignores them)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=folder)
        os.close(fd)
        os.remove(probe)
    except (OSError, ValueError) as e:  # ValueError: a name the file system cannot encode
        return f"cannot write in {str(folder)!r}: {getattr(e, 'strerror', None) or e}"
    return None


def enable(path: str | os.PathLike | None = None) -> Status:
    """Turns the cache on for every compilation from now on, in ``path`` (default: ``default_dir``).

    Caches even fast compilations (our functions compile in seconds, below JAX's default
    threshold). A folder that cannot be created or written leaves the cache off (JAX would
    otherwise warn on every compilation) and ``Status.problem`` says why; nothing else changes.
    Checked once per folder, so the app may call this on every rerun.
    """
    return _enable(Path(path) if path is not None else default_dir())


@functools.cache
def _enable(folder: Path) -> Status:
    if (reason := unusable(folder)) is not None:
        return Status(None, f"JAX compilation cache off (every start compiles afresh): {reason}")
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return Status(folder)
