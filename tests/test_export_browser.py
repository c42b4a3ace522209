"""The HTML exports in a real headless Chromium, opened from disk with every other request blocked."""

from pathlib import Path

import numpy as np
import pytest

from gan_viz.lab import counterexample, presets, replay
from gan_viz.render import export

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.browser


def open_offline(browser, path: Path, ready: str | None = "() => document.body.dataset.shown === '0'",
                 size: tuple[int, int] = (1280, 800)):
    """A ``size`` page (default 1280 x 800, a projector) showing ``path``, once ``ready`` holds (by
    default: its first frame is drawn); every request that is not file:// is aborted and recorded in
    the list returned with it, as are page errors and console errors."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    elsewhere, errors = [], []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            elsewhere.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    if ready:
        page.wait_for_function(ready, timeout=60_000)
    return page, elsewhere, errors


def shown(page) -> int:
    return int(page.evaluate("() => document.body.dataset.shown"))


def painted(page) -> None:
    """Returns once the browser has painted twice since now: what was drawn is on screen."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def wait_until_held(page, periods: int, ms: int) -> None:
    """Waits until the replay has shown the same frame for ``periods`` of its frame periods
    (``ms`` each) and 1.5 s at least, measured by the page: a playing replay never gets there."""
    page.wait_for_function(
        """hold => { const s = document.body.dataset.shown, now = performance.now();
                     if (s !== window.heldFrame) { window.heldFrame = s; window.heldSince = now; }
                     return now - window.heldSince >= hold; }""",
        arg=max(periods * ms, 1500), timeout=60_000)


def test_a_replay_plays_offline_and_the_slider_moves_it(browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    rec = replay.record(presets.get("ring8-hopping", seed=1), steps=2580, frames=61)
    path = tmp_path / "replay.html"
    path.write_text(export.replay_html(rec, "ring8-hopping"))
    page, elsewhere, errors = open_offline(browser, path)
    first_x = page.evaluate("() => Array.from(document.getElementById('main').data[3].x.slice(0, 5))")
    np.testing.assert_allclose(first_x, rec.fake[0, :5, 0], rtol=1e-6)
    before = page.screenshot()
    page.locator("#play").click()
    page.wait_for_function("() => +document.body.dataset.shown >= 5", timeout=60_000)
    assert page.locator("#play").inner_text().endswith("Pause")
    x = page.evaluate("() => Array.from(document.getElementById('main').data[3].x.slice(0, 5))")
    assert not np.allclose(x, first_x)
    line = page.evaluate("() => document.getElementById('charts').layout.shapes[0].x0")
    assert line > 0  # the step line on the charts moved on
    assert page.screenshot() != before
    page.locator("#play").click()  # pause
    assert page.locator("#play").inner_text().endswith("Play")
    wait_until_held(page, 3, export.frame_ms(rec.frames))
    paused = shown(page)
    assert page.locator("#status").inner_text().startswith(f"step {int(rec.steps[paused]):,} ")
    assert page.locator("#frame").input_value() == str(paused)

    # the README's picture: the generator sitting on a mode, most of its samples high quality
    best = int(np.argmax(np.where(np.arange(rec.frames) > rec.frames // 2, rec.hq_fraction, -1)))
    page.evaluate(f"() => {{ const s = document.getElementById('frame'); s.value = {best};"
                  " s.dispatchEvent(new Event('input')); }")
    page.wait_for_function(f"() => document.body.dataset.shown === '{best}'", timeout=30_000)
    assert f"step {int(rec.steps[best]):,} " in page.locator("#status").inner_text()
    painted(page)
    page.screenshot(path=ARTIFACTS / "20-replay.png")
    page.screenshot(path=ROOT / "assets" / "replay.png")
    assert not errors, errors
    assert not elsewhere, elsewhere
    page.close()


def test_the_storyboard_export_plays_its_phases_offline(browser, tmp_path):
    path = tmp_path / "story.html"
    path.write_text(export.storyboard_html(counterexample.run_storyboard(seed=0, rounds=2)))
    page, elsewhere, errors = open_offline(browser, path)
    assert page.locator("#status").inner_text() == "Start: the generator away from the data"
    before = page.screenshot()
    page.locator("#play").click()
    page.wait_for_function("() => +document.body.dataset.shown >= 2", timeout=30_000)
    assert page.locator("#status").inner_text().startswith("Round 1: generator moved")
    assert page.screenshot() != before
    page.screenshot(path=ARTIFACTS / "21-storyboard-export.png")
    assert not errors and not elsewhere, (errors, elsewhere)
    page.close()
