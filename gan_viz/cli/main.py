"""The ``gan-viz`` command line: parses the arguments (``parser``), checks that JAX can run here,
turns on the compilation cache, and runs the sub-command's handler (``commands``), turning a user
error into one line on stderr and exit status 2, and Ctrl+C into exit status 130."""

from __future__ import annotations

import sys

from gan_viz.cli.common import CliError, fail
from gan_viz.cli.parser import build_parser
from gan_viz.core import runtime

__all__ = ["CliError", "build_parser", "main"]


def main(argv: list[str] | None = None) -> None:
    runtime.configure()  # first, before anything starts JAX: XLA flags, faster random draws
    args = build_parser().parse_args(argv)
    from gan_viz.core import _xla, compilation_cache

    problem = _xla.backend_problem()
    if problem:
        fail(problem)

    cache = compilation_cache.enable()  # as the app does: a second `gan-viz sweep` or `train` compiles less
    if cache.problem:
        print(f"gan-viz: {cache.problem}", file=sys.stderr)
    try:
        args.func(args)
    except CliError as e:
        fail(str(e))
    except KeyboardInterrupt:
        print("gan-viz: interrupted", file=sys.stderr)
        sys.exit(130)
