"""The unrolled GAN's Figure 1 (``gan_viz.lab.figures``), the lower half of the Reproduce page:
its seeds, budget and ablation chosen, trained in a background thread (``gan_viz.ui.jobs``) with a
progress bar and a Stop button, drawn as a PNG (``gan_viz.render.figure_png``) with a line per run
and the ablation's table, and kept per process so that another session finds it trained."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from gan_viz.lab import figures
from gan_viz.lab.experiment import json_ready
from gan_viz.render.figure_png import figure_png
from gan_viz.ui import jobs, rerun
from gan_viz.ui.pages import background, keep_inputs, prose, say_why_no_result
from gan_viz.ui.pages.background import POLL_SECONDS

FIG1_DEFAULTS = {"fig1_seeds": 1, "fig1_steps": figures.STEPS, "fig1_ablation": False}
FIG1_MAX_SEEDS = 4
FIG1_MIN_STEPS = figures.ITERATION_STEPS * (figures.SNAPSHOTS - 1)  # a snapshot per whole iteration


@dataclass(frozen=True)
class FigureProgress:
    """How far a figure got: ``done`` of ``total`` steps over all its runs, ``what`` trains now."""
    done: int
    total: int
    what: str


class _Stopped(Exception):
    """Raised from the progress callback once Stop is pressed: ends the training at its next evaluation."""


def _fig1_request() -> str:
    ss = st.session_state
    return json.dumps({k: ss[k] for k in FIG1_DEFAULTS}, sort_keys=True)


def _fig1_work(seeds: int, steps: int, ablation: bool):
    """The background job's work: the report, its PNG and its JSON; progress in steps as it goes."""
    def work(job: jobs.Job) -> dict | None:
        def progress(done: int, total: int, what: str) -> None:
            job.progress = FigureProgress(done, total, what)
            if job.stop.is_set() and done < total:
                raise _Stopped

        try:
            report = figures.unrolled_fig1(seeds=seeds, steps=steps, ablation=ablation, progress=progress)
        except _Stopped:
            return None
        return {"report": report, "png": figure_png(report), "json": json.dumps(json_ready(report), indent=2)}
    return work


@st.fragment(run_every=POLL_SECONDS)
def _fig1_progress(job: jobs.Job) -> None:
    """A training figure: how far it got, redrawn until it is done."""
    background.show_progress(job, lambda p: f"Training {p.what}: {p.done:,}/{p.total:,} steps",
                             " (it keeps training if you switch tabs)", "fig1_stop", ("figures", "fig1_request"))


def _fig1_start() -> None:
    """Starts the figure the widgets ask for in the background (unless this session's figure
    trains: Train is disabled then)."""
    ss = st.session_state
    if not background.running("figures", "fig1_request"):
        work = _fig1_work(int(ss.fig1_seeds), int(ss.fig1_steps), bool(ss.fig1_ablation))
        background.submit("figures", "fig1_request", _fig1_request(), work, name="unrolled-fig1")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f} %"


def fig1_caption(report: dict) -> str:
    """One line per run: its hop events, the share of evaluations it was collapsed, its modes at the end."""
    lines = []
    for run in report["runs"]:
        s = run["summary"]
        modes = s["modes_captured"]
        lines.append(f"{run['label']}, seed {run['seed']}: {s['hop_events']} hop{'s' if s['hop_events'] != 1 else ''}, "
                     f"collapsed at {_pct(s['collapsed_share'])} of evaluations, "
                     f"{modes} mode{'s' if modes != 1 else ''} at the end.")
    return "  \n".join(lines)


def fig1_ablation_frame(rows: list[dict]) -> pd.DataFrame:
    """The ablation as shown: one change to the standard GAN per row, means over seeds."""
    def pct(x: float | None) -> float | None:
        return None if x is None else 100 * x

    return pd.DataFrame({
        "change": [r["label"] for r in rows],
        "hops": [r["hop_events_mean"] for r in rows],
        "collapsed %": [pct(r["collapsed_share_mean"]) for r in rows],
        "modes": [r["modes_captured_mean"] for r in rows],
        "HQ %": [pct(r["hq_fraction_mean"]) for r in rows],
        "std from mode": [r["near_mode_distance_mean"] for r in rows],
    })


_FIG1_COLUMNS = {
    "change": st.column_config.TextColumn(width="large"),
    "hops": st.column_config.NumberColumn(format="%.1f", help="hop events: the dominant mode changed"),
    "collapsed %": st.column_config.NumberColumn(format="%.0f", help="share of evaluations collapsed on one mode"),
    "modes": st.column_config.NumberColumn(format="%.1f", help="modes with a high-quality sample, at the end"),
    "HQ %": st.column_config.NumberColumn(format="%.1f", help="share of samples within 3 std of a mode, at the end"),
    "std from mode": st.column_config.NumberColumn(
        format="%.1f", help="how far a collapsed G sits from its mode, in the mode's std (median; empty: never "
                            "collapsed)"),
}


def render() -> None:
    ss = st.session_state
    text = prose("reproduce")
    st.subheader("The unrolled GAN's Figure 1")
    st.markdown(text["fig1_intro"])
    keep_inputs(FIG1_DEFAULTS)
    iterations = figures.STEPS // figures.ITERATION_STEPS
    c = st.columns([0.8, 1.2, 1.6, 1.2], vertical_alignment="bottom")
    c[0].number_input("Seeds", 1, FIG1_MAX_SEEDS, key="fig1_seeds", on_change=rerun.request,
                      help="one row of snapshots per method and seed; seeds 0, 1, ...")
    c[1].number_input("Steps", FIG1_MIN_STEPS, figures.STEPS, step=2000, key="fig1_steps", on_change=rerun.request,
                      help=f"A step is one update of D or of G: {figures.STEPS:,} steps are the paper's {iterations:,} "
                           "iterations. At that budget the unrolled GAN takes minutes per seed on a laptop.")
    c[2].checkbox("also train the ablation", key="fig1_ablation", on_change=rerun.request,
                  help=f"{len(figures.ABLATION) - 1} more runs per seed, each one change to the standard GAN: "
                       "which single change stops it from hopping")
    if ss.pop("fig1_pending", False):
        _fig1_start()
    training = background.running("figures", "fig1_request")
    c[3].button("Train the figure", type="primary", key="fig1_train", on_click=background.ask, args=("fig1_pending",),
                width="stretch",
                disabled=training, help="Stop the figure that trains to train another" if training else None)
    st.caption(f"Source: {figures.SOURCE}")
    job = background.finished("figures", "fig1_request", text["fig1_empty"], _fig1_progress)
    if job is None:
        return
    if job.result is None and job.error is None:  # stopped: its progress counts steps, not evaluations
        p = job.progress
        done = f" after {p.done:,} of {p.total:,} steps" if p is not None else ""
        st.warning(f"Figure stopped{done}. Press **Train the figure** to train it again.")
        return
    if say_why_no_result(job, "Figure", "Train the figure"):
        return
    report = job.result["report"]
    seeds = len(report["seeds"])
    seconds = sum(r["summary"]["wall_seconds"] for r in report["runs"])
    methods = {r["method"] for r in report["runs"]}  # the ablation's first row is the standard GAN above
    seconds += sum(p["wall_seconds"] for row in report["ablation"] if row["name"] not in methods
                   for p in row["per_seed"])
    st.markdown(f"{seeds} seed{'s' if seeds != 1 else ''}, {report['steps']:,} steps each "
                f"({report['steps'] // figures.ITERATION_STEPS:,} iterations; {seconds:.0f} s to train).")
    st.image(job.result["png"], width="stretch")
    st.caption(fig1_caption(report))
    if report["ablation"]:
        st.markdown(text["fig1_ablation"])
        st.dataframe(fig1_ablation_frame(report["ablation"]), hide_index=True, column_config=_FIG1_COLUMNS,
                     placeholder="-")
    st.download_button("Figure (JSON)", job.result["json"], file_name="unrolled-fig1.json", mime="application/json",
                       key="fig1_download", on_click="ignore")
