"""Draws assets/reproduce.png: the Reproduce tab after it computed a table, in headless Chromium.

    python scripts/reproduce_screenshot.py [--dataset ring8|grid25] [--seeds N] [--steps S] [--out PATH]

Starts the app, opens the Reproduce tab, computes the table for every method (by default the
ring8 table of docs/experiments.md: 5 seeds at the dataset's budget, 10,000 steps; about half an hour on 2 cores)
and takes a 1600 x 1100 screenshot of it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gan_viz.cli import bench_ui, launch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="ring8", choices=("ring8", "grid25"))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=None, help="default: the dataset's budget")
    ap.add_argument("--out", type=Path, default=Path("assets/reproduce.png"))
    args = ap.parse_args()
    with launch.chromium() as browser, launch.serve() as server:
        page = bench_ui.open_app(browser, server, 1600, 1100)
        page.get_by_role("tab", name="Reproduce").click()
        if args.dataset != "ring8":
            page.get_by_label("Dataset").click()
            page.get_by_role("option", name=args.dataset).click()
        for label, value in (("Seeds", args.seeds), ("Steps", args.steps)):
            if value is None:
                continue
            box = page.get_by_label(label, exact=True).first  # the table's, above the figure's
            box.fill(str(value))
            box.press("Enter")
            page.wait_for_timeout(1500)
        page.get_by_role("button", name="Compute table").click()
        page.get_by_text("steps each").wait_for(timeout=3_600_000)
        page.wait_for_timeout(2000)
        page.get_by_role("tab", name="Reproduce").scroll_into_view_if_needed()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=args.out)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
