"""``gan-viz site``: a lecture's class copy, a static site of its scenes' replays in one folder
(``gan_viz.lab.site`` computes each scene, ``gan_viz.render.site`` draws the pages)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from gan_viz.cli.common import CliError, write_bytes


def output_folder(path: str) -> Path:
    """``--out`` checked before any training: an existing, writable folder, or a new one in an
    existing, writable folder."""
    p = Path(path)
    try:
        if p.exists():
            if not p.is_dir():
                raise CliError(f"--out {path!r} is a file; give a folder for the site (it is created if missing)")
            if not os.access(p, os.W_OK | os.X_OK):
                raise CliError(f"cannot write in {path!r}: permission denied")
            return p
        parent = p.parent if str(p.parent) else Path(".")
        if not parent.is_dir():
            raise CliError(f"cannot create {path!r}: no such folder {str(parent)!r}")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise CliError(f"cannot create {path!r}: permission denied")
    except (OSError, ValueError) as e:  # a name too long, a NUL in it, ...
        why = getattr(e, "strerror", None) or str(e) or type(e).__name__
        raise CliError(f"cannot write {path[:80]!r}: {why.lower()}") from None
    return p


def cmd_site(args) -> None:
    from gan_viz.lab import lecture, site

    t0 = time.perf_counter()
    out = output_folder(args.out)
    try:
        lec = lecture.load_lecture(args.lecture)
        options = site.Options(frames=args.frames, story_rounds=args.story_rounds, map_values=args.map_values,
                               map_seeds=args.map_seeds, map_steps=args.map_steps).check()
    except ValueError as e:
        raise CliError(str(e)) from None

    def say(scene) -> None:
        print(f"scene {scene.number} of {len(lec.scenes)}: {scene.title} ({scene.tab})", file=sys.stderr, flush=True)

    try:
        pages = list(site.scene_pages(lec, options, progress=say))
    except ValueError as e:
        raise CliError(str(e)) from None
    from gan_viz.render import site as render_site

    files = render_site.site_files(lec, pages, footer=f"Written by gan-viz site from the lecture {lec.name!r}.")
    try:
        out.mkdir(exist_ok=True)
    except OSError as e:
        raise CliError(f"cannot create {str(out)!r}: {e.strerror or e}") from None
    size = 0
    for name, text in files.items():
        data = text.encode("utf-8")
        write_bytes(out / name, data)
        size += len(data)
    print(f"wrote {out}: {len(files)} files, {size / 1e6:.1f} MB ({render_site.PLOTLY_FILE} once, "
          f"{len(files[render_site.PLOTLY_FILE]) / 1e6:.1f} MB), {len(pages)} scenes, in "
          f"{time.perf_counter() - t0:.0f} s; open {out / render_site.INDEX}")
