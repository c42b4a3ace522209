"""Draws assets/compare.png: Compare mode after it has played for a while, in headless Chromium.

    python scripts/compare_screenshot.py [--preset NAME] [--remedy LABEL] [--seconds S] [--out PATH]

Starts the app, opens the preset, picks the remedy on the Compare tab, starts both runs from
step 0, plays for ``S`` seconds (default 40), pauses and takes a 1600 x 1000 screenshot. It
prints the two runs' status lines, which docs/app.md's caption quotes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gan_viz.cli import bench_ui, launch
from gan_viz.lab import presets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="ring8-healthy")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="extra URL settings")
    ap.add_argument("--remedy", default="PacGAN (D judges 2 samples at once)", choices=list(presets.REMEDIES))
    ap.add_argument("--seconds", type=float, default=40.0)
    ap.add_argument("--out", type=Path, default=Path("assets/compare.png"))
    args = ap.parse_args()
    with launch.chromium() as browser, launch.serve() as server:
        url = bench_ui.scene_url(server, args.preset, None) + "".join(f"&{kv}" for kv in args.set)
        page = bench_ui.open_app(browser, url, 1600, 1000)
        bench_ui.play_compare(page, args.remedy)
        time.sleep(args.seconds)
        page.get_by_role("button", name="Pause", exact=True).last.click()
        time.sleep(3)
        page.get_by_role("tab", name="Compare").scroll_into_view_if_needed()
        for side in ("left", "right"):
            print(side, page.locator(f"#compare-{side}").inner_text().replace("\n", " "))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=args.out)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
