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
