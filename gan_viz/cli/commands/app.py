"""``gan-viz app``: starts the Streamlit app on a port, passing any further arguments to Streamlit."""

from __future__ import annotations

import sys

from gan_viz.cli.common import CliError


def cmd_app(args) -> None:
    from gan_viz.cli import launch

    if not 1 <= args.port <= 65535:
        raise CliError(f"--port must be in [1, 65535], got {args.port}")
    sys.exit(launch.run_app(port=args.port, extra=args.streamlit_args))
