"""The class copy of a lecture: what ``gan-viz site`` computes for each scene (drawn by
``gan_viz.render.site``; no HTML here).

Per scene of a lecture (``gan_viz.lab.lecture``), by its tab:

- live, theory: the scene's run (``Scene.config``) recorded as a replay (``replay.record``) from
  its opening step to the end of its budget, with the scripted actions that change what trains
  acted out at their steps (``schedule``): Freeze D is k_D = 0 from that step, Unfreeze D gives D
  its steps back, "step D n times" is n rounds of one D step alone (G frozen), then as before.
  A Pause at a step stops the replay's playing there; Play, Step and a Pause without a step change
  nothing that trains: the replay's own Play and slider do them.
- compare: two replays from the same seed, the run and the same run with the scene's remedy
  (``presets.with_remedy``), on one schedule.
- counterexample: the lecture's storyboard (``counterexample.run_storyboard``) of the scene's
  configuration and seed.
- collapse_map: a small map computed here (``sweep.sweep``): lr_D x lr_G, each from 1e-4 to 1e-2
  on a log scale (the app's default map, fewer values), the scene's configuration, a few seeds
  and a short budget (``Options``).
- reproduce: the literature's published figures (``reproduce.PUBLISHED``), quoted, not trained.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from gan_viz.core.config import Config, TrainConfig
from gan_viz.lab import counterexample, presets, replay, reproduce, sweep
from gan_viz.lab.lecture import Lecture, Scene

TRAINING_ACTIONS = ("freeze_d", "unfreeze_d", "step_d", "step_g")  # what a replay acts out
MAP_RANGE = "1e-4:1e-2"  # both axes of the site's collapse map (lr_d, lr_g)


@dataclass(frozen=True)
class Options:
    """How much the site computes: frames per replay, the storyboard's rounds, the map's size."""

    frames: int = 120
    story_rounds: int = 3
    map_values: int = 4  # values per axis
    map_seeds: int = 2
    map_steps: int = 2000

    def check(self) -> Options:
        """Raises ValueError (one line, naming the flag) for a value out of range."""
        for name, value, lo, hi in (("frames", self.frames, 2, 1000), ("story-rounds", self.story_rounds, 1,
                                    counterexample.MAX_ROUNDS), ("map-values", self.map_values, 2, 12),
                                    ("map-seeds", self.map_seeds, 1, 16), ("map-steps", self.map_steps, 1, 200_000)):
            if not lo <= value <= hi:
                raise ValueError(f"--{name} must be within {lo:,}..{hi:,}, got {value}")
        return self


@dataclass(frozen=True)
class Shown:
    """One replay on a scene's page: its label, the recording, the preset it changes and how."""

    label: str
    replay: replay.Replay
    preset: str
    changes: tuple[str, ...]


@dataclass(frozen=True)
class ScenePage:
    """What a scene's page shows (which fields are set depends on its tab)."""

    scene: Scene
    replays: tuple[Shown, ...] = ()
    scripted: tuple[str, ...] = ()  # the scripted actions acted out, in words, at the step they took effect
    presenter_only: tuple[str, ...] = ()  # the scripted actions a replay leaves to its Play and slider
    pauses: tuple[int, ...] = ()  # the steps of the scripted pauses: playing stops there
    storyboard: Any = None  # counterexample.Storyboard
    collapse_map: sweep.SweepResult | None = None
    published: tuple[dict, ...] = ()
    seconds: float = 0.0


def schedule(scene: Scene, config: Config) -> tuple[list[tuple[int, TrainConfig]], list[str]]:
    """The scene's training actions as ``replay.record``'s schedule (increasing steps; an action
    without a step acts when the scene opens) and, per change, what it does in words (``{step}``
    where the step it took effect goes)."""
    base, now = config.train, config.train
    out: list[tuple[int, TrainConfig]] = []
    words: list[str] = []
    acts = sorted((a for a in scene.actions if a.do in TRAINING_ACTIONS),
                  key=lambda a: scene.start_step if a.at_step is None else a.at_step)
    for a in acts:
        at = max(scene.start_step if a.at_step is None else a.at_step, scene.start_step)
        if a.do == "freeze_d":
            now = replace(now, k_d=0)
            out.append((at, now))
            words.append("Freeze D: k_D = 0 from step {step}")
        elif a.do == "unfreeze_d":
            now = replace(now, k_d=base.k_d or 1)
            out.append((at, now))
            words.append(f"Unfreeze D: k_D = {now.k_d} from step {{step}}")
        else:
            net = a.do[-1].upper()
            alone = replace(now, k_d=1, k_g=0) if net == "D" else replace(now, k_d=0, k_g=1)
            out += [(at, alone), (at + a.times, now)]
            words += [f"{a.times} {net} step{'s' if a.times > 1 else ''} alone from step {{step}}",
                      "then as before from step {step}"]
    return out, words


def _span(scene: Scene, config: Config, plan: list[tuple[int, TrainConfig]]) -> int:
    """Steps a scene's replay covers from its opening step: to the end of the run's budget, and on
    past the last scripted change by a quarter of the budget if that comes later."""
    end = config.train.steps
    if plan:
        end = max(end, plan[-1][0] + config.train.steps // 4)
    return max(end - scene.start_step, 1)


def _record(scene: Scene, config: Config, options: Options, progress) -> tuple[replay.Replay, list[str]]:
    plan, words = schedule(scene, config)
    rec = replay.record(config, steps=_span(scene, config, plan), frames=options.frames, start=scene.start_step,
                        schedule=plan, progress=progress)
    return rec, [w.format(step=f"{s:,}") for w, s in zip(words, rec.changed_at)]


def published_rows() -> tuple[dict, ...]:
    """Every published figure the literature's table quotes, one row per dataset, method and source:
    dataset, method, source, row (the paper's name for it), modes_captured, hq_fraction, reverse_kl
    (None where the paper gives none) and their standard errors where given."""
    rows = []
    for dataset, by_method in reproduce.PUBLISHED.items():
        for method, by_source in by_method.items():
            for source, figs in by_source.items():
                rows.append({"dataset": dataset, "method": method, "source": source, **{
                    k: figs.get(k) for k in ("row", "modes_captured", "modes_captured_se", "hq_fraction",
                                             "hq_fraction_se", "reverse_kl", "reverse_kl_se")}})
        for ds, figs in reproduce.VEEGAN_ROW.items():
            if ds == dataset:
                rows.append({"dataset": dataset, "method": "veegan", "source": "veegan_table1", "row": "VEEGAN",
                             "modes_captured": figs["modes_captured"], "hq_fraction": figs["hq_fraction"]})
    return tuple(rows)


def scene_page(scene: Scene, options: Options = Options(),
               progress: Callable[[int, int], None] | None = None) -> ScenePage:
    """Computes what ``scene``'s page shows (see the module docstring)."""
    t0 = time.perf_counter()
    config = scene.config()
    page: dict[str, Any] = {}
    if scene.tab in ("live", "theory", "compare"):
        runs = [("", config)]
        if scene.tab == "compare":
            remedy = scene.remedy or next(iter(presets.REMEDIES))
            runs = [("the plain GAN", config), (f"with the {remedy}", presets.with_remedy(config, remedy))]
        shown, words = [], []
        for label, cfg in runs:
            rec, words = _record(scene, cfg, options, progress)
            shown.append(Shown(label, rec, scene.preset, tuple(replay.changes(cfg, scene.preset))))
        pauses = tuple(sorted({a.at_step for a in scene.actions if a.do == "pause" and a.at_step is not None}))
        words += [f"Pause at step {p:,}: playing stops there" for p in pauses]
        page = dict(replays=tuple(shown), scripted=tuple(words), pauses=pauses, presenter_only=tuple(
            _words(a) for a in scene.actions if a.do not in TRAINING_ACTIONS and not (a.do == "pause" and a.at_step)))
    elif scene.tab == "counterexample":
        page = dict(storyboard=counterexample.run_storyboard(seed=config.seed, rounds=options.story_rounds,
                                                             config=config))
    elif scene.tab == "collapse_map":
        axis = f"{MAP_RANGE}:{options.map_values}log"
        page = dict(collapse_map=sweep.sweep(config, sweep.parse_axis(f"lr_d={axis}"),
                                             sweep.parse_axis(f"lr_g={axis}"), seeds=options.map_seeds,
                                             steps=options.map_steps))
    else:
        page = dict(published=published_rows())
    return ScenePage(scene=scene, seconds=time.perf_counter() - t0, **page)


def _words(action: Any) -> str:
    what = {"play": "Play", "pause": "Pause", "step": "Step"}.get(action.do, action.do)
    times = f" x {action.times}" if action.times > 1 else ""
    return what + times + ("" if action.at_step is None else f" at step {action.at_step:,}")


def scene_pages(lecture: Lecture, options: Options = Options(),
                progress: Callable[[Scene], None] | None = None) -> Iterator[ScenePage]:
    """Each scene's page, in order; ``progress(scene)`` is called before each is computed. A scene
    that cannot be computed raises ValueError naming it."""
    for scene in lecture.scenes:
        if progress is not None:
            progress(scene)
        try:
            page = scene_page(scene, options)
        except ValueError as e:
            raise ValueError(f"scene {scene.number} ({scene.title}): {e}") from None
        yield page
