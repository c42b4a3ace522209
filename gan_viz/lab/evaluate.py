"""Scores external 2D samples against a mixture: the metrics a GAN trained elsewhere can get.

``read_samples`` reads them from a CSV or .npy file without trusting the file: a .npy header
is checked (numeric dtype, shape (n, 2), n within ``MAX_SAMPLES``, size on disk) before any
data is read, pickles are never loaded, and every refusal is one line.
"""

from __future__ import annotations

import io
from pathlib import Path

import jax
import numpy as np

from gan_viz.core import bounds, metrics
from gan_viz.core import data as data_lib
from gan_viz.core.data import Mixture


def score_samples(samples: np.ndarray, mixture: Mixture) -> dict:
    """Mode metrics and smoothed JSD of (n, 2) samples; see ``gan_viz.core.metrics`` for definitions.

    The mode metrics in the literature use 2,500 samples; other counts are scored as given.
    """
    x = jax.numpy.asarray(samples, dtype=np.float32)
    st = jax.device_get(metrics.mode_stats(x, mixture))
    grid = metrics.make_grid(data_lib.extent(mixture))
    jsd = float(metrics.density_view(x, mixture, grid).jsd)
    return {
        "modes_captured": int(st.modes_captured),
        "num_modes": mixture.num_modes,
        "hq_fraction": float(st.hq_fraction),
        "reverse_kl": float(st.reverse_kl),
        "jsd": jsd,
        "value": None,  # needs a discriminator, which external samples do not come with
        "occupancy": np.asarray(st.occupancy).round(4).tolist(),
        "off_mode": float(st.off_mode),
    }


MAX_SAMPLES = 100_000  # the smoothed JSD holds two (grid x n) kernel matrices
MAX_CSV_BYTES = 16 * 2**20
F32_MAX = float(np.finfo(np.float32).max)


def read_samples(path: str | Path) -> np.ndarray:
    """(n, 2) float32 points from a .npy or CSV file (``x,y`` per line, optional header line).

    Raises:
        ValueError: with a one-line reason for anything that is not 1 to ``MAX_SAMPLES``
            finite points within float32 range.
    """
    p = Path(path)
    if "\0" in str(path):
        raise ValueError(f"{str(path)!r} is not a file name: it holds a NUL character")
    try:
        if p.is_dir():
            raise ValueError(f"{path} is a directory; give a CSV or .npy file")
        if not p.exists():
            raise ValueError(f"no such file: {path}")
        if not p.is_file():
            raise ValueError(f"{path} is not a regular file; give a CSV or .npy file")
        if p.stat().st_size > MAX_CSV_BYTES:
            raise ValueError(f"{path} is larger than {MAX_CSV_BYTES // 2**20} MB; "
                             f"at most {MAX_SAMPLES:,} samples are read")
        content = p.read_bytes()
    except OSError as e:  # permission denied, a name too long, ...
        raise ValueError(f"cannot read samples from {path}: {(e.strerror or type(e).__name__).lower()}") from None
    return parse_samples(content, str(path))


def parse_samples(content: bytes, name: str) -> np.ndarray:
    """``read_samples`` for a file's bytes already in memory (an upload): nothing touches the disk.

    ``name`` says which format (``.npy``, anything else is CSV) and names the file in messages.
    """
    if not content:
        raise ValueError(f"{name} is empty; it holds no samples")
    if len(content) > MAX_CSV_BYTES:
        raise ValueError(f"{name} is larger than {MAX_CSV_BYTES // 2**20} MB; at most {MAX_SAMPLES:,} samples are read")
    try:
        x = _parse_npy(content, name) if name.lower().endswith(".npy") else _parse_csv(content, name)
    except UnicodeDecodeError:
        raise ValueError(f"{name} is not a text CSV file (nor a .npy file by its name)") from None
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"samples in {name} must have shape (n, 2), got {tuple(x.shape)}")
    if x.shape[0] < 1:
        raise ValueError(f"{name} holds no samples")
    x = x.astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains non-finite values (NaN or inf)")
    if np.any(np.abs(x) > F32_MAX):
        raise ValueError(f"{name} has values beyond float32's range (|v| > {F32_MAX:.3g}); rescale them")
    return x.astype(np.float32)


def _parse_npy(content: bytes, name: str) -> np.ndarray:
    fmt = np.lib.format
    f = io.BytesIO(content)
    try:
        version = fmt.read_magic(f)
    except ValueError:
        raise ValueError(f"{name} is not a .npy file (a .npz or another format renamed?)") from None
    readers = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}
    if version not in readers:
        raise ValueError(f"{name}: unsupported .npy format version {version[0]}.{version[1]}")
    try:
        shape, fortran, dtype = readers[version](f)
    except ValueError as e:
        raise ValueError(f"{name}: bad .npy header ({str(e).splitlines()[0]})") from None
    if dtype.hasobject or dtype.kind not in "fiu" or dtype.shape:
        raise ValueError(f"{name} holds {dtype} values; samples must be numbers (float or int)")
    if len(shape) != 2 or shape[1] != 2:
        raise ValueError(f"samples in {name} must have shape (n, 2), got {tuple(shape)}")
    if shape[0] > MAX_SAMPLES:
        raise ValueError(f"{name} holds {shape[0]:,} samples; at most {MAX_SAMPLES:,} are read")
    n = shape[0] * 2
    if len(content) < f.tell() + n * dtype.itemsize:
        raise ValueError(f"{name} is truncated: its header promises {shape[0]:,} x 2 {dtype} values")
    flat = np.frombuffer(content, dtype=dtype, count=n, offset=f.tell())
    return flat.reshape((2, shape[0])).T if fortran else flat.reshape(shape)


def _parse_csv(content: bytes, name: str) -> np.ndarray:
    """Comma-separated ``x,y`` lines, numbers as ``bounds.parse_number`` reads them (plain ASCII:
    no ``1_000``, no non-ASCII digits); the first line may be a header, ``#`` lines are comments.
    A file separated by semicolons, tabs or spaces is refused by name."""
    lines = [(i, r) for i, r in enumerate(content.decode("utf-8-sig").splitlines(), 1)
             if r.strip() and not r.lstrip().startswith("#")]
    if lines and len(lines[0][1].split(",")) != 2:
        _check_separator(name, *lines[0])
    if lines and not _looks_numeric(lines[0][1].split(",")[0]):
        lines = lines[1:]  # a header line
    if len(lines) > MAX_SAMPLES:
        raise ValueError(f"{name} holds {len(lines):,} samples; at most {MAX_SAMPLES:,} are read")
    rows = []
    for i, r in lines:
        cells = r.split(",")
        if len(cells) != 2 or not all(_is_number(c) for c in cells):
            _check_separator(name, i, r)
            odd = [c.strip() for c in cells if _looks_numeric(c) and not _is_number(c)]
            why = f" ({odd[0][:20]!r} is not a plain ASCII number: digits 0-9, '.', 'e')" if odd else ""
            raise ValueError(f"{name}, line {i}: expected two numbers x,y, got {r.strip()[:40]!r}{why}")
        rows.append([bounds.parse_number(c) for c in cells])
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


def _check_separator(name: str, line: int, row: str) -> None:
    """Refuses a line that is not two comma-separated values because something else separates them."""
    what = "semicolons" if ";" in row else "tabs" if "\t" in row else "spaces"
    if what == "spaces" and ("," in row or len(row.split()) < 2 or not all(_looks_numeric(c) for c in row.split())):
        return  # a header such as "my points"
    raise ValueError(f"{name}, line {line}: values separated by {what}; a CSV here separates x and y "
                     f"with a comma (x,y per line), got {row.strip()[:40]!r}")


def _looks_numeric(s: str) -> bool:
    """Whether Python's lenient ``float`` reads ``s`` (a header cell never does)."""
    try:
        float(s)
        return True
    except ValueError:
        return False


def _is_number(s: str) -> bool:
    try:
        bounds.parse_number(s)
        return True
    except ValueError:
        return False
