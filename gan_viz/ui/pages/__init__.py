"""The app's pages, one module each with a ``render`` function; their prose lives in the
markdown file of the same name beside them (sections headed ``<!-- name -->``)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import streamlit as st


@functools.cache
def prose(page: str) -> dict[str, str]:
    """The sections of ``pages/<page>.md``: text after each ``<!-- name -->`` line, stripped."""
    text = resources.files("gan_viz.ui.pages").joinpath(f"{page}.md").read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    name = None
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("<!--") and stripped.endswith("-->"):
            if name is not None:
                sections[name] = "\n".join(lines).strip()
            name, lines = stripped[4:-3].strip(), []
        elif name is not None:
            lines.append(line)
    if name is not None:
        sections[name] = "\n".join(lines).strip()
    return sections


def keep_inputs(defaults: dict[str, Any]) -> None:
    """Called first in a page's ``render``: its input widgets (keys and first values in ``defaults``)
    show what was typed last, also after the page's tab was closed. Streamlit forgets the state of
    every widget a run does not draw, and a closed (lazy) tab draws none."""
    ss = st.session_state
    kept = ss.setdefault("_kept_inputs", {})
    for key, default in defaults.items():
        if key in ss:
            kept[key] = ss[key]
        else:
            ss[key] = kept.get(key, default)


def say_why_no_result(job: Any, what: str, button: str) -> bool:
    """For a finished background job (``gan_viz.ui.jobs.Job``) that left no result: says why on the
    page, its one-line error or how far it got before Stop (its ``progress`` has ``done`` and
    ``total``); whether it left none. ``what``: "Map", "Table"; ``button``: the one that restarts it."""
    if job.result is not None:
        return False
    if job.error is not None:
        st.error(f"{what} not computed: {job.error}")
    else:
        p = job.progress
        done = f" after {p.done} of {p.total} evaluations" if p is not None else ""
        st.warning(f"{what} stopped{done}. Press **{button}** to compute it again.")
    return True
