"""The command line (``gan-viz``), the benchmarks and the app launcher."""

from gan_viz.cli.main import main

__all__ = ["main"]
