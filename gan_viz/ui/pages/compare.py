"""The Compare page: the sidebar's run and the same run with one remedy added (``presets.REMEDIES``),
from the same seed and the same initial weights, trained in lockstep, side by side.

Start sets both runs up (compiling them) in a background thread (``gan_viz.ui.jobs``), so a tab
switch meanwhile never drops them: they are there when Compare is next open."""

from __future__ import annotations

import math
import time

import numpy as np
import streamlit as st

from gan_viz.core.config import Config
from gan_viz.lab import presets
from gan_viz.ui import jobs, rerun
from gan_viz.ui.live_plot import live_plot
from gan_viz.ui.pacing import Pacer, Plan
from gan_viz.ui.pages import keep_inputs, live
from gan_viz.ui.session import LiveRun, RateMeter

KEY = "compare"  # session state: the two runs and what drives them
STARTING = "compare_job"  # session state: Start's job, setting up the next two runs
POLL_SECONDS = 1.0  # while they are set up, the page looks this often whether they are ready
STARTING_NOTE = ("Compiling both runs: seconds for most remedies, about half a minute for the unrolled GAN (once per "
                 "shape; later starts reuse the compiled code). It goes on if you switch tabs.")
SLOW_SECONDS = 1.0  # the mode charts and status lines redraw at most this often while playing
GRID = 64
# Frames the server plans at least, when the pace cannot be held: above the 15/s wanted on screen,
# because the browser drawing two plots takes a share of the same cores (ring8-healthy beside PacGAN
# on 2 cores: planned for 15/s it drew 12.0 frames/s, for 25/s 15.2; docs/benchmarks.md).
PLANNED_MIN_FPS = 25.0
CRITIC_NOTE = ("Background: the critic's score f(x), a score and not a probability: blue rated more real, "
               "orange less, centred on its median over the view (the line).")


class Comparison:
    """Two live runs kept in lockstep: the shared step target rises and each run trains whole
    rounds up to it (so each is within one round of it). The target follows the sidebar's pace
    through a ``Pacer``, as the live view does, in units of the longer round of the two: fewer
    steps a frame when the machine cannot draw frames smoothly at the pace, and pictures within
    rounds when a round is more than the pace's share of a frame (ring8-hopping's 43-step rounds
    at 55 steps/s)."""

    def __init__(self, left: Config, remedy: str):
        self.remedy = remedy
        self.runs = (LiveRun(left, grid_res=GRID), LiveRun(presets.with_remedy(left, remedy), grid_res=GRID))
        for r in self.runs:  # and the rounds that take pictures, so no frame waits for a compilation
            r.warm_up(pictures=True, wait=True)
        self.target = 0
        self.pacer = Pacer(min_fps=PLANNED_MIN_FPS)
        self.playing = False
        self.frames = 0
        self.fps = RateMeter()
        self.train_seconds = 0.0  # training time of the last ``play`` (both runs)

    @property
    def round_steps(self) -> int:
        """The longer round of the two: a frame's unit."""
        return max(r.round_steps for r in self.runs)

    def plan(self, now: float) -> Plan:
        """The frames due at the sidebar's pace (pace "max": as fast as frames stay smooth); below
        a round a frame, frames split rounds (``Plan.every``), as in the live view."""
        return self.pacer.plan(self.runs[0].config.view.pace, self.round_steps, now)

    def play(self, plan: Plan) -> list[list[tuple[int, np.ndarray, np.ndarray]]]:
        """Trains the frames ``plan`` asks for; returns each run's pictures, paired one to one.
        ``train_seconds`` is then what training them took."""
        self.train_seconds = 0.0
        if plan.every:
            rounds = plan.split_rounds(self.round_steps)
            return self.advance_split(rounds, plan.every) if rounds else [[], []]
        out: list[list] = [[], []]
        for _ in range(plan.frames):
            for mine, pic in zip(out, self.advance(plan.rounds_per_frame * self.round_steps)):
                if pic is not None:
                    mine.append(pic)
        return out

    def advance_split(self, rounds: int, every: int) -> list[list[tuple[int, np.ndarray, np.ndarray]]]:
        """Frames finer than a round: the target rises by ``rounds`` of the longer round and each
        run trains its whole rounds up to it, with a picture about every ``every`` steps (scaled
        to its own round). Returns each run's pictures, paired one to one (the run with fewer
        shows some twice; its last is always its end of round)."""
        self.target += rounds * self.round_steps
        started = time.perf_counter()
        per_run = []
        for r in self.runs:
            n = self._rounds_due(r)
            e = max(1, round(every * r.round_steps / self.round_steps))
            per_run.append(r.advance_split(n, e, refresh=False) if n else [])
        self.train_seconds += time.perf_counter() - started
        count = max(len(p) for p in per_run)
        self.frames += count
        self.fps.add(count)
        return [[p[i * len(p) // count] for i in range(count)] if p else [] for p in per_run]

    def advance(self, steps: int) -> list[tuple[int, np.ndarray, np.ndarray] | None]:
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
        self.frames += 1
        self.fps.add()
        return out

    def _rounds_due(self, run: LiveRun) -> int:
        """Whole rounds that bring ``run`` to the target (none once it has diverged)."""
        return 0 if run.diverged else max(math.ceil((self.target - run.step) / run.round_steps), 0)

    def refresh(self) -> None:
        for r in self.runs:
            r.refresh()


def _labels(c: Comparison) -> tuple[str, str]:
    return "as in the sidebar", f"+ {c.remedy}"


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
    c.fps.reset()
    c.pacer.reset()
    if c.playing:
        st.session_state.playing = False


def status(run: LiveRun, label: str, side: str) -> str:
    f = run.frame
    return (f"<div id='compare-{side}' style='font-size:1.05rem'><b>{label}</b><br>step <b>{run.step:,}</b> &middot; "
            f"modes captured <b>{int(f.modes.modes_captured)} / {run.mixture.num_modes}</b> &middot; "
            f"{100 * float(f.modes.hq_fraction):.0f} % high quality &middot; JSD {float(f.jsd):.3f} &middot; "
            f"hops {run.history.hop_count}{' &middot; diverged' if run.diverged else ''}</div>")


@st.fragment
def _view(view: dict) -> None:
    rerun.follow_up()
    ss = st.session_state
    c: Comparison = ss[KEY]
    frames: list[list] = [[], []]  # per run, the pictures of this rerun's frames
    started = time.perf_counter()
    next_in = 0.0
    if c.playing:
        plan = c.plan(started)
        before = c.target
        frames = c.play(plan)
        next_in = plan.next_in
        if all(r.diverged for r in c.runs):  # nothing left to play: pause, and say so on the button too
            c.playing = False
            st.rerun(scope="app")
    now = time.monotonic()
    slow = not c.playing or now - ss.get("compare_slow_at", 0.0) >= SLOW_SECONDS
    if slow:
        c.refresh()
        ss.compare_slow_at = now
    cols = st.columns(2)
    for col, run, label, side in zip(cols, c.runs, _labels(c), ("left", "right")):
        col.markdown(status(run, label, side), unsafe_allow_html=True)
        notice = col.empty()  # always there, so the plot below keeps its place when a notice shows
        if run.diverged:  # it stays at its last finite state while the other plays on
            notice.error(run.message)
        if run.config.train.loss == "wasserstein" and not view["view.dstar"]:
            col.caption(CRITIC_NOTE)
    mains: list = []
    for run, pics in zip(c.runs, frames):
        if pics:  # a batch of frames, played one by one (both plots together)
            mains.append([live.main_figure(run, fake, surface, view) for _, fake, surface in pics])
        elif c.playing:
            mains.append(None)
        else:
            mains.append(live.main_figure(run, run.frame.fake, run.frame.d_surface, view))
    charts = [live.mode_chart(run, view, 0.0) for run in c.runs] if slow else [None, None]
    st.markdown(f"<div id='compare-rate'>{c.fps.rate():.1f} frames/s &middot; frame {c.frames}</div>"
                if c.playing else "", unsafe_allow_html=True)
    # a new picture gets a new number (the component skips one it has drawn)
    signature = (id(c), c.frames, tuple(sorted(view.items())))
    if signature != ss.get("compare_drawn"):
        ss.compare_drawn = signature
        ss.compare_draw_id = ss.get("compare_draw_id", 0) + 1
    if frames[0] or frames[1]:  # what the frames cost besides training: the pacer plans what the machine can draw
        made = max(len(frames[0]), len(frames[1]))
        c.pacer.record(made, c.target - before, c.train_seconds,
                       time.perf_counter() - started - c.train_seconds)
    live_plot([*mains, *charts], key="compare_plot", frame=ss.compare_draw_id, columns=2,
              rows=[{"fit": "square", "min": 300, "max": 620}, 330], request_next=c.playing,
              next_in=max(next_in - (time.perf_counter() - started), 0.0))


def render(view: dict) -> None:
    ss = st.session_state
    keep_inputs({"compare_remedy": next(iter(presets.REMEDIES))})
    st.markdown("Two runs from the same seed and the same initial weights, trained in lockstep (both "
                "advance together, each within one round of the other): on the left the run in the sidebar, on the "
                "right the same run with one remedy for mode collapse added.")
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
