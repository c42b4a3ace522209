"""The class site in a real headless Chromium: opened from disk with every request that leaves the
folder blocked, each scene's page plays (its frames advance) with no error, the arrow keys step
through the scenes, and screenshots at a projector's and a large screen's size."""

from pathlib import Path

import pytest
from test_export_browser import ARTIFACTS, open_offline, painted
from test_site import OPTIONS, SCRIPT

from gan_viz.lab import lecture, site
from gan_viz.render import site as render_site

pytestmark = pytest.mark.browser

SIZES = ((1280, 800), (1920, 1080))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    lec = lecture.parse_lecture(SCRIPT, "test")
    out = tmp_path_factory.mktemp("site")
    for name, text in render_site.site_files(lec, list(site.scene_pages(lec, OPTIONS))).items():
        (out / name).write_text(text, encoding="utf-8")
    return out


def plays(frame) -> None:
    """Presses Play in ``frame`` (a page or an iframe) and waits until two more frames are drawn."""
    frame.wait_for_function("() => document.body.dataset.shown === '0'", timeout=60_000)
    frame.locator("#play").click()
    frame.wait_for_function("() => +document.body.dataset.shown >= 2", timeout=60_000)
    assert frame.locator("#play").inner_text().endswith("Pause")


def test_every_scene_plays_from_disk_with_nothing_fetched_from_elsewhere(browser, folder):
    ARTIFACTS.mkdir(exist_ok=True)
    for number, tab in enumerate(("live", "counterexample", "compare", "theory", "collapse_map", "reproduce"), 1):
        path = folder / render_site.scene_file(number)
        page, elsewhere, errors = open_offline(browser, path, ready=None)
        if tab == "compare":  # two replays, each in its own frame, each plays
            page.wait_for_function("() => document.querySelectorAll('iframe').length === 2")
            inner = [f for f in page.frames if f.url.endswith(("-plain.html", "-remedy.html"))]
            assert len(inner) == 2
            for f in inner:
                plays(f)
        elif tab == "collapse_map":  # drawn once: the heatmap and its cells' markers
            page.wait_for_function("() => document.body.dataset.shown === '0'", timeout=60_000)
            assert page.evaluate("() => document.getElementById('map').data.length") == 2
            assert page.locator("table.figures tr").count() == 1 + OPTIONS.map_values ** 2
        elif tab == "reproduce":
            assert page.locator("table.figures tr").count() == 1 + len(site.published_rows())
        elif number == 1:  # the script pauses at step 80: playing stops on its frame (step 93), Play goes on
            page.wait_for_function("() => document.body.dataset.shown === '0'", timeout=60_000)
            page.locator("#play").click()
            page.wait_for_function("() => document.getElementById('play').textContent.endsWith('Play')",
                                   timeout=60_000)
            assert page.evaluate("() => document.body.dataset.shown") == "3"
            assert "step 93 " in page.locator("#status").inner_text()
            page.locator("#play").click()
            page.wait_for_function("() => document.body.dataset.shown === '4'", timeout=60_000)
        else:
            plays(page)
        assert page.locator(".scene-nav .where").inner_text().startswith(f"Scene {number} of 6")
        assert not errors, (path.name, errors)
        assert not elsewhere, (path.name, elsewhere)
        page.close()


def test_the_arrow_keys_step_through_the_scenes_and_space_plays(browser, folder):
    page, elsewhere, errors = open_offline(browser, folder / "index.html", ready=None)
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/scene-01.html")
    page.wait_for_function("() => document.body.dataset.shown === '0'", timeout=60_000)
    page.keyboard.press("Space")
    page.wait_for_function("() => +document.body.dataset.shown >= 1", timeout=60_000)
    page.keyboard.press("PageDown")
    page.wait_for_url("**/scene-02.html")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/scene-01.html")
    page.keyboard.press("PageUp")
    page.wait_for_url("**/index.html")
    assert not errors and not elsewhere, (errors, elsewhere)
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_the_index_and_a_scene(browser, folder, size):
    w, h = size
    page, elsewhere, errors = open_offline(browser, folder / "index.html", ready=None, size=size)
    assert page.locator("li.scene").count() == 6
    page.screenshot(path=ARTIFACTS / f"30-site-index-{w}x{h}.png")
    page.close()
    page, elsewhere, errors = open_offline(browser, folder / render_site.scene_file(1), size=size)
    painted(page)
    page.screenshot(path=ARTIFACTS / f"31-site-scene-{w}x{h}.png")
    assert not errors and not elsewhere, (errors, elsewhere)
    page.close()
