"""The Compare page: the sidebar's run and the same run with one remedy added (``presets.REMEDIES``),
from the same seed and the same initial weights, trained in lockstep, side by side.

Start sets both runs up (compiling them) in a background thread (``gan_viz.ui.jobs``), so a tab
switch meanwhile never drops them: they are there when Compare is next open."""

from __future__ import annotations

import math
import time

import streamlit as st

from gan_viz.core.config import Config
from gan_viz.core.losses import F_LOSSES
from gan_viz.lab import presets
from gan_viz.ui import jobs, rerun
from gan_viz.ui.live_plot import live_plot
from gan_viz.ui.pacing import Plan
from gan_viz.ui.pages import keep_inputs, live
from gan_viz.ui.player import Player, Snapshot
from gan_viz.ui.session import APP_GRID_RES, LiveRun

KEY = "compare"  # session state: the two runs and what drives them
STARTING = "compare_job"  # session state: Start's job, setting up the next two runs
POLL_SECONDS = 1.0  # while they are set up, the page looks this often whether they are ready
STARTING_NOTE = ("Compiling both runs: seconds for most remedies, about half a minute for the unrolled GAN (once per "
                 "shape; later starts reuse the compiled code). It goes on if you switch tabs.")
# Frames the server plans at least, when the pace cannot be held: above the 15/s wanted on screen,
# because the browser drawing two plots takes a share of the same cores (ring8-healthy beside PacGAN
# on 2 cores: planned for 15/s it drew 12.0 frames/s, for 25/s 15.2; docs/benchmarks.md).
PLANNED_MIN_FPS = 25.0
CRITIC_NOTE = ("Background: the critic's score f(x), a score and not a probability: blue rated more real, "
               "orange less, centred on its median over the view (the line).")
F_CRITIC_NOTE = ("Background: an f-GAN critic T = g_f(V), not a probability; drawn as the classifier it implies, "
                 "u / (1 + u) where T = f'(u) (D* when T is optimal), the line where T says p_x = p_g.")


class Comparison:
    """Two live runs kept in lockstep, played by one ``Player``: the shared step target rises and
    each run trains whole rounds up to it (so each is within one round of it). The target follows
    the sidebar's pace, as the live view does, in units of the longer round of the two: fewer steps
    a frame when the machine cannot draw frames smoothly at the pace, and pictures within rounds
    when a round is more than the pace's share of a frame (ring8-hopping's 43-step rounds at 55
    steps/s)."""

    def __init__(self, left: Config, remedy: str):
        self.remedy = remedy
        self.runs = (LiveRun(left, grid_res=APP_GRID_RES),
                     LiveRun(presets.with_remedy(left, remedy), grid_res=APP_GRID_RES))
        for r in self.runs:  # and the rounds that take pictures, so no frame waits for a compilation
            r.warm_up(pictures=True, wait=True)
        self.target = 0
        self.player = Player(min_fps=PLANNED_MIN_FPS)
        self.playing = False
        self.train_seconds = 0.0  # training time of the last ``play`` (both runs)

    @property
    def step(self) -> int:
        """The shared step target (the ``Player``'s source's step)."""
        return self.target

    @property
    def round_steps(self) -> int:
        """The longer round of the two: a frame's unit."""
        return max(r.round_steps for r in self.runs)

    @property
    def pace(self) -> float:
        return self.runs[0].config.view.pace

    def play(self, plan: Plan) -> list[tuple[Snapshot | None, Snapshot | None]]:
        """Trains the frames ``plan`` asks for; returns each frame's pair of pictures (None: that run
        made none, it diverged). Frames split rounds as in the live view (``LiveRun.play``), and
        are whole rounds while the arrows are shown. ``train_seconds`` is then what training took."""
        self.train_seconds = 0.0
        if plan.every:
            rounds = plan.split_rounds(self.round_steps)
            if not any(r.arrows_shown for r in self.runs):
                return self.advance_split(rounds, plan.every)
            return [self.advance(self.round_steps) for _ in range(rounds)]
        return [self.advance(plan.rounds_per_frame * self.round_steps) for _ in range(plan.frames)]

    def advance_split(self, rounds: int, every: int) -> list[tuple[Snapshot | None, Snapshot | None]]:
        """Frames finer than a round: the target rises by ``rounds`` of the longer round and each
        run trains its whole rounds up to it, with a picture about every ``every`` steps (scaled
        to its own round). Returns the pictures paired one to one (the run with fewer shows some
        twice; its last is always its end of round)."""
        self.target += rounds * self.round_steps
        started = time.perf_counter()
        per_run = []
        for r in self.runs:
            n = self._rounds_due(r)
            e = max(1, round(every * r.round_steps / self.round_steps))
            per_run.append(r.advance_split(n, e, refresh=False) if n else [])
        self.train_seconds += time.perf_counter() - started
        count = max(len(p) for p in per_run)
        return [tuple(p[i * len(p) // count] if p else None for p in per_run) for i in range(count)]

    def advance(self, steps: int) -> tuple[Snapshot | None, Snapshot | None]:
        """One frame: the target rises by ``steps`` and each run trains whole rounds until it
        reaches it; its picture per run (None: that run made none, it diverged)."""
        self.target += steps
        out = []
        started = time.perf_counter()
        for r in self.runs:
            rounds = self._rounds_due(r)
            batch = r.advance_frames(1, rounds, refresh=False) if rounds else []
            out.append(batch[-1] if batch else None)
        self.train_seconds += time.perf_counter() - started
        return tuple(out)

    def _rounds_due(self, run: LiveRun) -> int:
        """Whole rounds that bring ``run`` to the target (none once it has diverged)."""
        return 0 if run.diverged else max(math.ceil((self.target - run.step) / run.round_steps), 0)

    def refresh(self) -> None:
        for r in self.runs:
            r.refresh()


def _labels(c: Comparison) -> tuple[str, str]:
    return f"without {c.remedy}", f"+ {c.remedy}"


@rerun.action
def _start() -> None:
    ss = st.session_state
    ss.playing = False  # the live run waits while two others train
    ss.pop(KEY, None)
    left, remedy = ss.run.config, ss.compare_remedy
    ss[STARTING] = jobs.Job(lambda job: Comparison(left, remedy), name="compare start")


@st.fragment(run_every=POLL_SECONDS)
def _starting(job: jobs.Job) -> None:
    """Start's note while both runs are set up; the whole page once they are."""
    rerun.follow_up()
    if not job.running:
        st.rerun(scope="app")
    st.info(STARTING_NOTE)


def _started() -> bool:
    """Takes the runs Start set up, if ready; whether they are still being set up."""
    ss = st.session_state
    job: jobs.Job | None = ss.get(STARTING)
    if job is None or job.running:
        return job is not None
    del ss[STARTING]
    if job.error is not None:
        st.error(f"Compare not started: {job.error}")
    else:
        ss[KEY] = job.result
    return False


@rerun.action
def _play_pause() -> None:
    c: Comparison = st.session_state[KEY]
    c.playing = not c.playing
    c.player.reset()
    if c.playing:
        st.session_state.playing = False


def status_html(c: Comparison, run: LiveRun, label: str, side: str) -> str:
    line = c.player.status(run.step, live.quality_text(run), run.history.hop_count, playing=c.playing,
                           after=["diverged" if run.diverged else ""])
    return f"<div id='compare-{side}' style='font-size:1.05rem'><b>{label}</b><br>{line}</div>"


def _main(run: LiveRun, pictures: list[Snapshot], view: dict, playing: bool) -> list[dict] | dict | None:
    """One run's main view: a batch of frames, played one by one (both plots together); None while
    playing with no new picture (the plot stays as it is); while paused or showing D*, its state."""
    if pictures and not view["view.dstar"]:
        return [live.main_figure(run, snap, view) for snap in pictures]
    return None if playing and not pictures else live.main_figure(run, live.still(run, view), view)


@st.fragment
def _view(view: dict) -> None:
    rerun.follow_up()
    ss = st.session_state
    c: Comparison = ss[KEY]
    started = time.perf_counter()
    c.player.begin(started, c.playing)
    for r in c.runs:
        r.arrows_shown = bool(view["view.arrows"])
    frames: list[tuple[Snapshot | None, Snapshot | None]] = []
    due = started
    if c.playing:
        frames, due = c.player.play(c, c.pace, started)
        if all(r.diverged for r in c.runs):  # nothing left to play: pause, and say so on the button too
            c.playing = False
            st.rerun(scope="app")
    slow = c.player.slow_due(time.monotonic(), c.playing)
    if slow:
        c.refresh()
    cols = st.columns(2)
    for col, run, label, side in zip(cols, c.runs, _labels(c), ("left", "right")):
        col.markdown(status_html(c, run, label, side), unsafe_allow_html=True)
        notice = col.empty()  # always there, so the plot below keeps its place when a notice shows
        if run.diverged:  # it stays at its last finite state while the other plays on
            notice.error(run.message)
        if run.config.train.loss == "wasserstein" and not view["view.dstar"]:
            col.caption(CRITIC_NOTE)
        elif run.config.train.loss in F_LOSSES and not view["view.dstar"]:
            col.caption(F_CRITIC_NOTE)
    mains = [_main(run, [f[i] for f in frames if f[i] is not None], view, c.playing) for i, run in enumerate(c.runs)]
    charts = [live.mode_chart(run, view, 0.0) for run in c.runs] if slow else [None, None]
    st.markdown(f"<div id='compare-rate'>{c.player.rate_line()}</div>" if c.playing else "", unsafe_allow_html=True)
    frame = c.player.frame((id(c), c.target, tuple(sorted(view.items()))), bool(frames))
    next_in = max(due - time.perf_counter(), 0.0)
    c.player.finish(len(frames) if c.playing else 0, time.perf_counter(), c.pace, next_in)
    live_plot([*mains, *charts], key="compare_plot", frame=frame, columns=2,
              rows=[{"fit": "square", "min": 300, "max": 620}, 330], request_next=c.playing, next_in=next_in)


def render(view: dict) -> None:
    ss = st.session_state
    keep_inputs({"compare_remedy": next(iter(presets.REMEDIES))})
    st.markdown("Two runs from the same seed and the same initial weights, trained in lockstep (both "
                "advance together, each within one round of the other): on the left the run as set (the sidebar, "
                "or the lecture scene), on the right the same run with one remedy for mode collapse added.")
    c1, c2, c3 = st.columns([3, 1, 1])
    c1.selectbox("Remedy on the right", list(presets.REMEDIES), key="compare_remedy", on_change=rerun.request)
    starting = _started()
    c2.button("Start from step 0", key="compare_start", on_click=_start, use_container_width=True, disabled=starting)
    if starting:
        _starting(ss[STARTING])
        return
    c: Comparison | None = ss.get(KEY)
    if c is None:
        st.info("Start compiles and sets up both runs; then press Play.")
        return
    c3.button("Pause" if c.playing else "Play", key="compare_play", type="primary", on_click=_play_pause,
              use_container_width=True)
    _view(view)
