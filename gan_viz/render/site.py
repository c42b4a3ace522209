"""The class copy of a lecture as a static site: an index of the scenes in order, one page per scene
and one copy of plotly.js, all in one folder, linked by relative URLs (opens from disk or any
static host; no request leaves the folder).

Pure drawing: the scenes' contents (``gan_viz.lab.site.ScenePage``, read by attribute) in, the
files out as ``{name: text}`` (``site_files``); writing them is the caller's. A scene's page is a
replay of ``render/export.py`` (live, theory), two of them side by side or one above the other
(compare), the storyboard (counterexample), a heatmap and its table (collapse map) or the published
figures' table (reproduce), each under a bar with the lecture's navigation (``templates/site_nav.js``:
arrows and Page Up/Down, as a clicker sends) and the scene's line of what to watch.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

import plotly.io as pio
from plotly.offline import get_plotlyjs

from gan_viz.lab import reproduce
from gan_viz.render import charts, export
from gan_viz.render.theme import CONTOUR, INK

PLOTLY_FILE = "plotly.min.js"  # the site's one copy of plotly.js, beside every page
INDEX = "index.html"
TAB_NAMES = {"live": "Live training", "counterexample": "Counter-example", "theory": "Theory",
             "collapse_map": "Collapse map", "compare": "Compare", "reproduce": "Reproduce"}
SOURCE_NAMES = {"pacgan_table1": "PacGAN, Table 1", "veegan_table1": "VEEGAN, Table 1"}
MAP_COLUMNS = (("modes_captured_mean", "modes captured", "{:.1f}"), ("hq_fraction_mean", "% high quality", "{:.0%}"),
               ("hop_events_mean", "mode hops", "{:.1f}"), ("collapsed_fraction", "collapsed (share of runs)",
                                                            "{:.0%}"), ("diverged_fraction", "diverged", "{:.0%}"))


def scene_file(number: int, part: str = "") -> str:
    """The file of scene ``number``'s page (``scene-03.html``), or of one of its parts (``scene-05-plain.html``)."""
    return f"scene-{number:02d}{'-' + part if part else ''}.html"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def banner(scene: Any, count: int, scripted: Sequence[str] = (), presenter_only: Sequence[str] = ()) -> str:
    """The bar on top of a scene's page: the index, Back and Next, where it stands, what to watch, and
    what the script does in it; then the site's keys (``templates/site_nav.js``)."""
    n = scene.number
    back = f"<a href='{scene_file(n - 1) if n > 1 else INDEX}' rel='prev'>&larr; Back</a>"
    nxt = f"<a href='{scene_file(n + 1)}' rel='next'>Next &rarr;</a>" if n < count else ""
    out = (f"<nav class='scene-nav'><a href='{INDEX}'>All scenes</a>{back}<span class='where'>Scene {n} of {count}: "
           f"{_e(scene.title)}</span>{nxt}</nav>")
    if scene.watch:
        out += f"<div class='watch'><b>Watch:</b> {_e(scene.watch)}</div>"
    if scripted:
        out += f"<div class='scripted'>Scripted, acted out in this replay: {_e('; '.join(scripted))}</div>"
    if presenter_only:
        out += (f"<div class='scripted'>Scripted in the lecture: {_e(', '.join(presenter_only))} "
                "(here: the Play button and the slider)</div>")
    return out + f"<script>{export.template('site_nav.js')}</script>"


def _heading(page: Any) -> str:
    scene = page.scene
    return f"Scene {scene.number}: {scene.title}"


def replay_pages(page: Any, count: int) -> dict[str, str]:
    """A live, theory or compare scene: its replay, or for compare a page holding the two replays
    (each its own page, side by side on a wide screen, else one above the other)."""
    scene = page.scene
    top = banner(scene, count, page.scripted, page.presenter_only)
    if len(page.replays) == 1:
        shown = page.replays[0]
        return {scene_file(scene.number): export.replay_html(shown.replay, shown.preset, shown.changes,
                                                              plotly_src=PLOTLY_FILE, banner=top, pause_at=page.pauses)}
    files, figures = {}, []
    for part, shown in zip(("plain", "remedy"), page.replays):
        name = scene_file(scene.number, part)
        up = (f"<nav class='scene-nav'><a href='{scene_file(scene.number)}' target='_top'>Scene {scene.number}: "
              f"{_e(scene.title)}</a><span class='where'>{_e(shown.label)}</span></nav>"
              f"<script>{export.template('site_nav.js')}</script>")
        files[name] = export.replay_html(shown.replay, shown.preset, shown.changes, plotly_src=PLOTLY_FILE, banner=up,
                                         pause_at=page.pauses)
        figures.append(f"<iframe src='{name}' title='{_e(shown.label)}'></iframe>")
    body = top + f"<div class='pair'>{''.join(figures)}</div>"
    files[scene_file(scene.number)] = export.page_html(_heading(page), body, 1, "", PLOTLY_FILE, page_class="doc")
    return files


def map_page(page: Any, count: int) -> str:
    """The collapse map scene: the map computed for the site, coloured by modes captured, and every
    cell's figures in a table."""
    result = page.collapse_map
    x, y = result.x, result.y
    xl, yl = [x.label(i) for i in range(len(x.values))], [y.label(j) for j in range(len(y.values))]
    fig = charts.collapse_map(result.grid("modes_captured_mean"), xl, yl, x.key, y.key, "modes captured")
    fig.update_layout(height=None, autosize=True, clickmode="none")
    rows = []
    for i, c in enumerate(result.cells):  # row-major: y outer, x inner
        cells = "".join(f"<td>{'' if c.get(k) is None else f.format(c[k])}</td>" for k, _, f in MAP_COLUMNS)
        rows.append(f"<tr><td>{x.key} {xl[i % len(xl)]}, {y.key} {yl[i // len(xl)]}</td>{cells}</tr>")
    head = "".join(f"<th>{_e(label)}</th>" for _, label, _ in MAP_COLUMNS)
    what = (f"{len(result.cells)} cells x {len(result.seeds)} seeds, {result.steps:,} steps each, computed when this "
            "site was written; each figure is the mean over the cell's seeds (diverged runs left out).")
    body = (banner(page.scene, count) + f"<h1>{_e(_heading(page))}</h1><div class='sub'>{_e(what)}</div>"
            "<div id='map' class='map'></div>"
            f"<table class='figures'><tr><th>cell</th>{head}</tr>{''.join(rows)}</table>")
    script = export.template("site_map.js", fig=export.safe_json(pio.to_json(fig, validate=False)),
                             config=json.dumps(export.CONFIG))
    return export.page_html(_heading(page), body, 1, script, PLOTLY_FILE, page_class="doc")


def _num(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def table_page(page: Any, count: int) -> str:
    """The reproduce scene: the literature's published figures, one row per paper's row, with where
    each comes from."""
    def fig(row: dict, key: str, pct: bool = False) -> str:
        v, se = row.get(key), row.get(key + "_se")
        if v is None:
            return ""
        if pct:
            v, se = 100 * v, None if se is None else 100 * se
        return f"{v:g}{' %' if pct else ''}" + ("" if se is None else f" &plusmn; {se:g}")

    rows = "".join(f"<tr><td>{_e(r['dataset'])}</td><td class='text'>{_e(r['row'])}</td>"
                   f"<td class='text'>{_e(SOURCE_NAMES.get(r['source'], r['source']))}</td>"
                   f"<td>{fig(r, 'modes_captured')}</td><td>{fig(r, 'hq_fraction', True)}</td>"
                   f"<td>{fig(r, 'reverse_kl')}</td></tr>" for r in page.published)
    notes = "".join(f"<p class='source'>{_e(text)}</p>" for text in reproduce.SOURCES.values())
    body = (banner(page.scene, count) + f"<h1>{_e(_heading(page))}</h1>"
            "<div class='sub'>The published figures of the literature's mode-collapse table (quoted, not trained "
            "here; `gan-viz reproduce` trains them).</div><table class='figures'><tr><th>data</th><th>method</th>"
            "<th>source</th><th>modes captured</th><th>high quality</th><th>reverse KL</th></tr>"
            f"{rows}</table>{notes}")
    return export.page_html(_heading(page), body, 1, "", PLOTLY_FILE, page_class="doc")


def storyboard_page(page: Any, count: int) -> str:
    """The counter-example scene: the storyboard, a phase at a time."""
    return export.storyboard_html(page.storyboard, _heading(page), plotly_src=PLOTLY_FILE,
                                  banner=banner(page.scene, count))


def index_html(lecture: Any, pages: Sequence[Any], footer: str = "") -> str:
    """The index: every scene in order with its tab, title, what to watch and the speaker notes, and a
    link to its page."""
    items = []
    for page in pages:
        s = page.scene
        tab = TAB_NAMES.get(s.tab, s.tab) + ("" if s.tab in ("reproduce",) else f" &middot; {_e(s.preset)}")
        if s.remedy:
            tab += f" beside the {_e(s.remedy)}"
        items.append(
            f"<li class='scene' id='scene-{s.number}'><h2><a href='{scene_file(s.number)}'>{s.number}. {_e(s.title)}"
            f"</a></h2><div class='tab'>{tab}</div>"
            + (f"<div class='watch'><b>Watch:</b> {_e(s.watch)}</div>" if s.watch else "")
            + (f"<div class='notes'><b>Speaker notes:</b>\n{_e(s.notes)}</div>" if s.notes else "")
            + f"<div class='open'><a href='{scene_file(s.number)}'"
            + (" rel='next'" if s.number == 1 else "") + ">Open the scene &rarr;</a></div></li>")
    lead = (f"{len(pages)} scenes. Each plays from this folder with no server and no network: open a scene, press "
            "Play or drag the slider; Right and Left arrow keys (or a clicker) step through the scenes.")
    css = export.template("site.css", ink=INK, contour=CONTOUR, title_px=export.TITLE_PX,
                          text_px=export.TEXT_PX, sub_px=export.TEXT_PX - 2)
    return export.template("site_index.html", title=_e(lecture.title), css=css, lead=_e(lead), scenes="".join(items),
                           footer=_e(footer), nav=export.template("site_nav.js"))


def scene_files(page: Any, count: int) -> dict[str, str]:
    """Every file of one scene's page (the compare scene has three)."""
    tab = page.scene.tab
    if page.replays:
        return replay_pages(page, count)
    if tab == "counterexample":
        return {scene_file(page.scene.number): storyboard_page(page, count)}
    if tab == "collapse_map":
        return {scene_file(page.scene.number): map_page(page, count)}
    return {scene_file(page.scene.number): table_page(page, count)}


def site_files(lecture: Any, pages: Sequence[Any], footer: str = "") -> dict[str, str]:
    """The whole site: ``index.html``, ``plotly.min.js`` and each scene's files."""
    files = {INDEX: index_html(lecture, pages, footer), PLOTLY_FILE: get_plotlyjs()}
    for page in pages:
        files.update(scene_files(page, len(pages)))
    return files
