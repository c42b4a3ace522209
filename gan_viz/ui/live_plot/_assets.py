"""Materialise the component's static directory (index.html + plotly.min.js).

Streamlit's classic component API (``st.components.v1.declare_component``)
serves a component from one directory on disk, and refuses files whose real
path leaves that directory (symlinks are resolved), so ``index.html`` and the
plotly.js bundle must physically sit side by side. We do not vendor the 4.8 MB
bundle into this repository and never use a CDN; instead the bundle shipped in
the installed ``plotly`` Python package (``plotly/package_data/plotly.min.js``)
is copied, together with our ``index.html``, into a per-user cache directory
the first time the component is used.

The directory name contains the plotly version and a hash of ``index.html``
and of the bundle's size and mtime, so upgrading plotly or editing the HTML
gives a fresh directory, and an existing up-to-date one is reused without
copying. The directory is built under a temporary name and renamed into place,
so concurrent Streamlit processes never serve a half-written copy. Directories
of other versions are deleted once they are a week old.

This works the same for editable and regular (wheel, even zipped) installs:
``frontend/index.html`` is read with ``importlib.resources`` and only needs to
be shipped as package data (``pyproject.toml`` already lists
``live_plot/frontend/*``), and nothing is written into site-packages.

Cache root: ``$GAN_VIZ_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/gan_viz``
(default ``~/.cache/gan_viz``), falling back to the system temp dir when that
cannot be created or written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from importlib import resources
from pathlib import Path

INDEX_HTML = "index.html"
PLOTLY_JS = "plotly.min.js"


def index_html() -> str:
    """Return the component's HTML (package data: ``gan_viz/live_plot/frontend/index.html``)."""
    return resources.files(__package__).joinpath("frontend", INDEX_HTML).read_text("utf-8")


def plotly_js_path() -> Path:
    """Return the path of the plotly.js bundle inside the installed plotly package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
    if not path.is_file():
        raise FileNotFoundError(f"plotly.js bundle not found at {path}; is the 'plotly' package installed?")
    return path


def _cache_roots() -> list[Path]:
    """Where to put the directory, in order: the temp dir last, also after ``$GAN_VIZ_CACHE_DIR``
    (a cache root that cannot be written must not take the live plot down)."""
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    first = os.environ.get("GAN_VIZ_CACHE_DIR") or Path(xdg) / "gan_viz"
    user = getattr(os, "getuid", lambda: "user")()
    return [Path(first), Path(tempfile.gettempdir()) / f"gan_viz-{user}"]


def asset_dir_name(html: str, plotly_js: Path) -> str:
    """Name of the versioned asset directory for this HTML and plotly bundle."""
    import plotly

    st = plotly_js.stat()
    digest = hashlib.sha256(f"{html}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:12]
    return f"live_plot-{plotly.__version__}-{digest}"


def _prune_old(root: Path, keep: Path, max_age_s: float = 7 * 86400) -> None:
    """Delete asset dirs of other versions that are older than a week (best effort)."""
    now = time.time()
    for old in root.glob("live_plot-*"):
        try:
            if old != keep and now - old.stat().st_mtime > max_age_s:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


def ensure_asset_dir() -> Path:
    """Return a directory holding index.html and plotly.min.js, creating it if needed.

    Raises:
        OSError: If no cache root is writable.
    """
    html = index_html()
    src = plotly_js_path()
    name = asset_dir_name(html, src)
    error: OSError | None = None
    for root in _cache_roots():
        target = root / name
        if (target / INDEX_HTML).is_file() and (target / PLOTLY_JS).is_file():
            return target
        try:
            root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
            shutil.copyfile(src, tmp / PLOTLY_JS)
            (tmp / INDEX_HTML).write_text(html, "utf-8")
            try:
                os.rename(tmp, target)
            except OSError:  # another process won the race: use its copy
                shutil.rmtree(tmp, ignore_errors=True)
                if not (target / INDEX_HTML).is_file():
                    raise
            _prune_old(root, keep=target)
            return target
        except OSError as exc:
            error = exc
    assert error is not None
    raise error
