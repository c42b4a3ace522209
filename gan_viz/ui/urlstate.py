"""The whole app configuration in the URL: query parameters to a Config and back.

A shared link reads ``?preset=ring8-hopping&train.lr_d=0.0003&seed=4``: the preset gives the
base configuration and every other parameter is a dotted config key that overrides it.
Parameters that are unknown, malformed or out of range are reported and ignored one by one,
so a half-broken link still opens the closest scene it describes.

Streamlit drops a whole query string of more than 1,000 parameters or 512 KiB before the app
sees it; ``note_dropped_links`` (called by the app at each run) has it leave a note instead, so
the page can say that the link was ignored and why. The first page a fresh server serves is read
before the app first runs, so only that one page opens such a link without the note.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence

from streamlit.runtime.state import query_params as _streamlit_query

from gan_viz.core import bounds
from gan_viz.core import config as config_lib
from gan_viz.core.config import Config
from gan_viz.lab import presets

PRESET_KEY = "preset"
DROPPED_KEY = "link_ignored"  # the note left for a link Streamlit dropped: "<parameters>-<characters>"
# Uploaded samples stay in the server's memory: a link never carries them (it says layout=samples,
# which a page opened from it reports as missing its samples).
PRIVATE_KEYS = ("data.samples",)
# View options that are not part of the configuration (``view.pace`` is: presets set it).
VIEW_KEYS = ("view.arrows", "view.manifold", "view.dstar", "view.whole_run", "view.projector")
# Lecture mode: ``?lecture=w3l8&scene=3`` opens the presenter view at scene 3 (``lecture_from_query``).
LECTURE_KEYS = ("lecture", "scene")
_LECTURE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def config_from_query(params: Mapping[str, str | Sequence[str]]) -> tuple[str, Config, dict[str, str], list[str]]:
    """Parses query parameters (a value may be the list of a repeated parameter's values).

    A number outside its range (``gan_viz.core.bounds``) is clamped to the nearest bound; a
    repeated parameter takes its last value. Both say so in a warning.

    Returns:
        ``(preset name, config, view options, warnings)``; each warning is one sentence
        naming the parameter, what was wrong and what was used instead. Warnings quote the
        link's text: show them through ``inert``.
    """
    warnings: list[str] = []
    flat: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, str):
            flat[key] = value
        elif value:
            values = list(value)
            flat[key] = values[-1]
            if len(values) > 1:
                warnings.append(f"URL parameter {_q(key)} is given {len(values)} times "
                                f"({', '.join(_q(v) for v in values[:5])}); using the last, {_q(values[-1])}.")
    if DROPPED_KEY in flat:
        warnings.append(_dropped_warning(flat.pop(DROPPED_KEY)))
    name = flat.get(PRESET_KEY, presets.DEFAULT)
    if name not in presets.PRESETS:
        warnings.append(f"Unknown preset {_q(name)} in the URL; using {presets.DEFAULT!r}.")
        name = presets.DEFAULT
    cfg = presets.get(name)
    view: dict[str, str] = {}
    # the layout last: a custom layout is only valid once its centres are in
    for key, value in sorted(flat.items(), key=lambda kv: kv[0] == "data.layout"):
        if key == PRESET_KEY or key in LECTURE_KEYS:
            continue
        if key in VIEW_KEYS:
            view[key] = value
            continue
        try:
            cfg = config_lib.validate(config_lib.override(cfg, key, value))
        except ValueError as e:
            clamped = _clamped(cfg, key, value)
            if clamped is None:
                warnings.append(f"Ignored URL parameter {_q(key)}={_q(value)}: {e}.")
            else:
                cfg, used = clamped
                warnings.append(f"URL parameter {_q(key)}={_q(value)} is outside {bounds.describe(key)}; "
                                f"using {used}.")
    return name, cfg, view, warnings


def lecture_from_query(params: Mapping[str, str | Sequence[str]]) -> tuple[str | None, int, list[str]]:
    """``?lecture=NAME&scene=N``: the lecture's name (None: no lecture mode), the scene number (from 1)
    and a warning for each malformed value, which is ignored (a repeated one takes its last value,
    as ``config_from_query`` says). Whether the lecture exists and has that scene is the presenter's check."""
    flat = {}
    for key in LECTURE_KEYS:
        value = params.get(key)
        values = [value] if isinstance(value, str) else list(value or [])
        if values:
            flat[key] = values[-1]
    warnings: list[str] = []
    name = flat.get("lecture")
    if name is not None and not _LECTURE_NAME.fullmatch(name):
        warnings.append(f"Ignored URL parameter 'lecture'={_q(name)}: a lecture's name is letters, digits, "
                        "'.', '_' and '-' (at most 64).")
        name = None
    scene, raw = 1, flat.get("scene")
    if raw is not None:
        if re.fullmatch(r"\s*[0-9]{1,4}\s*", raw) and int(raw) >= 1:
            scene = int(raw)
        else:
            warnings.append(f"Ignored URL parameter 'scene'={_q(raw)}: a scene is a number from 1; opening scene 1.")
        if name is None and "lecture" not in flat:
            warnings.append("Ignored URL parameter 'scene': it needs 'lecture' (e.g. ?lecture=w3l8&scene=2).")
    return name, scene, warnings


def _dropped_warning(note: str) -> str:
    m = re.fullmatch(r"(\d{1,12})-(\d{1,12})", note)
    size = f" has {int(m.group(1)):,} parameters ({int(m.group(2)):,} characters) and" if m else ""
    return (f"This link{size} was ignored: Streamlit reads links of at most {_MAX_FIELDS:,} parameters and "
            f"{_MAX_CHARS // 1024} KiB, so the page opened {presets.DEFAULT!r} instead.")


def note_dropped_links() -> None:
    """Makes Streamlit replace a query string it drops for its size by ``DROPPED_KEY=<parameters>-<characters>``
    (its own check is kept: the link itself is still ignored). Idempotent; does nothing on a Streamlit
    without that check (tested with 1.67)."""
    from streamlit.runtime import app_session
    from streamlit.runtime.state import query_params

    original = getattr(query_params, "sanitize_query_string", None)
    if original is None or not hasattr(app_session, "sanitize_query_string"):
        return  # a Streamlit without this check: links are read as they come
    if getattr(original, "notes_dropped_links", False):
        return

    def sanitize(query_string: str) -> str:
        kept = original(query_string)
        if query_string and not kept:
            return f"{DROPPED_KEY}={query_string.count('&') + 1}-{len(query_string)}"
        return kept

    sanitize.notes_dropped_links = True  # type: ignore[attr-defined]
    query_params.sanitize_query_string = sanitize  # used by QueryParams (and AppTest)
    app_session.sanitize_query_string = sanitize  # used on each rerun request from a browser


def _clamped(cfg: Config, key: str, value: str) -> tuple[Config, str] | None:
    """``cfg`` with ``value`` clamped into ``key``'s range, when that is what was wrong."""
    if key not in bounds.BOUNDS or key in ("data.centres", "data.weights"):
        return None
    try:
        v = bounds.parse_number(value)
        if not math.isfinite(v):
            return None
        b = bounds.BOUNDS[key]
        if b.lo <= v <= b.hi:  # in range: something else was wrong with it
            return None
        used = bounds.clamp(key, v)
        return config_lib.validate(config_lib.override(cfg, key, used)), f"{used:g}"
    except (ValueError, OverflowError):
        return None


def _q(text: str, limit: int = 60) -> str:
    """``text`` quoted and cut to ``limit`` characters, for a warning."""
    return config_lib.short(str(text), limit)


_MAX_FIELDS = getattr(_streamlit_query, "CLIENT_STATE_QUERY_STRING_MAX_FIELDS", 1000)
_MAX_CHARS = getattr(_streamlit_query, "CLIENT_STATE_QUERY_STRING_MAX_LENGTH", 512 * 1024)

_MD_SPECIAL = re.compile(r"([!-/:-@\\[-`{-~])")  # every ASCII punctuation character
# GitHub-flavoured Markdown also links bare URLs, www. names and e-mail addresses after
# escapes are resolved; a zero-width space inside each trigger stops that
_AUTOLINK = re.compile(r"(:)(//)|(www)(\.)|()(@)", re.IGNORECASE)
_ZWSP = "\u200b"


def inert(text: str) -> str:
    """``text`` for Streamlit's Markdown, shown as typed: never a link, image, HTML or LaTeX.

    Every ASCII punctuation character is backslash-escaped, and a zero-width space breaks
    each ``://``, ``www.`` and ``@``, which GitHub-flavoured Markdown would turn into links.
    """
    broken = _AUTOLINK.sub(lambda m: _ZWSP.join(g for g in m.groups() if g is not None), text.replace("\n", " "))
    return _MD_SPECIAL.sub(r"\\\1", broken)


def _encode(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def query_from_config(preset: str, cfg: Config, view: Mapping[str, object] | None = None) -> dict[str, str]:
    """The shortest query that reproduces ``cfg``: the preset plus the keys that differ from it."""
    base, now = config_lib.flat(presets.get(preset)), config_lib.flat(cfg)
    query = {PRESET_KEY: preset}
    for key, value in now.items():
        if base.get(key) != value and key not in PRIVATE_KEYS:
            query[key] = _encode(value)
    for key, value in (view or {}).items():
        query[key] = _encode(value)
    return query

