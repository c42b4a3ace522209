"""Not a page: the Reproduce page's background work (``gan_viz.ui.jobs.Job``), for its table and
its figure alike. Each kind keeps its jobs by request for the whole process, so that one computed
once is there for every session; a button asks for the next run to start the widgets' request,
which starts once (again if it stopped or failed); a polling fragment shows its progress."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from gan_viz.ui import jobs, rerun

POLL_SECONDS = 1.0  # a computing table's or figure's progress redraws this often


@st.cache_resource(show_spinner=False)
def store(kind: str) -> dict[str, jobs.Job]:
    """Process-wide: ``kind``'s jobs ("tables", "figures") by request, computing or done."""
    return {}


def running(kind: str, request_key: str) -> bool:
    """Whether this session's job (its request in ``session_state[request_key]``) is computing."""
    ss, jobs_ = st.session_state, store(kind)
    return ss.get(request_key) in jobs_ and jobs_[ss[request_key]].running


def submit(kind: str, request_key: str, request: str, work: Callable[[jobs.Job], object], name: str) -> None:
    """Makes ``request`` this session's job, starting ``work`` for it unless it is there or computing."""
    ss, jobs_ = st.session_state, store(kind)
    if request not in jobs_ or jobs_[request].result is None and not jobs_[request].running:
        # new, or stopped or failed before: (again)
        jobs_[request] = jobs.Job(work, name=name)
    ss[request_key] = request
    ss.playing = False  # training uses every core; Live waits


def finished(kind: str, request_key: str, empty: str, poll: Callable[[jobs.Job], None]) -> jobs.Job | None:
    """This session's job once it is done; else None, with ``empty`` shown when there is none yet,
    or its progress (``poll(job)``, a polling fragment) while it computes."""
    ss, jobs_ = st.session_state, store(kind)
    if ss.get(request_key) not in jobs_:
        st.info(empty)
        return None
    job = jobs_[ss[request_key]]
    if job.running:
        poll(job)
        return None
    return job


@rerun.action
def ask(pending_key: str) -> None:
    """The Compute or Train button's callback: the next run starts the widgets' request."""
    st.session_state[pending_key] = True


@rerun.action
def stop(kind: str, request_key: str) -> None:
    """The Stop button's callback: this session's job stops at its next progress report."""
    store(kind)[st.session_state[request_key]].stop.set()


def show_progress(job: jobs.Job, text, note: str, stop_key: str, stop_args: tuple[str, str]) -> None:
    """The body of a polling fragment for a background job: reruns the page once the job is done,
    else its progress bar (``text(progress)``, "Compiling" before the first) and a Stop button
    (``stop(*stop_args)``)."""
    rerun.follow_up()
    if not job.running:
        st.rerun(scope="app")  # done: the whole page, with the result
    p = job.progress
    if p is None:
        st.progress(0.0, text="Compiling ..." + note)
    else:
        st.progress(p.done / max(p.total, 1), text=text(p) + note)
    st.button("Stop", key=stop_key, on_click=stop, args=stop_args, disabled=job.stop.is_set())
