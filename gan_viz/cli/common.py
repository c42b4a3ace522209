"""What every ``gan-viz`` sub-command shares: the one-line user error, strict number flags, the
``--json`` or text output, the stderr progress bar, a preset's config with the command's
overrides, and the checked output file."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from gan_viz.lab.experiment import json_ready

clean = json_ready  # NaN/inf become null: --json is strict JSON


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


def fail(message: str) -> NoReturn:
    """Prints ``message`` as one ``gan-viz: error:`` line on stderr and exits with status 2."""
    one_line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)  # a file name may hold a newline
    print(f"gan-viz: error: {one_line}", file=sys.stderr)
    sys.exit(2)


def parse_int(text: str) -> int:
    """An integer flag in plain ASCII digits (``int()`` also reads ``1_000`` and non-ASCII digits)."""
    if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        raise ValueError(text)
    return int(text)


def parse_float(text: str) -> float:
    """A number flag as ``bounds.parse_number`` reads it (plain ASCII)."""
    from gan_viz.core import bounds

    return bounds.parse_number(text)


parse_int.__name__, parse_float.__name__ = "int", "float"  # argparse says "invalid int value: '...'"


def emit(obj: Any, as_json: bool, human: Callable[[Any], str]) -> None:
    """Prints ``obj`` as indented strict JSON, or as the text ``human`` makes of it."""
    if as_json:
        print(json.dumps(obj, indent=2, allow_nan=False, default=_json_default))
    else:
        print(human(obj))


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, enabled: bool):
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def config_from(args) -> Any:
    """The ``--preset``'s config with ``--seed``, ``--steps``, ``--data`` and each ``--set`` applied."""
    from gan_viz.core import config as config_lib
    from gan_viz.lab import presets

    try:
        cfg = presets.get(args.preset)
        if getattr(args, "seed", None) is not None:
            cfg = config_lib.override(cfg, "seed", args.seed)
        if getattr(args, "steps", None) is not None:
            cfg = config_lib.override(cfg, "train.steps", args.steps)
        if getattr(args, "data", None):
            cfg = _own_data(cfg, args.data)
        return config_lib.apply_overrides(cfg, getattr(args, "set", None) or [])
    except ValueError as e:
        raise CliError(str(e)) from None


def _own_data(cfg: Any, path: str) -> Any:
    """``cfg`` training on the points in ``path`` (what an upload does in the app): layout samples,
    K modes fitted by k-means with K chosen by BIC (``--set data.modes=K`` after it overrides K)."""
    from gan_viz.core import config as config_lib

    return config_lib.with_samples(cfg, load_samples(path), path)


def load_samples(path: str) -> np.ndarray:
    """Reads (n, 2) points from a .npy or CSV file; raises CliError with the reason otherwise."""
    from gan_viz.lab import evaluate

    try:
        return evaluate.read_samples(path)
    except ValueError as e:
        raise CliError(str(e)) from None


def output_target(path: str, example: str = "replay.html") -> Path:
    """``path`` checked before any training: a file in an existing, writable directory."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    try:
        if p.is_dir():
            raise CliError(f"--out {path!r} is a directory; give a file name such as {example}")
        if not parent.is_dir():
            raise CliError(f"cannot write {path!r}: no such directory {str(parent)!r}")
        if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
            raise CliError(f"cannot write {path!r}: permission denied")
    except OSError as e:  # a name too long, ...
        raise CliError(f"cannot write {path[:80]!r}: {(e.strerror or type(e).__name__).lower()}") from None
    return p


def write_bytes(path: Path, data: bytes) -> None:
    """Writes ``data`` to ``path``; an OS error becomes a one-line CliError."""
    try:
        path.write_bytes(data)
    except OSError as e:
        raise CliError(f"cannot write {str(path)!r}: {e.strerror or e}") from None


def write_html(path: Path, page: str, what: str, to=None) -> None:
    """Writes ``page`` to ``path`` and says so, with its size and ``what`` it holds."""
    data = page.encode("utf-8")
    write_bytes(path, data)
    print(f"wrote {path} ({len(data) / 1e6:.1f} MB, {len(data):,} bytes): {what}", file=to or sys.stdout)
