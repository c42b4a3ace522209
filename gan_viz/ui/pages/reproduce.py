"""The Reproduce page: the literature's mode-collapse table (``gan_viz.lab.reproduce``), computed
with a progress bar, rows appearing as each method finishes, and kept per process; below it, the
unrolled GAN's Figure 1 (``gan_viz.lab.figures``), trained and drawn the same way.

A table or a figure computes in a background thread (``gan_viz.ui.jobs``), so switching tabs never
drops it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from gan_viz.lab import figures, reproduce
from gan_viz.lab.experiment import json_ready
from gan_viz.render.figure_png import figure_png
from gan_viz.ui import jobs, rerun
from gan_viz.ui.pages import keep_inputs, prose, say_why_no_result

DEFAULTS = {"rep_dataset": "ring8", "rep_seeds": reproduce.DEFAULT_SEEDS,
            "rep_steps": reproduce.SETUPS["ring8"].train.steps}
MAX_SEEDS = 16
POLL_SECONDS = 1.0  # a computing table's progress redraws this often


@st.cache_resource(show_spinner=False)
def _tables() -> dict[str, jobs.Job]:
    """Process-wide: tables by request, computing or done, so a table computed once is there for
    every session."""
    return {}


def _request() -> str:
    ss = st.session_state
    return json.dumps({k: ss[k] for k in (*DEFAULTS, "rep_methods")}, sort_keys=True)


@rerun.action
def _compute() -> None:
    st.session_state.rep_pending = True


@rerun.action
def _stop() -> None:
    _tables()[st.session_state.rep_request].stop.set()


@rerun.action
def _dataset_changed() -> None:
    ss = st.session_state
    ss.rep_methods = [m.name for m in reproduce.methods(ss.rep_dataset)]
    ss.rep_steps = reproduce.SETUPS[ss.rep_dataset].train.steps  # each dataset's own budget


def _published(row: dict, source: str) -> str:
    """One paper's figures for this row's method: "modes / HQ (/ reverse KL)", or "-"."""
    fig = (row["published"] or {}).get(source)
    if fig is None:
        return "-"
    text = f"{fig['modes_captured']:.1f} / {100 * fig['hq_fraction']:.1f} %"
    return text + (f" / {fig['reverse_kl']:.2f}" if "reverse_kl" in fig else "")


def frame(rows: list[dict]) -> pd.DataFrame:
    """The table as shown: one row per method, ours beside the published figures."""
    return pd.DataFrame({
        "Method": [r["label"] for r in rows],
        "Modes": [reproduce.mean_std(r, "modes_captured", pm="±") for r in rows],
        "HQ": [reproduce.mean_std(r, "hq_fraction", pct=True, pm="±") for r in rows],
        "Reverse KL": [reproduce.mean_std(r, "reverse_kl", pm="±") for r in rows],
        "Diverged": [f"{100 * r['diverged_fraction']:.0f} %" for r in rows],  # PacGAN's and VEEGAN's Table 1:
        "PacGAN: modes / HQ / rKL": [_published(r, "pacgan_table1") for r in rows],
        "VEEGAN: modes / HQ": [_published(r, "veegan_table1") for r in rows],
    })


# narrow figure columns, so the published ones fit a 1280-px window beside the sidebar
_COLUMNS = {"Method": st.column_config.TextColumn(width="medium"),
            **{c: st.column_config.TextColumn(width="small") for c in ("Modes", "HQ", "Reverse KL", "Diverged")}}


def _show(where, rows: list[dict]) -> None:
    where.dataframe(frame(rows), hide_index=True, use_container_width=True, column_config=_COLUMNS)


def _work(dataset: str, seeds: int, steps: int, methods: list[str]):
    """The background job's work: the table, its progress (with the rows done) as it goes."""
    def work(job: jobs.Job) -> dict | None:
        rows: list[dict] = []
        for p in reproduce.reproduce_iter(dataset, seeds=seeds, steps=steps, only=methods):
            job.progress, rows = p, p.rows
            if job.stop.is_set() and p.done < p.total:
                return None
        return reproduce.table(dataset, rows, 0, steps)
    return work


def _job_progress(job: jobs.Job, text, note: str, stop_key: str, on_stop) -> None:
    """The body of a polling fragment for a background job: reruns the page once the job is done,
    else its progress bar (``text(progress)``, "Compiling" before the first) and a Stop button."""
    rerun.follow_up()
    if not job.running:
        st.rerun(scope="app")  # done: the whole page, with the result
    p = job.progress
    if p is None:
        st.progress(0.0, text="Compiling ..." + note)
    else:
        st.progress(p.done / max(p.total, 1), text=text(p) + note)
    st.button("Stop", key=stop_key, on_click=on_stop, disabled=job.stop.is_set())


@st.fragment(run_every=POLL_SECONDS)
def _progress(job: jobs.Job) -> None:
    """A computing table: how far it got and the rows done, redrawn until it is done."""
    _job_progress(job, lambda p: f"{f'Training {p.method}: ' if p.method else ''}{p.done}/{p.total} evaluations",
                  " (it keeps computing if you switch tabs)", "rep_stop", _stop)
    p = job.progress
    if p is not None and p.rows:
        _show(st, p.rows)


def _start(store: dict) -> str | None:
    """Starts the table the widgets ask for in the background (unless it is there or computing, or
    this session's table computes: Compute is disabled then); why not, if the choice is wrong."""
    ss = st.session_state
    if ss.get("rep_request") in store and store[ss.rep_request].running:
        return None
    if not ss.rep_methods:
        return "choose at least one method."
    request = _request()
    if request not in store or store[request].result is None and not store[request].running:
        # new, or stopped or failed before: (again)
        store[request] = jobs.Job(_work(ss.rep_dataset, int(ss.rep_seeds), int(ss.rep_steps), list(ss.rep_methods)),
                                  name="reproduce")
    ss.rep_request = request
    ss.playing = False  # training every seed at once uses every core; Live waits
    return None


def render() -> None:
    _render_table()
    _render_figure()


def _render_table() -> None:
    ss = st.session_state
    text = prose("reproduce")
    st.markdown(text["intro"])
    keep_inputs(DEFAULTS)
    keep_inputs({"rep_methods": [m.name for m in reproduce.methods(ss.rep_dataset)]})
    c = st.columns([1, 3.2, 0.8, 1, 1.2])
    c[0].selectbox("Dataset", reproduce.DATASETS, key="rep_dataset", on_change=_dataset_changed)
    c[1].multiselect("Methods", [m.name for m in reproduce.methods(ss.rep_dataset)], key="rep_methods",
                     on_change=rerun.request)
    c[2].number_input("Seeds", 1, MAX_SEEDS, key="rep_seeds", on_change=rerun.request)
    c[3].number_input("Steps", 100, 200_000, step=1000, key="rep_steps", on_change=rerun.request)
    store = _tables()
    refused = _start(store) if ss.pop("rep_pending", False) else None
    computing = store[ss.rep_request].running if ss.get("rep_request") in store else False
    c[4].button("Compute table", type="primary", key="rep_compute", on_click=_compute, use_container_width=True,
                disabled=computing, help="Stop the table that computes to compute another" if computing else None)
    st.caption(f"{text['setup']} Setup: {reproduce.setup_text(ss.rep_dataset, int(ss.rep_steps))}.")
    if refused:
        st.error(f"Table not computed: {refused}")
    if ss.get("rep_request") not in store:
        st.info(text["empty"])
        return
    job = store[ss.rep_request]
    if job.running:
        _progress(job)
        return
    if say_why_no_result(job, "Table", "Compute table"):
        return
    report = job.result
    rows = report["rows"]
    seconds = sum(r["wall_seconds"] for r in rows)
    seeds = rows[0]["seeds"]
    st.markdown(f"**{report['dataset']}**, {seeds} seed{'s' if seeds != 1 else ''}, {rows[0]['steps']:,} steps each "
                f"({seconds:.0f} s to train).")
    _show(st, rows)
    st.markdown(text["metrics"])
    for line in report["sources"].values():
        st.caption(line)
    if report.get("veegan"):
        v = report["veegan"]
        st.caption(f"VEEGAN itself (not trained here): {v['modes_captured']:g} modes, "
                   f"{100 * v['hq_fraction']:.1f} % HQ on the ring.")
    st.download_button("Table (JSON)", json.dumps(report, indent=2), file_name=f"reproduce-{report['dataset']}.json",
                       mime="application/json", key="rep_download", on_click="ignore")


# -- The unrolled GAN's Figure 1 -------------------------------------------------------------------

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


@st.cache_resource(show_spinner=False)
def _figures() -> dict[str, jobs.Job]:
    """Process-wide: figures by request, training or done, so a figure trained once is there for
    every session."""
    return {}


def _fig1_request() -> str:
    ss = st.session_state
    return json.dumps({k: ss[k] for k in FIG1_DEFAULTS}, sort_keys=True)


@rerun.action
def _fig1_train() -> None:
    st.session_state.fig1_pending = True


@rerun.action
def _fig1_stop() -> None:
    _figures()[st.session_state.fig1_request].stop.set()


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
    _job_progress(job, lambda p: f"Training {p.what}: {p.done:,}/{p.total:,} steps",
                  " (it keeps training if you switch tabs)", "fig1_stop", _fig1_stop)


def _fig1_start(store: dict) -> None:
    """Starts the figure the widgets ask for in the background (unless it is there or training, or
    this session's figure trains: Train is disabled then)."""
    ss = st.session_state
    if ss.get("fig1_request") in store and store[ss.fig1_request].running:
        return
    request = _fig1_request()
    if request not in store or store[request].result is None and not store[request].running:
        # new, or stopped or failed before: (again)
        store[request] = jobs.Job(_fig1_work(int(ss.fig1_seeds), int(ss.fig1_steps), bool(ss.fig1_ablation)),
                                  name="unrolled-fig1")
    ss.fig1_request = request
    ss.playing = False  # training uses every core; Live waits


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


def _render_figure() -> None:
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
    store = _figures()
    if ss.pop("fig1_pending", False):
        _fig1_start(store)
    training = store[ss.fig1_request].running if ss.get("fig1_request") in store else False
    c[3].button("Train the figure", type="primary", key="fig1_train", on_click=_fig1_train, width="stretch",
                disabled=training, help="Stop the figure that trains to train another" if training else None)
    st.caption(f"Source: {figures.SOURCE}")
    if ss.get("fig1_request") not in store:
        st.info(text["fig1_empty"])
        return
    job = store[ss.fig1_request]
    if job.running:
        _fig1_progress(job)
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
