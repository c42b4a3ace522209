"""The Reproduce page: the literature's mode-collapse table (``gan_viz.lab.reproduce``), computed
with a progress bar, rows appearing as each method finishes, and kept per process; below it, the
unrolled GAN's Figure 1 (``figure1``), trained and drawn the same way.

A table or a figure computes in a background thread (``gan_viz.ui.jobs``), so switching tabs never
drops it."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from gan_viz.lab import reproduce
from gan_viz.ui import jobs, rerun
from gan_viz.ui.pages import background, figure1, keep_inputs, prose, say_why_no_result
from gan_viz.ui.pages.background import POLL_SECONDS

DEFAULTS = {"rep_dataset": "ring8", "rep_seeds": reproduce.DEFAULT_SEEDS,
            "rep_steps": reproduce.SETUPS["ring8"].train.steps}
MAX_SEEDS = 16


def _request() -> str:
    ss = st.session_state
    return json.dumps({k: ss[k] for k in (*DEFAULTS, "rep_methods")}, sort_keys=True)


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


@st.fragment(run_every=POLL_SECONDS)
def _progress(job: jobs.Job) -> None:
    """A computing table: how far it got and the rows done, redrawn until it is done."""
    background.show_progress(
        job, lambda p: f"{f'Training {p.method}: ' if p.method else ''}{p.done}/{p.total} evaluations",
        " (it keeps computing if you switch tabs)", "rep_stop", ("tables", "rep_request"))
    p = job.progress
    if p is not None and p.rows:
        _show(st, p.rows)


def _start() -> str | None:
    """Starts the table the widgets ask for in the background (unless this session's table
    computes: Compute is disabled then); why not, if the choice is wrong."""
    ss = st.session_state
    if background.running("tables", "rep_request"):
        return None
    if not ss.rep_methods:
        return "choose at least one method."
    work = _work(ss.rep_dataset, int(ss.rep_seeds), int(ss.rep_steps), list(ss.rep_methods))
    background.submit("tables", "rep_request", _request(), work, name="reproduce")
    return None


def render() -> None:
    _render_table()
    figure1.render()


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
    refused = _start() if ss.pop("rep_pending", False) else None
    computing = background.running("tables", "rep_request")
    c[4].button("Compute table", type="primary", key="rep_compute", on_click=background.ask, args=("rep_pending",),
                use_container_width=True,
                disabled=computing, help="Stop the table that computes to compute another" if computing else None)
    st.caption(f"{text['setup']} Setup: {reproduce.setup_text(ss.rep_dataset, int(ss.rep_steps))}.")
    if refused:
        st.error(f"Table not computed: {refused}")
    job = background.finished("tables", "rep_request", text["empty"], _progress)
    if job is None or say_why_no_result(job, "Table", "Compute table"):
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
