"""Lecture scripts: a lecture as numbered scenes a lecturer steps through (presenter view, class site).

A script is a TOML file: a ``title`` and one ``[[scene]]`` table per scene, in order. A scene names
its tab, a preset with overrides, view toggles, the pace, the step it opens at, one line of what to
watch, speaker notes and scripted actions (see docs/lecture.md for every key). Packaged scripts live in
``gan_viz/lab/lectures``; ``w3l8`` follows the lecture.

Every mistake in a script is one ``LectureError`` line naming the scene and the key, e.g.
``scene 3 (The frozen classifier): 'pace' must be a number > 0, got 'fast'``: the parser never
raises anything else, whatever the text (a property test feeds it arbitrary text and TOML).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from gan_viz.core import bounds
from gan_viz.core import config as config_lib
from gan_viz.core.config import Config
from gan_viz.lab import presets

TABS = ("live", "counterexample", "theory", "collapse_map", "compare", "reproduce")
VIEWS = ("arrows", "dstar", "manifold", "whole_run", "projector")  # urlstate.VIEW_KEYS without "view."
ACTIONS = ("freeze_d", "unfreeze_d", "step", "step_d", "step_g", "play", "pause")
MAX_BYTES = 256 * 1024  # a script longer than this is refused (a lecture is a few kilobytes)
MAX_SCENES = 60
MAX_ACTIONS = 40
MAX_TIMES = 1000  # an action's ``times``
MAX_START_STEP = 100_000  # a scene's opening state is trained to this step in the background
LECTURE_KEYS = ("title", "scene")
SCENE_KEYS = ("title", "tab", "preset", "overrides", "view", "pace", "start_step", "watch", "notes", "actions",
              "remedy")
ACTION_KEYS = ("do", "at_step", "times")


class LectureError(ValueError):
    """A script that cannot be used; the message is one line naming the scene and the key."""


@dataclass(frozen=True)
class Action:
    """A scripted action: ``do`` fires ``times`` times when the run reaches ``at_step`` (None: when the
    scene opens)."""

    do: str
    at_step: int | None
    times: int = 1


@dataclass(frozen=True)
class Scene:
    """One scene: a tab showing a preset's run (with overrides) from ``start_step``.

    ``remedy`` (Compare tab only) is the key of ``presets.REMEDIES`` run beside the plain GAN."""

    number: int
    title: str
    tab: str
    preset: str
    overrides: tuple[str, ...]
    view: tuple[str, ...]
    pace: float | None
    start_step: int
    watch: str
    notes: str
    actions: tuple[Action, ...]
    remedy: str | None = None

    def config(self) -> Config:
        """The preset's configuration with the overrides (and the pace) applied."""
        extra = [f"view.pace={self.pace!r}"] if self.pace is not None else []
        return config_lib.apply_overrides(presets.get(self.preset), [*self.overrides, *extra])

    def view_keys(self) -> dict[str, bool]:
        """Every view toggle by its ``urlstate.VIEW_KEYS`` name: on for the scene's."""
        return {f"view.{v}": v in self.view for v in VIEWS}


@dataclass(frozen=True)
class Lecture:
    name: str
    title: str
    scenes: tuple[Scene, ...]

    def scene(self, number: int) -> Scene:
        """Scene ``number`` (from 1), clamped into the lecture."""
        return self.scenes[min(max(number, 1), len(self.scenes)) - 1]


def lecture_names() -> tuple[str, ...]:
    """The packaged scripts' names."""
    folder = resources.files("gan_viz.lab") / "lectures"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")))


def load_lecture(name_or_path: str) -> Lecture:
    """A packaged script by name (``w3l8``) or a script file by path."""
    if name_or_path in lecture_names():
        text = (resources.files("gan_viz.lab") / "lectures" / f"{name_or_path}.toml").read_text(encoding="utf-8")
        return parse_lecture(text, name_or_path)
    path = Path(name_or_path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise LectureError(f"lecture file {_q(name_or_path)} is over {MAX_BYTES // 1024} KiB")
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as e:
        if isinstance(e, LectureError):
            raise
        known = ", ".join(lecture_names())
        raise LectureError(f"no lecture {_q(name_or_path)}: not a packaged script ({known}) and not a readable "
                           f"UTF-8 file ({type(e).__name__})") from None
    return parse_lecture(text, path.stem)


def parse_lecture(text: str, name: str) -> Lecture:
    """Parses a script's text; ``name`` names the lecture (a file's stem). Raises only ``LectureError``."""
    where = f"lecture {_q(name)}"
    if len(text) > MAX_BYTES:
        raise LectureError(f"{where}: the script is over {MAX_BYTES // 1024} KiB")
    try:
        doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as e:
        raise LectureError(f"{where}: not valid TOML: {_line(str(e))}") from None
    _known(doc, LECTURE_KEYS, where)
    title = _text(doc, "title", where, required=True)
    raw = doc.get("scene")
    if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
        raise LectureError(f"{where}: 'scene' must be one or more [[scene]] tables")
    if len(raw) > MAX_SCENES:
        raise LectureError(f"{where}: {len(raw)} scenes, at most {MAX_SCENES}")
    scenes = tuple(_scene(i + 1, s) for i, s in enumerate(raw))
    return Lecture(name=name, title=title, scenes=scenes)


def _scene(number: int, raw: dict[str, Any]) -> Scene:
    title = raw.get("title")
    where = f"scene {number}" + (f" ({_line(title, 50)})" if isinstance(title, str) and title.strip() else "")
    _known(raw, SCENE_KEYS, where)
    title = _text(raw, "title", where, required=True)
    tab = _choice(raw, "tab", TABS, where)
    preset = _choice(raw, "preset", tuple(presets.PRESETS), where)
    overrides = _strings(raw, "overrides", where)
    for o in overrides:
        if "=" not in o:
            raise LectureError(f"{where}: 'overrides' entries are key=value strings, got {_q(o)}")
    view = _strings(raw, "view", where)
    for v in view:
        if v not in VIEWS:
            raise LectureError(f"{where}: 'view' entries are from {', '.join(VIEWS)}; got {_q(v)}")
    pace = raw.get("pace")
    if pace is not None:
        lo, hi = bounds.limits("view.pace")
        if isinstance(pace, bool) or not isinstance(pace, (int, float)) or not math.isfinite(pace) or pace <= 0:
            raise LectureError(f"{where}: 'pace' must be a number > 0, got {_q(pace)}")
        if not lo <= pace <= hi:
            raise LectureError(f"{where}: 'pace' must be within {lo:g}..{hi:g} steps/s, got {_q(pace)}")
        pace = float(pace)
    start = _int(raw, "start_step", where, 0, MAX_START_STEP, default=0)
    actions_raw = raw.get("actions", [])
    if not isinstance(actions_raw, list) or not all(isinstance(a, dict) for a in actions_raw):
        raise LectureError(f"{where}: 'actions' must be a list of tables like {{do = \"freeze_d\", at_step = 100}}")
    if len(actions_raw) > MAX_ACTIONS:
        raise LectureError(f"{where}: 'actions' has {len(actions_raw)} entries, at most {MAX_ACTIONS}")
    actions = tuple(_action(a, f"{where}, action {i + 1}") for i, a in enumerate(actions_raw))
    remedy = raw.get("remedy")
    if remedy is not None:
        remedy = _remedy(remedy, tab, where)
    scene = Scene(number=number, title=title, tab=tab, preset=preset, overrides=overrides, view=view, pace=pace,
                  start_step=start, watch=_text(raw, "watch", where), notes=_text(raw, "notes", where, oneline=False),
                  actions=actions, remedy=remedy)
    try:
        cfg = scene.config()
    except (ValueError, TypeError, OverflowError) as e:
        raise LectureError(f"{where}: 'overrides': {_line(str(e))}") from None
    if start > cfg.train.steps:
        raise LectureError(f"{where}: 'start_step' {start} is past the run's budget (train.steps = {cfg.train.steps})")
    return scene


def _action(raw: dict[str, Any], where: str) -> Action:
    _known(raw, ACTION_KEYS, where)
    do = _choice(raw, "do", ACTIONS, where)
    at = _int(raw, "at_step", where, 0, 10_000_000, default=None)
    times = _int(raw, "times", where, 1, MAX_TIMES, default=1)
    return Action(do=do, at_step=at, times=times)


def _remedy(value: Any, tab: str, where: str) -> str:
    """A ``presets.REMEDIES`` key, given whole or by its first word (``unrolled``, ``PacGAN``, ``R1``)."""
    if tab != "compare":
        raise LectureError(f"{where}: 'remedy' is for tab = \"compare\" only")
    if isinstance(value, str):
        for key in presets.REMEDIES:
            if value.strip().lower() in (key.lower(), key.split()[0].lower()):
                return key
    short = ", ".join(k.split()[0] for k in presets.REMEDIES)
    raise LectureError(f"{where}: 'remedy' must be one of {short}; got {_q(value)}")


def _known(raw: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in raw:
        if key not in allowed:
            raise LectureError(f"{where}: unknown key {_q(key)}; keys are {', '.join(allowed)}")


def _text(raw: dict[str, Any], key: str, where: str, required: bool = False, oneline: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise LectureError(f"{where}: {key!r} must be {'a non-empty' if required else 'a'} string, got {_q(value)}")
    return " ".join(value.split()) if oneline else value.strip()


def _choice(raw: dict[str, Any], key: str, options: tuple[str, ...], where: str) -> str:
    value = raw.get(key)
    if value not in options or not isinstance(value, str):
        shown = ", ".join(options) if len(options) <= 12 else ", ".join(options[:12]) + ", ..."
        raise LectureError(f"{where}: {key!r} must be one of {shown}; got {_q(value)}")
    return value


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LectureError(f"{where}: {key!r} must be a list of strings, got {_q(value)}")
    return tuple(v.strip() for v in value)


def _int(raw: dict[str, Any], key: str, where: str, lo: int, hi: int, default: int | None) -> int | None:
    value = raw.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise LectureError(f"{where}: {key!r} must be a whole number within {lo:,}..{hi:,}, got {_q(value)}")
    return value


def _q(value: Any) -> str:
    """``value`` quoted and cut short, on one line."""
    return _line(config_lib.short(value, 60))


def _line(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
