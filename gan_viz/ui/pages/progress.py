"""Not a page: the progress of a background job (``gan_viz.ui.jobs.Job``) as the Reproduce page
shows it, for its table and for its figure alike."""

from __future__ import annotations

import streamlit as st

from gan_viz.ui import jobs, rerun

POLL_SECONDS = 1.0  # a computing table's or figure's progress redraws this often


def job_progress(job: jobs.Job, text, note: str, stop_key: str, on_stop) -> None:
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
