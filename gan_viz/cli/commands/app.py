"""``gan-viz app``: starts the Streamlit app on a port, passing any further arguments to Streamlit;
``--lecture NAME|FILE`` opens the presenter view of that script (checked first: one line naming the
scene and the key, before Streamlit starts)."""

from __future__ import annotations

import sys

from gan_viz.cli.common import CliError


def cmd_app(args) -> None:
    from gan_viz.cli import launch
    from gan_viz.lab import lecture

    if not 1 <= args.port <= 65535:
        raise CliError(f"--port must be in [1, 65535], got {args.port}")
    script = getattr(args, "lecture", None)
    if script is not None:
        try:
            lecture.load_lecture(script)
        except lecture.LectureError as e:
            raise CliError(f"--lecture: {e}") from None
        script = launch.lecture_source(script)
    sys.exit(launch.run_app(port=args.port, extra=args.streamlit_args, lecture=script))
